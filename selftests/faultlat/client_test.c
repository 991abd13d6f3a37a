// SPDX-License-Identifier: GPL-2.0
/*
 * The faultlat client's `run` command ($FAULTLAT_CLIENT): its text and
 * JSON reports against the kernel's counts (the client's wait4() rusage,
 * and what the workload read of itself with getrusage()), its exit status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <json-c/json.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"

#define WORK_PAGES	"3000"
#define OUT_MAX		(1024 * 1024)
#define MAX_ARGS	16

struct client_ctx {
	const char *client;
	char workload[PATH_MAX];
	char report[64], out[64], err[64];
	char *stdout_buf, *stderr_buf;
};

FIXTURE(client) {
	struct client_ctx c;
};

FIXTURE_SETUP(client)
{
	char self_exe[PATH_MAX];
	ssize_t n;
	int fd;

	self->c.client = getenv("FAULTLAT_CLIENT");
	if (!self->c.client || !*self->c.client)
		SKIP(longjmp(_metadata->env, 1),
		     "FAULTLAT_CLIENT (the faultlat client) is not set");
	ASSERT_EQ(0, access(self->c.client, X_OK))
		TH_LOG("%s: %s", self->c.client, strerror(errno));
	fd = fl_open();
	if (fd < 0)
		SKIP(longjmp(_metadata->env, 1),
		     "%s: %s (is faultlat loaded?)", FAULTLAT_DEVICE,
		     strerror(errno));
	close(fd);

	/* faultlat_workload lives next to this program */
	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	ASSERT_LT(0, n);
	self_exe[n] = '\0';
	snprintf(self->c.workload, sizeof(self->c.workload),
		 "%s/faultlat_workload", dirname(self_exe));
	ASSERT_EQ(0, access(self->c.workload, X_OK))
		TH_LOG("%s: %s", self->c.workload, strerror(errno));

	strcpy(self->c.report, "/tmp/faultlat-report.XXXXXX");
	strcpy(self->c.out, "/tmp/faultlat-stdout.XXXXXX");
	strcpy(self->c.err, "/tmp/faultlat-stderr.XXXXXX");
	fd = mkstemp(self->c.report);
	ASSERT_LE(0, fd);
	close(fd);
	fd = mkstemp(self->c.out);
	ASSERT_LE(0, fd);
	close(fd);
	fd = mkstemp(self->c.err);
	ASSERT_LE(0, fd);
	close(fd);
	self->c.stdout_buf = calloc(1, OUT_MAX);
	self->c.stderr_buf = calloc(1, OUT_MAX);
	ASSERT_NE(NULL, self->c.stdout_buf);
	ASSERT_NE(NULL, self->c.stderr_buf);
}

FIXTURE_TEARDOWN(client)
{
	unlink(self->c.report);
	unlink(self->c.out);
	unlink(self->c.err);
	free(self->c.stdout_buf);
	free(self->c.stderr_buf);
}

static int slurp(const char *path, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	close(fd);
	return 0;
}

/*
 * Run the NULL-terminated arguments, stdout and stderr in files, then read
 * them; the exit code (256 + N for signal N), -1 on error.
 */
static int run(struct client_ctx *c, ...)
{
	char *argv[MAX_ARGS + 1];
	int status, fd, n = 0;
	va_list ap;
	pid_t pid;

	va_start(ap, c);
	while (n < MAX_ARGS && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fd = open(c->out, O_WRONLY | O_TRUNC);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(120);
		fd = open(c->err, O_WRONLY | O_TRUNC);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(120);
		execv(argv[0], argv);
		_exit(121);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (slurp(c->out, c->stdout_buf, OUT_MAX) ||
	    slurp(c->err, c->stderr_buf, OUT_MAX))
		return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 256 + WTERMSIG(status);
}

/* The workload's own "minflt N majflt N" */
static int read_report(const char *path, struct fl_ru *ru)
{
	unsigned long long minflt, majflt;
	char buf[128];

	if (slurp(path, buf, sizeof(buf)))
		return -1;
	if (sscanf(buf, "minflt %llu majflt %llu", &minflt, &majflt) != 2)
		return -1;
	ru->minflt = minflt;
	ru->majflt = majflt;
	return 0;
}

static bool json_u64(struct json_object *o, const char *path, __u64 *v)
{
	char buf[128], *save = NULL, *key;

	snprintf(buf, sizeof(buf), "%s", path);
	for (key = strtok_r(buf, ".", &save); key;
	     key = strtok_r(NULL, ".", &save)) {
		if (!json_object_object_get_ex(o, key, &o))
			return false;
	}
	if (!json_object_is_type(o, json_type_int))
		return false;
	*v = json_object_get_uint64(o);
	return true;
}

/* Does some line hold every one of the needles? */
static bool line_with(const char *text, const char *a, const char *b)
{
	const char *line = text, *end;
	char buf[512];
	size_t len;

	while (*line) {
		end = strchr(line, '\n');
		len = end ? (size_t)(end - line) : strlen(line);
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (strstr(buf, a) && (!b || strstr(buf, b)))
			return true;
		if (!end)
			break;
		line = end + 1;
	}
	return false;
}

/*
 * `faultlat [-j] run [-j] -- faultlat_workload PAGES STATUS REPORT`, the
 * client's stdout and stderr kept; its exit code.
 */
static int run_workload(struct client_ctx *c, const char *opt_before,
			const char *opt_after, const char *status)
{
	char *client = (char *)c->client;

	if (opt_before)
		return run(c, client, opt_before, "run", "--", c->workload,
			   WORK_PAGES, status, c->report, NULL);
	if (opt_after)
		return run(c, client, "run", opt_after, "--", c->workload,
			   WORK_PAGES, status, c->report, NULL);
	return run(c, client, "run", "--", c->workload, WORK_PAGES, status,
		   c->report, NULL);
}

/* Text report: to stderr, histogram rows "lo -> hi : count |***|", p99. */
TEST_F(client, text_report)
{
	unsigned long long minflt, majflt, minor, major;
	struct client_ctx *c = &self->c;
	struct fl_ru rep;
	const char *p;
	int n;

	ASSERT_EQ(0, run_workload(c, NULL, NULL, "0"))
		TH_LOG("stderr: %s", c->stderr_buf);
	ASSERT_TRUE(line_with(c->stderr_buf, " -> ", "|"))
		TH_LOG("no histogram row in:\n%s", c->stderr_buf);
	ASSERT_TRUE(line_with(c->stderr_buf, "p99", NULL))
		TH_LOG("no p99 in:\n%s", c->stderr_buf);
	ASSERT_EQ(0, read_report(c->report, &rep));

	/* "getrusage: minflt N majflt N (faultlat: minor N major N)" */
	p = strstr(c->stderr_buf, "getrusage:");
	ASSERT_NE(NULL, p)
		TH_LOG("no getrusage line in:\n%s", c->stderr_buf);
	n = sscanf(p, "getrusage: minflt %llu majflt %llu (faultlat: minor %llu major %llu)",
		   &minflt, &majflt, &minor, &major);
	ASSERT_EQ(4, n) TH_LOG("%.200s", p);
	ASSERT_EQ(rep.minflt, minflt);
	ASSERT_EQ(minflt, minor);
	ASSERT_EQ(majflt, major);
}

static void check_json(struct __test_metadata *_metadata,
		       struct client_ctx *c, int want_status)
{
	__u64 minor, major, minflt, majflt, status, p99, max;
	struct json_object *o;
	struct fl_ru rep;

	o = json_tokener_parse(c->stdout_buf);
	ASSERT_NE(NULL, o) TH_LOG("not JSON:\n%s", c->stdout_buf);
	ASSERT_TRUE(json_u64(o, "stats.minor.count", &minor));
	ASSERT_TRUE(json_u64(o, "stats.major.count", &major));
	ASSERT_TRUE(json_u64(o, "getrusage.minflt", &minflt));
	ASSERT_TRUE(json_u64(o, "getrusage.majflt", &majflt));
	ASSERT_TRUE(json_u64(o, "exit_status", &status));
	ASSERT_EQ((__u64)want_status, status);

	/* the client's own two numbers agree */
	ASSERT_EQ(minflt, minor)
		TH_LOG("JSON getrusage.minflt vs stats.minor.count");
	ASSERT_EQ(majflt, major)
		TH_LOG("JSON getrusage.majflt vs stats.major.count");
	/* and so does what the workload saw of itself */
	ASSERT_EQ(0, read_report(c->report, &rep));
	ASSERT_EQ(rep.minflt, minor) TH_LOG("workload's getrusage vs JSON");
	ASSERT_EQ(rep.majflt, major) TH_LOG("workload's getrusage vs JSON");
	ASSERT_LE(strtoull(WORK_PAGES, NULL, 10), minor);

	ASSERT_TRUE(json_u64(o, "stats.minor.p99_ns", &p99));
	ASSERT_TRUE(json_u64(o, "stats.minor.max_ns", &max));
	ASSERT_LT(0, p99);
	ASSERT_LE(p99, max);
	json_object_put(o);
}

TEST_F(client, json_report)
{
	ASSERT_EQ(0, run_workload(&self->c, NULL, "-j", "0"))
		TH_LOG("stderr: %s", self->c.stderr_buf);
	check_json(_metadata, &self->c, 0);
}

/* The global form of the option, and an exit status passed on. */
TEST_F(client, json_global_option_exit_status)
{
	ASSERT_EQ(7, run_workload(&self->c, "-j", NULL, "7"))
		TH_LOG("stderr: %s", self->c.stderr_buf);
	check_json(_metadata, &self->c, 7);
}

TEST_F(client, killed_by_signal)
{
	struct client_ctx *c = &self->c;

	ASSERT_EQ(128 + 9, run(c, c->client, "run", "--", "/bin/sh", "-c",
			       "kill -9 $$", NULL))
		TH_LOG("stderr: %s", c->stderr_buf);
}

TEST_F(client, missing_command)
{
	struct client_ctx *c = &self->c;

	ASSERT_EQ(127, run(c, c->client, "run", "--",
			   "/nonexistent/faultlat-no-such-command", NULL))
		TH_LOG("stderr: %s", c->stderr_buf);
	ASSERT_EQ(127, run(c, c->client, "run", "--",
			   "faultlat-no-such-command", NULL))
		TH_LOG("stderr: %s", c->stderr_buf);
}

TEST_HARNESS_MAIN
