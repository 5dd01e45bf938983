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
)
re=$(IFS='|'; echo "${patterns[*]}")

tr -d '\r' < "$log" | awk -v re="$re" '
	/^\[ *[0-9]+\.[0-9]+\] / { kernel[++n] = $0 }
	/remap_pfn-vm: job start/ && /^\[/ { start = n }
	END {
		for (i = start + 1; i <= n; i++)
			if (kernel[i] ~ re) { print kernel[i]; found = 1 }
		exit found
	}'
