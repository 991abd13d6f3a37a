// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: ftrace direct-call trampolines, the fast path.
 *
 * A site attached directly has its fentry call patched by ftrace to call
 * our trampoline (tramp.S), which calls the hooks below around the
 * function's body.  No breakpoint, no kretprobe instance, no pt_regs: the
 * cost is a few dozen instructions over the hooks' own work, against
 * about 400 for a kretprobe.
 *
 * The price is that a call in flight returns into our trampoline, module
 * text, so the module must not go while one is in flight:
 *
 *  - the hooks count calls in flight: in the calling thread's record
 *    (r->dcalls), which the thread keeps as long as it runs, or per CPU
 *    (fl_d_inflight) for a call without one (an interrupt, a thread the
 *    full table has no record for);
 *  - a thread that blocks inside a traced function (sched_switch with a
 *    sleeping state, e.g. a major fault waiting for I/O or a userfaultfd
 *    fault not served yet) takes a module reference, which it drops when
 *    the call returns: delete_module() then fails (EAGAIN, "in use")
 *    instead of waiting.  The reference is taken only then, through the
 *    thread's record (r->dcalls, r->dheld): a reference per call would
 *    write the module's refcount, one cache line for all CPUs, per fault.
 *    A thread with no record (the table is full) has each of its calls
 *    hold a reference from entry to return instead (FL_DC_HELD);
 *  - on unload (fl_direct_drain()), after the direct calls are removed:
 *    synchronize_rcu_tasks() (a task preempted in a trampoline's first
 *    instructions, before the count, is not in an RCU-tasks quiescent
 *    state), then wait for the count to reach zero (only a call that
 *    blocked during the unload itself can keep it up for long: we say so
 *    every 5 s), then synchronize_rcu_tasks() again for the trampoline's
 *    last instructions after the count.
 *
 * An RCU-tasks grace period alone would not do: a task sleeping
 * voluntarily inside the body is in a quiescent state.
 */
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/static_call.h>

#include "compat.h"
#include "direct.h"
#include "faultlat.h"

/*
 * The bodies the C halves call (direct.h), set when their site is
 * attached; never called before.
 */
DEFINE_STATIC_CALL_NULL(fl_body_fault, fl_fault_fn);
DEFINE_STATIC_CALL_NULL(fl_body_range, fl_body_fn);
DEFINE_STATIC_CALL_NULL(fl_body_func, fl_body_fn);
DEFINE_STATIC_CALL_NULL(fl_body_ipi0, fl_body_fn);
DEFINE_STATIC_CALL_NULL(fl_body_ipi1, fl_body_fn);
DEFINE_STATIC_CALL_NULL(fl_body_ipi2, fl_body_fn);
DEFINE_STATIC_CALL_NULL(fl_body_ipi3, fl_body_fn);

/* direct-traced calls between entry and return hooks (direct.h) */
DEFINE_PER_CPU(long, fl_d_inflight);

/* the ftrace_ops of each site's direct call (6.4+: compat.h) */
static struct ftrace_ops fl_direct_ops[FL_NR_SITES];

/* any site is attached directly: sched_switch watches for blocking */
static bool fl_d_active;

static void (* const fl_tramps[FL_NR_SITES])(void) = {
	[FL_SITE_FAULT] = fl_tramp_fault,
	[FL_SITE_TLB_RANGE] = fl_tramp_tlb_range,
	[FL_SITE_TLB_FUNC] = fl_tramp_tlb_func,
	[FL_SITE_TLB_IPI0 + 0] = fl_tramp_tlb_ipi0,
	[FL_SITE_TLB_IPI0 + 1] = fl_tramp_tlb_ipi1,
	[FL_SITE_TLB_IPI0 + 2] = fl_tramp_tlb_ipi2,
	[FL_SITE_TLB_IPI0 + 3] = fl_tramp_tlb_ipi3,
};

/*
 * sched_switch, prev being current: a thread that blocks inside a
 * direct-traced function holds the module until the call returns.
 */
void fl_direct_on_switch(bool preempt, unsigned int prev_state)
{
	struct fl_rec *r;

	if (!READ_ONCE(fl_d_active) || preempt || prev_state == TASK_RUNNING)
		return;
	r = fl_task_find_current();
	if (r && r->dcalls && !r->dheld && try_module_get(THIS_MODULE))
		r->dheld = true;
}

/*
 * The exit half of a direct-traced call of a thread that holds the module
 * (above): the last of its calls in flight lets go.  Out of line: the
 * common exit tests the flag alone.
 */
notrace void fl_direct_unhold(struct fl_rec *r)
{
	if (!r->dcalls) {
		r->dheld = false;
		module_put(THIS_MODULE);
	}
}

NOKPROBE_SYMBOL(fl_direct_unhold);

bool fl_direct_wanted(void)
{
	return FL_HAVE_DIRECT && fl_probe_mode != FL_MODE_KPROBE;
}

const char *fl_direct_why(u32 err)
{
	switch (err) {
	case 0:
		return "direct call";
	case FAULTLAT_DIRECT_EFORCED:
		return "probe_mode=kprobe";
	case EOPNOTSUPP:
		return "the kernel has no ftrace direct calls";
	case EBUSY:
		return "another direct trampoline is attached (BPF fentry/fexit: bpftrace kfunc?)";
	case ENOENT:
		return "no such function in this kernel";
	case ENOEXEC:
		return "no fentry call at the function's entry";
	case ENODEV:
		return "ftrace does not trace this function";
	case E2BIG:
		return "more than six register arguments";
	default:
		return "register_ftrace_direct() failed";
	}
}

/**
 * fl_direct_lookup() - every site's fentry call, by name
 *
 * kallsyms_lookup_name() and ftrace_location() are not exported.  A kprobe
 * registered disabled resolves its symbol without arming anything (no
 * text patching), and finds the fentry call as ftrace would: it puts a
 * probe on a function's entry after the function's ENDBR where the kernel
 * has IBT (arch_adjust_kprobe_addr(): the ENDBR, or the 4-byte NOP it
 * becomes where boot sealed it, is not the entry's instruction), and flags
 * it KPROBE_FLAG_FTRACE when that is exactly an ftrace location
 * (check_ftrace_location(): ftrace_location(addr) == addr), the fentry
 * call's address.  So the site is never assumed at +0 or +4.
 * Unregistering them all at once costs one RCU grace period, not one per
 * site: loading faster matters to whoever reloads the module in a loop.
 */
void fl_direct_lookup(void)
{
	static struct kprobe kps[FL_NR_SITES];
	struct kprobe *list[FL_NR_SITES];
	unsigned int i, n = 0;

	for (i = 0; i < FL_NR_SITES; i++) {
		memset(&kps[i], 0, sizeof(kps[i]));
		kps[i].symbol_name = fl_sites[i]->sym;
		kps[i].flags = KPROBE_FLAG_DISABLED;
		fl_sites[i]->addr = 0;
		fl_sites[i]->fentry = false;
		if (register_kprobe(&kps[i]))
			continue;
		fl_sites[i]->addr = (unsigned long)kps[i].addr;
		fl_sites[i]->fentry = kps[i].flags & KPROBE_FLAG_FTRACE;
		list[n++] = &kps[i];
	}
	if (n)
		unregister_kprobes(list, n);
}

/*
 * Site @id's body is at @body, just after its fentry call: patch its C
 * half's calls to call it directly.  No ENDBR there, so no indirect call
 * may reach it where the CPU enforces IBT; a direct call needs none.
 */
static void fl_direct_set_body(unsigned int id, unsigned long body)
{
	/* a case per site */
	BUILD_BUG_ON(FAULTLAT_TLB_NR_IPI_FNS != 4);
	switch (id) {
	case FL_SITE_FAULT:
		static_call_update(fl_body_fault, (fl_fault_fn *)body);
		break;
	case FL_SITE_TLB_RANGE:
		static_call_update(fl_body_range, (fl_body_fn *)body);
		break;
	case FL_SITE_TLB_FUNC:
		static_call_update(fl_body_func, (fl_body_fn *)body);
		break;
	case FL_SITE_TLB_IPI0:
		static_call_update(fl_body_ipi0, (fl_body_fn *)body);
		break;
	case FL_SITE_TLB_IPI0 + 1:
		static_call_update(fl_body_ipi1, (fl_body_fn *)body);
		break;
	case FL_SITE_TLB_IPI0 + 2:
		static_call_update(fl_body_ipi2, (fl_body_fn *)body);
		break;
	case FL_SITE_TLB_IPI0 + 3:
		static_call_update(fl_body_ipi3, (fl_body_fn *)body);
		break;
	}
}

/**
 * fl_direct_attach() - attach site @s through its direct trampoline
 * @s: the site
 *
 * Return: 0, or why not as a negative errno (see fl_direct_why()).
 */
int fl_direct_attach(struct fl_site *s)
{
	int err;

	if (!FL_HAVE_DIRECT)
		return -EOPNOTSUPP;
	if (s->nargs > 6)
		return -E2BIG;
	if (!s->addr)	/* fl_direct_lookup() found none */
		return -ENOENT;
	/* ftrace's own word: ftrace_location() is the kprobe's address */
	if (!s->fentry)
		return -ENOEXEC;
	/* before any call can reach the C half */
	fl_direct_set_body(s->id, s->addr + FL_FENTRY_SIZE);
	WRITE_ONCE(fl_d_active, true);
	err = fl_register_ftrace_direct(&fl_direct_ops[s->id], s->addr,
					(unsigned long)fl_tramps[s->id]);
	return err;
}

/* Remove the direct call of @s: no new call enters its trampoline. */
void fl_direct_detach(struct fl_site *s)
{
	int err = fl_unregister_ftrace_direct(&fl_direct_ops[s->id], s->addr,
					      (unsigned long)fl_tramps[s->id]);

	WARN_ONCE(err, "faultlat: unregister_ftrace_direct(%s): %d\n", s->sym,
		  err);
}

/* After fl_direct_detach() of every direct site: wait for the calls. */
void fl_direct_drain(void)
{
	unsigned long next = jiffies + 5 * HZ;
	long n;
	int cpu;

	synchronize_rcu_tasks();
	for (;;) {
		n = fl_tasks_dcalls();
		for_each_possible_cpu(cpu)
			n += per_cpu(fl_d_inflight, cpu);
		if (n <= 0)
			break;
		if (time_after(jiffies, next)) {
			pr_warn("unload waits for %ld direct-traced calls still in flight (a task blocked in a fault?)\n",
				n);
			next = jiffies + 5 * HZ;
		}
		msleep(20);
	}
	synchronize_rcu_tasks();
	WRITE_ONCE(fl_d_active, false);
}
