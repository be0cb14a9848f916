#!/usr/bin/python3
"""Snapshot cost: SAVE time, file size and start-up load time, redis-server against Shardis,
with the same N keys.

The servers run one after the other, each in a fresh directory. Into each one the script loads
N keys with bench/memory_report.py's loader (fixed-width names, small string values, or with
--type a small collection per key), then:
  * times SAVE as the client sees it, and sums the size of the snapshot file(s);
  * stops the server (SIGTERM, with --save "" so that nothing is saved again) and starts it
    again on the same directory, timing from the start of the process to its first PONG: the
    load time (Shardis loads every shard's file in parallel before it answers; redis-server
    answers -LOADING meanwhile, so the first PONG marks the end of its load too);
  * checks DBSIZE == N after the restart.
It prints a markdown table and Shardis / redis ratios.

  bench/snapshot_bench.py --keys 10000000 --cores 2
"""

import argparse
import glob
import os
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import memory_report  # noqa: E402
import resp_wire  # noqa: E402
import server_harness  # noqa: E402

LOAD_TIMEOUT = 900.0


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def call(port, *args):
    with resp_wire.Conn(port, timeout=LOAD_TIMEOUT) as conn:
        return conn.call(*args)


def snapshot_bytes(directory):
    return sum(os.path.getsize(f) for f in glob.glob(os.path.join(directory, "dump.rdb*")))


def run_one(name, factory, args, pattern, reply):
    directory = tempfile.mkdtemp(prefix="shardis-snapbench-")
    try:
        srv = factory(directory).start()
        try:
            log("%s: loading %d keys" % (name, args.keys))
            memory_report.load(srv.port, args.keys, pattern, reply, args.batch)
            t0 = time.monotonic()
            saved = call(srv.port, b"SAVE")
            save_s = time.monotonic() - t0
            if saved not in (b"OK", "OK"):
                raise RuntimeError("SAVE replied %r" % (saved,))
        finally:
            srv.stop()
        size = snapshot_bytes(directory)
        t0 = time.monotonic()
        srv = factory(directory).start()
        try:
            load_s = time.monotonic() - t0
            keys = int(call(srv.port, b"DBSIZE"))
        finally:
            srv.stop()
        if keys != args.keys:
            raise RuntimeError("%s: DBSIZE %d after the restart, expected %d" % (name, keys,
                                                                               args.keys))
        log("%s: SAVE %.2f s, %.1f MiB, load %.2f s" % (name, save_s, size / 2**20, load_s))
        return {"save": save_s, "bytes": size, "load": load_s}
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=1000000)
    parser.add_argument("--key-size", type=int, default=16)
    parser.add_argument("--value-size", type=int, default=3)
    parser.add_argument("--type", choices=["string", "hash", "set", "zset", "list"],
                        default="string")
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--server", default=os.path.join(ROOT, "build", "src", "shardis-server"))
    parser.add_argument("--redis-server", default="redis-server")
    parser.add_argument("--shardis-arg", action="append", default=[])
    args = parser.parse_args()

    key_fmt = memory_report.key_format(args.key_size, args.keys)
    pattern, reply = memory_report.command_pattern(
        key_fmt, args.key_size, memory_report.make_value(args.value_size), False, args.type,
        args.members)
    cases = [
        ("redis-server", lambda d: server_harness.redis(
            binary=args.redis_server, ready_timeout=LOAD_TIMEOUT,
            extra_args=["--dir", d, "--dbfilename", "dump.rdb"])),
        ("shardis --cores %d" % args.cores, lambda d: server_harness.shardis(
            args.server, cores=args.cores, ready_timeout=LOAD_TIMEOUT,
            extra_args=["--dir", d, "--save", ""] + args.shardis_arg)),
    ]
    results = {name: run_one(name, factory, args, pattern, reply) for name, factory in cases}
    what = "%d keys, %s" % (args.keys, args.type if args.type != "string" else
                            "string values of %d bytes" % args.value_size)
    print("\n%s\n" % what)
    print("| server | SAVE s | snapshot MiB | load s | keys/s loaded |")
    print("|---|---|---|---|---|")
    for name, r in results.items():
        print("| %s | %.2f | %.1f | %.2f | %.0f |" % (name, r["save"], r["bytes"] / 2**20,
                                                      r["load"], args.keys / r["load"]))
    redis, shardis = results[cases[0][0]], results[cases[1][0]]
    print("| Shardis / redis | %.2fx | %.2fx | %.2fx | |" % (
        shardis["save"] / redis["save"], shardis["bytes"] / redis["bytes"],
        shardis["load"] / redis["load"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
