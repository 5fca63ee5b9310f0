"""pngread - a small PNG decoder (Python's zlib only) and pixel
statistics, to tell a rendered picture from a blank or broken one.

Reads 8-bit grayscale, RGB, RGBA and gray+alpha PNGs without interlace:
what rsvg-convert and Chromium write.
"""

import struct
import zlib

_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(data):
    """(width, height, rows): rows are lists of (r, g, b) tuples, alpha
    composed over white.  Raises ValueError on what it cannot read."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, head = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if head is None:
        raise ValueError("no IHDR")
    width, height, depth, ctype, _, _, interlace = head
    if depth != 8 or ctype not in _CHANNELS or interlace:
        raise ValueError("unsupported PNG: depth %d, color type %d, "
                         "interlace %d" % (depth, ctype, interlace))
    ch = _CHANNELS[ctype]
    raw = zlib.decompress(b"".join(idat))
    stride = width * ch
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        off = y * (stride + 1)
        ftype, line = raw[off], bytearray(raw[off + 1:off + 1 + stride])
        for i in range(stride):
            a = line[i - ch] if i >= ch else 0
            b = prev[i]
            c = prev[i - ch] if i >= ch else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 255
            elif ftype == 4:
                line[i] = (line[i] + _paeth(a, b, c)) & 255
            elif ftype != 0:
                raise ValueError("bad filter %d on row %d" % (ftype, y))
        prev = line
        px = []
        for x in range(width):
            v = line[x * ch:(x + 1) * ch]
            if ch in (1, 2):
                rgb, alpha = (v[0], v[0], v[0]), (v[1] if ch == 2 else 255)
            else:
                rgb, alpha = tuple(v[:3]), (v[3] if ch == 4 else 255)
            px.append(tuple((c * alpha + 255 * (255 - alpha)) // 255
                            for c in rgb))
        rows.append(px)
    return width, height, rows


def stats(path):
    """Statistics of a PNG file: width, height, the share of pixels that
    are not near-white (ink), and the number of distinct saturated colors
    (the bars and curves, not text or grid lines), quantized to 32
    levels per channel."""
    with open(path, "rb") as f:
        w, h, rows = decode(f.read())
    ink, colors = 0, set()
    for row in rows:
        for r, g, b in row:
            if min(r, g, b) < 235:
                ink += 1
            if max(r, g, b) - min(r, g, b) > 60:
                colors.add((r >> 3, g >> 3, b >> 3))
    return {"width": w, "height": h, "ink": ink / float(w * h or 1),
            "colors": len(colors)}
