#!/usr/bin/env bash
# bench_shim.sh BUILD_DIR [RUNS] [READS] [DRIVER] [STACKS] - what recording
# costs a reader.
#
# Runs bench/vfd_reads (READS small HDF5 reads of a local file, chunk cache
# off, each reaching the driver) RUNS times without and RUNS times with
# libh5snoop.so, in pairs, and prints the CPU nanoseconds added per traced
# vfd_read (the median of the RUNS paired differences, with their
# quartiles) and the bytes the trace directory takes per vfd_read event,
# everything counted.
# RATIONALE: on a shared machine one H5Dread moves by more than the whole
# cost from one run to the next, with the load of other jobs.  So each run
# counts the CPU time of its read loop (user + system, not the wall
# clock), every run is pinned to one CPU (BENCH_CPU, default the last;
# taskset), the file and the page cache are warmed by one untimed run of
# each arm, the two runs of a pair follow each other (in alternating
# order, so a drift over the invocation does not favour one arm), and
# the figure is the median of the pairs' differences: a pair shares the
# machine's state of its moment, where medians taken per arm mix
# moments.  A slower shim still moves every pair, so the figure rises
# with it.
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
# nothing else in HDF5 changes.  Last, where valgrind is installed, the
# instructions the shim adds per vfd_read (callgrind): a figure that does
# not move with the machine's load, for comparing two builds.
# Last, BENCH_BREAKDOWN=1 (the default where valgrind is installed) says
# where the added cost goes, end to end: whole vfd_reads processes under
# callgrind's cache simulation (instructions, level-1 instruction and data
# cache misses per H5Dread, the difference of a 30,000- and a 10,000-read
# run, so start-up cancels) without the shim, with it preloaded but no
# layer seeing the reads (H5SNOOP_LAYERS=http), with the vfd layer only,
# and with every layer (the default), and perf's share of the CPU
# samples in the kernel and in the shim where perf works.
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
cpu=${BENCH_CPU:-$(( $(nproc) - 1 ))}
pin=()
if command -v taskset >/dev/null && taskset -c "$cpu" true 2>/dev/null; then
  pin=(taskset -c "$cpu")
fi
elapsed() { sed -n 's/.*cpu_ns=\([0-9]*\).*/\1/p'; }
# plain_run: one run without the shim, its CPU ns on stdout.
plain_run() {
  "${pin[@]}" "$host" "$file" "$reads" "$driver" | elapsed
}
# traced_run SHIM [ENV...]: one run under SHIM, its CPU ns on stdout.
traced_run() {
  local lib=$1
  shift
  rm -rf "$work/traces"
  env "$@" H5SNOOP_OUTPUT="$work/traces" LD_PRELOAD="$lib" \
    "${pin[@]}" "$host" "$file" "$reads" "$driver" | elapsed
}
# One run of ARM (plain, traced, stacked, base) appended to its array.
run_arm() {
  case $1 in
    plain) plain+=("$(plain_run)") ;;
    traced) traced+=("$(traced_run "$shim")") ;;
    stacked) stacked+=("$(traced_run "$shim" H5SNOOP_STACKS="$stacks")") ;;
    base) base+=("$(traced_run "$baseline")") ;;
  esac
}
arms=(plain traced)
if [ "$stacks" != 0 ]; then arms+=(stacked); fi
if [ -n "$baseline" ]; then arms+=(base); fi
# Warm-up, untimed: the file and the libraries in the page cache.
plain_run >/dev/null
traced_run "$shim" >/dev/null
plain=() traced=() stacked=() base=()
for i in $(seq "$runs"); do
  if [ $((i % 2)) = 1 ]; then
    order=("${arms[@]}")
  else
    order=()
    for ((a = ${#arms[@]} - 1; a >= 0; a--)); do order+=("${arms[a]}"); done
  fi
  for arm in "${order[@]}"; do run_arm "$arm"; done
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# paired A B: the differences A[i] - B[i], one a line.
paired() {
  local -n xs=$1 ys=$2
  for i in "${!xs[@]}"; do echo $(( xs[i] - ys[i] )); done
}
# per_read N: median and quartiles of the differences on stdin, in ns per
# vfd_read event ("M ns (quartiles Q1..Q3)").
per_read() {
  sort -n | awk -v n="$1" '{a[NR]=$1} END {
    printf "%d ns (quartiles %d..%d)", a[int((NR+1)/2)] / n,
      a[int((NR+3)/4)] / n, a[int((3*NR+1)/4)] / n }'
}
mp=$(median "${plain[@]}")
mt=$(median "${traced[@]}")

# Events of one more traced run (untimed), counted by babeltrace2.
traced_run "$shim" >/dev/null
dir=$(dirname "$(find "$work/traces" -name metadata | head -1)")
events=$(babeltrace2 "$dir" | grep -c 'vfd_read:')
all=$(babeltrace2 "$dir" | wc -l)
# Everything the trace directory holds (metadata, packet headers,
# padding): apparent sizes and allocated blocks.
read -r apparent allocated < <(python3 - "$dir" <<'PY'
import os, sys
d = sys.argv[1]
sizes = [os.stat(os.path.join(d, f)) for f in os.listdir(d)]
print(sum(s.st_size for s in sizes), sum(s.st_blocks * 512 for s in sizes))
PY
)
echo "reads per run:            $reads through $driver ($events vfd_read events, $all events)"
echo "runs:                     $runs pairs, CPU time of the read loop," \
     "${pin[*]:-not pinned}"
echo "median without shim:      $((mp / reads)) ns per H5Dread"
echo "median with shim:         $((mt / reads)) ns per H5Dread"
echo "added per vfd_read:       $(paired traced plain | per_read "$events")" \
     "(median of $runs paired differences)"
echo "trace on disk per vfd_read: $(( apparent / events )) bytes" \
     "($apparent bytes in $(ls "$dir" | wc -l) files; $(( allocated / events ))" \
     "bytes allocated)"
if [ "$stacks" != 0 ]; then
  ms=$(median "${stacked[@]}")
  echo "median with stacks:       $((ms / reads)) ns per H5Dread" \
       "(H5SNOOP_STACKS=$stacks)"
  echo "added per vfd_read:       $(paired stacked plain | per_read "$events")" \
       "with stacks on"
  echo "                          $(paired stacked traced | per_read "$events")" \
       "over stacks off"
fi
if [ -n "$baseline" ]; then
  mb=$(median "${base[@]}")
  echo "median with baseline:     $((mb / reads)) ns per H5Dread" \
       "($baseline)"
  echo "this shim minus baseline: $(paired traced base | per_read "$events")" \
       "per vfd_read (stacks off)"
fi

# In one process: the same driver read called directly and through the
# class the shim hooked (see vfd_trampoline.c).
tramp="$build/bin/vfd_trampoline"
added() { sed -n 's/.*added_ns=\([0-9.]*\).*/\1/p'; }
rm -rf "$work/traces"
echo "in one process (median of 41 rounds of 100000 reads):"
echo "  no shim:                $("${pin[@]}" "$tramp" | added) ns added per read (an indirect call)"
echo "  shim:                   $(H5SNOOP_OUTPUT="$work/traces" LD_PRELOAD="$shim" "${pin[@]}" "$tramp" | added) ns added per vfd_read"
if [ "$stacks" != 0 ]; then
  rm -rf "$work/traces"
  echo "  shim, H5SNOOP_STACKS=$stacks: $(H5SNOOP_STACKS="$stacks" \
    H5SNOOP_OUTPUT="$work/traces" LD_PRELOAD="$shim" "${pin[@]}" "$tramp" 41 20000 |
    added) ns added per vfd_read"
fi

# Instructions per traced read: vfd_trampoline's traced calls under
# callgrind, minus the same driver called directly (the bench driver's own
# work), per read.
if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null
then
  cg_instructions() {
    rm -rf "$work/traces" "$work/cg.out"
    env "$@" H5SNOOP_OUTPUT="$work/traces" LD_PRELOAD="$shim" \
      valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
      "$tramp" 3 100000 >/dev/null 2>&1
    callgrind_annotate --auto=no --inclusive=yes "$work/cg.out" 2>/dev/null | awk '
      /interpose_hdf5[.]c:slot_read_[0-9]+ / { gsub(",", "", $1); t += $1 }
      /vfd_trampoline[.]c:mem_read / { gsub(",", "", $1); d += $1 }
      END { printf "%.0f", (t - d / 2) / 300000 }'
  }
  echo "instructions per vfd_read (callgrind, shim minus the driver):" \
       "$(cg_instructions)"
  if [ "$stacks" != 0 ]; then
    echo "  with H5SNOOP_STACKS=$stacks: $(cg_instructions H5SNOOP_STACKS="$stacks")"
  fi
fi

# Where the added cost goes (see the header).
if [ "${BENCH_BREAKDOWN:-1}" = 1 ] && command -v valgrind >/dev/null; then
  # cg_counts [ENV...]: Ir I1mr D1mr D1mw per H5Dread, one arm.
  cg_counts() {
    local n out=() 
    for n in 10000 30000; do
      rm -rf "$work/traces" "$work/cgw.out"
      env "$@" valgrind --tool=callgrind --cache-sim=yes \
        --callgrind-out-file="$work/cgw.out" "$host" "$file" "$n" \
        "$driver" >/dev/null 2>&1
      out+=("$(sed -n 's/^summary: //p' "$work/cgw.out")")
    done
    awk -v a="${out[0]}" -v b="${out[1]}" 'BEGIN {
      split(a, x, " "); split(b, y, " ")
      # events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw
      printf "%7.0f %7.1f %7.1f %7.1f", (y[1] - x[1]) / 20000,
        (y[4] - x[4]) / 20000, (y[5] - x[5]) / 20000, (y[6] - x[6]) / 20000
    }'
  }
  echo "where it goes, per H5Dread through $driver (callgrind, whole process):"
  echo "                              instr  I1miss  D1rmiss D1wmiss"
  echo "  no shim:                    $(cg_counts X=1)"
  echo "  shim, no layer sees reads:  $(cg_counts H5SNOOP_OUTPUT="$work/traces" H5SNOOP_LAYERS=http LD_PRELOAD="$shim")"
  echo "  shim, vfd layer only:       $(cg_counts H5SNOOP_OUTPUT="$work/traces" H5SNOOP_LAYERS=vfd LD_PRELOAD="$shim")"
  echo "  shim, every layer:          $(cg_counts H5SNOOP_OUTPUT="$work/traces" LD_PRELOAD="$shim")"
  if [ "$stacks" != 0 ]; then
    echo "  shim, H5SNOOP_STACKS=$stacks:      $(cg_counts H5SNOOP_OUTPUT="$work/traces" H5SNOOP_STACKS="$stacks" LD_PRELOAD="$shim")"
  fi
  if command -v perf >/dev/null && perf record -q -o "$work/p.data" -e cpu-clock true >/dev/null 2>&1; then
    # perf_share [ENV...]: % of CPU samples in the kernel and in the shim.
    perf_share() {
      rm -rf "$work/traces"
      env "$@" perf record -q -F 10000 -e cpu-clock -o "$work/p.data" \
        "$host" "$file" 400000 "$driver" >/dev/null 2>&1
      perf report -i "$work/p.data" --stdio --sort dso 2>/dev/null | awk '
        /kernel/ { k = $1 } /libh5snoop/ { s = $1 }
        END { printf "kernel %s, libh5snoop.so %s", k ? k : "0%", s ? s : "0%" }'
    }
    echo "CPU samples (perf, 400000 reads):"
    echo "  no shim:                    $(perf_share X=1)"
    echo "  shim, every layer:          $(perf_share H5SNOOP_OUTPUT="$work/traces" LD_PRELOAD="$shim")"
  fi
fi
