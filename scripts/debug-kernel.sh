#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# debug-kernel.sh: build the debug kernel of 'make check-debug' once and
# print its build directory (O=), ready for out-of-tree modules:
#
#   DIR/arch/x86/boot/bzImage   the kernel to boot
#   DIR/kernel.release          its release (uname -r in the guest)
#
# The configuration is 'make tinyconfig' with scripts/debug.config merged
# on top; every line of the fragment must survive olddefconfig, or the
# build fails naming the lines that did not. The directory is
# $CACHE/linux-debug-VERSION-HASH, where VERSION is the linux-source-6.1
# package version and HASH covers the fragment and the compiler, so a
# changed fragment builds a new kernel and an unchanged one is reused. It
# is built under a temporary name and renamed when complete (bzImage,
# modules_prepare, Module.symvers), so an interrupted build is never
# reused. Messages go to stderr, the build's output to DIR.build.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

fragment=${DEBUG_CONFIG:-$REPO/scripts/debug.config}
[ -r "$fragment" ] || die "no config fragment $fragment"
"$REPO/scripts/deps.sh"
src=$("$REPO/scripts/ksrc.sh")
version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
hash=$({ cat "$fragment"; echo "$version"; gcc --version | head -n 1; } |
	sha256sum | cut -c1-12)
obj=$CACHE/linux-debug-$version-$hash

# Two checkouts asking at once: the second waits and reuses.
mkdir -p "$CACHE"
exec 8>"$CACHE/.debug.lock"
flock 8

if [ -f "$obj/kernel.release" ]; then
	echo "$obj"
	exit 0
fi

tmp=$(mktemp -d "$CACHE/.linux-debug.XXXXXX")
log=$tmp.log
trap 'rm -rf "$tmp" "$log"' EXIT
trap 'exit 130' INT TERM HUP PIPE	# so that the EXIT trap cleans up
msg "building the debug kernel (once per fragment and source version; log: $obj.build.log)"
start=$SECONDS

kmake() { make -C "$src" O="$tmp" -j"$(nproc)" "$@" >> "$log" 2>&1; }
fail_build() {
	tail -n 40 "$log" >&2
	mv -f "$log" "$obj.build.log"
	die "$1 (log: $obj.build.log)"
}

kmake tinyconfig || fail_build "make tinyconfig failed"
"$src/scripts/kconfig/merge_config.sh" -m -O "$tmp" "$tmp/.config" "$fragment" \
	>> "$log" 2>&1 || fail_build "merge_config.sh failed"
kmake olddefconfig || fail_build "make olddefconfig failed"

# Every line of the fragment, as olddefconfig left it: "CONFIG_X=v" must
# be in .config as it is, "# CONFIG_X is not set" must be unset there.
missing=()
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qxF -- "$line" "$tmp/.config" || missing+=("$line") ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		grep -q "^$opt=" "$tmp/.config" && missing+=("$line") ;;
	esac
done < "$fragment"
if [ ${#missing[@]} -gt 0 ]; then
	for line in "${missing[@]}"; do
		opt=$(sed -E 's/^# //; s/[= ].*//' <<< "$line")
		msg "not in the final .config: $line (there: $(grep -E "^$opt=|^# $opt is not set" "$tmp/.config" || echo absent))"
	done
	mv -f "$log" "$obj.build.log"
	die "${#missing[@]} line(s) of $fragment did not survive olddefconfig"
fi

kmake all || fail_build "the kernel build failed"
kmake modules_prepare || fail_build "make modules_prepare failed"
[ -f "$tmp/arch/x86/boot/bzImage" ] && [ -f "$tmp/Module.symvers" ] ||
	fail_build "the build left no bzImage or Module.symvers"
make -s -C "$src" O="$tmp" kernelrelease > "$tmp/kernel.release.tmp"
mv "$tmp/kernel.release.tmp" "$tmp/kernel.release"

rm -rf "$obj"
mv -T "$tmp" "$obj"
mv -f "$log" "$obj.build.log"
msg "debug kernel $(cat "$obj/kernel.release") built in $((SECONDS - start)) s: $obj"
echo "$obj"
