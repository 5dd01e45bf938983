#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the remap_pfn selftests against every module configuration in
# REMAP_PFN_CONFIGS: module parameter strings separated by ';', e.g.
#
#   REMAP_PFN_CONFIGS='allocator=kmalloc size=20000;allocator=vmalloc size=64M'
#
# (default: each allocator at the default size). For each one the module
# is loaded, the test programs run, the kernel log is checked for splats
# and the module is unloaded. Then the module parameter and lifetime
# tests run with the module unloaded. POSIX sh: busybox ash is enough.

ksft_skip=4
dir=$(cd "$(dirname "$0")" && pwd)
programs="remap_pfn_mmap remap_pfn_rw remap_pfn_share remap_pfn_procfs remap_pfn_gup"
programs="$programs remap_pfn_huge remap_pfn_dmabuf remap_pfn_stress"
# remap_pfn_stress runs 60 s by default; here a short smoke run per
# configuration unless the caller asks for more
export REMAP_PFN_STRESS_SECONDS="${REMAP_PFN_STRESS_SECONDS:-5}"
configs=${REMAP_PFN_CONFIGS:-allocator=kmalloc;allocator=vmalloc;allocator=alloc_pages}
splat='Call Trace|WARNING:|BUG:|INFO: possible|circular locking|Oops|page allocation failure'
num=0
failed=0
passed=0

skip() {
	echo "# remap_pfn: $1 [SKIP]"
	exit $ksft_skip
}

result() {	# result <status 0|1|4> <description> [comment]
	num=$((num + 1))
	case $1 in
	0) echo "ok $num $2"; passed=$((passed + 1)) ;;
	4) echo "ok $num $2 # SKIP" ;;
	*) echo "not ok $num $2${3:+ # $3}"; failed=$((failed + 1)) ;;
	esac
}

# run_prog <program> <params>: prints the output as TAP comments and
# returns the program's exit status, which a pipe would otherwise lose
run_prog() {
	return "$( { { REMAP_PFN_PARAMS="$2" "$dir/$1" 2>&1 3>&-
		       echo $? >&3; } | sed 's/^/# /' >&4; } 3>&1)"
}

splats() {
	dmesg | grep -cE "$splat"
}

# kernel_quiet <count before>: fail, showing them, if splats were logged
kernel_quiet() {
	[ "$(splats)" -eq "$1" ] && return 0
	echo "# remap_pfn: the kernel complained:"
	dmesg | grep -E -A20 "$splat" | tail -n 60 | sed 's/^/# /'
	return 1
}

[ "$(id -u)" -eq 0 ] || skip "must be run as root"

# Where is the module? modinfo knows it if depmod ran; else the usual
# place of an out-of-tree module.
ko=$(modinfo -n remap_pfn 2>/dev/null)
if [ -n "$ko" ] && [ -e "$ko" ]; then
	load() { modprobe remap_pfn "$@"; }
	unload() { modprobe -r remap_pfn; }
else
	ko=/lib/modules/$(uname -r)/extra/remap_pfn.ko
	[ -e "$ko" ] || skip "module remap_pfn is not found"
	load() { insmod "$ko" "$@"; }
	unload() { rmmod remap_pfn; }
fi

if [ -d /sys/module/remap_pfn ]; then
	unload || skip "remap_pfn is loaded and in use"
fi

# A RAM disk for remap_pfn_gup's O_DIRECT test; without one it skips
if [ -z "${REMAP_PFN_BLOCKDEV:-}" ]; then
	if [ -b /dev/ram0 ] || modprobe brd rd_nr=1 rd_size=4096 2>/dev/null; then
		export REMAP_PFN_BLOCKDEV=/dev/ram0
	fi
fi

# vgem, a software DRM driver, imports the dma-bufs in remap_pfn_dmabuf;
# without it that test skips
modprobe vgem 2>/dev/null || true

# remap_pfn_importer, the in-kernel importer of test_modules/, which
# remap_pfn_dmabuf and remap_pfn_module load themselves: modinfo knows it
# if depmod ran; else they look beside the driver, then skip those tests
importer=$(modinfo -n remap_pfn_importer 2>/dev/null)
if [ -n "$importer" ] && [ -e "$importer" ]; then
	export REMAP_PFN_IMPORTER_KO="$importer"
fi

nprog=$(echo "$programs" | wc -w)
oldifs=$IFS
IFS=';'
set -f
ncfg=0
for cfg in $configs; do
	[ -n "$cfg" ] && ncfg=$((ncfg + 1))
done

exec 4>&1
echo "TAP version 13"
echo "1..$((ncfg * (nprog + 1) + 1))"

for cfg in $configs; do
	[ -n "$cfg" ] || continue
	IFS=$oldifs
	before=$(splats)
	echo "# remap_pfn: loading with '$cfg'"
	# shellcheck disable=SC2086 # one word per parameter
	if ! load $cfg; then
		for prog in $programs; do
			result 1 "$prog [$cfg]" "load failed"
		done
		result 1 "clean unload [$cfg]" "load failed"
		IFS=';'
		continue
	fi
	for prog in $programs; do
		run_prog "$prog" "$cfg"
		result $? "$prog [$cfg]"
	done
	# Nothing may keep the module busy after the tests, and nothing may
	# have warned on the way.
	ok=0
	unload || { ok=1; echo "# remap_pfn: unload failed"; }
	kernel_quiet "$before" || ok=1
	result $ok "clean unload [$cfg]"
	IFS=';'
done
IFS=$oldifs
set +f

export REMAP_PFN_KO="$ko"
before=$(splats)
run_prog remap_pfn_module ""
ok=$?
kernel_quiet "$before" || ok=1
result $ok remap_pfn_module

echo "# remap_pfn: $passed passed, $failed failed, of $num"
[ $failed -eq 0 ] || exit 1
[ $passed -gt 0 ] || exit $ksft_skip
exit 0
