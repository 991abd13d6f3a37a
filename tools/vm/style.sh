#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make style: checkpatch.pl --strict on every C source and header of the
# module, the uapi, the client and the selftests (tracked or new, not
# ignored: no build products).  checkpatch comes from linux-source-6.1
# through kselftest.sh.  Exits non-zero on any error, warning or check.
#
#   tools/vm/style.sh [FILE...]
set -euo pipefail

cd "$(dirname "$0")/../.."
checkpatch=$(tools/vm/kselftest.sh)/scripts/checkpatch.pl

if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(git ls-files --cached --others --exclude-standard \
		-- module uapi userspace selftests | grep -E '\.[ch]$' | sort -u)
fi
[ ${#files[@]} -gt 0 ] || { echo "style: no files" >&2; exit 1; }

if perl "$checkpatch" --strict --no-tree --quiet --show-types --no-summary-file \
	-f "${files[@]}"; then
	echo "style: ${#files[@]} files, no problems"
else
	echo "style: checkpatch found problems (see above)" >&2
	exit 1
fi
