#!/usr/bin/env bash
# Installs what is missing, builds a release shardis-server and starts it in the foreground.
# Extra arguments go to the server, e.g.: tools/run.sh --cores 2 --port 6380
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
[ -d build ] || meson setup build --buildtype=release
meson compile -C build shardis-server
exec build/src/shardis-server "$@"
