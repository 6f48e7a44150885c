#!/usr/bin/env python3
"""spec2.py: more hand-written cases (VIS sums, conversions, windows)."""
import json, subprocess, sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref
def T(h, m=0, d=1): return "2026-03-%02dT%02d:%02d:00Z" % (d, h, m)
def o(code, v, t, u): return {"code": code, "value": v, "unit": u, "time": t}
def inf(c, r, u, s=T(0), e=None):
    d = {"code": c, "rate": r, "unit": u, "start": s}
    if e: d["end"] = e
    return d
MAP = [o("map", 55, T(h, m), "mm[Hg]") for h in range(4, 13) for m in (0, 30) if (h, m) <= (12, 0)]
BASE = {"format": "patient-record/1", "as_of": T(12), "birth_date": "1970-01-01", "sex": "male",
        "complete": ["conditions", "procedures"], "locations": [{"code": "icu", "start": T(0)}],
        "conditions": [{"code": "septic_shock", "onset": T(0)}],
        "facts": {"adequate_fluid_resuscitation": True}}
CASES = []
def case(i, trial, crit, **kw):
    r = json.loads(json.dumps(BASE)); r["id"] = i; r.update(kw); CASES.append((r, trial, crit))
W = [o("weight", 80, T(1), "kg")]
six_low = [inf("norepinephrine", 1.0, "ug/kg/min"), inf("epinephrine", 0.1, "ug/kg/min"),
           inf("dopamine", 0, "ug/kg/min"), inf("dobutamine", 5, "ug/kg/min", T(0), T(2)),
           inf("milrinone", 0.5, "ug/kg/min", T(0), T(1)), inf("vasopressin", 0, "U/kg/min")]
case("six_listed_115", "NCT05184296", "inc-refractory-shock", medications=six_low, observations=MAP + W)
case("five_listed_115", "NCT05184296", "inc-refractory-shock", medications=six_low[:5], observations=MAP + W)
case("vaso_mU", "NCT05184296", "inc-refractory-shock", medications=[inf("norepinephrine", 1.0, "ug/kg/min"),
     inf("vasopressin", 2.1, "mU/kg/min")], observations=MAP + W)
case("vaso_Umin_lb", "NCT05184296", "inc-refractory-shock", medications=[inf("norepinephrine", 1.0, "ug/kg/min"),
     inf("vasopressin", 0.2, "U/min")], observations=MAP + [o("weight", 181, T(1), "[lb_av]")])
case("epi_ugmin_futurew", "NCT05184296", "inc-refractory-shock", medications=[inf("norepinephrine", 1.0, "ug/kg/min"),
     inf("epinephrine", 16, "ug/min")], observations=MAP + [o("weight", 80, T(1), "kg"), o("weight", 200, T(13), "kg")])
case("epi_ugmin_now", "NCT05184296", "inc-refractory-shock", medications=[inf("norepinephrine", 1.0, "ug/kg/min"),
     inf("epinephrine", 16, "ug/min")], observations=MAP + [o("weight", 160, T(1), "kg")])
case("vis_gap_30", "NCT05184296", "inc-refractory-shock", medications=[inf("norepinephrine", 1.3, "ug/kg/min", T(0), T(5)),
     inf("norepinephrine", 1.3, "ug/kg/min", T(5, 30))], observations=MAP + W)
case("vis_gap_30c", "NCT05184296", "inc-refractory-shock", complete=["conditions", "procedures", "medications"],
     medications=[inf("norepinephrine", 1.3, "ug/kg/min", T(0), T(5)), inf("norepinephrine", 1.3, "ug/kg/min", T(5, 30))], observations=MAP + W)
case("vis_zero_30c", "NCT05184296", "inc-refractory-shock", complete=["conditions", "procedures", "medications"],
     medications=[inf("norepinephrine", 1.3, "ug/kg/min", T(0), T(5)), inf("norepinephrine", 0, "ug/kg/min", T(5), T(5, 30)),
                  inf("norepinephrine", 1.3, "ug/kg/min", T(5, 30))], observations=MAP + W)
case("ecmo_vav_window", "NCT03729765", "inc-ecmo", procedures=[{"code": "ecmo", "start": T(2), "mode": "VAV"}])
case("ecmo_two_runs", "NCT03729765", "inc-ecmo", procedures=[{"code": "ecmo", "start": "2026-02-27T02:00:00Z", "end": "2026-02-28T02:00:00Z", "mode": "VA"},
     {"code": "ecmo", "start": T(2), "mode": "VV"}])
case("ecmo_mode_change", "NCT03729765", "inc-ecmo", procedures=[{"code": "ecmo", "start": "2026-02-28T20:00:00Z", "end": T(2), "mode": "VV"},
     {"code": "ecmo", "start": T(2), "mode": "VA"}])
case("ecmo_none_str", "NCT03729765", "inc-ecmo", procedures=[{"code": "ecmo", "start": T(2), "mode": "none"}])
case("ne_onset_6h", "NCT03788837", "inc-norepinephrine-window", medications=[inf("norepinephrine", 0.2, "ug/kg/min", T(6))])
case("ne_ended_30min", "NCT03788837", "inc-norepinephrine-window", complete=["medications"],
     medications=[inf("norepinephrine", 0.2, "ug/kg/min", T(2), T(11, 30))])
case("ne_ugmin_noweight", "NCT03788837", "inc-septic-shock", medications=[inf("norepinephrine", 10, "ug/min", T(2))],
     observations=[o("sofa", 3, T(11), "{score}"), o("lactate", 3, T(11), "mmol/L")])
case("ne_course_entry", "NCT03788837", "inc-norepinephrine-window", medications=[{"code": "norepinephrine", "start": T(2)}])
case("steroid_inf", "NCT04843982", "exc-immunosuppression", complete=["conditions", "procedures", "medications"],
     locations=[{"code": "icu", "start": T(2)}], medications=[inf("hydrocortisone", 2, "mg/h", T(1))])
case("steroid_sum_mixed", "NCT04843982", "exc-immunosuppression", complete=["conditions", "procedures", "medications"],
     locations=[{"code": "icu", "start": T(2)}], medications=[{"code": "prednisone", "dose": 6, "unit": "mg/d", "start": T(1)},
     {"code": "dexamethasone", "dose": 0.75, "unit": "mg/d", "start": T(1)}])
case("steroid_regimen_ended", "NCT04843982", "exc-immunosuppression", complete=["conditions", "procedures", "medications"],
     locations=[{"code": "icu", "start": T(2)}], medications=[{"code": "prednisone", "dose": 20, "unit": "mg/d", "start": "2026-01-01", "end": T(1)}])
case("immuno_31d", "NCT04843982", "exc-immunosuppression", complete=["conditions", "procedures", "medications"],
     medications=[{"code": "tacrolimus", "start": "2026-01-01", "end": "2026-01-29T12:00:00Z"}])
case("immuno_30d", "NCT04843982", "exc-immunosuppression", complete=["conditions", "procedures", "medications"],
     medications=[{"code": "tacrolimus", "start": "2026-01-01", "end": "2026-01-30T12:00:00Z"}])
case("rrt_30d", "NCT04843982", "exc-renal", complete=["conditions", "procedures"],
     procedures=[{"code": "renal_replacement_therapy", "start": "2026-01-01", "end": "2026-01-30T12:00:00Z"}])
case("lactation_male", "NCT03788837", "exc-pregnancy", complete=[], conditions=[{"code": "pregnancy", "status": "absent"}])
case("lactation_male_entry", "NCT03788837", "exc-pregnancy", complete=[], conditions=[{"code": "pregnancy", "status": "absent"}, {"code": "lactation"}])
case("icu_and_ward", "NCT03729765", "inc-icu", locations=[{"code": "ward", "start": T(1)}, {"code": "icu", "start": T(2)}])
case("picu_vs_icu", "NCT03948048", "inc-septic-shock-picu", locations=[{"code": "icu", "start": T(1)}])
case("loc_end_now", "NCT03729765", "inc-icu", locations=[{"code": "icu", "start": T(1), "end": T(12)}])
case("weight_unread", "NCT03948048", "exc-weight-nutrition", complete=["conditions"], observations=[o("weight", 2.4, T(1), "kg"), o("weight", "n/a", T(2), "kg")])
def main():
    inp = "\n".join(json.dumps(r) for r, *_ in CASES)
    p = subprocess.run([os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "trialscreen"), "--json", "-"], input=inp, capture_output=True, text=True)
    out = {json.loads(l).get("patient"): json.loads(l) for l in p.stdout.splitlines()}
    for r, trial, crit in CASES:
        if r["id"] not in out:
            print(r["id"], "TS ERROR"); continue
        t = [t for t in out[r["id"]]["trials"] if t["trial"] == trial][0]
        c = [c for c in t["criteria"] if c["id"] == crit][0]
        R = ref.evaluate(r)["trials"][trial]
        flag = "" if (c["result"] == R["criteria"][crit] and (t.get("window") or None) == R["window"]) else "  <<<"
        print("%-22s %-26s ts=%-8s ref=%-8s since ts=%s ref=%s win ts=%s ref=%s%s" % (
            r["id"], crit, c["result"], R["criteria"][crit], c.get("since"), R["since"][crit][0],
            (t.get("window") or {}).get("opens"), (R["window"] or {}).get("opens"), flag))
        if flag or "-v" in sys.argv: print("     ts reason:", c.get("reason")[:300])
main()
