"""200 concurrent clients, each on its own connection, working on their own
keys and on shared counters at the same time. Every client must see its own
results; every INCR of a shared counter must be atomic (the values handed
out are exactly 1..total, each once)."""

import argparse
import sys
import threading
import time

import resp_wire
import server_harness

CLIENTS = 200
ROUNDS = 25
SHARED_COUNTERS = 8
DEADLINE = 120.0  # for the whole client phase


def client_body(port, idx, barrier, results, errors):
    own_counter = "cc:%d:ctr" % idx
    seen = {}
    try:
        with resp_wire.Conn(port, timeout=30) as conn:
            barrier.wait(timeout=60)
            for rnd in range(ROUNDS):
                key = "cc:%d:key:%d" % (idx, rnd)
                value = b"val-%d-%d-\x00\r\n" % (idx, rnd)
                if conn.call_raw("SET", key, value) != b"+OK\r\n":
                    raise AssertionError("SET %s did not reply +OK" % key)
                got = conn.call("GET", key)
                if got != value:
                    raise AssertionError("GET %s returned %r, expected %r" % (key, got, value))
                n = conn.call("INCR", own_counter)
                if n != rnd + 1:
                    raise AssertionError("INCR %s returned %r, expected %d"
                                         % (own_counter, n, rnd + 1))
                shared = "shared:%d" % (rnd % SHARED_COUNTERS)
                v = conn.call("INCR", shared)
                if not isinstance(v, int) or v <= seen.get(shared, 0):
                    raise AssertionError("INCR %s returned %r after %r (not increasing)"
                                         % (shared, v, seen.get(shared)))
                seen[shared] = v
                results.setdefault(shared, []).append(v)
                total = conn.call("INCRBY", "shared:sum", idx)
                if not isinstance(total, int):
                    raise AssertionError("INCRBY shared:sum returned %r" % (total,))
                # A small pipeline mixing own keys (spread over shards).
                conn.send(resp_wire.encode_many([
                    ["MSET", "cc:%d:a" % idx, rnd, "cc:%d:b" % idx, -rnd],
                    ["MGET", "cc:%d:a" % idx, "cc:%d:b" % idx, "cc:%d:nope" % idx],
                    ["EXISTS", key, "cc:%d:a" % idx, "cc:%d:nope" % idx],
                ]))
                replies = [conn.read_value() for _ in range(3)]
                want = ["OK", [str(rnd).encode(), str(-rnd).encode(), None], 2]
                if replies != want:
                    raise AssertionError("pipeline round %d returned %r, expected %r"
                                         % (rnd, replies, want))
            keys = ["cc:%d:key:%d" % (idx, r) for r in range(ROUNDS)]
            values = conn.call("MGET", *keys)
            want = [b"val-%d-%d-\x00\r\n" % (idx, r) for r in range(ROUNDS)]
            if values != want:
                raise AssertionError("final MGET of own keys differs")
            if conn.call("GET", own_counter) != str(ROUNDS).encode():
                raise AssertionError("own counter is not %d at the end" % ROUNDS)
    except threading.BrokenBarrierError:
        errors.append("client %d: start barrier broken (another client failed first)" % idx)
    except Exception as err:  # reported by the main thread
        errors.insert(0, "client %d: %s: %s" % (idx, type(err).__name__, err))
        barrier.abort()  # do not leave the others waiting for this one


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    check = server_harness.Checker("concurrent clients: %s, %d clients x %d rounds"
                                   % (server_harness.describe(args), CLIENTS, ROUNDS))

    with server_harness.server_from_args(args) as srv:
        barrier = threading.Barrier(CLIENTS)
        per_client = [dict() for _ in range(CLIENTS)]
        errors = []
        threads = [threading.Thread(target=client_body, args=(srv.port, i, barrier, per_client[i], errors),
                                    daemon=True) for i in range(CLIENTS)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(0.1, DEADLINE - (time.monotonic() - started)))
        elapsed = time.monotonic() - started
        stuck = sum(1 for t in threads if t.is_alive())
        check.check(stuck == 0, "all %d clients finished within %.0f s (took %.1f s)"
                    % (CLIENTS, DEADLINE, elapsed), "%d still running" % stuck)
        for e in errors[:20]:
            print("    " + e)
        check.check(not errors, "every client saw its own results (%d clients failed)"
                    % len(errors))

        with resp_wire.Conn(srv.port) as conn:
            for s in range(SHARED_COUNTERS):
                name = "shared:%d" % s
                hits = sum(1 for r in range(ROUNDS) if r % SHARED_COUNTERS == s) * CLIENTS
                final = conn.call("GET", name)
                check.check(final == str(hits).encode(),
                            "%s final value %r == %d" % (name, final, hits))
                handed_out = sorted(v for d in per_client for v in d.get(name, []))
                check.check(handed_out == list(range(1, hits + 1)),
                            "%s: INCR replies across clients are exactly 1..%d" % (name, hits))
            want_sum = sum(range(CLIENTS)) * ROUNDS
            got_sum = conn.call("GET", "shared:sum")
            check.check(got_sum == str(want_sum).encode(),
                        "shared:sum (INCRBY by client id) == %d, got %r" % (want_sum, got_sum))
            want_keys = CLIENTS * (ROUNDS + 3) + SHARED_COUNTERS + 1
            dbsize = conn.call("DBSIZE")
            check.check(dbsize == want_keys, "DBSIZE == %d, got %r" % (want_keys, dbsize))
            check.check(conn.call("PING") == "PONG", "server answers PING afterwards")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
