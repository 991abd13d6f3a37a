// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat's direct-call trampolines are safe (issue 7, "Safety" 1-3).
 *
 *  1. Unload with a thread asleep inside handle_mm_fault() (a userfaultfd
 *     fault not served yet).  With the function attached directly, its
 *     return lands in the module's trampoline: delete_module() must fail
 *     ("in use") and the module stay whole until the call has returned.
 *     With kretprobes the module may go: the call returns through the
 *     kernel's own trampoline.  Either way the thread reads what the
 *     fault was served with, and the module unloads once it has.  A
 *     thread without a task record (the table full) holds no reference:
 *     delete_module() then waits in the module's exit, saying so in the
 *     kernel log, until the call has returned, and completes.
 *  2. Coexistence on handle_mm_fault(): a BPF fentry program (bpftrace
 *     kfunc) attached first makes probe_mode=auto fall back to a kretprobe
 *     and say why (EBUSY, in FAULTLAT_IOC_INFO and debugfs summary), and
 *     probe_mode=direct refuse to load, saying why in the kernel log;
 *     bpftrace attaching after faultlat fails cleanly (ftrace does not
 *     share a function between two direct trampolines); a kprobe event
 *     on the function works beside the direct call.  faultlat counts
 *     exactly as getrusage() does in each case.
 *  3. Stack traces taken below handle_mm_fault() (a tracefs stacktrace
 *     trigger, perf record -g) unwind through fl_tramp_fault to the
 *     user-mode fault entry, with no unwinder complaint in the kernel log.
 *
 * Needs FAULTLAT_KO, the module file; leaves the module loaded with the
 * suite's parameters ($FAULTLAT_MODPARAMS).  bpftrace and perf are
 * optional (their tests skip without them).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"
#include "faultlat_spawn.h"

#define COUNT_PAGES	500	/* the counted workload's faults */
#define STACK_PAGES	32	/* test 3's workload */
#define PERF_PAGES	64	/* test 3's, under perf */
#define __STR(x)	#x
#define STR(x)		__STR(x)
#define MAGIC		0x66617531746c6174UL
/* asleep_without_record: the smallest task table, and more tasks */
#define SMALL_TABLE	16
#define FILLERS		24

/* the kprobe events' group, their names, the tracefs instance */
#define EV_GROUP	"faultlat_direct_test"
#define EV_HMF		"fl_dt_hmf"
#define EV_STACK	"fl_dt_stack"
#define INSTANCE	"faultlat_direct_test"

#define BPFTRACE_PROG	"kfunc:handle_mm_fault { @[comm] = count(); }"
/* bpftrace reads the kernel's BTF first: slow in an emulated guest */
#define BPFTRACE_MS	240000

#define DEBUGFS		"/sys/kernel/debug"
#define SUMMARY		DEBUGFS "/faultlat/summary"
#define REFCNT		"/sys/module/" FL_MODNAME "/refcnt"

/* See counts_test.c: a SKIP() in a fixture's setup must leave by the jump. */
#define FL_SKIP_SETUP(fmt, ...) \
	SKIP(longjmp(_metadata->env, 1), fmt, ##__VA_ARGS__)

/* --- files --- */

/* A whole (small) file into @buf, NUL-terminated; its length or -1. */
static ssize_t read_text(const char *path, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	close(fd);
	return got;
}

/* Write @s to @path, appending (a tracefs command) or truncating. */
static int write_text(const char *path, const char *s, bool append)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC));
	size_t len = strlen(s);
	int ret = 0;

	if (fd < 0)
		return -1;
	if (write(fd, s, len) != (ssize_t)len)
		ret = -1;
	if (close(fd))
		ret = -1;
	return ret;
}

/* --- the module --- */

/* FAULTLAT_IOC_INFO through a descriptor of its own, closed again. */
static int mod_info(struct faultlat_info *info)
{
	int fd = fl_open(), ret, err;

	if (fd < 0)
		return -1;
	ret = fl_info(fd, info);
	err = errno;
	close(fd);
	errno = err;
	return ret;
}

/* The module's reference count, -1 if unknown. */
static long mod_refcnt(void)
{
	char buf[32];

	if (read_text(REFCNT, buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* The line of debugfs summary about @sym, into @line. */
static int summary_probe_line(const char *sym, char *line, size_t len)
{
	char buf[8192], key[128], *p, *e;

	if (read_text(SUMMARY, buf, sizeof(buf)) < 0)
		return -1;
	snprintf(key, sizeof(key), " %s: ", sym);
	for (p = buf; p && *p; p = e ? e + 1 : NULL) {
		e = strchr(p, '\n');
		if (e)
			*e = '\0';
		if (!strncmp(p, "probe ", 6) && strstr(p, key)) {
			snprintf(line, len, "%.*s", (int)len - 1, p);
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}

/* --- the kernel log --- */

/* /dev/kmsg, positioned after what is in it now. */
static int kmsg_open_end(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* The messages logged since kmsg_open_end(), one a line, into @buf. */
static void kmsg_read(int fd, char *buf, size_t len)
{
	char rec[2048], *msg, *e;
	size_t got = 0;
	ssize_t n;

	buf[0] = '\0';
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		e = strchr(msg, '\n');
		if (e)
			*e = '\0';
		got += snprintf(buf + got, len - got, "%s\n", msg);
		if (got >= len - 1)
			break;
	}
}

/* The first line of @log with a word of the unwinder's complaints. */
static const char *unwind_complaint(const char *log, char *line, size_t len)
{
	static const char * const words[] = {
		"unwind", "Unwind", "UNWIND", "ORC", "orc:", "WARNING",
		"BUG:", "Call Trace", "stack is corrupted", "Oops",
	};
	const char *p, *e;
	unsigned int i;
	size_t n;

	for (p = log; *p; p = e + 1) {
		e = strchrnul(p, '\n');
		n = e - p;
		snprintf(line, len, "%.*s", (int)n, p);
		for (i = 0; i < ARRAY_SIZE(words); i++)
			if (strstr(line, words[i]))
				return line;
		if (!*e)
			break;
	}
	return NULL;
}

/* --- tracefs --- */

/* tracefs, mounted if it is not; NULL if it cannot be. */
static const char *tracefs(void)
{
	static const char * const dirs[] = {
		"/sys/kernel/tracing", DEBUGFS "/tracing",
	};
	char path[PATH_MAX];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/kprobe_events", dirs[i]);
		if (!access(path, F_OK))
			return dirs[i];
	}
	if (!mount("nodev", dirs[0], "tracefs", 0, NULL))
		return dirs[0];
	return NULL;
}

/* Append to @out (@len bytes) at *@got, never past its end. */
static void append(char *out, size_t len, size_t *got, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*got + 1 >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *got, len - *got, fmt, ap);
	va_end(ap);
	if (n > 0)
		*got = *got + n < len ? *got + n : len - 1;
}

/*
 * The record of @func in enabled_functions, its continuation lines
 * ("\tdirect-->...") joined with " |"; -1 (ENOENT) if it is not there.
 */
static int enabled_record(const char *tdir, const char *func, char *out,
			  size_t len)
{
	size_t cap = 1 << 20, flen = strlen(func), got = 0;
	char path[PATH_MAX], *buf, *p, *e;
	bool found = false, last;

	snprintf(path, sizeof(path), "%s/enabled_functions", tdir);
	buf = malloc(cap);
	if (!buf)
		return -1;
	if (read_text(path, buf, cap) < 0) {
		free(buf);
		return -1;
	}
	out[0] = '\0';
	for (p = buf; *p; p = e + 1) {
		e = strchrnul(p, '\n');
		last = !*e;
		*e = '\0';
		if (!found && !strncmp(p, func, flen) && p[flen] == ' ') {
			found = true;
			append(out, len, &got, "%s", p);
		} else if (found && *p == '\t') {
			append(out, len, &got, " |%s", p);
		} else if (found) {
			break;
		}
		if (last)
			break;
	}
	free(buf);
	if (!found) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

/* handle_mm_fault's direct call, by ftrace: faultlat's, another, none. */
enum owner { OWNER_NONE, OWNER_FAULTLAT, OWNER_OTHER };

static enum owner fault_direct_owner(const char *tdir, char *rec, size_t len)
{
	if (enabled_record(tdir, "handle_mm_fault", rec, len))
		return OWNER_NONE;
	if (!strstr(rec, "direct-->"))
		return OWNER_NONE;
	return strstr(rec, "fl_tramp_fault") ? OWNER_FAULTLAT : OWNER_OTHER;
}

/* Add a kprobe event: @def as kprobe_events takes it ("p:G/N SYM"). */
static int kprobe_add(const char *tdir, const char *def)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/kprobe_events", tdir);
	return write_text(path, def, true);
}

static int kprobe_del(const char *tdir, const char *name)
{
	char path[PATH_MAX], cmd[128];

	snprintf(path, sizeof(path), "%s/kprobe_events", tdir);
	snprintf(cmd, sizeof(cmd), "-:" EV_GROUP "/%s", name);
	return write_text(path, cmd, true);
}

/* The hits of kprobe event @name (kprobe_profile), -1 if not listed. */
static long long kprobe_hits(const char *tdir, const char *name)
{
	char path[PATH_MAX], *buf, *p, *e, ev[128];
	size_t cap = 1 << 18;
	unsigned long long hit, miss;
	long long ret = -1;

	snprintf(path, sizeof(path), "%s/kprobe_profile", tdir);
	buf = malloc(cap);
	if (!buf || read_text(path, buf, cap) < 0) {
		free(buf);
		return -1;
	}
	for (p = buf; *p; p = e + 1) {
		e = strchrnul(p, '\n');
		if (sscanf(p, "%127s %llu %llu", ev, &hit, &miss) == 3 &&
		    (!strcmp(ev, name) ||
		     (!strncmp(ev, EV_GROUP "/", sizeof(EV_GROUP)) &&
		      !strcmp(ev + sizeof(EV_GROUP), name)))) {
			ret = hit;
			break;
		}
		if (!*e)
			break;
	}
	free(buf);
	return ret;
}

/* A file of event @name of the instance @inst. */
static void ev_path(char *path, size_t len, const char *inst,
		    const char *name, const char *file)
{
	snprintf(path, len, "%s/events/" EV_GROUP "/%s/%s", inst, name, file);
}

/* --- the fixture's state, shared by both fixtures --- */

struct rig {
	int kofd;
	bool changed;		/* loaded with the test's own parameters */
	const char *tdir;	/* tracefs, once a test needs it */
	char inst[128];		/* our tracefs instance, "" if none */
	bool ev_hmf, ev_stack;	/* our kprobe events that exist */
	pid_t bpftrace;		/* running in the background */
	char tmp[4][64];	/* temporary files, "" if none */
	int uffd;
	bool th_live;		/* a thread may still be asleep in the fault */
	pthread_t th;
	pid_t deleter;		/* a child in delete_module() */
	pid_t fillers[FILLERS];	/* children holding a task record each */
};

static void rig_setup(struct __test_metadata *_metadata, struct rig *r)
{
	const char *ko = getenv("FAULTLAT_KO");
	unsigned int i;

	r->kofd = -1;
	r->uffd = -1;
	for (i = 0; i < 4; i++)
		r->tmp[i][0] = '\0';
	if (!ko || !*ko)
		FL_SKIP_SETUP("FAULTLAT_KO (the module file) is not set");
	r->kofd = open(ko, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, r->kofd) TH_LOG("%s: %s", ko, strerror(errno));
	ASSERT_EQ(0, fl_no_thp()) TH_LOG("PR_SET_THP_DISABLE: %s",
					 strerror(errno));
	/* a test before may have left it unloaded */
	if (!fl_mod_loaded())
		ASSERT_EQ(0, fl_mod_load(r->kofd, ""))
			TH_LOG("load: %s", strerror(errno));
}

/* Reload with @params (after $FAULTLAT_MODPARAMS, which they override). */
static int rig_load(struct rig *r, const char *params)
{
	r->changed = true;
	if (fl_mod_loaded() && fl_mod_unload())
		return -1;
	return fl_mod_load(r->kofd, params);
}

/* Undo what the test left of tracefs; 0, or -1 if something stayed. */
static int rig_trace_cleanup(struct rig *r)
{
	char path[PATH_MAX];
	int ret = 0;

	if (!r->tdir)
		return 0;
	if (r->inst[0]) {
		ev_path(path, sizeof(path), r->inst, EV_HMF, "enable");
		write_text(path, "0", false);
		ev_path(path, sizeof(path), r->inst, EV_STACK, "enable");
		write_text(path, "0", false);
		ev_path(path, sizeof(path), r->inst, EV_STACK, "trigger");
		write_text(path, "!stacktrace", false);
		if (rmdir(r->inst) && errno != ENOENT)
			ret = -1;
		else
			r->inst[0] = '\0';
	}
	if (r->ev_hmf) {
		if (kprobe_del(r->tdir, EV_HMF))
			ret = -1;
		else
			r->ev_hmf = false;
	}
	if (r->ev_stack) {
		if (kprobe_del(r->tdir, EV_STACK))
			ret = -1;
		else
			r->ev_stack = false;
	}
	return ret;
}

/* A tracefs instance of ours, none of our events left from a run before. */
static int rig_trace_setup(struct rig *r)
{
	r->tdir = tracefs();
	if (!r->tdir)
		return -1;
	snprintf(r->inst, sizeof(r->inst), "%s/instances/" INSTANCE, r->tdir);
	/* whatever a killed run left */
	r->ev_hmf = true;
	r->ev_stack = true;
	rig_trace_cleanup(r);
	r->inst[0] = '\0';
	r->ev_hmf = false;
	r->ev_stack = false;
	snprintf(r->inst, sizeof(r->inst), "%s/instances/" INSTANCE, r->tdir);
	if (mkdir(r->inst, 0755)) {
		r->inst[0] = '\0';
		return -1;
	}
	return 0;
}

static void rig_teardown(struct __test_metadata *_metadata, struct rig *r)
{
	struct timespec ts;
	unsigned int i;

	if (r->bpftrace > 0) {
		kill(r->bpftrace, SIGINT);
		fl_wait(r->bpftrace, 30000);
		r->bpftrace = 0;
	}
	if (rig_trace_cleanup(r))
		TH_LOG("tracefs: %s or a kprobe event of group %s left behind",
		       r->inst, EV_GROUP);
	if (r->th_live) {
		/* closing the userfaultfd wakes the fault: it retries */
		close(r->uffd);
		r->uffd = -1;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 10;
		if (pthread_timedjoin_np(r->th, NULL, &ts))
			TH_LOG("the thread in the fault did not return");
		else
			r->th_live = false;
	}
	if (r->uffd >= 0)
		close(r->uffd);
	if (r->deleter > 0 && fl_wait(r->deleter, 30000) < 0)
		TH_LOG("the child in delete_module() did not end");
	for (i = 0; i < FILLERS; i++)
		if (r->fillers[i] > 0) {
			kill(r->fillers[i], SIGKILL);
			waitpid(r->fillers[i], NULL, 0);
		}
	for (i = 0; i < 4; i++)
		if (r->tmp[i][0])
			unlink(r->tmp[i]);
	/* whatever happened, leave the module loaded as the suite had it */
	if (r->kofd >= 0 && (r->changed || !fl_mod_loaded())) {
		if (fl_mod_loaded() && fl_mod_unload())
			TH_LOG("unloading %s after the test: %s", FL_MODNAME,
			       strerror(errno));
		else if (fl_mod_load(r->kofd, ""))
			TH_LOG("reloading %s after the test: %s", FL_MODNAME,
			       strerror(errno));
	}
	if (r->kofd >= 0)
		close(r->kofd);
}

static int rig_tmp(struct rig *r, unsigned int i, const char *what)
{
	int fd;

	snprintf(r->tmp[i], sizeof(r->tmp[i]), "/tmp/faultlat-dt-%s.XXXXXX",
		 what);
	fd = mkstemp(r->tmp[i]);
	if (fd < 0) {
		r->tmp[i][0] = '\0';
		return -1;
	}
	close(fd);
	return 0;
}

/* --- a workload counted by faultlat and by the kernel --- */

struct count_res {
	int err, step;
	struct fl_snap p0, p1;
};

static noreturn void count_child(struct count_res *out, size_t pages)
{
	struct count_res r = { 0 };
	pid_t pid = getpid();
	void *mem;
	int fd;

	fl_prefault(out, sizeof(*out));
	fl_prefault(&r, sizeof(r));
	fl_prefault_stack();
	r.step = 1;
	fd = fl_open();
	mem = fl_map_anon(pages);
	if (fd < 0 || !mem)
		goto fail;
	r.step = 2;
	if (fl_snap_before(fd, RUSAGE_SELF, pid, true, &r.p0))
		goto fail;
	fl_touch_write(mem, pages);
	r.step = 3;
	if (fl_snap_after(fd, RUSAGE_SELF, pid, true, &r.p1))
		goto fail;
	r.err = 0;
	r.step = 0;
	memcpy(out, &r, sizeof(r));
	_exit(0);
fail:
	out->err = errno;
	out->step = r.step;
	_exit(1);
}

/*
 * A child process writes once to each of COUNT_PAGES new pages: faultlat's
 * count of its minor faults over that is getrusage()'s.
 */
static void check_counts(struct __test_metadata *_metadata, const char *what)
{
	struct count_res *res;
	int status;
	pid_t pid;

	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, res);
	res->err = -1;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		count_child(res, COUNT_PAGES);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, res->err)
		TH_LOG("%s: workload step %d: %s", what, res->step,
		       strerror(res->err));
	ASSERT_LE(COUNT_PAGES, res->p1.ru.minflt - res->p0.ru.minflt)
		TH_LOG("%s: fewer minor faults than pages written", what);
	fl_check_delta(_metadata, what, &res->p0, &res->p1);
	FL_INFO("%s: %llu minor faults, faultlat and getrusage agree\n", what,
		(unsigned long long)(res->p1.ru.minflt - res->p0.ru.minflt));
	munmap(res, sizeof(*res));
}

/* --- test 1: unload with a thread asleep inside handle_mm_fault --- */

struct sleeper {
	unsigned long *addr;
	pid_t tid;
	unsigned long got;
};

/* Read the registered page: the fault waits in handle_userfault(). */
static void *sleeper_main(void *arg)
{
	struct sleeper *s = arg;

	__atomic_store_n(&s->tid, fl_gettid(), __ATOMIC_SEQ_CST);
	s->got = __atomic_load_n(s->addr, __ATOMIC_RELAXED);
	return NULL;
}

/* Thread @tid's state letter (/proc/self/task/TID/stat) and wchan. */
static char task_state(pid_t tid, char *wchan, size_t len)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/self/task/%d/wchan", tid);
	if (read_text(path, wchan, len) < 0)
		wchan[0] = '\0';
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	if (read_text(path, buf, sizeof(buf)) < 0)
		return '?';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/*
 * Wait until the thread's fault is in the userfaultfd (its message is
 * there) and the thread has gone to sleep in it (state S, a wchan).
 */
static int wait_asleep(struct __test_metadata *_metadata, int uffd,
		       void *area, struct sleeper *s, char *wchan,
		       size_t len)
{
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;
	long long end;
	pid_t tid;
	char st;

	if (poll(&pfd, 1, 10000) != 1) {
		TH_LOG("no fault in the userfaultfd after 10 s");
		return -1;
	}
	if (read(uffd, &msg, sizeof(msg)) != sizeof(msg)) {
		TH_LOG("reading the userfaultfd: %s", strerror(errno));
		return -1;
	}
	if (msg.event != UFFD_EVENT_PAGEFAULT ||
	    msg.arg.pagefault.address != (unsigned long)area) {
		TH_LOG("userfaultfd message: event %u address 0x%llx, not a fault at %p",
		       msg.event, (unsigned long long)msg.arg.pagefault.address,
		       area);
		return -1;
	}
	end = fl_ms() + 10000;
	tid = __atomic_load_n(&s->tid, __ATOMIC_SEQ_CST);
	do {
		st = task_state(tid, wchan, len);
		if ((st == 'S' || st == 'D') && wchan[0] && wchan[0] != '0')
			break;
		usleep(10000);
	} while (fl_ms() < end);
	if (st != 'S' && st != 'D') {
		TH_LOG("thread %d in state %c, not asleep in the fault", tid,
		       st);
		return -1;
	}
	/* past schedule()'s sched_switch for sure */
	usleep(100000);
	return 0;
}

/*
 * A userfaultfd (in @r) with one page registered for missing-page faults
 * (@area), and a page to serve it from (@src).  0, or -1 with errno if the
 * kernel has no userfaultfd for us.
 */
static int uffd_setup(struct __test_metadata *_metadata, struct rig *r,
		      void **area, unsigned long **src)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { 0 };

	r->uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (r->uffd < 0)
		return -1;
	ASSERT_EQ(0, ioctl(r->uffd, UFFDIO_API, &api))
		TH_LOG("UFFDIO_API: %s", strerror(errno));
	*area = fl_map_anon(1);
	*src = fl_map_anon(1);
	ASSERT_TRUE(*area && *src);
	reg.range.start = (unsigned long)*area;
	reg.range.len = fl_page_size();
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ASSERT_EQ(0, ioctl(r->uffd, UFFDIO_REGISTER, &reg))
		TH_LOG("UFFDIO_REGISTER: %s", strerror(errno));
	return 0;
}

/* Serve the fault with a page holding MAGIC: the thread returns, reads it. */
static void serve(struct __test_metadata *_metadata, struct rig *r,
		  void *area, unsigned long *src, struct sleeper *s)
{
	struct uffdio_copy copy = { 0 };
	struct timespec ts;

	src[0] = MAGIC;
	copy.dst = (unsigned long)area;
	copy.src = (unsigned long)src;
	copy.len = fl_page_size();
	ASSERT_EQ(0, ioctl(r->uffd, UFFDIO_COPY, &copy))
		TH_LOG("UFFDIO_COPY: %s", strerror(errno));
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	ASSERT_EQ(0, pthread_timedjoin_np(r->th, NULL, &ts))
		TH_LOG("the thread did not return from the served fault");
	r->th_live = false;
	ASSERT_EQ(MAGIC, s->got) TH_LOG("the thread read 0x%lx", s->got);
}

FIXTURE(unload) {
	struct rig r;
};

/*
 * The module as the suite loaded it, then forced to each mode, so that
 * both behaviours are tested whatever $FAULTLAT_MODPARAMS says.
 */
FIXTURE_VARIANT(unload) {
	const char *params;	/* NULL: as loaded */
	int direct;		/* handle_mm_fault direct: 1, 0, -1 either */
};

FIXTURE_VARIANT_ADD(unload, as_loaded) {
	.params = NULL,
	.direct = -1,
};

FIXTURE_VARIANT_ADD(unload, probe_mode_direct) {
	.params = "probe_mode=direct",
	.direct = 1,
};

FIXTURE_VARIANT_ADD(unload, probe_mode_kprobe) {
	.params = "probe_mode=kprobe",
	.direct = 0,
};

FIXTURE_SETUP(unload)
{
	rig_setup(_metadata, &self->r);
}

FIXTURE_TEARDOWN(unload)
{
	rig_teardown(_metadata, &self->r);
}

/*
 * Test 1: a thread asleep in handle_mm_fault() (userfaultfd).  Attached
 * directly: delete_module() fails, the module stays loaded and working.
 * By kretprobe: delete_module() succeeds, and the module is loaded again
 * while the call is still asleep.  Then the fault is served: the thread
 * reads the page it was served with, and the module unloads.
 */
TEST_F_TIMEOUT(unload, asleep_in_fault, 180)
{
	struct faultlat_info info;
	struct sleeper s = { 0 };
	long ref0, ref1, ms;
	char wchan[128];
	unsigned long *src;
	void *area;
	bool direct;
	int ret, err;

	if (variant->params)
		ASSERT_EQ(0, rig_load(&self->r, variant->params))
			TH_LOG("load with %s: %s", variant->params,
			       strerror(errno));
	ASSERT_EQ(0, mod_info(&info)) TH_LOG("FAULTLAT_IOC_INFO: %s",
					     strerror(errno));
	ASSERT_TRUE(info.probes & FAULTLAT_PROBE_FAULT);
	direct = info.direct & FAULTLAT_PROBE_FAULT;
	if (variant->direct >= 0)
		ASSERT_EQ(variant->direct, direct)
			TH_LOG("%s: handle_mm_fault direct %d (direct_errno %u)",
			       variant->params, direct, info.direct_errno[0]);
	if (!direct)
		ASSERT_NE(0, info.direct_errno[0])
			TH_LOG("a kretprobe, and no reason why not direct");

	if (uffd_setup(_metadata, &self->r, &area, &src))
		SKIP(return, "userfaultfd: %s", strerror(errno));

	/* nobody holds the module: delete_module() would succeed now */
	ref0 = mod_refcnt();
	ASSERT_EQ(0, ref0) TH_LOG("%s holds %ld references before the test",
				  FL_MODNAME, ref0);

	s.addr = area;
	ASSERT_EQ(0, pthread_create(&self->r.th, NULL, sleeper_main, &s));
	self->r.th_live = true;
	ASSERT_EQ(0, wait_asleep(_metadata, self->r.uffd, area, &s, wchan,
				 sizeof(wchan)));
	strtok(wchan, "\n");
	ref1 = mod_refcnt();
	FL_INFO("handle_mm_fault %s; thread %d asleep in %s; refcnt %ld -> %ld\n",
		direct ? "direct" : "kretprobe", s.tid, wchan, ref0, ref1);

	ms = fl_ms();
	ret = syscall(SYS_delete_module, FL_MODNAME, O_NONBLOCK);
	err = errno;
	ms = fl_ms() - ms;
	if (direct) {
		ASSERT_EQ(-1, ret)
			TH_LOG("MODULE BUG: unloaded, a direct call asleep: %s",
			       "it returns into freed module text");
		FL_INFO("delete_module: %s after %ld ms, as wanted (refcnt %ld)\n",
			strerror(err), ms, ref1);
		/* the kernel's "in use" is EWOULDBLOCK (EAGAIN) */
		ASSERT_TRUE(err == EAGAIN || err == EBUSY)
			TH_LOG("delete_module: %s, not 'in use'",
			       strerror(err));
		ASSERT_TRUE(fl_mod_loaded());
		ASSERT_EQ(0, mod_info(&info))
			TH_LOG("FAULTLAT_IOC_INFO after the refused unload: %s",
			       strerror(errno));
		ASSERT_TRUE(info.direct & FAULTLAT_PROBE_FAULT);
	} else {
		ASSERT_EQ(0, ret)
			TH_LOG("delete_module() with kretprobes, a call asleep: %s",
			       strerror(err));
		ASSERT_FALSE(fl_mod_loaded());
		FL_INFO("delete_module: done in %ld ms, the call still asleep\n",
			ms);
		self->r.changed = true;
		/* a new instance of the module sees the old call return */
		ASSERT_EQ(0, fl_mod_load(self->r.kofd,
					 variant->params ? variant->params : ""))
			TH_LOG("load again: %s", strerror(errno));
	}
	/* still asleep */
	ASSERT_EQ(0, __atomic_load_n(&s.got, __ATOMIC_SEQ_CST));

	serve(_metadata, &self->r, area, src, &s);

	/* the call has returned: nothing holds the module any more */
	self->r.changed = true;
	ASSERT_EQ(0, fl_mod_unload())
		TH_LOG("unload after the call returned: %s (refcnt %ld)",
		       strerror(errno), mod_refcnt());
	ASSERT_EQ(0, fl_mod_load(self->r.kofd, ""))
		TH_LOG("load: %s", strerror(errno));
	self->r.changed = false;
	fl_unmap(src, 1);
}

/* --- test 1 without a task record; tests 2 and 3 --- */

FIXTURE(direct) {
	struct rig r;
};

FIXTURE_SETUP(direct)
{
	rig_setup(_metadata, &self->r);
}

FIXTURE_TEARDOWN(direct)
{
	rig_teardown(_metadata, &self->r);
}

/* A child that faults once (taking a task record), then waits to die. */
static pid_t filler(void)
{
	pid_t pid = fork();
	char *p;

	if (pid)
		return pid;
	p = fl_map_anon(1);
	if (!p)
		_exit(1);
	fl_touch_write(p, 1);
	for (;;)
		pause();
}

/*
 * Test 1, a thread with no task record (the table is full): its calls
 * cannot be found from the scheduler, so each holds a module reference
 * from entry to return.  Asleep in the direct-traced fault, it keeps the
 * module loaded as a thread with a record does: delete_module() fails at
 * once ("in use"); once the fault is served it succeeds.
 */
TEST_F_TIMEOUT(direct, asleep_without_record, 180)
{
	char params[64], buf[64], wchan[128];
	struct faultlat_info info;
	struct faultlat_task t;
	struct sleeper s = { 0 };
	unsigned long *src;
	unsigned int i;
	long long end;
	int fd, ret, err;
	void *area;

	snprintf(params, sizeof(params), "probe_mode=direct max_tasks=%d",
		 SMALL_TABLE);
	ASSERT_EQ(0, rig_load(&self->r, params))
		TH_LOG("load with %s: %s", params, strerror(errno));
	/* fill the task table */
	for (i = 0; i < FILLERS; i++) {
		self->r.fillers[i] = filler();
		ASSERT_LT(0, self->r.fillers[i]);
	}
	end = fl_ms() + 10000;
	do {
		ASSERT_EQ(0, mod_info(&info));
		if (info.used_tasks >= info.max_tasks)
			break;
		usleep(20000);
	} while (fl_ms() < end);
	ASSERT_TRUE(info.direct & FAULTLAT_PROBE_FAULT);
	ASSERT_EQ(SMALL_TABLE, info.max_tasks);
	ASSERT_EQ(info.max_tasks, info.used_tasks)
		TH_LOG("%u fillers, and the task table is not full",
		       FILLERS);

	if (uffd_setup(_metadata, &self->r, &area, &src))
		SKIP(return, "userfaultfd: %s", strerror(errno));
	s.addr = area;
	ASSERT_EQ(0, pthread_create(&self->r.th, NULL, sleeper_main, &s));
	self->r.th_live = true;
	ASSERT_EQ(0, wait_asleep(_metadata, self->r.uffd, area, &s, wchan,
				 sizeof(wchan)));
	fd = fl_open();
	ASSERT_LE(0, fd);
	ret = fl_task(fd, s.tid, false, &t);
	close(fd);
	ASSERT_EQ(-1, ret) TH_LOG("the thread in the fault has a record");
	ASSERT_EQ(1, mod_refcnt())
		TH_LOG("the record-less call in flight holds no reference");

	ret = syscall(SYS_delete_module, FL_MODNAME, O_NONBLOCK);
	err = errno;
	ASSERT_EQ(-1, ret)
		TH_LOG("MODULE BUG: unloaded with a direct call asleep in it");
	/* the kernel's "in use" is EWOULDBLOCK (EAGAIN) */
	ASSERT_TRUE(err == EAGAIN || err == EBUSY) TH_LOG("%s", strerror(err));
	ASSERT_LT(0, read_text("/sys/module/" FL_MODNAME "/initstate", buf,
			       sizeof(buf)));
	ASSERT_EQ(0, strncmp(buf, "live", 4)) TH_LOG("initstate %s", buf);
	strtok(wchan, "\n");
	FL_INFO("thread %d (no record) asleep in %s: delete_module: %s\n",
		s.tid, wchan, strerror(err));

	serve(_metadata, &self->r, area, src, &s);
	ASSERT_EQ(0, fl_mod_unload()) TH_LOG("%s", strerror(errno));
	ASSERT_FALSE(fl_mod_loaded());
	fl_unmap(src, 1);
}

/* bpftrace can attach kfunc probes here; else why not, into @why. */
static bool bpftrace_kfunc(char *why, size_t len)
{
	char out[16384];
	int rc;

	if (!fl_have("bpftrace")) {
		snprintf(why, len, "no bpftrace");
		return false;
	}
	rc = fl_sh("bpftrace --info 2>&1", out, sizeof(out), 120000);
	if (rc) {
		snprintf(why, len, "bpftrace --info: exit %d", rc);
		return false;
	}
	if (!strstr(out, "kfunc: yes")) {
		snprintf(why, len,
			 "bpftrace --info: no kfunc probes (BTF, BPF trampolines)");
		return false;
	}
	return true;
}

/* Load with probe_mode=direct; handle_mm_fault must be attached so. */
static void load_direct(struct __test_metadata *_metadata, struct rig *r)
{
	struct faultlat_info info;

	ASSERT_EQ(0, rig_load(r, "probe_mode=direct"))
		TH_LOG("load with probe_mode=direct: %s", strerror(errno));
	ASSERT_EQ(0, mod_info(&info));
	ASSERT_TRUE(info.direct & FAULTLAT_PROBE_FAULT)
		TH_LOG("probe_mode=direct, handle_mm_fault not direct (%u)",
		       info.direct_errno[0]);
}

/* A file's text for a log line: no newline at its end. */
static char *text_of(const char *path, char *buf, size_t len)
{
	ssize_t n = read_text(path, buf, len);

	if (n < 0)
		n = 0;
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

/*
 * Test 2a: bpftrace kfunc:handle_mm_fault attached first.  faultlat with
 * probe_mode=auto puts a kretprobe on handle_mm_fault, says why (EBUSY),
 * and counts exactly; with probe_mode=direct it refuses to load and says
 * why in the kernel log.  bpftrace keeps counting meanwhile.
 */
TEST_F_TIMEOUT(direct, bpftrace_first, 600)
{
	char why[256], rec[1024], line[512], out[8192], *log;
	struct faultlat_info info;
	enum owner own = OWNER_NONE;
	long long end;
	int ret, err, kfd, rc;
	pid_t pid;

	if (!bpftrace_kfunc(why, sizeof(why)))
		SKIP(return, "%s", why);
	self->r.tdir = tracefs();
	ASSERT_NE(NULL, self->r.tdir) TH_LOG("no tracefs");
	ASSERT_EQ(0, rig_tmp(&self->r, 0, "bt-out"));
	ASSERT_EQ(0, rig_tmp(&self->r, 1, "bt-err"));

	self->r.changed = true;
	ASSERT_EQ(0, fl_mod_unload()) TH_LOG("unload: %s", strerror(errno));
	self->r.bpftrace = fl_spawnl(self->r.tmp[0], self->r.tmp[1],
				     "bpftrace", "-e", BPFTRACE_PROG, NULL);
	ASSERT_LT(0, self->r.bpftrace);
	/* attached: its BPF trampoline is handle_mm_fault's direct call */
	end = fl_ms() + BPFTRACE_MS;
	while (fl_ms() < end) {
		own = fault_direct_owner(self->r.tdir, rec, sizeof(rec));
		if (own == OWNER_OTHER)
			break;
		pid = waitpid(self->r.bpftrace, &rc, WNOHANG);
		if (pid == self->r.bpftrace) {
			self->r.bpftrace = 0;
			SKIP(return, "bpftrace: no kfunc probe (status %d): %.900s",
			     fl_status(rc),
			     text_of(self->r.tmp[1], out, sizeof(out)));
		}
		usleep(200000);
	}
	ASSERT_EQ(OWNER_OTHER, own)
		TH_LOG("bpftrace not attached after %d s: stdout '%s'",
		       BPFTRACE_MS / 1000,
		       text_of(self->r.tmp[0], out, sizeof(out)));
	FL_INFO("bpftrace attached: %s\n", rec);

	/* auto: a kretprobe, and why */
	ASSERT_EQ(0, fl_mod_load(self->r.kofd, "probe_mode=auto"))
		TH_LOG("load with probe_mode=auto beside bpftrace: %s",
		       strerror(errno));
	ASSERT_EQ(0, mod_info(&info));
	ASSERT_TRUE(info.probes & FAULTLAT_PROBE_FAULT);
	ASSERT_FALSE(info.direct & FAULTLAT_PROBE_FAULT)
		TH_LOG("handle_mm_fault direct with bpftrace's trampoline on it");
	ASSERT_EQ(EBUSY, info.direct_errno[0])
		TH_LOG("direct_errno[0] %u", info.direct_errno[0]);
	ASSERT_EQ(0, summary_probe_line("handle_mm_fault", line, sizeof(line)))
		TH_LOG("%s: no probe line of handle_mm_fault", SUMMARY);
	FL_INFO("summary: %s\n", line);
	ASSERT_NE(NULL, strstr(line, "handle_mm_fault: kretprobe (not direct: -EBUSY"))
		TH_LOG("summary says '%s'", line);
	check_counts(_metadata, "auto beside bpftrace (kretprobe)");

	/* direct: refused, and the log says why */
	ASSERT_EQ(0, fl_mod_unload()) TH_LOG("unload: %s", strerror(errno));
	kfd = kmsg_open_end();
	ASSERT_LE(0, kfd) TH_LOG("/dev/kmsg: %s", strerror(errno));
	ret = fl_mod_load(self->r.kofd, "probe_mode=direct");
	err = errno;
	log = malloc(65536);
	ASSERT_NE(NULL, log);
	kmsg_read(kfd, log, 65536);
	close(kfd);
	ASSERT_EQ(-1, ret)
		TH_LOG("probe_mode=direct loaded with bpftrace's trampoline on handle_mm_fault");
	ASSERT_FALSE(fl_mod_loaded());
	ASSERT_NE(NULL, strstr(log, "probe_mode=direct: handle_mm_fault: "))
		TH_LOG("finit_module: %s; kernel log: %s", strerror(err), log);
	*strchrnul(strstr(log, "probe_mode=direct: handle_mm_fault: "), '\n') =
		'\0';
	FL_INFO("probe_mode=direct: finit_module: %s; log: %s\n",
		strerror(err), strstr(log, "probe_mode=direct: "));
	free(log);

	/* bpftrace counted all the while: its map at exit */
	kill(self->r.bpftrace, SIGINT);
	rc = fl_wait(self->r.bpftrace, 60000);
	self->r.bpftrace = 0;
	ASSERT_EQ(0, rc) TH_LOG("bpftrace after SIGINT: %s",
				text_of(self->r.tmp[1], out, sizeof(out)));
	ASSERT_NE(NULL, strstr(text_of(self->r.tmp[0], out, sizeof(out)), "@["))
		TH_LOG("bpftrace printed no count: '%s'", out);

	ASSERT_EQ(0, fl_mod_load(self->r.kofd, ""))
		TH_LOG("load after bpftrace: %s", strerror(errno));
	self->r.changed = false;
}

/*
 * Test 2b: faultlat attached directly first; bpftrace kfunc on the same
 * function then fails cleanly (an error, a non-zero exit, in bounded
 * time), and faultlat keeps counting exactly.
 */
TEST_F_TIMEOUT(direct, faultlat_first, 600)
{
	char why[256], rec[1024], out[8192], err[8192];
	long long ms;
	int rc;

	if (!bpftrace_kfunc(why, sizeof(why)))
		SKIP(return, "%s", why);
	self->r.tdir = tracefs();
	ASSERT_NE(NULL, self->r.tdir) TH_LOG("no tracefs");
	load_direct(_metadata, &self->r);
	ASSERT_EQ(0, rig_tmp(&self->r, 1, "bt-err"));

	ms = fl_ms();
	rc = fl_runl(out, sizeof(out), self->r.tmp[1], BPFTRACE_MS,
		     "bpftrace", "-e", BPFTRACE_PROG, NULL);
	ms = fl_ms() - ms;
	text_of(self->r.tmp[1], err, sizeof(err));
	TH_LOG("bpftrace after %lld ms, exit %d: stdout '%s' stderr '%s'", ms,
	       rc, out, err);
	ASSERT_LT(0, rc) TH_LOG("bpftrace attached beside faultlat's direct call");
	ASSERT_GT(256, rc) TH_LOG("bpftrace did not end by itself: killed");
	ASSERT_NE(0, strlen(err)) TH_LOG("bpftrace failed without a word");

	ASSERT_EQ(OWNER_FAULTLAT,
		  fault_direct_owner(self->r.tdir, rec, sizeof(rec)))
		TH_LOG("handle_mm_fault after bpftrace: '%s'", rec);
	check_counts(_metadata, "direct, after bpftrace failed");
}

/*
 * Test 2c: a kprobe event on handle_mm_fault beside faultlat's direct
 * call: both see every fault.
 */
TEST_F_TIMEOUT(direct, kprobe_event, 300)
{
	char path[PATH_MAX], rec[1024];
	long long h0, h1;

	load_direct(_metadata, &self->r);
	ASSERT_EQ(0, rig_trace_setup(&self->r))
		TH_LOG("tracefs instance: %s", strerror(errno));
	ASSERT_EQ(0, kprobe_add(self->r.tdir, "p:" EV_GROUP "/" EV_HMF
				" handle_mm_fault"))
		TH_LOG("kprobe_events: %s", strerror(errno));
	self->r.ev_hmf = true;
	ev_path(path, sizeof(path), self->r.inst, EV_HMF, "enable");
	ASSERT_EQ(0, write_text(path, "1", false))
		TH_LOG("%s: %s", path, strerror(errno));
	ASSERT_EQ(OWNER_FAULTLAT,
		  fault_direct_owner(self->r.tdir, rec, sizeof(rec)))
		TH_LOG("handle_mm_fault with the kprobe: '%s'", rec);
	FL_INFO("handle_mm_fault: %s\n", rec);

	h0 = kprobe_hits(self->r.tdir, EV_HMF);
	ASSERT_LE(0, h0) TH_LOG("%s not in kprobe_profile", EV_HMF);
	check_counts(_metadata, "direct, beside a kprobe event");
	h1 = kprobe_hits(self->r.tdir, EV_HMF);
	FL_INFO("kprobe event hits: %lld\n", h1 - h0);
	ASSERT_LE(COUNT_PAGES, h1 - h0)
		TH_LOG("the kprobe event missed faults");

	ASSERT_EQ(0, rig_trace_cleanup(&self->r))
		TH_LOG("removing the kprobe event: %s", strerror(errno));
	ASSERT_EQ(-1, kprobe_hits(self->r.tdir, EV_HMF));
	ASSERT_EQ(OWNER_FAULTLAT,
		  fault_direct_owner(self->r.tdir, rec, sizeof(rec)))
		TH_LOG("handle_mm_fault without the kprobe: '%s'", rec);
}

/* --- test 3: stack traces --- */

/*
 * The functions handle_mm_fault() calls (itself or below) that may carry
 * a kprobe here: the first one this kernel has as a function of its own.
 */
static const char *inner_function(void)
{
	static const char * const syms[] = {
		"__handle_mm_fault", "handle_pte_fault", "do_anonymous_page",
	};
	char line[512], name[128], type;
	const char *found = NULL;
	unsigned int i, best = ARRAY_SIZE(syms);
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return NULL;
	/* a line "ADDR t NAME": a text symbol of that exact name */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %c %127s", &type, name) != 2 ||
		    (type != 't' && type != 'T'))
			continue;
		for (i = 0; i < best; i++) {
			if (!strcmp(name, syms[i])) {
				best = i;
				found = syms[i];
				break;
			}
		}
	}
	fclose(f);
	return found;
}

/* A child that waits for a byte on @gate, then writes @pages pages. */
static pid_t gated_workload(int gate, size_t pages)
{
	pid_t pid = fork();
	char c;
	void *mem;

	if (pid)
		return pid;
	mem = fl_map_anon(pages);
	if (!mem || read(gate, &c, 1) != 1)
		_exit(1);
	fl_touch_write(mem, pages);
	_exit(0);
}

struct stacks {
	unsigned int nr;	/* stack traces */
	unsigned int hmf;	/* with handle_mm_fault */
	unsigned int through;	/* handle_mm_fault, fl_tramp_fault, a caller */
	unsigned int full;	/* ... down to do_user_addr_fault, exc_page_fault */
	unsigned int user;	/* ... down to a frame of faultlat_workload */
	unsigned int broken;	/* handle_mm_fault without the trampoline below */
	char first_full[2048];
	char first_user[2048];
	char first_broken[2048];
};

static int frame_is(const char *frame, const char *sym)
{
	size_t n = strlen(sym);

	return !strncmp(frame, sym, n) &&
	       (!frame[n] || frame[n] == '+' || frame[n] == ' ');
}

/* The frames into @text (2048 bytes), once: the first of its kind. */
static void stack_keep(char *text, unsigned int seen, char **frames,
		       unsigned int n)
{
	unsigned int i;
	size_t got = 0;

	if (seen)
		return;
	for (i = 0; i < n; i++)
		append(text, 2048, &got, "\n#   => %s", frames[i]);
}

/*
 * One stack trace, innermost frame first: @frames, @n of them, each
 * "SYMBOL[+OFFSET][ MORE]".
 */
static void stack_one(struct stacks *st, char **frames, unsigned int n)
{
	int hmf = -1, tramp = -1, caller = -1, dua = -1, exc = -1, user = -1;
	unsigned int i;

	st->nr++;
	for (i = 0; i < n; i++) {
		if (hmf < 0 && frame_is(frames[i], "handle_mm_fault"))
			hmf = i;
		/*
		 * perf names a module's frame "[unknown] ([faultlat])" when it
		 * cannot read the module's symbols (the debug kernel's perf):
		 * between the body and the fentry site it is the trampoline.
		 */
		else if (hmf >= 0 && tramp < 0 &&
			 (frame_is(frames[i], "fl_tramp_fault") ||
			  strstr(frames[i], "[unknown] ([faultlat])")))
			tramp = i;
		/* a caller below the trampoline, not only the fentry site */
		else if (tramp >= 0 && caller < 0 &&
			 !frame_is(frames[i], "handle_mm_fault"))
			caller = i;
		if (caller >= 0 && dua < 0 &&
		    frame_is(frames[i], "do_user_addr_fault"))
			dua = i;
		else if (dua >= 0 && exc < 0 &&
			 (frame_is(frames[i], "exc_page_fault") ||
			  frame_is(frames[i], "asm_exc_page_fault")))
			exc = i;
		else if (exc >= 0 && user < 0 &&
			 strstr(frames[i], "faultlat_workload)"))
			user = i;
	}
	if (hmf < 0)
		return;
	st->hmf++;
	if (caller < 0) {
		stack_keep(st->first_broken, st->broken++, frames, n);
		return;
	}
	st->through++;
	if (exc < 0)
		return;
	stack_keep(st->first_full, st->full++, frames, n);
	if (user >= 0)
		stack_keep(st->first_user, st->user++, frames, n);
}

/* The stack traces of an instance's trace file. */
static void stacks_parse(char *trace, struct stacks *st)
{
	char *frames[128], *p, *e;
	unsigned int n = 0;
	bool in = false, last;

	memset(st, 0, sizeof(*st));
	for (p = trace; *p; p = e + 1) {
		e = strchrnul(p, '\n');
		last = !*e;
		*e = '\0';
		if (strstr(p, "<stack trace>")) {
			if (in)
				stack_one(st, frames, n);
			in = true;
			n = 0;
		} else if (in && !strncmp(p, " => ", 4)) {
			if (n < 128)
				frames[n++] = p + 4;
		} else if (in) {
			stack_one(st, frames, n);
			in = false;
		}
		if (last)
			break;
	}
	if (in)
		stack_one(st, frames, n);
}

/*
 * Test 3: a kprobe event with a stacktrace trigger on a function that
 * handle_mm_fault() calls, handle_mm_fault attached directly: every stack
 * trace with handle_mm_fault goes on through fl_tramp_fault to a caller,
 * each of the workload's faults down to do_user_addr_fault and
 * exc_page_fault; nothing in the kernel log about unwinding.
 */
TEST_F_TIMEOUT(direct, stacktrace_trigger, 300)
{
	char path[PATH_MAX], def[192], filt[64], bad[512], *trace, *log;
	const char *sym;
	struct stacks st;
	int gate[2], kfd, status;
	pid_t pid;

	load_direct(_metadata, &self->r);
	ASSERT_EQ(0, rig_trace_setup(&self->r))
		TH_LOG("tracefs instance: %s", strerror(errno));
	sym = inner_function();
	ASSERT_NE(NULL, sym)
		TH_LOG("no function below handle_mm_fault in /proc/kallsyms");
	snprintf(def, sizeof(def), "p:" EV_GROUP "/" EV_STACK " %s", sym);
	ASSERT_EQ(0, kprobe_add(self->r.tdir, def))
		TH_LOG("kprobe_events '%s': %s", def, strerror(errno));
	self->r.ev_stack = true;
	ev_path(path, sizeof(path), self->r.inst, EV_STACK, "trigger");
	ASSERT_EQ(0, write_text(path, "stacktrace", false))
		TH_LOG("%s: %s", path, strerror(errno));

	ASSERT_EQ(0, pipe2(gate, O_CLOEXEC));
	pid = gated_workload(gate[0], STACK_PAGES);
	ASSERT_LT(0, pid);
	close(gate[0]);
	snprintf(filt, sizeof(filt), "common_pid == %d", pid);
	ev_path(path, sizeof(path), self->r.inst, EV_STACK, "filter");
	ASSERT_EQ(0, write_text(path, filt, false))
		TH_LOG("%s: %s", path, strerror(errno));
	kfd = kmsg_open_end();
	ASSERT_LE(0, kfd);
	ev_path(path, sizeof(path), self->r.inst, EV_STACK, "enable");
	ASSERT_EQ(0, write_text(path, "1", false));
	ASSERT_EQ(1, write(gate[1], "g", 1));
	close(gate[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, write_text(path, "0", false));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));

	trace = malloc(8 << 20);
	log = malloc(65536);
	ASSERT_TRUE(trace && log);
	snprintf(path, sizeof(path), "%s/trace", self->r.inst);
	ASSERT_LE(0, read_text(path, trace, 8 << 20));
	kmsg_read(kfd, log, 65536);
	close(kfd);
	stacks_parse(trace, &st);
	FL_INFO("kprobe on %s: %u stacks, %u with handle_mm_fault, %u %s\n",
		sym, st.nr, st.hmf, st.through, "through fl_tramp_fault");
	FL_INFO("%u down to exc_page_fault, %u broken\n", st.full, st.broken);
	if (st.full)
		FL_INFO("the first:%s\n", st.first_full);
	ASSERT_EQ(0, st.broken)
		TH_LOG("a stack trace stops at the trampoline:%s",
		       st.first_broken);
	ASSERT_LE(STACK_PAGES, st.full)
		TH_LOG("%u of %u faults unwound to exc_page_fault", st.full,
		       STACK_PAGES);
	ASSERT_EQ(NULL, unwind_complaint(log, bad, sizeof(bad)))
		TH_LOG("kernel log: %s", bad);
	free(trace);
	free(log);
	ASSERT_EQ(0, rig_trace_cleanup(&self->r));
}

/*
 * perf script's samples: a header line, then the call chain, one frame a
 * line ("ADDRESS SYMBOL+OFFSET (FILE)"), a blank line between samples.
 */
static void perf_samples(char *out, struct stacks *st)
{
	char *frames[128], *p = out, *e, *l, *le;
	unsigned int n;

	memset(st, 0, sizeof(*st));
	while (*p) {
		e = strstr(p, "\n\n");
		if (e)
			*e = '\0';
		l = strchr(p, '\n');
		if (strstr(p, EV_STACK) && l) {
			for (n = 0, l++; *l && n < 128; l = le + 1) {
				le = strchrnul(l, '\n');
				l += strspn(l, " \t");
				l += strcspn(l, " ");
				l += strspn(l, " ");
				frames[n++] = l;
				if (!*le)
					break;
				*le = '\0';
			}
			stack_one(st, frames, n);
		}
		if (!e)
			break;
		p = e + 2;
	}
}

/*
 * Test 3, perf: a sample of a kprobe event on a function handle_mm_fault()
 * calls, with its call chain (perf record -g): the chain goes through
 * fl_tramp_fault and exc_page_fault to the workload's user-space frame.
 */
TEST_F_TIMEOUT(direct, perf_callchain, 400)
{
	char dir[PATH_MAX], wl[PATH_MAX + 32], ev[128], def[192], *out;
	char log[65536], bad[512];
	struct stacks *ps = malloc(sizeof(*ps));
	const char *sym;
	int rc, kfd;

	if (!fl_have("perf") || fl_runl(NULL, 0, NULL, 60000, "perf",
					"--version", NULL))
		SKIP(return, "no perf (perf --version failed): install linux-perf");
	ASSERT_EQ(0, fl_self_dir(dir));
	snprintf(wl, sizeof(wl), "%s/faultlat_workload", dir);
	if (access(wl, X_OK))
		SKIP(return, "%.900s not built", wl);
	load_direct(_metadata, &self->r);
	ASSERT_EQ(0, rig_trace_setup(&self->r))
		TH_LOG("tracefs instance: %s", strerror(errno));
	sym = inner_function();
	ASSERT_NE(NULL, sym);
	snprintf(def, sizeof(def), "p:" EV_GROUP "/" EV_STACK " %s", sym);
	ASSERT_EQ(0, kprobe_add(self->r.tdir, def))
		TH_LOG("kprobe_events '%s': %s", def, strerror(errno));
	self->r.ev_stack = true;
	ASSERT_EQ(0, rig_tmp(&self->r, 0, "perf-data"));
	ASSERT_EQ(0, rig_tmp(&self->r, 1, "perf-err"));
	ASSERT_EQ(0, rig_tmp(&self->r, 2, "wl-report"));

	ASSERT_NE(NULL, ps);
	kfd = kmsg_open_end();
	ASSERT_LE(0, kfd);
	snprintf(ev, sizeof(ev), EV_GROUP ":" EV_STACK);
	rc = fl_runl(NULL, 0, self->r.tmp[1], 240000, "perf", "record",
		     "-q", "-g", "-e", ev, "-o", self->r.tmp[0], "--", wl,
		     STR(PERF_PAGES), "0", self->r.tmp[2], NULL);
	ASSERT_EQ(0, rc) TH_LOG("perf record: exit %d: %s", rc,
				text_of(self->r.tmp[1], log, sizeof(log)));
	out = malloc(4 << 20);
	ASSERT_NE(NULL, out);
	rc = fl_runl(out, 4 << 20, self->r.tmp[1], 240000, "perf", "script",
		     "-i", self->r.tmp[0], NULL);
	ASSERT_EQ(0, rc) TH_LOG("perf script: exit %d: %s", rc,
				text_of(self->r.tmp[1], log, sizeof(log)));
	kmsg_read(kfd, log, sizeof(log));
	close(kfd);

	perf_samples(out, ps);
	FL_INFO("perf: %u samples, %u with handle_mm_fault, %u %s\n", ps->nr,
		ps->hmf, ps->through, "through fl_tramp_fault");
	FL_INFO("%u down to exc_page_fault, %u to the workload's frame, %u broken\n",
		ps->full, ps->user, ps->broken);
	if (ps->user)
		FL_INFO("the first:%s\n", ps->first_user);
	ASSERT_LT(0, ps->nr) TH_LOG("perf script printed no sample: %.2000s",
				    out);
	ASSERT_EQ(0, ps->broken)
		TH_LOG("a call chain stops at the trampoline:%s",
		       ps->first_broken);
	ASSERT_LE(PERF_PAGES, ps->user)
		TH_LOG("%u of %u faults unwound to the workload's user frame",
		       ps->user, PERF_PAGES);
	ASSERT_EQ(NULL, unwind_complaint(log, bad, sizeof(bad)))
		TH_LOG("kernel log: %s", bad);
	free(out);
	free(ps);
	ASSERT_EQ(0, rig_trace_cleanup(&self->r));
}

TEST_HARNESS_MAIN
