// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat counts faults exactly as the kernel does: per thread and per
 * process against getrusage() and /proc/PID/stat, system-wide against
 * /proc/vmstat.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"

#define ANON_PAGES	10000	/* test 1: one write each */
#define ZOMBIE_PAGES	2000
#define FILE_PAGES	256	/* test 2: 1 MiB file on a RAM disk */
#define MLOCK_PAGES	2000
#define THREAD_PAGES	400
#define GLOBAL_PAGES	2000
#define SHM_PAGES	1000	/* fallbacks: SysV shm, one write each */
#define UFFD_PAGES	64	/* fallbacks: faults a userfaultfd serves */
#define QUIET_TRIES	3

/*
 * In this version of the harness a SKIP() in a fixture's setup does not
 * stop the test body from running: leave through the harness's own
 * jump buffer instead, as an ASSERT would, but with the test marked
 * skipped (and the teardown not run: the setup has nothing to undo).
 */
#define FL_SKIP_SETUP(fmt, ...) \
	SKIP(longjmp(_metadata->env, 1), fmt, ##__VA_ARGS__)

/* The device, for a test that also counts on one fault per page. */
static int open_dev(struct __test_metadata *_metadata)
{
	int fd;

	ASSERT_EQ(0, fl_no_thp()) TH_LOG("PR_SET_THP_DISABLE: %s",
					 strerror(errno));
	fd = fl_open();

	if (fd < 0)
		FL_SKIP_SETUP("%s: %s (is faultlat loaded?)", FAULTLAT_DEVICE,
			      strerror(errno));
	return fd;
}

FIXTURE(counts) {
	int fd;
};

FIXTURE_SETUP(counts)
{
	self->fd = open_dev(_metadata);
}

FIXTURE_TEARDOWN(counts)
{
	close(self->fd);
}

/* What a forked child measured of itself, handed back in shared memory. */
struct child_res {
	int err;		/* errno of the step that failed, or 0 */
	int step;		/* the step that failed */
	struct fl_snap t0, t1;	/* the thread, RUSAGE_THREAD */
	struct fl_snap p0, p1;	/* the process, RUSAGE_SELF */
};

static struct child_res *map_shared_res(void)
{
	void *p = mmap(NULL, sizeof(struct child_res), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static noreturn void child_fail(struct child_res *out, int step)
{
	out->err = errno ? errno : EINVAL;
	out->step = step;
	_exit(1);
}

/* Test 1's child: N anonymous pages, one write each, bracketed. */
static noreturn void anon_child(int fd, struct child_res *out)
{
	struct child_res r;
	pid_t pid = getpid(), tid = fl_gettid();
	void *mem;

	fl_prefault(out, sizeof(*out));
	fl_prefault(&r, sizeof(r));
	fl_prefault_stack();
	mem = fl_map_anon(ANON_PAGES);
	if (!mem)
		child_fail(out, 1);

	if (fl_snap_before(fd, RUSAGE_SELF, pid, true, &r.p0))
		child_fail(out, 2);
	if (fl_snap_before(fd, RUSAGE_THREAD, tid, false, &r.t0))
		child_fail(out, 3);
	fl_touch_write(mem, ANON_PAGES);
	if (fl_snap_after(fd, RUSAGE_THREAD, tid, false, &r.t1))
		child_fail(out, 4);
	if (fl_snap_after(fd, RUSAGE_SELF, pid, true, &r.p1))
		child_fail(out, 5);

	r.err = 0;
	r.step = 0;
	memcpy(out, &r, sizeof(r));
	_exit(0);
}

/*
 * Test 1: a process forked after the module was loaded writes once to
 * each of N anonymous pages.  faultlat's minor count equals getrusage()'s
 * ru_minflt, over the workload and since the process began; no major
 * fault; the latency histogram is sane.
 */
TEST_F(counts, anon_minor)
{
	struct child_res *res = map_shared_res();
	int status;
	pid_t pid;

	ASSERT_NE(NULL, res);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		anon_child(self->fd, res);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, res->err)
		TH_LOG("child failed at step %d: %s", res->step,
		       strerror(res->err));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));

	FL_INFO("anon_minor: %llu minor faults, %d pages, p50 %llu p99 %llu ns\n",
		(unsigned long long)FL_D(&res->t0, &res->t1, minor.count),
		ANON_PAGES,
		(unsigned long long)fl_percentile(&res->t1.t.stats.minor, 5000),
		(unsigned long long)fl_percentile(&res->t1.t.stats.minor, 9900));

	fl_check_delta(_metadata, "thread", &res->t0, &res->t1);
	fl_check_delta(_metadata, "process", &res->p0, &res->p1);
	ASSERT_LE(ANON_PAGES, FL_D(&res->t0, &res->t1, minor.count));
	ASSERT_EQ(0, FL_D(&res->t0, &res->t1, major.count));
	ASSERT_EQ(0, res->t1.ru.majflt - res->t0.ru.majflt);
	ASSERT_EQ(0, FL_D(&res->t0, &res->t1, errors));

	/* The child began after the load: every fault of it was seen. */
	fl_check_abs(_metadata, "thread", &res->t1);
	fl_check_abs(_metadata, "process", &res->p1);
	ASSERT_EQ(FAULTLAT_TASK_PROCESS,
		  res->p1.t.flags & (FAULTLAT_TASK_PROCESS | FAULTLAT_TASK_EXITED));
	ASSERT_EQ((__u32)pid, res->p1.t.tgid);
	ASSERT_EQ((__u32)pid, res->t1.t.pid);

	fl_check_lat(_metadata, "thread minor", &res->t1.t.stats.minor);
	fl_check_lat(_metadata, "process minor", &res->p1.t.stats.minor);
	fl_check_hist(_metadata, "thread major", &res->t1.t.stats.major);
	munmap(res, sizeof(*res));
}

#define DIM_PAGES	500

/* The sum of by_* array entries over a delta: @a before, @b after. */
static __u64 dim_sum(const __u64 *a, const __u64 *b, unsigned int n)
{
	__u64 sum = 0;
	unsigned int j;

	for (j = 0; j < n; j++)
		sum += b[j] - a[j];
	return sum;
}

/* The by_* arrays of class @c from @a to @b, into @d. */
static void dim_delta(const struct faultlat_stats *a,
		      const struct faultlat_stats *b, unsigned int c,
		      struct faultlat_stats *d)
{
	unsigned int j;

	for (j = 0; j < FAULTLAT_NR_MODES; j++)
		d->by_mode[c][j] = b->by_mode[c][j] - a->by_mode[c][j];
	for (j = 0; j < FAULTLAT_NR_KINDS; j++)
		d->by_kind[c][j] = b->by_kind[c][j] - a->by_kind[c][j];
	for (j = 0; j < FAULTLAT_NR_ACCESS; j++)
		d->by_access[c][j] = b->by_access[c][j] - a->by_access[c][j];
}

/*
 * Each fault is counted by mode, kind and access as the kernel raised it:
 * N user-mode writes to private anonymous pages, N user-mode reads of
 * shared anonymous (shmem) pages, N kernel-mode writes to private
 * anonymous pages (read() from /dev/zero into untouched memory, which
 * faults in copy_to_user()).  Each of the three dimensions adds up to the
 * minor faults getrusage(RUSAGE_THREAD) counted (the histogram's count is
 * no witness: the module keeps the dimensions and the buckets side by
 * side, and the three dimensions are sums of one array).
 */
TEST_F(counts, dimensions)
{
	const unsigned int m = FAULTLAT_MINOR, n = DIM_PAGES;
	size_t len = DIM_PAGES * fl_page_size();
	struct fl_snap s0, s1;
	struct faultlat_stats d;
	__u64 ru_min;
	char *anon, *kern, *shm;
	int zero;

	anon = fl_map_anon(n);
	kern = fl_map_anon(n);
	shm = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	zero = open("/dev/zero", O_RDONLY);
	ASSERT_NE(NULL, anon);
	ASSERT_NE(NULL, kern);
	ASSERT_NE(MAP_FAILED, shm);
	ASSERT_LE(0, zero);
	madvise(shm, len, MADV_NOHUGEPAGE);
	fl_prefault(&s0, sizeof(s0));
	fl_prefault(&s1, sizeof(s1));
	fl_prefault_stack();

	ASSERT_EQ(0, fl_snap_before(self->fd, RUSAGE_THREAD, fl_gettid(),
				    false, &s0));
	fl_touch_write(anon, n);
	fl_touch_read(shm, n);
	ASSERT_EQ((ssize_t)len, read(zero, kern, len));
	ASSERT_EQ(0, fl_snap_after(self->fd, RUSAGE_THREAD, fl_gettid(),
				   false, &s1));

	dim_delta(&s0.t.stats, &s1.t.stats, m, &d);
	FL_INFO("dimensions: user %llu kernel %llu, anon %llu shmem %llu, write %llu read %llu\n",
		d.by_mode[m][FAULTLAT_MODE_USER],
		d.by_mode[m][FAULTLAT_MODE_KERNEL],
		d.by_kind[m][FAULTLAT_KIND_ANON],
		d.by_kind[m][FAULTLAT_KIND_SHMEM],
		d.by_access[m][FAULTLAT_ACCESS_WRITE],
		d.by_access[m][FAULTLAT_ACCESS_READ]);
	ASSERT_LE(2 * n, d.by_mode[m][FAULTLAT_MODE_USER]);
	ASSERT_LE(n, d.by_mode[m][FAULTLAT_MODE_KERNEL]);
	ASSERT_LE(2 * n, d.by_kind[m][FAULTLAT_KIND_ANON]);
	ASSERT_LE(n, d.by_kind[m][FAULTLAT_KIND_SHMEM]);
	ASSERT_LE(2 * n, d.by_access[m][FAULTLAT_ACCESS_WRITE]);
	ASSERT_LE(n, d.by_access[m][FAULTLAT_ACCESS_READ]);
	/* a few more are the test's own (its stack, libc), not many more */
	ASSERT_GE(n + 50, d.by_kind[m][FAULTLAT_KIND_SHMEM]);
	ASSERT_GE(n + 50, d.by_mode[m][FAULTLAT_MODE_KERNEL]);

	ru_min = s1.ru.minflt - s0.ru.minflt;
	ASSERT_EQ(ru_min, dim_sum(s0.t.stats.by_mode[m], s1.t.stats.by_mode[m],
				  FAULTLAT_NR_MODES))
		TH_LOG("minor faults by mode vs getrusage");
	ASSERT_EQ(ru_min, dim_sum(s0.t.stats.by_kind[m], s1.t.stats.by_kind[m],
				  FAULTLAT_NR_KINDS))
		TH_LOG("minor faults by kind vs getrusage");
	ASSERT_EQ(ru_min, dim_sum(s0.t.stats.by_access[m],
				  s1.t.stats.by_access[m], FAULTLAT_NR_ACCESS))
		TH_LOG("minor faults by access vs getrusage");

	close(zero);
	munmap(shm, len);
	fl_unmap(kern, n);
	fl_unmap(anon, n);
}

static struct faultlat_task_entry list_buf[1024];

/*
 * An exited, not yet reaped process keeps its record: after
 * waitid(WNOWAIT) it equals /proc/PID/stat's minflt/majflt of the zombie
 * and wait4()'s rusage; once reaped, the record is gone (ESRCH).
 */
TEST_F(counts, zombie_record)
{
	struct faultlat_task t;
	struct fl_ru stat_ru;
	struct rusage ru;
	siginfo_t si;
	__u32 nr, total, i;
	bool listed = false;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		void *mem = fl_map_anon(ZOMBIE_PAGES);

		if (!mem)
			_exit(1);
		fl_touch_write(mem, ZOMBIE_PAGES);
		_exit(0);
	}
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(0, waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	ASSERT_EQ(CLD_EXITED, si.si_code);
	ASSERT_EQ(0, si.si_status);

	ASSERT_EQ(0, fl_task(self->fd, pid, true, &t))
		TH_LOG("TASK(PROCESS, %d) of a zombie: %s", pid,
		       strerror(errno));
	ASSERT_EQ(FAULTLAT_TASK_PROCESS | FAULTLAT_TASK_EXITED, t.flags);
	ASSERT_EQ(0, t.nr_threads);
	ASSERT_EQ(0, fl_proc_stat_flt(pid, &stat_ru));
	ASSERT_EQ(stat_ru.minflt, t.stats.minor.count)
		TH_LOG("zombie: /proc/%d/stat minflt vs faultlat", pid);
	ASSERT_EQ(stat_ru.majflt, t.stats.major.count)
		TH_LOG("zombie: /proc/%d/stat majflt vs faultlat", pid);
	ASSERT_LE(ZOMBIE_PAGES, t.stats.minor.count);
	fl_check_hist(_metadata, "zombie minor", &t.stats.minor);

	/* LIST, processes only, shows it too, with the same count. */
	ASSERT_EQ(0, fl_list(self->fd, FAULTLAT_TASK_PROCESS, list_buf,
			     ARRAY_SIZE(list_buf), &nr, &total))
		TH_LOG("LIST: %s", strerror(errno));
	ASSERT_LE(nr, total);
	for (i = 0; i < nr; i++) {
		if (list_buf[i].pid != (__u32)pid)
			continue;
		listed = true;
		ASSERT_TRUE(list_buf[i].flags & FAULTLAT_TASK_PROCESS);
		ASSERT_TRUE(list_buf[i].flags & FAULTLAT_TASK_EXITED);
		ASSERT_EQ(stat_ru.minflt, list_buf[i].minor);
		ASSERT_EQ(stat_ru.majflt, list_buf[i].major);
	}
	if (nr == total)
		ASSERT_TRUE(listed) TH_LOG("pid %d not in LIST", pid);

	ASSERT_EQ(pid, wait4(pid, &status, 0, &ru));
	ASSERT_EQ((__u64)ru.ru_minflt, t.stats.minor.count)
		TH_LOG("wait4() ru_minflt vs faultlat");
	ASSERT_EQ((__u64)ru.ru_majflt, t.stats.major.count)
		TH_LOG("wait4() ru_majflt vs faultlat");

	/*
	 * Reaped: no record any more.  The task struct is freed after an RCU
	 * grace period (sched_process_free), so give it a moment.
	 */
	for (i = 0; i < 500; i++) {
		if (fl_task(self->fd, pid, true, &t))
			break;
		usleep(10000);
	}
	ASSERT_EQ(ESRCH, errno)
		TH_LOG("TASK(PROCESS, %d) after the reap: %s after %u ms", pid,
		       strerror(errno), i * 10);
	if (i)
		FL_INFO("zombie_record: record gone %u ms after the reap\n", i * 10);
}

/*
 * Test 3, the seed's experiment: mlockall(MCL_CURRENT | MCL_FUTURE)
 * populates every mapping (get_user_pages(), so faults without pt_regs,
 * in faultlat's and getrusage()'s counts alike); touching that memory
 * afterwards faults no more.  A mapping made after it is populated by
 * mmap() itself.
 */
TEST_F(counts, mlock_no_faults)
{
	struct fl_snap s[8];
	pid_t tid = fl_gettid();
	size_t ps = fl_page_size();
	void *mem, *more;

	fl_prefault(s, sizeof(s));
	fl_prefault_stack();
	mem = fl_map_anon(MLOCK_PAGES);
	ASSERT_NE(NULL, mem);

	/* The allocation faults, inside mlockall(). */
	ASSERT_EQ(0, fl_snap_before(self->fd, RUSAGE_THREAD, tid, false, &s[0]));
	ASSERT_EQ(0, mlockall(MCL_CURRENT | MCL_FUTURE))
		TH_LOG("mlockall: %s", strerror(errno));
	ASSERT_EQ(0, fl_snap_after(self->fd, RUSAGE_THREAD, tid, false, &s[1]));
	fl_check_delta(_metadata, "mlockall", &s[0], &s[1]);
	ASSERT_LE(MLOCK_PAGES, FL_D(&s[0], &s[1], minor.count) +
		  FL_D(&s[0], &s[1], major.count));
	ASSERT_LE(MLOCK_PAGES, FL_D(&s[0], &s[1], no_regs[FAULTLAT_MINOR]) +
		  FL_D(&s[0], &s[1], no_regs[FAULTLAT_MAJOR]))
		TH_LOG("mlockall populates through get_user_pages(): no pt_regs");

	/* Touching it afterwards: no fault at all. */
	ASSERT_EQ(0, fl_snap_before(self->fd, RUSAGE_THREAD, tid, false, &s[2]));
	fl_touch_write(mem, MLOCK_PAGES);
	ASSERT_EQ(0, fl_snap_after(self->fd, RUSAGE_THREAD, tid, false, &s[3]));
	fl_check_delta(_metadata, "touch after mlockall", &s[2], &s[3]);
	ASSERT_EQ(0, s[3].ru.minflt - s[2].ru.minflt);
	ASSERT_EQ(0, s[3].ru.majflt - s[2].ru.majflt);
	ASSERT_EQ(0, FL_D(&s[2], &s[3], calls));

	/* MCL_FUTURE: mmap() populates; the touch after it faults no more. */
	ASSERT_EQ(0, fl_snap_before(self->fd, RUSAGE_THREAD, tid, false, &s[4]));
	more = mmap(NULL, MLOCK_PAGES * ps, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_EQ(0, fl_snap_after(self->fd, RUSAGE_THREAD, tid, false, &s[5]));
	ASSERT_NE(MAP_FAILED, more);
	fl_check_delta(_metadata, "mmap under MCL_FUTURE", &s[4], &s[5]);
	ASSERT_LT(0, FL_D(&s[4], &s[5], minor.count));

	ASSERT_EQ(0, fl_snap_before(self->fd, RUSAGE_THREAD, tid, false, &s[6]));
	fl_touch_write(more, MLOCK_PAGES);
	ASSERT_EQ(0, fl_snap_after(self->fd, RUSAGE_THREAD, tid, false, &s[7]));
	fl_check_delta(_metadata, "touch under MCL_FUTURE", &s[6], &s[7]);
	ASSERT_EQ(0, s[7].ru.minflt - s[6].ru.minflt);
	ASSERT_EQ(0, FL_D(&s[6], &s[7], calls));

	munlockall();
	munmap(more, MLOCK_PAGES * ps);
	fl_unmap(mem, MLOCK_PAGES);
}

/*
 * Fallbacks from the per-VMA lock (6.4+).  Each workload below runs twice
 * in the same code: once on one page, to fault in the code and data of
 * the measuring itself, then measured, so that the measured interval
 * faults the workload's pages and nothing else.
 */

/*
 * The counts of a workload of @pages faults that each fall back from the
 * per-VMA lock once on 6.4+ (none on 6.1): faultlat's minor and major
 * faults are getrusage()'s, no fault is abandoned (each fallback is
 * followed by its retry under mmap_lock: one fault, whatever the flags of
 * the retry), and the fallbacks are exactly the workload's faults.
 */
static void check_fallbacks(struct __test_metadata *_metadata,
			    const char *what, const struct fl_snap *a,
			    const struct fl_snap *b, __u64 pages)
{
	__u64 fb = fl_delta_fallbacks(a, b);

	FL_INFO("%s: minflt +%llu majflt +%llu, faultlat minor +%llu major +%llu\n",
		what, (unsigned long long)(b->ru.minflt - a->ru.minflt),
		(unsigned long long)(b->ru.majflt - a->ru.majflt),
		(unsigned long long)FL_D(a, b, minor.count),
		(unsigned long long)FL_D(a, b, major.count));
	FL_INFO("%s: retries +%llu fallbacks +%llu abandoned +%llu calls +%llu\n",
		what, (unsigned long long)FL_D(a, b, retries),
		(unsigned long long)fb,
		(unsigned long long)FL_D(a, b, abandoned),
		(unsigned long long)FL_D(a, b, calls));
	fl_check_delta(_metadata, what, a, b);
	ASSERT_EQ(0, FL_D(a, b, abandoned))
		TH_LOG("%s: abandoned faults", what);
	ASSERT_EQ(0, FL_D(a, b, errors));
	ASSERT_EQ(fl_vma_lock_faults() ? pages : 0, fb)
		TH_LOG("%s: fallbacks (kernel %d)", what, fl_kernel_version());
	ASSERT_LE(fb, FL_D(a, b, retries));
}

/*
 * SysV shared memory: shm_vm_ops has no map_pages, so a fault on it
 * cannot be handled under the per-VMA lock (vmf_can_call_fault()): on
 * 6.4+ each page is a fallback, then one minor fault under mmap_lock
 * (without FAULT_FLAG_TRIED: 6.1's rule would have called it a new fault
 * and the first call abandoned).  On 6.1, one minor fault, one call.
 */
TEST_F(counts, shm_fallback)
{
	size_t ps = fl_page_size();
	struct fl_snap a, b;
	pid_t tid = fl_gettid();
	char *p;
	int id, i;

	id = shmget(IPC_PRIVATE, (SHM_PAGES + 1) * ps, IPC_CREAT | 0600);
	ASSERT_LE(0, id) TH_LOG("shmget: %s", strerror(errno));
	p = shmat(id, NULL, 0);
	/* gone with the last detach */
	ASSERT_EQ(0, shmctl(id, IPC_RMID, NULL));
	ASSERT_NE((void *)-1, p) TH_LOG("shmat: %s", strerror(errno));
	fl_prefault(&a, sizeof(a));
	fl_prefault(&b, sizeof(b));
	fl_prefault_stack();

	for (i = 0; i < 2; i++) {
		char *mem = i ? p + ps : p;
		size_t pages = i ? SHM_PAGES : 1;

		ASSERT_EQ(0, fl_snap_before(self->fd, RUSAGE_THREAD, tid,
					    false, &a));
		fl_touch_write(mem, pages);
		ASSERT_EQ(0, fl_snap_after(self->fd, RUSAGE_THREAD, tid,
					   false, &b));
	}
	check_fallbacks(_metadata, "shm", &a, &b, SHM_PAGES);
	ASSERT_EQ(SHM_PAGES, FL_D(&a, &b, minor.count));
	ASSERT_EQ(0, FL_D(&a, &b, major.count));
	ASSERT_EQ(SHM_PAGES, FL_D(&a, &b, by_kind[FAULTLAT_MINOR][FAULTLAT_KIND_SHMEM]));
	ASSERT_EQ(0, shmdt(p));
}

/* The userfaultfd test's server: UFFDIO_COPY a page to each fault. */
struct uffd_server {
	int uffd;
	const void *src;
	unsigned int faults;	/* to serve */
	int err;
};

static void *uffd_serve(void *arg)
{
	struct uffd_server *s = arg;
	unsigned long ps = fl_page_size();
	unsigned int done = 0;

	while (done < s->faults) {
		struct uffdio_copy copy;
		struct uffd_msg msg;
		ssize_t n = read(s->uffd, &msg, sizeof(msg));

		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(msg)) {
			s->err = n < 0 ? errno : EIO;
			return NULL;
		}
		if (msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		memset(&copy, 0, sizeof(copy));
		copy.dst = msg.arg.pagefault.address & ~(ps - 1);
		copy.src = (unsigned long)s->src;
		copy.len = ps;
		if (ioctl(s->uffd, UFFDIO_COPY, &copy)) {
			s->err = errno;
			return NULL;
		}
		done++;
	}
	return NULL;
}

/*
 * A userfaultfd's missing pages, written from user mode, served by
 * another thread: handle_userfault() returns VM_FAULT_RETRY once the page
 * is there, and the fault is retried.  6.1: under mmap_lock with
 * FAULT_FLAG_TRIED, a major fault.  6.4+: a fallback from the per-VMA
 * lock; since 6.7 the retry has FAULT_FLAG_TRIED only if the fallback
 * returned VM_FAULT_MAJOR, which handle_userfault() does not: a minor
 * fault.  Either way one fault per page, as getrusage() counts it.
 */
TEST_F(counts, uffd_fallback)
{
	size_t ps = fl_page_size();
	struct uffd_server srv = { .faults = UFFD_PAGES + 1 };
	struct uffdio_register reg;
	struct uffdio_api api;
	struct fl_snap a, b;
	pid_t tid = fl_gettid();
	int kv = fl_kernel_version();
	pthread_t th;
	char *mem;
	void *src;
	int i;

	srv.uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (srv.uffd < 0 && errno == EPERM)
		SKIP(return, "userfaultfd: %s", strerror(errno));
	ASSERT_LE(0, srv.uffd) TH_LOG("userfaultfd: %s", strerror(errno));
	memset(&api, 0, sizeof(api));
	api.api = UFFD_API;
	ASSERT_EQ(0, ioctl(srv.uffd, UFFDIO_API, &api))
		TH_LOG("UFFDIO_API: %s", strerror(errno));
	src = fl_map_anon(1);
	ASSERT_NE(NULL, src);
	fl_touch_write(src, 1);
	srv.src = src;
	mem = fl_map_anon(UFFD_PAGES + 1);
	ASSERT_NE(NULL, mem);
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (unsigned long)mem;
	reg.range.len = (UFFD_PAGES + 1) * ps;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ASSERT_EQ(0, ioctl(srv.uffd, UFFDIO_REGISTER, &reg))
		TH_LOG("UFFDIO_REGISTER: %s", strerror(errno));
	ASSERT_EQ(0, pthread_create(&th, NULL, uffd_serve, &srv));
	fl_prefault(&a, sizeof(a));
	fl_prefault(&b, sizeof(b));
	fl_prefault_stack();

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, fl_snap_before(self->fd, RUSAGE_THREAD, tid,
					    false, &a));
		fl_touch_write(i ? mem + ps : mem, i ? UFFD_PAGES : 1);
		ASSERT_EQ(0, fl_snap_after(self->fd, RUSAGE_THREAD, tid,
					   false, &b));
	}
	pthread_join(th, NULL);
	ASSERT_EQ(0, srv.err) TH_LOG("server: %s", strerror(srv.err));

	check_fallbacks(_metadata, "uffd", &a, &b, UFFD_PAGES);
	ASSERT_EQ(UFFD_PAGES,
		  FL_D(&a, &b, minor.count) + FL_D(&a, &b, major.count));
	ASSERT_EQ(UFFD_PAGES, FL_D(&a, &b, retries));
	if (kv < 6004)
		ASSERT_EQ(UFFD_PAGES, FL_D(&a, &b, major.count))
			TH_LOG("6.1: a retry under mmap_lock is major");
	if (kv >= 6008)
		ASSERT_EQ(UFFD_PAGES, FL_D(&a, &b, minor.count))
			TH_LOG("6.8+: the retry after a fallback without VM_FAULT_MAJOR is minor");
	close(srv.uffd);
	fl_unmap(mem, UFFD_PAGES + 1);
	fl_unmap(src, 1);
}

/*
 * The signal test's server: on each fault, a signal to the faulting
 * thread first, the page only once its handler has run.
 */
struct uffd_signaller {
	struct uffd_server s;
	pid_t tid;			/* the faulting thread */
	unsigned int signalled;		/* faults that got a signal */
};

static atomic_int uffd_handled;

static void uffd_on_signal(int sig)
{
	atomic_fetch_add(&uffd_handled, sig == SIGUSR1);
}

/* The next message of @uffd, which must be a page fault: 0, else -errno. */
static int uffd_read_fault(int uffd, struct uffd_msg *msg)
{
	ssize_t n;

	do {
		n = read(uffd, msg, sizeof(*msg));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n != sizeof(*msg) || msg->event != UFFD_EVENT_PAGEFAULT)
		return -EIO;
	return 0;
}

static void *uffd_serve_signal(void *arg)
{
	struct uffd_signaller *g = arg;
	struct uffd_server *s = &g->s;
	unsigned long ps = fl_page_size();
	struct uffdio_copy copy;
	struct uffd_msg msg;
	int i;

	/* the warm-up page: served at once */
	s->err = -uffd_read_fault(s->uffd, &msg);
	if (s->err)
		return NULL;
	memset(&copy, 0, sizeof(copy));
	copy.dst = msg.arg.pagefault.address & ~(ps - 1);
	copy.src = (unsigned long)s->src;
	copy.len = ps;
	if (ioctl(s->uffd, UFFDIO_COPY, &copy))
		goto fail;

	/* the measured page: a signal while the thread waits for it */
	s->err = -uffd_read_fault(s->uffd, &msg);
	if (s->err)
		return NULL;
	if (syscall(SYS_tgkill, getpid(), g->tid, SIGUSR1))
		goto fail;
	g->signalled++;
	/* the fault is given up, the handler runs, then the page comes */
	for (i = 0; i < 10000 && !atomic_load(&uffd_handled); i++)
		usleep(1000);
	/*
	 * ... once the instruction has faulted again: served before that,
	 * the page would be there, and no fault would complete.  (Without
	 * the handler, nothing faults again: the page is served at once and
	 * the test fails on uffd_handled.)
	 */
	if (atomic_load(&uffd_handled)) {
		s->err = -uffd_read_fault(s->uffd, &msg);
		if (s->err)
			return NULL;
	}
	copy.dst = msg.arg.pagefault.address & ~(ps - 1);
	copy.copy = 0;
	if (ioctl(s->uffd, UFFDIO_COPY, &copy) && errno != EEXIST)
		goto fail;
	return NULL;
fail:
	s->err = errno ? errno : EIO;
	return NULL;
}

/*
 * A fault given up: the thread waits in handle_userfault() for a page
 * and gets a signal.  The call returns VM_FAULT_RETRY with the signal
 * pending, and do_user_addr_fault() goes back to user mode without a
 * retry (fault_signal_pending()); the kernel accounts nothing for it
 * (mm_account_fault() skips VM_FAULT_RETRY).  After the handler, the
 * instruction faults again, a new fault, that completes once the page is
 * there (the server serves it only after that fault's own message).
 * faultlat must count one fault given up (abandoned), and the fault that
 * completed exactly as getrusage() does: one.
 */
TEST_F(counts, uffd_signal_abandons)
{
	size_t ps = fl_page_size();
	struct uffd_signaller g = { .s.faults = 2 };
	struct sigaction sa, old;
	struct uffdio_register reg;
	struct uffdio_api api;
	struct fl_snap a, b;
	pid_t tid = fl_gettid();
	pthread_t th;
	char *mem;
	void *src;

	g.tid = tid;
	g.s.uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (g.s.uffd < 0 && errno == EPERM)
		SKIP(return, "userfaultfd: %s", strerror(errno));
	ASSERT_LE(0, g.s.uffd) TH_LOG("userfaultfd: %s", strerror(errno));
	memset(&api, 0, sizeof(api));
	api.api = UFFD_API;
	ASSERT_EQ(0, ioctl(g.s.uffd, UFFDIO_API, &api));
	src = fl_map_anon(1);
	ASSERT_NE(NULL, src);
	fl_touch_write(src, 1);
	g.s.src = src;
	mem = fl_map_anon(2);
	ASSERT_NE(NULL, mem);
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (unsigned long)mem;
	reg.range.len = 2 * ps;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ASSERT_EQ(0, ioctl(g.s.uffd, UFFDIO_REGISTER, &reg));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = uffd_on_signal;
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, &old));
	atomic_store(&uffd_handled, 0);
	ASSERT_EQ(0, pthread_create(&th, NULL, uffd_serve_signal, &g));
	fl_prefault(&a, sizeof(a));
	fl_prefault(&b, sizeof(b));
	fl_prefault_stack();

	/* the warm-up page, then the measured one */
	ASSERT_EQ(0, fl_snap_before(self->fd, RUSAGE_THREAD, tid, false, &a));
	fl_touch_write(mem, 1);
	ASSERT_EQ(0, fl_snap_after(self->fd, RUSAGE_THREAD, tid, false, &b));
	ASSERT_EQ(0, fl_snap_before(self->fd, RUSAGE_THREAD, tid, false, &a));
	fl_touch_write(mem + ps, 1);
	ASSERT_EQ(0, fl_snap_after(self->fd, RUSAGE_THREAD, tid, false, &b));
	pthread_join(th, NULL);
	sigaction(SIGUSR1, &old, NULL);
	ASSERT_EQ(0, g.s.err) TH_LOG("server: %s", strerror(g.s.err));
	ASSERT_EQ(1, g.signalled);

	FL_INFO("uffd+signal: minflt +%llu majflt +%llu, faultlat minor +%llu major +%llu\n",
		(unsigned long long)(b.ru.minflt - a.ru.minflt),
		(unsigned long long)(b.ru.majflt - a.ru.majflt),
		(unsigned long long)FL_D(&a, &b, minor.count),
		(unsigned long long)FL_D(&a, &b, major.count));
	FL_INFO("uffd+signal: abandoned +%llu retries +%llu fallbacks +%llu, handler ran %d\n",
		(unsigned long long)FL_D(&a, &b, abandoned),
		(unsigned long long)FL_D(&a, &b, retries),
		(unsigned long long)fl_delta_fallbacks(&a, &b),
		atomic_load(&uffd_handled));
	ASSERT_EQ(1, atomic_load(&uffd_handled))
		TH_LOG("the handler ran, so the fault was given up");
	fl_check_delta(_metadata, "uffd+signal", &a, &b);
	ASSERT_EQ(1, (b.ru.minflt - a.ru.minflt) + (b.ru.majflt - a.ru.majflt))
		TH_LOG("the kernel counts the fault that completed only");
	ASSERT_EQ(1, FL_D(&a, &b, abandoned));
	ASSERT_EQ(0, FL_D(&a, &b, errors));
	close(g.s.uffd);
	fl_unmap(mem, 2);
	fl_unmap(src, 1);
}

/* Test 2: major faults on a file of a RAM disk's file system. */
FIXTURE(major) {
	int fd;
	struct fl_fs fs;
};

FIXTURE_VARIANT(major) {
	const char *fstype;
};

FIXTURE_VARIANT_ADD(major, ext2) {
	.fstype = "ext2",
};

FIXTURE_VARIANT_ADD(major, ext4) {
	.fstype = "ext4",
};

FIXTURE_SETUP(major)
{
	self->fd = open_dev(_metadata);
	if (fl_fs_setup(&self->fs, variant->fstype, FILE_PAGES)) {
		bool skip = self->fs.skip;

		fl_fs_teardown(&self->fs);
		close(self->fd);
		if (skip)
			FL_SKIP_SETUP("%s", self->fs.why);
		ASSERT_TRUE(false) TH_LOG("%s", self->fs.why);
	}
}

FIXTURE_TEARDOWN(major)
{
	fl_fs_teardown(&self->fs);
	close(self->fd);
}

/*
 * Read a file that is not in the page cache, one page at a time with
 * MADV_RANDOM (no readahead, nothing for fault-around to map): each page
 * is a major fault, that filemap_fault() retries once after the read.
 * faultlat's major count equals ru_majflt (a retried fault counts once),
 * and the retries are the extra calls.
 */
TEST_F(major, file_major)
{
	struct fl_snap a, b;
	pid_t tid = fl_gettid();
	unsigned long sum = 0;

	ASSERT_EQ(0, fl_fs_drop_cache(&self->fs)) TH_LOG("%s", self->fs.why);
	fl_prefault(&a, sizeof(a));
	fl_prefault(&b, sizeof(b));
	fl_prefault_stack();

	ASSERT_EQ(0, fl_snap_before(self->fd, RUSAGE_THREAD, tid, false, &a));
	ASSERT_EQ(0, fl_read_file_pages(self->fs.file, FILE_PAGES, &sum))
		TH_LOG("reading %s: %s", self->fs.file, strerror(errno));
	ASSERT_EQ(0, fl_snap_after(self->fd, RUSAGE_THREAD, tid, false, &b));

	FL_INFO("%s: majflt +%llu, major +%llu minor +%llu retries +%llu calls +%llu\n",
		variant->fstype,
		(unsigned long long)(b.ru.majflt - a.ru.majflt),
		(unsigned long long)FL_D(&a, &b, major.count),
		(unsigned long long)FL_D(&a, &b, minor.count),
		(unsigned long long)FL_D(&a, &b, retries),
		(unsigned long long)FL_D(&a, &b, calls));
	fl_check_delta(_metadata, "file read", &a, &b);
	ASSERT_LT(0, b.ru.majflt - a.ru.majflt);
	ASSERT_LT(0, FL_D(&a, &b, major.count));
	ASSERT_EQ(0, FL_D(&a, &b, errors));
	ASSERT_EQ(0, FL_D(&a, &b, abandoned));
	fl_check_lat(_metadata, "major", &b.t.stats.major);
	ASSERT_NE(0, sum);
}

/*
 * The same reads, for the fallbacks: on 6.4+ filemap_fault() starts the
 * read under the per-VMA lock and returns VM_FAULT_RETRY | VM_FAULT_MAJOR,
 * a fallback; the retry under mmap_lock (with FAULT_FLAG_TRIED) finds the
 * page read: one major fault.  On 6.1, the same under mmap_lock.  Every
 * major fault is one retry, and on 6.4+ one fallback.  A first read, of
 * a cold or warm cache, faults in the code of the measuring.
 */
TEST_F(major, file_fallback)
{
	struct fl_snap a, b;
	pid_t tid = fl_gettid();
	unsigned long sum = 0;
	__u64 majflt;
	int i;

	fl_prefault(&a, sizeof(a));
	fl_prefault(&b, sizeof(b));
	fl_prefault_stack();
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, fl_fs_drop_cache(&self->fs))
			TH_LOG("%s", self->fs.why);
		ASSERT_EQ(0, fl_snap_before(self->fd, RUSAGE_THREAD, tid,
					    false, &a));
		ASSERT_EQ(0, fl_read_file_pages(self->fs.file, FILE_PAGES,
						&sum))
			TH_LOG("reading %s: %s", self->fs.file, strerror(errno));
		ASSERT_EQ(0, fl_snap_after(self->fd, RUSAGE_THREAD, tid,
					   false, &b));
	}

	majflt = b.ru.majflt - a.ru.majflt;
	check_fallbacks(_metadata, variant->fstype, &a, &b, majflt);
	ASSERT_LT(0, majflt);
	ASSERT_EQ(majflt, FL_D(&a, &b, retries))
		TH_LOG("one retry per major fault");
	ASSERT_NE(0, sum);
}

/* Test 4: K threads, each with its own pages. */
FIXTURE(threads) {
	int fd;
};

FIXTURE_VARIANT(threads) {
	int nr;
};

FIXTURE_VARIANT_ADD(threads, two) {
	.nr = 2,
};

FIXTURE_VARIANT_ADD(threads, eight) {
	.nr = 8,
};

FIXTURE_SETUP(threads)
{
	self->fd = open_dev(_metadata);
}

FIXTURE_TEARDOWN(threads)
{
	close(self->fd);
}

struct worker {
	pthread_t th;
	int fd;
	pid_t tid;
	int err;
	int step;
	struct fl_snap s0, s1;
	void *mem;
	pthread_barrier_t *done, *leave;
};

/* The smaps lines of the mapping holding @addr that say how it is backed. */
static void log_smaps(struct __test_metadata *_metadata, const void *addr)
{
	unsigned long a = (unsigned long)addr, lo, hi;
	char line[256];
	bool in = false;
	FILE *f;

	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = lo <= a && a < hi;
			if (in)
				TH_LOG("%lx: %s", a, line);
			continue;
		}
		if (in && (!strncmp(line, "Anon", 4) ||
			   !strncmp(line, "THP", 3) || !strncmp(line, "Rss", 3) ||
			   !strncmp(line, "VmFlags", 7)))
			TH_LOG("%s", line);
	}
	fclose(f);
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	void *mem;

	w->tid = fl_gettid();
	fl_prefault_stack();
	mem = fl_map_anon(THREAD_PAGES);
	w->mem = mem;
	if (!mem) {
		w->err = errno;
		w->step = 1;
	} else if (fl_snap_before(w->fd, RUSAGE_THREAD, w->tid, false,
				  &w->s0)) {
		w->err = errno;
		w->step = 2;
	} else {
		fl_touch_write(mem, THREAD_PAGES);
		if (fl_snap_after(w->fd, RUSAGE_THREAD, w->tid, false,
				  &w->s1)) {
			w->err = errno;
			w->step = 3;
		}
	}
	/* Stay alive, and quiet, while the main thread looks. */
	pthread_barrier_wait(w->done);
	pthread_barrier_wait(w->leave);
	fl_unmap(mem, THREAD_PAGES);
	return NULL;
}

/* The process view and the main thread, bracketed like a workload. */
static int snap_proc_before(int fd, struct fl_snap *p, struct fl_snap *m)
{
	int i;

	/* twice: the first round warms up, as in fl_snap_before() */
	for (i = 0; i < 2; i++) {
		if (fl_getrusage(RUSAGE_SELF, &p->ru) ||
		    fl_getrusage(RUSAGE_THREAD, &m->ru))
			return -1;
		if (fl_task(fd, getpid(), true, &p->t) ||
		    fl_task(fd, fl_gettid(), false, &m->t))
			return -1;
	}
	return 0;
}

static int snap_proc_after(int fd, struct fl_snap *p, struct fl_snap *m)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (fl_task(fd, fl_gettid(), false, &m->t) ||
		    fl_task(fd, getpid(), true, &p->t))
			return -1;
		if (fl_getrusage(RUSAGE_THREAD, &m->ru) ||
		    fl_getrusage(RUSAGE_SELF, &p->ru))
			return -1;
	}
	return 0;
}

/*
 * Each thread's own counts equal its RUSAGE_THREAD at the same point; the
 * process's counts equal the sum over its threads and RUSAGE_SELF, while
 * the threads live and after they exited.
 */
TEST_F(threads, per_thread_and_process)
{
	pthread_barrier_t done, leave;
	struct fl_snap p[3], m[3];
	struct worker *w;
	__u64 sum_min, sum_maj, ru_min;
	char what[64];
	int i, nr = variant->nr;

	w = calloc(nr, sizeof(*w));
	ASSERT_NE(NULL, w);
	fl_prefault(w, nr * sizeof(*w));
	fl_prefault(p, sizeof(p));
	fl_prefault(m, sizeof(m));
	fl_prefault_stack();
	ASSERT_EQ(0, pthread_barrier_init(&done, NULL, nr + 1));
	ASSERT_EQ(0, pthread_barrier_init(&leave, NULL, nr + 1));

	ASSERT_EQ(0, snap_proc_before(self->fd, &p[0], &m[0]));
	for (i = 0; i < nr; i++) {
		w[i].fd = self->fd;
		w[i].done = &done;
		w[i].leave = &leave;
		ASSERT_EQ(0, pthread_create(&w[i].th, NULL, worker_fn, &w[i]));
	}
	pthread_barrier_wait(&done);
	/* Every worker is parked in the second barrier. */
	ASSERT_EQ(0, snap_proc_after(self->fd, &p[1], &m[1]));

	sum_min = FL_D(&m[0], &m[1], minor.count);
	sum_maj = FL_D(&m[0], &m[1], major.count);
	ru_min = m[1].ru.minflt - m[0].ru.minflt;
	for (i = 0; i < nr; i++) {
		ASSERT_EQ(0, w[i].err)
			TH_LOG("thread %d failed at step %d: %s", i,
			       w[i].step, strerror(w[i].err));
		snprintf(what, sizeof(what), "thread %d (tid %d)", i,
			 w[i].tid);
		/* A thread created after the load: all its faults. */
		fl_check_abs(_metadata, what, &w[i].s0);
		fl_check_abs(_metadata, what, &w[i].s1);
		fl_check_delta(_metadata, what, &w[i].s0, &w[i].s1);
		ASSERT_LE(THREAD_PAGES, FL_D(&w[i].s0, &w[i].s1, minor.count))
			log_smaps(_metadata, w[i].mem);
		ASSERT_EQ((__u32)w[i].tid, w[i].s1.t.pid);
		ASSERT_EQ((__u32)getpid(), w[i].s1.t.tgid);
		sum_min += w[i].s1.t.stats.minor.count;
		sum_maj += w[i].s1.t.stats.major.count;
		ru_min += w[i].s1.ru.minflt;
	}
	fl_check_delta(_metadata, "main thread", &m[0], &m[1]);
	fl_check_delta(_metadata, "process, threads live", &p[0], &p[1]);
	/* the kernel's own sum over the threads, as a check of the workload */
	ASSERT_EQ(p[1].ru.minflt - p[0].ru.minflt, ru_min);
	ASSERT_EQ(sum_min, FL_D(&p[0], &p[1], minor.count))
		TH_LOG("process minor vs the sum over its %d+1 threads", nr);
	ASSERT_EQ(sum_maj, FL_D(&p[0], &p[1], major.count))
		TH_LOG("process major vs the sum over its %d+1 threads", nr);
	ASSERT_EQ((__u32)nr + 1, p[1].t.nr_threads);

	pthread_barrier_wait(&leave);
	for (i = 0; i < nr; i++)
		ASSERT_EQ(0, pthread_join(w[i].th, NULL));

	/*
	 * pthread_join() returns when the kernel clears the thread's tid, in
	 * exit_mm(): before sched_process_exit, where the thread stops being
	 * live.  Give the last ones a moment.
	 */
	for (i = 0; i < 500; i++) {
		ASSERT_EQ(0, fl_task(self->fd, getpid(), true, &p[2].t));
		if (p[2].t.nr_threads == 1)
			break;
		usleep(10000);
	}
	fl_prefault_stack();

	/* The exited threads' faults stay in the process's counts. */
	ASSERT_EQ(0, snap_proc_after(self->fd, &p[2], &m[2]));
	fl_check_delta(_metadata, "process, threads exited", &p[0], &p[2]);
	fl_check_delta(_metadata, "process, after the exits", &p[1], &p[2]);
	ASSERT_EQ(1, p[2].t.nr_threads);
	ASSERT_EQ(FAULTLAT_TASK_PROCESS, p[2].t.flags);
	fl_check_hist(_metadata, "process minor", &p[2].t.stats.minor);

	pthread_barrier_destroy(&done);
	pthread_barrier_destroy(&leave);
	free(w);
}

/*
 * Test 5: the global view against /proc/vmstat.
 *
 * What the kernel's own accounting explains:
 * - Up to 6.3, pgfault is counted by count_vm_event(PGFAULT) at the entry
 *   of every handle_mm_fault() call: retried calls, calls that end in an
 *   error, kernel-mode and get_user_pages() faults included.  faultlat's
 *   @calls counts the same calls, so over a quiet interval calls ==
 *   pgfault.  Since 6.4 ("mm: do not increment pgfault stats when page
 *   fault handler retries"), mm_account_fault() counts it, for every call
 *   that does not return VM_FAULT_RETRY: pgfault == minor + major +
 *   errors (fl_pgfault_counts_retries() tells which kernel this is).
 * - @abandoned counts faults whose retry never came back: nothing gets a
 *   fatal signal here, so none (asserted).
 * - pgmajfault is counted by filemap_fault() when the page is not in the
 *   page cache at all (and by swap-in, shmem swap-in): once per fault, in
 *   its first call, which then reads the page and returns VM_FAULT_RETRY;
 *   the retried call finds the page and mm_account_fault() calls the
 *   fault major because of FAULT_FLAG_TRIED.  A major fault whose page
 *   was already in the cache but locked (readahead in flight) is major
 *   for mm_account_fault() but not in pgmajfault, and a fault that finds
 *   the page gone again could count pgmajfault twice.  With MADV_RANDOM,
 *   no readahead and nothing else touching the file, major == pgmajfault
 *   exactly; anonymous memory without swap gives 0 and 0.
 *
 * The interval is made quiet: the measuring thread is mlocked and every
 * buffer it hands to the kernel is pre-faulted, /proc/vmstat is opened
 * before and pread() inside; a worker thread does the faulting (its stack
 * and mappings are not locked: mlockall() without MCL_FUTURE).  Order:
 * vmstat, GLOBAL, work, GLOBAL, vmstat; another process that faults in the
 * gaps makes pgfault larger, so try again a few times.
 */
FIXTURE(global) {
	int fd;
	int vmstat;
	struct fl_fs fs;
	bool file;
};

FIXTURE_VARIANT(global) {
	bool file;
};

FIXTURE_VARIANT_ADD(global, anon) {
	.file = false,
};

FIXTURE_VARIANT_ADD(global, file) {
	.file = true,
};

FIXTURE_SETUP(global)
{
	self->fd = open_dev(_metadata);
	self->vmstat = fl_vmstat_open();
	ASSERT_LE(0, self->vmstat);
	self->file = variant->file;
	if (self->file && fl_fs_setup(&self->fs, "ext2", FILE_PAGES)) {
		bool skip = self->fs.skip;

		fl_fs_teardown(&self->fs);
		close(self->fd);
		if (skip)
			FL_SKIP_SETUP("%s", self->fs.why);
		ASSERT_TRUE(false) TH_LOG("%s", self->fs.why);
	}
}

FIXTURE_TEARDOWN(global)
{
	if (self->file)
		fl_fs_teardown(&self->fs);
	close(self->vmstat);
	close(self->fd);
}

struct global_work {
	bool file;
	const char *path;
	int err;
	unsigned long sum;
};

static void *global_worker(void *arg)
{
	struct global_work *gw = arg;
	void *mem;

	if (gw->file) {
		if (fl_read_file_pages(gw->path, FILE_PAGES, &gw->sum))
			gw->err = errno;
		return NULL;
	}
	mem = fl_map_anon(GLOBAL_PAGES);
	if (!mem) {
		gw->err = errno;
		return NULL;
	}
	fl_touch_write(mem, GLOBAL_PAGES);
	fl_unmap(mem, GLOBAL_PAGES);
	return NULL;
}

struct global_delta {
	__u64 pgfault, pgmajfault;
	__u64 calls, minor, major, errors, retries, abandoned, nmissed;
	__u64 fallbacks;
};

static char vm0[FL_VMSTAT_BUF], vm1[FL_VMSTAT_BUF];
static struct faultlat_global g0, g1;

static int global_interval(struct __test_metadata *_metadata, int fd,
			   int vmstat, struct fl_fs *fs, bool file,
			   struct global_delta *d)
{
	struct global_work gw;
	__u64 a, b;
	pthread_t th;

	if (file && fl_fs_drop_cache(fs)) {
		TH_LOG("%s", fs->why);
		return -1;
	}
	fl_prefault(vm0, sizeof(vm0));
	fl_prefault(vm1, sizeof(vm1));
	fl_prefault(&g0, sizeof(g0));
	fl_prefault(&g1, sizeof(g1));
	fl_prefault(&gw, sizeof(gw));
	fl_prefault(&th, sizeof(th));
	gw.file = file;
	gw.path = fs->file;

	if (fl_vmstat_read(vmstat, vm0, sizeof(vm0)))
		return -1;
	if (fl_global(fd, &g0))
		return -1;
	if (pthread_create(&th, NULL, global_worker, &gw))
		return -1;
	pthread_join(th, NULL);
	if (fl_global(fd, &g1))
		return -1;
	if (fl_vmstat_read(vmstat, vm1, sizeof(vm1)))
		return -1;
	if (gw.err) {
		errno = gw.err;
		return -1;
	}

	if (fl_vmstat_get(vm0, "pgfault", &a) ||
	    fl_vmstat_get(vm1, "pgfault", &b))
		return -1;
	d->pgfault = b - a;
	if (fl_vmstat_get(vm0, "pgmajfault", &a) ||
	    fl_vmstat_get(vm1, "pgmajfault", &b))
		return -1;
	d->pgmajfault = b - a;
	d->calls = g1.stats.calls - g0.stats.calls;
	d->minor = g1.stats.minor.count - g0.stats.minor.count;
	d->major = g1.stats.major.count - g0.stats.major.count;
	d->errors = g1.stats.errors - g0.stats.errors;
	d->retries = g1.stats.retries - g0.stats.retries;
	d->abandoned = g1.stats.abandoned - g0.stats.abandoned;
	d->nmissed = g1.nmissed - g0.nmissed;
	d->fallbacks = g1.fallbacks - g0.fallbacks;
	return 0;
}

/* what /proc/vmstat's pgfault counts on this kernel (see above) */
static __u64 global_pgfault(const struct global_delta *d)
{
	if (fl_pgfault_counts_retries())
		return d->calls;
	return d->minor + d->major + d->errors;
}

static bool global_exact(const struct global_delta *d)
{
	return global_pgfault(d) == d->pgfault &&
	       d->abandoned == 0 && d->major == d->pgmajfault;
}

TEST_F(global, quiet_interval)
{
	struct global_delta d;
	int try;

	fl_prefault(&d, sizeof(d));
	fl_prefault_stack();
	ASSERT_EQ(0, mlockall(MCL_CURRENT))
		TH_LOG("mlockall: %s", strerror(errno));

	for (try = 1; try <= QUIET_TRIES; try++) {
		ASSERT_EQ(0, global_interval(_metadata, self->fd, self->vmstat,
					     &self->fs, self->file, &d))
			TH_LOG("interval: %s", strerror(errno));
		FL_INFO("%s, try %d: pgfault +%llu calls +%llu pgmajfault +%llu fallbacks +%llu\n",
			self->file ? "file" : "anon", try,
			(unsigned long long)d.pgfault,
			(unsigned long long)d.calls,
			(unsigned long long)d.pgmajfault,
			(unsigned long long)d.fallbacks);
		FL_INFO("minor %llu major %llu errors %llu retries %llu abandoned %llu\n",
			(unsigned long long)d.minor,
			(unsigned long long)d.major,
			(unsigned long long)d.errors,
			(unsigned long long)d.retries,
			(unsigned long long)d.abandoned);
		if (global_exact(&d))
			break;
	}
	munlockall();

	ASSERT_EQ(d.pgfault, global_pgfault(&d))
		TH_LOG("/proc/vmstat pgfault vs GLOBAL %s (nmissed +%llu)",
		       fl_pgfault_counts_retries() ? "calls" :
		       "minor+major+errors",
		       (unsigned long long)d.nmissed);
	ASSERT_EQ(0, d.abandoned);
	ASSERT_EQ(d.pgmajfault, d.major)
		TH_LOG("/proc/vmstat pgmajfault vs GLOBAL major");
	/* a fallback is a retry; 6.1 has no per-VMA lock */
	ASSERT_LE(d.fallbacks, d.retries);
	if (!fl_vma_lock_faults())
		ASSERT_EQ(0, d.fallbacks);
	/* the file's pages fault major, the anonymous ones minor */
	ASSERT_LE(self->file ? 1 : GLOBAL_PAGES,
		  self->file ? d.major : d.minor);
	fl_check_hist(_metadata, "global minor", &g1.stats.minor);
	fl_check_hist(_metadata, "global major", &g1.stats.major);
}

TEST_HARNESS_MAIN
