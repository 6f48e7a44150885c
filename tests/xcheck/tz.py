#!/usr/bin/env python3
"""tz.py < in.ndjson > out.ndjson: rewrite timestamps with other offsets / no offset / date-only
(the instant is unchanged)."""
import json, sys, random, re
from datetime import datetime, timezone, timedelta
random.seed(5)
KEYS = ("as_of", "time", "start", "end", "onset")
def rew(s):
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})Z", s)
    if not m: return s
    d = datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    k = random.random()
    if k < 0.3:
        off = random.choice([2, -5.5, 14, -12, 5.75])
        tz = timezone(timedelta(hours=off))
        return d.astimezone(tz).isoformat()
    if k < 0.45:
        return d.strftime("%Y-%m-%dT%H:%M:%S")
    if k < 0.55 and d.hour == 0 and d.minute == 0 and d.second == 0:
        return d.strftime("%Y-%m-%d")
    if k < 0.65:
        return d.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return s
def walk(x):
    if isinstance(x, dict):
        return {k: (rew(v) if k in KEYS and isinstance(v, str) else walk(v)) for k, v in x.items()}
    if isinstance(x, list):
        return [walk(v) for v in x]
    return x
for l in sys.stdin:
    print(json.dumps(walk(json.loads(l))))
