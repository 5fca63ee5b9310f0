#!/usr/bin/python3
"""test_plots.py - the pictures of `h5snoop plot` as a person sees them,
on the traces of four runs of four flavors made by make_runs_trace (long
URLs alike but for the flavor, runs seconds apart; every figure known in
advance):

  - every SVG is well-formed (xmllint) and renders (rsvg-convert) to a
    PNG that is not blank, read back pixel by pixel (pngread);
  - compare.svg: a row per run, a bar per flavor, the known request
    counts and ratios to the baseline, the flavors named by what tells
    them apart, and the shared URL said once;
  - read_pattern: a panel per flavor, a row per run;
  - latency: a y axis, a legend right of every panel naming every group
    (16, more than the old palette's 10) in distinct colors;
  - timeline: a lane per process, the three idle gaps folded, each
    saying how long it was, the lanes spread over the width.
Exit 0 pass, 1 fail.
"""

import os
import re
import subprocess
import tempfile

import analyzer_testlib as at
import testlib
from testlib import check

RUNS = ["ros3-default", "ros3-tuned", "fsspec-default", "fsspec-tuned"]
FLAVORS = ["original", "page-only-8mb", "rechunked-2mb",
           "rechunked-2mb-paged"]
URL = ("http://127.0.0.1:8080/cloud/atl06/"
       "ATL06_20200811143458_07210811_006_01_%s.h5")


def requests(run, flavor):
    """What make_runs_trace.c writes: 10 + 5 v + r requests."""
    return 10 + 5 * FLAVORS.index(flavor) + RUNS.index(run)


def texts(svg):
    """The text of every <text> element, entities decoded, without the
    <title> a shortened text keeps the full one in."""
    out = []
    for m in re.finditer(r"<text ([^>]*)>(.*?)</text>", svg, re.S):
        body = re.sub(r"<title>.*?</title>", "", m.group(2), flags=re.S)
        body = (body.replace("&lt;", "<").replace("&gt;", ">")
                .replace("&quot;", '"').replace("&apos;", "'")
                .replace("&amp;", "&"))
        x = re.search(r'x="([-0-9.]+)"', m.group(1))
        out.append((float(x.group(1)) if x else 0.0, body))
    return out


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def check_compare(svg):
    words = [t for _, t in texts(svg)]
    for run in RUNS:
        check(run in words, "compare: no row labelled %r" % run)
    for flavor in FLAVORS:
        check(flavor in words, "compare: no legend entry %r" % flavor)
    check(not any(t.startswith("http") or "…" in t for t in words
                  if "common" not in t),
          "compare: a label keeps the common URL or is cut: %r" % words)
    check(any("'http://127.0.0.1:8080/cloud/atl06/ATL06_2020081114345"
              in t for t in words), "compare: the shared URL not said")
    # The requests panel: each bar's count and its ratio to the baseline
    # (ros3-default, original: 10 requests).
    for run in RUNS:
        for flavor in FLAVORS:
            n = requests(run, flavor)
            want = ("%d" % n if (run, flavor) == (RUNS[0], FLAVORS[0])
                    else "%d  %.2fx" % (n, n / 10.0))
            check(want in words, "compare: no bar %r for %s/%s"
                  % (want, run, flavor))
    check("HTTP requests" in words and "bytes fetched over HTTP" in words
          and "time (less is better)" in words, "compare: panel titles")


def check_pattern(svg):
    words = [t for _, t in texts(svg)]
    panels = [t for t in words if t.startswith("file ") and
              t != "file offset" and not t.startswith("file size")]
    # Columns: the baseline's file first, then the others by name (by
    # URL: "..._rechunked-2mb-paged.h5" sorts before "..._rechunked-2mb.h5").
    order = FLAVORS[:1] + sorted(FLAVORS[1:], key=lambda f: URL % f)
    check(panels == ["file " + f for f in order],
          "read pattern panels: %r" % panels)
    for flavor in FLAVORS:
        n = sum(requests(run, flavor) for run in RUNS)
        check("file size 72.0 MiB; %d requests, %d under 10 KiB"
              % (n, sum(1 for r in RUNS
                        for i in range(requests(r, flavor))
                        if i % 6 in (0, 1, 4, 5))) in words,
              "read pattern: no panel of %s with %d requests" % (flavor, n))
    for run in RUNS:
        check(words.count(run) == 4, "read pattern: run %r in %d panels"
              % (run, words.count(run)))
    rows = [t for t in words if t.endswith(" < 10 KiB")]
    check(len(rows) == 16, "read pattern: %d rows" % len(rows))


def check_latency(svg):
    panels = re.findall(r'<rect x="([-0-9.]+)" y="[-0-9.]+" '
                        r'width="([-0-9.]+)" height="[-0-9.]+" '
                        r'fill="#fafafa"', svg)
    check(len(panels) == 4, "latency: %d panels" % len(panels))
    right = max(float(x) + float(w) for x, w in panels)
    legend = [(x, t) for x, t in texts(svg)
              if re.search(r" \(\d+\)$", t)]
    check(len(legend) == 16, "latency: %d legend entries" % len(legend))
    check(all(x > right for x, _ in legend),
          "latency: a legend entry over the panels")
    for run in RUNS:
        for flavor in FLAVORS:
            check("%s / %s (%d)" % (run, flavor, requests(run, flavor))
                  in [t for _, t in legend],
                  "latency: no legend entry for %s / %s" % (run, flavor))
    swatches = re.findall(r'<rect x="[-0-9.]+" y="[-0-9.]+" width="12\.0" '
                          r'height="12\.0" fill="(#[0-9a-f]{6})"', svg)
    check(len(set(swatches)) == 16, "latency: colors %r" % swatches)
    curves = set(re.findall(r'<path fill="none" stroke="(#[0-9a-f]{6})"',
                            svg))
    check(curves == set(swatches), "latency: curves not in legend colors")
    words = [t for _, t in texts(svg)]
    check("0%" in words and "100%" in words, "latency: no y axis")


def check_timeline(svg):
    words = [t for _, t in texts(svg)]
    lanes = [t for t in words if re.match(r"(%s) gen:\d+ \(" %
                                          "|".join(RUNS), t)]
    check(len(lanes) == 4, "timeline lanes: %r" % lanes)
    check(any(t.startswith("3 idle gaps between processes folded")
              for t in words), "timeline: gaps not folded")
    folds = [t for t in words if re.match(r"\+4\.\d+ s$", t)]
    check(len(folds) == 3, "timeline folds: %r" % folds)
    backs = re.findall(r'<rect x="[-0-9.]+" y="[-0-9.]+" '
                       r'width="([-0-9.]+)" height="[-0-9.]+" '
                       r'fill="#f0f0f0"', svg)
    span = sum(float(w) for w in backs)
    check(span > 700, "timeline: lanes cover %.0f px of 940" % span)


def main():
    make = os.path.join(testlib.build_dir(), "bin", "make_runs_trace")
    with tempfile.TemporaryDirectory(prefix="h5snoop-pictures-") as tmp:
        traces = os.path.join(tmp, "traces")
        os.mkdir(traces)
        subprocess.run([make, traces], check=True, timeout=60)
        plots = os.path.join(tmp, "plots")
        base = "%s/%s" % (RUNS[0], URL % FLAVORS[0])
        names = at.plot_and_check([traces], plots,
                                  ["--by", "label,file", "--baseline",
                                   base])
        check(names == ["compare.svg", "latency_http.svg",
                        "latency_vfd.svg", "read_pattern_http.svg",
                        "read_pattern_vfd.svg", "timeline.svg"],
              "plot wrote %r" % names)
        # Full size: the colors the charts must show, counted.
        st = at.check_svg(os.path.join(plots, "compare.svg"), 1.0, 4)
        print("compare.png: %r" % st)
        st = at.check_svg(os.path.join(plots, "latency_http.svg"), 1.0,
                          16)
        print("latency_http.png: %r" % st)
        check_compare(read(os.path.join(plots, "compare.svg")))
        check_pattern(read(os.path.join(plots, "read_pattern_vfd.svg")))
        check_latency(read(os.path.join(plots, "latency_http.svg")))
        check_timeline(read(os.path.join(plots, "timeline.svg")))
    print("ok")


if __name__ == "__main__":
    main()
