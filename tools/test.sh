#!/usr/bin/env bash
# Builds and runs every test.
#
#   build/       release, warnings on: all suites (unit, family, e2e)
#   build-asan/  debug + address,undefined sanitizers: unit, family and e2e suites (not 'load')
#   build-fuzz/  the libFuzzer targets of tools/fuzz, each run for 6 s (longer campaigns:
#                tools/fuzz/run.sh SECONDS)
#
# The last line printed is "N passed, N failed", summed over both builds.
# Meson-level results are counted, except that a doctest executable counts
# as its test cases (from its own summary line). Exits non-zero if anything
# failed or if nothing ran.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
root=$(pwd)
bash tools/install-deps.sh || exit 1

if [ -x /usr/bin/python3 ]; then py=/usr/bin/python3; else py=python3; fi

failures=()   # steps that failed before any test could run (configure/compile)

configure() {  # dir, options...
  local dir=$1
  shift
  if [ -f "$dir/build.ninja" ]; then
    return 0
  fi
  echo "== meson setup $dir $*"
  meson setup "$dir" "$@"
}

run_build() {  # dir, label, setup options..., -- , meson test options...
  local dir=$1 label=$2
  shift 2
  local setup_opts=() test_opts=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do setup_opts+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  test_opts=("$@")

  # A stale log from an earlier run must never be counted.
  rm -f "$dir/meson-logs/testlog.json"

  if ! configure "$dir" "${setup_opts[@]}"; then
    failures+=("$label: meson setup failed")
    return
  fi
  echo "== [${SECONDS} s] meson compile -C $dir"
  if ! meson compile -C "$dir"; then
    failures+=("$label: compile failed")
    return
  fi
  echo "== [${SECONDS} s] meson test -C $dir ${test_opts[*]}"
  meson test -C "$dir" --print-errorlogs "${test_opts[@]}" || true
}

run_build build release \
  -Dbuildtype=release -Dwarning_level=3

run_build build-asan asan \
  -Dsanitizers=address,undefined -Dbuildtype=debug -Dbench=false -- \
  --suite unit --suite family --suite e2e

echo "== [${SECONDS} s] tools/fuzz/run.sh 6"
if ! bash tools/fuzz/run.sh 6; then
  failures+=("libFuzzer targets (tools/fuzz/run.sh 6)")
fi

summary=$("$py" - "$root/build" "$root/build-asan" <<'EOF'
import json, os, re, sys

DOCTEST = re.compile(r"\[doctest\] test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed")
GOOD = ("OK", "EXPECTEDFAIL")
passed = failed = 0
for build in sys.argv[1:]:
    log = os.path.join(build, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        continue
    with open(log) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            t = json.loads(line)
            ok = t.get("result") in GOOD
            name = "%s: %s" % (os.path.basename(build), t.get("name"))
            out = (t.get("stdout") or "") + (t.get("stderr") or "")
            m = DOCTEST.findall(out)
            if m:
                _, p, fl = (int(x) for x in m[-1])
                # A crash or sanitizer report after the summary still fails the test.
                if not ok and fl == 0:
                    fl = 1
                passed += p
                failed += fl
                detail = "%d test cases passed, %d failed" % (p, fl)
            else:
                passed += ok
                failed += not ok
                detail = ""
            print("  %-8s %-45s %s" % (t.get("result"), name, detail), file=sys.stderr)
print(passed, failed)
EOF
)
read -r passed failed <<<"$summary"
passed=${passed:-0}
failed=${failed:-0}

for f in "${failures[@]}"; do
  echo "FAILED: $f"
  failed=$((failed + 1))
done

echo "== [${SECONDS} s] done"
echo "$passed passed, $failed failed"
if [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
exit 0
