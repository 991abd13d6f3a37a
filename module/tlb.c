// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: TLB-flush latency, from the x86 flush paths.
 *
 * - Initiator: a kretprobe on flush_tlb_mm_range(), per task.  Its latency
 *   includes waiting for the remote CPUs.
 * - IPI wait: a kretprobe on each of the functions flush_tlb_multi() calls
 *   through pv_ops (native_flush_tlb_multi() on bare metal, under TCG and
 *   on the rt kernel; kvm_flush_tlb_multi() in KVM guests with PV TLB
 *   flush, which calls the native one for the CPUs still running; the
 *   Hyper-V and Xen ones).  flush_tlb_multi() itself is a wrapper that the
 *   compiler may inline, so we never attach there.  Only the outermost call
 *   on a CPU counts.
 * - Receiver: a kretprobe on flush_tlb_func(), which runs in hard-IRQ
 *   context on the remote CPUs (and with irqs off on the initiating CPU).
 * - The tlb:tlb_flush tracepoint, not exported to modules: counts per
 *   reason, attached by tracepoints.c.
 *
 * Writers: the initiator and IPI handlers run in task context with
 * preemption disabled and write the task's record and this CPU's
 * fl_tlb_task part; the receiver runs with irqs off and alone writes the
 * fl_tlb_irq part; the tracepoint's counters are this_cpu_inc()'d from any
 * context.  No handler sleeps or allocates.
 */
#include <linux/cpumask.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/moduleparam.h>
#include <asm/tlbflush.h>

#include "compat.h"
#include "faultlat.h"
#include "trace.h"

static bool fl_tlb_enable = true;
module_param_named(tlb, fl_tlb_enable, bool, 0444);
MODULE_PARM_DESC(tlb, "attach the TLB-flush probes (default 1)");

static unsigned long fl_tlb_ceiling = FL_TLB_CEILING_DEFAULT;
module_param_named(tlb_ceiling, fl_tlb_ceiling, ulong, 0444);
MODULE_PARM_DESC(tlb_ceiling,
		 "the kernel's tlb_single_page_flush_ceiling, which is not exported: a flush of more pages counts as full (default 33)");

/**
 * struct fl_tlb_pcpu - one CPU's TLB-flush totals
 * @gen: reset generation of @st, @ipi (task-context writers)
 * @st: flushes initiated on this CPU
 * @ipi: latency of outermost IPI function calls
 * @ipi_depth: IPI function calls in progress on this CPU
 * @ipi_task: the task of the last outermost IPI function call, for an
 *	initiator with no task record
 * @ipi_targets: its targets
 * @recv_gen: reset generation of the receiver's part
 * @recv: latency of remote flush_tlb_func() runs
 * @recv_remote: remote flush_tlb_func() runs
 * @recv_local: local flush_tlb_func() runs
 * @ipi_hits: outermost calls by IPI function (never reset)
 * @reasons: tlb:tlb_flush events by reason (never reset)
 * @reason_full: of those, full flushes
 * @reason_pages: pages of the others
 */
struct fl_tlb_pcpu {
	u32 gen;
	struct faultlat_tlb_stats st;
	struct faultlat_hist ipi;
	u32 ipi_depth;
	struct task_struct *ipi_task;
	u32 ipi_targets;
	u64 ipi_hits[FAULTLAT_TLB_NR_IPI_FNS];
	u32 recv_gen;
	struct faultlat_hist recv;
	u64 recv_remote;
	u64 recv_local;
	u64 reasons[FAULTLAT_TLB_NR_REASONS];
	u64 reason_full[FAULTLAT_TLB_NR_REASONS];
	u64 reason_pages[FAULTLAT_TLB_NR_REASONS];
};

static struct fl_tlb_pcpu __percpu *fl_tlb_pcpu;

/* This CPU's task-context part, zeroed if a reset happened since. */
static struct fl_tlb_pcpu *fl_tlb_task_part(void)
{
	struct fl_tlb_pcpu *pc = this_cpu_ptr(fl_tlb_pcpu);
	u32 gen = READ_ONCE(fl_gen);

	if (unlikely(pc->gen != gen)) {
		fl_tlb_stats_init(&pc->st);
		fl_hist_init(&pc->ipi);
		pc->gen = gen;
	}
	return pc;
}

/* Initiator: flush_tlb_mm_range(mm, start, end, stride_shift, freed_tables) */

/**
 * struct fl_range_call - per-instance data of flush_tlb_mm_range()
 * @start: entry time
 * @from: start of the range
 * @to: its end
 * @full: a whole-mm flush
 * @pages: pages of a ranged one
 * @reason: enum faultlat_tlb_event_reason
 */
struct fl_range_call {
	u64 start;
	unsigned long from;
	unsigned long to;
	bool full;
	u64 pages;
	u8 reason;
};

static int fl_range_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct fl_range_call *c = (struct fl_range_call *)ri->data;
	unsigned long start = regs_get_kernel_argument(regs, 1);
	unsigned long end = regs_get_kernel_argument(regs, 2);
	unsigned int stride = regs_get_kernel_argument(regs, 3);
	struct fl_tlb_pcpu *pc = this_cpu_ptr(fl_tlb_pcpu);
	struct fl_rec *r = fl_task_current();

	if (pc->ipi_task == current)
		pc->ipi_task = NULL;
	/* The same rule as flush_tlb_mm_range()'s own. */
	c->pages = end == TLB_FLUSH_ALL ? 0 : (end - start) >> stride;
	c->full = end == TLB_FLUSH_ALL ||
		  c->pages > fl_tlb_ceiling;
	c->reason = end == TLB_FLUSH_ALL ? FAULTLAT_TLB_EVENT_FULL :
		    c->full ? FAULTLAT_TLB_EVENT_CEILING :
		    FAULTLAT_TLB_EVENT_RANGE;
	c->from = start;
	c->to = end;
	if (r) {
		write_seqcount_begin(&r->seq);
		r->tlb_ipi = false;
		r->tlb_ipi_targets = 0;
		write_seqcount_end(&r->seq);
	}
	c->start = fl_now();
	return 0;
}

static int fl_range_return(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	struct fl_range_call *c = (struct fl_range_call *)ri->data;
	u64 ns = fl_elapsed(c->start, fl_now());
	struct fl_tlb_pcpu *pc = fl_tlb_task_part();
	struct fl_rec *r = fl_task_current();
	bool remote = false;
	u32 targets = 0;

	if (r) {
		write_seqcount_begin(&r->seq);
		remote = r->tlb_ipi;
		targets = r->tlb_ipi_targets;
		r->tlb_ipi = false;
		FL_HIST_RECORD(&r->tlb.flush, ns);
		if (c->full)
			r->tlb.full++;
		else
			r->tlb.ranged++;
		r->tlb.pages += c->full ? 0 : c->pages;
		if (remote)
			r->tlb.remote++;
		else
			r->tlb.local_only++;
		write_seqcount_end(&r->seq);
	} else if (pc->ipi_task == current) {
		/* No record: the IPI call this CPU saw last was ours. */
		remote = true;
		targets = pc->ipi_targets;
	}
	pc->ipi_task = NULL;
	FL_HIST_RECORD(&pc->st.flush, ns);
	if (c->full)
		pc->st.full++;
	else
		pc->st.ranged++;
	pc->st.pages += c->full ? 0 : c->pages;
	if (remote)
		pc->st.remote++;
	else
		pc->st.local_only++;

	if (trace_tlb_flush_enabled() && ns >= READ_ONCE(fl_min_latency_ns))
		trace_tlb_flush(current->pid, current->tgid, c->from, c->to,
				c->full ? 0 : c->pages, ns, targets, c->reason);
	return 0;
}

/* IPI wait: *_flush_tlb_multi(cpumask, info) */

/**
 * struct fl_ipi_call - per-instance data of an IPI function call
 * @start: entry time
 * @fn: enum faultlat_tlb_ipi_fn
 * @targets: other CPUs in the mask
 */
struct fl_ipi_call {
	u64 start;
	u32 fn;
	u32 targets;
};

/**
 * struct fl_tlb_probe - one TLB kretprobe
 * @rp: the kretprobe
 * @bit: its FAULTLAT_PROBE_* bit
 * @optional: a missing symbol is not an error
 * @registered: attached
 */
struct fl_tlb_probe {
	struct kretprobe rp;
	u32 bit;
	bool optional;
	bool registered;
};

static struct fl_tlb_probe fl_tlb_probes[];

static int fl_ipi_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct fl_ipi_call *c = (struct fl_ipi_call *)ri->data;
	const struct cpumask *mask = (void *)regs_get_kernel_argument(regs, 0);
	struct fl_tlb_pcpu *pc = this_cpu_ptr(fl_tlb_pcpu);
	struct kretprobe *rp = get_kretprobe(ri);

	/* Nested (kvm_flush_tlb_multi() calling the native one): skip. */
	if (pc->ipi_depth++)
		return 1;
	c->fn = container_of(rp, struct fl_tlb_probe, rp) - fl_tlb_probes;
	c->targets = cpumask_weight(mask) -
		     cpumask_test_cpu(smp_processor_id(), mask);
	c->start = fl_now();
	return 0;
}

static int fl_ipi_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct fl_ipi_call *c = (struct fl_ipi_call *)ri->data;
	u64 ns = fl_elapsed(c->start, fl_now());
	struct fl_tlb_pcpu *pc = fl_tlb_task_part();
	struct fl_rec *r = fl_task_current();

	pc->ipi_depth = 0;
	pc->ipi_task = current;
	pc->ipi_targets = c->targets;
	if (r) {
		write_seqcount_begin(&r->seq);
		r->tlb_ipi = true;
		r->tlb_ipi_targets = c->targets;
		r->tlb.ipis++;
		r->tlb.ipi_targets += c->targets;
		write_seqcount_end(&r->seq);
	}
	FL_HIST_RECORD(&pc->ipi, ns);
	pc->ipi_hits[c->fn]++;
	pc->st.ipis++;
	pc->st.ipi_targets += c->targets;
	return 0;
}

/* Receiver: flush_tlb_func(info), irqs off */

/**
 * struct fl_func_call - per-instance data of flush_tlb_func()
 * @start: entry time
 * @remote: asked by another CPU
 */
struct fl_func_call {
	u64 start;
	bool remote;
};

static int fl_func_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct fl_func_call *c = (struct fl_func_call *)ri->data;
	const struct fl_flush_tlb_info *f =
		(void *)regs_get_kernel_argument(regs, 0);

	/* As flush_tlb_func() decides it (and /proc/interrupts counts it). */
	c->remote = smp_processor_id() != f->initiating_cpu;
	c->start = fl_now();
	return 0;
}

static int fl_func_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct fl_func_call *c = (struct fl_func_call *)ri->data;
	u64 ns = fl_elapsed(c->start, fl_now());
	struct fl_tlb_pcpu *pc = this_cpu_ptr(fl_tlb_pcpu);
	u32 gen = READ_ONCE(fl_gen);

	if (unlikely(pc->recv_gen != gen)) {
		fl_hist_init(&pc->recv);
		pc->recv_remote = 0;
		pc->recv_local = 0;
		pc->recv_gen = gen;
	}
	if (c->remote) {
		pc->recv_remote++;
		FL_HIST_RECORD(&pc->recv, ns);
	} else {
		pc->recv_local++;
	}
	return 0;
}

/* The tlb:tlb_flush tracepoint, any context. */
void fl_tlb_on_flush_event(int reason, unsigned long pages)
{
	if (reason < 0 || reason >= FAULTLAT_TLB_NR_REASONS)
		return;
	this_cpu_inc(fl_tlb_pcpu->reasons[reason]);
	if (pages == TLB_FLUSH_ALL)
		this_cpu_inc(fl_tlb_pcpu->reason_full[reason]);
	else
		this_cpu_add(fl_tlb_pcpu->reason_pages[reason], pages);
}

NOKPROBE_SYMBOL(fl_range_entry);
NOKPROBE_SYMBOL(fl_range_return);
NOKPROBE_SYMBOL(fl_ipi_entry);
NOKPROBE_SYMBOL(fl_ipi_return);
NOKPROBE_SYMBOL(fl_func_entry);
NOKPROBE_SYMBOL(fl_func_return);
NOKPROBE_SYMBOL(fl_tlb_on_flush_event);

#define FL_TLB_PROBE(sym, entry, ret, type, b, opt)			\
	{ .rp = { .kp.symbol_name = sym, .entry_handler = entry,	\
		  .handler = ret, .data_size = sizeof(struct type) },	\
	  .bit = b, .optional = opt }

/* The IPI functions first, in enum faultlat_tlb_ipi_fn order. */
#define FL_TLB_FUNC	FAULTLAT_TLB_NR_IPI_FNS
static struct fl_tlb_probe fl_tlb_probes[] = {
	FL_TLB_PROBE("native_flush_tlb_multi", fl_ipi_entry, fl_ipi_return,
		     fl_ipi_call, FAULTLAT_PROBE_TLB_IPI_FN(0), true),
	FL_TLB_PROBE("kvm_flush_tlb_multi", fl_ipi_entry, fl_ipi_return,
		     fl_ipi_call, FAULTLAT_PROBE_TLB_IPI_FN(1), true),
	FL_TLB_PROBE("hyperv_flush_tlb_multi", fl_ipi_entry, fl_ipi_return,
		     fl_ipi_call, FAULTLAT_PROBE_TLB_IPI_FN(2), true),
	FL_TLB_PROBE("xen_flush_tlb_multi", fl_ipi_entry, fl_ipi_return,
		     fl_ipi_call, FAULTLAT_PROBE_TLB_IPI_FN(3), true),
	FL_TLB_PROBE("flush_tlb_func", fl_func_entry, fl_func_return,
		     fl_func_call, FAULTLAT_PROBE_TLB_FUNC, false),
	FL_TLB_PROBE("flush_tlb_mm_range", fl_range_entry, fl_range_return,
		     fl_range_call, FAULTLAT_PROBE_TLB_RANGE, false),
};

const char *fl_tlb_ipi_name(unsigned int i)
{
	return i < FAULTLAT_TLB_NR_IPI_FNS ?
	       fl_tlb_probes[i].rp.kp.symbol_name : "?";
}

void fl_tlb_ipi_hits(u64 hits[FAULTLAT_TLB_NR_IPI_FNS])
{
	unsigned int i;
	int cpu;

	memset(hits, 0, sizeof(u64) * FAULTLAT_TLB_NR_IPI_FNS);
	for_each_possible_cpu(cpu)
		for (i = 0; i < FAULTLAT_TLB_NR_IPI_FNS; i++)
			hits[i] += READ_ONCE(per_cpu_ptr(fl_tlb_pcpu, cpu)->ipi_hits[i]);
}

u32 fl_tlb_probes_mask(void)
{
	u32 mask = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fl_tlb_probes); i++)
		if (fl_tlb_probes[i].registered)
			mask |= fl_tlb_probes[i].bit;
	if (fl_tracepoint_attached("tlb_flush"))
		mask |= FAULTLAT_PROBE_TLB_TRACE;
	return mask;
}

static u64 fl_tlb_probe_nmissed(const struct fl_tlb_probe *p)
{
	return p->registered ? p->rp.nmissed + p->rp.kp.nmissed : 0;
}

u64 fl_tlb_nmissed(void)
{
	unsigned int i;
	u64 n = 0;

	for (i = 0; i < ARRAY_SIZE(fl_tlb_probes); i++)
		n += fl_tlb_probe_nmissed(&fl_tlb_probes[i]);
	return n;
}

/**
 * fl_tlb_global_read() - sum the per-CPU TLB totals
 * @g: where they go (the caller's cpus array is not touched)
 */
void fl_tlb_global_read(struct faultlat_tlb_global *g)
{
	u32 gen = READ_ONCE(fl_gen);
	unsigned int i;
	int cpu;

	g->nmissed = fl_tlb_nmissed();
	g->received_nmissed = fl_tlb_probe_nmissed(&fl_tlb_probes[FL_TLB_FUNC]);
	fl_tlb_stats_init(&g->stats);
	fl_hist_init(&g->ipi);
	fl_hist_init(&g->received);
	g->received_remote = 0;
	g->received_local = 0;
	memset(g->reasons, 0, sizeof(g->reasons));
	memset(g->reason_full, 0, sizeof(g->reason_full));
	memset(g->reason_pages, 0, sizeof(g->reason_pages));
	for_each_possible_cpu(cpu) {
		struct fl_tlb_pcpu *pc = per_cpu_ptr(fl_tlb_pcpu, cpu);

		if (READ_ONCE(pc->gen) == gen) {
			fl_tlb_stats_add(&g->stats, &pc->st);
			fl_hist_add_hist(&g->ipi, &pc->ipi);
		}
		if (READ_ONCE(pc->recv_gen) == gen) {
			fl_hist_add_hist(&g->received, &pc->recv);
			g->received_remote += READ_ONCE(pc->recv_remote);
			g->received_local += READ_ONCE(pc->recv_local);
		}
		for (i = 0; i < FAULTLAT_TLB_NR_REASONS; i++) {
			g->reasons[i] += READ_ONCE(pc->reasons[i]);
			g->reason_full[i] += READ_ONCE(pc->reason_full[i]);
			g->reason_pages[i] += READ_ONCE(pc->reason_pages[i]);
		}
	}
	fl_tlb_stats_finish(&g->stats);
	fl_hist_finish(&g->ipi);
	fl_hist_finish(&g->received);
}

/**
 * fl_tlb_cpu_read() - one CPU's received flushes
 * @cpu: the CPU
 * @c: where they go
 */
void fl_tlb_cpu_read(int cpu, struct faultlat_tlb_cpu *c)
{
	struct fl_tlb_pcpu *pc = per_cpu_ptr(fl_tlb_pcpu, cpu);

	memset(c, 0, sizeof(*c));
	c->cpu = cpu;
	fl_hist_init(&c->received);
	if (READ_ONCE(pc->recv_gen) == READ_ONCE(fl_gen)) {
		c->received_remote = READ_ONCE(pc->recv_remote);
		c->received_local = READ_ONCE(pc->recv_local);
		fl_hist_add_hist(&c->received, &pc->recv);
	}
	fl_hist_finish(&c->received);
}

/* The per-CPU totals: allocated before the tlb_flush tracepoint is attached. */
int fl_tlb_alloc(void)
{
	int cpu;

	fl_tlb_pcpu = alloc_percpu(struct fl_tlb_pcpu);
	if (!fl_tlb_pcpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct fl_tlb_pcpu *pc = per_cpu_ptr(fl_tlb_pcpu, cpu);

		fl_tlb_stats_init(&pc->st);
		fl_hist_init(&pc->ipi);
		fl_hist_init(&pc->recv);
	}
	return 0;
}

/* ... and freed after it is detached. */
void fl_tlb_free(void)
{
	free_percpu(fl_tlb_pcpu);
	fl_tlb_pcpu = NULL;
}

/* Module parameter tlb: attach the TLB probes and tracepoint at all. */
bool fl_tlb_wanted(void)
{
	return fl_tlb_enable;
}

int fl_tlb_init(void)
{
	unsigned int i;
	int err;

	if (!fl_tlb_enable)
		return 0;
	for (i = 0; i < ARRAY_SIZE(fl_tlb_probes); i++) {
		struct fl_tlb_probe *p = &fl_tlb_probes[i];

		/* Every CPU may be inside one of these at once, twice. */
		p->rp.maxactive = max_t(int, 64, 4 * num_possible_cpus());
		err = register_kretprobe(&p->rp);
		if (err && p->optional) {
			pr_debug("faultlat: %s not attached: %d\n",
				 p->rp.kp.symbol_name, err);
			continue;
		}
		if (err) {
			pr_err("faultlat: kretprobe on %s: %d\n",
			       p->rp.kp.symbol_name, err);
			fl_tlb_exit();
			return err;
		}
		p->registered = true;
	}
	return 0;
}

/* As fl_probes_exit(): no handler runs once this returns. */
void fl_tlb_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fl_tlb_probes); i++) {
		struct fl_tlb_probe *p = &fl_tlb_probes[i];

		if (p->registered)
			unregister_kretprobe(&p->rp);
		p->registered = false;
	}
}
