#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract the kernel's Sphinx kernel-doc extension and scripts/kernel-doc
# from Debian's linux-source-6.1 package into the cache (never into the
# repository) and print the directory that holds them, for the
# `kernel-doc` directives of Documentation/ (make htmldocs).
#
#   tools/pkg/kernel-doc.sh          print the directory
#
# The directory holds Documentation/sphinx/{kerneldoc,kernellog}.py and
# scripts/kernel-doc.  Like tools/vm/kselftest.sh, which takes the
# kselftest harness from the same tarball, it installs linux-source-6.1
# when missing and extracts again when the tarball changes.
set -euo pipefail

cache=${FAULTLAT_CACHE:-$HOME/.cache/faultlat}
tarball=/usr/src/linux-source-6.1.tar.xz
dir=$cache/linux-6.1-kernel-doc

if [ ! -f "$tarball" ]; then
	if ! dpkg -s linux-source-6.1 >/dev/null 2>&1; then
		echo "kernel-doc.sh: installing linux-source-6.1" >&2
		apt-get install -y linux-source-6.1 >&2
	fi
fi

stamp=$dir/.stamp
want=$(stat -c %Y "$tarball")
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	echo "kernel-doc.sh: extracting the kernel-doc tools from $tarball" >&2
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -xJf "$tarball" -C "$dir" --strip-components=1 \
		linux-source-6.1/Documentation/sphinx/kerneldoc.py \
		linux-source-6.1/Documentation/sphinx/kernellog.py \
		linux-source-6.1/scripts/kernel-doc
	echo "$want" >"$stamp"
fi
echo "$dir"
