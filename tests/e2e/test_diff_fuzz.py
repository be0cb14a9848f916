"""Differential fuzz test, CI-sized: tools/diff_fuzz.py sends seeded random string, keyspace,
list, hash, set, sorted-set and transaction commands (edge arguments, errors, WRONGTYPE, binary
keys and members, encoding conversions, blocking commands with short timeouts, MULTI blocks with
WATCH, pipelines) to redis-server 7.0 and to the server under test, and every reply must match
(byte for byte, or by the documented rule for the few replies that are not deterministic, also
inside EXEC). Fixed seeds, so a failure reproduces with
  tools/diff_fuzz.py --server ... --cores N [--hashtag | --spread] --seed S --commands C
With --cores 1 the keys are plain names, and the run is made twice: over RESP2 and over RESP3
(--resp3). With --cores > 1 two layouts run, over RESP2: --hashtag (every key carries the same
{hashtag}, so every multi-key command is on one shard) and --spread (keys on several shards,
mixed by every multi-key command, WATCH and MULTI block)."""

import argparse
import ctypes
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))

import diff_fuzz  # noqa: E402
import diff_fuzz_gen  # noqa: E402
import resp_wire  # noqa: E402
import server_harness  # noqa: E402


def spread_spans_shards(port):
    """True if the --spread key groups live on more than one shard: the server reports its
    shard count (INFO server, "shards:"), and Shardis's routing (include/shardis/server/
    routing.h: XXH3 of the {tag}, modulo the shard count, with the same libxxhash) puts the
    tags on more than one of them. (Every multi-key command runs across shards, so no reply
    tells the shards apart.)"""
    with resp_wire.Conn(port) as conn:
        info = resp_wire.decode(conn.call_raw(b"INFO", b"server"))
    fields = dict(line.split(b":", 1) for line in bytes(info).splitlines() if b":" in line)
    shards = int(fields.get(b"shards", b"1"))
    xxh3 = ctypes.CDLL("libxxhash.so.0").XXH3_64bits
    xxh3.restype = ctypes.c_uint64
    xxh3.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    return len({xxh3(tag, len(tag)) % shards for tag in diff_fuzz_gen.SPREAD_TAGS}) > 1


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser)
    parser.add_argument("--seeds", default="1001,1002", help="comma-separated seeds")
    parser.add_argument("--commands", type=int, default=20000, help="commands per seed")
    parser.add_argument("--keep-going", type=int, default=5,
                        help="differences shown per seed (both servers are emptied after each)")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    layouts = ["hashtag", "spread"] if args.cores > 1 else ["plain", "plain-resp3"]
    check = server_harness.Checker("differential fuzz vs redis-server: %s, %s, seeds %s, %d "
                                   "commands each" % (server_harness.describe(args),
                                                      " and ".join(layouts), args.seeds,
                                                      args.commands))
    started = time.monotonic()
    with server_harness.reference_from_args(args) as ref, \
            server_harness.server_from_args(args) as tst:
        if "spread" in layouts and args.server not in ("redis", "redis-server"):
            check.check(spread_spans_shards(tst.port),
                        "the --spread key groups live on more than one shard")
        total = 0
        for layout in layouts:
            fuzzer = diff_fuzz.Fuzzer(ref.port, tst.port, label="tested",
                                      keep_going=args.keep_going, hashtag=layout == "hashtag",
                                      spread=layout == "spread",
                                      resp=3 if layout.endswith("resp3") else 2,
                                      servers_started=started)
            for seed in seeds:
                result = fuzzer.run_seed(seed, args.commands)
                total += result.commands
                check.check(not result.differences and result.broken is None,
                            "%s seed %d: %d commands, %d differences%s"
                            % (layout, seed, result.commands, len(result.differences),
                               "; stopped early: %s" % result.broken if result.broken else ""))
        check.check(total >= 20000 * len(layouts),
                    "at least %d commands in all (%d)" % (20000 * len(layouts), total))
        check.check(tst.alive(), "server under test still running after the fuzz run")
    print("elapsed %.1f s" % (time.monotonic() - started), flush=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
