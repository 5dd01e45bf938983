#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make run: boot the VM, load the driver with ALLOCATOR= and SIZE=
# (default vmalloc, 128K) and run tools/remap_pfn_demo, which shows five
# processes sharing the one kernel buffer. The whole console is shown,
# with the kernel's boot messages kept quiet. KERNEL= names the series of
# scripts/kernels to boot; by default the newest one that Debian builds,
# which is only a download: a newcomer's first command builds no kernel.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

allocator=${ALLOCATOR:-vmalloc}
size=${SIZE:-128K}
# They end up on a shell command line in the guest: accept only plain values
[[ $allocator =~ ^[a-z_]+$ ]] || die "ALLOCATOR=$allocator: expected a name like vmalloc"
[[ $size =~ ^[0-9]+[KMGkmg]?$ ]] || die "SIZE=$size: expected bytes with an optional K, M or G"
series=${KERNEL:-$(newest_debian)}

"$REPO/scripts/build.sh" run "$series"
run=$OUT/run/$series
# shellcheck disable=SC1091 # written by scripts/kernel.sh
. "$run/kernel.env"

job=$run/job.sh
cat > "$job" <<JOB
#!/bin/sh
set -e
echo
echo "Loading the driver: modprobe remap_pfn allocator=$allocator size=$size"
modprobe remap_pfn allocator=$allocator size=$size
ls -l /dev/remap_pfn
echo
remap_pfn_demo
echo
echo "Unloading the driver: modprobe -r remap_pfn"
modprobe -r remap_pfn
JOB

echo "Booting Linux $KVER ($KPKG) under QEMU (log: $run/console.log) ..."
set +e
"$REPO/scripts/vm.sh" --log "$run/console.log" --report "$run/report" \
	--append "quiet" "$KIMAGE" "$run/initramfs.cpio" "$job"
rc=$?
set -e
echo
if [ $rc -eq 0 ]; then
	echo "make run: the demo finished successfully."
else
	echo "make run: FAILED (status $rc); the console log is $run/console.log"
fi
exit $rc
