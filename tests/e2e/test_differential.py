"""Differential test: the server under test must answer every command of
differential_script.txt with exactly the bytes redis-server sends, over RESP2
and over RESP3."""

import argparse
import contextlib
import socket
import sys
import time

import differential_script
import resp_wire
import server_harness

REPLY_TIMEOUT = 10.0
MAX_PRINTED_DIFFS = 15


def show(raw, limit=300):
    if raw is None:
        return "(nothing)"
    text = repr(raw)
    if len(text) > limit:
        text = text[:limit] + "... (%d bytes)" % len(raw)
    return text


def show_cmd(step):
    text = step.text
    return text if len(text) <= 120 else text[:120] + "..."


def integers_close(a, b, tolerance):
    try:
        va, vb = resp_wire.decode(a), resp_wire.decode(b)
    except resp_wire.WireError:
        return False
    if not (isinstance(va, int) and isinstance(vb, int)) or isinstance(va, bool):
        return False
    if (va < 0) != (vb < 0):
        return False
    return abs(va - vb) <= tolerance


def read_one(conn):
    """Returns (raw reply or None, problem description or None)."""
    try:
        return conn.read_raw(REPLY_TIMEOUT), None
    except socket.timeout:
        return None, "no reply within %.0f s" % REPLY_TIMEOUT
    except resp_wire.ConnectionClosed:
        return None, "connection closed by server"
    except (resp_wire.WireError, OSError) as err:
        return None, "bad reply stream: %s" % err


def open_pair(ref_port, test_port, protocol, stack):
    """A connection to each server (after HELLO 3 for RESP3), closed with stack.
    Returns (ref, tst, problem)."""
    ref = stack.enter_context(resp_wire.Conn(ref_port))
    tst = stack.enter_context(resp_wire.Conn(test_port))
    if protocol == 3:
        ref.send_command("HELLO", "3")
        tst.send_command("HELLO", "3")
        ref_raw, _ = read_one(ref)
        tst_raw, problem = read_one(tst)
        if tst_raw is None or not tst_raw.startswith(b"%"):
            return ref, tst, ("HELLO 3: expected a RESP3 map like %s, got %s %s"
                              % (show(ref_raw), show(tst_raw), problem or ""))
    return ref, tst, None


def run(steps, ref_port, test_port, protocol, label):
    """Runs the script over fresh connections to each server (connection 1, and
    the others the script switches to with @conn). Returns the list of
    difference descriptions and the number of replies compared."""
    diffs = []
    compared = 0
    with contextlib.ExitStack() as stack:
        conns = {}
        ref, tst, problem = open_pair(ref_port, test_port, protocol, stack)
        if problem:
            return [problem], compared
        conns[1] = (ref, tst)
        for step in steps:
            if step.kind == "sleep":
                time.sleep(step.seconds)
                continue
            if step.kind == "conn":
                if step.conn not in conns:
                    pair = open_pair(ref_port, test_port, protocol, stack)
                    if pair[2]:
                        return diffs + [pair[2]], compared
                    conns[step.conn] = pair[:2]
                ref, tst = conns[step.conn]
                continue
            if step.kind != "read":
                payload = resp_wire.encode(*step.args)
                ref.send(payload)
                tst.send(payload)
            if step.kind == "send":
                continue
            ref_raw, ref_problem = read_one(ref)
            if ref_raw is None:
                diffs.append("line %d %s: redis-server itself failed: %s"
                             % (step.line_no, show_cmd(step), ref_problem))
                return diffs, compared
            tst_raw, problem = read_one(tst)
            if tst_raw is None:
                diffs.append("line %d [%s] %s\n    expected: %s\n    got:      %s"
                             % (step.line_no, label, show_cmd(step), show(ref_raw), problem))
                # The stream is out of step from here on; stop this run.
                return diffs, compared
            if step.kind == "nocompare":
                continue
            compared += 1
            same = ref_raw == tst_raw
            if not same and step.kind == "tolerance":
                same = integers_close(ref_raw, tst_raw, step.tolerance)
            if not same:
                diffs.append("line %d [%s] %s\n    expected: %s\n    got:      %s"
                             % (step.line_no, label, show_cmd(step), show(ref_raw), show(tst_raw)))
        # Both connections must still be usable after the script.
        ref, tst = conns[1]
        ref.send_command("PING", "end-of-script")
        tst.send_command("PING", "end-of-script")
        ref_raw, _ = read_one(ref)
        tst_raw, problem = read_one(tst)
        if tst_raw != ref_raw:
            diffs.append("[%s] final PING: expected %s, got %s %s"
                         % (label, show(ref_raw), show(tst_raw), problem or ""))
    return diffs, compared


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    server_harness.add_server_args(parser)
    parser.add_argument("--script", default=differential_script.SCRIPT_PATH)
    args = parser.parse_args()

    steps = differential_script.parse(args.script)
    commands = sum(1 for s in steps if s.kind not in ("sleep", "conn", "read"))
    check = server_harness.Checker("differential vs redis-server: %s, %d commands from %s"
                                   % (server_harness.describe(args), commands, args.script))
    check.check(commands >= 300, "script has at least 300 commands (%d)" % commands)

    with server_harness.reference_from_args(args) as ref, \
            server_harness.server_from_args(args) as tst:
        for protocol in (2, 3):
            label = "RESP%d" % protocol
            diffs, compared = run(steps, ref.port, tst.port, protocol, label)
            # The first differences are usually the cause of the later ones.
            for d in diffs[:MAX_PRINTED_DIFFS]:
                print(d)
            if len(diffs) > MAX_PRINTED_DIFFS:
                print("... and %d more differences over %s" % (len(diffs) - MAX_PRINTED_DIFFS,
                                                               label))
            check.check(not diffs, "%s: %d replies compared, %d differ"
                        % (label, compared, len(diffs)))
        check.check(tst.alive(), "server under test still running after the script")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
