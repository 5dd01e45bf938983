#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install the Debian packages that 'make run' and 'make check' need, and
# only those that are missing: when everything is present this neither
# runs apt-get nor needs root, so it is cheap to call from every target.
set -euo pipefail

packages=(
	# the kernels themselves come from scripts/kernel.sh, unpacked into
	# the cache: these check the private package lists' signatures and
	# unpack what they fetch (Debian's kernels and their source)
	debian-archive-keyring xz-utils
	# compilers and kbuild prerequisites; libc6-dev has the static libc
	# the selftests and the demo are linked with
	gcc make libc6-dev bc bison flex libelf-dev libssl-dev
	# the VM: emulator, initramfs contents and tools to pack it
	qemu-system-x86 busybox-static cpio kmod
	# the kselftest installer copies with rsync
	rsync
	# lint, documentation and benchmark tiers; coccicheck compiles the
	# semantic patches with OCaml script rules, which needs the OCaml
	# native compiler of the version coccinelle was built with (ocaml-nox);
	# the patch series is made and applied with git, and checkpatch checks
	# its SPDX lines with scripts/spdxcheck.py (python3-ply, python3-git)
	sparse coccinelle ocaml-nox python3-docutils gnuplot-nox git
	python3-ply python3-git
	# pahole, for the BTF of modules built against Debian's 6.12 headers
	dwarves
	# the patch series strips the compatibility code with unifdef
	unifdef
	# make deb and the dkms tier: Debian's packaging tools, DKMS itself,
	# and udev, whose daemon the tier runs in the guest to apply the
	# packaged example rule (Debian's kernel headers and images come
	# from the cache, installed by scripts/check-dkms.sh)
	dpkg-dev debhelper dh-dkms dkms udev
)

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing Debian packages; as root, run:" >&2
	echo "  apt-get update && apt-get install --no-install-recommends ${missing[*]}" >&2
	exit 1
fi

echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
