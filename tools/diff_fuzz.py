#!/usr/bin/env python3
"""Differential fuzzer: random string, keyspace, list, hash, set, sorted-set and transaction
commands to redis-server 7.0 and to the server under test, every reply compared.

Contract:
  * Both servers start empty (FLUSHALL, then SELECT 0) and get the same seeded command stream
    (tests/support/diff_fuzz_gen.py) over one raw connection each, RESP2 (or RESP3 with
    --resp3), one command at a time or in pipelines of up to --max-pipeline commands. A
    pipeline is sent to both servers before either is read, so a relative TTL starts within a
    few milliseconds on both. Blocking commands (BLPOP, BZMPOP, ...) get timeouts of 0.01 to
    0.05 s outside MULTI, so on empty keys both servers answer nil after it.
  * Replies are compared byte for byte, except where a reply is not deterministic even between
    two redis-servers; each such case has its own comparison (compare_* in
    tests/support/diff_fuzz_rules.py), never a skip: KEYS as a multiset, SCAN by iterating to
    cursor 0 on each server, RANDOMKEY by EXISTS, TTLs within a tolerance, OBJECT IDLETIME and
    MEMORY USAGE by range, members of hashtable sets and hashes in any order (only where the
    reference's encoding has no defined order), SRANDMEMBER / HRANDFIELD / ZRANDMEMBER and SPOP
    by size and membership (SPOP then resynchronises the tested server), HSCAN / SSCAN / ZSCAN
    of hashtables and skiplists by full iteration, lex ranges over members of different scores
    (unspecified in Redis) by membership. Error replies are always compared byte for byte.
    There is no ignore list.
  * Transactions: MULTI blocks (diff_fuzz_txn.py) may span pipelines. Inside MULTI each reply
    (+QUEUED, or a queue-time error) is compared byte for byte; EXEC's reply is exact unless
    both are arrays (EXECABORT and the nil of a WATCH abort, *-1 or _, are exact), and then
    each element is compared with the rule of the command it answers, as if it had been sent
    alone: the same rules, applied inside the array. The runner follows which commands
    redis-server QUEUED to pair them with the elements. The generator places the commands
    whose rule looks at the keyspace so that what the rule sees after EXEC is what the command
    saw (see diff_fuzz_txn.py).
  * `--server redis` runs redis-server against redis-server: that must give 0 differences,
    which shows that the comparison rules are sound.
  * On a difference the report gives the seed, step, command, both replies and the commands
    before it (those sent inside MULTI marked so), and the exit status is 1. With
    --keep-going N the run goes on to N differences, and after each one both connections leave
    MULTI and their WATCHes (DISCARD, UNWATCH), both servers are FLUSHALLed (and SELECT 0) and
    the rest of an open MULTI block is dropped, so that one divergence does not cascade into
    many.
  * Every read has a deadline; a reply that never comes, a closed connection or a dead server
    is reported as a difference.

Usage:
  tools/diff_fuzz.py --server build/src/shardis-server --cores 1 --seed 123 --commands 20000
  tools/diff_fuzz.py --server build/src/shardis-server --cores 4 --hashtag --long 600
  tools/diff_fuzz.py --server build/src/shardis-server --cores 2 --spread     # cross-shard
  tools/diff_fuzz.py --server redis --seed 7                     # redis against redis
  tools/diff_fuzz.py --server ... --commands-only GET,SET,DEL --keep-going 50
  tools/diff_fuzz.py --server ... --families strings,sets --typed-keys
  tools/diff_fuzz.py --server ... --families transactions,lists --resp3
"""

import argparse
import collections
import os
import random
import sys
import time

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(_ROOT, "tests", "support"))

import diff_fuzz_gen  # noqa: E402
import resp_wire  # noqa: E402
import server_harness  # noqa: E402
from diff_fuzz_rules import (COMPARE, QUEUED, REPLY_TIMEOUT, StreamBroken,  # noqa: E402
                             alone_in_pipeline, call, compare_exact, preparation, read_reply,
                             show, show_args)

HISTORY = 12
MAX_SHOWN = 20   # differences printed in full per seed; the rest are only counted


class Difference:
    def __init__(self, seed, step_no, step, ref_raw, tst_raw, reason, history):
        self.seed = seed
        self.step_no = step_no
        self.step = step
        self.ref_raw = ref_raw
        self.tst_raw = tst_raw
        self.reason = reason
        self.history = list(history)   # (step number, step)

    def report(self, test_label):
        lines = ["DIFFERENCE seed %d step %d: %s" % (self.seed, self.step_no,
                                                      show_args(self.step.args)),
                 "  reason:    %s" % self.reason,
                 "  redis:     %s" % show(self.ref_raw),
                 "  %-10s %s" % (test_label + ":", show(self.tst_raw))]
        if self.history:
            lines.append("  before it:")
            lines += ["    step %d%s: %s" % (n, " (in MULTI)" if s.queued else "",
                                               show_args(s.args)) for n, s in self.history]
        return "\n".join(lines)



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
                 max_pipeline=5, hashtag=False, spread=False, only=None, typed_keys=False,
                 families=None, resp=2, servers_started=None):
        self.ref_port, self.tst_port = ref_port, tst_port
        self.label = label
        self.out = out
        self.keep_going = keep_going
        self.max_pipeline = max_pipeline
        self.gen_options = dict(hashtag=hashtag, spread=spread, only=only,
                                typed_keys=typed_keys, families=families)
        self.resp = resp
        self.ref = self.tst = None
        self.absolute_times = set()
        self.prepared = None   # what PREPARE found before the current step
        self.gen = None
        self.pending = None   # a step held back to start the next pipeline
        self.queued = None   # the steps of the open MULTI block that redis-server QUEUED
        self.block_prepared = {}   # what PREPARE found before that MULTI, by id() of step
        # time.monotonic() from before the servers were started (default: now)
        self.servers_started = servers_started or time.monotonic()

    def _connect(self):
        self._close()
        self.ref = resp_wire.Conn(self.ref_port, timeout=REPLY_TIMEOUT)
        self.tst = resp_wire.Conn(self.tst_port, timeout=REPLY_TIMEOUT)
        if self.resp == 3:   # replies to HELLO differ (server name, version): not compared
            call(self.ref, "redis", b"HELLO", b"3")
            call(self.tst, self.label, b"HELLO", b"3")

    def _close(self):
        for conn in (self.ref, self.tst):
            if conn is not None:
                conn.close()
        self.ref = self.tst = None

    def _reset(self):
        """Both servers empty, connection out of MULTI, watching nothing, on database 0.
        Replies are not compared (DISCARD outside MULTI is an error)."""
        for conn, who in ((self.ref, "redis"), (self.tst, self.label)):
            for command in ((b"DISCARD",), (b"UNWATCH",), (b"FLUSHALL",), (b"SELECT", b"0")):
                call(conn, who, *command)

    def run_seed(self, seed, commands):
        result = SeedResult(seed)
        self.gen = diff_fuzz_gen.Generator(seed, **self.gen_options)
        self.absolute_times = self.gen.absolute_times
        self.pending, self.queued, self.block_prepared = None, None, {}
        pipeline_rng = random.Random(seed ^ 0x5EED)
        history = collections.deque(maxlen=HISTORY)
        try:
            self._connect()
            self._reset()
            while result.commands < commands:
                batch = self._next_batch(pipeline_rng, commands - result.commands)
                if not self._run_batch(batch, result, history):
                    break
        except (StreamBroken, OSError) as err:
            result.broken = str(err)
        finally:
            self._close()
        return result

    def _next_batch(self, pipeline_rng, remaining):
        """The next pipeline. A step that must be alone in its pipeline (alone_in_pipeline)
        ends the current one and is held back (self.pending) to be the next one. A MULTI
        block may span pipelines: its steps are only queued until EXEC."""
        if self.pending is not None:
            step, self.pending = self.pending, None
            return [step]
        size = min(remaining, pipeline_rng.choice([1, 1, 1, 2, 3, self.max_pipeline]))
        batch = []
        while len(batch) < size:
            step = self.gen.next_step()
            if alone_in_pipeline(step):
                if batch:
                    self.pending = step
                    return batch
                return [step]
            batch.append(step)
        return batch

    def _run_batch(self, batch, result, history):
        """Sends one pipeline to both servers and compares the replies. Returns False when the
        run must stop (difference without --keep-going, or a broken stream)."""
        self.prepared = None
        prepare = preparation(batch[0]) if len(batch) == 1 else None
        if prepare is not None:
            self.prepared = prepare(self, batch[0])
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
            reason = broken if tst_raw is None else self._compare(step, ref_replies[i],
                                                                   tst_raw)
            if reason is not None:
                self._record(result, Difference(result.seed, step_no, step, ref_replies[i],
                                                tst_raw, reason, history))
                return self._recover(result, broken, history)
            self._track(step, ref_replies[i])
            history.append((step_no, step))
        return True

    def _compare(self, step, ref_raw, tst_raw):
        if step.queued:   # +QUEUED, or an error when queued: its rule applies inside EXEC
            return compare_exact(self, step, ref_raw, tst_raw)
        return COMPARE[step.check](self, step, ref_raw, tst_raw)

    def _track(self, step, ref_raw):
        """Follows the open MULTI block from the replies both servers agreed on."""
        if step.check == "multi":
            self.queued = []
            self.block_prepared = self.prepared or {}
        elif step.queued and ref_raw == QUEUED:
            self.queued.append(step)

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
        # The rest of a MULTI block would now run outside MULTI: it is dropped.
        self.gen.drop_block()
        self.pending, self.queued, self.block_prepared = None, None, {}
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
    parser.add_argument("--spread", action="store_true",
                        help="keys on several shards (four {tag} groups): multi-key commands, "
                             "WATCH and MULTI blocks mix groups (for --cores > 1)")
    parser.add_argument("--families", default="",
                        help="comma-separated command families to generate: "
                             + ",".join(diff_fuzz_gen.FAMILIES) + " (default: all)")
    parser.add_argument("--typed-keys", action="store_true",
                        help="always also send a few RPUSH, SADD, HSET and ZADD (about 1%% "
                             "each), even with --commands-only or --families, so that the "
                             "chosen commands meet keys of every type (WRONGTYPE)")
    parser.add_argument("--resp3", action="store_true",
                        help="both connections switch to RESP3 (HELLO 3) before the stream")
    parser.add_argument("--max-pipeline", type=int, default=5)
    args = parser.parse_args(argv)
    if args.hashtag and args.spread:
        parser.error("--hashtag and --spread are exclusive")
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1, 2**31)
    return args


def split_list(text):
    return [n.strip() for n in text.split(",") if n.strip()] or None


def run_seeds(args, ref_port, tst_port, label, servers_started, out=sys.stdout):
    """Runs one seed, or consecutive seeds for --long seconds. Returns the SeedResults."""
    fuzzer = Fuzzer(ref_port, tst_port, label=label, out=out, keep_going=args.keep_going,
                    max_pipeline=args.max_pipeline, hashtag=args.hashtag, spread=args.spread,
                    only=split_list(args.commands_only), typed_keys=args.typed_keys,
                    families=split_list(args.families), resp=3 if args.resp3 else 2,
                    servers_started=servers_started)
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
    layout = (" --hashtag" if args.hashtag else " --spread" if args.spread else "") + (
        " --resp3" if args.resp3 else "")
    print("diff_fuzz: seed %d, %s%s, %d commands per seed%s" % (
        args.seed, server_harness.describe(args), layout, args.commands,
        ", for %.0f s" % args.long if args.long else ""), flush=True)
    try:   # validate --commands-only and --families before starting any server
        diff_fuzz_gen.Generator(0, only=split_list(args.commands_only),
                                typed_keys=args.typed_keys, families=split_list(args.families))
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
