# SPDX-License-Identifier: GPL-2.0-only
#
# Count the results in nested kselftest TAP output. Each level of nesting
# adds a "# " prefix (run_kselftest.sh around the wrapper script around the
# harness programs), and a result line whose level contains deeper results
# only summarises them: the leaves are the tests. A summarising line that
# fails although none of its tests failed (a program crashed, timed out or
# exited non-zero after its last result) is counted as one more failure.
#
# Output: one "fail <line>" per failure, then "counts PASSED FAILED SKIPPED".

function result(depth, line,    kind, i, leaf) {
	if (line ~ /#[ \t]*[Ss][Kk][Ii][Pp]/)
		kind = "skip"
	else if (line ~ /^not ok/)
		kind = "fail"
	else
		kind = "pass"

	leaf = !(depth in children) || !children[depth]
	if (leaf) {
		n[kind]++
		if (kind == "fail")
			print "fail " line
	} else if (kind == "fail" && !failed_below[depth]) {
		n["fail"]++
		print "fail " line
	}

	# this result closes its level and everything below it
	for (i in children)
		if (i + 0 >= depth) {
			children[i] = 0
			failed_below[i] = 0
		}
	for (i = 0; i < depth; i++) {
		children[i] = 1
		if (kind == "fail")
			failed_below[i]++
	}
}

{
	line = $0
	sub(/\r$/, "", line)
	depth = 0
	while (substr(line, 1, 2) == "# ") {
		line = substr(line, 3)
		depth++
	}
	if (line ~ /^(not )?ok [0-9]+( |$)/)
		result(depth, line)
}

END {
	printf "counts %d %d %d\n", n["pass"], n["fail"], n["skip"]
}
