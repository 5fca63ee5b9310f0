#!/usr/bin/env bash
# demo.sh - the README's first command: the seed's experiment, recorded.
#
# Usage: bash samples/demo.sh [--elements N] [--network PROFILE] [--out DIR]
#                             [--build-dir DIR] [--no-install] [--no-build]
#                             [--help]
#
# On a fresh Debian 12 machine it installs what is missing (apt, through
# tests/install_deps.sh), builds h5snoop, writes a synthetic ICESat-2
# ATL06-like granule and its cloud-optimized flavors (original,
# page-only-8mb, rechunked-2mb, rechunked-2mb-paged), serves them from a
# private nginx on 127.0.0.1 that behaves like S3 (--network, a profile
# of tests/servers/nginx.sh: a first-byte delay per request and a
# bandwidth per connection), and reads every flavor with h5py on a
# 2-worker Dask LocalCluster, once per driver x I/O parameters (ros3 or
# fsspec, seed "default" or "tuned"), each run under `h5snoop record
# --label <driver>-<params>`.  Then it prints `h5snoop report --by
# run,flavor`'s pivot (runs by flavors, ratios to the original flavor)
# and the most costly findings of `h5snoop advise`, and writes the plots.
#
# Everything it writes is under OUT (default ./h5snoop-demo):
#   data/source/   the generated granule
#   data/flavors/  the four flavors, the files nginx serves
#   traces/LABEL/  the run's traces: one directory per Dask worker process
#   nginx/         nginx.conf, access.log, error.log, profile (kept after
#                  the stop)
#   logs/          output of the build and of each recorded run
#   runs.tsv       one line per recorded run: label, driver, params,
#                  log_start, log_end (byte offsets of the run's lines in
#                  nginx/access.log: [log_start, log_end)), status, seconds
#   report.txt report.csv   the full report (by run and flavor), as
#                  text and CSV
#   advise.txt     `h5snoop advise` of all the runs: every finding with
#                  its evidence, cost and remedy
#   plots/         the SVGs of `h5snoop plot --by run,flavor`
#   report.html    the report as one page, the pictures inline
# The data is reused when OUT already holds flavors made with the same
# --elements; everything else is made afresh on every run.  OUT must be
# empty, missing, or an earlier demo's output (it holds .h5snoop-demo).
#
# nginx is stopped by its PID at the end, also on failure or Ctrl-C.
# Exit status: 0 success, 1 failure, 2 usage error, 130/143 interrupted.

set -euo pipefail

prog=${0##*/}
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
granule_name=ATL06_20200811143458_07210811_006_01
flavors=(original page-only-8mb rechunked-2mb rechunked-2mb-paged)
runs=("ros3 default" "ros3 tuned" "fsspec default" "fsspec tuned")
python=/usr/bin/python3

elements=150000
# RATIONALE: s3-same-region (30 ms per request) is where the seed ran
# (a VM next to the bucket); it costs the demo about a minute more than
# loopback and makes the time table show what the request table shows.
network=s3-same-region
out=./h5snoop-demo
build_dir=$src/build/release
do_install=1
do_build=1
nginx_dir=""
t_start=$EPOCHREALTIME

usage() {
    cat <<EOF
usage: $prog [--elements N] [--network PROFILE] [--out DIR]
               [--build-dir DIR] [--no-install] [--no-build]
Records the seed's experiment (ROS3 vs fsspec, default vs tuned I/O
parameters, four cloud-optimized flavors, under Dask) against a local
nginx that behaves like S3 and prints h5snoop's report of it.

  --elements N     segments per beam of the granule (default $elements,
                   a 67 MB file; 20000 makes a 10 MB one)
  --network PROFILE  what each request costs (default $network):
$(bash "$src/tests/servers/nginx.sh" profiles | sed 's/^/    /')
  --out DIR        where data, traces, plots and logs go
                   (default ./h5snoop-demo)
  --build-dir DIR  h5snoop build directory (default build/release)
  --no-install     do not install missing Debian packages
  --no-build       use --build-dir as it is (it must be built)
  -h, --help       this text
EOF
}

die() {
    echo "$prog: error: $*" >&2
    exit 1
}

usage_error() {
    echo "$prog: error: $*" >&2
    echo "Try '$prog --help' for more information." >&2
    exit 2
}

# say TEXT...: one progress line.
say() {
    echo "demo: $*"
}

# elapsed SINCE: seconds since the EPOCHREALTIME value SINCE, as "1.2".
elapsed() {
    local now=$EPOCHREALTIME
    awk -v a="$1" -v b="$now" 'BEGIN { printf "%.1f", b - a }'
}

# show_tail FILE: the end of a log, for a failure message.
show_tail() {
    echo "--- last lines of $1:" >&2
    tail -n 20 "$1" >&2 || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$nginx_dir" ] && [ -s "$nginx_dir/nginx.pid" ]; then
        bash "$src/tests/servers/nginx.sh" stop "$nginx_dir" >/dev/null ||
            rc=1
    fi
    exit "$rc"
}

while [ $# -gt 0 ]; do
    case $1 in
    -h | --help)
        usage
        exit 0
        ;;
    --elements | --network | --out | --build-dir)
        [ $# -ge 2 ] || usage_error "option '$1' needs a value"
        case $1 in
        --elements) elements=$2 ;;
        --network) network=$2 ;;
        --out) out=$2 ;;
        --build-dir) build_dir=$2 ;;
        esac
        shift 2
        ;;
    --elements=*) elements=${1#*=}; shift ;;
    --network=*) network=${1#*=}; shift ;;
    --out=*) out=${1#*=}; shift ;;
    --build-dir=*) build_dir=${1#*=}; shift ;;
    --no-install) do_install=0; shift ;;
    --no-build) do_build=0; shift ;;
    *) usage_error "unknown argument '$1'" ;;
    esac
done
[[ $elements =~ ^[1-9][0-9]*$ ]] ||
    usage_error "--elements wants a positive integer, not '$elements'"
# profile_line NAME: the profile's line of `nginx.sh profiles`, or nothing.
profile_line() {
    bash "$src/tests/servers/nginx.sh" profiles | awk -v p="$1" '$1 == p'
}
[ -n "$(profile_line "$network")" ] ||
    usage_error "unknown --network '$network' (see --help)"

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# NOTE: a preload the caller set (the test suite's ASan build sets the ASan
# runtime, which its h5snoop shim needs first) goes to the recorded runs
# only: h5repack and pgrep hang at start under a preloaded ASan runtime.
preload=${LD_PRELOAD-}
unset LD_PRELOAD

mkdir -p "$out" || die "cannot create '$out'"
out=$(cd "$out" && pwd)
if [ -n "$(ls -A "$out")" ] && [ ! -e "$out/.h5snoop-demo" ]; then
    die "'$out' is not empty and not a demo output; choose another --out"
fi
touch "$out/.h5snoop-demo"
rm -rf "$out/traces" "$out/plots" "$out/logs" "$out/nginx" \
    "$out/runs.tsv" "$out/report.txt" "$out/report.csv" "$out/advise.txt"
mkdir -p "$out/logs"

# ---- 1. packages and build ----

if [ "$do_install" = 1 ]; then
    say "[1/6] checking Debian packages (tests/install_deps.sh)"
    bash "$src/tests/install_deps.sh" || die "installing packages failed"
else
    say "[1/6] packages: not checked (--no-install)"
fi

build_dir=$(mkdir -p "$build_dir" && cd "$build_dir" && pwd)
h5snoop=$build_dir/bin/h5snoop
if [ "$do_build" = 1 ]; then
    t=$EPOCHREALTIME
    say "[2/6] building h5snoop in $build_dir"
    cfg=()
    [ -f "$build_dir/CMakeCache.txt" ] ||
        cfg=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
    { cmake -S "$src" -B "$build_dir" "${cfg[@]}" &&
        cmake --build "$build_dir" -j"$(nproc)"; } \
        >"$out/logs/build.log" 2>&1 ||
        { show_tail "$out/logs/build.log"; die "the build failed"; }
    say "      built in $(elapsed "$t") s"
else
    say "[2/6] build: using $build_dir as it is (--no-build)"
fi
[ -x "$h5snoop" ] || die "no h5snoop in '$build_dir/bin'; build it first"
"$python" -c 'import h5py, sys
sys.exit("ros3" not in h5py.registered_drivers())' 2>/dev/null ||
    die "$python's h5py has no ros3 driver (Debian's python3-h5py has)"

# ---- 2. data ----

data=$out/data
stamp=$data/elements
have_data=0
if [ "$(cat "$stamp" 2>/dev/null)" = "$elements" ]; then
    have_data=1
    for f in "${flavors[@]}"; do
        [ -f "$data/flavors/${granule_name}_$f.h5" ] || have_data=0
    done
fi
if [ "$have_data" = 1 ]; then
    say "[3/6] data: reusing the flavors in $data/flavors"
else
    t=$EPOCHREALTIME
    say "[3/6] writing an ATL06-like granule ($elements segments per" \
        "beam) and its flavors"
    rm -rf "$data"
    mkdir -p "$data/source"
    if ! { "$python" "$here/make_granule.py" --elements "$elements" \
        "$data/source/$granule_name.h5" &&
        bash "$here/make_flavors.sh" "$data/source/$granule_name.h5" \
            "$data/flavors"; } >"$out/logs/data.log" 2>&1; then
        show_tail "$out/logs/data.log"
        die "making the data failed"
    fi
    echo "$elements" >"$stamp"
    say "      made in $(elapsed "$t") s"
fi
for f in "${flavors[@]}"; do
    say "      $(printf '%-20s %6.1f MB' "$f" "$(stat -c %s \
        "$data/flavors/${granule_name}_$f.h5" | awk '{print $1 / 1e6}')")"
done

# ---- 3. server ----

nginx_dir=$out/nginx
port=$(bash "$src/tests/servers/nginx.sh" start --profile "$network" \
    "$nginx_dir" "$data/flavors") || die "cannot start nginx"
say "[4/6] nginx serves $data/flavors on http://127.0.0.1:$port/" \
    "(pid $(cat "$nginx_dir/nginx.pid"))"
say "      network $(profile_line "$network" |
    awk '{ $1 = ""; sub(/^ +/, ""); print }' |
    sed 's/  */ /g; s/ ms / ms first byte, /; s/B\/s /B\/s per connection: /')"
urls=()
for f in "${flavors[@]}"; do
    urls+=("http://127.0.0.1:$port/${granule_name}_$f.h5")
done

# ---- 4. the experiment, one recorded run per driver x params ----

# log_size: bytes in nginx's access log so far.
log_size() {
    stat -c %s "$nginx_dir/access.log" 2>/dev/null || echo 0
}

say "[5/6] reading every flavor on a 2-worker Dask LocalCluster, once per" \
    "driver x params"
printf 'label\tdriver\tparams\tlog_start\tlog_end\tstatus\tseconds\n' \
    >"$out/runs.tsv"
n=0
for run in "${runs[@]}"; do
    read -r driver params <<<"$run"
    label=$driver-$params
    n=$((n + 1))
    log=$out/logs/$label.log
    start=$(log_size)
    t=$EPOCHREALTIME
    status=0
    LD_PRELOAD=$preload "$h5snoop" record -o "$out/traces/$label" \
        --label "$label" -- \
        "$python" "$here/run_experiment.py" --driver "$driver" \
        --params "$params" "${urls[@]}" >"$log" 2>&1 || status=$?
    secs=$(elapsed "$t")
    end=$(log_size)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$driver" "$params" \
        "$start" "$end" "$status" "$secs" >>"$out/runs.tsv"
    if [ "$status" != 0 ]; then
        show_tail "$log"
        die "run $label failed (exit status $status)"
    fi
    nreq=$(tail -c +"$((start + 1))" "$nginx_dir/access.log" |
        head -c "$((end - start))" | wc -l)
    workers=$(awk 'NF == 6 && $6 ~ /^[0-9]+$/ { print $6 }' "$log" |
        sort -un | paste -sd, -)
    say "      ($n/${#runs[@]}) $(printf '%-15s' "$label") $secs s," \
        "$nreq requests to nginx, worker pids $workers"
done
bash "$src/tests/servers/nginx.sh" stop "$nginx_dir" >/dev/null ||
    die "cannot stop nginx"
ntraces=$(find "$out/traces" -name metadata | wc -l)
say "      $ntraces trace directories in $out/traces"

# ---- 5. report and plots ----

# A flavor is the part of a file name after the granule's name
# (ATL06_..._page-only-8mb.h5: page-only-8mb), a run the record label;
# the baseline is the original flavor, each run against its own.
say "[6/6] h5snoop report --by run,flavor and h5snoop advise (report.txt," \
    "advise.txt)"
by=(--by "run,flavor" --flavor-regex '_([a-z0-9-]+)\.h5$')
if ! { "$h5snoop" report "${by[@]}" -o "$out/report.txt" "$out/traces" &&
    "$h5snoop" report "${by[@]}" --format csv -o "$out/report.csv" \
        "$out/traces"; } 2>"$out/logs/report.log"; then
    show_tail "$out/logs/report.log"
    die "h5snoop report failed"
fi
# The plots of all runs, grouped as the report: runs as rows, files
# (flavors) as columns, as in the seed's figures.
"$h5snoop" plot "${by[@]}" -o "$out/plots" "$out/traces" \
    >>"$out/logs/plot.log" 2>&1 ||
    { show_tail "$out/logs/plot.log"; die "h5snoop plot failed"; }
"$h5snoop" report "${by[@]}" --format html -o "$out/report.html" \
    "$out/traces" 2>>"$out/logs/report.log" ||
    { show_tail "$out/logs/report.log"; die "h5snoop report (html) failed"; }
"$h5snoop" advise -o "$out/advise.txt" "$out/traces" \
    2>>"$out/logs/report.log" ||
    { show_tail "$out/logs/report.log"; die "h5snoop advise failed"; }
echo
# The report's pivot tables, one per figure (they end where its
# findings begin).
awk '/^== driver reads \(vfd layer\), by run and flavor/ { on = 1 }
     /^findings: / { exit } on { print }' "$out/report.txt"
# The advice's head and its three most costly findings (all of them:
# advise.txt).
echo
say "h5snoop advise: what to change, most costly first (all: advise.txt)"
echo
awk '/^ *4  [a-z-]+: / { exit } { print }' "$out/advise.txt"
if [ "$network" = loopback ]; then
    say "on loopback a request costs well under a millisecond; on S3 it"
    say "costs tens of milliseconds, so compare requests more than times."
else
    say "times are those of the $network network (--network): each request"
    say "waited as it would on S3; compare them with --network loopback."
fi
say "plots:   $out/plots/ ($(find "$out/plots" -name '*.svg' |
    wc -l) SVG files; open them in a web browser), e.g."
say "         $out/plots/compare.svg"
say "report:  $out/report.txt (per run and flavor, each with its ratio to" \
    "the same run's original), report.csv and report.html (one page:" \
    "tables and pictures)"
say "advice:  $out/advise.txt (every finding, with its evidence and remedy)"
say "traces:  $out/traces/ (babeltrace2 reads them; see docs/trace-format.md)"
say "nginx:   $nginx_dir/access.log (runs.tsv maps runs to its lines)"
say "done in $(elapsed "$t_start") s"
