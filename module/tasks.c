// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: the task table.
 *
 * All records are allocated at load time: max_tasks of them, threads and
 * processes alike, each CPU keeping a free list of its own (a CPU whose
 * list is empty takes from another's).  The index is a hash table of
 * chains (as many buckets as records, a power of two), each bucket with a
 * lock of its own for the writers; lookups walk a chain without a lock.
 * Records are never freed while the module is loaded, only reused: a
 * lookup that follows a record moved to another chain meanwhile ends on
 * that chain's nulls marker, not its own bucket's, and walks again
 * (include/linux/list_nulls.h).  A record's fields are written before it
 * is linked in, and a thread looks up only its own key.  Nothing on the
 * fault path, nor at a thread's exit, takes a lock or writes a counter
 * that all CPUs share: a thread's first fault takes its process's and its
 * own bucket's locks and its CPU's free list's.
 *
 * A thread's record is written only by the thread itself, in its probes,
 * under its seqcount, and is linked on its process record's list of
 * threads.  When the thread exits, it folds its record into its
 * process's record and frees its own.  The process record lives until
 * the process's leader is freed, i.e. after it was reaped, so a parent
 * can read it after waitid(WNOWAIT); it is freed once its last thread
 * record has left it.
 *
 * A reset bumps fl_gen; each writer zeroes its own statistics when it sees
 * a new generation, and readers treat stale ones as zero.
 *
 * The global totals are not counted again per fault: they are the sum of
 * every record, of the records that left the table unfolded (each CPU's
 * fl_fold_pcpu.gone: a reaped process, a thread whose process record was
 * taken) and of the per-CPU totals of the faults that had no record
 * (table full).  A fold or a removal moves counts from one place to
 * another: it happens with interrupts off inside its CPU's
 * fl_fold_pcpu.seq write section, and a global reader retries until no
 * CPU's sequence moved during its pass, so that it sees every fault
 * once, before a fold or after.  A reader that failed twice holds the
 * folds off (fl_fold_hold): a thread exiting or freed meanwhile leaves its
 * record in place, marked (@exiting, @dead), where readers still count
 * it; the reader folds those records when it is done.  Readers do not
 * keep writers waiting, and writers cannot keep a reader retrying.
 */
#include <linux/cred.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/rculist_nulls.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "cgroups.h"
#include "compat.h"
#include "faultlat.h"

unsigned int fl_max_tasks = 4096;
module_param_named(max_tasks, fl_max_tasks, uint, 0444);
MODULE_PARM_DESC(max_tasks,
		 "records for threads and processes, allocated at load (16-1048576, default 4096)");

u32 fl_gen;
u32 fl_reset_count;
struct fl_pcpu __percpu *fl_pcpu;

/**
 * struct fl_fold_pcpu - one CPU's folds and removals
 * @seq: odd while this CPU moves counts between records, or from a record
 *	to @gone; written with interrupts off (see the top of this file)
 * @gone_gen: the reset generation of @gone
 * @gone: the records this CPU removed from the table unfolded
 */
struct fl_fold_pcpu {
	seqcount_t seq;
	u32 gone_gen;
	struct fl_gstats gone;
};

static struct fl_fold_pcpu __percpu *fl_fold_pcpu;
/* readers that hold folds off, and records left to fold meanwhile */
static atomic_t fl_fold_hold = ATOMIC_INIT(0);
static atomic_t fl_dead = ATOMIC_INIT(0);

/* The record fl_task_current() found last on each CPU: a hint. */
DEFINE_PER_CPU(struct fl_rec *, fl_last_rec);
/* the hint before there is one: a record of no task */
static struct fl_rec fl_no_rec;

#define FL_NO_REC	U32_MAX

/**
 * struct fl_bucket - one chain of the index
 * @lock: taken to link or unlink a record
 * @head: the records whose key hashes here; nulls value: the bucket's index
 */
struct fl_bucket {
	raw_spinlock_t lock;
	struct hlist_nulls_head head;
};

/**
 * struct fl_free - one CPU's free records
 * @lock: taken to push or pop (interrupts off)
 * @head: the first, or FL_NO_REC; linked through fl_rec.next_free
 */
struct fl_free {
	raw_spinlock_t lock;
	u32 head;
};

static struct {
	struct fl_rec *recs;
	struct fl_bucket *buckets;
	struct fl_free __percpu *free;
	u32 bits;
} fl_tab;

/* records taken minus records given back, by CPU: their sum is in use */
static DEFINE_PER_CPU(long, fl_used);

static inline u32 fl_rec_idx(const struct fl_rec *r)
{
	return r - fl_tab.recs;
}

static inline struct fl_bucket *fl_bucket_of(u32 key)
{
	return &fl_tab.buckets[hash_32(key, fl_tab.bits)];
}

static struct fl_rec *fl_lookup(u32 key)
{
	u32 b = hash_32(key, fl_tab.bits);
	struct hlist_nulls_node *n;
	struct fl_rec *r;

again:
	hlist_nulls_for_each_entry_rcu(r, n, &fl_tab.buckets[b].head, hnode)
		if (READ_ONCE(r->key) == key)
			return r;
	/* ended on another chain: a record we followed was moved */
	if (get_nulls_value(n) != b)
		goto again;
	return NULL;
}

/* Under @b's lock: the record of @key and @start_time in @b, or NULL. */
static struct fl_rec *fl_chain_find(struct fl_bucket *b, u32 key,
				    u64 start_time)
{
	struct hlist_nulls_node *n;
	struct fl_rec *r;

	hlist_nulls_for_each_entry(r, n, &b->head, hnode)
		if (r->key == key && r->start_time == start_time)
			return r;
	return NULL;
}

/* Pop a free record: this CPU's, else another's.  Interrupts off. */
static struct fl_rec *fl_rec_alloc(void)
{
	int this = smp_processor_id(), cpu = this;
	struct fl_rec *r = NULL;

	do {
		struct fl_free *f = per_cpu_ptr(fl_tab.free, cpu);

		if (READ_ONCE(f->head) != FL_NO_REC) {
			raw_spin_lock(&f->lock);
			if (f->head != FL_NO_REC) {
				r = &fl_tab.recs[f->head];
				f->head = r->next_free;
			}
			raw_spin_unlock(&f->lock);
		}
		cpu = cpumask_next(cpu, cpu_possible_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_possible_mask);
	} while (!r && cpu != this);
	if (r)
		this_cpu_inc(fl_used);
	return r;
}

/* Push @r, out of the index and of every list, on this CPU's free list. */
static void fl_rec_release(struct fl_rec *r)
{
	struct fl_free *f;
	unsigned long flags;

	local_irq_save(flags);
	f = this_cpu_ptr(fl_tab.free);
	raw_spin_lock(&f->lock);
	r->next_free = f->head;
	f->head = fl_rec_idx(r);
	raw_spin_unlock(&f->lock);
	this_cpu_dec(fl_used);
	local_irq_restore(flags);
}

/**
 * fl_fold_begin() - begin a fold or removal section on this CPU
 * @flags: where the interrupt state is kept for fl_fold_end()
 *
 * Interrupts off (a task's free comes in a softirq), inside this CPU's
 * fl_fold_pcpu.seq write section: a reader's stable pass
 * (fl_stable_pass()) that this section overlapped is taken again.  For
 * any move of counts from one place readers sum to another: a thread
 * record into its process's, or into its cgroup's record (cgroups.c).
 *
 * Return: this CPU's fold state, for fl_fold_end().
 */
struct fl_fold_pcpu *fl_fold_begin(unsigned long *flags)
{
	struct fl_fold_pcpu *fp;

	local_irq_save(*flags);
	fp = this_cpu_ptr(fl_fold_pcpu);
	raw_write_seqcount_begin(&fp->seq);
	return fp;
}

/**
 * fl_fold_end() - end a section fl_fold_begin() began
 * @fp: what it returned
 * @flags: the interrupt state it saved
 */
void fl_fold_end(struct fl_fold_pcpu *fp, unsigned long flags)
{
	raw_write_seqcount_end(&fp->seq);
	local_irq_restore(flags);
}

/*
 * Record @r leaves the table, without being folded into another: keep its
 * statistics in this CPU's gone totals.  In a fold section; nobody writes
 * @r (its thread is gone or is current).  A retry still pending is an
 * abandoned fault.
 */
static void fl_gone_add(struct fl_fold_pcpu *fp, const struct fl_rec *r)
{
	u32 gen = READ_ONCE(fl_gen);

	if (fp->gone_gen != gen) {
		fl_gstats_init(&fp->gone);
		fp->gone_gen = gen;
	}
	if (r->gen != gen)
		return;
	fl_gstats_add_tstats(&fp->gone, &r->st);
	fp->gone.abandoned += r->retry_pending;
}

/*
 * (Re)initialise a free record for @t, whose credentials are @cred.
 * Nobody else writes it: it is on no free list and not yet in the index.
 */
static void fl_rec_fill(struct fl_rec *r, u32 key, struct task_struct *t,
			const struct cred *cred)
{
	/*
	 * raw_: no lockdep class for this section, which runs in the fault
	 * path and under a bucket's lock; a seqcount writer never waits.
	 */
	raw_write_seqcount_begin(&r->seq);
	r->tgid = t->tgid;
	r->gen = READ_ONCE(fl_gen);
	r->uid = cred->uid;
	r->euid = cred->euid;
	r->start_time = t->start_time;
	/* get_task_comm() takes task_lock(), a sleeping lock on RT. */
	memcpy(r->comm, t->comm, sizeof(r->comm));
	r->comm[sizeof(r->comm) - 1] = '\0';
	r->retry_pending = false;
	r->path_marks = 0;
	r->path_last = FL_PATH_NONE;
	r->tlb_ipi = false;
	r->dcalls = 0;
	r->dheld = false;
	r->exiting = false;
	r->dead = false;
	r->removed = false;
	r->linked = 0;
	r->proc = FL_NO_REC;
	r->tree = 0;
	r->cg_id = 0;
	r->cg = NULL;
	INIT_HLIST_NULLS_HEAD(&r->threads, fl_rec_idx(r));
	fl_tstats_init(&r->st);
	fl_ttlb_init(&r->tlb);
	WRITE_ONCE(r->key, key);
	WRITE_ONCE(r->task, key & FL_KEY_PROC ? NULL : t);
	raw_write_seqcount_end(&r->seq);
}

/*
 * Process record @p leaves the table: into this CPU's gone totals, and
 * marked removed.  Its thread records stay linked to it, and fold into
 * the gone totals when they leave.  Under its lock, in a fold section.
 * Returns true when the caller must free it (no thread record left).
 */
static bool fl_proc_drop(struct fl_fold_pcpu *fp, struct fl_rec *p)
{
	fl_gone_add(fp, p);
	WRITE_ONCE(p->key, 0);
	p->removed = true;
	return !p->linked;
}

/*
 * Take process record @p out of the index, under its bucket's lock, in a
 * fold section: it leaves the table (fl_proc_drop()), unless its tree is
 * open, which keeps it, out of the index, with its statistics, until the
 * tree is closed (fl_tree_untag()): nothing moves, and the global
 * readers go on counting it where it is.  Returns true when the caller
 * must free it.
 */
static bool fl_proc_unindex(struct fl_fold_pcpu *fp, struct fl_rec *p)
{
	bool free = false;

	raw_spin_lock(&p->lock);
	raw_write_seqcount_begin(&p->seq);
	hlist_nulls_del_init_rcu(&p->hnode);
	if (p->tree && fl_tree_live(p->tree))
		WRITE_ONCE(p->key, p->key | FL_KEY_KEPT);
	else
		free = fl_proc_drop(fp, p);
	raw_write_seqcount_end(&p->seq);
	raw_spin_unlock(&p->lock);
	if (p->dead) {
		atomic_dec(&fl_dead);
		/* a kept record is no longer the held-off reader's to fold */
		WRITE_ONCE(p->dead, false);
	}
	return free;
}

/**
 * fl_proc_remove() - a process record leaves the table
 * @key: its key
 * @start_time: its leader's start_time; 0: any leader but @keep's
 * @keep: with @start_time 0, the one leader whose record stays
 *
 * In its bucket's lock, so that only one of those who race to remove
 * the record does.
 */
static void fl_proc_remove(u32 key, u64 start_time, u64 keep)
{
	struct fl_bucket *b = fl_bucket_of(key);
	struct hlist_nulls_node *n;
	struct fl_fold_pcpu *fp;
	struct fl_rec *p, *gone = NULL;
	unsigned long flags;

	fp = fl_fold_begin(&flags);
	raw_spin_lock(&b->lock);
	hlist_nulls_for_each_entry(p, n, &b->head, hnode) {
		if (p->key != key ||
		    (start_time ? p->start_time != start_time :
				  p->start_time == keep))
			continue;
		if (fl_proc_unindex(fp, p))
			gone = p;
		break;
	}
	raw_spin_unlock(&b->lock);
	fl_fold_end(fp, flags);
	if (gone)
		fl_rec_release(gone);
}

/*
 * Before taking the bucket's lock of process key @pkey, whose leader is
 * @leader: a reused tgid whose earlier leader was not freed yet has its
 * record dropped.  Interrupts off.
 */
static void fl_proc_unstale(u32 pkey, struct task_struct *leader)
{
	struct fl_rec *p = fl_lookup(pkey);

	if (unlikely(p && READ_ONCE(p->start_time) != leader->start_time))
		fl_proc_remove(pkey, 0, leader->start_time);
}

/*
 * Under @b's lock, the bucket of process key @pkey: the record of the
 * process @leader leads, whose credentials are @cred, created if missing;
 * NULL when there is no free record.  Interrupts off.
 */
static struct fl_rec *fl_proc_get_locked(struct fl_bucket *b, u32 pkey,
					 struct task_struct *leader,
					 const struct cred *cred)
{
	struct fl_rec *p = fl_chain_find(b, pkey, leader->start_time);

	if (!p) {
		p = fl_rec_alloc();
		if (!p)
			return NULL;
		fl_rec_fill(p, pkey, leader, cred);
		hlist_nulls_add_head_rcu(&p->hnode, &b->head);
	}
	return p;
}

/*
 * The current process's record, created if missing, with @r (filled in
 * for the current thread) linked on its list.  Interrupts off.  Returns
 * false when there is no free record for it.
 */
static bool fl_proc_link(struct fl_rec *r)
{
	u32 pkey = current->tgid | FL_KEY_PROC;
	struct fl_bucket *b = fl_bucket_of(pkey);
	struct fl_rec *p;

	fl_proc_unstale(pkey, current->group_leader);
	raw_spin_lock(&b->lock);
	p = fl_proc_get_locked(b, pkey, current->group_leader, current_cred());
	if (p) {
		/*
		 * No write section: a reader's walk that misses a thread
		 * linked meanwhile read the process before the thread had a
		 * fault.
		 */
		raw_spin_lock(&p->lock);
		r->proc = fl_rec_idx(p);
		p->linked++;
		hlist_nulls_add_head_rcu(&r->tnode, &p->threads);
		raw_spin_unlock(&p->lock);
	}
	raw_spin_unlock(&b->lock);
	return p;
}

/*
 * Slow path: the current thread has no record.  Create it, and its
 * process's record if that is missing or belongs to an earlier process with
 * the same tgid.  Returns NULL when the table is full (the fault then
 * counts as dropped).
 */
static struct fl_rec *fl_task_create(void)
{
	struct fl_bucket *b = fl_bucket_of(current->pid);
	unsigned long flags;
	struct fl_rec *r;

	local_irq_save(flags);
	r = fl_rec_alloc();
	if (r) {
		fl_rec_fill(r, current->pid, current, current_cred());
		if (fl_proc_link(r)) {
			raw_spin_lock(&b->lock);
			hlist_nulls_add_head_rcu(&r->hnode, &b->head);
			raw_spin_unlock(&b->lock);
		} else {
			WRITE_ONCE(r->key, 0);
			WRITE_ONCE(r->task, NULL);
			local_irq_restore(flags);
			fl_rec_release(r);
			return NULL;
		}
	}
	local_irq_restore(flags);
	return r;
}

/* fl_pcpu_get()'s slow path: a reset happened since this CPU's last fault. */
void fl_pcpu_zero(struct fl_pcpu *pc, u32 gen)
{
	raw_write_seqcount_begin(&pc->seq);
	fl_gstats_init(&pc->st);
	pc->dropped = 0;
	pc->gen = gen;
	raw_write_seqcount_end(&pc->seq);
}

static void fl_task_remove(u32 key, u64 start_time, bool fold,
			   struct task_struct *p, const struct cred *cred);

/**
 * fl_task_lookup_current() - fl_task_current()'s slow path
 *
 * The current thread's record from the table, created when missing, and
 * remembered as this CPU's fl_last_rec.  Called from the probes only.
 *
 * Return: the record, or NULL when the table is full or current is an idle
 * task.
 */
struct fl_rec *fl_task_lookup_current(void)
{
	struct fl_rec *r;

	if (unlikely(!current->pid))
		return NULL;
	r = fl_lookup(current->pid);
	if (unlikely(r && READ_ONCE(r->task) != current)) {
		/*
		 * Left over from a thread of this pid that is gone (its free
		 * not seen yet, or held off): it leaves, as at its free.
		 */
		fl_task_remove(current->pid, READ_ONCE(r->start_time),
			       READ_ONCE(r->exiting), NULL, NULL);
		r = NULL;
	}
	if (unlikely(!r)) {
		r = fl_task_create();
		if (!r)
			return NULL;
	}
	this_cpu_write(fl_last_rec, r);
	return r;
}

/* fl_task_fresh()'s slow path: zero @r, of generation @gen from now on. */
void fl_task_zero(struct fl_rec *r, u32 gen)
{
	/* a direct entry hook runs preemptible: a writer may not be preempted */
	preempt_disable();
	write_seqcount_begin(&r->seq);
	fl_tstats_init(&r->st);
	fl_ttlb_init(&r->tlb);
	r->retry_pending = false;
	r->gen = gen;
	write_seqcount_end(&r->seq);
	preempt_enable();
}

/* The current thread's record, never created: NULL when there is none. */
struct fl_rec *fl_task_find_current(void)
{
	struct fl_rec *r;

	if (unlikely(!current->pid))
		return NULL;
	r = fl_lookup(current->pid);
	return r && r->start_time == current->start_time ? r : NULL;
}

/**
 * fl_task_find() - the record of thread @p, never created
 * @p: a thread, not current: causes.c's sched_switch probe, preemption
 *	disabled
 *
 * Return: the record, or NULL when @p has none.
 */
struct fl_rec *fl_task_find(struct task_struct *p)
{
	struct fl_rec *r = fl_lookup(p->pid);

	return r && READ_ONCE(r->task) == p ? r : NULL;
}

/**
 * fl_task_tree() - the open tree of a thread's process, for the fault event
 * @r: the current thread's record (fl_task_current()), or NULL
 *
 * A thread record is linked to its process's record (@proc, set before
 * the record was linked in, by the thread itself) until the thread
 * leaves, and a process record is not reused while a thread record is
 * linked to it: two loads, no lock.  The tag (@tree) is written at fork
 * or by FAULTLAT_TREE_OPEN, and cleared after a grace period when the
 * tree closes; fl_tree_live() leaves out one closed meanwhile.
 *
 * Return: the tree's id, or 0.
 */
u32 fl_task_tree(const struct fl_rec *r)
{
	u32 tree;

	if (!r || r->proc == FL_NO_REC)
		return 0;
	tree = READ_ONCE(fl_tab.recs[r->proc].tree);
	return fl_tree_live(tree) ? tree : 0;
}

NOKPROBE_SYMBOL(fl_task_tree);

/**
 * fl_tasks_each() - call @fn on every record, used or free
 * @fn: what to do; nothing else writes what it writes meanwhile
 *	(causes.c: its probes are detached)
 */
void fl_tasks_each(void (*fn)(struct fl_rec *r))
{
	unsigned int i;

	for (i = 0; i < fl_max_tasks; i++) {
		if (!(i % 256))
			cond_resched();
		fn(&fl_tab.recs[i]);
	}
}

/**
 * fl_task_remove() - a thread record leaves the table
 * @key: its key (the thread's pid when the record was made)
 * @start_time: the thread's start_time, to tell it from a later thread's
 * @fold: fold it into its process's record (else into the gone totals)
 * @p: the thread, or NULL when it is gone
 * @cred: the thread's credentials, which the process record takes, or NULL
 *
 * Under the record's bucket lock, so that only one of those who race to
 * remove it does, in a fold section: readers of the process and global
 * readers see the thread either in the table or folded.  The process
 * record is freed with it when it was removed and this was its last
 * thread.
 */
static void fl_task_remove(u32 key, u64 start_time, bool fold,
			   struct task_struct *p, const struct cred *cred)
{
	struct fl_bucket *b = fl_bucket_of(key);
	struct fl_rec *r, *proc, *free_proc = NULL;
	struct fl_fold_pcpu *fp;
	struct fl_cg *cg;
	unsigned long flags;
	u32 gen;

	fp = fl_fold_begin(&flags);
	raw_spin_lock(&b->lock);
	r = fl_chain_find(b, key, start_time);
	if (!r) {
		raw_spin_unlock(&b->lock);
		fl_fold_end(fp, flags);
		return;
	}
	/* its cgroup record's share of it, if attached (cgroups.c) */
	cg = fl_cg_leave(r);
	proc = &fl_tab.recs[r->proc];
	raw_spin_lock(&proc->lock);
	raw_write_seqcount_begin(&proc->seq);
	gen = READ_ONCE(fl_gen);
	if (!fold || proc->removed) {
		fl_gone_add(fp, r);
	} else {
		if (proc->gen != gen) {
			fl_tstats_init(&proc->st);
			fl_ttlb_init(&proc->tlb);
			proc->gen = gen;
		}
		if (r->gen == gen) {
			fl_tstats_add(&proc->st, &r->st);
			fl_ttlb_add(&proc->tlb, &r->tlb);
			/* a retry still pending is an abandoned fault */
			proc->st.abandoned += r->retry_pending;
		}
		if (cred) {
			proc->uid = cred->uid;
			proc->euid = cred->euid;
		}
		if (p && p->pid == p->tgid)
			memcpy(proc->comm, p->comm, sizeof(proc->comm) - 1);
	}
	hlist_nulls_del_rcu(&r->tnode);
	if (!--proc->linked && proc->removed)
		free_proc = proc;
	raw_write_seqcount_end(&proc->seq);
	raw_spin_unlock(&proc->lock);
	hlist_nulls_del_rcu(&r->hnode);
	WRITE_ONCE(r->key, 0);
	WRITE_ONCE(r->task, NULL);
	if (r->dead)
		atomic_dec(&fl_dead);
	raw_spin_unlock(&b->lock);
	fl_fold_end(fp, flags);
	fl_rec_release(r);
	if (free_proc)
		fl_rec_release(free_proc);
	fl_cg_put(cg);
}

/*
 * Folds are held off: leave record @key of @start_time in place, marked
 * exiting (a thread record), and dead if its task is gone.  Under its
 * bucket's lock, so that it is still the record we mean.
 */
static void fl_rec_defer(u32 key, u64 start_time, bool dead)
{
	struct fl_bucket *b = fl_bucket_of(key);
	unsigned long flags;
	struct fl_rec *r;

	raw_spin_lock_irqsave(&b->lock, flags);
	r = fl_chain_find(b, key, start_time);
	if (r && !(key & FL_KEY_PROC)) {
		raw_write_seqcount_begin(&r->seq);
		r->exiting = true;
		raw_write_seqcount_end(&r->seq);
	}
	if (r && dead) {
		WRITE_ONCE(r->task, NULL);
		if (!r->dead) {
			WRITE_ONCE(r->dead, true);
			atomic_inc(&fl_dead);
		}
	}
	raw_spin_unlock_irqrestore(&b->lock, flags);
}

/**
 * fl_task_exit() - a thread exits: fold its record into its process's
 * @p: the exiting thread (current)
 *
 * Called from the sched_process_exit tracepoint, after exit_mm() before
 * 6.16: the thread takes no more faults on user memory.  A retry still
 * pending is an abandoned fault.  Since 6.16 the tracepoint comes before
 * exit_mm() (FL_EXIT_BEFORE_EXIT_MM), whose mm_release() may still fault
 * on user memory (clear_child_tid, the robust futex list) and whose
 * unmapping flushes TLBs: the record is only marked exiting, so that those
 * still count in it, and its process no longer counts it as a live thread;
 * sched_process_free folds it (fl_task_free()).  So it is too while a
 * reader holds folds off.
 */
void fl_task_exit(struct task_struct *p)
{
	struct fl_rec *r = fl_lookup(p->pid);

	if (!r || r->start_time != p->start_time)
		return;
	if (FL_EXIT_BEFORE_EXIT_MM || atomic_read(&fl_fold_hold)) {
		fl_rec_defer(p->pid, p->start_time, false);
		return;
	}
	fl_task_remove(p->pid, p->start_time, true, p, current_cred());
}

/**
 * fl_task_exec() - a thread called exec
 * @p: the thread (current)
 * @old_pid: its pid before
 *
 * A thread other than the leader that calls exec takes the leader's pid
 * (de_thread()); its record under the old pid is folded like an exit's, and
 * it starts a new one under the new pid.
 */
void fl_task_exec(struct task_struct *p, pid_t old_pid)
{
	struct fl_rec *r;

	if (old_pid == p->pid)
		return;
	/* de_thread() gave us the leader's start_time: match the tgid. */
	r = fl_lookup(old_pid);
	if (!r || r->tgid != p->tgid)
		return;
	if (atomic_read(&fl_fold_hold))
		fl_rec_defer(old_pid, READ_ONCE(r->start_time), true);
	else
		fl_task_remove(old_pid, READ_ONCE(r->start_time), true, p,
			       current_cred());
}

/**
 * fl_task_free() - a task's last reference is gone
 * @p: the task
 *
 * Called from the sched_process_free tracepoint (an RCU callback).  A
 * thread's record still there is one marked exiting (folded into its
 * process's record now), or one whose exit was not seen (into the global
 * totals only).  When the group leader goes, the process was reaped: drop
 * its record.  While a reader holds folds off, both stay, marked dead,
 * and the reader folds them when it is done.
 */
void fl_task_free(struct task_struct *p)
{
	bool hold = atomic_read(&fl_fold_hold);
	struct fl_rec *r;

	r = fl_lookup(p->pid);
	if (r && r->start_time == p->start_time) {
		if (hold && r->exiting)
			fl_rec_defer(p->pid, p->start_time, true);
		else
			fl_task_remove(p->pid, p->start_time, r->exiting,
				       NULL, NULL);
	}
	if (p->pid != p->tgid)
		return;
	r = fl_lookup(p->tgid | FL_KEY_PROC);
	if (!r || r->start_time != p->start_time)
		return;
	if (hold)
		fl_rec_defer(p->tgid | FL_KEY_PROC, p->start_time, true);
	else
		fl_proc_remove(p->tgid | FL_KEY_PROC, p->start_time, 0);
}

/*
 * Fold the records left in place while folds were held off, a batch at a
 * time (process context).
 */
static void fl_fold_dead(void)
{
	unsigned int i;

	for (i = 0; i < fl_max_tasks && atomic_read(&fl_dead); i++) {
		struct fl_rec *r = &fl_tab.recs[i];
		u32 key = READ_ONCE(r->key);

		if (key && READ_ONCE(r->dead)) {
			if (key & FL_KEY_PROC)
				fl_proc_remove(key, READ_ONCE(r->start_time), 0);
			else
				fl_task_remove(key, READ_ONCE(r->start_time),
					       READ_ONCE(r->exiting), NULL,
					       NULL);
		}
		if (!(i % 256))
			cond_resched();
	}
}

/* A reader that retried twice: hold folds off, until fl_fold_release(). */
static void fl_fold_hold_off(void)
{
	atomic_inc(&fl_fold_hold);
	/* folds that start from now on see it */
	smp_mb__after_atomic();
}

static void fl_fold_release(void)
{
	if (atomic_dec_and_test(&fl_fold_hold))
		fl_fold_dead();
}

/*
 * The sum of every CPU's fold sequence, and whether one of them is in a
 * fold section.  A reader that takes it before and after a pass, equal
 * and with none in a section, saw no fold: the sequences only grow.
 */
static unsigned long fl_fold_seq_sum(bool *busy)
{
	unsigned long sum = 0;
	int cpu;

	*busy = false;
	for_each_possible_cpu(cpu) {
		unsigned int s;

		s = raw_read_seqcount(&per_cpu_ptr(fl_fold_pcpu, cpu)->seq);
		*busy |= s & 1;
		sum += s;
	}
	/* raw_read_seqcount() orders the pass after these reads */
	return sum;
}

static bool fl_fold_seq_same(unsigned long sum)
{
	bool busy;

	/* the pass's reads before these: pairs with the writers' smp_wmb() */
	smp_rmb();
	return fl_fold_seq_sum(&busy) == sum;
}

unsigned int fl_tasks_used(void)
{
	long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu(fl_used, cpu);
	return clamp_t(long, n, 0, fl_max_tasks);
}

/* Direct-traced calls in flight in threads with a record (direct.c). */
long fl_tasks_dcalls(void)
{
	unsigned int i;
	long n = 0;

	for (i = 0; i < fl_max_tasks; i++)
		n += READ_ONCE(fl_tab.recs[i].dcalls);
	return n;
}

/**
 * fl_reset() - zero every statistic
 *
 * Only bumps the generation: every writer zeroes its own statistics when it
 * sees the new one (threads in their probes, processes in the next fold,
 * CPUs in their next fault), and readers see stale ones as zero meanwhile.
 * No record is written by two writers.
 */
void fl_reset(void)
{
	WRITE_ONCE(fl_gen, READ_ONCE(fl_gen) + 1);
	WRITE_ONCE(fl_reset_count, fl_reset_count + 1);
}

/* Readers */

/*
 * May the caller read this task?  Privileged callers may read all; others
 * only tasks whose real, effective and saved uids are their own uid (the
 * uid part of ptrace's rule; ptrace_may_access() is not exported).  A live
 * task is judged by its current credentials, a gone one by the last ones
 * seen.  The snapshot's comm and uids are refreshed from a live task (it
 * may have called exec or setuid() since its record was made), so that a
 * reader is shown the identity it was judged by.
 */
static bool fl_may_read(struct fl_rec *snap, u32 pid, bool privileged)
{
	kuid_t me = current_uid();
	struct task_struct *t;
	bool ok;

	rcu_read_lock();
	t = pid_task(find_pid_ns(pid, &init_pid_ns), PIDTYPE_PID);
	if (t && t->start_time == snap->start_time) {
		const struct cred *tc = __task_cred(t);

		ok = privileged || (uid_eq(me, tc->uid) &&
				    uid_eq(me, tc->euid) &&
				    uid_eq(me, tc->suid));
		snap->uid = tc->uid;
		snap->euid = tc->euid;
		/* Like /proc/PID/comm; get_task_comm() would sleep on RT. */
		memcpy(snap->comm, t->comm, sizeof(snap->comm));
		snap->comm[sizeof(snap->comm) - 1] = '\0';
	} else {
		ok = privileged || (uid_eq(me, snap->uid) &&
				    uid_eq(me, snap->euid));
	}
	rcu_read_unlock();
	return ok;
}

/*
 * Copy a record's identity and (unless stale) its statistics, consistent
 * under its seqcount.  @snap_st may be NULL for identity only.  Returns
 * false when the record is free.
 */
static bool fl_rec_snapshot(struct fl_rec *r, struct fl_rec *snap)
{
	unsigned int seq;

	do {
		seq = raw_read_seqcount_begin(&r->seq);
		snap->key = READ_ONCE(r->key);
		snap->tgid = r->tgid;
		snap->gen = r->gen;
		snap->uid = r->uid;
		snap->euid = r->euid;
		snap->start_time = r->start_time;
		snap->exiting = r->exiting;
		snap->tree_pid = r->tree_pid;
		snap->cg = READ_ONCE(r->cg);
		memcpy(snap->comm, r->comm, sizeof(snap->comm));
		memcpy(&snap->st, &r->st, sizeof(snap->st));
		memcpy(&snap->tlb, &r->tlb, sizeof(snap->tlb));
	} while (read_seqcount_retry(&r->seq, seq));
	if (snap->gen != READ_ONCE(fl_gen)) {
		fl_tstats_init(&snap->st);
		fl_ttlb_init(&snap->tlb);
	}
	return snap->key != 0;
}

/* One pass of fl_global_records(): every record, and those gone. */
static void fl_global_pass(struct faultlat_stats *st, u64 *fallbacks,
			   struct fl_causes *cz, u64 *paths,
			   struct fl_rec *tmp)
{
	u32 gen = READ_ONCE(fl_gen);
	unsigned int i;
	int cpu;

	fl_stats_init(st);
	*fallbacks = 0;
	memset(cz, 0, sizeof(*cz));
	memset(paths, 0, FAULTLAT_NR_PATHS * sizeof(*paths));
	for (i = 0; i < fl_max_tasks; i++) {
		struct fl_rec *r = &fl_tab.recs[i];

		if (!(i % 256))
			cond_resched();
		if (!READ_ONCE(r->key) || !fl_rec_snapshot(r, tmp))
			continue;
		fl_stats_add_tstats(st, &tmp->st);
		*fallbacks += tmp->st.fallbacks;
		FL_CAUSES_ADD(cz, &tmp->st.cz);
		FL_PATHS_ADD(paths, tmp->st.paths);
	}
	for_each_possible_cpu(cpu) {
		struct fl_fold_pcpu *fp = per_cpu_ptr(fl_fold_pcpu, cpu);

		if (READ_ONCE(fp->gone_gen) != gen)
			continue;
		fl_stats_add_gstats(st, &fp->gone);
		*fallbacks += fp->gone.fallbacks;
		FL_CAUSES_ADD(cz, &fp->gone.cz);
		FL_PATHS_ADD(paths, fp->gone.paths);
	}
}

/**
 * fl_stable_pass() - run a reader's pass that no fold overlapped
 * @pass: the pass: it starts its sums from zero each time it is called
 * @priv: passed to @pass
 *
 * A pass over records between which folds move counts (fl_fold_begin()):
 * it is taken again until no CPU's fold sequence moved during it and
 * none was in a fold section when it started (see the top of this
 * file).  Preemptible; after two passes spoilt by folds, folds are held
 * off until the pass is done, and the next one that starts when no fold
 * is under way is the last.
 */
void fl_stable_pass(void (*pass)(void *priv), void *priv)
{
	unsigned int tries = 0;
	unsigned long sum;
	bool busy;

	for (;;) {
		sum = fl_fold_seq_sum(&busy);
		if (!busy) {
			pass(priv);
			if (fl_fold_seq_same(sum))
				break;
		}
		if (++tries == 2)
			fl_fold_hold_off();
		cond_resched();
	}
	if (tries >= 2)
		fl_fold_release();
}

struct fl_global_ctx {
	struct faultlat_stats *st;
	u64 *fallbacks;
	struct fl_causes *cz;
	u64 *paths;
	struct fl_rec *tmp;
};

static void fl_global_pass_fn(void *priv)
{
	struct fl_global_ctx *ctx = priv;

	fl_global_pass(ctx->st, ctx->fallbacks, ctx->cz, ctx->paths, ctx->tmp);
}

/*
 * The faults of every task that had a record: the records and the gone
 * totals, in a pass that no fold overlapped (fl_stable_pass()).
 */
static void fl_global_records(struct faultlat_stats *st, u64 *fallbacks,
			      struct fl_causes *cz, u64 *paths,
			      struct fl_rec *tmp)
{
	struct fl_global_ctx ctx = { st, fallbacks, cz, paths, tmp };

	fl_stable_pass(fl_global_pass_fn, &ctx);
}

/**
 * fl_tasks_each_cg() - call @fn on a snapshot of every thread record
 *	attached to a cgroup record
 * @fn: called with the snapshot (its statistics zero if stale), whose
 *	@cg is the record
 * @priv: passed to @fn
 * @tmp: scratch space for the snapshots
 *
 * For a cgroup reader's pass (cgroups.c): inside fl_stable_pass(), a
 * record that detaches (a fold section) spoils the pass.  Preemptible,
 * O(max_tasks).
 */
void fl_tasks_each_cg(void (*fn)(const struct fl_rec *snap, void *priv),
		      void *priv, struct fl_rec *tmp)
{
	unsigned int i;

	for (i = 0; i < fl_max_tasks; i++) {
		struct fl_rec *r = &fl_tab.recs[i];

		if (!(i % 256))
			cond_resched();
		if (!READ_ONCE(r->cg) || !fl_rec_snapshot(r, tmp) || !tmp->cg)
			continue;
		fn(tmp, priv);
	}
}

/**
 * fl_global_read() - the global totals
 * @st: where the statistics go; may be NULL
 * @fallbacks: where their fallbacks go; NULL when @st is
 * @cz: where their time by cause goes; NULL when @st is
 * @paths: where their counts by path go, [FAULTLAT_NR_PATHS]; NULL when
 *	@st is
 * @dropped: where the dropped count goes
 *
 * Every record, the records gone (fl_global_records()) and the per-CPU
 * totals of faults without a record, each CPU's copied whole under its
 * seqcount.
 */
void fl_global_read(struct faultlat_stats *st, u64 *fallbacks,
		    struct fl_causes *cz, u64 *paths, u64 *dropped)
{
	/* scratch space for one reader at a time */
	static DEFINE_MUTEX(snap_lock);
	static struct fl_gstats snap;
	static struct fl_rec tmp;
	struct fl_causes none;
	u64 no_paths[FAULTLAT_NR_PATHS];
	u32 gen = READ_ONCE(fl_gen);
	int cpu;

	if (!cz)
		cz = &none;
	if (!paths)
		paths = no_paths;
	*dropped = 0;
	mutex_lock(&snap_lock);
	if (st)
		fl_global_records(st, fallbacks, cz, paths, &tmp);
	for_each_possible_cpu(cpu) {
		struct fl_pcpu *pc = per_cpu_ptr(fl_pcpu, cpu);

		if (READ_ONCE(pc->gen) != gen)
			continue;
		*dropped += READ_ONCE(pc->dropped);
		if (!st)
			continue;
		fl_seq_copy(&pc->seq, &snap, &pc->st, sizeof(snap));
		fl_stats_add_gstats(st, &snap);
		*fallbacks += snap.fallbacks;
		FL_CAUSES_ADD(cz, &snap.cz);
		FL_PATHS_ADD(paths, snap.paths);
	}
	mutex_unlock(&snap_lock);
	if (st)
		fl_stats_finish(st);
}

static void fl_view_fill(struct fl_view *v, const struct fl_rec *snap,
			 bool process)
{
	v->pid = process ? snap->tgid : snap->key;
	v->tgid = snap->tgid;
	v->uid = from_kuid_munged(current_user_ns(), snap->uid);
	v->process = process;
	memcpy(v->comm, snap->comm, sizeof(v->comm));
}

/* The identity fl_may_read() judged the reader by, over a view's own. */
static void fl_view_ident(struct fl_view *v, const char *comm, kuid_t uid)
{
	memcpy(v->comm, comm, sizeof(v->comm));
	v->uid = from_kuid_munged(current_user_ns(), uid);
}

static void fl_view_thread(struct fl_view *v, const struct fl_rec *snap)
{
	fl_view_fill(v, snap, false);
	fl_stats_init(&v->st);
	fl_stats_add_tstats(&v->st, &snap->st);
	fl_stats_finish(&v->st);
	v->fallbacks = snap->st.fallbacks;
	memset(&v->cz, 0, sizeof(v->cz));
	FL_CAUSES_ADD(&v->cz, &snap->st.cz);
	memset(v->paths, 0, sizeof(v->paths));
	FL_PATHS_ADD(v->paths, snap->st.paths);
	fl_tlb_stats_init(&v->tlb);
	fl_tlb_stats_add_ttlb(&v->tlb, &snap->tlb);
	fl_tlb_stats_finish(&v->tlb);
	v->nr_threads = 1;
	v->exited = false;
}

/*
 * One pass over a process: its record plus its threads' (its live
 * threads, and those past their exit tracepoint whose records were not
 * folded yet).  False when the walk of its thread list was led onto
 * another's by a record that moved meanwhile.
 */
static bool fl_view_process_pass(struct fl_rec *proc, struct fl_rec *tmp,
				 struct fl_view *v)
{
	u32 tgid = proc->tgid, idx = fl_rec_idx(proc);
	struct hlist_nulls_node *n;
	struct fl_rec *r;

	fl_stats_init(&v->st);
	v->fallbacks = 0;
	memset(&v->cz, 0, sizeof(v->cz));
	memset(v->paths, 0, sizeof(v->paths));
	fl_tlb_stats_init(&v->tlb);
	v->nr_threads = 0;
	if (fl_rec_snapshot(proc, tmp)) {
		fl_view_fill(v, tmp, true);
		fl_stats_add_tstats(&v->st, &tmp->st);
		v->fallbacks += tmp->st.fallbacks;
		FL_CAUSES_ADD(&v->cz, &tmp->st.cz);
		FL_PATHS_ADD(v->paths, tmp->st.paths);
		fl_tlb_stats_add_ttlb(&v->tlb, &tmp->tlb);
	}
	hlist_nulls_for_each_entry_rcu(r, n, &proc->threads, tnode) {
		u32 key = READ_ONCE(r->key);

		if (!key || (key & FL_KEY_PROC) || READ_ONCE(r->tgid) != tgid)
			continue;
		if (!fl_rec_snapshot(r, tmp) || tmp->tgid != tgid)
			continue;
		fl_stats_add_tstats(&v->st, &tmp->st);
		v->fallbacks += tmp->st.fallbacks;
		FL_CAUSES_ADD(&v->cz, &tmp->st.cz);
		FL_PATHS_ADD(v->paths, tmp->st.paths);
		fl_tlb_stats_add_ttlb(&v->tlb, &tmp->tlb);
		/* a thread past its exit tracepoint counts, but is not live */
		v->nr_threads += !tmp->exiting;
	}
	return get_nulls_value(n) == idx;
}

/*
 * A process's view: its record (exited threads) plus its threads',
 * consistent against folds by the process record's seqcount (a fold
 * unlinks the thread in the same write section as it adds it).
 * Preemptible, without a lock: O(its threads) a pass.  After two spoilt
 * passes, folds are held off until it is done.  @tmp is scratch space.
 */
static void fl_view_process(struct fl_rec *proc, struct fl_rec *tmp,
			    struct fl_view *v)
{
	unsigned int seq, tries;
	bool done;

	for (tries = 0; ; tries++) {
		seq = raw_read_seqcount_begin(&proc->seq);
		done = fl_view_process_pass(proc, tmp, v);
		if (done && !read_seqcount_retry(&proc->seq, seq))
			break;
		if (tries == 1)
			fl_fold_hold_off();
		cond_resched();
	}
	if (tries >= 2)
		fl_fold_release();
	v->exited = !v->nr_threads;
	fl_stats_finish(&v->st);
	fl_tlb_stats_finish(&v->tlb);
}

/**
 * fl_view_task() - a reader's snapshot of one thread or process
 * @id: tid or tgid (initial pid namespace)
 * @process: @id is a tgid
 * @privileged: the caller may read every task
 * @v: the snapshot
 *
 * Return: 0, -ESRCH (no record), -EACCES (another user's task) or -ENOMEM.
 */
int fl_view_task(u32 id, bool process, bool privileged, struct fl_view *v)
{
	char comm[TASK_COMM_LEN];
	kuid_t uid;
	struct fl_rec *r, *tmp;
	int ret = 0;

	if (!id || id & FL_KEY_PROC)
		return -ESRCH;
	tmp = kmalloc(sizeof(*tmp), GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	r = fl_lookup(process ? id | FL_KEY_PROC : id);
	if (!r || !fl_rec_snapshot(r, tmp)) {
		ret = -ESRCH;
		goto out;
	}
	if (!fl_may_read(tmp, process ? tmp->tgid : tmp->key, privileged)) {
		ret = -EACCES;
		goto out;
	}
	memcpy(comm, tmp->comm, sizeof(comm));
	uid = tmp->uid;
	if (process)
		fl_view_process(r, tmp, v);
	else
		fl_view_thread(v, tmp);
	fl_view_ident(v, comm, uid);
out:
	kfree(tmp);
	return ret;
}

/**
 * fl_view_each() - call @fn on a snapshot of every record the caller may read
 * @processes_only: skip thread records
 * @privileged: the caller may read every task
 * @v: scratch space for the snapshots
 * @fn: called for each; a non-zero return stops the walk and is returned
 * @priv: passed to @fn
 *
 * Return: 0, -ENOMEM, or what @fn returned.
 */
int fl_view_each(bool processes_only, bool privileged, struct fl_view *v,
		 fl_view_fn fn, void *priv)
{
	char comm[TASK_COMM_LEN];
	kuid_t uid;
	struct fl_rec *tmp;
	unsigned int i;
	int ret = 0;

	tmp = kmalloc(sizeof(*tmp), GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	for (i = 0; i < fl_max_tasks && !ret; i++) {
		struct fl_rec *r = &fl_tab.recs[i];
		u32 key = READ_ONCE(r->key);
		bool process = key & FL_KEY_PROC;

		/* a record kept for a tree: its process was reaped */
		if (!key || (processes_only && !process) ||
		    (key & FL_KEY_KEPT))
			continue;
		if (!fl_rec_snapshot(r, tmp) || tmp->key != key)
			continue;
		if (!fl_may_read(tmp, process ? tmp->tgid : tmp->key,
				 privileged))
			continue;
		memcpy(comm, tmp->comm, sizeof(comm));
		uid = tmp->uid;
		if (process)
			fl_view_process(r, tmp, v);
		else
			fl_view_thread(v, tmp);
		fl_view_ident(v, comm, uid);
		ret = fn(v, priv);
		cond_resched();
	}
	kfree(tmp);
	return ret;
}

/* Process trees (tree.c has the trees themselves) */

/**
 * fl_task_fork() - a process of an open tree forks: its child joins it
 * @parent: the forking task (current)
 * @child: the new task, not yet woken
 *
 * Called from the sched_process_fork tracepoint, before the child runs.
 * A new process (not a thread) whose parent's record belongs to an open
 * tree gets its own record now, of the same tree; when the table is full,
 * the tree counts it as dropped.  Cost: one lookup per fork.
 */
void fl_task_fork(struct task_struct *parent, struct task_struct *child)
{
	u32 pkey = parent->tgid | FL_KEY_PROC, ckey;
	struct fl_bucket *b;
	unsigned long flags;
	struct fl_rec *r;
	u32 tree;

	if (child->pid != child->tgid)
		return;
	r = fl_lookup(pkey);
	if (!r)
		return;
	tree = READ_ONCE(r->tree);
	if (!tree || READ_ONCE(r->key) != pkey ||
	    READ_ONCE(r->start_time) != parent->group_leader->start_time ||
	    !fl_tree_live(tree))
		return;
	ckey = child->tgid | FL_KEY_PROC;
	b = fl_bucket_of(ckey);
	local_irq_save(flags);
	fl_proc_unstale(ckey, child);
	raw_spin_lock(&b->lock);
	rcu_read_lock();
	r = fl_proc_get_locked(b, ckey, child, __task_cred(child));
	rcu_read_unlock();
	if (r) {
		r->tree_pid = fl_tree_pid(tree, child);
		WRITE_ONCE(r->tree, tree);
	}
	raw_spin_unlock(&b->lock);
	local_irq_restore(flags);
	if (!r)
		fl_tree_dropped(tree);
}

/**
 * fl_tree_tag_root() - make a live process the root of tree @tree
 * @pid: its tgid (initial pid namespace)
 * @tree: the tree's id
 * @tree_pid: its tgid as the tree's opener knows it
 * @privileged: the caller may read every task
 *
 * Its record is created if it has none yet.
 *
 * Return: 0, -ESRCH (no such live process), -EACCES (another user's),
 * -EBUSY (in an open tree already) or -ENOSPC (the table is full).
 */
int fl_tree_tag_root(u32 pid, u32 tree, u32 tree_pid, bool privileged)
{
	kuid_t me = current_uid();
	const struct cred *tc;
	struct task_struct *t;
	struct fl_bucket *b;
	unsigned long flags;
	struct fl_rec *p;
	int ret = 0;
	u32 pkey;

	rcu_read_lock();
	t = pid_task(find_pid_ns(pid, &init_pid_ns), PIDTYPE_PID);
	if (!t || t->pid != t->tgid || (t->flags & PF_EXITING)) {
		ret = -ESRCH;
		goto out;
	}
	tc = __task_cred(t);
	if (!privileged && !(uid_eq(me, tc->uid) && uid_eq(me, tc->euid) &&
			     uid_eq(me, tc->suid))) {
		ret = -EACCES;
		goto out;
	}
	pkey = t->tgid | FL_KEY_PROC;
	b = fl_bucket_of(pkey);
	local_irq_save(flags);
	fl_proc_unstale(pkey, t);
	raw_spin_lock(&b->lock);
	p = fl_proc_get_locked(b, pkey, t, tc);
	if (!p) {
		ret = -ENOSPC;
	} else if (p->tree && fl_tree_live(p->tree)) {
		ret = -EBUSY;
	} else {
		p->tree_pid = tree_pid;
		WRITE_ONCE(p->tree, tree);
	}
	raw_spin_unlock(&b->lock);
	local_irq_restore(flags);
out:
	rcu_read_unlock();
	return ret;
}

/*
 * Record @p leaves tree @tree, closed: if kept, it leaves the table as
 * its reap would have taken it out (fl_proc_drop()).
 */
static void fl_tree_unkeep(struct fl_rec *p, u32 tree)
{
	struct fl_fold_pcpu *fp;
	unsigned long flags;
	bool free = false;

	fp = fl_fold_begin(&flags);
	raw_spin_lock(&p->lock);
	if (p->tree == tree) {
		if (p->key & FL_KEY_KEPT) {
			raw_write_seqcount_begin(&p->seq);
			free = fl_proc_drop(fp, p);
			raw_write_seqcount_end(&p->seq);
		}
		WRITE_ONCE(p->tree, 0);
	}
	raw_spin_unlock(&p->lock);
	fl_fold_end(fp, flags);
	if (free)
		fl_rec_release(p);
}

/**
 * fl_tree_untag() - the records of a closed tree leave it
 * @tree: its id, no longer live (fl_tree_live()), after an RCU grace
 *	period: no probe tags a record with it any more, nor keeps one
 *
 * Its kept records leave the table, its live ones stay, of no tree.
 * Preemptible: a record at a time, O(max_tasks).
 */
void fl_tree_untag(u32 tree)
{
	unsigned int i;

	for (i = 0; i < fl_max_tasks; i++) {
		struct fl_rec *r = &fl_tab.recs[i];

		if (!(i % 256))
			cond_resched();
		if (READ_ONCE(r->tree) == tree)
			fl_tree_unkeep(r, tree);
	}
}

/**
 * fl_tree_each() - call @fn on a view of every process of tree @tree
 * @tree: its id
 * @privileged: the caller may read every task
 * @v: scratch space for the views
 * @fn: called for each process the caller may read; a non-zero return
 *	stops the walk and is returned
 * @priv: passed to @fn
 * @hidden: incremented for each process the caller may not read
 *
 * The tree's owner calls it, which cannot close the tree meanwhile: its
 * kept records stay.  Preemptible, O(max_tasks).
 *
 * Return: 0, -ENOMEM, or what @fn returned.
 */
int fl_tree_each(u32 tree, bool privileged, struct fl_view *v,
		 fl_view_fn fn, void *priv, u32 *hidden)
{
	char comm[TASK_COMM_LEN];
	struct fl_rec *tmp;
	unsigned int i;
	u32 tree_pid;
	kuid_t uid;
	int ret = 0;

	tmp = kmalloc(sizeof(*tmp), GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	for (i = 0; i < fl_max_tasks && !ret; i++) {
		struct fl_rec *r = &fl_tab.recs[i];
		u32 key = READ_ONCE(r->key);

		if (!(i % 256))
			cond_resched();
		if (!(key & FL_KEY_PROC) || READ_ONCE(r->tree) != tree)
			continue;
		if (!fl_rec_snapshot(r, tmp) ||
		    (tmp->key | FL_KEY_KEPT) != (key | FL_KEY_KEPT))
			continue;
		if (!fl_may_read(tmp, tmp->tgid, privileged)) {
			(*hidden)++;
			continue;
		}
		memcpy(comm, tmp->comm, sizeof(comm));
		uid = tmp->uid;
		tree_pid = tmp->tree_pid;
		/* which takes @tmp for its threads' snapshots */
		fl_view_process(r, tmp, v);
		fl_view_ident(v, comm, uid);
		v->pid = tree_pid;
		ret = fn(v, priv);
	}
	kfree(tmp);
	return ret;
}

/**
 * fl_tasks_init() - allocate the task table and the per-CPU totals
 *
 * max_tasks is checked against a fixed range only, and its top (about
 * 1.8 GiB of records) is more than a small machine has: refuse a table
 * of more than half the memory, and let a failed allocation be a quiet
 * -ENOMEM, not an allocation-failure splat in the kernel log.
 *
 * Return: 0, or -ENOMEM.
 */
int fl_tasks_init(void)
{
	size_t recs = array_size(fl_max_tasks, sizeof(*fl_tab.recs));
	unsigned int i, nb;
	int cpu;

	if (recs > (totalram_pages() << PAGE_SHIFT) / 2) {
		pr_err("max_tasks=%u needs %zu MiB, over half the memory\n",
		       fl_max_tasks, recs >> 20);
		return -ENOMEM;
	}
	fl_tab.bits = ilog2(roundup_pow_of_two(fl_max_tasks));
	nb = 1U << fl_tab.bits;
	fl_tab.recs = __vmalloc(recs, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	fl_tab.buckets = kvcalloc(nb, sizeof(*fl_tab.buckets),
				  GFP_KERNEL | __GFP_NOWARN);
	fl_tab.free = alloc_percpu(struct fl_free);
	fl_fold_pcpu = alloc_percpu(struct fl_fold_pcpu);
	fl_pcpu = alloc_percpu(struct fl_pcpu);
	if (!fl_tab.recs || !fl_tab.buckets || !fl_tab.free || !fl_fold_pcpu ||
	    !fl_pcpu) {
		fl_tasks_exit();
		return -ENOMEM;
	}
	for (i = 0; i < nb; i++) {
		raw_spin_lock_init(&fl_tab.buckets[i].lock);
		INIT_HLIST_NULLS_HEAD(&fl_tab.buckets[i].head, i);
	}
	for_each_possible_cpu(cpu) {
		struct fl_free *f = per_cpu_ptr(fl_tab.free, cpu);

		raw_spin_lock_init(&f->lock);
		f->head = FL_NO_REC;
	}
	/* the records dealt out to the CPUs' free lists in turn */
	cpu = cpumask_first(cpu_possible_mask);
	for (i = 0; i < fl_max_tasks; i++) {
		struct fl_rec *r = &fl_tab.recs[i];
		struct fl_free *f = per_cpu_ptr(fl_tab.free, cpu);

		seqcount_init(&r->seq);
		raw_spin_lock_init(&r->lock);
		r->next_free = f->head;
		f->head = i;
		cpu = cpumask_next(cpu, cpu_possible_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_possible_mask);
	}
	for_each_possible_cpu(cpu)
		per_cpu(fl_used, cpu) = 0;
	atomic_set(&fl_fold_hold, 0);
	atomic_set(&fl_dead, 0);
	for_each_possible_cpu(cpu)
		per_cpu(fl_last_rec, cpu) = &fl_no_rec;
	for_each_possible_cpu(cpu) {
		struct fl_fold_pcpu *fp = per_cpu_ptr(fl_fold_pcpu, cpu);
		struct fl_pcpu *pc = per_cpu_ptr(fl_pcpu, cpu);

		seqcount_init(&fp->seq);
		fl_gstats_init(&fp->gone);
		fp->gone_gen = READ_ONCE(fl_gen);
		seqcount_init(&pc->seq);
		fl_gstats_init(&pc->st);
	}
	return 0;
}

void fl_tasks_exit(void)
{
	free_percpu(fl_pcpu);
	fl_pcpu = NULL;
	free_percpu(fl_fold_pcpu);
	fl_fold_pcpu = NULL;
	free_percpu(fl_tab.free);
	fl_tab.free = NULL;
	kvfree(fl_tab.buckets);
	fl_tab.buckets = NULL;
	vfree(fl_tab.recs);
	fl_tab.recs = NULL;
}

/* The memory the table takes, for the summary. */
size_t fl_tasks_bytes(void)
{
	return array_size(fl_max_tasks, sizeof(struct fl_rec)) +
	       (sizeof(struct fl_bucket) << fl_tab.bits) +
	       num_possible_cpus() * (sizeof(struct fl_pcpu) +
				      sizeof(struct fl_fold_pcpu) +
				      sizeof(struct fl_free));
}
