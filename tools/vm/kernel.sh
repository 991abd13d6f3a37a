#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian's bookworm kernel for the VM rig: the headers are installed
# on the host (the module builds against them), the image package is only
# unpacked into the cache (never installed) with a fresh modules.dep.
#
#   tools/vm/kernel.sh [--flavour amd64|cloud-amd64|rt-amd64|debug]
#   eval "$(tools/vm/kernel.sh)"
#
# The flavour "debug" is not Debian's: it is built from linux-source-6.1
# by tools/vm/debug-kernel.sh (cached), which prints the same lines.
#
# Prints shell-evalable lines:
#   FL_ABI       e.g. 6.1.0-56 (resolved from linux-image-<flavour> each run)
#   FL_FLAVOUR   amd64, cloud-amd64, rt-amd64 or debug
#   FL_RELEASE   uname -r of the guest, <abi>-<flavour>
#   FL_VERSION   the Debian version of the headers and the image, the same
#   FL_KDIR      kbuild tree, /usr/src/linux-headers-<release>
#   FL_VMLINUZ   the kernel image in the cache
#   FL_VMLINUX   the same, decompressed: QEMU boots its ELF PVH entry
#                directly, which saves the seconds TCG spends decompressing
#   FL_MODROOT   directory holding lib/modules/<release>
set -euo pipefail

flavour=amd64
while [ $# -gt 0 ]; do
	case $1 in
	--flavour) flavour=${2:?}; shift 2 ;;
	--flavour=*) flavour=${1#*=}; shift ;;
	*) echo "usage: $0 [--flavour amd64|cloud-amd64|rt-amd64|debug]" >&2; exit 2 ;;
	esac
done
case $flavour in
amd64 | cloud-amd64 | rt-amd64) ;;
debug) exec "$(dirname "$0")/debug-kernel.sh" ;;
*) echo "kernel.sh: unknown flavour '$flavour'" >&2; exit 2 ;;
esac

cache=${FAULTLAT_CACHE:-$HOME/.cache/faultlat}
export DEBIAN_FRONTEND=noninteractive
# The lists may be missing or older than the archive (a new ABI moves
# the old packages out): on any failure, apt-get update and start over.
updated=
apt_update() {
	[ -z "$updated" ] || return 1
	echo "kernel.sh: apt-get update" >&2
	apt-get update -q >&2
	updated=1
}

# linux-image-amd64 Depends: linux-image-6.1.0-56-amd64 -> 6.1.0-56
resolve_abi() {
	apt-cache depends "linux-image-$flavour" 2>/dev/null |
		sed -n "s/^ *Depends: linux-image-\(.*\)-$flavour\$/\1/p" | head -n1
}

# bzImage IN -> ELF OUT: the payload is a compressed stream in the image
# (the magic of another format may occur in it by chance, so the first
# that decompresses to an ELF file wins); the decompressor stops at its
# end, complaining about what follows.
unpack_vmlinux() {
	local magic tool off
	for magic in '\xfd7zXZ\x00:xz' '\x28\xb5\x2f\xfd:zstd' '\x02\x21\x4c\x18:lz4' \
		'\x1f\x8b\x08:gzip'; do
		tool=${magic##*:}
		off=$(LC_ALL=C grep -obUaP -m1 "${magic%:*}" "$1" | head -n1 | cut -d: -f1)
		[ -n "$off" ] || continue
		tail -c +$((off + 1)) "$1" | "$tool" -dc >"$2" 2>/dev/null
		[ "$(head -c4 "$2")" != $'\x7fELF' ] || return 0
	done
	echo "kernel.sh: no kernel found in $1" >&2
	return 1
}

# Sets abi, release, version and dir: installs the headers (or, with
# "upgrade", brings them up to date) and unpacks the image of the same
# package version into the cache unless there already (.done holds the
# version).  Returns non-zero on any failure.
fetch() {
	local tmp
	abi=$(resolve_abi)
	[ -n "$abi" ] || return 1
	release=$abi-$flavour
	dir=$cache/kernel/$release
	if [ "${1:-}" = upgrade ] || ! dpkg-query -W -f='${db:Status-Abbrev}' \
		"linux-headers-$release" 2>/dev/null | grep -q '^ii'; then
		echo "kernel.sh: installing linux-headers-$release" >&2
		apt-get install -y -q "linux-headers-$release" >&2 || return 1
	fi
	version=$(dpkg-query -W -f='${Version}' "linux-headers-$release")
	[ "$(cat "$dir/.done" 2>/dev/null)" != "$version" ] || return 0

	echo "kernel.sh: unpacking linux-image-$release $version into $dir" >&2
	tmp=$(mktemp -d "$cache/kernel/.tmp.XXXXXX")
	# (-o: as root, apt would download as _apt, which cannot write here)
	if (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root \
		"linux-image-$release=$version" >&2) &&
		dpkg -x "$tmp"/linux-image-"$release"_*.deb "$tmp/root" &&
		depmod -b "$tmp/root" "$release" &&
		unpack_vmlinux "$tmp/root/boot/vmlinuz-$release" \
			"$tmp/root/boot/vmlinux-$release"; then
		echo "$version" >"$tmp/root/.done"
		rm -rf "$dir"
		mv "$tmp/root" "$dir"
	fi
	rm -rf "$tmp"
	[ "$(cat "$dir/.done" 2>/dev/null)" = "$version" ]
}

# One at a time: parallel runs would fetch the same kernel into one place.
mkdir -p "$cache/kernel"
exec 9>"$cache/kernel/.lock"
flock 9
fetch || { apt_update && fetch upgrade; } ||

	{ echo "kernel.sh: cannot get linux-image-$flavour" >&2; exit 1; }

printf 'FL_ABI=%q\nFL_FLAVOUR=%q\nFL_RELEASE=%q\nFL_VERSION=%q\nFL_KDIR=%q\n' \
	"$abi" "$flavour" "$release" "$version" "/usr/src/linux-headers-$release"
printf 'FL_VMLINUZ=%q\nFL_VMLINUX=%q\nFL_MODROOT=%q\n' \
	"$dir/boot/vmlinuz-$release" "$dir/boot/vmlinux-$release" "$dir"
