"""SCAN across shards while other clients insert and delete, and active expiry
of keys nobody touches.

SCAN: 20,000 stable keys are loaded; then one client runs full SCAN iterations
(COUNT 50) while two writer clients insert and delete volatile keys in bursts
large enough to make the tables grow and shrink mid-scan. Every stable key must
be returned by every full iteration, and every key returned must be a stable key
or a volatile one (never garbage). MATCH and TYPE filters are checked too.

Active expiry: 30,000 keys get a TTL of about 1 s and are never touched again; the
key count (DBSIZE counts expired keys not yet reclaimed, as Redis does) must
fall to zero within a few seconds through active expiry alone."""

import argparse
import threading
import time

import resp_wire
import server_harness

STABLE = 20000
SCAN_ROUNDS = 3
EXPIRING = 30000
EXPIRY_DEADLINE = 15.0


def load(conn, keys, extra=()):
    batch = []
    for k in keys:
        batch.append(["SET", k, "v"] + list(extra))
        if len(batch) == 1000:
            conn.send(resp_wire.encode_many(batch))
            for _ in batch:
                conn.read_value()
            batch = []
    if batch:
        conn.send(resp_wire.encode_many(batch))
        for _ in batch:
            conn.read_value()


def full_scan(conn, *options):
    seen = set()
    cursor = b"0"
    calls = 0
    while True:
        reply = conn.call("SCAN", cursor, *options)
        cursor, keys = reply[0], reply[1]
        seen.update(keys)
        calls += 1
        if cursor == b"0":
            return seen, calls


def writer(port, idx, stop, errors):
    try:
        with resp_wire.Conn(port, timeout=30) as conn:
            rnd = 0
            while not stop.is_set():
                keys = ["vol:%d:%d:%d" % (idx, rnd, i) for i in range(30000)]
                load(conn, keys)
                for start in range(0, len(keys), 1000):
                    conn.call("DEL", *keys[start:start + 1000])
                rnd += 1
    except Exception as err:  # reported by the main thread
        errors.append("writer %d: %s: %s" % (idx, type(err).__name__, err))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    check = server_harness.Checker("SCAN under writes and active expiry: %s"
                                   % server_harness.describe(args))
    with server_harness.server_from_args(args) as srv:
        stable = {b"stable:%d" % i for i in range(STABLE)}
        with resp_wire.Conn(srv.port, timeout=30) as conn:
            load(conn, sorted(stable))
            stop = threading.Event()
            errors = []
            writers = [threading.Thread(target=writer, args=(srv.port, i, stop, errors),
                                        daemon=True) for i in range(2)]
            for t in writers:
                t.start()
            try:
                for rnd in range(SCAN_ROUNDS):
                    seen, calls = full_scan(conn, "COUNT", "50")
                    missing = stable - seen
                    strange = {k for k in seen - stable if not k.startswith(b"vol:")}
                    check.check(not missing, "round %d: every stable key returned (%d calls, "
                                "%d keys seen)" % (rnd, calls, len(seen)),
                                "%d missing, e.g. %r" % (len(missing), sorted(missing)[:3]))
                    check.check(not strange, "round %d: only stable or volatile keys" % rnd,
                                "unexpected %r" % sorted(strange)[:3])
                seen, _ = full_scan(conn, "MATCH", "stable:1*", "COUNT", "200")
                want = {k for k in stable if k.startswith(b"stable:1")}
                check.check(seen == want, "MATCH stable:1* returns exactly those keys",
                            "%d seen, %d wanted" % (len(seen), len(want)))
                seen, _ = full_scan(conn, "MATCH", "stable:*", "TYPE", "string", "COUNT", "500")
                check.check(seen == stable, "TYPE string returns the stable keys")
                seen, _ = full_scan(conn, "MATCH", "stable:*", "TYPE", "list", "COUNT", "500")
                check.check(seen == set(), "TYPE list returns nothing")
            finally:
                stop.set()
                for t in writers:
                    t.join(60)
            check.check(not errors, "writers ran without errors", "; ".join(errors[:3]))

            conn.call("FLUSHALL")
            keys = ["exp:%d" % i for i in range(EXPIRING)]
            load(conn, keys)
            check.check(conn.call("DBSIZE") == EXPIRING, "%d keys loaded" % EXPIRING)
            # One absolute expiry for all, set after loading: how long loading took (a loaded
            # machine) cannot make keys vanish before the count above.
            deadline_ms = int(time.time() * 1000) + 1000
            for start in range(0, EXPIRING, 1000):
                conn.send(resp_wire.encode_many([["PEXPIREAT", k, deadline_ms]
                                                 for k in keys[start:start + 1000]]))
                for _ in range(min(1000, EXPIRING - start)):
                    conn.read_value()
            started = time.monotonic()
            left = EXPIRING
            while time.monotonic() - started < EXPIRY_DEADLINE:
                left = conn.call("DBSIZE")
                if left == 0:
                    break
                time.sleep(0.05)
            check.check(left == 0, "active expiry reclaimed every key untouched in %.1f s"
                        % (time.monotonic() - started), "%r keys left" % left)
            info = conn.call("INFO", "keyspace")
            check.check(b"db0:" not in info, "INFO keyspace lists no keys afterwards",
                        repr(info))
    return check.finish()


if __name__ == "__main__":
    raise SystemExit(main())
