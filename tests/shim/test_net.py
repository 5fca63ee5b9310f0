#!/usr/bin/python3
"""test_net.py - the net layer against real clients and a real nginx.

Usage: test_net.py CASE

Each case runs its client without the shim and under `h5snoop record`,
requires the same exit status, stdout and stderr, and reads every trace
back with babeltrace2.  The http_request events must equal nginx's
access log one for one (method, range, status, body bytes):

  fsspec_none        h5py over fsspec's HTTPFileSystem, cache_type none:
                     every GET also matches the driver read that caused
                     it (read_tid/read_seq: the request runs on aiohttp's
                     event-loop thread)
  fsspec_blockcache  the same with an 8 MiB block cache: a few whole-block
                     GETs, each linked to the read that missed the cache
  requests_range     `requests` with a Range header; the query redacted;
                     a subprocess (vfork, close_range in the child) in
                     between leaves the parent's connection followed
  https              nginx over TLS with a certificate made here by the
                     openssl tool; requests and fsspec verify against it;
                     seen at OpenSSL's boundary, the ciphertext left alone
  curl_not_twice     ROS3 and GDAL (libcurl) with the net layer on: only
                     the http layer records them; with http off, nobody
  sockets            raw socket calls (tests/shim/host_net.c): partial
                     and vectored I/O, non-blocking, MSG_PEEK, dup2,
                     close_range, threads, fork; one connection of bytes
                     that are not HTTP, counted once
  unparsed           HTTP/2 preface, CONNECT and pipelined requests: left
                     alone, each connection counted once with its reason
"""

import os
import shutil
import subprocess
import sys
from collections import Counter

import testlib as t

VAR = "grp/v1"
MIB = 1 << 20


def h5py_fsspec(url, cache, cafile=None):
    opts = {"cache_type": cache}
    if cache == "blockcache":
        opts["block_size"] = 8 * MIB
    return (
        "import ssl, h5py, fsspec, fsspec.caching\n"
        "opts = %r\n"
        "if opts['cache_type'] not in fsspec.caching.caches:\n"
        "    opts['cache_type'] = 'block'  # fsspec before 2023\n"
        "kw = {}\n"
        "if %r:\n"
        "    kw['ssl'] = ssl.create_default_context(cafile=%r)\n"
        "fo = fsspec.filesystem('http', **kw).open(%r, 'rb', **opts)\n"
        "f = h5py.File(fo, 'r')\n"
        "print(round(float(f[%r][:].mean()), 6))\n"
        % (opts, bool(cafile), cafile, url, VAR))


def requests_code(url, cafile=None):
    verify = ", verify=%r" % cafile if cafile else ""
    return (
        "import requests, subprocess\n"
        "s = requests.Session()\n"
        "r = s.get(%r, headers={'Range': 'bytes=100-1123'}%s)\n"
        "print(r.status_code, len(r.content))\n"
        "# a child (vfork, close_range) while the connection is open\n"
        "subprocess.run(['true'], check=True)\n"
        "r = s.get(%r, headers={'Range': 'bytes=4096-'}%s)\n"
        "print(r.status_code, len(r.content))\n"
        "r = s.head(%r%s)\n"
        "print(r.status_code)\n"
        % (url, verify, url, verify, url, verify))


def threads_code(url, cafile, n=8):
    """`n` threads, each with its own requests session, all released at
    once, so that their first SSL calls (the process's first) meet; each
    prints its own range's status and length, in thread order."""
    return (
        "import requests, threading\n"
        "n = %d\n"
        "start = threading.Barrier(n)\n"
        "got = [None] * n\n"
        "def fetch(i):\n"
        "    s = requests.Session()\n"
        "    start.wait()\n"
        "    r = s.get(%r, headers={'Range': 'bytes=%%d-%%d'\n"
        "              %% (1000 * i, 1000 * i + 99)}, verify=%r)\n"
        "    got[i] = (r.status_code, len(r.content))\n"
        "threads = [threading.Thread(target=fetch, args=(i,))\n"
        "           for i in range(n)]\n"
        "for th in threads: th.start()\n"
        "for th in threads: th.join()\n"
        "for g in got: print(*g)\n"
        % (n, url, cafile))


def strip_timing(p):
    """ros3_reader prints its wall time; that line differs run to run."""
    p.stdout = b"".join(l for l in p.stdout.splitlines(keepends=True)
                        if not l.startswith(b"wall_s="))
    return p


def traced_run(work, nginx, cmd, name, args=(), extra_env=None):
    """Runs cmd plain and recorded; returns (events, nginx log entries)."""
    plain = strip_timing(t.run(cmd, env=t.base_env(extra_env)))
    t.check(plain.returncode == 0, "%s fails without the shim: %s"
            % (name, plain.stderr.decode(errors="replace")[-2000:]))
    mark = nginx.log_mark()
    out = os.path.join(work, "traces-" + name)
    traced = strip_timing(t.record(cmd, out, args=args,
                                   extra_env=extra_env))
    t.same_behaviour(plain, traced, name)
    logged = nginx.requests(mark)
    return t.all_events(out), logged


def check_equal_to_log(http, logged, what):
    got = Counter(t.http_key(e) for e in http)
    want = Counter(t.nginx_key(r) for r in logged)
    t.check(got == want, "%s: http_request events differ from nginx's "
            "log:\nonly traced: %s\nonly logged: %s"
            % (what, got - want, want - got))


def check_seen_by(http, want, what):
    seen = sorted({e["seen_by"] for e in http})
    t.check(http and seen == [want], "%s: seen_by %s, want all %d"
            % (what, seen, want))


def no_unparsed(events, what):
    left = t.by_name(events, "net_unparsed")
    t.check(not left, "%s: connections left unparsed: %s" % (what, left))


def reads_by_link(events):
    return {(e["trace_dir"], e["tid"], e["seq"]): e for e in events
            if e["event"] == "vfd_read"}


def check_linked_reads(events, exact):
    """Every GET names a driver read of its process (on another thread:
    the event loop's); with exact, that read asked for exactly the GET's
    range, else the read lies inside the GET's block."""
    reads = reads_by_link(events)
    gets = [e for e in t.by_name(events, "http_request")
            if e["method"] == "GET"]
    t.check(gets, "no GET recorded")
    for g in gets:
        t.check(g["read_seq"] != 0, "GET %s has no read_seq" % (g,))
        r = reads.get((g["trace_dir"], g["read_tid"], g["read_seq"]))
        t.check(r is not None, "GET %d-%d names no vfd_read (tid %d seq %d)"
                % (g["range_start"], g["range_end"], g["read_tid"],
                   g["read_seq"]))
        t.check(r["tid"] != g["tid"], "the GET ran on the reading thread: "
                "fsspec's loop thread was expected")
        if exact:
            t.check((g["range_start"], g["range_end"]) ==
                    (r["offset"], r["offset"] + r["size"] - 1),
                    "GET %d-%d for read %d+%d" % (g["range_start"],
                                                  g["range_end"],
                                                  r["offset"], r["size"]))
        else:
            t.check(g["range_start"] <= r["offset"] <= g["range_end"],
                    "read at %d outside its GET %d-%d"
                    % (r["offset"], g["range_start"], g["range_end"]))
    return gets


def fsspec_run(work, nginx, cache):
    """h5py over fsspec with `cache`, checked against nginx's log; returns
    (http_request events, GETs with their linked reads checked, reads)."""
    cmd = ["/usr/bin/python3", "-c",
           h5py_fsspec(nginx.url("data.h5"), cache)]
    what = "fsspec " + cache
    events, logged = traced_run(work, nginx, cmd, "fsspec_" + cache)
    http = t.by_name(events, "http_request")
    check_equal_to_log(http, logged, what)
    check_seen_by(http, 1, what)
    no_unparsed(events, what)
    gets = check_linked_reads(events, exact=cache == "none")
    return http, gets, t.by_name(events, "vfd_read")


def case_fsspec_none(work, nginx, path):
    http, gets, reads = fsspec_run(work, nginx, "none")
    t.check(len(gets) == len(reads), "%d GETs for %d driver reads"
            % (len(gets), len(reads)))
    t.check(any(e["reused"] for e in http), "no connection was reused")


def case_fsspec_blockcache(work, nginx, path):
    http, gets, reads = fsspec_run(work, nginx, "blockcache")
    for g in gets:
        t.check(g["range_start"] % (8 * MIB) == 0,
                "GET at %d is not a block start" % g["range_start"])
    t.check(len(gets) < len(reads), "%d GETs for %d reads: no caching?"
            % (len(gets), len(reads)))


def case_requests_range(work, nginx, path):
    url = nginx.url("data.h5") + "?X-Amz-Signature=hidden-secret"
    cmd = ["/usr/bin/python3", "-c", requests_code(url)]
    events, logged = traced_run(work, nginx, cmd, "requests_range")
    http = t.by_name(events, "http_request")
    t.check(len(http) == 3, "want 3 requests, got %d" % len(http))
    check_equal_to_log(http, logged, "requests")
    check_seen_by(http, 1, "requests")
    no_unparsed(events, "requests")
    for e in http:
        t.check("hidden-secret" not in e["url"] and
                e["url"].endswith("/data.h5?<redacted>"),
                "url not redacted: %s" % e["url"])
        t.check(e["read_seq"] == 0, "a request outside any driver read "
                "was linked to one")
    open_end = [e for e in http if e["range_start"] == 4096]
    t.check(open_end and open_end[0]["range_end"] == -1,
            "open-ended range not kept: %s" % open_end)
    # The child that ran between them left the connection followed.
    t.check(open_end[0]["reused"] == 1, "the connection was not reused "
            "after the subprocess: %s" % open_end)


def make_cert(work):
    cert = os.path.join(work, "cert.pem")
    key = os.path.join(work, "key.pem")
    p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-keyout", key, "-out", cert, "-days",
                        "1", "-subj", "/CN=127.0.0.1", "-addext",
                        "subjectAltName=IP:127.0.0.1"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    t.check(p.returncode == 0, "openssl req failed: %s" % p.stderr)
    return cert, key


def case_https(work, nginx_plain, path):
    """HTTPS through OpenSSL: requests, eight threads whose first SSL
    calls meet (the race itself is test_ssl_first_call's, under
    ThreadSanitizer), and h5py over fsspec; each exchange as nginx logged
    it, seen at the TLS boundary."""
    cert, key = make_cert(work)
    with t.Nginx(os.path.dirname(path), ["--tls", cert, key]) as nginx:
        url = nginx.url("data.h5")
        t.check(url.startswith("https://"), "nginx is not serving HTTPS")
        for name, code in (("requests", requests_code(url, cert)),
                           ("threads", threads_code(url, cert)),
                           ("fsspec", h5py_fsspec(url, "none", cert))):
            events, logged = traced_run(
                work, nginx, ["/usr/bin/python3", "-c", code],
                "https_" + name)
            http = t.by_name(events, "http_request")
            check_equal_to_log(http, logged, "https " + name)
            check_seen_by(http, 2, "https " + name)
            no_unparsed(events, "https " + name)
            for e in http:
                t.check(e["url"].startswith("https://127.0.0.1:%d/"
                                            % nginx.port),
                        "https url %s" % e["url"])
            if name == "fsspec":
                check_linked_reads(events, exact=True)


def case_curl_not_twice(work, nginx, path):
    url = nginx.url("data.h5")
    clients = (("ros3", [t.sample_bin("ros3_reader"), url, VAR]),
               ("gdal", ["gdalinfo", "/vsicurl/" + url]))
    for name, cmd in clients:
        events, logged = traced_run(work, nginx, cmd, name + "_all",
                                    args=["--layers", "vfd,http,net"])
        http = t.by_name(events, "http_request")
        check_equal_to_log(http, logged, name)
        check_seen_by(http, 0, name)
        no_unparsed(events, name)
        # The net layer alone must not take libcurl's sockets either.
        events, logged = traced_run(work, nginx, cmd, name + "_net",
                                    args=["--layers", "vfd,net"])
        t.check(logged, "%s made no request" % name)
        t.check(not t.by_name(events, "http_request"),
                "%s: the net layer recorded libcurl's transfers" % name)
        no_unparsed(events, name + " (net only)")


def case_sockets(work, nginx, path):
    cmd = [t.sample_bin("host_net"), str(nginx.port), "/data.h5"]
    events, logged = traced_run(work, nginx, cmd, "sockets")
    http = t.by_name(events, "http_request")
    # The raw step's bytes are nginx's "400" line, not an exchange.
    logged = [r for r in logged if r["method"] in ("GET", "HEAD")]
    check_equal_to_log(http, logged, "sockets")
    check_seen_by(http, 1, "sockets")
    left = t.by_name(events, "net_unparsed")
    t.check([(e["seen_by"], e["reason"]) for e in left] == [(1, 1)],
            "want one not_http connection, got %s" % left)
    tids = {e["tid"] for e in http}
    dirs = {e["trace_dir"] for e in http}
    t.check(len(tids) >= 3, "threads' requests not on their threads")
    t.check(len(dirs) == 2, "the fork child's request is not in a trace "
            "of its own: %s" % dirs)
    t.check(any(e["reused"] for e in http), "vectors: no reuse seen")


UNPARSED = r'''
import socket, sys
port = int(sys.argv[1])
def talk(data):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        got += b
    s.close()
    print(len(data), got.split(b"\r\n")[0].decode(errors="replace"))
get = b"GET /data.h5 HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9\r\n\r\n"
talk(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
talk(b"CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n")
talk(get + get.replace(b"Host: x", b"Host: x\r\nConnection: close"))
talk(get.replace(b"Host: x", b"Host: x\r\nConnection: close"))
'''


def case_unparsed(work, nginx, path):
    cmd = ["/usr/bin/python3", "-c", UNPARSED, str(nginx.port)]
    events, logged = traced_run(work, nginx, cmd, "unparsed")
    left = sorted(e["reason"] for e in t.by_name(events, "net_unparsed"))
    t.check(left == [2, 3, 5], "unparsed reasons %s, want http2, tunnel, "
            "pipelined once each" % left)
    http = t.by_name(events, "http_request")
    t.check([t.http_key(e) for e in http] == [("GET", (0, 9), 206, 10)],
            "want only the last connection's GET: %s"
            % [t.http_key(e) for e in http])
    # The report shows them.
    p = t.run([t.h5snoop_bin(), "report", os.path.join(work,
                                                       "traces-unparsed")])
    text = p.stdout.decode()
    t.check(p.returncode == 0 and "left 3 connections unparsed" in text
            and "http2 1" in text and "pipelined 1" in text,
            "report does not show the unparsed connections:\n" + text)


CASES = {
    "fsspec_none": case_fsspec_none,
    "fsspec_blockcache": case_fsspec_blockcache,
    "requests_range": case_requests_range,
    "https": case_https,
    "curl_not_twice": case_curl_not_twice,
    "sockets": case_sockets,
    "unparsed": case_unparsed,
}


def main():
    case = sys.argv[1]
    work = t.tempdir()
    try:
        data = os.path.join(work, "www")
        os.mkdir(data)
        path = os.path.join(data, "data.h5")
        # Large enough for several 8 MiB blocks and many chunks.
        t.make_h5(path, datasets=3, elements=1500000, chunk=20000)
        with t.Nginx(data) as nginx:
            CASES[case](work, nginx, path)
        print("%s: ok" % case)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
