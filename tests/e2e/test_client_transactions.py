"""redis-py driving MULTI/EXEC/DISCARD/WATCH/UNWATCH, and server commands and cross-shard reads
inside and alongside transactions.

Contract:
  * Every reply is compared with what Redis 7.0 answers (redis-server 7.0.15 passes this script
    with --server redis). Keys are plain distinct names, many per check, so that with --cores 2
    or 4 each check spans several shards.
  * Every socket read has a timeout and every wait is bounded; threads are joined with a
    timeout and a thread still running counts as a failure.
  * Replies of every queued command in order; EXEC of commands on many keys is atomic
    (concurrent transactions that INCR the same counters always see them equal, and a reader's
    MULTI never sees half of a writer's MULTI); a command failing inside EXEC does not stop the
    others; a queue-time error makes EXEC answer EXECABORT and run nothing; DISCARD drops the
    queue and the watches; a watched key written by anyone (the watching client too, the same
    value too, an expiry too) makes EXEC answer nil, which redis-py raises as WatchError and
    Redis.transaction() retries.
"""

import sys
import threading
import time

import redis as redis_py

from coordination_helpers import (SPREAD, call, client, is_error, raw_connection, read_reply,
                                  run_sections, run_threads, spread_keys, wait_blocked)


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
    return run_sections(__doc__, "client transactions",
                        (("MULTI/EXEC replies", check_transaction_replies),
                         ("MULTI/EXEC atomicity", check_transaction_atomicity),
                         ("errors in transactions", check_exec_errors),
                         ("DISCARD", check_discard),
                         ("transaction() retry", check_transaction_retry),
                         ("WATCH", check_watch),
                         ("server commands in transactions",
                          check_server_commands_in_transactions),
                         ("concurrent cross-shard reads", check_concurrent_cross_shard_reads)))


if __name__ == "__main__":
    sys.exit(main())
