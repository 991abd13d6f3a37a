// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat client: the cgroup2 file system (see cgroup.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "cgroup.h"
#include "util.h"

/* How deep fl_cgroup_walk() goes: the module counts 15 levels. */
#define WALK_MAX_DEPTH	64

/* Decode mountinfo's octal escapes ("\040") of @s in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
				      (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

int fl_cgroup_mountinfo(FILE *f, char *buf, size_t len)
{
	char *line = NULL, *first = NULL, *found = NULL;
	size_t cap = 0;
	int err = -ENOENT;

	while (!found && getline(&line, &cap, f) > 0) {
		char *field[5], *sep, *fstype, *save = NULL, *p = line;
		unsigned int i;

		/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE ..." */
		sep = strstr(line, " - ");
		if (!sep)
			continue;
		*sep = '\0';
		fstype = strtok_r(sep + 3, "\n ", &save);
		if (!fstype || strcmp(fstype, "cgroup2"))
			continue;
		save = NULL;
		for (i = 0; i < ARRAY_SIZE(field); i++, p = NULL) {
			field[i] = strtok_r(p, " ", &save);
			if (!field[i])
				break;
		}
		if (i < ARRAY_SIZE(field))
			continue;
		unescape(field[3]);
		unescape(field[4]);
		if (!strcmp(field[3], "/"))
			found = strdup(field[4]);
		else if (!first)
			first = strdup(field[4]);
	}
	free(line);
	if (!found) {
		found = first;
		first = NULL;
	}
	free(first);
	if (found) {
		err = strlen(found) < len ? 0 : -ENAMETOOLONG;
		if (!err)
			strcpy(buf, found);
		free(found);
	}
	return err;
}

const char *fl_cgroup_root(void)
{
	static char buf[PATH_MAX], real[PATH_MAX];
	static bool known;
	static const char *root;
	const char *env = getenv("FAULTLAT_CGROUPFS");
	FILE *f;

	if (known)
		return root;
	known = true;
	if (env && *env) {
		if (strlen(env) >= sizeof(buf))
			return NULL;
		strcpy(buf, env);
	} else {
		f = fopen("/proc/self/mountinfo", "re");
		if (!f)
			return NULL;
		if (fl_cgroup_mountinfo(f, buf, sizeof(buf))) {
			fclose(f);
			return NULL;
		}
		fclose(f);
	}
	root = realpath(buf, real) ? real : buf;
	return root;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* @path below @root, "/..." ("/" for @root itself), or NULL. */
static const char *below(const char *root, const char *path)
{
	size_t n = strlen(root);

	if (!root[0] || strncmp(path, root, n))
		return NULL;
	if (!strcmp(root, "/"))
		return path;
	if (!path[n])
		return "/";
	return path[n] == '/' ? path + n : NULL;
}

static char *join(const char *a, const char *b)
{
	char *s;

	if (asprintf(&s, "%s%s%s", a, b[0] == '/' ? "" : "/", b) < 0)
		return NULL;
	return s;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/*
 * The directories of the tree under @root named @name, into @out (their
 * paths below @root, up to @max of them); returns how many there are, or
 * a negative errno.
 */
static int find_named(const char *root, const char *name, char **out,
		      int max)
{
	struct fl_cgroup_tree t = { 0 };
	size_t i;
	int n = 0, err;

	err = fl_cgroup_walk(root, &t);
	if (err)
		return err;
	for (i = 0; i < t.nr; i++) {
		if (t.nodes[i].depth == 0 ||
		    strcmp(base_name(t.nodes[i].path), name))
			continue;
		if (n < max) {
			out[n] = strdup(t.nodes[i].path);
			if (!out[n]) {
				n = -ENOMEM;
				break;
			}
		}
		n++;
	}
	fl_cgroup_tree_free(&t);
	return n;
}

/* By path, for messages that list them. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/*
 * @name (no '/') that @root has no directory of: the one directory of
 * that name in the tree (then *@dir), or an error, printed.
 */
static int find_by_name(const char *who, const char *root, const char *name,
			char **dir)
{
	enum { MAX_SHOWN = 8 };
	char *found[MAX_SHOWN] = { NULL }, *svc = NULL;
	const char *looked = name;
	int n, i, shown;

	n = find_named(root, name, found, MAX_SHOWN);
	/* "ssh" is ssh.service to systemctl */
	if (n == 0 && !strchr(name, '.') && asprintf(&svc, "%s.service", name) >= 0) {
		n = find_named(root, svc, found, MAX_SHOWN);
		if (n > 0)
			looked = svc;
	}
	if (n < 0) {
		fprintf(stderr, "%s: cannot search the cgroups under %s: %s\n",
			who, root, strerror(-n));
	} else if (n == 0 && svc) {
		fprintf(stderr,
			"%s: no cgroup '%s': no directory %s/%s, and no cgroup named %s or %s below it\n",
			who, name, root, name, name, svc);
	} else if (n == 0) {
		fprintf(stderr,
			"%s: no cgroup '%s': no directory %s/%s, and no cgroup named %s below it\n",
			who, name, root, name, name);
	} else if (n > 1) {
		shown = n < MAX_SHOWN ? n : MAX_SHOWN;
		qsort(found, shown, sizeof(found[0]), cmp_str);
		fprintf(stderr, "%s: '%s' is ambiguous: %d cgroups are named %s:",
			who, name, n, looked);
		for (i = 0; i < shown; i++)
			fprintf(stderr, " %s", found[i]);
		fprintf(stderr, "%s; give its path\n", n > shown ? " ..." : "");
	} else {
		*dir = join(root, found[0]);
	}
	for (i = 0; i < MAX_SHOWN; i++)
		free(found[i]);
	free(svc);
	return n == 1 && *dir ? 0 : -1;
}

int fl_cgroup_find(const char *who, const char *arg, struct fl_cgroup_dir *out)
{
	const char *root = fl_cgroup_root(), *rel;
	char real[PATH_MAX], *dir = NULL;
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (!*arg) {
		fprintf(stderr, "%s: the cgroup is empty\n", who);
		return -1;
	}
	if (arg[0] == '/') {
		dir = strdup(arg);
		/* not under the root: the form of /proc/PID/cgroup? */
		if (root && dir && (!realpath(arg, real) || !below(root, real))) {
			char *alt = join(root, arg);

			if (alt && is_dir(alt)) {
				free(dir);
				dir = alt;
			} else {
				free(alt);
			}
		}
	} else if (!strcmp(arg, ".") || !strcmp(arg, "..") ||
		   !strncmp(arg, "./", 2) || !strncmp(arg, "../", 3)) {
		dir = strdup(arg);
	} else if (root) {
		dir = join(root, arg);
		if (dir && !is_dir(dir) && !strchr(arg, '/')) {
			free(dir);
			dir = NULL;
			if (find_by_name(who, root, arg, &dir))
				return -1;
		}
	} else {
		fprintf(stderr,
			"%s: no cgroup2 file system is mounted (none in /proc/self/mountinfo): give the cgroup's directory, or mount it (mount -t cgroup2 none /sys/fs/cgroup)\n",
			who);
		return -1;
	}
	if (!dir) {
		fprintf(stderr, "%s: out of memory\n", who);
		return -1;
	}
	if (stat(dir, &st)) {
		if (errno == ENOENT)
			fprintf(stderr, "%s: no cgroup '%s': no directory %s\n",
				who, arg, dir);
		else
			fprintf(stderr, "%s: cgroup '%s': cannot reach %s: %s\n",
				who, arg, dir, strerror(errno));
		free(dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr,
			"%s: '%s' is no cgroup: %s is not a directory\n",
			who, arg, dir);
		free(dir);
		return -1;
	}
	if (!realpath(dir, real)) {
		fprintf(stderr, "%s: cgroup '%s': cannot resolve %s: %s\n",
			who, arg, dir, strerror(errno));
		free(dir);
		return -1;
	}
	free(dir);
	out->dir = strdup(real);
	rel = root ? below(root, real) : NULL;
	out->path = rel ? strdup(rel) : NULL;
	if (!out->dir || (rel && !out->path)) {
		fprintf(stderr, "%s: out of memory\n", who);
		fl_cgroup_dir_free(out);
		return -1;
	}
	return 0;
}

void fl_cgroup_dir_free(struct fl_cgroup_dir *d)
{
	free(d->dir);
	free(d->path);
	d->dir = NULL;
	d->path = NULL;
}

const char *fl_cgroup_dir_name(const struct fl_cgroup_dir *d)
{
	return d->path ? d->path : d->dir;
}

bool fl_cgroup_gone(const struct fl_cgroup_dir *d, int cgfd)
{
	struct stat open_st, now;

	if (fstat(cgfd, &open_st))
		return false;
	if (stat(d->dir, &now))
		return errno == ENOENT;
	return open_st.st_ino != now.st_ino || open_st.st_dev != now.st_dev;
}

void fl_cgroup_explain_ebadf(const char *who, const struct fl_cgroup_dir *d,
			     int cgfd)
{
	const char *root = fl_cgroup_root();
	struct statfs sfs;
	char where[PATH_MAX + 64];

	if (root)
		snprintf(where, sizeof(where),
			 "the cgroup2 file system is mounted on %s", root);
	else
		snprintf(where, sizeof(where),
			 "no cgroup2 file system is mounted");
	if (fl_cgroup_gone(d, cgfd))
		fprintf(stderr, "%s: cgroup %s was removed\n", who,
			fl_cgroup_dir_name(d));
	else if (!fstatfs(cgfd, &sfs) && sfs.f_type == CGROUP_SUPER_MAGIC)
		fprintf(stderr,
			"%s: %s is a cgroup v1 directory: faultlat counts the cgroups of cgroup2, the unified hierarchy (%s)\n",
			who, d->dir, where);
	else if (!fstatfs(cgfd, &sfs) && sfs.f_type == CGROUP2_SUPER_MAGIC)
		fprintf(stderr,
			"%s: the module does not take %s as a cgroup2 directory (EBADF): is it in another cgroup namespace?\n",
			who, d->dir);
	else
		fprintf(stderr,
			"%s: %s is not a cgroup: not a directory of the cgroup2 file system (%s)\n",
			who, d->dir, where);
}

/* --- the tree --------------------------------------------------------- */

static int add_node(struct fl_cgroup_tree *t, __u64 id, __u64 parent,
		    unsigned int depth, char *path)
{
	struct fl_cgroup_node *n;

	if (t->nr == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;

		n = realloc(t->nodes, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		t->nodes = n;
		t->cap = cap;
	}
	t->nodes[t->nr++] = (struct fl_cgroup_node){
		.id = id, .parent_id = parent, .depth = depth, .path = path,
	};
	return 0;
}

/* The directories below @dfd (whose path is @path, id @id): closes @dfd. */
static int walk(int dfd, const char *path, __u64 id, unsigned int depth,
		struct fl_cgroup_tree *t)
{
	struct dirent *de;
	struct stat st;
	int err = 0, cfd;
	char *cpath;
	DIR *d;

	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;	/* unreadable: left out */
	}
	while (!err && (de = readdir(d))) {
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(st.st_mode))
			continue;
		if (asprintf(&cpath, "%s/%s", depth ? path : "",
			     de->d_name) < 0) {
			err = -ENOMEM;
			break;
		}
		err = add_node(t, st.st_ino, id, depth + 1, cpath);
		if (err) {
			free(cpath);
			break;
		}
		if (depth + 1 >= WALK_MAX_DEPTH)
			continue;
		cfd = openat(dirfd(d), de->d_name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd >= 0)
			err = walk(cfd, cpath, st.st_ino, depth + 1, t);
	}
	closedir(d);
	return err;
}

static int cmp_node(const void *a, const void *b)
{
	const struct fl_cgroup_node *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int fl_cgroup_walk(const char *root, struct fl_cgroup_tree *t)
{
	struct stat st;
	char *path;
	int fd, err;

	memset(t, 0, sizeof(*t));
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	path = strdup("/");
	if (fstat(fd, &st) || !path) {
		err = path ? -errno : -ENOMEM;
		free(path);
		close(fd);
		return err;
	}
	err = add_node(t, st.st_ino, 0, 0, path);
	if (err) {
		free(path);
		close(fd);
		return err;
	}
	err = walk(fd, path, st.st_ino, 0, t);
	if (err) {
		fl_cgroup_tree_free(t);
		return err;
	}
	qsort(t->nodes, t->nr, sizeof(*t->nodes), cmp_node);
	return 0;
}

const struct fl_cgroup_node *fl_cgroup_lookup(const struct fl_cgroup_tree *t,
					      __u64 id)
{
	struct fl_cgroup_node key = { .id = id };

	if (!t || !t->nr)
		return NULL;
	return bsearch(&key, t->nodes, t->nr, sizeof(key), cmp_node);
}

void fl_cgroup_tree_free(struct fl_cgroup_tree *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		free(t->nodes[i].path);
	free(t->nodes);
	memset(t, 0, sizeof(*t));
}

/* --- sums along the tree ------------------------------------------------ */

static int cmp_sum(const void *a, const void *b)
{
	const struct fl_cgroup_sum *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	/* a record's before a directory's of the same id */
	return (int)y->own - (int)x->own;
}

const struct fl_cgroup_sum *fl_cgroup_sum_find(const struct fl_cgroup_sum *s,
					       __u32 nr, __u64 id)
{
	__u32 lo = 0, hi = nr;

	while (lo < hi) {
		__u32 mid = lo + (hi - lo) / 2;

		if (s[mid].id == id)
			return &s[mid];
		if (s[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Add record @e's faults to @s. */
static void add_record(struct fl_cgroup_sum *s,
		       const struct faultlat_cgroup_entry *e)
{
	struct faultlat_hist *h = &s->all;
	__u64 n = e->minor + e->major;
	unsigned int i;

	s->records++;
	s->minor += e->minor;
	s->major += e->major;
	s->errors += e->errors;
	s->retries += e->retries;
	s->tlb_flushes += e->tlb_flushes;
	s->tlb_flush_ns += e->tlb_flush_ns;
	s->tlb_remote += e->tlb_remote;
	s->tlb_ipis += e->tlb_ipis;
	fl_causes_add(&s->causes, &e->causes, &e->causes_more);
	for (i = 0; i < FAULTLAT_NR_PATHS; i++)
		s->paths[i] += e->paths[i];
	if (!n)
		return;
	if (!h->count || e->min_ns < h->min_ns)
		h->min_ns = e->min_ns;
	if (e->max_ns > h->max_ns)
		h->max_ns = e->max_ns;
	h->count += n;
	h->sum_ns += e->total_ns;
	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++)
		h->buckets[i] += e->buckets[i];
}

int fl_cgroup_sums(const struct faultlat_cgroup_entry *e, __u32 nr_e,
		   const struct fl_cgroup_tree *t, struct fl_cgroup_sum **out,
		   __u32 *nr)
{
	size_t nr_t = t ? t->nr : 0, total = nr_e + nr_t, i, n = 0;
	struct fl_cgroup_sum *s, *p;
	__u32 j, k;

	*out = NULL;
	*nr = 0;
	if (total > UINT32_MAX / 2)
		return -ENOMEM;
	s = calloc(total ? total : 1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (j = 0; j < nr_e; j++)
		s[n++] = (struct fl_cgroup_sum){
			.id = e[j].id, .parent_id = e[j].parent_id,
			.level = e[j].level, .own = true,
		};
	for (i = 0; i < nr_t; i++)
		s[n++] = (struct fl_cgroup_sum){
			.id = t->nodes[i].id, .parent_id = t->nodes[i].parent_id,
			.level = UINT32_MAX,
		};
	/* one per id: a record's parent and level over a directory's */
	qsort(s, n, sizeof(*s), cmp_sum);
	for (i = 0, k = 0; i < n; i++)
		if (!k || s[k - 1].id != s[i].id)
			s[k++] = s[i];
	n = k;

	for (j = 0; j < nr_e; j++) {
		unsigned int up = 0;

		p = (struct fl_cgroup_sum *)fl_cgroup_sum_find(s, n, e[j].id);
		/* up the tree; a cycle (ids reused while we read) ends it */
		while (p && up <= WALK_MAX_DEPTH) {
			add_record(p, &e[j]);
			if (p->level == UINT32_MAX)
				p->level = e[j].level >= up ? e[j].level - up : 0;
			if (!p->parent_id || p->parent_id == p->id)
				break;
			p = (struct fl_cgroup_sum *)fl_cgroup_sum_find(s, n,
								       p->parent_id);
			up++;
		}
	}
	/* only the cgroups with a record in their subtree */
	for (i = 0, k = 0; i < n; i++)
		if (s[i].records)
			s[k++] = s[i];
	*out = s;
	*nr = k;
	return 0;
}
