#!/usr/bin/env bash
#
# completion.sh -- the bash completion (completion/trialscreen.bash): it
# completes verbs, options, trial ids and files; it knows every option that
# --help lists; "make install" installs it and "make uninstall" removes it.
#
#   bash tests/completion.sh [BINARY]           (make check does this)

set -u
bin=${1:-./trialscreen}
case $bin in /*) ;; *) bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin") ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL completion: $*"; fail=$((fail + 1)); }

# complete WORDS...: what bash would offer for the last word.
complete_words() {
    (
        complete() { :; }       # the file's own "complete" line
        source completion/trialscreen.bash
        COMP_WORDS=("$bin" "$@")
        COMP_CWORD=$#
        COMPREPLY=()
        _trialscreen
        printf '%s\n' "${COMPREPLY[@]}"
    )
}

expect() {      # expect WANT WORDS...
    local want=$1
    shift
    if complete_words "$@" | grep -qx -- "$want"; then ok; else
        bad "'$*' does not offer '$want'"; fi
}

expect concepts conc
expect replay rep
expect --step replay --st
expect trials tr
expect --trial --tr
expect --assume-complete --assume
expect NCT05184296 -t NCT0518
expect markdown concepts --format m
expect csv --format c
expect medications --assume-complete med
expect examples/ecmo-rescue-eligible.json examples/ecmo-rescue-el
expect criteria/nct05184296.yaml lint criteria/nct0518
if complete_words --format c | grep -qx markdown; then
    bad "'--format' for screening offers markdown"; else ok; fi

# Every long option of --help is offered.
for o in $("$bin" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    word=$o
    case $o in --color|--colour) word=--colo o=--color= ;; esac
    # Verb-specific options (replay's, merge's) are offered after their verb.
    if { complete_words "$word"; complete_words replay "$word";
         complete_words merge "$word"; } |
       grep -qx -- "$o"; then ok; else
        bad "option $o (in --help) is not completed"; fi
done

# make install / uninstall put it in place and take it away.
T=$(mktemp -d "${TMPDIR:-/tmp}/ts-completion.XXXXXX")
trap 'rm -rf "$T"' EXIT
f=$T/usr/share/bash-completion/completions/trialscreen
if make -s install DESTDIR="$T" PREFIX=/usr >/dev/null 2>&1 && [ -f "$f" ] &&
   cmp -s "$f" completion/trialscreen.bash; then ok; else
    bad "make install does not install $f"; fi
if make -s uninstall DESTDIR="$T" PREFIX=/usr >/dev/null 2>&1 && [ ! -e "$f" ]; then
    ok; else bad "make uninstall leaves $f"; fi

echo "completion: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
