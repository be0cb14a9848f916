#!/usr/bin/env python3
"""Shard stress: many pipelining clients against one shardis-server, every reply checked.

The clients send long pipelines of random commands over keys spread across every shard, mostly
multi-key commands whose keys live on different shards (MGET, MSET, MSETNX, DEL, UNLINK, EXISTS,
TOUCH with 2 to 20 keys, repeats included; RENAME and COPY; MULTI/EXEC blocks of these and of
single-key commands, all predicted exactly), mixed with single-key string and expiry commands, SELECT
between databases and HELLO 3 / HELLO 2 switches. Besides the ordinary clients:
  * client 0, every --burst-every seconds, sends one pipeline of --burst (12,000+) multi-key
    commands at once and does not read for a while;
  * at the same moment --storm-clients extra connections each send 400-800 multi-key commands,
    together more requests per ordered pair of shards than the credit window (2048) admits;
  * every 8th client now and then writes a value of 64-128 KiB, pipelines hundreds of reads of
    it among other commands and stops reading for up to 2 s: tens of MiB of replies, past the
    server's output bound.
All replies must still come back complete, correct and in order.

Contract:
  * Each client owns a private key set (in several databases). Only it writes those keys, so
    its model of them is exact and the reply to every command on them is predicted byte for
    byte, in whichever protocol (RESP2 or RESP3) the connection speaks at that moment. TTLs are
    long (far beyond the run); TTL and PTTL are checked only for -2, -1, or a positive value no
    larger than the one set.
  * Shared counter keys are only INCRBY'd, by positive amounts, by every client. A reply must
    be at least the previous reply this client saw plus its increment, and at most the sum of
    every increment issued so far. At the end each must equal the sum of all increments.
  * Every read has a timeout: a reply that does not arrive in time is a hang. A connection the
    server closes, or a server process that exits, is a crash.
  * Exit status 0 only if no reply mismatched, nothing hung or crashed, DBSIZE of every
    database equals the model's live key count, the shared counters are exact, the server
    still answers PING, and (when this script started it) it exits 0 within 10 s of SIGTERM.

The per-client command streams come from --seed (printed at the start); the interleaving of
clients depends on timing. On a mismatch the report shows the command, its bytes, the expected
and the received reply and the commands just before it on that connection; --dump-dir also
saves that client's whole pipeline and the bytes it received.

Usage:
  /usr/bin/python3 tools/shard_stress.py --seconds 60 --cores 4
  /usr/bin/python3 tools/shard_stress.py --server-arg=--recv-mode --server-arg=plain
  /usr/bin/python3 tools/shard_stress.py --port 6379     # an already running server; FLUSHALLs it
  /usr/bin/python3 tools/shard_stress.py --server redis  # check the model against redis-server
"""

import argparse
import asyncio
import bisect
import os
import random
import re
import socket
import sys
import time

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(_ROOT, "tests", "support"))

import resp_wire  # noqa: E402
import server_harness  # noqa: E402

HOST = server_harness.HOST
INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
NUM_DBS = 16
DBS = (0, 1, 7, 15)          # databases the clients SELECT between
HOT_KEYS = 48                # each client's first keys are picked more often, so they collide
TAG_EVERY = 8                # every 8th private key carries a {hash tag} shared with others
TAGS_PER_CLIENT = 5
STOP_TIMEOUT = 10.0          # seconds the server gets to exit after SIGTERM
VERIFY_CHUNK = 250           # keys per MGET in the final read-back

OK = b"+OK\r\n"
PONG = b"+PONG\r\n"
ERR_NOT_INT = b"-ERR value is not an integer or out of range\r\n"
ERR_OVERFLOW = b"-ERR increment or decrement would overflow\r\n"
ERR_SET_EXPIRE = b"-ERR invalid expire time in 'set' command\r\n"
ERR_DB_RANGE = b"-ERR DB index is out of range\r\n"
_INT_RE = re.compile(rb"0|-?[1-9][0-9]*")


def arity_error(name):
    return b"-ERR wrong number of arguments for '%s' command\r\n" % name


def parse_int64(data):
    """The integer a Redis string holds, or None: strict decimal, no sign but '-', no leading
    zeros, within int64."""
    if len(data) > 20 or not _INT_RE.fullmatch(data):
        return None
    value = int(data)
    return value if INT64_MIN <= value <= INT64_MAX else None


def bulk(data):
    return b"$%d\r\n%s\r\n" % (len(data), data)


def integer(n):
    return b":%d\r\n" % n


def encode(args):
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(parts)


def short(data, limit=300):
    data = bytes(data)
    if len(data) <= limit:
        return repr(data)
    return "%r... (%d bytes)" % (data[:limit], len(data))


def show_command(args, limit=300):
    text = b" ".join(args)
    return short(text, limit)


def cumulative(weights):
    """(edges, functions, total) for picking among (weight, function, ...) entries."""
    edges, fns, total = [], [], 0.0
    for entry in weights:
        total += entry[0]
        edges.append(total)
        fns.append(entry[1])
    return edges, fns, total


def decode_integer(raw):
    if raw[:1] != b":":
        return None
    try:
        return int(raw[1:-2])
    except ValueError:
        return None


class Run:
    """State shared by all clients of one run. Only the asyncio thread touches it."""

    def __init__(self, args, seed):
        self.args = args
        self.seed = seed
        self.started = time.monotonic()
        self.deadline = self.started + args.seconds
        self.stop = False
        self.failures = []        # one line per problem (mismatch, hang, crash, final check)
        self.mismatches = 0
        self.hangs = 0
        self.sent = 0             # commands written
        self.checked = 0          # replies compared with the model
        self.bursts = 0
        self.storm_pipelines = 0
        self.pauses = 0
        self.hello_switches = 0
        self.selects = 0
        self.burst_epoch = 0
        self.burst_event = asyncio.Event()   # replaced by a fresh one each time it is set
        # (db, counter key) -> sum of every INCRBY issued so far, by any client.
        self.counter_totals = {}
        self.counter_names = [b"ctr:%d" % i for i in range(args.counters)]
        self.ttl_floor_s = max(3600, int(args.seconds) * 4 + 600)

    def wake(self):
        """Wakes every client waiting for the next burst."""
        event, self.burst_event = self.burst_event, asyncio.Event()
        event.set()

    def fail(self, line):
        self.failures.append(line)
        self.stop = True
        self.wake()
        if len(self.failures) <= 20:
            print(line, flush=True)
        elif len(self.failures) == 21:
            print("(further problems are counted, not printed)", flush=True)

    def running(self):
        return not self.stop and time.monotonic() < self.deadline


class Client:
    """One connection and the exact model of its private keys.

    Commands are generated, and the model updated, in the order they are sent; the expected
    reply of each is computed at that moment, so the model never waits for the server."""

    def __init__(self, run, cid):
        self.run = run
        self.cid = cid
        self.rng = random.Random("%d:%d" % (run.seed, cid))
        nkeys = run.args.keys
        self.keys = []
        for i in range(nkeys):
            if i % TAG_EVERY == TAG_EVERY - 1:
                self.keys.append(b"{c%d.t%d}:k%d" % (cid, i % TAGS_PER_CLIENT, i))
            else:
                self.keys.append(b"c%d:k%d" % (cid, i))
        self.hot = self.keys[:HOT_KEYS]
        # Holds a big value now and then; it is one of the keys (random commands may hit it).
        self.big_key = b"c%d:big" % cid
        self.keys.append(self.big_key)
        self.dbs = {db: {} for db in DBS}   # db -> key -> [value, ttl ms set or None]
        self.db = 0
        self.data = self.dbs[0]
        self.proto = 2
        self.nil = b"$-1\r\n"
        self.counter_seen = {}               # (db, counter) -> last reply seen here
        # Roles: client 0 sends the big burst; every 8th client now and then stops reading;
        # storm clients (numbered after the others) only act, all together, at each burst.
        self.storm = cid >= run.args.clients
        self.burster = cid == 0
        self.slow_reader = cid % 8 == 3 and not self.storm
        self.epoch_seen = 0
        self.pipe_state = (0, 2)             # (db, protocol) where the current pipeline starts
        self.sock = None
        self.buf = bytearray()
        self.pipelines = 0
        self.commands = 0
        weights = self._weights()
        self.table = cumulative(weights)
        self.multi_table = cumulative([w for w in weights if w[2]])

    def _weights(self):
        """(weight, generator, multi-key) for every kind of command."""
        return [
            # Multi-key commands, split across shards by the server.
            (20, self.c_mget, True),
            (14, self.c_mset, True),
            (6, lambda: self.c_delete(b"DEL"), True),
            (4, lambda: self.c_delete(b"UNLINK"), True),
            (11, lambda: self.c_count(b"EXISTS"), True),
            (5, lambda: self.c_count(b"TOUCH"), True),
            # Atomic multi-key commands and transactions, their keys on any shards.
            (3, self.c_msetnx, True),
            (3, self.c_rename, True),
            (2, self.c_copy, True),
            (4, self.c_multi, True),
            # Single-key commands.
            (7, self.c_set, False),
            (5, self.c_get, False),
            (5, self.c_incr, False),
            (3, self.c_append, False),
            (2, self.c_getdel, False),
            (2, self.c_expire, False),
            (1.5, self.c_persist, False),
            (1.5, self.c_ttl, False),
            (2, self.c_set_variant, False),
            (1, self.c_strlen_type, False),
            (4, self.c_counter, False),
            # Connection state and the odd error.
            (1.5, self.c_select, False),
            (0.3, self.c_hello, False),
            (0.7, self.c_ping_echo, False),
            (0.3, self.c_error, False),
            (0.2, self.c_expire_now, False),
        ]

    # ---- helpers ---------------------------------------------------------------------------

    def name(self, upper):
        # Command names and options are case-insensitive; say so now and then.
        return upper.lower() if self.rng.random() < 0.1 else upper

    def key1(self):
        return self.rng.choice(self.hot if self.rng.random() < 0.5 else self.keys)

    def keys_multi(self):
        rng = self.rng
        n = rng.randint(2, 20)
        pool = self.hot if rng.random() < 0.5 else self.keys
        ks = rng.choices(pool, k=n)
        if rng.random() < 0.3:
            for _ in range(rng.randint(1, 3)):
                ks[rng.randrange(n)] = ks[rng.randrange(n)]
        return ks

    def value(self):
        rng = self.rng
        roll = rng.random()
        if roll < 0.35:
            return b"%d" % rng.randint(-1000, 100000)
        if roll < 0.40:
            return b""
        if roll < 0.99:
            return rng.randbytes(rng.randint(1, 40))   # any bytes, CR LF and NUL included
        return rng.randbytes(rng.randint(1000, 20000))

    def ttl_s(self):
        return self.rng.randint(self.run.ttl_floor_s, self.run.ttl_floor_s + 100000)

    def value_reply(self, entry):
        return bulk(entry[0]) if entry is not None else self.nil

    # ---- command generators: each returns (args, expected reply bytes or a check) ----------

    def c_mget(self):
        ks = self.keys_multi()
        d = self.data
        parts = [b"*%d\r\n" % len(ks)]
        for k in ks:
            parts.append(self.value_reply(d.get(k)))
        return [self.name(b"MGET")] + ks, b"".join(parts)

    def c_mset(self):
        ks = self.keys_multi()
        d = self.data
        args = [self.name(b"MSET")]
        for k in ks:
            v = self.value()
            args += [k, v]
            d[k] = [v, None]                   # MSET drops any TTL; the last of repeats wins
        return args, OK

    def c_delete(self, cmd):
        ks = self.keys_multi()
        d = self.data
        n = 0
        for k in ks:
            if d.pop(k, None) is not None:
                n += 1                         # a repeated key is deleted once
        return [self.name(cmd)] + ks, integer(n)

    def c_count(self, cmd):
        ks = self.keys_multi()
        d = self.data
        n = sum(1 for k in ks if k in d)       # repeats count each time
        return [self.name(cmd)] + ks, integer(n)

    def c_msetnx(self):
        ks = self.keys_multi()
        d = self.data
        args = [self.name(b"MSETNX")]
        pairs = []
        for k in ks:
            v = self.value()
            args += [k, v]
            pairs.append((k, v))
        if any(k in d for k in ks):
            return args, integer(0)
        for k, v in pairs:
            d[k] = [v, None]                   # the last of repeats wins
        return args, integer(1)

    def c_rename(self):
        src, dst = self.key1(), self.key1()
        d = self.data
        entry = d.get(src)
        if entry is None:
            return [self.name(b"RENAME"), src, dst], b"-ERR no such key\r\n"
        if src != dst:
            d[dst] = d.pop(src)                # value and TTL move together
        return [self.name(b"RENAME"), src, dst], OK

    def c_copy(self):
        src, dst = self.key1(), self.key1()
        if src == dst:
            return [self.name(b"COPY"), src, dst], \
                b"-ERR source and destination objects are the same\r\n"
        d = self.data
        entry = d.get(src)
        if entry is None or dst in d:
            return [self.name(b"COPY"), src, dst], integer(0)
        d[dst] = [entry[0], entry[1]]
        return [self.name(b"COPY"), src, dst], integer(1)

    def c_multi(self):
        """MULTI, 1 to 6 commands of private keys on any shards, EXEC: a list of commands. Each
        queued command answers QUEUED and EXEC the array of their replies, as the model predicts
        them in order."""
        inner = (self.c_mget, self.c_mset, lambda: self.c_delete(b"DEL"),
                 lambda: self.c_count(b"EXISTS"), self.c_get, self.c_set, self.c_incr,
                 self.c_append, self.c_getdel, self.c_msetnx, self.c_rename, self.c_copy)
        cmds = [([self.name(b"MULTI")], OK)]
        replies = []
        for _ in range(self.rng.randint(1, 6)):
            args, want = self.rng.choice(inner)()
            cmds.append((args, b"+QUEUED\r\n"))
            replies.append(want)
        cmds.append(([self.name(b"EXEC")], b"*%d\r\n" % len(replies) + b"".join(replies)))
        return cmds

    def c_get(self):
        k = self.key1()
        return [self.name(b"GET"), k], self.value_reply(self.data.get(k))

    def c_set(self):
        rng = self.rng
        k = self.key1()
        v = self.value()
        d = self.data
        old = d.get(k)
        opts = []
        ttl = None
        keep = False
        roll = rng.random()
        if roll < 0.15:
            s = self.ttl_s()
            opts.append([self.name(b"EX"), b"%d" % s])
            ttl = s * 1000
        elif roll < 0.25:
            ms = self.ttl_s() * 1000 + rng.randrange(1000)
            opts.append([self.name(b"PX"), b"%d" % ms])
            ttl = ms
        elif roll < 0.35:
            opts.append([self.name(b"KEEPTTL")])
            keep = True
        roll = rng.random()
        cond = None
        if roll < 0.15:
            cond = b"NX"
        elif roll < 0.30:
            cond = b"XX"
        if cond:
            opts.append([self.name(cond)])
        get = rng.random() < 0.25
        if get:
            opts.append([self.name(b"GET")])
        rng.shuffle(opts)
        args = [self.name(b"SET"), k, v] + [a for o in opts for a in o]
        applies = cond is None or (cond == b"NX") == (old is None)
        if applies:
            d[k] = [v, old[1] if keep and old is not None else ttl]
        if get:
            return args, self.value_reply(old)
        return args, OK if applies else self.nil

    def c_set_variant(self):
        rng = self.rng
        k = self.key1()
        v = self.value()
        d = self.data
        old = d.get(k)
        which = rng.randrange(4)
        if which == 0:
            if old is None:
                d[k] = [v, None]
            return [self.name(b"SETNX"), k, v], integer(1 if old is None else 0)
        if which == 1:
            s = self.ttl_s()
            d[k] = [v, s * 1000]
            return [self.name(b"SETEX"), k, b"%d" % s, v], OK
        if which == 2:
            ms = self.ttl_s() * 1000 + rng.randrange(1000)
            d[k] = [v, ms]
            return [self.name(b"PSETEX"), k, b"%d" % ms, v], OK
        d[k] = [v, None]
        return [self.name(b"GETSET"), k, v], self.value_reply(old)

    def c_incr(self):
        rng = self.rng
        k = self.key1()
        which = rng.randrange(4)
        if which == 0:
            by, args = 1, [self.name(b"INCR"), k]
        elif which == 1:
            by, args = -1, [self.name(b"DECR"), k]
        else:
            roll = rng.random()
            if roll < 0.03:
                n = rng.choice((INT64_MAX, INT64_MAX - 5, 1 << 62, -(1 << 62), INT64_MIN + 1))
            else:
                n = rng.randint(-1000, 1000)
            if which == 2:
                by, args = n, [self.name(b"INCRBY"), k, b"%d" % n]
            else:
                by, args = -n, [self.name(b"DECRBY"), k, b"%d" % n]
        d = self.data
        entry = d.get(k)
        current = 0
        if entry is not None:
            current = parse_int64(entry[0])
            if current is None:
                return args, ERR_NOT_INT
        result = current + by
        if not INT64_MIN <= result <= INT64_MAX:
            return args, ERR_OVERFLOW
        if entry is None:
            d[k] = [b"%d" % result, None]
        else:
            entry[0] = b"%d" % result          # the TTL stays
        return args, integer(result)

    def c_append(self):
        k = self.key1()
        v = self.value() if self.rng.random() < 0.5 else b"%d" % self.rng.randrange(100)
        d = self.data
        entry = d.get(k)
        if entry is None:
            entry = d[k] = [v, None]
        else:
            entry[0] = entry[0] + v
        return [self.name(b"APPEND"), k, v], integer(len(entry[0]))

    def c_getdel(self):
        k = self.key1()
        return [self.name(b"GETDEL"), k], self.value_reply(self.data.pop(k, None))

    def c_expire(self):
        rng = self.rng
        k = self.key1()
        entry = self.data.get(k)
        ms_unit = rng.random() < 0.5
        s = self.ttl_s()
        ttl = s * 1000
        args = [self.name(b"PEXPIRE" if ms_unit else b"EXPIRE"), k, b"%d" % (ttl if ms_unit else s)]
        roll = rng.random()
        cond = b"NX" if roll < 0.2 else b"XX" if roll < 0.4 else None
        if cond:
            args.append(self.name(cond))
        if entry is None:
            return args, integer(0)
        if (cond == b"NX" and entry[1] is not None) or (cond == b"XX" and entry[1] is None):
            return args, integer(0)
        entry[1] = ttl
        return args, integer(1)

    def c_expire_now(self):
        # A TTL of zero or less deletes the key at once (and DBSIZE no longer counts it).
        k = self.key1()
        existed = self.data.pop(k, None) is not None
        amount = self.rng.choice((b"0", b"-1", b"-100"))
        name = b"PEXPIRE" if self.rng.random() < 0.5 else b"EXPIRE"
        return [self.name(name), k, amount], integer(1 if existed else 0)

    def c_persist(self):
        k = self.key1()
        entry = self.data.get(k)
        if entry is None or entry[1] is None:
            return [self.name(b"PERSIST"), k], integer(0)
        entry[1] = None
        return [self.name(b"PERSIST"), k], integer(1)

    def c_ttl(self):
        k = self.key1()
        ms_unit = self.rng.random() < 0.5
        args = [self.name(b"PTTL" if ms_unit else b"TTL"), k]
        entry = self.data.get(k)
        if entry is None:
            return args, integer(-2)
        if entry[1] is None:
            return args, integer(-1)
        bound = entry[1] if ms_unit else (entry[1] + 999) // 1000

        def check(raw, bound=bound):
            v = decode_integer(raw)
            if v is None or not 0 < v <= bound:
                return "expected an integer in 1..%d" % bound
            return None
        return args, check

    def c_strlen_type(self):
        k = self.key1()
        entry = self.data.get(k)
        if self.rng.random() < 0.5:
            return [self.name(b"STRLEN"), k], integer(len(entry[0]) if entry else 0)
        return [self.name(b"TYPE"), k], b"+string\r\n" if entry else b"+none\r\n"

    def c_counter(self):
        run = self.run
        name = self.rng.choice(run.counter_names)
        by = self.rng.randint(1, 1000)
        slot = (self.db, name)
        run.counter_totals[slot] = run.counter_totals.get(slot, 0) + by
        seen = self.counter_seen

        def check(raw, slot=slot, by=by):
            v = decode_integer(raw)
            low = seen.get(slot, 0) + by
            high = run.counter_totals[slot]
            if v is None or not low <= v <= high:
                return "expected an integer in %d..%d (shared counter)" % (low, high)
            seen[slot] = v
            return None
        return [self.name(b"INCRBY"), name, b"%d" % by], check

    def c_select(self):
        run = self.run
        if self.rng.random() < 0.02:
            return [self.name(b"SELECT"), b"%d" % NUM_DBS], ERR_DB_RANGE
        self.db = self.rng.choice(DBS)
        self.data = self.dbs[self.db]
        run.selects += 1
        return [self.name(b"SELECT"), b"%d" % self.db], OK

    def c_hello(self):
        proto = 5 - self.proto                 # 2 <-> 3
        self.proto = proto
        self.nil = b"_\r\n" if proto == 3 else b"$-1\r\n"
        self.run.hello_switches += 1

        def check(raw, proto=proto):
            try:
                value = resp_wire.decode(raw)
            except Exception as err:  # noqa: BLE001 - any decoding problem is a mismatch
                return "undecodable HELLO reply (%s)" % err
            if proto == 3:
                fields = value if isinstance(value, dict) else None
            elif isinstance(value, list) and len(value) % 2 == 0:
                fields = dict(zip(value[0::2], value[1::2]))
            else:
                fields = None
            if fields is None:
                return "expected a %s HELLO reply" % ("map" if proto == 3 else "flat array")
            got = fields.get(b"proto", fields.get("proto"))
            if got != proto:
                return "HELLO reply says proto %r, expected %d" % (got, proto)
            return None
        return [self.name(b"HELLO"), b"%d" % proto], check

    def c_ping_echo(self):
        roll = self.rng.random()
        if roll < 0.4:
            return [self.name(b"PING")], PONG
        msg = self.rng.randbytes(self.rng.randint(0, 30))
        if roll < 0.6:
            return [self.name(b"PING"), msg], bulk(msg)
        return [self.name(b"ECHO"), msg], bulk(msg)

    def c_error(self):
        k = self.key1()
        which = self.rng.randrange(5)
        if which == 0:
            return [b"MSET", k, b"v", self.key1()], arity_error(b"mset")
        if which == 1:
            return [b"GET", k, self.key1()], arity_error(b"get")
        if which == 2:
            return [b"INCRBY", k, b"12x"], ERR_NOT_INT
        if which == 3:
            return [b"SET", k, b"v", b"EX", b"0"], ERR_SET_EXPIRE

        def check(raw):
            if not raw.startswith(b"-ERR unknown command"):
                return "expected an unknown-command error"
            return None
        return [b"NOSUCHCOMMAND", k], check

    # ---- pipelines -------------------------------------------------------------------------

    def pick(self, table):
        edges, fns, total = table
        return fns[bisect.bisect_right(edges, self.rng.random() * total)]

    def make_pipeline(self, n, multi_only=False):
        self.pipe_state = (self.db, self.proto)
        table = self.multi_table if multi_only else self.table
        cmds = []
        while len(cmds) < n:
            got = self.pick(table)()
            if isinstance(got, list):
                cmds.extend(got)               # a MULTI block
            else:
                cmds.append(got)
        return cmds

    def big_read_pipeline(self, n):
        """An ordinary pipeline with a big value written first and then read again and again
        among the other commands: megabytes of replies, more than the server's output bound
        plus the socket buffers, while this client does not read. No SELECT in it, so that
        every GET of the big key finds it (unless a random command in between changed it)."""
        self.pipe_state = (self.db, self.proto)
        rng = self.rng
        k = self.big_key
        v = rng.randbytes(rng.randint(64 * 1024, 128 * 1024))
        self.data[k] = [v, None]
        cmds = [([self.name(b"SET"), k, v], OK)]
        while len(cmds) <= n:
            if rng.random() < 0.4:
                cmds.append(([self.name(b"GET"), k], self.value_reply(self.data.get(k))))
                continue
            fn = self.pick(self.table)
            if fn != self.c_select:
                got = fn()
                if isinstance(got, list):
                    cmds.extend(got)
                else:
                    cmds.append(got)
        return cmds

    async def connect(self, port):
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.slow_reader or self.burster:
            # A small window, so that not reading soon pushes back on the server.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
        sock.setblocking(False)
        await asyncio.wait_for(loop.sock_connect(sock, (HOST, port)), self.run.args.reply_timeout)
        self.sock = sock

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None

    async def recv_more(self, what):
        """Appends the next bytes from the server to self.buf; raises on timeout or EOF."""
        loop = asyncio.get_running_loop()
        try:
            data = await asyncio.wait_for(loop.sock_recv(self.sock, 1 << 18),
                                          self.run.args.reply_timeout)
        except asyncio.TimeoutError:
            raise HangError("no bytes for %.0f s while waiting for %s; unparsed bytes: %s"
                            % (self.run.args.reply_timeout, what, short(self.buf, 200))) from None
        if not data:
            raise ClosedError("server closed the connection while %s was awaited" % what)
        self.buf += data

    async def exchange(self, cmds, pause=0.0, dump_tag="", payload=None):
        """Sends the pipeline (concurrently with reading, so a huge one cannot deadlock on
        full socket buffers), optionally waits `pause` seconds before reading, then checks
        every reply in order. Returns False after a mismatch."""
        run = self.run
        loop = asyncio.get_running_loop()
        if payload is None:
            payload = b"".join(encode(args) for args, _ in cmds)
        sender = asyncio.ensure_future(loop.sock_sendall(self.sock, payload))
        run.sent += len(cmds)
        self.pipelines += 1
        try:
            if pause > 0:
                run.pauses += 1
                await asyncio.sleep(pause)
            ok = await self.check_replies(cmds, payload, dump_tag)
        finally:
            if not sender.done():
                sender.cancel()
        if ok:
            try:
                await asyncio.wait_for(sender, run.args.reply_timeout)
            except asyncio.TimeoutError:
                raise HangError("sending a pipeline did not finish") from None
        return ok

    async def check_replies(self, cmds, payload, dump_tag):
        buf = self.buf
        pos = 0
        i = 0
        n = len(cmds)
        run = self.run
        while i < n:
            args, want = cmds[i]
            if type(want) is bytes:
                if buf.startswith(want, pos):
                    pos += len(want)
                    i += 1
                    continue
                if len(buf) - pos < len(want) and want.startswith(buf[pos:]):
                    del buf[:pos]
                    pos = 0
                    await self.recv_more(self.describe_wait(cmds, i))
                    continue
                end = resp_wire.reply_end(buf, pos)
                if end is None:
                    del buf[:pos]
                    pos = 0
                    await self.recv_more(self.describe_wait(cmds, i))
                    continue
                self.report_mismatch(cmds, i, want, bytes(buf[pos:end]), "", payload,
                                     bytes(buf[pos:]), dump_tag)
                return False
            end = resp_wire.reply_end(buf, pos)
            if end is None:
                del buf[:pos]
                pos = 0
                await self.recv_more(self.describe_wait(cmds, i))
                continue
            raw = bytes(buf[pos:end])
            problem = want(raw)
            if problem:
                self.report_mismatch(cmds, i, None, raw, problem, payload, bytes(buf[pos:]),
                                     dump_tag)
                return False
            pos = end
            i += 1
        del buf[:pos]
        run.checked += n
        self.commands += n
        return True

    def describe_wait(self, cmds, i):
        return "reply %d of %d (%s)" % (i + 1, len(cmds), show_command(cmds[i][0], 120))

    def report_mismatch(self, cmds, i, want, got, problem, payload, received, dump_tag):
        run = self.run
        run.mismatches += 1
        run.checked += i
        db, proto = self.pipe_state
        for earlier_args, earlier_want in cmds[:i]:
            name = earlier_args[0].upper()
            if name == b"SELECT" and earlier_want == OK:
                db = int(earlier_args[1])
            elif name == b"HELLO":
                proto = int(earlier_args[1])
        lines = ["MISMATCH client %d (db %d, RESP%d), pipeline %d%s, command %d of %d "
                 "(client command #%d)"
                 % (self.cid, db, proto, self.pipelines, dump_tag, i + 1, len(cmds),
                    self.commands + i + 1)]
        lines.append("  command:  %s" % show_command(cmds[i][0]))
        lines.append("  bytes:    %s" % short(encode(cmds[i][0]), 400))
        if want is not None:
            lines.append("  expected: %s" % short(want, 400))
        else:
            lines.append("  expected: %s" % problem)
        lines.append("  got:      %s" % short(got, 400))
        for j in range(max(0, i - 4), i):
            w = cmds[j][1]
            lines.append("  before #%d: %s -> %s" % (j + 1, show_command(cmds[j][0], 160),
                                                     short(w, 120) if type(w) is bytes
                                                     else "(checked)"))
        lines.append("  replay: --seed %d (same flags); client %d's stream is seeded %r"
                     % (run.seed, self.cid, "%d:%d" % (run.seed, self.cid)))
        if run.args.dump_dir:
            os.makedirs(run.args.dump_dir, exist_ok=True)
            stem = os.path.join(run.args.dump_dir, "shard_stress-%d-c%d-p%d"
                                % (run.seed, self.cid, self.pipelines))
            with open(stem + ".sent", "wb") as f:
                f.write(payload)
            with open(stem + ".received", "wb") as f:
                f.write(received)
            lines.append("  pipeline bytes in %s.sent, bytes received (from this reply on) in "
                         "%s.received" % (stem, stem))
        run.fail("\n".join(lines))

    async def verify_all(self):
        """Reads back every private key in every database and compares with the model."""
        for db in DBS:
            self.pipe_state = (self.db, self.proto)
            cmds = [([b"SELECT", b"%d" % db], OK)]
            self.db = db
            self.data = self.dbs[db]
            for start in range(0, len(self.keys), VERIFY_CHUNK):
                ks = self.keys[start:start + VERIFY_CHUNK]
                parts = [b"*%d\r\n" % len(ks)] + [self.value_reply(self.data.get(k)) for k in ks]
                cmds.append(([b"MGET"] + ks, b"".join(parts)))
            if not await self.exchange(cmds, dump_tag=" (final read-back)"):
                return False
        return True

    async def quit(self):
        if not await self.exchange([([b"QUIT"], OK)]):
            return False
        try:
            await self.recv_more("the close after QUIT")
        except ClosedError:
            return True
        self.run.fail("client %d: bytes after the reply to QUIT: %s" % (self.cid, short(self.buf)))
        return False

    async def storm_loop(self):
        """Waits for each burst, then sends one deep pipeline of multi-key commands at the same
        moment as every other storm client: together they hold more requests to each shard
        than the credit window allows. The pipeline is built and encoded (and the model updated)
        while waiting, so that building it does not spread the sends out; the last one goes out when
        the run ends, so the model never holds commands that were not sent."""
        run = self.run
        while True:
            cmds = self.make_pipeline(self.rng.randint(400, 800), multi_only=True)
            payload = b"".join(encode(args) for args, _ in cmds)
            while run.running() and run.burst_epoch <= self.epoch_seen:
                await run.burst_event.wait()
            if run.failures:
                return False
            self.epoch_seen = run.burst_epoch
            run.storm_pipelines += 1
            if not await self.exchange(cmds, dump_tag=" (storm)", payload=payload):
                return False
            if not run.running():
                return True

    async def main(self, port):
        run = self.run
        args = run.args
        rng = self.rng
        try:
            await self.connect(port)
            if self.storm and not await self.storm_loop():
                return
            while run.running() and not self.storm:
                if run.burst_epoch > self.epoch_seen and self.burster:
                    # Far more cross-shard requests at once than the credit window, and not
                    # read for a while.
                    self.epoch_seen = run.burst_epoch
                    n = args.burst + rng.randrange(args.burst // 4 + 1)
                    run.bursts += 1
                    ok = await self.exchange(self.make_pipeline(n, multi_only=True),
                                             pause=rng.uniform(0.5, 2.0), dump_tag=" (burst)")
                elif self.slow_reader and rng.random() < 0.1:
                    ok = await self.exchange(self.big_read_pipeline(args.pipeline * 20),
                                             pause=rng.uniform(0.3, 2.0), dump_tag=" (slow reader)")
                else:
                    n = args.pipeline if rng.random() < 0.9 else rng.randint(1, args.pipeline)
                    ok = await self.exchange(self.make_pipeline(n))
                if not ok:
                    return
            if run.failures:
                return
            if await self.verify_all():
                await self.quit()
        except HangError as err:
            run.hangs += 1
            run.fail("HANG client %d (db %d, RESP%d, pipeline %d): %s"
                     % (self.cid, self.db, self.proto, self.pipelines, err))
        except (ClosedError, ConnectionError, OSError) as err:
            run.fail("CONNECTION client %d (pipeline %d): %s: %s"
                     % (self.cid, self.pipelines, type(err).__name__, err))
        finally:
            self.close()


class HangError(Exception):
    pass


class ClosedError(Exception):
    pass


async def drive(run, port, srv):
    clients = [Client(run, cid) for cid in range(run.args.clients + run.args.storm_clients)]

    async def bursts():
        # The first burst early, so that even a short run has one.
        await asyncio.sleep(min(1.0, run.args.seconds / 4))
        while run.running():
            run.burst_epoch += 1
            run.wake()
            await asyncio.sleep(max(0.0, min(run.args.burst_every,
                                             run.deadline - time.monotonic() + 0.01)))
        run.wake()   # the storm clients send their last pipeline now

    async def watch():
        last_print = time.monotonic()
        while True:
            await asyncio.sleep(0.25)
            if srv is not None and not srv.alive():
                run.fail("CRASH: the server exited with status %s during the run\n%s"
                         % (srv.proc.returncode, srv.log_tail()))
                return
            now = time.monotonic()
            if now - last_print >= 10:
                last_print = now
                elapsed = now - run.started
                print("  %5.0f s: %d commands sent, %d replies checked (%.0f/s), %d bursts, "
                      "%d paused reads" % (elapsed, run.sent, run.checked, run.checked / elapsed,
                                           run.bursts, run.pauses), flush=True)

    burst_task = asyncio.ensure_future(bursts())
    watch_task = asyncio.ensure_future(watch())
    # Bounded even if some read keeps trickling in: run time plus generous room for the
    # final read-back and a few reply timeouts.
    limit = run.args.seconds + 4 * run.args.reply_timeout + 60
    tasks = [asyncio.ensure_future(c.main(port)) for c in clients]
    done, pending = await asyncio.wait(tasks, timeout=limit)
    if pending:
        run.hangs += 1
        run.fail("HANG: %d clients still running %.0f s after the start" % (len(pending), limit))
        for t in pending:
            t.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    for t in done:
        if t.exception() is not None:
            run.fail("client task raised %s: %s" % (type(t.exception()).__name__, t.exception()))
    burst_task.cancel()
    watch_task.cancel()
    await asyncio.gather(burst_task, watch_task, return_exceptions=True)
    for c in clients:
        c.close()
    return clients


def final_checks(run, clients, port):
    """DBSIZE of every database, exact shared counters, PING. Returns nothing; failures go
    into run.failures."""
    expected = [0] * NUM_DBS
    for c in clients:
        for db, data in c.dbs.items():
            expected[db] += len(data)
    for (db, _name), total in run.counter_totals.items():
        if total:
            expected[db] += 1
    with resp_wire.Conn(port, timeout=run.args.reply_timeout) as conn:
        got_total = 0
        for db in range(NUM_DBS):
            if conn.call_raw("SELECT", db) != OK:
                run.fail("final: SELECT %d did not reply +OK" % db)
                return
            size = conn.call("DBSIZE")
            got_total += size if isinstance(size, int) else 0
            if size != expected[db]:
                run.fail("final: DBSIZE of db %d is %r, the model has %d live keys"
                         % (db, size, expected[db]))
        print("  final DBSIZE over %d databases: %d (model %d)"
              % (NUM_DBS, got_total, sum(expected)), flush=True)
        wrong = 0
        for db in DBS:
            conn.call_raw("SELECT", db)
            names = run.counter_names
            values = conn.call("MGET", *names)
            for name, got in zip(names, values):
                want = run.counter_totals.get((db, name), 0)
                want_raw = (b"%d" % want) if want else None
                if got != want_raw:
                    wrong += 1
                    run.fail("final: counter %s in db %d is %r, expected %r"
                             % (name.decode(), db, got, want_raw))
        print("  final shared counters: %d of %d exact (increments summing to %d)"
              % (len(run.counter_names) * len(DBS) - wrong, len(run.counter_names) * len(DBS),
                 sum(run.counter_totals.values())), flush=True)
        if conn.call_raw("PING") != PONG:
            run.fail("final: the server no longer answers PING")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="how long the clients send (default 60)")
    parser.add_argument("--cores", type=int, default=4, help="--cores for the server (default 4)")
    parser.add_argument("--clients", type=int, default=64, help="connections (default 64)")
    parser.add_argument("--pipeline", type=int, default=32,
                        help="commands per ordinary pipeline (default 32)")
    parser.add_argument("--keys", type=int, default=2000,
                        help="private keys per client, per database (default 2000)")
    parser.add_argument("--seed", type=int, default=None, help="default: a random one, printed")
    parser.add_argument("--server", default=os.path.join(_ROOT, "build", "src", "shardis-server"),
                        help="shardis-server to start (default build/src/shardis-server), or "
                             "'redis' for redis-server (a check of this script's model)")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="extra argument for the server (repeatable), e.g. "
                             "--server-arg=--recv-mode --server-arg=plain")
    parser.add_argument("--port", type=int, default=None,
                        help="use the server already listening on 127.0.0.1:PORT instead of "
                             "starting one (it is FLUSHALLed first and not stopped)")
    parser.add_argument("--counters", type=int, default=16, help="shared counter keys (default 16)")
    parser.add_argument("--burst", type=int, default=12000,
                        help="commands in the big single pipeline (default 12000, up to 25%% more)")
    parser.add_argument("--storm-clients", type=int, default=96,
                        help="extra connections that, at each burst, all send 400-800 "
                             "multi-key commands at once (default 96)")
    parser.add_argument("--burst-every", type=float, default=10.0,
                        help="seconds between bursts (default 10; the first comes after 1 s)")
    parser.add_argument("--reply-timeout", type=float, default=30.0,
                        help="a read that gets no bytes for this long is a hang (default 30)")
    parser.add_argument("--dump-dir", default=None,
                        help="on a mismatch, save the failing pipeline and received bytes here")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.pipeline < 1 or args.keys < HOT_KEYS or args.counters < 1:
        parser.error("--clients, --pipeline and --counters must be >= 1, --keys >= %d" % HOT_KEYS)
    return args


def start_server(args):
    if args.server in ("redis", "redis-server"):
        return server_harness.redis(stop_timeout=STOP_TIMEOUT, extra_args=args.server_arg)
    return server_harness.shardis(args.server, cores=args.cores, extra_args=args.server_arg,
                                  stop_timeout=STOP_TIMEOUT)


def main(argv=None):
    args = parse_args(argv)
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "little")
    run = Run(args, seed)
    target = ("127.0.0.1:%d" % args.port if args.port else
              "redis-server" if args.server in ("redis", "redis-server") else
              " ".join(["%s --cores %d" % (args.server, args.cores)] + args.server_arg))
    print("shard_stress: seed %d, %s, %d clients, pipeline %d, %d keys per client, %.0f s"
          % (seed, target, args.clients, args.pipeline, args.keys, args.seconds), flush=True)
    server_harness.raise_fd_limit()

    srv = None
    if args.port is None:
        srv = start_server(args)
        srv.start()
    port = args.port if args.port is not None else srv.port
    stop_status = None
    stop_seconds = None
    try:
        if args.port is not None:
            with resp_wire.Conn(port, timeout=args.reply_timeout) as conn:
                if conn.call_raw("FLUSHALL") != OK:
                    run.fail("FLUSHALL of the server at port %d failed" % port)
        run.started = time.monotonic()
        run.deadline = run.started + args.seconds
        clients = []
        if not run.failures:
            clients = asyncio.run(drive(run, port, srv))
        elapsed = time.monotonic() - run.started
        server_up = srv is None or srv.alive()
        if not run.failures and server_up:
            try:
                final_checks(run, clients, port)
            except (OSError, resp_wire.WireError) as err:
                run.fail("final checks: %s: %s" % (type(err).__name__, err))
        if srv is not None:
            if srv.alive():
                t0 = time.monotonic()
                stop_status = srv.stop()
                stop_seconds = time.monotonic() - t0
                if stop_status != 0 or stop_seconds > STOP_TIMEOUT:
                    run.fail("SHUTDOWN: status %s %.1f s after SIGTERM (expected 0 within %.0f s)"
                             "\n%s"
                             % (stop_status, stop_seconds, STOP_TIMEOUT, srv.log_tail()))
            elif not any(f.startswith("CRASH") for f in run.failures):
                run.fail("CRASH: the server exited with status %s\n%s"
                         % (srv.proc.returncode, srv.log_tail()))
    finally:
        if srv is not None and srv.alive():
            srv.stop()

    rate = run.checked / elapsed if elapsed > 0 else 0.0
    if stop_seconds is not None:
        shutdown = "exit %s %.2f s after SIGTERM" % (stop_status, stop_seconds)
    elif srv is not None:
        shutdown = "died (status %s)" % srv.proc.returncode
    else:
        shutdown = "left running"
    verdict = "FAIL" if run.failures else "PASS"
    print("shard_stress %s: seed %d, %s: %d commands sent, %d replies checked, %.0f commands/s, "
          "%d mismatches, %d hangs, %d bursts, %d storm pipelines, %d paused reads, "
          "%d HELLO switches, %d SELECTs, server %s"
          % (verdict, seed, target, run.sent, run.checked, rate, run.mismatches, run.hangs,
             run.bursts, run.storm_pipelines, run.pauses, run.hello_switches, run.selects,
             shutdown), flush=True)
    if run.failures:
        print("%d problem(s); replay with --seed %d and the same flags" % (len(run.failures), seed),
              flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
