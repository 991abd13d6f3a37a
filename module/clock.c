// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: the clock of every latency (see fl_now() in compat.h).
 *
 * local_clock() costs about 50 instructions a read on Debian's 6.1
 * (sched_clock(), its cyc2ns conversion under a per-CPU seqcount, the
 * stable-clock offset); two reads per fault were a quarter of our cost.
 * Where the TSC is constant (or virtual) and the kernel trusts it, as its
 * own sched_clock() does, we read it directly
 * and convert one difference per latency with our own mult/shift, made
 * from tsc_khz the way the kernel makes its own.
 */
#include <linux/clocksource.h>
#include <linux/jump_label.h>
#include <linux/time64.h>
#include <asm/cpufeature.h>
#include <asm/tsc.h>

#include "compat.h"
#include "faultlat.h"

DEFINE_STATIC_KEY_FALSE(fl_clock_tsc);
u32 fl_tsc_mult, fl_tsc_shift;

void fl_clock_init(void)
{
	/*
	 * A TSC whose rate follows the CPU's frequency would need the
	 * kernel's cyc2ns updates; a hypervisor's virtual TSC keeps its rate.
	 */
	if (!boot_cpu_has(X86_FEATURE_TSC) || !tsc_khz || check_tsc_unstable() ||
	    !(boot_cpu_has(X86_FEATURE_CONSTANT_TSC) ||
	      boot_cpu_has(X86_FEATURE_TSC_RELIABLE) ||
	      boot_cpu_has(X86_FEATURE_HYPERVISOR)))
		return;
	clocks_calc_mult_shift(&fl_tsc_mult, &fl_tsc_shift, tsc_khz,
			       NSEC_PER_MSEC, 0);
	static_branch_enable(&fl_clock_tsc);
}

const char *fl_clock_name(void)
{
	return static_key_enabled(&fl_clock_tsc) ? "tsc" : "local_clock";
}
