#!/usr/bin/env python3
"""Generates the COMMAND DOCS argument tables of Shardis from a running redis-server 7.0.15.

For every family file src/server/families/<stem>.cc, the script reads the names of the commands
it registers (`r.add({.name = "get", ...})`) and of the container subcommands it lists
(`.name = "object|encoding"`), asks redis-server for their COMMAND DOCS in RESP3, and writes the
argument trees as constexpr ArgMeta arrays (src/server/families/command_meta.h) to
src/server/families/<stem>_args.inc, which the family file includes inside its anonymous
namespace. Each tree is named after its command: kSetArgs, kObjectEncodingArgs; the choices of a
oneof and the parts of a block get the parent's name plus their own: kSetExpirationArgs.
Commands without arguments get no array. The output is formatted with clang-format (the repo's
.clang-format) when clang-format is on PATH.

Rerun it after registering a command (then point the command's RedisMeta at its new array),
from anywhere (it finds the repository root itself):

  /usr/bin/python3 tools/gen_command_args.py [--redis-server /path/to/redis-server]

It starts its own redis-server on a free port (--save '', no persistence) and stops it by pid.
It refuses any version other than 7.0.15, and fails on an argument field it does not know, so
that the tables never drift silently from the server they mirror.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time

REDIS_VERSION = "7.0.15"
FAMILIES = os.path.join("src", "server", "families")

# Redis's argument types, and the ArgType constant of each (command_meta.h).
TYPES = {
    "string": "kArgString",
    "integer": "kArgInteger",
    "double": "kArgDouble",
    "key": "kArgKey",
    "pattern": "kArgPattern",
    "unix-time": "kArgUnixTime",
    "pure-token": "kArgPureToken",
    "oneof": "kArgOneof",
    "block": "kArgBlock",
}
FLAGS = {"optional": "kArgOptional", "multiple": "kArgMultiple",
         "multiple_token": "kArgMultipleToken"}
# The fields redis-server prints for an argument, in its order (which is also ArgMeta's order).
FIELDS = ["name", "type", "key_spec_index", "token", "since", "deprecated_since", "flags",
          "arguments"]

COMMAND_RE = re.compile(r'r\.add\(\s*\{\s*\.name\s*=\s*"([^"]+)"')
SUBCOMMAND_RE = re.compile(r'\.name\s*=\s*"([a-z_-]+\|[a-z_-]+)"')


class Resp3:
    """A minimal RESP3 client: (kind, value) trees, maps as lists of pairs."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def close(self):
        self.sock.close()

    def _fill(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise RuntimeError("redis-server closed the connection")
            self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill(len(self.buf) + 1)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return ("simple", rest.decode())
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return ("int", int(rest))
        if kind == b"$":
            n = int(rest)
            self._fill(n + 2)
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return ("bulk", data.decode())
        if kind == b"_":
            return ("null", None)
        if kind in (b"*", b"~"):
            return ("array" if kind == b"*" else "set", [self.read() for _ in range(int(rest))])
        if kind == b"%":
            return ("map", [(self.read(), self.read()) for _ in range(int(rest))])
        raise RuntimeError("unexpected reply %r" % line)

    def call(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)
        return self.read()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(binary):
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--save", "", "--appendonly", "no",
                             "--bind", "127.0.0.1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while True:
        try:
            conn = Resp3(port)
            conn.call("PING")
            return proc, conn
        except (OSError, RuntimeError):
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("redis-server did not start on port %d" % port)
            time.sleep(0.05)


def stop_redis(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def pascal(name):
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", name) if p)


def cpp_string(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


class Emitter:
    """C++ arrays of one family file, children before their parents."""

    def __init__(self):
        self.used = set()
        self.blocks = []

    def unique(self, base):
        name, n = base, 2
        while name in self.used:
            name, n = "%s%d" % (base, n), n + 1
        self.used.add(name)
        return name

    def array(self, prefix, args, where):
        """Emits the array of `args` (a RESP3 array of argument maps); returns its C++ name."""
        name = self.unique("k%sArgs" % prefix)
        entries = [self.entry(prefix, a, where) for a in args[1]]
        self.blocks.append("constexpr ArgMeta %s[] = {\n%s\n};\n" % (
            name, "\n".join("    %s," % e for e in entries)))
        return name

    def entry(self, prefix, arg, where):
        if arg[0] != "map":
            raise RuntimeError("%s: an argument is not a map" % where)
        fields = [(k[1], v) for k, v in arg[1]]
        labels = [k for k, _ in fields]
        unknown = [k for k in labels if k not in FIELDS]
        if unknown:
            raise RuntimeError("%s: unknown argument fields %s" % (where, unknown))
        if labels != sorted(labels, key=FIELDS.index):
            raise RuntimeError("%s: argument fields in an unexpected order %s" % (where, labels))
        value = dict(fields)
        parts = []
        for label in FIELDS:
            if label not in value:
                continue
            kind, v = value[label]
            if label == "type":
                parts.append(".type = %s" % TYPES[v])
            elif label == "key_spec_index":
                parts.append(".key_spec_index = %d" % v)
            elif label == "flags":
                names = [f[1] for f in v]
                if names != sorted(names, key=list(FLAGS).index):
                    raise RuntimeError("%s: flags in an unexpected order %s" % (where, names))
                parts.append(".flags = %s" % " | ".join(FLAGS[f] for f in names))
            elif label == "arguments":
                child = self.array(prefix + pascal(value["name"][1]), value[label],
                                   "%s %s" % (where, value["name"][1]))
                parts.append(".args = %s" % child)
            else:
                if kind != "bulk":
                    raise RuntimeError("%s: %s is not a bulk string" % (where, label))
                parts.append(".%s = %s" % (label, cpp_string(v)))
        if ".args = " not in " ".join(parts) and value["type"][1] in ("oneof", "block"):
            raise RuntimeError("%s: %s without arguments" % (where, value["type"][1]))
        return "{%s}" % ", ".join(parts)


def family_commands(path):
    """Names of the commands and subcommands a family file registers, in file order."""
    with open(path) as f:
        text = f.read()
    found = [(m.start(), m.group(1)) for m in COMMAND_RE.finditer(text)]
    found += [(m.start(), m.group(1)) for m in SUBCOMMAND_RE.finditer(text)]
    names = []
    for _, name in sorted(found):
        if name not in names:
            names.append(name)
    return names


def docs_arguments(conn, name):
    """The "arguments" of name's COMMAND DOCS (a RESP3 array), or None."""
    kind, reply = conn.call("COMMAND", "DOCS", name)
    if kind != "map" or len(reply) != 1:
        raise RuntimeError("redis-server has no COMMAND DOCS for %s" % name)
    for label, value in reply[0][1][1]:
        if label[1] == "arguments":
            return value
    return None


HEADER = """\
// Generated by tools/gen_command_args.py from redis-server {version}: the COMMAND DOCS argument
// trees of the commands {source} registers. Do not edit; rerun the script.
// Included inside {source}'s anonymous namespace, after command_meta.h.
"""


def generate(conn, source):
    names = family_commands(source)
    emitter = Emitter()
    for name in names:
        args = docs_arguments(conn, name)
        if args is not None:
            emitter.array(pascal(name), args, name)
    if not emitter.blocks:
        return None
    base = os.path.basename(source)
    return HEADER.format(version=REDIS_VERSION, source=base) + "\n" + "\n".join(emitter.blocks)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-server", default="redis-server")
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(
        __file__))), help="the Shardis repository root (default: this script's)")
    args = parser.parse_args()
    families = os.path.join(args.root, FAMILIES)
    sources = sorted(os.path.join(families, f) for f in os.listdir(families)
                     if f.endswith(".cc"))
    proc, conn = start_redis(args.redis_server)
    written = []
    try:
        kind, info = conn.call("INFO", "server")  # RESP2: a bulk string
        version = re.search(r"redis_version:(\S+)", info).group(1)
        if version != REDIS_VERSION:
            raise RuntimeError("redis-server %s, need %s" % (version, REDIS_VERSION))
        conn.call("HELLO", "3")
        for source in sources:
            text = generate(conn, source)
            target = source[:-len(".cc")] + "_args.inc"
            if text is None:
                if os.path.exists(target):
                    os.remove(target)
                continue
            with open(target, "w") as f:
                f.write(text)
            written.append(target)
    finally:
        conn.close()
        stop_redis(proc)
    clang_format = shutil.which("clang-format")
    if clang_format and written:
        subprocess.run([clang_format, "-i", "--style=file"] + written, check=True)
    for target in written:
        print("wrote", os.path.relpath(target, args.root))
    return 0


if __name__ == "__main__":
    sys.exit(main())
