#!/usr/bin/python3
"""Append-only file cost: SET throughput with and without the AOF, and start-up load time from
the AOF, redis-server against Shardis in the same run.

Throughput (skipped with --skip-throughput). For every --clients count and every case below, a
server is started fresh in a directory of its own, runs one redis-benchmark
`-t set -n --requests -c C -r --keyspace -d --data-size --csv`, and is stopped (SIGTERM):
    redis-server  --appendonly no
    redis-server  --appendonly yes --appendfsync everysec
    redis-server  --appendonly yes --appendfsync always
    shardis       --appendonly no
    shardis       --appendonly yes --appendfsync everysec
    shardis       --appendonly yes --appendfsync always
redis-server also gets --auto-aof-rewrite-percentage 0, so no rewrite runs during a case.
The cases run one at a time, redis-server and Shardis alternating per fsync policy, so slow
drift of the machine falls on both alike; nothing is pinned. Per case: ops/s and p50 from
redis-benchmark, server CPU (utime + stime from /proc/PID/stat) per op, and the size of
<dir>/appendonlydir once the server has exited. Then the ratios with their goals:
    Shardis everysec / Shardis no AOF   >= 0.9
    Shardis everysec / redis everysec   >= 1
    Shardis always   / redis always     >= 2

Load (skipped with --skip-load). Each server, started with --appendonly yes --appendfsync
everysec (redis-server also --auto-aof-rewrite-percentage 0) and --save "", gets --load-keys
keys key:%012d with values of --load-value-size bytes through bench/memory_report.py's loader
(pipelined SETs, every reply checked); it is stopped with SIGTERM and started again on the same
directory, timed from the start of the process to its first PONG (redis-server answers
-LOADING until it has loaded, so its first PONG marks the end of the load too). DBSIZE must
then equal --load-keys.

A case whose server does not start (a binary without the AOF flags refuses them) or fails
during its run is shown as failed, with the server's own message, and the others still run;
the exit status is then 1. A missing Shardis binary skips its cases. fsync costs depend on the
file system of the data directories (--tmpdir); it is printed with the tables. Tables go to
stdout, progress to stderr.

  bench/aof_bench.py                                  # -c 50, 1,000,000 keys loaded
  bench/aof_bench.py --clients 50,200 --load-keys 10000000
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import coordination_lib  # noqa: E402
import memory_report  # noqa: E402
import server_harness  # noqa: E402

LOAD_TIMEOUT = 900.0   # start-up on a large AOF, until the first PONG
STOP_TIMEOUT = 120.0   # SIGTERM to exit, after a large load (final write and fsync of the AOF)
AOF_DIRNAME = "appendonlydir"
REDIS_EXTRA = ["--auto-aof-rewrite-percentage", "0"]

# (policy label, server arguments), the same flag names for both servers.
POLICIES = [
    ("no AOF", ["--appendonly", "no"]),
    ("everysec", ["--appendonly", "yes", "--appendfsync", "everysec"]),
    ("always", ["--appendonly", "yes", "--appendfsync", "always"]),
]

GOALS = [
    # (label, (server, policy) numerator, (server, policy) denominator, goal or None)
    ("Shardis everysec / Shardis no AOF", ("shardis", "everysec"), ("shardis", "no AOF"), 0.9),
    ("Shardis everysec / redis everysec", ("shardis", "everysec"), ("redis", "everysec"), 1.0),
    ("Shardis always / redis always", ("shardis", "always"), ("redis", "always"), 2.0),
    ("redis everysec / redis no AOF", ("redis", "everysec"), ("redis", "no AOF"), None),
    ("redis always / redis no AOF", ("redis", "always"), ("redis", "no AOF"), None),
    ("Shardis always / Shardis no AOF", ("shardis", "always"), ("shardis", "no AOF"), None),
]

log = coordination_lib.log


def out(line=""):
    print(line, flush=True)


def dir_bytes(directory):
    """Total size of the regular files under directory, or None if it does not exist."""
    if not os.path.isdir(directory):
        return None
    total = 0
    for parent, _dirs, files in os.walk(directory):
        for name in files:
            try:
                total += os.lstat(os.path.join(parent, name)).st_size
            except OSError:
                pass
    return total


def fs_type(path):
    """File system type of the mount holding path, from /proc/self/mountinfo, or "unknown"."""
    path = os.path.realpath(path)
    best, kind = "", "unknown"
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                left, _, right = line.partition(" - ")
                fields = left.split()
                if len(fields) < 5 or not right:
                    continue
                mount = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4])
                inside = path == mount or path.startswith(mount.rstrip("/") + "/")
                if inside and len(mount) >= len(best):
                    best, kind = mount, right.split()[0]
    except OSError:
        pass
    return kind


def command_line(argv, data_dir):
    """argv with the port shown as PORT, the data directory as DATADIR and the harness's private
    directory as TMPDIR."""
    shown = []
    for i, a in enumerate(argv):
        if i > 0 and argv[i - 1] == "--port":
            a = "PORT"
        a = a.replace(data_dir, "DATADIR")
        a = re.sub(r"\S*/shardis-test-[^/\s]+", "TMPDIR", a)
        shown.append(("'%s'" % a) if (a == "" or " " in a) else a)
    return " ".join(shown)


def first_output_line(srv):
    for line in srv.log_text().splitlines():
        if line.strip():
            return line.strip()
    return ""


def cell(text, limit=90):
    text = text if len(text) <= limit else text[:limit - 3] + "..."
    return text.replace("|", "\\|")


class Servers:
    """Factories for both servers: make(server, policy_args, data_dir, **kwargs) returns an
    unstarted ServerProcess with its data in data_dir."""

    def __init__(self, args):
        self.args = args
        self.names = []
        if not args.no_redis:
            self.names.append("redis")
        if os.access(args.server, os.X_OK):
            self.names.append("shardis")
        else:
            log("note: %s not found; Shardis skipped" % args.server)

    def label(self, name):
        return "redis-server" if name == "redis" else "shardis --cores %d" % self.args.cores

    def make(self, name, policy_args, data_dir, **kwargs):
        if name == "redis":
            # The harness puts its own --dir first; redis-server takes the last one.
            return server_harness.redis(binary=self.args.redis_server,
                                        extra_args=policy_args + REDIS_EXTRA + ["--dir", data_dir],
                                        **kwargs)
        return server_harness.shardis(self.args.server, cores=self.args.cores,
                                      extra_args=["--dir", data_dir] + policy_args
                                      + self.args.shardis_arg, **kwargs)


def start(servers, name, policy_args, data_dir, **kwargs):
    """Starts one server: (server, None) once it answers PING, or (server or None, the reason
    it did not start as one line)."""
    srv = None
    try:
        srv = servers.make(name, policy_args, data_dir, **kwargs)
        srv.start()
        return srv, None
    except server_harness.ServerStartError as err:
        log("%s did not start: %s" % (servers.label(name), err))
        status = srv.returncode if srv is not None else None
        said = first_output_line(srv) if srv is not None else ""
        if status is None:
            return srv, "start failed: %s" % str(err).splitlines()[0]
        return srv, "start failed (status %s)%s" % (status, ": " + said if said else "")


def shown_argv(srv, data_dir):
    return command_line(srv.argv, data_dir) if srv is not None and srv.argv else ""


def failure(err):
    log("".join(traceback.format_exception(type(err), err, err.__traceback__)[-4:]).rstrip())
    return "failed: %s: %s" % (type(err).__name__, str(err).splitlines()[0] if str(err) else "")


# ---------------------------------------------------------------- throughput

def bench_args(args):
    return ["-t", "set", "-r", str(args.keyspace), "-d", str(args.data_size)]


def throughput_case(servers, name, policy_args, clients, args):
    """One fresh server, one redis-benchmark run: {"rps", "p50", "cpu_us", "aof", "argv"} or
    {"error", "argv"}."""
    data_dir = tempfile.mkdtemp(prefix="shardis-aofbench-", dir=args.tmpdir)
    try:
        srv, reason = start(servers, name, policy_args, data_dir)
        if reason is not None:
            return {"error": reason, "argv": shown_argv(srv, data_dir)}
        try:
            result = coordination_lib.redis_benchmark(srv, clients, args.requests,
                                                      bench_args(args))
            if not srv.alive():
                raise RuntimeError("%s died during the run\n%s" % (srv.name, srv.log_tail()))
        except Exception as err:
            srv.stop()
            return {"error": failure(err), "argv": command_line(srv.argv, data_dir)}
        rc = srv.stop()
        if rc != 0:
            log("note: %s exited with status %s after SIGTERM" % (srv.name, rc))
        result["aof"] = dir_bytes(os.path.join(data_dir, AOF_DIRNAME))
        result["argv"] = command_line(srv.argv, data_dir)
        return result
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def mib(n):
    return "-" if n is None else "%.1f" % (n / 2**20)


def ratio_text(a, b):
    return "%.2fx" % (a / b) if a and b else "n/a"


def run_throughput(servers, args):
    """Returns {clients: {(server, policy): result}} and the command lines per case."""
    results = {}
    argvs = {}
    for clients in args.clients:
        results[clients] = {}
        for policy, policy_args in POLICIES:
            for name in servers.names:
                log("SET -c %d: %s, %s ..." % (clients, servers.label(name), policy))
                r = throughput_case(servers, name, policy_args, clients, args)
                results[clients][(name, policy)] = r
                argvs.setdefault((name, policy), r["argv"])
                if "error" in r:
                    log("  %s" % r["error"])
                else:
                    log("  %.0f ops/s, AOF %s MiB" % (r["rps"], mib(r["aof"])))
    return results, argvs


def print_throughput(servers, results, argvs, args):
    failed = False
    for clients, by_case in results.items():
        out("### SET, -c %d -n %d -r %d -d %d" % (clients, args.requests, args.keyspace,
                                                  args.data_size))
        out()
        out("| case | ops/s | p50 ms | server CPU us/op | AOF MiB |")
        out("| --- | ---: | ---: | ---: | ---: |")
        for policy, _ in POLICIES:
            for name in servers.names:
                r = by_case[(name, policy)]
                label = "%s, %s" % (servers.label(name), policy)
                if "error" in r:
                    failed = True
                    out("| %s | %s | | | |" % (label, cell(r["error"])))
                else:
                    out("| %s | %.0f | %.3f | %.2f | %s |" % (label, r["rps"], r["p50"],
                                                              r["cpu_us"], mib(r["aof"])))
        out()
        out("| ratio of ops/s | value | goal |")
        out("| --- | ---: | --- |")
        for label, num, den, goal in GOALS:
            a = by_case.get(num, {}).get("rps")
            b = by_case.get(den, {}).get("rps")
            value = ratio_text(a, b)
            if goal is None:
                verdict = ""
            elif value == "n/a":
                verdict = ">= %.1fx: not measured" % goal
            else:
                verdict = ">= %.1fx: %s" % (goal, "met" if a / b >= goal else "NOT met")
            out("| %s | %s | %s |" % (label, value, verdict))
        out()
    out("Servers (PORT a free port, DATADIR a fresh directory per case):")
    out()
    out("```")
    for policy, _ in POLICIES:
        for name in servers.names:
            if (name, policy) in argvs:
                out(argvs[(name, policy)])
    out("```")
    out()
    out("Load: `%s`" % " ".join(coordination_lib.bench_argv("PORT", "C", args.requests,
                                                             bench_args(args), None)))
    out()
    return failed


# ---------------------------------------------------------------- load

def load_case(servers, name, args, pattern, reply):
    """Writes --load-keys keys with the AOF on, restarts on the same directory and times the
    start-up: {"write", "aof", "load", "keys", "argv"} or {"error", "argv"}."""
    policy_args = dict(POLICIES)["everysec"]
    data_dir = tempfile.mkdtemp(prefix="shardis-aofbench-", dir=args.tmpdir)
    timeouts = {"ready_timeout": LOAD_TIMEOUT, "stop_timeout": STOP_TIMEOUT}
    try:
        srv, reason = start(servers, name, policy_args, data_dir, **timeouts)
        if reason is not None:
            return {"error": reason, "argv": shown_argv(srv, data_dir)}
        argv = command_line(srv.argv, data_dir)
        try:
            log("%s: writing %d keys" % (servers.label(name), args.load_keys))
            t0 = time.monotonic()
            memory_report.load(srv.port, args.load_keys, pattern, reply, args.batch)
            write_s = time.monotonic() - t0
        except Exception as err:
            srv.stop()
            return {"error": failure(err), "argv": argv}
        rc = srv.stop()
        if rc != 0:
            log("note: %s exited with status %s after SIGTERM" % (srv.name, rc))
        aof = dir_bytes(os.path.join(data_dir, AOF_DIRNAME))
        log("%s: restarting on %s" % (servers.label(name), "no %s" % AOF_DIRNAME if aof is None
                                      else "%s MiB of AOF" % mib(aof)))
        t0 = time.monotonic()
        srv, reason = start(servers, name, policy_args, data_dir, **timeouts)
        load_s = time.monotonic() - t0
        if reason is not None:
            return {"error": "restart: " + reason, "argv": argv}
        try:
            keys = memory_report.dbsize(srv.port)
        except Exception as err:
            return {"error": failure(err), "argv": argv}
        finally:
            srv.stop()
        log("%s: write %.2f s, AOF %s MiB, load %.2f s, DBSIZE %d"
            % (servers.label(name), write_s, mib(aof), load_s, keys))
        return {"write": write_s, "aof": aof, "load": load_s, "keys": keys, "argv": argv}
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def run_load(servers, args):
    key_fmt = memory_report.key_format(16, args.load_keys)
    pattern, reply = memory_report.command_pattern(
        key_fmt, 16, memory_report.make_value(args.load_value_size), False)
    return {name: load_case(servers, name, args, pattern, reply) for name in servers.names}


def print_load(servers, results, args):
    failed = False
    out("### Load from the AOF, %d keys of 16 bytes, %d-byte values, appendfsync everysec"
        % (args.load_keys, args.load_value_size))
    out()
    out("| server | write s | AOF MiB | load s | keys/s loaded | DBSIZE |")
    out("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, r in results.items():
        if "error" in r:
            failed = True
            out("| %s | %s | | | | |" % (servers.label(name), cell(r["error"])))
            continue
        if r["keys"] != args.load_keys:
            failed = True
            log("%s: DBSIZE %d after the restart, expected %d" % (servers.label(name), r["keys"],
                                                                  args.load_keys))
        out("| %s | %.2f | %s | %.2f | %.0f | %d%s |"
            % (servers.label(name), r["write"], mib(r["aof"]), r["load"],
               args.load_keys / r["load"], r["keys"],
               "" if r["keys"] == args.load_keys else " (expected %d)" % args.load_keys))
    redis, shardis = results.get("redis", {}), results.get("shardis", {})
    if all(r.get("keys") == args.load_keys for r in (redis, shardis)):
        out("| Shardis / redis | %s | %s | %s | | |"
            % (ratio_text(shardis["write"], redis["write"]),
               ratio_text(shardis["aof"], redis["aof"]),
               ratio_text(shardis["load"], redis["load"])))
    out()
    out("Servers (PORT a free port, DATADIR the directory both starts share):")
    out()
    out("```")
    for r in results.values():
        out(r["argv"])
    out("```")
    out()
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.path.join(ROOT, "build", "src", "shardis-server"),
                        help="shardis-server binary (its cases are skipped if it is missing)")
    parser.add_argument("--redis-server", default="redis-server")
    parser.add_argument("--cores", type=int, default=2, help="--cores for Shardis (default 2)")
    parser.add_argument("--shardis-arg", action="append", default=[],
                        help="extra argument for shardis-server (repeatable)")
    parser.add_argument("--no-redis", action="store_true", help="run the Shardis cases only")
    parser.add_argument("--clients", default=[50],
                        type=lambda s: [int(c) for c in s.split(",") if c],
                        help="comma-separated redis-benchmark -c counts (default 50)")
    parser.add_argument("--requests", type=int, default=200000,
                        help="redis-benchmark -n per case (default 200000)")
    parser.add_argument("--keyspace", type=int, default=1000000,
                        help="redis-benchmark -r (default 1000000)")
    parser.add_argument("--data-size", type=int, default=16,
                        help="redis-benchmark -d (default 16)")
    parser.add_argument("--load-keys", type=int, default=1000000,
                        help="keys written before the restart (default 1000000)")
    parser.add_argument("--load-value-size", type=int, default=3,
                        help="value size of the loaded keys (default 3, as snapshot_bench.py)")
    parser.add_argument("--batch", type=int, default=1000,
                        help="SETs per pipelined batch of the loader (default 1000)")
    parser.add_argument("--tmpdir", default=None,
                        help="parent of the data directories (default: the system's temporary "
                        "directory); its file system sets the cost of fsync")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    if not args.clients:
        parser.error("--clients needs at least one count")
    if not args.skip_throughput and shutil.which("redis-benchmark") is None:
        log("redis-benchmark not found")
        return 2
    server_harness.raise_fd_limit(max(args.clients) * 2 + 1024)

    servers = Servers(args)
    if not servers.names:
        log("no server to run")
        return 2
    parent = args.tmpdir or tempfile.gettempdir()
    kind = fs_type(parent)
    if kind in ("tmpfs", "ramfs"):
        log("note: %s is on %s, where fsync costs nothing; use --tmpdir on a disk" % (parent,
                                                                                      kind))
    failed = False
    throughput = load = None
    if not args.skip_throughput:
        throughput = run_throughput(servers, args)
    if not args.skip_load:
        load = run_load(servers, args)

    out("Data directories under %s (%s), %d CPUs, nothing pinned."
        % (parent, kind, os.cpu_count() or 0))
    out()
    if throughput is not None:
        failed |= print_throughput(servers, *throughput, args)
    if load is not None:
        failed |= print_load(servers, load, args)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
