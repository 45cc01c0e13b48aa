#!/usr/bin/env bash
# Tribuna's two commands, for a fresh Debian 12 machine (or any machine with apt):
#
#   ./dev.sh run    install what is needed, build, and run tribunad on embedded defaults
#                   (test pattern and tone, recording into ~/.local/share/tribuna)
#   ./dev.sh test   install what is needed, build with -Werror, run the whole test suite
#
# Also: ./dev.sh deps (only install packages, and the web page's npm packages), ./dev.sh build
# (only build).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
build_dir=${TRIBUNA_BUILD_DIR:-build}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "dev.sh: installing packages needs root; run as root or install sudo" >&2
    exit 1
  fi
}

# Node.js from another source (NodeSource's nodejs carries npm and conflicts with Debian's
# npm package): a working command counts as installed.
provided_elsewhere() {
  case "$1" in
    nodejs) command -v node >/dev/null 2>&1 ;;
    npm) command -v npm >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}

deps() {
  local packages missing=()
  packages=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' tools/debian-packages.txt)
  for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
      || provided_elsewhere "$p" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "dev.sh: installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  web_deps
}

# The live page's hls.js and the browser test's playwright-core, exactly as
# data/web/package-lock.json pins them; `npm ci` runs again only when that file changed.
web_deps() {
  local stamp=data/web/node_modules/.tribuna-package-lock.json
  if [ -f "$stamp" ] && cmp -s data/web/package-lock.json "$stamp"; then
    return
  fi
  echo "dev.sh: npm ci in data/web"
  # Trust what the system trusts (Node otherwise uses only its own CA list, which
  # knows nothing of a proxy's or an organisation's certificate authority).
  if [ -r /etc/ssl/certs/ca-certificates.crt ]; then
    (cd data/web && npm_config_cafile=/etc/ssl/certs/ca-certificates.crt npm ci --no-audit --no-fund)
  else
    (cd data/web && npm ci --no-audit --no-fund)
  fi
  cp data/web/package-lock.json "$stamp"
  # hls.js is compiled into the binary: a build configured before it was there takes it now.
  if [ -f "$build_dir/build.ninja" ]; then
    meson setup --reconfigure "$build_dir" >/dev/null
  fi
}

build() {
  if [ ! -f "$build_dir/build.ninja" ]; then
    meson setup "$build_dir" --werror
  fi
  meson compile -C "$build_dir"
}

case "${1:-}" in
  deps)
    deps
    ;;
  build)
    deps
    build
    ;;
  run)
    shift
    deps
    build
    echo "dev.sh: running tribunad on embedded defaults; Ctrl+C stops it cleanly"
    exec "$build_dir/app/daemon/tribunad" --record "$@"
    ;;
  test)
    shift
    deps
    build
    exec meson test -C "$build_dir" --print-errorlogs "$@"
    ;;
  *)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
