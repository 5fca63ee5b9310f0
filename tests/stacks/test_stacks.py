#!/usr/bin/python3
"""test_stacks.py CASE - H5SNOOP_STACKS on real programs.

Each case records a program under `h5snoop record` with stacks on, reads
the trace with babeltrace2 (the independent reader), and symbolizes its
`stack` events from its `module` events with symbolize_tool (the
analyzer's symbolizer and attribution, analyzer/stacks/stack_table.c):

  c_sample  samples/stack_sample over ROS3 from nginx: every request has
            a stack; reads are attributed to H5Fopen, then H5Dopen2 and
            H5Aread called by list_attrs, then H5Dread called by
            read_variable, in that order; each http_request has the API
            call of its vfd_read; nginx saw what was recorded.
  h5py      h5py (system interpreter) over ROS3: output identical with and
            without stacks; HDF5 frames are named, h5py's frames are in
            its extension modules (stripped: module+offset), reads of
            d[:] are H5Dread's.
  dlopen    a library dlopen'ed after the first reads: its module is
            recorded late, and its frames (a static function too) named.
  sampling  H5SNOOP_STACKS=10: per thread, the first event of every ten
            carries a stack (the shim's per-thread countdown), exactly
            ceil(n / 10); unset, no event carries one and no stack or
            module is written.
  fork      a fork child's stacks and modules may be in its parent's
            trace only: `h5snoop export --stacks` names every frame of
            both.
  unwind    the fast unwinder against libunwind (H5SNOOP_UNWIND=check
            walks every stack with both and warns at a difference):
            unwind_host's recursions 0-45 deep through frames with and
            without a frame pointer, alloca and large frames, on two
            threads, and h5py reading d[:]; every stack compared, none
            different, the C host's all walked by the fast unwinder,
            its stacks complete down to main or the thread's start, or
            cut at 32 frames; and the default walk records the same
            stacks as H5SNOOP_UNWIND=libunwind.  Then unwind_host
            corrupt: reads below a frame whose saved frame pointer is
            garbage; the program runs as without the shim, and their
            stacks end at the frame that trusts it.

Then `h5snoop report --by function|stack` and `export --stacks` (the
analyzer's own reader) must agree with symbolize_tool read from
babeltrace2.
"""

import os
import re
import shutil
import subprocess
import sys
from collections import Counter

import analyzer_testlib as at
import testlib as t

VAR = "/grp/v0"
CHUNKS = 50  # make_file: 200000 elements in chunks of 4000


def make_file(path):
    """A chunked dataset with variable-length string attributes (their
    values are in the global heap, read by H5Aread) and a numeric one."""
    code = (
        "import h5py, numpy as np, sys\n"
        "with h5py.File(sys.argv[1], 'w') as f:\n"
        "    d = f.create_group('grp').create_dataset('v0',"
        " data=np.arange(200000.), chunks=(4000,), compression='gzip')\n"
        "    for i in range(4):\n"
        "        d.attrs['note%d' % i] = ('n%d-' % i) * 1500\n"
        "    d.attrs['scale'] = np.arange(3.)\n")
    p = t.run(["/usr/bin/python3", "-c", code, path])
    t.check(p.returncode == 0, "cannot make %s: %s" % (path, p.stderr))


# ---- the trace, read by babeltrace2 ----

_LINE = re.compile(r" (\w+): \{ tid = (\d+)(?:, lost_\w+ = \d+)* \}, "
                   r"\{ (.*) \}$")


def read_trace(trace_dir):
    """babeltrace2's view of a trace: (events, modules, stacks).  events:
    dicts of event, tid and the scalar fields, in time order; modules:
    dicts of base, start, end, path, build_id (hex), after (the number
    of events before it); stacks: {id:
    [frames]} (checked to be defined once)."""
    p = subprocess.run(["babeltrace2", trace_dir], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    t.check(p.returncode == 0, "babeltrace2 cannot read %s: %s"
            % (trace_dir, p.stderr.decode(errors="replace")[-2000:]))
    events, modules, stacks = [], [], {}
    for line in p.stdout.decode().splitlines():
        m = _LINE.search(line)
        t.check(m is not None, "unexpected babeltrace2 line: " + line)
        name, tid, body = m.group(1), int(m.group(2)), m.group(3)
        scalars = {k: int(v) for k, v in
                   re.findall(r"(?:^|, )(\w+) = (-?\d+)", body)}
        strings = dict(re.findall(r'(\w+) = "((?:[^"\\]|\\.)*)"', body))

        def seq(field):
            # The one sequence of an event is its last field.
            at = body.find(field + " = [")
            return [] if at < 0 else [
                int(x) for x in re.findall(r"\[\d+\] = (\d+)", body[at:])]
        if name == "module":
            bid = seq("build_id")
            t.check(len(bid) == scalars["build_id_len"],
                    "module build_id length: " + line)
            modules.append({"base": scalars["base"],
                            "start": scalars["start"],
                            "end": scalars["end"], "path": strings["path"],
                            "build_id": "".join("%02x" % b for b in bid),
                            "after": len(events)})
        elif name == "stack":
            frames = seq("frames")
            t.check(len(frames) == scalars["frame_count"],
                    "stack frame count: " + line)
            t.check(scalars["stack_id"] not in stacks,
                    "stack %d written twice" % scalars["stack_id"])
            stacks[scalars["stack_id"]] = frames
        else:
            ev = {"event": name, "tid": tid}
            ev.update(scalars)
            ev.update(strings)
            events.append(ev)
    return events, modules, stacks


def symbolize(modules, stacks, depth=3):
    """{stack_id: (api, site, [frames])} from symbolize_tool; its
    warnings are returned too."""
    lines = ["module %d %d %d %s %s" % (m["base"], m["start"], m["end"],
                                        m["build_id"] or "-", m["path"])
             for m in modules]
    lines += ["stack %d %s" % (i, " ".join(str(f) for f in fr))
              for i, fr in sorted(stacks.items())]
    lines += ["get %d %d" % (i, depth) for i in sorted(stacks)]
    p = subprocess.run([t.sample_bin("symbolize_tool")],
                       input=("\n".join(lines) + "\n").encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=300)
    t.check(p.returncode == 0, "symbolize_tool failed: "
            + p.stderr.decode(errors="replace"))
    out = {}
    for line in p.stdout.decode().splitlines():
        sid, api, site, frames = line.split("\t")
        out[int(sid)] = (None if api == "-" else api, site,
                         frames.split("|") if frames else [])
    return out, p.stderr.decode(errors="replace")


def one_trace(root):
    dirs = t.trace_dirs(root)
    t.check(len(dirs) == 1, "want one trace directory, got %s" % dirs)
    return dirs[0]


def requests(events):
    return [e for e in events if e["event"] in ("vfd_read", "http_request")]


def check_complete(events, modules, stacks, sym):
    """Every request carries a stack that its trace holds, and every
    frame of every stack lies in a recorded module, none in the shim."""
    for e in requests(events):
        t.check(e["stack_id"] != 0, "%s without a stack: %s"
                % (e["event"], e))
        t.check(e["stack_id"] in stacks, "stack_id %d has no stack event"
                % e["stack_id"])
    for m in modules:
        t.check(not m["path"].endswith("libh5snoop.so"),
                "the shim's module was recorded: %s" % m["path"])
        t.check(m["start"] <= m["base"] + 4096 or m["base"] == 0,
                "module %s: load bias %#x far below its start %#x"
                % (m["path"], m["base"], m["start"]))
        t.check(m["start"] < m["end"], "module %s: empty range"
                % m["path"])
        t.check(m["build_id"], "module %s: no build-id" % m["path"])
    for sid, frames in stacks.items():
        t.check(frames, "stack %d is empty" % sid)
        for pc in frames:
            t.check(any(m["start"] <= pc < m["end"] for m in modules),
                    "stack %d: frame %#x in no recorded module"
                    % (sid, pc))
        for f in sym[sid][2]:
            t.check("h5snoop" not in f, "stack %d: a shim frame %s"
                    % (sid, f))


class Recorded:
    """A program run without the shim and under `h5snoop record` with
    H5SNOOP_STACKS=1: same behaviour, one trace, every request with a
    stack of recorded modules (check_complete), symbolized.  Fields: out
    (the trace root), events, modules, stacks, sym, warnings."""

    def __init__(self, cmd, work, what, ng=None):
        plain = t.run(cmd)
        t.check(plain.returncode == 0, "%s failed: %s"
                % (what, plain.stderr))
        mark = ng.log_mark() if ng else 0
        self.out = os.path.join(work, "traces")
        traced = t.record(cmd, self.out,
                          extra_env={"H5SNOOP_STACKS": "1"})
        t.same_behaviour(plain, traced, what + " with stacks")
        self.logged = ng.requests(mark) if ng else []
        self.events, self.modules, self.stacks = read_trace(
            one_trace(self.out))
        self.sym, self.warnings = symbolize(self.modules, self.stacks)
        check_complete(self.events, self.modules, self.stacks, self.sym)


def runs(items):
    """Consecutive runs of equal items: [(item, count)]."""
    out = []
    for x in items:
        if out and out[-1][0] == x:
            out[-1] = (x, out[-1][1] + 1)
        else:
            out.append((x, 1))
    return out


# ---- the analyzer's view ----

def report_requests(trace_root, by, layer="vfd", extra=()):
    """{group key: requests} of `h5snoop report --by BY -f csv`."""
    rows = at.parse_csv(at.ok(["report", "--by", by, "-f", "csv"]
                              + list(extra) + [trace_root]),
                        "report --by " + by)
    return {r["group"]: int(r["requests"]) for r in rows
            if r["layer"] == layer and r["bin"] == "all"}


def exported(trace_root):
    """The rows of `h5snoop export -f jsonl --stacks`."""
    import json
    return [json.loads(l) for l in
            at.ok(["export", "-f", "jsonl", "--stacks",
                   trace_root]).splitlines()]


def check_cli_agrees(trace_root, events, sym):
    """report --by function and --by stack count what symbolize_tool
    says; export --stacks names the same frames, event by event."""
    reads = [e for e in events if e["event"] == "vfd_read"]
    want_fn = Counter(sym[e["stack_id"]][0] or "(no HDF5 call)"
                      for e in reads)
    got_fn = report_requests(trace_root, "function")
    t.check(got_fn == dict(want_fn), "report --by function: %s, want %s"
            % (got_fn, dict(want_fn)))
    want_site = Counter(sym[e["stack_id"]][1] for e in reads)
    got_site = report_requests(trace_root, "stack")
    t.check(got_site == dict(want_site), "report --by stack: %s, want %s"
            % (got_site, dict(want_site)))
    rows = {(r["tid"], r["seq"]): r for r in exported(trace_root)
            if r["event"] == "vfd_read"}
    for e in reads:
        r = rows.get((e["tid"], e["seq"]))
        t.check(r is not None, "export lacks read %d" % e["seq"])
        t.check(r["stack"] == sym[e["stack_id"]][2] and
                r["function"] == sym[e["stack_id"]][0],
                "export --stacks of read %d: %s %s, want %s %s"
                % (e["seq"], r["function"], r["stack"],
                   sym[e["stack_id"]][0], sym[e["stack_id"]][2]))


# ---- cases ----

def case_c_sample(work):
    path = os.path.join(work, "sample.h5")
    make_file(path)
    sample = t.sample_bin("stack_sample")
    with t.Nginx(work) as ng:
        rec = Recorded([sample, ng.url("sample.h5"), VAR], work,
                       "stack_sample", ng)
    t.check(not rec.warnings, "symbolize warnings:\n" + rec.warnings)
    events, sym, out, logged = rec.events, rec.sym, rec.out, rec.logged

    reads = [e for e in events if e["event"] == "vfd_read"]
    http = [e for e in events if e["event"] == "http_request"]
    site = {e["seq"]: sym[e["stack_id"]][1] for e in reads}
    order = runs([site[e["seq"]] for e in reads])
    want = ["H5Fopen < open_file < main",
            "H5Dopen2 < list_attrs < main",
            "H5Aread < list_attrs < main",
            "H5Dread < read_variable < main"]
    # H5Oget_info2 and H5Aopen_by_idx may read too, between H5Dopen2 and
    # H5Aread, and only there; H5Aread and H5Dread come in one run each.
    allowed = want + ["H5Oget_info2 < list_attrs < main",
                      "H5Aopen_by_idx < list_attrs < main"]
    for s, _n in order:
        t.check(s in allowed, "a read attributed to %r" % s)
    firsts = [next(i for i, (s, _n) in enumerate(order) if s == w)
              for w in want]
    t.check(firsts == sorted(firsts) and firsts[0] == 0,
            "calls out of order: %s" % order)
    t.check(sum(1 for s, _n in order if s == want[2]) == 1 and
            sum(1 for s, _n in order if s == want[3]) == 1,
            "H5Aread or H5Dread reads not in one run: %s" % order)
    n_dread = sum(n for s, n in order if s == want[3])
    t.check(n_dread >= CHUNKS, "%d reads in H5Dread, want at least %d"
            % (n_dread, CHUNKS))
    t.check(sum(n for s, n in order if s == want[2]) >= 4,
            "fewer than 4 reads in H5Aread: %s" % order)
    # The named frames of a chunk read, innermost first.
    chunk = next(sym[e["stack_id"]][2] for e in reads
                 if site[e["seq"]] == want[3])
    names = [f.split("+")[0] for f in chunk]
    t.check(names[0].startswith("H5FD_read"),
            "innermost frame %s, not H5FD_read" % chunk[0])
    for a, b in (("H5Dread", "read_variable"), ("read_variable", "main")):
        t.check(a in names and b in names and
                names.index(b) == names.index(a) + 1,
                "%s is not called by %s: %s" % (a, b, chunk))

    # Each http_request: the API call of the read it fetched for (the
    # HEAD of the open has none).
    t.check(len(http) == len(logged), "%d http_request events, nginx "
            "logged %d" % (len(http), len(logged)))
    for h in http:
        api = sym[h["stack_id"]][0]
        if h["read_seq"]:
            want_site = site[h["read_seq"]]
            t.check(sym[h["stack_id"]][1] == want_site,
                    "http_request of read %d at %r, its read at %r"
                    % (h["read_seq"], sym[h["stack_id"]][1], want_site))
        else:
            t.check(api == "H5Fopen", "HEAD request from %s" % api)

    check_cli_agrees(out, events, sym)
    # Call sites come most requests first, at the depth asked for.
    text = at.ok(["report", "--by", "stack", "--depth", "2", out])
    heads = re.findall(r"^== (.*) ==$", text, re.M)
    t.check(heads[0] == "H5Dread < read_variable",
            "report --by stack --depth 2 starts with %r" % heads[0])
    # --by function=FUNC: only requests with FUNC on their stack.
    got = report_requests(out, "function=read_variable")
    t.check(set(got) <= {"H5Dopen2", "H5Dread"} and
            got.get("H5Dread") == n_dread,
            "report --by function=read_variable: %s" % got)
    got = report_requests(out, "function=list_attrs", layer="http")
    t.check("H5Aread" in got and "H5Dread" not in got,
            "report --by function=list_attrs (http): %s" % got)


def case_h5py(work):
    path = os.path.join(work, "sample.h5")
    make_file(path)
    with t.Nginx(work) as ng:
        code = ("import h5py\n"
                "f = h5py.File(%r, 'r', driver='ros3')\n"
                "d = f[%r]\n"
                "print(sorted(d.attrs.keys()))\n"
                "print(round(float(d[:].mean()), 6))\n"
                % (ng.url("sample.h5"), VAR))
        rec = Recorded(["/usr/bin/python3", "-c", code], work, "h5py")
    events, modules, sym, out = rec.events, rec.modules, rec.sym, rec.out
    h5py_modules = {os.path.basename(m["path"]) for m in modules
                    if "/h5py/" in m["path"]}
    t.check(h5py_modules, "no module of h5py recorded")
    apis = Counter(sym[e["stack_id"]][0] for e in events
                   if e["event"] == "vfd_read")
    t.check(apis.get("H5Dread", 0) >= CHUNKS,
            "reads of d[:] not attributed to H5Dread: %s" % apis)
    t.check(None not in apis, "reads without an HDF5 API frame: %s"
            % apis)
    for e in events:
        if e["event"] != "vfd_read" or sym[e["stack_id"]][0] != "H5Dread":
            continue
        frames = sym[e["stack_id"]][2]
        names = [f.split("+")[0] for f in frames]
        i = names.index("H5Dread")
        t.check(all(n.startswith("H5") or "libhdf5" in n
                    for n in names[:i]),
                "unnamed or foreign frames inside HDF5: %s" % frames)
        t.check(names[i + 1] in h5py_modules,
                "H5Dread not called from an h5py extension module: %s"
                % frames)
    check_cli_agrees(out, events, sym)


def case_dlopen(work):
    path = os.path.join(work, "sample.h5")
    make_file(path)
    plugin = os.path.join(t.build_dir(), "lib", "libplugin_reader.so")
    rec = Recorded([t.sample_bin("dlopen_host"), plugin, path, VAR], work,
                   "dlopen_host")
    t.check(not rec.warnings, "symbolize warnings:\n" + rec.warnings)
    events, modules, sym, out = rec.events, rec.modules, rec.sym, rec.out
    late = [m for m in modules if m["path"].endswith("libplugin_reader.so")]
    t.check(len(late) == 1, "the plugin's module: %s" % late)
    t.check(any(e["event"] == "vfd_read"
                for e in events[:late[0]["after"]]),
            "the plugin's module was recorded before the first reads")
    sites = Counter(sym[e["stack_id"]][1] for e in requests(events))
    want = "H5Dread < plugin_read_inner < plugin_read"
    t.check(sites.get(want, 0) >= CHUNKS, "%r: %s" % (want, sites))
    check_cli_agrees(out, events, sym)


def case_sampling(work):
    path = os.path.join(work, "bench.h5")
    host = t.sample_bin("vfd_reads")
    p = t.run([host, path, "1"])
    t.check(p.returncode == 0, "vfd_reads cannot make its file")
    # Stacks off (the default): no stack_id, no stack or module event.
    out = os.path.join(work, "off")
    p = t.record([host, path, "500", "sec2"], out)
    t.check(p.returncode == 0, "vfd_reads failed")
    events, modules, stacks = read_trace(one_trace(out))
    t.check(not modules and not stacks, "stacks written while off")
    t.check(all(e["stack_id"] == 0 for e in requests(events)),
            "a stack_id while off")
    for every in (10, 7, 1):
        out = os.path.join(work, "every%d" % every)
        p = t.record([host, path, "2000", "sec2"], out,
                     extra_env={"H5SNOOP_STACKS": str(every)})
        t.check(p.returncode == 0, "vfd_reads failed")
        events, modules, stacks = read_trace(one_trace(out))
        per_tid = {}
        for e in requests(events):
            n, k = per_tid.get(e["tid"], (0, 0))
            per_tid[e["tid"]] = (n + 1, k + (e["stack_id"] != 0))
            t.check(e["stack_id"] == 0 or e["stack_id"] in stacks,
                    "stack_id %d has no stack event" % e["stack_id"])
        for tid, (n, k) in per_tid.items():
            t.check(n >= 2000, "only %d events" % n)
            t.check(k == (n + every - 1) // every,
                    "H5SNOOP_STACKS=%d, thread %d: %d of %d events have a"
                    " stack, want %d" % (every, tid, k, n,
                                         (n + every - 1) // every))


def case_fork(work):
    path = os.path.join(work, "sample.h5")
    make_file(path)
    cmd = [t.sample_bin("host_hdf5"), "fork", path, "30"]
    out = os.path.join(work, "traces")
    p = t.record(cmd, out, extra_env={"H5SNOOP_STACKS": "1"})
    t.check(p.returncode == 0, "host_hdf5 fork failed: %s" % p.stderr)
    dirs = t.trace_dirs(out)
    t.check(len(dirs) == 2, "want two traces, got %s" % dirs)
    rows = [r for r in exported(out) if r["event"] == "vfd_read"]
    pids = Counter(r["pid"] for r in rows)
    t.check(len(pids) == 2 and min(pids.values()) >= 30,
            "reads per process: %s" % pids)
    for r in rows:
        t.check(r["function"] == "H5Dread" or r["function"] == "H5Fopen"
                or r["function"].startswith("H5Dopen"),
                "pid %d read %d: function %s, stack %s"
                % (r["pid"], r["seq"], r["function"], r["stack"]))
        t.check(all("+" in f and not f.startswith("0x")
                    for f in r["stack"]),
                "pid %d: frames outside modules: %s"
                % (r["pid"], r["stack"]))
    rc, _out, err = at.h5snoop(["report", "--by", "function", out])
    t.check(rc == 0 and "not hold" not in err,
            "report --by function on the fork's traces: %d %s" % (rc, err))


_CHECKED = re.compile(r"unwind check: (\d+) stacks walked by both, "
                      r"(\d+) of them by the fast unwinder, "
                      r"(\d+) disagreements")


def unwind_checked(cmd, work, what):
    """Records cmd with H5SNOOP_UNWIND=check: (events, modules, stacks,
    walks compared, walks by the fast unwinder).  No disagreement, one
    walk per request."""
    out = os.path.join(work, "check-" + what)
    p = t.record(cmd, out, extra_env={"H5SNOOP_STACKS": "1",
                                      "H5SNOOP_UNWIND": "check",
                                      "H5SNOOP_DEBUG": "1"})
    err = p.stderr.decode(errors="replace")
    t.check(p.returncode == 0, "%s failed: %s" % (what, err[-2000:]))
    t.check("libunwind disagree" not in err, "%s: the walkers disagree:\n%s"
            % (what, "\n".join(l for l in err.splitlines()
                               if "libunwind disagree" in l)))
    m = _CHECKED.search(err)
    t.check(m is not None, "%s: no unwind check summary:\n%s"
            % (what, err[-2000:]))
    walks, fast, differ = (int(x) for x in m.groups())
    events, modules, stacks = read_trace(one_trace(out))
    n = len(requests(events))
    t.check(differ == 0 and walks == n,
            "%s: %d walks compared for %d requests, %d different"
            % (what, walks, n, differ))
    return events, modules, stacks, walks, fast


def case_unwind(work):
    path = os.path.join(work, "sample.h5")
    make_file(path)
    host = [t.sample_bin("unwind_host"), path, VAR]
    events, modules, stacks, walks, fast = unwind_checked(host, work, "c")
    t.check(walks >= 92 and fast == walks,
            "unwind_host: %d of %d walks by the fast unwinder"
            % (fast, walks))
    sym, _warnings = symbolize(modules, stacks)
    # A read at the bottom: all of it, or its first 32 frames.
    bottoms = [sym[e["stack_id"]][2] for e in requests(events)
               if "unwind_host_bottom" in
               [f.split("+")[0] for f in sym[e["stack_id"]][2]]]
    t.check(len(bottoms) >= 92, "%d reads from unwind_host_bottom"
            % len(bottoms))
    shapes = Counter()
    for frames in bottoms:
        names = [f.split("+")[0] for f in frames]
        shapes.update(n for n in names if n.startswith(("fp_", "nofp_")))
        t.check(len(frames) == 32 or "main" in names or
                "start_thread" in names,
                "a stack neither whole nor cut at 32 frames: %s" % frames)
    t.check(len(shapes) == 6, "frame shapes on the stacks: %s" % shapes)
    t.check(max(len(f) for f in bottoms) == 32, "no stack cut at 32")
    # The default walk and libunwind's record the same stacks.
    seen = {}
    for unwinder in ("fast", "libunwind"):
        out = os.path.join(work, unwinder)
        p = t.record(host, out, extra_env={"H5SNOOP_STACKS": "1",
                                           "H5SNOOP_UNWIND": unwinder})
        t.check(p.returncode == 0, "unwind_host failed")
        ev, mods, st = read_trace(one_trace(out))
        s, _w = symbolize(mods, st)
        seen[unwinder] = [s[e["stack_id"]][2] for e in requests(ev)]
    t.check(seen["fast"] == seen["libunwind"],
            "symbolized stacks differ between the fast walk and "
            "libunwind's")

    # A corrupt stack: the walk stops, the program is unharmed.
    plain = t.run(host + ["corrupt"])
    t.check(plain.returncode == 0, "unwind_host corrupt failed")
    out = os.path.join(work, "corrupt")
    traced = t.record(host + ["corrupt"], out,
                      extra_env={"H5SNOOP_STACKS": "1"})
    t.same_behaviour(plain, traced, "unwind_host corrupt")
    ev, mods, st = read_trace(one_trace(out))
    s, _w = symbolize(mods, st)
    # Above fp_corrupted: its caller, unwind_host_step, then (when the
    # read was deeper than 3) a frame whose CFA comes from the garbage:
    # the walk ends there.  (At depth 3 the frames above may not use the
    # frame pointer, and the walk reaches main.)
    cut = 0
    for e in requests(ev):
        names = [f.split("+")[0] for f in s[e["stack_id"]][2]]
        if "fp_corrupted" not in names or "main" in names:
            continue
        t.check(len(names) - names.index("fp_corrupted") <= 3,
                "a walk went on past a garbage frame pointer: %s" % names)
        cut += 1
    t.check(cut >= 40, "only %d reads below the corrupt frame" % cut)

    code = ("import h5py, sys\n"
            "with h5py.File(sys.argv[1], 'r') as f:\n"
            "    print(round(float(f[sys.argv[2]][:].mean()), 6))\n")
    _e, _m, _s, walks, fast = unwind_checked(
        ["/usr/bin/python3", "-c", code, path, VAR], work, "h5py")
    t.check(walks >= CHUNKS and fast > 0,
            "h5py: %d of %d walks by the fast unwinder" % (fast, walks))
    print("h5py: %d of %d stacks walked fast" % (fast, walks))


CASES = {"c_sample": case_c_sample, "h5py": case_h5py,
         "dlopen": case_dlopen, "sampling": case_sampling,
         "fork": case_fork, "unwind": case_unwind}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        t.fail("usage: test_stacks.py {%s}" % ",".join(CASES))
    for tool in ("babeltrace2", "nginx"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            t.skip(tool + " is not installed")
    if not os.path.exists("/usr/lib/x86_64-linux-gnu/libunwind.so.8") and \
            not subprocess.run(["sh", "-c", "ldconfig -p | grep -q "
                                "libunwind.so.8"]).returncode == 0:
        t.skip("libunwind8 is not installed")
    work = t.tempdir()
    try:
        CASES[sys.argv[1]](work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
