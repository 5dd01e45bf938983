#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check-intree.sh RESULT: the "intree" tier of make check (and make
# check-intree). Treats the driver as what it is meant to become, a part
# of the kernel tree:
#
#   patch       make patch writes the series to $OUT/patches
#   checkpatch  scripts/checkpatch.pl --strict on the three patches, run
#               inside the pristine tree (so its tree checks run too, the
#               SPDX check among them)
#   apply       git apply --check of the series on the pristine tree
#   am          git am of the series
#   config      defconfig with CONFIG_REMAP_PFN=m, which only survives
#               olddefconfig when drivers/misc/Kconfig sources the driver;
#               then modules_prepare
#   module      make drivers/misc/ (which must descend into remap_pfn/
#               through drivers/misc/Makefile) and make
#               drivers/misc/remap_pfn/remap_pfn.ko: the tree's own kbuild
#   selftests   make headers, then make -C tools/testing/selftests
#               TARGETS=drivers/remap_pfn, and the TARGETS entry is there
#
# Each step counts as one test; a compiler warning fails a build step
# too. A step whose prerequisite failed is skipped; when the newest
# kernel's source is gone from the archive (and not cached), every step is
# skipped, with one line saying so.
#
# The tree is the git repository of scripts/kgit.sh, reset to its pristine
# commit at the start of every run (and left with the series applied, for
# inspection). Build products go to a build directory (O=) kept in the
# cache next to it, keyed by the source version: its configuration and
# modules_prepare are reused, the driver and the selftests are rebuilt
# from scratch every time. The source version's defconfig was measured as
# the fastest configuration to prepare on two cores (about 15 s, against
# 18 s for Debian's own configuration).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$REPO/scripts/results.sh"

result=${1:?usage: check-intree.sh RESULT}
"$REPO/scripts/deps.sh"
patches=$OUT/patches
log=$OUT/intree
rm -rf "$log"
mkdir -p "$log"
status=0
kgit=$("$REPO/scripts/kgit.sh" 2> "$log/kgit.log") || status=$?
if [ "$status" -eq 3 ]; then
	# the archive dropped the newest series: say so, count as skipped
	why=$(tail -n 1 "$log/kgit.log")
	echo "intree: $why"
	for t in patch checkpatch apply am config module selftests; do skip "$t" "$why"; done
	echo
	echo "intree: $passed passed, $failed failed, $skipped skipped (logs in $log)"
	write_results "$result"
	exit 0
fi
cat "$log/kgit.log" >&2
[ "$status" -eq 0 ] || die "scripts/kgit.sh failed (status $status)"
# linux-git-SERIES-VERSION: the series, and the Debian package's version
base=${kgit##*/linux-git-}
kseries=${base%%-*} version=${base#*-}
obj=$CACHE/linux-obj-$kseries-$version-defconfig
jobs=$(nproc)
# Debian's python3 (checkpatch runs scripts/spdxcheck.py with its ply and
# git modules), ahead of any other python3 in PATH
export PATH=/usr/bin:$PATH

# The tree and its build directory are shared by every checkout.
exec 9>"$CACHE/.intree.lock"
flock 9

export GIT_COMMITTER_NAME=remap_pfn GIT_COMMITTER_EMAIL=remap_pfn@localhost

# run NAME LOG CMD...: run CMD with its output in LOG; fail NAME, showing
# the end of LOG, when it fails or when a compiler warns
run() {
	local name=$1 out=$2 status=0
	shift 2
	echo "    \$ $*"
	"$@" > "$out" 2>&1 || status=$?
	if [ "$status" -ne 0 ]; then
		fail "$name" "${*:1:2} ... exited with status $status (log: $out)"
		tail -n 40 "$out" | sed 's/^/    /'
		return 1
	fi
	if grep -E ': (warning|error): ' "$out" > "$out.warnings"; then
		fail "$name" "${*:1:2} ... warns (log: $out)"
		show "$out.warnings"
		return 1
	fi
}

step "make patch: the series against Linux $kseries ($base), from this checkout's files"
ok_patch=0
if "$REPO/scripts/patch.sh" "$patches" > "$log/patch.log" 2>&1; then
	sed 's/^/    /' "$log/patch.log"
	ok_patch=1
	pass patch
else
	fail patch "scripts/patch.sh failed (log: $log/patch.log)"
	show "$log/patch.log"
fi
mapfile -t series < <(find "$patches" -name '0[0-9][0-9][1-9]-*.patch' 2>/dev/null | LC_ALL=C sort)

# the pristine tree, whatever a previous run left
if [ -d "$kgit/.git/rebase-apply" ]; then git -C "$kgit" am --abort > /dev/null 2>&1 || true; fi
git -C "$kgit" checkout -q --detach base
git -C "$kgit" reset -q --hard base
git -C "$kgit" clean -q -f -d -x

step "checkpatch --strict on the patches, in the tree"
if [ "$ok_patch" -eq 1 ]; then
	out=$log/checkpatch.log
	status=0
	(cd "$kgit" && perl scripts/checkpatch.pl --strict --quiet --no-summary "${series[@]}") \
		> "$out" 2>&1 || status=$?
	if [ "$status" -ne 0 ] || [ -s "$out" ]; then
		fail checkpatch "$(grep -cE '^(ERROR|WARNING|CHECK):' "$out") finding(s), status $status (log: $out)"
		show "$out"
	else
		printf '    %s: clean\n' "${series[@]##*/}"
		pass checkpatch
	fi
else
	skip checkpatch "no series"
fi

step "git apply --check of each patch in turn, then git am, on the pristine tree"
# Each patch is checked on top of the ones before it (in a scratch index:
# several patches change MAINTAINERS), then the whole series goes in with
# git am, as a maintainer would apply it.
ok_am=0
if [ "$ok_patch" -eq 0 ]; then
	skip apply "no series"
	skip am "no series"
else
	export GIT_INDEX_FILE=$log/apply.index
	git -C "$kgit" read-tree base
	ok_apply=1
	for p in "${series[@]}"; do
		if ! run apply "$log/apply.log" git -C "$kgit" apply --check --cached "$p" ||
			! git -C "$kgit" apply --cached "$p" >> "$log/apply.log" 2>&1; then
			ok_apply=0
			break
		fi
	done
	unset GIT_INDEX_FILE
	if [ "$ok_apply" -eq 0 ]; then
		skip am "git apply --check failed"
	else
		pass apply
		if run am "$log/am.log" git -C "$kgit" am "${series[@]}"; then
			git -C "$kgit" log --oneline base..HEAD | sed 's/^/    /'
			ok_am=1
			pass am
		fi
	fi
fi

step "configure and prepare the tree (O=$obj)"
ok_config=0
if [ "$ok_am" -eq 1 ]; then
	mkdir -p "$obj"
	if [ ! -f "$obj/.config" ]; then
		echo "    (first run for this source version: defconfig)"
		run config "$log/defconfig.log" make -C "$kgit" O="$obj" defconfig || true
	fi
	if [ -f "$obj/.config" ] &&
		# no git hash in the release: it changes with every git am, and
		# would make modules_prepare redo work each run
		run config "$log/config.log" "$kgit/scripts/config" --file "$obj/.config" \
			-m REMAP_PFN -d LOCALVERSION_AUTO &&
		run config "$log/olddefconfig.log" make -C "$kgit" O="$obj" olddefconfig; then
		if ! grep -qx 'CONFIG_REMAP_PFN=m' "$obj/.config"; then
			fail config "CONFIG_REMAP_PFN=m did not survive olddefconfig: does drivers/misc/Kconfig source the driver's Kconfig?"
		elif run config "$log/modules_prepare.log" make -C "$kgit" O="$obj" -j"$jobs" modules_prepare; then
			grep -x 'CONFIG_REMAP_PFN=m' "$obj/.config" | sed 's/^/    /'
			ok_config=1
			pass config
		fi
	fi
else
	skip config "the series is not applied"
fi

step "build the module with the tree's kbuild"
if [ "$ok_config" -eq 1 ]; then
	# from scratch, so that every warning is seen again
	rm -rf "$obj/drivers/misc/remap_pfn"
	ko=$obj/drivers/misc/remap_pfn/remap_pfn.ko
	if run module "$log/misc.log" make -C "$kgit" O="$obj" -j"$jobs" drivers/misc/; then
		# modules.order names the module's .o since 6.2, its .ko before
		if ! grep -qxE 'drivers/misc/remap_pfn/remap_pfn\.k?o' "$obj/drivers/misc/modules.order"; then
			fail module "make drivers/misc/ did not build remap_pfn: is it in drivers/misc/Makefile?"
		# modpost cannot resolve symbols without vmlinux.o, which only a
		# full kernel build makes: 6.1 warned, 7.x fails unless told to
		# warn (KBUILD_MODPOST_WARN=1); the out-of-tree build resolves
		# them against the kernel's Module.symvers, and the vm tier
		# loads the module.
		elif run module "$log/module.log" make -C "$kgit" O="$obj" -j"$jobs" \
			KBUILD_MODPOST_WARN=1 drivers/misc/remap_pfn/remap_pfn.ko; then
			if ! [ -s "$ko" ]; then
				fail module "no $ko"
			else
				modinfo -F vermagic "$ko" | sed 's/^/    remap_pfn.ko vermagic: /'
				pass module
			fi
		fi
	fi
else
	skip module "the tree is not configured"
fi

step "build the selftests with the tree's kselftest Makefile"
if [ "$ok_am" -eq 1 ]; then
	rm -rf "$obj/kselftest"
	targets=$(make -s --no-print-directory -C "$kgit/tools/testing/selftests" \
		-f Makefile -f <(printf 'remap-pfn-targets:\n\t@echo $(TARGETS)\n') \
		remap-pfn-targets 2>/dev/null || true)
	if ! grep -qw 'drivers/remap_pfn' <<< "$targets"; then
		fail selftests "drivers/remap_pfn is not in the TARGETS of tools/testing/selftests/Makefile"
	elif run selftests "$log/headers.log" make -C "$kgit" O="$obj" -j"$jobs" headers &&
		run selftests "$log/selftests.log" make -C "$kgit/tools/testing/selftests" \
			O="$obj" TARGETS=drivers/remap_pfn FORCE_TARGETS=1 -j"$jobs"; then
		built=$(find "$obj/kselftest/drivers/remap_pfn" -type f -perm -u+x 2>/dev/null | wc -l)
		if [ "$built" -eq 0 ]; then
			fail selftests "the build produced no test program"
		else
			echo "    $built test programs built in $obj/kselftest/drivers/remap_pfn"
			pass selftests
		fi
	fi
else
	skip selftests "the series is not applied"
fi

echo
echo "intree: $passed passed, $failed failed, $skipped skipped (logs in $log)"
write_results "$result"
