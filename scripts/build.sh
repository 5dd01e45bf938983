#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build.sh run|check|bench SERIES: install what is missing, prepare the
# kernel of that series of scripts/kernels (scripts/kernel.sh env), and
# build everything the VM needs to boot it into $OUT/WHAT/SERIES/:
#
#   kernel.env       the kernel's settings (KVER, KIMAGE, KDIR, KMOD, ...)
#   module/          remap_pfn.ko, built from a copy of the driver's sources
#                    (REMAP_PFN_DRV=DIR: from DIR instead, e.g. a scratch
#                    copy with a planted bug), so that the kernels' builds
#                    never share objects, nor mix with the checkout's own
#   importer/        for 'check': remap_pfn_importer.ko, the kselftests'
#                    test module, built the same way (scripts/lib.sh)
#   initramfs.cpio   busybox, the module, the demo and, for 'check', the
#                    kselftests and their test module
#
# 'run' leaves the selftests out: it does not need them, and a newcomer's
# first command should not wait for them; nor does 'bench'
# (scripts/bench.sh adds the benchmark itself). The kselftests are
# userspace, built once for every kernel ($OUT/kselftest, by
# scripts/build-selftests.sh, here only when missing or older than their
# sources). Exit status 3, with one line on stderr, when the archive no
# longer has the series.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

what=${1:?usage: build.sh run|check|bench SERIES}
series=${2:?usage: build.sh run|check|bench SERIES}
drv=${REMAP_PFN_DRV:-$REPO/drivers/misc/remap_pfn}
"$REPO/scripts/deps.sh"

dir=$OUT/$what/$series
mkdir -p "$dir"
rc=0
env=$(kernel_env "$series") || rc=$?
[ "$rc" -eq 0 ] || exit "$rc"
cp "$env" "$dir/kernel.env"
# shellcheck disable=SC1091 # written by scripts/kernel.sh
. "$dir/kernel.env"

# REMAP_PFN_KO: only for developing these scripts against a stand-in module
ko=${REMAP_PFN_KO:-}
if [ -z "$ko" ]; then
	copy_driver "$drv" "$dir/module"
	make -C "$REPO" --no-print-directory module KDIR="$KDIR" DRV="$dir/module"
	ko=$dir/module/remap_pfn.ko
fi
make -C "$REPO" --no-print-directory demo

ksft=$OUT/empty-kselftest
mods=()
if [ "$what" = check ]; then
	ksft=$OUT/kselftest
	kselftests
	build_importer "$KDIR" "$dir/importer"
	mods=(--module "$dir/importer/remap_pfn_importer.ko")
else
	rm -rf "$ksft" && mkdir -p "$ksft"
fi

"$REPO/scripts/mkinitramfs.sh" ${mods[@]+"${mods[@]}"} "$KVER" "$KMOD" "$ko" "$ksft" \
	"$OUT/remap_pfn_demo" "$dir/initramfs.cpio"
