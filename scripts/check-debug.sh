#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check-debug.sh RESULT: the "debug" tier of make check (and make
# check-debug). Runs everything in a kernel that catches memory and
# locking bugs as they happen, built from the newest series of
# scripts/kernels, the kernel a submission is reviewed against:
#
#   kernel      scripts/kernel.sh env NEWEST debug: tinyconfig +
#               scripts/kconfig/{vm,debug}.config (KASAN, KFENCE, lockdep,
#               DEBUG_ATOMIC_SLEEP, DEBUG_VM, DEBUG_LIST, kmemleak, fault
#               injection), built once by scripts/kernel-build.sh and
#               cached by fragments and source version; when the archive
#               no longer has that series, the tier says so and counts as
#               skipped
#   module      remap_pfn.ko built against it from the driver's sources
#               as they are
#   importer    remap_pfn_importer.ko, the kselftests' in-kernel dma-buf
#               importer, built against it too
#   userspace   the kselftests (as the vm tier installs them, with a
#               4-fold time limit), the demo, tools/remap_pfn_faultload
#   then DEBUG_BOOTS (default 2, one per core) boots of that kernel at
#   once, which share out the work:
#   suite       the kselftests under every configuration of the vm tier
#               (REMAP_PFN_CONFIGS), each result one test; the stress
#               program's smoke run in there lasts DEBUG_SMOKE_SECONDS (3)
#   stress      remap_pfn_stress -u for DEBUG_STRESS_SECONDS (default 30)
#               per allocator, with delete_module() refused in a loop while
#               the device is in use and succeeding at the end
#   faultload   tools/remap_pfn_faultload per allocator: DEBUG_FAULT_LOADS
#               (default 50) loads with allocation failures injected, each
#               of which must work or fail with ENOMEM and leave nothing
#   kmemleak    at the end of each boot, module unloaded, two scans 5 s
#               apart: no leak reported (objects allocated during boot
#               itself, in start_kernel() or kernel_init(), are listed
#               but not counted)
#   kernel log  scripts/kernel-problems.sh on each boot's whole log: no
#               KASAN, KFENCE, lockdep, BUG, WARNING, Oops, sleep-in-atomic
#               report; the injected failures' own reports are told apart
#               (see there)
#
# Any report is printed. REMAP_PFN_DEBUG_DRV=DIR builds the driver from
# DIR instead of drivers/misc/remap_pfn (a scratch copy with a planted
# bug, to see the tier catch it). CHECK_CONFIGS as in the vm tier;
# DEBUG_VM_TIMEOUT limits each boot (default 1800 s), VM_MEM its memory
# (default 1G). Logs: $OUT/debug.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$REPO/scripts/results.sh"

result=${1:?usage: check-debug.sh RESULT}
drv=${REMAP_PFN_DEBUG_DRV:-$REPO/drivers/misc/remap_pfn}
sel=$REPO/tools/testing/selftests/drivers/remap_pfn
stress_seconds=${DEBUG_STRESS_SECONDS:-30}
smoke_seconds=${DEBUG_SMOKE_SECONDS:-3}
loads=${DEBUG_FAULT_LOADS:-50}
stress_configs='allocator=kmalloc size=4M;allocator=vmalloc size=20K;allocator=alloc_pages size=64M'
fault_configs='allocator=kmalloc size=128K;allocator=vmalloc size=128K;allocator=alloc_pages size=128K'
configs=${CHECK_CONFIGS:-$CHECK_DEFAULT_CONFIGS}
dbg=$OUT/debug
rm -rf "$dbg"
mkdir -p "$dbg"
trap 'write_results "$result"' EXIT

for c in "$configs" "$stress_configs" "$fault_configs"; do
	# pasted into the guest's job script between single quotes
	case $c in *"'"*) die "configuration with a quote: $c" ;; esac
done

series=$("$REPO/scripts/kernel.sh" newest)
step "the debug kernel of $series (tinyconfig + scripts/kconfig/{vm,debug}.config; built once, then cached)"
echo "    (a first build takes 10 to 15 minutes on two cores; make check starts it during the vm tier)"
status=0
env=$(kernel_env "$series" debug 2> "$dbg/kernel.log") || status=$?
grep -v '^deps.sh' "$dbg/kernel.log" | sed 's/^/    /' | tail -n 60 || true
if [ "$status" -eq 3 ]; then
	skip kernel "$(tail -n 1 "$dbg/kernel.log"); the whole debug tier is skipped"
	exit 0
elif [ "$status" -ne 0 ]; then
	fail kernel "scripts/kernel.sh env $series debug failed, status $status (log: $dbg/kernel.log)"
	exit 0
fi
# shellcheck disable=SC1090 # written by scripts/kernel.sh
. "$env"
echo "    $KVER ($KPKG) in $KDIR"
pass kernel

step "remap_pfn.ko from ${drv#"$REPO"/} against the debug kernel"
mod=$dbg/module
copy_driver "$drv" "$mod"
if make -C "$REPO" --no-print-directory module KDIR="$KDIR" DRV="$mod" \
	> "$mod.log" 2>&1; then
	pass module
else
	fail module "the module build failed (log: $mod.log)"
	show "$mod.log"
	exit 0
fi

grep -E ': warning: ' "$mod.log" | sed 's/^/    (compiler) /' || true

step "remap_pfn_importer.ko, the kselftests' test module, against the debug kernel"
if build_importer "$KDIR" "$dbg/importer" > "$dbg/importer.log" 2>&1; then
	pass importer
else
	fail importer "the test module build failed (log: $dbg/importer.log)"
	show "$dbg/importer.log"
	exit 0
fi
grep -E ': warning: ' "$dbg/importer.log" | sed 's/^/    (compiler) /' || true

step "the user space of the guest: kselftests, demo, remap_pfn_faultload"
ksft=$OUT/kselftest
# make check has just built the suite (scripts/check.sh); on its own, or
# when a source is newer than that build, build it here
if [ ! -s "$ksft/kselftest-list.txt" ] || [ ! -f "$OUT/kselftest.stamp" ] ||
	[ -n "$(find "$sel" "$REPO/include/uapi/linux/remap_pfn.h" -newer "$OUT/kselftest.stamp" 2>/dev/null)" ]; then
	if ! "$REPO/scripts/build-selftests.sh" > "$dbg/selftests.log" 2>&1; then
		fail userspace "the kselftest build failed (log: $dbg/selftests.log)"
		show "$dbg/selftests.log"
		exit 0
	fi
fi
# everything is slower under KASAN and emulation: a 4-fold time limit
cp -a "$ksft" "$dbg/kselftest"
settings=$dbg/kselftest/drivers/remap_pfn/settings
limit=$(sed -n 's/^timeout=//p' "$settings" 2>/dev/null || true)
echo "timeout=$((${limit:-45} * 4))" > "$settings"
faultload=$dbg/remap_pfn_faultload
if ! make -C "$REPO" --no-print-directory demo > "$dbg/userspace.log" 2>&1 ||
	! "${CC:-gcc}" -static -O2 -Wall -Wextra -Werror -I "$REPO/include/uapi" \
		-o "$faultload" "$REPO/tools/remap_pfn_faultload/remap_pfn_faultload.c" \
		>> "$dbg/userspace.log" 2>&1 ||
	! "$REPO/scripts/mkinitramfs.sh" --add "$faultload" \
		--module "$dbg/importer/remap_pfn_importer.ko" "$KVER" "$KMOD" \
		"$mod/remap_pfn.ko" "$dbg/kselftest" "$OUT/remap_pfn_demo" \
		"$dbg/initramfs.cpio" >> "$dbg/userspace.log" 2>&1; then
	fail userspace "building the guest's programs or initramfs failed (log: $dbg/userspace.log)"
	show "$dbg/userspace.log"
	exit 0
fi
pass userspace

# The suite's configurations go to the boots in turn, the heaviest
# (largest buffers) first, each to the boot with the least work so far;
# stress and fault injection go to the last boot before anything else.
# Weights in units of about 11 s, from the 7.2 debug kernel on two cores
# (2026-11-30): a 128K, 20K or 4M configuration took about 44 s (4), a
# 64M one about 143 s (12), stress and fault injection together 139 s
# (13). With the old weights (1 + size / 8M, and 6 for stress and fault
# injection) the boots ended after 459 s and 620 s.
boots=${DEBUG_BOOTS:-$(($(nproc) < 2 ? 1 : 2))}
weight() {	# relative run time of one configuration: 4 + size / 8M
	local size
	size=$(sed -n 's/.*size=\([0-9]*\)\([KMG]\?\).*/\1 \2/p' <<< "$1")
	read -r n unit <<< "${size:-128 K}"
	case $unit in K) n=$((n << 10)) ;; M) n=$((n << 20)) ;; G) n=$((n << 30)) ;; esac
	echo $((4 + n / (8 << 20)))
}
declare -a load suite_of
for ((b = 1; b <= boots; b++)); do load[b]=0 suite_of[b]=''; done
load[boots]=13
IFS=';' read -r -a list <<< "$configs"
while IFS=' ' read -r w cfg; do
	best=1
	for ((b = 2; b <= boots; b++)); do
		[ "${load[b]}" -lt "${load[best]}" ] && best=$b
	done
	load[best]=$((load[best] + w))
	suite_of[best]+="${suite_of[best]:+;}$cfg"
done < <(for cfg in "${list[@]}"; do echo "$(weight "$cfg") $cfg"; done | sort -s -k1,1nr)

# write_job BOOT: the job of one boot. Its sections start with
# "@@@ debug: WHAT" and end with "@@@ debug: WHAT exit N"; the kernel log
# gets the same marks. Every boot ends with the kmemleak scans.
write_job() {
	local b=$1
	cat <<-JOB
	#!/bin/sh
	mark() { echo "@@@ debug: \$*"; echo "remap_pfn-vm: \$*" > /dev/kmsg; }
	unload() { [ -d /sys/module/remap_pfn ] && rmmod remap_pfn; }
	mount -t debugfs debugfs /sys/kernel/debug
	ko=/lib/modules/\$(uname -r)/extra/remap_pfn.ko
	export REMAP_PFN_STRESS_SECONDS=$smoke_seconds
	export REMAP_PFN_HUGE_PFNMAP=$(huge_pfnmap "$KDIR")
	JOB
	[ -n "${suite_of[b]}" ] && cat <<-JOB

	mark suite
	cd /kselftest && REMAP_PFN_CONFIGS='${suite_of[b]}' ./run_kselftest.sh
	mark suite exit \$?
	cd /
	unload
	JOB
	[ "$b" -eq "$boots" ] && cat <<-JOB

	IFS=';'
	for cfg in \$(echo '$stress_configs'); do
		IFS=' '
		mark "stress [\$cfg]"
		modprobe remap_pfn \$cfg && /kselftest/drivers/remap_pfn/remap_pfn_stress -u -t $stress_seconds
		mark "stress [\$cfg] exit \$?"
		unload
	done

	mark fault injection start
	IFS=';'
	for cfg in \$(echo '$fault_configs'); do
		IFS=' '
		mark "faultload [\$cfg]"
		remap_pfn_faultload -n $loads "\$ko" "\$cfg"
		mark "faultload [\$cfg] exit \$?"
		unload
	done
	mark fault injection end
	JOB
	cat <<-JOB

	mark kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	sleep 5
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
	mark kmemleak exit \$?
	JOB
}

step "$boots boot(s) of $KVER in parallel: the kselftests, stress, fault injection, kmemleak"
export VM_ACCEL=${VM_ACCEL:-$("$REPO/scripts/vm-accel.sh" "$KIMAGE")}
export VM_TIMEOUT=${DEBUG_VM_TIMEOUT:-1800}
export VM_MEM=${VM_MEM:-1G}
echo "    ($VM_ACCEL, $VM_MEM each, time limit $VM_TIMEOUT s; logs in $dbg/boot*)"
declare -a pids
for ((b = 1; b <= boots; b++)); do
	mkdir -p "$dbg/boot$b"
	write_job "$b" > "$dbg/boot$b/job.sh"
	echo "    boot $b: ${suite_of[b]:-no suite configuration}$([ "$b" -eq "$boots" ] && echo "; stress; fault injection")"
	"$REPO/scripts/vm.sh" --quiet \
		--append "log_buf_len=16M" --log "$dbg/boot$b/console.log" \
		--report "$dbg/boot$b/report" \
		"$KIMAGE" "$dbg/initramfs.cpio" "$dbg/boot$b/job.sh" &
	pids[b]=$!
done
for ((b = 1; b <= boots; b++)); do
	status=0
	wait "${pids[b]}" || status=$?
	echo "    boot $b ended after $(took | tr -d '()'), exit status $status"
	tr -d '\r' < "$dbg/boot$b/report" |
		sed -n '/^@@@ remap_pfn-vm: job output$/,/^@@@ remap_pfn-vm: dmesg$/{/^@@@ remap_pfn-vm/d;p}' \
		> "$dbg/boot$b/job.log"
	if [ "$status" -eq 125 ]; then
		fail "boot $b" "no result from the guest (crash or time limit); see $dbg/boot$b/console.log"
		echo "--- last lines of its console:"
		tail -n 40 "$dbg/boot$b/console.log" | sed 's/^/    /'
	fi
done

# section BOOT WHAT: that boot's job output between "@@@ debug: WHAT" and
# its exit mark, to stdout; returns the exit status, 125 without the mark
section() {
	local log=$dbg/boot$1/job.log what=$2 rc
	awk -v start="@@@ debug: $what" -v end="@@@ debug: $what exit " '
		$0 == start { on = 1; next }
		on && index($0, end) == 1 { exit }
		on' "$log"
	rc=$(grep -F "@@@ debug: $what exit " "$log" | sed -n '1s/.* exit //p')
	return "${rc:-125}"
}

for ((b = 1; b <= boots; b++)); do
	[ -n "${suite_of[b]}" ] || continue
	step "boot $b: the kselftests [${suite_of[b]}]"
	rc=0
	section "$b" suite > "$dbg/boot$b/suite.tap" || rc=$?
	grep -E '^# (not )?ok ' "$dbg/boot$b/suite.tap" | sed 's/^# /    /' || true
	counts=$(awk -f "$REPO/scripts/tap-count.awk" "$dbg/boot$b/suite.tap")
	read -r _ p f s <<< "$(grep '^counts ' <<< "$counts")"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	while IFS= read -r line; do
		failures+=("suite: $line")
		echo "--- FAIL: $line"
	done < <(sed -n 's/^fail //p' <<< "$counts")
	if [ $((p + f + s)) -eq 0 ]; then
		fail "suite (boot $b)" "no test results (exit $rc; log: $dbg/boot$b/job.log)"
	else
		echo "--- suite: $p passed, $f failed, $s skipped ($dbg/boot$b/suite.tap)"
	fi
done

IFS=';' read -r -a list <<< "$stress_configs"
for cfg in "${list[@]}"; do
	step "remap_pfn_stress -u -t $stress_seconds [$cfg]"
	rc=0
	section "$boots" "stress [$cfg]" > "$dbg/stress.log" || rc=$?
	sed 's/^/    /' "$dbg/stress.log"
	if [ "$rc" -eq 0 ]; then
		pass "stress [$cfg]"
	else
		fail "stress [$cfg]" "exit status $rc"
	fi
done

IFS=';' read -r -a list <<< "$fault_configs"
for cfg in "${list[@]}"; do
	step "remap_pfn_faultload -n $loads [$cfg]"
	rc=0
	section "$boots" "faultload [$cfg]" > "$dbg/faultload.log" || rc=$?
	# each load's line stays in the log; failures and the summary here
	grep -vE '^remap_pfn_faultload: load [0-9]+ .*(works|Cannot allocate memory)$' \
		"$dbg/faultload.log" | sed 's/^/    /' || true
	if [ "$rc" -eq 0 ]; then
		pass "faultload [$cfg]"
	else
		fail "faultload [$cfg]" "exit status $rc (log: $dbg/boot$boots/job.log)"
	fi
done

for ((b = 1; b <= boots; b++)); do
	step "boot $b: kmemleak, with the module unloaded"
	rc=0
	section "$b" kmemleak > "$dbg/boot$b/kmemleak.log" || rc=$?
	# Objects allocated in start_kernel() or kernel_init(), before the
	# job ran, cannot be the module's: some of the ACPI tables' caches
	# turn unreferenced a while after boot in this configuration.
	awk -v boot="$dbg/boot$b/kmemleak.boot" -v rest="$dbg/boot$b/kmemleak.found" '
		/^unreferenced object / { flush(); obj = $0 "\n"; next }
		{ obj = obj $0 "\n" }
		function flush() {
			if (obj == "") return
			if (obj ~ /\] (start_kernel|kernel_init)\+/) printf "%s", obj > boot
			else printf "%s", obj > rest
			obj = ""
		}
		END { flush() }' "$dbg/boot$b/kmemleak.log"
	nboot=$(grep -c '^unreferenced object' "$dbg/boot$b/kmemleak.boot" 2>/dev/null || true)
	[ "${nboot:-0}" -eq 0 ] ||
		echo "    not counted: ${nboot} object(s) allocated during boot ($dbg/boot$b/kmemleak.boot)"
	if [ "$rc" -ne 0 ]; then
		fail "kmemleak (boot $b)" "no kmemleak report read (exit $rc)"
	elif [ -s "$dbg/boot$b/kmemleak.found" ]; then
		fail "kmemleak (boot $b)" "$(grep -c '^unreferenced object' "$dbg/boot$b/kmemleak.found") leak(s) reported (log: $dbg/boot$b/kmemleak.found)"
		show "$dbg/boot$b/kmemleak.found"
	else
		pass "kmemleak (boot $b)"
	fi
done

for ((b = 1; b <= boots; b++)); do
	step "boot $b: the guest's kernel log"
	klog=$dbg/boot$b/report
	grep -q '^@@@ remap_pfn-vm: dmesg' "$klog" || klog=$dbg/boot$b/console.log
	# kmemleak's own line counts what the scan above already judged
	if problems=$("$REPO/scripts/kernel-problems.sh" "$klog" 2> "$dbg/boot$b/problems.note" |
		grep -v 'kmemleak: [0-9]* new suspected memory leaks'); then
		:
	fi
	sed 's/^/    /' "$dbg/boot$b/problems.note"
	if [ -z "$problems" ]; then
		pass "kernel log (boot $b)"
		continue
	fi
	fail "kernel log (boot $b)" "$(head -n 1 <<< "$problems") (all in $klog)"
	echo "--- the reports, with what the kernel printed around them:"
	tr -d '\r' < "$klog" > "$dbg/boot$b/kernel.log"
	awk 'NR == FNR { want[$0] = 1; next }
		{ line[FNR] = $0; last = FNR }
		($0 in want) && hits++ < 20 { for (i = FNR - 5; i <= FNR + 60; i++) keep[i] = 1 }
		END {
			for (i = 1; i <= last; i++) {
				if (!keep[i]) continue
				if (i > 1 && !keep[i - 1]) print "..."
				print line[i]
			}
		}' <(printf '%s\n' "$problems") "$dbg/boot$b/kernel.log" > "$dbg/boot$b/reports.txt"
	# at most 600 lines here (a head that stops reading would be SIGPIPE)
	sed -n '1,600s/^/    /p' "$dbg/boot$b/reports.txt"
	n=$(grep -c '' "$dbg/boot$b/reports.txt")
	[ "$n" -le 600 ] || echo "    ... $((n - 600)) more lines in $dbg/boot$b/reports.txt"
done
