#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the faultlat selftests; in the VM rig's guest, as root.
#
#   FAULTLAT_KO=/abs/module/faultlat.ko FAULTLAT_CLIENT=/abs/userspace/faultlat \
#       selftests/run.sh [--no-tests | --client | --selftests | TEST...]
#
# Loads the module, runs each test program (default: all of them, the
# selftests then the client's; none with --no-tests; the client's alone
# with --client, the selftests alone with --selftests) under a timeout, unloads the module and checks that
# nothing of it is left: on a kernel with kmemleak, no leaked object of
# faultlat's either.  With FAULTLAT_PLANT_KO (tools/vm/plant-check.sh),
# the test module of planted bugs is loaded after faultlat with
# bug=$FAULTLAT_PLANT_BUG and left loaded; what it leaks counts as
# faultlat's.
#
# The selftests (selftests/faultlat/) test the kernel side: the module, its
# ABI, its numbers against the kernel's own accounting.  The client's
# tests against the module (userspace/tests/: $client_tests below, built
# by make -C userspace guest-tests) run after them in the same boot, the
# module still loaded; a TEST of theirs is named as they are.  Each
# program's output starts with "# selftests: faultlat: NAME" or, for the
# client's, "# client: faultlat: NAME" (make check counts them in rows of
# their own), and ends with a kselftest "# Totals:" line; so do the
# runner's own checks (as the selftests "load" and "unload"), and a
# program that died before printing its Totals gets one line of failure
# in its name.
# Exits 0 if everything passed (or was skipped), 1 otherwise.
# shellcheck disable=SC2317 # the check functions are called through check()
set -u

here=$(cd "$(dirname "$0")" && pwd)
dir=$here/faultlat
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
modname=faultlat
plantname=faultlat_plant
debugfs=/sys/kernel/debug
kprobes=$debugfs/kprobes/list
# what the rig calls a kernel problem (UBSAN's reports, which are not
# BUG:s, by their own line and not only the stack dump after it); also the
# kernel's once-only notes on faultlat's own use of what it deprecates
# (7.x's workqueues)
oops='Oops|BUG:|WARNING:|Call Trace|general protection fault|Kernel panic'
oops+='|UBSAN:'
oops+='|\[faultlat\] enqueued on deprecated'

client=$(cd "$here/../userspace/tests" && pwd)
all_tests=(counts_test abi_test perm_test client_test reload_test tlb_test trace_test
	fuzz_test hostile_test oom_test stress_test churn_test direct_test layout_test tree_test
	cgroup_test causes_test paths_test)
client_tests=(export_guest_test heatmap_guest_test guest_test.sh)
# FAULTLAT_CLIENT_TESTS: the client's tests that run without TEST (make
# check runs only some on its PREEMPT_RT and debug kernels)
# shellcheck disable=SC2206 # a list of names
run_client=(${FAULTLAT_CLIENT_TESTS:-${client_tests[*]}})
if [ "${1:-}" = --no-tests ]; then
	tests=()
elif [ "${1:-}" = --client ]; then
	tests=("${run_client[@]}")
elif [ "${1:-}" = --selftests ]; then
	tests=("${all_tests[@]}")
elif [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=("${all_tests[@]}" "${run_client[@]}")
fi

timeout=$(sed -n 's/^timeout=\([0-9]\+\)$/\1/p' "$dir/settings" 2>/dev/null)
timeout=${timeout:-600}
failed=0

# --- the runner's own checks, in the harness's TAP format ---
tap_n=0 tap_pass=0 tap_fail=0 tap_skip=0

tap_begin() {	# NAME NR_CHECKS
	tap_n=0 tap_pass=0 tap_fail=0 tap_skip=0
	echo "TAP version 13"
	echo "1..$2"
	echo "# Starting $2 checks of $1"
}

ok() {		# DESCRIPTION
	tap_n=$((tap_n + 1)) tap_pass=$((tap_pass + 1))
	echo "ok $tap_n $1"
}

not_ok() {	# DESCRIPTION [WHY...]
	local d=$1
	shift
	tap_n=$((tap_n + 1)) tap_fail=$((tap_fail + 1))
	for w in "$@"; do
		echo "# $w"
	done
	echo "not ok $tap_n $d"
	failed=1
}

check() {	# DESCRIPTION COMMAND...
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

tap_end() {
	echo "# Totals: pass:$tap_pass fail:$tap_fail xfail:0 xpass:0 skip:$tap_skip error:0"
}

loaded() {
	[ -d /sys/module/$modname ]
}

probe_listed() {	# a kprobe of faultlat's, or on handle_mm_fault
	[ -r "$kprobes" ] && grep -qE "\\b(handle_mm_fault|$modname)\\b" "$kprobes"
}

direct_listed() {	# a direct call into faultlat's trampolines
	grep -q "\[$modname\]" "$debugfs/tracing/enabled_functions" 2>/dev/null
}

no_probe() {
	[ -r "$kprobes" ] && ! probe_listed && ! direct_listed
}

# the kernel log, less the OOM reports oom_test expects
kernel_log() {
	dmesg 2>/dev/null | awk -f "$here/expected-oom.awk"
}

kernel_problems() {
	kernel_log | grep -cE "$oops"
}

# kmemleak's unreferenced objects with a frame of faultlat's in their
# allocation's backtrace: "[faultlat]" while it is loaded, or an address in
# the range it had (MODULE_RANGE, "base size" from /proc/modules) after;
# or of the planted bugs' module, which stays loaded.
kmemleak=$debugfs/kmemleak
module_range=
kmemleak_ours() {
	local line cur='' first='' hit=0 n=0 a base=0 size=0
	if [ -n "$module_range" ]; then
		read -r base size <<<"$module_range"
		base=$((16#$base))
	fi
	# An object is reported once it was unreferenced in two scans and is
	# older than 5 s at the second (kmemleak's minimum age): 6 s apart, the
	# second also sees what the unload itself left just before the first.
	echo scan >"$kmemleak" && sleep 6 && echo scan >"$kmemleak" || return 1
	while IFS= read -r line; do
		case $line in
		"unreferenced object"*)
			n=$((n + hit)) hit=0 cur=$line
			continue ;;
		*"[$modname]"* | *"[$plantname]"*)
			hit=1 ;;
		*"[<"*">]"*)
			a=${line#*\[<} a=${a%%>]*}
			if [ "$size" -gt 0 ] && [ $((16#$a - base)) -ge 0 ] &&
				[ $((16#$a - base)) -lt "$size" ]; then
				hit=1
			fi ;;
		esac
		[ "$hit" = 0 ] || [ -n "$first" ] || first=$cur
	done <"$kmemleak"
	n=$((n + hit))
	[ -z "$first" ] || echo "# kmemleak: the first: $first"
	echo "$n"
}

# --- load ---
[ -d $debugfs/kprobes ] || mount -t debugfs debugfs $debugfs 2>/dev/null
problems0=$(kernel_problems)

nchecks=5
[ -z "${FAULTLAT_PLANT_KO:-}" ] || nchecks=6
echo "# selftests: faultlat: load"
tap_begin load $nchecks
if [ "$(id -u)" -ne 0 ]; then
	not_ok "running as root" "uid $(id -u)"
else
	ok "running as root"
fi
if loaded; then
	# left from an earlier run: start from a clean load
	echo "# $modname was loaded already: unloading it first"
	rmmod $modname
fi
# shellcheck disable=SC2086 # FAULTLAT_MODPARAMS is a list of parameters
if [ -z "${FAULTLAT_KO:-}" ]; then
	not_ok "insmod \$FAULTLAT_KO" "FAULTLAT_KO is not set"
elif ! out=$(insmod "$FAULTLAT_KO" ${FAULTLAT_MODPARAMS:-} 2>&1); then
	not_ok "insmod $FAULTLAT_KO" "$out"
else
	ok "insmod $FAULTLAT_KO"
fi
if [ -n "${FAULTLAT_PLANT_KO:-}" ]; then
	if out=$(insmod "$FAULTLAT_PLANT_KO" bug="${FAULTLAT_PLANT_BUG:-}" 2>&1); then
		ok "insmod $FAULTLAT_PLANT_KO bug=${FAULTLAT_PLANT_BUG:-}"
	else
		not_ok "insmod $FAULTLAT_PLANT_KO bug=${FAULTLAT_PLANT_BUG:-}" "$out"
	fi
fi
loaded_at=$SECONDS
check "/dev/faultlat is a character device" test -c /dev/faultlat
check "$debugfs/faultlat has summary, tasks and histograms" \
	test -f $debugfs/faultlat/summary -a -f $debugfs/faultlat/tasks \
	-a -f $debugfs/faultlat/histograms
check "handle_mm_fault traced (a kretprobe in $kprobes or a direct call)" \
	eval 'probe_listed || direct_listed'
tap_end

# --- the test programs ---
export FAULTLAT_KO FAULTLAT_CLIENT
log=$(mktemp /tmp/faultlat-selftest.XXXXXX)
for t in "${tests[@]}"; do
	prog=$dir/$t kind=selftests build="make -C selftests/faultlat"
	if [[ " ${client_tests[*]} " == *" $t "* ]]; then
		prog=$client/$t kind=client build="make -C userspace guest-tests"
	fi
	echo "# $kind: faultlat: $t"
	if [ ! -x "$prog" ]; then
		tap_begin "$t" 1
		not_ok "$t" "$prog not built ($build)"
		tap_end
		continue
	fi
	tstart=$SECONDS
	timeout -k 10 "$timeout" "$prog" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	# where a run's time goes (make check's budget)
	echo "# $t: $((SECONDS - tstart))s"
	if ! grep -q '^# Totals:' "$log"; then
		# crashed or timed out before its own Totals
		tap_begin "$t" 1
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			not_ok "$t" "timed out after ${timeout}s"
		else
			not_ok "$t" "exited with $rc before its Totals line"
		fi
		tap_end
	elif [ "$rc" -ne 0 ]; then
		echo "# $t: exit code $rc"
		failed=1
	fi
done
rm -f "$log"

# --- unload, and nothing left ---
nchecks=6
[ ! -w "$kmemleak" ] || nchecks=7
echo "# selftests: faultlat: unload"
tap_begin unload $nchecks
if loaded; then
	# where it is, for kmemleak's backtraces after it is gone
	module_range=$(awk -v m=$modname '$1 == m { print $6, $2 }' /proc/modules)
	module_range=${module_range#0x}
	# kmemleak reports only objects older than 5 s
	[ ! -w "$kmemleak" ] || [ $((SECONDS - loaded_at)) -ge 6 ] ||
		sleep $((6 - (SECONDS - loaded_at)))
fi
if ! loaded; then
	not_ok "rmmod $modname" "$modname was not loaded any more"
else
	for _ in $(seq 50); do
		out=$(rmmod $modname 2>&1) && break
		sleep 0.2
	done
	if loaded; then not_ok "rmmod $modname" "$out"; else ok "rmmod $modname"; fi
fi
check "/dev/faultlat gone" test ! -e /dev/faultlat
check "$debugfs/faultlat gone" test ! -e $debugfs/faultlat
check "no faultlat probe in $kprobes" no_probe
check "/sys/module/$modname gone" test ! -e /sys/module/$modname
problems1=$(kernel_problems)
if [ "$problems1" -ne "$problems0" ]; then
	not_ok "kernel log clean" "$((problems1 - problems0)) new lines like:" \
		"$(kernel_log | grep -E "$oops" | tail -n 3)"
else
	ok "kernel log clean"
fi
if [ -w "$kmemleak" ]; then
	leaks=$(kmemleak_ours)
	if [ "$(tail -n 1 <<<"$leaks")" = 0 ]; then
		ok "kmemleak: nothing of $modname's"
	else
		not_ok "kmemleak: nothing of $modname's" \
			"$(tail -n 1 <<<"$leaks") unreferenced objects allocated by $modname (or no scan)" \
			"$(head -n -1 <<<"$leaks")" "see $kmemleak"
	fi
fi
tap_end

exit $failed
