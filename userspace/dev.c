// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat client: open /dev/faultlat, issue its ioctls, explain errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cgroup.h"
#include "cmd.h"
#include "dev.h"

const char *fl_dev_path(void)
{
	const char *p = getenv("FAULTLAT_DEVICE");

	return p && *p ? p : FAULTLAT_DEVICE;
}

int fl_dev_open(void)
{
	const char *path = fl_dev_path();
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		return fd;

	switch (errno) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
		fprintf(stderr,
			"faultlat: %s not found: the faultlat module is not loaded (load it with: sudo insmod module/faultlat.ko, or sudo modprobe faultlat)\n",
			path);
		break;
	case EACCES:
	case EPERM:
		fprintf(stderr,
			"faultlat: permission denied opening %s: ask the administrator to make it readable, or run as root\n",
			path);
		break;
	default:
		fprintf(stderr, "faultlat: cannot open %s: %s\n", path,
			strerror(errno));
		break;
	}
	return -1;
}

/*
 * @buf, of @n elements of @size, grown (or shrunk) and zeroed for an
 * ioctl to fill; NULL, and @buf freed, when out of memory.
 */
static void *zrealloc(void *buf, size_t n, size_t size)
{
	void *nbuf = realloc(buf, n * size);

	if (!nbuf) {
		free(buf);
		return NULL;
	}
	memset(nbuf, 0, n * size);
	return nbuf;
}

/*
 * One call of a list command that fills up to @cap entries of @esize at
 * @buf: how many it wrote (@nr), how many there were (@total).
 */
typedef int (*fill_fn)(int fd, void *buf, __u32 cap, __u32 *nr,
		       __u32 *total, void *arg);

/*
 * A list whose length changes between calls (tasks, processes, cgroups
 * come and go): call @fill with a buffer grown to what the last call
 * counted, a few times, then give up (-EAGAIN).  *@entries is malloc'd.
 */
static int fill_list(int fd, size_t esize, __u32 cap, fill_fn fill,
		     void *arg, void **entries, __u32 *nr)
{
	__u32 got, total;
	void *buf = NULL;
	int tries, err;

	for (tries = 0; tries < 8; tries++) {
		buf = zrealloc(buf, cap, esize);
		if (!buf)
			return -ENOMEM;
		err = fill(fd, buf, cap, &got, &total, arg);
		if (err) {
			free(buf);
			return err;
		}
		/* all of it, or all there was room for and nothing left out */
		if (total <= got || got < cap) {
			*entries = buf;
			*nr = got;
			return 0;
		}
		if (total > UINT32_MAX / 2 - 64) {
			free(buf);
			return -EOVERFLOW;
		}
		cap = total + total / 8 + 16;
	}
	/* The table kept growing faster than we could follow. */
	free(buf);
	return -EAGAIN;
}

/* All commands take a size-first struct; the kernel reads @size first. */
static int fl_ioctl(int fd, unsigned long cmd, void *arg)
{
	if (ioctl(fd, cmd, arg) < 0)
		return -errno;
	return 0;
}

int fl_dev_info(int fd, struct faultlat_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return fl_ioctl(fd, FAULTLAT_IOC_INFO, info);
}

int fl_dev_global(int fd, struct faultlat_global *g)
{
	memset(g, 0, sizeof(*g));
	g->size = sizeof(*g);
	return fl_ioctl(fd, FAULTLAT_IOC_GLOBAL, g);
}

int fl_dev_task(int fd, __u32 id, bool process, struct faultlat_task *t)
{
	memset(t, 0, sizeof(*t));
	t->size = sizeof(*t);
	t->flags = process ? FAULTLAT_TASK_PROCESS : 0;
	t->id = id;
	return fl_ioctl(fd, FAULTLAT_IOC_TASK, t);
}

int fl_dev_reset(int fd)
{
	struct faultlat_reset r = { .size = sizeof(r) };

	return fl_ioctl(fd, FAULTLAT_IOC_RESET, &r);
}

int fl_dev_tlb_task(int fd, __u32 id, bool process,
		    struct faultlat_tlb_task *t)
{
	memset(t, 0, sizeof(*t));
	t->size = sizeof(*t);
	t->flags = process ? FAULTLAT_TASK_PROCESS : 0;
	t->id = id;
	return fl_ioctl(fd, FAULTLAT_IOC_TLB_TASK, t);
}

int fl_dev_config(int fd, struct faultlat_config *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	return fl_ioctl(fd, FAULTLAT_IOC_CONFIG, c);
}

int fl_dev_tree_open(int fd, __u32 pid, __u32 *tree)
{
	struct faultlat_tree t = {
		.size = sizeof(t), .op = FAULTLAT_TREE_OPEN, .pid = pid,
	};
	int err = fl_ioctl(fd, FAULTLAT_IOC_TREE, &t);

	if (!err)
		*tree = t.tree;
	return err;
}

struct tree_arg {
	__u32 tree;
	struct faultlat_tree *t;
};

static int tree_fill(int fd, void *buf, __u32 cap, __u32 *nr, __u32 *total,
		     void *arg)
{
	struct tree_arg *ta = arg;
	struct faultlat_tree *t = ta->t;
	int err;

	memset(t, 0, sizeof(*t));
	t->size = sizeof(*t);
	t->op = FAULTLAT_TREE_READ;
	t->tree = ta->tree;
	t->entry_size = sizeof(struct faultlat_tree_entry);
	t->capacity = cap;
	t->entries = (__u64)(uintptr_t)buf;
	err = fl_ioctl(fd, FAULTLAT_IOC_TREE, t);
	*nr = t->nr;
	*total = t->members;
	return err;
}

int fl_dev_tree_read(int fd, __u32 tree, struct faultlat_tree *t,
		     struct faultlat_tree_entry **entries, __u32 *nr)
{
	struct tree_arg ta = { .tree = tree, .t = t };

	return fill_list(fd, sizeof(**entries), 64, tree_fill, &ta,
			 (void **)entries, nr);
}

int fl_dev_tree_close(int fd, __u32 tree)
{
	struct faultlat_tree t = {
		.size = sizeof(t), .op = FAULTLAT_TREE_CLOSE, .tree = tree,
	};

	return fl_ioctl(fd, FAULTLAT_IOC_TREE, &t);
}

int fl_dev_cgroup(int fd, int cgfd, __u32 flags, struct faultlat_cgroup *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->flags = flags;
	c->fd = cgfd;
	return fl_ioctl(fd, FAULTLAT_IOC_CGROUP, c);
}

static int cgroup_list_fill(int fd, void *buf, __u32 cap, __u32 *nr,
			    __u32 *total, void *arg)
{
	struct faultlat_cgroup_list l = {
		.size = sizeof(l),
		.entry_size = sizeof(struct faultlat_cgroup_entry),
		.capacity = cap,
		.entries = (__u64)(uintptr_t)buf,
	};
	int err;

	(void)arg;	/* no options */
	err = fl_ioctl(fd, FAULTLAT_IOC_CGROUP_LIST, &l);
	*nr = l.nr;
	*total = l.total;
	return err;
}

int fl_dev_cgroup_list(int fd, struct faultlat_cgroup_entry **entries,
		       __u32 *nr)
{
	return fill_list(fd, sizeof(**entries), 64, cgroup_list_fill, NULL,
			 (void **)entries, nr);
}

bool fl_dev_has_cgroups(const struct faultlat_info *info)
{
	return info->version_major > 0 || info->version_minor >= 4;
}

int fl_module_param(const char *name)
{
	char path[128], buf[8] = "";
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/module/faultlat/parameters/%s",
		 name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	return buf[0] == 'Y' || buf[0] == '1';
}

/* Possible CPUs, from the highest id in /sys/devices/system/cpu/possible. */
static __u32 possible_cpus(void)
{
	char buf[256], *p;
	unsigned long v, max = 0;
	long conf;
	FILE *f;

	f = fopen("/sys/devices/system/cpu/possible", "re");
	if (f) {
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		/* "0-3,8-11": the number after the last separator */
		if (p) {
			p = buf + strcspn(buf, "\n");
			while (p > buf && (p[-1] >= '0' && p[-1] <= '9'))
				p--;
			if (*p >= '0' && *p <= '9') {
				v = strtoul(p, NULL, 10);
				if (v < 65536)
					max = v + 1;
			}
		}
	}
	if (max)
		return max;
	conf = sysconf(_SC_NPROCESSORS_CONF);
	return conf > 0 && conf < 65536 ? conf : 64;
}

int fl_dev_tlb_global(int fd, struct faultlat_tlb_global *g,
		      struct faultlat_tlb_cpu **cpus, __u32 *nr)
{
	struct faultlat_tlb_cpu *buf = NULL;
	bool sized = false;	/* cap is the kernel's own answer */
	__u32 cap;
	int err;

	memset(g, 0, sizeof(*g));
	g->size = sizeof(*g);
	if (!cpus)
		return fl_ioctl(fd, FAULTLAT_IOC_TLB_GLOBAL, g);

	/*
	 * The kernel fills one entry per possible CPU, as many as there is
	 * room for, and answers the number of possible CPUs: ask again with
	 * that much room if it is more.  (Modules before that answered the
	 * entries written: a spare entry tells a full answer from a cut one,
	 * and a full one is asked again with twice the room.)
	 */
	for (cap = possible_cpus() + 1; cap <= 1U << 20;
	     cap = sized ? g->nr_cpus : 2 * cap) {
		buf = zrealloc(buf, cap, sizeof(*buf));
		if (!buf)
			return -ENOMEM;
		memset(g, 0, sizeof(*g));
		g->size = sizeof(*g);
		g->cpu_size = sizeof(*buf);
		g->nr_cpus = cap;
		g->cpus = (__u64)(uintptr_t)buf;
		err = fl_ioctl(fd, FAULTLAT_IOC_TLB_GLOBAL, g);
		if (err) {
			free(buf);
			return err;
		}
		if (g->nr_cpus < cap || (sized && g->nr_cpus == cap)) {
			*cpus = buf;
			*nr = g->nr_cpus;
			return 0;
		}
		sized = g->nr_cpus > cap;
	}
	free(buf);
	return -EOVERFLOW;
}

static int list_fill(int fd, void *buf, __u32 cap, __u32 *nr, __u32 *total,
		     void *arg)
{
	struct faultlat_list l = {
		.size = sizeof(l),
		.flags = *(__u32 *)arg,
		.entry_size = sizeof(struct faultlat_task_entry),
		.capacity = cap,
		.entries = (__u64)(uintptr_t)buf,
	};
	int err = fl_ioctl(fd, FAULTLAT_IOC_LIST, &l);

	*nr = l.nr;
	*total = l.total;
	return err;
}

int fl_dev_list(int fd, __u32 flags, struct faultlat_task_entry **entries,
		__u32 *nr)
{
	return fill_list(fd, sizeof(**entries), 256, list_fill, &flags,
			 (void **)entries, nr);
}

void fl_comm(const __u64 comm[2], char buf[FL_COMM_LEN + 1])
{
	memcpy(buf, comm, FL_COMM_LEN);
	buf[FL_COMM_LEN] = '\0';
}

/* The comm of a live task from /proc, for messages; "" if unknown. */
static void proc_comm(__u32 id, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%u/comm", id);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	else
		buf[0] = '\0';
	fclose(f);
}

static const char *op_name(enum fl_op op)
{
	switch (op) {
	case FL_OP_INFO:
		return "FAULTLAT_IOC_INFO";
	case FL_OP_GLOBAL:
		return "FAULTLAT_IOC_GLOBAL";
	case FL_OP_THREAD:
	case FL_OP_PROCESS:
		return "FAULTLAT_IOC_TASK";
	case FL_OP_LIST:
		return "FAULTLAT_IOC_LIST";
	case FL_OP_RESET:
		return "FAULTLAT_IOC_RESET";
	case FL_OP_TLB_GLOBAL:
		return "FAULTLAT_IOC_TLB_GLOBAL";
	case FL_OP_TLB_THREAD:
	case FL_OP_TLB_PROCESS:
		return "FAULTLAT_IOC_TLB_TASK";
	case FL_OP_CONFIG:
		return "FAULTLAT_IOC_CONFIG";
	case FL_OP_CGROUP:
		return "FAULTLAT_IOC_CGROUP";
	case FL_OP_CGROUP_LIST:
		return "FAULTLAT_IOC_CGROUP_LIST";
	}
	return "ioctl";
}

static void abi_error(int fd, enum fl_op op, int err)
{
	struct faultlat_info info;

	fprintf(stderr, "faultlat: %s on %s failed: %s\n", op_name(op),
		fl_dev_path(), strerror(-err));
	if (op != FL_OP_INFO && fl_dev_info(fd, &info) == 0)
		fprintf(stderr,
			"faultlat: the module and client ABI versions differ (module %u.%u ABI %u, client %s ABI %u): rebuild the client against the module's uapi/linux/faultlat.h\n",
			info.version_major, info.version_minor,
			info.abi_version, FAULTLAT_CLIENT_VERSION,
			FAULTLAT_ABI_VERSION);
	else
		fprintf(stderr,
			"faultlat: the module and client ABI versions differ (client ABI %u), or %s is not a faultlat device\n",
			FAULTLAT_ABI_VERSION, fl_dev_path());
}

static bool op_is_tlb(enum fl_op op)
{
	return op == FL_OP_TLB_GLOBAL || op == FL_OP_TLB_THREAD ||
	       op == FL_OP_TLB_PROCESS;
}

void fl_dev_error(int fd, enum fl_op op, __u32 id, int err)
{
	bool thread = op == FL_OP_THREAD || op == FL_OP_TLB_THREAD;
	bool task = thread || op == FL_OP_PROCESS || op == FL_OP_TLB_PROCESS;
	const char *what = thread ? "thread" : "process";
	char comm[64];

	switch (-err) {
	case ENOTTY:
		/*
		 * FAULTLAT_IOC_INFO answered (every caller asks it first),
		 * so this is a faultlat module, from before the TLB commands.
		 */
		if (op_is_tlb(op)) {
			fprintf(stderr,
				"faultlat: this faultlat module does not measure TLB flushes (%s is unknown to it): load a newer module\n",
				op_name(op));
			return;
		}
		if (op == FL_OP_CONFIG) {
			fprintf(stderr,
				"faultlat: this faultlat module has no settings (FAULTLAT_IOC_CONFIG is unknown to it): load a newer module\n");
			return;
		}
		if (op == FL_OP_CGROUP || op == FL_OP_CGROUP_LIST) {
			struct faultlat_info info;

			if (fl_dev_info(fd, &info))
				fprintf(stderr,
					"faultlat: this faultlat module has no cgroup statistics (%s is unknown to it); load 0.4 or later\n",
					op_name(op));
			else
				fprintf(stderr,
					"faultlat: this faultlat module has no cgroup statistics (version %u.%u); load 0.4 or later\n",
					info.version_major, info.version_minor);
			return;
		}
		abi_error(fd, op, err);
		return;
	case EINVAL:
	case E2BIG:
		abi_error(fd, op, err);
		return;
	case ENODEV:
		if (op == FL_OP_CGROUP || op == FL_OP_CGROUP_LIST) {
			fprintf(stderr,
				"faultlat: this faultlat module counts no cgroup: it was loaded with cgroups=0 (load it without to count them)\n");
			return;
		}
		break;
	case EPERM:
		if (op == FL_OP_RESET)
			fprintf(stderr,
				"faultlat: permission denied: resetting the statistics needs CAP_PERFMON or CAP_SYS_ADMIN (run as root)\n");
		else if (op == FL_OP_GLOBAL)
			fprintf(stderr,
				"faultlat: permission denied: system-wide statistics need CAP_PERFMON or CAP_SYS_ADMIN (run as root, or look at your own processes with 'faultlat hist -p PID')\n");
		else if (op == FL_OP_TLB_GLOBAL)
			fprintf(stderr,
				"faultlat: permission denied: system-wide TLB-flush statistics need CAP_PERFMON or CAP_SYS_ADMIN (run as root, or look at your own processes with 'faultlat hist --tlb -p PID')\n");
		else if (op == FL_OP_CGROUP_LIST)
			fprintf(stderr,
				"faultlat: permission denied: listing cgroups needs CAP_PERFMON or CAP_SYS_ADMIN; read one cgroup you own with hist --cgroup\n");
		else
			fprintf(stderr,
				"faultlat: permission denied (%s): needs CAP_PERFMON or CAP_SYS_ADMIN\n",
				op_name(op));
		return;
	case EACCES:
		if (task) {
			proc_comm(id, comm, sizeof(comm));
			if (comm[0])
				fprintf(stderr,
					"faultlat: permission denied reading %s %u (%s): it belongs to another user; run as root or with CAP_PERFMON\n",
					what, id, comm);
			else
				fprintf(stderr,
					"faultlat: permission denied reading %s %u: it belongs to another user; run as root or with CAP_PERFMON\n",
					what, id);
			return;
		}
		break;
	case ESRCH:
		if (task && op_is_tlb(op)) {
			fprintf(stderr,
				"faultlat: no TLB flushes recorded for %s %u (not tracked, or it neither faulted nor flushed since load)\n",
				thread ? "TID" : "PID", id);
			return;
		}
		if (task) {
			fprintf(stderr,
				"faultlat: no faults recorded for %s %u (not tracked, or never faulted since load/reset)\n",
				thread ? "TID" : "PID", id);
			return;
		}
		break;
	default:
		break;
	}
	fprintf(stderr, "faultlat: %s on %s failed: %s\n", op_name(op),
		fl_dev_path(), strerror(-err));
}

void fl_dev_cgroup_error(int fd, const struct fl_cgroup_dir *cg, int cgfd,
			 int err)
{
	const char *name = fl_cgroup_dir_name(cg);

	switch (-err) {
	case EACCES:
		fprintf(stderr,
			"faultlat: permission denied reading cgroup %s: it belongs to another user; run as root or with CAP_PERFMON\n",
			name);
		return;
	case EBADF:
		fl_cgroup_explain_ebadf("faultlat", cg, cgfd);
		return;
	case EOPNOTSUPP:
		fprintf(stderr,
			"faultlat: cgroup %s is more than %u levels deep: the module counts its faults in its ancestor at level %u\n",
			name, FAULTLAT_CGROUP_MAX_LEVEL,
			FAULTLAT_CGROUP_MAX_LEVEL);
		return;
	default:
		fl_dev_error(fd, FL_OP_CGROUP, 0, err);
		return;
	}
}

int fl_dev_check_abi(const struct faultlat_info *info)
{
	if (info->abi_version == FAULTLAT_ABI_VERSION &&
	    info->nr_buckets == FAULTLAT_NR_BUCKETS)
		return 0;
	fprintf(stderr,
		"faultlat: the module and client ABI versions differ: module %u.%u has ABI %u with %u buckets, client %s has ABI %u with %u buckets\n",
		info->version_major, info->version_minor, info->abi_version,
		info->nr_buckets, FAULTLAT_CLIENT_VERSION,
		FAULTLAT_ABI_VERSION, (unsigned int)FAULTLAT_NR_BUCKETS);
	return -1;
}

int fl_dev_open_checked(struct faultlat_info *info)
{
	int fd, err;

	fd = fl_dev_open();
	if (fd < 0)
		return -1;
	err = fl_dev_info(fd, info);
	if (err)
		fl_dev_error(fd, FL_OP_INFO, 0, err);
	if (err || fl_dev_check_abi(info)) {
		close(fd);
		return -1;
	}
	return fd;
}
