#!/bin/sh
# outputs.sh BIN OUTDIR -- every output a speed-up must leave byte-identical.
#
# Run from the top of the tree with the binary before a change and the
# binary after it, then compare:  diff -r OLD NEW  must print nothing.
# For each record file under examples/ and tests/ (the fuzzing corpus
# aside): NDJSON, text, CSV, --summary and -v; replay of the examples; the
# case files (test -v); trials; 2,000 records of the realistic cohort
# (bench/gencohort -r) in every format and --detail, with one and two
# threads, with --at and --no-warnings; 2,000 synthetic records; replay of
# 200 realistic records.  Each output keeps stdout, stderr and the exit
# status.  The session-4 speed work (docs/performance.md) was checked this
# way after every change.
set -u
[ $# -eq 2 ] || { echo "usage: bench/outputs.sh BIN OUTDIR" >&2; exit 2; }
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$2
mkdir -p "$out" || exit 1
[ -x bench/gencohort ] || make bench/gencohort >/dev/null || exit 1
real=$out/.real2k.ndjson syn=$out/.syn2k.ndjson
bench/gencohort -r -n 2000 -s 1 > "$real"
bench/gencohort -n 2000 -s 1 > "$syn"
head -n 200 "$real" > "$out/.real200.ndjson"
run() { # NAME ARGS...
    n=$1; shift
    "$bin" "$@" > "$out/$n.out" 2> "$out/$n.err"
    echo "rc=$?" >> "$out/$n.err"
}
i=0
for f in $(find examples tests -name '*.json' -o -name '*.ndjson' | grep -v -e fuzz -e /corpus | sort); do
    i=$((i + 1)); b=$(echo "$f" | tr / _)
    run "$b.json" --json "$f"
    run "$b.text" "$f"
    run "$b.csv" --format csv "$f"
    run "$b.sum" --json --summary "$f"
    run "$b.v" --json -v "$f"
done
for f in examples/*.json; do run "replay-$(basename "$f")" replay --json "$f"; done
run cases test -v tests/cases
run trials trials
run real2k-j1 --json -j1 "$real"
run real2k-j2 --json -j2 "$real"
run real2k-at --json -j2 --at 2026-01-01T00:00:00Z "$real"
run real2k-csv --format csv "$real"
run real2k-sum --summary "$real"
run real2k-det --json --detail verdicts "$real"
run real2k-crit --json --detail criteria "$real"
run real2k-nw --json --no-warnings "$real"
run syn2k --json "$syn"
run syn2k-csv --format csv "$syn"
run real200-replay replay --json "$out/.real200.ndjson"
# The record files' names are in the outputs: keep them the same.
sed -i "s|$out/\.|OUT/.|g" "$out"/real*.out "$out"/real*.err "$out"/syn*.out "$out"/syn*.err 2>/dev/null
echo "outputs: $i record files, $(ls "$out" | wc -l) outputs in $out"
