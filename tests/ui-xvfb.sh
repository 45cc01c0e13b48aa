#!/bin/sh
# ui-xvfb.sh PROGRAM [ARGS…]: runs a console test on a private Xvfb display.
#
# Xvfb picks a free display itself (-displayfd), so parallel runs and other engineers'
# servers never collide. Cairo rendering, no GPU; no accessibility bus (none runs here).
set -u

if ! command -v Xvfb >/dev/null 2>&1; then
  echo "Bail out! Xvfb is not installed (Debian: xvfb)"
  exit 1
fi

dir=$(mktemp -d)
trap 'kill "$xvfb" 2>/dev/null; wait "$xvfb" 2>/dev/null; rm -rf "$dir"' EXIT INT TERM

Xvfb -displayfd 3 -screen 0 1400x900x24 -nolisten tcp -noreset 3>"$dir/display" \
  2>"$dir/xvfb.log" &
xvfb=$!

i=0
while [ ! -s "$dir/display" ]; do
  i=$((i + 1))
  if [ $i -gt 100 ] || ! kill -0 "$xvfb" 2>/dev/null; then
    echo "Bail out! Xvfb did not start: $(cat "$dir/xvfb.log")"
    exit 1
  fi
  sleep 0.1
done

# TRIBUNA_TEST_LOCALE=sq_AL.UTF-8: run in that locale, made with localedef when missing.
if [ -n "${TRIBUNA_TEST_LOCALE:-}" ]; then
  if ! locale -a 2>/dev/null | grep -qix "$(echo "$TRIBUNA_TEST_LOCALE" | sed 's/UTF-8/utf-\?8/')"; then
    mkdir -p "$dir/locale"
    localedef -i "${TRIBUNA_TEST_LOCALE%%.*}" -f UTF-8 "$dir/locale/$TRIBUNA_TEST_LOCALE" 2>/dev/null \
      || { echo "Bail out! cannot make the $TRIBUNA_TEST_LOCALE locale (Debian: locales)"; exit 1; }
    export LOCPATH="$dir/locale"
  fi
  export LC_ALL="$TRIBUNA_TEST_LOCALE"
fi

# The console is a unique application on a session bus: a developer's running console (or
# the test's own) must not receive the spawned one's activation.
unset DBUS_SESSION_BUS_ADDRESS
export DISPLAY=":$(cat "$dir/display")"
export GDK_BACKEND=x11
export GSK_RENDERER=cairo
export GTK_A11Y=none
export NO_AT_BRIDGE=1
"$@"
