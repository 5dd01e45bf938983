#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check-lint.sh RESULT: the "lint" tier of make check (and make lint).
# Runs the kernel's own checkers on the files this checkout tracks (git
# ls-files, tracked or untracked but not ignored: never build products).
# checkpatch, kernel-doc and coccicheck come from the newest kernel of
# scripts/kernels (kernel.sh newest, the tree a submission is reviewed
# against; its unpacked source, kernel.sh src, only read); sparse and W=1
# build the module against every kernel of scripts/kernels (kernel.sh
# env SERIES), one step each, named for its kernel. Each checker counts as
# one test and fails on any finding, which it prints:
#
#   checkpatch  scripts/checkpatch.pl --strict --no-tree -f on the driver
#               (.c .h Makefile Kconfig), the UAPI header, the selftests
#               (.c .h .sh Makefile) and the benchmark in tools/remap_pfn_bench
#               (its program and baseline module)
#   sparse SERIES  the module built with C=2 CHECK=<sparse>: Debian 12's,
#               or, when the newest tree refuses it (7.x needs
#               __typeof_unqual__), sid's built from source (scripts/sparse.sh)
#   W=1 SERIES  the module built from scratch with W=1
#   kernel-doc  scripts/kernel-doc -none -v -Wall -Werror on the driver
#               sources and the UAPI header (-Wall: Return: sections, short
#               descriptions too); it must read at least one comment
#   coccicheck  make coccicheck MODE=report M=<driver>, every semantic
#               patch of the tree, with spatch reading every file
#               (SPFLAGS=--no-scanner; see below)
#   rst         docutils (rst2html) on Documentation/**/*.rst and
#               README.rst; Sphinx-only directives and roles (kernel-doc,
#               toctree, :c:func:, ...) may stay unresolved, anything else
#               docutils reports from WARNING up is a finding
#
# A kernel that the archive no longer has (kernel.sh exits 3) has its
# steps skipped, with kernel.sh's one line as the reason.
#
# Module builds happen in copies under $OUT/lint, so they always start from
# scratch and never mix with the checkout's own build products.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$REPO/scripts/results.sh"

result=${1:?usage: check-lint.sh RESULT}
"$REPO/scripts/deps.sh"
lint=$OUT/lint
rm -rf "$lint"
mkdir -p "$lint"
newest=$("$REPO/scripts/kernel.sh" newest)
mapfile -t kernels < <("$REPO/scripts/kernel.sh" list)
# the newest tree's source, for its checkers ("" when the archive dropped
# it: those steps are skipped, saying why)
status=0
ksrc=$(exec 7> "$CACHE/.src-$newest.lock" && flock 7 &&
	"$REPO/scripts/kernel.sh" src "$newest" 2> "$lint/ksrc.log") || status=$?
case $status in
0) ;;
3) gone_src=$(tail -n 1 "$lint/ksrc.log"); ksrc= ;;
*) cat "$lint/ksrc.log" >&2; die "kernel.sh src $newest failed (status $status)" ;;
esac
# Debian's python3 with its packages, ahead of any other python3 in PATH
export PATH=/usr/bin:$PATH

# files PATH...: this checkout's files under PATH (no build products)
files() {
	git -C "$REPO" ls-files --cached --others --exclude-standard -- "$@" |
		while IFS= read -r f; do [ -f "$REPO/$f" ] && echo "$f"; done | LC_ALL=C sort
}

drv=drivers/misc/remap_pfn
uapi=include/uapi/linux/remap_pfn.h
sel=tools/testing/selftests/drivers/remap_pfn
bench=tools/remap_pfn_bench	# the benchmark and its baseline module
faultload=tools/remap_pfn_faultload
mapfile -t driver_files < <(files "$drv")
mapfile -t checkpatch_files < <(
	files "$drv" "$uapi" "$sel" "$bench" "$faultload" |
		grep -E '\.(c|h|sh)$|(^|/)(Makefile|Kconfig)$')
mapfile -t kdoc_files < <(files "$drv" "$uapi" | grep -E '\.[ch]$')
mapfile -t rst_files < <(files 'Documentation/*.rst' README.rst)
[ ${#driver_files[@]} -gt 0 ] || die "no driver files in $REPO/$drv"

# copy DIR: a fresh copy of the driver's files in DIR, for a module build
# or a coccicheck run that must see nothing but the sources
copy() {
	rm -rf "$1"
	mkdir -p "$1"
	(cd "$REPO" && cp -- "${driver_files[@]}" "$1/")
}

# findings LOG PATTERN: the lines of LOG that do not match PATTERN
findings() { grep -Ev "$2" "$1" || true; }

# The top Makefile echoes its kbuild command line
kbuild_noise+='|^make -C [^ ]+ M=[^ ]+ '

# build NAME DIR [make args]: build the module from the copy DIR with the
# top Makefile's kbuild arguments, against the kernel in $kdir; fails NAME
# when the build fails
build() {
	local name=$1 dir=$2
	shift 2
	# without the caller's MAKEFLAGS: under "make -s lint" kbuild would
	# print no "CHECK" line, and sparse would seem to check nothing
	MAKEFLAGS= make -C "$REPO" --no-print-directory KDIR="$kdir" DRV="$dir" \
		module "$@" > "$dir.log" 2>&1 && return 0
	fail "$name" "the module build failed (log: $dir.log)"
	show "$dir.log"
	return 1
}

# report NAME LOG FINDINGS: pass, or fail with the findings printed
report() {
	if [ -s "$3" ]; then
		fail "$1" "$(grep -c '' "$3") line(s) of findings (log: $2)"
		show "$3"
	else
		pass "$1"
	fi
}

step "checkpatch --strict on ${#checkpatch_files[@]} files (Linux $newest's checkpatch.pl)"
if [ -z "$ksrc" ]; then
	skip checkpatch "$gone_src"
else
printf '    %s\n' "${checkpatch_files[@]}"
log=$lint/checkpatch.log
status=0
(cd "$REPO" && perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree --quiet \
	--no-summary -f "${checkpatch_files[@]}") > "$log" 2>&1 || status=$?
# --quiet --no-summary: nothing at all unless there is a finding
if [ "$status" -ne 0 ] || [ -s "$log" ]; then
	fail checkpatch "$(grep -cE '^(ERROR|WARNING|CHECK):' "$log") finding(s), status $status (log: $log)"
	show "$log"
else
	pass checkpatch
fi
fi

# sparse_and_w1 SERIES: the sparse and W=1 steps against that kernel
sparse_and_w1() {
	local series=$1 env status=0 dir n kdir
	env=$("$REPO/scripts/kernel.sh" env "$series" 2> "$lint/kernel-$series.log") || status=$?
	if [ "$status" -eq 3 ]; then
		skip "sparse $series" "$(tail -n 1 "$lint/kernel-$series.log")"
		skip "W=1 $series" "$(tail -n 1 "$lint/kernel-$series.log")"
		return
	elif [ "$status" -ne 0 ]; then
		fail "sparse $series" "kernel.sh env $series failed, status $status (log: $lint/kernel-$series.log)"
		fail "W=1 $series" "kernel.sh env $series failed, status $status"
		show "$lint/kernel-$series.log"
		return
	fi
	kdir=$(. "$env" && echo "$KDIR")
	echo "    $(. "$env" && echo "$KPKG, KDIR=$KDIR")"

	step "sparse (C=2 CHECK=${sparse##*/}) against Linux $series"
	if [ -z "$sparse" ]; then
		skip "sparse $series" "$sparse_gone"
	else
	echo "    $sparse ($sparse_version)"
	dir=$lint/sparse-$series
	copy "$dir"
	# Built once without sparse first, so that the C=2 run only runs
	# sparse and everything it prints is sparse's.
	if build "sparse $series" "$dir"; then
		mv "$dir.log" "$dir.build.log"
		if build "sparse $series" "$dir" C=2 CHECK="$sparse"; then
			findings "$dir.log" "$kbuild_noise" > "$dir.findings"
			n=$(grep -c '^  CHECK ' "$dir.log" || true)
			echo "    files checked: $n"
			if [ "$n" -eq 0 ]; then
				fail "sparse $series" "sparse checked no file (log: $dir.log)"
			else
				report "sparse $series" "$dir.log" "$dir.findings"
			fi
		fi
	fi
	fi

	step "the module built from scratch with W=1 against Linux $series"
	dir=$lint/w1-$series
	copy "$dir"
	if build "W=1 $series" "$dir" W=1; then
		findings "$dir.log" "$kbuild_noise" > "$dir.findings"
		report "W=1 $series" "$dir.log" "$dir.findings"
	fi
}

step "kernel-doc -none -v -Wall -Werror on ${#kdoc_files[@]} files (Linux $newest's kernel-doc)"
if [ -z "$ksrc" ]; then
	skip kernel-doc "$gone_src"
else
printf '    %s\n' "${kdoc_files[@]}"
log=$lint/kernel-doc.log
status=0
# scripts/kernel-doc is the Python one since 6.17 (it runs with Debian's
# python3), the Perl one before: each run with its own interpreter
(cd "$REPO" && "$ksrc/scripts/kernel-doc" -none -v -Wall -Werror "${kdoc_files[@]}") \
	> "$log" 2>&1 || status=$?
# -v also lists each comment it reads ("Info: FILE:LINE Scanning doc for
# ...", or "FILE:LINE: info: Scanning doc for ..." from the Perl one)
scanned='^Info: .* Scanning doc for |: info: Scanning doc for '
nread=$(grep -cE "$scanned" "$log" || true)
echo "    kernel-doc comments read: $nread"
findings "$log" "$scanned" > "$lint/kernel-doc.findings"
if [ "$status" -ne 0 ] && [ ! -s "$lint/kernel-doc.findings" ]; then
	echo "kernel-doc exited with status $status" > "$lint/kernel-doc.findings"
fi
# a kernel-doc that reads no comment of ours checks nothing
[ "$nread" -gt 0 ] || echo "kernel-doc read no kernel-doc comment" >> "$lint/kernel-doc.findings"
report kernel-doc "$log" "$lint/kernel-doc.findings"
fi

step "coccicheck MODE=report on $drv (Linux $newest's semantic patches)"
if [ -z "$ksrc" ]; then
	skip coccicheck "$gone_src"
else
spatch --version 2>&1 | head -n 1 | sed 's/^/    /'
dir=$lint/cocci/remap_pfn
copy "$dir"
log=$lint/coccicheck.log
start=$SECONDS
status=0
# --no-scanner: spatch must read every file. By default it picks the files
# to read with 'git grep' whenever the directory is inside a git work tree,
# as $OUT usually is, and git grep sees no ignored file: every semantic
# patch would silently match nothing.
make -C "$ksrc" --no-print-directory coccicheck MODE=report M="$dir" \
	SPFLAGS="--no-scanner -I $REPO/include" > "$log" 2>&1 || status=$?
echo "    $(grep -c '^/usr/bin/spatch ' "$log" || true) semantic patch runs in $((SECONDS - start)) s"
# What coccicheck prints besides reports: each spatch command line, the
# file prefilter's messages (in case a semantic patch asks for one),
# spatch's remarks on the .cocci files themselves, and its closing advice.
# Everything else is a report.
noise='^$|^/usr/bin/spatch |^fatal: not a git repository|^[0-9]+ files match$'
noise+='|^warning: line [0-9]+: should .* be a metavariable\?$'
noise+='|^Please check for false positives in the output before submitting a patch\.$'
noise+='|^When using "patch" mode, carefully review the patch before submitting it\.$'
noise+='|^Skipping coccinelle SmPL patch: |^You have coccinelle: |^This SmPL patch requires: '
# 7.x: the notes on DEBUG_FILE (left at /dev/null, so that spatch's
# errors reach the log), and the semantic patches that have no report
# mode (counted as skipped below)
noise+='|^You have not explicitly specified the debug file to use\.$|^Using default "/dev/null" as debug file\.$'
noise+='|^Debug logs will be printed to stdout\.$|^You can specify the debug file with "make coccicheck DEBUG_FILE=<debug_file>"$'
noise+="|^warning: Skipping [^ ]+\\.cocci as it does not match mode 'report'\$"
findings "$log" "$noise" > "$lint/coccicheck.findings"
[ "$status" -eq 0 ] || echo "coccicheck exited with status $status" >> "$lint/coccicheck.findings"
report coccicheck "$log" "$lint/coccicheck.findings"
# Semantic patches that need a newer coccinelle do not run: say so, as a
# skipped test, rather than let them pass silently.
if grep -q '^Skipping coccinelle SmPL patch: ' "$log"; then
	skip coccicheck-newer "$(grep -c '^Skipping coccinelle SmPL patch: ' "$log") semantic patch(es) need a newer coccinelle:"
	sed -n 's|^Skipping coccinelle SmPL patch: .*/scripts/coccinelle/|    |p' "$log"
fi
# Semantic patches with no report mode (patch only) do not run either
if grep -q "^warning: Skipping .* as it does not match mode 'report'\$" "$log"; then
	skip coccicheck-patch-only "$(grep -c "^warning: Skipping .* as it does not match mode 'report'\$" "$log") semantic patch(es) have no report mode:"
	sed -n "s|^warning: Skipping .*/scripts/coccinelle/\(.*\) as it does not match mode 'report'\$|    \1|p" "$log"
fi
fi

step "reStructuredText of ${#rst_files[@]} files (docutils, Sphinx-only directives and roles allowed)"
printf '    %s\n' "${rst_files[@]}"
rst2html --version | sed 's/^/    /'
log=$lint/rst.log
: > "$log"
status=0
for f in "${rst_files[@]}"; do
	# --halt=5: never stop at the first message, report every one from
	# WARNING up
	(cd "$REPO" && rst2html --report=2 --halt=5 --no-datestamp "$f" /dev/null) \
		>> "$log" 2>&1 || { status=$?; echo "$f: rst2html exited with status $status" >> "$log"; }
done
# A message starts with "FILE:LINE: (LEVEL/N) "; the lines that follow it
# (docutils quotes the directive it could not handle) belong to it.
awk '
	BEGIN {
		split("toctree only index glossary seealso centered hlist acks " \
		      "highlight literalinclude productionlist tabularcolumns " \
		      "versionadded versionchanged deprecated sectionauthor " \
		      "moduleauthor codeauthor kernel-doc kernel-include " \
		      "kernel-feat kernel-abi kernel-figure kernel-image " \
		      "kernel-render maintainers-include", d, " ")
		for (i in d) sphinx_directive[d[i]] = 1
		split("ref doc term numref any download abbr command file kbd " \
		      "keyword manpage option envvar program menuselection " \
		      "guilabel samp regexp token", r, " ")
		for (i in r) sphinx_role[r[i]] = 1
	}
	function sphinx_only(msg,    name) {
		if (match(msg, /Unknown directive type "[^"]+"\./)) {
			name = substr(msg, RSTART + 24, RLENGTH - 26)
			return (name in sphinx_directive) || name ~ /^(c|cpp|py|rst|js|std|math):/
		}
		if (match(msg, /Unknown interpreted text role "[^"]+"\./)) {
			name = substr(msg, RSTART + 31, RLENGTH - 33)
			return (name in sphinx_role) || name ~ /^(c|cpp|py|rst|js|std|math):/
		}
		return 0
	}
	BEGIN { keep = 1 }
	/: rst2html exited with status / { print; keep = 1; next }
	/\((DEBUG|INFO|WARNING|ERROR|SEVERE)\/[0-9]\) / { keep = !sphinx_only($0) }
	keep { print }
' "$log" > "$lint/rst.findings"
report rst "$log" "$lint/rst.findings"

# The sparse that the newest tree's kbuild accepts (scripts/sparse.sh:
# Debian 12's, or sid's built here for 7.x), used for every kernel
sparse=sparse sparse_gone=
if [ -n "$ksrc" ]; then
	status=0
	sparse=$("$REPO/scripts/sparse.sh" "$ksrc" 2> "$lint/sparse-tool.log") || status=$?
	case $status in
	0) ;;
	3) sparse= sparse_gone=$(tail -n 1 "$lint/sparse-tool.log") ;;
	*) cat "$lint/sparse-tool.log" >&2; die "scripts/sparse.sh failed (status $status)" ;;
	esac
fi
sparse_version=$(if [ -n "$sparse" ] && [ -f "${sparse%/*}/version" ]; then
	echo "sid's $(cat "${sparse%/*}/version"), built here"; else "${sparse:-sparse}" --version 2>&1; fi)

# Last, as preparing a kernel can take long the first time (a source
# kernel is built): the quick checks report first.
for series in "${kernels[@]}"; do
	step "prepare Linux $series (scripts/kernel.sh env $series)"
	sparse_and_w1 "$series"
done

echo
echo "lint: $passed passed, $failed failed, $skipped skipped (logs in $lint)"
write_results "$result"
