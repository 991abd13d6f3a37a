/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: the cgroup2 file system.  Where it is mounted, the
 * directory a cgroup argument names, the ids of the cgroups under it (a
 * cgroup's id is the inode number of its directory), and the sums of the
 * module's per-cgroup records along the tree.  No device access: the pure
 * parts are unit-tested in tests/cgroup_test.c.
 */
#ifndef FAULTLAT_CGROUP_H
#define FAULTLAT_CGROUP_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/faultlat.h>

#include "causes.h"

/*
 * fl_cgroup_mountinfo() - the mount point of the cgroup2 file system in
 * @f, a file in the format of /proc/self/mountinfo: the first cgroup2
 * mount of its root ("/"), else the first cgroup2 mount; its octal escapes
 * ("\040" for a space) decoded.  Returns 0 with the path in @buf, -ENOENT
 * if there is none, or -ENAMETOOLONG if it does not fit in @len.
 */
int fl_cgroup_mountinfo(FILE *f, char *buf, size_t len);

/*
 * fl_cgroup_root() - where the cgroup2 file system is: $FAULTLAT_CGROUPFS
 * if set and not empty, else its mount point in /proc/self/mountinfo;
 * NULL if none is mounted.  Resolved (realpath()) when it exists.
 */
const char *fl_cgroup_root(void);

/**
 * struct fl_cgroup_dir - a cgroup named on the command line, found
 * @dir: its directory, absolute, symbolic links resolved
 * @path: its path below the cgroup2 root ("/" for the root,
 *	"/system.slice/ssh.service"); NULL when @dir is not under
 *	fl_cgroup_root()
 */
struct fl_cgroup_dir {
	char *dir;
	char *path;
};

/*
 * fl_cgroup_find() - the directory of the cgroup @arg names:
 *
 * - an absolute path: that directory, or, when it is not under the cgroup2
 *   root and that root has it, the directory below the root (the paths of
 *   /proc/PID/cgroup: "/system.slice/ssh.service"; "/" is the root);
 * - "./..." or "../...": relative to the working directory;
 * - another relative path: below the cgroup2 root ("system.slice/ssh.service");
 * - a name without '/' that no directory of the root has: the one cgroup
 *   of that name in the tree ("ssh.service", "user.slice"), or NAME.service
 *   for a name without a suffix ("ssh"), as systemctl takes unit names.
 *
 * Returns 0 and fills @out (free it with fl_cgroup_dir_free()), or -1
 * after printing why, each message starting with @who ("faultlat hist").
 */
int fl_cgroup_find(const char *who, const char *arg, struct fl_cgroup_dir *out);
void fl_cgroup_dir_free(struct fl_cgroup_dir *d);

/* The name to show for @d: its path below the root, else its directory. */
const char *fl_cgroup_dir_name(const struct fl_cgroup_dir *d);

/*
 * fl_cgroup_explain_ebadf() - why the module refused @cgfd, open on @d,
 * as not a cgroup2 directory (EBADF): print it, each message starting
 * with @who.
 */
void fl_cgroup_explain_ebadf(const char *who, const struct fl_cgroup_dir *d,
			     int cgfd);

/*
 * fl_cgroup_gone() - the cgroup @d, whose directory @cgfd is open on, was
 * removed since: no directory of its path, or another one.
 */
bool fl_cgroup_gone(const struct fl_cgroup_dir *d, int cgfd);

/* A directory of the cgroup2 tree. */
struct fl_cgroup_node {
	__u64 id;		/* the inode number of the directory */
	__u64 parent_id;	/* its parent's; 0 for the root of the walk */
	unsigned int depth;	/* below the root of the walk: 0 for it */
	char *path;		/* "/", "/system.slice", ... */
};

/* Every directory of a cgroup2 tree, by id. */
struct fl_cgroup_tree {
	struct fl_cgroup_node *nodes;
	size_t nr;
	size_t cap;
};

/*
 * fl_cgroup_walk() - every directory under @root (itself included) into
 * @t, sorted by id: what maps the module's cgroup ids to paths.  A
 * directory that cannot be read is left out with what is below it.
 * Returns 0, or a negative errno (@root cannot be opened, no memory).
 */
int fl_cgroup_walk(const char *root, struct fl_cgroup_tree *t);
const struct fl_cgroup_node *fl_cgroup_lookup(const struct fl_cgroup_tree *t,
					      __u64 id);
void fl_cgroup_tree_free(struct fl_cgroup_tree *t);

/*
 * A cgroup's faults with its descendants': the sum of the records of
 * FAULTLAT_IOC_CGROUP_LIST in its subtree.
 */
struct fl_cgroup_sum {
	__u64 id;
	__u64 parent_id;	/* 0: the root, or unknown */
	__u32 level;		/* depth below the root cgroup */
	__u32 records;		/* records added up (its own included) */
	bool own;		/* it has a record of its own */
	__u64 minor;
	__u64 major;
	__u64 errors;
	__u64 retries;
	struct faultlat_hist all;	/* minor and major faults' latency */
	__u64 tlb_flushes;		/* TLB flushes its tasks initiated */
	__u64 tlb_flush_ns;
	__u64 tlb_remote;
	__u64 tlb_ipis;
	struct fl_causes causes;	/* time by cause (module 0.7; the
					 * causes after the first five 0.8)
					 */
	__u64 paths[FAULTLAT_NR_PATHS];	/* faults by path (module 0.7) */
};

/*
 * fl_cgroup_sums() - the sums of every cgroup with a record in its subtree:
 * each record added to its own cgroup and to every ancestor, as its
 * parent_id and theirs lead (to a parent without a record of its own
 * through @t's directories, which may be NULL).  *@out, sorted by id, is
 * a malloc()ed array of *@nr sums that the caller frees.  Returns 0 or
 * -ENOMEM.
 */
int fl_cgroup_sums(const struct faultlat_cgroup_entry *e, __u32 nr_e,
		   const struct fl_cgroup_tree *t, struct fl_cgroup_sum **out,
		   __u32 *nr);
const struct fl_cgroup_sum *fl_cgroup_sum_find(const struct fl_cgroup_sum *s,
					       __u32 nr, __u64 id);

#endif /* FAULTLAT_CGROUP_H */
