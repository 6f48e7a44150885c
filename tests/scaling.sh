#!/bin/sh
# scaling.sh -- the recipes of docs/scaling.md, run for real on this machine.
#
# usage: sh tests/scaling.sh ./trialscreen
#
# A generated cohort is screened once by one process (the reference), then
# split between several processes in each way docs/scaling.md describes;
# the merged output must equal the reference byte for byte (for the
# recipes that cut the input into pieces, up to the "line" member, which
# counts lines within a piece).  GNU parallel is needed for the parallel
# recipes; without it they are skipped with a message.  Hadoop and Spark
# are not installed here: their recipes are checked through the contract
# they give the command (input split at line boundaries, one process per
# split, outputs in split order), which is what split(1) and a loop give.

set -u
ts=${1:-./trialscreen}
gen=bench/gencohort
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ts-scaling-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0
skipped=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }
skip() { skipped=$((skipped + 1)); echo "skip - $1"; }

# same NAME FILE1 FILE2: pass if the files are equal and not empty.
same() {
    if [ -s "$2" ] && cmp -s "$2" "$3"; then ok "$1"; else
        not_ok "$1"; diff "$2" "$3" | head -5; fi
}

# Shard outputs back together with the merge verb (docs/scaling.md).
deal() { "$ts" merge --shards $# "$@" 2>/dev/null; }

nolines() { sed 's/"line":[0-9]*,//'; }

"$gen" -n 500 -s 11 > "$tmp/cohort.ndjson" || { echo "scaling: gencohort failed"; exit 1; }
# A bad line in the middle: errors keep their place in every recipe.
sed '250s/.*/{"id": oops/' "$tmp/cohort.ndjson" > "$tmp/in.ndjson"
"$ts" --json "$tmp/in.ndjson" > "$tmp/whole.ndjson" 2>/dev/null
[ $? -eq 3 ] && ok "reference run reports the bad record (status 3)" ||
    not_ok "reference run status"
"$ts" --json - < "$tmp/in.ndjson" 2>/dev/null | nolines > "$tmp/whole-stdin.ndjson"

# --shard by hand: the building block of every multi-machine recipe.
for k in 1 2 3; do
    "$ts" --json --shard "$k/3" "$tmp/in.ndjson" > "$tmp/shard.$k" 2>/dev/null
done
deal "$tmp/shard.1" "$tmp/shard.2" "$tmp/shard.3" > "$tmp/merged"
same "--shard K/3, three processes, dealt back together" "$tmp/whole.ndjson" "$tmp/merged"

# Hadoop Streaming (map-only): each split of the input, cut at line
# boundaries, goes to one mapper's standard input.
split -n l/4 "$tmp/in.ndjson" "$tmp/split-"
for p in "$tmp"/split-*; do
    "$ts" --json --no-progress < "$p" > "$p.out" 2>/dev/null
    [ $? -le 3 ] || not_ok "mapper on $p"
done
"$ts" merge --blocks "$tmp"/split-*.out 2>/dev/null | nolines > "$tmp/merged"
same "Hadoop Streaming contract: 4 splits, outputs in split order" \
    "$tmp/whole-stdin.ndjson" "$tmp/merged"

# Spark RDD.pipe(): the same contract per partition (elements written as
# lines to the command's stdin, its output lines are the new partition).
rm -f "$tmp"/split-*
split -n l/3 "$tmp/in.ndjson" "$tmp/part-"
for p in "$tmp"/part-*; do
    sh -c '"$1" --json --no-progress - 2>/dev/null; [ $? -le 3 ]' sh "$ts" < "$p" > "$p.out" ||
        not_ok "pipe() command on $p"
done
"$ts" merge --blocks "$tmp"/part-*.out 2>/dev/null | nolines > "$tmp/merged"
same "Spark RDD.pipe() contract: 3 partitions" "$tmp/whole-stdin.ndjson" "$tmp/merged"

if command -v parallel >/dev/null 2>&1; then
    # GNU parallel --pipe: blocks of 60 records to 4 jobs, output in order.
    parallel --will-cite --pipe -N 60 -k -j 4 "$ts" --json --no-progress \
        < "$tmp/in.ndjson" 2>/dev/null | nolines > "$tmp/merged"
    same "GNU parallel --pipe -N 60 -k -j 4" "$tmp/whole-stdin.ndjson" "$tmp/merged"

    # The same with --summary: one summary per block, combined by merge.
    "$ts" --json --summary - < "$tmp/in.ndjson" 2>/dev/null | nolines > "$tmp/whole-sum"
    parallel --will-cite --pipe -N 60 -k -j 4 "$ts" --json --summary --no-progress \
        < "$tmp/in.ndjson" 2>/dev/null | "$ts" merge --blocks - 2>/dev/null |
        nolines > "$tmp/merged"
    same "GNU parallel --pipe --summary | trialscreen merge --blocks -" \
        "$tmp/whole-sum" "$tmp/merged"

    # GNU parallel with --shard, one job per shard.
    parallel --will-cite -j 4 "$ts" --json --shard {}/4 "$tmp/in.ndjson" \
        '>' "$tmp/p.{}" '2>/dev/null' ::: 1 2 3 4
    deal "$tmp/p.1" "$tmp/p.2" "$tmp/p.3" "$tmp/p.4" > "$tmp/merged"
    same "GNU parallel ::: 1 2 3 4 with --shard {}/4" "$tmp/whole.ndjson" "$tmp/merged"

    # --sshlogin with ':' (this machine, no ssh): the multi-host recipe's
    # command line, with the shared input named by absolute path.
    rm -f "$tmp"/p.*
    parallel --will-cite --sshlogin 2/: "$ts" --json --shard {}/2 "$tmp/in.ndjson" \
        '>' "$tmp/p.{}" '2>/dev/null' ::: 1 2
    deal "$tmp/p.1" "$tmp/p.2" > "$tmp/merged"
    same "GNU parallel --sshlogin 2/: with --shard {}/2" "$tmp/whole.ndjson" "$tmp/merged"
else
    skip "GNU parallel is not installed (make deps installs it): 4 recipes not run"
fi

if [ "$skipped" -gt 0 ]; then
    echo "scaling: $passed passed, $failed failed, $skipped skipped"
else
    echo "scaling: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
