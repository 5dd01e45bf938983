#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check-vm.sh RESULT: the "vm" tier of make check. For every kernel series
# of scripts/kernels, oldest first, builds the module and the initramfs for
# that kernel (scripts/build.sh check SERIES); then it boots each kernel
# once per configuration, VM_LANES boots at a time, runs the installed kselftests there through
# run_kselftest.sh (the wrapper script loads the module with the
# configuration in REMAP_PFN_CONFIGS), prints their TAP output, and writes
# the counts to RESULT (see scripts/summary.sh). A configuration also fails
# when the guest gave no result or its kernel log reports a problem. Every
# result names its kernel: "[7.2 allocator=vmalloc size=128K]"; a boot's
# block of output is printed whole when it ends, so blocks come in the
# order the boots end, and each kernel's totals follow at the end.
#
# The oldest and the newest series run every configuration, the ones in
# between a shorter list (check_configs in scripts/lib.sh). A kernel or
# module that does not build is one failure; a series the archive no
# longer has (scripts/kernel.sh exit 3) is said in one line and its
# configurations count as skipped.
#
# CHECK_CONFIGS overrides the configurations (';'-separated module
# parameters, and boot:ARG for an argument of the kernel's command line),
# CHECK_KERNELS the series (blank-separated, e.g. '6.1'), CHECK_VM_TIMEOUT
# the time limit of one boot in seconds, VM_LANES how many boots run at
# once (default: one per core), VM_SMP the CPUs of each guest (default 1).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

result=${1:?usage: check-vm.sh RESULT}
read -r -a kernels <<< "${CHECK_KERNELS:-$("$REPO/scripts/kernel.sh" list | tr '\n' ' ')}"

logs=$OUT/check/logs
rm -rf "$logs"
mkdir -p "$logs"
# A boot takes 15 to 40 s under emulation; the limit only has to end a hung
# guest before CI's own limit ends everything: 7 hung boots stay under 40 min.
export VM_TIMEOUT=${CHECK_VM_TIMEOUT:-300}

passed=0 failed=0 skipped=0 failures=()
# First every kernel's module and initramfs, so that a kernel that does
# not build shows at once, and then the boots.
booted=()
for series in "${kernels[@]}"; do
	IFS=';' read -r -a configs <<< "$(check_configs "$series")"
	for config in "${configs[@]}"; do
		# it is pasted into the guest's job script between single quotes
		case $config in *"'"*) die "configuration with a quote: $config" ;; esac
	done
	echo
	echo "=== vm: kernel $series, ${#configs[@]} configuration(s): the module and the initramfs"
	start=$SECONDS
	status=0
	"$REPO/scripts/build.sh" check "$series" > "$logs/$series.build.log" 2>&1 || status=$?
	if [ "$status" -eq 3 ]; then
		skipped=$((skipped + ${#configs[@]}))
		echo "=== [$series] SKIPPED, ${#configs[@]} configuration(s): the archive no longer has this kernel ($(grep -v '^deps.sh' "$logs/$series.build.log" | tail -n 1))"
		continue
	elif [ "$status" -ne 0 ]; then
		failed=$((failed + 1))
		failures+=("[$series] the kernel, module or initramfs build failed (status $status; log: $logs/$series.build.log)")
		echo "--- FAIL: [$series] the build failed; the end of its log:"
		tail -n 40 "$logs/$series.build.log"
		continue
	fi
	grep -E ': warning: ' "$logs/$series.build.log" | sed 's/^/    (compiler) /' || true
	echo "    $(. "$OUT/check/$series/kernel.env" && echo "$KPKG: $KVER"), built in $((SECONDS - start)) s (log: $logs/$series.build.log)"
	booted+=("$series")
done

# CHECK_THEN: a command run in the background once the kernels are ready
# (make check builds the debug tier's kernel there: a kernel build waits
# for the lock of every other, cached or not); its process group id goes
# to CHECK_THEN_PID
if [ -n "${CHECK_THEN:-}" ]; then
	setsid bash -c "$CHECK_THEN" < /dev/null &
	echo $! > "${CHECK_THEN_PID:?}"
fi

# boot SERIES I CONFIG LANE: one boot of that kernel with that
# configuration. Its whole block of output goes to stdout, which the caller
# keeps in a file and prints when the boot is over, so that boots running
# side by side never mix their lines; the counts go to $base.counts: a
# line "P F S", then one line per failure.
boot() {
	local series=$1 i=$2 config=$3 lane=$4 name base start status counts
	local p f s n klog problems fails=() params='' word
	# init_on_alloc=0: Debian's kernel zeroes every allocation by
	# default, which would hide a driver that forgets __GFP_ZERO from
	# the tests that check a fresh buffer reads zero.
	local cmdline=init_on_alloc=0
	for word in $config; do
		case $word in
		boot:*) cmdline+=" ${word#boot:}" ;;
		*) params+="${params:+ }$word" ;;
		esac
	done
	n=$(check_configs "$series" | tr ';' '\n' | grep -c '')
	name="[$series $config]"
	base=$logs/$series-$i
	# shellcheck disable=SC1090 # written by scripts/kernel.sh
	. "$OUT/check/$series/kernel.env"
	cat > "$base.job.sh" <<JOB
#!/bin/sh
export REMAP_PFN_CONFIGS='$params'
export REMAP_PFN_HUGE_PFNMAP=$(huge_pfnmap "$KDIR")
cd /kselftest && ./run_kselftest.sh
JOB
	echo
	echo "=== vm $series $i/$n: $name (kernel $KVER, $VM_ACCEL, lane $lane, smp $VM_SMP) ==="
	start=$SECONDS
	status=0
	"$REPO/scripts/vm.sh" --quiet --log "$base.console.log" --report "$base.report" \
		--append "$cmdline" \
		"$KIMAGE" "$OUT/check/$series/initramfs.cpio" "$base.job.sh" || status=$?

	# The job's output as the guest recorded it, free of console noise
	tr -d '\r' < "$base.report" |
		sed -n '/^@@@ remap_pfn-vm: job output$/,/^@@@ remap_pfn-vm: dmesg$/{/^@@@/d;p}' \
		> "$base.tap"
	cat "$base.tap"

	counts=$(awk -f "$REPO/scripts/tap-count.awk" "$base.tap")
	read -r _ p f s <<< "$(grep '^counts ' <<< "$counts")"
	while IFS= read -r line; do
		fails+=("$name $line")
	done < <(sed -n 's/^fail //p' <<< "$counts")

	if [ "$status" -eq 125 ]; then
		f=$((f + 1))
		fails+=("$name no result from the guest (crash or time limit); see $base.console.log")
		echo "--- last lines of the console:"
		tail -n 40 "$base.console.log"
	elif [ $((p + f + s)) -eq 0 ]; then
		f=$((f + 1))
		fails+=("$name no test results (guest job exit $status)")
	fi

	# dmesg as dumped at the end, or the console if the guest never got there
	klog=$base.report
	grep -q '^@@@ remap_pfn-vm: dmesg' "$base.report" || klog=$base.console.log
	if ! problems=$("$REPO/scripts/kernel-problems.sh" "$klog"); then
		f=$((f + 1))
		fails+=("$name kernel log: $(head -n 1 <<< "$problems") (all in $klog)")
		echo "--- kernel problems in the guest log:"
		head -n 60 <<< "$problems"
	fi

	echo "=== $name: $p passed, $f failed, $s skipped ($((SECONDS - start)) s) ==="
	{
		echo "$p $f $s $((SECONDS - start))"
		for line in ${fails[@]+"${fails[@]}"}; do
			echo "$line"
		done
	} > "$base.counts"
}

# Every boot of every kernel, oldest kernel first (Debian's kernels boot
# slowest: the longest boots start first, the short ones fill the end),
# VM_LANES at a time. A guest runs the suite on about one CPU (its tests
# are single-threaded but for a few fork()s), so two lanes of one-CPU
# guests keep two cores busy where one two-CPU guest at a time left one
# idle; measured on two cores, see the README. Each boot's block is
# printed whole when it ends.
export VM_SMP=${VM_SMP:-1}
lanes=${VM_LANES:-$(nproc)}
[ "$lanes" -ge 1 ] || lanes=1
jobs=()
declare -A accel kp kf ks
for series in ${booted[@]+"${booted[@]}"}; do
	# shellcheck disable=SC1090 # written by scripts/kernel.sh
	accel[$series]=${VM_ACCEL:-$(. "$OUT/check/$series/kernel.env" && "$REPO/scripts/vm-accel.sh" "$KIMAGE")}
	kp[$series]=0 kf[$series]=0 ks[$series]=0
	IFS=';' read -r -a configs <<< "$(check_configs "$series")"
	i=0
	for config in "${configs[@]}"; do
		i=$((i + 1))
		jobs+=("$series $i $config")
	done
done

echo
echo "=== vm: ${#jobs[@]} boot(s), $lanes at a time, each with $VM_SMP CPU(s); each boot's output when it ends"
boots_start=$SECONDS boot_seconds=0
declare -A job_of lane_of
free_lanes=()
for ((l = 1; l <= lanes; l++)); do free_lanes+=("$l"); done
next=0 running=0
while [ "$next" -lt ${#jobs[@]} ] || [ "$running" -gt 0 ]; do
	while [ "$next" -lt ${#jobs[@]} ] && [ ${#free_lanes[@]} -gt 0 ]; do
		read -r series i config <<< "${jobs[next]}"
		lane=${free_lanes[0]}
		free_lanes=("${free_lanes[@]:1}")
		rm -f "$logs/$series-$i.counts"
		VM_ACCEL=${accel[$series]} boot "$series" "$i" "$config" "$lane" \
			> "$logs/$series-$i.out" 2>&1 &
		job_of[$!]=$next lane_of[$!]=$lane
		next=$((next + 1)) running=$((running + 1))
	done
	# only the boots: CHECK_THEN's command is a child of this shell too
	pid=
	wait -n -p pid "${!job_of[@]}" || true
	if [ -z "$pid" ] || [ -z "${job_of[$pid]+set}" ]; then
		continue
	fi
	read -r series i config <<< "${jobs[job_of[$pid]]}"
	free_lanes+=("${lane_of[$pid]}")
	unset "job_of[$pid]" "lane_of[$pid]"
	running=$((running - 1))
	base=$logs/$series-$i
	cat "$base.out"
	if [ -s "$base.counts" ]; then
		read -r p f s t < "$base.counts"
		boot_seconds=$((boot_seconds + t))
		while IFS= read -r line; do
			[ -z "$line" ] || failures+=("$line")
		done < <(tail -n +2 "$base.counts")
	else
		# the boot's own script stopped before it counted anything
		p=0 f=1 s=0
		failures+=("[$series $config] the boot's script failed (output: $base.out)")
		echo "--- FAIL: [$series $config] the boot's script stopped early"
	fi
	kp[$series]=$((kp[$series] + p)) kf[$series]=$((kf[$series] + f)) ks[$series]=$((ks[$series] + s))
done

echo
echo "=== vm: ${#jobs[@]} boot(s) in $((SECONDS - boots_start)) s on $lanes lane(s) (together $boot_seconds s of boots)"
for series in ${booted[@]+"${booted[@]}"}; do
	# shellcheck disable=SC1090 # written by scripts/kernel.sh
	. "$OUT/check/$series/kernel.env"
	echo "=== kernel $series ($KVER, $KPKG): ${kp[$series]} passed, ${kf[$series]} failed, ${ks[$series]} skipped"
	passed=$((passed + kp[$series])) failed=$((failed + kf[$series])) skipped=$((skipped + ks[$series]))
done

{
	echo "passed $passed"
	echo "failed $failed"
	echo "skipped $skipped"
	for line in ${failures[@]+"${failures[@]}"}; do
		echo "failure $line"
	done
} > "$result"
