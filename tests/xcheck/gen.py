#!/usr/bin/env python3
"""Generate ICU patient records (patient-record/1, NDJSON) around the
boundaries of trials.md.  Usage: gen.py N [SEED] > out.ndjson

Each record is built from independent components whose values cluster at
the boundaries (ages at birthdays, 29 Feb, 1-h gaps, 30-min spacing, 6/24-h
look-backs, 5/3/12-h clocks, VIS 120, unit conversions, statuses ...).
With --variants, each random record is followed by one-datum perturbations.
"""
import json, random, sys
from datetime import datetime, timezone, timedelta

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
H = 60  # minutes

def ts(mins):
    """time at T0 + mins (minutes, may be negative)."""
    return (T0 + timedelta(minutes=mins)).strftime("%Y-%m-%dT%H:%M:%SZ")

def parse_start(e):
    d = datetime.strptime(e["start"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return (d - T0).total_seconds() / 60

def pick(*xs):
    return random.choice(xs)

def near(v, d):
    return pick(v - d, v, v + d)

CONDS = ["septic_shock", "refractory_septic_shock", "sepsis", "infection", "active_bleeding",
         "pulmonary_embolism", "tension_pneumothorax", "cardiac_tamponade",
         "acute_myocardial_infarction", "chronic_heart_failure", "congenital_heart_disease",
         "pericardial_effusion", "aortic_regurgitation", "aortic_regurgitation_moderate_severe",
         "aortic_coarctation", "aortic_coarctation_severe", "irreversible_brain_damage", "pregnancy",
         "lactation", "aids", "trisomy_13", "trisomy_18", "fatal_chromosomal_abnormality",
         "severe_malnutrition", "thrombocytopenic_purpura", "pulmonary_congestion",
         "iloprost_hypersensitivity", "trauma", "intracranial_hemorrhage", "active_gastric_ulcer",
         "autoimmune_disease", "rheumatoid_arthritis", "systemic_lupus_erythematosus",
         "hematologic_malignancy", "leukemia", "lymphoma", "unstable_angina",
         "traumatic_brain_injury", "subarachnoid_hemorrhage", "acute_ischemic_stroke",
         "intracranial_infection", "poorly_controlled_hypertension", "raised_intraocular_pressure",
         "raised_intracranial_pressure", "chronic_kidney_disease", "chronic_liver_disease",
         "alcohol_dependence", "mental_illness", "severe_cognitive_impairment"]
CODED = {"septic_shock": ["snomed:76571007", "icd10:R65.21"], "sepsis": ["snomed:91302008", "icd10:A41.9"],
         "pregnancy": ["snomed:77386006"], "pulmonary_embolism": ["snomed:59282003"]}
FACTS = ["informed_consent", "emergency_inclusion", "adequate_fluid_resuscitation",
         "refractory_arrhythmia", "comatose_after_cpr", "irreversible_condition",
         "anticoagulation_contraindicated", "pad_prevents_femoral_cannulation",
         "life_expectancy_under_1y", "in_other_interventional_trial",
         "elevated_lv_filling_pressure", "altered_mental_status", "cold_clammy_skin", "oliguria",
         "expected_ventilation_over_24h"]

def birth():
    r = random.random()
    if r < 0.05:
        return None
    if r < 0.12:
        return pick("2008-02-29", "2008-03-01", "2008-02-28", "1966-03-01", "1966-02-28",
                    "1951-03-01", "1950-03-01", "1950-02-28", "1964-02-29", "1950-03-02")
    if r < 0.25:  # children: days around 29, around 18 y
        d = T0.date()
        k = pick("d", "y")
        if k == "d":
            return (d - timedelta(days=pick(27, 28, 29, 30, 200))).isoformat()
        y = pick(17, 18, 19)
        b = d.replace(year=d.year - y) + timedelta(days=pick(-1, 0, 1))
        return b.isoformat()
    y = pick(17, 18, 19, 40, 59, 60, 61, 74, 75, 76)
    b = T0.date().replace(year=T0.year - y) + timedelta(days=pick(-1, 0, 1, 100))
    return b.isoformat()

def series(code, thr, below, unit="mm[Hg]", conv=lambda v: v, maxn=20):
    """A series ending near now with values around thr."""
    out = []
    n = random.randint(1, maxn)
    last_age = pick(0, 10, 30, 59, 60, 61, 90, 200)
    step_opts = [15, 30, 30, 60, 61, 59, 45]
    t = -last_age
    ts_ = []
    for i in range(n):
        ts_.append(t)
        t -= pick(*step_opts) if random.random() > 0.07 else pick(61, 75, 120)
    ts_.reverse()
    # qualifying pattern: switch point
    sw = random.randint(0, n)
    for i, tm in enumerate(ts_):
        q = i >= sw
        if random.random() < 0.05:
            q = not q
        if q:
            v = thr - pick(1, 3, 5, 0.5) if below else thr + pick(1, 3, 5, 0.5)
        else:
            v = thr + pick(0, 2, 8) if below else thr - pick(0, 2, 8)
        out.append({"code": code, "value": conv(v), "unit": unit, "time": ts(tm)})
    return out

def gen_record(i):
    rec = {"format": "patient-record/1", "id": "P%05d" % i}
    if random.random() < 0.85:
        rec["as_of"] = ts(0)
    b = birth()
    if b: rec["birth_date"] = b
    s = pick("male", "female", "female", "other", None)
    if s: rec["sex"] = s
    comp = [c for c in ("conditions", "procedures", "medications", "locations") if random.random() < 0.45]
    if comp: rec["complete"] = comp
    # ---- locations
    locs = []
    k = random.random()
    place = pick("icu", "icu", "icu", "picu", "ward")
    if k < 0.55:
        st = -pick(2, 10, 20, 40) * H
        locs.append({"code": place, "start": ts(st)})
        if random.random() < 0.3:  # split adjacent stay
            mid = st + 60
            locs = [{"code": place, "start": ts(st), "end": ts(mid)}, {"code": place, "start": ts(mid)}]
        if random.random() < 0.3:  # earlier ED/ward stay, contiguous or not
            gap = pick(0, 0, 30, 120)
            locs.append({"code": pick("ed", "ward"), "start": ts(st - gap - 300), "end": ts(st - gap)})
    elif k < 0.7:
        locs.append({"code": pick("ed", "icu", "ward"), "start": ts(-10 * H), "end": ts(pick(-3 * H, 0, 30))})
    elif k < 0.75:
        locs.append({"code": place, "start": ts(-5 * H)})
        locs.append({"code": pick("ward", "icu", "picu", "ed"), "start": ts(-pick(1, 6) * H)})
    elif k < 0.8:
        locs.append({"code": place, "start": ts(-5 * H), "end": ts(pick(0, 60))})
        locs.append({"code": pick("ward", "icu"), "start": ts(pick(0, 60))})
    rec["locations"] = locs
    # ---- observations
    obs = []
    if random.random() < 0.8:
        u = pick("mm[Hg]", "mm[Hg]", "mmHg", "mm Hg", "kPa")
        obs += series(pick("map", "map", "loinc:8478-0", "loinc:76214-6"), 65, True, u,
                      (lambda v: round(v / 7.50061683, 4)) if u == "kPa" else (lambda v: v))
    if random.random() < 0.4:
        obs += series("sbp", 90, True, "mm[Hg]", maxn=8)
    if random.random() < 0.75:
        n = pick(1, 2, 2, 3, 4)
        age = pick(0, 60, 359, 360, 361, 500)
        tm = -age
        vals = []
        for j in range(n):
            vals.append(tm)
            tm -= pick(29, 30, 31, 60, 120)
        vals.reverse()
        base = pick(4.0, 5.0, 5.5, 6.2, 1.5, 2.0, 2.5)
        for j, tmm in enumerate(vals):
            v = base + pick(-0.3, 0, 0, 0.3, 0.5) * j
            if random.random() < 0.2:
                obs.append({"code": pick("lactate", "loinc:59032-3"), "value": round(v * 9.008, 3), "unit": "mg/dL", "time": ts(tmm)})
            else:
                obs.append({"code": pick("lactate", "loinc:32693-4"), "value": v, "unit": "mmol/L", "time": ts(tmm)})
        if random.random() < 0.05:
            obs.append({"code": "lactate", "value": 45.04, "unit": "mg/dL", "time": ts(-20)})
    if random.random() < 0.4:
        n = pick(1, 2, 3)
        tm = -pick(0, 60, 360, 361)
        base = pick(50, 54, 55, 56)
        for j in range(n):
            v = base + pick(-1, 0, 1) * j
            if random.random() < 0.3:
                obs.append({"code": "svo2", "value": round(v / 100, 4), "unit": "1", "time": ts(tm)})
            else:
                obs.append({"code": pick("svo2", "loinc:19224-5"), "value": v, "unit": "%", "time": ts(tm)})
            tm -= pick(29, 30, 31, 90)
    if random.random() < 0.6:
        for j in range(pick(1, 1, 2)):
            v = pick(25, 34, 35, 36, 50)
            tm = -pick(60, 24 * H - 1, 24 * H, 24 * H + 1, 48 * H) - j * 300
            if random.random() < 0.3:
                obs.append({"code": pick("lvef", "loinc:10230-1"), "value": v / 100, "unit": "1", "time": ts(tm)})
            else:
                obs.append({"code": pick("lvef", "loinc:18043-0"), "value": v, "unit": "%", "time": ts(tm)})
    if random.random() < 0.4:
        obs += series("cardiac_index", 2.0, True, "L/min/m2", maxn=12)
    if random.random() < 0.85:
        w = pick(80, 70, 2.4, 2.5, 2.6, 181)
        obs.append({"code": "weight", "value": w, "unit": "[lb_av]" if w == 181 else "kg", "time": ts(-pick(30, 30 * H))})
    if random.random() < 0.4:
        obs.append({"code": "height", "value": pick(150, 160, 141.42, 180), "unit": "cm", "time": ts(-40 * H)})
    if random.random() < 0.15:
        obs.append({"code": "bmi", "value": pick(39.9, 40, 41), "unit": "kg/m2", "time": ts(-40 * H)})
    if random.random() < 0.6:
        obs.append({"code": pick("sofa", "loinc:96790-1"), "value": pick(1, 2, 3, 8), "unit": "{score}",
                    "time": ts(-pick(60, 24 * H, 24 * H + 1))})
    for code, thr, u in (("mottling_score", 1, "{score}"), ("crt_finger", 3, "s"), ("crt_knee", 4, "s")):
        if random.random() < 0.3:
            obs.append({"code": code, "value": near(thr, 0.5 if code != "mottling_score" else 1), "unit": u,
                        "time": ts(-pick(10, 360, 361))})
    if random.random() < 0.4:
        obs.append({"code": "platelets", "value": pick(29, 30, 31, 150), "unit": "10*3/uL",
                    "time": ts(-pick(60, 24 * H, 24 * H + 1))})
    if random.random() < 0.3:
        obs.append({"code": "pcwp", "value": pick(14, 15, 16, 20), "unit": "mm[Hg]",
                    "time": ts(-pick(60, 48 * H, 48 * H + 1))})
    if random.random() < 0.3:
        obs.append({"code": "child_pugh_score", "value": pick(6, 7, 8), "unit": "{score}", "time": ts(-pick(60, 100 * H))})
    if random.random() < 0.05:
        obs.append({"code": "map", "value": 50, "unit": "mm[Hg]", "time": ts(pick(30, 120))})  # future
    if random.random() < 0.03:
        obs.append({"code": "map", "value": "n/a", "unit": "mm[Hg]", "time": ts(-5)})
    if random.random() < 0.15 and obs:  # unreadable / odd units
        k = random.randrange(len(obs))
        obs[k] = dict(obs[k])
        w = random.random()
        if w < 0.3: obs[k]["value"] = "see note"
        elif w < 0.6: obs[k]["unit"] = pick("mg/dl", "cmH2O", "mmol", "mm[Hg]", "%")
        else: obs[k]["value"] = True
    random.shuffle(obs)
    rec["observations"] = obs
    # ---- medications
    meds = []
    if random.random() < 0.7:  # norepinephrine course with changes/gaps
        onset = -pick(5 * H, 6 * H, 6 * H + 1, 10 * H, 24 * H, 24 * H + 1, 30 * H, 2 * H)
        t = onset
        nseg = pick(1, 2, 3)
        for j in range(nseg):
            last = j == nseg - 1
            seg_end = None if last and random.random() < 0.8 else min(0, t + pick(120, 240, 600))
            rate = pick(0.1, 0.5, 1.0, 1.1, 1.2, 0)
            e = {"code": pick("norepinephrine", "norepinephrine", "rxnorm:7512"), "rate": rate,
                 "unit": pick("ug/kg/min", "ug/kg/min", "mcg/kg/min"), "start": ts(t)}
            if seg_end is not None and seg_end > t:
                e["end"] = ts(seg_end)
            elif seg_end is not None:
                break
            meds.append(e)
            if seg_end is None:
                break
            t = seg_end + pick(0, 0, 30, 59, 60, 61, 90)
            if t > 0:
                break
    if random.random() < 0.5:
        st = -pick(2 * H, 6 * H, 8 * H)
        if random.random() < 0.5:
            meds.append({"code": "epinephrine", "rate": pick(0.1, 0.2, 0.3), "unit": "ug/kg/min", "start": ts(st)})
        else:
            meds.append({"code": "epinephrine", "rate": pick(8, 16, 24), "unit": pick("ug/min", "mcg/min"), "start": ts(st)})
    if random.random() < 0.15:
        meds.append({"code": "vasopressin", "rate": pick(0.03, 0.04), "unit": "U/min", "start": ts(-pick(3, 7) * H)})
    if random.random() < 0.1:
        for c in ("dopamine", "dobutamine", "milrinone", "vasopressin", "phenylephrine"):
            if random.random() < 0.5:
                meds.append({"code": c, "rate": pick(0, 5, 0.5), "unit": "ug/kg/min" if c != "vasopressin" else "U/kg/min",
                             "start": ts(-10 * H), "end": ts(pick(-5 * H, 0))})
    if random.random() < 0.3:  # steroids
        c = pick("hydrocortisone", "prednisone", "prednisolone", "methylprednisolone", "dexamethasone")
        kind = pick("reg_before", "reg_after", "dose")
        if kind == "dose":
            meds.append({"code": c, "dose": pick(2, 10, 11, 50), "unit": "mg", "start": ts(-pick(60, 24 * H, 24 * H + 1))})
        else:
            st = -pick(30 * 24 * H, 3 * H) if kind == "reg_before" else -pick(1, 3) * H
            meds.append({"code": c, "dose": pick(8, 10, 11, 40, 200), "unit": "mg/d", "start": ts(st)})
    if random.random() < 0.15:
        c = pick("tripterygium_wilfordii", "mycophenolate_mofetil", "cyclophosphamide", "tacrolimus")
        st = -pick(29, 30, 31, 60) * 24 * H
        e = {"code": c, "start": ts(st)}
        if random.random() < 0.5:
            e["end"] = ts(st + pick(1, 10) * 24 * H)
        meds.append(e)
    random.shuffle(meds)
    rec["medications"] = meds
    # ---- conditions
    conds = []
    for c in random.sample(CONDS, random.randint(0, 7)):
        e = {"code": random.choice(CODED.get(c, [c]) + [c])}
        st = pick(None, "active", "suspected", "absent", "resolved")
        if st: e["status"] = st
        if random.random() < 0.6:
            e["onset"] = ts(-pick(10, 5 * H, 20 * H, 100 * 24 * H, 183 * 24 * H, 200 * 24 * H, 400 * 24 * H, -60))
            if random.random() < 0.25:
                e["end"] = ts(pick(-5, -2 * H, 0, 60))
                if e["end"] < e["onset"]: del e["end"]
        conds.append(e)
    if random.random() < 0.6 and not any(x["code"] == "septic_shock" for x in conds):
        conds.append({"code": "septic_shock", "onset": ts(-pick(4, 18) * H)})
    random.shuffle(conds)
    rec["conditions"] = conds
    # ---- procedures
    procs = []
    if random.random() < 0.45:
        st = -pick(2 * H, 23 * H + 59, 24 * H, 24 * H + 1, 30 * H)
        mode = pick("VA", "V-A", "va", "VAV", "VV", None)
        e = {"code": pick("ecmo", "snomed:233573008"), "start": ts(st)}
        if random.random() < 0.25:  # split entries
            mid = st + 300
            e1 = dict(e, end=ts(mid))
            if mode: e1["mode"] = mode
            procs.append(e1)
            e = {"code": "ecmo", "start": ts(mid + pick(0, 0, 30))}
        if mode: e["mode"] = mode
        it = pick(None, "bridge_to_vad", "bridge_to_transplant", "bridge_to_recovery")
        if it: e["intent"] = it
        if random.random() < 0.15 and parse_start(e) < -60:
            e["end"] = ts(pick(-60, 0))
        procs.append(e)
    if random.random() < 0.5:
        st = -pick(5, 30) * H
        e = {"code": pick("mechanical_ventilation", "snomed:40617009"), "start": ts(st)}
        if random.random() < 0.2:
            procs.append(dict(e, end=ts(st + 120)))
            e = {"code": "mechanical_ventilation", "start": ts(st + 120)}
        if random.random() < 0.1:
            e["end"] = ts(-60)
        procs.append(e)
    if random.random() < 0.15:
        st = -pick(10, 50) * H
        procs.append({"code": "cpr", "start": ts(st), "end": ts(st + pick(29, 30, 31, 45))})
    if random.random() < 0.1:
        procs.append({"code": "renal_replacement_therapy", "start": ts(-40 * 24 * H),
                      "end": ts(-pick(29, 30, 31) * 24 * H)})
    if random.random() < 0.08:
        procs.append({"code": pick("radiotherapy", "chemotherapy", "allogeneic_hsct", "autologous_hsct",
                                   "solid_organ_transplant"), "start": ts(-pick(20, 31, 400) * 24 * H)})
    random.shuffle(procs)
    rec["procedures"] = procs
    # ---- facts
    facts = {}
    for f in FACTS:
        r = random.random()
        if r < 0.35:
            continue
        v = random.random() < 0.7 if f in ("informed_consent", "adequate_fluid_resuscitation",
                                          "expected_ventilation_over_24h") else random.random() < 0.2
        if random.random() < 0.05:
            facts[f] = pick("yes", 1, "true", 0)
        elif random.random() < 0.25:
            facts[f] = {"value": v, "time": ts(-pick(60, 4 * H, 6 * H, 50 * H))}
        else:
            facts[f] = v
    rec["facts"] = facts
    for k in ("locations", "observations", "medications", "conditions", "procedures"):
        if not rec[k]:
            del rec[k]
    return rec

def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    random.seed(seed)
    for i in range(n):
        print(json.dumps(gen_record(i), separators=(",", ":")))

if __name__ == "__main__" and (len(sys.argv) < 2 or sys.argv[1] != "scen"):
    main()

# ---------------------------------------------------------------- scenarios
# Near-eligible patients per trial; each knob keeps its "eligible" value
# with probability 1-P and otherwise takes a boundary value, so most records
# differ from an eligible one in one or two data.
P = 0.18

def knob(normal, *alts):
    return random.choice(alts) if random.random() < P else normal

def mapseries(run_h, last_age, thr=65, step=30, below=True, pre_normal=True, gap_at=None, unit="mm[Hg]"):
    """MAP-like samples: a qualifying run lasting run_h hours ending last_age min ago,
    preceded by a normal value (or by nothing), optional gap."""
    out = []
    t = -last_age
    n = int(run_h * 60 // step)
    times = [t - k * step for k in range(n + 1)]
    if gap_at is not None and gap_at < len(times):
        times = times[:gap_at] + [x - gap_at and x - 40 for x in times[gap_at:]]
    for tm in times:
        out.append((tm, thr - pick(1, 3, 7) if below else thr + pick(1, 3, 7)))
    if pre_normal:
        out.append((min(times) - knob(step, 59, 60, 61, 120), thr + 5 if below else thr - 5))
    return out

def obsl(code, pts, unit):
    return [{"code": code, "value": v, "unit": unit, "time": ts(tm)} for tm, v in pts]

def common_head(i, tag, age_y, sex=None):
    rec = {"format": "patient-record/1", "id": "%s%05d" % (tag, i)}
    if random.random() < 0.9:
        rec["as_of"] = ts(0)
    b = T0.date().replace(year=T0.year - age_y) - timedelta(days=100)
    b = knob(b, b.replace(year=T0.year - 18) + timedelta(days=1), T0.date().replace(year=T0.year - 18),
             T0.date().replace(year=T0.year - 75), T0.date().replace(year=T0.year - 76) + timedelta(days=1),
             T0.date().replace(year=T0.year - 76), T0.date().replace(year=T0.year - 60),
             T0.date().replace(year=T0.year - 61) + timedelta(days=1), None)
    if b: rec["birth_date"] = b.isoformat()
    rec["sex"] = knob(sex or pick("male", "female"), "female", "male", "other")
    return rec

def s_rescue(i):
    rec = common_head(i, "R", 50)
    rec["complete"] = knob(["conditions", "procedures", "medications"], [], ["conditions"],
                           ["conditions", "procedures"], ["conditions", "procedures", "medications", "locations"])
    icu_start = -knob(30 * H, 3 * H, 4 * H + 30)
    rec["locations"] = knob([{"code": "icu", "start": ts(icu_start)}],
                            [{"code": "ward", "start": ts(icu_start)}],
                            [{"code": "ed", "start": ts(-40 * H), "end": ts(-2 * H)}],
                            [{"code": "icu", "start": ts(icu_start), "end": ts(-3 * H)},
                             {"code": "icu", "start": ts(-3 * H)}], [])
    run_h = knob(pick(6, 8, 13, 18), 4.5, 5, 5.5, 11.5, 12, 12.5, 17, 17.5)
    last_age = knob(pick(0, 10, 30), 59, 60, 61, 90)
    unit = pick("mm[Hg]", "mmHg", "mm Hg")
    obs = []
    has_map = random.random() < 0.85
    if has_map:
        obs += obsl(pick("map", "loinc:76214-6"), mapseries(run_h, last_age, pre_normal=knob(True, False),
                                                          gap_at=knob(None, 3, 6)), unit)
    # lactate pair
    if random.random() < 0.6:
        l2age = knob(pick(20, 60), 359, 360, 361)
        sp = knob(pick(60, 120), 29, 30, 31)
        v1 = knob(6.0, 5.0, 4.9, 5.1, 6.6)
        v2 = knob(6.4, 6.0, 5.0, 5.9)
        first = -(l2age + sp) - knob(0, 60, 61, 30) * 0
        pts = [(-(l2age + sp), v1), (-l2age, v2)]
        if random.random() < 0.5:
            pts.insert(0, (-(l2age + sp + knob(60, 30, 400)), knob(6.1, 4.0, 5.0)))
        for tm, v in pts:
            if random.random() < 0.25:
                obs.append({"code": "lactate", "value": round(v * 9.008, 4), "unit": "mg/dL", "time": ts(tm)})
            else:
                obs.append({"code": "lactate", "value": v, "unit": "mmol/L", "time": ts(tm)})
        if random.random() < 0.05:
            obs.append({"code": "lactate", "value": 45.04, "unit": "mg/dL", "time": ts(-5)})
    if random.random() < 0.3:
        s2 = knob(pick(20, 60), 359, 361)
        sp = knob(60, 29, 30, 31)
        for tm, v in ((-(s2 + sp), knob(50, 55, 54)), (-s2, knob(49, 50, 51, 55))):
            if random.random() < 0.3:
                obs.append({"code": "svo2", "value": round(v / 100, 4), "unit": "1", "time": ts(tm)})
            else:
                obs.append({"code": "svo2", "value": v, "unit": "%", "time": ts(tm)})
    # myocardial
    if random.random() < 0.7:
        obs.append({"code": pick("lvef", "loinc:10230-1"), "value": knob(25, 35, 34.9, 40),
                    "unit": "%", "time": ts(-knob(pick(60, 6 * H, 10 * H), 24 * H, 24 * H + 1, 15 * H))})
    if random.random() < 0.4:
        obs += obsl("cardiac_index", [(tm, round(v / 65 * 2, 3)) for tm, v in
                                      mapseries(knob(4, 2.5, 3, 3.5), knob(10, 61), thr=65)], "L/min/m2")
    wt = knob(80, 181, None)
    if wt:
        obs.append({"code": "weight", "value": wt, "unit": "[lb_av]" if wt == 181 else "kg", "time": ts(-20 * H)})
    random.shuffle(obs)
    rec["observations"] = obs
    # VIS
    meds = []
    vstart = -knob(pick(10, 20) * H, 5 * H, 6 * H, 13 * H)
    ne = knob(1.2, 1.1, 1.0, 0.5)
    epi = knob(0.1, 0.2, 0.0)
    meds.append({"code": "norepinephrine", "rate": knob(0.5, 0.2), "unit": "ug/kg/min",
                 "start": ts(vstart - 120), "end": ts(vstart)})
    if random.random() < 0.35:  # rate change / gap / pause inside the VIS course
        cut = random.randint(vstart // 60 + 1, -1) * 60 if vstart < -120 else vstart + 30
        gap = pick(0, 30, 60, 61, 90)
        r1 = pick(ne, 1.0, 1.5)
        meds.append({"code": "norepinephrine", "rate": r1, "unit": "ug/kg/min", "start": ts(vstart), "end": ts(cut)})
        if random.random() < 0.3 and gap:
            meds.append({"code": "norepinephrine", "rate": 0, "unit": "ug/kg/min", "start": ts(cut), "end": ts(cut + gap)})
        if cut + gap < 0:
            meds.append({"code": "norepinephrine", "rate": ne, "unit": pick("ug/kg/min", "mcg/kg/min"), "start": ts(cut + gap)})
    else:
        meds.append({"code": "norepinephrine", "rate": ne, "unit": pick("ug/kg/min", "mcg/kg/min"), "start": ts(vstart)})
    if epi:
        if random.random() < 0.3:
            meds.append({"code": "epinephrine", "rate": round(epi * 80, 3), "unit": "ug/min",
                         "start": ts(vstart + knob(0, 60, 300))})
        else:
            meds.append({"code": "epinephrine", "rate": epi, "unit": "ug/kg/min", "start": ts(vstart + knob(0, 60, 300))})
    if random.random() < 0.1:
        meds.append({"code": "vasopressin", "rate": 0.03, "unit": "U/min", "start": ts(-3 * H)})
    random.shuffle(meds)
    rec["medications"] = meds
    rec["conditions"] = [{"code": pick("septic_shock", "snomed:76571007"),
                          "onset": ts(-knob(20 * H, 2 * H, 4 * H)), "status": knob("active", "suspected", "resolved")}]
    for c in ("pulmonary_embolism", "pregnancy", "aortic_regurgitation", "active_bleeding"):
        if random.random() < 0.15:
            rec["conditions"].append({"code": c, "status": pick("absent", "suspected", "active")})
    procs = []
    if random.random() < 0.15:
        st = -pick(30, 60) * H
        procs.append({"code": "cpr", "start": ts(st), "end": ts(st + pick(30, 31, 20))})
    if procs: rec["procedures"] = procs
    facts = {"informed_consent": knob(True, False, None),
             "adequate_fluid_resuscitation": knob(True, {"value": True, "time": ts(-4 * H)},
                                                  {"value": True, "time": ts(-30 * H)}, None, False),
             "refractory_arrhythmia": knob(False, True, None, {"value": True, "time": ts(-2 * H)})}
    for f in ("comatose_after_cpr", "irreversible_condition", "anticoagulation_contraindicated",
              "pad_prevents_femoral_cannulation", "life_expectancy_under_1y", "in_other_interventional_trial"):
        facts[f] = knob(False, True, None)
    rec["facts"] = {k: v for k, v in facts.items() if v is not None}
    return rec

def s_hemo(i):
    rec = common_head(i, "H", 55)
    rec["complete"] = knob(["conditions", "procedures", "medications"], [], ["conditions"], ["procedures"])
    rec["locations"] = knob([{"code": "icu", "start": ts(-30 * H)}], [{"code": "picu", "start": ts(-30 * H)}],
                            [{"code": "icu", "start": ts(-30 * H), "end": ts(0)}], [])
    obs = []
    if random.random() < 0.6:
        obs += obsl("sbp", mapseries(knob(1, 0.25, 0.5, 0.4), knob(pick(60, 600), 47 * H, 48 * H),
                                     thr=90, step=15, pre_normal=knob(True, False)), "mm[Hg]")
    if random.random() < 0.4:
        obs += obsl("map", mapseries(knob(1, 0.5, 0.25), knob(60, 120), step=15, pre_normal=knob(True, False)), "mmHg")
    if random.random() < 0.4:
        obs.append({"code": "pcwp", "value": knob(18, 15, 15.01), "unit": "mm[Hg]", "time": ts(-knob(60, 48 * H, 48 * H + 1))})
    if random.random() < 0.7:
        obs.append({"code": "lactate", "value": knob(3.0, 2.0, 2.01), "unit": "mmol/L",
                    "time": ts(-knob(60, 48 * H, 48 * H + 1))})
    if random.random() < 0.6:
        obs.append({"code": "weight", "value": knob(80, 102.4, 102.3), "unit": "kg", "time": ts(-20 * H)})
        obs.append({"code": "height", "value": 160, "unit": "cm", "time": ts(-20 * H)})
    if random.random() < 0.2:
        obs.append({"code": "bmi", "value": knob(30, 40, 39.99), "unit": "kg/m2", "time": ts(-10 * H)})
    rec["observations"] = obs
    meds = []
    if random.random() < 0.5:
        st = -knob(10 * H, 49 * H)
        e = {"code": pick("norepinephrine", "dopamine", "vasopressin", "phenylephrine", "epinephrine"),
             "rate": knob(0.2, 0), "unit": "ug/kg/min", "start": ts(st)}
        if random.random() < 0.4:
            en = -knob(5 * H, 48 * H, 47 * H)
            if en > st: e["end"] = ts(en)
        meds.append(e)
    if random.random() < 0.2:
        meds.append({"code": "norepinephrine", "dose": 10, "unit": "ug", "start": ts(-5 * H)})
    if meds: rec["medications"] = meds
    conds = []
    if random.random() < 0.4:
        e = {"code": "pulmonary_congestion", "status": knob("active", "suspected", "resolved", "absent")}
        if random.random() < 0.4:
            e["onset"] = ts(-60 * H); e["end"] = ts(-knob(10 * H, 48 * H, 49 * H))
        conds.append(e)
    for c in ("infection", "sepsis", "septic_shock", "active_bleeding", "thrombocytopenic_purpura"):
        if random.random() < 0.15:
            conds.append({"code": c, "status": pick("absent", "suspected", "active", "resolved")})
    if conds: rec["conditions"] = conds
    procs = []
    if random.random() < 0.9:
        st = -knob(pick(2, 10) * H, 24 * H, 24 * H - 1, 24 * H + 1, 30 * H)
        mode = knob(pick("VA", "V-A", "va"), "VAV", "VV", "vv", None, "V-V")
        if random.random() < 0.25:
            mid = st + 120
            e1 = {"code": "ecmo", "start": ts(st), "end": ts(mid)}
            if random.random() < 0.7 and mode: e1["mode"] = mode
            procs.append(e1)
            st2 = mid + knob(0, 30, -30)
            e = {"code": "ecmo", "start": ts(st2)}
        else:
            e = {"code": pick("ecmo", "snomed:233573008"), "start": ts(st)}
        if mode: e["mode"] = mode
        it = knob("bridge_to_recovery", "bridge_to_vad", "bridge_to_transplant", None)
        if it: e["intent"] = it
        if random.random() < 0.1 and parse_start(e) < -30:
            e["end"] = ts(pick(-30, 0))
        procs.append(e)
    if procs: rec["procedures"] = procs
    facts = {"informed_consent": knob(True, False, None)}
    if facts["informed_consent"] is None: del facts["informed_consent"]
    for f in ("elevated_lv_filling_pressure", "altered_mental_status", "cold_clammy_skin", "oliguria"):
        v = knob(random.random() < 0.4, None, {"value": True, "time": ts(-knob(5 * H, 50 * H))})
        if v is not None: facts[f] = v
    rec["facts"] = facts
    return rec

def s_ilo(i):
    rec = common_head(i, "I", 50)
    rec["complete"] = knob(["conditions", "medications"], [], ["conditions"], ["medications"])
    rec["locations"] = [{"code": "icu", "start": ts(-40 * H)}]
    obs = []
    obs.append({"code": "sofa", "value": knob(4, 2, 1), "unit": "{score}", "time": ts(-knob(60, 24 * H, 24 * H + 1))})
    obs.append({"code": "lactate", "value": knob(3.0, 2.0, 18.016, 18.02),
                "unit": "mmol/L", "time": ts(-knob(60, 6 * H, 6 * H + 1))})
    if obs[-1]["value"] > 10: obs[-1]["unit"] = "mg/dL"
    for code, thr, u in (("mottling_score", 1, "{score}"), ("crt_finger", 3, "s"), ("crt_knee", 4, "s")):
        if random.random() < 0.5:
            obs.append({"code": code, "value": knob(thr + 1, thr, thr - 0.5), "unit": u,
                        "time": ts(-knob(30, 6 * H, 6 * H + 1))})
    if random.random() < 0.5:
        obs.append({"code": "platelets", "value": knob(150, 30, 29.9), "unit": "10*3/uL",
                    "time": ts(-knob(60, 24 * H, 24 * H + 1))})
    obs.append({"code": "weight", "value": 70, "unit": "kg", "time": ts(-30 * H)})
    rec["observations"] = obs
    meds = []
    onset = -knob(pick(8, 12, 20) * H, 6 * H, 6 * H - 1, 24 * H, 24 * H + 1, 5 * H)
    t = onset
    segs = knob(1, 2, 3, 4)
    for j in range(segs):
        last = j == segs - 1
        e = {"code": "norepinephrine", "rate": knob(0.3, 0) if j else 0.3, "unit": "ug/kg/min", "start": ts(t)}
        if last:
            if random.random() < 0.1:
                e["end"] = ts(knob(-30, 0))
            meds.append(e)
            break
        dur = random.randint(1, max(1, (-t) // 60 - 1)) * 60 if -t > 120 else 30
        end = t + dur
        if end >= 0:
            meds.append(e)
            break
        e["end"] = ts(end)
        meds.append(e)
        t = end + knob(0, 30, 59, 60, 61, 90)
        if t >= 0:
            break
    random.shuffle(meds)
    rec["medications"] = meds
    conds = [{"code": pick("infection", "sepsis", "septic_shock"), "status": knob("active", "suspected", "absent"),
              "onset": ts(-30 * H)}]
    for c in ("pregnancy", "lactation", "active_bleeding", "trauma", "iloprost_hypersensitivity"):
        if random.random() < 0.1:
            conds.append({"code": c, "status": pick("absent", "suspected", "active")})
    rec["conditions"] = conds
    facts = {}
    ic = knob(True, False, None)
    if ic is not None: facts["informed_consent"] = ic
    em = knob(None, True, False)
    if em is not None: facts["emergency_inclusion"] = em
    rec["facts"] = facts
    return rec

def s_eske(i):
    rec = common_head(i, "E", 40)
    rec["complete"] = knob(["conditions", "procedures", "medications"], [], ["conditions", "procedures"],
                           ["conditions", "procedures", "medications", "locations"])
    adm = -knob(30 * H, 3 * H)
    rec["locations"] = knob([{"code": "icu", "start": ts(adm)}],
                            [{"code": "ed", "start": ts(adm - 300), "end": ts(adm)}, {"code": "icu", "start": ts(adm)}],
                            [{"code": "ed", "start": ts(adm - 300), "end": ts(adm - 60)}, {"code": "icu", "start": ts(adm)}],
                            [{"code": "ed", "start": ts(adm - 300), "end": ts(adm - 60)}], [])
    obs = [{"code": "sofa", "value": knob(5, 2, 1), "unit": "{score}", "time": ts(-knob(60, 24 * H, 24 * H + 1))}]
    if random.random() < 0.3:
        obs.append({"code": "child_pugh_score", "value": knob(5, 7, 6), "unit": "{score}", "time": ts(-100 * H)})
    rec["observations"] = obs
    meds = []
    if random.random() < 0.5:
        c = pick("hydrocortisone", "prednisone", "prednisolone", "methylprednisolone", "dexamethasone")
        f = {"hydrocortisone": 0.25, "prednisone": 1, "prednisolone": 1, "methylprednisolone": 1.25,
             "dexamethasone": 6.67}[c]
        target = pick(8, 10, 10.0001, 12, 50)
        kind = pick("reg", "reg", "dose", "inf")
        when = knob(adm - 30 * 24 * H, adm + 60, adm, adm - 1)
        if kind == "reg":
            meds.append({"code": c, "dose": round(target / f, 4), "unit": "mg/d", "start": ts(when)})
        elif kind == "inf":
            meds.append({"code": c, "rate": round(target / f / 24, 6), "unit": "mg/h", "start": ts(when)})
        else:
            meds.append({"code": c, "dose": round(target / f, 4), "unit": "mg",
                         "start": ts(-knob(60, 24 * H, 24 * H - 1))})
        if random.random() < 0.2:
            meds.append({"code": "hydrocortisone", "dose": 200, "unit": "mg/d", "start": ts(adm + 120)})
    if random.random() < 0.2:
        c = pick("tripterygium_wilfordii", "mycophenolate_mofetil", "cyclophosphamide", "tacrolimus")
        st = -knob(40, 29, 30, 31) * 24 * H
        e = {"code": c, "start": ts(st)}
        if random.random() < 0.5:
            e["dose"] = 500; e["unit"] = "mg"
        meds.append(e)
    if meds: rec["medications"] = meds
    conds = [{"code": pick("sepsis", "infection", "septic_shock"), "status": knob("active", "suspected", "absent")}]
    for c in ("acute_myocardial_infarction", "unstable_angina"):
        if random.random() < 0.15:
            e = {"code": c, "status": pick("active", "resolved", "suspected", "absent")}
            if random.random() < 0.8:
                e["onset"] = (T0 - timedelta(days=pick(100, 181, 182, 183, 184, 200))).strftime("%Y-%m-%dT%H:%M:%SZ")
            conds.append(e)
    for c in ("chronic_liver_disease", "chronic_kidney_disease", "pregnancy", "lactation", "mental_illness",
              "poorly_controlled_hypertension", "chronic_heart_failure"):
        if random.random() < 0.08:
            conds.append({"code": c, "status": pick("absent", "suspected", "active")})
    rec["conditions"] = conds
    procs = []
    vst = -knob(30 * H, 2 * H)
    if knob(True, False):
        if random.random() < 0.3:
            procs.append({"code": "mechanical_ventilation", "start": ts(vst), "end": ts(vst + 60)})
            procs.append({"code": "mechanical_ventilation", "start": ts(vst + 60 + knob(0, 30))})
        else:
            e = {"code": "mechanical_ventilation", "start": ts(vst)}
            if random.random() < 0.1: e["end"] = ts(-60)
            procs.append(e)
    if random.random() < 0.15:
        procs.append({"code": "renal_replacement_therapy", "start": ts(-40 * 24 * H),
                      "end": ts(-knob(20, 29, 30, 31) * 24 * H)})
    if random.random() < 0.1:
        procs.append({"code": pick("radiotherapy", "chemotherapy"), "start": ts(-40 * 24 * H),
                      "end": ts(-knob(20, 30, 31) * 24 * H)})
    if procs: rec["procedures"] = procs
    facts = {}
    for f, d in (("informed_consent", True), ("expected_ventilation_over_24h", True)):
        v = knob(d, False, None)
        if v is not None: facts[f] = v
    rec["facts"] = facts
    return rec

def s_picu(i):
    rec = {"format": "patient-record/1", "id": "C%05d" % i}
    if random.random() < 0.9: rec["as_of"] = ts(0)
    d = T0.date()
    b = knob(d - timedelta(days=400), d - timedelta(days=28), d - timedelta(days=29), d - timedelta(days=30),
             d.replace(year=d.year - 18), d.replace(year=d.year - 19), d.replace(year=d.year - 19) + timedelta(days=1),
             datetime(2007, 2, 28).date(), datetime(2007, 3, 1).date(), datetime(2008, 2, 29).date(), None)
    if b: rec["birth_date"] = b.isoformat()
    rec["sex"] = pick("male", "female")
    rec["complete"] = knob(["conditions", "procedures"], [], ["conditions"], ["conditions", "procedures", "locations"])
    rec["locations"] = knob([{"code": "picu", "start": ts(-10 * H)}], [{"code": "icu", "start": ts(-10 * H)}],
                            [{"code": "picu", "start": ts(-10 * H), "end": ts(0)}],
                            [{"code": "ed", "start": ts(-10 * H), "end": ts(-5 * H)}], [])
    rec["observations"] = [{"code": "weight", "value": knob(12, 2.5, 2.49, 5.5), "unit": knob("kg", "g"),
                            "time": ts(-knob(5, 100) * H)}]
    if rec["observations"][0]["unit"] == "g": rec["observations"][0]["value"] *= 1000
    conds = [{"code": knob("septic_shock", "refractory_septic_shock"), "status": knob("active", "suspected", "absent")}]
    for c in ("trisomy_13", "trisomy_18", "active_bleeding", "irreversible_brain_damage", "severe_malnutrition"):
        if random.random() < 0.08:
            conds.append({"code": c, "status": pick("absent", "suspected", "active", "resolved")})
    rec["conditions"] = conds
    if random.random() < 0.3:
        rec["procedures"] = [{"code": pick("ecmo", "allogeneic_hsct"), "start": ts(-5 * H)}]
    return rec

SCEN = [s_rescue, s_hemo, s_ilo, s_eske, s_picu]

def main2():
    n = int(sys.argv[2]); seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    random.seed(seed)
    for i in range(n):
        rec = random.choice([s_rescue, s_rescue, s_rescue, s_hemo, s_ilo, s_eske, s_picu])(i)
        print(json.dumps(rec, separators=(",", ":")))

if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "scen":
    main2()
