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
MY_PORT="${PICKUP_TEST_MY_PORT:-53306}"
MY_USER='pickup'
MY_PASSWORD='pickup-test-My5ql"pass'
SERVERS="${TMPDIR:-/tmp}/pickup-test-servers-$PG_PORT"
MY_SOCKET="$SERVERS/mariadb/mariadb.sock"

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

# MariaDB as the mysql user, root reachable only through the socket, a password user for the tests.
start_mariadb() {
  local dir="$SERVERS/mariadb"
  if [ -S "$MY_SOCKET" ] && mariadb-admin --no-defaults -S "$MY_SOCKET" -uroot ping >/dev/null 2>&1; then
    return 0
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  chmod 755 "$SERVERS"
  chown mysql: "$dir"
  mariadb-install-db --no-defaults --user=mysql --datadir="$dir/data" --auth-root-authentication-method=socket \
    --skip-test-db >"$dir/install.log" 2>&1
  mariadbd --no-defaults --user=mysql --datadir="$dir/data" --socket="$MY_SOCKET" --port="$MY_PORT" \
    --bind-address=127.0.0.1 --skip-name-resolve --pid-file="$dir/mariadb.pid" --innodb-flush-log-at-trx-commit=0 \
    --log-error="$dir/error.log" >/dev/null 2>&1 &
  for _ in $(seq 1 100); do
    mariadb-admin --no-defaults -S "$MY_SOCKET" -uroot ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  mariadb --no-defaults -S "$MY_SOCKET" -uroot -e \
    "CREATE USER '$MY_USER'@'127.0.0.1' IDENTIFIED BY '${MY_PASSWORD//\"/\\\"}'; GRANT ALL ON *.* TO '$MY_USER'@'127.0.0.1' WITH GRANT OPTION;"
}

stop_mariadb() {
  local pidfile="$SERVERS/mariadb/mariadb.pid"
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}

case "${1:-}" in
  start)
    mkdir -p "$STATE"
    start_postgres
    start_mariadb
    cat > "$STATE/env" <<ENV
PICKUP_TEST_PG_HOST=127.0.0.1
PICKUP_TEST_PG_PORT=$PG_PORT
PICKUP_TEST_PG_USER=postgres
PICKUP_TEST_PG_PASSWORD=$PG_PASSWORD
PICKUP_TEST_PG_BIN=$(pg_bin)
PICKUP_TEST_MY_HOST=127.0.0.1
PICKUP_TEST_MY_PORT=$MY_PORT
PICKUP_TEST_MY_USER=$MY_USER
PICKUP_TEST_MY_PASSWORD=$MY_PASSWORD
PICKUP_TEST_MY_SOCKET=$MY_SOCKET
ENV
    echo "test servers running (see $STATE/env)"
    ;;
  stop)
    stop_postgres
    stop_mariadb
    ;;
  status)
    [ -f "$STATE/env" ] && cat "$STATE/env"
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
