#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: what faultlat costs per page fault, next to an empty
# kretprobe, bpftrace and perf ftrace, measured in one guest boot of
# Debian's 6.1 kernel under QEMU.  Prints the table with its goals (PASS
# or MISS) and writes out/bench.json; the raw results and the guests' logs
# go to out/bench/.  A MISS is a finding: the exit code is 0 unless the
# benchmark itself failed.
#
#   bench/bench.sh [--quick]
#
# Three boots (Documentation/performance.rst explains why):
#   main  1 vCPU, -icount shift=0,sleep=off: 1 ns of guest time is one
#         guest instruction, so ns per fault = instructions per fault
#         (single-threaded TCG: QEMU allows no MTTCG with -icount)
#   wall  1 vCPU, plain TCG: wall-clock ns per fault, median of 5
#   smp   2 vCPUs, plain TCG (QEMU 7.2 does not boot a second vCPU with
#         -icount), single-threaded (the vCPUs take turns in one host
#         thread: multi-threaded TCG crashes the guest when a kretprobe
#         or a direct trampoline on handle_mm_fault() comes or goes while
#         the other vCPU faults): one process faulting, then two at once,
#         wall-clock
# One after the other: the wall-clock ones are noisy enough without
# competing with each other.  --quick leaves wall and smp out.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
cd "$top"

quick=
case ${1:-} in
--quick) quick=1 ;;
"") ;;
*) sed -n '11,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

tools/vm/deps.sh
eval "$(tools/vm/kernel.sh)"
echo "bench: Debian kernel $FL_RELEASE" >&2
build() {	# ARGS...: make -s ARGS, without kbuild's BTF notices
	local log rc=0
	log=$(make -s "$@" 2>&1) || rc=$?
	grep -v '^Skipping BTF' <<<"$log" >&2 || true
	return $rc
}
build module KDIR="$FL_KDIR"
build -C bench KDIR="$FL_KDIR"

out=$top/out/bench
rm -rf "$out"
mkdir -p "$out"
export FAULTLAT_KO=$top/module/faultlat.ko
export FL_BENCH_FLOOR=$top/bench/floor/faultlat_floor.ko
export FL_BENCH_WORKLOAD=$top/bench/faultbench

variant() {	# NAME KCFLAGS: the module's sources built again, in
		# out/bench/NAME, with KCFLAGS
	mkdir -p "$out/$1/module"
	cp module/Kbuild module/*.[chS] "$out/$1/module/"
	cp -r uapi Kbuild "$out/$1/"
	build -C "$FL_KDIR" M="$out/$1" KCFLAGS="$2" modules
}

# faultlat with its trace events compiled out, for the cost of a disabled
# one: the same sources built with NOTRACE, which <linux/tracepoint.h>
# provides for that (the events and their calls vanish).
if grep -qs '^TRACE_EVENT' module/*.h; then
	variant notrace -DNOTRACE
	export FL_BENCH_KO_NOTRACE=$out/notrace/module/faultlat.ko
fi

# The direct-call floor: faultlat built with hooks that do nothing
# (module/direct.h), loaded with probe_mode=direct: what the trampolines
# cost alone, as the kretprobe floor is what a kretprobe costs alone.
if grep -qs FL_BENCH_EMPTY_HOOKS module/direct.h; then
	variant empty -DFL_BENCH_EMPTY_HOOKS=1
	export FL_BENCH_KO_EMPTY=$out/empty/module/faultlat.ko
fi

boot() {	# NAME CPUS [--icount]: one guest, its log in out/bench/NAME.log
	local name=$1 cpus=$2 rc=0
	shift 2
	mkdir -p "$out/$name"
	tools/vm/run-guest.sh --cpus "$cpus" --mem 3G --timeout 1500 \
		--out "$out/$name" "$@" -- \
		"$here/guest.sh" "$name" "/results/results.txt" \
		>"$out/$name.log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "bench: the $name boot failed ($rc); its log, $out/$name.log, ends:" >&2
		tail -n 15 "$out/$name.log" | sed 's/^/  /' >&2
	fi
	return "$rc"
}

host() {	# NAME: the host's load when a boot starts, for the report
	echo "M what=host boot=$1 nproc=$(nproc) loadavg=$(cut -d' ' -f1 /proc/loadavg)" \
		>>"$out/host.txt"
}

t0=$SECONDS
status=0
echo "bench: booting main (1 vCPU, -icount)" >&2
host main
boot main 1 --icount --single-thread || status=1
if [ -z "$quick" ] && [ "$status" -eq 0 ]; then
	echo "bench: booting wall (1 vCPU), $((SECONDS - t0))s so far" >&2
	host wall
	boot wall 1 || status=1
fi
if [ -z "$quick" ] && [ "$status" -eq 0 ]; then
	echo "bench: booting smp (2 vCPUs), $((SECONDS - t0))s so far" >&2
	host smp
	boot smp 2 --single-thread || status=1
fi
[ "$status" -eq 0 ] || exit 1
echo "bench: the guests took $((SECONDS - t0))s" >&2

python3 "$here/report.py" --qemu "$(qemu-system-x86_64 --version | head -n1)" \
	--json "$top/out/bench.json" "$out" | tee "$out/report.txt"
