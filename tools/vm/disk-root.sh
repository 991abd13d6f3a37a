#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM rig's root for kernels without 9p (Debian's cloud-amd64 has no
# CONFIG_9P_FS): ext4 images, built with e2fsprogs' `mke2fs -d` from a
# staged tree, that run-guest.sh --root disk attaches as virtio-blk disks.
#
#   tools/vm/disk-root.sh system MODDIR
#       print the path of the system image: the files of the Debian
#       packages the tests run (and of everything they depend on), a few
#       files of /etc, and MODDIR (the kernel's lib/modules/<release>) at
#       its host path.  Cached in $FAULTLAT_CACHE/rootfs, keyed by the
#       packages' versions, MODDIR and this script.
#   tools/vm/disk-root.sh work IMAGE EXCLUDE PATH...
#       build IMAGE from the PATHs (files or directories, at their host
#       paths; nothing under EXCLUDE, nor any .git) and the shared
#       libraries their ELF files load.  Per run: the checkout changes.
#
# Why packages, and not a list of binaries with their ldd closure: the
# tests exec commands by name (mkfs.ext4, modprobe, perf, sh, ...), and
# the tools open files ldd does not show (libtraceevent's plugins, perf's
# and python's modules, /etc/alternatives).  A package's file list and
# its Depends are what Debian says it needs to work.  The guest then sees
# the same files at the same paths as with the 9p root, less whatever is
# not in these packages; FAULTLAT_GUEST_PACKAGES adds packages (installed
# ones only).
#
# Why images and not an initramfs: the guest reads only the blocks it
# uses, while an initramfs of the same 300 MB is unpacked whole into the
# guest's memory at every boot, which TCG makes slow, and is kept there.
set -euo pipefail

cache=${FAULTLAT_CACHE:-$HOME/.cache/faultlat}

# What the selftests and the client run in the guest (see
# Documentation/testing.rst), and what the other tests and the benchmarks
# are likely to: the shells, coreutils, util-linux (mount, dmesg, setpriv),
# kmod (insmod, modprobe), e2fsprogs (mkfs.ext2/ext4 on the RAM disk),
# perf and trace-cmd, the client's libraries, layout_test's libbpf, python3,
# curl, xmllint (guest_test.sh checks the report's SVG with it),
# rsvg-convert (heatmap_guest_test renders the heatmap), and Prometheus
# with its node exporter (export_guest_test scrapes the export through
# them).
seeds=(base-files base-passwd bash dash coreutils util-linux util-linux-extra
	mount kmod e2fsprogs procps psmisc grep sed findutils mawk diffutils
	gzip tar libc-bin iproute2 curl python3 linux-perf trace-cmd
	libjson-c5 libtracefs1 libtraceevent1 libtraceevent1-plugin libbpf1
	libxml2-utils librsvg2-bin prometheus prometheus-node-exporter)
# shellcheck disable=SC2206  # a list of words
seeds+=(${FAULTLAT_GUEST_PACKAGES:-})

log() { echo "disk-root: $*" >&2; }

# Installed packages only ("ii"): a seed that is not installed is skipped.
installed() {
	{ dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "$@" 2>/dev/null || true; } |
		awk '$1 == "ii" { print $2 }'
}

# The seeds and everything they depend on, that is installed.
closure() {
	local s
	s=$(installed "${seeds[@]}")
	# shellcheck disable=SC2046,SC2086  # package names, one a word
	installed $( (echo "$s"; apt-cache depends --recurse --installed \
		--no-recommends --no-suggests --no-conflicts --no-breaks \
		--no-replaces --no-enhances $s 2>/dev/null) |
		sed -n 's/^\([a-z0-9][^ :<]*\)\(:[a-z0-9]*\)\{0,1\}$/\1/p' | sort -u)
}

# Paths in PATHS (one a line, absolute) rewritten through the host's
# top-level symlinks (/bin -> usr/bin on a merged /usr), so that staging
# does not turn /bin into a directory.
canonical() {
	local e t sedexp=''
	for e in /*; do
		[ -L "$e" ] || continue
		t=$(readlink "$e")
		case $t in /*) ;; *) t=/$t ;; esac
		sedexp+="s|^$e/|$t/|;"
	done
	sed "$sedexp"
}

# Stage tree DIR: the host's top-level symlinks and the usual empty
# directories, as the 9p root has them.
skeleton() {
	local e
	for e in /*; do
		[ -L "$e" ] && ln -sfn "$(readlink "$e")" "$1${e}"
	done
	mkdir -p "$1"/{proc,sys,dev,run,tmp,root,results,var/tmp,etc}
	# where run-guest.sh mounts the kernel's modules
	mkdir -p "$1$(realpath -m /lib/modules)"
	chmod 1777 "$1/tmp" "$1/var/tmp"
	chmod 0700 "$1/root"
}

# mke2fs -d DIR IMAGE, sized for DIR's contents; no journal: read-only in
# the guest.
make_image() {
	local kib files
	kib=$(du -sk --apparent-size "$1" | cut -f1)
	files=$(find "$1" | wc -l)
	rm -f "$2"
	truncate -s $(((kib * 12 / 10 + 65536) / 1024))M "$2"
	mke2fs -q -t ext4 -b 4096 -O ^has_journal -N $((files * 12 / 10 + 4096)) \
		-L "$3" -d "$1" "$2"
}

# ELF files' shared libraries (ldd's closure), one path a line.
libs_of() {
	local f
	find "$@" -type f \( -perm -u+x -o -name '*.so*' \) -print |
		while IFS= read -r f; do
			[ "$(head -c4 "$f")" = $'\x7fELF' ] || continue
			ldd "$f" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p;s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'
		done | sort -u
}

system_image() {
	local moddir=$1 pkgs key img stage p
	pkgs=$(closure)
	# shellcheck disable=SC2086
	key=$( (dpkg-query -W -f='${Package} ${Version}\n' $pkgs
		echo "$moddir"; cat "$moddir/modules.dep" "$0") | sha256sum | cut -c1-16)
	img=$cache/rootfs/system-$key.img
	mkdir -p "$cache/rootfs"
	exec 8>"$cache/rootfs/.lock"
	flock 8
	if [ ! -f "$img" ]; then
		# other runs may still boot with older images: keep them a day
		find "$cache/rootfs" -name 'system-*.img' -mtime +1 -delete
		log "building $img ($(echo "$pkgs" | wc -l) packages)"
		stage=$(mktemp -d "$cache/rootfs/.stage.XXXXXX")
		skeleton "$stage"
		{
			# shellcheck disable=SC2086
			dpkg -L $pkgs | while IFS= read -r p; do
				[ -d "$p" ] && [ ! -L "$p" ] || echo "$p"
			done
			# not in any package's list, but read by what is; and the
			# commands that are alternatives (awk is mawk's)
			find /etc/alternatives
			find /usr/bin /usr/sbin -maxdepth 1 -lname '/etc/alternatives/*'
			for p in /etc/ld.so.cache /etc/passwd /etc/group \
				/etc/nsswitch.conf /etc/mtab; do
				[ ! -e "$p" ] || echo "$p"
			done
		} | canonical | sort -u | sed 's|^/||' >"$stage.list"
		tar -C / --no-recursion --ignore-failed-read -cf - -T "$stage.list" \
			2>/dev/null | tar -C "$stage" -xpf -
		# the modules at their host path, as run-guest.sh mounts them
		mkdir -p "$stage$(dirname "$moddir")"
		cp -a "$moddir" "$stage$moddir"
		# localhost by name, whatever the host's /etc/hosts says
		printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost\n' >"$stage/etc/hosts"
		make_image "$stage" "$img.$$" flvm-system
		mv "$img.$$" "$img"
		rm -rf "$stage" "$stage.list"
	fi
	touch "$img"
	echo "$img"
}

work_image() {
	local img=$1 exclude=$2 stage p
	shift 2
	stage=$(mktemp -d "${TMPDIR:-/tmp}/flvm-work.XXXXXX")
	# shellcheck disable=SC2064  # now
	trap "rm -rf '$stage'" RETURN
	for p in "$@"; do
		p=$(realpath -e "$p")
		tar -C / --exclude=.git --exclude="${exclude#/}" -cf - "${p#/}" |
			tar -C "$stage" -xpf -
	done
	libs_of "$stage" | canonical | sed 's|^/||' |
		tar -C / -chf - -T - | tar -C "$stage" -xpf -
	make_image "$stage" "$img" flvm-work
}

case ${1:-} in
system) [ $# -eq 2 ] || exit 2; system_image "$2" ;;
work) [ $# -ge 4 ] || exit 2; shift; work_image "$@" ;;
*) sed -n '3,/^set -euo/{/^set/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2 ;;
esac
