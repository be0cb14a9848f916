"""Snapshots (SAVE, save at shutdown, loading at start) and their interoperability with
redis-server 7.0, through real server processes sharing a directory:

  * every type and encoding, with TTLs and 16 databases, survives SAVE + restart, in both
    layouts (a file per shard with a manifest, and one dbfilename), also into another shard
    count; keys whose TTL passed while the server was down stay dead;
  * SIGTERM saves when save rules are set, and does not when `--save ""`;
  * each per-shard file, and the single file, pass redis-check-rdb and load into redis-server
    with the same contents; an RDB that redis-server wrote loads into Shardis;
  * a corrupt or truncated file stops the server at start, with the file and the offset in the
    error.

  PYTHONPATH=tests/support /usr/bin/python3 tests/e2e/test_snapshot.py \\
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
    return server_harness.shardis(args.server, cores=cores,
                                  extra_args=["--dir", directory, "--save", ""] + list(extra))


def redis_at(args, directory, dbfilename):
    return server_harness.redis(binary=args.redis_server,
                                extra_args=["--dir", directory, "--dbfilename", dbfilename])


def per_shard_files(directory):
    return sorted(glob.glob(os.path.join(directory, "dump.rdb.*-of-*")))


def check_rdb(check, path):
    proc = subprocess.run(["redis-check-rdb", path], capture_output=True, text=True, timeout=120)
    check.check(proc.returncode == 0 and "RDB looks OK" in proc.stdout,
                "redis-check-rdb %s" % os.path.basename(path), proc.stdout[-500:])


def round_trips(check, args, directory):
    rng = random.Random(7)
    with shardis(args, args.cores, directory) as srv:
        conn = client(srv.port)
        made = fill_databases(conn, rng)
        before = conn.lastsave()
        time.sleep(1.1)
        conn.set(b"short-lived", b"x", px=700)
        check.check(conn.save() is True, "SAVE replies OK")
        check.check(conn.lastsave() > before, "LASTSAVE moves on after SAVE")
        info = conn.info("persistence")
        check.check(info.get("loading") == 0 and info.get("rdb_changes_since_last_save") == 0 and
                    info.get("rdb_saves") == 1 and info.get("aof_enabled") == 0 and
                    info.get("rdb_last_save_time") == int(conn.lastsave().timestamp()),
                    "INFO persistence after SAVE", str(info))
        conn.set(b"after-save", b"1")
        conn.delete(b"after-save")
        check.check(conn.info("persistence").get("rdb_changes_since_last_save") == 2,
                    "INFO rdb_changes_since_last_save counts the writes since")
        want = keyspace(conn)
        want.pop((0, b"short-lived"), None)
        check.check(len(want) == made, "the dataset has %d keys" % made)
    files = per_shard_files(directory)
    check.check(len(files) == args.cores and os.path.exists(os.path.join(directory,
                                                                          "dump.rdb.manifest")),
                "one file per shard and a manifest: %s" % [os.path.basename(f) for f in files])
    for f in files:
        check_rdb(check, f)
    time.sleep(0.8)  # short-lived's TTL passes while no server runs
    for cores in sorted({args.cores, 1, 3}):
        with shardis(args, cores, directory) as srv:
            got = keyspace(client(srv.port))
            compare(check, got, want, "restart from the per-shard files at --cores %d" % cores)
            info = client(srv.port).info("persistence")
            check.check(info.get("rdb_last_load_keys_loaded") == len(want) and
                        info.get("rdb_last_load_keys_expired") == 1,
                        "INFO counts the keys loaded and the expired one skipped", str(info))
            check.check((0, b"short-lived") not in got, "a key whose TTL passed stays dead")

    # The single-file layout, loaded by redis-server and by Shardis.
    with shardis(args, args.cores, directory, "--rdb-per-shard", "no") as srv:
        check.check(client(srv.port).save() is True, "SAVE with --rdb-per-shard no")
    single = os.path.join(directory, "dump.rdb")
    check.check(os.path.exists(single), "dump.rdb written")
    check_rdb(check, single)
    with redis_at(args, directory, "dump.rdb") as ref:
        compare(check, keyspace(client(ref.port)), want, "redis-server loads Shardis's dump.rdb")
    os.rename(os.path.join(directory, "dump.rdb.manifest"), os.path.join(directory, "hidden"))
    with shardis(args, args.cores, directory) as srv:
        compare(check, keyspace(client(srv.port)), want,
                "Shardis loads the single file when there is no manifest")
    os.rename(os.path.join(directory, "hidden"), os.path.join(directory, "dump.rdb.manifest"))
    return want


def redis_to_shardis(check, args, directory):
    rng = random.Random(11)
    other = os.path.join(directory, "from-redis")
    os.mkdir(other)
    with redis_at(args, other, "dump.rdb") as ref:
        conn = client(ref.port)
        fill_databases(conn, rng)
        want = keyspace(conn)
        check.check(conn.save() is True, "redis-server SAVE")
    with shardis(args, args.cores, other, "--rdb-per-shard", "no") as srv:
        compare(check, keyspace(client(srv.port)), want, "Shardis loads redis-server's dump.rdb")


def shutdown_saves(check, args, directory):
    other = os.path.join(directory, "shutdown")
    os.mkdir(other)
    with server_harness.shardis(args.server, cores=args.cores,
                                extra_args=["--dir", other, "--save", "3600 1"]) as srv:
        client(srv.port).set(b"k", b"saved at shutdown")
    with shardis(args, args.cores, other) as srv:
        conn = client(srv.port)
        check.check(conn.get(b"k") == b"saved at shutdown", "SIGTERM saves with save rules")
        conn.set(b"k", b"not saved")
    with shardis(args, args.cores, other) as srv:
        conn = client(srv.port)
        check.check(conn.get(b"k") == b"saved at shutdown",
                    "SIGTERM does not save with --save \"\"")
        check.check(conn.config_get("save") == {"save": ""} and
                    conn.config_get("dbfilename") == {"dbfilename": "dump.rdb"} and
                    conn.config_get("dir") == {"dir": os.path.realpath(other)} and
                    conn.config_get("rdbcompression") == {"rdbcompression": "yes"},
                    "CONFIG GET save, dbfilename, dir, rdbcompression")
        check.check(conn.config_set("save", "3600 1") is True and
                    conn.config_get("save") == {"save": "3600 1"}, "CONFIG SET save")
        try:
            conn.config_set("dir", "/tmp")
            check.check(False, "CONFIG SET dir is refused")
        except redis_py.ResponseError as err:
            check.check("can't set protected config" in str(err), "CONFIG SET dir is refused")
        conn.set(b"k", b"saved after CONFIG SET save")
    with shardis(args, args.cores, other) as srv:
        check.check(client(srv.port).get(b"k") == b"saved after CONFIG SET save",
                    "SIGTERM saves with the save rules CONFIG SET gave")


def wait_exit(srv, timeout=20):
    deadline = time.monotonic() + timeout
    while srv.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not srv.alive()


def shutdown_command(check, args, directory):
    other = os.path.join(directory, "shutdown-command")
    os.mkdir(other)
    # Started and stopped by hand: the server is meant to exit during the test.
    srv = server_harness.shardis(args.server, cores=args.cores,
                                 extra_args=["--dir", other, "--save", ""]).start()
    try:
        conn = client(srv.port)
        for argv, want in ((["BOGUS"], "syntax error"), (["NOSAVE", "SAVE"], "syntax error"),
                           (["ABORT", "NOW"], "syntax error"),
                           (["ABORT"], "No shutdown in progress.")):
            try:
                conn.execute_command("SHUTDOWN", *argv)
                check.check(False, "SHUTDOWN %s is refused" % " ".join(argv))
            except redis_py.ResponseError as err:
                check.check(want in str(err), "SHUTDOWN %s: %s" % (" ".join(argv), err))
        conn.set(b"k", b"kept by SHUTDOWN SAVE")
        conn.shutdown(save=True)  # redis-py expects the connection to close, as redis-server does
        check.check(wait_exit(srv) and srv.stop() == 0, "SHUTDOWN SAVE stops the server, status 0")
    finally:
        srv.stop()
    srv = server_harness.shardis(args.server, cores=args.cores,
                                 extra_args=["--dir", other, "--save", "3600 1"]).start()
    try:
        conn = client(srv.port)
        check.check(conn.get(b"k") == b"kept by SHUTDOWN SAVE", "SHUTDOWN SAVE saved first")
        conn.set(b"k", b"dropped by SHUTDOWN NOSAVE")
        conn.shutdown(nosave=True)
        check.check(wait_exit(srv) and srv.stop() == 0, "SHUTDOWN NOSAVE stops the server")
    finally:
        srv.stop()
    with shardis(args, args.cores, other) as srv:
        check.check(client(srv.port).get(b"k") == b"kept by SHUTDOWN SAVE",
                    "SHUTDOWN NOSAVE did not save, despite the save rules")


def refuses(check, args, directory, what, needle):
    try:
        with shardis(args, args.cores, directory):
            check.check(False, "%s: the server refuses to start" % what)
    except server_harness.ServerStartError as err:
        text = str(err)
        check.check(needle in text and "offset" in text,
                    "%s: the server refuses to start, naming the file and the offset" % what,
                    text[-600:])


def corruption(check, args, directory):
    files = per_shard_files(directory)
    victim = files[-1]
    data = open(victim, "rb").read()
    saved = victim + ".good"
    shutil.copy(victim, saved)
    with open(victim, "wb") as f:
        f.write(data[:len(data) // 2] + bytes([data[len(data) // 2] ^ 0x55]) +
                data[len(data) // 2 + 1:])
    refuses(check, args, directory, "a flipped byte", os.path.basename(victim))
    with open(victim, "wb") as f:
        f.write(data[:len(data) - 20])
    refuses(check, args, directory, "a truncated file", os.path.basename(victim))
    shutil.move(saved, victim)


def run(check, args):
    directory = tempfile.mkdtemp(prefix="shardis-snapshot-")
    try:
        check.section("round trips", round_trips, check, args, directory)
        check.section("redis-server to Shardis", redis_to_shardis, check, args, directory)
        check.section("save at shutdown", shutdown_saves, check, args, directory)
        check.section("SHUTDOWN", shutdown_command, check, args, directory)
        check.section("corruption", corruption, check, args, directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    check = server_harness.Checker("snapshots: " + server_harness.describe(args))
    run(check, args)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
