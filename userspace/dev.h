/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: access to /dev/faultlat.
 *
 * Every fl_dev_*() call returns 0 or a negative errno and prints nothing;
 * fl_dev_error() turns such an errno into a message for the user.
 */
#ifndef FAULTLAT_DEV_H
#define FAULTLAT_DEV_H

#include <stdbool.h>
#include <linux/faultlat.h>

#define FL_COMM_LEN	16

/* What was asked, for fl_dev_error()'s messages. */
enum fl_op {
	FL_OP_INFO,
	FL_OP_GLOBAL,
	FL_OP_THREAD,
	FL_OP_PROCESS,
	FL_OP_LIST,
	FL_OP_RESET,
	FL_OP_TLB_GLOBAL,
	FL_OP_TLB_THREAD,
	FL_OP_TLB_PROCESS,
	FL_OP_CONFIG,		/* reading the settings */
	FL_OP_CGROUP,
	FL_OP_CGROUP_LIST,
};

/* $FAULTLAT_DEVICE if set and not empty, else FAULTLAT_DEVICE. */
const char *fl_dev_path(void);

/* Open the device read-only, close-on-exec; on error print why, return -1. */
int fl_dev_open(void);

int fl_dev_info(int fd, struct faultlat_info *info);
int fl_dev_global(int fd, struct faultlat_global *g);
int fl_dev_task(int fd, __u32 id, bool process, struct faultlat_task *t);
int fl_dev_reset(int fd);
int fl_dev_tlb_task(int fd, __u32 id, bool process,
		    struct faultlat_tlb_task *t);

/*
 * FAULTLAT_IOC_CONFIG: read the settings into @c, or, with @set, change
 * them to @c's first (then @c holds the settings in force).
 */
int fl_dev_config(int fd, struct faultlat_config *c);

/*
 * FAULTLAT_IOC_TLB_GLOBAL.  With @cpus NULL, no per-CPU array is asked
 * for.  Otherwise *@cpus becomes a malloc()ed array of *@nr entries, one
 * per possible CPU, that the caller frees.
 */
int fl_dev_tlb_global(int fd, struct faultlat_tlb_global *g,
		      struct faultlat_tlb_cpu **cpus, __u32 *nr);

/*
 * FAULTLAT_IOC_TREE: follow @pid and its descendants (*@tree: the id),
 * read the tree (*@entries: a malloc()ed array of *@nr processes that the
 * caller frees; @t: the sums), close it.
 */
int fl_dev_tree_open(int fd, __u32 pid, __u32 *tree);
int fl_dev_tree_read(int fd, __u32 tree, struct faultlat_tree *t,
		     struct faultlat_tree_entry **entries, __u32 *nr);
int fl_dev_tree_close(int fd, __u32 tree);

/*
 * List records (@flags: 0 or FAULTLAT_TASK_PROCESS).  On success *@entries
 * is a malloc()ed array of *@nr entries that the caller frees.
 */
int fl_dev_list(int fd, __u32 flags, struct faultlat_task_entry **entries,
		__u32 *nr);

/*
 * FAULTLAT_IOC_CGROUP of the cgroup whose directory @cgfd is open on
 * (@flags: 0 or FAULTLAT_CGROUP_OWN).
 */
int fl_dev_cgroup(int fd, int cgfd, __u32 flags, struct faultlat_cgroup *c);

/*
 * FAULTLAT_IOC_CGROUP_LIST: on success *@entries is a malloc()ed array of
 * the *@nr records, which the caller frees.
 */
int fl_dev_cgroup_list(int fd, struct faultlat_cgroup_entry **entries,
		       __u32 *nr);

/* The module has cgroup statistics (version 0.4 or later). */
bool fl_dev_has_cgroups(const struct faultlat_info *info);

/*
 * Print a message for @err (a negative errno from an fl_dev_*() call) on
 * @fd about @op; @id is the pid or tid for FL_OP_THREAD and FL_OP_PROCESS.
 */
void fl_dev_error(int fd, enum fl_op op, __u32 id, int err);

struct fl_cgroup_dir;

/*
 * The same for FAULTLAT_IOC_CGROUP of @cg, whose directory @cgfd is open
 * on: the messages name the cgroup.
 */
void fl_dev_cgroup_error(int fd, const struct fl_cgroup_dir *cg, int cgfd,
			 int err);

/*
 * Check that the module speaks our ABI (version and number of buckets);
 * print why not and return -1 if it does not.
 */
int fl_dev_check_abi(const struct faultlat_info *info);

/*
 * fl_dev_open_checked() - open the device, read FAULTLAT_IOC_INFO into
 * @info and check the ABI: what every command that reads statistics does
 * first.  Returns the fd, or -1 after printing why.
 */
int fl_dev_open_checked(struct faultlat_info *info);

/*
 * fl_module_param() - a bool parameter of the loaded module,
 * /sys/module/faultlat/parameters/@name: 1 on ("Y"), 0 off, -1 if it
 * cannot be read (a module without it, or none loaded).
 */
int fl_module_param(const char *name);

/* Copy a NUL-padded comm into @buf as a C string. */
void fl_comm(const __u64 comm[2], char buf[FL_COMM_LEN + 1]);

#endif /* FAULTLAT_DEV_H */
