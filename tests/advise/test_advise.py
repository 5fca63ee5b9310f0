#!/usr/bin/python3
"""test_advise.py - `h5snoop advise` on real recorded runs: each rule
fires on a run made to show its problem and stays quiet on runs that do
not have it.

The data is the demo's (samples/make_granule.py and make_flavors.sh,
on the demo's default granule of 150,000 elements a beam, 67 MB), served
by nginx with the s3-same-region network profile (30 ms a request), so
that recorded latencies are an object store's.  Every run is recorded by `h5snoop record` (real libcurl, real
h5py):

  run (label)           what it does                  rules that must fire
  ros3-original         ROS3, defaults, original      metadata-scattered,
                                                      small-chunks
  ros3-paged            ROS3, defaults, page-only     paged-no-buffer,
                                                      small-chunks
  ros3-rechunked        ROS3, defaults, rechunked     metadata-scattered
                                                      (which takes in
                                                      small-requests),
                                                      one-at-a-time
  ros3-paged-rechunked  ROS3, defaults, rechunked     paged-no-buffer
                        and paged                     (which takes in
                                                      small-requests),
                                                      one-at-a-time
  ros3-tuned-paged      ROS3, page buffer, rechunked  (none)
                        and paged
  ros3-tuned-pageonly   ROS3, page buffer, page-only  (none)
  ros3-twice            ROS3 opens the original twice repeated-ranges, and
                        and reads it again            the original's two
  ros3-small-chunks     ROS3 reads a file of 100      small-chunks,
                        2000-element gzip chunks      small-requests,
                        (with H5SNOOP_STACKS=1)       one-at-a-time
  fsspec-blockcache     fsspec 8 MiB block cache      overfetch (whole
                                                      8 MiB blocks, seen
                                                      by the net layer,
                                                      for small reads)
  fsspec-1mib-blocks    fsspec 1 MiB blocks, 4 kept   overfetch
  fsspec-blockcache-    the same, the file's size     overfetch; and the
  sized                 given (no HEAD before the     HEAD of a file it
                        blocks), after fs.size() of   never reads is a
                        a file it never reads         size probe, no run
  curl-errors           curl asks for missing files   http-errors
  curl-new-connections  12 curl processes, one        no-connection-reuse
                        request each

(in a sanitized build the curl runs are left out: the curl tool
deadlocks under the preloaded ASan runtime, tests/shim/test_clients.py;
there advise's code for them still runs on tests/data/good/basic, which
holds a 404), and a generated trace (make_overfetch_trace: ROS3 of HDF5 1.14 fetching
the first 16 MiB at open, which Debian 12's HDF5 cannot record) must
show overfetch.  Every rule that is not listed for a run must not fire
on it.  The costs are not compared with timings of this machine; only
their form is checked (non-negative, ranked most costly first).  The
text output fits 80 columns, and the run recorded with H5SNOOP_STACKS=1
names its HDF5 call (H5Dread) as the call site of its small chunks.
Untrusted input: on every case of tests/data/good it exits 0 with valid
JSON and text within 80 columns; on every case of tests/data/bad it
exits 1 with one error line naming the case.

The issue's checks on the demo's granule:
  * the original flavor's most costly finding is metadata-scattered
    (its small metadata reads, over 6 MiB regions and more of the file),
    with paging and a page buffer as the remedy: that remedy also serves
    the small raw-data chunks from pages, so it saves more than
    rechunking (small-chunks), as the demo's tuned runs measure;
  * ROS3's tuned run of the paged, rechunked flavor has no finding that
    costs more than 10% of its time;
  * findings whose remedies overlap count no saving twice: pages and a
    page buffer take in small-requests (rechunked-2mb-paged read with
    ROS3's defaults fired both before), and a run's findings together
    never cost more than the time it waited (check_overlap);
  * the latency of a run comes from its HTTP requests, never from
    driver reads a client cache served (the fsspec block-cache runs:
    not under what nginx imposed), and the run's time is predicted from
    it;
  * what-if none predicts each ROS3 run's time, and what-if blockcache
    each fsspec block-cache run's, within 25% of its wall time (less
    what the machine stalled its requests, measured against nginx's
    log) at the run's recorded latency, and at the latency nginx imposed (the
    profile's) when the recorded one is within LATENCY_TOLERANCE_S of
    it (see check_time for why the bound holds on a loaded machine and
    what the test says when the machine adds more);
  * `report`'s findings section (text, csv, json) lists advise's most
    costly findings at the recorded latency, one line each.
"""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import urllib.parse

import testlib as t

RULES = ("small-requests", "metadata-scattered", "paged-no-buffer",
         "small-chunks", "repeated-ranges", "overfetch", "http-errors",
         "one-at-a-time", "no-connection-reuse")
STEM = "ATL06_20200811143458_07210811_006_01"
PY = "/usr/bin/python3"
# samples/demo.sh's default granule (checked against its --help)
ELEMENTS = 150000
# the s3-same-region profile's first byte (tests/servers/nginx.sh)
PROFILE_RTT_S = 0.030

# How far a run's recorded latency (its median first byte) may be above
# what nginx imposed for the time to be asserted at the imposed latency
# too: a run spent entirely in requests is then mispredicted by 5 / 35 =
# 14% at most from it, within the 25% bound with room for the model's
# own error (0-8% measured).  Beyond it the machine adds what the
# profile does not model (11 ms a request measured beside an ASan build)
# and the test says so instead.
LATENCY_TOLERANCE_S = 0.005
# nginx's timers count whole milliseconds: it waits at least the delay
# less 1 ms (tests/servers/nginx.sh).
NGINX_TIMER_S = 0.001

# The curl tool deadlocks at start-up under a preloaded ASan runtime.
CURL_TOOL = not os.environ.get("H5SNOOP_ASAN_RUNTIME")
SMALL = {"small-requests", "one-at-a-time"}
# On the demo's granule the original's small reads are 31 metadata reads
# of 76 (45 raw-data chunks of 39 KiB): under half, so small-requests and
# one-at-a-time stay quiet there.
ORIGINAL = {"metadata-scattered", "small-chunks"}
# Pages and a page buffer serve every small read: where their finding
# fires, it takes in small-requests (check_overlap).
EXPECTED = {
    "ros3-original": ORIGINAL,
    "ros3-paged": {"paged-no-buffer", "small-chunks"},
    "ros3-rechunked": {"metadata-scattered", "one-at-a-time"},
    "ros3-paged-rechunked": {"paged-no-buffer", "one-at-a-time"},
    "ros3-tuned-paged": set(),
    "ros3-tuned-pageonly": set(),
    "ros3-twice": ORIGINAL | {"repeated-ranges"},
    "ros3-small-chunks": SMALL | {"small-chunks"},
    "fsspec-blockcache": {"overfetch"},
    "fsspec-1mib-blocks": {"overfetch"},
    "fsspec-blockcache-sized": {"overfetch"},
    "curl-errors": {"http-errors"},
    "curl-new-connections": {"no-connection-reuse"},
    "ros3-1.14": {"overfetch"},
}

TWICE = """
import sys, h5py
sys.path.insert(0, sys.argv[2])
import read_h5py
for _ in range(2):
    with h5py.File(sys.argv[1], "r", driver="ros3") as f:
        read_h5py.read_means(f, read_h5py.DEFAULT_VARIABLES)
"""

SMALL_BLOCKS = """
import sys, fsspec, fsspec.caching, h5py
sys.path.insert(0, sys.argv[2])
import read_h5py
kind = "blockcache" if "blockcache" in fsspec.caching.caches else "block"
fs = fsspec.filesystem("http", skip_instance_cache=True)
with fs.open(sys.argv[1], "rb", cache_type=kind, block_size=2**20,
             cache_options={"maxblocks": 4}) as fo:
    with h5py.File(fo, "r") as f:
        read_h5py.read_means(f, read_h5py.DEFAULT_VARIABLES)
"""

# The block cache of fsspec-blockcache with the file's size given, so
# that fsspec makes no HEAD before its blocks: the run's latency can only
# come from its 8 MiB GETs.  Before, it fs.size()s a file it never reads:
# a HEAD that is a size probe, no run of a file.
SIZED = """
import sys, fsspec, fsspec.caching, h5py
sys.path.insert(0, sys.argv[3])
import read_h5py
kind = "blockcache" if "blockcache" in fsspec.caching.caches else "block"
fs = fsspec.filesystem("http", skip_instance_cache=True)
fs.size(sys.argv[4])
with fs.open(sys.argv[1], "rb", cache_type=kind, block_size=8 * 2**20,
             size=int(sys.argv[2])) as fo:
    with h5py.File(fo, "r") as f:
        read_h5py.read_means(f, read_h5py.DEFAULT_VARIABLES)
"""

READ_ALL = """
import sys, h5py
with h5py.File(sys.argv[1], "r", driver="ros3") as f:
    for name in sorted(f["grp"]):
        f["grp"][name][:]
"""


def demo_elements():
    """The default --elements of samples/demo.sh, from its --help."""
    p = t.run(["bash", os.path.join(t.source_dir(), "samples", "demo.sh"),
               "--help"])
    t.check(p.returncode == 0, "demo.sh --help: %r" % p.stderr)
    m = re.search(r"--elements N .*\(default (\d+)", p.stdout.decode())
    t.check(m, "demo.sh --help names no default --elements")
    return int(m.group(1))


def make_data(work):
    samples = os.path.join(t.source_dir(), "samples")
    t.check(demo_elements() == ELEMENTS, "samples/demo.sh's default "
            "granule is no longer %d elements: update ELEMENTS and the "
            "README's table" % ELEMENTS)
    src = os.path.join(work, "source", STEM + ".h5")
    os.makedirs(os.path.dirname(src))
    # NOTE: no ASan runtime preloaded (a sanitized build's base_env):
    # h5repack hangs at start under it, as samples/demo.sh notes.
    env = {k: v for k, v in t.base_env().items()
           if k not in ("LD_PRELOAD", "ASAN_OPTIONS")}
    p = t.run([PY, os.path.join(samples, "make_granule.py"), "--elements",
               str(ELEMENTS), src], env=env, timeout=600)
    t.check(p.returncode == 0, "make_granule.py: %r" % p.stderr[-2000:])
    flavors = os.path.join(work, "flavors")
    p = t.run(["bash", os.path.join(samples, "make_flavors.sh"), src,
               flavors], env=env, timeout=600)
    t.check(p.returncode == 0, "make_flavors.sh: %r" % p.stderr[-2000:])
    t.make_h5(os.path.join(flavors, "small-chunks.h5"), datasets=2,
              elements=100000, chunk=2000)
    return flavors


def record_one(traces, label, cmd, extra_env=None):
    p = t.record(cmd, os.path.join(traces, label), label=label,
                 extra_env=extra_env, timeout=600)
    t.check(p.returncode == 0, "%s failed (%d): %s" % (
        label, p.returncode, p.stderr.decode(errors="replace")[-2000:]))


def record_runs(server, traces):
    """Records every run; returns {label: nginx's log entries of it}."""
    samples = os.path.join(t.source_dir(), "samples")
    reader = os.path.join(samples, "read_h5py.py")
    logs = {}

    def url(flavor):
        return server.url("%s_%s.h5" % (STEM, flavor))

    def record(traces, label, cmd, extra_env=None):
        mark = server.log_mark()
        record_one(traces, label, cmd, extra_env)
        logs[label] = server.requests(mark)

    record(traces, "ros3-original",
           [PY, reader, "--driver", "ros3", url("original")])
    record(traces, "ros3-small-chunks",
           [PY, "-c", READ_ALL, server.url("small-chunks.h5")],
           extra_env={"H5SNOOP_STACKS": "1"})
    record(traces, "ros3-paged",
           [PY, reader, "--driver", "ros3", url("page-only-8mb")])
    record(traces, "ros3-rechunked",
           [PY, reader, "--driver", "ros3", url("rechunked-2mb")])
    record(traces, "ros3-paged-rechunked",
           [PY, reader, "--driver", "ros3", url("rechunked-2mb-paged")])
    record(traces, "ros3-tuned-pageonly",
           [PY, reader, "--driver", "ros3", "--params", "tuned",
            url("page-only-8mb")])
    record(traces, "ros3-tuned-paged",
           [PY, reader, "--driver", "ros3", "--params", "tuned",
            url("rechunked-2mb-paged")])
    record(traces, "ros3-twice",
           [PY, "-c", TWICE, url("original"), samples])
    record(traces, "fsspec-blockcache",
           [PY, reader, "--driver", "fsspec", "--params", "tuned",
            url("original")])
    record(traces, "fsspec-1mib-blocks",
           [PY, "-c", SMALL_BLOCKS, url("original"), samples])
    size = os.path.getsize(os.path.join(server.root, "%s_original.h5"
                                        % STEM))
    record(traces, "fsspec-blockcache-sized",
           [PY, "-c", SIZED, url("original"), str(size), samples,
            url("rechunked-2mb")])
    if not CURL_TOOL:
        return logs
    missing = server.url("no-such-granule.h5")
    record(traces, "curl-errors",
           ["sh", "-c", "for i in 1 2 3; do curl -s -o /dev/null -r 0-99 "
            "'%s'; done" % missing])
    record(traces, "curl-new-connections",
           ["sh", "-c", "for i in $(seq 0 11); do curl -s -f -o /dev/null "
            "-r $((i * 4096))-$((i * 4096 + 4095)) '%s' || exit 1; done"
            % url("original")])
    return logs


def advise(args):
    p = t.run([t.h5snoop_bin(), "advise"] + args, timeout=300)
    t.check(p.returncode == 0, "h5snoop advise %s: exit %d: %s" % (
        args, p.returncode, p.stderr.decode(errors="replace")))
    return p.stdout.decode()


if not CURL_TOOL:
    del EXPECTED["curl-errors"], EXPECTED["curl-new-connections"]


def check_findings(doc):
    fired = {}
    for run in doc["runs"]:
        fired.setdefault(run["label"], set())
    last = None
    for f in doc["findings"]:
        t.check(f["rule"] in RULES, "unknown rule %r" % f["rule"])
        t.check(f["cost_s"] >= 0 and f["cost_rtt_s"] >= 0,
                "a negative cost: %r" % f)
        t.check(last is None or f["cost_rtt_s"] <= last,
                "findings not most costly first: %r" % doc["findings"])
        last = f["cost_rtt_s"]
        t.check(f["evidence"] and f["remedy"], "empty finding %r" % f)
        fired.setdefault(f["label"], set()).add(f["rule"])
    t.check(sorted(fired) == sorted(EXPECTED),
            "runs advised: %s, want %s" % (sorted(fired), sorted(EXPECTED)))
    wrong = ["%s: rules %s fired, want %s"
             % (label, sorted(fired[label]), sorted(want))
             for label, want in EXPECTED.items() if fired[label] != want]
    t.check(not wrong, "; ".join(wrong))
    covered = set().union(*EXPECTED.values())
    if not CURL_TOOL:
        covered |= {"http-errors", "no-connection-reuse"}
        print("NOTE: sanitized build: the curl runs (http-errors, "
              "no-connection-reuse) are left out")
    t.check(covered == set(RULES), "rules no run shows: %s"
            % sorted(set(RULES) - covered))


def check_original(doc):
    """The original flavor's most costly finding is its scattered small
    metadata reads, with paging and a page buffer as the remedy; the
    tuned run of the paged, rechunked flavor has no finding costing more
    than 10% of its time (EXPECTED also wants none at all)."""
    top = [f for f in doc["findings"] if f["label"] == "ros3-original"][0]
    remedy = "\n".join(top["remedy"])
    t.check(top["rule"] == "metadata-scattered"
            and "ohdr" in top["evidence"] and "btree" in top["evidence"]
            and "h5repack -S PAGE -G 8388608" in remedy
            and "page_buf_size" in remedy,
            "the original's top finding: %r" % top)
    print("ros3-original: top finding %s, %.2f s of %.2f s"
          % (top["rule"], top["cost_s"], top["wall_s"]))
    for f in doc["findings"]:
        if f["label"] == "ros3-tuned-paged":
            t.check(f["cost_s"] <= 0.1 * f["wall_s"] and
                    f["cost_rtt_s"] <= 0.1 * f["wall_s"],
                    "ros3-tuned-paged: a finding costing more than 10%% "
                    "of its %.3f s: %r" % (f["wall_s"], f))


# The runs whose time is predicted: the model that makes their requests.
TIMED = (
    ("none", ("ros3-original", "ros3-paged", "ros3-rechunked",
              "ros3-paged-rechunked", "ros3-tuned-paged",
              "ros3-tuned-pageonly", "ros3-twice")),
    ("blockcache:8MiB:32", ("fsspec-blockcache", "fsspec-blockcache-sized")),
    ("blockcache:1MiB:4", ("fsspec-1mib-blocks",)),
)


def imposed_latency(log, url):
    """What nginx imposed (its delay_ms) on the requests a run's latency
    is measured from: the median over its small requests of url (under
    10 KiB, HEADs included), else over all of them, in seconds."""
    path = urllib.parse.urlparse(url).path
    mine = [r for r in log if r["uri"] == path and r["status"] < 400]
    small = [r["delay_ms"] for r in mine if r["bytes"] < 10240]
    delays = sorted(small or [r["delay_ms"] for r in mine])
    t.check(delays and None not in delays,
            "nginx logged no delay for %s: %r" % (url, mine))
    return delays[len(delays) // 2] / 1e3


def machine_stall(traces, label, log, url):
    """Seconds this machine stalled the run's requests of url beyond a
    typical request: each request's duration in the trace less the time
    nginx logged for it (request_time: from the request read to the last
    byte sent, the profile's delay included), summed over what exceeds
    the median of those excesses among requests of its size class (under
    1 MiB or not: a large body is still being read when nginx logs it).
    The typical excess is in the recorded latency and bandwidth; a stall
    (the client not scheduled for a while on a loaded machine) is not,
    and no network model predicts it."""
    path = urllib.parse.urlparse(url).path
    queue = {}
    for req in log:
        if req["uri"] == path and req["request_time_ms"] is not None:
            queue.setdefault(t.nginx_key(req), []).append(req)
    excess = []
    for ev in t.by_name(t.all_events(os.path.join(traces, label)),
                        "http_request"):
        reqs = queue.get(t.http_key(ev))
        if urllib.parse.urlparse(ev["url"]).path != path or not reqs:
            continue
        req = reqs.pop(0)
        excess.append((req["bytes"] >= 2**20, ev["duration_ns"] / 1e9
                       - req["request_time_ms"] / 1e3))
    t.check(excess, "%s: no request of %s paired with nginx's log"
            % (label, url))
    stall = 0.0
    for large in (False, True):
        mine = sorted(x for big, x in excess if big == large)
        stall += sum(max(0.0, x - mine[len(mine) // 2]) for x in mine)
    return stall


def check_time(traces, logs):
    """Each TIMED run's predicted time (its requests as its model makes
    them) is within 25% of its wall time, at the run's recorded latency
    and at the latency nginx imposed; the recorded latency is the
    network's, from the run's HTTP requests (never a driver read that a
    client cache served: the block-cache runs' reads mostly took
    microseconds).

    Why the bound holds on a loaded 2-core machine: the prediction is
    requests x latency + bytes / bandwidth + the run's own time outside
    its driver reads (recorded, so that load slowing the program down is
    in both).  The wall time is that own time plus the driver reads,
    each of which waited in nginx the profile's delay (less nginx's 1 ms
    timer resolution) before the first byte (nginx.sh), plus what this
    machine adds to a request (libcurl or aiohttp, the loopback, waking
    two processes).  The recorded latency, the median first byte of the
    run's small requests (of all its requests when it has no small one),
    holds what the load adds to a typical request: to break the bound, a
    quarter of the run's time would have to go to requests far slower
    than the median.
    What the model cannot know is left out of the wall time it is
    compared with, and printed: the time this machine stalled requests
    beyond a typical one (machine_stall: the trace's durations against
    nginx's own request times; 0.44 s once in a 1.65 s run while other
    builds ran).
    At the imposed latency (the profile's 30 ms for a small request; for
    8 MiB blocks, whose first byte nginx sends after the transfer, 30 ms
    + 8 MiB at 80 MB/s = 135 ms) the prediction leaves out what the
    machine adds per request: it is asserted when the recorded latency
    is within LATENCY_TOLERANCE_S of the imposed one, and otherwise the
    test prints why it compared at the recorded latency only."""
    cache = {}

    def runs(model, rtt):
        if (model, rtt) not in cache:
            cache[model, rtt] = what_if(model, traces, rtt)
        return cache[model, rtt]

    for model, labels in TIMED:
        for label in labels:
            run = runs(model, "0")[label]
            pred, lat = run["what_if"]["time_s"], run["latency_s"]
            stall = machine_stall(traces, label, logs[label], run["file"])
            wall = run["wall_s"] - stall
            imposed = imposed_latency(logs[label], run["file"])
            print("time, %s (%s): predicted %.3f s at the recorded %.1f "
                  "ms, measured %.3f s less %.3f s of stalls: %.3f s "
                  "(%+.1f%%)"
                  % (label, model, pred, lat * 1e3, run["wall_s"], stall,
                     wall, 100 * (pred - wall) / wall))
            t.check(lat >= imposed - NGINX_TIMER_S,
                    "%s: latency %.3f ms, under the %.0f ms nginx imposed "
                    "on its requests: not the network's"
                    % (label, lat * 1e3, imposed * 1e3))
            t.check(abs(pred - wall) <= 0.25 * wall,
                    "%s: predicted %.3f s at the recorded %.1f ms, "
                    "measured %.3f s: more than 25%% apart"
                    % (label, pred, lat * 1e3, wall))
            rtt = "%dms" % round(imposed * 1e3)
            at = runs(model, rtt)[label]["what_if"]["time_s"]
            if lat - imposed > LATENCY_TOLERANCE_S:
                print("NOTE: %s: at the %s nginx imposed: predicted %.3f "
                      "s (%+.1f%%), not asserted: this machine added "
                      "%.1f ms a request (recorded %.1f ms), more than "
                      "the %.0f ms tolerated; compared at the recorded "
                      "latency only"
                      % (label, rtt, at, 100 * (at - wall) / wall,
                         (lat - imposed) * 1e3, lat * 1e3,
                         LATENCY_TOLERANCE_S * 1e3))
                continue
            print("time, %s (%s): predicted %.3f s at the %s nginx "
                  "imposed, measured %.3f s (%+.1f%%)"
                  % (label, model, at, rtt, wall,
                     100 * (at - wall) / wall))
            t.check(abs(at - wall) <= 0.25 * wall,
                    "%s: predicted %.3f s at the %s nginx imposed, "
                    "measured %.3f s: more than 25%% apart"
                    % (label, at, rtt, wall))


def check_overlap(traces):
    """No saving counted twice: where pages and a page buffer (the remedy
    of metadata-scattered and paged-no-buffer) fire, small-requests is
    taken in (its evidence in theirs), and each run's findings together
    cost at most the time it waited (saveable_s, itself at most its
    wall time), at the recorded latency and at --rtt 30ms."""
    for rtt in ("0", "30ms"):
        doc = json.loads(advise(["--rtt", rtt, "--format", "json",
                                 traces]))
        for run in doc["runs"]:
            mine = [f for f in doc["findings"]
                    if (f["label"], f["file"]) == (run["label"],
                                                   run["file"])]
            rules = {f["rule"] for f in mine}
            t.check(not ({"metadata-scattered", "paged-no-buffer"} & rules
                         and "small-requests" in rules),
                    "%s: small-requests beside a page buffer's finding: "
                    "%s" % (run["label"], sorted(rules)))
            cost = sum(f["cost_s"] for f in mine)
            cost_rtt = sum(f["cost_rtt_s"] for f in mine)
            t.check(run["saveable_s"] <= run["wall_s"] * 1.000001 and
                    cost <= run["saveable_s"] * 1.000001 + 1e-9 and
                    cost_rtt <= run["saveable_rtt_s"] * 1.000001 + 1e-9,
                    "%s: findings cost %.3f s (%.3f s at --rtt %s) of "
                    "%.3f s waited (%.3f s), %.3f s in all"
                    % (run["label"], cost, cost_rtt, rtt,
                       run["saveable_s"], run["saveable_rtt_s"],
                       run["wall_s"]))
            for f in mine:
                t.check(f["cost_s"] <= f["cost_alone_s"] * 1.000001 + 1e-9,
                        "%s: counted more than alone: %r" % (run["label"],
                                                             f))
            if rtt == "0" and mine:
                print("overlap, %s: %s: %.3f s of %.3f s waited, %.3f s "
                      "in all (alone: %.3f s)"
                      % (run["label"], ", ".join(
                          "%s %.3f s" % (f["rule"], f["cost_s"])
                          for f in mine), cost, run["saveable_s"],
                         run["wall_s"],
                         sum(f["cost_alone_s"] for f in mine)))
        if rtt != "0":
            continue
        paged = [f for f in doc["findings"]
                 if f["label"] == "ros3-paged-rechunked"
                 and f["rule"] == "paged-no-buffer"]
        t.check(len(paged) == 1 and paged[0]["absorbed"] ==
                "small-requests" and "under 10 KiB" in paged[0]["evidence"],
                "ros3-paged-rechunked: paged-no-buffer did not take in "
                "small-requests: %r" % paged)


def check_probes(doc, text, server_url):
    """A HEAD of a file nothing reads (fsspec-blockcache-sized's
    fs.size()) is a size probe, listed as one: no run of a file, no
    finding, not under "No finding"; fsspec's runs name the driver HDF5
    read through (fileobj), not the layer of their first request."""
    probed = server_url("%s_rechunked-2mb.h5" % STEM)
    t.check([(p["label"], p["file"], p["heads"])
             for p in doc["size_probes"]] ==
            [("fsspec-blockcache-sized", probed, 1)],
            "size probes %r, want fsspec-blockcache-sized's HEAD of %s"
            % (doc["size_probes"], probed))
    t.check(not [r for r in doc["runs"] if r["file"] == probed and
                 r["label"] == "fsspec-blockcache-sized"],
            "the size probe of %s became a run" % probed)
    t.check(not [f for f in doc["findings"] if f["file"] == probed and
                 f["label"] == "fsspec-blockcache-sized"],
            "the size probe of %s has a finding" % probed)
    head, _, probes = text.partition("\nSize probes only")
    t.check("rechunked-2mb.h5 (1 HEAD)" in probes and
            "HEAD" not in head.partition("\nNo finding:")[2],
            "the text's size probes: %r" % text[-1500:])
    print("size probes:%s" % probes.rstrip())
    for run in doc["runs"]:
        if run["label"].startswith("fsspec-"):
            t.check(run["driver"] == "fileobj",
                    "%s: driver %r" % (run["label"], run["driver"]))


def check_report(traces):
    """`report`'s findings section: advise's most costly findings at
    the recorded latency (advise --rtt 0), the first five, one line
    each, in text, csv and json."""
    want = json.loads(advise(["--rtt", "0", "--format", "json", traces]))
    want = want["findings"]
    t.check(len(want) > 5, "only %d findings" % len(want))
    p = t.run([t.h5snoop_bin(), "report", "--by", "label,file", "-f",
               "json", traces], timeout=300)
    t.check(p.returncode == 0, "report -f json: %r" % p.stderr)
    got = json.loads(p.stdout.decode())
    t.check(got["findings_total"] == len(want) and
            [(f["rule"], f["label"], f["file"]) for f in got["findings"]]
            == [(f["rule"], f["label"], f["file"]) for f in want[:5]] and
            all(abs(g["cost_s"] - w["cost_s"]) <= 1e-6 * w["cost_s"]
                for g, w in zip(got["findings"], want)),
            "report's findings %r, advise's %r" % (got["findings"],
                                                   want[:5]))
    p = t.run([t.h5snoop_bin(), "report", traces], timeout=300)
    t.check(p.returncode == 0, "report: %r" % p.stderr)
    text = p.stdout.decode()
    head = "\nfindings: %d, most costly first" % len(want)
    t.check(head in text, "no findings section in the text report")
    lines = text[text.index(head) + 1:].splitlines()[1:6]
    for i, (line, f) in enumerate(zip(lines, want)):
        t.check(line.startswith("  %d. %s" % (i + 1, f["rule"])) and
                line.endswith("%s, %s" % (f["label"], f["file"])),
                "findings line %d: %r, want %s of %s, %s"
                % (i + 1, line, f["rule"], f["label"], f["file"]))
    p = t.run([t.h5snoop_bin(), "report", "-f", "csv", traces],
              timeout=300)
    t.check(p.returncode == 0, "report -f csv: %r" % p.stderr)
    rows = [r for r in csv.DictReader(io.StringIO(p.stdout.decode()))
            if r["layer"] == "finding"]
    t.check([(r["bin"], r["group"]) for r in rows] ==
            [(f["rule"], "%s/%s" % (f["label"], f["file"]))
             for f in want[:5]],
            "csv finding rows %r" % rows)


def check_call_sites(doc):
    for f in doc["findings"]:
        if (f["label"] == "ros3-small-chunks"
                and f["rule"] == "small-chunks"):
            names = [c["function"] for c in f["call_sites"]]
            t.check("H5Dread" in names, "small-chunks of ros3-small-chunks "
                    "(recorded with stacks) names call sites %r" % names)
            return
    t.fail("no small-chunks finding for ros3-small-chunks")


def check_width(text):
    for line in text.splitlines():
        t.check(len(line) <= 79, "line of %d columns: %r"
                % (len(line), line))


def check_text(text):
    check_width(text)
    t.check(text.startswith("h5snoop advise: "), "text header: %r"
            % text[:200])
    t.check("remedy  Gather the metadata into pages" in text,
            "the text lacks the paging remedy")


def gets(log):
    """The GETs of a run in nginx's log: (count, body bytes)."""
    got = [r for r in log if r["method"] == "GET"]
    return len(got), sum(r["bytes"] for r in got)


def what_if(model, traces, rtt="0"):
    doc = json.loads(advise(["--what-if", model, "--rtt", rtt, "--format",
                             "json", traces]))
    t.check(doc["what_if"] == model, "what_if %r" % doc["what_if"])
    return {r["label"]: r for r in doc["runs"]}


def check_what_if(traces, logs):
    """Predictions against what nginx logged (item 4 of the design)."""
    # none: ROS3 of HDF5 1.10 makes one GET per driver read (its HEAD
    # at open is no driver read)
    runs = what_if("none", traces)
    at_29ms = what_if("none", traces, "29ms")
    for label in ("ros3-original", "ros3-paged", "ros3-rechunked",
                  "ros3-twice", "ros3-small-chunks"):
        pred = runs[label]["what_if"]
        t.check((pred["requests"], pred["bytes"]) == gets(logs[label]),
                "what-if none, %s: predicted %r, nginx logged %r GETs"
                % (label, pred, gets(logs[label])))
        # nginx slept >= 30 ms - 1 ms per request, one after another:
        # the run cannot be faster than its requests at that latency
        low = at_29ms[label]["what_if"]["time_s"]
        t.check(runs[label]["wall_s"] >= low * 0.999,
                "%s took %.3f s, under its %d requests at 29 ms (%.3f s)"
                % (label, runs[label]["wall_s"], pred["requests"], low))
        print("what-if none, %s: %d requests, predicted %.2f s at the "
              "recorded latency, measured %.2f s" % (
                  label, pred["requests"], pred["time_s"],
                  runs[label]["wall_s"]))
    # blockcache: the driver reads of the fsspec block-cache run predict
    # the GETs nginx logged for it (fsspec's HEAD, its size probe, is no
    # block)
    for label, model in (("fsspec-blockcache", "blockcache:8MiB:32"),
                         ("fsspec-blockcache-sized", "blockcache:8MiB:32"),
                         ("fsspec-1mib-blocks", "blockcache:1MiB:4")):
        run = what_if(model, traces)[label]
        pred = run["what_if"]
        t.check((pred["requests"], pred["bytes"]) == gets(logs[label]),
                "what-if %s on %s: predicted %r, nginx logged %r GETs"
                % (model, label, pred, gets(logs[label])))
        print("what-if %s on %s's %d driver reads: %d GETs, %d bytes; "
              "nginx: %d GETs, %d bytes"
              % ((model, label, run["driver_reads"], pred["requests"],
                  pred["bytes"]) + gets(logs[label])))
    # pagebuffer: ROS3's default run of the paged flavor predicts ROS3's
    # tuned run (page buffer on) of the same flavor
    runs = what_if("pagebuffer", traces)
    pred = runs["ros3-paged"]["what_if"]
    real = gets(logs["ros3-tuned-pageonly"])
    t.check((pred["requests"], pred["bytes"]) == real,
            "what-if pagebuffer on ros3-paged: predicted %r, the tuned "
            "run made %r GETs" % (pred, real))
    print("what-if pagebuffer on ros3-paged's %d driver reads: %d GETs, "
          "%d bytes; the tuned run: %d GETs, %d bytes"
          % ((runs["ros3-paged"]["driver_reads"], pred["requests"],
              pred["bytes"]) + real))
    refused = runs["ros3-original"]["what_if"].get("refused", "")
    t.check("paged file" in refused, "pagebuffer on an unpaged file: %r"
            % runs["ros3-original"]["what_if"])


def check_data_cases():
    data = os.path.join(t.source_dir(), "tests", "data")
    for kind in ("good", "bad"):
        for name in sorted(os.listdir(os.path.join(data, kind))):
            case = os.path.join(data, kind, name)
            # A case with a SPECIAL file holds a FIFO or the like only
            # once made at test time: tests/cli/run_cases.py makes it and
            # runs advise on it with the other commands.
            if not os.path.isdir(case) or \
                    os.path.exists(os.path.join(case, "SPECIAL")):
                continue
            js = t.run([t.h5snoop_bin(), "advise", "--format", "json",
                        case])
            text = t.run([t.h5snoop_bin(), "advise", case])
            if kind == "good":
                t.check(js.returncode == 0 and text.returncode == 0,
                        "advise %s: exit %d: %r" % (case, js.returncode,
                                                    js.stderr))
                json.loads(js.stdout.decode())
                check_width(text.stdout.decode())
                continue
            err = js.stderr.decode(errors="replace")
            t.check(js.returncode == 1 and err.startswith(
                "h5snoop: error: ") and name in err,
                    "advise %s: exit %d, %r" % (case, js.returncode, err))


def main():
    if not os.access("/usr/sbin/nginx", os.X_OK):
        t.skip("no /usr/sbin/nginx")
    if shutil.which("h5repack") is None:
        t.skip("no h5repack")
    check_data_cases()
    work = t.tempdir()
    try:
        flavors = make_data(work)
        traces = os.path.join(work, "traces")
        with t.Nginx(flavors, ["--profile", "s3-same-region"]) as server:
            logs = record_runs(server, traces)
        gen = os.path.join(traces, "ros3-1.14")
        os.makedirs(gen)
        p = t.run([t.sample_bin("make_overfetch_trace"), gen])
        t.check(p.returncode == 0, "make_overfetch_trace: %r" % p.stderr)

        doc = json.loads(advise(["--format", "json", traces]))
        check_findings(doc)
        check_original(doc)
        check_what_if(traces, logs)
        check_time(traces, logs)
        check_overlap(traces)
        check_probes(doc, advise([traces]), server.url)
        check_report(traces)
        check_call_sites(doc)
        check_text(advise([traces]))
        doc80 = json.loads(advise(["--rtt", "80ms", "--format", "json",
                                   traces]))
        t.check(doc80["rtt_s"] == 0.08 and
                sorted(f["cost_rtt_s"] for f in doc80["findings"]) !=
                sorted(f["cost_rtt_s"] for f in doc["findings"]),
                "--rtt 80ms changed no cost")
        p = t.run([t.h5snoop_bin(), "advise", "--rtt", "fast", traces])
        t.check(p.returncode == 2 and b"--rtt" in p.stderr,
                "--rtt fast: exit %d %r" % (p.returncode, p.stderr))
        print("PASS: %d findings on %d runs"
              % (len(doc["findings"]), len(doc["runs"])))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
