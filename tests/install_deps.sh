#!/usr/bin/env bash
# install_deps.sh - installs, with apt, every Debian 12 package that
# building, testing and the demo need; does nothing when all are there.
# Used by tests/run.sh (hence CI) and samples/demo.sh.
set -euo pipefail

packages=(
  build-essential gcc-multilib cmake pkg-config clang llvm libclang-rt-14-dev
  time curl
  procps util-linux strace debootstrap debian-archive-keyring
  libhdf5-dev hdf5-tools libcurl4-openssl-dev libunwind-dev libncurses-dev
  nginx-light libnginx-mod-http-lua babeltrace2 gdal-bin librsvg2-bin libxml2-utils
  chromium
  python3-h5py python3-numpy python3-fsspec python3-aiohttp
  python3-requests python3-dask python3-distributed
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "h5snoop: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
# RATIONALE: with recommends, as a user's `apt install` would: the
# tests then run against what people have.
DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
  "${missing[@]}" >/dev/null
