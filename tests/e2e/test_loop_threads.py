#!/usr/bin/env python3
"""Event loop threads: one per shard when the process has a CPU for each, one per usable CPU
when it has fewer (the shards share them). Counts the server's threads (/proc/PID/task: the
main thread plus the loop threads) and checks that every shard still serves its keys."""

import argparse
import os
import sys

import resp_wire
import server_harness


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    check = server_harness.Checker("event loop threads: %s" % server_harness.describe(args))
    with server_harness.server_from_args(args) as srv:
        if os.environ.get("SHARDIS_TEST_ONE_CPU"):
            cpus = 1
        else:
            cpus = len(os.sched_getaffinity(0))
        loops = min(args.cores, cpus)
        threads = len(os.listdir("/proc/%d/task" % srv.pid))
        check.check(threads == loops + 1, "%d threads for %d shards on %d usable CPU(s)"
                    % (threads, args.cores, cpus),
                    "expected %d (main + %d loops)" % (loops + 1, loops))
        keys = ["k%d" % i for i in range(64)]
        with resp_wire.Conn(srv.port) as conn:
            conn.call("MSET", *[x for k in keys for x in (k, "v" + k)])
            got = conn.call("MGET", *keys)
        _, owners = server_harness.key_shards(srv.port)
        check.check(got == [("v" + k).encode() for k in keys], "MGET over every shard reads MSET")
        check.check(len(set(owners.values())) == args.cores,
                    "keys land on all %d shards" % args.cores)
        check.check(srv.alive(), "server still running")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
