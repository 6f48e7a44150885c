#!/usr/bin/env python3
"""Compare trialscreen --json against ref.py on an NDJSON file of records.

Usage: compare.py RECORDS.ndjson [--bin PATH] [--since] [--show N] [--report FILE]
Prints agreement per field and disagreement groups (trial, field, ts->ref)
with the smallest example record of each group.  Writes report.json.
"""
import json, subprocess, sys, collections, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref

def main():
    args = sys.argv[1:]
    path = args[0]
    binp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "trialscreen")
    show_since = "--since" in args
    shown = 3
    if "--bin" in args: binp = args[args.index("--bin") + 1]
    if "--show" in args: shown = int(args[args.index("--show") + 1])
    at = args[args.index("--at") + 1] if "--at" in args else None
    recs = [json.loads(l) for l in open(path) if l.strip()]
    byid = {r["id"]: r for r in recs}
    p = subprocess.run([binp, "--json", "-j", "1"] + (["--at", at] if at else []) + [path], capture_output=True, text=True)
    ts = {}
    for l in p.stdout.splitlines():
        d = json.loads(l)
        if "patient" in d and "trials" in d:
            ts[d["patient"]] = d
        else:
            print("TS-ERROR", l[:300])
    agree = collections.Counter()
    total = collections.Counter()
    groups = collections.defaultdict(list)
    for rid, rec in byid.items():
        try:
            R = ref.evaluate(rec, at)
        except Exception as e:
            print("REF-ERROR", rid, e)
            continue
        T = ts.get(rid)
        if T is None:
            print("TS-MISSING", rid)
            continue
        tt = {t["trial"]: t for t in T["trials"]}
        for nct, rt in R["trials"].items():
            t = tt.get(nct)
            if t is None:
                continue
            fields = [("verdict", t["verdict"], rt["verdict"])]
            tcrit = {c["id"]: c for c in t["criteria"]}
            for cid, rr in rt["criteria"].items():
                tc = tcrit.get(cid)
                fields.append(("crit:" + cid, tc["result"] if tc else "MISSING", rr))
                if show_since and tc and tc["result"] == "met" and rr == "met":
                    fields.append(("since:" + cid, tc.get("since"), rt["since"][cid][0]))
            tw = t.get("window") or {}
            rw = rt["window"] or {}
            fields.append(("window.opens", tw.get("opens"), rw.get("opens")))
            fields.append(("window.closes", tw.get("closes"), rw.get("closes")))
            fields.append(("eligible_since", t.get("eligible_since"), rt["eligible_since"]))
            if "cohort" in rt:
                fields.append(("cohort", t.get("cohort"), rt["cohort"]))
            for f, a, b in fields:
                total[(nct, f)] += 1
                if a == b:
                    agree[(nct, f)] += 1
                else:
                    kind = (a if not f.startswith(("window", "eligible", "since")) else
                            ("None" if a is None else "t")) , \
                           (b if not f.startswith(("window", "eligible", "since")) else
                            ("None" if b is None else "t"))
                    groups[(nct, f, kind)].append((len(json.dumps(rec)), rid, a, b))
    # summary per field type
    print("== agreement per (trial, field) ==")
    fa = collections.Counter(); ft = collections.Counter()
    for k in total:
        fa[k] += agree[k]; ft[k] += total[k]
    for k in sorted(ft):
        if fa[k] != ft[k] or k[1] in ("verdict", "window.opens", "window.closes", "eligible_since"):
            print("%-12s %-34s %6d/%-6d %.2f%%" % (k[0], k[1], fa[k], ft[k], 100.0 * fa[k] / ft[k]))
    ta = sum(agree.values()); tt_ = sum(total.values())
    print("overall fields %d/%d %.3f%%" % (ta, tt_, 100.0 * ta / max(1, tt_)))
    print("== disagreement groups ==")
    out = []
    for k in sorted(groups, key=lambda k: -len(groups[k])):
        g = sorted(groups[k])
        print("%s %s ts=%s ref=%s  n=%d  e.g. %s (ts=%s ref=%s)" % (k[0], k[1], k[2][0], k[2][1], len(g),
              ", ".join(x[1] for x in g[:shown]), g[0][2], g[0][3]))
        out.append(dict(trial=k[0], field=k[1], ts=k[2][0], ref=k[2][1], n=len(g),
                        examples=[x[1] for x in g[:10]], detail=[(x[2], x[3]) for x in g[:10]]))
    if "--report" in args:
        json.dump(dict(groups=out, agree={"%s %s" % k: [agree[k], total[k]] for k in total}),
                  open(args[args.index("--report") + 1], "w"), indent=1)
    return 0 if ta == tt_ and tt_ > 0 else 1

if __name__ == "__main__":
    sys.exit(main())
