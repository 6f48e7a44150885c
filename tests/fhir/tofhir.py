#!/usr/bin/env python3
"""tofhir.py -- write patient-record/1 records as FHIR R4 (a test-time tool).

The inverse of the screener's FHIR mapping (docs/fhir.md), written from the
mapping contract, not from the C code, so that the round-trip test checks
one against the other:

  tofhir.py bundles RECORDS.ndjson OUTDIR       one Bundle file per record
  tofhir.py bundle RECORDS.ndjson FILE [TIME]   one Bundle of every record
  tofhir.py bulk RECORDS.ndjson OUTDIR [--seed N] [--split N] [--manifest TIME]
        a Bulk Data export: Type.000.ndjson ... (at most --split lines a
        file), every file's lines shuffled except the Patients' order

Records without a time are impossible in FHIR and are not produced by the
callers; `complete` cannot be said in FHIR (screen with --assume-complete).
"""
import json
import random
import sys

LOINC = "http://loinc.org"
PREFIX = {
    "loinc": LOINC,
    "snomed": "http://snomed.info/sct",
    "icd10": "http://hl7.org/fhir/sid/icd-10-cm",
    "rxnorm": "http://www.nlm.nih.gov/research/umls/rxnorm",
}
CONCEPT = "urn:trialscreen:concept"
UCUM = "http://unitsofmeasure.org"
ROLE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
ROLECODES = {"icu": "ICU", "picu": "PEDICU", "ed": "ER"}


def codeable(code):
    sys_, _, rest = code.partition(":")
    if rest and sys_ in PREFIX:
        return {"coding": [{"system": PREFIX[sys_], "code": rest}]}
    return {"coding": [{"system": CONCEPT, "code": code}]}


def quantity(value, unit):
    q = {"value": value}
    if unit is not None:
        q.update({"unit": unit, "system": UCUM, "code": unit})
    return q


def value_fields(v, unit):
    if isinstance(v, bool):
        return {"valueBoolean": v}
    if isinstance(v, (int, float)):
        return {"valueQuantity": quantity(v, unit)}
    return {"valueString": v}


class Writer:
    """Turns records into resources; ids are unique over the whole run."""

    def __init__(self):
        self.n = 0

    def rid(self, kind):
        self.n += 1
        return "%s-%d" % (kind, self.n)

    def patient(self, rec):
        p = {"resourceType": "Patient", "id": rec["id"]}
        if "birth_date" in rec:
            p["birthDate"] = rec["birth_date"]
        if "sex" in rec:
            p["gender"] = rec["sex"]
        return p

    def resources(self, rec):
        """(resource, shared) pairs for everything but the Patient."""
        subj = {"reference": "Patient/" + rec["id"]}
        out = []
        for o in rec.get("observations", []):
            r = {"resourceType": "Observation", "id": self.rid("obs"),
                 "status": "final", "code": codeable(o["code"]),
                 "subject": subj, "effectiveDateTime": o["time"]}
            r.update(value_fields(o["value"], o.get("unit")))
            out.append(r)
        for name, f in sorted(rec.get("facts", {}).items()):
            r = {"resourceType": "Observation", "id": self.rid("fact"),
                 "status": "final", "code": codeable(name), "subject": subj}
            if isinstance(f, dict):
                if "time" in f:
                    r["effectiveDateTime"] = f["time"]
                f = f["value"]
            r.update(value_fields(f, None))
            out.append(r)
        for c in rec.get("conditions", []):
            r = {"resourceType": "Condition", "id": self.rid("cond"),
                 "code": codeable(c["code"]), "subject": subj}
            st = c.get("status", "active")
            if st == "absent":
                r["verificationStatus"] = {"coding": [{"code": "refuted"}]}
            elif st == "suspected":
                r["verificationStatus"] = {"coding": [{"code": "provisional"}]}
            else:
                r["clinicalStatus"] = {"coding": [{"code": st}]}
            if "onset" in c:
                r["onsetDateTime"] = c["onset"]
            if "end" in c:
                r["abatementDateTime"] = c["end"]
            out.append(r)
        for p in rec.get("procedures", []):
            r = {"resourceType": "Procedure", "id": self.rid("proc"),
                 "status": "completed" if "end" in p else "in-progress",
                 "code": codeable(p["code"]), "subject": subj,
                 "performedPeriod": {"start": p["start"]}}
            if "end" in p:
                r["performedPeriod"]["end"] = p["end"]
            ext = [{"url": "urn:trialscreen:attribute:" + k, "valueString": v}
                   for k, v in sorted(p.items())
                   if k not in ("code", "start", "end")]
            if ext:
                r["extension"] = ext
            out.append(r)
        for m in rec.get("medications", []):
            r = {"resourceType": "MedicationAdministration",
                 "id": self.rid("med"), "subject": subj}
            # Half the drugs by reference to a Medication, as EHRs do.
            if self.n % 2:
                med = {"resourceType": "Medication", "id": self.rid("drug"),
                       "code": codeable(m["code"])}
                out.append(med)
                r["medicationReference"] = {"reference": "Medication/" + med["id"]}
            else:
                r["medicationCodeableConcept"] = codeable(m["code"])
            dose = "dose" in m and "/" not in (m.get("unit") or "")
            if "end" in m:
                r["status"] = "completed"
                r["effectivePeriod"] = {"start": m["start"], "end": m["end"]}
            elif dose:
                r["status"] = "completed"
                r["effectiveDateTime"] = m["start"]
            else:
                r["status"] = "in-progress"
                r["effectivePeriod"] = {"start": m["start"]}
            if "rate" in m:
                r["dosage"] = {"rateQuantity": quantity(m["rate"], m.get("unit"))}
            elif "dose" in m:
                r["dosage"] = {"dose": quantity(m["dose"], m.get("unit"))}
            out.append(r)
        for loc in rec.get("locations", []):
            l = {"resourceType": "Location", "id": self.rid("loc")}
            code = loc["code"]
            if code in ROLECODES:
                l["type"] = [{"coding": [{"system": ROLE, "code": ROLECODES[code]}]}]
            else:
                l["type"] = [codeable(code)]
            out.append(l)
            per = {"start": loc["start"]}
            if "end" in loc:
                per["end"] = loc["end"]
            out.append({"resourceType": "Encounter", "id": self.rid("enc"),
                        "status": "finished" if "end" in loc else "in-progress",
                        "subject": subj,
                        "location": [{"location": {"reference": "Location/" + l["id"]},
                                      "period": per}]})
        return out


def read_records(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def bundles(src, outdir):
    w = Writer()
    for i, rec in enumerate(read_records(src)):
        res = [w.patient(rec)] + w.resources(rec)
        b = {"resourceType": "Bundle", "type": "collection",
             "entry": [{"fullUrl": "urn:uuid:%s-%d" % (r["resourceType"], j),
                        "resource": r} for j, r in enumerate(res)]}
        if "as_of" in rec:
            b["timestamp"] = rec["as_of"]
        with open("%s/patient-%05d.json" % (outdir, i), "w") as f:
            json.dump(b, f, indent=1)
            f.write("\n")


def one_bundle(src, path, timestamp=None):
    w = Writer()
    entries = []
    for rec in read_records(src):
        for r in [w.patient(rec)] + w.resources(rec):
            entries.append({"fullUrl": "urn:uuid:%s-%s" % (r["resourceType"], r["id"]),
                            "resource": r})
    b = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    if timestamp:
        b["timestamp"] = timestamp
    with open(path, "w") as f:
        json.dump(b, f, indent=1)
        f.write("\n")


def bulk(src, outdir, seed, split, manifest):
    w = Writer()
    files = {}
    for rec in read_records(src):
        files.setdefault("Patient", []).append(w.patient(rec))
        for r in w.resources(rec):
            files.setdefault(r["resourceType"], []).append(r)
    rnd = random.Random(seed)
    out = []
    for typ, rows in sorted(files.items()):
        if typ != "Patient":
            rnd.shuffle(rows)
        for k in range(0, len(rows), split):
            name = "%s.%03d.ndjson" % (typ, k // split)
            with open("%s/%s" % (outdir, name), "w") as f:
                for r in rows[k:k + split]:
                    f.write(json.dumps(r, separators=(",", ":")) + "\n")
            out.append({"type": typ, "url": "file:///" + name})
    if manifest:
        with open(outdir + "/manifest.json", "w") as f:
            json.dump({"transactionTime": manifest, "request": "$export",
                       "requiresAccessToken": False, "output": out,
                       "error": []}, f, indent=1)


def main(argv):
    if len(argv) < 4 or argv[1] not in ("bundles", "bundle", "bulk"):
        sys.exit(__doc__)
    if argv[1] == "bundles":
        bundles(argv[2], argv[3])
        return
    if argv[1] == "bundle":
        one_bundle(argv[2], argv[3], argv[4] if len(argv) > 4 else None)
        return
    opts = {"--seed": "1", "--split": "1000000", "--manifest": None}
    rest = argv[4:]
    while rest:
        opts[rest[0]] = rest[1]
        rest = rest[2:]
    bulk(argv[2], argv[3], int(opts["--seed"]), int(opts["--split"]),
         opts["--manifest"])


if __name__ == "__main__":
    main(sys.argv)
