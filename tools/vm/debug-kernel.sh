#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build faultlat's debug kernel (KASAN, lockdep, kmemleak, UBSAN, ...) from
# Debian's linux-source-6.1 with tools/vm/debug.config on top of
# tinyconfig, outside the clone, and print where it is in kernel.sh's
# format (FL_KDIR, FL_VMLINUX, FL_MODROOT, ...):
#
#   tools/vm/debug-kernel.sh             build unless cached, print FL_*
#   eval "$(tools/vm/kernel.sh --flavour debug)"    the same, for the rig
#
# The built tree is the cache: $FAULTLAT_CACHE/debug-kernel/<key>, where
# the key hashes the source package's version, the compiler's, the
# fragment and $recipe below (change it with the steps of the build).  A
# repeat run costs a hash and a stat; any change to one of those builds a
# new tree from scratch (cold: 23 minutes of CPU time; 22 minutes with -j2
# at nice 19 beside make check's other lane on 2 CPUs).  A new tree is
# not worth less than an incremental one: a changed .config rewrites
# autoconf.h, which every object includes, so neither make nor ccache
# would keep much.  Trees not used for a week are removed.
# FAULTLAT_DEBUG_CACHE replaces $FAULTLAT_CACHE/debug-kernel.
#
# An interrupted build resumes where it stopped (make is incremental):
# the tree is kept once its .config has been checked (.configured).
# FAULTLAT_JOBS sets make's -j (default: the number of CPUs).
#
# `bzImage modules` both: external module builds (M=) need the
# Module.symvers that `modules` writes, and brd is a module (the tests
# load it with their own size).  The modules are installed into
# <key>/modroot/lib/modules/<release>, as kernel.sh unpacks Debian's.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/debug.config
cache=${FAULTLAT_CACHE:-$HOME/.cache/faultlat}
base=${FAULTLAT_DEBUG_CACHE:-$cache/debug-kernel}
tarball=/usr/src/linux-source-6.1.tar.xz
export DEBIAN_FRONTEND=noninteractive

log() { echo "debug-kernel: $*" >&2; }

# --- build dependencies (kbuild's, objtool's for ORC) ---
need=(gcc make bc flex bison libelf-dev libc6-dev kmod xz-utils lz4 linux-source-6.1)
missing=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${need[@]}" \
	2>&1 | awk '$1 != "ii" { print $NF }' || true)
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086  # one package a word
	log "installing" $missing
	apt-get update -q >&2
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >&2
fi

# what the steps below do, in short: a new text, a new cache key
recipe='tinyconfig + debug.config, olddefconfig; bzImage modules; modules_install'
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$( (echo "$srcver"; gcc --version | head -n1; echo "$recipe"; cat "$fragment") |
	sha256sum | cut -c1-16)
dir=$base/$key
tree=$dir/linux
make_k() { make -C "$tree" ARCH=x86_64 "$@"; }

# One build at a time: a second caller waits for the first one's tree.
mkdir -p "$base"
exec 9>"$base/.lock"
flock 9

jobs=${FAULTLAT_JOBS:-$(nproc)}
blog=$dir/build.log
if [ ! -f "$dir/.done" ] && [ ! -f "$dir/.configured" ]; then
	start=$SECONDS
	rm -rf "$dir"
	mkdir -p "$dir"
	log "building $key (linux-source-6.1 $srcver) in $dir; log: $blog"
	# Whatever fails now shows the end of the log.
	trap 'tail -n 30 "$blog" >&2; log "failed, see $blog"' ERR
	# (the documentation is a tenth of the tarball and unused, but for
	# the Kconfig file that lib/Kconfig.debug sources)
	mkdir "$tree"
	tar -xJf "$tarball" -C "$tree" --strip-components=1 \
		--exclude='linux-source-6.1/Documentation/[!K]*'
	log "extracted in $((SECONDS - start))s"

	make_k tinyconfig >"$blog" 2>&1
	# -m: merge only; olddefconfig then resolves what the fragment implies
	(cd "$tree" && ARCH=x86_64 scripts/kconfig/merge_config.sh -m .config \
		"$fragment") >>"$blog" 2>&1
	make_k olddefconfig >>"$blog" 2>&1

	# Every line of the fragment must be in the final .config as written:
	# olddefconfig drops silently what a missing dependency forbids.
	bad=()
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
			bad+=("$line (got: ${got:-absent})")
		fi
	done <"$fragment"
	if [ ${#bad[@]} -gt 0 ]; then
		log "these options of $fragment did not take effect:"
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
	log "make -j$jobs bzImage modules in $tree (cold: about 23 CPU-minutes)"
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
	log "built $release in $((SECONDS - start))s (CPU time: ${cpu}s)"

	# Trees of other keys not used for a week (their .used is older).
	find "$base" -mindepth 2 -maxdepth 2 -name .used -mtime +7 -printf '%h\n' |
		while read -r old; do
			log "removing $old (unused for a week)"
			rm -rf "$old"
		done
fi
touch "$dir/.used"

release=$(cat "$dir/.done")
printf 'FL_ABI=%q\nFL_FLAVOUR=debug\nFL_RELEASE=%q\nFL_VERSION=%q\nFL_KDIR=%q\nFL_BUILDROOT=\n' \
	"debug-${key:0:8}" "$release" "$srcver" "$tree"
# FL_VMLINUX is what QEMU boots: the bzImage, not vmlinux, whose PVH entry
# dies before the first console line with KASAN (QEMU simply exits).
printf 'FL_VMLINUZ=%q\nFL_VMLINUX=%q\nFL_MODROOT=%q\n' \
	"$tree/arch/x86/boot/bzImage" "$tree/arch/x86/boot/bzImage" "$dir/modroot"
