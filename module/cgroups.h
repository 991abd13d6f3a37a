/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat: the cgroup records' fast path, inline in the fault's return
 * hook (cgroups.c has the rest).
 */
#ifndef _FAULTLAT_CGROUPS_H
#define _FAULTLAT_CGROUPS_H

#include <linux/cgroup.h>
#include <linux/jump_label.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>

#include "faultlat.h"

/**
 * struct fl_cg_stats - a cgroup record's statistics (or a share of them)
 * @st: the faults
 * @tlb: the TLB flushes, in the uapi layout (64-bit, counts unset)
 */
struct fl_cg_stats {
	struct fl_gstats st;
	struct faultlat_tlb_stats tlb;
};

/**
 * struct fl_cg_cpu - one CPU's share of a cgroup record's statistics
 * @seq: readers retry on it; written by its CPU only, preemption disabled
 * @gen: reset generation of @s; stale means zero
 * @s: the faults and TLB flushes of the cgroup's tasks on this CPU
 */
struct fl_cg_cpu {
	seqcount_t seq;
	u32 gen;
	struct fl_cg_stats s;
};

extern unsigned int fl_max_cgroups;
DECLARE_STATIC_KEY_TRUE(fl_cg_on);

bool fl_cgroups_wanted(void);

int fl_cgroups_init(void);
void fl_cgroups_exit(void);
unsigned int fl_cgroups_used(void);
u64 fl_cgroups_dropped(void);
size_t fl_cgroups_bytes(void);
void fl_cgroup_on_rmdir(struct cgroup *cgrp);
struct fl_cg_cpu *fl_cg_switch(struct fl_rec *r);
struct fl_cg_cpu *fl_cg_share_current(void);
struct fl_cg *fl_cg_leave(struct fl_rec *r);
void fl_cg_put(struct fl_cg *g);
void fl_cg_count(struct fl_cg_cpu *cc, const struct fl_sample s, bool error,
		 bool retry, bool fallback, unsigned int abandoned);
void fl_cg_count_episode(struct fl_cg_cpu *cc, const u64 *ns, u64 lat_ns,
			 unsigned int path);
void fl_cg_tlb_flush(struct fl_cg_cpu *cc, u64 ns, bool full, u64 pages,
		     bool remote);
void fl_cg_tlb_ipi(struct fl_cg_cpu *cc, u32 targets);
struct faultlat_cgroup;
struct faultlat_cgroup_list;
int fl_cgroup_read(struct faultlat_cgroup *c, bool privileged);
int fl_cgroup_list(struct faultlat_cgroup_list *l);

/*
 * The current task's cgroup (v2) id.  Preemption is disabled in the
 * hooks: the css_set, which pins its cgroup, is not freed before an RCU
 * grace period ends.
 */
static nokprobe_inline u64 fl_cg_current_id(void)
{
	return cgroup_id(rcu_dereference_sched(current->cgroups)->dfl_cgrp);
}

/**
 * fl_cg_share() - where an event of the current thread is counted for its
 *	cgroup, besides its own record
 * @r: the thread's record, before the event is counted in it; or NULL
 *
 * A thread attached to its cgroup's record (cgroups.c) while it stays in
 * that cgroup pays one id comparison: its record's statistics are the
 * cgroup record's share of it.  Called before the event is counted in
 * @r, so that it counts in the cgroup the thread is in at the event.
 *
 * Return: NULL when the event needs counting in @r only (or cgroups=0);
 * else a CPU's share of a cgroup record, in which the caller counts it
 * too (fl_cg_count(), fl_cg_tlb_flush(), fl_cg_tlb_ipi()): for a thread
 * of no record, an eager thread (cgroups.c), or a cgroup without one
 * (the faults of none, dropped).
 */
static nokprobe_inline struct fl_cg_cpu *fl_cg_share(struct fl_rec *r)
{
	if (!static_branch_likely(&fl_cg_on))
		return NULL;
	if (unlikely(!r))
		return fl_cg_share_current();
	if (likely(fl_cg_current_id() == r->cg_id))
		return NULL;
	return fl_cg_switch(r);
}

#endif /* _FAULTLAT_CGROUPS_H */
