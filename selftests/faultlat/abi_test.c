// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/faultlat ioctl ABI, as uapi/linux/faultlat.h states it: sizes,
 * flags, reserved fields, pointers, command numbers, error codes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"

/* See counts_test.c: a SKIP() in a setup must not run the test body. */
#define FL_SKIP_SETUP(fmt, ...) \
	SKIP(longjmp(_metadata->env, 1), fmt, ##__VA_ARGS__)

#define JUNK	8	/* bytes past the struct in the "bigger struct" cases */

static struct faultlat_task_entry entries[256];

static void prep_info(void *buf)
{
	struct faultlat_info *p = buf;

	p->size = sizeof(*p);
}

static void prep_global(void *buf)
{
	struct faultlat_global *p = buf;

	p->size = sizeof(*p);
}

static void prep_task(void *buf)
{
	struct faultlat_task *p = buf;

	p->size = sizeof(*p);
	p->flags = FAULTLAT_TASK_PROCESS;
	p->id = getpid();
}

static void prep_list(void *buf)
{
	struct faultlat_list *p = buf;

	p->size = sizeof(*p);
	p->entry_size = sizeof(entries[0]);
	p->capacity = ARRAY_SIZE(entries);
	p->entries = (__u64)(unsigned long)entries;
}

static void prep_tlb_global(void *buf)
{
	struct faultlat_tlb_global *p = buf;

	p->size = sizeof(*p);
}

static void prep_tlb_task(void *buf)
{
	struct faultlat_tlb_task *p = buf;

	p->size = sizeof(*p);
	p->flags = FAULTLAT_TASK_PROCESS;
	p->id = getpid();
}

static void prep_config(void *buf)
{
	struct faultlat_config *p = buf;

	p->size = sizeof(*p);
}

static void prep_reset(void *buf)
{
	struct faultlat_reset *p = buf;

	p->size = sizeof(*p);
}

FIXTURE(cmd) {
	int fd;
	unsigned char *buf;	/* sizeof + JUNK bytes, zeroed */
	size_t ps;
};

FIXTURE_VARIANT(cmd) {
	unsigned long nr;
	__u32 size;
	int reserved_off;	/* offset of __reserved, -1 if none */
	bool output;		/* the kernel writes the struct back */
	bool tlb;		/* needs the TLB probes */
	void (*prep)(void *buf);
};

FIXTURE_VARIANT_ADD(cmd, info) {
	.nr = FAULTLAT_IOC_INFO,
	.size = sizeof(struct faultlat_info),
	.reserved_off = offsetof(struct faultlat_info, __reserved),
	.output = true,
	.prep = prep_info,
};

FIXTURE_VARIANT_ADD(cmd, global) {
	.nr = FAULTLAT_IOC_GLOBAL,
	.size = sizeof(struct faultlat_global),
	.reserved_off = -1,
	.output = true,
	.prep = prep_global,
};

FIXTURE_VARIANT_ADD(cmd, task) {
	.nr = FAULTLAT_IOC_TASK,
	.size = sizeof(struct faultlat_task),
	.reserved_off = offsetof(struct faultlat_task, __reserved),
	.output = true,
	.prep = prep_task,
};

FIXTURE_VARIANT_ADD(cmd, list) {
	.nr = FAULTLAT_IOC_LIST,
	.size = sizeof(struct faultlat_list),
	.reserved_off = -1,
	.output = true,
	.prep = prep_list,
};

FIXTURE_VARIANT_ADD(cmd, tlb_global) {
	.nr = FAULTLAT_IOC_TLB_GLOBAL,
	.size = sizeof(struct faultlat_tlb_global),
	.reserved_off = -1,
	.output = true,
	.tlb = true,
	.prep = prep_tlb_global,
};

FIXTURE_VARIANT_ADD(cmd, tlb_task) {
	.nr = FAULTLAT_IOC_TLB_TASK,
	.size = sizeof(struct faultlat_tlb_task),
	.reserved_off = offsetof(struct faultlat_tlb_task, __reserved),
	.output = true,
	.tlb = true,
	.prep = prep_tlb_task,
};

FIXTURE_VARIANT_ADD(cmd, config) {
	.nr = FAULTLAT_IOC_CONFIG,
	.size = sizeof(struct faultlat_config),
	.reserved_off = -1,
	.output = true,
	.prep = prep_config,
};

FIXTURE_VARIANT_ADD(cmd, reset) {
	.nr = FAULTLAT_IOC_RESET,
	.size = sizeof(struct faultlat_reset),
	.reserved_off = -1,
	.output = false,
	.prep = prep_reset,
};

FIXTURE_SETUP(cmd)
{
	struct faultlat_info info;

	self->fd = fl_open();
	if (self->fd < 0)
		FL_SKIP_SETUP("%s: %s (is faultlat loaded?)", FAULTLAT_DEVICE,
			      strerror(errno));
	if (variant->tlb && (fl_info(self->fd, &info) ||
			     !(info.probes & FAULTLAT_PROBE_TLB_RANGE))) {
		close(self->fd);
		FL_SKIP_SETUP("no TLB-flush probes (module parameter tlb=0?)");
	}
	self->ps = fl_page_size();
	self->buf = calloc(1, variant->size + JUNK);
	ASSERT_NE(NULL, self->buf);
	variant->prep(self->buf);
	/* This process has faulted since the load: TASK finds it. */
	fl_prefault_stack();
}

FIXTURE_TEARDOWN(cmd)
{
	free(self->buf);
	close(self->fd);
}

static int do_ioctl(int fd, unsigned long nr, void *arg)
{
	errno = 0;
	if (ioctl(fd, nr, arg) == 0)
		return 0;
	return errno;
}

TEST_F(cmd, valid)
{
	ASSERT_EQ(0, do_ioctl(self->fd, variant->nr, self->buf));
	ASSERT_EQ(variant->size, *(__u32 *)self->buf);
}

/* A size below the first version of the struct: EINVAL. */
TEST_F(cmd, size_too_small)
{
	*(__u32 *)self->buf = variant->size - 1;
	ASSERT_EQ(EINVAL, do_ioctl(self->fd, variant->nr, self->buf));
	*(__u32 *)self->buf = 0;
	ASSERT_EQ(EINVAL, do_ioctl(self->fd, variant->nr, self->buf));
}

/* Larger than a page, even with zero bytes past the struct: E2BIG. */
TEST_F(cmd, size_over_page)
{
	unsigned char *big = calloc(1, 2 * self->ps);

	ASSERT_NE(NULL, big);
	memcpy(big, self->buf, variant->size);
	*(__u32 *)big = self->ps + 8;
	ASSERT_EQ(E2BIG, do_ioctl(self->fd, variant->nr, big));
	free(big);
}

/* Not a multiple of 8 (every version's size is): EINVAL. */
TEST_F(cmd, size_not_multiple_of_8)
{
	*(__u32 *)self->buf = variant->size + 4;
	ASSERT_EQ(EINVAL, do_ioctl(self->fd, variant->nr, self->buf));
}

/* A bigger struct with non-zero bytes the kernel does not know: E2BIG. */
TEST_F(cmd, size_bigger_junk)
{
	*(__u32 *)self->buf = variant->size + JUNK;
	memset(self->buf + variant->size, 0x5a, JUNK);
	ASSERT_EQ(E2BIG, do_ioctl(self->fd, variant->nr, self->buf));
	/* one non-zero byte is enough */
	memset(self->buf + variant->size, 0, JUNK);
	self->buf[variant->size + JUNK - 1] = 1;
	ASSERT_EQ(E2BIG, do_ioctl(self->fd, variant->nr, self->buf));
}

/*
 * A bigger struct whose extra bytes are zero works; the output is copied
 * back up to the kernel's size only.
 */
TEST_F(cmd, size_bigger_zero)
{
	int i;

	*(__u32 *)self->buf = variant->size + JUNK;
	ASSERT_EQ(0, do_ioctl(self->fd, variant->nr, self->buf));
	for (i = 0; i < JUNK; i++)
		ASSERT_EQ(0, self->buf[variant->size + i])
			TH_LOG("byte %d past the struct was written", i);
}

TEST_F(cmd, null_pointer)
{
	ASSERT_EQ(EFAULT, do_ioctl(self->fd, variant->nr, NULL));
}

TEST_F(cmd, unmapped_pointer)
{
	void *p = mmap(NULL, self->ps, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p, self->ps));
	ASSERT_EQ(EFAULT, do_ioctl(self->fd, variant->nr, p));
	/* a kernel address */
	ASSERT_EQ(EFAULT, do_ioctl(self->fd, variant->nr,
				   (void *)0xffffffff81000000UL));
}

/* @size is readable, the rest of the struct is not. */
TEST_F(cmd, partly_mapped)
{
	size_t head = variant->size > 8 ? 8 : 4;
	unsigned char *p;

	p = mmap(NULL, 2 * self->ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, mprotect(p + self->ps, self->ps, PROT_NONE));
	memcpy(p + self->ps - head, self->buf, head);
	ASSERT_EQ(EFAULT, do_ioctl(self->fd, variant->nr,
				   p + self->ps - head));
	munmap(p, 2 * self->ps);
}

/* The kernel cannot write its answer back. */
TEST_F(cmd, readonly_output)
{
	unsigned char *p;
	size_t len = (variant->size + self->ps - 1) & ~(self->ps - 1);

	if (!variant->output)
		SKIP(return, "this command writes nothing back");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	memcpy(p, self->buf, variant->size);
	ASSERT_EQ(0, mprotect(p, len, PROT_READ));
	ASSERT_EQ(EFAULT, do_ioctl(self->fd, variant->nr, p));
	munmap(p, len);
}

TEST_F(cmd, unknown_flags)
{
	__u32 *flags = (__u32 *)(self->buf + 4);
	unsigned int bit;

	/* every command's @flags is the second __u32 */
	for (bit = 2; bit < 32; bit += 29) {
		__u32 saved = *flags;

		*flags |= 1U << bit;
		ASSERT_EQ(EINVAL, do_ioctl(self->fd, variant->nr, self->buf))
			TH_LOG("flags bit %u", bit);
		*flags = saved;
	}
	ASSERT_EQ(0, do_ioctl(self->fd, variant->nr, self->buf));
}

TEST_F(cmd, reserved_nonzero)
{
	__u32 *res;

	if (variant->reserved_off < 0)
		SKIP(return, "no reserved field in this struct");
	res = (__u32 *)(self->buf + variant->reserved_off);
	*res = 1;
	ASSERT_EQ(EINVAL, do_ioctl(self->fd, variant->nr, self->buf));
	*res = 0x80000000U;
	ASSERT_EQ(EINVAL, do_ioctl(self->fd, variant->nr, self->buf));
	*res = 0;
	ASSERT_EQ(0, do_ioctl(self->fd, variant->nr, self->buf));
}

/* Commands that need no table: a plain fixture with the device open. */
FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	ASSERT_EQ(0, fl_no_thp());
	self->fd = fl_open();
	if (self->fd < 0)
		FL_SKIP_SETUP("%s: %s (is faultlat loaded?)", FAULTLAT_DEVICE,
			      strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST_F(dev, unknown_command)
{
	struct faultlat_info info;
	unsigned long bad[] = {
		_IO(FAULTLAT_TYPE, FAULTLAT_CMD_LAST),
		_IO(FAULTLAT_TYPE, 0xff),
		_IO('x', FAULTLAT_CMD_INFO),
		_IO(FAULTLAT_TYPE + 1, FAULTLAT_CMD_INFO),
		/* the numbers are _IO(): other directions are other numbers */
		_IOWR(FAULTLAT_TYPE, FAULTLAT_CMD_INFO, struct faultlat_info),
		_IOR(FAULTLAT_TYPE, FAULTLAT_CMD_GLOBAL, __u32),
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		ASSERT_EQ(ENOTTY, do_ioctl(self->fd, bad[i], &info))
			TH_LOG("command %#lx", bad[i]);
	}
}

TEST_F(dev, info_fields)
{
	struct faultlat_info info;

	ASSERT_EQ(0, fl_info(self->fd, &info));
	ASSERT_EQ(FAULTLAT_ABI_VERSION, info.abi_version);
	ASSERT_EQ(FAULTLAT_NR_BUCKETS, info.nr_buckets);
	ASSERT_TRUE(info.probes & FAULTLAT_PROBE_FAULT);
	ASSERT_LT(0, info.max_tasks);
	ASSERT_LE(info.used_tasks, info.max_tasks);
	ASSERT_LT(0, info.maxactive);
	ASSERT_EQ(0, info.flags);
	ASSERT_EQ(0, info.__reserved);
	FL_INFO("faultlat %u.%u abi %u: tasks %u of %u, maxactive %u, probes %#x\n",
		info.version_major, info.version_minor, info.abi_version,
		info.used_tasks, info.max_tasks, info.maxactive, info.probes);
	FL_INFO("nmissed %llu dropped %llu resets %u\n",
		(unsigned long long)info.nmissed,
		(unsigned long long)info.dropped, info.reset_count);
}

static void read_comm(char *comm, size_t len)
{
	ssize_t n;
	int fd;

	memset(comm, 0, len);
	fd = open("/proc/thread-self/comm", O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, comm, len - 1);
	close(fd);
	if (n > 0 && comm[n - 1] == '\n')
		comm[n - 1] = '\0';
}

/* A thread's and a process's identity fields, against /proc. */
TEST_F(dev, task_self)
{
	struct faultlat_task t;
	char comm[17], tcomm[17];
	void *mem = fl_map_anon(1);

	read_comm(comm, sizeof(comm));
	ASSERT_NE(NULL, mem);
	fl_touch_write(mem, 1);

	ASSERT_EQ(0, fl_task(self->fd, fl_gettid(), false, &t))
		TH_LOG("TASK(own tid): %s", strerror(errno));
	ASSERT_EQ((__u32)fl_gettid(), t.pid);
	ASSERT_EQ((__u32)getpid(), t.tgid);
	ASSERT_EQ(getuid(), t.uid);
	ASSERT_EQ(1, t.nr_threads);
	ASSERT_EQ(0, t.flags);
	memset(tcomm, 0, sizeof(tcomm));
	memcpy(tcomm, t.comm, sizeof(t.comm));
	ASSERT_STREQ(comm, tcomm);

	ASSERT_EQ(0, fl_task(self->fd, getpid(), true, &t))
		TH_LOG("TASK(PROCESS, own pid): %s", strerror(errno));
	ASSERT_EQ((__u32)getpid(), t.pid);
	ASSERT_EQ((__u32)getpid(), t.tgid);
	ASSERT_EQ(FAULTLAT_TASK_PROCESS, t.flags);
	ASSERT_EQ(1, t.nr_threads);
	fl_check_hist(_metadata, "own minor", &t.stats.minor);
}

static int read_u32_file(const char *path, unsigned int *v)
{
	char buf[32];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	*v = strtoul(buf, NULL, 10);
	return 0;
}

/* A pid that never ran: ESRCH, as a thread and as a process. */
TEST_F(dev, task_never_ran)
{
	struct faultlat_task t;
	unsigned int pid_max, last;
	pid_t pid;

	ASSERT_EQ(0, read_u32_file("/proc/sys/kernel/pid_max", &pid_max));
	last = fl_last_pid();
	ASSERT_LT(0, (int)last);
	pid = pid_max - 1;
	/* pids are handed out upwards: below pid_max - 1, none wrapped */
	if (last + 1 >= (unsigned int)pid)
		SKIP(return, "pids wrapped around, no pid surely never ran");
	ASSERT_EQ(-1, kill(pid, 0));
	ASSERT_EQ(ESRCH, errno);

	ASSERT_EQ(-1, fl_task(self->fd, pid, false, &t));
	ASSERT_EQ(ESRCH, errno);
	ASSERT_EQ(-1, fl_task(self->fd, pid, true, &t));
	ASSERT_EQ(ESRCH, errno);
}

static int list_raw(int fd, struct faultlat_list *l, __u32 flags,
		    __u32 entry_size, __u32 cap, void *e)
{
	memset(l, 0, sizeof(*l));
	l->size = sizeof(*l);
	l->flags = flags;
	l->entry_size = entry_size;
	l->capacity = cap;
	l->entries = (__u64)(unsigned long)e;
	return do_ioctl(fd, FAULTLAT_IOC_LIST, l);
}

TEST_F(dev, list_entries)
{
	size_t ps = fl_page_size();
	struct faultlat_list l;
	unsigned char *big;
	const __u32 es = sizeof(struct faultlat_task_entry);
	void *p;
	__u32 i;

	/* A bad array: EFAULT; a too small entry: EINVAL. */
	ASSERT_EQ(EFAULT, list_raw(self->fd, &l, 0, es, 4, NULL));
	p = mmap(NULL, ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p, ps));
	ASSERT_EQ(EFAULT, list_raw(self->fd, &l, 0, es, 4, p));
	ASSERT_EQ(EINVAL, list_raw(self->fd, &l, 0, es - 1, 4, entries));
	ASSERT_EQ(EINVAL, list_raw(self->fd, &l, 0, 0, 4, entries));

	/* Room for none: how many there are. */
	ASSERT_EQ(0, list_raw(self->fd, &l, 0, es, 0, NULL));
	ASSERT_EQ(0, l.nr);
	ASSERT_LE(1, l.total);

	/* Room for one. */
	ASSERT_EQ(0, list_raw(self->fd, &l, 0, es, 1, entries));
	ASSERT_EQ(1, l.nr);
	ASSERT_LE(1, l.total);

	/* All of them; this process is there, as a process. */
	ASSERT_EQ(0, list_raw(self->fd, &l, FAULTLAT_TASK_PROCESS, es,
			      ARRAY_SIZE(entries), entries));
	ASSERT_LE(l.nr, l.total);
	ASSERT_LE(l.nr, ARRAY_SIZE(entries));
	for (i = 0; i < l.nr; i++) {
		ASSERT_TRUE(entries[i].flags & FAULTLAT_TASK_PROCESS);
		ASSERT_EQ(entries[i].pid, entries[i].tgid);
		if (entries[i].pid == (__u32)getpid())
			break;
	}
	if (l.nr == l.total)
		ASSERT_LT(i, l.nr) TH_LOG("own pid not listed");

	/* p50_ns, p99_ns are retired: 0 even for a record with faults */
	for (i = 0; i < l.nr; i++) {
		ASSERT_EQ(0, entries[i].p50_ns) TH_LOG("pid %u", entries[i].pid);
		ASSERT_EQ(0, entries[i].p99_ns) TH_LOG("pid %u", entries[i].pid);
	}

	/* A bigger entry (a newer caller): entries at its stride. */
	big = calloc(16, es + 16);
	ASSERT_NE(NULL, big);
	ASSERT_EQ(0, list_raw(self->fd, &l, 0, es + 16, 16, big));
	ASSERT_LE(1, l.nr);
	for (i = 0; i < l.nr; i++) {
		struct faultlat_task_entry *e = (void *)(big + i * (es + 16));

		ASSERT_NE(0, e->pid) TH_LOG("entry %u", i);
		ASSERT_NE(0, e->tgid) TH_LOG("entry %u", i);
	}
	free(big);
}

/*
 * RESET zeroes every statistic: the counts of this process start again
 * from the reset, equal to getrusage()'s increase since then.
 */
TEST_F(dev, reset_restarts_counts)
{
	struct faultlat_info i0, i1;
	struct fl_snap a, b;
	void *mem;

	fl_prefault(&a, sizeof(a));
	fl_prefault(&b, sizeof(b));
	fl_prefault(&i0, sizeof(i0));
	fl_prefault(&i1, sizeof(i1));
	fl_prefault_stack();
	mem = fl_map_anon(100);
	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, fl_info(self->fd, &i0));

	ASSERT_EQ(0, fl_getrusage(RUSAGE_THREAD, &a.ru));
	ASSERT_EQ(0, fl_reset(self->fd)) TH_LOG("RESET: %s", strerror(errno));
	fl_touch_write(mem, 100);
	ASSERT_EQ(0, fl_snap_after(self->fd, RUSAGE_THREAD, fl_gettid(), false,
				   &b)) TH_LOG("TASK after RESET: %s",
					       strerror(errno));
	ASSERT_EQ(b.ru.minflt - a.ru.minflt, b.t.stats.minor.count);
	ASSERT_EQ(b.ru.majflt - a.ru.majflt, b.t.stats.major.count);
	ASSERT_LE(100, b.t.stats.minor.count);

	ASSERT_EQ(0, fl_info(self->fd, &i1));
	ASSERT_EQ(i0.reset_count + 1, i1.reset_count);
	fl_unmap(mem, 100);
}

TEST_HARNESS_MAIN
