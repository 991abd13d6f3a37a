/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the faultlat selftests: ioctl wrappers, workloads that
 * fault a known way, and readers of the kernel's own fault accounting
 * (getrusage(), /proc/PID/stat, /proc/vmstat).
 *
 * Nothing here depends on the kselftest harness; see faultlat_check.h for
 * the assertion helpers.
 */
#ifndef FAULTLAT_UTIL_H
#define FAULTLAT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <linux/faultlat.h>

#ifndef RUSAGE_THREAD
#define RUSAGE_THREAD 1
#endif

/* The unprivileged identities of perm_test, fuzz_test, ... */
#define FL_NOBODY	65534
#define FL_NOBODY2	65533	/* a second ordinary user */

/* ioctl wrappers: 0 on success, -1 with errno set otherwise. */
int fl_open(void);
int fl_info(int fd, struct faultlat_info *info);
int fl_global(int fd, struct faultlat_global *g);
int fl_task(int fd, pid_t id, bool process, struct faultlat_task *t);
int fl_list(int fd, __u32 flags, struct faultlat_task_entry *e, __u32 cap,
	    __u32 *nr, __u32 *total);
int fl_reset(int fd);

pid_t fl_gettid(void);
size_t fl_page_size(void);

/* Write every byte of [p, p + len) so that later writes do not fault. */
void fl_prefault(void *p, size_t len);
/* Grow and touch the stack so that deeper calls do not fault. */
void fl_prefault_stack(void);

/*
 * No transparent huge page anywhere in this process and its children
 * (PR_SET_THP_DISABLE): one write faults one page in, and khugepaged
 * never fills a fresh mapping that merged with a THP-eligible neighbour
 * (a thread's stack) before its MADV_NOHUGEPAGE.  0, or -1 with errno.
 */
int fl_no_thp(void);

/* Anonymous private mapping, never huge: each page faults on its own. */
void *fl_map_anon(size_t pages);
void fl_unmap(void *p, size_t pages);
/* One write (or read) per page. */
void fl_touch_write(void *p, size_t pages);
unsigned long fl_touch_read(const void *p, size_t pages);
/* mmap a file, MADV_RANDOM, read one byte per page, unmap. */
int fl_read_file_pages(const char *path, size_t pages, unsigned long *sum);

/*
 * fl_percentile(): the client's own (userspace/percentile.c), linked in:
 * one implementation of the math for the client and the tests.
 */
#include "../../userspace/percentile.h"
/* Index of the first (last) non-empty bucket, -1 if there is none. */
int fl_hist_first(const struct faultlat_hist *h);
int fl_hist_last(const struct faultlat_hist *h);
__u64 fl_hist_bucket_sum(const struct faultlat_hist *h);

/* The kernel's own accounting. */
struct fl_ru {
	__u64 minflt;
	__u64 majflt;
};

int fl_getrusage(int who, struct fl_ru *ru);

/*
 * A task's faults as faultlat and as the kernel account them, read in an
 * order that brackets a workload: getrusage() then the ioctl before it,
 * the ioctl then getrusage() after it.  @who is RUSAGE_THREAD with a tid,
 * or RUSAGE_SELF with the caller's pid and @process.  The caller pre-faults
 * @s (fl_prefault()) before the measured interval.
 */
struct fl_snap {
	struct fl_ru ru;
	struct faultlat_task t;
};

int fl_snap_before(int fd, int who, pid_t id, bool process,
		   struct fl_snap *s);
int fl_snap_after(int fd, int who, pid_t id, bool process,
		  struct fl_snap *s);
/* /proc/PID/stat fields 10 (minflt) and 12 (majflt), the whole process. */
int fl_proc_stat_flt(pid_t pid, struct fl_ru *ru);

/* @path's first @len - 1 bytes, NUL-terminated: 0, or -1 */
int fl_read_file(const char *path, char *buf, size_t len);
/*
 * A bool parameter of the loaded module: its value ('0' or '1') into *@old
 * unless @old is NULL, then @val ('0' or '1') written.  0, or -1.
 */
int fl_mod_param_swap(const char *name, char *old, char val);

/**
 * struct fl_uffd_server - a userfaultfd's page faults, served by a thread
 * @uffd: the userfaultfd (its range registered with MODE_MISSING)
 * @pages: how many faults to serve before the thread returns
 * @delay_us: how long to sleep before serving each
 * @ps: the page size
 * @served: out: how many it served (UFFDIO_COPY of a page of 0x5a), less
 *	than @pages if a read, poll (10 s) or copy failed
 */
struct fl_uffd_server {
	int uffd;
	int pages;
	unsigned int delay_us;
	size_t ps;
	int served;
};

/* A pthread start routine: serve @arg, a struct fl_uffd_server. */
void *fl_uffd_serve(void *arg);

/* /proc/vmstat kept open; read with pread() into a caller's buffer. */
#define FL_VMSTAT_BUF	16384
int fl_vmstat_open(void);
int fl_vmstat_read(int fd, char *buf, size_t len);
int fl_vmstat_get(const char *buf, const char *key, __u64 *val);

/*
 * The running kernel's version, major * 1000 + minor (6.12 is 6012), from
 * uname(); 0 if it cannot be read.
 */
int fl_kernel_version(void);

/*
 * Whether /proc/vmstat's and memory.stat's pgfault count retried
 * handle_mm_fault() calls: up to 6.3 (counted at every call's entry);
 * since 6.4 only calls that do not return VM_FAULT_RETRY.
 */
bool fl_pgfault_counts_retries(void);

/*
 * Whether user-mode faults try the per-VMA lock first (6.4+, x86): those
 * that return VM_FAULT_RETRY there are fallbacks (struct faultlat_task's
 * fallbacks), retried under mmap_lock.
 */
bool fl_vma_lock_faults(void);

/* Capabilities in effect (CapEff of /proc/self/status). */
int fl_cap_eff(__u64 *caps);

/* Run a shell command quietly; its exit status, or -1. */
int fl_system(const char *cmd);

/*
 * A small file system on a brd RAM disk, holding one file of @pages pages,
 * for major faults.  fl_fs_setup() returns 0, or -1 with a reason in
 * @fs->why and @fs->skip set when what is missing is a kernel feature
 * (brd, the file system) rather than a bug.
 */
struct fl_fs {
	char dev[32];
	char mnt[64];
	char file[96];
	char fstype[8];
	char why[160];
	size_t pages;
	bool loaded_brd;
	bool mounted;
	bool skip;
};

int fl_fs_setup(struct fl_fs *fs, const char *fstype, size_t pages);
/* umount + mount: the file's pages leave the page cache. */
int fl_fs_drop_cache(struct fl_fs *fs);
void fl_fs_teardown(struct fl_fs *fs);

/*
 * Why a histogram is not consistent with itself (min or max outside the
 * first or last non-empty bucket, the mean outside [min, max]), or NULL if
 * it is.  The reason is a static string.  The count is not compared with
 * the buckets: the module computes it from them.
 */
const char *fl_hist_torn(const struct faultlat_hist *h);

/* An unsigned number from the environment, or @def if unset or invalid. */
unsigned long fl_env_ul(const char *name, unsigned long def);

/*
 * Loading and unloading the module ($FAULTLAT_KO).  fl_mod_open_ko()
 * returns an O_RDONLY descriptor of it, or -1 (errno ENOENT when the
 * variable is unset).  fl_mod_unload() retries a moment of EBUSY (a
 * reader holding the device or a debugfs file open) for up to 5 s.
 */
#define FL_MODNAME	"faultlat"
bool fl_mod_loaded(void);
long fl_last_pid(void);
int fl_mod_open_ko(void);
int fl_mod_load(int kofd, const char *params);
int fl_mod_unload(void);

/*
 * Give up root: no supplementary groups, gid and uid @uid (real,
 * effective and saved), so no capability either.  0, or -1 with errno.
 */
int fl_drop_to(unsigned int uid);

/* A line in the kernel log (/dev/kmsg), to mark a test's window in it. */
void fl_kmsg(const char *fmt, ...);

/*
 * Run @argv (argv[0] a path) with its stdin from /dev/null, and @env
 * ("NAME=VALUE", or NULL) added to its environment; killed after
 * @timeout_s seconds.  Its stderr, and its stdout with @with_stdout (else
 * thrown away), go to @out, NUL-terminated.  Returns its exit status,
 * 128 + N if a signal N killed it, or -1.
 */
int fl_run_capture(char *const argv[], const char *env, bool with_stdout,
		   unsigned int timeout_s, char *out, size_t len);

/* A field of /proc/meminfo, in KiB.  0, or -1 with errno. */
int fl_meminfo(const char *key, __u64 *kib);

#endif /* FAULTLAT_UTIL_H */
