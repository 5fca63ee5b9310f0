#!/usr/bin/env bash
# run.sh - the whole test suite, as CI runs it: installs what is missing,
# then builds and runs every test twice, in a normal build (build/release)
# and under AddressSanitizer + UBSan (build/asan).
#
#   bash tests/run.sh            both builds
#   bash tests/run.sh release    one of them (release or asan)
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/install_deps.sh

run_build() {
  local name=$1; shift
  echo "== h5snoop: $name build"
  # Warnings are errors here, where the compiler is known (off by
  # default for users building with another one).
  cmake -S . -B "build/$name" -DH5SNOOP_WERROR=ON "$@" >/dev/null
  cmake --build "build/$name" -j"$(nproc)"
  (cd "build/$name" && ctest --output-on-failure -j"$(nproc)")
}

which=${1:-all}
if [ "$which" = all ] || [ "$which" = release ]; then
  run_build release -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
if [ "$which" = all ] || [ "$which" = asan ]; then
  run_build asan -DCMAKE_BUILD_TYPE=Debug -DH5SNOOP_SANITIZE=ON
fi
