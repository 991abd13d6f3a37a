/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running other programs from the tests that drive whole tools (the
 * selftests' direct_test; the client's export_guest_test and
 * heatmap_guest_test, in userspace/tests/): the client, curl, promtool,
 * rsvg-convert, daemons in the background.  Header-only: each test
 * program includes it once.
 */
#ifndef FAULTLAT_SPAWN_H
#define FAULTLAT_SPAWN_H

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

/* Milliseconds of CLOCK_MONOTONIC. */
static inline long long fl_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

#define FL_MAX_ARGS	16

/*
 * Start the program @arg0 (a path, or a name looked up in $PATH) with the
 * NULL-terminated arguments after it (at most FL_MAX_ARGS in all), stdin
 * from /dev/null, stdout to @out and stderr to @err (files, truncated;
 * NULL: /dev/null).  Returns the pid, or -1.
 */
static inline pid_t fl_spawnv(const char *out, const char *err,
			      const char *arg0, va_list ap)
{
	char *argv[FL_MAX_ARGS + 1];
	unsigned int n = 0;
	pid_t pid;
	int fd;

	argv[n++] = (char *)arg0;
	while (n < FL_MAX_ARGS && (argv[n] = va_arg(ap, char *)))
		n++;
	argv[n] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid)
		return pid;
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0 || dup2(fd, 0) < 0)
		_exit(120);
	fd = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(fd, 1) < 0)
		_exit(120);
	fd = open(err ? err : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(fd, 2) < 0)
		_exit(120);
	execvp(argv[0], argv);
	_exit(127);
}

static inline pid_t fl_spawnl(const char *out, const char *err,
			      const char *arg0, ...)
{
	va_list ap;
	pid_t pid;

	va_start(ap, arg0);
	pid = fl_spawnv(out, err, arg0, ap);
	va_end(ap);
	return pid;
}

/* Exit code of a wait status: the code, or 256 + N after signal N. */
static inline int fl_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 256 + WTERMSIG(status);
}

/*
 * Wait for @pid up to @timeout_ms, then SIGTERM it, then SIGKILL it
 * 5 s later.  Returns its exit code (fl_status()), or -1.
 */
static inline int fl_wait(pid_t pid, long long timeout_ms)
{
	long long end = fl_ms() + timeout_ms;
	int status, sig = SIGTERM;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return fl_status(status);
		if (r < 0)
			return -1;
		if (fl_ms() >= end) {
			kill(pid, sig);
			end = fl_ms() + 5000;
			sig = SIGKILL;
		}
		usleep(20000);
	}
}

/* SIGTERM @pid and reap it (SIGKILL after 5 s); its exit code. */
static inline int fl_stop(pid_t pid)
{
	if (pid <= 0)
		return -1;
	kill(pid, SIGTERM);
	return fl_wait(pid, 5000);
}

/*
 * Run @arg0 and the NULL-terminated arguments after it to the end (at most
 * @timeout_ms), stdout into @out (@len bytes, NUL-terminated; NULL to
 * discard) and stderr to @err (a file, or NULL).  Returns the exit code,
 * or -1.
 */
static inline int fl_runv(char *out, size_t len, const char *err,
			  long long timeout_ms, const char *arg0, va_list ap)
{
	char path[] = "/tmp/faultlat-out.XXXXXX";
	int fd = mkstemp(path), rc;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (fd < 0)
		return -1;
	pid = fl_spawnv(path, err, arg0, ap);
	rc = pid < 0 ? -1 : fl_wait(pid, timeout_ms);
	while (out && got + 1 < len &&
	       (n = read(fd, out + got, len - 1 - got)) > 0)
		got += n;
	if (out)
		out[got] = '\0';
	close(fd);
	unlink(path);
	return rc;
}

static inline int fl_runl(char *out, size_t len, const char *err,
			  long long timeout_ms, const char *arg0, ...)
{
	va_list ap;
	int rc;

	va_start(ap, arg0);
	rc = fl_runv(out, len, err, timeout_ms, arg0, ap);
	va_end(ap);
	return rc;
}

/* A shell command line's exit code (fl_runl() of sh -c). */
static inline int fl_sh(const char *cmd, char *out, size_t len,
			long long timeout_ms)
{
	return fl_runl(out, len, NULL, timeout_ms, "sh", "-c", cmd, NULL);
}

/* @name is an executable in $PATH (or a path to one). */
static inline int fl_have(const char *name)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v '%s' >/dev/null", name);
	return !fl_sh(cmd, NULL, 0, 10000);
}

/* The directory of this program, into @buf (PATH_MAX bytes). */
static inline int fl_self_dir(char *buf)
{
	ssize_t n = readlink("/proc/self/exe", buf, PATH_MAX - 1);
	char *d;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	d = dirname(buf);
	memmove(buf, d, strlen(d) + 1);
	return 0;
}

/* @pid has @path open (one of its /proc/PID/fd links points to it). */
static inline int fl_has_open(pid_t pid, const char *path)
{
	char link[64], target[PATH_MAX];
	ssize_t n;
	int fd;

	for (fd = 0; fd < 64; fd++) {
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", pid, fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, path))
			return 1;
	}
	return 0;
}

#endif /* FAULTLAT_SPAWN_H */
