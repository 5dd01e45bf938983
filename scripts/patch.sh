#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make patch: write the in-tree submission as a git format-patch series,
# cover letter plus three patches, to $OUT/patches (or the directory given
# as $1), made against the newest kernel of scripts/kernels (kernel.sh
# newest), whose pristine tree scripts/kgit.sh keeps:
#
#   1/3 the driver, its UAPI header (the driver includes it, so it comes
#       first: every patch of a series must build), the ioctl code
#       reservation, the drivers/misc Kconfig and Makefile hooks, and the
#       MAINTAINERS entry;
#   2/3 Documentation/userspace-api/remap_pfn.rst and its index entry;
#   3/3 the kselftests and their TARGETS entry.
#
# Each patch that adds files also adds them to the MAINTAINERS entry, as
# checkpatch asks. The files are copied from this checkout's work tree as
# they are (tracked and untracked but not ignored): the series is a copy,
# not a rewrite, except for what only the out-of-tree build needs, which
# the series leaves out:
#
#   - drivers/misc/remap_pfn/compat.h, compat.c and compat.mk;
#   - the driver's Makefile from the line "# Out of tree only" to its end
#     (with the blank line before it);
#   - in the driver's .c and .h files, every #if block on a
#     REMAP_PFN_COMPAT* symbol (all that the sources name, found with
#     grep), resolved by unifdef as if the symbol were undefined;
#   - the same for the selftests' test module (test_modules/): its
#     Makefile from "# Out of tree only" on, its #ifdef REMAP_PFN_COMPAT
#     block.
#
# Then the driver's part of the series must not contain "compat" (any
# case; the kernel's own 32-bit .compat_ioctl = compat_ptr_ioctl and the
# mm's compat_set_desc_from_vma() and __compat_vma_mmap(), which apply an
# ->mmap_prepare() description to the VMA of a dma-buf's ->mmap(), are
# excepted), REMAP_PFN_HAVE_ or LINUX_VERSION_CODE, or make patch fails
# naming each line. The ioctl code is read from the UAPI header
# (REMAP_PFN_IOC_MAGIC) and must be free in the tree's ioctl-number.rst.
# The commit messages are scripts/series/{cover,1,2,3}; author and
# Signed-off-by come from this repository's git config.
#
# REMAP_PFN_PATCH_DRV=DIR takes the driver's files from DIR instead of
# drivers/misc/remap_pfn (e.g. a scratch copy with a planted problem).
#
# The commits are made with git plumbing and a temporary index on top of
# the pristine tree's commit from scripts/kgit.sh; the shared work tree
# there is never touched, so this is quick and safe to run concurrently.
# Exit status 3 (from kgit.sh): the newest kernel's source is gone from
# the archive and not cached.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dest=${1:-$OUT/patches}
series=$REPO/scripts/series
"$REPO/scripts/deps.sh"
status=0
kgit=$("$REPO/scripts/kgit.sh") || status=$?
[ "$status" -eq 0 ] || exit "$status"
# linux-git-SERIES-VERSION: the series, and the Debian package's version
base=${kgit##*/linux-git-}
kseries=${base%%-*} version=${base#*-}
drvsrc=${REMAP_PFN_PATCH_DRV:-$REPO/drivers/misc/remap_pfn}
drv=drivers/misc/remap_pfn
uapi=include/uapi/linux/remap_pfn.h
[ -d "$drvsrc" ] || die "no driver directory $drvsrc"

name=$(git -C "$REPO" config user.name || true)
email=$(git -C "$REPO" config user.email || true)
if [ -z "$name" ] || [ -z "$email" ]; then
	die "set git config user.name and user.email: they sign off the patches"
fi
# The date of this checkout's last commit: the same checkout gives the
# same series, byte for byte.
date=$(git -C "$REPO" log -1 --format=%cI)
export GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email GIT_AUTHOR_DATE=$date
export GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email GIT_COMMITTER_DATE=$date

tmp=$(mktemp -d "${TMPDIR:-/tmp}/remap_pfn-patch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export GIT_INDEX_FILE=$tmp/index
g() { git -C "$kgit" "$@"; }
g read-tree base
parent=$(g rev-parse base)

# stage FILE PATH: put FILE into the index at PATH, executable if FILE is
stage() {
	local mode=100644 sha
	[ -x "$1" ] && mode=100755
	sha=$(g hash-object -w --no-filters -- "$1")
	g update-index --add --cacheinfo "$mode,$sha,$2"
}

# copy PATH...: stage this checkout's files under PATH (files or
# directories) as they are in the work tree
copy() {
	local f n=0
	while IFS= read -r f; do
		[ -f "$REPO/$f" ] || continue
		stage "$REPO/$f" "$f"
		n=$((n + 1))
	done < <(git -C "$REPO" ls-files --cached --others --exclude-standard -- "$@")
	[ "$n" -gt 0 ] || die "no files in this checkout under $*"
}

# edit PATH AWK-PROGRAM [awk args]: rewrite the staged PATH with awk, which
# must change it; the programs insert one line next to an anchor and print
# nothing to stderr unless the anchor is missing
edit() {
	local path=$1 prog=$2
	shift 2
	g cat-file blob ":$path" > "$tmp/old"
	awk "$@" "$prog" "$tmp/old" > "$tmp/new" ||
		die "$path: the anchor for the remap_pfn line is missing; update scripts/patch.sh"
	cmp -s "$tmp/old" "$tmp/new" && die "$path: unchanged; update scripts/patch.sh"
	stage "$tmp/new" "$path"
}

# insert LINE before (-v where=before) or after the first line equal to
# ANCHOR; fails when there is no such line
insert='
	$0 == anchor && !done { if (where == "before") print line; print; if (where != "before") print line; done = 1; next }
	{ print }
	END { exit !done }'

# commit N: commit the index with the message scripts/series/N
commit() {
	local tree
	tree=$(g write-tree)
	{ cat "$series/$1"; printf '\nSigned-off-by: %s <%s>\n' "$name" "$email"; } > "$tmp/msg"
	parent=$(g commit-tree "$tree" -p "$parent" -F "$tmp/msg")
}

maint_entry=$(printf 'REMAP_PFN SHARED KERNEL BUFFER DRIVER\nM:\t%s <%s>\nL:\tlinux-kernel@vger.kernel.org\nS:\tMaintained\nF:\tdrivers/misc/remap_pfn/\nF:\tinclude/uapi/linux/remap_pfn.h\n' "$name" "$email")

# copy_driver: stage the driver's files for the in-tree tree, without
# what only the out-of-tree build needs (see the top of this file)
copy_driver() {
	local f base n=0 syms=() args=() sym
	# every REMAP_PFN_COMPAT* symbol the sources test, so a new one is
	# covered too
	mapfile -t syms < <(find "$drvsrc" -maxdepth 1 -type f -name '*.[ch]' \
		! -name 'compat.[ch]' -exec grep -ohE '\<REMAP_PFN_COMPAT[A-Z0-9_]*\>' {} + |
		LC_ALL=C sort -u)
	for sym in ${syms[@]+"${syms[@]}"}; do args+=("-U$sym"); done
	[ ${#syms[@]} -eq 0 ] || msg "leaving out the #if blocks on ${syms[*]}"
	while IFS= read -r f; do
		base=${f##*/}
		case $base in
		compat.h | compat.c | compat.mk) continue ;;
		Makefile)
			# up to "# Out of tree only", without the blank lines
			# before it
			awk '/^# Out of tree only/ { exit }
				/^$/ { blank++; next }
				{ while (blank) { print ""; blank-- } print }' "$f" > "$tmp/Makefile"
			stage "$tmp/Makefile" "$drv/$base" ;;
		*.c | *.h)
			if [ ${#args[@]} -gt 0 ]; then
				# -x 2: status 2 only for trouble, changed or not
				unifdef -x 2 "${args[@]}" -o "$tmp/unifdef.raw" "$f" ||
					die "unifdef failed on $f"
				# a block left out between two blank lines leaves
				# two: one is enough (a source's own double blank
				# lines are checkpatch's, in the lint tier)
				cat -s "$tmp/unifdef.raw" > "$tmp/unifdef"
				[ ! -x "$f" ] || chmod +x "$tmp/unifdef"
				stage "$tmp/unifdef" "$drv/$base"
				rm -f "$tmp/unifdef" "$tmp/unifdef.raw"
			else
				stage "$f" "$drv/$base"
			fi ;;
		*) stage "$f" "$drv/$base" ;;
		esac
		n=$((n + 1))
	done < <(
		if [ -n "${REMAP_PFN_PATCH_DRV:-}" ]; then
			find "$drvsrc" -maxdepth 1 -type f | LC_ALL=C sort
		else
			git -C "$REPO" ls-files --cached --others --exclude-standard -- "$drv" |
				while IFS= read -r f; do
					[ -f "$REPO/$f" ] && echo "$REPO/$f"
				done
		fi)
	[ "$n" -gt 0 ] || die "no driver files in $drvsrc"
}

# The ioctl code: REMAP_PFN_IOC_MAGIC of the UAPI header, which must be
# free in this tree's list. The entry goes before the first of a higher
# code (the list is sorted; an entry may span several lines).
magic=$(sed -n 's/^#define[[:space:]]\+REMAP_PFN_IOC_MAGIC[[:space:]]\+\(0x[0-9A-Fa-f]\{2\}\)\>.*/\1/p' "$REPO/$uapi")
[ -n "$magic" ] || die "$uapi: no '#define REMAP_PFN_IOC_MAGIC 0xNN'"
magic=$(printf '0x%02X' "$magic")
ioctl_rst=Documentation/userspace-api/ioctl/ioctl-number.rst
taken=$(g cat-file blob "base:$ioctl_rst" | grep -i "^$magic " || true)
[ -z "$taken" ] || die "ioctl code $magic ($uapi) is already taken in Linux $kseries's $ioctl_rst:
$taken"

# 1/3: driver, UAPI header, hooks, ioctl code, MAINTAINERS
copy_driver
copy "$uapi"
edit drivers/misc/Kconfig "$insert" -v where=before -v anchor='endmenu' \
	-v line='source "drivers/misc/remap_pfn/Kconfig"'
edit drivers/misc/Makefile '{ print } END { print line }' \
	-v line="$(printf 'obj-$(CONFIG_REMAP_PFN)\t\t+= remap_pfn/')"
edit "$ioctl_rst" '
	function hex(s,    i, n) {
		s = tolower(substr(s, 3))
		for (i = 1; i <= length(s); i++)
			n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return n
	}
	!done && /^0x[0-9A-Fa-f][0-9A-Fa-f] / && hex(substr($0, 1, 4)) > hex(magic) {
		print line; done = 1
	}
	{ print }
	END { exit !done }' -v magic="$magic" \
	-v line="$(printf '%-6s%-7s%-58s%s' "$magic" 00-0F uapi/linux/remap_pfn.h "<mailto:$email>")"
edit MAINTAINERS "$insert" -v where=before \
	-v anchor='REMOTE PROCESSOR (REMOTEPROC) SUBSYSTEM' -v line="$maint_entry
"
commit 1

# The driver's part must be the in-tree driver only: no trace of the
# out-of-tree compatibility code. The kernel's own 32-bit compat ioctl
# hook is not such a trace, nor are the mm's helpers for an ->mmap() hook
# that describes its mapping the ->mmap_prepare() way.
g ls-tree -r --name-only "$parent" -- "$drv" "$uapi" > "$tmp/part1"
: > "$tmp/leftovers"
while IFS= read -r f; do
	g cat-file blob "$parent:$f" |
		sed 's/\.compat_ioctl\>//g; s/\<compat_ptr_ioctl\>//g
		     s/\<compat_set_desc_from_vma\>//g; s/\<__compat_vma_mmap\>//g' |
		grep -n -i -E 'compat|REMAP_PFN_HAVE_|LINUX_VERSION_CODE' |
		sed "s|^|$f:|" >> "$tmp/leftovers" || true
	case ${f##*/} in compat*) echo "$f: an out-of-tree-only file" >> "$tmp/leftovers" ;; esac
done < "$tmp/part1"
if [ -s "$tmp/leftovers" ]; then
	cat "$tmp/leftovers" >&2
	die "patch 1 carries out-of-tree compatibility code ($(grep -c '' "$tmp/leftovers") line(s) above): put it in compat.h/compat.c/compat.mk, in #ifdef REMAP_PFN_COMPAT* blocks, or after '# Out of tree only' in the Makefile"
fi

# 2/3: documentation
copy Documentation/userspace-api/remap_pfn.rst
# at the end of the toctree of the "Devices and I/O" section
edit Documentation/userspace-api/index.rst '
	$0 == "Devices and I/O" { section = 1 }
	section && /^   [^ :]/ { entries = 1 }
	section && entries && /^$/ && !done { print line; done = 1 }
	{ print }
	END { exit !done }' -v line='   remap_pfn'
edit MAINTAINERS "$insert" -v where=before -v anchor='F:	drivers/misc/remap_pfn/' \
	-v line="$(printf 'F:\tDocumentation/userspace-api/remap_pfn.rst')"
commit 2

# 3/3: selftests
copy tools/testing/selftests/drivers/remap_pfn
# their test module without its out-of-tree part, as for the driver: the
# Makefile up to "# Out of tree only", the source without its #ifdef
# REMAP_PFN_COMPAT block
tm=tools/testing/selftests/drivers/remap_pfn/test_modules
awk '/^# Out of tree only/ { exit }
	/^$/ { blank++; next }
	{ while (blank) { print ""; blank-- } print }' "$REPO/$tm/Makefile" > "$tmp/Makefile"
stage "$tmp/Makefile" "$tm/Makefile"
unifdef -x 2 -UREMAP_PFN_COMPAT -o "$tmp/unifdef.raw" "$REPO/$tm/remap_pfn_importer.c" ||
	die "unifdef failed on $tm/remap_pfn_importer.c"
cat -s "$tmp/unifdef.raw" > "$tmp/unifdef"
stage "$tmp/unifdef" "$tm/remap_pfn_importer.c"
rm -f "$tmp/Makefile" "$tmp/unifdef" "$tmp/unifdef.raw"
if for f in Makefile remap_pfn_importer.c; do g cat-file blob ":$tm/$f"; done |
	grep -n -E 'REMAP_PFN_COMPAT|REMAP_PFN_HAVE_|LINUX_VERSION_CODE' >&2; then
	die "patch 3: the test module carries out-of-tree compatibility code (above)"
fi
# after the last drivers/ target
edit tools/testing/selftests/Makefile '
	{ l[NR] = $0 }
	/^TARGETS \+= drivers\// { last = NR }
	END { for (i = 1; i <= NR; i++) { print l[i]; if (i == last) print line } exit !last }' \
	-v line='TARGETS += drivers/remap_pfn'
edit MAINTAINERS "$insert" -v anchor='F:	include/uapi/linux/remap_pfn.h' \
	-v line="$(printf 'F:\ttools/testing/selftests/drivers/remap_pfn/')"
commit 3

unset GIT_INDEX_FILE
rm -rf "$dest"
mkdir -p "$dest"
g format-patch -q --cover-letter --subject-prefix=PATCH \
	-o "$dest" base.."$parent" > /dev/null

# The cover letter's subject and text come from scripts/series/cover.
cover=$(find "$dest" -name '0000-cover-letter.patch')
{
	tail -n +3 "$series/cover"
	printf '\nBased on Linux %s, as in Debian'"'"'s linux-source-%s %s.\n' \
		"$(g log -1 --format=%s base | sed -n 's/^Linux \([^,]*\),.*/\1/p')" "$kseries" "$version"
} > "$tmp/blurb"
awk -v subject="$(head -n 1 "$series/cover")" -v blurb="$tmp/blurb" '
	/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, subject) }
	/^\*\*\* BLURB HERE \*\*\*$/ { while ((getline l < blurb) > 0) print l; next }
	{ print }' "$cover" > "$tmp/cover"
grep -q '\*\*\*' "$tmp/cover" && die "cover letter: a placeholder is left in $cover"
cat "$tmp/cover" > "$cover"

echo "make patch: series written to $dest"
ls "$dest"
