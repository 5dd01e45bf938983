#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vm-accel.sh KIMAGE: print the QEMU accelerator to use, "kvm" or "tcg".
#
# /dev/kvm can exist and still not work: on some hosts QEMU with KVM hangs
# forever. So boot the kernel image KIMAGE with KVM and no root file
# system, which panics and (panic=-1, -no-reboot) exits within a second or
# two when KVM works; anything else within the time limit means TCG emulation.
# VM_ACCEL=kvm|tcg skips the probe.
set -euo pipefail

if [ -n "${VM_ACCEL:-}" ]; then
	echo "$VM_ACCEL"
	exit 0
fi

kimage=${1:?usage: vm-accel.sh KIMAGE}
out=
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	out=$(timeout -k 2 "${VM_KVM_PROBE_TIMEOUT:-10}" \
		qemu-system-x86_64 -accel kvm -machine pc -m 256 \
		-nodefaults -display none -no-reboot -serial stdio \
		-kernel "$kimage" \
		-append "console=ttyS0 panic=-1 init=/nonexistent" \
		</dev/null 2>/dev/null || true)
fi
case $out in
*"Kernel panic"*) echo kvm ;;
*) echo tcg ;;
esac
