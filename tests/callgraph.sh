#!/bin/sh
#
# callgraph.sh -- fail if the evaluator's call graph between files has a
# cycle (HACKING.md, "Layering").
#
# The evaluator is a tree of stages: eval.c dispatches to the leaves
# (series, derived, events, clock, total), and they all call down into
# leaf.c and result.c; nothing calls back up.  The graph is read from the
# object files, so it is the graph the linker sees: a symbol that A.o
# leaves undefined and B.o defines is an edge A -> B.  tsort(1) finds the
# cycles.
#
#   tests/callgraph.sh [-v] [OBJDIR]   check OBJDIR/*.o (default: src);
#                                      -v prints the edges
#   tests/callgraph.sh --self-test     the cycle detection finds a cycle
#
# Run by "make check" after the build.  The files checked are EVAL below;
# a new evaluator file goes there.
#
# Two header rules are checked with it (HACKING.md, "Which file owns
# what"): every header in include/ compiles with include/ alone on the
# path (a library user's view: nothing from src/), and batch.h, which
# moves buffers and not verdicts, does not pull in report.h, eval.h or
# record.h.

EVAL="eval series derived events clock total leaf result"
NM=${NM:-nm}

# Reads "A B" edges on standard input; exits 1, naming the files of one
# cycle, if they form a cycle.  Self-edges (a file calling itself) are
# not cycles between files and are dropped.
check_edges() {
    awk '$1 != $2' | tsort >/dev/null 2>"${TMPDIR:-/tmp}/callgraph.$$"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "callgraph: the evaluator's call graph has a cycle:" >&2
        sed -n -e 's/^tsort: .*input contains a loop:$/  a cycle through:/p' \
               -e 's/^tsort: /    /p' "${TMPDIR:-/tmp}/callgraph.$$" >&2
    fi
    rm -f "${TMPDIR:-/tmp}/callgraph.$$"
    return $rc
}

if [ "$1" = "--self-test" ]; then
    printf 'eval leaf\nleaf result\n' | check_edges 2>/dev/null ||
        { echo "callgraph: self-test: a tree was called a cycle" >&2; exit 1; }
    printf 'eval events\nevents clock\nclock events\n' | check_edges 2>/dev/null &&
        { echo "callgraph: self-test: a cycle was not found" >&2; exit 1; }
    echo "callgraph: self-test passed"
    exit 0
fi

verbose=0
if [ "$1" = "-v" ]; then verbose=1; shift; fi
dir=${1:-src}

# The header rules: compile, do not link.
CC=${CC:-cc}
HFLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -fsyntax-only -x c"
# System libraries' headers are fair game for a public header.
HFLAGS="$HFLAGS -Ivendor/cjson $(${PKG_CONFIG:-pkg-config} --cflags yaml-0.1 sqlite3 2>/dev/null)"
hfail=0
for h in include/*.h; do
    printf '#include "%s"\n' "${h#include/}" |
        $CC $HFLAGS -Iinclude - 2>/dev/null ||
        { echo "callgraph: $h needs a header outside include/" >&2; hfail=1; }
done
printf '#include "batch.h"\n#if defined REPORT_H || defined EVAL_H || defined RECORD_H\n#error\n#endif\n' |
    $CC $HFLAGS -Iinclude -Isrc - 2>/dev/null ||
    { echo "callgraph: src/batch.h pulls in report.h, eval.h or record.h" >&2; hfail=1; }
[ $hfail -eq 0 ] || exit 1

defs=$(mktemp) || exit 2
uses=$(mktemp) || exit 2
edges=$(mktemp) || exit 2
trap 'rm -f "$defs" "$uses" "$edges"' EXIT

for f in $EVAL; do
    o="$dir/$f.o"
    if [ ! -f "$o" ]; then
        echo "callgraph: $o: no such object file (build first)" >&2
        exit 2
    fi
    $NM --defined-only -g "$o" | awk -v f="$f" 'NF == 3 { print $3, f }'
done | sort >"$defs"
for f in $EVAL; do
    $NM -u "$dir/$f.o" | awk -v f="$f" '{ print $NF, f }'
done | sort >"$uses"

# symbol user  joined with  symbol definer  ->  "user definer symbol"
join "$uses" "$defs" | awk '$2 != $3 { print $2, $3, $1 }' | sort >"$edges"

if [ $verbose -eq 1 ]; then
    awk '{ print $1 " -> " $2 ": " $3 }' "$edges"
fi
if ! awk '{ print $1, $2 }' "$edges" | sort -u | check_edges; then
    echo "callgraph: the calls that make the edges (A -> B: symbol):" >&2
    awk '{ print "  " $1 " -> " $2 ": " $3 }' "$edges" >&2
    exit 1
fi
echo "callgraph: $(awk '{ print $1, $2 }' "$edges" | sort -u | wc -l) edges" \
     "between $(echo $EVAL | wc -w) evaluator files, no cycle"
