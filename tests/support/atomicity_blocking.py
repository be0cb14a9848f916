"""The blocking scenario of tools/atomicity_stress.py.

Many consumer connections (1,000 by default) block at once: half in BLPOP over 1-3 of the list
keys, half in BZPOPMIN over 1-3 of the sorted-set keys (plain names, so the keys spread over the
shards and one command often blocks on keys of several shards). Producers push uniquely numbered
elements with LPUSH, RPUSH (1-4 elements per command) and ZADD (1-4 members, score = the
element's number). A producer holds back while more than --backlog elements wait undelivered,
so most pushes meet consumers that are already blocked, and some meet non-empty keys.

Checks:
  * every consumer reply is well-formed: [key, element] for BLPOP, [key, member, score] for
    BZPOPMIN (the score exactly the one pushed), or the null of the connection's protocol when
    the timeout passes; the key is one the consumer blocked on and the one the element was
    pushed to;
  * every element is delivered exactly once: a second delivery fails at once, and after the
    producers stop every element must arrive within the drain time;
  * LPUSH/RPUSH reply a length of at least the elements pushed, ZADD exactly the members added;
  * at the end every key is gone (EXISTS 0) and DBSIZE is 0; then, with every consumer ended
    or closed, an element pushed to each key stays there (no waiter outlives its connection).

Most consumers block with a timeout of 0.5 to 2 s and block again after each element or
timeout, so the run ends by itself; every tenth blocks with timeout 0 (for ever) and is closed
while still blocked once everything has been delivered. Every fourth connection speaks RESP3.
"""

import asyncio
import time

import resp_wire
from atomicity_common import ClosedError, Conn, Mismatch, open_many, short, to_int

FINITE_TIMEOUTS = (b"0.5", b"1", b"1.5", b"2")
LONGEST_TIMEOUT = 2.0


class Blocking:
    def __init__(self, args):
        self.list_keys = [b"bl%d" % i for i in range(args.block_keys)]
        self.zset_keys = [b"bz%d" % i for i in range(args.block_keys)]
        self.elements = {}       # element -> (key, score or None)
        self.delivered = {}      # element -> consumer index
        self.produced = 0
        self.producers_done = False
        self.closing = False     # the for-ever consumers are being closed on purpose
        self.next_number = 0

    def finished(self):
        return self.producers_done and len(self.delivered) == self.produced

    def number(self):
        self.next_number += 1
        return self.next_number


class Consumer:
    def __init__(self, run, st, index, rng):
        self.run = run
        self.st = st
        self.index = index
        self.pops_zset = index % 2 == 1
        pool = st.zset_keys if self.pops_zset else st.list_keys
        # The first key makes sure every key has consumers; the others overlap at random.
        first = pool[(index // 2) % len(pool)]
        others = rng.sample([k for k in pool if k != first], rng.randint(0, min(2, len(pool) - 1)))
        self.keys = [first] + others
        rng.shuffle(self.keys)
        self.forever = index % 10 == 9
        self.timeout = b"0" if self.forever else rng.choice(FINITE_TIMEOUTS)
        name = b"BZPOPMIN" if self.pops_zset else b"BLPOP"
        self.command = [name] + self.keys + [self.timeout]
        self.resp3 = index % 4 == 3
        self.conn = Conn(run, "consumer %d (%s %s)"
                         % (index, name.decode(), b" ".join(self.command[1:]).decode()))

    def read_bound(self):
        if self.forever:
            args = self.run.args
            return args.seconds + args.drain_timeout + 2 * self.run.reply_timeout + 30
        return float(self.timeout) + self.run.reply_timeout

    async def loop(self):
        run, st, conn = self.run, self.st, self.conn
        try:
            while not run.stop and not st.finished():
                conn.send(self.command)
                raw = await conn.raw("the reply to %s" % b" ".join(self.command).decode(),
                                     timeout=self.read_bound())
                if raw == conn.null_array:
                    run.counts["timeouts"] += 1
                    continue
                self.take(raw)
        except ClosedError:
            if not (self.forever and st.closing):
                raise
        return True

    def take(self, raw):
        run, st = self.run, self.st
        try:
            got = resp_wire.decode(raw)
        except Exception as err:  # noqa: BLE001 - a reply that does not decode is malformed
            raise Mismatch("undecodable reply %s (%s)" % (short(raw), err)) from None
        want_len = 3 if self.pops_zset else 2
        if (not isinstance(got, list) or len(got) != want_len
                or not all(isinstance(v, bytes) for v in got[:2])):
            raise Mismatch("reply %s is not [key, %s]"
                           % (short(raw), "member, score" if self.pops_zset else "element"))
        key, element = got[0], got[1]
        if key not in self.keys:
            raise Mismatch("reply %s names key %r, which this consumer did not block on"
                           % (short(raw), key))
        known = st.elements.get(element)
        if known is None:
            raise Mismatch("reply %s carries element %r, which no producer pushed"
                           % (short(raw), element))
        if known[0] != key:
            raise Mismatch("reply %s: element %r was pushed to %r, not %r"
                           % (short(raw), element, known[0], key))
        if self.pops_zset:
            # A double on RESP3, a bulk string on RESP2.
            score = got[2]
            want = float(known[1]) if self.conn.resp3 else b"%d" % known[1]
            if type(score) is not type(want) or score != want:
                raise Mismatch("reply %s: member %r has score %r, pushed with score %d"
                               % (short(raw), element, score, known[1]))
        earlier = st.delivered.get(element)
        if earlier is not None:
            run.counts["duplicates"] += 1
            raise Mismatch("element %r delivered twice: to consumer %d before, now to consumer "
                           "%d (reply %s)" % (element, earlier, self.index, short(raw)))
        st.delivered[element] = self.index
        run.counts["delivered zset" if self.pops_zset else "delivered list"] += 1


async def producer(run, st, index):
    conn = Conn(run, "producer %d" % index)
    try:
        await conn.open(resp3=index % 4 == 3)
        await produce(run, st, conn, run.rng("producer %d" % index))
    finally:
        conn.close()
    return True


async def produce(run, st, conn, rng):
    backlog = run.args.backlog
    while run.running():
        if st.produced - len(st.delivered) > backlog:
            await asyncio.sleep(0.002)
            continue
        n = rng.randint(1, 4)
        numbers = [st.number() for _ in range(n)]
        if rng.random() < 0.5:
            key = rng.choice(st.zset_keys)
            args = [b"ZADD", key]
            for num in numbers:
                member = b"z%d" % num
                st.elements[member] = (key, num)
                args += [b"%d" % num, member]
            want = b":%d\r\n" % n
            kind = "zadd"
        else:
            key = rng.choice(st.list_keys)
            cmd = b"LPUSH" if rng.random() < 0.5 else b"RPUSH"
            args = [cmd, key]
            for num in numbers:
                element = b"l%d" % num
                st.elements[element] = (key, None)
                args.append(element)
            want = None
            kind = cmd.decode().lower()
        # Registered before sending: a consumer may get the element before this reply comes.
        st.produced += n
        run.counts["produced"] += n
        conn.send(args)
        raw = await conn.raw("the reply to %s" % kind.upper())
        if want is not None:
            if raw != want:
                raise Mismatch("ZADD of %d new members to %r replied %s, expected %s"
                               % (n, key, short(raw), short(want)))
        elif raw[:1] != b":" or to_int(raw[1:-2]) is None or to_int(raw[1:-2]) < n:
            raise Mismatch("%s of %d elements to %r replied %s, expected a length >= %d"
                           % (kind.upper(), n, key, short(raw), n))
        run.counts["pushes " + kind] += 1


async def run_blocking(run):
    st = Blocking(run.args)
    consumers = [Consumer(run, st, i, run.rng("consumer %d" % i))
                 for i in range(run.args.consumers)]
    try:
        await blocking_phases(run, st, consumers)
    finally:
        for c in consumers:
            c.conn.close()


async def blocking_phases(run, st, consumers):
    args = run.args
    opened = time.monotonic()
    if not await open_many(run, [(c.conn, c.resp3) for c in consumers]):
        return
    print("  %d consumer connections open in %.1f s" % (len(consumers), time.monotonic() - opened),
          flush=True)

    run.restart_clock()
    consumer_tasks = [asyncio.ensure_future(run.guard(c.conn.who, c.loop())) for c in consumers]
    producer_tasks = [asyncio.ensure_future(run.guard("producer %d" % i, producer(run, st, i)))
                      for i in range(args.producers)]
    await asyncio.gather(*producer_tasks)
    st.producers_done = True
    drain_end = time.monotonic() + args.drain_timeout
    while not run.stop and not st.finished() and time.monotonic() < drain_end:
        await asyncio.sleep(0.05)
    if not run.stop and not st.finished():
        await report_undelivered(run, st)
    # Everything delivered (or the run failed): the for-ever consumers are closed while blocked;
    # the others end within their timeout.
    st.closing = True
    for c in consumers:
        if c.forever:
            c.conn.close()
    limit = LONGEST_TIMEOUT + run.reply_timeout + 5
    _, pending = await asyncio.wait(consumer_tasks, timeout=limit)
    if pending:
        run.counts["hangs"] += 1
        run.fail("HANG: %d consumers still waiting %.0f s after the drain" % (len(pending), limit))
        for t in pending:
            t.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    if run.failures:
        return
    await run.guard("blocking final check", blocking_final(run, st))


async def report_undelivered(run, st):
    missing = [e for e in st.elements if e not in st.delivered]
    conn = await Conn(run, "drain report").open()
    lines = []
    for element in missing[:10]:
        key, score = st.elements[element]
        if score is None:
            conn.send([b"LPOS", key, element])
        else:
            conn.send([b"ZSCORE", key, element])
        where = await conn.raw("the position of an undelivered element")
        lines.append("%r (pushed to %r; %s there now: %s)"
                     % (element, key, "LPOS" if score is None else "ZSCORE", short(where)))
    conn.close()
    run.counts["lost"] = len(missing)
    run.fail("LOST: %d of %d elements not delivered %.0f s after the producers stopped: %s"
             % (len(missing), st.produced, run.args.drain_timeout, "; ".join(lines)))


async def blocking_final(run, st):
    conn = await Conn(run, "final").open()
    keys = st.list_keys + st.zset_keys
    conn.send([b"EXISTS"] + keys, [b"DBSIZE"])
    exists = await conn.value("EXISTS of every key")
    size = await conn.value("DBSIZE")
    if exists != 0 or size != 0:
        raise Mismatch("after every element was delivered EXISTS of the %d keys is %r and DBSIZE "
                       "is %r, expected 0 and 0" % (len(keys), exists, size))
    # No waiter may outlive its connection: a second after the for-ever consumers were closed
    # (time for the server to see the close), one element pushed to every key must stay there.
    await asyncio.sleep(1.0)
    conn.send(*([[b"RPUSH", k, b"after"] for k in st.list_keys]
                + [[b"ZADD", k, b"0", b"after"] for k in st.zset_keys]))
    for k in keys:
        await conn.expect(b":1\r\n", "the push of one element to %s after the run" % k.decode())
    conn.send(*([[b"LLEN", k] for k in st.list_keys] + [[b"ZCARD", k] for k in st.zset_keys]))
    for k in keys:
        await conn.expect(b":1\r\n", "the length of %s after one push with no consumer left"
                          % k.decode())
    conn.send([b"DEL"] + keys, [b"DBSIZE"], [b"BLPOP", st.list_keys[0], b"0.1"])
    await conn.expect(b":%d\r\n" % len(keys), "DEL of every key")
    await conn.expect(b":0\r\n", "DBSIZE after DEL")
    last = await conn.raw("a last BLPOP", timeout=run.reply_timeout + 0.1)
    conn.close()
    if last != b"*-1\r\n":
        raise Mismatch("a BLPOP on an empty key after the run replied %s" % short(last))
    print("  final: %d elements delivered exactly once, every key empty, no waiter left"
          % st.produced, flush=True)


def blocking_figures(run):
    c = run.counts
    return ("%d consumers, %d elements produced (%d LPUSH, %d RPUSH, %d ZADD commands), "
            "%d delivered (BLPOP %d, BZPOPMIN %d), %d timeouts, %d duplicates, %d lost, "
            "%d mismatches, %d hangs"
            % (run.args.consumers, c["produced"], c["pushes lpush"], c["pushes rpush"],
               c["pushes zadd"], c["delivered list"] + c["delivered zset"], c["delivered list"],
               c["delivered zset"], c["timeouts"], c["duplicates"], c["lost"], c["mismatches"],
               c["hangs"]))
