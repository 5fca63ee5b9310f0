#!/usr/bin/python3
"""test_hostile.py CASE - hosts that do to their file descriptors, limits,
threads and libraries what production programs do; the shim must leave
their files, output and exit status as they are without it, and count
what it could not record in the trace.

Each case runs a host program from tests/shim/ (host_hostile, host_hdf5,
host_curl: they know nothing of h5snoop) with and without the shim.
"""

import os
import re
import shutil
import subprocess

import testlib as t


def h5_file(work, name="data.h5"):
    path = os.path.join(work, name)
    t.make_h5(path, datasets=1, elements=50000, chunk=1000)
    return path


def copies(work, path, n):
    """n copies of `path` as WORK/many/fI.h5; returns the directory."""
    d = os.path.join(work, "many")
    os.makedirs(d, exist_ok=True)
    for i in range(n):
        shutil.copyfile(path, os.path.join(d, "f%d.h5" % i))
    return d


def hostile(*args):
    return [t.sample_bin("host_hostile")] + [str(a) for a in args]


def limited(limit, cmd):
    """cmd run by bash after `ulimit LIMIT` (e.g. "-n 1024"), exec'd so
    that the limit is the host's own."""
    return ["bash", "-c", "ulimit %s && exec \"$0\" \"$@\"" % limit] + cmd


def run_pair(work, cmd, what, env=None):
    """cmd without the shim (in WORK/plain-*), then with it (in
    WORK/traced-*, trace into WORK/tr); both must behave the same.
    Returns (plain, traced, trace root)."""
    plain = t.run(cmd(os.path.join(work, "plain")), env=t.base_env(env))
    out = os.path.join(work, "tr")
    traced = t.record(cmd(os.path.join(work, "traced")), out, extra_env=env)
    t.same_behaviour(plain, traced, what)
    return plain, traced, out


def report(out, *args):
    p = t.run([t.h5snoop_bin(), "report"] + list(args) + [out])
    return p


def case_fd_reuse_files(work):
    """A host closes every fd after an HDF5 read and opens its own files:
    their numbers are those the shim had.  The shim must never write into
    them: each file holds exactly the host's payload, and the trace still
    has every read (packets were started after the close)."""
    path = h5_file(work)
    reads = 3000  # about 3 x 64 KiB of events: new packets after the close

    def cmd(d):
        os.makedirs(d, exist_ok=True)
        return hostile("reuse-files", path, d, reads)
    plain, _, out = run_pair(work, cmd, "fd reuse (files)")
    t.check(plain.returncode == 0 and b"intact" in plain.stdout,
            "the host fails without the shim")
    reads_seen = t.by_name(t.all_events(out), "vfd_read")
    t.check(len(reads_seen) >= reads, "%d vfd_read events for %d reads"
            % (len(reads_seen), reads))


def case_fd_reuse_dirs(work):
    """A host closes every fd and opens directories of its own, each with
    a file named `metadata`; then the shim learns the libcurl version and
    rewrites its metadata.  The host's directories stay as they were, and
    the trace's metadata has the version."""
    path = h5_file(work)

    def cmd(d):
        os.makedirs(d, exist_ok=True)
        return hostile("reuse-dirs", path, d)
    plain, _, out = run_pair(work, cmd, "fd reuse (directories)")
    t.check(plain.returncode == 0 and b"intact" in plain.stdout,
            "the host fails without the shim")
    dirs = t.trace_dirs(out)
    t.check(len(dirs) == 1, "trace directories: %s" % dirs)
    meta = open(os.path.join(dirs[0], "metadata")).read()
    t.check('libcurl_version = "libcurl/' in meta,
            "the trace metadata lacks the libcurl version")
    t.check(len(t.by_name(t.babeltrace(dirs[0]), "file_open")) == 2,
            "want 2 file_open events")


def case_fsize_limit(work):
    """RLIMIT_FSIZE of 32 KiB (ulimit -f 32): the host, which only reads,
    must not die of SIGXFSZ at the shim's first packet.  What did not fit
    is a counted loss (file_size_limit), no half packet is left, and the
    report says so (and fails with --strict)."""
    path = h5_file(work)
    cmd = limited("-f 32", [t.sample_bin("host_hdf5"), "read", path,
                            "3000"])
    plain = t.run(cmd)
    t.check(plain.returncode == 0, "the host fails without the shim")
    out = os.path.join(work, "tr")
    traced = t.record(cmd, out)
    t.same_behaviour(plain, traced, "ulimit -f 32")
    dirs = t.trace_dirs(out)
    t.check(len(dirs) == 1, "trace directories: %s" % dirs)
    for f in os.listdir(dirs[0]):
        size = os.path.getsize(os.path.join(dirs[0], f))
        t.check(size <= 32 * 1024, "%s is %d bytes, over the limit"
                % (f, size))
        if f.startswith("stream_"):
            t.check(size % 4096 == 0, "%s: a half packet (%d bytes)"
                    % (f, size))
    events = t.babeltrace(dirs[0])
    t.check(events, "the trace holds no event")
    lost = max(e.get("lost_file_size_limit", 0) for e in events)
    t.check(lost > 0, "no file_size_limit loss in the packet context")
    rep = report(out)
    t.check(rep.returncode == 0, "report failed: %s" % rep.stderr)
    t.check(b"NOTE: lost file_size_limit:" in rep.stdout,
            "the report does not show the loss:\n"
            + rep.stdout.decode(errors="replace"))
    t.check(b"(file_size_limit)" in rep.stderr, "no warning on stderr")
    strict = report(out, "--strict")
    t.check(strict.returncode == 1, "--strict exits %d with a loss"
            % strict.returncode)
    for kind in ("json", "csv"):
        rep = report(out, "--format", kind)
        t.check(rep.returncode == 0 and b"file_size_limit" in rep.stdout,
                "%s report lacks the loss" % kind)


def case_fd_budget(work):
    """700 threads, each holding an HDF5 file open, under ulimit -n 1024:
    the host's own opens succeed as they do without the shim (the shim
    keeps no fd per thread), and every thread's file_open is traced."""
    path = h5_file(work)
    many = copies(work, path, 700)
    cmd = limited("-n 1024", hostile("hold-open", many, 700, 300))
    plain = t.run(cmd)
    t.check(plain.returncode == 0 and
            b"hdf5_open_failures=0 " in plain.stdout and
            b"host_opens_emfile=0 " in plain.stdout,
            "the host fails without the shim: %s" % plain.stdout)
    out = os.path.join(work, "tr")
    traced = t.record(cmd, out)
    t.same_behaviour(plain, traced, "700 threads, ulimit -n 1024")
    events = t.all_events(out)
    t.check(len(t.by_name(events, "file_open")) == 700,
            "%d file_open events" % len(t.by_name(events, "file_open")))
    t.check(len({e["tid"] for e in events}) == 700, "streams per thread")


def case_many_files(work):
    """1,100 driver files open at once: every read keeps its file's id
    (no file_id 0, no report line for file "?")."""
    path = h5_file(work)
    n = 1100
    many = copies(work, path, n)
    cmd = limited("-n 4096", hostile("open-many", many, n))
    out = os.path.join(work, "tr")
    plain = t.run(cmd)
    t.check(plain.returncode == 0, "the host fails without the shim")
    traced = t.record(cmd, out)
    t.same_behaviour(plain, traced, "1100 files open")
    events = t.all_events(out)
    opens = {e["file_id"]: e["name"] for e in t.by_name(events, "file_open")}
    t.check(len(opens) == n and 0 not in opens,
            "%d distinct file_ids for %d files" % (len(opens), n))
    reads = t.by_name(events, "vfd_read")
    orphans = [e for e in reads if e["file_id"] not in opens]
    t.check(not orphans, "%d of %d reads without their file (file_id %s)"
            % (len(orphans), len(reads), orphans[0]["file_id"]
               if orphans else None))
    files_read = {opens[e["file_id"]] for e in reads}
    t.check(len(files_read) == n, "reads of %d files, want %d"
            % (len(files_read), n))


def served_dir(work, name, data):
    """A directory for nginx to serve, holding one file `name`."""
    www = os.path.join(work, "www")
    os.makedirs(www)
    with open(os.path.join(www, name), "wb") as f:
        f.write(data)
    return www


def curl_host(*args):
    return [t.sample_bin("host_curl")] + [str(a) for a in args]


def case_curl_cross_thread(work):
    """301 multi transfers, each added on the main thread and finished on
    another, with a transfer of the main thread's own after each: every
    one is an http_request event (the adding thread is never left inside
    an operation, none of its held events is lost), in stream order."""
    n = 301
    www = served_dir(work, "blob", bytes(range(256)) * 40)
    with t.Nginx(www) as nginx:
        cmd = curl_host("cross", nginx.url("blob"), n)
        plain = t.run(cmd)
        t.check(plain.returncode == 0, "the host fails without the shim")
        mark = nginx.log_mark()
        out = os.path.join(work, "tr")
        traced = t.record(cmd, out)
        t.same_behaviour(plain, traced, "cross-thread multi")
        logged = nginx.requests(mark)
    http = t.by_name(t.all_events(out), "http_request")
    t.check(len(logged) == 2 * n, "nginx saw %d requests" % len(logged))
    t.check(len(http) == 2 * n, "%d http_request events for %d transfers"
            % (len(http), 2 * n))
    got = sorted((e["range_start"], e["range_end"]) for e in http)
    want = sorted([(i * 10, i * 10 + 9) for i in range(n)] * 2)
    t.check(got == want, "the events' ranges are not the transfers'")


def case_curl_table_full(work):
    """A multi transfer, then more live curl handles than the shim's
    handle table holds (the size is read from its warning), then the same
    transfer again: the host runs as without the shim, the first transfer
    is an event, the second, which the shim could not note, is a counted
    loss (curl_table, exactly one), warned about once, and the report
    shows it."""
    n = 5000
    www = served_dir(work, "blob", bytes(range(256)) * 4)
    with t.Nginx(www) as nginx:
        cmd = curl_host("full", nginx.url("blob"), n)
        plain = t.run(cmd)
        t.check(plain.returncode == 0, "the host fails without the shim")
        out = os.path.join(work, "tr")
        traced = t.record(cmd, out)
        t.same_behaviour(plain, traced, "%d live curl handles" % n)
    warn = re.findall(rb"h5snoop: warning: more than (\d+) live curl "
                      rb"handles", traced.stderr)
    t.check(len(warn) == 1, "want one table warning, stderr:\n%s"
            % traced.stderr.decode(errors="replace"))
    if warn:
        t.check(int(warn[0]) < n, "the table holds %s >= %d handles"
                % (warn[0].decode(), n))
    events = t.all_events(out)
    t.check(len(t.by_name(events, "http_request")) == 1,
            "want the first transfer's http_request only")
    lost = max([e.get("lost_curl_table", 0) for e in events] or [0])
    t.check(lost == 1, "curl_table losses: %d, want 1" % lost)
    rep = report(out)
    t.check(b"NOTE: lost curl_table:" in rep.stdout,
            "the report does not show the loss:\n"
            + rep.stdout.decode(errors="replace"))


def case_curl_errno(work):
    """errno after a successful first curl_easy_init is what libcurl left,
    not what the shim's own work left."""
    cmd = curl_host("errno")
    plain = t.run(cmd)
    t.check(b"init=ok" in plain.stdout, "curl_easy_init fails")
    traced = t.record(cmd, os.path.join(work, "tr"))
    t.same_behaviour(plain, traced, "errno after curl_easy_init")


def case_curl_cancel(work):
    """A thread with a cancel pending makes the process's first curl call
    and dies at a cancellation point inside it: later curl calls of other
    threads go on (no lock of the shim is left held)."""
    www = served_dir(work, "blob", b"x" * 1000)
    with t.Nginx(www) as nginx:
        cmd = curl_host("cancel", nginx.url("blob"))
        plain = t.run(cmd, timeout=120)
        t.check(plain.returncode == 0, "the host fails without the shim")
        try:
            traced = t.record(cmd, os.path.join(work, "tr"), timeout=120)
        except subprocess.TimeoutExpired:
            t.fail("the host hung with the shim after a cancelled thread")
        t.same_behaviour(plain, traced, "cancelled first curl call")
    http = t.by_name(t.all_events(os.path.join(work, "tr")), "http_request")
    t.check(len(http) == 1 and http[0]["bytes"] == 100,
            "requests %s" % http)


def case_two_hdf5(work):
    """Two copies of HDF5 in one process (the real one and a stand-in,
    each linked by a plugin loaded with RTLD_LOCAL): each registration
    reaches its own copy's H5FDregister, so both work as without the
    shim, and both copies' reads are traced."""
    path = h5_file(work)
    lib = os.path.join(t.build_dir(), "lib")
    cmd = [t.sample_bin("host_two_hdf5"),
           os.path.join(lib, "libreal_hdf5_user.so"),
           os.path.join(lib, "libfake_hdf5_user.so"), path]
    # The stand-in says it is a release whose driver layout (1.14's) it
    # has, so that the shim hooks its driver too.
    env = {"FAKE_HDF5_RELEASE": "1.14.3"}
    plain = t.run(cmd, env=t.base_env(env))
    t.check(plain.returncode == 0, "the host fails without the shim: %s"
            % plain.stderr)
    out = os.path.join(work, "tr")
    traced = t.record(cmd, out, extra_env=env)
    t.same_behaviour(plain, traced, "two HDF5 copies")
    events = t.all_events(out)
    drivers = {e["driver"] for e in t.by_name(events, "file_open")}
    t.check({"sec2", "plugin_driver"} <= drivers,
            "file_open drivers %s" % sorted(drivers))
    plugin_files = {e["file_id"] for e in t.by_name(events, "file_open")
                    if e["driver"] == "plugin_driver"}
    plugin_reads = [e for e in t.by_name(events, "vfd_read")
                    if e["file_id"] in plugin_files]
    t.check(len(plugin_reads) == 4, "%d reads through the plugin's driver"
            % len(plugin_reads))


FAMILY_WRITE = """
import h5py, numpy as np, sys
with h5py.File(sys.argv[1], "w", driver="family", memb_size=65536) as f:
    f.create_dataset("v", data=np.arange(100000, dtype="f8"),
                     chunks=(5000,))
"""

FAMILY_READ = """
import h5py, sys
with h5py.File(sys.argv[1], "r", driver="family", memb_size=65536) as f:
    print(float(f["v"][::7].sum()))
"""


def pread_bytes(log, prefix):
    """Bytes pread64 returned on files whose path starts with `prefix`, in
    an strace -f log of openat, pread64 and close."""
    fds, total = {}, 0
    for line in open(log).read().splitlines():
        parts = line.split(None, 1)
        call = parts[1] if len(parts) > 1 else ""
        if call.startswith("openat(") and prefix in call:
            ret = call.rsplit("= ", 1)[-1].split()[0]
            if ret.isdigit():
                fds[ret] = True
        elif call.startswith("close("):
            fds.pop(call[len("close("):].split(")")[0], None)
        elif call.startswith("pread64("):
            fd = call[len("pread64("):].split(",")[0]
            ret = call.rsplit("= ", 1)[-1].split()[0]
            if fd in fds and ret.isdigit():
                total += int(ret)
    return total


def case_family(work):
    """An HDF5 family file (H5Pset_fapl_family, through h5py) of 64 KiB
    members: each read is recorded once, by the family driver the program
    chose, never again by sec2 reading the members; the bytes recorded are
    those HDF5 read from the member files (counted by strace)."""
    pattern = os.path.join(work, "fam-%d.h5")
    p = t.run(["/usr/bin/python3", "-c", FAMILY_WRITE, pattern])
    t.check(p.returncode == 0, "cannot write the family file: %s"
            % p.stderr)
    cmd = ["/usr/bin/python3", "-c", FAMILY_READ, pattern]
    plain = t.run(cmd)
    t.check(plain.returncode == 0, "h5py cannot read the family file")
    log = os.path.join(work, "strace.log")
    st = t.run(["strace", "-f", "-qq", "-o", log, "-e",
                "trace=openat,pread64,close"] + cmd)
    t.check(st.returncode == 0, "strace failed: %s" % st.stderr)
    read_by_hdf5 = pread_bytes(log, os.path.join(work, "fam-"))
    out = os.path.join(work, "tr")
    traced = t.record(cmd, out)
    t.same_behaviour(plain, traced, "family driver")
    events = t.all_events(out)
    driver_of = {e["file_id"]: e["driver"]
                 for e in t.by_name(events, "file_open")}
    reads = t.by_name(events, "vfd_read")
    drivers = {driver_of.get(e["file_id"]) for e in reads}
    t.check(drivers == {"family"}, "reads recorded for drivers %s"
            % sorted(map(str, drivers)))
    recorded = sum(e["size"] for e in reads)
    t.check(recorded == read_by_hdf5, "%d bytes recorded in %d reads, "
            "HDF5 read %d from the members" % (recorded, len(reads),
                                              read_by_hdf5))
    rep = report(out, "--format", "json")
    t.check(rep.returncode == 0, "report failed: %s" % rep.stderr)
    t.check(b'"vfd":{"requests":%d,"bytes":%d,' % (len(reads), recorded)
            in rep.stdout, "the report counts other reads or bytes")


def case_curl_copies(work):
    """Seventeen libcurl copies in one process, one past the shim's table:
    the host behaves as without the shim, the first sixteen copies'
    transfers are each one http_request with its range (nginx's log is the
    reference), and the seventeenth's are passed on to its own libcurl
    untraced, with one warning, never recorded as another copy's."""
    www = served_dir(work, "data.bin", bytes(range(256)) * 80)
    n, kept = 17, 16
    ranges = [(i * 1000, i * 1000 + i + 9) for i in range(n)]
    cmd = [t.sample_bin("host_curl_copies"),
           os.path.join(t.build_dir(), "lib"), str(n)]
    out = os.path.join(work, "tr")
    with t.Nginx(www) as nginx:
        cmd.append(nginx.url("data.bin"))
        plain = t.run(cmd)
        t.check(plain.returncode == 0, "the host fails without the shim: %s"
                % plain.stderr)
        mark = nginx.log_mark()
        traced = t.record(cmd, out)
        t.same_behaviour(plain, traced, "seventeen libcurl copies")
        served = nginx.requests(mark)
    t.check([r["range"] for r in served] == ranges,
            "nginx served %s" % [r["range"] for r in served])
    warnings = [l for l in traced.stderr.decode(errors="replace")
                .splitlines()
                if l.startswith("h5snoop:") and "libcurl copies" in l]
    t.check(len(warnings) == 1, "libcurl copy warnings: %s" % warnings)
    http = t.by_name(t.all_events(out), "http_request")
    got = sorted((t.http_key(e) for e in http), key=str)
    want = sorted((t.nginx_key(r) for r in served[:kept]), key=str)
    t.check(got == want, "requests %s, nginx served through the first %d "
            "copies %s" % (got, kept, want))
    late = set(ranges[kept:])
    t.check(not [e for e in http
                 if (e["range_start"], e["range_end"]) in late],
            "a request of a copy past the table was recorded")


def lost_of(events, reason):
    """The trace's count of losses for `reason` (each packet context
    carries the running count; the largest is the process's)."""
    return max([e.get("lost_" + reason, 0) for e in events] or [0])


def check_loss_reported(out, reason, count):
    """`h5snoop report` exits 0 and says `count` events lost to
    `reason`."""
    rep = report(out)
    t.check(rep.returncode == 0, "report exits %d: %s"
            % (rep.returncode, rep.stderr.decode(errors="replace")))
    said = re.findall(rb"NOTE: lost %s: (\d+)" % reason.encode(),
                      rep.stdout)
    t.check(said == [str(count).encode()],
            "the report does not say %d lost to %s:\n%s"
            % (count, reason, rep.stdout.decode(errors="replace")))


# h5py opens `n` files at once (all kept open), reads a dataset of each,
# prints its sum, then closes them all.
H5PY_OPEN_MANY = """
import h5py, sys
files = [h5py.File(p, "r") for p in sys.argv[1:]]
for f in files:
    print(f.filename.rsplit("/", 1)[-1], f["grp/v0"][:].sum())
for f in files:
    f.close()
"""


def case_file_table_full(work):
    """h5py holds more HDF5 files open than the shim's file table, shrunk
    for the test to 8 files by H5SNOOP_TEST_FILE_TABLE_MAX (the real one
    holds 65,536): the program's output and exit status are unchanged;
    one warning; every file still has its file_open event; the reads and
    closes of the files past the table carry file_id 0, each a
    file_table loss, counted in the trace and said by the report."""
    n, table = 12, 8
    many = copies(work, h5_file(work), n)
    paths = [os.path.join(many, "f%d.h5" % i) for i in range(n)]
    cmd = ["/usr/bin/python3", "-c", H5PY_OPEN_MANY] + paths
    env = {"H5SNOOP_TEST_FILE_TABLE_MAX": str(table)}
    plain = t.run(cmd, env=t.base_env(env))
    t.check(plain.returncode == 0, "h5py fails without the shim: %s"
            % plain.stderr.decode(errors="replace"))
    out = os.path.join(work, "tr")
    traced = t.record(cmd, out, extra_env=env)
    t.same_behaviour(plain, traced, "%d files open, a table of %d"
                     % (n, table))
    warn = re.findall(rb"h5snoop: warning: more than (\d+) HDF5 driver "
                      rb"files open at once", traced.stderr)
    t.check(warn == [str(table).encode()],
            "want one warning naming the table of %d, stderr:\n%s"
            % (table, traced.stderr.decode(errors="replace")))
    events = t.all_events(out)
    opens = {e["file_id"]: e["name"] for e in t.by_name(events, "file_open")}
    t.check(sorted(os.path.basename(v) for v in opens.values())
            == sorted(os.path.basename(p) for p in paths),
            "file_open events: %s" % sorted(opens.values()))
    reads = t.by_name(events, "vfd_read")
    kept = {opens[e["file_id"]] for e in reads if e["file_id"] in opens}
    orphans = [e for e in reads if e["file_id"] == 0]
    closes = t.by_name(events, "file_close")
    t.check(len(kept) == table and orphans,
            "reads keep the file of %d files (want %d), %d without"
            % (len(kept), table, len(orphans)))
    t.check(len(closes) == n and
            sum(e["file_id"] == 0 for e in closes) == n - table,
            "file_close events: %s" % [e["file_id"] for e in closes])
    lost = lost_of(events, "file_table")
    t.check(lost == len(orphans) + n - table,
            "file_table losses: %d, want %d (the reads and closes "
            "without their file)" % (lost, len(orphans) + n - table))
    check_loss_reported(out, "file_table", lost)


def case_stack_table_full(work):
    """With H5SNOOP_STACKS=1, a libcurl program makes 9,000 transfers,
    each through its own chain of calls: more distinct stacks than the
    shim's stack table holds (its size read from the one warning).  The
    program's output and exit status are unchanged, every transfer is an
    event, the table's stacks are each recorded once, and each transfer
    past the table has stack_id 0 and is a stack_table loss, counted in
    the trace and said by the report."""
    n = 9000
    www = served_dir(work, "blob", bytes(range(256)) * 4)
    env = {"H5SNOOP_STACKS": "1"}
    with t.Nginx(www) as nginx:
        cmd = curl_host("stacks", nginx.url("blob"), n)
        plain = t.run(cmd)
        t.check(plain.returncode == 0, "the host fails without the shim")
        out = os.path.join(work, "tr")
        traced = t.record(cmd, out, extra_env=env)
        t.same_behaviour(plain, traced, "%d distinct stacks" % n)
    warn = re.findall(rb"h5snoop: warning: more than (\d+) distinct "
                      rb"stacks", traced.stderr)
    t.check(len(warn) == 1 and int(warn[0]) < n,
            "want one stack table warning below %d, stderr:\n%s"
            % (n, traced.stderr.decode(errors="replace")))
    table = int(warn[0])
    events = t.all_events(out)
    http = t.by_name(events, "http_request")
    t.check(len(http) == n, "%d http_request events, want %d"
            % (len(http), n))
    stacks = {e["stack_id"] for e in t.by_name(events, "stack")}
    ids = [e["stack_id"] for e in http]
    unstacked = ids.count(0)
    t.check(len(stacks) == table and set(ids) - {0} == stacks
            and unstacked == n - table,
            "%d stacks recorded, %d requests name %d of them, %d none; "
            "want %d, all, %d none" % (len(stacks), n - unstacked,
                                       len(set(ids) - {0}), unstacked,
                                       table, n - table))
    lost = lost_of(events, "stack_table")
    t.check(lost == unstacked, "stack_table losses: %d, want %d"
            % (lost, unstacked))
    check_loss_reported(out, "stack_table", lost)


CASES = {
    "file_table_full": case_file_table_full,
    "stack_table_full": case_stack_table_full,
    "curl_table_full": case_curl_table_full,
    "family": case_family,
    "curl_copies": case_curl_copies,
    "two_hdf5": case_two_hdf5,
    "curl_cross_thread": case_curl_cross_thread,
    "curl_errno": case_curl_errno,
    "curl_cancel": case_curl_cancel,
    "fd_reuse_files": case_fd_reuse_files,
    "fd_reuse_dirs": case_fd_reuse_dirs,
    "fsize_limit": case_fsize_limit,
    "fd_budget": case_fd_budget,
    "many_files": case_many_files,
}


if __name__ == "__main__":
    t.run_case(CASES)
