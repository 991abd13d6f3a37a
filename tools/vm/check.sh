#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: install what is missing, build the module (against each
# kernel's headers), the client and the selftests, run the selftests in
# the VM rig (selftests/run-modes.sh: run.sh once per probe mode, direct
# calls and kretprobes on the generic kernel) and count the kselftest
# "# Totals:" lines of its output.
#
#   tools/vm/check.sh [run-guest.sh options]
#   FAULTLAT_FLAVOURS="amd64 debug" tools/vm/check.sh
#
# The kernels (FAULTLAT_FLAVOURS, kernel.sh's flavours) are by default
# $default_flavours below: Debian's generic and PREEMPT_RT kernels.
# `make check-all` adds the debug kernel (KASAN, lockdep, kmemleak, UBSAN,
# ...; tools/vm/debug-kernel.sh, 10 minutes or more to build the first
# time) and Debian's cloud kernel (cloud-amd64, booted from disk images:
# it has no 9p); see Documentation/testing.rst for the times and why.
#
# The last line is "N passed, N failed" (", N skipped" when any were),
# summed over the Totals lines: passed = pass + xfail, failed = fail +
# xpass + error, skipped = skip.  A guest that crashed, hung (20 minutes
# by default), was tainted or ended non-zero without a failure counted,
# or printed no Totals line at all, counts as one failure; so does a
# kernel that could not be fetched or built, or a module that did not
# build against it.  Before the closing line, a table: one line per
# kernel.  Exits 1 if anything failed.  Each kernel's logs are in
# out/check-<flavour>/.

set -euo pipefail

default_flavours="amd64 rt-amd64"

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
make -s selftests KSFT_INC="$ksft"

# the OOM killer's reports that oom_test provokes are no kernel problem
filter=()
[ ! -f "$root/selftests/expected-oom.awk" ] ||
	filter=(--log-filter "$root/selftests/expected-oom.awk")

total_pass=0 total_fail=0 total_skip=0 table=() t0=$SECONDS
fmt='  %-12s %-24s %4s %4s %4s %4s %6s %6s  %s'
row() {	# FLAVOUR RELEASE PASS FAIL SKIP RC BOOT TIME [NOTE]
	# shellcheck disable=SC2059  # the format is fmt
	table+=("$(printf "$fmt" "${@:1:8}" "${9:-}")")
}

# FILE: "PASS FAIL SKIP N" summed over its kselftest Totals lines
# (pass:N fail:N xfail:N xpass:N skip:N error:N), N of them; 0 0 0 0 if
# FILE cannot be read.
totals() {
	awk '
		/^# Totals: / {
			for (i = 3; i <= NF; i++) { split($i, kv, ":"); c[kv[1]] += kv[2] }
			n++
		}
		END { print c["pass"] + c["xfail"], c["fail"] + c["xpass"] + c["error"],
			  c["skip"] + 0, n + 0 }' "$1" 2>/dev/null || echo 0 0 0 0
}

# NAME LABEL DIR CMD...: a suite run on the host, its output in
# DIR/output.log, counted by its Totals lines as a kernel's are: no Totals
# line at all, or a non-zero exit with no failure counted, is a failure.
host_suite() {
	local name=$1 label=$2 dir=$3 start=$SECONDS rc=0 pass fail skip n
	shift 3
	mkdir -p "$dir"
	"$@" 2>&1 | tee "$dir/output.log" || rc=$?
	read -r pass fail skip n < <(totals "$dir/output.log")
	[ "$n" -gt 0 ] || fail=$((fail + 1))
	[ "$rc" -eq 0 ] || [ "$fail" -gt 0 ] || fail=1
	total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	echo "check: $name: pass $pass fail $fail skip $skip rc $rc $((SECONDS - start))s"
	row "$name" "$label" "$pass" "$fail" "$skip" "$rc" - "$((SECONDS - start))s"
}
for flavour in ${FAULTLAT_FLAVOURS:-$default_flavours}; do
	start=$SECONDS
	out=$root/out/check-$flavour
	rm -rf "$out"
	mkdir -p "$out"
	if ! kvars=$("$vm/kernel.sh" --flavour "$flavour"); then
		echo "check: $flavour: no kernel, counted as a failure" >&2
		total_fail=$((total_fail + 1))
		row "$flavour" - 0 1 0 - - "$((SECONDS - start))s" "no kernel (kernel.sh failed)"
		continue
	fi
	eval "$kvars"
	if ! make -s module KDIR="$FL_KDIR"; then
		echo "check: $flavour: the module does not build, counted as a failure" >&2
		total_fail=$((total_fail + 1))
		row "$flavour" "$FL_RELEASE" 0 1 0 - - "$((SECONDS - start))s" "module build failed"
		continue
	fi
	# the debug kernel is several times slower; the generic one runs twice
	tmo=2700
	[ "$flavour" != debug ] || tmo=3600
	[ "$flavour" != amd64 ] || tmo=3600
	rc=0
	# Single-threaded TCG: multi-threaded TCG crashes 6.1 when a kprobe
	# on handle_mm_fault() is (un)registered while another vCPU faults in
	# it, even an empty one; with it, reload_test runs its other-CPU cases.
	# Both probe modes (direct calls, kretprobes) on the generic kernel,
	# the default one (auto: direct calls) on the others; FAULTLAT_PROBE_MODES
	# overrides.
	modes=auto
	[ "$flavour" != amd64 ] || modes="auto kprobe"
	FAULTLAT_KO=$root/module/faultlat.ko \
	FAULTLAT_CLIENT=$root/userspace/faultlat \
	FAULTLAT_RELOAD_PARALLEL=1 \
	FAULTLAT_OOM=1 \
	FAULTLAT_PROBE_MODES=${FAULTLAT_PROBE_MODES:-$modes} \
		"$vm/run-guest.sh" --single-thread --flavour "$flavour" --out "$out" \
		--timeout "$tmo" "${filter[@]}" "$@" -- "$root/selftests/run-modes.sh" || rc=$?

	read -r pass fail skip n < <(totals "$out/output.log")
	if [ "$n" -eq 0 ]; then
		echo "check: $flavour: no kselftest totals in $out/output.log" >&2
		[ "$fail" -gt 0 ] || fail=1
	fi
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		echo "check: $flavour: guest run failed (exit $rc), counted as a failure" >&2
		fail=1
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	# boot: the guest's uptime when CMD started
	boot=$(awk '{ printf "%.1fs", $1 }' "$out/started" 2>/dev/null || echo -)
	row "$flavour" "$FL_RELEASE" "$pass" "$fail" "$skip" "$rc" "$boot" \
		"$((SECONDS - start))s"
done

# Planted bugs (tools/vm/plant-check.sh): the debug kernel's detectors must
# fail a run of the module with each bug, and pass the module as shipped;
# counted by its Totals line.  With the debug kernel in FAULTLAT_FLAVOURS;
# FAULTLAT_PLANT_CHECK=0 leaves it out.  Logs in out/plant-check/.
if [ "${FAULTLAT_PLANT_CHECK:-1}" != 0 ] &&
	[[ " ${FAULTLAT_FLAVOURS:-amd64 rt-amd64 debug} " == *" debug "* ]]; then
	host_suite plant-check "(debug, planted bugs)" "$root/out/plant-check" \
		"$vm/plant-check.sh"
fi

# Packaging (tools/pkg/test.sh: DKMS, its module loaded in a guest of its
# own, make install, the man page, the docs), counted by its Totals lines
# as a kernel's are; FAULTLAT_PKG=0 leaves it out.  Logs in out/check-pkg/.
if [ "${FAULTLAT_PKG:-1}" != 0 ]; then
	host_suite packaging "(host, DKMS guest)" "$root/out/check-pkg" \
		"$root/tools/pkg/test.sh"
fi

echo "check: per kernel (logs in out/check-<flavour>/, out/check-pkg/):"
# shellcheck disable=SC2059
printf "$fmt\n" flavour kernel pass fail skip rc boot time ''
printf '%s\n' "${table[@]}"
echo "check: $((SECONDS - t0))s in all"
line="$total_pass passed, $total_fail failed"
[ "$total_skip" -eq 0 ] || line+=", $total_skip skipped"
finished=1
summary "$line"
[ "$total_fail" -eq 0 ]
