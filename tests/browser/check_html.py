#!/usr/bin/env python3
"""check_html.py -- `make check-html`: the HTML report tested in a real browser.

What: renders pages with `trialscreen --format html` (every examples/*
record, generated patients that reach each verdict, hostile records, a
one-file batch and an `--html-dir` batch with its index), loads each page
in headless Chromium (the --html-dir pages that repeat a page already
loaded are read as written), and checks
  - the screenshot is not blank (decoded with PIL: distinct colours,
    non-white pixels);
  - the DOM Chromium built (`--dump-dom`, parsed with html.parser) against
    the data: badges against `trialscreen --json`, threshold lines at
    y(threshold) of their panel and at a threshold the trial's criteria
    file gives, the window band at x(opens)..x(closes) with the NDJSON's
    times, samples at (x(time), y(value)), the screening-time line,
    criterion and verdict stretches against screening at their start
    and the verdict row against `replay --points --json` at every point
    of the renderer's grid, the batch matrix and funnels against `--json
    --summary`, --html-dir file names (hostile and repeated ids);
  - hostile strings stay text: no element, attribute or script made from
    them, and nothing from them ran (a payload that would mark <body>);
  - that the checks can fail: broken copies of real pages, one defect
    each, must each be rejected (self_test).
Why: the markup contract (docs/html.md, "Testing in a browser") is what
other programs read from the picture, so the test reads the same hooks
from what a browser made of the page, and recomputes every coordinate
from the data instead of trusting presence.

A failure prints `check-html: PAGE: ELEMENT: expected X, found Y`; the exit
status is 1 when any check failed, 2 when the harness could not run
(no chromium, no PIL).  Deterministic: fixed cohort seed, fixed --at for
records without as_of, a fresh profile per page in a temporary directory,
no network (proxy to a closed port, no background services), a timeout
per browser run.

usage: check_html.py [--bin ./trialscreen] [--gencohort bench/gencohort]
                     [--chromium chromium] [--criteria criteria]
                     [--keep DIR] [--docs-img DIR] [-j N]
                     [--no-self-test] [-v] [RECORD.json ...]
Run from the top of the source tree (it reads examples/ and criteria/).
RECORD.json: more records to render and check, one patient a file.
"""

import argparse
import concurrent.futures
import datetime
import glob
import html.parser
import importlib.util
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import yaml

TOL = 0.02          # coordinates are printed with at most 2 decimals
NUM_RE = re.compile(r"^-?[0-9]+(\.[0-9]{1,2})?$")
VERDICTS = ("eligible", "ineligible", "incomplete")
RESULTS = ("met", "not_met", "unknown")
COHORT_SEED = 12
COHORT_N = 200
FIXED_AT_PAD = 3600   # --at for a record without as_of: last time + 1 h
BROWSER_TIMEOUT = 120

# -------------------------------------------------------------- failures

class Report:
    """Collects failures; each says page, element, expected and found."""

    def __init__(self, verbose, quiet=False):
        self.failures = []
        self.checks = 0
        self.verbose = verbose
        self.quiet = quiet

    def ok(self, cond, page, element, expected, found):
        self.checks += 1
        if not cond:
            msg = "check-html: %s: %s: expected %s, found %s" % (
                page, element, expected, found)
            self.failures.append(msg)
            if not self.quiet:
                print(msg, file=sys.stderr)
        return cond

    def note(self, text):
        if self.verbose:
            print("check-html: " + text)


# -------------------------------------------------------------- DOM tree

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "param", "source", "track", "wbr"}


class Node:
    __slots__ = ("tag", "attrs", "children", "parent", "text")

    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = attrs
        self.children = []
        self.parent = parent
        self.text = []

    def get(self, name, default=None):
        return self.attrs.get(name, default)

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def has_class(self, c):
        return c in self.classes()

    def all_text(self):
        out = list(self.text)
        for ch in self.children:
            out.append(ch.all_text())
        return "".join(out)

    def walk(self):
        yield self
        for ch in self.children:
            yield from ch.walk()

    def find(self, tag=None, cls=None, **attrs):
        for n in self.walk():
            if n is self:
                continue
            if tag and n.tag != tag:
                continue
            if cls and not n.has_class(cls):
                continue
            if any(n.attrs.get(k.replace("_", "-")) != v
                   for k, v in attrs.items()):
                continue
            yield n

    def ancestor(self, tag, cls):
        p = self.parent
        while p is not None:
            if p.tag == tag and p.has_class(cls):
                return p
            p = p.parent
        return None

    def describe(self):
        keys = [k for k in ("class", "data-patient", "data-trial",
                            "data-criterion", "data-concept", "data-from")
                if k in self.attrs]
        return "<%s %s>" % (self.tag, " ".join(
            '%s="%s"' % (k, self.attrs[k]) for k in keys))


class TreeBuilder(html.parser.HTMLParser):
    """Chromium's --dump-dom is well formed (every non-void element closed),
    so a stack is enough; attribute values arrive unescaped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.cur = self.root
        self.doctype = None

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        n = Node(tag, {k: (v if v is not None else "") for k, v in attrs},
                 self.cur)
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        n = Node(tag, {k: (v if v is not None else "") for k, v in attrs},
                 self.cur)
        self.cur.children.append(n)

    def handle_endtag(self, tag):
        p = self.cur
        while p is not None and p.tag != tag:
            p = p.parent
        if p is not None and p.parent is not None:
            self.cur = p.parent

    def handle_data(self, data):
        self.cur.text.append(data)


def parse_dom(text):
    b = TreeBuilder()
    b.feed(text)
    b.close()
    return b.root, b.doctype


# -------------------------------------------------------------- numbers, times

def rfc(t):
    return datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def is_rfc(t):
    try:
        rfc(t)
        return True
    except (TypeError, ValueError):
        return False


def fmt_rfc(secs):
    return datetime.datetime.fromtimestamp(
        secs, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def num(rep, page, node, name):
    """An attribute that must be a number printed with at most 2 decimals."""
    v = node.get(name)
    if not rep.ok(v is not None and NUM_RE.match(v.strip()) is not None,
                  page, "%s %s" % (node.describe(), name),
                  "a number with at most 2 decimals", repr(v)):
        return None
    return float(v)


def close(a, b, tol=TOL):
    return a is not None and b is not None and abs(a - b) <= tol + 1e-9


class Axis:
    """x(t) of a timeline svg: X0 + (t - t0) / (t1 - t0) * (X1 - X0)."""

    def __init__(self, t0, t1, x0, x1):
        self.t0, self.t1, self.x0, self.x1 = t0, t1, x0, x1

    def x(self, t):
        return self.x0 + (t - self.t0) / (self.t1 - self.t0) * (self.x1 - self.x0)

    def clip(self, x):
        return min(max(x, self.x0), self.x1)


# -------------------------------------------------------------- running things

class Tools:
    def __init__(self, args, tmp, rep):
        self.calls = 0
        self.at_cache = {}
        self.bin = args.bin
        self.tmp = tmp
        self.rep = rep
        self.cache = {}

    def run(self, argv, ok_codes=(0, 1, 2, 3), stdin=None):
        self.calls += 1
        p = subprocess.run(argv, capture_output=True, text=True, input=stdin,
                           timeout=300)
        if p.returncode not in ok_codes:
            raise SystemExit("check-html: %s: exit %d: %s" % (
                " ".join(argv), p.returncode, p.stderr.strip()[:2000]))
        return p

    def lines(self, argv):
        """NDJSON output of a trialscreen command, cached."""
        key = tuple(argv)
        if key not in self.cache:
            out = self.run([self.bin] + argv).stdout
            self.cache[key] = [json.loads(l) for l in out.splitlines() if l.strip()]
        return self.cache[key]

    def screen(self, rec, at=None):
        argv = ["--json", "--no-warnings"]
        if at:
            argv += ["--at", at]
        return [o for o in self.lines(argv + [rec]) if "patient" in o]

    def replay(self, rec, at=None, extra=()):
        argv = ["replay", "--json", "--no-warnings"] + list(extra)
        if at:
            argv += ["--to", at]
        return self.lines(argv + [rec])

    def points(self, rec, at=None, extra=()):
        argv = ["replay", "--points", "--json", "--no-warnings"] + list(extra)
        if at:
            argv += ["--to", at]
        return self.lines(argv + [rec])

    def prefetch(self, path, times):
        """Screen the record at each of times in one run: one NDJSON line
        per copy of the record, each copy's as_of set to a time (what
        `--at` does, without a process per time)."""
        times = sorted(t for t in set(times) if (path, t) not in self.at_cache)
        if not times:
            return
        with open(path, encoding="utf-8") as fh:
            rec = json.load(fh)
        lines = []
        for t in times:
            rec["as_of"] = t
            lines.append(json.dumps(rec, ensure_ascii=False))
        out = self.run([self.bin, "--json", "--no-warnings", "-"],
                       stdin="\n".join(lines) + "\n").stdout
        got = [json.loads(l) for l in out.splitlines() if l.strip()]
        got = [o for o in got if "patient" in o]
        if len(got) != len(times):
            raise SystemExit("check-html: %s: %d lines for %d times" % (
                path, len(got), len(times)))
        for t, o in zip(times, got):
            self.at_cache[(path, t)] = o

    def screen_at(self, path, when):
        self.prefetch(path, [when])
        return self.at_cache[(path, when)]

    def summary(self, paths, at=None):
        argv = ["--json", "--summary", "--no-warnings"]
        if at:
            argv += ["--at", at]
        for o in self.lines(argv + paths):
            if "summary" in o:
                return o["summary"]
        raise SystemExit("check-html: no summary line from --summary")


# -------------------------------------------------------------- thresholds

CONCEPT_KEYS = ("latest", "any_value", "episode", "sustained", "consecutive")
CMP_KEYS = ("above", "below", "at_least", "at_most")


def criteria_thresholds(crit_dir):
    """(trial, criterion) -> list of (concept, value, unit or None) that the
    rules of the criteria files compare a series with."""
    out = {}

    def walk(n, key):
        if isinstance(n, dict):
            concept = next((n[k] for k in CONCEPT_KEYS if k in n), None)
            if isinstance(concept, str):
                for c in CMP_KEYS:
                    if isinstance(n.get(c), (int, float)):
                        out.setdefault(key, []).append(
                            (concept, float(n[c]), n.get("unit")))
                b = n.get("between")
                if isinstance(b, list):
                    for v in b:
                        if isinstance(v, (int, float)):
                            out.setdefault(key, []).append(
                                (concept, float(v), n.get("unit")))
            for v in n.values():
                walk(v, key)
        elif isinstance(n, list):
            for v in n:
                walk(v, key)

    for f in sorted(glob.glob(os.path.join(crit_dir, "*.yaml"))):
        with open(f, encoding="utf-8") as fh:
            d = yaml.safe_load(fh)
        if not isinstance(d, dict) or "trial" not in d:
            continue
        tid = d["trial"]["id"]
        for sec in ("inclusion", "exclusion"):
            for c in d.get(sec) or []:
                walk(c.get("rule"), (tid, c["id"]))
    return out


# -------------------------------------------------------------- browser

def chromium_argv(exe, profile, shot, url):
    return [exe, "--headless=new", "--no-sandbox", "--disable-gpu",
            "--user-data-dir=" + profile, "--no-first-run",
            "--no-default-browser-check", "--disable-extensions",
            "--disable-background-networking", "--disable-sync",
            "--disable-component-update", "--disable-default-apps",
            "--mute-audio", "--hide-scrollbars", "--force-device-scale-factor=1",
            "--disable-dev-shm-usage",
            "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
            "--lang=en-US", "--window-size=1280,2000",
            "--screenshot=" + shot, "--dump-dom", url]


def browse(exe, page, workdir):
    """Load page: (dom text, screenshot path) or raise RuntimeError."""
    base = os.path.basename(page)
    profile = tempfile.mkdtemp(prefix="profile-", dir=workdir)
    shot = os.path.join(workdir, base + ".png")
    env = dict(os.environ, TZ="UTC", LANG="C.UTF-8",
               DBUS_SESSION_BUS_ADDRESS="disabled:")
    p = subprocess.Popen(chromium_argv(exe, profile, shot,
                                       "file://" + os.path.abspath(page)),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env, start_new_session=True)
    try:
        out, err = p.communicate(timeout=BROWSER_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        raise RuntimeError("chromium did not finish in %d s" % BROWSER_TIMEOUT)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if p.returncode != 0 or not os.path.exists(shot):
        raise RuntimeError("chromium exit %d: %s" % (
            p.returncode, err.decode("utf-8", "replace")[-800:]))
    return out.decode("utf-8", "replace"), shot


def check_screenshot(rep, page, shot):
    from PIL import Image
    with Image.open(shot) as im:
        im = im.convert("RGB")
        w, h = im.size
        small = im.resize((w // 4, h // 4))
        colours = im.getcolors(maxcolors=1 << 20)
    rep.ok((w, h) == (1280, 2000), page, "screenshot size",
           "1280x2000", "%dx%d" % (w, h))
    ncol = len(colours) if colours else 1 << 20
    rep.ok(ncol >= 16, page, "screenshot colours",
           "at least 16 distinct colours (not blank)", ncol)
    nonwhite = sum(c for c, rgb in colours if sum(rgb) < 720) if colours else w * h
    frac = nonwhite / float(w * h)
    rep.ok(frac >= 0.01, page, "screenshot ink",
           "at least 1% non-white pixels", "%.4f%%" % (100 * frac))
    # Ink in the top third: the header and first trial are on screen.
    top = small.crop((0, 0, small.size[0], small.size[1] // 3))
    tcols = top.getcolors(maxcolors=1 << 20) or []
    tink = sum(c for c, rgb in tcols if sum(rgb) < 720)
    rep.ok(tink > 0, page, "screenshot top third", "some ink", "none")
    return ncol, frac


# -------------------------------------------------------------- page checks

SAFE_SCHEMES = ()


def check_static(rep, page, raw):
    """The file as written: self-contained, no reference outside it."""
    rep.ok(raw.lstrip().lower().startswith("<!doctype html>"), page,
           "doctype", "<!DOCTYPE html> first", repr(raw[:30]))
    low = raw.lower()
    for bad in ("<link", "@import", "@font-face", "<iframe", "<object",
                "<embed", "<img", "<base"):
        rep.ok(bad not in low, page, "markup", "no %s" % bad, "present")
    # No URL of any kind, even as text; no src= or data: URL in a tag (a
    # record's string that spells one is escaped, so has no '<' of a tag).
    for rx in (r"(https?|ftp|file)://", r"<[a-z][^<>]*\ssrc\s*=",
               r"<[a-z][^<>]*=\s*[\"']?\s*data:"):
        m = re.search(rx, low)
        rep.ok(m is None, page, "markup", "no match for %s (no reference "
               "of any kind)" % rx, m and low[max(0, m.start() - 40):m.end() + 40])
    for m in re.finditer(r"url\(\s*['\"]?([^)'\"]*)", low):
        rep.ok(m.group(1).startswith("#"), page, "css url()",
               "only url(#fragment)", m.group(0))


def check_document(rep, page, root, doctype, payload_marks):
    """Page-level hooks and the absence of anything injected."""
    rep.ok(doctype is not None and doctype.lower() == "doctype html", page,
           "doctype in DOM", "doctype html", doctype)
    htmls = list(root.find("html"))
    rep.ok(len(htmls) == 1 and htmls[0].get("lang") == "en", page,
           "<html lang>", "en", htmls[0].get("lang") if htmls else None)
    metas = list(root.find("meta"))
    rep.ok(any((m.get("charset") or "").lower() == "utf-8" for m in metas),
           page, "<meta charset>", "utf-8", [m.attrs for m in metas])
    gen = [m.get("content") for m in metas if m.get("name") == "generator"]
    rep.ok(len(gen) == 1 and re.match(r"^trialscreen \S+", gen[0] or ""),
           page, "<meta name=generator>", "'trialscreen VERSION'", gen)
    body = next(root.find("body"), None)
    rep.ok(body is not None and "data-pwned" not in body.attrs, page,
           "<body>", "no data-pwned (no payload ran)",
           body.attrs if body is not None else None)
    for n in root.walk():
        if n.tag in ("img", "iframe", "object", "embed", "link", "base",
                     "frame", "frameset", "marquee", "form", "input"):
            rep.ok(False, page, n.describe(), "no such element", "present")
        if n.tag == "script":
            src = n.all_text()
            rep.ok("src" not in n.attrs, page, "<script>", "inline only",
                   n.attrs)
            rep.ok(not any(m in src for m in payload_marks), page,
                   "<script>", "the renderer's own script only",
                   repr(src[:120]))
            rep.ok(n.ancestor("section", "patient") is None and
                   n.ancestor("table", "matrix") is None, page, "<script>",
                   "outside patient sections and the matrix",
                   "inside one")
        for k, v in n.attrs.items():
            if k.startswith("on"):
                rep.ok(False, page, "%s %s" % (n.describe(), k),
                       "no event-handler attribute", repr(v[:80]))
            if k in ("href", "src", "xlink:href", "action", "formaction",
                     "poster", "background"):
                rep.ok(v.startswith("#") or re.match(r"^[^:/?#]+\.html(#.*)?$", v)
                       is not None, page, "%s %s" % (n.describe(), k),
                       "a fragment or a sibling .html page", repr(v))
        if "pwned" in (n.get("class") or "") or "pwned" in (n.get("id") or ""):
            rep.ok(False, page, n.describe(), "no element from a payload",
                   "present")


def check_patient(rep, page, sec, rec, ctx):
    """One <section class="patient"> against screen/replay of its record
    (rec: the record file, its --at, its `--json` line)."""
    pid = sec.get("data-patient")
    path, at, scr = rec
    tools = ctx["tools"]
    if not rep.ok(pid == scr["patient"], page, sec.describe(),
                  "data-patient=%r (input order)" % scr["patient"], repr(pid)):
        return
    where = "%s patient %r" % (page, pid)
    rep.ok(sec.get("data-as-of") == scr["as_of"], where, "data-as-of",
           scr["as_of"], sec.get("data-as-of"))
    text = sec.all_text()
    rep.ok(pid in text, where, "patient text", "the id %r as text" % pid,
           "absent")
    for want in ctx.get("texts", {}).get(path, []):
        rep.ok(want in text, where, "patient text",
               "the record's string %r as text" % want, "absent")
    heads = list(sec.find("header", "patient-head"))
    if rep.ok(len(heads) == 1, where, "header.patient-head", 1, len(heads)):
        h = heads[0]
        rp = tools.replay(path, at)
        first = rp[0].get("first_data") if rp else None
        rep.ok(h.get("data-first") == first, where,
               "header data-first", first, h.get("data-first"))
        last = h.get("data-last")
        rep.ok(is_rfc(last) and first is not None and is_rfc(first) and
               rfc(last) >= rfc(first), where, "header data-last",
               "an RFC 3339 time at or after data-first", last)
    tools.prefetch(path, [r.get("data-from") for r in sec.find("rect", "stretch")
                          if is_rfc(r.get("data-from"))])
    trials = {t["trial"]: t for t in scr["trials"]}
    secs = [s for s in sec.find("section", "trial")]
    seen = [s.get("data-trial") for s in secs]
    rep.ok(sorted(seen) == sorted(trials), where, "trial sections",
           sorted(trials), sorted(seen))
    for ts in secs:
        t = trials.get(ts.get("data-trial"))
        if t is not None:
            check_trial(rep, where, ts, t, scr, path, at, ctx)


def check_trial(rep, where, ts, t, scr, path, at, ctx):
    tid = t["trial"]
    where = "%s trial %s" % (where, tid)
    badges = list(ts.find("span", "badge"))
    if rep.ok(len(badges) == 1, where, "span.badge", "exactly 1", len(badges)):
        b = badges[0]
        rep.ok(b.get("data-trial") == tid, where, "badge data-trial", tid,
               b.get("data-trial"))
        rep.ok(b.get("data-verdict") == t["verdict"], where,
               "badge data-verdict", t["verdict"], b.get("data-verdict"))
        rep.ok(t["verdict"] in b.all_text().lower(), where, "badge text",
               "the word %r" % t["verdict"], repr(b.all_text()))
    since = list(ts.find("p", "eligible-since"))
    want = t.get("eligible_since")
    if want:
        rep.ok(len(since) == 1 and since[0].get("data-time") == want and
               since[0].get("data-trial") == tid, where, "p.eligible-since",
               "data-time=%s" % want, [s.attrs for s in since])
    else:
        rep.ok(not since, where, "p.eligible-since", "none (no eligible_since)",
               [s.attrs for s in since])
    crit = {c["id"]: c for c in t["criteria"]}
    tables = list(ts.find("table", "criteria"))
    if rep.ok(len(tables) == 1 and tables[0].get("data-trial") == tid, where,
              "table.criteria", "one, data-trial=%s" % tid,
              [x.attrs for x in tables]):
        rows = [r for r in tables[0].find("tr") if "data-criterion" in r.attrs]
        got = {r.get("data-criterion"): r.get("data-result") for r in rows}
        rep.ok(len(rows) == len(crit), where, "criteria rows", len(crit),
               len(rows))
        for cid, c in crit.items():
            rep.ok(got.get(cid) == c["result"], where,
                   'tr[data-criterion="%s"] data-result' % cid, c["result"],
                   got.get(cid))
    svgs = list(ts.find("svg", "timeline"))
    if rep.ok(len(svgs) == 1, where, "svg.timeline", "exactly 1", len(svgs)):
        check_timeline(rep, where, svgs[0], t, scr, path, at, ctx)


def check_timeline(rep, where, svg, t, scr, path, at, ctx):
    tid = t["trial"]
    rep.ok(svg.get("data-trial") == tid, where, "svg data-trial", tid,
           svg.get("data-trial"))
    t0s, t1s = svg.get("data-t0"), svg.get("data-t1")
    if not rep.ok(is_rfc(t0s) and is_rfc(t1s) and rfc(t0s) < rfc(t1s), where,
                  "svg data-t0/data-t1", "RFC 3339 times, t0 < t1",
                  (t0s, t1s)):
        return
    x0, x1 = num(rep, where, svg, "data-x0"), num(rep, where, svg, "data-x1")
    if x0 is None or x1 is None or not rep.ok(x0 < x1, where, "svg x0 < x1",
                                              "x0 < x1", (x0, x1)):
        return
    ax = Axis(rfc(t0s), rfc(t1s), x0, x1)
    vb = (svg.get("viewbox") or "").split()      # html.parser lower-cases
    if rep.ok(len(vb) == 4, where, "svg viewBox", "0 0 W H", svg.get("viewbox")):
        rep.ok(vb[2] == svg.get("width") and vb[3] == svg.get("height"),
               where, "svg width/height", "equal to the viewBox W H",
               (svg.get("width"), svg.get("height")))
        rep.ok(float(vb[2]) >= x1, where, "svg width", ">= data-x1", vb[2])
    # The screening time.
    nows = list(svg.find("line", "now"))
    if rep.ok(len(nows) == 1, where, "line.now", 1, len(nows)):
        n = nows[0]
        rep.ok(n.get("data-time") == scr["as_of"], where, "line.now data-time",
               scr["as_of"], n.get("data-time"))
        want = ax.x(rfc(scr["as_of"]))
        for a in ("x1", "x2"):
            v = num(rep, where, n, a)
            rep.ok(close(v, want), where, "line.now " + a,
                   "x(%s) = %.2f" % (scr["as_of"], want), v)
    axes = list(svg.find("g", "axis"))
    rep.ok(len(axes) >= 1 and any(True for _ in axes[0].find("text")), where,
           "g.axis", "hour ticks with <text> labels", len(axes))
    check_series(rep, where, svg, ax, t, ctx)
    check_window(rep, where, svg, ax, t)
    for cls in ("bar", "stay"):
        for r in svg.find("rect", cls):
            check_span_rect(rep, where, r, ax, "rect." + cls)
    check_stretches(rep, where, svg, ax, t, scr, path, at, ctx)


def check_span_rect(rep, where, r, ax, what):
    """x = x(from), width = x(to) - x(from), clipped to the axis when the
    rect says data-clipped="true"."""
    f, to = r.get("data-from"), r.get("data-to")
    desc = "%s %s" % (what, r.describe())
    if not rep.ok(is_rfc(f) and is_rfc(to) and rfc(f) <= rfc(to), where,
                  desc + " data-from/data-to", "RFC 3339, from <= to", (f, to)):
        return
    xa, xb = ax.x(rfc(f)), ax.x(rfc(to))
    if r.get("data-clipped") == "true":
        xa, xb = ax.clip(xa), ax.clip(xb)
    else:
        rep.ok(xa >= ax.x0 - TOL and xb <= ax.x1 + TOL, where, desc,
               "inside the axis or data-clipped=\"true\"",
               "x %.2f..%.2f on axis %.2f..%.2f" % (xa, xb, ax.x0, ax.x1))
    x, w = num(rep, where, r, "x"), num(rep, where, r, "width")
    rep.ok(close(x, xa), where, desc + " x", "x(%s) = %.2f" % (f, xa), x)
    rep.ok(close(w, xb - xa, 2 * TOL), where, desc + " width",
           "x(%s) - x(%s) = %.2f" % (to, f, xb - xa), w)


def check_window(rep, where, svg, ax, t):
    wins = list(svg.find("rect", "window"))
    win = t.get("window")
    if not win or not win.get("opens") or not win.get("closes"):
        rep.ok(not wins, where, "rect.window",
               "none (no window with both times in the NDJSON)",
               [w.attrs for w in wins])
        return
    if not rep.ok(len(wins) == 1, where, "rect.window", 1, len(wins)):
        return
    w = wins[0]
    rep.ok(w.get("data-trial") == t["trial"], where, "rect.window data-trial",
           t["trial"], w.get("data-trial"))
    rep.ok(w.get("data-from") == win["opens"], where,
           "rect.window data-from", win["opens"], w.get("data-from"))
    rep.ok(w.get("data-to") == win["closes"], where,
           "rect.window data-to", win["closes"], w.get("data-to"))
    check_span_rect(rep, where, w, ax, "rect.window")


def check_series(rep, where, svg, ax, t, ctx):
    tid = t["trial"]
    crit_ids = {c["id"] for c in t["criteria"]}
    th = ctx["thresholds"]
    for g in svg.find("g", "series"):
        concept = g.get("data-concept")
        desc = "g.series[data-concept=%s]" % concept
        vals = [num(rep, where, g, a) for a in ("data-v0", "data-v1",
                                                "data-y0", "data-y1")]
        if None in vals:
            continue
        v0, v1, y0, y1 = vals
        if not rep.ok(v0 != v1 and y0 > y1, where, desc,
                      "v0 != v1 and y0 > y1 (y0 the bottom)", vals):
            continue

        def y(v):
            return y0 + (v - v0) / (v1 - v0) * (y1 - y0)

        rep.ok(sum(1 for _ in g.find("polyline", "values")) <= 1, where,
               desc + " polyline.values", "at most one", "more")
        pls = [p for p in g.find("polyline", "samples")]
        if not rep.ok(len(pls) == 1, where, desc + " polyline.samples",
                      "exactly one", len(pls)):
            continue
        check_samples(rep, where, desc, pls[0], ax, y)
        drawn = set()
        for ln in g.find("line", "threshold"):
            cid = ln.get("data-criterion")
            ldesc = "%s line.threshold[%s]" % (desc, cid)
            rep.ok(ln.get("data-trial") == tid, where, ldesc + " data-trial",
                   tid, ln.get("data-trial"))
            rep.ok(cid in crit_ids, where, ldesc + " data-criterion",
                   "a criterion of %s" % tid, cid)
            rep.ok(ln.get("data-concept") == concept, where,
                   ldesc + " data-concept", concept, ln.get("data-concept"))
            rep.ok(ln.get("data-unit") == g.get("data-unit"), where,
                   ldesc + " data-unit", g.get("data-unit"), ln.get("data-unit"))
            try:
                tv = float(ln.get("data-threshold"))
            except (TypeError, ValueError):
                rep.ok(False, where, ldesc + " data-threshold", "a number",
                       ln.get("data-threshold"))
                continue
            allowed = [(v, u) for (cc, v, u) in th.get((tid, cid), [])
                       if cc == concept]
            rep.ok(any(abs(v - tv) < 1e-9 and (u is None or
                                               u == ln.get("data-unit"))
                       for v, u in allowed), where, ldesc + " data-threshold",
                   "one the criteria file gives: %s" % allowed,
                   "%s %s" % (ln.get("data-threshold"), ln.get("data-unit")))
            drawn.add((cid, tv))
            want = y(tv)
            for a in ("y1", "y2"):
                v = num(rep, where, ln, a)
                rep.ok(close(v, want), where, "%s %s" % (ldesc, a),
                       "y(%s) = %.2f" % (tv, want), v)
            lx1, lx2 = num(rep, where, ln, "x1"), num(rep, where, ln, "x2")
            rep.ok(lx1 is not None and lx2 is not None and
                   min(lx1, lx2) <= ax.x0 + TOL and max(lx1, lx2) >= ax.x1 - TOL,
                   where, ldesc + " x1/x2",
                   "spanning the panel %.2f..%.2f" % (ax.x0, ax.x1), (lx1, lx2))
            rep.ok(min(v0, v1) <= tv <= max(v0, v1), where, ldesc,
                   "inside the panel's range %s..%s" % (v0, v1), tv)
        # Every threshold the trial sets on this concept is drawn.
        for (t2, cid), lst in th.items():
            if t2 != tid:
                continue
            for (cc, v, u) in lst:
                if cc == concept and (u is None or u == g.get("data-unit")):
                    rep.ok((cid, v) in drawn, where, desc,
                           "a threshold line %s at %s for %s" % (concept, v, cid),
                           "none")


def stretches_by_row(svg):
    rows = {}
    for r in svg.find("rect", "stretch"):
        rows.setdefault(r.get("data-criterion"), []).append(r)
    return rows


def check_samples(rep, where, desc, pl, ax, y):
    """The samples' polyline: point i at (x(data-times[i]), y(data-values[i]));
    a lone sample's point is written twice (a marker needs a segment)."""
    times = (pl.get("data-times") or "").split()
    vals = (pl.get("data-values") or "").split()
    pts = (pl.get("points") or "").split()
    d = desc + " polyline.samples"
    if len(times) == 1 and len(pts) == 2:
        rep.ok(pts[0] == pts[1], where, d + " points", "a lone point twice", pts)
        pts = pts[:1]
    if not rep.ok(len(times) == len(vals) == len(pts), where, d,
                  "as many data-times, data-values and points",
                  (len(times), len(vals), len(pts))):
        return
    for tm, v, pt in zip(times, vals, pts):
        try:
            fv = float(v)
            cx, cy = (float(c) for c in pt.split(","))
        except ValueError:
            rep.ok(False, where, d, "numbers", (v, pt))
            continue
        if not rep.ok(is_rfc(tm), where, d + " data-times", "RFC 3339", tm):
            continue
        for c in pt.split(","):
            rep.ok(NUM_RE.match(c) is not None, where, d + " points",
                   "numbers with at most 2 decimals", pt)
        rep.ok(close(cx, ax.x(rfc(tm))), where,
               "%s sample at %s x" % (desc, tm), "%.2f" % ax.x(rfc(tm)), cx)
        rep.ok(close(cy, y(fv)), where,
               "%s sample %s at %s y" % (desc, v, tm), "%.2f" % y(fv), cy)


def check_stretches(rep, where, svg, ax, t, scr, path, at, ctx):
    tid = t["trial"]
    tools = ctx["tools"]
    want_final = {c["id"]: c["result"] for c in t["criteria"]}
    want_final["verdict"] = t["verdict"]
    rows = stretches_by_row(svg)
    # A criterion that replay did not need to evaluate (the verdict was
    # already settled) has gaps, even a row with no stretch; the verdict
    # row has none.
    rep.ok(set(rows) <= set(want_final) and "verdict" in rows, where,
           "stretch rows", "the verdict and criteria of %s" % tid, sorted(rows))
    texts = svg.all_text()
    for cid in want_final:
        rep.ok(cid == "verdict" or cid in texts, where,
               'row label "%s"' % cid, "a <text> with the criterion id", "none")
    for cid, rects in rows.items():
        desc = 'rect.stretch[data-criterion="%s"]' % cid
        if cid not in want_final:
            continue
        spans = []
        for r in rects:
            check_span_rect(rep, where, r, ax, desc)
            rep.ok(r.get("data-trial") == tid, where, desc + " data-trial",
                   tid, r.get("data-trial"))
            allowed = VERDICTS if cid == "verdict" else RESULTS
            rep.ok(r.get("data-result") in allowed, where, desc + " data-result",
                   "one of %s" % (allowed,), r.get("data-result"))
            rep.ok((cid == "verdict") == r.has_class("verdict"), where,
                   desc + " class", "verdict only on the verdict row",
                   r.get("class"))
            if is_rfc(r.get("data-from")) and is_rfc(r.get("data-to")):
                spans.append((rfc(r.get("data-from")), rfc(r.get("data-to")),
                              r.get("data-result"), r.get("data-from")))
        spans.sort()
        for a, b in zip(spans, spans[1:]):
            gapless = cid != "verdict" or a[1] == b[0]
            rep.ok(a[1] <= b[0] and gapless and (a[1] < b[0] or a[2] != b[2]),
                   where, desc, "maximal stretches in order, not overlapping"
                   + ("" if cid != "verdict" else ", no gap"),
                   "%s..%s %s then %s..%s %s" % (fmt_rfc(a[0]), fmt_rfc(a[1]),
                                                 a[2], fmt_rfc(b[0]),
                                                 fmt_rfc(b[1]), b[2]))
        if not spans:
            continue
        end = rfc(scr["as_of"])
        if cid == "verdict":
            rep.ok(spans[-1][1] == end, where, desc + " last data-to",
                   scr["as_of"], fmt_rfc(spans[-1][1]))
        last = [sp for sp in spans if sp[0] == sp[1] == end] or \
               [sp for sp in spans if sp[1] == end]
        if last:
            rep.ok(last[0][2] == want_final[cid], where,
                   desc + " at the screening time",
                   "%s (the NDJSON)" % want_final[cid], last[0][2])
        # Each stretch holds at its start, as screen --at sees it.
        for (a, b, res, fs) in spans:
            got = result_at(tools, path, at, fs, scr["patient"], tid, cid)
            rep.ok(got == res, where, "%s from %s" % (desc, fs),
                   "%s (screened at %s)" % (got, fs), res)
    check_verdict_points(rep, where, svg, rows.get("verdict", []), t, scr,
                         path, at, tools)


def result_at(tools, path, at, when, pid, tid, cid):
    """What screening at WHEN says of criterion cid (or the verdict)."""
    o = tools.screen_at(path, when)
    for t in (o or {}).get("trials", []):
        if t["trial"] != tid:
            continue
        if cid == "verdict":
            return t["verdict"]
        for c in t["criteria"]:
            if c["id"] == cid:
                return c["result"]
    return None


def renderer_step(svg, t0, end):
    """The renderer's grid step, as far as the picture shows it: the gcd of
    every stretch boundary's distance from t0 (the screening time, the
    last point, is off the grid).  None when no boundary is inside."""
    g = 0
    for r in svg.find("rect", "stretch"):
        for a in ("data-from", "data-to"):
            v = r.get(a)
            if is_rfc(v) and rfc(v) not in (t0, end):
                g = math.gcd(g, int(rfc(v) - t0))
    return g or None


def check_verdict_points(rep, where, svg, rects, t, scr, path, at, tools):
    """The verdict row against replay on the renderer's grid: `replay
    --points` at every grid point the stretches imply must give the verdict
    of the stretch covering it, and `replay --json` on that grid the same
    eligible intervals.  Replay's grid counts multiples of --step from
    00:00 UTC, so it runs at a step that also divides t0's offset, and only
    its points on the renderer's grid are compared."""
    tid = t["trial"]
    spans = sorted((rfc(r.get("data-from")), rfc(r.get("data-to")),
                    r.get("data-result")) for r in rects
                   if is_rfc(r.get("data-from")) and is_rfc(r.get("data-to")))
    t0s = svg.get("data-t0")
    if not spans or not is_rfc(t0s):
        return
    t0, end = rfc(t0s), rfc(scr["as_of"])
    step = renderer_step(svg, t0, end)
    if step is None:
        return     # one stretch: its start and end are checked already
    g = math.gcd(step, int(t0) % 86400)
    if g < 60:
        return
    extra = ["--from", t0s, "--step", "%ds" % g]
    bad = []
    npts = 0
    for p in tools.points(path, at, extra):
        if tid not in p.get("verdicts", {}):
            continue
        tp = rfc(p["at"])
        if tp < t0 or (tp != end and int(tp - t0) % step):
            continue
        npts += 1
        # A point is in [from, to); the screening time may have a stretch
        # of its own (from = to = the screening time) or end the last one.
        cover = [sp for sp in spans if sp[0] <= tp < sp[1] or sp[0] == sp[1] == tp]
        cover += [sp for sp in spans if tp == sp[1] == end]
        got = cover[0][2] if cover else None
        if got != p["verdicts"][tid]:
            bad.append(p["at"])
            if len(bad) == 1:
                rep.ok(False, where, "verdict stretch at %s" % p["at"],
                       "%s (replay --points --step %ds)" % (p["verdicts"][tid], g),
                       got)
    rep.ok(not bad and npts > 0, where, "verdict stretches",
           "replay --points at every grid point",
           "%d of %d points differ" % (len(bad), npts))
    if g != step:
        return
    rp = tools.replay(path, at, extra)
    if rp and tid in rp[0].get("trials", {}):
        want = [(i["from"], i["to"]) for i in rp[0]["trials"][tid]["eligible"]]
        got = [(fmt_rfc(a), fmt_rfc(b)) for (a, b, res) in spans
               if res == "eligible"]
        rep.ok(got == want, where, "eligible verdict stretches",
               "%s (replay --json --step %ds)" % (want, g), got)


def check_index(rep, page, root, recs, paths, ctx, pagedir):
    """The batch matrix and funnels against --json and --summary; rows in
    input order (ids may repeat).  Returns, per row, the page its link
    leads to (None when the link is a fragment of this page)."""
    tools = ctx["tools"]
    mats = list(root.find("table", "matrix"))
    if not rep.ok(len(mats) == 1, page, "table.matrix", 1, len(mats)):
        return []
    rows = [r for r in mats[0].find("tr") if "data-patient" in r.attrs]
    want_ids = [rec[2]["patient"] for rec in recs]
    got_ids = [r.get("data-patient") for r in rows]
    if not rep.ok(got_ids == want_ids, page, "matrix rows (data-patient)",
                  want_ids, got_ids):
        return []
    targets = []
    for r, (path, at, o) in zip(rows, recs):
        cells = {c.get("data-trial"): c for c in r.find("td")
                 if "data-trial" in c.attrs}
        rep.ok(sorted(cells) == sorted(t["trial"] for t in o["trials"]), page,
               "tr[data-patient=%r] cells" % o["patient"],
               "one td per trial", sorted(cells))
        rep.ok(o["patient"] in r.all_text(), page,
               "tr[data-patient=%r] text" % o["patient"], "the id as text",
               repr(r.all_text()[:80]))
        hrefs = [a.get("href") for a in r.find("a") if a.get("href")]
        target = None
        ok = False
        for h in hrefs:
            res = link_target(root, h, pagedir, o["patient"])
            if res is not False:
                ok, target = True, res
                break
        rep.ok(ok, page, "tr[data-patient=%r] link" % o["patient"],
               "a link to the patient's section or page", hrefs)
        targets.append(target)
        for tt in o["trials"]:
            c = cells.get(tt["trial"])
            cdesc = 'tr[data-patient=%r] td[data-trial="%s"]' % (
                o["patient"], tt["trial"])
            if not rep.ok(c is not None, page, cdesc, "a cell", "none"):
                continue
            rep.ok(c.get("data-verdict") == tt["verdict"], page,
                   cdesc + " data-verdict", tt["verdict"], c.get("data-verdict"))
    check_funnels(rep, page, root, tools.summary(paths, None))
    return targets


def check_funnels(rep, page, root, summ):
    """Per trial one svg.funnel; each funnel-step's data-count is the
    criterion's `excluded` count of --summary."""
    for st in summ["trials"]:
        tid = st["trial"]
        funnels = [f for f in root.find("svg", "funnel")
                   if f.get("data-trial") == tid]
        if not rep.ok(len(funnels) == 1, page, "svg.funnel[%s]" % tid, 1,
                      len(funnels)):
            continue
        counts = {c["id"]: c["excluded"] for c in st["criteria"]}
        steps = list(funnels[0].find("rect", "funnel-step"))
        got = {s.get("data-criterion"): s.get("data-count") for s in steps}
        rep.ok(sorted(got) == sorted(counts), page,
               "svg.funnel[%s] funnel-step rows" % tid,
               "one per criterion", sorted(got))
        for s in steps:
            cid = s.get("data-criterion")
            rep.ok(s.get("data-trial") == tid, page,
                   "funnel-step %s data-trial" % cid, tid, s.get("data-trial"))
            rep.ok(cid in counts and s.get("data-count") == str(counts[cid]),
                   page, "svg.funnel[%s] funnel-step[%s] data-count" % (tid, cid),
                   "%s (--summary excluded)" % counts.get(cid),
                   s.get("data-count"))


def link_target(root, href, pagedir, pid):
    """None for a fragment of this page naming the patient's section, the
    path of a sibling page holding it, False otherwise."""
    if href.startswith("#"):
        frag = href[1:]
        found = any(n.get("id") == frag and n.tag == "section" and
                    n.get("data-patient") == pid for n in root.walk())
        return None if found else False
    name = href.split("#", 1)[0]
    p = os.path.join(pagedir, name)
    if "/" in name or not os.path.isfile(p):
        return False
    with open(p, encoding="utf-8") as fh:
        dom, _ = parse_dom(fh.read())
    if any(s.get("data-patient") == pid for s in dom.find("section", "patient")):
        return p
    return False


# -------------------------------------------------------------- inputs

def hostile_records(tmp, base_json):
    """Two records built on an example, with ids and strings meant to break
    out of text and attributes.  Returns their paths, and per path the
    strings its page must show as text (the ECMO mode, in the readings)."""
    with open(base_json, encoding="utf-8") as fh:
        base = json.load(fh)
    specs = [
        ("hostile-script.json", '<script>alert(1)</script>',
         'VA" onmouseover="alert(2)" data-result="met & <i class="pwned">'),
        ('hostile "attr" & <b>.json',
         '"><svg onload="document.body.setAttribute(\'data-pwned\',1)"> '
         '& inc-map" data-criterion="inc-map\' &amp; &lt;',
         "<img src=x onerror=\"document.body.setAttribute('data-pwned',2)\">"),
    ]
    out, texts = [], {}
    for name, pid, mode in specs:
        r = json.loads(json.dumps(base))
        r["id"] = pid
        r.setdefault("procedures", []).append(
            {"code": "ecmo", "start": "2026-03-01T10:00:00Z", "mode": mode})
        p = os.path.join(tmp, name)
        with open(p, "w", encoding="utf-8") as fh:
            json.dump(r, fh, ensure_ascii=False)
        out.append(p)
        texts[p] = [mode]
    return out, texts


def generated_records(args, tmp, tools):
    """Patients of a fixed-seed cohort that reach each verdict, one without
    as_of; each in a file of its own with the --at it is screened at."""
    cohort = os.path.join(tmp, "cohort.ndjson")
    with open(cohort, "w") as fh:
        subprocess.run([args.gencohort, "-n", str(COHORT_N), "-s",
                        str(COHORT_SEED), "-r"], stdout=fh, check=True)
    with open(cohort, encoding="utf-8") as fh:
        recs = [json.loads(l) for l in fh if l.strip()]
    verdicts = {o["patient"]: [t["verdict"] for t in o["trials"]]
                for o in tools.screen(cohort)}
    chosen = []

    def pick(pred):
        for r in recs:
            if r["id"] not in [c["id"] for c in chosen] and "as_of" in r and \
                    pred(verdicts.get(r["id"], []), r):
                chosen.append(r)
                return

    pick(lambda v, r: "eligible" in v)
    pick(lambda v, r: "incomplete" in v and "eligible" not in v)
    pick(lambda v, r: v and set(v) == {"ineligible"})
    for r in recs:
        if "as_of" not in r:
            chosen.append(r)
            break
    out = []
    for r in chosen:
        p = os.path.join(tmp, "gen-%s.json" % r["id"])
        with open(p, "w", encoding="utf-8") as fh:
            json.dump(r, fh)
        at = None
        if "as_of" not in r:
            at = fmt_rfc(last_time(r) + FIXED_AT_PAD)
        out.append((p, at))
    return out


def last_time(rec):
    ts = []

    def walk(n):
        if isinstance(n, dict):
            for k, v in n.items():
                if k in ("time", "start", "end", "onset") and is_rfc(v):
                    ts.append(rfc(v))
                else:
                    walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)

    walk(rec)
    return max(ts)


# -------------------------------------------------------------- main

def render(tools, argv):
    tools.run([tools.bin] + argv, ok_codes=(0, 1))


def screen_many(self, paths, at):
    argv = ["--json", "--no-warnings"] + (["--at", at] if at else [])
    return [o for o in self.lines(argv + paths) if "patient" in o]


Tools.screen_many = screen_many


class Page:
    """A page to check: its file, kind (patient, batch, index), the
    records of its patient sections in order, whether a browser loads it
    (else its own markup is parsed: the pages of --html-dir that repeat a
    browsed one), and for an index the record paths of the batch."""

    def __init__(self, path, kind, recs, browser=True, paths=None, rows=None):
        self.path, self.kind, self.recs = path, kind, recs
        self.browser, self.paths, self.rows = browser, paths, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="./trialscreen")
    ap.add_argument("--gencohort", default="bench/gencohort")
    ap.add_argument("--chromium", default=os.environ.get("CHROMIUM", "chromium"))
    ap.add_argument("--criteria", default="criteria")
    ap.add_argument("--keep", help="keep pages and screenshots in DIR")
    ap.add_argument("--docs-img", help="copy the README screenshots to DIR")
    ap.add_argument("-j", type=int, default=4, help="browsers at once")
    ap.add_argument("--no-self-test", action="store_true",
                    help="skip the broken copies the checks must reject")
    ap.add_argument("-v", action="store_true")
    ap.add_argument("records", nargs="*",
                    help="more patient records (*.json, one a file) to "
                         "render and check like the examples")
    args = ap.parse_args()
    started = time.time()
    exe = shutil.which(args.chromium)
    if exe is None:
        print("check-html: no %s (install it: apt-get install chromium, or "
              "make deps-html)" % args.chromium, file=sys.stderr)
        return 2
    if importlib.util.find_spec("PIL") is None:
        # python3 may be another interpreter than Debian's (pyenv, venv),
        # whose python3-pil it cannot import: run under Debian's then.
        deb = "/usr/bin/python3"
        if os.path.realpath(sys.executable) != os.path.realpath(deb) and \
                subprocess.run([deb, "-c", "import PIL, yaml"],
                               capture_output=True).returncode == 0:
            os.execv(deb, [deb] + sys.argv)
        print("check-html: no PIL (apt-get install python3-pil, or make "
              "deps-html)", file=sys.stderr)
        return 2
    rep = Report(args.v)
    # Interrupted (make's ^C, a CI timeout): still remove the temporary
    # directory, through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    tmp = tempfile.mkdtemp(prefix="check-html-")
    try:
        rc = run(args, exe, rep, tmp)
    finally:
        if args.keep:
            if os.path.exists(args.keep):
                shutil.rmtree(args.keep)
            shutil.copytree(tmp, args.keep,
                            ignore=shutil.ignore_patterns("profile-*"))
        shutil.rmtree(tmp, ignore_errors=True)
    took = time.time() - started
    if rep.failures:
        print("check-html: FAILED: %d of %d checks (%.0f s)" % (
            len(rep.failures), rep.checks, took), file=sys.stderr)
        return 1
    print("check-html: %d checks passed on %d pages in %.0f s" % (
        rep.checks, rc, took))
    return 0


def run(args, exe, rep, tmp):
    tools = Tools(args, tmp, rep)
    ctx = {"tools": tools, "thresholds": criteria_thresholds(args.criteria)}
    examples = sorted(glob.glob("examples/*.json"))
    hostile, ctx["texts"] = hostile_records(
        tmp, "examples/ecmo-rescue-eligible.json")
    gen = generated_records(args, tmp, tools)
    singles = [(p, None) for p in examples + hostile] + gen + \
        [(p, None) for p in args.records]
    pagedir = os.path.join(tmp, "pages")
    os.makedirs(pagedir)
    pages = []
    for i, (p, at) in enumerate(singles):
        out = os.path.join(pagedir, "p%02d-%s.html" % (
            i, re.sub(r"[^A-Za-z0-9.-]", "_", os.path.basename(p))[:40]))
        render(tools, ["--format", "html", "-o", out] +
               (["--at", at] if at else []) + [p])
        recs = [(p, at, o) for o in tools.screen(p, at)]
        pages.append(Page(out, "patient", recs))
    rep.note("generated patients: %s" % ", ".join(
        "%s%s" % (os.path.basename(p), " --at " + at if at else "")
        for p, at in gen))
    # One file, several patients: sections in input order and the matrix.
    batch_paths = examples + hostile
    batch_recs = [(o["source"], None, o)
                  for o in tools.screen_many(batch_paths, None)]
    out = os.path.join(pagedir, "batch.html")
    render(tools, ["--format", "html", "-o", out] + batch_paths)
    pages.append(Page(out, "batch", batch_recs, paths=batch_paths,
                      rows=batch_recs))
    # --html-dir: one page a patient plus index.html; the index links say
    # which page is whose.  The hostile one goes to the browser, the others
    # are read as written (same renderer, same records as the single
    # pages).  Ids are unique here; repeated ids have a check of their own.
    seen, dir_paths = set(), []
    for rec in batch_recs:
        if rec[2]["patient"] not in seen:
            seen.add(rec[2]["patient"])
            dir_paths.append(rec[0])
    dir_paths += [p for p, at in gen if at is None]
    dir_recs = [(o["source"], None, o)
                for o in tools.screen_many(dir_paths, None)]
    hdir = os.path.join(tmp, "htmldir")
    render(tools, ["--html-dir", hdir] + dir_paths)
    check_html_dir(rep, hdir, len(dir_recs))
    index = os.path.join(hdir, "index.html")
    if os.path.isfile(index):
        pages.append(Page(index, "index", [], paths=dir_paths, rows=dir_recs))
        with open(index, encoding="utf-8") as fh:
            iroot, _ = parse_dom(fh.read())
        targets = check_index(rep, "htmldir/index.html (as written)", iroot,
                              dir_recs, dir_paths, ctx, hdir)
        for tgt, rec in zip(targets, dir_recs):
            if tgt:
                pages.append(Page(tgt, "patient", [rec],
                                  browser=rec[0] == hostile[-1]))
    check_repeated_ids(rep, tools, tmp, examples)
    t = time.time()
    rep.note("pages rendered: %d trialscreen runs so far" % tools.calls)
    if args.docs_img:
        # The README's picture: one trial (ECMO-RESCUE) of the eligible
        # example, so that its MAP threshold and window are on screen.
        ex = "examples/%s.json" % EX
        out = os.path.join(pagedir, "docs-%s.html" % EX)
        render(tools, ["--format", "html", "-t", DOCS_TRIAL, "-o", out, ex])
        recs = [(ex, None, o) for o in tools.lines(
            ["--json", "--no-warnings", "-t", DOCS_TRIAL, ex])]
        pages.append(Page(out, "docs", recs))
        # and the index of the examples and generated patients.
        paths = examples + [p for p, at in gen if at is None]
        rows = [(o["source"], None, o) for o in tools.screen_many(paths, None)]
        ddir = os.path.join(tmp, "htmldir-docs")
        render(tools, ["--html-dir", ddir] + paths)
        pages.append(Page(os.path.join(ddir, "index.html"), "docs-index", [],
                          paths=paths, rows=rows))
    done = run_pages(args, exe, rep, tmp, pages, ctx, "shots")
    if args.docs_img:
        save_docs_images(args.docs_img, done, pages)
    rep.note("pages browsed and checked in %.0f s, %d trialscreen runs" % (
        time.time() - t, tools.calls))
    n = sum(1 for pg in pages if pg.browser)
    if not args.no_self_test:
        t = time.time()
        n += self_test(args, exe, rep, tmp, pages, ctx)
        rep.note("self-test in %.0f s" % (time.time() - t))
    return n


def run_pages(args, exe, rep, tmp, pages, ctx, sub, report_for=None):
    """Load the pages (those with .browser) in Chromium, -j at a time, and
    check each.  report_for(page) gives the Report a page's checks go to."""
    shots = os.path.join(tmp, sub)
    os.makedirs(shots, exist_ok=True)
    done = {}
    t = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.j) as pool:
        futs = [(pool.submit(browse, exe, pg.path, shots), pg)
                for pg in pages if pg.browser]
        for f, pg in futs:
            try:
                done[pg.path] = f.result()
            except RuntimeError as e:
                r = report_for(pg) if report_for else rep
                r.ok(False, pg.path, "chromium", "the page loaded", str(e))
    rep.note("%d pages in the browser: %.0f s" % (len(done), time.time() - t))
    for pg in pages:
        r = report_for(pg) if report_for else rep
        if pg.browser and pg.path not in done:
            continue
        check_page(r, pg, done.get(pg.path), ctx, tmp)
    return done


def check_html_dir(rep, hdir, npatients):
    """Every file the batch wrote is a plain .html file inside DIR, one a
    patient plus index.html, and nothing was written beside DIR (a hostile
    id must not lead a page out of it)."""
    if not rep.ok(os.path.isdir(hdir), hdir, "--html-dir", "a directory",
                  "none"):
        return
    n = 0
    for dp, dns, fns in os.walk(hdir):
        for f in fns:
            p = os.path.join(dp, f)
            rep.ok(dp == hdir and f.endswith(".html") and
                   not f.startswith(".") and not os.path.islink(p), "htmldir",
                   "file %r" % f, "a .html page directly in DIR", p)
            n += 1
        for d in dns:
            rep.ok(False, "htmldir", "sub-directory %r" % d, "none", "present")
    rep.ok(n == npatients + 1, "htmldir", "pages",
           "%d (one a patient, plus index.html)" % (npatients + 1), n)
    parent = os.path.dirname(hdir)
    stray = sorted(f for f in os.listdir(parent)
                   if f not in ("htmldir", "htmldir-repeated", "htmldir-docs",
                                "pages",
                                "shots", "broken", "broken-shots",
                                "cohort.ndjson") and
                   not f.startswith(("gen-", "hostile", "profile-")))
    rep.ok(not stray, "htmldir", "files beside DIR", "none", stray)


def check_repeated_ids(rep, tools, tmp, examples):
    """Two records with one id (two stays of a patient, two extracts) are
    two pages in --html-dir: neither may overwrite the other."""
    by_id = {}
    for p in examples:
        for o in tools.screen(p):
            by_id.setdefault(o["patient"], []).append(p)
    dups = next((v for v in by_id.values() if len(v) > 1), None)
    if dups is None:
        return
    hdir = os.path.join(tmp, "htmldir-repeated")
    render(tools, ["--html-dir", hdir] + dups)
    pid = tools.screen(dups[0])[0]["patient"]
    sources = set()
    for f in sorted(os.listdir(hdir)):
        if f == "index.html" or not f.endswith(".html"):
            continue
        with open(os.path.join(hdir, f), encoding="utf-8") as fh:
            root, _ = parse_dom(fh.read())
        for sec in root.find("section", "patient"):
            if sec.get("data-patient") == pid:
                sources.add(f)
    rep.ok(len(sources) == len(dups), "htmldir-repeated",
           "pages of the %d records with id %r (%s)" % (
               len(dups), pid, ", ".join(dups)),
           "%d pages" % len(dups), "%d: %s" % (len(sources), sorted(sources)))


PAYLOAD_MARKS = ("alert(", "pwned")


def check_page(rep, pg, browsed, ctx, tmp):
    name = os.path.relpath(pg.path, tmp)
    with open(pg.path, encoding="utf-8") as fh:
        raw = fh.read()
    check_static(rep, name, raw)
    if browsed:
        dom, shot = browsed
        root, doctype = parse_dom(dom)
        ncol, frac = check_screenshot(rep, name, shot)
        rep.note("%s: %d colours, %.1f%% ink" % (name, ncol, 100 * frac))
    else:
        root, doctype = parse_dom(raw)
    check_document(rep, name, root, doctype, PAYLOAD_MARKS)
    sections = list(root.find("section", "patient"))
    if rep.ok(len(sections) == len(pg.recs), name, "section.patient",
              "%d (one a patient, input order)" % len(pg.recs),
              len(sections)):
        for sec, rec in zip(sections, pg.recs):
            check_patient(rep, name, sec, rec, ctx)
    if pg.kind in ("batch", "index", "docs-index"):
        check_index(rep, name, root, pg.rows, pg.paths, ctx,
                    os.path.dirname(pg.path))


# -------------------------------------------------------------- self-test
#
# The checks must be able to fail: broken copies of real pages, each with
# one defect, are checked like the others and every one must be rejected
# with a failure that names the broken element.  The defects in the markup
# are checked as written; the two that only a browser shows (a blank page,
# a payload that runs) are loaded in Chromium.

def bump(delta):
    def f(m):
        return m.group(1) + "%.2f" % (float(m.group(2)) + delta) + m.group(3)
    return f


def other_verdict(m):
    v = {"eligible": "ineligible", "ineligible": "eligible",
         "incomplete": "eligible"}[m.group(2)]
    return m.group(1) + v + m.group(3)


def other_result(m):
    v = {"met": "not_met", "not_met": "met", "unknown": "met"}[m.group(2)]
    return m.group(1) + v + m.group(3)


NUMV = r'(-?[0-9.]+)(")'
EX = "ecmo-rescue-eligible"
DOCS_TRIAL = "NCT05184296"
MUTATIONS = [
    # (name, page base-name part, regex, replacement, expected in a
    #  failure, needs the browser)
    ("badge verdict", EX,
     r'(<span class="badge"[^>]*\bdata-verdict=")([a-z]+)(")', other_verdict,
     "badge data-verdict", False),
    ("threshold y", EX,
     r'(<line class="threshold"[^>]*\by1=")' + NUMV, bump(5),
     "line.threshold", False),
    ("threshold value", EX,
     r'(<line class="threshold"[^>]*\bdata-threshold=")' + NUMV, bump(1),
     "data-threshold", False),
    ("window x", EX,
     r'(<rect class="window"[^>]*\bx=")' + NUMV, bump(7), "rect.window", False),
    ("window time", EX,
     r'(<rect class="window"[^>]*\bdata-to="[^"]*T)([0-9][0-9])(:)',
     lambda m: m.group(1) + "%02d" % ((int(m.group(2)) + 1) % 24) + m.group(3),
     "rect.window", False),
    ("stretch result", EX,
     r'(<rect class="stretch"[^>]*\bdata-result=")([a-z_]+)(")', other_result,
     "rect.stretch", False),
    ("sample y", EX,
     r'(<polyline class="values samples"[^>]*\bpoints="[0-9.]+,)(-?[0-9.]+)( )',
     bump(3), "sample", False),
    ("now x", EX,
     r'(<line class="now"[^>]*\bx1=")' + NUMV, bump(4), "line.now", False),
    ("table result", EX,
     r'(<tr[^>]*\bdata-result=")([a-z_]+)(")', other_result,
     "data-result", False),
    ("external stylesheet", EX, r'()(</head>)()',
     lambda m: '<link rel="stylesheet" href="http://example.org/a.css"></head>',
     "no <link", False),
    ("unescaped id", "hostile-script",
     r'()(&lt;script&gt;alert\(1\)&lt;/script&gt;)()',
     lambda m: "<script>document.body.setAttribute('data-pwned','1')</script>",
     "no payload ran", True),
    ("blank page", EX, r'()(</head>)()',
     lambda m: "<style>body{visibility:hidden}</style></head>", "screenshot",
     True),
]


def self_test(args, exe, rep, tmp, pages, ctx):
    mdir = os.path.join(tmp, "broken")
    os.makedirs(mdir)
    broken = []
    subs = {}
    for i, (name, part, rx, repl, expect, browser) in enumerate(MUTATIONS):
        src = next((pg for pg in pages if pg.kind == "patient" and
                    part in os.path.basename(pg.path)), None)
        if not rep.ok(src is not None, "self-test", name,
                      "a page to break (%s)" % part, "none"):
            continue
        with open(src.path, encoding="utf-8") as fh:
            raw = fh.read()
        # Every occurrence: the first may be in <title>, where a tag is text.
        text, n = re.subn(rx, repl, raw, count=0 if browser else 1)
        if not rep.ok(n >= 1, "self-test", name,
                      "the defect applied to %s" % os.path.basename(src.path),
                      "no match for %s" % rx):
            continue
        out = os.path.join(mdir, "m%02d-%s" % (i, os.path.basename(src.path)))
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text)
        pg = Page(out, "patient", src.recs, browser=browser)
        broken.append((name, expect, pg))
        subs[out] = Report(False, quiet=True)
    run_pages(args, exe, rep, tmp, [b[2] for b in broken], ctx, "broken-shots",
              report_for=lambda pg: subs[pg.path])
    for name, expect, pg in broken:
        sub = subs[pg.path]
        hit = [m for m in sub.failures if expect in m]
        rep.ok(bool(hit), "self-test", name, "a failure naming %r" % expect,
               sub.failures[:3] if sub.failures else "no failure")
        rep.note("self-test %s: %s" % (name, hit[0] if hit else "MISSED"))
    return sum(1 for b in broken if b[2].browser)


def save_docs_images(dest, done, pages):
    """The pictures of docs/img: ECMO-RESCUE on the eligible example, the
    --html-dir index of the examples and generated patients."""
    os.makedirs(dest, exist_ok=True)
    for pg in pages:
        if pg.path not in done:
            continue
        shot = done[pg.path][1]
        if pg.kind == "docs":
            shutil.copy(shot, os.path.join(dest, "patient.png"))
        if pg.kind == "docs-index":
            shutil.copy(shot, os.path.join(dest, "index.png"))


if __name__ == "__main__":
    sys.exit(main())
