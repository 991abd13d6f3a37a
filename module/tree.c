// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: process trees, FAULTLAT_IOC_TREE.
 *
 * A tree is a slot of a small fixed table and an id; its processes are
 * the process records tagged with that id (struct fl_rec.tree, tasks.c).
 * The root is tagged when the tree is opened, every process a process of
 * the tree forks when it is forked (the sched_process_fork tracepoint,
 * before the child runs): membership is decided at fork, never on the
 * fault path, which is unchanged; the faultlat:fault event, when on,
 * reads the tag of the faulting thread's process (fl_task_tree()), so
 * that an instance's filter "tree == ID" keeps a tree's faults only.
 * A tagged record that its reap would take out of the table is kept
 * instead, out of the index, until the tree is closed, so that the
 * tree's sum and its list still have every process that exited.
 * Nothing is allocated for a tree: its records come from the task table
 * (max_tasks), and a process that finds it full is counted as dropped.
 *
 * Opening and closing take a mutex (process context); the probes only
 * read a slot's id.  Closing makes the id dead, then waits for an RCU
 * grace period, after which no probe tags a record with it nor keeps
 * one, and only then walks the table to untag.
 */
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "faultlat.h"

/* Trees open at a time, all users together. */
#define FL_MAX_TREES	64

/**
 * struct fl_tree - one slot
 * @id: the open tree's id (its slot is @id % FL_MAX_TREES), 0 when free
 * @owner: the open file that opened it
 * @dropped: processes of the tree that had no record (table full)
 * @ns: the pid namespace of its opener, which numbers its processes
 */
struct fl_tree {
	u32 id;
	struct file *owner;
	atomic_t dropped;
	struct pid_namespace *ns;
};

static struct fl_tree fl_trees[FL_MAX_TREES];
static DEFINE_MUTEX(fl_tree_mutex);
static u32 fl_tree_round;

/**
 * fl_tree_live() - is @tree an open tree?
 * @tree: an id, or 0
 *
 * Return: true while it is open; from the probes, also a little after it
 * was closed, until the grace period fl_tree_close() waits for.
 */
bool fl_tree_live(u32 tree)
{
	return tree && READ_ONCE(fl_trees[tree % FL_MAX_TREES].id) == tree;
}

NOKPROBE_SYMBOL(fl_tree_live);

/* A process of @tree could not have a record: the table was full. */
void fl_tree_dropped(u32 tree)
{
	atomic_inc(&fl_trees[tree % FL_MAX_TREES].dropped);
}

/**
 * fl_tree_pid() - a process's number in the pid namespace of tree @tree
 * @tree: an open tree (from a probe: live when looked at, and the probe
 *	runs before the grace period fl_tree_close() waits for ends)
 * @t: the process, which is joining the tree
 *
 * Return: its tgid there, or 0 when that namespace cannot see it.
 */
u32 fl_tree_pid(u32 tree, struct task_struct *t)
{
	struct pid_namespace *ns = READ_ONCE(fl_trees[tree % FL_MAX_TREES].ns);

	return ns ? pid_nr_ns(task_tgid(t), ns) : 0;
}

/* Under fl_tree_mutex: the open tree @id of @file, or NULL. */
static struct fl_tree *fl_tree_find(struct file *file, u32 id)
{
	struct fl_tree *t = &fl_trees[id % FL_MAX_TREES];

	return id && t->id == id && t->owner == file ? t : NULL;
}

/* Under fl_tree_mutex: close @t; its records leave it. */
static void fl_tree_close(struct fl_tree *t)
{
	u32 id = t->id;

	WRITE_ONCE(t->id, 0);
	/* the probes run with preemption or interrupts off */
	synchronize_rcu();
	fl_tree_untag(id);
	t->owner = NULL;
	put_pid_ns(t->ns);
	WRITE_ONCE(t->ns, NULL);
}

static int fl_tree_open(struct file *file, struct faultlat_tree *ft,
			bool privileged)
{
	struct fl_tree *t = NULL;
	unsigned int i;
	int err;
	u32 id;

	for (i = 0; i < FL_MAX_TREES; i++) {
		if (!fl_trees[i].id && !fl_trees[i].owner) {
			t = &fl_trees[i];
			break;
		}
	}
	if (!t)
		return -ENOSPC;
	/* a new id for the slot: a stale tag of its last tree is not ours */
	do {
		id = ++fl_tree_round * FL_MAX_TREES + i;
	} while (!id);
	atomic_set(&t->dropped, 0);
	t->owner = file;
	WRITE_ONCE(t->ns, get_pid_ns(task_active_pid_ns(current)));
	WRITE_ONCE(t->id, id);
	err = fl_tree_tag_root(fl_pid_from_caller(ft->pid), id, ft->pid,
			       privileged);
	if (err) {
		fl_tree_close(t);
		return err;
	}
	ft->tree = id;
	return 0;
}

/**
 * struct fl_tree_ctx - FAULTLAT_TREE_READ's walk
 * @t: the caller's struct
 * @ubuf: where the next entry goes
 * @e: scratch space for one entry
 */
struct fl_tree_ctx {
	struct faultlat_tree *t;
	u8 __user *ubuf;
	struct faultlat_tree_entry *e;
};

static int fl_tree_one(const struct fl_view *v, void *priv)
{
	struct fl_tree_ctx *ctx = priv;
	struct faultlat_tree *t = ctx->t;
	struct faultlat_tree_entry *e = ctx->e;
	const struct faultlat_stats *st = &v->st;
	unsigned int i;

	t->members++;
	t->live += !v->exited;
	fl_stats_add_finished(&t->stats, st);
	t->fallbacks += v->fallbacks;
	fl_tlb_stats_add_finished(&t->tlb, &v->tlb);
	fl_causes_add_uapi(&t->causes, &t->causes_more, &v->cz);
	FL_PATHS_ADD(t->paths, v->paths);
	if (t->nr >= t->capacity)
		return 0;

	memset(e, 0, sizeof(*e));
	e->pid = v->pid;
	e->uid = v->uid;
	e->flags = FAULTLAT_TASK_PROCESS |
		   (v->exited ? FAULTLAT_TASK_EXITED : 0);
	e->nr_threads = v->nr_threads;
	memcpy(e->comm, v->comm, sizeof(e->comm));
	e->minor = st->minor.count;
	e->major = st->major.count;
	e->errors = st->errors;
	e->total_ns = st->minor.sum_ns + st->major.sum_ns;
	if (st->minor.count && st->major.count)
		e->min_ns = min(st->minor.min_ns, st->major.min_ns);
	else
		e->min_ns = st->minor.count ? st->minor.min_ns :
					      st->major.min_ns;
	e->max_ns = max(st->minor.max_ns, st->major.max_ns);
	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++)
		e->buckets[i] = st->minor.buckets[i] + st->major.buckets[i];

	if (fl_copy_elem_to_user(ctx->ubuf, e, sizeof(*e), t->entry_size))
		return -EFAULT;
	ctx->ubuf += t->entry_size;
	t->nr++;
	return 0;
}

static int fl_tree_read(struct fl_tree *tr, struct faultlat_tree *t,
			bool privileged)
{
	struct fl_tree_ctx ctx = { .t = t };
	struct fl_view *v;
	u32 hidden = 0;
	int err;

	if (t->capacity &&
	    t->entry_size < offsetofend(struct faultlat_tree_entry, buckets))
		return -EINVAL;
	if (t->entry_size > FL_MAX_USIZE || t->entry_size % 8)
		return -EINVAL;
	if ((u64)t->capacity * t->entry_size > INT_MAX)
		return -EINVAL;
	if (t->capacity && !t->entries)
		return -EFAULT;
	ctx.ubuf = u64_to_user_ptr(t->entries);
	if (t->capacity &&
	    !access_ok(ctx.ubuf, (size_t)t->capacity * t->entry_size))
		return -EFAULT;

	v = kmalloc(sizeof(*v), GFP_KERNEL);
	ctx.e = kmalloc(sizeof(*ctx.e), GFP_KERNEL);
	if (!v || !ctx.e) {
		err = -ENOMEM;
		goto out;
	}
	t->members = 0;
	t->live = 0;
	t->nr = 0;
	t->fallbacks = 0;
	fl_stats_init(&t->stats);
	fl_tlb_stats_init(&t->tlb);
	memset(&t->causes, 0, sizeof(t->causes));
	memset(t->paths, 0, sizeof(t->paths));
	memset(&t->causes_more, 0, sizeof(t->causes_more));
	err = fl_tree_each(t->tree, privileged, v, fl_tree_one, &ctx, &hidden);
	fl_stats_finish(&t->stats);
	fl_tlb_stats_finish(&t->tlb);
	t->hidden = hidden;
	t->dropped = atomic_read(&tr->dropped);
out:
	kfree(ctx.e);
	kfree(v);
	return err;
}

/**
 * fl_tree_cmd() - FAULTLAT_IOC_TREE
 * @file: the open file it came on
 * @t: the caller's struct, copied in
 * @privileged: the caller may read every task
 *
 * Return: 0 or a negative errno, as the uapi header lists them.
 */
int fl_tree_cmd(struct file *file, struct faultlat_tree *t, bool privileged)
{
	struct fl_tree *tr;
	int err;

	if (t->flags)
		return -EINVAL;
	switch (t->op) {
	case FAULTLAT_TREE_OPEN:
		if (!t->pid || t->tree || t->entry_size || t->capacity ||
		    t->entries)
			return -EINVAL;
		break;
	case FAULTLAT_TREE_READ:
		if (t->pid)
			return -EINVAL;
		break;
	case FAULTLAT_TREE_CLOSE:
		if (t->pid || t->entry_size || t->capacity || t->entries)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}

	mutex_lock(&fl_tree_mutex);
	if (t->op == FAULTLAT_TREE_OPEN) {
		err = fl_tree_open(file, t, privileged);
		goto out;
	}
	tr = fl_tree_find(file, t->tree);
	if (!tr) {
		err = -ENOENT;
		goto out;
	}
	if (t->op == FAULTLAT_TREE_READ) {
		err = fl_tree_read(tr, t, privileged);
	} else {
		fl_tree_close(tr);
		err = 0;
	}
out:
	mutex_unlock(&fl_tree_mutex);
	return err;
}

/* The file is closed: so are its trees. */
void fl_tree_release_file(struct file *file)
{
	unsigned int i;

	mutex_lock(&fl_tree_mutex);
	for (i = 0; i < FL_MAX_TREES; i++)
		if (fl_trees[i].id && fl_trees[i].owner == file)
			fl_tree_close(&fl_trees[i]);
	mutex_unlock(&fl_tree_mutex);
}
