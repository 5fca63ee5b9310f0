#!/usr/bin/python3
"""fault_server.py - an HTTP server for the faults nginx cannot make.

Usage: fault_server.py ROOT LOG [LIFETIME_S]

Serves the files of ROOT (GET and HEAD, single byte ranges) on 127.0.0.1
on a free port, prints the port on stdout (one line), and exits by itself
after LIFETIME_S seconds (default 120) or when stdin closes, whichever is
first.  Never listens beyond loopback.  Each request is appended to LOG as
one tab-separated line: method, range, status, bytes sent, path, fault.

The first path component picks the fault; the rest names the file:
  /ok/NAME            served as nginx would (206 for a range)
  /reset/NAME         headers and half the body, then a TCP reset
  /stall/NAME         headers and half the body, then silence until the
                      client gives up or STALL_S (10 s) pass, then close
  /status/CODE/NAME   status CODE (e.g. 503) with a short body
  /slow/MS/NAME       nothing for MS milliseconds, then served normally

A test's faults: tests/shim/test_faults.py.
"""

import os
import re
import socket
import socketserver
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler

STALL_S = 10.0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass  # our own log below

    def note(self, status, sent, fault):
        line = "\t".join([self.command, self.headers.get("Range", "-"),
                          str(status), str(sent), self.path, fault])
        with self.server.log_lock, open(self.server.log, "a") as f:
            f.write(line + "\n")

    def body_for(self, name):
        """(status, headers, bytes) for file NAME and the Range asked."""
        path = os.path.realpath(os.path.join(self.server.root, name))
        if not path.startswith(self.server.root + os.sep) or \
                not os.path.isfile(path):
            return 404, {}, b"not found\n"
        with open(path, "rb") as f:
            data = f.read()
        m = re.match(r"bytes=(\d*)-(\d*)$", self.headers.get("Range", ""))
        if not m or (m.group(1) == "" and m.group(2) == ""):
            return 200, {}, data
        if m.group(1) == "":
            start, end = max(0, len(data) - int(m.group(2))), len(data) - 1
        else:
            start = int(m.group(1))
            end = int(m.group(2)) if m.group(2) else len(data) - 1
        end = min(end, len(data) - 1)
        if start >= len(data) or start > end:
            return 416, {"Content-Range": "bytes */%d" % len(data)}, b""
        return 206, {"Content-Range": "bytes %d-%d/%d"
                     % (start, end, len(data))}, data[start:end + 1]

    def head_lines(self, status, headers, length):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()

    def serve(self):
        parts = self.path.lstrip("/").split("/")
        fault = parts[0] if parts else ""
        rest = parts[1:]
        if fault == "status" and len(rest) >= 2 and rest[0].isdigit():
            body = b"injected failure\n"
            self.head_lines(int(rest[0]), {}, len(body))
            if self.command != "HEAD":
                self.wfile.write(body)
            self.note(int(rest[0]), len(body), "status")
            return
        if fault == "slow" and len(rest) >= 2 and rest[0].isdigit():
            time.sleep(int(rest[0]) / 1000.0)
            rest = rest[1:]
        elif fault not in ("ok", "reset", "stall"):
            self.head_lines(404, {}, 0)
            self.note(404, 0, "unknown fault")
            return
        status, headers, data = self.body_for("/".join(rest))
        self.head_lines(status, headers, len(data))
        if self.command == "HEAD":
            self.note(status, 0, fault)
            return
        if fault in ("reset", "stall") and len(data) > 1:
            half = len(data) // 2
            self.wfile.write(data[:half])
            self.wfile.flush()
            self.note(status, half, fault)
            if fault == "stall":
                self.connection.settimeout(STALL_S)
                try:
                    self.connection.recv(1)  # until the client goes
                except OSError:
                    pass
            else:
                # RATIONALE: SO_LINGER 0 makes close() send a reset, as a
                # load balancer that drops a connection does.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER,
                    struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        self.wfile.write(data)
        self.note(status, len(data), fault)

    def do_GET(self):
        self.serve()

    def do_HEAD(self):
        self.serve()


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    if len(sys.argv) not in (3, 4):
        sys.stderr.write("usage: fault_server.py ROOT LOG [LIFETIME_S]\n")
        sys.exit(2)
    lifetime = float(sys.argv[3]) if len(sys.argv) == 4 else 120.0
    server = Server(("127.0.0.1", 0), Handler)
    server.root = os.path.realpath(sys.argv[1])
    server.log = sys.argv[2]
    server.log_lock = threading.Lock()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    # Bounded: the lifetime, or the test closing our stdin.
    end = time.monotonic() + lifetime
    watcher = threading.Thread(target=sys.stdin.read, daemon=True)
    watcher.start()
    while time.monotonic() < end and watcher.is_alive():
        watcher.join(0.2)
    server.shutdown()


if __name__ == "__main__":
    main()
