#!/usr/bin/python3
"""test_top.py - `h5snoop top` on a traced h5py reader that keeps reading.

`top --once` twice while it reads: the process is there, alive, with
requests per second, and its totals grow; after it ends, `top --once`
says it is gone and its totals equal what `h5snoop report` and
babeltrace2 count in the finished trace.  Also: an empty root, a root
that does not exist, and the terminal view (under a pseudo-terminal,
quit with q).
"""

import json
import os
import pty
import select
import signal
import struct
import subprocess
import time

import testlib as t

READER = r"""
import h5py, sys, threading
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()),
                 daemon=True).start()
f = h5py.File(sys.argv[1], "r", rdcc_nbytes=0)
d = f["grp/v0"]
i = 0
while not stop.is_set():
    d[(i % 40) * 1000]
    i += 1
print(i)
"""


def top(root, *args):
    p = t.run([t.h5snoop_bin(), "top"] + list(args) + [root], timeout=120)
    return p


def rows_of(out, pid):
    """The table rows of process `pid`: dicts of the columns that matter
    (BYTES/S holds a space: the row is read from both ends)."""
    rows = []
    for line in out.splitlines()[2:]:
        f = line.split()
        if f and f[0] == str(pid) and len(f) >= 14:
            rows.append({"state": f[2], "layer": f[3], "rate": float(f[4]),
                         "requests": int(f[-4]), "bytes": int(f[-3]),
                         "errors": int(f[-2]), "discarded": int(f[-1])})
    return rows


def vfd_row(root, pid):
    p = top(root, "--once", "--interval", "0.3")
    out = p.stdout.decode()
    t.check(p.returncode == 0, "top --once fails: %s"
            % p.stderr.decode(errors="replace"))
    rows = [r for r in rows_of(out, pid) if r["layer"] == "vfd"]
    t.check(len(rows) == 1, "want one vfd row for pid %d:\n%s" % (pid, out))
    return rows[0], out


def wait_for_trace(root, proc):
    until = time.monotonic() + 60
    while time.monotonic() < until:
        if t.trace_dirs(root):
            return
        t.check(proc.poll() is None, "the reader ended early")
        time.sleep(0.1)
    t.fail("no trace directory after 60 s")


def check_terminal_view(root):
    """The full-screen view draws the table and quits on q."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.execv(t.h5snoop_bin(), [t.h5snoop_bin(), "top", root])
    screen = b""
    until = time.monotonic() + 30
    while b"h5snoop top:" not in screen and time.monotonic() < until:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            try:
                screen += os.read(fd, 65536)
            except OSError:
                break
    while b"topreader" not in screen and time.monotonic() < until:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            screen += os.read(fd, 65536)
    t.check(b"h5snoop top:" in screen and b"topreader" in screen,
            "the terminal view drew no table: %r" % screen[-500:])
    os.write(fd, b"q")
    until = time.monotonic() + 30
    while time.monotonic() < until:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        try:
            select.select([fd], [], [], 0.2)
            os.read(fd, 65536)
        except OSError:
            pass
    else:
        os.kill(pid, signal.SIGKILL)
        t.fail("the terminal view did not quit on q")
    t.check(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0,
            "the terminal view exited with status %d" % status)


def check_trimmed(root):
    """The reader's stream, done with at its exit, keeps no disk blocks
    past the page of its last event: the rest of its last packet is a
    hole (so the trace on disk is the events, not the padding)."""
    for d in t.trace_dirs(root):
        for name in os.listdir(d):
            if not name.startswith("stream_"):
                continue
            path = os.path.join(d, name)
            data = open(path, "rb").read()
            content, off, packets = 0, 0, 0
            while off + 56 <= len(data):
                c, size = struct.unpack_from("<QQ", data, off + 40)
                content += c // 8
                packets += 1
                off += size // 8
            blocks = os.stat(path).st_blocks * 512
            t.check(blocks <= content + 4096 * (packets + 1),
                    "%s: %d bytes on disk for %d bytes of packets' content"
                    % (path, blocks, content))


def main():
    work = t.tempdir()
    path = os.path.join(work, "data.h5")
    t.make_h5(path, datasets=1, elements=40000, chunk=1000)
    root = os.path.join(work, "traces")
    os.makedirs(root)

    p = top(root, "--once", "--interval", "0.1")
    t.check(p.returncode == 0 and b"0 traced processes" in p.stdout,
            "top on an empty root: %r %r" % (p.stdout, p.stderr))
    p = top(os.path.join(work, "missing"), "--once")
    t.check(p.returncode == 1 and b"h5snoop: error:" in p.stderr,
            "top on a missing root: %d %r" % (p.returncode, p.stderr))

    env = t.shim_env(root, label="topreader")
    reader = subprocess.Popen(["/usr/bin/python3", "-c", READER, path],
                              env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for_trace(root, reader)
        first, out1 = vfd_row(root, reader.pid)
        time.sleep(0.5)
        second, out2 = vfd_row(root, reader.pid)
        print(out1 + out2)
        check_terminal_view(root)
    finally:
        reader.stdin.close()
        reader.wait(timeout=120)
    t.check(reader.returncode == 0, "reader exit %d: %s" % (
        reader.returncode, reader.stderr.read().decode(errors="replace")))
    for row in (first, second):
        t.check(row["state"] == "alive" and row["rate"] > 0,
                "a reading process is shown %s at %s requests/s"
                % (row["state"], row["rate"]))
    t.check(second["requests"] > first["requests"] and
            second["bytes"] > first["bytes"],
            "totals do not grow: %s then %s" % (first, second))

    final, out3 = vfd_row(root, reader.pid)
    print(out3)
    t.check(final["state"] == "gone", "an ended process is shown %s"
            % final["state"])
    rep = t.run([t.h5snoop_bin(), "report", "-f", "json", root])
    t.check(rep.returncode == 0, "report fails: %s" % rep.stderr)
    vfd = json.loads(rep.stdout)["groups"][0]["layers"]["vfd"]
    t.check((final["requests"], final["bytes"]) ==
            (vfd["requests"], vfd["bytes"]),
            "top's totals %s differ from the report's %d requests, %d "
            "bytes" % (final, vfd["requests"], vfd["bytes"]))
    reads = t.by_name(t.all_events(root), "vfd_read")
    t.check(final["requests"] == len(reads) and
            final["bytes"] == sum(e["size"] for e in reads),
            "top's totals %s differ from babeltrace2's %d reads"
            % (final, len(reads)))
    t.check(first["requests"] < final["requests"],
            "the first look saw everything already")
    check_trimmed(root)
    print("top: %d, %d, then %d requests (report: %d)"
          % (first["requests"], second["requests"], final["requests"],
             vfd["requests"]))
    return 0


if __name__ == "__main__":
    main()
