"""COMMAND INFO and COMMAND DOCS of every command the server under test lists (COMMAND LIST,
subcommands included) against redis-server 7.0, bytes compared in RESP2 and in RESP3.

COMMAND DOCS is compared whole, its "arguments" trees included (redis-cli builds its hints from
them). The replies must be byte-identical except for two documented differences, normalised
before the comparison:
  * Container commands (CLIENT, CONFIG, OBJECT, ...): the order of their subcommands, in the
    COMMAND INFO subcommand array and in the COMMAND DOCS "subcommands" map, is the order of
    a hash table in redis-server (it differs between two redis-servers), so both lists are
    compared sorted. Each subcommand's entry is still compared byte for byte.
  * A container lists only the subcommands the server implements (Shardis has CONFIG GET but
    not CONFIG SET): redis-server's list is cut down to the names the tested server lists
    there. A name redis-server does not have still differs. (Each implemented subcommand is
    also in COMMAND LIST, so it is compared on its own as well.)
The test fails on any other difference and prints the names of the commands that differ, with
both replies.

  PYTHONPATH=tests/support /usr/bin/python3 tests/e2e/test_command_info.py \\
      --server build/src/shardis-server --cores 1
"""

import argparse
import sys

import resp_wire
import server_harness

SHOWN = 400   # bytes of each reply printed for a difference


def parse(raw, pos=0):
    """The reply at `pos` as a tree: a leaf is the raw bytes of a non-aggregate reply, an
    aggregate is (type byte, [children]). Returns (tree, next position)."""
    end = resp_wire.reply_end(raw, pos)
    kind = raw[pos:pos + 1]
    if kind not in (b"*", b"%", b"~"):
        return raw[pos:end], end
    eol = raw.index(b"\r\n", pos)
    count = int(raw[pos + 1:eol])
    if kind == b"%":
        count *= 2
    children, cursor = [], eol + 2
    for _ in range(max(count, 0)):
        child, cursor = parse(raw, cursor)
        children.append(child)
    return (kind, children), end


def leaf_text(tree):
    """The string of a bulk or simple-string leaf, else None."""
    if isinstance(tree, bytes) and tree[:1] in (b"$", b"+"):
        value = resp_wire.decode(tree)
        return value if isinstance(value, bytes) else value.encode()
    return None


def serial(tree):
    """Canonical bytes of a tree, used to sort siblings."""
    if isinstance(tree, bytes):
        return tree
    return tree[0] + b"%d[" % len(tree[1]) + b"".join(serial(c) for c in tree[1]) + b"]"


def entry_name(tree):
    """Name of a COMMAND INFO entry (its first field)."""
    return leaf_text(tree[1][0]) if isinstance(tree, tuple) and tree[1] else None


def normalise_info(tree, keep):
    """COMMAND INFO entry: subcommands (the 10th field) sorted, and only those named in `keep`
    (None: all)."""
    if not isinstance(tree, tuple):
        return tree
    fields = list(tree[1])
    if len(fields) >= 10 and isinstance(fields[9], tuple):
        subs = [normalise_info(s, None) for s in fields[9][1]
                if keep is None or entry_name(s) in keep]
        fields[9] = (fields[9][0], sorted(subs, key=serial))
    return (tree[0], fields)


def info_subcommands(tree):
    """Names of the subcommands in a COMMAND INFO entry."""
    if isinstance(tree, tuple) and len(tree[1]) >= 10 and isinstance(tree[1][9], tuple):
        return {entry_name(s) for s in tree[1][9][1]}
    return set()


def docs_field(tree, label):
    if isinstance(tree, tuple):
        for i in range(0, len(tree[1]) - 1, 2):
            if leaf_text(tree[1][i]) == label:
                return tree[1][i + 1]
    return None


def docs_subcommands(tree):
    value = docs_field(tree, b"subcommands")
    if not isinstance(value, tuple):
        return set()
    return {leaf_text(value[1][j]) for j in range(0, len(value[1]) - 1, 2)}


def normalise_docs(tree, keep):
    """COMMAND DOCS map (flat in RESP2): "subcommands" sorted by name, and only those named in
    `keep` (None: all); every other entry as it is."""
    if not isinstance(tree, tuple):
        return tree
    items = tree[1]
    out = []
    for i in range(0, len(items) - 1, 2):
        name, value = items[i], items[i + 1]
        label = leaf_text(name)
        if label == b"subcommands" and isinstance(value, tuple):
            pairs = [(value[1][j], normalise_docs(value[1][j + 1], None))
                     for j in range(0, len(value[1]) - 1, 2)
                     if keep is None or leaf_text(value[1][j]) in keep]
            pairs.sort(key=lambda p: serial(p[0]))
            value = (value[0], [x for p in pairs for x in p])
        out += [name, value]
    return (tree[0], out)


def normalised_pair(kind, ref_raw, tst_raw):
    """Both replies normalised (see the module docstring); raw bytes if not arrays (INFO) or
    maps (DOCS, RESP3) of the same kind."""
    if ref_raw[:1] not in (b"*", b"%") or tst_raw[:1] != ref_raw[:1]:
        return ref_raw, tst_raw
    ref, _ = parse(ref_raw)
    tst, _ = parse(tst_raw)
    if len(ref[1]) != len(tst[1]):
        return ref_raw, tst_raw
    if kind == "INFO":
        pairs = [(normalise_info(r, info_subcommands(t)), normalise_info(t, None))
                 for r, t in zip(ref[1], tst[1])]
    else:   # DOCS: [name, docs, name, docs, ...], a flat array in RESP2, a map in RESP3
        pairs = [(r, t) if i % 2 == 0 else
                 (normalise_docs(r, docs_subcommands(t)), normalise_docs(t, None))
                 for i, (r, t) in enumerate(zip(ref[1], tst[1]))]
    return (ref[0], [p[0] for p in pairs]), (tst[0], [p[1] for p in pairs])


def show(raw, other):
    """raw, cut to about SHOWN bytes around its first difference from `other`."""
    at = next((i for i, (a, b) in enumerate(zip(raw, other)) if a != b),
              min(len(raw), len(other)))
    start = max(0, at - SHOWN // 2)
    return "%s%r (%d bytes, first difference at byte %d)" % (
        "..." if start else "", raw[start:start + SHOWN], len(raw), at)


def compare(check, ref_port, tst_port, protocol):
    """COMMAND INFO and COMMAND DOCS of every listed command, on connections in `protocol`."""
    with resp_wire.Conn(ref_port) as ref, resp_wire.Conn(tst_port) as tst:
        for who, conn in (("redis-server", ref), ("tested server", tst)):
            reply = conn.call(b"HELLO", b"%d" % protocol)
            check.check(not isinstance(reply, resp_wire.RespError),
                        "HELLO %d on the %s" % (protocol, who))
        names = tst.call(b"COMMAND", b"LIST")
        check.check(isinstance(names, list) and len(names) > 0,
                    "RESP%d: COMMAND LIST of the server under test (%d names)"
                    % (protocol, len(names) if isinstance(names, list) else 0))
        names = sorted(names) if isinstance(names, list) else []
        differ = {"INFO": [], "DOCS": []}
        with_args = 0
        for name in names:
            for kind in ("INFO", "DOCS"):
                ref_raw = ref.call_raw(b"COMMAND", kind.encode(), name)
                tst_raw = tst.call_raw(b"COMMAND", kind.encode(), name)
                if kind == "DOCS" and b"$9\r\narguments\r\n" in ref_raw:
                    with_args += 1
                ref_norm, tst_norm = normalised_pair(kind, ref_raw, tst_raw)
                if ref_norm != tst_norm:
                    differ[kind].append(name)
                    print("  RESP%d %s %s differs\n    redis:  %s\n    tested: %s" % (
                        protocol, kind, name.decode("utf-8", "replace"), show(ref_raw, tst_raw),
                        show(tst_raw, ref_raw)), flush=True)
        # Guards against a vacuous comparison: most commands take arguments.
        check.check(with_args > len(names) // 2,
                    "RESP%d: redis-server's COMMAND DOCS carry arguments for %d of %d commands"
                    % (protocol, with_args, len(names)))
        for kind in ("INFO", "DOCS"):
            bad = b" ".join(differ[kind]).decode("utf-8", "replace")
            check.check(not differ[kind],
                        "RESP%d: COMMAND %s of %d commands matches redis-server%s"
                        % (protocol, kind, len(names), "" if not bad else "; differ: " + bad))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    check = server_harness.Checker("COMMAND INFO / COMMAND DOCS vs redis-server: %s"
                                   % server_harness.describe(args))
    with server_harness.reference_from_args(args) as ref_srv, \
            server_harness.server_from_args(args) as tst_srv:
        for protocol in (2, 3):
            compare(check, ref_srv.port, tst_srv.port, protocol)
        check.check(tst_srv.alive(), "server under test still running")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
