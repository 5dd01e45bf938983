#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mkinitramfs.sh [options] KVER KMOD MODULE.ko KSELFTEST_DIR DEMO OUTPUT.cpio
#
#   KVER            the kernel's release (uname -r in the guest)
#   KMOD            where that kernel's modules.order, modules.builtin,
#                   modules.builtin.modinfo, brd.ko and vgem.ko are: KMOD of
#                   scripts/kernel.sh env (Debian's lib/modules/KVER, or a
#                   kernel's build directory)
#   --add PROGRAM   one more program for /usr/bin (repeatable)
#   --module FILE   one more module, installed beside remap_pfn.ko in
#                   extra/ (repeatable; the kselftests' test module)
#   --host PROGRAM  one more host program, with the shared libraries it
#                   loads, at its own path (repeatable)
#   --installed DIR the module as installed on this host: DIR is the
#                   kernel's /lib/modules/KVER, MODULE.ko a file under it
#                   (DKMS's updates/dkms/remap_pfn.ko*), which goes to the
#                   same place in the guest, with DIR's own depmod index
#                   (its modules.* files) instead of one made here
#
# Pack the guest's root file system: busybox with its applets, the module
# installed as /lib/modules/$KVER/extra/remap_pfn.ko with a real depmod
# index (or as --installed found it), the installed kselftests under
# /kselftest, the demo program and scripts/vm-init as /init. What a job
# runs is not in here: vm.sh appends it as a second cpio archive at each
# boot (the kernel unpacks both).
#
# A few host tools are copied with their shared libraries because the test
# scripts are written for a normal distribution and busybox lacks what they
# rely on: kmod's modprobe (busybox modprobe has no -n dry run, which
# kselftest/module.sh uses), bash, and coreutils' timeout (kselftest's
# runner calls 'timeout --foreground', which busybox does not know).
# /bin/sh is dash, as on Debian: Debian's busybox sh runs its own applets
# even where PATH names another program, so under it 'modprobe' in a
# script would never reach kmod.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

extra=() host=() mods=() installed=
while [ $# -gt 0 ]; do
	case $1 in
	--add) extra+=("$2"); shift 2 ;;
	--module) mods+=("$2"); shift 2 ;;
	--host) host+=("$2"); shift 2 ;;
	--installed) installed=$2; shift 2 ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -eq 6 ] || die "usage: $0 [options] KVER KMOD MODULE.ko KSELFTEST_DIR DEMO OUTPUT.cpio"
kver=$1 kmod_dir=$2 ko=$3 ksft=$4 demo=$5 output=$6
[ -f "$kmod_dir/modules.builtin" ] || die "$kmod_dir has no modules.builtin: not a KMOD of scripts/kernel.sh"

root=$(mktemp -d "${TMPDIR:-/tmp}/remap_pfn-root.XXXXXX")
# the guest's /, which mktemp made root's alone
chmod 0755 "$root"
trap 'rm -rf "$root"' EXIT
trap 'exit 130' INT TERM HUP PIPE	# so that the EXIT trap cleans up

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,lib64}

# Copy a host program and the shared libraries it loads, at the same paths.
# --remove-destination: never write through a symlink already in $root,
# whose absolute target would be the host's own file.
copy_with_libs() {
	local f
	for f in "$1" $(ldd "$1" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$f")"
		cp -L --remove-destination "$f" "$root$f"
	done
}

copy_with_libs /bin/dash
ln -s dash "$root/bin/sh"
copy_with_libs /bin/bash
copy_with_libs /usr/bin/timeout
copy_with_libs /usr/bin/kmod
for f in ${host[@]+"${host[@]}"}; do
	copy_with_libs "$f"
done
for tool in modprobe insmod rmmod lsmod modinfo depmod; do
	for dir in sbin usr/sbin bin; do
		ln -sfn /usr/bin/kmod "$root/$dir/$tool"
	done
done

# busybox provides everything else, as symlinks (created last, so they
# fill only the places the host tools above left free)
cp /bin/busybox "$root/bin/busybox"
applets=$(/bin/busybox --list-full)
for applet in $applets; do
	[ -e "$root/$applet" ] || [ -L "$root/$applet" ] ||
		ln -s /bin/busybox "$root/$applet"
done

# The module where modprobe looks for it, with the index depmod builds from
# the kernel's own module lists (run on the host: the guest needs no depmod).
moddir=$root/lib/modules/$kver
if [ -n "$installed" ]; then
	case $ko in
	"$installed"/*) ;;
	*) die "--installed $installed: the module $ko is not under it" ;;
	esac
	mkdir -p "$moddir/$(dirname "${ko#"$installed"/}")"
	cp "$ko" "$moddir/${ko#"$installed"/}"
	cp "$installed"/modules.* "$moddir/"
else
	mkdir -p "$moddir/extra"
	cp "$ko" "$moddir/extra/remap_pfn.ko"
fi
for f in ${mods[@]+"${mods[@]}"}; do
	[ -z "$installed" ] || die "--module with --installed: no depmod index would list it"
	cp "$f" "$moddir/extra/"
done
# brd gives the suite a block device for its O_DIRECT test (tmpfs has none)
for f in "$kmod_dir"/kernel/drivers/block/brd.ko*; do
	[ -e "$f" ] || continue
	mkdir -p "$moddir/kernel/drivers/block"
	cp "$f" "$moddir/kernel/drivers/block/"
done
# vgem, a software DRM driver, is the suite's dma-buf importer; a Debian
# kernel has it as a module, with what it depends on (a kernel built from
# scripts/kconfig/vm.config has it built in, and no modules directory)
copy_kmod() {
	local f rel dep
	f=$(find "$kmod_dir/kernel" -regex ".*/$(sed 's/[-_]/[-_]/g' <<< "$1")\.ko\(\.[a-z]*\)?" -print -quit)
	[ -n "$f" ] || die "no module $1 in $kmod_dir"
	for dep in $(modinfo -F depends "$f" | tr ',' ' '); do
		copy_kmod "$dep"
	done
	rel=${f#"$kmod_dir"/}
	mkdir -p "$moddir/$(dirname "$rel")"
	cp "$f" "$moddir/$rel"
}
if [ -d "$kmod_dir/kernel" ] && ! grep -q '/vgem\.ko$' "$kmod_dir/modules.builtin"; then
	copy_kmod vgem
fi
if [ -z "$installed" ]; then
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ -e "$kmod_dir/$f" ] && cp "$kmod_dir/$f" "$moddir/"
	done
	depmod -b "$root" "$kver"
fi

cp -a "$ksft" "$root/kselftest"
install -m 0755 "$demo" "$root/usr/bin/remap_pfn_demo"
for f in ${extra[@]+"${extra[@]}"}; do
	install -m 0755 "$f" "$root/usr/bin/"
done
install -m 0755 "$REPO/scripts/vm-init" "$root/init"

echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null --create --format=newc --owner=0:0 --quiet) > "$output.tmp"
mv "$output.tmp" "$output"
