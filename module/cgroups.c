// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: the cgroup records.
 *
 * Every fault (and TLB flush) is also counted for the cgroup (v2) its
 * task is in when the fault ends.  A record holds the cgroup's id, its
 * ancestors' ids (a query on a cgroup adds up its descendants' records
 * without walking the kernel's cgroups), per-CPU statistics (struct
 * fl_cg_cpu) and folded ones.  Records are preallocated (max_cgroups)
 * and found by id in a hash of RCU lists; the first fault of a cgroup
 * without one takes a free one under fl_cg_lock: a hash insertion and a
 * walk up at most FAULTLAT_CGROUP_MAX_LEVEL parents, whatever the number
 * of tasks or cgroups.
 *
 * Lazy attribution.  The fault path does not count a fault twice: a
 * thread record attaches to the record of the cgroup its thread faults
 * in (fl_rec.cg, and fl_rec.cg_id that cgroup's id), which counts the
 * thread record's statistics as its own for as long as it is attached.
 * A fault checks, before it is counted in the thread record, that the
 * thread is still in that cgroup (fl_cg_share(): an id comparison); only
 * when it is not (fl_cg_switch()) does anything happen for the cgroup:
 *  - the thread record's counts (current reset generation) are folded
 *    into its cgroup record's @folded and it detaches, inside a fold
 *    section of tasks.c (fl_fold_begin()): a reader's stable pass
 *    (fl_stable_pass()) sees the thread either attached or folded;
 *  - a record that counts nothing yet attaches to the current cgroup's
 *    record;
 *  - one that counts something (its thread was moved after it faulted)
 *    cannot: its counts are other cgroups'.  Its thread is eager: every
 *    fault of it comes here (cg_id stays 0) and is counted in this CPU's
 *    share of its cgroup's record too, as threads of no record are.
 *    Its children start empty, and a reset empties it.
 * A thread record that leaves the table (exit, exec, tasks.c's
 * fl_task_remove()) is folded into its cgroup record the same way.
 * Invariants: fl_rec.cg_id is 0 exactly when fl_rec.cg is NULL; a
 * fault of a thread with a record is counted for cgroups either in its
 * record while attached, or in a per-CPU share, never both; @refs counts
 * the attached thread records.  @folded is written from atomic context
 * (a fault, a task's free): under the record's raw spinlock.
 *
 * So a cgroup's figure is its records' folded statistics, their per-CPU
 * shares and the current statistics of every thread record attached to
 * them, summed in a stable pass over the task table (fl_cgroup_read(),
 * fl_cgroup_list()).  A thread that detaches during the pass spoils it;
 * folds held off by a reader that retried twice (tasks.c) do not hold a
 * thread's detaching off: a thread detaches once per move between
 * cgroups, which is what can keep a reader retrying.
 *
 * A removed cgroup (the cgroup_rmdir tracepoint: it has no task left)
 * leaves the hash at once.  A work item then waits for an RCU grace
 * period, for a probe that found the record in the hash before (to
 * count in a share, or to attach), and drops the cgroup's reference: at
 * zero, it moves the record's counts to the record of the nearest live
 * ancestor, as memcg's statistics stay in the parent of a removed
 * cgroup, and frees the record.  The one unusual case: a thread that
 * left the cgroup without faulting since is still attached to its
 * record, which then stays, dead (out of the hash, its id and ancestors
 * kept: queries on its ancestors count it, and its attached threads,
 * as before), until the last such thread faults elsewhere or exits;
 * that thread's fl_cg_put() queues it for the work again (the reference
 * count queues a record once: it is on the work's list only before the
 * cgroup's reference is dropped, or after the last one is).  Readers
 * and the work serialize on fl_cg_mutex, so that a reader sees the
 * counts once, before or after the move.  A reset bumps fl_gen, as for
 * the task records: writers zero their own share when they see it,
 * readers take stale shares for zero.
 */
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/kernfs.h>
#include <linux/llist.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "cgroups.h"
#include "compat.h"

unsigned int fl_max_cgroups = 128;
module_param_named(max_cgroups, fl_max_cgroups, uint, 0444);
MODULE_PARM_DESC(max_cgroups,
		 "cgroup records: cgroups whose faults are counted at once (16-65536, default 128)");

static bool fl_cg_enable = true;
module_param_named(cgroups, fl_cg_enable, bool, 0444);
MODULE_PARM_DESC(cgroups,
		 "count every fault in its cgroup's record too (default 1)");

/* cgroups=0 leaves the return hook a no-op jump instead of the record */
DEFINE_STATIC_KEY_TRUE(fl_cg_on);

#define FL_CG_LEVELS	(FAULTLAT_CGROUP_MAX_LEVEL + 1)
#define FL_CG_NONE	U32_MAX

/**
 * struct fl_cg - one cgroup's record
 * @id: the cgroup's id; 0 while the record is free.  Written under
 *	fl_cg_lock before the record enters the hash (release: readers of
 *	the table load it with acquire), cleared when the record is freed
 * @level: the cgroup's depth, at most FAULTLAT_CGROUP_MAX_LEVEL (a deeper
 *	cgroup is counted in its ancestor at that depth)
 * @anc: the ids of the cgroup and its ancestors by depth: @anc[@level] is
 *	@id, @anc[0] the root's
 * @hnode: in its hash chain, while the cgroup lives
 * @next_free: a free record: the index of the next free one
 * @dead: a removed cgroup's record, on fl_cg_dead until the work folds it
 * @cgrp: that cgroup, referenced until then
 * @refs: the thread records attached to it, plus one while the cgroup
 *	lives (dropped by the fold work): the record is folded and freed
 *	when it reaches zero
 * @orphan: on fl_cg_dead again, put there by its last attached thread:
 *	the work has dropped the cgroup's reference already
 * @pcpu: the per-CPU statistics
 * @lock: serializes @folded's writers (the work, and attached threads that
 *	leave, in atomic context) and readers
 * @folded_gen: reset generation of @folded
 * @folded: the statistics of removed descendants and of attached thread
 *	records that left it
 */
struct fl_cg {
	u64 id;
	u32 level;
	u64 anc[FL_CG_LEVELS];
	struct hlist_node hnode;
	u32 next_free;
	struct llist_node dead;
	struct cgroup *cgrp;
	atomic_t refs;
	bool orphan;
	struct fl_cg_cpu __percpu *pcpu;
	raw_spinlock_t lock;
	u32 folded_gen;
	struct fl_cg_stats folded;
};

/**
 * struct fl_cg_drop - faults no cgroup record counts
 * @gen: reset generation of @n
 * @n: the count
 */
struct fl_cg_drop {
	u32 gen;
	u64 n;
};

static struct fl_cg *fl_cgs;
static struct hlist_head *fl_cg_hash;
static unsigned int fl_cg_hash_bits;
static u32 fl_cg_free_head = FL_CG_NONE;
static unsigned int fl_cg_nr_used;
/* the hash's writers and the free list; taken in probes: raw, irqsave */
static DEFINE_RAW_SPINLOCK(fl_cg_lock);
/* readers of the statistics against the folds */
static DEFINE_MUTEX(fl_cg_mutex);
static LLIST_HEAD(fl_cg_dead);
/* each CPU's share of the faults of no record: dropped */
static DEFINE_PER_CPU(struct fl_cg_cpu, fl_cg_none);
/* faults of removed cgroups whose ancestors had no room (fl_cg_mutex) */
static struct fl_cg_drop fl_cg_fold_drops;

static void fl_cg_fold_work(struct work_struct *work);
static DECLARE_WORK(fl_cg_work, fl_cg_fold_work);

static nokprobe_inline struct hlist_head *fl_cg_chain(u64 id)
{
	return &fl_cg_hash[hash_64(id, fl_cg_hash_bits)];
}

/* In a probe (preemption disabled), or under fl_cg_lock. */
static nokprobe_inline struct fl_cg *fl_cg_find(u64 id)
{
	struct fl_cg *g;

	hlist_for_each_entry_rcu(g, fl_cg_chain(id), hnode,
				 lockdep_is_held(&fl_cg_lock))
		if (g->id == id)
			return g;
	return NULL;
}

/* @cgrp, or its ancestor at the deepest level a record may have */
static nokprobe_inline struct cgroup *fl_cg_counted(struct cgroup *cgrp)
{
	while (cgrp->level > FAULTLAT_CGROUP_MAX_LEVEL)
		cgrp = cgroup_parent(cgrp);
	return cgrp;
}

/*
 * The record of @cgrp (at most FAULTLAT_CGROUP_MAX_LEVEL deep), made if
 * missing; NULL when the table is full, or when the cgroup is being
 * removed: its rmdir probe, which clears CSS_ONLINE first and takes
 * fl_cg_lock after, would not see a record made after it ran.
 */
static struct fl_cg *fl_cg_get_locked(struct cgroup *cgrp)
{
	u64 id = cgroup_id(cgrp);
	struct cgroup *c;
	struct fl_cg *g;

	lockdep_assert_held(&fl_cg_lock);
	g = fl_cg_find(id);
	if (g)
		return g;
	if (!(READ_ONCE(cgrp->self.flags) & CSS_ONLINE) ||
	    fl_cg_free_head == FL_CG_NONE)
		return NULL;
	g = &fl_cgs[fl_cg_free_head];
	fl_cg_free_head = g->next_free;
	atomic_set(&g->refs, 1);
	g->orphan = false;
	g->level = cgrp->level;
	for (c = cgrp; c; c = cgroup_parent(c))
		g->anc[c->level] = cgroup_id(c);
	/* the readers of the table load it with acquire */
	smp_store_release(&g->id, id);
	hlist_add_head_rcu(&g->hnode, fl_cg_chain(id));
	fl_cg_nr_used++;
	return g;
}

NOKPROBE_SYMBOL(fl_cg_get_locked);

static void fl_cg_drop(struct fl_cg_drop *d, u64 n, u32 gen)
{
	if (d->gen != gen) {
		d->gen = gen;
		d->n = 0;
	}
	d->n += n;
}

static void fl_cg_stats_init(struct fl_cg_stats *s)
{
	fl_gstats_init(&s->st);
	fl_tlb_stats_init(&s->tlb);
}

static void fl_cg_stats_add(struct fl_cg_stats *dst,
			    const struct fl_cg_stats *src)
{
	fl_gstats_add(&dst->st, &src->st);
	fl_tlb_stats_add(&dst->tlb, &src->tlb);
}

static void fl_cg_zero(struct fl_cg_cpu *cc, u32 gen)
{
	fl_cg_stats_init(&cc->s);
	cc->gen = gen;
}

NOKPROBE_SYMBOL(fl_cg_zero);

/*
 * The record counting the faults of @cgrp, found or made; NULL when the
 * table is full (or the cgroup is being removed).  In a probe.
 */
static struct fl_cg *fl_cg_record(struct cgroup *cgrp)
{
	unsigned long flags;
	struct fl_cg *g;

	cgrp = fl_cg_counted(cgrp);
	g = fl_cg_find(cgroup_id(cgrp));
	if (!g) {
		raw_spin_lock_irqsave(&fl_cg_lock, flags);
		g = fl_cg_get_locked(cgrp);
		raw_spin_unlock_irqrestore(&fl_cg_lock, flags);
	}
	return g;
}

NOKPROBE_SYMBOL(fl_cg_record);

/* This CPU's share of @g (of no record: dropped), zeroed if stale. */
static struct fl_cg_cpu *fl_cg_cpu_share(struct fl_cg *g)
{
	struct fl_cg_cpu *cc = g ? this_cpu_ptr(g->pcpu) :
				   this_cpu_ptr(&fl_cg_none);
	u32 gen = READ_ONCE(fl_gen);

	if (unlikely(cc->gen != gen))
		fl_cg_zero(cc, gen);
	return cc;
}

NOKPROBE_SYMBOL(fl_cg_cpu_share);

/**
 * fl_cg_share_current() - fl_cg_share() for a thread of no record
 *
 * Return: this CPU's share of the current cgroup's record, made if
 * missing, or of the faults of none.
 */
struct fl_cg_cpu *fl_cg_share_current(void)
{
	struct cgroup *cgrp = rcu_dereference_sched(current->cgroups)->dfl_cgrp;

	return fl_cg_cpu_share(fl_cg_record(cgrp));
}

NOKPROBE_SYMBOL(fl_cg_share_current);

/*
 * Does @r count nothing, in the current generation?  Every fault adds to
 * a latency sum or to bucket 0 (a zero latency), or is an error, a retry
 * or an abandoned one; every TLB flush is full or ranged.
 */
static bool fl_rec_empty(const struct fl_rec *r)
{
	const struct fl_tstats *st = &r->st;

	if (r->gen != READ_ONCE(fl_gen))
		return true;
	return !(st->minor.sum_ns | st->major.sum_ns |
		 st->minor.buckets[0] | st->major.buckets[0] |
		 st->errors | st->retries | st->abandoned |
		 r->tlb.full | r->tlb.ranged | r->tlb.ipis);
}

NOKPROBE_SYMBOL(fl_rec_empty);

/*
 * Fold @r's current statistics into its cgroup record and detach it; in
 * a fold section (fl_fold_begin()), by the thread itself or when nobody
 * writes @r any more.  A fault still being retried is not counted as
 * abandoned here (a cgroup's share of an eager thread never counts it).
 */
static void fl_cg_detach(struct fl_rec *r)
{
	struct fl_cg *g = r->cg;
	u32 gen = READ_ONCE(fl_gen);

	raw_spin_lock(&g->lock);
	if (g->folded_gen != gen) {
		fl_cg_stats_init(&g->folded);
		g->folded_gen = gen;
	}
	if (r->gen == gen) {
		fl_gstats_add_tstats(&g->folded.st, &r->st);
		fl_tlb_stats_add_ttlb(&g->folded.tlb, &r->tlb);
	}
	raw_spin_unlock(&g->lock);
	raw_write_seqcount_begin(&r->seq);
	r->cg = NULL;
	r->cg_id = 0;
	raw_write_seqcount_end(&r->seq);
}

NOKPROBE_SYMBOL(fl_cg_detach);

/**
 * fl_cg_leave() - a thread record leaves the table: fold it into its
 *	cgroup record, if attached
 * @r: the record, which nobody writes any more (its thread is gone, or is
 *	current, in exit or exec)
 *
 * In the caller's fold section (tasks.c), with interrupts off.
 *
 * Return: the cgroup record @r was attached to, for fl_cg_put() once out
 * of the section; or NULL.
 */
struct fl_cg *fl_cg_leave(struct fl_rec *r)
{
	struct fl_cg *g = r->cg;

	if (g)
		fl_cg_detach(r);
	return g;
}

NOKPROBE_SYMBOL(fl_cg_leave);

/**
 * fl_cg_put() - drop an attached thread's reference on a cgroup record
 * @g: the record, or NULL
 *
 * The last one of a removed cgroup's record, which the fold work left
 * because threads were attached to it, queues it to be folded again: the
 * work dropped the cgroup's own reference already, so the record is on
 * no list (the reference count, not a flag, keeps it from being queued
 * twice).  Any context.
 */
void fl_cg_put(struct fl_cg *g)
{
	if (!g || !atomic_dec_and_test(&g->refs))
		return;
	g->orphan = true;
	llist_add(&g->dead, &fl_cg_dead);
	queue_work(system_dfl_wq, &fl_cg_work);
}

NOKPROBE_SYMBOL(fl_cg_put);

/**
 * fl_cg_switch() - fl_cg_share()'s slow path: the current thread faults
 *	(or flushes) in another cgroup than its record's attachment says
 * @r: the thread's record, before the event is counted in it
 *
 * If @r is attached to a cgroup record, its counts move there (folded)
 * and it detaches.  Then a record that counts nothing yet attaches to
 * the record of the cgroup the thread is in: the event and the next ones
 * are counted in @r only.  A record that counts something already (a
 * thread moved after it faulted) cannot: its counts belong to other
 * cgroups.  Its thread is eager until a reset empties its record: every
 * event of it comes here and is counted in a CPU's share of its cgroup's
 * record as well.  Preemption disabled.
 *
 * Return: NULL when attached; else the share to count the event in.
 */
struct fl_cg_cpu *fl_cg_switch(struct fl_rec *r)
{
	struct cgroup *cgrp = rcu_dereference_sched(current->cgroups)->dfl_cgrp;
	struct fl_cg *old = r->cg, *g = fl_cg_record(cgrp);
	struct fl_fold_pcpu *fp;
	unsigned long flags;

	if (old && old == g) {
		/* one record counts both cgroups (deeper than records go) */
		raw_write_seqcount_begin(&r->seq);
		r->cg_id = cgroup_id(cgrp);
		raw_write_seqcount_end(&r->seq);
		return NULL;
	}
	if (old) {
		fp = fl_fold_begin(&flags);
		fl_cg_detach(r);
		fl_fold_end(fp, flags);
		fl_cg_put(old);
	}
	if (g && fl_rec_empty(r)) {
		/*
		 * @g was in the hash when this probe found it: the fold
		 * work, a grace period after it left the hash, sees this.
		 */
		atomic_inc(&g->refs);
		raw_write_seqcount_begin(&r->seq);
		r->cg = g;
		r->cg_id = cgroup_id(cgrp);
		raw_write_seqcount_end(&r->seq);
		return NULL;
	}
	return fl_cg_cpu_share(g);
}

NOKPROBE_SYMBOL(fl_cg_switch);

/**
 * fl_cg_count() - count a fault in a CPU's share of a cgroup record
 * @cc: the share (fl_cg_share())
 * @s: the fault, if it completed
 * @error: it ended in an error
 * @retry: the call returned VM_FAULT_RETRY (@fallback: under the VMA lock)
 * @fallback: see @retry
 * @abandoned: faults this call tells were given up
 */
void fl_cg_count(struct fl_cg_cpu *cc, const struct fl_sample s, bool error,
		 bool retry, bool fallback, unsigned int abandoned)
{
	raw_write_seqcount_begin(&cc->seq);
	cc->s.st.abandoned += abandoned;
	if (retry) {
		cc->s.st.retries++;
		cc->s.st.fallbacks += fallback;
	} else if (error) {
		cc->s.st.errors++;
	} else {
		FL_STATS_RECORD(&cc->s.st, &s);
	}
	raw_write_seqcount_end(&cc->seq);
}

NOKPROBE_SYMBOL(fl_cg_count);

/**
 * fl_cg_count_episode() - count a completed fault's time by cause and path
 *	in a CPU's share of a cgroup record (an eager thread's: fl_cg_count())
 * @cc: the share (fl_cg_share())
 * @ns: its nanoseconds by cause, [enum faultlat_cause]; NULL when it was
 *	not timed by cause
 * @lat_ns: its latency
 * @path: its enum faultlat_path, or FL_PATH_NONE when it was not told
 */
void fl_cg_count_episode(struct fl_cg_cpu *cc, const u64 *ns, u64 lat_ns,
			 unsigned int path)
{
	raw_write_seqcount_begin(&cc->seq);
	if (ns)
		FL_CAUSES_ADD_FAULT(&cc->s.st.cz, ns, lat_ns);
	if (path < FAULTLAT_NR_PATHS)
		cc->s.st.paths[path]++;
	raw_write_seqcount_end(&cc->seq);
}

NOKPROBE_SYMBOL(fl_cg_count_episode);

/**
 * fl_cg_tlb_flush() - count a flush_tlb_mm_range() call in a CPU's share
 *	of a cgroup record
 * @cc: the share (fl_cg_share())
 * @ns: its latency
 * @full: a flush of the whole address space
 * @pages: else, the pages of the range
 * @remote: it sent IPIs
 */
void fl_cg_tlb_flush(struct fl_cg_cpu *cc, u64 ns, bool full, u64 pages,
		     bool remote)
{
	raw_write_seqcount_begin(&cc->seq);
	FL_HIST_RECORD(&cc->s.tlb.flush, ns);
	if (full)
		cc->s.tlb.full++;
	else
		cc->s.tlb.ranged++;
	cc->s.tlb.pages += full ? 0 : pages;
	if (remote)
		cc->s.tlb.remote++;
	else
		cc->s.tlb.local_only++;
	raw_write_seqcount_end(&cc->seq);
}

NOKPROBE_SYMBOL(fl_cg_tlb_flush);

/**
 * fl_cg_tlb_ipi() - count an IPI function call in a CPU's share of a
 *	cgroup record
 * @cc: the share (fl_cg_share())
 * @targets: the other CPUs it targeted
 */
void fl_cg_tlb_ipi(struct fl_cg_cpu *cc, u32 targets)
{
	raw_write_seqcount_begin(&cc->seq);
	cc->s.tlb.ipis++;
	cc->s.tlb.ipi_targets += targets;
	raw_write_seqcount_end(&cc->seq);
}

NOKPROBE_SYMBOL(fl_cg_tlb_ipi);

/**
 * fl_cgroup_on_rmdir() - the cgroup_rmdir tracepoint's work: @cgrp, just
 *	removed, has no task left
 * @cgrp: the cgroup
 *
 * Its record leaves the hash, and waits on fl_cg_dead for the work to
 * fold it (a grace period later), holding a reference on the cgroup: its
 * ancestors stay, to find the nearest live one.
 */
void fl_cgroup_on_rmdir(struct cgroup *cgrp)
{
	unsigned long flags;
	struct fl_cg *g;

	raw_spin_lock_irqsave(&fl_cg_lock, flags);
	g = fl_cg_find(cgroup_id(cgrp));
	if (g) {
		hlist_del_init_rcu(&g->hnode);
		cgroup_get(cgrp);
		g->cgrp = cgrp;
		llist_add(&g->dead, &fl_cg_dead);
	}
	raw_spin_unlock_irqrestore(&fl_cg_lock, flags);
	if (g)
		queue_work(system_dfl_wq, &fl_cg_work);
}

/*
 * Add record @g's own statistics, as of now, to @sum (fl_cg_mutex): its
 * folded ones and its per-CPU shares, not its attached threads' records.
 */
static void fl_cg_sum(struct fl_cg *g, struct fl_cg_stats *sum,
		      struct fl_cg_cpu *tmp, u32 gen)
{
	unsigned long flags;
	int cpu;

	lockdep_assert_held(&fl_cg_mutex);
	raw_spin_lock_irqsave(&g->lock, flags);
	if (g->folded_gen == gen)
		fl_cg_stats_add(sum, &g->folded);
	raw_spin_unlock_irqrestore(&g->lock, flags);
	for_each_possible_cpu(cpu) {
		struct fl_cg_cpu *cc = per_cpu_ptr(g->pcpu, cpu);

		fl_seq_copy(&cc->seq, tmp, cc, sizeof(*tmp));
		if (tmp->gen == gen)
			fl_cg_stats_add(sum, &tmp->s);
	}
}

/* The faults @st counts (completed ones and errors). */
static u64 fl_gstats_faults(const struct fl_gstats *st)
{
	u64 n = st->errors;
	unsigned int i;

	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++)
		n += st->minor.buckets[i] + st->major.buckets[i];
	return n;
}

/* Fold the removed cgroup @g into its nearest live ancestor, free it. */
static void fl_cg_fold(struct fl_cg *g, struct fl_cg_stats *sum,
		       struct fl_cg_cpu *tmp)
{
	u32 gen = READ_ONCE(fl_gen);
	struct fl_cg *to = NULL;
	struct cgroup *p;
	unsigned long flags;
	int cpu;

	fl_cg_stats_init(sum);
	fl_cg_sum(g, sum, tmp, gen);

	raw_spin_lock_irqsave(&fl_cg_lock, flags);
	for (p = cgroup_parent(g->cgrp); p && !to; p = cgroup_parent(p))
		to = fl_cg_get_locked(p);
	raw_spin_unlock_irqrestore(&fl_cg_lock, flags);
	if (to) {
		raw_spin_lock_irqsave(&to->lock, flags);
		if (to->folded_gen != gen) {
			fl_cg_stats_init(&to->folded);
			to->folded_gen = gen;
		}
		fl_cg_stats_add(&to->folded, sum);
		raw_spin_unlock_irqrestore(&to->lock, flags);
	} else {
		fl_cg_drop(&fl_cg_fold_drops, fl_gstats_faults(&sum->st), gen);
	}

	/*
	 * Nobody writes @g any more: the grace period is over, and no thread
	 * is attached to it.
	 */
	for_each_possible_cpu(cpu)
		fl_cg_zero(per_cpu_ptr(g->pcpu, cpu), gen);
	fl_cg_stats_init(&g->folded);
	g->folded_gen = gen;
	cgroup_put(g->cgrp);
	g->cgrp = NULL;
	g->orphan = false;

	raw_spin_lock_irqsave(&fl_cg_lock, flags);
	WRITE_ONCE(g->id, 0);
	g->next_free = fl_cg_free_head;
	fl_cg_free_head = g - fl_cgs;
	fl_cg_nr_used--;
	raw_spin_unlock_irqrestore(&fl_cg_lock, flags);
}

static void fl_cg_fold_work(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&fl_cg_dead);
	struct fl_cg *g, *next;
	struct fl_cg_stats *sum;
	struct fl_cg_cpu *tmp;

	if (!list)
		return;
	/* return hooks that saw the cgroup before its tasks left */
	synchronize_rcu();
	sum = kmalloc(sizeof(*sum), GFP_KERNEL);
	tmp = kmalloc(sizeof(*tmp), GFP_KERNEL);
	mutex_lock(&fl_cg_mutex);
	/* Children before parents: a parent's rmdir comes after theirs. */
	list = llist_reverse_order(list);
	llist_for_each_entry_safe(g, next, list, dead) {
		if (!sum || !tmp) {
			/* No memory: try again later, nothing is lost. */
			llist_add(&g->dead, &fl_cg_dead);
			continue;
		}
		/*
		 * Threads still attached keep the record, out of the hash,
		 * counted through its ancestors: the last one to leave
		 * queues it again (fl_cg_put()), an orphan.
		 */
		if (!g->orphan && !atomic_dec_and_test(&g->refs))
			continue;
		fl_cg_fold(g, sum, tmp);
	}
	mutex_unlock(&fl_cg_mutex);
	if (!sum || !tmp)
		queue_work(system_dfl_wq, &fl_cg_work);
	kfree(tmp);
	kfree(sum);
}

bool fl_cgroups_wanted(void)
{
	return fl_cg_enable;
}

unsigned int fl_cgroups_used(void)
{
	return READ_ONCE(fl_cg_nr_used);
}

/* Faults no cgroup record counts, since load or the last reset. */
u64 fl_cgroups_dropped(void)
{
	u32 gen = READ_ONCE(fl_gen);
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct fl_cg_cpu *cc = per_cpu_ptr(&fl_cg_none, cpu);
		unsigned int seq;
		u64 m;

		do {
			seq = raw_read_seqcount_begin(&cc->seq);
			m = cc->gen == gen ? fl_gstats_faults(&cc->s.st) : 0;
		} while (read_seqcount_retry(&cc->seq, seq));
		n += m;
	}
	mutex_lock(&fl_cg_mutex);
	if (fl_cg_fold_drops.gen == gen)
		n += fl_cg_fold_drops.n;
	mutex_unlock(&fl_cg_mutex);
	return n;
}

/*
 * May the caller read the cgroup of directory @f?  Its owner may (a
 * delegated cgroup), anyone privileged may.
 */
static bool fl_cg_may_read(struct file *f, bool privileged)
{
	return privileged || uid_eq(file_inode(f)->i_uid, current_fsuid());
}

/**
 * struct fl_cg_read_ctx - one FAULTLAT_IOC_CGROUP's sum
 * @sum: the statistics
 * @tmp: scratch space for a per-CPU share
 * @rec: scratch space for a thread record's snapshot
 * @id: the cgroup's id
 * @level: its depth
 * @own: its own record only, not its descendants'
 * @gen: the reset generation of the pass
 * @nr: the records summed
 */
struct fl_cg_read_ctx {
	struct fl_cg_stats *sum;
	struct fl_cg_cpu *tmp;
	struct fl_rec *rec;
	u64 id;
	u32 level;
	bool own;
	u32 gen;
	u32 nr;
};

/* Does the query of @ctx count record @g (live or dead)? */
static bool fl_cg_match(const struct fl_cg *g, const struct fl_cg_read_ctx *ctx)
{
	if (ctx->own)
		return g->id == ctx->id;
	return g->level >= ctx->level && g->anc[ctx->level] == ctx->id;
}

/* A thread record attached to a record the query counts: add it. */
static void fl_cg_read_rec(const struct fl_rec *snap, void *priv)
{
	struct fl_cg_read_ctx *ctx = priv;
	const struct fl_cg *g = snap->cg;

	/* fl_cg_mutex: an attached record is not freed */
	if (!READ_ONCE(g->id) || !fl_cg_match(g, ctx))
		return;
	fl_gstats_add_tstats(&ctx->sum->st, &snap->st);
	fl_tlb_stats_add_ttlb(&ctx->sum->tlb, &snap->tlb);
}

/*
 * One pass of fl_cgroup_read() (fl_cg_mutex held), in fl_stable_pass():
 * the matching records' own statistics, and their attached threads'.
 */
static void fl_cg_read_pass(void *priv)
{
	struct fl_cg_read_ctx *ctx = priv;
	unsigned int i;

	ctx->gen = READ_ONCE(fl_gen);
	ctx->nr = 0;
	fl_cg_stats_init(ctx->sum);
	for (i = 0; i < fl_max_cgroups; i++) {
		struct fl_cg *g = &fl_cgs[i];

		/*
		 * Pairs with fl_cg_get_locked()'s release; a record being
		 * made now has no fault in it yet.
		 */
		if (smp_load_acquire(&g->id) == 0 || !fl_cg_match(g, ctx))
			continue;
		fl_cg_sum(g, ctx->sum, ctx->tmp, ctx->gen);
		ctx->nr++;
		cond_resched();
	}
	fl_tasks_each_cg(fl_cg_read_rec, ctx, ctx->rec);
}

/**
 * fl_cgroup_read() - FAULTLAT_IOC_CGROUP
 * @c: the caller's struct (fd in; the rest out)
 * @privileged: the caller has CAP_PERFMON or CAP_SYS_ADMIN
 *
 * Return: 0, or a negative errno of the uapi header's table.
 */
int fl_cgroup_read(struct faultlat_cgroup *c, bool privileged)
{
	bool own = c->flags & FAULTLAT_CGROUP_OWN;
	struct fl_cg_read_ctx ctx;
	struct fl_cg_cpu *tmp = NULL;
	struct fl_cg_stats *sum = NULL;
	struct fl_rec *rec = NULL;
	struct cgroup *cgrp;
	struct file *f;
	unsigned int level;
	int err = 0;
	u64 id;

	if ((c->flags & ~FAULTLAT_CGROUP_OWN) || c->__reserved)
		return -EINVAL;
	if (!fl_cg_enable)
		return -ENODEV;
	f = fget_raw(c->fd);
	if (!f)
		return -EBADF;
	cgrp = cgroup_get_from_fd(c->fd);
	if (IS_ERR(cgrp)) {
		fput(f);
		/* a removed cgroup's directory says ENOENT */
		return PTR_ERR(cgrp) == -ENOENT ? -ENOENT : -EBADF;
	}
	/* The same directory both times: the fd may have been replaced. */
	if (file_inode(f)->i_private != cgrp->kn) {
		err = -EBADF;
		goto out;
	}
	if (!fl_cg_may_read(f, privileged)) {
		err = -EACCES;
		goto out;
	}
	level = cgrp->level;
	id = cgroup_id(cgrp);
	if (level > FAULTLAT_CGROUP_MAX_LEVEL) {
		err = -EOPNOTSUPP;
		goto out;
	}
	sum = kmalloc(sizeof(*sum), GFP_KERNEL);
	tmp = kmalloc(sizeof(*tmp), GFP_KERNEL);
	rec = kmalloc(sizeof(*rec), GFP_KERNEL);
	if (!sum || !tmp || !rec) {
		err = -ENOMEM;
		goto out;
	}
	ctx = (struct fl_cg_read_ctx){
		.sum = sum, .tmp = tmp, .rec = rec,
		.id = id, .level = level, .own = own,
	};
	c->id = id;
	c->level = level;
	mutex_lock(&fl_cg_mutex);
	fl_stable_pass(fl_cg_read_pass, &ctx);
	mutex_unlock(&fl_cg_mutex);
	c->nr_records = ctx.nr;
	fl_stats_init(&c->stats);
	fl_stats_add_gstats(&c->stats, &sum->st);
	fl_stats_finish(&c->stats);
	c->fallbacks = sum->st.fallbacks;
	fl_tlb_stats_init(&c->tlb);
	fl_tlb_stats_add(&c->tlb, &sum->tlb);
	fl_tlb_stats_finish(&c->tlb);
	memset(&c->causes, 0, sizeof(c->causes));
	memset(&c->causes_more, 0, sizeof(c->causes_more));
	fl_causes_add_uapi(&c->causes, &c->causes_more, &sum->st.cz);
	memset(c->paths, 0, sizeof(c->paths));
	FL_PATHS_ADD(c->paths, sum->st.paths);
out:
	kfree(rec);
	kfree(tmp);
	kfree(sum);
	cgroup_put(cgrp);
	fput(f);
	return err;
}

/* One record's own counts as a list entry. */
static void fl_cg_entry(struct faultlat_cgroup_entry *e, const struct fl_cg *g,
			const struct fl_cg_stats *sum)
{
	const struct fl_gstats *st = &sum->st;
	const struct faultlat_tlb_stats *tlb = &sum->tlb;
	unsigned int i;

	memset(e, 0, sizeof(*e));
	e->id = g->id;
	e->level = g->level;
	e->parent_id = g->level ? g->anc[g->level - 1] : 0;
	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++) {
		e->buckets[i] = st->minor.buckets[i] + st->major.buckets[i];
		e->minor += st->minor.buckets[i];
		e->major += st->major.buckets[i];
	}
	e->errors = st->errors;
	e->retries = st->retries;
	e->total_ns = st->minor.sum_ns + st->major.sum_ns;
	if (e->minor + e->major)
		e->min_ns = min(st->minor.min_ns, st->major.min_ns);
	e->max_ns = max(st->minor.max_ns, st->major.max_ns);
	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++)
		e->tlb_flushes += tlb->flush.buckets[i];
	e->tlb_flush_ns = tlb->flush.sum_ns;
	e->tlb_remote = tlb->remote;
	e->tlb_ipis = tlb->ipis;
	fl_causes_add_uapi(&e->causes, &e->causes_more, &st->cz);
	FL_PATHS_ADD(e->paths, st->paths);
}

/* records summed at once by fl_cgroup_list(): its scratch space */
#define FL_CG_CHUNK	64

/**
 * struct fl_cg_list_ctx - the sums of a chunk of records, for a list
 * @acc: a sum per record of the chunk
 * @ids: the ids of its records at the pass (0: free)
 * @base: the chunk's first record
 * @n: its records
 * @tmp: scratch space for a per-CPU share
 * @rec: scratch space for a thread record's snapshot
 */
struct fl_cg_list_ctx {
	struct fl_cg_stats *acc;
	u64 ids[FL_CG_CHUNK];
	unsigned int base;
	unsigned int n;
	struct fl_cg_cpu *tmp;
	struct fl_rec *rec;
};

static void fl_cg_list_rec(const struct fl_rec *snap, void *priv)
{
	struct fl_cg_list_ctx *ctx = priv;
	unsigned int i = snap->cg - fl_cgs;

	if (i < ctx->base || i - ctx->base >= ctx->n || !ctx->ids[i - ctx->base])
		return;
	fl_gstats_add_tstats(&ctx->acc[i - ctx->base].st, &snap->st);
	fl_tlb_stats_add_ttlb(&ctx->acc[i - ctx->base].tlb, &snap->tlb);
}

/* One pass over a chunk (fl_cg_mutex held), in fl_stable_pass(). */
static void fl_cg_list_pass(void *priv)
{
	struct fl_cg_list_ctx *ctx = priv;
	u32 gen = READ_ONCE(fl_gen);
	unsigned int k;

	for (k = 0; k < ctx->n; k++) {
		struct fl_cg *g = &fl_cgs[ctx->base + k];

		fl_cg_stats_init(&ctx->acc[k]);
		/* pairs with fl_cg_get_locked()'s release */
		ctx->ids[k] = smp_load_acquire(&g->id);
		if (ctx->ids[k])
			fl_cg_sum(g, &ctx->acc[k], ctx->tmp, gen);
	}
	fl_tasks_each_cg(fl_cg_list_rec, ctx, ctx->rec);
}

/**
 * fl_cgroup_list() - FAULTLAT_IOC_CGROUP_LIST, for a privileged caller
 * @l: the caller's struct
 *
 * Each record's own counts: its own statistics and its attached threads',
 * FL_CG_CHUNK records a pass over the thread records.
 *
 * Return: 0, or a negative errno.
 */
int fl_cgroup_list(struct faultlat_cgroup_list *l)
{
	struct faultlat_cgroup_entry *e = NULL;
	struct fl_cg_list_ctx *ctx;
	u8 __user *ubuf;
	unsigned int i, k;
	int err = 0;

	if (l->flags)
		return -EINVAL;
	if (!fl_cg_enable)
		return -ENODEV;
	if (l->capacity &&
	    (l->entry_size < offsetofend(struct faultlat_cgroup_entry,
					 tlb_ipis) ||
	     l->entry_size > FL_MAX_USIZE ||
	     l->entry_size % 8 || !l->entries))
		return -EINVAL;
	if ((u64)l->capacity * l->entry_size > INT_MAX)
		return -EINVAL;
	ubuf = u64_to_user_ptr(l->entries);
	if (l->capacity &&
	    !access_ok(ubuf, (size_t)l->capacity * l->entry_size))
		return -EFAULT;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->acc = kvmalloc_array(FL_CG_CHUNK, sizeof(*ctx->acc), GFP_KERNEL);
	ctx->tmp = kmalloc(sizeof(*ctx->tmp), GFP_KERNEL);
	ctx->rec = kmalloc(sizeof(*ctx->rec), GFP_KERNEL);
	e = kmalloc(sizeof(*e), GFP_KERNEL);
	if (!ctx->acc || !ctx->tmp || !ctx->rec || !e) {
		err = -ENOMEM;
		goto out;
	}
	l->nr = 0;
	l->total = 0;
	mutex_lock(&fl_cg_mutex);
	for (i = 0; i < fl_max_cgroups && !err; i += FL_CG_CHUNK) {
		ctx->base = i;
		ctx->n = min_t(unsigned int, FL_CG_CHUNK, fl_max_cgroups - i);
		if (l->nr < l->capacity) {
			fl_stable_pass(fl_cg_list_pass, ctx);
		} else {
			/* only counted: no sums */
			for (k = 0; k < ctx->n; k++)
				ctx->ids[k] = READ_ONCE(fl_cgs[i + k].id);
		}
		for (k = 0; k < ctx->n && !err; k++) {
			if (!ctx->ids[k])
				continue;
			l->total++;
			if (l->nr >= l->capacity)
				continue;
			fl_cg_entry(e, &fl_cgs[i + k], &ctx->acc[k]);
			err = fl_copy_elem_to_user(ubuf, e, sizeof(*e),
						   l->entry_size);
			ubuf += l->entry_size;
			l->nr++;
		}
		cond_resched();
	}
	mutex_unlock(&fl_cg_mutex);
out:
	kfree(e);
	kfree(ctx->rec);
	kfree(ctx->tmp);
	kvfree(ctx->acc);
	kfree(ctx);
	return err;
}

size_t fl_cgroups_bytes(void)
{
	if (!fl_cg_enable)
		return 0;
	return (size_t)fl_max_cgroups *
	       (sizeof(struct fl_cg) +
		num_possible_cpus() * sizeof(struct fl_cg_cpu)) +
	       (sizeof(struct hlist_head) << fl_cg_hash_bits);
}

int fl_cgroups_init(void)
{
	u32 gen = READ_ONCE(fl_gen);
	unsigned int i;
	int cpu;

	if (fl_max_cgroups < 16 || fl_max_cgroups > 65536) {
		pr_err("max_cgroups=%u out of range (16-65536)\n",
		       fl_max_cgroups);
		return -EINVAL;
	}
	if (!fl_cg_enable) {
		static_branch_disable(&fl_cg_on);
		return 0;
	}
	fl_cg_hash_bits = ilog2(roundup_pow_of_two(fl_max_cgroups));
	fl_cg_hash = kcalloc(1U << fl_cg_hash_bits, sizeof(*fl_cg_hash),
			     GFP_KERNEL);
	fl_cgs = vzalloc(array_size(fl_max_cgroups, sizeof(*fl_cgs)));
	if (!fl_cg_hash || !fl_cgs)
		goto fail;
	for (i = 0; i < fl_max_cgroups; i++) {
		struct fl_cg *g = &fl_cgs[i];

		g->pcpu = alloc_percpu(struct fl_cg_cpu);
		if (!g->pcpu)
			goto fail;
		for_each_possible_cpu(cpu) {
			struct fl_cg_cpu *cc = per_cpu_ptr(g->pcpu, cpu);

			seqcount_init(&cc->seq);
			fl_cg_zero(cc, gen);
		}
		fl_cg_stats_init(&g->folded);
		g->folded_gen = gen;
		raw_spin_lock_init(&g->lock);
		atomic_set(&g->refs, 0);
		INIT_HLIST_NODE(&g->hnode);
		g->next_free = i + 1 < fl_max_cgroups ? i + 1 : FL_CG_NONE;
	}
	for_each_possible_cpu(cpu) {
		struct fl_cg_cpu *cc = per_cpu_ptr(&fl_cg_none, cpu);

		seqcount_init(&cc->seq);
		fl_cg_zero(cc, gen);
	}
	fl_cg_free_head = 0;
	return 0;
fail:
	fl_cgroups_exit();
	return -ENOMEM;
}

/* After the probes and tracepoints are gone. */
void fl_cgroups_exit(void)
{
	unsigned int i;

	flush_work(&fl_cg_work);
	/* a record queued after the work last ran: put its cgroup */
	fl_cg_fold_work(&fl_cg_work);
	llist_del_all(&fl_cg_dead);
	if (fl_cgs) {
		for (i = 0; i < fl_max_cgroups; i++) {
			/* removed, with threads still attached */
			if (fl_cgs[i].cgrp)
				cgroup_put(fl_cgs[i].cgrp);
			free_percpu(fl_cgs[i].pcpu);
		}
		vfree(fl_cgs);
	}
	kfree(fl_cg_hash);
	fl_cgs = NULL;
	fl_cg_hash = NULL;
}
