#!/bin/sh
# screenshots-console.sh [BUILD_DIR]: renders the console's main views into docs/screenshots/
#
#   console-on-air-sq.png    the control room on air (Albanian)
#   console-settings-sq.png  the settings refusing a bad URL (Albanian)
#   console-archive-sq.png   the archive with an item chosen for a clip (Albanian)
#   console-on-air-en.png    the control room in English, for comparison
#
# Real views: nginx-rtmp on loopback, a test pattern, the Kuvendi agenda fixture. Run it
# again whenever the interface changes. Needs Xvfb and the sq_AL locale (made here with
# localedef into a temporary folder when the system lacks it).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
out=$here/docs/screenshots
mkdir -p "$out"
ninja -C "$build" tests/ui-screenshots po/sq/LC_MESSAGES/tribuna.mo >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! locale -a 2>/dev/null | grep -qi '^sq_AL\.utf-\?8$'; then
  mkdir -p "$tmp/locale"
  localedef -i sq_AL -f UTF-8 "$tmp/locale/sq_AL.UTF-8"
  export LOCPATH="$tmp/locale"
fi

export TRIBUNA_LOCALEDIR="$build/po"
run() {
  "$here/tests/ui-xvfb.sh" "$build/tests/ui-screenshots" "$out" "$1"
}
LC_ALL=sq_AL.UTF-8 LANGUAGE=sq run sq
LC_ALL=C.UTF-8 LANGUAGE= run en
rm -f "$out/console-settings-en.png" "$out/console-archive-en.png"
