#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A Debian build root for kernels the host cannot build modules for:
# trixie's 6.12 and trixie-backports' 7.x are built with gcc-14 and their
# linux-kbuild tools are linked against trixie's C library.  As DKMS
# would on a trixie machine, the module is built there, against the
# kernel's linux-headers package, with the kernel's compiler.
#
#   tools/vm/buildroot.sh RELEASE root           make the root (cached), print its path
#   tools/vm/buildroot.sh RELEASE headers KREL   install linux-headers-KREL in it
#   tools/vm/buildroot.sh RELEASE install PKG... install Debian packages in it
#   tools/vm/buildroot.sh RELEASE run DIR CMD... CMD in the root, with DIR (a
#                                                directory of the host, not /)
#                                                at the same path, as its cwd
#   tools/vm/buildroot.sh RELEASE overlay UPPER DIR CMD...
#                                                the same in a throwaway copy:
#                                                an overlay of the root whose
#                                                writes go to UPPER (kept from
#                                                one call to the next), the
#                                                root itself left as it was
#
# The root is $FAULTLAT_CACHE/roots/RELEASE, made with mmdebstrap from the
# archive and sources that tools/vm/apt.sh uses; apt-get inside it
# installs the headers, so the kernel's own dependencies (its gcc, its
# kbuild) come with them.  The root is made again when its recipe changes
# (.recipe), and brought up to date once a day (apt-get update, the
# headers of each new ABI as asked).  RELEASE is trixie or bookworm (the
# host's release: packages are installed there, not on the host).
set -euo pipefail

release=${1:?usage: $0 RELEASE root|headers KREL|run DIR CMD...}
cmd=${2:?usage: $0 RELEASE root|headers KREL|install PKG...|run DIR CMD...|overlay UPPER DIR CMD...}
shift 2
case $release in
trixie | bookworm) ;;
*) echo "buildroot.sh: unknown release '$release'" >&2; exit 2 ;;
esac
vm=$(cd "$(dirname "$0")" && pwd)
cache=${FAULTLAT_CACHE:-$HOME/.cache/faultlat}
root=$cache/roots/$release
# what the root holds besides the buildd set: what kbuild and the
# module's build need (the headers bring their compiler)
include=make,kmod,libelf-dev,libssl-dev,bc,xz-utils,zstd,python3,ca-certificates
recipe="mmdebstrap buildd $include"

make_root() {
	local tmp=$root.tmp
	[ "$(cat "$root/.recipe" 2>/dev/null)" != "$recipe" ] || return 0
	echo "buildroot.sh: making the $release build root in $root (mmdebstrap)" >&2
	rm -rf "$tmp"
	"$vm/apt.sh" "$release" sources >"$cache/roots/$release.list"
	mmdebstrap --quiet --variant=buildd --include="$include" \
		"$release" "$tmp" "$cache/roots/$release.list" >&2
	# apt inside the root: as root, no _apt sandbox (the lists are ours)
	echo 'APT::Sandbox::User "root";' >"$tmp/etc/apt/apt.conf.d/90faultlat"
	echo "$recipe" >"$tmp/.recipe"
	rm -rf "$root"
	mv "$tmp" "$root"
}

# CMD... inside the root, with /proc, /dev and DIR (if any) mounted in a
# mount namespace of its own: nothing is left mounted when it ends.
# With $upper set, the root is an overlay of it whose writes go to $upper.
upper=
in_root() {
	local dir=$1
	shift
	unshare -m --propagation private /bin/bash -euc '
		root=$1 dir=$2 upper=$3
		shift 3
		if [ -n "$upper" ]; then
			mount -t overlay overlay -o "lowerdir=$root,upperdir=$upper/upper,workdir=$upper/work" \
				"$upper/merged"
			root=$upper/merged
		fi
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		if [ -n "$dir" ]; then
			mkdir -p "$root$dir"
			mount --bind "$dir" "$root$dir"
		fi
		exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 /bin/sh -c "cd \"\${1:-/}\" && shift && exec \"\$@\"" \
			sh "$dir" "$@"' _ "$root" "$dir" "$upper" "$@"
}

update_root() {
	local stamp=$root/.updated
	[ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ] || return 0
	in_root "" apt-get update -q >&2
	touch "$stamp"
}

# PKG...: apt-get install in the root; on failure (lists older than the
# archive), once more after an update
install_pkgs() {
	update_root
	echo "buildroot.sh: installing $* in the $release root" >&2
	in_root "" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "$@" >&2 || {
		rm -f "$root/.updated"
		update_root
		in_root "" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "$@" >&2
	}
}

mkdir -p "$cache/roots"
exec 9>"$cache/roots/.$release.lock"
flock 9
make_root
case $cmd in
root) echo "$root" ;;
headers)
	krel=${1:?usage: $0 RELEASE headers KREL}
	[ -d "$root/usr/src/linux-headers-$krel" ] || install_pkgs "linux-headers-$krel"
	;;
install)
	[ $# -gt 0 ] || { echo "usage: $0 RELEASE install PKG..." >&2; exit 2; }
	missing=()
	for p in "$@"; do
		in_root "" dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null |
			grep -q '^ii' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] || install_pkgs "${missing[@]}"
	;;
run)
	dir=${1:?usage: $0 RELEASE run DIR CMD...}
	shift
	dir=$(cd "$dir" && pwd)
	# the host's / mounted over the root's would run CMD on the host
	[ "$dir" != / ] || { echo "buildroot.sh: run DIR: not /" >&2; exit 2; }
	flock -u 9
	in_root "$dir" "$@"
	;;
overlay)
	upper=${1:?usage: $0 RELEASE overlay UPPER DIR CMD...}
	dir=${2:?usage: $0 RELEASE overlay UPPER DIR CMD...}
	shift 2
	mkdir -p "$upper/upper" "$upper/work" "$upper/merged"
	upper=$(cd "$upper" && pwd)
	dir=$(cd "$dir" && pwd)
	[ "$dir" != / ] || { echo "buildroot.sh: overlay DIR: not /" >&2; exit 2; }
	flock -u 9
	in_root "$dir" "$@"
	;;
*) echo "buildroot.sh: unknown command '$cmd'" >&2; exit 2 ;;
esac
