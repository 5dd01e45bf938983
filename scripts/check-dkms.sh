#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check-dkms.sh RESULT: the "dkms" tier of make check (and make
# check-dkms). Installs the driver on this machine the way a user of a
# Debian machine does, as the packages of make deb, lets DKMS build it for
# Debian's kernels of scripts/kernels (6.1 and 6.12; 7.2 is built here,
# not a package, and has no place in it), and boots each of those kernels
# with the module exactly as DKMS installed it. Each step counts as one
# test, failing on anything it finds:
#
#   deb           make deb, from this checkout's work tree
#   kernel SERIES Debian's kernel of that series installed on this machine
#                 as packages: its headers, their -common and kbuild
#                 packages, and the image where the headers require one
#                 (6.12's do), the very .debs scripts/kernel.sh unpacks
#                 into the cache, by apt-get from there. Nothing is done
#                 when they are installed already; they stay installed
#                 afterwards, like the packages of scripts/deps.sh.
#   install       apt-get install of both packages, with two stand-in
#                 kernels in /lib/modules: one older than the driver
#                 supports (5.10, with a headers directory) and one with no
#                 headers. It must succeed, and say for each why it built
#                 nothing.
#   dkms SERIES   dkms status says installed for that kernel; the module is
#                 in /lib/modules/KVER/updates/dkms, modinfo finds it
#                 through modules.dep, and it carries the package's
#                 version and the kernel's vermagic
#   skipped       nothing was built or installed for either stand-in
#   conffile      /etc/modprobe.d/remap_pfn.conf is a conffile, all
#                 comments, with one "#options remap_pfn" line for an
#                 administrator to enable
#   udev rule     the example rule is in the package's examples, and no
#                 file of the packages is where udev reads rules
#   header        <linux/remap_pfn.h> is found only once remap-pfn-dev is
#                 installed, and the demo builds against it (no -I)
#   new kernel    what a kernel's packages run when the kernel goes and
#                 comes back (/etc/kernel/prerm.d/dkms, then
#                 /etc/kernel/header_postinst.d/dkms) for the newest
#                 kernel: the module goes, and comes back built anew; the
#                 same hook for the old stand-in succeeds and builds nothing
#   boot SERIES   the kernel under QEMU (scripts/vm.sh), its initramfs
#                 holding the module as DKMS installed it, with the host's
#                 modules.dep (scripts/mkinitramfs.sh --installed), the
#                 packaged modprobe.d file with its options line enabled
#                 and the packaged udev rule. Every check the guest makes
#                 is one test: modprobe takes the file's options, the
#                 module is DKMS's with the package's version, the node is
#                 0600 root:root and closed to a group member until the
#                 rule is copied into place, the demo and remap_pfn_share
#                 run, modprobe -r unloads it; then, with the rule and
#                 udevd, the node is 0660 root:remap_pfn, a member runs the
#                 demo and a non-member still cannot open it. A boot whose
#                 guest gives no result, or whose kernel log reports a
#                 problem, is one more failure.
#   purge         apt-get purge of both: nothing of them is left in
#                 /usr/src, /var/lib/dkms, /lib/modules/*/updates,
#                 modules.dep, /etc/modprobe.d, /usr/include or
#                 /usr/share/doc
#
# The tier owns these two packages on this machine: it purges any install
# of them it finds first, and purges its own at the end, on failure too
# (an EXIT trap, which also removes the stand-in kernels). Two checkouts
# take turns (a lock in the cache). Needs root; without it every step is
# skipped, saying so. A Debian series the archive no longer has is
# skipped with kernel.sh's one line as the reason.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$REPO/scripts/results.sh"

result=${1:?usage: check-dkms.sh RESULT}
log=$OUT/dkms
rm -rf "$log"
mkdir -p "$log"
pkgs=(remap-pfn-dkms remap-pfn-dev)
# the stand-in kernels: one too old for BUILD_EXCLUSIVE_KERNEL, one newer
# than any real one but without headers
old_kver=5.10.0-0-remap-pfn-test
bare_kver=6.99.0-0-remap-pfn-test
steps_all=(deb kernel install dkms skipped conffile "udev rule" header "new kernel" boot purge)

finish() {
	echo
	echo "dkms: $passed passed, $failed failed, $skipped skipped (logs in $log)"
	write_results "$result"
	exit 0
}

if [ "$(id -u)" -ne 0 ]; then
	for t in "${steps_all[@]}"; do skip "$t" "installing packages needs root"; done
	finish
fi
"$REPO/scripts/deps.sh"
export DEBIAN_FRONTEND=noninteractive

# the Debian kernels of scripts/kernels
mapfile -t series < <(awk '!/^#/ && NF >= 3 && $3 == "debian" { print $1 }' "$REPO/scripts/kernels")
[ ${#series[@]} -gt 0 ] || die "no Debian kernel in scripts/kernels"

mkdir -p "$CACHE"
exec 8> "$CACHE/.dkms.lock"
if ! flock -n 8; then
	echo "dkms: another checkout's dkms tier is running; waiting for it"
	flock 8
fi

# dkms_for KVER: DKMS's line for the module on that kernel ("": none;
# "remap-pfn/VERSION: added" alone names no kernel)
dkms_for() { dkms status -m remap-pfn -k "$1" 2> /dev/null | grep -F ", $1, " || true; }

# installed PACKAGE: its dpkg status (installed, config-files, ...; "" if unknown)
installed() { dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true; }

# purge_ours LOG: purge both packages, whatever state they are in
purge_ours() {
	local p present=()
	for p in "${pkgs[@]}"; do
		case $(installed "$p") in '' | not-installed) ;; *) present+=("$p") ;; esac
	done
	[ ${#present[@]} -gt 0 ] || return 0
	apt-get purge -y -q "${present[@]}" >> "$1" 2>&1 && return 0
	# a package whose postinst failed may also fail to go: take the
	# module out of DKMS by hand, then let dpkg try again
	dkms remove -m remap-pfn --all >> "$1" 2>&1 || true
	dpkg --purge "${present[@]}" >> "$1" 2>&1
}

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	local status=$?
	rm -rf "/lib/modules/$old_kver" "/lib/modules/$bare_kver"
	if ! purge_ours "$log/cleanup.log"; then
		msg "warning: could not purge ${pkgs[*]}; see $log/cleanup.log"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# run NAME LOG CMD...: run CMD with its output in LOG; on failure fail NAME
# and show the end of LOG
run() {
	local name=$1 out=$2 status=0
	shift 2
	echo "    \$ $*"
	"$@" >> "$out" 2>&1 || status=$?
	[ "$status" -eq 0 ] && return 0
	fail "$name" "${*:1:3} ... exited with status $status (log: $out)"
	tail -n 40 "$out" | sed 's/^/    /'
	return 1
}

step "make deb: the packages from this checkout (scripts/deb.sh)"
debs=()
if mapfile -t debs < <("$REPO/scripts/deb.sh" 2> "$log/deb.log") && [ ${#debs[@]} -eq 2 ]; then
	version=$(dpkg-deb -f "${debs[0]}" Version)
	for d in "${debs[@]}"; do echo "    ${d##*/}"; done
	pass deb
else
	fail deb "scripts/deb.sh failed (log: $log/deb.log)"
	show "$log/deb.log"
	for t in "${steps_all[@]:1}"; do skip "$t" "no packages"; done
	finish
fi

# install_kernel SERIES: install Debian's kernel of that series (see the
# top); sets kver. Status 3: the archive no longer has it.
install_kernel() {
	local s=$1 out=$log/kernel-$1.log env status=0 list hdr deb p v
	local want=() names=() upgrades
	env=$(kernel_env "$s" 2>> "$out") || status=$?
	[ "$status" -eq 0 ] || return "$status"
	env_of[$s]=$env
	# KVER, and KPKG: "linux-headers-KVER VERSION"; installed: nothing to
	# do (the archive's package lists are slow to ask)
	# shellcheck disable=SC1090 # written by scripts/kernel.sh
	read -r kver p v <<< "$(. "$env" && echo "$KVER $KPKG")"
	if [ "$(installed "$p")" = installed ] && [ "$(dpkg-query -W -f='${Version}' "$p")" = "$v" ]; then
		echo "    already installed: $p $v"
		return 0
	fi
	list=$("$REPO/scripts/kernel.sh" debs "$s" 2>> "$out") || return
	hdr=$(grep "/linux-headers-${kver}_" <<< "$list") || { echo "no linux-headers-$kver in: $list" >> "$out"; return 1; }
	for deb in $list; do
		p=$(dpkg-deb -f "$deb" Package) v=$(dpkg-deb -f "$deb" Version)
		case $p in
		linux-image-*)
			# only where the headers require it
			dpkg-deb -f "$hdr" Depends | grep -qF "$p (" || continue ;;
		esac
		names+=("$p")
		[ "$(installed "$p")" = installed ] &&
			[ "$(dpkg-query -W -f='${Version}' "$p")" = "$v" ] && continue
		want+=("$deb")
	done
	if [ ${#want[@]} -eq 0 ]; then
		echo "    already installed: ${names[*]}"
		return 0
	fi
	# Only the host's own apt sources are asked for what these need
	# (gcc-12, pahole, ...), and they may upgrade nothing else: what
	# apt-get would upgrade that is not one of these packages stops here.
	if ! apt-get -s install --no-install-recommends "${want[@]}" > "$out.sim" 2>&1; then
		apt-get update -q >> "$out" 2>&1 || true
		apt-get -s install --no-install-recommends "${want[@]}" > "$out.sim" 2>&1 || {
			cat "$out.sim" >> "$out"; return 1; }
	fi
	upgrades=$(sed -n 's/^Inst \([^ ]*\) \[.*/\1/p' "$out.sim" |
		grep -vxF -f <(printf '%s\n' "${names[@]}") || true)
	if [ -n "$upgrades" ]; then
		echo "refusing to install: apt-get would upgrade host packages: $upgrades" >> "$out"
		return 1
	fi
	echo "    installing ${want[*]##*/}"
	apt-get install -y -q --no-install-recommends "${want[@]}" >> "$out" 2>&1
}

declare -A kver_of env_of
for s in "${series[@]}"; do
	step "Debian's $s kernel installed on this machine (headers for DKMS)"
	status=0
	install_kernel "$s" || status=$?
	if [ "$status" -eq 0 ]; then
		kver_of[$s]=$kver
		pass "kernel $s"
	elif [ "$status" -eq 3 ]; then
		skip "kernel $s" "$(tail -n 1 "$log/kernel-$s.log")"
		skip "dkms $s" "the archive no longer has this kernel"
		skip "boot $s" "the archive no longer has this kernel"
	else
		fail "kernel $s" "installing its packages failed (log: $log/kernel-$s.log)"
		show "$log/kernel-$s.log"
		skip "dkms $s" "its kernel is not installed"
		skip "boot $s" "its kernel is not installed"
	fi
done
kernels=()
for s in "${series[@]}"; do [ -n "${kver_of[$s]:-}" ] && kernels+=("$s"); done

step "apt-get install of ${debs[*]##*/}, with stand-in kernels $old_kver (too old) and $bare_kver (no headers)"
ok_install=0
purge_ours "$log/purge-before.log" || die "could not purge an earlier install of ${pkgs[*]} (log: $log/purge-before.log)"
# header_probe: where the compiler finds <linux/remap_pfn.h> ("": nowhere)
header_probe() {
	{ printf '#include <linux/remap_pfn.h>\n' | cc -E -x c - 2> /dev/null || true; } |
		sed -n 's/^# [0-9]* "\(.*remap_pfn\.h\)".*/\1/p' | head -n 1
}
header_before=$(header_probe)
rm -rf "/lib/modules/$old_kver" "/lib/modules/$bare_kver"
mkdir -p "/lib/modules/$old_kver/build/include" "/lib/modules/$bare_kver"
if run install "$log/install.log" apt-get install -y -q --no-install-recommends "${debs[@]}"; then
	# what the packages' postinst said about each kernel
	sed -n '/^Building for /p; /^Building initial module for /p; /^Skipped\./p; /^Done\./p;
		/BUILD_EXCLUSIVE/p; /was skipped since the/,/headers for this kernel/p' \
		"$log/install.log" | sed 's/^/    /'
	ok_install=1
	pass install
fi

for s in "${kernels[@]}"; do
	k=${kver_of[$s]}
	step "DKMS's module for $s ($k)"
	if [ "$ok_install" -eq 0 ]; then skip "dkms $s" "the install failed"; continue; fi
	st=$(dkms_for "$k")
	echo "    dkms status: $st"
	ko=$(modinfo -k "$k" -n remap_pfn 2>/dev/null || true)
	if [[ $st != "remap-pfn/$version, $k, "*": installed"* ]]; then
		fail "dkms $s" "dkms status does not say installed for $k"
	elif [[ $ko != "/lib/modules/$k/updates/dkms/remap_pfn.ko"* ]] || [ ! -f "$ko" ]; then
		fail "dkms $s" "modinfo -k $k finds '$ko', not DKMS's module in /lib/modules/$k/updates/dkms (modules.dep)"
	elif [ "$(modinfo -F version "$ko")" != "$version" ]; then
		fail "dkms $s" "$ko has version '$(modinfo -F version "$ko")', the package $version"
	elif [[ "$(modinfo -F vermagic "$ko")" != "$k "* ]]; then
		fail "dkms $s" "$ko has vermagic '$(modinfo -F vermagic "$ko")', not $k's"
	else
		echo "    $ko: version $version, vermagic $(modinfo -F vermagic "$ko")"
		pass "dkms $s"
	fi
done

step "the stand-in kernels: skipped with a reason, nothing built"
if [ "$ok_install" -eq 0 ]; then
	skip skipped "the install failed"
else
	why=()
	grep -q "BUILD_EXCLUSIVE directive which does not match this kernel" "$log/install.log" ||
		why+=("the install did not say BUILD_EXCLUSIVE excluded $old_kver")
	grep -q "Module build for kernel $bare_kver was skipped since the" "$log/install.log" ||
		why+=("the install did not say $bare_kver has no headers")
	for k in "$old_kver" "$bare_kver"; do
		[ -z "$(dkms_for "$k")" ] || why+=("dkms status: $(dkms_for "$k")")
		[ ! -e "/lib/modules/$k/updates" ] || why+=("/lib/modules/$k/updates exists")
	done
	if [ ${#why[@]} -eq 0 ]; then
		pass skipped
	else
		fail skipped "$(IFS=';'; echo "${why[*]}")"
	fi
fi

step "/etc/modprobe.d/remap_pfn.conf: all comments, one options line to enable"
conf=/etc/modprobe.d/remap_pfn.conf
enabled=$log/remap_pfn.conf
options=
if [ "$ok_install" -eq 0 ]; then
	skip conffile "the install failed"
elif [ ! -f "$conf" ]; then
	fail conffile "the package installed no $conf"
elif grep -Evq '^[[:space:]]*(#|$)' "$conf"; then
	fail conffile "$conf is not all comments: $(grep -Ev '^[[:space:]]*(#|$)' "$conf" | head -n 1)"
elif ! dpkg-query -W -f='${Conffiles}' remap-pfn-dkms | grep -q " $conf "; then
	fail conffile "$conf is not a conffile of remap-pfn-dkms"
else
	sed 's/^#options remap_pfn /options remap_pfn /' "$conf" > "$enabled"
	if [ "$(diff "$conf" "$enabled" | grep -c '^>')" -ne 1 ]; then
		fail conffile "$conf has not exactly one '#options remap_pfn ' line"
	else
		options=$(grep '^options remap_pfn ' "$enabled")
		echo "    enabled for the guests: $options"
		pass conffile
	fi
fi

step "the udev rule: an example, not installed where udev reads rules"
rule=/usr/share/doc/remap-pfn-dkms/examples/60-remap_pfn.rules
if [ "$ok_install" -eq 0 ]; then
	skip "udev rule" "the install failed"
elif ! compgen -G "$rule*" > /dev/null; then
	fail "udev rule" "no $rule"
elif dpkg -L "${pkgs[@]}" | grep -E '^(/usr)?/(lib|etc)/udev/'; then
	fail "udev rule" "the packages install files where udev reads them (above)"
else
	rule=$(compgen -G "$rule*" | head -n 1)
	echo "    $rule"
	pass "udev rule"
fi

step "<linux/remap_pfn.h> from remap-pfn-dev, the demo built against it"
demo=$log/remap_pfn_demo
if [ "$ok_install" -eq 0 ]; then
	skip header "the install failed"
elif [ -n "$header_before" ]; then
	fail header "<linux/remap_pfn.h> was found before remap-pfn-dev was installed: $header_before"
elif [ "$(header_probe)" != /usr/include/linux/remap_pfn.h ]; then
	fail header "<linux/remap_pfn.h> is '$(header_probe)', not remap-pfn-dev's /usr/include/linux/remap_pfn.h"
elif run header "$log/demo.log" cc -static -O2 -Wall -Wextra -Werror -o "$demo" \
	"$REPO/tools/remap_pfn_demo/remap_pfn_demo.c"; then
	echo "    remap_pfn_demo built with /usr/include/linux/remap_pfn.h"
	pass header
fi

step "a kernel going and coming back: the hooks its packages run"
if [ "$ok_install" -eq 0 ] || [ ${#kernels[@]} -eq 0 ]; then
	skip "new kernel" "the install failed, or no kernel is installed"
else
	k=${kver_of[${kernels[-1]}]}
	out=$log/new-kernel.log
	why=()
	# hook HOOK KVER: run /etc/kernel/HOOK/dkms as the kernel's packages
	# do, its output in $hook_out and the log; sets hook_status
	hook() {
		echo "    \$ /etc/kernel/$1/dkms $2"
		hook_status=0
		hook_out=$("/etc/kernel/$1/dkms" "$2" 2>&1) || hook_status=$?
		printf '$ /etc/kernel/%s/dkms %s\n%s\n(status %s)\n' "$1" "$2" "$hook_out" "$hook_status" >> "$out"
	}
	# what linux-image-KVER's prerm runs
	hook prerm.d "$k"
	[ "$hook_status" -eq 0 ] || why+=("prerm.d/dkms $k exited with status $hook_status")
	if [ -n "$(dkms_for "$k")" ] || compgen -G "/lib/modules/$k/updates/dkms/remap_pfn.ko*" > /dev/null; then
		why+=("after prerm.d/dkms $k the module is still there")
	fi
	# what linux-headers-KVER's postinst runs
	hook header_postinst.d "$k"
	[ "$hook_status" -eq 0 ] || why+=("header_postinst.d/dkms $k exited with status $hook_status")
	st=$(dkms_for "$k")
	echo "    dkms status: $st"
	[[ $st == "remap-pfn/$version, $k, "*": installed"* ]] || why+=("header_postinst.d/dkms $k did not install the module")
	# a kernel without headers: skipped, saying so
	hook header_postinst.d "$bare_kver"
	grep -F "$bare_kver" <<< "$hook_out" | sed 's/^/    /'
	[ "$hook_status" -eq 0 ] || why+=("header_postinst.d/dkms $bare_kver exited with status $hook_status")
	grep -q "kernel headers for this kernel do not seem to be installed" <<< "$hook_out" ||
		why+=("header_postinst.d/dkms $bare_kver did not say its headers are missing")
	# a kernel too old: nothing built, saying why. dkms before 3.0.11
	# (Debian 12 has 3.0.10) fails the whole autoinstall, status 11, on
	# a module that BUILD_EXCLUSIVE_KERNEL leaves out (dkms-project/dkms
	# issue 302): its kernel package's hook fails with it. That status
	# is let through there only.
	hook header_postinst.d "$old_kver"
	grep -E "BUILD_EXCLUSIVE|autoinstall for kernel" <<< "$hook_out" | sed 's/^/    /'
	dkms_version=$(dpkg-query -W -f='${Version}' dkms)
	if [ "$hook_status" -eq 11 ] && dpkg --compare-versions "$dkms_version" lt 3.0.11; then
		echo "    (status 11: dkms $dkms_version's autoinstall fails on an excluded kernel, fixed in 3.0.11)"
	elif [ "$hook_status" -ne 0 ]; then
		why+=("header_postinst.d/dkms $old_kver exited with status $hook_status")
	fi
	grep -q "BUILD_EXCLUSIVE directive which does not match this kernel" <<< "$hook_out" ||
		why+=("header_postinst.d/dkms $old_kver did not say BUILD_EXCLUSIVE left it out")
	[ -z "$(dkms_for "$old_kver")" ] || why+=("header_postinst.d/dkms built for $old_kver: $(dkms_for "$old_kver")")
	if [ ${#why[@]} -eq 0 ]; then
		pass "new kernel"
	else
		fail "new kernel" "$(IFS=';'; echo "${why[*]}") (log: $out)"
		show "$out"
	fi
fi

# job FILE KO: the guest's job, written to FILE; KO is the module's path.
# One TAP line per check; the programs' own output follows as comments
# ("# "), so that remap_pfn_share's results count as its own tests
# (scripts/tap-count.awk).
job() {
	local file=$1 ko=$2 alloc size
	alloc=$(sed -n 's/.* allocator=\([^ ]*\).*/\1/p' <<< "$options")
	size=$(sed -n 's/.* size=\([^ ]*\).*/\1/p' <<< "$options")
	size=$(numfmt --from=iec "${size:-128K}")
	cat > "$file" <<JOB
#!/bin/sh
# the dkms tier's checks (scripts/check-dkms.sh)
n=0 failed=0
say() {
	n=\$((n + 1))
	if [ "\$1" -eq 0 ]; then echo "ok \$n \$2"; else echo "not ok \$n \$2"; failed=\$((failed + 1)); fi
}
check() { d=\$1; shift; "\$@"; say \$? "\$d"; }
# run PROGRAM...: its output as TAP comments, its exit status kept
run() { "\$@" > /tmp/run.out 2>&1; rc=\$?; sed 's/^/# /' /tmp/run.out; return \$rc; }
# denied USER: USER's shell runs, and opening the device fails with EACCES
denied() {
	out=\$(su -s /bin/sh "\$1" -c 'echo shell started; exec 3<> /dev/remap_pfn' 2>&1)
	echo "\$out" | sed 's/^/# /'
	case \$out in "shell started"*"/dev/remap_pfn: Permission denied"*) return 0 ;; esac
	return 1
}
node() { stat -c '%a %U %G' /dev/remap_pfn 2> /dev/null; }

echo "TAP version 13"
mkdir -p /etc/modprobe.d /etc/udev/rules.d /run
# the package's conffile with its options line enabled
cat > /etc/modprobe.d/remap_pfn.conf <<'CONF'
$(cat "$enabled")
CONF
# tester is in the group the udev rule names, outsider is not
echo 'tester:x:1000:1000::/tmp:/bin/sh' >> /etc/passwd
echo 'outsider:x:1001:1001::/tmp:/bin/sh' >> /etc/passwd
printf 'tester:x:1000:\noutsider:x:1001:\nremap_pfn:x:500:tester\n' >> /etc/group
# udevd as on a real machine, with no rule for the device yet
/lib/systemd/systemd-udevd --daemon > /tmp/udevd.log 2>&1
check "udevd runs" udevadm control --ping

check "modprobe remap_pfn loads the module" modprobe remap_pfn
udevadm settle
check "allocator from modprobe.d: $alloc" test "\$(cat /sys/module/remap_pfn/parameters/allocator)" = "$alloc"
check "size from modprobe.d: $size" test "\$(cat /sys/module/remap_pfn/parameters/size)" = "$size"
check "modprobe took DKMS's module: $ko" test "\$(modinfo -n remap_pfn)" = "$ko"
check "its version is the package's: $version" test "\$(cat /sys/module/remap_pfn/version)" = "$version"
check "without the udev rule the node is 0600 root:root" test "\$(node)" = "600 root root"
check "without the udev rule a member of the group cannot open it" denied tester
check "remap_pfn_demo runs as root" run remap_pfn_demo
check "remap_pfn_share" run /kselftest/drivers/remap_pfn/remap_pfn_share
check "modprobe -r remap_pfn unloads it" modprobe -r remap_pfn
check "the module is gone" test ! -e /sys/module/remap_pfn

# the administrator turns the example rule on
cat > /etc/udev/rules.d/60-remap_pfn.rules <<'RULE'
$(zcat -f "$rule")
RULE
udevadm control --reload
check "modprobe remap_pfn loads it again" modprobe remap_pfn
udevadm settle
check "with the udev rule the node is 0660 root:remap_pfn" test "\$(node)" = "660 root remap_pfn"
check "with the udev rule a member of the group runs remap_pfn_demo" run su -s /bin/sh tester -c /usr/bin/remap_pfn_demo
check "with the udev rule a user outside the group still cannot open it" denied outsider
check "modprobe -r remap_pfn unloads it again" modprobe -r remap_pfn
echo "1..\$n"
[ "\$failed" -eq 0 ]
JOB
}

# boot SERIES: the guest's checks on that kernel; its block of output to
# stdout, its counts to $log/SERIES.counts ("P F S", then the failures)
boot() {
	local s=$1 k=${kver_of[$1]} dir=$log/boot-$1 ko status=0 p f st fails=()
	local name="[dkms $1]" counts problems klog start=$SECONDS
	mkdir -p "$dir"
	# shellcheck disable=SC1090 # written by scripts/kernel.sh
	. "${env_of[$s]}"
	ko=$(modinfo -k "$k" -n remap_pfn)
	echo
	echo "=== dkms: boot $s ($k) with $ko"
	if ! "$REPO/scripts/mkinitramfs.sh" --installed "/lib/modules/$k" \
		--host /lib/systemd/systemd-udevd --host /bin/udevadm \
		"$k" "$KMOD" "$ko" "$OUT/kselftest" "$demo" "$dir/initramfs.cpio" \
		> "$dir/mkinitramfs.log" 2>&1; then
		tail -n 20 "$dir/mkinitramfs.log"
		printf '0 1 0\n%s mkinitramfs.sh failed (log: %s)\n' "$name" "$dir/mkinitramfs.log" \
			> "$log/$s.counts"
		return 0
	fi
	job "$dir/job.sh" "$ko"
	VM_SMP=1 "$REPO/scripts/vm.sh" --quiet --log "$dir/console.log" --report "$dir/report" \
		"$KIMAGE" "$dir/initramfs.cpio" "$dir/job.sh" || status=$?
	tr -d '\r' < "$dir/report" |
		sed -n '/^@@@ remap_pfn-vm: job output$/,/^@@@ remap_pfn-vm: dmesg$/{/^@@@/d;p}' > "$dir/tap"
	cat "$dir/tap"
	counts=$(awk -f "$REPO/scripts/tap-count.awk" "$dir/tap")
	read -r _ p f st <<< "$(grep '^counts ' <<< "$counts")"
	while IFS= read -r line; do fails+=("$name $line"); done < <(sed -n 's/^fail //p' <<< "$counts")
	if [ "$status" -eq 125 ]; then
		f=$((f + 1))
		fails+=("$name no result from the guest (crash or time limit); see $dir/console.log")
		tail -n 40 "$dir/console.log"
	elif [ $((p + f + st)) -eq 0 ]; then
		f=$((f + 1))
		fails+=("$name no test results (guest job exit $status)")
	fi
	klog=$dir/report
	grep -q '^@@@ remap_pfn-vm: dmesg' "$dir/report" || klog=$dir/console.log
	if ! problems=$("$REPO/scripts/kernel-problems.sh" "$klog"); then
		f=$((f + 1))
		fails+=("$name kernel log: $(head -n 1 <<< "$problems") (all in $klog)")
		head -n 60 <<< "$problems"
	fi
	echo "=== $name: $p passed, $f failed, $st skipped ($((SECONDS - start)) s)"
	{
		echo "$p $f $st"
		for line in ${fails[@]+"${fails[@]}"}; do echo "$line"; done
	} > "$log/$s.counts"
}

step "boot each kernel with the module as DKMS installed it (two at a time)"
if [ "$ok_install" -eq 0 ] || [ -z "$options" ] || [ ! -x "$demo" ]; then
	for s in "${kernels[@]}"; do skip "boot $s" "the install, the conffile or the header step failed"; done
elif ! kselftests > "$log/kselftests.log" 2>&1; then
	for s in "${kernels[@]}"; do fail "boot $s" "the kselftest build failed (log: $log/kselftests.log)"; done
else
	pids=()
	for s in "${kernels[@]}"; do
		rm -f "$log/$s.counts"
		boot "$s" > "$log/boot-$s.out" 2>&1 &
		pids+=($!)
	done
	for i in "${!kernels[@]}"; do
		s=${kernels[i]}
		wait "${pids[i]}" || true
		cat "$log/boot-$s.out"
		if [ -s "$log/$s.counts" ]; then
			read -r p f st < "$log/$s.counts"
			passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + st))
			while IFS= read -r line; do
				[ -z "$line" ] || failures+=("$line")
			done < <(tail -n +2 "$log/$s.counts")
		else
			fail "boot $s" "the boot's script stopped early (output: $log/boot-$s.out)"
		fi
	done
fi

step "apt-get purge: nothing of the packages is left"
if [ "$ok_install" -eq 0 ]; then
	# the EXIT trap still purges whatever the failed install left
	skip purge "the install failed"
elif run purge "$log/purge.log" apt-get purge -y -q "${pkgs[@]}"; then
	left=()
	for p in "${pkgs[@]}"; do
		case $(installed "$p") in '' | not-installed) ;; *) left+=("dpkg: $p is $(installed "$p")") ;; esac
	done
	for f in /usr/src/remap-pfn-* /var/lib/dkms/remap-pfn /lib/modules/*/updates/dkms/remap_pfn.ko* \
		/etc/modprobe.d/remap_pfn.conf /usr/include/linux/remap_pfn.h /usr/share/doc/remap-pfn-*; do
		[ -e "$f" ] && left+=("$f")
	done
	for k in "${kver_of[@]}"; do
		[ ! -e "/lib/modules/$k/updates" ] || left+=("/lib/modules/$k/updates")
		! grep -qs 'remap_pfn' "/lib/modules/$k/modules.dep" || left+=("remap_pfn in /lib/modules/$k/modules.dep")
	done
	[ -z "$(header_probe)" ] || left+=("<linux/remap_pfn.h> still found: $(header_probe)")
	if [ ${#left[@]} -eq 0 ]; then
		echo "    nothing left"
		pass purge
	else
		fail purge "left behind: $(IFS=';'; echo "${left[*]}")"
	fi
fi

finish
