// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat's time by cause (module parameter causes) against meters of
 * its own, recorded by ftrace in an instance of ours in the same run:
 *
 * - uffd: a userfaultfd handler thread that sleeps UFFD_SLEEP_MS before
 *   each UFFDIO_COPY.  The faulting thread waits for it asleep in S
 *   (sched_switch out and back in, inside the fault as in mmap_lock,
 *   below): each fault's uffd_ns is its sleeps' (in S, or in D: with no
 *   I/O, every sleep in a fault on a registered VMA is uffd's, but for
 *   one waiting for mmap_lock), fault by fault as in mmap_lock, with
 *   FAULT_SLACK_US and UFFD_PCT, and at most the time the thread
 *   measured around its access (CLOCK_MONOTONIC).  Its sleeps in S add
 *   up to at least half the handler's delays: each starts when the
 *   thread gets off CPU, which a busy TCG host may put off past the
 *   handler's wake-up and the start of its delay, so no one sleep need
 *   last a whole delay.  On 6.4+ each such fault falls back from the
 *   per-VMA lock (handle_userfault() drops it) and has fallback time,
 *   within what it measured less the handler's;
 * - page_lock: a thread faults on a shmem page whose lock the test holds
 *   (through selftests/faultlat/pagelock's module) PL_HOLD_MS by its own
 *   clock once it sees it blocked: the fault's page_lock_ns is at least
 *   that, less PL_SLACK_US, and it has no io_ns;
 * - zeroing: faults on fresh hugetlb pages, timed against kprobe events
 *   on the function that clears them (see the test);
 * - reclaim: a process in a memory cgroup of MEMCG_MAX bytes reads a file
 *   four times that size through a mapping: each fault's reclaim time is
 *   the sum of end - begin of the vmscan reclaim events of that process
 *   since its last fault, fault by fault as in mmap_lock (below), with
 *   RECLAIM_PAIR_US and RECLAIM_PCT; the process's reclaim time
 *   (FAULTLAT_IOC_TASK) is its events', and its cgroup's
 *   (FAULTLAT_IOC_CGROUP) and its tree's (FAULTLAT_IOC_TREE) too;
 * - io: the same process reads the file, cold and without readahead,
 *   under an io.max read limit of 10 pages a second: major faults wait
 *   for their read, but not all (a brd read that the limit lets through
 *   at once completes in the submitter, with no wait: the more a loaded
 *   host stretches the guest's time between faults, the more reads pass),
 *   so some must.  A fault slept in D (sched_switch out in state D, back
 *   in, told by the order of the thread's events as in mmap_lock, below)
 *   exactly when faultlat gave it I/O or page lock time, and it had I/O
 *   time only if it slept; every fault's io_ns is at most its latency.
 *   Fault by fault as in mmap_lock, its I/O and page lock time is its
 *   D sleeps' (page_lock_ns included: a wait for a page being read is
 *   I/O, and must be), the sum of those not apart within IO_PAIR_US a
 *   sleep plus IO_PCT percent;
 * - mmap_lock: the same process reads a cold file (its faults retry after
 *   the read, under mmap_lock) while a thread of its own holds mmap_lock
 *   for writing in a loop (mprotect() of a large populated range).  The
 *   mmap_lock waits of a fault are the reading thread's
 *   mmap_lock_start_locking to mmap_lock_acquire_returned inside it, told
 *   by the order of the thread's events, not by their times: from its
 *   first handle_mm_fault() entry (a kprobe event of the test's) to its
 *   faultlat:fault event, whose time stamp, taken after the return, can
 *   be late by as long as the host preempts the guest.  Each fault's
 *   mmap_lock time is its waits' within FAULT_SLACK_US a wait plus
 *   LOCK_PCT percent: the two probes' time stamps at each end differ by
 *   their handlers' costs, up to some 100 µs on the debug kernel under
 *   TCG.  A host preemption between them puts a fault apart, by as long
 *   as it lasted: the more loaded the host, the more faults (the debug
 *   kernel at a host load of 6: 44 of 512, by up to 4 ms).  At most
 *   APART plus APART_PCT percent of the faults that waited may be
 *   apart, and the others' sum must be their waits' within LOCK_PAIR_US
 *   a wait plus LOCK_PCT percent: a fault's waits missed or counted
 *   twice fail either.
 *
 * In every test, every faultlat:fault event has its causes add up to no
 * more than its latency (the rest, latency minus causes, is never
 * negative), and the ioctl's totals likewise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"

#define PARAM		"/sys/module/faultlat/parameters/causes"
#define CG_MNT		"/sys/fs/cgroup"
#define TRACE_BUF_KB	"16384"

#define UFFD_PAGES	24
#define UFFD_SLEEP_MS	20
#define UFFD_PCT	2

#define FILE_PAGES	4096	/* 16 MiB */
#define MEMCG_MAX	(4 << 20)
#define RECLAIM_PAIR_US	20	/* two µs timestamps, probes run in turn */
/* reclaim and mmap_lock, fault by fault (struct by_fault) */
#define FAULT_SLACK_US	150	/* an interval's, in one fault */
#define APART		3	/* faults set apart: at most 3 ... */
#define APART_PCT	15	/* ... and 15 % of those compared */
#define RECLAIM_PCT	2

#define IO_PAGES	24
#define IO_RBPS		"40960"	/* 10 pages a second */
#define IO_PAIR_US	20
#define IO_PCT		2

#define LOCK_PAGES	512
#define STORM_PAGES	16384	/* 64 MiB that mprotect() walks */
#define LOCK_PAIR_US	20
#define LOCK_PCT	2
/* the start of a fault: a kprobe event at handle_mm_fault()'s entry */
#define FAULT_IN_ADD	"p:fl_fault_in handle_mm_fault\n"
#define FAULT_IN_DEL	"-:fl_fault_in\n"

/* one faultlat:fault event */
struct fev {
	__u64 ts_ns;
	__u32 pid;
	__u64 address;
	__u64 latency_ns;
	int major;
	__u64 cz[FAULTLAT_NR_CAUSES_ALL];
	__u64 lock_ns;		/* its mmap_lock waits by the trace ... */
	unsigned int lock_waits;	/* ... and how many */
	__u64 rc_ns;		/* the reclaim since the thread's last fault ... */
	unsigned int rc_pairs;	/* ... and its pairs */
	__u64 d_ns;		/* its time off CPU in state D by the trace ... */
	unsigned int d_sleeps;	/* ... and how many times */
	__u64 s_ns;		/* and in state S ... */
	unsigned int s_sleeps;	/* ... how many times */
};

/*
 * Faults compared one by one with a meter: those off by more than their
 * slack are set apart (a host preemption between faultlat's time stamp
 * and the trace's at one end of an interval makes it seem longer or
 * shorter by as long), the others are summed.
 */
struct by_fault {
	__u64 fl, meter;	/* the others' sums */
	size_t n;		/* their intervals */
	size_t faults, apart;
};

static void by_fault_add(struct by_fault *b, const char *what,
			 const struct fev *e, __u64 fl, __u64 meter,
			 unsigned int n, unsigned int pct, unsigned int us)
{
	__u64 slack = meter * pct / 100 + (n ?: 1) * us * 1000ULL;

	if (!fl && !n)
		return;
	b->faults++;
	if (llabs((long long)(fl - meter)) > (long long)slack) {
		if (b->apart++ < 3)
			FL_INFO("%s: apart: %llu.%06llu: %llu, %u by ftrace %llu\n",
				what, e->ts_ns / 1000000000ULL,
				e->ts_ns % 1000000000ULL / 1000,
				(unsigned long long)fl, n,
				(unsigned long long)meter);
		return;
	}
	b->fl += fl;
	b->meter += meter;
	b->n += n;
}

/* one begin/end interval, in trace time */
struct span {
	__u64 a, b;
};

struct trace {
	char path[256];
	struct fev *ev;
	size_t nev;
	struct span *sp;	/* reclaim pairs, or huge page zeroings */
	size_t nsp;
	size_t nlk;		/* mmap_lock waits, in faults or not */
};

static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

static char *slurp(const char *path)
{
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (!buf || fd < 0) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (;;) {
		if (cap - len < 65536) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

static const char *tracing_dir(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing",
					    "/sys/kernel/debug/tracing" };
	char p[128];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/instances", dirs[i]);
		if (!access(p, F_OK))
			return dirs[i];
	}
	return NULL;
}

static int tr_write(struct trace *t, const char *file, const char *val)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", t->path, file);
	return write_str(p, val);
}

static int tr_create(struct trace *t)
{
	const char *d = tracing_dir();

	memset(t, 0, sizeof(*t));
	if (!d)
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/instances/fl-causes.%d", d,
		 getpid());
	rmdir(t->path);
	if (mkdir(t->path, 0700))
		return -1;
	if (tr_write(t, "tracing_on", "0") ||
	    tr_write(t, "buffer_size_kb", TRACE_BUF_KB))
		return -1;
	return 0;
}

/* enable SYS/EVENT with FILTER (or none) */
static int tr_event(struct trace *t, const char *ev, const char *filter)
{
	char f[256];

	if (filter) {
		snprintf(f, sizeof(f), "events/%s/filter", ev);
		if (tr_write(t, f, filter))
			return -1;
	}
	snprintf(f, sizeof(f), "events/%s/enable", ev);
	return tr_write(t, f, "1");
}

/* add or remove kprobe events: @def, kprobe_events' syntax */
static int kprobe_def(const char *def)
{
	const char *d = tracing_dir();
	char p[256];
	int fd, err = 0;

	if (!d)
		return -1;
	snprintf(p, sizeof(p), "%s/kprobe_events", d);
	fd = open(p, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, def, strlen(def)) != (ssize_t)strlen(def))
		err = -1;
	close(fd);
	return err;
}

static void tr_destroy(struct trace *t)
{
	if (t->path[0]) {
		tr_write(t, "tracing_on", "0");
		rmdir(t->path);
	}
	free(t->ev);
	free(t->sp);
	t->ev = NULL;
	t->sp = NULL;
	t->path[0] = '\0';
}

/*
 * The timestamp of @line, in ns (µs precision); 0 when none: the first
 * word after the CPU's "[NNN]" that reads "SECS.USECS:".
 */
static __u64 line_ts(const char *line, const char *at)
{
	const char *p = strstr(line, "] ");
	unsigned long s, us;
	char colon;

	while (p && p < at) {
		while (*p == ' ' || *p == ']')
			p++;
		if (sscanf(p, "%lu.%lu%c", &s, &us, &colon) == 3 &&
		    colon == ':')
			return (__u64)s * 1000000000ULL + (__u64)us * 1000ULL;
		p = strchr(p, ' ');
	}
	return 0;
}

static __u64 field(const char *s, const char *name)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), " %s=", name);
	p = strstr(s, key);
	if (!p)
		return 0;
	return strtoull(p + strlen(key), NULL, 0);
}

static void push_ev(struct trace *t, const struct fev *e)
{
	t->ev = realloc(t->ev, (t->nev + 1) * sizeof(*t->ev));
	t->ev[t->nev++] = *e;
}

static void push_sp(struct trace *t, __u64 a, __u64 b)
{
	t->sp = realloc(t->sp, (t->nsp + 1) * sizeof(*t->sp));
	t->sp[t->nsp].a = a;
	t->sp[t->nsp].b = b;
	t->nsp++;
}

/*
 * Read the instance: faultlat:fault events, reclaim begin/end pairs,
 * mmap_lock waits, and for thread @tid its sleeps in state D and in
 * state S (off CPU, sched_switch out and back in).  The lines come in
 * time order, so a thread's events come in the order it made them: a
 * wait or a sleep is a fault's (fev's lock_ns, d_ns, s_ns) when it
 * starts after the fault's first handle_mm_fault() entry (causes_test's
 * kprobe event fl_fault_in) and ends before its faultlat:fault event.
 */
static int tr_parse(struct trace *t, pid_t tid)
{
	static const char *const names[FAULTLAT_NR_CAUSES_ALL] = {
		"reclaim_ns", "compaction_ns", "mmap_lock_ns", "io_ns",
		"uffd_ns", "page_lock_ns", "fallback_ns", "zeroing_ns" };
	char p[512], *text, *line, *save = NULL;
	__u64 begin = 0, out = 0, lock = 0, zin = 0;
	char out_state = 0;
	unsigned int depth = 0;	/* reclaim nests (direct inside memcg's) */
	bool in = false, lock_in = false;
	__u64 lock_ns = 0, rc_ns = 0, d_ns = 0, s_ns = 0;
	unsigned int lock_waits = 0, rc_pairs = 0, d_sleeps = 0, s_sleeps = 0;
	unsigned int i;

	snprintf(p, sizeof(p), "%s/trace", t->path);
	text = slurp(p);
	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *at;

		if (line[0] == '#')
			continue;
		at = strstr(line, ": fault: ");
		if (at) {
			struct fev e = { 0 };

			e.ts_ns = line_ts(line, at);
			e.pid = field(at, "pid");
			e.address = field(at, "address");
			e.latency_ns = field(at, "latency_ns");
			e.major = !!strstr(at, "outcome=major");
			for (i = 0; i < FAULTLAT_NR_CAUSES_ALL; i++)
				e.cz[i] = field(at, names[i]);
			e.lock_ns = lock_ns;
			e.lock_waits = lock_waits;
			e.rc_ns = rc_ns;
			e.rc_pairs = rc_pairs;
			e.d_ns = d_ns;
			e.d_sleeps = d_sleeps;
			e.s_ns = s_ns;
			e.s_sleeps = s_sleeps;
			rc_ns = 0;
			rc_pairs = 0;
			push_ev(t, &e);
			in = false;
			continue;
		}
		if (strstr(line, ": fl_fault_in: ")) {
			if (!in) {
				lock_ns = 0;
				lock_waits = 0;
				d_ns = 0;
				d_sleeps = 0;
				s_ns = 0;
				s_sleeps = 0;
			}
			in = true;
			continue;
		}
		/* causes_test's kprobe events: a huge page's zeroing */
		at = strstr(line, ": fl_zero_in: ");
		if (at) {
			zin = line_ts(line, at);
			continue;
		}
		at = strstr(line, ": fl_zero_out: ");
		if (at) {
			if (zin)
				push_sp(t, zin, line_ts(line, at));
			zin = 0;
			continue;
		}
		at = strstr(line, "_reclaim_begin: ");
		if (at) {
			if (!depth++)
				begin = line_ts(line, at);
			continue;
		}
		at = strstr(line, "_reclaim_end: ");
		if (at) {
			if (depth && !--depth && begin) {
				push_sp(t, begin, line_ts(line, at));
				rc_ns += line_ts(line, at) - begin;
				rc_pairs++;
			}
			continue;
		}
		at = strstr(line, ": mmap_lock_start_locking: ");
		if (at) {
			lock = line_ts(line, at);
			lock_in = in;
			continue;
		}
		at = strstr(line, ": mmap_lock_acquire_returned: ");
		if (at) {
			if (lock) {
				t->nlk++;
				if (lock_in && in) {
					lock_ns += line_ts(line, at) - lock;
					lock_waits++;
				}
			}
			lock = 0;
			continue;
		}
		at = strstr(line, ": sched_switch: ");
		if (at && tid) {
			/* out: "prev_comm=X prev_pid=TID ... prev_state=D ==>" */
			if ((__u64)tid == field(at, "prev_pid")) {
				char *st = strstr(at, "prev_state=");

				out_state = st ? st[11] : 0;
				out = in && (out_state == 'D' || out_state == 'S') ?
				      line_ts(line, at) : 0;
			} else if ((__u64)tid == field(at, "next_pid")) {
				if (out && in && out_state == 'D') {
					d_ns += line_ts(line, at) - out;
					d_sleeps++;
				} else if (out && in) {
					s_ns += line_ts(line, at) - out;
					s_sleeps++;
				}
				out = 0;
			}
		}
	}
	free(text);
	return 0;
}

/*
 * Mark in @t where each fault of thread @tid begins (kprobe event
 * fl_fault_in, for tr_parse()), and with @sleeps record its
 * sched_switch events too.
 */
static int tr_faults_on(struct trace *t, pid_t tid, bool sleeps)
{
	char filter[64];

	kprobe_def(FAULT_IN_DEL);	/* a failed run's */
	if (kprobe_def(FAULT_IN_ADD))
		return -1;
	snprintf(filter, sizeof(filter), "common_pid == %d", tid);
	if (tr_event(t, "kprobes/fl_fault_in", filter))
		return -1;
	if (!sleeps)
		return 0;
	snprintf(filter, sizeof(filter), "prev_pid == %d || next_pid == %d",
		 tid, tid);
	return tr_event(t, "sched/sched_switch", filter);
}

/*
 * Stop the marks of tr_faults_on(), read @t (tr_parse() for @tid) and
 * remove the kprobe event: after the read, as removing one empties every
 * trace buffer.
 */
static int tr_faults_parse(struct trace *t, pid_t tid)
{
	int err = tr_write(t, "events/kprobes/enable", "0");

	if (!err)
		err = tr_parse(t, tid);
	kprobe_def(FAULT_IN_DEL);
	return err;
}

static int causes_set(const char *v)
{
	return write_str(PARAM, v);
}

/* Every event's causes within its latency; returns the bad ones. */
static size_t events_over(const struct trace *t)
{
	size_t i, bad = 0;
	unsigned int c;

	for (i = 0; i < t->nev; i++) {
		__u64 sum = 0;

		for (c = 0; c < FAULTLAT_NR_CAUSES; c++)
			sum += t->ev[i].cz[c];
		if (sum > t->ev[i].latency_ns)
			bad++;
	}
	return bad;
}

static __u64 causes_sum(const struct faultlat_causes *cz,
			const struct faultlat_causes_more *more)
{
	__u64 s = 0;
	unsigned int c;

	for (c = 0; c < FAULTLAT_NR_CAUSES; c++)
		s += cz->ns[c];
	for (c = 0; c < FAULTLAT_NR_CAUSES_MORE; c++)
		s += more->ns[c];
	return s;
}

/* the slot of cause @c of struct faultlat_causes_more */
#define MORE(c)	((c) - FAULTLAT_NR_CAUSES)

/* cgroup2 at CG_MNT, mounted by cg_enable() when it was not */
static bool cg_mounted;

FIXTURE(causes) {
	int fd;
	char old[16];
	struct trace t;
};

FIXTURE_SETUP(causes)
{
	self->fd = fl_open();
	self->old[0] = '\0';
	memset(&self->t, 0, sizeof(self->t));
	if (self->fd < 0)
		SKIP(return, "no %s: %s", FAULTLAT_DEVICE, strerror(errno));
	if (fl_read_file(PARAM, self->old, sizeof(self->old)))
		SKIP(return, "no module parameter causes (older module)");
	ASSERT_EQ(0, causes_set("1")) TH_LOG("causes=1: %s", strerror(errno));
	ASSERT_EQ(0, tr_create(&self->t)) TH_LOG("tracefs instance: %s",
						 strerror(errno));
}

FIXTURE_TEARDOWN(causes)
{
	tr_destroy(&self->t);
	if (cg_mounted && !umount(CG_MNT))
		cg_mounted = false;
	if (self->old[0])
		causes_set(self->old[0] == 'Y' || self->old[0] == '1' ?
			   "1" : "0");
	if (self->fd >= 0)
		close(self->fd);
}

/* --- uffd --- */

TEST_F_TIMEOUT(causes, uffd, 120)
{
	struct fl_uffd_server u = {
		.pages = UFFD_PAGES,
		.delay_us = UFFD_SLEEP_MS * 1000,
		.ps = fl_page_size(),
	};
	char *area;
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct faultlat_task task;
	char filter[64];
	pthread_t th;
	size_t i, seen = 0, fell = 0;
	struct by_fault b = { 0 };
	pid_t tid = fl_gettid();
	__u64 took[UFFD_PAGES], fl_uffd = 0, handler = 0;
	const __u64 *fb;
	struct timespec t0, t1;

	u.uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (u.uffd < 0)
		SKIP(return, "userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(u.uffd, UFFDIO_API, &api));
	area = mmap(NULL, UFFD_PAGES * u.ps, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	reg.range.start = (unsigned long)area;
	reg.range.len = UFFD_PAGES * u.ps;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ASSERT_EQ(0, ioctl(u.uffd, UFFDIO_REGISTER, &reg));

	ASSERT_EQ(0, tr_faults_on(&self->t, tid, true))
		TH_LOG("kprobe event on handle_mm_fault: %s", strerror(errno));
	snprintf(filter, sizeof(filter), "pid == %d", tid);
	ASSERT_EQ(0, tr_event(&self->t, "faultlat/fault", filter));
	ASSERT_EQ(0, pthread_create(&th, NULL, fl_uffd_serve, &u));
	ASSERT_EQ(0, tr_write(&self->t, "tracing_on", "1"));
	for (i = 0; i < UFFD_PAGES; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		fl_touch_read(area + i * u.ps, 1);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		took[i] = (t1.tv_sec - t0.tv_sec) * 1000000000ULL +
			  t1.tv_nsec - t0.tv_nsec;
	}
	ASSERT_EQ(0, tr_write(&self->t, "tracing_on", "0"));
	pthread_join(th, NULL);
	ASSERT_EQ(0, tr_faults_parse(&self->t, tid));
	ASSERT_EQ(UFFD_PAGES, u.served);

	for (i = 0; i < self->t.nev; i++) {
		const struct fev *e = &self->t.ev[i];
		size_t pg = (e->address - (unsigned long)area) / u.ps;
		__u64 uf = e->cz[FAULTLAT_CAUSE_UFFD];
		__u64 lk = e->cz[FAULTLAT_CAUSE_MMAP_LOCK];

		if (e->address < (unsigned long)area || pg >= UFFD_PAGES)
			continue;
		seen++;
		fb = &e->cz[FAULTLAT_CAUSE_FALLBACK];
		FL_INFO("uffd page %zu: access %llu, latency %llu, uffd %llu, fallback %llu ns\n",
			pg, (unsigned long long)took[pg],
			(unsigned long long)e->latency_ns,
			(unsigned long long)uf, (unsigned long long)*fb);
		FL_INFO("uffd page %zu: mmap_lock %llu; %u sleeps in S, %u in D, %llu ns\n",
			pg, (unsigned long long)lk, e->s_sleeps, e->d_sleeps,
			(unsigned long long)(e->s_ns + e->d_ns));
		/* the wait for the handler is a sleep in S */
		EXPECT_LE(1, e->s_sleeps);
		/*
		 * no I/O here: every sleep in a fault on its VMA is uffd's
		 * but one waiting for mmap_lock, which is in D (a wait for
		 * mmap_lock need not sleep)
		 */
		by_fault_add(&b, "uffd", e, uf + (lk < e->d_ns ? lk : e->d_ns),
			     e->s_ns + e->d_ns, e->s_sleeps + e->d_sleeps,
			     UFFD_PCT, FAULT_SLACK_US);
		EXPECT_GE(took[pg], uf + *fb);
		EXPECT_EQ(0, e->cz[FAULTLAT_CAUSE_PAGE_LOCK]);
		fell += !!*fb;
		fl_uffd += uf;
		handler += e->s_ns;
	}
	EXPECT_EQ(UFFD_PAGES, seen);
	FL_INFO("uffd: %zu faults, %zu apart; rest: %zu sleeps %llu, %llu; in S %llu ns\n",
		b.faults, b.apart, b.n, (unsigned long long)b.meter,
		(unsigned long long)b.fl, (unsigned long long)handler);
	EXPECT_EQ(UFFD_PAGES, b.faults);
	EXPECT_GE(APART + b.faults * APART_PCT / 100, b.apart);
	EXPECT_GE(b.meter * UFFD_PCT / 100 + b.n * FAULT_SLACK_US * 1000ULL,
		  llabs((long long)(b.fl - b.meter)));
	/* the sleeps are the handler's: its delay, less how late they began */
	EXPECT_LE(UFFD_PAGES * UFFD_SLEEP_MS * 1000000ULL / 2, handler);
	/*
	 * Under the per-VMA lock (6.4+), handle_userfault() drops it and
	 * returns VM_FAULT_RETRY: the fault is done again under mmap_lock,
	 * and that attempt's own work is the fallback's.  (The first fault
	 * of a VMA without an anon_vma may start under mmap_lock.)  6.1 has
	 * no fallback.
	 */
	if (fl_vma_lock_faults())
		EXPECT_LE(UFFD_PAGES - 1, fell);
	if (!fl_vma_lock_faults())
		EXPECT_EQ(0, fell);
	EXPECT_EQ(0, events_over(&self->t));
	ASSERT_EQ(0, fl_task(self->fd, tid, false, &task));
	FL_INFO("uffd: %zu/%zu with fallback time; thread: %llu fallbacks, %llu with, %llu ns\n",
		fell, seen, (unsigned long long)task.fallbacks,
		(unsigned long long)task.causes_more.with[MORE(FAULTLAT_CAUSE_FALLBACK)],
		(unsigned long long)task.causes_more.ns[MORE(FAULTLAT_CAUSE_FALLBACK)]);
	/* a fault with fallback time fell back; the thread's others may too */
	EXPECT_LE(fell, task.causes_more.with[MORE(FAULTLAT_CAUSE_FALLBACK)]);
	EXPECT_GE(task.fallbacks,
		  task.causes_more.with[MORE(FAULTLAT_CAUSE_FALLBACK)]);
	EXPECT_EQ(UFFD_PAGES, task.causes.with[FAULTLAT_CAUSE_UFFD]);
	EXPECT_EQ(fl_uffd, task.causes.ns[FAULTLAT_CAUSE_UFFD]);
	EXPECT_GE(task.causes.latency_ns, causes_sum(&task.causes, &task.causes_more));
	munmap(area, UFFD_PAGES * u.ps);
	close(u.uffd);
}

/* --- page_lock: a page locked by another task (faultlat_pagelock.ko) --- */

#define PL_FILE		"/sys/kernel/debug/faultlat_pagelock"
#define PL_HOLD_MS	100
#define PL_SLACK_US	2000	/* the wake-up, rounding, two clocks */

struct pl_reader {
	char *addr;
	pid_t tid;
	struct timespec t0, t1;
	int started;	/* __atomic */
};

static void *pl_read(void *arg)
{
	struct pl_reader *r = arg;

	r->tid = fl_gettid();
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	__atomic_store_n(&r->started, 1, __ATOMIC_RELEASE);
	fl_touch_read(r->addr, 1);
	clock_gettime(CLOCK_MONOTONIC, &r->t1);
	return NULL;
}

static __u64 ts_ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000ULL + t->tv_nsec;
}

/* the state letter of thread @tid of this process, '?' if unknown */
static char thread_state(pid_t tid)
{
	char p[64], buf[512], *s;

	snprintf(p, sizeof(p), "/proc/self/task/%d/stat", tid);
	if (fl_read_file(p, buf, sizeof(buf)))
		return '?';
	s = strrchr(buf, ')');
	return s && s[1] == ' ' ? s[2] : '?';
}

/*
 * A thread faults on a shmem page that is up to date (in the page cache,
 * its mapping zapped) while the test holds the page's lock through the
 * test module: shmem_fault() sleeps in folio_lock() until the test
 * unlocks it, PL_HOLD_MS after it saw the thread blocked (state D in
 * /proc).  At least that is the page lock's, measured by the test's own
 * clock, not I/O's.
 */
TEST_F_TIMEOUT(causes, page_lock, 120)
{
	const char *ko = getenv("FAULTLAT_PAGELOCK_KO");
	struct pl_reader r = { 0 };
	struct faultlat_task task;
	size_t ps = fl_page_size(), i, seen = 0;
	char filter[64], cmd[64];
	__u64 held, took, pl = 0;
	struct timespec tb, tu;
	int polls;
	pthread_t th;
	int fd, kofd;

	if (!ko || !*ko)
		SKIP(return, "FAULTLAT_PAGELOCK_KO not set (the test module)");
	kofd = open(ko, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, kofd) TH_LOG("%s: %s", ko, strerror(errno));
	ASSERT_TRUE(!syscall(__NR_finit_module, kofd, "", 0) ||
		    errno == EEXIST) TH_LOG("load %s: %s", ko, strerror(errno));
	close(kofd);
	fd = memfd_create("faultlat-page-lock", MFD_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, ps));
	r.addr = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, r.addr);
	fl_touch_write(r.addr, 1);

	snprintf(filter, sizeof(filter), "tgid == %d", getpid());
	ASSERT_EQ(0, tr_event(&self->t, "faultlat/fault", filter));
	ASSERT_EQ(0, tr_write(&self->t, "tracing_on", "1"));
	snprintf(cmd, sizeof(cmd), "lock %lx", (unsigned long)r.addr);
	ASSERT_EQ(0, write_str(PL_FILE, cmd)) TH_LOG("%s", strerror(errno));
	/* the page stays in the cache, locked; the next access faults */
	ASSERT_EQ(0, madvise(r.addr, ps, MADV_DONTNEED));
	ASSERT_EQ(0, pthread_create(&th, NULL, pl_read, &r));
	while (!__atomic_load_n(&r.started, __ATOMIC_ACQUIRE))
		usleep(1000);
	/* the thread asleep on the lock (5 s at most) */
	for (polls = 0; polls < 5000 && thread_state(r.tid) != 'D'; polls++)
		usleep(1000);
	clock_gettime(CLOCK_MONOTONIC, &tb);
	EXPECT_EQ('D', thread_state(r.tid));
	usleep(PL_HOLD_MS * 1000);
	clock_gettime(CLOCK_MONOTONIC, &tu);
	ASSERT_EQ(0, write_str(PL_FILE, "unlock"));
	pthread_join(th, NULL);
	ASSERT_EQ(0, tr_write(&self->t, "tracing_on", "0"));
	syscall(__NR_delete_module, "faultlat_pagelock", O_NONBLOCK);
	ASSERT_EQ(0, tr_parse(&self->t, 0));

	held = ts_ns(&tu) - ts_ns(&tb);
	took = ts_ns(&r.t1) - ts_ns(&r.t0);
	for (i = 0; i < self->t.nev; i++) {
		const struct fev *e = &self->t.ev[i];

		if (e->pid != (__u32)r.tid || e->address != (unsigned long)r.addr)
			continue;
		seen++;
		pl = e->cz[FAULTLAT_CAUSE_PAGE_LOCK];
		FL_INFO("page_lock: held %llu, access %llu, latency %llu, lock %llu, io %llu ns\n",
			(unsigned long long)held, (unsigned long long)took,
			(unsigned long long)e->latency_ns,
			(unsigned long long)pl,
			(unsigned long long)e->cz[FAULTLAT_CAUSE_IO]);
		EXPECT_LE(held - PL_SLACK_US * 1000ULL, pl);
		EXPECT_GE(e->latency_ns, pl);
		EXPECT_GE(took, e->latency_ns);
		EXPECT_EQ(0, e->cz[FAULTLAT_CAUSE_IO]);
	}
	EXPECT_EQ(1, seen);
	EXPECT_LE(PL_HOLD_MS * 1000000ULL, held);
	/* the process's: the thread is gone, its faults are in it */
	ASSERT_EQ(0, fl_task(self->fd, getpid(), true, &task));
	EXPECT_EQ(1, task.causes_more.with[MORE(FAULTLAT_CAUSE_PAGE_LOCK)]);
	EXPECT_EQ(pl, task.causes_more.ns[MORE(FAULTLAT_CAUSE_PAGE_LOCK)]);
	EXPECT_GE(task.causes.latency_ns,
		  causes_sum(&task.causes, &task.causes_more));
	munmap(r.addr, ps);
	close(fd);
}

/* --- zeroing: huge pages cleared before they are mapped --- */

#define NR_HUGE		"/proc/sys/vm/nr_hugepages"
#define HUGE_SIZE	(2UL << 20)
#define ZERO_PAGES	4
#define ZERO_POOL	"4"
#define ZERO_SLACK_US	50	/* two µs time stamps, clocks rounded */
#define ZERO_CLOCK_PCT	2	/* faultlat's clock against the trace's */

/* kprobe events on the kernel's zeroing function, entry and return */
static int zero_events(const char *fn, bool add)
{
	char def[128];

	if (add)
		snprintf(def, sizeof(def), "p:fl_zero_in %s\nr:fl_zero_out %s\n",
			 fn, fn);
	else
		snprintf(def, sizeof(def), "-:fl_zero_in\n-:fl_zero_out\n");
	return kprobe_def(def);
}

/*
 * A write to each of ZERO_PAGES fresh MAP_HUGETLB pages (a pool of the
 * test's making): the kernel clears each 2 MiB page before it maps it.
 * The meter: kprobe events of the test's own, in its tracefs instance,
 * at the entry and return of the function that clears it
 * (folio_zero_user() since 6.11, clear_huge_page() before), their time
 * stamps the kernel's.  The events' handlers run outside faultlat's
 * probes on the same function (a newer kprobe's pre-handler runs first,
 * and its return handler last), and each costs tens to hundreds of µs
 * under TCG, more when the host preempts the guest then: faultlat's time
 * must lie within the events' (give or take the two clocks' difference
 * and a rounding slack) and be at least half of it, each call counted
 * once.
 */
TEST_F_TIMEOUT(causes, zeroing, 120)
{
	const char *fn = fl_kernel_version() >= 6011 ? "folio_zero_user" :
			 "clear_huge_page";
	char filter[64], old[32] = "";
	struct faultlat_task task;
	__u64 meter = 0, fl_zero = 0;
	size_t i, j, seen = 0, nin = 0;
	pid_t tid = fl_gettid();
	char *area;

	/* no nr_hugepages: a kernel without hugetlb (the 6.1 debug kernel) */
	if (fl_read_file(NR_HUGE, old, sizeof(old)))
		SKIP(return, "%s: %s", NR_HUGE, strerror(errno));
	ASSERT_EQ(0, zero_events(fn, true))
		TH_LOG("kprobe events on %s: %s", fn, strerror(errno));
	if (write_str(NR_HUGE, ZERO_POOL)) {
		zero_events(fn, false);
		SKIP(return, "no hugetlb pool: %s", strerror(errno));
	}
	area = mmap(NULL, ZERO_PAGES * HUGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (area == MAP_FAILED) {
		write_str(NR_HUGE, old);
		zero_events(fn, false);
		SKIP(return, "MAP_HUGETLB: %s", strerror(errno));
	}
	snprintf(filter, sizeof(filter), "common_pid == %d", tid);
	ASSERT_EQ(0, tr_event(&self->t, "kprobes/fl_zero_in", filter));
	ASSERT_EQ(0, tr_event(&self->t, "kprobes/fl_zero_out", filter));
	snprintf(filter, sizeof(filter), "pid == %d", tid);
	ASSERT_EQ(0, tr_event(&self->t, "faultlat/fault", filter));
	ASSERT_EQ(0, tr_write(&self->t, "tracing_on", "1"));
	for (i = 0; i < ZERO_PAGES; i++)
		area[i * HUGE_SIZE] = 1;
	ASSERT_EQ(0, tr_write(&self->t, "tracing_on", "0"));
	ASSERT_EQ(0, tr_write(&self->t, "events/kprobes/enable", "0"));
	ASSERT_EQ(0, fl_task(self->fd, tid, false, &task));
	munmap(area, ZERO_PAGES * HUGE_SIZE);
	write_str(NR_HUGE, old);
	/* before the events go: removing one empties every trace buffer */
	ASSERT_EQ(0, tr_parse(&self->t, 0));
	zero_events(fn, false);

	for (i = 0; i < self->t.nev; i++) {
		const struct fev *e = &self->t.ev[i];
		__u64 from = e->ts_ns - e->latency_ns, in = 0;

		if (e->address < (unsigned long)area ||
		    e->address >= (unsigned long)area + ZERO_PAGES * HUGE_SIZE)
			continue;
		seen++;
		/* the clearing of this fault's page (µs time stamps) */
		for (j = 0; j < self->t.nsp; j++) {
			const struct span *s = &self->t.sp[j];

			if (s->a < e->ts_ns && s->b > from) {
				in += s->b - s->a;
				nin++;
			}
		}
		meter += in;
		fl_zero += e->cz[FAULTLAT_CAUSE_ZEROING];
		FL_INFO("zeroing: +%lu MiB: latency %llu, zeroing %llu, %s %llu ns\n",
			(unsigned long)(e->address - (unsigned long)area) >> 20,
			(unsigned long long)e->latency_ns,
			(unsigned long long)e->cz[FAULTLAT_CAUSE_ZEROING], fn,
			(unsigned long long)in);
		EXPECT_LT(0, e->cz[FAULTLAT_CAUSE_ZEROING]);
		EXPECT_GE(in + in * ZERO_CLOCK_PCT / 100 + ZERO_SLACK_US * 1000,
			  e->cz[FAULTLAT_CAUSE_ZEROING]);
		EXPECT_GE(e->latency_ns, e->cz[FAULTLAT_CAUSE_ZEROING]);
	}
	FL_INFO("zeroing: %zu faults, %zu calls of %s: ftrace %llu, faultlat %llu ns\n",
		seen, nin, fn, (unsigned long long)meter,
		(unsigned long long)fl_zero);
	EXPECT_EQ(ZERO_PAGES, seen);
	EXPECT_EQ(ZERO_PAGES, nin);
	EXPECT_LE(meter / 2, fl_zero);
	EXPECT_LE(ZERO_PAGES,
		  task.causes_more.with[MORE(FAULTLAT_CAUSE_ZEROING)]);
	EXPECT_LE(fl_zero, task.causes_more.ns[MORE(FAULTLAT_CAUSE_ZEROING)]);
	EXPECT_GE(task.causes.latency_ns,
		  causes_sum(&task.causes, &task.causes_more));
}

/* --- a child process in a cgroup of its own, reading a file --- */

struct child_run {
	char cg[128];
	pid_t pid;
	int go[2];
	bool storm;	/* a thread takes mmap_lock for writing meanwhile */
	bool sums;	/* read its cgroup's and its tree's sums too */
	int tree_fd;	/* the tree's: a file of its own */
	__u32 tree;
	struct faultlat_cgroup cgs;	/* its cgroup's (it is alone there) */
	struct faultlat_tree trs;	/* its tree's (it forks no child) */
};

static bool storm_stop;	/* __atomic: read by the storm thread */

/* mprotect() a large populated range, back and forth, until told */
static void *storm(void *arg)
{
	size_t len = STORM_PAGES * fl_page_size();
	char *p = arg;

	while (!__atomic_load_n(&storm_stop, __ATOMIC_RELAXED)) {
		mprotect(p, len, PROT_READ);
		mprotect(p, len, PROT_READ | PROT_WRITE);
	}
	return NULL;
}

static int cg_enable(const char *ctl)
{
	char buf[512], want[16];
	struct statfs sfs;

	if (statfs(CG_MNT, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		if (mount("cgroup2", CG_MNT, "cgroup2", 0, NULL))
			return -1;
		cg_mounted = true;
	}
	if (fl_read_file(CG_MNT "/cgroup.controllers", buf, sizeof(buf)) ||
	    !strstr(buf, ctl))
		return -1;
	if (fl_read_file(CG_MNT "/cgroup.subtree_control", buf, sizeof(buf)))
		return -1;
	if (strstr(buf, ctl))
		return 0;
	snprintf(want, sizeof(want), "+%s", ctl);
	return write_str(CG_MNT "/cgroup.subtree_control", want);
}

static int cg_set(const struct child_run *c, const char *file, const char *v)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", c->cg, file);
	return write_str(p, v);
}

/*
 * Fork a child that waits for go, then maps @path and reads @pages pages
 * of it (MADV_RANDOM if @random: one page a read), then exits.
 */
static int child_start(struct child_run *c, const char *path, size_t pages,
		       bool random)
{
	char v[32];

	snprintf(c->cg, sizeof(c->cg), CG_MNT "/fl-causes.%d", getpid());
	rmdir(c->cg);
	if (mkdir(c->cg, 0755) || pipe(c->go))
		return -1;
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (!c->pid) {
		size_t ps = fl_page_size();
		pthread_t th;
		char *s = NULL;
		char b;
		char *p;
		int fd;

		close(c->go[1]);
		if (c->storm) {
			s = fl_map_anon(STORM_PAGES);
			if (!s)
				_exit(4);
			fl_touch_write(s, STORM_PAGES);
		}
		if (read(c->go[0], &b, 1) != 1)
			_exit(2);
		if (s && pthread_create(&th, NULL, storm, s))
			_exit(5);
		fd = open(path, O_RDONLY);
		p = mmap(NULL, pages * ps, PROT_READ, MAP_SHARED, fd, 0);
		if (fd < 0 || p == MAP_FAILED)
			_exit(3);
		if (random)
			madvise(p, pages * ps, MADV_RANDOM);
		fl_touch_read(p, pages);
		if (s) {
			__atomic_store_n(&storm_stop, true, __ATOMIC_RELAXED);
			pthread_join(th, NULL);
		}
		_exit(0);
	}
	close(c->go[0]);
	snprintf(v, sizeof(v), "%d", c->pid);
	if (cg_set(c, "cgroup.procs", v))
		return -1;
	if (!c->sums)
		return 0;
	c->tree_fd = fl_open();
	memset(&c->trs, 0, sizeof(c->trs));
	c->trs.size = sizeof(c->trs);
	c->trs.op = FAULTLAT_TREE_OPEN;
	c->trs.pid = c->pid;
	if (c->tree_fd < 0 || ioctl(c->tree_fd, FAULTLAT_IOC_TREE, &c->trs))
		return -1;
	c->tree = c->trs.tree;
	return 0;
}

/* Its cgroup's and its tree's sums, once it is reaped: c->cgs, c->trs. */
static int child_sums(struct child_run *c, int fd)
{
	int dfd = open(c->cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err;

	memset(&c->cgs, 0, sizeof(c->cgs));
	c->cgs.size = sizeof(c->cgs);
	c->cgs.fd = dfd;
	err = dfd < 0 || ioctl(fd, FAULTLAT_IOC_CGROUP, &c->cgs);
	if (dfd >= 0)
		close(dfd);
	memset(&c->trs, 0, sizeof(c->trs));
	c->trs.size = sizeof(c->trs);
	c->trs.op = FAULTLAT_TREE_READ;
	c->trs.tree = c->tree;
	if (ioctl(c->tree_fd, FAULTLAT_IOC_TREE, &c->trs))
		err = -1;
	close(c->tree_fd);
	return err ? -1 : 0;
}

/* let it go, wait for its exit, read its record before reaping it */
static int child_finish(struct child_run *c, int fd, struct faultlat_task *t)
{
	siginfo_t si;
	int st, err;

	if (write(c->go[1], "g", 1) != 1)
		return -1;
	close(c->go[1]);
	if (waitid(P_PID, c->pid, &si, WEXITED | WNOWAIT))
		return -1;
	err = fl_task(fd, c->pid, true, t);
	waitpid(c->pid, &st, 0);
	if (c->sums && child_sums(c, fd))
		err = -1;
	rmdir(c->cg);
	if (err)
		return -1;
	return WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1;
}

TEST_F_TIMEOUT(causes, reclaim, 300)
{
	struct faultlat_task task;
	struct child_run c = { .storm = false, .sums = true };
	struct by_fault b = { 0 };
	struct fl_fs fs;
	char filter[64], v[32];
	__u64 meter = 0, fl_ev = 0, bound;
	size_t i;

	if (fl_fs_setup(&fs, "ext4", FILE_PAGES)) {
		fl_fs_teardown(&fs);
		if (fs.skip)
			SKIP(return, "%s", fs.why);
		ASSERT_TRUE(false) TH_LOG("%s", fs.why);
	}
	ASSERT_EQ(0, fl_fs_drop_cache(&fs)) TH_LOG("%s", fs.why);
	if (cg_enable("memory")) {
		fl_fs_teardown(&fs);
		SKIP(return, "no memory controller");
	}
	ASSERT_EQ(0, child_start(&c, fs.file, FILE_PAGES, false));
	snprintf(v, sizeof(v), "%d", MEMCG_MAX);
	ASSERT_EQ(0, cg_set(&c, "memory.max", v));
	snprintf(filter, sizeof(filter), "common_pid == %d", c.pid);
	ASSERT_EQ(0, tr_event(&self->t, "vmscan/mm_vmscan_memcg_reclaim_begin",
			      filter));
	ASSERT_EQ(0, tr_event(&self->t, "vmscan/mm_vmscan_memcg_reclaim_end",
			      filter));
	ASSERT_EQ(0, tr_event(&self->t, "vmscan/mm_vmscan_direct_reclaim_begin",
			      filter));
	ASSERT_EQ(0, tr_event(&self->t, "vmscan/mm_vmscan_direct_reclaim_end",
			      filter));
	snprintf(filter, sizeof(filter), "tgid == %d", c.pid);
	ASSERT_EQ(0, tr_event(&self->t, "faultlat/fault", filter));
	ASSERT_EQ(0, tr_write(&self->t, "tracing_on", "1"));
	ASSERT_EQ(0, child_finish(&c, self->fd, &task));
	ASSERT_EQ(0, tr_write(&self->t, "tracing_on", "0"));
	fl_fs_teardown(&fs);
	ASSERT_EQ(0, tr_parse(&self->t, 0));

	for (i = 0; i < self->t.nsp; i++)
		meter += self->t.sp[i].b - self->t.sp[i].a;
	/* fault by fault: its reclaim time against the pairs it had */
	for (i = 0; i < self->t.nev; i++) {
		const struct fev *e = &self->t.ev[i];

		fl_ev += e->cz[FAULTLAT_CAUSE_RECLAIM];
		by_fault_add(&b, "reclaim", e, e->cz[FAULTLAT_CAUSE_RECLAIM],
			     e->rc_ns, e->rc_pairs, RECLAIM_PCT,
			     FAULT_SLACK_US);
	}
	/* what the records say against the events (they are the same) */
	bound = fl_ev * RECLAIM_PCT / 100 + self->t.nsp * RECLAIM_PAIR_US * 1000;
	FL_INFO("reclaim: ftrace %zu pairs, %llu ns\n", self->t.nsp,
		(unsigned long long)meter);
	FL_INFO("reclaim: %zu faults reclaimed, %zu apart; rest: %zu pairs %llu, %llu\n",
		b.faults, b.apart, b.n, (unsigned long long)b.meter,
		(unsigned long long)b.fl);
	FL_INFO("reclaim: faultlat %llu ns in %llu of %llu faults\n",
		(unsigned long long)task.causes.ns[FAULTLAT_CAUSE_RECLAIM],
		(unsigned long long)task.causes.with[FAULTLAT_CAUSE_RECLAIM],
		(unsigned long long)task.causes.faults);
	FL_INFO("reclaim: faultlat:fault events %zu, %llu ns\n",
		self->t.nev, (unsigned long long)fl_ev);
	ASSERT_LT(0, self->t.nsp) TH_LOG("no reclaim happened");
	ASSERT_LT(0, b.n) TH_LOG("no reclaim inside a fault");
	EXPECT_GE(APART + b.faults * APART_PCT / 100, b.apart);
	EXPECT_GE(b.meter * RECLAIM_PCT / 100 + b.n * RECLAIM_PAIR_US * 1000,
		  llabs((long long)(b.fl - b.meter)));
	EXPECT_EQ(fl_ev, task.causes.ns[FAULTLAT_CAUSE_RECLAIM]);
	EXPECT_EQ(0, events_over(&self->t));
	EXPECT_GE(task.causes.latency_ns, causes_sum(&task.causes, &task.causes_more));
	/* its cgroup (a process moved in after it faulted) and its tree */
	FL_INFO("reclaim: its cgroup %llu ns, its tree %llu ns\n",
		(unsigned long long)c.cgs.causes.ns[FAULTLAT_CAUSE_RECLAIM],
		(unsigned long long)c.trs.causes.ns[FAULTLAT_CAUSE_RECLAIM]);
	EXPECT_GE(bound, llabs((long long)(c.cgs.causes.ns[FAULTLAT_CAUSE_RECLAIM] -
					   fl_ev)));
	EXPECT_GE(bound, llabs((long long)(c.trs.causes.ns[FAULTLAT_CAUSE_RECLAIM] -
					   fl_ev)));
	EXPECT_GE(c.cgs.causes.latency_ns, causes_sum(&c.cgs.causes, &c.cgs.causes_more));
	EXPECT_GE(c.trs.causes.latency_ns, causes_sum(&c.trs.causes, &c.trs.causes_more));
}

TEST_F_TIMEOUT(causes, io, 300)
{
	struct faultlat_task task;
	struct child_run c = { .storm = false };
	struct fl_fs fs;
	struct stat sb;
	char filter[64], v[64];
	struct by_fault b = { 0 };
	__u64 fl_io = 0, fl_pl = 0;
	size_t i, majors = 0, waited = 0, odd = 0;
	int err;

	if (fl_fs_setup(&fs, "ext4", IO_PAGES)) {
		fl_fs_teardown(&fs);
		if (fs.skip)
			SKIP(return, "%s", fs.why);
		ASSERT_TRUE(false) TH_LOG("%s", fs.why);
	}
	ASSERT_EQ(0, fl_fs_drop_cache(&fs)) TH_LOG("%s", fs.why);
	ASSERT_EQ(0, stat(fs.dev, &sb));
	if (cg_enable("io")) {
		fl_fs_teardown(&fs);
		SKIP(return, "no io controller");
	}
	ASSERT_EQ(0, child_start(&c, fs.file, IO_PAGES, true));
	snprintf(v, sizeof(v), "%u:%u rbps=" IO_RBPS, major(sb.st_rdev),
		 minor(sb.st_rdev));
	if (cg_set(&c, "io.max", v)) {
		kill(c.pid, SIGKILL);
		waitpid(c.pid, NULL, 0);
		rmdir(c.cg);
		fl_fs_teardown(&fs);
		SKIP(return, "io.max: %s", strerror(errno));
	}
	ASSERT_EQ(0, tr_faults_on(&self->t, c.pid, true))
		TH_LOG("kprobe event on handle_mm_fault: %s", strerror(errno));
	snprintf(filter, sizeof(filter), "tgid == %d", c.pid);
	ASSERT_EQ(0, tr_event(&self->t, "faultlat/fault", filter));
	ASSERT_EQ(0, tr_write(&self->t, "tracing_on", "1"));
	ASSERT_EQ(0, child_finish(&c, self->fd, &task));
	ASSERT_EQ(0, tr_write(&self->t, "tracing_on", "0"));
	err = tr_faults_parse(&self->t, c.pid);
	fl_fs_teardown(&fs);
	ASSERT_EQ(0, err);

	/* fault by fault: its I/O and page lock time against its D sleeps */
	for (i = 0; i < self->t.nev; i++) {
		const struct fev *e = &self->t.ev[i];
		__u64 w = e->cz[FAULTLAT_CAUSE_IO] + e->cz[FAULTLAT_CAUSE_PAGE_LOCK];

		fl_io += e->cz[FAULTLAT_CAUSE_IO];
		fl_pl += e->cz[FAULTLAT_CAUSE_PAGE_LOCK];
		majors += e->major;
		waited += e->major && e->d_sleeps;
		/*
		 * a sleep in D is I/O or a page's lock (the only waits
		 * here); I/O is a sleep in D (a page lock wait may end
		 * before the thread sleeps)
		 */
		odd += (e->d_sleeps && !w) ||
		       (e->cz[FAULTLAT_CAUSE_IO] && !e->d_sleeps);
		EXPECT_GE(e->latency_ns, e->cz[FAULTLAT_CAUSE_IO]);
		by_fault_add(&b, "io", e, w, e->d_ns, e->d_sleeps, IO_PCT,
			     FAULT_SLACK_US);
	}
	FL_INFO("io: %zu major faults, %zu slept in D, of %zu events\n",
		majors, waited, self->t.nev);
	FL_INFO("io: faultlat events %llu ns, ioctl %llu ns in %llu faults; page lock %llu ns\n",
		(unsigned long long)fl_io,
		(unsigned long long)task.causes.ns[FAULTLAT_CAUSE_IO],
		(unsigned long long)task.causes.with[FAULTLAT_CAUSE_IO],
		(unsigned long long)fl_pl);
	FL_INFO("io: %zu faults waited, %zu apart; rest: %zu D sleeps %llu, %llu\n",
		b.faults, b.apart, b.n, (unsigned long long)b.meter,
		(unsigned long long)b.fl);
	ASSERT_LT(0, majors);
	ASSERT_LT(0, waited) TH_LOG("no major fault waited for its read");
	EXPECT_EQ(0, odd) TH_LOG("faults asleep in D without a wait, or I/O without a sleep");
	EXPECT_GE(APART + b.faults * APART_PCT / 100, b.apart);
	EXPECT_GE(b.meter * IO_PCT / 100 + b.n * IO_PAIR_US * 1000,
		  llabs((long long)(b.fl - b.meter)));
	/* a wait for a page being read is I/O, not the page lock */
	EXPECT_GE(fl_io / 100, fl_pl);
	EXPECT_EQ(fl_io, task.causes.ns[FAULTLAT_CAUSE_IO]);
	EXPECT_EQ(0, events_over(&self->t));
	EXPECT_GE(task.causes.latency_ns, causes_sum(&task.causes, &task.causes_more));
}

TEST_F_TIMEOUT(causes, mmap_lock, 300)
{
	struct faultlat_task task;
	struct child_run c = { .storm = true };
	struct fl_fs fs;
	char filter[64];
	struct by_fault b = { 0 };
	__u64 total = 0;
	size_t i, with = 0;
	int err;

	if (fl_fs_setup(&fs, "ext4", LOCK_PAGES)) {
		fl_fs_teardown(&fs);
		if (fs.skip)
			SKIP(return, "%s", fs.why);
		ASSERT_TRUE(false) TH_LOG("%s", fs.why);
	}
	ASSERT_EQ(0, fl_fs_drop_cache(&fs)) TH_LOG("%s", fs.why);
	if (cg_enable("memory")) {
		fl_fs_teardown(&fs);
		SKIP(return, "no cgroup2");
	}
	ASSERT_EQ(0, child_start(&c, fs.file, LOCK_PAGES, true));
	/* the reading thread is the child's first: its tid is its pid */
	ASSERT_EQ(0, tr_faults_on(&self->t, c.pid, false))
		TH_LOG("kprobe event on handle_mm_fault: %s", strerror(errno));
	snprintf(filter, sizeof(filter), "common_pid == %d", c.pid);
	ASSERT_EQ(0, tr_event(&self->t, "mmap_lock/mmap_lock_start_locking",
			      filter));
	ASSERT_EQ(0, tr_event(&self->t, "mmap_lock/mmap_lock_acquire_returned",
			      filter));
	snprintf(filter, sizeof(filter), "pid == %d", c.pid);
	ASSERT_EQ(0, tr_event(&self->t, "faultlat/fault", filter));
	ASSERT_EQ(0, tr_write(&self->t, "tracing_on", "1"));
	ASSERT_EQ(0, child_finish(&c, self->fd, &task));
	ASSERT_EQ(0, tr_write(&self->t, "tracing_on", "0"));
	err = tr_faults_parse(&self->t, 0);
	fl_fs_teardown(&fs);
	ASSERT_EQ(0, err);

	/* fault by fault: its mmap_lock time against its waits */
	for (i = 0; i < self->t.nev; i++) {
		const struct fev *e = &self->t.ev[i];
		__u64 lk = e->cz[FAULTLAT_CAUSE_MMAP_LOCK];

		total += lk;
		with += !!lk;
		by_fault_add(&b, "mmap_lock", e, lk, e->lock_ns, e->lock_waits,
			     LOCK_PCT, FAULT_SLACK_US);
	}
	FL_INFO("mmap_lock: %zu of %zu events waited, faultlat %llu ns\n",
		with, self->t.nev, (unsigned long long)total);
	FL_INFO("mmap_lock: %zu faults waited, %zu apart; rest: %zu waits (of %zu) %llu, %llu\n",
		b.faults, b.apart, b.n, self->t.nlk,
		(unsigned long long)b.meter, (unsigned long long)b.fl);
	ASSERT_LT(0, b.n) TH_LOG("no mmap_lock wait inside a fault");
	EXPECT_GE(APART + b.faults * APART_PCT / 100, b.apart);
	EXPECT_GE(b.meter * LOCK_PCT / 100 + b.n * LOCK_PAIR_US * 1000,
		  llabs((long long)(b.fl - b.meter)));
	EXPECT_EQ(0, events_over(&self->t));
	EXPECT_GE(task.causes.latency_ns, causes_sum(&task.causes, &task.causes_more));
}

/* With causes off, nothing is timed by cause and the event has zeroes. */
TEST_F(causes, off)
{
	struct faultlat_task before, after;
	pid_t tid = fl_gettid();
	void *p;

	ASSERT_EQ(0, causes_set("0"));
	p = fl_map_anon(64);
	ASSERT_NE(NULL, p);
	fl_touch_write(p, 1);
	ASSERT_EQ(0, fl_task(self->fd, tid, false, &before));
	fl_touch_write(p, 64);
	ASSERT_EQ(0, fl_task(self->fd, tid, false, &after));
	EXPECT_EQ(before.causes.faults, after.causes.faults);
	EXPECT_LT(before.stats.minor.count, after.stats.minor.count);
	fl_unmap(p, 64);
}

TEST_HARNESS_MAIN
