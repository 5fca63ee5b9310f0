#!/bin/bash
# bench_report.sh - how fast `h5snoop report` reads a trace, against
# babeltrace2's text output of the same trace.
#
# Usage: bench_report.sh BUILD_DIR [EVENTS]   (default 10000000)
#
# Writes a synthetic trace of EVENTS events in the real format
# (BUILD_DIR/bin/gen_trace: 3 processes of 2 threads, ROS3-like reads and
# requests) into a temporary directory, reads it once to warm the page
# cache, then times:
#   h5snoop report TRACE > /dev/null        3 runs, the median
#   h5snoop report on a tenth of the events (peak RSS must not grow)
#   babeltrace2 TRACE > /dev/null           once
# and prints events per second, peak RSS (/usr/bin/time %M, package
# `time`) and the ratio of the two times.  A benchmark, not a test: it
# prints figures and exits 0 unless something failed to run.
# Targets (issue 3): >= 20 M events/s, <= 64 MiB peak RSS independent of
# the number of events, >= 50x babeltrace2.

set -euo pipefail

usage() {
    echo "usage: ${0##*/} BUILD_DIR [EVENTS]" >&2
    exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
build=$1
events=${2:-10000000}
[[ $events =~ ^[0-9]+$ ]] || usage
h5snoop=$build/bin/h5snoop
gen=$build/bin/gen_trace
for tool in "$h5snoop" "$gen"; do
    [ -x "$tool" ] || { echo "${0##*/}: $tool not built" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "${0##*/}: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
command -v babeltrace2 >/dev/null ||
    { echo "${0##*/}: babeltrace2 missing (apt-get install babeltrace2)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/h5snoop-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# run_timed OUT CMD...: runs CMD (stdout to /dev/null); appends
# "seconds rss_kib" to OUT, seconds from a ns clock.
run_timed() {
    local out=$1 t0 t1
    shift
    t0=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/stderr" ||
        { echo "failed: $*" >&2; cat "$tmp/stderr" >&2; exit 1; }
    t1=$(date +%s%N)
    echo "$(( (t1 - t0) / 1000 )) $(tail -1 "$tmp/rss")" >>"$out"
}

echo "generating $events events..."
"$gen" -n "$events" "$tmp/trace"
"$gen" -n "$((events / 10))" "$tmp/small"
bytes=$(du -sb "$tmp/trace" | cut -f1)
# NOTE: written back first, so that no writeback competes with the runs.
sync
cat "$tmp"/trace/*/stream_* "$tmp"/small/*/stream_* >/dev/null

for i in 1 2 3; do
    run_timed "$tmp/report" "$h5snoop" report "$tmp/trace"
done
run_timed "$tmp/small_report" "$h5snoop" report "$tmp/small"
echo "running babeltrace2 (slow)..."
run_timed "$tmp/bt" babeltrace2 "$tmp/trace"

median=$(sort -n "$tmp/report" | sed -n 2p)
report_us=${median% *}
report_rss=${median#* }
small_rss=$(cut -d' ' -f2 "$tmp/small_report")
read -r bt_us bt_rss <"$tmp/bt"

awk -v n="$events" -v b="$bytes" -v r="$report_us" -v rr="$report_rss" \
    -v sr="$small_rss" -v t="$bt_us" -v tr="$bt_rss" 'BEGIN {
    printf "trace:        %d events, %.0f MiB on disk\n", n, b / 1048576
    printf "h5snoop report: %.3f s (median of 3), %.1f M events/s, " \
           "peak RSS %.1f MiB (%.1f MiB at %d events)\n",
           r / 1e6, n / r, rr / 1024, sr / 1024, n / 10
    printf "babeltrace2:  %.3f s, %.2f M events/s, peak RSS %.1f MiB\n",
           t / 1e6, n / t, tr / 1024
    printf "ratio:        h5snoop report is %.0fx faster\n", t / r
}'
