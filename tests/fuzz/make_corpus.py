#!/usr/bin/python3
"""make_corpus.py - seed inputs for fuzz_reader from real stream files.

Usage: make_corpus.py OUT_DIR STREAM_FILE...

Each stream file becomes one small input: its packets are kept whole but
cut to their content (packet_size := content_size), so an input is a
valid stream of a few KiB instead of 64 KiB of mostly padding.  The
packet header layout is h5snoop_packet_header (trace_schema.h).
"""

import hashlib
import os
import struct
import sys

HEADER = struct.Struct("<I16sIQQQQQQI")  # magic .. tid: 76 bytes


def shrink(data):
    out, off = b"", 0
    while off + HEADER.size <= len(data):
        f = list(HEADER.unpack_from(data, off))
        packet, content = f[6] // 8, f[5] // 8
        if packet < HEADER.size or content < HEADER.size:
            break
        body = data[off + HEADER.size:off + content]
        f[6] = f[5]  # packet_size := content_size
        out += HEADER.pack(*f) + body
        off += packet
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        sys.exit(2)
    os.makedirs(sys.argv[1], exist_ok=True)
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            small = shrink(f.read())
        if not small:
            continue
        name = hashlib.sha1(small).hexdigest()[:16]
        with open(os.path.join(sys.argv[1], name), "wb") as f:
            f.write(small)


if __name__ == "__main__":
    main()
