#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: build faultlat, boot Debian's current 6.1 kernel in QEMU, load
# the module, run the seed article's experiments and print what faultlat
# and getrusage say of each (demo/run.sh, in the guest).
#
#   tools/vm/demo.sh [PAGES]      (default 1048576, as in the article)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$(dirname "$here")")
cd "$top"

"$here/deps.sh"
eval "$("$here/kernel.sh")"
echo "demo: Debian kernel $FL_ABI-$FL_FLAVOUR" >&2
make -s module KDIR="$FL_KDIR"
make -s userspace
make -s -C demo
exec "$here/run-guest.sh" --cpus 2 --mem 13G --timeout 900 -- \
	env FAULTLAT_KO="$top/module/faultlat.ko" \
	FAULTLAT_CLIENT="$top/userspace/faultlat" \
	"$top/demo/run.sh" "$@"
