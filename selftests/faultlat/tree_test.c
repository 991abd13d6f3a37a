// SPDX-License-Identifier: GPL-2.0
/*
 * Process trees: `faultlat run` (and FAULTLAT_IOC_TREE directly) against
 * the kernel's own accounting.  The tree's minor and major counts must
 * equal getrusage(RUSAGE_CHILDREN) of the process that reaped the root
 * (the kernel adds, at each reap, the child's own counts and those of the
 * children it reaped), and each process's line what that process read of
 * itself with getrusage(RUSAGE_SELF) at its end (faultlat_workload's
 * report, or a pipe).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <json-c/json.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"
#include "faultlat_spawn.h"

#define REPORTS_MAX	8
#define TIMEOUT_MS	(600 * 1000)

/* what check_run() needs of the fixture */
struct tree_paths {
	const char *client;
	char workload[PATH_MAX + 32];
	char dir[64];
	char json[96];
};

FIXTURE(tree) {
	struct tree_paths p;
};

FIXTURE_SETUP(tree)
{
	char self_dir[PATH_MAX];
	int fd;

	fd = fl_open();
	if (fd < 0)
		SKIP(return, "%s: %s (is faultlat loaded?)", FAULTLAT_DEVICE,
		     strerror(errno));
	close(fd);
	self->p.client = getenv("FAULTLAT_CLIENT");
	ASSERT_EQ(0, fl_self_dir(self_dir));
	snprintf(self->p.workload, sizeof(self->p.workload),
		 "%s/faultlat_workload", self_dir);
	ASSERT_EQ(0, access(self->p.workload, X_OK));
	strcpy(self->p.dir, "/tmp/faultlat-tree.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->p.dir));
	snprintf(self->p.json, sizeof(self->p.json), "%s/report.json", self->p.dir);
}

FIXTURE_TEARDOWN(tree)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->p.dir);
	fl_system(cmd);
}

/* faultlat_workload's report: "minflt N majflt N pid N" */
struct report {
	__u64 minflt, majflt;
	int pid;
};

static int read_report(const char *path, struct report *r)
{
	unsigned long long minflt, majflt;
	char buf[128];
	int fd, pid;
	ssize_t n;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "minflt %llu majflt %llu pid %d", &minflt, &majflt,
		   &pid) != 3)
		return -1;
	r->minflt = minflt;
	r->majflt = majflt;
	r->pid = pid;
	return 0;
}

static bool json_u64(struct json_object *o, const char *path, __u64 *v)
{
	char buf[128], *save = NULL, *key;

	snprintf(buf, sizeof(buf), "%s", path);
	for (key = strtok_r(buf, ".", &save); key;
	     key = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, key, &o))
			return false;
	if (!json_object_is_type(o, json_type_int))
		return false;
	*v = json_object_get_uint64(o);
	return true;
}

/* processes.top's line of @pid, or NULL */
static struct json_object *json_proc(struct json_object *o, int pid)
{
	struct json_object *top, *p;
	size_t i;
	__u64 v;

	if (!json_object_object_get_ex(o, "processes", &o) ||
	    !json_object_object_get_ex(o, "top", &top))
		return NULL;
	for (i = 0; i < json_object_array_length(top); i++) {
		p = json_object_array_get_idx(top, i);
		if (json_u64(p, "pid", &v) && v == (__u64)pid)
			return p;
	}
	return NULL;
}

/* The latency of the faults of a report: minor and major sum_ns. */
static __u64 tree_total_ns(struct json_object *o)
{
	__u64 a = 0, b = 0;

	json_u64(o, "stats.minor.sum_ns", &a);
	json_u64(o, "stats.major.sum_ns", &b);
	return a + b;
}

/*
 * `faultlat run -j -n 1000 -o DIR/report.json -- sh -c CMD`, then its
 * report: the tree's counts equal the client's RUSAGE_CHILDREN, and the
 * line of each of the @nreports workloads (DIR/r1 ...) what it read of
 * itself.  Returns the followed processes.
 */
static __u64 check_run(struct __test_metadata *_metadata,
		       const struct tree_paths *self, const char *name,
		       const char *cmd, unsigned int nreports)
{
	__u64 minor, major, minflt, majflt, followed, live, dropped, v;
	struct json_object *o, *p;
	char path[128];
	struct report rep;
	unsigned int i;
	int rc;

	rc = fl_runl(NULL, 0, NULL, TIMEOUT_MS, self->client, "run", "-j",
		     "-n", "1000", "-o", self->json, "--", "sh", "-c", cmd,
		     NULL);
	ASSERT_EQ(0, rc) TH_LOG("faultlat run -- sh -c '%s'", cmd);
	o = json_object_from_file(self->json);
	ASSERT_NE(NULL, o) TH_LOG("no JSON in %s", self->json);
	ASSERT_TRUE(json_u64(o, "stats.minor.count", &minor));
	ASSERT_TRUE(json_u64(o, "stats.major.count", &major));
	ASSERT_TRUE(json_u64(o, "getrusage.minflt", &minflt));
	ASSERT_TRUE(json_u64(o, "getrusage.majflt", &majflt));
	ASSERT_TRUE(json_u64(o, "processes.followed", &followed))
		TH_LOG("no processes in the report: tree not followed");
	ASSERT_TRUE(json_u64(o, "processes.live", &live));
	ASSERT_TRUE(json_u64(o, "processes.dropped", &dropped));
	ASSERT_EQ(0, live);
	ASSERT_EQ(0, dropped);
	FL_INFO("%s: %llu processes, minor %llu major %llu, getrusage %llu %llu\n",
		name, followed, minor, major, minflt, majflt);
	ASSERT_EQ(minflt, minor) TH_LOG("RUSAGE_CHILDREN vs the tree's minor");
	ASSERT_EQ(majflt, major) TH_LOG("RUSAGE_CHILDREN vs the tree's major");
	/* with module parameters paths and causes on (test paths_causes) */
	if (json_u64(o, "paths.faults", &v)) {
		FL_INFO("%s: %llu faults told by path\n", name, v);
		ASSERT_EQ(minflt + majflt, v)
			TH_LOG("RUSAGE_CHILDREN vs the tree's faults by path");
	}
	if (json_u64(o, "causes.faults", &v)) {
		FL_INFO("%s: %llu faults timed by cause\n", name, v);
		ASSERT_EQ(minflt + majflt, v)
			TH_LOG("RUSAGE_CHILDREN vs the tree's faults by cause");
		ASSERT_TRUE(json_u64(o, "causes.latency_ns", &v));
		ASSERT_EQ(tree_total_ns(o), v)
			TH_LOG("the tree's faults' latency vs by cause");
	}

	for (i = 1; i <= nreports; i++) {
		snprintf(path, sizeof(path), "%s/r%u", self->dir, i);
		ASSERT_EQ(0, read_report(path, &rep)) TH_LOG("%s", path);
		p = json_proc(o, rep.pid);
		ASSERT_NE(NULL, p) TH_LOG("no line of pid %d", rep.pid);
		ASSERT_TRUE(json_u64(p, "minor", &v));
		ASSERT_EQ(rep.minflt, v) TH_LOG("pid %d: RUSAGE_SELF vs its line",
						rep.pid);
		ASSERT_TRUE(json_u64(p, "major", &v));
		ASSERT_EQ(rep.majflt, v);
		ASSERT_TRUE(json_u64(p, "total_ns", &v));
		ASSERT_LT(0, v);
		ASSERT_TRUE(json_u64(p, "p99_ns", &v));
		ASSERT_LT(0, v);
	}
	json_object_put(o);
	return followed;
}

/* A pipeline and a list: every process of sh's is in the tree. */
TEST_F_TIMEOUT(tree, sh_pipeline, 600)
{
	static char cmd[16384];
	const char *w = self->p.workload, *d = self->p.dir;

	if (!self->p.client)
		SKIP(return, "FAULTLAT_CLIENT is not set");
	snprintf(cmd, sizeof(cmd),
		 "%s 300 0 %s/r1 | %s 500 0 %s/r2; %s 700 0 %s/r3 | cat; "
		 "echo x | tr x y | sort | uniq -c >/dev/null",
		 w, d, w, d, w, d);
	ASSERT_LE(8, check_run(_metadata, &self->p, "sh pipeline", cmd, 3));
}

#define PARAMS	"/sys/module/faultlat/parameters/"

/*
 * The pipeline with module parameters paths and causes on: the tree's
 * faults by path, and those timed by cause, are RUSAGE_CHILDREN's
 * (module 0.7: the tree's sums have them), their latency the tree's.
 */
TEST_F_TIMEOUT(tree, paths_causes, 600)
{
	static char cmd[16384];
	const char *w = self->p.workload, *d = self->p.dir;
	char old_paths, old_causes;
	struct json_object *o;
	__u64 v;

	if (!self->p.client)
		SKIP(return, "FAULTLAT_CLIENT is not set");
	if (access(PARAMS "paths", F_OK) || access(PARAMS "causes", F_OK))
		SKIP(return, "the module has no paths or causes parameter");
	ASSERT_EQ(0, fl_mod_param_swap("paths", &old_paths, '1'));
	ASSERT_EQ(0, fl_mod_param_swap("causes", &old_causes, '1'));
	snprintf(cmd, sizeof(cmd), "%s 300 0 %s/r1 | %s 500 0 %s/r2; true",
		 w, d, w, d);
	check_run(_metadata, &self->p, "paths and causes", cmd, 2);
	/* which checked them: they are in its report */
	o = json_object_from_file(self->p.json);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(json_u64(o, "paths.faults", &v)) TH_LOG("no paths");
	EXPECT_TRUE(json_u64(o, "causes.faults", &v)) TH_LOG("no causes");
	json_object_put(o);
	fl_mod_param_swap("paths", NULL, old_paths);
	fl_mod_param_swap("causes", NULL, old_causes);
}

/* A child's children exit, and are reaped, before it does. */
TEST_F_TIMEOUT(tree, grandchildren_exit_first, 600)
{
	static char cmd[16384];
	const char *w = self->p.workload, *d = self->p.dir;

	if (!self->p.client)
		SKIP(return, "FAULTLAT_CLIENT is not set");
	snprintf(cmd, sizeof(cmd),
		 "sh -c '%s 200 0 %s/r1 & %s 400 0 %s/r2 & wait'; "
		 "(%s 600 0 %s/r3; true); sleep 0.1", w, d, w, d, w, d);
	ASSERT_LE(5, check_run(_metadata, &self->p, "grandchildren", cmd, 3));
}

/* make -j2 builds a small C project: make, sh, gcc, cc1, as, collect2, ld. */
TEST_F_TIMEOUT(tree, make_j2, 600)
{
	char path[128], cmd[256];
	unsigned int i;
	FILE *f;

	if (!self->p.client)
		SKIP(return, "FAULTLAT_CLIENT is not set");
	if (!fl_have("make") || !fl_have("gcc"))
		SKIP(return, "no make or gcc");
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/f%u.c", self->p.dir, i);
		f = fopen(path, "w");
		ASSERT_NE(NULL, f);
		fprintf(f, "int f%u(int x);\nint f%u(int x) { return x * %u; }\n",
			i, i, i + 2);
		if (!i)
			fprintf(f, "int main(void) { return f0(0); }\n");
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/Makefile", self->p.dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "prog: f0.o f1.o f2.o f3.o\n\t$(CC) -o $@ $^\n"
		   "%%.o: %%.c\n\t$(CC) -O1 -c -o $@ $<\n");
	fclose(f);
	snprintf(cmd, sizeof(cmd), "make -s -j2 -C %s CC=gcc && %s/prog",
		 self->p.dir, self->p.dir);
	ASSERT_LE(10, check_run(_metadata, &self->p, "make -j2", cmd, 0));
}

/* python3's multiprocessing: a pool of forked workers, joined. */
TEST_F_TIMEOUT(tree, python_multiprocessing, 600)
{
	static const char prog[] =
		"import multiprocessing as mp\n"
		"ctx = mp.get_context('fork')\n"
		"with ctx.Pool(2) as p:\n"
		"    s = sum(p.map(len, [bytearray(1 << 20)] * 8))\n"
		"    p.close()\n"
		"    p.join()\n"
		"assert s == 8 << 20\n";
	char path[128], cmd[256];
	FILE *f;

	if (!self->p.client)
		SKIP(return, "FAULTLAT_CLIENT is not set");
	if (!fl_have("python3"))
		SKIP(return, "no python3");
	snprintf(path, sizeof(path), "%s/pool.py", self->p.dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs(prog, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "python3 %s", path);
	ASSERT_LE(3, check_run(_metadata, &self->p, "python3 Pool(2)", cmd, 0));
}

/* --no-inherit: the command's own process, as before. */
TEST_F_TIMEOUT(tree, no_inherit, 600)
{
	static char cmd[16384];
	char path[128];
	struct json_object *o, *v;
	struct report rep;
	__u64 minor;
	int rc;

	if (!self->p.client)
		SKIP(return, "FAULTLAT_CLIENT is not set");
	snprintf(path, sizeof(path), "%s/r1", self->p.dir);
	rc = fl_runl(NULL, 0, NULL, TIMEOUT_MS, self->p.client, "run", "-j",
		     "--no-inherit", "-o", self->p.json, "--", self->p.workload,
		     "300", "0", path, NULL);
	ASSERT_EQ(0, rc);
	o = json_object_from_file(self->p.json);
	ASSERT_NE(NULL, o);
	ASSERT_TRUE(json_object_object_get_ex(o, "processes", &v));
	ASSERT_EQ(NULL, v);
	ASSERT_TRUE(json_u64(o, "stats.minor.count", &minor));
	ASSERT_EQ(0, read_report(path, &rep));
	ASSERT_EQ(rep.minflt, minor);
	json_object_put(o);
	snprintf(cmd, sizeof(cmd), "%s 300 0 %s/r2 && %s 300 0 %s/r3",
		 self->p.workload, self->p.dir, self->p.workload, self->p.dir);
	rc = fl_runl(NULL, 0, NULL, TIMEOUT_MS, self->p.client, "run", "-j",
		     "-i", "-o", self->p.json, "--", "sh", "-c", cmd, NULL);
	ASSERT_EQ(0, rc);
	o = json_object_from_file(self->p.json);
	ASSERT_NE(NULL, o);
	ASSERT_TRUE(json_u64(o, "stats.minor.count", &minor));
	/* sh's own faults only: fewer than one workload's pages */
	ASSERT_GT(300, minor);
	json_object_put(o);
}

static int tree_ioctl(int fd, struct faultlat_tree *t, __u32 op, __u32 pid,
		      __u32 tree)
{
	memset(t, 0, sizeof(*t));
	t->size = sizeof(*t);
	t->op = op;
	t->pid = pid;
	t->tree = tree;
	return ioctl(fd, FAULTLAT_IOC_TREE, t);
}

/* What a process of touch_tree() read of itself, through a pipe. */
struct self_ru {
	pid_t pid;
	struct fl_ru ru;
};

/*
 * Write to @pages pages, send our RUSAGE_SELF on @wfd, exit: with every
 * page mapped so far locked (libc's code too), nothing after getrusage()
 * faults.
 */
static void touch_and_report(int wfd, size_t pages)
{
	struct self_ru s = { .pid = getpid() };
	void *p;

	fl_prefault_stack();
	if (mlockall(MCL_CURRENT))
		_exit(3);
	p = fl_map_anon(pages);
	if (!p)
		_exit(2);
	fl_touch_write(p, pages);
	if (fl_getrusage(RUSAGE_SELF, &s.ru))
		_exit(2);
	if (write(wfd, &s, sizeof(s)) != sizeof(s))
		_exit(2);
	_exit(0);
}

/*
 * The root: waits for @go to close, forks two children that fault and
 * exit, reaps them, faults, reports, exits.
 */
static void root_proc(int go, int wfd)
{
	char c;
	int i;

	while (read(go, &c, 1) < 0 && errno == EINTR)
		;
	for (i = 0; i < 2; i++) {
		pid_t pid = fork();

		if (pid < 0)
			_exit(2);
		if (!pid)
			touch_and_report(wfd, 100 * (i + 1));
	}
	while (wait(NULL) > 0)
		;
	touch_and_report(wfd, 50);
}

/* The ioctl by itself: sums, per-process lines, records after the reap. */
TEST_F(tree, ioctl_tree)
{
	struct faultlat_tree_entry e[8];
	struct self_ru got[3];
	struct faultlat_tree t;
	struct faultlat_info before, after;
	struct fl_ru ch0, ch1;
	int fd, go[2], res[2], i, j;
	__u64 minor = 0, major = 0;
	long long deadline;
	siginfo_t si;
	__u32 id;
	pid_t root;

	fd = fl_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fl_info(fd, &before));
	ASSERT_EQ(0, fl_getrusage(RUSAGE_CHILDREN, &ch0));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(res));
	root = fork();
	ASSERT_LE(0, root);
	if (!root) {
		close(go[1]);
		close(res[0]);
		root_proc(go[0], res[1]);
	}
	close(go[0]);
	close(res[1]);
	ASSERT_EQ(0, tree_ioctl(fd, &t, FAULTLAT_TREE_OPEN, root, 0))
		TH_LOG("OPEN: %s", strerror(errno));
	id = t.tree;
	ASSERT_NE(0, id);
	/* a process of an open tree joins no other */
	ASSERT_EQ(-1, tree_ioctl(fd, &t, FAULTLAT_TREE_OPEN, root, 0));
	ASSERT_EQ(EBUSY, errno);
	close(go[1]);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(sizeof(got[i]), read(res[0], &got[i], sizeof(got[i])));
	close(res[0]);
	ASSERT_EQ(0, waitid(P_PID, root, &si, WEXITED | WNOWAIT));

	memset(e, 0, sizeof(e));
	ASSERT_EQ(0, tree_ioctl(fd, &t, FAULTLAT_TREE_READ, 0, id));
	ASSERT_EQ(3, t.members);
	ASSERT_EQ(0, t.nr);
	t.entry_size = sizeof(e[0]);
	t.capacity = 8;
	t.entries = (__u64)(uintptr_t)e;
	ASSERT_EQ(0, ioctl(fd, FAULTLAT_IOC_TREE, &t));
	ASSERT_EQ(3, t.nr);
	ASSERT_EQ(0, t.live);
	ASSERT_EQ(0, t.dropped);
	ASSERT_EQ(0, t.hidden);
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 3 && (pid_t)e[j].pid != got[i].pid; j++)
			;
		ASSERT_GT(3, j) TH_LOG("no entry of pid %d", got[i].pid);
		ASSERT_EQ(got[i].ru.minflt, e[j].minor) TH_LOG("pid %d", got[i].pid);
		ASSERT_EQ(got[i].ru.majflt, e[j].major);
		ASSERT_TRUE(e[j].flags & FAULTLAT_TASK_EXITED);
		minor += e[j].minor;
		major += e[j].major;
	}
	ASSERT_EQ(minor, t.stats.minor.count);
	ASSERT_EQ(major, t.stats.major.count);

	/* the root reaped: the kernel's sum, and the records stay */
	ASSERT_EQ(root, waitpid(root, NULL, 0));
	ASSERT_EQ(0, fl_getrusage(RUSAGE_CHILDREN, &ch1));
	ASSERT_EQ(ch1.minflt - ch0.minflt, t.stats.minor.count);
	ASSERT_EQ(ch1.majflt - ch0.majflt, t.stats.major.count);
	usleep(200 * 1000);
	ASSERT_EQ(0, tree_ioctl(fd, &t, FAULTLAT_TREE_READ, 0, id));
	ASSERT_EQ(3, t.members);
	ASSERT_EQ(minor, t.stats.minor.count);
	/* no record of the reaped root for FAULTLAT_IOC_TASK */
	ASSERT_EQ(0, tree_ioctl(fd, &t, FAULTLAT_TREE_CLOSE, 0, id));
	ASSERT_EQ(-1, tree_ioctl(fd, &t, FAULTLAT_TREE_READ, 0, id));
	ASSERT_EQ(ENOENT, errno);
	ASSERT_EQ(-1, tree_ioctl(fd, &t, FAULTLAT_TREE_CLOSE, 0, id));
	ASSERT_EQ(ENOENT, errno);
	/* the kept records left the table */
	deadline = fl_ms() + 5000;
	do {
		ASSERT_EQ(0, fl_info(fd, &after));
		if (after.used_tasks <= before.used_tasks)
			break;
		usleep(50 * 1000);
	} while (fl_ms() < deadline);
	ASSERT_GE(before.used_tasks, after.used_tasks);
	close(fd);
}

/*
 * The faultlat:fault event's field tree (0.7): a tracefs instance of our
 * own, read as text.  The root of a tree forks a child that forks a
 * grandchild; each faults and reports what getrusage(RUSAGE_SELF) counted;
 * a process outside the tree does the same.  Every event of the tree's
 * processes says the tree's id, the outsider's say 0, and each process
 * has as many events as the kernel counted faults (the event is on from
 * before the tree's processes ran, at no threshold).  A second instance
 * filters "tree == ID" in the kernel: the tree's events, nobody else's.
 */
#define TREE_INST	"fl-tree-test-"

/* @dir/@file, written: 0 or -1 */
static int tr_write(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	return close(fd) || !ok ? -1 : 0;
}

/* The whole of @dir/@file, NUL-terminated (malloc()ed), or NULL */
static char *tr_read(const char *dir, const char *file)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	do {
		if (cap - len < 65536) {
			char *nb = realloc(buf, cap + (1 << 20));

			if (!nb) {
				free(buf);
				close(fd);
				return NULL;
			}
			buf = nb;
			cap += 1 << 20;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n > 0)
			len += n;
	} while (n > 0 || (n < 0 && errno == EINTR));
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* An instance @name with faultlat:fault (filter @filter, or none), off */
static int tr_inst(char *dir, size_t len, const char *tdir, const char *name,
		   const char *filter)
{
	snprintf(dir, len, "%s/instances/%s%d", tdir, name, (int)getpid());
	if (mkdir(dir, 0700))
		return -1;
	if (tr_write(dir, "buffer_size_kb", "8192") ||
	    tr_write(dir, "tracing_on", "0") ||
	    (filter && tr_write(dir, "events/faultlat/fault/filter", filter)) ||
	    tr_write(dir, "events/faultlat/fault/enable", "1"))
		return -1;
	return 0;
}

static void tr_inst_rm(const char *dir)
{
	int i;

	tr_write(dir, "tracing_on", "0");
	tr_write(dir, "events/faultlat/fault/enable", "0");
	for (i = 0; i < 50 && rmdir(dir) && errno == EBUSY; i++)
		usleep(20000);
}

/* The event's count and tree of @pid in @text: trees other than @tree */
struct tr_count {
	__u64 events;
	__u64 other_tree;	/* events whose tree was not the one wanted */
	__u64 dropped;		/* ring buffer lost some */
};

static void tr_count(const char *text, pid_t pid, __u32 want,
		     struct tr_count *c)
{
	const char *line, *nl, *t, *g;
	unsigned int tgid, tree;

	memset(c, 0, sizeof(*c));
	for (line = text; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (*line == '#')
			continue;
		if (!strncmp(line, "CPU:", 4) && strstr(line, "LOST")) {
			c->dropped++;
			continue;
		}
		g = strstr(line, " fault: ");
		if (!g || (nl && g > nl))
			continue;
		g = strstr(g, " tgid=");
		t = g ? strstr(g, " tree=") : NULL;
		if (!g || !t || (nl && t > nl) ||
		    sscanf(g, " tgid=%u", &tgid) != 1 ||
		    sscanf(t, " tree=%u", &tree) != 1)
			continue;
		if ((pid_t)tgid != pid)
			continue;
		c->events++;
		c->other_tree += tree != want;
	}
}

/*
 * The tree's processes: the root forks a child, which forks a grandchild.
 * The root's faults before @go closes are not traced: it sends what
 * getrusage() counted then first, its pid negated (having called it once
 * before, lest a fault on its code come after tracing began and before
 * the count).
 */
static void tree3_proc(int go, int wfd)
{
	struct self_ru base = { .pid = -getpid() };
	pid_t pid = 0;
	int depth;
	char c;

	/* and the code of getrusage(), whose first call could fault */
	fl_prefault_stack();
	if (fl_getrusage(RUSAGE_SELF, &base.ru))
		_exit(2);
	while (read(go, &c, 1) < 0 && errno == EINTR)
		;
	if (fl_getrusage(RUSAGE_SELF, &base.ru) ||
	    write(wfd, &base, sizeof(base)) != sizeof(base))
		_exit(2);
	/* each forks the next and waits for it, the grandchild none */
	for (depth = 0; depth < 2; depth++) {
		pid = fork();
		if (pid < 0)
			_exit(2);
		if (pid)
			break;
	}
	if (pid)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	touch_and_report(wfd, 40 * (depth + 1));
}

TEST_F(tree, event_tree_field)
{
	static const char * const tdirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char all[PATH_MAX], only[PATH_MAX], filter[32], *fmt, *text[2];
	const char *tdir = NULL;
	struct self_ru got[5], base = { 0 };
	struct faultlat_tree t;
	struct tr_count c;
	int fd, go[2], res[2], i, k;
	__u64 sum = 0;
	pid_t root, out;
	__u32 id;

	for (i = 0; i < 2 && !tdir; i++) {
		snprintf(all, sizeof(all), "%s/instances", tdirs[i]);
		if (!access(all, F_OK))
			tdir = tdirs[i];
	}
	if (!tdir && !mount("nodev", tdirs[0], "tracefs", 0, NULL))
		tdir = tdirs[0];
	if (!tdir)
		SKIP(return, "no tracefs");
	fmt = tr_read(tdir, "events/faultlat/fault/format");
	if (!fmt)
		SKIP(return, "no faultlat:fault event");
	if (!strstr(fmt, " tree;")) {
		free(fmt);
		SKIP(return, "faultlat:fault has no field tree (before 0.7)");
	}
	free(fmt);

	fd = fl_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(res));
	root = fork();
	ASSERT_LE(0, root);
	if (!root) {
		close(go[1]);
		close(res[0]);
		tree3_proc(go[0], res[1]);
	}
	close(go[0]);
	ASSERT_EQ(0, tree_ioctl(fd, &t, FAULTLAT_TREE_OPEN, root, 0))
		TH_LOG("OPEN: %s", strerror(errno));
	id = t.tree;
	ASSERT_NE(0, id);
	snprintf(filter, sizeof(filter), "tree == %u", id);
	ASSERT_EQ(0, tr_inst(all, sizeof(all), tdir, TREE_INST "all-", NULL))
		TH_LOG("%s: %s", all, strerror(errno));
	ASSERT_EQ(0, tr_inst(only, sizeof(only), tdir, TREE_INST "only-",
			     filter)) TH_LOG("%s: %s", only, strerror(errno));
	/* on before the tree's processes and the outsider run */
	ASSERT_EQ(0, tr_write(all, "tracing_on", "1"));
	ASSERT_EQ(0, tr_write(only, "tracing_on", "1"));
	out = fork();
	ASSERT_LE(0, out);
	if (!out) {
		close(go[1]);
		close(res[0]);
		touch_and_report(res[1], 60);
	}
	close(res[1]);
	close(go[1]);
	for (i = 0, k = 0; i < 5; i++) {
		ASSERT_EQ(sizeof(got[k]), read(res[0], &got[k], sizeof(got[k])));
		if (got[k].pid == -root)
			base = got[k];
		else
			k++;
	}
	close(res[0]);
	ASSERT_EQ(-root, base.pid);
	ASSERT_EQ(root, waitpid(root, NULL, 0));
	ASSERT_EQ(out, waitpid(out, NULL, 0));
	tr_write(all, "tracing_on", "0");
	tr_write(only, "tracing_on", "0");
	text[0] = tr_read(all, "trace");
	text[1] = tr_read(only, "trace");
	tr_inst_rm(all);
	tr_inst_rm(only);
	ASSERT_EQ(0, tree_ioctl(fd, &t, FAULTLAT_TREE_CLOSE, 0, id));
	close(fd);
	ASSERT_NE(NULL, text[0]);
	ASSERT_NE(NULL, text[1]);

	for (i = 0; i < 4; i++) {
		bool tree = got[i].pid != out;
		__u64 want = got[i].ru.minflt + got[i].ru.majflt;

		if (got[i].pid == root)
			want -= base.ru.minflt + base.ru.majflt;

		/* unfiltered: the kernel's count, the tree's id or 0 */
		tr_count(text[0], got[i].pid, tree ? id : 0, &c);
		EXPECT_EQ(0, c.dropped);
		EXPECT_EQ(want, c.events)
			TH_LOG("pid %d%s", got[i].pid, tree ? "" : " (outsider)");
		EXPECT_EQ(0, c.other_tree)
			TH_LOG("pid %d: %llu events of another tree than %u",
			       got[i].pid, (unsigned long long)c.other_tree,
			       tree ? id : 0);
		/* filtered tree == ID in the kernel: the tree's, all of them */
		tr_count(text[1], got[i].pid, id, &c);
		EXPECT_EQ(tree ? want : 0, c.events)
			TH_LOG("pid %d, filter %s", got[i].pid, filter);
		EXPECT_EQ(0, c.other_tree);
		sum += tree ? want : 0;
		TH_LOG("pid %d%s: getrusage %llu faults, %llu events kept by %s",
		       got[i].pid, tree ? "" : " (outsider)",
		       (unsigned long long)want, (unsigned long long)c.events,
		       filter);
	}
	/* and the filtered instance has nobody else's */
	for (k = 0, c.events = 0; text[1][k]; k++)
		c.events += !strncmp(text[1] + k, " fault: ", 8);
	EXPECT_EQ(sum, c.events);
	free(text[0]);
	free(text[1]);
}

/* Closing the file closes its trees; another file cannot read them. */
TEST_F(tree, ioctl_owner_and_errors)
{
	struct faultlat_tree t;
	int fd, fd2, go[2];
	pid_t child;
	__u32 id;

	/* before the files are open: the child holds none of them */
	ASSERT_EQ(0, pipe(go));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		char c;

		close(go[1]);
		while (read(go[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(go[0]);
	fd = fl_open();
	fd2 = fl_open();
	ASSERT_LE(0, fd);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(-1, tree_ioctl(fd, &t, FAULTLAT_TREE_OPEN, 0, 0));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, tree_ioctl(fd, &t, 0, 0, 0));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, tree_ioctl(fd, &t, FAULTLAT_TREE_OPEN, 0x3ffffff0, 0));
	ASSERT_EQ(ESRCH, errno);
	ASSERT_EQ(-1, tree_ioctl(fd, &t, FAULTLAT_TREE_READ, 0, 12345));
	ASSERT_EQ(ENOENT, errno);
	tree_ioctl(fd, &t, FAULTLAT_TREE_READ, 0, 1);
	t.flags = 1;
	ASSERT_EQ(-1, ioctl(fd, FAULTLAT_IOC_TREE, &t));
	ASSERT_EQ(EINVAL, errno);

	ASSERT_EQ(0, tree_ioctl(fd, &t, FAULTLAT_TREE_OPEN, child, 0));
	id = t.tree;
	ASSERT_EQ(-1, tree_ioctl(fd2, &t, FAULTLAT_TREE_READ, 0, id));
	ASSERT_EQ(ENOENT, errno);
	/* closing the file closes the tree: the child is free to join one */
	close(fd);
	ASSERT_EQ(0, tree_ioctl(fd2, &t, FAULTLAT_TREE_OPEN, child, 0));
	ASSERT_EQ(0, tree_ioctl(fd2, &t, FAULTLAT_TREE_CLOSE, 0, t.tree));

	/* another user's process: EACCES; one's own: fine */
	if (!geteuid()) {
		pid_t u = fork(), root = child;

		ASSERT_LE(0, u);
		if (!u) {
			int ufd, err;

			if (setgid(FL_NOBODY) || setuid(FL_NOBODY))
				_exit(10);
			ufd = fl_open();
			if (ufd < 0)
				_exit(11);
			if (!tree_ioctl(ufd, &t, FAULTLAT_TREE_OPEN, root, 0))
				_exit(12);
			err = errno;
			if (err != EACCES)
				_exit(13);
			if (tree_ioctl(ufd, &t, FAULTLAT_TREE_OPEN, getpid(), 0))
				_exit(14);
			_exit(0);
		}
		ASSERT_EQ(0, fl_wait(u, 10000));
	}
	close(go[1]);
	ASSERT_EQ(0, fl_wait(child, 10000));
	close(fd2);
}

/*
 * In a new pid namespace, as a container's init (pid 1 there): ids go in
 * and come out as this namespace numbers them.  The ground truth is what
 * each process read of itself (getpid(), getrusage()).  Returns NULL, or
 * what went wrong.
 */
static const char *pidns_init(pid_t outside, char *why, size_t len)
{
	struct faultlat_task_entry e[64];
	struct faultlat_tree_entry te[8];
	struct faultlat_task t;
	struct faultlat_tree tr;
	struct self_ru got[3], gc;
	int fd, res[2], go[2], i, j;
	__u32 nr, total, id;
	siginfo_t si;
	pid_t kid, root;

/* what went wrong, in @why */
#define PIDNS_WHY(...)	(snprintf(why, len, __VA_ARGS__), why)

	if (getpid() != 1)
		return PIDNS_WHY("not pid 1 but %d", getpid());
	fd = fl_open();
	if (fd < 0)
		return PIDNS_WHY("open: %s", strerror(errno));
	if (pipe(res) || pipe(go))
		return PIDNS_WHY("pipe");

	/* a process the namespace knows as kid: one fault count, exact */
	kid = fork();
	if (kid < 0)
		return PIDNS_WHY("fork");
	if (!kid)
		touch_and_report(res[1], 100);
	if (read(res[0], &gc, sizeof(gc)) != sizeof(gc))
		return PIDNS_WHY("read");
	if (gc.pid != kid)
		return PIDNS_WHY("child says pid %d, fork said %d", gc.pid,
				 kid);
	if (waitid(P_PID, kid, &si, WEXITED | WNOWAIT))
		return PIDNS_WHY("waitid");
	if (fl_task(fd, kid, true, &t))
		return PIDNS_WHY("TASK %d: %s", kid, strerror(errno));
	if (t.pid != (__u32)kid || t.tgid != (__u32)kid)
		return PIDNS_WHY("TASK %d answered pid %u tgid %u", kid, t.pid,
				 t.tgid);
	if (t.stats.minor.count != gc.ru.minflt ||
	    t.stats.major.count != gc.ru.majflt)
		return PIDNS_WHY("TASK %d: minor %llu major %llu, getrusage %llu %llu",
				 kid, (unsigned long long)t.stats.minor.count,
				 (unsigned long long)t.stats.major.count,
				 (unsigned long long)gc.ru.minflt,
				 (unsigned long long)gc.ru.majflt);

	/* the test's process, outside: no pid here, cannot be named */
	if (!fl_task(fd, outside, true, &t) || errno != ESRCH)
		return PIDNS_WHY("TASK %d (outside, no such pid here): %s",
				 outside, strerror(errno));

	/* a list has this namespace's processes only, by their pids here */
	if (fl_list(fd, FAULTLAT_TASK_PROCESS, e, 64, &nr, &total))
		return PIDNS_WHY("LIST: %s", strerror(errno));
	for (i = 0, j = 0; i < (int)nr; i++) {
		if (e[i].pid != 1 && e[i].pid != (__u32)kid)
			return PIDNS_WHY("LIST has pid %u: not a process of this namespace",
					 e[i].pid);
		j += e[i].pid == (__u32)kid;
	}
	if (j != 1)
		return PIDNS_WHY("LIST: %d entries of pid %d (%u listed)", j,
				 kid, nr);
	if (waitpid(kid, NULL, 0) != kid)
		return PIDNS_WHY("waitpid");

	/* a tree numbers its processes here, those reaped too */
	root = fork();
	if (root < 0)
		return PIDNS_WHY("fork");
	if (!root) {
		close(go[1]);
		root_proc(go[0], res[1]);
	}
	close(go[0]);
	if (tree_ioctl(fd, &tr, FAULTLAT_TREE_OPEN, root, 0))
		return PIDNS_WHY("OPEN %d: %s", root, strerror(errno));
	id = tr.tree;
	close(go[1]);
	for (i = 0; i < 3; i++)
		if (read(res[0], &got[i], sizeof(got[i])) != sizeof(got[i]))
			return PIDNS_WHY("read");
	if (waitpid(root, NULL, 0) != root)
		return PIDNS_WHY("waitpid");
	memset(te, 0, sizeof(te));
	if (tree_ioctl(fd, &tr, FAULTLAT_TREE_READ, 0, id))
		return PIDNS_WHY("READ");
	tr.entry_size = sizeof(te[0]);
	tr.capacity = 8;
	tr.entries = (__u64)(uintptr_t)te;
	if (ioctl(fd, FAULTLAT_IOC_TREE, &tr))
		return PIDNS_WHY("READ: %s", strerror(errno));
	if (tr.nr != 3)
		return PIDNS_WHY("READ: %u entries", tr.nr);
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 3 && (pid_t)te[j].pid != got[i].pid; j++)
			;
		if (j >= 3)
			return PIDNS_WHY("no tree entry of pid %d (%u %u %u)",
					 got[i].pid, te[0].pid, te[1].pid,
					 te[2].pid);
		if (te[j].minor != got[i].ru.minflt)
			return PIDNS_WHY("pid %d: minor %llu, getrusage %llu",
					 got[i].pid,
					 (unsigned long long)te[j].minor,
					 (unsigned long long)got[i].ru.minflt);
	}
	tree_ioctl(fd, &tr, FAULTLAT_TREE_CLOSE, 0, id);
	close(fd);
	return NULL;
#undef PIDNS_WHY
}

/* The same ids from inside a pid namespace, as a container sees them. */
TEST_F(tree, pid_namespace)
{
	pid_t outside = getpid(), init;
	char why[256] = "";
	int msg[2], status;
	ssize_t n;

	ASSERT_EQ(0, pipe(msg));
	if (unshare(CLONE_NEWPID))
		SKIP(return, "unshare(CLONE_NEWPID): %s", strerror(errno));
	init = fork();
	ASSERT_LE(0, init);
	if (!init) {
		const char *err = pidns_init(outside, why, sizeof(why));

		close(msg[0]);
		if (err && write(msg[1], err, strlen(err)) < 0)
			_exit(2);
		_exit(err ? 1 : 0);
	}
	close(msg[1]);
	n = read(msg[0], why, sizeof(why) - 1);
	why[n > 0 ? n : 0] = '\0';
	ASSERT_EQ(init, waitpid(init, &status, 0));
	ASSERT_EQ(0, status) TH_LOG("in the pid namespace: %s", why);
}

TEST_HARNESS_MAIN
