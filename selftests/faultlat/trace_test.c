// SPDX-License-Identifier: GPL-2.0
/*
 * The trace event faultlat:fault against everything else that counts the
 * same faults: the module's own histograms, the kernel's rusage, perf
 * (reading the same event through perf_event_open()), and the faultlat
 * client's `trace -j` and `top`.
 *
 * Each workload runs in a private tracefs instance whose event filter
 * ("tgid == PID") keeps only the workload's events.  A workload process
 * is created at a pid chosen beforehand (clone3() with set_tid, which
 * needs CAP_SYS_ADMIN), so that the filter is in place before its first
 * fault: the events then cover its whole life, as its faultlat record and
 * its rusage do.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <json-c/json.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"

#ifndef __NR_clone3
#define __NR_clone3	435
#endif

#define ANON_PAGES	2000	/* the workload's anonymous pages */
#define FILE_PAGES	256	/* its file's pages, for major faults */
#define BIG_BUF_KB	4096	/* per CPU: room for every event, many times */
#define SMALL_BUF_KB	4	/* per CPU: the kernel makes it 2 pages */
#define TOP_PAGES	64	/* top's workload, per round */
#define INST_PREFIX	"faultlat_trace_test."
#define EVENT_DIR	"events/faultlat/fault"

/* See counts_test.c: a SKIP() in a fixture's setup must leave by the jump. */
#define FL_SKIP_SETUP(fmt, ...) \
	SKIP(longjmp(_metadata->env, 1), fmt, ##__VA_ARGS__)

/* --- small file and process helpers --- */

/* The whole file, NUL-terminated, in a malloc()ed buffer; NULL on error. */
static char *slurp(const char *path, size_t *lenp)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap), *nbuf;
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			nbuf = realloc(buf, cap * 2);
			if (!nbuf)
				goto fail;
			buf = nbuf;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}

static int write_str(const char *path, const char *val)
{
	size_t len = strlen(val);
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, val, len) != (ssize_t)len)
		ret = -1;
	if (close(fd))
		ret = -1;
	return ret;
}

static int mktemp_file(char *path, size_t len, const char *what)
{
	int fd;

	snprintf(path, len, "/tmp/faultlat-trace-%s.XXXXXX", what);
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

#define MAX_ARGS	24

/* The arguments from @arg0 up to a NULL, into @argv (NULL-terminated). */
static void collect_args(char **argv, const char *arg0, va_list ap)
{
	unsigned int n = 0;

	argv[0] = (char *)arg0;
	while (argv[n] && n < MAX_ARGS)
		argv[++n] = va_arg(ap, char *);
	argv[MAX_ARGS] = NULL;
}

/*
 * Run argv (PATH searched) with stdout and stderr on these descriptors
 * (-1: /dev/null).  Every descriptor but those and @keep_a and @keep_b
 * (-1: none) is O_CLOEXEC.
 */
static pid_t spawn_argv(char **argv, int out, int err, int keep_a,
			int keep_b)
{
	pid_t pid;
	int null;

	fflush(NULL);
	pid = fork();
	if (pid)
		return pid;
	null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 0) < 0)
		_exit(126);
	if (dup2(out >= 0 ? out : null, 1) < 0 ||
	    dup2(err >= 0 ? err : null, 2) < 0)
		_exit(126);
	if ((keep_a >= 0 && fcntl(keep_a, F_SETFD, 0)) ||
	    (keep_b >= 0 && fcntl(keep_b, F_SETFD, 0)))
		_exit(126);
	execvp(argv[0], argv);
	_exit(127);
}

/* spawn_argv() of @arg0 and the arguments after it, up to a NULL */
static pid_t spawn(int out, int err, int keep_a, int keep_b,
		   const char *arg0, ...)
{
	char *argv[MAX_ARGS + 1];
	va_list ap;

	va_start(ap, arg0);
	collect_args(argv, arg0, ap);
	va_end(ap);
	return spawn_argv(argv, out, err, keep_a, keep_b);
}

/* Open @path to write; -1 (spawn()'s /dev/null) for NULL. */
static int open_out(const char *path)
{
	return path ? open(path, O_WRONLY | O_TRUNC | O_CLOEXEC) : -1;
}

/*
 * Run @arg0 and its arguments (up to a NULL) to the end, output to files
 * (NULL: /dev/null); its wait status, or -1.
 */
static int run_to_files(const char *out, const char *err,
			const char *arg0, ...)
{
	int ofd = open_out(out), efd = open_out(err), status = -1;
	char *argv[MAX_ARGS + 1];
	va_list ap;
	pid_t pid;

	va_start(ap, arg0);
	collect_args(argv, arg0, ap);
	va_end(ap);
	if ((!out || ofd >= 0) && (!err || efd >= 0)) {
		pid = spawn_argv(argv, ofd, efd, -1, -1);
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			status = -1;
	}
	if (ofd >= 0)
		close(ofd);
	if (efd >= 0)
		close(efd);
	return status;
}

static bool exited_ok(int status)
{
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Does the client know this command?  Its --help must say so. */
static bool client_has(const char *client, const char *cmd)
{
	char out[64], usage[64], *text;
	bool ok = false;
	int status;

	if (mktemp_file(out, sizeof(out), "help"))
		return false;
	status = run_to_files(out, NULL, client, cmd, "--help", NULL);
	text = slurp(out, NULL);
	snprintf(usage, sizeof(usage), "faultlat %s", cmd);
	if (exited_ok(status) && text && strstr(text, usage))
		ok = true;
	free(text);
	unlink(out);
	return ok;
}

static __u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Wait until the file at @path holds @needle; false if @pid exited first
 * (its wait status in *@status) or after @timeout_ms.
 */
static bool wait_for_text(const char *path, const char *needle, pid_t pid,
			  int *status, unsigned int timeout_ms)
{
	__u64 end = now_ms() + timeout_ms;
	bool found;
	char *text;

	*status = -1;
	for (;;) {
		text = slurp(path, NULL);
		found = text && strstr(text, needle);
		free(text);
		if (found)
			return true;
		if (waitpid(pid, status, WNOHANG) == pid)
			return false;
		if (now_ms() > end)
			return false;
		usleep(50000);
	}
}

/* SIGINT, then SIGKILL if it does not end within @timeout_ms. */
static int stop_process(pid_t pid, int sig, unsigned int timeout_ms)
{
	__u64 end = now_ms() + timeout_ms;
	int status;

	kill(pid, sig);
	while (waitpid(pid, &status, WNOHANG) != pid) {
		if (now_ms() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		usleep(20000);
	}
	return status;
}

/* --- tracefs --- */

/* tracefs, mounted if it is not */
static const char *tracing_dir(void)
{
	static const char * const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/instances", dirs[i]);
		if (!access(path, F_OK))
			return dirs[i];
	}
	if (!mount("nodev", dirs[0], "tracefs", 0, NULL))
		return dirs[0];
	return NULL;
}

struct inst {
	char path[PATH_MAX];
	bool made;
};

static int inst_file(const struct inst *in, const char *file, char *path,
		     size_t len)
{
	int n = snprintf(path, len, "%s/%s", in->path, file);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int inst_write(const struct inst *in, const char *file,
		      const char *val)
{
	char path[PATH_MAX];

	if (inst_file(in, file, path, sizeof(path)))
		return -1;
	return write_str(path, val);
}

static char *inst_read(const struct inst *in, const char *file)
{
	char path[PATH_MAX];

	if (inst_file(in, file, path, sizeof(path)))
		return NULL;
	return slurp(path, NULL);
}

/* Instances of earlier runs of this test that were killed. */
static void remove_stale_instances(const char *tdir)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dir;
	long pid;

	snprintf(path, sizeof(path), "%s/instances", tdir);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, INST_PREFIX, strlen(INST_PREFIX)))
			continue;
		pid = strtol(d->d_name + strlen(INST_PREFIX), NULL, 10);
		if (pid > 0 && (!kill(pid, 0) || errno != ESRCH))
			continue;
		snprintf(path, sizeof(path), "%s/instances/%s", tdir,
			 d->d_name);
		rmdir(path);
	}
	closedir(dir);
}

/*
 * A new instance: ring buffers of @buffer_kb per CPU, the global monotonic
 * clock (so that the per-CPU buffers merge in the order of the events),
 * tracing on, faultlat:fault not enabled yet.
 */
static int inst_create(struct inst *in, const char *tdir,
		       unsigned long buffer_kb)
{
	static unsigned int seq;
	char val[32];

	snprintf(in->path, sizeof(in->path), "%s/instances/" INST_PREFIX "%d.%u",
		 tdir, (int)getpid(), seq++);
	if (mkdir(in->path, 0700))
		return -1;
	in->made = true;
	snprintf(val, sizeof(val), "%lu", buffer_kb);
	if (inst_write(in, "buffer_size_kb", val) ||
	    inst_write(in, "trace_clock", "mono") ||
	    inst_write(in, "tracing_on", "1"))
		return -1;
	return 0;
}

static void inst_destroy(struct inst *in)
{
	int i;

	if (!in->made)
		return;
	inst_write(in, "tracing_on", "0");
	inst_write(in, EVENT_DIR "/enable", "0");
	for (i = 0; i < 50 && rmdir(in->path) && errno == EBUSY; i++)
		usleep(20000);
	in->made = false;
}

/* The instance's ring buffers, summed over the CPUs. */
struct ring_stats {
	__u64 entries;
	__u64 overrun;
	__u64 commit_overrun;
	__u64 dropped;
	unsigned int cpus;
};

static int ring_stats(const struct inst *in, struct ring_stats *rs)
{
	long cpu, ncpus = sysconf(_SC_NPROCESSORS_CONF);
	unsigned long long v;
	char file[64], key[64], *text, *line;

	memset(rs, 0, sizeof(*rs));
	for (cpu = 0; cpu < ncpus; cpu++) {
		snprintf(file, sizeof(file), "per_cpu/cpu%ld/stats", cpu);
		text = inst_read(in, file);
		if (!text)
			return -1;
		for (line = text; line && *line; line = strchr(line, '\n')) {
			if (*line == '\n')
				line++;
			if (sscanf(line, "%63[^:]: %llu", key, &v) != 2)
				continue;
			if (!strcmp(key, "entries"))
				rs->entries += v;
			else if (!strcmp(key, "overrun"))
				rs->overrun += v;
			else if (!strcmp(key, "commit overrun"))
				rs->commit_overrun += v;
			else if (!strcmp(key, "dropped events"))
				rs->dropped += v;
		}
		free(text);
		rs->cpus++;
	}
	return 0;
}

/* --- events --- */

struct fl_ev {
	__u32 pid;
	__u32 tgid;
	__u64 address;
	__u64 latency_ns;
	__u32 result;
	__u32 attempts;
	int outcome;		/* enum faultlat_event_outcome */
	int mode;
	int kind;
	int access;
};

struct evlist {
	struct fl_ev *ev;
	size_t nr, cap;
	size_t bad;		/* lines that are not a faultlat:fault event */
	size_t lost_lines;	/* "[LOST ...]" */
	char first_bad[160];
	bool have_header;	/* "# entries-in-buffer/entries-written:" */
	unsigned long long in_buffer, written;
};

static const char * const outcome_names[] = {
	[FAULTLAT_EVENT_MINOR] = "minor",
	[FAULTLAT_EVENT_MAJOR] = "major",
	[FAULTLAT_EVENT_ERROR] = "error",
};

static const char *outcome_name(int i)
{
	return i >= 0 && i < (int)ARRAY_SIZE(outcome_names) ? outcome_names[i] :
							     "?";
}

static const char * const mode_names[FAULTLAT_NR_MODES] = {
	[FAULTLAT_MODE_USER] = "user",
	[FAULTLAT_MODE_KERNEL] = "kernel",
};

static const char * const kind_names[FAULTLAT_NR_KINDS] = {
	[FAULTLAT_KIND_ANON] = "anon",
	[FAULTLAT_KIND_FILE] = "file",
	[FAULTLAT_KIND_SHMEM] = "shmem",
	[FAULTLAT_KIND_HUGETLB] = "hugetlb",
};

static const char * const access_names[FAULTLAT_NR_ACCESS] = {
	[FAULTLAT_ACCESS_READ] = "read",
	[FAULTLAT_ACCESS_WRITE] = "write",
	[FAULTLAT_ACCESS_EXEC] = "exec",
};

static int name_index(const char * const *names, unsigned int n,
		      const char *s)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

static const char *name_of(const char * const *names, unsigned int n,
			   unsigned int i)
{
	return i < n && names[i] ? names[i] : "?";
}

/*
 * The event's TP_printk() text, as in the instance's trace file and in
 * perf script's "trace" field:
 * pid=%u tgid=%u address=0x%lx latency_ns=%llu outcome=%s mode=%s kind=%s
 * access=%s result=0x%x attempts=%u
 */
static int parse_fault_text(const char *s, struct fl_ev *e)
{
	char outcome[16], mode[16], kind[16], access[16];
	unsigned long long address, latency;
	int n = 0, m = 0;

	if (sscanf(s, "pid=%u tgid=%u address=0x%llx latency_ns=%llu %n",
		   &e->pid, &e->tgid, &address, &latency, &n) != 4 || !n)
		return -1;
	s += n;
	if (sscanf(s, "outcome=%15s mode=%15s kind=%15s access=%15s %n",
		   outcome, mode, kind, access, &m) != 4 || !m)
		return -1;
	s += m;
	if (sscanf(s, "result=0x%x attempts=%u", &e->result,
		   &e->attempts) != 2)
		return -1;
	e->address = address;
	e->latency_ns = latency;
	e->outcome = name_index(outcome_names, ARRAY_SIZE(outcome_names),
				outcome);
	e->mode = name_index(mode_names, ARRAY_SIZE(mode_names), mode);
	e->kind = name_index(kind_names, ARRAY_SIZE(kind_names), kind);
	e->access = name_index(access_names, ARRAY_SIZE(access_names), access);
	if (e->outcome < 0 || e->mode < 0 || e->kind < 0 || e->access < 0)
		return -1;
	return 0;
}

static int ev_push(struct evlist *l, const struct fl_ev *e)
{
	struct fl_ev *n;

	if (l->nr == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4096;
		n = realloc(l->ev, l->cap * sizeof(*n));
		if (!n)
			return -1;
		l->ev = n;
	}
	l->ev[l->nr++] = *e;
	return 0;
}

static void ev_free(struct evlist *l)
{
	free(l->ev);
	memset(l, 0, sizeof(*l));
}

static void ev_bad(struct evlist *l, const char *line)
{
	if (!l->bad++)
		snprintf(l->first_bad, sizeof(l->first_bad), "%s", line);
}

/*
 * Lines of @text (modified: split at the newlines) to events: those that
 * hold @marker followed by the TP_printk() text.  Lines starting with '#'
 * are comments (the trace file's header); any other line is counted bad.
 */
static int parse_lines(char *text, const char *marker, struct evlist *l)
{
	char *line, *next, *p;
	struct fl_ev e;

	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line == '#') {
			p = strstr(line, "entries-in-buffer/entries-written:");
			if (p && sscanf(p, "entries-in-buffer/entries-written: %llu/%llu",
					&l->in_buffer, &l->written) == 2)
				l->have_header = true;
			continue;
		}
		if (!line[strspn(line, " \t")])
			continue;
		if (strstr(line, "[LOST")) {
			l->lost_lines++;
			continue;
		}
		p = strstr(line, marker);
		memset(&e, 0, sizeof(e));
		if (!p || parse_fault_text(p + strlen(marker) - strlen("pid="),
					   &e)) {
			ev_bad(l, line);
			continue;
		}
		if (ev_push(l, &e))
			return -1;
	}
	return 0;
}

/* Bucket of a latency, as the module's fl_bucket() and the uapi say. */
static unsigned int bucket_of(__u64 ns)
{
	unsigned int i = 0;

	while (i < FAULTLAT_NR_BUCKETS - 1 && ns >= faultlat_bucket_hi(i))
		i++;
	return i;
}

/* What the events add up to, in the record's terms. */
struct ev_agg {
	struct faultlat_hist h[FAULTLAT_NR_CLASSES];
	__u64 errors;
	__u64 by_mode[FAULTLAT_NR_CLASSES][FAULTLAT_NR_MODES];
	__u64 by_kind[FAULTLAT_NR_CLASSES][FAULTLAT_NR_KINDS];
	__u64 by_access[FAULTLAT_NR_CLASSES][FAULTLAT_NR_ACCESS];
};

static void ev_aggregate(const struct evlist *l, struct ev_agg *a)
{
	struct faultlat_hist *h;
	const struct fl_ev *e;
	size_t i;
	int c;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < l->nr; i++) {
		e = &l->ev[i];
		if (e->outcome == FAULTLAT_EVENT_ERROR) {
			a->errors++;
			continue;
		}
		c = e->outcome == FAULTLAT_EVENT_MAJOR ? FAULTLAT_MAJOR :
							 FAULTLAT_MINOR;
		h = &a->h[c];
		if (!h->count || e->latency_ns < h->min_ns)
			h->min_ns = e->latency_ns;
		if (e->latency_ns > h->max_ns)
			h->max_ns = e->latency_ns;
		h->count++;
		h->sum_ns += e->latency_ns;
		h->buckets[bucket_of(e->latency_ns)]++;
		a->by_mode[c][e->mode]++;
		a->by_kind[c][e->kind]++;
		a->by_access[c][e->access]++;
	}
}

/* --- the workload --- */

/* clone3()'s argument (uapi linux/sched.h, CLONE_ARGS_SIZE_VER2) */
struct fl_clone_args {
	__u64 flags;
	__u64 pidfd;
	__u64 child_tid;
	__u64 parent_tid;
	__u64 exit_signal;
	__u64 stack;
	__u64 stack_size;
	__u64 tls;
	__u64 set_tid;
	__u64 set_tid_size;
	__u64 cgroup;
};

/* fork(), but the child's pid is @want: -1 with EEXIST if it is taken. */
static pid_t fork_at(pid_t want)
{
	struct fl_clone_args a;
	pid_t tid = want;

	memset(&a, 0, sizeof(a));
	a.exit_signal = SIGCHLD;
	a.set_tid = (__u64)(uintptr_t)&tid;
	a.set_tid_size = 1;
	fflush(NULL);
	return syscall(__NR_clone3, &a, sizeof(a));
}

static long read_long(const char *path)
{
	char *text = slurp(path, NULL);
	long v = -1;

	if (text)
		v = strtol(text, NULL, 10);
	free(text);
	return v;
}

struct work_opts {
	size_t pages;			/* anonymous pages to write */
	const char *file;		/* then read FILE_PAGES of it, or NULL */
	unsigned long buffer_kb;	/* the instance's, per CPU */
	__u64 min_ns;			/* the module's min_latency_ns */
};

/* What the workload tells of itself, over a pipe, before it exits. */
struct work_report {
	__u64 mem;		/* its anonymous mapping */
	__u64 mem_end;
	__u64 mark_a;		/* a page written just before the mapping's */
	__u64 mark_b;		/* and one just after */
	__u64 sum;		/* of the file's bytes read */
	int step;		/* the step that failed, or 0 */
	int err;		/* its errno */
};

static noreturn void work_fail(struct work_report *rep, int wfd, int step)
{
	rep->err = errno;
	rep->step = step;
	if (write(wfd, rep, sizeof(*rep)) != sizeof(*rep))
		_exit(3);
	_exit(2);
}

/*
 * The workload: a one-page mapping written (mark_a), then each page of
 * the anonymous mapping, then another one-page mapping (mark_b), so that
 * the anonymous phase's events are exactly those between mark_a's and
 * mark_b's; then the file's pages read, each a major fault.
 */
static noreturn void work_child(const struct work_opts *o, int wfd)
{
	struct work_report rep;
	unsigned long sum = 0;
	char *a, *b, *mem;

	memset(&rep, 0, sizeof(rep));
	fl_prefault_stack();
	a = fl_map_anon(1);
	mem = fl_map_anon(o->pages);
	b = fl_map_anon(1);
	if (!a || !mem || !b)
		work_fail(&rep, wfd, 1);
	rep.mem = (uintptr_t)mem;
	rep.mem_end = (uintptr_t)mem + o->pages * fl_page_size();
	rep.mark_a = (uintptr_t)a;
	rep.mark_b = (uintptr_t)b;

	fl_touch_write(a, 1);
	fl_touch_write(mem, o->pages);
	fl_touch_write(b, 1);
	if (o->file && fl_read_file_pages(o->file, FILE_PAGES, &sum))
		work_fail(&rep, wfd, 2);
	rep.sum = sum;
	if (write(wfd, &rep, sizeof(rep)) != sizeof(rep))
		_exit(3);
	_exit(0);
}

/* One workload, traced: what came of it. */
struct work_run {
	pid_t pid;
	struct work_report rep;
	struct faultlat_task rec;	/* its process record, at its exit */
	struct rusage ru;		/* wait4()'s */
	int status;
	struct ring_stats rs;
	struct evlist ev;
};

/* What trace_workload() works with. */
struct wctx {
	int fd;				/* /dev/faultlat */
	const char *tdir;		/* tracefs */
	struct inst inst;		/* the workload's instance */
	pid_t child;			/* the workload, until reaped */
};

FIXTURE(trace) {
	struct wctx w;
	__u64 saved_min;		/* min_latency_ns at the start */
	struct fl_fs fs;
	bool fs_up;
	pid_t procs[4];			/* to end in the teardown */
	char tmp[5][64];		/* files to remove in the teardown */
	struct work_run run;
};

static int config_rw(int fd, bool set, __u64 *min_ns)
{
	struct faultlat_config c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	if (set) {
		c.flags = FAULTLAT_CONFIG_SET;
		c.min_latency_ns = *min_ns;
	}
	if (ioctl(fd, FAULTLAT_IOC_CONFIG, &c))
		return -1;
	*min_ns = c.min_latency_ns;
	return 0;
}

FIXTURE_SETUP(trace)
{
	char path[PATH_MAX];

	self->w.fd = fl_open();
	if (self->w.fd < 0)
		FL_SKIP_SETUP("%s: %s (is faultlat loaded?)", FAULTLAT_DEVICE,
			      strerror(errno));
	self->w.tdir = tracing_dir();
	ASSERT_NE(NULL, self->w.tdir) TH_LOG("no tracefs, and mounting it failed");
	snprintf(path, sizeof(path), "%s/" EVENT_DIR, self->w.tdir);
	ASSERT_EQ(0, access(path, F_OK))
		TH_LOG("%s: %s: the module defines no faultlat:fault event?",
		       path, strerror(errno));
	remove_stale_instances(self->w.tdir);
	ASSERT_EQ(0, config_rw(self->w.fd, false, &self->saved_min))
		TH_LOG("FAULTLAT_IOC_CONFIG: %s", strerror(errno));
}

FIXTURE_TEARDOWN(trace)
{
	__u64 min = self->saved_min;
	unsigned int i;

	if (self->w.child > 0)
		stop_process(self->w.child, SIGKILL, 5000);
	for (i = 0; i < ARRAY_SIZE(self->procs); i++)
		if (self->procs[i] > 0)
			stop_process(self->procs[i], SIGKILL, 5000);
	inst_destroy(&self->w.inst);
	if (config_rw(self->w.fd, true, &min))
		TH_LOG("cannot put min_latency_ns back to %llu: %s",
		       (unsigned long long)self->saved_min, strerror(errno));
	if (self->fs_up)
		fl_fs_teardown(&self->fs);
	for (i = 0; i < ARRAY_SIZE(self->tmp); i++)
		if (self->tmp[i][0])
			unlink(self->tmp[i]);
	ev_free(&self->run.ev);
	close(self->w.fd);
}

/*
 * Trace one workload in a new instance: choose a free pid, filter on it,
 * create the workload there, wait for its exit, read its record (it lives
 * until the workload is reaped), reap it with wait4(), then read the
 * instance's ring buffers and remove the instance.
 */
static void trace_workload(struct __test_metadata *_metadata,
			   struct wctx *w, const struct work_opts *o,
			   struct work_run *r)
{
	long last = fl_last_pid();
	long pid_max = read_long("/proc/sys/kernel/pid_max");
	__u64 min = o->min_ns;
	char filter[64], *text;
	int pfd[2], tries, err = 0;
	pid_t want, pid = -1;
	siginfo_t si;
	ssize_t n;

	ev_free(&r->ev);
	memset(r, 0, sizeof(*r));
	ASSERT_EQ(0, config_rw(w->fd, true, &min))
		TH_LOG("setting min_latency_ns: %s", strerror(errno));
	ASSERT_EQ(o->min_ns, min);
	ASSERT_EQ(0, inst_create(&w->inst, w->tdir, o->buffer_kb))
		TH_LOG("tracefs instance %s: %s", w->inst.path,
		       strerror(errno));
	ASSERT_EQ(0, pipe2(pfd, O_CLOEXEC));
	ASSERT_LT(0, last);
	ASSERT_LT(1000, pid_max);

	/* a pid well ahead of the last one given, not in use */
	want = last + 100;
	for (tries = 0; tries < 1000; tries++, want++) {
		if (want >= pid_max)
			want = 1000;
		if (!kill(want, 0) || errno != ESRCH)
			continue;
		snprintf(filter, sizeof(filter), "tgid == %d", want);
		ASSERT_EQ(0, inst_write(&w->inst, EVENT_DIR "/filter",
					filter))
			TH_LOG("filter '%s': %s", filter, strerror(errno));
		ASSERT_EQ(0, inst_write(&w->inst, EVENT_DIR "/enable", "1"));
		pid = fork_at(want);
		err = errno;
		if (pid >= 0 || err != EEXIST)
			break;
	}
	if (pid == 0) {
		close(pfd[0]);
		work_child(o, pfd[1]);
	}
	ASSERT_EQ(want, pid)
		TH_LOG("clone3() with set_tid %d: %s%s", want, strerror(err),
		       err == EPERM ? " (needs CAP_SYS_ADMIN)" : "");
	r->pid = pid;
	w->child = pid;
	close(pfd[1]);

	memset(&si, 0, sizeof(si));
	ASSERT_EQ(0, waitid(P_PID, r->pid, &si, WEXITED | WNOWAIT));
	ASSERT_EQ(0, fl_task(w->fd, r->pid, true, &r->rec))
		TH_LOG("FAULTLAT_IOC_TASK of %d: %s", r->pid, strerror(errno));
	ASSERT_EQ(r->pid, wait4(r->pid, &r->status, 0, &r->ru));
	w->child = 0;
	n = read(pfd[0], &r->rep, sizeof(r->rep));
	close(pfd[0]);
	ASSERT_EQ((ssize_t)sizeof(r->rep), n) TH_LOG("no report from the workload");
	ASSERT_EQ(0, r->rep.step)
		TH_LOG("workload failed at step %d: %s", r->rep.step,
		       strerror(r->rep.err));
	ASSERT_TRUE(WIFEXITED(r->status));
	ASSERT_EQ(0, WEXITSTATUS(r->status));

	/* nothing more into the buffers, then read them */
	ASSERT_EQ(0, inst_write(&w->inst, "tracing_on", "0"));
	ASSERT_EQ(0, ring_stats(&w->inst, &r->rs));
	text = inst_read(&w->inst, "trace");
	ASSERT_NE(NULL, text) TH_LOG("reading %s/trace: %s", w->inst.path,
				     strerror(errno));
	ASSERT_EQ(0, parse_lines(text, " fault: pid=", &r->ev));
	free(text);
	inst_destroy(&w->inst);

	FL_INFO("pid %d: %zu events, %zu bad lines, %zu LOST lines\n",
		r->pid, r->ev.nr, r->ev.bad, r->ev.lost_lines);
	FL_INFO("record: minor %llu major %llu errors %llu; rusage: minflt %ld majflt %ld\n",
		(unsigned long long)r->rec.stats.minor.count,
		(unsigned long long)r->rec.stats.major.count,
		(unsigned long long)r->rec.stats.errors,
		r->ru.ru_minflt, r->ru.ru_majflt);
	FL_INFO("ring (%u CPUs): entries %llu overrun %llu commit overrun %llu dropped %llu\n",
		r->rs.cpus, (unsigned long long)r->rs.entries,
		(unsigned long long)r->rs.overrun,
		(unsigned long long)r->rs.commit_overrun,
		(unsigned long long)r->rs.dropped);
	ASSERT_EQ(0, r->ev.bad) TH_LOG("unparsable line: '%s'", r->ev.first_bad);
}

/* Nothing lost: every event the workload emitted is in r->ev. */
static void check_complete(struct __test_metadata *_metadata,
			   const struct work_run *r)
{
	ASSERT_EQ(0, r->rs.overrun)
		TH_LOG("events overwritten: make the buffer larger");
	ASSERT_EQ(0, r->rs.commit_overrun);
	ASSERT_EQ(0, r->rs.dropped);
	ASSERT_EQ(0, r->ev.lost_lines);
	ASSERT_TRUE(r->ev.have_header)
		TH_LOG("no entries-in-buffer/entries-written in the header");
	ASSERT_EQ(r->ev.written, r->ev.in_buffer);
	ASSERT_EQ(r->ev.nr, r->ev.in_buffer);
}

static void check_hist_equal(struct __test_metadata *_metadata,
			     const char *what, const struct faultlat_hist *ev,
			     const struct faultlat_hist *rec)
{
	unsigned int i;

	ASSERT_EQ(rec->count, ev->count) TH_LOG("%s: count", what);
	ASSERT_EQ(rec->sum_ns, ev->sum_ns) TH_LOG("%s: sum_ns", what);
	ASSERT_EQ(rec->min_ns, ev->min_ns) TH_LOG("%s: min_ns", what);
	ASSERT_EQ(rec->max_ns, ev->max_ns) TH_LOG("%s: max_ns", what);
	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++)
		ASSERT_EQ(rec->buckets[i], ev->buckets[i])
			TH_LOG("%s: bucket %u [%llu, %llu) ns", what, i,
			       (unsigned long long)faultlat_bucket_lo(i),
			       (unsigned long long)faultlat_bucket_hi(i));
}

/* An index of the first event at @addr from @from on; -1 if none. */
static long find_addr(const struct evlist *l, size_t from, __u64 addr)
{
	size_t i;

	for (i = from; i < l->nr; i++)
		if (l->ev[i].address == addr)
			return i;
	return -1;
}

/*
 * Test 1: with no threshold, the events of a workload are its faults,
 * exactly: as many as its record's minor + major + errors, minor and major
 * as many as its rusage's ru_minflt and ru_majflt; and since each event
 * carries the latency the histogram recorded, the events' histograms (and
 * sums, minima, maxima, and counts by mode, kind and access) are the
 * record's.  The anonymous phase's addresses are all in its mapping, and
 * cover it.
 */
TEST_F_TIMEOUT(trace, events_match_record, 240)
{
	struct work_opts o = {
		.pages = ANON_PAGES,
		.buffer_kb = BIG_BUF_KB,
	};
	struct work_run *r = &self->run;
	const struct faultlat_stats *st;
	size_t i, nr_minor = 0, nr_major = 0, nr_error = 0, seen_pages = 0;
	long a, b;
	unsigned char *seen;
	struct ev_agg agg;
	__u64 ps = fl_page_size(), page;
	int c, j;

	if (fl_fs_setup(&self->fs, "ext2", FILE_PAGES)) {
		bool skip = self->fs.skip;

		fl_fs_teardown(&self->fs);
		ASSERT_TRUE(skip) TH_LOG("%s", self->fs.why);
		FL_INFO("no major faults in this test: %s\n", self->fs.why);
	} else {
		self->fs_up = true;
		ASSERT_EQ(0, fl_fs_drop_cache(&self->fs))
			TH_LOG("%s", self->fs.why);
		o.file = self->fs.file;
	}

	trace_workload(_metadata, &self->w, &o, r);
	check_complete(_metadata, r);
	st = &r->rec.stats;

	for (i = 0; i < r->ev.nr; i++) {
		ASSERT_EQ((__u32)r->pid, r->ev.ev[i].tgid);
		ASSERT_EQ((__u32)r->pid, r->ev.ev[i].pid);
		ASSERT_EQ(0, r->ev.ev[i].address % ps);
		nr_minor += r->ev.ev[i].outcome == FAULTLAT_EVENT_MINOR;
		nr_major += r->ev.ev[i].outcome == FAULTLAT_EVENT_MAJOR;
		nr_error += r->ev.ev[i].outcome == FAULTLAT_EVENT_ERROR;
	}
	ASSERT_EQ(st->minor.count + st->major.count + st->errors, r->ev.nr)
		TH_LOG("events vs the record's minor + major + errors");
	ASSERT_EQ((__u64)r->ru.ru_minflt, nr_minor)
		TH_LOG("minor events vs ru_minflt");
	ASSERT_EQ((__u64)r->ru.ru_majflt, nr_major)
		TH_LOG("major events vs ru_majflt");
	ASSERT_EQ(st->errors, nr_error);
	if (o.file) {
		ASSERT_LT(0, nr_major)
			TH_LOG("reading %d pages of a file not in the page cache",
			       FILE_PAGES);
		ASSERT_NE(0, r->rep.sum);
	}

	ev_aggregate(&r->ev, &agg);
	check_hist_equal(_metadata, "minor", &agg.h[FAULTLAT_MINOR],
			 &st->minor);
	check_hist_equal(_metadata, "major", &agg.h[FAULTLAT_MAJOR],
			 &st->major);
	for (c = 0; c < FAULTLAT_NR_CLASSES; c++) {
		for (j = 0; j < FAULTLAT_NR_MODES; j++)
			ASSERT_EQ(st->by_mode[c][j], agg.by_mode[c][j])
				TH_LOG("class %d mode %s", c,
				       name_of(mode_names, ARRAY_SIZE(mode_names), j));
		for (j = 0; j < FAULTLAT_NR_KINDS; j++)
			ASSERT_EQ(st->by_kind[c][j], agg.by_kind[c][j])
				TH_LOG("class %d kind %s", c,
				       name_of(kind_names, ARRAY_SIZE(kind_names), j));
		for (j = 0; j < FAULTLAT_NR_ACCESS; j++)
			ASSERT_EQ(st->by_access[c][j], agg.by_access[c][j])
				TH_LOG("class %d access %s", c,
				       name_of(access_names, ARRAY_SIZE(access_names), j));
	}

	/* the anonymous phase: between the events of mark_a and mark_b */
	a = find_addr(&r->ev, 0, r->rep.mark_a);
	ASSERT_LE(0, a) TH_LOG("no event at mark_a 0x%llx",
			       (unsigned long long)r->rep.mark_a);
	b = find_addr(&r->ev, a + 1, r->rep.mark_b);
	ASSERT_LE(0, b) TH_LOG("no event at mark_b 0x%llx after mark_a's",
			       (unsigned long long)r->rep.mark_b);
	seen = calloc(ANON_PAGES, 1);
	ASSERT_NE(NULL, seen);
	for (i = a + 1; i < (size_t)b; i++) {
		const struct fl_ev *e = &r->ev.ev[i];

		if (e->address < r->rep.mem || e->address >= r->rep.mem_end) {
			free(seen);
			ASSERT_TRUE(false)
				TH_LOG("event %zu at 0x%llx, not in [0x%llx, 0x%llx)",
				       i, (unsigned long long)e->address,
				       (unsigned long long)r->rep.mem,
				       (unsigned long long)r->rep.mem_end);
		}
		page = (e->address - r->rep.mem) / ps;
		seen_pages += !seen[page];
		seen[page] = 1;
	}
	free(seen);
	ASSERT_EQ(ANON_PAGES, seen_pages)
		TH_LOG("pages of the mapping with an event (%ld events in the phase)",
		       b - a - 1);
	FL_INFO("%zu minor, %zu major, %zu error events; %ld in the anonymous phase\n",
		nr_minor, nr_major, nr_error, b - a - 1);
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Test 2: with a threshold T, every event's latency is at least T, and
 * there are as many events as the workload had faults of T or more.
 *
 * The record only knows its faults by bucket, [lo, hi) each: the faults
 * of T or more are all those of the buckets with lo >= T, plus some of
 * the one bucket with lo < T < hi (if T is not a bucket bound), and
 * none of the buckets with hi <= T.  So their number lies between the sum
 * of the buckets with lo >= T and the sum of the buckets with hi > T, and
 * the events' number must too.  Above T's bucket it must be exact, bucket
 * by bucket, and in T's bucket at most that bucket's count.  T is the
 * median latency of an identical run without a threshold, so that there
 * are faults on both sides of it.
 *
 * check_threshold(): those checks on a run with the threshold @t; its
 * faults below @t and from @t up in *@below and *@above.
 */
static void check_threshold(struct __test_metadata *_metadata,
			    const struct work_run *r, __u64 t,
			    __u64 *below, __u64 *above)
{
	__u64 lower = 0, upper = 0, total, nr_faults = 0, nr_errors = 0;
	unsigned int tb = bucket_of(t);
	struct faultlat_hist all;
	struct ev_agg agg;
	size_t i;

	for (i = 0; i < r->ev.nr; i++) {
		ASSERT_LE(t, r->ev.ev[i].latency_ns)
			TH_LOG("event %zu below the threshold", i);
		if (r->ev.ev[i].outcome == FAULTLAT_EVENT_ERROR)
			nr_errors++;
		else
			nr_faults++;
	}
	ASSERT_LE(nr_errors, r->rec.stats.errors);

	memset(&all, 0, sizeof(all));
	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++) {
		all.buckets[i] = r->rec.stats.minor.buckets[i] +
				 r->rec.stats.major.buckets[i];
		if (faultlat_bucket_lo(i) >= t)
			lower += all.buckets[i];
		if (faultlat_bucket_hi(i) > t)
			upper += all.buckets[i];
	}
	total = r->rec.stats.minor.count + r->rec.stats.major.count;
	FL_INFO("T = %llu ns, in bucket %u [%llu, %llu) ns\n",
		(unsigned long long)t, tb,
		(unsigned long long)faultlat_bucket_lo(tb),
		(unsigned long long)faultlat_bucket_hi(tb));
	FL_INFO("%llu fault events of %llu faults; buckets from T up %llu, reaching above T %llu\n",
		(unsigned long long)nr_faults, (unsigned long long)total,
		(unsigned long long)lower, (unsigned long long)upper);
	ASSERT_LE(lower, nr_faults)
		TH_LOG("fewer events than faults in the buckets wholly >= T");
	ASSERT_GE(upper, nr_faults)
		TH_LOG("more events than faults in the buckets reaching above T");

	/* bucket by bucket: exact above T's bucket, at most all of it in it */
	ev_aggregate(&r->ev, &agg);
	ASSERT_GE(all.buckets[tb], agg.h[FAULTLAT_MINOR].buckets[tb] +
				   agg.h[FAULTLAT_MAJOR].buckets[tb])
		TH_LOG("T's bucket %u", tb);
	for (i = tb + 1; i < FAULTLAT_NR_BUCKETS; i++)
		ASSERT_EQ(all.buckets[i], agg.h[FAULTLAT_MINOR].buckets[i] +
					  agg.h[FAULTLAT_MAJOR].buckets[i])
			TH_LOG("bucket %zu [%llu, %llu) ns", i,
			       (unsigned long long)faultlat_bucket_lo(i),
			       (unsigned long long)faultlat_bucket_hi(i));
	*above = nr_faults;
	*below = total - nr_faults;
}

TEST_F_TIMEOUT(trace, threshold, 240)
{
	struct work_opts o = {
		.pages = ANON_PAGES,
		.buffer_kb = BIG_BUF_KB,
	};
	struct work_run *r = &self->run;
	__u64 *lat, t, below = 0, above = 0;
	struct faultlat_hist all;
	int tries;
	size_t i, n;

	/* the calibration run */
	trace_workload(_metadata, &self->w, &o, r);
	check_complete(_metadata, r);
	ASSERT_LT(0, r->ev.nr);
	lat = calloc(r->ev.nr, sizeof(*lat));
	ASSERT_NE(NULL, lat);
	for (i = n = 0; i < r->ev.nr; i++)
		if (r->ev.ev[i].outcome != FAULTLAT_EVENT_ERROR)
			lat[n++] = r->ev.ev[i].latency_ns;
	ASSERT_LT(0, n);
	qsort(lat, n, sizeof(*lat), cmp_u64);
	t = lat[n / 2];
	free(lat);

	/*
	 * The runs with the threshold.  Latencies drift from one run to
	 * the next (under TCG, by a bucket or so): should all of a run's
	 * faults fall on one side of T, the next run takes that run's
	 * median (a bucket bound, from its record) for T.
	 */
	for (tries = 0; tries < 3; tries++) {
		ASSERT_LT(0, t);
		o.min_ns = t;
		trace_workload(_metadata, &self->w, &o, r);
		check_complete(_metadata, r);
		check_threshold(_metadata, r, t, &below, &above);
		if (below && above)
			break;
		all = r->rec.stats.minor;
		for (i = 0; i < FAULTLAT_NR_BUCKETS; i++)
			all.buckets[i] += r->rec.stats.major.buckets[i];
		all.count += r->rec.stats.major.count;
		all.min_ns = 0;
		all.max_ns = ~0ULL;
		t = fl_percentile(&all, 5000);
	}
	/* both sides non-empty */
	ASSERT_LT(0, above) TH_LOG("no fault of T or more");
	ASSERT_LT(0, below) TH_LOG("no fault below T");
}

/*
 * Test 4: the way the tests above check that no event was lost does see a
 * loss.  With ring buffers far too small for the workload, the instance
 * reports overruns, the buffers hold fewer events than there were faults,
 * and what they hold plus what was overwritten is every fault.
 */
TEST_F_TIMEOUT(trace, overrun_detected, 240)
{
	struct work_opts o = {
		.pages = ANON_PAGES,
		.buffer_kb = SMALL_BUF_KB,
	};
	struct work_run *r = &self->run;
	__u64 faults;

	trace_workload(_metadata, &self->w, &o, r);
	faults = r->rec.stats.minor.count + r->rec.stats.major.count +
		 r->rec.stats.errors;
	ASSERT_LT(0, r->rs.overrun)
		TH_LOG("%zu events held of %llu faults, and no overrun",
		       r->ev.nr, (unsigned long long)faults);
	ASSERT_GT(faults, r->ev.nr);
	ASSERT_TRUE(r->ev.have_header);
	ASSERT_EQ(r->ev.nr, r->ev.in_buffer);
	ASSERT_EQ(faults, r->ev.nr + r->rs.overrun)
		TH_LOG("events held + overrun vs the record's faults");
	ASSERT_EQ(faults, r->ev.written);
}

/* --- test 3: the client's trace -j against perf --- */

struct fkey {
	__u64 address;
	__u64 latency_ns;
	__u32 pid;
	int outcome;
};

static int cmp_fkey(const void *a, const void *b)
{
	const struct fkey *x = a, *y = b;

	if (x->address != y->address)
		return x->address < y->address ? -1 : 1;
	if (x->latency_ns != y->latency_ns)
		return x->latency_ns < y->latency_ns ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->outcome - y->outcome;
}

static bool json_get_u64(struct json_object *o, const char *key, __u64 *v)
{
	struct json_object *f;

	if (!json_object_object_get_ex(o, key, &f) ||
	    !json_object_is_type(f, json_type_int))
		return false;
	*v = json_object_get_uint64(f);
	return true;
}

static const char *json_get_str(struct json_object *o, const char *key)
{
	struct json_object *f;

	if (!json_object_object_get_ex(o, key, &f) ||
	    !json_object_is_type(f, json_type_string))
		return NULL;
	return json_object_get_string(f);
}

/* What `faultlat trace -j` printed. */
struct client_out {
	struct fkey *k;
	size_t nr;
	size_t bad;		/* lines that did not parse */
	size_t lost_lines;	/* "type": "lost" */
	size_t other_tgid;
	bool summary;
	__u64 sum_faults;
	__u64 sum_lost;
	bool sum_lost_known;
	__u64 sum_undecodable;
	char first_bad[160];
};

static int parse_client(char *text, pid_t pid, struct client_out *c)
{
	__u64 v, tgid, address, latency;
	struct json_object *o;
	const char *type, *outcome;
	char *line, *next;

	c->k = calloc(strlen(text) / 16 + 1, sizeof(*c->k));
	if (!c->k)
		return -1;
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!*line)
			continue;
		o = json_tokener_parse(line);
		type = o ? json_get_str(o, "type") : NULL;
		if (!type)
			goto bad;
		if (!strcmp(type, "fault")) {
			outcome = json_get_str(o, "outcome");
			if (!json_get_u64(o, "pid", &v) ||
			    !json_get_u64(o, "tgid", &tgid) ||
			    !json_get_u64(o, "address", &address) ||
			    !json_get_u64(o, "latency_ns", &latency) ||
			    !outcome ||
			    name_index(outcome_names, ARRAY_SIZE(outcome_names), outcome) < 0)
				goto bad;
			c->other_tgid += tgid != (__u64)pid;
			c->k[c->nr].pid = v;
			c->k[c->nr].address = address;
			c->k[c->nr].latency_ns = latency;
			c->k[c->nr].outcome = name_index(outcome_names,
							 ARRAY_SIZE(outcome_names),
							 outcome);
			c->nr++;
		} else if (!strcmp(type, "lost")) {
			c->lost_lines++;
		} else if (!strcmp(type, "summary")) {
			c->summary = true;
			if (!json_get_u64(o, "faults", &c->sum_faults) ||
			    !json_get_u64(o, "undecodable",
					  &c->sum_undecodable))
				goto bad;
			c->sum_lost_known = json_get_u64(o, "lost",
							 &c->sum_lost);
		}
		json_object_put(o);
		continue;
bad:
		if (!c->bad++)
			snprintf(c->first_bad, sizeof(c->first_bad), "%s",
				 line);
		json_object_put(o);
	}
	return 0;
}

/* A workload whose anonymous phase waits for a go: see client_matches_perf. */
static noreturn void go_child(int rfd, int wfd, size_t pages)
{
	char *mem, c;

	fl_prefault_stack();
	mem = fl_map_anon(pages);
	if (!mem)
		_exit(2);
	/* read() and write() once each, then no new fault until the go */
	if (read(rfd, &c, 1) != 1 || write(wfd, "r", 1) != 1 ||
	    read(rfd, &c, 1) != 1)
		_exit(3);
	fl_touch_write(mem, pages);
	_exit(0);
}

/*
 * Test 3: `faultlat trace -j -p PID` and `perf record -e faultlat:fault`
 * with the filter "tgid == PID", both running over one workload, saw the
 * same events: the same (pid, address, outcome, latency_ns), as many
 * times each.  The workload begins only once both are recording (the
 * client said so on stderr; perf acknowledged an "enable" on its control
 * descriptor, having started with its events disabled), and both stop
 * after it was reaped, so that each should have seen all its faults of
 * that time.
 */
TEST_F_TIMEOUT(trace, client_matches_perf, 300)
{
	const char *client = getenv("FAULTLAT_CLIENT");
	char *t_out = self->tmp[0], *t_err = self->tmp[1];
	char *p_data = self->tmp[2], *p_err = self->tmp[3];
	char *p_out = self->tmp[4];
	char pidstr[16], filter[64], control[64], ack[8];
	int to_child[2], from_child[2], ctl[2], ackp[2];
	int ofd, efd, status;
	struct client_out cl;
	struct evlist pl;
	struct pollfd pfd;
	struct fkey *pk;
	pid_t child, tr, pf;
	char *text, c;
	size_t i;

	if (!client || !*client)
		SKIP(return, "FAULTLAT_CLIENT (the faultlat client) is not set");
	if (!client_has(client, "trace"))
		SKIP(return, "%s has no trace command (faultlat trace --help failed)",
		     client);
	if (!exited_ok(run_to_files(NULL, NULL, "perf", "--version", NULL)))
		SKIP(return, "no perf (perf --version failed): install linux-perf");

	ASSERT_EQ(0, mktemp_file(t_out, sizeof(self->tmp[0]), "out"));
	ASSERT_EQ(0, mktemp_file(t_err, sizeof(self->tmp[1]), "err"));
	ASSERT_EQ(0, mktemp_file(p_data, sizeof(self->tmp[2]), "perf"));
	ASSERT_EQ(0, mktemp_file(p_err, sizeof(self->tmp[3]), "perferr"));
	ASSERT_EQ(0, mktemp_file(p_out, sizeof(self->tmp[4]), "script"));
	ASSERT_EQ(0, pipe2(to_child, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(from_child, O_CLOEXEC));

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0)
		go_child(to_child[0], from_child[1], ANON_PAGES);
	self->procs[0] = child;
	ASSERT_EQ(1, write(to_child[1], "a", 1));
	ASSERT_EQ(1, read(from_child[0], &c, 1)) TH_LOG("workload died");
	snprintf(pidstr, sizeof(pidstr), "%d", child);
	snprintf(filter, sizeof(filter), "tgid == %d", child);

	/* the client */
	ofd = open_out(t_out);
	efd = open_out(t_err);
	ASSERT_LE(0, ofd);
	ASSERT_LE(0, efd);
	tr = spawn(ofd, efd, -1, -1, client, "trace", "-j", "-p", pidstr,
		   "-b", "4096", NULL);
	close(ofd);
	close(efd);
	ASSERT_LT(0, tr);
	self->procs[1] = tr;
	if (!wait_for_text(t_err, "Ctrl-C to end", tr, &status, 60000)) {
		text = slurp(t_err, NULL);
		if (status != -1)
			self->procs[1] = 0;
		ASSERT_TRUE(false)
			TH_LOG("faultlat trace did not start (wait status %d): %s",
			       status, text ? text : "");
	}

	/* perf, its events disabled until it is told to enable them */
	ASSERT_EQ(0, pipe2(ctl, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(ackp, O_CLOEXEC));
	snprintf(control, sizeof(control), "fd:%d,%d", ctl[0], ackp[1]);
	efd = open_out(p_err);
	ASSERT_LE(0, efd);
	pf = spawn(efd, efd, ctl[0], ackp[1], "perf", "record", "-a", "-N",
		   "-B", "-m", "512", "-e", "faultlat:fault", "--filter", filter,
		   "-D", "-1", "--control", control, "-o", p_data, NULL);
	close(efd);
	ASSERT_LT(0, pf);
	self->procs[2] = pf;
	close(ctl[0]);
	close(ackp[1]);
	ASSERT_EQ(7, write(ctl[1], "enable\n", 7));
	pfd.fd = ackp[0];
	pfd.events = POLLIN;
	memset(ack, 0, sizeof(ack));
	if (poll(&pfd, 1, 120000) != 1 || read(ackp[0], ack, 3) != 3 ||
	    strcmp(ack, "ack")) {
		text = slurp(p_err, NULL);
		ASSERT_TRUE(false)
			TH_LOG("perf record did not acknowledge 'enable': %s",
			       text ? text : "");
	}

	/* the workload's anonymous phase, then its exit */
	ASSERT_EQ(1, write(to_child[1], "g", 1));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	self->procs[0] = 0;
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));

	/* both stop, flushing what they hold */
	status = stop_process(pf, SIGINT, 120000);
	self->procs[2] = 0;
	close(ctl[1]);
	close(ackp[0]);
	text = slurp(p_err, NULL);
	/* perf record ends by the signal that stopped it, once it is done */
	ASSERT_TRUE(exited_ok(status) ||
		    (status != -1 && WIFSIGNALED(status) &&
		     WTERMSIG(status) == SIGINT))
		TH_LOG("perf record: wait status %d: %s", status,
		       text ? text : "");
	ASSERT_NE(NULL, text ? strstr(text, "Captured and wrote") : NULL)
		TH_LOG("perf record: %s", text ? text : "");
	free(text);
	status = stop_process(tr, SIGINT, 60000);
	self->procs[1] = 0;
	text = slurp(t_err, NULL);
	ASSERT_TRUE(exited_ok(status))
		TH_LOG("faultlat trace: wait status %d: %s", status,
		       text ? text : "");
	free(text);

	/* perf's events, as perf script prints the event's own format */
	status = run_to_files(p_out, p_err, "perf", "script", "-i", p_data,
			      "-F", "trace", NULL);
	text = slurp(p_err, NULL);
	ASSERT_TRUE(exited_ok(status))
		TH_LOG("perf script: wait status %d: %s", status,
		       text ? text : "");
	ASSERT_EQ(NULL, text ? strcasestr(text, "lost") : NULL)
		TH_LOG("perf script: %s", text);
	free(text);
	memset(&pl, 0, sizeof(pl));
	text = slurp(p_out, NULL);
	ASSERT_NE(NULL, text);
	ASSERT_EQ(0, parse_lines(text, "pid=", &pl));
	free(text);
	ASSERT_EQ(0, pl.bad) TH_LOG("perf script line: '%s'", pl.first_bad);

	memset(&cl, 0, sizeof(cl));
	text = slurp(t_out, NULL);
	ASSERT_NE(NULL, text);
	ASSERT_EQ(0, parse_client(text, child, &cl));
	free(text);

	FL_INFO("pid %d: faultlat trace %zu faults (summary %llu, lost %llu), perf %zu\n",
		child, cl.nr, (unsigned long long)cl.sum_faults,
		(unsigned long long)cl.sum_lost, pl.nr);
	ASSERT_EQ(0, cl.bad) TH_LOG("faultlat trace -j line: '%s'",
				    cl.first_bad);
	ASSERT_TRUE(cl.summary) TH_LOG("no summary object");
	ASSERT_EQ(0, cl.lost_lines);
	ASSERT_TRUE(cl.sum_lost_known) TH_LOG("summary: lost unknown");
	ASSERT_EQ(0, cl.sum_lost);
	ASSERT_EQ(0, cl.sum_undecodable);
	ASSERT_EQ(cl.nr, cl.sum_faults);
	ASSERT_EQ(0, cl.other_tgid);
	ASSERT_LE(ANON_PAGES, cl.nr);

	/* the same multiset of (pid, address, outcome, latency_ns) */
	pk = calloc(pl.nr + 1, sizeof(*pk));
	ASSERT_NE(NULL, pk);
	for (i = 0; i < pl.nr; i++) {
		ASSERT_EQ((__u32)child, pl.ev[i].tgid);
		pk[i].pid = pl.ev[i].pid;
		pk[i].address = pl.ev[i].address;
		pk[i].latency_ns = pl.ev[i].latency_ns;
		pk[i].outcome = pl.ev[i].outcome;
	}
	qsort(pk, pl.nr, sizeof(*pk), cmp_fkey);
	qsort(cl.k, cl.nr, sizeof(*cl.k), cmp_fkey);
	for (i = 0; i < pl.nr && i < cl.nr; i++)
		if (cmp_fkey(&pk[i], &cl.k[i]))
			break;
	if (i < pl.nr || i < cl.nr)
		TH_LOG("first difference at %zu: perf %s 0x%llx %llu ns, client %s 0x%llx %llu ns",
		       i, i < pl.nr ? outcome_name(pk[i].outcome) : "-",
		       i < pl.nr ? (unsigned long long)pk[i].address : 0ULL,
		       i < pl.nr ? (unsigned long long)pk[i].latency_ns : 0ULL,
		       i < cl.nr ? outcome_name(cl.k[i].outcome) : "-",
		       i < cl.nr ? (unsigned long long)cl.k[i].address : 0ULL,
		       i < cl.nr ? (unsigned long long)cl.k[i].latency_ns : 0ULL);
	free(pk);
	ASSERT_EQ(pl.nr, cl.nr) TH_LOG("events: perf vs faultlat trace");
	ASSERT_EQ(pl.nr, i) TH_LOG("the events differ");
	free(cl.k);
	ev_free(&pl);
}

/* --- test 5: faultlat top on a pipe --- */

#define TOP_COMM	"fl_top_work"

/* Faults, without end (until killed, or a minute). */
static noreturn void top_child(void)
{
	time_t end = time(NULL) + 60;
	void *mem;

	prctl(PR_SET_NAME, TOP_COMM);
	while (time(NULL) < end) {
		mem = fl_map_anon(TOP_PAGES);
		if (!mem)
			_exit(2);
		fl_touch_write(mem, TOP_PAGES);
		fl_unmap(mem, TOP_PAGES);
	}
	_exit(0);
}

/* The words of @line, at most @max, in @w (@line is modified). */
static int split_words(char *line, char **w, int max)
{
	char *save = NULL, *tok;
	int n = 0;

	for (tok = strtok_r(line, " \t", &save); tok && n < max;
	     tok = strtok_r(NULL, " \t", &save))
		w[n++] = tok;
	return tok ? -1 : n;
}

static bool is_number(const char *s)
{
	char *end;

	if (!*s)
		return false;
	strtod(s, &end);
	return !*end;
}

/* 123ns, 1.23us, 4.56ms, 7.89s */
static bool is_duration(const char *s)
{
	static const char * const units[] = { "ns", "us", "ms", "s" };
	unsigned int i;
	char *end;

	strtod(s, &end);
	if (end == s)
		return false;
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(end, units[i]))
			return true;
	return false;
}

struct top_table {
	unsigned int claimed;	/* "N processes faulted" */
	unsigned int rows;
	bool has_workload;
	double workload_rate;
};

/*
 * One table of `faultlat top` on a pipe:
 *   HH:MM:SS  interval D: N process(es) faulted, R faults/s, M ms/s in
 *     faults; nmissed +A dropped +B
 *       PID COMM FAULTS/s MAJOR/s FLT ms/s P99 MAX
 *   N rows: pid, comm (may hold spaces), three numbers, two durations
 *   an empty line
 * Returns the line after it, or NULL with *@why set.
 */
static char *parse_top_table(char *text, pid_t work, struct top_table *t,
			     const char **why)
{
	char *line = text, *next, *w[32], el[32];
	unsigned int hh, mm, ss;
	int n, i;

	memset(t, 0, sizeof(*t));
	next = strchr(line, '\n');
	if (!next)
		return *why = "title line not ended", NULL;
	*next++ = '\0';
	if (sscanf(line, "%2u:%2u:%2u  interval %31[^:]: %u process", &hh, &mm,
		   &ss, el, &t->claimed) != 5 || !is_duration(el) ||
	    !strstr(line, " faulted, ") || !strstr(line, " faults/s, ") ||
	    !strstr(line, " ms/s in faults; nmissed +") ||
	    !strstr(line, " dropped +"))
		return *why = "bad title line", NULL;

	line = next;
	next = strchr(line, '\n');
	if (!next)
		return *why = "header line not ended", NULL;
	*next++ = '\0';
	n = split_words(line, w, ARRAY_SIZE(w));
	if (n != 8 || strcmp(w[0], "PID") || strcmp(w[1], "COMM") ||
	    strcmp(w[2], "FAULTS/s") || strcmp(w[3], "MAJOR/s") ||
	    strcmp(w[4], "FLT") || strcmp(w[5], "ms/s") ||
	    strcmp(w[6], "P99") || strcmp(w[7], "MAX"))
		return *why = "bad column header", NULL;

	for (line = next; line && *line && *line != '\n'; line = next) {
		char comm[64];

		next = strchr(line, '\n');
		if (!next)
			return *why = "row not ended", NULL;
		*next++ = '\0';
		n = split_words(line, w, ARRAY_SIZE(w));
		if (n < 6 || !is_number(w[0]) || !is_number(w[n - 5]) ||
		    !is_number(w[n - 4]) || !is_number(w[n - 3]) ||
		    !is_duration(w[n - 2]) || !is_duration(w[n - 1]))
			return *why = "bad row", NULL;
		comm[0] = '\0';
		for (i = 1; i < n - 5; i++)
			snprintf(comm + strlen(comm), sizeof(comm) - strlen(comm),
				 "%s%s", i > 1 ? " " : "", w[i]);
		t->rows++;
		if (strtol(w[0], NULL, 10) == work && !strcmp(comm, TOP_COMM)) {
			t->has_workload = true;
			t->workload_rate = strtod(w[n - 5], NULL);
		}
	}
	if (!line || *line != '\n')
		return *why = "table not ended by an empty line", NULL;
	return line + 1;
}

/*
 * Test 5: `faultlat top -n 2 -i 1` with its output on a pipe prints two
 * whole tables, one after the other (no screen control), each with the
 * rows it announces, and the workload, which faults all along, in both.
 */
TEST_F_TIMEOUT(trace, top_pipe, 120)
{
	const char *client = getenv("FAULTLAT_CLIENT");
	size_t len = 0, cap = 1 << 20;
	struct top_table tab[3];
	const char *why = NULL;
	char *out, *p;
	int pfd[2], status, n;
	pid_t work, top;
	ssize_t got;

	if (!client || !*client)
		SKIP(return, "FAULTLAT_CLIENT (the faultlat client) is not set");
	if (!client_has(client, "top"))
		SKIP(return, "%s has no top command (faultlat top --help failed)",
		     client);

	work = fork();
	ASSERT_LE(0, work);
	if (work == 0)
		top_child();
	self->procs[0] = work;

	ASSERT_EQ(0, pipe2(pfd, O_CLOEXEC));
	top = spawn(pfd[1], STDERR_FILENO, -1, -1, client, "top", "-n", "2",
		    "-i", "1", NULL);
	ASSERT_LT(0, top);
	self->procs[1] = top;
	close(pfd[1]);
	out = malloc(cap);
	ASSERT_NE(NULL, out);
	while (len < cap - 1 &&
	       (got = read(pfd[0], out + len, cap - 1 - len)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		len += got;
	}
	out[len] = '\0';
	close(pfd[0]);
	ASSERT_EQ(top, waitpid(top, &status, 0));
	self->procs[1] = 0;
	stop_process(work, SIGKILL, 5000);
	self->procs[0] = 0;
	ASSERT_TRUE(exited_ok(status)) TH_LOG("faultlat top: wait status %d",
					      status);
	ASSERT_EQ(NULL, strchr(out, '\033')) TH_LOG("escape codes on a pipe");

	for (n = 0, p = out; p && *p && n < 3; n++) {
		p = parse_top_table(p, work, &tab[n], &why);
		if (!p) {
			free(out);
			ASSERT_TRUE(false) TH_LOG("table %d: %s", n + 1, why);
		}
		FL_INFO("top table %d: %u rows (%u announced), workload %d %s at %.1f faults/s\n",
			n + 1, tab[n].rows, tab[n].claimed, work,
			tab[n].has_workload ? "listed" : "missing",
			tab[n].workload_rate);
	}
	free(out);
	ASSERT_EQ(2, n) TH_LOG("tables printed");
	for (n = 0; n < 2; n++) {
		ASSERT_EQ(tab[n].claimed, tab[n].rows) TH_LOG("table %d", n + 1);
		ASSERT_TRUE(tab[n].has_workload)
			TH_LOG("table %d: no row for pid %d (%s)", n + 1, work,
			       TOP_COMM);
		ASSERT_LT(0, tab[n].workload_rate) TH_LOG("table %d", n + 1);
	}
}

TEST_HARNESS_MAIN
