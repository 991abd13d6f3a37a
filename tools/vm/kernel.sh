#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch a Debian kernel for the VM rig: its image package is only unpacked
# into the cache (never installed) with a fresh modules.dep; its headers
# are installed where the module is built: on the host for bookworm's 6.1,
# in a trixie build root (tools/vm/buildroot.sh) for trixie's 6.12 and
# trixie-backports' 7.x, whose kbuild needs trixie's C library and gcc-14.
#
#   tools/vm/kernel.sh [--flavour [SERIES-]amd64|cloud-amd64|rt-amd64|debug[-SERIES]]
#   eval "$(tools/vm/kernel.sh --flavour 6.12-rt-amd64)"
#
# SERIES is the kernel's major.minor: 6.1 (the default, bookworm), 6.12
# (trixie) or a 7.x of trixie-backports (the newest of that series there);
# the rest is Debian's flavour.  The ABI and the version are resolved
# from the archive at each run: Debian moves them forward.  The flavours
# "debug" and "debug-SERIES" are not Debian's: tools/vm/debug-kernel.sh
# builds them (cached) from Debian's linux-source-SERIES, 6.12 for
# "debug", 6.1 for "debug-6.1", and prints the same lines.
#
# Prints shell-evalable lines:
#   FL_ABI       e.g. 6.1.0-56, 6.12.118+deb13
#   FL_FLAVOUR   the flavour as given (6.12-amd64, debug)
#   FL_RELEASE   uname -r of the guest, <abi>-<Debian flavour>
#   FL_VERSION   the Debian version of the headers and the image, the same
#   FL_KDIR      kbuild tree, /usr/src/linux-headers-<release> (in the
#                build root, if FL_BUILDROOT is set)
#   FL_BUILDROOT the build root's release (trixie), or empty: the host
#                (tools/vm/kmake.sh builds a module either way)
#   FL_VMLINUZ   the kernel image in the cache
#   FL_VMLINUX   the same, decompressed: QEMU boots its ELF PVH entry
#                directly, which saves the seconds TCG spends decompressing
#   FL_MODROOT   directory holding lib/modules/<release>
set -euo pipefail

given=amd64
while [ $# -gt 0 ]; do
	case $1 in
	--flavour) given=${2:?}; shift 2 ;;
	--flavour=*) given=${1#*=}; shift ;;
	*) echo "usage: $0 [--flavour [SERIES-]amd64|cloud-amd64|rt-amd64|debug[-SERIES]]" >&2; exit 2 ;;
	esac
done
case $given in
debug) exec "$(dirname "$0")/debug-kernel.sh" --series 6.12 --flavour "$given" ;;
debug-*) exec "$(dirname "$0")/debug-kernel.sh" --series "${given#debug-}" --flavour "$given" ;;
esac
series=6.1 flavour=$given
if [[ $given =~ ^([0-9]+\.[0-9]+)-(.*)$ ]]; then
	series=${BASH_REMATCH[1]} flavour=${BASH_REMATCH[2]}
fi
case $flavour in
amd64 | cloud-amd64 | rt-amd64) ;;
*) echo "kernel.sh: unknown flavour '$given'" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
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
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root \
		"linux-image-$release=$version" >&2) &&
		dpkg -x "$tmp"/linux-image-"$release"_*.deb "$tmp/root" ||
		{ rm -rf "$tmp"; return 1; }
	install_tree "$tmp"
}

# TMP/root holds the unpacked kernel (boot/vmlinuz-<release>, lib/modules):
# depmod it, decompress vmlinuz, and make it $dir, of $version.  TMP goes.
install_tree() {
	local tmp=$1
	if depmod -b "$tmp/root" "$release" &&
		unpack_vmlinux "$tmp/root/boot/vmlinuz-$release" \
			"$tmp/root/boot/vmlinux-$release"; then
		echo "$version" >"$tmp/root/.done"
		rm -rf "$dir"
		mv "$tmp/root" "$dir"
	fi
	rm -rf "$tmp"
	[ "$(cat "$dir/.done" 2>/dev/null)" = "$version" ]
}

# trixie's 6.12 and trixie-backports' 7.x: the newest version of SERIES
# that the archive has for linux-image-<flavour> (a metapackage), its ABI,
# and the packages that hold the kernel and its modules: linux-image-R
# itself up to 6.12; since 7.x a metapackage over linux-binary-R (vmlinuz
# in /usr/lib/modules/R), linux-modules-R and linux-base-R (config,
# System.map, modules.builtin: without it a built-in driver looks missing).  Modules are in /usr/lib/
# modules, compressed (.ko.xz): moved to lib/modules, as the rig expects.
# The headers go into the trixie build root.  Sets abi, release, version,
# dir, like fetch().
fetch_trixie() {
	local apt=("$here/apt.sh" trixie) meta tmp pkgs deps p vmlinuz
	meta=$("${apt[@]}" apt-cache madison "linux-image-$flavour" |
		awk -F'|' -v s="$series." '{ gsub(/ /, "", $2) } index($2, s) == 1 { print $2 }' |
		sort -V | tail -n1)
	[ -n "$meta" ] || { echo "kernel.sh: no linux-image-$flavour $series.x in trixie" >&2; return 1; }
	abi=$("${apt[@]}" apt-cache depends "linux-image-$flavour=$meta" |
		sed -n "s/^ *Depends: linux-image-\(.*\)-$flavour\$/\1/p" | head -n1)
	[ -n "$abi" ] || return 1
	release=$abi-$flavour
	version=$meta
	dir=$cache/kernel/$release
	"$here/buildroot.sh" trixie headers "$release" || return 1
	[ "$(cat "$dir/.done" 2>/dev/null)" != "$version" ] || return 0

	pkgs=("linux-image-$release")
	deps=$("${apt[@]}" apt-cache depends "linux-image-$release=$version")
	for p in linux-base linux-binary linux-modules; do
		! grep -q "Depends: $p-$release\$" <<<"$deps" || pkgs+=("$p-$release")
	done
	echo "kernel.sh: unpacking ${pkgs[*]} $version into $dir" >&2
	tmp=$(mktemp -d "$cache/kernel/.tmp.XXXXXX")
	(cd "$tmp" && "${apt[@]}" apt-get download -q "${pkgs[@]/%/=$version}" >&2) || {
		rm -rf "$tmp"
		return 1
	}
	for p in "$tmp"/*.deb; do
		dpkg -x "$p" "$tmp/root" || { rm -rf "$tmp"; return 1; }
	done
	if [ -d "$tmp/root/usr/lib/modules" ]; then
		mkdir -p "$tmp/root/lib/modules"
		mv "$tmp/root/usr/lib/modules/"* "$tmp/root/lib/modules/"
	fi
	mkdir -p "$tmp/root/boot"
	for vmlinuz in "$tmp/root/boot/vmlinuz-$release" "$tmp/root/lib/modules/$release/vmlinuz"; do
		[ ! -f "$vmlinuz" ] || break
	done
	[ -f "$tmp/root/boot/vmlinuz-$release" ] || mv "$vmlinuz" "$tmp/root/boot/vmlinuz-$release"
	install_tree "$tmp"
}

# One at a time: parallel runs would fetch the same kernel into one place.
mkdir -p "$cache/kernel"
exec 9>"$cache/kernel/.lock"
flock 9
buildroot=
case $series in
6.1) fetch || { apt_update && fetch upgrade; } ;;
6.12 | 7.*)
	buildroot=trixie
	fetch_trixie || { FAULTLAT_APT_UPDATE=1 "$here/apt.sh" trixie update && fetch_trixie; } ;;
*) echo "kernel.sh: unknown kernel series '$series' (6.1, 6.12, 7.x)" >&2; false ;;
esac ||
	{ echo "kernel.sh: cannot get linux-image-$flavour $series" >&2; exit 1; }

printf 'FL_ABI=%q\nFL_FLAVOUR=%q\nFL_RELEASE=%q\nFL_VERSION=%q\nFL_KDIR=%q\n' \
	"$abi" "$given" "$release" "$version" "/usr/src/linux-headers-$release"
printf 'FL_BUILDROOT=%q\nFL_VMLINUZ=%q\nFL_VMLINUX=%q\nFL_MODROOT=%q\n' \
	"$buildroot" "$dir/boot/vmlinuz-$release" "$dir/boot/vmlinux-$release" "$dir"
