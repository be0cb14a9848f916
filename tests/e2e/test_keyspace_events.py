"""Keyspace notifications across shards against redis-server.

Both servers get notify-keyspace-events KEAm and a subscriber to every keyspace and keyevent
channel (PSUBSCRIBE __key*@*__:*). Another connection runs steps of commands whose keys spread
over the shards: multi-key commands fanned out, commands whose keys move to one shard to run
(RENAME, COPY, SUNIONSTORE, LMOVE, BITOP ...), a MULTI block, expiry, and reads and writes of
missing keys (keymiss). After each step the subscriber's messages are gathered until the stream
has been quiet for a moment. The replies must be identical byte for byte, and the messages equal
as multisets: events of one command that ran on several shards come from those shards, so their
order between shards is not Redis's single-threaded order (within one key it is)."""

import argparse
import select
import sys
import time

import resp_wire
import server_harness

QUIET = 0.15        # seconds of silence that end a step's messages
FIRST_WAIT = 0.4    # how long to wait for a step's first message

STEPS = [
    [("SET", "ev:1", "a")],
    [("MSET", "ev:2", "b", "ev:3", "c", "ev:4", "d", "ev:10", "e")],
    [("DEL", "ev:2", "ev:3", "ev:nosuch")],
    [("MGET", "ev:nosuch", "ev:4", "ev:10", "ev:nosuch2")],
    [("EXISTS", "ev:1", "ev:2", "ev:4")],
    [("RENAME", "ev:1", "ev:5")],
    [("COPY", "ev:5", "ev:6")],
    [("COPY", "ev:nosuch", "ev:6")],
    [("SINTERSTORE", "ev:7", "ev:nosuch1", "ev:nosuch2")],
    [("SADD", "ev:s1", "x", "y"), ("SADD", "ev:s2", "y", "z")],
    [("SUNIONSTORE", "ev:7", "ev:s1", "ev:s2", "ev:nosuch")],
    [("SMOVE", "ev:s1", "ev:s3", "x")],
    [("LPUSH", "ev:l", "a", "b")],
    [("LMOVE", "ev:l", "ev:l2", "LEFT", "RIGHT")],
    [("RPOPLPUSH", "ev:l", "ev:l3")],
    [("ZADD", "ev:z1", "1", "a", "2", "b")],
    [("ZUNIONSTORE", "ev:z3", "2", "ev:z1", "ev:nosuch")],
    [("ZRANGESTORE", "ev:z4", "ev:z1", "0", "0")],
    [("BITOP", "OR", "ev:b", "ev:nosuch", "ev:5")],
    [("MULTI",), ("INCR", "ev:8"), ("SET", "ev:9", "x"), ("GET", "ev:nosuch"),
     ("LPUSH", "ev:l4", "q"), ("EXEC",)],
    [("GETDEL", "ev:9")],
    [("GETDEL", "ev:9")],
    [("SET", "ev:5", "v", "GET")],
    [("GETEX", "ev:nosuch")],
    [("EXPIRE", "ev:6", "100"), ("PERSIST", "ev:6")],
    # One step: when the expiry fires within the quiet time after SET's own messages depends on
    # each server's speed, so the messages are compared together.
    [("SET", "ev:x", "v", "PX", "50"), ("@sleep", 0.3), ("GET", "ev:x")],
    [("UNLINK", "ev:4", "ev:10", "ev:5")],
]

SPREAD_KEYS = ["ev:1", "ev:2", "ev:3", "ev:4", "ev:5", "ev:6", "ev:7", "ev:10", "ev:s1",
               "ev:s2", "ev:s3", "ev:l", "ev:l2", "ev:z1", "ev:z3", "ev:b"]


def gather(sub, first_wait):
    """Messages (channel, payload) the subscriber receives until QUIET seconds pass with none
    (waiting up to first_wait for the first)."""
    got = []
    deadline = time.monotonic() + first_wait
    while True:
        timeout = max(0.0, deadline - time.monotonic())
        if resp_wire.reply_end(sub.buf) is None and not select.select([sub.sock], [], [], timeout)[0]:
            return got
        msg = sub.read_value()
        got.append((bytes(msg[2]), bytes(msg[3])))
        deadline = time.monotonic() + QUIET


def run_steps(port):
    """[(replies, sorted messages)] per step."""
    out = []
    with resp_wire.Conn(port) as cmd, resp_wire.Conn(port) as sub:
        cmd.call("FLUSHALL")
        cmd.call("CONFIG", "SET", "notify-keyspace-events", "KEAm")
        sub.send_command("PSUBSCRIBE", "__key*@*__:*")
        sub.read_value()
        for step in STEPS:
            replies = []
            for c in step:
                if c[0] == "@sleep":
                    time.sleep(c[1])
                    continue
                cmd.send_command(*c)
                replies.append(cmd.read_raw(10.0))
            out.append((replies, sorted(gather(sub, FIRST_WAIT))))
        cmd.call("CONFIG", "SET", "notify-keyspace-events", "")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    check = server_harness.Checker("keyspace notifications vs redis-server: %s"
                                   % server_harness.describe(args))
    with server_harness.reference_from_args(args) as ref, \
            server_harness.server_from_args(args) as tst:
        if args.cores > 1:
            with resp_wire.Conn(tst.port) as conn:
                conn.call("MSET", *[x for k in SPREAD_KEYS for x in (k, "1")])
            _, owners = server_harness.key_shards(tst.port)
            with resp_wire.Conn(tst.port) as conn:
                conn.call("DEL", *SPREAD_KEYS)
            used = {owners.get(k.encode()) for k in SPREAD_KEYS}
            check.check(len(used) > 1, "the steps' keys span %d shards" % len(used))
        want = run_steps(ref.port)
        got = run_steps(tst.port)
        total = 0
        for step, (w, g) in zip(STEPS, zip(want, got)):
            name = " / ".join(" ".join(str(a) for a in c) for c in step)
            total += len(w[1])
            check.check(g[0] == w[0], "replies of %s" % name,
                        "expected %r, got %r" % (w[0], g[0]))
            check.check(g[1] == w[1], "%d messages of %s" % (len(w[1]), name),
                        "expected %r, got %r" % (w[1], g[1]))
        check.check(total > 60, "%d messages compared in all" % total)
        check.check(tst.alive(), "server under test still running")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
