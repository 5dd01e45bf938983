#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kver.sh SERIES: print the kernel release (uname -r in the guest) of that
# series of scripts/kernels, preparing the kernel first if needed
# (scripts/kernel.sh env). Exit status 3 when the archive no longer has it.
#
# kver.sh with no argument: the newest Debian kernel installed on the host
# whose headers are installed too (/lib/modules/$KVER/build), for building
# against the host's own kernel with 'make KVER=...'; the VM tiers do not
# use it any more, they take their kernels from scripts/kernel.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ $# -gt 0 ]; then
	env=$(kernel_env "$1")
	# shellcheck disable=SC1090 # written by scripts/kernel.sh
	. "$env"
	echo "$KVER"
	exit 0
fi

best=
for img in /boot/vmlinuz-*-amd64; do
	[ -e "$img" ] || continue
	kver=${img#/boot/vmlinuz-}
	[ -d "/lib/modules/$kver/build" ] || continue
	best=$(printf '%s\n%s\n' "$best" "$kver" | sed '/^$/d' | sort -V | tail -n 1)
done

[ -n "$best" ] || die "no /boot/vmlinuz-*-amd64 with matching headers on the host; name a series: kver.sh SERIES"
echo "$best"
