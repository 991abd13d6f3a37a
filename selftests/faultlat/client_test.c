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
#define OUT_MAX		(1 << 20)

FIXTURE(client) {
	const char *client;
	char workload[PATH_MAX];
	char report[64], out[64], err[64];
	char *stdout_buf, *stderr_buf;
	int status;
};

FIXTURE_SETUP(client)
{
	char self_exe[PATH_MAX];
	ssize_t n;
	int fd;

	self->client = getenv("FAULTLAT_CLIENT");
	if (!self->client || !*self->client)
		SKIP(longjmp(_metadata->env, 1),
		     "FAULTLAT_CLIENT (the faultlat client) is not set");
	ASSERT_EQ(0, access(self->client, X_OK))
		TH_LOG("%s: %s", self->client, strerror(errno));
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
	snprintf(self->workload, sizeof(self->workload),
		 "%s/faultlat_workload", dirname(self_exe));
	ASSERT_EQ(0, access(self->workload, X_OK))
		TH_LOG("%s: %s", self->workload, strerror(errno));

	strcpy(self->report, "/tmp/faultlat-report.XXXXXX");
	strcpy(self->out, "/tmp/faultlat-stdout.XXXXXX");
	strcpy(self->err, "/tmp/faultlat-stderr.XXXXXX");
	fd = mkstemp(self->report);
	ASSERT_LE(0, fd);
	close(fd);
	fd = mkstemp(self->out);
	ASSERT_LE(0, fd);
	close(fd);
	fd = mkstemp(self->err);
	ASSERT_LE(0, fd);
	close(fd);
	self->stdout_buf = calloc(1, OUT_MAX);
	self->stderr_buf = calloc(1, OUT_MAX);
	ASSERT_NE(NULL, self->stdout_buf);
	ASSERT_NE(NULL, self->stderr_buf);
}

FIXTURE_TEARDOWN(client)
{
	unlink(self->report);
	unlink(self->out);
	unlink(self->err);
	free(self->stdout_buf);
	free(self->stderr_buf);
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

/* Run argv with stdout and stderr in files; the exit code, -1 on error. */
static int run(FIXTURE_DATA(client) *self, char *const argv[])
{
	int status, fd;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fd = open(self->out, O_WRONLY | O_TRUNC);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(120);
		fd = open(self->err, O_WRONLY | O_TRUNC);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(120);
		execv(argv[0], argv);
		_exit(121);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (slurp(self->out, self->stdout_buf, OUT_MAX) ||
	    slurp(self->err, self->stderr_buf, OUT_MAX))
		return -1;
	self->status = status;
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

/* Text report: to stderr, histogram rows "lo -> hi : count |***|", p99. */
TEST_F(client, text_report)
{
	char *argv[] = { (char *)self->client, "run", "--", self->workload,
			 WORK_PAGES, "0", self->report, NULL };
	unsigned long long minflt, majflt, minor, major;
	struct fl_ru rep;
	const char *p;

	ASSERT_EQ(0, run(self, argv))
		TH_LOG("stderr: %s", self->stderr_buf);
	ASSERT_TRUE(line_with(self->stderr_buf, " -> ", "|"))
		TH_LOG("no histogram row in:\n%s", self->stderr_buf);
	ASSERT_TRUE(line_with(self->stderr_buf, "p99", NULL))
		TH_LOG("no p99 in:\n%s", self->stderr_buf);
	ASSERT_EQ(0, read_report(self->report, &rep));

	/* "getrusage: minflt N majflt N (faultlat: minor N major N)" */
	p = strstr(self->stderr_buf, "getrusage:");
	ASSERT_NE(NULL, p) TH_LOG("no getrusage line in:\n%s",
				  self->stderr_buf);
	ASSERT_EQ(4, sscanf(p, "getrusage: minflt %llu majflt %llu (faultlat: minor %llu major %llu)",
			    &minflt, &majflt, &minor, &major));
	ASSERT_EQ(rep.minflt, minflt);
	ASSERT_EQ(minflt, minor);
	ASSERT_EQ(majflt, major);
}

static void check_json(struct __test_metadata *_metadata,
		       FIXTURE_DATA(client) *self, int want_status)
{
	__u64 minor, major, minflt, majflt, status, p99, max;
	struct json_object *o;
	struct fl_ru rep;

	o = json_tokener_parse(self->stdout_buf);
	ASSERT_NE(NULL, o) TH_LOG("not JSON:\n%s", self->stdout_buf);
	ASSERT_TRUE(json_u64(o, "stats.minor.count", &minor));
	ASSERT_TRUE(json_u64(o, "stats.major.count", &major));
	ASSERT_TRUE(json_u64(o, "getrusage.minflt", &minflt));
	ASSERT_TRUE(json_u64(o, "getrusage.majflt", &majflt));
	ASSERT_TRUE(json_u64(o, "exit_status", &status));
	ASSERT_EQ((__u64)want_status, status);

	/* the client's own two numbers agree */
	ASSERT_EQ(minflt, minor) TH_LOG("JSON getrusage.minflt vs stats.minor.count");
	ASSERT_EQ(majflt, major) TH_LOG("JSON getrusage.majflt vs stats.major.count");
	/* and so does what the workload saw of itself */
	ASSERT_EQ(0, read_report(self->report, &rep));
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
	char *argv[] = { (char *)self->client, "run", "-j", "--",
			 self->workload, WORK_PAGES, "0", self->report, NULL };

	ASSERT_EQ(0, run(self, argv)) TH_LOG("stderr: %s", self->stderr_buf);
	check_json(_metadata, self, 0);
}

/* The global form of the option, and an exit status passed on. */
TEST_F(client, json_global_option_exit_status)
{
	char *argv[] = { (char *)self->client, "-j", "run", "--",
			 self->workload, WORK_PAGES, "7", self->report, NULL };

	ASSERT_EQ(7, run(self, argv)) TH_LOG("stderr: %s", self->stderr_buf);
	check_json(_metadata, self, 7);
}

TEST_F(client, killed_by_signal)
{
	char *argv[] = { (char *)self->client, "run", "--", "/bin/sh", "-c",
			 "kill -9 $$", NULL };

	ASSERT_EQ(128 + 9, run(self, argv))
		TH_LOG("stderr: %s", self->stderr_buf);
}

TEST_F(client, missing_command)
{
	char *abs[] = { (char *)self->client, "run", "--",
			"/nonexistent/faultlat-no-such-command", NULL };
	char *path[] = { (char *)self->client, "run", "--",
			 "faultlat-no-such-command", NULL };

	ASSERT_EQ(127, run(self, abs)) TH_LOG("stderr: %s", self->stderr_buf);
	ASSERT_EQ(127, run(self, path)) TH_LOG("stderr: %s", self->stderr_buf);
}

TEST_HARNESS_MAIN
