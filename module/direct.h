/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat: the C halves of the direct-call trampolines (tramp.S), one per
 * site, made by FL_DHOOKS() in the file of the site's entry and return
 * functions so that those are inlined into them (direct.c explains).
 */
#ifndef _FAULTLAT_DIRECT_H
#define _FAULTLAT_DIRECT_H

#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/static_call.h>
#include <linux/types.h>

#include "faultlat.h"

#define FL_DC_TRACK	1	/* the exit half records this call */
#define FL_DC_HELD	2	/* the call holds a module reference */

DECLARE_PER_CPU(long, fl_d_inflight);

/* tramp.S, one per site */
void fl_tramp_fault(void);
void fl_tramp_tlb_range(void);
void fl_tramp_tlb_func(void);
void fl_tramp_tlb_ipi0(void);
void fl_tramp_tlb_ipi1(void);
void fl_tramp_tlb_ipi2(void);
void fl_tramp_tlb_ipi3(void);

/* a traced function's body as the C halves call it: six register arguments */
typedef unsigned long fl_body_fn(unsigned long, unsigned long,
				 unsigned long, unsigned long,
				 unsigned long, unsigned long);

/* handle_mm_fault()'s */
typedef vm_fault_t fl_fault_fn(struct vm_area_struct *vma,
			       unsigned long address, unsigned int flags,
			       struct pt_regs *regs);

/*
 * The traced functions' bodies, just after their fentry call, which each
 * C half calls by a static call of its own (direct.c): a direct call,
 * patched in when the site is attached.  An indirect call would need an
 * ENDBR at its target where the CPU enforces IBT, and a body has none.
 */
DECLARE_STATIC_CALL(fl_body_fault, fl_fault_fn);
DECLARE_STATIC_CALL(fl_body_range, fl_body_fn);
DECLARE_STATIC_CALL(fl_body_func, fl_body_fn);
DECLARE_STATIC_CALL(fl_body_ipi0, fl_body_fn);
DECLARE_STATIC_CALL(fl_body_ipi1, fl_body_fn);
DECLARE_STATIC_CALL(fl_body_ipi2, fl_body_fn);
DECLARE_STATIC_CALL(fl_body_ipi3, fl_body_fn);

/* the fault site's C half, written out in probes.c */
vm_fault_t fl_dcall_fault(struct vm_area_struct *vma, unsigned long address,
			  unsigned int flags, struct pt_regs *regs);

void fl_direct_unhold(struct fl_rec *r);

/**
 * fl_dcall_enter() - the entry half of a direct-traced call
 * @s: the site
 * @enter: its entry function (inlined)
 * @data: the call's data, on the C half's stack
 * @args: the arguments
 * @rp: the calling thread's record, or NULL, for fl_dcall_exit()
 * @task: @s->task, a constant where the caller knows it
 * @preemptible: @enter may run preemptible (it uses no per-CPU data);
 *	else preemption is disabled around it, as a kretprobe's handlers
 *	have it
 *
 * The call is in flight (direct.c) from here: counted in the thread's
 * record, or this CPU's fl_d_inflight without one.
 *
 * Return: FL_DC_* flags for fl_dcall_exit().
 */
static nokprobe_inline unsigned int
fl_dcall_enter(struct fl_site *s, typeof_member(struct fl_site, enter) enter,
	       void *data, const unsigned long *args, struct fl_rec **rp,
	       const bool task, const bool preemptible)
{
	struct fl_rec *r = NULL;
	unsigned int track = 0;

	if (!preemptible)
		preempt_disable_notrace();
	if (task)
		r = fl_task_current();
	if (likely(r)) {
		r->dcalls++;
	} else {
		this_cpu_inc(fl_d_inflight);
		/* a thread, but the table is full: hold the module here */
		if (task && try_module_get(THIS_MODULE))
			track = FL_DC_HELD;
	}
	if (enter(s, data, args, r))
		track |= FL_DC_TRACK;
	if (!preemptible)
		preempt_enable_notrace();
	*rp = r;
	return track;
}

/**
 * fl_dcall_exit() - the exit half of a direct-traced call
 * @s: the site
 * @leave: its return function (inlined)
 * @data: the call's data, as fl_dcall_enter() left it
 * @ret: the body's return value
 * @r: the record fl_dcall_enter() found
 * @track: what fl_dcall_enter() returned
 */
static nokprobe_inline void
fl_dcall_exit(struct fl_site *s, typeof_member(struct fl_site, leave) leave,
	      void *data, unsigned long ret, struct fl_rec *r,
	      unsigned int track)
{
	preempt_disable_notrace();
	if (track & FL_DC_TRACK)
		leave(s, data, ret, r);
	if (likely(r)) {
		/* see direct.c: a thread that blocked in the call holds the module */
		r->dcalls--;
		if (unlikely(r->dheld))
			fl_direct_unhold(r);
	} else {
		if (unlikely(track & FL_DC_HELD))
			module_put(THIS_MODULE);
		this_cpu_dec(fl_d_inflight);
	}
	preempt_enable_notrace();
}

/*
 * The C half of site @site's trampoline (tramp.S), fl_dcall_##name():
 * entered with the traced function's register arguments, it runs the entry
 * half, calls the body (static call fl_body_##name) with the same
 * arguments, runs the exit half and
 * returns the body's return value.  The arguments a site's prototype does
 * not have are whatever the registers held, passed on unread.  Its arrays
 * stay within their bounds by construction: no stack protector (one
 * branch and two loads a call), nor zeroing of the call's data.
 */
#define FL_DHOOKS(name, site, enter, leave)				\
	unsigned long fl_dcall_##name(unsigned long a0, unsigned long a1, \
				      unsigned long a2, unsigned long a3, \
				      unsigned long a4, unsigned long a5); \
	notrace __no_stack_protector unsigned long			\
	fl_dcall_##name(unsigned long a0, unsigned long a1,		\
			unsigned long a2, unsigned long a3,		\
			unsigned long a4, unsigned long a5)		\
	{								\
		struct fl_site *s__ = &fl_site_##site;			\
		const unsigned long args__[6] = { a0, a1, a2, a3, a4, a5 }; \
		u64 data__[FL_SITE_DATA_WORDS] __uninitialized;		\
		struct fl_rec *r__;					\
		unsigned long ret__;					\
		unsigned int track__;					\
									\
		track__ = fl_dcall_enter(s__, enter, data__, args__, &r__, \
					 s__->task, false);		\
		ret__ = static_call(fl_body_##name)(a0, a1, a2, a3, a4, a5); \
		fl_dcall_exit(s__, leave, data__, ret__, r__, track__);	\
		return ret__;						\
	}

#endif /* _FAULTLAT_DIRECT_H */
