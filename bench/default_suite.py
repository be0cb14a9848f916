#!/usr/bin/python3
"""redis-benchmark's default test suite against redis-server and Shardis in one run.

Both servers run at the same time, each pinned to the server CPU (default 0) with `taskset`;
redis-benchmark runs pinned to the client CPU (default 1) with `-c 50 -n 100000` by default.
The suite is redis-benchmark's default one (PING_INLINE, PING_MBULK, SET, GET, INCR, LPUSH,
RPUSH, LPOP, RPOP, SADD, HSET, SPOP, ZADD, ZPOPMIN, LRANGE_100 .. LRANGE_600, MSET), run as one
`-t` group at a time in the suite's order (ping, set, get, ..., lrange, mset).

Each round starts with FLUSHALL on both servers, then runs every group on one server and right
after on the other, alternating which goes first from group to group and round to round. Both
servers thus see the same sequence of commands, and a few seconds of load from elsewhere on the
machine fall on both alike instead of on one server's whole suite.

For every test it prints the median requests per second of each server over the rounds and the
Shardis / redis ratio; for every group, the median server CPU time per request (utime + stime
from /proc) and its ratio. With the client on one CPU, the client is usually the bottleneck at
about 50k-60k requests per second, so the rps columns measure mostly the client and the machine's
noise; the CPU columns show what each server spends. See bench/README.md.
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

# redis-benchmark -t names of the default suite, in its order; "ping" runs PING_INLINE and
# PING_MBULK, "lrange" runs LPUSH and LRANGE_100 .. LRANGE_600.
DEFAULT_GROUPS = ["ping", "set", "get", "incr", "lpush", "rpush", "lpop", "rpop", "sadd", "hset",
                  "spop", "zadd", "zpopmin", "lrange", "mset"]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def pinned(cpu, argv):
    if cpu is None:
        return list(argv)
    return ["taskset", "-c", str(cpu)] + list(argv)


def flushall(port):
    with resp_wire.Conn(port) as conn:
        conn.call("FLUSHALL")


def run_group(server, group, args):
    """One redis-benchmark run of -t GROUP; returns ([(test name, rps)], server CPU seconds)."""
    argv = pinned(args.client_cpu, ["redis-benchmark", "-h", server_harness.HOST, "-p",
                                    str(server.port), "-c", str(args.clients), "-n",
                                    str(args.requests), "--csv", "-t", group])
    cpu0 = server.cpu_seconds()
    run = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                         timeout=BENCH_TIMEOUT)
    cpu = server.cpu_seconds() - cpu0
    if run.returncode != 0:
        raise RuntimeError("redis-benchmark failed (%d): %s" % (
            run.returncode, (run.stdout + run.stderr).decode(errors="replace")[-500:]))
    rows = csv.DictReader(io.StringIO(run.stdout.decode(errors="replace")))
    return [(r["test"], float(r["rps"])) for r in rows], cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shardis", default=os.path.join(ROOT, "build", "src", "shardis-server"))
    parser.add_argument("--redis-server", default="redis-server")
    parser.add_argument("--cores", type=int, default=1, help="--cores for Shardis (default 1)")
    parser.add_argument("--clients", type=int, default=50, help="redis-benchmark -c (default 50)")
    parser.add_argument("--requests", type=int, default=100000,
                        help="redis-benchmark -n (default 100000)")
    parser.add_argument("--tests", default=",".join(DEFAULT_GROUPS),
                        help="comma-separated redis-benchmark -t groups, each run on its own "
                        "(default: the whole default suite)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per server (default 3)")
    parser.add_argument("--server-cpu", type=int, default=0)
    parser.add_argument("--client-cpu", type=int, default=1)
    parser.add_argument("--no-pin", action="store_true", help="do not use taskset")
    parser.add_argument("--shardis-arg", action="append", default=[],
                        help="extra argument for shardis-server (repeatable)")
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
    cpu_us = {"redis": {}, "shardis": {}}  # group -> server CPU us per request, one per round
    order = []  # test names in suite order
    try:
        servers["redis"] = server_harness.redis(binary=args.redis_server, wrapper=wrapper)
        servers["shardis"] = server_harness.shardis(args.shardis, cores=args.cores,
                                                    extra_args=args.shardis_arg,
                                                    wrapper=wrapper)
        for srv in servers.values():
            srv.start()
        groups = [g for g in args.tests.split(",") if g]
        turn = 0
        for rnd in range(args.rounds):
            log("round %d ..." % (rnd + 1))
            for srv in servers.values():
                flushall(srv.port)
            for group in groups:
                names = ["redis", "shardis"] if turn % 2 == 0 else ["shardis", "redis"]
                turn += 1
                for name in names:
                    rows, cpu = run_group(servers[name], group, args)
                    for test, rps in rows:
                        results[name].setdefault(test, []).append(rps)
                        if test not in order:
                            order.append(test)
                    if rows:
                        cpu_us[name].setdefault(group, []).append(
                            cpu * 1e6 / (args.requests * len(rows)))
            turn += 1  # the next round starts with the other server
        for name, srv in servers.items():
            if not srv.alive():
                raise RuntimeError("%s died during the run" % name)
    finally:
        for srv in servers.values():
            srv.stop()

    print("redis-benchmark -c %d -n %d, groups %s, %d rounds interleaved by group, medians; "
          "server CPU %s, client CPU %s, Shardis --cores %d%s.\n"
          % (args.clients, args.requests, args.tests, args.rounds, args.server_cpu,
             args.client_cpu, args.cores,
             " " + " ".join(args.shardis_arg) if args.shardis_arg else ""))
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
    print("\nServer CPU per request (utime + stime), median over rounds:\n")
    print("| group | redis-server us/req | Shardis us/req | Shardis / redis |")
    print("| --- | ---: | ---: | ---: |")
    cpu_ratios = []
    for group in cpu_us["redis"]:
        r = statistics.median(cpu_us["redis"][group])
        s = statistics.median(cpu_us["shardis"].get(group, [0]))
        ratio = s / r if r > 0 else 0
        if ratio > 0:
            cpu_ratios.append(ratio)
        print("| %s | %.2f | %.2f | %.2fx |" % (group, r, s, ratio))
    if cpu_ratios:
        print("\nCPU ratio range %.2fx .. %.2fx, geometric mean %.2fx"
              % (min(cpu_ratios), max(cpu_ratios), statistics.geometric_mean(cpu_ratios)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
