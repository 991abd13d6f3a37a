// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: attach to kernel tracepoints that are not exported to modules.
 *
 * sched_process_exit tells us a thread is done (fold its record into its
 * process's); sched_process_free that a task is gone for good (drop the
 * process record once its leader was reaped); sched_process_exec that a
 * thread may have taken its leader's pid; sched_process_fork that a
 * process of a tree has a child, which joins the tree (tree.c);
 * tlb:tlb_flush counts TLB flushes by reason; sched_switch (with direct
 * calls only) that a thread blocks inside a direct-traced function
 * (direct.c); cgroup_rmdir that a cgroup is gone, its record to be folded
 * into its parent's (cgroups.c).  None is exported, so we find them with
 * for_each_kernel_tracepoint() and attach with tracepoint_probe_register().
 * Their probes run with preemption disabled.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <trace/events/sched.h>
#include <trace/events/tlb.h>
#include <trace/events/cgroup.h>

#include "cgroups.h"
#include "compat.h"
#include "faultlat.h"

static void fl_on_exit(void *data, FL_TP_PROTO_SCHED_PROCESS_EXIT)
{
	fl_task_exit(p);
}

static void fl_on_free(void *data, struct task_struct *p)
{
	fl_task_free(p);
}

/* Same prototype in 6.1, 6.12 and 7.3: FL_TP_CHECK() below checks it. */
static void fl_on_fork(void *data, struct task_struct *parent,
		       struct task_struct *child)
{
	fl_task_fork(parent, child);
}

static void fl_on_exec(void *data, struct task_struct *p, pid_t old_pid,
		       struct linux_binprm *bprm)
{
	fl_task_exec(p, old_pid);
}

static void fl_on_switch(void *data, bool preempt, struct task_struct *prev,
			 struct task_struct *next, unsigned int prev_state)
{
	fl_direct_on_switch(preempt, prev_state);
}

static void fl_on_rmdir(void *data, struct cgroup *cgrp, const char *path)
{
	fl_cgroup_on_rmdir(cgrp);
}

static void fl_on_tlb_flush(void *data, int reason, unsigned long pages)
{
	fl_tlb_on_flush_event(reason, pages);
}

/*
 * The probes' prototypes are the tracepoints' own (a probe is registered
 * as a void *): checked against their register_trace_*() declarations,
 * which no code here calls (the tracepoints are not exported).
 */
#define FL_TP_CHECK(name, probe)					\
	static_assert(__same_type(&register_trace_##name,		\
				  int (*)(typeof(probe) *, void *)))
FL_TP_CHECK(sched_process_exit, fl_on_exit);
FL_TP_CHECK(sched_process_free, fl_on_free);
FL_TP_CHECK(sched_process_exec, fl_on_exec);
FL_TP_CHECK(sched_process_fork, fl_on_fork);
FL_TP_CHECK(sched_switch, fl_on_switch);
FL_TP_CHECK(tlb_flush, fl_on_tlb_flush);
FL_TP_CHECK(cgroup_rmdir, fl_on_rmdir);

/**
 * struct fl_tp - a kernel tracepoint we attach to
 * @name: its name
 * @probe: our probe
 * @optional: load without it if the kernel lacks it
 * @wanted: attach only if this says so (NULL: always)
 * @tp: the tracepoint, once found
 * @registered: our probe is attached
 */
struct fl_tp {
	const char *name;
	void *probe;
	bool optional;
	bool (*wanted)(void);
	struct tracepoint *tp;
	bool registered;
};

static struct fl_tp fl_tps[] = {
	{ .name = "sched_process_exit", .probe = fl_on_exit },
	{ .name = "sched_process_free", .probe = fl_on_free },
	{ .name = "sched_process_exec", .probe = fl_on_exec },
	{ .name = "sched_process_fork", .probe = fl_on_fork },
	{ .name = "cgroup_rmdir", .probe = fl_on_rmdir,
	  .wanted = fl_cgroups_wanted },
	{ .name = "tlb_flush", .probe = fl_on_tlb_flush, .optional = true,
	  .wanted = fl_tlb_wanted },
	{ .name = "sched_switch", .probe = fl_on_switch,
	  .wanted = fl_direct_wanted },
};

static void fl_tp_find(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fl_tps); i++)
		if (!strcmp(tp->name, fl_tps[i].name))
			fl_tps[i].tp = tp;
}

int fl_tracepoints_init(void)
{
	unsigned int i;
	int err;

	for_each_kernel_tracepoint(fl_tp_find, NULL);
	for (i = 0; i < ARRAY_SIZE(fl_tps); i++) {
		struct fl_tp *t = &fl_tps[i];

		if ((!t->tp && t->optional) || (t->wanted && !t->wanted()))
			continue;
		if (!t->tp) {
			pr_err("tracepoint %s not found\n", t->name);
			err = -ENOENT;
			goto fail;
		}
		err = tracepoint_probe_register(t->tp, t->probe, NULL);
		if (err) {
			pr_err("tracepoint %s: %d\n", t->name, err);
			goto fail;
		}
		t->registered = true;
	}
	return 0;
fail:
	fl_tracepoints_exit();
	return err;
}

bool fl_tracepoint_attached(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fl_tps); i++)
		if (!strcmp(fl_tps[i].name, name))
			return fl_tps[i].registered;
	return false;
}

/* Detach, and wait until no probe of ours runs any more. */
void fl_tracepoints_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fl_tps); i++) {
		struct fl_tp *t = &fl_tps[i];

		if (t->registered)
			tracepoint_probe_unregister(t->tp, t->probe, NULL);
		t->registered = false;
	}
	tracepoint_synchronize_unregister();
}
