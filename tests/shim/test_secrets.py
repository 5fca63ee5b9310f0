#!/usr/bin/python3
"""test_secrets.py CASE - a real client handed credentials the ways users
hand them (URL userinfo, presigned queries, fragments, GDAL paths, curl
options) runs with and without the shim against nginx on 127.0.0.1; the
program behaves the same, and no byte of any file of the trace (metadata
and streams, read raw) nor any trace file name holds a planted secret, in
any of its encodings.

Each secret is a token of its own (`Sx<n><random>`), so finding its core
anywhere is a leak whatever escaping surrounds it; the characters that
URLs encode (`/`, `+`, `=`) are planted around it and searched for in
their raw and percent-encoded forms (upper and lower case hex).
"""

import os
import secrets
import shutil
import sys
import urllib.parse

import testlib as t


class Secrets:
    """Planted secrets: each call of new() gives one more."""

    def __init__(self):
        self.tokens = []

    def new(self, tail="/+="):
        core = "Sx%d%s" % (len(self.tokens), secrets.token_hex(6))
        self.tokens.append((core, core + tail))
        return core + tail

    def forms(self):
        """Every byte string that must not appear in a trace."""
        out = set()
        for core, full in self.tokens:
            out.add(core.encode())
            for f in (full, urllib.parse.quote(full, safe="")):
                out.add(f.encode())
                out.add(f.lower().encode())
                out.add(urllib.parse.quote(f, safe="").encode())
        return out


def grep_trace(root, forms):
    """Fails when any trace file (every byte) or file name holds a form."""
    files = 0
    for d, subdirs, names in os.walk(root):
        for n in subdirs + names:
            for f in forms:
                t.check(f.decode() not in n,
                        "secret %r in the name %s" % (f, os.path.join(d, n)))
        for n in names:
            data = open(os.path.join(d, n), "rb").read()
            files += 1
            for f in forms:
                t.check(f not in data, "secret %r in %s at byte %d"
                        % (f, os.path.join(d, n), data.find(f)))
    t.check(files >= 2, "no trace written under %s" % root)


def pw(s):
    """A secret that stands raw in a URL's userinfo."""
    return s.new("")


def qv(s):
    """A secret as a query value: its `/+=` percent-encoded."""
    return urllib.parse.quote(s.new(), safe="")


def gdal_url(base, s):
    host = base.split("//", 1)[1]
    return ("http://alice:%s@%s?X-Amz-Credential=AKIA%s&"
            "X-Amz-Signature=%s" % (pw(s), host, pw(s), qv(s)))


def cases(base, s):
    """CASE -> (command, extra record args, what the trace must show)."""
    host = base.split("//", 1)[1]
    # No credential word ("signature", "cookie"...) in it: the argument
    # must be redacted as a URL, not hidden whole by the word rule.
    enc = urllib.parse.quote("http://alice:%s@%s?sig=%s"
                             % (pw(s), host, qv(s)), safe="")
    curl = ["curl", "-s", "-o", os.devnull, "-w", "%{http_code}\n"]
    py_ros3 = ("import h5py, sys\n"
               "f = h5py.File(sys.argv[1], 'r', driver='ros3')\n"
               "print(round(float(f['/grp/v0'][:].mean()), 6))\n")
    py_fileobj = ("import h5py, fsspec, sys\n"
                  "fo = fsspec.filesystem('http').open(sys.argv[1], 'rb',"
                  " cache_type='none')\n"
                  "f = h5py.File(fo, 'r')\n"
                  "print(round(float(f['/grp/v0'][:].mean()), 6))\n")
    return {
        "gdal_vsicurl": (["gdalinfo", "/vsicurl/" + gdal_url(base, s)], [],
                         "/vsicurl/http://<redacted>@"),
        # GDAL 3.6's HDF5 driver refuses this form (exit 1 with or without
        # the shim), after its requests: the command line and the
        # http_request URLs are what hold the secrets.
        "gdal_vsicurl_options": (
            ["gdalinfo", "/vsicurl?use_head=no&url=" + enc], [],
            "/vsicurl?url=http%3A%2F%2F<redacted>@127.0.0.1"),
        "curl_schemeless": (
            curl + ["alice:%s@%s?sig=%s" % (pw(s), host, qv(s))], [],
            "<redacted>@127.0.0.1"),
        "curl_user_attached": (
            curl + ["-ualice:" + s.new(), "--user", "bob:" + s.new(), base],
            [], "-u<redacted>"),
        "curl_cookie": (curl + ["-b", "session=" + s.new(), "--cookie",
                                "sid=" + s.new(), base], [], "-b <redacted>"),
        "curl_headers": (
            curl + ["-H", "Authorization: Bearer " + s.new(),
                    "-HX-Amz-Security-Token:" + s.new(),
                    "--header", "x-amz-date: " + s.new(),
                    "--oauth2-bearer", s.new(), base], [],
            "-H <redacted>"),
        "url_fragment": (
            [t.sample_bin("host_curl"), "easy",
             "%s#access_token=%s" % (base, qv(s)), "0-99"], [],
            "#<redacted>"),
        "keep_query": (
            [t.sample_bin("host_curl"), "easy",
             "http://alice:%s@%s?keep=1#access_token=%s"
             % (pw(s), host, qv(s)), "0-99"], ["--keep-query"],
            "?keep=1#<redacted>"),
        "label": (["gdalinfo", "/vsicurl/" + base],
                  ["--label", "http://alice:%s@h/x?sig=%s"
                   % (pw(s), qv(s))], "http://<redacted>@h/x"),
        # HDF5's ROS3 refuses userinfo; a fragment it takes (and never
        # sends).
        "h5py_ros3": (
            ["/usr/bin/python3", "-c", py_ros3,
             "http://%s#access_token=%s" % (host, qv(s))],
            [], "data.h5#<redacted>"),
        # fsspec drops the userinfo from the name h5py gives the driver,
        # but keeps the fragment.
        "h5py_fileobj": (
            ["/usr/bin/python3", "-c", py_fileobj,
             "http://alice:%s@%s#access_token=%s" % (pw(s), host, qv(s))],
            [], "data.h5#<redacted>"),
    }


def main():
    case = sys.argv[1]
    if case.startswith("curl_"):
        t.skip_curl_tool_under_asan()
    work = t.tempdir()
    try:
        data = os.path.join(work, "www")
        os.mkdir(data)
        t.make_h5(os.path.join(data, "data.h5"), datasets=1,
                  elements=20000)
        s = Secrets()
        with t.Nginx(data) as nginx:
            cmd, args, shown = cases(nginx.url("data.h5"), s)[case]
            plain = t.run(cmd)
            t.check(plain.returncode == 0 or case == "gdal_vsicurl_options",
                    "%s fails without the shim: %s"
                    % (case, plain.stderr.decode(errors="replace")))
            mark = nginx.log_mark()
            out = os.path.join(work, "traces")
            traced = t.record(cmd, out, args=args)
            t.same_behaviour(plain, traced, case)
            t.check(nginx.requests(mark), "no request reached nginx")
        grep_trace(out, s.forms())
        # The redacted form is there: the trace still says what was read.
        meta = b"".join(open(os.path.join(d, "metadata"), "rb").read()
                        for d in t.trace_dirs(out))
        strings = [v for e in t.all_events(out) for v in e.values()
                   if isinstance(v, str)]
        t.check(any(shown in v for v in strings) or shown.encode() in meta,
                "%r is in no string of the trace" % shown)
        print("%s: %d secrets planted, none in the trace"
              % (case, len(s.tokens)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
