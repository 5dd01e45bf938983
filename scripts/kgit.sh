#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Print the path of a git repository holding the pristine source of the
# newest kernel of scripts/kernels (kernel.sh newest: the tree the series
# is made for), creating it once: linux-source-SERIES's tarball is taken
# afresh from the package's .deb (the tree that 'kernel.sh src' unpacked
# is written to by the selftest build, so it is not pristine) and committed
# as one commit, tagged "base". 'make patch' builds the series on top of
# that commit with git plumbing (the work tree is not touched) and 'make
# check-intree' applies it in the work tree.
#
# The directory is $CACHE/linux-git-SERIES-VERSION (VERSION: the Debian
# package's), so a new package makes a new repository; it is built under a
# temporary name and renamed when complete. Like kernel.sh, exit status 3
# with one line on stderr when the archive has no such package any more
# and nothing is cached: the caller counts its steps as skipped.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=$("$REPO/scripts/kernel.sh" newest)
status=0
mkdir -p "$CACHE"
# one unpack of the source at a time (the lock scripts/ksrc.sh takes)
src=$(exec 7> "$CACHE/.src-$series.lock" && flock 7 &&
	"$REPO/scripts/kernel.sh" src "$series") || status=$?
[ "$status" -eq 0 ] || exit "$status"
version=${src##*/linux-source-"$series"-}
pkg=linux-source-$series
repo=$CACHE/linux-git-$series-$version

if [ ! -d "$repo" ]; then
	mkdir -p "$CACHE"
	exec 8>"$CACHE/.kgit.lock"
	flock 8
fi
if [ ! -d "$repo" ]; then
	deb=$CACHE/debs/${pkg}_${version//:/%3a}_all.deb
	if [ ! -s "$deb" ]; then
		deb=$("$REPO/scripts/archive.sh" fetch "$pkg=$version") || {
			msg "$pkg $version: the archive has no such package any more"
			exit 3
		}
	fi
	tmp=$(mktemp -d "$CACHE/.kgit.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	msg "unpacking $pkg $version into a git repository in $CACHE (once, a few minutes)"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/linux-source-$series.tar.xz" |
		tar -xJ -C "$tmp" --strip-components=1
	[ -f "$tmp/Makefile" ] || die "$deb: no kernel tree in ./usr/src/linux-source-$series.tar.xz"
	g() { git -C "$tmp" "$@"; }
	g init -q
	# 90,000 loose objects: never let a commit start an automatic gc
	g config gc.auto 0
	g config core.autocrlf false
	g config user.name remap_pfn
	g config user.email remap_pfn@localhost
	# -f: the tarball is the tree, including files its .gitignores match
	g add -A -f
	# fixed identity and date, so the base commit is the same everywhere
	kversion=$(make -s --no-print-directory -C "$tmp" kernelversion)
	GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
		g commit -q -m "Linux $kversion, Debian $pkg $version"
	g tag base
	g checkout -q --detach base
	mv -T "$tmp" "$repo"
fi
echo "$repo"
