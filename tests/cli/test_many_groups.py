#!/usr/bin/python3
"""test_many_groups.py - report and plot in memory bounded by the groups
they show, not by the files of the traces; --top, --all and the line
that says what was left out.

1. A trace of 200,000 small files read once each (bench/gen_trace -m),
   one group per file: report (text, csv, json), plot and export run
   under an address-space limit of 256 MiB (RLIMIT_AS) and succeed;
   report shows 50 groups and says that 199,950 groups (199,950
   requests) were left out and that --all lists every group.  Before
   bounded groups this took 9 GB (one full histogram per group).  The
   report's findings section (advise) holds the first 1,024 runs of a
   file and counts the events of the others.
   Skipped under ASan, whose shadow memory alone reserves terabytes of
   address space (the rest of the test still runs there).
2. --top and --all on tests/data/good/basic (three groups of 37, 12 and
   1 requests): the top ones, most first, the left-out line, a forced
   --baseline, and --all equal to the full report.
3. --all on 2,000 files lists every group.
4. A run of 300 processes: the timeline has at most 256 lanes, the last
   one holding the processes past them.
"""

import json
import os
import re
import resource
import subprocess
import tempfile

import analyzer_testlib as at
import testlib
from testlib import check

FILES = 200000
TOP = 50
LIMIT_BYTES = 256 << 20
DATA = os.path.join(testlib.source_dir(), "tests", "data")


def gen(args, out):
    p = testlib.run([testlib.sample_bin("gen_trace")] + args + [out],
                    timeout=600)
    check(p.returncode == 0, "gen_trace %s: %s" % (args, p.stderr))


def limited(args, cwd=None):
    """h5snoop ARGS with its address space limited to LIMIT_BYTES."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))
    p = subprocess.run([testlib.h5snoop_bin()] + args, cwd=cwd,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=testlib.base_env(), preexec_fn=limit,
                       timeout=600)
    check(p.returncode == 0,
          "h5snoop %s under a %d MiB address-space limit: exit %d\n%s"
          % (" ".join(args), LIMIT_BYTES >> 20, p.returncode,
             p.stderr.decode(errors="replace")[-2000:]))
    return p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def left_out_line(groups, requests, shown):
    return ("NOTE: %d more groups (%d requests) left out: these are the "
            "%d with the most requests, most first; --all lists every "
            "group" % (groups, requests, shown))


def many_files(tmp):
    if os.environ.get("H5SNOOP_ASAN_RUNTIME"):
        print("SKIP (part 1): the 256 MiB address-space limit cannot hold "
              "under ASan, which reserves terabytes of shadow memory; "
              "the release build checks it")
        return
    trace = os.path.join(tmp, "many")
    gen(["-m", str(FILES)], trace)
    left = FILES - TOP
    out, err = limited(["report", trace])
    lines = out.splitlines()
    check(lines[0] == "h5snoop report: 1 trace, %d events, %d groups by "
          "flavor" % (3 * FILES, TOP), "header: %r" % lines[0])
    check(lines[1] == left_out_line(left, left, TOP),
          "left-out line: %r" % lines[1])
    sections = [l for l in lines if l.startswith("== ATL03_")]
    check(len(sections) == TOP, "%d group sections" % len(sections))
    # All have one request: ties keep the order of appearance.
    check(sections[0] == "== ATL03_00000000 ==" and
          sections[-1] == "== ATL03_%08d ==" % (TOP - 1),
          "first groups: %r ... %r" % (sections[0], sections[-1]))
    check("%d groups (%d requests) left out: the %d with the most "
          "requests are shown; --all shows every group" % (left, left, TOP)
          in err, "no warning on stderr: %r" % err)
    out, _ = limited(["report", "-f", "csv", trace])
    rows = at.parse_csv(out, "csv")
    check(len({r["group"] for r in rows}) == TOP, "csv groups")
    out, _ = limited(["report", "-f", "json", trace])
    j = at.parse_json(out, "json")
    check(len(j["groups"]) == TOP and
          j["summary"]["groups_left_out"] == left and
          j["summary"]["requests_left_out"] == left,
          "json: %d groups, summary %r" % (len(j["groups"]), j["summary"]))
    # The findings section advises the runs of the first 1,024 files
    # (ADVISE_SUBJECTS_MAX, about 12 KiB each) and counts the events of
    # the others; each file is read once: no finding.
    check(j["findings"] == [] and
          j["events_not_advised"] == FILES - 1024,
          "json findings %r, events not advised %r"
          % (j["findings"], j["events_not_advised"]))
    plots = os.path.join(tmp, "plots")
    limited(["plot", "-o", plots, trace])
    with open(os.path.join(plots, "read_pattern_vfd.svg"),
              encoding="utf-8") as f:
        svg = f.read()
    check("%d more groups (%d requests) not shown" % (left, left) in svg,
          "read pattern says nothing of the groups left out")
    check(svg.count(" &lt; 10 KiB</text>") == TOP, "read pattern rows")
    for name in os.listdir(plots):
        at.check_svg(os.path.join(plots, name))
    limited(["export", "-o", os.path.join(tmp, "export.csv"), trace])
    with open(os.path.join(tmp, "export.csv"), encoding="utf-8") as f:
        check(sum(1 for _ in f) == 1 + 3 * FILES, "export rows")


def top_and_all():
    basic = os.path.join(DATA, "good", "basic")
    full = at.ok(["report", basic])
    check(at.ok(["report", "--all", basic]) == full, "--all differs")
    check(at.ok(["report", "--top", "3", basic]) == full, "--top 3")
    out = at.ok(["report", "--top", "2", basic])
    lines = out.splitlines()
    check(lines[1] == left_out_line(1, 1, 2), "line: %r" % lines[1])
    check([l for l in lines if l.startswith("== ")][:2] ==
          ["== ATL06_original ==", "== ATL06_page =="],
          "top 2 by requests:\n" + out)
    check("== ATL06_missing ==" not in out, "left-out group shown")
    # A --baseline outside the top is shown too.
    out = at.ok(["report", "--top", "1", "--baseline", "ATL06_missing",
                 basic])
    check("baseline 'ATL06_missing'" in out and
          "== ATL06_missing ==" in out and "== ATL06_page ==" not in out,
          "--top 1 --baseline:\n" + out)
    rc, _, err = at.h5snoop(["report", "--top", "0", basic])
    check(rc == 2 and "--top takes" in err, "--top 0: %d %s" % (rc, err))


def all_groups(tmp):
    trace = os.path.join(tmp, "two-thousand")
    gen(["-m", "2000"], trace)
    rows = at.report_csv([trace], ["--all"])
    check(len({r["group"] for r in rows}) == 2000, "--all csv groups")
    out = at.ok(["report", "--all", trace])
    check("left out" not in out and out.count("\n== ATL03_") == 2000,
          "--all text")


def many_processes(tmp):
    trace = os.path.join(tmp, "procs")
    gen(["-n", "1200", "-f", "300"], trace)
    plots = os.path.join(tmp, "procs-plots")
    at.ok(["plot", "-o", plots, trace])
    with open(os.path.join(plots, "timeline.svg"), encoding="utf-8") as f:
        svg = f.read()
    lanes = re.findall(r'fill="#f0f0f0"', svg)
    check(len(lanes) <= 256, "%d lanes" % len(lanes))
    # 300 processes: a lane each for the first 255, the last lane holds
    # the other 45.
    check("45 more processes" in svg,
          "no lane for the processes past the limit")


def main():
    with tempfile.TemporaryDirectory(prefix="h5snoop-groups-") as tmp:
        top_and_all()
        all_groups(tmp)
        many_processes(tmp)
        many_files(tmp)
    print("ok")


if __name__ == "__main__":
    main()
