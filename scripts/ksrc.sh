#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Print the path of the unpacked linux-source-6.1 tree in the cache,
# unpacking /usr/src/linux-source-6.1.tar.xz first if needed. The directory
# name carries the package version, so a package upgrade unpacks afresh;
# unpacking goes to a temporary name and is renamed when complete, so an
# interrupted run never leaves a half tree that looks finished.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tarball=/usr/src/linux-source-6.1.tar.xz
[ -r "$tarball" ] || die "$tarball missing; run 'make deps'"
version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
src=$CACHE/linux-source-$version

if [ ! -d "$src" ]; then
	mkdir -p "$CACHE"
	tmp=$(mktemp -d "$CACHE/.unpack.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	msg "unpacking $tarball into $CACHE (once)"
	tar -xJf "$tarball" -C "$tmp"
	mv -T "$tmp/linux-source-6.1" "$src"
fi
echo "$src"
