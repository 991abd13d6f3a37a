#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# apt-get or apt-cache on a Debian release other than the host's, with a
# private sources list, state and cache under $FAULTLAT_CACHE/apt/RELEASE:
# the host's apt configuration is never read for packages nor changed.
# The archive is the one the host's own sources name (its debian and
# debian-security URIs), so nothing here names a mirror.
#
#   tools/vm/apt.sh RELEASE update
#   tools/vm/apt.sh RELEASE apt-cache depends linux-image-amd64
#   tools/vm/apt.sh RELEASE apt-get download linux-image-6.12.X-amd64
#   tools/vm/apt.sh RELEASE sources     the sources list, for a build root
#
# RELEASE is trixie (with trixie-updates, trixie-security and
# trixie-backports) or bookworm (the same four).  "update" runs at most
# once an hour unless FAULTLAT_APT_UPDATE=1; the other commands run it
# first when the lists are missing.
set -euo pipefail

release=${1:?usage: $0 RELEASE update|sources|apt-get ...|apt-cache ...}
shift
case $release in
bookworm | trixie) ;;
*) echo "apt.sh: unknown release '$release'" >&2; exit 2 ;;
esac
cache=${FAULTLAT_CACHE:-$HOME/.cache/faultlat}
dir=$cache/apt/$release

# The host's Debian URIs, from deb822 .sources files or one-line lists.
host_uri() {
	local suffix=$1
	{
		sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
			tr ' ' '\n'
		sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\).*/\2/p' \
			/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
	} | grep -E "/$suffix/?\$" | head -n1 || true
}

setup() {
	local deb sec key=/usr/share/keyrings/debian-archive-keyring.gpg
	deb=$(host_uri debian)
	sec=$(host_uri debian-security)
	if [ -z "$deb" ] || [ -z "$sec" ]; then
		echo "apt.sh: the host's apt sources name no Debian archive" \
			"(.../debian and .../debian-security)" >&2
		exit 1
	fi
	mkdir -p "$dir/state/lists/partial" "$dir/cache/archives/partial" \
		"$dir/etc/apt.conf.d" "$dir/etc/preferences.d" "$dir/etc/sources.list.d" \
		"$dir/etc/trusted.gpg.d"
	: >"$dir/state/status"
	cat >"$dir/etc/sources.list.new" <<-EOF
		deb [signed-by=$key] $deb $release main
		deb [signed-by=$key] $deb $release-updates main
		deb [signed-by=$key] $deb $release-backports main
		deb [signed-by=$key] $sec $release-security main
	EOF
	mv "$dir/etc/sources.list.new" "$dir/etc/sources.list"
}

opts() {
	printf '%s\n' -o "Dir::Etc=$dir/etc" -o "Dir::Etc::SourceList=$dir/etc/sources.list" \
		-o "Dir::Etc::SourceParts=$dir/etc/sources.list.d" \
		-o "Dir::Etc::Parts=$dir/etc/apt.conf.d" \
		-o "Dir::Etc::Preferences=$dir/etc/preferences" \
		-o "Dir::Etc::PreferencesParts=$dir/etc/preferences.d" \
		-o "Dir::Etc::TrustedParts=$dir/etc/trusted.gpg.d" \
		-o "Dir::State=$dir/state" -o "Dir::State::status=$dir/state/status" \
		-o "Dir::Cache=$dir/cache" -o APT::Architecture=amd64 \
		-o APT::Architectures::=amd64 -o APT::Sandbox::User=root \
		-o Acquire::Languages=none -o Debug::NoLocking=1
}

update() {
	local stamp=$dir/state/updated o
	if [ "${FAULTLAT_APT_UPDATE:-0}" != 1 ] && [ -f "$stamp" ] &&
	   [ -n "$(find "$stamp" -mmin -60)" ]; then
		return 0
	fi
	setup
	mapfile -t o < <(opts)
	echo "apt.sh: apt-get update ($release)" >&2
	apt-get "${o[@]}" update -q >&2
	touch "$stamp"
}

mkdir -p "$dir"
exec 8>"$dir/.lock"
flock 8
cmd=${1:?}
shift
case $cmd in
update) update ;;
sources) setup; cat "$dir/etc/sources.list" ;;
apt-get | apt-cache)
	[ -f "$dir/state/updated" ] || update
	mapfile -t o < <(opts)
	flock -u 8
	"$cmd" "${o[@]}" "$@" ;;
*) echo "apt.sh: unknown command '$cmd'" >&2; exit 2 ;;
esac
