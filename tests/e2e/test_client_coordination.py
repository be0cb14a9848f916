"""redis-py driving the commands through which clients coordinate: MULTI/EXEC/DISCARD/WATCH/
UNWATCH, pub/sub (channels, patterns, shard channels) and blocking list and sorted-set pops.

Contract:
  * Keys are plain distinct names, many per check, so that with --cores 2 or 4 a transaction,
    a WATCH or a blocking pop spans several shards. Every reply is compared with what Redis 7.0
    answers (redis-server 7.0.15 passes this script with --server redis).
  * Transactions: replies of every queued command in order; EXEC of commands on many keys is
    atomic (concurrent transactions that INCR the same counters always see them equal, and a
    reader's MULTI never sees half of a writer's MULTI); a command failing inside EXEC does not
    stop the others; a queue-time error makes EXEC answer EXECABORT and run nothing; DISCARD
    drops the queue and the watches; a watched key written by anyone (the watching client too,
    the same value too, an expiry too) makes EXEC answer nil, which redis-py raises as
    WatchError and Redis.transaction() retries.
  * Pub/sub: PUBLISH answers the exact number of receivers, counting every matching pattern;
    each subscriber gets each message once, in publish order, bytes intact.
  * Blocking pops: a client blocked on several keys is served by a push from another
    connection, clients blocked on one key are served first come first served, a timeout
    (whole or fractional seconds) answers nil near the time asked, inside MULTI nothing blocks.
    Where clients must block in a set order, the next one is sent once INFO clients shows the
    previous one blocked (or, on a server without that field, after a 0.5 s pause).
  * Every socket read has a timeout and every wait is bounded; threads are joined with a
    timeout and a thread still running counts as a failure.
"""

import argparse
import socket
import sys
import threading
import time

import redis as redis_py

import server_harness

HOST = server_harness.HOST
SOCKET_TIMEOUT = 15.0   # longer than any blocking timeout used below
SPREAD = 24             # keys per cross-shard check: with 2 or 4 shards some lie on each


def client(port, **kwargs):
    return redis_py.Redis(host=HOST, port=port, socket_timeout=SOCKET_TIMEOUT,
                          socket_connect_timeout=10, **kwargs)


def raw_connection(port):
    """One redis-py connection used command by command, so that each raw reply (QUEUED, nil,
    errors) is seen as the server sent it, and so that a command can be sent now and its
    reply read later."""
    conn = redis_py.Connection(host=HOST, port=port, socket_timeout=SOCKET_TIMEOUT,
                               socket_connect_timeout=10)
    conn.connect()
    return conn


def read_reply(conn):
    """The next reply on `conn`; an error reply is returned as the exception, not raised."""
    try:
        return conn.read_response()
    except redis_py.ResponseError as err:
        return err


def call(conn, *args):
    conn.send_command(*args)
    return read_reply(conn)


def is_error(reply, text, kind=redis_py.ResponseError):
    return isinstance(reply, kind) and str(reply) == text


def spread_keys(prefix, n=SPREAD):
    return ["%s:%d" % (prefix, i) for i in range(n)]


def run_threads(targets, timeout):
    """Starts one thread per callable, joins them all within `timeout` seconds in total.
    Returns the number of threads still running afterwards."""
    threads = [threading.Thread(target=t, daemon=True) for t in targets]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    return sum(t.is_alive() for t in threads)


# ---------------------------------------------------------------------------------------------
# MULTI / EXEC


def check_transaction_replies(check, port):
    c = client(port)
    other = client(port)
    try:
        keys = spread_keys("tx")
        pipe = c.pipeline(transaction=True)
        for i, k in enumerate(keys):
            pipe.set(k, "v%d" % i)
        for k in keys[:8]:
            pipe.append(k, "+")
        pipe.mget(keys)
        pipe.incrby("tx:ctr:a", 5)
        pipe.incrby("tx:ctr:b", -3)
        pipe.rpush("tx:list", "a", "b", "c")
        pipe.sadd("tx:set", "x", "y")
        pipe.hset("tx:hash", mapping={"f1": "1", "f2": "2"})
        pipe.zadd("tx:zset", {"m1": 1.5, "m2": -2})
        pipe.delete(*keys[20:])
        pipe.exists(*keys)
        pipe.get(keys[21])
        pipe.get(keys[0])
        pipe.lrange("tx:list", 0, -1)
        pipe.zrange("tx:zset", 0, -1, withscores=True)
        out = pipe.execute()

        values = [("v%d+" % i if i < 8 else "v%d" % i).encode() for i in range(SPREAD)]
        expected = ([True] * SPREAD + [len(values[i]) for i in range(8)] + [values]
                    + [5, -3, 3, 2, 2, 2, 4, 20, None, b"v0+", [b"a", b"b", b"c"],
                       [(b"m2", -2.0), (b"m1", 1.5)]])
        check.check(len(out) == len(expected), "MULTI of %d commands on %d keys: %d replies"
                    % (len(expected), SPREAD + 6, len(out)))
        for i, (got, want) in enumerate(zip(out, expected)):
            if got != want:
                check.check(False, "MULTI reply %d" % i, "got %r, expected %r" % (got, want))
                break
        else:
            check.check(True, "every reply of the cross-shard MULTI/EXEC is right")
        after = other.mget(keys)
        check.check(after == values[:20] + [None] * 4,
                    "another connection sees every write of the EXEC", repr(after))
    finally:
        c.close()
        other.close()


def check_transaction_atomicity(check, port):
    """Writers INCR the same counters (on different shards) in one MULTI each: inside every
    EXEC the counters must be equal, and the values handed out must be 1..total once each.
    Meanwhile a reader's MULTI of GETs must see all counters at one value."""
    counters = spread_keys("atom:ctr", 12)
    writers, rounds = 4, 60
    handed = []
    errors = []
    snapshots = [0]
    stop = threading.Event()

    def writer():
        c = client(port)
        try:
            for _ in range(rounds):
                pipe = c.pipeline(transaction=True)
                for k in counters:
                    pipe.incr(k)
                got = pipe.execute()
                if len(set(got)) != 1:
                    errors.append("EXEC of INCRs returned unequal counters %r" % got)
                    return
                handed.append(got[0])
        except Exception as err:  # reported, not swallowed
            errors.append("writer: %s: %s" % (type(err).__name__, err))
        finally:
            c.close()

    def reader():
        c = client(port)
        try:
            last = 0
            while not stop.is_set():
                pipe = c.pipeline(transaction=True)
                for k in counters:
                    pipe.get(k)
                pipe.mget(counters)
                got = pipe.execute()
                singles, multi = got[:-1], got[-1]
                seen = set(singles) | set(multi)
                if len(seen) != 1:
                    errors.append("a MULTI of GETs saw counters at different values: %r" % got)
                    return
                value = int(singles[0] or 0)
                if value < last:
                    errors.append("counters went back from %d to %d" % (last, value))
                    return
                last = value
                snapshots[0] += 1
        except Exception as err:
            errors.append("reader: %s: %s" % (type(err).__name__, err))
        finally:
            c.close()

    read_thread = threading.Thread(target=reader, daemon=True)
    read_thread.start()
    stuck = run_threads([writer] * writers, timeout=90)
    stop.set()
    read_thread.join(30)
    stuck += read_thread.is_alive()
    check.check(stuck == 0, "concurrent transactions finished in time (%d stuck)" % stuck)
    check.check(not errors, "concurrent MULTI/EXEC on %d counters: every EXEC atomic"
                % len(counters), "; ".join(errors[:3]))
    total = writers * rounds
    check.check(sorted(handed) == list(range(1, total + 1)),
                "INCRs inside %d concurrent EXECs handed out 1..%d once each" % (total, total))
    check.check(snapshots[0] > 0, "reader took %d consistent snapshots" % snapshots[0])
    final = client(port)
    try:
        check.check(final.mget(counters) == [str(total).encode()] * len(counters),
                    "every counter ends at %d" % total)
    finally:
        final.close()


def check_exec_errors(check, port):
    c = client(port)
    try:
        keys = spread_keys("err")
        c.set(keys[0], "not a number")
        # An error while EXEC runs affects only its own command.
        pipe = c.pipeline(transaction=True)
        pipe.set(keys[1], "before")
        pipe.incr(keys[0])
        pipe.lpush(keys[1], "x")  # WRONGTYPE: keys[1] is a string by then
        for k in keys[2:]:
            pipe.set(k, "after")
        pipe.get(keys[1])
        out = pipe.execute(raise_on_error=False)
        check.check(out[0] is True, "EXEC: SET before the failing command ran")
        check.check(isinstance(out[1], redis_py.ResponseError)
                    and str(out[1]) == "value is not an integer or out of range",
                    "EXEC: INCR of a non-integer fails inside EXEC (%r)" % out[1])
        check.check(isinstance(out[2], redis_py.ResponseError)
                    and str(out[2]).startswith("WRONGTYPE"),
                    "EXEC: LPUSH on a string fails with WRONGTYPE inside EXEC (%r)" % out[2])
        check.check(out[3:] == [True] * (SPREAD - 2) + [b"before"],
                    "EXEC: the commands after the failures all ran", repr(out[3:]))
        check.check(c.mget(keys[2:]) == [b"after"] * (SPREAD - 2) and c.get(keys[0])
                    == b"not a number", "EXEC: the writes are there, the failed INCR wrote nothing")

        # redis-py's default raise_on_error=True raises after EXEC; the rest still ran.
        pipe = c.pipeline(transaction=True)
        pipe.set(keys[3], "one")
        pipe.incr(keys[0])
        pipe.set(keys[4], "two")
        try:
            pipe.execute()
            check.check(False, "EXEC with a failing command raises in redis-py")
        except redis_py.ResponseError as err:
            check.check("value is not an integer" in str(err),
                        "EXEC with a failing command raises in redis-py (%s)" % err)
        check.check(c.mget(keys[3], keys[4]) == [b"one", b"two"],
                    "EXEC with a failing command: the other commands ran")

        # A queue-time error (unknown command) discards the whole transaction.
        pipe = c.pipeline(transaction=True)
        for k in keys:
            pipe.set(k, "never")
        pipe.execute_command("NOSUCHCOMMAND", "arg")
        pipe.incr("err:ctr")
        try:
            pipe.execute()
            check.check(False, "EXEC after an unknown command raises")
        except redis_py.ResponseError as err:
            check.check("unknown command 'NOSUCHCOMMAND'" in str(err),
                        "EXEC after an unknown command raises the queue-time error (%s)" % err)
        before = [b"not a number", b"before", b"after", b"one", b"two"] + [b"after"] * (SPREAD - 5)
        check.check(c.mget(keys) == before and c.get("err:ctr") is None,
                    "EXECABORT: none of the queued commands ran")

        conn = raw_connection(port)
        try:
            check.check(call(conn, "MULTI") == b"OK", "raw: MULTI -> OK")
            check.check(call(conn, "SET", keys[5], "queued") == b"QUEUED", "raw: SET -> QUEUED")
            got = call(conn, "NOSUCHCOMMAND", "x")
            check.check(is_error(got, "unknown command 'NOSUCHCOMMAND', with args beginning "
                                 "with: 'x' "), "raw: unknown command inside MULTI -> %r" % got)
            got = call(conn, "GET")
            check.check(is_error(got, "wrong number of arguments for 'get' command"),
                        "raw: arity error inside MULTI -> %r" % got)
            check.check(call(conn, "INCR", keys[6]) == b"QUEUED", "raw: INCR -> QUEUED")
            got = call(conn, "EXEC")
            check.check(is_error(got, "Transaction discarded because of previous errors.",
                                 redis_py.exceptions.ExecAbortError),
                        "raw: EXEC -> EXECABORT Transaction discarded ... (%r)" % got)
            check.check(call(conn, "MGET", keys[5], keys[6]) == [b"after", b"after"],
                        "raw: nothing of the aborted transaction ran")
            got = call(conn, "EXEC")
            check.check(is_error(got, "EXEC without MULTI"), "raw: EXEC without MULTI -> %r" % got)
            got = call(conn, "DISCARD")
            check.check(is_error(got, "DISCARD without MULTI"),
                        "raw: DISCARD without MULTI -> %r" % got)
            check.check(call(conn, "MULTI") == b"OK", "raw: MULTI again")
            got = call(conn, "MULTI")
            check.check(is_error(got, "MULTI calls can not be nested"),
                        "raw: nested MULTI -> %r" % got)
            got = call(conn, "WATCH", keys[7])
            check.check(is_error(got, "WATCH inside MULTI is not allowed"),
                        "raw: WATCH inside MULTI -> %r" % got)
            check.check(call(conn, "INCR", "err:ctr") == b"QUEUED", "raw: INCR -> QUEUED")
            got = call(conn, "EXEC")
            check.check(got == [1], "raw: nested MULTI and WATCH inside MULTI do not abort "
                        "the transaction: EXEC -> %r" % got)
            check.check(call(conn, "MULTI") == b"OK" and call(conn, "EXEC") == [],
                        "raw: empty MULTI/EXEC -> empty array")
        finally:
            conn.disconnect()
    finally:
        c.close()


def check_discard(check, port):
    c = client(port)
    other = client(port)
    conn = raw_connection(port)
    try:
        keys = spread_keys("dis")
        c.mset({k: "old" for k in keys})
        check.check(call(conn, "MULTI") == b"OK", "DISCARD: MULTI -> OK")
        queued = [call(conn, "SET", k, "new") for k in keys] + [call(conn, "INCR", "dis:ctr")]
        check.check(queued == [b"QUEUED"] * (SPREAD + 1), "DISCARD: %d commands QUEUED"
                    % len(queued))
        check.check(other.mget(keys) == [b"old"] * SPREAD,
                    "DISCARD: queued commands are invisible before EXEC")
        check.check(call(conn, "DISCARD") == b"OK", "DISCARD -> OK")
        check.check(c.mget(keys) == [b"old"] * SPREAD and c.get("dis:ctr") is None,
                    "DISCARD: nothing of the queue ran")
        check.check(call(conn, "GET", keys[0]) == b"old",
                    "DISCARD: the connection is out of MULTI (GET answers at once)")
        # DISCARD also forgets the watched keys.
        check.check(call(conn, "WATCH", keys[0], keys[-1]) == b"OK", "DISCARD: WATCH -> OK")
        check.check(call(conn, "MULTI") == b"OK" and call(conn, "DISCARD") == b"OK",
                    "DISCARD: MULTI, DISCARD")
        other.set(keys[-1], "changed")
        check.check(call(conn, "MULTI") == b"OK" and call(conn, "SET", keys[0], "mine")
                    == b"QUEUED", "DISCARD: new MULTI after the watched key changed")
        got = call(conn, "EXEC")
        check.check(got == [b"OK"], "DISCARD released the watches: EXEC -> %r" % got)
    finally:
        conn.disconnect()
        c.close()
        other.close()


# ---------------------------------------------------------------------------------------------
# WATCH


def check_transaction_retry(check, port):
    c = client(port)
    other = client(port)
    try:
        keys = spread_keys("retry", 8)
        c.mset({k: 10 for k in keys})
        attempts = []

        def add_one_to_all(pipe):
            # Runs with every key watched: reads in immediate mode, then queues the writes.
            attempts.append(pipe.mget(keys))
            if len(attempts) == 1:
                other.set(keys[-1], 100)  # another client writes between WATCH and EXEC
            current = [int(v) for v in attempts[-1]]
            pipe.multi()
            for k, v in zip(keys, current):
                pipe.set(k, v + 1)

        result = c.transaction(add_one_to_all, *keys)
        check.check(len(attempts) == 2, "transaction(): the conflicting write made redis-py "
                    "run the function again (%d attempts)" % len(attempts))
        check.check(len(attempts) == 2 and attempts[1] == [b"10"] * 7 + [b"100"],
                    "transaction(): the retry read the other client's value",
                    repr(attempts[1:]))
        check.check(result == [True] * len(keys), "transaction(): EXEC replies %r" % result)
        check.check(c.mget(keys) == [b"11"] * 7 + [b"101"],
                    "transaction(): final values computed from the retry's reads")

        # Several clients doing read-modify-write with WATCH: no update may be lost.
        counters = spread_keys("rmw", 6)
        clients, rounds = 4, 40
        retries = []
        errors = []

        def worker():
            w = client(port)
            tries = [0]

            def bump(pipe):
                tries[0] += 1
                values = [int(v or 0) for v in pipe.mget(counters)]
                pipe.multi()
                for k, v in zip(counters, values):
                    pipe.set(k, v + 1)

            try:
                for _ in range(rounds):
                    w.transaction(bump, *counters)
                retries.append(tries[0] - rounds)
            except Exception as err:
                errors.append("%s: %s" % (type(err).__name__, err))
            finally:
                w.close()

        stuck = run_threads([worker] * clients, timeout=120)
        total = clients * rounds
        check.check(stuck == 0 and not errors, "%d clients x %d WATCH read-modify-writes "
                    "finished (%d stuck)" % (clients, rounds, stuck), "; ".join(errors[:3]))
        got = c.mget(counters)
        check.check(got == [str(total).encode()] * len(counters),
                    "no update lost: every counter is %d (%d retries in all)"
                    % (total, sum(retries)), repr(got))
    finally:
        c.close()
        other.close()


def check_watch(check, port):
    c = client(port)
    other = client(port)
    keys = spread_keys("w")

    def attempt(watched, meddle, write=None):
        """WATCH `watched`, run meddle(pipe), then MULTI / SET each of `write` / EXEC.
        Returns the EXEC replies, or "aborted" on WatchError."""
        pipe = c.pipeline(transaction=True)
        try:
            pipe.watch(*watched)
            meddle(pipe)
            pipe.multi()
            for k in (write or [watched[0]]):
                pipe.set(k, "mine")
            return pipe.execute()
        except redis_py.WatchError:
            return "aborted"
        finally:
            pipe.reset()

    try:
        c.mset({k: "start" for k in keys})
        got = attempt(keys, lambda p: None, keys)
        check.check(got == [True] * SPREAD, "WATCH %d keys, nothing changes: EXEC runs" % SPREAD)
        got = attempt(keys, lambda p: other.get(keys[5]))
        check.check(got == [True], "WATCH: a read by another client does not abort (%r)" % got)
        got = attempt([keys[0]], lambda p: other.set(keys[0], "theirs"))
        check.check(got == "aborted", "WATCH: another client's SET -> WatchError (%r)" % got)
        check.check(c.get(keys[0]) == b"theirs", "WatchError: the other client's value stays")
        got = attempt(keys, lambda p: other.incrbyfloat("w:unrelated", 1), keys[:3])
        check.check(got == [True] * 3, "WATCH: a write to an unwatched key does not abort")
        got = attempt(keys, lambda p: other.rpush(keys[-1] + ":list", "x"))
        check.check(got == [True], "WATCH: a write to a similar key name does not abort")
        got = attempt(keys, lambda p: other.delete(keys[-1]))
        check.check(got == "aborted", "WATCH %d keys, another client DELs the last one -> "
                    "WatchError (%r)" % (SPREAD, got))
        check.check(c.exists(keys[-1]) == 0, "WatchError: nothing of the transaction ran")
        got = attempt(["w:absent"], lambda p: other.set("w:absent", "created"))
        check.check(got == "aborted", "WATCH a missing key that another client creates -> "
                    "WatchError (%r)" % got)
        c.set(keys[1], "same")
        got = attempt([keys[1]], lambda p: other.set(keys[1], "same"))
        check.check(got == "aborted", "WATCH: SET to the same value still aborts (%r)" % got)
        got = attempt([keys[2]], lambda p: other.expire(keys[2], 1000))
        check.check(got == "aborted", "WATCH: EXPIRE of the watched key aborts (%r)" % got)
        got = attempt([keys[3]], lambda p: p.set(keys[3], "own write"))
        check.check(got == "aborted", "WATCH: the watching client's own write before MULTI "
                    "aborts (%r)" % got)
        got = attempt([keys[4]], lambda p: (p.unwatch(), other.set(keys[4], "theirs")))
        check.check(got == [True] and c.get(keys[4]) == b"mine",
                    "UNWATCH, then another client's write: EXEC runs (%r)" % got)
        c.set(keys[6], "short-lived", px=500)
        ttl_seen = []

        def let_expire(pipe):
            # Read after WATCH (immediate mode): the key still existed when it was watched.
            ttl_seen.append(pipe.pttl(keys[6]))
            time.sleep(max(ttl_seen[0], 0) / 1000 + 0.2)

        got = attempt([keys[6]], let_expire, [keys[7]])
        check.check(ttl_seen[0] > 0 and got == "aborted", "WATCH a key that expires before "
                    "EXEC -> WatchError (PTTL after WATCH %r, EXEC %r)" % (ttl_seen[0], got))

        # On one raw connection: EXEC, even when aborted, forgets the watches.
        conn = raw_connection(port)
        try:
            call(conn, "WATCH", keys[8], keys[9])
            other.set(keys[9], "x")
            call(conn, "MULTI")
            call(conn, "SET", keys[8], "mine")
            check.check(call(conn, "EXEC") is None, "raw: EXEC after a watched key changed "
                        "-> nil")
            other.set(keys[9], "y")
            call(conn, "MULTI")
            call(conn, "SET", keys[8], "mine")
            check.check(call(conn, "EXEC") == [b"OK"], "raw: the aborted EXEC unwatched its keys")
            check.check(call(conn, "WATCH", keys[10]) == b"OK"
                        and call(conn, "UNWATCH") == b"OK", "raw: WATCH, UNWATCH -> OK")
        finally:
            conn.disconnect()
    finally:
        c.close()
        other.close()


# ---------------------------------------------------------------------------------------------
# Pub/sub


def next_message(ps, timeout=5.0):
    """The next message of any kind on a redis-py PubSub, or None after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = ps.get_message(timeout=min(0.1, max(0.0, deadline - time.monotonic())))
        if msg is not None:
            return msg
    return None


def no_message(ps, wait=0.3):
    return next_message(ps, timeout=wait) is None


def msg(kind, channel, data, pattern=None):
    return {"type": kind, "pattern": pattern, "channel": channel, "data": data}


def check_pubsub(check, port):
    pub = client(port)
    subs = [client(port).pubsub() for _ in range(3)]
    watcher = client(port).pubsub()
    s1, s2, s3 = subs
    try:
        s1.subscribe("news", "sports")
        check.check(next_message(s1) == msg("subscribe", b"news", 1)
                    and next_message(s1) == msg("subscribe", b"sports", 2),
                    "SUBSCRIBE news sports: confirmations with counts 1 and 2")
        s2.subscribe("news")
        s3.subscribe("news")
        check.check(next_message(s2) == msg("subscribe", b"news", 1)
                    and next_message(s3) == msg("subscribe", b"news", 1),
                    "two more connections subscribe to news")
        watcher.psubscribe("n*", "*s")
        check.check(next_message(watcher) == msg("psubscribe", b"n*", 1)
                    and next_message(watcher) == msg("psubscribe", b"*s", 2),
                    "PSUBSCRIBE n* *s: confirmations with counts 1 and 2")
        s1.psubscribe("ne?s")
        check.check(next_message(s1) == msg("psubscribe", b"ne?s", 3),
                    "PSUBSCRIBE on a connection with 2 channels: count 3")

        check.check(pub.pubsub_numsub("news", "sports", "unheard")
                    == [(b"news", 3), (b"sports", 1), (b"unheard", 0)], "PUBSUB NUMSUB")
        check.check(pub.pubsub_numpat() == 3, "PUBSUB NUMPAT -> 3")
        check.check(sorted(pub.pubsub_channels("*")) == [b"news", b"sports"],
                    "PUBSUB CHANNELS -> news, sports")

        # news: 3 channel subscribers + n* + *s + ne?s = 6 receivers.
        payloads = [b"first", b"second \x00\xff\r\n binary", b"x" * 10000]
        counts = [pub.publish("news", p) for p in payloads]
        check.check(counts == [6, 6, 6], "PUBLISH news x3 -> 6 receivers each (%r)" % counts)
        for i, s in enumerate(subs):
            got = [next_message(s) for _ in range(3 if i else 6)]
            if i:
                want = [msg("message", b"news", p) for p in payloads]
            else:
                want = [m for p in payloads for m in (msg("message", b"news", p),
                                                      msg("pmessage", b"news", p, b"ne?s"))]
            check.check(got == want, "subscriber %d got every message once, in order" % (i + 1),
                        repr(got)[:300])
        got = [next_message(watcher) for _ in range(6)]
        want = [msg("pmessage", b"news", p, pat) for p in payloads for pat in (b"n*", b"*s")]
        check.check(sorted(got, key=repr) == sorted(want, key=repr)
                    and [m["data"] for m in got] == [p for p in payloads for _ in (0, 1)],
                    "pattern subscriber got each message once per matching pattern, in order")
        check.check(pub.publish("sports", "goal") == 2, "PUBLISH sports -> 2 (sports, *s)")
        check.check(next_message(s1) == msg("message", b"sports", b"goal")
                    and next_message(watcher) == msg("pmessage", b"sports", b"goal", b"*s"),
                    "sports message delivered to the channel and the pattern subscriber")
        check.check(pub.publish("quiet-channels", "x") == 1 and pub.publish("q", "x") == 0,
                    "PUBLISH to unsubscribed channels -> 1 (*s matches) and 0")
        check.check(next_message(watcher) == msg("pmessage", b"quiet-channels", b"x", b"*s"),
                    "pattern *s matched quiet-channels")
        check.check(all(no_message(s) for s in subs) and no_message(watcher),
                    "no subscriber got anything extra")

        # Commands other than (P|S)SUBSCRIBE, PING, QUIT, RESET are refused in RESP2.
        s2.ping()
        check.check(next_message(s2) == msg("pong", None, b""), "PING while subscribed -> pong")
        s2.execute_command("GET", "news")
        try:
            got = next_message(s2)
        except redis_py.ResponseError as err:
            got = err
        check.check(is_error(got, "Can't execute 'get': only (P|S)SUBSCRIBE / "
                             "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
                             "context"), "GET while subscribed is refused (%r)" % got)

        s2.unsubscribe("news")
        check.check(next_message(s2) == msg("unsubscribe", b"news", 0),
                    "UNSUBSCRIBE news -> count 0")
        s1.punsubscribe()
        check.check(next_message(s1) == msg("punsubscribe", b"ne?s", 2),
                    "PUNSUBSCRIBE (all) -> the pattern, count 2")
        watcher.punsubscribe("n*")
        check.check(next_message(watcher) == msg("punsubscribe", b"n*", 1),
                    "PUNSUBSCRIBE n* -> count 1")
        check.check(pub.publish("news", "late") == 3, "PUBLISH news after unsubscribes -> 3 "
                    "(two channel subscribers and *s)")
        check.check(next_message(s1) == msg("message", b"news", b"late")
                    and next_message(s3) == msg("message", b"news", b"late")
                    and next_message(watcher) == msg("pmessage", b"news", b"late", b"*s")
                    and no_message(s2), "only the remaining subscribers got it")
        s1.unsubscribe()
        got = sorted([next_message(s1), next_message(s1)], key=lambda m: m["channel"])
        check.check(got == [msg("unsubscribe", b"news", 1), msg("unsubscribe", b"sports", 0)]
                    or got == [msg("unsubscribe", b"news", 0), msg("unsubscribe", b"sports", 1)],
                    "UNSUBSCRIBE (all) -> one reply per channel, counts down to 0", repr(got))
        check.check(pub.pubsub_numsub("news", "sports") == [(b"news", 1), (b"sports", 0)]
                    and pub.pubsub_numpat() == 1, "PUBSUB NUMSUB / NUMPAT after unsubscribing")

        # A subscriber that disconnects stops counting.
        s3.close()
        deadline = time.monotonic() + 5
        while pub.pubsub_numsub("news") != [(b"news", 0)] and time.monotonic() < deadline:
            time.sleep(0.02)
        check.check(pub.publish("news", "after close") == 1,
                    "PUBLISH after the last channel subscriber disconnected -> 1 (*s)")
    finally:
        for s in subs + [watcher]:
            s.close()
        pub.close()


def check_shard_pubsub(check, port):
    """SSUBSCRIBE / SPUBLISH (Redis 7.0), on raw redis-py connections: redis-py 4.3 has no
    helper for shard channels."""
    pub = client(port)
    a = raw_connection(port)
    b = raw_connection(port)
    try:
        channels = spread_keys("shch", 8)
        got = [call(a, "SSUBSCRIBE", ch) for ch in channels]
        check.check(got == [[b"ssubscribe", ch.encode(), i + 1] for i, ch in enumerate(channels)],
                    "SSUBSCRIBE 8 shard channels, one at a time: counts 1..8")
        check.check(call(b, "SSUBSCRIBE", channels[0]) == [b"ssubscribe", channels[0].encode(), 1],
                    "a second connection SSUBSCRIBEs to the first")
        counts = [pub.execute_command("SPUBLISH", ch, "m-" + ch) for ch in channels]
        check.check(counts == [2] + [1] * 7, "SPUBLISH counts shard-channel receivers (%r)"
                    % counts)
        got = [read_reply(a) for _ in channels]
        check.check(got == [[b"smessage", ch.encode(), ("m-" + ch).encode()] for ch in channels],
                    "every shard message arrived as smessage, in publish order")
        check.check(read_reply(b) == [b"smessage", channels[0].encode(),
                                      ("m-" + channels[0]).encode()], "second subscriber too")
        check.check(pub.publish(channels[0], "plain") == 0,
                    "PUBLISH does not reach shard-channel subscribers (0)")
        check.check(pub.execute_command("PUBSUB", "SHARDNUMSUB", channels[0], channels[1])
                    == [channels[0].encode(), 2, channels[1].encode(), 1], "PUBSUB SHARDNUMSUB")
        check.check(call(b, "SUNSUBSCRIBE", channels[0]) == [b"sunsubscribe",
                                                               channels[0].encode(), 0],
                    "SUNSUBSCRIBE -> count 0")
        check.check(pub.execute_command("SPUBLISH", channels[0], "again") == 1,
                    "SPUBLISH after one unsubscribed -> 1")
        check.check(read_reply(a) == [b"smessage", channels[0].encode(), b"again"]
                    and not b.can_read(timeout=0.3), "only the remaining subscriber got it")
    finally:
        a.disconnect()
        b.disconnect()
        pub.close()


# ---------------------------------------------------------------------------------------------
# Blocking pops


def timed(fn, *args):
    start = time.monotonic()
    result = fn(*args)
    return result, time.monotonic() - start


def pop_with_later_push(port, pop, push_name, *push_args, delay=0.3):
    """Runs pop() (a blocking pop) while another connection, `delay` s after the pop is
    called, runs client.<push_name>(*push_args). Returns (pop reply, push reply, seconds from
    the start of the push to the pop's reply). The delay counts from the moment the pop is
    called, not from when the pushing thread started, so a slow thread start cannot move the
    push ahead of the pop."""
    go = threading.Event()
    done = {}

    def run():
        c = client(port)
        try:
            if not go.wait(30):
                raise RuntimeError("the pop was never called")
            time.sleep(delay)
            done["pushed_at"] = time.monotonic()
            done["result"] = getattr(c, push_name)(*push_args)
        except Exception as err:
            done["result"] = err
        finally:
            c.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    go.set()
    got = pop()
    returned = time.monotonic()
    thread.join(30)
    if thread.is_alive() or "pushed_at" not in done:
        raise RuntimeError("the pushing connection did not finish: %r" % done)
    return got, done["result"], returned - done["pushed_at"]


def wait_blocked(c, count):
    """Waits, at most 10 s, until the server reports `count` blocked clients, so that clients
    meant to block in a given order really do. Uses INFO clients' blocked_clients; a server
    whose INFO has no such field gets a fixed 0.5 s pause instead. Returns False only if the
    field exists and never reached `count`."""
    try:
        info = c.info("clients")
    except redis_py.ResponseError:
        info = {}
    if "blocked_clients" not in info:
        time.sleep(0.5)
        return True
    deadline = time.monotonic() + 10
    while info.get("blocked_clients") != count and time.monotonic() < deadline:
        time.sleep(0.01)
        info = c.info("clients")
    return info.get("blocked_clients") == count


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


def check_server_commands_in_transactions(check, port):
    """SELECT, CLIENT and CONFIG queued in MULTI run in order with the other commands; a WATCH
    abort runs none of them; EXEC's own errors and subcommand errors follow Redis."""
    c = client(port)
    conn = raw_connection(port)
    try:
        keys = spread_keys("srv")
        c.set(keys[0], "v0")
        # WATCH abort: the SELECT queued in the block does not happen.
        check.check(call(conn, "WATCH", keys[0]) == b"OK", "WATCH")
        c.set(keys[0], "meddled")
        for cmd in (("MULTI",), ("SELECT", "3"), ("SET", keys[1], "in db 3"), ("EXEC",)):
            conn.send_command(*cmd)
        got = [read_reply(conn) for _ in range(4)]
        check.check(got == [b"OK", b"QUEUED", b"QUEUED", None],
                    "WATCH abort with SELECT queued -> nil (%r)" % got)
        check.check(call(conn, "GET", keys[0]) == b"meddled",
                    "after the WATCH abort the connection is still in db 0")
        # UNWATCH queued in the block does not save it from the watch.
        check.check(call(conn, "WATCH", keys[5], keys[6]) == b"OK", "WATCH two keys")
        c.set(keys[6], "meddled")
        for cmd in (("MULTI",), ("UNWATCH",), ("SET", keys[5], "never"), ("EXEC",)):
            conn.send_command(*cmd)
        got = [read_reply(conn) for _ in range(4)]
        check.check(got == [b"OK", b"QUEUED", b"QUEUED", None] and c.get(keys[5]) is None,
                    "UNWATCH inside MULTI: EXEC still aborts (%r)" % got)
        # Without the abort SELECT applies to the commands after it, and stays.
        for cmd in (("MULTI",), ("SET", keys[2], "db0"), ("SELECT", "3"), ("SET", keys[2], "db3"),
                    ("EXEC",)):
            conn.send_command(*cmd)
        got = [read_reply(conn) for _ in range(5)]
        check.check(got[-1] == [True, b"OK", True] or got[-1] == [b"OK", b"OK", b"OK"],
                    "MULTI SET, SELECT 3, SET -> %r" % got[-1])
        check.check(call(conn, "GET", keys[2]) == b"db3" and c.get(keys[2]) == b"db0",
                    "SELECT inside EXEC applied to the command after it, and stays")
        call(conn, "SELECT", "0")

        # CLIENT and CONFIG run in order inside EXEC.
        for cmd in (("MULTI",), ("CLIENT", "SETNAME", "txn-name"), ("CLIENT", "GETNAME"),
                    ("CONFIG", "SET", "notify-keyspace-events", "KEA"),
                    ("CONFIG", "GET", "notify-keyspace-events"),
                    ("CONFIG", "SET", "notify-keyspace-events", ""),
                    ("CONFIG", "GET", "notify-keyspace-events"), ("EXEC",)):
            conn.send_command(*cmd)
        got = [read_reply(conn) for _ in range(8)][-1]
        want = [b"OK", b"txn-name", b"OK", [b"notify-keyspace-events", b"AKE"], b"OK",
                [b"notify-keyspace-events", b""]]
        check.check(got == want, "CLIENT and CONFIG inside EXEC, in order (%r)" % got)
        check.check(call(conn, "CLIENT", "GETNAME") == b"txn-name",
                    "CLIENT SETNAME inside EXEC stays")

        # CLIENT UNBLOCK inside EXEC reaches a client blocked on any shard.
        blocked = [raw_connection(port) for _ in range(4)]
        try:
            ids = [call(b, "CLIENT", "ID") for b in blocked]
            for i, b in enumerate(blocked):
                b.send_command("BLPOP", keys[10 + i], 10)
            check.check(wait_blocked(c, 4), "four clients blocked")
            conn.send_command("MULTI")
            for i in ids:
                conn.send_command("CLIENT", "UNBLOCK", i)
            conn.send_command("CLIENT", "UNBLOCK", 999999)
            conn.send_command("EXEC")
            got = [read_reply(conn) for _ in range(len(ids) + 3)][-1]
            check.check(got == [1, 1, 1, 1, 0], "CLIENT UNBLOCK inside EXEC -> %r" % got)
            check.check(all(read_reply(b) is None for b in blocked),
                        "the unblocked clients got nil")
        finally:
            for b in blocked:
                b.disconnect()

        # EXEC with arguments ends the transaction, in MULTI or not.
        got = call(conn, "EXEC", "x")
        check.check(is_error(got, "Transaction discarded because of: wrong number of arguments "
                             "for 'exec' command", redis_py.exceptions.ExecAbortError),
                    "EXEC x outside MULTI -> EXECABORT (%r)" % got)
        for cmd in (("MULTI",), ("SET", keys[3], "never"), ("EXEC", "x")):
            conn.send_command(*cmd)
        got = [read_reply(conn) for _ in range(3)]
        check.check(is_error(got[2], "Transaction discarded because of: wrong number of "
                             "arguments for 'exec' command", redis_py.exceptions.ExecAbortError),
                    "EXEC x inside MULTI -> EXECABORT (%r)" % got[2])
        check.check(c.get(keys[3]) is None and call(conn, "PING") == b"PONG",
                    "EXEC x ran nothing and left MULTI")
        # A container's unknown subcommand or its wrong arity is refused when queued.
        for cmd in (("MULTI",), ("OBJECT", "NOSUCH"), ("OBJECT", "ENCODING"),
                    ("SET", keys[4], "never"), ("EXEC",)):
            conn.send_command(*cmd)
        got = [read_reply(conn) for _ in range(5)]
        check.check(is_error(got[1], "unknown subcommand 'NOSUCH'. Try OBJECT HELP.") and
                    is_error(got[2], "wrong number of arguments for 'object|encoding' command")
                    and got[3] == b"QUEUED",
                    "subcommand errors are refused when queued (%r)" % got[1:4])
        check.check(isinstance(got[4], redis_py.exceptions.ExecAbortError) and
                    c.get(keys[4]) is None, "... and abort the transaction (%r)" % got[4])
    finally:
        conn.disconnect()
        c.close()


def check_concurrent_cross_shard_reads(check, port):
    """Read-only commands over keys of several shards (SINTER, SUNION, ZUNION, LCS) running at
    once from many clients, against SCARD/ZCARD/STRLEN readers: no reader ever sees a key
    missing or short, and every key is intact afterwards."""
    c = client(port)
    try:
        sets = spread_keys("ro:set", 8)
        zsets = spread_keys("ro:zset", 8)
        strs = spread_keys("ro:str", 8)
        for k in sets:
            c.sadd(k, *range(20))
        for k in zsets:
            c.zadd(k, {str(i): i for i in range(20)})
        for k in strs:
            c.set(k, "abcdefghij")
        bad = []

        def reader(i):
            r = client(port)
            try:
                for j in range(250):
                    a, b = (i + j) % 8, (i + j + 1) % 8
                    if len(r.sinter(sets[a], sets[b])) != 20 or r.scard(sets[a]) != 20:
                        bad.append(("set", a, b))
                    if len(r.sunion(sets[a], sets[b])) != 20:
                        bad.append(("sunion", a, b))
                    if len(r.zunion([zsets[a], zsets[b]])) != 20 or r.zcard(zsets[b]) != 20:
                        bad.append(("zset", a, b))
                    if r.execute_command("LCS", strs[a], strs[b]) != b"abcdefghij" or \
                            r.strlen(strs[a]) != 10:
                        bad.append(("lcs", a, b))
            finally:
                r.close()

        left = run_threads([lambda i=i: reader(i) for i in range(6)], timeout=120)
        check.check(left == 0, "six concurrent readers finished (%d still running)" % left)
        check.check(not bad, "no read saw a key missing or short (%d bad, first %r)"
                    % (len(bad), bad[:3]))
        check.check([c.scard(k) for k in sets] == [20] * 8 and
                    [c.zcard(k) for k in zsets] == [20] * 8 and
                    c.mget(strs) == [b"abcdefghij"] * 8,
                    "every key intact after the concurrent cross-shard reads")
    finally:
        c.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    check = server_harness.Checker("client coordination (redis-py %s): %s"
                                   % (redis_py.__version__, server_harness.describe(args)))
    with server_harness.server_from_args(args) as srv:
        for title, fn in (("MULTI/EXEC replies", check_transaction_replies),
                          ("MULTI/EXEC atomicity", check_transaction_atomicity),
                          ("errors in transactions", check_exec_errors),
                          ("DISCARD", check_discard),
                          ("transaction() retry", check_transaction_retry),
                          ("WATCH", check_watch),
                          ("pub/sub", check_pubsub),
                          ("shard pub/sub", check_shard_pubsub),
                          ("blocking list pops", check_blocking_lists),
                          ("blocking hang-ups", check_blocking_hangups),
                          ("blocking moves", check_blocking_moves),
                          ("blocking zset pops", check_blocking_zsets),
                          ("blocking and transactions", check_blocking_and_transactions),
                          ("server commands in transactions",
                           check_server_commands_in_transactions),
                          ("concurrent cross-shard reads", check_concurrent_cross_shard_reads)):
            check.section(title, fn, check, srv.port)
        check.check(srv.alive(), "server still running")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
