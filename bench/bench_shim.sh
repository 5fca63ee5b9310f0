#!/usr/bin/env bash
# bench_shim.sh BUILD_DIR [RUNS] [READS] [DRIVER] [STACKS] - what recording
# costs a reader.
#
# Runs bench/vfd_reads (READS small HDF5 reads of a local file, chunk cache
# off, each reaching the driver) RUNS times without and RUNS times with
# libh5snoop.so, alternating, in one invocation, and prints the median CPU
# nanoseconds added per traced vfd_read and the trace bytes per event.
# DRIVER is core (default: the file is read into memory at open, so the
# kernel adds no noise to the figure) or sec2 (a pread per read).
# STACKS (default 0) adds a third arm, alternating with the other two:
# the shim with H5SNOOP_STACKS=STACKS (1: a stack for every event; N: one
# in N), and prints its cost over no shim and over the shim without
# stacks.  All reads come from one call site, so after the first this is
# the cost of an unwind and a lookup of a stack already seen.
# BENCH_BASELINE_SHIM=PATH adds an arm with another build's libh5snoop.so
# (e.g. before a change), to compare its cost with this one's.
# Then bench/vfd_trampoline measures the same cost inside one process, the
# direct and the traced call back to back in each round, so that the
# machine's noise (other jobs, frequency changes) hits both alike: its
# median is the figure to quote; the end-to-end one above shows that
# nothing else in HDF5 changes.
# Figures, never a pass/fail.
set -euo pipefail
build=${1:?usage: bench_shim.sh BUILD_DIR [RUNS] [READS] [DRIVER] [STACKS]}
runs=${2:-21}
reads=${3:-200000}
driver=${4:-core}
stacks=${5:-0}
baseline=${BENCH_BASELINE_SHIM:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
host="$build/bin/vfd_reads"
shim="$build/lib/libh5snoop.so"
file="$work/bench.h5"

"$host" "$file" 1 >/dev/null   # create the file once
elapsed() { sed -n 's/.*cpu_ns=\([0-9]*\).*/\1/p'; }
# traced_run SHIM [ENV...]: one run under SHIM, its CPU ns on stdout.
traced_run() {
  local lib=$1
  shift
  rm -rf "$work/traces"
  env "$@" H5SNOOP_OUTPUT="$work/traces" LD_PRELOAD="$lib" \
    "$host" "$file" "$reads" "$driver" | elapsed
}
plain=() traced=() stacked=() base=()
for i in $(seq "$runs"); do
  plain+=("$("$host" "$file" "$reads" "$driver" | elapsed)")
  if [ -n "$baseline" ]; then
    base+=("$(traced_run "$baseline")")
  fi
  if [ "$stacks" != 0 ]; then
    stacked+=("$(traced_run "$shim" H5SNOOP_STACKS="$stacks")")
  fi
  # Last, so that the trace counted below is this arm's.
  traced+=("$(traced_run "$shim")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mp=$(median "${plain[@]}")
mt=$(median "${traced[@]}")

# Events and bytes of the last traced run, counted by babeltrace2.
dir=$(dirname "$(find "$work/traces" -name metadata | head -1)")
events=$(babeltrace2 "$dir" | grep -c 'vfd_read:')
all=$(babeltrace2 "$dir" | wc -l)
content=$(python3 - "$dir" <<'PY'
import os, struct, sys
total = 0
d = sys.argv[1]
for f in os.listdir(d):
    if not f.startswith("stream_"):
        continue
    data = open(os.path.join(d, f), "rb").read()
    off = 0
    while off + 72 <= len(data):
        content_bits, packet_bits = struct.unpack_from("<QQ", data, off + 40)
        total += content_bits // 8 - 72
        off += packet_bits // 8
print(total)
PY
)
echo "reads per run:            $reads through $driver ($events vfd_read events, $all events)"
echo "median without shim:      $((mp / reads)) ns per H5Dread"
echo "median with shim:         $((mt / reads)) ns per H5Dread"
echo "added per vfd_read:       $(( (mt - mp) / events )) ns (median of $runs runs each)"
echo "trace bytes per event:    $(( content / all )) (event payload, packet headers excluded)"
if [ "$stacks" != 0 ]; then
  ms=$(median "${stacked[@]}")
  echo "median with stacks:       $((ms / reads)) ns per H5Dread" \
       "(H5SNOOP_STACKS=$stacks)"
  echo "added per vfd_read:       $(( (ms - mp) / events )) ns with stacks" \
       "on, $(( (ms - mt) / events )) ns over stacks off"
fi
if [ -n "$baseline" ]; then
  mb=$(median "${base[@]}")
  echo "median with baseline:     $((mb / reads)) ns per H5Dread" \
       "($baseline)"
  echo "this shim minus baseline: $(( (mt - mb) / events )) ns per" \
       "vfd_read (stacks off)"
fi

# In one process: the same driver read called directly and through the
# class the shim hooked (see vfd_trampoline.c).
tramp="$build/bin/vfd_trampoline"
added() { sed -n 's/.*added_ns=\([0-9.]*\).*/\1/p'; }
rm -rf "$work/traces"
echo "in one process (median of 41 rounds of 100000 reads):"
echo "  no shim:                $("$tramp" | added) ns added per read (an indirect call)"
echo "  shim:                   $(H5SNOOP_OUTPUT="$work/traces" LD_PRELOAD="$shim" "$tramp" | added) ns added per vfd_read"
if [ "$stacks" != 0 ]; then
  rm -rf "$work/traces"
  echo "  shim, H5SNOOP_STACKS=$stacks: $(H5SNOOP_STACKS="$stacks" \
    H5SNOOP_OUTPUT="$work/traces" LD_PRELOAD="$shim" "$tramp" 41 20000 |
    added) ns added per vfd_read"
fi
