#!/usr/bin/env bash
# make test-compat: the suite on Debian 13 (Python 3.13) with Django 6.x.
#
# The host's Python is Debian 12's 3.11 and PyPI has no Python builds, so the newer Python comes
# from a Debian 13 root made with debootstrap, from the mirror apt already uses here. It is built
# once into a cache outside the checkout (LIVEVIEW_COMPAT_ROOT, default
# ~/.cache/liveview/trixie); a stamp file says it is complete, another says its venv
# (/opt/venv: Django 6.x and `pip install -e .[test]`) matches this pyproject.toml.
#
# Each run happens in a private mount and PID namespace (unshare): the checkout is mounted at
# /src in the root through an overlay whose writes go to a tmpfs, so the run leaves no file in
# the checkout (no root-owned __pycache__, .hypothesis or egg-info) and no mount or process
# behind, whatever way it ends.
#
# Environment:
#   LIVEVIEW_COMPAT_ROOT     where the root lives (default ~/.cache/liveview/trixie)
#   LIVEVIEW_COMPAT_MIRROR   Debian mirror (default: the one apt uses for this Debian release)
#   LIVEVIEW_COMPAT_DJANGO   Django requirement (default "Django>=6,<7")
#   LIVEVIEW_COMPAT_MARKERS  pytest -m expression (default "not slow": unit, consumer, browser)
# Arguments are passed to pytest (e.g. `.ci/compat.sh -x -k jobs`).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(realpath -m "${LIVEVIEW_COMPAT_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/liveview/trixie}")
SUITE=trixie
DJANGO=${LIVEVIEW_COMPAT_DJANGO:-Django>=6,<7}
MARKERS=${LIVEVIEW_COMPAT_MARKERS:-not slow}
HTMX_CACHE=$(realpath -m "${LIVEVIEW_HTMX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/liveview/htmx}")
# What the tests need besides Python: redis-server (the hub on Redis), curl (the README's curl
# samples), Chromium (the browser tests), certificates for pip.
PACKAGES="python3 python3-venv ca-certificates curl redis-server chromium fonts-dejavu-core"
VENV=/opt/venv
ROOT_STAMP=$ROOT/.liveview-root
VENV_STAMP=$ROOT$VENV/.liveview-venv

if [ "$ROOT" = / ] || [ "$ROOT" = "$REPO" ]; then
  echo "test-compat: LIVEVIEW_COMPAT_ROOT=$ROOT cannot hold the root" >&2
  exit 2
fi

if [ "$(id -u)" != 0 ]; then
  exec sudo --preserve-env=LIVEVIEW_COMPAT_ROOT,LIVEVIEW_COMPAT_MIRROR,LIVEVIEW_COMPAT_DJANGO,LIVEVIEW_COMPAT_MARKERS,LIVEVIEW_HTMX_CACHE \
    LIVEVIEW_COMPAT_ROOT="$ROOT" LIVEVIEW_HTMX_CACHE="$HTMX_CACHE" "$0" "$@"
fi

say() { printf 'test-compat: %s\n' "$*"; }
elapsed() { echo "$(($(date +%s) - $1)) s"; }

mirror() {
  if [ -n "${LIVEVIEW_COMPAT_MIRROR:-}" ]; then
    echo "$LIVEVIEW_COMPAT_MIRROR"
    return
  fi
  local codename uri
  # Only a Debian host's mirror carries Debian 13.
  codename=$(. /etc/os-release && [ "${ID:-}" = debian ] && echo "${VERSION_CODENAME:-}") || true
  # The URI apt fetches this release's own suite from (not -updates, not -security).
  uri=$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 'Identifier: Packages' 2>/dev/null \
    | awk -v suite="$codename" '$1 == suite { print $2; exit }')
  if [ -z "$uri" ]; then
    echo "test-compat: no Debian mirror in apt's sources; set LIVEVIEW_COMPAT_MIRROR" \
      "(e.g. http://deb.debian.org/debian)" >&2
    exit 2
  fi
  echo "$uri"
}

refuse_if_mounted() {
  if findmnt -rn -o TARGET | grep -q "^$1\(/\|$\)"; then
    echo "test-compat: something is mounted under $1; unmount it first" >&2
    exit 2
  fi
}

build_root() {
  local want="$SUITE $PACKAGES" url start partial=$ROOT.partial
  if [ -f "$ROOT_STAMP" ] && [ "$(cat "$ROOT_STAMP")" = "$want" ]; then
    return
  fi
  url=$(mirror)
  start=$(date +%s)
  say "building a Debian $SUITE root in $ROOT from $url"
  refuse_if_mounted "$ROOT"
  refuse_if_mounted "$partial"
  rm -rf "$ROOT" "$partial"
  debootstrap --variant=minbase "$SUITE" "$partial" "$url" >"$ROOT.log" 2>&1 || {
    tail -n 30 "$ROOT.log" >&2
    exit 1
  }
  say "debootstrap took $(elapsed "$start")"
  # apt resolves what debootstrap's --include cannot (Chromium's alternatives); no service
  # starts in the root (policy-rc.d).
  printf '#!/bin/sh\nexit 101\n' >"$partial/usr/sbin/policy-rc.d"
  chmod +x "$partial/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$partial/etc/resolv.conf"
  mount -t proc proc "$partial/proc"
  chroot "$partial" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $PACKAGES && apt-get clean" \
    >>"$ROOT.log" 2>&1 || {
    tail -n 30 "$ROOT.log" >&2
    exit 1
  }
  umount "$partial/proc"
  echo "$want" >"$partial/.liveview-root"
  mv "$partial" "$ROOT"
  say "root built in $(elapsed "$start")"
}

mount_all() {
  mount -t proc proc "$ROOT/proc"
  mount --rbind /dev "$ROOT/dev"
  mount --rbind /sys "$ROOT/sys"
  mount -t tmpfs tmpfs "$ROOT/tmp"
  # The checkout at /src: reads come from it, writes go to a tmpfs and vanish with the run.
  mount -t tmpfs tmpfs "$ROOT/mnt"
  mkdir -p "$ROOT/mnt/upper" "$ROOT/mnt/work" "$ROOT/src"
  mount -t overlay overlay \
    -o "lowerdir=$REPO,upperdir=$ROOT/mnt/upper,workdir=$ROOT/mnt/work" "$ROOT/src"
  # htmx 4.0.x as `make htmx` fetched it, for the browser tests' third dialect (read-only).
  mkdir -p "$ROOT/htmx-cache"
  mount --bind -o ro "$HTMX_CACHE" "$ROOT/htmx-cache"
  # The host's name servers and trusted certificates (a proxy's own CA included) for pip.
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    mount --bind /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
  fi
}

in_root() {
  chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
    PATH=$VENV/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore \
    LIVEVIEW_HTMX_CACHE=/htmx-cache "$@"
}

build_venv() {
  local want start
  want="$DJANGO $(sha256sum "$REPO/pyproject.toml" | cut -d' ' -f1)"
  if [ -f "$VENV_STAMP" ] && [ "$(cat "$VENV_STAMP")" = "$want" ]; then
    return
  fi
  start=$(date +%s)
  say "installing Django ($DJANGO) and .[test] into $VENV in the root"
  rm -rf "${ROOT:?}$VENV"
  in_root python3 -m venv "$VENV"
  in_root sh -c "cd /src && pip install --quiet -e '.[test]' '$DJANGO'"
  echo "$want" >"$VENV_STAMP"
  say "venv installed in $(elapsed "$start")"
}

run_tests() {
  local start status=0
  start=$(date +%s)
  in_root python3 -c 'import sys, django; print(f"test-compat: Python {sys.version.split()[0]}, Django {django.__version__}")'
  in_root sh -c 'cd /src && exec "$@"' pytest \
    python -m pytest -p no:cacheprovider -m "$MARKERS" "$@" || status=$?
  say "tests ran in $(elapsed "$start")"
  return "$status"
}

if [ "${1:-}" != --inside ]; then
  command -v debootstrap >/dev/null 2>&1 || {
    say "installing Debian's debootstrap"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
  }
  mkdir -p "$(dirname "$ROOT")"
  # The rest runs in a private mount and PID namespace: every mount (debootstrap's own
  # included) and every process the tests leave is gone when it ends. One run at a time.
  exec flock "$(dirname "$ROOT")/.lock" \
    unshare --mount --pid --fork --kill-child --propagation private "$0" --inside "$@"
fi
shift
build_root
mount_all
build_venv
run_tests "$@"
