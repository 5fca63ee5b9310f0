#!/usr/bin/python3
"""test_ring.py - H5SNOOP_MODE=ring: a flight recorder that keeps the
most recent events within H5SNOOP_MAX_SIZE.

A real reader, h5py with the chunk cache off (every chunk read reaches
the driver), reads on its main thread, then on a second thread that
ends, then on the main thread again, until about six times the bound is
written.  The trace directory stays within the bound; babeltrace2 reads
it; the events kept are the most recent ones, in order, each thread's a
contiguous run ending with its last read (the second thread's chunks
deleted whole); every event of an unbounded run is either kept or
counted as ring_overwritten; `h5snoop report` says which span the trace
covers and that older events were overwritten, in text, CSV and JSON,
and fails with --strict; `h5snoop top --once` reads it.  The program
behaves as without the shim and h5snoop prints no warning (overwriting
is what was asked).
"""

import csv
import io
import json
import os

import testlib as t

BOUND = 256 * 1024  # about 5,000 driver reads
READS = 10000       # per phase, three phases

READER = r"""
import sys, threading
import h5py

path, n = sys.argv[1], int(sys.argv[2])
f = h5py.File(path, "r", rdcc_nbytes=0)
d = f["grp/v0"]
chunk = d.chunks[0]
chunks = d.shape[0] // chunk
total = 0.0

def phase(start):
    global total
    for i in range(n):
        k = (start + i * 7) % chunks
        total += float(d[k * chunk])

phase(0)
worker = threading.Thread(target=phase, args=(1,))
worker.start()
worker.join()
phase(2)
f.close()
print("sum %.1f" % total)
"""


def dir_bytes(d):
    return sum(os.path.getsize(os.path.join(d, n)) for n in os.listdir(d))


def main():
    work = t.tempdir()
    path = os.path.join(work, "data.h5")
    t.make_h5(path, datasets=1, elements=100000, chunk=50)
    cmd = ["/usr/bin/python3", "-c", READER, path, str(READS)]
    plain = t.run(cmd)
    t.check(plain.returncode == 0, "the reader fails without the shim: %s"
            % plain.stderr.decode(errors="replace"))

    free_out = os.path.join(work, "free")
    free = t.record(cmd, free_out)
    t.same_behaviour(plain, free, "unbounded")
    all_events = t.all_events(free_out)
    free_reads = t.by_name(all_events, "vfd_read")
    t.check(len(free_reads) >= 3 * READS, "%d driver reads unbounded, want "
            "at least %d" % (len(free_reads), 3 * READS))
    written = sum(dir_bytes(d) for d in t.trace_dirs(free_out))
    t.check(written > 4 * BOUND, "the unbounded trace (%d bytes) is not "
            "several times the bound" % written)

    out = os.path.join(work, "ring")
    traced = t.record(cmd, out, extra_env={"H5SNOOP_MAX_SIZE": "256K",
                                           "H5SNOOP_MODE": "ring"})
    t.same_behaviour(plain, traced, "ring")
    t.check(b"h5snoop:" not in traced.stderr, "the ring warned:\n%s"
            % traced.stderr.decode(errors="replace"))
    dirs = t.trace_dirs(out)
    t.check(len(dirs) == 1, "want one trace directory, got %s" % dirs)
    size = dir_bytes(dirs[0])
    t.check(size <= BOUND, "the ring takes %d bytes, over the bound of %d"
            % (size, BOUND))
    events = t.babeltrace(dirs[0])
    reads = t.by_name(events, "vfd_read")
    t.check(0 < len(reads) < len(free_reads) // 3,
            "%d driver reads kept of %d" % (len(reads), len(free_reads)))

    # The most recent: per thread, a contiguous run of its reads ending
    # with its last one; the second thread, long done, kept nothing.
    # (The main thread is the one that closes the file.)
    free_main = t.by_name(all_events, "file_close")[-1]["tid"]
    last_seq = max(e["seq"] for e in free_reads if e["tid"] == free_main)
    ring_main = t.by_name(events, "file_close")[-1]["tid"]
    t.check(all(e["tid"] == ring_main for e in reads),
            "reads of the ended thread survived the ring")
    seqs = [e["seq"] for e in reads]
    t.check(seqs == list(range(last_seq - len(seqs) + 1, last_seq + 1)),
            "the reads kept are not the main thread's last ones in order "
            "(%d..%d of %d)" % (seqs[0], seqs[-1], last_seq))
    t.check(events[-1]["event"] == "file_close",
            "the trace does not end with the reader's last event")

    rep = t.run([t.h5snoop_bin(), "report", "-f", "json", out])
    t.check(rep.returncode == 0, "report fails: %s" % rep.stderr)
    summary = json.loads(rep.stdout)["summary"]
    lost = summary["lost"]["ring_overwritten"]
    t.check(len(events) + lost == len(all_events),
            "%d events kept + %d overwritten != %d events unbounded"
            % (len(events), lost, len(all_events)))
    t.check(summary["discarded_events"] == lost,
            "discarded_events %d, ring_overwritten %d"
            % (summary["discarded_events"], lost))
    t.check(summary["partial_traces"] == 1 and len(summary["spans"]) == 1,
            "want one span: %s" % summary["spans"])
    span = summary["spans"][0]
    t.check(span["kept"] == "most_recent" and span["events"] == len(events)
            and span["lost"] == lost
            and span["last_unix_ns"] - span["first_unix_ns"]
            == span["span_ns"] > 0, "span: %s" % span)

    # The span is the kept events' own: the first and the last of them.
    exp = t.run([t.h5snoop_bin(), "export", "--format", "jsonl", out])
    t.check(exp.returncode == 0, "export fails: %s" % exp.stderr)
    rows = [json.loads(l) for l in exp.stdout.decode().splitlines()]
    times = [r["time_unix_ns"] for r in rows]
    t.check(len(times) == len(events) and min(times) ==
            span["first_unix_ns"] and max(times) == span["last_unix_ns"],
            "the span %s is not that of the %d events exported"
            % (span, len(times)))

    text = t.run([t.h5snoop_bin(), "report", out]).stdout.decode()
    t.check("holds the most recent events" in text and
            "%d older ones overwritten (H5SNOOP_MODE=ring)" % lost in text,
            "the text report does not say what the ring covers:\n%s" % text)
    table = list(csv.reader(io.StringIO(t.run(
        [t.h5snoop_bin(), "report", "-f", "csv", out]).stdout.decode())))
    spans = [r for r in table if len(r) > 2 and r[1] == "span"]
    t.check(len(spans) == 1 and spans[0][2] == "most_recent" and
            int(spans[0][3]) == len(events) and
            int(spans[0][11]) == span["first_unix_ns"] and
            int(spans[0][12]) == span["last_unix_ns"] and
            len(spans[0]) == len(table[0]),
            "CSV span row: %s" % spans)
    strict = t.run([t.h5snoop_bin(), "report", "--strict", out])
    t.check(strict.returncode == 1, "report --strict exits %d on a ring "
            "that overwrote events" % strict.returncode)

    top = t.run([t.h5snoop_bin(), "top", "--once", "--interval", "0.1",
                 out])
    t.check(top.returncode == 0 and b" gone " in top.stdout,
            "top --once on the ring: %s %s" % (top.stdout, top.stderr))
    print("ring of 256 KiB: %d bytes, %d of %d events kept, %d "
          "overwritten" % (size, len(events), len(all_events), lost))
    return 0


if __name__ == "__main__":
    main()
