// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of cgroup.c: the cgroup2 mount in mountinfo, the ways a
 * cgroup is named (in a directory tree made here, as $FAULTLAT_CGROUPFS),
 * the walk that maps ids to paths, and the sums of records along the
 * tree.  Plain TAP on stdout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cgroup.h"
#include "tap.h"

static int mountinfo(const char *text, char *buf, size_t len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int err;

	if (!f)
		return -errno;
	err = fl_cgroup_mountinfo(f, buf, len);
	fclose(f);
	return err;
}

static void test_mountinfo(void)
{
	/* a hybrid layout: v1 hierarchies, cgroup2 on .../unified */
	static const char hybrid[] =
		"22 1 0:21 / / rw,relatime - ext4 /dev/sda1 rw\n"
		"30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs none rw,mode=755\n"
		"34 30 0:31 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup none rw,memory\n"
		"40 30 0:37 / /sys/fs/cgroup/unified rw,relatime shared:4 - cgroup2 cgroup2 rw\n";
	/* a container's: a cgroup2 mount of a subtree first, then its root */
	static const char nested[] =
		"100 90 0:40 /kubepods/pod1 /sys/fs/cgroup ro,nosuid - cgroup2 cgroup rw\n"
		"101 90 0:40 / /mnt/cgroup\\040root rw - cgroup2 cgroup2 rw,nsdelegate\n";
	static const char sub_only[] =
		"100 90 0:40 /kubepods/pod1 /sys/fs/cgroup ro - cgroup2 cgroup rw\n";
	static const char none[] =
		"22 1 0:21 / / rw,relatime - ext4 /dev/sda1 rw\n"
		"34 30 0:31 / /sys/fs/cgroup/memory rw - cgroup none rw,memory\n"
		"garbage without a separator\n";
	char buf[256];

	ok(!mountinfo(hybrid, buf, sizeof(buf)), "mountinfo: hybrid layout");
	is_str(buf, "/sys/fs/cgroup/unified",
	       "mountinfo: the cgroup2 mount, not the v1 ones");
	ok(!mountinfo(nested, buf, sizeof(buf)), "mountinfo: two cgroup2 mounts");
	is_str(buf, "/mnt/cgroup root",
	       "mountinfo: the mount of the root first, \\040 decoded");
	ok(!mountinfo(sub_only, buf, sizeof(buf)), "mountinfo: a subtree only");
	is_str(buf, "/sys/fs/cgroup", "mountinfo: a subtree's mount will do");
	ok(mountinfo(none, buf, sizeof(buf)) == -ENOENT,
	   "mountinfo: no cgroup2 mount is ENOENT");
	ok(mountinfo(hybrid, buf, 8) == -ENAMETOOLONG,
	   "mountinfo: a path too long for the buffer is ENAMETOOLONG");
}

static char root[256];

static void mkdirs(const char *rel)
{
	char path[512], *p;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

static __u64 ino(const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return stat(path, &st) ? 0 : st.st_ino;
}

/* fl_cgroup_find() of @arg gives the path @want below the root */
static void finds(const char *arg, const char *want)
{
	struct fl_cgroup_dir d;
	char name[256];
	int err;

	snprintf(name, sizeof(name), "find '%s' is %s", arg, want);
	err = fl_cgroup_find("test", arg, &d);
	ok(!err && d.path && !strcmp(d.path, want), name);
	if (!err && (!d.path || strcmp(d.path, want)))
		printf("#   got '%s' (%s)\n", d.path ? d.path : "(null)", d.dir);
	if (!err)
		fl_cgroup_dir_free(&d);
}

/* stderr goes to this file: what fl_cgroup_find() said last */
static char errfile[300], said[4096];

static void refused(const char *arg)
{
	struct fl_cgroup_dir d;
	char name[256];
	size_t n = 0;
	FILE *f;
	int err;

	snprintf(name, sizeof(name), "find '%s' is an error", arg);
	if (ftruncate(STDERR_FILENO, 0) || lseek(STDERR_FILENO, 0, SEEK_SET))
		printf("# cannot empty %s\n", errfile);
	err = fl_cgroup_find("test", arg, &d);
	ok(err == -1, name);
	if (!err) {
		printf("#   found %s\n", d.dir);
		fl_cgroup_dir_free(&d);
	}
	fflush(stderr);
	f = fopen(errfile, "r");
	if (f) {
		n = fread(said, 1, sizeof(said) - 1, f);
		fclose(f);
	}
	said[n] = '\0';
}

static void test_find(void)
{
	char path[512];

	mkdirs("system.slice/ssh.service");
	mkdirs("system.slice/cron.service");
	mkdirs("user.slice/user-1000.slice/user@1000.service/app.slice");
	mkdirs("user.slice/user-1000.slice/ssh.service");
	mkdirs("a/b/c");
	mkdirs("deep/b/c");
	setenv("FAULTLAT_CGROUPFS", root, 1);
	is_str(fl_cgroup_root(), root, "the root is $FAULTLAT_CGROUPFS");

	finds("system.slice/ssh.service", "/system.slice/ssh.service");
	finds("system.slice", "/system.slice");
	finds("cron.service", "/system.slice/cron.service");
	finds("cron", "/system.slice/cron.service");
	finds("app.slice", "/user.slice/user-1000.slice/user@1000.service/app.slice");
	finds("/user.slice/user-1000.slice", "/user.slice/user-1000.slice");
	finds("/", "/");
	finds("a/b/c", "/a/b/c");
	snprintf(path, sizeof(path), "%s/system.slice/", root);
	finds(path, "/system.slice");
	snprintf(path, sizeof(path), "%s/a/b/../b/c", root);
	finds(path, "/a/b/c");
	refused("ssh.service");	/* two of them */
	has(said,
	    "test: 'ssh.service' is ambiguous: 2 cgroups are named ssh.service: /system.slice/ssh.service /user.slice/user-1000.slice/ssh.service; give its path",
	    "find of an ambiguous name lists the cgroups of that name");
	refused("c");		/* likewise */
	refused("nope");
	has(said, "and no cgroup named nope or nope.service below it",
	    "find of an unknown name: says both names were looked for");
	refused("nope.service");
	refused("b/c");		/* a path is not searched for */
	refused("");
	refused("/nonexistent/directory");
	has(said,
	    "test: no cgroup '/nonexistent/directory': no directory /nonexistent/directory",
	    "find of a missing directory: says so");

	if (!chdir(root)) {
		finds("./system.slice", "/system.slice");
		finds(".", "/");
	}
	if (!chdir("/")) {
		/* a directory out of the tree: found, no path below the root */
		struct fl_cgroup_dir d;

		ok(!fl_cgroup_find("test", "/tmp", &d) && !d.path &&
		   !strcmp(fl_cgroup_dir_name(&d), d.dir),
		   "find '/tmp': a directory outside the root, named by its directory");
		fl_cgroup_dir_free(&d);
	}
}

static void test_walk(void)
{
	const struct fl_cgroup_node *n;
	struct fl_cgroup_tree t;
	size_t i;
	bool sorted = true;

	ok(!fl_cgroup_walk(root, &t), "walk the tree");
	ok(t.nr == 15, "walk: every directory, the root included");
	if (t.nr != 15)
		printf("#   %zu directories\n", t.nr);
	for (i = 1; i < t.nr; i++)
		sorted &= t.nodes[i - 1].id < t.nodes[i].id;
	ok(sorted, "walk: sorted by id");
	n = fl_cgroup_lookup(&t, ino("user.slice/user-1000.slice"));
	ok(n && !strcmp(n->path, "/user.slice/user-1000.slice") &&
	   n->depth == 2 && n->parent_id == ino("user.slice"),
	   "walk: a directory's id is its inode number, with path, depth, parent");
	n = fl_cgroup_lookup(&t, ino(""));
	ok(n && !strcmp(n->path, "/") && n->depth == 0 && !n->parent_id,
	   "walk: the root is /");
	ok(!fl_cgroup_lookup(&t, 0), "walk: lookup of an unknown id is NULL");
	fl_cgroup_tree_free(&t);
	ok(fl_cgroup_walk("/nonexistent", &t) == -ENOENT,
	   "walk of a missing root: ENOENT");
}

static struct faultlat_cgroup_entry entry(__u64 id, __u64 parent, __u32 level,
					  __u64 minor, __u64 major,
					  __u64 min, __u64 max)
{
	struct faultlat_cgroup_entry e = {
		.id = id, .parent_id = parent, .level = level,
		.minor = minor, .major = major, .errors = 1, .retries = 2,
		.min_ns = min, .max_ns = max,
	};

	e.buckets[5] = minor;		/* [128, 160) */
	e.buckets[17] = major;		/* [1024, 1280) */
	e.total_ns = minor * 150 + major * 1100;
	e.tlb_flushes = minor;
	e.tlb_flush_ns = minor * 1000;
	e.tlb_remote = major;
	e.tlb_ipis = 2 * major;
	/*
	 * timed by cause: 1000 ns of I/O a major fault, 20 of page lock a
	 * minor one, 100 of zeroing a major one
	 */
	e.causes.faults = minor + major;
	e.causes.latency_ns = e.total_ns;
	e.causes.ns[FAULTLAT_CAUSE_IO] = major * 1000;
	e.causes.with[FAULTLAT_CAUSE_IO] = major;
	e.causes_more.ns[FAULTLAT_CAUSE_PAGE_LOCK - FAULTLAT_NR_CAUSES] =
		minor * 20;
	e.causes_more.with[FAULTLAT_CAUSE_PAGE_LOCK - FAULTLAT_NR_CAUSES] =
		minor;
	e.causes_more.ns[FAULTLAT_CAUSE_ZEROING - FAULTLAT_NR_CAUSES] =
		major * 100;
	e.causes_more.with[FAULTLAT_CAUSE_ZEROING - FAULTLAT_NR_CAUSES] =
		major;
	return e;
}

static void test_sums(void)
{
	__u64 r = ino(""), u = ino("user.slice"), u1 = ino("user.slice/user-1000.slice");
	__u64 s = ino("system.slice"), ssh = ino("system.slice/ssh.service");
	__u64 cron = ino("system.slice/cron.service");
	struct faultlat_cgroup_entry e[] = {
		/* the root's own, and two services of a slice without one */
		entry(ssh, s, 2, 10, 1, 140, 1200),
		entry(cron, s, 2, 20, 0, 130, 150),
		entry(r, 0, 0, 1, 0, 150, 150),
		/* a removed cgroup, under a record-less user-1000.slice */
		entry(999999999, u1, 3, 5, 5, 140, 1100),
	};
	const struct fl_cgroup_sum *x;
	struct fl_cgroup_sum *sums;
	struct fl_cgroup_tree t;
	__u32 nr;

	ok(!fl_cgroup_walk(root, &t), "sums: walk");
	ok(!fl_cgroup_sums(e, 4, &t, &sums, &nr), "sums: computed");
	ok(nr == 7, "sums: the records' cgroups and their ancestors only");
	x = fl_cgroup_sum_find(sums, nr, r);
	ok(x && x->records == 4 && x->minor == 36 && x->major == 6 &&
	   x->errors == 4 && x->retries == 8 && x->own && x->level == 0,
	   "sums: the root adds up every record");
	ok(x && x->tlb_flushes == 36 && x->tlb_flush_ns == 36000 &&
	   x->tlb_remote == 6 && x->tlb_ipis == 12,
	   "sums: the root adds up every record's TLB flushes");
	ok(x && x->all.count == 42 && x->all.buckets[5] == 36 &&
	   x->all.buckets[17] == 6 && x->all.min_ns == 130 &&
	   x->all.max_ns == 1200 &&
	   x->all.sum_ns == 36 * 150 + 6 * 1100,
	   "sums: the root's histogram is the records' together");
	ok(x && x->causes.faults == 42 &&
	   x->causes.latency_ns == 36 * 150 + 6 * 1100 &&
	   x->causes.ns[FAULTLAT_CAUSE_IO] == 6000 &&
	   x->causes.with[FAULTLAT_CAUSE_IO] == 6 &&
	   x->causes.ns[FAULTLAT_CAUSE_PAGE_LOCK] == 36 * 20 &&
	   x->causes.with[FAULTLAT_CAUSE_PAGE_LOCK] == 36 &&
	   !x->causes.ns[FAULTLAT_CAUSE_FALLBACK] &&
	   x->causes.ns[FAULTLAT_CAUSE_ZEROING] == 600 &&
	   x->causes.with[FAULTLAT_CAUSE_ZEROING] == 6,
	   "sums: the root's time by cause, the causes after the first five too");
	x = fl_cgroup_sum_find(sums, nr, s);
	ok(x && x->records == 2 && x->minor == 30 && x->major == 1 &&
	   !x->own && x->level == 1 && x->parent_id == r,
	   "sums: a slice without a record of its own: its services', level from theirs");
	ok(x && x->causes.ns[FAULTLAT_CAUSE_PAGE_LOCK] == 30 * 20 &&
	   x->causes.with[FAULTLAT_CAUSE_IO] == 1 &&
	   x->causes.ns[FAULTLAT_CAUSE_ZEROING] == 100,
	   "sums: a slice's time by cause, its services'");
	x = fl_cgroup_sum_find(sums, nr, u);
	ok(x && x->records == 1 && x->minor == 5 && x->level == 1 &&
	   x->all.min_ns == 140 && x->all.max_ns == 1100,
	   "sums: a removed cgroup's record reaches its ancestors");
	ok(!fl_cgroup_sum_find(sums, nr, ino("a")),
	   "sums: no sum for a cgroup without a record below it");
	free(sums);

	/* no tree: the records' own parent ids only */
	ok(!fl_cgroup_sums(e, 4, NULL, &sums, &nr) && nr == 4,
	   "sums without a tree: the records themselves");
	x = fl_cgroup_sum_find(sums, nr, r);
	ok(x && x->records == 1 && x->minor == 1,
	   "sums without a tree: the chain ends at an unknown parent");
	free(sums);

	ok(!fl_cgroup_sums(NULL, 0, &t, &sums, &nr) && nr == 0,
	   "sums of no record: none");
	free(sums);
	fl_cgroup_tree_free(&t);
}

int main(void)
{
	char cmd[300];

	test_mountinfo();
	/* fl_cgroup_find()'s messages, to look at */
	snprintf(errfile, sizeof(errfile), "/tmp/faultlat-cgroup-test.%d.err",
		 (int)getpid());
	if (!freopen(errfile, "w+", stderr)) {
		perror("freopen");
		return 1;
	}
	snprintf(root, sizeof(root), "/tmp/faultlat-cgroup-test.XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	test_find();
	test_walk();
	test_sums();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		printf("# could not remove %s\n", root);
	unlink(errfile);
	return tap_done();
}
