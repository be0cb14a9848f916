"""The crash ledger (tools/crash_ledger.py), CI-sized: the server under test with the
append-only file on is SIGKILLed 3 times under write load from 4 ledger clients, bank
transfers and pair writes, and restarted on the same directory; after each restart every
acknowledged write is checked.

  * --appendfsync always: no acknowledged write lost, every key with its exact type, value and
    PEXPIRETIME; kills after 0.3-0.8 s of load.
  * --appendfsync everysec: only writes acknowledged within 1.2 s of the kill may be lost; kills
    after 1.3-2.0 s of load, so that every round also holds writes older than that.
  * In both: the bank's accounts keep their total, pairs are whole or absent, in-doubt writes
    are absent or exact, no stray keys, and the tool's exit status is 0.

  PYTHONPATH=tests/support /usr/bin/python3 tests/e2e/test_crash_ledger.py \\
      --server build/src/shardis-server --cores 2
"""

import argparse
import os
import subprocess
import sys

import server_harness

TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools",
                    "crash_ledger.py")
KILLS = 3
RUN_TIMEOUT = 150  # seconds for one run of the tool

RUNS = (
    ("always", ["--seconds-between", "0.3", "0.8"]),
    ("everysec", ["--seconds-between", "1.3", "2.0"]),
)


def run_tool(check, args, fsync, extra):
    argv = ([sys.executable, TOOL, "--server", args.server, "--cores", str(args.cores),
             "--redis-server", args.redis_server, "--fsync", fsync, "--kills", str(KILLS),
             "--clients", "4", "--seed", "1"] + extra +
            ["--server-arg=%s" % a for a in args.server_arg])
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired as err:
        out = err.stdout.decode("utf-8", "replace") if isinstance(err.stdout, bytes) else \
            (err.stdout or "")
        print(out, flush=True)
        check.check(False, "appendfsync %s: the crash ledger finishes within %d s"
                    % (fsync, RUN_TIMEOUT))
        return
    print(proc.stdout, end="", flush=True)
    summary = [line for line in proc.stdout.splitlines()
               if line.startswith("crash ledger: %d kills," % KILLS)]
    check.check(proc.returncode == 0 and len(summary) == 1 and
                summary[0].endswith("bank ok, pairs ok"),
                "appendfsync %s: %s" % (fsync, summary[0] if summary else "no summary"),
                "exit status %s" % proc.returncode)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser, default_cores=2)
    args = parser.parse_args()
    check = server_harness.Checker("crash ledger: " + server_harness.describe(args))
    for fsync, extra in RUNS:
        run_tool(check, args, fsync, extra)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
