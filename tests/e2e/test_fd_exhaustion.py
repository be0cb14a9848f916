#!/usr/bin/python3
"""Out of file descriptors: the server keeps serving the clients it has, pauses accepting
instead of spinning on EMFILE, logs it, and accepts again once descriptors are free.

The server runs under `prlimit --nofile=64:64`; the test opens more connections than that.
"""

import argparse
import socket
import sys
import time

import resp_wire
import server_harness

LIMIT = 64
EXTRA = 100  # connections beyond what the descriptor limit allows


def ping(port, timeout):
    with socket.create_connection((server_harness.HOST, port), timeout=timeout) as s:
        s.sendall(b"PING\r\n")
        return s.recv(16)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    if args.server in ("redis", "redis-server"):
        print("skipping: this test is about shardis-server's accept path")
        return 0
    check = server_harness.Checker("descriptor exhaustion: %s" % server_harness.describe(args))
    server_harness.raise_fd_limit(4096)
    wrapper = ["prlimit", "--nofile=%d:%d" % (LIMIT, LIMIT), "--"]
    with server_harness.shardis(args.server, cores=args.cores, extra_args=args.server_arg,
                                wrapper=wrapper) as server:
        first = resp_wire.Conn(server.port)
        check.check(first.call_raw("SET", "k", "v") == b"+OK\r\n", "a client connected before")

        flood = []
        for _ in range(EXTRA):
            flood.append(socket.create_connection((server_harness.HOST, server.port), timeout=5))
        time.sleep(0.5)

        cpu_before = server.cpu_seconds()
        time.sleep(2.0)
        cpu_used = server.cpu_seconds() - cpu_before
        check.check(cpu_used < 0.5, "no spinning while descriptors are exhausted",
                    "%.2f CPU s in 2 s" % cpu_used)
        check.check(first.call_raw("GET", "k") == b"$1\r\nv\r\n",
                    "the existing client is still served")
        check.check("Too many open files" in server.log_text(), "EMFILE is logged",
                    server.log_tail(5))

        for s in flood:
            s.close()
        first.close()
        deadline = time.monotonic() + 10
        reply = b""
        while time.monotonic() < deadline and reply != b"+PONG\r\n":
            try:
                reply = ping(server.port, 2)
            except OSError:
                time.sleep(0.2)
        check.check(reply == b"+PONG\r\n", "a new client is accepted once descriptors are free",
                    repr(reply))
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
