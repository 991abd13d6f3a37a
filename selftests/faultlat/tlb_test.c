// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat's TLB-flush accounting against the kernel's own:
 *
 * - two_threads: a process whose two threads, pinned to two CPUs, map,
 *   touch, mprotect, madvise(MADV_DONTNEED) and unmap memory initiated at
 *   least one flush per munmap (FAULTLAT_IOC_TLB_TASK), and the flushes
 *   the CPUs received (received_remote + received_nmissed) are exactly
 *   what /proc/interrupts counts as "TLB shootdowns";
 * - one_thread_local: the same loop in one thread of a process pinned to
 *   one CPU before exec sends no IPI;
 * - reasons_vs_ftrace: the tlb:tlb_flush counts by reason are exactly the
 *   events ftrace records of the same tracepoint in an instance of ours;
 * - latency: the histograms are in order, and a flush that waits for
 *   another CPU takes longer than one that does not;
 * - reload: unload and load 20 times while the loop runs on two CPUs.
 *
 * The workloads are processes of their own, faultlat_workload in its "tlb"
 * mode, next to this program.  A process's record outlives it until it is
 * reaped: we read it between waitid(WNOWAIT) and waitpid().
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"

#define MODNAME		"faultlat"
#define ROUNDS		300	/* rounds of the loop, per looping thread */
#define LAT_ROUNDS	100	/* the same, in each latency trial */
#define LAT_TRIALS	5
#define CYCLES		20	/* unloads and loads */
#define QUIET_TRIES	3
#define INTR_BUF	65536
#define TRACE_BUF_KB	"8192"	/* per CPU */

#define TLB_PROBES	(FAULTLAT_PROBE_TLB_RANGE | FAULTLAT_PROBE_TLB_FUNC | \
			 FAULTLAT_PROBE_TLB_TRACE)

/*
 * In this version of the harness a SKIP() in a fixture's setup does not
 * stop the test body from running: leave through the harness's jump
 * buffer, with the test marked skipped.
 */
#define FL_SKIP_SETUP(fmt, ...) \
	SKIP(longjmp(_metadata->env, 1), fmt, ##__VA_ARGS__)

/*
 * enum faultlat_tlb_reason, as debugfs's tlb file names them; then the
 * reason numbers the uapi does not name, and the others (any past the
 * slots, in the last).
 */
#define NR_REASONS	(FAULTLAT_TLB_REASON_SLOTS + 1)
static const char * const reason_names[NR_REASONS] = {
	"task_switch", "remote_shootdown", "local_shootdown",
	"local_mm_shootdown", "remote_send_ipi", "remote_wrong_cpu",
	"reason6", "reason7", "reason8", "reason9", "reason10", "reason11",
	"reason12", "reason13", "reason14", "reason15", "other",
};

/* faultlat's count of reason @i (NR_REASONS - 1: the others) */
static __u64 reason_count(const struct faultlat_tlb_global *g, int i)
{
	return i < FAULTLAT_TLB_REASON_SLOTS ? g->reason[i].count :
	       g->reason_other.count;
}

static int tlb_global(int fd, struct faultlat_tlb_global *g)
{
	memset(g, 0, sizeof(*g));
	g->size = sizeof(*g);
	return ioctl(fd, FAULTLAT_IOC_TLB_GLOBAL, g);
}

static int tlb_process(int fd, pid_t pid, struct faultlat_tlb_task *t)
{
	memset(t, 0, sizeof(*t));
	t->size = sizeof(*t);
	t->flags = FAULTLAT_TASK_PROCESS;
	t->id = pid;
	return ioctl(fd, FAULTLAT_IOC_TLB_TASK, t);
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* faultlat_workload, next to this program */
static int workload_path(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -1;
	exe[n] = '\0';
	if ((size_t)snprintf(buf, len, "%s/faultlat_workload",
			     dirname(exe)) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return access(buf, X_OK);
}

/* --- the workload process --- */

/**
 * struct wl - one run of faultlat_workload tlb
 * @path: the program
 * @report: where it writes its munmap count
 * @loopers: threads running the loop
 * @spinners: threads that only spin
 * @rounds: rounds of each looper (0: until killed)
 * @cpu: pin the process to this CPU before fork and exec, or -1
 */
struct wl {
	const char *path;
	const char *report;
	int loopers;
	int spinners;
	unsigned long rounds;
	int cpu;
};

/**
 * struct wl_res - what became of it
 * @status: its wait status
 * @munmaps: munmap calls of present pages, as it counted them
 * @t: its process record, read before it was reaped
 */
struct wl_res {
	int status;
	unsigned long munmaps;
	struct faultlat_tlb_task t;
};

/*
 * Start the workload.  Pinned, it is pinned before fork: between fork and
 * exec the child runs in a copy of our mm, and faultlat counts that part
 * too, so not even that copy may have run on another CPU.  The child pins
 * itself again, then execs: the new mm runs on that CPU only.
 */
static pid_t wl_spawn(const struct wl *w)
{
	char loopers[16], spinners[16], rounds[32];
	char *argv[7];
	cpu_set_t old;
	pid_t pid;
	int err;

	argv[0] = (char *)w->path;
	argv[1] = "tlb";
	argv[2] = loopers;
	argv[3] = spinners;
	argv[4] = rounds;
	argv[5] = (char *)w->report;
	argv[6] = NULL;

	snprintf(loopers, sizeof(loopers), "%d", w->loopers);
	snprintf(spinners, sizeof(spinners), "%d", w->spinners);
	snprintf(rounds, sizeof(rounds), "%lu", w->rounds);
	if (w->cpu >= 0) {
		if (sched_getaffinity(0, sizeof(old), &old) || pin(w->cpu))
			return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (w->cpu >= 0 && pin(w->cpu))
			_exit(126);
		execv(w->path, argv);
		_exit(127);
	}
	err = errno;
	if (w->cpu >= 0)
		sched_setaffinity(0, sizeof(old), &old);
	errno = err;
	return pid;
}

/* Wait for it, read its record, reap it, read its report. */
static int wl_finish(int fd, const struct wl *w, pid_t pid,
		     struct wl_res *r)
{
	siginfo_t si;
	FILE *f;
	int ret = 0, err = 0;

	memset(r, 0, sizeof(*r));
	if (waitid(P_PID, pid, &si, WEXITED | WNOWAIT))
		return -1;
	if (tlb_process(fd, pid, &r->t)) {
		err = errno;
		ret = -1;
	}
	if (waitpid(pid, &r->status, 0) != pid)
		return -1;
	if (ret) {
		errno = err;
		return ret;
	}
	if (!WIFEXITED(r->status) || WEXITSTATUS(r->status))
		return 0;	/* the caller reports the status */
	f = fopen(w->report, "r");
	if (!f)
		return -1;
	if (fscanf(f, "munmaps %lu", &r->munmaps) != 1) {
		errno = EBADMSG;
		ret = -1;
	}
	fclose(f);
	return ret;
}

static int wl_run(int fd, const struct wl *w, struct wl_res *r)
{
	pid_t pid = wl_spawn(w);

	if (pid < 0)
		return -1;
	return wl_finish(fd, w, pid, r);
}

static bool wl_ok(const struct wl_res *r)
{
	return WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0;
}

/* --- /proc/interrupts --- */

static char intr_buf[4][INTR_BUF];

/* The whole file into @buf, with pread() on an open fd: nothing else. */
static int intr_read(int fd, char *buf)
{
	size_t got = 0;
	ssize_t n;

	while (got < INTR_BUF - 1) {
		n = pread(fd, buf + got, INTR_BUF - 1 - got, got);
		if (n < 0)
			return -1;
		if (!n)
			break;
		got += n;
	}
	buf[got] = '\0';
	return 0;
}

/* The "TLB:" row of @buf, summed over the CPUs; -1 if there is none. */
static int intr_tlb(const char *buf, __u64 *sum)
{
	const char *line, *p;
	char *end;

	for (line = buf; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		p = line + strspn(line, " ");
		if (strncmp(p, "TLB:", 4))
			continue;
		*sum = 0;
		for (p += 4;; p = end) {
			unsigned long long v = strtoull(p, &end, 10);

			if (end == p)
				return 0;
			*sum += v;
		}
	}
	return -1;
}

/* --- tests 1 to 4 --- */

FIXTURE(tlb) {
	int fd;
	int ncpus;
	char workload[PATH_MAX];
	char report[64];
};

FIXTURE_SETUP(tlb)
{
	struct faultlat_info info;

	self->fd = fl_open();
	if (self->fd < 0)
		FL_SKIP_SETUP("%s: %s (is faultlat loaded?)", FAULTLAT_DEVICE,
			      strerror(errno));
	ASSERT_EQ(0, fl_info(self->fd, &info)) TH_LOG("%s", strerror(errno));
	if ((info.probes & TLB_PROBES) != TLB_PROBES) {
		close(self->fd);
		FL_SKIP_SETUP("TLB probes not all attached (probes %#x; tlb=0?)",
			      info.probes);
	}
	self->ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	ASSERT_EQ(0, workload_path(self->workload, sizeof(self->workload)))
		TH_LOG("faultlat_workload: %s", strerror(errno));
	snprintf(self->report, sizeof(self->report),
		 "/tmp/faultlat-tlb-report.%d", getpid());
}

FIXTURE_TEARDOWN(tlb)
{
	unlink(self->report);
	close(self->fd);
}

static void print_stats(const char *what, const struct faultlat_tlb_stats *s)
{
	FL_INFO("%s: flushes %llu (full %llu ranged %llu pages %llu)\n",
		what, (unsigned long long)s->flush.count,
		(unsigned long long)s->full, (unsigned long long)s->ranged,
		(unsigned long long)s->pages);
	FL_INFO("%s: remote %llu local_only %llu ipis %llu ipi_targets %llu\n",
		what, (unsigned long long)s->remote,
		(unsigned long long)s->local_only,
		(unsigned long long)s->ipis,
		(unsigned long long)s->ipi_targets);
	FL_INFO("%s: flush latency min %llu p50 %llu max %llu ns\n", what,
		(unsigned long long)s->flush.min_ns,
		(unsigned long long)fl_percentile(&s->flush, 5000),
		(unsigned long long)s->flush.max_ns);
}

/*
 * The flush histogram is consistent with itself.  (That every flush is
 * full or ranged, remote or local only, is how the module counts them,
 * one branch or the other: no test of it could fail.)
 */
static void check_stats(struct __test_metadata *_metadata, const char *what,
			const struct faultlat_tlb_stats *s)
{
	fl_check_hist(_metadata, what, &s->flush);
}

/*
 * Test 1.  The CPUs' received flushes against /proc/interrupts: "TLB
 * shootdowns" counts the runs of flush_tlb_func() for another CPU, as
 * received_remote does, except those the kretprobe missed (an IPI that
 * arrives while its CPU is inside another kprobe handler), which
 * received_nmissed counts.  Both are read in the same order around the
 * workload: the row, faultlat's counters, the row again.  If the row moved
 * while faultlat's counters were read (someone else's flush), the interval
 * was not quiet and is done again.
 */
TEST_F_TIMEOUT(tlb, two_threads, 300)
{
	static struct faultlat_tlb_global g0, g1;
	struct wl w = { .path = self->workload, .report = self->report,
			.loopers = 2, .rounds = ROUNDS, .cpu = -1 };
	__u64 i0a, i0b, i1a, i1b, shoot, recv, missed;
	bool quiet = false;
	struct wl_res r;
	int ifd, try;

	if (self->ncpus < 2)
		SKIP(return, "one CPU only");
	ifd = open("/proc/interrupts", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ifd) TH_LOG("/proc/interrupts: %s", strerror(errno));
	fl_prefault(intr_buf, sizeof(intr_buf));
	fl_prefault(&g0, sizeof(g0));
	fl_prefault(&g1, sizeof(g1));
	fl_prefault(&r, sizeof(r));

	for (try = 1; try <= QUIET_TRIES && !quiet; try++) {
		ASSERT_EQ(0, intr_read(ifd, intr_buf[0]));
		ASSERT_EQ(0, tlb_global(self->fd, &g0));
		ASSERT_EQ(0, intr_read(ifd, intr_buf[1]));
		ASSERT_EQ(0, wl_run(self->fd, &w, &r))
			TH_LOG("workload: %s", strerror(errno));
		ASSERT_EQ(0, intr_read(ifd, intr_buf[2]));
		ASSERT_EQ(0, tlb_global(self->fd, &g1));
		ASSERT_EQ(0, intr_read(ifd, intr_buf[3]));

		ASSERT_TRUE(wl_ok(&r)) TH_LOG("workload status %#x", r.status);
		ASSERT_EQ(0, intr_tlb(intr_buf[0], &i0a))
			TH_LOG("no TLB row in /proc/interrupts");
		ASSERT_EQ(0, intr_tlb(intr_buf[1], &i0b));
		ASSERT_EQ(0, intr_tlb(intr_buf[2], &i1a));
		ASSERT_EQ(0, intr_tlb(intr_buf[3], &i1b));
		quiet = i0a == i0b && i1a == i1b;
		if (!quiet)
			FL_INFO("try %d: shootdowns during a read (%llu -> %llu, %llu -> %llu)\n",
				try, (unsigned long long)i0a,
				(unsigned long long)i0b,
				(unsigned long long)i1a,
				(unsigned long long)i1b);
	}
	close(ifd);
	ASSERT_TRUE(quiet) TH_LOG("no quiet interval in %d tries", QUIET_TRIES);

	shoot = i1a - i0a;
	recv = g1.received_remote - g0.received_remote;
	missed = g1.received_nmissed - g0.received_nmissed;
	FL_INFO("/proc/interrupts TLB shootdowns: +%llu\n",
		(unsigned long long)shoot);
	FL_INFO("faultlat received_remote +%llu received_nmissed +%llu\n",
		(unsigned long long)recv, (unsigned long long)missed);
	FL_INFO("faultlat received_local +%llu, TLB probes' nmissed +%llu\n",
		(unsigned long long)(g1.received_local - g0.received_local),
		(unsigned long long)(g1.nmissed - g0.nmissed));
	print_stats("workload process", &r.t.stats);
	FL_INFO("workload munmaps %lu\n", r.munmaps);

	ASSERT_EQ(shoot, recv + missed)
		TH_LOG("TLB shootdowns vs received_remote + received_nmissed");
	/* two threads on two CPUs: some flushes went to the other one */
	ASSERT_LT(0, shoot);
	ASSERT_LT(0, r.t.stats.remote);

	check_stats(_metadata, "workload process", &r.t.stats);
	ASSERT_EQ((unsigned long)(2 * ROUNDS), r.munmaps);
	ASSERT_LE(r.munmaps, r.t.stats.flush.count)
		TH_LOG("flushes vs munmap calls of mapped pages");
}

/*
 * Test 2.  One thread, pinned to one CPU before exec (see wl_spawn()):
 * its mm_cpumask never holds another CPU, so no flush of it is remote.
 */
TEST_F_TIMEOUT(tlb, one_thread_local, 300)
{
	struct wl w = { .path = self->workload, .report = self->report,
			.loopers = 1, .rounds = ROUNDS,
			.cpu = self->ncpus - 1 };
	struct wl_res r;

	ASSERT_EQ(0, wl_run(self->fd, &w, &r))
		TH_LOG("workload: %s", strerror(errno));
	ASSERT_TRUE(wl_ok(&r)) TH_LOG("workload status %#x", r.status);
	print_stats("workload process", &r.t.stats);
	FL_INFO("workload munmaps %lu on CPU %d\n", r.munmaps, w.cpu);

	check_stats(_metadata, "workload process", &r.t.stats);
	ASSERT_EQ(0, r.t.stats.remote) TH_LOG("remote flushes");
	ASSERT_EQ(0, r.t.stats.ipis) TH_LOG("IPI function calls");
	ASSERT_EQ(0, r.t.stats.ipi_targets);
	ASSERT_EQ((unsigned long)ROUNDS, r.munmaps);
	ASSERT_LE(r.munmaps, r.t.stats.flush.count)
		TH_LOG("flushes vs munmap calls of mapped pages");
}

/* --- test 3: tracefs --- */

/**
 * struct tfs - our tracefs instance
 * @root: where tracefs is mounted
 * @inst: the instance's directory
 * @mounted: we mounted tracefs at @root
 * @created: we created @inst
 * @marker: its trace_marker, open
 */
struct tfs {
	char root[32];
	char inst[96];
	bool mounted;
	bool created;
	int marker;
};

static int tfs_write(const struct tfs *t, const char *name, const char *val)
{
	char path[192];
	ssize_t len = strlen(val);
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", t->inst, name);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (len && write(fd, val, len) != len)
		ret = -1;
	close(fd);
	return ret;
}

static int tfs_setup(struct tfs *t, char *why, size_t len)
{
	static const char * const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[192];
	unsigned int i;

	memset(t, 0, sizeof(*t));
	t->marker = -1;
	for (i = 0; i < ARRAY_SIZE(roots) && !*t->root; i++) {
		snprintf(path, sizeof(path), "%s/instances", roots[i]);
		if (!access(path, F_OK))
			snprintf(t->root, sizeof(t->root), "%s", roots[i]);
	}
	if (!*t->root) {
		snprintf(t->root, sizeof(t->root), "%s", roots[0]);
		if (mount("tracefs", t->root, "tracefs", 0, NULL)) {
			snprintf(why, len, "mount tracefs on %s: %s", t->root,
				 strerror(errno));
			return -1;
		}
		t->mounted = true;
	}
	snprintf(t->inst, sizeof(t->inst), "%s/instances/faultlat_tlb_%d",
		 t->root, getpid());
	if (mkdir(t->inst, 0700)) {
		snprintf(why, len, "mkdir %s: %s", t->inst, strerror(errno));
		return -1;
	}
	t->created = true;
	/*
	 * The counter clock: a global atomic counter, so the order of the
	 * events of all the CPUs is the order in which they took their
	 * timestamps, exactly, and without ties.
	 */
	if (tfs_write(t, "trace_clock", "counter") ||
	    tfs_write(t, "buffer_size_kb", TRACE_BUF_KB) ||
	    tfs_write(t, "tracing_on", "1")) {
		snprintf(why, len, "setting up %s: %s", t->inst,
			 strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/trace_marker", t->inst);
	t->marker = open(path, O_WRONLY | O_CLOEXEC);
	if (t->marker < 0) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void tfs_teardown(struct tfs *t)
{
	if (t->marker >= 0)
		close(t->marker);
	t->marker = -1;
	if (t->created) {
		tfs_write(t, "events/tlb/tlb_flush/enable", "0");
		tfs_write(t, "tracing_on", "0");
		rmdir(t->inst);
	}
	t->created = false;
	if (t->mounted)
		umount(t->root);
	t->mounted = false;
}

static int tfs_mark(const struct tfs *t, const char *m)
{
	ssize_t len = strlen(m);

	return write(t->marker, m, len) == len ? 0 : -1;
}

/* Any CPU's ring buffer lost an event: overrun, commit overrun, dropped. */
static int tfs_lost(const struct tfs *t, __u64 *lost)
{
	char path[384], line[128];
	struct dirent *de;
	unsigned long long v;
	DIR *d;
	FILE *f;

	*lost = 0;
	snprintf(path, sizeof(path), "%s/per_cpu", t->inst);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "cpu", 3))
			continue;
		snprintf(path, sizeof(path), "%s/per_cpu/%s/stats", t->inst,
			 de->d_name);
		f = fopen(path, "r");
		if (!f) {
			closedir(d);
			return -1;
		}
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "overrun: %llu", &v) == 1 ||
			    sscanf(line, "commit overrun: %llu", &v) == 1 ||
			    sscanf(line, "dropped events: %llu", &v) == 1)
				*lost += v;
		fclose(f);
	}
	closedir(d);
	return 0;
}

/*
 * Zones of the trace, between our four markers: before the first, around
 * the first read of faultlat's counters, between the reads, around the
 * second read, after the last marker.
 */
enum { Z_BEFORE, Z_READ0, Z_INNER, Z_READ1, Z_AFTER, NR_ZONES };

struct tfs_count {
	__u64 n[NR_ZONES][NR_REASONS];
	__u64 unknown;
	__u64 lost_lines;
	int markers;
};

/* Count the tlb_flush events of the trace by zone and reason. */
static int tfs_count(const struct tfs *t, const char * const marks[4],
		     struct tfs_count *c)
{
	char path[192], *line = NULL;
	size_t cap = 0;
	int zone = Z_BEFORE;
	FILE *f;

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "%s/trace", t->inst);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		char *p, *q;
		long reason;

		if (line[0] == '#')
			continue;
		if (strstr(line, "LOST") && strstr(line, "EVENTS]")) {
			c->lost_lines++;
			continue;
		}
		p = strstr(line, " tracing_mark_write: ");
		if (p) {
			p += strlen(" tracing_mark_write: ");
			p[strcspn(p, "\n")] = '\0';
			if (zone < Z_AFTER && !strcmp(p, marks[zone])) {
				zone++;
				c->markers++;
			}
			continue;
		}
		p = strstr(line, " tlb_flush: ");
		if (!p)
			continue;
		q = strrchr(p, '(');
		if (!q || !strstr(p, " reason:")) {
			c->unknown++;
			continue;
		}
		reason = strtol(q + 1, NULL, 10);
		if (reason < 0 || reason >= FAULTLAT_TLB_REASON_SLOTS)
			reason = NR_REASONS - 1;
		c->n[zone][reason]++;
	}
	free(line);
	fclose(f);
	return 0;
}

static __u64 zone_sum(const struct tfs_count *c, int zone)
{
	__u64 s = 0;
	int i;

	for (i = 0; i < NR_REASONS; i++)
		s += c->n[zone][i];
	return s;
}

FIXTURE(tlb_ftrace) {
	int fd;
	char workload[PATH_MAX];
	char report[64];
	struct tfs tfs;
};

FIXTURE_SETUP(tlb_ftrace)
{
	struct faultlat_info info;
	char why[256];

	self->tfs.marker = -1;
	self->fd = fl_open();
	if (self->fd < 0)
		FL_SKIP_SETUP("%s: %s (is faultlat loaded?)", FAULTLAT_DEVICE,
			      strerror(errno));
	ASSERT_EQ(0, fl_info(self->fd, &info)) TH_LOG("%s", strerror(errno));
	if (!(info.probes & FAULTLAT_PROBE_TLB_TRACE)) {
		close(self->fd);
		FL_SKIP_SETUP("tlb:tlb_flush not attached (probes %#x)",
			      info.probes);
	}
	ASSERT_EQ(0, workload_path(self->workload, sizeof(self->workload)))
		TH_LOG("faultlat_workload: %s", strerror(errno));
	snprintf(self->report, sizeof(self->report),
		 "/tmp/faultlat-tlb-report.%d", getpid());
	if (tfs_setup(&self->tfs, why, sizeof(why))) {
		tfs_teardown(&self->tfs);
		close(self->fd);
		FL_SKIP_SETUP("no tracefs instance: %s", why);
	}
}

FIXTURE_TEARDOWN(tlb_ftrace)
{
	tfs_teardown(&self->tfs);
	unlink(self->report);
	close(self->fd);
}

/*
 * Test 3.  faultlat counts the tlb:tlb_flush events by reason in a probe
 * of the tracepoint; an ftrace instance of ours records the same events.
 * Both see every hit of the tracepoint, but "at the same time" needs care:
 * task switches and the flushes of others happen at any moment, on any
 * CPU.  So the reads of faultlat's counters are themselves placed in the
 * trace, each between two trace_marker writes, while tracing is on:
 *
 *   enable the event, marker A0, read faultlat, marker A1,
 *   workload (fork, exec, two threads on two CPUs, exit, reaped),
 *   marker B0, read faultlat, marker B1, disable the event.
 *
 * The trace's events are ordered by the counter clock, one global atomic
 * counter: an event between A1 and B0 took its timestamp after the first
 * read ended and before the second one began; an event before A0 or after
 * B1, before the first read or after the second one.  Only the
 * events between A0 and A1 or between B0 and B1 could be on either side
 * of a read.  If there is none, faultlat's delta must equal, reason by
 * reason, the events between A1 and B0; if there is one, the interval was
 * not quiet and is done again.  faultlat's probe and ftrace's run one
 * after the other in the same tracepoint call, with preemption (for all
 * but "remote ipi send", interrupts too) disabled: a call cannot straddle
 * a zone boundary unless its CPU stops, between the two probes, for the
 * whole of a read.
 */
TEST_F_TIMEOUT(tlb_ftrace, reasons_vs_ftrace, 300)
{
	static struct faultlat_tlb_global g0, g1;
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct wl w = { .path = self->workload, .report = self->report,
			.loopers = ncpus > 1 ? 2 : 1, .rounds = ROUNDS,
			.cpu = -1 };
	char marks[4][64];
	const char *mp[4] = { marks[0], marks[1], marks[2], marks[3] };
	struct tfs_count c;
	bool quiet = false;
	struct wl_res r;
	__u64 lost, delta;
	int try, i;

	fl_prefault(&g0, sizeof(g0));
	fl_prefault(&g1, sizeof(g1));
	fl_prefault(&r, sizeof(r));
	for (try = 1; try <= QUIET_TRIES && !quiet; try++) {
		for (i = 0; i < 4; i++)
			snprintf(marks[i], sizeof(marks[i]),
				 "faultlat tlb_test %d try %d %c%d", getpid(),
				 try, i < 2 ? 'A' : 'B', i & 1);
		/* empty the buffer, then trace */
		ASSERT_EQ(0, tfs_write(&self->tfs, "trace", ""))
			TH_LOG("clearing the trace: %s", strerror(errno));
		ASSERT_EQ(0, tfs_write(&self->tfs,
				       "events/tlb/tlb_flush/enable", "1"))
			TH_LOG("enabling tlb:tlb_flush: %s", strerror(errno));

		ASSERT_EQ(0, tfs_mark(&self->tfs, marks[0]));
		ASSERT_EQ(0, tlb_global(self->fd, &g0));
		ASSERT_EQ(0, tfs_mark(&self->tfs, marks[1]));
		ASSERT_EQ(0, wl_run(self->fd, &w, &r))
			TH_LOG("workload: %s", strerror(errno));
		ASSERT_EQ(0, tfs_mark(&self->tfs, marks[2]));
		ASSERT_EQ(0, tlb_global(self->fd, &g1));
		ASSERT_EQ(0, tfs_mark(&self->tfs, marks[3]));

		ASSERT_EQ(0, tfs_write(&self->tfs,
				       "events/tlb/tlb_flush/enable", "0"));
		ASSERT_TRUE(wl_ok(&r)) TH_LOG("workload status %#x", r.status);
		ASSERT_EQ(0, tfs_lost(&self->tfs, &lost))
			TH_LOG("per_cpu stats: %s", strerror(errno));
		ASSERT_EQ(0, tfs_count(&self->tfs, mp, &c))
			TH_LOG("trace: %s", strerror(errno));
		FL_INFO("try %d: events <A0 %llu, A0-A1 %llu, A1-B0 %llu, B0-B1 %llu, >B1 %llu\n",
			try, (unsigned long long)zone_sum(&c, Z_BEFORE),
			(unsigned long long)zone_sum(&c, Z_READ0),
			(unsigned long long)zone_sum(&c, Z_INNER),
			(unsigned long long)zone_sum(&c, Z_READ1),
			(unsigned long long)zone_sum(&c, Z_AFTER));
		ASSERT_EQ(0, lost)
			TH_LOG("ring buffer overruns and drops: %llu (%s KiB)",
			       (unsigned long long)lost, TRACE_BUF_KB);
		ASSERT_EQ(0, c.lost_lines) TH_LOG("LOST EVENTS in the trace");
		ASSERT_EQ(4, c.markers) TH_LOG("markers found in the trace");
		ASSERT_EQ(0, c.unknown) TH_LOG("tlb_flush events not parsed");
		quiet = !zone_sum(&c, Z_READ0) && !zone_sum(&c, Z_READ1);
	}
	ASSERT_TRUE(quiet)
		TH_LOG("no try without events during a read of faultlat's counters");

	FL_INFO("%-20s %10s %10s\n", "reason", "faultlat", "ftrace");
	ASSERT_EQ(FAULTLAT_TLB_REASON_SLOTS, g1.reason_slots);
	for (i = 0; i < NR_REASONS; i++) {
		delta = reason_count(&g1, i) - reason_count(&g0, i);
		if (i >= FAULTLAT_TLB_NR_REASONS && !delta && !c.n[Z_INNER][i])
			continue;
		FL_INFO("%-20s %10llu %10llu\n", reason_names[i],
			(unsigned long long)delta,
			(unsigned long long)c.n[Z_INNER][i]);
	}
	for (i = 0; i < NR_REASONS; i++) {
		delta = reason_count(&g1, i) - reason_count(&g0, i);
		EXPECT_EQ(c.n[Z_INNER][i], delta)
			TH_LOG("reason %s: ftrace vs faultlat", reason_names[i]);
	}
	/*
	 * ABI 1's array of the first five reasons, against ftrace too (not
	 * against reason[], which the module copies into it)
	 */
	for (i = 0; i < FAULTLAT_TLB_NR_REASONS; i++)
		EXPECT_EQ(c.n[Z_INNER][i], g1.reasons[i] - g0.reasons[i])
			TH_LOG("reasons[%d] (ABI 1): ftrace vs faultlat", i);
	/* what the loop must have caused */
	ASSERT_LT(0, c.n[Z_INNER][FAULTLAT_TLB_TASK_SWITCH]);
	ASSERT_LT(0, c.n[Z_INNER][FAULTLAT_TLB_LOCAL_MM_SHOOTDOWN]);
	if (w.loopers > 1) {
		ASSERT_LT(0, c.n[Z_INNER][FAULTLAT_TLB_REMOTE_SEND_IPI]);
		ASSERT_LT(0, c.n[Z_INNER][FAULTLAT_TLB_REMOTE_SHOOTDOWN]);
	}
}

/* --- test 4 --- */

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

static __u64 median(__u64 *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

/*
 * Test 4.  The histograms are in order (0 < min <= p50 <= max), and a
 * flush that waits for another CPU is slower than one that does not: in
 * each trial, a process whose looping thread has a spinning sibling on
 * another CPU (every flush of it is remote, and sends an IPI: the sibling
 * has the mm loaded, and is not lazy) and a one-thread process pinned
 * before exec (every flush local).  Their medians over the trials of the
 * per-process p50 of flush_tlb_mm_range(), remote above local.
 */
TEST_F_TIMEOUT(tlb, latency, 400)
{
	static struct faultlat_tlb_global g;
	struct wl remote = { .path = self->workload, .report = self->report,
			     .loopers = 1, .spinners = 1,
			     .rounds = LAT_ROUNDS, .cpu = -1 };
	struct wl local = { .path = self->workload, .report = self->report,
			    .loopers = 1, .rounds = LAT_ROUNDS,
			    .cpu = self->ncpus - 1 };
	__u64 rp50[LAT_TRIALS], lp50[LAT_TRIALS], rmed, lmed;
	struct wl_res r;
	int i;

	if (self->ncpus < 2)
		SKIP(return, "one CPU only");
	for (i = 0; i < LAT_TRIALS; i++) {
		ASSERT_EQ(0, wl_run(self->fd, &remote, &r))
			TH_LOG("remote workload: %s", strerror(errno));
		ASSERT_TRUE(wl_ok(&r)) TH_LOG("status %#x", r.status);
		check_stats(_metadata, "remote", &r.t.stats);
		fl_check_lat(_metadata, "remote flush", &r.t.stats.flush);
		ASSERT_LT(0, r.t.stats.remote);
		rp50[i] = fl_percentile(&r.t.stats.flush, 5000);
		FL_INFO("trial %d remote: flushes %llu remote %llu ipis %llu\n",
			i + 1, (unsigned long long)r.t.stats.flush.count,
			(unsigned long long)r.t.stats.remote,
			(unsigned long long)r.t.stats.ipis);
		FL_INFO("trial %d remote: min %llu p50 %llu max %llu ns\n",
			i + 1, (unsigned long long)r.t.stats.flush.min_ns,
			(unsigned long long)rp50[i],
			(unsigned long long)r.t.stats.flush.max_ns);

		ASSERT_EQ(0, wl_run(self->fd, &local, &r))
			TH_LOG("local workload: %s", strerror(errno));
		ASSERT_TRUE(wl_ok(&r)) TH_LOG("status %#x", r.status);
		check_stats(_metadata, "local", &r.t.stats);
		fl_check_lat(_metadata, "local flush", &r.t.stats.flush);
		ASSERT_EQ(0, r.t.stats.remote);
		lp50[i] = fl_percentile(&r.t.stats.flush, 5000);
		FL_INFO("trial %d local: flushes %llu remote %llu ipis %llu\n",
			i + 1, (unsigned long long)r.t.stats.flush.count,
			(unsigned long long)r.t.stats.remote,
			(unsigned long long)r.t.stats.ipis);
		FL_INFO("trial %d local: min %llu p50 %llu max %llu ns\n",
			i + 1, (unsigned long long)r.t.stats.flush.min_ns,
			(unsigned long long)lp50[i],
			(unsigned long long)r.t.stats.flush.max_ns);
	}
	rmed = median(rp50, LAT_TRIALS);
	lmed = median(lp50, LAT_TRIALS);
	FL_INFO("median p50 of flush_tlb_mm_range(): remote %llu ns, local %llu ns\n",
		(unsigned long long)rmed, (unsigned long long)lmed);
	ASSERT_GT(rmed, lmed) TH_LOG("remote flushes not slower than local ones");

	/* the system-wide histograms, after all that */
	ASSERT_EQ(0, tlb_global(self->fd, &g));
	fl_check_lat(_metadata, "global flush", &g.stats.flush);
	fl_check_lat(_metadata, "global ipi", &g.ipi);
	fl_check_lat(_metadata, "global received", &g.received);
	check_stats(_metadata, "global", &g.stats);
}

/* --- test 5 --- */

static bool loaded(void)
{
	return access("/sys/module/" MODNAME, F_OK) == 0;
}

static int load(int kofd)
{
	return fl_mod_load(kofd, "");
}

/* A reference held for a moment (EBUSY, EAGAIN) is waited out. */
static int unload(void)
{
	int i, ret = -1;

	for (i = 0; i < 200; i++) {
		ret = syscall(SYS_delete_module, MODNAME, O_NONBLOCK);
		if (!ret || (errno != EAGAIN && errno != EBUSY))
			break;
		usleep(25000);
	}
	return ret;
}

FIXTURE(tlb_reload) {
	int kofd;
	pid_t wl;
	char workload[PATH_MAX];
	char report[64];
};

FIXTURE_SETUP(tlb_reload)
{
	const char *ko = getenv("FAULTLAT_KO");

	self->kofd = -1;
	self->wl = -1;
	if (!ko || !*ko)
		FL_SKIP_SETUP("FAULTLAT_KO (the module file) is not set");
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		FL_SKIP_SETUP("one CPU only");
	/*
	 * As reload_test's other-CPU cases: under QEMU's multi-threaded TCG,
	 * Debian's 6.1 sooner or later breaks when a kretprobe on a function
	 * another vCPU runs in a loop is armed or disarmed: a NULL
	 * instruction fetch under exc_page_fault (handle_mm_fault), or a CPU
	 * that takes the int3 at flush_tlb_func+0 forever (its text holds
	 * the NOP again).  Opt in, under --single-thread.
	 */
	if (!getenv("FAULTLAT_RELOAD_PARALLEL"))
		FL_SKIP_SETUP("set FAULTLAT_RELOAD_PARALLEL=1 (breaks under MTTCG)");
	ASSERT_EQ(0, workload_path(self->workload, sizeof(self->workload)))
		TH_LOG("faultlat_workload: %s", strerror(errno));
	snprintf(self->report, sizeof(self->report),
		 "/tmp/faultlat-tlb-report.%d", getpid());
	self->kofd = open(ko, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->kofd) TH_LOG("%s: %s", ko, strerror(errno));
}

FIXTURE_TEARDOWN(tlb_reload)
{
	if (self->wl > 0) {
		kill(self->wl, SIGKILL);
		waitpid(self->wl, NULL, 0);
	}
	/* whatever happened, leave the module loaded for what follows */
	if (self->kofd >= 0 && !loaded() && load(self->kofd))
		TH_LOG("loading %s after the test: %s", MODNAME,
		       strerror(errno));
	if (self->kofd >= 0)
		close(self->kofd);
	unlink(self->report);
}

/*
 * Test 5.  Unload and load while two threads on two CPUs flush as fast as
 * they can: the probes come and go under flush_tlb_mm_range(), the IPI
 * function and flush_tlb_func() in IPIs.  Every load succeeds with the
 * TLB probes attached; the rig checks the kernel log; the last load
 * counts.
 */
TEST_F_TIMEOUT(tlb_reload, cycles_under_flushes, 400)
{
	struct wl flood = { .path = self->workload, .report = "-",
			    .loopers = 2, .rounds = 0, .cpu = -1 };
	struct wl check = { .path = self->workload, .report = self->report,
			    .loopers = 2, .rounds = 50, .cpu = -1 };
	struct faultlat_info info;
	struct wl_res r;
	int i, fd, status;

	if (!loaded())
		ASSERT_EQ(0, load(self->kofd)) TH_LOG("%s", strerror(errno));
	self->wl = wl_spawn(&flood);
	ASSERT_LT(0, self->wl) TH_LOG("workload: %s", strerror(errno));
	usleep(100000);

	for (i = 1; i <= CYCLES; i++) {
		ASSERT_EQ(0, unload())
			TH_LOG("cycle %d: delete_module: %s", i,
			       strerror(errno));
		ASSERT_FALSE(loaded()) TH_LOG("cycle %d", i);
		usleep(20000);
		ASSERT_EQ(0, load(self->kofd))
			TH_LOG("cycle %d: finit_module: %s", i,
			       strerror(errno));
		ASSERT_TRUE(loaded()) TH_LOG("cycle %d", i);
		fd = fl_open();
		ASSERT_LE(0, fd) TH_LOG("cycle %d: %s: %s", i,
					FAULTLAT_DEVICE, strerror(errno));
		ASSERT_EQ(0, fl_info(fd, &info));
		close(fd);
		ASSERT_EQ(TLB_PROBES, info.probes & TLB_PROBES)
			TH_LOG("cycle %d: probes %#x", i, info.probes);
		ASSERT_EQ(0, waitpid(self->wl, &status, WNOHANG))
			TH_LOG("cycle %d: the workload died", i);
		usleep(20000);
	}
	FL_INFO("%d cycles of rmmod and insmod under the workload\n", CYCLES);
	kill(self->wl, SIGKILL);
	ASSERT_EQ(self->wl, waitpid(self->wl, &status, 0));
	self->wl = -1;
	ASSERT_TRUE(loaded());

	/* the last load counts the flushes of a new process */
	fd = fl_open();
	ASSERT_LE(0, fd) TH_LOG("%s: %s", FAULTLAT_DEVICE, strerror(errno));
	ASSERT_EQ(0, wl_run(fd, &check, &r)) TH_LOG("%s", strerror(errno));
	close(fd);
	ASSERT_TRUE(wl_ok(&r)) TH_LOG("status %#x", r.status);
	check_stats(_metadata, "after the cycles", &r.t.stats);
	ASSERT_LE(r.munmaps, r.t.stats.flush.count);
	ASSERT_LT(0, r.t.stats.remote);
}

TEST_HARNESS_MAIN
