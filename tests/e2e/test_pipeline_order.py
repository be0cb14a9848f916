"""Pipelining: 1,000 mixed commands over keys spread across every shard are
written in one send; the replies must come back complete, in order, and
byte-identical to what redis-server answers to the same stream."""

import argparse
import random
import sys
import threading
import time

import resp_wire
import server_harness

COMMANDS_PER_STREAM = 1000
SEEDS = (1, 2, 3)
READ_TIMEOUT = 20.0


def make_stream(seed):
    """A deterministic list of commands. Keys are many and distinct, so with
    any shard count every shard owns some of them; multi-key commands mix
    keys of different shards."""
    rng = random.Random(seed)
    prefix = "p%d" % seed
    keys = ["%s:key:%d" % (prefix, i) for i in range(400)]
    counters = ["%s:ctr:%d" % (prefix, i) for i in range(40)]
    # A few keys share a hash tag, so they always live on one shard.
    keys += ["%s:{tag}:%d" % (prefix, i) for i in range(10)]

    def value():
        roll = rng.random()
        if roll < 0.1:
            return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 20)))
        if roll < 0.15:
            return b""
        if roll < 0.25:
            return str(rng.randrange(-1000, 1000)).encode()
        return ("v%d" % rng.randrange(10 ** 6)).encode() * rng.randrange(1, 4)

    def some(pool, low, high):
        return [rng.choice(pool) for _ in range(rng.randrange(low, high))]

    makers = [
        (14, lambda: ["SET", rng.choice(keys), value()]),
        (14, lambda: ["GET", rng.choice(keys)]),
        (10, lambda: ["INCR", rng.choice(counters)]),
        (4, lambda: ["DECR", rng.choice(counters)]),
        (5, lambda: ["INCRBY", rng.choice(counters), rng.randrange(-50, 50)]),
        (3, lambda: ["DECRBY", rng.choice(counters), rng.randrange(-50, 50)]),
        (3, lambda: ["INCR", rng.choice(keys)]),
        (6, lambda: ["DEL"] + some(keys, 1, 4)),
        (2, lambda: ["UNLINK"] + some(keys, 1, 3)),
        (6, lambda: ["EXISTS"] + some(keys + counters, 1, 5)),
        (8, lambda: ["MGET"] + some(keys + counters, 2, 8)),
        (6, lambda: ["MSET"] + [x for k in some(keys, 1, 5) for x in (k, value())]),
        (6, lambda: ["APPEND", rng.choice(keys), value()]),
        (4, lambda: ["STRLEN", rng.choice(keys)]),
        (3, lambda: ["GETSET", rng.choice(keys), value()]),
        (2, lambda: ["GETDEL", rng.choice(keys)]),
        (3, lambda: ["SETNX", rng.choice(keys), value()]),
        (2, lambda: ["TYPE", rng.choice(keys)]),
        (2, lambda: ["TOUCH"] + some(keys, 1, 4)),
        (2, lambda: ["EXPIRE", rng.choice(keys), 100000]),
        (2, lambda: ["PERSIST", rng.choice(keys)]),
        (2, lambda: ["SET", rng.choice(keys), value(), rng.choice(["NX", "XX", "GET"])]),
        (1, lambda: ["PING"]),
        (1, lambda: ["ECHO", value()]),
        (1, lambda: ["GET"]),  # arity error in the middle of the pipeline
        (1, lambda: ["NOSUCHCMD", rng.choice(keys)]),
    ]
    weights = [w for w, _ in makers]
    stream = [["FLUSHALL"]]
    while len(stream) < COMMANDS_PER_STREAM:
        stream.append(rng.choices(makers, weights)[0][1]())
    return stream


def run_stream(port, stream):
    """Writes the whole stream at once (from a helper thread, so a server
    that stops reading until its replies are drained cannot deadlock us) and
    reads exactly len(stream) replies. Returns (replies, error)."""
    payload = resp_wire.encode_many(stream)
    replies = []
    send_error = []
    with resp_wire.Conn(port, timeout=READ_TIMEOUT) as conn:
        def writer():
            try:
                conn.send(payload)
            except OSError as err:
                send_error.append(err)

        thread = threading.Thread(target=writer, daemon=True)
        thread.start()
        deadline = time.monotonic() + READ_TIMEOUT
        try:
            for _ in range(len(stream)):
                replies.append(conn.read_raw(max(0.1, deadline - time.monotonic())))
        except Exception as err:  # timeout, close, garbage: report, don't hang
            thread.join(5)
            return replies, "after %d replies: %s: %s" % (len(replies), type(err).__name__, err)
        thread.join(5)
        if send_error:
            return replies, "send failed: %s" % send_error[0]
        # Nothing extra may follow: the next reply must be the PONG we ask for.
        try:
            extra = conn.call_raw("PING", "tail-check", timeout=5)
        except Exception as err:
            return replies, "no reply to trailing PING: %s" % err
        if extra != b"$10\r\ntail-check\r\n":
            return replies, "stray bytes after the pipeline: %r" % extra[:200]
    return replies, None


def describe_cmd(cmd):
    text = " ".join(repr(a) if isinstance(a, bytes) else str(a) for a in cmd)
    return text if len(text) < 160 else text[:160] + "..."


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    check = server_harness.Checker("pipeline order: %s" % server_harness.describe(args))

    with server_harness.reference_from_args(args) as ref, \
            server_harness.server_from_args(args) as tst:
        for seed in SEEDS:
            stream = make_stream(seed)
            expected, ref_err = run_stream(ref.port, stream)
            if ref_err:
                check.check(False, "seed %d: redis-server answered the stream" % seed, ref_err)
                continue
            got, err = run_stream(tst.port, stream)
            check.check(err is None, "seed %d: %d replies received, nothing extra"
                        % (seed, len(stream)), err or "")
            mismatches = [i for i in range(min(len(got), len(expected)))
                          if got[i] != expected[i]]
            for i in mismatches[:10]:
                print("    #%d %s\n      expected %r\n      got      %r"
                      % (i, describe_cmd(stream[i]), expected[i][:200], got[i][:200]))
            errors = sum(1 for r in expected if r.startswith(b"-"))
            check.check(not mismatches and len(got) == len(expected),
                        "seed %d: replies byte-identical to redis-server, in order "
                        "(%d commands, %d expected errors, %d mismatches)"
                        % (seed, len(stream), errors, len(mismatches)))
        check.check(tst.alive(), "server under test still running")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
