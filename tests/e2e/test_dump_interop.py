"""DUMP and RESTORE between redis-server 7.0 and the server under test, in both directions, for
every type and encoding: each value is built the same way on both servers, then

  * redis-server's DUMP payload is RESTOREd into the server under test, and
  * the server under test's DUMP payload is RESTOREd into redis-server,

and each restored key must read back equal to the original: same type, same contents (through
the type's read commands), same OBJECT ENCODING, and its TTL when RESTORE was given one. Keys
and values hold arbitrary bytes. A payload one server rejects (flipped byte, newer version) must
be rejected by the other with the same error, and a thousand payloads with random bytes changed
(checksum made valid again) are accepted or refused alike, against redis-server validating
payloads deeply (sanitize-dump-payload yes).

  PYTHONPATH=tests/support /usr/bin/python3 tests/e2e/test_dump_interop.py \\
      --server build/src/shardis-server --cores 2
"""

import argparse
import random
import sys

import redis as redis_py

import server_harness
from dataset_helpers import build_values, read_key, with_new_checksum


def transfer(check, src, dst, key, src_name, dst_name):
    payload = src.dump(key)
    check.check(payload is not None, "%s DUMP %r" % (src_name, key))
    if payload is None:
        return
    target = b"copy:" + key
    dst.restore(target, 0, payload, replace=True)
    want = read_key(src, key)
    got = read_key(dst, target)
    check.check(got == want, "%s -> %s: %r reads back equal (%s, %s)" % (
        src_name, dst_name, key, want[0].decode(), want[2].decode()),
        "want %r\n       got  %r" % (str(want)[:300], str(got)[:300]))
    dst.restore(target, 60000, payload, replace=True)
    ttl = dst.pttl(target)
    check.check(59000 <= ttl <= 60000, "%s -> %s: %r with a TTL (pttl %d)" % (
        src_name, dst_name, key, ttl))


def check_rejections(check, ref, dut):
    ref.set(b"rej", b"some value that is long enough")
    payload = ref.dump(b"rej")
    bad = {
        "flipped byte": payload[:3] + bytes([payload[3] ^ 1]) + payload[4:],
        "newer version": payload[:-10] + b"\x0b\x00" + payload[-8:],
        "too short": payload[-9:],
    }
    for what, data in bad.items():
        errors = []
        for conn in (ref, dut):
            try:
                conn.restore(b"rej:new", 0, data)
                errors.append("accepted")
            except redis_py.ResponseError as err:
                errors.append(str(err))
        check.check(errors[0] == errors[1] and errors[0] != "accepted",
                    "a payload with a %s is refused alike: %s" % (what, errors[0]),
                    "redis-server: %s / under test: %s" % tuple(errors))


def check_mutations(check, ref, dut, keys, rng, count=1000):
    """Payloads with one to three bytes changed (and a valid checksum again) are accepted or
    refused alike by both servers (redis-server validates deeply: sanitize-dump-payload yes)."""
    payloads = [p for p in (ref.dump(k) for k in keys) if p is not None and len(p) < 3000]
    differ = []
    for _ in range(count):
        p = bytearray(rng.choice(payloads))
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(1, len(p) - 10)
            p[at] = rng.randrange(256) if rng.random() < 0.7 else p[at] ^ (1 << rng.randrange(8))
        p = with_new_checksum(bytes(p))
        outcome = []
        for conn in (ref, dut):
            try:
                conn.restore(b"mutated", 0, p, replace=True)
                outcome.append("OK")
            except redis_py.ResponseError as err:
                outcome.append(str(err))
        if outcome[0] != outcome[1]:
            differ.append((outcome, p.hex()[:160]))
    check.check(not differ, "%d mutated payloads: accepted or refused alike" % count,
                "; ".join("%s %s" % d for d in differ[:5]))


def run(check, ref_port, dut_port):
    rng = random.Random(1234)
    ref = redis_py.Redis(host=server_harness.HOST, port=ref_port, socket_timeout=30)
    dut = redis_py.Redis(host=server_harness.HOST, port=dut_port, socket_timeout=30)
    values = build_values(rng)
    for conn in (ref, dut):
        conn.flushall()
        for _key, commands in values:
            for command in commands:
                conn.execute_command(*command)
    for key, _ in values:
        check.check(read_key(ref, key) == read_key(dut, key),
                    "%r is built alike on both servers (%s)" % (key, read_key(ref, key)[2]))
    for key, _ in values:
        transfer(check, ref, dut, key, "redis-server", "under test")
        transfer(check, dut, ref, key, "under test", "redis-server")
    check_rejections(check, ref, dut)
    check_mutations(check, ref, dut, [k for k, _ in values], rng)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    check = server_harness.Checker("DUMP/RESTORE interoperability: " +
                                   server_harness.describe(args))
    # Checking redis-server against itself: it must validate deeply too, or a mutated payload
    # may crash it (as sanitize-dump-payload no allows).
    self_check = {}
    if args.server in ("redis", "redis-server"):
        self_check["extra_args"] = ["--sanitize-dump-payload", "yes"]
    with server_harness.reference_from_args(
            args, extra_args=["--sanitize-dump-payload", "yes"]) as ref, \
            server_harness.server_from_args(args, **self_check) as dut:
        check.section("dump interop", run, check, ref.port, dut.port)
        check.check(dut.alive(), "server still running")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
