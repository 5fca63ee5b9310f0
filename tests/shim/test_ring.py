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

Each chunk restates what its events may name: the file, opened once
before the ring wraps several times, keeps its name for every read kept
(`h5snoop report --by file` has no `?`), with call stacks on too (every
read kept names a stack its trace holds); restated definitions are no
events, so kept + overwritten is still the unbounded count, stacks on
or off.  A second reader opens two files at different times and closes
the first before the ring wraps: only the second is restated.
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


TWO_FILES = r"""
import sys
import h5py

first, second, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
total = 0.0
with h5py.File(first, "r", rdcc_nbytes=0) as f:
    d = f["grp/v0"]
    for i in range(20):
        total += float(d[i * d.chunks[0]])
with h5py.File(second, "r", rdcc_nbytes=0) as f:
    d = f["grp/v0"]
    chunks = d.shape[0] // d.chunks[0]
    for i in range(n):
        total += float(d[(i * 7) % chunks * d.chunks[0]])
print("sum %.1f" % total)
"""

RESTATED = ("file_restated", "stack_restated", "module_restated")


def program_events(events):
    """The program's events: restated definitions are none."""
    return [e for e in events if e["event"] not in RESTATED]


def by_file(out, extra=()):
    """{file: driver reads} from `h5snoop report --by file -f json`."""
    rep = t.run([t.h5snoop_bin(), "report", "--by", "file", "-f", "json"]
                + list(extra) + [out])
    t.check(rep.returncode == 0, "report --by file fails: %s"
            % rep.stderr.decode(errors="replace"))
    groups = json.loads(rep.stdout)["groups"]
    return ({g["by"]["file"]: g["reads_and_requests"]["driver_reads"]
             for g in groups}, rep.stderr.decode(errors="replace"))


def check_names(out, path, reads, what, extra=()):
    """Every read kept groups under the file's name, none under `?`."""
    files, err = by_file(out, extra)
    t.check(files.get(path) == len(reads) and "?" not in files,
            "%s: reads kept by file %s, want all %d under %s"
            % (what, files, len(reads), path))
    return err


def ring_with_stacks(cmd, path, work):
    """Call stacks on: each chunk restates modules and stacks too."""
    out = os.path.join(work, "ring-stacks")
    traced = t.record(cmd, out, extra_env={"H5SNOOP_MAX_SIZE": "256K",
                                           "H5SNOOP_MODE": "ring",
                                           "H5SNOOP_STACKS": "1"})
    t.check(traced.returncode == 0, "the reader fails with stacks: %s"
            % traced.stderr.decode(errors="replace"))
    events = t.babeltrace(t.trace_dirs(out)[0])
    reads = t.by_name(events, "vfd_read")
    lost = ring_lost(out)
    t.check(lost > 0 and t.by_name(events, "stack_restated") and
            t.by_name(events, "module_restated"),
            "the ring with stacks restated no stack or module (%d "
            "overwritten)" % lost)
    defined = {e["stack_id"] for e in events
               if e["event"] in ("stack", "stack_restated")}
    t.check(all(e["stack_id"] in defined for e in reads),
            "kept reads name stacks their trace does not hold")
    err = check_names(out, path, reads, "stacks on")
    t.check("does not hold" not in err, "report: %s" % err)
    # Restated stacks and modules are no events either.
    free_out = os.path.join(work, "free-stacks")
    t.record(cmd, free_out, extra_env={"H5SNOOP_STACKS": "1"})
    unbounded = len(t.all_events(free_out))
    t.check(len(program_events(events)) + lost == unbounded,
            "stacks on: %d events kept + %d overwritten != %d unbounded"
            % (len(program_events(events)), lost, unbounded))


def ring_lost(out):
    rep = t.run([t.h5snoop_bin(), "report", "-f", "json", out])
    t.check(rep.returncode == 0, "report fails: %s" % rep.stderr)
    return json.loads(rep.stdout)["summary"]["lost"]["ring_overwritten"]


def two_files(work):
    """The file closed before the ring wraps is not restated; the one
    still open is, and all its reads kept name it."""
    first = os.path.join(work, "first.h5")
    second = os.path.join(work, "second.h5")
    t.make_h5(first, datasets=1, elements=20000, chunk=50)
    t.make_h5(second, datasets=1, elements=100000, chunk=50)
    cmd = ["/usr/bin/python3", "-c", TWO_FILES, first, second,
           str(READS)]
    out = os.path.join(work, "two")
    traced = t.record(cmd, out, extra_env={"H5SNOOP_MAX_SIZE": "256K",
                                           "H5SNOOP_MODE": "ring"})
    t.check(traced.returncode == 0, "the two-file reader fails: %s"
            % traced.stderr.decode(errors="replace"))
    t.check(ring_lost(out) > 0, "the two-file ring never wrapped")
    events = t.babeltrace(t.trace_dirs(out)[0])
    restated = t.by_name(events, "file_restated")
    t.check(restated and all(e["name"] == second for e in restated),
            "restated files: %s, want only %s"
            % (sorted({e["name"] for e in restated}), second))
    t.check(not any(e["event"] == "file_open" and e["name"] == first
                    for e in events), "the first file's open survived")
    check_names(out, second, t.by_name(events, "vfd_read"), "two files")


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
    t.check(not t.by_name(events, "file_open") and
            t.by_name(events, "file_restated"),
            "the open was not overwritten, or not restated")
    check_names(out, path, reads, "ring")
    t.check(len(program_events(events)) + lost == len(all_events),
            "%d events kept + %d overwritten != %d events unbounded"
            % (len(program_events(events)), lost, len(all_events)))
    t.check(summary["discarded_events"] == lost,
            "discarded_events %d, ring_overwritten %d"
            % (summary["discarded_events"], lost))
    t.check(summary["partial_traces"] == 1 and len(summary["spans"]) == 1,
            "want one span: %s" % summary["spans"])
    span = summary["spans"][0]
    events = program_events(events)
    t.check(span["kept"] == "most_recent" and span["events"] == len(events)
            and span["lost"] == lost
            and span["last_unix_ns"] - span["first_unix_ns"]
            == span["span_ns"] > 0, "span: %s" % span)

    # The span is the kept events' own: the first and the last of them.
    exp = t.run([t.h5snoop_bin(), "export", "--format", "jsonl", out])
    t.check(exp.returncode == 0, "export fails: %s" % exp.stderr)
    rows = [json.loads(l) for l in exp.stdout.decode().splitlines()]
    t.check(not [r for r in rows if r["event"] in RESTATED],
            "export lists restated definitions as rows of the program")
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
    ring_with_stacks(cmd, path, work)
    two_files(work)
    print("ring of 256 KiB: %d bytes, %d of %d events kept, %d "
          "overwritten" % (size, len(events), len(all_events), lost))
    return 0


if __name__ == "__main__":
    main()
