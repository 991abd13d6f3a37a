// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: pids as the caller's pid namespace numbers them.
 *
 * The task records are keyed by pids of the initial pid namespace.  A
 * caller in another one (a container) names tasks, and reads their pids,
 * as its own namespace numbers them: ids come in through
 * fl_pid_from_caller() and go out through fl_pid_to_caller().  A task
 * that namespace cannot see has no pid there (0): it cannot be named, and
 * lists leave it out.  A caller in the initial namespace pays nothing.
 * The processes of a tree are numbered in its opener's namespace when
 * they join it (tree.c), so that those gone since keep their number.
 */
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/threads.h>

#include "faultlat.h"

/**
 * fl_pid_from_caller() - a pid of the caller's namespace, in the initial one
 * @nr: the pid as the caller knows it
 *
 * Return: the initial namespace's number of that task, or 0 when the
 * caller's namespace has no such pid.
 */
u32 fl_pid_from_caller(u32 nr)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	u32 ret;

	if (ns == &init_pid_ns)
		return nr;
	if (!nr || nr > PID_MAX_LIMIT)
		return 0;
	rcu_read_lock();
	ret = pid_nr(find_pid_ns(nr, ns));
	rcu_read_unlock();
	return ret;
}

/**
 * fl_pid_to_caller() - a pid of the initial namespace, in the caller's
 * @nr: the initial namespace's pid
 *
 * Return: the caller's namespace's number of that task, or 0 when it has
 * none (the task is outside that namespace, or gone).
 */
u32 fl_pid_to_caller(u32 nr)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	u32 ret;

	if (ns == &init_pid_ns)
		return nr;
	if (!nr || nr > PID_MAX_LIMIT)
		return 0;
	rcu_read_lock();
	ret = pid_nr_ns(find_pid_ns(nr, &init_pid_ns), ns);
	rcu_read_unlock();
	return ret;
}
