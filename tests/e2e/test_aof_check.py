"""shardis-aof-check against segments written by an independent Python writer
(tests/support/aof_segment.py): a valid segment is reported OK and printed command by command;
a torn tail and a corrupt record are told apart, named with their offset, and --fix truncates
the segment to its valid prefix, after which it checks OK.

  PYTHONPATH=tests/support /usr/bin/python3 tests/e2e/test_aof_check.py \\
      --aof-check build/tools/aof_check/shardis-aof-check
"""

import argparse
import os
import subprocess
import sys
import tempfile

import aof_segment
import server_harness

RECORDS = [
    aof_segment.record([(0, [b"SET", b"k", b"v"])]),
    aof_segment.record([(2, [b"RPUSH", b"l\x00\xff", b"a"]), (2, [b"DEL", b"x"])], 9, 2),
    aof_segment.record([(0, [b"PEXPIREAT", b"k", b"1800000000000"])]),
]


def run_tool(tool, *args):
    proc = subprocess.run([tool] + list(args), capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout + proc.stderr


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def run(check, tool, directory):
    good = aof_segment.header(1, 2, 5) + b"".join(RECORDS)
    path = os.path.join(directory, "seg.aof")
    write(path, good)
    rc, out = run_tool(tool, "--print", path)
    check.check(rc == 0 and "OK" in out and "shard 1 of 2, sequence 5" in out and
                "3 valid records, 4 commands" in out, "a valid segment checks OK", out)
    check.check("db 0 SET k v" in out and 'db 2 txn 9/2 RPUSH "l\\x00\\xff" a' in out and
                "db 2 txn 9/2 DEL x" in out, "--print lists every command", out)

    prefix = len(aof_segment.header()) + len(RECORDS[0]) + len(RECORDS[1])
    write(path, good[:-5])
    rc, out = run_tool(tool, path)
    check.check(rc == 1 and "torn tail" in out and "offset %d" % prefix in out,
                "a cut last record is a torn tail at offset %d" % prefix, out)
    rc, out = run_tool(tool, "--fix", path)
    check.check(rc == 0 and os.path.getsize(path) == prefix and "truncated to %d" % prefix in out,
                "--fix truncates the torn tail", out)
    rc, out = run_tool(tool, path)
    check.check(rc == 0 and "2 valid records" in out, "the fixed segment checks OK", out)

    damaged = bytearray(good)
    at = len(aof_segment.header()) + len(RECORDS[0]) + 12  # inside the second record
    damaged[at] ^= 0x40
    write(path, bytes(damaged))
    first = len(aof_segment.header()) + len(RECORDS[0])
    rc, out = run_tool(tool, path)
    check.check(rc == 1 and "CORRUPT" in out and "offset %d" % first in out,
                "a flipped byte in a middle record is corruption at offset %d" % first, out)
    rc, out = run_tool(tool, "--fix", path)
    check.check(rc == 0 and os.path.getsize(path) == first, "--fix cuts at the corrupt record",
                out)

    write(path, b"NOTAOF" + good[6:])
    rc, out = run_tool(tool, path)
    check.check(rc == 1 and "bad magic" in out, "a file that is no segment is refused", out)
    rc, out = run_tool(tool)
    check.check(rc == 2 and "usage" in out, "no arguments: usage, status 2", out)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--aof-check", required=True, help="the shardis-aof-check binary")
    args = parser.parse_args()
    check = server_harness.Checker("shardis-aof-check")
    with tempfile.TemporaryDirectory(prefix="shardis-aof-") as directory:
        check.section("aof-check", run, check, os.path.abspath(args.aof_check), directory)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
