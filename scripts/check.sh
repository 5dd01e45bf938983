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

# lint and intree check the sources and build in the kernel tree on the
# host; vm boots what build.sh built, so only vm needs that build; so does
# bench, a smoke run of make bench in one more boot (no timings judged).
# debug (make check-debug) builds its own kernel and module and boots
# that, reusing the selftests that build.sh built; it is the longest, so
# it runs last.
tiers=(lint intree vm bench debug)

results=$OUT/results
rm -rf "$results"
mkdir -p "$results"
start=$SECONDS

built=1
if ! "$REPO/scripts/build.sh" check; then
	built=0
	printf 'failed 1\nfailure the build failed (see its output above)\n' \
		> "$results/build.result"
fi
for tier in "${tiers[@]}"; do
	case $tier in vm | bench) [ "$built" -eq 0 ] && continue ;; esac
	tier_start=$SECONDS
	"$REPO/scripts/check-$tier.sh" "$results/$tier.result" ||
		printf 'failed 1\nfailure the %s tier stopped with status %s\n' \
			"$tier" $? >> "$results/$tier.result"
	echo "=== tier $tier: $((SECONDS - tier_start)) s"
done

echo
echo "make check: $((SECONDS - start)) s; logs in $OUT/check/logs"
exec "$REPO/scripts/summary.sh" "$results"
