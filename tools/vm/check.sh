#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: install what is missing, build the module (against each
# kernel, in a copy of its own under out/build-<flavour>), the client,
# its guest tests and the selftests, run the selftests in the VM rig
# (selftests/run-modes.sh: run.sh once per probe mode, direct calls and
# kretprobes on the generic kernel; after the selftests, in the same
# boot, the client's tests against the module: userspace/tests/'s
# *_guest_test and guest_test.sh) and count the kselftest "# Totals:"
# lines of its output, the client's tests in a row of their own.
#
#   tools/vm/check.sh [run-guest.sh options]
#   FAULTLAT_FLAVOURS="amd64 debug" tools/vm/check.sh
#
# The kernels (FAULTLAT_FLAVOURS, kernel.sh's flavours) are by default
# $default_flavours below: Debian 12's generic 6.1, Debian 13's generic
# and PREEMPT_RT 6.12, trixie-backports' generic 7.x and the debug kernel
# (KASAN, lockdep, kmemleak, UBSAN, ...; built from linux-source-6.12 by
# tools/vm/debug-kernel.sh, cached).  With the debug kernel come the
# planted bugs (tools/vm/plant-check.sh); last, the packaging tests
# (tools/pkg/test.sh).  `make check-all` (FAULTLAT_ALL=1) runs
# $all_flavours: every flavour of the three series, both probe modes on
# every generic kernel, the debug kernel of 6.1 too (debug-6.1, from
# linux-source-6.1), the stress test's 200 load/unload cycles on each
# and the reload test's 20 per variant, which make check cuts to
# FAULTLAT_STRESS_CYCLES (default $stress_cycles) and
# FAULTLAT_RELOAD_CYCLES (default $reload_cycles).
#
# Two lanes, one per CPU (a guest runs in one QEMU thread): the debug
# kernels' builds (nice 19), their suites and the 7.x kernels in the second,
# the other kernels in the first, then the parts left over in whichever
# is free first (in_lane2 and floats below); the first lane's output
# is shown live, the second's after it (and in out/check-lane2.log
# meanwhile).  FAULTLAT_LANES=1 runs one after the other.  The measured
# times are in Documentation/testing.rst and the README.
#
# FAULTLAT_RESUME=1 reruns only what has not passed yet: each part that
# failed nothing is kept in out/check-passed/, keyed by the checkout's
# state (HEAD's tree, the uncommitted changes, the untracked files), the
# settings that change what runs (FAULTLAT_ALL and the other FAULTLAT_*
# counts, modes and tests) and, for a kernel, its resolved release and
# package version; with FAULTLAT_RESUME=1 such a part is not run again,
# its row is the earlier one's, marked "earlier run".  For a make
# check-all that a machine's session cannot hold in one go; a changed
# file, setting or kernel reruns everything it touches.
#
# The last line is "N passed, N failed" (", N skipped" when any were),
# summed over the Totals lines: passed = pass + xfail, failed = fail +
# xpass + error, skipped = skip.  A guest that crashed, hung (60
# minutes), was tainted or ended non-zero without a failure counted, or
# printed no Totals line at all, counts as one failure; so does a kernel
# that could not be fetched or built, or a module that did not build
# against it; so do a guest's client tests that printed no Totals line
# when its selftests failed nothing.  Before the closing line, a table:
# two lines per kernel, its selftests' and its client tests' (their
# counts apart, in the same guest).  Exits 1 if anything failed.  Each
# kernel's logs are in out/check-<flavour>/.

set -euo pipefail

default_flavours="amd64 6.12-amd64 6.12-rt-amd64 7.3-amd64 debug"
all_flavours="amd64 rt-amd64 cloud-amd64 6.12-amd64 6.12-rt-amd64 6.12-cloud-amd64"
all_flavours+=" 7.3-amd64 7.3-rt-amd64 debug debug-6.1"
stress_cycles=30
reload_cycles=5
# the debug kernels' (make check): see kernel_suite
debug_stress_cycles=10
debug_churn=1024
user_stress=${FAULTLAT_STRESS_CYCLES:-}
if [ "${FAULTLAT_ALL:-0}" = 1 ]; then
	default_flavours=$all_flavours
else
	export FAULTLAT_STRESS_CYCLES=${FAULTLAT_STRESS_CYCLES:-$stress_cycles}
	export FAULTLAT_RELOAD_CYCLES=${FAULTLAT_RELOAD_CYCLES:-$reload_cycles}
fi

cd "$(dirname "$0")/../.."
root=$PWD
vm=$root/tools/vm

# The closing line, also kept in out/check.summary for .ci/run.
summary() {
	mkdir -p "$root/out"
	echo "$1" | tee "$root/out/check.summary"
}
# Whatever stops this script early still ends with a closing line.
finished=
trap '[ -n "$finished" ] || { echo "check: stopped early" >&2; summary "0 passed, 1 failed"; }' EXIT

"$vm/deps.sh"
ksft=$("$vm/kselftest.sh")
make -s userspace
make -s -C userspace guest-tests KSFT_INC="$ksft"
make -s selftests KSFT_INC="$ksft"

# the OOM killer's reports that oom_test provokes are no kernel problem
filter=()
[ ! -f "$root/selftests/expected-oom.awk" ] ||
	filter=(--log-filter "$root/selftests/expected-oom.awk")

# The checkout's state and the settings, for FAULTLAT_RESUME (above):
# HEAD's tree, the diff against it, the untracked files' names and blobs.
state_key() {
	{
		git -C "$root" rev-parse 'HEAD^{tree}' 2>/dev/null || echo no-git
		git -C "$root" diff HEAD --binary 2>/dev/null || true
		git -C "$root" ls-files -z --others --exclude-standard 2>/dev/null |
			while IFS= read -r -d '' f; do
				echo "$f $(git -C "$root" hash-object -- "$f")"
			done
		env | grep -E '^FAULTLAT_(ALL|STRESS_CYCLES|RELOAD_CYCLES|CHURN_THREADS|PROBE_MODES|CLIENT_TESTS|PLANT_CHECK|PKG)=' |
			sort
	} | sha1sum | cut -c1-40
}
state=$(state_key)
passed=$root/out/check-passed

# PART [KERNEL...]: the file in $passed of PART in this state
passed_file() {
	echo "$passed/$(echo "$state $*" | sha1sum | cut -c1-16)"
}

# ITEM PART [KERNEL...]: with FAULTLAT_RESUME=1, ITEM's result from an
# earlier run in which PART (of that kernel) passed in this state;
# returns 1 if there is none
earlier() {
	local f
	[ "${FAULTLAT_RESUME:-0}" = 1 ] || return 1
	f=$(passed_file "${@:2}")
	[ -f "$f" ] || return 1
	# the rows marked; the first line, the counts, as they were
	{ head -n 1 "$f"; tail -n +2 "$f" | sed 's/ *$/  earlier run/'; } >"$res/$1"
	echo "check: ${2#kernel }: passed in an earlier run of this checkout" \
		"(FAULTLAT_RESUME=1; $(stat -c %y "$f" | cut -d. -f1)), not run again"
}

# ITEM PART [KERNEL...]: keep ITEM's result for FAULTLAT_RESUME if it
# failed nothing
keep() {
	local p f s
	read -r p f s <"$res/$1" || return 0
	[ "$f" -eq 0 ] || return 0
	mkdir -p "$passed"
	cp "$res/$1" "$(passed_file "${@:2}")"
}

t0=$SECONDS
fmt='  %-12s %-24s %4s %4s %4s %4s %6s %6s  %s'
res=$root/out/check-results
rm -rf "$res"
mkdir -p "$res"

# Each part (a kernel, plant-check, packaging) leaves its result in
# $res/<its place in the table>: "PASS FAIL SKIP" on the first line, its
# row of the table on the second; the lanes are subshells.
# ITEM FLAVOUR RELEASE PASS FAIL SKIP RC BOOT TIME [NOTE]
result() {
	local item=$1
	shift
	{
		echo "$3 $4 $5"
		# shellcheck disable=SC2059  # the format is fmt
		printf "$fmt\n" "${@:1:8}" "${9:-}"
	} >"$res/$item"
}

# ITEM NAME LABEL PASS FAIL SKIP: one more row for ITEM, whose counts
# are added to its first line's
result_row() {
	local item=$1 p f s
	read -r p f s <"$res/$item"
	{
		echo "$((p + $4)) $((f + $5)) $((s + $6))"
		tail -n +2 "$res/$item"
		# shellcheck disable=SC2059
		printf "$fmt\n" "$2" "$3" "$4" "$5" "$6" - - - ''
	} >"$res/$item.new"
	mv "$res/$item.new" "$res/$item"
}

# FILE [KIND]: "PASS FAIL SKIP N" summed over its kselftest Totals lines
# (pass:N fail:N xfail:N xpass:N skip:N error:N), N of them; 0 0 0 0 if
# FILE cannot be read.  With KIND (selftests or client), only those of the
# programs selftests/run.sh announced as such ("# KIND: faultlat: NAME");
# a Totals line before any announcement is the selftests'.
totals() {
	awk -v want="${2:-}" '
		BEGIN { kind = "selftests" }
		/^# (selftests|client): faultlat: / { kind = substr($2, 1, length($2) - 1) }
		/^# Totals: / && (want == "" || want == kind) {
			for (i = 3; i <= NF; i++) { split($i, kv, ":"); c[kv[1]] += kv[2] }
			n++
		}
		END { print c["pass"] + c["xfail"], c["fail"] + c["xpass"] + c["error"],
			  c["skip"] + 0, n + 0 }' "$1" 2>/dev/null || echo 0 0 0 0
}

# ITEM NAME LABEL DIR CMD...: a suite run on the host, its output in
# DIR/output.log, counted by its Totals lines as a kernel's are: no Totals
# line at all, or a non-zero exit with no failure counted, is a failure.
host_suite() {
	local item=$1 name=$2 label=$3 dir=$4 start=$SECONDS rc=0 pass fail skip n
	shift 4
	mkdir -p "$dir"
	"$@" 2>&1 | tee "$dir/output.log" || rc=$?
	read -r pass fail skip n < <(totals "$dir/output.log")
	[ "$n" -gt 0 ] || fail=$((fail + 1))
	[ "$rc" -eq 0 ] || [ "$fail" -gt 0 ] || fail=1
	echo "check: $name: pass $pass fail $fail skip $skip rc $rc $((SECONDS - start))s"
	result "$item" "$name" "$label" "$pass" "$fail" "$skip" "$rc" - "$((SECONDS - start))s"
}

# FLAVOUR: the probe modes its suite runs in.  Both (auto: direct calls;
# kprobe: kretprobes) on 6.1's and 6.12's generic kernels, and with
# FAULTLAT_ALL=1 (make check-all) on every generic kernel; auto alone on
# the others.
probe_modes() {
	case $1 in
	amd64 | 6.12-amd64) echo "auto kprobe" ;;
	# 6.1's are rt-amd64 and cloud-amd64, without the series
	rt-amd64 | cloud-amd64 | *-rt-amd64 | *-cloud-amd64 | debug*) echo auto ;;
	*) if [ "${FAULTLAT_ALL:-0}" = 1 ]; then echo "auto kprobe"; else echo auto; fi ;;
	esac
}

# FLAVOUR: the client's tests its guest runs after the selftests (run.sh's
# FAULTLAT_CLIENT_TESTS; empty: all).  make check runs guest_test.sh, the
# client's commands end to end (9 to 11 minutes of a generic kernel's guest,
# more than twice that on the debug kernel), on the generic kernels, one
# of each series: what it tests is the client's presentation, the same on
# every flavour; on the PREEMPT_RT kernel, the export's and the
# heatmaps' tests, on the debug kernel the export's (its cgroup list and
# Prometheus' whole stack over the module).  make check-all runs all of
# them everywhere but on the debug kernels, which run the export's and
# the heatmaps' tests: guest_test.sh takes 30 to 45 minutes there, beside
# their full selftests (200 stress cycles of about 7 s, 8192 churned
# threads of about 25 ms), for the client's presentation that the other
# nine kernels test.
client_tests() {
	if [ -n "${FAULTLAT_CLIENT_TESTS:-}" ]; then
		echo "$FAULTLAT_CLIENT_TESTS"
		return
	fi
	case $1 in
	rt-amd64 | *-rt-amd64) [ "${FAULTLAT_ALL:-0}" = 1 ] ||
		echo export_guest_test heatmap_guest_test ;;
	debug*) if [ "${FAULTLAT_ALL:-0}" = 1 ]; then
			echo export_guest_test heatmap_guest_test
		else
			echo export_guest_test
		fi ;;
	esac
}

# ITEM FLAVOUR [run-guest.sh options]: fetch or build that kernel, build
# the module against it in a copy of its own (out/build-FLAVOUR: the other
# lane builds for another kernel meanwhile; not under the guest's --out
# directory, which a guest booted from disk images does not see), run the
# suite.
kernel_suite() {
	local item=$1 flavour=$2 start=$SECONDS out src kvars tmo modes churn rc=0 pass fail skip n boot
	local nice=()
	shift 2
	out=$root/out/check-$flavour
	src=$root/out/build-$flavour
	# a debug kernel's build gives way to the other lane's guest
	[ "${flavour#debug}" = "$flavour" ] || nice=(nice -n 19)
	if ! kvars=$("${nice[@]}" "$vm/kernel.sh" --flavour "$flavour"); then
		echo "check: $flavour: no kernel, counted as a failure" >&2
		result "$item" "$flavour" - 0 1 0 - - "$((SECONDS - start))s" "no kernel (kernel.sh failed)"
		return
	fi
	eval "$kvars"
	# (its logs in $out are the earlier run's then)
	! earlier "$item" "kernel $flavour" "$FL_RELEASE" "$FL_VERSION" "$FL_ABI" || return 0
	rm -rf "$out" "$src"
	mkdir -p "$out" "$src"
	tar -C "$root" -cf - --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude=modules.order \
		--exclude=Module.symvers Kbuild module uapi | tar -C "$src" -xf -
	# and causes_test's test module (selftests/faultlat/pagelock)
	mkdir -p "$src/pagelock"
	cp "$root/selftests/faultlat/pagelock/Kbuild" \
		"$root/selftests/faultlat/pagelock/pagelock.c" "$src/pagelock/"
	if ! FL_KDIR=$FL_KDIR FL_BUILDROOT=${FL_BUILDROOT:-} "$vm/kmake.sh" "$src" -s modules ||
	   ! FL_KDIR=$FL_KDIR FL_BUILDROOT=${FL_BUILDROOT:-} "$vm/kmake.sh" "$src/pagelock" -s modules; then
		echo "check: $flavour: the module does not build, counted as a failure" >&2
		result "$item" "$flavour" "$FL_RELEASE" 0 1 0 - - "$((SECONDS - start))s" "module build failed"
		return
	fi
	# A guest is hung after 60 minutes (90 with make check-all, whose
	# stress test runs its 200 load/unload cycles: on PREEMPT_RT they take
	# 18 to 20 minutes alone, RCU-tasks grace periods at each unload).
	tmo=3600
	[ "${FAULTLAT_ALL:-0}" != 1 ] || tmo=5400
	# Single-threaded TCG: multi-threaded TCG crashes 6.1 and 6.12 when a
	# kprobe on handle_mm_fault() is (un)registered while another vCPU
	# faults in it, even an empty one, without faultlat; with it,
	# reload_test runs its other-CPU cases.  probe_modes() says which
	# probe modes; FAULTLAT_PROBE_MODES overrides.
	modes=$(probe_modes "$flavour")
	# The debug kernel (KASAN, lockdep, kmemleak: about 25 ms a thread
	# there) churns $debug_churn threads in make check instead of 8192
	# (churn_test took 702 s of its suite), and unloads under load
	# $debug_stress_cycles times instead of $stress_cycles (about 7 s a
	# cycle there): the point is its detectors on the same paths, which
	# the 6.12 kernel it is built from takes longer than 6.1's; the other
	# kernels and make check-all run all of them.
	churn=${FAULTLAT_CHURN_THREADS:-}
	stress=${FAULTLAT_STRESS_CYCLES:-}
	if [ "${flavour#debug}" != "$flavour" ] && [ "${FAULTLAT_ALL:-0}" != 1 ]; then
		churn=${churn:-$debug_churn}
		stress=${user_stress:-$debug_stress_cycles}
	fi
	FAULTLAT_STRESS_CYCLES=$stress \
	FAULTLAT_CHURN_THREADS=$churn \
	FAULTLAT_CLIENT_TESTS=$(client_tests "$flavour") \
	FAULTLAT_KO=$src/module/faultlat.ko \
	FAULTLAT_PAGELOCK_KO=$src/pagelock/faultlat_pagelock.ko \
	FAULTLAT_CLIENT=$root/userspace/faultlat \
	FAULTLAT_RELOAD_PARALLEL=1 \
	FAULTLAT_OOM=1 \
	FAULTLAT_PROBE_MODES=${FAULTLAT_PROBE_MODES:-$modes} \
		"$vm/run-guest.sh" --single-thread --flavour "$flavour" --out "$out" \
		--timeout "$tmo" "${filter[@]}" "$@" -- "$root/selftests/run-modes.sh" || rc=$?

	# the selftests' row, and the client's tests' (run by run.sh in the
	# same guest, after the selftests) in a row of their own
	read -r pass fail skip n < <(totals "$out/output.log" selftests)
	read -r cpass cfail cskip cn < <(totals "$out/output.log" client)
	if [ "$n" -eq 0 ]; then
		echo "check: $flavour: no kselftest totals in $out/output.log" >&2
		[ "$fail" -gt 0 ] || fail=1
	fi
	if [ "$cn" -eq 0 ] && [ "$fail" -eq 0 ]; then
		echo "check: $flavour: no totals of the client's tests in $out/output.log" >&2
		cfail=1
	fi
	# (a failed test fails the run: counted once, where it failed)
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ] && [ "$cfail" -eq 0 ]; then
		echo "check: $flavour: guest run failed (exit $rc), counted as a failure" >&2
		fail=1
	fi
	# boot: the guest's uptime when CMD started
	boot=$(awk '{ printf "%.1fs", $1 }' "$out/started" 2>/dev/null || echo -)
	echo "check: $flavour: pass $pass fail $fail skip $skip rc $rc $((SECONDS - start))s;" \
		"client: pass $cpass fail $cfail skip $cskip"
	result "$item" "$flavour" "$FL_RELEASE" "$pass" "$fail" "$skip" "$rc" "$boot" \
		"$((SECONDS - start))s"
	result_row "$item" "$flavour" "(client tests)" "$cpass" "$cfail" "$cskip"
	keep "$item" "kernel $flavour" "$FL_RELEASE" "$FL_VERSION" "$FL_ABI"
}

# The parts, in the table's order: first, that deps.sh installs every
# command the project's scripts run (tools/vm/commands-test.sh, on the
# host; logs in out/check-commands/); the kernels, then the planted bugs
# (tools/vm/plant-check.sh: the debug kernel's detectors must fail a run
# of the module with each bug, and pass the module as shipped; with the
# debug kernel in FAULTLAT_FLAVOURS, FAULTLAT_PLANT_CHECK=0 leaves it
# out; logs in out/plant-check/), then packaging (tools/pkg/test.sh:
# DKMS, its module loaded in a guest of its own, make install, the man
# page, the docs; FAULTLAT_PKG=0 leaves it out; logs in out/check-pkg/).
read -ra flavours <<<"${FAULTLAT_FLAVOURS:-$default_flavours}"
parts=(commands)
for f in "${flavours[@]}"; do
	parts+=("kernel $f")
done
if [ "${FAULTLAT_PLANT_CHECK:-1}" != 0 ] && [[ " ${flavours[*]} " == *" debug "* ]]; then
	parts+=(plant)
fi
[ "${FAULTLAT_PKG:-1}" = 0 ] || parts+=(pkg)

# ITEM PART [run-guest.sh options]
run_part() {
	local item=$1 part=$2
	shift 2
	case $part in
	"kernel "*) kernel_suite "$item" "${part#kernel }" "$@"; return ;;
	esac
	! earlier "$item" "$part" || return 0
	case $part in
	commands) host_suite "$item" commands "(host, deps.sh)" \
		"$root/out/check-commands" "$vm/commands-test.sh" ;;
	plant) host_suite "$item" plant-check "(debug, planted bugs)" \
		"$root/out/plant-check" "$vm/plant-check.sh" ;;
	pkg) host_suite "$item" packaging "(host, DKMS guest)" "$root/out/check-pkg" \
		"$root/tools/pkg/test.sh" ;;
	esac
	keep "$item" "$part"
}

# Two lanes, one per CPU (QEMU runs a guest in one thread): the 7.x
# kernels and the debug kernel (built at nice 19, then its suite) in the
# second, the other kernels in the first, in order; then each lane takes
# the parts left over (floats below), in the table's order, one at a
# time, whichever lane is free first (a claim is a mkdir).  How long the
# second lane's own parts take depends on the debug kernel's cache: warm,
# make check's second lane is done well before the first; cold, the
# debug kernel's build makes it the longer (Documentation/testing.rst
# has the figures).  Left over in make check: the PREEMPT_RT kernels, the planted bugs (which boot the
# debug kernel: claimed before it is built, they wait for its build's
# lock) and the packaging.  make check-all's parts, measured one at a
# time (README), come to 3 to 3.5 hours a lane so: the second's 7.3
# generic and rt and both debug kernels (each with its build), the
# first's the other kernels; the planted bugs and the packaging left
# over.  FAULTLAT_LANES=1 runs everything in one
# lane, in the table's order.
in_lane2() {
	case $1 in
	"kernel debug"* | "kernel 7."*) return 0 ;;
	esac
	return 1
}
floats() {
	case $1 in
	plant | pkg) return 0 ;;
	"kernel rt-amd64" | "kernel 6."*-rt-amd64)
		[ "${FAULTLAT_ALL:-0}" = 1 ] || return 0 ;;
	esac
	return 1
}
lanes=${FAULTLAT_LANES:-2}
[ "$(nproc)" -ge 2 ] || lanes=1
lane1=() lane2=() left=()
for i in "${!parts[@]}"; do
	if [ "$lanes" -gt 1 ] && floats "${parts[i]}"; then
		left+=("$i")
	elif [ "$lanes" -gt 1 ] && in_lane2 "${parts[i]}"; then
		lane2+=("$i")
	else
		lane1+=("$i")
	fi
done
# ITEM... (run-guest.sh options after --): the lane's own parts, then
# those left over that the other lane has not claimed
run_lane() {
	local items=() i
	while [ "$1" != -- ]; do
		items+=("$1")
		shift
	done
	shift
	for i in "${items[@]}"; do
		run_part "$i" "${parts[i]}" "$@"
	done
	for i in "${left[@]}"; do
		mkdir "$res/claim-$i" 2>/dev/null || continue
		run_part "$i" "${parts[i]}" "$@"
	done
}

lane2_pid=
lane2_log=$root/out/check-lane2.log
if [ ${#lane2[@]} -gt 0 ]; then
	echo "check: lane 2 (the 7.x kernels, the debug kernel, then what is" \
		"left) runs beside this one; its output follows this lane's" \
		"(live in out/check-lane2.log)"
	# its own process group, so that an early stop ends the whole lane
	set -m
	( lstart=$SECONDS; run_lane "${lane2[@]}" -- "$@"
	  echo "check: lane 2: $((SECONDS - lstart))s" ) >"$lane2_log" 2>&1 &
	lane2_pid=$!
	set +m
	trap '[ -z "$lane2_pid" ] || kill -- -"$lane2_pid" 2>/dev/null
	      [ -n "$finished" ] || { echo "check: stopped early" >&2; summary "0 passed, 1 failed"; }' EXIT
fi
lstart=$SECONDS
run_lane "${lane1[@]}" -- "$@"
lane1_time=$((SECONDS - lstart))
if [ -n "$lane2_pid" ]; then
	echo "check: lane 1: ${lane1_time}s; lane 2's output:"
	tail -n +1 -s 1 -f --pid="$lane2_pid" "$lane2_log"
	wait "$lane2_pid" || true
	lane2_pid=
else
	echo "check: lane 1: ${lane1_time}s"
fi

total_pass=0 total_fail=0 total_skip=0 table=()
for i in "${!parts[@]}"; do
	if { read -r pass fail skip && IFS= read -r line; } 2>/dev/null <"$res/$i"; then
		table+=("$line")
		# more rows: the client's tests of a kernel's guest
		mapfile -t -s 2 rows <"$res/$i"
		table+=("${rows[@]}")
	else
		# a lane ended before this part gave a result
		pass=0 fail=1 skip=0
		# shellcheck disable=SC2059
		table+=("$(printf "$fmt" "${parts[i]#kernel }" - 0 1 0 - - - "no result")")
	fi
	total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
done

echo "check: per kernel (logs in out/check-<flavour>/, out/check-pkg/):"
# shellcheck disable=SC2059
printf "$fmt\n" flavour kernel pass fail skip rc boot time ''
printf '%s\n' "${table[@]}"
resumed=$(cat "$res"/[0-9]* 2>/dev/null | grep -c ' earlier run$' || true)
if [ "$resumed" -gt 0 ]; then
	echo "check: $((SECONDS - t0))s in all; $resumed rows from earlier runs (FAULTLAT_RESUME=1)"
else
	echo "check: $((SECONDS - t0))s in all"
fi
line="$total_pass passed, $total_fail failed"
[ "$total_skip" -eq 0 ] || line+=", $total_skip skipped"
finished=1
summary "$line"
[ "$total_fail" -eq 0 ]
