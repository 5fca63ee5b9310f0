#!/usr/bin/python3
"""test_bound.py - H5SNOOP_MAX_SIZE: a process's trace stops growing at
the bound, whole packets only.

A host program makes many HDF5 reads (each reaching the driver) under a
bound far smaller than their trace: the directory stays within the
bound (plus one page per stream), babeltrace2 reads it whole, the events
kept are the first ones in order, the rest are counted in the trace as
lost to the bound (every read is either an event or counted), `h5snoop
report` says so, and which span the trace covers, and fails with
--strict.  The program behaves as without
the shim.  A bound larger than the trace changes nothing.
"""

import json
import os

import testlib as t

READS = 4000
BOUND = 131072  # 128 KiB: room for about 2,000 driver reads


def host(*args):
    return [t.sample_bin("host_hdf5")] + [str(a) for a in args]


def dir_bytes(root):
    total = 0
    for d in t.trace_dirs(root):
        for name in os.listdir(d):
            total += os.path.getsize(os.path.join(d, name))
    return total


def main():
    work = t.tempdir()
    path = os.path.join(work, "data.h5")
    t.make_h5(path, datasets=1, elements=50000, chunk=1000)
    cmd = host("read", path, READS)
    plain = t.run(cmd)

    out = os.path.join(work, "bounded")
    traced = t.record(cmd, out, extra_env={"H5SNOOP_MAX_SIZE": "128K"})
    t.same_behaviour(plain, traced, "bounded")
    dirs = t.trace_dirs(out)
    t.check(len(dirs) == 1, "want one trace directory, got %s" % dirs)
    size = dir_bytes(out)
    t.check(size <= BOUND, "the trace takes %d bytes, over the bound of %d"
            % (size, BOUND))
    events = t.babeltrace(dirs[0])
    reads = t.by_name(events, "vfd_read")
    t.check(0 < len(reads) < READS, "%d driver reads kept of at least %d"
            % (len(reads), READS))
    seqs = [e["seq"] for e in reads]
    t.check(seqs == list(range(1, len(seqs) + 1)),
            "the reads kept are not the first ones in order")

    rep = t.run([t.h5snoop_bin(), "report", "-f", "json", out])
    t.check(rep.returncode == 0, "report fails: %s" % rep.stderr)
    summary = json.loads(rep.stdout)["summary"]
    lost = summary["lost"]["size_bound"]
    # Every driver read of the program: the unbounded run's count.
    free_out = os.path.join(work, "free")
    free = t.record(cmd, free_out)
    t.same_behaviour(plain, free, "unbounded")
    all_reads = len(t.by_name(t.all_events(free_out), "vfd_read"))
    all_events = len(t.all_events(free_out))
    t.check(len(events) + lost == all_events,
            "%d events kept + %d lost to the bound != %d events unbounded"
            % (len(events), lost, all_events))
    t.check(summary["discarded_events"] == lost,
            "discarded_events %d, size_bound %d"
            % (summary["discarded_events"], lost))
    span = summary["spans"][0]
    t.check(summary["partial_traces"] == 1 and span["kept"] == "first" and
            span["events"] == len(events) and span["lost"] == lost and
            span["span_ns"] > 0, "span: %s" % summary["spans"])
    text = t.run([t.h5snoop_bin(), "report", out])
    t.check(b"holds the first events" in text.stdout,
            "report does not say which span the trace covers:\n%s"
            % text.stdout.decode())
    t.check(b"size_bound" in text.stdout + text.stderr,
            "report does not say the trace stopped at the bound:\n%s"
            % text.stdout.decode())
    strict = t.run([t.h5snoop_bin(), "report", "--strict", out])
    t.check(strict.returncode == 1, "report --strict exits %d on a trace "
            "cut by the bound" % strict.returncode)

    big = os.path.join(work, "big")
    traced = t.record(cmd, big, extra_env={"H5SNOOP_MAX_SIZE": "1G"})
    t.same_behaviour(plain, traced, "large bound")
    t.check(len(t.by_name(t.all_events(big), "vfd_read")) == all_reads,
            "a bound larger than the trace lost reads")
    print("bound 128 KiB: %d bytes, %d of %d reads kept, %d events counted "
          "lost" % (size, len(reads), all_reads, lost))
    return 0


if __name__ == "__main__":
    main()
