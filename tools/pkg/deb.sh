#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: the Debian packages (debian/), built with dpkg-buildpackage
# -us -uc in a copy of the sources, so that nothing is written next to
# the checkout.  OUTDIR (default out/deb) gets the .debs, the source
# package, the .changes and .buildinfo, and build.log.
#
#   tools/pkg/deb.sh [--head] [OUTDIR]
#
# The copy holds the files git tracks, as they are in the working tree
# (--head: as in the last commit); outside a git checkout, every file but
# the build products.  debian/changelog's version must be module/faultlat.h's
# FL_VERSION_MAJOR.FL_VERSION_MINOR (debian/rules stops the build otherwise).
set -euo pipefail

cd "$(dirname "$0")/../.."
head=
if [ "${1:-}" = --head ]; then
	head=1
	shift
fi
out=${1:-out/deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$(awk '$2 == "FL_VERSION_MAJOR" { a = $3 }
	$2 == "FL_VERSION_MINOR" { b = $3 } END { print a "." b }' module/faultlat.h)
src=$out/faultlat-$version
rm -rf "$src" "$out"/faultlat*_"$version"* "$out"/faultlat_"$version".tar.*
mkdir -p "$src"
if [ -n "$head" ]; then
	git archive HEAD | tar -C "$src" -xf -
elif git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# tracked files that are there (a deletion not yet committed is not)
	git ls-files -z | xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _ |
		tar -C . --null -T - -cf - | tar -C "$src" -xf -
else
	tar -C . -cf - --exclude=./out --exclude='*.o' --exclude='*.ko' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.d' \
		--exclude=modules.order --exclude=Module.symvers \
		--exclude=Documentation/output --exclude=userspace/faultlat . |
		tar -C "$src" -xf -
fi
echo "deb.sh: dpkg-buildpackage -us -uc in $src (log: $out/build.log)" >&2
if ! (cd "$src" && dpkg-buildpackage -us -uc) >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	exit 1
fi
rm -rf "$src"
ls "$out"/*.deb
