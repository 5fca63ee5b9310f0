#!/bin/bash
# bench_groups.sh - time and peak memory of `h5snoop report`, `plot` and
# `export` on traces of many small files: one group per file, the case
# whose cost must follow the groups shown (--top), not the files.
#
# Usage: bench_groups.sh BUILD_DIR [FILES]   (default 200000)
#
# Writes, with BUILD_DIR/bin/gen_trace -m, traces of FILES/20, FILES/10,
# FILES/5 and FILES files (each opened, read once and closed: 3 events
# per file, ~130 bytes) into a temporary directory, then runs once each
# and prints elapsed seconds and peak RSS (/usr/bin/time -v, package
# `time`):
#   report       on every size (linear time: the ratios follow the sizes)
#   report --all, plot, export   on the largest
# A benchmark, not a test: it prints figures and exits 0 unless something
# failed to run.  Target (issue 8): FILES=200000 in under 60 s and
# 256 MiB for report and plot.

set -euo pipefail

usage() {
    echo "usage: ${0##*/} BUILD_DIR [FILES]" >&2
    exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
build=$1
files=${2:-200000}
[[ $files =~ ^[0-9]+$ ]] && [ "$files" -ge 20 ] || usage
h5snoop=$build/bin/h5snoop
gen=$build/bin/gen_trace
for tool in "$h5snoop" "$gen"; do
    [ -x "$tool" ] || { echo "${0##*/}: $tool not built" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "${0##*/}: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/h5snoop-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# measure NAME CMD...: runs CMD (stdout to /dev/null), prints NAME, the
# elapsed seconds and the peak RSS.
measure() {
    local name=$1
    shift
    /usr/bin/time -v -o "$tmp/time" "$@" >/dev/null 2>"$tmp/stderr" ||
        { echo "failed: $*" >&2; cat "$tmp/stderr" "$tmp/time" >&2; exit 1; }
    awk -v name="$name" -F': ' '
        /Elapsed \(wall clock\)/ {
            n = split($2, p, ":"); s = 0
            for (i = 1; i <= n; i++) s = s * 60 + p[i]
        }
        /Maximum resident set size/ { rss = $2 }
        END { printf "%-34s %8.2f s  %8.1f MiB peak RSS\n", name, s, rss / 1024 }
    ' "$tmp/time"
}

sizes="$((files / 20)) $((files / 10)) $((files / 5)) $files"
for n in $sizes; do
    "$gen" -m "$n" "$tmp/m$n"
done
# NOTE: written back first, so that no writeback competes with the runs.
sync
cat "$tmp"/m*/*/stream_* >/dev/null
echo "traces: $(du -sh "$tmp/m$files" | cut -f1) for $files files"
for n in $sizes; do
    measure "report, $n files" "$h5snoop" report "$tmp/m$n"
done
measure "report --all, $files files" "$h5snoop" report --all "$tmp/m$files"
measure "plot, $files files" "$h5snoop" plot -o "$tmp/plots" "$tmp/m$files"
measure "export, $files files" "$h5snoop" export "$tmp/m$files"
