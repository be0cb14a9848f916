#!/usr/bin/python3
"""Side-by-side redis-benchmark figures for redis-server, Shardis and the
+OK server (the network path alone).

All servers run at the same time, each pinned to the server CPU (default 0)
with `taskset`; redis-benchmark runs pinned to the client CPU (default 1).
The cases are run one at a time, interleaving the servers case by case so
that slow drift of the machine affects all of them alike.

For every case it records requests per second, p50 and p99 latency (from
redis-benchmark --csv) and the server's CPU time per million requests
(utime + stime of the server process from /proc/PID/stat, before and after
the case). It prints a markdown table. See bench/README.md.
"""

import argparse
import csv
import io
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))

import server_harness  # noqa: E402

CLIENTS = (50, 1000)
PIPELINES = (1, 16)
TESTS = ("SET", "GET")
KEYSPACE = 1000000
BENCH_TIMEOUT = 600


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def pinned(cpu, argv):
    if cpu is None:
        return list(argv)
    return ["taskset", "-c", str(cpu)] + list(argv)


def run_benchmark(port, test, clients, pipeline, requests, client_cpu, data_size):
    argv = pinned(client_cpu, ["redis-benchmark", "-h", server_harness.HOST, "-p", str(port),
                               "-t", test.lower(), "-c", str(clients), "-P", str(pipeline),
                               "-r", str(KEYSPACE), "-n", str(requests), "-d", str(data_size),
                               "--csv"])
    started = time.monotonic()
    run = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                         timeout=BENCH_TIMEOUT)
    elapsed = time.monotonic() - started
    if run.returncode != 0:
        raise RuntimeError("redis-benchmark failed (%d): %s" % (
            run.returncode, (run.stdout + run.stderr).decode(errors="replace")[-500:]))
    rows = list(csv.DictReader(io.StringIO(run.stdout.decode(errors="replace"))))
    row = next((r for r in rows if r.get("test", "").upper() == test), None)
    if row is None:
        raise RuntimeError("no %s row in redis-benchmark output: %r" % (test, run.stdout[-500:]))
    return {
        "rps": float(row["rps"]),
        "p50": float(row["p50_latency_ms"]),
        "p99": float(row["p99_latency_ms"]),
        "seconds": elapsed,
    }


def measure(server, test, clients, pipeline, requests, args):
    before = server.cpu_seconds()
    result = run_benchmark(server.port, test, clients, pipeline, requests, args.client_cpu,
                           args.data_size)
    after = server.cpu_seconds()
    result["cpu_per_m"] = (after - before) / requests * 1e6
    return result


def size_requests(reference, test, clients, pipeline, args):
    """Picks -n so that the case takes about --seconds on the reference server."""
    probe = max(20 * clients, 20000 * pipeline // 4 if pipeline > 1 else 20000)
    if args.quick:
        probe //= 4
    probe = max(probe, 2 * clients)
    result = run_benchmark(reference.port, test, clients, pipeline, probe, args.client_cpu,
                           args.data_size)
    wanted = int(result["rps"] * args.seconds)
    return max(10 * clients, min(wanted, args.max_requests))


def fmt_ratio(a, b):
    if not a or not b:
        return "-"
    return "%.2fx" % (a / b)


def table(rows, shardis_names, have_ok):
    out = ["| case | server | rps | p50 ms | p99 ms | CPU s / 1M req |",
           "| --- | --- | ---: | ---: | ---: | ---: |"]
    for case, results in rows:
        first = True

        def line(name, r):
            nonlocal first
            label = case if first else ""
            first = False
            out.append("| %s | %s | %.0f | %.3f | %.3f | %.2f |"
                       % (label, name, r["rps"], r["p50"], r["p99"], r["cpu_per_m"]))

        redis_r = results.get("redis")
        if redis_r:
            line("redis-server", redis_r)
        for name in shardis_names:
            s = results.get(name)
            if not s:
                continue
            line(name, s)
            if redis_r:
                out.append("|  | %s / redis | %s | %s | %s | %s |"
                           % (name, fmt_ratio(s["rps"], redis_r["rps"]),
                              fmt_ratio(s["p50"], redis_r["p50"]),
                              fmt_ratio(s["p99"], redis_r["p99"]),
                              fmt_ratio(s["cpu_per_m"], redis_r["cpu_per_m"])))
        if have_ok and results.get("ok"):
            line("+OK server", results["ok"])
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shardis", default=os.path.join(ROOT, "build", "src", "shardis-server"),
                        help="shardis-server binary (skipped if missing)")
    parser.add_argument("--ok-server", default=os.path.join(ROOT, "build", "bench", "ok-server"),
                        help="+OK server binary (skipped if missing)")
    parser.add_argument("--redis-server", default="redis-server")
    parser.add_argument("--cores", type=int, default=1, help="--cores for Shardis and +OK server")
    parser.add_argument("--quick", action="store_true",
                        help="about 0.5 s per case instead of --seconds")
    parser.add_argument("--seconds", type=float, default=3.0,
                        help="target duration of each case on redis-server (default 3)")
    parser.add_argument("--max-requests", type=int, default=5000000)
    parser.add_argument("--data-size", type=int, default=3, help="redis-benchmark -d")
    parser.add_argument("--server-cpu", type=int, default=0)
    parser.add_argument("--client-cpu", type=int, default=1)
    parser.add_argument("--no-pin", action="store_true", help="do not use taskset")
    parser.add_argument("--shardis-arg", action="append", default=[],
                        help="extra argument for the main shardis-server (repeatable)")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=ARGS",
                        help="also run shardis-server with these space-separated extra "
                             "arguments, e.g. multishot='--recv-mode multishot' (repeatable)")
    args = parser.parse_args()
    if args.quick:
        args.seconds = min(args.seconds, 0.5)

    if args.no_pin or shutil.which("taskset") is None or (os.cpu_count() or 1) < 2:
        log("note: not pinning (taskset missing, fewer than 2 CPUs, or --no-pin)")
        args.server_cpu = args.client_cpu = None
    if shutil.which("redis-benchmark") is None:
        log("redis-benchmark not found")
        return 2

    server_harness.raise_fd_limit(max(CLIENTS) * 2 + 1024)
    wrapper = pinned(args.server_cpu, [])
    servers = {}
    try:
        servers["redis"] = server_harness.redis(binary=args.redis_server, wrapper=wrapper)
        servers["redis"].start()
        if os.access(args.shardis, os.X_OK):
            servers["shardis"] = server_harness.shardis(args.shardis, cores=args.cores,
                                                        extra_args=args.shardis_arg,
                                                        wrapper=wrapper)
            servers["shardis"].start()
            for v in args.variant:
                name, _, extra = v.partition("=")
                key = "shardis " + name
                servers[key] = server_harness.shardis(args.shardis, cores=args.cores,
                                                      extra_args=extra.split(), wrapper=wrapper)
                servers[key].start()
        else:
            log("note: %s not found; Shardis columns skipped" % args.shardis)
        if os.access(args.ok_server, os.X_OK):
            servers["ok"] = server_harness.ok_server(args.ok_server, cores=args.cores,
                                                     wrapper=wrapper)
            servers["ok"].start()
        else:
            log("note: %s not found; +OK server rows skipped" % args.ok_server)

        rows = []
        for clients in CLIENTS:
            for pipeline in PIPELINES:
                for test in TESTS:
                    case = "%s -c %d -P %d" % (test, clients, pipeline)
                    requests = size_requests(servers["redis"], test, clients, pipeline, args)
                    results = {}
                    for name, srv in servers.items():
                        log("%-22s %-8s -n %d ..." % (case, name, requests))
                        results[name] = measure(srv, test, clients, pipeline, requests, args)
                        r = results[name]
                        log("    %.0f rps, p50 %.3f ms, p99 %.3f ms, %.2f CPU s/M, %.1f s"
                            % (r["rps"], r["p50"], r["p99"], r["cpu_per_m"], r["seconds"]))
                    rows.append(("%s -n %d" % (case, requests), results))

        print("Server CPU %s, client CPU %s, Shardis/+OK server --cores %d, -r %d, -d %d.\n"
              % (args.server_cpu, args.client_cpu, args.cores, KEYSPACE, args.data_size))
        shardis_names = [n for n in servers if n.startswith("shardis")]
        print(table(rows, shardis_names, "ok" in servers))
    finally:
        for srv in servers.values():
            srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
