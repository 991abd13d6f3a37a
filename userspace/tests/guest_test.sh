#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the faultlat client against the real module, as root in a
# throw-away guest (it loads, resets and unloads the module):
#
#   tools/vm/run-guest.sh -- userspace/tests/guest_test.sh
#   make -C userspace check-guest
#
# Run from the repository's top directory, after `make module userspace`.
# Plain TAP on stdout.
set -u

cd "$(dirname "$0")/../.." || exit 1
FL=$PWD/userspace/faultlat
KO=$PWD/module/faultlat.ko
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)

n=0
failed=0
echo "TAP version 13"

ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		echo "#   rc=$rc"
		sed 's/^/#   out: /' "$tmp/out" | head -30
		sed 's/^/#   err: /' "$tmp/err" | head -30
	fi
}

run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

has() {
	grep -qF -- "$2" "$tmp/$1"
}

json() {
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$tmp/$1" "$2"
}

# check EXPR: the Python expression is true, with J(NAME) the JSON in
# $tmp/NAME and T(NAME) its text
check() {
	python3 -c 'import json, re, sys
J = lambda n: json.load(open(sys.argv[1] + "/" + n))
T = lambda n: open(sys.argv[1] + "/" + n).read()
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$tmp" "$1"
}

# /proc/interrupts' "TLB shootdowns" of all CPUs, read by the shell itself
tlb_shootdowns() {
	local name rest f s=0

	while read -r name rest; do
		[ "$name" = "TLB:" ] || continue
		for f in $rest; do
			case $f in *[!0-9]*) ;; *) s=$((s + f)) ;; esac
		done
	done </proc/interrupts
	echo $s
}

# Remote TLB flushes: the main thread, on CPU 0, maps, touches and unmaps
# 16 pages N times while a second thread keeps the mm loaded on CPU 1
# (hashlib runs without the GIL).
tlb_workload='import hashlib, mmap, os, sys, threading
os.sched_setaffinity(0, {0})
stop = threading.Event()
def spin():
    os.sched_setaffinity(0, {1})
    data = b"x" * (1 << 20)
    while not stop.is_set():
        hashlib.sha256(data).digest()
t = threading.Thread(target=spin)
t.start()
for i in range(int(sys.argv[1])):
    m = mmap.mmap(-1, 16 << 12)
    m[::4096] = b"x" * 16
    m.close()
stop.set()
t.join()'

if [ "$(id -u)" -ne 0 ] || [ ! -x "$FL" ] || [ ! -f "$KO" ]; then
	echo "1..0 # SKIP needs root, $FL and $KO (run it in the guest)"
	exit 0
fi
if ! grep -q '^faultlat ' /proc/modules; then
	insmod "$KO" || { echo "Bail out! insmod $KO failed"; exit 1; }
fi

run "$FL" status
[ $rc -eq 0 ] && has out "probes:     handle_mm_fault kretprobe"
ok $? "status: the fault probe is attached"

run "$FL" reset
[ $rc -eq 0 ]; ok $? "reset"

run "$FL" status -j
[ $rc -eq 0 ] && json out 'j["reset_count"] >= 1 and j["abi_version"] == 1 and
	j["nr_buckets"] == 114'
ok $? "status -j: reset_count counts the reset"

run "$FL" run -j -- /bin/true
[ $rc -eq 0 ] && json out 'j["tracked"] and j["exit_status"] == 0 and
	j["stats"]["minor"]["count"] > 10 and
	j["stats"]["minor"]["count"] == j["getrusage"]["minflt"] and
	j["stats"]["major"]["count"] == j["getrusage"]["majflt"]'
ok $? "run /bin/true: counts equal getrusage's minflt and majflt"

json out 'all(b["lo_ns"] < b["hi_ns"] for b in j["stats"]["minor"]["buckets"]) and
	sum(b["count"] for b in j["stats"]["minor"]["buckets"]) == j["stats"]["minor"]["count"] and
	j["stats"]["minor"]["min_ns"] <= j["stats"]["minor"]["p50_ns"] <= j["stats"]["minor"]["p90_ns"] <=
	j["stats"]["minor"]["p99_ns"] <= j["stats"]["minor"]["p999_ns"] <= j["stats"]["minor"]["max_ns"]'
ok $? "run /bin/true: buckets add up, percentiles ordered within [min, max]"

# read() of /dev/zero fills dd's buffer from the kernel: kernel-mode faults
run "$FL" run -j -- dd if=/dev/zero of=/dev/null bs=8M count=2
[ $rc -eq 0 ] && json out 'j["stats"]["minor"]["count"] == j["getrusage"]["minflt"] and
	j["stats"]["by_kind"]["minor"]["anon"] > 0 and
	j["stats"]["by_mode"]["minor"]["kernel"] > 0'
ok $? "run dd: kernel-mode anonymous faults, counts equal getrusage's"

run "$FL" run -- sh -c 'exit 3'
[ $rc -eq 3 ] && has err "exited with status 3" && has err "getrusage: minflt" &&
has err "     usecs               : count     distribution"
ok $? "run: text report, the command's exit status"

run "$FL" run -- sh -c 'kill -SEGV $$'
[ $rc -eq 139 ] && has err "killed by signal 11"
ok $? "run: killed by SIGSEGV gives 139"

run "$FL" run -- /nonexistent/cmd
[ $rc -eq 127 ] && has err "cannot run '/nonexistent/cmd'"
ok $? "run: missing command gives 127"

sleep 1000 &
sleeper=$!
sleep 0.2
run "$FL" hist -p $sleeper
[ $rc -eq 0 ] && has out "process $sleeper (" && has out "minor faults:"
ok $? "hist -p: a live process"

run "$FL" hist -t $sleeper -j
[ $rc -eq 0 ] && json out 'j["view"] == "thread" and j["pid"] == '"$sleeper"
ok $? "hist -t -j: a live thread"

run "$FL" tasks
[ $rc -eq 0 ] && grep -Eq "^ +$sleeper +$sleeper +proc +[^ ]+ +[0-9]+ " "$tmp/out" &&
has out "nmissed "
ok $? "tasks: lists the sleeper's process record"

run "$FL" tasks -j --process
[ $rc -eq 0 ] && json out 'all(t["type"] == "process" for t in j["tasks"]) and
	'"$sleeper"' in [t["pid"] for t in j["tasks"]]'
ok $? "tasks --process -j"

run "$FL" hist
[ $rc -eq 0 ] && has out "all tasks, system-wide:" && has out "nmissed "
ok $? "hist: global view"

run "$FL" hist -p 999999
[ $rc -eq 1 ] && has err "no faults recorded for PID 999999"
ok $? "hist -p of an unknown pid: ESRCH message"

# --- TLB flushes ----------------------------------------------------------------

run "$FL" status
[ $rc -eq 0 ] &&
has out "tlb probes: flush_tlb_mm_range kretprobe, flush_tlb_func kretprobe, tlb:tlb_flush tracepoint, native_flush_tlb_multi kretprobe" &&
grep -q "^tlb ipi:    " "$tmp/out" && grep -q "^tlb:        flushes [0-9]" "$tmp/out"
ok $? "status: the TLB probes, the IPI function, the TLB counts"

run "$FL" run -j -- dd if=/dev/zero of=/dev/null bs=8M count=2
[ $rc -eq 0 ] && json out 'j["tlb"]["flush"]["count"] > 0 and
	j["tlb"]["full"] + j["tlb"]["ranged"] == j["tlb"]["flush"]["count"] and
	j["tlb"]["remote"] + j["tlb"]["local_only"] == j["tlb"]["flush"]["count"] and
	sum(b["count"] for b in j["tlb"]["flush"]["buckets"]) == j["tlb"]["flush"]["count"] and
	j["tlb"]["flush"]["min_ns"] <= j["tlb"]["flush"]["p50_ns"] <= j["tlb"]["flush"]["p99_ns"] <=
	j["tlb"]["flush"]["max_ns"] and j["tlb_nmissed_delta"] is not None'
ok $? "run dd: its TLB flushes, counts consistent"

run "$FL" run -- dd if=/dev/zero of=/dev/null bs=8M count=2
[ $rc -eq 0 ] && has err "TLB flushes (flush_tlb_mm_range, including the wait for remote CPUs):" &&
has err "  tlb nmissed "
ok $? "run dd: text report with TLB flushes"

if [ "$(nproc)" -ge 2 ]; then
	# Everything but the workload's second thread on CPU 0: only the
	# workload sends TLB shootdowns.
	taskset -p -c 0 $$ >/dev/null
	run "$FL" hist --tlb -j
	cp "$tmp/out" "$tmp/tlb0.json"
	i0=$(tlb_shootdowns)
	run "$FL" run -j -- python3 -c "$tlb_workload" 150
	cp "$tmp/out" "$tmp/run.json"
	i1=$(tlb_shootdowns)
	run "$FL" hist --tlb -j
	cp "$tmp/out" "$tmp/tlb1.json"
	taskset -p -c "0-$(($(nproc) - 1))" $$ >/dev/null
	echo "# TLB shootdowns $i0 -> $i1"

	json run.json 'j["exit_status"] == 0 and j["tlb"]["flush"]["count"] >= 150 and
		j["tlb"]["remote"] > 0 and j["tlb"]["ipis"] >= j["tlb"]["remote"] and
		j["tlb"]["ipi_targets"] >= j["tlb"]["ipis"]'
	ok $? "run: a two-CPU workload's remote flushes"

	d=$((i1 - i0))
	check '0 < J("tlb1.json")["received_remote"] - J("tlb0.json")["received_remote"] <= '$d' <=
	       J("tlb1.json")["received_remote"] - J("tlb0.json")["received_remote"] +
	       J("tlb1.json")["nmissed"] - J("tlb0.json")["nmissed"]'
	ok $? "hist --tlb: received_remote grew as /proc/interrupts' TLB shootdowns ($d), but for misses"

	check 'J("tlb1.json")["tlb"]["ipis"] - J("tlb0.json")["tlb"]["ipis"] >=
	       J("run.json")["tlb"]["ipis"] and
	       sum(c["received_remote"] for c in J("tlb1.json")["cpus"]) <=
	       J("tlb1.json")["received_remote"] and
	       sum(c["received_local"] for c in J("tlb1.json")["cpus"]) <=
	       J("tlb1.json")["received_local"] and
	       J("tlb1.json")["ipi_function"]["in_use"] == "native_flush_tlb_multi" and
	       J("tlb1.json")["ipi_function"]["calls"]["native_flush_tlb_multi"] >=
	       J("tlb1.json")["tlb"]["ipis"]'
	ok $? "hist --tlb: the workload's IPIs, per-CPU sums, native_flush_tlb_multi under TCG"
fi

# the client's counts lie between two reads of debugfs
run "$FL" hist --tlb -j
cp "$tmp/out" "$tmp/tlb2.json"
cp /sys/kernel/debug/faultlat/tlb "$tmp/debugfs"
run "$FL" hist --tlb -j
cp "$tmp/out" "$tmp/tlb3.json"
check 'all(a <= int(re.search(p, T("debugfs")).group(1)) <= b for a, p, b in (
	(J("tlb2.json")[k1][k2] if k2 else J("tlb2.json")[k1], p,
	 J("tlb3.json")[k1][k2] if k2 else J("tlb3.json")[k1])
	for k1, k2, p in (
		("tlb", "ipis", r" ipis (\d+)"),
		("tlb", "remote", r"initiated: .* remote (\d+)"),
		("received_remote", None, r"received: remote (\d+)"),
		("received_local", None, r"received: remote \d+ local (\d+)"),
		("nmissed", None, r"nmissed (\d+)"))))'
ok $? "hist --tlb: its counts lie between two reads of debugfs/faultlat/tlb"

run "$FL" hist --tlb
[ $rc -eq 0 ] && has out "all tasks, system-wide:" && has out "received flushes per CPU" &&
grep -Eq "^ +0 +[0-9]+ +[0-9]+ " "$tmp/out" && has out "tlb:tlb_flush events since load" &&
grep -q "^ipi function: native_flush_tlb_multi ([0-9]* calls)" "$tmp/out" &&
grep -q "^nmissed [0-9]*$" "$tmp/out"
ok $? "hist --tlb: text, native_flush_tlb_multi under TCG"

run "$FL" hist --tlb -p $sleeper
[ $rc -eq 0 ] && has out "process $sleeper (" && grep -q "^full [0-9]* " "$tmp/out"
ok $? "hist --tlb -p: a live process"

# --- an unprivileged user ----------------------------------------------------

run "${nobody[@]}" "$FL" status
if [ $rc -eq 1 ] && has err "permission denied opening"; then
	echo "# /dev/faultlat is not readable by nobody: $(ls -l /dev/faultlat)"
	ok 0 "nobody: device not readable, clear message"
else
	[ $rc -eq 0 ] && has out "(system-wide counts need CAP_PERFMON"
	ok $? "nobody: status without global counts"

	run "${nobody[@]}" "$FL" hist
	[ $rc -eq 1 ] && has err "system-wide statistics need CAP_PERFMON or CAP_SYS_ADMIN"
	ok $? "nobody: hist -a is EPERM"

	run "${nobody[@]}" "$FL" hist -p $sleeper
	[ $rc -eq 1 ] && has err "permission denied reading process $sleeper (sleep): it belongs to another user; run as root or with CAP_PERFMON"
	ok $? "nobody: hist -p of root's process is EACCES"

	run "${nobody[@]}" "$FL" reset
	[ $rc -eq 1 ] && has err "resetting the statistics needs CAP_PERFMON"
	ok $? "nobody: reset is EPERM"

	run "${nobody[@]}" "$FL" run -j -- /bin/true
	[ $rc -eq 0 ] && json out 'j["tracked"] and j["stats"]["minor"]["count"] > 0 and
		j["tlb"] is not None and j["tlb_nmissed"] is None'
	ok $? "nobody: run of its own command works, TLB flushes without nmissed"

	run "${nobody[@]}" "$FL" hist --tlb
	[ $rc -eq 1 ] && has err "system-wide TLB-flush statistics need CAP_PERFMON or CAP_SYS_ADMIN"
	ok $? "nobody: hist --tlb -a is EPERM"

	run "${nobody[@]}" "$FL" hist --tlb -p $sleeper
	[ $rc -eq 1 ] && has err "permission denied reading process $sleeper (sleep)"
	ok $? "nobody: hist --tlb -p of root's process is EACCES"
fi

kill $sleeper 2>/dev/null
wait $sleeper 2>/dev/null

rmmod faultlat

# --- tlb=0 -------------------------------------------------------------------

# (a module without the parameter would load, warning that it ignores it)
insmod "$KO" tlb=0 2>/dev/null
if [ -e /sys/module/faultlat/parameters/tlb ]; then
	run "$FL" status
	[ $rc -eq 0 ] && has out "tlb probes: none: TLB flushes are not being measured" &&
	! has out "tlb ipi:"
	ok $? "tlb=0: status says TLB flushes are not measured"

	run "$FL" run -j -- /bin/true
	[ $rc -eq 0 ] && json out 'j["tlb"] is None and j["stats"]["minor"]["count"] > 0'
	ok $? "tlb=0: run's tlb is null"

	run "$FL" hist --tlb
	[ $rc -eq 0 ] && has err "TLB-flush probes are not attached" && has out "TLB flushes: none"
	ok $? "tlb=0: hist --tlb says the probes are not attached"
else
	echo "# SKIP tlb=0: the module has no parameter tlb"
fi
grep -q '^faultlat ' /proc/modules && rmmod faultlat

run "$FL" status
[ $rc -eq 1 ] && has err "the faultlat module is not loaded"
ok $? "after rmmod: 'module is not loaded'"

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
