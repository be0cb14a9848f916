#!/usr/bin/python3
"""Memory per idle client connection: redis-server and Shardis in both receive modes.

Each server is started in turn (one shard for Shardis), N clients connect and each sends one
PING and reads the reply, then they sit idle. The server's RSS (VmRSS from /proc/PID/status)
before and after gives bytes per idle client. Usage:
    bench/idle_clients.py [--shardis build/src/shardis-server] [--clients 5000]
"""

import argparse
import os
import socket
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))

import server_harness  # noqa: E402


def rss_kib(pid):
    kib = server_harness.rss_kib(pid)
    if kib < 0:
        raise RuntimeError("no VmRSS for pid %d" % pid)
    return kib


def measure(server, clients):
    time.sleep(0.3)
    before = rss_kib(server.pid)
    socks = []
    try:
        for _ in range(clients):
            socks.append(socket.create_connection((server_harness.HOST, server.port), timeout=10))
        for s in socks:
            s.sendall(b"PING\r\n")
        for s in socks:
            if s.recv(16) != b"+PONG\r\n":
                raise RuntimeError("unexpected reply")
        time.sleep(0.5)
        after = rss_kib(server.pid)
    finally:
        for s in socks:
            s.close()
    return before, after


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shardis", default=os.path.join(ROOT, "build", "src", "shardis-server"))
    parser.add_argument("--redis-server", default="redis-server")
    parser.add_argument("--clients", type=int, default=5000)
    args = parser.parse_args()
    server_harness.raise_fd_limit(args.clients * 2 + 1024)

    cases = [("redis-server", lambda: server_harness.redis(binary=args.redis_server))]
    for mode in ("multishot", "plain"):
        cases.append(("shardis --recv-mode %s" % mode,
                      lambda m=mode: server_harness.shardis(args.shardis, cores=1,
                                                            extra_args=["--recv-mode", m])))
    print("| server | RSS before (KiB) | RSS with %d idle clients (KiB) | bytes per client |"
          % args.clients)
    print("| --- | ---: | ---: | ---: |")
    for name, make in cases:
        with make() as server:
            before, after = measure(server, args.clients)
        print("| %s | %d | %d | %.0f |" % (name, before, after,
                                           (after - before) * 1024.0 / args.clients))
    return 0


if __name__ == "__main__":
    sys.exit(main())
