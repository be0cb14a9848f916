"""The transaction scenarios of tools/atomicity_stress.py: bank and pair.

bank: 64 accounts with plain names (so they spread over the shards) hold a fixed total. Movers
transfer amounts between two accounts three ways at once while readers check the total:
  * multi:  MULTI, DECRBY a x, INCRBY b x, EXEC (1-4 such transactions per pipeline);
  * watch:  WATCH a b, GET a, GET b; then MULTI, SET a a-x, SET b b+x, EXEC, again from WATCH
            when EXEC replies null (another client changed a or b);
  * mset:   WATCH a b, MGET a b; then MULTI, MSET a a-x b b+x, EXEC, retried the same way;
  * readers: one MGET of all 64; MULTI with 64 GETs, EXEC; MULTI, MGET of all 64, EXEC.
Every read must sum to exactly the total. Each committed transfer is recorded, so at the end
every account must hold exactly its start balance plus what came in minus what went out: a lost
update (two WATCH transactions both committing on the same old value) shows there even when it
happens to keep the sum.

pair: pairs of keys x_i, y_i (different names, so usually on different shards) are only ever
written together with one value, unique per write: by MSET (1-4 pairs per command) and by MULTI
with SETs, EXEC. Readers read pairs by MGET (1-4 pairs, now and then all of them) and inside
MULTI (GET x_i, GET y_i, ... or one MGET), EXEC. No read may see different values in a pair,
and no reader may see a pair go back to an older write of the same writer than it saw before.

Every fourth connection speaks RESP3, where a null EXEC reply is `_` instead of `*-1`.
"""

import asyncio
import re

import resp_wire
from atomicity_common import OK, QUEUED, Conn, Mismatch, short, to_int

ACCOUNTS = 64
INITIAL = 1000
PAIR_INIT = b"init"
_PAIR_VALUE = re.compile(rb"w(\d+)\.(\d+)\.[a-z]*")


def resp3_every_fourth(index):
    return index % 4 == 3


# ---- bank ----------------------------------------------------------------------------------


class Bank:
    def __init__(self):
        self.keys = [b"acct%d" % i for i in range(ACCOUNTS)]
        self.total = ACCOUNTS * INITIAL
        self.net = [0] * ACCOUNTS          # committed flow in minus out, per account

    def commit(self, a, b, x):
        self.net[a] -= x
        self.net[b] += x

    def check_total(self, run, values, how):
        """values: the decoded list of 64 balances one read returned."""
        run.counts["reads " + how] += 1
        if not isinstance(values, list) or len(values) != ACCOUNTS:
            raise Mismatch("%s returned %s, expected %d balances" % (how, short(values),
                                                                       ACCOUNTS))
        ints = [to_int(v) for v in values]
        if any(v is None for v in ints):
            raise Mismatch("%s returned a balance that is not an integer: %s"
                           % (how, short(values)))
        total = sum(ints)
        if total != self.total:
            run.counts["wrong totals"] += 1
            raise Mismatch("%s summed to %d, expected %d; balances %s"
                           % (how, total, self.total, ints))


def pick_two(rng, n):
    a, b = rng.sample(range(n), 2)
    return a, b


async def bank_mover_multi(run, bank, conn, rng):
    keys = bank.keys
    while run.running():
        batch = []
        for _ in range(rng.randint(1, 4)):
            a, b = pick_two(rng, ACCOUNTS)
            x = rng.randint(1, 100)
            batch.append((a, b, x))
            conn.send([b"MULTI"], [b"DECRBY", keys[a], b"%d" % x],
                      [b"INCRBY", keys[b], b"%d" % x], [b"EXEC"])
        await conn.flush()
        for a, b, x in batch:
            await conn.expect(OK, "MULTI")
            await conn.expect(QUEUED, "DECRBY %s %d inside MULTI" % (keys[a].decode(), x))
            await conn.expect(QUEUED, "INCRBY %s %d inside MULTI" % (keys[b].decode(), x))
            raw = await conn.raw("EXEC of DECRBY/INCRBY")
            got = resp_wire.decode(raw)
            if (not isinstance(got, list) or len(got) != 2
                    or not all(isinstance(v, int) for v in got)):
                raise Mismatch("EXEC of DECRBY %s %d, INCRBY %s %d replied %s, expected two "
                               "integers" % (keys[a].decode(), x, keys[b].decode(), x, short(raw)))
            bank.commit(a, b, x)
            run.counts["transfers multi"] += 1


async def bank_mover_watch(run, bank, conn, rng, use_mset):
    """WATCH, read both balances, write both new balances in MULTI/EXEC; again on a null EXEC."""
    keys = bank.keys
    kind = "mset" if use_mset else "watch"
    while run.running():
        a, b = pick_two(rng, ACCOUNTS)
        x = rng.randint(1, 100)
        ka, kb = keys[a], keys[b]
        while run.running():
            if use_mset:
                conn.send([b"WATCH", ka, kb], [b"MGET", ka, kb])
                await conn.expect(OK, "WATCH")
                got = await conn.value("MGET of two watched accounts")
                if not isinstance(got, list) or len(got) != 2:
                    raise Mismatch("MGET %s %s returned %r" % (ka.decode(), kb.decode(), got))
                va, vb = to_int(got[0]), to_int(got[1])
            else:
                conn.send([b"WATCH", ka, kb], [b"GET", ka], [b"GET", kb])
                await conn.expect(OK, "WATCH")
                va = to_int(await conn.value("GET of a watched account"))
                vb = to_int(await conn.value("GET of a watched account"))
            if va is None or vb is None:
                raise Mismatch("a watched account does not hold an integer (%r, %r)" % (va, vb))
            na, nb = b"%d" % (va - x), b"%d" % (vb + x)
            if use_mset:
                conn.send([b"MULTI"], [b"MSET", ka, na, kb, nb], [b"EXEC"])
                await conn.expect(OK, "MULTI")
                await conn.expect(QUEUED, "MSET inside MULTI")
                committed = b"*1\r\n+OK\r\n"
            else:
                conn.send([b"MULTI"], [b"SET", ka, na], [b"SET", kb, nb], [b"EXEC"])
                await conn.expect(OK, "MULTI")
                await conn.expect(QUEUED, "SET inside MULTI")
                await conn.expect(QUEUED, "SET inside MULTI")
                committed = b"*2\r\n+OK\r\n+OK\r\n"
            raw = await conn.raw("EXEC after WATCH")
            if raw == conn.null_array:
                run.counts["retries " + kind] += 1
                continue
            if raw != committed:
                raise Mismatch("EXEC after WATCH %s %s replied %s, expected %s or %s"
                               % (ka.decode(), kb.decode(), short(raw), short(committed),
                                  short(conn.null_array)))
            bank.commit(a, b, x)
            run.counts["transfers " + kind] += 1
            break


async def bank_reader(run, bank, conn, rng):
    keys = bank.keys
    while run.running():
        roll = rng.random()
        if roll < 0.4:
            conn.send([b"MGET"] + keys)
            bank.check_total(run, await conn.value("MGET of every account"), "mget")
        elif roll < 0.8:
            conn.send([b"MULTI"], *[[b"GET", k] for k in keys], [b"EXEC"])
            await conn.expect(OK, "MULTI")
            for k in keys:
                await conn.expect(QUEUED, "GET %s inside MULTI" % k.decode())
            bank.check_total(run, await conn.value("EXEC of 64 GETs"), "multi-get")
        else:
            conn.send([b"MULTI"], [b"MGET"] + keys, [b"EXEC"])
            await conn.expect(OK, "MULTI")
            await conn.expect(QUEUED, "MGET inside MULTI")
            got = await conn.value("EXEC of MGET")
            if not isinstance(got, list) or len(got) != 1:
                raise Mismatch("EXEC of one MGET returned %s" % short(got))
            bank.check_total(run, got[0], "multi-mget")


async def run_bank(run):
    args = run.args
    bank = Bank()
    setup = await Conn(run, "setup").open()
    setup.send([b"MSET"] + [a for k in bank.keys for a in (k, b"%d" % INITIAL)])
    await setup.expect(OK, "MSET of the start balances")
    setup.close()

    n = args.clients
    roles = ([("multi mover", bank_mover_multi)] * n + [("watch mover", "watch")] * n
             + [("mset mover", "mset")] * n + [("reader", bank_reader)] * n)
    conns = [Conn(run, "bank %s %d" % (name, i)) for i, (name, _) in enumerate(roles)]

    async def client(i, conn, role):
        await conn.open(resp3=resp3_every_fourth(i))
        rng = run.rng(i)
        if role == "watch":
            await bank_mover_watch(run, bank, conn, rng, use_mset=False)
        elif role == "mset":
            await bank_mover_watch(run, bank, conn, rng, use_mset=True)
        else:
            await role(run, bank, conn, rng)
        return True

    run.restart_clock()
    await asyncio.gather(*(run.guard(conn.who, client(i, conn, role))
                           for i, (conn, (_, role)) in enumerate(zip(conns, roles))))
    for conn in conns:
        conn.close()
    if run.failures:
        return
    await run.guard("bank final check", bank_final(run, bank))


async def bank_final(run, bank):
    conn = await Conn(run, "final").open()
    conn.send([b"MGET"] + bank.keys)
    got = await conn.value("the final MGET of every account")
    bank.check_total(run, got, "final")
    wrong = []
    for i, raw in enumerate(got):
        want = INITIAL + bank.net[i]
        if to_int(raw) != want:
            wrong.append("%s is %r, expected %d" % (bank.keys[i].decode(), raw, want))
    if wrong:
        raise Mismatch("%d account(s) differ from the committed transfers (a lost or doubled "
                       "update): %s" % (len(wrong), "; ".join(wrong[:10])))
    conn.send([b"DBSIZE"])
    size = await conn.value("DBSIZE")
    if size != ACCOUNTS:
        raise Mismatch("DBSIZE is %r, expected %d" % (size, ACCOUNTS))
    conn.close()
    print("  final balances: all %d accounts equal start + committed transfers, total %d"
          % (ACCOUNTS, bank.total), flush=True)


def bank_figures(run):
    c = run.counts
    transfers = sum(c["transfers " + k] for k in ("multi", "watch", "mset"))
    reads = sum(c["reads " + k] for k in ("mget", "multi-get", "multi-mget"))
    return ("%d transfers (multi %d, watch %d, mset %d), %d WATCH retries (watch %d, mset %d), "
            "%d total reads (mget %d, multi-get %d, multi-mget %d), %d wrong totals, "
            "%d mismatches, %d hangs"
            % (transfers, c["transfers multi"], c["transfers watch"], c["transfers mset"],
               c["retries watch"] + c["retries mset"], c["retries watch"], c["retries mset"],
               reads, c["reads mget"], c["reads multi-get"], c["reads multi-mget"],
               c["wrong totals"], c["mismatches"], c["hangs"]))


# ---- pair ----------------------------------------------------------------------------------


class Pairs:
    def __init__(self, count):
        self.xs = [b"px%d" % i for i in range(count)]
        self.ys = [b"py%d" % i for i in range(count)]
        self.count = count


def pair_value(wid, seq, rng):
    # A varying length too, so a torn pair cannot hide behind equal sizes.
    return b"w%d.%d.%s" % (wid, seq, b"z" * rng.randrange(0, 48))


async def pair_writer(run, pairs, conn, rng, wid, use_multi):
    seq = 0
    kind = "multi" if use_multi else "mset"
    while run.running():
        chosen = rng.sample(range(pairs.count), rng.randint(1, 4))
        writes = []
        for i in chosen:
            seq += 1
            writes.append((i, pair_value(wid, seq, rng)))
        if use_multi:
            cmds = [[b"MULTI"]]
            for i, v in writes:
                cmds += [[b"SET", pairs.xs[i], v], [b"SET", pairs.ys[i], v]]
            cmds.append([b"EXEC"])
            conn.send(*cmds)
            await conn.expect(OK, "MULTI")
            for _ in range(2 * len(writes)):
                await conn.expect(QUEUED, "SET inside MULTI")
            await conn.expect(b"*%d\r\n%s" % (2 * len(writes), b"+OK\r\n" * (2 * len(writes))),
                              "EXEC of %d SETs" % (2 * len(writes)))
        else:
            args = [b"MSET"]
            for i, v in writes:
                if rng.random() < 0.5:
                    args += [pairs.xs[i], v, pairs.ys[i], v]
                else:
                    args += [pairs.ys[i], v, pairs.xs[i], v]
            conn.send(args)
            await conn.expect(OK, "MSET of %d pairs" % len(writes))
        run.counts["writes " + kind] += 1
        run.counts["pair writes"] += len(writes)


class PairReader:
    def __init__(self, run, pairs, conn, rng):
        self.run = run
        self.pairs = pairs
        self.conn = conn
        self.rng = rng
        self.seen = {}       # (pair, writer) -> highest sequence number seen

    def check(self, chosen, values, how):
        run = self.run
        if not isinstance(values, list) or len(values) != 2 * len(chosen):
            raise Mismatch("%s of %d pairs returned %s" % (how, len(chosen), short(values)))
        run.counts["reads " + how] += 1
        for n, i in enumerate(chosen):
            x, y = values[2 * n], values[2 * n + 1]
            run.counts["pairs checked"] += 1
            if x != y:
                run.counts["torn pairs"] += 1
                raise Mismatch("%s saw a torn pair: %s = %s but %s = %s"
                               % (how, self.pairs.xs[i].decode(), short(x, 80),
                                  self.pairs.ys[i].decode(), short(y, 80)))
            if x == PAIR_INIT:
                continue
            m = _PAIR_VALUE.fullmatch(x) if isinstance(x, bytes) else None
            if m is None:
                raise Mismatch("%s read %s = %s, which no writer wrote"
                               % (how, self.pairs.xs[i].decode(), short(x, 80)))
            wid, seq = int(m.group(1)), int(m.group(2))
            last = self.seen.get((i, wid), 0)
            if seq < last:
                run.counts["stale reads"] += 1
                raise Mismatch("%s read pair %d written by writer %d as its write %d, after this "
                               "reader had already seen that writer's later write %d"
                               % (how, i, wid, seq, last))
            self.seen[(i, wid)] = seq

    async def loop(self):
        run, pairs, conn, rng = self.run, self.pairs, self.conn, self.rng
        while run.running():
            if rng.random() < 0.1:
                chosen = list(range(pairs.count))
            else:
                chosen = rng.sample(range(pairs.count), rng.randint(1, 4))
            keys = [k for i in chosen for k in (pairs.xs[i], pairs.ys[i])]
            roll = rng.random()
            if roll < 0.45:
                conn.send([b"MGET"] + keys)
                self.check(chosen, await conn.value("MGET of pairs"), "mget")
            elif roll < 0.85:
                conn.send([b"MULTI"], *[[b"GET", k] for k in keys], [b"EXEC"])
                await conn.expect(OK, "MULTI")
                for _ in keys:
                    await conn.expect(QUEUED, "GET inside MULTI")
                self.check(chosen, await conn.value("EXEC of GETs"), "multi-get")
            else:
                conn.send([b"MULTI"], [b"MGET"] + keys, [b"EXEC"])
                await conn.expect(OK, "MULTI")
                await conn.expect(QUEUED, "MGET inside MULTI")
                got = await conn.value("EXEC of MGET")
                if not isinstance(got, list) or len(got) != 1:
                    raise Mismatch("EXEC of one MGET returned %s" % short(got))
                self.check(chosen, got[0], "multi-mget")


async def run_pair(run):
    args = run.args
    pairs = Pairs(args.pairs)
    setup = await Conn(run, "setup").open()
    setup.send([b"MSET"] + [a for i in range(pairs.count)
                            for a in (pairs.xs[i], PAIR_INIT, pairs.ys[i], PAIR_INIT)])
    await setup.expect(OK, "MSET of the first values")
    setup.close()

    n = args.clients
    roles = ["mset writer"] * n + ["multi writer"] * n + ["reader"] * (2 * n)
    conns = [Conn(run, "pair %s %d" % (role, i)) for i, role in enumerate(roles)]

    async def client(i, conn, role):
        await conn.open(resp3=resp3_every_fourth(i))
        rng = run.rng(i)
        if role == "reader":
            await PairReader(run, pairs, conn, rng).loop()
        else:
            await pair_writer(run, pairs, conn, rng, i, use_multi=role == "multi writer")
        return True

    run.restart_clock()
    await asyncio.gather(*(run.guard(conn.who, client(i, conn, role))
                           for i, (conn, role) in enumerate(zip(conns, roles))))
    for conn in conns:
        conn.close()
    if run.failures:
        return
    await run.guard("pair final check", pair_final(run, pairs))


async def pair_final(run, pairs):
    conn = await Conn(run, "final").open()
    reader = PairReader(run, pairs, conn, run.rng("final"))
    everything = list(range(pairs.count))
    conn.send([b"MGET"] + [k for i in everything for k in (pairs.xs[i], pairs.ys[i])])
    reader.check(everything, await conn.value("the final MGET of every pair"), "final")
    conn.close()
    print("  final read: all %d pairs hold equal values" % pairs.count, flush=True)


def pair_figures(run):
    c = run.counts
    return ("%d writes (mset %d, multi %d) of %d pairs, %d reads (mget %d, multi-get %d, "
            "multi-mget %d) checking %d pairs, %d torn pairs, %d stale reads, %d mismatches, "
            "%d hangs"
            % (c["writes mset"] + c["writes multi"], c["writes mset"], c["writes multi"],
               c["pair writes"], c["reads mget"] + c["reads multi-get"] + c["reads multi-mget"],
               c["reads mget"], c["reads multi-get"], c["reads multi-mget"], c["pairs checked"],
               c["torn pairs"], c["stale reads"], c["mismatches"], c["hangs"]))
