// SPDX-License-Identifier: GPL-2.0
/*
 * Thread churn: many short-lived threads, each taking a few faults, in
 * waves of FAULTLAT_CHURN_WAVE at a time, while a reader lists every
 * process and reads the global totals.  Every thread is a new record in
 * faultlat's task table (created at its first fault, folded into its
 * process's at its exit), so this is the table's insert and fold paths
 * back to back.
 *
 * What it checks, against the kernel's own accounting:
 *  - each thread's faults, from faultlat's thread view, equal its
 *    getrusage(RUSAGE_THREAD) minflt and majflt (read by the thread
 *    itself, just before it exits);
 *  - the process's, over the whole run, its getrusage(RUSAGE_SELF);
 *  - the global totals, /proc/vmstat's pgfault over a wave (retried
 *    when another process faulted in the gaps, as counts_test does);
 *  - the reader was never starved: it completed reads during the run;
 *  - the cost per thread does not grow with the number of threads alive
 *    at once: with eight times as many, the per-thread time stays within
 *    CHURN_SLOWDOWN times (a lock all first faults and exits take, which
 *    more threads at once contend for, would make it grow); the first
 *    and last rounds' times are printed, for a cost that grows with the
 *    table's history (wall-clock on a shared host is too noisy to judge
 *    that here: make bench measures it in instructions).
 *
 *   FAULTLAT_CHURN_THREADS   threads in all (default 8192: twice the
 *                            default max_tasks)
 *   FAULTLAT_CHURN_WAVE      threads alive at once (default 32)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"

#define CHURN_PAGES	4
#define CHURN_SLOWDOWN	3
#define CHURN_TRIES	5
#define CHURN_ROUNDS	4
#define LIST_CAP	1024

struct churn {
	int fd;
	atomic_ulong threads;		/* threads that checked themselves */
	atomic_ulong mismatch;		/* faultlat vs RUSAGE_THREAD */
	atomic_ulong errors;		/* an ioctl or getrusage failed */
	atomic_int described;
	char why[256];
	atomic_int stop;
	atomic_ulong reads;		/* the reader's completed rounds */
	atomic_ulong read_errors;
};

static void churn_bad(struct churn *c, atomic_ulong *ctr, const char *fmt,
		      ...)
{
	va_list ap;

	atomic_fetch_add(ctr, 1);
	if (atomic_exchange(&c->described, 1))
		return;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

/* One short-lived thread: fault, then compare faultlat with getrusage. */
static void *churn_thread(void *arg)
{
	struct churn *c = arg;
	struct fl_snap s;
	pid_t tid = fl_gettid();
	void *mem;

	fl_prefault(&s, sizeof(s));
	mem = fl_map_anon(CHURN_PAGES);
	if (!mem) {
		churn_bad(c, &c->errors, "mmap: %s", strerror(errno));
		return NULL;
	}
	fl_touch_write(mem, CHURN_PAGES);
	fl_unmap(mem, CHURN_PAGES);
	if (fl_snap_after(c->fd, RUSAGE_THREAD, tid, false, &s)) {
		churn_bad(c, &c->errors, "thread %d: %s", tid, strerror(errno));
		return NULL;
	}
	/* the thread began after the load: its whole life is in both */
	if (s.ru.minflt != s.t.stats.minor.count ||
	    s.ru.majflt != s.t.stats.major.count ||
	    s.t.stats.minor.count < CHURN_PAGES)
		churn_bad(c, &c->mismatch,
			  "thread %d: getrusage minflt %llu majflt %llu, faultlat minor %llu major %llu",
			  tid, (unsigned long long)s.ru.minflt,
			  (unsigned long long)s.ru.majflt,
			  (unsigned long long)s.t.stats.minor.count,
			  (unsigned long long)s.t.stats.major.count);
	atomic_fetch_add(&c->threads, 1);
	return NULL;
}

/* Lists every process and reads the global totals until told to stop. */
static void *churn_reader(void *arg)
{
	static struct faultlat_task_entry e[LIST_CAP];
	struct churn *c = arg;
	struct faultlat_global g;
	__u32 nr, total;

	while (!atomic_load(&c->stop)) {
		if (fl_list(c->fd, FAULTLAT_TASK_PROCESS, e, LIST_CAP, &nr,
			    &total) ||
		    fl_global(c->fd, &g)) {
			churn_bad(c, &c->read_errors, "reader: %s",
				  strerror(errno));
			break;
		}
		atomic_fetch_add(&c->reads, 1);
	}
	return NULL;
}

static __u64 fl_min(__u64 a, __u64 b)
{
	return a < b ? a : b;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* One wave: @n threads at once, all joined.  Its time, or 0 on error. */
static __u64 churn_wave(struct churn *c, pthread_t *th, unsigned long n)
{
	__u64 t0 = now_ns();
	unsigned long i, made;

	for (made = 0; made < n; made++)
		if (pthread_create(&th[made], NULL, churn_thread, c))
			break;
	for (i = 0; i < made; i++)
		pthread_join(th[i], NULL);
	return made == n ? now_ns() - t0 : 0;
}

/* what /proc/vmstat's pgfault counts on this kernel (counts_test) */
static __u64 global_pgfault(const struct faultlat_global *a,
			    const struct faultlat_global *b)
{
	if (fl_pgfault_counts_retries())
		return b->stats.calls - a->stats.calls;
	return b->stats.minor.count - a->stats.minor.count +
	       b->stats.major.count - a->stats.major.count +
	       b->stats.errors - a->stats.errors;
}

FIXTURE(churn) {
	struct churn *c;
	int vmstat;
};

FIXTURE_SETUP(churn)
{
	if (access("/dev/faultlat", F_OK))
		SKIP(return, "/dev/faultlat: faultlat is not loaded");
	self->c = calloc(1, sizeof(*self->c));
	ASSERT_NE(NULL, self->c);
	self->c->fd = fl_open();
	ASSERT_LE(0, self->c->fd) TH_LOG("open: %s", strerror(errno));
	self->vmstat = fl_vmstat_open();
	ASSERT_LE(0, self->vmstat);
	ASSERT_EQ(0, fl_no_thp());
}

FIXTURE_TEARDOWN(churn)
{
	if (!self->c)
		return;
	close(self->vmstat);
	close(self->c->fd);
	free(self->c);
}

/* Per-thread time of @nwaves waves of @wave threads, into @wt (ns each). */
static int churn_timed(struct churn *c, pthread_t *th, unsigned long wave,
		       unsigned long nwaves, __u64 *wt)
{
	unsigned long w;

	for (w = 0; w < nwaves; w++) {
		wt[w] = churn_wave(c, th, wave);
		if (!wt[w])
			return -1;
		wt[w] /= wave;
	}
	return 0;
}

static __u64 mean(const __u64 *v, unsigned long n)
{
	__u64 sum = 0;
	unsigned long i;

	for (i = 0; i < n; i++)
		sum += v[i];
	return sum / n;
}

TEST_F_TIMEOUT(churn, threads, 2400)
{
	unsigned long total = fl_env_ul("FAULTLAT_CHURN_THREADS", 8192);
	unsigned long wave = fl_env_ul("FAULTLAT_CHURN_WAVE", 32);
	static char vm0[FL_VMSTAT_BUF], vm1[FL_VMSTAT_BUF];
	unsigned long nwaves, quarter, big, nbig, made = 0, reads, w;
	__u64 first = 0, last, small_t = ~0ULL, big_t = ~0ULL, pg0, pg1, *wt;
	struct faultlat_global g0, g1, gs, ge;
	struct churn *c = self->c;
	struct faultlat_info info;
	struct fl_snap p0, p1;
	pthread_t *th, reader;
	bool exact = false;
	int try;

	ASSERT_LE(1, wave);
	nwaves = total / wave;
	ASSERT_LE(8 * CHURN_ROUNDS, nwaves)
		TH_LOG("FAULTLAT_CHURN_THREADS: at least %d waves",
		       8 * CHURN_ROUNDS);
	quarter = nwaves / 4;
	big = 8 * wave;
	nbig = nwaves / 8;
	th = calloc(big, sizeof(*th));
	wt = calloc(nwaves, sizeof(*wt));
	ASSERT_TRUE(th && wt);
	fl_prefault(vm0, sizeof(vm0));
	fl_prefault(vm1, sizeof(vm1));

	ASSERT_EQ(0, fl_global(c->fd, &gs));
	ASSERT_EQ(0, fl_snap_before(c->fd, RUSAGE_SELF, getpid(), true, &p0))
		TH_LOG("process view: %s", strerror(errno));

	/*
	 * 1: the cost per thread with WAVE and with 8 * WAVE threads alive
	 * at once, in turns (a change in the host's load falls on both),
	 * the best round of each.
	 */
	for (w = 0; w < CHURN_ROUNDS; w++) {
		ASSERT_EQ(0, churn_timed(c, th, wave, nwaves / CHURN_ROUNDS,
					 wt));
		small_t = fl_min(small_t, mean(wt, nwaves / CHURN_ROUNDS));
		if (!w)
			first = small_t;
		made += nwaves / CHURN_ROUNDS * wave;
		ASSERT_EQ(0, churn_timed(c, th, big, nbig / CHURN_ROUNDS, wt));
		big_t = fl_min(big_t, mean(wt, nbig / CHURN_ROUNDS));
		made += nbig / CHURN_ROUNDS * big;
	}
	last = mean(wt, nbig / CHURN_ROUNDS);

	/* 3: a reader listing every process and reading the totals */
	ASSERT_EQ(0, pthread_create(&reader, NULL, churn_reader, c));
	ASSERT_EQ(0, churn_timed(c, th, wave, quarter, wt));
	made += quarter * wave;
	atomic_store(&c->stop, 1);
	pthread_join(reader, NULL);
	reads = atomic_load(&c->reads);

	/*
	 * 4: the global totals over one more wave, bracketed by
	 * /proc/vmstat; another process faulting in the gaps makes pgfault
	 * larger: try again.
	 */
	for (try = 1; try <= CHURN_TRIES && !exact; try++) {
		ASSERT_EQ(0, fl_vmstat_read(self->vmstat, vm0, sizeof(vm0)));
		ASSERT_EQ(0, fl_global(c->fd, &g0));
		ASSERT_NE(0, churn_wave(c, th, wave));
		ASSERT_EQ(0, fl_global(c->fd, &g1));
		ASSERT_EQ(0, fl_vmstat_read(self->vmstat, vm1, sizeof(vm1)));
		ASSERT_EQ(0, fl_vmstat_get(vm0, "pgfault", &pg0));
		ASSERT_EQ(0, fl_vmstat_get(vm1, "pgfault", &pg1));
		FL_INFO("global, try %d: pgfault +%llu faultlat +%llu\n", try,
			(unsigned long long)(pg1 - pg0),
			(unsigned long long)global_pgfault(&g0, &g1));
		exact = pg1 - pg0 == global_pgfault(&g0, &g1);
		made += wave;
	}
	ASSERT_EQ(0, fl_snap_after(c->fd, RUSAGE_SELF, getpid(), true, &p1))
		TH_LOG("process view: %s", strerror(errno));
	ASSERT_EQ(0, fl_global(c->fd, &ge));
	ASSERT_EQ(0, fl_info(c->fd, &info));

	FL_INFO("%lu threads; table: %u of %u records used\n",
		atomic_load(&c->threads), info.used_tasks, info.max_tasks);
	FL_INFO("per thread, %lu alive: %llu ns (first round %llu ns)\n",
		wave, (unsigned long long)small_t,
		(unsigned long long)first);
	FL_INFO("per thread, %lu alive: %llu ns (last round %llu ns)\n", big,
		(unsigned long long)big_t, (unsigned long long)last);
	FL_INFO("reader: %lu rounds during %lu waves\n", reads, quarter);

	ASSERT_EQ(0, atomic_load(&c->errors)) TH_LOG("%s", c->why);
	ASSERT_EQ(0, atomic_load(&c->read_errors)) TH_LOG("%s", c->why);
	ASSERT_EQ(0, atomic_load(&c->mismatch))
		TH_LOG("%lu threads disagree; first: %s",
		       atomic_load(&c->mismatch), c->why);
	ASSERT_EQ(made, atomic_load(&c->threads));
	/* no thread's fault went uncounted for want of a record */
	ASSERT_EQ(ge.dropped, gs.dropped);
	fl_check_delta(_metadata, "process over the churn", &p0, &p1);
	ASSERT_TRUE(exact)
		TH_LOG("/proc/vmstat pgfault vs GLOBAL over a wave");
	ASSERT_LE(quarter, reads) TH_LOG("the reader was starved");
	ASSERT_LE(big_t, CHURN_SLOWDOWN * small_t)
		TH_LOG("per-thread cost grew with the threads alive at once");
	free(wt);
	free(th);
}

/*
 * Listing processes costs what the records listed do: per process, about
 * what one process's own view costs, however many records the table
 * holds besides.  LIST_PROCS children each fault and wait; a listing of
 * every process is timed against as many FAULTLAT_TASK calls for one
 * child's thread (the same ioctl path and copy of one record; a listed
 * process adds its one thread's).  A listing that walked the whole table
 * for each process it lists costs max_tasks record visits per entry.
 */
#define LIST_PROCS	512
#define LIST_ROUNDS	5
#define LIST_SLOWDOWN	4

TEST_F_TIMEOUT(churn, list_processes, 1200)
{
	static struct faultlat_task_entry e[LIST_CAP];
	int ready[2], hold[2], i, nproc = 0, r;
	__u64 t0, list_ns = ~0ULL, view_ns = ~0ULL;
	struct faultlat_task t;
	__u32 nr, total;
	pid_t pid[LIST_PROCS];
	char c;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(hold));
	for (i = 0; i < LIST_PROCS; i++) {
		pid[i] = fork();
		if (!pid[i]) {
			void *m = fl_map_anon(1);

			if (m)
				fl_touch_write(m, 1);
			close(hold[1]);
			if (write(ready[1], "r", 1) != 1)
				_exit(1);
			/* until the parent closes its end */
			while (read(hold[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		if (pid[i] < 0)
			break;
		nproc++;
	}
	close(hold[0]);
	close(ready[1]);
	for (i = 0; i < nproc; i++)
		if (read(ready[0], &c, 1) != 1)
			break;
	close(ready[0]);
	fl_prefault(e, sizeof(e));

	for (r = 0; r < LIST_ROUNDS && i == nproc; r++) {
		int k;

		t0 = now_ns();
		if (fl_list(self->c->fd, FAULTLAT_TASK_PROCESS, e, LIST_CAP,
			    &nr, &total))
			break;
		list_ns = fl_min(list_ns, now_ns() - t0);
		t0 = now_ns();
		for (k = 0; k < (int)nr; k++)
			if (fl_task(self->c->fd, pid[0], false, &t))
				break;
		view_ns = fl_min(view_ns, now_ns() - t0);
	}
	close(hold[1]);
	for (i = 0; i < nproc; i++)
		waitpid(pid[i], NULL, 0);

	ASSERT_EQ(LIST_PROCS, nproc) TH_LOG("fork: %s", strerror(errno));
	ASSERT_EQ(LIST_ROUNDS, r) TH_LOG("list or view: %s", strerror(errno));
	ASSERT_LE(LIST_PROCS, nr) TH_LOG("listed %u processes", nr);
	FL_INFO("%u processes listed in %llu ns (%llu each)\n", nr,
		(unsigned long long)list_ns,
		(unsigned long long)(list_ns / nr));
	FL_INFO("%u thread views in %llu ns (%llu each)\n", nr,
		(unsigned long long)view_ns,
		(unsigned long long)(view_ns / nr));
	ASSERT_LE(list_ns, LIST_SLOWDOWN * view_ns)
		TH_LOG("a listed process costs more than %d thread views",
		       LIST_SLOWDOWN);
}

TEST_HARNESS_MAIN
