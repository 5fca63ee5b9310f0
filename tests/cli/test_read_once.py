#!/usr/bin/python3
"""test_read_once.py - every command reads each stream file of a trace
once, call stacks included.

Runs report, plot, export and advise under strace on the traces of
tests/data/good (good/stacks: three threads that name stacks and modules
before their definitions in time order; good/basic: two processes) and
adds up the bytes mapped (mmap) or read (read, pread) from each stream
file: at least its size, and less than twice it.  (Besides the reader's
pass, trace_find looks at the header of each file's first packet for the
trace's start time.)  The stacks of a trace used to be read in a pass of
their own before its events: every stream file was read twice.  The
outputs themselves are compared with tests/expected by run_cases.py.
"""

import collections
import os
import re
import shutil
import subprocess
import tempfile

import testlib
from testlib import check

DATA = os.path.join(testlib.source_dir(), "tests", "data")

# (what, arguments before the trace)
RUNS = (
    ("report --by stack", ["report", "--by", "stack"]),
    ("report --by function=H5Dread",
     ["report", "-f", "csv", "--by", "file,function=H5Dread"]),
    ("export --stacks", ["export", "-f", "jsonl", "--stacks"]),
    ("plot --by stack", ["plot", "--by", "stack", "-o", "PLOTS"]),
    ("advise", ["advise", "-f", "json"]),
    ("report", ["report"]),
)

# With strace -y, a descriptor is shown with its file:
#   mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 4</d/stream_500>, 0) = 0x7f..
#   pread64(4</d/stream_500>, "..."..., 148, 0) = 148
MMAP = re.compile(r'\bmmap\([^,]*, (\d+), [^<]*<([^>]*/stream_[^>/]*)>')
READ = re.compile(r'\b(?:read|pread64|preadv2?)\(\d+<([^>]*/stream_[^>/]*)>'
                  r'.*\) = (\d+)$')


def stream_sizes(case):
    """{real path of each stream file of case: its size}."""
    sizes = {}
    for root, _dirs, files in os.walk(os.path.join(DATA, "good", case)):
        if "metadata" in files:
            for f in files:
                if f.startswith("stream_"):
                    path = os.path.realpath(os.path.join(root, f))
                    sizes[path] = os.path.getsize(path)
    return sizes


def bytes_read(args, tmp):
    """The bytes h5snoop ARGS mapped or read per stream file: {real
    path: bytes}."""
    log = os.path.join(tmp, "strace.log")
    args = [a.replace("PLOTS", os.path.join(tmp, "plots")) for a in args]
    p = subprocess.run(["strace", "-f", "-qq", "-y", "-e",
                        "trace=mmap,read,pread64,preadv,preadv2", "-o", log,
                        testlib.h5snoop_bin()] + args,
                       cwd=DATA, env=testlib.base_env(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    check(p.returncode == 0, "h5snoop %s: exit %d\n%s"
          % (" ".join(args), p.returncode,
             p.stderr.decode(errors="replace")))
    got = collections.Counter()
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = MMAP.search(line)
            if m:
                got[os.path.realpath(m.group(2))] += int(m.group(1))
                continue
            m = READ.search(line.rstrip("\n"))
            if m:
                got[os.path.realpath(m.group(1))] += int(m.group(2))
    return got


def main():
    if not shutil.which("strace"):
        testlib.fail("strace not found (tests/install_deps.sh installs "
                     "it)")
    for case in ("stacks", "basic"):
        sizes = stream_sizes(case)
        check(sizes, "good/%s holds no stream file" % case)
        for what, args in RUNS:
            with tempfile.TemporaryDirectory(prefix="h5snoop-once-") as tmp:
                got = bytes_read(args + [os.path.join("good", case)], tmp)
            for path, size in sorted(sizes.items()):
                n = got.get(path, 0)
                check(size <= n < 2 * size,
                      "%s good/%s: %d bytes of %s (%d bytes) mapped or "
                      "read: %s" % (what, case, n, os.path.basename(path),
                                    size, "not all of it" if n < size
                                    else "read twice"))
    print("ok")


if __name__ == "__main__":
    main()
