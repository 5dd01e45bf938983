#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make deb: build the Debian packages that debian/ describes, with Debian's
# own tools (dpkg-buildpackage, debhelper, dh-dkms), binary packages only
# and unsigned, into $OUT/deb:
#
#   remap-pfn-dkms_VERSION_all.deb  the driver's source in
#                                   /usr/src/remap-pfn-VERSION with its
#                                   dkms.conf, /etc/modprobe.d/remap_pfn.conf
#                                   (all commented out), the example udev rule
#   remap-pfn-dev_VERSION_all.deb   /usr/include/linux/remap_pfn.h
#
# VERSION is debian/changelog's (make version). The packages are built in
# a copy of the files they are made of, this checkout's work tree as it is
# (tracked and untracked but not ignored, as make patch takes them), in
# $OUT/deb/remap-pfn-VERSION: dpkg-buildpackage writes its own files into
# the tree it builds (debian/files, debian/.debhelper, ...) and the .debs
# next to it, none of which belongs in the checkout. dpkg-buildpackage's
# output goes to stderr; stdout gets the paths of the two .debs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$REPO/scripts/deps.sh"
version=$(make -s --no-print-directory -C "$REPO" version)
[ -n "$version" ] || die "no version in debian/changelog"
dir=$OUT/deb
tree=$dir/remap-pfn-$version
rm -rf "$dir"
mkdir -p "$tree"

# what the packages are made of (debian/*.install names the files)
git -C "$REPO" ls-files --cached --others --exclude-standard -- \
	debian dkms.conf drivers/misc/remap_pfn include/uapi/linux/remap_pfn.h |
	while IFS= read -r f; do [ -f "$REPO/$f" ] && echo "$f"; done |
	(cd "$REPO" && cpio -pdm --quiet "$tree")

msg "building remap-pfn $version in $tree"
(cd "$tree" && dpkg-buildpackage --build=binary --no-sign) >&2

debs=("$dir/remap-pfn-dkms_${version}_all.deb" "$dir/remap-pfn-dev_${version}_all.deb")
for deb in "${debs[@]}"; do
	[ -s "$deb" ] || die "dpkg-buildpackage made no $deb"
done
printf '%s\n' "${debs[@]}"
