#!/usr/bin/python3
"""report_pivot.py - the seed's pivot of an h5snoop report.

Reads the CSV of `h5snoop report --by label,file --format csv` and
prints one table per measure, a row per label (the demo's driver and
I/O parameters) and a column per flavor, each cell with its ratio to
the same label's baseline flavor (default "original"), as the seed's
notebook compared flavors:

  driver reads (vfd layer): requests, and the ratio to original
  label                   original   page-only-8mb ...
  ros3-default                  38      40  1.05x ...

A file's flavor is the text between the last '_' and '.h5' of its name
(samples/make_flavors.sh names them so; h5py's fsspec file names,
"<File-like object HTTPFileSystem, URL>", hold the URL), else its name;
files of the same label and flavor are summed.

Measures: requests in the vfd layer (what HDF5 asked its driver for)
and the share of them under 10 KiB, HTTP requests (what libcurl sent
for ROS3, and what the net layer saw fsspec's aiohttp send), the wall
time from first request to last end, and the time spent
inside driver reads.  A cell is "-" when the report has no row for it.
Only reads; exit status 0, 1 on a missing or malformed CSV, 2 usage.
"""

import argparse
import csv
import re
import sys

SMALL_BINS = ("<1KiB", "1-10KiB")
FLAVOR_RE = re.compile(r"_([^_/]+)\.h5\b")
# (title, kind, layer, bin, CSV column) of each table, in print order
MEASURES = (
    ("driver reads (vfd layer): requests", "count", "vfd", "all",
     "requests"),
    ("driver reads (vfd layer): share under 10 KiB", "share", "vfd", None,
     None),
    ("HTTP requests (ROS3: libcurl; fsspec: aiohttp, seen by the net "
     "layer)",
     "count", "http", "all", "requests"),
    ("wall time, first request to last end", "time", "vfd", "all",
     "group_wall_ns"),
    ("time inside driver reads (vfd layer)", "time", "vfd", "all",
     "total_ns"),
)


def parse_args(argv):
    """Return the parsed command line; argparse exits 2 on misuse."""
    parser = argparse.ArgumentParser(
        description="Print an h5snoop report CSV (--by label,file) as "
                    "label x flavor tables with ratios to a baseline "
                    "flavor.")
    parser.add_argument("csv", metavar="REPORT.csv",
                        help="h5snoop report --by label,file --format csv"
                             " output ('-': stdin)")
    parser.add_argument("--baseline", default="original", metavar="FLAVOR",
                        help="flavor the ratios compare with "
                             "(default: original)")
    return parser.parse_args(argv)


def human(value, kind):
    """value as printed for its kind: count, share (0..1) or time (ns)."""
    if kind == "share":
        return "%.0f%%" % (100 * value)
    if kind == "time":
        for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
            if value >= scale:
                return "%.3g %s" % (value / scale, unit)
        return "%d ns" % value
    return str(value)


def flavor_of(name):
    """The flavor in a file name or URL, else the name itself."""
    found = FLAVOR_RE.findall(name)
    return found[-1] if found else name


def load(path):
    """Sums per (label, flavor, layer, bin) of the CSV's numbers; the
    labels and flavors in order of appearance.  Raises OSError, KeyError
    (a missing column) or ValueError."""
    f = sys.stdin if path == "-" else open(path, newline="")
    with f:
        rows = list(csv.DictReader(f))
    sums, labels, flavors = {}, [], []
    for row in rows:
        if "by_label" not in row or "by_file" not in row:
            raise ValueError("no by_label and by_file columns; use "
                             "h5snoop report --by label,file")
        # rows of the whole run ("lost", "span", "finding") are no
        # group's
        if row["layer"] not in ("vfd", "http"):
            continue
        label, flavor = row["by_label"], flavor_of(row["by_file"])
        cell = sums.setdefault((label, flavor, row["layer"], row["bin"]),
                               {})
        for column in ("requests", "total_ns", "group_wall_ns"):
            cell[column] = cell.get(column, 0) + int(row[column] or 0)
        if label not in labels:
            labels.append(label)
        if flavor not in flavors:
            flavors.append(flavor)
    return sums, labels, flavors


def measure(sums, key, layer, bin_, column):
    """One cell's value, or None when the report has no such row."""
    label, flavor = key
    if column is None:  # the share of small driver reads
        total = sums.get((label, flavor, layer, "all"))
        if not total or not total["requests"]:
            return None
        small = sum(sums.get((label, flavor, layer, b), {})
                    .get("requests", 0) for b in SMALL_BINS)
        return small / total["requests"]
    row = sums.get((label, flavor, layer, bin_))
    return None if row is None else row[column]


def print_table(title, kind, cells, labels, flavors, baseline):
    """One measure: a row per label, a column per flavor."""
    width = max(16, max(len(f) for f in flavors) + 2)
    lw = max(len("label"), max(len(l) for l in labels)) + 2
    if kind == "share":
        print(title)
    else:
        print("%s, and the ratio to %s" % (title, baseline))
    print("%-*s" % (lw, "label") + "".join("%*s" % (width, f)
                                           for f in flavors))
    for l in labels:
        line = "%-*s" % (lw, l)
        base = cells.get((l, baseline))
        for f in flavors:
            v = cells.get((l, f))
            if not v and kind == "count":
                text = "-"
            elif f == baseline or not base or kind == "share":
                text = human(v, kind)
            else:
                text = "%s %5.2fx" % (human(v, kind), v / base)
            line += "%*s" % (width, text)
        print(line)
    print()


def main(argv):
    """Print the tables; return the exit status."""
    args = parse_args(argv)
    try:
        sums, labels, flavors = load(args.csv)
    except (OSError, KeyError, ValueError) as exc:
        print("report_pivot.py: error: %s: %s" % (args.csv, exc),
              file=sys.stderr)
        return 1
    if not labels:
        print("report_pivot.py: error: %s: no groups" % args.csv,
              file=sys.stderr)
        return 1
    flavors.sort(key=lambda f: (f != args.baseline, f))
    for title, kind, layer, bin_, column in MEASURES:
        cells = {(l, f): measure(sums, (l, f), layer, bin_, column)
                 for l in labels for f in flavors}
        cells = {k: v for k, v in cells.items() if v is not None}
        if cells:
            print_table(title, kind, cells, labels, flavors, args.baseline)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
