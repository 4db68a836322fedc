#!/usr/bin/env bash
# Starts (or stops) the real servers the integration tests talk to, on 127.0.0.1, each in a private
# folder under /tmp (reachable by the server's own user, wherever the checkout is). Writes
# .test-servers/env with how to reach them; the tests read it. The S3 server is a single-node Ceph
# that scripts/ceph-s3.sh runs: its own ports are fixed, so one such cluster per machine at a time.
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
FTP_PORT="${PICKUP_TEST_FTP_PORT:-52121}"
FTPS_PORT="${PICKUP_TEST_FTPS_PORT:-52990}"
FTP_USER='pickupftp'
FTP_PASSWORD='pickup-test-Ftp-pass'
SSH_PORT="${PICKUP_TEST_SSH_PORT:-52222}"
SSH_USER='pickupssh'
CEPH_DIR="$SERVERS/ceph"

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

# vsftpd needs a system user to log in as (it checks /etc/shells through PAM).
ensure_ftp_user() {
  id "$FTP_USER" >/dev/null 2>&1 || useradd --create-home --shell /bin/sh "$FTP_USER"
  echo "$FTP_USER:$FTP_PASSWORD" | chpasswd
  mkdir -p /var/run/vsftpd/empty
}

# vsftpd_config NAME PORT PASV_MIN PASV_MAX [TLS]: a config for one instance, in its own folder.
vsftpd_config() {
  local dir="$SERVERS/$1"
  mkdir -p "$dir"
  cat > "$dir/vsftpd.conf" <<CONF
listen=YES
listen_address=127.0.0.1
listen_port=$2
background=NO
local_enable=YES
write_enable=YES
local_umask=077
anonymous_enable=NO
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port=$3
pasv_max_port=$4
seccomp_sandbox=NO
secure_chroot_dir=/var/run/vsftpd/empty
pam_service_name=vsftpd
xferlog_enable=NO
vsftpd_log_file=$dir/vsftpd.log
CONF
  if [ "${5:-}" = tls ]; then
    [ -f "$dir/cert.pem" ] || openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
      -addext "subjectAltName=IP:127.0.0.1" -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1
    cat >> "$dir/vsftpd.conf" <<CONF
ssl_enable=YES
rsa_cert_file=$dir/cert.pem
rsa_private_key_file=$dir/key.pem
force_local_logins_ssl=YES
force_local_data_ssl=YES
require_ssl_reuse=NO
ssl_ciphers=HIGH
CONF
  fi
  echo "$dir/vsftpd.conf"
}

# start_vsftpd NAME PORT ...: runs it in its own session, its pid in NAME/vsftpd.pid (stop kills the group).
start_vsftpd() {
  local name=$1 port=$2 dir="$SERVERS/$1"
  if [ -f "$dir/vsftpd.pid" ] && kill -0 "$(cat "$dir/vsftpd.pid")" 2>/dev/null; then return 0; fi
  local config
  config=$(vsftpd_config "$@")
  setsid vsftpd "$config" >/dev/null 2>&1 < /dev/null &
  echo $! > "$dir/vsftpd.pid"
  for _ in $(seq 1 50); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0; sleep 0.1; done
  echo "vsftpd $name did not start on port $port" >&2
  return 1
}

stop_vsftpd() {
  local pidfile="$SERVERS/$1/vsftpd.pid"
  [ -f "$pidfile" ] || return 0
  kill -- "-$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"
}

# sshd with key authentication only, for a system user (and sftp, for restic); a client key and a known_hosts line made here.
start_sshd() {
  local dir="$SERVERS/sshd"
  if [ -f "$dir/sshd.pid" ] && kill -0 "$(cat "$dir/sshd.pid")" 2>/dev/null; then return 0; fi
  id "$SSH_USER" >/dev/null 2>&1 || useradd --create-home --shell /bin/sh "$SSH_USER"
  # A locked password (!) makes sshd refuse even keys; '*' only disables password logins.
  usermod -p '*' "$SSH_USER"
  mkdir -p "$dir" /run/sshd
  chmod 755 "$dir"
  [ -f "$dir/host_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
  [ -f "$dir/client_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key"
  cp "$dir/client_key.pub" "$dir/authorized_keys"
  chmod 644 "$dir/authorized_keys"
  echo "[127.0.0.1]:$SSH_PORT $(cut -d' ' -f1,2 "$dir/host_key.pub")" > "$dir/known_hosts"
  /usr/sbin/sshd -f /dev/null -h "$dir/host_key" -p "$SSH_PORT" -o ListenAddress=127.0.0.1 \
    -o AuthorizedKeysFile="$dir/authorized_keys" -o StrictModes=no -o UsePAM=no -o PasswordAuthentication=no \
    -o KbdInteractiveAuthentication=no -o 'Subsystem=sftp internal-sftp' -o PidFile="$dir/sshd.pid" -E "$dir/sshd.log"
  for _ in $(seq 1 50); do [ -f "$dir/sshd.pid" ] && return 0; sleep 0.1; done
  echo "sshd did not start on port $SSH_PORT" >&2
  return 1
}

stop_sshd() {
  local pidfile="$SERVERS/sshd/sshd.pid"
  [ -f "$pidfile" ] || return 0
  kill "$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"
}

case "${1:-}" in
  start)
    mkdir -p "$STATE"
    start_postgres
    start_mariadb
    ensure_ftp_user
    start_vsftpd ftp "$FTP_PORT" 52200 52249
    start_vsftpd ftps "$FTPS_PORT" 52250 52299 tls
    start_sshd
    # Its KEY=VALUE lines (PICKUP_TEST_S3_*) go into the env below.
    s3_env=$(scripts/ceph-s3.sh start "$CEPH_DIR")
    # Written aside, then renamed: tests running meanwhile never read half a file.
    cat > "$STATE/env.tmp" <<ENV
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
PICKUP_TEST_FTP_HOST=127.0.0.1
PICKUP_TEST_FTP_PORT=$FTP_PORT
PICKUP_TEST_FTPS_PORT=$FTPS_PORT
PICKUP_TEST_FTP_USER=$FTP_USER
PICKUP_TEST_FTP_PASSWORD=$FTP_PASSWORD
PICKUP_TEST_FTP_HOME=$(getent passwd "$FTP_USER" | cut -d: -f6)
PICKUP_TEST_FTPS_CA=$SERVERS/ftps/cert.pem
PICKUP_TEST_SERVERS=$SERVERS
PICKUP_TEST_SSH_HOST=127.0.0.1
PICKUP_TEST_SSH_PORT=$SSH_PORT
PICKUP_TEST_SSH_USER=$SSH_USER
PICKUP_TEST_SSH_HOME=$(getent passwd "$SSH_USER" | cut -d: -f6)
PICKUP_TEST_SSH_KEY=$SERVERS/sshd/client_key
PICKUP_TEST_SSH_KNOWN_HOSTS=$SERVERS/sshd/known_hosts
$s3_env
ENV
    mv -f "$STATE/env.tmp" "$STATE/env"
    echo "test servers running (see $STATE/env)"
    ;;
  stop)
    stop_postgres
    stop_mariadb
    stop_vsftpd ftp
    stop_vsftpd ftps
    stop_sshd
    scripts/ceph-s3.sh stop "$CEPH_DIR"
    ;;
  status)
    [ -f "$STATE/env" ] && cat "$STATE/env"
    scripts/ceph-s3.sh status "$CEPH_DIR" || true
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
