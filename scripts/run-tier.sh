#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run-tier.sh TIER: run one tier of make check on its own (make lint runs
# the lint tier, make check-intree the intree tier) and close, like make
# check, with "N passed, N failed, N skipped" (scripts/summary.sh); exit
# non-zero on any failure. Results go to $OUT/results-TIER.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tier=${1:?usage: run-tier.sh TIER}
[ -x "$REPO/scripts/check-$tier.sh" ] || die "no tier $tier (scripts/check-$tier.sh)"
results=$OUT/results-$tier
rm -rf "$results"
mkdir -p "$results"
start=$SECONDS

"$REPO/scripts/check-$tier.sh" "$results/$tier.result" ||
	printf 'failed 1\nfailure the %s tier stopped with status %s\n' \
		"$tier" $? >> "$results/$tier.result"

echo
echo "$tier: $((SECONDS - start)) s"
exec "$REPO/scripts/summary.sh" "$results"
