#!/usr/bin/python3
"""test_behaviour.py CASE - the shim inside a production process: threads,
fork, exec, crashes, an unwritable output, a program with neither
library, redaction, two libcurls, calls from a constructor, layer choice.

Each case runs host programs from tests/shim/ (which know nothing of
h5snoop) with and without the shim, and reads the traces back with
babeltrace2.
"""

import os
import re
import signal
import stat
import subprocess
import time

import testlib as t



def data_file(work):
    www = os.path.join(work, "www")
    os.makedirs(www, exist_ok=True)
    path = os.path.join(www, "data.h5")
    t.make_h5(path, datasets=1, elements=50000, chunk=1000)
    return www, path


def host(*args):
    return [t.sample_bin("host_hdf5")] + [str(a) for a in args]


def run_both(work, cmd, what, env=None):
    """Runs cmd without, then with the shim (into WORK/tr); checks both
    behave the same and returns the trace root."""
    plain = t.run(cmd, env=t.base_env(env))
    out = os.path.join(work, "tr")
    traced = t.record(cmd, out, extra_env=env)
    t.same_behaviour(plain, traced, what)
    return out


def file_opens_per_trace(out, count):
    """Checks `out` holds `count` trace directories and returns how many
    file_open events each has, sorted."""
    dirs = t.trace_dirs(out)
    t.check(len(dirs) == count, "want %d trace directories, got %s"
            % (count, dirs))
    return sorted(len(t.by_name(t.babeltrace(d), "file_open"))
                  for d in dirs)


def case_threads(work):
    """8 threads, each with HDF5 reads and libcurl requests: every event
    is there, each thread in its own stream."""
    www, path = data_file(work)
    n = 40
    with t.Nginx(www) as nginx:
        cmd = host("threads", path, nginx.url("data.h5"), n)
        plain = t.run(cmd)
        mark = nginx.log_mark()
        out = os.path.join(work, "tr")
        traced = t.record(cmd, out)
        t.same_behaviour(plain, traced, "threads")
        logged = nginx.requests(mark)
    # The host says how many threads it ran ("threads=8 sum=...").
    m = re.match(rb"threads=(\d+) ", plain.stdout)
    t.check(m is not None, "host output %r" % plain.stdout)
    threads = int(m.group(1))
    t.check(threads > 1, "host ran %d threads" % threads)
    events = t.all_events(out)
    http = t.by_name(events, "http_request")
    t.check(len(http) == threads * n == len(logged),
            "%d http_request events, %d requests logged, %d made"
            % (len(http), len(logged), threads * n))
    tids = {e["tid"] for e in http}
    t.check(len(tids) == threads, "requests on %d threads" % len(tids))
    # Each read opens the file: one file_open per read, per thread.
    opens = t.by_name(events, "file_open")
    t.check(len(opens) == threads * n, "%d file_open, want %d"
            % (len(opens), threads * n))
    streams = [f for d in t.trace_dirs(out) for f in os.listdir(d)
               if f.startswith("stream_")]
    t.check(len(streams) == threads, "%d stream files" % len(streams))


def case_fork(work):
    """A fork child writes its own trace directory, never the parent's."""
    _, path = data_file(work)
    out = run_both(work, host("fork", path, 3), "fork")
    # The parent opened the file twice (before and after), the child once.
    opens = file_opens_per_trace(out, 2)
    t.check(opens == [1, 2], "file_open per trace: %s" % opens)


def case_exec(work):
    """Programs exec'd under `h5snoop record -- bash -c` are traced, each
    in its own directory; bash itself, using neither library, leaves none."""
    _, path = data_file(work)
    script = "%s >/dev/null && %s" % (" ".join(host("read", path, 2)),
                                      " ".join(host("read", path, 3)))
    out = run_both(work, ["bash", "-c", script], "exec")
    opens = file_opens_per_trace(out, 2)
    t.check(opens == [1, 1], "file_open per trace: %s" % opens)


def die(work, how):
    """A process dying of `how` leaves a readable trace with every read
    that completed before it died."""
    _, path = data_file(work)
    out = os.path.join(work, "tr")
    n = 25
    if how == "hang":
        env = t.shim_env(out)
        p = subprocess.Popen(host("die", path, n, "hang"), env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = p.stdout.readline()
        t.check(line == b"ready\n", "host did not get ready: %r" % line)
        time.sleep(0.2)  # let it read on, mid-read when killed
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
        t.check(p.returncode == -signal.SIGKILL, "status %d" % p.returncode)
    else:
        run_both(work, host("die", path, n, how), how)
    dirs = t.trace_dirs(out)
    t.check(len(dirs) == 1, "want 1 trace directory, got %s" % dirs)
    events = t.babeltrace(dirs[0])
    reads = t.by_name(events, "vfd_read")
    # Each read_once reaches the driver at least once per read.
    t.check(len(reads) >= n, "%d vfd_read events after %d reads"
            % (len(reads), n))
    seqs = [e["seq"] for e in reads]
    t.check(seqs == list(range(1, len(seqs) + 1)),
            "vfd_read sequence has gaps")


def case_unwritable(work):
    """An output that cannot be created: one h5snoop line on stderr, and
    the program runs as without the shim."""
    _, path = data_file(work)
    blocker = os.path.join(work, "file")
    open(blocker, "w").close()
    cmd = host("read", path, 3)
    plain = t.run(cmd)
    traced = t.record(cmd, os.path.join(blocker, "traces"))
    t.same_behaviour(plain, traced, "unwritable")
    lines = [l for l in traced.stderr.decode().splitlines()
             if l.startswith("h5snoop:")]
    t.check(len(lines) == 1 and "tracing disabled" in lines[0],
            "want one 'tracing disabled' warning, got %s" % lines)
    # Quiet means quiet.
    quiet = t.record(cmd, os.path.join(blocker, "traces"), args=["--quiet"])
    t.check(quiet.stderr == plain.stderr, "--quiet still printed")


def case_no_libs(work):
    """A program with neither HDF5 nor libcurl runs exactly as without the
    shim and leaves no trace directory."""
    listed = os.path.join(work, "listed")
    os.mkdir(listed)
    for name in ("a.h5", "b.txt"):
        open(os.path.join(listed, name), "w").close()
    out = run_both(work, ["ls", "-la", listed], "ls")
    t.check(not os.path.exists(out) or not t.trace_dirs(out),
            "a trace directory was created for ls")
    # The exit status and signal of the child are passed through.
    st = t.record(["bash", "-c", "exit 42"], out)
    t.check(st.returncode == 42, "exit status %d" % st.returncode)
    sig = t.record(["bash", "-c", "kill -TERM $$"], out)
    t.check(sig.returncode == -signal.SIGTERM, "signal %d" % sig.returncode)


def case_redaction(work):
    """No credential reaches a trace: query strings of presigned URLs,
    user:password@, and headers the program sets."""
    www, _ = data_file(work)
    secret = "S3CR3T"
    with t.Nginx(www) as nginx:
        url = ("http://user:%s@127.0.0.1:%d/data.h5?X-Amz-Signature=%s&"
               "X-Amz-Credential=%s&X-Amz-Security-Token=%s"
               % (secret, nginx.port, secret, secret, secret))
        cmd = [t.sample_bin("host_curl"), "easy", url, "-",
               "Authorization: AWS4-HMAC-SHA256 Signature=" + secret,
               "Range: bytes=10-19"]
        plain = t.run(cmd)
        out = os.path.join(work, "tr")
        traced = t.record(cmd, out)
        t.same_behaviour(plain, traced, "redaction")
        kept = os.path.join(work, "kept")
        t.record(cmd, kept, args=["--keep-query"])
    for root in (out, kept):
        for d, _, files in os.walk(root):
            for f in files:
                data = open(os.path.join(d, f), "rb").read()
                if root == out or secret.encode() + b"@" in data:
                    t.check(secret.encode() not in data,
                            "secret found in %s" % os.path.join(d, f))
    http = t.by_name(t.all_events(out), "http_request")
    t.check(len(http) == 1, "%d requests" % len(http))
    t.check(http[0]["url"].endswith("/data.h5?<redacted>")
            and "user" not in http[0]["url"], "url " + http[0]["url"])
    t.check((http[0]["range_start"], http[0]["range_end"]) == (10, 19),
            "Range header not recorded")
    k = t.by_name(t.all_events(kept), "http_request")[0]
    t.check("X-Amz-Signature" in k["url"] and "user" not in k["url"],
            "--keep-query url " + k["url"])


def case_two_curls(work):
    """Two libcurls in one process: each call reaches the library that owns
    the handle, and both libraries' requests are traced."""
    www, _ = data_file(work)
    with t.Nginx(www) as nginx:
        cmd = [t.sample_bin("host_two_curls"), nginx.url("data.h5")]
        plain = t.run(cmd)
        if plain.returncode == 127 or b"openssl" not in plain.stdout:
            t.skip("no GnuTLS libcurl to link against")
        t.check(plain.returncode == 0, "fails without the shim")
        out = os.path.join(work, "tr")
        traced = t.record(cmd, out)
        t.same_behaviour(plain, traced, "two curls")
    http = t.by_name(t.all_events(out), "http_request")
    got = sorted((e["range_start"], e["range_end"], e["bytes"]) for e in http)
    t.check(got == [(0, 99, 100), (100, 299, 200)], "requests %s" % got)


def case_constructor(work):
    """libcurl used from a library constructor, before main."""
    www, _ = data_file(work)
    with t.Nginx(www) as nginx:
        extra = {"H5SNOOP_TEST_CTOR_URL": nginx.url("data.h5")}
        out = run_both(work, [t.sample_bin("host_ctor")], "constructor",
                       env=extra)
    http = t.by_name(t.all_events(out), "http_request")
    t.check(len(http) == 1 and http[0]["bytes"] == 64,
            "requests %s" % http)


def case_layers(work):
    """--layers http records no driver events, and vfd no requests."""
    www, _ = data_file(work)
    with t.Nginx(www) as nginx:
        cmd = ["h5ls", "--vfd=ros3", "-r", nginx.url("data.h5")]
        for layer, absent in (("http", "vfd_read"), ("vfd", "http_request")):
            out = os.path.join(work, layer)
            p = t.record(cmd, out, args=["--layers", layer])
            t.check(p.returncode == 0, "h5ls failed with --layers " + layer)
            events = t.all_events(out)
            t.check(events, "no events with --layers " + layer)
            t.check(not t.by_name(events, absent),
                    "%s recorded with --layers %s" % (absent, layer))


def case_environment(work):
    """The trace's env block names the process, its rank (from Slurm/MPI
    variables, also usable as %r in H5SNOOP_OUTPUT) and the library
    versions; files are 0600 in 0700 directories."""
    www, _ = data_file(work)
    with t.Nginx(www) as nginx:
        out = os.path.join(work, "rank%r")
        p = t.record(["h5ls", "--vfd=ros3", "-r", nginx.url("data.h5")],
                     out, label="flavor-x", extra_env={"SLURM_PROCID": "3"})
        t.check(p.returncode == 0, "h5ls failed")
    out = os.path.join(work, "rank3")
    dirs = t.trace_dirs(out)
    t.check(len(dirs) == 1, "%%r not expanded: %s" % os.listdir(work))
    t.check(dirs[0].endswith("-flavor-x"), "label not in " + dirs[0])
    meta = open(os.path.join(dirs[0], "metadata")).read()
    for want in ('tracer_name = "h5snoop"', "rank = 3;",
                 'label = "flavor-x"', 'hdf5_version = "1.',
                 'libcurl_version = "libcurl/'):
        t.check(want in meta, "metadata lacks %r" % want)
    pid = re.match(r".*-(\d+)-flavor-x$", dirs[0]).group(1)
    t.check("pid = %s;" % pid in meta,
            "pid does not match the directory name")
    t.check(stat.S_IMODE(os.stat(dirs[0]).st_mode) == 0o700,
            "trace directory mode")
    for f in os.listdir(dirs[0]):
        mode = stat.S_IMODE(os.stat(os.path.join(dirs[0], f)).st_mode)
        t.check(mode == 0o600, "%s has mode %o" % (f, mode))


def case_config_warnings(work):
    """Bad values in several H5SNOOP_* variables at once: each variable's
    warning is printed, once (an unknown layer named twice is still one
    line), the defaults hold, and the program runs as without the shim.
    Then H5SNOOP_MODE=ring without a bound, with a bad H5SNOOP_CLOCK:
    both told."""
    _, path = data_file(work)
    cmd = ["h5dump", "-H", path]
    plain = t.run(cmd)
    bad = {"H5SNOOP_LAYERS": "vfd,bogus,http,other",
           "H5SNOOP_STACKS": "many",
           "H5SNOOP_UNWIND": "quick",
           "H5SNOOP_CLOCK": "wall",
           "H5SNOOP_MAX_SIZE": "lots",
           "H5SNOOP_MODE": "circle"}
    out = os.path.join(work, "tr")
    traced = t.run(cmd, env=t.shim_env(out, extra=bad))
    t.same_behaviour(plain, traced, "bad configuration")
    lines = [l for l in traced.stderr.decode().splitlines()
             if l.startswith("h5snoop:")]
    for var, value in sorted(bad.items()):
        said = [l for l in lines if var in l]
        t.check(len(said) == 1 and "warning" in said[0],
                "want one warning naming %s, got %s" % (var, lines))
        t.check(var == "H5SNOOP_LAYERS" or "'%s'" % value in said[0],
                "the %s warning does not name the value: %s"
                % (var, said[0]))
    t.check(len(lines) == len(bad), "want %d warnings, got %s"
            % (len(bad), lines))
    t.check(t.by_name(t.all_events(out), "file_open"),
            "nothing recorded with the defaults in force")

    ring = {"H5SNOOP_MODE": "ring", "H5SNOOP_CLOCK": "tsc"}
    out = os.path.join(work, "tr2")
    traced = t.run(cmd, env=t.shim_env(out, extra=ring))
    t.same_behaviour(plain, traced, "ring without a bound")
    lines = [l for l in traced.stderr.decode().splitlines()
             if l.startswith("h5snoop:")]
    t.check(len(lines) == 2
            and any("H5SNOOP_MODE=ring needs H5SNOOP_MAX_SIZE" in l
                    for l in lines)
            and any("H5SNOOP_CLOCK='tsc'" in l for l in lines),
            "want the ring and the clock warnings, got %s" % lines)


def case_install(work):
    """`cmake --install` lays out bin/ and lib/ so that the installed
    h5snoop record finds the installed shim."""
    prefix = os.path.join(work, "prefix")
    p = t.run(["cmake", "--install", t.build_dir(), "--prefix", prefix])
    t.check(p.returncode == 0, "install failed: %s" % p.stderr)
    _, path = data_file(work)
    out = os.path.join(work, "tr")
    env = t.base_env()
    q = t.run([os.path.join(prefix, "bin", "h5snoop"), "record", "-o", out,
               "--", "h5dump", "-H", path], env=env)
    t.check(q.returncode == 0, "installed record failed: %s" % q.stderr)
    t.check(t.by_name(t.all_events(out), "file_open"),
            "installed shim recorded nothing")


def case_disk_full(work):
    """A full disk drops events, counts them in events_discarded (readable
    by babeltrace2 and the report), warns once, and changes nothing else.
    The small disk is a tmpfs in a private mount namespace."""
    _, path = data_file(work)
    small = os.path.join(work, "small")
    os.mkdir(small)
    probe = t.run(["unshare", "-rm", "sh", "-c",
                   "mount -t tmpfs -o size=192k tmpfs " + small])
    if probe.returncode != 0:
        t.skip("cannot mount a small tmpfs here: %s" % probe.stderr)
    cmd = host("read", path, 3000)
    plain = t.run(cmd)
    out = os.path.join(small, "tr")
    script = ("mount -t tmpfs -o size=192k tmpfs %s && %s record -o %s -- %s"
              " && babeltrace2 %s/* > %s/bt.txt 2>/dev/null; %s report %s"
              " > %s/rep.txt 2>&1" % (
                  small, t.h5snoop_bin(), out, " ".join(cmd), out, work,
                  t.h5snoop_bin(), out, work))
    traced = t.run(["unshare", "-rm", "sh", "-c", script])
    t.same_behaviour(plain, traced, "disk full")
    warnings = [l for l in traced.stderr.decode().splitlines()
                if l.startswith("h5snoop:")]
    t.check(len(warnings) == 1 and "lost stream_failure" in warnings[0],
            "want one 'discarded' warning, got %s" % warnings)
    kept = sum(1 for _ in open(os.path.join(work, "bt.txt")))
    report = open(os.path.join(work, "rep.txt")).read()
    t.check(kept > 0 and "discarded" in report
            and "NOTE: lost stream_failure:" in report,
            "report does not say events were lost to the disk:\n" + report)


def run_fake_hdf5(work, release, class_version):
    """Runs host_fake_hdf5 on the stand-in libhdf5 of `release` with and
    without the shim; returns the traced run, its h5snoop lines, what the
    stand-in was registered with, and the trace root."""
    cmd = [t.sample_bin("host_fake_hdf5"), str(class_version)]
    verdict = os.path.join(work, "verdict")
    env = {"FAKE_HDF5_RELEASE": release, "FAKE_HDF5_VERDICT": verdict}
    plain = t.run(cmd, env=t.base_env(env))
    t.check(plain.returncode == 0, "host fails without the shim")
    out = os.path.join(work, "tr")
    traced = t.record(cmd, out, extra_env=env)
    t.same_behaviour(plain, traced, "HDF5 %s" % release)
    lines = [l for l in traced.stderr.decode().splitlines()
             if l.startswith("h5snoop:")]
    return lines, open(verdict).read(), out, plain.stdout


def fake_reads(stdout):
    """The reads host_fake_hdf5 says it made ("read 5 blocks of 64
    bytes, 1000 apart, ..."): [(offset, size)]."""
    m = re.match(rb"read (\d+) blocks of (\d+) bytes, (\d+) apart,",
                 stdout)
    t.check(m is not None, "host_fake_hdf5 output %r" % stdout)
    blocks, size, stride = (int(g) for g in m.groups())
    return [(i * stride, size) for i in range(blocks)]


def check_refused(lines, verdict, *words):
    """One warning naming every word; the class registered as given."""
    t.check(len(lines) == 1 and "vfd layer disabled" in lines[0]
            and all(w in lines[0] for w in words),
            "want one warning naming %s, got %s" % (words, lines))
    t.check(verdict == "registered fake_driver as given\n",
            "the class was not registered as given: %r" % verdict)


def case_future_hdf5(work):
    """An HDF5 release never tested (2.9.0) whose driver classes have the
    class version the shim knows: its driver reads are recorded."""
    lines, verdict, out, stdout = run_fake_hdf5(work, "2.9.0", 1)
    t.check(not lines, "unexpected warnings: %s" % lines)
    t.check(verdict == "registered fake_driver as a copy\n",
            "the class was not hooked: %r" % verdict)
    events = t.all_events(out)
    opens = t.by_name(events, "file_open")
    t.check([o["driver"] for o in opens] == ["fake_driver"],
            "want one fake_driver open, got %s" % opens)
    reads = [(e["offset"], e["size"]) for e in t.by_name(events, "vfd_read")]
    want = fake_reads(stdout)
    t.check(reads == want and len(want) > 1,
            "want the program's reads %s, got %s" % (want, reads))
    t.check(len(t.by_name(events, "file_close")) == 1, "no file_close")


def case_unknown_hdf5(work):
    """A class version the shim does not know (2 on 2.9.0): the vfd layer
    is turned off with one warning naming the release and the class
    version, and the class is registered as the program gave it (the shim
    never guesses a layout)."""
    lines, verdict, out, _ = run_fake_hdf5(work, "2.9.0", 2)
    check_refused(lines, verdict, "2.9.0", "version 2")
    t.check(not t.by_name(t.all_events(out), "vfd_read"),
            "vfd_read recorded for a refused class")


def case_old_hdf5(work):
    """A release older than any the shim knows (1.8): refused by its
    number, with one warning naming it."""
    lines, verdict, _, _ = run_fake_hdf5(work, "1.8.22", 1)
    check_refused(lines, verdict, "1.8.22")


CASES = {
    "future_hdf5": case_future_hdf5,
    "unknown_hdf5": case_unknown_hdf5,
    "old_hdf5": case_old_hdf5,
    "disk_full": case_disk_full,
    "environment": case_environment,
    "config_warnings": case_config_warnings,
    "install": case_install,
    "threads": case_threads,
    "fork": case_fork,
    "exec": case_exec,
    "sigkill": lambda w: die(w, "hang"),
    "sigsegv": lambda w: die(w, "segv"),
    "abort": lambda w: die(w, "abort"),
    "unwritable": case_unwritable,
    "no_libs": case_no_libs,
    "redaction": case_redaction,
    "two_curls": case_two_curls,
    "constructor": case_constructor,
    "layers": case_layers,
}


if __name__ == "__main__":
    t.run_case(CASES)
