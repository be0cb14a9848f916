#!/usr/bin/env bash
# Installs the Debian packages Shardis needs to build, test and benchmark, if any is missing, then
# the Node.js clients of the end-to-end tests (install-node-deps.sh).
set -euo pipefail
pkgs=(meson ninja-build g++ pkg-config cmake liburing-dev libxxhash-dev doctest-dev libcli11-dev
      redis-server redis-tools python3-redis util-linux procps clang-14 libclang-rt-14-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q </dev/null
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
fi
# The Node.js clients of the end-to-end tests, from the npm registry.
bash "$(dirname "$0")/install-node-deps.sh"
