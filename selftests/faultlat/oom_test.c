// SPDX-License-Identifier: GPL-2.0
/*
 * Memory pressure: the OOM killer fires in a cgroup v2 group limited to
 * 48 MiB while faultlat is loaded.  A process of two threads allocates in
 * it until it is killed; a second process in the same group, shielded
 * (oom_score_adj -1000), faults a known number of pages all along.
 *
 * The kernel log then holds the OOM killer's report, stack dump included,
 * which the rig counts as a kernel problem: the test runs only with
 * FAULTLAT_OOM=1, and writes "faultlat-selftest: expected OOM begin/end"
 * markers around it (selftests/run.sh discounts the OOM report between
 * them, nothing else).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"

#define CGROOT		"/sys/fs/cgroup"
#define CGDIR		CGROOT "/faultlat-oom"
#define LIMIT		"48M"
#define CHUNK_PAGES	256		/* 1 MiB */
#define SURVIVOR_PAGES	512
#define NR_LIST		1024

static int write_str(const char *path, const char *s)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static int join_cgroup(void)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", getpid());
	return write_str(CGDIR "/cgroup.procs", pid);
}

/* @key's value in a flat-keyed cgroup file (memory.events), or -1. */
static long long cg_value(const char *file, const char *key)
{
	char buf[1024], *p;
	ssize_t n;
	int fd;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (p = buf; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, strlen(key)) && p[strlen(key)] == ' ')
			return atoll(p + strlen(key) + 1);
	return -1;
}

/* Does the space-separated list in @file hold @word? */
static bool cg_has(const char *file, const char *word)
{
	char buf[512], *tok, *save = NULL;
	ssize_t n;
	int fd;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (tok = strtok_r(buf, "\n\t ", &save); tok;
	     tok = strtok_r(NULL, "\n\t ", &save))
		if (!strcmp(tok, word))
			return true;
	return false;
}

/* allocate and touch, 1 MiB at a time, until killed */
static void *hog(void *arg)
{
	(void)arg;
	for (;;) {
		void *p = fl_map_anon(CHUNK_PAGES);

		if (p)
			fl_touch_write(p, CHUNK_PAGES);
	}
	return NULL;
}

static noreturn void victim(void)
{
	pthread_t t;

	if (join_cgroup())
		_exit(2);
	pthread_create(&t, NULL, hog, NULL);
	pthread_create(&t, NULL, hog, NULL);
	hog(NULL);
	_exit(3);
}

/* What the shielded process measured of itself, in shared memory. */
struct survivor_res {
	int step, err;
	unsigned long rounds;
	struct fl_snap s0, s1;
};

/* Fault SURVIVOR_PAGES pages per round until SIGUSR1, then measure. */
static atomic_int stop;

static void on_usr1(int sig)
{
	atomic_store(&stop, sig);
}

static noreturn void survivor(struct survivor_res *r, int ready)
{
	struct fl_snap s0, s1;
	pid_t pid = getpid();
	int fd;

	signal(SIGUSR1, on_usr1);
	r->step = 1;
	if (join_cgroup() || write_str("/proc/self/oom_score_adj", "-1000"))
		goto fail;
	r->step = 2;
	fd = fl_open();
	if (fd < 0)
		goto fail;
	fl_prefault_stack();
	fl_prefault(&s0, sizeof(s0));
	fl_prefault(&s1, sizeof(s1));
	r->step = 3;
	if (fl_snap_before(fd, RUSAGE_SELF, pid, true, &s0))
		goto fail;
	if (write(ready, "r", 1) != 1)
		goto fail;
	while (!atomic_load(&stop)) {
		void *p = fl_map_anon(SURVIVOR_PAGES);

		if (p) {
			fl_touch_write(p, SURVIVOR_PAGES);
			fl_unmap(p, SURVIVOR_PAGES);
		}
		r->rounds++;
	}
	r->step = 4;
	if (fl_snap_after(fd, RUSAGE_SELF, pid, true, &s1))
		goto fail;
	r->s0 = s0;
	r->s1 = s1;
	r->step = 0;
	_exit(0);
fail:
	r->err = errno;
	_exit(1);
}

static bool listed(int fd, pid_t tgid)
{
	static struct faultlat_task_entry e[NR_LIST];
	__u32 nr = 0, i;

	if (fl_list(fd, 0, e, NR_LIST, &nr, NULL))
		return true;	/* cannot tell: count it as a failure */
	for (i = 0; i < nr; i++)
		if (e[i].tgid == (__u32)tgid)
			return true;
	return false;
}

FIXTURE(oom) {
	int fd;
	bool mounted, made;
	pid_t victim, survivor;
	struct survivor_res *res;
};

FIXTURE_SETUP(oom)
{
	struct stat st;

	self->victim = -1;
	self->survivor = -1;
	self->res = MAP_FAILED;
	if (!getenv("FAULTLAT_OOM"))
		SKIP(longjmp(_metadata->env, 1),
		     "set FAULTLAT_OOM=1: the OOM killer's report (a stack dump) is in the kernel log afterwards");
	self->fd = fl_open();
	if (self->fd < 0)
		SKIP(longjmp(_metadata->env, 1), "%s: %s (is faultlat loaded?)",
		     FAULTLAT_DEVICE, strerror(errno));
	if (access(CGROOT "/cgroup.controllers", F_OK)) {
		if (mount("cgroup2", CGROOT, "cgroup2", 0, NULL))
			SKIP(longjmp(_metadata->env, 1),
			     "no cgroup v2 at %s: %s", CGROOT, strerror(errno));
		self->mounted = true;
	}
	if (!cg_has(CGROOT "/cgroup.controllers", "memory"))
		SKIP(longjmp(_metadata->env, 1),
		     "no memory controller in %s (CONFIG_MEMCG off?)", CGROOT);
	ASSERT_EQ(0, write_str(CGROOT "/cgroup.subtree_control", "+memory"))
		TH_LOG("enabling the memory controller: %s", strerror(errno));
	if (stat(CGDIR, &st))
		ASSERT_EQ(0, mkdir(CGDIR, 0755)) TH_LOG("%s", strerror(errno));
	self->made = true;
	ASSERT_EQ(0, write_str(CGDIR "/memory.max", LIMIT));
	write_str(CGDIR "/memory.swap.max", "0");	/* if there is swap */
	self->res = mmap(NULL, sizeof(*self->res), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->res);
}

FIXTURE_TEARDOWN(oom)
{
	int i;

	if (self->victim > 0) {
		kill(self->victim, SIGKILL);
		waitpid(self->victim, NULL, 0);
	}
	if (self->survivor > 0) {
		kill(self->survivor, SIGKILL);
		waitpid(self->survivor, NULL, 0);
	}
	if (self->res != MAP_FAILED)
		fl_kmsg("faultlat-selftest: expected OOM end\n");
	if (self->made)
		for (i = 0; i < 100 && rmdir(CGDIR) && errno == EBUSY; i++)
			usleep(20000);
	if (self->mounted)
		umount(CGROOT);
	if (self->res != MAP_FAILED)
		munmap(self->res, sizeof(*self->res));
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * Issue 8, memory pressure 7.  The victim is killed by the OOM killer
 * (SIGKILL, memory.events' oom_kill); until it is reaped its process
 * record holds all its threads' faults, folded, exactly as many as the
 * kernel's rusage of it; once reaped the record is gone (TASK: ESRCH, not
 * in LIST, the table's use back where it was).  The shielded process in
 * the same group counted exactly through it all, and the module still
 * answers.
 */
TEST_F_TIMEOUT(oom, killer_fires, 300)
{
	struct faultlat_info i0, i1;
	struct faultlat_task t;
	struct rusage ru;
	siginfo_t si;
	int ready[2], status, i;
	long long kills0;
	char c;

	ASSERT_EQ(0, fl_info(self->fd, &i0));
	kills0 = cg_value(CGDIR "/memory.events", "oom_kill");
	ASSERT_LE(0, kills0);
	ASSERT_EQ(0, pipe(ready));

	fl_kmsg("faultlat-selftest: expected OOM begin\n");
	self->survivor = fork();
	ASSERT_LE(0, self->survivor);
	if (self->survivor == 0) {
		close(ready[0]);
		survivor(self->res, ready[1]);
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1))
		TH_LOG("the survivor failed at step %d: %s", self->res->step,
		       strerror(self->res->err));
	close(ready[0]);

	self->victim = fork();
	ASSERT_LE(0, self->victim);
	if (self->victim == 0)
		victim();
	/* killed, not yet reaped */
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(0, waitid(P_PID, self->victim, &si, WEXITED | WNOWAIT));
	ASSERT_EQ(CLD_KILLED, si.si_code)
		TH_LOG("code %d status %d", si.si_code, si.si_status);
	ASSERT_EQ(SIGKILL, si.si_status);
	ASSERT_LT(kills0, cg_value(CGDIR "/memory.events", "oom_kill"));

	ASSERT_EQ(0, fl_task(self->fd, self->victim, true, &t))
		TH_LOG("the killed process's record: %s", strerror(errno));
	ASSERT_TRUE(t.flags & FAULTLAT_TASK_EXITED);
	ASSERT_EQ(0, t.nr_threads);
	fl_check_hist(_metadata, "killed process, minor", &t.stats.minor);

	ASSERT_EQ(self->victim, wait4(self->victim, &status, 0, &ru));
	self->victim = -1;
	FL_INFO("killed process: faultlat minor %llu major %llu errors %llu\n",
		(unsigned long long)t.stats.minor.count,
		(unsigned long long)t.stats.major.count,
		(unsigned long long)t.stats.errors);
	FL_INFO("killed process: rusage minor %ld major %ld\n", ru.ru_minflt,
		ru.ru_majflt);
	ASSERT_EQ((__u64)ru.ru_minflt, t.stats.minor.count);
	ASSERT_EQ((__u64)ru.ru_majflt, t.stats.major.count);
	ASSERT_LT(CHUNK_PAGES, t.stats.minor.count);

	/*
	 * Reaped: the record is freed when the task_struct is, after an RCU
	 * grace period (sched_process_free).
	 */
	for (i = 0; i < 300 && !fl_task(self->fd, si.si_pid, true, &t); i++)
		usleep(10000);
	FL_INFO("the killed process's record gone %d ms after it was reaped\n",
		i * 10);
	ASSERT_NE(0, fl_task(self->fd, si.si_pid, true, &t))
		TH_LOG("the record outlived the reaped process by 3 s");
	ASSERT_EQ(ESRCH, errno);
	ASSERT_FALSE(listed(self->fd, si.si_pid));

	/* the survivor counted exactly all along */
	ASSERT_EQ(0, kill(self->survivor, SIGUSR1));
	ASSERT_EQ(self->survivor, waitpid(self->survivor, &status, 0));
	self->survivor = -1;
	fl_kmsg("faultlat-selftest: expected OOM end\n");
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("the survivor: status %#x, step %d: %s", status,
		       self->res->step, strerror(self->res->err));
	FL_INFO("survivor: %lu rounds of %d pages during the OOM\n",
		self->res->rounds, SURVIVOR_PAGES);
	fl_check_delta(_metadata, "survivor", &self->res->s0, &self->res->s1);

	/*
	 * Both children's records go, each an RCU grace period after its
	 * reaping (the survivor's just now): wait for them as above.
	 */
	for (i = 0; i < 300; i++) {
		ASSERT_EQ(0, fl_info(self->fd, &i1));
		if (i1.used_tasks <= i0.used_tasks)
			break;
		usleep(10000);
	}
	FL_INFO("table use %u -> %u of %u (%d ms after the survivor's reaping)\n",
		i0.used_tasks, i1.used_tasks, i1.max_tasks, i * 10);
	ASSERT_GE(i0.used_tasks, i1.used_tasks);
}

TEST_HARNESS_MAIN
