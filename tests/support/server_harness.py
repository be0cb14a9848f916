"""Start and stop servers for black-box tests and benchmarks.

Contract:
  * Servers listen on 127.0.0.1 only, on a port picked here, and run in the
    foreground as children of this process. Nothing is written outside a
    private temporary directory that is removed on stop.
  * Every server started through this module is stopped by pid (SIGTERM, a
    bounded wait, then SIGKILL), including when the test fails, raises, or is
    itself sent SIGTERM/SIGINT (e.g. by the meson test timeout). As a last
    resort children get PR_SET_PDEATHSIG so they die with the process that
    started them. Start servers from the main thread: the death signal fires
    when the *thread* that forked them exits.
  * Every wait is bounded in time.

Typical use in a test script:

    parser = argparse.ArgumentParser()
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    with server_harness.server_from_args(args) as srv:
        ... connect to srv.port ...
"""

import atexit
import ctypes
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

import resp_wire

HOST = "127.0.0.1"

# Ports are picked below the kernel's ephemeral range, so a port chosen here
# is never taken meanwhile as the local end of some client connection.
_PORT_LOW = 10000

_live_servers = []
_handlers_installed = False


def rss_kib(pid):
    """Resident set size of a process in KiB (VmRSS), or -1 if it cannot be read."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def raise_fd_limit(wanted=16384):
    """Raises RLIMIT_NOFILE (soft, and hard when allowed) toward `wanted`.
    Children started afterwards inherit it. Returns the soft limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= wanted:
        return soft
    if hard == resource.RLIM_INFINITY or hard >= wanted:
        target = (wanted, hard)
    else:
        target = (wanted, wanted)  # raising the hard limit needs privileges
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, target)
    except (ValueError, OSError):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _ephemeral_low():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port(attempts=200):
    """Returns a port on 127.0.0.1 that nothing listens on right now."""
    high = min(_ephemeral_low(), 65536)
    if high - _PORT_LOW < 1000:
        # Unusual ephemeral range: let the kernel choose.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((HOST, 0))
            return probe.getsockname()[1]
    rng = random.Random(os.getpid() ^ time.monotonic_ns())
    for _ in range(attempts):
        port = rng.randrange(_PORT_LOW, high)
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            probe.bind((HOST, port))
            return port
        except OSError:
            continue
        finally:
            probe.close()
    raise RuntimeError("no free port found in %d attempts" % attempts)


def _on_signal(signum, _frame):
    # Turn a termination request into an exception so `with` blocks and
    # `finally` clauses stop the servers before the interpreter exits.
    raise SystemExit("terminated by signal %d" % signum)


def _install_handlers():
    global _handlers_installed
    if _handlers_installed or threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    atexit.register(stop_all)
    _handlers_installed = True


try:
    _libc = ctypes.CDLL(None, use_errno=True)  # loaded here, not in the forked child
except OSError:
    _libc = None


def _die_with_parent():
    # Runs in the child between fork and exec.
    if _libc is not None:
        PR_SET_PDEATHSIG = 1
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def stop_all():
    for srv in list(_live_servers):
        srv.stop()


class ServerStartError(RuntimeError):
    pass


class ServerProcess:
    """One server child process. Use as a context manager, or call start()
    and stop() yourself (stop() is idempotent)."""

    def __init__(self, name, argv_for_port, port=None, wrapper=(), check_exit=True,
                 ready_timeout=15.0, stop_timeout=10.0, env=None, ready_reply=b"+PONG\r\n"):
        # argv_for_port(port, workdir) -> argv; called again if a retry needs a new port.
        self.name = name
        self._argv_for_port = argv_for_port
        self._fixed_port = port
        self.wrapper = list(wrapper)
        self.check_exit = check_exit
        self.ready_timeout = ready_timeout
        self.stop_timeout = stop_timeout
        self.env = env
        self.ready_reply = ready_reply
        self.port = None
        self.proc = None
        self.argv = None
        self.returncode = None
        self.workdir = None
        self._log = None
        self._saved_log = b""

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        died_early = self.proc is not None and not self.alive()
        rc = self.stop()
        if died_early or (exc_type is not None and rc != 0):
            # Make a crash visible even when the test itself failed first.
            print("%s (pid %s) %s with status %s\n%s"
                  % (self.name, self.pid, "died during the test" if died_early else "exited",
                     rc, self.log_tail()), flush=True)
        if exc_type is None and self.check_exit and rc != 0:
            if died_early:
                raise RuntimeError("%s died during the test (status %s)" % (self.name, rc))
            raise RuntimeError("%s exited with status %s after SIGTERM (expected 0)\n%s"
                               % (self.name, rc, self.log_tail()))
        return False

    def start(self):
        _install_handlers()
        raise_fd_limit()
        self.workdir = tempfile.mkdtemp(prefix="shardis-test-")
        attempts = 1 if self._fixed_port else 3
        last_error = None
        for _ in range(attempts):
            self.port = self._fixed_port or free_port()
            self.argv = self.wrapper + list(self._argv_for_port(self.port, self.workdir))
            log_path = os.path.join(self.workdir, "server.log")
            self._log = open(log_path, "w+b")
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=self._log,
                                         stderr=subprocess.STDOUT, cwd=self.workdir,
                                         env=self.env, preexec_fn=_die_with_parent)
            _live_servers.append(self)
            try:
                self._wait_ready()
                return self
            except ServerStartError as err:
                last_error = err
                exited_on_its_own = self.proc.poll() is not None
                self.stop()
                if not exited_on_its_own or self._fixed_port:
                    break
                # Most likely lost a race for the port: try again on another
                # one, in a fresh directory (stop() removed the old one).
                self.workdir = tempfile.mkdtemp(prefix="shardis-test-")
        self._cleanup_workdir()
        raise last_error

    def _wait_ready(self):
        deadline = time.monotonic() + self.ready_timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerStartError("%s exited with status %s before accepting clients: %s\n%s"
                                       % (self.name, self.proc.returncode, " ".join(self.argv),
                                          self.log_tail()))
            try:
                with socket.create_connection((HOST, self.port), timeout=1.0) as sock:
                    sock.sendall(b"*1\r\n$4\r\nPING\r\n")
                    got = b""
                    while len(got) < len(self.ready_reply):
                        chunk = sock.recv(64)
                        if not chunk:
                            break
                        got += chunk
                    if got.startswith(self.ready_reply):
                        return
                    last = "unexpected reply to PING: %r" % got
            except OSError as err:
                last = str(err)
            time.sleep(0.02)
        raise ServerStartError("%s did not answer PING on port %d within %.0f s (%s)\n%s"
                               % (self.name, self.port, self.ready_timeout, last, self.log_tail()))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM, bounded wait, then SIGKILL. Returns the exit status
        (negative: killed by that signal)."""
        if self.proc is None:
            return self.returncode
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                sys.stderr.write("%s (pid %d) ignored SIGTERM for %.0f s; sending SIGKILL\n"
                                 % (self.name, self.proc.pid, self.stop_timeout))
                self.proc.kill()
                self.proc.wait(timeout=self.stop_timeout)
        self.returncode = self.proc.returncode
        if self in _live_servers:
            _live_servers.remove(self)
        self._saved_log = self._read_log()
        self._cleanup_workdir()
        return self.returncode

    def _read_log(self):
        if self._log is None:
            return b""
        try:
            self._log.flush()
            self._log.seek(0)
            data = self._log.read()
            self._log.close()
        except (OSError, ValueError):
            data = b""
        self._log = None
        return data

    def _cleanup_workdir(self):
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def log_text(self):
        if self._log is not None:
            try:
                self._log.flush()
                with open(self._log.name, "rb") as f:
                    return f.read().decode("utf-8", "replace")
            except OSError:
                return ""
        return self._saved_log.decode("utf-8", "replace")

    def log_tail(self, lines=30):
        text = self.log_text().splitlines()
        if not text:
            return "(%s wrote nothing to stdout/stderr)" % self.name
        return "--- last lines of %s output ---\n%s" % (self.name, "\n".join(text[-lines:]))

    def cpu_seconds(self):
        """utime + stime of the whole process so far, from /proc/PID/stat."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            stat = f.read()
        # Fields after the parenthesised command name; utime and stime are
        # fields 14 and 15 of the full line.
        fields = stat[stat.rindex(")") + 2:].split()
        ticks = int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")


def shardis(binary, cores=1, port=None, extra_args=(), **kwargs):
    """A Shardis server (or the bench +OK server, which takes the same flags)."""
    binary = os.path.abspath(binary)
    if not os.access(binary, os.X_OK):
        raise ServerStartError("server binary %s does not exist or is not executable" % binary)

    def argv(p, workdir):
        # Snapshots go to the private directory; no saving unless the caller asks for it (as
        # redis() passes --save "").
        persist = ["--dir", workdir]
        if "--dir" in extra_args:
            persist = []
        if "--save" not in extra_args:
            persist += ["--save", ""]
        return ([binary, "--port", str(p), "--bind", HOST, "--cores", str(cores)] + persist +
                list(extra_args))

    name = "%s --cores %d" % (os.path.basename(binary), cores)
    if os.environ.get("SHARDIS_TEST_ONE_CPU") and shutil.which("taskset"):
        # The whole server on one CPU of the allowed set: more shards than CPUs, so one event
        # loop thread drives them all (docs/event-loop.md).
        cpu = min(os.sched_getaffinity(0))
        kwargs["wrapper"] = ["taskset", "-c", str(cpu)] + list(kwargs.get("wrapper", ()))
        name += " on CPU %d" % cpu
    return ServerProcess(name, argv, port=port, **kwargs)


def ok_server(binary, cores=1, port=None, extra_args=(), **kwargs):
    """The bench +OK server: same flags as shardis-server, answers +OK to everything."""
    return shardis(binary, cores=cores, port=port, extra_args=extra_args,
                   ready_reply=b"+OK\r\n", **kwargs)


def redis(binary="redis-server", port=None, extra_args=(), **kwargs):
    """A real redis-server: foreground, no persistence, private directory."""
    resolved = shutil.which(binary)
    if resolved is None:
        raise ServerStartError("%s not found on PATH" % binary)

    def argv(p, workdir):
        return [resolved, "--port", str(p), "--bind", HOST, "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--supervised", "no", "--dir", workdir, "--logfile", "",
                "--dbfilename", "unused.rdb", "--pidfile", os.path.join(workdir, "redis.pid"),
                "--protected-mode", "yes", "--maxclients", "10000"] + list(extra_args)

    return ServerProcess("redis-server", argv, port=port, **kwargs)


def bench_cases(args, wrapper=()):
    """The servers a side-by-side benchmark runs, in order, as [(name, factory)]: redis-server
    (args.redis_server) unless args.no_redis, then Shardis (args.server, args.cores,
    args.shardis_arg) if that binary exists. Each factory starts the server as a context
    manager, with `wrapper` (e.g. a taskset command) in front of it."""
    cases = []
    if not args.no_redis:
        cases.append(("redis-server", lambda: redis(binary=args.redis_server, wrapper=wrapper)))
    if os.access(args.server, os.X_OK):
        cases.append(("shardis", lambda: shardis(args.server, cores=args.cores,
                                                 extra_args=args.shardis_arg, wrapper=wrapper)))
    else:
        sys.stderr.write("note: %s not found; Shardis skipped\n" % args.server)
    return cases


def add_server_args(parser, default_cores=1):
    parser.add_argument("--server", default="redis",
                        help="path to shardis-server, or 'redis' to test redis-server itself")
    parser.add_argument("--cores", type=int, default=default_cores,
                        help="--cores passed to shardis-server (ignored for redis)")
    parser.add_argument("--redis-server", default="redis-server",
                        help="reference redis-server binary (for differential checks)")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="extra argument for shardis-server (repeatable)")


def server_from_args(args, **kwargs):
    """The server under test chosen by --server/--cores."""
    if args.server in ("redis", "redis-server"):
        return redis(binary=args.redis_server, **kwargs)
    return shardis(args.server, cores=args.cores, extra_args=args.server_arg, **kwargs)


def reference_from_args(args, **kwargs):
    return redis(binary=args.redis_server, **kwargs)


def describe(args):
    if args.server in ("redis", "redis-server"):
        return "redis-server"
    return " ".join(["%s --cores %d" % (os.path.basename(args.server), args.cores)] + args.server_arg)


def key_shards(port):
    """(shards, {key: shard}) for every key of database 0 of the server at port: its shard count
    (INFO server "shards:", 1 for redis-server) and where each key lives. One SCAN call scans
    the one shard its cursor names, cursor % shards (include/shardis/server/families/
    keyspace_scan.h), so a full scan tells the shards apart without knowing the routing."""
    with resp_wire.Conn(port) as conn:
        info = bytes(resp_wire.decode(conn.call_raw(b"INFO", b"server")))
        fields = dict(line.split(b":", 1) for line in info.splitlines() if b":" in line)
        shards = int(fields.get(b"shards", b"1").strip())
        owners = {}
        cursor = 0
        while True:
            next_cursor, keys = conn.call(b"SCAN", str(cursor), b"COUNT", b"1000")
            for key in keys:
                owners[bytes(key)] = cursor % shards
            cursor = int(next_cursor)
            if cursor == 0:
                return shards, owners


class Checker:
    """Collects check results; prints each one so a test log shows what was verified."""

    def __init__(self, title):
        self.title = title
        self.failures = []
        self.passed = 0
        print("== %s" % title, flush=True)

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print("  ok   %s" % what, flush=True)
        else:
            self.failures.append(what)
            print("  FAIL %s%s" % (what, ("\n       " + detail) if detail else ""), flush=True)
        return ok

    def section(self, title, fn, *args):
        """Runs fn(*args); an exception becomes one failed check (with the
        innermost frames) instead of ending the script, so later sections
        still run and the servers are still stopped cleanly."""
        try:
            fn(*args)
        except Exception as err:
            frames = traceback.format_exc().strip().splitlines()[-6:]
            self.check(False, "%s raised %s: %s" % (title, type(err).__name__, err),
                       "\n       ".join(frames))

    def finish(self):
        """Exit status for the script: 0 if every check passed."""
        if self.failures:
            print("%s: %d check(s) failed, %d passed" % (self.title, len(self.failures),
                                                         self.passed), flush=True)
            return 1
        if self.passed == 0:
            print("%s: no checks ran" % self.title, flush=True)
            return 1
        print("%s: all %d checks passed" % (self.title, self.passed), flush=True)
        return 0
