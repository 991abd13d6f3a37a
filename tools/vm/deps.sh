#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages that faultlat needs to build, test and run
# its VM rig.  Fast when everything is already there (one dpkg-query);
# otherwise one `apt-get update` and one `apt-get install`.
#
#   tools/vm/deps.sh
#   tools/vm/deps.sh --list	the package list, one a line, nothing installed
set -euo pipefail

pkgs=(
	# build: module (kbuild comes with linux-headers, see kernel.sh),
	# client and selftests
	gcc make libc6-dev pkg-config libelf-dev
	libjson-c-dev libtraceevent-dev libtracefs-dev libdw-dev sparse
	# selftests' layout_test reads the kernel's BTF
	libbpf-dev
	# VM rig: kernel package handling, initramfs, guest tools
	qemu-system-x86 busybox-static kmod cpio xz-utils lz4 zstd e2fsprogs
	# trixie's and trixie-backports' kernels: a trixie build root
	mmdebstrap
	# the debug kernels (tools/vm/debug-kernel.sh; 6.12's source comes
	# from trixie through apt.sh, into the cache): here, so that it need
	# not run apt-get while the other lane of make check does
	linux-source-6.1 flex bison bc procps util-linux
	# checkpatch; tools/vm/commands.py parses the scripts with shfmt;
	# make style and the packaging tests list the tracked files
	perl python3 shfmt git
	# plant-check.sh: copies the module's tree, reads its symbols
	rsync binutils
	# packaging: DKMS, the docs and the man page (Sphinx, docutils' rst2man;
	# groff and man render it in the tests), bash completion
	dkms python3-sphinx python3-docutils groff-base man-db bash-completion
	# make deb: the Debian packages (debian/control's Build-Depends) and
	# lintian, which make check runs on them
	build-essential dpkg-dev debhelper dh-dkms lintian
	# make bench: the tools it compares faultlat with
	bpftrace linux-perf trace-cmd
	# faultlat export's and heatmap's tests: the real Prometheus stack,
	# an SVG validator and renderer
	prometheus prometheus-node-exporter libxml2-utils librsvg2-bin curl
)

if [ "${1:-}" = --list ]; then
	printf '%s\n' "${pkgs[@]}"
	exit 0
fi

# Not installed: a status other than "ii", or dpkg-query's
# "no packages found matching P" (the name is the last field either way).
missing=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${pkgs[@]}" \
	2>&1 | awk '$1 != "ii" { print $NF }' || true)
[ -z "$missing" ] && exit 0

# shellcheck disable=SC2086  # one package name a word
echo "deps.sh: installing" $missing >&2

[ "$(id -u)" -eq 0 ] || { echo "deps.sh: need root to install" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >&2
