#!/usr/bin/python3
"""read_h5py.py - read HDF5 variables over HTTP with h5py, as the seed did.

The seed's h5logger.read_file opened one granule either with h5py's ROS3
driver or through an fsspec file object, read whole variables, took their
means and timed it, with "default" or "tuned" I/O parameters.  This does
the same against any HTTP server that honours Range requests (no S3
credentials, no request signing), so h5snoop can record it.  It prints
the same lines as ros3_reader:

    var=/gt1l/land_ice_segments/h_li n=20000 mean=1177.163415
    wall_s=0.123456

wall_s is the wall time of open + reads + close (filesystem set-up
included for fsspec), as the seed timed it.

Parameters (the seed's default_io_params and optimized_io_params):
  default  fsspec: cache_type "none" (one HTTP request per h5py read);
           h5py: library defaults.
  tuned    fsspec: cache_type "blockcache", block_size 8 MiB;
           h5py: page_buf_size 16 MiB, rdcc_nbytes 4 MiB.
HDF5 refuses page_buf_size on files not written with the PAGE file space
strategy ("Enabling Page Buffering requires PAGE file space strategy");
then the file is reopened without it and a note goes to stderr.
NOTE: the seed's read_file used the tuned parameters only for URLs
containing "rechunked" or "page" and the defaults for the original;
here "tuned" applies to every flavor, so the refusal (and the requests
of the refused open) shows up in traces of unpaged flavors.

read_url() is also what run_experiment.py runs inside Dask workers.  It
only reads; it never writes to the file or to the current directory.
Exit status: 0 success, 1 open/read failure, 2 usage error.
"""

import argparse
import sys
import time

import fsspec
import fsspec.caching
import h5py
import numpy as np

MIB = 1024 * 1024
DEFAULT_VARIABLES = (
    "/gt1l/land_ice_segments/h_li",
    "/gt1l/land_ice_segments/latitude",
    "/gt1l/land_ice_segments/longitude",
)
IO_PARAMS = {
    "default": {
        "fsspec": {"cache_type": "none"},
        "h5py": {},
    },
    "tuned": {
        "fsspec": {"cache_type": "blockcache", "block_size": 8 * MIB},
        "h5py": {"page_buf_size": 16 * MIB, "rdcc_nbytes": 4 * MIB},
    },
}
DRIVERS = ("ros3", "fsspec")


def fsspec_params(params):
    """Return the fsspec open() keywords for params, for this fsspec.

    NOTE: fsspec registers BlockCache as "blockcache" only since 2023;
    older releases (Debian 12 has 2022.11) know it as "block" and raise
    KeyError: 'blockcache'.
    """
    kwargs = dict(IO_PARAMS[params]["fsspec"])
    if (kwargs.get("cache_type") == "blockcache"
            and "blockcache" not in fsspec.caching.caches):
        kwargs["cache_type"] = "block"
    return kwargs


def open_h5(target, h5py_params, notes, **kwargs):
    """Open target read-only with h5py; return the h5py.File.

    If HDF5 refuses the page buffer (unpaged file), append a note and
    reopen without it.  Other errors propagate as OSError.
    """
    try:
        return h5py.File(target, "r", **kwargs, **h5py_params)
    except OSError as exc:
        if "page_buf_size" not in h5py_params:
            raise
        notes.append("page_buf_size refused (%s); reopened without a page "
                     "buffer" % exc)
    params = {k: v for k, v in h5py_params.items() if k != "page_buf_size"}
    return h5py.File(target, "r", **kwargs, **params)


def read_means(f, variables):
    """Return [(variable, count, mean)] reading each variable whole."""
    means = []
    for variable in variables:
        data = f[variable][:]
        means.append((variable, data.size,
                      float(np.mean(data, dtype=np.float64))))
    return means


def read_url(url, driver, params, variables=DEFAULT_VARIABLES):
    """Read variables of url; return a dict.

    Keys: url, driver, params, means [(variable, count, mean)], wall_s,
    notes [str].  Raises on failure: OSError from h5py, KeyError for a
    missing variable, FileNotFoundError or aiohttp errors from fsspec.
    Each call makes its own fsspec filesystem (skip_instance_cache, as
    the seed's default parameters asked), so calls share no cached
    blocks.  Thread-safe as far as h5py is (it serializes HDF5 calls).
    """
    io_params = IO_PARAMS[params]
    notes = []
    start = time.perf_counter()
    if driver == "ros3":
        with open_h5(url, io_params["h5py"], notes, driver="ros3") as f:
            means = read_means(f, variables)
    elif driver == "fsspec":
        fs = fsspec.filesystem("http", skip_instance_cache=True)
        with fs.open(url, "rb", **fsspec_params(params)) as fo:
            with open_h5(fo, io_params["h5py"], notes) as f:
                means = read_means(f, variables)
    else:
        raise ValueError("unknown driver %r" % driver)
    wall_s = time.perf_counter() - start
    return {"url": url, "driver": driver, "params": params, "means": means,
            "wall_s": wall_s, "notes": notes}


def format_result(result):
    """Return the printed lines of one read_url() result, newline-ended."""
    lines = ["var=%s n=%d mean=%.6f" % m for m in result["means"]]
    lines.append("wall_s=%.6f" % result["wall_s"])
    return "\n".join(lines) + "\n"


def parse_args(argv):
    """Return the parsed command line; argparse exits 2 on misuse."""
    parser = argparse.ArgumentParser(
        description="Read HDF5 variables over HTTP with h5py (ROS3 driver "
                    "or an fsspec file object) and print their means and "
                    "the wall time, like the seed's read_file.",
        epilog="Output: one 'var=NAME n=COUNT mean=M' line per variable, "
               "then 'wall_s=SECONDS'.")
    parser.add_argument("url", metavar="URL",
                        help="http://host:port/path/file.h5")
    parser.add_argument("variables", metavar="VARIABLE", nargs="*",
                        default=list(DEFAULT_VARIABLES),
                        help="dataset paths (default: gt1l h_li, latitude, "
                             "longitude)")
    parser.add_argument("--driver", choices=DRIVERS, default="ros3")
    parser.add_argument("--params", choices=sorted(IO_PARAMS),
                        default="default",
                        help="seed I/O parameters (default: default)")
    return parser.parse_args(argv)


def main(argv):
    """Read and print; return the exit status."""
    args = parse_args(argv)
    if args.driver == "ros3" and "ros3" not in h5py.registered_drivers():
        print("read_h5py.py: error: this h5py has no ros3 driver",
              file=sys.stderr)
        return 1
    try:
        result = read_url(args.url, args.driver, args.params,
                          args.variables)
    # RATIONALE: h5py, fsspec and aiohttp raise many unrelated types; any
    # of them means this one read failed, reported as one line.
    except Exception as exc:  # pylint: disable=broad-except
        print("read_h5py.py: error: %s: %s: %s"
              % (args.url, type(exc).__name__, exc), file=sys.stderr)
        return 1
    for note in result["notes"]:
        print("read_h5py.py: note: %s: %s" % (args.url, note),
              file=sys.stderr)
    sys.stdout.write(format_result(result))
    try:
        sys.stdout.flush()
    except OSError as exc:
        print("read_h5py.py: error: writing stdout: %s" % exc,
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
