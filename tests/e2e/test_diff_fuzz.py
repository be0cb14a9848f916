"""Differential fuzz test, CI-sized: tools/diff_fuzz.py sends seeded random string and keyspace
commands (edge arguments, errors, binary keys, pipelines) to redis-server 7.0 and to the server
under test, and every reply must match (byte for byte, or by the documented rule for the few
replies that are not deterministic). Fixed seeds, so a failure reproduces with
  tools/diff_fuzz.py --server ... --cores N [--hashtag] --seed S --commands C
With --cores > 1 every key carries the same {hashtag}, so multi-key commands stay on one shard."""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))

import diff_fuzz  # noqa: E402
import server_harness  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser)
    parser.add_argument("--seeds", default="1001,1002", help="comma-separated seeds")
    parser.add_argument("--commands", type=int, default=10000, help="commands per seed")
    parser.add_argument("--keep-going", type=int, default=5,
                        help="differences shown per seed (both servers are emptied after each)")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    hashtag = args.cores > 1
    check = server_harness.Checker("differential fuzz vs redis-server: %s%s, seeds %s, %d commands "
                                   "each" % (server_harness.describe(args),
                                             " --hashtag" if hashtag else "", args.seeds,
                                             args.commands))
    started = time.monotonic()
    with server_harness.reference_from_args(args) as ref, \
            server_harness.server_from_args(args) as tst:
        fuzzer = diff_fuzz.Fuzzer(ref.port, tst.port, label="tested", keep_going=args.keep_going,
                                  hashtag=hashtag, servers_started=started)
        total = 0
        for seed in seeds:
            result = fuzzer.run_seed(seed, args.commands)
            total += result.commands
            check.check(not result.differences and result.broken is None,
                        "seed %d: %d commands, %d differences%s"
                        % (seed, result.commands, len(result.differences),
                           "; stopped early: %s" % result.broken if result.broken else ""))
        check.check(total >= 20000, "at least 20000 commands in all (%d)" % total)
        check.check(tst.alive(), "server under test still running after the fuzz run")
    print("elapsed %.1f s" % (time.monotonic() - started), flush=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
