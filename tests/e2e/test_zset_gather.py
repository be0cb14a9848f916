"""Sorted-set algebra across shards against redis-server.

The same sorted sets are loaded into the server under test and into a reference
redis-server: many keys (so that with --cores > 1 they spread over every shard),
listpacks and skiplists (by size and by member length), scores with ties,
infinities, -0 and fractions, binary members, plain sets (which count as score
1) and a key of another type. Seeded random ZUNION, ZINTER and ZDIFF commands
with WEIGHTS, AGGREGATE and WITHSCORES over those keys and missing ones must get
byte-identical replies from both servers, errors included, over RESP2 and RESP3.
The *STORE forms and ZRANGESTORE run twice: on keys that share a {hashtag} (one
shard), and on the plain keys with destinations of their own, spread over the
shards (Shardis runs them as one transaction in a scratch store). The replies,
the stored sets, their encodings and TTLs are compared; with --cores > 1 most of
the spread commands must name keys of several shards."""

import argparse
import random
import sys

import resp_wire
import server_harness

SEED = 9127
ZSET_KEYS = 48
SET_KEYS = 8
ROUNDS = 1500
STORE_ROUNDS = 300

SCORES = ["1", "2", "3", "-1", "0", "-0", "0.5", "1.1", "-2.25", "1e308", "-1e308", "inf",
          "-inf", "42", "1e-5", "123456789012345678"]


def build_zsets(rng):
    """{key: [score, member, ...]}: listpacks and skiplists of several shapes."""
    zsets = {}
    for i in range(ZSET_KEYS):
        kind = i % 6
        if kind == 0:    # small listpack, members shared with the others
            n = rng.randrange(1, 20)
            members = ["m%d" % rng.randrange(0, 60) for _ in range(n)]
        elif kind == 1:  # skiplist by count
            n = rng.randrange(130, 260)
            members = ["m%d" % rng.randrange(0, 400) for _ in range(n)]
        elif kind == 2:  # skiplist by member length, few members
            n = rng.randrange(1, 10)
            members = ["m%d" % rng.randrange(0, 60) for _ in range(n)]
            members.append("L" * 65 + str(rng.randrange(0, 3)))
        elif kind == 3:  # binary members
            n = rng.randrange(1, 25)
            members = [b"b\x00\r\n%d" % rng.randrange(0, 30) for _ in range(n)]
            members += ["m%d" % rng.randrange(0, 60) for _ in range(rng.randrange(0, 5))]
        elif kind == 4:  # integer-looking members, as plain sets often hold
            n = rng.randrange(1, 40)
            members = [str(rng.randrange(-20, 60)) for _ in range(n)]
        else:            # equal scores
            n = rng.randrange(1, 30)
            members = ["m%d" % rng.randrange(0, 60) for _ in range(n)]
        args = []
        for m in members:
            args += ["7" if kind == 5 else rng.choice(SCORES), m]
        zsets["zset:%d" % i] = args
    return zsets


def build_sets(rng):
    sets = {}
    for i in range(SET_KEYS):
        if i % 2 == 0:
            members = [str(rng.randrange(-20, 60)) for _ in range(rng.randrange(1, 30))]
        else:
            members = ["m%d" % rng.randrange(0, 60) for _ in range(rng.randrange(1, 30))]
        sets["set:%d" % i] = members
    return sets


def load(conn, zsets, sets, tag=""):
    commands = [["ZADD", tag + key] + args for key, args in zsets.items()]
    commands += [["SADD", tag + key] + members for key, members in sets.items()]
    commands.append(["SET", tag + "str:1", "value"])
    conn.send(resp_wire.encode_many(commands))
    for _ in commands:
        reply = conn.read_value()
        if isinstance(reply, resp_wire.RespError):
            raise RuntimeError("load failed: %s" % reply.message)


def random_algebra(rng, keys, store=None):
    cmd = rng.choice(["ZUNION", "ZINTER", "ZDIFF"])
    n = rng.randrange(1, 6)
    names = []
    for _ in range(n):
        r = rng.random()
        if r < 0.07:
            names.append((store or "") + "missing:%d" % rng.randrange(0, 3))
        elif r < 0.10:
            names.append((store or "") + "str:1")
        else:
            names.append(rng.choice(keys))
    args = [cmd + ("STORE" if store is not None else "")]
    if store is not None:
        args.append(store + "dest")
    args += [str(n)] + names
    r = rng.random()
    if r < 0.03:  # a bad numkeys
        args[len(args) - n - 1] = rng.choice(["0", "-1", "x", str(n + 1)])
    if rng.random() < 0.4:
        weights = [rng.choice(["1", "2", "-1", "0", "0.5", "inf", "-0"]) for _ in range(n)]
        if rng.random() < 0.05:
            weights[rng.randrange(0, n)] = "nope"
        args += ["WEIGHTS"] + weights
    if rng.random() < 0.4:
        args += ["AGGREGATE", rng.choice(["SUM", "MIN", "MAX", "sum", "max", "avg"])]
    if store is None and rng.random() < 0.6:
        args.append("WITHSCORES")
    if rng.random() < 0.02:
        args.append("FOO")
    return args


def show(raw, limit=240):
    text = repr(raw)
    return text if len(text) <= limit else text[:limit] + "... (%d bytes)" % len(raw)


def printable(args):
    return " ".join(a if isinstance(a, str) else repr(a) for a in args)[:200]


def compare_reads(check, ref_port, tst_port, keys, protocol):
    rng = random.Random(SEED + protocol)
    diffs = []
    compared = 0
    with resp_wire.Conn(ref_port) as ref, resp_wire.Conn(tst_port) as tst:
        if protocol == 3:
            ref.call("HELLO", "3")
            tst.call("HELLO", "3")
        commands = [random_algebra(rng, keys) for _ in range(ROUNDS)]
        commands += [
            ["ZUNION", str(len(keys))] + keys + ["WITHSCORES"],
            ["ZINTER", "2", keys[0], keys[0], "WITHSCORES"],
            ["ZDIFF", str(len(keys))] + keys,
            ["ZUNION", "2", "missing:0", "str:1"],
            ["ZINTER", "2", "str:1", "missing:0"],
            ["ZDIFF", "2", "missing:0", "str:1"],
            ["ZUNION", "2", keys[1], keys[2], "WEIGHTS", "1"],
            ["ZUNION", "2", keys[1], keys[2], "AGGREGATE"],
            ["ZDIFF", "2", keys[1], keys[2], "WEIGHTS", "1", "2"],
        ]
        for args in commands:
            ref_raw = ref.call_raw(*args)
            tst_raw = tst.call_raw(*args)
            compared += 1
            if ref_raw != tst_raw:
                diffs.append("%s\n       expected %s\n       got      %s"
                             % (printable(args), show(ref_raw), show(tst_raw)))
    for d in diffs[:10]:
        print("    " + d)
    check.check(not diffs, "RESP%d: %d reads over the shards compared, %d differ"
                % (protocol, compared, len(diffs)))


def random_store(rng, sources, tag, dests):
    """A ZRANGESTORE, ZUNIONSTORE, ZINTERSTORE or ZDIFFSTORE command over sources into one of
    dests (random_algebra names tag + "missing:N" and tag + "str:1" too)."""
    dest = rng.choice(dests)
    if rng.random() < 0.3:
        src = rng.choice(sources)
        lo, hi = sorted([rng.randrange(-5, 200), rng.randrange(-5, 200)])
        args = ["ZRANGESTORE", dest, src, str(lo), str(hi)]
        r = rng.random()
        if r < 0.3:
            args[3:5] = [rng.choice(["-inf", "(1", "0"]), rng.choice(["+inf", "2", "(3"])]
            args.append("BYSCORE")
        elif r < 0.5:
            args[3:5] = ["-", rng.choice(["+", "[m3", "(m5"])]
            args.append("BYLEX")
        if rng.random() < 0.3:
            args.append("REV")
            if args[-2] in ("BYSCORE", "BYLEX"):
                args[3], args[4] = args[4], args[3]
        if args[-1] in ("BYSCORE", "BYLEX", "REV") and rng.random() < 0.3:
            args += ["LIMIT", str(rng.randrange(-1, 5)), str(rng.randrange(-1, 50))]
        return args
    args = random_algebra(rng, sources, tag)
    args[1] = dest
    return args


def ttl_kind(raw):
    """A TTL reply with the remaining time left out (the two servers run a moment apart)."""
    return b":+\r\n" if raw.startswith(b":") and int(raw[1:]) > 0 else raw


def probe_key(ref, tst, key, diffs, after):
    """The key's value, encoding, existence and TTL on both servers; differences into diffs."""
    for probe in (["ZRANGE", key, "0", "-1", "WITHSCORES"], ["OBJECT", "ENCODING", key],
                  ["EXISTS", key], ["TTL", key]):
        ref_raw = ref.call_raw(*probe)
        tst_raw = tst.call_raw(*probe)
        if probe[0] == "TTL":
            ref_raw, tst_raw = ttl_kind(ref_raw), ttl_kind(tst_raw)
        if ref_raw != tst_raw:
            diffs.append("%s after %s\n       expected %s\n       got      %s"
                         % (printable(probe), after, show(ref_raw), show(tst_raw)))


def run_stores(ref, tst, rng, sources, tag, dests, owners=None):
    """STORE_ROUNDS random store commands, each followed by probes of its destination. Returns
    (differences, commands naming existing keys of several shards, by owners: {key: shard})."""
    diffs = []
    spanning = 0
    for _ in range(STORE_ROUNDS):
        args = random_store(rng, sources, tag, dests)
        if owners is not None and len({owners[k] for k in map(str.encode, args[1:])
                                       if k in owners}) > 1:
            spanning += 1
        ref_raw = ref.call_raw(*args)
        tst_raw = tst.call_raw(*args)
        if ref_raw != tst_raw:
            diffs.append("%s\n       expected %s\n       got      %s"
                         % (printable(args), show(ref_raw), show(tst_raw)))
        probe_key(ref, tst, args[1], diffs, printable(args))
    return diffs, spanning


def compare_stores(check, ref_port, tst_port, zsets, sets):
    """The *STORE forms and ZRANGESTORE on keys of one shard (a shared hashtag)."""
    rng = random.Random(SEED + 99)
    tag = "{tag}:"
    with resp_wire.Conn(ref_port) as ref, resp_wire.Conn(tst_port) as tst:
        small_z = dict(list(zsets.items())[:24])
        small_s = dict(list(sets.items())[:4])
        load(ref, small_z, small_s, tag)
        load(tst, small_z, small_s, tag)
        tagged = [tag + k for k in list(small_z) + list(small_s)]
        diffs, _ = run_stores(ref, tst, rng, tagged, tag, [tag + "dest"])
    for d in diffs[:10]:
        print("    " + d)
    check.check(not diffs, "%d *STORE commands on one shard compared, %d differ"
                % (STORE_ROUNDS, len(diffs)))


def compare_spread_stores(check, ref_port, tst_port, keys):
    """The *STORE forms and ZRANGESTORE on the plain keys, spread over the shards: destinations
    of their own (one with a TTL, which a store clears) and sources (whose other keys then read
    the result)."""
    rng = random.Random(SEED + 77)
    dests = ["dest:%d" % i for i in range(6)]
    with resp_wire.Conn(ref_port) as ref, resp_wire.Conn(tst_port) as tst:
        for conn in (ref, tst):
            for d in dests:
                conn.call("ZADD", d, "1", "old")
            conn.call("EXPIRE", dests[0], "100000")
        shards, owners = server_harness.key_shards(tst_port)
        diffs, spanning = run_stores(ref, tst, rng, keys, "", dests + keys[:3] + keys[-2:],
                                     owners)
        for key in keys + dests:
            probe_key(ref, tst, key, diffs, "the last command")
    for d in diffs[:10]:
        print("    " + d)
    check.check(not diffs, "%d *STORE commands over the shards compared, %d differ"
                % (STORE_ROUNDS, len(diffs)))
    if shards > 1:
        check.check(spanning > STORE_ROUNDS // 2, "%d of them name keys of several of the %d "
                    "shards" % (spanning, shards))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    check = server_harness.Checker("sorted-set algebra across shards vs redis-server: %s"
                                   % server_harness.describe(args))
    rng = random.Random(SEED)
    zsets = build_zsets(rng)
    sets = build_sets(rng)
    keys = sorted(zsets) + sorted(sets)
    with server_harness.reference_from_args(args) as ref, \
            server_harness.server_from_args(args) as tst:
        with resp_wire.Conn(ref.port) as r, resp_wire.Conn(tst.port) as t:
            load(r, zsets, sets)
            load(t, zsets, sets)
            differ = [key for key in keys
                      if r.call_raw("OBJECT", "ENCODING", key)
                      != t.call_raw("OBJECT", "ENCODING", key)
                      or r.call_raw("ZRANGE", key, "0", "-1", "WITHSCORES")
                      != t.call_raw("ZRANGE", key, "0", "-1", "WITHSCORES")]
            check.check(not differ, "%d keys loaded with Redis's contents and encodings"
                        % len(keys), "differ: %s" % differ[:5])
        for protocol in (2, 3):
            check.section("RESP%d reads" % protocol, compare_reads, check, ref.port, tst.port,
                          keys, protocol)
        check.section("stores", compare_stores, check, ref.port, tst.port, zsets, sets)
        check.section("spread stores", compare_spread_stores, check, ref.port, tst.port, keys)
        check.check(tst.alive(), "server under test still running")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
