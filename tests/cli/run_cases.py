#!/usr/bin/python3
"""run_cases.py - h5snoop report, export and plot on tests/data.

good/CASE: every output is compared with tests/expected/CASE.KIND (text,
csv, json reports; csv, jsonl, chrome exports; the stderr warnings); CSV
and JSON must parse with Python's modules; plots must be well-formed and
render.  bad/CASE: exit 1 and the one error line of
tests/expected/bad.CASE.stderr.  A bad case with a SPECIAL file holds a
file git cannot store (a FIFO, a socket, ...): it is made in a copy of
the case, and report, plot, export and advise must all refuse it with that
error at once (a timeout is a hang).  Also: --help, --version, usage
errors, --strict.

Usage: run_cases.py [--update]   (--update rewrites tests/expected)
Runs with the data directory as working directory, so paths in outputs
are relative (good/basic/...).  Exit 0 pass, 1 fail.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile

import analyzer_testlib as at
import testlib
from testlib import check

UPDATE = "--update" in sys.argv[1:]
DATA = os.path.join(testlib.source_dir(), "tests", "data")
EXPECTED = os.path.join(testlib.source_dir(), "tests", "expected")

# kind -> h5snoop arguments (the case's path follows)
OUTPUTS = {
    "report.txt": ["report"],
    "report.csv": ["report", "-f", "csv"],
    "report.json": ["report", "-f", "json"],
    "report_by_driver.csv": ["report", "-f", "csv", "--by",
                             "flavor,driver"],
    "export.csv": ["export", "-f", "csv"],
    "export.jsonl": ["export", "-f", "jsonl"],
    "export.chrome.json": ["export", "-f", "chrome"],
}

# case -> more kinds, for that case only; their stderr is compared too
# (CASE.KIND.stderr).  stacks: the call stacks of several threads, which
# name stacks and modules before their definitions in time order.
CASE_OUTPUTS = {
    "stacks": {
        "report_by_stack.txt": ["report", "--by", "stack"],
        "report_by_file_function.csv": ["report", "-f", "csv", "--by",
                                        "file,function"],
        "export_stacks.jsonl": ["export", "-f", "jsonl", "--stacks"],
        "export_stacks.chrome.json": ["export", "-f", "chrome",
                                      "--stacks"],
    },
}


def first_difference(want, got):
    """The first line where two texts differ, as (number, want, got), the
    lines kept with their endings so that a lost final newline or a CRLF
    counts; None when the texts are equal."""
    a, b = want.splitlines(True), got.splitlines(True)
    for i in range(max(len(a), len(b))):
        wa = a[i] if i < len(a) else "<none>"
        gb = b[i] if i < len(b) else "<none>"
        if wa != gb:
            return i + 1, wa, gb
    return None


def compare(name, got):
    path = os.path.join(EXPECTED, name)
    if UPDATE:
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(got)
        return
    check(os.path.exists(path), "missing %s (run with --update)" % path)
    with open(path, encoding="utf-8", newline="") as f:
        want = f.read()
    diff = first_difference(want, got)
    if diff:
        testlib.fail("%s differs at line %d:\nwant: %r\ngot:  %r"
                     % ((name,) + diff))


def compare_is_exact():
    """compare() must fail on any byte: the differences a line-by-line
    comparison misses."""
    for want, got in [("a\n", "a"), ("a\n", "a\r\n"), ("a\n", "a\n\n"),
                      ("a\nb", "a\nb\n"), ("", "\n")]:
        check(first_difference(want, got) is not None,
              "first_difference(%r, %r) sees none" % (want, got))
    check(first_difference("a\r\nb\n", "a\r\nb\n") is None,
          "first_difference of equal texts")


def output(case, kind, args):
    """h5snoop ARGS on good/CASE: exit 0, stdout compared with
    tests/expected/CASE.KIND and parsed as its kind says; returns
    stderr."""
    path = os.path.join("good", case)
    rc, out, err = at.h5snoop(args + [path], cwd=DATA)
    check(rc == 0, "%s %s: exit %d: %s" % (args, path, rc, err))
    compare("%s.%s" % (case, kind), out)
    if kind.endswith("csv"):
        at.parse_csv(out, kind)
    elif kind.endswith("jsonl"):
        at.parse_jsonl(out, kind)
    elif kind.endswith("json"):
        at.parse_json(out, kind)
    return err


def good_case(case):
    path = os.path.join("good", case)
    stderr_all = ""
    for kind, args in OUTPUTS.items():
        err = output(case, kind, args)
        if kind == "report.txt":
            stderr_all = err
    compare("%s.stderr" % case, stderr_all)
    for kind, args in CASE_OUTPUTS.get(case, {}).items():
        compare("%s.%s.stderr" % (case, kind), output(case, kind, args))
    with tempfile.TemporaryDirectory(prefix="h5snoop-plot-") as d:
        at.plot_and_check([os.path.join(DATA, path)], d)
        if case in CASE_OUTPUTS:
            at.plot_and_check([os.path.join(DATA, path)],
                              os.path.join(d, "by_stack"),
                              extra=["--by", "stack"])


def make_special(case_dir):
    """Makes the entries listed in case_dir/SPECIAL ("KIND NAME
    [TARGET]")."""
    with open(os.path.join(case_dir, "SPECIAL"), encoding="utf-8") as f:
        for line in f:
            kind, name, *target = line.split()
            path = os.path.join(case_dir, name)
            if kind == "fifo":
                os.mkfifo(path)
            elif kind == "socket":
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.bind(path)  # the file stays after close
                s.close()
            elif kind == "dir":
                os.mkdir(path)
            elif kind == "symlink":
                os.symlink(target[0], path)
            else:
                testlib.fail("%s: unknown SPECIAL kind %r" % (case_dir, kind))


# A hang is what these cases are about: far longer than any run takes.
SPECIAL_TIMEOUT = 60


def special_case(case):
    """Every command that reads traces refuses the special file with the
    one error line, at once."""
    with tempfile.TemporaryDirectory(prefix="h5snoop-special-") as tmp:
        shutil.copytree(os.path.join(DATA, "bad", case),
                        os.path.join(tmp, "bad", case))
        make_special(os.path.join(tmp, "bad", case))
        rel = os.path.join("bad", case)
        runs = (("report", ["report", rel]),
                ("plot", ["plot", "-o", "plots", rel]),
                ("export", ["export", "-o", "export.csv", rel]),
                ("advise", ["advise", rel]))
        for what, args in runs:
            try:
                rc, out, err = at.h5snoop(args, cwd=tmp,
                                          timeout=SPECIAL_TIMEOUT)
            except subprocess.TimeoutExpired:
                testlib.fail("bad/%s: h5snoop %s hung (no exit in %d s)"
                             % (case, what, SPECIAL_TIMEOUT))
            check(rc == 1, "bad/%s: %s exit %d, want 1\n%s"
                  % (case, what, rc, err))
            check(out == "", "bad/%s: %s wrote to stdout" % (case, what))
            check(not os.path.exists(os.path.join(tmp, "export.csv")),
                  "bad/%s: export left a file" % case)
            check(not os.listdir(os.path.join(tmp, "plots"))
                  if os.path.isdir(os.path.join(tmp, "plots")) else True,
                  "bad/%s: plot left files" % case)
            compare("bad.%s.stderr" % case, err)


def fifo_argument():
    """A FIFO given as the trace argument is no directory: refused."""
    with tempfile.TemporaryDirectory(prefix="h5snoop-special-") as tmp:
        os.mkfifo(os.path.join(tmp, "fifo"))
        try:
            rc, out, err = at.h5snoop(["report", "fifo"], cwd=tmp,
                                      timeout=SPECIAL_TIMEOUT)
        except subprocess.TimeoutExpired:
            testlib.fail("report FIFO hung")
        check(rc == 1 and err == "h5snoop: error: fifo: not a directory "
              "(give a trace directory or one above it)\n",
              "report FIFO: exit %d\n%s" % (rc, err))


def bad_case(case):
    if os.path.exists(os.path.join(DATA, "bad", case, "SPECIAL")):
        special_case(case)
        return
    rc, out, err = at.h5snoop(["report", os.path.join("bad", case)],
                              cwd=DATA)
    check(rc == 1, "bad/%s: exit %d, want 1" % (case, rc))
    check(out == "", "bad/%s: wrote to stdout:\n%s" % (case, out))
    check(os.path.exists(os.path.join(DATA, "bad", case, "README")),
          "bad/%s has no README" % case)
    compare("bad.%s.stderr" % case, err)


def hostile():
    """Text from the trace survives every format intact."""
    label = 'lab,"el"<b>&\\x'
    rows = at.report_csv([os.path.join(DATA, "good", "hostile")],
                         ["--by", "run"])
    check(rows[0]["group"] == label, "csv group %r" % rows[0]["group"])
    j = at.report_json([os.path.join(DATA, "good", "hostile")],
                       ["--by", "run"])
    check(j["groups"][0]["group"] == label, "json group")
    ev = at.parse_jsonl(at.ok(["export", "-f", "jsonl", os.path.join(
        DATA, "good", "hostile")]), "jsonl")
    urls = [e["url"] for e in ev if e["event"] == "http_request"]
    check(urls[0].startswith('http://127.0.0.1:8080/x/<script>alert("x")'
                             "</script>,'q'\n\ufffd\ufffd&amp;.h5"),
          "jsonl url %r" % urls[0])
    rows = at.parse_csv(at.ok(["export", os.path.join(
        DATA, "good", "hostile")]), "csv export")
    check(rows[2]["url"] == urls[0], "csv url %r" % rows[2]["url"])


def record_refuses():
    """record judges its options and values as report does: exit 2
    naming the option, and the command never runs (it would leave a
    file)."""
    work = tempfile.mkdtemp(prefix="h5snoop-record-")
    try:
        ran = os.path.join(work, "ran")
        for opts, named in ((["--layers", "foo"], "--layers"),
                            (["--layers", "vfd,,http"], "--layers"),
                            (["--layers=vfd,curl"], "--layers"),
                            (["--label", ""], "--label"),
                            (["-o", ""], "--output"),
                            (["--keep-query=1"], "--keep-query"),
                            (["--frobnicate"], "--frobnicate")):
            rc, out, err = at.h5snoop(["record"] + opts + ["--", "touch",
                                                           ran], cwd=work)
            check(rc == 2 and named in err and "Try 'h5snoop record" in err,
                  "record %s: exit %d\n%s" % (" ".join(opts), rc, err))
            check(not os.path.exists(ran), "record %s ran its command"
                  % " ".join(opts))
        rc, out, err = at.h5snoop(["record", "-o", work + "/t", "--layers",
                                   "vfd,net", "--", "touch", ran], cwd=work)
        check(rc == 0 and os.path.exists(ran), "record --layers vfd,net: "
              "exit %d\n%s" % (rc, err))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def exit_codes():
    for args, want in ((["--version"], 0), (["report", "--help"], 0),
                       (["plot", "--help"], 0), (["export", "--help"], 0),
                       (["report"], 2), (["report", "--by", "x", "t"], 2),
                       (["plot", "good/basic"], 2),
                       (["report", "--baseline", "nope", "good/basic"], 2),
                       (["report", "--strict", "good/truncated"], 1),
                       (["report", "--strict", "good/discarded"], 1),
                       (["report", "--strict", "good/basic"], 0),
                       (["report", "no/such/dir"], 1)):
        rc, out, err = at.h5snoop(args, cwd=DATA)
        check(rc == want, "h5snoop %s: exit %d, want %d\n%s"
              % (" ".join(args), rc, want, err))
        if want == 2:
            check("Try 'h5snoop" in err, "usage error without a hint")
    rc, out, err = at.h5snoop(["report", "--baseline", "ATL06_page",
                               "good/basic"], cwd=DATA)
    check(rc == 0 and "baseline 'ATL06_page'" in out, "--baseline")
    rc, out, err = at.h5snoop(["report", "--by", "label", "--baseline",
                               "page-8mb", "good/basic"], cwd=DATA)
    check(rc == 0 and "baseline 'page-8mb'" in out, "--by label --baseline")


def main():
    compare_is_exact()
    for case in sorted(os.listdir(os.path.join(DATA, "good"))):
        good_case(case)
    for case in sorted(os.listdir(os.path.join(DATA, "bad"))):
        bad_case(case)
    fifo_argument()
    hostile()
    exit_codes()
    record_refuses()
    print("ok")


if __name__ == "__main__":
    main()
