// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: where a fault's time went, by cause.
 *
 * A fault episode is a fault's calls of handle_mm_fault() from the first
 * call's entry to the final call's return (probes.c: the calls that
 * returned VM_FAULT_RETRY, and the time between them, are in it).  While a
 * thread is in one, its record's struct fl_episode follows what the thread
 * does, from the kernel's tracepoints:
 *
 * - direct reclaim: mm_vmscan_direct_reclaim_begin/end,
 *   mm_vmscan_memcg_reclaim_begin/end;
 * - direct compaction: mm_compaction_begin/end;
 * - waiting for mmap_lock: mmap_lock_start_locking to
 *   mmap_lock_acquire_returned;
 * - waiting for a page's lock: folio_wait_bit_common() (every sleep on a
 *   folio's lock goes through it: __folio_lock(), __folio_lock_killable(),
 *   folio_wait_locked() of __folio_lock_or_retry()), from its entry to
 *   its return, when it waits for PG_locked of a folio that is up to
 *   date; a folio that is not is being read in, and the wait is I/O's.
 *   The kernel has no tracepoint there: a kretprobe, whose entry handler
 *   lets the return handler run only for those waits;
 * - zeroing a huge page: clear_huge_page() or folio_zero_user(), entry to
 *   return, by a kretprobe likewise;
 * - off CPU: sched_switch, out and back in; blocked in io_schedule() (the
 *   task's in_iowait) is I/O, blocked otherwise in a fault on a VMA
 *   registered with userfaultfd is its handler's time;
 * - a fallback from the per-VMA lock (6.4+): a call made under it
 *   (FAULT_FLAG_VMA_LOCK) keeps what no other cause takes of its time
 *   aside; if it returns VM_FAULT_RETRY, that is the fallback's, and so
 *   is the time to the retry's entry that no other cause takes (the
 *   retry's wait for mmap_lock is mmap_lock's); otherwise the rest's.
 *
 * Exclusivity: each instant of the episode goes to the first cause that
 * holds then, in the order reclaim, compaction, mmap_lock, page_lock, io,
 * uffd, zeroing, fallback, or to none (the rest): I/O inside reclaim is
 * reclaim's, a sleep on mmap_lock is the lock's, a sleep on a page's lock
 * is not I/O.  The episode is cut into spans at every change; a span's
 * time, in the clock's own units rounded down to 2^FL_CZ_SHIFT of them,
 * goes to its cause (a call under the per-VMA lock keeps its own aside
 * until it returns, as said above).  At the end,
 * each cause's sum is converted to nanoseconds the way the latency is
 * (rounded down): the spans lie within the latency and do not overlap, so
 * the causes never add up to more than it, and the rest is the latency
 * minus them, exactly.  (Should two CPUs' clocks disagree, the causes are
 * cut down to the latency.)
 *
 * Only the thread's own events count, and only inside its episode: the
 * probes find the record of the thread an episode runs on this CPU
 * (fl_running), and check that it is current's.  The CPU that switches a
 * thread back in finds its record by pid, only while some thread is off
 * CPU inside an episode (fl_off).  Nothing here allocates or sleeps; the
 * kretprobes' instances are preallocated.
 *
 * Module parameter causes turns it on and off at run time: on, the probes
 * are attached and the static keys let the fault hooks call in; off, none
 * is attached and the hooks pay for a branch alone.  Each time it
 * is turned on, the episodes left over from before are forgotten first.
 * The hooks' branch is fl_episodes_on, which module parameter paths
 * (paths.c) shares: it is enabled while either is on, and fl_causes_on
 * tells which.
 */
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/page-flags.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/userfaultfd_k.h>
#include <trace/events/sched.h>
#include <trace/events/vmscan.h>
/* compaction.h names it in its prototypes without declaring it */
struct compact_control;
#include <trace/events/compaction.h>
#include <trace/events/mmap_lock.h>

#include "causes.h"
#include "compat.h"
#include "faultlat.h"

DEFINE_STATIC_KEY_FALSE(fl_causes_on);

/* the record of the episode running on this CPU, or NULL */
static DEFINE_PER_CPU(struct fl_rec *, fl_running);
/* threads off CPU inside an episode (a hint: stale after an off and on) */
static atomic_t fl_off = ATOMIC_INIT(0);

static bool fl_causes_param;
static bool fl_causes_ready;
static DEFINE_MUTEX(fl_causes_lock);

static const char *const fl_cause_names[FL_NR_CAUSES] = {
	[FAULTLAT_CAUSE_RECLAIM] = "reclaim",
	[FAULTLAT_CAUSE_COMPACTION] = "compaction",
	[FAULTLAT_CAUSE_MMAP_LOCK] = "mmap_lock",
	[FAULTLAT_CAUSE_IO] = "io",
	[FAULTLAT_CAUSE_UFFD] = "uffd",
	[FAULTLAT_CAUSE_PAGE_LOCK] = "page_lock",
	[FAULTLAT_CAUSE_FALLBACK] = "fallback",
	[FAULTLAT_CAUSE_ZEROING] = "zeroing",
};

const char *fl_cause_name(unsigned int cause)
{
	return cause < FL_NR_CAUSES ? fl_cause_names[cause] : "rest";
}

/**
 * fl_causes_add_uapi() - add time by cause to the ABI's two structs
 * @to: the first FAULTLAT_NR_CAUSES, and the counts of faults
 * @more: the others (its spare slots are left as they are: zeroes)
 * @from: every cause
 */
void fl_causes_add_uapi(struct faultlat_causes *to,
			struct faultlat_causes_more *more,
			const struct fl_causes *from)
{
	unsigned int i;

	to->faults += from->faults;
	to->latency_ns += from->latency_ns;
	for (i = 0; i < FL_NR_CAUSES; i++) {
		if (i < FAULTLAT_NR_CAUSES) {
			to->ns[i] += from->ns[i];
			to->with[i] += from->with[i];
		} else {
			more->ns[i - FAULTLAT_NR_CAUSES] += from->ns[i];
			more->with[i - FAULTLAT_NR_CAUSES] += from->with[i];
		}
	}
}

static_assert(FL_NR_CAUSES - FAULTLAT_NR_CAUSES <= FAULTLAT_NR_CAUSES_MORE);
static_assert(FL_NR_CAUSES <= 8 * sizeof(((struct fl_episode *)0)->had));

bool fl_causes_enabled(void)
{
	return static_key_enabled(&fl_causes_on);
}

static nokprobe_inline bool fl_ep_live(const struct fl_episode *e)
{
	return e->active;
}

/* The exclusivity rule: the first cause that holds. */
static nokprobe_inline u8 fl_ep_cause(const struct fl_episode *e)
{
	if (e->reclaim)
		return FAULTLAT_CAUSE_RECLAIM;
	if (e->compaction)
		return FAULTLAT_CAUSE_COMPACTION;
	if (e->lock)
		return FAULTLAT_CAUSE_MMAP_LOCK;
	if (e->page_lock)
		return FAULTLAT_CAUSE_PAGE_LOCK;
	if (e->off && e->off_io)
		return FAULTLAT_CAUSE_IO;
	if (e->off && e->off_blocked && e->uffd)
		return FAULTLAT_CAUSE_UFFD;
	if (e->zeroing)
		return FAULTLAT_CAUSE_ZEROING;
	if (e->vma_locked)
		return FL_CAUSE_ATTEMPT;
	if (e->fell_back)
		return FAULTLAT_CAUSE_FALLBACK;
	return FL_CAUSE_REST;
}

/* End the current span at @now, and start the next with what holds now. */
static nokprobe_inline void fl_ep_update(struct fl_episode *e, u64 now)
{
	if (e->cause != FL_CAUSE_REST && now > e->since) {
		u64 units = (now - e->since) >> FL_CZ_SHIFT;
		u32 *acc = &e->acc[e->cause];

		fl_assume(e->cause <= FL_CAUSE_ATTEMPT);

		*acc = units >= U32_MAX - *acc ? U32_MAX : *acc + units;
		if (units && e->cause < FL_NR_CAUSES)
			e->had |= BIT(e->cause);
	}
	e->since = now;
	e->cause = fl_ep_cause(e);
}

/* The current thread's live episode on this CPU, or NULL. */
static nokprobe_inline struct fl_episode *fl_ep_current(void)
{
	struct fl_rec *r = this_cpu_read(fl_running);

	if (!r || READ_ONCE(r->task) != current || !fl_ep_live(&r->ep))
		return NULL;
	return &r->ep;
}

/**
 * fl_causes_begin() - a handle_mm_fault() call begins
 * @r: the thread's record, or NULL
 * @start: the call's entry time
 * @continues: the call continues the episode whose last call returned
 *	VM_FAULT_RETRY (probes.c decides, as for the latency)
 * @vma: the call's vma, alive at entry
 * @flags: the call's fault flags
 *
 * A new episode starts at @start; a call that continues one goes on with
 * it, if it was followed from its start.  Called by the entry hook, which
 * may run preemptible.
 */
void fl_causes_begin(struct fl_rec *r, u64 start, bool continues,
		     struct vm_area_struct *vma, unsigned int flags)
{
	struct fl_episode *e;

	if (!r)
		return;
	e = &r->ep;
	/* the sched_switch probe writes the episode too */
	preempt_disable_notrace();
	e->done = false;
	if (continues) {
		if (fl_ep_live(e)) {
			e->uffd = userfaultfd_armed(vma);
			e->vma_locked = flags & FL_FAULT_FLAG_VMA_LOCK;
			e->fell_back = false;
			fl_ep_update(e, fl_now());
			this_cpu_write(fl_running, r);
		}
	} else {
		memset(e->acc, 0, sizeof(e->acc));
		e->had = 0;
		e->since = start;
		e->cause = FL_CAUSE_REST;
		e->reclaim = 0;
		e->compaction = 0;
		e->lock = false;
		e->off = false;
		e->off_io = false;
		e->off_blocked = false;
		e->uffd = userfaultfd_armed(vma);
		e->page_lock = false;
		e->zeroing = false;
		e->vma_locked = flags & FL_FAULT_FLAG_VMA_LOCK;
		e->fell_back = false;
		e->cause = fl_ep_cause(e);
		e->active = true;
		this_cpu_write(fl_running, r);
	}
	preempt_enable_notrace();
}

NOKPROBE_SYMBOL(fl_causes_begin);

/*
 * An episode's nanoseconds by cause, @ns, within its latency @lat_ns: the
 * same for the statistics and for the trace event.
 */
static void fl_ep_ns(const struct fl_episode *e, u64 lat_ns,
		     u64 ns[FL_NR_CAUSES])
{
	u64 sum = 0, cut;
	int i;

	memset(ns, 0, FL_NR_CAUSES * sizeof(u64));
	/* most faults have no cause: nothing to convert */
	for (i = 0; i < FL_NR_CAUSES && e->had >> i; i++) {
		if (!(e->had & BIT(i)))
			continue;
		ns[i] = fl_elapsed(0, (u64)e->acc[i] << FL_CZ_SHIFT);
		sum += ns[i];
	}
	/* only if two CPUs' clocks disagree: the causes never exceed it */
	for (i = FL_NR_CAUSES - 1; i >= 0 && sum > lat_ns; i--) {
		cut = min(ns[i], sum - lat_ns);
		ns[i] -= cut;
		sum -= cut;
	}
}

NOKPROBE_SYMBOL(fl_ep_ns);

/**
 * fl_causes_leave() - a handle_mm_fault() call returns
 * @r: the thread's record
 * @now: the return time, the end of the latency
 * @lat_ns: the episode's latency so far
 * @done: the episode completed (neither failed nor was abandoned)
 * @pending: it returned VM_FAULT_RETRY and the fault goes on
 * @fallback: and it was made under the per-VMA lock: the fault falls back
 *	to mmap_lock
 *
 * Called by the return hook, preemption disabled, in @r's write section:
 * an episode that ends gets its time by cause in nanoseconds (for the
 * trace event, fl_causes_of()), and a completed one is added to the
 * record's statistics.
 */
void fl_causes_leave(struct fl_rec *r, u64 now, u64 lat_ns, bool done,
		     bool pending, bool fallback)
{
	struct fl_episode *e = &r->ep;
	struct fl_tcauses *t = &r->st.cz;
	u64 ns[FL_NR_CAUSES];
	u32 *acc = &e->acc[FAULTLAT_CAUSE_FALLBACK];
	u32 attempt;

	if (!fl_ep_live(e))
		return;
	fl_ep_update(e, now);
	/* the call's time set aside: the fallback's, or the rest's */
	attempt = e->acc[FL_CAUSE_ATTEMPT];
	e->acc[FL_CAUSE_ATTEMPT] = 0;
	e->vma_locked = false;
	if (pending && fallback) {
		*acc = attempt >= U32_MAX - *acc ? U32_MAX : *acc + attempt;
		if (attempt)
			e->had |= BIT(FAULTLAT_CAUSE_FALLBACK);
		e->fell_back = true;
	}
	e->cause = fl_ep_cause(e);
	if (pending)
		return;
	e->active = false;
	e->done = true;
	this_cpu_write(fl_running, NULL);
	if (!done)
		return;
	if (e->had)
		fl_ep_ns(e, lat_ns, ns);
	FL_CAUSES_ADD_FAULT(t, e->had ? ns : NULL, lat_ns);
}

NOKPROBE_SYMBOL(fl_causes_leave);

/**
 * fl_causes_of() - the time by cause of the episode that just ended
 * @r: the thread's record, or NULL
 * @lat_ns: its latency
 * @ns: where the nanoseconds go, [enum faultlat_cause]; zeroes when the
 *	episode was not followed
 */
void fl_causes_of(const struct fl_rec *r, u64 lat_ns, u64 ns[FL_NR_CAUSES])
{
	if (r && r->ep.done)
		fl_ep_ns(&r->ep, lat_ns, ns);
	else
		memset(ns, 0, FL_NR_CAUSES * sizeof(u64));
}

NOKPROBE_SYMBOL(fl_causes_of);

/* Forget @r's episode: turning the causes on, or a record made anew. */
void fl_causes_reset_rec(struct fl_rec *r)
{
	r->ep.active = false;
	r->ep.done = false;
	r->ep.off = false;
	r->ep.page_lock = false;
	r->ep.zeroing = false;
}

/* The probes; tracepoints run them with preemption disabled. */

static void fl_cz_on_switch(void *data, bool preempt, struct task_struct *prev,
			    struct task_struct *next, unsigned int prev_state)
{
	struct fl_rec *r = this_cpu_read(fl_running);
	struct fl_episode *e;

	if (r) {
		this_cpu_write(fl_running, NULL);
		e = &r->ep;
		if (READ_ONCE(r->task) == prev && fl_ep_live(e) && !e->off) {
			e->off = true;
			/* TASK_RUNNING is 0: preempted, or yielded */
			e->off_blocked = !preempt && prev_state;
			e->off_io = e->off_blocked && prev->in_iowait;
			fl_ep_update(e, fl_now());
			atomic_inc(&fl_off);
		}
	}
	if (likely(!atomic_read(&fl_off)) || !next->pid)
		return;
	r = fl_task_find(next);
	if (!r)
		return;
	e = &r->ep;
	if (!e->off)
		return;
	e->off = false;
	e->off_io = false;
	e->off_blocked = false;
	fl_ep_update(e, fl_now());
	atomic_dec(&fl_off);
	if (e->active)
		this_cpu_write(fl_running, r);
}

static nokprobe_inline void fl_cz_reclaim(int delta)
{
	struct fl_episode *e = fl_ep_current();

	if (!e || (delta < 0 && !e->reclaim))
		return;
	e->reclaim += delta;
	fl_ep_update(e, fl_now());
}

static void fl_cz_reclaim_begin(void *data, FL_TP_PROTO_RECLAIM_BEGIN)
{
	fl_cz_reclaim(1);
}

static void fl_cz_reclaim_end(void *data, FL_TP_PROTO_RECLAIM_END)
{
	fl_cz_reclaim(-1);
}

static void fl_cz_compaction_begin(void *data, struct compact_control *cc,
				   unsigned long zone_start,
				   unsigned long zone_end, bool sync)
{
	struct fl_episode *e = fl_ep_current();

	if (!e)
		return;
	e->compaction++;
	fl_ep_update(e, fl_now());
}

static void fl_cz_compaction_end(void *data, struct compact_control *cc,
				 unsigned long zone_start,
				 unsigned long zone_end, bool sync, int status)
{
	struct fl_episode *e = fl_ep_current();

	if (!e || !e->compaction)
		return;
	e->compaction--;
	fl_ep_update(e, fl_now());
}

static void fl_cz_lock_start(void *data, FL_TP_PROTO_MMAP_LOCK)
{
	struct fl_episode *e = fl_ep_current();

	if (!e)
		return;
	e->lock = true;
	fl_ep_update(e, fl_now());
}

static void fl_cz_lock_returned(void *data, FL_TP_PROTO_MMAP_LOCK_RET)
{
	struct fl_episode *e = fl_ep_current();

	if (!e || !e->lock)
		return;
	e->lock = false;
	fl_ep_update(e, fl_now());
}

/**
 * struct fl_cz_wait - a kretprobe on a function whose calls, from entry
 *	to return, are a cause's (fl_cz_wait_names)
 * @krp: the kretprobe
 * @cause: FAULTLAT_CAUSE_PAGE_LOCK or FAULTLAT_CAUSE_ZEROING
 * @bit_arg: the page lock's: the argument that says which bit it waits
 *	for, or -1: the lock (PG_locked)
 * @registered: @krp is registered
 */
struct fl_cz_wait {
	struct kretprobe krp;
	u8 cause;
	int bit_arg;
	bool registered;
};

/*
 * A call in the current thread's episode is its cause's from its entry to
 * its return; any other call leaves (returns 1: its return is not
 * probed).  The page lock's only when it waits for PG_locked of an
 * up-to-date folio, its first argument.
 */
static int fl_cz_wait_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct fl_cz_wait *w = container_of(get_kretprobe(ri),
					    struct fl_cz_wait, krp);
	struct fl_episode *e = fl_ep_current();
	struct folio *folio;

	if (!e)
		return 1;
	if (w->cause == FAULTLAT_CAUSE_ZEROING) {
		e->zeroing = true;
		fl_ep_update(e, fl_now());
		return 0;
	}
	if (w->bit_arg >= 0 &&
	    regs_get_kernel_argument(regs, w->bit_arg) != PG_locked)
		return 1;
	folio = (struct folio *)regs_get_kernel_argument(regs, 0);
	if (!folio_test_uptodate(folio))
		return 1;
	e->page_lock = true;
	fl_ep_update(e, fl_now());
	return 0;
}

NOKPROBE_SYMBOL(fl_cz_wait_entry);

static int fl_cz_wait_return(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct fl_cz_wait *w = container_of(get_kretprobe(ri),
					    struct fl_cz_wait, krp);
	struct fl_episode *e = fl_ep_current();

	if (!e)
		return 0;
	if (w->cause == FAULTLAT_CAUSE_ZEROING)
		e->zeroing = false;
	else
		e->page_lock = false;
	fl_ep_update(e, fl_now());
	return 0;
}

NOKPROBE_SYMBOL(fl_cz_wait_return);

/*
 * The functions that sleep on a folio's lock, and which argument says
 * which bit (-1: they wait for PG_locked); the folio is the first argument
 * of each.  Every such sleep is in static folio_wait_bit_common(folio,
 * bit_nr, state, behavior) of mm/filemap.c, out of line on 6.1, 6.12 and
 * 7.3 (their code read in each kernel's image: __folio_lock(),
 * __folio_lock_killable(), folio_wait_bit() jump to it, filemap_fault()
 * and __folio_lock_or_retry() call it; 5.19 inlined it into some).  It is
 * notrace (inline), but a kprobe may go there.  layout_test checks it
 * against each kernel's BTF.
 */
static const char *const fl_cz_wait_names[] = {
	FL_PAGE_LOCK_WAIT_FN,
	FL_ZERO_HUGE_FN,
};

static struct fl_cz_wait fl_cz_waits[] = {
	{ .cause = FAULTLAT_CAUSE_PAGE_LOCK, .bit_arg = 1 },
	{ .cause = FAULTLAT_CAUSE_ZEROING, .bit_arg = -1 },
};

static_assert(ARRAY_SIZE(fl_cz_waits) == ARRAY_SIZE(fl_cz_wait_names));

/**
 * fl_causes_layout_show() - what causes.c assumes of the kernel's
 *	functions, for debugfs's "layout"
 * @m: the file
 *
 * One line per fact, for selftests' layout_test to compare with the
 * kernel's BTF:
 *
 *   waitfunc NAME attached|off
 *   waitarg NAME INDEX PARAM STRUCT   (a pointer to struct STRUCT)
 *   waitbit NAME INDEX PARAM          (an int)
 */
void fl_causes_layout_show(struct seq_file *m)
{
	unsigned int i;

	mutex_lock(&fl_causes_lock);
	for (i = 0; i < ARRAY_SIZE(fl_cz_waits); i++) {
		const char *fn = fl_cz_wait_names[i];

		seq_printf(m, "waitfunc %s %s\n", fn,
			   fl_cz_waits[i].registered ? "attached" : "off");
		if (fl_cz_waits[i].cause != FAULTLAT_CAUSE_PAGE_LOCK)
			continue;
		seq_printf(m, "waitarg %s 0 folio folio\n", fn);
		if (fl_cz_waits[i].bit_arg >= 0)
			seq_printf(m, "waitbit %s %d bit_nr\n", fn,
				   fl_cz_waits[i].bit_arg);
	}
	mutex_unlock(&fl_causes_lock);
}

/* the probes' prototypes against the tracepoints' (see tracepoints.c) */
#define FL_CZ_CHECK(name, probe)					\
	static_assert(__same_type(&register_trace_##name,		\
				  int (*)(typeof(probe) *, void *)))
FL_CZ_CHECK(sched_switch, fl_cz_on_switch);
FL_CZ_CHECK(mm_vmscan_direct_reclaim_begin, fl_cz_reclaim_begin);
FL_CZ_CHECK(mm_vmscan_direct_reclaim_end, fl_cz_reclaim_end);
FL_CZ_CHECK(mm_vmscan_memcg_reclaim_begin, fl_cz_reclaim_begin);
FL_CZ_CHECK(mm_vmscan_memcg_reclaim_end, fl_cz_reclaim_end);
FL_CZ_CHECK(mm_compaction_begin, fl_cz_compaction_begin);
FL_CZ_CHECK(mm_compaction_end, fl_cz_compaction_end);
FL_CZ_CHECK(mmap_lock_start_locking, fl_cz_lock_start);
FL_CZ_CHECK(mmap_lock_acquire_returned, fl_cz_lock_returned);

/**
 * struct fl_cz_tp - a tracepoint of the causes
 * @name: its name
 * @probe: our probe
 * @tp: the tracepoint, once found (NULL: this kernel lacks it)
 * @registered: our probe is attached
 */
struct fl_cz_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool registered;
};

static struct fl_cz_tp fl_cz_tps[] = {
	{ "sched_switch", fl_cz_on_switch },
	{ "mm_vmscan_direct_reclaim_begin", fl_cz_reclaim_begin },
	{ "mm_vmscan_direct_reclaim_end", fl_cz_reclaim_end },
	{ "mm_vmscan_memcg_reclaim_begin", fl_cz_reclaim_begin },
	{ "mm_vmscan_memcg_reclaim_end", fl_cz_reclaim_end },
	{ "mm_compaction_begin", fl_cz_compaction_begin },
	{ "mm_compaction_end", fl_cz_compaction_end },
	{ "mmap_lock_start_locking", fl_cz_lock_start },
	{ "mmap_lock_acquire_returned", fl_cz_lock_returned },
};

static void fl_cz_find(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fl_cz_tps); i++)
		if (!strcmp(tp->name, fl_cz_tps[i].name))
			fl_cz_tps[i].tp = tp;
}

/* Detach every probe, and wait for those under way. */
static void fl_causes_detach(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fl_cz_tps); i++) {
		struct fl_cz_tp *t = &fl_cz_tps[i];

		if (t->registered)
			tracepoint_probe_unregister(t->tp, t->probe, NULL);
		t->registered = false;
	}
	for (i = 0; i < ARRAY_SIZE(fl_cz_waits); i++) {
		if (fl_cz_waits[i].registered)
			unregister_kretprobe(&fl_cz_waits[i].krp);
		fl_cz_waits[i].registered = false;
	}
	/* no probe nor fault hook of ours is in the episodes any more */
	tracepoint_synchronize_unregister();
}

static void fl_causes_off(void)
{
	/* fl_episodes_on stays enabled while module parameter paths is on */
	static_branch_dec(&fl_episodes_on);
	static_branch_disable(&fl_causes_on);
	fl_causes_detach();
}

/*
 * Attach every probe (sched_switch first: the I/O and uffd causes need
 * it), then let the fault hooks in.  A tracepoint the kernel lacks (a
 * kernel without memory cgroups has no memcg reclaim events) leaves its
 * cause uncounted, said once in the kernel log.
 */
static int fl_causes_on_now(void)
{
	unsigned int i;
	int err;

	/* no probe runs: forget the episodes of the last time it was on */
	fl_tasks_each(fl_causes_reset_rec);
	atomic_set(&fl_off, 0);
	for (i = 0; i < ARRAY_SIZE(fl_cz_tps); i++) {
		struct fl_cz_tp *t = &fl_cz_tps[i];

		if (!t->tp) {
			pr_info_once("causes: no tracepoint %s\n", t->name);
			continue;
		}
		err = tracepoint_probe_register(t->tp, t->probe, NULL);
		if (err) {
			pr_err("causes: tracepoint %s: %d\n", t->name, err);
			fl_causes_detach();
			return err;
		}
		t->registered = true;
	}
	/*
	 * Without them, a page-lock wait is I/O's, zeroing the rest's.
	 * Their instances are
	 * taken at every call while causes is on, and held through the
	 * sleep of those whose return is probed: more than the default's
	 * two a CPU, or a wait beyond them is I/O's (nmissed counts it).
	 */
	for (i = 0; i < ARRAY_SIZE(fl_cz_waits); i++) {
		struct fl_cz_wait *w = &fl_cz_waits[i];

		memset(&w->krp.kp, 0, sizeof(w->krp.kp));
		w->krp.kp.symbol_name = fl_cz_wait_names[i];
		w->krp.entry_handler = fl_cz_wait_entry;
		w->krp.handler = fl_cz_wait_return;
		w->krp.maxactive = max(64, 8 * (int)num_possible_cpus());
		w->krp.nmissed = 0;
		err = register_kretprobe(&w->krp);
		if (err)
			pr_info("causes: no %s time: kretprobe on %s: %d\n",
				fl_cause_name(w->cause), fl_cz_wait_names[i],
				err);
		w->registered = !err;
	}
	err = 0;
	static_branch_enable(&fl_causes_on);
	static_branch_inc(&fl_episodes_on);
	return 0;
}

static int fl_causes_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int err;

	err = kstrtobool(val, &on);
	if (err)
		return err;
	mutex_lock(&fl_causes_lock);
	if (fl_causes_ready && on != fl_causes_enabled()) {
		if (on)
			err = fl_causes_on_now();
		else
			fl_causes_off();
	}
	if (!err)
		fl_causes_param = on;
	mutex_unlock(&fl_causes_lock);
	return err;
}

static const struct kernel_param_ops fl_causes_ops = {
	.set = fl_causes_set,
	.get = param_get_bool,
};

module_param_cb(causes, &fl_causes_ops, &fl_causes_param, 0644);
MODULE_PARM_DESC(causes,
		 "time faults by cause: reclaim, compaction, mmap_lock, page lock, I/O, userfaultfd, huge-page zeroing, VMA-lock fallback (0 or 1, default 0; root may change it at run time)");

int fl_causes_init(void)
{
	int err = 0;

	for_each_kernel_tracepoint(fl_cz_find, NULL);
	mutex_lock(&fl_causes_lock);
	fl_causes_ready = true;
	if (fl_causes_param)
		err = fl_causes_on_now();
	if (err)
		fl_causes_ready = false;
	mutex_unlock(&fl_causes_lock);
	return err;
}

void fl_causes_exit(void)
{
	mutex_lock(&fl_causes_lock);
	if (fl_causes_enabled())
		fl_causes_off();
	fl_causes_ready = false;
	mutex_unlock(&fl_causes_lock);
}
