#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# summary.sh DIR: add up the result files that the tiers of make check
# wrote to DIR (*.result, lines "passed N", "failed N", "skipped N" and
# "failure TEXT"), list every failure, and print the closing line
# "N passed, N failed, N skipped". Fails when anything failed, or when
# nothing ran at all (a check that ran no test proves nothing).
set -euo pipefail

dir=${1:?usage: summary.sh DIR}
shopt -s nullglob
files=("$dir"/*.result)

passed=0 failed=0 skipped=0
failures=()
for f in ${files[@]+"${files[@]}"}; do
	tier=${f##*/}
	tier=${tier%.result}
	while read -r key rest; do
		case $key in
		passed) passed=$((passed + rest)) ;;
		failed) failed=$((failed + rest)) ;;
		skipped) skipped=$((skipped + rest)) ;;
		failure) failures+=("${tier}: $rest") ;;
		esac
	done < "$f"
done

if [ $((passed + failed + skipped)) -eq 0 ]; then
	failed=1
	failures+=("no test ran")
fi

echo
if [ ${#failures[@]} -gt 0 ]; then
	echo "Failures:"
	printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
