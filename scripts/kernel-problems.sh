#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kernel-problems.sh LOG: print the kernel log lines of LOG that report a
# kernel problem (BUG, WARNING, Oops, lockdep, KASAN, ...), and exit 0 when
# there is none. Only lines carrying a printk timestamp count, so test
# output that merely mentions such a word does not; and only what follows
# the "remap_pfn-vm: job start" line that vm-init writes to the kernel log,
# so the boot of the emulated machine itself is not judged (unless the job
# never started, in which case all of it is).
#
# Between the kernel log lines "remap_pfn-vm: fault injection start" and
# "remap_pfn-vm: fault injection end" (written by the debug tier's job),
# allocation failures are injected on purpose, and what the kernel prints
# about them is expected: each injected failure's report ("FAULT_INJECTION:
# forcing a failure." and its stack dump) and a "vmalloc error" or "page
# allocation failure" report that follows an injected failure, with its
# stack dump. Only those are let through, each "Call Trace:" only within a
# few lines of its own header; every other report still counts, and the
# number let through is printed to stderr.
set -euo pipefail

log=${1:?usage: kernel-problems.sh LOG}

patterns=(
	'BUG:' 'kernel BUG at' 'WARNING:' 'Oops' 'Call Trace:'
	'general protection fault' 'Kernel panic'
	'possible circular locking' 'possible recursive locking'
	'inconsistent lock state' 'possible irq lock inversion'
	'lock held when returning' 'bad unlock balance' 'held lock freed'
	'DEBUG_LOCKS_WARN_ON' 'suspicious RCU usage'
	'KASAN' 'KFENCE' 'UBSAN' 'unreferenced object'
	'sleeping function called from invalid context' 'scheduling while atomic'
	'soft lockup' 'hard LOCKUP' 'blocked for more than' 'rcu_.*stall'
	'page allocation failure' 'vmalloc error' 'invoked oom-killer'
	'list_add corruption' 'list_del corruption' 'refcount_t:' 'Bad page'
	'suspected memory leak' 'Kernel memory leak detector disabled'
	'kmemleak: Memory pool empty' 'Unable to handle kernel'
)
re=$(IFS='|'; echo "${patterns[*]}")

tr -d '\r' < "$log" | awk -v re="$re" '
	/^\[ *[0-9]+\.[0-9]+\] / { kernel[++n] = $0 }
	/remap_pfn-vm: job start/ && /^\[/ { start = n }
	END {
		window = 0	# inside the fault injection window
		injected = 0	# failures injected since the last warning
		header = -100	# line of the last header let through
		for (i = start + 1; i <= n; i++) {
			line = kernel[i]
			if (line ~ /remap_pfn-vm: fault injection start$/) { window = 1; continue }
			if (line ~ /remap_pfn-vm: fault injection end$/) { window = 0; continue }
			if (window && line ~ /FAULT_INJECTION: forcing a failure/) {
				injected++; reports++; header = i; continue
			}
			if (line !~ re)
				continue
			if (window && injected && line ~ /vmalloc error|page allocation failure/) {
				injected = 0; warnings++; header = i; continue
			}
			if (window && line ~ /Call Trace:$/ && i - header <= 6) {
				header = -100; continue
			}
			print line
			found = 1
		}
		if (reports)
			printf "kernel-problems.sh: let through %d injected failure report(s) and %d allocation failure warning(s) after them\n", reports, warnings > "/dev/stderr"
		exit found
	}'
