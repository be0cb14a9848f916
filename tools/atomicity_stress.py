#!/usr/bin/env python3
"""Atomicity stress: many concurrent clients check that transactions, cross-shard multi-key
commands, blocking pops and pub/sub are atomic and exact.

Scenarios (--scenario, default all, each on a fresh server for --seconds):
  bank      64 accounts, fixed total; transfers by MULTI/EXEC (DECRBY, INCRBY), by WATCH + GET +
            MULTI/SET/EXEC and by WATCH + MGET + MULTI/MSET/EXEC (retried on a null EXEC), while
            readers sum all 64 by MGET and by GETs or MGET inside MULTI/EXEC: every read must
            see exactly the total, and every account must end at its start balance plus its
            committed transfers.
  pair      pairs x_i, y_i always written together with one value (MSET, MULTI/SET/SET/EXEC);
            reads by MGET and inside MULTI must never see the two differ.
  blocking  1,000 connections blocked in BLPOP / BZPOPMIN over 1-3 keys each while producers
            LPUSH / RPUSH / ZADD uniquely numbered elements: each delivered exactly once, every
            reply well-formed, every key empty at the end.
  pubsub    subscribers by SUBSCRIBE and PSUBSCRIBE on many connections, publishers sending
            numbered sequences: every message received exactly once, in per-publisher order, and
            every PUBLISH reply equal to the exact number of receiving subscriptions.
The details of each are in tests/support/atomicity_txn.py, atomicity_blocking.py and
atomicity_pubsub.py.

Contract:
  * Every read has a timeout (--reply-timeout; for a blocking pop its own timeout on top): a
    reply that does not arrive in time is a hang. A connection the server closes, or a server
    process that exits, is a crash. Any error reply is a failure.
  * A scenario passes only if no check failed, nothing hung or crashed, its final checks hold,
    the server still answers PING and (when this script started it) exits 0 within 10 s of
    SIGTERM. The exit status is 0 only if every scenario that ran passed.
  * Clients' random choices come from --seed (printed); their interleaving depends on timing.

Usage:
  /usr/bin/python3 tools/atomicity_stress.py --scenario bank --seconds 30 --cores 4
  /usr/bin/python3 tools/atomicity_stress.py --scenario all --server redis   # check the checks
  /usr/bin/python3 tools/atomicity_stress.py --scenario pubsub --port 6379   # a running server
"""

import argparse
import asyncio
import os
import sys
import time

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(_ROOT, "tests", "support"))

import atomicity_blocking  # noqa: E402
import atomicity_pubsub  # noqa: E402
import atomicity_txn  # noqa: E402
import resp_wire  # noqa: E402
import server_harness  # noqa: E402
from atomicity_common import OK, PONG, Run  # noqa: E402

STOP_TIMEOUT = 10.0          # seconds the server gets to exit after SIGTERM

SCENARIOS = {
    "bank": (atomicity_txn.run_bank, atomicity_txn.bank_figures),
    "pair": (atomicity_txn.run_pair, atomicity_txn.pair_figures),
    "blocking": (atomicity_blocking.run_blocking, atomicity_blocking.blocking_figures),
    "pubsub": (atomicity_pubsub.run_pubsub, atomicity_pubsub.pubsub_figures),
}


def is_redis(args):
    return args.server in ("redis", "redis-server")


def start_server(args):
    if is_redis(args):
        return server_harness.redis(stop_timeout=STOP_TIMEOUT, extra_args=args.server_arg)
    return server_harness.shardis(args.server, cores=args.cores, extra_args=args.server_arg,
                                  stop_timeout=STOP_TIMEOUT)


async def drive(run, srv):
    """Runs the scenario while watching the server process; bounded in time."""
    scenario, _ = SCENARIOS[run.scenario]
    args = run.args

    async def watch():
        last_print = time.monotonic()
        while True:
            await asyncio.sleep(0.25)
            if srv is not None and not srv.alive():
                run.fail("CRASH: the server exited with status %s during the run\n%s"
                         % (srv.proc.returncode, srv.log_tail()))
                return
            if time.monotonic() - last_print >= 10:
                last_print = time.monotonic()
                print("  %5.0f s: %s" % (last_print - run.started,
                                         ", ".join("%s %d" % kv for kv in sorted(run.counts.items())
                                                   if kv[1])), flush=True)

    watcher = asyncio.ensure_future(watch())
    # Run time, drain time and a few reply timeouts; also covers opening 1,000 connections.
    limit = args.seconds + args.drain_timeout + 4 * args.reply_timeout + 60
    task = asyncio.ensure_future(scenario(run))
    done, _ = await asyncio.wait([task], timeout=limit)
    if not done:
        run.counts["hangs"] += 1
        run.fail("HANG: the %s scenario still running %.0f s after its start" % (run.scenario,
                                                                                  limit))
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    elif task.exception() is not None:
        err = task.exception()
        run.fail("%s scenario raised %s: %s" % (run.scenario, type(err).__name__, err))
    watcher.cancel()
    await asyncio.gather(watcher, return_exceptions=True)


def run_scenario(name, args, seed, target):
    srv = None
    if args.port is None:
        srv = start_server(args)
        srv.start()
    port = args.port if args.port is not None else srv.port
    run = Run(name, args, seed, port)
    print("== %s: seed %d, %s, %.0f s" % (name, seed, target, args.seconds), flush=True)
    stop_status = stop_seconds = None
    try:
        with resp_wire.Conn(port, timeout=args.reply_timeout) as conn:
            if conn.call_raw("FLUSHALL") != OK:
                run.fail("FLUSHALL before the scenario failed")
        if not run.failures:
            asyncio.run(drive(run, srv))
        if srv is None or srv.alive():
            try:
                with resp_wire.Conn(port, timeout=args.reply_timeout) as conn:
                    if conn.call_raw("PING") != PONG:
                        run.fail("final: the server no longer answers PING")
            except (OSError, resp_wire.WireError) as err:
                run.fail("final: PING failed: %s: %s" % (type(err).__name__, err))
        if srv is not None:
            if srv.alive():
                t0 = time.monotonic()
                stop_status = srv.stop()
                stop_seconds = time.monotonic() - t0
                if stop_status != 0 or stop_seconds > STOP_TIMEOUT:
                    run.fail("SHUTDOWN: status %s %.1f s after SIGTERM (expected 0 within "
                             "%.0f s)\n%s" % (stop_status, stop_seconds, STOP_TIMEOUT,
                                              srv.log_tail()))
            elif not any(f.startswith("CRASH") for f in run.failures):
                run.fail("CRASH: the server exited with status %s\n%s"
                         % (srv.proc.returncode, srv.log_tail()))
    finally:
        if srv is not None and srv.alive():
            srv.stop()

    if stop_seconds is not None:
        shutdown = "exit %s %.2f s after SIGTERM" % (stop_status, stop_seconds)
    elif srv is not None:
        shutdown = "died (status %s)" % srv.proc.returncode
    else:
        shutdown = "left running"
    verdict = "FAIL" if run.failures else "PASS"
    print("atomicity_stress %s %s: seed %d, %s, %.0f s: %s, server %s"
          % (name, verdict, seed, target, args.seconds, SCENARIOS[name][1](run), shutdown),
          flush=True)
    if run.failures:
        print("%d problem(s); replay with --scenario %s --seed %d and the same flags"
              % (len(run.failures), name, seed), flush=True)
    return not run.failures


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", choices=list(SCENARIOS) + ["all"], default="all",
                        help="which scenario to run (default all, one after the other)")
    parser.add_argument("--seconds", type=float, default=30.0,
                        help="how long each scenario's clients run (default 30)")
    parser.add_argument("--cores", type=int, default=4, help="--cores for the server (default 4)")
    parser.add_argument("--server", default=os.path.join(_ROOT, "build", "src", "shardis-server"),
                        help="shardis-server to start (default build/src/shardis-server), or "
                             "'redis' for redis-server (a check of these scenarios)")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="extra argument for the server (repeatable)")
    parser.add_argument("--port", type=int, default=None,
                        help="use the server already listening on 127.0.0.1:PORT instead of "
                             "starting one (it is FLUSHALLed before each scenario, not stopped)")
    parser.add_argument("--seed", type=int, default=None, help="default: a random one, printed")
    parser.add_argument("--reply-timeout", type=float, default=15.0,
                        help="a reply that does not come for this long is a hang (default 15)")
    parser.add_argument("--drain-timeout", type=float, default=20.0,
                        help="blocking, pubsub: how long, after the producers or publishers stop, "
                             "every element or message has to arrive (default 20)")
    parser.add_argument("--clients", type=int, default=8,
                        help="bank, pair: connections per kind of client (default 8)")
    parser.add_argument("--pairs", type=int, default=32, help="pair: key pairs (default 32)")
    parser.add_argument("--consumers", type=int, default=1000,
                        help="blocking: consumer connections (default 1000)")
    parser.add_argument("--producers", type=int, default=8,
                        help="blocking: producer connections (default 8)")
    parser.add_argument("--block-keys", type=int, default=16,
                        help="blocking: list keys, and as many sorted-set keys (default 16)")
    parser.add_argument("--backlog", type=int, default=200,
                        help="blocking: producers wait while this many elements are "
                             "undelivered (default 200)")
    parser.add_argument("--subscribers", type=int, default=256,
                        help="pubsub: subscriber connections (default 256)")
    parser.add_argument("--publishers", type=int, default=6,
                        help="pubsub: publisher connections (default 6)")
    parser.add_argument("--channels", type=int, default=16, help="pubsub: channels (default 16)")
    parser.add_argument("--window", type=int, default=5000,
                        help="pubsub: publishers wait while this many deliveries are on their "
                             "way (default 5000)")
    args = parser.parse_args(argv)
    if (min(args.clients, args.pairs, args.consumers, args.producers, args.subscribers,
            args.publishers) < 1 or args.block_keys < 3 or args.channels < 3):
        parser.error("counts must be >= 1, --block-keys and --channels >= 3")
    return args


def main(argv=None):
    args = parse_args(argv)
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "little")
    target = ("127.0.0.1:%d" % args.port if args.port else
              "redis-server" if is_redis(args) else
              " ".join(["%s --cores %d" % (args.server, args.cores)] + args.server_arg))
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    print("atomicity_stress: seed %d, %s, scenarios %s, %.0f s each"
          % (seed, target, " ".join(names), args.seconds), flush=True)
    wanted_fds = max(args.consumers, args.subscribers) + 256
    have = server_harness.raise_fd_limit(max(16384, 2 * wanted_fds))
    if have < wanted_fds:
        print("atomicity_stress FAIL: the open-file limit is %d, the scenarios need %d"
              % (have, wanted_fds), flush=True)
        return 1
    failed = [name for name in names if not run_scenario(name, args, seed, target)]
    if len(names) > 1:
        print("atomicity_stress %s: %d of %d scenarios passed%s"
              % ("FAIL" if failed else "PASS", len(names) - len(failed), len(names),
                 " (failed: %s)" % " ".join(failed) if failed else ""), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
