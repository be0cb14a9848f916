"""Protocol-level behaviour over raw sockets, compared with redis-server:
  * malformed input gets exactly redis-server's "-ERR Protocol error: ..."
    reply, after the replies to the commands before it in the same packet,
    and then the server closes the connection;
  * inline commands, empty arrays and QUIT behave the same;
  * requests fed one byte (or a few bytes) at a time work, binary-safe;
  * absurd lengths neither crash the server nor make it allocate them."""

import argparse
import socket
import sys
import time

import resp_wire
import server_harness

SENTINEL_CMD = resp_wire.encode("ECHO", "sentinel-9f3e")
SENTINEL_REPLY = b"$13\r\nsentinel-9f3e\r\n"
CLOSE_TIMEOUT = 5.0

BINARY_VALUE = bytes(range(256)) + b"\r\n$5\r\n*1\r\n\r\n\x00"

# (name, payload). The server must answer and then close the connection.
CLOSING_CASES = [
    ("bulk length not a number", b"*1\r\n$x\r\n"),
    ("integer where a bulk string belongs", b"*3\r\n:1\r\n"),
    ("multibulk length not a number", b"*abc\r\n"),
    ("empty multibulk length", b"*\r\n"),
    ("multibulk length with plus sign", b"*+1\r\n"),
    ("multibulk length above INT_MAX", b"*2147483648\r\n"),
    ("multibulk length of 40 digits", b"*" + b"1" * 40 + b"\r\n"),
    ("empty bulk length", b"*1\r\n$\r\n"),
    ("negative bulk length", b"*1\r\n$-1\r\n"),
    ("bulk length with trailing garbage", b"*1\r\n$4x\r\n"),
    ("bulk length above 512 MB", b"*1\r\n$536870913\r\n"),
    ("bulk length of 40 digits", b"*1\r\n$" + b"1" * 40 + b"\r\n"),
    ("commands before the error are answered first",
     resp_wire.encode("PING") + resp_wire.encode("SET", "pe:k", "v1")
     + resp_wire.encode("GET", "pe:k") + b"*1\r\n$x\r\n" + resp_wire.encode("PING")),
    ("error after a full pipeline of SET/GET",
     b"".join(resp_wire.encode("SET", "pe:%d" % i, "v%d" % i) + resp_wire.encode("GET", "pe:%d" % i)
              for i in range(50)) + b"*3\r\n:1\r\n:2\r\n:3\r\n"),
    ("inline command, then unbalanced quotes", b'PING\r\nPING "a\r\n'),
    ("inline: closing quote followed by a letter", b'ECHO "a"b\r\n'),
    ("inline request above 64 KB without a newline", b"x" * 70000),
    ("QUIT replies +OK and closes; later commands are ignored",
     resp_wire.encode("PING") + resp_wire.encode("QUIT") + resp_wire.encode("PING")),
]

# (name, payload). The server must answer and keep the connection open.
OPEN_CASES = [
    ("empty and negative multibulk counts are skipped",
     b"*0\r\n*-1\r\n" + resp_wire.encode("PING")),
    ("inline commands", b"PING\r\nECHO   hello\r\n\r\nPING  inline-arg\r\n"),
    ("inline quoted escapes", b'SET pe:q "a\\x00b\\r\\n"\r\nGET pe:q\r\nECHO \'it\\\'s\'\r\n'),
    ("unknown command sent inline", b"FOO bar\r\n"),
    ("mixed inline and multibulk",
     b"PING\r\n" + resp_wire.encode("ECHO", "x") + b"ECHO y\r\n"),
]

# Sent and then abandoned: the server must not crash or allocate the claimed size.
ABANDONED_CASES = [
    ("multibulk length INT_MAX", b"*2147483647\r\n"),
    ("multibulk length 1048577", b"*1048577\r\n$3\r\nSET\r\n"),
    ("bulk length 512 MB", b"*1\r\n$536870912\r\n"),
    ("bulk length 512 MB, some data", b"*2\r\n$4\r\nECHO\r\n$536870912\r\n" + b"a" * 1000),
]


def send_fragmented(sock, payload, fragment):
    if not fragment:
        sock.sendall(payload)
        return
    for i in range(0, len(payload), fragment):
        sock.sendall(payload[i:i + fragment])
        # A short pause makes each fragment arrive in its own segment/read.
        time.sleep(0.0005)


def exchange(port, payload, fragment=None, expect_close=True):
    """Returns (reply bytes, closed_by_server). For expect_close=False a
    sentinel ECHO is sent after the payload and everything up to its reply
    is returned."""
    sock = socket.create_connection((server_harness.HOST, port), timeout=CLOSE_TIMEOUT)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    out = b""
    closed = False
    try:
        try:
            send_fragmented(sock, payload, fragment)
            if not expect_close:
                sock.sendall(SENTINEL_CMD)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may close before it has read everything
        deadline = time.monotonic() + CLOSE_TIMEOUT
        while time.monotonic() < deadline:
            if not expect_close and out.endswith(SENTINEL_REPLY):
                out = out[:-len(SENTINEL_REPLY)]
                break
            sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            out += chunk
    finally:
        sock.close()
    return out, closed


def describe(out, closed):
    return "%r %s" % (out[:300], "then closed" if closed else "and left open")


def rss_mb(pid):
    kib = server_harness.rss_kib(pid)
    return kib / 1024.0 if kib >= 0 else -1.0


def responsive(port):
    """True if a fresh connection gets +PONG within a few seconds."""
    try:
        with resp_wire.Conn(port, timeout=3) as conn:
            return conn.call_raw("PING") == b"+PONG\r\n"
    except Exception:
        return False


def gave_up(check, ok, port):
    """After a failed case, stops the run if the server no longer answers at
    all: every later case would only wait for its own timeout."""
    if ok or responsive(port):
        return False
    check.check(False, "server still answers new connections (remaining cases skipped)")
    return True


def run_checks(check, ref, tst):
    for name, payload in CLOSING_CASES:
        want, ref_closed = exchange(ref.port, payload)
        got, closed = exchange(tst.port, payload)
        if not ref_closed:
            check.check(False, "%s: redis-server closes (test case is wrong)" % name)
            continue
        ok = check.check(got == want and closed,
                         "%s: reply %r then close" % (name, want[-80:]),
                         "expected %s\n       got      %s" % (describe(want, True),
                                                            describe(got, closed)))
        if gave_up(check, ok, tst.port):
            return

    for name, payload in OPEN_CASES:
        want, _ = exchange(ref.port, payload, expect_close=False)
        got, closed = exchange(tst.port, payload, expect_close=False)
        ok = check.check(got == want and not closed,
                         "%s: reply %r, connection kept" % (name, want),
                         "expected %r\n       got      %s" % (want, describe(got, closed)))
        if gave_up(check, ok, tst.port):
            return

    # Fragmented input: the same requests split into 1, 2, 3, 7 and 100 byte pieces.
    requests = (resp_wire.encode("SET", b"frag\x00key\r\n", BINARY_VALUE)
                + resp_wire.encode("GET", b"frag\x00key\r\n")
                + resp_wire.encode("STRLEN", b"frag\x00key\r\n")
                + b"ECHO inline-fragmented\r\n")
    want, _ = exchange(ref.port, requests, expect_close=False)
    check.check(want.startswith(b"+OK\r\n$%d\r\n" % len(BINARY_VALUE) + BINARY_VALUE),
                "redis-server answers the fragmented requests as expected")
    for fragment in (1, 2, 3, 7, 100):
        got, closed = exchange(tst.port, requests, fragment=fragment, expect_close=False)
        ok = check.check(got == want and not closed,
                         "SET/GET/STRLEN with a %d-byte binary value, sent %d byte(s) at a time"
                         % (len(BINARY_VALUE), fragment),
                         "expected %r\n       got      %s" % (want[:120], describe(got, closed)))
        if gave_up(check, ok, tst.port):
            return
    want, _ = exchange(ref.port, b"*3\r\n:1\r\n")
    got, closed = exchange(tst.port, b"*3\r\n:1\r\n", fragment=1)
    ok = check.check(got == want and closed, "protocol error sent one byte at a time",
                     "expected %r, got %s" % (want, describe(got, closed)))
    if gave_up(check, ok, tst.port):
        return

    rss_before = rss_mb(tst.pid)
    for name, payload in ABANDONED_CASES:
        sock = socket.create_connection((server_harness.HOST, tst.port), timeout=5)
        try:
            sock.sendall(payload)
            time.sleep(0.2)
        except OSError:
            pass
        finally:
            sock.close()
        ok = check.check(responsive(tst.port) and tst.alive(),
                         "%s, then abandoned: server still answers" % name)
        if not ok:
            return
    rss_after = rss_mb(tst.pid)
    print("    server RSS %.0f MB before the abandoned cases, %.0f MB after"
          % (rss_before, rss_after))
    check.check(rss_after < rss_before + 256,
                "server did not allocate the claimed lengths (RSS grew %.0f MB)"
                % (rss_after - rss_before))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    check = server_harness.Checker("protocol errors: %s" % server_harness.describe(args))
    with server_harness.reference_from_args(args) as ref, \
            server_harness.server_from_args(args) as tst:
        run_checks(check, ref, tst)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
