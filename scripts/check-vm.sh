#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check-vm.sh RESULT: the "vm" tier of make check. For every kernel series
# of scripts/kernels, oldest first, builds the module and the initramfs for
# that kernel (scripts/build.sh check SERIES), then boots it once per
# configuration, runs the installed kselftests there through
# run_kselftest.sh (the wrapper script loads the module with the
# configuration in REMAP_PFN_CONFIGS), prints their TAP output, and writes
# the counts to RESULT (see scripts/summary.sh). A configuration also fails
# when the guest gave no result or its kernel log reports a problem. Every
# result names its kernel: "[7.2 allocator=vmalloc size=128K]".
#
# The oldest and the newest series run every configuration, the ones in
# between a shorter list (check_configs in scripts/lib.sh). A kernel or
# module that does not build is one failure; a series the archive no
# longer has (scripts/kernel.sh exit 3) is said in one line and its
# configurations count as skipped.
#
# CHECK_CONFIGS overrides the configurations (';'-separated module
# parameters), CHECK_KERNELS the series (blank-separated, e.g. '6.1'),
# CHECK_VM_TIMEOUT the time limit of one boot in seconds.
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

for series in ${booted[@]+"${booted[@]}"}; do
	IFS=';' read -r -a configs <<< "$(check_configs "$series")"
	# shellcheck disable=SC1091 # written by scripts/kernel.sh
	. "$OUT/check/$series/kernel.env"
	export VM_ACCEL=${VM_ACCEL:-$("$REPO/scripts/vm-accel.sh" "$KIMAGE")}

	kp=0 kf=0 ks=0
	i=0
	for config in "${configs[@]}"; do
		i=$((i + 1))
		name="[$series $config]"
		base=$logs/$series-$i
		cat > "$base.job.sh" <<JOB
#!/bin/sh
export REMAP_PFN_CONFIGS='$config'
cd /kselftest && ./run_kselftest.sh
JOB
		echo
		echo "=== vm $i/${#configs[@]}: $name (kernel $KVER, $VM_ACCEL) ==="
		start=$SECONDS
		status=0
		# init_on_alloc=0: Debian's kernel zeroes every allocation by
		# default, which would hide a driver that forgets __GFP_ZERO from
		# the tests that check a fresh buffer reads zero.
		"$REPO/scripts/vm.sh" --quiet --log "$base.console.log" --report "$base.report" \
			--append init_on_alloc=0 \
			"$KIMAGE" "$OUT/check/$series/initramfs.cpio" "$base.job.sh" || status=$?

		# The job's output as the guest recorded it, free of console noise
		tr -d '\r' < "$base.report" |
			sed -n '/^@@@ remap_pfn-vm: job output$/,/^@@@ remap_pfn-vm: dmesg$/{/^@@@/d;p}' \
			> "$base.tap"
		cat "$base.tap"

		counts=$(awk -f "$REPO/scripts/tap-count.awk" "$base.tap")
		read -r _ p f s <<< "$(grep '^counts ' <<< "$counts")"
		while IFS= read -r line; do
			failures+=("$name $line")
		done < <(sed -n 's/^fail //p' <<< "$counts")

		if [ "$status" -eq 125 ]; then
			f=$((f + 1))
			failures+=("$name no result from the guest (crash or time limit); see $base.console.log")
			echo "--- last lines of the console:"
			tail -n 40 "$base.console.log"
		elif [ $((p + f + s)) -eq 0 ]; then
			f=$((f + 1))
			failures+=("$name no test results (guest job exit $status)")
		fi

		# dmesg as dumped at the end, or the console if the guest never got there
		klog=$base.report
		grep -q '^@@@ remap_pfn-vm: dmesg' "$base.report" || klog=$base.console.log
		if problems=$("$REPO/scripts/kernel-problems.sh" "$klog"); then
			:
		else
			f=$((f + 1))
			failures+=("$name kernel log: $(head -n 1 <<< "$problems") (all in $klog)")
			echo "--- kernel problems in the guest log:"
			head -n 60 <<< "$problems"
		fi

		echo "=== $name: $p passed, $f failed, $s skipped ($((SECONDS - start)) s) ==="
		kp=$((kp + p)) kf=$((kf + f)) ks=$((ks + s))
	done
	echo
	echo "=== kernel $series ($KVER, $KPKG): $kp passed, $kf failed, $ks skipped"
	passed=$((passed + kp)) failed=$((failed + kf)) skipped=$((skipped + ks))
done

{
	echo "passed $passed"
	echo "failed $failed"
	echo "skipped $skipped"
	for line in ${failures[@]+"${failures[@]}"}; do
		echo "failure $line"
	done
} > "$result"
