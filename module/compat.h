/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat: every difference between kernel versions and flavours.
 *
 * faultlat targets Debian's 6.1 kernels (generic, cloud, rt).  Anything
 * that differs between versions or flavours is decided here and nowhere
 * else.
 */
#ifndef _FAULTLAT_COMPAT_H
#define _FAULTLAT_COMPAT_H

#include <linux/sched/clock.h>

/*
 * Kbuild warns when the kernel is not 6.1 (VERSION.PATCHLEVEL, which avoids
 * 6.1's LINUX_VERSION_CODE capping the sublevel at 255).  Differences
 * between flavours (generic, cloud, rt) are decided below as they appear.
 */

/*
 * The clock of every latency: local_clock() is sched_clock() (the TSC on
 * x86-64), kept monotonic per CPU.  A fault that sleeps may end on another
 * CPU; with a stable TSC (every x86-64 machine we support, and the QEMU rig
 * with tsc=reliable) the clocks of all CPUs agree.
 */
static inline u64 fl_now(void)
{
	return local_clock();
}

/* Nanoseconds from @start to @end; 0 if the clocks of two CPUs disagree. */
static inline u64 fl_elapsed(u64 start, u64 end)
{
	return end > start ? end - start : 0;
}

/* handle_mm_fault(vma, address, flags, regs): the x86-64 argument registers. */
#define FL_ARG_VMA(regs)	((struct vm_area_struct *)(regs)->di)
#define FL_ARG_ADDRESS(regs)	((unsigned long)(regs)->si)
#define FL_ARG_FLAGS(regs)	((unsigned int)(regs)->dx)
#define FL_ARG_REGS(regs)	((struct pt_regs *)(regs)->cx)

/*
 * struct flush_tlb_info, the argument of flush_tlb_func() and of the
 * *_flush_tlb_multi() functions: 6.1 hides it from modules (#ifndef MODULE
 * in asm/tlbflush.h).  Its head, which is all we read, as in 6.1.
 */
struct fl_flush_tlb_info {
	struct mm_struct *mm;
	unsigned long start;
	unsigned long end;
	u64 new_tlb_gen;
	unsigned int initiating_cpu;
};

/*
 * tlb_single_page_flush_ceiling is not exported either: flush_tlb_mm_range()
 * flushes the whole mm above this many pages.  6.1's default.
 */
#define FL_TLB_CEILING_DEFAULT	33

#endif /* _FAULTLAT_COMPAT_H */
