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
 * - off CPU: sched_switch, out and back in; blocked in io_schedule() (the
 *   task's in_iowait) is I/O, blocked otherwise in a fault on a VMA
 *   registered with userfaultfd is its handler's time.
 *
 * Exclusivity: each instant of the episode goes to the first cause of
 * enum faultlat_cause that holds then, or to none (the rest): I/O inside
 * reclaim is reclaim's, a sleep on mmap_lock is the lock's.  The episode is
 * cut into spans at every change; a span's time, in the clock's own units
 * rounded down to 2^FL_CZ_SHIFT of them, goes to its cause.  At the end,
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
 * CPU inside an episode (fl_off).  Nothing here allocates or sleeps.
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
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched.h>
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

static const char *const fl_cause_names[FAULTLAT_NR_CAUSES] = {
	[FAULTLAT_CAUSE_RECLAIM] = "reclaim",
	[FAULTLAT_CAUSE_COMPACTION] = "compaction",
	[FAULTLAT_CAUSE_MMAP_LOCK] = "mmap_lock",
	[FAULTLAT_CAUSE_IO] = "io",
	[FAULTLAT_CAUSE_UFFD] = "uffd",
};

const char *fl_cause_name(unsigned int cause)
{
	return cause < FAULTLAT_NR_CAUSES ? fl_cause_names[cause] : "rest";
}

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
	if (e->off && e->off_io)
		return FAULTLAT_CAUSE_IO;
	if (e->off && e->off_blocked && e->uffd)
		return FAULTLAT_CAUSE_UFFD;
	return FL_CAUSE_REST;
}

/* End the current span at @now, and start the next with what holds now. */
static nokprobe_inline void fl_ep_update(struct fl_episode *e, u64 now)
{
	if (e->cause != FL_CAUSE_REST && now > e->since) {
		u64 units = (now - e->since) >> FL_CZ_SHIFT;
		u32 *acc = &e->acc[e->cause];

		*acc = units >= U32_MAX - *acc ? U32_MAX : *acc + units;
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
 *
 * A new episode starts at @start; a call that continues one goes on with
 * it, if it was followed from its start.  Called by the entry hook, which
 * may run preemptible.
 */
void fl_causes_begin(struct fl_rec *r, u64 start, bool continues,
		     struct vm_area_struct *vma)
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
			fl_ep_update(e, fl_now());
			this_cpu_write(fl_running, r);
		}
	} else {
		memset(e->acc, 0, sizeof(e->acc));
		e->since = start;
		e->cause = FL_CAUSE_REST;
		e->reclaim = 0;
		e->compaction = 0;
		e->lock = false;
		e->off = false;
		e->off_io = false;
		e->off_blocked = false;
		e->uffd = userfaultfd_armed(vma);
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
		     u64 ns[FAULTLAT_NR_CAUSES])
{
	u64 sum = 0, cut;
	int i;

	for (i = 0; i < FAULTLAT_NR_CAUSES; i++) {
		ns[i] = fl_elapsed(0, (u64)e->acc[i] << FL_CZ_SHIFT);
		sum += ns[i];
	}
	/* only if two CPUs' clocks disagree: the causes never exceed it */
	for (i = FAULTLAT_NR_CAUSES - 1; i >= 0 && sum > lat_ns; i--) {
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
 *
 * Called by the return hook, preemption disabled, in @r's write section:
 * an episode that ends gets its time by cause in nanoseconds (for the
 * trace event, fl_causes_of()), and a completed one is added to the
 * record's statistics.
 */
void fl_causes_leave(struct fl_rec *r, u64 now, u64 lat_ns, bool done,
		     bool pending)
{
	struct fl_episode *e = &r->ep;
	struct fl_tcauses *t = &r->st.cz;
	u64 ns[FAULTLAT_NR_CAUSES];
	int i;

	if (!fl_ep_live(e))
		return;
	fl_ep_update(e, now);
	if (pending)
		return;
	e->active = false;
	e->done = true;
	this_cpu_write(fl_running, NULL);
	if (!done)
		return;
	fl_ep_ns(e, lat_ns, ns);
	t->faults++;
	t->latency_ns += lat_ns;
	for (i = 0; i < FAULTLAT_NR_CAUSES; i++) {
		t->ns[i] += ns[i];
		t->with[i] += !!ns[i];
	}
}

NOKPROBE_SYMBOL(fl_causes_leave);

/**
 * fl_causes_of() - the time by cause of the episode that just ended
 * @r: the thread's record, or NULL
 * @lat_ns: its latency
 * @ns: where the nanoseconds go, [enum faultlat_cause]; zeroes when the
 *	episode was not followed
 */
void fl_causes_of(const struct fl_rec *r, u64 lat_ns,
		  u64 ns[FAULTLAT_NR_CAUSES])
{
	if (r && r->ep.done)
		fl_ep_ns(&r->ep, lat_ns, ns);
	else
		memset(ns, 0, FAULTLAT_NR_CAUSES * sizeof(u64));
}

NOKPROBE_SYMBOL(fl_causes_of);

/* Forget @r's episode: turning the causes on, or a record made anew. */
void fl_causes_reset_rec(struct fl_rec *r)
{
	r->ep.active = false;
	r->ep.done = false;
	r->ep.off = false;
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
		 "time faults by cause: reclaim, compaction, mmap_lock, I/O, userfaultfd (0 or 1, default 0; root may change it at run time)");

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
