"""Shared parts of bench/coordination_bench.py: process accounting (CPU, context switches,
RSS), starting the servers, running redis-benchmark, forked load generators and their pipes,
the MULTI/EXEC load generator, and result helpers.

Contract: every server started here is stopped by the caller's `running()` block, by pid; every
socket has a timeout; progress goes to stderr (`log`), tables to stdout (`out`).
"""

import contextlib
import csv
import io
import json
import os
import select
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))

import resp_wire  # noqa: E402
import server_harness  # noqa: E402

HOST = server_harness.HOST
CASES = ("cross-shard", "publish-fanout", "blocked-memory", "hop-overhead", "sharing")
BENCH_TIMEOUT = 900
KEYSPACE = 100000
CHANNEL = b"fanout"
PAYLOAD = b"m" * 16


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def out(line=""):
    print(line, flush=True)


def pinned(cpu, argv):
    if cpu is None:
        return list(argv)
    return ["taskset", "-c", str(cpu)] + list(argv)


# ---------------------------------------------------------------- process accounting

def cpu_seconds(pid):
    """utime + stime of the whole process (all threads) so far, from /proc/PID/stat."""
    with open("/proc/%d/stat" % pid) as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ctx_switches(pid):
    """Voluntary + nonvoluntary context switches summed over the threads of pid."""
    total = 0
    task_dir = "/proc/%d/task" % pid
    for tid in os.listdir(task_dir):
        try:
            with open(os.path.join(task_dir, tid, "status")) as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches:",
                                        "nonvoluntary_ctxt_switches:")):
                        total += int(line.split()[1])
        except OSError:
            pass  # the thread ended meanwhile
    return total


def rss_kib(pid):
    kib = server_harness.rss_kib(pid)
    if kib < 0:
        raise RuntimeError("no VmRSS for pid %d" % pid)
    return kib


def raise_nofile(wanted):
    got = server_harness.raise_fd_limit(wanted)
    if got < wanted:
        log("note: RLIMIT_NOFILE is %d (wanted %d); raise the hard limit for the full counts"
            % (got, wanted))
    return got


# ---------------------------------------------------------------- servers

def redis_server(args, maxclients=10100, wrapper=()):
    return server_harness.redis(binary=args.redis, wrapper=wrapper,
                                extra_args=["--maxclients", str(maxclients)])


def shardis_server(args, cores, wrapper=()):
    """shardis-server --cores N, or with cores=None without the flag (its default)."""
    if cores is not None:
        return server_harness.shardis(args.server, cores=cores, wrapper=wrapper)
    binary = os.path.abspath(args.server)
    if not os.access(binary, os.X_OK):
        raise server_harness.ServerStartError("%s is not executable" % binary)
    return server_harness.ServerProcess(
        "%s (default cores)" % os.path.basename(binary),
        lambda p, _w: [binary, "--port", str(p), "--bind", HOST], wrapper=wrapper)


@contextlib.contextmanager
def running(factories):
    """Starts [(name, factory)] in order; yields {name: server}; stops every one started, by
    pid, however the block ends."""
    servers = {}
    try:
        for name, make in factories:
            srv = make()
            servers[name] = srv
            srv.start()
            log("started %s: pid %d, port %d" % (name, srv.pid, srv.port))
        yield servers
        for name, srv in servers.items():
            if not srv.alive():
                raise RuntimeError("%s died during the case\n%s" % (name, srv.log_tail()))
    finally:
        for srv in servers.values():
            srv.stop()


def shard_count(port):
    with resp_wire.Conn(port) as conn:
        info = bytes(resp_wire.decode(conn.call_raw(b"INFO", b"server")))
    fields = dict(line.split(b":", 1) for line in info.splitlines() if b":" in line)
    return int(fields.get(b"shards", b"1").strip())


def command_line(srv):
    """The server's argv with its port shown as PORT."""
    argv = list(srv.argv)
    for i, a in enumerate(argv[:-1]):
        if a == "--port":
            argv[i + 1] = "PORT"
        if a == "--dir" or a == "--pidfile":
            argv[i + 1] = "TMPDIR" + ("/redis.pid" if a == "--pidfile" else "")
    return " ".join(("'%s'" % a) if (a == "" or " " in a) else a for a in argv)


def print_servers(servers):
    out("Servers (each on 127.0.0.1, PORT a free port):")
    out()
    out("```")
    for srv in servers.values():
        out(command_line(srv))
    out("```")


# ---------------------------------------------------------------- redis-benchmark

def bench_argv(port, clients, requests, bench_args, cpu):
    return pinned(cpu, ["redis-benchmark", "-h", HOST, "-p", str(port), "-c", str(clients),
                        "-n", str(requests), "--csv"] + list(bench_args))


def bench_template(clients, requests, bench_args, cpu):
    return " ".join(bench_argv("PORT", clients, requests, bench_args, cpu))


def redis_benchmark(srv, clients, requests, bench_args, cpu=None):
    """One redis-benchmark run; returns rps, p50 and the server's CPU and context switches per
    request over the run."""
    argv = bench_argv(srv.port, clients, requests, bench_args, cpu)
    cpu0, ctx0 = cpu_seconds(srv.pid), ctx_switches(srv.pid)
    started = time.monotonic()
    run = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                         timeout=BENCH_TIMEOUT)
    elapsed = time.monotonic() - started
    cpu1, ctx1 = cpu_seconds(srv.pid), ctx_switches(srv.pid)
    if run.returncode != 0:
        raise RuntimeError("redis-benchmark failed (%d): %s" % (
            run.returncode, (run.stdout + run.stderr).decode(errors="replace")[-500:]))
    rows = [r for r in csv.DictReader(io.StringIO(run.stdout.decode(errors="replace")))
            if r.get("rps")]
    if not rows:
        raise RuntimeError("no result in redis-benchmark output: %r" % run.stdout[-500:])
    return {
        "rps": float(rows[0]["rps"]),
        "p50": float(rows[0]["p50_latency_ms"]),
        "seconds": elapsed,
        "cpu_us": (cpu1 - cpu0) / requests * 1e6,
        "ctx": (ctx1 - ctx0) / requests,
    }


def probe_rps(srv, clients, bench_args, args, cpu=None):
    """Requests per second of srv in a short unmeasured redis-benchmark run."""
    probe = max(5 * clients, 10000 if args.seconds < 2 else 30000)
    return redis_benchmark(srv, clients, probe, bench_args, cpu)["rps"]


def size_requests(srv, clients, bench_args, args, cpu=None):
    """-n such that the run takes about --seconds on srv (a probe run measures its rate)."""
    rps = probe_rps(srv, clients, bench_args, args, cpu)
    return int(max(10 * clients, min(rps * args.seconds, args.max_requests)))


def ramp_seconds(clients):
    """redis-benchmark opens its connections 64 at a time with a 50 ms pause in between, so
    with -c in the thousands the first seconds of a run have fewer connections."""
    return clients // 64 * 0.05


def sharing_requests(rps, clients, args):
    """-n for a sharing run: --seconds at the probed rate plus the connection ramp; a smoke run
    (--seconds < 2) leaves out the ramp allowance to stay short."""
    seconds = args.seconds + (ramp_seconds(clients) if args.seconds >= 2 else 0)
    return int(max(2 * clients, min(rps * seconds, args.max_requests)))


# ---------------------------------------------------------------- forked helpers

def fork_child(fn, *fn_args):
    """Runs fn(write_fd, *fn_args) in a forked child; returns (pid, read_fd). The child writes
    one line per message to write_fd; an exception becomes a line {"error": ...}."""
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(rfd)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            fn(wfd, *fn_args)
            code = 0
        except BaseException as err:  # noqa: B036 - report anything, then leave
            try:
                os.write(wfd, (json.dumps({"error": "%s: %s" % (type(err).__name__, err)})
                               + "\n").encode())
            except OSError:
                pass
        finally:
            os._exit(code)
    os.close(wfd)
    return pid, rfd


class ChildReader:
    def __init__(self, pid, fd, what):
        self.pid, self.fd, self.what = pid, fd, what
        self.buf = b""

    def message(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError("%s (pid %d): no answer within %.0f s"
                                   % (self.what, self.pid, timeout))
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    raise RuntimeError("%s (pid %d) ended without an answer"
                                       % (self.what, self.pid))
                self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        msg = json.loads(line)
        if "error" in msg:
            raise RuntimeError("%s failed: %s" % (self.what, msg["error"]))
        return msg

    def reap(self, timeout=10.0):
        """Waits for the child by pid; SIGKILL (this child only) if it does not exit."""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                done, _ = os.waitpid(self.pid, os.WNOHANG)
                if done:
                    return
                time.sleep(0.02)
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        finally:
            try:
                os.close(self.fd)
            except OSError:
                pass


def send_msg(fd, obj):
    os.write(fd, (json.dumps(obj) + "\n").encode())


def connect(port, timeout=30.0):
    s = socket.create_connection((HOST, port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise RuntimeError("server closed the connection")
        data += chunk
    return data


# ---------------------------------------------------------------- transaction load generator

def txn_commands(k1, k2):
    return resp_wire.encode_many([(b"MULTI",), (b"INCR", k1), (b"INCR", k2), (b"EXEC",)])


TXN_LINES = 6  # +OK, +QUEUED, +QUEUED, *2, :n, :m


def check_txn(port, k1, k2):
    """One MULTI block on one connection, every reply checked."""
    with resp_wire.Conn(port) as conn:
        conn.send(txn_commands(k1, k2))
        got = [conn.read_value() for _ in range(4)]
    if got[:3] != ["OK", "QUEUED", "QUEUED"] or not (
            isinstance(got[3], list) and len(got[3]) == 2
            and all(isinstance(v, int) for v in got[3])):
        raise RuntimeError("unexpected MULTI/INCR/INCR/EXEC replies: %r" % (got,))


def txn_child(wfd, port, pairs, conns, warmup, seconds, server_pid, cpu):
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    blocks = [txn_commands(k1, k2) for k1, k2 in pairs]
    turn = [0]

    def txns(k):
        """The next k blocks, taking the key pairs in turn."""
        chunk = []
        for _ in range(k):
            chunk.append(blocks[turn[0] % len(blocks)])
            turn[0] += 1
        return b"".join(chunk)
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(conns):
        s = connect(port)
        socks.append(s)
        sel.register(s, selectors.EVENT_READ, [0])
    for s in socks:
        s.sendall(txns(1))
    done = done0 = 0
    t0 = time.monotonic() + warmup
    t_end = t0 + seconds
    marked = False
    cpu0 = ctx0 = start = 0
    while True:
        now = time.monotonic()
        if not marked and now >= t0:
            marked, start, done0 = True, now, done
            cpu0, ctx0 = cpu_seconds(server_pid), ctx_switches(server_pid)
        if now >= t_end:
            break
        for key, _ in sel.select(0.5):
            data = key.fileobj.recv(65536)
            if not data:
                raise RuntimeError("server closed a connection")
            if b"-" in data:
                raise RuntimeError("error reply: %r" % data[:200])
            lines = key.data[0] + data.count(b"\n")
            k = lines // TXN_LINES
            key.data[0] = lines - k * TXN_LINES
            if k:
                done += k
                key.fileobj.sendall(txns(k))
    stop = time.monotonic()
    cpu1, ctx1 = cpu_seconds(server_pid), ctx_switches(server_pid)
    for s in socks:
        s.close()
    n = done - done0
    send_msg(wfd, {"ops": n, "seconds": stop - start, "rps": n / (stop - start),
                   "cpu_us": (cpu1 - cpu0) / max(n, 1) * 1e6, "ctx": (ctx1 - ctx0) / max(n, 1)})


def txn_load(srv, pairs, args, cpu=None):
    """MULTI/INCR/INCR/EXEC load over the (k1, k2) key pairs, taken in turn."""
    check_txn(srv.port, *pairs[0])
    child = ChildReader(*fork_child(txn_child, srv.port, pairs, args.txn_connections,
                                    args.warmup, args.seconds, srv.pid, cpu),
                        what="transaction load generator")
    try:
        return child.message(args.warmup + args.seconds + 60)
    finally:
        child.reap()


# ---------------------------------------------------------------- result helpers

def median_of(results):
    """Per-figure median of a list of result dicts (one per round)."""
    if len(results) == 1:
        return results[0]
    merged = {}
    for key in results[0]:
        values = [r[key] for r in results if isinstance(r.get(key), (int, float))]
        if len(values) < len(results) or len(set(values)) == 1:
            merged[key] = results[0][key]  # not a number, or the same in every round
        else:
            merged[key] = statistics.median(values)
    return merged


def ratio(a, b):
    if a is None or b is None or not b:
        return "n/a"
    return "%.2fx" % (a / b)


def order_for(names, rnd):
    return list(names) if rnd % 2 == 0 else list(reversed(names))
