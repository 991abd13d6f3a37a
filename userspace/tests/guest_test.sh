#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the faultlat client against the real module, as root in a
# throw-away guest (it resets the module's counts, unloads it and loads it
# again with tlb=0): run by selftests/run.sh after the selftests, in the
# same guest (make check), or alone:
#
#   make -C userspace check-guest
#   FAULTLAT_KO=... FAULTLAT_CLIENT=... tools/vm/run-guest.sh -- \
#       selftests/run.sh guest_test.sh
#
# FL_GUEST_ONLY=stack runs the checks of record and report alone,
# FL_GUEST_ONLY=causes those of the time by cause.
# $FAULTLAT_CLIENT and $FAULTLAT_KO (default: the tree's userspace/faultlat
# and module/faultlat.ko), loaded with $FAULTLAT_MODPARAMS; a module that
# was loaded when it started is loaded again at the end.  TAP on stdout,
# ending with kselftest's "# Totals:" line.
set -u

cd "$(dirname "$0")/../.." || exit 1
FL=${FAULTLAT_CLIENT:-$PWD/userspace/faultlat}
KO=${FAULTLAT_KO:-$PWD/module/faultlat.ko}
# shellcheck disable=SC2206 # a list of parameters
params=(${FAULTLAT_MODPARAMS:-})
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)

n=0
failed=0
last_ok=$SECONDS
echo "TAP version 13"

ok() {
	n=$((n + 1))
	# where make check's time goes: the checks that took long
	[ $((SECONDS - last_ok)) -lt 15 ] ||
		echo "# (the next check took $((SECONDS - last_ok))s)"
	last_ok=$SECONDS
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

# NAME: a section begins; the last one's time, where make check's goes
sec_name='' sec_start=$SECONDS
section() {
	[ -z "$sec_name" ] || echo "# (section $sec_name: $((SECONDS - sec_start))s)"
	sec_name=$1 sec_start=$SECONDS
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

# the plan last, kselftest's Totals line for selftests/run.sh and make check
totals() {	# SKIPPED
	section ''
	echo "1..$n"
	echo "# $((n - failed)) passed, $failed failed"
	echo "# Totals: pass:$((n - failed)) fail:$failed xfail:0 xpass:0 skip:$1 error:0"
}

if [ "$(id -u)" -ne 0 ] || [ ! -x "$FL" ] || [ ! -f "$KO" ]; then
	echo "1..0 # SKIP needs root, $FL and $KO (run it in the guest)"
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0"
	exit 0
fi
was_loaded=0
section "run, hist, tasks"
if grep -q '^faultlat ' /proc/modules; then
	was_loaded=1
else
	insmod "$KO" "${params[@]}" || { echo "Bail out! insmod $KO failed"; exit 1; }
fi

# each function probe: "(direct)", or "(kretprobe...)" and why not direct
how='\((direct|kretprobe[^)]*)\)'

run "$FL" status
[ $rc -eq 0 ] && grep -Eq "^probes: +handle_mm_fault $how" "$tmp/out"
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

# Long enough for the slowest guest (the debug kernel takes over 1000 s
# to reach the unprivileged tests, which read it too).
sleep 100000 &
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
section "TLB flushes"

run "$FL" status
[ $rc -eq 0 ] &&
grep -Eq "^tlb probes: flush_tlb_mm_range $how, flush_tlb_func $how, tlb:tlb_flush tracepoint, native_flush_tlb_multi $how" "$tmp/out" &&
grep -q "^tlb ipi:    " "$tmp/out" && grep -q "^tlb:        flushes [0-9]" "$tmp/out"
ok $? "status: the TLB probes, the IPI function, the TLB counts"

run "$FL" run -j -- dd if=/dev/zero of=/dev/null bs=8M count=2
[ $rc -eq 0 ] && json out 'j["tlb"]["flush"]["count"] > 0 and
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
	# /proc/interrupts is read before and after each hist --tlb: other
	# CPUs' flushes between the reads cannot make either bound wrong.
	taskset -p -c 0 $$ >/dev/null
	a0=$(tlb_shootdowns)
	run "$FL" hist --tlb -j
	cp "$tmp/out" "$tmp/tlb0.json"
	i0=$(tlb_shootdowns)
	run "$FL" run -j -- python3 -c "$tlb_workload" 150
	cp "$tmp/out" "$tmp/run.json"
	i1=$(tlb_shootdowns)
	run "$FL" hist --tlb -j
	cp "$tmp/out" "$tmp/tlb1.json"
	b1=$(tlb_shootdowns)
	taskset -p -c "0-$(($(nproc) - 1))" $$ >/dev/null
	echo "# TLB shootdowns $a0 $i0 -> $i1 $b1"

	json run.json 'j["exit_status"] == 0 and j["tlb"]["flush"]["count"] >= 150 and
		j["tlb"]["remote"] > 0 and j["tlb"]["ipis"] >= j["tlb"]["remote"] and
		j["tlb"]["ipi_targets"] >= j["tlb"]["ipis"]'
	ok $? "run: a two-CPU workload's remote flushes"

	# Between the inner reads, every shootdown is counted or missed;
	# between the outer ones, nothing counted is not a shootdown.
	d=$((i1 - i0)) D=$((b1 - a0))
	check '0 < J("tlb1.json")["received_remote"] - J("tlb0.json")["received_remote"] <= '$D' and
	       '$d' <= J("tlb1.json")["received_remote"] - J("tlb0.json")["received_remote"] +
	       J("tlb1.json")["nmissed"] - J("tlb0.json")["nmissed"]'
	r=$?
	[ $r -eq 0 ] || check 'print("# received_remote", J("tlb0.json")["received_remote"],
	       J("tlb1.json")["received_remote"], "nmissed", J("tlb0.json")["nmissed"],
	       J("tlb1.json")["nmissed"]) or True'
	ok $r "hist --tlb: received_remote grew as /proc/interrupts' TLB shootdowns ($d..$D), but for misses"

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

# --- trace: the live events ------------------------------------------------------
section "trace: the live events"

# wait_ready FILE: until faultlat trace says it is tracing (its stderr)
wait_ready() {
	for _ in $(seq 200); do
		grep -q "Ctrl-C to end" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# the interpreter itself, not a wrapper script that forks helpers
py=$(python3 -c 'import sys; print(sys.executable)')
# faults for about $1 seconds, in one thread
fault_loop='import mmap, sys, time
end = time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    m = mmap.mmap(-1, 1 << 20)
    m[::4096] = b"x" * 256
    m.close()'
# 50 mmap/touch/munmap rounds in one thread: 100 TLB flushes or so
tlb_single='import mmap
for i in range(50):
    m = mmap.mmap(-1, 16 << 12)
    m[::4096] = b"x" * 16
    m.close()'

# --- record and report: which code took the faults ---------------------------

# tests/stack_workload faults in fault_in_main_a() (in the program: fresh
# anonymous pages) and in fault_in_lib_b() (in its shared library: a
# shared file mapping), and prints getrusage's counts around each call:
# the report must give those functions, in those modules, as many faults
# as getrusage counted, and their mappings
stack_checks() {
	section "record and report"
	local wl=$PWD/userspace/tests/stack_workload src=$PWD/userspace/tests
	local la lb

	run "$FL" record -o "$tmp/rec.jsonl" --min-latency 0 -b 4096 -- \
		"$wl" "$tmp/wfile" 300 200
	cp "$tmp/out" "$tmp/wl.json"
	[ $rc -eq 0 ] && has err "exited with status 0" &&
	check 'J("wl.json")["fault_in_main_a"]["minflt"] >= 300 and
		J("wl.json")["fault_in_lib_b"]["minflt"] >= 200'
	ok $? "record -- stack_workload: it ran, getrusage counted its faults"

	# the recording itself: every fault of the workload's process has
	# both stacks and a mapping, and nothing was lost
	check 'all(e["tgid"] == J("wl.json")["pid"] and
		e["user_stack"] and e["kernel_stack"] is not None and e["mapping"]
		for e in map(json.loads, T("rec.jsonl").splitlines())
		if e["type"] == "fault") and
		[json.loads(l) for l in T("rec.jsonl").splitlines()][-1]["lost"] == 0'
	ok $? "record: every fault of the command with its stacks and mapping, none lost"

	run "$FL" report -i "$tmp/rec.jsonl" -j
	cp "$tmp/out" "$tmp/rep.json"
	# the faults of each function: as many as getrusage counted around
	# its call, in the right module
	[ $rc -eq 0 ] && check 'sum(s["faults"] for s in J("rep.json")["sites"]
		if s["sym"] == "fault_in_main_a" and s["dso"].endswith("/stack_workload")) ==
		J("wl.json")["fault_in_main_a"]["minflt"] + J("wl.json")["fault_in_main_a"]["majflt"]'
	ok $? "report: fault_in_main_a (main program) has as many faults as getrusage counted"

	check 'sum(s["faults"] for s in J("rep.json")["sites"]
		if s["sym"] == "fault_in_lib_b" and
		s["dso"].endswith("/libfaultlat_stacklib.so")) ==
		J("wl.json")["fault_in_lib_b"]["minflt"] + J("wl.json")["fault_in_lib_b"]["majflt"]'
	ok $? "report: fault_in_lib_b (shared library) has as many faults as getrusage counted"
	python3 -c 'import json, sys
w, r = (json.load(open(sys.argv[1] + n)) for n in ("/wl.json", "/rep.json"))
for f in "fault_in_main_a", "fault_in_lib_b":
    s = [x for x in r["sites"] if x["sym"] == f]
    print("# %s: getrusage minflt %d majflt %d; report %d faults, %d ns" % (f,
          w[f]["minflt"], w[f]["majflt"], sum(x["faults"] for x in s),
          sum(x["time_ns"] for x in s)))' "$tmp" 2>/dev/null

	# their time: the sum of their faults' latencies in the recording,
	# added up here from the events
	check 'all(sum(s["time_ns"] for s in J("rep.json")["sites"] if s["sym"] == f) ==
		sum(e["latency_ns"] for e in map(json.loads, T("rec.jsonl").splitlines())
		    if e["type"] == "fault" and e["user_stack"][0]["sym"] == f) > 0
		for f in ("fault_in_main_a", "fault_in_lib_b")) and
		J("rep.json")["time_ns"] == sum(e["latency_ns"]
		for e in map(json.loads, T("rec.jsonl").splitlines()) if e["type"] == "fault")'
	ok $? "report: their time is the sum of their faults' latencies"

	# debuginfo: the source line of the store that faults
	la=$(grep -n 'p\[i \* 4096\] = 1;' "$src/stack_workload.c" | cut -d: -f1)
	lb=$(grep -n 'p\[i \* 4096\] = 2;' "$src/stack_lib.c" | cut -d: -f1)
	check 'any(s["sym"] == "fault_in_main_a" and s["src"].endswith("stack_workload.c") and
		s["line"] == '"$la"' for s in J("rep.json")["sites"]) and
		any(s["sym"] == "fault_in_lib_b" and s["src"].endswith("stack_lib.c") and
		s["line"] == '"$lb"' for s in J("rep.json")["sites"])'
	ok $? "report: the faulting store's file:line, from debuginfo"

	# by mapping: the data file took fault_in_lib_b's faults; anonymous
	# memory at least fault_in_main_a's
	check 'sum(m["faults"] for m in J("rep.json")["mappings"]
		if m["mapping"] == "'"$tmp/wfile"'" and m["file"]) ==
		J("wl.json")["fault_in_lib_b"]["minflt"] and
		sum(m["faults"] for m in J("rep.json")["mappings"] if m["mapping"] == "[anon]") >=
		J("wl.json")["fault_in_main_a"]["minflt"]'
	ok $? "report: by mapping, the data file and [anon]"

	run "$FL" report -i "$tmp/rec.jsonl" --folded -
	cp "$tmp/out" "$tmp/folded"
	# folded: the callers too (frame pointers): main called each
	# function for as many faults as getrusage counted (the warm-up
	# calls' faults in their first instruction, before their frame is
	# made, have main's caller instead), with those faults' time
	[ $rc -eq 0 ] && check 'all(re.match(r"^[^; ][^;]*;.* [0-9]+$", l)
		for l in T("folded").splitlines()) and
		all(sum(int(l.rsplit(" ", 1)[1]) for l in T("folded").splitlines()
		    if ";main;" + f + ";" in l) ==
		sum(e["latency_ns"] for e in evs if e["user_stack"][0]["sym"] == f and
		    e["user_stack"][1]["sym"] == "main") > 0 and
		len([e for e in evs if e["user_stack"][0]["sym"] == f and
		    e["user_stack"][1]["sym"] == "main"]) ==
		J("wl.json")[f]["minflt"] + J("wl.json")[f]["majflt"]
		for evs in [[e for e in map(json.loads, T("rec.jsonl").splitlines())
		    if e["type"] == "fault" and len(e["user_stack"]) > 1]]
		for f in ("fault_in_main_a", "fault_in_lib_b"))'
	ok $? "report --folded: main;fault_in_main_a and main;fault_in_lib_b, their faults and time"

	run "$FL" report -i "$tmp/rec.jsonl" --svg "$tmp/flame.svg"
	[ $rc -eq 0 ] && xmllint --noout "$tmp/flame.svg" &&
	grep -q '<title>fault_in_main_a (' "$tmp/flame.svg" &&
	grep -q '<title>fault_in_lib_b (' "$tmp/flame.svg"
	ok $? "report --svg: a well-formed flame graph with both functions"

	run "$FL" report -i "$tmp/rec.jsonl"
	[ $rc -eq 0 ] && grep -Eq ' fault_in_main_a +stack_workload +.*stack_workload.c:[0-9]+$' "$tmp/out" &&
	grep -Eq ' fault_in_lib_b +libfaultlat_stacklib.so ' "$tmp/out" &&
	grep -q "By mapping of the faulting address" "$tmp/out"
	ok $? "report: text tables by call site and by mapping"

	# a program without frame pointers (Debian's dd): stacks of one
	# frame, and the report says so
	run "$FL" record -o "$tmp/dd.jsonl" -- dd if=/dev/zero of=/dev/null bs=1M count=2
	run "$FL" report -i "$tmp/dd.jsonl"
	[ $rc -eq 0 ] && has out "user stacks of one frame: no frame pointers?"
	ok $? "report: user stacks of one frame are said (no frame pointers)"

	# a ring buffer too small: the lost events are counted and said
	run "$FL" record -o "$tmp/lost.jsonl" -b 8 -- "$wl" "$tmp/wfile2" 20000 1
	run "$FL" report -i "$tmp/lost.jsonl" -j
	cp "$tmp/out" "$tmp/lost.json"
	run "$FL" report -i "$tmp/lost.jsonl"
	[ $rc -eq 0 ] && has out "lost: " &&
	# missed-event marks in the records, or only the ring buffers'
	# overrun count (6.1 in a busy guest gave 0 and 1785)
	check 'J("lost.json")["lost"] + J("lost.json")["lost_ring"] > 0 and J("lost.json")["faults"] < 20000'
	ok $? "report: events lost while recording are counted and said"

	# the command's children (its process tree, filtered in the kernel):
	# stack_workload forks two children that exec it again and fault in
	# fault_in_child_c() and fault_in_lib_b(); each child's events are
	# as many as its own getrusage(RUSAGE_SELF) counted, fork to exit
	# (the kernel's count, read with every page locked)
	run "$FL" record -o "$tmp/kids.jsonl" --min-latency 0 -b 4096 -- \
		"$wl" "$tmp/wfile4" 100 50 2
	cp "$tmp/out" "$tmp/kids.out"
	[ $rc -eq 0 ] && has err "exited with status 0" && ! has err "not following" &&
	check 'len(T("kids.out").splitlines()) == 3 and
		all(len([e for e in evs if e["tgid"] == w["pid"]]) ==
		    w["self"]["minflt"] + w["self"]["majflt"] and
		    all(e["user_stack"] and e["mapping"] for e in evs if e["tgid"] == w["pid"])
		    for w in map(json.loads, T("kids.out").splitlines()[:2])) and
		sm["lost"] == 0 and sm["children"] and sm["processes_unmapped"] == 0
		for evs in [[e for e in map(json.loads, T("kids.jsonl").splitlines())
		    if e["type"] == "fault"]]
		for sm in [json.loads(T("kids.jsonl").splitlines()[-1])]'
	ok $? "record -- a command that forks: each child's events, as many as its getrusage counted"
	python3 -c 'import json, sys
evs = [e for e in map(json.loads, open(sys.argv[1] + "/kids.jsonl")) if e["type"] == "fault"]
for w in map(json.loads, open(sys.argv[1] + "/kids.out")):
    print("# pid %d: getrusage self %d; recorded %d" % (w["pid"],
          w["self"]["minflt"] + w["self"]["majflt"],
          len([e for e in evs if e["tgid"] == w["pid"]])))' "$tmp" 2>/dev/null

	run "$FL" report -i "$tmp/kids.jsonl" -j
	cp "$tmp/out" "$tmp/kids.json"
	[ $rc -eq 0 ] && check 'sum(s["faults"] for s in J("kids.json")["sites"]
		if s["sym"] == "fault_in_child_c" and s["dso"].endswith("/stack_workload")) ==
		sum(w["fault_in_child_c"]["minflt"] + w["fault_in_child_c"]["majflt"]
		    for w in map(json.loads, T("kids.out").splitlines()[:2])) > 0'
	ok $? "report: the children's faults in fault_in_child_c, by name, as getrusage counted"

	# one child's, with its own mappings (its library where its exec put it)
	local kid
	kid=$(python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["pid"])' "$tmp/kids.out")
	run "$FL" report -i "$tmp/kids.jsonl" -p "$kid" -j
	cp "$tmp/out" "$tmp/kid.json"
	[ $rc -eq 0 ] && check 'sum(s["faults"] for s in J("kid.json")["sites"]
		if s["sym"] == "fault_in_lib_b" and
		s["dso"].endswith("/libfaultlat_stacklib.so")) ==
		json.loads(T("kids.out").splitlines()[0])["fault_in_lib_b"]["minflt"] and
		sum(m["faults"] for m in J("kid.json")["mappings"]
		    if m["mapping"] == "'"$tmp/wfile4"'") ==
		json.loads(T("kids.out").splitlines()[0])["fault_in_lib_b"]["minflt"]'
	ok $? "report -p CHILD: its fault_in_lib_b faults and its data file's, as getrusage counted"

	# -i: COMMAND's own process only
	run "$FL" record -i -o "$tmp/kids1.jsonl" --min-latency 0 -b 4096 -- \
		"$wl" "$tmp/wfile5" 20 10 2
	cp "$tmp/out" "$tmp/kids1.out"
	[ $rc -eq 0 ] && check 'len(evs) > 0 and
		all(e["tgid"] == json.loads(T("kids1.out").splitlines()[2])["pid"] for e in evs) and
		not json.loads(T("kids1.jsonl").splitlines()[-1])["children"]
		for evs in [[e for e in map(json.loads, T("kids1.jsonl").splitlines())
		    if e["type"] == "fault"]]'
	ok $? "record -i: COMMAND's own process only, not its children"

	# trace --stack: live, the mapping and both stacks under each fault
	"$FL" trace --stack -c 20 >"$tmp/out" 2>"$tmp/err" &
	local tp=$!
	wait_ready "$tmp/err"
	"$wl" "$tmp/wfile3" 10 10 >/dev/null &
	wait $tp
	rc=$?
	[ $rc -eq 0 ] && has out "    mapping: " && has out "    user stack:" &&
	has out "    kernel stack:" && has out "handle_mm_fault+0x"
	ok $? "trace --stack: the mapping and both stacks under each fault"
}

# --- time by cause (module parameter causes) ---------------------------------

# tests/uffd_workload reads PAGES pages of a range registered with a
# userfaultfd whose handler sleeps DELAY_MS before it fills each page:
# each read is one fault that waits that long at least for the handler,
# the module's cause uffd.  What record and trace say of each fault is
# compared with the kernel's own text of the same event, read from the
# trace file of a tracefs instance of ours, and with the delay and the
# workload's own clock around each read; report's totals with sums made
# here from the recording.  A module 0.8 or later has three causes more,
# page_lock_ns, fallback_ns and zeroing_ns: each checked as the five when
# the events have it, not asked of an older module.
cz_skipped=0
cause_checks() {
	local param=/sys/module/faultlat/parameters/causes
	local wl=$PWD/userspace/tests/uffd_workload
	local inst=/sys/kernel/tracing/instances/fl-guest-causes
	local was tp r rec rep fold txt off svg reptxt
	local -a res

	if [ ! -w $param ] || [ ! -x "$wl" ]; then
		echo "# SKIP causes: no module parameter causes, or no $wl"
		cz_skipped=1
		return
	fi
	section "time by cause"
	was=$(cat $param)
	echo 1 >$param
	# the kernel's text of the workload's events (after its exec)
	rmdir $inst 2>/dev/null
	mkdir $inst &&
	echo 'comm == "uffd_workload"' >$inst/events/faultlat/fault/filter &&
	echo 1 >$inst/events/faultlat/fault/enable
	ok $? "causes=1: a tracefs instance of the test's own, faultlat:fault of the workload"
	"$FL" trace --min-latency 20ms >"$tmp/cztext" 2>"$tmp/cztext.err" &
	tp=$!
	wait_ready "$tmp/cztext.err"
	run "$FL" record -o "$tmp/cz.jsonl" -b 4096 -- "$wl" 6 100
	rec=$rc
	cp "$tmp/out" "$tmp/czwl.json"
	echo 0 >$inst/tracing_on
	cp $inst/trace "$tmp/czkernel.txt"
	rmdir $inst
	kill -INT $tp
	wait $tp
	txt=$?
	"$FL" report -i "$tmp/cz.jsonl" -j >"$tmp/czrep.json" 2>"$tmp/czrep.err"
	rep=$?
	"$FL" report -i "$tmp/cz.jsonl" --causes --folded - >"$tmp/czfolded" 2>"$tmp/czfolded.err"
	fold=$?
	"$FL" report -i "$tmp/cz.jsonl" --causes --svg "$tmp/czflame.svg" \
		>"$tmp/czsvg.out" 2>"$tmp/czsvg.err"
	svg=$?
	"$FL" report -i "$tmp/cz.jsonl" --causes >"$tmp/czrep.txt" 2>"$tmp/czrep.err"
	reptxt=$?

	# causes off: the event's fields are zeroes, which are not "no
	# cause": trace gives the faults no causes
	echo 0 >$param
	"$FL" trace -j >"$tmp/czoff.json" 2>"$tmp/czoff.err" &
	tp=$!
	wait_ready "$tmp/czoff.err"
	"$wl" 2 20 >"$tmp/czoffwl.json"
	kill -INT $tp
	wait $tp
	off=$?
	echo "$was" >$param

	# one python for the checks below (each start is seconds under TCG):
	# a line of 0 (passed) or 1 each, then "#" lines to show
	mapfile -t res < <(python3 -c 'import json, re, sys
d = sys.argv[1]
J = lambda n: json.load(open(d + "/" + n))
T = lambda n: open(d + "/" + n).read()
CZ = ("reclaim", "compaction", "mmap_lock", "io", "uffd")
# the kernel own text of each event of the workload, its fields by name
kev = [dict(re.findall(r"(\w+)=(\S+)", l.split(" fault: ", 1)[1]))
       for l in T("czkernel.txt").splitlines() if " fault: " in l]
# 0.8: the page lock and the fallback, the fields after the tree
if kev and all("page_lock_ns" in f and "fallback_ns" in f for f in kev):
    CZ += ("page_lock", "fallback")
# and the zeroing of a huge page, the last field
if kev and all("zeroing_ns" in f for f in kev):
    CZ += ("zeroing",)
w = J("czwl.json")
recs = [json.loads(l) for l in T("cz.jsonl").splitlines()]
ev = [e for e in recs if e["type"] == "fault"]
# the area faults: at its addresses, after it was mapped (before, the
# dynamic loader may have read its ld.so.cache there)
at = [e for e in ev if w["start"] <= e["address"] < w["start"] + 6 * w["page_size"]]
area = [e for e in at if e["ts_ns"] > w["mapped_ns"]]
page = lambda e: (e["address"] - w["start"]) // w["page_size"]
out = []
def check(f):
    try:
        out.append(0 if f() else 1)
    except Exception as x:
        out.append(1)
        print("# check %d: %r" % (len(out), x), file=sys.stderr)
# record: it ran, the handler served the six faults, nothing was lost
check(lambda: w["served"] == 6 and recs[-1]["type"] == "summary" and recs[-1]["lost"] == 0)
# every fault has its causes, the rest being its latency less them
check(lambda: len(ev) > 6 and all(sorted(e["causes"]) == sorted([c + "_ns" for c in CZ] + ["rest_ns"]) and
      e["causes"]["rest_ns"] == e["latency_ns"] - sum(e["causes"][c + "_ns"] for c in CZ) >= 0 for e in ev))
# the kernel own text of the events: the same causes, field by field,
# for every event of the workload it has; the six faults in both
k = {}
for f in kev:
    try:
        k[(int(f["pid"]), int(f["address"], 16), int(f["latency_ns"]))] = \
            tuple(int(f[c + "_ns"]) for c in CZ)
    except (KeyError, ValueError) as x:
        print("# kernel text: %r" % x, file=sys.stderr)
r = {(e["pid"], e["address"], e["latency_ns"]): tuple(e["causes"][c + "_ns"] for c in CZ) for e in ev}
check(lambda: len(k) > 6 and all(x in r and r[x] == c for x, c in k.items()) and
      sum(1 for e in area if (e["pid"], e["address"], e["latency_ns"]) in k) == 6)
# each handler-served fault: the delay at least, within the read own time
check(lambda: len(area) == 6 and all(w["delay_ns"] <= e["causes"]["uffd_ns"] <=
      min(e["latency_ns"], w["took_ns"][page(e)]) for e in area))
# report -j: by cause and wait_uffd, the sums of the recording
rp = J("czrep.json")
check(lambda: rp["causes"]["faults"] == len(ev) == rp["faults"] and
      rp["causes"]["unknown"]["faults"] == 0 and rp["causes"]["unknown"]["time_ns"] == 0 and
      all(rp["causes"]["by_cause"][c]["time_ns"] == sum(e["causes"][c + "_ns"] for e in ev) and
          rp["causes"]["by_cause"][c]["faults"] == sum(1 for e in ev if e["causes"][c + "_ns"])
          for c in CZ + ("rest",)) and
      [s for s in rp["sites"] if s["sym"] == "wait_uffd"][0]["causes"]["uffd_ns"] ==
      sum(e["causes"]["uffd_ns"] for e in ev if e["user_stack"] and
          e["user_stack"][0]["sym"] == "wait_uffd") >= 6 * w["delay_ns"])
# report --causes --folded: a cause on top of every stack, the time of all
# the faults; wait_uffd [uffd] frames, the uffd_ns of its faults
fl = T("czfolded").splitlines()
check(lambda: all(re.match(r"^[^;]+(;[^;]+)*;\[(" + "|".join(CZ) + r"|rest)\] [0-9]+$", l)
                  for l in fl) and
      sum(int(l.rsplit(" ", 1)[1]) for l in fl) == sum(e["latency_ns"] for e in ev) and
      sum(int(l.rsplit(" ", 1)[1]) for l in fl if ";wait_uffd;" in l and ";[uffd] " in l) ==
      sum(e["causes"]["uffd_ns"] for e in ev
          if any(f["sym"] == "wait_uffd" for f in e["user_stack"] or [])) >= 6 * w["delay_ns"])
# trace text: the CAUSES column, the six faults with uffd= the delay or more
tl = T("cztext").splitlines()
check(lambda: re.match(r"^TIME +COMM/TID .* MODE +(PATH +)?RESULT +CAUSES$", tl[0]) and
      sum(1 for l in tl if "/%d " % w["pid"] in l and
          any(float(v) * {"ms": 1e6, "s": 1e9}[u] >= w["delay_ns"]
              for v, u in re.findall(r" uffd=([0-9.]+)(ms|s)\b", l))) == 6)
# causes off: no fault has causes
wo = J("czoffwl.json")
off = [e for e in map(json.loads, T("czoff.json").splitlines()) if e.get("tgid") == wo["pid"]]
check(lambda: len(off) >= 2 and all("causes" not in e for e in off))
print("\n".join(map(str, out)))
print("# kernel text: %d events of uffd_workload; recording: %d faults; causes: %s" %
      (len(k), len(ev), " ".join(CZ)))
print("# at the area addresses before it was mapped: %d faults" % (len(at) - len(area)))
for e in sorted(area, key=page):
    print("# page %d: read took %d ns, latency %d, uffd %d, rest %d" % (page(e),
          w["took_ns"][page(e)], e["latency_ns"], e["causes"]["uffd_ns"], e["causes"]["rest_ns"]))
for l in tl:
    if "/%d " % w["pid"] in l and " uffd=" in l:
        print("# " + l)
        break' "$tmp" 2>"$tmp/err")
	cp "$tmp/czwl.json" "$tmp/out"
	rc=$rec
	[ $rec -eq 0 ] && [ "${res[0]:-1}" = 0 ]
	ok $? "record -- uffd_workload 6 100: six faults served, none lost"
	[ "${res[1]:-1}" = 0 ]
	ok $? "record, causes=1: every fault has its time by cause, the rest its latency less them"
	[ "${res[2]:-1}" = 0 ]
	ok $? "record: each fault's causes are the kernel's own text of the event, field by field"
	[ "${res[3]:-1}" = 0 ]
	ok $? "record: each handler-served fault has uffd_ns of the delay (100ms) or more, within its latency and the read's own time"
	cp "$tmp/czrep.json" "$tmp/out"
	rc=$rep
	[ $rep -eq 0 ] && [ "${res[4]:-1}" = 0 ]
	ok $? "report -j: the time by cause, and wait_uffd's, are the recording's sums"
	cp "$tmp/czfolded" "$tmp/out"
	rc=$fold
	[ $fold -eq 0 ] && [ "${res[5]:-1}" = 0 ]
	ok $? "report --causes --folded: a cause on top of each stack; wait_uffd's [uffd] is its faults' uffd_ns"
	cp "$tmp/cztext" "$tmp/out"
	rc=$txt
	[ $txt -eq 0 ] && [ "${res[6]:-1}" = 0 ]
	ok $? "trace, causes=1: a CAUSES column; the six faults with uffd= the delay or more"
	cp "$tmp/czoff.json" "$tmp/out"
	rc=$off
	[ $off -eq 0 ] && [ "${res[7]:-1}" = 0 ]
	ok $? "trace -j, causes=0: no fault has causes"
	cp "$tmp/czsvg.out" "$tmp/out"
	cp "$tmp/czsvg.err" "$tmp/err"
	rc=$svg
	[ $svg -eq 0 ] && xmllint --noout "$tmp/czflame.svg" &&
	grep -q '<title>\[uffd\] (' "$tmp/czflame.svg"
	ok $? "report --causes --svg: a well-formed flame graph with [uffd] frames"
	cp "$tmp/czrep.txt" "$tmp/out"
	cp "$tmp/czrep.err" "$tmp/err"
	rc=$reptxt
	# uffd the first cause under wait_uffd; the rest (no cause) may come
	# before it on a loaded host, whose preemptions of the guest are time
	# in the fault for the guest's clock
	[ $reptxt -eq 0 ] && grep -Eq '^ +[0-9.]+% +[0-9.]+m?s +6  uffd$' "$tmp/out" &&
	grep -A1 -E ' wait_uffd +uffd_workload ' "$tmp/out" |
		grep -Eq '^ {30}(rest [0-9.]+m?s \([0-9.]+%\), )?uffd [0-9.]+m?s \([0-9.]+%\)'
	ok $? "report --causes: uffd in the table by cause, and the first cause under wait_uffd"
	{
		sed -n '/^By cause/,/^$/p' "$tmp/out"
		grep -A1 -E ' wait_uffd +uffd_workload ' "$tmp/out"
	} | sed 's/^/# /'
	for r in "${res[@]:8}"; do
		echo "$r"
	done
}

# FL_GUEST_ONLY=stack or causes: those checks alone (while working on them)
if [ "${FL_GUEST_ONLY:-}" = stack ] || [ "${FL_GUEST_ONLY:-}" = causes ]; then
	kill $sleeper 2>/dev/null
	wait $sleeper 2>/dev/null
	if [ "$FL_GUEST_ONLY" = stack ]; then
		stack_checks
	else
		cause_checks
	fi
	[ $was_loaded = 1 ] || rmmod faultlat
	totals $cz_skipped
	[ $failed -eq 0 ]
	exit
fi

run "$FL" status -j
json out 'j["min_latency_ns"] == 0'
ok $? "status -j: min_latency_ns 0 by default"

# trace and perf record side by side, then a workload run by faultlat run
"$FL" trace -j >"$tmp/trace.json" 2>"$tmp/trace.err" &
tpid=$!
wait_ready "$tmp/trace.err"
ok $? "trace: ready"
# perf starts disabled and says when it records (setting up -a takes
# seconds here)
mkfifo "$tmp/perf.ctl" "$tmp/perf.ack"
perf record -q -e faultlat:fault -a -D -1 \
	--control "fifo:$tmp/perf.ctl,$tmp/perf.ack" -o "$tmp/perf.data" \
	>"$tmp/perf.out" 2>&1 &
ppid=$!
exec 8<>"$tmp/perf.ctl" 9<>"$tmp/perf.ack"
echo enable >&8
read -r -t 120 perf_ack <&9
run "$FL" run -j -- dd if=/dev/zero of=/dev/null bs=4M count=4
cp "$tmp/out" "$tmp/run.json"
kill -INT $ppid
wait $ppid
exec 8>&- 9>&-
kill -INT $tpid
wait $tpid
trc=$?
rc=$trc
cp "$tmp/trace.err" "$tmp/err"
[ $trc -eq 0 ] && [ "$perf_ack" = ack ] &&
[ ! -e "/sys/kernel/tracing/instances/faultlat-trace-$tpid" ]
ok $? "trace -j: SIGINT ends it: exit 0, its instance removed"

check 'all(l["type"] in ("fault", "summary") for l in map(json.loads, T("trace.json").splitlines())) and
       json.loads(T("trace.json").splitlines()[-1])["type"] == "summary" and
       json.loads(T("trace.json").splitlines()[-1])["lost"] == 0 and
       json.loads(T("trace.json").splitlines()[-1])["events"] == len(T("trace.json").splitlines()) - 1'
ok $? "trace -j: one object per line, faults then the summary"

# the workload's events: as many as its histograms count, errors apart
check '(lambda r, ev: [e["outcome"] for e in ev].count("minor") == r["stats"]["minor"]["count"] and
	[e["outcome"] for e in ev].count("major") == r["stats"]["major"]["count"] and
	[e["outcome"] for e in ev].count("error") == r["stats"]["errors"] and
	r["stats"]["minor"]["count"] > 10 and
	sum(e["latency_ns"] for e in ev if e["outcome"] != "error") ==
	r["stats"]["minor"]["sum_ns"] + r["stats"]["major"]["sum_ns"] and
	max(e["latency_ns"] for e in ev if e["outcome"] == "minor") == r["stats"]["minor"]["max_ns"] and
	all(e["pid"] == r["pid"] for e in ev))(J("run.json"),
	[e for e in map(json.loads, T("trace.json").splitlines()) if e.get("tgid") == J("run.json")["pid"]])'
ok $? "trace: the workload's events match its histograms (counts, sum, max)"
echo "# dd (pid $(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$tmp/run.json" | head -n1)): $(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print("minor", r["stats"]["minor"]["count"], "major", r["stats"]["major"]["count"],
      "errors", r["stats"]["errors"])' "$tmp/run.json") ; trace: $(wc -l <"$tmp/trace.json") lines"

check '(lambda r, ev: all(sum(1 for e in ev if e["outcome"] == c and e[f] == v) == n
		for f, key in (("mode", "by_mode"), ("kind", "by_kind"), ("access", "by_access"))
		for c in ("minor", "major") for v, n in r["stats"][key][c].items()))(J("run.json"),
	[e for e in map(json.loads, T("trace.json").splitlines()) if e.get("tgid") == J("run.json")["pid"]])'
ok $? "trace: the workload's events by mode, kind and access match its breakdowns"

perf script -i "$tmp/perf.data" -F tid,trace >"$tmp/perf.txt" 2>"$tmp/perf.err"
cp "$tmp/perf.txt" "$tmp/out"
check '(lambda pid, ours, theirs: len(theirs) > 10 and sorted(ours) == sorted(theirs))(
	J("run.json")["pid"],
	[(e["pid"], e["tgid"], e["address"], e["latency_ns"], e["outcome"], e["mode"], e["kind"],
	  e["access"], e["result"], e["attempts"])
	 for e in map(json.loads, T("trace.json").splitlines()) if e.get("tgid") == J("run.json")["pid"]],
	[(int(m[0]), int(m[1]), int(m[2], 16), int(m[3]), m[4], m[5], m[6], m[7], int(m[8], 16), int(m[9]))
	 for m in re.findall(r"pid=(\d+) tgid=(\d+) address=0x([0-9a-f]+) latency_ns=(\d+) outcome=(\w+) "
			     r"mode=(\w+) kind=(\w+) access=(\w+) result=0x([0-9a-f]+) attempts=(\d+)", T("perf.txt"))
	 if int(m[1]) == J("run.json")["pid"]])'
ok $? "trace and perf record -a: the same events, field by field, for the workload"
echo "# perf script: $(grep -c "pid=" "$tmp/perf.txt") events system-wide; dd's: $(python3 -c 'import json, re, sys
pid = json.load(open(sys.argv[1]))["pid"]
ours = sum(1 for line in open(sys.argv[2]) if json.loads(line).get("tgid") == pid)
theirs = len(re.findall(r"tgid=%d address" % pid, open(sys.argv[3]).read()))
print("trace", ours, "perf", theirs)' "$tmp/run.json" "$tmp/trace.json" "$tmp/perf.txt")"

# text: the summary on stderr
"$FL" trace -d 1 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && grep -Eq "^faultlat trace: [0-9]+ events \([0-9]+ faults, 0 TLB flushes\) in 1\.[0-9]+s, 0 lost$" "$tmp/err"
ok $? "trace -d 1: ends after a second, the summary on stderr"

# text: one line per event with the columns of the header
"$FL" trace -c 10 >"$tmp/out" 2>"$tmp/err" &
tpid=$!
wait_ready "$tmp/err"
"$py" -c "$fault_loop" 0.5
wait $tpid
rc=$?
[ $rc -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 11 ] &&
head -n1 "$tmp/out" | grep -Eq "^TIME +COMM/TID +TYPE +ADDRESS +LATENCY +ATT +KIND +ACCESS +MODE +RESULT$" &&
[ "$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} [^ ]+/[0-9]+ +(minor|major|error) 0x[0-9a-f]{12} +[0-9.]+(ns|us|ms|s) +[0-9]+ (anon|file|shmem|hugetlb) +(read|write|exec) +(user|kernel) +0x[0-9a-f]+' "$tmp/out")" -eq 10 ] &&
has err "faultlat trace: 10 events (10 faults, 0 TLB flushes)"
ok $? "trace -c 10: a header and 10 well-formed lines"

# -p: another process's faults stay out
"$py" -c "$fault_loop" 4 &
other=$!
"$py" -c "$fault_loop" 4 &
target=$!
"$FL" trace -p $target -d 2 -j >"$tmp/out" 2>"$tmp/err"
rc=$?
wait $other $target
[ $rc -eq 0 ] && json_lines=$(wc -l <"$tmp/out") && [ "$json_lines" -gt 50 ] &&
check 'all(e["tgid"] == '$target' and e["pid"] == '$target' for e in map(json.loads, T("out").splitlines()) if e["type"] == "fault")'
ok $? "trace -p: only the process's faults ($json_lines lines), though another one faulted as much"

# --min-latency: each trace's own filter, in the kernel; nothing global
# changes, however traces with different thresholds overlap and end
"$FL" trace --min-latency 20us -b 4096 -j >"$tmp/outer.json" 2>"$tmp/outer.err" &
outer=$!
wait_ready "$tmp/outer.err"
run "$FL" status -j
json out 'j["min_latency_ns"] == 0'
ok $? "trace --min-latency 20us: the module's min_latency_ns stays 0 while it runs"
"$FL" trace --min-latency 0.1ms -j >"$tmp/inner.json" 2>"$tmp/inner.err" &
inner=$!
wait_ready "$tmp/inner.err"
f=/sys/kernel/tracing/instances/faultlat-trace-$inner/events/faultlat/fault/filter
grep -Eq '^latency_ns *>= *100000$' "$f"
ok $? "a second trace --min-latency 0.1ms: its own instance's filter ($(cat "$f"))"
"$py" -c "$fault_loop" 1
# (CLOCK_MONOTONIC, the traces' clock: the outer one still reads here)
mark=$("$py" -c 'import time; print(time.monotonic_ns())')
# the first one ends first: the order that left a global threshold
# behind when traces set the module's
kill -HUP $outer
wait $outer
"$py" -c "$fault_loop" 0.5
kill -TERM $inner
wait $inner
run "$FL" status -j
json out 'j["min_latency_ns"] == 0'
ok $? "both traces ended (SIGHUP, then SIGTERM): min_latency_ns still 0"
check 'all(e["latency_ns"] >= 100000 for e in map(json.loads, T("inner.json").splitlines()) if e["type"] == "fault") and
       all(e["latency_ns"] >= 20000 for e in map(json.loads, T("outer.json").splitlines()) if e["type"] == "fault") and
       sum(1 for e in map(json.loads, T("outer.json").splitlines()) if e["type"] == "fault" and e["latency_ns"] < 100000) > 0'
ok $? "--min-latency: every event at least its own trace's threshold; the 20us one has faster ones"
# both read the same faults: the slow ones of the inner trace, while the
# outer one was reading, are in the outer one's output (each instance
# stamps its copy of an event with its own clock read: matched by
# thread, address and latency)
check '(lambda o, i, s: s[0]["lost"] == 0 and s[1]["lost"] == 0 and len(i) > 0 and i <= o or
	print("# lost", [x["lost"] for x in s], "inner", len(i), "not in outer", len(i - o), sorted(i - o)[:3],
	      "outer", len(o), file=sys.stderr))(
	{(e["pid"], e["address"], e["latency_ns"]) for e in map(json.loads, T("outer.json").splitlines()) if e["type"] == "fault"},
	{(e["pid"], e["address"], e["latency_ns"]) for e in map(json.loads, T("inner.json").splitlines())
	 if e["type"] == "fault" and e["ts_ns"] < '"$mark"'},
	[[e for e in map(json.loads, T(f).splitlines()) if e["type"] == "summary"][0] for f in ("outer.json", "inner.json")])'
ok $? "overlapping traces: the 0.1ms one's faults are the 20us one's of 0.1ms or more, none lost"
echo "# --min-latency 20us: $(grep -c '"fault"' "$tmp/outer.json") events, 0.1ms: $(grep -c '"fault"' "$tmp/inner.json")"
! compgen -G "/sys/kernel/tracing/instances/faultlat-trace-*" >/dev/null
ok $? "trace: no instance left behind"

# --major: a file read back after dropping the caches faults majorly
dd if=/dev/urandom of=/tmp/fl-major bs=1M count=8 2>/dev/null
sync
echo 3 >/proc/sys/vm/drop_caches
"$FL" trace --major -d 3 -j >"$tmp/out" 2>"$tmp/err" &
tpid=$!
wait_ready "$tmp/err"
"$py" -c 'import mmap
f = open("/tmp/fl-major", "rb")
m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
print(sum(m[i] for i in range(0, len(m), 4096)))' >/dev/null
wait $tpid
rm -f /tmp/fl-major
check '(lambda ev: len(ev) > 0 and all(e["outcome"] == "major" for e in ev))(
	[e for e in map(json.loads, T("out").splitlines()) if e["type"] == "fault"])'
ok $? "trace --major: major faults only ($(grep -c '"major"' "$tmp/out") of them)"

# --tlb-only: a single-threaded workload's flushes, as many as its TLB view counts
"$FL" trace --tlb-only -j >"$tmp/tlbtrace.json" 2>"$tmp/tlbtrace.err" &
tpid=$!
wait_ready "$tmp/tlbtrace.err"
run "$FL" run -j -- "$py" -c "$tlb_single"
cp "$tmp/out" "$tmp/tlbrun.json"
sleep 0.3
kill -INT $tpid
wait $tpid
check '(lambda r, ev: r["tlb"]["flush"]["count"] >= 50 and len(ev) == r["tlb"]["flush"]["count"] and
	sum(e["latency_ns"] for e in ev) == r["tlb"]["flush"]["sum_ns"] and
	sum(e["pages"] for e in ev) == r["tlb"]["pages"] and
	sum(1 for e in ev if e["reason"] == "range") == r["tlb"]["ranged"] and
	sum(1 for e in ev if e["reason"] in ("ceiling", "full")) == r["tlb"]["full"] and
	sum(1 for e in ev if e["remote_cpus"]) <= r["tlb"]["remote"] and
	all(e["type"] == "tlb_flush" for e in ev))(J("tlbrun.json"),
	[e for e in map(json.loads, T("tlbtrace.json").splitlines()) if e.get("pid") == J("tlbrun.json")["pid"]])'
ok $? "trace --tlb-only: the workload's flush events match its TLB view (count, time, pages, kinds)"
echo "# TLB workload: $(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
ev = [e for e in map(json.loads, open(sys.argv[2])) if e.get("pid") == r["pid"]]
print("flush.count", r["tlb"]["flush"]["count"], "full", r["tlb"]["full"], "ranged", r["tlb"]["ranged"],
      "pages", r["tlb"]["pages"], "; events", len(ev))' "$tmp/tlbrun.json" "$tmp/tlbtrace.json")"

# a ring buffer of 8 KiB per CPU cannot keep up: events are lost, and said so
"$FL" trace -b 8 -j >"$tmp/lost.json" 2>"$tmp/lost.err" &
tpid=$!
wait_ready "$tmp/lost.err"
run "$FL" run -j -- "$py" -c 'import mmap
for i in range(20):
    m = mmap.mmap(-1, 8 << 20)
    m[::4096] = b"x" * 2048
    m.close()'
cp "$tmp/out" "$tmp/lostrun.json"
kill -INT $tpid
wait $tpid
# (a "lost" object's count is null where the kernel did not store it: no
# room left on the ring buffer's page)
check '(lambda r, ev: (lambda s, mine, lost: s["type"] == "summary" and s["lost"] > 0 and
	len(lost) > 0 and
	s["lost_reported"] == sum(e["count"] for e in lost if e["count"] is not None) and
	all(e["count"] is None or e["count"] > 0 for e in lost) and
	s["lost_reported"] <= s["lost"] and
	len(mine) < r["stats"]["minor"]["count"] + r["stats"]["major"]["count"] <= len(mine) + s["lost"])(
	ev[-1], [e for e in ev if e.get("tgid") == r["pid"]], [e for e in ev if e["type"] == "lost"]))(
	J("lostrun.json"), [json.loads(l) for l in T("lost.json").splitlines()])'
ok $? "trace -b 8: lost events reported where they happened and in the summary; the workload's events plus the lost ones cover its faults"
echo "# lost: $(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
ev = [json.loads(l) for l in open(sys.argv[2])]
s = ev[-1]
print("workload faults", r["stats"]["minor"]["count"] + r["stats"]["major"]["count"],
      "its events", sum(1 for e in ev if e.get("tgid") == r["pid"]), "lost", s["lost"],
      "in", sum(1 for e in ev if e["type"] == "lost"), "lost lines,",
      sum(1 for e in ev if e["type"] == "lost" and e["count"] is None), "without a count")' \
	"$tmp/lostrun.json" "$tmp/lost.json")"

# ended by SIGINT after the workload, not by -d: on a busy host the
# workload may not have run within a fixed duration
"$FL" trace -b 8 >"$tmp/out" 2>"$tmp/err" &
tpid=$!
wait_ready "$tmp/err"
"$py" -c "$fault_loop" 1
kill -INT $tpid
wait $tpid
rc=$?
[ $rc -eq 0 ] && grep -Eq "^[0-9:.]{15} LOST ([0-9]+ )?events on CPU [0-9]+ \(the ring buffer was full\)$" "$tmp/out" &&
grep -Eq "^faultlat trace: [0-9]+ events \([0-9]+ faults, 0 TLB flushes\) in [0-9.]+s, [1-9][0-9]* lost$" "$tmp/err"
ok $? "trace -b 8, text: LOST lines, lost in the summary"

stack_checks

# --- top and hist -i ----------------------------------------------------------------
section "top and hist -i"

"$py" -c "$fault_loop" 600 &
busy=$!
sleep 0.5
run "$FL" top -n 2 -i 1
cp "$tmp/out" "$tmp/top.txt"
[ $rc -eq 0 ] &&
[ "$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}  interval [0-9.]+(ms|s): [0-9]+ process(es)? faulted, [0-9]+ faults/s, [0-9.]+ ms/s in faults; nmissed \+[0-9]+ dropped \+[0-9]+$' "$tmp/out")" -eq 2 ] &&
[ "$(grep -cE '^ +PID COMM +FAULTS/s +MAJOR/s +FLT ms/s +P99 +MAX$' "$tmp/out")" -eq 2 ] &&
[ "$(grep -cE "^ +$busy python3 +[0-9]+\.[0-9] +[0-9]+\.[0-9] +[0-9]+\.[0-9]{2} +[0-9.]+(ns|us|ms|s) +[0-9.]+(ns|us|ms|s)$" "$tmp/out")" -eq 2 ] &&
! grep -q $'\033' "$tmp/out"
ok $? "top -n 2 -i 1, not a terminal: two plain tables with the busy process"
sed -n '1,4p' "$tmp/top.txt" | sed 's/^/# /'

run "$FL" top -n 1 -i 1 -j
[ $rc -eq 0 ] && json out '(lambda t: t["faults"] > 100 and t["fault_ns"] > 0 and
	t["p99_ns"] <= t["max_ns"] and t["faults_per_s"] > 100)(
	[t for t in j["tasks"] if t["pid"] == '$busy'][0]) and
	j["tasks"] == sorted(j["tasks"], key=lambda t: -t["fault_ns"])'
ok $? "top -j: the busy process, rows by time in faults"

kill $busy 2>/dev/null
wait $busy 2>/dev/null

"$py" -c "$fault_loop" 600 2>"$tmp/busy.err" &
busy=$!
sleep 0.5
run "$FL" hist -i 1 -p $busy -j 2
[ $rc -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 2 ] &&
check 'all(j["view"] == "process" and j["pid"] == '$busy' and j["reset"] is False and
	j["stats"]["minor"]["count"] > 100 and
	sum(b["count"] for b in j["stats"]["minor"]["buckets"]) == j["stats"]["minor"]["count"] and
	j["stats"]["minor"]["min_ns"] <= j["stats"]["minor"]["p50_ns"] <= j["stats"]["minor"]["max_ns"]
	for j in map(json.loads, T("out").splitlines()))'
ok $? "hist -i 1 -p -j 2: the process's last second, twice"
if kill $busy 2>/dev/null; then
	wait $busy 2>/dev/null
else
	wait $busy
	echo "# the busy process ended early with status $?: $(cat "$tmp/busy.err")"
fi

run "$FL" hist -i 0.5 2
[ $rc -eq 0 ] && [ "$(grep -c "all tasks, system-wide:" "$tmp/out")" -eq 2 ] &&
[ "$(grep -c "^nmissed +[0-9]*  dropped +[0-9]*$" "$tmp/out")" -eq 2 ]
ok $? "hist -i 0.5 2: two system-wide intervals"

# --- faults by path (module parameter paths) ---------------------------------

paths_param=/sys/module/faultlat/parameters/paths
paths_skipped=0
if [ -w $paths_param ]; then
	paths_was=$(cat $paths_param)
	echo 1 >$paths_param
	"$FL" trace -j >"$tmp/paths.json" 2>"$tmp/err" &
	tpid=$!
	wait_ready "$tmp/err"
	"$py" -c "$fault_loop" 600 2>"$tmp/busy.err" &
	busy=$!
	sleep 1
	run "$FL" hist -p $busy
	cp "$tmp/out" "$tmp/paths.txt"
	[ $rc -eq 0 ] &&
	grep -Eq '^path: zero [1-9][0-9]* cow [0-9]+ cache [0-9]+ read [0-9]+ swapin [0-9]+ thp [0-9]+ hugetlb [0-9]+ shmem [0-9]+ uffd [0-9]+ other [0-9]+ \([1-9][0-9]* faults told by path\)$' "$tmp/out"
	ok $? "paths=1: hist -p shows the process's faults by path, zero-fill among them"
	grep '^path:' "$tmp/paths.txt" | sed 's/^/# /'

	run "$FL" hist -p $busy -j
	[ $rc -eq 0 ] && json out '(lambda p: list(p["by_path"]) == ["zero", "cow", "cache",
		"read", "swapin", "thp", "hugetlb", "shmem", "uffd", "other"] and
		p["faults"] == sum(p["by_path"].values()) and p["by_path"]["zero"] > 100 and
		p["faults"] <= j["stats"]["minor"]["count"] + j["stats"]["major"]["count"])(j["paths"])'
	ok $? "hist -p -j: every path, their sum, within the process's faults"
	kill $busy 2>/dev/null
	wait $busy 2>/dev/null
	kill -INT $tpid
	wait $tpid
	rc=$?
	cp "$tmp/paths.json" "$tmp/out"
	[ $rc -eq 0 ] && check '(lambda ev: len(ev) > 100 and all(e.get("path") in ("zero", "cow",
		"cache", "read", "swapin", "thp", "hugetlb", "shmem", "uffd", "other") for e in ev) and
		sum(1 for e in ev if e["path"] == "zero") > 100)(
		[e for e in map(json.loads, T("paths.json").splitlines())
		 if e["type"] == "fault" and e["tgid"] == '$busy' and e["outcome"] != "error"])'
	ok $? "trace -j, paths=1: the process's faults have their path, zero-fill among them"

	echo "$paths_was" >$paths_param
	run "$FL" hist -j
	[ $rc -eq 0 ] && json out 'j["paths"]["faults"] > 100'
	ok $? "paths=0 again: the counts by path stay"
else
	echo "# SKIP paths: the module has no parameter paths"
	paths_skipped=1
fi

cause_checks

# --- an unprivileged user ----------------------------------------------------
section "an unprivileged user"

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

	run "${nobody[@]}" "$FL" trace -d 1
	[ $rc -eq 1 ] && has err "faultlat trace: cannot read the event formats in /sys/kernel/tracing: Permission denied (tracing needs root)"
	ok $? "nobody: trace needs root, says so"

	run "${nobody[@]}" "$FL" trace --min-latency 1ms -d 1
	[ $rc -eq 1 ] && run "$FL" status -j && json out 'j["min_latency_ns"] == 0'
	ok $? "nobody: trace --min-latency changes nothing"

	run "${nobody[@]}" "$FL" top -n 1 -i 0.5 -j
	[ $rc -eq 0 ] && json out 'all(t["pid"] != '$sleeper' for t in j["tasks"])'
	ok $? "nobody: top works, with its own processes only"
fi

# --- cgroups -------------------------------------------------------------------
section "cgroups"

# the cgroup2 mount: its field after mountinfo's " - " separator
cgroup2_mount() {
	awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' \
		/proc/self/mountinfo
}

# memory.stat's pgfault of cgroup directory $1
pgfault() {
	awk '$1 == "pgfault" { print $2 }' "$1/memory.stat"
}

# the per-cgroup series of export's output in $tmp/out, as JSON:
# {PATH: {"minor": N, "major": N, "error": N, "seconds": S}}, the paths
# in the order of the exposition's rows (the label's escapes left as they
# are)
prom_cgroups() {
	python3 -c 'import json, re, sys
rows = {}
lab = r"cgroup=\"((?:[^\"\\]|\\.)*)\""
for line in open(sys.argv[1]):
    m = re.match(r"faultlat_cgroup_faults_total\{" + lab + r",type=\"(\w+)\"\} (\d+)$", line)
    if m:
        rows.setdefault(m[1], {})[m[2]] = int(m[3])
    m = re.match(r"faultlat_cgroup_fault_seconds_total\{" + lab + r"\} ([0-9.]+)$", line)
    if m:
        rows.setdefault(m[1], {})["seconds"] = float(m[2])
print(json.dumps(rows))' "$tmp/out"
}

cg_skipped=0
cgroot=$(cgroup2_mount)
cg_mounted=
if [ -z "$cgroot" ] && mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null; then
	cgroot=/sys/fs/cgroup
	cg_mounted=1
fi
run "$FL" status -j
if [ -z "$cgroot" ]; then
	echo "# SKIP cgroups: no cgroup2 file system, and none could be mounted"
	cg_skipped=1
elif ! json out 'j["used_cgroups"] is not None'; then
	echo "# SKIP cgroups: the module has no cgroup statistics (version $(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' "$tmp/out"))"
	cg_skipped=1
elif json out 'j["max_cgroups"] == 0'; then
	echo "# SKIP cgroups: the module was loaded with cgroups=0"
	cg_skipped=1
else
	# kernels before 6.4 count pgfault at every handle_mm_fault() call,
	# later ones once a fault, errors included (counts_test's Test 5)
	kv=$(uname -r | awk -F. '{ print $1 * 1000 + $2 }')
	has_memory=0
	grep -qw memory "$cgroot/cgroup.controllers" &&
		echo +memory >"$cgroot/cgroup.subtree_control" 2>/dev/null &&
		has_memory=1
	cg=$cgroot/fl-cli-test
	unit=$cg/fl-cli-unit.service
	mkdir -p "$unit"
	echo "# cgroup2 on $cgroot$([ -n "$cg_mounted" ] && echo " (mounted here)"), memory controller: $has_memory, kernel $(uname -r)"

	# a child that moves itself into the unit, then faults there
	sh -c 'echo $$ >"$1/cgroup.procs" && exec dd if=/dev/zero of=/dev/null bs=8M count=4 2>/dev/null' \
		sh "$unit"
	ok $? "cgroups: a dd ran in $unit"

	# memory.stat is flushed lazily: ask again for up to 10 s
	want='J("cg.json")["stats"]["calls"]'
	[ "$kv" -ge 6004 ] &&
		want='(lambda s: s["minor"]["count"] + s["major"]["count"] + s["errors"])(J("cg.json")["stats"])'
	for _ in $(seq 50); do
		run "$FL" hist --cgroup "$cg" -j
		cp "$tmp/out" "$tmp/cg.json"
		[ $has_memory = 1 ] || break
		pgfault "$cg" >"$tmp/pgfault"
		check "$want == int(T('pgfault'))" && break
		sleep 0.2
	done
	[ $rc -eq 0 ] && json cg.json 'j["view"] == "cgroup" and j["path"] == "/fl-cli-test" and
		j["id"] == '"$(stat -c %i "$cg")"' and j["level"] == 1 and j["own"] is False and
		j["records"] == 1 and j["stats"]["minor"]["count"] > 100 and
		j["stats"]["by_mode"]["minor"]["kernel"] > 0'
	ok $? "hist --cgroup DIR -j: the cgroup's id, level, its unit's record, dd's faults"
	echo "# fl-cli-test: $(python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))["stats"]
print("minor", s["minor"]["count"], "major", s["major"]["count"], "errors", s["errors"],
      "retries", s["retries"], "calls", s["calls"])' "$tmp/cg.json"); memory.stat pgfault $(cat "$tmp/pgfault" 2>/dev/null)"
	if [ $has_memory = 1 ]; then
		check "$want == int(T('pgfault'))"
		ok $? "hist --cgroup: its faults are memory.stat's pgfault ($([ "$kv" -ge 6004 ] && echo "minor + major + errors" || echo calls))"
	else
		echo "ok $((n += 1)) # SKIP no memory controller: no memory.stat to compare with"
	fi

	# the same cgroup below the mount, and its unit by name
	run "$FL" hist -G fl-cli-test -j
	cp "$tmp/out" "$tmp/rel.json"
	[ $rc -eq 0 ] && check 'J("rel.json")["id"] == J("cg.json")["id"] and
		J("rel.json")["stats"]["minor"] == J("cg.json")["stats"]["minor"] and
		J("rel.json")["stats"]["calls"] == J("cg.json")["stats"]["calls"]'
	ok $? "hist -G fl-cli-test: the path below the mount, the same cgroup and counts"

	run "$FL" hist -G fl-cli-unit.service -j
	cp "$tmp/out" "$tmp/unit.json"
	[ $rc -eq 0 ] && check 'J("unit.json")["path"] == "/fl-cli-test/fl-cli-unit.service" and
		J("unit.json")["level"] == 2 and J("unit.json")["records"] == 1 and
		J("unit.json")["stats"]["calls"] == J("cg.json")["stats"]["calls"]'
	ok $? "hist -G fl-cli-unit.service: found by name, all of the slice's faults"

	run "$FL" hist -G fl-cli-unit --major -j
	[ $rc -eq 0 ] && json out 'j["path"] == "/fl-cli-test/fl-cli-unit.service" and
		"minor" not in j["stats"]'
	ok $? "hist -G fl-cli-unit: NAME.service, as systemctl takes it"

	run "$FL" hist -G /fl-cli-test --own -j
	[ $rc -eq 0 ] && json out 'j["own"] is True and j["records"] == 0 and
		j["stats"]["minor"]["count"] == 0 and j["stats"]["calls"] == 0'
	ok $? "hist -G /fl-cli-test --own: /proc/PID/cgroup's form; no task of its own, no fault"

	run "$FL" hist -G fl-cli-test
	[ $rc -eq 0 ] && has out "cgroup /fl-cli-test (id $(stat -c %i "$cg"), level 1) and its descendants: 1 record" &&
	has out "minor faults:" && grep -q "^nmissed [0-9]*  dropped [0-9]*  cgroup_dropped [0-9]*$" "$tmp/out"
	ok $? "hist -G, text: the cgroup's header, histograms, cgroup_dropped"

	# export --top-cgroups: a dd in each of two fresh sibling cgroups
	# under a fresh parent, the memory controller enabled for them; each
	# one's exported faults against its memory.stat (the parent's are
	# both children's), before and after
	ex=$cgroot/fl-cli-export
	exa=$ex/fl-cli-a.scope exb=$ex/fl-cli-b.scope
	mkdir -p "$exa" "$exb"
	ex_memory=0
	if [ $has_memory = 1 ] && echo +memory >"$ex/cgroup.subtree_control" 2>/dev/null; then
		ex_memory=1
	fi
	# faults (minor + major + error) of the exported cgroups, in $tmp/$1;
	# memory.stat's pgfault of the three, in $tmp/$1.pgfault
	ex_read() {
		run "$FL" export --top-cgroups 1000
		cp "$tmp/out" "$tmp/$1.prom"
		prom_cgroups >"$tmp/$1.json"
		[ $ex_memory = 0 ] || for d in "$ex" "$exa" "$exb"; do pgfault "$d"; done >"$tmp/$1.pgfault"
	}
	ex_read ex0
	# 1 MiB buffers: no transparent huge page (Debian's THP is "always":
	# a 2 MiB one took 91 faults once, on 6.1, fewer than the 100 wanted)
	# shellcheck disable=SC2016 # $$ and $1 are the child shell's
	sh -c 'echo $$ >"$1/cgroup.procs" && exec dd if=/dev/zero of=/dev/null bs=1M count=4 2>/dev/null' \
		sh "$exa" &&
		sh -c 'echo $$ >"$1/cgroup.procs" && exec dd if=/dev/zero of=/dev/null bs=1M count=2 2>/dev/null' \
			sh "$exb"
	ok $? "export --top-cgroups: a dd ran in each of $exa and $exb"
	# F(file, path): the exported faults of a cgroup (0 without a row);
	# D(path): their delta; P(i): the delta of memory.stat's pgfault of
	# the parent (0) and the children (1, 2)
	exf='(lambda F: (lambda D, P: '
	exf_end=')(lambda p: F("ex1.json", p) - F("ex0.json", p),
		lambda i: int(T("ex1.pgfault").split()[i]) - int(T("ex0.pgfault").split()[i])))(
		lambda f, p: sum(J(f).get(p, {}).get(t, 0) for t in ("minor", "major", "error")))'
	exp=/fl-cli-export
	want="$exf"'all(D(p) == P(i) for i, p in enumerate(("'"$exp"'", "'"$exp"'/fl-cli-a.scope", "'"$exp"'/fl-cli-b.scope")))'"$exf_end"
	[ "$kv" -ge 6004 ] ||	# pgfault counts every call, retries too
		want="$exf"'all(D(p) <= P(i) for i, p in enumerate(("'"$exp"'", "'"$exp"'/fl-cli-a.scope", "'"$exp"'/fl-cli-b.scope")))'"$exf_end"
	# memory.stat is flushed lazily: ask again for up to 10 s
	for _ in $(seq 50); do
		ex_read ex1
		[ $ex_memory = 1 ] || break
		check "$want" && break
		sleep 0.2
	done
	cp "$tmp/ex1.prom" "$tmp/out"
	[ $rc -eq 0 ] && check '(lambda e: all(p in e for p in ("/", "'"$exp"'", "'"$exp"'/fl-cli-a.scope",
		"'"$exp"'/fl-cli-b.scope")) and e["'"$exp"'/fl-cli-a.scope"]["minor"] > 100 and
		e["'"$exp"'/fl-cli-b.scope"]["minor"] > 100 and
		all(e["'"$exp"'"][t] == e["'"$exp"'/fl-cli-a.scope"][t] + e["'"$exp"'/fl-cli-b.scope"][t]
		    for t in ("minor", "major", "error")) and
		list(e)[0] == "/" and [r["seconds"] for r in e.values()] ==
		sorted((r["seconds"] for r in e.values()), reverse=True))(J("ex1.json"))'
	ok $? "export --top-cgroups: the root, the parent, both children; the parent is their sum; by fault time"
	echo "# fl-cli-export: exported $(python3 -c 'import json, sys
e = json.load(open(sys.argv[1]))
print(", ".join("%s %s" % (p.rsplit("/", 1)[-1], e[p]) for p in e if p.startswith("/fl-cli-export")))' "$tmp/ex1.json"); memory.stat pgfault (parent, a, b) before $(paste -sd ' ' "$tmp/ex0.pgfault" 2>/dev/null), after $(paste -sd ' ' "$tmp/ex1.pgfault" 2>/dev/null)"
	if [ $ex_memory = 1 ]; then
		check "$want"
		ok $? "export --top-cgroups: each cgroup's faults are memory.stat's pgfault ($([ "$kv" -ge 6004 ] && echo "minor + major + error" || echo "at most: it counts calls"))"
	else
		echo "ok $((n += 1)) # SKIP no memory controller: no memory.stat to compare with"
	fi
	check '(lambda e: all(all(r[k] <= e[p.rsplit("/", 1)[0] or "/"][k]
		for k in ("minor", "major", "error", "seconds"))
		for p, r in e.items() if p != "/" and (p.rsplit("/", 1)[0] or "/") in e) and
		e["'"$exp"'/fl-cli-a.scope"]["minor"] <= e["'"$exp"'"]["minor"] <= e["/"]["minor"])(J("ex1.json"))'
	ok $? "export --top-cgroups: no cgroup counts more than its parent"
	rmdir "$exa" "$exb" "$ex"

	run "$FL" hist -G no-such-cgroup-here
	[ $rc -eq 1 ] && has err "faultlat hist: no cgroup 'no-such-cgroup-here': no directory $cgroot/no-such-cgroup-here"
	ok $? "hist -G of no cgroup: says so"

	run "$FL" hist -G /proc
	[ $rc -eq 1 ] && has err "/proc is not a cgroup: not a directory of the cgroup2 file system (the cgroup2 file system is mounted on $cgroot)"
	ok $? "hist -G /proc: EBADF, not a cgroup2 directory"

	run "$FL" status
	[ $rc -eq 0 ] && grep -Eq "^cgroups:    [0-9]+/[0-9]+ records, [0-9]+ dropped faults?$" "$tmp/out"
	ok $? "status: the cgroup records and dropped faults"
	run "$FL" status -j
	[ $rc -eq 0 ] && json out 'j["used_cgroups"] >= 2 and j["used_cgroups"] <= j["max_cgroups"] and
		j["cgroup_dropped"] == 0'
	ok $? "status -j: used_cgroups, max_cgroups, cgroup_dropped"

	# TLB flushes: a workload's munmaps, in the cgroup its task is in
	tlbcg=$cg/fl-cli-tlb.scope
	mkdir "$tlbcg"
	# shellcheck disable=SC2016 # $$ and $1 are the child shell's
	run "$FL" run -j -- sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" -c "$3"' \
		sh "$tlbcg" "$py" "$tlb_single"
	cp "$tmp/out" "$tmp/tlbrun.json"
	run "$FL" hist -G fl-cli-tlb.scope --tlb -j
	cp "$tmp/out" "$tmp/cgtlb.json"
	[ $rc -eq 0 ] && check '(lambda c, r: 50 <= c["flush"]["count"] <= r["flush"]["count"] and
		c["full"] + c["ranged"] == c["flush"]["count"] and
		c["remote"] + c["local_only"] == c["flush"]["count"] and
		c["flush"]["sum_ns"] <= r["flush"]["sum_ns"])(J("cgtlb.json")["tlb"], J("tlbrun.json")["tlb"])'
	ok $? "hist -G --tlb: the workload's flushes, at most what faultlat run counted from its fork"
	echo "# fl-cli-tlb.scope: $(python3 -c 'import json, sys
c, r = (json.load(open(f))["tlb"] for f in sys.argv[1:])
print("flushes", c["flush"]["count"], "(full", c["full"], "ranged", c["ranged"], "remote", c["remote"],
      "); faultlat run of its process, from fork:", r["flush"]["count"])' "$tmp/cgtlb.json" "$tmp/tlbrun.json")"
	# (removed at the end: its counts would go to fl-cli-test's own
	# record, which the removal below checks)

	# top --cgroups while the unit faults
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" -c "$3" 600' sh "$unit" "$py" "$fault_loop" &
	busy=$!
	sleep 1
	run "$FL" top --cgroups -n 1 -i 1 -j
	cp "$tmp/out" "$tmp/cgtop.json"
	[ $rc -eq 0 ] && json cgtop.json '(lambda rows: (lambda u, p, r: u["minor"] > 100 and
		u["level"] == 2 and u["id"] == '"$(stat -c %i "$unit")"' and
		p["minor"] >= u["minor"] and r["minor"] >= p["minor"] and
		p["fault_ns"] >= u["fault_ns"] and u["p99_ns"] <= u["max_ns"] and
		u["minor_per_s"] > 100)(
		rows["/fl-cli-test/fl-cli-unit.service"], rows["/fl-cli-test"], rows["/"]))(
		{c["path"]: c for c in j["cgroups"]}) and
		j["cgroups"] == sorted(j["cgroups"], key=lambda c: -c["fault_ns"])'
	ok $? "top --cgroups -j: the unit, its slice and the root, each with its descendants"

	json cgtop.json '(lambda rows: all(c["minor"] <= rows[c["path"].rsplit("/", 1)[0] or "/"]["minor"]
		for c in j["cgroups"] if c["path"] not in (None, "/") and
		(c["path"].rsplit("/", 1)[0] or "/") in rows))({c["path"]: c for c in j["cgroups"]})'
	ok $? "top --cgroups -j: no row counts more than its parent's"

	run "$FL" top --cgroups -n 1 -i 0.5
	[ $rc -eq 0 ] &&
	grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2}  interval [0-9.]+(ms|s): [0-9]+ cgroups? faulted, [0-9]+ faults/s, [0-9.]+ ms/s in faults; nmissed \+[0-9]+ cgroup_dropped \+[0-9]+$' "$tmp/out" &&
	grep -Eq '^ +MINOR/s +MAJOR/s +ERRORS/s +FLT ms/s +P99 +MAX  CGROUP$' "$tmp/out" &&
	grep -Eq '^ +[0-9]+\.[0-9] +[0-9]+\.[0-9] +[0-9]+\.[0-9] +[0-9]+\.[0-9]{2} +[0-9.]+(ns|us|ms|s) +[0-9.]+(ns|us|ms|s)  /fl-cli-test/fl-cli-unit.service$' "$tmp/out"
	ok $? "top --cgroups: text, the unit's row"
	sed -n '1,6p' "$tmp/out" | sed 's/^/# /'
	kill $busy 2>/dev/null
	wait $busy 2>/dev/null

	# hist -i of a cgroup that is removed: it ends; its faults stay in its parent
	gone=$cg/fl-cli-gone
	mkdir "$gone"
	sh -c 'echo $$ >"$1/cgroup.procs" && exec dd if=/dev/zero of=/dev/null bs=4M count=2 2>/dev/null' \
		sh "$gone"
	run "$FL" hist -G "$cg" -j
	cp "$tmp/out" "$tmp/before.json"
	run "$FL" hist -G "$gone" -j
	cp "$tmp/out" "$tmp/gone0.json"
	"$FL" hist -G "$gone" -i 0.2 -j >"$tmp/gone.json" 2>"$tmp/gone.err" &
	hpid=$!
	for _ in $(seq 100); do
		[ -s "$tmp/gone.json" ] && break
		sleep 0.1
	done
	rmdir "$gone"
	wait $hpid
	rc=$?
	cp "$tmp/gone.err" "$tmp/err"
	cp "$tmp/gone.json" "$tmp/out"
	[ $rc -eq 0 ] && has err "faultlat: cgroup /fl-cli-test/fl-cli-gone is gone" &&
	[ "$(wc -l <"$tmp/gone.json")" -ge 1 ]
	ok $? "hist -i -G: the cgroup is removed: says so, exit 0"
	# the module moves a removed cgroup's counts to its parent's record
	# after a grace period
	for _ in $(seq 50); do
		run "$FL" hist -G "$cg" --own -j
		cp "$tmp/out" "$tmp/own.json"
		check 'J("own.json")["stats"]["calls"] == J("gone0.json")["stats"]["calls"]' && break
		sleep 0.1
	done
	run "$FL" hist -G "$cg" -j
	cp "$tmp/out" "$tmp/after.json"
	check 'J("gone0.json")["stats"]["calls"] > 0 and J("own.json")["records"] == 1 and
		all(J("own.json")["stats"][k] == J("gone0.json")["stats"][k] and
		    J("after.json")["stats"][k] == J("before.json")["stats"][k]
		    for k in ("minor", "major", "errors", "retries", "calls"))'
	ok $? "a removed cgroup's faults go to its parent's own record; the parent's sum stays"
	echo "# fl-cli-gone: $(python3 -c 'import json, sys
j = [json.load(open(f)) for f in sys.argv[1:]]
print("calls", j[0]["stats"]["calls"], "; fl-cli-test --own after the removal: records",
      j[1]["records"], "calls", j[1]["stats"]["calls"], "; its sum: records", j[2]["records"], "->",
      j[3]["records"], "calls", j[2]["stats"]["calls"], "->", j[3]["stats"]["calls"])' \
		"$tmp/gone0.json" "$tmp/own.json" "$tmp/before.json" "$tmp/after.json")"

	# an unprivileged user: no list; a cgroup of its own, not another's
	if "${nobody[@]}" "$FL" status >/dev/null 2>&1; then
		run "${nobody[@]}" "$FL" top --cgroups -n 1 -i 0.2
		[ $rc -eq 1 ] &&
		has err "listing cgroups needs CAP_PERFMON or CAP_SYS_ADMIN; read one cgroup you own with hist --cgroup"
		ok $? "nobody: top --cgroups is EPERM, says what to do"

		run "${nobody[@]}" "$FL" hist -G fl-cli-test
		[ $rc -eq 1 ] &&
		has err "permission denied reading cgroup /fl-cli-test: it belongs to another user; run as root or with CAP_PERFMON"
		ok $? "nobody: hist -G of root's cgroup is EACCES"

		mine=$cgroot/fl-cli-nobody
		mkdir -p "$mine"
		chown 65534:65534 "$mine" "$mine/cgroup.procs"
		# dd's 1 MiB buffer: 256 faults of its own, never a THP (a
		# 4 MiB one may hold two, or none: Debian's THP is "always")
		sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$mine" \
			"${nobody[@]}" dd if=/dev/zero of=/dev/null bs=1M count=2 2>/dev/null
		run "${nobody[@]}" "$FL" hist -G fl-cli-nobody -j
		[ $rc -eq 0 ] && json out 'j["path"] == "/fl-cli-nobody" and
			j["stats"]["minor"]["count"] > 256'
		ok $? "nobody: hist -G of a cgroup it owns (delegated)"
		rmdir "$mine"

		# a container, as a runtime makes one for an unprivileged
		# user: its delegated cgroup, then new user, mount, pid and
		# cgroup namespaces, cgroup2 and /proc mounted inside (the
		# system's python3: $py may be in root's home)
		ctr=$cgroot/fl-cli-ctr
		mkdir -p "$ctr"
		chown 65534:65534 "$ctr" "$ctr/cgroup.procs"
		ct=$(mktemp -d /tmp/fl-ctr.XXXXXX)
		chmod 0777 "$ct"
		# shellcheck disable=SC2016 # expanded inside the container
		ctr_script='fl=$1 py=$2 d=$3
# (not straight onto the inherited cgroup2 mount: the same file system
# on the same mount point is EBUSY)
{ mount -t tmpfs none /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup; } \
	2>"$d/mount.err" || exit 3
cat /proc/self/cgroup >"$d/selfcg"
"$py" -c "import mmap, os, sys, time
m = mmap.mmap(-1, 4 << 20)
m[::4096] = b\"x\" * 1024
open(sys.argv[1] + \".tmp\", \"w\").write(str(os.getpid()))
os.rename(sys.argv[1] + \".tmp\", sys.argv[1])
time.sleep(120)" "$d/wpid" &
w=$!
echo $w >"$d/wshell"
for _ in $(seq 100); do [ -s "$d/wpid" ] && break; sleep 0.1; done
# asleep: its counts no longer move
for _ in $(seq 50); do
	a=$(cut -d" " -f10,12 /proc/$w/stat); sleep 0.2
	[ "$a" = "$(cut -d" " -f10,12 /proc/$w/stat)" ] && break
done
cut -d" " -f10,12 /proc/$w/stat >"$d/wstat"
"$fl" hist -p "$w" -j >"$d/hist.json" 2>"$d/hist.err"; echo $? >"$d/hist.rc"
"$fl" tasks -j >"$d/tasks.json" 2>"$d/tasks.err"; echo $? >"$d/tasks.rc"
cat /proc/sys/kernel/ns_last_pid >"$d/lastpid"
"$fl" run -j -- "$py" -c "import os, sys; open(sys.argv[1], \"w\").write(str(os.getpid()))" \
	"$d/runpid" >"$d/run.json" 2>"$d/run.err"; echo $? >"$d/run.rc"
"$fl" hist -G / -j >"$d/cg.json" 2>"$d/cg.err"; echo $? >"$d/cg.rc"
"$fl" top --cgroups -n 1 -i 0.2 >/dev/null 2>"$d/top.err"; echo $? >"$d/top.rc"
kill $w; wait $w
exit 0'
		sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$ctr" \
			"${nobody[@]}" unshare -U -r -m -p -f -C --mount-proc \
			sh -c "$ctr_script" sh "$FL" /usr/bin/python3 "$ct" >"$tmp/ctr.log" 2>&1
		crc=$?
		if [ $crc -ne 0 ] && [ ! -e "$ct/selfcg" ]; then
			echo "# SKIP a container: nobody cannot make one here (exit $crc): $(head -c 300 "$tmp/ctr.log" "$ct/mount.err" 2>/dev/null)"
		else
			[ $crc -eq 0 ] && [ "$(cat "$ct/selfcg")" = "0::/" ]
			ok $? "container: made (exit $crc), its /proc/self/cgroup is 0::/"
			for f in hist tasks run cg; do
				cp "$ct/$f.json" "$tmp/ctr-$f.json" 2>/dev/null
			done
			# the pid the container knows, the one faultlat shows
			# there, and the kernel's counts of that process
			wpid=$(cat "$ct/wpid")
			[ "$(cat "$ct/hist.rc")" = 0 ] && [ "$wpid" = "$(cat "$ct/wshell")" ] &&
			[ "$wpid" -lt 20 ] &&
			json ctr-hist.json 'j["pid"] == '"$wpid"' and [j["stats"]["minor"]["count"],
				j["stats"]["major"]["count"]] == [int(x) for x in open("'"$ct"'/wstat").read().split()]'
			ok $? "container: hist -p with its pid ($wpid): that process, its /proc/PID/stat minflt and majflt"
			# its pids: none above the last one it allocated (the
			# tasks command's own is below it)
			lastpid=$(cat "$ct/lastpid" 2>/dev/null)
			[ "$(cat "$ct/tasks.rc")" = 0 ] && [ -n "$lastpid" ] &&
			json ctr-tasks.json '"'"$wpid"'" in [str(t["pid"]) for t in j["tasks"]] and
				all(t["pid"] <= '"$lastpid"' for t in j["tasks"])'
			r=$?
			ok $r "container: tasks lists its processes by its pids, none from outside"
			[ $r -eq 0 ] || echo "# its last pid ${lastpid:-?}; tasks listed:" \
				"$(python3 -c 'import json, sys
print(" ".join(str(t["pid"]) for t in json.load(open(sys.argv[1]))["tasks"]))' \
					"$tmp/ctr-tasks.json" 2>&1 | head -c 300)"
			runpid=$(cat "$ct/runpid" 2>/dev/null)
			[ "$(cat "$ct/run.rc")" = 0 ] && [ -n "$runpid" ] &&
			json ctr-run.json 'j["pid"] == '"$runpid"' and j["children"] and
				j["processes"]["top"][0]["pid"] == '"$runpid"' and
				[j["stats"]["minor"]["count"], j["stats"]["major"]["count"]] ==
				[j["getrusage"]["minflt"], j["getrusage"]["majflt"]]'
			ok $? "container: run shows its pid ($runpid), counts equal RUSAGE_CHILDREN"
			[ "$(cat "$ct/cg.rc")" = 0 ] &&
			json ctr-cg.json 'j["path"] == "/" and j["id"] == '"$(stat -c %i "$ctr")"' and
				j["stats"]["minor"]["count"] > 1000'
			ok $? "container: hist -G / is its own cgroup, as its namespace names it"
			[ "$(cat "$ct/top.rc")" = 1 ] &&
			grep -q "listing cgroups needs CAP_PERFMON or CAP_SYS_ADMIN" "$ct/top.err"
			ok $? "container: top --cgroups is EPERM (root there is nobody here)"
			# all done: the container's cgroup against its memory.stat
			if [ $has_memory = 1 ]; then
				# (as "hist --cgroup: its faults are memory.stat's")
				ctr_want='J("ctr.json")["stats"]["calls"]'
				[ "$kv" -ge 6004 ] &&
					ctr_want='(lambda s: s["minor"]["count"] + s["major"]["count"] + s["errors"])(J("ctr.json")["stats"])'
				for _ in $(seq 50); do
					run "$FL" hist -G "$ctr" -j
					cp "$tmp/out" "$tmp/ctr.json"
					pgfault "$ctr" >"$tmp/pgfault"
					check "$ctr_want == int(T('pgfault'))" && break
					sleep 0.2
				done
				check "$ctr_want == int(T('pgfault'))"
				ok $? "container: its cgroup's faults, read from outside, are memory.stat's pgfault ($(cat "$tmp/pgfault"))"
			fi
		fi
		rm -rf "$ct"
		rmdir "$ctr"
	else
		echo "# /dev/faultlat is not readable by nobody: no unprivileged cgroup checks"
	fi

	rmdir "$tlbcg" "$unit" "$cg"
fi
[ -n "$cg_mounted" ] && umount "$cgroot"

kill $sleeper 2>/dev/null
wait $sleeper 2>/dev/null

rmmod faultlat

# --- tlb=0 -------------------------------------------------------------------
section "tlb=0"

# (a module without the parameter would load, warning that it ignores it)
skipped=0
insmod "$KO" "${params[@]}" tlb=0 2>/dev/null
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
	skipped=1
fi
grep -q '^faultlat ' /proc/modules && rmmod faultlat

run "$FL" status
[ $rc -eq 1 ] && has err "the faultlat module is not loaded"
ok $? "after rmmod: 'module is not loaded'"

# as it was found: selftests/run.sh's unload checks follow
if [ $was_loaded = 1 ] && ! insmod "$KO" "${params[@]}"; then
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - insmod $KO ${params[*]} again, as it was loaded at the start"
fi
totals $((skipped + cg_skipped + paths_skipped + cz_skipped))
[ $failed -eq 0 ]
