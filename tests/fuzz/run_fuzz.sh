#!/bin/bash
# run_fuzz.sh - build the reader's libFuzzer target with clang and run it.
#
# Usage: run_fuzz.sh BUILD_DIR SECONDS
#   SECONDS > 0: fuzz for that long, starting from tests/fuzz/corpus
#                (new inputs go to BUILD_DIR/fuzz/work, not the source
#                tree; crashes to BUILD_DIR/fuzz/crash-*)
#   SECONDS = 0: regression run: every file of tests/fuzz/regressions
#                and tests/fuzz/corpus once
# The target is built with clang -fsanitize=fuzzer,address,undefined from
# the sources of the analyzer's lower layers (listed by CMake in
# BUILD_DIR/tests/fuzz/fuzz_reader_inputs.txt) into
# BUILD_DIR/fuzz/fuzz_reader.
# Exit status: 0 no failure, 1 a crash/leak/timeout or build failure,
# 2 usage, 77 no clang with libFuzzer (skipped).

set -euo pipefail

usage() {
    echo "usage: ${0##*/} BUILD_DIR SECONDS" >&2
    exit 2
}
[ $# -eq 2 ] || usage
[[ $2 =~ ^[0-9]+$ ]] || usage
build=$1
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
out=$build/fuzz
clang=${CLANG:-clang}

if ! command -v "$clang" >/dev/null; then
    echo "SKIP: $clang not found"
    exit 77
fi
mkdir -p "$out" "$out/work"
if ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)
{ (void)d; (void)n; return 0; }' |
    "$clang" -x c -fsanitize=fuzzer -o "$out/probe" - 2>/dev/null; then
    echo "SKIP: $clang cannot build libFuzzer targets"
    exit 77
fi

# The layers' sources and include folders, as CMake lists them.
inputs=$build/tests/fuzz/fuzz_reader_inputs.txt
[ -f "$inputs" ] || { echo "$inputs missing: configure BUILD_DIR"; exit 1; }
mapfile -t layer_args <"$inputs"
"$clang" -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    "$here/fuzz_reader.c" "${layer_args[@]}" -lm -o "$out/fuzz_reader"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
common=(-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$out/")
if [ "$seconds" -eq 0 ]; then
    shopt -s nullglob
    inputs=("$here"/regressions/* "$here"/corpus/*)
    [ ${#inputs[@]} -gt 0 ] || { echo "no inputs"; exit 1; }
    exec "$out/fuzz_reader" "${common[@]}" "${inputs[@]}"
fi
exec "$out/fuzz_reader" "${common[@]}" -max_total_time="$seconds" \
    -max_len=262144 "$out/work" "$here/corpus"
