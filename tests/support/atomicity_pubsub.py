"""The pub/sub scenario of tools/atomicity_stress.py.

Subscribers on many connections (256 by default; a server that spreads connections over its
shards gives every shard some): half SUBSCRIBE to 1-4 channels, a quarter PSUBSCRIBE to 1-2
patterns, a quarter do both (1-2 channels and a pattern), in one command or several. Every fifth
connection speaks RESP3, where messages are pushes ('>') instead of arrays. Once every
subscription is confirmed, the subscriber set stays fixed and several publishers each publish a
numbered sequence over a few channels (one of them has no channel subscriber), in pipelines of
1-8 PUBLISHes. A publisher holds back while more than --window deliveries are on their way.

Checks:
  * every subscribe / psubscribe confirmation is exact, with the running subscription count;
  * PUBSUB NUMSUB of every channel, PUBSUB NUMPAT (distinct patterns, as Redis 7.0 counts them)
    and PUBSUB CHANNELS are exact before publishing;
  * every PUBLISH reply equals the number of receivers as Redis counts them: the channel's
    subscribers plus, for every pattern that matches, the clients subscribed to that pattern
    (a client subscribed to the channel and to a matching pattern counts twice and gets both a
    message and a pmessage);
  * every message is well-formed, comes through a subscription of that subscriber whose channel
    or pattern matches, and carries a channel the publisher publishes on;
  * per subscriber and publisher, sequence numbers strictly increase on each subscription (the
    channel, or each pattern) and never decrease over all of them: per-publisher order;
  * after the drain, every subscriber has received, on each subscription, exactly the messages
    each publisher published on matching channels: no loss, no duplicate;
  * UNSUBSCRIBE / PUNSUBSCRIBE confirmations are exact and, afterwards, PUBLISH on every channel
    replies 0 and PUBSUB NUMSUB / NUMPAT are 0.
"""

import asyncio
import collections
import fnmatch
import re
import time

import resp_wire
from atomicity_common import PONG, Conn, Mismatch, open_many, short

# Only '*', '?' and '[a-b]': the glob subset where Python's fnmatch and Redis agree.
PATTERNS = [b"chan:1*", b"chan:?", b"chan:[2-5]", b"chan:*", b"*:7", b"chan:1?", b"none:*"]
_PAYLOAD = re.compile(rb"(\d+):(\d+):([^:]+:[^:]+):z*")


def bulk(data):
    return b"$%d\r\n%s\r\n" % (len(data), data)


def matches(pattern, channel):
    return fnmatch.fnmatchcase(channel.decode(), pattern.decode())


class PubSub:
    def __init__(self, args):
        self.channels = [b"chan:%d" % i for i in range(args.channels)]
        self.subscribers = []
        self.publishers = []
        self.receivers = {}          # channel -> PUBLISH reply expected
        self.expected_deliveries = 0
        self.received_deliveries = 0
        self.stop_reading = False

    def count_receivers(self, channel):
        n = 0
        for s in self.subscribers:
            n += channel in s.channels
            n += sum(1 for p in s.patterns if matches(p, channel))
        return n


class Subscriber:
    def __init__(self, run, st, index, rng):
        self.run = run
        self.st = st
        self.index = index
        kind = index % 4
        self.channels, self.patterns = [], []
        if kind in (0, 1):
            self.channels = rng.sample(st.channels, rng.randint(1, min(4, len(st.channels))))
        elif kind == 2:
            self.patterns = rng.sample(PATTERNS, rng.randint(1, 2))
        else:
            self.channels = rng.sample(st.channels, rng.randint(1, min(2, len(st.channels))))
            self.patterns = rng.sample(PATTERNS, 1)
        self.kind = ("channels", "channels", "patterns", "both")[kind]
        self.resp3 = index % 5 == 4
        self.rng = rng
        self.conn = Conn(run, "subscriber %d (%s)" % (index, b" ".join(
            self.channels + [b"p:" + p for p in self.patterns]).decode()))
        self.last = {}               # (subscription, publisher) -> last sequence number
        self.last_any = {}           # publisher -> highest sequence number over subscriptions
        self.got = collections.Counter()   # (subscription, publisher) -> messages
        self.done = False

    def push(self, n):
        return b"%s%d\r\n" % (b">" if self.resp3 else b"*", n)

    def confirmation(self, kind, name, count):
        return self.push(3) + bulk(kind) + bulk(name) + b":%d\r\n" % count

    async def subscribe(self):
        conn, rng = self.conn, self.rng
        commands = []
        for cmd, names in ((b"SUBSCRIBE", self.channels), (b"PSUBSCRIBE", self.patterns)):
            names = list(names)
            while names:
                take = rng.randint(1, len(names))
                commands.append([cmd] + names[:take])
                names = names[take:]
        conn.send(*commands)
        count = 0
        for cmd in commands:
            kind = cmd[0].lower()
            for name in cmd[1:]:
                count += 1
                await conn.expect(self.confirmation(kind, name, count),
                                  "the confirmation of %s %s" % (cmd[0].decode(), name.decode()))
        return True

    def on_message(self, raw):
        st, run = self.st, self.run
        if raw[:1] != (b">" if self.resp3 else b"*"):
            raise Mismatch("a message framed as %r on a RESP%d connection: %s"
                           % (raw[:1], 3 if self.resp3 else 2, short(raw)))
        got = resp_wire.decode(raw)
        if (isinstance(got, list) and len(got) == 3 and got[0] == b"message"
                and all(isinstance(v, bytes) for v in got)):
            _, channel, payload = got
            sub = channel
            if channel not in self.channels:
                raise Mismatch("message on %r, which this client did not subscribe to: %s"
                               % (channel, short(raw)))
        elif (isinstance(got, list) and len(got) == 4 and got[0] == b"pmessage"
                and all(isinstance(v, bytes) for v in got)):
            _, pattern, channel, payload = got
            sub = b"p:" + pattern
            if pattern not in self.patterns or not matches(pattern, channel):
                raise Mismatch("pmessage for pattern %r and channel %r, not a subscription of "
                               "this client that matches: %s" % (pattern, channel, short(raw)))
        else:
            raise Mismatch("not a message or pmessage: %s" % short(raw))
        m = _PAYLOAD.fullmatch(payload)
        if m is None or m.group(3) != channel or int(m.group(1)) >= len(st.publishers):
            raise Mismatch("payload %r on channel %r was not published there" % (payload, channel))
        pid, seq = int(m.group(1)), int(m.group(2))
        if channel not in st.publishers[pid].channels:
            raise Mismatch("payload %r: publisher %d does not publish on %r" % (payload, pid,
                                                                                  channel))
        last = self.last.get((sub, pid), 0)
        if seq <= last:
            run.counts["duplicates" if seq == last else "out of order"] += 1
            raise Mismatch("on subscription %r, publisher %d's message %d came after its message "
                           "%d" % (sub, pid, seq, last))
        if seq < self.last_any.get(pid, 0):
            run.counts["out of order"] += 1
            raise Mismatch("publisher %d's message %d (via %r) came after its message %d via "
                           "another subscription" % (pid, seq, sub, self.last_any[pid]))
        self.last[(sub, pid)] = seq
        self.last_any[pid] = seq
        self.got[(sub, pid)] += 1
        st.received_deliveries += 1
        run.counts["messages received"] += 1

    async def read_loop(self):
        conn, st = self.conn, self.st
        while not st.stop_reading and not self.run.stop:
            raw = await conn.poll(0.2)
            if raw is not None:
                self.on_message(raw)
        return True

    async def unsubscribe(self):
        """Leaves every channel and pattern; a message still arriving meanwhile is checked as
        any other (it can only be a duplicate or one more than expected)."""
        conn = self.conn
        commands = []
        if self.channels:
            commands.append([b"UNSUBSCRIBE"] + self.channels)
        if self.patterns:
            commands.append([b"PUNSUBSCRIBE"] + self.patterns)
        commands.append([b"PING"])
        conn.send(*commands)
        left = len(self.channels) + len(self.patterns)
        wanted = []
        for cmd in commands[:-1]:
            kind = cmd[0].lower()
            for name in cmd[1:]:
                left -= 1
                wanted.append(self.confirmation(kind, name, left))
        wanted.append(PONG)
        for want in wanted:
            while True:
                raw = await conn.raw("the reply to UNSUBSCRIBE / PUNSUBSCRIBE / PING")
                if raw == want:
                    break
                if raw.startswith(self.push(3) + bulk(b"message")) or raw.startswith(
                        self.push(4) + bulk(b"pmessage")):
                    self.on_message(raw)
                    continue
                raise Mismatch("expected %s, got %s" % (short(want), short(raw)))
        return True


class Publisher:
    def __init__(self, run, st, index, rng):
        self.run = run
        self.st = st
        self.index = index
        self.rng = rng
        self.channels = rng.sample(st.channels, rng.randint(min(3, len(st.channels)),
                                                            min(5, len(st.channels))))
        self.channels.append(b"idle:%d" % index)    # only patterns (if any) match it
        self.published = collections.Counter()      # channel -> messages
        self.conn = Conn(run, "publisher %d" % index)

    async def loop(self):
        run, st, conn, rng = self.run, self.st, self.conn, self.rng
        seq = 0
        window = run.args.window
        while run.running():
            if st.expected_deliveries - st.received_deliveries > window:
                await asyncio.sleep(0.002)
                continue
            batch = []
            for _ in range(rng.randint(1, 8)):
                seq += 1
                channel = rng.choice(self.channels)
                payload = b"%d:%d:%s:%s" % (self.index, seq, channel, b"z" * rng.randrange(40))
                batch.append(channel)
                self.published[channel] += 1
                st.expected_deliveries += st.receivers[channel]
                conn.send([b"PUBLISH", channel, payload])
            await conn.flush()
            for channel in batch:
                want = b":%d\r\n" % st.receivers[channel]
                raw = await conn.raw("the reply to PUBLISH %s" % channel.decode())
                if raw != want:
                    run.counts["wrong receiver counts"] += 1
                    raise Mismatch("PUBLISH %s replied %s, but %d subscriptions receive it"
                                   % (channel.decode(), short(raw), st.receivers[channel]))
                run.counts["published"] += 1
        return True


async def run_pubsub(run):
    args = run.args
    st = PubSub(args)
    st.subscribers = [Subscriber(run, st, i, run.rng("subscriber %d" % i))
                      for i in range(args.subscribers)]
    st.publishers = [Publisher(run, st, i, run.rng("publisher %d" % i))
                     for i in range(args.publishers)]
    all_channels = sorted(set(st.channels + [c for p in st.publishers for c in p.channels]))
    st.receivers = {c: st.count_receivers(c) for c in all_channels}
    subs = st.subscribers
    for s in subs:
        run.counts["subscribers " + s.kind] += 1
        run.counts["subscriptions"] += len(s.channels) + len(s.patterns)

    try:
        await pubsub_phases(run, st, all_channels)
    finally:
        for s in subs:
            s.conn.close()
        for p in st.publishers:
            p.conn.close()


async def pubsub_phases(run, st, all_channels):
    """Subscribe, check, publish, drain, check, unsubscribe, check; stops at the first failure."""
    args = run.args
    subs = st.subscribers
    opened = time.monotonic()
    if not await open_many(run, [(s.conn, s.resp3) for s in subs]
                           + [(p.conn, p.index % 4 == 3) for p in st.publishers]):
        return
    results = await asyncio.gather(*(run.guard(s.conn.who, s.subscribe()) for s in subs))
    if not all(results):
        return
    print("  %d subscribers (%d subscriptions) confirmed in %.1f s"
          % (len(subs), run.counts["subscriptions"], time.monotonic() - opened), flush=True)
    if not await run.guard("PUBSUB before publishing", check_introspection(run, st, all_channels)):
        return

    run.restart_clock()
    readers = [asyncio.ensure_future(run.guard(s.conn.who, s.read_loop())) for s in subs]
    await asyncio.gather(*(run.guard(p.conn.who, p.loop()) for p in st.publishers))
    drain_end = time.monotonic() + args.drain_timeout
    while (not run.stop and st.received_deliveries < st.expected_deliveries
           and time.monotonic() < drain_end):
        await asyncio.sleep(0.05)
    st.stop_reading = True
    await asyncio.gather(*readers)
    if run.failures:
        return
    await asyncio.gather(*(run.guard(s.conn.who, s.unsubscribe()) for s in subs))
    if run.failures:
        return
    check_deliveries(run, st)
    if run.failures:
        return
    await run.guard("PUBSUB after unsubscribing", check_after(run, st, all_channels))


def check_deliveries(run, st):
    lost = 0
    lines = []
    for s in st.subscribers:
        subs = [(c, [c]) for c in s.channels]
        subs += [(b"p:" + p, [c for c in st.receivers if matches(p, c)]) for p in s.patterns]
        for sub, channels in subs:
            for p in st.publishers:
                want = sum(p.published[c] for c in channels)
                got = s.got[(sub, p.index)]
                if got != want:
                    lost += max(0, want - got)
                    if len(lines) < 10:
                        lines.append("subscriber %d on %r got %d of publisher %d's messages, "
                                     "expected %d" % (s.index, sub, got, p.index, want))
    run.counts["lost"] = lost
    if lines:
        run.fail("LOST: %d deliveries missing %.0f s after the publishers stopped (%d expected, "
                 "%d received): %s" % (lost, run.args.drain_timeout, st.expected_deliveries,
                                       st.received_deliveries, "; ".join(lines)))
    else:
        print("  every subscriber got exactly its %d deliveries, in per-publisher order"
              % st.expected_deliveries, flush=True)


async def check_introspection(run, st, all_channels):
    conn = await Conn(run, "pubsub introspection").open()
    conn.send([b"PUBSUB", b"NUMSUB"] + all_channels, [b"PUBSUB", b"NUMPAT"],
              [b"PUBSUB", b"CHANNELS"])
    numsub = await conn.value("PUBSUB NUMSUB")
    numpat = await conn.value("PUBSUB NUMPAT")
    listed = await conn.value("PUBSUB CHANNELS")
    conn.close()
    want_numsub = []
    for c in all_channels:
        want_numsub += [c, sum(1 for s in st.subscribers if c in s.channels)]
    if numsub != want_numsub:
        raise Mismatch("PUBSUB NUMSUB returned %r, expected %r" % (numsub, want_numsub))
    patterns = {p for s in st.subscribers for p in s.patterns}
    if numpat != len(patterns):
        raise Mismatch("PUBSUB NUMPAT returned %r, expected %d (distinct patterns)"
                       % (numpat, len(patterns)))
    active = sorted({c for s in st.subscribers for c in s.channels})
    if not isinstance(listed, list) or sorted(listed) != active:
        raise Mismatch("PUBSUB CHANNELS returned %r, expected %r in any order" % (listed, active))
    return True


async def check_after(run, st, all_channels):
    conn = await Conn(run, "pubsub after").open()
    conn.send(*[[b"PUBLISH", c, b"after"] for c in all_channels])
    for c in all_channels:
        await conn.expect(b":0\r\n", "PUBLISH %s after every client unsubscribed" % c.decode())
    conn.send([b"PUBSUB", b"NUMSUB"] + all_channels, [b"PUBSUB", b"NUMPAT"])
    numsub = await conn.value("PUBSUB NUMSUB")
    numpat = await conn.value("PUBSUB NUMPAT")
    conn.close()
    if numsub != [v for c in all_channels for v in (c, 0)] or numpat != 0:
        raise Mismatch("after every client unsubscribed PUBSUB NUMSUB is %r and NUMPAT %r"
                       % (numsub, numpat))
    return True


def pubsub_figures(run):
    c = run.counts
    return ("%d subscribers (channels %d, patterns %d, both %d; %d subscriptions), %d publishers, "
            "%d messages published, %d wrong PUBLISH counts, %d deliveries received, "
            "%d lost, %d duplicates, %d out of order, %d mismatches, %d hangs"
            % (run.args.subscribers, c["subscribers channels"], c["subscribers patterns"],
               c["subscribers both"], c["subscriptions"], run.args.publishers, c["published"],
               c["wrong receiver counts"], c["messages received"], c["lost"], c["duplicates"],
               c["out of order"], c["mismatches"], c["hangs"]))
