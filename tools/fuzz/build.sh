#!/usr/bin/env bash
# Builds the libFuzzer targets into build-fuzz/: resp_parser_fuzz, reply_buffer_fuzz,
# rdb_codec_fuzz and redis_blob_fuzz.
# Needs clang++ (14 preferred) with its libFuzzer runtime (Debian: libclang-rt-14-dev).
# CXX=... overrides the compiler.
set -euo pipefail
cd "$(dirname "$0")/../.."

cxx=${CXX:-}
if [ -z "$cxx" ]; then
  for c in clang++-14 clang++; do
    if command -v "$c" >/dev/null 2>&1; then cxx=$c; break; fi
  done
fi
if [ -z "$cxx" ]; then
  echo "build.sh: clang++ not found; install the Debian package clang-14" >&2
  exit 1
fi

if ! "$cxx" --version 2>/dev/null | grep -q clang; then
  echo "build.sh: $cxx is not clang; libFuzzer needs clang++ (Debian package clang-14)" >&2
  exit 1
fi

out=build-fuzz
mkdir -p "$out"

# Are the libFuzzer and sanitizer runtimes there? (Debian ships them apart from clang.)
probe=$out/.probe
echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' >"$probe.cc"
if ! "$cxx" -fsanitize=fuzzer,address,undefined "$probe.cc" -o "$probe" >/dev/null 2>&1; then
  ver=$("$cxx" -dumpversion | cut -d. -f1)
  echo "build.sh: $cxx cannot link -fsanitize=fuzzer,address,undefined: its runtimes" \
       "(libclang_rt.fuzzer, libclang_rt.asan) are missing;" \
       "install the Debian package libclang-rt-$ver-dev" >&2
  rm -f "$probe.cc" "$probe"
  exit 1
fi
rm -f "$probe.cc" "$probe"

flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
       -fno-sanitize-recover=all -Wall -Wextra -Iinclude)
base_srcs=(src/base/*.cc)
proto_srcs=(src/proto/*.cc)
# The RDB primitives, the blob formats and LZF need none of the persist sources that encode
# core's values.
blob_srcs=(src/persist/rdb_codec.cc src/persist/redis_*.cc)

for name in resp_parser_fuzz reply_buffer_fuzz rdb_codec_fuzz redis_blob_fuzz aof_format_fuzz; do
  echo "== $cxx -> $out/$name"
  case $name in
    rdb_codec_fuzz | redis_blob_fuzz) srcs=("${blob_srcs[@]}") ;;
    aof_format_fuzz) srcs=(src/persist/aof_format.cc) ;;
    *) srcs=("${proto_srcs[@]}") ;;
  esac
  "$cxx" "${flags[@]}" "tools/fuzz/$name.cc" "${srcs[@]}" "${base_srcs[@]}" -o "$out/$name"
done
