"""redis-py driving blocking list and sorted-set pops and moves, alone and with transactions.

Contract:
  * Every reply is compared with what Redis 7.0 answers (redis-server 7.0.15 passes this script
    with --server redis). Keys are plain distinct names, many per check, so that with --cores 2
    or 4 each check spans several shards.
  * Every socket read has a timeout and every wait is bounded; threads are joined with a
    timeout and a thread still running counts as a failure.
  * A client blocked on several keys is served by a push from another connection, clients
    blocked on one key are served first come first served, a timeout (whole or fractional
    seconds) answers nil near the time asked, inside MULTI nothing blocks, and clients that hang
    up while blocked leave nothing behind.
  * Where clients must block in a set order, the next one is sent once INFO clients shows the
    previous one blocked (or, on a server without that field, after a 0.5 s pause).
"""

import socket
import sys

import redis as redis_py

from coordination_helpers import (HOST, SOCKET_TIMEOUT, SPREAD, client, is_error, msg,
                                  next_message, pop_with_later_push, raw_connection, read_reply,
                                  run_sections, spread_keys, timed, wait_blocked)


def check_blocking_lists(check, port):
    c = client(port)
    try:
        keys = spread_keys("bl")
        got, pushed, after = pop_with_later_push(port, lambda: c.blpop(keys, 5),
                                                 "rpush", keys[-1], "x", "y")
        check.check(got == (keys[-1].encode(), b"x") and after < 4.5,
                    "BLPOP on %d keys, served by an RPUSH from another connection: %r, "
                    "%.3f s after the push" % (SPREAD, got, after))
        check.check(pushed == 2 and c.lrange(keys[-1], 0, -1) == [b"y"],
                    "the RPUSH replied 2 (length before serving); y is left")

        got, pushed, after = pop_with_later_push(port, lambda: c.brpop([keys[7], keys[3]], 5),
                                                 "lpush", keys[3], "a", "b")
        check.check(got == (keys[3].encode(), b"a") and pushed == 2 and after < 4.5,
                    "BRPOP served from the right by an LPUSH: %r" % (got,))

        check.check(c.blpop([keys[0], keys[3], keys[-1]], 1) == (keys[3].encode(), b"b"),
                    "BLPOP on keys of which one has data answers at once, from that key")
        c.rpush(keys[5], "k5")
        c.rpush(keys[9], "k9")
        check.check(c.blpop([keys[9], keys[5]], 1) == (keys[9].encode(), b"k9"),
                    "BLPOP on two non-empty keys pops from the first key given")

        got, took = timed(c.blpop, ["bl:empty", keys[11]], 1)
        check.check(got is None and 0.95 <= took < 5, "BLPOP timeout 1 -> nil after %.2f s"
                    % took)
        got, took = timed(c.blpop, ["bl:empty"], 0.25)
        check.check(got is None and 0.24 <= took < 4,
                    "BLPOP fractional timeout 0.25 -> nil after %.2f s" % took)
        got, took = timed(c.brpop, ["bl:empty"], 0.1)
        check.check(got is None and 0.09 <= took < 4,
                    "BRPOP timeout 0.1 -> nil after %.2f s" % took)

        c.set("bl:string", "s")
        for args, text in ((["bl:string", 1], "WRONGTYPE Operation against a key holding the "
                            "wrong kind of value"),
                           (["bl:empty", -1], "timeout is negative"),
                           (["bl:empty", "soon"], "timeout is not a float or out of range")):
            try:
                got = c.execute_command("BLPOP", *args)
            except redis_py.ResponseError as err:
                got = err
            check.check(is_error(got, text), "BLPOP %r -> %r" % (args, got))

        # First come, first served: three connections block on one key.
        waiters = [raw_connection(port) for _ in range(3)]
        try:
            order = []
            for i, w in enumerate(waiters):
                w.send_command("BLPOP", "bl:fifo", "bl:other", 10)
                order.append(wait_blocked(c, i + 1))
            check.check(all(order) and not any(w.can_read(timeout=0) for w in waiters),
                        "three clients blocked on bl:fifo one after the other, no reply yet")
            check.check(c.rpush("bl:fifo", "1", "2") == 2, "RPUSH 2 elements -> 2")
            got = [read_reply(w) for w in waiters[:2]]
            check.check(got == [[b"bl:fifo", b"1"], [b"bl:fifo", b"2"]],
                        "the first two blocked clients got 1 and 2 in blocking order (%r)" % got)
            check.check(not waiters[2].can_read(timeout=0.3), "the third one is still blocked")
            check.check(c.lpush("bl:other", "o") == 1
                        and read_reply(waiters[2]) == [b"bl:other", b"o"],
                        "the third one is served by a push to its second key")
            check.check(c.exists("bl:fifo", "bl:other") == 0, "both lists were emptied")
        finally:
            for w in waiters:
                w.disconnect()

        # A blocked client that goes away is not served: the element stays in the list.
        gone = raw_connection(port)
        gone.send_command("BLPOP", "bl:gone", 10)
        check.check(wait_blocked(c, 1), "a client blocked on bl:gone")
        gone.disconnect()
        check.check(wait_blocked(c, 0), "its disconnection ends the block")
        check.check(c.rpush("bl:gone", "kept") == 1 and c.lrange("bl:gone", 0, -1) == [b"kept"],
                    "a disconnected blocked client does not take the element")

        # Infinite timeout (0), served.
        w = raw_connection(port)
        try:
            w.send_command("BRPOP", keys[12], keys[13], 0)
            check.check(wait_blocked(c, 1) and not w.can_read(timeout=0.3),
                        "BRPOP timeout 0 blocks")
            c.rpush(keys[13], "late")
            check.check(read_reply(w) == [keys[13].encode(), b"late"],
                        "BRPOP timeout 0 served by a later push")
        finally:
            w.disconnect()
    finally:
        c.close()


def check_blocking_hangups(check, port):
    """Clients that send a blocking pop and hang up at once, mostly before the shard owning the
    key has answered that the pop blocks: no wait may outlive its connection."""
    keys = spread_keys("hang", 32)
    c = client(port)
    try:
        for round_ in range(8):
            socks = []
            for k in keys:
                s = socket.create_connection((HOST, port), timeout=SOCKET_TIMEOUT)
                cmd = b"BZPOPMIN" if round_ % 2 else b"BLPOP"
                parts = [cmd, k.encode(), b"0"]
                s.sendall(b"*3\r\n" + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in parts))
                socks.append(s)
            for s in socks:
                s.close()
        check.check(wait_blocked(c, 0),
                    "no client is left blocked after 256 blocked clients hung up")
        for k in keys:
            c.rpush(k, "kept")
        check.check(all(c.llen(k) == 1 for k in keys),
                    "pushes after the hang-ups stay in their lists: %r"
                    % [k for k in keys if c.llen(k) != 1])
        for k in keys:
            c.delete(k)
            c.zadd(k, {"kept": 1})
        check.check(all(c.zcard(k) == 1 for k in keys),
                    "ZADDs after the hang-ups stay in their sorted sets: %r"
                    % [k for k in keys if c.zcard(k) != 1])
        c.delete(*keys)
    finally:
        c.close()


def check_blocking_moves(check, port):
    c = client(port)
    try:
        got, pushed, after = pop_with_later_push(port, lambda: c.brpoplpush("mv:src", "mv:dst", 5),
                                                 "rpush", "mv:src", "a", "b")
        check.check(got == b"b" and pushed == 2 and after < 4.5,
                    "BRPOPLPUSH served by a later RPUSH: %r" % got)
        check.check(c.lrange("mv:src", 0, -1) == [b"a"] and c.lrange("mv:dst", 0, -1) == [b"b"],
                    "BRPOPLPUSH moved the tail element")
        got, took = timed(c.brpoplpush, "mv:none", "mv:dst", 0.3)
        check.check(got is None and 0.29 <= took < 4 and c.llen("mv:dst") == 1,
                    "BRPOPLPUSH timeout 0.3 -> nil after %.2f s, nothing moved" % took)

        got, pushed, after = pop_with_later_push(
            port, lambda: c.blmove("mv:src2", "mv:dst", 5, "LEFT", "RIGHT"), "lpush", "mv:src2",
            "c")
        dst = c.lrange("mv:dst", 0, -1)
        check.check(got == b"c" and pushed == 1 and after < 4.5 and dst == [b"b", b"c"],
                    "BLMOVE LEFT RIGHT served by a later LPUSH: %r, destination %r" % (got, dst))
        check.check(c.blmove("mv:none", "mv:dst", 0.2, "LEFT", "LEFT") is None,
                    "BLMOVE timeout 0.2 -> nil")

        # Many source/destination pairs at once: with several shards most pairs cross shards.
        pairs = [("mv:s:%d" % i, "mv:d:%d" % i) for i in range(12)]
        waiters = [raw_connection(port) for _ in pairs]
        try:
            for w, (src, dst) in zip(waiters, pairs):
                w.send_command("BLMOVE", src, dst, "RIGHT", "LEFT", 10)
            check.check(wait_blocked(c, len(pairs))
                        and not any(w.can_read(timeout=0) for w in waiters),
                        "12 BLMOVEs blocked on empty sources")
            for i, (src, _) in enumerate(pairs):
                c.rpush(src, "e%d" % i, "f%d" % i)
            got = [read_reply(w) for w in waiters]
            check.check(got == [b"f%d" % i for i in range(len(pairs))],
                        "each BLMOVE got the tail of its own source", repr(got))
            check.check(all(c.lrange(src, 0, -1) == [b"e%d" % i]
                            and c.lrange(dst, 0, -1) == [b"f%d" % i]
                            for i, (src, dst) in enumerate(pairs)),
                        "each element landed in its own destination")
        finally:
            for w in waiters:
                w.disconnect()

        # A blocked BLMOVE whose destination is not a list fails when served; the element stays.
        c.set("mv:bad", "string")
        w = raw_connection(port)
        try:
            w.send_command("BLMOVE", "mv:src3", "mv:bad", "LEFT", "LEFT", 5)
            check.check(wait_blocked(c, 1), "BLMOVE into a string destination blocks")
            c.rpush("mv:src3", "z")
            got = read_reply(w)
            check.check(isinstance(got, redis_py.ResponseError) and str(got).startswith(
                "WRONGTYPE"), "BLMOVE served into a string destination -> WRONGTYPE (%r)" % got)
            check.check(c.lrange("mv:src3", 0, -1) == [b"z"], "the element stayed in the source")
        finally:
            w.disconnect()

        got, pushed, after = pop_with_later_push(
            port, lambda: c.execute_command("BLMPOP", 5, 2, "mv:m1", "mv:m2", "LEFT", "COUNT", 2),
            "rpush", "mv:m2", "p", "q", "r")
        check.check(got == [b"mv:m2", [b"p", b"q"]] and pushed == 3 and after < 4.5,
                    "BLMPOP LEFT COUNT 2 served by a later RPUSH: %r" % got)
        check.check(c.lrange("mv:m2", 0, -1) == [b"r"], "BLMPOP left the third element")
        got, took = timed(c.execute_command, "BLMPOP", 0.2, 1, "mv:m1", "RIGHT")
        check.check(got is None and 0.19 <= took < 4, "BLMPOP timeout 0.2 -> nil after %.2f s"
                    % took)
    finally:
        c.close()


def check_blocking_zsets(check, port):
    c = client(port)
    try:
        keys = spread_keys("bz", 12)
        got, pushed, after = pop_with_later_push(port, lambda: c.bzpopmin(keys, 5),
                                                 "zadd", keys[-1], {"low": 1, "high": 5, "mid": 3})
        check.check(got == (keys[-1].encode(), b"low", 1.0) and pushed == 3 and after < 4.5,
                    "BZPOPMIN on %d keys served by a later ZADD: %r" % (len(keys), got))
        check.check(c.bzpopmax(keys, 1) == (keys[-1].encode(), b"high", 5.0),
                    "BZPOPMAX answers at once when a key has members")
        got, took = timed(c.bzpopmin, ["bz:empty"], 0.3)
        check.check(got is None and 0.29 <= took < 4,
                    "BZPOPMIN timeout 0.3 -> nil after %.2f s" % took)
        got, took = timed(c.bzpopmax, ["bz:empty"], 1)
        check.check(got is None and 0.95 <= took < 5, "BZPOPMAX timeout 1 -> nil after %.2f s"
                    % took)

        waiters = [raw_connection(port) for _ in range(2)]
        try:
            order = []
            for i, w in enumerate(waiters):
                w.send_command("BZPOPMAX", "bz:fifo", 10)
                order.append(wait_blocked(c, i + 1))
            check.check(all(order) and not any(w.can_read(timeout=0) for w in waiters),
                        "two clients blocked in BZPOPMAX one after the other")
            check.check(c.zadd("bz:fifo", {"a": 1, "b": 2, "c": 3}) == 3, "ZADD 3 members")
            got = [read_reply(w) for w in waiters]
            check.check(got == [[b"bz:fifo", b"c", b"3"], [b"bz:fifo", b"b", b"2"]],
                        "served in blocking order, highest first (%r)" % got)
            check.check(c.zrange("bz:fifo", 0, -1) == [b"a"], "one member left")
        finally:
            for w in waiters:
                w.disconnect()

        got, pushed, after = pop_with_later_push(
            port, lambda: c.execute_command("BZMPOP", 5, 2, "bz:m1", "bz:m2", "MIN", "COUNT", 5),
            "zadd", "bz:m2", {"x": 7, "y": 8})
        check.check(got == [b"bz:m2", [[b"x", b"7"], [b"y", b"8"]]] and pushed == 2
                    and after < 4.5, "BZMPOP MIN COUNT 5 served by a later ZADD: %r" % got)
        c.rpush("bz:list", "l")
        try:
            got = c.bzpopmin(["bz:list"], 1)
        except redis_py.ResponseError as err:
            got = err
        check.check(isinstance(got, redis_py.ResponseError) and str(got).startswith("WRONGTYPE"),
                    "BZPOPMIN on a list -> WRONGTYPE")
    finally:
        c.close()


def check_blocking_and_transactions(check, port):
    c = client(port)
    try:
        pipe = c.pipeline(transaction=True)
        pipe.blpop(["bt:empty"], 5)
        pipe.bzpopmin(["bt:zempty"], 5)
        pipe.brpoplpush("bt:empty", "bt:dst", 5)
        pipe.rpush("bt:list", "x")
        got, took = timed(pipe.execute)
        check.check(got == [None, None, None, 1] and took < 4.5,
                    "blocking commands inside MULTI answer nil at once (%r in %.2f s)"
                    % (got, took))

        w = raw_connection(port)
        try:
            w.send_command("BLPOP", "bt:q", 10)
            check.check(wait_blocked(c, 1), "a client blocked on bt:q")
            pipe = c.pipeline(transaction=True)
            pipe.rpush("bt:q", "pushed")
            pipe.lpop("bt:q")
            check.check(pipe.execute() == [1, b"pushed"], "MULTI RPUSH + LPOP on bt:q")
            check.check(not w.can_read(timeout=0.5),
                        "a client blocked on bt:q is not served by a transaction that pushed "
                        "and popped it")
            pipe = c.pipeline(transaction=True)
            pipe.rpush("bt:q", "one", "two")
            pipe.rpush("bt:q", "three")
            pipe.llen("bt:q")
            check.check(pipe.execute() == [2, 3, 3], "MULTI RPUSH x2 + LLEN -> 2, 3, 3")
            check.check(read_reply(w) == [b"bt:q", b"one"],
                        "the blocked client is served after EXEC, with the head")
            check.check(c.lrange("bt:q", 0, -1) == [b"two", b"three"], "the rest stays")
        finally:
            w.disconnect()

        # PUBLISH inside MULTI counts receivers when EXEC runs.
        ps = client(port).pubsub()
        try:
            ps.subscribe("bt:chan")
            next_message(ps)
            pipe = c.pipeline(transaction=True)
            pipe.publish("bt:chan", "from exec")
            pipe.set("bt:after", "1")
            check.check(pipe.execute() == [1, True], "PUBLISH inside MULTI -> 1 receiver")
            check.check(next_message(ps) == msg("message", b"bt:chan", b"from exec"),
                        "the message published by EXEC arrived")
        finally:
            ps.close()
    finally:
        c.close()


def main():
    return run_sections(__doc__, "client blocking",
                        (("blocking list pops", check_blocking_lists),
                         ("blocking hang-ups", check_blocking_hangups),
                         ("blocking moves", check_blocking_moves),
                         ("blocking zset pops", check_blocking_zsets),
                         ("blocking and transactions", check_blocking_and_transactions)))


if __name__ == "__main__":
    sys.exit(main())
