#!/usr/bin/python3
"""Memory per key: redis-server and Shardis loaded with the same N keys.

The servers run one after the other (never at the same time), each started
fresh. Into each one this script loads N keys with fixed-width names
(b"key:%012d" for the default --key-size 16) and small values (b"abc" for the
default --value-size 3). Loading uses raw RESP pipelines over one socket:
batches of --batch SET commands, with two batches in flight. With --with-ttl
every key also gets `PEXPIRE key 1000000000` (about 11.6 days, so nothing
expires during the run), which shows the cost of a TTL per key.

With --type hash, set, zset or list every key is instead a collection of --members small
elements, written by one command per key: HSET key field:0 value:0 ..., SADD key member:0 ...
(--int-members for an all-integer set), ZADD key 1 member:0 2 member:1 ..., RPUSH key
member:0 .... The figures are then bytes per collection (per key).

Before the first sample, --warmup-mib of ECHO traffic (8 KiB payloads, pipelined) goes
through the server, so receive buffers and buffer pools are already resident: the RSS delta
is then the keyspace's cost, not the I/O path's first touch of its buffers.

Before and after loading it records:
  * RSS: VmRSS from /proc/PID/status of the server process;
  * used_memory: the allocator's figure from `INFO memory`, or else
    `total.allocated` from `MEMORY STATS`; "n/a" if the server has neither;
  * DBSIZE, which must equal N after loading (otherwise the exit status is 1).

It prints a markdown table with RSS before and after (MiB), RSS growth per
key, total RSS per key and used_memory growth per key (bytes), plus a
Shardis / redis ratio row. Redis runs with its defaults except for the
harness's `--save "" --appendonly no` (no persistence). See bench/README.md.
"""

import argparse
import os
import shutil
import socket
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))

import resp_wire  # noqa: E402
import server_harness  # noqa: E402

TTL_MS = 1000000000
SETTLE_SECONDS = 0.5  # let the server finish freeing buffers before reading RSS
IO_TIMEOUT = 60.0


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def key_format(key_size, keys):
    """A printf pattern for fixed-width keys: b"key:%012d" for 16 bytes."""
    width = key_size - len(b"key:")
    if width < len(str(max(keys - 1, 0))):
        raise SystemExit("--key-size %d is too small for %d distinct keys (need at least %d)"
                         % (key_size, keys, len(b"key:") + len(str(keys - 1))))
    return b"key:%0" + str(width).encode() + b"d"


def make_value(size):
    alphabet = b"abcdefghijklmnopqrstuvwxyz"
    return (alphabet * (size // len(alphabet) + 1))[:size]


def bulk(b):
    return b"$%d\r\n%s\r\n" % (len(b), b)


def collection_args(kind, members, int_members):
    """The command name and the arguments after the key that build one collection."""
    if kind == "hash":
        args = []
        for i in range(members):
            args += [b"field:%d" % i, b"value:%d" % i]
        return b"HSET", args
    if kind == "set":
        return b"SADD", [(b"%d" % (1000 + i)) if int_members else b"member:%d" % i
                         for i in range(members)]
    if kind == "zset":
        args = []
        for i in range(members):
            args += [b"%d" % (i + 1), b"member:%d" % i]
        return b"ZADD", args
    if kind == "list":
        return b"RPUSH", [b"member:%d" % i for i in range(members)]
    raise ValueError(kind)


def command_pattern(key_fmt, key_size, value, with_ttl, kind="string", members=10,
                    int_members=False):
    """A printf pattern producing the pipeline bytes for one key, and the
    bytes of the replies a well-behaved server sends for them."""

    def esc(b):
        return b.replace(b"%", b"%%")

    bulk_key = esc(b"$%d\r\n" % key_size) + key_fmt + b"\r\n"
    if kind == "string":
        pattern = b"*3\r\n$3\r\nSET\r\n" + bulk_key + esc(bulk(value))
        reply = b"+OK\r\n"
    else:
        name, rest = collection_args(kind, members, int_members)
        pattern = (b"*%d\r\n" % (2 + len(rest)) + bulk(name) + bulk_key
                   + esc(b"".join(bulk(a) for a in rest)))
        reply = b":%d\r\n" % members
    if with_ttl:
        ttl = b"%d" % TTL_MS
        pattern += b"*3\r\n$7\r\nPEXPIRE\r\n" + bulk_key + b"$%d\r\n%s\r\n" % (len(ttl), ttl)
        reply += b":1\r\n"
    return pattern, reply


def load(port, keys, pattern, reply, batch):
    """Sends the commands for keys 0..keys-1 in pipelined batches, two batches
    in flight, and checks every reply byte for byte."""
    sock = socket.create_connection((server_harness.HOST, port), timeout=IO_TIMEOUT)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    uses = pattern.replace(b"%%", b"").count(b"%")  # key number substitutions per key
    buf = bytearray()
    pending = []  # key counts of batches sent but not yet acknowledged

    def drain_one():
        n = pending.pop(0)
        want = len(reply) * n
        while len(buf) < want:
            chunk = sock.recv(1 << 20)
            if not chunk:
                raise RuntimeError("server closed the connection while loading")
            buf.extend(chunk)
        got = bytes(buf[:want])
        del buf[:want]
        if got != reply * n:
            bad = next(i for i in range(0, want, len(reply)) if got[i:i + len(reply)] != reply)
            raise RuntimeError("unexpected reply while loading: %r" % got[bad:bad + 200])

    try:
        for start in range(0, keys, batch):
            end = min(start + batch, keys)
            if uses == 1:
                data = b"".join([pattern % i for i in range(start, end)])
            else:
                data = b"".join([pattern % ((i,) * uses) for i in range(start, end)])
            sock.sendall(data)
            pending.append(end - start)
            if len(pending) > 1:
                drain_one()
        while pending:
            drain_one()
    finally:
        sock.close()


def used_memory(port):
    """used_memory from INFO memory, else total.allocated from MEMORY STATS, else None."""
    with resp_wire.Conn(port, timeout=IO_TIMEOUT) as conn:
        info = conn.call("INFO", "memory")
        if isinstance(info, (bytes, str)):
            text = info.decode() if isinstance(info, bytes) else info
            for line in text.splitlines():
                if line.startswith("used_memory:"):
                    return int(line.split(":", 1)[1])
        stats = conn.call("MEMORY", "STATS")
        if isinstance(stats, list):
            stats = dict(zip(stats[0::2], stats[1::2]))
        if isinstance(stats, dict):
            for name in (b"total.allocated", "total.allocated"):
                if isinstance(stats.get(name), int):
                    return stats[name]
    return None


def dbsize(port):
    with resp_wire.Conn(port, timeout=IO_TIMEOUT) as conn:
        value = conn.call("DBSIZE")
    if not isinstance(value, int):
        raise RuntimeError("DBSIZE replied %r" % (value,))
    return value


def sample(server):
    time.sleep(SETTLE_SECONDS)
    kib = server_harness.rss_kib(server.pid)
    if kib < 0:
        raise RuntimeError("cannot read VmRSS of pid %d" % server.pid)
    return kib * 1024, used_memory(server.port)


def warm_up(port, mib_total):
    """Pushes mib_total MiB of ECHO requests through one connection, 64 in flight."""
    payload = b"w" * 8192
    req = b"*2\r\n$4\r\nECHO\r\n$%d\r\n%s\r\n" % (len(payload), payload)
    reply_len = len(b"$%d\r\n" % len(payload)) + len(payload) + 2
    count = max(1, mib_total * 1048576 // len(payload))
    with socket.create_connection((server_harness.HOST, port), timeout=IO_TIMEOUT) as s:
        sent = 0
        while sent < count:
            n = min(64, count - sent)
            s.sendall(req * n)
            want = reply_len * n
            while want > 0:
                chunk = s.recv(min(want, 1 << 20))
                if not chunk:
                    raise RuntimeError("connection closed during warm-up")
                want -= len(chunk)
            sent += n


def measure(server, args, pattern, reply):
    if args.warmup_mib > 0:
        warm_up(server.port, args.warmup_mib)
    rss_before, used_before = sample(server)
    started = time.monotonic()
    load(server.port, args.keys, pattern, reply, args.batch)
    seconds = time.monotonic() - started
    rss_after, used_after = sample(server)
    size = dbsize(server.port)
    return {
        "rss_before": rss_before,
        "rss_after": rss_after,
        "used_before": used_before,
        "used_after": used_after,
        "dbsize": size,
        "seconds": seconds,
    }


def mib(n):
    return "%.1f" % (n / 1048576.0)


def per_key(r, keys):
    delta = (r["rss_after"] - r["rss_before"]) / keys
    total = r["rss_after"] / keys
    used = None
    if r["used_before"] is not None and r["used_after"] is not None:
        used = (r["used_after"] - r["used_before"]) / keys
    return delta, total, used


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return "n/a"
    return "%.2fx" % (a / b)


def table(results, keys):
    out = ["| server | keys | RSS before MiB | RSS after MiB | RSS delta B/key "
           "| total RSS B/key | used_memory delta B/key |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    figures = {}
    for name, r in results:
        delta, total, used = per_key(r, keys)
        figures[name] = (delta, total, used)
        out.append("| %s | %d | %s | %s | %.1f | %.1f | %s |"
                   % (name, r["dbsize"], mib(r["rss_before"]), mib(r["rss_after"]), delta, total,
                      "n/a" if used is None else "%.1f" % used))
    ref = figures.get("redis-server")
    if ref:
        for name, (delta, total, used) in figures.items():
            if name == "redis-server":
                continue
            out.append("| %s / redis |  |  |  | %s | %s | %s |"
                       % (name, ratio(delta, ref[0]), ratio(total, ref[1]), ratio(used, ref[2])))
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.path.join(ROOT, "build", "src", "shardis-server"),
                        help="shardis-server binary (default build/src/shardis-server)")
    parser.add_argument("--redis-server", default="redis-server", help="reference redis-server")
    parser.add_argument("--cores", type=int, default=1, help="--cores for Shardis (default 1)")
    parser.add_argument("--warmup-mib", type=int, default=64,
                        help="MiB of ECHO traffic sent before the first sample (default 64)")
    parser.add_argument("--shardis-arg", action="append", default=[],
                        help="extra argument for shardis-server (repeatable)")
    parser.add_argument("--keys", type=int, default=1000000, help="keys to load (default 1000000)")
    parser.add_argument("--key-size", type=int, default=16,
                        help="key length in bytes, 'key:' plus zero-padded digits (default 16)")
    parser.add_argument("--value-size", type=int, default=3, help="value length (default 3)")
    parser.add_argument("--type", default="string", choices=["string", "hash", "set", "zset", "list"],
                        help="value type of every key (default string)")
    parser.add_argument("--members", type=int, default=10,
                        help="elements per collection for --type hash/set/zset/list (default 10)")
    parser.add_argument("--int-members", action="store_true",
                        help="--type set: integer members (an intset in both servers)")
    parser.add_argument("--with-ttl", action="store_true",
                        help="also PEXPIRE every key by %d ms" % TTL_MS)
    parser.add_argument("--batch", type=int, default=1000,
                        help="commands per pipelined batch (default 1000)")
    parser.add_argument("--pin", action="store_true",
                        help="pin the server to --server-cpu and this client to --client-cpu")
    parser.add_argument("--server-cpu", type=int, default=0)
    parser.add_argument("--client-cpu", type=int, default=1)
    parser.add_argument("--no-redis", action="store_true", help="skip redis-server")
    args = parser.parse_args()
    if args.keys < 1 or args.batch < 1 or args.value_size < 0:
        parser.error("--keys and --batch must be positive, --value-size not negative")

    key_fmt = key_format(args.key_size, args.keys)
    value = make_value(args.value_size)
    pattern, reply = command_pattern(key_fmt, args.key_size, value, args.with_ttl, args.type,
                                     args.members, args.int_members)

    wrapper = []
    if args.pin:
        if shutil.which("taskset") is None or (os.cpu_count() or 1) < 2:
            log("note: not pinning (taskset missing or fewer than 2 CPUs)")
        else:
            wrapper = ["taskset", "-c", str(args.server_cpu)]
            os.sched_setaffinity(0, {args.client_cpu})

    what = ("value %d B" % args.value_size if args.type == "string" else
            "%s of %d %smembers" % (args.type, args.members,
                                    "integer " if args.int_members else ""))
    print("Memory report: %d keys, key %d B (%s), %s, %s; Shardis --cores %d%s; %s."
          % (args.keys, args.key_size, (key_fmt % 0).decode(), what,
             "TTL on every key (PEXPIRE %d)" % TTL_MS if args.with_ttl else "no TTL",
             args.cores, "".join(" " + a for a in args.shardis_arg),
             "server pinned to CPU %d, client to CPU %d" % (args.server_cpu, args.client_cpu)
             if wrapper else "not pinned"))

    cases = server_harness.bench_cases(args, wrapper)
    if not cases:
        log("nothing to run: no redis-server (--no-redis) and no Shardis binary")
        return 2

    results = []
    failed = False
    for name, make in cases:
        with make() as server:
            print("command: %s" % " ".join(a if a else '""' for a in server.argv), flush=True)
            log("%s: loading %d keys ..." % (name, args.keys))
            r = measure(server, args, pattern, reply)
        log("    %.1f s (%.0f keys/s), DBSIZE %d" % (r["seconds"], args.keys / r["seconds"],
                                                     r["dbsize"]))
        if r["dbsize"] != args.keys:
            print("FAIL: %s DBSIZE is %d, expected %d" % (name, r["dbsize"], args.keys))
            failed = True
        results.append((name, r))

    print()
    print(table(results, args.keys))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
