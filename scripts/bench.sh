#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: measure what mapping /dev/remap_pfn costs and how fast data
# moves through it, against what a user would pick instead. Boots the VM
# once per allocator; in each boot tools/remap_pfn_bench runs, for every
# buffer size the allocator can give, against
#
#   the driver        reloaded per size (modprobe remap_pfn allocator= size=)
#   baseline          tools/remap_pfn_bench/baseline: vmalloc memory mapped
#                     with one remap_pfn_range() per page
#   anon              MAP_SHARED | MAP_ANONYMOUS (MAP_POPULATE for the
#                     populate figure)
#   memfd             a memfd of the same size, fallocate()d first
#
# and then moves BENCH_DATA bytes in 1M blocks through the driver's buffer
# (memcpy, write(), read(), a process pair, a pipe). The driver is measured
# in each of its mapping modes (map=pfn, map=pages) as a series of its own;
# the data path only in the first, as the mode changes how page tables are
# filled, not how many bytes a copy moves. scripts/bench-report.py
# turns the figures into a table on stdout, $BENCH_OUT/results.json and
# $BENCH_OUT/cost-per-page.png.
#
# The kernel is a setting, KERNEL=SERIES of scripts/kernels (default the
# newest series), and each kernel's results are kept apart, in
# bench/SERIES/, so that the table can show them side by side.
#
# By default QEMU runs with -icount shift=0,sleep=off and -smp 1: guest
# time advances one nanosecond per guest instruction, so the figures are
# instruction counts, repeatable whatever else the host is doing (-icount
# needs TCG and one CPU). BENCH_WALL=1 measures wall-clock time of the
# emulated (or KVM) guest instead. Neither is time on a real machine.
#
# Environment (defaults in brackets):
#   BENCH_WALL=1            wall-clock mode [icount mode]
#   BENCH_ALLOCATORS        one boot each [kmalloc vmalloc alloc_pages]
#   BENCH_SIZES             buffer sizes; kmalloc skips those above 4M
#                           [64K 1M 4M 64M 256M]
#   BENCH_DRIVER_CONFIGS    more module parameters for the driver, ';'
#                           between configurations, each measured as its
#                           own series; the data path uses the first
#                           ['map=pfn;map=pfn huge=0;map=pages': PMD
#                           entries where they fit, 4 KiB entries only,
#                           and pages; '' for none]
#   BENCH_RUNS              measured runs per figure; one more, the first,
#                           is discarded [5]
#   BENCH_LONG_RUNS         the same for figures whose one run moves 64M or
#                           more (64M and 256M mappings, the data path),
#                           which vary least and take longest [3]
#   BENCH_DATA              bytes moved per data-path run [1G]
#   BENCH_DATA_SIZE         driver buffer for the data path [4M]
#   BENCH_ONE_BOOT=1        all allocators in a single boot (the smoke run)
#   KERNEL                  the kernel series [the newest of scripts/kernels]
#   BENCH_BASE=check        use make check's initramfs of that kernel
#                           instead of building one ($OUT/check/SERIES,
#                           already built by scripts/build.sh check SERIES)
#   BENCH_OUT               results [bench/SERIES/ in the checkout]
#   BENCH_VM_MEM [2G], BENCH_VM_TIMEOUT seconds per boot [900],
#   BENCH_SMP (wall-clock mode only) [2]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

wall=${BENCH_WALL:-}
[ "$wall" = 0 ] && wall=
allocators=${BENCH_ALLOCATORS:-kmalloc vmalloc alloc_pages}
sizes=${BENCH_SIZES:-64K 1M 4M 64M 256M}
runs=${BENCH_RUNS:-5}
long_runs=${BENCH_LONG_RUNS:-3}
data=${BENCH_DATA:-1G}
data_size=${BENCH_DATA_SIZE:-4M}
series=${KERNEL:-$("$REPO/scripts/kernel.sh" newest)}
bench_out=${BENCH_OUT:-$REPO/bench/$series}
driver_configs=${BENCH_DRIVER_CONFIGS-map=pfn;map=pfn huge=0;map=pages}
IFS=';' read -r -a configs <<< "$driver_configs"
[ ${#configs[@]} -gt 0 ] || configs=('')

# Everything below ends up in the guest's shell script: plain values only
size_re='^[0-9]+[KMG]?$'
for a in $allocators; do
	[[ $a =~ ^(kmalloc|vmalloc|alloc_pages)$ ]] || die "BENCH_ALLOCATORS: unknown allocator $a"
done
for s in $sizes $data $data_size; do
	[[ $s =~ $size_re ]] || die "size $s: expected bytes with an optional K, M or G"
done
for c in "${configs[@]}"; do
	[[ $c =~ ^[A-Za-z0-9_=,.\ -]*$ ]] || die "BENCH_DRIVER_CONFIGS: '$c' is not plain module parameters"
done
for r in $runs $long_runs; do
	if ! [[ $r =~ ^[1-9][0-9]?$ ]] || [ "$r" -gt 64 ]; then
		die "runs: $r, expected 1 to 64"
	fi
done

bytes() {
	local n=${1%[KMG]}
	case $1 in
	*K) echo $((n << 10)) ;;
	*M) echo $((n << 20)) ;;
	*G) echo $((n << 30)) ;;
	*) echo "$n" ;;
	esac
}
kmalloc_max=$((4 << 20))	# KMALLOC_MAX_SIZE on x86-64
long=$((64 << 20))

start=$SECONDS
if [ "${BENCH_BASE:-}" = check ]; then
	base=$OUT/check/$series
	work=$bench_out/work
	[ -f "$base/kernel.env" ] || die "no $base/kernel.env: run scripts/build.sh check $series first"
else
	"$REPO/scripts/build.sh" bench "$series"
	base=$OUT/bench/$series
	work=$base
fi
# shellcheck disable=SC1091 # written by scripts/kernel.sh
. "$base/kernel.env"
# the baseline module in a copy per kernel, like the driver
copy_driver "$REPO/tools/remap_pfn_bench/baseline" "$work/baseline"
make -C "$REPO" --no-print-directory bench-build KDIR="$KDIR" BASELINE="$work/baseline"

# The benchmark and the baseline module, appended to the base initramfs as
# /bench (the kernel unpacks concatenated archives in order)
mkdir -p "$work" "$bench_out"
rm -rf "$work/root" "$work"/boot-*
mkdir -p "$work/root/bench"
install -m 0755 "$OUT/remap_pfn_bench" "$work/root/bench/"
install -m 0644 "$work/baseline/remap_pfn_baseline.ko" "$work/root/bench/"
(cd "$work/root" && find bench | LC_ALL=C sort |
	cpio --create --format=newc --owner=0:0 --quiet) > "$work/bench.cpio"
cat "$base/initramfs.cpio" "$work/bench.cpio" > "$work/initramfs-bench.cpio"

if [ -n "$wall" ]; then
	mode=wall
	export VM_ACCEL=${VM_ACCEL:-$("$REPO/scripts/vm-accel.sh" "$KIMAGE")}
	export VM_SMP=${BENCH_SMP:-2}
	export VM_QEMU_ARGS=
else
	mode=icount
	# -icount works with TCG only, and with more than one CPU the guest stalls
	export VM_ACCEL=tcg VM_SMP=1
	export VM_QEMU_ARGS='-icount shift=0,sleep=off'
fi
export VM_MEM=${BENCH_VM_MEM:-2G}
export VM_TIMEOUT=${BENCH_VM_TIMEOUT:-900}

# refused ALLOCATOR CONFIG: true for a combination the driver refuses at
# load: kmalloc's large buffers are frozen pages on current kernels, which
# cannot be mapped as pages (scripts/bench-report.py expects no figures)
refused() { [ "$1" = kmalloc ] && [[ " $2 " == *" map=pages "* ]]; }

# job ALLOCATORS...: the guest's script for one boot
job() {
	local a s b c r name
	echo '#!/bin/sh'
	echo 'set -e'
	echo 'b=/bench/remap_pfn_bench'
	for a in "$@"; do
		for s in $sizes; do
			b=$(bytes "$s")
			[ "$a" = kmalloc ] && [ "$b" -gt $kmalloc_max ] && continue
			r=$runs
			[ "$b" -ge $long ] && r=$long_runs
			for c in "${configs[@]}"; do
				refused "$a" "$c" && continue
				name=$a${c:+ $c}
				echo "echo '# $name, $s'"
				echo "modprobe remap_pfn allocator=$a size=$b $c"
				echo "\$b -r $r -n '$name' map /dev/remap_pfn $b"
				echo 'modprobe -r remap_pfn'
			done
			echo "echo '# baseline, anon, memfd, $s'"
			echo "insmod /bench/remap_pfn_baseline.ko size=$b"
			echo "\$b -r $r -n baseline map /dev/remap_pfn_baseline $b"
			echo 'rmmod remap_pfn_baseline'
			echo "\$b -r $r -n anon map anon $b"
			echo "\$b -r $r -n memfd map memfd $b"
		done
		r=$runs
		[ "$(bytes "$data")" -ge $long ] && r=$long_runs
		c=${configs[0]}
		name=$a${c:+ $c}
		echo "echo '# $name, data path'"
		echo "modprobe remap_pfn allocator=$a size=$(bytes "$data_size") $c"
		echo "\$b -r $r -t $(bytes "$data") -n '$name' data /dev/remap_pfn"
		echo 'modprobe -r remap_pfn'
	done
}

if [ -n "${BENCH_ONE_BOOT:-}" ]; then
	boots=("$allocators")
else
	read -r -a boots <<< "$allocators"
fi

echo "make bench: $mode mode, kernel $KVER ($series), ${#boots[@]} boot(s), $runs runs per figure ($long_runs when a run moves 64M or more), +1 discarded"
failed=0
reports=()
i=0
for boot in "${boots[@]}"; do
	i=$((i + 1))
	tag=${boot// /+}
	base_name=$work/boot-$i-$tag
	# shellcheck disable=SC2086 # one allocator name per word
	job $boot > "$base_name.job.sh"
	boot_start=$SECONDS
	printf '=== boot %d/%d: %s (%s, -m %s) ... ' "$i" "${#boots[@]}" "$boot" \
		"$mode" "$VM_MEM"
	status=0
	"$REPO/scripts/vm.sh" --quiet --append quiet --log "$base_name.console.log" \
		--report "$base_name.report" "$KIMAGE" "$work/initramfs-bench.cpio" \
		"$base_name.job.sh" || status=$?
	tr -d '\r' < "$base_name.report" |
		sed -n '/^@@@ remap_pfn-vm: job output$/,/^@@@ remap_pfn-vm: dmesg$/{/^@@@/d;p}' \
		> "$base_name.out"
	echo "$((SECONDS - boot_start)) s"
	echo "{\"boot\": \"$boot\", \"seconds\": $((SECONDS - boot_start)), \"status\": $status}" \
		> "$base_name.boot"
	if [ "$status" -ne 0 ]; then
		failed=1
		echo "--- boot $i failed (status $status); its output:"
		tail -n 30 "$base_name.out"
		[ -s "$base_name.out" ] || tail -n 30 "$base_name.console.log"
	fi
	klog=$base_name.report
	grep -q '^@@@ remap_pfn-vm: dmesg' "$klog" || klog=$base_name.console.log
	if ! problems=$("$REPO/scripts/kernel-problems.sh" "$klog"); then
		failed=1
		echo "--- kernel problems in the guest log ($klog):"
		head -n 40 <<< "$problems"
	fi
	reports+=("$base_name")
done

qemu_version=$(qemu-system-x86_64 --version | head -n 1)
python3 "$REPO/scripts/bench-report.py" --out "$bench_out" \
	--mode "$mode" --kernel "$KVER" --qemu "$qemu_version" \
	--accel "$VM_ACCEL" --smp "$VM_SMP" --mem "$VM_MEM" \
	--qemu-args "$VM_QEMU_ARGS" --runs "$runs" --data "$data" \
	--data-size "$data_size" --block 1M --seconds $((SECONDS - start)) \
	--sizes "$sizes" --configs "$driver_configs" \
	--huge-pfnmap "$(huge_pfnmap "$KDIR")" \
	"${reports[@]}" || failed=1

echo "make bench: $((SECONDS - start)) s; boot logs in $work"
exit "$failed"
