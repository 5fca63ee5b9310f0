#!/usr/bin/python3
"""test_true_figures.py - the report's figures against what really
happened, on real clients and nginx on 127.0.0.1.

Checks:
  - GDAL (gdalinfo /vsicurl/URL): its file, named "/vsicurl/URL" by the
    driver, is the URL its requests name, so the requests GDAL makes
    outside any driver read (its block-sized probe at open) join the
    file: bytes fetched are nginx's bytes for the file, bytes asked all
    the driver reads' bytes (from babeltrace2); its routine probes (HEAD
    of .aux sidecars: 404, GET of the directory: 403) are shown as
    probes, not errors;
  - errors are named: h5py's ROS3 on a missing file (HTTP 404) and on a
    closed port (curl 7, "Could not connect to server");
  - the net layer's requests (h5py over fsspec) show DNS, connect and
    TLS as not measured, not "0 ns".
Exit 0 pass, 1 fail, 77 skipped (tools missing).
"""

import html
import os
import re
import shutil
import socket
import sys

import analyzer_testlib as at
import testlib as t


def need(*tools):
    for tool in tools:
        if not shutil.which(tool):
            t.skip("%s missing" % tool)


def free_closed_port():
    """A port nothing listens on (bound, then closed)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def group(j, pred):
    found = [g for g in j["groups"] if pred(g["group"])]
    t.check(len(found) == 1, "groups %s" % [g["group"] for g in j["groups"]])
    return found[0]


def check_gdal(ng, work):
    url = ng.url("granule.h5")
    traces = os.path.join(work, "gdal")
    mark = ng.log_mark()
    p = t.record(["gdalinfo", "/vsicurl/" + url], traces, label="gdal")
    t.check(p.returncode == 0, "gdalinfo: %s" % p.stderr)
    logged = ng.requests(mark)
    j = at.report_json([traces], ["--by", "file"])
    g = group(j, lambda k: k == url)
    http = g["layers"]["http"]
    mine = [e for e in logged if e["uri"] == "/granule.h5"]
    t.check(http["requests"] == len(mine),
            "%s: %d requests, nginx logged %d" % (url, http["requests"],
                                                  len(mine)))
    t.check(http["bytes_fetched"] == sum(e["bytes"] for e in mine),
            "fetched %d, nginx sent %d" % (http["bytes_fetched"],
                                           sum(e["bytes"] for e in mine)))
    reads = t.by_name(t.all_events(traces), "vfd_read")
    t.check(reads and http["bytes_asked"] == sum(e["size"] for e in reads),
            "asked %d, the driver reads %d" % (
                http["bytes_asked"], sum(e["size"] for e in reads)))
    # The probes: nginx logged them as failures; the report names them.
    probes = [e for e in logged if e["status"] in (403, 404)
              and (e["uri"].endswith("/") or
                   (e["method"] == "HEAD" and
                    re.search(r"\.(aux|aux\.xml|ovr|msk|xml)$",
                              e["uri"], re.I)))]
    t.check(probes, "GDAL made no probe: %s" % logged)
    want = {"sidecar_not_found": 0, "listing_refused": 0}
    for e in probes:
        want["listing_refused" if e["uri"].endswith("/")
             else "sidecar_not_found"] += 1
    got = {"sidecar_not_found": 0, "listing_refused": 0}
    errors = 0
    for g in j["groups"]:
        h = g["layers"].get("http", {})
        for k in got:
            got[k] += h.get("probes", {}).get(k, 0)
        errors += h.get("errors", 0)
    t.check(got == want and errors == 0,
            "probes %r, want %r; errors %d" % (got, want, errors))
    text = at.ok(["report", "--by", "run", traces])
    t.check("routine probes, not errors: %d" % len(probes) in text and
            "errors: 0\n" in text, "text:\n" + text)
    # The HTML page shows them apart too: no failure, the probes named.
    row = html_errors_row(traces, work, "gdal")
    names = (("sidecar_not_found", "HEAD of a sidecar file (.aux, "
              ".aux.xml, .ovr...), not found"),
             ("listing_refused", "directory listing, refused"))
    t.check(row[1:3] == ["0", "0"] and row[3] == "" and
            row[4] == ", ".join("%s x%d" % (name, want[k])
                                for k, name in names if want[k]),
            "html errors row %r, probes %r" % (row, want))


def html_errors_row(traces, work, run):
    """The cells of run's row in report.html's errors table."""
    out = os.path.join(work, run + ".html")
    at.ok(["report", "--by", "run", "--format", "html", "-o", out,
           traces])
    with open(out, encoding="utf-8") as f:
        page = f.read()
    table = page[page.index('id="errors"'):]
    m = re.search(r'<tr><td class="name">%s</td>(.*?)</tr>' % run, table)
    t.check(m, "html: no errors row for %s" % run)
    return [run] + [html.unescape(c) for c in
                    re.findall(r"<td[^>]*>(.*?)</td>", m.group(1))]


READ_ROS3 = """
import sys, h5py
try:
    h5py.File(sys.argv[1], "r", driver="ros3")
except OSError:
    print("failed")
"""


def check_named_errors(ng, work):
    traces = os.path.join(work, "errors")
    for url in (ng.url("missing.h5"),
                "http://127.0.0.1:%d/x.h5" % free_closed_port()):
        p = t.record(["/usr/bin/python3", "-c", READ_ROS3, url], traces,
                     label="errors")
        t.check(p.returncode == 0 and b"failed" in p.stdout,
                "ros3 on %s: %s" % (url, p.stderr))
    j = at.report_json([traces], ["--by", "run"])
    http = j["groups"][0]["layers"]["http"]
    t.check(http["http_error_statuses"].get("404", 0) >= 1,
            "404 not named: %r" % http["http_error_statuses"])
    codes = {c["code"]: c for c in http["curl_error_codes"]}
    t.check(7 in codes and codes[7]["name"] == "Could not connect to "
            "server", "curl 7 not named: %r" % http["curl_error_codes"])
    text = at.ok(["report", "--by", "run", traces])
    t.check(re.search(r'errors: \d+ \(curl 7 "Could not connect to '
                      r'server" x\d+, HTTP 404 x\d+\)', text),
            "errors not named:\n" + text)
    row = html_errors_row(traces, work, "errors")
    t.check(re.fullmatch(r'curl 7 "Could not connect to server" x\d+, '
                         r'HTTP 404 x\d+', row[3]),
            "html errors not named: %r" % row)


READ_FSSPEC = """
import sys, h5py, fsspec
fo = fsspec.filesystem("http").open(sys.argv[1], "rb", cache_type="none")
print(h5py.File(fo, "r")["/grp/v0"][:].sum())
"""


def check_net_phases(ng, work):
    traces = os.path.join(work, "net")
    p = t.record(["/usr/bin/python3", "-c", READ_FSSPEC,
                  ng.url("granule.h5")], traces, label="fsspec")
    t.check(p.returncode == 0, "fsspec: %s" % p.stderr)
    text = at.ok(["report", "--by", "run", traces])
    t.check("time in: dns not measured, connect not measured, tls not "
            "measured" in text, "net layer phases:\n" + text)
    j = at.report_json([traces], ["--by", "run"])
    phases = j["groups"][0]["layers"]["http"]["phases_ns"]
    t.check(phases["dns"] is None and phases["first_byte"] > 0,
            "json phases %r" % phases)


def main():
    need("gdalinfo", "babeltrace2")
    p = t.run(["/usr/bin/python3", "-c",
               "import h5py, fsspec, aiohttp; "
               "assert 'ros3' in h5py.registered_drivers()"])
    if p.returncode != 0:
        t.skip("h5py with ros3, fsspec or aiohttp missing")
    work = t.tempdir()
    try:
        data = os.path.join(work, "data")
        os.makedirs(data)
        t.make_h5(os.path.join(data, "granule.h5"), datasets=2,
                  elements=60000, chunk=3000)
        with t.Nginx(data) as ng:
            check_gdal(ng, work)
            check_named_errors(ng, work)
            check_net_phases(ng, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("true figures: ok")


if __name__ == "__main__":
    sys.exit(main())
