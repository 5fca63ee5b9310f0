#!/usr/bin/python3
"""test_groups.py - the groups people mean, on real traces: h5py (the
system interpreter's) reading two flavors of one file from nginx on
127.0.0.1 through ROS3 and through an fsspec file object, each driver a
run (record --label), each file read by its own process.

Checks:
  - a flavor is the file variant (--flavor-regex picks it out of the
    name; without it, the stem), a run is the label ("label" is
    accepted for "run");
  - fsspec's file is named by its URL, not by h5py's repr of the file
    object ("<File-like object HTTPFileSystem, URL>"), in report, export
    and advise; --by file makes one group per file, both drivers in it;
  - --by run,flavor prints the pivot: runs as rows, flavors as columns
    (the baseline `original` first), each cell with its ratio to the
    same run's original; csv and json carry the same figures, the
    ratios and the group they compare with; HTTP request counts per
    cell equal what nginx logged for that run and file;
  - groups come baseline first, then by name, whatever order the runs
    were recorded in; the default baseline is `original`, else the
    first by name; --baseline takes a flavor or a whole group;
  - the wall time of a group is the sum of each process's first request
    to last end, from babeltrace2's reading of the traces, and --span
    shows the first-to-last span apart (two processes of one run, one
    after the other: the span holds the gap, the wall time does not);
  - a group's file size is shown only when it has one file.
Exit 0 pass, 1 fail, 77 skipped (tools missing).
"""

import collections
import json
import os
import re
import shutil
import sys

import analyzer_testlib as at
import testlib as t

VAR = "/grp/v0"
FLAVORS = ("original", "paged")
REGEX = r"_([a-z]+)\.h5$"

READER = """
import sys, h5py
url, driver = sys.argv[1], sys.argv[2]
if driver == "ros3":
    f = h5py.File(url, "r", driver="ros3")
else:
    import fsspec
    fo = fsspec.filesystem("http").open(url, "rb", cache_type="none")
    f = h5py.File(fo, "r")
print(round(float(f[%r][:].mean()), 6))
f.close()
""" % VAR


def need_tools():
    for tool in ("h5repack", "babeltrace2"):
        if not shutil.which(tool):
            t.skip("%s missing" % tool)
    p = t.run(["/usr/bin/python3", "-c",
               "import h5py, fsspec, aiohttp; "
               "assert 'ros3' in h5py.registered_drivers()"])
    if p.returncode != 0:
        t.skip("h5py with ros3, fsspec or aiohttp missing")


def make_files(root):
    src = os.path.join(root, "src.h5")
    t.make_h5(src, datasets=2, elements=60000, chunk=3000)
    shutil.copy(src, os.path.join(root, "granule_original.h5"))
    p = at.run_plain(["h5repack", "-S", "PAGE", "-G", "65536", src,
                      os.path.join(root, "granule_paged.h5")])
    t.check(p.returncode == 0, "h5repack: %s" % p.stderr)
    os.unlink(src)


def record_runs(ng, traces):
    """Records fsspec first, then ros3 (the order must not matter), one
    process per file; returns nginx's requests per (run, flavor)."""
    logged = collections.defaultdict(list)
    for run in ("fsspec", "ros3"):
        for flavor in FLAVORS:
            url = ng.url("granule_%s.h5" % flavor)
            mark = ng.log_mark()
            p = t.record(["/usr/bin/python3", "-c", READER, url, run],
                         traces, label=run)
            t.check(p.returncode == 0, "%s %s: %s" % (run, flavor,
                                                      p.stderr))
            logged[(run, flavor)] = ng.requests(mark)
    return logged


def timed_events(trace_dir):
    """The events of a trace as babeltrace2 reads them, each with "ts":
    its Unix time in ns (--clock-seconds: the clock's offset applied)."""
    p = t.run(["babeltrace2", "--clock-seconds", trace_dir])
    t.check(p.returncode == 0, "babeltrace2 %s: %s" % (trace_dir, p.stderr))
    out = []
    for line in p.stdout.decode().splitlines():
        m = re.match(r"^\[(\d+)\.(\d{9})\] \([^)]*\) \S+ (\w+): (.*)$",
                     line)
        t.check(m, "babeltrace2 line %r" % line)
        ev = {"event": m.group(3),
              "ts": int(m.group(1)) * 10**9 + int(m.group(2))}
        for f in t._FIELD.finditer(m.group(4)):
            if f.group(2) is not None:
                ev[f.group(1)] = f.group(2)
            elif f.group(4) is not None:
                ev[f.group(1)] = int(f.group(4))
        out.append(ev)
    return out


def trace_spans(traces):
    """Per (label, flavor): the sum over processes of each one's first
    request start to last end, from babeltrace2; and the first start and
    last end of all."""
    per = collections.defaultdict(dict)
    for d in t.trace_dirs(traces):
        label = re.search(r'\blabel = "([^"]*)"',
                          open(os.path.join(d, "metadata")).read()).group(1)
        evs = timed_events(d)
        names = {}
        for ev in evs:
            if ev["event"] == "file_open":
                m = re.search(REGEX, ev["name"].rstrip(">"))
                names[ev["file_id"]] = m.group(1)
        for ev in evs:
            if ev["event"] == "vfd_read":
                flavor = names[ev["file_id"]]
            elif ev["event"] == "http_request":
                flavor = re.search(REGEX, ev["url"]).group(1)
            else:
                continue
            start, end = ev["ts"], ev["ts"] + ev["duration_ns"]
            lo, hi = per[(label, flavor)].get(d, (start, end))
            per[(label, flavor)][d] = (min(lo, start), max(hi, end))
    out = {}
    for key, procs in per.items():
        out[key] = (sum(hi - lo for lo, hi in procs.values()),
                    min(lo for lo, _ in procs.values()),
                    max(hi for _, hi in procs.values()))
    return out


def check_names(traces, work):
    """No repr of a file object anywhere; one group per file."""
    for args in (["report", traces], ["report", "-f", "json", traces],
                 ["advise", "--format", "json", traces]):
        out = at.ok(args)
        t.check("File-like" not in out, "%s names a file by its repr"
                % " ".join(args[:3]))
    # An export keeps the name field as recorded; its file column is
    # the one a person means.
    rows = at.parse_csv(at.ok(["export", "-f", "csv", traces]), "export")
    files = {r["file"] for r in rows if r["event"] != "stack"}
    t.check(files and all(f.startswith("http://127.0.0.1:") for f in files),
            "export's files: %s" % sorted(files))
    at.ok(["plot", "-o", os.path.join(work, "plots"), traces])
    for name in os.listdir(os.path.join(work, "plots")):
        with open(os.path.join(work, "plots", name)) as f:
            t.check("File-like" not in f.read(), "plot %s names a file "
                    "by its repr" % name)
    j = at.report_json([traces], ["--by", "file"])
    files = sorted(g["group"] for g in j["groups"])
    t.check(len(files) == 2 and all(f.startswith("http://127.0.0.1:")
                                    for f in files),
            "--by file: %s" % files)
    for g in j["groups"]:
        t.check(g["processes"] == 2, "%s: read by %d processes, not 2"
                % (g["group"], g["processes"]))
        t.check(g["file_size"] and g["file_size"] > 0,
                "%s: one file, no size" % g["group"])


def check_pivot(traces, logged, spans):
    opts = ["--by", "run,flavor", "--flavor-regex", REGEX]
    text = at.ok(["report"] + opts + [traces])
    j = at.report_json([traces], opts)
    rows = at.report_csv([traces], opts)
    t.check(j["baseline_value"] == "original" and
            j["baseline_field"] == "flavor",
            "default baseline %r" % j["baseline_value"])
    t.check(j["pivot"]["row_values"] == ["fsspec", "ros3"] and
            j["pivot"]["column_values"] == ["original", "paged"],
            "pivot %r" % j["pivot"])
    order = [g["group"] for g in j["groups"]]
    t.check(order == ["fsspec/original", "fsspec/paged", "ros3/original",
                      "ros3/paged"], "group order %s" % order)
    groups = {tuple(g["group"].split("/")): g for g in j["groups"]}
    for (run, flavor), reqs in logged.items():
        g = groups[(run, flavor)]
        n = g["layers"]["http"]["requests"]
        t.check(n == len(reqs), "%s/%s: %d http requests, nginx logged %d"
                % (run, flavor, n, len(reqs)))
        base = groups[(run, "original")]
        t.check(g["baseline"] == "%s/original" % run,
                "%s/%s compares with %r" % (run, flavor, g["baseline"]))
        want = n / base["layers"]["http"]["requests"]
        got = g["layers"]["http"]["rows"][-1]["ratio"]["requests"]
        t.check(abs(got - want) < 1e-5, "%s/%s ratio %r, want %r"
                % (run, flavor, got, want))
        wall, first, last = spans[(run, flavor)]
        t.check(g["wall_ns"] == wall, "%s/%s wall %d, per-process spans "
                "sum to %d" % (run, flavor, g["wall_ns"], wall))
        t.check(g["span_ns"] == last - first, "%s/%s span %d, want %d"
                % (run, flavor, g["span_ns"], last - first))
        csv_all = [r for r in rows if r["by_run"] == run and
                   r["by_flavor"] == flavor and r["layer"] == "http" and
                   r["bin"] == "all"]
        t.check(len(csv_all) == 1 and int(csv_all[0]["requests"]) == n and
                csv_all[0]["baseline"] == "%s/original" % run and
                int(csv_all[0]["group_wall_ns"]) == wall,
                "csv row of %s/%s: %r" % (run, flavor, csv_all))
        t.check(abs(float(csv_all[0]["requests_ratio"]) - want) < 1e-5,
                "csv ratio of %s/%s" % (run, flavor))
    # The text pivot: a table per measure, runs as rows, flavors as
    # columns, original first; the HTTP one holds nginx's counts.
    m = re.search(r"== HTTP requests[^\n]*by run and flavor, ratio to "
                  r"original ==\n(.*?)\n\n", text + "\n\n", re.S)
    t.check(m, "no HTTP pivot in:\n" + text)
    lines = m.group(1).splitlines()
    t.check(lines[0].split() == ["run", "original", "paged"],
            "pivot head %r" % lines[0])
    for line, run in zip(lines[1:], ("fsspec", "ros3")):
        cells = line.split()
        o, p = len(logged[(run, "original")]), len(logged[(run, "paged")])
        want = [run, str(o), "1.00x", str(p), "%.2fx" % (p / o)]
        t.check(cells == want, "pivot row %r, want %r" % (cells, want))
    # --baseline: a flavor, or one whole group for all.
    j = at.report_json([traces], opts + ["--baseline", "paged"])
    t.check([g["group"] for g in j["groups"]][:2] ==
            ["fsspec/paged", "fsspec/original"], "--baseline paged order")
    j = at.report_json([traces], opts + ["--baseline", "ros3/paged"])
    t.check(all(g["baseline"] == "ros3/paged" for g in j["groups"]),
            "--baseline GROUP")
    rc, _, err = at.h5snoop(["report"] + opts + ["--baseline", "nope",
                                                  traces])
    t.check(rc == 2 and "--baseline 'nope'" in err, "bad baseline: %s"
            % err)
    rc, _, err = at.h5snoop(["report", "--flavor-regex", "(", traces])
    t.check(rc == 2 and "--flavor-regex" in err, "bad regex: %s" % err)


def check_defaults(traces):
    """Without a regex a flavor is the stem; "label" is run."""
    j = at.report_json([traces])
    t.check(sorted(g["group"] for g in j["groups"]) ==
            ["granule_original", "granule_paged"], "stems %r"
            % [g["group"] for g in j["groups"]])
    # No flavor is called original: the first by name.
    t.check(j["baseline"] == "granule_original", "baseline %r"
            % j["baseline"])
    j = at.report_json([traces], ["--by", "label"])
    t.check(j["by"] == ["run"] and [g["group"] for g in j["groups"]] ==
            ["fsspec", "ros3"], "--by label: %r" % j["by"])
    for g in j["groups"]:
        t.check(g["file_size"] is None,
                "%s spans two files but has a file size" % g["group"])


def check_wall(traces, spans):
    """A run of two processes one after the other: its wall time is the
    sum of their spans; --span shows the span with the gap apart."""
    j = at.report_json([traces], ["--by", "run"])
    for g in j["groups"]:
        parts = [v for k, v in spans.items() if k[0] == g["group"]]
        t.check(g["wall_ns"] == sum(p[0] for p in parts),
                "%s: wall %d, spans sum to %d"
                % (g["group"], g["wall_ns"], sum(p[0] for p in parts)))
        span = max(p[2] for p in parts) - min(p[1] for p in parts)
        t.check(g["span_ns"] == span and span > g["wall_ns"],
                "%s: span %d, want %d > wall %d"
                % (g["group"], g["span_ns"], span, g["wall_ns"]))
    text = at.ok(["report", "--by", "run", "--span", traces])
    t.check(text.count("  span ") == 2, "--span:\n" + text)
    t.check("  span " not in at.ok(["report", "--by", "run", traces]),
            "span shown without --span")


def main():
    need_tools()
    work = t.tempdir()
    try:
        data = os.path.join(work, "data")
        traces = os.path.join(work, "traces")
        os.makedirs(data)
        make_files(data)
        with t.Nginx(data) as ng:
            logged = record_runs(ng, traces)
        spans = trace_spans(traces)
        check_names(traces, work)
        check_pivot(traces, logged, spans)
        check_defaults(traces)
        check_wall(traces, spans)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("groups: ok")


if __name__ == "__main__":
    sys.exit(main())
