#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Print the path of a git repository holding the pristine linux-source-6.1
# tree, creating it once: the tarball is unpacked afresh (the tree that
# scripts/ksrc.sh keeps is written to by the selftest build, so it is not
# pristine) and committed as one commit, tagged "base". 'make patch'
# builds the series on top of that commit with git plumbing (the work tree
# is not touched) and 'make check-intree' applies it in the work tree.
#
# Like ksrc.sh, the directory name carries the package version and the
# repository is built under a temporary name and renamed when complete.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tarball=/usr/src/linux-source-6.1.tar.xz
[ -r "$tarball" ] || die "$tarball missing; run 'make deps'"
version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
repo=$CACHE/linux-git-$version

if [ ! -d "$repo" ]; then
	mkdir -p "$CACHE"
	exec 8>"$CACHE/.kgit.lock"
	flock 8
fi
if [ ! -d "$repo" ]; then
	tmp=$(mktemp -d "$CACHE/.kgit.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	msg "unpacking $tarball into a git repository in $CACHE (once, about a minute)"
	tar -xJf "$tarball" -C "$tmp" --strip-components=1
	g() { git -C "$tmp" "$@"; }
	g init -q
	# 80,000 loose objects: never let a commit start an automatic gc
	g config gc.auto 0
	g config core.autocrlf false
	g config user.name remap_pfn
	g config user.email remap_pfn@localhost
	# -f: the tarball is the tree, including files its .gitignores match
	g add -A -f
	# fixed identity and date, so the base commit is the same everywhere
	GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
		g commit -q -m "Linux 6.1, Debian linux-source-6.1 $version"
	g tag base
	g checkout -q --detach base
	mv -T "$tmp" "$repo"
fi
echo "$repo"
