#!/usr/bin/env bash
# Tries the README's two commands as a newcomer would: on a minimal Debian 12
# (debootstrap minbase with git and ca-certificates, nothing else), from a
# fresh clone of this repository.
#
#   tools/try-fresh-debian.sh DIR [run|test]     (as root; needs debootstrap)
#
# DIR is made once and reused; the clone inside it is made anew each time.
set -euo pipefail

root=${1:?usage: $0 DIR [run|test]}
what=${2:-test}
repo=$(cd "$(dirname "$0")/.." && pwd)

if [ ! -x "$root/usr/bin/git" ]; then
  debootstrap --variant=minbase --include=git,ca-certificates bookworm "$root" \
    http://deb.debian.org/debian
fi
mkdir -p "$root/etc/apt/sources.list.d"
cp /etc/apt/sources.list.d/*.sources "$root/etc/apt/sources.list.d/" 2>/dev/null || true
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
# The certificate authorities this machine adds to Debian's (a network's TLS proxy, say):
# a fresh machine on the same network would be given them too.
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null
fi

cleanup() {
  for m in dev/pts dev sys proc; do
    mountpoint -q "$root/$m" && umount -l "$root/$m" || true
  done
}
trap cleanup EXIT
for m in proc sys dev dev/pts; do
  mkdir -p "$root/$m"
  mountpoint -q "$root/$m" || mount --bind "/$m" "$root/$m"
done

rm -rf "$root/root/tribuna"
git clone -q "$repo" "$root/root/tribuna"

case "$what" in
  run)  chroot "$root" /bin/bash -c 'cd /root/tribuna && timeout 1800 ./dev.sh run --for 10' ;;
  test) chroot "$root" /bin/bash -c 'cd /root/tribuna && bash .ci/run' ;;
  *)    echo "what: run or test" >&2; exit 2 ;;
esac
