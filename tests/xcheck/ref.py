#!/usr/bin/env python3
"""Independent reference evaluator for the five seed trials (trials.md).

Written only from the design brief (trials.md, patient-record.md, cli.md, criteria-language.md)
and the concept names/codes/units of criteria/concepts.yaml.

Usage: ref.py [--at TIME] [FILE|-]   (NDJSON or a single JSON record)
Output: one JSON line per record:
  {"patient": id, "as_of": ..., "trials": {NCT: {"verdict", "criteria": {id: result},
   "since": {id: [certain, possible]}, "window": {opens, closes} | null, "eligible_since"}}}
Choices where the text is silent: CHOICES.md.
"""
import json, math, re, sys, calendar
from datetime import datetime, timezone, timedelta, date

MET, NOT, UNK = "met", "not_met", "unknown"
import os
# Alternative readings of ambiguous points (CHOICES.md), off by default;
# used only to see what disagreement remains once they are aligned.
ALT = set(os.environ.get("REF_ALT", "").split(","))
NEG_INF = -math.inf
H = 3600.0
MIN = 60.0
DAY = 86400.0

# ---------------------------------------------------------------- vocabulary
CODES = {}
def load_codes(path=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "criteria", "concepts.yaml")):
    cur = None
    try:
        for line in open(path):
            m = re.match(r"^  ([a-z0-9_]+):", line)
            if m:
                cur = m.group(1)
                continue
            m = re.match(r"^\s+- ([a-z0-9]+:[A-Za-z0-9.\-]+)", line)
            if m and cur:
                CODES[m.group(1)] = cur
    except OSError:
        pass
load_codes()

def concept(code):
    return CODES.get(code, code)

# ---------------------------------------------------------------- tolerance
def close(a, b):
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))
def gt(a, b): return a > b and not close(a, b)
def lt(a, b): return a < b and not close(a, b)
def ge(a, b): return a > b or close(a, b)
def le(a, b): return a < b or close(a, b)

# ---------------------------------------------------------------- time
def parse_time(s):
    if not isinstance(s, str):
        raise ValueError("time not a string")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        d = datetime.strptime(s, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        return d.timestamp()
    t = s.replace("z", "Z")
    if t.endswith("Z"):
        t = t[:-1] + "+00:00"
    d = datetime.fromisoformat(t)
    if d.tzinfo is None:
        d = d.replace(tzinfo=timezone.utc)
    return d.timestamp()

def fmt(t):
    if t is None or t == NEG_INF or t == math.inf:
        return None
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

# ---------------------------------------------------------------- Kleene
def k_all(rs):
    if NOT in rs: return NOT
    if UNK in rs: return UNK
    return MET
def k_any(rs):
    if MET in rs: return MET
    if UNK in rs: return UNK
    return NOT
def k_not(r):
    return {MET: NOT, NOT: MET, UNK: UNK}[r]

class R:
    """A result with since bounds: c = certain since, p = possible since.
    c is meaningful for met; p for met/unknown.  NEG_INF = unbounded."""
    __slots__ = ("r", "c", "p")
    def __init__(self, r, c=NEG_INF, p=NEG_INF):
        self.r, self.c, self.p = r, c, p
    def __repr__(self):
        return "R(%s,%s,%s)" % (self.r, fmt(self.c), fmt(self.p))

def all_(*ch):
    r = k_all([x.r for x in ch])
    c = max([x.c for x in ch] + [NEG_INF])
    p = max([x.p for x in ch] + [NEG_INF])
    return R(r, c, p)

def any_(*ch):
    r = k_any([x.r for x in ch])
    mets = [x for x in ch if x.r == MET]
    mu = [x for x in ch if x.r in (MET, UNK)]
    c = min([x.c for x in mets]) if mets else NEG_INF
    p = min([x.p for x in mu]) if mu else NEG_INF
    return R(r, c, p)

def not_(x):
    return R(k_not(x.r))

def held_more(x, D, now):
    """'held for more than D' over child x."""
    if x.r == NOT:
        return R(NOT)
    if x.r == MET and now - x.c > D:
        r = MET
    elif now - x.p <= D:
        r = NOT
    else:
        r = UNK
    return R(r, x.c + D, x.p + D)

# ---------------------------------------------------------------- units
MMHG_PER_KPA = 7.50061683
def norm_unit(u):
    if u is None: return None
    u = u.replace("mcg", "ug").replace("µg", "ug").replace("μg", "ug")
    if u in ("mmHg", "mm Hg"): u = "mm[Hg]"
    return u

def convert_obs(cname, value, unit):
    """Return value in canonical unit, or None (unreadable)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    u = norm_unit(unit)
    v = float(value)
    if cname in ("map", "sbp", "pcwp"):
        if u == "mm[Hg]": return v
        if u == "kPa": return v * MMHG_PER_KPA
        return None
    if cname == "lactate":
        if u == "mmol/L": return v
        if u == "mg/dL": return v * 10.0 / 90.08
        return None
    if cname in ("svo2", "lvef"):
        if u == "%": return v
        if u == "1": return v * 100.0
        return None
    if cname == "cardiac_index":
        if u == "L/min/m2": return v
        return None
    if cname == "weight":
        if u == "kg": return v
        if u == "g": return v / 1000.0
        if u == "[lb_av]": return v * 0.45359237
        return None
    if cname == "height":
        if u == "cm": return v
        if u == "m": return v * 100.0
        if u == "[in_i]": return v * 2.54
        return None
    if cname == "bmi":
        if u == "kg/m2": return v
        return None
    if cname in ("sofa", "mottling_score", "child_pugh_score", "gcs"):
        if u in (None, "{score}", "1"): return v
        return None
    if cname in ("crt_finger", "crt_knee"):
        if u == "s": return v
        if u == "min": return v * 60
        return None
    if cname == "platelets":
        if u in ("10*3/uL", "10*9/L"): return v
        if u == "/uL": return v / 1000.0
        return None
    return None

# ---------------------------------------------------------------- record
class Rec:
    pass

def load(rec, at=None):
    P = Rec()
    P.id = rec.get("id")
    if at is not None:
        now = parse_time(at)
    elif rec.get("as_of") is not None:
        now = parse_time(rec["as_of"])
    else:
        ts = []
        for o in rec.get("observations", []) or []:
            if "time" in o: ts.append(parse_time(o["time"]))
        for sec in ("medications", "procedures", "locations"):
            for e in rec.get(sec, []) or []:
                if "start" in e: ts.append(parse_time(e["start"]))
                if e.get("end") is not None: ts.append(parse_time(e["end"]))
        for e in rec.get("conditions", []) or []:
            if e.get("onset") is not None: ts.append(parse_time(e["onset"]))
            if e.get("end") is not None: ts.append(parse_time(e["end"]))
        for k, v in (rec.get("facts") or {}).items():
            if isinstance(v, dict) and v.get("time") is not None:
                ts.append(parse_time(v["time"]))
        if not ts:
            raise ValueError("no screening time")
        now = max(ts)
    P.now = now
    P.complete = set(rec.get("complete") or [])
    P.sex = rec.get("sex")
    P.birth = rec.get("birth_date")
    # observations: concept -> sorted list of (t, value_or_None)
    obs = {}
    for o in rec.get("observations", []) or []:
        t = parse_time(o["time"])
        if t > now: continue
        c = concept(o["code"])
        obs.setdefault(c, []).append((t, convert_obs(c, o.get("value"), o.get("unit"))))
    for c in obs:
        obs[c].sort(key=lambda x: x[0])
    P.obs = obs
    meds = []
    for m in rec.get("medications", []) or []:
        s = parse_time(m["start"])
        if s > now: continue
        e = parse_time(m["end"]) if m.get("end") is not None else None
        if e is not None and e > now: e = None
        meds.append(dict(code=concept(m["code"]), start=s, end=e, rate=m.get("rate"),
                         dose=m.get("dose"), unit=m.get("unit"),
                         has_end=m.get("end") is not None))
    P.meds = meds
    conds = []
    for c in rec.get("conditions", []) or []:
        on = parse_time(c["onset"]) if c.get("onset") is not None else None
        if on is not None and on > now: continue
        e = parse_time(c["end"]) if c.get("end") is not None else None
        if e is not None and e > now: e = None
        conds.append(dict(code=concept(c["code"]), onset=on, end=e, status=c.get("status", "active")))
    P.conds = conds
    procs = []
    for p in rec.get("procedures", []) or []:
        s = parse_time(p["start"])
        if s > now: continue
        e = parse_time(p["end"]) if p.get("end") is not None else None
        if e is not None and e > now: e = None
        d = dict(p); d.update(code=concept(p["code"]), start=s, end=e)
        procs.append(d)
    P.procs = procs
    locs = []
    for l in rec.get("locations", []) or []:
        s = parse_time(l["start"])
        if s > now: continue
        e = parse_time(l["end"]) if l.get("end") is not None else None
        if e is not None and e > now: e = None
        locs.append(dict(code=l["code"], start=s, end=e))
    P.locs = locs
    facts = {}
    for k, v in (rec.get("facts") or {}).items():
        if isinstance(v, dict):
            t = parse_time(v["time"]) if v.get("time") is not None else None
            if t is not None and t > now: continue
            facts[k] = (v.get("value"), t)
        else:
            facts[k] = (v, None)
    P.facts = facts
    return P

# ---------------------------------------------------------------- leaves
def fact_is(P, name, want):
    if name not in P.facts:
        return R(UNK)
    v, t = P.facts[name]
    if not isinstance(v, bool):
        return R(UNK)
    since = t if t is not None else NEG_INF
    if v == want:
        return R(MET, since, since)
    return R(NOT)

def age_parts(P):
    if not P.birth: return None
    b = datetime.strptime(P.birth, "%Y-%m-%d").date()
    n = datetime.fromtimestamp(P.now, timezone.utc).date()
    return b, n

def birthday(b, years):
    y = b.year + years
    if b.month == 2 and b.day == 29 and not calendar.isleap(y):
        return date(y, 3, 1)
    return date(y, b.month, b.day)

def completed_years(b, n):
    y = n.year - b.year
    if birthday(b, y) > n:
        y -= 1
    return y

def dts(d):
    return datetime(d.year, d.month, d.day, tzinfo=timezone.utc).timestamp()

def age_years(P, lo=None, hi=None):
    """lo <= years <= hi (inclusive; None = no bound)."""
    ap = age_parts(P)
    if ap is None: return R(UNK)
    b, n = ap
    y = completed_years(b, n)
    if lo is not None and y < lo: return R(NOT)
    if hi is not None and y > hi: return R(NOT)
    s = dts(birthday(b, lo)) if lo is not None else NEG_INF
    return R(MET, s, s)

def age_days_ge(P, d):
    ap = age_parts(P)
    if ap is None: return R(UNK)
    b, n = ap
    if (n - b).days < d: return R(NOT)
    s = dts(b + timedelta(days=d))
    return R(MET, s, s)

# conditions -------------------------------------------------------------
def cond_entries(P, code):
    return [c for c in P.conds if c["code"] == code]

def cond_present(P, code, suspected_ok=False):
    es = cond_entries(P, code)
    if not es:
        if code in ("pregnancy", "lactation") and P.sex == "male":
            return R(NOT)
        if "conditions" in P.complete:
            return R(NOT)
        return R(UNK)
    act = [e for e in es if e["status"] == "active" and e["end"] is None]
    if act:
        if suspected_ok:  # a suspected entry also shows it met (maybe earlier)
            act = act + [e for e in es if e["status"] == "suspected" and e["end"] is None]
        ons = [e["onset"] if e["onset"] is not None else NEG_INF for e in act]
        s = min(ons)
        return R(MET, s, s)
    sus = [e for e in es if e["status"] == "suspected" and e["end"] is None]
    if sus:
        s = min([e["onset"] if e["onset"] is not None else NEG_INF for e in sus])
        if suspected_ok:
            return R(MET, s, s)
        return R(UNK, NEG_INF, s)
    return R(NOT)

def cond_narrow(P, narrow, broad):
    if cond_entries(P, narrow):
        return cond_present(P, narrow)
    b = cond_present(P, broad, suspected_ok=True)
    if b.r == MET:
        return R(UNK)
    return R(b.r)

def cond_onset_within(P, code, W):
    """present with onset in [now-W, now], resolved or not (MI rule)."""
    es = cond_entries(P, code)
    if not es:
        return R(NOT) if "conditions" in P.complete else R(UNK)
    res = []
    for e in es:
        st = e["status"]
        if st == "absent":
            res.append(R(NOT)); continue
        if e["onset"] is None:
            res.append(R(UNK)); continue
        if st == "suspected":
            res.append(R(UNK, NEG_INF, e["onset"]) if e["onset"] >= P.now - W else R(NOT)); continue
        if e["onset"] >= P.now - W:
            res.append(R(MET, e["onset"], e["onset"]))
        else:
            res.append(R(NOT))
    return any_(*res)

def cond_some_time_within(P, code, W):
    """present at some time in [now-W, now] (pulmonary congestion)."""
    es = cond_entries(P, code)
    if not es:
        return R(NOT) if "conditions" in P.complete else R(UNK)
    res = []
    lo = P.now - W
    for e in es:
        st = e["status"]
        s = e["onset"] if e["onset"] is not None else NEG_INF
        if st == "absent":
            res.append(R(NOT))
        elif st == "suspected":
            res.append(R(UNK))
        elif st == "active":
            if e["end"] is None or e["end"] >= lo:
                res.append(R(MET, s, s))
            else:
                res.append(R(NOT))
        else:  # resolved
            if e["end"] is not None:
                res.append(R(MET, s, s) if e["end"] >= lo else R(NOT))
            else:
                res.append(R(UNK))
    return any_(*res)

# procedures ---------------------------------------------------------------
def merge_intervals(items, gap=0.0):
    """items: list of dicts with start,end(None=open). Returns list of
    (start, end, [items]) merged when overlapping/touching (or gap <= gap)."""
    items = sorted(items, key=lambda x: x["start"])
    out = []
    for it in items:
        e = it["end"] if it["end"] is not None else math.inf
        if out and it["start"] - out[-1][1] <= gap:
            out[-1][1] = max(out[-1][1], e)
            out[-1][2].append(it)
        else:
            out.append([it["start"], e, [it]])
    return out

def proc_episodes(P, code):
    return merge_intervals([p for p in P.procs if p["code"] == code])

def proc_ongoing_ep(P, code):
    for s, e, its in proc_episodes(P, code):
        if s <= P.now < e or (e == math.inf):
            return s, e, its
    return None

def proc_none(P):
    return R(NOT) if "procedures" in P.complete else R(UNK)

def proc_any_time(P, code):
    eps = proc_episodes(P, code)
    if eps:
        s = eps[0][0]
        return R(MET, s, s)
    return proc_none(P)

def proc_ongoing_or_within(P, code, W):
    eps = proc_episodes(P, code)
    if not eps:
        return proc_none(P)
    for s, e, its in eps:
        if e == math.inf or e >= P.now - W:
            return R(MET, s, s)
    return R(NOT)

def proc_ongoing(P, code):
    eps = proc_episodes(P, code)
    if not eps:
        return proc_none(P)
    ep = proc_ongoing_ep(P, code)
    if ep:
        return R(MET, ep[0], ep[0])
    return R(NOT)

# locations ----------------------------------------------------------------
def loc_now(P, code):
    cov = [l for l in P.locs if l["start"] <= P.now and (l["end"] is None or l["end"] > P.now)]
    if any(l["code"] == code for l in cov):
        eps = merge_intervals([l for l in P.locs if l["code"] == code])
        for s, e, its in eps:
            if s <= P.now < e:
                return R(MET, s, s)
        return R(MET)
    if cov:
        return R(NOT)
    return R(NOT) if "locations" in P.complete else R(UNK)

def admission_start(P):
    eps = merge_intervals(P.locs)
    for s, e, its in eps:
        if s <= P.now < e:
            return s
    return None

# series -------------------------------------------------------------------
def series(P, c):
    return P.obs.get(c, [])

def walk_since(samples, idx, qual, maxgap):
    """samples: [(t,v)], idx: index of the latest sample (qualifying).
    Returns (certain, possible)."""
    # certain: gap-free run of qualifying samples ending at idx
    i = idx
    while i > 0:
        t0, v0 = samples[i - 1]
        if v0 is not None and qual(v0) and samples[i][0] - t0 <= maxgap:
            i -= 1
        else:
            break
    certain = samples[i][0]
    # possible: walk back through qualifying and unreadable samples
    j = idx
    while j > 0 and (samples[j - 1][1] is None or qual(samples[j - 1][1])):
        j -= 1
    if j == 0:
        return certain, NEG_INF
    N = j - 1
    tN = samples[N][0]
    # first qualifying sample after N
    k = N + 1
    while k <= idx and samples[k][1] is None:
        k += 1
    if k <= idx and samples[k][0] - tN <= maxgap:
        return certain, samples[k][0]
    return certain, tN

def stale_possible(samples, qual, maxgap):
    """Possible since for an unknown leaf whose latest sample qualifies or is unreadable."""
    idx = len(samples) - 1
    j = idx
    while j >= 0 and (samples[j][1] is None or qual(samples[j][1])):
        j -= 1
    if j < 0:
        return NEG_INF
    tN = samples[j][0]
    k = j + 1
    while k <= idx and samples[k][1] is None:
        k += 1
    if k <= idx and samples[k][0] - tN <= maxgap:
        return samples[k][0]
    return tN

def latest_within(P, c, qual, W):
    s = series(P, c)
    if not s:
        return R(UNK)
    t, v = s[-1]
    if P.now - t > W:
        if v is None or qual(v):
            return R(UNK, NEG_INF, stale_possible(s, qual, W))
        return R(UNK, NEG_INF, t)
    if v is None:
        return R(UNK, NEG_INF, stale_possible(s, qual, W))
    if not qual(v):
        return R(NOT)
    c_, p_ = walk_since(s, len(s) - 1, qual, W)
    return R(MET, c_, p_)

def latest_any_age(P, c, qual):
    return latest_within(P, c, qual, math.inf)

def sustained(P, c, qual, maxgap=H):
    s = series(P, c)
    if not s:
        return R(UNK)
    t, v = s[-1]
    if v is None:
        return R(UNK, NEG_INF, stale_possible(s, qual, maxgap))
    if not qual(v):
        return R(NOT)
    c_, p_ = walk_since(s, len(s) - 1, qual, maxgap)
    if P.now - t > maxgap:
        return R(UNK, NEG_INF, p_)
    return R(MET, c_, p_)

def consecutive(P, c, qual, trend_ok, W=6 * H, spacing=30 * MIN):
    s = series(P, c)
    if not s:
        return R(UNK)
    t2, v2 = s[-1]
    if v2 is None:
        return R(UNK, NEG_INF, stale_possible(s, qual, W))
    if P.now - t2 > W:
        if not qual(v2):
            return R(UNK, NEG_INF, t2)
        return R(UNK, NEG_INF, walk_since(s, len(s) - 1, qual, W)[1])
    if not qual(v2):
        return R(NOT)
    c_, p_ = walk_since(s, len(s) - 1, qual, W)
    if len(s) < 2:
        return R(UNK, NEG_INF, p_)
    t1, v1 = s[-2]
    if v1 is None:
        return R(UNK, NEG_INF, p_)
    if not qual(v1):
        return R(NOT)
    if t2 - t1 < spacing:
        return R(NOT)
    if not trend_ok(v1, v2):
        return R(NOT)
    return R(MET, c_, p_)

def any_value_in(P, c, qual, W):
    s = [x for x in series(P, c) if x[0] >= P.now - W]
    if not s:
        return R(UNK)
    hits = [x for x in s if x[1] is not None and qual(x[1])]
    if hits:
        if "anynosince" in ALT:
            return R(MET)
        return R(MET, hits[0][0], hits[0][0])
    if any(x[1] is None for x in s):
        return R(UNK)
    return R(NOT)

def episode(P, c, qual, D, W, maxgap=H):
    lo = P.now - W
    s = [x for x in series(P, c) if x[0] >= lo and x[1] is not None]
    if not s:
        return R(UNK)
    best = None
    unk = False
    i = 0
    n = len(s)
    while i < n:
        if not qual(s[i][1]):
            i += 1
            continue
        j = i
        while j + 1 < n and qual(s[j + 1][1]) and s[j + 1][0] - s[j][0] <= maxgap:
            j += 1
        first, last = s[i][0], s[j][0]
        if last - first >= D:
            if best is None or first + D < best:
                best = first + D
        else:
            # extension into missing data
            if i == 0:
                left = lo
            elif first - s[i - 1][0] > maxgap:
                left = s[i - 1][0]
            else:
                left = first
            if j == n - 1:
                right = P.now if (P.now - last > maxgap or "tail" in ALT) else last
            elif s[j + 1][0] - last > maxgap:
                right = s[j + 1][0]
            else:
                right = last
            if right - left >= D:
                unk = True
        i = j + 1
    if best is not None:
        return R(MET, best, best)
    return R(UNK) if unk else R(NOT)

# medications --------------------------------------------------------------
def latest_weight(P):
    s = [x for x in series(P, "weight") if x[1] is not None]
    return s[-1][1] if s else None

VIS_FACTOR = {"dopamine": 1, "dobutamine": 1, "epinephrine": 100, "milrinone": 10,
              "vasopressin": 10000, "norepinephrine": 100}

def rate_std(P, m):
    """Rate in ug/kg/min (U/kg/min for vasopressin); None if not convertible."""
    r = m["rate"]
    if not isinstance(r, (int, float)) or isinstance(r, bool):
        return None
    u = norm_unit(m["unit"])
    w = latest_weight(P)
    if m["code"] == "vasopressin":
        if u == "U/kg/min": return r
        if u == "mU/kg/min": return r / 1000.0
        if u == "U/min": return r / w if w else None
        if u == "U/h": return r / 60.0 / w if w else None
        return None
    if u == "ug/kg/min": return r
    if u == "ug/min": return r / w if w else None
    if u == "mg/h": return r * 1000.0 / 60.0 / w if w else None
    if u == "ug/kg/h": return r / 60.0
    return None

def is_infusion(m):
    return m["rate"] is not None

def covers(m, t):
    return m["start"] <= t and (m["end"] is None or t < m["end"])

def vis_at(P, t):
    """(listed_sum, unknown_part) at time t."""
    tot = 0.0
    unk = False
    for m in P.meds:
        f = VIS_FACTOR.get(m["code"])
        if f is None or not is_infusion(m) or not covers(m, t):
            continue
        r = rate_std(P, m)
        if r is None:
            unk = True
            continue
        tot += f * r
    return tot, unk

def vis_gt(P, thr=120.0):
    """VIS > thr now, with since-times from the VIS time course: each
    constant stretch between infusion breakpoints is met (listed sum > thr),
    unknown (listed sum <= thr but a rate not convertible, or the sum is a
    lower bound) or not met."""
    listed = {m["code"] for m in P.meds if m["code"] in VIS_FACTOR}
    exact = "medications" in P.complete or len(listed) == 6
    def state(t):
        tot, unk = vis_at(P, t)
        if gt(tot, thr): return MET
        if unk or not exact: return UNK
        return NOT
    st_now = state(P.now)
    if st_now == NOT:
        return R(NOT)
    bps = sorted({m["start"] for m in P.meds if m["code"] in VIS_FACTOR} |
                 {m["end"] for m in P.meds if m["code"] in VIS_FACTOR and m["end"] is not None})
    bps = [b for b in bps if b <= P.now]
    def walk(ok):
        # earliest start of the run of segments with state in ok ending now
        since = P.now
        for k in range(len(bps) - 1, -1, -1):
            if state(bps[k]) in ok:
                since = bps[k]
            else:
                return since
        # before the first breakpoint: no VIS drug running -> sum 0
        return NEG_INF if (not exact) and UNK in ok else since
    p = walk((MET, UNK))
    if st_now == MET:
        return R(MET, walk((MET,)), p)
    return R(UNK, NEG_INF, p)

def courses(P, code, gap=H):
    """Merged courses of a drug: intervals with rate>0 (or no rate/dose)."""
    ivs = []
    for m in P.meds:
        if m["code"] != code: continue
        if m["rate"] is not None:
            if not (isinstance(m["rate"], (int, float)) and m["rate"] > 0):
                continue
        elif m["dose"] is not None:
            continue
        ivs.append(m)
    return merge_intervals(ivs, gap)

def med_running_now(P, code):
    """Infusion of code running now (rate>0 interval covering now)."""
    ents = [m for m in P.meds if m["code"] == code]
    if not ents:
        return R(NOT) if "medications" in P.complete else R(UNK), None
    run = any(covers(m, P.now) and (m["rate"] is None and m["dose"] is None or
                                    (isinstance(m["rate"], (int, float)) and m["rate"] > 0))
              for m in ents)
    if not run:
        return R(NOT), None
    for s, e, its in courses(P, code):
        if s <= P.now and (e == math.inf or P.now < e):
            return R(MET, s, s), s
    return R(NOT), None

VASOPRESSORS = ("norepinephrine", "epinephrine", "dopamine", "vasopressin", "phenylephrine")

def vasopressor_in_window(P, W):
    lo = P.now - W
    ents = [m for m in P.meds if m["code"] in VASOPRESSORS and is_infusion(m)]
    hits = [m["start"] for m in ents
            if isinstance(m["rate"], (int, float)) and m["rate"] > 0 and
            (m["end"] is None or m["end"] > lo or ("infedge" in ALT and m["end"] >= lo))]
    if hits:
        return R(MET, min(hits), min(hits))
    if "medications" in P.complete:
        return R(NOT)
    return R(UNK)

STEROIDS = {"prednisolone": 1, "prednisone": 1, "methylprednisolone": 1.25,
            "hydrocortisone": 0.25, "dexamethasone": 6.67}
IMMUNO = ("tripterygium_wilfordii", "mycophenolate_mofetil", "cyclophosphamide", "tacrolimus")

def steroid_doses(P):
    """(whole, before_admission, unknown_flag) prednisolone-eq mg/d."""
    adm = admission_start(P)
    whole = 0.0
    before = 0.0
    unk = False
    for m in P.meds:
        f = STEROIDS.get(m["code"])
        if f is None: continue
        u = norm_unit(m["unit"])
        if m["rate"] is not None:
            if not covers(m, P.now): continue
            if u == "mg/h": d = m["rate"] * 24
            elif u == "mg/d": d = m["rate"]
            else: unk = True; continue
            course = True
        elif m["dose"] is not None:
            if u == "mg/d":
                if not covers(m, P.now): continue
                d = m["dose"]; course = True
            elif u == "mg":
                if m["has_end"]:
                    # a dose with an end: read as a course? treat as given at start
                    pass
                if not (P.now - DAY < m["start"] <= P.now): continue
                d = m["dose"]; course = False
            else:
                unk = True; continue
        else:
            if covers(m, P.now): unk = True
            continue
        whole += f * d
        if course and adm is not None:
            # course start: merged course of the same drug (1 h gap rule)
            cs = m["start"]
            for s, e, its in merge_intervals([x for x in P.meds if x["code"] == m["code"] and
                                              (x["rate"] is not None or norm_unit(x["unit"]) == "mg/d")], H):
                if any(x is m for x in its):
                    cs = s
            if cs < adm:
                before += f * d
    return whole, before, unk

def steroid_leaf(P):
    whole, before, unk = steroid_doses(P)
    if gt(before, 10):
        return R(MET)
    if gt(whole, 10):
        return R(UNK)
    if unk or "medications" not in P.complete:
        return R(UNK)
    return R(NOT)

def med_given_within(P, code, W):
    ents = [m for m in P.meds if m["code"] == code]
    if not ents:
        return R(NOT) if "medications" in P.complete else R(UNK)
    for m in ents:
        if m["end"] is None and (m["rate"] is not None or m["dose"] is None):
            return R(MET, m["start"], m["start"])  # course still running
        last = m["end"] if m["end"] is not None else m["start"]
        if last >= P.now - W:
            return R(MET, m["start"], m["start"])
    return R(NOT)

# ---------------------------------------------------------------- trials
def trial_result(crit, kinds, window=None, now=None):
    inc = [crit[i] for i in crit if kinds[i] == "inc"]
    exc = [crit[i] for i in crit if kinds[i] == "exc"]
    if any(x.r == NOT for x in inc) or any(x.r == MET for x in exc):
        v = "ineligible"
    elif all(x.r == MET for x in inc) and all(x.r == NOT for x in exc):
        v = "eligible"
    else:
        v = "incomplete"
    es = None
    if v == "eligible":
        cands = [x.c for x in inc if x.c != NEG_INF]
        if window and window[0] is not None:
            cands.append(window[0])
        if cands:
            es = fmt(max(cands))
    return dict(verdict=v,
                criteria={i: crit[i].r for i in crit},
                since={i: [fmt(crit[i].c) if crit[i].r == MET else None,
                           fmt(crit[i].p) if crit[i].r != NOT else None] for i in crit},
                window=({"opens": fmt(window[0]), "closes": fmt(window[1])} if window else None),
                eligible_since=es)

def lt_(thr): return lambda v: lt(v, thr)
def gt_(thr): return lambda v: gt(v, thr)
def ge_(thr): return lambda v: ge(v, thr)

def nct05184296(P):
    now = P.now
    C, K = {}, {}
    def add(i, k, r): C[i] = r; K[i] = k
    add("inc-age", "inc", age_years(P, 18, 75))
    vis = vis_gt(P)
    mapl = sustained(P, "map", lt_(65))
    lac = consecutive(P, "lactate", gt_(5), lambda a, b: ge(b, a))
    svo = consecutive(P, "svo2", lt_(55), lambda a, b: le(b, a))
    shock = all_(vis, any_(mapl, lac, svo))
    held = held_more(shock, 5 * H, now)
    refr = all_(loc_now(P, "icu"), cond_present(P, "septic_shock"),
                fact_is(P, "adequate_fluid_resuscitation", True), held)
    add("inc-refractory-shock", "inc", refr)
    lvef = latest_within(P, "lvef", lt_(35), 24 * H)
    ci = held_more(sustained(P, "cardiac_index", lt_(2)), 3 * H, now)
    myo = any_(lvef, ci, fact_is(P, "refractory_arrhythmia", True))
    add("inc-myocardial", "inc", myo)
    add("inc-consent", "inc", fact_is(P, "informed_consent", True))
    add("exc-other-cardiac", "exc", any_(
        cond_present(P, "acute_myocardial_infarction"), cond_present(P, "chronic_heart_failure"),
        cond_present(P, "congenital_heart_disease"), cond_present(P, "pericardial_effusion"),
        cond_narrow(P, "aortic_regurgitation_moderate_severe", "aortic_regurgitation"),
        cond_narrow(P, "aortic_coarctation_severe", "aortic_coarctation")))
    add("exc-obstructive-shock", "exc", any_(*[cond_present(P, c, True) for c in
        ("pulmonary_embolism", "tension_pneumothorax", "cardiac_tamponade")]))
    # cpr > 30 min
    eps = proc_episodes(P, "cpr")
    if not eps:
        cpr = proc_none(P)
    else:
        rs = []
        for s, e, its in eps:
            end = now if e == math.inf else e
            if end - s > 30 * MIN:
                rs.append(R(MET, s + 30 * MIN, s + 30 * MIN))
            elif e == math.inf:
                rs.append(R(UNK))
            else:
                rs.append(R(NOT))
        cpr = any_(*rs)
    add("exc-cardiac-arrest", "exc", any_(cpr, fact_is(P, "comatose_after_cpr", True)))
    clin = all_(refr, myo)
    add("exc-irreversible-or-late", "exc", any_(fact_is(P, "irreversible_condition", True),
                                                held_more(clin, 12 * H, now)))
    add("exc-bleeding", "exc", any_(cond_present(P, "active_bleeding"),
                                   fact_is(P, "anticoagulation_contraindicated", True)))
    add("exc-pad", "exc", fact_is(P, "pad_prevents_femoral_cannulation", True))
    add("exc-neuro", "exc", cond_present(P, "irreversible_brain_damage"))
    add("exc-life-expectancy", "exc", fact_is(P, "life_expectancy_under_1y", True))
    add("exc-special-population", "exc", any_(cond_present(P, "pregnancy"), cond_present(P, "aids")))
    add("exc-other-trial", "exc", fact_is(P, "in_other_interventional_trial", True))
    window = None
    if refr.r == MET and myo.r == MET and clin.p != NEG_INF:
        o, c = clin.c, clin.p + 12 * H
        if c > o or (c == o and "zerowin" not in ALT):
            window = (o, c)
    return trial_result(C, K, window)

def nct03948048(P):
    C, K = {}, {}
    def add(i, k, r): C[i] = r; K[i] = k
    add("inc-age", "inc", all_(age_days_ge(P, 29), age_years(P, None, 18)))
    add("inc-septic-shock-picu", "inc", all_(loc_now(P, "picu"), any_(
        cond_present(P, "septic_shock"), cond_present(P, "refractory_septic_shock"))))
    add("exc-chromosomal", "exc", any_(*[cond_present(P, c) for c in
        ("trisomy_13", "trisomy_18", "fatal_chromosomal_abnormality")]))
    add("exc-bleeding", "exc", cond_present(P, "active_bleeding"))
    add("exc-brain", "exc", cond_present(P, "irreversible_brain_damage"))
    add("exc-allo-bmt", "exc", proc_any_time(P, "allogeneic_hsct"))
    add("exc-weight-nutrition", "exc", any_(latest_any_age(P, "weight", lt_(2.5)),
                                            cond_present(P, "severe_malnutrition")))
    res = trial_result(C, K)
    if res["verdict"] == "eligible":
        ss = cond_present(P, "septic_shock").r
        rss = cond_present(P, "refractory_septic_shock").r
        ecmo = R(MET) if proc_episodes(P, "ecmo") else proc_none(P)
        cands = {"ss": k_all([ss, k_not(rss)]),
                 "rss-ecmo": k_all([rss, ecmo.r]),
                 "rss-no-ecmo": k_all([rss, k_not(ecmo.r)])}
        met = [k for k, v in cands.items() if v == MET]
        res["cohort"] = met[0] if len(met) == 1 else None
    return res

def ecmo_state(P):
    """(ongoing_episode or None, any_entries)"""
    eps = proc_episodes(P, "ecmo")
    return proc_ongoing_ep(P, "ecmo"), bool(eps)

def mode_ok(m):
    if m is None: return True
    return m.lower().replace("-", "") in ("va", "vav")

def nct03729765(P):
    now = P.now
    C, K = {}, {}
    def add(i, k, r): C[i] = r; K[i] = k
    add("inc-age", "inc", age_years(P, 18, 75))
    add("inc-icu", "inc", loc_now(P, "icu"))
    W = 48 * H
    g1 = any_(episode(P, "sbp", lt_(90), 30 * MIN, W), episode(P, "map", lt_(65), 30 * MIN, W),
              vasopressor_in_window(P, W))
    def fact_w(P, name, want):
        if "fact48" in ALT and name in P.facts and P.facts[name][1] is not None \
                and P.facts[name][1] < P.now - W:
            return R(UNK)
        return fact_is(P, name, want)
    g2 = any_(cond_some_time_within(P, "pulmonary_congestion", W),
              any_value_in(P, "pcwp", gt_(15), W), fact_w(P, "elevated_lv_filling_pressure", True))
    g3 = any_(fact_w(P, "altered_mental_status", True), fact_w(P, "cold_clammy_skin", True),
              fact_w(P, "oliguria", True), any_value_in(P, "lactate", gt_(2), W))
    add("inc-cardiogenic-shock", "inc", all_(g1, g2, g3))
    ep, anyecmo = ecmo_state(P)
    window = None
    if ep is None:
        add("inc-ecmo", "inc", R(NOT) if anyecmo else proc_none(P))
        bridge = R(NOT) if anyecmo else proc_none(P)
    else:
        s, e, its = ep
        latest = max(its, key=lambda x: x["start"])
        mode = latest.get("mode")
        if not mode_ok(mode):
            r = R(NOT)
        elif now - s < 24 * H:
            r = R(MET, s, s)
        else:
            r = R(NOT)
        if mode_ok(mode):
            window = (s, s + 24 * H)
        add("inc-ecmo", "inc", r)
        intent = latest.get("intent")
        if intent is None:
            bridge = R(UNK)
        elif intent in ("bridge_to_vad", "bridge_to_transplant"):
            bridge = R(MET, s, s)
        else:
            bridge = R(NOT)
    add("exc-consent-refused", "exc", fact_is(P, "informed_consent", False))
    add("exc-bleeding", "exc", any_(cond_present(P, "active_bleeding"),
                                   cond_present(P, "thrombocytopenic_purpura")))
    bmis = [x for x in series(P, "bmi") if x[1] is not None]
    if bmis:
        bmi = bmis[-1][1]
        b = R(MET) if ge(bmi, 40) else R(NOT)
    else:
        w = latest_weight(P)
        hs = [x for x in series(P, "height") if x[1] is not None]
        if w is None or not hs:
            b = R(UNK)
        else:
            bmi = w / (hs[-1][1] / 100.0) ** 2
            b = R(MET) if ge(bmi, 40) else R(NOT)
    add("exc-bmi", "exc", b)
    add("exc-bridge", "exc", bridge)
    add("exc-infection", "exc", any_(*[cond_present(P, c) for c in ("infection", "sepsis", "septic_shock")]))
    return trial_result(C, K, window)

def nct03788837(P):
    now = P.now
    C, K = {}, {}
    def add(i, k, r): C[i] = r; K[i] = k
    add("inc-age", "inc", age_years(P, 18, None))
    add("inc-consent", "inc", any_(fact_is(P, "informed_consent", True),
                                   fact_is(P, "emergency_inclusion", True)))
    ne, onset = med_running_now(P, "norepinephrine")
    add("inc-septic-shock", "inc", all_(
        any_(*[cond_present(P, c, True) for c in ("infection", "sepsis", "septic_shock")]),
        latest_within(P, "sofa", ge_(2), 24 * H), ne,
        latest_within(P, "lactate", gt_(2), 6 * H)))
    add("inc-hypoperfusion", "inc", any_(latest_within(P, "mottling_score", ge_(1), 6 * H),
                                         latest_within(P, "crt_finger", gt_(3), 6 * H),
                                         latest_within(P, "crt_knee", gt_(4), 6 * H)))
    window = None
    if ne.r == MET:
        d = now - onset
        r = R(MET, onset + 6 * H, onset + 6 * H) if (d >= 6 * H and d <= 24 * H) else R(NOT)
        window = (onset + 6 * H, onset + 24 * H)
    else:
        r = R(ne.r)
    add("inc-norepinephrine-window", "inc", r)
    add("exc-refusal", "exc", all_(fact_is(P, "informed_consent", False),
                                   not_(fact_is(P, "emergency_inclusion", True))))
    add("exc-pregnancy", "exc", any_(cond_present(P, "pregnancy"), cond_present(P, "lactation")))
    add("exc-hypersensitivity", "exc", cond_present(P, "iloprost_hypersensitivity"))
    add("exc-hemorrhagic-risk", "exc", any_(*[cond_present(P, c) for c in
        ("active_bleeding", "trauma", "intracranial_hemorrhage", "active_gastric_ulcer")]))
    add("exc-platelets", "exc", latest_within(P, "platelets", lt_(30), 24 * H))
    return trial_result(C, K, window)

def six_months_before(now):
    d = datetime.fromtimestamp(now, timezone.utc)
    m = d.month - 6
    y = d.year
    if m <= 0:
        m += 12; y -= 1
    day = min(d.day, calendar.monthrange(y, m)[1])
    return d.replace(year=y, month=m, day=day).timestamp()

def nct04843982(P):
    now = P.now
    C, K = {}, {}
    def add(i, k, r): C[i] = r; K[i] = k
    add("inc-age", "inc", age_years(P, 18, 60))
    add("inc-sepsis", "inc", any_(*[cond_present(P, c, True) for c in ("infection", "sepsis", "septic_shock")]))
    add("inc-sofa", "inc", latest_within(P, "sofa", ge_(2), 24 * H))
    add("inc-ventilation", "inc", all_(proc_ongoing(P, "mechanical_ventilation"),
                                       fact_is(P, "expected_ventilation_over_24h", True)))
    add("inc-consent", "inc", fact_is(P, "informed_consent", True))
    a18 = age_years(P, 18, None)
    a60 = age_years(P, 60, None)
    add("exc-age", "exc", any_(not_(a18), a60))
    add("exc-transplant", "exc", any_(*[proc_any_time(P, c) for c in
        ("solid_organ_transplant", "allogeneic_hsct", "autologous_hsct")]))
    add("exc-autoimmune-hematologic", "exc", any_(*[cond_present(P, c) for c in
        ("autoimmune_disease", "rheumatoid_arthritis", "systemic_lupus_erythematosus",
         "hematologic_malignancy", "leukemia", "lymphoma")]))
    add("exc-immunosuppression", "exc", any_(
        proc_ongoing_or_within(P, "radiotherapy", 30 * DAY),
        proc_ongoing_or_within(P, "chemotherapy", 30 * DAY),
        *[med_given_within(P, c, 30 * DAY) for c in IMMUNO], steroid_leaf(P)))
    W6 = now - six_months_before(now)
    add("exc-cardiac", "exc", any_(cond_onset_within(P, "unstable_angina", W6),
                                  cond_onset_within(P, "acute_myocardial_infarction", W6)))
    add("exc-acute-brain-injury", "exc", any_(*[cond_present(P, c) for c in
        ("traumatic_brain_injury", "subarachnoid_hemorrhage", "acute_ischemic_stroke",
         "intracranial_hemorrhage", "intracranial_infection")]))
    add("exc-htn-chf", "exc", any_(cond_present(P, "poorly_controlled_hypertension"),
                                  cond_present(P, "chronic_heart_failure")))
    add("exc-raised-pressure", "exc", any_(cond_present(P, "raised_intraocular_pressure"),
                                          cond_present(P, "raised_intracranial_pressure")))
    add("exc-renal", "exc", any_(cond_present(P, "chronic_kidney_disease"),
                                proc_ongoing_or_within(P, "renal_replacement_therapy", 30 * DAY)))
    add("exc-liver", "exc", all_(cond_present(P, "chronic_liver_disease"),
                                latest_any_age(P, "child_pugh_score", ge_(7))))
    add("exc-psych", "exc", any_(*[cond_present(P, c) for c in
        ("alcohol_dependence", "mental_illness", "severe_cognitive_impairment")]))
    add("exc-pregnancy", "exc", any_(cond_present(P, "pregnancy"), cond_present(P, "lactation")))
    add("exc-no-consent", "exc", fact_is(P, "informed_consent", False))
    return trial_result(C, K)

TRIALS = {"NCT05184296": nct05184296, "NCT03948048": nct03948048, "NCT03729765": nct03729765,
          "NCT03788837": nct03788837, "NCT04843982": nct04843982}

def evaluate(rec, at=None):
    P = load(rec, at)
    return {"patient": P.id, "as_of": fmt(P.now),
            "trials": {k: f(P) for k, f in TRIALS.items()}}

def main(argv):
    at = None
    args = []
    i = 0
    while i < len(argv):
        if argv[i] == "--at":
            at = argv[i + 1]; i += 2
        else:
            args.append(argv[i]); i += 1
    src = args[0] if args else "-"
    text = sys.stdin.read() if src == "-" else open(src).read()
    text = text.strip()
    recs = []
    if text.startswith("{") and "\n{" not in text:
        recs = [json.loads(text)]
    else:
        recs = [json.loads(l) for l in text.splitlines() if l.strip()]
    for r in recs:
        try:
            print(json.dumps(evaluate(r, at)))
        except Exception as e:
            print(json.dumps({"patient": r.get("id"), "error": str(e)}))

if __name__ == "__main__":
    main(sys.argv[1:])
