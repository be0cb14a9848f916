#!/usr/bin/python3
"""redis-benchmark's default test suite against redis-server and Shardis in one run.

Both servers run at the same time, each pinned to the server CPU (default 0) with `taskset`;
redis-benchmark runs pinned to the client CPU (default 1) with `-c 50 -n 100000` by default and
no -t, so it runs its whole default suite (PING_INLINE, PING_MBULK, SET, GET, INCR, LPUSH, RPUSH,
LPOP, RPOP, SADD, HSET, SPOP, ZADD, ZPOPMIN, LRANGE_100 .. LRANGE_600, MSET).

The suite runs --rounds times per server, alternating which server goes first, with FLUSHALL
before every run so that both start from the same empty keyspace. For every test it prints the
median requests per second of each server over the rounds and the Shardis / redis ratio, as a
markdown table. See bench/README.md.
"""

import argparse
import csv
import io
import os
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))

import resp_wire  # noqa: E402
import server_harness  # noqa: E402

BENCH_TIMEOUT = 1200


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def pinned(cpu, argv):
    if cpu is None:
        return list(argv)
    return ["taskset", "-c", str(cpu)] + list(argv)


def run_suite(port, args):
    """One run of the default suite; returns [(test name, rps)] in redis-benchmark's order."""
    with resp_wire.Conn(port) as conn:
        conn.call("FLUSHALL")
    argv = pinned(args.client_cpu, ["redis-benchmark", "-h", server_harness.HOST, "-p", str(port),
                                    "-c", str(args.clients), "-n", str(args.requests), "--csv"])
    if args.tests:
        argv += ["-t", args.tests]
    run = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                         timeout=BENCH_TIMEOUT)
    if run.returncode != 0:
        raise RuntimeError("redis-benchmark failed (%d): %s" % (
            run.returncode, (run.stdout + run.stderr).decode(errors="replace")[-500:]))
    rows = csv.DictReader(io.StringIO(run.stdout.decode(errors="replace")))
    return [(r["test"], float(r["rps"])) for r in rows]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shardis", default=os.path.join(ROOT, "build", "src", "shardis-server"))
    parser.add_argument("--redis-server", default="redis-server")
    parser.add_argument("--cores", type=int, default=1, help="--cores for Shardis (default 1)")
    parser.add_argument("--clients", type=int, default=50, help="redis-benchmark -c (default 50)")
    parser.add_argument("--requests", type=int, default=100000,
                        help="redis-benchmark -n (default 100000)")
    parser.add_argument("--tests", default="", help="redis-benchmark -t (default: whole suite)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per server (default 3)")
    parser.add_argument("--server-cpu", type=int, default=0)
    parser.add_argument("--client-cpu", type=int, default=1)
    parser.add_argument("--no-pin", action="store_true", help="do not use taskset")
    args = parser.parse_args()
    if args.no_pin or shutil.which("taskset") is None or (os.cpu_count() or 1) < 2:
        log("note: not pinning (taskset missing, fewer than 2 CPUs, or --no-pin)")
        args.server_cpu = args.client_cpu = None
    if shutil.which("redis-benchmark") is None:
        log("redis-benchmark not found")
        return 2
    if not os.access(args.shardis, os.X_OK):
        log("%s not found" % args.shardis)
        return 2

    server_harness.raise_fd_limit(args.clients * 2 + 1024)
    wrapper = pinned(args.server_cpu, [])
    servers = {}
    results = {"redis": {}, "shardis": {}}
    order = []  # test names in suite order
    try:
        servers["redis"] = server_harness.redis(binary=args.redis_server, wrapper=wrapper)
        servers["shardis"] = server_harness.shardis(args.shardis, cores=args.cores,
                                                    wrapper=wrapper)
        for srv in servers.values():
            srv.start()
        for rnd in range(args.rounds):
            names = ["redis", "shardis"] if rnd % 2 == 0 else ["shardis", "redis"]
            for name in names:
                log("round %d: %s ..." % (rnd + 1, name))
                for test, rps in run_suite(servers[name].port, args):
                    results[name].setdefault(test, []).append(rps)
                    if test not in order:
                        order.append(test)
        for name, srv in servers.items():
            if not srv.alive():
                raise RuntimeError("%s died during the run" % name)
    finally:
        for srv in servers.values():
            srv.stop()

    print("redis-benchmark -c %d -n %d (default suite%s), %d rounds, median rps; server CPU %s, "
          "client CPU %s, Shardis --cores %d.\n"
          % (args.clients, args.requests, ", -t " + args.tests if args.tests else "",
             args.rounds, args.server_cpu, args.client_cpu, args.cores))
    print("| test | redis-server rps | Shardis rps | Shardis / redis |")
    print("| --- | ---: | ---: | ---: |")
    ratios = []
    for test in order:
        r = statistics.median(results["redis"].get(test, [0]))
        s = statistics.median(results["shardis"].get(test, [0]))
        ratio = s / r if r > 0 else 0
        ratios.append(ratio)
        print("| %s | %.0f | %.0f | %.2fx |" % (test, r, s, ratio))
    if ratios:
        print("\nratio range %.2fx .. %.2fx, geometric mean %.2fx"
              % (min(ratios), max(ratios), statistics.geometric_mean([x for x in ratios if x > 0]
                                                                    or [1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
