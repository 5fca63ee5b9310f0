"""analyzer_testlib - what the analyzer's CLI tests add to testlib.

Runs `h5snoop report|plot|export`, parses their CSV and JSON outputs with
Python's own modules, and checks SVG files with xmllint and rsvg-convert
(librsvg2-bin): well-formed, and rendered to a PNG that is not blank
(pixels read by pngread).
"""

import csv
import io
import json
import os
import shutil
import subprocess

import pngread
import testlib
from testlib import check, fail


def h5snoop(args, cwd=None, timeout=300):
    """Runs h5snoop ARGS; returns (exit status, stdout text, stderr
    text)."""
    p = subprocess.run([testlib.h5snoop_bin()] + list(args), cwd=cwd,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout, env=testlib.base_env())
    return (p.returncode, p.stdout.decode("utf-8"),
            p.stderr.decode("utf-8"))


def ok(args, cwd=None):
    """h5snoop ARGS must exit 0; returns its stdout."""
    rc, out, err = h5snoop(args, cwd)
    check(rc == 0, "h5snoop %s: exit %d\n%s" % (" ".join(args), rc, err))
    return out


def run_plain(cmd, timeout=300):
    """Runs a tool that is not under test (h5repack...) with nothing
    preloaded: a sanitized build's ASan runtime has no business there."""
    env = dict(os.environ)
    for k in ("LD_PRELOAD", "ASAN_OPTIONS"):
        env.pop(k, None)
    return subprocess.run(cmd, env=env, timeout=timeout,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def parse_csv(text, what):
    """Rows (dicts) of a CSV text; fails the test if Python's csv module
    cannot read it or rows have other lengths than the header."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as e:
        fail("%s: not CSV: %s" % (what, e))
    check(len(rows) >= 1, "%s: no header" % what)
    for r in rows[1:]:
        check(len(r) == len(rows[0]),
              "%s: a row of %d fields under a header of %d: %r"
              % (what, len(r), len(rows[0]), r))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def parse_json(text, what):
    try:
        return json.loads(text)
    except ValueError as e:
        fail("%s: not JSON: %s" % (what, e))


def parse_jsonl(text, what):
    out = []
    for i, line in enumerate(text.splitlines()):
        try:
            out.append(json.loads(line))
        except ValueError as e:
            fail("%s: line %d is not JSON: %s" % (what, i + 1, e))
    return out


def check_png(png, what, min_colors=2):
    """The PNG at png is not blank: some ink (not near-white pixels) and
    at least min_colors saturated colors; returns its statistics."""
    try:
        st = pngread.stats(png)
    except ValueError as e:
        fail("%s: cannot read %s: %s" % (what, png, e))
    check(st["ink"] > 0.005 and st["colors"] >= min_colors,
          "%s renders blank or colorless: %r" % (what, st))
    return st


def check_svg(path, zoom=0.5, min_colors=2):
    """xmllint finds path well-formed; rsvg-convert renders it (at zoom)
    to a PNG that is not blank; returns the PNG's statistics."""
    if shutil.which("xmllint"):
        p = subprocess.run(["xmllint", "--noout", path],
                           stderr=subprocess.PIPE, timeout=120)
        check(p.returncode == 0, "%s is not well-formed XML:\n%s"
              % (path, p.stderr.decode(errors="replace")))
    else:
        fail("xmllint not found (apt-get install libxml2-utils)")
    if shutil.which("rsvg-convert"):
        png = path[:-4] + ".png"
        p = subprocess.run(["rsvg-convert", "-z", str(zoom), "-o", png,
                            path], stderr=subprocess.PIPE, timeout=120)
        check(p.returncode == 0 and os.path.getsize(png) > 0,
              "rsvg-convert cannot render %s:\n%s"
              % (path, p.stderr.decode(errors="replace")))
        return check_png(png, path, min_colors)
    else:
        fail("rsvg-convert not found (apt-get install librsvg2-bin)")


def plot_and_check(traces, out_dir, extra=()):
    """h5snoop plot into out_dir; every SVG written is checked; returns
    their names."""
    ok(["plot", "-o", out_dir] + list(extra) + list(traces))
    names = sorted(n for n in os.listdir(out_dir) if n.endswith(".svg"))
    check("compare.svg" in names and "timeline.svg" in names,
          "plot wrote %r" % names)
    for n in names:
        check_svg(os.path.join(out_dir, n))
    return names


def report_json(traces, extra=()):
    return parse_json(ok(["report", "-f", "json"] + list(extra)
                         + list(traces)), "report json")


def report_csv(traces, extra=()):
    return parse_csv(ok(["report", "-f", "csv"] + list(extra)
                        + list(traces)), "report csv")
