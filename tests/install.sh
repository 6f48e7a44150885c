#!/bin/sh
#
# install.sh -- "make install DESTDIR=D" puts exactly the files a user
# needs under D (the binary, the man page, the bundled criteria, the bash
# completion), the installed binary runs, and "make uninstall DESTDIR=D"
# takes every one of them away again.
#
#   sh tests/install.sh [MAKE]          (make check-install does this)
#
# Run from the top of the tree after "make": it installs the binary that
# is there and rebuilds nothing.  D is a fresh temporary directory, so
# nothing outside it is touched.  Directories that "make install" creates
# with mkdir -p (bin, share/man/man1, ...) may stay, as with any package;
# files and links may not, nor the trialscreen data directory.

set -u
make=${1:-make}
D=$(mktemp -d "${TMPDIR:-/tmp}/ts-install.XXXXXX") || exit 2
trap 'rm -rf "$D"' EXIT
fail() { echo "check-install: $*"; exit 1; }

# Exactly these, with the default PREFIX of the Makefile.
P=usr/local
{
    echo "$P/bin/trialscreen"
    echo "$P/share/bash-completion/completions/trialscreen"
    echo "$P/share/man/man1/trialscreen.1"
    for f in criteria/*.yaml; do echo "$P/share/trialscreen/$f"; done
} | LC_ALL=C sort > "$D.want"
trap 'rm -rf "$D" "$D.want" "$D.got"' EXIT

# PREFIX and the other directories are set here: a value in the caller's
# environment must not send the files elsewhere.
dirs="PREFIX=/usr/local BINDIR=/usr/local/bin MANDIR=/usr/local/share/man \
DATADIR=/usr/local/share/trialscreen \
BASHCOMPDIR=/usr/local/share/bash-completion/completions"

# shellcheck disable=SC2086
$make -s install DESTDIR="$D/root" $dirs >/dev/null || fail "make install failed"
(cd "$D/root" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort) > "$D.got"
diff -u "$D.want" "$D.got" || fail "installed files differ from the list above"

cmp -s trialscreen "$D/root/$P/bin/trialscreen" || fail "installed binary is not ./trialscreen"
[ -x "$D/root/$P/bin/trialscreen" ] || fail "installed binary is not executable"
"$D/root/$P/bin/trialscreen" --version >/dev/null || fail "installed binary does not run"
cmp -s docs/trialscreen.1 "$D/root/$P/share/man/man1/trialscreen.1" || fail "man page differs"
for f in criteria/*.yaml; do
    cmp -s "$f" "$D/root/$P/share/trialscreen/$f" || fail "$f differs when installed"
done
# The installed criteria are the bundled ones: they load and lint clean
# enough to screen (exit 0 on a good record).
"$D/root/$P/bin/trialscreen" -c "$D/root/$P/share/trialscreen/criteria" \
    examples/ecmo-rescue-eligible.json >/dev/null ||
    fail "the installed criteria do not screen examples/ecmo-rescue-eligible.json"

# shellcheck disable=SC2086
$make -s uninstall DESTDIR="$D/root" $dirs >/dev/null || fail "make uninstall failed"
left=$(cd "$D/root" && find . ! -type d)
[ -z "$left" ] || fail "make uninstall left files behind: $left"
[ ! -e "$D/root/$P/share/trialscreen" ] || fail "make uninstall left share/trialscreen/"

echo "check-install: $(wc -l < "$D.want") files installed and uninstalled"
