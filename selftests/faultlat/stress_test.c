// SPDX-License-Identifier: GPL-2.0
/*
 * Stress: faultlat unloaded and loaded 200 times while processes fault and
 * a reader polls every interface; 10,000 short-lived threads through a
 * 64-record task table; four readers hammering every interface while
 * faults and TLB flushes run.  Each bounded in time (see the FAULTLAT_*
 * variables below), each leaving the module loaded with its defaults.
 *
 *   FAULTLAT_STRESS_CYCLES    load/unload cycles (default 200)
 *   FAULTLAT_STRESS_BUDGET    seconds they may take (default 2100): all
 *                             of them must fit, unless this is set, when
 *                             as many as fit will do (at least 20)
 *   FAULTLAT_STRESS_THREADS   short-lived threads (default 10000)
 *   FAULTLAT_STRESS_SECS      concurrent readers' run time (default 10)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"

#define CHURN_PAGES	64
#define NR_CHURN	2
#define NR_LIST		64
#define NR_CPUS_MAX	64
#define DEBUGFS		"/sys/kernel/debug/faultlat"
#define KPROBES_LIST	"/sys/kernel/debug/kprobes/list"
#define TXT_MAX		(1024 * 1024)

static const char * const dbg_files[] = {
	DEBUGFS "/summary", DEBUGFS "/tasks", DEBUGFS "/histograms",
	DEBUGFS "/tlb",
};

#define NR_DBG	(ARRAY_SIZE(dbg_files))

/* What readers saw, in shared memory: counters only, judged afterwards. */
struct seen {
	atomic_int stop;
	atomic_ulong rounds;		/* reader loop iterations */
	atomic_ulong snapshots;		/* histograms checked */
	atomic_ulong ioctl_ok;
	atomic_ulong dbg_ok;		/* debugfs files read whole */
	atomic_ulong gone;		/* ENOENT/ENODEV/ENXIO: unloaded */
	atomic_ulong esrch;		/* a task not (yet) tracked */
	atomic_ulong bad;		/* any other error */
	atomic_ulong torn;		/* inconsistent histogram */
	atomic_int unloading;		/* delete_module() under way */
	atomic_int dbg_opening;		/* debugfs open() calls under way */
	atomic_ulong dbg_held;		/* debugfs opens held off meanwhile */
	atomic_int described[2];
	char why[2][256];		/* the first torn one, the first bad one */
};

/* Count a problem in @ctr (torn or bad); describe the first of each kind. */
static void seen_bad(struct seen *s, atomic_ulong *ctr, const char *fmt, ...)
{
	va_list ap;

	int i = ctr == &s->bad;

	atomic_fetch_add(ctr, 1);
	if (atomic_exchange(&s->described[i], 1))
		return;
	va_start(ap, fmt);
	vsnprintf(s->why[i], sizeof(s->why[i]), fmt, ap);
	va_end(ap);
}

static void check_hist(struct seen *s, const char *what,
		       const struct faultlat_hist *h)
{
	const char *why = fl_hist_torn(h);

	atomic_fetch_add(&s->snapshots, 1);
	if (why)
		seen_bad(s, &s->torn, "%s: %s", what, why);
}

static void check_stats(struct seen *s, const char *what,
			const struct faultlat_stats *st)
{
	char name[64];

	snprintf(name, sizeof(name), "%s minor", what);
	check_hist(s, name, &st->minor);
	snprintf(name, sizeof(name), "%s major", what);
	check_hist(s, name, &st->major);
}

/* An ioctl's outcome: 0 when it succeeded and its output may be checked. */
static int ioctl_result(struct seen *s, const char *what, int ret)
{
	if (!ret) {
		atomic_fetch_add(&s->ioctl_ok, 1);
		return 0;
	}
	if (errno == ESRCH)
		atomic_fetch_add(&s->esrch, 1);
	else
		seen_bad(s, &s->bad, "%s: %s", what, strerror(errno));
	return -1;
}

/*
 * What one seqcount section of the module writes together must agree in a
 * snapshot: a flush is counted in the histogram, in full or ranged and in
 * remote or local_only at once; an IPI call in the ipi histogram and in
 * ipis; a remote flush_tlb_func() run in received and received_remote.
 */
static void check_tlb_stats(struct seen *s, const char *what,
			    const struct faultlat_tlb_stats *st)
{
	atomic_fetch_add(&s->snapshots, 1);
	if (st->full + st->ranged != st->flush.count)
		seen_bad(s, &s->torn, "%s: full %llu + ranged %llu != count %llu",
			 what, (unsigned long long)st->full,
			 (unsigned long long)st->ranged,
			 (unsigned long long)st->flush.count);
	else if (st->remote + st->local_only != st->flush.count)
		seen_bad(s, &s->torn,
			 "%s: remote %llu + local_only %llu != count %llu",
			 what, (unsigned long long)st->remote,
			 (unsigned long long)st->local_only,
			 (unsigned long long)st->flush.count);
}

static void check_tlb_global(struct seen *s, const struct faultlat_tlb_global *g,
			     const struct faultlat_tlb_cpu *cpus, unsigned int n)
{
	unsigned int i;

	check_hist(s, "TLB_GLOBAL flush", &g->stats.flush);
	check_hist(s, "TLB_GLOBAL ipi", &g->ipi);
	check_hist(s, "TLB_GLOBAL received", &g->received);
	check_tlb_stats(s, "TLB_GLOBAL", &g->stats);
	if (g->ipi.count != g->stats.ipis)
		seen_bad(s, &s->torn, "TLB_GLOBAL: ipi count %llu != ipis %llu",
			 (unsigned long long)g->ipi.count,
			 (unsigned long long)g->stats.ipis);
	if (g->received.count != g->received_remote)
		seen_bad(s, &s->torn,
			 "TLB_GLOBAL: received count %llu != received_remote %llu",
			 (unsigned long long)g->received.count,
			 (unsigned long long)g->received_remote);
	for (i = 0; i < FAULTLAT_TLB_NR_REASONS; i++)
		if (g->reason_full[i] > g->reasons[i])
			seen_bad(s, &s->torn,
				 "TLB_GLOBAL: reason %u: full %llu > events %llu",
				 i, (unsigned long long)g->reason_full[i],
				 (unsigned long long)g->reasons[i]);
	for (i = 0; i < n; i++) {
		check_hist(s, "TLB_GLOBAL cpu received", &cpus[i].received);
		if (cpus[i].received.count != cpus[i].received_remote)
			seen_bad(s, &s->torn,
				 "TLB_GLOBAL: cpu %u: received count %llu != received_remote %llu",
				 cpus[i].cpu,
				 (unsigned long long)cpus[i].received.count,
				 (unsigned long long)cpus[i].received_remote);
	}
}

/*
 * Parse debugfs's text histograms ("NAME: count N sum_ns ..." followed by
 * "LO -> HI: COUNT |***|" lines): every block's buckets add up to its
 * count.
 */
static void check_text_hists(struct seen *s, const char *path, char *txt)
{
	unsigned long long count = 0, sum = 0, lo, hi, c;
	char *line, *save = NULL, name[64];
	bool in = false;

	for (line = strtok_r(txt, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%llu -> %llu : %llu", &lo, &hi, &c) == 3) {
			sum += c;
			continue;
		}
		if (strstr(line, "nsecs"))	/* the buckets' heading */
			continue;
		if (in) {
			atomic_fetch_add(&s->snapshots, 1);
			if (sum != count && count)
				seen_bad(s, &s->torn, "%s: %s", path,
					 "text histogram: buckets do not add up to its count");
			in = false;
		}
		if (sscanf(line, "%63[^:]: count %llu", name, &count) == 2) {
			in = true;
			sum = 0;
		}
	}
	if (in && count && sum != count)
		seen_bad(s, &s->torn, "%s: %s", path,
			 "text histogram: buckets do not add up to its count");
}

/* Read a debugfs file whole; a file gone with the module is no error. */
static void read_dbg(struct seen *s, const char *path, char *buf)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	/*
	 * Not during delete_module(): 6.1 drops the module's reference count
	 * to zero before it marks the module going (and puts it back when
	 * the module is in use), and a debugfs open() in between makes
	 * debugfs WARN "debugfs file owner did not clean up at exit": a
	 * kernel race any reader of any module's debugfs files can hit, not
	 * faultlat's.  The device's open() has no such warning: the reader's
	 * ioctls go on.  (Dekker: unload_quiet() sets unloading, then waits
	 * for dbg_opening to drain.)
	 */
	atomic_fetch_add(&s->dbg_opening, 1);
	if (atomic_load(&s->unloading)) {
		atomic_fetch_sub(&s->dbg_opening, 1);
		atomic_fetch_add(&s->dbg_held, 1);
		return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	atomic_fetch_sub(&s->dbg_opening, 1);
	if (fd < 0) {
		/* ENXIO: opened while the module is going (debugfs) */
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			atomic_fetch_add(&s->gone, 1);
		else
			seen_bad(s, &s->bad, "open %s: %s", path,
				 strerror(errno));
		return;
	}
	while (len < TXT_MAX - 1 &&
	       (n = read(fd, buf + len, TXT_MAX - 1 - len)) > 0)
		len += n;
	if (n < 0) {
		seen_bad(s, &s->bad, "read %s: %s", path,
			 strerror(errno));
		close(fd);
		return;
	}
	close(fd);
	buf[len] = '\0';
	if (!len || buf[len - 1] != '\n') {
		seen_bad(s, &s->bad, "%s: %s", path,
			 "empty or not ending with a newline");
		return;
	}
	atomic_fetch_add(&s->dbg_ok, 1);
	check_text_hists(s, path, buf);
}

struct reader_bufs {
	struct faultlat_info info;
	struct faultlat_global g;
	struct faultlat_task t;
	struct faultlat_tlb_global tg;
	struct faultlat_tlb_task tt;
	struct faultlat_config cfg;
	struct faultlat_tlb_cpu cpus[NR_CPUS_MAX];
	struct faultlat_task_entry list[NR_LIST];
	char txt[TXT_MAX];
};

/*
 * One round of a reader: every ioctl a reader may call, then every debugfs
 * file.  @victim is a process whose records are read (0: the caller's).
 */
static void read_round(struct seen *s, struct reader_bufs *b, pid_t victim)
{
	__u32 nr, total;
	unsigned int i;
	int fd;

	fd = fl_open();
	if (fd < 0) {
		if (errno == ENOENT || errno == ENODEV)
			atomic_fetch_add(&s->gone, 1);
		else
			seen_bad(s, &s->bad, "open %s: %s",
				 FAULTLAT_DEVICE, strerror(errno));
		goto dbg;
	}
	if (!ioctl_result(s, "INFO", fl_info(fd, &b->info)) &&
	    (b->info.abi_version != FAULTLAT_ABI_VERSION ||
	     b->info.nr_buckets != FAULTLAT_NR_BUCKETS ||
	     b->info.used_tasks > b->info.max_tasks))
		seen_bad(s, &s->bad, "%s: %s", "INFO",
			 "abi_version, nr_buckets or used_tasks wrong");
	if (!ioctl_result(s, "GLOBAL", fl_global(fd, &b->g)))
		check_stats(s, "GLOBAL", &b->g.stats);
	if (!victim)
		victim = getpid();
	if (!ioctl_result(s, "TASK", fl_task(fd, victim, true, &b->t)))
		check_stats(s, "TASK", &b->t.stats);
	if (!ioctl_result(s, "LIST", fl_list(fd, 0, b->list, NR_LIST, &nr,
					     &total)) &&
	    nr > NR_LIST)
		seen_bad(s, &s->bad, "%s: %s", "LIST",
			 "more entries than room");

	memset(&b->tg, 0, sizeof(b->tg));
	b->tg.size = sizeof(b->tg);
	b->tg.cpu_size = sizeof(b->cpus[0]);
	b->tg.nr_cpus = NR_CPUS_MAX;
	b->tg.cpus = (__u64)(unsigned long)b->cpus;
	if (!ioctl_result(s, "TLB_GLOBAL",
			  ioctl(fd, FAULTLAT_IOC_TLB_GLOBAL, &b->tg)))
		check_tlb_global(s, &b->tg, b->cpus,
				 b->tg.nr_cpus < NR_CPUS_MAX ? b->tg.nr_cpus :
				 NR_CPUS_MAX);
	memset(&b->tt, 0, sizeof(b->tt));
	b->tt.size = sizeof(b->tt);
	b->tt.flags = FAULTLAT_TASK_PROCESS;
	b->tt.id = victim;
	if (!ioctl_result(s, "TLB_TASK",
			  ioctl(fd, FAULTLAT_IOC_TLB_TASK, &b->tt))) {
		check_hist(s, "TLB_TASK flush", &b->tt.stats.flush);
		check_tlb_stats(s, "TLB_TASK", &b->tt.stats);
	}
	memset(&b->cfg, 0, sizeof(b->cfg));
	b->cfg.size = sizeof(b->cfg);
	ioctl_result(s, "CONFIG", ioctl(fd, FAULTLAT_IOC_CONFIG, &b->cfg));
	close(fd);
dbg:
	for (i = 0; i < NR_DBG; i++)
		read_dbg(s, dbg_files[i], b->txt);
	atomic_fetch_add(&s->rounds, 1);
}

/* map, touch, unmap, forever: faults, and TLB flushes of the mm */
static void *churn_loop(void *arg)
{
	(void)arg;
	for (;;) {
		void *p = fl_map_anon(CHURN_PAGES);

		if (!p)
			_exit(1);
		fl_touch_write(p, CHURN_PAGES);
		fl_unmap(p, CHURN_PAGES);
	}
	return NULL;
}

/*
 * Two threads of one mm: on two CPUs, each munmap() flushes the other's
 * TLB too (IPIs), so the TLB probes' remote paths run as well.
 */
static noreturn void churn(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, churn_loop, NULL))
		_exit(1);
	churn_loop(NULL);
	_exit(1);
}

/* fl_mod_unload() with no debugfs open() under way meanwhile (read_dbg()) */
static int unload_quiet(struct seen *s)
{
	int ret;

	atomic_store(&s->unloading, 1);
	while (atomic_load(&s->dbg_opening))
		usleep(100);
	ret = fl_mod_unload();
	atomic_store(&s->unloading, 0);
	return ret;
}

static noreturn void reader_proc(struct seen *s, pid_t victim,
				 useconds_t pause)
{
	struct reader_bufs *b = malloc(sizeof(*b));

	if (!b)
		_exit(1);
	while (!atomic_load(&s->stop)) {
		read_round(s, b, victim);
		if (pause)
			usleep(pause);
	}
	_exit(0);
}

static pid_t spawn_churn(void)
{
	pid_t pid = fork();

	if (pid == 0)
		churn();
	return pid;
}

static void reap(pid_t *pids, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (pids[i] <= 0)
			continue;
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
		pids[i] = -1;
	}
}

static bool kprobes_of_ours(void)
{
	char line[512];
	bool hit = false;
	FILE *f;

	f = fopen(KPROBES_LIST, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "handle_mm_fault") ||
		    strstr(line, "[" FL_MODNAME "]"))
			hit = true;
	fclose(f);
	return hit;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* What the kernel holds that a leaking module would grow, in KiB. */
struct mem {
	__u64 vmalloc, percpu, sunreclaim;
};

static int mem_read(struct mem *m)
{
	if (fl_system("echo 3 > /proc/sys/vm/drop_caches"))
		return -1;
	usleep(200000);		/* RCU-freed objects */
	if (fl_meminfo("VmallocUsed", &m->vmalloc) ||
	    fl_meminfo("Percpu", &m->percpu) ||
	    fl_meminfo("SUnreclaim", &m->sunreclaim))
		return -1;
	return 0;
}

static void *shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

FIXTURE(stress) {
	int kofd, fd;
	pid_t procs[NR_CHURN + 4];
	struct seen *seen;
};

FIXTURE_SETUP(stress)
{
	int i;

	self->fd = -1;
	for (i = 0; i < NR_CHURN + 4; i++)
		self->procs[i] = -1;
	self->kofd = fl_mod_open_ko();
	if (self->kofd < 0)
		SKIP(longjmp(_metadata->env, 1), "FAULTLAT_KO: %s",
		     strerror(errno));
	self->seen = shared(sizeof(*self->seen));
	ASSERT_NE(NULL, self->seen);
	ASSERT_EQ(0, fl_no_thp());
}

FIXTURE_TEARDOWN(stress)
{
	if (self->seen)
		atomic_store(&self->seen->stop, 1);
	reap(self->procs, NR_CHURN + 4);
	if (self->fd >= 0)
		close(self->fd);
	/* leave the module loaded, with its defaults, for what follows */
	if (self->kofd >= 0) {
		if (fl_mod_loaded() && fl_mod_unload())
			TH_LOG("unload: %s", strerror(errno));
		if (fl_mod_load(self->kofd, ""))
			TH_LOG("load: %s", strerror(errno));
		close(self->kofd);
	}
	if (self->seen)
		munmap(self->seen, sizeof(*self->seen));
}

static void report_seen(struct __test_metadata *_metadata, struct seen *s)
{
	FL_INFO("readers: %lu rounds: ok %lu ioctls, %lu debugfs reads (%lu held off)\n",
		atomic_load(&s->rounds), atomic_load(&s->ioctl_ok),
		atomic_load(&s->dbg_ok), atomic_load(&s->dbg_held));
	FL_INFO("readers: %lu histograms checked, %lu torn; %lu ESRCH, %lu gone, %lu bad\n",
		atomic_load(&s->snapshots), atomic_load(&s->torn),
		atomic_load(&s->esrch), atomic_load(&s->gone),
		atomic_load(&s->bad));
	ASSERT_EQ(0, atomic_load(&s->torn)) TH_LOG("first: %s", s->why[0]);
	ASSERT_EQ(0, atomic_load(&s->bad)) TH_LOG("first: %s", s->why[1]);
	ASSERT_LT(0, atomic_load(&s->snapshots));
}

/*
 * Issue 8, stress 1: unload under load.  Two processes of two threads
 * each fault (and flush their TLBs) without a pause and a reader polls the
 * ioctls and debugfs while the module is unloaded and loaded again,
 * FAULTLAT_STRESS_CYCLES times.  Every load and unload succeeds, every
 * unload leaves nothing, the reader sees valid data or ENOENT/ENODEV, and
 * after the last unload neither the device, the debugfs directory, a
 * kprobe nor memory (vmalloc, per-CPU, unreclaimable slab) is left.
 *
 * The budget is a safety net: all the cycles must fit in it (PREEMPT_RT,
 * the slowest, takes about 5 s a cycle under TCG, most of it in RCU-tasks
 * grace periods at unload), unless FAULTLAT_STRESS_BUDGET is set, when as
 * many as fit will do, at least 20.
 */
#define STRESS_BUDGET	2100
TEST_F_TIMEOUT(stress, unload_under_load, STRESS_BUDGET + 300)
{
	unsigned long cycles = fl_env_ul("FAULTLAT_STRESS_CYCLES", 200);
	unsigned long budget = fl_env_ul("FAULTLAT_STRESS_BUDGET", STRESS_BUDGET);
	bool budget_set = getenv("FAULTLAT_STRESS_BUDGET");
	double t0, t, t_unload = 0, t_load = 0;
	double t_load_notlb = 0;
	struct mem m0, m1;
	unsigned long i;
	int status;

	/* as reload_test's other-CPU cases: the faults run on any CPU */
	if (!getenv("FAULTLAT_RELOAD_PARALLEL"))
		SKIP(return,
		     "set FAULTLAT_RELOAD_PARALLEL=1 (and run-guest.sh --single-thread): kretprobe (un)registration under parallel faults oopses 6.1 under MTTCG");
	if (fl_mod_loaded())
		ASSERT_EQ(0, fl_mod_unload()) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, mem_read(&m0)) TH_LOG("meminfo: %s", strerror(errno));
	ASSERT_EQ(0, fl_mod_load(self->kofd, "")) TH_LOG("%s", strerror(errno));

	for (i = 0; i < NR_CHURN; i++) {
		self->procs[i] = spawn_churn();
		ASSERT_LT(0, self->procs[i]);
	}
	self->procs[NR_CHURN] = fork();
	ASSERT_LE(0, self->procs[NR_CHURN]);
	if (self->procs[NR_CHURN] == 0)
		reader_proc(self->seen, self->procs[0], 2000);

	t0 = now_s();
	for (i = 1; i <= cycles; i++) {
		t = now_s();
		if (t - t0 > budget) {
			FL_INFO("time budget of %lu s spent after %lu of %lu cycles\n",
				budget, i - 1, cycles);
			/* FAULTLAT_STRESS_BUDGET: as many as fit will do */
			ASSERT_TRUE(budget_set)
				TH_LOG("only %lu of %lu cycles in %lu s", i - 1,
				       cycles, budget);
			ASSERT_LT(20, i) TH_LOG("fewer than 20 cycles");
			break;
		}
		ASSERT_EQ(0, unload_quiet(self->seen))
			TH_LOG("cycle %lu: delete_module: %s", i,
			       strerror(errno));
		ASSERT_FALSE(fl_mod_loaded()) TH_LOG("cycle %lu", i);
		ASSERT_NE(0, access(FAULTLAT_DEVICE, F_OK))
			TH_LOG("cycle %lu: %s left", i, FAULTLAT_DEVICE);
		ASSERT_NE(0, access(DEBUGFS, F_OK))
			TH_LOG("cycle %lu: %s left", i, DEBUGFS);
		t_unload += now_s() - t;
		usleep(5000);
		t = now_s();
		ASSERT_EQ(0, fl_mod_load(self->kofd, i % 4 ? "tlb=0" : ""))
			TH_LOG("cycle %lu: finit_module: %s", i,
			       strerror(errno));
		t_load += now_s() - t;
		if (i % 4)
			t_load_notlb += now_s() - t;
		ASSERT_EQ(0, waitpid(-1, &status, WNOHANG))
			TH_LOG("cycle %lu: a workload or the reader died", i);
		usleep(5000);
	}
	FL_INFO("%lu load/unload cycles under 2 faulting processes and a reader\n",
		i - 1);
	FL_INFO("%.1f s: unloads %.1f s, loads %.1f s (tlb=0 ones %.1f s)\n",
		now_s() - t0, t_unload, t_load, t_load_notlb);
	atomic_store(&self->seen->stop, 1);
	ASSERT_EQ(self->procs[NR_CHURN],
		  waitpid(self->procs[NR_CHURN], &status, 0));
	self->procs[NR_CHURN] = -1;
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	reap(self->procs, NR_CHURN);

	ASSERT_EQ(0, fl_mod_unload()) TH_LOG("%s", strerror(errno));
	ASSERT_FALSE(fl_mod_loaded());
	ASSERT_NE(0, access(FAULTLAT_DEVICE, F_OK));
	ASSERT_NE(0, access(DEBUGFS, F_OK));
	if (!access(KPROBES_LIST, R_OK))
		ASSERT_FALSE(kprobes_of_ours())
			TH_LOG("a kprobe left in %s", KPROBES_LIST);
	ASSERT_EQ(0, mem_read(&m1));
	FL_INFO("memory after - before: VmallocUsed %+lld, Percpu %+lld, SUnreclaim %+lld KiB\n",
		(long long)(m1.vmalloc - m0.vmalloc),
		(long long)(m1.percpu - m0.percpu),
		(long long)(m1.sunreclaim - m0.sunreclaim));
	/* one task table is several MiB: a leak of one would show */
	ASSERT_GT(m0.vmalloc + 2048, m1.vmalloc);
	ASSERT_GT(m0.percpu + 128, m1.percpu);
	ASSERT_GT(m0.sunreclaim + 4096, m1.sunreclaim);
	report_seen(_metadata, self->seen);
}

/* Thread churn: threads alive at once, beyond the table's 64 records. */
#define CHURN_BATCH	100
#define THREAD_PAGES	4

struct churn_batch {
	pthread_barrier_t all_faulted;
	char *mem;
};

static void *short_thread(void *arg)
{
	struct churn_batch *b = ((void **)arg)[0];
	long i = (long)((void **)arg)[1];

	fl_touch_write(b->mem + i * THREAD_PAGES * fl_page_size(),
		       THREAD_PAGES);
	pthread_barrier_wait(&b->all_faulted);
	return NULL;
}

/* @n threads, CHURN_BATCH at a time all alive together; 0 or an errno. */
static int thread_churn(unsigned long n)
{
	static void *args[CHURN_BATCH][2];
	pthread_t th[CHURN_BATCH];
	struct churn_batch b;
	pthread_attr_t attr;
	unsigned long done;
	long i;
	int err = 0;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (done = 0; done < n && !err; done += CHURN_BATCH) {
		b.mem = fl_map_anon(CHURN_BATCH * THREAD_PAGES);
		if (!b.mem)
			return errno;
		pthread_barrier_init(&b.all_faulted, NULL, CHURN_BATCH);
		for (i = 0; i < CHURN_BATCH; i++) {
			args[i][0] = &b;
			args[i][1] = (void *)i;
			err = pthread_create(&th[i], &attr, short_thread,
					     args[i]);
			if (err)
				break;
		}
		if (err) {
			/* the barrier waits for all: nothing to join safely */
			return err;
		}
		for (i = 0; i < CHURN_BATCH; i++)
			pthread_join(th[i], NULL);
		pthread_barrier_destroy(&b.all_faulted);
		fl_unmap(b.mem, CHURN_BATCH * THREAD_PAGES);
	}
	pthread_attr_destroy(&attr);
	return 0;
}

/*
 * Issue 8, stress 2: FAULTLAT_STRESS_THREADS short-lived threads, 100
 * alive at a time, with max_tasks=64, in 3 repetitions.  dropped rises; the
 * process's record never counts more than the kernel (getrusage()) and
 * what it misses is within what was dropped; the table is back to its
 * use before each repetition (every exited thread's record folded and
 * freed), and unreclaimable slab does not grow from one repetition to the
 * next.
 */
TEST_F_TIMEOUT(stress, thread_churn_small_table, 600)
{
	unsigned long n = fl_env_ul("FAULTLAT_STRESS_THREADS", 10000);
	struct faultlat_info i0, i1;
	struct faultlat_task now;
	struct fl_snap s0, s1;
	__u64 slab[3], ru_d, fl_d, drop_d;
	double t0 = now_s();
	int rep, err;

	if (fl_mod_loaded())
		ASSERT_EQ(0, fl_mod_unload()) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, fl_mod_load(self->kofd, "max_tasks=64"))
		TH_LOG("%s", strerror(errno));
	self->fd = fl_open();
	ASSERT_LE(0, self->fd) TH_LOG("%s", strerror(errno));
	fl_prefault_stack();
	fl_prefault(&s0, sizeof(s0));
	fl_prefault(&s1, sizeof(s1));
	ASSERT_EQ(64, fl_info(self->fd, &i0) ? 0 : i0.max_tasks);

	for (rep = 0; rep < 3; rep++) {
		ASSERT_EQ(0, fl_info(self->fd, &i0));
		ASSERT_EQ(0, fl_snap_before(self->fd, RUSAGE_SELF, getpid(), true,
					    &s0));
		err = thread_churn(n / 3);
		ASSERT_EQ(0, err) TH_LOG("pthread_create: %s", strerror(err));
		ASSERT_EQ(0, fl_snap_after(self->fd, RUSAGE_SELF, getpid(), true,
					   &s1));
		usleep(100000);		/* the last threads' records freed */
		ASSERT_EQ(0, fl_info(self->fd, &i1));
		ASSERT_EQ(0, fl_task(self->fd, getpid(), true, &now));
		ASSERT_EQ(1, now.nr_threads) TH_LOG("live threads counted");
		ru_d = s1.ru.minflt - s0.ru.minflt;
		fl_d = FL_D(&s0, &s1, minor.count);
		drop_d = i1.dropped - i0.dropped;
		FL_INFO("repetition %d: %lu threads; minor faults: getrusage %llu, faultlat %llu\n",
			rep + 1, n / 3, (unsigned long long)ru_d,
			(unsigned long long)fl_d);
		FL_INFO("repetition %d: dropped %llu, table %u -> %u of %u\n",
			rep + 1, (unsigned long long)drop_d, i0.used_tasks,
			i1.used_tasks, i1.max_tasks);
		ASSERT_LT(0, drop_d) TH_LOG("dropped did not rise");
		ASSERT_LE(fl_d, ru_d);
		ASSERT_LE(ru_d, fl_d + drop_d);
		ASSERT_GE(i0.used_tasks, i1.used_tasks)
			TH_LOG("records of exited threads not freed");
		ASSERT_EQ(0, fl_meminfo("SUnreclaim", &slab[rep]));
	}
	close(self->fd);
	self->fd = -1;
	FL_INFO("SUnreclaim after each repetition: %llu %llu %llu KiB; %.1f s\n",
		(unsigned long long)slab[0], (unsigned long long)slab[1],
		(unsigned long long)slab[2], now_s() - t0);
	ASSERT_GT(slab[1] + 2048, slab[2]) TH_LOG("slab grows");
}

/*
 * Issue 8, stress 3: four readers hammer every ioctl and debugfs file for
 * FAULTLAT_STRESS_SECS while two processes fault and flush without a
 * pause.  No histogram a reader sees is torn (count == the sum of the
 * buckets, min and max in the first and last non-empty buckets), what is
 * counted together agrees (check_tlb_global()), no call fails but with
 * ESRCH.
 */
TEST_F_TIMEOUT(stress, concurrent_readers, 300)
{
	unsigned long secs = fl_env_ul("FAULTLAT_STRESS_SECS", 10);
	int i, status;

	if (!fl_mod_loaded())
		ASSERT_EQ(0, fl_mod_load(self->kofd, ""));
	for (i = 0; i < NR_CHURN; i++) {
		self->procs[i] = spawn_churn();
		ASSERT_LT(0, self->procs[i]);
	}
	usleep(100000);		/* the workload has records */
	for (i = 0; i < 4; i++) {
		self->procs[NR_CHURN + i] = fork();
		ASSERT_LE(0, self->procs[NR_CHURN + i]);
		if (self->procs[NR_CHURN + i] == 0)
			reader_proc(self->seen, self->procs[i % NR_CHURN], 0);
	}
	sleep(secs);
	atomic_store(&self->seen->stop, 1);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(self->procs[NR_CHURN + i],
			  waitpid(self->procs[NR_CHURN + i], &status, 0));
		self->procs[NR_CHURN + i] = -1;
		ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}
	reap(self->procs, NR_CHURN);
	FL_INFO("4 readers for %lu s\n", secs);
	report_seen(_metadata, self->seen);
	ASSERT_EQ(0, atomic_load(&self->seen->gone));
}

TEST_HARNESS_MAIN
