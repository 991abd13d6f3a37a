#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract the kselftest harness headers and checkpatch.pl from Debian's
# linux-source-6.1 package into the cache (never into the repository) and
# print the directory that holds them.
#
#   tools/vm/kselftest.sh            print the include directory
#
# The directory holds kselftest.h, kselftest_harness.h and
# scripts/checkpatch.pl with its data files.
set -euo pipefail

cache=${FAULTLAT_CACHE:-$HOME/.cache/faultlat}
tarball=/usr/src/linux-source-6.1.tar.xz
dir=$cache/linux-6.1-tools

if [ ! -f "$tarball" ]; then
	if ! dpkg -s linux-source-6.1 >/dev/null 2>&1; then
		echo "kselftest.sh: installing linux-source-6.1" >&2
		apt-get install -y linux-source-6.1 >&2
	fi
fi

stamp=$dir/.stamp
want=$(stat -c %Y "$tarball")
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -xJf "$tarball" -C "$dir" --strip-components=1 \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	ln -s tools/testing/selftests/kselftest.h "$dir/kselftest.h"
	ln -s tools/testing/selftests/kselftest_harness.h \
		"$dir/kselftest_harness.h"
	echo "$want" >"$stamp"
fi
echo "$dir"
