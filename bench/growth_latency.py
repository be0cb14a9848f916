#!/usr/bin/python3
"""SET latency while the keyspace grows from 0 to N keys: redis-server and Shardis.

The servers run one after the other, each started fresh (empty). For each one:

  * a loader (a child process of this script, forked, one connection) writes
    N new, distinct keys b"key:%012d" 0..N-1 with pipelined SETs: batches of
    --batch commands, two batches in flight, every reply checked. This is what
    grows the table. (redis-benchmark is not used for loading: its -r picks
    random keys with repeats, so it never reaches exactly N distinct keys.)
  * a probe (this process, a second connection) meanwhile sends one SET at a
    time with its own new keys (b"prb:%012d") and times each round trip with
    time.perf_counter_ns(); it waits --probe-interval-us between requests so
    that it does not take the client CPU away from the loader. Every sample is
    tagged with the key count the loader had reached when it was sent.

A probe request queues behind whatever the loader has in the server's input
at that moment, so these are latencies under write load; a stall in the
server (a blocking rehash, a big allocation) shows as p99.9/max, and the
per-decile table shows at which table size it happens.

At the end DBSIZE must equal N + the number of probe samples (otherwise the
exit status is 1). With --pin the server runs under `taskset -c
--server-cpu` (default 0) and the loader and probe on --client-cpu (default 1).
See bench/README.md.
"""

import argparse
import array
import math
import multiprocessing
import os
import shutil
import socket
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))

import resp_wire  # noqa: E402
import server_harness  # noqa: E402

IO_TIMEOUT = 60.0
PERCENTILES = (("p50", 0.50), ("p99", 0.99), ("p99.9", 0.999))
IN_FLIGHT = 2  # loader batches sent before the first one is acknowledged


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def make_value(size):
    alphabet = b"abcdefghijklmnopqrstuvwxyz"
    return (alphabet * (size // len(alphabet) + 1))[:size]


def set_pattern(prefix, key_size, value):
    """printf pattern for `SET <prefix><zero-padded number> <value>` in RESP."""
    width = key_size - len(prefix)
    fmt = prefix.replace(b"%", b"%%") + b"%0" + str(width).encode() + b"d"
    tail = b"\r\n$%d\r\n%s\r\n" % (len(value), value)
    return b"*3\r\n$3\r\nSET\r\n$%d\r\n" % key_size + fmt + tail.replace(b"%", b"%%")


def connect(port):
    sock = socket.create_connection((server_harness.HOST, port), timeout=IO_TIMEOUT)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def lower_priority(sched, nice):
    """Makes the calling process yield the CPU to the probe. SCHED_IDLE runs it
    only when nothing else on that CPU is runnable, so a probe whose reply has
    arrived is never kept waiting for the rest of the loader's time slice."""
    if sched == "idle":
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
            return "SCHED_IDLE"
        except (AttributeError, OSError):
            nice = max(nice, 19)
    if nice:
        os.nice(nice)
    return "nice +%d" % nice


def loader_main(port, keys, batch, pattern, sched, nice, progress):
    """Child process: SET keys 0..keys-1, publishing the acknowledged count in `progress`."""
    try:
        lower_priority(sched, nice)
        sock = connect(port)
        reply = b"+OK\r\n"
        buf = bytearray()
        pending = []
        done = 0

        def drain_one():
            nonlocal done
            n = pending.pop(0)
            want = len(reply) * n
            while len(buf) < want:
                chunk = sock.recv(1 << 20)
                if not chunk:
                    raise RuntimeError("server closed the loader connection")
                buf.extend(chunk)
            if buf[:want] != reply * n:
                raise RuntimeError("unexpected reply to SET: %r"
                                   % bytes(buf[:want]).replace(reply, b"")[:200])
            del buf[:want]
            done += n
            progress.value = done

        for start in range(0, keys, batch):
            end = min(start + batch, keys)
            sock.sendall(b"".join([pattern % i for i in range(start, end)]))
            pending.append(end - start)
            if len(pending) >= IN_FLIGHT:
                drain_one()
        while pending:
            drain_one()
        sock.close()
    except SystemExit:  # SIGTERM/SIGINT from the parent: the parent reports it
        os._exit(1)
    except BaseException:  # report, then let multiprocessing exit non-zero
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)


def run_probe(port, pattern, interval_s, progress, loader):
    """Sends single SETs until the loader is done. Returns (latencies_ns, key_counts)."""
    latencies = array.array("q")
    key_counts = array.array("q")
    sock = connect(port)
    reply = b"+OK\r\n"
    clock = time.perf_counter_ns
    i = 0
    try:
        while loader.is_alive():
            cmd = pattern % i
            keys_now = progress.value + i
            t0 = clock()
            sock.sendall(cmd)
            got = sock.recv(64)
            while len(got) < len(reply) and got:
                got += sock.recv(64)
            t1 = clock()
            if got != reply:
                raise RuntimeError("unexpected reply to probe SET: %r" % got[:200])
            latencies.append(t1 - t0)
            key_counts.append(keys_now)
            i += 1
            if interval_s:
                time.sleep(interval_s)
    finally:
        sock.close()
    return latencies, key_counts


def percentile(sorted_values, q):
    """Nearest-rank percentile of an already sorted sequence."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarize(latencies_ns):
    values = sorted(latencies_ns)
    out = {"samples": len(values)}
    for name, q in PERCENTILES:
        out[name] = percentile(values, q) / 1000.0
    out["max"] = (values[-1] / 1000.0) if values else float("nan")
    return out


def measure(server, args, load_pattern, probe_pattern):
    ctx = multiprocessing.get_context("fork")
    with resp_wire.Conn(server.port) as conn:
        initial = conn.call("DBSIZE")
    if initial != 0:
        raise RuntimeError("server is not empty at start: DBSIZE %r" % (initial,))
    progress = ctx.RawValue("q", 0)
    loader = ctx.Process(target=loader_main, name="growth-loader",
                         args=(server.port, args.keys, args.batch, load_pattern, args.loader_sched,
                               args.loader_nice, progress))
    started = time.monotonic()
    loader.start()
    try:
        latencies, key_counts = run_probe(server.port, probe_pattern,
                                          args.probe_interval_us / 1e6, progress, loader)
        loader.join(IO_TIMEOUT)
    finally:
        if loader.is_alive():
            loader.terminate()  # only on error or interruption; by pid, our own child
            loader.join(10)
    seconds = time.monotonic() - started
    if loader.exitcode != 0:
        raise RuntimeError("loader failed (exit status %s), see above" % loader.exitcode)
    with resp_wire.Conn(server.port) as conn:
        final = conn.call("DBSIZE")
    result = summarize(latencies)
    result.update({
        "seconds": seconds,
        "dbsize": final,
        "expected": args.keys + len(latencies),
        "rss_mib": server_harness.rss_kib(server.pid) / 1024.0,
        "deciles": [],
    })
    buckets = [array.array("q") for _ in range(10)]
    for lat, k in zip(latencies, key_counts):
        buckets[min(9, k * 10 // args.keys)].append(lat)
    result["deciles"] = [summarize(b) for b in buckets]
    return result


def fmt_us(v):
    return "-" if v != v else "%.1f" % v  # NaN for an empty bucket


def ratio(a, b):
    if a != a or b != b or b <= 0:
        return "-"
    return "%.2fx" % (a / b)


def latency_cells(r):
    return " | ".join(fmt_us(r[name]) for name in ("p50", "p99", "p99.9", "max"))


def summary_table(results):
    out = ["| server | samples | p50 us | p99 us | p99.9 us | max us | load s | keys/s "
           "| final DBSIZE | RSS MiB |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, r in results:
        out.append("| %s | %d | %s | %.1f | %.0f | %s | %.0f |"
                   % (name, r["samples"], latency_cells(r), r["seconds"],
                      r["expected"] / r["seconds"], r["dbsize"], r["rss_mib"]))
    ref = dict(results).get("redis-server")
    if ref:
        for name, r in results:
            if name != "redis-server":
                out.append("| %s / redis |  | %s |  |  |  |  |"
                           % (name, " | ".join(ratio(r[k], ref[k])
                                               for k in ("p50", "p99", "p99.9", "max"))))
    return "\n".join(out)


def decile_table(results, keys):
    out = ["| keys at send | server | samples | p50 us | p99 us | p99.9 us | max us |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for d in range(10):
        label = "%d%%-%d%% (%s-%s)" % (d * 10, d * 10 + 10, human(keys * d // 10),
                                       human(keys * (d + 1) // 10))
        for name, r in results:
            b = r["deciles"][d]
            out.append("| %s | %s | %d | %s |" % (label, name, b["samples"], latency_cells(b)))
            label = ""
    return "\n".join(out)


def human(n):
    for unit, div in (("M", 1000000), ("k", 1000)):
        if n >= div:
            return ("%.1f%s" % (n / div, unit)).replace(".0" + unit, unit)
    return str(n)


def shell_join(argv):
    return " ".join(a if a and " " not in a else '"%s"' % a for a in argv)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.path.join(ROOT, "build", "src", "shardis-server"),
                        help="shardis-server binary (default build/src/shardis-server)")
    parser.add_argument("--redis-server", default="redis-server", help="reference redis-server")
    parser.add_argument("--cores", type=int, default=1, help="--cores for Shardis (default 1)")
    parser.add_argument("--shardis-arg", action="append", default=[],
                        help="extra argument for shardis-server (repeatable)")
    parser.add_argument("--keys", type=int, default=10000000,
                        help="keys the loader writes (default 10000000)")
    parser.add_argument("--quick", action="store_true", help="--keys 1000000")
    parser.add_argument("--key-size", type=int, default=16, help="key length (default 16)")
    parser.add_argument("--value-size", type=int, default=3, help="value length (default 3)")
    parser.add_argument("--batch", type=int, default=500,
                        help="SETs per loader batch; %d batches in flight (default 500)"
                        % IN_FLIGHT)
    parser.add_argument("--probe-interval-us", type=float, default=200.0,
                        help="pause between probe requests (default 200; 0 = back to back)")
    parser.add_argument("--loader-sched", choices=("idle", "normal"), default="idle",
                        help="idle (default): run the loader as SCHED_IDLE so the probe "
                             "preempts it at once on the shared client CPU; normal: plain "
                             "scheduling with --loader-nice")
    parser.add_argument("--loader-nice", type=int, default=0,
                        help="nice increment for the loader with --loader-sched normal")
    parser.add_argument("--pin", action="store_true",
                        help="taskset the server to --server-cpu, loader and probe to "
                             "--client-cpu")
    parser.add_argument("--server-cpu", default="0", help="taskset -c list for the server")
    parser.add_argument("--client-cpu", type=int, default=1)
    parser.add_argument("--no-redis", action="store_true", help="skip redis-server")
    args = parser.parse_args()
    if args.quick:
        args.keys = 1000000
    if args.keys < 10 or args.batch < 1:
        parser.error("--keys must be at least 10 and --batch positive")
    if args.key_size - 4 < len(str(max(args.keys, 10 ** 6))):
        parser.error("--key-size %d is too small for the key and probe numbers" % args.key_size)

    value = make_value(args.value_size)
    load_pattern = set_pattern(b"key:", args.key_size, value)
    probe_pattern = set_pattern(b"prb:", args.key_size, value)

    wrapper = []
    pin_note = "not pinned"
    if args.pin:
        if shutil.which("taskset") is None or (os.cpu_count() or 1) < 2:
            log("note: not pinning (taskset missing or fewer than 2 CPUs)")
        else:
            wrapper = ["taskset", "-c", args.server_cpu]
            os.sched_setaffinity(0, {args.client_cpu})  # inherited by the forked loader
            pin_note = "server on CPU %s, loader and probe on CPU %d" % (args.server_cpu,
                                                                          args.client_cpu)
            if args.cores > 1 and "," not in args.server_cpu and "-" not in args.server_cpu:
                log("note: --cores %d but the server is pinned to one CPU" % args.cores)

    print("Growth latency: %d keys (key %d B, value %d B), Shardis --cores %d%s; %s."
          % (args.keys, args.key_size, args.value_size, args.cores,
             "".join(" " + a for a in args.shardis_arg), pin_note))
    print("loader: forked child of this script, one connection, %s: pipelined %r for "
          "n = 0..%d, %d per batch, %d batches in flight"
          % ("SCHED_IDLE" if args.loader_sched == "idle" else "nice +%d" % args.loader_nice,
             load_pattern.decode().replace("\r\n", " "), args.keys - 1,
             args.batch, IN_FLIGHT))
    print("probe: this process, one connection: %r one at a time, %g us apart, "
          "round trip timed with time.perf_counter_ns"
          % (probe_pattern.decode().replace("\r\n", " "), args.probe_interval_us))
    print("client command: %s" % shell_join([sys.executable] + sys.argv), flush=True)

    cases = server_harness.bench_cases(args, wrapper)
    if not cases:
        log("nothing to run: no redis-server (--no-redis) and no Shardis binary")
        return 2

    results = []
    failed = False
    for name, make in cases:
        with make() as server:
            print("server command: %s" % shell_join(server.argv), flush=True)
            log("%s: growing to %d keys ..." % (name, args.keys))
            r = measure(server, args, load_pattern, probe_pattern)
        log("    %.1f s, %d probe samples, p99 %.1f us, DBSIZE %s"
            % (r["seconds"], r["samples"], r["p99"], r["dbsize"]))
        if r["dbsize"] != r["expected"]:
            print("FAIL: %s final DBSIZE %r, expected %d (%d loaded + %d probe keys)"
                  % (name, r["dbsize"], r["expected"], args.keys, r["samples"]))
            failed = True
        results.append((name, r))

    print()
    print(summary_table(results))
    print()
    print("Latency by key count at send time (loader progress, deciles of %d):\n" % args.keys)
    print(decile_table(results, args.keys))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
