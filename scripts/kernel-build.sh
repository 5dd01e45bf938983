#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kernel-build.sh SRC vm|debug: build a kernel from the unpacked source
# tree SRC once and print its build directory (O=), ready for out-of-tree
# modules:
#
#   DIR/arch/x86/boot/bzImage   the kernel to boot
#   DIR/kernel.release          its release (uname -r in the guest)
#
# The configuration is 'make tinyconfig' with scripts/kconfig/vm.config
# merged on top, and for the debug flavour scripts/kconfig/debug.config
# after it (a later line about the same option wins). Every resulting line
# must survive olddefconfig, or the build fails naming the lines that did
# not. The directory is $CACHE/linux-build-NAME-FLAVOUR-HASH, where NAME is
# SRC's directory name (series and package version) and HASH covers the
# fragments and the compiler, so a changed fragment builds a new kernel and
# an unchanged one is reused. It is built under a temporary name and
# renamed when complete (bzImage, modules_prepare, Module.symvers), so an
# interrupted build is never reused. Messages go to stderr, the build's
# output to DIR.build.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=${1:?usage: kernel-build.sh SRC vm|debug}
flavour=${2:?usage: kernel-build.sh SRC vm|debug}
fragments=("$REPO/scripts/kconfig/vm.config")
case $flavour in
vm) ;;
debug) fragments+=("$REPO/scripts/kconfig/debug.config") ;;
*) die "no flavour $flavour (vm or debug)" ;;
esac
[ -f "$src/Makefile" ] || die "no kernel source in $src"
"$REPO/scripts/deps.sh" >&2

mkdir -p "$CACHE"
# The fragments as one, a later setting of an option replacing an earlier
merged=$(mktemp "$CACHE/.fragment.XXXXXX")
trap 'rm -f "$merged"' EXIT
awk '
	/^CONFIG_[A-Za-z0-9_]+=/ { opt = $0; sub(/=.*/, "", opt) }
	/^# CONFIG_[A-Za-z0-9_]+ is not set$/ { opt = $2 }
	opt != "" { if (!(opt in at)) order[n++] = opt; at[opt] = $0; opt = ""; next }
	END { for (i = 0; i < n; i++) print at[order[i]] }' "${fragments[@]}" > "$merged"
hash=$({ cat "$merged"; gcc --version | head -n 1; } | sha256sum | cut -c1-12)
obj=$CACHE/linux-build-${src##*/linux-source-}-$flavour-$hash

# Built already: no lock needed, the directory only appears complete
if [ -f "$obj/kernel.release" ]; then
	echo "$obj"
	exit 0
fi
# Two checkouts asking for the same kernel at once: the second waits and
# reuses. Different kernels build side by side.
exec 8>"$obj.lock"
flock 8
if [ -f "$obj/kernel.release" ]; then
	echo "$obj"
	exit 0
fi

tmp=$(mktemp -d "$CACHE/.linux-build.XXXXXX")
log=$tmp.log
trap 'rm -rf "$tmp" "$log" "$merged"' EXIT
trap 'exit 130' INT TERM HUP PIPE	# so that the EXIT trap cleans up
msg "building the $flavour kernel from ${src##*/} (once per fragment and source version; log: $obj.build.log)"
start=$SECONDS

kmake() { make -C "$src" O="$tmp" -j"$(nproc)" "$@" >> "$log" 2>&1; }
fail_build() {
	tail -n 40 "$log" >&2
	mv -f "$log" "$obj.build.log"
	die "$1 (log: $obj.build.log)"
}

kmake tinyconfig || fail_build "make tinyconfig failed"
"$src/scripts/kconfig/merge_config.sh" -m -O "$tmp" "$tmp/.config" "$merged" \
	>> "$log" 2>&1 || fail_build "merge_config.sh failed"
kmake olddefconfig || fail_build "make olddefconfig failed"

# Every line of the fragments, as olddefconfig left it: "CONFIG_X=v" must
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
done < "$merged"
if [ ${#missing[@]} -gt 0 ]; then
	for line in "${missing[@]}"; do
		opt=$(sed -E 's/^# //; s/[= ].*//' <<< "$line")
		msg "not in the final .config: $line (there: $(grep -E "^$opt=|^# $opt is not set" "$tmp/.config" || echo absent))"
	done
	mv -f "$log" "$obj.build.log"
	die "${#missing[@]} line(s) of the fragments did not survive olddefconfig"
fi

kmake all || fail_build "the kernel build failed"
kmake modules_prepare || fail_build "make modules_prepare failed"
[ -f "$tmp/arch/x86/boot/bzImage" ] && [ -f "$tmp/Module.symvers" ] ||
	fail_build "the build left no bzImage or Module.symvers"
make -s -C "$src" O="$tmp" kernelrelease > "$tmp/kernel.release.tmp"
mv "$tmp/kernel.release.tmp" "$tmp/kernel.release"

rm -rf "$obj"
mv -T "$tmp" "$obj"
# kbuild's Makefile in the build directory names it: the new name
sed -i "s|$tmp|$obj|g" "$obj/Makefile"
mv -f "$log" "$obj.build.log"
msg "$flavour kernel $(cat "$obj/kernel.release") built in $((SECONDS - start)) s: $obj"
echo "$obj"
