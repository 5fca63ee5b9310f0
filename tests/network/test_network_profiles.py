#!/usr/bin/python3
"""test_network_profiles.py - tests/servers/nginx.sh's network profiles
really slow every request down as documented.

Starts nginx with --profile s3-same-region and seeded jitter, fetches
ranges of several sizes with curl (real libcurl, recorded by h5snoop),
and checks, request by request:

  * the delay nginx logged (column delay_ms) is the profile's first byte
    within the jitter plus the body over the bandwidth, from the table
    that `nginx.sh profiles` prints;
  * nginx's own $request_time and the trace's time to first byte
    (libcurl's, as h5snoop recorded it) are at least that delay, less
    the 1 ms resolution of nginx's timers: the server slept before it
    sent the first byte;
  * the same seed gives the same delays again, another seed others;
  * s3-remote has its own figures, and loopback loads no Lua and adds
    no delay.

Only what the server guarantees is asserted (a sleep lasts at least its
time); nothing about how fast this machine is.

In a sanitized build the curl tool deadlocks at start-up under the
preloaded ASan runtime (tests/shim/test_clients.py), so there curl runs
without the shim and its own time to first byte (-w) stands in for the
trace's.
"""

import os
import shutil
import subprocess

import testlib as t

SIZES = (1024, 65536, 1000000, 3000000, 17, 4096)
FILE_BYTES = 4 * 1000 * 1000
SCRIPT = os.path.join(t.source_dir(), "tests", "servers", "nginx.sh")


def profiles():
    """`nginx.sh profiles` as {name: (first_byte_ms, bandwidth_bytes_s)}."""
    p = subprocess.run(["bash", SCRIPT, "profiles"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    t.check(p.returncode == 0, "nginx.sh profiles failed: %r" % p.stderr)
    table = {}
    for line in p.stdout.decode().splitlines()[1:]:
        w = line.split()
        bw = 0 if w[3] == "unlimited" else int(w[3]) * 1000000
        table[w[0]] = (int(w[1]), bw)
    return table


def fetch(server, root, label):
    """curl fetches SIZES ranges of the file on one connection, recorded;
    returns (log entries, [{"ttfb_ns"}] from the trace, or from curl)."""
    cmd = ["curl", "-s", "--fail"]
    for i, n in enumerate(SIZES):
        if i:
            cmd.append("--next")
        cmd += ["-o", "/dev/null", "-w", "%{time_starttransfer}\\n", "-r",
                "%d-%d" % (100, 100 + n - 1), server.url("data.bin")]
    mark = server.log_mark()
    traces = os.path.join(root, "traces-" + label)
    if os.environ.get("H5SNOOP_ASAN_RUNTIME"):
        env = {k: v for k, v in t.base_env().items()
               if k not in ("LD_PRELOAD", "ASAN_OPTIONS")}
        p = t.run(cmd, env=env)
    else:
        p = t.record(cmd, traces, label=label)
    t.check(p.returncode == 0, "curl failed: %r" % p.stderr)
    log = server.requests(mark)
    t.check(len(log) == len(SIZES), "%s: nginx logged %d requests, want %d"
            % (label, len(log), len(SIZES)))
    if os.environ.get("H5SNOOP_ASAN_RUNTIME"):
        return log, [{"ttfb_ns": float(s) * 1e9}
                     for s in p.stdout.decode().split()]
    events = t.by_name(t.all_events(traces), "http_request")
    t.check(len(events) == len(SIZES), "%s: trace has %d http requests"
            % (label, len(events)))
    return log, events


def check_delays(label, log, events, first_byte_ms, bandwidth, jitter):
    """Every request slept first byte (within jitter) + body / bandwidth."""
    for req, ev, n in zip(log, events, SIZES):
        t.check(req["status"] == 206 and req["bytes"] == n,
                "%s: request %r, want 206 with %d bytes" % (label, req, n))
        transfer = n / bandwidth if bandwidth else 0.0
        low = first_byte_ms * (1 - jitter) + transfer * 1000
        high = first_byte_ms * (1 + jitter) + transfer * 1000
        d = req["delay_ms"]
        # The delay is rounded to the millisecond: half a ms either side.
        t.check(d is not None and low - 0.5 <= d <= high + 0.5,
                "%s: %d bytes slept %s ms, want %.1f-%.1f"
                % (label, n, d, low, high))
        # nginx's timers count whole milliseconds: a wait may end up
        # to 1 ms before its delay (nginx.sh's header).
        t.check(req["request_time_ms"] >= d - 1,
                "%s: nginx's request_time %d ms < its delay %d ms"
                % (label, req["request_time_ms"], d))
        t.check(ev["ttfb_ns"] >= (d - 1) * 1000000,
                "%s: trace's time to first byte %.1f ms < delay %d ms"
                % (label, ev["ttfb_ns"] / 1e6, d))
    connections = {req["connection"] for req in log}
    t.check(len(connections) == 1, "%s: curl used %d connections, want 1"
            % (label, len(connections)))


def main():
    if not os.access("/usr/sbin/nginx", os.X_OK):
        t.skip("no /usr/sbin/nginx")
    if not os.path.exists("/usr/lib/nginx/modules/ngx_http_lua_module.so"):
        t.fail("no nginx Lua module: tests/install_deps.sh installs "
               "libnginx-mod-http-lua")
    table = profiles()
    t.check(table == {"loopback": (0, 0),
                      "s3-same-region": (30, 80000000),
                      "s3-remote": (80, 20000000)},
            "nginx.sh profiles lists %r" % table)
    root = t.tempdir()
    try:
        data = os.path.join(root, "www")
        os.mkdir(data)
        with open(os.path.join(data, "data.bin"), "wb") as f:
            f.write(os.urandom(FILE_BYTES))

        delays = []
        for seed in (7, 7, 8):
            opts = ["--profile", "s3-same-region", "--jitter", "20",
                    "--seed", str(seed)]
            with t.Nginx(data, opts) as server:
                with open(os.path.join(server.dir, "profile")) as f:
                    t.check(f.read().split() ==
                            ["s3-same-region", "30", "80000000", "20",
                             str(seed)], "DIR/profile does not match")
                log, events = fetch(server, root,
                                    "same-region-%d" % len(delays))
                check_delays("s3-same-region", log, events, 30, 80000000,
                             0.2)
                delays.append([r["delay_ms"] for r in log])
        t.check(delays[0] == delays[1],
                "seed 7 gave delays %r, then %r" % (delays[0], delays[1]))
        t.check(delays[0] != delays[2],
                "seeds 7 and 8 gave the same delays %r" % delays[0])

        with t.Nginx(data, ["--profile", "s3-remote"]) as server:
            log, events = fetch(server, root, "remote")
            check_delays("s3-remote", log, events, 80, 20000000, 0.0)

        with t.Nginx(data) as server:
            with open(os.path.join(server.dir, "nginx.conf")) as f:
                t.check("lua" not in f.read(),
                        "loopback's nginx.conf loads Lua")
            log, _events = fetch(server, root, "loopback")
            t.check(all(r["delay_ms"] is None for r in log),
                    "loopback logged a delay: %r" % log)

        p = subprocess.run(["bash", SCRIPT, "start", "--profile", "mars",
                            os.path.join(root, "x"), data],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        t.check(p.returncode == 2 and b"unknown profile 'mars'" in p.stderr,
                "an unknown profile: exit %d, %r" % (p.returncode, p.stderr))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    main()
