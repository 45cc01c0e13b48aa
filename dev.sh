#!/usr/bin/env bash
# Tribuna's two commands, for a fresh Debian 12 machine (or any machine with apt):
#
#   ./dev.sh run    install what is needed, build, and run tribunad on embedded defaults
#                   (test pattern and tone, recording into ~/.local/share/tribuna)
#   ./dev.sh test   install what is needed, build with -Werror, run the whole test suite
#
# Also: ./dev.sh deps (only install packages), ./dev.sh build (only build).
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

deps() {
  local packages missing=()
  packages=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' tools/debian-packages.txt)
  for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "dev.sh: installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
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
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
