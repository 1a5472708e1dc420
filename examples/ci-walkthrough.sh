#!/usr/bin/env bash
# Starts Tessera the way the README says (npm start, fresh data folder), waits for /health, runs
# the walk-through and the custom pack's (examples/custom-pack), restarts, checks the records are
# still there, and stops. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
export TESSERA_DATA_DIR=$(mktemp -d)/data PORT=${PORT:-3917} TESSERA_ADMIN_PASSWORD=walkthrough-password
export TESSERA_URL="http://127.0.0.1:$PORT"
# the custom pack walk-through puts its versions here, where the server looks for packs
export TESSERA_PACKS_DIR=$(mktemp -d)
start() {
  # a log of its own: the process stopped before may still be writing its last lines to the old one
  log=$(mktemp)
  # its own process group, so stopping it stops npm and node together
  setsid npm start > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 240); do curl -sf "$TESSERA_URL/health" > /dev/null && return 0; sleep 0.25; done
  cat "$log"; return 1
}
stop() {
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do curl -sf "$TESSERA_URL/health" > /dev/null || break; sleep 0.25; done
  wait "$pid" 2>/dev/null || true
}
trap stop EXIT

start
# the start-up lines (JSON: stdout is not a terminal)
grep -E 'created admin|installed the core CRM pack|ready on' "$log"
out=$(bash examples/api-walkthrough.sh)
echo "$out"
echo "$out" | grep -q '^Garden house$'
echo "$out" | grep -q '^Garden house (sold)$'
bash examples/custom-pack/walkthrough.sh
stop

start
grep 'ready on' "$log"
TOKEN=$(curl -sf -X POST "$TESSERA_URL/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"admin@tessera.local\",\"password\":\"$TESSERA_ADMIN_PASSWORD\"}" | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')
count=$(curl -sf "$TESSERA_URL/api/v1/records/property" -H "authorization: Bearer $TOKEN" | node -pe 'JSON.parse(require("fs").readFileSync(0)).data.length')
[ "$count" = 2 ] || { echo "expected 2 properties after restart, got $count"; exit 1; }
echo "restart kept the 2 records"
