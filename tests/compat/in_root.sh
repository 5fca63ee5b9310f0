#!/bin/bash
# in_root.sh - run one command inside a root file system made by
# make_root.sh, with /proc and /dev mounted there for that command only.
#
# Usage: in_root.sh ROOT COMMAND [ARG...]
#
# The command runs as root, chrooted into ROOT, with an environment of
# PATH, HOME=/tmp and LC_ALL=C.UTF-8 plus every NAME=VALUE given before
# the command through env(1) (in_root.sh ROOT env A=1 cmd).  The network
# is the host's: a server on the host's 127.0.0.1 is reachable.
#
# RATIONALE: the mounts are made in a private mount namespace (unshare),
# so they exist for this command alone and vanish with it, even when it
# is killed: a root is never left with /proc mounted, and concurrent
# commands in one root do not share mounts.
#
# Exit status: the command's (its signal as 128+N), or 1 if the root
# cannot be entered.
set -euo pipefail

[ $# -ge 2 ] || {
	echo "usage: ${0##*/} ROOT COMMAND [ARG...]" >&2
	exit 2
}
root=$1
shift
[ -x "$root/usr/bin/env" ] || {
	echo "${0##*/}: error: $root is not a root file system" >&2
	exit 1
}
# shellcheck disable=SC2016  # $0 and $@ belong to the inner shell
exec unshare --mount --propagation private -- /bin/sh -c '
	mount -t proc proc "$0/proc" &&
	mount --bind /dev "$0/dev" &&
	exec chroot "$0" /usr/bin/env -i \
		PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp LC_ALL=C.UTF-8 "$@"
' "$root" "$@"
