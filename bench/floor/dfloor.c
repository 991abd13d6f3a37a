// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat_dfloor: the benchmark's direct-call floor (make bench).
 *
 * faultlat's direct-call trampolines with nothing in them: an ftrace
 * direct call on handle_mm_fault() (with tlb=1, also on the TLB-flush
 * functions faultlat traces) into a trampoline built as faultlat's
 * (dfloor_tramp.S), whose C half only calls the function's body, just
 * after its fentry call, by a static call, and returns its value.  What it
 * costs per fault is what faultlat's trampolines cost before its hooks do
 * anything, as faultlat_floor (floor.c) is what an empty kretprobe costs.
 * Of faultlat it uses compat.h only, where the kernels' differences are.
 * Not a part of faultlat: it is built only for the benchmark.
 *
 * It keeps no count of the calls in flight (faultlat's own hooks do, in
 * the work the benchmark measures over this floor): unloading it while a
 * task sleeps inside a traced function would let that task return into
 * freed text.  bench/guest.sh unloads it between workload runs, with
 * nothing else faulting; it is loaded nowhere else.
 */
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/static_call.h>

#include "compat.h"
#include "dfloor.h"

static bool tlb;
module_param(tlb, bool, 0444);
MODULE_PARM_DESC(tlb, "also the TLB-flush functions faultlat traces (default 0)");

/* handle_mm_fault()'s C half, with its prototype, as fl_dcall_fault() */
DEFINE_STATIC_CALL_NULL(dfloor_body_fault, dfloor_fault_fn);

notrace vm_fault_t dfloor_dcall_fault(struct vm_area_struct *vma,
				      unsigned long address,
				      unsigned int flags, struct pt_regs *regs)
{
	return static_call(dfloor_body_fault)(vma, address, flags, regs);
}

static void dfloor_set_fault(unsigned long body)
{
	static_call_update(dfloor_body_fault, (dfloor_fault_fn *)body);
}

/* The others' C halves, six register arguments, as FL_DHOOKS() makes them */
#define DFLOOR_HALF(name)						\
	DEFINE_STATIC_CALL_NULL(dfloor_body_##name, dfloor_fn);		\
	notrace __no_stack_protector unsigned long			\
	dfloor_dcall_##name(unsigned long a0, unsigned long a1,		\
			    unsigned long a2, unsigned long a3,		\
			    unsigned long a4, unsigned long a5)		\
	{								\
		return static_call(dfloor_body_##name)(a0, a1, a2, a3,	\
						       a4, a5);		\
	}								\
	static void dfloor_set_##name(unsigned long body)		\
	{								\
		static_call_update(dfloor_body_##name, (dfloor_fn *)body); \
	}

DFLOOR_HALF(range)
DFLOOR_HALF(func)
DFLOOR_HALF(ipi0)
DFLOOR_HALF(ipi1)
DFLOOR_HALF(ipi2)
DFLOOR_HALF(ipi3)

/**
 * struct dfloor_site - one traced function
 * @sym: its name
 * @tramp: its trampoline
 * @set_body: points its C half's static call at the body
 * @tlb: attached with tlb=1 only, and only where the kernel has it
 * @ip: its fentry call, once attached
 * @ops: its direct call's ftrace_ops (6.4+: compat.h)
 */
struct dfloor_site {
	const char *sym;
	void (*tramp)(void);
	void (*set_body)(unsigned long body);
	bool tlb;
	unsigned long ip;
	struct ftrace_ops ops;
};

/* faultlat's sites (probes.c, tlb.c), in the same order */
static struct dfloor_site dfloor_sites[] = {
	{ "handle_mm_fault", dfloor_tramp_fault, dfloor_set_fault, false },
	{ "flush_tlb_mm_range", dfloor_tramp_range, dfloor_set_range, true },
	{ "flush_tlb_func", dfloor_tramp_func, dfloor_set_func, true },
	{ "native_flush_tlb_multi", dfloor_tramp_ipi0, dfloor_set_ipi0, true },
	{ "kvm_flush_tlb_multi", dfloor_tramp_ipi1, dfloor_set_ipi1, true },
	{ "hyperv_flush_tlb_multi", dfloor_tramp_ipi2, dfloor_set_ipi2, true },
	{ "xen_flush_tlb_multi", dfloor_tramp_ipi3, dfloor_set_ipi3, true },
};

/*
 * @sym's fentry call, as faultlat's direct.c finds it: a kprobe registered
 * disabled resolves the symbol, past an ENDBR, and says whether that is an
 * ftrace location.  0 when there is none.
 */
static unsigned long dfloor_fentry(const char *sym)
{
	struct kprobe kp = { .symbol_name = sym, .flags = KPROBE_FLAG_DISABLED };
	unsigned long ip = 0;

	if (register_kprobe(&kp))
		return 0;
	if (kp.flags & KPROBE_FLAG_FTRACE)
		ip = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return ip;
}

static void dfloor_detach_all(void)
{
	struct dfloor_site *s;
	int err;

	for (s = dfloor_sites; s < dfloor_sites + ARRAY_SIZE(dfloor_sites); s++) {
		if (!s->ip)
			continue;
		err = fl_unregister_ftrace_direct(&s->ops, s->ip,
						  (unsigned long)s->tramp);
		WARN_ONCE(err, "faultlat_dfloor: unregister %s: %d\n", s->sym,
			  err);
		s->ip = 0;
	}
	/* a task preempted in a trampoline is out of it after this */
	synchronize_rcu_tasks();
}

static int __init dfloor_init(void)
{
	struct dfloor_site *s;
	unsigned long ip;
	int err;

	if (!FL_HAVE_DIRECT) {
		pr_err("this kernel has no ftrace direct calls\n");
		return -EOPNOTSUPP;
	}
	for (s = dfloor_sites; s < dfloor_sites + ARRAY_SIZE(dfloor_sites); s++) {
		if (s->tlb && !tlb)
			continue;
		ip = dfloor_fentry(s->sym);
		if (!ip) {
			/* faultlat leaves out the IPI functions a kernel lacks */
			if (s->tlb)
				continue;
			pr_err("%s: no fentry call\n", s->sym);
			err = -ENOEXEC;
			goto fail;
		}
		/* before any call can reach the C half */
		s->set_body(ip + FL_FENTRY_SIZE);
		err = fl_register_ftrace_direct(&s->ops, ip,
						(unsigned long)s->tramp);
		if (err) {
			pr_err("%s: direct call: %d\n", s->sym, err);
			goto fail;
		}
		s->ip = ip;
		pr_info("%s: direct\n", s->sym);
	}
	return 0;

fail:
	dfloor_detach_all();
	return err;
}

static void __exit dfloor_exit(void)
{
	dfloor_detach_all();
}

module_init(dfloor_init);
module_exit(dfloor_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("faultlat benchmark: empty direct-call trampolines on handle_mm_fault");
