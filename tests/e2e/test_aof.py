"""The append-only file, through real server processes sharing a directory:

  * every type and encoding, with TTLs and 16 databases, and writes of every path (a command on
    its owner, a fanned-out MSET and DEL, cross-shard RENAME, SMOVE and SINTERSTORE run on a
    scratch store, MULTI/EXEC over several shards, rewritten forms such as INCRBYFLOAT, SPOP and
    relative TTLs, FLUSHDB and SWAPDB) survives kill -9 + restart from the AOF alone, then a
    clean restart; a key whose TTL passed while the server was down stays dead;
  * a segment cut at every byte offset inside its last three records loads exactly the prefix
    of whole records (aof-load-truncated yes, and the file is cut there), or refuses to start
    with the file named (aof-load-truncated no) unless the cut falls between two records;
  * a flipped byte in the middle of a segment refuses the start, naming the file and the
    offset, and shardis-aof-check --fix makes it start again with the records before it;
  * a transaction missing one participant's record is left out on every shard;
  * CONFIG GET/SET of the AOF settings, INFO persistence's fields against redis-server's, and
    a start with another shard count is refused;
  * while it loads, the server answers -LOADING and INFO says loading:1, and the connection
    is served once loading is done.

  PYTHONPATH=tests/support /usr/bin/python3 tests/e2e/test_aof.py \\
      --server build/src/shardis-server --cores 2
"""

import argparse
import glob
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

import redis as redis_py

import server_harness
from dataset_helpers import compare_keyspaces as compare, fill_databases, keyspace


def client(port):
    return redis_py.Redis(host=server_harness.HOST, port=port, socket_timeout=60)


def shardis(args, cores, directory, *extra):
    return server_harness.shardis(args.server, cores=cores, check_exit=False,
                                  extra_args=["--dir", directory, "--save", "", "--appendonly",
                                              "yes", "--appendfsync", "always"] + list(extra))


def kill9(srv):
    srv.proc.kill()
    srv.proc.wait()
    srv.stop()


def segments(directory):
    return sorted(glob.glob(os.path.join(directory, "appendonlydir", "*.incr.saof")))


def aof_check_tool(args):
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(args.server))), "tools",
                        "aof_check", "shardis-aof-check")


def record_offsets(args, path):
    """Offsets of the records of a segment, then its size, from shardis-aof-check --print."""
    out = subprocess.run([aof_check_tool(args), "--print", path], capture_output=True,
                         text=True, timeout=60).stdout
    offsets = []
    for line in out.splitlines():
        first = line.split(" ", 1)[0]
        if first.isdigit() and " db " in line:
            offsets.append(int(first))
    return sorted(set(offsets)) + [os.path.getsize(path)]


def every_path(conn):
    """Writes that take each of the server's logging paths."""
    conn.mset({b"m:%d" % i: b"v%d" % i for i in range(20)})
    conn.delete(*[b"m:%d" % i for i in range(0, 20, 3)])
    conn.set(b"r:src", b"moved")
    conn.rename(b"r:src", b"r:dst-far-away")
    conn.sadd(b"sm:a", b"x", b"y")
    conn.smove(b"sm:a", b"sm:b-elsewhere", b"x")
    conn.sadd(b"si:1", b"a", b"b", b"c")
    conn.sadd(b"si:2", b"b", b"c", b"d")
    conn.sinterstore(b"si:dst", [b"si:1", b"si:2"])
    pipe = conn.pipeline(transaction=True)
    for i in range(10):
        pipe.incrby(b"tx:%d" % i, i)
    pipe.execute()
    conn.set(b"f", b"1.5")
    conn.incrbyfloat(b"f", 0.25)
    conn.sadd(b"pop", *[b"%d" % i for i in range(10)])
    conn.spop(b"pop", 3)
    conn.set(b"rel", b"x")
    conn.expire(b"rel", 5000)
    conn.setex(b"sx", 4000, b"y")
    conn.rpush(b"lm:a", b"1", b"2", b"3")
    conn.lmove(b"lm:a", b"lm:b", "LEFT", "RIGHT")
    conn.set(b"gone-soon", b"x", px=600)
    conn.execute_command("SELECT", 15)
    conn.set(b"flushed", b"x")
    conn.flushdb()
    conn.set(b"after-flush", b"y")
    conn.execute_command("SELECT", 0)
    conn.swapdb(13, 14)


def round_trips(check, args, directory):
    os.mkdir(directory)
    rng = random.Random(5)
    with shardis(args, args.cores, directory) as srv:
        conn = client(srv.port)
        fill_databases(conn, rng)
        every_path(conn)
        want = keyspace(conn)
        info = conn.info("persistence")
        check.check(info.get("aof_enabled") == 1 and info.get("aof_last_write_status") == "ok" and
                    info.get("aof_current_size", 0) > 0, "INFO persistence with the AOF on",
                    str(info))
        kill9(srv)
    want.pop((0, b"gone-soon"), None)
    time.sleep(0.7)  # gone-soon's TTL passes while no server runs
    with shardis(args, args.cores, directory) as srv:
        got = keyspace(client(srv.port))
        compare(check, got, want, "restart from the AOF after kill -9")
        check.check((0, b"gone-soon") not in got, "a key whose TTL passed stays dead")
        check.check("replayed" in srv.log_text(), "the log names what was replayed")
    with shardis(args, args.cores, directory, "--appendfsync", "everysec") as srv:
        conn = client(srv.port)
        compare(check, keyspace(conn), want, "restart after SIGTERM")
        conn.set(b"everysec", b"kept")
        want[(0, b"everysec")] = (b"string", b"kept", b"embstr", False)
    with shardis(args, args.cores, directory) as srv:
        compare(check, keyspace(client(srv.port)), want,
                "a write under everysec is kept by a clean shutdown")
    with shardis(args, args.cores, directory, "--appendonly", "no") as srv:
        check.check(client(srv.port).dbsize() == 0,
                    "with appendonly no the AOF is not read (and no snapshot exists)")


def refuses(check, args, directory, what, needles, *extra, cores=None):
    try:
        with shardis(args, cores or args.cores, directory, *extra):
            check.check(False, "%s: the server refuses to start" % what)
    except server_harness.ServerStartError as err:
        text = str(err)
        check.check(all(n in text for n in needles), "%s: the server refuses to start" % what,
                    text[-800:])


def truncation_sweep(check, args, directory):
    """One shard, three last records of known contents, cut at every byte."""
    base = os.path.join(directory, "sweep")
    os.mkdir(base)
    with shardis(args, 1, base) as srv:
        conn = client(srv.port)
        conn.set(b"first", b"1")
        conn.set(b"a", b"1")
        conn.rpush(b"b", b"p")
        conn.hset(b"c", b"f", b"v")
    (path,) = segments(base)
    offsets = record_offsets(args, path)
    check.check(len(offsets) == 5, "the segment holds 4 records", str(offsets))
    whole = open(path, "rb").read()
    expect = [{b"first"}, {b"first", b"a"}, {b"first", b"a", b"b"}]
    failures = []
    refusals = 0
    for cut in range(offsets[1], offsets[4]):
        work = os.path.join(directory, "cut")
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(base, work)
        (victim,) = segments(work)
        with open(victim, "r+b") as f:
            f.truncate(cut)
        whole_records = sum(1 for o in offsets[1:4] if o <= cut) - 1
        want = expect[whole_records]
        at_boundary = cut in offsets
        try:
            with shardis(args, 1, work, "--aof-load-truncated", "no") as srv:
                keys = set(client(srv.port).keys())
                if not at_boundary or keys != want:
                    failures.append("cut %d, truncation off: started with %r" % (cut, keys))
        except server_harness.ServerStartError as err:
            refusals += 1
            if at_boundary or os.path.basename(victim) not in str(err):
                failures.append("cut %d, truncation off: %s" % (cut, str(err)[-300:]))
        with shardis(args, 1, work) as srv:
            keys = set(client(srv.port).keys())
            if keys != want:
                failures.append("cut %d: keys %r, expected %r" % (cut, keys, want))
        if os.path.getsize(victim) != offsets[whole_records + 1]:
            failures.append("cut %d: the segment is %d bytes, expected %d" %
                            (cut, os.path.getsize(victim), offsets[whole_records + 1]))
    check.check(not failures and refusals == offsets[4] - offsets[1] - 3,
                "cut at each of %d offsets in the last three records: the prefix of whole "
                "records loads and the segment is cut there; with aof-load-truncated no, "
                "%d refusals" % (offsets[4] - offsets[1], refusals), "\n".join(failures[:5]))
    with open(path, "rb") as f:
        check.check(f.read() == whole, "the original segment is untouched")


def corruption(check, args, directory):
    base = os.path.join(directory, "corrupt")
    os.mkdir(base)
    with shardis(args, 1, base) as srv:
        conn = client(srv.port)
        for i in range(20):
            conn.set(b"k%d" % i, b"v%d" % i)
    (path,) = segments(base)
    offsets = record_offsets(args, path)
    victim_record = 10
    data = bytearray(open(path, "rb").read())
    data[offsets[victim_record] + 12] ^= 0x40
    open(path, "wb").write(bytes(data))
    refuses(check, args, base, "a flipped byte in the middle",
            [os.path.basename(path), "offset %d" % offsets[victim_record], "damaged"], cores=1)
    fix = subprocess.run([aof_check_tool(args), "--fix", path], capture_output=True, text=True,
                         timeout=60)
    check.check(fix.returncode == 0, "shardis-aof-check --fix", fix.stdout + fix.stderr)
    with shardis(args, 1, base) as srv:
        keys = set(client(srv.port).keys())
        check.check(keys == {b"k%d" % i for i in range(victim_record)},
                    "after --fix the records before the damage load", str(sorted(keys)))


def left_out_transaction(check, args, directory):
    if args.cores < 2:
        return
    base = os.path.join(directory, "txn")
    os.mkdir(base)
    with shardis(args, args.cores, base) as srv:
        conn = client(srv.port)
        conn.set(b"before", b"1")
        # Keys on at least two shards: one MSET is one transaction with a record on each.
        names = [b"pair:%d" % i for i in range(64)]
        conn.mset({n: b"x" for n in names})
        _shards, where = server_harness.key_shards(srv.port)
        kill9(srv)
    owners = sorted({where[n] for n in names})
    check.check(len(owners) >= 2, "the MSET spans %d shards" % len(owners))
    victim = [p for p in segments(base) if ".%d-of-" % owners[-1] in p][0]
    offsets = record_offsets(args, victim)
    with open(victim, "r+b") as f:
        f.truncate(offsets[-2])  # drop its last record: that shard's part of the MSET
    with shardis(args, args.cores, base) as srv:
        conn = client(srv.port)
        left = [n for n in names if conn.exists(n)]
        check.check(not left and conn.get(b"before") == b"1",
                    "a transaction missing a participant's record is left out everywhere",
                    "%d of its keys present" % len(left))
        check.check("1 left out" in srv.log_text(), "the log counts it as left out",
                    srv.log_tail())


def loading(check, args, directory):
    """While it loads, the server answers -LOADING (INFO says loading:1); the same connection
    is served once it has loaded. About a million keys take longer to load than the first PING
    takes to arrive."""
    base = os.path.join(directory, "loading")
    os.mkdir(base)
    with shardis(args, args.cores, base, "--appendfsync", "no") as srv:
        bench = subprocess.run(["redis-benchmark", "-h", server_harness.HOST, "-p", str(srv.port),
                                "-t", "set", "-n", "1000000", "-r", "100000000", "-P", "64",
                                "-q"], capture_output=True, text=True, timeout=300)
        check.check(bench.returncode == 0, "redis-benchmark wrote keys", bench.stderr[-300:])
        keys = client(srv.port).dbsize()
    # Ready as soon as a PING is refused with -LOADING: the load takes longer than that.
    srv = server_harness.shardis(args.server, cores=args.cores, check_exit=False,
                                 ready_reply=b"-LOADING",
                                 extra_args=["--dir", base, "--save", "", "--appendonly", "yes"])
    with srv:
        conn = client(srv.port)
        check.check(conn.info("persistence").get("loading") == 1, "INFO says loading:1")
        deadline = time.monotonic() + 120
        pong = False
        while not pong and time.monotonic() < deadline:
            try:
                pong = conn.ping()
            except redis_py.exceptions.BusyLoadingError:
                time.sleep(0.02)
        check.check(pong and conn.dbsize() == keys and
                    conn.info("persistence").get("loading") == 0,
                    "after loading the same connection is served: %d keys" % keys)


def settings(check, args, directory):
    base = os.path.join(directory, "settings")
    os.mkdir(base)
    with shardis(args, args.cores, base) as srv:
        conn = client(srv.port)
        got = conn.config_get("append*")
        check.check(got == {"appendonly": "yes", "appendfsync": "always",
                            "appenddirname": "appendonlydir", "appendfilename": "appendonly.aof"},
                    "CONFIG GET append*", str(got))
        check.check(conn.config_get("aof-load-truncated") == {"aof-load-truncated": "yes"},
                    "CONFIG GET aof-load-truncated")
        for mode in ("everysec", "no", "always"):
            conn.config_set("appendfsync", mode)
            conn.set(b"k", mode)
            check.check(conn.config_get("appendfsync") == {"appendfsync": mode},
                        "CONFIG SET appendfsync %s" % mode)
        for name, value, needle in (("appendfsync", "sometimes", "must be one of the following: everysec, always, no"),
                                    ("appenddirname", "x", "can't set immutable config"),
                                    ("appendonly", "no", "does not support changing it")):
            try:
                conn.config_set(name, value)
                check.check(False, "CONFIG SET %s %s is refused" % (name, value))
            except redis_py.ResponseError as err:
                check.check(needle in str(err), "CONFIG SET %s %s: %s" % (name, value, err))
    other = args.cores + 1
    refuses(check, args, base, "another shard count", ["--cores %d" % args.cores], cores=other)
    # INFO persistence has redis-server's fields, in its order, with the AOF on.
    ref_dir = os.path.join(directory, "redis-info")
    os.mkdir(ref_dir)
    refused = (("appendfsync", "sometimes"), ("appenddirname", "x"), ("appendfilename", "x"),
               ("aof-load-truncated", "maybe"))

    def errors(conn):
        out = []
        for name, value in refused:
            try:
                conn.config_set(name, value)
                out.append(None)
            except redis_py.ResponseError as err:
                out.append(str(err))
        return out

    with server_harness.redis(binary=args.redis_server,
                              extra_args=["--appendonly", "yes", "--dir", ref_dir]) as ref:
        want = list(client(ref.port).info("persistence").keys())
        want_errors = errors(client(ref.port))
    with shardis(args, args.cores, base) as srv:
        got = list(client(srv.port).info("persistence").keys())
        got_errors = errors(client(srv.port))
    check.check(got == want, "INFO persistence has redis-server's fields (appendonly yes)",
                "redis-server %r\n       Shardis %r" % (want, got))
    check.check(got_errors == want_errors and None not in want_errors,
                "CONFIG SET of bad AOF values: redis-server's errors, byte for byte",
                "redis-server %r\n       Shardis %r" % (want_errors, got_errors))


def run(check, args):
    directory = tempfile.mkdtemp(prefix="shardis-aof-")
    try:
        check.section("round trips", round_trips, check, args, os.path.join(directory, "rt"))
        # These run one shard whatever --cores is: once, at the lowest count the suite uses.
        if args.cores <= 2:
            check.section("truncation sweep", truncation_sweep, check, args, directory)
            check.section("corruption", corruption, check, args, directory)
        check.section("transactions left out", left_out_transaction, check, args, directory)
        check.section("settings", settings, check, args, directory)
        check.section("loading", loading, check, args, directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    check = server_harness.Checker("append-only file: " + server_harness.describe(args))
    run(check, args)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
