// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: TLB-flush latency, from the x86 flush paths.
 *
 * - Initiator: flush_tlb_mm_range(), per task.  Its latency
 *   includes waiting for the remote CPUs.
 * - IPI wait: each of the functions flush_tlb_multi() calls
 *   through pv_ops (native_flush_tlb_multi() on bare metal, under TCG and
 *   on the rt kernel; kvm_flush_tlb_multi() in KVM guests with PV TLB
 *   flush, which calls the native one for the CPUs still running; the
 *   Hyper-V and Xen ones).  flush_tlb_multi() itself is a wrapper that the
 *   compiler may inline, so we never attach there.  Only the outermost call
 *   on a CPU counts.
 * - Receiver: flush_tlb_func(), which runs in hard-IRQ context on the
 *   remote CPUs (and with irqs off on the initiating CPU).
 * - The tlb:tlb_flush tracepoint, not exported to modules: counts per
 *   reason, attached by tracepoints.c.
 *
 * The functions are sites of attach.c, traced directly or by kretprobes.
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
#include "direct.h"
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

static bool fl_range_enter(const struct fl_site *site, void *data,
			   const unsigned long *args, struct fl_rec *r)
{
	struct fl_range_call *c = data;
	unsigned long start = args[1];
	unsigned long end = args[2];
	unsigned int stride = args[3];
	struct fl_tlb_pcpu *pc = this_cpu_ptr(fl_tlb_pcpu);

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
	return true;
}

static void fl_range_leave(const struct fl_site *site, void *data,
			   unsigned long ret, struct fl_rec *r)
{
	struct fl_range_call *c = data;
	u64 ns = fl_elapsed(c->start, fl_now());
	struct fl_tlb_pcpu *pc = fl_tlb_task_part();
	bool remote = false;
	u32 targets = 0;

	if (r) {
		fl_task_fresh(r);
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

static bool fl_ipi_enter(const struct fl_site *site, void *data,
			 const unsigned long *args, struct fl_rec *r)
{
	struct fl_ipi_call *c = data;
	const struct cpumask *mask = (void *)args[0];
	struct fl_tlb_pcpu *pc = this_cpu_ptr(fl_tlb_pcpu);

	/* Nested (kvm_flush_tlb_multi() calling the native one): skip. */
	if (pc->ipi_depth++)
		return false;
	c->fn = site->id - FL_SITE_TLB_IPI0;
	c->targets = cpumask_weight(mask) -
		     cpumask_test_cpu(smp_processor_id(), mask);
	c->start = fl_now();
	return true;
}

static void fl_ipi_leave(const struct fl_site *site, void *data,
			 unsigned long ret, struct fl_rec *r)
{
	struct fl_ipi_call *c = data;
	u64 ns = fl_elapsed(c->start, fl_now());
	struct fl_tlb_pcpu *pc = fl_tlb_task_part();

	pc->ipi_depth = 0;
	pc->ipi_task = current;
	pc->ipi_targets = c->targets;
	if (r) {
		fl_task_fresh(r);
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

static bool fl_func_enter(const struct fl_site *site, void *data,
			  const unsigned long *args, struct fl_rec *r)
{
	struct fl_func_call *c = data;
	const struct fl_flush_tlb_info *f = (void *)args[0];

	/* As flush_tlb_func() decides it (and /proc/interrupts counts it). */
	c->remote = smp_processor_id() != f->initiating_cpu;
	c->start = fl_now();
	return true;
}

static void fl_func_leave(const struct fl_site *site, void *data,
			  unsigned long ret, struct fl_rec *r)
{
	struct fl_func_call *c = data;
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

NOKPROBE_SYMBOL(fl_range_enter);
NOKPROBE_SYMBOL(fl_range_leave);
NOKPROBE_SYMBOL(fl_ipi_enter);
NOKPROBE_SYMBOL(fl_ipi_leave);
NOKPROBE_SYMBOL(fl_func_enter);
NOKPROBE_SYMBOL(fl_func_leave);
NOKPROBE_SYMBOL(fl_tlb_on_flush_event);

static_assert(sizeof(struct fl_range_call) <= FL_SITE_DATA_WORDS * sizeof(u64));
static_assert(sizeof(struct fl_ipi_call) <= FL_SITE_DATA_WORDS * sizeof(u64));
static_assert(sizeof(struct fl_func_call) <= FL_SITE_DATA_WORDS * sizeof(u64));
/*
 * The prototypes, as in 6.1 (asm/tlbflush.h hides them from modules):
 * flush_tlb_mm_range(mm, start, end, stride_shift, freed_tables),
 * flush_tlb_func(info), native_flush_tlb_multi(cpumask, info).
 */
struct fl_site fl_site_tlb_range = {
	.sym = "flush_tlb_mm_range", .id = FL_SITE_TLB_RANGE,
	.bit = FAULTLAT_PROBE_TLB_RANGE, .nargs = 5, .task = true,
	.enter = fl_range_enter, .leave = fl_range_leave,
};

/* flush_tlb_func(void *info): static, prototype as in 6.1 */
struct fl_site fl_site_tlb_func = {
	.sym = "flush_tlb_func", .id = FL_SITE_TLB_FUNC,
	.bit = FAULTLAT_PROBE_TLB_FUNC, .nargs = 1,
	.enter = fl_func_enter, .leave = fl_func_leave,
};

/*
 * (cpumask, info), as native_flush_tlb_multi(); in enum faultlat_tlb_ipi_fn
 * order.  Only the native one is there on every kernel.
 */
#define FL_IPI_SITE(name, site, probe_bit)				\
	{ .sym = name, .id = site, .bit = probe_bit, .nargs = 2,	\
	  .optional = true, .task = true, .enter = fl_ipi_enter,	\
	  .leave = fl_ipi_leave }

struct fl_site fl_site_tlb_ipi[FAULTLAT_TLB_NR_IPI_FNS] = {
	FL_IPI_SITE("native_flush_tlb_multi", FL_SITE_TLB_IPI0,
		    FAULTLAT_PROBE_TLB_IPI_FN(0)),
	FL_IPI_SITE("kvm_flush_tlb_multi", FL_SITE_TLB_IPI0 + 1,
		    FAULTLAT_PROBE_TLB_IPI_FN(1)),
	FL_IPI_SITE("hyperv_flush_tlb_multi", FL_SITE_TLB_IPI0 + 2,
		    FAULTLAT_PROBE_TLB_IPI_FN(2)),
	FL_IPI_SITE("xen_flush_tlb_multi", FL_SITE_TLB_IPI0 + 3,
		    FAULTLAT_PROBE_TLB_IPI_FN(3)),
};

FL_DHOOKS(range, tlb_range, fl_range_enter, fl_range_leave)
FL_DHOOKS(func, tlb_func, fl_func_enter, fl_func_leave)
FL_DHOOKS(ipi0, tlb_ipi[0], fl_ipi_enter, fl_ipi_leave)
FL_DHOOKS(ipi1, tlb_ipi[1], fl_ipi_enter, fl_ipi_leave)
FL_DHOOKS(ipi2, tlb_ipi[2], fl_ipi_enter, fl_ipi_leave)
FL_DHOOKS(ipi3, tlb_ipi[3], fl_ipi_enter, fl_ipi_leave)

const char *fl_tlb_ipi_name(unsigned int i)
{
	return i < FAULTLAT_TLB_NR_IPI_FNS ? fl_site_tlb_ipi[i].sym : "?";
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

/**
 * fl_tlb_global_read() - sum the per-CPU TLB totals
 * @g: where they go (the caller's cpus array is not touched)
 */
void fl_tlb_global_read(struct faultlat_tlb_global *g)
{
	u32 gen = READ_ONCE(fl_gen);
	unsigned int i;
	int cpu;

	g->nmissed = fl_attach_nmissed(true);
	g->received_nmissed = fl_site_nmissed(&fl_site_tlb_func);
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
