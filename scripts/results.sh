# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2034 # variables for the scripts that source this
# Bookkeeping for the tiers whose tests are steps run on the host (lint,
# intree); sourced after lib.sh, never run. Each step counts as one test:
#
#   pass NAME                 the step ran and found nothing
#   fail NAME WHY             it failed or found something
#   skip NAME WHY             it could not run (what it needs failed, or a
#                             tool is missing); never counted as passed
#   write_results RESULT      the counts and failures in the format of
#                             scripts/summary.sh

passed=0 failed=0 skipped=0 failures=()

step_start=$SECONDS
step() { printf '\n=== %s: %s\n' "${0##*/}" "$*"; step_start=$SECONDS; }
took() { echo "($((SECONDS - step_start)) s)"; }
pass() { passed=$((passed + 1)); echo "--- PASS: $1 $(took)"; }
fail() { failed=$((failed + 1)); failures+=("$1: $2"); echo "--- FAIL: $1: $2 $(took)"; }
skip() { skipped=$((skipped + 1)); echo "--- SKIP: $1: $2"; }

write_results() {
	{
		echo "passed $passed"
		echo "failed $failed"
		echo "skipped $skipped"
		for line in ${failures[@]+"${failures[@]}"}; do
			echo "failure $line"
		done
	} > "$1"
}

# show LOG: print LOG indented, at most 200 lines (the rest stays in LOG)
show() {
	sed -n '1,200s/^/    /p' "$1"
	local n
	n=$(wc -l < "$1")
	[ "$n" -le 200 ] || echo "    ... $((n - 200)) more lines in $1"
}

# Lines of kbuild's output that report nothing: directory changes, the
# short command lines ("  CC [M]  main.o") and the BTF note of a module
# built without vmlinux.
kbuild_noise='^make(\[[0-9]+\])?: (Entering|Leaving) directory|^  [A-Z][A-Z0-9_-]*( \[M\])? +[^ ]|^Skipping BTF generation for .* due to unavailability of vmlinux$'
