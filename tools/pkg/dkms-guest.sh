#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the VM rig's guest, as root: load a faultlat.ko that DKMS built and
# check it (modinfo, insmod, the device, rmmod; then modprobe from a module
# tree laid out as dkms install lays it out, with depmod -b, and with
# CLIENT, CLIENT run -- true while it is loaded), printing kselftest TAP
# with a "# Totals:" line.  Run by tools/pkg/test.sh (make check); by hand:
#
#   tools/vm/run-guest.sh --single-thread --out DIR -- \
#       tools/pkg/dkms-guest.sh KO VERSION [CLIENT]
#
# KO is the DKMS-built module (faultlat.ko, or .ko.xz or .ko.zst as dkms
# compresses it for a kernel whose modules are), at a path the guest sees
# (not under the host's /tmp, which the guest covers; /results is DIR),
# VERSION the one dkms.conf gives, CLIENT a faultlat command (the one of
# the faultlat package).
set -euo pipefail

ko=${1:?usage: dkms-guest.sh KO VERSION}
version=${2:?usage: dkms-guest.sh KO VERSION}
client=${3:-}
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

n=0 pass=0 fail=0
ok() { n=$((n + 1)) pass=$((pass + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)) fail=$((fail + 1)); echo "not ok $n $1"; }
check() {	# DESCRIPTION COMMAND...
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

modinfo_field() { modinfo -F "$1" "$ko" 2>/dev/null; }
# every parameter has a description: "name:description (type)"
params_described() {
	local p
	[ -n "$(modinfo_field parm)" ] || return 1
	while IFS= read -r p; do
		case $p in
		*:*[[:alnum:]]*' ('*')') ;;
		*) echo "# parameter without a description: $p"; return 1 ;;
		esac
	done < <(modinfo_field parm)
}
char_dev_0444() {
	[ -c /dev/faultlat ] && [ "$(stat -c %a /dev/faultlat)" = 444 ]
}

# modprobe from a module tree laid out as dkms install lays it out
tree=/tmp/dkms-guest-modules
rel=$(uname -r)
depmod_finds_it() {
	rm -rf "$tree"
	mkdir -p "$tree/lib/modules/$rel/updates/dkms"
	cp "$ko" "$tree/lib/modules/$rel/updates/dkms/${ko##*/}"
	# the files a kernel's package has (and depmod warns without)
	touch "$tree/lib/modules/$rel/"modules.{order,builtin,builtin.modinfo}
	depmod -b "$tree" "$rel" &&
		grep -q "^updates/dkms/${ko##*/}:" "$tree/lib/modules/$rel/modules.dep"
}

checks=11
[ -z "$client" ] || checks=12
echo "TAP version 13"
echo "1..$checks"
echo "# Starting $checks checks of dkms-guest ($ko, $(uname -r))"
[ -d /sys/module/faultlat ] && rmmod faultlat
check "modinfo: vermagic is this kernel's ($(uname -r))" \
	test "$(modinfo_field vermagic | cut -d' ' -f1)" = "$(uname -r)"
check "modinfo: version $version" test "$(modinfo_field version)" = "$version"
check "modinfo: a description" test -n "$(modinfo_field description)"
check "modinfo: every parameter described" params_described
if out=$(insmod "$ko" 2>&1); then ok "insmod $ko"; else
	echo "# $out"
	not_ok "insmod $ko"
fi
check "/dev/faultlat is a character device, mode 0444" char_dev_0444
check "/sys/module/faultlat/version is $version" \
	test "$(cat /sys/module/faultlat/version 2>/dev/null)" = "$version"
if out=$(rmmod faultlat 2>&1); then ok "rmmod faultlat"; else
	echo "# $out"
	not_ok "rmmod faultlat"
fi
check "depmod -b: modules.dep lists updates/dkms/faultlat.ko" depmod_finds_it
if out=$(modprobe -d "$tree" faultlat 2>&1) && [ -c /dev/faultlat ]; then
	ok "modprobe faultlat (from that tree) creates /dev/faultlat"
else
	echo "# $out"
	not_ok "modprobe faultlat (from that tree) creates /dev/faultlat"
fi
if [ -n "$client" ]; then
	if out=$("$client" run -- true 2>&1); then
		ok "faultlat run -- true ($client)"
	else
		printf '%s\n' "$out" | sed 's/^/# /'
		not_ok "faultlat run -- true ($client)"
	fi
fi
if out=$(modprobe -r -d "$tree" faultlat 2>&1) && [ ! -e /sys/module/faultlat ]; then
	ok "modprobe -r faultlat"
else
	echo "# $out"
	not_ok "modprobe -r faultlat"
fi
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" -eq 0 ]
