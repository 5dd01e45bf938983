#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Print the Debian kernel release that the VM boots and the module is
# built against: the newest /boot/vmlinuz-*-amd64 whose headers are
# installed (/lib/modules/$KVER/build). The running kernel does not matter:
# the host may not even support modules.
set -euo pipefail

best=
for img in /boot/vmlinuz-*-amd64; do
	[ -e "$img" ] || continue
	kver=${img#/boot/vmlinuz-}
	[ -d "/lib/modules/$kver/build" ] || continue
	best=$(printf '%s\n%s\n' "$best" "$kver" | sed '/^$/d' | sort -V | tail -n 1)
done

if [ -z "$best" ]; then
	echo "kver.sh: no /boot/vmlinuz-*-amd64 with matching headers; run 'make deps'" >&2
	exit 1
fi
echo "$best"
