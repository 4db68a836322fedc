#!/usr/bin/env bash
# A real S3 server for the tests: a single-node Ceph on 127.0.0.1 (one ceph-mon, one ceph-osd keeping its
# objects in memory with memstore, radosgw with the beast frontend), every file in one folder, no systemd,
# no ceph-mgr. Each start begins an empty cluster with an S3 user: a fixed access key, a random secret.
#   scripts/ceph-s3.sh start | stop | status [DIR]        DIR defaults to ${TMPDIR:-/tmp}/pickup-test-ceph
# start prints how to reach it as KEY=VALUE lines on stdout (also in DIR/env); progress goes to stderr.
# If it is already running, start only prints them. Ceph's own ports are fixed (mon 3300 and 6789, osd
# 6800-6807): one such cluster per machine at a time. The S3 port is PICKUP_TEST_S3_PORT (57480).
set -euo pipefail

ACTION="${1:-}"
DIR=$(realpath -m "${2:-${TMPDIR:-/tmp}/pickup-test-ceph}")
PORT="${PICKUP_TEST_S3_PORT:-57480}"
CONF="$DIR/ceph.conf"
S3_USER='pickup'
ACCESS_KEY='PICKUPTESTACCESSKEY0'
# rgw's default zonegroup is called "default": the region its S3 API answers to.
REGION='default'
MON_PORTS=(3300 6789)
OSD_PORTS=(6800 6801 6802 6803 6804 6805 6806 6807)
# The most objects may take in memory (memstore's cap, not an allocation).
MEMSTORE_BYTES=${PICKUP_TEST_S3_MEMSTORE_BYTES:-4294967296} # objects live in RAM, used as they come; both test runs (Node 20 and 24) share it
# Stopped in this order (the reverse of starting): name (its pid is in DIR/pids/NAME), executable, seconds to
# wait for it to exit before SIGKILL.
DAEMONS=('rgw radosgw 20' 'osd ceph-osd 20' 'mon ceph-mon 10')

say() { echo "ceph-s3: $*" >&2; }
die() { say "$*"; exit 1; }
# fail MESSAGE: dies, stopping what this start launched.
fail() { say "$*"; stop_daemons; exit 1; }

# pid_of NAME: the pid of that daemon if it is running (checked by its executable, not only the number).
pid_of() {
  local name=$1 exe=$2 pid target
  pid=$(cat "$DIR/pids/$name" 2>/dev/null) || return 1
  target=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  target=${target% (deleted)}
  [ "${target##*/}" = "$exe" ] || return 1
  echo "$pid"
}

# listening PORT: something accepts connections on 127.0.0.1:PORT (bash's /dev/tcp: no other tool needed).
listening() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

# http_up PORT: an HTTP server answers there.
http_up() {
  (
    exec 3<> "/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    read -r -t 2 reply <&3 && [[ $reply == HTTP/* ]]
  ) 2> /dev/null
}

running() {
  [ -f "$DIR/env" ] && pid_of rgw radosgw >/dev/null && pid_of osd ceph-osd >/dev/null && pid_of mon ceph-mon >/dev/null &&
    http_up "$(sed -n 's/^PICKUP_TEST_S3_ENDPOINT=.*://p' "$DIR/env")"
}

# launch NAME COMMAND...: in its own session, output to DIR/log/NAME.out, its pid in DIR/pids/NAME. The lock's
# descriptor is closed for it: a daemon holding it would block the next start or stop.
launch() {
  local name=$1
  shift
  setsid "$@" < /dev/null >> "$DIR/log/$name.out" 2>&1 9>&- &
  echo $! > "$DIR/pids/$name"
}

stop_daemons() {
  local entry name exe wait pid
  for entry in "${DAEMONS[@]}"; do
    read -r name exe wait <<< "$entry"
    if pid=$(pid_of "$name" "$exe"); then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 $((wait * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then
        say "$exe (pid $pid) did not exit in ${wait}s: killed"
        kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      fi
    fi
    rm -f "$DIR/pids/$name"
  done
}

# Fails naming what holds any port the cluster needs.
check_ports() {
  local port busy=()
  for port in "${MON_PORTS[@]}" "${OSD_PORTS[@]}" "$PORT"; do
    listening "$port" && busy+=("$port")
  done
  [ ${#busy[@]} -eq 0 ] && return 0
  say "ports in use: ${busy[*]} (Ceph needs 3300, 6789 and 6800-6807, and $PORT for S3; is another Ceph running?)"
  if command -v ss > /dev/null; then
    for port in "${busy[@]}"; do ss -Hltnp "sport = :$port" >&2 || true; done
  fi
  exit 1
}

write_conf() {
  cat > "$CONF" <<CONF
[global]
fsid = $1
mon host = [v2:127.0.0.1:${MON_PORTS[0]},v1:127.0.0.1:${MON_PORTS[1]}]
mon initial members = a
keyring = $DIR/keyring
run dir = $DIR/run
crash dir = $DIR/crash
log file = $DIR/log/\$name.log
mon cluster log file = $DIR/log/\$cluster.\$channel.log
mon data = $DIR/mon/\$id
osd data = $DIR/osd/\$id
rgw data = $DIR/rgw/\$id
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
# One osd: one copy of everything, few placement groups, no host level in the crush rule.
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
# Without it rgw takes about 11 s to create its pools.
paxos propose interval = 0.1
ms bind port min = ${OSD_PORTS[0]}
ms bind port max = ${OSD_PORTS[-1]}

[osd]
public addr = 127.0.0.1
cluster addr = 127.0.0.1

[client.rgw.a]
# Without tcp_nodelay small requests take about 45 ms instead of 5.
rgw frontends = beast endpoint=127.0.0.1:$PORT tcp_nodelay=1
CONF
}

start() {
  local begin=$EPOCHREALTIME tool fsid osd_uuid secret
  mkdir -p "$DIR"
  chmod 700 "$DIR"
  exec 9> "$DIR/lock"
  flock 9
  if running; then
    cat "$DIR/env"
    return 0
  fi
  for tool in ceph-mon ceph-osd radosgw radosgw-admin ceph ceph-authtool monmaptool; do
    command -v "$tool" > /dev/null ||
      die "$tool not found (apt-get install --no-install-recommends radosgw ceph-mon ceph-osd ceph-common)"
  done
  stop_daemons # what is left of a cluster that half died
  check_ports
  find "$DIR" -mindepth 1 -maxdepth 1 ! -name lock -exec rm -rf {} +
  mkdir -p "$DIR"/{mon,osd/0,rgw/rgw.a,run,crash,log,pids}
  fsid=$(cat /proc/sys/kernel/random/uuid)
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  secret=$(head -c 30 /dev/urandom | base64 | tr '+/' 'AB')
  write_conf "$fsid"

  # Every key in one keyring; the monitor's mkfs registers them all, so the osd and rgw need no ceph auth.
  ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' > /dev/null
  ceph-authtool "$DIR/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' > /dev/null
  ceph-authtool "$DIR/keyring" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap mgr 'allow profile osd' --cap osd 'allow *' > /dev/null
  ceph-authtool "$DIR/keyring" --gen-key -n client.rgw.a --cap mon 'allow rw' --cap osd 'allow rwx' > /dev/null
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:${MON_PORTS[0]},v1:127.0.0.1:${MON_PORTS[1]}]" "$DIR/monmap" > /dev/null
  ceph-mon -c "$CONF" -i a --mkfs --monmap "$DIR/monmap" --keyring "$DIR/keyring" > "$DIR/log/mon-mkfs.out" 2>&1 ||
    die "ceph-mon --mkfs failed: see $DIR/log/mon-mkfs.out"
  launch mon ceph-mon -c "$CONF" -i a -f

  ceph -c "$CONF" --connect-timeout 30 osd new "$osd_uuid" 0 > /dev/null 2> "$DIR/log/osd-new.out" ||
    fail "ceph osd new failed (is ceph-mon up? see $DIR/log/mon.out and $DIR/log/mon.a.log)"
  ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" > "$DIR/log/osd-mkfs.out" 2>&1 ||
    fail "ceph-osd --mkfs failed: see $DIR/log/osd-mkfs.out"
  launch osd ceph-osd -c "$CONF" -i 0 -f
  # rgw creates its pools as soon as the osd is up: no need to wait for it here.
  launch rgw radosgw -c "$CONF" -n client.rgw.a -f

  local tries=0
  until http_up "$PORT"; do
    pid_of mon ceph-mon > /dev/null || fail "ceph-mon exited: see $DIR/log/mon.out and $DIR/log/mon.a.log"
    pid_of osd ceph-osd > /dev/null || fail "ceph-osd exited: see $DIR/log/osd.out and $DIR/log/osd.0.log"
    pid_of rgw radosgw > /dev/null || fail "radosgw exited: see $DIR/log/rgw.out and $DIR/log/client.rgw.a.log"
    tries=$((tries + 1))
    [ $tries -lt 600 ] || fail "radosgw did not answer on 127.0.0.1:$PORT within 60 s: see $DIR/log/client.rgw.a.log"
    sleep 0.1
  done
  radosgw-admin -c "$CONF" user create --uid="$S3_USER" --display-name='Pickup tests' \
    --access-key="$ACCESS_KEY" --secret-key="$secret" > "$DIR/user.json" 2> "$DIR/log/user-create.out" ||
    fail "radosgw-admin user create failed: see $DIR/log/user-create.out"

  # Written aside, then renamed: a reader never sees half a file.
  cat > "$DIR/env.tmp" <<ENV
PICKUP_TEST_S3_ENDPOINT=http://127.0.0.1:$PORT
PICKUP_TEST_S3_REGION=$REGION
PICKUP_TEST_S3_ACCESS_KEY=$ACCESS_KEY
PICKUP_TEST_S3_SECRET_KEY=$secret
PICKUP_TEST_S3_DIR=$DIR
ENV
  mv -f "$DIR/env.tmp" "$DIR/env"
  cat "$DIR/env"
  local us=$((${EPOCHREALTIME/./} - ${begin/./}))
  say "S3 on http://127.0.0.1:$PORT, started in $((us / 1000000)).$((us / 100000 % 10)) s"
}

stop() {
  [ -d "$DIR" ] || return 0
  exec 9> "$DIR/lock"
  flock 9
  stop_daemons
  # memstore writes its objects to disk when the osd stops; every start begins empty, so they go, and so
  # does the env: its secret would be another one next time.
  rm -rf "$DIR/osd" "$DIR/mon" "$DIR/env" "$DIR/user.json"
}

# Exits 0 if all three are running, 3 if none is, 1 if only some are.
status() {
  local entry name exe wait pid up=0
  for entry in "${DAEMONS[@]}"; do
    read -r name exe wait <<< "$entry"
    if pid=$(pid_of "$name" "$exe"); then
      echo "$exe: running (pid $pid)"
      up=$((up + 1))
    else
      echo "$exe: stopped"
    fi
  done
  if [ $up -eq 3 ] && running; then
    echo "S3: $(sed -n 's/^PICKUP_TEST_S3_ENDPOINT=//p' "$DIR/env") (see $DIR/env)"
    return 0
  fi
  [ $up -eq 0 ] && return 3
  return 1
}

case "$ACTION" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status [DIR]" >&2
    exit 2
    ;;
esac
