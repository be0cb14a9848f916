"""redis-benchmark with 1,000 connections must run every test to completion
without errors, and the server must still answer afterwards."""

import argparse
import re
import subprocess
import sys

import resp_wire
import server_harness

TESTS = "ping_inline,ping_mbulk,set,get,incr,mset"
EXPECTED = ["PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "MSET (10 keys)"]
RESULT_LINE = re.compile(r"^(.+?): ([0-9.]+) requests per second")
BENCH_TIMEOUT = 480


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser, default_cores=2)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200000)
    args = parser.parse_args()
    check = server_harness.Checker("redis-benchmark -c %d -n %d: %s"
                                   % (args.clients, args.requests, server_harness.describe(args)))

    # Each benchmark connection is a descriptor here and in the server;
    # both inherit this limit.
    limit = server_harness.raise_fd_limit(args.clients * 2 + 1024)
    check.check(limit >= args.clients + 64, "RLIMIT_NOFILE raised to %d" % limit)

    with server_harness.server_from_args(args) as srv:
        argv = ["redis-benchmark", "-h", server_harness.HOST, "-p", str(srv.port), "-t", TESTS,
                "-c", str(args.clients), "-n", str(args.requests), "-q"]
        print("    running: %s" % " ".join(argv), flush=True)
        try:
            run = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                                 timeout=BENCH_TIMEOUT)
            out, err, rc = run.stdout, run.stderr, run.returncode
        except subprocess.TimeoutExpired as exc:
            out, err, rc = exc.stdout or b"", exc.stderr or b"", "timeout"
        text = (out + b"\n" + err).decode("utf-8", "replace")
        lines = [ln.strip() for ln in re.split(r"[\r\n]+", text) if ln.strip()]
        results = {}
        for ln in lines:
            m = RESULT_LINE.match(ln)
            if m and "rps=" not in ln:
                results[m.group(1)] = float(m.group(2))
                print("    " + ln)
        check.check(rc == 0, "redis-benchmark exit status %r" % rc)
        for name in EXPECTED:
            check.check(results.get(name, 0) > 0, "%s printed a result line (%s rps)"
                        % (name, results.get(name)))
        bad = [ln for ln in lines if "Error" in ln or "ERR" in ln or "error" in ln.lower()]
        for ln in bad[:10]:
            print("    > " + ln[:200])
        check.check(not bad, "no error lines in redis-benchmark output (%d found)" % len(bad))

        try:
            with resp_wire.Conn(srv.port, timeout=10) as conn:
                pong = conn.call_raw("PING")
        except Exception as exc:
            pong = repr(exc)
        check.check(pong == b"+PONG\r\n", "server answers PING afterwards (%r)" % pong)
        check.check(srv.alive(), "server still running")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
