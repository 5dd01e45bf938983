#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make patch: write the in-tree submission as a git format-patch series,
# cover letter plus three patches, to $OUT/patches (or the directory given
# as $1):
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
# not a rewrite. The commit messages are scripts/series/{cover,1,2,3};
# author and Signed-off-by come from this repository's git config.
#
# The commits are made with git plumbing and a temporary index on top of
# the pristine tree's commit from scripts/kgit.sh; the shared work tree
# there is never touched, so this is quick and safe to run concurrently.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dest=${1:-$OUT/patches}
series=$REPO/scripts/series
"$REPO/scripts/deps.sh"
kgit=$("$REPO/scripts/kgit.sh")
version=$(dpkg-query -W -f='${Version}' linux-source-6.1)

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

# 1/3: driver, UAPI header, hooks, ioctl code, MAINTAINERS
copy drivers/misc/remap_pfn include/uapi/linux/remap_pfn.h
edit drivers/misc/Kconfig "$insert" -v where=before -v anchor='endmenu' \
	-v line='source "drivers/misc/remap_pfn/Kconfig"'
edit drivers/misc/Makefile '{ print } END { print line }' \
	-v line="$(printf 'obj-$(CONFIG_REMAP_PFN)\t\t+= remap_pfn/')"
edit Documentation/userspace-api/ioctl/ioctl-number.rst "$insert" \
	-v anchor="$(g cat-file blob :Documentation/userspace-api/ioctl/ioctl-number.rst | grep '^0xB7 ' | tail -n 1)" \
	-v line="$(printf '%-6s%-7s%-58s%s' 0xB8 00-0F uapi/linux/remap_pfn.h "<mailto:$email>")"
edit MAINTAINERS "$insert" -v where=before \
	-v anchor='REMOTE PROCESSOR (REMOTEPROC) SUBSYSTEM' -v line="$maint_entry
"
commit 1

# 2/3: documentation
copy Documentation/userspace-api/remap_pfn.rst
edit Documentation/userspace-api/index.rst "$insert" -v anchor='   futex2' \
	-v line='   remap_pfn'
edit MAINTAINERS "$insert" -v where=before -v anchor='F:	drivers/misc/remap_pfn/' \
	-v line="$(printf 'F:\tDocumentation/userspace-api/remap_pfn.rst')"
commit 2

# 3/3: selftests
copy tools/testing/selftests/drivers/remap_pfn
edit tools/testing/selftests/Makefile "$insert" -v anchor='TARGETS += drivers/net/team' \
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
	printf '\nBased on Linux 6.1, as in Debian'"'"'s linux-source-6.1 %s.\n' "$version"
} > "$tmp/blurb"
awk -v subject="$(head -n 1 "$series/cover")" -v blurb="$tmp/blurb" '
	/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, subject) }
	/^\*\*\* BLURB HERE \*\*\*$/ { while ((getline l < blurb) > 0) print l; next }
	{ print }' "$cover" > "$tmp/cover"
grep -q '\*\*\*' "$tmp/cover" && die "cover letter: a placeholder is left in $cover"
cat "$tmp/cover" > "$cover"

echo "make patch: series written to $dest"
ls "$dest"
