#!/bin/sh
# po-check.sh SOURCE_DIR: every translatable string of the console has an Albanian
# translation in po/sq.po (none missing, none fuzzy), and the file compiles cleanly.
set -eu

src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$src"
sed -e 's/#.*//' -e '/^[[:space:]]*$/d' po/POTFILES.in > "$tmp/files"
# The same keywords as meson's glib preset for the strings the console uses.
xgettext --files-from="$tmp/files" --from-code=UTF-8 --add-comments=TRANSLATORS \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 -o "$tmp/tribuna.pot" 2>"$tmp/xgettext.log" \
  || { cat "$tmp/xgettext.log"; exit 1; }

msgfmt --check -o /dev/null po/sq.po
# Untranslated and fuzzy messages count as missing.
msgcmp po/sq.po "$tmp/tribuna.pot"
echo "po/sq.po: $(msgfmt --statistics -o /dev/null po/sq.po 2>&1)"
