#!/usr/bin/python3
"""rename_soname.py SRC DST OLD NEW - copies the shared library SRC to DST
with its SONAME string OLD replaced by NEW (same length, so no offset in
the file moves).  The curl_copies test builds distinct libcurl copies this
way: the loader shares libraries by SONAME, so plain copies would be one.
Fails unless OLD occurs exactly once, as a whole string."""

import sys


def main():
    src, dst, old, new = sys.argv[1:5]
    if len(old) != len(new):
        sys.exit("rename_soname: %s and %s differ in length" % (old, new))
    data = open(src, "rb").read()
    whole = b"\0" + old.encode() + b"\0"
    if data.count(whole) != 1:
        sys.exit("rename_soname: %s holds %d copies of %s"
                 % (src, data.count(whole), old))
    with open(dst, "wb") as f:
        f.write(data.replace(whole, b"\0" + new.encode() + b"\0"))


if __name__ == "__main__":
    main()
