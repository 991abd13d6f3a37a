#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: what faultlat costs per page fault, next to an empty
# kretprobe, the direct-call floor, bpftrace and perf ftrace, measured in
# QEMU guests of each Debian kernel faultlat supports: bookworm's 6.1,
# trixie's 6.12 and trixie-backports' 7.x.  Prints a table per kernel
# with its goals (PASS or MISS) and writes out/bench.json; the raw
# results, the builds and the guests' logs go to out/bench/FLAVOUR/.  A
# MISS is a finding: the exit code is 0 unless the benchmark itself
# failed.
#
#   bench/bench.sh [--quick] [--kernels "FLAVOUR..."] [--rows "ROW..."]
#
# FLAVOUR is tools/vm/kernel.sh's (a bare series such as 6.12 means its
# generic kernel); default "amd64 6.12-amd64 7.3-amd64".  For each
# kernel, the module, its notrace variant and the floor modules (an
# empty kretprobe, empty direct-call trampolines) are built against it,
# each in a directory of its own
# under out/bench/FLAVOUR/build/ (tools/vm/kmake.sh: in the trixie build
# root for 6.12 and 7.x).  --rows runs only those rows of the fault
# loop (bench/guest.sh's names: none direct_floor faultlat
# faultlat_nocg ...) in the main boots, for a quick look at the fast
# path's cost; it implies --quick.
#
# The builds for the next kernel run while the guest of the one before
# runs its -icount boot: a busy host slows such a boot down but does not
# change a figure of it.
#
# The boots (Documentation/performance.rst explains why):
#   main  every kernel: 1 vCPU, -icount shift=0,sleep=off: 1 ns of guest
#         time is one guest instruction, so ns per fault = instructions
#         per fault (single-threaded TCG: QEMU allows no MTTCG with
#         -icount)
#   wall  the first kernel only: 1 vCPU, plain TCG: wall-clock ns per
#         fault, median of 5
#   smp   the first kernel only: 2 vCPUs, plain TCG (QEMU 7.2 does not
#         boot a second vCPU with -icount), single-threaded (the vCPUs
#         take turns in one host thread: multi-threaded TCG crashes the
#         guest when a kretprobe or a direct trampoline on
#         handle_mm_fault() comes or goes while the other vCPU faults):
#         one process faulting, then two at once, wall-clock
# One after the other, the main boots first: the wall-clock ones are
# noisy enough without competing with each other or with builds.
# --quick leaves wall and smp out.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
cd "$top"

usage() {
	sed -n '13p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
quick=
kernels="amd64 6.12-amd64 7.3-amd64"
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; shift ;;
	--kernels) [ $# -ge 2 ] || usage; kernels=$2; shift 2 ;;
	--kernels=*) kernels=${1#*=}; shift ;;
	--rows) [ $# -ge 2 ] || usage; export FL_BENCH_ROWS=$2; quick=1; shift 2 ;;
	--rows=*) export FL_BENCH_ROWS=${1#*=}; quick=1; shift ;;
	*) usage ;;
	esac
done
read -ra flavours <<<"$kernels"
[ "${#flavours[@]}" -gt 0 ] || usage
for i in "${!flavours[@]}"; do
	[[ ! ${flavours[$i]} =~ ^[0-9]+\.[0-9]+$ ]] || flavours[$i]=${flavours[$i]}-amd64
done

tools/vm/deps.sh
make -s -C bench faultbench
export FL_BENCH_WORKLOAD=$top/bench/faultbench

out=$top/out/bench
rm -rf "$out"
mkdir -p "$out"
t0=$SECONDS

# NAME [SRC...] -- [MAKE ARGS...]: copy SRC (files and directories of
# the tree, without build products) to $dir/build/NAME and build that as
# an external module against $flavour's kernel
kbuild() {
	local name=$1 b log rc=0 src=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		src+=("$1")
		shift
	done
	shift
	b=$dir/build/$name
	mkdir -p "$b"
	[ "${#src[@]}" -eq 0 ] ||
		tar -C "$top" -cf - --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
			--exclude='*.mod' --exclude='*.mod.c' --exclude=modules.order \
			--exclude=Module.symvers "${src[@]}" | tar -C "$b" -xf -
	# without kbuild's BTF notices
	log=$(FL_KDIR=$FL_KDIR FL_BUILDROOT=${FL_BUILDROOT:-} \
		tools/vm/kmake.sh "$b" -s -j"$(nproc)" modules "$@" 2>&1) || rc=$?
	[ -z "$log" ] || grep -v '^Skipping BTF' <<<"$log" >&2 || true
	return $rc
}

# The builds for $flavour's kernel, in $dir/build/; writes $dir/build/env,
# the NAME=VALUE lines of the modules' paths the guest needs.
build_for() {
	local env=()
	kbuild module Kbuild module uapi -- || return 1
	env+=("FAULTLAT_KO=$dir/build/module/module/faultlat.ko")
	# bench/floor/ as the build's top directory, with the module's
	# compat.h beside it for the direct floor's trampolines (the build
	# root sees the build's directory only)
	mkdir -p "$dir/build/floor"
	cp bench/floor/Kbuild bench/floor/*.[chS] module/compat.h module/tramp.inc \
		"$dir/build/floor/"
	kbuild floor -- || return 1
	env+=("FL_BENCH_FLOOR=$dir/build/floor/faultlat_floor.ko")
	# The direct-call floor: faultlat's trampolines with nothing in
	# them, what they cost alone, as the kretprobe floor is what a
	# kretprobe costs alone.
	env+=("FL_BENCH_DFLOOR=$dir/build/floor/faultlat_dfloor.ko")
	# faultlat with its trace events compiled out, for the cost of a
	# disabled one: the same sources built with NOTRACE, which
	# <linux/tracepoint.h> provides for that (the events and their
	# calls vanish).
	if grep -qs '^TRACE_EVENT' module/*.h; then
		kbuild notrace Kbuild module uapi -- KCFLAGS=-DNOTRACE || return 1
		env+=("FL_BENCH_KO_NOTRACE=$dir/build/notrace/module/faultlat.ko")
	fi
	printf '%s\n' "${env[@]}" >"$dir/build/env"
}

# Every kernel's builds, one kernel after the other, in the background:
# $out/FLAVOUR/build/{done,failed} says how each ended.
build_all() {
	local kvars
	for flavour in "${flavours[@]}"; do
		dir=$out/$flavour
		mkdir -p "$dir/build"
		if ! kvars=$(tools/vm/kernel.sh --flavour "$flavour"); then
			echo "bench: $flavour: no kernel (tools/vm/kernel.sh failed)" >&2
			: >"$dir/build/failed"
			continue
		fi
		eval "$kvars"
		echo "bench: $flavour: building for Debian kernel $FL_RELEASE ($FL_VERSION), $((SECONDS - t0))s so far" >&2
		if build_for; then
			: >"$dir/build/done"
		else
			echo "bench: $flavour: a build failed" >&2
			: >"$dir/build/failed"
		fi
	done
}

# FLAVOUR: wait for its builds; fails if they failed
built() {
	local b=$out/$1/build
	while [ ! -e "$b/done" ] && [ ! -e "$b/failed" ]; do
		kill -0 "$builder" 2>/dev/null || [ -e "$b/done" ] || [ -e "$b/failed" ] ||
			{ echo "bench: $1: the builds stopped" >&2; return 1; }
		sleep 2
	done
	[ -e "$b/done" ]
}

# NAME CPUS [--icount]: one guest of $flavour, its log in $dir/NAME.log.
# A main boot takes 12 to 30 minutes on a busy 2-core host (bpftrace and
# perf start slowly under TCG): hung only after an hour.
boot() {
	local name=$1 cpus=$2 rc=0
	shift 2
	mkdir -p "$dir/$name"
	echo "M what=host boot=$name nproc=$(nproc) loadavg=$(cut -d' ' -f1 /proc/loadavg)" \
		>>"$dir/host.txt"
	echo "bench: $flavour: booting $name, $((SECONDS - t0))s so far" >&2
	mapfile -t bench_env <"$dir/build/env"
	env "${bench_env[@]}" tools/vm/run-guest.sh --flavour "$flavour" \
		--cpus "$cpus" --mem 3G --timeout 3600 --out "$dir/$name" "$@" -- \
		"$here/guest.sh" "$name" "/results/results.txt" \
		>"$dir/$name.log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "bench: $flavour: the $name boot failed ($rc); its log, $dir/$name.log, ends:" >&2
		tail -n 15 "$dir/$name.log" | sed 's/^/  /' >&2
	fi
	return "$rc"
}

# The main boots, one kernel after the other, then the first kernel's
# wall and smp boots.  A kernel whose builds or main boot fail is left
# out of the report (and makes the exit code 1); the others still run.
build_all &
builder=$!
status=0
done_dirs=()
for flavour in "${flavours[@]}"; do
	dir=$out/$flavour
	if built "$flavour" && boot main 1 --icount --single-thread; then
		done_dirs+=("$dir")
	else
		status=1
	fi
done
wait "$builder" || status=1
flavour=${flavours[0]}
dir=$out/$flavour
if [ -z "$quick" ] && [ -e "$dir/build/done" ]; then
	boot wall 1 || status=1
	boot smp 2 --single-thread || status=1
fi
echo "bench: the builds and guests took $((SECONDS - t0))s" >&2
[ "${#done_dirs[@]}" -gt 0 ] || exit 1

rc=0
python3 "$here/report.py" --qemu "$(qemu-system-x86_64 --version | head -n1)" \
	--json "$top/out/bench.json" "${done_dirs[@]}" >"$out/report.txt" || rc=$?
cat "$out/report.txt"
[ "$rc" -eq 0 ] || status=1
exit "$status"
