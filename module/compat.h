/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat: every difference between kernel versions and flavours.
 *
 * faultlat targets Debian's kernels: bookworm's 6.1 (generic, cloud, rt),
 * trixie's 6.12 and trixie-backports' 7.3 (generic, rt).  Anything that
 * differs between versions or flavours is decided here (and in Kbuild, for
 * what the build needs) and nowhere else: the other files use the kernel's
 * own names, which this file provides where a kernel lacks them, or the
 * fl_ helpers below.  Included by tramp.S too: its C part is
 * !__ASSEMBLY__.
 */
#ifndef _FAULTLAT_COMPAT_H
#define _FAULTLAT_COMPAT_H

#include <linux/version.h>

/*
 * Kernel versions, compared in one place.  LINUX_VERSION_CODE and
 * KERNEL_VERSION() cap the sublevel at 255 (4.9 and 4.14 went past it, a
 * long-lived 6.1 may too: 6.1.256 and 6.1.300 would compare equal), so
 * FL_KERNEL_VERSION() gives each part 16 bits, from version.h's
 * LINUX_VERSION_MAJOR, _PATCHLEVEL and _SUBLEVEL, as lttng-modules'
 * kernel-version.h does.  FL_KERNEL_RANGE() is [low, high): a difference
 * that came with 6.4 is FL_KERNEL_RANGE(6, 1, 0, 6, 4, 0) on the old side.
 */
#define FL_KERNEL_VERSION(a, b, c)					\
	(((a) * 0x100000000ULL) + ((b) * 0x10000ULL) + (c))
#ifdef LINUX_VERSION_SUBLEVEL
#define FL_LINUX_VERSION_CODE						\
	FL_KERNEL_VERSION(LINUX_VERSION_MAJOR, LINUX_VERSION_PATCHLEVEL, \
			  LINUX_VERSION_SUBLEVEL)
#else
#define FL_LINUX_VERSION_CODE	0ULL
#endif
#define FL_KERNEL_RANGE(a_low, b_low, c_low, a_high, b_high, c_high)	\
	(FL_KERNEL_VERSION(a_low, b_low, c_low) <= FL_LINUX_VERSION_CODE && \
	 FL_KERNEL_VERSION(a_high, b_high, c_high) > FL_LINUX_VERSION_CODE)
#define FL_KERNEL_AT_LEAST(a, b, c)					\
	(FL_KERNEL_VERSION(a, b, c) <= FL_LINUX_VERSION_CODE)

#if !FL_KERNEL_AT_LEAST(6, 1, 0)
#error "faultlat needs Linux 6.1 or later"
#endif

#ifndef __ASSEMBLY__

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/sched/clock.h>
#include <linux/jump_label.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <asm/msr.h>
#include <asm/ptrace.h>

/*
 * The clock of every latency (clock.c): the TSC where it is constant and
 * stable, read at entry and return and converted to nanoseconds once per
 * latency; else local_clock(), nanoseconds already.  A fault that sleeps
 * may end on another CPU: the TSCs (and local_clock() in its stable mode)
 * of all CPUs agree on every x86-64 machine we support, and in the QEMU rig
 * (tsc=reliable).
 */
DECLARE_STATIC_KEY_FALSE(fl_clock_tsc);
extern u32 fl_tsc_mult, fl_tsc_shift;

static nokprobe_inline u64 fl_now(void)
{
	if (static_branch_likely(&fl_clock_tsc))
		return rdtsc();
	return local_clock();
}

/*
 * Nanoseconds from @start to @end; 0 if the clocks of two CPUs disagree.
 * TSC cycles convert as mul_u64_u32_shr() does, (cycles * mult) >> shift
 * in 128 bits, but in the two instructions that take: C's unsigned
 * __int128 makes the compiler test the shift against 64 and, spilled,
 * realign the caller's stack for its 16-byte temporary.  The product's
 * high half holds what a difference above 2^32 cycles needs; the CPU
 * masks the shift (clocks_calc_mult_shift() keeps it below 32).
 */
static nokprobe_inline u64 fl_elapsed(u64 start, u64 end)
{
	u64 d = end > start ? end - start : 0, hi;

	if (!static_branch_likely(&fl_clock_tsc))
		return d;
	asm ("mulq %[mult]\n\tshrdq %%cl, %%rdx, %%rax"
	     : "+a" (d), "=&d" (hi)
	     : [mult] "rm" ((u64)fl_tsc_mult), "c" (fl_tsc_shift)
	     : "cc");
	return d;
}

/* The six argument registers of the x86-64 calling convention. */
static inline void fl_regs_args(const struct pt_regs *regs,
				unsigned long args[6])
{
	args[0] = regs->di;
	args[1] = regs->si;
	args[2] = regs->dx;
	args[3] = regs->cx;
	args[4] = regs->r8;
	args[5] = regs->r9;
}

/*
 * Direct calls (direct.c, tramp.S): ftrace's direct-call trampolines, whose
 * call sites are the fentry call at a function's entry (after its ENDBR
 * where the kernel has IBT, as in Debian's 6.12 and 7.3; direct.c finds
 * it).  The C halves call the bodies, just after the fentry call, by
 * static calls: direct calls, so a body needs no ENDBR where the CPU
 * enforces IBT.  Without the architecture's static calls they would be
 * indirect: no direct calls then.
 */
#define FL_HAVE_DIRECT	(IS_ENABLED(CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS) && \
			 IS_ENABLED(CONFIG_HAVE_STATIC_CALL))
/* the fentry call's size (asm/ftrace.h) */
#define FL_FENTRY_SIZE	MCOUNT_INSN_SIZE

/*
 * Attaching a direct trampoline.  6.1 has register_ftrace_direct(ip, addr)
 * and unregister_ftrace_direct(ip, addr), one trampoline per ip: what
 * faultlat was written and tested with there.  6.4 removed them and gave
 * their names to the ftrace_ops-based API that 6.0 had added as
 * *_ftrace_direct_multi(): register_ftrace_direct(ops, addr) attaches
 * @addr at every ip of the ops's filter (ftrace_set_filter_ip()), and
 * unregister_ftrace_direct(ops, addr, free_filters) detaches it (as in the
 * kernel's samples/ftrace/ftrace-direct.c).  The two take different things,
 * so faultlat calls these, with both: an ops of its own per site and the
 * ip.  ftrace_location(), which would check an ip first, is not exported.
 *
 * Return: 0; -ENODEV when @ip is not an ftrace location; -EBUSY when
 * another direct trampoline (a BPF trampoline) is attached there; another
 * negative errno from ftrace.
 */
static inline int fl_register_ftrace_direct(struct ftrace_ops *ops,
					    unsigned long ip,
					    unsigned long addr)
{
	int err;

#if FL_KERNEL_RANGE(6, 1, 0, 6, 4, 0)
	err = register_ftrace_direct(ip, addr);
	/* not an ftrace location */
	return err == -EINVAL ? -ENODEV : err;
#else
	err = ftrace_set_filter_ip(ops, ip, 0, 0);
	if (err)	/* -EINVAL: not an ftrace location */
		return err == -EINVAL ? -ENODEV : err;
	err = register_ftrace_direct(ops, addr);
	if (err)
		ftrace_free_filter(ops);
	return err;
#endif
}

static inline int fl_unregister_ftrace_direct(struct ftrace_ops *ops,
					      unsigned long ip,
					      unsigned long addr)
{
#if FL_KERNEL_RANGE(6, 1, 0, 6, 4, 0)
	return unregister_ftrace_direct(ip, addr);
#else
	return unregister_ftrace_direct(ops, addr, true);
#endif
}

/*
 * sched_process_exit: 6.16 gave it group_dead and moved it from after
 * exit_mm() to before (the patch "exit: move and extend
 * sched_process_exit() tracepoint"; 6.12 has the old one, 7.3 the new).
 * The probe's parameters, after its data: tracepoints.c checks them
 * against the tracepoint's own at build time.  FL_EXIT_BEFORE_EXIT_MM:
 * the exiting thread may still fault (mm_release(): clear_child_tid, the
 * robust futex list) and flush TLBs (exit_mm()'s unmapping) after the
 * tracepoint, so its record is only marked then (tasks.c).
 */
#if FL_KERNEL_AT_LEAST(6, 16, 0)
#define FL_TP_PROTO_SCHED_PROCESS_EXIT	struct task_struct *p, bool group_dead
#define FL_EXIT_BEFORE_EXIT_MM		1
#else
#define FL_TP_PROTO_SCHED_PROCESS_EXIT	struct task_struct *p
#define FL_EXIT_BEFORE_EXIT_MM		0
#endif

/*
 * The tracepoints of the fault causes (causes.c), their probes'
 * parameters after their data; causes.c checks them against the
 * tracepoints' own at build time.  The vmscan reclaim events took the
 * memcg (and put gfp_flags first), and the mmap_lock events lost their
 * memcg path, between 6.12 and 7.3: both kernels checked, the versions of
 * the changes as the patches ("mm: vmscan: add memcg to the reclaim
 * tracepoints", "mm: mmap_lock: optimize mmap_lock tracepoints") came.
 */
#if FL_KERNEL_AT_LEAST(6, 16, 0)
#define FL_TP_PROTO_RECLAIM_BEGIN	gfp_t gfp_flags, int order,	\
					struct mem_cgroup *memcg
#define FL_TP_PROTO_RECLAIM_END		unsigned long nr_reclaimed,	\
					struct mem_cgroup *memcg
#else
#define FL_TP_PROTO_RECLAIM_BEGIN	int order, gfp_t gfp_flags
#define FL_TP_PROTO_RECLAIM_END		unsigned long nr_reclaimed
#endif
#if FL_KERNEL_AT_LEAST(6, 13, 0)
#define FL_TP_PROTO_MMAP_LOCK		struct mm_struct *mm, bool write
#define FL_TP_PROTO_MMAP_LOCK_RET	struct mm_struct *mm, bool write, \
					bool success
#else
#define FL_TP_PROTO_MMAP_LOCK		struct mm_struct *mm,		\
					const char *memcg_path, bool write
#define FL_TP_PROTO_MMAP_LOCK_RET	struct mm_struct *mm,		\
					const char *memcg_path, bool write, \
					bool success
#endif

/*
 * The functions whose calls tell a fault's path (paths.c), by name: ftrace
 * finds them, or says the kernel has none it can trace.  Static ones are
 * inlined or not at the compiler's whim; those paths.c uses are real
 * functions, with an fentry call, in Debian's 6.1, 6.12 and 7.3 (their
 * BTF, and available_filter_functions in the guest: selftests'
 * paths_test).  A new anonymous page is mapped by
 * page_add_new_anon_rmap(page, vma, address) up to 6.2, by
 * folio_add_new_anon_rmap(folio, vma, address, ...) since ("mm: convert
 * page_add_new_anon_rmap() to folio_add_new_anon_rmap()" came with 6.3's
 * folio conversions, and the THP fault path calls it since); PMD-sized,
 * it is a transparent huge page.  The callback's first argument is the
 * page or folio: struct ftrace_regs holds the argument registers on
 * x86-64 (CONFIG_DYNAMIC_FTRACE_WITH_ARGS), opaque since 6.13 behind
 * ftrace_regs_get_argument() (<linux/ftrace_regs.h>, 6.12 has it too).
 */
#if FL_KERNEL_AT_LEAST(6, 3, 0)
#define FL_SYM_NEW_ANON		"folio_add_new_anon_rmap"
#define FL_NEW_ANON_ARG0	"folio"	/* its name, and its struct's */
#else
#define FL_SYM_NEW_ANON		"page_add_new_anon_rmap"
#define FL_NEW_ANON_ARG0	"page"
#endif

static __always_inline unsigned long fl_ftrace_arg0(struct ftrace_regs *fregs)
{
#ifdef ftrace_regs_get_argument
	return ftrace_regs_get_argument(fregs, 0);
#else
	return fregs->regs.di;
#endif
}

/*
 * do_wp_page(vmf): a write to the shared zero page (a read of fresh
 * anonymous memory mapped it) gets a new zeroed page from wp_page_copy(),
 * nothing copied.  struct vm_fault is in <linux/mm.h>, orig_pte set by
 * handle_pte_fault() before the call; is_zero_pfn() reads zero_pfn (6.1,
 * 6.12) or zero_page_pfn (7.3), exported either way.
 */
static __always_inline bool fl_wp_of_zero_page(unsigned long arg0)
{
	const struct vm_fault *vmf = (const struct vm_fault *)arg0;

	return is_zero_pfn(pte_pfn(vmf->orig_pte));
}

static __always_inline bool fl_new_anon_is_pmd(unsigned long arg0)
{
#if FL_KERNEL_AT_LEAST(6, 3, 0)
	return folio_order((struct folio *)arg0) == PMD_SHIFT - PAGE_SHIFT;
#else
	return compound_order((struct page *)arg0) == PMD_SHIFT - PAGE_SHIFT;
#endif
}

/*
 * Per-VMA locks (6.4, "x86/mm: try VMA lock-based page fault handling
 * first"): x86's do_user_addr_fault() first calls handle_mm_fault() with
 * FAULT_FLAG_VMA_LOCK under the VMA's lock; when that returns
 * VM_FAULT_RETRY (a "fallback"), it calls it again under mmap_lock, with
 * FAULT_FLAG_TRIED only if the first call returned VM_FAULT_MAJOR (6.7's
 * "arch/mm/fault: fix major fault accounting when retrying under per-VMA
 * lock"; 6.4 to 6.6 never set it there).  6.1 has no such flag: 0 makes
 * every test of it false.
 */
/* where a task sleeps on a folio's lock (causes.c), on 6.1 to 7.3 */
#define FL_PAGE_LOCK_WAIT_FN	"folio_wait_bit_common"

/*
 * What zeroes a huge page (THP or hugetlb) for a fault (causes.c):
 * clear_huge_page(page, addr_hint, pages), folio_zero_user(folio,
 * addr_hint) since 6.11 ("mm: memory: convert clear_huge_page() to
 * folio_zero_user()"); both kernels' code checked.
 */
#if FL_KERNEL_AT_LEAST(6, 11, 0)
#define FL_ZERO_HUGE_FN		"folio_zero_user"
#else
#define FL_ZERO_HUGE_FN		"clear_huge_page"
#endif

#if FL_KERNEL_AT_LEAST(6, 4, 0)
#define FL_FAULT_FLAG_VMA_LOCK	FAULT_FLAG_VMA_LOCK
#else
#define FL_FAULT_FLAG_VMA_LOCK	0
#endif

/*
 * struct flush_tlb_info, the argument of flush_tlb_func() and of the
 * *_flush_tlb_multi() functions: hidden from modules (#ifndef MODULE in
 * asm/tlbflush.h).  Its head, which is all we read, is the same in 6.1,
 * 6.12 and 7.3 (mm, start, end, new_tlb_gen, initiating_cpu; 7.3 aligns
 * the struct, which moves none of them).  So are the prototypes tlb.c
 * traces: flush_tlb_mm_range(mm, start, end, stride_shift, freed_tables),
 * flush_tlb_func(void *info), native_flush_tlb_multi(cpumask, info).
 *
 * Differences tlb.c does not handle yet:
 *  - 6.15's CONFIG_BROADCAST_TLB_FLUSH (on in Debian's 7.3): on AMD CPUs
 *    with INVLPGB, an mm with a global ASID (one running on several CPUs
 *    at once) is flushed by a broadcast INVLPGB and TLBSYNC, with no IPI:
 *    flush_tlb_mm_range() calls neither a *_flush_tlb_multi() function
 *    nor flush_tlb_func(), so such a flush counts as local_only, its
 *    remote CPUs receive nothing, and the tlb_flush event says
 *    remote_cpus=0 (its latency includes the TLBSYNC wait); see
 *    Documentation/tlb.rst.
 *  - 7.3's flush_tlb_mm_range() calls flush_tlb_multi() after put_cpu():
 *    the IPI functions may start on one CPU and return on another, so
 *    tlb.c tells a nested call by the task that owns the CPU's
 *    outermost call, released on the CPU it was taken on.
 *
 * debugfs's layout file shows the fields and arguments tlb.c reads;
 * selftests/faultlat/layout_test.c checks them against the kernel's BTF.
 */
struct fl_flush_tlb_info {
	struct mm_struct *mm;
	unsigned long start;
	unsigned long end;
	u64 new_tlb_gen;
	unsigned int initiating_cpu;
};

/*
 * tlb:tlb_flush's reasons (enum tlb_flush_reason): 6.13 added a sixth,
 * TLB_REMOTE_WRONG_CPU (a flush IPI reached a CPU that had left the mm),
 * and 7.3 has no NR_TLB_FLUSH_REASONS any more, which 6.1 and 6.12 have
 * (5).  tlb.c counts every reason number, named or not; this is how many
 * the kernel has, for struct faultlat_tlb_global's kernel_reasons.
 */
#if FL_KERNEL_AT_LEAST(6, 13, 0)
#define FL_TLB_KERNEL_REASONS	(TLB_REMOTE_WRONG_CPU + 1)
#else
#define FL_TLB_KERNEL_REASONS	NR_TLB_FLUSH_REASONS
#endif

/*
 * tlb_single_page_flush_ceiling is not exported either: flush_tlb_mm_range()
 * flushes the whole mm above this many pages.  The default of 6.1 and
 * 6.12.
 */
#define FL_TLB_CEILING_DEFAULT	33

/*
 * The unbound system workqueue: 6.17 named it system_dfl_wq (and the
 * per-CPU one system_percpu_wq), and 7.x warns once in the kernel log
 * for work queued on the old system_unbound_wq ("enqueued on deprecated
 * workqueue").  Before 6.17, the old name, under the new one.
 */
#if !FL_KERNEL_AT_LEAST(6, 17, 0)
#define system_dfl_wq	system_unbound_wq
#endif

#else /* __ASSEMBLY__ */

#include <asm/nospec-branch.h>

/*
 * Call depth tracking (6.2, CONFIG_MITIGATION_CALL_DEPTH_TRACKING, active
 * with retbleed=stuff) counts calls in the callee's padding and returns
 * in the return thunk.  ftrace patches a direct call to the trampoline,
 * not to a padding thunk, so the trampoline counts its own call
 * (arch/x86/kernel/ftrace.c: "The trampoline does the depth accounting
 * itself"), as ftrace's own trampolines and the kernel's samples do.
 * 6.1 has no such tracking.
 */
#if FL_KERNEL_RANGE(6, 1, 0, 6, 2, 0)
.macro CALL_DEPTH_ACCOUNT
.endm
#endif

#endif /* __ASSEMBLY__ */

#endif /* _FAULTLAT_COMPAT_H */
