#!/usr/bin/env python3
"""Mutation testing: do the tests notice when the code is wrong?

Reads a list of one-line mutations (tests/mutants.txt), applies each in a
scratch copy of the tree -- never the working tree -- rebuilds there and
runs a fast subset of the tests (the trial case files, the cmocka programs
but the slow batch and replay ones, the cross-check against
tests/xcheck/ref.py), stopping at the first failure.  A mutant that makes
a test fail is killed; one that passes every test survived: either the
tests miss a bug, or the mutant is equivalent (it changes no behaviour),
which the list says with "## equivalent: why".  docs/testing.md explains
the list and how to read the report.

Usage: tests/mutate.py [--list FILE] [--filter REGEX] [--dir DIR] [--keep]
                       [--check]
  --list FILE     the mutations (default tests/mutants.txt; make mutate
                  passes MUTANTS=FILE)
  --filter REGEX  only the entries whose line matches REGEX (make mutate
                  FILTER=REGEX), e.g. 'src/units.c' or 'window'
  --dir DIR       the scratch tree: kept between runs, so that its objects
                  are reused (make mutate uses build-mutate/); default a
                  temporary directory, removed at the end
  --keep          keep the temporary scratch tree (its path is printed)
  --check         only check that every entry applies, build nothing

A mutation is located by its text (one line; "\\N" in it stands for a line
break, so that the next line can disambiguate a line that occurs twice), not by a line number, so that code
moving inside a file does not break the list; an entry whose original
text is not in the file, or is there more than once, is an error that
stops the run before anything is built.

Exit status: 0 every mutant was killed or is marked equivalent; 1 some
mutant survived unexpectedly, or an "equivalent" one was killed (the mark
is stale), or one did not compile (it tests nothing); 2 the list is wrong or the unmutated tree fails its tests.
"""
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
TEST_TIMEOUT = 120       # seconds; a mutant that hangs a test is killed
SLOW_TESTS = {"tests/test_batch", "tests/test_replay"}   # > 10 s each
# Fast, deterministic: the generated records do not depend on trialscreen.
XCHECK_GEN = [["gen.py", "300", "7"], ["gen.py", "scen", "300", "8"]]


class Mutant:
    def __init__(self, lineno, text, path, orig, repl, note):
        self.lineno, self.text = lineno, text
        self.path, self.orig, self.repl, self.note = path, orig, repl, note
        self.equivalent = note.startswith("equivalent")


def die(msg):
    print("mutate: " + msg, file=sys.stderr)
    sys.exit(2)


def parse_line(listfile, lineno, line):
    """FILE: ORIGINAL ==> REPLACEMENT  [## note]"""
    where = "%s:%d" % (listfile, lineno)
    body, note = line, ""
    if " ## " in line:
        body, note = line.split(" ## ", 1)
    if ": " not in body:
        die("%s: expected 'FILE: ORIGINAL ==> REPLACEMENT'" % where)
    path, rest = body.split(": ", 1)
    if rest.count(" ==> ") != 1:
        die("%s: expected exactly one ' ==> ' between original and "
            "replacement" % where)
    # "\\N" stands for a line break, to give the next line as context when
    # the line alone occurs more than once (not "\\n": C strings hold it).
    orig, repl = (s.strip().replace("\\N", "\n") for s in rest.split(" ==> "))
    if not orig:
        die("%s: empty original text" % where)
    if orig == repl:
        die("%s: the replacement is the original" % where)
    return Mutant(lineno, line.strip(), path.strip(), orig, repl, note.strip())


def read_list(listfile, pattern):
    mutants = []
    with open(listfile, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = parse_line(listfile, n, line.rstrip("\n"))
            if pattern and not re.search(pattern, m.text):
                continue
            mutants.append(m)
    return mutants


def check_applies(listfile, mutants, root):
    """Every original text must occur exactly once in its file."""
    bad = 0
    for m in mutants:
        where = "%s:%d" % (listfile, m.lineno)
        p = os.path.join(root, m.path)
        if not os.path.isfile(p):
            print("mutate: %s: no file %s" % (where, m.path), file=sys.stderr)
            bad += 1
            continue
        n = open(p, encoding="utf-8").read().count(m.orig)
        if n != 1:
            print("mutate: %s: '%s' occurs %d times in %s (must be once: "
                  "give more of the line)" % (where, m.orig, n, m.path),
                  file=sys.stderr)
            bad += 1
    if bad:
        die("%d entr%s of %s do not apply" %
            (bad, "y" if bad == 1 else "ies", listfile))


def copy_tree(dst):
    """The tracked and untracked-but-not-ignored files: the tree as it is
    now, uncommitted edits included, without build products.  Into a tree
    kept from an earlier run only the files that differ are copied (with a
    new time, so that make rebuilds what they touch), and its objects are
    reused."""
    try:
        out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard",
                              "-z"], cwd=ROOT, check=True,
                             capture_output=True).stdout
        files = [f for f in out.decode().split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        die("needs a git checkout (git ls-files) to know what to copy")
    for f in files:
        s = os.path.join(ROOT, f)
        if not os.path.isfile(s):
            continue        # deleted in the working tree
        d = os.path.join(dst, f)
        if os.path.isfile(d) and filecmp.cmp(s, d, shallow=False):
            continue
        os.makedirs(os.path.dirname(d), exist_ok=True)
        shutil.copyfile(s, d)
        shutil.copymode(s, d)


def make_var(tree, var):
    p = subprocess.run(["make", "-s", "--no-print-directory", "-f", "Makefile",
                        "-f", "-", "print-var"], cwd=tree, capture_output=True,
                       text=True, input="print-var:\n\t@echo $(%s)\n" % var)
    return p.stdout.split()


def build(tree, targets):
    # WERROR=0: a mutant that only draws a warning must still be tested.
    # -O1 without -g: quicker to compile, the same behaviour.
    cmd = ["make", "-j2", "WERROR=0", "CFLAGS=-O1"] + targets
    p = subprocess.run(cmd, cwd=tree, capture_output=True, text=True)
    return p.returncode == 0, p.stdout + p.stderr


def test_commands(tree):
    """(name, argv) in the order they run: quickest and most telling first."""
    cmds = [("cases", ["./trialscreen", "test", "tests/cases/"])]
    bins = [t for t in make_var(tree, "TEST_BINS") if t not in SLOW_TESTS]
    # The evaluator's own programs first, the CLI ones (seconds) last.
    bins.sort(key=lambda t: (t in ("tests/test_cli", "tests/test_fhir",
                                   "tests/test_lint"), t))
    cmds += [(os.path.basename(t), ["./" + t]) for t in bins]
    if os.path.isdir(os.path.join(tree, "tests/xcheck")):
        cmds.append(("xcheck", [sys.executable, "tests/xcheck/compare.py",
                                "xcheck.ndjson", "--bin", "./trialscreen"]))
    return cmds


def make_xcheck_input(tree):
    with open(os.path.join(tree, "xcheck.ndjson"), "w") as out:
        for args in XCHECK_GEN:
            subprocess.run([sys.executable, "tests/xcheck/" + args[0]] +
                           args[1:], cwd=tree, stdout=out, check=True)


def run_tests(tree, cmds):
    """The name of the first failing command, or None when all pass."""
    for name, argv in cmds:
        try:
            p = subprocess.run(argv, cwd=tree, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=TEST_TIMEOUT)
        except subprocess.TimeoutExpired:
            return name + " (timeout)"
        if p.returncode != 0:
            return name
    return None


def main():
    args = sys.argv[1:]
    listfile = os.environ.get("MUTANTS") or os.path.join(ROOT, "tests/mutants.txt")
    pattern = os.environ.get("FILTER") or None
    keep = check_only = False
    scratch = None
    while args:
        a = args.pop(0)
        if a == "--list" and args:
            listfile = args.pop(0)
        elif a == "--filter" and args:
            pattern = args.pop(0)
        elif a == "--dir" and args:
            scratch = os.path.abspath(args.pop(0))
        elif a == "--keep":
            keep = True
        elif a == "--check":
            check_only = True
        else:
            die("usage: tests/mutate.py [--list FILE] [--filter REGEX] "
                "[--dir DIR] [--keep] [--check]")

    mutants = read_list(listfile, pattern)
    if not mutants:
        die("no mutants in %s%s" % (listfile,
            " match '%s'" % pattern if pattern else ""))
    check_applies(listfile, mutants, ROOT)
    if check_only:
        print("mutate: %d mutants apply" % len(mutants))
        return 0

    if scratch:
        os.makedirs(scratch, exist_ok=True)
        return run_all(listfile, mutants, scratch)
    tree = tempfile.mkdtemp(prefix="ts-mutate.")
    try:
        return run_all(listfile, mutants, tree)
    finally:
        if keep:
            print("mutate: scratch tree kept in " + tree)
        else:
            shutil.rmtree(tree, ignore_errors=True)


def run_all(listfile, mutants, tree):
    print("mutate: %d mutants from %s; scratch tree %s" %
          (len(mutants), listfile, tree), flush=True)
    copy_tree(tree)
    targets = ["trialscreen"] + make_var(tree, "TEST_BINS")
    ok, log = build(tree, targets)
    if not ok:
        print(log)
        die("the unmutated tree does not build")
    make_xcheck_input(tree)
    cmds = test_commands(tree)
    failed = run_tests(tree, cmds)
    if failed:
        die("the unmutated tree fails %s: fix that first" % failed)

    killed, survived, stale, unbuilt = [], [], [], []
    for i, m in enumerate(mutants, 1):
        t0 = time.time()
        p = os.path.join(tree, m.path)
        original = open(p, encoding="utf-8").read()
        with open(p, "w", encoding="utf-8") as f:
            f.write(original.replace(m.orig, m.repl, 1))
        try:
            ok, _ = build(tree, targets)
            by = run_tests(tree, cmds) if ok else None
        finally:
            with open(p, "w", encoding="utf-8") as f:
                f.write(original)   # newer than the objects: rebuilt next time
        if not ok:
            outcome = "not built"
            unbuilt.append(m)
        elif by:
            outcome = "killed by " + by
            (stale if m.equivalent else killed).append(m)
        else:
            outcome = "equivalent" if m.equivalent else "SURVIVED"
            if not m.equivalent:
                survived.append(m)
        print("[%d/%d] %-24s %s:%d %s (%.0f s)" %
              (i, len(mutants), outcome, os.path.basename(listfile),
               m.lineno, m.path, time.time() - t0), flush=True)

    nequiv = sum(1 for m in mutants if m.equivalent) - len(stale)
    print("\nmutate: %d mutants: %d killed, %d survived, %d equivalent, "
          "%d did not build" % (len(mutants), len(killed), len(survived),
                                nequiv, len(unbuilt)))
    for title, group in (("survivors", survived),
                         ("marked equivalent but killed (remove the mark)",
                          stale),
                         ("did not build (rewrite them)", unbuilt)):
        if group:
            print("%s:" % title)
            for m in group:
                print("  %s:%d: %s" % (listfile, m.lineno, m.text))
    return 1 if survived or stale or unbuilt else 0


if __name__ == "__main__":
    sys.exit(main())
