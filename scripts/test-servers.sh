#!/usr/bin/env bash
# Starts (or stops) the real servers the integration tests talk to, on 127.0.0.1, each in a private
# folder under /tmp (reachable by the server's own user, wherever the checkout is). Writes
# .test-servers/env with how to reach them; the tests read it.
#   scripts/test-servers.sh start | stop | status
set -euo pipefail
cd "$(dirname "$0")/.."
STATE="$PWD/.test-servers"
PG_PORT="${PICKUP_TEST_PG_PORT:-55432}"
PG_PASSWORD='pickup-test-Pa55word'
SERVERS="${TMPDIR:-/tmp}/pickup-test-servers-$PG_PORT"

pg_bin() {
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$newest" ] || { echo "PostgreSQL server binaries not found in /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }
  echo "$newest"
}

# The server runs as the postgres user: its folders must be reachable by it.
start_postgres() {
  local bin dir
  bin=$(pg_bin)
  dir="$SERVERS/postgres"
  if [ -f "$dir/data/postmaster.pid" ] && runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    return 0
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  chmod 755 "$SERVERS" "$dir"
  chown postgres: "$dir"
  printf '%s\n' "$PG_PASSWORD" > "$dir/pwfile"
  chown postgres: "$dir/pwfile"
  chmod 600 "$dir/pwfile"
  runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth-local=scram-sha-256 --auth-host=scram-sha-256 \
    --pwfile="$dir/pwfile" --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
  rm -f "$dir/pwfile"
  runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $dir -c fsync=off -c full_page_writes=off" start >/dev/null
}

stop_postgres() {
  local dir="$SERVERS/postgres"
  [ -f "$dir/data/postmaster.pid" ] || return 0
  runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

case "${1:-}" in
  start)
    mkdir -p "$STATE"
    start_postgres
    cat > "$STATE/env" <<ENV
PICKUP_TEST_PG_HOST=127.0.0.1
PICKUP_TEST_PG_PORT=$PG_PORT
PICKUP_TEST_PG_USER=postgres
PICKUP_TEST_PG_PASSWORD=$PG_PASSWORD
PICKUP_TEST_PG_BIN=$(pg_bin)
ENV
    echo "test servers running (see $STATE/env)"
    ;;
  stop)
    stop_postgres
    ;;
  status)
    [ -f "$STATE/env" ] && cat "$STATE/env"
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
