#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build.sh run|check|bench: install what is missing, then build everything
# the VM needs into $OUT/$1/initramfs.cpio and record the kernel release to
# boot in $OUT/$1/kver. 'run' leaves the selftests out: it does not need
# them, and a newcomer's first command should not wait for them; nor does
# 'bench' (scripts/bench.sh adds the benchmark itself).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

what=${1:?usage: build.sh run|check|bench}
"$REPO/scripts/deps.sh"

# Only now, with the packages in place, is there a kernel to name.
kver=$("$REPO/scripts/kver.sh")
mkdir -p "$OUT/$what"

# REMAP_PFN_KO: only for developing these scripts against a stand-in module
ko=${REMAP_PFN_KO:-}
if [ -z "$ko" ]; then
	make -C "$REPO" --no-print-directory module KVER="$kver"
	ko=$REPO/drivers/misc/remap_pfn/remap_pfn.ko
fi
make -C "$REPO" --no-print-directory demo

ksft=$OUT/empty-kselftest
if [ "$what" = check ]; then
	"$REPO/scripts/build-selftests.sh"
	ksft=$OUT/kselftest
else
	rm -rf "$ksft" && mkdir -p "$ksft"
fi

"$REPO/scripts/mkinitramfs.sh" "$kver" "$ko" "$ksft" "$OUT/remap_pfn_demo" \
	"$OUT/$what/initramfs.cpio"
echo "$kver" > "$OUT/$what/kver"
