// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile input through every door but the ioctls (fuzz_test has those):
 * module parameters out of range at load, writes and other changes to the
 * read-only debugfs files and the device, the device opened thousands of
 * times, and the client given garbage or no module.  Needs FAULTLAT_KO
 * (and FAULTLAT_CLIENT for the client's part); leaves the module loaded
 * with its defaults.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"

#define DEBUGFS		"/sys/kernel/debug/faultlat"
#define REFCNT		"/sys/module/" FL_MODNAME "/refcnt"
#define NR_OPENS	4000
#define LOG_MAX		(1024 * 1024)

/* What the rig calls a kernel problem (tools/vm/run-guest.sh). */
static const char * const problems[] = {
	"Oops", "BUG:", "WARNING:", "Call Trace", "KASAN", "UBSAN",
	"general protection fault", "sleeping function called",
};

/* The kernel log from the last line holding @marker on; NULL if none. */
static char *klog_since(const char *marker)
{
	char *buf = malloc(LOG_MAX), *p, *last = NULL;
	int n;

	if (!buf)
		return NULL;
	n = klogctl(3, buf, LOG_MAX - 1);	/* SYSLOG_ACTION_READ_ALL */
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	for (p = strstr(buf, marker); p; p = strstr(p + 1, marker))
		last = p;
	if (!last) {
		free(buf);
		return NULL;
	}
	memmove(buf, last, strlen(last) + 1);
	return buf;
}

static const char *klog_problem(const char *log)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(problems); i++)
		if (strstr(log, problems[i]))
			return problems[i];
	return NULL;
}

static int read_refcnt(void)
{
	char buf[32];
	int fd, n;

	fd = open(REFCNT, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return atoi(buf);
}

FIXTURE(hostile) {
	int kofd;
};

FIXTURE_SETUP(hostile)
{
	self->kofd = fl_mod_open_ko();
	if (self->kofd < 0)
		SKIP(longjmp(_metadata->env, 1), "FAULTLAT_KO: %s",
		     strerror(errno));
	if (!fl_mod_loaded())
		ASSERT_EQ(0, fl_mod_load(self->kofd, ""));
}

FIXTURE_TEARDOWN(hostile)
{
	if (self->kofd < 0)
		return;
	if (!fl_mod_loaded() && fl_mod_load(self->kofd, ""))
		TH_LOG("load: %s", strerror(errno));
	close(self->kofd);
}

struct param_case {
	const char *params;
	int err1, err2;		/* the errnos accepted; 0: it must load */
	const char *log;	/* the kernel log must say this */
};

static const struct param_case param_cases[] = {
	{ "max_tasks=0", EINVAL, EINVAL, "max_tasks=0 out of range" },
	{ "max_tasks=15", EINVAL, EINVAL, "max_tasks=15 out of range" },
	{ "max_tasks=1048577", EINVAL, EINVAL, "out of range" },
	{ "max_tasks=4294967295", EINVAL, EINVAL, "out of range" },
	{ "max_tasks=4294967296", EINVAL, ERANGE, "max_tasks" },
	{ "max_tasks=-1", EINVAL, ERANGE, "max_tasks" },
	{ "max_tasks=abc", EINVAL, EINVAL, "max_tasks" },
	{ "max_tasks=", EINVAL, EINVAL, "max_tasks" },
	{ "max_tasks", EINVAL, EINVAL, "max_tasks" },
	{ "max_tasks=64 maxactive=0", EINVAL, EINVAL, "maxactive=0 out of range" },
	{ "maxactive=15", EINVAL, EINVAL, "maxactive=15 out of range" },
	{ "maxactive=65537", EINVAL, EINVAL, "out of range" },
	{ "maxactive=99999999999999999999", EINVAL, ERANGE, "maxactive" },
	{ "tlb=2", EINVAL, EINVAL, "tlb" },
	{ "tlb=maybe", EINVAL, EINVAL, "tlb" },
	{ "tlb_ceiling=-1", EINVAL, ERANGE, "tlb_ceiling" },
	{ "tlb_ceiling=x", EINVAL, EINVAL, "tlb_ceiling" },
	{ "tlb_ceiling=18446744073709551616", EINVAL, ERANGE, "tlb_ceiling" },
	/* the bounds themselves load */
	{ "max_tasks=16 maxactive=16", 0, 0, NULL },
	{ "maxactive=65536 tlb=0", 0, 0, NULL },
	{ "tlb_ceiling=0", 0, 0, NULL },
	{ "tlb_ceiling=18446744073709551615", 0, 0, NULL },
	/*
	 * In range, but 2 KiB a record is more than a small machine has: a
	 * clean ENOMEM (no allocation-failure splat in the log) or a load.
	 */
	{ "max_tasks=1048576", 0, ENOMEM, "max_tasks=1048576 needs" },
};

/*
 * Issue 8, hostile 5: parameters out of range at insmod.  The load fails
 * with EINVAL (or ERANGE for a number that does not fit), nothing of the
 * module is left, and the kernel log says which parameter; the bounds
 * themselves load.  No case leaves a kernel problem in the log.
 */
TEST_F_TIMEOUT(hostile, module_params, 300)
{
	struct faultlat_info info;
	unsigned int i;
	int ret, err, fd;
	char *log;

	if (fl_mod_loaded())
		ASSERT_EQ(0, fl_mod_unload()) TH_LOG("%s", strerror(errno));
	for (i = 0; i < ARRAY_SIZE(param_cases); i++) {
		const struct param_case *c = &param_cases[i];

		fl_kmsg("faultlat-selftest: hostile params %u\n", i);
		ret = fl_mod_load(self->kofd, c->params);
		err = ret ? errno : 0;
		log = klog_since("faultlat-selftest: hostile params");
		ASSERT_NE(NULL, log) TH_LOG("no kernel log (klogctl)");
		FL_INFO("\"%s\": %s\n", c->params, err ? strerror(err) : "loaded");
		if (klog_problem(log)) {
			TH_LOG("\"%s\": the kernel log says %s:\n%.1500s",
			       c->params, klog_problem(log), log);
			free(log);
			ASSERT_TRUE(false);
		}
		if (!c->err1 && !c->err2) {
			free(log);
			ASSERT_EQ(0, err) TH_LOG("\"%s\": %s", c->params,
						 strerror(err));
		} else if (!c->err1) {
			/* it may load, or fail as this machine is too small */
			ASSERT_TRUE(!err || err == c->err2)
				TH_LOG("\"%s\": %s", c->params, strerror(err));
			ASSERT_TRUE(!err || strstr(log, c->log))
				TH_LOG("\"%s\": the log does not say \"%s\"",
				       c->params, c->log);
			free(log);
		} else {
			ASSERT_TRUE(err == c->err1 || err == c->err2)
				TH_LOG("\"%s\": %s, not %s", c->params,
				       err ? strerror(err) : "loaded",
				       strerror(c->err1));
			ASSERT_FALSE(fl_mod_loaded());
			ASSERT_NE(0, access(FAULTLAT_DEVICE, F_OK));
			ASSERT_NE(0, access(DEBUGFS, F_OK));
			ASSERT_NE(NULL, strstr(log, c->log))
				TH_LOG("\"%s\": the log does not say \"%s\":\n%.1000s",
				       c->params, c->log, log);
			free(log);
			continue;
		}
		if (!err) {
			fd = fl_open();
			ASSERT_LE(0, fd);
			ASSERT_EQ(0, fl_info(fd, &info));
			close(fd);
			ASSERT_EQ(0, fl_mod_unload()) TH_LOG("%s", strerror(errno));
		}
	}
}

/* Try to change @path: every way must fail or change nothing. */
static void try_write(struct __test_metadata *_metadata, const char *path)
{
	static const char junk[] = "reset\n0\n-1\n\xff\xfe";
	int fd, flags[] = { O_WRONLY, O_RDWR, O_WRONLY | O_APPEND,
			    O_WRONLY | O_TRUNC };
	unsigned int i;
	ssize_t n;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		fd = open(path, flags[i] | O_CLOEXEC);
		if (fd < 0) {
			ASSERT_TRUE(errno == EACCES || errno == EPERM)
				TH_LOG("open(%s, %#x): %s", path, flags[i],
				       strerror(errno));
			continue;
		}
		n = write(fd, junk, sizeof(junk));
		ASSERT_EQ(-1, n) TH_LOG("write(%s) took %zd bytes", path, n);
		ASSERT_TRUE(errno == EINVAL || errno == EPERM ||
			    errno == EACCES || errno == EBADF || errno == EIO)
			TH_LOG("write(%s): %s", path, strerror(errno));
		close(fd);
	}
}

/*
 * Issue 8, hostile 5: the read-only doors.  Writes to the debugfs files
 * and the device fail; creating, removing or renaming in the debugfs
 * directory fails; read() and mmap() of the device fail cleanly; as uid
 * 65534 nothing opens for writing.  Afterwards everything reads as before
 * and no reset happened.
 */
TEST_F(hostile, read_only_files)
{
	static const char * const files[] = {
		DEBUGFS "/summary", DEBUGFS "/tasks", DEBUGFS "/histograms",
		DEBUGFS "/tlb", FAULTLAT_DEVICE,
	};
	struct faultlat_info i0, i1;
	unsigned int i;
	char buf[64];
	int fd, status;
	pid_t pid;
	void *p;

	fd = fl_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fl_info(fd, &i0));
	for (i = 0; i < ARRAY_SIZE(files); i++)
		try_write(_metadata, files[i]);

	ASSERT_NE(0, unlink(DEBUGFS "/summary"));
	ASSERT_NE(0, rename(DEBUGFS "/tasks", DEBUGFS "/tasks2"));
	ASSERT_GT(0, open(DEBUGFS "/new", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	ASSERT_NE(0, mkdir(DEBUGFS "/dir", 0755));
	ASSERT_NE(0, rmdir(DEBUGFS));
	/* the device: no read, no write, no mmap */
	ASSERT_EQ(-1, read(fd, buf, sizeof(buf)));
	ASSERT_EQ(EINVAL, errno);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(ENODEV, errno);

	/* uid 65534 opens nothing for writing */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (fl_drop_to(FL_NOBODY))
			_exit(10);
		for (i = 0; i < ARRAY_SIZE(files); i++) {
			int w = open(files[i], O_WRONLY | O_CLOEXEC);

			if (w >= 0 || (errno != EACCES && errno != EPERM))
				_exit(20 + i);
		}
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("uid %d: file %d opened for writing (or dropping failed)",
		       FL_NOBODY, WEXITSTATUS(status) - 20);

	ASSERT_EQ(0, fl_info(fd, &i1));
	ASSERT_EQ(i0.reset_count, i1.reset_count);
	close(fd);
	for (i = 0; i < ARRAY_SIZE(files) - 1; i++) {
		fd = open(files[i], O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd) TH_LOG("%s: %s", files[i], strerror(errno));
		ASSERT_LT(0, read(fd, buf, sizeof(buf)));
		close(fd);
	}
}

/*
 * Issue 8, hostile 5: the device and a debugfs file opened thousands of
 * times at once.  Every open and a call on each work; each holds a module
 * reference (so the module will not unload under them) and closing them
 * all gives every reference back.
 */
TEST_F_TIMEOUT(hostile, many_opens, 300)
{
	struct rlimit rl = { NR_OPENS + 64, NR_OPENS + 64 };
	struct faultlat_info info;
	int *fds, i, ref0, ref1;

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl)) TH_LOG("%s", strerror(errno));
	fds = calloc(NR_OPENS, sizeof(*fds));
	ASSERT_NE(NULL, fds);
	ref0 = read_refcnt();
	ASSERT_LE(0, ref0);
	for (i = 0; i < NR_OPENS; i++) {
		fds[i] = i % 4 ? fl_open() :
			 open(DEBUGFS "/summary", O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fds[i]) TH_LOG("open %d: %s", i, strerror(errno));
		if (i % 4)
			ASSERT_EQ(0, fl_info(fds[i], &info));
	}
	ref1 = read_refcnt();
	FL_INFO("%d descriptors open: module refcnt %d -> %d\n", NR_OPENS,
		ref0, ref1);
	ASSERT_EQ(ref0 + NR_OPENS, ref1);
	ASSERT_NE(0, syscall(SYS_delete_module, FL_MODNAME, O_NONBLOCK));
	ASSERT_TRUE(errno == EWOULDBLOCK || errno == EBUSY)
		TH_LOG("delete_module: %s", strerror(errno));
	ASSERT_TRUE(fl_mod_loaded());
	ASSERT_EQ(0, fl_info(fds[1], &info));
	for (i = 0; i < NR_OPENS; i++)
		ASSERT_EQ(0, close(fds[i]));
	free(fds);
	ASSERT_EQ(ref0, read_refcnt());
}

struct client_case {
	const char *dev;	/* FAULTLAT_DEVICE, or NULL */
	const char *args[6];
	int status;
};

static const struct client_case client_cases[] = {
	{ NULL, { "hist", "-p", "999999999" }, 1 },
	{ NULL, { "hist", "-t", "2147483647" }, 1 },
	{ NULL, { "hist", "--tlb", "-p", "999999999" }, 1 },
	{ NULL, { "hist", "-p", "4294967296" }, 2 },
	{ NULL, { "hist", "-p", "-1" }, 2 },
	{ NULL, { "hist", "-p", "0" }, 2 },
	{ NULL, { "hist", "-p", "12abc" }, 2 },
	{ NULL, { "hist", "-p", "" }, 2 },
	{ NULL, { "hist", "-i", "1e300" }, 2 },
	{ NULL, { "hist", "-i", "99999999999999999999" }, 2 },
	{ NULL, { "top", "-i", "-5" }, 2 },
	{ NULL, { "top", "-i", "1e308", "-n", "1" }, 2 },
	{ NULL, { "top", "-i", "0", "-n", "1" }, 2 },
	{ NULL, { "top", "-n", "18446744073709551617" }, 2 },
	{ NULL, { "trace", "-d", "1e30" }, 2 },
	{ NULL, { "trace", "-b", "99999999999999" }, 2 },
	{ NULL, { "trace", "--min-latency", "-1ns" }, 2 },
	{ NULL, { "status", "--no-such-option" }, 2 },
	{ NULL, { "no-such-command" }, 2 },
	{ NULL, { "run", "--", "/no/such/program" }, 127 },
	{ "/nonexistent/faultlat", { "status" }, 1 },
	{ "/dev/null", { "status" }, 1 },
	{ "/dev/zero", { "tasks" }, 1 },
	{ "/", { "status" }, 1 },
};

/*
 * Issue 8, hostile 5: the client given garbage (unknown PIDs, huge,
 * negative or malformed intervals and counts, a device that is not ours or
 * missing) and with the module unloaded: it exits 1 (runtime error) or 2
 * (usage), never killed by a signal nor hung, and says why on stderr.
 */
TEST_F_TIMEOUT(hostile, client_garbage, 300)
{
	const char *path = getenv("FAULTLAT_CLIENT");
	char *argv[8], err[4096], env[128];
	unsigned int i, j;
	int st;

	if (!path || !*path)
		SKIP(return, "FAULTLAT_CLIENT (the faultlat client) is not set");
	for (i = 0; i <= ARRAY_SIZE(client_cases); i++) {
		const struct client_case *c = &client_cases[i];
		bool unloaded = i == ARRAY_SIZE(client_cases);
		static const struct client_case no_module = {
			NULL, { "status" }, 1
		};

		if (unloaded) {
			/* the last case: no module at all */
			c = &no_module;
			ASSERT_EQ(0, fl_mod_unload()) TH_LOG("%s", strerror(errno));
		}
		argv[0] = (char *)path;
		for (j = 0; j < 6 && c->args[j]; j++)
			argv[j + 1] = (char *)c->args[j];
		argv[j + 1] = NULL;
		if (c->dev)
			snprintf(env, sizeof(env), "FAULTLAT_DEVICE=%s", c->dev);
		st = fl_run_capture(argv, c->dev ? env : NULL, false, 20, err,
				    sizeof(err));
		FL_INFO("%s%s %s %s %s: exit %d: %.100s\n",
			c->dev ? "FAULTLAT_DEVICE=" : "", c->dev ? c->dev : "",
			c->args[0], c->args[1] ? c->args[1] : "",
			c->args[1] && c->args[2] ? c->args[2] : "", st,
			strtok(err, "\n") ? err : "(nothing on stderr)");
		ASSERT_EQ(c->status, st) TH_LOG("case %u%s", i,
						unloaded ? " (module unloaded)" : "");
		ASSERT_NE('\0', err[0]) TH_LOG("case %u: nothing on stderr", i);
		if (unloaded)
			ASSERT_EQ(0, fl_mod_load(self->kofd, ""));
	}
}

TEST_HARNESS_MAIN
