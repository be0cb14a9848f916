"""DUMP and RESTORE between redis-server 7.0 and the server under test, in both directions, for
every type and encoding: each value is built the same way on both servers, then

  * redis-server's DUMP payload is RESTOREd into the server under test, and
  * the server under test's DUMP payload is RESTOREd into redis-server,

and each restored key must read back equal to the original: same type, same contents (through
the type's read commands), same OBJECT ENCODING, and its TTL when RESTORE was given one. Keys
and values hold arbitrary bytes. A payload one server rejects (flipped byte, newer version) must
be rejected by the other with the same error.

  PYTHONPATH=tests/support /usr/bin/python3 tests/e2e/test_dump_interop.py \\
      --server build/src/shardis-server --cores 2
"""

import argparse
import random
import sys

import redis as redis_py

import server_harness


def build_values(rng):
    """[(key, [commands that build it])]: every type in each of its encodings."""
    big = [("e%d-" % i).encode() + bytes(rng.randrange(256) for _ in range(rng.randrange(60)))
           for i in range(1500)]
    values = [
        (b"str:emb", [["SET", b"str:emb", b"hello \x00\xff world"]]),
        (b"str:int", [["SET", b"str:int", b"-123456"]]),
        (b"str:int64", [["SET", b"str:int64", b"9223372036854775807"]]),
        (b"str:raw", [["SET", b"str:raw", bytes(rng.randrange(256) for _ in range(300))]]),
        (b"str:lzf", [["SET", b"str:lzf", b"abcabcabc" * 200]]),
        (b"str:empty", [["SET", b"str:empty", b""]]),
        (b"\x00bin\xffkey", [["SET", b"\x00bin\xffkey", b"v"]]),
        (b"list:small", [["RPUSH", b"list:small", b"a", b"12", b"-5", b"\x00", b"x" * 70]]),
        (b"list:big", [["RPUSH", b"list:big"] + big]),
        (b"list:mixed", [["LPUSH", b"list:mixed"] + big[:300], ["RPUSH", b"list:mixed", b"1"]]),
        (b"hash:lp", [["HSET", b"hash:lp", b"f", b"v", b"n", b"42", b"neg", b"-7", b"\xff", b""]]),
        (b"hash:ht", [["HSET", b"hash:ht"] + [x for i in range(600) for x in
                                             (b"f%d" % i, b"%d" % (i * 37))]]),
        (b"hash:long", [["HSET", b"hash:long", b"f", b"v" * 100]]),
        (b"set:int16", [["SADD", b"set:int16", b"1", b"2", b"-300"]]),
        (b"set:int64", [["SADD", b"set:int64", b"1", b"5000000000", b"-9223372036854775808"]]),
        (b"set:ht", [["SADD", b"set:ht", b"a", b"b", b"\x00c"]]),
        (b"set:bigint", [["SADD", b"set:bigint"] + [b"%d" % i for i in range(600)]]),
        (b"zset:lp", [["ZADD", b"zset:lp", b"1", b"a", b"2.5", b"b", b"-inf", b"c",
                       b"1e300", b"d", b"0.1", b"e"]]),
        (b"zset:sl", [["ZADD", b"zset:sl"] + [x for i in range(300) for x in
                                             (b"%r" % (i / 7.0), b"m%d" % i)]]),
        (b"zset:long", [["ZADD", b"zset:long", b"3", b"m" * 100]]),
    ]
    return values


def read_key(conn, key):
    """(type, contents, encoding) of key, in a form that compares equal across servers."""
    kind = conn.type(key)
    if kind == b"string":
        value = conn.get(key)
    elif kind == b"list":
        value = conn.lrange(key, 0, -1)
    elif kind == b"hash":
        value = sorted(conn.hgetall(key).items())
    elif kind == b"set":
        value = sorted(conn.smembers(key))
    elif kind == b"zset":
        value = conn.zrange(key, 0, -1, withscores=True)
    else:
        value = None
    return kind, value, conn.object("encoding", key)


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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    check = server_harness.Checker("DUMP/RESTORE interoperability: " +
                                   server_harness.describe(args))
    with server_harness.reference_from_args(args) as ref, \
            server_harness.server_from_args(args) as dut:
        check.section("dump interop", run, check, ref.port, dut.port)
        check.check(dut.alive(), "server still running")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
