"""test_m32.py - h5snoop builds and works as a 32-bit (i386) program.

The project's CMake build needs HDF5, libcurl and ncurses of the target
architecture, which a 64-bit Debian does not carry for i386 without a
second dpkg architecture.  Everything that does not need them is built
here with `gcc -m32` (gcc-multilib), with the project's warning flags:

  compiled   every .c of common/, format/, shim/, analyzer/ (all layers,
             the h5snoop command's files included) and bench/trace_gen.c;
  linked     libh5snoop.so (-z defs: every symbol resolved in 32 bits),
             the analyzer's unit tests (tests/unit) and the shim's
             (wide_mul, trace_clock, open_table, http_parse, redact);
  run        all of those unit tests, as 32-bit programs;
  traced     a 32-bit program reading through its own HDF5 driver (the
             stand-in libhdf5 of tests/shim, built -m32) under the 32-bit
             shim: same output and exit status as without it, and the
             trace, read by babeltrace2 and by the (64-bit) h5snoop
             report, holds its reads.

Not covered: linking the h5snoop command itself (ncurses), and whatever
needs the real libhdf5 or libcurl (the tests of tests/shim with h5py,
ROS3, GDAL, libcurl), which would need those libraries' i386 packages.

Skipped (77) when `gcc -m32` cannot link (install gcc-multilib, as
tests/install_deps.sh does), and in the sanitized build, whose 32-bit
half would be the release build's, built again.
"""

import concurrent.futures
import csv
import glob
import io
import os
import re
import shutil
import subprocess
import sys

import testlib as t

CC = os.environ.get("CC", "gcc")
FLAGS = ["-m32", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror",
         "-D_GNU_SOURCE", "-fPIC"]


def sh(cmd, what):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=600)
    t.check(r.returncode == 0, "%s failed (%s):\n%s"
            % (what, " ".join(cmd), r.stdout.decode(errors="replace")))


def can_build_m32(work):
    src = os.path.join(work, "probe.c")
    with open(src, "w") as f:
        f.write("#include <pthread.h>\nint main(void)"
                "{ return (int)sizeof(void *) - 4; }\n")
    exe = os.path.join(work, "probe")
    r = subprocess.run([CC, "-m32", src, "-o", exe, "-lpthread"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return r.returncode == 0 and subprocess.run([exe]).returncode == 0


def include_flags(src):
    dirs = ["include", "format", "common", "shim", "bench"]
    dirs += sorted(os.path.relpath(d, src)
                   for d in glob.glob(os.path.join(src, "analyzer", "*"))
                   if os.path.isdir(d))
    flags = ["-I" + os.path.join(src, d) for d in dirs]
    # libcurl's headers choose their types by the compiler's target, so
    # the host's serve for -m32 (the shim uses only its declarations).
    for d in os.environ.get("H5SNOOP_CURL_INCLUDE", "").split(";"):
        if d:
            flags.append("-I" + d)
    return flags


def compile_all(src, objdir, sources, incs):
    """Compiles `sources`, two at a time; returns {source: object}."""
    objs = {}

    def one(path):
        rel = os.path.relpath(path, src)
        obj = os.path.join(objdir, rel.replace("/", "__") + ".o")
        extra = []
        if rel.startswith("shim/"):
            extra = ["-fvisibility=hidden"]
        if rel == "analyzer/cli/cmd_record.c":
            extra = ['-DH5SNOOP_SHIM_RELPATH="../lib/libh5snoop.so"']
        sh([CC] + FLAGS + extra + incs + ["-c", path, "-o", obj],
           "compiling " + rel)
        return path, obj

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for path, obj in pool.map(one, sources):
            objs[path] = obj
    return objs


def is_32bit_elf(path):
    with open(path, "rb") as f:
        head = f.read(5)
    return head[:4] == b"\x7fELF" and head[4] == 1  # ELFCLASS32


def run_unit(exe, what):
    r = subprocess.run([exe], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=300,
                       env=t.base_env())
    t.check(r.returncode in (0, 77), "32-bit %s exits %d:\n%s"
            % (what, r.returncode, r.stdout.decode(errors="replace")))
    return r.returncode


def traced_fake_hdf5(work, src, incs, shim):
    """The stand-in libhdf5's program, traced by the 32-bit shim."""
    lib = os.path.join(work, "libfake_hdf5.so")
    sh([CC] + FLAGS + incs + ["-shared",
        os.path.join(src, "tests/shim/fake_hdf5.c"), "-o", lib],
       "linking the 32-bit stand-in libhdf5")
    host = os.path.join(work, "host_fake_hdf5")
    sh([CC] + FLAGS + incs + [os.path.join(src, "tests/shim/host_fake_hdf5.c"),
        "-o", host, "-L" + work, "-lfake_hdf5", "-Wl,-rpath," + work],
       "linking the 32-bit host_fake_hdf5")
    env = {"FAKE_HDF5_RELEASE": "1.14.3",
           "FAKE_HDF5_VERDICT": os.path.join(work, "verdict")}
    plain = t.run([host, "1"], env=t.base_env(env))
    t.check(plain.returncode == 0, "32-bit host fails without the shim: %s"
            % plain.stderr.decode(errors="replace"))
    out = os.path.join(work, "traces")
    traced = t.run([host, "1"], env=t.base_env(dict(
        env, LD_PRELOAD=shim, H5SNOOP_OUTPUT=out)))
    t.same_behaviour(plain, traced, "32-bit host under the 32-bit shim")
    t.check(not traced.stderr, "warnings under the 32-bit shim: %s"
            % traced.stderr.decode(errors="replace"))
    verdict = open(env["FAKE_HDF5_VERDICT"]).read()
    t.check(verdict == "registered fake_driver as a copy\n",
            "the 32-bit shim did not hook the driver: %r" % verdict)

    m = re.match(rb"read (\d+) blocks of (\d+) bytes, (\d+) apart,",
                 plain.stdout)
    t.check(m is not None, "host_fake_hdf5 output %r" % plain.stdout)
    blocks, size, stride = (int(g) for g in m.groups())
    want = [(i * stride, size) for i in range(blocks)]
    events = t.all_events(out)
    reads = [(e["offset"], e["size"]) for e in t.by_name(events, "vfd_read")]
    t.check(reads == want, "32-bit trace: want reads %s, got %s"
            % (want, reads))
    rep = t.run([t.h5snoop_bin(), "report", "--format", "csv", out])
    t.check(rep.returncode == 0, "h5snoop report of the 32-bit trace: %s"
            % rep.stderr.decode(errors="replace"))
    rows = list(csv.DictReader(io.StringIO(rep.stdout.decode())))
    alls = [r for r in rows if r["layer"] == "vfd" and r["bin"] == "all"]
    t.check(len(alls) == 1 and int(alls[0]["requests"]) == blocks
            and int(alls[0]["bytes"]) == blocks * size,
            "the report of the 32-bit trace does not count %d reads of "
            "%d bytes:\n%s" % (blocks, size, rep.stdout.decode()))


def main():
    work = t.tempdir()
    try:
        build_and_run(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def build_and_run(work):
    if os.environ.get("H5SNOOP_ASAN_RUNTIME"):
        t.skip("the 32-bit build is not sanitized: the release build's "
               "run of this test covers it")
    if not can_build_m32(work):
        t.skip("gcc -m32 cannot link a threaded program: install "
               "gcc-multilib (tests/install_deps.sh does)")
    src = t.source_dir()
    incs = include_flags(src)
    objdir = os.path.join(work, "obj")
    os.makedirs(objdir)

    layers = {d: sorted(glob.glob(os.path.join(src, d, "*.c")))
              for d in ("common", "format", "shim")}
    analyzer = sorted(glob.glob(os.path.join(src, "analyzer", "*", "*.c")))
    gen = [os.path.join(src, "bench", "trace_gen.c")]
    objs = compile_all(src, objdir,
                       layers["common"] + layers["format"] +
                       layers["shim"] + analyzer + gen, incs)
    o = lambda paths: [objs[p] for p in paths]

    shim = os.path.join(work, "libh5snoop.so")
    sh([CC, "-m32", "-shared", "-Wl,-z,defs", "-Wl,-z,nodelete", "-o", shim]
       + o(layers["shim"]) + o(layers["format"]) + o(layers["common"])
       + ["-ldl", "-lpthread"], "linking the 32-bit libh5snoop.so")
    t.check(is_32bit_elf(shim), "libh5snoop.so is not a 32-bit ELF")

    # The analyzer's layers without the command's own files (main.c,
    # cmd_*.c: the h5snoop command needs ncurses).
    library = [p for p in analyzer
               if not re.search(r"/cli/(main|cmd_[a-z_]+)\.c$", p)]
    group = (["-Wl,--start-group"] + o(library) + o(gen) +
             o(layers["format"]) + o(layers["common"]) +
             ["-Wl,--end-group", "-lm", "-lpthread"])
    ran = []
    for test in sorted(glob.glob(os.path.join(src, "tests/unit/test_*.c"))):
        exe = os.path.join(work, os.path.basename(test)[:-2])
        sh([CC] + FLAGS + incs + [test, "-o", exe] + group,
           "linking the 32-bit " + os.path.basename(test))
        ran.append((os.path.basename(exe), run_unit(exe, exe)))

    shim_src = lambda *names: [os.path.join(src, "shim", n) for n in names]
    shim_tests = {
        "test_wide_mul": [],
        "test_open_table": ["-lpthread"],
        "test_http_parse": o(shim_src("http_parse.c")),
        "test_redact": o(shim_src("redact.c")) + o(layers["format"]),
        # Includes shim/trace_clock.c itself.
        "test_trace_clock": o(shim_src("shim_config.c", "shim_log.c",
                                       "redact.c", "trace_hot.c")) +
                            o(layers["format"]),
    }
    for name, extra in sorted(shim_tests.items()):
        exe = os.path.join(work, name)
        sh([CC] + FLAGS + incs +
           [os.path.join(src, "tests/shim", name + ".c"), "-o", exe] + extra,
           "linking the 32-bit " + name)
        ran.append((name, run_unit(exe, name)))
    t.check(any(name == "test_wide_mul" and rc == 0 for name, rc in ran),
            "the 32-bit test_wide_mul did not run")

    traced_fake_hdf5(work, src, incs, shim)
    print("32-bit: %d files compiled, libh5snoop.so linked, unit tests: %s"
          % (len(objs), ", ".join("%s %s" % (n, "ok" if rc == 0
                                             else "skipped")
                                  for n, rc in ran)))


if __name__ == "__main__":
    main()
