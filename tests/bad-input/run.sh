#!/usr/bin/env bash
#
# run.sh -- the bad-input catalogue: hostile and broken inputs, each with
# the exact outcome a user must see (exit status and message).
#
#   bash tests/bad-input/run.sh [BINARY]        (make check does this)
#   TS_GOLDEN=1 bash tests/bad-input/run.sh     (make bad-input-golden)
#
# Each case's standard error must be byte for byte the golden file
# stderr/KIND-NAME.txt here (a record and a criteria case may share a name), once the paths that differ between trees and runs
# are written as $T, $CRIT, $GOOD and $ROOT (the catalogue's substrings are
# checked too: they say in a line what the case is about).  TS_GOLDEN=1
# writes the golden files from this binary's output instead of comparing;
# run it only on purpose (never from check), then review "git diff
# tests/bad-input/stderr/" line by line before committing.
#
# The cases are in catalogue.txt next to this script; the fixtures they
# name are in records/ and criteria/ here, or are made at run time in a
# temporary directory ($T in the catalogue): anything big (a 200 MB record,
# 100 000-deep nesting), anything git cannot hold (a FIFO, a symbolic link
# loop, an unreadable file).
#
# Every run is bounded in time (timeout) and memory (ulimit -v), so that a
# regression to a hang or a runaway allocation fails instead of stalling
# the suite.  Under AddressSanitizer (which reserves terabytes of address
# space) the memory bound is ASan's own hard_rss_limit_mb instead; with
# TS_WRAPPER set (make check-valgrind) the limits are relaxed.
#
# Environment: TS_WRAPPER (a command put before the binary, e.g. valgrind),
# TS_TIME_LIMIT (seconds per run, default 10), TS_MEM_LIMIT_MB (default
# 2048), TS_KEEP=1 keeps the temporary directory, TS_GOLDEN=1 (above).

set -u
# System error texts (strerror) in one language, as the golden files have them.
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-./trialscreen}
case $bin in /*) ;; *) bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin") ;; esac
wrapper=${TS_WRAPPER:-}
tlimit=${TS_TIME_LIMIT:-10}
mlimit=${TS_MEM_LIMIT_MB:-2048}
crit=$root/criteria
good=$root/examples/ecmo-rescue-eligible.json
golden=$here/stderr
golden_mode=${TS_GOLDEN:-0}

if [ ! -x "$bin" ]; then
    echo "bad-input: no binary at $bin (run make first)" >&2
    exit 2
fi

# ASan reserves far more address space than any ulimit -v would allow.
asan=0
if ASAN_OPTIONS=help=1 "$bin" --version 2>&1 | grep -q AddressSanitizer; then
    asan=1
fi
if [ -n "$wrapper" ]; then
    tlimit=$((tlimit * 20))
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/ts-bad-input.XXXXXX")
chmod 755 "$T"
cleanup() {
    chmod -R u+rwx "$T" 2>/dev/null
    [ "${TS_KEEP:-0}" = 1 ] && echo "bad-input: kept $T" || rm -rf "$T"
}
trap cleanup EXIT

# ------------------------------------------------------------ generated

gen_inputs() {
    local H='"id": "gen", "as_of": "2026-03-01T12:00:00Z"'
    # JSON nested 100 000 deep, alone and inside a record.
    awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; for (i = 0; i < 100000; i++) printf "]"; print "" }' > "$T/deep-100k.json"
    awk -v h="$H" 'BEGIN { printf "{%s, \"facts\": {\"x\": ", h; for (i = 0; i < 100000; i++) printf "{\"a\": "; printf "1"; for (i = 0; i < 100000; i++) printf "}"; print "}}" }' > "$T/deep-100k-object.json"
    # 65 levels: one over the limit; 64: exactly at it.
    awk -v h="$H" 'BEGIN { printf "{%s, \"x\": ", h; for (i = 0; i < 64; i++) printf "["; for (i = 0; i < 64; i++) printf "]"; print "}" }' > "$T/deep-65.json"
    awk -v h="$H" 'BEGIN { printf "{%s, \"x\": ", h; for (i = 0; i < 63; i++) printf "["; for (i = 0; i < 63; i++) printf "]"; print "}" }' > "$T/deep-64.json"
    # A 200 MB record, as a file and as one NDJSON line: the 16 MiB limit.
    { printf '{%s, "pad": "' "$H"; head -c 200000000 /dev/zero | tr '\0' a; printf '"}\n'; } > "$T/big-200m.json"
    cp "$T/big-200m.json" "$T/big-200m.ndjson"
    printf '{"id": "after", "as_of": "2026-03-01T12:00:00Z"}\n' >> "$T/big-200m.ndjson"
    # Just under the limit (whitespace padding): accepted.
    { printf '{%s, "pad": "' "$H"; head -c 16000000 /dev/zero | tr '\0' b; printf '"}\n'; } > "$T/big-16m-under.json"
    # A 10 MB string: in an unknown field (screened), as the id (refused).
    { printf '{%s, "note": "' "$H"; head -c 10485760 /dev/zero | tr '\0' a; printf '"}\n'; } > "$T/string-10m.json"
    { printf '{"id": "'; head -c 10485760 /dev/zero | tr '\0' a; printf '", "as_of": "2026-03-01T12:00:00Z"}\n'; } > "$T/id-10m.json"
    { printf '{%s, "observations": [{"code": "' "$H"; head -c 10485760 /dev/zero | tr '\0' a; printf '", "value": 1, "unit": "1", "time": "2026-03-01T10:00:00Z"}]}\n'; } > "$T/code-10m.json"
    # One object with 200 000 members (the duplicate check must not be
    # quadratic).
    awk -v h="$H" 'BEGIN { printf "{%s, \"facts\": {", h; for (i = 0; i < 200000; i++) printf "%s\"k%d\": %d", (i ? ", " : ""), i, i; print "}}" }' > "$T/many-keys.json"

    # Criteria: 100 000-deep flow nesting, 10 000-deep rules (flow and
    # compact block), over-long files.
    { printf 'trial: {id: GEN, title: Deep}\ninclusion: '; awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; for (i = 0; i < 100000; i++) printf "]"; print "" }'; printf 'exclusion: []\n'; } > "$T/deep-flow.yaml"
    { printf 'trial: {id: GEN, title: Deep}\ninclusion:\n  - id: inc-a\n    text: deep\n    rule: '; awk 'BEGIN { for (i = 0; i < 10000; i++) printf "{all: ["; printf "{age: {at_least: 18}}"; for (i = 0; i < 10000; i++) printf "]}"; print "" }'; printf 'exclusion: []\n'; } > "$T/deep-rule-10k.yaml"
    { printf 'trial: {id: GEN, title: Deep}\ninclusion:\n  '; awk 'BEGIN { for (i = 0; i < 10000; i++) printf "- "; print "x" }'; printf 'exclusion: []\n'; } > "$T/deep-block-10k.yaml"
    { printf 'trial: {id: GEN, title: Deep}\ninclusion:\n  - id: inc-a\n    text: deep\n    rule:\n'; awk 'BEGIN { for (i = 0; i < 100; i++) { for (j = 0; j < 6 + 2 * i; j++) printf " "; print "not:" } for (j = 0; j < 206; j++) printf " "; print "age: {at_least: 18}" }'; printf 'exclusion: []\n'; } > "$T/deep-indent-100.yaml"
    { printf 'trial: {id: GEN, title: Big}\n# '; head -c 5000000 /dev/zero | tr '\0' x; printf '\ninclusion: []\nexclusion: []\n'; } > "$T/big-5m.yaml"

    # Directories: a symbolic link loop, a dangling link, a FIFO, a
    # non-JSON file, a bad record among good ones, an unreadable file.
    mkdir -p "$T/dir/sub"
    cp "$good" "$T/dir/a-good.json"
    ln -s loop-2.json "$T/dir/loop-1.json"
    ln -s loop-1.json "$T/dir/loop-2.json"
    ln -s .. "$T/dir/sub/up"
    ln -s nowhere.json "$T/dir/dangling.json"
    mkfifo "$T/dir/pipe.json"
    printf 'not json\n' > "$T/dir/notes.txt"
    printf 'id,as_of\n' > "$T/dir/z-table.json"
    mkdir -p "$T/unreadable"
    cp "$good" "$T/unreadable/secret.json"
    chmod 000 "$T/unreadable/secret.json"
    mkfifo "$T/fifo.json"
    mkdir -p "$T/empty-criteria"
}

# ------------------------------------------------------------ running

pass=0 failn=0 skip=0
failed_names=""

# run_bounded OUT ERR CMD...: run with the time and memory limits; stdin
# is /dev/null unless the command redirects it.
run_bounded() {
    local out=$1 err=$2
    shift 2
    if [ "$asan" = 1 ]; then
        ASAN_OPTIONS="${ASAN_OPTIONS:-}:hard_rss_limit_mb=$mlimit" \
            timeout -k 5 "$tlimit" "$@" >"$out" 2>"$err"
    elif [ -n "$wrapper" ]; then
        timeout -k 5 "$tlimit" $wrapper "$@" >"$out" 2>"$err"
    else
        ( ulimit -v $((mlimit * 1024)); exec timeout -k 5 "$tlimit" "$@" ) >"$out" 2>"$err"
    fi
}

fail() {
    failn=$((failn + 1))
    failed_names="$failed_names $1"
    echo "FAIL $1: $2"
    shift 2
    for f in "$@"; do
        echo "  --- $(basename "$f"):"
        head -c 600 "$f" | sed 's/^/  | /'
        echo
    done
}

# normalise FILE: FILE with the paths that change between trees and runs
# written as $T, $GOOD, $CRIT and $ROOT (longest first), and the
# descriptor of a process substitution as /dev/fd/N.
re_quote() {
    printf '%s' "$1" | sed 's/[][\\.*^$|]/\\&/g'
}
normalise() {
    sed -e "s|$(re_quote "$T")|\$T|g" -e "s|$(re_quote "$good")|\$GOOD|g" \
        -e "s|$(re_quote "$crit")|\$CRIT|g" -e "s|$(re_quote "$root")|\$ROOT|g" \
        -e 's|/dev/fd/[0-9][0-9]*|/dev/fd/N|g' "$1"
}

# golden_check KIND-NAME ERR: standard error is exactly stderr/KIND-NAME.txt
# (TS_GOLDEN=1: becomes it).
golden_check() {
    local name=$1 err=$2 want=$golden/$1.txt
    normalise "$err" > "$err.norm"
    if [ "$golden_mode" = 1 ]; then
        mkdir -p "$golden"
        cp "$err.norm" "$want"
        return 0
    fi
    if [ ! -f "$want" ]; then
        fail "$name" "no golden file stderr/$name.txt (make bad-input-golden, then review it)" "$err"
        return 1
    fi
    if ! cmp -s "$want" "$err.norm"; then
        fail "$name" "standard error differs from stderr/$name.txt:"
        diff -u "$want" "$err.norm" | head -n 40 | sed 's/^/  | /'
        return 1
    fi
    return 0
}

trim() {
    local s=$1
    s=${s#"${s%%[![:space:]]*}"}
    s=${s%"${s##*[![:space:]]}"}
    printf '%s' "$s"
}

# One case: KIND NAME INPUT STATUS EXPECT [OUT].
run_case() {
    local kind=$1 name=$2 input=$3 status=$4 expect=$5 outexp=$6
    local out="$T/out.$name" err="$T/err.$name" rc
    input=${input//\$T/$T}
    expect=${expect//\$T/$T}
    expect=${expect//\$GOOD/$good}
    expect=${expect//\$CRIT/$crit}
    outexp=${outexp//\$T/$T}
    case $kind in
    record)
        # Always in a batch: the good record after the bad one must still
        # be screened.
        # shellcheck disable=SC2086
        run_bounded "$out" "$err" "$bin" --json --verbose -c "$crit" $input "$good"
        ;;
    criteria)
        local args=() f
        for f in $input; do args+=(-c "$f"); done
        run_bounded "$out" "$err" "$bin" --json -c "$crit/concepts.yaml" "${args[@]}" "$good"
        ;;
    cmd)
        # The wrapper goes before the binary, not before bash.
        local wrapper=""
        input=${input//\$BIN/${TS_WRAPPER:+$TS_WRAPPER }$bin}
        input=${input//\$CRIT/$crit}
        input=${input//\$GOOD/$good}
        run_bounded "$out" "$err" bash -c "$input"
        ;;
    *)
        fail "$name" "unknown kind '$kind'"
        return
        ;;
    esac
    rc=$?
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        fail "$name" "timed out after ${tlimit}s (exit $rc)" "$err"
        return
    fi
    if [ "$rc" != "$status" ]; then
        fail "$name" "exit status $rc, expected $status" "$err" "$out"
        return
    fi
    # EXPECT may list several substrings, separated by " && ".
    local rest=$expect part
    while [ -n "$rest" ]; do
        part=${rest%% && *}
        [ "$part" = "$rest" ] && rest="" || rest=${rest#* && }
        if ! grep -qF -- "$part" "$err"; then
            fail "$name" "standard error lacks: $part" "$err"
            return
        fi
    done
    golden_check "$kind-$name" "$err" || return
    if [ -n "$outexp" ] && ! grep -qF -- "$outexp" "$out"; then
        fail "$name" "standard output lacks: $outexp" "$out"
        return
    fi
    if grep -q 'runtime error:\|AddressSanitizer\|LeakSanitizer' "$err"; then
        fail "$name" "sanitizer report" "$err"
        return
    fi
    case $kind in
    record)
        # A bad record gets an error line, and the batch goes on.
        if [ "$status" = 3 ] && ! grep -q '"error":' "$out"; then
            fail "$name" "no error line in the NDJSON output" "$out"
            return
        fi
        if ! tail -n 1 "$out" | grep -q '"patient":"ICU-0042"'; then
            fail "$name" "the good record after it was not screened" "$out"
            return
        fi
        ;;
    criteria)
        # Bad criteria: nothing is screened.
        if [ "$status" = 2 ] && [ -s "$out" ]; then
            fail "$name" "records were screened despite bad criteria" "$out"
            return
        fi
        ;;
    esac
    pass=$((pass + 1))
    [ "${TS_VERBOSE:-0}" = 1 ] && echo "ok   $name"
    return 0
}

skip_case() {
    skip=$((skip + 1))
    echo "skip $1: $2"
}

# An unreadable file means nothing to root: run that case as nobody when
# possible, else skip it.
unreadable_case() {
    local name=$1
    if [ -n "$wrapper" ]; then
        skip_case "$name" "not under a wrapper"
    elif [ "$(id -u)" != 0 ]; then
        run_case cmd "$name" "\$BIN --json -c \$CRIT $T/unreadable \$GOOD" 3 \
            "error: cannot open '$T/unreadable/secret.json': Permission denied" '"patient":"ICU-0042"'
    elif command -v setpriv >/dev/null 2>&1 &&
         setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" --version >/dev/null 2>&1 &&
         setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$crit/concepts.yaml"; then
        run_case cmd "$name" "setpriv --reuid=65534 --regid=65534 --clear-groups \$BIN --json -c \$CRIT $T/unreadable \$GOOD" 3 \
            "error: cannot open '$T/unreadable/secret.json': Permission denied" '"patient":"ICU-0042"'
    else
        skip_case "$name" "running as root without a way to drop privileges"
    fi
}

gen_inputs
cd "$here" || exit 2
names=" "
while IFS= read -r line || [ -n "$line" ]; do
    case $line in ''|'#'*) continue ;; esac
    IFS='|' read -r kind name input status expect outexp <<<"$line"
    kind=$(trim "$kind"); name=$(trim "$name"); input=$(trim "$input")
    case $kind in special) names="${names}cmd-$name " ;; *) names="$names$kind-$name " ;; esac
    status=$(trim "$status"); expect=$(trim "$expect"); outexp=$(trim "${outexp:-}")
    if [ "$kind" = special ]; then
        case $name in
        unreadable-file) unreadable_case "$name" ;;
        *) fail "$name" "unknown special case" ;;
        esac
        continue
    fi
    run_case "$kind" "$name" "$input" "$status" "$expect" "$outexp"
done < "$here/catalogue.txt"

# A golden file whose case is gone would never be read again.
for f in "$golden"/*.txt; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .txt)
    case $names in
    *" $n "*) ;;
    *) if [ "$golden_mode" = 1 ]; then rm -f "$f"; echo "bad-input: removed stderr/$n.txt (no such case)"
       else fail "$n" "stderr/$n.txt has no case in catalogue.txt"; fi ;;
    esac
done

[ "$golden_mode" = 1 ] && echo "bad-input: golden files written to $golden; review them with git diff"
echo "bad-input: $pass passed, $failn failed, $skip skipped"
[ "$failn" -eq 0 ] || { echo "bad-input: failed:$failed_names"; exit 1; }
exit 0
