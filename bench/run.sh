#!/bin/sh
# run.sh -- "make bench": speed, scaling and memory of trialscreen.
#
# For cohorts of BENCH_SIZES records (default 1k, 10k, 100k; made by
# bench/gencohort, seed 1) and for the bundled trials (six) and ten times
# as many (10 renamed copies of each bundled file, in a temporary
# directory), it
# prints records/s and MB/s of
#   floor  the same records read and parsed with plain cJSON, then freed
#          (bench/parsefloor): no validation, no screening, no output;
#   1 thr  trialscreen --json -j1, output to /dev/null;
#   N thr  trialscreen --json -j N (N = CPUs);
# with the peak RSS of each run (/usr/bin/time), and the start-up time:
# load the bundled criteria and screen one record, averaged over 50 runs.
# Results go to standard output; docs/performance.md says how to read them.
#
# Then the same for the realistic cohort (bench/gencohort -r: codes no
# trial reads, LOINC codes, mixed units, unsorted, some without as_of) of
# BENCH_REAL_SIZES records (default 10k), with warnings printed as by
# default (to a file), and with --detail verdicts.
# The HTML report (--html-dir, issue 12) is measured on that cohort and on
# 10k synthetic records (replay's), against --json and against writing
# its pages' bytes alone (bench/writefloor; html_rows).
#
# To keep "make bench" to a few minutes, the tenfold set is measured on
# cohorts of up to 10k records (cost is linear in records: the 1k and 10k
# rows show it); BENCH_FULL=1 adds it at 100k records (about 10 more
# minutes).  BENCH_SIZES="1000 10000" and BENCH_TRIALS=1 (the bundled
# trials only) shorten the run;
# BENCH_TMP chooses where the cohorts go (the 100k cohort is ~1.4 GB).

set -eu
ts=./trialscreen
sizes=${BENCH_SIZES:-"1000 10000 100000"}
# The bundled trials and ten copies of each (BENCH_TRIALS=1: the bundled
# ones only).  Counted, not assumed: a sixth trial once broke a fixed 50.
nb=$("$ts" trials --format ndjson | wc -l)
nmany=$((10 * nb))
trialsets="$nb"
[ "${BENCH_TRIALS:-2}" = 1 ] || trialsets="$nb $nmany"
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
tmp=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/ts-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ ! -x /usr/bin/time ]; then
    echo "bench: /usr/bin/time is missing (make deps installs it)" >&2
    exit 1
fi

# Ten times the trials: each bundled trial ten times under new ids.
mkdir -p "$tmp/crit50"
cp criteria/concepts.yaml "$tmp/crit50/"
for f in criteria/nct*.yaml; do
    b=$(basename "$f" .yaml)
    for v in 0 1 2 3 4 5 6 7 8 9; do
        sed "s/^  id: \(NCT[0-9]*\)/  id: \1V$v/" "$f" > "$tmp/crit50/$b-v$v.yaml"
    done
done
n50=$("$ts" trials -c "$tmp/crit50" --format ndjson | wc -l)
[ "$n50" -eq "$nmany" ] || { echo "bench: expected $nmany trials, loaded $n50" >&2; exit 1; }

# measure LABEL BYTES RECORDS CMD...: one line of the table.
measure() {
    label=$1 bytes=$2 records=$3
    shift 3
    /usr/bin/time -f "%e %M %U %S" -o "$tmp/time" "$@" > /dev/null 2> "$tmp/err" || {
        rc=$?
        # status 3 = some records invalid: still a full run
        [ "$rc" -eq 3 ] || { echo "bench: '$*' failed ($rc)" >&2; cat "$tmp/err" >&2; exit 1; }
    }
    awk -v label="$label" -v bytes="$bytes" -v n="$records" '
        { t = $1 < 0.01 ? 0.01 : $1
          printf "  %-22s %8.2f s %10.0f rec/s %8.1f MB/s %8.1f MiB peak RSS\n",
                 label, t, n / t, bytes / t / 1e6, $2 / 1024 }' "$tmp/time"
    awk '{ print $1 }' "$tmp/time" > "$tmp/last"
    awk '{ print $3 }' "$tmp/time" > "$tmp/user"
}

# html_rows COHORT BYTES RECORDS NULLTIME: the HTML report (issue 12), a
# page per patient, against --json with the same threads (the goal: at
# most 3 times).  Against --json to a new file (-o), which like
# --html-dir puts new bytes into the page cache, and against NULLTIME,
# --json to /dev/null, which puts none: on a VM whose free memory is
# handed back to the host, each new page-cache MB costs about 2 ms of
# system time (docs/html.md, "Speed"), so the second ratio is the ratio
# of the bytes as much as of the work.  The user time says what the
# program costs.  Then a re-run into the same directory (a nightly run:
# the old pages' files are reused, src/htmldir.c).  Between the two, the
# floor: the pages' bytes written as files and nothing else.
html_rows() {
    cohort=$1 hbytes=$2 hn=$3 null=$4
    measure "json to a file, $cpus thr" "$hbytes" "$hn" "$ts" --json -j "$cpus" -o "$tmp/html.out" "$cohort"
    json=$(cat "$tmp/last") juser=$(cat "$tmp/user")
    measure "html-dir, $cpus threads" "$hbytes" "$hn" "$ts" --html-dir "$tmp/site" -j "$cpus" "$cohort"
    html=$(cat "$tmp/last") huser=$(cat "$tmp/user")
    awk -v j="$json" -v h="$html" -v z="$null" -v ju="$juser" -v hu="$huser" \
        -v s="$(du -sm "$tmp/site" | cut -f1)" -v o="$(du -sm "$tmp/html.out" | cut -f1)" 'BEGIN {
        j = j < 0.01 ? 0.01 : j; ju = ju < 0.01 ? 0.01 : ju; z = z < 0.01 ? 0.01 : z
        printf "  %-22s %.2fx the time of --json -o, %.2fx of --json > /dev/null\n", "", h / j, h / z
        printf "  %-22s user time %.2fx; %d MB of pages against %d MB of NDJSON\n", "", hu / ju, s, o }'
    # The floor: as many files of the pages' mean size, written with as
    # many threads into a new directory, nothing read or computed
    # (bench/writefloor.c).  No --html-dir can take less.
    npages=$(find "$tmp/site" -name 'patient-*.html' | wc -l)
    pbytes=$(find "$tmp/site" -name 'patient-*.html' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
    measure "files alone, no screen" "$hbytes" "$hn" bench/writefloor "$tmp/floor" "$npages" \
        "$((pbytes / (npages > 0 ? npages : 1)))" "$cpus"
    floor=$(cat "$tmp/last")
    awk -v f="$floor" -v h="$html" -v j="$json" -v z="$null" -v n="$npages" 'BEGIN {
        j = j < 0.01 ? 0.01 : j; z = z < 0.01 ? 0.01 : z; h = h < 0.01 ? 0.01 : h
        printf "  %-22s %d files of the pages%s mean size: %.2fx --json -o, %.2fx of --json > /dev/null, %.0f%% of html-dir\n", "", n, "\047", f / j, f / z, 100 * f / h }'
    measure "html-dir again, same dir" "$hbytes" "$hn" "$ts" --html-dir "$tmp/site" -j "$cpus" "$cohort"
    again=$(cat "$tmp/last")
    awk -v j="$json" -v h="$again" -v z="$null" 'BEGIN {
        j = j < 0.01 ? 0.01 : j; z = z < 0.01 ? 0.01 : z
        printf "  %-22s %.2fx the time of --json -o, %.2fx of --json > /dev/null\n", "", h / j, h / z }'
    rm -rf "$tmp/site" "$tmp/floor" "$tmp/html.out"
}

uname -srm
grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: /cpu: /' || true
echo "cpus: $cpus"
"$ts" --version

echo
echo "== start-up: bundled criteria, one record (mean of 50 runs)"
start=$(date +%s%N)
i=0
while [ $i -lt 50 ]; do
    "$ts" examples/ecmo-rescue-eligible.json > /dev/null
    i=$((i + 1))
done
end=$(date +%s%N)
awk -v ns=$((end - start)) 'BEGIN { printf "  %.2f ms per run (fork and exec included)\n", ns / 50 / 1e6 }'
start=$(date +%s%N)
i=0
while [ $i -lt 50 ]; do
    /bin/true
    i=$((i + 1))
done
end=$(date +%s%N)
awk -v ns=$((end - start)) 'BEGIN { printf "  %.2f ms per run of /bin/true, for comparison\n", ns / 50 / 1e6 }'

for n in $sizes; do
    bench/gencohort -n "$n" -s 1 > "$tmp/cohort.ndjson"
    bytes=$(wc -c < "$tmp/cohort.ndjson")
    echo
    awk -v n="$n" -v b="$bytes" 'BEGIN { printf "== %d records, %.1f MB (%.1f KB a record)\n", n, b / 1e6, b / n / 1e3 }'
    measure "floor (cJSON parse)" "$bytes" "$n" bench/parsefloor "$tmp/cohort.ndjson"
    floor=$(cat "$tmp/last")
    for t in $trialsets; do
        if [ "$t" = "$nmany" ] && [ "$n" -gt 10000 ] && [ "${BENCH_FULL:-0}" != 1 ]; then
            echo "  $nmany trials: skipped above 10k records (BENCH_FULL=1 runs it)"
            continue
        fi
        crit=criteria
        [ "$t" = "$nmany" ] && crit="$tmp/crit50"
        measure "$t trials, 1 thread" "$bytes" "$n" "$ts" -c "$crit" --json -j1 "$tmp/cohort.ndjson"
        one=$(cat "$tmp/last")
        measure "$t trials, $cpus threads" "$bytes" "$n" "$ts" -c "$crit" --json -j "$cpus" "$tmp/cohort.ndjson"
        many=$(cat "$tmp/last")
        awk -v f="$floor" -v a="$one" -v b="$many" -v c="$cpus" 'BEGIN {
            a = a < 0.01 ? 0.01 : a; b = b < 0.01 ? 0.01 : b
            printf "  %-22s %7.0f %% of the floor, %.2fx with %d threads\n", "", 100 * f / a, a / b, c }'
    done
    rm -f "$tmp/cohort.ndjson"
done

# ---------------------------------------------------------------- replay
# replay (docs/replay.md): the bundled trials at 15-min steps over each
# stay, against one screen of the same records, both on every CPU; the
# target is at most 30x (issue 15).  REPLAY_SIZE sets the cohort (10k).
rn=${REPLAY_SIZE:-10000}
bench/gencohort -n "$rn" -s 1 > "$tmp/replay.ndjson"
rbytes=$(wc -c < "$tmp/replay.ndjson")
echo
echo "== replay: $rn records at 15 min, $cpus threads"
measure "screen" "$rbytes" "$rn" "$ts" --json -j "$cpus" "$tmp/replay.ndjson"
rscreen=$(cat "$tmp/last")
measure "replay --json" "$rbytes" "$rn" "$ts" replay --json -j "$cpus" "$tmp/replay.ndjson"
rreplay=$(cat "$tmp/last")
measure "replay --summary" "$rbytes" "$rn" "$ts" replay --summary -j "$cpus" "$tmp/replay.ndjson"
awk -v a="$rscreen" -v b="$rreplay" 'BEGIN { a = a < 0.01 ? 0.01 : a
    printf "  %-22s %7.1fx the time of one screen (target <= 30x)\n", "", b / a }'
"$ts" replay --points "$tmp/replay.ndjson" -j "$cpus" | wc -l |
    awk -v n="$rn" '{ printf "  %-22s %d points, %.0f per record\n", "", $1, $1 / n }'
# The HTML report on the same synthetic records: every concept the trials
# read, hourly, so every criterion row changes often (the realistic
# cohort's rows, below, are the common case).
echo
echo "== HTML: the same $rn synthetic records, $cpus threads"
html_rows "$tmp/replay.ndjson" "$rbytes" "$rn" "$rscreen"
rm -f "$tmp/replay.ndjson"
# ------------------------------------------------------------ FHIR
# The same cohort as FHIR R4 (tests/fhir/tofhir.py, the round-trip test's
# converter): a shuffled Bulk export and one Bundle per patient, against
# the record form.  MB/s is of each form's own bytes (FHIR is ~4x larger).
# BENCH_FHIR_SIZE patients (default 1000); BENCH_FHIR_SIZE=0 skips it.
fhir_rows() {
    n=${BENCH_FHIR_SIZE:-1000}
    [ "$n" -gt 0 ] || return 0
    if ! command -v python3 >/dev/null 2>&1; then
        echo; echo "== FHIR: skipped (python3 is missing; make deps installs it)"
        return 0
    fi
    bench/gencohort -n "$n" -s 1 > "$tmp/fcohort.ndjson"
    mkdir -p "$tmp/bulk" "$tmp/bundles"
    python3 tests/fhir/tofhir.py bulk "$tmp/fcohort.ndjson" "$tmp/bulk" --seed 1 --split 100000
    python3 tests/fhir/tofhir.py bundles "$tmp/fcohort.ndjson" "$tmp/bundles"
    rb=$(wc -c < "$tmp/fcohort.ndjson")
    kb=$(cat "$tmp/bulk"/*.ndjson | wc -c)
    bb=$(cat "$tmp/bundles"/*.json | wc -c)
    echo
    awk -v n="$n" -v r="$rb" -v k="$kb" -v b="$bb" 'BEGIN {
        printf "== FHIR: %d patients: records %.1f MB, Bulk export %.1f MB, Bundles %.1f MB\n",
               n, r / 1e6, k / 1e6, b / 1e6 }'
    at="--at 2026-03-01T12:00:00Z"
    # shellcheck disable=SC2086
    measure "records, $cpus threads" "$rb" "$n" "$ts" --json $at -j "$cpus" "$tmp/fcohort.ndjson"
    # shellcheck disable=SC2086
    measure "Bulk export, 1 thread" "$kb" "$n" "$ts" --json $at -j1 "$tmp/bulk"
    # shellcheck disable=SC2086
    measure "Bulk export, $cpus thr" "$kb" "$n" "$ts" --json $at -j "$cpus" "$tmp/bulk"
    # shellcheck disable=SC2086
    measure "Bundles, $cpus threads" "$bb" "$n" "$ts" --json $at -j "$cpus" "$tmp/bundles"
    rm -rf "$tmp/fcohort.ndjson" "$tmp/bulk" "$tmp/bundles"
}
fhir_rows

# --- The realistic cohort (issue 10): its own block, kept apart from the
# --- rows above so that other cohorts can be added beside it.
for n in ${BENCH_REAL_SIZES:-10000}; do
    bench/gencohort -r -n "$n" -s 1 > "$tmp/real.ndjson"
    bytes=$(wc -c < "$tmp/real.ndjson")
    echo
    awk -v n="$n" -v b="$bytes" 'BEGIN { printf "== realistic: %d records, %.1f MB (%.1f KB a record)\n", n, b / 1e6, b / n / 1e3 }'
    measure "floor (cJSON parse)" "$bytes" "$n" bench/parsefloor "$tmp/real.ndjson"
    floor=$(cat "$tmp/last")
    measure "$nb trials, 1 thread" "$bytes" "$n" "$ts" --json -j1 "$tmp/real.ndjson"
    one=$(cat "$tmp/last")
    measure "$nb trials, $cpus threads" "$bytes" "$n" "$ts" --json -j "$cpus" "$tmp/real.ndjson"
    many=$(cat "$tmp/last")
    awk -v f="$floor" -v a="$one" -v b="$many" -v c="$cpus" 'BEGIN {
        a = a < 0.01 ? 0.01 : a; b = b < 0.01 ? 0.01 : b
        printf "  %-22s %7.0f %% of the floor, %.2fx with %d threads\n", "", 100 * f / a, a / b, c }'
    measure "verdicts, 1 thread" "$bytes" "$n" "$ts" --json --detail verdicts -j1 "$tmp/real.ndjson"
    html_rows "$tmp/real.ndjson" "$bytes" "$n" "$many"
    rm -f "$tmp/real.ndjson"
done
