#!/usr/bin/python3
"""test_output_path.py CASE - an H5SNOOP_OUTPUT too long for a path
(given so, made so by the working directory, or by %h/%p expansion) is
never cut short: the shim warns once (`h5snoop: warning: tracing
disabled: ...`), writes no trace anywhere, and the program runs as
without it.

  absolute   a 5,062-byte absolute H5SNOOP_OUTPUT
  relative   a relative one that only the working directory makes too long
  expanded   one that fits until %h and %p are expanded
  record     `h5snoop record -o` with a too long directory
"""

import os
import shutil
import sys

import testlib as t

PATH_MAX = 4096


def long_dir(base, total):
    """base/ddd.../ddd... of `total` bytes, in parts a file system takes."""
    parts = []
    length = len(base)
    while length < total:
        part = "d" * min(200, total - length - 1)
        parts.append(part)
        length += 1 + len(part)
    return os.path.join(base, *parts)


def check_untraced(work, plain, traced):
    t.same_behaviour(plain, traced, "h5dump")
    lines = [l for l in traced.stderr.decode(errors="replace").splitlines()
             if l.startswith("h5snoop:")]
    t.check(len(lines) == 1 and lines[0].startswith(
        "h5snoop: warning: tracing disabled: H5SNOOP_OUTPUT is longer"),
        "want one warning, got %s" % lines)
    for d, _subdirs, files in os.walk(work):
        t.check("metadata" not in files and
                not any(f.startswith("stream_") for f in files),
                "a trace was written in %s" % d)


def main():
    case = sys.argv[1]
    work = t.tempdir()
    try:
        path = os.path.join(work, "data.h5")
        t.make_h5(path, datasets=1, elements=1000, chunk=100)
        cmd = ["h5dump", "-d", "/grp/v0", "-c", "5", path]
        plain = t.run(cmd)
        t.check(plain.returncode == 0, "h5dump fails: %r" % plain.stderr)
        cwd = None
        if case == "absolute":
            out = long_dir(work, 5062)
        elif case == "relative":
            cwd = long_dir(work, PATH_MAX - 300)
            os.makedirs(cwd)
            out = long_dir("o", 600)
        elif case == "expanded":
            out = long_dir(work, PATH_MAX - 6) + "/%h%p"
        if case == "record":
            traced = t.record(cmd, long_dir(work, 5062))
        else:
            traced = t.run(cmd, env=t.shim_env(out), cwd=cwd)
        check_untraced(work, plain, traced)
        print("%s: no trace, one warning" % case)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
