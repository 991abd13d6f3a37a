// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: the fault site, handle_mm_fault().
 *
 * The entry hook takes the time and reads the fault's dimensions from the
 * vma and flags while the vma is certainly alive (after the call,
 * VM_FAULT_RETRY and VM_FAULT_COMPLETED mean the mmap lock was dropped).
 * The return hook classifies the call exactly as 6.1's mm_account_fault()
 * does and records it in the task's record and in this CPU's global
 * totals.  Both run with preemption disabled, attached directly or by a
 * kretprobe (attach.c); they neither sleep nor allocate.
 */
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/hugetlb.h>
#include <linux/shmem_fs.h>
#include <linux/moduleparam.h>

#include "compat.h"
#include "direct.h"
#include "faultlat.h"
#include "trace.h"

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

/* handle_mm_fault(vma, address, flags, regs) */
static bool fl_fault_enter(const struct fl_site *site, void *data,
			   const unsigned long *args, struct fl_rec *r)
{
	struct fl_call *c = data;
	struct vm_area_struct *vma = (struct vm_area_struct *)args[0];
	unsigned int flags = args[2];

	c->flags = flags;
	c->address = args[1];
	c->s.mode = (flags & FAULT_FLAG_USER) ? FAULTLAT_MODE_USER :
						FAULTLAT_MODE_KERNEL;
	if (flags & FAULT_FLAG_INSTRUCTION)
		c->s.access = FAULTLAT_ACCESS_EXEC;
	else if (flags & FAULT_FLAG_WRITE)
		c->s.access = FAULTLAT_ACCESS_WRITE;
	else
		c->s.access = FAULTLAT_ACCESS_READ;
	c->s.kind = fl_kind(vma);
	c->s.no_regs = !args[3];
	c->start = fl_now();
	return true;
}

NOKPROBE_SYMBOL(fl_fault_enter);

static void fl_fault_leave(const struct fl_site *site, void *data,
			   unsigned long retval, struct fl_rec *r)
{
	struct fl_call *c = data;
	vm_fault_t ret = (__force vm_fault_t)retval;
	u64 now = fl_now(), start = c->start;
	struct fl_pcpu *pc = fl_pcpu_get();
	bool abandoned = false, tried = c->flags & FAULT_FLAG_TRIED;
	enum { DONE, RETRY, ERROR } outcome;
	u32 attempts = 1;

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
		fl_task_fresh(r);
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
}

NOKPROBE_SYMBOL(fl_fault_leave);

static_assert(sizeof(struct fl_call) <= FL_SITE_DATA_WORDS * sizeof(u64));
typedef vm_fault_t (*fl_fault_proto)(struct vm_area_struct *, unsigned long,
				     unsigned int, struct pt_regs *);
static_assert(__same_type(&handle_mm_fault, fl_fault_proto));

struct fl_site fl_site_fault = {
	.sym = "handle_mm_fault",
	.id = FL_SITE_FAULT,
	.bit = FAULTLAT_PROBE_FAULT,
	.nargs = 4,
	.task = true,
	.enter = fl_fault_enter,
	.leave = fl_fault_leave,
};

FL_DHOOKS(fault, fault, fl_fault_enter, fl_fault_leave)
