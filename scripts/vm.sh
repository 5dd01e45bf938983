#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vm.sh [options] KIMAGE INITRAMFS JOB.sh
#
# Boot the kernel image KIMAGE (KIMAGE of scripts/kernel.sh env: Debian's
# vmlinuz or a bzImage built here) under QEMU with INITRAMFS, whose modules
# must be that kernel's, plus JOB.sh (packed
# as /job.sh into a second cpio archive appended to it), let scripts/vm-init
# run the job, and exit with the job's exit status.
#
#   --log FILE      the serial console (kernel log and job output); default
#                   shown on stdout only
#   --report FILE   the guest's report from the second serial port (job
#                   output, dmesg, exit marker), see scripts/vm-init
#   --quiet         show the console only in the log, not on stdout
#   --append ARGS   extra kernel command line
#
# The guest's result is never guessed: without the exit marker (the guest
# hung, crashed or hit the time limit) vm.sh fails with status 125.
#
# Environment: VM_TIMEOUT (seconds, default 300), VM_MEM (default 1G),
# VM_SMP (default 2), VM_ACCEL (kvm or tcg; probed when unset),
# VM_QEMU_ARGS (more QEMU options, split at blanks; scripts/bench.sh passes
# "-icount shift=0,sleep=off" there).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

log=/dev/null report='' quiet='' append=''
while [ $# -gt 0 ]; do
	case $1 in
	--log) log=$2; shift 2 ;;
	--report) report=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	--append) append=$2; shift 2 ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -eq 3 ] || die "usage: $0 [options] KIMAGE INITRAMFS JOB.sh"
kernel=$1 initramfs=$2 job=$3
[ -f "$kernel" ] || die "no kernel image $kernel"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/remap_pfn-vm.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP PIPE	# so that the EXIT trap cleans up
[ -n "$report" ] || report=$tmp/report

mkdir "$tmp/job"
install -m 0755 "$job" "$tmp/job/job.sh"
(cd "$tmp/job" && echo job.sh | cpio --create --format=newc --owner=0:0 --quiet) > "$tmp/job.cpio"
cat "$initramfs" "$tmp/job.cpio" > "$tmp/initrd"

accel=$("$REPO/scripts/vm-accel.sh" "$kernel")
: > "$report"

# -nodefaults: no NIC, no VGA, no disks; COM1 is the console, COM2 the
# report channel. panic=-1: a kernel panic reboots at once, which
# -no-reboot turns into QEMU exiting, so a dead guest ends the run quickly.
qemu=(qemu-system-x86_64 -accel "$accel" -machine pc
	-m "${VM_MEM:-1G}" -smp "${VM_SMP:-2}"
	-nodefaults -display none -no-reboot
	-serial stdio -serial "file:$report"
	-kernel "$kernel" -initrd "$tmp/initrd"
	-append "console=ttyS0 panic=-1 $append")
read -r -a qemu_extra <<< "${VM_QEMU_ARGS:-}"
qemu+=(${qemu_extra[@]+"${qemu_extra[@]}"})

set +e
if [ -n "$quiet" ]; then
	timeout -k 10 "${VM_TIMEOUT:-300}" "${qemu[@]}" </dev/null >"$log" 2>&1
	status=$?
else
	timeout -k 10 "${VM_TIMEOUT:-300}" "${qemu[@]}" </dev/null 2>&1 | tee "$log"
	status=${PIPESTATUS[0]}
fi
set -e

[ "$status" -eq 124 ] && msg "the VM did not finish within ${VM_TIMEOUT:-300} seconds"
rc=$(tr -d '\r' < "$report" | sed -n 's/^@@@ remap_pfn-vm: exit \([0-9]*\)$/\1/p' | tail -n 1)
if [ -z "$rc" ]; then
	msg "no result from the guest (QEMU status $status): treating as failure"
	exit 125
fi
exit "$rc"
