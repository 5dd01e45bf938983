#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check-bench.sh RESULT: the "bench" tier of make check, a smoke run of
# make bench proving that the benchmark works; no figure it measures is
# judged, so nothing here depends on timings. One boot of make check's
# initramfs (with the benchmark added) in the benchmark's default icount
# mode runs every allocator in both mapping modes at 64K and 1M, each
# figure twice (the first discarded), and a 16M data path through a 1M
# buffer, on one kernel: KERNEL=SERIES, by default the newest series of
# scripts/kernels (the vm tier has built its initramfs; built here if
# not). When the archive no longer has that series, every test is
# skipped. Tests:
#
#   build    the benchmark program and its baseline module build
#   run      scripts/bench.sh succeeds: the guest job ran to the end, every
#            program checked what it moved (bytes written through a mapping
#            read back by read(), every handed-over block summed by its
#            consumer), the kernel log is clean, and the report found every
#            figure it expects and drew the plot
#   outputs  results.json, table.txt and the PNG are there and agree
#
# CHECK_VM_TIMEOUT limits the boot, as in the vm tier.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$REPO/scripts/results.sh"

result=${1:?usage: check-bench.sh RESULT}
series=${KERNEL:-$("$REPO/scripts/kernel.sh" newest)}
smoke=$OUT/check/bench-smoke-$series
rm -rf "$smoke"
mkdir -p "$smoke"
log=$smoke.log
trap 'write_results "$result"' EXIT

step "build the benchmark and its baseline module for $series"
status=0
if [ ! -f "$OUT/check/$series/initramfs.cpio" ]; then
	"$REPO/scripts/build.sh" check "$series" > "$log" 2>&1 || status=$?
fi
if [ "$status" -eq 3 ]; then
	why=$(grep -v '^deps.sh' "$log" | tail -n 1)
	skip build "$why"
	skip run "$why"
	skip outputs "$why"
	exit 0
fi
# shellcheck disable=SC1091 # written by scripts/kernel.sh
if [ "$status" -eq 0 ] && . "$OUT/check/$series/kernel.env" &&
	copy_driver "$REPO/tools/remap_pfn_bench/baseline" "$smoke/work/baseline" &&
	make -C "$REPO" --no-print-directory bench-build KDIR="$KDIR" \
		BASELINE="$smoke/work/baseline" >> "$log" 2>&1; then
	pass build
	step "smoke run of make bench: one boot, every allocator, 64K and 1M"
	if KERNEL=$series BENCH_BASE=check BENCH_ONE_BOOT=1 BENCH_SIZES='64K 1M' BENCH_RUNS=1 \
		BENCH_DATA=16M BENCH_DATA_SIZE=1M BENCH_OUT="$smoke" \
		BENCH_VM_TIMEOUT="${CHECK_VM_TIMEOUT:-300}" \
		"$REPO/scripts/bench.sh" > "$log" 2>&1; then
		pass run
	else
		fail run "scripts/bench.sh failed (log: $log)"
		show "$log"
	fi

	step "the smoke run's results.json, table and plot"
	if why=$(python3 - "$smoke" 2>&1 <<'PY'
import json, os, sys
d = sys.argv[1]
r = json.load(open(os.path.join(d, 'results.json')))
series = {f['series'] for f in r['figures']}
# kmalloc has no map=pages: the driver refuses it at load
want = {a + ' ' + m for a in ('kmalloc', 'vmalloc', 'alloc_pages')
        for m in ('map=pfn', 'map=pfn huge=0', 'map=pages')}
want |= {'baseline', 'anon', 'memfd'}
want.discard('kmalloc map=pages')
if r['problems']:
    sys.exit('; '.join(r['problems']))
if series != want:
    sys.exit('series %s, expected %s' % (sorted(series), sorted(want)))
# 3 allocators x 2 sizes x (3 configurations + 3 anchors) x 3 metrics,
# less kmalloc's map=pages; the 8 driver series' dma-buf mmap+touch at
# both sizes; and 6 data figures per allocator
want_figures = 3 * 2 * 6 * 3 - 2 * 3 + 8 * 2 + 3 * 6
if len(r['figures']) != want_figures:
    sys.exit('%d figures, expected %d' % (len(r['figures']), want_figures))
if r['mode'] != 'icount' or 'GUEST INSTRUCTIONS' not in open(
        os.path.join(d, 'table.txt')).read():
    sys.exit('the table does not say it counts guest instructions')
png = open(os.path.join(d, 'cost-per-page.png'), 'rb').read(8)
if png != b'\x89PNG\r\n\x1a\n':
    sys.exit('cost-per-page.png is not a PNG')
PY
	); then
		pass outputs
	else
		fail outputs "$(tail -n 1 <<< "$why")"
	fi
else
	fail build "the build for $series or make bench-build failed (log: $log)"
	show "$log"
fi
