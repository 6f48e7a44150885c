#!/usr/bin/env python3
"""spec.py: hand-written records for the worked examples of trials.md.
Prints expected (from the text), trialscreen and ref for each."""
import json, subprocess, sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref
def T(h, m=0, d=1):
    return "2026-03-%02dT%02d:%02d:00Z" % (d, h, m)
BASE = {"format": "patient-record/1", "as_of": T(12), "birth_date": "1970-01-01", "sex": "male",
        "complete": ["conditions", "procedures", "medications"],
        "locations": [{"code": "icu", "start": T(0, 0, 1)}],
        "conditions": [{"code": "septic_shock", "onset": T(0)}],
        "facts": {"adequate_fluid_resuscitation": True, "informed_consent": True}}
def rec(i, **kw):
    r = json.loads(json.dumps(BASE)); r["id"] = i; r.update(kw); return r
def ne(rate, start=T(0)): return {"code": "norepinephrine", "rate": rate, "unit": "ug/kg/min", "start": start}
def ep(rate, start=T(0)): return {"code": "epinephrine", "rate": rate, "unit": "ug/kg/min", "start": start}
def o(code, v, t, u): return {"code": code, "value": v, "unit": u, "time": t}
maplow = [o("map", 55, T(h, m), "mm[Hg]") for h in range(4, 13) for m in (0, 30) if (h, m) <= (12, 0)]
CASES = []
def case(i, trial, crit, expect, **kw):
    CASES.append((rec(i, **kw), trial, crit, expect))
W = [o("weight", 80, T(1), "kg")]
NL = [o("lactate", 1.0, T(11, 40), "mmol/L")]
NS = [o("svo2", 70, T(11, 40), "%")]
NM = [o("map", 80, T(11, 50), "mm[Hg]")]
case("vis120", "NCT05184296", "inc-refractory-shock", "not_met", medications=[ne(1.1), ep(0.1)], observations=maplow + W)
case("vis130", "NCT05184296", "inc-refractory-shock", "met", medications=[ne(1.2), ep(0.1)], observations=maplow + W)
lac = lambda a, b, c: [o("lactate", a, T(8), "mmol/L"), o("lactate", b, T(10, 31), "mmol/L"), o("lactate", c, T(11), "mmol/L")]
case("lac29min", "NCT05184296", "inc-refractory-shock", "not_met", medications=[ne(1.2), ep(0.1)], observations=lac(6.2, 6.6, 6.9) + W + NS + NM)
case("lac_mgdl_5", "NCT05184296", "inc-refractory-shock", "not_met", medications=[ne(1.2), ep(0.1)],
     observations=[o("lactate", 45.04, T(10), "mg/dL"), o("lactate", 6, T(11), "mmol/L")] + W + NS + NM)
case("lac_ok", "NCT05184296", "inc-refractory-shock", "met", medications=[ne(1.2), ep(0.1, T(6))],
     observations=[o("lactate", 5.5, T(5), "mmol/L"), o("lactate", 5.5, T(11), "mmol/L")] + W)
case("lac_single", "NCT05184296", "inc-refractory-shock", "unknown", medications=[ne(1.2), ep(0.1, T(6))],
     observations=[o("lactate", 6, T(11), "mmol/L")] + W)
case("svo2_055", "NCT05184296", "inc-refractory-shock", "not_met", medications=[ne(1.2), ep(0.1)],
     observations=[o("svo2", 0.55, T(10), "1"), o("svo2", 0.50, T(11), "1")] + W + NL + NM)
m5 = [o("map", 70, T(6, 30), "mm[Hg]")] + [o("map", 55, T(h, m), "mm[Hg]") for h in range(7, 13) for m in (0, 30) if (h, m) <= (12, 0)]
case("map5h00", "NCT05184296", "inc-refractory-shock", "not_met", medications=[ne(1.2), ep(0.1)], observations=m5 + W + NL + NS)
case("map5h01", "NCT05184296", "inc-refractory-shock", "met", medications=[ne(1.2), ep(0.1)],
     observations=[o("map", 55, T(6, 59), "mm[Hg]")] + m5 + W + NL + NS)
case("fluid4h", "NCT05184296", "inc-refractory-shock", "met", medications=[ne(1.2), ep(0.1)], observations=maplow + W,
     facts={"adequate_fluid_resuscitation": {"value": True, "time": T(8)}, "informed_consent": True})
case("lvef_single", "NCT05184296", "inc-myocardial", "met", observations=[o("lvef", 25, T(9), "%")])
case("ci3h", "NCT05184296", "inc-myocardial", "not_met",
     observations=[o("lvef", 50, T(9), "%"), o("cardiac_index", 2.5, T(8, 30), "L/min/m2")] +
     [o("cardiac_index", 1.5, T(h, m), "L/min/m2") for h in range(9, 13) for m in (0, 30) if (h, m) <= (12, 0)],
     facts={"refractory_arrhythmia": False})
case("cpr30", "NCT05184296", "exc-cardiac-arrest", "not_met",
     procedures=[{"code": "cpr", "start": T(1), "end": T(1, 30)}], facts={"comatose_after_cpr": False})
case("cpr31", "NCT05184296", "exc-cardiac-arrest", "met", procedures=[{"code": "cpr", "start": T(1), "end": T(1, 31)}])
case("ar_plain", "NCT05184296", "exc-other-cardiac", "unknown", conditions=[{"code": "aortic_regurgitation"}])
case("ar_absent", "NCT05184296", "exc-other-cardiac", "not_met", conditions=[{"code": "aortic_regurgitation", "status": "absent"}])
case("pe_susp", "NCT05184296", "exc-obstructive-shock", "met", conditions=[{"code": "pulmonary_embolism", "status": "suspected"}])
case("male_preg", "NCT05184296", "exc-special-population", "not_met", complete=[], conditions=[{"code": "aids", "status": "absent"}])
case("ecmo24", "NCT03729765", "inc-ecmo", "not_met", procedures=[{"code": "ecmo", "start": T(12, 0, 0) if False else "2026-02-28T12:00:00Z", "mode": "VA"}])
case("ecmo23h59", "NCT03729765", "inc-ecmo", "met", procedures=[{"code": "ecmo", "start": "2026-02-28T12:01:00Z", "mode": "V-A"}])
case("ecmo_vv", "NCT03729765", "inc-ecmo", "not_met", procedures=[{"code": "ecmo", "start": T(2), "mode": "VV"}])
case("ecmo_split", "NCT03729765", "inc-ecmo", "not_met", procedures=[{"code": "ecmo", "start": "2026-02-28T10:00:00Z", "end": T(2), "mode": "VA"}, {"code": "ecmo", "start": T(2), "mode": "VA"}])
case("ed_ended", "NCT03729765", "inc-icu", "unknown", locations=[{"code": "ed", "start": T(1), "end": T(5)}])
case("feb29_17", "NCT03948048", "inc-age", "met", birth_date="2008-02-29", as_of="2026-02-28T12:00:00Z")
case("feb29_18", "NCT05184296", "inc-age", "met", birth_date="2008-02-29", as_of="2026-03-01T00:00:00Z")
case("feb29_17b", "NCT05184296", "inc-age", "not_met", birth_date="2008-02-29", as_of="2026-02-28T23:59:00Z")
case("18y364d", "NCT03948048", "inc-age", "met", birth_date="2007-03-02")
case("19y", "NCT03948048", "inc-age", "not_met", birth_date="2007-03-01")
case("d29", "NCT03948048", "inc-age", "met", birth_date="2026-01-31")
case("d28", "NCT03948048", "inc-age", "not_met", birth_date="2026-02-01")
case("age60", "NCT04843982", "exc-age", "met", birth_date="1966-03-01")
case("mi_5mo_resolved", "NCT04843982", "exc-cardiac", "met", conditions=[{"code": "acute_myocardial_infarction", "status": "resolved", "onset": "2025-10-01"}])
case("mi_7mo", "NCT04843982", "exc-cardiac", "not_met", conditions=[{"code": "acute_myocardial_infarction", "onset": "2025-08-01"}])
case("hc200_inhosp", "NCT04843982", "exc-immunosuppression", "unknown",
     medications=[{"code": "hydrocortisone", "dose": 200, "unit": "mg/d", "start": T(2)}])
case("pred15_before", "NCT04843982", "exc-immunosuppression", "met",
     medications=[{"code": "prednisone", "dose": 15, "unit": "mg/d", "start": "2026-01-01"}])
case("pred15_chain", "NCT04843982", "exc-immunosuppression", "unknown",
     locations=[{"code": "ed", "start": "2025-12-31", "end": T(0)}, {"code": "icu", "start": T(0)}],
     medications=[{"code": "prednisone", "dose": 15, "unit": "mg/d", "start": "2026-01-01"}])
case("pred15_nostay", "NCT04843982", "exc-immunosuppression", "unknown", locations=[],
     medications=[{"code": "prednisone", "dose": 15, "unit": "mg/d", "start": "2026-01-01"}])
case("dexa_dose", "NCT04843982", "exc-immunosuppression", "unknown",
     medications=[{"code": "dexamethasone", "dose": 2, "unit": "mg", "start": T(6)}])
case("vent_nofact", "NCT04843982", "inc-ventilation", "unknown", procedures=[{"code": "mechanical_ventilation", "start": "2026-02-27"}], facts={})
case("refusal_unk", "NCT03788837", "exc-refusal", "unknown", facts={"informed_consent": False})
case("refusal_em", "NCT03788837", "exc-refusal", "not_met", facts={"informed_consent": False, "emergency_inclusion": True})
nes = lambda gap: [{"code": "norepinephrine", "rate": 0.3, "unit": "ug/kg/min", "start": "2026-02-28T20:00:00Z", "end": T(2)},
                   {"code": "norepinephrine", "rate": 0.3, "unit": "ug/kg/min", "start": T(2 + gap // 60, gap % 60)}]
case("ne_gap60", "NCT03788837", "inc-norepinephrine-window", "met", medications=nes(60))
case("ne_gap61", "NCT03788837", "inc-norepinephrine-window", "met", medications=nes(61))
case("ne_gap0_12h", "NCT03788837", "inc-norepinephrine-window", "met", medications=nes(0))
case("ne_zero_pause", "NCT03788837", "inc-norepinephrine-window", "met", medications=[
    {"code": "norepinephrine", "rate": 0.3, "unit": "ug/kg/min", "start": T(0), "end": T(4)},
    {"code": "norepinephrine", "rate": 0, "unit": "ug/kg/min", "start": T(4), "end": T(5, 30)},
    {"code": "norepinephrine", "rate": 0.3, "unit": "ug/kg/min", "start": T(5, 30)}])
case("cond_future", "NCT04843982", "inc-sepsis", "unknown", complete=[], conditions=[{"code": "sepsis", "onset": T(13)}])
case("cond_future_c", "NCT04843982", "inc-sepsis", "not_met", complete=["conditions"], conditions=[{"code": "sepsis", "onset": T(13)}])
case("noasof", "NCT04843982", "inc-sofa", "met", as_of=None, observations=[o("sofa", 3, T(9), "{score}")],
     facts={"x": {"value": True, "time": T(20)}})
case("exc_liver", "NCT04843982", "exc-liver", "met", conditions=[{"code": "chronic_liver_disease"}], observations=[o("child_pugh_score", 7, "2025-01-01T00:00:00Z", "{score}")])
case("bmi40", "NCT03729765", "exc-bmi", "met", observations=[o("weight", 102.4, T(1), "kg"), o("height", 160, T(1), "cm")])
case("inf_1h", "NCT03729765", "inc-cardiogenic-shock", "met", medications=[{"code": "norepinephrine", "dose": 10, "unit": "ug", "start": T(5)}],
     conditions=[{"code": "pulmonary_congestion"}], facts={"oliguria": True})
def main():
    recs = []
    for r, *_ in CASES:
        if r.get("as_of") is None: r.pop("as_of", None)
        recs.append(r)
    inp = "\n".join(json.dumps(r) for r in recs)
    p = subprocess.run([os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "trialscreen"), "--json", "-"], input=inp, capture_output=True, text=True)
    out = {}
    for l in p.stdout.splitlines():
        d = json.loads(l)
        if "patient" in d: out[d["patient"]] = d
        else: print("ERR", l)
    for r, trial, crit, exp in CASES:
        t = [t for t in out[r["id"]]["trials"] if t["trial"] == trial][0]
        c = [c for c in t["criteria"] if c["id"] == crit][0]
        R = ref.evaluate(r)["trials"][trial]
        flag = "" if c["result"] == exp == R["criteria"][crit] else "  <<<"
        print("%-16s %s %-26s expect=%-8s ts=%-8s ref=%-8s since ts=%s ref=%s%s" % (
            r["id"], trial, crit, exp, c["result"], R["criteria"][crit], c.get("since"), R["since"][crit][0], flag))
        if flag: print("     ts reason:", c.get("reason"))
main()
