#!/usr/bin/env bash
# Two Tessera engines on one PostgreSQL behind nginx, and a load test through nginx with an engine
# restart (SIGTERM, then start again) and a publish in the middle. Prints the failed requests and
# p50/p99; exits 1 if any request failed. Everything it starts is stopped on exit, and its schema
# dropped.
# Usage (as root, or with nginx installed): bash examples/scale-out/run.sh
#   LOAD_SECONDS=300 LOAD_RATE=100 DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
export LOAD_SECONDS=${LOAD_SECONDS:-300}
export LOAD_RATE=${LOAD_RATE:-100}
export TESSERA_ADMIN_EMAIL=admin@scaleout.test
export TESSERA_ADMIN_PASSWORD="scale-out $(openssl rand -hex 8)"
schema="scaleout_$(openssl rand -hex 4)"
work=$(mktemp -d /tmp/tessera-scaleout.XXXXXX)
declare -A pids=()
nginx_pid=

if ! command -v nginx >/dev/null; then
  echo "installing nginx (Debian package)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y nginx >"$work/apt.log" 2>&1
fi

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [ -n "$nginx_pid" ] && kill -TERM "$nginx_pid" 2>/dev/null || true
  for name in "${!pids[@]}"; do kill -TERM "${pids[$name]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q "$DATABASE_URL" -c "drop schema if exists \"$schema\" cascade" -c "drop schema if exists \"${schema}_jobs\" cascade" \
    >/dev/null 2>&1 || echo "could not drop schema $schema"
  if [ "$status" -ne 0 ]; then
    echo "logs kept in $work"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
lb_port=$(free_port)
port_a=$(free_port)
port_b=$(free_port)
while [ "$port_b" = "$port_a" ]; do port_b=$(free_port); done

# `tessera start` in the background; the restart below sends it SIGTERM and starts it again.
start_engine() {
  local name=$1 port=$2
  PORT=$port HOST=127.0.0.1 TESSERA_SCHEMA=$schema LOG_LEVEL=warn TESSERA_TRUST_PROXY=loopback \
    node "$repo/engine/bin/tessera.mjs" start >>"$work/engine-$name.log" 2>&1 &
  pids[$name]=$!
}
wait_healthy() {
  local name=$1 port=$2
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null && return 0
    kill -0 "${pids[$name]}" 2>/dev/null || { cat "$work/engine-$name.log"; echo "engine $name exited"; return 1; }
    sleep 0.1
  done
  echo "engine $name did not start"; return 1
}

echo "schema $schema; engines on :$port_a and :$port_b; nginx on :$lb_port; logs in $work"
# One after the other: the first builds the engine if a source changed and creates the schema.
start_engine a "$port_a"; wait_healthy a "$port_a"
start_engine b "$port_b"; wait_healthy b "$port_b"

mkdir -p "$work/tmp"
sed -e "s/127\.0\.0\.1:18080/127.0.0.1:$lb_port/" -e "s/127\.0\.0\.1:18081/127.0.0.1:$port_a/" \
  -e "s/127\.0\.0\.1:18082/127.0.0.1:$port_b/" "$here/nginx.conf" >"$work/nginx.conf"
nginx -p "$work" -c "$work/nginx.conf" -e "$work/error.log" &
nginx_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$lb_port/health" >/dev/null && break; sleep 0.1; done
echo "nginx $(nginx -v 2>&1 | sed 's/.*\///') balancing both engines"

# The restart, at 40% of the run: SIGTERM (the engine stops accepting, finishes what it has in
# flight, exits), then the same command again. The publish is at 50% (load.ts).
restart_at=$((LOAD_SECONDS * 2 / 5))
(
  sleep "$restart_at"
  t0=$(date +%s.%N)
  kill -TERM "${pids[a]}"
  while kill -0 "${pids[a]}" 2>/dev/null; do sleep 0.05; done
  t1=$(date +%s.%N)
  PORT=$port_a HOST=127.0.0.1 TESSERA_SCHEMA=$schema LOG_LEVEL=warn TESSERA_TRUST_PROXY=loopback \
    node "$repo/engine/bin/tessera.mjs" start >>"$work/engine-a.log" 2>&1 &
  echo $! >"$work/a.pid"
  until curl -sf "http://127.0.0.1:$port_a/health" >/dev/null; do sleep 0.05; done
  t2=$(date +%s.%N)
  printf 'restart: engine a stopped %.1f s after SIGTERM, answered again %.1f s later\n' \
    "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)"
) &
restarter=$!

status=0
LB_URL="http://127.0.0.1:$lb_port" "$repo/node_modules/.bin/tsx" "$here/load.ts" || status=$?
wait "$restarter" || true
# The restarted engine is a grandchild: hand it to the cleanup.
pids[a]=$(cat "$work/a.pid" 2>/dev/null || echo "${pids[a]}")
echo "nginx: $(grep -c 'upstream=.*, ' "$work/access.log" || true) requests retried on the other engine;" \
  "$(awk '$5 >= 500' "$work/access.log" | wc -l) answered 5xx to the client"
exit "$status"
