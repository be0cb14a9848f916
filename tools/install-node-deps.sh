#!/usr/bin/env bash
# Installs the Node.js client libraries of the end-to-end tests (ioredis, node-redis) into
# tests/e2e/node/node_modules, exactly as tests/e2e/node/package-lock.json pins them (npm ci).
# Does nothing when node_modules was installed from the current lockfile. Needs node >= 20 and
# npm; if either is missing it installs Debian's nodejs and npm first.
set -euo pipefail
cd "$(dirname "$0")/../tests/e2e/node"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "installing: nodejs npm"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q </dev/null
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends nodejs npm </dev/null
fi

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "node $(node --version) is too old: ioredis 6 needs node 20 or later" >&2
  exit 1
fi

stamp=node_modules/.installed-from-lock
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
   && [ -f node_modules/ioredis/package.json ] && [ -f node_modules/redis/package.json ]; then
  exit 0
fi
echo "== npm ci in tests/e2e/node"
npm ci --no-audit --no-fund --ignore-scripts </dev/null
echo "$want" > "$stamp"
