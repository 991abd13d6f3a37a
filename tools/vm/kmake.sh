#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build an external module against the kernel that tools/vm/kernel.sh
# described (FL_KDIR, FL_BUILDROOT in the environment): on the host, or
# in the build root when the kernel needs one (trixie's and
# trixie-backports' kernels: gcc-14, trixie's kbuild).
#
#   tools/vm/kmake.sh DIR [MAKE ARGS...]     make -C $FL_KDIR M=DIR ARGS
set -euo pipefail

dir=$(cd "${1:?usage: $0 DIR [MAKE ARGS...]}" && pwd)
shift
: "${FL_KDIR:?kmake.sh: FL_KDIR is not set (eval tools/vm/kernel.sh first)}"
if [ -n "${FL_BUILDROOT:-}" ]; then
	exec "$(dirname "$0")/buildroot.sh" "$FL_BUILDROOT" run "$dir" \
		make -C "$FL_KDIR" M="$dir" "$@"
fi
exec make -C "$FL_KDIR" M="$dir" "$@"
