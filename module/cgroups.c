// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: the cgroup records.
 *
 * Every fault is also counted in the record of the cgroup (v2) its task is
 * in when the fault ends.  A record holds the cgroup's id, its ancestors'
 * ids (a query on a cgroup adds up its descendants' records without
 * walking the kernel's cgroups) and per-CPU statistics (struct fl_cg_cpu),
 * each written by its own CPU in the return hook.  Records are
 * preallocated (max_cgroups) and found by id in a hash of RCU lists; the
 * first fault of a cgroup without one takes a free one under fl_cg_lock:
 * a hash insertion and a walk up at most FAULTLAT_CGROUP_MAX_LEVEL
 * parents, whatever the number of tasks or cgroups.  A thread's record
 * caches its cgroup's (cgroups.h), so most faults look nothing up.
 *
 * A removed cgroup (the cgroup_rmdir tracepoint: it has no task left)
 * leaves the hash at once.  A work item then waits for an RCU grace
 * period, for a return hook that read the cgroup before its last task
 * left, and moves the record's counts to the record of the nearest live
 * ancestor, as memcg's statistics stay in the parent of a removed cgroup:
 * a query on an ancestor keeps counting them.  Readers and that work
 * serialize on fl_cg_mutex, so that a reader sees the counts once, before
 * or after the move.  A reset bumps fl_gen, as for the task records:
 * writers zero their own share when they see it, readers take stale
 * shares for zero.
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
 * @pcpu: the per-CPU statistics
 * @folded_gen: reset generation of @folded
 * @folded: the statistics of removed descendants (fl_cg_mutex)
 */
struct fl_cg {
	u64 id;
	u32 level;
	u64 anc[FL_CG_LEVELS];
	struct hlist_node hnode;
	u32 next_free;
	struct llist_node dead;
	struct cgroup *cgrp;
	struct fl_cg_cpu __percpu *pcpu;
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

/**
 * fl_cg_lookup() - fl_cg_get()'s slow path: this CPU's share of the
 *	current task's cgroup record, made if missing
 * @r: the thread's record, whose cache is refreshed; or NULL
 * @id: the task's cgroup's id
 *
 * Return: the share, zeroed if a reset happened since its last write; or
 * this CPU's share of the faults of no record (the table is full).
 */
struct fl_cg_cpu *fl_cg_lookup(struct fl_rec *r, u64 id)
{
	struct cgroup *cgrp = rcu_dereference_sched(current->cgroups)->dfl_cgrp;
	u32 gen = READ_ONCE(fl_gen);
	struct fl_cg_cpu *cc;
	unsigned long flags;
	struct fl_cg *g;

	cgrp = fl_cg_counted(cgrp);
	g = fl_cg_find(cgroup_id(cgrp));
	if (!g) {
		raw_spin_lock_irqsave(&fl_cg_lock, flags);
		g = fl_cg_get_locked(cgrp);
		raw_spin_unlock_irqrestore(&fl_cg_lock, flags);
	}
	if (r) {
		/* a thread of no record looks again at its next fault */
		r->cg_id = g ? id : 0;
		r->cg_pcpu = g ? g->pcpu : NULL;
	}
	cc = g ? this_cpu_ptr(g->pcpu) : this_cpu_ptr(&fl_cg_none);
	if (cc->gen != gen)
		fl_cg_zero(cc, gen);
	return cc;
}

NOKPROBE_SYMBOL(fl_cg_lookup);

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

void fl_cg_zero(struct fl_cg_cpu *cc, u32 gen)
{
	fl_cg_stats_init(&cc->s);
	cc->gen = gen;
}

NOKPROBE_SYMBOL(fl_cg_zero);

/**
 * fl_cg_count() - count a fault in its cgroup, out of line: for the
 *	return hook's less common cases
 * @r: the thread's record, or NULL
 * @s: the fault, if it completed
 * @error: it ended in an error
 * @retry: the call returned VM_FAULT_RETRY (@fallback: under the VMA lock)
 * @fallback: see @retry
 * @abandoned: faults this call tells were given up
 */
void fl_cg_count(struct fl_rec *r, const struct fl_sample s, bool error,
		 bool retry, bool fallback, unsigned int abandoned)
{
	struct fl_cg_cpu *cc;

	if (!static_branch_likely(&fl_cg_on))
		return;
	cc = r ? fl_cg_get(r) : fl_cg_lookup(NULL, 0);
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
 * fl_cg_tlb_flush() - count a flush_tlb_mm_range() call in its cgroup
 * @r: the thread's record, or NULL
 * @ns: its latency
 * @full: a flush of the whole address space
 * @pages: else, the pages of the range
 * @remote: it sent IPIs
 */
void fl_cg_tlb_flush(struct fl_rec *r, u64 ns, bool full, u64 pages,
		     bool remote)
{
	struct fl_cg_cpu *cc;

	if (!static_branch_likely(&fl_cg_on))
		return;
	cc = r ? fl_cg_get(r) : fl_cg_lookup(NULL, 0);
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
 * fl_cg_tlb_ipi() - count an IPI function call in its cgroup
 * @r: the thread's record, or NULL
 * @targets: the other CPUs it targeted
 */
void fl_cg_tlb_ipi(struct fl_rec *r, u32 targets)
{
	struct fl_cg_cpu *cc;

	if (!static_branch_likely(&fl_cg_on))
		return;
	cc = r ? fl_cg_get(r) : fl_cg_lookup(NULL, 0);
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
		queue_work(system_unbound_wq, &fl_cg_work);
}

/* Add record @g's statistics, as of now, to @sum (fl_cg_mutex). */
static void fl_cg_sum(struct fl_cg *g, struct fl_cg_stats *sum,
		      struct fl_cg_cpu *tmp, u32 gen)
{
	int cpu;

	lockdep_assert_held(&fl_cg_mutex);
	if (g->folded_gen == gen)
		fl_cg_stats_add(sum, &g->folded);
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
		if (to->folded_gen != gen) {
			fl_cg_stats_init(&to->folded);
			to->folded_gen = gen;
		}
		fl_cg_stats_add(&to->folded, sum);
	} else {
		fl_cg_drop(&fl_cg_fold_drops, fl_gstats_faults(&sum->st), gen);
	}

	/* Nobody writes @g any more: the grace period is over. */
	for_each_possible_cpu(cpu)
		fl_cg_zero(per_cpu_ptr(g->pcpu, cpu), gen);
	fl_cg_stats_init(&g->folded);
	g->folded_gen = gen;
	cgroup_put(g->cgrp);
	g->cgrp = NULL;

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
		if (sum && tmp) {
			fl_cg_fold(g, sum, tmp);
			continue;
		}
		/* No memory: try again later, nothing is lost meanwhile. */
		llist_add(&g->dead, &fl_cg_dead);
	}
	mutex_unlock(&fl_cg_mutex);
	if (!sum || !tmp)
		queue_work(system_unbound_wq, &fl_cg_work);
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
 * fl_cgroup_read() - FAULTLAT_IOC_CGROUP
 * @c: the caller's struct (fd in; the rest out)
 * @privileged: the caller has CAP_PERFMON or CAP_SYS_ADMIN
 *
 * Return: 0, or a negative errno of the uapi header's table.
 */
int fl_cgroup_read(struct faultlat_cgroup *c, bool privileged)
{
	bool own = c->flags & FAULTLAT_CGROUP_OWN;
	u32 gen = READ_ONCE(fl_gen);
	struct fl_cg_cpu *tmp = NULL;
	struct fl_cg_stats *sum = NULL;
	struct cgroup *cgrp;
	struct file *f;
	unsigned int i, level;
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
		return -EBADF;
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
	if (!sum || !tmp) {
		err = -ENOMEM;
		goto out;
	}
	fl_cg_stats_init(sum);
	c->id = id;
	c->level = level;
	c->nr_records = 0;
	mutex_lock(&fl_cg_mutex);
	for (i = 0; i < fl_max_cgroups; i++) {
		struct fl_cg *g = &fl_cgs[i];

		/*
		 * Pairs with fl_cg_get_locked()'s release; a record being
		 * made now has no fault in it yet.
		 */
		if (smp_load_acquire(&g->id) == 0)
			continue;
		if (own ? g->id != id :
			  g->level < level || g->anc[level] != id)
			continue;
		fl_cg_sum(g, sum, tmp, gen);
		c->nr_records++;
		cond_resched();
	}
	mutex_unlock(&fl_cg_mutex);
	fl_stats_init(&c->stats);
	fl_stats_add_gstats(&c->stats, &sum->st);
	fl_stats_finish(&c->stats);
	c->fallbacks = sum->st.fallbacks;
	fl_tlb_stats_init(&c->tlb);
	fl_tlb_stats_add(&c->tlb, &sum->tlb);
	fl_tlb_stats_finish(&c->tlb);
out:
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
}

/**
 * fl_cgroup_list() - FAULTLAT_IOC_CGROUP_LIST, for a privileged caller
 * @l: the caller's struct
 *
 * Return: 0, or a negative errno.
 */
int fl_cgroup_list(struct faultlat_cgroup_list *l)
{
	u32 gen = READ_ONCE(fl_gen);
	struct faultlat_cgroup_entry *e;
	struct fl_cg_stats *sum;
	struct fl_cg_cpu *tmp;
	u8 __user *ubuf;
	unsigned int i;
	int err = 0;

	if (l->flags)
		return -EINVAL;
	if (!fl_cg_enable)
		return -ENODEV;
	if (l->capacity &&
	    (l->entry_size < sizeof(*e) || l->entry_size > FL_MAX_USIZE ||
	     l->entry_size % 8 || !l->entries))
		return -EINVAL;
	if ((u64)l->capacity * l->entry_size > INT_MAX)
		return -EINVAL;
	ubuf = u64_to_user_ptr(l->entries);
	if (l->capacity &&
	    !access_ok(ubuf, (size_t)l->capacity * l->entry_size))
		return -EFAULT;

	sum = kmalloc(sizeof(*sum), GFP_KERNEL);
	tmp = kmalloc(sizeof(*tmp), GFP_KERNEL);
	e = kmalloc(sizeof(*e), GFP_KERNEL);
	if (!sum || !tmp || !e) {
		err = -ENOMEM;
		goto out;
	}
	l->nr = 0;
	l->total = 0;
	mutex_lock(&fl_cg_mutex);
	for (i = 0; i < fl_max_cgroups && !err; i++) {
		struct fl_cg *g = &fl_cgs[i];

		/* pairs with fl_cg_get_locked()'s release */
		if (smp_load_acquire(&g->id) == 0)
			continue;
		l->total++;
		if (l->nr >= l->capacity)
			continue;
		fl_cg_stats_init(sum);
		fl_cg_sum(g, sum, tmp, gen);
		fl_cg_entry(e, g, sum);
		err = fl_copy_elem_to_user(ubuf, e, sizeof(*e), l->entry_size);
		ubuf += l->entry_size;
		l->nr++;
		cond_resched();
	}
	mutex_unlock(&fl_cg_mutex);
out:
	kfree(e);
	kfree(tmp);
	kfree(sum);
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
	if (fl_cgs) {
		for (i = 0; i < fl_max_cgroups; i++)
			free_percpu(fl_cgs[i].pcpu);
		vfree(fl_cgs);
	}
	kfree(fl_cg_hash);
	fl_cgs = NULL;
	fl_cg_hash = NULL;
}
