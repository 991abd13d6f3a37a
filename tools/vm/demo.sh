#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: build faultlat, boot a Debian kernel in QEMU, load the
# module, run the seed article's experiments and print what faultlat and
# getrusage say of each (demo/run.sh, in the guest).
#
#   tools/vm/demo.sh [--kernel FLAVOUR] [PAGES]
#
# FLAVOUR is kernel.sh's (make demo KERNEL=6.1, or 6.12-rt-amd64, 7.3,
# ...; a bare series means its generic kernel); the default is Debian's
# current stable release's, 6.12.  PAGES defaults to 1048576, as in the
# article.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$(dirname "$here")")
cd "$top"

kernel=6.12-amd64
if [ "${1:-}" = --kernel ]; then
	kernel=${2:?usage: $0 [--kernel FLAVOUR] [PAGES]}
	shift 2
fi
[[ ! $kernel =~ ^[0-9]+\.[0-9]+$ ]] || kernel=$kernel-amd64

"$here/deps.sh"
eval "$("$here/kernel.sh" --flavour "$kernel")"
echo "demo: Debian kernel $FL_RELEASE ($FL_VERSION)" >&2
FL_KDIR=$FL_KDIR FL_BUILDROOT=$FL_BUILDROOT "$here/kmake.sh" "$top" -s modules
make -s userspace
make -s -C demo
exec "$here/run-guest.sh" --flavour "$kernel" --cpus 2 --mem 13G --timeout 900 -- \
	env FAULTLAT_KO="$top/module/faultlat.ko" \
	FAULTLAT_CLIENT="$top/userspace/faultlat" \
	"$top/demo/run.sh" "$@"
