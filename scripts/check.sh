#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make check: build everything, run every test tier, and close with one
# line "N passed, N failed, N skipped" (scripts/summary.sh); exit non-zero
# on any failure.
#
# A tier is a script scripts/check-TIER.sh RESULT that prints what it runs
# and writes its counts to RESULT. To add one (lint, a debug kernel, ...),
# write the script and add its name to the list below; its results join
# the same closing line. A tier that cannot even write its result counts
# as a failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# lint and intree check the sources and build in the kernel trees on the
# host, side by side (below), preparing every kernel of scripts/kernels on
# the way (Debian's are a download, the newest is built from source: the
# longest step of a cold cache). vm then builds the module and initramfs
# for each kernel and boots them, two at a time; bench is a smoke run of
# make bench in one more boot of the newest kernel (no timings judged).
# dkms installs the packages of make deb on this machine, lets DKMS build
# for Debian's kernels and boots each with what DKMS installed, then purges
# them (scripts/check-dkms.sh).
# debug (make check-debug) boots its own kernel, the newest series built
# with the checkers, reusing the selftests built here; it is the longest,
# so it runs last, and its kernel is built in the background while the vm
# tier boots (on a cold cache the build and the boots share the cores;
# the total work is the same, and no core waits).
tiers=(lint intree vm bench dkms debug)

results=$OUT/results
rm -rf "$results"
mkdir -p "$results"
start=$SECONDS

# The kernel-independent part, once: the demo and the kselftests (built in
# the newest series' tree, statically linked, run on every kernel).
built=1
step_start=$SECONDS
if ! "$REPO/scripts/deps.sh" || ! make -C "$REPO" --no-print-directory demo ||
	! "$REPO/scripts/build-selftests.sh"; then
	built=0
	printf 'failed 1\nfailure the demo or kselftest build failed (see its output above)\n' \
		> "$results/build.result"
fi
echo "=== build of the demo and the kselftests: $((SECONDS - step_start)) s"

# The debug kernel is built in the background during the vm tier, once
# that has its own kernels (scripts/check-vm.sh, CHECK_THEN): a process
# group of its own, ended with make check if that stops early (the
# build's temporary directory goes). On failure the debug tier asks again
# and reports it.
pidfile=$results/prepare-debug.pid
trap '[ ! -s "$pidfile" ] || kill -- "-$(cat "$pidfile")" 2>/dev/null || true' EXIT
if [ -z "${CHECK_NO_PREPARE:-}" ]; then
	export CHECK_THEN_PID=$pidfile
	export CHECK_THEN=". '$REPO/scripts/lib.sh' && kernel_env '$("$REPO/scripts/kernel.sh" newest)' debug > '$results/prepare-debug.log' 2>&1"
fi
# run_tier TIER: run it, and count a tier that stops as one failure
run_tier() {
	local tier=$1 tier_start=$SECONDS
	"$REPO/scripts/check-$tier.sh" "$results/$tier.result" ||
		printf 'failed 1\nfailure the %s tier stopped with status %s\n' \
			"$tier" $? >> "$results/$tier.result"
	echo "=== tier $tier: $((SECONDS - tier_start)) s"
}

# lint and intree side by side: lint keeps about one core busy (coccicheck
# runs one semantic patch after another, each on our few files), and
# intree's builds fill the other. intree's output is kept and printed
# whole once lint is done. Measured on two cores: lint 212 s and intree
# 77 s one after the other.
pair_start=$SECONDS
run_tier intree > "$results/intree.out" 2>&1 &
intree_pid=$!
trap '[ ! -s "$pidfile" ] || kill -- "-$(cat "$pidfile")" 2>/dev/null || true
	kill "$intree_pid" 2>/dev/null || true' EXIT
run_tier lint
wait "$intree_pid" || true
cat "$results/intree.out"
echo "=== tiers lint and intree side by side: $((SECONDS - pair_start)) s"

for tier in "${tiers[@]}"; do
	case $tier in lint | intree) continue ;; esac
	case $tier in vm | bench | dkms) [ "$built" -eq 0 ] && continue ;; esac
	run_tier "$tier"
done

echo
echo "make check: $((SECONDS - start)) s; logs in $OUT/check/logs"
exec "$REPO/scripts/summary.sh" "$results"
