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
 * No handler sleeps, allocates or takes a lock.  A CPU's totals have two
 * parts, one per writer context, each under a seqcount of its own that
 * readers retry on (a snapshot never has a bucket counted before its
 * max_ns, or a flush in its histogram but not yet in full/ranged):
 *
 * - the flush part (struct fl_tlb_flush): written by the initiator's and
 *   the IPI functions' return handlers, in task context with preemption
 *   disabled and irqs on.  flush_tlb_mm_range() and flush_tlb_multi()
 *   send IPIs and wait for them, which is forbidden with irqs off, in
 *   hard-IRQ and in softirq context (smp_call_function_many_cond()), so
 *   one flush-side writer never interrupts another on its CPU.
 * - the irq part (struct fl_tlb_irq): written with irqs off only: by the
 *   receiver, flush_tlb_func(), which runs in hard-IRQ context on the
 *   remote CPUs and with irqs off on the initiating one, and by the
 *   tlb:tlb_flush tracepoint's probe, which is called with irqs off
 *   (task switch, flush_tlb_func()) and on (native_flush_tlb_multi()) and
 *   turns them off around its few increments.  An irq-part writer may
 *   interrupt a flush-part one on the same CPU, which is why one seqcount
 *   for both would not do: the interrupted writer's odd count would be
 *   made even by the interrupting one, mid-write.
 */
#include <linux/cpumask.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/seqlock.h>
#include <asm/tlbflush.h>

#include "cgroups.h"
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
 * struct fl_tlb_flush - a CPU's flush part: the initiators' totals
 * @gen: reset generation of @st, @ipi
 * @st: flushes initiated on this CPU
 * @ipi: latency of outermost IPI function calls
 * @ipi_hits: outermost calls by IPI function (never reset)
 */
struct fl_tlb_flush {
	u32 gen;
	struct faultlat_tlb_stats st;
	struct faultlat_hist ipi;
	u64 ipi_hits[FAULTLAT_TLB_NR_IPI_FNS];
};

/**
 * struct fl_tlb_irq - a CPU's irq part: the receivers' and tracepoint's
 * @gen: reset generation of @recv, @recv_remote, @recv_local
 * @recv: latency of remote flush_tlb_func() runs
 * @recv_remote: remote flush_tlb_func() runs
 * @recv_local: local flush_tlb_func() runs
 * @reasons: tlb:tlb_flush events by reason, [FAULTLAT_TLB_REASON_SLOTS]
 *	for any other (never reset)
 */
struct fl_tlb_irq {
	u32 gen;
	struct faultlat_hist recv;
	u64 recv_remote;
	u64 recv_local;
	struct faultlat_tlb_reason_count reasons[FAULTLAT_TLB_REASON_SLOTS + 1];
};

/**
 * struct fl_tlb_pcpu - one CPU's TLB-flush totals
 * @seq: @f's seqcount, written by the flush side only (raw: no lockdep
 *	class is needed, a section never waits)
 * @f: the flush part
 * @ipi_owner: the task whose outermost IPI function call started on this
 *	CPU and has not returned (NULL if none): a call of that task's
 *	here is nested in it
 * @ipi_task: the task of the last outermost IPI function call, for an
 *	initiator with no task record
 * @ipi_targets: its targets
 * @irq_seq: @irq's seqcount, written with irqs off only
 * @irq: the irq part
 */
struct fl_tlb_pcpu {
	seqcount_t seq;
	struct fl_tlb_flush f;
	struct task_struct *ipi_owner;
	struct task_struct *ipi_task;
	u32 ipi_targets;
	seqcount_t irq_seq;
	struct fl_tlb_irq irq;
};

static struct fl_tlb_pcpu __percpu *fl_tlb_pcpu;

/*
 * Open this CPU's flush part @pc for writing, zeroed first if a reset
 * happened since; fl_tlb_flush_end() closes it.  Flush side only.
 */
static nokprobe_inline void fl_tlb_flush_begin(struct fl_tlb_pcpu *pc)
{
	u32 gen = READ_ONCE(fl_gen);

	raw_write_seqcount_begin(&pc->seq);
	if (unlikely(pc->f.gen != gen)) {
		fl_tlb_stats_init(&pc->f.st);
		fl_hist_init(&pc->f.ipi);
		pc->f.gen = gen;
	}
}

static nokprobe_inline void fl_tlb_flush_end(struct fl_tlb_pcpu *pc)
{
	raw_write_seqcount_end(&pc->seq);
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
	struct fl_tlb_pcpu *pc = this_cpu_ptr(fl_tlb_pcpu);
	struct fl_cg_cpu *cc;
	bool remote = false;
	u32 targets = 0;

	if (r)
		fl_task_fresh(r);
	/* before @r counts it: a cgroup's attached records count theirs */
	cc = fl_cg_share(r);
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
	if (cc)
		fl_cg_tlb_flush(cc, ns, c->full, c->pages, remote);
	pc->ipi_task = NULL;
	fl_tlb_flush_begin(pc);
	FL_HIST_RECORD(&pc->f.st.flush, ns);
	if (c->full)
		pc->f.st.full++;
	else
		pc->f.st.ranged++;
	pc->f.st.pages += c->full ? 0 : c->pages;
	if (remote)
		pc->f.st.remote++;
	else
		pc->f.st.local_only++;
	fl_tlb_flush_end(pc);

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
 * @cpu: the CPU it started on, whose @ipi_owner it is
 */
struct fl_ipi_call {
	u64 start;
	u32 fn;
	u32 targets;
	u32 cpu;
};

static bool fl_ipi_enter(const struct fl_site *site, void *data,
			 const unsigned long *args, struct fl_rec *r)
{
	struct fl_ipi_call *c = data;
	const struct cpumask *mask = (void *)args[0];
	struct fl_tlb_pcpu *pc = this_cpu_ptr(fl_tlb_pcpu);

	/*
	 * Nested (kvm_flush_tlb_multi() calling the native one): skip.  The
	 * owner is a task, not a count: since 7.3 the outermost call may
	 * start preemptible and return on another CPU (compat.h), and a
	 * count left behind on its first CPU would take that CPU's next
	 * calls for nested ones.  A PV function runs on one CPU from its
	 * first instruction that uses per-CPU data to the nested call.
	 */
	if (READ_ONCE(pc->ipi_owner) == current)
		return false;
	WRITE_ONCE(pc->ipi_owner, current);
	c->cpu = smp_processor_id();
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
	struct fl_tlb_pcpu *pc = this_cpu_ptr(fl_tlb_pcpu);
	struct fl_cg_cpu *cc;

	/* ours unless another task's call started there since we left */
	cmpxchg(&per_cpu_ptr(fl_tlb_pcpu, c->cpu)->ipi_owner, current, NULL);
	pc->ipi_task = current;
	pc->ipi_targets = c->targets;
	if (r)
		fl_task_fresh(r);
	/* before @r counts it: a cgroup's attached records count theirs */
	cc = fl_cg_share(r);
	if (r) {
		write_seqcount_begin(&r->seq);
		r->tlb_ipi = true;
		r->tlb_ipi_targets = c->targets;
		r->tlb.ipis++;
		r->tlb.ipi_targets += c->targets;
		write_seqcount_end(&r->seq);
	}
	if (cc)
		fl_cg_tlb_ipi(cc, c->targets);
	fl_tlb_flush_begin(pc);
	FL_HIST_RECORD(&pc->f.ipi, ns);
	pc->f.ipi_hits[c->fn]++;
	pc->f.st.ipis++;
	pc->f.st.ipi_targets += c->targets;
	fl_tlb_flush_end(pc);
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

	/* irqs are off: this is the irq part's only writer on this CPU */
	raw_write_seqcount_begin(&pc->irq_seq);
	if (unlikely(pc->irq.gen != gen)) {
		fl_hist_init(&pc->irq.recv);
		pc->irq.recv_remote = 0;
		pc->irq.recv_local = 0;
		pc->irq.gen = gen;
	}
	if (c->remote) {
		pc->irq.recv_remote++;
		FL_HIST_RECORD(&pc->irq.recv, ns);
	} else {
		pc->irq.recv_local++;
	}
	raw_write_seqcount_end(&pc->irq_seq);
}

/*
 * The tlb:tlb_flush tracepoint: with irqs off or on (and preemption off),
 * so irqs off here, as for the irq part's other writer.
 */
void fl_tlb_on_flush_event(int reason, unsigned long pages)
{
	struct faultlat_tlb_reason_count *rc;
	struct fl_tlb_pcpu *pc;
	unsigned long flags;

	/* a reason past the slots (none yet) in the last one: never lost */
	if (reason < 0 || reason >= FAULTLAT_TLB_REASON_SLOTS)
		reason = FAULTLAT_TLB_REASON_SLOTS;
	local_irq_save(flags);
	pc = this_cpu_ptr(fl_tlb_pcpu);
	rc = &pc->irq.reasons[reason];
	raw_write_seqcount_begin(&pc->irq_seq);
	rc->count++;
	if (pages == TLB_FLUSH_ALL)
		rc->full++;
	else
		rc->pages += pages;
	raw_write_seqcount_end(&pc->irq_seq);
	local_irq_restore(flags);
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

/*
 * What tlb.c assumes of the kernel's private layouts, which no header
 * shows a module: struct fl_flush_tlb_info's fields, and the arguments
 * each traced function's handlers read.  debugfs's layout file prints it
 * (fl_tlb_layout_show()); selftests/faultlat/layout_test.c compares it
 * with the running kernel's BTF, field by field.
 */
static const struct {
	const char *name;
	size_t off;
	size_t size;
} fl_tlb_info_fields[] = {
	{ "mm", offsetof(struct fl_flush_tlb_info, mm),
	  sizeof_field(struct fl_flush_tlb_info, mm) },
	{ "start", offsetof(struct fl_flush_tlb_info, start),
	  sizeof_field(struct fl_flush_tlb_info, start) },
	{ "end", offsetof(struct fl_flush_tlb_info, end),
	  sizeof_field(struct fl_flush_tlb_info, end) },
	{ "new_tlb_gen", offsetof(struct fl_flush_tlb_info, new_tlb_gen),
	  sizeof_field(struct fl_flush_tlb_info, new_tlb_gen) },
	{ "initiating_cpu", offsetof(struct fl_flush_tlb_info, initiating_cpu),
	  sizeof_field(struct fl_flush_tlb_info, initiating_cpu) },
};

/**
 * struct fl_tlb_arg - an argument a handler reads
 * @site: the function
 * @idx: its position
 * @name: its name in the kernel's prototype
 * @size: the size the handler reads it as
 */
struct fl_tlb_arg {
	const struct fl_site *site;
	u8 idx;
	const char *name;
	u8 size;
};

static const struct fl_tlb_arg fl_tlb_args[] = {
	/* fl_range_enter() */
	{ &fl_site_tlb_range, 1, "start", sizeof(unsigned long) },
	{ &fl_site_tlb_range, 2, "end", sizeof(unsigned long) },
	{ &fl_site_tlb_range, 3, "stride_shift", sizeof(unsigned int) },
	/* fl_func_enter(): a struct flush_tlb_info * */
	{ &fl_site_tlb_func, 0, "info", sizeof(void *) },
	/* fl_ipi_enter(): a struct cpumask * */
	{ &fl_site_tlb_ipi[0], 0, "cpumask", sizeof(void *) },
	{ &fl_site_tlb_ipi[1], 0, "cpumask", sizeof(void *) },
	{ &fl_site_tlb_ipi[2], 0, "cpus", sizeof(void *) },
	{ &fl_site_tlb_ipi[3], 0, "cpus", sizeof(void *) },
};

static void fl_tlb_layout_site(struct seq_file *m, const struct fl_site *s)
{
	unsigned int i;

	seq_printf(m, "func %s %u %s\n", s->sym, s->nargs,
		   s->how == FL_ATTACH_OFF ? "off" : "attached");
	for (i = 0; i < ARRAY_SIZE(fl_tlb_args); i++)
		if (fl_tlb_args[i].site == s)
			seq_printf(m, "arg %s %u %s %u\n", s->sym,
				   fl_tlb_args[i].idx, fl_tlb_args[i].name,
				   fl_tlb_args[i].size);
}

/**
 * fl_tlb_layout_show() - the private layouts tlb.c relies on
 * @m: debugfs's layout file
 *
 * One line per fact, space-separated:
 *
 *   struct flush_tlb_info FIELD OFFSET SIZE
 *   func NAME NARGS attached|off
 *   arg NAME INDEX PARAM SIZE
 */
void fl_tlb_layout_show(struct seq_file *m)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fl_tlb_info_fields); i++)
		seq_printf(m, "struct flush_tlb_info %s %zu %zu\n",
			   fl_tlb_info_fields[i].name, fl_tlb_info_fields[i].off,
			   fl_tlb_info_fields[i].size);
	fl_tlb_layout_site(m, &fl_site_tlb_range);
	fl_tlb_layout_site(m, &fl_site_tlb_func);
	for (i = 0; i < FAULTLAT_TLB_NR_IPI_FNS; i++)
		fl_tlb_layout_site(m, &fl_site_tlb_ipi[i]);
}

const char *fl_tlb_ipi_name(unsigned int i)
{
	return i < FAULTLAT_TLB_NR_IPI_FNS ? fl_site_tlb_ipi[i].sym : "?";
}

void fl_tlb_ipi_hits(u64 hits[FAULTLAT_TLB_NR_IPI_FNS])
{
	unsigned int i;
	int cpu;

	/* independent counters: no snapshot of them needs to agree */
	memset(hits, 0, sizeof(u64) * FAULTLAT_TLB_NR_IPI_FNS);
	for_each_possible_cpu(cpu)
		for (i = 0; i < FAULTLAT_TLB_NR_IPI_FNS; i++)
			hits[i] += READ_ONCE(per_cpu_ptr(fl_tlb_pcpu, cpu)->f.ipi_hits[i]);
}

/* Copy a CPU's flush part whole, as of one moment. */
static void fl_tlb_flush_copy(struct fl_tlb_pcpu *pc, struct fl_tlb_flush *f)
{
	fl_seq_copy(&pc->seq, f, &pc->f, sizeof(*f));
}

/* ... and its irq part. */
static void fl_tlb_irq_copy(struct fl_tlb_pcpu *pc, struct fl_tlb_irq *q)
{
	fl_seq_copy(&pc->irq_seq, q, &pc->irq, sizeof(*q));
}

/*
 * The readers' copies: 2 KiB and more, too big for the stack; readers run
 * in process context and take turns.
 */
static DEFINE_MUTEX(fl_tlb_snap_lock);
static struct fl_tlb_flush fl_tlb_snap_f;
static struct fl_tlb_irq fl_tlb_snap_irq;

/**
 * fl_tlb_global_read() - sum the per-CPU TLB totals
 * @g: where they go (the caller's cpus array is not touched)
 *
 * Each CPU's parts are copied whole under their seqcounts, so the sums
 * agree with themselves: count == full + ranged == remote + local_only,
 * ipi's count == ipis, received's count == received_remote, every
 * histogram's min_ns and max_ns within its buckets.
 */
void fl_tlb_global_read(struct faultlat_tlb_global *g)
{
	struct fl_tlb_flush *f = &fl_tlb_snap_f;
	struct fl_tlb_irq *q = &fl_tlb_snap_irq;
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
	g->reason_slots = FAULTLAT_TLB_REASON_SLOTS;
	g->kernel_reasons = FL_TLB_KERNEL_REASONS;
	memset(g->reason, 0, sizeof(g->reason));
	memset(&g->reason_other, 0, sizeof(g->reason_other));
	mutex_lock(&fl_tlb_snap_lock);
	for_each_possible_cpu(cpu) {
		struct fl_tlb_pcpu *pc = per_cpu_ptr(fl_tlb_pcpu, cpu);

		fl_tlb_flush_copy(pc, f);
		if (f->gen == gen) {
			fl_tlb_stats_add(&g->stats, &f->st);
			fl_hist_add_hist(&g->ipi, &f->ipi);
		}
		fl_tlb_irq_copy(pc, q);
		if (q->gen == gen) {
			fl_hist_add_hist(&g->received, &q->recv);
			g->received_remote += q->recv_remote;
			g->received_local += q->recv_local;
		}
		for (i = 0; i <= FAULTLAT_TLB_REASON_SLOTS; i++) {
			struct faultlat_tlb_reason_count *rc =
				i < FAULTLAT_TLB_REASON_SLOTS ? &g->reason[i] :
				&g->reason_other;

			rc->count += q->reasons[i].count;
			rc->full += q->reasons[i].full;
			rc->pages += q->reasons[i].pages;
		}
	}
	mutex_unlock(&fl_tlb_snap_lock);
	/* ABI 1's arrays: the first five reasons */
	for (i = 0; i < FAULTLAT_TLB_NR_REASONS; i++) {
		g->reasons[i] = g->reason[i].count;
		g->reason_full[i] = g->reason[i].full;
		g->reason_pages[i] = g->reason[i].pages;
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
	struct fl_tlb_irq *q = &fl_tlb_snap_irq;

	memset(c, 0, sizeof(*c));
	c->cpu = cpu;
	fl_hist_init(&c->received);
	mutex_lock(&fl_tlb_snap_lock);
	fl_tlb_irq_copy(pc, q);
	if (q->gen == READ_ONCE(fl_gen)) {
		c->received_remote = q->recv_remote;
		c->received_local = q->recv_local;
		fl_hist_add_hist(&c->received, &q->recv);
	}
	mutex_unlock(&fl_tlb_snap_lock);
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

		seqcount_init(&pc->seq);
		seqcount_init(&pc->irq_seq);
		fl_tlb_stats_init(&pc->f.st);
		fl_hist_init(&pc->f.ipi);
		fl_hist_init(&pc->irq.recv);
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
