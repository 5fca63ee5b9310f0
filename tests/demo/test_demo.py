#!/usr/bin/python3
"""test_demo.py - samples/demo.sh end to end, with its result checked.

Runs the README's first command on a small granule (--elements 20000,
the build under test, no apt), then checks what it produced against
what nginx logged for the same run (OUT/nginx/access.log, cut into runs
by the byte offsets in OUT/runs.tsv) and against the traces as
babeltrace2 reads them:

  * every recorded run succeeded, and every flavor, driver and parameter
    set read the same variable means;
  * the traces of all Dask worker processes are there, one per worker
    that read a flavor (the pids run_experiment.py printed), and each
    holds the reads of exactly the flavors that worker read;
  * `h5snoop report --by run,flavor` lists every driver x params x
    flavor and merges the workers' traces: its counts equal those of
    the events of all trace directories together, and the pivot the
    demo prints (runs by flavors) holds nginx's request counts;
  * its request counts equal nginx's: the http requests are every logged
    request, one for one (method, range, status, bytes), seen by libcurl
    for ROS3 and by the net layer for fsspec (aiohttp); for ROS3 the vfd
    layer is every logged GET (HDF5 1.10's ROS3 makes one GET per driver
    read, and a HEAD per open); for fsspec with cache_type "none" every
    driver read is one
    GET (fsspec's HEADs, its size probes, are no driver reads); for
    fsspec's 8 MiB block cache, GETs are the blocks the driver reads
    first touched;
  * the seed's effects, where they really occur: the page buffer on the
    paged flavor cuts ROS3's requests to a fraction of the original's,
    paging alone changes little, the page buffer is refused on unpaged
    flavors (costing requests, not saving them), the block cache cuts
    fsspec's requests, and HDF5 asks both drivers for the same reads.

  * the S3-like network (the demo's default --network s3-same-region)
    was applied: nginx slept at least the profile's first byte plus the
    body over its bandwidth for every request, and every ROS3 request's
    time to first byte in the traces is at least that first byte (less
    the 1 ms resolution of nginx's timers).

Then it interrupts a second demo run (SIGINT to its process group, as
Ctrl-C does) while the experiment runs, and checks that nginx is gone.
"""

import csv
import io
import math
import os
import re
import shutil
import signal
import subprocess
import time
from collections import Counter, defaultdict
from xml.etree import ElementTree

import testlib as t

ELEMENTS = 20000
FLAVORS = ("original", "page-only-8mb", "rechunked-2mb",
           "rechunked-2mb-paged")
LABELS = ("ros3-default", "ros3-tuned", "fsspec-default", "fsspec-tuned")
BLOCK_BYTES = 8 * 1024 * 1024   # read_h5py.py's tuned fsspec block_size
FLAVOR_RE = re.compile(r"_([^_/]+)\.h5\b")


def flavor_of(text):
    """The flavor named by the last '<stem>_<flavor>.h5' in text."""
    found = FLAVOR_RE.findall(text)
    t.check(found, "no flavor file name in %r" % text)
    return found[-1]


def demo_cmd(out):
    return ["bash", os.path.join(t.source_dir(), "samples", "demo.sh"),
            "--elements", str(ELEMENTS), "--out", out,
            "--build-dir", t.build_dir(), "--no-install", "--no-build"]


def check_prerequisites():
    if not os.access("/usr/sbin/nginx", os.X_OK):
        t.skip("no /usr/sbin/nginx")
    p = t.run(["/usr/bin/python3", "-c",
               "import h5py, fsspec, dask.distributed, sys\n"
               "sys.exit('ros3' not in h5py.registered_drivers())"])
    if p.returncode != 0:
        t.skip("/usr/bin/python3 lacks h5py with ros3, fsspec or "
               "dask.distributed")


def read_runs(out):
    """OUT/runs.tsv as {label: row}."""
    with open(os.path.join(out, "runs.tsv")) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    runs = {r["label"]: r for r in rows}
    t.check(sorted(runs) == sorted(LABELS),
            "runs.tsv has runs %s, want %s" % (sorted(runs), sorted(LABELS)))
    for r in rows:
        t.check(r["status"] == "0", "run %s exited %s"
                % (r["label"], r["status"]))
    return runs


def read_table(out, label):
    """run_experiment.py's table in OUT/logs/LABEL.log:
    {flavor: (means tuple, worker pid)}."""
    table = {}
    with open(os.path.join(out, "logs", label + ".log")) as f:
        for line in f:
            w = line.split()
            if len(w) == 6 and w[0] in FLAVORS:
                table[w[0]] = (tuple(w[1:4]), int(w[5]))
    t.check(sorted(table) == sorted(FLAVORS),
            "%s: run_experiment.py read %s, want every flavor"
            % (label, sorted(table)))
    return table


def trace_env(trace_dir):
    """label and pid from a trace's TSDL env block."""
    with open(os.path.join(trace_dir, "metadata")) as f:
        text = f.read()
    label = re.search(r'\blabel = "((?:[^"\\]|\\.)*)";', text)
    pid = re.search(r"\bpid = (\d+);", text)
    t.check(label and pid, "%s: metadata lacks label or pid" % trace_dir)
    return label.group(1), int(pid.group(1))


def read_traces(out, tables):
    """Per (label, flavor): the vfd_read and http_request events of all
    trace directories; checks that the trace directories are exactly the
    workers' and that each holds its worker's flavors."""
    events = defaultdict(lambda: {"vfd_read": [], "http_request": []})
    dirs = t.trace_dirs(os.path.join(out, "traces"))
    seen = defaultdict(set)
    for d in dirs:
        label, pid = trace_env(d)
        t.check(label in tables, "%s: unexpected label %r" % (d, label))
        t.check(pid not in seen[label], "%s: two traces of pid %d"
                % (label, pid))
        seen[label].add(pid)
        flavor_of_file = {}
        flavors_here = set()
        for ev in t.babeltrace(d):
            if ev["event"] == "file_open":
                flavor_of_file[ev["file_id"]] = flavor_of(ev["name"])
                flavors_here.add(flavor_of(ev["name"]))
            elif ev["event"] == "vfd_read":
                ev["flavor"] = flavor_of_file[ev["file_id"]]
                events[(label, ev["flavor"])]["vfd_read"].append(ev)
            elif ev["event"] == "http_request":
                flavors_here.add(flavor_of(ev["url"]))
                events[(label, flavor_of(ev["url"]))]["http_request"] \
                    .append(ev)
        want = {f for f, (_m, p) in tables[label].items() if p == pid}
        t.check(flavors_here == want,
                "%s: the trace of worker %d reads %s, but that worker "
                "read %s" % (label, pid, sorted(flavors_here), sorted(want)))
    for label, table in tables.items():
        workers = {p for _m, p in table.values()}
        t.check(seen[label] == workers,
                "%s: traces of pids %s, workers that read were %s"
                % (label, sorted(seen[label]), sorted(workers)))
    return events, len(dirs)


def read_log(out, runs):
    """nginx's requests per (label, flavor), cut by runs.tsv."""
    path = os.path.join(out, "nginx", "access.log")
    logged = defaultdict(list)
    for label, r in runs.items():
        for req in t.access_log(path, int(r["log_start"]),
                                int(r["log_end"])):
            logged[(label, flavor_of(req["uri"]))].append(req)
    return logged


def read_report(out):
    """`h5snoop report --by run,flavor --format csv`, bin 'all' rows, as
    {(label, flavor, layer): requests}."""
    p = t.run([t.h5snoop_bin(), "report", "--by", "run,flavor",
               "--flavor-regex", r"_([a-z0-9-]+)\.h5$", "--format",
               "csv", os.path.join(out, "traces")])
    t.check(p.returncode == 0, "h5snoop report fails: %s"
            % p.stderr.decode(errors="replace"))
    counts = Counter()
    for row in csv.DictReader(io.StringIO(p.stdout.decode())):
        if row["bin"] == "all":
            t.check(row["baseline"] == row["by_run"] + "/original",
                    "%s compares with %r" % (row["group"], row["baseline"]))
            counts[(row["by_run"], row["by_flavor"],
                    row["layer"])] += int(row["requests"])
    return counts


def check_pivot(stdout, logged):
    """The pivot the demo printed: its HTTP table holds, per run and
    flavor, the requests nginx logged, original first."""
    text = stdout.decode(errors="replace")
    m = re.search(r"== HTTP requests[^\n]*, by run and flavor, ratio to "
                  r"original ==\n(.*?)\n(?:\n|$)", text, re.S)
    t.check(m, "the demo printed no HTTP pivot")
    lines = m.group(1).splitlines()
    flavors = lines[0].split()[1:]
    t.check(flavors == sorted(FLAVORS, key=lambda f: (f != "original", f)),
            "pivot columns %s" % flavors)
    for line in lines[1:]:
        cells = line.split()
        label, values = cells[0], [c for c in cells[1:]
                                   if not c.endswith("x")]
        for f, v in zip(flavors, values):
            t.check(int(v) == len(logged[(label, f)]),
                    "pivot %s/%s: %s requests, nginx logged %d"
                    % (label, f, v, len(logged[(label, f)])))


def blocks_touched(reads):
    """The 8 MiB blocks fsspec's BlockCache fetches for these driver
    reads: block start//B to (start+size)//B of every read of size > 0
    (fsspec 2022.11, caching.BlockCache._fetch), each once."""
    blocks = set()
    for r in reads:
        if r["size"] > 0:
            end = r["offset"] + r["size"]
            blocks.update(range(r["offset"] // BLOCK_BYTES,
                                end // BLOCK_BYTES + 1))
    return blocks


def check_counts(report, events, logged, flavor_bytes):
    """Report == traces == nginx, layer by layer, for every group."""
    for label in LABELS:
        driver = label.split("-")[0]
        for f in FLAVORS:
            key = (label, f)
            reads = events[key]["vfd_read"]
            http = events[key]["http_request"]
            log = logged[key]
            gets = [r for r in log if r["method"] == "GET"]
            what = "%s %s" % (label, f)
            t.check(report.get((label, f, "vfd")) == len(reads),
                    "%s: report has %s vfd requests, the traces %d"
                    % (what, report.get((label, f, "vfd")), len(reads)))
            t.check(reads, "%s: no driver reads recorded" % what)
            # Both drivers' requests are recorded: ROS3's by the http
            # layer (libcurl), fsspec's by the net layer (aiohttp's
            # sockets), each one for one with nginx's log.
            t.check(report.get((label, f, "http")) == len(log),
                    "%s: report has %s http requests, nginx logged %d"
                    % (what, report.get((label, f, "http")), len(log)))
            got = Counter(t.http_key(e) for e in http)
            want = Counter(t.nginx_key(r) for r in log)
            t.check(got == want, "%s: http_request events differ from "
                    "nginx's log:\nonly traced: %s\nonly logged: %s"
                    % (what, got - want, want - got))
            seen_by = {"ros3": 0, "fsspec": 1}[driver]
            t.check(all(e["seen_by"] == seen_by for e in http),
                    "%s: requests seen by %s, want %d" % (
                        what, sorted({e["seen_by"] for e in http}),
                        seen_by))
            if driver == "ros3":
                t.check(len(reads) == len(gets),
                        "%s: %d driver reads, nginx logged %d GETs"
                        % (what, len(reads), len(gets)))
                continue
            if label == "fsspec-default":
                t.check(len(gets) == len(reads),
                        "%s: cache_type none, yet %d GETs for %d driver "
                        "reads" % (what, len(gets), len(reads)))
            else:
                blocks = blocks_touched(reads)
                t.check(len(gets) == len(blocks),
                        "%s: %d GETs, the reads touch %d 8 MiB blocks"
                        % (what, len(gets), len(blocks)))
                t.check(len(gets) <= math.ceil(flavor_bytes[f] / BLOCK_BYTES)
                        + 1, "%s: more GETs than blocks" % what)


def check_effects(events, logged, out):
    """The seed's effects, measured, where they occur."""
    def nreq(label, f):
        return len(logged[(label, f)])

    def nread(label, f):
        return len(events[(label, f)]["vfd_read"])

    base = nreq("ros3-default", "original")
    tuned_paged = nreq("ros3-tuned", "page-only-8mb")
    t.check(tuned_paged * 3 < base,
            "ROS3 with a 16 MiB page buffer on page-only-8mb made %d "
            "requests, not under a third of ROS3 default on the original "
            "(%d)" % (tuned_paged, base))
    paged_only = nreq("ros3-default", "page-only-8mb")
    t.check(abs(paged_only - base) <= 0.25 * base,
            "paging alone changed ROS3's requests from %d to %d"
            % (base, paged_only))
    for f in ("original", "rechunked-2mb"):
        t.check(nreq("ros3-tuned", f) >= nreq("ros3-default", f),
                "ROS3 tuned on unpaged %s made fewer requests (%d) than "
                "default (%d), yet HDF5 refuses a page buffer there"
                % (f, nreq("ros3-tuned", f), nreq("ros3-default", f)))
    with open(os.path.join(out, "logs", "ros3-tuned.log")) as fh:
        notes = [flavor_of(l) for l in fh if "page_buf_size refused" in l]
    t.check(sorted(notes) == ["original", "rechunked-2mb"],
            "the page buffer was refused on %s, want exactly the unpaged "
            "flavors" % sorted(notes))
    for f in FLAVORS:
        t.check(nread("fsspec-default", f) == nread("ros3-default", f),
                "%s: HDF5 made %d driver reads through fsspec, %d through "
                "ROS3" % (f, nread("fsspec-default", f),
                          nread("ros3-default", f)))
        t.check(nreq("fsspec-tuned", f) * 3 < nreq("fsspec-default", f),
                "%s: fsspec's block cache made %d requests, default %d"
                % (f, nreq("fsspec-tuned", f), nreq("fsspec-default", f)))
    print("ros3 default original %d requests, page-only-8mb %d; ros3 tuned "
          "page-only-8mb %d; fsspec default original %d, tuned %d"
          % (base, paged_only, tuned_paged,
             nreq("fsspec-default", "original"),
             nreq("fsspec-tuned", "original")))


def check_network(out, events, logged):
    """The demo's default network profile really slowed every request."""
    with open(os.path.join(out, "nginx", "profile")) as f:
        name, first_ms, bandwidth = f.read().split()[:3]
    t.check(name == "s3-same-region", "the demo ran with network %r, "
            "want its default s3-same-region" % name)
    first_ms, bandwidth = int(first_ms), int(bandwidth)
    for key, log in logged.items():
        for req in log:
            want = first_ms + req["bytes"] * 1000 / bandwidth
            if req["method"] == "HEAD":
                want = first_ms
            t.check(req["delay_ms"] is not None
                    and req["delay_ms"] >= math.floor(want)
                    and req["request_time_ms"] >= req["delay_ms"] - 1,
                    "%s: nginx slept %s ms (request time %s ms) for %r, "
                    "want at least %.1f" % (key, req["delay_ms"],
                                            req.get("request_time_ms"),
                                            req, want))
    n = 0
    for key, ev in events.items():
        for h in ev["http_request"]:
            n += 1
            t.check(h["ttfb_ns"] >= (first_ms - 1) * 1000000,
                    "%s: a ROS3 request's first byte came after %.1f ms, "
                    "under the profile's %d ms" % (key, h["ttfb_ns"] / 1e6,
                                                   first_ms))
    t.check(n > 0, "no http request to check the network with")


def check_same_means(tables):
    means = {(label, f): m for label, table in tables.items()
             for f, (m, _p) in table.items()}
    distinct = set(means.values())
    t.check(len(distinct) == 1, "variable means differ between runs: %s"
            % means)


def check_stdout(stdout, out):
    """The demo printed the report of every group and the advice, and
    wrote plots."""
    text = stdout.decode(errors="replace")
    for label in LABELS:
        t.check(label in text, "the demo's output lacks %s" % label)
    for f in FLAVORS:
        t.check(f in text, "the demo's output lacks %s" % f)
    t.check("== driver reads (vfd layer), by run and flavor, ratio to "
            "original ==" in text, "the demo did not print the report's "
            "pivot")
    for name in ("report.txt", "report.csv", "report.html", "advise.txt"):
        t.check(os.path.getsize(os.path.join(out, name)) > 0,
                "the demo wrote no %s" % name)
    # the advice: its head and first findings printed, all in advise.txt
    with open(os.path.join(out, "advise.txt")) as f:
        advice = f.read()
    cut = advice.find("\n 2  ")
    head = advice if cut < 0 else advice[:cut]
    t.check(advice.startswith("h5snoop advise: ") and head in text,
            "the demo did not print the advice's head and first finding:"
            "\n%s" % head)
    for name in ("compare.svg", "read_pattern_vfd.svg", "timeline.svg"):
        path = os.path.join(out, "plots", name)
        t.check(os.path.exists(path), "the demo drew no %s" % path)
        try:
            ElementTree.parse(path)
        except ElementTree.ParseError as exc:
            t.fail("%s is no well-formed SVG: %s" % (path, exc))
    pid = re.search(r"\(pid (\d+)\)", text)
    t.check(pid, "the demo did not say nginx's pid")
    return int(pid.group(1))


def nginx_gone(pid):
    """True if pid is no live nginx (gone, a zombie, or another program)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return True
    return not re.match(r"\d+ \(nginx\) [^ZX]", stat)


def check_interrupt(out, delay_s=1.0):
    """Ctrl-C during the experiment: exit 130, nginx stopped."""
    p = subprocess.Popen(demo_cmd(out), env=t.base_env(),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         start_new_session=True)
    seen = b""
    deadline = time.monotonic() + 300
    try:
        while b"[5/6]" not in seen and time.monotonic() < deadline:
            line = p.stdout.readline()
            if not line:
                break
            seen += line
        t.check(b"[5/6]" in seen, "the demo never reached the experiment:\n"
                + seen.decode(errors="replace"))
        time.sleep(delay_s)
        os.killpg(p.pid, signal.SIGINT)
        rest, _ = p.communicate(timeout=120)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    text = (seen + rest).decode(errors="replace")
    t.check(p.returncode == 130, "interrupted demo exited %s:\n%s"
            % (p.returncode, text))
    pid = re.search(r"\(pid (\d+)\)", text)
    t.check(pid, "the interrupted demo did not say nginx's pid")
    for _ in range(50):
        if nginx_gone(int(pid.group(1))):
            break
        time.sleep(0.1)
    t.check(nginx_gone(int(pid.group(1))),
            "nginx (pid %s) still runs after Ctrl-C" % pid.group(1))


def main():
    check_prerequisites()
    work = t.tempdir()
    out = os.path.join(work, "demo")
    try:
        started = time.monotonic()
        p = t.run(demo_cmd(out), timeout=600)
        t.check(p.returncode == 0, "demo.sh exited %d:\n%s\n%s"
                % (p.returncode, p.stdout.decode(errors="replace")[-4000:],
                   p.stderr.decode(errors="replace")[-4000:]))
        print("demo.sh --elements %d: %.1f s"
              % (ELEMENTS, time.monotonic() - started))
        nginx_pid = check_stdout(p.stdout, out)
        t.check(nginx_gone(nginx_pid), "nginx (pid %d) still runs after "
                "the demo" % nginx_pid)
        runs = read_runs(out)
        tables = {label: read_table(out, label) for label in LABELS}
        check_same_means(tables)
        events, ntraces = read_traces(out, tables)
        logged = read_log(out, runs)
        flavor_bytes = {
            f: os.path.getsize(os.path.join(
                out, "data", "flavors",
                "ATL06_20200811143458_07210811_006_01_%s.h5" % f))
            for f in FLAVORS}
        report = read_report(out)
        check_counts(report, events, logged, flavor_bytes)
        check_pivot(p.stdout, logged)
        check_effects(events, logged, out)
        check_network(out, events, logged)
        print("%d worker traces merged; %d requests logged by nginx"
              % (ntraces, sum(len(v) for v in logged.values())))
        check_interrupt(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
