#!/usr/bin/env python3
"""Checks that the build's layering holds at compile time.

Each lower layer (base, proto, core, persist, runtime) compiles against include/layers/<layer>. For every
layer this script compiles, with that include root only, a one-line file including one header of
every layer: the include must compile when the header's layer is the layer itself or one below it,
and must fail otherwise. Prints one line per check; exits 1 if any check went the wrong way.

Usage: check_layers.py <c++ compiler> <source root>
"""
import os
import subprocess
import sys
import tempfile

ALLOWED = {
    "base": {"base"},
    "proto": {"base", "proto"},
    "core": {"base", "core"},
    "persist": {"base", "core", "persist"},
    "runtime": {"base", "runtime"},
}
LAYERS = ["base", "proto", "core", "persist", "runtime", "server"]


def sample_header(root, layer):
    d = os.path.join(root, "include", "shardis", layer)
    return sorted(f for f in os.listdir(d) if f.endswith(".h"))[0]


def main():
    cxx, root = sys.argv[1], sys.argv[2]
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for layer, allowed in ALLOWED.items():
            inc = os.path.join(root, "include", "layers", layer)
            for target in LAYERS:
                header = "shardis/%s/%s" % (target, sample_header(root, target))
                src = os.path.join(tmp, "probe.cc")
                with open(src, "w") as f:
                    f.write("#include <%s>\n" % header)
                r = subprocess.run([cxx, "-std=c++20", "-fsyntax-only", "-I", inc, src],
                                   capture_output=True, text=True)
                compiled = r.returncode == 0
                expected = target in allowed
                ok = compiled == expected
                bad += not ok
                print("%-4s %-8s includes <%s>: %s (expected %s)" %
                      ("ok" if ok else "BAD", layer, header,
                       "compiles" if compiled else "fails", "compile" if expected else "failure"))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
