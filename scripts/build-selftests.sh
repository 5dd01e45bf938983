#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build and install the remap_pfn kselftests the way the kernel tree builds
# them: this project's tools/testing/selftests/drivers/remap_pfn is copied
# into the cached linux-source tree of the newest series of scripts/kernels
# (scripts/ksrc.sh; the tree a submission is reviewed against, with its
# kselftest harness), the UAPI headers are installed with 'make headers'
# and the project's own beside them, and tools/testing/selftests is built with
# TARGETS=drivers/remap_pfn and installed with its own installer, which
# writes run_kselftest.sh and kselftest-list.txt.
#
# Programs are linked statically: the initramfs has no libc for them, and
# so they run the same in the guest of every kernel. Built once for all.
# Build products go to $OUT/kbuild/TREE (O=), the installed suite to
# $OUT/kselftest; the source tree is shared by every checkout on the
# machine, so it is only touched under a lock.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# SELFTESTS_SRC: only for developing these scripts against a stand-in suite
sel=${SELFTESTS_SRC:-$REPO/tools/testing/selftests/drivers/remap_pfn}
uapi=$REPO/include/uapi/linux/remap_pfn.h
inst=$OUT/kselftest

[ -f "$sel/Makefile" ] || die "no kselftest Makefile in $sel"

mkdir -p "$CACHE" "$OUT"
exec 9>"$CACHE/.lock"
flock 9

src=$("$REPO/scripts/ksrc.sh")
# one O= directory per tree: a build directory belongs to its source
kb=$OUT/kbuild/${src##*/}

# The time of the sources this build takes, for scripts/build.sh and the
# debug tier to tell whether it is stale: taken before they are copied,
# so that a source edited during the build counts as newer.
: > "$OUT/kselftest.stamp.new"

# The project's copy wins: --delete drops files it no longer has, and the
# directory's .gitignore keeps stray build products of an in-place build out.
rsync -a --delete --filter=':- .gitignore' "$sel/" \
	"$src/tools/testing/selftests/drivers/remap_pfn/"

# The UAPI header goes straight to the installed headers in $kb, through
# the tree's own headers_install.sh (what 'make headers' runs on each), and
# never into the source tree: a module built against that tree searches
# its include/uapi before the checkout's, so a copy there would shadow the
# header of every other checkout on the machine.
rm -f "$src/include/uapi/linux/remap_pfn.h"
make -s -C "$src" O="$kb" -j"$(nproc)" headers
# (it runs scripts/unifdef, a host program of the build directory)
(cd "$kb" && "$src/scripts/headers_install.sh" "$uapi" usr/include/linux/remap_pfn.h)

# A clean build every time: the sources are copied, so their timestamps say
# nothing about whether the previous build came from this content.
# TEST_GEN_MODS_DIR= : the suite's test module is built per kernel, by
# scripts/build.sh, since these programs serve every kernel and it cannot.
rm -rf "$kb/kselftest" "$inst"
make -C "$src/tools/testing/selftests" O="$kb" \
	TARGETS=drivers/remap_pfn FORCE_TARGETS=1 TEST_GEN_MODS_DIR= \
	USERLDFLAGS=-static KSFT_INSTALL_PATH="$inst" \
	-j"$(nproc)" install

# The guest has no libc for the test programs; make sure none needs one.
for f in "$inst"/drivers/remap_pfn/*; do
	if [ -f "$f" ] && head -c 4 "$f" | grep -q ELF && readelf -l "$f" | grep -q INTERP; then
		die "$f is dynamically linked; the kselftest Makefile must honour LDFLAGS"
	fi
done
if [ ! -x "$inst/run_kselftest.sh" ] || [ ! -s "$inst/kselftest-list.txt" ]; then
	die "kselftest install produced no run_kselftest.sh/kselftest-list.txt"
fi
mv "$OUT/kselftest.stamp.new" "$OUT/kselftest.stamp"
