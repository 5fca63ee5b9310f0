#!/usr/bin/python3
"""test_clients.py CLIENT - one real, unmodified client read with and
without the shim, against nginx on 127.0.0.1.

For each client: exit status, stdout and stderr are the same with and
without the shim; babeltrace2 reads every trace; the http_request events
equal, one for one, what nginx logged for the traced run (method, range,
status, bytes); and every vfd_read of a ros3 file is matched by an
http_request for the same range, tied to it by read_seq.
"""

import os
import shutil
import sys
from collections import Counter

import testlib as t

VAR = "/grp/v0"


def clients(url, path):
    py_ros3 = ("import h5py\n"
               "f = h5py.File(%r, 'r', driver='ros3')\n"
               "print(round(float(f[%r][:].mean()), 6))\n" % (url, VAR))
    py_fsspec = ("import h5py, fsspec\n"
                 "fo = fsspec.filesystem('http').open(%r, 'rb',"
                 " cache_type='none')\n"
                 "f = h5py.File(fo, 'r')\n"
                 "print(round(float(f[%r][:].mean()), 6))\n" % (url, VAR))
    return {
        "h5ls_ros3": (["h5ls", "--vfd=ros3", "-r", url], "ros3"),
        "h5dump_sec2": (["h5dump", "-d", VAR, "-c", "50", path], "sec2"),
        "ros3_reader": ([t.sample_bin("ros3_reader"), url, VAR], "ros3"),
        "h5py_ros3": (["/usr/bin/python3", "-c", py_ros3], "ros3"),
        "h5py_fsspec": (["/usr/bin/python3", "-c", py_fsspec], "fileobj"),
        "gdal_vsicurl": (["gdalinfo", "/vsicurl/" + url], "vsil"),
        "curl_multi": ([t.sample_bin("host_curl"), "multi", url, "0-99",
                        "100-2099", "65536-131071", "5-5"], None),
        "curl_tool": (["curl", "-s", "-r", "0-1023", "-o", os.devnull,
                       "-w", "%{http_code} %{size_download}\n", url], None),
    }


def strip_timing(p):
    """ros3_reader prints its wall time; that line differs run to run."""
    p.stdout = b"".join(l for l in p.stdout.splitlines(keepends=True)
                        if not l.startswith(b"wall_s="))
    return p


def check_reads_match_requests(events):
    """Every ros3 vfd_read has its http_request, same thread, same range."""
    ros3_files = {(e["trace_dir"], e["file_id"]) for e in events
                  if e["event"] == "file_open" and e["driver"] == "ros3"}
    http = {(e["trace_dir"], e["tid"], e["read_seq"]): e for e in events
            if e["event"] == "http_request" and e["read_seq"]}
    reads = [e for e in events if e["event"] == "vfd_read"
             and (e["trace_dir"], e["file_id"]) in ros3_files]
    t.check(reads, "no vfd_read of a ros3 file was recorded")
    for r in reads:
        h = http.get((r["trace_dir"], r["tid"], r["seq"]))
        t.check(h is not None, "vfd_read seq %d has no http_request" % r["seq"])
        t.check((h["range_start"], h["range_end"]) ==
                (r["offset"], r["offset"] + r["size"] - 1),
                "vfd_read %d-%d fetched as %d-%d" % (
                    r["offset"], r["offset"] + r["size"] - 1,
                    h["range_start"], h["range_end"]))


def main():
    client = sys.argv[1]
    if client == "curl_tool":
        t.skip_curl_tool_under_asan()
    work = t.tempdir()
    try:
        data = os.path.join(work, "www")
        os.mkdir(data)
        path = os.path.join(data, "data.h5")
        t.make_h5(path)
        with t.Nginx(data) as nginx:
            cmd, driver = clients(nginx.url("data.h5"), path)[client]
            plain = strip_timing(t.run(cmd))
            t.check(plain.returncode == 0, "%s fails without the shim: %s"
                    % (client, plain.stderr.decode(errors="replace")))
            mark = nginx.log_mark()
            out = os.path.join(work, "traces")
            traced = strip_timing(t.record(cmd, out))
            t.same_behaviour(plain, traced, client)
            logged = nginx.requests(mark)
        events = t.all_events(out)
        opens = t.by_name(events, "file_open")
        if driver:
            t.check(any(o["driver"] == driver for o in opens),
                    "no file opened through the %s driver: %s"
                    % (driver, [o["driver"] for o in opens]))
            t.check(t.by_name(events, "vfd_read"), "no vfd_read recorded")
        http = t.by_name(events, "http_request")
        # The net layer is on by default: libcurl's own sockets and TLS
        # must stay the http layer's (seen_by 0), fsspec's aiohttp
        # requests are the net layer's (seen_by 1).
        want_seen_by = {"fileobj": 1}.get(driver, 0)
        t.check(all(e["seen_by"] == want_seen_by for e in http),
                "http_request events seen by %s, want all %d"
                % (sorted({e["seen_by"] for e in http}), want_seen_by))
        t.check(not t.by_name(events, "net_unparsed"),
                "connections left unparsed: %s"
                % t.by_name(events, "net_unparsed"))
        if driver == "sec2":
            t.check(not http, "unexpected http_request events: %d" % len(http))
        else:
            got = Counter(t.http_key(e) for e in http)
            want = Counter(t.nginx_key(r) for r in logged)
            t.check(got == want, "http_request events differ from nginx's "
                    "log:\nonly traced: %s\nonly logged: %s"
                    % (got - want, want - got))
        if driver == "ros3":
            check_reads_match_requests(events)
        print("%s: %d events, %d requests logged by nginx"
              % (client, len(events), len(logged)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
