"""testlib - what h5snoop's Python tests share.

Starts nginx (tests/servers/nginx.sh) on a free port and reads its access
log; runs programs with and without the shim; reads traces back through
babeltrace2, the independent reader, so that a test never trusts the
writer to check itself.

Paths come from the environment ctest sets (H5SNOOP_BUILD_DIR,
H5SNOOP_SOURCE_DIR, and H5SNOOP_ASAN_RUNTIME in a sanitized build); no
machine path is written here.
"""

import os
import re
import shutil
import subprocess
import sys
import ssl
import tempfile
import time
import urllib.error
import urllib.request

SKIP = 77  # ctest SKIP_RETURN_CODE


def build_dir():
    return os.environ["H5SNOOP_BUILD_DIR"]


def source_dir():
    return os.environ["H5SNOOP_SOURCE_DIR"]


def h5snoop_bin():
    return os.path.join(build_dir(), "bin", "h5snoop")


def shim_path():
    return os.path.join(build_dir(), "lib", "libh5snoop.so")


def sample_bin(name):
    return os.path.join(build_dir(), "bin", name)


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(SKIP)


def skip_curl_tool_under_asan():
    """The curl command deadlocks at start-up under a preloaded ASan
    runtime, with or without the shim: a test that records it is skipped
    in the sanitized build (the release build runs it)."""
    if os.environ.get("H5SNOOP_ASAN_RUNTIME"):
        skip("the curl tool deadlocks at start-up under a preloaded ASan "
             "runtime, with or without the shim")


def base_env(extra=None):
    """The environment of a run without the shim; under a sanitized build,
    the ASan runtime is preloaded so that a sanitized shim can join it, and
    the run without the shim has it too, for an equal comparison."""
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    for k in list(env):
        if k.startswith("H5SNOOP_") and k not in (
            "H5SNOOP_BUILD_DIR", "H5SNOOP_SOURCE_DIR", "H5SNOOP_ASAN_RUNTIME"):
            del env[k]
    asan = os.environ.get("H5SNOOP_ASAN_RUNTIME")
    if asan:
        env["LD_PRELOAD"] = asan
        # Interpreters and tools not built for ASan leak by design.
        # A host's own crash stays the host's: ASan must not turn a
        # SIGSEGV into its (pid-dependent) report.
        env["ASAN_OPTIONS"] = ("detect_leaks=0:verify_asan_link_order=0:"
                               "handle_segv=0")
    if extra:
        env.update(extra)
    return env


def shim_env(out_dir, label=None, extra=None):
    """The environment of a run with the shim preloaded directly."""
    env = base_env()
    pre = env.get("LD_PRELOAD")
    env["LD_PRELOAD"] = (pre + " " if pre else "") + shim_path()
    env["H5SNOOP_OUTPUT"] = out_dir
    if label:
        env["H5SNOOP_LABEL"] = label
    if extra:
        env.update(extra)
    return env


def run(cmd, env=None, cwd=None, timeout=300, input=None):
    return subprocess.run(cmd, env=env if env is not None else base_env(),
                          cwd=cwd, timeout=timeout, input=input,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def record(cmd, out_dir, label=None, extra_env=None, cwd=None, timeout=300,
           args=()):
    """Runs `h5snoop record -o out_dir [--label L] ARGS -- cmd`."""
    full = [h5snoop_bin(), "record", "-o", out_dir]
    if label:
        full += ["--label", label]
    full += list(args) + ["--"] + list(cmd)
    return run(full, env=base_env(extra_env), cwd=cwd, timeout=timeout)


def same_behaviour(plain, traced, what):
    """Exit status and stdout are the host's: the shim must not change
    them.  stderr may only differ by h5snoop's own lines."""
    check(plain.returncode == traced.returncode,
          "%s: exit status %d without the shim, %d with it"
          % (what, plain.returncode, traced.returncode))
    check(plain.stdout == traced.stdout,
          "%s: stdout differs with the shim" % what)
    strip = [l for l in traced.stderr.decode(errors="replace").splitlines()
             if not l.startswith("h5snoop:")]
    plain_err = plain.stderr.decode(errors="replace").splitlines()
    check(strip == plain_err,
          "%s: stderr differs with the shim:\n%s\n---\n%s"
          % (what, "\n".join(plain_err), "\n".join(strip)))


def trace_dirs(root):
    """Every trace directory (one holding `metadata`) below root."""
    found = []
    for d, _subdirs, files in os.walk(root):
        if "metadata" in files:
            found.append(d)
    return sorted(found)


_FIELD = re.compile(
    r'(\w+) = (?:"((?:[^"\\]|\\.)*)"|\( "([^"]*)" : container = -?\d+ \)'
    r'|(-?\d+))')
_LINE = re.compile(r'^\[[^\]]*\] \([^)]*\) \S+ (\w+): (.*)$')


def _unescape(s):
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(
        m.group(1), m.group(1)), s)


def babeltrace(trace_dir):
    """Reads a trace with babeltrace2 (failing the test if it cannot) and
    returns its events as dicts: "event" (the event's name), tid, and
    every field."""
    p = subprocess.run(["babeltrace2", trace_dir], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    check(p.returncode == 0, "babeltrace2 cannot read %s:\n%s"
          % (trace_dir, p.stderr.decode(errors="replace")[-3000:]))
    events = []
    for line in p.stdout.decode().splitlines():
        m = _LINE.match(line)
        check(m is not None, "unexpected babeltrace2 line: " + line)
        ev = {"event": m.group(1)}
        for f in _FIELD.finditer(m.group(2)):
            if f.group(2) is not None:
                ev[f.group(1)] = _unescape(f.group(2))
            elif f.group(3) is not None:
                ev[f.group(1)] = f.group(3)
            else:
                ev[f.group(1)] = int(f.group(4))
        events.append(ev)
    return events


def all_events(root):
    """babeltrace() of every trace directory under root, concatenated."""
    events = []
    for d in trace_dirs(root):
        for ev in babeltrace(d):
            ev["trace_dir"] = d
            events.append(ev)
    return events


def by_name(events, name):
    return [e for e in events if e["event"] == name]


# Requests Nginx.sync_log makes; nginx answers them 404.
LOG_SYNC_URI = "/.h5snoop-log-sync"


class Nginx:
    """nginx on 127.0.0.1, on a free port, serving `root`; stopped by PID
    on exit of the with-block, even when the test fails.  `options` go to
    `nginx.sh start` (e.g. ["--profile", "s3-same-region"], or ["--tls",
    CERT, KEY] for HTTPS)."""

    def __init__(self, root, options=()):
        self.root = root
        self.options = list(options)
        self.dir = tempfile.mkdtemp(prefix="h5snoop-nginx-")
        self.port = None
        self.syncs = 0

    def __enter__(self):
        script = os.path.join(source_dir(), "tests", "servers", "nginx.sh")
        p = subprocess.run(["bash", script, "start"] + self.options
                           + [self.dir, self.root],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        if p.returncode != 0:
            fail("cannot start nginx: " + p.stderr.decode(errors="replace"))
        self.port = int(p.stdout.decode().split()[-1])
        return self

    def __exit__(self, *exc):
        script = os.path.join(source_dir(), "tests", "servers", "nginx.sh")
        subprocess.run(["bash", script, "stop", self.dir], timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)
        return False

    def url(self, name):
        scheme = "https" if "--tls" in self.options else "http"
        return "%s://127.0.0.1:%d/%s" % (scheme, self.port, name)

    def log_mark(self):
        """Position in the access log: requests() after it are new (every
        request answered before is logged by then: see sync_log)."""
        self.sync_log()
        try:
            return os.path.getsize(os.path.join(self.dir, "access.log"))
        except OSError:
            return 0

    def requests(self, since=0):
        """Access log entries since a log_mark(); see access_log().  Every
        request nginx has answered is there (see sync_log); the sync
        requests themselves are left out."""
        self.sync_log()
        return [e for e in access_log(os.path.join(self.dir, "access.log"),
                                      since)
                if not e["uri"].startswith(LOG_SYNC_URI)]

    def sync_log(self):
        """Waits until nginx has logged every request it has answered.
        RATIONALE: nginx writes a request's line after the last bytes of
        its response left, so a client can be done before its line is in
        the log.  The single worker logs a request in the same turn of its
        event loop as that last send, so once a request sent now is logged,
        every earlier one is too."""
        self.syncs += 1
        uri = "%s-%d" % (LOG_SYNC_URI, self.syncs)
        # Straight to the test's own server: no proxy, no certificate check.
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPSHandler(
                context=ssl._create_unverified_context()))
        try:
            opener.open(self.url(uri.lstrip("/")), timeout=30).read()
        except urllib.error.HTTPError:
            pass  # 404: the line is what matters
        path = os.path.join(self.dir, "access.log")
        # The URI is the log's fifth column, a tab on either side.
        line = ("\t%s\t" % uri).encode()
        for _ in range(3000):  # bounded: 30 s
            with open(path, "rb") as f:
                if line in f.read():
                    return
            time.sleep(0.01)
        fail("nginx never logged %s" % uri)


def http_key(ev):
    """What an http_request event and nginx's log line have in common."""
    rng = None
    if ev["range_start"] >= 0:
        rng = (ev["range_start"], ev["range_end"])
    return (ev["method"], rng, ev["http_status"], ev["bytes"])


def nginx_key(req):
    """http_key() of an access_log() entry."""
    return (req["method"], req["range"], req["status"], req["bytes"])


def access_log(path, since=0, until=None):
    """Entries of an access log written by tests/servers/nginx.sh, from
    byte offset `since` to `until` (None: the end): dicts of method, range
    (start, end; end -1 when open) or None, status, bytes, uri, and where
    the log has them request_time_ms, connection and delay_ms (None for
    "-", and for "" as nginx logs it for a request it could not parse)."""
    out = []
    with open(path, "rb") as f:
        f.seek(since)
        text = f.read() if until is None else f.read(until - since)
    for line in text.decode().splitlines():
        cols = line.split("\t")
        method, rng, status, nbytes, uri = cols[:5]
        r = None
        m = re.match(r"bytes=(\d+)-(\d*)$", rng)
        if m:
            r = (int(m.group(1)), int(m.group(2) or -1))
        entry = {"method": method, "range": r, "status": int(status),
                 "bytes": int(nbytes), "uri": uri}
        if len(cols) >= 8:
            entry["request_time_ms"] = round(float(cols[5]) * 1000)
            entry["connection"] = int(cols[6])
            entry["delay_ms"] = (None if cols[7] in ("-", "")
                                 else int(cols[7]))
        out.append(entry)
    return out


def make_h5(path, datasets=3, elements=200000, chunk=4000):
    """A small HDF5 file written with h5py (system interpreter)."""
    code = (
        "import h5py, numpy as np, sys\n"
        "with h5py.File(sys.argv[1], 'w') as f:\n"
        "    g = f.create_group('grp')\n"
        "    for i in range(int(sys.argv[2])):\n"
        "        d = g.create_dataset('v%d' % i, data=np.arange(int(sys.argv[3]),"
        " dtype='f8') * (i + 1), chunks=(int(sys.argv[4]),), compression='gzip')\n"
        "        d.attrs['units'] = 'm'\n")
    p = run(["/usr/bin/python3", "-c", code, path, str(datasets),
             str(elements), str(chunk)])
    check(p.returncode == 0, "cannot make %s: %s" % (path, p.stderr))


def tempdir():
    return tempfile.mkdtemp(prefix="h5snoop-test-")


def run_case(cases):
    """Runs cases[argv[1]](work) in a fresh temporary directory, removed
    afterwards; prints "CASE: ok" when it returns."""
    work = tempdir()
    try:
        cases[sys.argv[1]](work)
        print("%s: ok" % sys.argv[1])
    finally:
        shutil.rmtree(work, ignore_errors=True)


class FaultServer:
    """tests/servers/fault_server.py on 127.0.0.1, on a free port, serving
    `root` with the faults its path names (/reset/, /stall/, /status/N/,
    /slow/MS/, /ok/); it exits by itself after `lifetime` seconds, and at
    the end of the with-block (its stdin is closed)."""

    def __init__(self, root, lifetime=240):
        self.root = root
        self.lifetime = lifetime
        self.dir = tempfile.mkdtemp(prefix="h5snoop-faults-")
        self.log = os.path.join(self.dir, "requests.log")
        self.proc = None
        self.port = None

    def __enter__(self):
        script = os.path.join(source_dir(), "tests", "servers",
                              "fault_server.py")
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", script, self.root, self.log,
             str(self.lifetime)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE)
        line = self.proc.stdout.readline()
        if not line.strip().isdigit():
            self.__exit__()
            fail("cannot start the fault server")
        self.port = int(line)
        return self

    def __exit__(self, *exc):
        if self.proc:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
        return False

    def url(self, path):
        return "http://127.0.0.1:%d/%s" % (self.port, path)

    def requests(self):
        """Lines of the log: dicts of method, range, status, bytes, path,
        fault."""
        out = []
        if os.path.exists(self.log):
            for line in open(self.log).read().splitlines():
                method, rng, status, sent, path, fault = line.split("\t")
                out.append({"method": method, "range": rng,
                            "status": int(status), "bytes": int(sent),
                            "path": path, "fault": fault})
        return out
