#!/usr/bin/python3
"""test_real_traces.py - h5snoop report, plot and export on traces the
real shim recorded from a real client (samples/ros3_reader, HDF5's ROS3
driver over libcurl) reading three flavors of one file from nginx on
127.0.0.1.

Checks:
  - the http layer's size bins (requests and bytes, no-body line and
    totals) of every flavor equal those computed here from nginx's
    access log, independently of the trace;
  - the vfd layer's bins equal those computed from babeltrace2's reading
    of the same traces;
  - the three flavors (made with h5repack: original, -S PAGE -G 8388608,
    larger chunks) show side by side with ratios to the baseline;
  - plots are well-formed SVG that render; csv, jsonl and chrome exports
    parse and hold every event;
  - a copy cut inside a packet reads with one warning (exit 0), a copy
    with a corrupt packet fails with the file and offset (exit 1).
Exit 0 pass, 1 fail, 77 skipped (tools missing).
"""

import os
import shutil
import subprocess

import analyzer_testlib as at
import testlib
from testlib import check

BINS = [(0, 1024, "<1KiB"), (1024, 10240, "1-10KiB"),
        (10240, 102400, "10-100KiB"), (102400, 1 << 64, ">100KiB")]
FLAVORS = ("orig", "paged", "rechunked")
VARS = ["/grp/v0", "/grp/v1", "/grp/v2"]


def bin_of(size):
    for lo, hi, name in BINS:
        if lo <= size < hi:
            return name
    raise AssertionError(size)


def expected_http(entries):
    """Bins from access-log entries: a request's size is its range length
    when it had one, else the body bytes; HEAD and errors: no-body."""
    rows = {name: [0, 0] for _, _, name in BINS}
    rows["no-body"] = [0, 0]
    for e in entries:
        if e["method"] == "HEAD" or e["status"] >= 400:
            key, size = "no-body", e["bytes"]
        else:
            r = e["range"]
            size = r[1] - r[0] + 1 if r else e["bytes"]
            key = bin_of(size)
        rows[key][0] += 1
        rows[key][1] += size
    rows["all"] = [sum(v[0] for v in rows.values()),
                   sum(v[1] for v in rows.values())]
    return rows


def expected_vfd(trace_root):
    rows = {name: [0, 0] for _, _, name in BINS}
    for ev in testlib.by_name(testlib.all_events(trace_root), "vfd_read"):
        rows[bin_of(ev["size"])][0] += 1
        rows[bin_of(ev["size"])][1] += ev["size"]
    rows["all"] = [sum(v[0] for v in rows.values()),
                   sum(v[1] for v in rows.values())]
    return rows


def make_flavors(root):
    src = os.path.join(root, "src.h5")
    testlib.make_h5(src, datasets=3, elements=200000, chunk=2000)
    shutil.copy(src, os.path.join(root, "orig.h5"))
    for name, args in (("paged", ["-S", "PAGE", "-G", "8388608"]),
                       ("rechunked", ["-l", "grp/v0,grp/v1,grp/v2:"
                                      "CHUNK=50000"])):
        p = at.run_plain(["h5repack"] + args + [src, os.path.join(
            root, name + ".h5")])
        check(p.returncode == 0, "h5repack %s: %s" % (args, p.stderr))
    os.unlink(src)


def check_bins(csv_rows, group, layer, want, what):
    got = {r["bin"]: [int(r["requests"]), int(r["bytes"])]
           for r in csv_rows if r["group"] == group and r["layer"] == layer}
    for key, (n, b) in want.items():
        check(got.get(key) == [n, b],
              "%s %s %s bin %s: report says %s, expected %s"
              % (what, group, layer, key, got.get(key), [n, b]))


def damaged_copies(traces, work):
    """A real trace cut inside a packet, and one with a corrupt packet."""
    one = sorted(testlib.trace_dirs(traces))[0]
    stream = sorted(f for f in os.listdir(one) if f.startswith("stream_"))[0]
    cut = os.path.join(work, "cut")
    shutil.copytree(one, cut)
    size = os.path.getsize(os.path.join(cut, stream))
    os.truncate(os.path.join(cut, stream), size - 100)
    rc, out, err = at.h5snoop(["report", cut])
    check(rc == 0, "cut trace: exit %d: %s" % (rc, err))
    check(err.count("h5snoop: warning:") == 1 and
          "file ends inside a packet" in err, "cut trace: stderr %r" % err)
    rc, _, err = at.h5snoop(["report", "--strict", cut])
    check(rc == 1, "cut trace with --strict: exit %d" % rc)
    bad = os.path.join(work, "bad")
    shutil.copytree(one, bad)
    with open(os.path.join(bad, stream), "r+b") as f:
        f.seek(40)  # content_size of packet 0
        f.write((1 << 40).to_bytes(8, "little"))
    rc, out, err = at.h5snoop(["report", bad])
    check(rc == 1 and out == "", "corrupt trace: exit %d" % rc)
    check(err.strip() == "h5snoop: error: %s/%s: packet 0 at offset 0: "
          "content_size exceeds packet_size" % (bad, stream),
          "corrupt trace: stderr %r" % err)


def main():
    reader = testlib.sample_bin("ros3_reader")
    for tool in ("h5repack", "babeltrace2", "xmllint", "rsvg-convert"):
        if not shutil.which(tool):
            testlib.skip("%s not installed" % tool)
    if not os.path.exists(reader):
        testlib.skip("ros3_reader not built")
    work = testlib.tempdir()
    serve = os.path.join(work, "www")
    traces = os.path.join(work, "traces")
    os.makedirs(serve)
    make_flavors(serve)
    log = {}
    with testlib.Nginx(serve) as ng:
        for flavor in FLAVORS:
            mark = ng.log_mark()
            p = testlib.record([reader, ng.url(flavor + ".h5")] + VARS,
                               os.path.join(traces, flavor))
            check(p.returncode == 0, "ros3_reader %s: %s"
                  % (flavor, p.stderr.decode(errors="replace")))
            log[flavor] = ng.requests(mark)
    # rows of the whole run (layer "lost", "span", "finding") are no
    # group's
    csv_rows = [r for r in at.report_csv([traces])
                if r["layer"] in ("vfd", "http")]
    groups = []
    for r in csv_rows:
        if r["group"] not in groups:
            groups.append(r["group"])
    check(groups == list(FLAVORS), "groups %r" % groups)
    for flavor in FLAVORS:
        check_bins(csv_rows, flavor, "http", expected_http(log[flavor]),
                   "nginx log")
        check_bins(csv_rows, flavor, "vfd",
                   expected_vfd(os.path.join(traces, flavor)),
                   "babeltrace2")
    # Side by side: ratios to the baseline (the first group, or named).
    for baseline in ("orig", "paged"):
        j = at.report_json([traces], ["--baseline", baseline])
        check(j["baseline"] == baseline, "baseline %r" % j["baseline"])
        base = [g for g in j["groups"] if g["group"] == baseline][0]
        for g in j["groups"]:
            for layer in ("vfd", "http"):
                all_g = g["layers"][layer]["rows"][-1]
                all_b = base["layers"][layer]["rows"][-1]
                want = all_g["requests"] / all_b["requests"]
                check(abs(all_g["ratio"]["requests"] - want) < 1e-5,
                      "%s %s ratio %r, want %r" % (
                          g["group"], layer, all_g["ratio"]["requests"],
                          want))
    text = at.ok(["report", traces])
    check("== comparison with baseline 'orig' ==" in text,
          "no comparison table:\n" + text)
    # Larger chunks: fewer raw-data reads, each larger.
    j = at.report_json([traces])
    raw = {g["group"]: g["layers"]["vfd"]["raw"] for g in j["groups"]}
    check(raw["rechunked"]["requests"] < raw["orig"]["requests"],
          "raw data reads %r" % raw)
    at.plot_and_check([traces], os.path.join(work, "plots"))
    n_events = len(testlib.all_events(traces))
    check(len(at.parse_csv(at.ok(["export", traces]), "export csv")) ==
          n_events, "csv export rows")
    check(len(at.parse_jsonl(at.ok(["export", "-f", "jsonl", traces]),
                             "export jsonl")) == n_events,
          "jsonl export rows")
    chrome = at.parse_json(at.ok(["export", "-f", "chrome", traces]),
                           "chrome")
    check(len([e for e in chrome["traceEvents"] if e["ph"] == "X"]) ==
          n_events, "chrome events")
    damaged_copies(traces, work)
    shutil.rmtree(work, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
