#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# sparse.sh KSRC: print the sparse to run (CHECK=) on the module, for the
# kernel source tree KSRC (the newest series') and the older ones.
#
# Debian 12's sparse 0.6.4 when KSRC's scripts/checker-valid.sh accepts it.
# 7.x's does not: its headers use __typeof_unqual__, which 0.6.4 cannot
# parse, and its kbuild then turns C=2 off with one warning line, so that
# sparse would silently check nothing. sid's sparse (0.6.5~rc1) parses it,
# but its binary needs glibc 2.38 (Debian 12 has 2.36). So its source
# package is fetched with apt-get source through a private deb-src list of
# the archive (in $CACHE/apt-src; the host's apt state is never touched)
# and its sparse program alone built with Debian 12's gcc into
# $CACHE/sparse-VERSION, once (about 40 s). Debian's own patches are left
# out: one only makes sparse use gcc-16's headers, which Debian 12 lacks.
#
# Exit status 3, with one line on stderr, when the archive no longer has
# the source package and none was built before.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ksrc=${1:?usage: sparse.sh KSRC}
valid=$ksrc/scripts/checker-valid.sh
# the flags kbuild checks with (x86-64)
accepts() {
	[ ! -f "$valid" ] ||
		[ "$(cd /tmp && sh "$valid" "$1" --arch=x86_64 -mlittle-endian -m64 2>/dev/null)" = 1 ]
}

if accepts sparse; then
	echo sparse
	exit 0
fi

apt=$CACHE/apt-src
mirror=${REMAP_PFN_MIRROR:-http://deb.debian.org/debian}
opts=(-o "Dir::Etc::sourcelist=$apt/sources.list" -o "Dir::Etc::sourceparts=$apt/empty"
	-o "Dir::Etc::preferences=$apt/empty/none" -o "Dir::Etc::preferencesparts=$apt/empty"
	-o "Dir::State=$apt/state" -o "Dir::Cache=$apt/cache"
	-o "Dir::State::status=$apt/state/status" -o APT::Sandbox::User=root
	-o APT::Get::List-Cleanup=0 -o Acquire::Languages=none -q)
mkdir -p "$apt/empty" "$apt/state/lists/partial" "$apt/cache/archives/partial"
exec 6> "$CACHE/.sparse.lock"
flock 6
[ -f "$apt/state/status" ] || : > "$apt/state/status"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" \
	> "$apt/sources.list"
# the source lists, refreshed at most once a day
if [ -z "$(find "$apt/updated" -mmin -1440 2>/dev/null)" ]; then
	if apt-get "${opts[@]}" update > "$apt/update.log" 2>&1; then
		touch "$apt/updated"
	else
		msg "apt-get update of sid's source list failed (log: $apt/update.log)"
	fi
fi
version=$(apt-cache "${opts[@]}" showsrc sparse 2>/dev/null |
	sed -n 's/^Version: //p' | sort -V | tail -n 1 || true)
if [ -z "$version" ]; then
	# the archive is unreachable or dropped it: the newest one built
	dir=$(find "$CACHE" -maxdepth 1 -name 'sparse-*' -type d | sort -V | tail -n 1)
	if [ -z "$dir" ] || ! accepts "$dir/sparse"; then
		msg "sparse: sid's source package is not in the archive, and Debian 12's sparse is too old for $ksrc"
		exit 3
	fi
	echo "$dir/sparse"
	exit 0
fi
dir=$CACHE/sparse-$version
if [ ! -x "$dir/sparse" ]; then
	tmp=$(mktemp -d "$CACHE/.sparse.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	msg "building sparse $version from sid's source package into $CACHE (once)"
	(cd "$tmp" && apt-get "${opts[@]}" source --download-only "sparse=$version") \
		> "$tmp/source.log" 2>&1 || { cat "$tmp/source.log" >&2; die "cannot fetch sparse $version's source"; }
	mkdir "$tmp/src"
	tar -xf "$(find "$tmp" -maxdepth 1 -name 'sparse_*.orig.tar.*' | head -n 1)" \
		-C "$tmp/src" --strip-components=1
	make -C "$tmp/src" -j"$(nproc)" CC=gcc sparse > "$tmp/build.log" 2>&1 ||
		{ tail -n 30 "$tmp/build.log" >&2; die "cannot build sparse $version"; }
	accepts "$tmp/src/sparse" || die "sparse $version, built here, is not accepted by $valid either"
	mkdir "$tmp/out"
	cp "$tmp/src/sparse" "$tmp/out/"
	echo "$version" > "$tmp/out/version"
	mv -T "$tmp/out" "$dir"
fi
echo "$dir/sparse"
