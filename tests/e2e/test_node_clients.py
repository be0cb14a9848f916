"""Node.js client libraries against the server: ioredis (RESP3 and RESP2) and node-redis run
tests/e2e/node/test_ioredis.js and test_node_redis.js (transactions, WATCH, pub/sub, blocking
pops; see the scripts).

Contract:
  * Each script gets a server of its own (started here with --server/--cores, on a free
    127.0.0.1 port) and runs as `node SCRIPT PORT` with a bounded time; it passes when it exits
    0 and its last line says all its checks passed. Its output is printed as it is.
  * The node modules come from tests/e2e/node/package-lock.json, installed by
    tools/install-node-deps.sh (tools/install-deps.sh runs it). If they or node are missing,
    this script fails and says so; nothing is skipped.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys

import server_harness

NODE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node")
SCRIPTS = ["test_ioredis.js", "test_node_redis.js"]
MODULES = ["ioredis", "redis"]
INSTALL_HINT = "run tools/install-node-deps.sh (tools/install-deps.sh runs it) to install them"


def missing_setup(node):
    """Why the scripts cannot run, or None."""
    if shutil.which(node) is None:
        return "%s not found on PATH: node 20 or later is needed" % node
    modules = os.path.join(NODE_DIR, "node_modules")
    missing = [m for m in MODULES if not os.path.isfile(os.path.join(modules, m, "package.json"))]
    if missing:
        return "node modules missing in %s: %s; %s" % (modules, ", ".join(missing), INSTALL_HINT)
    with open(os.path.join(NODE_DIR, "package-lock.json")) as f:
        locked = json.load(f)["packages"]
    for m in MODULES:
        with open(os.path.join(modules, m, "package.json")) as f:
            installed = json.load(f)["version"]
        want = locked["node_modules/" + m]["version"]
        if installed != want:
            return "%s %s is installed, package-lock.json pins %s; %s" % (m, installed, want,
                                                                         INSTALL_HINT)
    return None


def run_script(check, args, script):
    with server_harness.server_from_args(args) as srv:
        argv = [args.node, os.path.join(NODE_DIR, script), str(srv.port)]
        print("-- %s" % " ".join(argv), flush=True)
        try:
            proc = subprocess.run(argv, cwd=NODE_DIR, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  timeout=args.script_timeout)
        except subprocess.TimeoutExpired as err:
            out = (err.output or b"").decode("utf-8", "replace")
            print(out, flush=True)
            check.check(False, "%s finished within %d s" % (script, args.script_timeout))
            return
        out = proc.stdout.decode("utf-8", "replace")
        print(out.rstrip("\n"), flush=True)
        lines = out.strip().splitlines()
        last = lines[-1] if lines else ""
        check.check(proc.returncode == 0 and re.search(r": all \d+ checks passed$", last),
                    "%s exited %d: %s" % (script, proc.returncode, last or "(no output)"))
        check.check(srv.alive(), "server still running after %s" % script)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    server_harness.add_server_args(parser)
    parser.add_argument("--node", default="node", help="node executable")
    parser.add_argument("--script-timeout", type=int, default=150,
                        help="seconds one client script may take")
    args = parser.parse_args()
    check = server_harness.Checker("node clients: %s" % server_harness.describe(args))
    problem = missing_setup(args.node)
    if problem:
        check.check(False, problem)
        return check.finish()
    version = subprocess.run([args.node, "--version"], capture_output=True, timeout=30)
    print("node %s" % version.stdout.decode().strip(), flush=True)
    for script in SCRIPTS:
        check.section(script, run_script, check, args, script)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
