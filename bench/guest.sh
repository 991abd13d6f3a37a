#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The overhead benchmark, inside the guest (bench/bench.sh boots it).
#
#   bench/guest.sh main|smp|wall RESULTS
#
#   main  1 vCPU, -icount: the table's rows, TLB flushes, tracked
#         tasks, memory, allocations in probe context, major faults
#   wall  1 vCPU, plain TCG: the table's rows again, wall-clock
#   smp   2 vCPUs, plain TCG: one process faulting, then two at once;
#         thread churn
#
# After attaching the instrumentation, every row runs the workload once
# untimed (the first run after a module is loaded or unloaded, or a tool
# attached, pays for refilling the page allocator's per-CPU lists and the
# like), then $reps timed runs.  In the wall-clock boots the rows that
# are modules take turns instead, one timed run per row and round, so
# that a change in the host's load falls on all of them alike.
#
# Appends one line per measurement to RESULTS, key=value pairs after a
# tag (bench/report.py reads them):
#   R sec= row= rep= pages= ns= minflt= majflt= ...   one workload run
#                            (sec=tlb_mprotect, tlb_munmap: pages= is the
#                            loop's iterations)
#   E sec= row= runs= events=                 samples a tool took in runs
#   N sec= row= why=                                  a row not measured
#   M key=value...                  memory, allocations, flush counts
#
# Environment: FAULTLAT_KO, FL_BENCH_FLOOR (the floor module),
# FL_BENCH_WORKLOAD (faultbench), FL_BENCH_PAGES (default 50000),
# FL_BENCH_REPS (runs per row; default 3, wall and smp 5), FL_BENCH_CHURN
# (threads of a churn run, default 2000), FL_BENCH_KO_NOTRACE
# (faultlat built with its trace events compiled out; that row is n/a
# without it), FL_BENCH_DFLOOR (the direct floor module: empty direct-call
# trampolines), FL_BENCH_ITERS (iterations of the TLB-flush loops,
# default 20000), FL_BENCH_ROWS (main mode: only these rows of the fault
# loop, as bench.sh --rows gives them).
#
# The faultlat rows say how handle_mm_fault() must be attached: the
# default (probe_mode=auto) and the notrace build directly, the *_kprobe
# rows by a kretprobe.  A row whose summary in debugfs says otherwise is
# n/a, with the summary's line as the reason.  The direct floor loads
# only if every function it attaches to is a direct call.
set -euo pipefail

mode=${1:?usage: guest.sh main|smp|wall RESULTS}
results=${2:?usage: guest.sh main|smp|wall RESULTS}
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
ko=${FAULTLAT_KO:-$top/module/faultlat.ko}
floor=${FL_BENCH_FLOOR:-$here/floor/faultlat_floor.ko}
fb=${FL_BENCH_WORKLOAD:-$here/faultbench}
pages=${FL_BENCH_PAGES:-50000}
ko_notrace=${FL_BENCH_KO_NOTRACE:-}
dfloor=${FL_BENCH_DFLOOR:-$here/floor/faultlat_dfloor.ko}
iters=${FL_BENCH_ITERS:-20000}
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
tracing=/sys/kernel/tracing
summary=/sys/kernel/debug/faultlat/summary
work=$(mktemp -d)

if [ "$mode" = main ]; then
	reps=${FL_BENCH_REPS:-3}
else
	reps=${FL_BENCH_REPS:-5}
fi

log() {
	printf 'bench[%s]: %s\n' "$mode" "$*" >&2
}

rec() {
	echo "$*" >>"$results"
}

declare -A said
na() {		# ROW WHY: a row that cannot be measured (said once)
	[ -z "${said[$1]:-}" ] || return 0
	said[$1]=1
	log "$1: n/a: $2"
	rec "N sec=$mode row=$1 why=$2"
}

# --- the tools, one row at a time ---

# bpftrace's one-liners: a per-thread start map and a histogram, as one
# would type them.
bt_kprobe='kprobe:handle_mm_fault { @start[tid] = nsecs; }
kretprobe:handle_mm_fault /@start[tid]/ {
	@lat = hist(nsecs - @start[tid]); delete(@start[tid]); }'
bt_kfunc='kfunc:handle_mm_fault { @start[tid] = nsecs; }
kretfunc:handle_mm_fault /@start[tid]/ {
	@lat = hist(nsecs - @start[tid]); delete(@start[tid]); }'
tool_pid=
consumer_pid=

wait_for() {	# WHAT SECONDS COMMAND...: poll until COMMAND succeeds
	local what=$1 secs=$2 i
	shift 2
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		if [ -n "$tool_pid" ] && ! kill -0 "$tool_pid" 2>/dev/null; then
			log "$what: the tool exited:"
			cat "$work/tool.log" >&2
			return 1
		fi
		sleep 0.1
	done
	log "$what: not ready after ${secs}s"
	return 1
}

# ROW HOW KO ARGS...: load faultlat (or a build of it) for ROW and check
# that handle_mm_fault() is attached HOW (direct or kretprobe).  Returns 1
# (and records why) when it is not.
fl_load() {
	local row=$1 how=$2 line
	shift 2
	if ! insmod "$@" 2>"$work/insmod.err"; then
		na "$row" "insmod $(basename "$1") ${*:2}: $(tr '\n' ' ' <"$work/insmod.err")"
		return 1
	fi
	cp "$summary" "/results/$mode-$row-summary.txt" 2>/dev/null || true
	line=$(grep '^probe  *handle_mm_fault:' "$summary" || echo "no probe line")
	if ! grep -q "^probe  *handle_mm_fault: $how\b" <<<"$line"; then
		rmmod faultlat
		na "$row" "not $how: summary says: $(tr -s ' ' <<<"$line")"
		return 1
	fi
}

# ROW TOOL: TOOL did not attach (it exited or is still starting): the
# row is n/a, with the last line the tool printed as the reason.
tool_failed() {
	local why
	[ -z "$tool_pid" ] || kill -INT "$tool_pid" 2>/dev/null || true
	[ -z "$tool_pid" ] || wait "$tool_pid" 2>/dev/null || true
	tool_pid=
	why=$(grep -v '^ *$' "$work/tool.log" | tail -n1 | tr -s ' \t' ' ' | cut -c1-200)
	cp "$work/tool.log" "/results/$mode-$1.log" 2>/dev/null || true
	na "$1" "$2 did not attach on $(uname -r): ${why:-no output}"
}

perf_attached() {
	[ "$(cat $tracing/current_tracer)" = function_graph ] &&
		[ "$(cat $tracing/tracing_on)" = 1 ]
}

# ROW: attach the instrumentation.  Returns 1 (and records why) when the
# row cannot be measured.
row_start() {
	tool_pid=
	consumer_pid=
	: >"$work/tool.log"
	case $1 in
	none) ;;
	floor) insmod "$floor" ;;
	direct_floor | direct_floor_tlb)
		local t=0
		[ "$1" = direct_floor ] || t=1
		if ! insmod "$dfloor" tlb=$t 2>"$work/insmod.err"; then
			na "$1" "insmod $(basename "$dfloor") tlb=$t: $(tr '\n' ' ' <"$work/insmod.err")$(dmesg | grep 'faultlat_dfloor: ' | tail -n1)"
			return 1
		fi
		;;
	faultlat_notlb) fl_load "$1" direct "$ko" tlb=0 ;;
	faultlat_nocg) fl_load "$1" direct "$ko" tlb=0 cgroups=0 ;;
	faultlat_causes) fl_load "$1" direct "$ko" tlb=0 causes=1 ;;
	faultlat_paths) fl_load "$1" direct "$ko" tlb=0 paths=1 ;;
	faultlat_notrace)
		if [ -z "$ko_notrace" ]; then
			na "$1" "needs faultlat built with its trace events compiled out (FL_BENCH_KO_NOTRACE)"
			return 1
		fi
		fl_load "$1" direct "$ko_notrace" tlb=0
		;;
	faultlat_trace | faultlat_tracef | faultlat_stack)
		fl_load "$1" direct "$ko" tlb=0 || return 1
		if [ ! -d $tracing/events/faultlat/fault ]; then
			rmmod faultlat
			na "$1" "trace events not implemented yet"
			return 1
		fi
		if [ "$1" = faultlat_trace ]; then
			# Enabled and consumed, as a user of the event would.
			echo 1 >$tracing/events/faultlat/fault/enable
			cat $tracing/trace_pipe >"$work/trace.out" &
			consumer_pid=$!
			sleep 1
			return 0
		fi
		mkdir $tracing/instances/faultlat-bench
		if [ "$1" = faultlat_stack ]; then
			# What faultlat trace --stack and record set up, with no
			# threshold: every fault captured with its kernel and
			# user stacks (the ring buffer overwrites; no reader)
			echo 1 >$tracing/instances/faultlat-bench/options/stacktrace
			echo 1 >$tracing/instances/faultlat-bench/options/userstacktrace
			echo 1 >$tracing/instances/faultlat-bench/events/faultlat/fault/enable
			return 0
		fi
		# A reader's threshold that no fault reaches, as faultlat
		# trace --min-latency 1s sets it: every event written and
		# thrown away by the instance's filter
		echo 'latency_ns >= 1000000000' \
			>$tracing/instances/faultlat-bench/events/faultlat/fault/filter
		echo 1 >$tracing/instances/faultlat-bench/events/faultlat/fault/enable
		;;
	faultlat) fl_load "$1" direct "$ko" ;;
	faultlat_kprobe) fl_load "$1" kretprobe "$ko" probe_mode=kprobe ;;
	faultlat_kprobe_notlb)
		fl_load "$1" kretprobe "$ko" probe_mode=kprobe tlb=0
		;;
	bpftrace_kprobe | bpftrace_kfunc)
		local prog=$bt_kprobe
		[ "$1" = bpftrace_kprobe ] || prog=$bt_kfunc
		bpftrace -e "$prog" >"$work/tool.log" 2>&1 &
		tool_pid=$!
		wait_for bpftrace 600 grep -q '^Attaching' "$work/tool.log" ||
			{ tool_failed "$1" bpftrace; return 1; }
		# Then let it settle: its start-up work is done and it is idle.
		sleep 2
		;;
	perf_ftrace)
		perf ftrace latency -T handle_mm_fault >"$work/tool.log" 2>&1 &
		tool_pid=$!
		wait_for perf 600 perf_attached ||
			{ tool_failed "$1" "perf ftrace"; return 1; }
		sleep 2
		;;
	*) log "unknown row $1"; return 1 ;;
	esac
}

# Sum of a bpftrace or perf histogram's counts.
hist_events() {
	case $1 in
	bpftrace_*)
		# [4K, 8K)   45929 |@@@@|   and   [0]   3 |@|
		awk '/^\[/ { sub(/^\[[^])]*[])]/, ""); n += $1 }
		     END { print n + 0 }' "$work/tool.log"
		;;
	perf_ftrace)
		# "     2 - 4    us |      82017 | ####   |"
		awk -F'|' 'NF >= 3 && $2 ~ /^ *[0-9]+ *$/ { n += $2 }
			   END { print n + 0 }' "$work/tool.log"
		;;
	esac
}

faultlat_events() {
	awk '$1 == "minor" || $1 == "major" { n += $2 } END { print n + 0 }' "$summary"
}

row_stop() {	# ROW RUNS
	local runs=$2

	case $1 in
	floor) rmmod faultlat_floor ;;
	direct_floor | direct_floor_tlb) rmmod faultlat_dfloor ;;
	faultlat_notlb | faultlat_notrace | faultlat_nocg | faultlat_causes | \
		faultlat_paths | faultlat | faultlat_kprobe*)
		rec "E sec=$mode row=$1 runs=$runs events=$(faultlat_events)"
		rmmod faultlat
		;;
	faultlat_trace)
		kill "$consumer_pid"
		wait "$consumer_pid" || true
		rec "E sec=$mode row=$1 runs=$runs events=$(grep -c . "$work/trace.out" || true)"
		echo 0 >$tracing/events/faultlat/fault/enable
		rmmod faultlat
		;;
	faultlat_tracef | faultlat_stack)
		if [ "$1" = faultlat_tracef ]; then
			rec "E sec=$mode row=$1 runs=$runs events=$(grep -vc '^#' \
				$tracing/instances/faultlat-bench/trace || true)"
		else
			# the faults (each captured), not the overwritten buffer's
			rec "E sec=$mode row=$1 runs=$runs events=$(faultlat_events)"
		fi
		echo 0 >$tracing/instances/faultlat-bench/events/faultlat/fault/enable
		rmdir $tracing/instances/faultlat-bench
		rmmod faultlat
		;;
	bpftrace_* | perf_ftrace)
		kill -INT "$tool_pid"
		wait "$tool_pid" || true
		rec "E sec=$mode row=$1 runs=$runs events=$(hist_events "$1")"
		cp "$work/tool.log" "/results/$mode-$1.log" 2>/dev/null || true
		;;
	esac
}

# SEC ROW REP ARGS...: one workload run, recorded; its line in $last.
last=
measure() {
	local sec=$1 row=$2 rep=$3
	shift 3
	last=$("$fb" "$@")
	log "$sec $row #$rep: $last"
	rec "R sec=$sec row=$row rep=$rep ${last#* }"
}

warm() {	# ARGS...: an untimed run
	"$fb" "$@" >/dev/null
}

module_rows=(none floor direct_floor faultlat_notlb faultlat_notrace faultlat_nocg
	faultlat_causes faultlat_paths faultlat_trace faultlat_tracef faultlat_stack
	faultlat faultlat_kprobe_notlb
	faultlat_kprobe)
tool_rows=(bpftrace_kprobe bpftrace_kfunc perf_ftrace)

workload_rows() {	# SEC RUN ARG ROW...: each row attached once, RUN ARG
			# (a faultbench command) $reps times
	local sec=$1 run=$2 arg=$3 row rep
	shift 3
	for row in "$@"; do
		row_start "$row" || continue
		warm "$run" "$arg"
		for ((rep = 1; rep <= reps; rep++)); do
			measure "$sec" "$row" "$rep" "$run" "$arg"
		done
		row_stop "$row" $((reps + 1))
	done
}

rows() {	# SEC ROW...: the fault loop's rows
	local sec=$1
	shift
	workload_rows "$sec" touch "$pages" "$@"
}

touch_once() {	# SEC ROW REP
	measure "$1" "$2" "$3" touch "$pages"
}

smp_once() {	# SEC ROW REP: one process alone, then two at once
	measure single "$2" "$3" touch "$pages"
	measure pair "$2" "$3" pair "$pages"
}

rounds() {	# SEC RUN RUNS ROW...: $reps rounds, each row once per round;
		# RUN does RUNS - 1 runs of $pages pages
	local sec=$1 run=$2 runs=$3 rep row
	shift 3
	for ((rep = 1; rep <= reps; rep++)); do
		for row in "$@"; do
			row_start "$row" || continue
			warm touch "$pages"
			"$run" "$sec" "$row" "$rep"
			row_stop "$row" "$runs"
		done
	done
}

# --- TLB flushes: flush_tlb_mm_range() once per iteration of faultbench's
# mprotect and munmap loops (munmap's also takes a fault each) ---
tlb_initiated() {	# flush_tlb_mm_range() calls faultlat counted so far
	awk '$1 == "initiated:" { print $3 + $5 }' /sys/kernel/debug/faultlat/tlb
}

tlb_rows=(none faultlat_notlb faultlat direct_floor direct_floor_tlb
	faultlat_kprobe_notlb faultlat_kprobe)
tlb() {
	local row w rep n0 line
	for row in "${tlb_rows[@]}"; do
		row_start "$row" || continue
		for w in mprotect munmap; do
			warm "$w" "$iters"
			n0=
			case $row in
			faultlat | faultlat_kprobe) n0=$(tlb_initiated) ;;
			esac
			for ((rep = 1; rep <= reps; rep++)); do
				measure "tlb_$w" "$row" "$rep" "$w" "$iters"
			done
			if [ -n "$n0" ]; then
				rec "M what=flushes row=$row work=$w iters=$((reps * iters)) flushes=$(($(tlb_initiated) - n0)) how=faultlat"
			elif [ "$row" = none ]; then
				# The kernel's own count: tlb:tlb_flush, which the
				# local flush of each flush_tlb_mm_range() fires.
				if perf stat -x, -e tlb:tlb_flush -o "$work/stat" -- \
					"$fb" "$w" "$iters" >/dev/null 2>"$work/perf.err"; then
					line=$(awk -F, '$3 ~ /tlb_flush/ { print $1 }' "$work/stat")
					rec "M what=flushes row=$row work=$w iters=$iters flushes=$line how=tlb:tlb_flush"
				else
					log "perf stat -e tlb:tlb_flush failed: $(tail -n1 "$work/perf.err")"
				fi
			fi
		done
		row_stop "$row" $((2 * (reps + 1)))
	done
}

# --- task switches: what faultlat's sched_switch probe costs (direct mode
# only: it holds the module for a thread that blocks in a traced call) ---
switches() {
	workload_rows switch switch "$iters" none faultlat faultlat_kprobe
}

# --- tracked tasks: 1, 1000 and max_tasks alive, each holding a record ---
scale() {
	local n idle
	for n in 0 1000 fill; do
		insmod "$ko"
		warm touch "$pages"
		measure scale faultlat "$n" touch "$pages" "$n"
		rmmod faultlat
		# The same number of idle threads without faultlat.
		idle=$(sed -n 's/.* idle=\([0-9]*\) .*/\1/p' <<<"$last")
		warm touch "$pages"
		measure scale none "$n" touch "$pages" "$idle"
	done
}

# --- thread churn: short-lived threads, each a new record, made at its
# first fault and folded at its exit; few and many alive at once ---
churn_threads=${FL_BENCH_CHURN:-2000}
churn() {	# SEC
	local row w rep
	for row in none faultlat; do
		row_start "$row" || continue
		for w in 32 256; do
			warm churn "$churn_threads" "$w"
			for ((rep = 1; rep <= reps; rep++)); do
				measure "$1" "$row" "$rep" churn "$churn_threads" "$w"
			done
		done
		row_stop "$row" $((2 * (reps + 1)))
	done
}

# --- memory: what loading takes, at max_tasks=4096 and 65536 ---
meminfo() {	# FIELD: kB
	awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo
}

mem_snapshot() {	# PREFIX
	local f
	sync
	echo 3 >/proc/sys/vm/drop_caches
	for f in MemAvailable MemFree Slab Percpu VmallocUsed; do
		printf ' %s_%s=%s' "$1" "$f" "$(meminfo $f)"
	done
}

memory() {
	local max line
	for max in 4096 65536; do
		line="M what=load max_tasks=$max$(mem_snapshot before)"
		insmod "$ko" max_tasks=$max
		line+=$(mem_snapshot after)
		line+=" module_bytes=$(awk '$1 == "faultlat" { print $2 }' /proc/modules)"
		line+=" $(sed -n 's/^tasks *[0-9]*\/[0-9]* used (\([0-9]*\) KiB, \([0-9]*\) bytes per record)/table_kib=\1 record_bytes=\2/p' "$summary")"
		rmmod faultlat
		rec "$line"
	done
}

# --- allocations: the kernel's allocation tracepoints, counted for one
# workload run without and with faultlat (and for the floor) ---
alloc_events=kmem:kmalloc,kmem:kmem_cache_alloc,kmem:mm_page_alloc,percpu:percpu_alloc_percpu
allocs() {
	local row line
	for row in none floor faultlat faultlat_kprobe; do
		row_start "$row" || continue
		warm touch "$pages"
		if ! perf stat -x, -e "$alloc_events" -o "$work/stat" -- \
			"$fb" touch "$pages" >"$work/fb.out" 2>"$work/perf.err"; then
			log "perf stat -e $alloc_events failed: $(tail -n1 "$work/perf.err")"
			row_stop "$row" 2
			continue
		fi
		row_stop "$row" 2
		# perf stat -x,: count,unit,event,...
		line="M what=allocs row=$row"
		line+=$(awk -F, '$3 ~ /:/ { sub(/.*:/, "", $3); printf " %s=%s", $3, $1 }' "$work/stat")
		line+=" $(sed 's/^touch //; s/\([a-z_]*\)=/run_\1=/g' "$work/fb.out")"
		rec "$line"
	done
}

# --- the slow path: major faults on a file of a brd ramdisk ---
major() {
	local mnt=$work/mnt
	modprobe brd rd_nr=1 rd_size=65536
	modprobe ext4
	mkfs.ext4 -q -F /dev/ram0
	mkdir -p "$mnt"
	mount /dev/ram0 "$mnt"
	dd if=/dev/urandom of="$mnt/data" bs=1M count=32 status=none
	sync
	workload_rows major file "$mnt/data" none floor direct_floor \
		faultlat_notlb faultlat faultlat_kprobe
	umount "$mnt"
	rmmod brd
}

environment() {
	rec "M what=env kernel=$(uname -r) cpus=$(nproc) pages=$pages reps=$reps" \
	    "clear_page=$(grep -qw erms /proc/cpuinfo && echo erms || echo rep_good)" \
	    "bpftrace=$(bpftrace --version | awk '{ print $2 }')" \
	    "perf=$(perf version | awk '{ print $3 }')"
}

cleanup() {
	local m
	[ -z "$tool_pid" ] || kill -INT "$tool_pid" 2>/dev/null || true
	[ -z "$consumer_pid" ] || kill "$consumer_pid" 2>/dev/null || true
	for m in faultlat faultlat_floor faultlat_dfloor; do
		grep -q "^$m " /proc/modules && rmmod "$m"
	done
	rm -rf "$work"
}
trap cleanup EXIT

: >"$results"
# A fixed size for the per-CPU page lists: since 6.7 the kernel tunes it
# as it goes, so the allocator's work per fault (its refills from the
# zone) drifts with the runs before, by up to 10 instructions a fault
# between rows of one 7.3 boot; 6.1 has the sysctl too.
pcp=/proc/sys/vm/percpu_pagelist_high_fraction
[ ! -w $pcp ] || echo 8 >$pcp
environment
case $mode in
main)
	if [ -n "${FL_BENCH_ROWS:-}" ]; then
		# bench.sh --rows: those rows of the fault loop, nothing else
		read -ra only <<<"$FL_BENCH_ROWS"
		rows main "${only[@]}"
		log "done"
		exit 0
	fi
	rows main "${module_rows[@]}" "${tool_rows[@]}"
	tlb
	switches
	scale
	churn churn
	memory
	allocs
	major
	;;
smp)
	rounds smp smp_once 4 none floor direct_floor faultlat_notlb faultlat \
		faultlat_kprobe
	churn churn_smp
	;;
wall)
	rounds wall touch_once 2 "${module_rows[@]}"
	rows wall "${tool_rows[@]}"
	;;
*)
	log "unknown mode $mode"
	exit 2
	;;
esac
log "done"
