// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: the kretprobe on handle_mm_fault().
 *
 * The entry handler takes the time and reads the fault's dimensions from
 * the vma and flags while the vma is certainly alive (after the call,
 * VM_FAULT_RETRY and VM_FAULT_COMPLETED mean the mmap lock was dropped).
 * The return handler classifies the call exactly as 6.1's
 * mm_account_fault() does and records it in the task's record and in this
 * CPU's global totals.  Both run with preemption disabled; they neither
 * sleep nor allocate.
 */
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/hugetlb.h>
#include <linux/shmem_fs.h>
#include <linux/percpu.h>
#include <linux/moduleparam.h>
#include <linux/delay.h>
#include <linux/jiffies.h>

#include "compat.h"
#include "faultlat.h"
#include "trace.h"

/* handle_mm_fault() calls between our entry and return handlers */
static DEFINE_PER_CPU(long, fl_inflight);

unsigned int fl_maxactive = 512;
u64 fl_min_latency_ns;
module_param_named(maxactive, fl_maxactive, uint, 0444);
MODULE_PARM_DESC(maxactive,
		 "faults that may be in flight at once, sleeping ones included (16-65536, default 512)");

/**
 * struct fl_call - per-instance data of one handle_mm_fault() call
 * @start: entry time
 * @address: the faulting address
 * @flags: the fault flags
 * @s: the dimensions, filled at entry
 */
struct fl_call {
	u64 start;
	unsigned long address;
	unsigned int flags;
	struct fl_sample s;
};

static u8 fl_kind(struct vm_area_struct *vma)
{
	struct file *file = vma->vm_file;

	if (is_vm_hugetlb_page(vma))
		return FAULTLAT_KIND_HUGETLB;
	if (!file)
		return FAULTLAT_KIND_ANON;
	if (file->f_mapping && shmem_mapping(file->f_mapping))
		return FAULTLAT_KIND_SHMEM;
	return FAULTLAT_KIND_FILE;
}

static int fl_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct fl_call *c = (struct fl_call *)ri->data;
	struct vm_area_struct *vma = FL_ARG_VMA(regs);
	unsigned int flags = FL_ARG_FLAGS(regs);

	c->flags = flags;
	c->address = FL_ARG_ADDRESS(regs);
	c->s.mode = (flags & FAULT_FLAG_USER) ? FAULTLAT_MODE_USER :
						FAULTLAT_MODE_KERNEL;
	if (flags & FAULT_FLAG_INSTRUCTION)
		c->s.access = FAULTLAT_ACCESS_EXEC;
	else if (flags & FAULT_FLAG_WRITE)
		c->s.access = FAULTLAT_ACCESS_WRITE;
	else
		c->s.access = FAULTLAT_ACCESS_READ;
	c->s.kind = fl_kind(vma);
	c->s.no_regs = !FL_ARG_REGS(regs);
	this_cpu_inc(fl_inflight);
	c->start = fl_now();
	return 0;
}

NOKPROBE_SYMBOL(fl_entry);

static int fl_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct fl_call *c = (struct fl_call *)ri->data;
	vm_fault_t ret = (__force vm_fault_t)regs_return_value(regs);
	u64 now = fl_now(), start = c->start;
	struct fl_pcpu *pc = fl_pcpu_get();
	struct fl_rec *r = fl_task_current();
	bool abandoned = false, tried = c->flags & FAULT_FLAG_TRIED;
	enum { DONE, RETRY, ERROR } outcome;
	u32 attempts = 1;

	this_cpu_dec(fl_inflight);

	if (ret & VM_FAULT_ERROR)
		outcome = ERROR;
	else if (ret & VM_FAULT_RETRY)
		outcome = RETRY;
	else
		outcome = DONE;

	/* As mm_account_fault(): a retried fault that completes is major. */
	c->s.class = ((ret & VM_FAULT_MAJOR) || tried) ? FAULTLAT_MAJOR :
							 FAULTLAT_MINOR;

	if (r) {
		write_seqcount_begin(&r->seq);
		/*
		 * A retry is followed by a call with FAULT_FLAG_TRIED; any
		 * other call means the retried fault was given up on.
		 */
		if (r->retry_pending) {
			if (tried) {
				start = r->retry_start;
				attempts += r->retry_calls;
			} else {
				abandoned = true;
			}
		}
		r->retry_pending = outcome == RETRY;
		if (outcome == RETRY) {
			r->retry_start = start;
			r->retry_calls = attempts;
		}
		c->s.lat_ns = fl_elapsed(start, now);

		r->st.calls++;
		r->st.abandoned += abandoned;
		if (outcome == ERROR)
			r->st.errors++;
		else if (outcome == RETRY)
			r->st.retries++;
		else
			fl_tstats_record(&r->st, &c->s);
		write_seqcount_end(&r->seq);
	} else {
		c->s.lat_ns = fl_elapsed(start, now);
		pc->dropped++;
	}

	pc->st.calls++;
	pc->st.abandoned += abandoned;
	if (outcome == ERROR)
		pc->st.errors++;
	else if (outcome == RETRY)
		pc->st.retries++;
	else
		fl_stats_record(&pc->st, &c->s);

	if (trace_fault_enabled() && outcome != RETRY &&
	    c->s.lat_ns >= READ_ONCE(fl_min_latency_ns))
		trace_fault(current->pid, current->tgid,
			    c->address < TASK_SIZE_MAX ? c->address & PAGE_MASK : 0,
			    c->s.lat_ns, (__force u32)ret, attempts,
			    outcome == ERROR ? FAULTLAT_EVENT_ERROR :
			    c->s.class == FAULTLAT_MAJOR ? FAULTLAT_EVENT_MAJOR :
			    FAULTLAT_EVENT_MINOR,
			    c->s.mode, c->s.kind, c->s.access);
	return 0;
}

NOKPROBE_SYMBOL(fl_return);

static struct kretprobe fl_fault_probe = {
	.kp.symbol_name = "handle_mm_fault",
	.entry_handler = fl_entry,
	.handler = fl_return,
	.data_size = sizeof(struct fl_call),
};

static bool fl_fault_registered;

int fl_probes_init(void)
{
	int err;

	fl_fault_probe.maxactive = fl_maxactive;
	err = register_kretprobe(&fl_fault_probe);
	if (err) {
		pr_err("faultlat: kretprobe on handle_mm_fault: %d\n", err);
		return err;
	}
	fl_fault_registered = true;
	return 0;
}

static long fl_probes_inflight(void)
{
	long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu(fl_inflight, cpu);
	return n;
}

/*
 * Stop new entries first, then let the calls in flight return through our
 * handler (a fault may sleep: wait up to FL_DRAIN_MS), then unregister:
 * unregister_kretprobe() waits (synchronize_rcu()) until no handler runs,
 * and a call still in flight after the wait returns through the kernel's
 * own trampoline without reaching our handlers.
 */
#define FL_DRAIN_MS	2000

void fl_probes_exit(void)
{
	unsigned long until = jiffies + msecs_to_jiffies(FL_DRAIN_MS);

	if (!fl_fault_registered)
		return;
	disable_kretprobe(&fl_fault_probe);
	synchronize_rcu();
	while (fl_probes_inflight() > 0 && time_before(jiffies, until))
		msleep(20);
	unregister_kretprobe(&fl_fault_probe);
	fl_fault_registered = false;
}

u64 fl_probes_nmissed(void)
{
	return fl_fault_probe.nmissed + fl_fault_probe.kp.nmissed;
}

u32 fl_probes_mask(void)
{
	return fl_fault_registered ? FAULTLAT_PROBE_FAULT : 0;
}
