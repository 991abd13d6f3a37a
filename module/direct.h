/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat: the frame the direct-call trampolines (tramp.S) build on the
 * stack, shared by the assembly and the C hooks (direct.c).
 */
#ifndef _FAULTLAT_DIRECT_H
#define _FAULTLAT_DIRECT_H

/* Byte offsets in struct fl_dframe, for tramp.S. */
#define FL_DF_ARGS	0	/* the six argument registers */
#define FL_DF_RET	48	/* the traced function's return value */
#define FL_DF_SIZE	128	/* a multiple of 16: calls stay aligned */

#ifndef __ASSEMBLY__

#include <linux/types.h>

#define FL_DF_TRACK	1
#define FL_DF_HELD	2

struct fl_rec;

/**
 * struct fl_dframe - one call through a direct trampoline, on its stack
 * @args: %rdi, %rsi, %rdx, %rcx, %r8, %r9 at entry, restored before the
 *	traced function's body runs
 * @ret: its return value (%rax)
 * @rec: the calling task's record, NULL without one (set by the hooks)
 * @track: FL_DF_TRACK: the exit hook records this call (the entry hook
 *	said so); FL_DF_HELD: the call holds a module reference (a thread with
 *	no record, see direct.c)
 * @data: the probe's per-call data, as a kretprobe instance's data
 */
struct fl_dframe {
	unsigned long args[6];
	unsigned long ret;
	struct fl_rec *rec;
	u64 track;
	u64 data[7];
};

#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/preempt.h>

#include "faultlat.h"

DECLARE_PER_CPU(long, fl_d_inflight);

/*
 * The benchmark's direct-call floor (bench/bench.sh): a build with
 * KCFLAGS=-DFL_BENCH_EMPTY_HOOKS=1 has hooks that do nothing, to measure
 * the trampolines alone.  Never in a module anyone uses.
 */
#ifndef FL_BENCH_EMPTY_HOOKS
#define FL_BENCH_EMPTY_HOOKS 0
#endif

/* the bodies the trampolines call, by enum fl_site_id */
extern unsigned long fl_direct_body[FL_NR_SITES];

/* tramp.S, one per site */
void fl_tramp_fault(void);
void fl_tramp_tlb_range(void);
void fl_tramp_tlb_func(void);
void fl_tramp_tlb_ipi0(void);
void fl_tramp_tlb_ipi1(void);
void fl_tramp_tlb_ipi2(void);
void fl_tramp_tlb_ipi3(void);

/* the hooks of the fault site, written out in probes.c */
void fl_dhook_fault_enter(struct fl_dframe *f);
void fl_dhook_fault_exit(struct fl_dframe *f);

/*
 * The hooks tramp.S calls, two per site, made by FL_DHOOKS() in the file of
 * the site's entry and return functions so that they are inlined there.
 * Preemption is disabled around them as a kretprobe's handlers have it.
 */
static __always_inline void fl_dhook_enter(struct fl_dframe *f,
					   struct fl_site *s,
					   typeof_member(struct fl_site, enter) enter)
{
	if (FL_BENCH_EMPTY_HOOKS) {
		f->track = 0;
		f->rec = NULL;
		return;
	}
	preempt_disable_notrace();
	this_cpu_inc(fl_d_inflight);
	f->rec = NULL;
	f->track = 0;
	if (s->task) {
		f->rec = fl_task_current();
		if (f->rec)
			f->rec->dcalls++;
		else if (try_module_get(THIS_MODULE))
			f->track = FL_DF_HELD;	/* table full: hold it here */
	}
	if (enter(s, f->data, f->args, f->rec))
		f->track |= FL_DF_TRACK;
	preempt_enable_notrace();
}

static __always_inline void fl_dhook_exit(struct fl_dframe *f,
					  struct fl_site *s,
					  typeof_member(struct fl_site, leave) leave)
{
	struct fl_rec *r = f->rec;

	if (FL_BENCH_EMPTY_HOOKS)
		return;
	preempt_disable_notrace();
	if (f->track & FL_DF_TRACK)
		leave(s, f->data, f->ret, r);
	/* see direct.c: a thread that blocked in the call holds the module */
	if (r && !--r->dcalls && unlikely(r->dheld)) {
		r->dheld = false;
		module_put(THIS_MODULE);
	}
	if (unlikely(f->track & FL_DF_HELD))
		module_put(THIS_MODULE);
	this_cpu_dec(fl_d_inflight);
	preempt_enable_notrace();
}

#define FL_DHOOKS(name, site, enter, leave)				\
	void fl_dhook_##name##_enter(struct fl_dframe *f);		\
	void fl_dhook_##name##_exit(struct fl_dframe *f);		\
	notrace void fl_dhook_##name##_enter(struct fl_dframe *f)	\
	{								\
		fl_dhook_enter(f, &fl_site_##site, enter);		\
	}								\
	notrace void fl_dhook_##name##_exit(struct fl_dframe *f)	\
	{								\
		fl_dhook_exit(f, &fl_site_##site, leave);		\
	}

#endif /* !__ASSEMBLY__ */
#endif /* _FAULTLAT_DIRECT_H */
