#!/usr/bin/python3
"""run_experiment.py - the seed's experiment, one driver x params per run.

The seed read every flavor of a granule in parallel on a Dask
LocalCluster, once per (driver, I/O parameters) combination.  This does
one such combination: it starts a fresh LocalCluster of two worker
processes (one thread each), runs read_h5py.read_url() for every URL as
a task, so that the worker processes themselves do the HDF5 and HTTP
I/O as in the seed, prints a table of flavor, variable means, seconds
and the pid of the worker process that read the flavor, and shuts the
cluster down.

Why one combination per run: h5snoop labels a trace from the
H5SNOOP_LABEL environment variable, read once at process start.  Worker
processes inherit the environment (H5SNOOP_LABEL, LD_PRELOAD), so the
demo (demo.sh) runs this script four times, e.g.

    h5snoop record --label ros3-default -- /usr/bin/python3 \\
        run_experiment.py --driver ros3 --params default URL...

(the client process does no HDF5 I/O, so only the workers leave traces).

A URL's flavor is the text between its file name's last '_' and '.h5'
(see make_flavors.sh).  The cluster listens on 127.0.0.1 only, has no
dashboard, and keeps its scratch space in a private temp dir removed at
exit.  Exit status: 0 if every read succeeded, 1 otherwise, 2 usage.
"""

import argparse
import logging
import os
import sys
import tempfile
import time

# NOTE: keep read_h5py's bytecode out of the source tree; workers run this
# file's top level too (as __mp_main__), so they skip it as well.
sys.dont_write_bytecode = True
import read_h5py  # noqa: E402  pylint: disable=wrong-import-position

N_WORKERS = 2


def parse_args(argv):
    """Return the parsed command line; argparse exits 2 on misuse."""
    parser = argparse.ArgumentParser(
        description="Read every URL (one per flavor) with one driver and "
                    "one parameter set on a 2-process Dask LocalCluster; "
                    "print flavor, means and seconds.")
    parser.add_argument("urls", metavar="URL", nargs="+",
                        help="http://127.0.0.1:PORT/<stem>_<flavor>.h5")
    parser.add_argument("--driver", choices=read_h5py.DRIVERS,
                        required=True)
    parser.add_argument("--params", choices=sorted(read_h5py.IO_PARAMS),
                        required=True)
    return parser.parse_args(argv)


def flavor_of(url):
    """Return the flavor named by url's file name, or the file name."""
    name = url.rstrip("/").rsplit("/", 1)[-1]
    stem = name[:-3] if name.endswith(".h5") else name
    return stem.rsplit("_", 1)[-1] if "_" in stem else stem


def try_read(url, driver, params):
    """Worker task: read_url() with failures returned, not raised.

    The result also holds "pid", the worker process that did the I/O (so
    its h5snoop trace, ROOT/<host>-<pid>-<label>, can be found).
    RATIONALE: one failing flavor must not hide the other results, and
    an exception object from h5py may not unpickle on the client.
    """
    try:
        result = read_h5py.read_url(url, driver, params)
    except Exception as exc:  # pylint: disable=broad-except
        result = {"url": url, "error": "%s: %s" % (type(exc).__name__, exc)}
    result["pid"] = os.getpid()
    return result


def run_on_cluster(args, scratch):
    """Start the cluster, read every URL as a task; return the results.

    Results are in the order of args.urls.
    """
    # NOTE: imported here so that --help and usage errors stay fast.
    from dask.distributed import Client, LocalCluster

    # NOTE: with dashboard_address=None, distributed 2022.12's scheduler
    # and workers still start their plain HTTP servers (/health,
    # /metrics), on 0.0.0.0 (the scheduler's on port 8787).  These
    # options move them to random loopback ports; without bokeh there is
    # no dashboard either way.
    with LocalCluster(n_workers=N_WORKERS, threads_per_worker=1,
                      processes=True, host="127.0.0.1",
                      dashboard_address=None,
                      scheduler_kwargs={"dashboard": False,
                                        "dashboard_address": "127.0.0.1:0"},
                      worker_dashboard_address="127.0.0.1:0",
                      local_directory=scratch,
                      silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        futures = client.map(try_read, args.urls, driver=args.driver,
                             params=args.params, pure=False)
        return client.gather(futures)


def print_table(args, results):
    """Print one row per URL; return the number of failed reads."""
    failures = 0
    names = [v.rsplit("/", 1)[-1] for v in read_h5py.DEFAULT_VARIABLES]
    print("driver=%s params=%s" % (args.driver, args.params))
    print("%-22s %s %10s %10s" % ("flavor",
                                  " ".join("%16s" % n for n in names),
                                  "wall_s", "worker_pid"))
    for url, result in zip(args.urls, results):
        if "error" in result:
            failures += 1
            print("run_experiment.py: error: %s: %s" % (url, result["error"]),
                  file=sys.stderr)
            continue
        for note in result["notes"]:
            print("run_experiment.py: note: %s: %s" % (url, note),
                  file=sys.stderr)
        means = " ".join("%16.6f" % m[2] for m in result["means"])
        print("%-22s %s %10.4f %10d" % (flavor_of(url), means,
                                         result["wall_s"], result["pid"]))
    return failures


def main(argv):
    """Run one driver x params experiment; return the exit status."""
    args = parse_args(argv)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="h5snoop-dask-") as scratch:
        results = run_on_cluster(args, scratch)
    failures = print_table(args, results)
    print("total_wall_s=%.3f" % (time.perf_counter() - start))
    sys.stdout.flush()
    return 1 if failures else 0


if __name__ == "__main__":
    # NOTE: workers are spawned, not forked; they re-import this file as
    # __mp_main__ and find read_h5py through the sys.path they inherit
    # (this file's directory comes first), hence the guard.
    sys.exit(main(sys.argv[1:]))
