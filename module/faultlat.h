/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat: declarations shared by the module's files.
 */
#ifndef _FAULTLAT_H
#define _FAULTLAT_H

#include <linux/types.h>
#include <linux/seqlock.h>
#include <linux/string.h>
#include <linux/spinlock.h>
#include <linux/uidgid.h>
#include <linux/sched.h>
#include <linux/kprobes.h>
#include <linux/list_nulls.h>
#include <linux/faultlat.h>

#include "causes.h"
#include "paths.h"

#define FL_VERSION_MAJOR	0
#define FL_VERSION_MINOR	8

/* hist.c: histogram math */

/*
 * A fact the compiler cannot see, such as an index's range: no code, and
 * none of the bounds checks UBSAN_BOUNDS would add.  Not unreachable(),
 * whose barrier keeps the test and its branch.
 */
#define fl_assume(cond)						\
	do {								\
		if (!(cond))						\
			__builtin_unreachable();			\
	} while (0)

/**
 * struct fl_thist - a compact latency histogram, for one task record
 * @sum_ns: sum of the samples
 * @min_ns: smallest sample (U64_MAX when empty)
 * @max_ns: largest sample
 * @buckets: sample counts, FAULTLAT_NR_BUCKETS of them (see the uapi
 *	header); the count is their sum, so it can never disagree with them
 *
 * 32-bit buckets keep a task record within 2 KiB; a bucket of one task
 * would need 2^32 faults of one latency to wrap.
 */
struct fl_thist {
	u64 sum_ns;
	u64 min_ns;
	u64 max_ns;
	u32 buckets[FAULTLAT_NR_BUCKETS];
};

/**
 * fl_bucket() - the bucket a latency falls in
 * @ns: latency in nanoseconds
 *
 * Inline: the fault and TLB return hooks compute it once per latency.
 *
 * Return: an index below FAULTLAT_NR_BUCKETS.
 */
static nokprobe_inline unsigned int fl_bucket(u64 ns)
{
	/*
	 * One compare for the common case; and, both ends bounded, the
	 * compiler sees the shift and the index in range (no UBSAN checks
	 * where the kernel has UBSAN_SHIFT and UBSAN_BOUNDS).
	 */
	int octave = fls64(ns) - 1;
	unsigned int step = octave - FAULTLAT_BUCKET_MIN_SHIFT, sub;

	if (unlikely(step >= FAULTLAT_BUCKET_MAX_SHIFT -
			    FAULTLAT_BUCKET_MIN_SHIFT))
		return octave < FAULTLAT_BUCKET_MIN_SHIFT ?
		       0 : FAULTLAT_NR_BUCKETS - 1;
	sub = (ns >> (step + FAULTLAT_BUCKET_MIN_SHIFT -
		      FAULTLAT_BUCKET_SUB_SHIFT)) & (FAULTLAT_BUCKET_SUB - 1);
	return 1 + step * FAULTLAT_BUCKET_SUB + sub;
}

void fl_hist_init(struct faultlat_hist *h);
void fl_thist_init(struct fl_thist *h);
void fl_hist_add_thist(struct faultlat_hist *dst, const struct fl_thist *src);
void fl_hist_add_hist(struct faultlat_hist *dst, const struct faultlat_hist *src);
void fl_hist_finish(struct faultlat_hist *h);

/* Add histogram @from to @to, of either layout each. */
#define FL_HIST_ADD(to, from)						\
	do {								\
		typeof(to) t__ = (to);					\
		typeof(from) f__ = (from);				\
		unsigned int i__;					\
									\
		for (i__ = 0; i__ < FAULTLAT_NR_BUCKETS; i__++)		\
			t__->buckets[i__] += f__->buckets[i__];		\
		t__->sum_ns += f__->sum_ns;				\
		t__->min_ns = min(t__->min_ns, f__->min_ns);		\
		t__->max_ns = max(t__->max_ns, f__->max_ns);		\
	} while (0)

/* Add one sample, in bucket @b, to a histogram of either layout. */
#define FL_HIST_RECORD_IN(hist, b, ns)					\
	do {								\
		typeof(hist) h__ = (hist);				\
		u64 n__ = (ns);						\
									\
		h__->buckets[b]++;					\
		h__->sum_ns += n__;					\
		if (unlikely(n__ < h__->min_ns))			\
			h__->min_ns = n__;				\
		if (unlikely(n__ > h__->max_ns))			\
			h__->max_ns = n__;				\
	} while (0)

/* Add one sample to a histogram of either layout. */
#define FL_HIST_RECORD(hist, ns)					\
	do {								\
		u64 ns__ = (ns);					\
									\
		FL_HIST_RECORD_IN(hist, fl_bucket(ns__), ns__);		\
	} while (0)

/**
 * fl_seq_copy() - copy what a seqcount's writer writes, as of one moment
 * @s: the seqcount its one writer (per CPU) writes under
 * @dst: where the copy goes
 * @src: what the writer writes
 * @len: its size
 *
 * For the per-CPU totals' readers (tasks.c, tlb.c): retried until no
 * write section overlapped the copy.  raw_: no lockdep annotation, the
 * writers never wait.
 */
static inline void fl_seq_copy(const seqcount_t *s, void *dst,
			       const void *src, size_t len)
{
	unsigned int seq;

	do {
		seq = raw_read_seqcount_begin(s);
		memcpy(dst, src, len);
	} while (read_seqcount_retry(s, seq));
}

/* stats.c: what one fault adds to a set of statistics */

/**
 * struct fl_sample - one completed (or failed, or retried) fault
 * @lat_ns: latency, first entry to final return
 * @class: enum faultlat_class
 * @dims: its mode, kind and access as one index, fl_dims()
 * @no_regs: raised without pt_regs (get_user_pages() and friends)
 * @bucket: fl_bucket(@lat_ns), computed once for every set it goes to
 */
struct fl_sample {
	u64 lat_ns;
	u8 class;
	u8 dims;
	bool no_regs;
	u8 bucket;
};

/*
 * A fault's mode, kind and access, counted together: one counter per
 * combination costs the return hook one increment where three counters
 * would cost three.  Readers add them up by dimension (stats.c).
 */
#define FL_NR_DIMS	(FAULTLAT_NR_MODES * FAULTLAT_NR_KINDS * FAULTLAT_NR_ACCESS)

static nokprobe_inline unsigned int fl_dims(unsigned int mode,
					    unsigned int kind,
					    unsigned int access)
{
	return (mode * FAULTLAT_NR_KINDS + kind) * FAULTLAT_NR_ACCESS + access;
}

static inline unsigned int fl_dims_mode(unsigned int dims)
{
	return dims / (FAULTLAT_NR_KINDS * FAULTLAT_NR_ACCESS);
}

static inline unsigned int fl_dims_kind(unsigned int dims)
{
	return dims / FAULTLAT_NR_ACCESS % FAULTLAT_NR_KINDS;
}

static inline unsigned int fl_dims_access(unsigned int dims)
{
	return dims % FAULTLAT_NR_ACCESS;
}

/**
 * struct fl_tstats - a task record's statistics; see struct faultlat_stats
 *	(its calls are the completed faults, the errors and the retries:
 *	readers add them up, fl_stats_finish())
 * @minor: minor faults
 * @major: major faults
 * @errors: VM_FAULT_ERROR results
 * @retries: VM_FAULT_RETRY results
 * @abandoned: retries never completed
 * @fallbacks: VM_FAULT_RETRY results of FAULT_FLAG_VMA_LOCK calls (not in
 *	struct faultlat_stats: the uapi has it beside)
 * @no_regs: faults without pt_regs, by class
 * @by_dims: by class and fl_dims()
 * @paths: completed faults by enum faultlat_path (paths.c)
 * @cz: time by cause (causes.c)
 *
 * Its counts are 32 bits, like the buckets: each is at most the count of
 * one of @by_dims' combinations, or of the calls, of one thread (or of a
 * process's exited threads), which would have to take 2^32 faults of one
 * kind to wrap.  They keep a task record within 2 KiB.
 */
struct fl_tstats {
	struct fl_thist minor;
	struct fl_thist major;
	u32 errors;
	u32 retries;
	u32 abandoned;
	u32 fallbacks;
	u32 no_regs[FAULTLAT_NR_CLASSES];
	u32 by_dims[FAULTLAT_NR_CLASSES][FL_NR_DIMS];
	u32 paths[FAULTLAT_NR_PATHS];
	struct fl_tcauses cz;
};

/**
 * struct fl_gstats - one CPU's share of the global statistics: struct
 *	fl_tstats with 64-bit counts
 * @minor: minor faults (@minor.count unused)
 * @major: major faults (@major.count unused)
 * @errors: VM_FAULT_ERROR results
 * @retries: VM_FAULT_RETRY results
 * @abandoned: retries never completed
 * @fallbacks: VM_FAULT_RETRY results of FAULT_FLAG_VMA_LOCK calls
 * @no_regs: faults without pt_regs, by class
 * @by_dims: by class and fl_dims()
 * @paths: by enum faultlat_path
 * @cz: time by cause
 */
struct fl_gstats {
	struct faultlat_hist minor;
	struct faultlat_hist major;
	u64 errors;
	u64 retries;
	u64 abandoned;
	u64 fallbacks;
	u64 no_regs[FAULTLAT_NR_CLASSES];
	u64 by_dims[FAULTLAT_NR_CLASSES][FL_NR_DIMS];
	u64 paths[FAULTLAT_NR_PATHS];
	struct fl_causes cz;
};

void fl_tstats_init(struct fl_tstats *st);
void fl_tstats_add(struct fl_tstats *dst, const struct fl_tstats *src);
void fl_gstats_init(struct fl_gstats *st);
void fl_gstats_add_tstats(struct fl_gstats *dst, const struct fl_tstats *src);
void fl_gstats_add(struct fl_gstats *dst, const struct fl_gstats *src);
void fl_stats_init(struct faultlat_stats *st);
void fl_stats_add_tstats(struct faultlat_stats *dst,
			 const struct fl_tstats *src);
void fl_stats_add_gstats(struct faultlat_stats *dst,
			 const struct fl_gstats *src);
void fl_stats_finish(struct faultlat_stats *st);
void fl_stats_add_finished(struct faultlat_stats *dst,
			   const struct faultlat_stats *src);

static_assert(U8_MAX + 1 >= FAULTLAT_NR_BUCKETS);
static_assert(U8_MAX + 1 >= FL_NR_DIMS);

/*
 * Add completed fault @s to @st, a struct fl_tstats or fl_gstats (the
 * same members).  Inline: it is most of a fault's return hook.
 */
#define FL_STATS_RECORD(stats, sample)					\
	do {								\
		typeof(stats) st__ = (stats);				\
		const struct fl_sample *s__ = (sample);			\
		unsigned int c__ = s__->class;				\
		unsigned int b__ = s__->bucket, d__ = s__->dims;	\
									\
		/* in range by construction: no bounds checks (UBSAN) */ \
		fl_assume(b__ < FAULTLAT_NR_BUCKETS && d__ < FL_NR_DIMS && \
			  c__ < FAULTLAT_NR_CLASSES);			\
		FL_HIST_RECORD_IN(c__ == FAULTLAT_MAJOR ?		\
				  &st__->major : &st__->minor,		\
				  b__, s__->lat_ns);			\
		st__->no_regs[c__] += s__->no_regs;			\
		st__->by_dims[c__][d__]++;				\
	} while (0)

/**
 * struct fl_ttlb - a task record's TLB flushes; see struct faultlat_tlb_stats
 * @flush: flush_tlb_mm_range() latency
 * @full: whole-mm flushes
 * @ranged: ranged flushes
 * @pages: pages of the ranged ones
 * @remote: flushes that sent IPIs
 * @local_only: flushes that did not
 * @ipis: outermost IPI function calls
 * @ipi_targets: other CPUs they targeted
 *
 * The counts of flushes are 32 bits, like @flush's buckets (2^32 flushes
 * of one thread to wrap); the pages, IPIs and targets, which may be many
 * per flush, are not.
 */
struct fl_ttlb {
	struct fl_thist flush;
	u32 full;
	u32 ranged;
	u32 remote;
	u32 local_only;
	u64 pages;
	u64 ipis;
	u64 ipi_targets;
};

void fl_ttlb_init(struct fl_ttlb *t);
void fl_ttlb_add(struct fl_ttlb *dst, const struct fl_ttlb *src);
void fl_tlb_stats_init(struct faultlat_tlb_stats *st);
void fl_tlb_stats_add_ttlb(struct faultlat_tlb_stats *dst,
			   const struct fl_ttlb *src);
void fl_tlb_stats_add(struct faultlat_tlb_stats *dst,
		      const struct faultlat_tlb_stats *src);
void fl_tlb_stats_finish(struct faultlat_tlb_stats *st);
void fl_tlb_stats_add_finished(struct faultlat_tlb_stats *dst,
			       const struct faultlat_tlb_stats *src);

/* tasks.c: the task table */

struct fl_cg;
struct fl_fold_pcpu;

#define FL_KEY_PROC	BIT(31)		/* key of a process record: tgid | this */
/* a process record kept for its tree after its reap, out of the index */
#define FL_KEY_KEPT	BIT(30)

/**
 * struct fl_rec - one tracked thread or process
 * @key: tid for a thread, tgid | FL_KEY_PROC for a process, 0 when free
 * @task: the thread of a thread record, else NULL: the probes' identity
 *	check (fl_task_current()); cleared when the record leaves the table,
 *	at the latest when the thread is freed
 * @tgid: the process
 * @gen: reset generation @st belongs to; stale means zero
 * @uid: real uid when last seen
 * @euid: effective uid when last seen
 * @start_time: the thread's (or the group leader's) start_time, to tell a
 *	reused pid from the task we tracked
 * @comm: comm when first seen
 * @seq: readers retry on it; written by the thread itself (thread records)
 *	or under @lock (process records)
 * @lock: serializes the folds of exiting threads into a process record,
 *	and its thread list
 * @hnode: in the index's chain of its key's bucket
 * @tnode: a thread record: in its process record's @threads
 * @threads: a process record: its threads' records (whose nulls value is
 *	this record's index: a walk that ends elsewhere was led astray)
 * @next_free: a free record: the next one on its CPU's free list
 * @proc: a thread record: the index of its process's record
 * @linked: a process record: thread records on @threads; a removed
 *	process record is freed when the last one leaves
 * @removed: a process record out of the index (its process was reaped, or
 *	its tgid taken by another), waiting for its threads to leave
 * @dead: its task was freed while folds were held off (tasks.c): the
 *	record is folded by the reader that held them off
 * @retry_start: entry time of the first call of a fault being retried
 * @retry_address: its address, which every call of the fault passes
 * @retry_calls: calls so far of the fault being retried
 * @retry_pending: the last call returned VM_FAULT_RETRY
 * @retry_vma: and had FAULT_FLAG_VMA_LOCK: a fallback (probes.c)
 * @tlb_ipi: an IPI function ran since the thread's last flush_tlb_mm_range()
 *	entry
 * @tlb_ipi_targets: the other CPUs it targeted
 * @dcalls: direct-traced calls the thread is inside (direct.c)
 * @dheld: the thread blocked inside one: it holds a module reference
 * @tree: a process record: the id of the tree it belongs to (tree.c), or
 *	0; written at fork (or by FAULTLAT_TREE_OPEN for the root), cleared
 *	when the tree is closed
 * @exiting: the thread passed its sched_process_exit tracepoint, which
 *	comes before exit_mm() since 6.16: the record stays, counted with its
 *	process but not as a live thread, until sched_process_free folds it
 *	(FL_EXIT_BEFORE_EXIT_MM)
 * @tree_pid: a process record of a tree: its pid as the tree's opener's
 *	pid namespace numbers it (tree.c)
 * @cg_id: a thread record attached to a cgroup record (@cg): the id of
 *	the cgroup its thread faults in, whose faults @cg counts; else 0
 *	(cgroups.c)
 * @cg: that cgroup record: it counts this record's @st and @tlb as its
 *	own, until the thread faults in another cgroup or leaves; written by
 *	the thread under @seq (or when the record leaves, in a fold section)
 * @path_last: the path of the thread's last fault (paths.c), for the
 *	trace event
 * @path_marks: what the thread's fault in progress did so far (paths.c)
 * @ep: the fault episode the thread is in, by cause (causes.c)
 * @st: the fault statistics
 * @tlb: the TLB-flush statistics
 */
struct fl_rec {
	u32 key;
	u32 tgid;
	struct task_struct *task;
	u32 gen;
	kuid_t uid;
	kuid_t euid;
	seqcount_t seq;
	u64 start_time;
	char comm[TASK_COMM_LEN];
	raw_spinlock_t lock;
	u32 next_free;
	struct hlist_nulls_node hnode;
	struct hlist_nulls_node tnode;
	struct hlist_nulls_head threads;
	u32 proc;
	u32 linked;
	u64 retry_start;
	unsigned long retry_address;
	u32 retry_calls;
	u32 tlb_ipi_targets;
	u32 dcalls;
	u32 tree;
	u32 tree_pid;
	bool removed;
	bool dead;
	bool retry_pending;
	bool retry_vma;
	bool tlb_ipi;
	bool dheld;
	bool exiting;
	u8 path_last;
	u16 path_marks;
	u64 cg_id;
	struct fl_cg *cg;
	struct fl_episode ep;
	struct fl_tstats st;
	struct fl_ttlb tlb;
};

/**
 * struct fl_pcpu - the faults no task record counts, one per CPU
 * @seq: readers (fl_global_read()) retry on it; written by its CPU only,
 *	preemption disabled
 * @gen: reset generation of @st and @dropped
 * @dropped: faults with no task record (table full)
 * @st: those faults' statistics, for the global totals (the records count
 *	every other fault: tasks.c)
 */
struct fl_pcpu {
	seqcount_t seq;
	u32 gen;
	u64 dropped;
	struct fl_gstats st;
};

extern unsigned int fl_max_tasks;
extern u32 fl_gen;
extern u32 fl_reset_count;
extern struct fl_pcpu __percpu *fl_pcpu;

DECLARE_PER_CPU(struct fl_rec *, fl_last_rec);

void fl_pcpu_zero(struct fl_pcpu *pc, u32 gen);
int fl_tasks_init(void);
void fl_tasks_exit(void);
struct fl_rec *fl_task_lookup_current(void);
struct fl_rec *fl_task_find_current(void);
struct fl_rec *fl_task_find(struct task_struct *p);
void fl_tasks_each(void (*fn)(struct fl_rec *r));
void fl_task_zero(struct fl_rec *r, u32 gen);
void fl_task_exit(struct task_struct *p);
void fl_task_exec(struct task_struct *p, pid_t old_pid);
void fl_task_free(struct task_struct *p);
void fl_task_fork(struct task_struct *parent, struct task_struct *child);
unsigned int fl_tasks_used(void);
long fl_tasks_dcalls(void);
size_t fl_tasks_bytes(void);
void fl_reset(void);
void fl_global_read(struct faultlat_stats *st, u64 *fallbacks,
		    struct fl_causes *cz, u64 *paths, u64 *dropped);
struct fl_fold_pcpu *fl_fold_begin(unsigned long *flags);
void fl_fold_end(struct fl_fold_pcpu *fp, unsigned long flags);
void fl_stable_pass(void (*pass)(void *priv), void *priv);
void fl_tasks_each_cg(void (*fn)(const struct fl_rec *snap, void *priv),
		      void *priv, struct fl_rec *tmp);

/*
 * The probes' fast paths, inline in their hooks; preemption is disabled.
 */

/* This CPU's totals, zeroed first if a reset happened since their last write */
static nokprobe_inline struct fl_pcpu *fl_pcpu_get(void)
{
	struct fl_pcpu *pc = this_cpu_ptr(fl_pcpu);
	u32 gen = READ_ONCE(fl_gen);

	if (unlikely(pc->gen != gen))
		fl_pcpu_zero(pc, gen);
	return pc;
}

/**
 * fl_task_fresh() - zero the current thread's record if a reset happened
 * @r: the record, from fl_task_current() earlier in the same call
 */
static nokprobe_inline void fl_task_fresh(struct fl_rec *r)
{
	u32 gen = READ_ONCE(fl_gen);

	if (unlikely(r->gen != gen))
		fl_task_zero(r, gen);
}

/**
 * fl_task_current() - the current thread's record, created when missing
 *
 * The last thread that faulted on this CPU is likely this one: its record
 * (fl_last_rec, a hint; a record of no task when there is none) is its own
 * if the record says so (@task).  Nobody but the thread itself (in exit or
 * exec) or its being freed takes its record away, so the answer holds for
 * as long as the thread runs, preempted and migrated or not.  Else
 * fl_task_lookup_current() looks it up in the table, or creates it.  The
 * record is ready to be written under its seqcount; a reset since the
 * last write zeroes it.
 *
 * Return: the record, or NULL when the table is full or current is an idle
 * task.
 */
static nokprobe_inline struct fl_rec *fl_task_current(void)
{
	struct fl_rec *r = this_cpu_read(fl_last_rec);

	/* never NULL: the callers' tests of the result fold away */
	fl_assume(r);
	if (unlikely(READ_ONCE(r->task) != current)) {
		r = fl_task_lookup_current();
		if (!r)
			return NULL;
	}
	fl_task_fresh(r);
	return r;
}

/**
 * struct fl_view - a reader's snapshot of one thread or process
 * @pid: tid or tgid
 * @tgid: the process
 * @uid: uid as the reader's namespace sees it
 * @nr_threads: live threads included
 * @exited: no live thread
 * @process: a process view
 * @comm: comm
 * @st: the statistics, finished (counts summed)
 * @fallbacks: fl_tstats.fallbacks summed (the uapi has it beside @st)
 * @cz: fl_tstats.cz summed
 * @paths: fl_tstats.paths summed
 * @tlb: the TLB-flush statistics, finished
 */
struct fl_view {
	u32 pid;
	u32 tgid;
	u32 uid;
	u32 nr_threads;
	bool exited;
	bool process;
	char comm[TASK_COMM_LEN];
	struct faultlat_stats st;
	u64 fallbacks;
	struct fl_causes cz;
	u64 paths[FAULTLAT_NR_PATHS];
	struct faultlat_tlb_stats tlb;
};

/* fl_view_* return 0, -ESRCH or -EACCES. */
int fl_view_task(u32 id, bool process, bool privileged, struct fl_view *v);
typedef int (*fl_view_fn)(const struct fl_view *v, void *priv);
int fl_view_each(bool processes_only, bool privileged, struct fl_view *v,
		 fl_view_fn fn, void *priv);

/* tasks.c: the records of process trees; tree.c: the trees */
int fl_tree_tag_root(u32 pid, u32 tree, u32 tree_pid, bool privileged);
u32 fl_tree_pid(u32 tree, struct task_struct *t);
void fl_tree_untag(u32 tree);
/* fl_tree_each()'s count of members the caller may not read */
int fl_tree_each(u32 tree, bool privileged, struct fl_view *v,
		 fl_view_fn fn, void *priv, u32 *hidden);
bool fl_tree_live(u32 tree);
void fl_tree_dropped(u32 tree);
u32 fl_task_tree(const struct fl_rec *r);
struct file;
int fl_copy_elem_to_user(void __user *dst, const void *src, size_t ksize,
			 size_t usize);
int fl_tree_cmd(struct file *file, struct faultlat_tree *t, bool privileged);
void fl_tree_release_file(struct file *file);

/* pidns.c: pids as the caller's pid namespace numbers them */
u32 fl_pid_from_caller(u32 nr);
u32 fl_pid_to_caller(u32 nr);

/* clock.c */
void fl_clock_init(void);
void fl_probes_init(void);
const char *fl_clock_name(void);

/* attach.c: the traced functions (sites) and how each is attached */

enum fl_site_id {
	FL_SITE_FAULT,		/* handle_mm_fault */
	FL_SITE_TLB_RANGE,	/* flush_tlb_mm_range */
	FL_SITE_TLB_FUNC,	/* flush_tlb_func */
	FL_SITE_TLB_IPI0,	/* the IPI functions, enum faultlat_tlb_ipi_fn */
	FL_NR_SITES = FL_SITE_TLB_IPI0 + FAULTLAT_TLB_NR_IPI_FNS
};

enum fl_probe_mode { FL_MODE_AUTO, FL_MODE_DIRECT, FL_MODE_KPROBE };
enum fl_attach_how { FL_ATTACH_OFF, FL_ATTACH_KPROBE, FL_ATTACH_DIRECT };

/* the largest per-call data of a site, in u64s */
#define FL_SITE_DATA_WORDS	6

/**
 * struct fl_site - a traced function
 * @sym: its name
 * @id: enum fl_site_id
 * @bit: its FAULTLAT_PROBE_* bit
 * @nargs: register arguments of its prototype (at most 6: the trampoline
 *	passes no stack arguments)
 * @optional: the kernel may not have it
 * @task: runs in task context (may sleep): the hooks get the task's record
 * @enter: at entry, with the arguments; false: ignore this call
 * @leave: at return, with the return value
 * @how: enum fl_attach_how
 * @direct_err: why it is not attached directly: 0 when it is, else a
 *	positive errno (FAULTLAT_DIRECT_E* in the uapi header)
 * @addr: its entry as kprobes place a probe there, after its ENDBR if any
 *	(fl_direct_lookup()), for a direct call
 * @fentry: @addr is ftrace's patch site, the fentry call
 * @rp: its kretprobe, when attached that way
 */
struct fl_site {
	const char *sym;
	u8 id;
	u8 nargs;
	bool optional;
	bool task;
	u32 bit;
	bool (*enter)(const struct fl_site *s, void *data,
		      const unsigned long *args, struct fl_rec *r);
	void (*leave)(const struct fl_site *s, void *data, unsigned long ret,
		      struct fl_rec *r);
	u8 how;
	u32 direct_err;
	unsigned long addr;
	bool fentry;
	struct kretprobe rp;
};

extern struct fl_site *fl_sites[FL_NR_SITES];
extern struct fl_site fl_site_fault, fl_site_tlb_range, fl_site_tlb_func;
extern struct fl_site fl_site_tlb_ipi[FAULTLAT_TLB_NR_IPI_FNS];
extern enum fl_probe_mode fl_probe_mode;
int fl_probe_mode_parse(void);
int fl_attach_init(void);
void fl_attach_exit(void);
u32 fl_attach_mask(bool tlb, bool direct_only);
u64 fl_attach_nmissed(bool tlb);
u64 fl_site_nmissed(const struct fl_site *s);
void fl_attach_direct_errno(u32 err[FAULTLAT_PROBE_NR_BITS]);

/* direct.c: ftrace direct-call trampolines */
void fl_direct_lookup(void);
int fl_direct_attach(struct fl_site *s);
void fl_direct_detach(struct fl_site *s);
void fl_direct_drain(void);
const char *fl_direct_why(u32 err);
void fl_direct_on_switch(bool preempt, unsigned int prev_state);
bool fl_direct_wanted(void);

/* probes.c: the fault site */
DECLARE_STATIC_KEY_FALSE(fl_episodes_on);
extern unsigned int fl_maxactive;
extern u64 fl_min_latency_ns;

/* tlb.c: the TLB-flush sites and their per-CPU totals */
int fl_tlb_alloc(void);
void fl_tlb_free(void);
bool fl_tlb_wanted(void);
void fl_tlb_ipi_hits(u64 hits[FAULTLAT_TLB_NR_IPI_FNS]);
const char *fl_tlb_ipi_name(unsigned int i);
void fl_tlb_global_read(struct faultlat_tlb_global *g);
void fl_tlb_cpu_read(int cpu, struct faultlat_tlb_cpu *c);
void fl_tlb_on_flush_event(int reason, unsigned long pages);
struct seq_file;
void fl_tlb_layout_show(struct seq_file *m);

/* tracepoints.c: attach to kernel tracepoints not exported to modules */
int fl_tracepoints_init(void);
void fl_tracepoints_exit(void);
bool fl_tracepoint_attached(const char *name);

/* debugfs.c, chardev.c */

/* The largest struct size an ioctl looks at before calling it too big. */
#define FL_MAX_USIZE	PAGE_SIZE

void fl_debugfs_init(void);
void fl_debugfs_exit(void);
int fl_chardev_init(void);
void fl_chardev_exit(void);

#endif /* _FAULTLAT_H */
