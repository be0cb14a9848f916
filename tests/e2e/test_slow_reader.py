"""A client that pipelines thousands of GETs of a big value and never reads
its replies must not stall the server for everyone else: while it sits
there, other clients (including ones on the same shard) must complete 100
requests within a bounded time. After the slow client goes away the server
must still be healthy."""

import argparse
import socket
import sys
import threading
import time

import resp_wire
import server_harness

VALUE_SIZE = 512 * 1024
SLOW_REQUESTS = 2000
OTHER_CLIENTS = 5
REQUESTS_PER_OTHER = 20
OTHERS_DEADLINE = 10.0
BIG_KEY = "{slow}big"          # hash tag: the same-shard probe key shares it
SAME_SHARD_KEY = "{slow}probe"


def rss_mb(pid):
    kib = server_harness.rss_kib(pid)
    return kib / 1024.0 if kib >= 0 else -1.0


def other_client(port, idx, latencies, errors, deadline):
    try:
        with resp_wire.Conn(port, timeout=OTHERS_DEADLINE) as conn:
            for i in range(REQUESTS_PER_OTHER):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("ran out of time after %d requests" % i)
                started = time.monotonic()
                if i % 4 == 0:
                    key = SAME_SHARD_KEY if idx == 0 else "other:%d:%d" % (idx, i)
                    reply = conn.call_raw("SET", key, "x%d" % i, timeout=remaining)
                    ok = reply == b"+OK\r\n"
                elif i % 4 == 1:
                    reply = conn.call_raw("INCR", "other:ctr:%d" % idx, timeout=remaining)
                    ok = reply == b":%d\r\n" % (i // 4 + 1)
                elif i % 4 == 2:
                    reply = conn.call_raw("STRLEN", BIG_KEY, timeout=remaining)
                    ok = reply == b":%d\r\n" % VALUE_SIZE
                else:
                    reply = conn.call_raw("PING", timeout=remaining)
                    ok = reply == b"+PONG\r\n"
                if not ok:
                    raise AssertionError("request %d: unexpected reply %r" % (i, reply[:100]))
                latencies.append(time.monotonic() - started)
    except Exception as err:
        errors.append("client %d: %s: %s" % (idx, type(err).__name__, err))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser)
    parser.add_argument("--max-rss-growth-mb", type=float, default=0,
                        help="fail if the server's RSS grows by more than this while the slow "
                             "client is connected (0: only report it)")
    args = parser.parse_args()
    check = server_harness.Checker("slow reader: %s, %d x GET of %d bytes never read"
                                   % (server_harness.describe(args), SLOW_REQUESTS, VALUE_SIZE))

    with server_harness.server_from_args(args) as srv:
        big = bytes((i * 7 + 3) % 251 for i in range(VALUE_SIZE))
        with resp_wire.Conn(srv.port) as conn:
            check.check(conn.call_raw("SET", BIG_KEY, big) == b"+OK\r\n", "SET big value")
        rss_before = rss_mb(srv.pid)

        slow = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        slow.settimeout(30)
        slow.connect((server_harness.HOST, srv.port))
        payload = resp_wire.encode("GET", BIG_KEY) * SLOW_REQUESTS
        sent = []

        def slow_writer():
            # The server may stop reading from this client once its replies
            # pile up; then this send blocks until the socket is closed.
            try:
                slow.sendall(payload)
                sent.append(len(payload))
            except OSError:
                pass

        writer = threading.Thread(target=slow_writer, daemon=True)
        writer.start()
        time.sleep(1.0)  # let the server chew on the slow client's requests

        latencies, errors = [], []
        deadline = time.monotonic() + OTHERS_DEADLINE
        started = time.monotonic()
        others = [threading.Thread(target=other_client,
                                   args=(srv.port, i, latencies, errors, deadline), daemon=True)
                  for i in range(OTHER_CLIENTS)]
        for t in others:
            t.start()
        for t in others:
            t.join(max(0.1, deadline + 2 - time.monotonic()))
        elapsed = time.monotonic() - started
        for e in errors:
            print("    " + e)
        total = OTHER_CLIENTS * REQUESTS_PER_OTHER
        check.check(not errors and len(latencies) == total,
                    "%d requests from %d other clients completed in %.2f s (limit %.0f s)"
                    % (len(latencies), OTHER_CLIENTS, elapsed, OTHERS_DEADLINE))
        if latencies:
            print("    other clients' latency: median %.1f ms, max %.1f ms"
                  % (sorted(latencies)[len(latencies) // 2] * 1e3, max(latencies) * 1e3))
        rss_during = rss_mb(srv.pid)
        print("    server RSS: %.0f MB before, %.0f MB while the slow client is connected "
              "(slow client's write %s)" % (rss_before, rss_during,
                                            "finished" if sent else "still blocked"))
        if args.max_rss_growth_mb > 0:
            # The slow client has SLOW_REQUESTS * VALUE_SIZE bytes of replies
            # outstanding; a server with output backpressure holds only a
            # bounded part of them.
            check.check(rss_during - rss_before <= args.max_rss_growth_mb,
                        "RSS grew %.0f MB (limit %.0f MB) with %d MB of unread replies"
                        % (rss_during - rss_before, args.max_rss_growth_mb,
                           SLOW_REQUESTS * VALUE_SIZE >> 20))

        # Closing with unread data makes the kernel reset the connection.
        slow.close()
        writer.join(10)
        check.check(not writer.is_alive(), "slow client's writer stopped after close")

        healthy = False
        health_deadline = time.monotonic() + 10
        last = None
        while time.monotonic() < health_deadline and not healthy:
            try:
                with resp_wire.Conn(srv.port, timeout=5) as conn:
                    healthy = conn.call_raw("PING") == b"+PONG\r\n"
                    got = conn.call("GET", BIG_KEY)
                    check.check(got == big, "GET of the big value still correct afterwards")
                    check.check(conn.call("DBSIZE") >= 1, "DBSIZE answers afterwards")
            except Exception as err:
                last = err
                time.sleep(0.2)
        check.check(healthy, "server answers PING after the slow client is gone", str(last))
        check.check(srv.alive(), "server process still running")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
