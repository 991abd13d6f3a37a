#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build faultlat's debug kernel (KASAN, lockdep, kmemleak, UBSAN, ...) from
# Debian's kernel source of a series, with tools/vm/debug.config and the
# series' own fragment (debug-SERIES.config) on top of tinyconfig, outside
# the clone, and print where it is in kernel.sh's format (FL_KDIR,
# FL_VMLINUX, FL_MODROOT, ...):
#
#   tools/vm/debug-kernel.sh [--series 6.12|6.1]    build unless cached, print FL_*
#   eval "$(tools/vm/kernel.sh --flavour debug)"     the same, for the rig
#
# The series (kernel.sh's flavour debug-SERIES; "debug" is 6.12):
#  - 6.12 (the default): trixie's linux-source-6.12, the newest version the
#    archive has, resolved at each run (Debian moves it forward), fetched
#    with tools/vm/apt.sh and unpacked into the cache, never installed:
#    the kernel of Debian 13, with the code paths that 6.1 lacks (per-VMA
#    locks, IBT, call depth tracking, folios' rmap);
#  - 6.1: bookworm's linux-source-6.1, installed on the host if missing.
# Both are built with the host's gcc, and so is the module against them:
# a kernel built from source needs no trixie build root.
#
# The built tree is the cache: $FAULTLAT_CACHE/debug-kernel/<key>, where
# the key hashes the series, the source package's version, the
# compiler's, the fragments and $recipe below (change it with the steps
# of the build).  A repeat run costs a hash and a stat; any change to one
# of those builds a new tree from scratch (cold, with -j2 at nice 19
# beside make check's other lane on 2 CPUs: about 35 minutes for 6.12,
# 30 for 6.1; the build prints its wall and CPU time).  A new tree is not worth less than an
# incremental one: a changed .config rewrites autoconf.h, which every
# object includes, so neither make nor ccache would keep much.  Trees and
# sources not used for a week are removed.
# FAULTLAT_DEBUG_CACHE replaces $FAULTLAT_CACHE/debug-kernel.
#
# An interrupted build resumes where it stopped (make is incremental):
# the tree is kept once its .config has been checked (.configured).
# FAULTLAT_JOBS sets make's -j (default: the number of CPUs).
#
# `bzImage modules` both: external module builds (M=) need the
# Module.symvers that `modules` writes, and brd (zram on 6.12) is a
# module (the tests load it with their own size).  The modules are
# installed into <key>/modroot/lib/modules/<release>, as kernel.sh
# unpacks Debian's.
set -euo pipefail

series=6.12 flavour=
while [ $# -gt 0 ]; do
	case $1 in
	--series) series=${2:?}; shift 2 ;;
	--flavour) flavour=${2:?}; shift 2 ;;
	*) echo "usage: $0 [--series 6.12|6.1] [--flavour NAME]" >&2; exit 2 ;;
	esac
done
case $series in
6.1 | 6.12) ;;
*) echo "debug-kernel: unknown series '$series' (6.12, 6.1)" >&2; exit 2 ;;
esac
# FL_FLAVOUR: as kernel.sh was given it
flavour=${flavour:-debug-$series}

here=$(cd "$(dirname "$0")" && pwd)
fragments=("$here/debug.config" "$here/debug-$series.config")
cache=${FAULTLAT_CACHE:-$HOME/.cache/faultlat}
base=${FAULTLAT_DEBUG_CACHE:-$cache/debug-kernel}
pkg=linux-source-$series
export DEBIAN_FRONTEND=noninteractive

log() { echo "debug-kernel: $*" >&2; }

# --- build dependencies (kbuild's, objtool's for ORC and IBT) ---
need=(gcc make bc flex bison libelf-dev libc6-dev kmod xz-utils lz4)
[ "$series" != 6.1 ] || need+=("$pkg")
missing=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${need[@]}" \
	2>&1 | awk '$1 != "ii" { print $NF }' || true)
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086  # one package a word
	log "installing" $missing
	apt-get update -q >&2
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >&2
fi

# One build at a time: a second caller waits for the first one's tree
# (and source).
mkdir -p "$base"
exec 9>"$base/.lock"
flock 9

# --- the source: srcver (the package's version) and its tarball ---
if [ "$series" = 6.1 ]; then
	srcver=$(dpkg-query -W -f='${Version}' "$pkg")
	tarball=/usr/src/$pkg.tar.xz
else
	# the newest version of the package in trixie (its updates and
	# security updates); the lists are refreshed once an hour, and on a
	# failure to download (an old version moved out of the archive)
	newest() {
		"$here/apt.sh" trixie apt-cache madison "$pkg" |
			awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | sort -V | tail -n1
	}
	srcver=$(newest)
	[ -n "$srcver" ] || { log "no $pkg in trixie"; exit 1; }
	src=$base/src/${pkg}_$srcver
	tarball=$src/usr/src/$pkg.tar.xz
	if [ ! -f "$src/.done" ]; then
		log "fetching $pkg $srcver"
		rm -rf "$src"
		mkdir -p "$src"
		if ! (cd "$src" && "$here/apt.sh" trixie apt-get download -q "$pkg=$srcver" >&2); then
			FAULTLAT_APT_UPDATE=1 "$here/apt.sh" trixie update
			srcver=$(newest)
			src=$base/src/${pkg}_$srcver
			tarball=$src/usr/src/$pkg.tar.xz
			rm -rf "$src"
			mkdir -p "$src"
			(cd "$src" && "$here/apt.sh" trixie apt-get download -q "$pkg=$srcver" >&2)
		fi
		dpkg -x "$src"/*.deb "$src"
		rm -f "$src"/*.deb
		touch "$src/.done"
	fi
	touch "$src/.used"
fi
[ -f "$tarball" ] || { log "no $tarball"; exit 1; }

# what the steps below do, in short: a new text, a new cache key
recipe='tinyconfig + debug.config + debug-SERIES.config, olddefconfig; bzImage modules; modules_install'
key=$( (echo "$series $srcver"; gcc --version | head -n1; echo "$recipe"
	cat "${fragments[@]}") | sha256sum | cut -c1-16)
dir=$base/$key
tree=$dir/linux
make_k() { make -C "$tree" ARCH=x86_64 "$@"; }

jobs=${FAULTLAT_JOBS:-$(nproc)}
blog=$dir/build.log
t0=$SECONDS
if [ ! -f "$dir/.done" ] && [ ! -f "$dir/.configured" ]; then
	start=$SECONDS
	rm -rf "$dir"
	mkdir -p "$dir"
	log "building $key ($pkg $srcver) in $dir; log: $blog"
	# Whatever fails now shows the end of the log.
	trap 'tail -n 30 "$blog" >&2; log "failed, see $blog"' ERR
	# (the documentation is a tenth of the tarball and unused, but for
	# the Kconfig file that lib/Kconfig.debug sources)
	mkdir "$tree"
	tar -xJf "$tarball" -C "$tree" --strip-components=1 \
		--exclude="$pkg/Documentation/[!K]*"
	log "extracted in $((SECONDS - start))s"

	make_k tinyconfig >"$blog" 2>&1
	# -m: merge only; olddefconfig then resolves what the fragments imply
	(cd "$tree" && ARCH=x86_64 scripts/kconfig/merge_config.sh -m .config \
		"${fragments[@]}") >>"$blog" 2>&1
	make_k olddefconfig >>"$blog" 2>&1

	# Every line of the fragments must be in the final .config as
	# written: olddefconfig drops silently what a missing dependency
	# forbids.
	bad=()
	for fragment in "${fragments[@]}"; do
		while IFS= read -r line; do
			case $line in
			CONFIG_*=*) opt=${line%%=*} ;;
			"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *} ;;
			*) continue ;;
			esac
			got=$(grep -E "^($opt=|# $opt is not set)" "$tree/.config" || true)
			# "is not set" and absent are the same for a bool
			if [ "$got" != "$line" ] &&
				! { [ -z "$got" ] && [ "${line#\# }" != "$line" ]; }; then
				bad+=("${fragment##*/}: $line (got: ${got:-absent})")
			fi
		done <"$fragment"
	done
	if [ ${#bad[@]} -gt 0 ]; then
		log "these options did not take effect:"
		printf '  %s\n' "${bad[@]}" >&2
		exit 1
	fi
	cp "$tree/.config" "$dir/config"
	touch "$dir/.configured"
	trap - ERR
fi
if [ ! -f "$dir/.done" ]; then
	start=$SECONDS
	trap 'tail -n 30 "$blog" >&2; log "failed, see $blog"' ERR
	log "make -j$jobs bzImage modules in $tree (cold: about 35 minutes)"
	make_k -j"$jobs" bzImage modules >>"$blog" 2>&1
	release=$(make_k -s kernelrelease)
	make_k -s INSTALL_MOD_PATH="$dir/modroot" modules_install >>"$blog" 2>&1
	[ -f "$dir/modroot/lib/modules/$release/modules.dep" ] ||
		depmod -b "$dir/modroot" "$release"
	echo "$release" >"$dir/.done"
	trap - ERR
	# CPU time of this script's children (tar and make), the cost on a
	# machine of its own
	# (times in this shell: a subshell's children are not this one's)
	times >"$dir/times"
	cpu=$(awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] }
		printf "%d", t }' "$dir/times")
	log "built $release in $((SECONDS - start))s, $((SECONDS - t0))s with" \
		"its configuration (CPU time: ${cpu}s); bzImage" \
		"$(($(stat -c %s "$tree/arch/x86/boot/bzImage") >> 20)) MB"

	# Trees of other keys, and sources, not used for a week (their .used
	# is older).  There is no $base/src until a 6.12 source was fetched
	# (6.1's is the host's linux-source-6.1): find would fail there, and
	# end this script under pipefail after a good build.
	for d in "$base" "$base/src"; do
		[ ! -d "$d" ] ||
			find "$d" -mindepth 2 -maxdepth 2 -name .used -mtime +7 -printf '%h\n'
	done |
		while read -r old; do
			log "removing $old (unused for a week)"
			rm -rf "$old"
		done
fi
touch "$dir/.used"

release=$(cat "$dir/.done")
printf 'FL_ABI=%q\nFL_FLAVOUR=%q\nFL_RELEASE=%q\nFL_VERSION=%q\nFL_KDIR=%q\nFL_BUILDROOT=\n' \
	"debug-${key:0:8}" "$flavour" "$release" "$srcver" "$tree"
# FL_VMLINUX is what QEMU boots: the bzImage, not vmlinux, whose PVH entry
# dies before the first console line with KASAN (QEMU simply exits).
printf 'FL_VMLINUZ=%q\nFL_VMLINUX=%q\nFL_MODROOT=%q\n' \
	"$tree/arch/x86/boot/bzImage" "$tree/arch/x86/boot/bzImage" "$dir/modroot"
