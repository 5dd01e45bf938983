# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2034 # variables for the scripts that source this
# Shared settings for the development scripts; sourced, never run.
#
# Everything generated lives outside the tracked sources: the unpacked
# kernel tree in a per-user cache (shared by every checkout, unpacked once)
# and this checkout's build products under out/ (ignored by git).

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${REMAP_PFN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/remap_pfn}
OUT=${REMAP_PFN_OUT:-$REPO/out}

# The module configurations that the kselftests run under, in make check's
# vm and debug tiers (';'-separated module parameters; CHECK_CONFIGS
# overrides them there). kmalloc has no map=pages: its large buffers are
# frozen pages on current kernels, which the driver refuses to map as pages.
CHECK_DEFAULT_CONFIGS='allocator=kmalloc size=128K;allocator=vmalloc size=128K;allocator=alloc_pages size=128K;allocator=vmalloc size=20K;allocator=kmalloc size=4M;allocator=vmalloc size=64M;allocator=alloc_pages size=64M;allocator=vmalloc size=128K map=pages;allocator=vmalloc size=20K map=pages;allocator=alloc_pages size=64M map=pages'
# The shorter list for the series between the oldest and the newest of
# scripts/kernels, which the vm tier boots too: every allocator and every
# mapping mode at least once, the scattered and the contiguous buffers in
# both modes.
CHECK_SHORT_CONFIGS='allocator=kmalloc size=4M;allocator=vmalloc size=20K;allocator=alloc_pages size=64M;allocator=vmalloc size=128K map=pages;allocator=alloc_pages size=64M map=pages'
# One more boot of the vm tier's oldest and newest series: a word
# "boot:ARG" of a configuration goes to the kernel's command line instead
# of the module's. swiotlb=force makes every device's DMA go through
# bounce buffers, as in an encrypted (SEV, TDX) guest: the dma-buf
# importers then see the CPU syncs and the length limit of one mapping.
CHECK_BOUNCE_CONFIG='allocator=kmalloc size=4M boot:swiotlb=force'

# huge_pfnmap KDIR: 1 if that kernel maps special PFNs at PMD level
# (remap_pfn_huge's REMAP_PFN_HUGE_PFNMAP), else 0; from its .config, so
# that the suite's expectation does not come from the driver under test
huge_pfnmap() {
	if grep -qx 'CONFIG_ARCH_SUPPORTS_PMD_PFNMAP=y' "$1/.config"; then
		echo 1
	else
		echo 0
	fi
}

msg() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { msg "error: $*"; exit 1; }

# check_configs SERIES: the vm tier's configurations for that kernel series.
# The oldest and the newest series of scripts/kernels run them all and the
# bounce-buffer one, the ones in between the short list; CHECK_CONFIGS
# replaces all of them.
check_configs() {
	local series
	series=$("$REPO/scripts/kernel.sh" list)
	if [ -n "${CHECK_CONFIGS:-}" ]; then
		echo "$CHECK_CONFIGS"
	elif [ "$1" = "$(head -n 1 <<< "$series")" ] || [ "$1" = "$(tail -n 1 <<< "$series")" ]; then
		echo "$CHECK_DEFAULT_CONFIGS;$CHECK_BOUNCE_CONFIG"
	else
		echo "$CHECK_SHORT_CONFIGS"
	fi
}

# newest_debian: the newest series of scripts/kernels that is Debian's
# prebuilt kernel, which boots with no kernel build (make run's default)
newest_debian() {
	awk '!/^#/ && NF >= 3 && $3 == "debian" { s = $1 } END { print s }' \
		"$REPO/scripts/kernels"
}

# kernel_env SERIES [vm|debug]: scripts/kernel.sh env, one caller per
# kernel at a time across checkouts (make check prepares the kernels in
# the background while its tiers ask for them; two unpacks or two writers
# of one env file at once would trip over each other). Prints the env
# file's path; exit status 3 when the archive no longer has the series.
kernel_env() {
	mkdir -p "$CACHE"
	(flock 7 && "$REPO/scripts/kernel.sh" env "$@") 7> "$CACHE/.env-$1-${2:-vm}.lock"
}

# kselftests: build the kselftests into $OUT/kselftest
# (scripts/build-selftests.sh) unless they are there and newer than their
# sources
kselftests() {
	if [ ! -s "$OUT/kselftest/kselftest-list.txt" ] || [ ! -f "$OUT/kselftest.stamp" ] ||
		[ -n "$(find "$REPO/tools/testing/selftests/drivers/remap_pfn" \
			"$REPO/include/uapi/linux/remap_pfn.h" -newer "$OUT/kselftest.stamp" 2>/dev/null)" ]; then
		"$REPO/scripts/build-selftests.sh"
	fi
}

# copy_driver SRC DST: the driver's sources in SRC as DST (created; files
# gone from SRC go from DST), leaving DST's build products: each kernel's
# module is built in a copy of its own, never in the checkout, and an
# unchanged driver is not rebuilt. Files are compared by content, and a
# changed one gets the time of the copy: with the source's time kept, a
# source older than the objects already there (another REMAP_PFN_DRV, a
# file checked out from history) would not be rebuilt.
copy_driver() {
	mkdir -p "$2"
	rsync -rlpD --checksum --delete --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.a' \
		--exclude='*.symvers' --exclude=modules.order --exclude='.tmp*' \
		"$1/" "$2/"
}

# build_importer KDIR DIR: remap_pfn_importer.ko, the selftests' in-kernel
# dma-buf importer (tools/testing/selftests/drivers/remap_pfn/test_modules),
# built like the driver: from a copy of its sources in DIR, against KDIR.
# The selftests are built once for every kernel, but a module is not.
build_importer() {
	copy_driver "$REPO/tools/testing/selftests/drivers/remap_pfn/test_modules" "$2"
	make -C "$1" M="$2" modules
}
