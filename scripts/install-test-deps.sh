#!/usr/bin/env bash
# Installs what the test suite needs on a Debian machine and is missing: the Debian packages below (with
# sudo when not root) and pnpm at the version package.json pins. Run again, it installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")

# Debian tools the tests use: GNU tar, gzip and zstd to extract backups as a user would, age to decrypt
# them as a user would, util-linux for setpriv (tests of unreadable files as root) and unshare (a tiny
# private tmpfs as a full disk), bsdutils for script (a pseudo-terminal for the live display), faketime
# to run pickup at chosen dates (retention over weeks of nightly runs), and the real servers and client
# tools the plugins are tested against (scripts/test-servers.sh starts them; restic is the restic target's
# program). radosgw, ceph-mon, ceph-osd and ceph-common make the S3 server: a single-node Ceph that
# scripts/ceph-s3.sh runs (about 270 MB; the policy-rc.d below keeps their services from starting at install).
# pigz and rclone are the references `pnpm bench` measures Pickup against (its test runs it at a tiny scale).
# python3-prometheus-client holds Prometheus' parser of the text format: the metrics tests read Pickup's textfile
# with it (run by Debian's /usr/bin/python3).
# chromium: the `pickup report --html` page is opened in a real headless browser (driven by playwright-core).
DEBIAN_PACKAGES=(tar gzip zstd age util-linux bsdutils faketime restic postgresql postgresql-client mariadb-server
  mariadb-client vsftpd openssl rsync openssh-server openssh-client radosgw ceph-mon ceph-osd ceph-common pigz rclone
  python3-prometheus-client chromium)

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# pnpm at the pinned version on PATH (corepack's shim, if any, would fetch another one).
pnpm_missing=$(command -v pnpm >/dev/null && [ "$(pnpm --version)" = "$PNPM_VERSION" ] || echo yes)
npm_modules="$(npm prefix -g)/lib/node_modules"

installing=""
[ ${#missing[@]} -eq 0 ] || installing="Debian packages ${missing[*]}"
[ -z "$pnpm_missing" ] || installing="${installing:+$installing; }pnpm $PNPM_VERSION"
if [ -z "$installing" ]; then
  echo "install-test-deps: all installed"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ] && { [ ${#missing[@]} -gt 0 ] || [ ! -w "$npm_modules" ]; }; then
  if ! command -v sudo >/dev/null; then
    echo "install-test-deps: installing $installing needs root: run this as root, or install sudo" >&2
    exit 1
  fi
  sudo=(sudo)
fi
echo "install-test-deps: installing${sudo:+ (with sudo)}: $installing"

if [ ${#missing[@]} -gt 0 ]; then
  "${sudo[@]}" apt-get update -qq
  # Debian's packages must not start their services here: scripts/test-servers.sh starts its own. A guard
  # of ours goes away afterwards, so later installs on this machine start their services as usual.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    "${sudo[@]}" sh -c "printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d"
    trap '"${sudo[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ -n "$pnpm_missing" ]; then
  npm_sudo=()
  [ -w "$npm_modules" ] || npm_sudo=("${sudo[@]}")
  if command -v corepack >/dev/null; then "${npm_sudo[@]}" "$(command -v corepack)" disable pnpm 2>/dev/null || true; fi
  "${npm_sudo[@]}" "$(command -v npm)" install -g --silent "pnpm@$PNPM_VERSION"
fi
