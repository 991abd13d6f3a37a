# SPDX-License-Identifier: GPL-2.0
#
# Filter a kernel log (dmesg) and drop the OOM killer's reports that a
# test announced: between the lines "faultlat-selftest: expected OOM
# begin" and "... end" (oom_test), each report from its "invoked
# oom-killer" line to its "Killed process" line (or "Out of memory and no
# killable processes", when the only task left to kill is shielded),
# stack dump included.
# Everything else, in the window or not, passes through, so a real
# problem there still counts.
#
#   dmesg | awk -f selftests/expected-oom.awk | grep -E "$problems"

/faultlat-selftest: expected OOM begin/ { window = 1 }
/faultlat-selftest: expected OOM end/ { window = 0; report = 0 }
window && /invoked oom-killer:/ { report = 1 }
report {
	if (/Killed process [0-9]+ / || /Out of memory and no killable processes/)
		report = 0
	next
}
{ print }
