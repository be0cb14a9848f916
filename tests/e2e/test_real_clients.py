"""Real client programs against the server: redis-py (plain calls, pipeline,
MGET), redis-cli in one-shot mode (RESP2 and RESP3), and redis-cli in
interactive mode under a pseudo-terminal, the way a person would use it."""

import argparse
import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

import redis as redis_py

import server_harness

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\r")


def check_redis_py(check, port):
    client = redis_py.Redis(host=server_harness.HOST, port=port, socket_timeout=10,
                            socket_connect_timeout=10)
    try:
        check.check(client.ping() is True, "redis-py: ping()")
        check.check(client.set("rp:k", "v1") is True, "redis-py: set()")
        check.check(client.get("rp:k") == b"v1", "redis-py: get()")
        check.check(client.get("rp:missing") is None, "redis-py: get() of a missing key is None")
        check.check(client.set("rp:k", "v2", nx=True) is None, "redis-py: set(nx=True) on existing")
        check.check(client.set("rp:ttl", "x", ex=1000) is True, "redis-py: set(ex=1000)")
        ttl = client.ttl("rp:ttl")
        check.check(995 <= ttl <= 1000, "redis-py: ttl() == %r" % ttl)
        check.check(client.incr("rp:n") == 1 and client.incrby("rp:n", 41) == 42,
                    "redis-py: incr()/incrby()")
        check.check(client.mset({"rp:a": "1", "rp:b": b"\x00\xff"}) is True, "redis-py: mset()")
        check.check(client.mget(["rp:a", "rp:b", "rp:none"]) == [b"1", b"\x00\xff", None],
                    "redis-py: mget() with a missing key")
        check.check(client.exists("rp:a", "rp:b", "rp:none") == 2, "redis-py: exists()")
        check.check(client.delete("rp:a", "rp:none") == 1, "redis-py: delete()")
        check.check(client.append("rp:k", "+") == 3 and client.strlen("rp:k") == 3,
                    "redis-py: append()/strlen()")
        check.check(client.type("rp:k") == b"string", "redis-py: type()")

        pipe = client.pipeline(transaction=False)
        for i in range(200):
            pipe.set("rp:p:%d" % i, i)
        for i in range(200):
            pipe.get("rp:p:%d" % i)
        pipe.incr("rp:n")
        pipe.mget(["rp:p:%d" % i for i in range(0, 200, 20)])
        out = pipe.execute()
        check.check(out[:200] == [True] * 200, "redis-py: pipeline of 200 SETs")
        check.check(out[200:400] == [str(i).encode() for i in range(200)],
                    "redis-py: pipeline of 200 GETs in order")
        check.check(out[400] == 43, "redis-py: INCR inside the pipeline")
        check.check(out[401] == [str(i).encode() for i in range(0, 200, 20)],
                    "redis-py: MGET inside the pipeline")
        try:
            client.execute_command("GET")
            check.check(False, "redis-py: arity error raises ResponseError")
        except redis_py.ResponseError as err:
            check.check("wrong number of arguments" in str(err),
                        "redis-py: arity error raises ResponseError (%s)" % err)
        # A second client object sees the first one's writes.
        other = redis_py.Redis(host=server_harness.HOST, port=port, socket_timeout=10, db=0)
        check.check(other.get("rp:n") == b"43", "redis-py: second connection sees the writes")
        other.close()
        db1 = redis_py.Redis(host=server_harness.HOST, port=port, socket_timeout=10, db=1)
        check.check(db1.get("rp:n") is None and db1.set("rp:n", "db1") is True
                    and client.get("rp:n") == b"43", "redis-py: db=1 is a separate keyspace")
        db1.close()
    finally:
        client.close()


def run_cli(port, *args, timeout=15):
    return subprocess.run(["redis-cli", "-h", server_harness.HOST, "-p", str(port)] + list(args),
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)


def check_cli_oneshot(check, port):
    r = run_cli(port, "SET", "cli:k", "hello world")
    check.check(r.returncode == 0 and r.stdout == b"OK\n", "redis-cli SET -> %r" % r.stdout)
    r = run_cli(port, "GET", "cli:k")
    check.check(r.returncode == 0 and r.stdout == b"hello world\n", "redis-cli GET -> %r" % r.stdout)
    r = run_cli(port, "GET", "cli:missing")
    check.check(r.returncode == 0 and r.stdout == b"\n", "redis-cli GET missing -> %r" % r.stdout)
    r = run_cli(port, "INCR", "cli:n")
    check.check(r.returncode == 0 and r.stdout == b"1\n", "redis-cli INCR -> %r" % r.stdout)
    r = run_cli(port, "MGET", "cli:k", "cli:missing", "cli:n")
    check.check(r.stdout == b"hello world\n\n1\n", "redis-cli MGET -> %r" % r.stdout)
    r = run_cli(port, "--no-raw", "MGET", "cli:k", "cli:missing")
    check.check(r.stdout == b'1) "hello world"\n2) (nil)\n', "redis-cli --no-raw MGET -> %r" % r.stdout)
    r = run_cli(port, "NOSUCHCOMMAND", "x")
    check.check(b"unknown command" in r.stdout + r.stderr,
                "redis-cli unknown command -> %r" % (r.stdout + r.stderr))
    r = run_cli(port, "-3", "GET", "cli:k")
    check.check(r.returncode == 0 and r.stdout == b"hello world\n",
                "redis-cli -3 (RESP3) GET -> %r" % r.stdout)
    r = run_cli(port, "-3", "--no-raw", "GET", "cli:missing")
    check.check(r.returncode == 0 and r.stdout == b"(nil)\n",
                "redis-cli -3 --no-raw GET missing -> %r" % r.stdout)
    r = subprocess.run(["redis-cli", "-h", server_harness.HOST, "-p", str(port)],
                       input=b"SET cli:s piped\nGET cli:s\nDBSIZE\n", capture_output=True,
                       timeout=15)
    check.check(r.returncode == 0 and r.stdout.startswith(b"OK\npiped\n"),
                "redis-cli with commands on stdin -> %r" % r.stdout)


class Terminal:
    """redis-cli running on a pseudo-terminal, so it starts interactive."""

    def __init__(self, port):
        master, slave = pty.openpty()
        # A real window size: otherwise the line editor asks the terminal
        # for the cursor position and waits for an answer.
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
        env = dict(os.environ, TERM="xterm", REDISCLI_HISTFILE="/dev/null",
                   REDISCLI_RCFILE="/dev/null", HOME=os.environ.get("HOME", "/tmp"))
        self.proc = subprocess.Popen(["redis-cli", "-h", server_harness.HOST, "-p", str(port)],
                                     stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.master = master
        self.output = b""

    def read_until(self, pattern, timeout=10.0):
        """Reads until the ANSI-stripped output matches `pattern` (bytes regex)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.clean())
            if match:
                return match
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    data = os.read(self.master, 4096)
                except OSError:  # EIO: the other side is gone
                    break
                if not data:
                    break
                self.output += data
        return re.search(pattern, self.clean())

    def clean(self):
        return ANSI.sub(b"", self.output)

    def type_line(self, line):
        for ch in line.encode() + b"\r":
            os.write(self.master, bytes([ch]))
            time.sleep(0.002)

    def close(self):
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        os.close(self.master)


def check_cli_interactive(check, port):
    term = Terminal(port)
    prompt = rb"127\.0\.0\.1:%d> " % port

    def run(line, expected, what):
        # Type only once the prompt is back: the line editor discards input
        # that arrives while it switches the terminal mode between commands.
        mark = len(term.clean())
        term.type_line(line)
        found = term.read_until(expected + rb"[\s\S]*" + prompt + rb"\Z")
        check.check(found is not None, what, repr(term.clean()[mark:][-300:]))

    try:
        check.check(term.read_until(prompt + rb"\Z") is not None,
                    "interactive redis-cli shows its prompt", repr(term.clean()[-300:]))
        run('SET tty:k "typed value"', rb"\nOK\n", "typed SET prints OK")
        run("GET tty:k", rb'\n"typed value"\n', 'typed GET prints "typed value"')
        run("INCR tty:n", rb"\n\(integer\) 1\n", "typed INCR prints (integer) 1")
        run("GET tty:missing", rb"\n\(nil\)\n", "typed GET of a missing key prints (nil)")
        run("get", rb"\n\(error\) ERR wrong number of arguments for 'get' command\n",
            "typed arity error prints (error) ERR wrong number of arguments")
        run("mget tty:k tty:missing", rb'\n1\) "typed value"\n2\) \(nil\)\n',
            "typed MGET prints a numbered list")
        term.type_line("quit")
        deadline = time.monotonic() + 10
        while term.proc.poll() is None and time.monotonic() < deadline:
            term.read_until(rb"\Z\A", timeout=0.2)  # drain output while waiting
        check.check(term.proc.poll() == 0, "redis-cli exits with status 0 after quit (got %r)"
                    % term.proc.poll())
    finally:
        term.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    check = server_harness.Checker("real clients: %s" % server_harness.describe(args))
    with server_harness.server_from_args(args) as srv:
        check.section("redis-py", check_redis_py, check, srv.port)
        check.section("redis-cli one-shot", check_cli_oneshot, check, srv.port)
        check.section("redis-cli interactive", check_cli_interactive, check, srv.port)
        check.check(srv.alive(), "server still running")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
