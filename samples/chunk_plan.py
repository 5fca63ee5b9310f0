#!/usr/bin/python3
"""chunk_plan.py - print h5repack -l options that rechunk 1-D variables.

make_flavors.sh needs chunks of about a fixed byte size (2 MiB), but
h5repack's CHUNK= layout counts elements, and the granule mixes 1-, 4-
and 8-byte types.  This lists every chunked 1-D dataset of a file, groups
them by element size, and prints one `-l LIST:CHUNK=N` option per group,
one per line, ready for `mapfile` in a shell script.

It only reads the file and prints; it never writes anything.  Datasets
whose maximum size is fixed get chunks no longer than that size, since
HDF5 refuses chunks longer than a fixed dimension.
"""

import argparse
import sys

import h5py


def parse_args(argv):
    """Return the parsed command line; argparse exits 2 on misuse."""
    parser = argparse.ArgumentParser(
        description="Print h5repack -l options giving every chunked 1-D "
                    "dataset chunks of about BYTES bytes.")
    parser.add_argument("granule", metavar="IN.h5")
    parser.add_argument("--chunk-bytes", type=int, default=2 * 1024 * 1024,
                        metavar="BYTES", help="target uncompressed chunk "
                        "size (default 2097152)")
    args = parser.parse_args(argv)
    if args.chunk_bytes < 1:
        parser.error("--chunk-bytes must be at least 1")
    return args


def plan_chunks(path, chunk_bytes):
    """Return {chunk_elements: [dataset paths]} for chunked 1-D datasets."""
    plan = {}

    def visit(name, obj):
        if not isinstance(obj, h5py.Dataset) or obj.ndim != 1:
            return
        if obj.chunks is None:
            return
        elements = max(1, chunk_bytes // obj.dtype.itemsize)
        if obj.maxshape[0] is not None:
            elements = min(elements, max(1, obj.maxshape[0]))
        plan.setdefault(elements, []).append("/" + name)

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return plan


def main(argv):
    """Print the -l options; return the exit status."""
    args = parse_args(argv)
    try:
        plan = plan_chunks(args.granule, args.chunk_bytes)
    except OSError as exc:
        print("chunk_plan.py: error: cannot read %s: %s"
              % (args.granule, exc), file=sys.stderr)
        return 1
    if not plan:
        print("chunk_plan.py: error: %s has no chunked 1-D dataset"
              % args.granule, file=sys.stderr)
        return 1
    for elements in sorted(plan):
        print("-l")
        print("%s:CHUNK=%d" % (",".join(sorted(plan[elements])), elements))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
