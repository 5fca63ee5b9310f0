#!/bin/bash
# make_root.sh - make (or reuse) the Debian root file system of one suite
# that the compatibility stage runs the host-built shim and CLI in.
#
# Usage:
#   make_root.sh SUITE        print the root's path on stdout when it is
#                             ready (built now or reused)
#
# The root lives in $H5SNOOP_COMPAT_CACHE/SUITE (default
# /var/cache/h5snoop-compat/SUITE), outside any checkout, so that a second
# run on the same machine reuses it.  It is rebuilt when the package list
# below changes: the root holds the SHA-256 of the list it was made from in
# /.h5snoop-compat-packages.  A build goes to a temporary directory that is
# renamed into place only when debootstrap succeeded, so an interrupted
# build is never reused.  Builds of one suite are serialised by a lock.
#
# The archive is the one this machine's apt already uses (the first http
# or https `URIs:`/`deb` address in its sources that serves the main
# Debian archive), checked with the host's debian-archive-keyring.  No
# archive host is written here.
#
# Must never: reuse a half-built root, or touch anything outside the cache
# directory.  Needs root (debootstrap, chroot).
#
# Exit status: 0 ready, 1 failure (message on stderr: the stage fails
# loudly, it is never skipped), 2 usage error.

set -euo pipefail

prog=${0##*/}
cache=${H5SNOOP_COMPAT_CACHE:-/var/cache/h5snoop-compat}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
# What every root holds besides minbase: the clients the stage runs.
packages=(hdf5-tools python3-h5py python3-numpy python3-fsspec
	python3-aiohttp gdal-bin ca-certificates)

die() {
	echo "$prog: error: $*" >&2
	exit 1
}

# archive_uri: the Debian archive this machine's apt uses.
archive_uri() {
	local f uri
	# deb822 sources first (URIs: may list several), then one-line ones.
	for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		case $f in
		*.sources)
			uri=$(awk 'tolower($1) == "uris:" {
				for (i = 2; i <= NF; i++) print $i }' "$f")
			;;
		*)
			uri=$(awk '$1 == "deb" {
				for (i = 2; i <= NF; i++)
					if ($i ~ /^[a-z]+:\/\//) { print $i; break }
			}' "$f")
			;;
		esac
		# NOTE: the security archive has no suite but *-security.
		uri=$(printf '%s\n' "$uri" | grep -E '^https?://' |
			grep -v -- '-security' | head -n 1 || true)
		if [ -n "$uri" ]; then
			printf '%s\n' "$uri"
			return 0
		fi
	done
	return 1
}

[ $# -eq 1 ] && [ -n "$1" ] || {
	echo "usage: $prog SUITE" >&2
	exit 2
}
suite=$1
case $suite in
*/* | .*) die "bad suite name '$suite'" ;;
esac
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap and chroot)"
command -v debootstrap >/dev/null || die "debootstrap is not installed"
[ -r "$keyring" ] || die "no $keyring (package debian-archive-keyring)"

want=$(printf '%s\n' "$suite" "${packages[@]}" | sha256sum | cut -d' ' -f1)
root=$cache/$suite
stamp=.h5snoop-compat-packages

mkdir -p "$cache" || die "cannot create $cache"
exec 9>"$cache/$suite.lock" || die "cannot open $cache/$suite.lock"
flock 9

if [ -f "$root/$stamp" ] && [ "$(cat "$root/$stamp")" = "$want" ]; then
	echo "$root"
	exit 0
fi

mirror=$(archive_uri) || die "no Debian archive address in the apt sources"
tmp=$(mktemp -d "$cache/.$suite.build.XXXXXX")
# RATIONALE: a failed or interrupted build leaves nothing that looks like
# a root; stale temporary directories of killed runs are removed below.
trap 'rm -rf --one-file-system "$tmp"' EXIT
for old in "$cache/.$suite.build."*; do
	[ "$old" = "$tmp" ] || rm -rf --one-file-system "$old"
done

echo "$prog: making the $suite root in $root (a few minutes)" >&2
include=$(
	IFS=,
	echo "${packages[*]}"
)
if ! debootstrap --variant=minbase --keyring="$keyring" \
	--include="$include" "$suite" "$tmp/root" "$mirror" \
	>"$tmp/debootstrap.log" 2>&1; then
	tail -n 30 "$tmp/debootstrap.log" >&2
	die "debootstrap of $suite from $mirror failed"
fi
# Downloaded packages are not needed to run anything.
rm -f "$tmp/root/var/cache/apt/archives/"*.deb
echo "$want" >"$tmp/root/$stamp"
if [ -e "$root" ]; then
	mv "$root" "$tmp/old"
fi
mv "$tmp/root" "$root"
echo "$root"
