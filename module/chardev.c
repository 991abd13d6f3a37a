// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: /dev/faultlat and its ioctls.
 *
 * Every command takes a size-first struct (see the uapi header for the
 * errno table).  The device is world-readable; what a caller may see is
 * decided per command: its own tasks for everyone, the rest with
 * CAP_PERFMON or CAP_SYS_ADMIN.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "cgroups.h"
#include "faultlat.h"

static bool fl_privileged(void)
{
	return perfmon_capable();
}

static int fl_cmd_info(void *arg)
{
	struct faultlat_info *info = arg;

	if (info->flags || info->__reserved)
		return -EINVAL;
	info->abi_version = FAULTLAT_ABI_VERSION;
	info->nr_buckets = FAULTLAT_NR_BUCKETS;
	info->version_major = FL_VERSION_MAJOR;
	info->version_minor = FL_VERSION_MINOR;
	info->max_tasks = fl_max_tasks;
	info->used_tasks = fl_tasks_used();
	info->maxactive = fl_maxactive;
	info->probes = fl_attach_mask(false, false) | FAULTLAT_PROBE_EXIT |
		       fl_attach_mask(true, false);
	if (fl_tracepoint_attached("tlb_flush"))
		info->probes |= FAULTLAT_PROBE_TLB_TRACE;
	info->nmissed = fl_attach_nmissed(false);
	fl_tlb_ipi_hits(info->tlb_ipi_hits);
	info->tlb_nmissed = fl_attach_nmissed(true);
	info->probe_mode = fl_probe_mode;
	info->direct = fl_attach_mask(false, true) | fl_attach_mask(true, true);
	fl_attach_direct_errno(info->direct_errno);
	info->reset_count = READ_ONCE(fl_reset_count);
	fl_global_read(NULL, NULL, NULL, NULL, &info->dropped);
	info->max_cgroups = fl_cgroups_wanted() ? fl_max_cgroups : 0;
	info->used_cgroups = fl_cgroups_used();
	info->cgroup_dropped = fl_cgroups_dropped();
	return 0;
}

static int fl_cmd_global(void *arg)
{
	struct faultlat_global *g = arg;
	struct fl_causes *cz;

	if (g->flags)
		return -EINVAL;
	if (!fl_privileged())
		return -EPERM;
	g->nmissed = fl_attach_nmissed(false);
	cz = kmalloc(sizeof(*cz), GFP_KERNEL);
	if (!cz)
		return -ENOMEM;
	fl_global_read(&g->stats, &g->fallbacks, cz, g->paths, &g->dropped);
	memset(&g->causes, 0, sizeof(g->causes));
	memset(&g->causes_more, 0, sizeof(g->causes_more));
	fl_causes_add_uapi(&g->causes, &g->causes_more, cz);
	kfree(cz);
	return 0;
}

static void fl_view_comm(__u64 comm[2], const struct fl_view *v)
{
	BUILD_BUG_ON(sizeof(v->comm) != 2 * sizeof(__u64));
	memcpy(comm, v->comm, sizeof(v->comm));
}

/*
 * The two task commands share their first fields: check the input ones,
 * take the view, fill the identity.  Returns the view (kfree() it) or an
 * ERR_PTR().
 */
#define FL_TASK_VIEW(arg)						\
	({								\
		typeof(arg) t__ = (arg);				\
		struct fl_view *v__ = ERR_PTR(-EINVAL);			\
									\
		if (!(t__->flags & ~FAULTLAT_TASK_PROCESS) &&		\
		    !t__->__reserved && t__->id)			\
			v__ = fl_task_view(t__->id, t__->flags);	\
		if (!IS_ERR(v__)) {					\
			t__->pid = fl_pid_to_caller(v__->pid);		\
			t__->tgid = fl_pid_to_caller(v__->tgid);	\
			t__->uid = v__->uid;				\
			t__->nr_threads = v__->nr_threads;		\
			if (v__->exited)				\
				t__->flags |= FAULTLAT_TASK_EXITED;	\
			fl_view_comm(t__->comm, v__);			\
		}							\
		v__;							\
	})

static struct fl_view *fl_task_view(u32 id, u32 flags)
{
	struct fl_view *v;
	int err;

	v = kmalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return ERR_PTR(-ENOMEM);
	err = fl_view_task(fl_pid_from_caller(id), flags & FAULTLAT_TASK_PROCESS,
			   fl_privileged(), v);
	if (err) {
		kfree(v);
		return ERR_PTR(err);
	}
	return v;
}

static int fl_cmd_task(void *arg)
{
	struct faultlat_task *t = arg;
	struct fl_view *v = FL_TASK_VIEW(t);

	if (IS_ERR(v))
		return PTR_ERR(v);
	t->stats = v->st;
	t->fallbacks = v->fallbacks;
	memset(&t->causes, 0, sizeof(t->causes));
	memset(&t->causes_more, 0, sizeof(t->causes_more));
	fl_causes_add_uapi(&t->causes, &t->causes_more, &v->cz);
	memcpy(t->paths, v->paths, sizeof(t->paths));
	kfree(v);
	return 0;
}

static int fl_cmd_tlb_task(void *arg)
{
	struct faultlat_tlb_task *t = arg;
	struct fl_view *v = FL_TASK_VIEW(t);

	if (IS_ERR(v))
		return PTR_ERR(v);
	t->stats = v->tlb;
	kfree(v);
	return 0;
}

/**
 * fl_copy_elem_to_user() - one element of a caller's array, size-first
 * @dst: the element's place in the caller's array
 * @src: the kernel's element
 * @ksize: its size
 * @usize: the caller's element size: the kernel's element is cut to it,
 *	or zeroes fill what the caller's has beyond it
 *
 * Return: 0 or -EFAULT.
 */
int fl_copy_elem_to_user(void __user *dst, const void *src, size_t ksize,
			 size_t usize)
{
	if (copy_to_user(dst, src, min(ksize, usize)))
		return -EFAULT;
	if (usize > ksize &&
	    clear_user((u8 __user *)dst + ksize, usize - ksize))
		return -EFAULT;
	return 0;
}

/**
 * struct fl_list_ctx - FAULTLAT_IOC_LIST's walk
 * @l: the caller's struct
 * @ubuf: where the next entry goes
 */
struct fl_list_ctx {
	struct faultlat_list *l;
	u8 __user *ubuf;
};

static u64 fl_max(const struct faultlat_stats *st)
{
	return max(st->minor.max_ns, st->major.max_ns);
}

static int fl_list_one(const struct fl_view *v, void *priv)
{
	struct fl_list_ctx *ctx = priv;
	struct faultlat_list *l = ctx->l;
	struct faultlat_task_entry e = {};

	/* a task the caller's pid namespace cannot see is not listed */
	e.pid = fl_pid_to_caller(v->pid);
	e.tgid = fl_pid_to_caller(v->tgid);
	if (!e.pid)
		return 0;
	l->total++;
	if (l->nr >= l->capacity)
		return 0;

	e.uid = v->uid;
	e.flags = (v->process ? FAULTLAT_TASK_PROCESS : 0) |
		  (v->exited ? FAULTLAT_TASK_EXITED : 0);
	fl_view_comm(e.comm, v);
	e.minor = v->st.minor.count;
	e.major = v->st.major.count;
	e.errors = v->st.errors;
	e.total_ns = v->st.minor.sum_ns + v->st.major.sum_ns;
	e.max_ns = fl_max(&v->st);
	/* p50_ns, p99_ns: 0, percentiles are the reader's (uapi.rst) */

	if (fl_copy_elem_to_user(ctx->ubuf, &e, sizeof(e), l->entry_size))
		return -EFAULT;
	ctx->ubuf += l->entry_size;
	l->nr++;
	return 0;
}

static int fl_cmd_list(void *arg)
{
	struct faultlat_list *l = arg;
	struct fl_list_ctx ctx = { .l = l };
	struct fl_view *v;
	int err;

	if (l->flags & ~FAULTLAT_TASK_PROCESS)
		return -EINVAL;
	if (l->entry_size < sizeof(struct faultlat_task_entry) ||
	    l->entry_size > FL_MAX_USIZE)
		return -EINVAL;
	if (l->capacity && !l->entries)
		return -EFAULT;
	if ((u64)l->capacity * l->entry_size > INT_MAX)
		return -EINVAL;
	ctx.ubuf = u64_to_user_ptr(l->entries);
	if (l->capacity &&
	    !access_ok(ctx.ubuf, (size_t)l->capacity * l->entry_size))
		return -EFAULT;

	v = kmalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	l->nr = 0;
	l->total = 0;
	err = fl_view_each(l->flags & FAULTLAT_TASK_PROCESS, fl_privileged(),
			   v, fl_list_one, &ctx);
	kfree(v);
	return err;
}

static int fl_cmd_tlb_global(void *arg)
{
	struct faultlat_tlb_global *g = arg;
	struct faultlat_tlb_cpu *c;
	u8 __user *ubuf;
	u32 n = 0;
	int cpu;

	if (g->flags)
		return -EINVAL;
	if (!fl_privileged())
		return -EPERM;
	if (g->cpus && g->cpu_size < sizeof(struct faultlat_tlb_cpu))
		return -EINVAL;
	if (g->cpu_size > FL_MAX_USIZE || g->cpu_size % 8)
		return -EINVAL;
	ubuf = u64_to_user_ptr(g->cpus);
	if (!g->cpus)
		g->nr_cpus = 0;
	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		if (n >= g->nr_cpus)
			break;
		fl_tlb_cpu_read(cpu, c);
		if (fl_copy_elem_to_user(ubuf, c, sizeof(*c), g->cpu_size)) {
			kfree(c);
			return -EFAULT;
		}
		ubuf += g->cpu_size;
		n++;
	}
	kfree(c);
	/* Entries written: the smaller of the room given and this. */
	g->nr_cpus = num_possible_cpus();
	fl_tlb_global_read(g);
	return 0;
}

static int fl_cmd_config(void *arg)
{
	struct faultlat_config *c = arg;

	if (c->flags & ~FAULTLAT_CONFIG_SET)
		return -EINVAL;
	if (c->flags & FAULTLAT_CONFIG_SET) {
		if (!fl_privileged())
			return -EPERM;
		WRITE_ONCE(fl_min_latency_ns, c->min_latency_ns);
	}
	c->min_latency_ns = READ_ONCE(fl_min_latency_ns);
	return 0;
}

static int fl_cmd_tree(struct file *file, void *arg)
{
	return fl_tree_cmd(file, arg, fl_privileged());
}

static int fl_cmd_cgroup(void *arg)
{
	return fl_cgroup_read(arg, fl_privileged());
}

static int fl_cmd_cgroup_list(void *arg)
{
	if (!fl_privileged())
		return -EPERM;
	return fl_cgroup_list(arg);
}

static int fl_cmd_reset(void *arg)
{
	struct faultlat_reset *r = arg;

	if (r->flags)
		return -EINVAL;
	if (!fl_privileged())
		return -EPERM;
	fl_reset();
	return 0;
}

/**
 * struct fl_cmd - one ioctl command
 * @size: the kernel's struct size
 * @min_size: the first version's size; smaller is EINVAL
 * @fn: the handler, on a kernel copy of the struct
 * @file_fn: or this one, which is told the open file too
 * @in_only: nothing to copy back
 */
struct fl_cmd {
	size_t size;
	size_t min_size;
	int (*fn)(void *arg);
	int (*file_fn)(struct file *file, void *arg);
	bool in_only;
};

#define FL_CMD(nr, type, last, handler)					\
	[nr] = { .size = sizeof(struct type),				\
		 .min_size = offsetofend(struct type, last),		\
		 .fn = handler }

static const struct fl_cmd fl_cmds[] = {
	FL_CMD(FAULTLAT_CMD_INFO, faultlat_info, __reserved, fl_cmd_info),
	FL_CMD(FAULTLAT_CMD_GLOBAL, faultlat_global, stats, fl_cmd_global),
	FL_CMD(FAULTLAT_CMD_TASK, faultlat_task, stats, fl_cmd_task),
	FL_CMD(FAULTLAT_CMD_LIST, faultlat_list, entries, fl_cmd_list),
	[FAULTLAT_CMD_RESET] = { .size = sizeof(struct faultlat_reset),
				 .min_size = sizeof(struct faultlat_reset),
				 .fn = fl_cmd_reset, .in_only = true },
	FL_CMD(FAULTLAT_CMD_TLB_GLOBAL, faultlat_tlb_global, cpus,
	       fl_cmd_tlb_global),
	FL_CMD(FAULTLAT_CMD_TLB_TASK, faultlat_tlb_task, stats,
	       fl_cmd_tlb_task),
	FL_CMD(FAULTLAT_CMD_CONFIG, faultlat_config, min_latency_ns,
	       fl_cmd_config),
	[FAULTLAT_CMD_TREE] = { .size = sizeof(struct faultlat_tree),
				.min_size = offsetofend(struct faultlat_tree,
							tlb),
				.file_fn = fl_cmd_tree },
	FL_CMD(FAULTLAT_CMD_CGROUP, faultlat_cgroup, fallbacks, fl_cmd_cgroup),
	FL_CMD(FAULTLAT_CMD_CGROUP_LIST, faultlat_cgroup_list, entries,
	       fl_cmd_cgroup_list),
};

static long fl_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	const struct fl_cmd *op;
	unsigned int nr;
	void *karg;
	u32 usize;
	int err;

	if (_IOC_TYPE(cmd) != FAULTLAT_TYPE || _IOC_DIR(cmd) != _IOC_NONE ||
	    _IOC_SIZE(cmd))
		return -ENOTTY;
	nr = _IOC_NR(cmd);
	if (nr >= ARRAY_SIZE(fl_cmds) ||
	    (!fl_cmds[nr].fn && !fl_cmds[nr].file_fn))
		return -ENOTTY;
	op = &fl_cmds[nr];

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	/* Every version of every struct is a multiple of 8 bytes long. */
	if (usize < op->min_size || usize % 8)
		return -EINVAL;
	if (usize > FL_MAX_USIZE)
		return -E2BIG;

	karg = kzalloc(op->size, GFP_KERNEL);
	if (!karg)
		return -ENOMEM;
	err = copy_struct_from_user(karg, op->size, uarg, usize);
	if (!err)
		err = op->fn ? op->fn(karg) : op->file_fn(file, karg);
	if (!err && !op->in_only &&
	    copy_to_user(uarg, karg, min_t(size_t, usize, op->size)))
		err = -EFAULT;
	kfree(karg);
	return err;
}

/* A tree belongs to the open file that opened it (tree.c). */
static int fl_release(struct inode *inode, struct file *file)
{
	fl_tree_release_file(file);
	return 0;
}

static const struct file_operations fl_fops = {
	.owner = THIS_MODULE,
	.release = fl_release,
	.unlocked_ioctl = fl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice fl_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "faultlat",
	.fops = &fl_fops,
	.mode = 0444,
};

int fl_chardev_init(void)
{
	return misc_register(&fl_misc);
}

void fl_chardev_exit(void)
{
	misc_deregister(&fl_misc);
}
