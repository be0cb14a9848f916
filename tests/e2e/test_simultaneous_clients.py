"""Many clients sending cross-shard commands at the same instant, so that a shard coordinates
many of them together (and batches the key fan-outs and simple EXECs among them): MSET, MGET,
EXISTS, TOUCH, DEL, UNLINK and MULTI blocks from 24 raw connections, a third of them in RESP3.

Contract:
  * Each round sends one command (or one pipelined group) on every connection before reading
    any reply; each connection must get exactly its own replies, in order, in its protocol.
  * Replies are compared byte for byte with what Redis 7.0 sends (redis-server 7.0.15 passes
    this script with --server redis). Where the order between clients decides a value (shared
    counters, a pair written by everyone), the check is the invariant instead: every EXEC sees
    both counters equal and the counts are 1..24; every read of the pair sees one MSET whole.
  * Every socket read has a timeout (resp_wire).
"""

import argparse
import sys

import resp_wire
import server_harness

SOCKET_TIMEOUT = 15.0


def spread_keys(prefix, n):
    return ["%s:%d" % (prefix, i) for i in range(n)]


def check_simultaneous_fanouts(check, port):
    """Many clients send cross-shard fan-outs (MSET, MGET, EXISTS, TOUCH, DEL, UNLINK) at the
    same instant, a third of them in RESP3, so that a shard has many of them to coordinate at
    once: each client gets its own command's reply in its own protocol, pipelined commands keep
    their order, and writes of one pair of keys by every client leave the pair equal."""
    n = 24
    conns = [resp_wire.Conn(port, timeout=SOCKET_TIMEOUT) for _ in range(n)]
    try:
        resp3 = [i % 3 == 0 for i in range(n)]
        for i, w in enumerate(conns):
            if resp3[i]:
                w.call_raw("HELLO", "3")
        keys = [spread_keys("fo%d" % i, 4) for i in range(n)]

        def bulk(v):
            return b"$%d\r\n%s\r\n" % (len(v), v)

        def null(i):
            return b"_\r\n" if resp3[i] else b"$-1\r\n"

        def value(i):
            return b"v%d" % i

        def mset(i):
            return ["MSET"] + [x for k in keys[i] for x in (k, value(i))]

        rounds = [
            ("MSET", mset, lambda i: b"+OK\r\n"),
            ("MGET", lambda i: ["MGET"] + keys[i] + ["fo:none"],
             lambda i: b"*5\r\n" + bulk(value(i)) * 4 + null(i)),
            ("EXISTS", lambda i: ["EXISTS"] + keys[i] + ["fo:none"], lambda i: b":4\r\n"),
            ("TOUCH", lambda i: ["TOUCH"] + keys[i], lambda i: b":4\r\n"),
            ("DEL", lambda i: ["DEL"] + keys[i][:2] + ["fo:none"], lambda i: b":2\r\n"),
            ("UNLINK", lambda i: ["UNLINK"] + keys[i], lambda i: b":2\r\n"),
            ("EXISTS after", lambda i: ["EXISTS"] + keys[i], lambda i: b":0\r\n"),
        ]
        for name, make, want in rounds:
            for i, w in enumerate(conns):
                w.send_command(*make(i))
            got = [w.read_raw() for w in conns]
            bad = [(i, g) for i, g in enumerate(got) if g != want(i)]
            check.check(not bad, "%s from %d clients at once: each its own reply (%d wrong, "
                        "first %r)" % (name, n, len(bad), bad[:1]))

        # Pipelined: MSET, MGET and DEL in one write from every client.
        for i, w in enumerate(conns):
            w.send(resp_wire.encode_many([mset(i), ["MGET"] + keys[i], ["DEL"] + keys[i]]))
        bad = []
        for i, w in enumerate(conns):
            got = [w.read_raw() for _ in range(3)]
            if got != [b"+OK\r\n", b"*4\r\n" + bulk(value(i)) * 4, b":4\r\n"]:
                bad.append((i, got))
        check.check(not bad, "MSET, MGET, DEL pipelined by %d clients at once: replies in order "
                    "(%d wrong, first %r)" % (n, len(bad), bad[:1]))

        # Every client runs the same MULTI block at once: two counters on different shards, a
        # fan-out, a command that fails at run time and a connection command.
        cnt = spread_keys("fo:cnt", 2)
        conns[0].call_raw("SET", "fo:str", "x")
        conns[0].call_raw("MSET", keys[0][0], "a", keys[0][1], "b")
        block = [["MULTI"], ["INCR", cnt[0]], ["INCR", cnt[1]], ["MGET", keys[0][0], keys[0][1]],
                 ["INCR", "fo:str"], ["PING"], ["EXEC"]]
        for w in conns:
            w.send(resp_wire.encode_many(block))
        seen, bad = [], []
        for i, w in enumerate(conns):
            head = [w.read_raw() for _ in range(6)]
            raw = w.read_raw()
            if head != [b"+OK\r\n"] + [b"+QUEUED\r\n"] * 5:
                bad.append((i, head))
                continue
            tail = (b"*2\r\n$1\r\na\r\n$1\r\nb\r\n"
                    b"-ERR value is not an integer or out of range\r\n+PONG\r\n")
            parts = raw.split(b"\r\n", 3)
            if parts[0] != b"*5" or parts[1][:1] != b":" or parts[2] != parts[1] \
                    or parts[3] != tail:
                bad.append((i, raw))
                continue
            seen.append(int(parts[1][1:]))
        check.check(not bad and sorted(seen) == list(range(1, n + 1)),
                    "%d MULTI blocks at once: every EXEC saw both counters equal, the counts are "
                    "1..%d, each block's other replies intact (%d wrong, first %r)"
                    % (n, n, len(bad), bad[:1]))
        conns[0].call_raw("DEL", "fo:str", keys[0][0], keys[0][1], *cnt)

        # Every client writes the same pair at once; then each reads it.
        pair = spread_keys("fo:pair", 2)
        for i, w in enumerate(conns):
            w.send_command("MSET", pair[0], value(i), pair[1], value(i))
        got = [w.read_raw() for w in conns]
        check.check(got == [b"+OK\r\n"] * n, "%d clients MSET one pair at once: all OK" % n)
        for w in conns:
            w.send_command("MGET", *pair)
        got = [resp_wire.decode(w.read_raw()) for w in conns]
        check.check(all(len(g) == 2 and g[0] == g[1] and g[0] is not None for g in got),
                    "every MGET of the pair afterwards sees both keys from one MSET: %r"
                    % got[:3])
        conns[0].call_raw("DEL", *pair)
    finally:
        for w in conns:
            w.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    check = server_harness.Checker("simultaneous clients: %s" % server_harness.describe(args))
    with server_harness.server_from_args(args) as srv:
        check.section("simultaneous fan-outs and MULTI blocks", check_simultaneous_fanouts, check,
                      srv.port)
        check.check(srv.alive(), "server still running")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
