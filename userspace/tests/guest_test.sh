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
	[ $rc -eq 0 ] && json out 'j["tracked"] and j["stats"]["minor"]["count"] > 0'
	ok $? "nobody: run of its own command works"
fi

kill $sleeper 2>/dev/null
wait $sleeper 2>/dev/null

rmmod faultlat
run "$FL" status
[ $rc -eq 1 ] && has err "the faultlat module is not loaded"
ok $? "after rmmod: 'module is not loaded'"

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
