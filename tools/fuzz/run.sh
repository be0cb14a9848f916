#!/usr/bin/env bash
# Builds the fuzzers, then runs each for a bounded time (default 60 s each).
#
#   tools/fuzz/run.sh [seconds] [fuzzer...]      e.g. tools/fuzz/run.sh 300 resp_parser_fuzz
#
# Seeds come from tools/fuzz/corpus/<name>/ and are only read; inputs found while fuzzing go to
# build-fuzz/corpus/<name>/ (kept between runs) and crashing inputs to build-fuzz/artifacts/.
# Exits non-zero if a fuzzer found a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-60}
shift || true
fuzzers=("$@")
[ ${#fuzzers[@]} -gt 0 ] || fuzzers=(resp_parser_fuzz reply_buffer_fuzz rdb_codec_fuzz redis_blob_fuzz aof_format_fuzz)

tools/fuzz/build.sh

out=build-fuzz
# RESP tokens help the mutator build well-formed requests quickly.
cat >"$out/resp.dict" <<'DICT'
"\x0d\x0a"
"*"
"$"
"*1\x0d\x0a"
"*2\x0d\x0a"
"*-1\x0d\x0a"
"*0\x0d\x0a"
"$0\x0d\x0a\x0d\x0a"
"$-1\x0d\x0a"
"$4\x0d\x0aPING\x0d\x0a"
"\""
"'"
"\\x"
"\\'"
"\\n"
"\x00"
DICT

status=0
for name in "${fuzzers[@]}"; do
  case $name in
    resp_parser_fuzz) extra=(-dict="$out/resp.dict" -max_len=16384) ;;
    reply_buffer_fuzz) extra=(-max_len=4096) ;;
    rdb_codec_fuzz) extra=(-max_len=4096) ;;
    redis_blob_fuzz) extra=(-max_len=8192) ;;
    aof_format_fuzz) extra=(-max_len=4096) ;;
    *) echo "run.sh: unknown fuzzer $name" >&2; exit 2 ;;
  esac
  seeds=tools/fuzz/corpus/${name%_fuzz}
  work=$out/corpus/${name%_fuzz}
  mkdir -p "$work" "$out/artifacts"
  echo "== $name for ${seconds}s"
  if ! "$out/$name" -max_total_time="$seconds" -timeout=30 -print_final_stats=1 \
      -artifact_prefix="$out/artifacts/$name-" "${extra[@]}" "$work" "$seeds"; then
    echo "== $name FAILED: crashing input in $out/artifacts/ (reproduce: $out/$name <file>)"
    status=1
  fi
done
exit $status
