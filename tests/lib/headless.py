"""headless - a web page opened in headless Chromium (Debian's
`chromium`) the way a person opens a file, watched through the DevTools
protocol (over a pipe, stdlib only): every request the page makes,
every console message and error, and a screenshot.

Chromium runs with a proxy that is a listener of ours on 127.0.0.1
(loopback included), so nothing the page asks for can leave the machine
and every connection attempt is recorded too; Chromium's own service
traffic (updates, time) also meets that listener, so the page's requests
are told apart by the DevTools events, which belong to the page alone.
"""

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time


class Trap:
    """A TCP listener on 127.0.0.1 that accepts and records every
    connection (the first bytes sent), answering nothing."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.seen = []
        self.stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(1)
            try:
                first = conn.recv(512)
            except OSError:
                first = b""
            self.seen.append(first.split(b"\r\n", 1)[0].decode(
                "latin-1"))
            conn.close()

    def close(self):
        self.stop = True
        self.thread.join(5)
        self.sock.close()


class Page:
    """Results of opening one page: requests (URLs the page asked for,
    its own file: URL included), console (messages: (level, text)),
    errors (exceptions and browser log entries of level error), the
    screenshot (PNG bytes) and trap lines (connections the proxy saw)."""

    def __init__(self):
        self.requests = []
        self.console = []
        self.errors = []
        self.screenshot = b""
        self.trap = []

    def network_requests(self):
        """Requests that are not the page's file or inline data."""
        return [u for u in self.requests
                if not u.startswith(("file:", "data:", "about:"))]

    def console_errors(self):
        return [t for level, t in self.console
                if level in ("error", "assert", "warning")] + self.errors


class _Cdp:
    def __init__(self, wfd, rfd):
        self.w = os.fdopen(wfd, "wb", buffering=0)
        self.r = os.fdopen(rfd, "rb", buffering=0)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("no answer from Chromium")
            chunk = self.r.read(65536)
            if not chunk:
                raise EOFError("Chromium closed its pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method,
               "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.w.write(json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, name, timeout=60):
        deadline = time.time() + timeout
        for m in self.events:
            if m.get("method") == name:
                return m
        while True:
            m = self._read_message(deadline)
            self.events.append(m)
            if m.get("method") == name:
                return m


def chromium():
    """The Chromium binary, or None."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def open_page(path, width=1280, height=1600, settle=1.0, timeout=120):
    """Opens the file at path in headless Chromium; returns a Page."""
    page = Page()
    trap = Trap()
    profile = tempfile.mkdtemp(prefix="h5snoop-chromium-")
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()

    def child_fds():
        os.dup2(to_chrome_r, 3)
        os.dup2(from_chrome_w, 4)

    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
           "--remote-debugging-pipe", "--user-data-dir=" + profile,
           "--proxy-server=http://127.0.0.1:%d" % trap.port,
           "--proxy-bypass-list=<-loopback>", "--no-first-run",
           "--disable-background-networking",
           "--disable-component-update", "--hide-scrollbars",
           "--window-size=%d,%d" % (width, height), "about:blank"]
    proc = subprocess.Popen(cmd, preexec_fn=child_fds, pass_fds=(3, 4),
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(to_chrome_r)
    os.close(from_chrome_w)
    cdp = _Cdp(to_chrome_w, from_chrome_r)
    try:
        target = cdp.call("Target.createTarget",
                          {"url": "about:blank"})["targetId"]
        session = cdp.call("Target.attachToTarget",
                           {"targetId": target, "flatten": True},
                           timeout=timeout)["sessionId"]
        for domain in ("Network", "Runtime", "Log", "Page"):
            cdp.call(domain + ".enable", session=session)
        cdp.call("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height,
                  "deviceScaleFactor": 1, "mobile": False},
                 session=session)
        cdp.call("Page.navigate",
                 {"url": "file://" + os.path.abspath(path)},
                 session=session, timeout=timeout)
        cdp.wait_event("Page.loadEventFired", timeout)
        # NOTE: late requests (after load) have a moment to show.
        time.sleep(settle)
        shot = cdp.call("Page.captureScreenshot", {"format": "png"},
                        session=session, timeout=timeout)
        page.screenshot = base64.b64decode(shot["data"])
        try:
            cdp.call("Browser.close", timeout=10)
        except (RuntimeError, EOFError, TimeoutError):
            pass
    finally:
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        trap.close()
        shutil.rmtree(profile, ignore_errors=True)
    for m in cdp.events:
        p = m.get("params", {})
        name = m.get("method")
        if name == "Network.requestWillBeSent":
            page.requests.append(p["request"]["url"])
        elif name == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", "")))
                            for a in p.get("args", []))
            page.console.append((p.get("type"), text))
        elif name == "Runtime.exceptionThrown":
            page.errors.append(json.dumps(p.get("exceptionDetails")))
        elif name == "Log.entryAdded":
            e = p.get("entry", {})
            if e.get("level") in ("error", "warning"):
                page.errors.append("%s: %s %s" % (e.get("source"),
                                                  e.get("text"),
                                                  e.get("url", "")))
    page.trap = list(trap.seen)
    return page
