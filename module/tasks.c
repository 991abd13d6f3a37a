// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: the task table.
 *
 * All records are allocated at load time: max_tasks of them, threads and
 * processes alike.  An open-addressing index (twice as many slots, a power
 * of two) maps a key to its record.  Lookups take no lock: a record's
 * fields are written before its index slot is published (release), and a
 * thread looks up only its own key, which nobody else inserts or removes.
 * Inserting and removing take one raw spinlock (allowed on PREEMPT_RT, and
 * taken only when a task is first seen or exits, never per fault).
 *
 * A thread's record is written only by the thread itself, in its probes,
 * under its seqcount.  When the thread exits, it folds its record into its
 * process's record (created together with the first thread record of the
 * process, so the fold never needs a free record) and frees its own.  The
 * process record lives until the process's leader is freed, i.e. after it
 * was reaped, so a parent can read it after waitid(WNOWAIT).
 *
 * A reset bumps fl_gen; each writer zeroes its own statistics when it sees
 * a new generation, and readers treat stale ones as zero.
 *
 * The global totals are not counted again per fault: they are the sum of
 * every record, of the records that left the table unfolded (fl_gone: a
 * reaped process, a thread whose process record was taken) and of the
 * per-CPU totals of the faults that had no record (table full).  Folds and
 * removals happen under fl_fold_lock, inside fl_fold_seq's write section,
 * so that a global reader sees every fault once: before a fold or after.
 */
#include <linux/cred.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "faultlat.h"

unsigned int fl_max_tasks = 4096;
module_param_named(max_tasks, fl_max_tasks, uint, 0444);
MODULE_PARM_DESC(max_tasks,
		 "records for threads and processes, allocated at load (16-1048576, default 4096)");

u32 fl_gen;
u32 fl_reset_count;
struct fl_pcpu __percpu *fl_pcpu;

/*
 * Folds and removals, against global readers (see the top of this file).
 * Its writers take fl_fold_lock, also from an RCU callback (softirq:
 * fl_task_free()), and write a record's seqcount inside, which the fault
 * path writes with interrupts on: to lockdep, one class of seqcount for
 * every record, that looks like an interrupt-unsafe lock under an
 * interrupt-safe one.  A seqcount writer never waits, so there is no
 * deadlock to find: the sections under fl_fold_lock, and the readers
 * that may run under it, use the raw_ (unannotated) seqcount calls.
 */
static DEFINE_RAW_SPINLOCK(fl_fold_lock);
static seqcount_raw_spinlock_t fl_fold_seq =
	SEQCNT_RAW_SPINLOCK_ZERO(fl_fold_seq, &fl_fold_lock);
/* records gone from the table unfolded, of generation fl_gone_gen */
static struct fl_gstats fl_gone;
static u32 fl_gone_gen;

/* The record fl_task_current() found last on each CPU: a hint. */
DEFINE_PER_CPU(struct fl_rec *, fl_last_rec);
/* the hint before there is one: a record of no task */
static struct fl_rec fl_no_rec;

#define FL_EMPTY	0ULL
#define FL_TOMB		(~0ULL)
#define FL_ENTRY(key, idx)	(((u64)(key) << 32) | ((idx) + 1))
#define FL_ENTRY_KEY(e)		((u32)((e) >> 32))
#define FL_ENTRY_IDX(e)		((u32)(e) - 1)

static struct {
	raw_spinlock_t lock;	/* index and free list writers */
	struct fl_rec *recs;
	u32 *free;		/* stack of free record indexes */
	u32 nfree;
	u64 *index;
	u32 bits;
	u32 max_disp;		/* longest probe sequence ever inserted */
} fl_tab;

static inline u32 fl_home(u32 key)
{
	return hash_32(key, fl_tab.bits);
}

static struct fl_rec *fl_lookup(u32 key)
{
	u32 mask = (1U << fl_tab.bits) - 1, h = fl_home(key);
	u32 d, n = READ_ONCE(fl_tab.max_disp);

	for (d = 0; d <= n; d++) {
		/* Pairs with fl_index_insert(): the record is ready. */
		u64 e = smp_load_acquire(&fl_tab.index[(h + d) & mask]);

		if (e == FL_EMPTY)
			break;
		if (e != FL_TOMB && FL_ENTRY_KEY(e) == key)
			return &fl_tab.recs[FL_ENTRY_IDX(e)];
	}
	return NULL;
}

/* Under fl_tab.lock.  The record must be fully initialised. */
static void fl_index_insert(u32 key, u32 idx)
{
	u32 mask = (1U << fl_tab.bits) - 1, h = fl_home(key), d;

	for (d = 0; ; d++) {
		u64 *slot = &fl_tab.index[(h + d) & mask];

		if (*slot == FL_EMPTY || *slot == FL_TOMB) {
			if (d > fl_tab.max_disp)
				WRITE_ONCE(fl_tab.max_disp, d);
			/* Publish the record only once it is filled in. */
			smp_store_release(slot, FL_ENTRY(key, idx));
			return;
		}
	}
}

/* Under fl_tab.lock. */
static void fl_index_remove(struct fl_rec *r)
{
	u32 mask = (1U << fl_tab.bits) - 1, h = fl_home(r->key), d;
	u32 idx = r - fl_tab.recs;

	for (d = 0; d <= fl_tab.max_disp; d++) {
		u64 *slot = &fl_tab.index[(h + d) & mask];

		if (*slot == FL_ENTRY(r->key, idx)) {
			WRITE_ONCE(*slot, FL_TOMB);
			break;
		}
	}
	WRITE_ONCE(r->key, 0);
	WRITE_ONCE(r->task, NULL);
	fl_tab.free[fl_tab.nfree++] = idx;
}

/*
 * Record @r leaves the table, or starts anew, without being folded into
 * another: keep its statistics in fl_gone for the global totals.  Under
 * fl_fold_lock, in fl_fold_seq's write section; nobody writes @r (its
 * thread is gone or is current).  A retry still pending is an abandoned
 * fault.
 */
static void fl_gone_add(const struct fl_rec *r)
{
	u32 gen = READ_ONCE(fl_gen);

	if (fl_gone_gen != gen) {
		fl_gstats_init(&fl_gone);
		fl_gone_gen = gen;
	}
	if (r->gen != gen)
		return;
	fl_gstats_add_tstats(&fl_gone, &r->st);
	fl_gone.abandoned += r->retry_pending;
}

/*
 * (Re)initialise a record for @t.  Only ever called on a record nobody else
 * writes: a free one (under fl_tab.lock), or the current thread's own.
 */
static void fl_rec_fill(struct fl_rec *r, u32 key, struct task_struct *t)
{
	const struct cred *cred = current_cred();

	/*
	 * raw_: no lockdep class for this section.  It runs under
	 * fl_tab.lock for a free record, while a fold takes fl_tab.lock
	 * inside a process record's section: one seqcount class for all
	 * records makes that look circular to lockdep, but a seqcount writer
	 * never waits (and is never nested in another record's section here).
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
	r->tlb_ipi = false;
	r->dcalls = 0;
	r->dheld = false;
	r->exiting = false;
	fl_tstats_init(&r->st);
	fl_ttlb_init(&r->tlb);
	WRITE_ONCE(r->key, key);
	WRITE_ONCE(r->task, key & FL_KEY_PROC ? NULL : t);
	raw_write_seqcount_end(&r->seq);
}

/*
 * Slow path: the current thread has no record.  Create it, and its
 * process's record if that is missing or belongs to an earlier process with
 * the same tgid.  Returns NULL when the table is full (the fault then
 * counts as dropped).
 */
static struct fl_rec *fl_task_create(void)
{
	struct task_struct *leader = current->group_leader;
	u32 pkey = current->tgid | FL_KEY_PROC;
	struct fl_rec *r = NULL, *p;
	unsigned long irqflags;

	if (!READ_ONCE(fl_tab.nfree))
		return NULL;

	raw_spin_lock_irqsave(&fl_fold_lock, irqflags);
	raw_write_seqcount_begin(&fl_fold_seq);
	raw_spin_lock(&fl_tab.lock);
	p = fl_lookup(pkey);
	if (p && p->start_time != leader->start_time) {
		/*
		 * A reused tgid whose earlier leader was not freed yet: every
		 * thread of that process is gone, nobody writes its record.
		 */
		fl_gone_add(p);
		fl_index_remove(p);
		p = NULL;
	}
	if (fl_tab.nfree < (p ? 1 : 2))
		goto out;
	if (!p) {
		p = &fl_tab.recs[fl_tab.free[--fl_tab.nfree]];
		fl_rec_fill(p, pkey, leader);
		fl_index_insert(pkey, p - fl_tab.recs);
	}
	r = &fl_tab.recs[fl_tab.free[--fl_tab.nfree]];
	fl_rec_fill(r, current->pid, current);
	fl_index_insert(current->pid, r - fl_tab.recs);
out:
	raw_spin_unlock(&fl_tab.lock);
	raw_write_seqcount_end(&fl_fold_seq);
	raw_spin_unlock_irqrestore(&fl_fold_lock, irqflags);
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
	unsigned long irqflags;
	struct fl_rec *r;

	if (unlikely(!current->pid))
		return NULL;
	r = fl_lookup(current->pid);
	if (unlikely(r && (r->task != current ||
			   r->start_time != current->start_time))) {
		/* Left over from a thread whose exit we missed: start anew. */
		raw_spin_lock_irqsave(&fl_fold_lock, irqflags);
		raw_write_seqcount_begin(&fl_fold_seq);
		fl_gone_add(r);
		fl_rec_fill(r, current->pid, current);
		raw_write_seqcount_end(&fl_fold_seq);
		raw_spin_unlock_irqrestore(&fl_fold_lock, irqflags);
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

/*
 * Add record @r of thread @p into its process's record @proc and free it,
 * under fl_fold_lock in fl_fold_seq's write section.  @cred: the thread's
 * credentials, which the process record takes, or NULL (not current).
 */
static void fl_fold_into(struct fl_rec *proc, struct fl_rec *r,
			 struct task_struct *p, const struct cred *cred)
{
	u32 gen;

	raw_spin_lock(&proc->lock);
	raw_write_seqcount_begin(&proc->seq);
	gen = READ_ONCE(fl_gen);
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
	if (p->pid == p->tgid)
		memcpy(proc->comm, p->comm, sizeof(proc->comm) - 1);
	raw_spin_lock(&fl_tab.lock);
	fl_index_remove(r);
	raw_spin_unlock(&fl_tab.lock);
	raw_write_seqcount_end(&proc->seq);
	raw_spin_unlock(&proc->lock);
}

/* Under fl_fold_lock, in fl_fold_seq's write section: @r into fl_gone. */
static void fl_gone_remove(struct fl_rec *r)
{
	fl_gone_add(r);
	raw_spin_lock(&fl_tab.lock);
	fl_index_remove(r);
	raw_spin_unlock(&fl_tab.lock);
}

/*
 * Fold record @r of thread @p (current) into its process's record and free
 * it.  Readers of the process see the thread either live or folded.
 */
static void fl_task_fold(struct task_struct *p, struct fl_rec *r)
{
	struct fl_rec *proc = fl_lookup(p->tgid | FL_KEY_PROC);
	unsigned long irqflags;

	raw_spin_lock_irqsave(&fl_fold_lock, irqflags);
	raw_write_seqcount_begin(&fl_fold_seq);
	if (proc)
		fl_fold_into(proc, r, p, current_cred());
	else
		/* Only if the process record was taken by a reused tgid. */
		fl_gone_remove(r);
	raw_write_seqcount_end(&fl_fold_seq);
	raw_spin_unlock_irqrestore(&fl_fold_lock, irqflags);
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
 * sched_process_free folds it (fl_task_free()).
 */
void fl_task_exit(struct task_struct *p)
{
	struct fl_rec *r = fl_lookup(p->pid);

	if (!r || r->start_time != p->start_time)
		return;
	if (FL_EXIT_BEFORE_EXIT_MM) {
		raw_write_seqcount_begin(&r->seq);
		r->exiting = true;
		raw_write_seqcount_end(&r->seq);
		return;
	}
	fl_task_fold(p, r);
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
	if (r && r->tgid == p->tgid)
		fl_task_fold(p, r);
}

/**
 * fl_task_free() - a task's last reference is gone
 * @p: the task
 *
 * Called from the sched_process_free tracepoint (an RCU callback).  A
 * thread's record still there is one marked exiting (folded into its
 * process's record now), or one whose exit was not seen (into the global
 * totals only).  When the group leader goes, the process was reaped: drop
 * its record.
 */
void fl_task_free(struct task_struct *p)
{
	struct fl_rec *r, *proc;
	unsigned long irqflags;

	raw_spin_lock_irqsave(&fl_fold_lock, irqflags);
	raw_write_seqcount_begin(&fl_fold_seq);
	r = fl_lookup(p->pid);
	if (r && r->start_time == p->start_time) {
		proc = r->exiting ? fl_lookup(p->tgid | FL_KEY_PROC) : NULL;
		if (proc)
			fl_fold_into(proc, r, p, NULL);
		else
			fl_gone_remove(r);
	}
	raw_spin_lock(&fl_tab.lock);
	if (p->pid == p->tgid) {
		r = fl_lookup(p->tgid | FL_KEY_PROC);
		if (r && r->start_time == p->start_time) {
			fl_gone_add(r);
			fl_index_remove(r);
		}
	}
	raw_spin_unlock(&fl_tab.lock);
	raw_write_seqcount_end(&fl_fold_seq);
	raw_spin_unlock_irqrestore(&fl_fold_lock, irqflags);
}

unsigned int fl_tasks_used(void)
{
	return fl_max_tasks - READ_ONCE(fl_tab.nfree);
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
			   struct fl_rec *tmp)
{
	unsigned int i;

	fl_stats_init(st);
	*fallbacks = 0;
	for (i = 0; i < fl_max_tasks; i++) {
		struct fl_rec *r = &fl_tab.recs[i];

		if (!READ_ONCE(r->key) || !fl_rec_snapshot(r, tmp))
			continue;
		fl_stats_add_tstats(st, &tmp->st);
		*fallbacks += tmp->st.fallbacks;
	}
	if (fl_gone_gen == READ_ONCE(fl_gen)) {
		fl_stats_add_gstats(st, &fl_gone);
		*fallbacks += fl_gone.fallbacks;
	}
}

/*
 * The faults of every task that had a record: the records and fl_gone,
 * consistent against folds and removals by fl_fold_seq.
 */
static void fl_global_records(struct faultlat_stats *st, u64 *fallbacks,
			      struct fl_rec *tmp)
{
	unsigned long irqflags;
	unsigned int seq, tries;

	for (tries = 0; tries < 4; tries++) {
		seq = raw_read_seqcount_begin(&fl_fold_seq);
		fl_global_pass(st, fallbacks, tmp);
		if (!read_seqcount_retry(&fl_fold_seq, seq))
			return;
	}
	/* Threads keep exiting: hold their folds off for one pass. */
	raw_spin_lock_irqsave(&fl_fold_lock, irqflags);
	fl_global_pass(st, fallbacks, tmp);
	raw_spin_unlock_irqrestore(&fl_fold_lock, irqflags);
}

/**
 * fl_global_read() - the global totals
 * @st: where the statistics go; may be NULL
 * @fallbacks: where their fallbacks go; NULL when @st is
 * @dropped: where the dropped count goes
 *
 * Every record, the records gone (fl_global_records()) and the per-CPU
 * totals of faults without a record, each CPU's copied whole under its
 * seqcount.
 */
void fl_global_read(struct faultlat_stats *st, u64 *fallbacks, u64 *dropped)
{
	/* scratch space for one reader at a time */
	static DEFINE_MUTEX(snap_lock);
	static struct fl_gstats snap;
	static struct fl_rec tmp;
	u32 gen = READ_ONCE(fl_gen);
	int cpu;

	*dropped = 0;
	mutex_lock(&snap_lock);
	if (st)
		fl_global_records(st, fallbacks, &tmp);
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
	fl_tlb_stats_init(&v->tlb);
	fl_tlb_stats_add_ttlb(&v->tlb, &snap->tlb);
	fl_tlb_stats_finish(&v->tlb);
	v->nr_threads = 1;
	v->exited = false;
}

/* One pass over a process: its record plus its live threads. */
static void fl_view_process_pass(struct fl_rec *proc, struct fl_rec *tmp,
				 struct fl_view *v)
{
	u32 tgid = proc->tgid;
	unsigned int i;

	fl_stats_init(&v->st);
	v->fallbacks = 0;
	fl_tlb_stats_init(&v->tlb);
	v->nr_threads = 0;
	if (fl_rec_snapshot(proc, tmp)) {
		fl_view_fill(v, tmp, true);
		fl_stats_add_tstats(&v->st, &tmp->st);
		v->fallbacks += tmp->st.fallbacks;
		fl_tlb_stats_add_ttlb(&v->tlb, &tmp->tlb);
	}
	for (i = 0; i < fl_max_tasks; i++) {
		struct fl_rec *r = &fl_tab.recs[i];
		u32 key = READ_ONCE(r->key);

		if (!key || (key & FL_KEY_PROC) || READ_ONCE(r->tgid) != tgid)
			continue;
		if (!fl_rec_snapshot(r, tmp) || tmp->tgid != tgid)
			continue;
		fl_stats_add_tstats(&v->st, &tmp->st);
		v->fallbacks += tmp->st.fallbacks;
		fl_tlb_stats_add_ttlb(&v->tlb, &tmp->tlb);
		/* a thread past its exit tracepoint counts, but is not live */
		v->nr_threads += !tmp->exiting;
	}
}

/*
 * A process's view: its record (exited threads) plus its live threads,
 * consistent against folds by the process record's seqcount.  @tmp is
 * scratch space.
 */
static void fl_view_process(struct fl_rec *proc, struct fl_rec *tmp,
			    struct fl_view *v)
{
	unsigned long irqflags;
	unsigned int seq, tries;
	bool done = false;

	for (tries = 0; tries < 4 && !done; tries++) {
		seq = read_seqcount_begin(&proc->seq);
		fl_view_process_pass(proc, tmp, v);
		done = !read_seqcount_retry(&proc->seq, seq);
	}
	if (!done) {
		/* Threads keep exiting: hold their folds off for one pass. */
		raw_spin_lock_irqsave(&proc->lock, irqflags);
		fl_view_process_pass(proc, tmp, v);
		raw_spin_unlock_irqrestore(&proc->lock, irqflags);
	}
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

		if (!key || (processes_only && !process))
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
	unsigned int i;

	if (recs > (totalram_pages() << PAGE_SHIFT) / 2) {
		pr_err("max_tasks=%u needs %zu MiB, over half the memory\n",
		       fl_max_tasks, recs >> 20);
		return -ENOMEM;
	}
	raw_spin_lock_init(&fl_tab.lock);
	fl_tab.bits = ilog2(roundup_pow_of_two(2 * fl_max_tasks));
	fl_tab.recs = __vmalloc(recs, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	fl_tab.free = kvcalloc(fl_max_tasks, sizeof(u32),
			       GFP_KERNEL | __GFP_NOWARN);
	fl_tab.index = kvcalloc(1U << fl_tab.bits, sizeof(u64),
				GFP_KERNEL | __GFP_NOWARN);
	fl_pcpu = alloc_percpu(struct fl_pcpu);
	if (!fl_tab.recs || !fl_tab.free || !fl_tab.index || !fl_pcpu) {
		fl_tasks_exit();
		return -ENOMEM;
	}
	for (i = 0; i < fl_max_tasks; i++) {
		struct fl_rec *r = &fl_tab.recs[i];

		seqcount_init(&r->seq);
		raw_spin_lock_init(&r->lock);
		fl_tab.free[i] = fl_max_tasks - 1 - i;
	}
	fl_tab.nfree = fl_max_tasks;
	for_each_possible_cpu(i)
		per_cpu(fl_last_rec, i) = &fl_no_rec;
	fl_gstats_init(&fl_gone);
	fl_gone_gen = READ_ONCE(fl_gen);
	for_each_possible_cpu(i) {
		struct fl_pcpu *pc = per_cpu_ptr(fl_pcpu, i);

		seqcount_init(&pc->seq);
		fl_gstats_init(&pc->st);
	}
	return 0;
}

void fl_tasks_exit(void)
{
	free_percpu(fl_pcpu);
	fl_pcpu = NULL;
	kvfree(fl_tab.index);
	kvfree(fl_tab.free);
	vfree(fl_tab.recs);
	fl_tab.index = NULL;
	fl_tab.free = NULL;
	fl_tab.recs = NULL;
}

/* The memory the table takes, for the summary. */
size_t fl_tasks_bytes(void)
{
	return array_size(fl_max_tasks, sizeof(struct fl_rec)) +
	       fl_max_tasks * sizeof(u32) + (sizeof(u64) << fl_tab.bits) +
	       num_possible_cpus() * sizeof(struct fl_pcpu);
}
