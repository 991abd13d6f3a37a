// SPDX-License-Identifier: GPL-2.0
/*
 * Per-cgroup fault statistics (FAULTLAT_IOC_CGROUP, FAULTLAT_IOC_CGROUP_LIST)
 * against the kernel's own per-cgroup accounting: the pgfault and pgmajfault
 * lines of each cgroup's memory.stat (cgroup v2, memory controller).
 *
 * What memory.stat counts, and so what faultlat's figure must equal:
 * - the memory controller counts a fault in the memcg of the faulting mm's
 *   owner (count_memcg_event_mm()): here always the process that faults,
 *   single-threaded, which moved itself into its cgroup.  Every level of
 *   the test's hierarchy has the memory controller enabled, so a cgroup's
 *   memcg is its own.
 * - pgfault, up to 6.3: every handle_mm_fault() call, at its entry, retried
 *   ones included: faultlat's @calls.  Since 6.4 mm_account_fault() counts
 *   every call that does not return VM_FAULT_RETRY: @minor + @major +
 *   @errors (the rules of /proc/vmstat's pgfault: counts_test.c's test 5;
 *   fl_pgfault_counts_retries() tells which kernel this is).
 * - pgmajfault: faults that read a file page or a swapped-out page in;
 *   anonymous memory without swap has none, and the workloads' code is in
 *   the page cache already (their parent ran it): 0, as faultlat's @major.
 *   A file read with MADV_RANDOM has exactly faultlat's @major.
 * - the counters are hierarchical: a cgroup's include its descendants',
 *   and those of a removed cgroup stay in its parent's.
 * - they are per-CPU and flushed lazily (rstat): by a reader once enough
 *   updates are pending, else by a periodic flush every 2 s.  Reading the
 *   cgroup's cpu.stat first flushes every controller's counters of its
 *   subtree on kernels where the controllers share one rstat tree; on
 *   later ones only the polling helps.  Each comparison polls both figures
 *   every 0.5 s until they agree and SETTLE_MIN_MS have passed (a memcg
 *   counter partly flushed could agree with a figure that is short by
 *   just its unflushed part), up to SETTLE_MAX_MS, and fails with both.
 *
 * Every workload is a child process that writes its pid to a cgroup's
 * cgroup.procs, then writes once to each of N fresh anonymous pages and
 * exits; the test reaps it before it compares, so nothing more happens in
 * the cgroup.  The tests make their cgroups under CG_MNT/fl-test-PID (the
 * memory controller enabled down to it) and remove them at the end; they
 * skip when there is no cgroup2, no memory controller, no
 * FAULTLAT_IOC_CGROUP in the module, or it was loaded with cgroups=0.
 *
 * 1. one_cgroup: one cgroup, N pages: its figure equals memory.stat; its
 *    id is its directory's inode number, its level its depth.
 *    file_major: the same with the major faults (and retries) of a file.
 * 2. nested: P's subtree figure is its children's sum and P's memory.stat;
 *    P's own figure is empty; each child matches its memory.stat.
 * 3. migration: a process faults in A, moves to B, faults there: each
 *    cgroup's figure equals its memory.stat.
 * 4. removal: a removed cgroup's faults stay in its parent's figure (the
 *    module folds them in asynchronously), its record is freed.
 * 5. churn: 500 short-lived cgroups: the records come back, the parent's
 *    figure equals its memory.stat (a failure that says so when the gap is
 *    exactly cgroup_dropped's growth: the table was full).
 *    full_table: more cgroups than records: the parent's figure is short
 *    of its memory.stat by exactly cgroup_dropped's growth.
 * 6. permissions: a delegated cgroup's owner reads it, not a root-owned
 *    one (EACCES) nor the list (EPERM); bad descriptors and arguments.
 * 7. list: FAULTLAT_IOC_CGROUP_LIST's record of a cgroup: its parent,
 *    level and counts as FAULTLAT_IOC_CGROUP and memory.stat have them.
 * 8. lazy: processes started in their cgroup (CLONE_INTO_CGROUP), whose
 *    records the module attaches to their cgroup's: moved, and outliving
 *    their removed cgroup: each figure equals its memory.stat.
 * 9. paths_causes: with module parameters paths and causes on, a process
 *    started in its cgroup, and one moved into its own after it faulted
 *    (counted eagerly), each write N fresh pages and have a child write
 *    N of them (copy-on-write): each cgroup's figure equals its
 *    memory.stat, its counts by path add up to its completed faults, with
 *    at least N zero-fill and N copy-on-write, and its faults timed by
 *    cause are its completed faults, with their latency;
 *    FAULTLAT_IOC_CGROUP_LIST's entry of each has the same.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"
#include "faultlat_spawn.h"

#define CG_MNT		"/sys/fs/cgroup"
#define ONE_PAGES	2000	/* test 1 and 7's workload */
#define FILE_PAGES	256	/* test 1's file: 1 MiB on a RAM disk */
#define SETTLE_MIN_MS	3000	/* past one periodic flush of memcg's counters */
#define SETTLE_MAX_MS	10000
#define FOLD_MS		5000	/* a removed cgroup's record folded */
#define CHURN_CGROUPS	500
#define CHURN_PAGES	4
#define FULL_EXTRA	8	/* test 5, full: cgroups past the table's size */
#define FULL_MAX	2000	/* cgroups made at most to fill it */
#define MAX_IDS		(FULL_MAX + 16)	/* cgroups removed at teardown */
#define TEARDOWN_MS	30000	/* their records folded */

/* See counts_test.c: a SKIP() in a setup must not run the test body. */
#define FL_SKIP_SETUP(fmt, ...) \
	SKIP(longjmp(_metadata->env, 1), fmt, ##__VA_ARGS__)

static int read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n < 0) {
		errno = err;
		return -1;
	}
	buf[n] = '\0';
	return 0;
}

static int write_file(const char *path, const char *s)
{
	ssize_t len = strlen(s), n;
	int fd, err;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, s, len);
	err = n < 0 ? errno : EIO;
	close(fd);
	if (n != len) {
		errno = err;
		return -1;
	}
	return 0;
}

/* @dir/@file */
static int cg_read(const char *dir, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return read_file(path, buf, len);
}

static int cg_write(const char *dir, const char *file, const char *s)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return write_file(path, s);
}

/* @word is one of the space-separated words of @list */
static bool has_word(const char *list, const char *word)
{
	size_t len = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || p[-1] == ' ') &&
		    (p[len] == ' ' || p[len] == '\n' || !p[len]))
			return true;
		p += len;
	}
	return false;
}

/* The depth of a cgroup directory below CG_MNT, the root being 0. */
static unsigned int cg_level(const char *dir)
{
	const char *p = dir + strlen(CG_MNT);
	unsigned int level = 0;

	for (; *p; p++)
		level += *p == '/';
	return level;
}

static __u64 ino_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_ino;
}

static int cg_query_fd(int fd, int dfd, __u32 flags,
		       struct faultlat_cgroup *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->flags = flags;
	c->fd = dfd;
	return ioctl(fd, FAULTLAT_IOC_CGROUP, c);
}

/* FAULTLAT_IOC_CGROUP on the directory @dir; 0, or -1 with errno */
static int cg_query(int fd, const char *dir, __u32 flags,
		    struct faultlat_cgroup *c)
{
	int dfd, ret, err;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	ret = cg_query_fd(fd, dfd, flags, c);
	err = errno;
	close(dfd);
	errno = err;
	return ret;
}

/*
 * Every cgroup record: FAULTLAT_IOC_CGROUP_LIST into *@e (grown as needed;
 * the caller frees it), their number in *@n.  0, or -1 with errno.
 */
static int cg_records(int fd, struct faultlat_cgroup_entry **e, __u32 *n)
{
	struct faultlat_cgroup_list l;
	__u32 cap = 0;
	int tries;

	for (tries = 0; tries < 5; tries++) {
		memset(&l, 0, sizeof(l));
		l.size = sizeof(l);
		l.entry_size = cap ? sizeof(**e) : 0;
		l.capacity = cap;
		l.entries = cap ? (__u64)(uintptr_t)*e : 0;
		if (ioctl(fd, FAULTLAT_IOC_CGROUP_LIST, &l))
			return -1;
		if (l.nr != (l.total < cap ? l.total : cap)) {
			errno = EPROTO;
			return -1;
		}
		if (l.total <= cap) {
			*n = l.nr;
			return 0;
		}
		cap = l.total + 16;
		free(*e);
		*e = calloc(cap, sizeof(**e));
		if (!*e)
			return -1;
	}
	errno = EAGAIN;
	return -1;
}

static const struct faultlat_cgroup_entry *
cg_entry(const struct faultlat_cgroup_entry *e, __u32 n, __u64 id)
{
	__u32 i;

	for (i = 0; i < n; i++)
		if (e[i].id == id)
			return &e[i];
	return NULL;
}

/* What memory.stat's pgfault counts of the faults in @s (see the top). */
static __u64 cg_pgfault(const struct faultlat_stats *s)
{
	if (fl_pgfault_counts_retries())
		return s->calls;
	return s->minor.count + s->major.count + s->errors;
}

/* pgfault and pgmajfault of @dir's memory.stat, read after its cpu.stat */
static int cg_memstat(const char *dir, __u64 *pgfault, __u64 *pgmajfault)
{
	static char buf[FL_VMSTAT_BUF];

	cg_read(dir, "cpu.stat", buf, sizeof(buf));
	if (cg_read(dir, "memory.stat", buf, sizeof(buf)))
		return -1;
	if (fl_vmstat_get(buf, "pgfault", pgfault) ||
	    fl_vmstat_get(buf, "pgmajfault", pgmajfault))
		return -1;
	return 0;
}

/* The rmdir of a cgroup whose last task has just been reaped. */
static int cg_rmdir(const char *dir)
{
	long long end = fl_ms() + 5000;

	while (rmdir(dir)) {
		if (errno != EBUSY || fl_ms() >= end)
			return -1;
		usleep(10 * 1000);
	}
	return 0;
}

/* Remove @dir and the cgroups below it; their ids into @ids. */
static int cg_rm_tree(const char *dir, __u64 *ids, int *nids)
{
	char path[PATH_MAX];
	struct dirent *de;
	bool again = true;
	int ret = 0;
	DIR *d;

	while (again) {
		again = false;
		d = opendir(dir);
		if (!d)
			return errno == ENOENT ? 0 : -1;
		while ((de = readdir(d))) {
			if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if (cg_rm_tree(path, ids, nids))
				ret = -1;
			else
				again = true;
		}
		closedir(d);
		if (ret)
			return ret;
	}
	if (*nids < MAX_IDS)
		ids[(*nids)++] = ino_of(dir);
	return cg_rmdir(dir);
}

/*
 * Give up root: uid and gid @uid (real, effective and saved), no
 * supplementary group.  setresuid() from uid 0 to three nonzero uids
 * clears the capabilities (no SECBIT_KEEP_CAPS): checked.
 */
static int drop_to(uid_t uid)
{
	__u64 caps = ~0ULL;

	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		return -1;
	if (fl_cap_eff(&caps))
		return -1;
	if (caps) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

/*
 * One step of a workload: move into @dir, then fault @pages anonymous
 * pages, or read @pages pages of @file (fl_read_file_pages()).
 */
struct cg_step {
	const char *dir;
	size_t pages;
	const char *file;
};

/*
 * The workload, in a child: each step's move and faults, as uid @uid
 * after the first move when @uid is not 0.  Exit code 0, or 10 * step +
 * what failed.
 */
static noreturn void cg_work(const struct cg_step *steps, int n, uid_t uid)
{
	char path[PATH_MAX], pid[16];
	void *p;
	int i;

	snprintf(pid, sizeof(pid), "%d", getpid());
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", steps[i].dir);
		if (write_file(path, pid))
			_exit(10 * i + 1);
		if (!i && uid && drop_to(uid))
			_exit(10 * i + 2);
		if (steps[i].file) {
			unsigned long sum;

			if (fl_read_file_pages(steps[i].file, steps[i].pages,
					       &sum))
				_exit(10 * i + 4);
			continue;
		}
		p = fl_map_anon(steps[i].pages);
		if (!p)
			_exit(10 * i + 3);
		fl_touch_write(p, steps[i].pages);
	}
	_exit(0);
}

/* Run a workload to its end and reap it: its exit code (fl_status()). */
static int cg_run(const struct cg_step *steps, int n, uid_t uid)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid)
		cg_work(steps, n, uid);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return fl_status(status);
}

/* Move into @dir, fault @pages pages, exit: reaped. */
static int cg_run1(const char *dir, size_t pages)
{
	struct cg_step s = { .dir = dir, .pages = pages, .file = NULL };

	return cg_run(&s, 1, 0);
}

/* One comparison of a cgroup's figure with its memory.stat. */
struct cg_cmp {
	const char *dir;		/* in: the cgroup's directory */
	__u64 dropped;			/* in: minor faults the figure misses */
	struct faultlat_cgroup cg;	/* faultlat's (subtree) figure */
	__u64 pgfault, pgmajfault;	/* memory.stat's */
};

static bool cg_equal(const struct cg_cmp *c)
{
	return cg_pgfault(&c->cg.stats) + c->dropped == c->pgfault &&
	       c->cg.stats.major.count == c->pgmajfault;
}

/*
 * Read @n figures and memory.stats every 0.5 s until they all agree and
 * SETTLE_MIN_MS have passed, or SETTLE_MAX_MS; show the last ones.
 * Returns whether they agree.
 */
static bool cg_poll(struct __test_metadata *_metadata, int fd,
		    struct cg_cmp *c, int n)
{
	long long t0 = fl_ms(), t, first = -1;
	bool equal;
	int i;

	for (;;) {
		equal = true;
		for (i = 0; i < n; i++) {
			ASSERT_EQ(0, cg_query(fd, c[i].dir, 0, &c[i].cg))
				TH_LOG("FAULTLAT_IOC_CGROUP %s: %s", c[i].dir,
				       strerror(errno));
			ASSERT_EQ(0, cg_memstat(c[i].dir, &c[i].pgfault,
						&c[i].pgmajfault))
				TH_LOG("%s/memory.stat: %s", c[i].dir,
				       strerror(errno));
			equal = equal && cg_equal(&c[i]);
		}
		t = fl_ms() - t0;
		if (equal && first < 0)
			first = t;
		else if (!equal)
			first = -1;
		if ((equal && t >= SETTLE_MIN_MS) || t >= SETTLE_MAX_MS)
			break;
		usleep(500 * 1000);
	}
	for (i = 0; i < n; i++) {
		const struct faultlat_stats *s = &c[i].cg.stats;

		FL_INFO("%s: memory.stat pgfault %llu pgmajfault %llu (%s at %lld ms, from %lld)\n",
			c[i].dir + strlen(CG_MNT) + 1,
			(unsigned long long)c[i].pgfault,
			(unsigned long long)c[i].pgmajfault,
			cg_equal(&c[i]) ? "equal" : "DIFFERENT", t, first);
		FL_INFO("  faultlat: minor %llu major %llu errors %llu retries %llu calls %llu\n",
			(unsigned long long)s->minor.count,
			(unsigned long long)s->major.count,
			(unsigned long long)s->errors,
			(unsigned long long)s->retries,
			(unsigned long long)s->calls);
	}
	return equal;
}

/* Each figure equals its memory.stat. */
static void cg_check(struct __test_metadata *_metadata, struct cg_cmp *c,
		     int n)
{
	int i;

	for (i = 0; i < n; i++) {
		ASSERT_EQ(c[i].pgfault, cg_pgfault(&c[i].cg.stats) + c[i].dropped)
			TH_LOG("%s: memory.stat pgfault %llu, faultlat %s %llu (+ %llu dropped)",
			       c[i].dir, (unsigned long long)c[i].pgfault,
			       fl_pgfault_counts_retries() ? "calls" :
			       "minor+major+errors",
			       (unsigned long long)cg_pgfault(&c[i].cg.stats),
			       (unsigned long long)c[i].dropped);
		ASSERT_EQ(c[i].pgmajfault, c[i].cg.stats.major.count)
			TH_LOG("%s: memory.stat pgmajfault %llu, faultlat major %llu",
			       c[i].dir, (unsigned long long)c[i].pgmajfault,
			       (unsigned long long)c[i].cg.stats.major.count);
		ASSERT_EQ(0, c[i].cg.stats.errors);
		ASSERT_EQ(0, c[i].cg.stats.abandoned);
		ASSERT_LE(c[i].cg.fallbacks, c[i].cg.stats.retries);
		fl_check_hist(_metadata, c[i].dir, &c[i].cg.stats.minor);
	}
}

static void cg_settle(struct __test_metadata *_metadata, int fd,
		      struct cg_cmp *c, int n)
{
	cg_poll(_metadata, fd, c, n);
	cg_check(_metadata, c, n);
}

/* Make @parent/@name into @buf; with the memory controller for its children. */
static void cg_mkdir(struct __test_metadata *_metadata, char *buf, size_t len,
		     const char *parent, const char *name, bool memory)
{
	snprintf(buf, len, "%s/%s", parent, name);
	ASSERT_EQ(0, mkdir(buf, 0755)) TH_LOG("mkdir %s: %s", buf,
					      strerror(errno));
	if (memory)
		ASSERT_EQ(0, cg_write(buf, "cgroup.subtree_control", "+memory"))
			TH_LOG("+memory in %s/cgroup.subtree_control: %s", buf,
			       strerror(errno));
}

static void cg_info(struct __test_metadata *_metadata, int fd,
		    struct faultlat_info *info)
{
	ASSERT_EQ(0, fl_info(fd, info)) TH_LOG("INFO: %s", strerror(errno));
}

/* The same faults, counter by counter. */
static void cg_same(struct __test_metadata *_metadata, const char *what,
		    const struct faultlat_stats *a, const struct faultlat_stats *b)
{
	ASSERT_EQ(a->minor.count, b->minor.count) TH_LOG("%s: minor", what);
	ASSERT_EQ(a->major.count, b->major.count) TH_LOG("%s: major", what);
	ASSERT_EQ(a->errors, b->errors) TH_LOG("%s: errors", what);
	ASSERT_EQ(a->retries, b->retries) TH_LOG("%s: retries", what);
	ASSERT_EQ(a->calls, b->calls) TH_LOG("%s: calls", what);
	ASSERT_EQ(a->minor.sum_ns, b->minor.sum_ns)
		TH_LOG("%s: minor.sum_ns", what);
}

/* @s = @a + @b, counter by counter. */
static void cg_sum(struct faultlat_stats *s, const struct faultlat_stats *a,
		   const struct faultlat_stats *b)
{
	memset(s, 0, sizeof(*s));
	s->minor.count = a->minor.count + b->minor.count;
	s->major.count = a->major.count + b->major.count;
	s->errors = a->errors + b->errors;
	s->retries = a->retries + b->retries;
	s->calls = a->calls + b->calls;
	s->minor.sum_ns = a->minor.sum_ns + b->minor.sum_ns;
}

FIXTURE(cg) {
	int fd;			/* /dev/faultlat */
	bool mounted;		/* cgroup2 mounted at CG_MNT by the setup */
	char top[64];		/* CG_MNT/fl-test-PID */
	struct fl_fs fs;	/* a file system on a RAM disk, for a test */
	bool fs_used;
};

/* Close the device; unmount cgroup2 if the setup mounted it. */
static void cg_undo(int *fd, bool *mounted)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	if (*mounted && !umount(CG_MNT))
		*mounted = false;
}

FIXTURE_SETUP(cg)
{
	struct faultlat_cgroup c;
	struct statfs sfs;
	static __u64 ids[MAX_IDS];
	char buf[512];
	int nids = 0;

	self->fd = -1;
	if (geteuid())
		FL_SKIP_SETUP("needs root to make cgroups");
	self->fd = fl_open();
	if (self->fd < 0)
		FL_SKIP_SETUP("%s: %s (is faultlat loaded?)", FAULTLAT_DEVICE,
			      strerror(errno));
	if (statfs(CG_MNT, &sfs)) {
		cg_undo(&self->fd, &self->mounted);
		FL_SKIP_SETUP("%s: %s", CG_MNT, strerror(errno));
	}
	if (sfs.f_type == SYSFS_MAGIC) {
		/* nothing mounted there: the guest's bare sysfs */
		if (mount("cgroup2", CG_MNT, "cgroup2", 0, NULL)) {
			int err = errno;

			cg_undo(&self->fd, &self->mounted);
			FL_SKIP_SETUP("mount -t cgroup2 %s: %s", CG_MNT,
				      strerror(err));
		}
		self->mounted = true;
	} else if (sfs.f_type != CGROUP2_SUPER_MAGIC) {
		cg_undo(&self->fd, &self->mounted);
		FL_SKIP_SETUP("%s is no cgroup2 (a cgroup v1 hierarchy?)",
			      CG_MNT);
	}
	if (read_file(CG_MNT "/cgroup.controllers", buf, sizeof(buf)) ||
	    !has_word(buf, "memory")) {
		cg_undo(&self->fd, &self->mounted);
		FL_SKIP_SETUP("no memory controller on cgroup2 (%s)",
			      "bound to cgroup v1, or cgroup_disable=memory");
	}
	if (read_file(CG_MNT "/cgroup.subtree_control", buf, sizeof(buf)) ||
	    (!has_word(buf, "memory") &&
	     write_file(CG_MNT "/cgroup.subtree_control", "+memory"))) {
		int err = errno;

		cg_undo(&self->fd, &self->mounted);
		ASSERT_TRUE(false) TH_LOG("+memory in %s/cgroup.subtree_control: %s",
					  CG_MNT, strerror(err));
	}
	snprintf(self->top, sizeof(self->top), "%s/fl-test-%d", CG_MNT,
		 getpid());
	cg_rm_tree(self->top, ids, &nids);
	if (mkdir(self->top, 0755) ||
	    cg_write(self->top, "cgroup.subtree_control", "+memory")) {
		int err = errno;

		rmdir(self->top);
		cg_undo(&self->fd, &self->mounted);
		ASSERT_TRUE(false) TH_LOG("%s with +memory: %s", self->top,
					  strerror(err));
	}
	if (cg_query(self->fd, self->top, 0, &c)) {
		int err = errno;

		rmdir(self->top);
		cg_undo(&self->fd, &self->mounted);
		if (err == ENOTTY)
			FL_SKIP_SETUP("the module has no FAULTLAT_IOC_CGROUP (ENOTTY)");
		if (err == ENODEV)
			FL_SKIP_SETUP("the module counts no cgroup (cgroups=0)");
		ASSERT_TRUE(false) TH_LOG("FAULTLAT_IOC_CGROUP %s: %s",
					  self->top, strerror(err));
	}
}

/*
 * Wait up to @ms for the records of the removed cgroups @ids to leave
 * the list (folded into an ancestor's); how many are left, or -1.
 */
static int cg_wait_gone(int fd, const __u64 *ids, int nids, int ms)
{
	struct faultlat_cgroup_entry *e = NULL;
	long long end = fl_ms() + ms;
	int i, left;
	__u32 n;

	do {
		left = 0;
		if (cg_records(fd, &e, &n)) {
			left = -1;
			break;
		}
		for (i = 0; i < nids; i++)
			left += !!cg_entry(e, n, ids[i]);
		if (!left)
			break;
		usleep(50 * 1000);
	} while (fl_ms() < end);
	free(e);
	return left;
}

/*
 * Remove the test's cgroups; then wait until their records are folded
 * into the root's, so that the next test's used_cgroups does not move.
 */
FIXTURE_TEARDOWN(cg)
{
	static __u64 ids[MAX_IDS];
	int nids = 0;

	EXPECT_EQ(0, cg_rm_tree(self->top, ids, &nids))
		TH_LOG("removing %s: %s", self->top, strerror(errno));
	EXPECT_EQ(0, cg_wait_gone(self->fd, ids, nids, TEARDOWN_MS))
		TH_LOG("records of removed cgroups still listed after %d ms",
		       TEARDOWN_MS);
	if (self->fs_used)
		fl_fs_teardown(&self->fs);
	cg_undo(&self->fd, &self->mounted);
}

/*
 * Test 1: a process moves into a new cgroup, faults ONE_PAGES anonymous
 * pages and exits.  The cgroup's figure equals its memory.stat; it is the
 * cgroup's own figure too (no descendant); its id is the inode number of
 * its directory and its level its depth, as for the test's parent and the
 * root.
 */
TEST_F_TIMEOUT(cg, one_cgroup, 120)
{
	struct faultlat_cgroup own, c;
	struct cg_cmp cmp = { 0 };
	char dir[128];

	cg_mkdir(_metadata, dir, sizeof(dir), self->top, "one", false);
	ASSERT_EQ(0, cg_run1(dir, ONE_PAGES));
	cmp.dir = dir;
	cg_settle(_metadata, self->fd, &cmp, 1);
	ASSERT_LE(ONE_PAGES, cmp.cg.stats.minor.count);
	ASSERT_LE(ONE_PAGES, cmp.pgfault);
	/* anonymous memory without swap, code in the page cache */
	ASSERT_EQ(0, cmp.pgmajfault);
	fl_check_lat(_metadata, "one: minor", &cmp.cg.stats.minor);
	ASSERT_EQ(ino_of(dir), cmp.cg.id);
	ASSERT_EQ(cg_level(dir), cmp.cg.level);
	ASSERT_EQ(1, cmp.cg.nr_records);

	ASSERT_EQ(0, cg_query(self->fd, dir, FAULTLAT_CGROUP_OWN, &own));
	cg_same(_metadata, "own vs subtree of a leaf", &cmp.cg.stats,
		&own.stats);
	ASSERT_EQ(cmp.cg.id, own.id);
	ASSERT_EQ(1, own.nr_records);

	ASSERT_EQ(0, cg_query(self->fd, self->top, 0, &c));
	ASSERT_EQ(ino_of(self->top), c.id);
	ASSERT_EQ(1, c.level);
	ASSERT_EQ(0, cg_query(self->fd, CG_MNT, 0, &c));
	ASSERT_EQ(ino_of(CG_MNT), c.id);
	ASSERT_EQ(0, c.level);
	/* the root's subtree holds the cgroup's faults */
	ASSERT_LE(cmp.cg.stats.minor.count, c.stats.minor.count);
	ASSERT_LE(2, c.nr_records);
}

/*
 * Test 1, file: the process reads FILE_PAGES pages of a file that is not in
 * the page cache, one at a time (MADV_RANDOM): major faults, each of which
 * filemap_fault() retries once after the read (counts_test.c's test 2),
 * counted in memory.stat's pgmajfault once each.  The retries tell the
 * two kernels' pgfault apart: 6.1 counts them, 6.4+ does not.
 */
TEST_F_TIMEOUT(cg, file_major, 120)
{
	struct cg_cmp cmp = { 0 };
	struct cg_step step;
	char dir[128];

	if (fl_fs_setup(&self->fs, "ext2", FILE_PAGES)) {
		bool skip = self->fs.skip;

		fl_fs_teardown(&self->fs);
		if (skip)
			SKIP(return, "%s", self->fs.why);
		ASSERT_TRUE(false) TH_LOG("%s", self->fs.why);
	}
	self->fs_used = true;
	ASSERT_EQ(0, fl_fs_drop_cache(&self->fs)) TH_LOG("%s", self->fs.why);
	cg_mkdir(_metadata, dir, sizeof(dir), self->top, "file", false);
	step.dir = dir;
	step.pages = FILE_PAGES;
	step.file = self->fs.file;
	ASSERT_EQ(0, cg_run(&step, 1, 0));
	cmp.dir = dir;
	cg_settle(_metadata, self->fd, &cmp, 1);
	ASSERT_LT(0, cmp.pgmajfault);
	ASSERT_LT(0, cmp.cg.stats.retries)
		TH_LOG("no retried call: pgfault's rule is not put to the test");
	fl_check_lat(_metadata, "file: major", &cmp.cg.stats.major);
}

/*
 * Test 2: P with children A and B, a workload in each.  P's figure (its
 * subtree) is A's plus B's and equals P's memory.stat, which is
 * hierarchical; P's own figure is empty (no task ever ran in P); A and B
 * each equal their memory.stat.
 */
TEST_F_TIMEOUT(cg, nested, 120)
{
	char p[128], a[160], b[160];
	struct cg_cmp cmp[3] = { { 0 } };
	struct faultlat_stats sum;
	struct faultlat_cgroup own;

	cg_mkdir(_metadata, p, sizeof(p), self->top, "p", true);
	cg_mkdir(_metadata, a, sizeof(a), p, "a", false);
	cg_mkdir(_metadata, b, sizeof(b), p, "b", false);
	ASSERT_EQ(0, cg_run1(a, 1000));
	ASSERT_EQ(0, cg_run1(b, 3000));
	cmp[0].dir = p;
	cmp[1].dir = a;
	cmp[2].dir = b;
	cg_settle(_metadata, self->fd, cmp, 3);

	ASSERT_LE(1000, cmp[1].cg.stats.minor.count);
	ASSERT_LE(3000, cmp[2].cg.stats.minor.count);
	cg_sum(&sum, &cmp[1].cg.stats, &cmp[2].cg.stats);
	cg_same(_metadata, "P vs A + B", &sum, &cmp[0].cg.stats);
	ASSERT_EQ(cmp[1].pgfault + cmp[2].pgfault, cmp[0].pgfault)
		TH_LOG("memory.stat: P's pgfault is not A's plus B's");
	ASSERT_EQ(2, cmp[0].cg.nr_records);
	ASSERT_EQ(cg_level(p), cmp[0].cg.level);
	ASSERT_EQ(cmp[0].cg.level + 1, cmp[1].cg.level);
	ASSERT_EQ(cmp[0].cg.level + 1, cmp[2].cg.level);
	ASSERT_EQ(ino_of(p), cmp[0].cg.id);
	ASSERT_EQ(ino_of(a), cmp[1].cg.id);
	ASSERT_EQ(ino_of(b), cmp[2].cg.id);

	ASSERT_EQ(0, cg_query(self->fd, p, FAULTLAT_CGROUP_OWN, &own));
	ASSERT_EQ(cmp[0].cg.id, own.id);
	ASSERT_EQ(cmp[0].cg.level, own.level);
	ASSERT_EQ(0, own.stats.calls);
	ASSERT_EQ(0, own.stats.minor.count);
	ASSERT_EQ(0, own.stats.major.count);
	ASSERT_EQ(0, own.stats.errors);
	ASSERT_EQ(0, own.nr_records);
}

/*
 * Test 3: one process faults in A, moves itself to B and faults more
 * there.  memcg counts each fault in the memcg of mm->owner at the time,
 * this very process: A's and B's figures each equal their memory.stat.
 */
TEST_F_TIMEOUT(cg, migration, 120)
{
	struct cg_cmp cmp[2] = { { 0 } };
	struct cg_step steps[2];
	char a[128], b[128];

	cg_mkdir(_metadata, a, sizeof(a), self->top, "a", false);
	cg_mkdir(_metadata, b, sizeof(b), self->top, "b", false);
	memset(steps, 0, sizeof(steps));
	steps[0].dir = a;
	steps[0].pages = 1000;
	steps[1].dir = b;
	steps[1].pages = 1500;
	ASSERT_EQ(0, cg_run(steps, 2, 0));
	cmp[0].dir = a;
	cmp[1].dir = b;
	cg_settle(_metadata, self->fd, cmp, 2);
	ASSERT_LE(1000, cmp[0].cg.stats.minor.count);
	ASSERT_LE(1500, cmp[1].cg.stats.minor.count);
	/* B's pages are not A's: the move split the faults */
	ASSERT_GT(1000 + 1500, cmp[0].cg.stats.minor.count);
}

/*
 * Wait up to FOLD_MS for P's own figure to reach @calls calls and the
 * records in use to be @used (0: any); the last ones read.
 */
static void wait_fold(struct __test_metadata *_metadata, int fd,
		      const char *p, __u64 calls, __u32 used,
		      struct faultlat_cgroup *own, struct faultlat_info *info)
{
	long long end = fl_ms() + FOLD_MS;

	do {
		ASSERT_EQ(0, cg_query(fd, p, FAULTLAT_CGROUP_OWN, own));
		cg_info(_metadata, fd, info);
		if (own->stats.calls >= calls &&
		    (!used || info->used_cgroups == used))
			break;
		usleep(50 * 1000);
	} while (fl_ms() < end);
}

/*
 * Test 4: C, a child of P, sees faults; its process exits, C is removed.
 * The module folds C's record into P's after an RCU grace period: P's
 * figure, own and subtree, then holds C's faults, P's memory.stat (which
 * keeps a removed child's counts) equals it, C's record is gone and the
 * records in use are one fewer.  A first child C0 goes the same way
 * beforehand, so that P has a record of its own when C is removed.
 */
TEST_F_TIMEOUT(cg, removal, 120)
{
	struct faultlat_cgroup q0, qc, own;
	struct faultlat_info base, info;
	struct faultlat_cgroup_entry *e = NULL;
	const struct faultlat_cgroup_entry *pe;
	struct cg_cmp cmp = { 0 };
	char p[128], c0[160], c[160];
	struct faultlat_stats sum;
	__u64 c_id;
	__u32 n;

	cg_mkdir(_metadata, p, sizeof(p), self->top, "p", true);
	cg_mkdir(_metadata, c0, sizeof(c0), p, "c0", false);
	ASSERT_EQ(0, cg_run1(c0, 500));
	ASSERT_EQ(0, cg_query(self->fd, c0, 0, &q0));
	ASSERT_LE(500, q0.stats.minor.count);
	ASSERT_EQ(0, cg_rmdir(c0)) TH_LOG("rmdir %s: %s", c0, strerror(errno));
	ASSERT_EQ(0, cg_wait_gone(self->fd, &q0.id, 1, FOLD_MS));
	wait_fold(_metadata, self->fd, p, q0.stats.calls, 0, &own, &info);
	cg_same(_metadata, "P's own after C0's removal vs C0", &q0.stats,
		&own.stats);
	ASSERT_EQ(1, own.nr_records);

	cg_info(_metadata, self->fd, &base);
	cg_mkdir(_metadata, c, sizeof(c), p, "c", false);
	ASSERT_EQ(0, cg_run1(c, 1500));
	ASSERT_EQ(0, cg_query(self->fd, c, 0, &qc));
	ASSERT_LE(1500, qc.stats.minor.count);
	c_id = qc.id;
	cg_info(_metadata, self->fd, &info);
	ASSERT_EQ(base.used_cgroups + 1, info.used_cgroups)
		TH_LOG("C's record");
	ASSERT_EQ(0, cg_rmdir(c)) TH_LOG("rmdir %s: %s", c, strerror(errno));
	wait_fold(_metadata, self->fd, p, q0.stats.calls + qc.stats.calls,
		  base.used_cgroups, &own, &info);
	FL_INFO("used_cgroups %u before C, %u with it, %u after (max %u); dropped %llu -> %llu\n",
		base.used_cgroups, base.used_cgroups + 1, info.used_cgroups,
		info.max_cgroups, (unsigned long long)base.cgroup_dropped,
		(unsigned long long)info.cgroup_dropped);
	ASSERT_EQ(base.used_cgroups, info.used_cgroups)
		TH_LOG("C's record not freed after %d ms", FOLD_MS);
	ASSERT_EQ(base.cgroup_dropped, info.cgroup_dropped);
	cg_sum(&sum, &q0.stats, &qc.stats);
	cg_same(_metadata, "P's own vs C0 + C", &sum, &own.stats);

	cmp.dir = p;
	cg_settle(_metadata, self->fd, &cmp, 1);
	cg_same(_metadata, "P's subtree vs C0 + C", &sum, &cmp.cg.stats);
	ASSERT_EQ(1, cmp.cg.nr_records);

	ASSERT_EQ(0, cg_records(self->fd, &e, &n))
		TH_LOG("CGROUP_LIST: %s", strerror(errno));
	ASSERT_EQ(NULL, cg_entry(e, n, c_id)) TH_LOG("C still listed");
	pe = cg_entry(e, n, cmp.cg.id);
	ASSERT_NE(NULL, pe) TH_LOG("no record of P");
	ASSERT_EQ(sum.minor.count, pe->minor);
	ASSERT_EQ(sum.major.count, pe->major);
	free(e);
}

/*
 * Test 5: CHURN_CGROUPS cgroups, one after the other, each made, given a
 * process that faults CHURN_PAGES pages and exits, and removed.  Then the
 * records in use come back to where they were (the folds are
 * asynchronous), and P's figure equals its memory.stat, which kept every
 * removed child's counts: short of it by exactly cgroup_dropped's growth
 * if the table had no room, which is said, and is a failure all the same.
 */
TEST_F_TIMEOUT(cg, churn, 900)
{
	struct faultlat_info info0, info;
	struct faultlat_cgroup own;
	struct cg_cmp cmp = { 0 };
	char p[128], c[160];
	__u32 peak = 0;
	long long t0, end;
	__u64 dropped, want;
	int i;

	cg_mkdir(_metadata, p, sizeof(p), self->top, "p", true);
	/* a first child, folded: P has its record before the count starts */
	cg_mkdir(_metadata, c, sizeof(c), p, "warm", false);
	ASSERT_EQ(0, cg_run1(c, CHURN_PAGES));
	ASSERT_EQ(0, cg_query(self->fd, c, 0, &own));
	want = own.stats.calls;
	ASSERT_EQ(0, cg_rmdir(c));
	ASSERT_EQ(0, cg_wait_gone(self->fd, &own.id, 1, FOLD_MS));
	wait_fold(_metadata, self->fd, p, want, 0, &own, &info0);
	ASSERT_EQ(want, own.stats.calls);
	cg_info(_metadata, self->fd, &info0);

	t0 = fl_ms();
	for (i = 0; i < CHURN_CGROUPS; i++) {
		snprintf(c, sizeof(c), "%s/c%d", p, i);
		ASSERT_EQ(0, mkdir(c, 0755)) TH_LOG("mkdir %s: %s", c,
						    strerror(errno));
		ASSERT_EQ(0, cg_run1(c, CHURN_PAGES)) TH_LOG("%s", c);
		ASSERT_EQ(0, cg_rmdir(c)) TH_LOG("rmdir %s: %s", c,
						 strerror(errno));
		if (i % 50 == 0) {
			cg_info(_metadata, self->fd, &info);
			if (info.used_cgroups > peak)
				peak = info.used_cgroups;
		}
	}
	FL_INFO("%d cgroups in %lld ms; used_cgroups %u before, at most %u seen during (max %u)\n",
		CHURN_CGROUPS, fl_ms() - t0, info0.used_cgroups, peak,
		info0.max_cgroups);

	end = fl_ms() + FOLD_MS;
	do {
		cg_info(_metadata, self->fd, &info);
		if (info.used_cgroups == info0.used_cgroups)
			break;
		usleep(50 * 1000);
	} while (fl_ms() < end);
	ASSERT_EQ(info0.used_cgroups, info.used_cgroups)
		TH_LOG("records in use before the churn vs %d ms after it",
		       FOLD_MS);

	cmp.dir = p;
	cg_poll(_metadata, self->fd, &cmp, 1);
	cg_info(_metadata, self->fd, &info);
	dropped = info.cgroup_dropped - info0.cgroup_dropped;
	want = cg_pgfault(&cmp.cg.stats);
	FL_INFO("cgroup_dropped %llu -> %llu; P's figure %llu, memory.stat %llu%s\n",
		(unsigned long long)info0.cgroup_dropped,
		(unsigned long long)info.cgroup_dropped,
		(unsigned long long)want, (unsigned long long)cmp.pgfault,
		dropped && cmp.pgfault - want == dropped ?
		": the figure is short by exactly cgroup_dropped's growth (the table had no room)" :
		"");
	ASSERT_EQ(dropped, cmp.pgfault - want)
		TH_LOG("memory.stat minus P's figure vs cgroup_dropped's growth");
	cg_check(_metadata, &cmp, 1);
	ASSERT_EQ(1, cmp.cg.nr_records);
	ASSERT_LE((CHURN_CGROUPS + 1) * CHURN_PAGES, cmp.cg.stats.minor.count);
}

/*
 * Test 5, full: more cgroups see faults than the table has free records,
 * one after the other, each kept: the records run out (used_cgroups ==
 * max_cgroups), the cgroups that found none have an empty figure, their
 * faults are counted in cgroup_dropped, and P's figure is short of its
 * memory.stat by exactly cgroup_dropped's growth.
 */
TEST_F_TIMEOUT(cg, full_table, 600)
{
	struct faultlat_info info0, info;
	struct faultlat_cgroup last;
	struct cg_cmp cmp = { 0 };
	char p[128], c[160];
	__u64 pgfault, pgmajfault;
	unsigned int i, n;
	long long end;

	cg_info(_metadata, self->fd, &info0);
	ASSERT_LE(info0.used_cgroups, info0.max_cgroups);
	n = info0.max_cgroups - info0.used_cgroups + FULL_EXTRA;
	if (n > FULL_MAX)
		SKIP(return, "max_cgroups %u: more than %d cgroups to fill it",
		     info0.max_cgroups, FULL_MAX);
	cg_mkdir(_metadata, p, sizeof(p), self->top, "p", true);
	for (i = 0; i < n; i++) {
		snprintf(c, sizeof(c), "%s/c%u", p, i);
		ASSERT_EQ(0, mkdir(c, 0755)) TH_LOG("mkdir %s: %s", c,
						    strerror(errno));
		ASSERT_EQ(0, cg_run1(c, CHURN_PAGES)) TH_LOG("%s", c);
	}
	cg_info(_metadata, self->fd, &info);
	FL_INFO("%u cgroups kept; used_cgroups %u -> %u (max %u); cgroup_dropped %llu -> %llu\n",
		n, info0.used_cgroups, info.used_cgroups, info.max_cgroups,
		(unsigned long long)info0.cgroup_dropped,
		(unsigned long long)info.cgroup_dropped);
	ASSERT_EQ(info.max_cgroups, info.used_cgroups);
	cmp.dropped = info.cgroup_dropped - info0.cgroup_dropped;
	ASSERT_LE(FULL_EXTRA * CHURN_PAGES, cmp.dropped);

	/* the last cgroup found no record: memory.stat has its faults */
	ASSERT_EQ(0, cg_query(self->fd, c, 0, &last));
	ASSERT_EQ(0, last.nr_records);
	ASSERT_EQ(0, last.stats.calls);
	ASSERT_EQ(ino_of(c), last.id);
	end = fl_ms() + SETTLE_MAX_MS;
	do {
		ASSERT_EQ(0, cg_memstat(c, &pgfault, &pgmajfault));
		if (pgfault >= CHURN_PAGES)
			break;
		usleep(500 * 1000);
	} while (fl_ms() < end);
	ASSERT_LE(CHURN_PAGES, pgfault);

	cmp.dir = p;
	cg_settle(_metadata, self->fd, &cmp, 1);
	ASSERT_EQ(n - FULL_EXTRA, cmp.cg.nr_records);
}

/* What the unprivileged reader of test 6 saw, in shared memory. */
struct perm_res {
	int step, err;		/* a failed preparation step and its errno */
	__u64 cap_eff;
	int open_err;		/* /dev/faultlat */
	int deleg_err, deleg_own_err, root_err, list_err;
	struct faultlat_cgroup deleg, deleg_own;
};

static noreturn void perm_reader(struct perm_res *r, const char *deleg,
				 const char *rootonly)
{
	struct faultlat_cgroup_entry *e = NULL;
	struct faultlat_cgroup c;
	int fd;
	__u32 n;

	if (drop_to(FL_NOBODY)) {
		r->step = 1;
		r->err = errno;
		_exit(1);
	}
	fl_cap_eff(&r->cap_eff);
	fd = fl_open();
	if (fd < 0) {
		r->open_err = errno;
		_exit(0);
	}
	r->deleg_err = cg_query(fd, deleg, 0, &r->deleg) ? errno : 0;
	r->deleg_own_err = cg_query(fd, deleg, FAULTLAT_CGROUP_OWN,
				    &r->deleg_own) ? errno : 0;
	r->root_err = cg_query(fd, rootonly, 0, &c) ? errno : 0;
	r->list_err = cg_records(fd, &e, &n) ? errno : 0;
	_exit(0);
}

/*
 * Test 6: D is delegated to uid 65534 as systemd does it (the directory
 * and its cgroup.procs, cgroup.threads and cgroup.subtree_control chowned),
 * R is root's; each sees a workload.  A process of uid 65534 without
 * capabilities reads D (both ways), as root reads it; not R (EACCES), nor
 * the list (EPERM).  Then, as root: a descriptor that is not open, or not
 * on a cgroup2 directory, gives EBADF; a nonzero reserved field or an
 * unknown flag EINVAL.
 */
TEST_F_TIMEOUT(cg, permissions, 120)
{
	static const char * const delegated[] = {
		"cgroup.procs", "cgroup.threads", "cgroup.subtree_control",
	};
	struct cg_cmp cmp[2] = { { 0 } };
	struct faultlat_cgroup c;
	char d[128], r[128], path[PATH_MAX];
	struct perm_res *res;
	struct cg_step step;
	unsigned int i;
	int dfd, bad;
	pid_t pid;

	cg_mkdir(_metadata, d, sizeof(d), self->top, "delegated", false);
	cg_mkdir(_metadata, r, sizeof(r), self->top, "rootonly", false);
	ASSERT_EQ(0, chown(d, FL_NOBODY, FL_NOBODY));
	for (i = 0; i < ARRAY_SIZE(delegated); i++) {
		snprintf(path, sizeof(path), "%s/%s", d, delegated[i]);
		ASSERT_EQ(0, chown(path, FL_NOBODY, FL_NOBODY))
			TH_LOG("chown %s: %s", path, strerror(errno));
	}
	/* moved in as root, then uid 65534 */
	memset(&step, 0, sizeof(step));
	step.dir = d;
	step.pages = 800;
	ASSERT_EQ(0, cg_run(&step, 1, FL_NOBODY));
	ASSERT_EQ(0, cg_run1(r, 300));

	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, res);
	memset(res, 0, sizeof(*res));
	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		perm_reader(res, d, r);
	ASSERT_EQ(0, fl_wait(pid, 30000)) TH_LOG("reader: step %d: %s",
						 res->step,
						 strerror(res->err));
	if (res->open_err)
		SKIP(return, "uid %d cannot open %s: %s", FL_NOBODY,
		     FAULTLAT_DEVICE, strerror(res->open_err));
	ASSERT_EQ(0, res->cap_eff);
	ASSERT_EQ(0, res->deleg_err) TH_LOG("the owner of %s: %s", d,
					    strerror(res->deleg_err));
	ASSERT_EQ(0, res->deleg_own_err) TH_LOG("the owner of %s, own: %s", d,
						strerror(res->deleg_own_err));
	ASSERT_EQ(EACCES, res->root_err) TH_LOG("uid %d reading %s: %s",
						FL_NOBODY, r,
						strerror(res->root_err));
	ASSERT_EQ(EPERM, res->list_err) TH_LOG("uid %d listing: %s", FL_NOBODY,
					       strerror(res->list_err));

	cmp[0].dir = d;
	cmp[1].dir = r;
	cg_settle(_metadata, self->fd, cmp, 2);
	ASSERT_LE(800, cmp[0].cg.stats.minor.count);
	ASSERT_LE(300, cmp[1].cg.stats.minor.count);
	/* nothing ran in D since the reader read it */
	cg_same(_metadata, "uid 65534's read vs root's", &cmp[0].cg.stats,
		&res->deleg.stats);
	cg_same(_metadata, "uid 65534's own read vs root's", &cmp[0].cg.stats,
		&res->deleg_own.stats);
	ASSERT_EQ(cmp[0].cg.id, res->deleg.id);
	munmap(res, sizeof(*res));

	/* a descriptor that is not open */
	bad = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, bad);
	close(bad);
	ASSERT_EQ(-1, cg_query_fd(self->fd, bad, 0, &c));
	ASSERT_EQ(EBADF, errno);
	ASSERT_EQ(-1, cg_query_fd(self->fd, -1, 0, &c));
	ASSERT_EQ(EBADF, errno);
	/* open, but not on a cgroup2 directory */
	dfd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, dfd);
	ASSERT_EQ(-1, cg_query_fd(self->fd, dfd, 0, &c));
	ASSERT_EQ(EBADF, errno) TH_LOG("a regular file");
	close(dfd);
	ASSERT_EQ(-1, cg_query(self->fd, "/", 0, &c));
	ASSERT_EQ(EBADF, errno) TH_LOG("a directory of another file system");
	snprintf(path, sizeof(path), "%s/cgroup.procs", d);
	dfd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, dfd);
	ASSERT_EQ(-1, cg_query_fd(self->fd, dfd, 0, &c));
	ASSERT_EQ(EBADF, errno) TH_LOG("a file of cgroup2, not a directory");
	close(dfd);
	/* reserved field, flags */
	dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, dfd);
	ASSERT_EQ(0, cg_query_fd(self->fd, dfd, 0, &c));
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.fd = dfd;
	c.__reserved = 1;
	ASSERT_EQ(-1, ioctl(self->fd, FAULTLAT_IOC_CGROUP, &c));
	ASSERT_EQ(EINVAL, errno) TH_LOG("__reserved 1");
	ASSERT_EQ(-1, cg_query_fd(self->fd, dfd, FAULTLAT_CGROUP_OWN << 1, &c));
	ASSERT_EQ(EINVAL, errno) TH_LOG("an unknown flag");
	close(dfd);
}

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP	0x200000000ULL
#endif

/* fork(), but the child starts in cgroup @dir (clone3()): -1 on error. */
static pid_t cg_fork_into(const char *dir)
{
	struct {
		__u64 flags, pidfd, child_tid, parent_tid, exit_signal;
		__u64 stack, stack_size, tls, set_tid, set_tid_size, cgroup;
	} a;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	pid_t pid;

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.flags = CLONE_INTO_CGROUP;
	a.exit_signal = SIGCHLD;
	a.cgroup = fd;
	fflush(NULL);
	pid = syscall(__NR_clone3, &a, sizeof(a));
	if (pid)
		close(fd);
	return pid;
}

/* In a child: fault @pages fresh anonymous pages, or exit with @code. */
static void cg_child_touch(size_t pages, int code)
{
	void *p = fl_map_anon(pages);

	if (!p)
		_exit(code);
	fl_touch_write(p, pages);
}

/* In a child: move into @dir, or exit with @code. */
static void cg_child_move(const char *dir, int code)
{
	char path[PATH_MAX], pid[16];

	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (write_file(path, pid))
		_exit(code);
}

/*
 * Test 8: threads that start in their cgroup (clone3() with
 * CLONE_INTO_CGROUP, as container runtimes start them) have their records
 * attached to their cgroup's record, which counts their faults through
 * them (the module's lazy attribution).  A process starts in A, faults,
 * moves to B, faults there, exits: A's and B's figures equal their
 * memory.stat.  Another starts in P/C, faults, moves to P/D and waits; C
 * is removed while its record still counts that process's faults: P's
 * figure equals its memory.stat; then it faults in D and exits: P's and
 * D's figures equal their memory.stat, and C's record is folded.
 */
TEST_F_TIMEOUT(cg, lazy, 180)
{
	struct cg_cmp cmp[3] = { { 0 } };
	char a[128], b[128], p[128], c[160], d[160];
	int ready[2], go[2], status;
	struct stat st;
	__u64 cid;
	pid_t pid;
	char x;

	cg_mkdir(_metadata, a, sizeof(a), self->top, "a", false);
	cg_mkdir(_metadata, b, sizeof(b), self->top, "b", false);
	cg_mkdir(_metadata, p, sizeof(p), self->top, "p", true);
	cg_mkdir(_metadata, c, sizeof(c), p, "c", false);
	cg_mkdir(_metadata, d, sizeof(d), p, "d", false);

	pid = cg_fork_into(a);
	ASSERT_LE(0, pid) TH_LOG("clone3(CLONE_INTO_CGROUP): %s",
				 strerror(errno));
	if (!pid) {
		cg_child_touch(1000, 1);
		cg_child_move(b, 2);
		cg_child_touch(1500, 3);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, fl_status(status));
	cmp[0].dir = a;
	cmp[1].dir = b;
	cg_settle(_metadata, self->fd, cmp, 2);
	ASSERT_LE(1000, cmp[0].cg.stats.minor.count);
	ASSERT_LE(1500, cmp[1].cg.stats.minor.count);
	ASSERT_GT(1000 + 1500, cmp[0].cg.stats.minor.count);

	ASSERT_EQ(0, stat(c, &st));
	cid = st.st_ino;
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	pid = cg_fork_into(c);
	ASSERT_LE(0, pid);
	if (!pid) {
		cg_child_touch(700, 1);
		cg_child_move(d, 2);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &x, 1) != 1)
			_exit(3);
		cg_child_touch(300, 4);
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &x, 1));
	ASSERT_EQ(0, cg_rmdir(c)) TH_LOG("rmdir %s: %s", c, strerror(errno));
	memset(cmp, 0, sizeof(cmp));
	cmp[0].dir = p;
	cg_settle(_metadata, self->fd, cmp, 1);
	ASSERT_LE(700, cmp[0].cg.stats.minor.count);
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, fl_status(status));
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
	memset(cmp, 0, sizeof(cmp));
	cmp[0].dir = p;
	cmp[1].dir = d;
	cg_settle(_metadata, self->fd, cmp, 2);
	ASSERT_LE(700 + 300, cmp[0].cg.stats.minor.count);
	ASSERT_LE(300, cmp[1].cg.stats.minor.count);
	ASSERT_GT(700 + 300, cmp[1].cg.stats.minor.count);
	ASSERT_EQ(0, cg_wait_gone(self->fd, &cid, 1, FOLD_MS))
		TH_LOG("the removed C's record still listed");
}

/*
 * Test 7: as root, FAULTLAT_IOC_CGROUP_LIST has one record of a cgroup
 * that saw a workload, whose parent is the parent directory's inode, level
 * its depth and counts those of FAULTLAT_IOC_CGROUP, and memory.stat's;
 * none of its parent, which saw no fault.
 */
TEST_F_TIMEOUT(cg, list, 120)
{
	struct faultlat_cgroup_entry *e = NULL;
	const struct faultlat_cgroup_entry *ce;
	const struct faultlat_stats *s;
	struct cg_cmp cmp = { 0 };
	char p[128], c[160];
	__u64 pgfault, buckets;
	__u32 n, i, j, hits = 0;

	cg_mkdir(_metadata, p, sizeof(p), self->top, "p", true);
	cg_mkdir(_metadata, c, sizeof(c), p, "one", false);
	ASSERT_EQ(0, cg_run1(c, ONE_PAGES));
	cmp.dir = c;
	cg_settle(_metadata, self->fd, &cmp, 1);
	s = &cmp.cg.stats;

	ASSERT_EQ(0, cg_records(self->fd, &e, &n))
		TH_LOG("CGROUP_LIST: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		hits += e[i].id == cmp.cg.id;
		ASSERT_EQ(0, e[i].__reserved);
		ASSERT_EQ(!e[i].level, !e[i].parent_id)
			TH_LOG("id %llu", (unsigned long long)e[i].id);
		for (j = i + 1; j < n; j++)
			ASSERT_NE(e[i].id, e[j].id);
	}
	FL_INFO("%u records listed\n", n);
	ASSERT_EQ(1, hits);
	ce = cg_entry(e, n, cmp.cg.id);
	ASSERT_EQ(ino_of(p), ce->parent_id);
	ASSERT_EQ(cg_level(c), ce->level);
	ASSERT_EQ(s->minor.count, ce->minor);
	ASSERT_EQ(s->major.count, ce->major);
	ASSERT_EQ(s->errors, ce->errors);
	ASSERT_EQ(s->retries, ce->retries);
	ASSERT_EQ(s->minor.sum_ns + s->major.sum_ns, ce->total_ns);
	ASSERT_EQ(s->minor.min_ns, ce->min_ns);	/* no major fault */
	ASSERT_EQ(s->minor.max_ns, ce->max_ns);
	buckets = 0;
	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++) {
		ASSERT_EQ(s->minor.buckets[i] + s->major.buckets[i],
			  ce->buckets[i]) TH_LOG("bucket %u", i);
		buckets += ce->buckets[i];
	}
	ASSERT_EQ(ce->minor + ce->major, buckets);
	/* the record's counts against memory.stat directly */
	pgfault = ce->minor + ce->major + ce->errors;
	if (fl_pgfault_counts_retries())
		pgfault += ce->retries;
	ASSERT_EQ(cmp.pgfault, pgfault);
	ASSERT_LE(ONE_PAGES, ce->minor);
	/* P: no task, no removed child, so no fault and no record */
	ASSERT_EQ(NULL, cg_entry(e, n, ino_of(p)));
	ce = cg_entry(e, n, ino_of(CG_MNT));
	if (ce) {
		ASSERT_EQ(0, ce->parent_id);
		ASSERT_EQ(0, ce->level);
	}
	free(e);
}

#define PARAMS		"/sys/module/faultlat/parameters/"
#define PC_PAGES	256

/* In a child: N fresh pages written, then a child of its own writes them. */
static void cg_child_zero_cow(int code)
{
	char *p = fl_map_anon(PC_PAGES);
	int status;
	pid_t pid;

	if (!p)
		_exit(code);
	fl_touch_write(p, PC_PAGES);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		_exit(code + 1);
	if (!pid) {
		fl_touch_write(p, PC_PAGES);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || fl_status(status))
		_exit(code + 2);
}

/* Test 9: a cgroup's counts by path and time by cause (module 0.7). */
TEST_F_TIMEOUT(cg, paths_causes, 180)
{
	struct cg_cmp cmp[2] = { { 0 } };
	char lz[128], eg[128], old_paths, old_causes;
	const struct faultlat_cgroup_entry *ce;
	struct faultlat_cgroup_entry *e = NULL;
	const struct faultlat_cgroup *c;
	__u32 n;
	__u64 sum, done;
	int status, i, j;
	pid_t pid;

	if (access(PARAMS "paths", F_OK) || access(PARAMS "causes", F_OK))
		SKIP(return, "the module has no paths or causes parameter");
	ASSERT_EQ(0, fl_mod_param_swap("paths", &old_paths, '1'));
	ASSERT_EQ(0, fl_mod_param_swap("causes", &old_causes, '1'));
	cg_mkdir(_metadata, lz, sizeof(lz), self->top, "lz", false);
	cg_mkdir(_metadata, eg, sizeof(eg), self->top, "eg", false);

	pid = cg_fork_into(lz);
	ASSERT_LE(0, pid) TH_LOG("clone3(CLONE_INTO_CGROUP): %s",
				 strerror(errno));
	if (!pid) {
		cg_child_zero_cow(1);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, fl_status(status));
	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* faults here first: its record cannot stand for eg */
		cg_child_touch(16, 1);
		cg_child_move(eg, 2);
		cg_child_zero_cow(3);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, fl_status(status));

	cmp[0].dir = lz;
	cmp[1].dir = eg;
	cg_settle(_metadata, self->fd, cmp, 2);
	for (i = 0; i < 2; i++) {
		c = &cmp[i].cg;
		done = c->stats.minor.count + c->stats.major.count;
		for (sum = 0, j = 0; j < FAULTLAT_NR_PATHS; j++)
			sum += c->paths[j];
		FL_INFO("%s: paths zero %llu cow %llu, all %llu of %llu faults\n",
			cmp[i].dir + strlen(CG_MNT) + 1,
			(unsigned long long)c->paths[FAULTLAT_PATH_ZERO],
			(unsigned long long)c->paths[FAULTLAT_PATH_COW],
			(unsigned long long)sum, (unsigned long long)done);
		FL_INFO("  causes: %llu faults, %llu ns of %llu\n",
			(unsigned long long)c->causes.faults,
			(unsigned long long)c->causes.latency_ns,
			(unsigned long long)(c->stats.minor.sum_ns +
					     c->stats.major.sum_ns));
		EXPECT_EQ(done, sum);
		EXPECT_LE(PC_PAGES, c->paths[FAULTLAT_PATH_ZERO]);
		EXPECT_LE(PC_PAGES, c->paths[FAULTLAT_PATH_COW]);
		EXPECT_EQ(done, c->causes.faults);
		EXPECT_EQ(c->stats.minor.sum_ns + c->stats.major.sum_ns,
			  c->causes.latency_ns);
		/* its list entry, its own record: the same (no descendant) */
		ASSERT_EQ(0, cg_records(self->fd, &e, &n));
		ce = cg_entry(e, n, c->id);
		ASSERT_NE(NULL, ce);
		EXPECT_EQ(0, memcmp(&c->causes, &ce->causes, sizeof(ce->causes)));
		EXPECT_EQ(0, memcmp(c->paths, ce->paths, sizeof(ce->paths)));
		free(e);
		e = NULL;
	}
	fl_mod_param_swap("paths", NULL, old_paths);
	fl_mod_param_swap("causes", NULL, old_causes);
}

TEST_HARNESS_MAIN
