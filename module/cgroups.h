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
struct fl_cg_cpu *fl_cg_lookup(struct fl_rec *r, u64 id);
void fl_cg_zero(struct fl_cg_cpu *cc, u32 gen);
void fl_cg_count(struct fl_rec *r, const struct fl_sample s, bool error,
		 bool retry, bool fallback, unsigned int abandoned);
void fl_cg_tlb_flush(struct fl_rec *r, u64 ns, bool full, u64 pages,
		     bool remote);
void fl_cg_tlb_ipi(struct fl_rec *r, u32 targets);
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
 * fl_cg_get() - this CPU's share of the current task's cgroup record
 * @r: the thread's record
 *
 * The record caches its thread's cgroup: a thread that was not moved
 * since its last fault pays one id comparison (an id is never reused, and
 * while the thread is in the cgroup, its record stays).  The share is
 * zeroed first if a reset happened since this CPU last wrote it.
 *
 * Return: the share; when the cgroup has no record (the table was full),
 * this CPU's share of the faults of none, which count as dropped.
 */
static nokprobe_inline struct fl_cg_cpu *fl_cg_get(struct fl_rec *r)
{
	u64 id = fl_cg_current_id();
	struct fl_cg_cpu *cc;
	u32 gen;

	if (unlikely(id != r->cg_id))
		return fl_cg_lookup(r, id);
	cc = this_cpu_ptr(r->cg_pcpu);
	gen = READ_ONCE(fl_gen);
	if (unlikely(cc->gen != gen))
		fl_cg_zero(cc, gen);
	return cc;
}

#endif /* _FAULTLAT_CGROUPS_H */
