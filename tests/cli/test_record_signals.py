#!/usr/bin/python3
"""test_record_signals.py - `h5snoop record -- CMD` is transparent to
signals and exit statuses, with real processes:

  * SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to record reach CMD (its
    handler runs, its exit status comes back) and no process is left
    running;
  * a signal CMD does not handle kills it, and record's caller sees that
    signal, as a shell would;
  * SIGINT and SIGQUIT that record inherited as ignored (nohup, a
    background job of a non-interactive shell) stay ignored in CMD;
  * exit statuses pass through.
"""

import os
import select
import signal
import subprocess
import sys

import testlib as t

# Reports its pid and its ignored signals, then waits for a signal; a
# handled one makes it write the signal's name to ARGV[1] and exit 40 +
# its number.
# RATIONALE: it waits in select() on Python's signal wakeup pipe, not in
# time.sleep(): a signal that arrives after the interpreter last looked
# for one but before sleep's clock_nanosleep began ran only Python's C
# handler, and the sleep then ran its full 120 s; the test's 60 s wait
# failed with "still runs" under load.  A wakeup byte written before
# select() is still there when it starts.
PROGRAM = r"""
import os, select, signal, sys
def on(sig, frame):
    with open(sys.argv[1], "w") as f:
        f.write(signal.Signals(sig).name)
    os._exit(40 + sig)
wake_r, wake_w = os.pipe()
os.set_blocking(wake_w, False)
signal.set_wakeup_fd(wake_w)
if sys.argv[2] == "handle":
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(s, on)
ign = [l.split()[1] for l in open("/proc/self/status")
       if l.startswith("SigIgn:")][0]
print(os.getpid(), ign, flush=True)
for _ in range(120):
    select.select([wake_r], [], [], 1)
"""


def start(out, mark, mode, preexec=None):
    cmd = [t.h5snoop_bin(), "record", "-o", out, "--", "/usr/bin/python3",
           "-c", PROGRAM, mark, mode]
    p = subprocess.Popen(cmd, env=t.base_env(), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, preexec_fn=preexec)
    ready, _, _ = select.select([p.stdout], [], [], 60)
    t.check(ready, "the program did not start")
    line = p.stdout.readline().split()
    t.check(len(line) == 2, "unexpected first line %r" % line)
    return p, int(line[0]), int(line[1], 16)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purpose.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def finish(p, pid):
    try:
        p.wait(timeout=60)
    finally:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
            t.fail("the program (pid %d) still runs after record ended"
                   % pid)


def case_forwarded(work):
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP,
                signal.SIGQUIT):
        mark = os.path.join(work, "got")
        if os.path.exists(mark):
            os.unlink(mark)
        p, pid, _ = start(os.path.join(work, "tr"), mark, "handle")
        p.send_signal(sig)
        finish(p, pid)
        got = open(mark).read() if os.path.exists(mark) else None
        t.check(got == sig.name, "%s sent to record: the program got %s"
                % (sig.name, got))
        t.check(p.returncode == 40 + sig, "%s: record exited %d, the "
                "program %d" % (sig.name, p.returncode, 40 + sig))


def case_killed(work):
    p, pid, _ = start(os.path.join(work, "tr"), os.path.join(work, "m"),
                      "default")
    p.send_signal(signal.SIGTERM)
    finish(p, pid)
    t.check(p.returncode == -signal.SIGTERM,
            "record's status %d, want killed by SIGTERM" % p.returncode)
    for sig in ("KILL", "SEGV", "INT"):
        st = t.record(["bash", "-c", "kill -%s $$" % sig],
                      os.path.join(work, "tr"))
        want = -getattr(signal, "SIG" + sig)
        t.check(st.returncode == want, "program killed by SIG%s: record "
                "status %d, want %d" % (sig, st.returncode, want))


def case_ignored(work):
    def ignore():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGQUIT, signal.SIG_IGN)

    p, pid, ign = start(os.path.join(work, "tr"), os.path.join(work, "m"),
                        "default", preexec=ignore)
    for sig in (signal.SIGINT, signal.SIGQUIT):
        t.check(ign & (1 << (sig - 1)), "%s was inherited as ignored, "
                "the program does not ignore it (SigIgn %x)"
                % (sig.name, ign))
    # Ignored by the program too: it keeps running until told to stop.
    p.send_signal(signal.SIGINT)
    p.send_signal(signal.SIGQUIT)
    p.send_signal(signal.SIGTERM)
    finish(p, pid)
    t.check(p.returncode == -signal.SIGTERM, "status %d" % p.returncode)
    # Not ignored when not inherited so.
    p, pid, ign = start(os.path.join(work, "tr"), os.path.join(work, "m"),
                        "default")
    t.check(not ign & (1 << (signal.SIGQUIT - 1)),
            "SIGQUIT ignored in the program without reason (%x)" % ign)
    p.send_signal(signal.SIGKILL)
    finish(p, pid)


def case_status(work):
    for code in (0, 1, 42, 255):
        st = t.record(["bash", "-c", "exit %d" % code],
                      os.path.join(work, "tr"))
        t.check(st.returncode == code, "exit %d: record exited %d"
                % (code, st.returncode))
    st = t.record(["/nonexistent/program"], os.path.join(work, "tr"))
    t.check(st.returncode == 127 and b"cannot run" in st.stderr,
            "a missing program: status %d, %r" % (st.returncode, st.stderr))


def main():
    cases = {"forwarded": case_forwarded, "killed": case_killed,
             "ignored": case_ignored, "status": case_status}
    work = t.tempdir()
    try:
        cases[sys.argv[1]](work)
        print("record_%s: ok" % sys.argv[1])
    finally:
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
