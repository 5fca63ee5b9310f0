#!/usr/bin/python3
"""test_clock.py MODE - two traced h5py readers take turns; their driver
reads must interleave in the merged trace exactly as they happened, and
each must lie on CLOCK_MONOTONIC's time line.

MODE tsc: the shim's default (the TSC where the CPU says it is
invariant; the test requires that it was used when /proc/cpuinfo says
so); MODE monotonic: H5SNOOP_CLOCK=monotonic.

The two readers hand a token back and forth through this script: each
turn is one chunk read by one process, and the script notes, with
CLOCK_MONOTONIC, when it sent the token and when the answer came back.
Turns are 2 ms apart, far above the microseconds the TSC conversion may
be off, so nothing here depends on the machine's speed.  The traces are
read back with babeltrace2's Python bindings, merged by its own clock
handling, as a user's tools would.
"""

import os
import subprocess
import sys
import time

import bt2

import testlib as t

TURNS = 30
GAP_S = 0.002
SLACK_NS = 200000

READER = r"""
import h5py, sys, time
f = h5py.File(sys.argv[1], "r", rdcc_nbytes=0)
warm, turn = f["grp/v0"], f["grp/v1"]
# Long enough for the shim to calibrate its TSC (50 ms) before the turns.
end = time.monotonic() + 0.3
i = 0
while time.monotonic() < end:
    warm[(i % 40) * 1000]
    i += 1
print("ready", flush=True)
for line in iter(sys.stdin.readline, ""):
    turn[int(line) * 1000]
    print("done", flush=True)
"""


def tsc_expected():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                flags = line.split()
                return "constant_tsc" in flags and "nonstop_tsc" in flags
    return False


def merged_reads(root):
    """(pid, raw timestamp, ns from origin) of every vfd_read under root,
    in the order babeltrace2 merges them."""
    out = []
    for msg in bt2.TraceCollectionMessageIterator(root):
        if type(msg) is not bt2._EventMessageConst:
            continue
        if msg.event.name != "vfd_read":
            continue
        snap = msg.default_clock_snapshot
        out.append((int(msg.event.stream.trace.environment["pid"]),
                    snap.value, snap.ns_from_origin))
    return out


def main(mode):
    work = t.tempdir()
    path = os.path.join(work, "data.h5")
    t.make_h5(path, datasets=2, elements=40000, chunk=1000)
    out = os.path.join(work, "tr")
    extra = {"H5SNOOP_DEBUG": "1"}
    if mode == "monotonic":
        extra["H5SNOOP_CLOCK"] = "monotonic"
    env = t.shim_env(out, extra=extra)
    procs = [subprocess.Popen(["/usr/bin/python3", "-c", READER, path],
                              env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    for p in procs:
        if p.stdout.readline().strip() != "ready":
            t.fail("a reader did not start: " + p.stderr.read())
    turns = []  # (pid, sent ns, answered ns)
    for k in range(TURNS):
        p = procs[k % 2]
        time.sleep(GAP_S)
        sent = time.monotonic_ns()
        p.stdin.write("%d\n" % k)
        p.stdin.flush()
        if p.stdout.readline().strip() != "done":
            t.fail("a reader stopped: " + p.stderr.read())
        turns.append((p.pid, sent, time.monotonic_ns()))
    errs = []
    for p in procs:
        p.stdin.close()
        p.wait(timeout=120)
        t.check(p.returncode == 0, "reader exit %d" % p.returncode)
        errs.append(p.stderr.read())
    for e in errs:
        said = [l for l in e.splitlines() if "timing driver reads" in l]
        print(said)
        if mode == "tsc" and tsc_expected():
            t.check(any("with the TSC" in l for l in said),
                    "the CPU says its TSC is invariant but the shim did "
                    "not time reads with it:\n" + e)
        if mode == "monotonic":
            t.check(any("H5SNOOP_CLOCK=monotonic" in l for l in said),
                    "H5SNOOP_CLOCK=monotonic not honoured:\n" + e)
    reads = merged_reads(out)
    t.check(len({r[0] for r in reads}) == 2,
            "want the reads of 2 processes, got %d"
            % len({r[0] for r in reads}))
    start = turns[0][1]
    turn_reads = [r for r in reads if r[1] >= start - SLACK_NS]
    # Which turn each read belongs to, by CLOCK_MONOTONIC: it must fall
    # inside the interval of a turn of its own process.
    owners = []
    for pid, ts, _ in turn_reads:
        owner = [k for k, (tp, sent, done) in enumerate(turns)
                 if tp == pid and sent - SLACK_NS <= ts <= done + SLACK_NS]
        t.check(len(owner) == 1, "read of pid %d at %d lies in no turn of "
                "its process (turns %s)" % (pid, ts, turns))
        owners.append(owner[0])
    t.check(owners == sorted(owners),
            "babeltrace2 merges the two processes' reads out of turn "
            "order: %s" % owners)
    t.check(sorted(set(owners)) == list(range(TURNS)),
            "turns without a read: %s"
            % sorted(set(range(TURNS)) - set(owners)))
    print("%d reads in %d turns of 2 processes, in order" %
          (len(turn_reads), TURNS))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "tsc"))
