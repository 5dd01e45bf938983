#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kernel.sh: the kernels of scripts/kernels, made ready to build modules
# against and to boot.
#
#   kernel.sh list            the series, oldest first, one a line
#   kernel.sh newest          the last series (the in-tree target)
#   kernel.sh env SERIES [vm|debug]
#                             prepare that kernel (once; cached) and print
#                             the path of a file of shell assignments:
#     KSERIES   the series (7.2)
#     KFLAVOUR  vm, or debug (KASAN, lockdep, kmemleak: scripts/kconfig/)
#     KVER      its release, uname -r in the guest
#     KPKG      the Debian package and version it comes from
#     KIMAGE    the kernel image to boot
#     KDIR      the directory to build out-of-tree modules against
#     KMOD      where its modules.order, modules.builtin and brd.ko are
#     KSRC      the unpacked kernel source (source kernels only)
#   kernel.sh src SERIES      unpack linux-source-SERIES once; print its path
#   kernel.sh debs SERIES     a Debian kernel's packages, downloaded into the
#                             cache: the paths of its image's, headers',
#                             their -common and kbuild .debs, one a line
#                             (what scripts/check-dkms.sh installs)
#
# A Debian kernel (KIND debian) is the newest linux-headers-SERIES-amd64 of
# the archive with its image, unpacked into $CACHE/linux-deb-VERSION. A
# source kernel is linux-source-SERIES built by scripts/kernel-build.sh.
# Exit status 3, with one line on stderr, when the archive has no package
# for the series (and nothing is cached): the caller counts that kernel's
# tests as skipped. Only the debug flavour of a source kernel exists.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series_file=$REPO/scripts/kernels

list() { awk '!/^#/ && NF >= 3 { print $1 }' "$series_file"; }
kind_of() { awk -v s="$1" '!/^#/ && $1 == s { print $3 }' "$series_file"; }
gone() { msg "$*"; exit 3; }

# the regular expression of a series' package names, dots escaped
re() { sed 's/\./\\./g' <<< "$1"; }

# unpack DEB... into DIR under a temporary name; rename when complete
unpack() {
	local dir=$1 tmp deb
	shift
	tmp=$(mktemp -d "$CACHE/.unpack.XXXXXX")
	for deb in "$@"; do
		dpkg-deb -x "$deb" "$tmp" || { rm -rf "$tmp"; die "cannot unpack $deb"; }
	done
	rm -rf "$dir"
	mv -T "$tmp" "$dir"
}

# src SERIES: the source tree of linux-source-SERIES
src() {
	local series=$1 pkg ver deb dir tmp
	read -r pkg ver <<< "$("$REPO/scripts/archive.sh" newest "^linux-source-$(re "$series")\$")"
	if [ -z "${ver:-}" ]; then
		# the archive dropped it: the newest tree unpacked before, if any
		dir=$(find "$CACHE" -maxdepth 1 -name "linux-source-$series-*" -type d | sort -V | tail -n 1)
		[ -n "$dir" ] || gone "linux-source-$series: the archive has no such package any more"
		echo "$dir"
		return
	fi
	dir=$CACHE/linux-source-$series-$ver
	if [ ! -d "$dir" ]; then
		mkdir -p "$CACHE"
		deb=$("$REPO/scripts/archive.sh" fetch "$pkg=$ver")
		tmp=$(mktemp -d "$CACHE/.unpack.XXXXXX")
		msg "unpacking $pkg $ver into $CACHE (once)"
		dpkg-deb --fsys-tarfile "$deb" |
			tar -xO "./usr/src/linux-source-$series.tar.xz" | tar -xJ -C "$tmp"
		mv -T "$tmp/linux-source-$series" "$dir"
		rmdir "$tmp"
	fi
	echo "$dir"
}

# newest_headers SERIES: "PACKAGE VERSION" of the series' newest
# linux-headers-*-amd64 in the archive ("" when it has none)
newest_headers() {
	"$REPO/scripts/archive.sh" newest \
		"^linux-headers-$(re "$1")[.-][^a-z]*(\\+deb[0-9]+)?-amd64\$"
}

# debs HEADERS VERSION: fetch the .debs of the kernel whose headers package
# is HEADERS; print their paths: the image, the headers, and the headers'
# -common and kbuild packages
debs() {
	local hdr=$1 ver=$2 abi img deps dep
	abi=${hdr#linux-headers-}
	# the unsigned image where there is one: the same kernel, and the
	# signed one's package may lag behind it
	img=linux-image-$abi-unsigned
	"$REPO/scripts/archive.sh" depends "$hdr" | grep -qx "$img" || img=linux-image-$abi
	"$REPO/scripts/archive.sh" fetch "$img=$ver" "$hdr=$ver" || return
	deps=$("$REPO/scripts/archive.sh" depends "$hdr") || return
	for dep in $deps; do
		case $dep in
		linux-headers-*-common | linux-kbuild-*)
			"$REPO/scripts/archive.sh" fetch "$dep=$ver" || return ;;
		esac
	done
}

# debian SERIES: Debian's image and headers, unpacked side by side
debian() {
	local series=$1 hdr ver abi root list debs=()
	read -r hdr ver <<< "$(newest_headers "$series")"
	if [ -z "${ver:-}" ]; then
		root=$(find "$CACHE" -maxdepth 1 -name "linux-deb-$series[.-]*" -type d | sort -V | tail -n 1)
		[ -n "$root" ] || gone "linux-headers-$series-*-amd64: the archive has no such package any more"
		cat "$root/kernel.env"
		return
	fi
	abi=${hdr#linux-headers-}
	root=$CACHE/linux-deb-$abi-$ver
	if [ ! -f "$root/kernel.env" ]; then
		mkdir -p "$CACHE"
		list=$(debs "$hdr" "$ver") || die "could not fetch the packages of $hdr $ver"
		mapfile -t debs <<< "$list"
		msg "unpacking Debian's $abi $ver into $CACHE (once)"
		unpack "$root" "${debs[@]}"
		# the headers include their -common half by absolute path
		sed -i "s|^include /usr/src/|include $root/usr/src/|" \
			"$root/usr/src/linux-headers-$abi/Makefile"
		cat > "$root/kernel.env" <<-ENV
		KSERIES=$series
		KFLAVOUR=vm
		KVER=$abi
		KPKG='$hdr $ver'
		KIMAGE=$root/boot/vmlinuz-$abi
		KDIR=$root/usr/src/linux-headers-$abi
		KMOD=$root/lib/modules/$abi
		KSRC=
		ENV
	fi
	cat "$root/kernel.env"
}

cmd=${1:?usage: kernel.sh list|newest|env SERIES [vm|debug]|src SERIES|debs SERIES}
case $cmd in
list) list ;;
newest) list | tail -n 1 ;;
src) src "${2:?usage: kernel.sh src SERIES}" ;;
debs)
	series=${2:?usage: kernel.sh debs SERIES}
	[ "$(kind_of "$series")" = debian ] || die "$series is not one of Debian's prebuilt kernels in $series_file"
	read -r hdr ver <<< "$(newest_headers "$series")"
	[ -n "${ver:-}" ] || gone "linux-headers-$series-*-amd64: the archive has no such package any more"
	debs "$hdr" "$ver" ;;
env)
	series=${2:?usage: kernel.sh env SERIES [vm|debug]} flavour=${3:-vm}
	kind=$(kind_of "$series")
	[ -n "$kind" ] || die "no kernel series $series in $series_file"
	[ "$flavour" = vm ] || [ "$flavour" = debug ] || die "no flavour $flavour (vm or debug)"
	mkdir -p "$OUT/kernels"
	env=$OUT/kernels/$series-$flavour.env
	case $kind in
	debian)
		[ "$flavour" = vm ] || die "$series is Debian's prebuilt kernel: it has no debug flavour"
		debian "$series" > "$env.tmp" ;;
	source)
		ksrc=$(src "$series")
		obj=$("$REPO/scripts/kernel-build.sh" "$ksrc" "$flavour")
		cat > "$env.tmp" <<-ENV
		KSERIES=$series
		KFLAVOUR=$flavour
		KVER=$(cat "$obj/kernel.release")
		KPKG='linux-source-$series ${ksrc##*/linux-source-"$series"-}'
		KIMAGE=$obj/arch/x86/boot/bzImage
		KDIR=$obj
		KMOD=$obj
		KSRC=$ksrc
		ENV
		;;
	*) die "$series: unknown KIND $kind in $series_file" ;;
	esac
	mv "$env.tmp" "$env"
	echo "$env" ;;
*) die "unknown command $cmd" ;;
esac
