#!/usr/bin/env python3
"""Differential fuzzer: random string and keyspace commands to redis-server 7.0 and to the
server under test, every reply compared.

Contract:
  * Both servers start empty (FLUSHALL, then SELECT 0) and get the same seeded command stream
    (tests/support/diff_fuzz_gen.py) over one raw RESP2 connection each, one command at a time
    or in pipelines of up to --max-pipeline commands. A pipeline is sent to both servers before
    either is read, so a relative TTL starts within a few milliseconds on both.
  * Replies are compared byte for byte, except where a reply is not deterministic even between
    two redis-servers; each such case has its own comparison below (compare_*), never a skip:
    KEYS as a multiset, SCAN by iterating to cursor 0 on each server, RANDOMKEY by EXISTS, TTLs
    within a tolerance, OBJECT IDLETIME and MEMORY USAGE by range. Error replies are always
    compared byte for byte. There is no ignore list.
  * `--server redis` runs redis-server against redis-server: that must give 0 differences,
    which shows that the comparison rules are sound.
  * On a difference the report gives the seed, step, command, both replies and the commands
    before it, and the exit status is 1. With --keep-going N the run goes on to N differences,
    and after each one both servers are FLUSHALLed (and SELECT 0) so that one divergence does
    not cascade into many.
  * Every read has a deadline; a reply that never comes, a closed connection or a dead server
    is reported as a difference.

Usage:
  tools/diff_fuzz.py --server build/src/shardis-server --cores 1 --seed 123 --commands 20000
  tools/diff_fuzz.py --server build/src/shardis-server --cores 4 --hashtag --long 600
  tools/diff_fuzz.py --server redis --seed 7                     # redis against redis
  tools/diff_fuzz.py --server ... --commands-only GET,SET,DEL --keep-going 50
"""

import argparse
import collections
import os
import random
import socket
import sys
import time

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(_ROOT, "tests", "support"))

import diff_fuzz_gen  # noqa: E402
import resp_wire  # noqa: E402
import server_harness  # noqa: E402

REPLY_TIMEOUT = 10.0
HISTORY = 6
MAX_SCAN_PAGES = 10000
TTL_TOLERANCE_S = 2
TTL_TOLERANCE_MS = 2000
IDLE_TOLERANCE_S = 2
MAX_SHOWN = 20   # differences printed in full per seed; the rest are only counted


class Difference:
    def __init__(self, seed, step_no, step, ref_raw, tst_raw, reason, history):
        self.seed = seed
        self.step_no = step_no
        self.step = step
        self.ref_raw = ref_raw
        self.tst_raw = tst_raw
        self.reason = reason
        self.history = list(history)

    def report(self, test_label):
        lines = ["DIFFERENCE seed %d step %d: %s" % (self.seed, self.step_no,
                                                      show_args(self.step.args)),
                 "  reason:    %s" % self.reason,
                 "  redis:     %s" % show(self.ref_raw),
                 "  %-10s %s" % (test_label + ":", show(self.tst_raw))]
        if self.history:
            lines.append("  before it:")
            lines += ["    step %d: %s" % (n, show_args(a)) for n, a in self.history]
        return "\n".join(lines)


class StreamBroken(Exception):
    """A server gave no (parsable) reply: the connection is out of step from here on."""


def show(raw, limit=300):
    if raw is None:
        return "(nothing)"
    text = repr(raw)
    return text if len(text) <= limit else text[:limit] + "... (%d bytes)" % len(raw)


def show_args(args, limit=200):
    text = " ".join(repr(a)[1:] for a in args)
    return text if len(text) <= limit else text[:limit] + "..."


def read_reply(conn, who):
    try:
        return conn.read_raw(REPLY_TIMEOUT)
    except socket.timeout:
        raise StreamBroken("%s: no reply within %.0f s" % (who, REPLY_TIMEOUT))
    except resp_wire.ConnectionClosed:
        raise StreamBroken("%s closed the connection" % who)
    except (resp_wire.WireError, OSError) as err:
        raise StreamBroken("%s: bad reply stream: %s" % (who, err))


def call(conn, who, *args):
    try:
        conn.send(resp_wire.encode(*args))
    except OSError as err:
        raise StreamBroken("%s: send failed: %s" % (who, err))
    return read_reply(conn, who)


def is_error(raw):
    return raw[:1] == b"-"


def decode(raw):
    try:
        return resp_wire.decode(raw)
    except (resp_wire.WireError, ValueError):
        return ValueError


def plain_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


# -- comparisons: each returns None when the replies agree, or the reason they do not --------

def compare_exact(_ctx, _step, ref_raw, tst_raw):
    return None if ref_raw == tst_raw else "replies differ"


def compare_keys(_ctx, _step, ref_raw, tst_raw):
    # KEYS lists the keys in hash-table order, which depends on each process's random hash
    # seed: two redis-servers with the same keys list them in different orders.
    ref, tst = decode(ref_raw), decode(tst_raw)
    if not isinstance(ref, list) or not isinstance(tst, list):
        return compare_exact(None, None, ref_raw, tst_raw)
    return None if sorted(ref) == sorted(tst) else "different key sets"


def compare_integer_close(ref_raw, tst_raw, tolerance, exact_values=()):
    """Both non-negative integers within `tolerance`, or the same negative code (-1 no expiry,
    -2 no key). Values in `exact_values` must match exactly."""
    ref, tst = decode(ref_raw), decode(tst_raw)
    if not plain_int(ref) or not plain_int(tst):
        return compare_exact(None, None, ref_raw, tst_raw)
    if ref < 0 or tst < 0 or ref in exact_values or tst in exact_values:
        return None if ref == tst else "different values"
    return None if abs(ref - tst) <= tolerance else "differ by more than %d" % tolerance


# TTL and PTTL count down from the moment each server ran the command that set the expiry; the
# two servers ran it some milliseconds apart.
def compare_ttl(_ctx, _step, ref_raw, tst_raw):
    return compare_integer_close(ref_raw, tst_raw, TTL_TOLERANCE_S)


def compare_pttl(_ctx, _step, ref_raw, tst_raw):
    return compare_integer_close(ref_raw, tst_raw, TTL_TOLERANCE_MS)


# An expiry set from a relative time is "now + TTL" on each server's clock: close, not equal.
# One set from an absolute time the generator sent is the same number on both.
def compare_expiretime(ctx, _step, ref_raw, tst_raw):
    return compare_integer_close(ref_raw, tst_raw, TTL_TOLERANCE_S, ctx.absolute_times)


def compare_pexpiretime(ctx, _step, ref_raw, tst_raw):
    return compare_integer_close(ref_raw, tst_raw, TTL_TOLERANCE_MS, ctx.absolute_times)


def compare_idletime(ctx, step, ref_raw, tst_raw):
    # Idle time is whole seconds of each server's own LRU clock, which redis advances in its
    # timer (10 times a second), so two servers can be a second or so apart.
    ref, tst = decode(ref_raw), decode(tst_raw)
    if not plain_int(ref) or not plain_int(tst):
        return compare_exact(None, None, ref_raw, tst_raw)
    limit = int(time.monotonic() - ctx.servers_started) + IDLE_TOLERANCE_S
    if not (0 <= ref <= limit and 0 <= tst <= limit):
        return "idle time outside [0, %d] (seconds since the servers started, plus %d)" % (
            limit, IDLE_TOLERANCE_S)
    if abs(ref - tst) <= IDLE_TOLERANCE_S:
        return None
    # Redis stores the integers 0..9999 as shared objects (OBJECT REFCOUNT 2147483647), and
    # the idle time it reports for such a key is that of the shared object, touched through any
    # key holding the same number since the server started. A server that does not share
    # objects reports the key's own idle time; only the range above is comparable then.
    refcount = call(ctx.ref, "redis", b"OBJECT", b"REFCOUNT", step.args[2])
    if refcount == b":2147483647\r\n":
        return None
    return "differ by more than %d" % IDLE_TOLERANCE_S


def compare_memusage(_ctx, _step, ref_raw, tst_raw):
    # Byte counts depend on the allocator and on internal layouts; only the shape is comparable.
    if is_error(ref_raw) or is_error(tst_raw):
        return compare_exact(None, None, ref_raw, tst_raw)
    ref, tst = decode(ref_raw), decode(tst_raw)
    if ref is None and tst is None:
        return None
    if plain_int(ref) and plain_int(tst) and ref > 0 and tst > 0:
        return None
    return "expected both nil (missing key) or both an integer > 0"


def compare_randomkey(ctx, _step, ref_raw, tst_raw):
    # Which key comes back is random; the keyspaces are the same, so both must be nil or both
    # a key that exists on the server that returned it.
    if is_error(ref_raw) or is_error(tst_raw):
        return compare_exact(None, None, ref_raw, tst_raw)
    ref, tst = decode(ref_raw), decode(tst_raw)
    if ref is None or tst is None:
        return None if ref is None and tst is None else "one nil, the other a key"
    if not isinstance(ref, bytes) or not isinstance(tst, bytes):
        return "expected a bulk string"
    for conn, who, key in ((ctx.ref, "redis", ref), (ctx.tst, ctx.label, tst)):
        exists = call(conn, who, b"EXISTS", key)
        if exists != b":1\r\n":
            return "%s returned key %r but EXISTS says %r" % (who, key, exists)
    return None


def scan_options(args):
    """(pattern, type) in force for a SCAN that the server accepted; the last one wins."""
    pattern, type_name, i = b"*", None, 2
    while i + 1 < len(args):
        word = args[i].upper()
        if word == b"MATCH":
            pattern = args[i + 1]
        elif word == b"TYPE":
            type_name = args[i + 1]
        i += 2
    return pattern, type_name


def scan_all(conn, who, args, first_raw):
    """Keys from a full iteration that began with `first_raw`, or a reason string."""
    keys, raw, pages = set(), first_raw, 0
    while True:
        reply = decode(raw)
        if not (isinstance(reply, list) and len(reply) == 2 and isinstance(reply[0], bytes)
                and isinstance(reply[1], list)):
            return "%s: malformed SCAN reply %s" % (who, show(raw))
        keys.update(reply[1])
        cursor, pages = reply[0], pages + 1
        if cursor == b"0":
            return keys
        if pages >= MAX_SCAN_PAGES:
            return "%s: SCAN did not reach cursor 0 in %d calls" % (who, pages)
        raw = call(conn, who, b"SCAN", cursor, *args[2:])


def keys_matching(conn, who, pattern, type_name):
    """The keys a full SCAN must return, asked with KEYS (and TYPE) on the same server."""
    found = decode(call(conn, who, b"KEYS", pattern))
    if not isinstance(found, list):
        return "%s: KEYS %r failed" % (who, pattern)
    if type_name is None:
        return set(found)
    conn.send(resp_wire.encode_many([(b"TYPE", k) for k in found]))
    types = [read_reply(conn, who) for _ in found]
    # The TYPE filter is compared without regard to case (strcasecmp in redis).
    wanted = b"+" + type_name.lower() + b"\r\n"
    return {k for k, t in zip(found, types) if t.lower() == wanted}


def compare_scan(ctx, step, ref_raw, tst_raw):
    # Cursors encode each server's own table layout, so the pages differ; the guarantee that
    # does not is that a full iteration returns every key that existed throughout it.
    if is_error(ref_raw) or is_error(tst_raw):
        return compare_exact(None, None, ref_raw, tst_raw)
    pattern, type_name = scan_options(step.args)
    results = []
    for conn, who, raw in ((ctx.ref, "redis", ref_raw), (ctx.tst, ctx.label, tst_raw)):
        got = scan_all(conn, who, step.args, raw)
        if isinstance(got, str):
            return got
        want = keys_matching(conn, who, pattern, type_name)
        if isinstance(want, str):
            return want
        if got != want:
            return "%s: full SCAN gave %s, KEYS/TYPE say %s" % (
                who, show(sorted(got)), show(sorted(want)))
        results.append(got)
    return None if results[0] == results[1] else "SCAN found different key sets: %s vs %s" % (
        show(sorted(results[0])), show(sorted(results[1])))


COMPARE = {
    "exact": compare_exact, "keys": compare_keys, "scan": compare_scan,
    "randomkey": compare_randomkey, "ttl": compare_ttl, "pttl": compare_pttl,
    "expiretime": compare_expiretime, "pexpiretime": compare_pexpiretime,
    "idletime": compare_idletime, "memusage": compare_memusage,
}
# These checks send more commands after the reply, so they end a pipeline: no later command
# of the stream may change the keyspace before they look at it.
FOLLOW_UP_CHECKS = {"scan", "randomkey", "idletime"}
assert set(COMPARE) == set(diff_fuzz_gen.CHECKS)


# -- the runner ------------------------------------------------------------------------------

class SeedResult:
    def __init__(self, seed):
        self.seed = seed
        self.commands = 0
        self.counts = collections.Counter()
        self.differences = []
        self.broken = None   # why the run stopped early, if it did


class Fuzzer:
    """Runs seeded command streams against two already running servers on 127.0.0.1."""

    def __init__(self, ref_port, tst_port, label="tested", out=sys.stdout, keep_going=0,
                 max_pipeline=5, hashtag=False, only=None, typed_keys=False,
                 servers_started=None):
        self.ref_port, self.tst_port = ref_port, tst_port
        self.label = label
        self.out = out
        self.keep_going = keep_going
        self.max_pipeline = max_pipeline
        self.gen_options = dict(hashtag=hashtag, only=only, typed_keys=typed_keys)
        self.ref = self.tst = None
        self.absolute_times = set()
        # time.monotonic() from before the servers were started (default: now)
        self.servers_started = servers_started or time.monotonic()

    def _connect(self):
        self._close()
        self.ref = resp_wire.Conn(self.ref_port, timeout=REPLY_TIMEOUT)
        self.tst = resp_wire.Conn(self.tst_port, timeout=REPLY_TIMEOUT)

    def _close(self):
        for conn in (self.ref, self.tst):
            if conn is not None:
                conn.close()
        self.ref = self.tst = None

    def _reset(self):
        """Both servers empty, connection on database 0. Replies are not compared."""
        for conn, who in ((self.ref, "redis"), (self.tst, self.label)):
            call(conn, who, b"FLUSHALL")
            call(conn, who, b"SELECT", b"0")

    def run_seed(self, seed, commands):
        result = SeedResult(seed)
        gen = diff_fuzz_gen.Generator(seed, **self.gen_options)
        self.absolute_times = gen.absolute_times
        pipeline_rng = random.Random(seed ^ 0x5EED)
        history = collections.deque(maxlen=HISTORY)
        try:
            self._connect()
            self._reset()
            pending = None
            while result.commands < commands:
                batch, pending = self._next_batch(gen, pipeline_rng, pending,
                                                  commands - result.commands)
                if not self._run_batch(batch, result, history):
                    break
        except (StreamBroken, OSError) as err:
            result.broken = str(err)
        finally:
            self._close()
        return result

    def _next_batch(self, gen, pipeline_rng, pending, remaining):
        """The next pipeline, and the step held back for the one after it. A step whose check
        sends follow-up commands always ends its pipeline (and starts a new one if needed)."""
        if pending is not None:
            return [pending], None
        size = min(remaining, pipeline_rng.choice([1, 1, 1, 2, 3, self.max_pipeline]))
        batch = []
        while len(batch) < size:
            step = gen.next_step()
            if step.check in FOLLOW_UP_CHECKS:
                if batch:
                    return batch, step
                return [step], None
            batch.append(step)
        return batch, None

    def _run_batch(self, batch, result, history):
        """Sends one pipeline to both servers and compares the replies. Returns False when the
        run must stop (difference without --keep-going, or a broken stream)."""
        payload = resp_wire.encode_many(step.args for step in batch)
        self.ref.send(payload)
        self.tst.send(payload)
        ref_replies = [read_reply(self.ref, "redis") for _ in batch]
        tst_replies, broken = [], None
        try:
            for _ in batch:
                tst_replies.append(read_reply(self.tst, self.label))
        except StreamBroken as err:
            broken = str(err)
        first_no = result.commands
        result.commands += len(batch)
        result.counts.update(step.name for step in batch)
        for i, step in enumerate(batch):
            step_no = first_no + i
            tst_raw = tst_replies[i] if i < len(tst_replies) else None
            reason = broken if tst_raw is None else COMPARE[step.check](
                self, step, ref_replies[i], tst_raw)
            if reason is not None:
                self._record(result, Difference(result.seed, step_no, step, ref_replies[i],
                                                tst_raw, reason, history))
                return self._recover(result, broken, history)
            history.append((step_no, step.args))
        return True

    def _record(self, result, diff):
        result.differences.append(diff)
        shown = len(result.differences)
        if shown <= MAX_SHOWN:
            print(diff.report(self.label), file=self.out, flush=True)
        if shown == MAX_SHOWN:
            print("(further differences of seed %d are counted, not shown)" % result.seed,
                  file=self.out, flush=True)

    def _recover(self, result, broken, history):
        """After a difference: go on (with both servers emptied) only with --keep-going."""
        if len(result.differences) >= max(self.keep_going, 1):
            return False
        if broken is not None:
            self._connect()   # the stream is out of step; raises if the server is gone
        self._reset()
        history.clear()
        return True


# -- command line ----------------------------------------------------------------------------

def summary_line(seeds, commands, differences, broken=None):
    seed_text = "seed %d" % seeds[0] if len(seeds) == 1 else "seeds %d..%d (%d)" % (
        seeds[0], seeds[-1], len(seeds))
    line = "diff_fuzz: %s, %d commands, %d differences" % (seed_text, commands, differences)
    return line + ("; stopped early: %s" % broken if broken else "")


def coverage_lines(counts, width=100):
    lines, line = [], "commands:"
    for name in sorted(counts):
        item = " %s %d" % (name, counts[name])
        if len(line) + len(item) > width:
            lines.append(line)
            line = "         "
        line += item
    lines.append(line)
    return lines


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    server_harness.add_server_args(parser)
    parser.add_argument("--seed", type=int, default=None, help="first seed (default: random)")
    parser.add_argument("--commands", type=int, default=20000, help="commands per seed")
    parser.add_argument("--hashtag", action="store_true",
                        help="every key contains {t}: all keys on one shard (for --cores > 1)")
    parser.add_argument("--long", type=float, default=0.0, metavar="SECONDS",
                        help="keep running new seeds (seed, seed+1, ...) for this long")
    parser.add_argument("--keep-going", type=int, default=0, metavar="N",
                        help="collect up to N differences per seed instead of stopping at one")
    parser.add_argument("--commands-only", default="",
                        help="comma-separated command names to generate (default: all)")
    parser.add_argument("--typed-keys", action="store_true",
                        help="also create list, set and hash keys (RPUSH, SADD, HSET) so that "
                             "WRONGTYPE errors are exercised")
    parser.add_argument("--max-pipeline", type=int, default=5)
    args = parser.parse_args(argv)
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1, 2**31)
    return args


def run_seeds(args, ref_port, tst_port, label, servers_started, out=sys.stdout):
    """Runs one seed, or consecutive seeds for --long seconds. Returns the SeedResults."""
    only = [n for n in args.commands_only.split(",") if n.strip()] or None
    fuzzer = Fuzzer(ref_port, tst_port, label=label, out=out, keep_going=args.keep_going,
                    max_pipeline=args.max_pipeline, hashtag=args.hashtag, only=only,
                    typed_keys=args.typed_keys, servers_started=servers_started)
    deadline = time.monotonic() + args.long
    results, seed = [], args.seed
    while True:
        result = fuzzer.run_seed(seed, args.commands)
        results.append(result)
        if args.long:
            print(summary_line([seed], result.commands, len(result.differences),
                               result.broken), file=out, flush=True)
        if result.differences or result.broken or time.monotonic() >= deadline:
            return results
        seed += 1


def main(argv=None):
    args = parse_args(argv)
    label = "shardis" if args.server not in ("redis", "redis-server") else "redis#2"
    print("diff_fuzz: seed %d, %s%s, %d commands per seed%s" % (
        args.seed, server_harness.describe(args), " --hashtag" if args.hashtag else "",
        args.commands, ", for %.0f s" % args.long if args.long else ""), flush=True)
    try:   # validate --commands-only before starting any server
        diff_fuzz_gen.Generator(0, only=[n for n in args.commands_only.split(",") if n.strip()]
                                or None, typed_keys=args.typed_keys)
    except ValueError as err:
        print("diff_fuzz: %s" % err, file=sys.stderr)
        return 2
    servers_started = time.monotonic()
    with server_harness.reference_from_args(args) as ref, \
            server_harness.server_from_args(args, check_exit=False) as tst:
        results = run_seeds(args, ref.port, tst.port, label, servers_started)
        alive = tst.alive()
    if alive and tst.returncode != 0:
        alive = False
        print("server under test exited with status %s after SIGTERM\n%s"
              % (tst.returncode, tst.log_tail()))
    counts = sum((r.counts for r in results), collections.Counter())
    diffs = sum(len(r.differences) for r in results)
    broken = next((r.broken for r in results if r.broken), None)
    if not alive:
        broken = (broken + "; " if broken else "") + "server under test died"
    for line in coverage_lines(counts):
        print(line)
    by_command = collections.Counter(d.step.name for r in results for d in r.differences)
    if by_command:
        for line in coverage_lines(by_command):
            print(line.replace("commands:", "differ:  ", 1))
    print(summary_line([r.seed for r in results], sum(r.commands for r in results), diffs,
                       broken), flush=True)
    return 0 if diffs == 0 and broken is None and alive else 1


if __name__ == "__main__":
    sys.exit(main())
