"""Set algebra across shards against redis-server.

The same sets are loaded into the server under test and into a reference
redis-server: many keys (so that with --cores > 1 they spread over every
shard), intsets and hashtables, sets sharing members, a key of another type.
Then seeded random SINTER, SUNION, SDIFF and SINTERCARD commands over those
keys and missing ones must get the same reply from both servers: errors and
integers byte for byte, member replies as sets (a hashtable's order is its
own), in ascending order exactly when Redis replies an intset result.
Runs over RESP2 and RESP3. The *STORE forms run twice: on keys that share a
{hashtag} (one shard), and on the plain keys with destinations of their own,
spread over the shards (Shardis runs them as one transaction in a scratch
store). Their replies, the stored sets, encodings and TTLs are compared; with
--cores > 1 most of the spread commands must name keys of several shards."""

import argparse
import random
import sys

import resp_wire
import server_harness

SEED = 7031
SET_KEYS = 60
ROUNDS = 1500
STORE_ROUNDS = 200


def build_sets(rng):
    """{key: [members]}: a mix of small and large intsets and hashtables."""
    sets = {}
    for i in range(SET_KEYS):
        kind = i % 5
        if kind == 0:    # small intset
            members = [str(rng.randrange(-50, 50)) for _ in range(rng.randrange(1, 30))]
        elif kind == 1:  # large intset (up to the 512 limit)
            members = [str(rng.randrange(0, 1500)) for _ in range(rng.randrange(100, 400))]
        elif kind == 2:  # hashtable by count: integers only
            members = [str(rng.randrange(0, 2000)) for _ in range(rng.randrange(600, 900))]
        elif kind == 3:  # hashtable with strings and integers
            members = ["m%d" % rng.randrange(0, 80) for _ in range(rng.randrange(1, 60))]
            members += [str(rng.randrange(-50, 50)) for _ in range(rng.randrange(0, 20))]
        else:            # binary members
            members = [b"b\x00\r\n%d" % rng.randrange(0, 40) for _ in range(rng.randrange(1, 25))]
            members += ["m%d" % rng.randrange(0, 80) for _ in range(rng.randrange(0, 10))]
        sets["set:%d" % i] = members
    return sets


def load(conn, sets):
    commands = [["SADD", key] + members for key, members in sets.items()]
    commands.append(["SET", "str:1", "value"])
    conn.send(resp_wire.encode_many(commands))
    for _ in commands:
        reply = conn.read_value()
        if isinstance(reply, resp_wire.RespError):
            raise RuntimeError("load failed: %s" % reply.message)


def ascending_ints(items):
    """True when items are canonical integers in strictly ascending order (an intset's order)."""
    values = []
    for member in items:
        try:
            text = member.decode("ascii")
            value = int(text)
        except (UnicodeDecodeError, ValueError):
            return False
        if str(value) != text:
            return False
        values.append(value)
    return all(a < b for a, b in zip(values, values[1:]))


def same_reply(ref_raw, tst_raw, cmd=""):
    """Errors and integers byte for byte; member replies as sets of the same type. A result is
    an intset exactly when Redis's is, so when one reply is in intset order (ascending) the other
    must be too (checked from 8 members up: a hashtable is ascending by chance once in 40320).
    SINTER is the exception: Redis replies it in the order of the smallest set it walks, which
    may be a hashtable holding integers only, where Shardis replies the (intset) result
    ascending; an ascending Redis reply must still be ascending here."""
    if ref_raw == tst_raw:
        return True
    try:
        ref, tst = resp_wire.decode(ref_raw), resp_wire.decode(tst_raw)
    except resp_wire.WireError:
        return False
    if not (isinstance(ref, list) and isinstance(tst, list)):
        return False
    if ref_raw[:1] != tst_raw[:1]:  # '*' vs '~'
        return False
    if sorted(ref) != sorted(tst) or len(set(tst)) != len(tst):
        return False
    if len(ref) < 8:
        return True
    if cmd.upper() == "SINTER":
        return ascending_ints(tst) or not ascending_ints(ref)
    return ascending_ints(ref) == ascending_ints(tst)


def random_command(rng, keys):
    cmd = rng.choice(["SINTER", "SUNION", "SDIFF", "SINTERCARD"])
    n = rng.randrange(1, 7)
    names = []
    for _ in range(n):
        r = rng.random()
        if r < 0.08:
            names.append("missing:%d" % rng.randrange(0, 5))
        elif r < 0.11:
            names.append("str:1")
        else:
            names.append(rng.choice(keys))
    if cmd == "SINTERCARD":
        args = [cmd, str(n)] + names
        if rng.random() < 0.5:
            args += ["LIMIT", str(rng.randrange(0, 20))]
        return args
    return [cmd] + names


def show(raw, limit=200):
    text = repr(raw)
    return text if len(text) <= limit else text[:limit] + "... (%d bytes)" % len(raw)


def compare_reads(check, ref_port, tst_port, keys, protocol):
    rng = random.Random(SEED + protocol)
    diffs = []
    compared = 0
    with resp_wire.Conn(ref_port) as ref, resp_wire.Conn(tst_port) as tst:
        if protocol == 3:
            ref.call("HELLO", "3")
            tst.call("HELLO", "3")
        for _ in range(ROUNDS):
            args = random_command(rng, keys)
            ref_raw = ref.call_raw(*args)
            tst_raw = tst.call_raw(*args)
            compared += 1
            if not same_reply(ref_raw, tst_raw, args[0]):
                diffs.append("%s\n       expected %s\n       got      %s"
                             % (" ".join(a if isinstance(a, str) else repr(a) for a in args),
                                show(ref_raw), show(tst_raw)))
        # Fixed cases: every kind of key first, errors of SINTERCARD.
        fixed = [
            ["SINTER", "missing:0", "str:1", keys[0]],
            ["SINTER", keys[0], "missing:0"],
            ["SUNION", keys[1], "str:1"],
            ["SDIFF", "missing:0", keys[2]],
            ["SDIFF", keys[3], keys[3]],
            ["SINTERCARD", "0", keys[0]],
            ["SINTERCARD", "x", keys[0]],
            ["SINTERCARD", "5", keys[0], keys[1]],
            ["SINTERCARD", "2", keys[0], keys[1], "LIMIT", "-1"],
            ["SINTERCARD", "2", keys[0], keys[1], "FOO"],
            ["SINTERCARD", "2", "str:1", keys[1]],
            ["SINTER"] + keys,
            ["SUNION"] + keys,
            ["SDIFF"] + keys,
            ["SINTERCARD", str(len(keys))] + keys,
        ]
        for args in fixed:
            ref_raw = ref.call_raw(*args)
            tst_raw = tst.call_raw(*args)
            compared += 1
            if not same_reply(ref_raw, tst_raw, args[0]):
                diffs.append("%s\n       expected %s\n       got      %s"
                             % (" ".join(args[:6]), show(ref_raw), show(tst_raw)))
    for d in diffs[:10]:
        print("    " + d)
    check.check(not diffs, "RESP%d: %d reads over the shards compared, %d differ"
                % (protocol, compared, len(diffs)))


def ttl_kind(raw):
    """A TTL reply with the remaining time left out (the two servers run a moment apart)."""
    return b":+\r\n" if raw.startswith(b":") and int(raw[1:]) > 0 else raw


def run_stores(ref, tst, rng, sources, dests, owners=None):
    """STORE_ROUNDS random *STORE commands from sources into one of dests, then the destination
    probed on both servers. Returns (differences, commands naming existing keys of several
    shards, by owners: {key: shard})."""
    diffs = []
    spanning = 0
    for _ in range(STORE_ROUNDS):
        cmd = rng.choice(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"])
        dest = rng.choice(dests)
        args = [cmd, dest] + [rng.choice(sources) for _ in range(rng.randrange(1, 5))]
        if owners is not None and len({owners[k] for k in map(str.encode, args[1:])
                                       if k in owners}) > 1:
            spanning += 1
        for probe in (args, ["SMEMBERS", dest], ["OBJECT", "ENCODING", dest],
                      ["EXISTS", dest], ["TTL", dest]):
            ref_raw = ref.call_raw(*probe)
            tst_raw = tst.call_raw(*probe)
            if probe[0] == "TTL":
                ref_raw, tst_raw = ttl_kind(ref_raw), ttl_kind(tst_raw)
            if not same_reply(ref_raw, tst_raw):
                diffs.append("%s after %s\n       expected %s\n       got      %s"
                             % (" ".join(probe), " ".join(args), show(ref_raw), show(tst_raw)))
    return diffs, spanning


def compare_stores(check, ref_port, tst_port, sets):
    """The *STORE forms on keys of one shard (a shared hashtag)."""
    rng = random.Random(SEED + 99)
    with resp_wire.Conn(ref_port) as ref, resp_wire.Conn(tst_port) as tst:
        tagged = []
        for i, members in enumerate(list(sets.values())[:20]):
            key = "{tag}:%d" % i
            tagged.append(key)
            for conn in (ref, tst):
                conn.call("SADD", key, *members)
        diffs, _ = run_stores(ref, tst, rng, tagged + ["{tag}:missing"], ["{tag}:dest"])
    for d in diffs[:10]:
        print("    " + d)
    check.check(not diffs, "%d *STORE commands on one shard compared, %d differ"
                % (STORE_ROUNDS, len(diffs)))


def compare_spread_stores(check, ref_port, tst_port, keys):
    """The *STORE forms on the plain keys, spread over the shards: destinations of their own
    (one with a TTL, which a store clears), sources (whose other keys then read the result)
    and missing keys; the wrong-type key as a source only."""
    rng = random.Random(SEED + 77)
    dests = ["dest:%d" % i for i in range(6)]
    with resp_wire.Conn(ref_port) as ref, resp_wire.Conn(tst_port) as tst:
        for conn in (ref, tst):
            for d in dests:
                conn.call("SADD", d, "old")
            conn.call("EXPIRE", dests[0], "100000")
        shards, owners = server_harness.key_shards(tst_port)
        diffs, spanning = run_stores(ref, tst, rng, keys + ["missing:0", "str:1"],
                                     dests + keys[:4], owners)
        for key in keys + dests:
            for probe in (["SMEMBERS", key], ["OBJECT", "ENCODING", key], ["TTL", key]):
                ref_raw, tst_raw = ref.call_raw(*probe), tst.call_raw(*probe)
                if probe[0] == "TTL":
                    ref_raw, tst_raw = ttl_kind(ref_raw), ttl_kind(tst_raw)
                if not same_reply(ref_raw, tst_raw):
                    diffs.append("%s at the end\n       expected %s\n       got      %s"
                                 % (" ".join(probe), show(ref_raw), show(tst_raw)))
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
    check = server_harness.Checker("set algebra across shards vs redis-server: %s"
                                   % server_harness.describe(args))
    sets = build_sets(random.Random(SEED))
    keys = sorted(sets)
    with server_harness.reference_from_args(args) as ref, \
            server_harness.server_from_args(args) as tst:
        with resp_wire.Conn(ref.port) as r, resp_wire.Conn(tst.port) as t:
            load(r, sets)
            load(t, sets)
            differ = [key for key in keys
                      if r.call_raw("OBJECT", "ENCODING", key)
                      != t.call_raw("OBJECT", "ENCODING", key)]
            check.check(not differ, "%d sets loaded with Redis's encodings" % len(keys),
                        "differ: %s" % differ[:5])
        for protocol in (2, 3):
            check.section("RESP%d reads" % protocol, compare_reads, check, ref.port, tst.port,
                          keys, protocol)
        check.section("stores", compare_stores, check, ref.port, tst.port, sets)
        check.section("spread stores", compare_spread_stores, check, ref.port, tst.port, keys)
        check.check(tst.alive(), "server under test still running")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
