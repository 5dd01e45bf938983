#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# archive.sh: Debian's packages for the kernels of scripts/kernels, taken
# from the archive without touching the host's package state. A private
# apt configuration in $CACHE/apt lists the suites that scripts/kernels
# names (plus bookworm's security and update suites); 'apt-get download'
# fetches into $CACHE/debs and the callers unpack with dpkg-deb -x into the
# cache. Nothing is installed, and the host's own apt sources, pins and
# package lists are never read or written, so no added suite can upgrade
# a host package.
#
#   archive.sh update               refresh the private package lists
#                                   (at most once an hour; FORCE=1 always)
#   archive.sh newest REGEX         the newest version of the packages whose
#                                   names match REGEX: "NAME VERSION"
#   archive.sh depends PACKAGE      PACKAGE's direct dependencies, one a line
#   archive.sh fetch PACKAGE=VER... download; print each .deb's path
set -euo pipefail
. "$(dirname "$0")/lib.sh"

apt=$CACHE/apt
mirror=${REMAP_PFN_MIRROR:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
opts=(-o "Dir::Etc::sourcelist=$apt/sources.list" -o "Dir::Etc::sourceparts=$apt/empty"
	-o "Dir::Etc::preferences=$apt/preferences" -o "Dir::Etc::preferencesparts=$apt/empty"
	-o "Dir::State=$apt/state" -o "Dir::Cache=$apt/cache"
	-o "Dir::State::status=$apt/state/status"
	-o APT::Architectures::=amd64 -o APT::Get::List-Cleanup=0
	-o Acquire::Languages=none -q
	# apt's binary caches, which some hosts' apt.conf.d turns off (Docker
	# images do): without them every apt-cache call parses sid's lists
	# anew, 3.5 s each, 30 s for one kernel.sh env of a Debian kernel
	-o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=srcpkgcache.bin)

setup() {
	mkdir -p "$apt/empty" "$apt/state/lists/partial" "$apt/cache/archives/partial" "$CACHE/debs"
	: > "$apt/preferences"
	# an empty dpkg status: apt must not see, or plan around, the host's
	[ -f "$apt/state/status" ] || : > "$apt/state/status"
	{
		# the suites scripts/kernels names; bookworm's updates come
		# through its security and point-release suites
		awk '!/^#/ && NF >= 3 { print $2 }' "$REPO/scripts/kernels" | sort -u |
			while read -r suite; do
				echo "deb [signed-by=$keyring] $mirror $suite main"
				case $suite in
				bookworm) echo "deb [signed-by=$keyring] $mirror bookworm-updates main"
					echo "deb [signed-by=$keyring] ${mirror%/debian}/debian-security bookworm-security main" ;;
				esac
			done
	} > "$apt/sources.list.new"
	# a changed suite list means the lists on disk are stale
	if ! cmp -s "$apt/sources.list.new" "$apt/sources.list"; then
		mv "$apt/sources.list.new" "$apt/sources.list"
		rm -f "$apt/updated"
	else
		rm -f "$apt/sources.list.new"
	fi
}

update() {
	setup
	if [ -z "${FORCE:-}" ] && [ -n "$(find "$apt/updated" -mmin -60 2>/dev/null)" ]; then
		return 0
	fi
	# root downloads as _apt, which may not write to a cache under /root
	apt-get "${opts[@]}" -o APT::Sandbox::User=root update > "$apt/update.log" 2>&1 || {
		cat "$apt/update.log" >&2
		die "apt-get update of the private package lists failed"
	}
	touch "$apt/updated"
}

cmd=${1:?usage: archive.sh update|newest REGEX|depends PACKAGE|fetch PACKAGE=VERSION...}
shift
case $cmd in
update)
	update ;;
newest)
	update
	# every version of every matching package, the newest last
	apt-cache "${opts[@]}" search --names-only "$1" | cut -d' ' -f1 |
		while read -r pkg; do
			apt-cache "${opts[@]}" show --no-all-versions "$pkg" 2>/dev/null |
				sed -n "s/^Version: /$pkg /p"
		done | sort -k2,2V | tail -n 1 ;;
depends)
	update
	apt-cache "${opts[@]}" depends --no-recommends --no-suggests "$1" |
		sed -n 's/^ *|\?Depends: \([^ <]*\).*/\1/p' ;;
fetch)
	update
	for spec in "$@"; do
		pkg=${spec%%=*} ver=${spec#*=}
		deb=$CACHE/debs/${pkg}_${ver//:/%3a}_$(apt-cache "${opts[@]}" show "$spec" |
			sed -n '1,/^$/s/^Architecture: //p').deb
		if [ ! -s "$deb" ]; then
			(cd "$CACHE/debs" && apt-get "${opts[@]}" -o APT::Sandbox::User=root \
				download "$spec" > "$apt/download.log" 2>&1) || {
				cat "$apt/download.log" >&2
				die "cannot download $spec"
			}
		fi
		[ -s "$deb" ] || die "downloaded $spec, but there is no $deb"
		echo "$deb"
	done ;;
*)
	die "unknown command $cmd" ;;
esac
