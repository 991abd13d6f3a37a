#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End-to-end tests of the faultlat client on a host without the module:
# usage errors, help, a missing device, /dev/null (ENOTTY), and the
# LD_PRELOAD fake device tests/fakedev.so.  Plain TAP on stdout.
#
#   tests/cli_test.sh        (from userspace/, after make)
set -u

cd "$(dirname "$0")/.." || exit 1
FL=$PWD/faultlat
FAKE=$PWD/tests/fakedev.so
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
echo "TAP version 13"

ok() {	# ok COND-EXIT-STATUS NAME
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		echo "#   rc=$rc"
		sed 's/^/#   out: /' "$tmp/out" | head -20
		sed 's/^/#   err: /' "$tmp/err" | head -20
	fi
}

# run CMD...: sets rc, $tmp/out, $tmp/err
run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# fake SETTINGS CMD...: run against the fake device; $tmp/log has its calls
fake() {
	local settings=$1

	shift
	: >"$tmp/log"
	run env FAULTLAT_DEVICE=/dev/null LD_PRELOAD="$FAKE" \
		FAKE_FAULTLAT="$settings" FAKE_FAULTLAT_LOG="$tmp/log" "$@"
}

has() {	# has FILE TEXT: fixed string
	grep -qF -- "$2" "$tmp/$1"
}

# json FILE PYTHON-EXPR: the expression, with j the parsed JSON, is true
json() {
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$tmp/$1" "$2"
}

# --- usage, help, dispatch ---------------------------------------------------

run "$FL" --version
ok $(( rc != 0 )) "--version exits 0"
has out "ABI 1"; ok $? "--version names the ABI"

run "$FL"
[ $rc -eq 2 ]; ok $? "no command: usage error 2"

run "$FL" frobnicate
[ $rc -eq 2 ] && has err "unknown command 'frobnicate'"; ok $? "unknown command: 2"

run "$FL" r
[ $rc -eq 2 ] && has err "ambiguous command 'r': could be run reset"
ok $? "ambiguous prefix: 2, lists the candidates"

run "$FL" --bogus
[ $rc -eq 2 ]; ok $? "unknown global option: 2"

for c in hist run status reset tasks trace top; do
	run "$FL" $c --help
	[ $rc -eq 0 ] && has out "Usage: faultlat $c" && has out EXAMPLES
	ok $? "$c --help: usage and EXAMPLES"
	run "$FL" help "${c:0:3}"
	[ $rc -eq 0 ] && has out "Usage: faultlat $c"
	ok $? "help ${c:0:3}: help of $c by prefix"
done

run "$FL" help
[ $rc -eq 0 ] && has out EXAMPLES && has out FAULTLAT_DEVICE && has out "faultlat hist --tlb" &&
has out "  trace    print faults" && has out "  top      the processes that spend the most time"
ok $? "help: main help, trace and top listed"

run "$FL" hist --help
[ $rc -eq 0 ] && has out "faultlat hist --tlb [-p PID | -t TID | -a | -G CGROUP [--own]]" &&
has out "      --tlb       TLB flushes instead of faults" && has out "sudo faultlat hist --tlb "
ok $? "hist --help: --tlb, its usage and examples"

run "$FL" -h
[ $rc -eq 0 ] && has out "Commands"; ok $? "-h: main help"

run "$FL" hist -p abc
[ $rc -eq 2 ] && has err "invalid PID 'abc'"; ok $? "hist -p abc: 2"

run "$FL" hist -t 0
[ $rc -eq 2 ] && has err "invalid TID '0'"; ok $? "hist -t 0: 2"

run "$FL" hist -p 1 -t 2
[ $rc -eq 2 ] && has err "exclude each other"; ok $? "hist -p -t: 2"

run "$FL" hist extra
[ $rc -eq 2 ] && has err "unexpected argument 'extra'"; ok $? "hist extra: 2"

run "$FL" hist -z
[ $rc -eq 2 ] && has err "faultlat hist: invalid option"
ok $? "getopt errors name the subcommand"

run "$FL" run
[ $rc -eq 2 ] && has err "no command given"; ok $? "run without command: 2"

run "$FL" status extra
[ $rc -eq 2 ]; ok $? "status extra: 2"

# --- no device, wrong device ---------------------------------------------------

export FAULTLAT_DEVICE=$tmp/nonexistent
for c in hist status reset tasks "run true" trace top "hist -i 1"; do
	# shellcheck disable=SC2086
	run "$FL" $c
	[ $rc -eq 1 ] &&
	has err "faultlat: $tmp/nonexistent not found: the faultlat module is not loaded (load it with: sudo insmod module/faultlat.ko, or sudo modprobe faultlat)"
	ok $? "$c without the device: 1, says the module is not loaded"
done

run "$FL" st
[ $rc -eq 1 ] && has err "module is not loaded"; ok $? "'st' is status"

run "$FL" run -- touch "$tmp/ran"
[ $rc -eq 1 ] && [ ! -e "$tmp/ran" ]
ok $? "run without the device does not run the command"

export FAULTLAT_DEVICE=/dev/null
run "$FL" hist
[ $rc -eq 1 ] && has err "ABI versions differ"
ok $? "/dev/null (ENOTTY): 1, says the ABI versions differ"
unset FAULTLAT_DEVICE

# --- hist on the fake device -------------------------------------------------

fake "" "$FL" hist
[ $rc -eq 0 ] && has out "all tasks, system-wide:" &&
has out "     nsecs               : count     distribution" &&
has out "       128 -> 160        : 50       |****************************************|" &&
has out "count 100  avg 250ns  p50 160ns  p90 320ns  p99 640ns  p99.9 1.10us  max 1.10us" &&
has out "     usecs               : count     distribution" &&
has out "  1048.576 -> 1310.720   : 1        |*************                           |" &&
has out "count 4  avg 300.90us  p50 1.28us  p90 1.20ms  p99 1.20ms  p99.9 1.20ms  max 1.20ms" &&
has out "mode: user 90 kernel 10 | kind: anon 60 file 40 shmem 0 hugetlb 0 | access: read 30 write 60 exec 10 | no_regs 5" &&
has out "errors 2  retries 1  abandoned 0  calls 107  fallbacks 1" &&
has out "nmissed 0  dropped 0"
ok $? "hist: tables, summaries, breakdowns, counters"

[ "$(grep -c distribution "$tmp/out")" -eq 2 ] &&
[ "$(head -n1 "$tmp/out")" = "all tasks, system-wide:" ]
ok $? "hist: two tables, minor then major"

fake "" "$FL" hist --major
[ $rc -eq 0 ] && ! has out "minor faults" && has out "major faults:"
ok $? "hist --major: only major"

fake "empty=1,nmissed=3,dropped=4" "$FL" hist
[ $rc -eq 0 ] && has out "No faults recorded" && ! has out distribution &&
has out "nmissed 3  dropped 4"
ok $? "hist, empty: 'No faults recorded', counters still shown"

fake "" "$FL" hist -p $$
[ $rc -eq 0 ] && has out "process $$ (" && has out "1 live thread" &&
grep -q "^TASK id=$$ flags=1 " "$tmp/log"
ok $? "hist -p: process view (FAULTLAT_TASK_PROCESS)"

fake "" "$FL" hist -t $$
[ $rc -eq 0 ] && has out "thread $$ (" && grep -q "^TASK id=$$ flags=0 " "$tmp/log"
ok $? "hist -t: thread view"

fake "global_err=EPERM" "$FL" hist -a
[ $rc -eq 1 ] && has err "CAP_PERFMON or CAP_SYS_ADMIN"
ok $? "hist -a, EPERM: 1, names the capabilities"

fake "task_err=EACCES" "$FL" hist -p $$
[ $rc -eq 1 ] && has err "faultlat: permission denied reading process $$ (" &&
has err "): it belongs to another user; run as root or with CAP_PERFMON"
ok $? "hist -p, EACCES: names the process and its comm"

fake "task_err=ESRCH" "$FL" hist -p 12345
[ $rc -eq 1 ] && has err "faultlat: no faults recorded for PID 12345 (not tracked, or never faulted since load/reset)"
ok $? "hist -p, ESRCH"

fake "task_err=ESRCH" "$FL" hist -t 12345
[ $rc -eq 1 ] && has err "no faults recorded for TID 12345"
ok $? "hist -t, ESRCH says TID"

fake "abi=2" "$FL" hist
[ $rc -eq 1 ] && has err "the module and client ABI versions differ: module 1.0 has ABI 2"
ok $? "module with another ABI: 1"

fake "buckets=100" "$FL" hist
[ $rc -eq 1 ] && has err "with 100 buckets"
ok $? "module with another bucket count: 1"

fake "global_err=EINVAL" "$FL" hist
[ $rc -eq 1 ] && has err "ABI versions differ (module 1.0 ABI 1, client 1.0 ABI 1)"
ok $? "EINVAL from a command: ABI message with both versions"

fake "nmissed=7" "$FL" hist -j
[ $rc -eq 0 ] && json out 'j["view"] == "global" and j["nmissed"] == 7 and j["dropped"] == 0 and
	j["stats"]["minor"]["count"] == 100 and j["stats"]["minor"]["p50_ns"] == 160 and
	j["stats"]["minor"]["p90_ns"] == 320 and j["stats"]["minor"]["p99_ns"] == 640 and
	j["stats"]["minor"]["p999_ns"] == 1100 and j["stats"]["minor"]["sum_ns"] == 25000 and
	j["stats"]["minor"]["min_ns"] == 130 and j["stats"]["minor"]["max_ns"] == 1100 and
	j["stats"]["minor"]["buckets"] == [
		{"lo_ns": 128, "hi_ns": 160, "count": 50},
		{"lo_ns": 256, "hi_ns": 320, "count": 40},
		{"lo_ns": 512, "hi_ns": 640, "count": 9},
		{"lo_ns": 1024, "hi_ns": 1280, "count": 1}] and
	j["stats"]["major"]["count"] == 4 and j["stats"]["errors"] == 2 and
	j["stats"]["by_mode"]["minor"] == {"user": 90, "kernel": 10} and
	j["stats"]["by_kind"]["major"]["file"] == 4 and
	j["stats"]["by_access"]["minor"]["exec"] == 10 and
	j["stats"]["no_regs"] == {"minor": 5, "major": 0}'
ok $? "hist -j: JSON values"
[ "$(wc -l <"$tmp/out")" -eq 1 ]; ok $? "hist -j: one line"

fake "" "$FL" --pretty hist --minor
[ $rc -eq 0 ] && [ "$(wc -l <"$tmp/out")" -gt 10 ] &&
json out '"major" not in j["stats"] and "minor" in j["stats"]'
ok $? "global --pretty: pretty JSON; --minor leaves major out"

# -p is --pid wherever it is taken: never --pretty
fake "" "$FL" -p hist
[ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && has err "-p is no global option" &&
	! [ -s "$tmp/log" ]
ok $? "global -p: a usage error that points to --pid and --pretty"
fake "" "$FL" hist -p $$
[ $rc -eq 0 ] && has out "process $$ (" && ! has out '"view"'
ok $? "hist -p PID: the process, as text"

fake "" "$FL" hist -p $$ --pretty
[ $rc -eq 0 ] && json out 'j["view"] == "process" and j["pid"] == '$$' and
	j["nr_threads"] == 1 and j["exited"] is False and j["comm"] != ""'
ok $? "hist -p --pretty: process JSON"

# --- hist --tlb on the fake device ---------------------------------------------

fake "" "$FL" hist --tlb
[ $rc -eq 0 ] && has out "all tasks, system-wide:" &&
has out "TLB flushes (flush_tlb_mm_range, including the wait for remote CPUs):" &&
has out "       256 -> 320        : 30       |****************************************|" &&
has out "      8192 -> 10240      : 2        |**                                      |" &&
has out "count 40  avg 1.60us  p50 320ns  p90 5.12us  p99 9.00us  p99.9 9.00us  max 9.00us" &&
has out "full 4  ranged 36  pages 100  remote 10  local_only 30  ipis 12  ipi_targets 12" &&
has out "IPI wait (outermost calls of the IPI function: send, then wait for the CPUs):" &&
has out "     4.096 -> 5.120      : 10       |****************************************|" &&
has out "count 12  avg 5.00us  p50 5.12us  p90 9.00us  p99 9.00us  p99.9 9.00us  max 9.00us" &&
has out "received remote flushes (flush_tlb_func() run for another CPU, in its IPI):" &&
has out "count 12  avg 1.10us  p50 1.25us  p90 1.25us  p99 1.25us  p99.9 1.25us  max 1.25us" &&
has out "received: remote 12  local 30" &&
has out "   CPU       REMOTE        LOCAL        P50        MAX" &&
has out "     0            5           20     1.20us     1.20us" &&
has out "     1            7           10     1.25us     1.25us" &&
has out "tlb:tlb_flush events since load (never reset):" &&
has out "task_switch                   500           20            0" &&
has out "remote_send_ipi                12            2           30" &&
has out "ipi function: native_flush_tlb_multi (12002 calls)" &&
[ "$(tail -n1 "$tmp/out")" = "nmissed 0" ] && ! has out "minor faults" && [ ! -s "$tmp/err" ]
ok $? "hist --tlb: flushes, IPI wait, received, per CPU, reasons, IPI function, nmissed"

[ "$(grep -c distribution "$tmp/out")" -eq 3 ] &&
[ "$(grep -c '^TLB_GLOBAL cpu_size=968 nr_cpus=[1-9]' "$tmp/log")" -eq 1 ] &&
! grep -q "^TASK\|^TLB_TASK" "$tmp/log"
ok $? "hist --tlb: three tables, one FAULTLAT_IOC_TLB_GLOBAL with the per-CPU array"

cpu_rows() {
	awk '/^ +CPU +REMOTE/ { on = 1; next } on && NF == 0 { on = 0 } on { n++ } END { print n }' "$tmp/out"
}

fake "cpus=300" "$FL" hist --tlb -a
[ $rc -eq 0 ] && [ "$(cpu_rows)" -eq 300 ] &&
has out "   299            0            0          -          -" &&
[ "$(grep -c '^TLB_GLOBAL' "$tmp/log")" -eq 2 ] &&
[ "$(sed -n 's/^TLB_GLOBAL .* nr_cpus=//p' "$tmp/log" | tail -n1)" -eq 300 ]
ok $? "hist --tlb, 300 possible CPUs: asks again with room for all, shows each"

fake "cpus=300,old_nr_cpus=1" "$FL" hist --tlb -a
[ $rc -eq 0 ] && [ "$(cpu_rows)" -eq 300 ] && has out "   299            0            0" &&
[ "$(sed -n 's/^TLB_GLOBAL .* nr_cpus=//p' "$tmp/log" | tail -n1)" -gt 300 ]
ok $? "hist --tlb, 300 CPUs, a module answering the entries written: grows until all fit"

fake "tlb_nmissed=5" "$FL" hist --tlb -p $$
[ $rc -eq 0 ] && has out "process $$ (" && has out "1 live thread" &&
has out "count 40  avg 1.60us" && has out "full 4  ranged 36" &&
! has out "IPI wait" && ! has out "ipi function" && [ "$(tail -n1 "$tmp/out")" = "nmissed 5" ] &&
grep -q "^TLB_TASK id=$$ flags=1 " "$tmp/log" && grep -q "^TLB_GLOBAL cpu_size=0 nr_cpus=0" "$tmp/log"
ok $? "hist --tlb -p: the process's flushes (FAULTLAT_TASK_PROCESS), nmissed"

fake "" "$FL" hist --tlb -t $$
[ $rc -eq 0 ] && has out "thread $$ (" && grep -q "^TLB_TASK id=$$ flags=0 " "$tmp/log"
ok $? "hist --tlb -t: thread view"

fake "tlb_global_err=EPERM" "$FL" hist --tlb -p $$
[ $rc -eq 0 ] &&
has out "nmissed unknown (the TLB probes' count needs CAP_PERFMON or CAP_SYS_ADMIN)" &&
[ ! -s "$tmp/err" ]
ok $? "hist --tlb -p without CAP_PERFMON: nmissed unknown, exit 0"

fake "tlb_global_err=EPERM" "$FL" hist --tlb -p $$ -j
[ $rc -eq 0 ] && json out 'j["view"] == "process" and j["nmissed"] is None and
	j["pid"] == '$$' and j["tlb"]["flush"]["count"] == 40'
ok $? "hist --tlb -p -j without CAP_PERFMON: nmissed null"

fake "tlb_global_err=EPERM" "$FL" hist --tlb
[ $rc -eq 1 ] && has err "faultlat: permission denied: system-wide TLB-flush statistics need CAP_PERFMON or CAP_SYS_ADMIN (run as root, or look at your own processes with 'faultlat hist --tlb -p PID')"
ok $? "hist --tlb -a, EPERM: 1, names the capabilities"

fake "tlb_global_err=ENOTTY" "$FL" hist --tlb
[ $rc -eq 1 ] && has err "faultlat: this faultlat module does not measure TLB flushes (FAULTLAT_IOC_TLB_GLOBAL is unknown to it): load a newer module" &&
! has err "ABI versions differ"
ok $? "hist --tlb on a module without TLB commands (ENOTTY): says so"

fake "tlb_task_err=ESRCH" "$FL" hist --tlb -p 12345
[ $rc -eq 1 ] && has err "faultlat: no TLB flushes recorded for PID 12345 (not tracked, or it neither faulted nor flushed since load)"
ok $? "hist --tlb -p, ESRCH"

fake "tlb_task_err=EACCES" "$FL" hist --tlb -t $$
[ $rc -eq 1 ] && has err "faultlat: permission denied reading thread $$ ("
ok $? "hist --tlb -t, EACCES: names the thread"

fake "" "$FL" hist --tlb --major
[ $rc -eq 2 ] && has err "--minor and --major are for faults, not --tlb"
ok $? "hist --tlb --major: usage error 2"

fake "notlb=1" "$FL" hist --tlb
[ $rc -eq 0 ] && has err "the module's TLB-flush probes are not attached (loaded with tlb=0?)" &&
has out "TLB flushes: none" && has out "ipi function: unknown (no IPI function probe attached)"
ok $? "hist --tlb, TLB probes not attached: says so on stderr, exit 0"

fake "notrace=1" "$FL" hist --tlb
[ $rc -eq 0 ] && has out "tlb:tlb_flush events: the tracepoint is not attached" &&
! has out "task_switch"
ok $? "hist --tlb, tracepoint not attached: no reasons table"

fake "empty=1" "$FL" hist --tlb
[ $rc -eq 0 ] && has out "TLB flushes: none" &&
has out "IPI wait (outermost calls of the IPI function: send, then wait for the CPUs): none" &&
has out "received: remote 0  local 0" &&
has out "     0            0            0          -          -" && ! has out distribution
ok $? "hist --tlb, empty: 'none', CPUs without percentiles"

fake "ipi_native=0,ipi_kvm=7" "$FL" hist --tlb
has out "ipi function: kvm_flush_tlb_multi (7 calls)"; ok $? "hist --tlb: the KVM IPI function"
fake "ipi_native=0" "$FL" hist --tlb
has out "ipi function: none called yet (attached: native_flush_tlb_multi, kvm_flush_tlb_multi)"
ok $? "hist --tlb: no IPI function called yet"
fake "ipi_kvm=1" "$FL" hist --tlb
has out "ipi function: native_flush_tlb_multi (12002 calls), also kvm_flush_tlb_multi (1)"
ok $? "hist --tlb: two IPI functions called"

fake "tlb_nmissed=9" "$FL" hist --tlb -j
[ $rc -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] &&
json out 'j["view"] == "global" and j["nmissed"] == 9 and "stats" not in j and
	j["tlb"]["flush"]["count"] == 40 and j["tlb"]["flush"]["p90_ns"] == 5120 and
	j["tlb"]["flush"]["p99_ns"] == 9000 and j["tlb"]["flush"]["sum_ns"] == 64000 and
	j["tlb"]["flush"]["buckets"] == [
		{"lo_ns": 256, "hi_ns": 320, "count": 30},
		{"lo_ns": 4096, "hi_ns": 5120, "count": 8},
		{"lo_ns": 8192, "hi_ns": 10240, "count": 2}] and
	j["tlb"]["full"] == 4 and j["tlb"]["ranged"] == 36 and j["tlb"]["pages"] == 100 and
	j["tlb"]["remote"] == 10 and j["tlb"]["local_only"] == 30 and
	j["tlb"]["ipis"] == 12 and j["tlb"]["ipi_targets"] == 12 and
	j["ipi"]["count"] == 12 and j["ipi"]["p50_ns"] == 5120 and
	j["received"]["count"] == 12 and j["received"]["min_ns"] == 1030 and
	j["received_remote"] == 12 and j["received_local"] == 30 and
	[(c["cpu"], c["received_remote"], c["received_local"], c["received"]["max_ns"])
	 for c in j["cpus"]] == [(0, 5, 20, 1200), (1, 7, 10, 1250)] and
	j["reasons"]["remote_shootdown"] == {"count": 11, "full": 1, "pages": 30} and
	sorted(j["reasons"]) == sorted(["task_switch", "remote_shootdown",
		"local_shootdown", "local_mm_shootdown", "remote_send_ipi"]) and
	j["ipi_function"] == {"in_use": "native_flush_tlb_multi",
		"calls": {"native_flush_tlb_multi": 12002, "kvm_flush_tlb_multi": 0}}'
ok $? "hist --tlb -j: JSON values, one line"

fake "notrace=1,ipi_native=0" "$FL" hist --tlb --pretty
[ $rc -eq 0 ] && json out 'j["reasons"] is None and j["ipi_function"]["in_use"] is None'
ok $? "hist --tlb --pretty: reasons null without the tracepoint, in_use null"

# --- run -----------------------------------------------------------------------

fake "" "$FL" run -- true
[ $rc -eq 0 ] && has err "faultlat: 'true' (pid " && has err "exited with status 0" &&
has err "getrusage: minflt " && has err "(faultlat: minor 100 major 4)" &&
has err "nmissed 0 (+0 during the run)  dropped 0 (+0 during the run)" &&
has err "     nsecs               : count     distribution" && [ ! -s "$tmp/out" ]
ok $? "run true: report on stderr, exit 0"

grep -Eq "^TASK id=[0-9]+ flags=1 state=Z$" "$tmp/log"
ok $? "run reads the process view while the child is a zombie (WNOWAIT)"

has err "TLB flushes (flush_tlb_mm_range, including the wait for remote CPUs):" &&
has err "count 40  avg 1.60us  p50 320ns" &&
has err "full 4  ranged 36  pages 100  remote 10  local_only 30  ipis 12  ipi_targets 12" &&
has err "nmissed 0 (+0 during the run)  dropped 0 (+0 during the run)  tlb nmissed 0 (+0 during the run)" &&
[ "$(grep -c distribution "$tmp/err")" -eq 3 ] &&
[ "$(grep -n "^getrusage: " "$tmp/err" | cut -d: -f1)" -lt "$(grep -n "^TLB flushes" "$tmp/err" | cut -d: -f1)" ]
ok $? "run: the TLB flushes after the fault histograms, tlb nmissed"

grep -Eq "^TLB_TASK id=[0-9]+ flags=1 state=Z$" "$tmp/log" &&
[ "$(grep -A1 "^TASK " "$tmp/log" | tail -n1 | cut -d' ' -f1)" = TLB_TASK ]
ok $? "run reads the TLB process view right after the fault view, zombie too"

fake "" "$FL" run sh -c 'exit 7'
[ $rc -eq 7 ] && has err "exited with status 7"
ok $? "run: exits with the command's status, no -- needed"

fake "" "$FL" run -- sh -c 'kill -TERM $$'
[ $rc -eq 143 ] && has err "killed by signal 15 (Terminated)"
ok $? "run: killed by SIGTERM gives 143"

fake "" "$FL" run -- "$tmp/no-such-command"
[ $rc -eq 127 ] && has err "faultlat: cannot run '$tmp/no-such-command': No such file or directory"
ok $? "run: command not found gives 127"

printf 'x\n' >"$tmp/notexec"
chmod 644 "$tmp/notexec"
fake "" "$FL" run -- "$tmp/notexec"
[ $rc -eq 126 ] && has err "Permission denied"
ok $? "run: command not executable gives 126"

fake "" "$FL" run -o "$tmp/report" -- sh -c 'exit 3'
[ $rc -eq 3 ] && grep -q "exited with status 3" "$tmp/report" && [ ! -s "$tmp/err" ]
ok $? "run -o FILE: report in FILE"

fake "nmissed=2" "$FL" run -j -- true
[ $rc -eq 0 ] && json out 'j["command"] == ["true"] and j["exit_status"] == 0 and
	j["signal"] is None and j["pid"] > 0 and j["tracked"] is True and
	j["comm"] == "true" and j["nmissed"] == 2 and j["nmissed_delta"] == 0 and
	j["dropped"] == 0 and "minflt" in j["getrusage"] and "majflt" in j["getrusage"] and
	j["getrusage"]["minflt"] > 0 and j["stats"]["minor"]["count"] == 100 and
	j["elapsed_ns"] > 0 and j["tlb"]["flush"]["count"] == 40 and
	j["tlb"]["flush"]["p50_ns"] == 320 and j["tlb"]["remote"] == 10 and
	j["tlb"]["ipi_targets"] == 12 and j["tlb_nmissed"] == 0 and
	j["tlb_nmissed_delta"] == 0'
ok $? "run -j: JSON on stdout"

fake "tlb_nmissed=4" "$FL" run -j -- true
[ $rc -eq 0 ] && json out 'j["tlb_nmissed"] == 4 and j["tlb_nmissed_delta"] == 0'
ok $? "run -j: tlb_nmissed"

fake "notlb=1" "$FL" run -- true
[ $rc -eq 0 ] && has err "TLB flushes: not measured (the module's TLB probes are not attached)" &&
! has err "full 0"
ok $? "run, TLB probes not attached: says so"

fake "notlb=1" "$FL" run -j -- true
[ $rc -eq 0 ] && json out 'j["tlb"] is None and j["stats"] is not None'
ok $? "run -j, TLB probes not attached: tlb null"

fake "tlb_task_err=ENOTTY,tlb_global_err=ENOTTY" "$FL" run -- sh -c 'exit 5'
[ $rc -eq 5 ] && has err "TLB flushes: not measured (the module does not know FAULTLAT_IOC_TLB_TASK)" &&
! has err "ABI versions differ" && ! has err "tlb nmissed" && has err "(faultlat: minor 100 major 4)"
ok $? "run on a module without TLB commands: faults only, exit status kept"

fake "tlb_task_err=ENOTTY,tlb_global_err=ENOTTY" "$FL" run -j -- true
[ $rc -eq 0 ] && json out 'j["tlb"] is None and j["tlb_nmissed"] is None and
	j["tlb_nmissed_delta"] is None and j["stats"]["minor"]["count"] == 100'
ok $? "run -j on a module without TLB commands: tlb null"

fake "tlb_global_err=EPERM" "$FL" run -- true
[ $rc -eq 0 ] && ! has err "tlb nmissed" && has err "full 4  ranged 36" &&
! has err "permission denied"
ok $? "run without CAP_PERFMON: TLB flushes, no tlb nmissed"

fake "empty=1" "$FL" run -- true
[ $rc -eq 0 ] && has err "TLB flushes: none" &&
has err "full 0  ranged 0  pages 0  remote 0  local_only 0  ipis 0  ipi_targets 0"
ok $? "run, no flush: 'TLB flushes: none' and the counts"

fake "" "$FL" run -j -o "$tmp/report.json" -- sh -c 'kill -KILL $$'
cp "$tmp/report.json" "$tmp/out"
[ $rc -eq 137 ] && json out 'j["exit_status"] == 137 and j["signal"] == 9'
ok $? "run -j -o: JSON in FILE, SIGKILL gives 137"

fake "task_err=ESRCH" "$FL" run -- sh -c 'exit 4'
[ $rc -eq 4 ] && has err "No faults recorded for PID" && has err "getrusage: minflt"
ok $? "run, child not tracked (ESRCH): says so, keeps the exit status"

fake "task_err=ESRCH,tlb_task_err=ESRCH" "$FL" run -j -- true
[ $rc -eq 0 ] && json out 'j["tracked"] is False and j["stats"] is None and j["tlb"] is None'
ok $? "run -j, ESRCH: stats and tlb null"

# SIGTERM to faultlat reaches the child
(
	export FAULTLAT_DEVICE=/dev/null LD_PRELOAD="$FAKE" FAKE_FAULTLAT=
	exec "$FL" run -- sleep 30
) >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 50); do
	pgrep -P $pid sleep >/dev/null && break
	sleep 0.1
done
kill -TERM $pid
wait $pid
rc=$?
[ $rc -eq 143 ] && has err "killed by signal 15"
ok $? "run forwards SIGTERM to the command"

# --- hist -i -------------------------------------------------------------------

run "$FL" hist -i 0
[ $rc -eq 2 ] && has err "faultlat hist: invalid interval '0'"; ok $? "hist -i 0: usage error"
run "$FL" hist -i 5ms
[ $rc -eq 2 ] && has err "10ms or more"; ok $? "hist -i 5ms: below 10ms, usage error"
run "$FL" hist -i 1 abc
[ $rc -eq 2 ] && has err "faultlat hist: invalid count 'abc'"; ok $? "hist -i 1 abc: usage error"
run "$FL" hist -i 1 3 4
[ $rc -eq 2 ] && has err "unexpected argument '4'"; ok $? "hist -i 1 3 4: one COUNT only"
run "$FL" hist 3
[ $rc -eq 2 ] && has err "unexpected argument '3'"; ok $? "hist COUNT without -i: usage error"

fake "grow=1" "$FL" hist -i 0.1 2
[ $rc -eq 0 ] && [ "$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}  interval [0-9.]+ms, all tasks, system-wide:$' "$tmp/out")" -eq 2 ] &&
[ "$(grep -cF "count 100  avg 250ns  p50 160ns  p90 320ns  p99 640ns  p99.9 1.10us  max 1.10us" "$tmp/out")" -eq 2 ] &&
[ "$(grep -cF "count 4  avg 300.90us  p50 1.28us  p90 1.20ms  p99 1.20ms  p99.9 1.20ms  max 1.20ms" "$tmp/out")" -eq 2 ] &&
[ "$(grep -cF "errors 2  retries 1  abandoned 0  calls 107  fallbacks 1" "$tmp/out")" -eq 2 ] &&
[ "$(grep -cF "nmissed +0  dropped +0" "$tmp/out")" -eq 2 ] &&
[ "$(grep -c "^GLOBAL" "$tmp/log")" -eq 3 ]
ok $? "hist -i 0.1 2: two intervals, each the difference of two reads (3 reads)"

fake "grow=1" "$FL" hist -i 0.1 -j 2
[ $rc -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 2 ] &&
python3 -c 'import json, sys
for line in open(sys.argv[1]):
    j = json.loads(line)
    assert j["view"] == "global" and j["reset"] is False
    assert 50000000 < j["interval_ns"] < 2000000000 and j["timestamp_ns"] > 0
    assert j["nmissed_delta"] == 0 and j["dropped_delta"] == 0
    m = j["stats"]["minor"]
    assert m["count"] == 100 and m["sum_ns"] == 25000 and m["p99_ns"] == 640
    assert m["min_ns"] == 130 and m["max_ns"] == 1100
    assert m["buckets"] == [{"lo_ns": 128, "hi_ns": 160, "count": 50},
        {"lo_ns": 256, "hi_ns": 320, "count": 40}, {"lo_ns": 512, "hi_ns": 640, "count": 9},
        {"lo_ns": 1024, "hi_ns": 1280, "count": 1}]
    assert j["stats"]["errors"] == 2 and j["stats"]["calls"] == 107
    assert j["stats"]["fallbacks"] == 1
    assert j["stats"]["by_access"]["minor"]["write"] == 60' "$tmp/out"
ok $? "hist -i -j: one object per interval, the interval's histograms"

fake "grow=1" "$FL" hist -i 0.1 -p $$ --major -j 1
[ $rc -eq 0 ] && json out 'j["view"] == "process" and j["pid"] == '$$' and
	"minor" not in j["stats"] and j["stats"]["major"]["count"] == 4 and
	j["stats"]["major"]["max_ns"] == 1200000' &&
[ "$(grep -c "^TASK id=$$ flags=1 " "$tmp/log")" -eq 2 ]
ok $? "hist -i -p --major -j: the process's interval, major faults only"

fake "grow=1" "$FL" hist -i 0.1 --tlb 1
[ $rc -eq 0 ] && has out "all tasks, system-wide:" &&
has out "count 40  avg 1.60us  p50 320ns  p90 5.12us  p99 9.00us  p99.9 9.00us  max 9.00us" &&
has out "full 4  ranged 36  pages 100  remote 10  local_only 30  ipis 12  ipi_targets 12" &&
has out "nmissed +0" && ! has out "received flushes per CPU"
ok $? "hist -i --tlb: the interval's flushes"

fake "grow=1" "$FL" hist -i 0.1 --tlb -t $$ -j 1
[ $rc -eq 0 ] && json out 'j["view"] == "thread" and j["tlb"]["flush"]["count"] == 40 and
	j["tlb"]["pages"] == 100 and j["nmissed_delta"] == 0 and j["reset"] is False'
ok $? "hist -i --tlb -t -j"

sleep 0.4 &
gone=$!
fake "grow=1" "$FL" hist -i 0.1 -p $gone
[ $rc -eq 0 ] && has err "faultlat: process $gone is gone" && has out "process $gone ("
ok $? "hist -i -p: the process exits and is reaped: says so, exit 0"
wait $gone

fake "task_err=ESRCH" "$FL" hist -i 0.1 -p 12345 1
[ $rc -eq 1 ] && has err "no faults recorded for PID 12345"
ok $? "hist -i -p, unknown to begin with: ESRCH message, exit 1"

fake "grow=1,global_err=EPERM" "$FL" hist -i 0.1 1
[ $rc -eq 1 ] && has err "system-wide statistics need CAP_PERFMON"
ok $? "hist -i without CAP_PERFMON: EPERM message"

# --- top -------------------------------------------------------------------------

run "$FL" top -i 0
[ $rc -eq 2 ] && has err "faultlat top: invalid interval '0'"; ok $? "top -i 0: usage error"
run "$FL" top -n 0
[ $rc -eq 2 ] && has err "faultlat top: invalid count '0'"; ok $? "top -n 0: usage error"
run "$FL" top extra
[ $rc -eq 2 ] && has err "unexpected argument 'extra'"; ok $? "top extra: usage error"

fake "grow=1" "$FL" top -n 2 -i 0.1
[ $rc -eq 0 ] &&
[ "$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}  interval [0-9.]+ms: 2 processes faulted, [0-9]+ faults/s, [0-9.]+ ms/s in faults; nmissed \+0 dropped \+0$' "$tmp/out")" -eq 2 ] &&
[ "$(grep -cE '^ +PID COMM +FAULTS/s +MAJOR/s +FLT ms/s +P99 +MAX$' "$tmp/out")" -eq 2 ] &&
[ "$(awk '$1 ~ /^[0-9]+$/ { printf "%s,", $1 }' "$tmp/out")" = "300,100,300,100," ] &&
[ "$(grep -cE '^ +300 slow +[0-9.]+ +[0-9.]+ +[0-9.]+ +1\.28us +1\.20ms$' "$tmp/out")" -eq 2 ] &&
[ "$(grep -cE '^ +100 init +[0-9.]+ +0\.0 +[0-9.]+ +640ns +1\.10us$' "$tmp/out")" -eq 2 ] &&
! grep -q "idle" "$tmp/out" && [ "$(grep -c '^$' "$tmp/out")" -eq 2 ] &&
! grep -q $'\033' "$tmp/out"
ok $? "top -n 2, not a terminal: two plain tables by fault time (slow before busy), idle left out"

[ "$(grep -c "^LIST " "$tmp/log")" -eq 3 ] && [ "$(grep -c "^TASK id=400 " "$tmp/log")" -eq 1 ] &&
[ "$(grep -c "^TASK id=100 " "$tmp/log")" -eq 3 ] && [ "$(grep -c "^TASK id=300 " "$tmp/log")" -eq 3 ]
ok $? "top: one list per table and a baseline, a process read again only when its counts moved"

fake "grow=1" "$FL" top -n 2 -i 0.1 -j
[ $rc -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 2 ] &&
python3 -c 'import json, sys
for line in open(sys.argv[1]):
    j = json.loads(line)
    assert 50000000 < j["interval_ns"] < 2000000000 and j["timestamp_ns"] > 0
    assert j["nmissed_delta"] == 0 and j["dropped_delta"] == 0
    t = j["tasks"]
    assert [x["pid"] for x in t] == [300, 100]
    slow, init = t
    assert slow["comm"] == "slow" and slow["faults"] == 104 and slow["major"] == 4
    assert slow["errors"] == 2 and slow["fault_ns"] == 1228600
    assert slow["p99_ns"] == 1280 and slow["max_ns"] == 1200000 and slow["exited"] is False
    assert init["faults"] == 300 and init["major"] == 0 and init["fault_ns"] == 75000
    assert init["p99_ns"] == 640 and init["max_ns"] == 1100
    s = j["interval_ns"] / 1e9
    assert abs(init["faults_per_s"] - 300 / s) < 0.01 and abs(slow["major_per_s"] - 4 / s) < 0.01
    assert abs(slow["fault_ms_per_s"] - 1.2286 / s) < 0.001' "$tmp/out"
ok $? "top -j: one object per interval, counts, time, p99 and max of each process's interval"

# on a terminal (script(1) gives it one): the screen is cleared each time
if command -v script >/dev/null; then
	fake "grow=1" script -qec "$FL top -n 2 -i 0.1" /dev/null
	[ $rc -eq 0 ] && [ "$(grep -c $'\033\[H\033\[2J' "$tmp/out")" -eq 2 ] &&
	[ "$(grep -c "^ *300 slow " "$tmp/out")" -eq 2 ] && ! grep -q '^$' "$tmp/out"
	ok $? "top on a terminal: clears and redraws the screen each interval"
fi

fake "grow=1,list_err=EPERM" "$FL" top -n 1 -i 0.1
[ $rc -eq 1 ] && has err "FAULTLAT_IOC_LIST"
ok $? "top: LIST fails: message, exit 1"

# --- cgroups ---------------------------------------------------------------------

run "$FL" hist --help
[ $rc -eq 0 ] && has out "  -G, --cgroup CGROUP" && has out "      --own       with -G" &&
has out "faultlat hist -G CGROUP [--own]"
ok $? "hist --help: -G/--cgroup, --own"
run "$FL" top --help
[ $rc -eq 0 ] && has out "      --cgroups           one row per cgroup" && has out "faultlat top --cgroups"
ok $? "top --help: --cgroups"

run "$FL" hist -G x -p 1
[ $rc -eq 2 ] && has err "faultlat hist: -p, -t, -a and -G exclude each other"; ok $? "hist -G -p: usage error"
run "$FL" hist --own
[ $rc -eq 2 ] && has err "--own is for -G/--cgroup"; ok $? "hist --own without -G: usage error"
run "$FL" hist -G
[ $rc -eq 2 ]; ok $? "hist -G without CGROUP: usage error"

# a cgroup2 tree of plain directories; the fake answers their inodes as ids
cgfs=$tmp/cg
mkdir -p "$cgfs/system.slice/ssh.service" "$cgfs/system.slice/cron.service" \
	"$cgfs/user.slice/user-1000.slice/ssh.service" "$cgfs/init.scope"
touch "$cgfs/system.slice/cgroup.procs"
ino() { stat -c %i "$cgfs/$1"; }
root_id=$(ino .) sys_id=$(ino system.slice) ssh_id=$(ino system.slice/ssh.service)
cron_id=$(ino system.slice/cron.service) user_id=$(ino user.slice)
u1_id=$(ino user.slice/user-1000.slice)
export FAULTLAT_CGROUPFS=$cgfs
# ID:PARENT:LEVEL:MINOR:MAJOR:ERRORS; system.slice has no record, 999999
# is a removed cgroup the module still keeps (export's tests use them too)
cg_records="$root_id:0:0:10:0:0 $ssh_id:$sys_id:2:100:1:0 $cron_id:$sys_id:2:50:0:1 $u1_id:$user_id:2:1000:0:0 999999:$sys_id:2:5:2:0"
export FAKE_FAULTLAT_CGROUPS=$cg_records

fake "" "$FL" hist -G system.slice/ssh.service
[ $rc -eq 0 ] && has out "cgroup /system.slice/ssh.service (id $ssh_id, level 2) and its descendants: 1 record" &&
has out "count 100  avg 250ns  p50 160ns  p90 320ns  p99 640ns  p99.9 1.10us  max 1.10us" &&
has out "nmissed 0  dropped 0  cgroup_dropped 0" && grep -q "^CGROUP id=$ssh_id flags=0$" "$tmp/log"
ok $? "hist -G PATH below the mount: the cgroup's header, histograms, cgroup_dropped"

fake "cgroup_dropped=3" "$FL" hist --cgroup cron.service --own -j
[ $rc -eq 0 ] && json out 'j["view"] == "cgroup" and j["path"] == "/system.slice/cron.service" and
	j["dir"] == "'"$cgfs"'/system.slice/cron.service" and j["id"] == '"$cron_id"' and
	j["level"] == 2 and j["own"] is True and j["records"] == 1 and j["cgroup_dropped"] == 3 and
	j["nmissed"] == 0 and j["dropped"] == 0 and j["stats"]["minor"]["count"] == 100 and
	j["stats"]["fallbacks"] == 1' && grep -q "^CGROUP id=$cron_id flags=1$" "$tmp/log"
ok $? "hist --cgroup NAME --own -j: found by name, FAULTLAT_CGROUP_OWN"

fake "" "$FL" hist -G cron -j
[ $rc -eq 0 ] && json out 'j["path"] == "/system.slice/cron.service" and j["own"] is False'
ok $? "hist -G NAME without a suffix: NAME.service"

fake "" "$FL" hist -G /system.slice -j
[ $rc -eq 0 ] && json out 'j["path"] == "/system.slice" and j["id"] == '"$sys_id"' and j["records"] == 3'
ok $? "hist -G /PATH as /proc/PID/cgroup shows it: below the mount"

fake "" "$FL" hist -G / -j
[ $rc -eq 0 ] && json out 'j["path"] == "/" and j["id"] == '"$root_id"
ok $? "hist -G /: the root cgroup"

fake "" "$FL" hist -G "$cgfs/user.slice/" -j
[ $rc -eq 0 ] && json out 'j["path"] == "/user.slice" and j["id"] == '"$user_id"
ok $? "hist -G DIR: an absolute directory"

(cd "$cgfs/user.slice" && fake "" "$FL" hist -G ./user-1000.slice -j)
[ $rc -eq 0 ] && json out 'j["path"] == "/user.slice/user-1000.slice"'
ok $? "hist -G ./DIR: relative to the working directory"

fake "" "$FL" hist -G ssh.service
[ $rc -eq 1 ] && has err "faultlat hist: 'ssh.service' is ambiguous: 2 cgroups are named ssh.service: /system.slice/ssh.service /user.slice/user-1000.slice/ssh.service; give its path" &&
! [ -s "$tmp/log" ]
ok $? "hist -G of an ambiguous name: 1, lists the cgroups, asks nothing of the module"

fake "" "$FL" hist -G nope
[ $rc -eq 1 ] && has err "faultlat hist: no cgroup 'nope': no directory $cgfs/nope, and no cgroup named nope or nope.service below it"
ok $? "hist -G of an unknown name: 1, says where it looked"

fake "" "$FL" hist -G system.slice/nope
[ $rc -eq 1 ] && has err "faultlat hist: no cgroup 'system.slice/nope': no directory $cgfs/system.slice/nope"
ok $? "hist -G of a missing path: 1"

fake "" "$FL" hist -G system.slice/cgroup.procs
[ $rc -eq 1 ] && has err "'system.slice/cgroup.procs' is no cgroup: $cgfs/system.slice/cgroup.procs is not a directory"
ok $? "hist -G of a file: 1"

fake "cgroup_err=EACCES" "$FL" hist -G cron
[ $rc -eq 1 ] && has err "faultlat: permission denied reading cgroup /system.slice/cron.service: it belongs to another user; run as root or with CAP_PERFMON"
ok $? "hist -G, EACCES: another user's cgroup"

fake "cgroup_err=EBADF" "$FL" hist -G "$tmp"
[ $rc -eq 1 ] && has err "faultlat: $tmp is not a cgroup: not a directory of the cgroup2 file system (the cgroup2 file system is mounted on $cgfs)"
ok $? "hist -G, EBADF: not a cgroup2 directory, where the mount is"

fake "cgroup_err=EOPNOTSUPP" "$FL" hist -G cron
[ $rc -eq 1 ] && has err "faultlat: cgroup /system.slice/cron.service is more than 15 levels deep: the module counts its faults in its ancestor at level 15"
ok $? "hist -G, EOPNOTSUPP: too deep"

fake "nocgroup=1" "$FL" hist -G cron
[ $rc -eq 1 ] && has err "faultlat: this faultlat module has no cgroup statistics (version 0.3); load 0.4 or later" &&
! has err "ABI versions differ"
ok $? "hist -G on a module before 0.4 (ENOTTY): names its version"

FAULTLAT_DEVICE=$tmp/nonexistent run "$FL" hist -G cron
[ $rc -eq 1 ] && has err "module is not loaded"; ok $? "hist -G without the device: 1"

fake "grow=1" "$FL" hist -i 0.1 -G cron -j 2
[ $rc -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 2 ] &&
python3 -c 'import json, sys
for line in open(sys.argv[1]):
    j = json.loads(line)
    assert j["view"] == "cgroup" and j["path"] == "/system.slice/cron.service"
    assert j["reset"] is False and j["cgroup_dropped"] == 0 and j["cgroup_dropped_delta"] == 0
    assert j["stats"]["minor"]["count"] == 100 and j["stats"]["fallbacks"] == 1' "$tmp/out" &&
[ "$(grep -c "^CGROUP id=$cron_id " "$tmp/log")" -eq 3 ]
ok $? "hist -i -G -j: the cgroup's intervals, cgroup_dropped_delta"

fake "tlb_nmissed=4" "$FL" hist -G cron --tlb
[ $rc -eq 0 ] && has out "cgroup /system.slice/cron.service (id $cron_id, level 2) and its descendants: 1 record" &&
has out "count 40  avg 1.60us  p50 320ns  p90 5.12us  p99 9.00us  p99.9 9.00us  max 9.00us" &&
has out "full 4  ranged 36  pages 100  remote 10  local_only 30  ipis 12  ipi_targets 12" &&
[ "$(tail -n1 "$tmp/out")" = "nmissed 4" ] && ! has out "minor faults"
ok $? "hist -G --tlb: the cgroup's TLB flushes"

fake "tlb_global_err=EPERM" "$FL" hist -G cron --tlb --own -j
[ $rc -eq 0 ] && json out 'j["view"] == "cgroup" and j["own"] is True and j["nmissed"] is None and
	j["tlb"]["flush"]["count"] == 40 and j["tlb"]["remote"] == 10 and "stats" not in j'
ok $? "hist -G --tlb -j without CAP_PERFMON: the flushes, nmissed null"

fake "grow=1" "$FL" hist -i 0.1 -G cron --tlb -j 1
[ $rc -eq 0 ] && json out 'j["view"] == "cgroup" and j["tlb"]["flush"]["count"] == 40 and
	j["nmissed_delta"] == 0 and j["reset"] is False'
ok $? "hist -i -G --tlb -j: the interval's flushes"

fake "tlb_task_err=EACCES" "$FL" hist -i 0.1 --tlb -p $$ 1
[ $rc -eq 1 ] && has err "faultlat: permission denied reading process $$ ("
ok $? "hist -i --tlb -p, EACCES: says so"

fake "grow=1" "$FL" hist -i 0.1 -G cron 1
[ $rc -eq 0 ] && grep -Eq "^[0-9:]{8}  interval [0-9.]+ms, cgroup /system.slice/cron.service \(id $cron_id, level 2\) and its descendants: 1 record$" "$tmp/out" &&
has out "nmissed +0  dropped +0  cgroup_dropped +0"
ok $? "hist -i -G, text"

mkdir "$cgfs/gone.scope"
env FAULTLAT_DEVICE=/dev/null LD_PRELOAD="$FAKE" FAKE_FAULTLAT=grow=1 \
	"$FL" hist -i 0.1 -G gone.scope -j >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 50); do
	[ -s "$tmp/out" ] && break
	sleep 0.1
done
rmdir "$cgfs/gone.scope"
wait $pid
rc=$?
[ $rc -eq 0 ] && has err "faultlat: cgroup /gone.scope is gone"
ok $? "hist -i -G: the cgroup is removed (EBADF, its directory gone): says so, exit 0"

fake "grow=1" "$FL" top --cgroups -n 2 -i 0.1 -j
[ $rc -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 2 ] &&
python3 -c 'import json, sys
ids = dict(zip(("root", "sys", "ssh", "cron", "user", "u1"), map(int, sys.argv[2:])))
for line in open(sys.argv[1]):
    j = json.loads(line)
    assert 50000000 < j["interval_ns"] < 2000000000 and j["nmissed_delta"] == 0
    assert j["cgroup_dropped_delta"] == 0
    assert (j["faults"], j["errors"], j["fault_ns"]) == (1168, 1, 3774750), j
    rows = [(c["path"], c["id"], c["level"], c["records"], c["minor"], c["major"], c["errors"],
             c["fault_ns"], c["p99_ns"], c["max_ns"]) for c in j["cgroups"]]
    assert rows == [
        ("/", ids["root"], 0, 5, 1165, 3, 1, 3774750, 160, 1200000),
        ("/system.slice", ids["sys"], 1, 3, 155, 3, 1, 3623250, 1200000, 1200000),
        (None, 999999, 2, 1, 5, 2, 0, 2400750, 1200000, 1200000),
        ("/system.slice/ssh.service", ids["ssh"], 2, 1, 100, 1, 0, 1215000, 160, 1200000),
        ("/user.slice", ids["user"], 1, 1, 1000, 0, 0, 150000, 150, 150),
        ("/user.slice/user-1000.slice", ids["u1"], 2, 1, 1000, 0, 0, 150000, 150, 150),
        ("/system.slice/cron.service", ids["cron"], 2, 1, 50, 0, 1, 7500, 150, 150),
    ], rows
    c = j["cgroups"][1]
    s = j["interval_ns"] / 1e9
    assert abs(c["minor_per_s"] - 155 / s) < 0.01 and abs(c["major_per_s"] - 3 / s) < 0.01
    assert abs(c["errors_per_s"] - 1 / s) < 0.01 and abs(c["fault_ms_per_s"] - 3.62325 / s) < 0.001
    tlb = [(c["tlb_flushes"], c["tlb_flush_ns"], c["tlb_remote"], c["tlb_ipis"]) for c in j["cgroups"]]
    assert tlb == [(116, 232000, 57, 57), (15, 30000, 7, 7), (0, 0, 0, 0), (10, 20000, 5, 5),
                   (100, 200000, 50, 50), (100, 200000, 50, 50), (5, 10000, 2, 2)], tlb' \
	"$tmp/out" "$root_id" "$sys_id" "$ssh_id" "$cron_id" "$user_id" "$u1_id" &&
[ "$(grep -c "^CGROUP_LIST " "$tmp/log")" -eq 3 ]
ok $? "top --cgroups -j: each record added to its ancestors, by time in faults; a removed one by id"

fake "grow=1" "$FL" top --cgroups -n 2 -i 0.1
[ $rc -eq 0 ] &&
[ "$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}  interval [0-9.]+ms: 7 cgroups faulted, [0-9]+ faults/s, [0-9.]+ ms/s in faults; nmissed \+0 cgroup_dropped \+0$' "$tmp/out")" -eq 2 ] &&
[ "$(grep -cE '^  MINOR/s   MAJOR/s  ERRORS/s  FLT ms/s       P99       MAX  CGROUP$' "$tmp/out")" -eq 2 ] &&
[ "$(grep -cE '^ +[0-9.]+ +[0-9.]+ +0\.0 +[0-9.]+ +160ns +1\.20ms  /system.slice/ssh.service$' "$tmp/out")" -eq 2 ] &&
[ "$(grep -cE '^ +[0-9.]+ +[0-9.]+ +0\.0 +[0-9.]+ +1\.20ms +1\.20ms  \(id 999999\)$' "$tmp/out")" -eq 2 ] &&
[ "$(awk '$NF ~ /^\// { printf "%s,", $NF }' "$tmp/out")" = "/,/system.slice,/system.slice/ssh.service,/user.slice,/user.slice/user-1000.slice,/system.slice/cron.service,/,/system.slice,/system.slice/ssh.service,/user.slice,/user.slice/user-1000.slice,/system.slice/cron.service," ]
ok $? "top --cgroups, text: rows by time in faults, the path last, a removed cgroup's id"

fake "" "$FL" top --cgroups -n 1 -i 0.1 -j
[ $rc -eq 0 ] && json out 'j["cgroups"] == [] and j["faults"] == 0'
ok $? "top --cgroups, nothing faulted: no row"

FAULTLAT_CGROUPFS=$tmp/nonexistent fake "grow=1" "$FL" top --cgroups -n 1 -i 0.1 -j
[ $rc -eq 0 ] && json out 'len(j["cgroups"]) == 5 and all(c["path"] is None for c in j["cgroups"])'
ok $? "top --cgroups, no cgroup2 tree to read: the records by id"

fake "cgroup_list_err=EPERM" "$FL" top --cgroups -n 1 -i 0.1
[ $rc -eq 1 ] && has err "faultlat: permission denied: listing cgroups needs CAP_PERFMON or CAP_SYS_ADMIN; read one cgroup you own with hist --cgroup"
ok $? "top --cgroups, EPERM: what to do instead"

fake "nocgroup=1" "$FL" top --cgroups -n 1 -i 0.1
[ $rc -eq 1 ] && has err "faultlat: this faultlat module has no cgroup statistics (version 0.3); load 0.4 or later"
ok $? "top --cgroups on a module before 0.4: names its version"

fake "cgroups_off=1" "$FL" hist -G cron
[ $rc -eq 1 ] && has err "faultlat: this faultlat module counts no cgroup: it was loaded with cgroups=0 (load it without to count them)"
ok $? "hist -G, module loaded with cgroups=0 (ENODEV): says so"
fake "cgroups_off=1" "$FL" top --cgroups -n 1 -i 0.1
[ $rc -eq 1 ] && has err "it was loaded with cgroups=0"
ok $? "top --cgroups, module loaded with cgroups=0 (ENODEV): says so"

fake "cgroup_dropped=1" "$FL" status
[ $rc -eq 0 ] && has out "cgroups:    5/1024 records, 1 dropped fault"
ok $? "status: the cgroup records and dropped faults"
fake "cgroups_off=1" "$FL" status
[ $rc -eq 0 ] && has out "cgroups:    not counted (module parameter cgroups=0)"
ok $? "status, module loaded with cgroups=0: says so"
fake "nocgroup=1" "$FL" status
[ $rc -eq 0 ] && ! has out "cgroups:" && has out "faultlat 0.3,"
ok $? "status, module before 0.4: no cgroup line"
fake "cgroup_dropped=7" "$FL" status -j
[ $rc -eq 0 ] && json out 'j["max_cgroups"] == 1024 and j["used_cgroups"] == 5 and j["cgroup_dropped"] == 7'
ok $? "status -j: max_cgroups, used_cgroups, cgroup_dropped"
fake "nocgroup=1" "$FL" status -j
[ $rc -eq 0 ] && json out 'j["max_cgroups"] is None and j["used_cgroups"] is None and j["cgroup_dropped"] is None'
ok $? "status -j, module before 0.4: the cgroup members null"
unset FAULTLAT_CGROUPFS FAKE_FAULTLAT_CGROUPS

# --- trace (no tracefs events here: everything but the tracing) -----------------

run "$FL" trace --min-latency abc
[ $rc -eq 2 ] && has err "faultlat trace: invalid latency 'abc': expected a number and a unit (250ns, 500us, 1ms, 0.5s)"
ok $? "trace --min-latency abc: usage error"
run "$FL" trace --min-latency 1.5ns
[ $rc -eq 2 ] && has err "invalid latency '1.5ns'"; ok $? "trace --min-latency 1.5ns: not whole ns"
run "$FL" trace -d 0
[ $rc -eq 2 ] && has err "faultlat trace: invalid duration '0'"; ok $? "trace -d 0: usage error"
run "$FL" trace -c 0
[ $rc -eq 2 ] && has err "faultlat trace: invalid count '0'"; ok $? "trace -c 0: usage error"
run "$FL" trace -b 0
[ $rc -eq 2 ] && has err "invalid buffer size '0'"; ok $? "trace -b 0: usage error"
run "$FL" trace --tlb-only --major
[ $rc -eq 2 ] && has err "--major is for faults, not --tlb-only"; ok $? "trace --tlb-only --major: usage error"
run "$FL" trace -p abc
[ $rc -eq 2 ] && has err "invalid PID 'abc'"; ok $? "trace -p abc: usage error"
run "$FL" trace extra
[ $rc -eq 2 ] && has err "unexpected argument 'extra'"; ok $? "trace extra: usage error"

run "$FL" trace --help
has out "filtered in the kernel for this trace only" &&
! has out "min_latency_ns"
ok $? "trace --help: --min-latency is the trace's own"

run "$FL" trace -p 2147483646
[ $rc -eq 1 ] && has err "faultlat trace: no process 2147483646"
ok $? "trace -p of no process: 1"

# a thread that is not its process's leader
python3 -c 'import threading, time
t = threading.Thread(target=time.sleep, args=(5,)); t.start(); t.join()' &
py=$!
tid=
for _ in $(seq 50); do
	for d in /proc/$py/task/*; do
		[ "${d##*/}" != "$py" ] && [ -d "$d" ] && tid=${d##*/}
	done
	[ -n "$tid" ] && break
	sleep 0.1
done
run "$FL" trace -p "$tid"
[ $rc -eq 1 ] && has err "faultlat trace: $tid is a thread of process $py: use -p $py"
ok $? "trace -p TID: names the process"
kill $py 2>/dev/null
wait $py 2>/dev/null

# an empty directory for tracefs: no event formats (and nothing mounted)
mkdir "$tmp/tracefs"
fake "" env FAULTLAT_TRACEFS="$tmp/tracefs" "$FL" trace --min-latency 1ms -d 1
[ $rc -eq 1 ] &&
has err "faultlat trace: cannot read the event formats in $tmp/tracefs" &&
! grep -q "^CONFIG flags=1" "$tmp/log"
ok $? "trace without tracefs' event formats: 1, min_latency_ns left alone"

mkdir -p "$tmp/tracefs2/events/faultlat"
printf '\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n' >"$tmp/tracefs2/events/header_page"
fake "" env FAULTLAT_TRACEFS="$tmp/tracefs2" "$FL" trace -d 1
[ $rc -eq 1 ] &&
has err "faultlat trace: no trace event faultlat:fault in $tmp/tracefs2/events: the faultlat module loaded has no trace events (load a newer one)"
ok $? "trace, a tracefs without faultlat's events: says the module has none"

fake "abi=2" "$FL" trace
[ $rc -eq 1 ] && has err "ABI versions differ"; ok $? "trace, module of another ABI: 1"

# --- status, reset, tasks --------------------------------------------------------

fake "nmissed=5,dropped=6" "$FL" status
[ $rc -eq 0 ] && has out "faultlat 1.0, ABI 1, 114 buckets" &&
has out "probe mode: auto" &&
has out "probes:     handle_mm_fault (direct), sched_process_exit/free tracepoints" &&
has out "tlb probes: flush_tlb_mm_range (direct), flush_tlb_func (direct), tlb:tlb_flush tracepoint, native_flush_tlb_multi (direct), kvm_flush_tlb_multi (direct)" &&
has out "tlb ipi:    native_flush_tlb_multi (12002 calls)" &&
has out "tlb:        flushes 40 (remote 10, local_only 30), ipis 12, received remote 12, local 30, nmissed 0" &&
has out "3 of 4096 records in use" && has out "nmissed:    5" &&
has out "dropped:    6" && has out "faults:     minor 100, major 4"
ok $? "status: text"

fake "busy=1" "$FL" status
[ $rc -eq 0 ] && has out "handle_mm_fault (kretprobe, not direct: another direct trampoline is attached (BPF fentry/fexit: bpftrace kfunc?))" &&
has out "flush_tlb_mm_range (direct)"
ok $? "status: a function another direct trampoline has is a kretprobe, and says why"

fake "kprobe=1" "$FL" status -j
[ $rc -eq 0 ] && has out '"probe_mode":"kprobe"' && has out '"direct":[]' &&
has out '"reason":"probe_mode=kprobe"'
ok $? "status -j: probe_mode=kprobe, every function probe not direct, and why"

fake "min=500000" "$FL" status
[ $rc -eq 0 ] && has out "events:     faultlat:fault, faultlat:tlb_flush for faults and flushes of 500.00us or more (min_latency_ns 500000)"
ok $? "status: min_latency_ns"
fake "" "$FL" status
[ $rc -eq 0 ] && has out "events:     faultlat:fault, faultlat:tlb_flush for every fault and flush (min_latency_ns 0)"
ok $? "status: min_latency_ns 0, every event"
fake "config_err=ENOTTY" "$FL" status
[ $rc -eq 0 ] && ! has out "events:" && [ ! -s "$tmp/err" ]
ok $? "status, module without FAULTLAT_IOC_CONFIG: no events line, exit 0"
fake "config_err=ENOTTY" "$FL" status -j
[ $rc -eq 0 ] && json out 'j["min_latency_ns"] is None'
ok $? "status -j, module without FAULTLAT_IOC_CONFIG: min_latency_ns null"
fake "min=250" "$FL" status -j
[ $rc -eq 0 ] && json out 'j["min_latency_ns"] == 250'
ok $? "status -j: min_latency_ns"

fake "global_err=EPERM,tlb_global_err=EPERM" "$FL" status
[ $rc -eq 0 ] && has out "faults:     (system-wide counts need CAP_PERFMON" &&
has out "tlb:        (system-wide counts need CAP_PERFMON" && ! has out "minor 100" &&
has out "tlb ipi:    native_flush_tlb_multi (12002 calls)"
ok $? "status without CAP_PERFMON: 0, no global counts, the IPI function"

fake "notlb=1" "$FL" status
[ $rc -eq 0 ] && has out "tlb probes: none: TLB flushes are not being measured" &&
! has out "tlb ipi:" && ! has out "tlb: "
ok $? "status, TLB probes not attached"

fake "ipi_native=0" "$FL" status
[ $rc -eq 0 ] &&
has out "tlb ipi:    none called yet (attached: native_flush_tlb_multi, kvm_flush_tlb_multi)"
ok $? "status, no IPI function called yet"

fake "tlb_global_err=ENOTTY" "$FL" status
[ $rc -eq 0 ] && ! has out "tlb: " && [ ! -s "$tmp/err" ]
ok $? "status on a module without TLB commands: 0, no TLB counts"

fake "" "$FL" status -j
[ $rc -eq 0 ] && json out 'j["version"] == "1.0" and j["abi_version"] == 1 and
	j["probes"] == ["fault", "exit", "tlb_range", "tlb_func", "tlb_trace",
		"tlb_ipi_native", "tlb_ipi_kvm"] and j["probes_mask"] == 0x31f and
	j["max_tasks"] == 4096 and
	j["global"]["minor"] == 100 and j["nmissed"] == 0 and j["dropped"] == 0 and
	j["tlb_ipi"] == {"in_use": "native_flush_tlb_multi",
		"calls": {"native_flush_tlb_multi": 12002, "kvm_flush_tlb_multi": 0}} and
	j["tlb"] == {"flushes": 40, "remote": 10, "local_only": 30, "ipis": 12,
		"received_remote": 12, "received_local": 30, "nmissed": 0}'
ok $? "status -j"

fake "global_err=EPERM,tlb_global_err=EPERM" "$FL" status -j
[ $rc -eq 0 ] && json out 'j["global"] is None and j["tlb"] is None and
	j["tlb_ipi"]["in_use"] == "native_flush_tlb_multi"'
ok $? "status -j without CAP_PERFMON: global and tlb null"

fake "notlb=1" "$FL" status -j
[ $rc -eq 0 ] && json out 'j["probes"] == ["fault", "exit"] and
	j["tlb_ipi"] == {"in_use": None, "calls": {}}'
ok $? "status -j, TLB probes not attached"

fake "abi=9" "$FL" status
[ $rc -eq 1 ] && has out "ABI 9" && has err "ABI versions differ"
ok $? "status, other ABI: shows it, exits 1"

fake "" "$FL" reset
[ $rc -eq 0 ] && [ ! -s "$tmp/out" ] && grep -q "^RESET$" "$tmp/log"
ok $? "reset: FAULTLAT_IOC_RESET, silent"

fake "reset_err=EPERM" "$FL" reset
[ $rc -eq 1 ] && has err "resetting the statistics needs CAP_PERFMON or CAP_SYS_ADMIN"
ok $? "reset, EPERM: 1"

fake "" "$FL" reset -j
[ $rc -eq 0 ] && json out 'j["reset_count"] == 0'
ok $? "reset -j"

fake "dropped=1" "$FL" tasks
[ $rc -eq 0 ] &&
[ "$(awk 'NR > 1 && $1 ~ /^[0-9]+$/ { printf "%s,", $1 }' "$tmp/out")" = "100,101,200,300," ] &&
grep -Eq "^ +100 +100 proc +init +1234 +5 +807ns +1.50ms$" "$tmp/out" &&
grep -Eq "^ +300 +300 proc\* +true " "$tmp/out" && has out "nmissed 0  dropped 1"
ok $? "tasks: sorted by process, process record first; AVG is total/faults"

fake "" "$FL" tasks --process
[ $rc -eq 0 ] &&
[ "$(awk 'NR > 1 && $1 ~ /^[0-9]+$/ { printf "%s,", $1 }' "$tmp/out")" = "100,300," ]
ok $? "tasks --process"

fake "" "$FL" tasks -j
[ $rc -eq 0 ] && json out '[t["pid"] for t in j["tasks"]] == [100, 101, 200, 300] and
	j["tasks"][0]["type"] == "process" and j["tasks"][0]["comm"] == "init" and
	j["tasks"][3]["exited"] is True and j["tasks"][2]["total_ns"] == 2000 and
	j["tasks"][2]["max_ns"] == 400 and "p50_ns" not in j["tasks"][2]'
ok $? "tasks -j: no percentile (the module computes none)"

# --- export on the fake device -----------------------------------------------

run "$FL" export --help
[ $rc -eq 0 ] && has out "Usage: faultlat export" && has out EXAMPLES &&
has out "--top N" && has out "267 (fine) or 99 (octave) without the" &&
has out "      --top-cgroups N    also per-cgroup series" &&
has out "24 * N more with --top-cgroups N" && has out "faultlat export --top-cgroups 20"
ok $? "export --help: usage, series counts, examples"

run "$FL" export --format json
[ $rc -eq 2 ] && has err "unknown format 'json': the only one is prometheus"
ok $? "export --format json: 2"

for a in "-i 5ms" "-c 3" "--top 0" "--top 1001" "--top x" "--top-cgroups 0" \
	"--top-cgroups 1001" "--top-cgroups x" "--top-cgroups" "--buckets coarse" "extra"; do
	# shellcheck disable=SC2086
	run "$FL" export $a
	[ $rc -eq 2 ] && has err "Try 'faultlat export --help'."
	ok $? "export $a: usage error 2"
done

FAULTLAT_DEVICE=$tmp/nonexistent run "$FL" export
[ $rc -eq 1 ] && has err "module is not loaded"
ok $? "export without the device: 1"

fake "" "$FL" export
[ $rc -eq 0 ] && has out '# TYPE faultlat_faults_total counter' &&
has out 'faultlat_faults_total{type="minor",mode="user"} 90' &&
has out 'faultlat_faults_total{type="major",mode="user"} 4' &&
has out 'faultlat_faults_total{type="error",mode="unknown"} 2' &&
has out 'faultlat_fault_latency_seconds_bucket{type="minor",le="0.00000016"} 50' &&
has out 'faultlat_fault_latency_seconds_bucket{type="major",le="+Inf"} 4' &&
has out 'faultlat_fault_latency_seconds_sum{type="major"} 0.0012036' &&
has out 'faultlat_tlb_flushes_total{kind="ranged"} 36' &&
has out 'faultlat_tlb_flush_latency_seconds_count 40' &&
has out 'faultlat_module_info{version="1.0",abi="1",client="1.0"} 1' &&
has out 'faultlat_fault_vma_lock_fallbacks_total 1' &&
has out 'faultlat_fault_cause_seconds_total{cause="rest"} 0' &&
has out 'faultlat_fault_cause_seconds_total{cause="page_lock"} 0' &&
has out 'faultlat_fault_cause_seconds_total{cause="zeroing"} 0' &&
has out 'faultlat_faults_by_path_total{path="zero"} 0' &&
[ "$(grep -vc '^#' "$tmp/out")" -eq 624 ]
ok $? "export: faults, histograms, TLB, info, fallbacks, causes, paths; 624 series"

if command -v promtool >/dev/null; then
	cp "$tmp/out" "$tmp/fine.prom"
	promtool check metrics <"$tmp/fine.prom" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 0 ]; ok $? "promtool check metrics accepts export's output"
	FAULTLAT_CGROUPFS=$cgfs FAKE_FAULTLAT_CGROUPS=$cg_records \
		fake "grow=1" "$FL" export --top 2 --top-cgroups 1000 --buckets octave
	grep -q '^faultlat_cgroup_' "$tmp/out" &&
		promtool check metrics <"$tmp/out" >"$tmp/err" 2>&1
	rc=$?
	[ $rc -eq 0 ]; ok $? "promtool check metrics accepts --top, --top-cgroups and --buckets octave"
else
	echo "ok $((n += 1)) # SKIP promtool not installed (tools/vm/deps.sh)"
	echo "ok $((n += 1)) # SKIP promtool not installed (tools/vm/deps.sh)"
fi

fake "notlb=1,nmissed=7,dropped=8" "$FL" export --buckets octave
[ $rc -eq 0 ] && ! has out faultlat_tlb_ && has out 'faultlat_nmissed_total{probe="fault"} 7' &&
has out 'faultlat_dropped_total 8' && [ "$(grep -vc '^#' "$tmp/out")" -eq 99 ]
ok $? "export --buckets octave without TLB probes: 99 series, counters"

fake "grow=1" "$FL" export --top 1
[ $rc -eq 0 ] && grep -q '^faultlat_process_faults{pid="[0-9]*",comm="[a-z]*",type="minor"} ' "$tmp/out" &&
has out 'faultlat_process_faults{pid="",comm="other",type="minor"}' &&
[ "$(grep -c '^faultlat_process_' "$tmp/out")" -eq 8 ]
ok $? "export --top 1: one process and other, 8 series"

# the cgroups of the cgroups section, their sums as top --cgroups shows
# them; 999999, removed, has no directory
export FAULTLAT_CGROUPFS=$cgfs FAKE_FAULTLAT_CGROUPS=$cg_records
fake "" "$FL" export --top-cgroups 3
[ $rc -eq 0 ] && has out '# TYPE faultlat_cgroup_faults_total counter' &&
has out '# TYPE faultlat_cgroup_fault_seconds_total counter' &&
[ "$(grep '^faultlat_cgroup_fault\(s\|_seconds\)_total{' "$tmp/out")" = 'faultlat_cgroup_faults_total{cgroup="/",type="minor"} 1165
faultlat_cgroup_faults_total{cgroup="/",type="major"} 3
faultlat_cgroup_faults_total{cgroup="/",type="error"} 1
faultlat_cgroup_faults_total{cgroup="/system.slice",type="minor"} 155
faultlat_cgroup_faults_total{cgroup="/system.slice",type="major"} 3
faultlat_cgroup_faults_total{cgroup="/system.slice",type="error"} 1
faultlat_cgroup_faults_total{cgroup="/system.slice/ssh.service",type="minor"} 100
faultlat_cgroup_faults_total{cgroup="/system.slice/ssh.service",type="major"} 1
faultlat_cgroup_faults_total{cgroup="/system.slice/ssh.service",type="error"} 0
faultlat_cgroup_fault_seconds_total{cgroup="/"} 0.00377475
faultlat_cgroup_fault_seconds_total{cgroup="/system.slice"} 0.00362325
faultlat_cgroup_fault_seconds_total{cgroup="/system.slice/ssh.service"} 0.001215' ] &&
[ "$(grep -vc '^#' "$tmp/out")" -eq $((624 + 24 * 3)) ] &&
[ "$(grep -c '^CGROUP_LIST ' "$tmp/log")" -eq 1 ]
ok $? "export --top-cgroups 3: the 3 with the most fault time, their descendants in; 696 series"

fake "" "$FL" export --top-cgroups 1000
[ $rc -eq 0 ] && [ "$(grep -c '^faultlat_cgroup_' "$tmp/out")" -eq $((24 * 6)) ] &&
[ "$(sed -n 's/^faultlat_cgroup_fault_seconds_total{cgroup="\([^"]*\)"} .*/\1/p' "$tmp/out" | paste -sd ,)" = \
	"/,/system.slice,/system.slice/ssh.service,/user.slice,/user.slice/user-1000.slice,/system.slice/cron.service" ] &&
has out 'faultlat_cgroup_faults_total{cgroup="/user.slice",type="minor"} 1000' &&
has out 'faultlat_cgroup_faults_total{cgroup="/system.slice/cron.service",type="error"} 1' &&
! grep -q 999999 "$tmp/out"
ok $? "export --top-cgroups 1000: every cgroup with a directory, by fault time; no removed one"

mkdir "$cgfs/we\"ird\\.scope" "$cgfs/other.scope"
weird_id=$(ino 'we"ird\.scope') other_id=$(ino other.scope)
FAKE_FAULTLAT_CGROUPS="$root_id:0:0:10:0:0 $weird_id:$root_id:1:20:0:0 $other_id:$root_id:1:20:0:0" \
	fake "" "$FL" export --top-cgroups 2
[ $rc -eq 0 ] && [ "$(grep -c '^faultlat_cgroup_' "$tmp/out")" -eq 48 ] &&
has out 'faultlat_cgroup_faults_total{cgroup="/",type="minor"} 50' &&
if [ "$weird_id" -lt "$other_id" ]; then
	has out 'faultlat_cgroup_faults_total{cgroup="/we\"ird\\.scope",type="minor"} 20' &&
		! has out other.scope
else
	has out 'faultlat_cgroup_faults_total{cgroup="/other.scope",type="minor"} 20' &&
		! has out 'ird'
fi
ok $? "export --top-cgroups: a path's quote and backslash escaped; a tie goes to the lower id"
rmdir "$cgfs/we\"ird\\.scope" "$cgfs/other.scope"

fake "grow=1" "$FL" export --top-cgroups 2 -o "$tmp/cg.prom" -i 10ms -c 3
[ $rc -eq 0 ] && [ "$(grep -c '^CGROUP_LIST ' "$tmp/log")" -eq 3 ] &&
grep -q '^faultlat_cgroup_faults_total{cgroup="/",type="minor"} 3495$' "$tmp/cg.prom" &&
grep -q '^faultlat_cgroup_fault_seconds_total{cgroup="/system.slice"} 0.01086975$' "$tmp/cg.prom"
ok $? "export -i -c 3 --top-cgroups: one CGROUP_LIST an exposition, the last one's counts"

fake "nocgroup=1" "$FL" export --top-cgroups 5
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] &&
has err "faultlat: this faultlat module has no cgroup statistics (version 0.3); load 0.4 or later" &&
! grep -q '^CGROUP_LIST' "$tmp/log"
ok $? "export --top-cgroups on a module before 0.4: 1, names its version, nothing written"

fake "cgroups_off=1" "$FL" export --top-cgroups 5
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && has err "it was loaded with cgroups=0"
ok $? "export --top-cgroups, module loaded with cgroups=0 (ENODEV): 1, says so"

fake "cgroup_list_err=EPERM" "$FL" export --top-cgroups 5
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && has err "listing cgroups needs CAP_PERFMON or CAP_SYS_ADMIN"
ok $? "export --top-cgroups, CGROUP_LIST EPERM: 1, nothing written"

fake "cgroup_list_err=EINVAL" "$FL" export --top-cgroups 5
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] &&
has err "FAULTLAT_IOC_CGROUP_LIST on /dev/null failed: Invalid argument"
ok $? "export --top-cgroups, CGROUP_LIST EINVAL: 1, the ABI message"

FAULTLAT_CGROUPFS=$tmp/nonexistent fake "" "$FL" export --top-cgroups 5
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] &&
has err "faultlat export: reading the cgroup2 tree at $tmp/nonexistent: No such file or directory"
ok $? "export --top-cgroups, no cgroup2 tree to read: 1, says where it looked"
unset FAULTLAT_CGROUPFS FAKE_FAULTLAT_CGROUPS

fake "global_err=EPERM" "$FL" export
[ $rc -eq 1 ] && has err "CAP_PERFMON or CAP_SYS_ADMIN" && [ ! -s "$tmp/out" ]
ok $? "export, EPERM: 1, nothing written"

mkdir "$tmp/tf"
fake "" "$FL" export -o "$tmp/tf/faultlat.prom"
[ $rc -eq 0 ] && [ ! -s "$tmp/out" ] && [ "$(ls -A "$tmp/tf")" = faultlat.prom ] &&
[ "$(stat -c %a "$tmp/tf/faultlat.prom")" = 644 ] &&
grep -q '^faultlat_dropped_total 0$' "$tmp/tf/faultlat.prom"
ok $? "export -o: the file alone in its directory, mode 644"

ino=$(stat -c %i "$tmp/tf/faultlat.prom")
fake "grow=1" "$FL" export -o "$tmp/tf/faultlat.prom" -i 10ms -c 3
[ $rc -eq 0 ] && [ "$(ls -A "$tmp/tf")" = faultlat.prom ] &&
[ "$(stat -c %i "$tmp/tf/faultlat.prom")" != "$ino" ] &&
[ "$(grep -c '^GLOBAL' "$tmp/log")" -eq 3 ] &&
grep -q '^faultlat_faults_total{type="minor",mode="user"} 270$' "$tmp/tf/faultlat.prom"
ok $? "export -i -c 3: three reads, the file replaced (renamed), the last one's values"

fake "" "$FL" export -o "$tmp/nodir/faultlat.prom"
[ $rc -eq 1 ] && has err "creating a temporary file for $tmp/nodir/faultlat.prom: No such file or directory"
ok $? "export -o into a missing directory: 1, says why"

# --- time by cause on the fake device: eight causes (0.8), five (0.7) ----------

# causes=1: 104 faults timed, 1.23 ms; mmap_lock 2 us in 4, io 1 ms in 3,
# and from 0.8 page_lock 150 us in 2, fallback 3 us in 5, zeroing 40 us in
# 1; rest 33.6 us (226.6 us for a module 0.7, which does not tell the last
# three)
CZ8='["reclaim", "compaction", "mmap_lock", "io", "uffd", "page_lock", "fallback", "zeroing", "rest"]'
CZ5='["reclaim", "compaction", "mmap_lock", "io", "uffd", "rest"]'
fake "causes=1" "$FL" hist
[ $rc -eq 0 ] && has out "time by cause, of 104 faults timed by cause (1.23ms):" &&
[ "$(sed -n '/^time by cause/,/^  rest/p' "$tmp/out" | sed 1,2d)" = "  mmap_lock            4       2.00us    0.2%
  io                   3       1.00ms   81.4%
  page_lock            2     150.00us   12.2%
  fallback             5       3.00us    0.2%
  zeroing              1      40.00us    3.3%
  rest               104      33.60us    2.7%" ]
ok $? "hist, module 0.8: page_lock, fallback and zeroing rows after uffd's place, the rest less all eight"

fake "causes=1,version=0.7" "$FL" hist
[ $rc -eq 0 ] && has out "time by cause, of 104 faults timed by cause (1.23ms):" &&
! has out "page_lock" && ! has out "fallback  " && ! has out "zeroing" &&
grep -Eq '^  rest +104 +226\.60us +18\.4%$' "$tmp/out"
ok $? "hist, module 0.7: no page_lock, fallback nor zeroing row, the rest less the five"

fake "causes=1" "$FL" hist -j
[ $rc -eq 0 ] && json out 'list(j["causes"]["by_cause"]) == '"$CZ8"' and
	j["causes"]["by_cause"]["page_lock"] == {"faults": 2, "ns": 150000, "share": 150000 / 1228600} and
	j["causes"]["by_cause"]["fallback"]["ns"] == 3000 and
	j["causes"]["by_cause"]["fallback"]["faults"] == 5 and
	j["causes"]["by_cause"]["zeroing"] == {"faults": 1, "ns": 40000, "share": 40000 / 1228600} and
	j["causes"]["by_cause"]["rest"]["ns"] == 33600 and
	sum(c["ns"] for c in j["causes"]["by_cause"].values()) == j["causes"]["latency_ns"] == 1228600'
ok $? "hist -j, module 0.8: by_cause has page_lock, fallback and zeroing, all add up to latency_ns"

fake "causes=1,version=0.7" "$FL" hist -j
[ $rc -eq 0 ] && json out 'list(j["causes"]["by_cause"]) == '"$CZ5"' and
	j["causes"]["by_cause"]["rest"]["ns"] == 226600'
ok $? "hist -j, module 0.7: by_cause without page_lock, fallback nor zeroing (unknown, not 0)"

fake "causes=1" "$FL" hist -p $$ -j
[ $rc -eq 0 ] && json out 'j["view"] == "process" and list(j["causes"]["by_cause"]) == '"$CZ8"' and
	j["causes"]["by_cause"]["page_lock"]["ns"] == 150000 and
	j["causes"]["by_cause"]["zeroing"]["ns"] == 40000'
ok $? "hist -p -j: the process's page_lock, fallback and zeroing (FAULTLAT_IOC_TASK's causes_more)"

FAULTLAT_CGROUPFS=$cgfs FAKE_FAULTLAT_CGROUPS=$cg_records \
	fake "causes=1" "$FL" hist -G system.slice/ssh.service -j
[ $rc -eq 0 ] && json out 'j["view"] == "cgroup" and list(j["causes"]["by_cause"]) == '"$CZ8"' and
	j["causes"]["by_cause"]["fallback"]["faults"] == 5 and
	j["causes"]["by_cause"]["zeroing"]["faults"] == 1'
ok $? "hist -G -j: the cgroup's page_lock, fallback and zeroing (FAULTLAT_IOC_CGROUP's causes_more)"

fake "causes=1" "$FL" run -- true
[ $rc -eq 0 ] && grep -Eq '^  page_lock +2 +150\.00us +12\.2%$' "$tmp/err" &&
grep -Eq '^  fallback +5 +3\.00us +0\.2%$' "$tmp/err" &&
grep -Eq '^  zeroing +1 +40\.00us +3\.3%$' "$tmp/err" &&
grep -Eq '^  rest +104 +33\.60us +2\.7%$' "$tmp/err"
ok $? "run, module 0.8: page_lock, fallback and zeroing rows"

fake "causes=1" "$FL" run -j -- true
[ $rc -eq 0 ] && json out 'list(j["causes"]["by_cause"]) == '"$CZ8"' and
	j["causes"]["by_cause"]["page_lock"]["ns"] == 150000 and
	j["causes"]["by_cause"]["zeroing"]["ns"] == 40000'
ok $? "run -j, module 0.8: by_cause has page_lock, fallback and zeroing"

fake "causes=1,version=0.7" "$FL" run -j -- true
[ $rc -eq 0 ] && json out 'list(j["causes"]["by_cause"]) == '"$CZ5"
ok $? "run -j, module 0.7: by_cause without page_lock, fallback nor zeroing"

fake "causes=1" "$FL" export
[ $rc -eq 0 ] && [ "$(grep '^faultlat_fault_cause_seconds_total{' "$tmp/out")" = 'faultlat_fault_cause_seconds_total{cause="reclaim"} 0
faultlat_fault_cause_seconds_total{cause="compaction"} 0
faultlat_fault_cause_seconds_total{cause="mmap_lock"} 0.000002
faultlat_fault_cause_seconds_total{cause="io"} 0.001
faultlat_fault_cause_seconds_total{cause="uffd"} 0
faultlat_fault_cause_seconds_total{cause="page_lock"} 0.00015
faultlat_fault_cause_seconds_total{cause="fallback"} 0.000003
faultlat_fault_cause_seconds_total{cause="zeroing"} 0.00004
faultlat_fault_cause_seconds_total{cause="rest"} 0.0000336' ] &&
has out 'faultlat_faults_timed_by_cause_total 104' &&
[ "$(grep -vc '^#' "$tmp/out")" -eq 624 ]
ok $? "export, module 0.8: cause=\"page_lock\", \"fallback\" and \"zeroing\", the rest less all eight"

fake "causes=1,version=0.7" "$FL" export
[ $rc -eq 0 ] && ! has out 'cause="page_lock"' && ! has out 'cause="fallback"' &&
! has out 'cause="zeroing"' &&
has out 'faultlat_fault_cause_seconds_total{cause="rest"} 0.0002266' &&
has out 'faultlat_module_info{version="0.7",abi="1",client="1.0"} 1' &&
[ "$(grep -vc '^#' "$tmp/out")" -eq 621 ]
ok $? "export, module 0.7: no page_lock, fallback nor zeroing series; 621 series"

FAULTLAT_CGROUPFS=$cgfs FAKE_FAULTLAT_CGROUPS=$cg_records \
	fake "causes=1" "$FL" export --top-cgroups 1
[ $rc -eq 0 ] && has out 'faultlat_cgroup_fault_cause_seconds_total{cgroup="/",cause="page_lock"} 0.00005825' &&
has out 'faultlat_cgroup_fault_cause_seconds_total{cgroup="/",cause="fallback"} 0' &&
has out 'faultlat_cgroup_fault_cause_seconds_total{cgroup="/",cause="zeroing"} 0.0000006' &&
has out 'faultlat_cgroup_fault_cause_seconds_total{cgroup="/",cause="io"} 0.000003' &&
[ "$(grep -c '^faultlat_cgroup_' "$tmp/out")" -eq 24 ]
ok $? "export --top-cgroups, module 0.8: a cgroup's page_lock, fallback and zeroing; 24 series"

FAULTLAT_CGROUPFS=$cgfs FAKE_FAULTLAT_CGROUPS=$cg_records \
	fake "causes=1,version=0.7" "$FL" export --top-cgroups 1
[ $rc -eq 0 ] && ! has out 'cause="page_lock"' && ! has out 'cause="zeroing"' &&
has out 'faultlat_cgroup_fault_cause_seconds_total{cgroup="/",cause="rest"} 0.00377175' &&
[ "$(grep -c '^faultlat_cgroup_' "$tmp/out")" -eq 21 ]
ok $? "export --top-cgroups, module 0.7 (entries without causes_more): no page_lock nor zeroing; 21 series"

# --- heatmap on the fake device and from trace -j ------------------------------

run "$FL" heatmap --help
[ $rc -eq 0 ] && has out "Usage: faultlat heatmap" && has out EXAMPLES && has out -- "--from"
ok $? "heatmap --help"

run "$FL" heatmap
[ $rc -eq 2 ] && has err "-o FILE.svg is required"
ok $? "heatmap without -o: 2"

for a in "-i 1ms" "-d 0" "-d x" "-p 0" "extra"; do
	# shellcheck disable=SC2086
	run "$FL" heatmap -o "$tmp/x.svg" $a
	[ $rc -eq 2 ] && has err "Try 'faultlat heatmap --help'."
	ok $? "heatmap $a: usage error 2"
done

run "$FL" heatmap -i 2 -d 1 -o "$tmp/x.svg"
[ $rc -eq 2 ] && has err "the duration is shorter than the interval"
ok $? "heatmap -d shorter than -i: 2"

fake "grow=1" "$FL" heatmap -i 10ms -d 50ms -o "$tmp/live.svg"
[ $rc -eq 0 ] && grep -q 'data-class="minor"' "$tmp/live.svg" &&
grep -q 'data-columns="5"' "$tmp/live.svg" &&
grep -q 'data-class="major"[^>]* data-faults="20"' "$tmp/live.svg" &&
grep -q '<title>faultlat heatmap: all tasks on ' "$tmp/live.svg" &&
[ "$(grep -c '^GLOBAL' "$tmp/log")" -eq 6 ]
ok $? "heatmap live: 5 intervals from 6 reads, 4 majors each"

if command -v xmllint >/dev/null; then
	xmllint --noout "$tmp/live.svg" 2>"$tmp/err"
	ok $? "xmllint accepts the SVG"
else
	echo "ok $((n += 1)) # SKIP xmllint not installed (tools/vm/deps.sh)"
fi

fake "task_err=ESRCH" "$FL" heatmap -p 12345 -o "$tmp/x.svg"
[ $rc -eq 1 ] && has err "no faults recorded for PID 12345" && [ ! -e "$tmp/x.svg" ]
ok $? "heatmap -p, ESRCH: 1, no file"

{
	echo '{"type":"fault","ts_ns":5000000000,"cpu":0,"pid":7,"tgid":7,"comm":"a","outcome":"minor","latency_ns":140}'
	echo 'not json'
	echo '{"type":"fault","ts_ns":4000000000,"cpu":1,"pid":8,"tgid":8,"comm":"b<&>","outcome":"major","latency_ns":2000000}'
	echo '{"type":"tlb_flush","ts_ns":4500000000,"pid":7,"latency_ns":5}'
	echo '{"type":"fault","ts_ns":7500000000,"cpu":0,"pid":7,"tgid":7,"outcome":"error","latency_ns":1}'
	echo '{"type":"fault","ts_ns":6500000000,"pid":7,"tgid":7,"outcome":"minor"}'
	echo '[1,2]'
	echo '{"type":"summary","events":4}'
} >"$tmp/t.jsonl"
run "$FL" heatmap --from "$tmp/t.jsonl" -o "$tmp/replay.svg"
[ $rc -eq 0 ] && has err "skipped 3 lines that are not faultlat trace -j output (the first: line 2)" &&
grep -q 'data-class="minor"[^>]* data-columns="2" [^>]* data-faults="1"' "$tmp/replay.svg" &&
grep -q 'data-class="major"[^>]* data-faults="1"' "$tmp/replay.svg" &&
grep -q 'replay of ' "$tmp/replay.svg"
ok $? "heatmap --from: minor and major events, the earliest first; bad lines counted"

run "$FL" heatmap --from "$tmp/t.jsonl" -p 7 -i 500ms -o "$tmp/replay.svg"
[ $rc -eq 0 ] && grep -q 'data-class="minor"[^>]* data-columns="1" [^>]* data-faults="1"' "$tmp/replay.svg" &&
grep -q 'data-class="major"[^>]* data-faults="0"' "$tmp/replay.svg"
ok $? "heatmap --from -p: that process's events only"

run "$FL" heatmap --from /dev/null -o "$tmp/replay.svg"
[ $rc -eq 1 ] && has err "holds no minor or major fault event"
ok $? "heatmap --from an empty file: 1"

run "$FL" heatmap --from "$tmp/missing" -o "$tmp/replay.svg"
[ $rc -eq 1 ] && has err "cannot open $tmp/missing"
ok $? "heatmap --from a missing file: 1"

head -c 4096 /dev/urandom >"$tmp/garbage"
run "$FL" heatmap --from "$tmp/garbage" -o "$tmp/replay.svg"
[ $rc -eq 1 ] && has err "holds no minor or major fault event"
ok $? "heatmap --from garbage: 1, no crash"

{
	echo '{"type":"fault","ts_ns":0,"tgid":1,"outcome":"minor","latency_ns":140}'
	echo '{"type":"fault","ts_ns":1000000000000,"tgid":1,"outcome":"minor","latency_ns":140}'
} >"$tmp/long.jsonl"
run "$FL" heatmap --from "$tmp/long.jsonl" -i 10ms -o "$tmp/replay.svg"
[ $rc -eq 1 ] && has err "spans more than 20000 intervals"
ok $? "heatmap --from, too many intervals: 1, says what to do"

# --- record and report (the recording is written here) ---

run "$FL" record
[ $rc -eq 2 ] && has err "give a command to run (after --) or -p PID"
ok $? "record without a command or -p: usage error"

run "$FL" record -p 1 -- /bin/true
[ $rc -eq 2 ] && has err "not both"
ok $? "record with both a command and -p: usage error"

run "$FL" report -i "$tmp/missing"
[ $rc -eq 1 ] && has err "cannot read $tmp/missing"
ok $? "report -i a missing file: 1"

run "$FL" report -i "$tmp/garbage"
[ $rc -eq 1 ] && has err "is not a recording"
ok $? "report -i garbage: 1, no crash"

run "$FL" report -i "$tmp/long.jsonl" --folded - --svg -
[ $rc -eq 2 ] && has err "cannot both go to stdout"
ok $? "report: --folded and --svg both on stdout: usage error"

# a fault without stacks (trace -j without --stack), one with, a loss
{
	echo '{"type":"fault","tgid":7,"comm":"a","latency_ns":100}'
	echo '{"type":"fault","tgid":8,"comm":"b","latency_ns":300,"mapping":{"name":"[heap]","offset":0,"file":false},"user_stack":[{"addr":1,"sym":"work","dso":"/bin/b","src":"b.c","line":9}],"kernel_stack":[{"addr":2,"sym":"handle_mm_fault"}]}'
	echo '{"type":"lost","ts_ns":1,"cpu":0,"count":5}'
} >"$tmp/rec.jsonl"
run "$FL" report -i "$tmp/rec.jsonl"
[ $rc -eq 0 ] && has out "2 faults, 400ns in faults" && has out "lost: 5 events" &&
has out "1 user stacks of one frame" && has out "1 faults recorded without stacks" &&
grep -Eq '^ 75.00% +300ns +1  work +b +b.c:9$' "$tmp/out" &&
grep -Eq '^ 75.00% +300ns +1  \[heap\]$' "$tmp/out"
ok $? "report: text, the losses and the one-frame stacks said"

run "$FL" record --help
[ $rc -eq 0 ] && has out "-i, --no-inherit" && has out "child processes" &&
has out "not its children" && has out "faultlat record -- make -j2"
ok $? "record --help: children recorded, -i, -p's process alone"

# a recording of two processes, one of whose maps was never read
{
	cat "$tmp/rec.jsonl"
	echo '{"type":"summary","lost":0,"children":true,"processes":2,"processes_unmapped":1}'
} >"$tmp/rec2.jsonl"
run "$FL" report -i "$tmp/rec2.jsonl"
[ $rc -eq 0 ] && has out "2 faults, 400ns in faults, 2 processes (-p PID: one of them)" &&
has out "1 processes whose maps could not be read"
ok $? "report: the processes of a recording, and those without maps, said"
run "$FL" report -i "$tmp/rec2.jsonl" -j
[ $rc -eq 0 ] && json out 'j["processes"] == 2 and j["processes_unmapped"] == 1'
ok $? "report -j: processes and processes_unmapped"
run "$FL" report -i "$tmp/rec2.jsonl" -p 8 -j
[ $rc -eq 0 ] && json out 'j["processes"] == 1 and j["faults"] == 1'
ok $? "report -p -j: one process"

run "$FL" report -i - -p 8 --folded - <"$tmp/rec.jsonl"
[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "b;work;handle_mm_fault_[k] 300" ]
ok $? "report -i - -p --folded -: one process's folded stacks"

run "$FL" report -i "$tmp/rec.jsonl" -j -n 1
[ $rc -eq 0 ] && json out 'j["faults"] == 2 and j["time_ns"] == 400 and j["lost"] == 5 and
	j["sites"][0]["sym"] == "work" and j["sites"][0]["faults"] == 1 and
	j["mappings"][0]["mapping"] == "[heap]"'
ok $? "report -j"

run "$FL" report -i "$tmp/rec.jsonl" --svg "$tmp/flame.svg" --title "t & t"
[ $rc -eq 0 ] && grep -q '<title>work (300ns, 1 faults, 75.00%)</title>' "$tmp/flame.svg" &&
grep -q 't &amp; t' "$tmp/flame.svg"
ok $? "report --svg --title"
if command -v xmllint >/dev/null; then
	xmllint --noout "$tmp/flame.svg" 2>"$tmp/err"
	ok $? "xmllint accepts the flame graph"
fi

# time by cause: two faults with causes, one without
{
	echo '{"type":"fault","tgid":8,"comm":"b","latency_ns":3000,"mapping":{"name":"[heap]","offset":0,"file":false},"user_stack":[{"addr":1,"sym":"work","dso":"/bin/b","src":"b.c","line":9}],"kernel_stack":[{"addr":2,"sym":"handle_mm_fault"}],"causes":{"reclaim_ns":0,"compaction_ns":0,"mmap_lock_ns":0,"io_ns":2000,"uffd_ns":0,"rest_ns":1000}}'
	echo '{"type":"fault","tgid":8,"comm":"b","latency_ns":500,"mapping":{"name":"/data","offset":0,"file":true},"user_stack":[{"addr":1,"sym":"rd","dso":"/bin/b","src":"b.c","line":19}],"kernel_stack":[{"addr":2,"sym":"handle_mm_fault"}],"causes":{"reclaim_ns":100,"compaction_ns":0,"mmap_lock_ns":0,"io_ns":0,"uffd_ns":0,"rest_ns":400}}'
	echo '{"type":"fault","tgid":8,"comm":"b","latency_ns":200,"mapping":{"name":"[heap]","offset":0,"file":false},"user_stack":[{"addr":1,"sym":"work","dso":"/bin/b","src":"b.c","line":9}],"kernel_stack":[{"addr":2,"sym":"handle_mm_fault"}]}'
} >"$tmp/cz.jsonl"
run "$FL" report -i "$tmp/cz.jsonl"
[ $rc -eq 0 ] && has out "By cause, by fault time (2 of 3 faults timed by cause):" &&
grep -Eq '^ 54\.05% +2\.00us +1  io$' "$tmp/out" &&
grep -Eq '^ 37\.84% +1\.40us +2  rest$' "$tmp/out" &&
grep -Eq '^  5\.41% +200ns +1  unknown \(recorded without causes\)$' "$tmp/out" &&
grep -Eq '^  2\.70% +100ns +1  reclaim$' "$tmp/out" &&
! grep -q '(62.5%)' "$tmp/out"
ok $? "report: the recording's time by cause, most first; rows not split without --causes"

run "$FL" report -i "$tmp/cz.jsonl" --causes
[ $rc -eq 0 ] &&
[ "$(grep -c '^ \{30\}io 2\.00us (62\.5%), rest 1\.00us (31\.2%), unknown 200ns (6\.2%)$' "$tmp/out")" -eq 2 ] &&
[ "$(grep -c '^ \{30\}rest 400ns (80\.0%), reclaim 100ns (20\.0%)$' "$tmp/out")" -eq 2 ]
ok $? "report --causes: each site's and mapping's time by cause, under its row"

run "$FL" report -i "$tmp/cz.jsonl" --causes --folded -
[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "b;work;handle_mm_fault_[k];[io] 2000
b;work;handle_mm_fault_[k];[rest] 1000
b;work;handle_mm_fault_[k];[unknown cause] 200
b;rd;handle_mm_fault_[k];[reclaim] 100
b;rd;handle_mm_fault_[k];[rest] 400" ]
ok $? "report --causes --folded -: the cause as the last frame"

run "$FL" report -i "$tmp/cz.jsonl" -j
[ $rc -eq 0 ] && json out 'j["causes"]["faults"] == 2 and j["causes"]["time_ns"] == 3500 and
	j["causes"]["by_cause"]["io"]["time_ns"] == 2000 and j["causes"]["by_cause"]["rest"]["faults"] == 2 and
	j["causes"]["unknown"] == {"faults": 1, "time_ns": 200, "share": 200 / 3700} and
	j["sites"][0]["causes"]["io_ns"] == 2000 and j["sites"][0]["causes"]["unknown_ns"] == 200 and
	"page_lock" not in j["causes"]["by_cause"] and "fallback_ns" not in j["sites"][0]["causes"] and
	"zeroing" not in j["causes"]["by_cause"] and "zeroing_ns" not in j["sites"][0]["causes"]'
ok $? "report -j: causes, by cause and by site; a recording before 0.8 without page_lock, fallback and zeroing"

# a recording without causes: said unknown where asked
run "$FL" report -i "$tmp/rec.jsonl" --causes
[ $rc -eq 0 ] && has out "time by cause: unknown, no fault was recorded with it" &&
! has out "By cause"
ok $? "report --causes, a recording without causes: unknown, said"
run "$FL" report -i "$tmp/rec.jsonl" --causes --svg "$tmp/czflame.svg"
[ $rc -eq 0 ] && has err "every cause frame is [unknown cause]" &&
grep -q '<title>\[unknown cause\] (300ns, 1 faults, 75.00%)</title>' "$tmp/czflame.svg"
ok $? "report --causes --svg, a recording without causes: [unknown cause] frames, said on stderr"
run "$FL" report -i "$tmp/rec.jsonl" -j
[ $rc -eq 0 ] && json out 'j["causes"] is None and j["sites"][0]["causes"] is None'
ok $? "report -j, a recording without causes: causes null"

# a recording of a module 0.8: page_lock_ns, fallback_ns and zeroing_ns;
# one fault of an older one appended
{
	echo '{"type":"fault","tgid":8,"comm":"b","latency_ns":3000,"mapping":{"name":"[heap]","offset":0,"file":false},"user_stack":[{"addr":1,"sym":"work","dso":"/bin/b","src":"b.c","line":9}],"kernel_stack":[{"addr":2,"sym":"handle_mm_fault"}],"causes":{"reclaim_ns":0,"compaction_ns":0,"mmap_lock_ns":0,"io_ns":500,"uffd_ns":0,"page_lock_ns":2000,"fallback_ns":0,"zeroing_ns":400,"rest_ns":100}}'
	echo '{"type":"fault","tgid":8,"comm":"b","latency_ns":1000,"mapping":{"name":"/data","offset":0,"file":true},"user_stack":[{"addr":1,"sym":"rd","dso":"/bin/b","src":"b.c","line":19}],"kernel_stack":[{"addr":2,"sym":"handle_mm_fault"}],"causes":{"reclaim_ns":0,"compaction_ns":0,"mmap_lock_ns":100,"io_ns":0,"uffd_ns":0,"page_lock_ns":0,"fallback_ns":600,"zeroing_ns":0,"rest_ns":300}}'
	echo '{"type":"fault","tgid":8,"comm":"b","latency_ns":1000,"mapping":{"name":"/data","offset":0,"file":true},"user_stack":[{"addr":1,"sym":"rd","dso":"/bin/b","src":"b.c","line":19}],"kernel_stack":[{"addr":2,"sym":"handle_mm_fault"}],"causes":{"reclaim_ns":0,"compaction_ns":0,"mmap_lock_ns":0,"io_ns":1000,"uffd_ns":0,"rest_ns":0}}'
} >"$tmp/cz8.jsonl"
run "$FL" report -i "$tmp/cz8.jsonl"
[ $rc -eq 0 ] && has out "By cause, by fault time (3 of 3 faults timed by cause):" &&
grep -Eq '^ 40\.00% +2\.00us +1  page_lock$' "$tmp/out" &&
grep -Eq '^ 12\.00% +600ns +1  fallback$' "$tmp/out" &&
grep -Eq '^ 30\.00% +1\.50us +2  io$' "$tmp/out" &&
grep -Eq '^ +8\.00% +400ns +1  zeroing$' "$tmp/out"
ok $? "report, a recording of 0.8: page_lock, fallback and zeroing among the causes"

run "$FL" report -i "$tmp/cz8.jsonl" --causes
[ $rc -eq 0 ] &&
[ "$(grep -c '^ \{30\}page_lock 2\.00us (66\.7%), io 500ns (16\.7%), zeroing 400ns (13\.3%), rest 100ns (3\.3%)$' "$tmp/out")" -eq 2 ] &&
[ "$(grep -c '^ \{30\}io 1\.00us (50\.0%), fallback 600ns (30\.0%), rest 300ns (15\.0%), mmap_lock 100ns (5\.0%)$' "$tmp/out")" -eq 2 ]
ok $? "report --causes, 0.8: page_lock, fallback and zeroing under the rows"

run "$FL" report -i "$tmp/cz8.jsonl" --causes --folded -
[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "b;work;handle_mm_fault_[k];[io] 500
b;work;handle_mm_fault_[k];[page_lock] 2000
b;work;handle_mm_fault_[k];[zeroing] 400
b;work;handle_mm_fault_[k];[rest] 100
b;rd;handle_mm_fault_[k];[mmap_lock] 100
b;rd;handle_mm_fault_[k];[io] 1000
b;rd;handle_mm_fault_[k];[fallback] 600
b;rd;handle_mm_fault_[k];[rest] 300" ]
ok $? "report --causes --folded -, 0.8: [page_lock], [fallback] and [zeroing] frames"

run "$FL" report -i "$tmp/cz8.jsonl" --causes --svg "$tmp/cz8.svg"
[ $rc -eq 0 ] && grep -q '<title>\[page_lock\] (2.00us, 1 faults, 40.00%)</title>' "$tmp/cz8.svg" &&
grep -q '<title>\[fallback\] (600ns, 1 faults, 12.00%)</title>' "$tmp/cz8.svg" &&
grep -q '<title>\[zeroing\] (400ns, 1 faults, 8.00%)</title>' "$tmp/cz8.svg" &&
grep -q 'fill="#6495ed"' "$tmp/cz8.svg"
ok $? "report --causes --svg, 0.8: [page_lock], [fallback] and [zeroing] frames"

run "$FL" report -i "$tmp/cz8.jsonl" -j
[ $rc -eq 0 ] && json out 'list(j["causes"]["by_cause"]) == '"$CZ8"' and
	j["causes"]["by_cause"]["page_lock"] == {"faults": 1, "time_ns": 2000, "share": 0.4} and
	j["causes"]["by_cause"]["fallback"]["time_ns"] == 600 and
	j["causes"]["by_cause"]["zeroing"] == {"faults": 1, "time_ns": 400, "share": 0.08} and
	j["sites"][0]["causes"] == {"reclaim_ns": 0, "compaction_ns": 0, "mmap_lock_ns": 0, "io_ns": 500,
		"uffd_ns": 0, "page_lock_ns": 2000, "fallback_ns": 0, "zeroing_ns": 400, "rest_ns": 100,
		"unknown_ns": 0} and
	j["sites"][1]["causes"]["fallback_ns"] == 600 and j["sites"][1]["causes"]["io_ns"] == 1000'
ok $? "report -j, 0.8: page_lock, fallback and zeroing by cause and by site"

run "$FL" trace --help
has out "CAUSES" && has out "uffd=50.12ms rest=31.20us" && has out "PATH column" &&
has out "page_lock, fallback and zeroing"
ok $? "trace --help: the PATH and CAUSES columns"

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
