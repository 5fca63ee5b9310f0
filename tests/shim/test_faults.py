#!/usr/bin/python3
"""test_faults.py CASE - real clients against a server that fails the way
object stores and proxies do (tests/servers/fault_server.py): a reset
mid-body, a stall, 5xx, a slow first byte.  The host's output and exit
status are the same with the shim as without it, and the trace shows
each failure (curl codes, HTTP statuses).
"""

import os

import testlib as t


def served(work):
    www = os.path.join(work, "www")
    os.makedirs(www, exist_ok=True)
    path = os.path.join(www, "data.h5")
    t.make_h5(path, datasets=1, elements=50000, chunk=1000)
    return www


def traced_pair(work, cmd, what, name):
    plain = t.run(cmd, timeout=120)
    out = os.path.join(work, name)
    traced = t.record(cmd, out, timeout=120)
    t.same_behaviour(plain, traced, what)
    return plain, t.by_name(t.all_events(out), "http_request")


def case_curl_tool(work):
    """The curl command: a reset mid-body (exit 18), a stall cut by
    --max-time (exit 28), a 503 (exit 22 with -f), a slow first byte
    (exit 0, the delay in ttfb_ns); each transfer is one http_request
    with the curl code and status the client saw."""
    t.skip_curl_tool_under_asan()
    www = served(work)
    want = {
        "reset": (18, 206), "stall": (28, 206), "status/503": (22, 503),
        "slow/1500": (0, 206),
    }
    with t.FaultServer(www) as srv:
        for fault, (code, status) in sorted(want.items()):
            cmd = ["curl", "-s", "-f", "-o", "/dev/null", "--max-time",
                   "3", "-r", "0-49999", srv.url(fault + "/data.h5")]
            plain, http = traced_pair(work, cmd, "curl " + fault,
                                      fault.replace("/", "_"))
            t.check(plain.returncode == code, "curl %s: exit %d, want %d"
                    % (fault, plain.returncode, code))
            t.check(len(http) == 1, "%s: %d http_request events"
                    % (fault, len(http)))
            ev = http[0]
            t.check((ev["curl_code"], ev["http_status"]) == (code, status),
                    "%s: curl_code %d status %d in the trace, want %d %d"
                    % (fault, ev["curl_code"], ev["http_status"], code,
                       status))
            if fault.startswith("slow"):
                t.check(ev["ttfb_ns"] + ev["connect_ns"] + ev["dns_ns"]
                        >= 1500 * 1000 * 1000,
                        "slow first byte not in the trace: %s" % ev)
        faults = {r["fault"] for r in srv.requests()}
        t.check(faults >= {"reset", "stall", "status", "slow"},
                "the server saw faults %s" % faults)


def case_ros3(work):
    """h5ls through HDF5's ROS3 driver: a 503 and a reset make it fail
    the same way with and without the shim; the trace has the failed
    requests with their status and curl code."""
    www = served(work)
    with t.FaultServer(www) as srv:
        for fault, check in (("status/503", lambda e: e["http_status"]
                              == 503),
                             ("reset", lambda e: e["curl_code"] == 18)):
            cmd = ["h5ls", "--vfd=ros3", "-r", srv.url(fault + "/data.h5")]
            plain, http = traced_pair(work, cmd, "h5ls ros3 " + fault,
                                      "ros3_" + fault.replace("/", "_"))
            t.check(plain.returncode != 0, "h5ls succeeded on %s" % fault)
            t.check(http and any(check(e) for e in http),
                    "%s: the trace does not show the failure: %s"
                    % (fault, [(e["http_status"], e["curl_code"])
                               for e in http]))


def case_gdal(work):
    """gdalinfo /vsicurl/: a 503 and a reset are failures the host reports
    the same with the shim; the trace shows them."""
    if not os.path.exists("/usr/bin/gdalinfo"):
        t.fail("gdalinfo is not installed (tests/install_deps.sh)")
    www = served(work)

    def cut_short(e):
        """GDAL's multi transfers are removed unread (curl_code -1): a
        reset shows as fewer bytes than the range asked for."""
        asked = e["range_end"] - e["range_start"] + 1
        return e["curl_code"] == 18 or (
            e["range_start"] >= 0 and e["range_end"] >= 0 and
            e["bytes"] < asked)
    with t.FaultServer(www) as srv:
        for fault, check in (("status/503", lambda e: e["http_status"]
                              == 503),
                             ("reset", cut_short)):
            cmd = ["gdalinfo", "/vsicurl/" + srv.url(fault + "/data.h5")]
            plain, http = traced_pair(work, cmd, "gdalinfo " + fault,
                                      "gdal_" + fault.replace("/", "_"))
            t.check(plain.returncode != 0, "gdalinfo succeeded on %s"
                    % fault)
            t.check(http and any(check(e) for e in http),
                    "%s: the trace does not show the failure: %s"
                    % (fault, [(e["http_status"], e["curl_code"])
                               for e in http]))


CASES = {
    "curl_tool": case_curl_tool,
    "ros3": case_ros3,
    "gdal": case_gdal,
}


if __name__ == "__main__":
    t.run_case(CASES)
