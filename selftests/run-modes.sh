#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the faultlat selftests once per probe mode (issue 7: the same
# numbers whichever way the functions are attached); in the VM rig's
# guest, as root, like run.sh.
#
#   FAULTLAT_PROBE_MODES="auto kprobe" selftests/run-modes.sh [TEST...]
#
# FAULTLAT_PROBE_MODES defaults to "auto kprobe": auto attaches by direct
# calls where it can (the default a user gets), kprobe by kretprobes only.
# Each pass is run.sh with probe_mode=MODE added to FAULTLAT_MODPARAMS (for
# insmod and for every load a test does itself), and prints its own TAP
# and Totals lines.  Without TEST, the client's tests run in the first
# pass only: they test the client against the module, whose numbers are
# the same in every mode (the selftests check that in each).  Exits 1 if
# any pass failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
rc=0
args=("$@")
for mode in ${FAULTLAT_PROBE_MODES:-auto kprobe}; do
	echo "# faultlat selftests with probe_mode=$mode"
	FAULTLAT_MODPARAMS="probe_mode=$mode ${FAULTLAT_MODPARAMS:-}" \
		"$here/run.sh" "${args[@]}" || rc=1
	[ $# -gt 0 ] || args=(--selftests)
done
exit $rc
