#!/bin/bash
# make_flavors.sh - make the seed's cloud-optimized flavors of a granule.
#
# Usage: make_flavors.sh GRANULE.h5 OUTDIR
#
# Writes four files into OUTDIR (created if missing), each named
#   <stem>_<flavor>.h5      where <stem> is GRANULE's name without .h5
# and <flavor> is one of
#   original             a byte-for-byte copy of GRANULE
#   page-only-8mb        h5repack -S PAGE -G 8388608: paged file space,
#                        8 MiB pages, so metadata sits together in pages
#   rechunked-2mb        h5repack -l ...:CHUNK=N: every chunked 1-D
#                        variable gets chunks of about 2 MiB (N depends on
#                        the element size; see chunk_plan.py)
#   rechunked-2mb-paged  both of the above
# Flavor names never contain '_', so a file's flavor is the text between
# its last '_' and '.h5' (e.g. ATL06_20200811143458_07210811_006_01_
# page-only-8mb.h5 -> page-only-8mb).  The names of the flavors are
# printed, one per line, on stdout.
#
# Idempotent: every run rewrites all four files (each through a
# .partial file renamed at the end, so a file with the final name is
# always complete).  It must never leave a half-written flavor behind or
# modify GRANULE.

set -euo pipefail

prog=${0##*/}
here=$(cd "$(dirname "$0")" && pwd)
page_bytes=8388608
chunk_bytes=2097152

die() {
    echo "$prog: error: $*" >&2
    exit 1
}

usage() {
    echo "usage: $prog GRANULE.h5 OUTDIR"
    echo "Makes OUTDIR/<stem>_{original,page-only-8mb,rechunked-2mb,"
    echo "rechunked-2mb-paged}.h5 from GRANULE.h5 with h5repack."
}

if [ $# -eq 1 ] && { [ "$1" = --help ] || [ "$1" = -h ]; }; then
    usage
    exit 0
fi
if [ $# -ne 2 ]; then
    usage >&2
    echo "Try '$prog --help' for more information." >&2
    exit 2
fi

granule=$1
outdir=$2
[ -f "$granule" ] || die "granule '$granule' is not a readable file"
command -v h5repack >/dev/null ||
    die "h5repack not found (apt-get install hdf5-tools)"
mkdir -p "$outdir" || die "cannot create output directory '$outdir'"

stem=$(basename "$granule" .h5)
case $stem in
*_original) stem=${stem%_original} ;;
esac

# NOTE: one array element per argument, so dataset lists with commas
# and the CHUNK= values reach h5repack intact.
mapfile -t chunk_opts < <(/usr/bin/python3 "$here/chunk_plan.py" \
    --chunk-bytes "$chunk_bytes" "$granule") ||
    die "chunk_plan.py failed on '$granule'"
[ ${#chunk_opts[@]} -gt 0 ] || die "no chunk plan for '$granule'"

# make_one FLAVOR CMD...: run CMD with the output path appended, into a
# .partial file, then rename it to the flavor's final name.
make_one() {
    local flavor=$1
    shift
    local out="$outdir/${stem}_${flavor}.h5"
    rm -f "$out.partial"
    if ! "$@" "$out.partial"; then
        rm -f "$out.partial"
        die "making flavor '$flavor' failed: $* $out.partial"
    fi
    mv -f "$out.partial" "$out"
    echo "$flavor"
}

make_one original cp -- "$granule"
make_one page-only-8mb h5repack -S PAGE -G "$page_bytes" "$granule"
make_one rechunked-2mb h5repack "${chunk_opts[@]}" "$granule"
make_one rechunked-2mb-paged h5repack -S PAGE -G "$page_bytes" \
    "${chunk_opts[@]}" "$granule"
