#!/usr/bin/env bash
# bench_net.sh BUILD_DIR [ROUNDS] [READS] - what the net layer costs a
# read(2) of a local file (an fd it does not follow: one table lookup).
#
# Runs bench/net_read (see its header) three times: without the shim (the
# noise floor), with the shim and the net layer off (H5SNOOP_LAYERS=
# vfd,http: the wrapper still runs) and with it on (the default).  Then,
# when valgrind is installed, the instructions the wrapper adds per read
# under callgrind, which are repeatable where times are not.
# Figures, never a pass/fail.
set -euo pipefail
build=${1:?usage: bench_net.sh BUILD_DIR [ROUNDS] [READS]}
rounds=${2:-41}
reads=${3:-20000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
host="$build/bin/net_read"
shim="$build/lib/libh5snoop.so"
head -c 4096 /dev/zero >"$work/file"

echo "no shim:         $("$host" "$work/file" "$rounds" "$reads")"
echo "shim, net off:   $(H5SNOOP_OUTPUT="$work/t" H5SNOOP_LAYERS=vfd,http \
  LD_PRELOAD="$shim" "$host" "$work/file" "$rounds" "$reads")"
echo "shim, net on:    $(H5SNOOP_OUTPUT="$work/t" LD_PRELOAD="$shim" \
  "$host" "$work/file" "$rounds" "$reads")"
if command -v valgrind >/dev/null; then
  # Instructions per read: callgrind totals of runs with N and 2N reads
  # (one round: each read once through libc and once as bound), so that
  # start-up cancels out; with the shim minus without.
  count() {
    local n=$1
    shift
    env "$@" valgrind --tool=callgrind --callgrind-out-file="$work/cg" \
      "$host" "$work/file" 1 "$n" >/dev/null 2>"$work/cg.err"
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/cg.err"
  }
  per_read() {
    local one two
    one=$(count "$reads" "$@")
    two=$(count $((2 * reads)) "$@")
    echo $(( (two - one) / reads ))
  }
  plain=$(per_read H5SNOOP_UNUSED=1)
  off=$(per_read H5SNOOP_OUTPUT="$work/t" H5SNOOP_LAYERS=vfd,http \
    LD_PRELOAD="$shim")
  on=$(per_read H5SNOOP_OUTPUT="$work/t" LD_PRELOAD="$shim")
  echo "callgrind: instructions per round trip (libc read + read as" \
    "bound): no shim $plain, net off $off, net on $on: the wrapper adds" \
    "$((on - plain))"
fi
