#!/usr/bin/env python3
"""roundtrip.py -- the records of examples/ and tests/cases/, screened as
records and as FHIR (a Bundle per patient, one Bundle of all the patients
of a group, and a shuffled Bulk export), must get the same verdicts and
criterion results.

  python3 tests/fhir/roundtrip.py ./trialscreen [WORKDIR]

Records are grouped by screening time (the case file's `at`, else the
record's `as_of`) and by the sections they vouch complete: FHIR cannot say
completeness, so their FHIR form is screened with the matching
--assume-complete (as docs/fhir.md tells users to).  Ids are made unique
(a Bulk export holds one Patient per id).  What is compared: every NDJSON
report line without "source", "line" and evidence "pointer"s (a pointer
names a place in the record read, which is made from FHIR in another
order).  Records the record reader rejects are left out: they have no
FHIR form to compare.  Exit 0 when every record agrees.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import tofhir  # noqa: E402

NUM = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")


def plain(node):
    """A YAML node as the case loader reads it (docs/case-tests.md)."""
    if isinstance(node, yaml.MappingNode):
        return {plain(k): plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [plain(v) for v in node.value]
    v = node.value
    if node.style is not None:
        return v
    if v in ("true", "false"):
        return v == "true"
    if v in ("null", "~", ""):
        return None
    if NUM.match(v):
        f = float(v)
        return int(v) if re.match(r"^-?[0-9]+$", v) else f
    return v


def merge(under, over, first):
    if isinstance(under, dict) and isinstance(over, dict):
        out = dict(under)
        for k, v in over.items():
            if v is None:
                out.pop(k, None)
            else:
                out[k] = merge(out.get(k), v, False) if k in out else v
        return out
    return over


def case_records(path):
    with open(path) as f:
        doc = plain(yaml.compose(f.read()))
    base = doc.get("base")
    for case in doc.get("cases", []):
        rec = None
        if "file" in case:
            with open(os.path.join(os.path.dirname(path), case["file"])) as f:
                try:
                    rec = json.load(f)
                except ValueError:
                    continue
            if case.get("merge") and base is not None:
                rec = merge(base, rec, False)
        elif base is not None:
            rec = base
        if "record" in case:
            rec = merge(rec, case["record"], rec is None) if rec is not None \
                else case["record"]
        if isinstance(rec, dict):
            yield rec, case.get("at", doc.get("at"))


def all_records():
    for p in sorted(glob.glob(os.path.join(ROOT, "examples", "*.json"))):
        with open(p) as f:
            rec = json.load(f)
        yield rec, None
        # Without as_of: the screening time is the latest time of the data
        # (and in FHIR with neither Bundle.timestamp nor a manifest).
        yield {k: v for k, v in rec.items() if k != "as_of"}, None
    for p in sorted(glob.glob(os.path.join(ROOT, "examples", "*.ndjson"))):
        with open(p) as f:
            for line in f:
                if line.strip():
                    yield json.loads(line), None
    for p in sorted(glob.glob(os.path.join(ROOT, "tests", "cases", "*.yaml"))):
        yield from case_records(p)


def normal(line):
    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items()
                    if k not in ("source", "line", "pointer")}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x
    return strip(json.loads(line))


def screen(binary, args):
    p = subprocess.run([binary, "--json", "--no-progress", "-j2"] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if p.returncode not in (0, 3):
        sys.exit("roundtrip: %s exited %d: %s" % (args, p.returncode, p.stderr))
    return [normal(l) for l in p.stdout.splitlines() if l.strip()], p.stderr


def run_group(binary, work, key, recs, stats):
    at, as_of, complete = key
    os.makedirs(work)
    src = os.path.join(work, "records.ndjson")
    with open(src, "w") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")
    atargs = ["--at", at] if at else []
    orig, _ = screen(binary, atargs + [src])
    good = [o for o in orig if "patient" in o]
    ok_ids = {o["patient"] for o in good}
    stats["rejected"] += len(orig) - len(good)
    fsrc = os.path.join(work, "screened.ndjson")
    with open(fsrc, "w") as f:
        for r in recs:
            if r.get("id") in ok_ids:
                r = {k: v for k, v in r.items() if k != "complete"}
                f.write(json.dumps(r) + "\n")
    bdir, kdir = os.path.join(work, "bundles"), os.path.join(work, "bulk")
    os.makedirs(bdir)
    os.makedirs(kdir)
    tofhir.bundles(fsrc, bdir)
    tofhir.bulk(fsrc, kdir, seed=len(recs), split=40, manifest=as_of)
    one = os.path.join(work, "all-in-one-bundle.json")
    tofhir.one_bundle(fsrc, one, as_of)
    fargs = atargs + sum((["--assume-complete", c] for c in complete), [])
    want = {o["patient"]: o for o in good}
    for name, d in (("bundles", bdir), ("bulk", kdir), ("one bundle", one)):
        got, err = screen(binary, fargs + [d])
        gotd = {o.get("patient"): o for o in got}
        for pid, o in want.items():
            stats["compared"] += 1
            if gotd.get(pid) == o:
                stats["same"] += 1
            elif len(stats["diffs"]) < 5:
                stats["diffs"].append((name, pid, d, gotd.get(pid), o, err))


def main(argv):
    binary = os.path.abspath(argv[1])
    work = argv[2] if len(argv) > 2 else tempfile.mkdtemp(prefix="ts-roundtrip.")
    groups = {}
    n = 0
    for rec, at in all_records():
        if not isinstance(rec.get("id"), str):
            continue
        n += 1
        rec = dict(rec)
        rec["id"] = "%s~%d" % (rec["id"], n)
        comp = rec.get("complete")
        comp = tuple(sorted(comp)) if isinstance(comp, list) and \
            all(isinstance(c, str) for c in comp) else ()
        as_of = rec.get("as_of") if not at else None
        groups.setdefault((at, as_of, comp), []).append(rec)
    stats = {"compared": 0, "same": 0, "rejected": 0, "diffs": []}
    for i, (key, recs) in enumerate(sorted(groups.items(), key=lambda kv: str(kv[0]))):
        try:
            run_group(binary, os.path.join(work, "g%03d" % i), key, recs, stats)
        except (KeyError, TypeError, AttributeError) as e:
            stats["diffs"].append(("convert", str(key), "", None, str(e), ""))
    print("roundtrip: %d records in %d groups (%d rejected by the record "
          "reader); %d of %d screenings identical (a Bundle each, one Bundle of all, Bulk)"
          % (n, len(groups), stats["rejected"], stats["same"], stats["compared"]))
    for name, pid, d, got, want, err in stats["diffs"]:
        print("DIFFERS (%s) %s in %s\n  fhir:   %s\n  record: %s\n  stderr: %s"
              % (name, pid, d, json.dumps(got)[:3000], json.dumps(want)[:3000],
                 err[:500]))
    return 0 if stats["same"] == stats["compared"] and not stats["diffs"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
