#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packaging tests: what makes faultlat installable like any out-of-tree
# module.  Prints kselftest TAP ending with a "# Totals:" line, which
# tools/vm/check.sh counts with the selftests' (make check), then the
# guest's own TAP block of the DKMS-built module (tools/pkg/dkms-guest.sh).
#
#   tools/pkg/test.sh [--no-guest] [--head] [GROUP...]
#
# --head tests the last commit (git archive HEAD) instead of the working
# tree, which make check tests.
# Groups (default: all, in this order):
#   kconfig   module/Kbuild stops the build naming each required CONFIG_
#             that is off
#   modinfo   MODULE_VERSION (= dkms.conf's PACKAGE_VERSION),
#             MODULE_DESCRIPTION, a description for every parameter
#   install   make install DESTDIR=tmp puts exactly the expected files
#             there, with their modes; make uninstall removes them all
#   man       every command and option of faultlat --help and of each
#             faultlat COMMAND --help is in faultlat(8), and back
#   completion  the bash completion offers the commands and each
#             command's options as --help lists them
#   docs      make htmldocs (Sphinx -W) builds; kernel-doc finds nothing
#             to complain about in the uapi header
#   dkms      dkms add + build in a private DKMS tree against the test
#             kernel's headers, then (unless --no-guest) boots the test
#             kernel in QEMU and loads the DKMS-built module there
#   dkms-root dkms add + build, as on a trixie machine, in the trixie build
#             root against each of FAULTLAT_PKG_KERNELS' headers (default
#             6.12-amd64 7.3-amd64): the module is built for that release
#   deb       make deb (once), lintian (no error, no warning); then, for
#             each of FAULTLAT_DEB_KERNELS (default 6.1-amd64 6.12-amd64
#             7.3-amd64), in a throwaway overlay of its release's build
#             root (bookworm for 6.1, trixie for the others;
#             tools/vm/buildroot.sh overlay): apt-get install the .debs,
#             dkms built and installed the module for the release of the
#             first kernel of a root (the package's postinst) and of the
#             others (their headers' postinst, as when new headers come),
#             apt-get purge leaves nothing; unless --no-guest, boots a
#             kernel (each one with FAULTLAT_ALL=1, else the first) with
#             the module the package installed and runs
#             faultlat run -- true there with the packaged client
#
# Builds happen in a copy of the sources in a temporary directory: other
# builds in the checkout (make check) are left alone.  Needs root only
# for tools/vm/deps.sh and kernel.sh when packages are missing.
# shellcheck disable=SC2317 # functions called through check() and group_*
set -euo pipefail

# One compound command: bash parses it whole before running it, so that an
# edit of this file while it runs (make check is long) cannot derail it.
{
cd "$(dirname "$0")/../.."
root=$PWD
guest=1 head=
while [ $# -gt 0 ]; do
	case $1 in
	--no-guest) guest=; shift ;;
	--head) head=1; shift ;;
	*) break ;;
	esac
done
groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(kconfig modinfo install man completion docs dkms dkms-root deb)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/faultlat-pkg.XXXXXX")
guest_logs=()
trap 'rm -rf "$tmp"' EXIT

# --- TAP ---
n=0 pass=0 fail=0 skip=0
ok() { n=$((n + 1)) pass=$((pass + 1)); echo "ok $n $1"; }
not_ok() {	# DESCRIPTION [WHY...]
	local d=$1
	shift
	n=$((n + 1)) fail=$((fail + 1))
	for w in "$@"; do
		printf '%s\n' "$w" | sed 's/^/# /'
	done
	echo "not ok $n $d"
}
skip() { n=$((n + 1)) skip=$((skip + 1)); echo "ok $n # SKIP $1"; }
check() {	# DESCRIPTION COMMAND...
	local d=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$d"
	else
		not_ok "$d" "$(printf '%s\n' "$out" | tail -n 15)"
	fi
}

echo "TAP version 13"
echo "# faultlat packaging: ${groups[*]}"

kvars=$(tools/vm/kernel.sh)
eval "$kvars"
kdir=$FL_KDIR

# A copy of the sources, without build products
src=$tmp/src
mkdir -p "$src"
srcs=(Makefile Kbuild dkms.conf module uapi userspace Documentation udev tools debian contrib)
if [ -n "$head" ]; then
	git archive HEAD "${srcs[@]}" | tar -C "$src" -xf -
else
	tar -C "$root" -cf - --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.d' \
		--exclude=modules.order --exclude=Module.symvers --exclude=output \
		"${srcs[@]}" | tar -C "$src" -xf -
fi
rm -f "$src/userspace/faultlat"

version=$(awk '$2 == "FL_VERSION_MAJOR" { a = $3 }
	$2 == "FL_VERSION_MINOR" { b = $3 } END { print a "." b }' "$src/module/faultlat.h")
echo "# MODULE_VERSION $version, kernel $FL_RELEASE ($kdir)"

built=
build_module() {	# once: module/faultlat.ko in the copy
	[ -z "$built" ] || return 0
	if ! make -s -C "$src" module KDIR="$kdir" >"$tmp/build.log" 2>&1; then
		cat "$tmp/build.log"
		return 1
	fi
	built=1
}
client=
build_client() {
	[ -z "$client" ] || return 0
	if ! make -s -C "$src" userspace >"$tmp/client.log" 2>&1; then
		cat "$tmp/client.log"
		return 1
	fi
	client=$src/userspace/faultlat
}

# --- kconfig ---
# A kernel without the options: the command line overrides auto.conf's.
# Fails, and prints the build's output.
build_without() {	# OPTION...
	local args=() o
	for o in "$@"; do
		args+=("CONFIG_$o=")
	done
	if make -C "$src" module KDIR="$kdir" "${args[@]}" 2>&1; then
		echo "the build succeeded without $*"
	fi
}
named() {	# OUTPUT OPTION: the error names CONFIG_OPTION=y
	grep -q "faultlat needs.*CONFIG_$2=y" <<<"$1" ||
		{ printf '%s\n' "$1" | tail -n 5; return 1; }
}
only_named() {	# OUTPUT OPTION
	named "$1" "$2" &&
		[ "$(grep -o 'CONFIG_[A-Z0-9_]*=y' <<<"$1" | sort -u)" = "CONFIG_$2=y" ]
}

group_kconfig() {
	local opts o out
	opts=$(sed -n 's/^fl-required := //p' "$src/module/Kbuild")
	if [ -z "$opts" ]; then
		not_ok "kconfig: module/Kbuild lists its required options (fl-required)"
		return
	fi
	# all of them off at once: the error names each one
	# shellcheck disable=SC2086  # one option a word
	out=$(build_without $opts)
	for o in $opts; do
		check "kconfig: CONFIG_$o off stops the build, naming it" \
			named "$out" "$o"
	done
	o=${opts%% *}
	out=$(build_without "$o")
	check "kconfig: CONFIG_$o alone off: the error names it alone" \
		only_named "$out" "$o"
	check "kconfig: the module builds against $FL_RELEASE" build_module
	check "kconfig: make clean works (no config check when cleaning)" \
		make -s -C "$kdir" M="$src" clean
	built=
}

# --- modinfo ---
params_described() {	# KO: every module_param of module/*.c has a description
	local p missing=
	while read -r p; do
		modinfo -F parm "$1" | grep -q "^$p:.*[[:alnum:]].* (" ||
			missing+=" $p"
	done < <(grep -ho 'module_param[a-z_]*( *[a-z_0-9]*' "$src"/module/*.c |
		sed 's/.*( *//')
	[ -z "$missing" ] || { echo "no description:$missing"; return 1; }
}

group_modinfo() {
	local ko=$src/module/faultlat.ko dkv
	if ! build_module; then
		not_ok "modinfo: the module builds" "$(tail -n 15 "$tmp/build.log")"
		return
	fi
	# dkms sources dkms.conf with bash
	dkv=$(cd / && bash -c '. "$1" && echo "$PACKAGE_VERSION"' _ "$src/dkms.conf")
	check "modinfo: version is $version (FL_VERSION_MAJOR.MINOR)" \
		test "$(modinfo -F version "$ko")" = "$version"
	check "modinfo: dkms.conf's PACKAGE_VERSION ($dkv) is MODULE_VERSION" \
		test "$dkv" = "$version"
	check "modinfo: description" test -n "$(modinfo -F description "$ko")"
	check "modinfo: license GPL" test "$(modinfo -F license "$ko")" = GPL
	check "modinfo: every module_param has a MODULE_PARM_DESC" \
		params_described "$ko"
}

# --- install ---
# the files make install puts in DESTDIR, with their modes
expected_files() {	# PREFIX
	local p=${1#/}
	cat <<-EOF
	644 etc/udev/rules.d/60-faultlat.rules
	644 lib/modules/$FL_RELEASE/extra/module/faultlat.ko
	755 $p/bin/faultlat
	644 $p/include/linux/faultlat.h
	644 $p/share/bash-completion/completions/faultlat
	644 $p/share/man/man8/faultlat.8
	EOF
}
tree_is() {	# DESTDIR PREFIX
	local want got
	want=$(expected_files "$2" | sort)
	got=$(cd "$1" && find . -type f -printf '%m %P\n' | sort)
	[ "$want" = "$got" ] || {
		diff <(echo "$want") <(echo "$got")
		return 1
	}
}
no_files() {	# DIR
	local left
	left=$(find "$1" -type f -o -type l)
	[ -z "$left" ] || { echo "left: $left"; return 1; }
}
header_compiles() {	# INCLUDEDIR
	echo '#include <linux/faultlat.h>
int main(void) { return FAULTLAT_ABI_VERSION != 1 + 0 * sizeof(struct faultlat_task); }' |
		cc -I"$1" -x c -o "$tmp/hdr" - && "$tmp/hdr"
}
udev_mode_matches() {	# RULES: MODE= is the misc device's .mode
	local dev rule
	dev=$(sed -n 's/^[[:space:]]*\.mode = \(0[0-7]*\),.*/\1/p' "$src/module/chardev.c")
	rule=$(sed -n 's/.*MODE="\(0[0-7]*\)".*/\1/p' "$1")
	if [ -z "$dev" ] || [ "$dev" != "$rule" ]; then
		echo "module/chardev.c: '$dev', rule: '$rule'"
		return 1
	fi
	grep -q 'KERNEL=="faultlat"' "$1"
}
man_renders() {	# PAGE
	local text
	text=$(MANWIDTH=80 man -l "$1" 2>&1) &&
		grep -q '^NAME' <<<"$text" && grep -q 'faultlat - ' <<<"$text"
}

group_install() {
	local d=$tmp/destdir d2=$tmp/destdir-usr
	if ! build_module || ! build_client; then
		not_ok "install: the module and the client build" \
			"$(tail -n 15 "$tmp/build.log" "$tmp/client.log" 2>/dev/null)"
		return
	fi
	mkdir -p "$d" "$d2"
	check "install: make install DESTDIR=... succeeds" \
		make -s -C "$src" install DESTDIR="$d" KDIR="$kdir"
	check "install: exactly the expected files and modes (PREFIX=/usr/local)" \
		tree_is "$d" /usr/local
	check "install: the installed client runs" \
		"$d/usr/local/bin/faultlat" --version
	check "install: the installed uapi header compiles as <linux/faultlat.h>" \
		header_compiles "$d/usr/local/include"
	check "install: the man page renders" \
		man_renders "$d/usr/local/share/man/man8/faultlat.8"
	check "install: the udev rule gives /dev/faultlat the module's mode" \
		udev_mode_matches "$d/etc/udev/rules.d/60-faultlat.rules"
	check "install: the installed module's vermagic is $FL_RELEASE" \
		test "$(modinfo -F vermagic \
			"$d/lib/modules/$FL_RELEASE/extra/module/faultlat.ko" |
			cut -d' ' -f1)" = "$FL_RELEASE"
	check "install: make uninstall DESTDIR=... succeeds" \
		make -s -C "$src" uninstall DESTDIR="$d" KDIR="$kdir"
	check "install: nothing left after make uninstall" no_files "$d"
	check "install: PREFIX=/usr installs under usr/" \
		make -s -C "$src" install DESTDIR="$d2" PREFIX=/usr KDIR="$kdir"
	check "install: exactly the expected files (PREFIX=/usr)" tree_is "$d2" /usr
	check "install: make uninstall PREFIX=/usr leaves nothing" \
		sh -c "make -s -C '$src' uninstall DESTDIR='$d2' PREFIX=/usr \
			KDIR='$kdir' && find '$d2' -type f | grep -q . && exit 1 || exit 0"
}

# --- man ---
# the options of an "Options:" block of --help, one a line
help_options() {	# ARGS...
	"$client" "$@" --help | awk '
		/^Options:/ { on = 1; next }
		on && /^$/ { exit }
		on && match($0, /^ +(-[[:alnum:]], )?--?[[:alnum:]][-[:alnum:]]*/) {
			n = split(substr($0, RSTART, RLENGTH), w, /[ ,]+/)
			for (i = 1; i <= n; i++)
				if (w[i] != "")
					print w[i]
		}'
}
help_commands() {
	"$client" --help | awk '/^Commands/ { on = 1; next }
		on && /^$/ { exit }
		on && /^  [a-z]/ { print $1 }'
}
# The man page as text, one long line a paragraph (no hyphenation)
man_text() {
	groff -man -Tascii -rLL=2000n -rHY=0 -P-cbou "$1" 2>/dev/null
}
# The text of one section: NAME is OPTIONS (top level) or a command
# (a subsection of COMMANDS, indented by 3)
man_section() {	# TEXT-FILE NAME
	awk -v s="$2" '
		/^[A-Z]/ { top = $0; in_s = (s == "OPTIONS" && top == "OPTIONS"); next }
		top == "COMMANDS" && /^   [a-z]+$/ { in_s = ($1 == s); next }
		in_s' "$1"
}
# The options a section's option list defines: its lines at the list's
# indent that start with an option ("-p PID, --pid PID", "--tlb")
man_options() {	# TEXT-FILE SECTION
	man_section "$1" "$2" |
		sed -n 's/^       \(-[-[:alnum:]]*\)\(.*\)$/\1\2/p' |
		grep -oE -- '(^|, )--?[[:alnum:]][-[:alnum:]]*' | sed 's/^, //'
}
# Each option of HELP-ARGS --help is defined in SECTION's option list
options_in_man() {	# TEXT-FILE SECTION HELP-ARGS...
	local f=$1 sect=$2 defined o missing=
	shift 2
	[ -n "$(man_section "$f" "$sect")" ] ||
		{ echo "no section $sect in the man page"; return 1; }
	defined=$(man_options "$f" "$sect")
	for o in $(help_options "$@"); do
		grep -qxF -- "$o" <<<"$defined" || missing+=" $o"
	done
	[ -z "$missing" ] || { echo "in --help, not in the man page:$missing"; return 1; }
}
# ... and the other way round: the man page defines no other option
man_options_in_help() {	# TEXT-FILE SECTION HELP-ARGS...
	local f=$1 sect=$2 o help extra=
	shift 2
	help=$(help_options "$@")
	for o in $(man_options "$f" "$sect"); do
		grep -qxF -- "$o" <<<"$help" || extra+=" $o"
	done
	[ -z "$extra" ] || { echo "in the man page, not in --help:$extra"; return 1; }
}
man_has() {	# TEXT-FILE SECTION
	grep -qx "$2" "$1"
}

group_man() {
	local page=$tmp/man/faultlat.8 txt=$tmp/faultlat.8.txt c
	if ! build_client; then
		not_ok "man: the client builds" "$(tail -n 15 "$tmp/client.log")"
		return
	fi
	check "man: make man builds faultlat(8) (rst2man, warnings are errors)" \
		make -s -C "$src" man DOCS_O="$tmp"
	man_text "$page" >"$txt" || true
	check "man: faultlat --help's options are in OPTIONS" \
		options_in_man "$txt" OPTIONS
	check "man: OPTIONS lists only faultlat --help's options" \
		man_options_in_help "$txt" OPTIONS
	for c in $(help_commands); do
		if [ "$c" = help ]; then
			check "man: a section for 'help'" \
				test -n "$(man_section "$txt" help)"
			continue
		fi
		check "man: faultlat $c --help's options are in its section" \
			options_in_man "$txt" "$c" "$c"
		check "man: $c's section lists only faultlat $c --help's options" \
			man_options_in_help "$txt" "$c" "$c"
	done
	for c in SYNOPSIS DESCRIPTION ENVIRONMENT 'EXIT STATUS' EXAMPLES; do
		check "man: has $c" man_has "$txt" "$c"
	done
	check "man: documents the environment --help names" sh -c "
		for v in \$('$client' --help | grep -o 'FAULTLAT_[A-Z_]*'); do
			grep -q \"\$v\" '$txt' || { echo \$v; exit 1; }
		done"
}

# --- completion ---
# COMPREPLY for the words given, the last being completed
complete_words() {
	bash -c '
		PATH=$1:$PATH
		. "$2"
		shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_faultlat
		printf "%s\n" "${COMPREPLY[@]}" | sort -u' _ \
		"$(dirname "$client")" "$src/userspace/bash-completion/faultlat" "$@"
}
same_set() {	# A B: the same lines, in any order
	[ "$(sort -u <<<"$1")" = "$(sort -u <<<"$2")" ] || {
		diff <(sort -u <<<"$1") <(sort -u <<<"$2")
		return 1
	}
}

group_completion() {
	local c
	if ! build_client; then
		not_ok "completion: the client builds" "$(tail -n 15 "$tmp/client.log")"
		return
	fi
	check "completion: bash -n" bash -n "$src/userspace/bash-completion/faultlat"
	check "completion: the commands of faultlat --help" \
		same_set "$(complete_words faultlat '')" "$(help_commands)"
	check "completion: 'faultlat t' is tasks, trace, top" \
		same_set "$(complete_words faultlat t)" "$(help_commands | grep '^t')"
	check "completion: faultlat's global options" \
		same_set "$(complete_words faultlat -)" "$(help_options)"
	for c in $(help_commands); do
		[ "$c" != help ] || continue
		check "completion: faultlat $c's options" \
			same_set "$(complete_words faultlat -j "$c" -)" \
			"$(help_options "$c")"
	done
	check "completion: a prefix (faultlat st) gets status' options" \
		same_set "$(complete_words faultlat st --)" \
		"$(help_options status | grep '^--')"
	check "completion: hist -p completes a process id" \
		grep -qx "$$" <<<"$(complete_words faultlat hist -p "$$")"
	check "completion: run -o completes a file" \
		grep -qx "$src/dkms.conf" <<<"$(complete_words faultlat run -o "$src/dkms.c")"
	mkdir -p "$tmp/cg/system.slice/ssh.service" "$tmp/cg/user.slice"
	check "completion: hist -G completes paths below the cgroup2 mount, and names" \
		same_set "$(FAULTLAT_CGROUPFS=$tmp/cg complete_words faultlat hist -G s)" \
		$'system.slice/\nssh.service'
	check "completion: hist -G completes below a cgroup" \
		same_set "$(FAULTLAT_CGROUPFS=$tmp/cg complete_words faultlat hist -G system.slice/)" \
		"system.slice/ssh.service/"
	check "completion: hist -G completes a cgroup's name (a unit's)" \
		same_set "$(FAULTLAT_CGROUPFS=$tmp/cg complete_words faultlat hist -G ss)" \
		"ssh.service"
	check "completion: help completes the commands" \
		same_set "$(complete_words faultlat help '')" "$(help_commands)"
}

# --- docs ---
kernel_doc_clean() {	# kernel-doc -none on the uapi header: no warnings
	local kd out
	kd=$(tools/pkg/kernel-doc.sh)
	out=$(perl "$kd/scripts/kernel-doc" -none -Werror "$src/uapi/linux/faultlat.h" 2>&1) ||
		{ echo "$out"; return 1; }
	[ -z "$out" ] || { echo "$out"; return 1; }
}
uapi_documented() {	# every struct of the uapi header is in the HTML
	local s missing=
	while read -r s; do
		grep -q "struct $s</" "$1" || grep -q ">$s<" "$1" || missing+=" $s"
	done < <(sed -n 's/^struct \(faultlat_[a-z_]*\) {$/\1/p' "$src/uapi/linux/faultlat.h")
	[ -z "$missing" ] || { echo "not in uapi.html:$missing"; return 1; }
}

params_in_admin_guide() {	# every module parameter has its entry
	local p missing=
	while read -r p; do
		grep -q "^\`\`$p\`\`" "$src/Documentation/admin-guide.rst" ||
			missing+=" $p"
	done < <(grep -ho 'module_param[a-z_]*( *[a-z_0-9]*' "$src"/module/*.c |
		sed 's/.*( *//')
	[ -z "$missing" ] || { echo "not in admin-guide.rst:$missing"; return 1; }
}

group_docs() {
	check "docs: make htmldocs (Sphinx -W: no warnings)" \
		make -s -C "$src" htmldocs DOCS_O="$tmp/docs"
	check "docs: kernel-doc -Werror has nothing to say about the uapi header" \
		kernel_doc_clean
	check "docs: every struct of the uapi header is in the ABI page" \
		uapi_documented "$tmp/docs/html/uapi.html"
	check "docs: the admin guide describes every module parameter" \
		params_in_admin_guide
	check "docs: the man page is a page of the HTML documentation" \
		test -f "$tmp/docs/html/userspace/faultlat.html"
}

# --- dkms ---
# A private DKMS tree: nothing in /var/lib/dkms or /usr/src, a throwaway
# signing key (dkms signs what it builds when it can).
dkms_run() {
	mok_signing_key=$tmp/dkms/mok.key mok_certificate=$tmp/dkms/mok.pub \
		dkms --dkmstree "$tmp/dkms/tree" --sourcetree "$tmp/dkms/src" \
		--installtree "$tmp/dkms/install" "$@"
}
dkms_status_built() {
	dkms_run status -m faultlat -v "$version" -k "$FL_RELEASE" | tee /dev/stderr |
		grep -q "faultlat/$version, $FL_RELEASE, x86_64: built"
}

dkms_uninstalled() {
	dkms_run uninstall --no-depmod -m faultlat -v "$version" -k "$FL_RELEASE" &&
		test ! -e "$tmp/dkms/install/$FL_RELEASE/updates/dkms/faultlat.ko"
}

group_dkms() {
	local out=$root/out/check-pkg-dkms ko rc=0
	if ! command -v dkms >/dev/null; then
		not_ok "dkms: dkms is installed (tools/vm/deps.sh)"
		return
	fi
	mkdir -p "$tmp/dkms/tree" "$tmp/dkms/src"
	check "dkms: make dkms-src puts the sources dkms.conf builds in place" \
		make -s -C "$src" dkms-src DKMS_SRC="$tmp/dkms/src/faultlat-$version"
	check "dkms: dkms add" dkms_run add -m faultlat -v "$version"
	check "dkms: dkms build -k $FL_RELEASE" \
		dkms_run build -m faultlat -v "$version" -k "$FL_RELEASE" \
		--kernelsourcedir "$kdir"
	check "dkms: dkms status says built" dkms_status_built
	ko=$tmp/dkms/tree/faultlat/$version/$FL_RELEASE/x86_64/module/faultlat.ko
	check "dkms: the built module's version is $version" \
		test "$(modinfo -F version "$ko" 2>/dev/null)" = "$version"
	# install and uninstall in the private install tree, without depmod
	mkdir -p "$tmp/dkms/install/$FL_RELEASE"
	check "dkms: dkms install (private install tree, --no-depmod)" \
		dkms_run install --no-depmod -m faultlat -v "$version" \
		-k "$FL_RELEASE" --kernelsourcedir "$kdir"
	check "dkms: installed as updates/dkms/faultlat.ko" \
		cmp "$ko" "$tmp/dkms/install/$FL_RELEASE/updates/dkms/faultlat.ko"
	check "dkms: dkms uninstall removes it" dkms_uninstalled
	if [ -z "$guest" ]; then
		skip "dkms: the DKMS-built module loads in the guest (--no-guest)"
		return
	fi
	if [ ! -f "$ko" ]; then
		not_ok "dkms: the DKMS-built module loads in the guest" "no $ko"
		return
	fi
	# The guest sees the host's / read-only, but not its /tmp: the
	# module goes to the results share, /results in the guest.
	mkdir -p "$out"
	cp "$ko" "$out/faultlat.ko"
	echo "# booting $FL_RELEASE to load the DKMS-built module (output: $out)"
	# single-threaded TCG, as make check's: (un)registering the kprobe on
	# handle_mm_fault() while another vCPU faults crashes 6.1 under
	# multi-threaded TCG
	tools/vm/run-guest.sh --single-thread --out "$out" --timeout 600 -- \
		tools/pkg/dkms-guest.sh /results/faultlat.ko "$version" \
		>"$tmp/guest.log" 2>&1 || rc=$?
	# The guest's checks count in its own TAP block, printed after ours;
	# here, whether it ran to its end (1: some of its checks failed).
	if grep -q '^# Totals:' "$out/output.log" 2>/dev/null &&
		{ [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; }; then
		ok "dkms: the guest booted and ran its checks (TAP below)"
		guest_logs+=("$out/output.log")
	else
		not_ok "dkms: the guest booted and ran its checks" \
			"run-guest.sh exited with $rc:" "$(tail -n 20 "$tmp/guest.log")"
	fi
}

# --- dkms in the trixie build root ---
# FLAVOUR: dkms (trixie's) adds and builds the module against that
# kernel's headers in the build root, in a private DKMS tree.
dkms_root_build() {
	local kv d ko cmd
	kv=$(tools/vm/kernel.sh --flavour "$1") && eval "$kv" || return 1
	[ -n "$FL_BUILDROOT" ] || { echo "$1 is built on the host"; return 1; }
	tools/vm/buildroot.sh "$FL_BUILDROOT" install dkms || return 1
	d=$tmp/dkms-$1
	mkdir -p "$d/tree" "$d/src" "$d/install"
	make -s -C "$src" dkms-src DKMS_SRC="$d/src/faultlat-$version" || return 1
	for cmd in "add -m faultlat -v $version" \
		"build -m faultlat -v $version -k $FL_RELEASE --kernelsourcedir $FL_KDIR"; do
		# shellcheck disable=SC2086  # the words of one dkms command
		tools/vm/buildroot.sh "$FL_BUILDROOT" run "$d" env \
			mok_signing_key="$d/mok.key" mok_certificate="$d/mok.pub" \
			dkms --dkmstree "$d/tree" --sourcetree "$d/src" \
			--installtree "$d/install" $cmd || return 1
	done
	ko=$d/tree/faultlat/$version/$FL_RELEASE/x86_64/module/faultlat.ko
	[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$FL_RELEASE" ] &&
		[ "$(modinfo -F version "$ko")" = "$version" ] ||
		{ echo "$ko: not $FL_RELEASE's faultlat $version"; return 1; }
}
group_dkms-root() {
	local f
	for f in ${FAULTLAT_PKG_KERNELS:-6.12-amd64 7.3-amd64}; do
		check "dkms-root: dkms add + build for $f in its build root" \
			dkms_root_build "$f"
	done
}

# --- deb ---
# The .debs of make deb, installed with apt-get in an overlay of a build
# root (its writes in $tmp: the cached root stays as it was, the host is
# not touched), for a kernel whose headers the root has.
debs=$tmp/deb
deb_built=
build_debs() {	# once
	[ -z "$deb_built" ] || return 0
	# deb.sh builds from the checkout's tracked files (--head: the last
	# commit's), not from $src.  nocheck: the client's unit tests are not what this group checks,
	# and make deb runs them
	DEB_BUILD_OPTIONS=nocheck tools/pkg/deb.sh ${head:+--head} "$debs" >/dev/null ||
		return 1
	deb_built=1
}
lintian_clean() {	# no error, no warning (overrides: debian/*.lintian-overrides)
	local out
	out=$(lintian --fail-on error,warning "$debs"/faultlat_"$version"_amd64.changes 2>&1) &&
		! grep -q '^[EW]: ' <<<"$out" || { echo "$out"; return 1; }
}
deb_has() {	# DEB PATH...: the package holds each PATH
	local deb=$1 list p missing=
	shift
	list=$(dpkg-deb -c "$debs/$deb" | awk '{ print $6 }' | sed 's,^\.,,;s,/$,,')
	for p in "$@"; do
		grep -qxF "$p" <<<"$list" || missing+=" $p"
	done
	[ -z "$missing" ] || { echo "not in $deb:$missing"; return 1; }
}
changelog_version() {
	dpkg-parsechangelog -l "$src/debian/changelog" -S Version
}
# CMD... in the overlay of RELEASE's root (with $debs as the cwd)
in_overlay() {	# RELEASE CMD...
	local r=$1
	shift
	tools/vm/buildroot.sh "$r" overlay "$tmp/overlay-$r" "$debs" "$@"
}
deb_install() {	# RELEASE
	in_overlay "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends ./faultlat-dkms_"$version"_all.deb \
		./faultlat_"$version"_amd64.deb ./faultlat-dev_"$version"_all.deb
}
# dkms status says installed, and the module is in updates/dkms, for KREL;
# that module and the packaged client go to out/check-pkg-deb-FLAVOUR/,
# for the guest
deb_module_installed() {	# RELEASE KREL FLAVOUR
	local out=$root/out/check-pkg-deb-$3
	in_overlay "$1" sh -c '
		dkms status -m faultlat -v "$1" -k "$2"
		dkms status -m faultlat -v "$1" -k "$2" | grep -q "$2, x86_64: installed" &&
		ko=$(ls /lib/modules/"$2"/updates/dkms/faultlat.ko*) &&
		modinfo -F vermagic "$ko" | grep -q "^$2 " &&
		modinfo -F version "$ko" | grep -qx "$1" &&
		mkdir -p "$3" && cp "$ko" "$3/"' _ "$version" "$2" "$debs/ko-$2" || return 1
	rm -rf "$out"
	mkdir -p "$out"
	cp "$debs/ko-$2"/faultlat.ko* "$out/" &&
		dpkg-deb -x "$debs/faultlat_${version}_amd64.deb" "$tmp/client" &&
		cp "$tmp/client/usr/bin/faultlat" "$out/faultlat"
}
# What the linux-headers package's postinst does: its hooks, dkms's
# among them, for that release
deb_new_headers() {	# RELEASE KREL
	in_overlay "$1" sh -c 'mv /lib/modules/"$1"/build.hidden /lib/modules/"$1"/build &&
		/var/lib/dpkg/info/linux-headers-"$1".postinst configure' _ "$2"
}
# The kernels of the root other than KREL have no headers, as far as
# dkms can tell: their build link is moved aside
deb_only_headers() {	# RELEASE KREL
	in_overlay "$1" sh -c 'for b in /lib/modules/*/build; do
		[ "$b" = /lib/modules/"$1"/build ] || mv "$b" "$b.hidden" || exit 1
	done' _ "$2"
}
deb_units_disabled() {	# RELEASE
	in_overlay "$1" sh -c 'ls /lib/systemd/system/faultlat-export.service \
		/lib/systemd/system/faultlat-export.timer \
		/lib/systemd/system/faultlat-export-loop.service >/dev/null &&
		! grep -rs /usr/local /lib/systemd/system/faultlat* &&
		! ls /etc/systemd/system/*/faultlat* 2>/dev/null'
}
deb_purge() {	# RELEASE: purges, after keeping the packages' file lists
	in_overlay "$1" sh -c 'dpkg -L faultlat-dkms faultlat faultlat-dev >files &&
		find /lib/modules /var/lib/dkms -path "*faultlat*" >>files &&
		DEBIAN_FRONTEND=noninteractive apt-get purge -y -q \
			faultlat-dkms faultlat faultlat-dev'
}
deb_nothing_left() {	# RELEASE
	in_overlay "$1" sh -c 'left=
		while read -r f; do
			if [ -d "$f" ]; then	# (/lib: a link to usr/lib)
				case $f in *faultlat*) left="$left $f" ;; esac
			elif [ -e "$f" ] || [ -L "$f" ]; then
				left="$left $f"
			fi
		done <files
		for f in /usr/src/faultlat-* /var/lib/dkms/faultlat \
			/lib/modules/*/updates/dkms/faultlat.ko*; do
			[ ! -e "$f" ] || left="$left $f"
		done
		if dpkg -l "faultlat*" 2>/dev/null | grep "^[a-z][a-z] "; then
			left="$left (dpkg -l)"
		fi
		[ -z "$left" ] || { echo "left:$left"; exit 1; }'
}
deb_guest() {	# FLAVOUR KREL: boots it with the installed module
	local out=$root/out/check-pkg-deb-$1 ko rc=0
	ko=$(find "$out" -maxdepth 1 -name 'faultlat.ko*' | head -n1)
	if [ -z "$ko" ] || [ ! -x "$out/faultlat" ]; then
		not_ok "deb: $1: the guest booted with the installed module" "nothing in $out"
		return
	fi
	echo "# booting $2 with the module faultlat-dkms installed (output: $out)"
	tools/vm/run-guest.sh --single-thread --flavour "$1" --out "$out" --timeout 600 -- \
		tools/pkg/dkms-guest.sh "/results/${ko##*/}" "$version" /results/faultlat \
		>"$tmp/guest-$1.log" 2>&1 || rc=$?
	if grep -q '^# Totals:' "$out/output.log" 2>/dev/null &&
		{ [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; }; then
		ok "deb: $1: the guest booted with the installed module and ran its checks"
		guest_logs+=("$out/output.log")
	else
		not_ok "deb: $1: the guest booted with the installed module and ran its checks" \
			"run-guest.sh exited with $rc:" "$(tail -n 20 "$tmp/guest-$1.log")"
	fi
}

group_deb() {
	local f k kv r krel booted="" roots=()
	check "deb: debian/changelog's version is $version (module/faultlat.h)" \
		test "$(changelog_version)" = "$version"
	if ! build_debs; then
		not_ok "deb: make deb builds the packages" "$(tail -n 30 "$debs/build.log")"
		return
	fi
	ok "deb: make deb builds faultlat-dkms, faultlat, faultlat-dev"
	check "deb: lintian: no error, no warning" lintian_clean
	check "deb: faultlat-dkms holds the sources, dkms.conf, the udev rule" \
		deb_has "faultlat-dkms_${version}_all.deb" /usr/src/faultlat-"$version"/dkms.conf \
		/usr/src/faultlat-"$version"/module/Kbuild /lib/udev/rules.d/60-faultlat.rules
	check "deb: faultlat holds the client, man page, completion, units" \
		deb_has "faultlat_${version}_amd64.deb" /usr/bin/faultlat \
		/usr/share/man/man8/faultlat.8.gz \
		/usr/share/bash-completion/completions/faultlat \
		/lib/systemd/system/faultlat-export.timer
	check "deb: faultlat-dev holds <linux/faultlat.h>" \
		deb_has "faultlat-dev_${version}_all.deb" /usr/include/linux/faultlat.h
	# The installs: a bookworm and a trixie root, dkms for each kernel,
	# purge, a boot: some 15 minutes on a 2-core machine (20 more to make
	# the bookworm root the first time), which make check cannot spare:
	# make check-all (FAULTLAT_ALL=1), or FAULTLAT_DEB_KERNELS, runs them.
	if [ "${FAULTLAT_ALL:-0}" != 1 ] && [ -z "${FAULTLAT_DEB_KERNELS:-}" ]; then
		skip "deb: install, dkms, purge and boot on each kernel (make check-all)"
		return
	fi
	# the kernels, by root: the first of each is there when the packages
	# are installed, the others come later
	declare -A first_of=()
	local kernels=()
	for f in ${FAULTLAT_DEB_KERNELS:-6.1-amd64 6.12-amd64 7.3-amd64}; do
		if ! kv=$(tools/vm/kernel.sh --flavour "$f"); then
			not_ok "deb: kernel $f"
			continue
		fi
		eval "$kv"
		r=${FL_BUILDROOT:-bookworm}
		if [ -z "${first_of[$r]:-}" ]; then
			first_of[$r]=$FL_RELEASE
			roots+=("$r")
		fi
		kernels+=("$f:$r:$FL_RELEASE")
		check "deb: $r root: linux-headers-$FL_RELEASE" \
			tools/vm/buildroot.sh "$r" headers "$FL_RELEASE"
	done
	for r in "${roots[@]}"; do
		rm -rf "$tmp/overlay-$r"
		# dkms, and what the client needs: in the root itself, once
		check "deb: $r root: dkms and the client's libraries" \
			tools/vm/buildroot.sh "$r" install dkms libjson-c5 \
			libtraceevent1 libtracefs1
		check "deb: $r: only ${first_of[$r]}'s headers to start with" \
			deb_only_headers "$r" "${first_of[$r]}"
		check "deb: $r: apt-get install the three packages" deb_install "$r"
		for k in "${kernels[@]}"; do
			[ "${k#*:}" != "$r:${k##*:}" ] && continue
			krel=${k##*:}
			if [ "$krel" != "${first_of[$r]}" ]; then
				check "deb: $r: new headers, $krel: their postinst builds it" \
					deb_new_headers "$r" "$krel"
			fi
			check "deb: $r: dkms installed faultlat/$version for $krel" \
				deb_module_installed "$r" "$krel" "${k%%:*}"
		done
		check "deb: $r: faultlat runs (its libraries are there)" \
			in_overlay "$r" faultlat --version
		check "deb: $r: the systemd units are there (/usr/bin), none enabled" \
			deb_units_disabled "$r"
		check "deb: $r: apt-get purge" deb_purge "$r"
		check "deb: $r: nothing left (dpkg -L, /usr/src, updates/dkms)" \
			deb_nothing_left "$r"
		rm -rf "$tmp/overlay-$r"
	done
	if [ -z "$guest" ]; then
		skip "deb: boot with the installed module (--no-guest)"
		return
	fi
	for k in "${kernels[@]}"; do
		[ "${FAULTLAT_ALL:-0}" = 1 ] || [ -z "$booted" ] || break
		deb_guest "${k%%:*}" "${k##*:}"
		booted=1
	done
}

for g in "${groups[@]}"; do
	if ! declare -F "group_$g" >/dev/null; then
		not_ok "unknown group $g"
		continue
	fi
	start=$SECONDS
	"group_$g"
	echo "# $g: $((SECONDS - start)) s"
done

echo "1..$n"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
guest_failed=0
for l in "${guest_logs[@]}"; do
	echo "# selftests: faultlat-pkg: dkms-guest ($(basename "$(dirname "$l")"))"
	cat "$l"
	grep -q '^# Totals: pass:[0-9]* fail:0 ' "$l" || guest_failed=1
done
[ "$fail" -eq 0 ] && [ "$guest_failed" -eq 0 ]
exit
}
