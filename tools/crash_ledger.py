#!/usr/bin/python3
"""Crash ledger: SIGKILL a server with the append-only file on, under write load, again and
again; after each restart on the same directory every acknowledged write must be there.

Load, until the kill (each client one connection, no retries, replies checked):
  ledger  --clients threads; thread c writes fresh keys led:<c>:<n>, n counting up across
          rounds, each once: SET (some with PXAT, an absolute time far in the future), RPUSH of
          1-3 elements, HSET of 1-3 fields, SADD or ZADD of 1-3 members. Type, value and
          PEXPIRETIME are functions of (c, n, --seed), so the ledger keeps only (c, n) and the
          monotonic time its reply arrived.
  bank    --bank-clients threads: MULTI; INCRBY bank:<a> -x; INCRBY bank:<b> x; EXEC on 16
          accounts bank:0..bank:15, set to 1000 each by one MSET before the load starts.
  pair    one thread: MSET pair:<n>:a v pair:<n>:b v, v a function of n, on fresh n.

A write whose reply never came (the kill cut its connection) is "in doubt".

Contract, checked after every restart, over everything written since the start:
  * --fsync always: no acknowledged write is lost. Every acknowledged ledger key has exactly
    its type (the read command of its type succeeds), value and PEXPIRETIME (-1 when written
    without PXAT); every acknowledged pair exists.
  * --fsync everysec: an acknowledged write may be missing only if its reply arrived within
    1.0 s + --everysec-margin (default 0.2 s, for scheduling) before the kill. The largest such
    age (kill time minus the ack time of the earliest lost write) and the count are reported.
    A lost write leaves the ledger; a write that one recovery showed present must never be lost
    afterwards.
  * An in-doubt key or pair is either absent or exactly what was written; if present it joins
    the ledger. A key or pair that a recovery showed absent stays absent.
  * Pairs: both keys with the same value, or neither. Bank: all 16 accounts exist and sum to
    exactly 16,000; with always, each balance is what the acknowledged transfers give plus some
    of the in-doubt ones, each applied whole or not at all.
  * DBSIZE equals the ledger's keys + 16 accounts + 2 per pair: no key that no write made.
  * No error reply, no connection failure before the kill, no client still blocked 30 s after
    it; the server answers PING after each restart and exits 0 on the final SIGTERM.
The exit status is 0 only when every check passed. Choices (delays, transfers, keys' types and
values) come from --seed; how far the load gets before each kill depends on timing.

Memory: the ledger holds 16 bytes per acknowledged write; verification reads in pipelined
batches of 1,000 keys.

Usage:
  PYTHONPATH=tests/support /usr/bin/python3 tools/crash_ledger.py \\
      --server build/src/shardis-server --cores 2 --fsync always --kills 20
  PYTHONPATH=tests/support /usr/bin/python3 tools/crash_ledger.py --server redis --fsync everysec
"""

import argparse
import array
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import zlib

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(_ROOT, "tests", "support"))

import redis  # noqa: E402

import server_harness  # noqa: E402

FSYNC_PERIOD = 1.0            # seconds of acknowledged writes that everysec may lose
ACCOUNTS = 16
START_BALANCE = 1000
BATCH = 1000                  # keys per verification pipeline
CLIENT_TIMEOUT = 30.0         # socket timeout of the load clients
JOIN_TIMEOUT = 30.0           # how long load clients get to notice the kill
READY_TIMEOUT = 300.0         # restart, including loading the append-only file, until PONG
VERIFY_TIMEOUT = 120.0        # socket timeout of the verifying client

KIND_NAMES = ("string", "string with PXAT", "list", "hash", "set", "zset")
MS_PER_DAY = 86_400_000


def account(a):
    return b"bank:%d" % a


def pair_keys(n):
    return b"pair:%d:a" % n, b"pair:%d:b" % n


def pair_value(salt, n):
    return b"p%d.%08x" % (n, zlib.crc32(b"pair:%d" % n, salt))


def ledger_spec(salt, far_ms, c, n):
    """(key, kind, write command, its reply, value read back, PEXPIRETIME) of write n of
    ledger client c. The value read back is in redis-py's form for the read of that kind."""
    key = b"led:%d:%d" % (c, n)
    h = zlib.crc32(key, salt)
    kind = h % 6
    tag = b"%d.%d.%08x" % (c, n, h)
    count = 1 + (h >> 3) % 3
    if kind <= 1:
        value = b"s:" + tag * (1 + (h >> 5) % 4)
        if kind == 0:
            return key, kind, ("SET", key, value), True, value, -1
        pxat = far_ms + (h >> 7) % MS_PER_DAY
        return key, kind, ("SET", key, value, "PXAT", pxat), True, value, pxat
    if kind == 2:
        elems = [b"e%d:" % i + tag for i in range(count)]
        return key, kind, ("RPUSH", key, *elems), count, elems, -1
    if kind == 3:
        fields = {b"f%d" % i: b"h%d:" % i + tag for i in range(count)}
        flat = [x for item in fields.items() for x in item]
        return key, kind, ("HSET", key, *flat), count, fields, -1
    if kind == 4:
        members = [b"m%d:" % i + tag for i in range(count)]
        return key, kind, ("SADD", key, *members), count, set(members), -1
    base = (h >> 9) % 1000
    members = [b"z%d:" % i + tag for i in range(count)]
    flat = [x for i, m in enumerate(members) for x in (base + i, m)]
    return (key, kind, ("ZADD", key, *flat), count,
            [(m, float(base + i)) for i, m in enumerate(members)], -1)


def queue_read(pipe, kind, key):
    if kind <= 1:
        pipe.get(key)
    elif kind == 2:
        pipe.lrange(key, 0, -1)
    elif kind == 3:
        pipe.hgetall(key)
    elif kind == 4:
        pipe.smembers(key)
    else:
        pipe.zrange(key, 0, -1, withscores=True)
    pipe.execute_command("PEXPIRETIME", key)


def judge(value, pexpiretime, want, want_pexpiretime):
    """'ok', 'absent', or what is wrong with a key read back."""
    if isinstance(value, Exception) or isinstance(pexpiretime, Exception):
        return "error reply %r / %r (wrong type?)" % (value, pexpiretime)
    if pexpiretime == -2:
        return "absent" if not value else "PEXPIRETIME -2 but the read gives %r" % (value,)
    if value != want:
        return "value %r, want %r" % (value, want)
    if pexpiretime != want_pexpiretime:
        return "PEXPIRETIME %r, want %r" % (pexpiretime, want_pexpiretime)
    return "ok"


class Stream:
    """The acknowledged writes of one writer, in increasing n, with their ack times
    (time.monotonic()). The first `durable` entries were present after a recovery."""

    def __init__(self):
        self.ns = array.array("q")
        self.acks = array.array("d")
        self.durable = 0
        self.next_n = 0
        self.in_doubt = None

    def add(self, n, ack):
        self.ns.append(n)
        self.acks.append(ack)

    def drop(self, positions):
        if not positions:
            return
        gone = set(positions)
        keep = [i for i in range(len(self.ns)) if i not in gone]
        self.ns = array.array("q", (self.ns[i] for i in keep))
        self.acks = array.array("d", (self.acks[i] for i in keep))


class CrashLedger:
    def __init__(self, args):
        self.args = args
        self.seed = args.seed
        self.salt = args.seed & 0xFFFFFFFF
        # PXAT times: whole days, 400 to 401 days from the start, so none passes during a run.
        self.far_ms = (int(time.time() * 1000) // MS_PER_DAY + 400) * MS_PER_DAY
        self.lock = threading.Lock()
        self.failures = []
        self.streams = [Stream() for _ in range(args.clients)]
        self.pairs = Stream()
        self.balances = [START_BALANCE] * ACCOUNTS
        self.bank_in_doubt = []
        self.bank_ok = True
        self.pairs_ok = True
        self.acked = 0               # ledger writes and pairs acknowledged, lost ones included
        self.transfers = 0
        self.lost = 0
        self.largest_window = None   # seconds

    # ---- bookkeeping ----

    def fail(self, what):
        with self.lock:
            self.failures.append(what)
            shown = len(self.failures)
        if shown <= 50:
            print("  FAIL %s" % what, flush=True)
        elif shown == 51:
            print("  (further failures counted, not shown)", flush=True)

    def is_redis(self):
        return self.args.server in ("redis", "redis-server")

    def describe(self):
        return "%s, appendfsync %s" % (server_harness.describe(self.args), self.args.fsync)

    def start(self, directory):
        persist = ["--dir", directory, "--save", "", "--appendonly", "yes",
                   "--appendfsync", self.args.fsync]
        if self.is_redis():
            srv = server_harness.redis(binary=self.args.redis_server, extra_args=persist,
                                       check_exit=False, ready_timeout=READY_TIMEOUT)
        else:
            srv = server_harness.shardis(self.args.server, cores=self.args.cores,
                                         extra_args=persist + self.args.server_arg,
                                         check_exit=False, ready_timeout=READY_TIMEOUT)
        return srv.start()

    def client(self, port, timeout=CLIENT_TIMEOUT):
        return redis.Redis(host=server_harness.HOST, port=port, socket_timeout=timeout,
                           socket_connect_timeout=timeout, retry_on_timeout=False)

    def client_error(self, stop, who, err):
        # Connection failures after the kill are its purpose; anything else is a failure.
        if isinstance(err, redis.ResponseError) or not stop.is_set():
            self.fail("%s: %s: %s (before the kill: %s)"
                      % (who, type(err).__name__, err, not stop.is_set()))

    # ---- load ----

    def ledger_writer(self, port, c, stop):
        s = self.streams[c]
        conn = self.client(port)
        try:
            while not stop.is_set():
                n = s.next_n
                s.next_n += 1
                key, kind, write, reply, _, _ = ledger_spec(self.salt, self.far_ms, c, n)
                try:
                    got = conn.execute_command(*write)
                except (redis.RedisError, OSError) as err:
                    s.in_doubt = n
                    self.client_error(stop, "ledger client %d" % c, err)
                    return
                s.add(n, time.monotonic())
                if got != reply:
                    self.fail("%s %r: reply %r, want %r" % (write[0], key, got, reply))
        finally:
            conn.close()

    def bank_writer(self, port, b, stop, rnd):
        rng = random.Random("%d:bank:%d:%d" % (self.seed, rnd, b))
        conn = self.client(port)
        try:
            while not stop.is_set():
                a, d = rng.sample(range(ACCOUNTS), 2)
                x = rng.randint(1, 100)
                pipe = conn.pipeline(transaction=True)
                pipe.incrby(account(a), -x)
                pipe.incrby(account(d), x)
                try:
                    got = pipe.execute()
                except (redis.RedisError, OSError) as err:
                    with self.lock:
                        self.bank_in_doubt.append((a, d, x))
                    self.client_error(stop, "bank client %d" % b, err)
                    return
                with self.lock:
                    self.balances[a] -= x
                    self.balances[d] += x
                    self.transfers += 1
                if not (isinstance(got, list) and len(got) == 2 and
                        all(isinstance(v, int) for v in got)):
                    self.fail("bank transfer: EXEC reply %r" % (got,))
        finally:
            conn.close()

    def pair_writer(self, port, stop):
        s = self.pairs
        conn = self.client(port)
        try:
            while not stop.is_set():
                n = s.next_n
                s.next_n += 1
                ka, kb = pair_keys(n)
                v = pair_value(self.salt, n)
                try:
                    got = conn.execute_command("MSET", ka, v, kb, v)
                except (redis.RedisError, OSError) as err:
                    s.in_doubt = n
                    self.client_error(stop, "pair client", err)
                    return
                s.add(n, time.monotonic())
                if got is not True:
                    self.fail("MSET %r %r: reply %r" % (ka, kb, got))
        finally:
            conn.close()

    def init_bank(self, port):
        conn = self.client(port)
        try:
            got = conn.mset({account(a): START_BALANCE for a in range(ACCOUNTS)})
            if got is not True:
                self.fail("MSET of the accounts: reply %r" % (got,))
        finally:
            conn.close()

    # ---- verification ----

    def losses(self, s, lost, kill_time, what):
        """Judges the acknowledged entries of s at positions `lost`, found missing, and drops
        them from s. Returns the age at the kill of the oldest of them (s), or None."""
        oldest = None
        for i in lost:
            age = kill_time - s.acks[i]
            oldest = age if oldest is None else max(oldest, age)
            if i < s.durable:
                self.fail("%s%d: present after an earlier recovery, now missing" % (what, s.ns[i]))
            elif self.args.fsync == "always":
                self.fail("%s%d: acknowledged %.0f ms before the kill, lost with appendfsync "
                          "always" % (what, s.ns[i], age * 1000))
            elif age > FSYNC_PERIOD + self.args.everysec_margin:
                self.fail("%s%d: acknowledged %.0f ms before the kill, lost (allowed: %.0f ms)"
                          % (what, s.ns[i], age * 1000,
                             (FSYNC_PERIOD + self.args.everysec_margin) * 1000))
        s.drop(lost)
        self.lost += len(lost)
        return oldest

    def verify_ledger(self, conn, kill_time):
        """Returns (keys checked, lost, oldest lost age or None, in doubt, in doubt present)."""
        checked = lost_count = doubt = doubt_present = 0
        oldest = None
        for c, s in enumerate(self.streams):
            lost = []
            for start in range(0, len(s.ns), BATCH):
                end = min(start + BATCH, len(s.ns))
                specs = [ledger_spec(self.salt, self.far_ms, c, s.ns[i]) for i in range(start, end)]
                pipe = conn.pipeline(transaction=False)
                for spec in specs:
                    queue_read(pipe, spec[1], spec[0])
                got = pipe.execute(raise_on_error=False)
                for j, spec in enumerate(specs):
                    verdict = judge(got[2 * j], got[2 * j + 1], spec[4], spec[5])
                    if verdict == "absent":
                        lost.append(start + j)
                    elif verdict != "ok":
                        self.fail("%r (%s, acknowledged): %s"
                                  % (spec[0], KIND_NAMES[spec[1]], verdict))
                checked += len(specs)
            age = self.losses(s, lost, kill_time, "led:%d:" % c)
            lost_count += len(lost)
            if age is not None:
                oldest = age if oldest is None else max(oldest, age)
            if s.in_doubt is not None:
                doubt += 1
                key, kind, _, _, want, want_px = ledger_spec(self.salt, self.far_ms, c, s.in_doubt)
                pipe = conn.pipeline(transaction=False)
                queue_read(pipe, kind, key)
                value, px = pipe.execute(raise_on_error=False)
                verdict = judge(value, px, want, want_px)
                if verdict == "ok":
                    doubt_present += 1
                    s.add(s.in_doubt, kill_time)
                elif verdict != "absent":
                    self.fail("%r (%s, in doubt): %s" % (key, KIND_NAMES[kind], verdict))
                s.in_doubt = None
            s.durable = len(s.ns)
        return checked, lost_count, oldest, doubt, doubt_present

    def verify_pairs(self, conn, kill_time):
        """Every pair ever started: both or neither, equal values; the acknowledged ones there.
        Returns (lost, oldest lost age or None, in doubt, in doubt present)."""
        s = self.pairs
        lost = []
        present_doubt = False
        pos = 0
        for start in range(0, s.next_n, BATCH):
            end = min(start + BATCH, s.next_n)
            pipe = conn.pipeline(transaction=False)
            for n in range(start, end):
                pipe.mget(pair_keys(n))
            got = pipe.execute(raise_on_error=False)
            for n, reply in zip(range(start, end), got):
                while pos < len(s.ns) and s.ns[pos] < n:
                    pos += 1
                acked = pos < len(s.ns) and s.ns[pos] == n
                if isinstance(reply, Exception) or len(reply) != 2:
                    self.fail("MGET pair %d: %r" % (n, reply))
                    self.pairs_ok = False
                    continue
                va, vb = reply
                present = va is not None or vb is not None
                if present and not (va == vb == pair_value(self.salt, n)):
                    self.fail("pair %d: %r and %r, want both %r or neither"
                              % (n, va, vb, pair_value(self.salt, n)))
                    self.pairs_ok = False
                if acked:
                    if not present:
                        lost.append(pos)
                elif n == s.in_doubt:
                    present_doubt = present
                elif present:
                    self.fail("pair %d exists, but an earlier recovery showed it absent" % n)
                    self.pairs_ok = False
        before = len(self.failures)
        age = self.losses(s, lost, kill_time, "pair:")
        if len(self.failures) != before:
            self.pairs_ok = False
        doubt = s.in_doubt is not None
        if present_doubt:
            s.add(s.in_doubt, kill_time)
        s.in_doubt = None
        s.durable = len(s.ns)
        return len(lost), age, int(doubt), int(present_doubt)

    def verify_bank(self, conn):
        got = conn.mget([account(a) for a in range(ACCOUNTS)])
        try:
            balances = [int(v) for v in got]
        except (TypeError, ValueError):
            self.fail("bank: accounts missing or not integers: %r" % (got,))
            self.bank_ok = False
            return
        if sum(balances) != ACCOUNTS * START_BALANCE:
            self.fail("bank: the accounts sum to %d, want %d: %r"
                      % (sum(balances), ACCOUNTS * START_BALANCE, balances))
            self.bank_ok = False
        elif self.args.fsync == "always":
            doubt = self.bank_in_doubt
            for mask in range(1 << len(doubt)):
                want = list(self.balances)
                for i, (a, d, x) in enumerate(doubt):
                    if mask >> i & 1:
                        want[a] -= x
                        want[d] += x
                if want == balances:
                    break
            else:
                self.fail("bank: balances %r are not the acknowledged transfers' %r plus some of "
                          "the in-doubt %r" % (balances, self.balances, doubt))
                self.bank_ok = False
        self.balances = balances
        self.bank_in_doubt = []

    def verify(self, port, kill_time):
        conn = self.client(port, timeout=VERIFY_TIMEOUT)
        try:
            checked, lost, age, doubt, doubt_present = self.verify_ledger(conn, kill_time)
            plost, page, pdoubt, pdoubt_present = self.verify_pairs(conn, kill_time)
            self.verify_bank(conn)
            keys = (sum(len(s.ns) for s in self.streams) + ACCOUNTS + 2 * len(self.pairs.ns))
            dbsize = conn.dbsize()
            if dbsize != keys:
                self.fail("DBSIZE %d, want %d (ledger, accounts, pairs)" % (dbsize, keys))
        finally:
            conn.close()
        ages = [a for a in (age, page) if a is not None]
        return (checked, lost + plost, max(ages) if ages else None, doubt + pdoubt,
                doubt_present + pdoubt_present)

    # ---- rounds ----

    def round(self, rnd, srv, directory, rng):
        """One kill and restart. Returns the restarted server, or None if it cannot go on."""
        args = self.args
        acked_before = sum(len(s.ns) for s in self.streams) + len(self.pairs.ns)
        transfers_before = self.transfers
        stop = threading.Event()
        threads = [threading.Thread(target=self.ledger_writer, args=(srv.port, c, stop),
                                    daemon=True) for c in range(args.clients)]
        threads += [threading.Thread(target=self.bank_writer, args=(srv.port, b, stop, rnd),
                                     daemon=True) for b in range(args.bank_clients)]
        threads.append(threading.Thread(target=self.pair_writer, args=(srv.port, stop),
                                        daemon=True))
        for t in threads:
            t.start()
        delay = rng.uniform(*args.seconds_between)
        time.sleep(delay)
        if not srv.alive():
            self.fail("round %d: the server exited before the kill (status %s)\n%s"
                      % (rnd, srv.proc.returncode, srv.log_tail()))
        kill_time = time.monotonic()
        stop.set()
        srv.proc.kill()
        srv.proc.wait(timeout=30)
        srv.stop()
        deadline = time.monotonic() + JOIN_TIMEOUT
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
        if any(t.is_alive() for t in threads):
            self.fail("round %d: a load client still blocked %.0f s after the kill"
                      % (rnd, JOIN_TIMEOUT))
            return None
        acked_round = sum(len(s.ns) for s in self.streams) + len(self.pairs.ns) - acked_before
        self.acked += acked_round
        try:
            srv = self.start(directory)
        except server_harness.ServerStartError as err:
            self.fail("round %d: restart: %s" % (rnd, err))
            return None
        transfers_in_doubt = len(self.bank_in_doubt)
        began = time.monotonic()
        checked, lost, age, doubt, doubt_present = self.verify(srv.port, kill_time)
        took = time.monotonic() - began
        if age is not None:
            self.largest_window = age if self.largest_window is None else max(self.largest_window,
                                                                              age)
        print("round %d: killed after %.2f s, %d acknowledged writes so far (+%d), lost %d "
              "(window %s), in doubt %d (%d applied), transfers %d (+%d, %d in doubt), %d keys "
              "verified in %.2f s" % (rnd, delay, self.acked, acked_round, lost,
                                      "%.0f ms" % (age * 1000) if age is not None else "-",
                                      doubt, doubt_present, self.transfers,
                                      self.transfers - transfers_before, transfers_in_doubt,
                                      checked, took), flush=True)
        return srv

    def run(self):
        args = self.args
        print("crash ledger: %s, %d kills after %.2f-%.2f s, %d ledger clients, %d bank "
              "clients, 1 pair client, seed %d"
              % (self.describe(), args.kills, args.seconds_between[0], args.seconds_between[1],
                 args.clients, args.bank_clients, self.seed), flush=True)
        rng = random.Random("%d:delays" % self.seed)
        directory = tempfile.mkdtemp(prefix="shardis-crash-ledger-")
        srv = None
        kills = 0
        try:
            srv = self.start(directory)
            self.init_bank(srv.port)
            if args.fsync == "everysec":
                time.sleep(FSYNC_PERIOD + args.everysec_margin)  # the accounts are durable
            for rnd in range(1, args.kills + 1):
                srv = self.round(rnd, srv, directory, rng)
                if srv is None:
                    break
                kills += 1
            if srv is not None:
                rc = srv.stop()
                if rc != 0:
                    self.fail("the server exited with status %s after SIGTERM (want 0)\n%s"
                              % (rc, srv.log_tail()))
        except (redis.RedisError, OSError, server_harness.ServerStartError) as err:
            self.fail("%s: %s" % (type(err).__name__, err))
        finally:
            if srv is not None:
                srv.stop()
            if args.keep_dir:
                print("data directory kept: %s" % directory, flush=True)
            else:
                shutil.rmtree(directory, ignore_errors=True)
        if kills < args.kills:
            self.fail("only %d of %d kills done" % (kills, args.kills))
        print("crash ledger: %d kills, %d acknowledged writes, %d lost (largest window %.0f ms), "
              "bank %s, pairs %s" % (kills, self.acked, self.lost,
                                     (self.largest_window or 0.0) * 1000,
                                     "ok" if self.bank_ok else "FAILED",
                                     "ok" if self.pairs_ok else "FAILED"), flush=True)
        print("  %d bank transfers acknowledged, %d pairs acknowledged and kept"
              % (self.transfers, len(self.pairs.ns)), flush=True)
        if self.failures:
            print("crash ledger FAIL: %d check(s) failed; replay with --seed %d and the same flags"
                  % (len(self.failures), self.seed), flush=True)
            return 1
        print("crash ledger PASS", flush=True)
        return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    server_harness.add_server_args(parser, default_cores=2)
    parser.add_argument("--fsync", choices=("always", "everysec"), default="always",
                        help="--appendfsync of the server (default always)")
    parser.add_argument("--kills", type=int, default=10, help="SIGKILLs (default 10)")
    parser.add_argument("--seconds-between", type=float, nargs=2, metavar=("A", "B"),
                        default=[0.5, 2.0],
                        help="each kill comes after a random delay in [A, B] s of load "
                             "(default 0.5 2.0)")
    parser.add_argument("--clients", type=int, default=4,
                        help="ledger clients writing fresh keys (default 4)")
    parser.add_argument("--bank-clients", type=int, default=2,
                        help="clients making bank transfers (default 2)")
    parser.add_argument("--seed", type=int, default=1, help="seed of every choice (default 1)")
    parser.add_argument("--everysec-margin", type=float, default=0.2,
                        help="everysec: seconds allowed beyond 1 s between the ack of a lost "
                             "write and the kill (default 0.2)")
    parser.add_argument("--keep-dir", action="store_true",
                        help="keep the data directory and print its path")
    args = parser.parse_args(argv)
    a, b = args.seconds_between
    if args.kills < 1 or args.clients < 1 or args.bank_clients < 0 or not 0 < a <= b:
        parser.error("need --kills >= 1, --clients >= 1, --bank-clients >= 0, 0 < A <= B")
    if args.bank_clients > 12:
        parser.error("--bank-clients at most 12 (in-doubt transfers are matched by subsets)")
    return args


def main(argv=None):
    return CrashLedger(parse_args(argv)).run()


if __name__ == "__main__":
    sys.exit(main())
