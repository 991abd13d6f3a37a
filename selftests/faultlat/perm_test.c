// SPDX-License-Identifier: GPL-2.0
/*
 * Unprivileged access to /dev/faultlat: a process of uid 65534 without
 * CAP_PERFMON or CAP_SYS_ADMIN reads its own statistics and nothing else,
 * and sees no kernel address.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"

#define NR_LIST		256
#define NR_DEBUGFS	3

static const char * const debugfs_files[NR_DEBUGFS] = {
	"/sys/kernel/debug/faultlat/summary",
	"/sys/kernel/debug/faultlat/tasks",
	"/sys/kernel/debug/faultlat/histograms",
};

/* What the unprivileged process saw, handed back in shared memory. */
struct perm_res {
	pid_t root_pid;		/* in: the privileged test process */
	pid_t pid;		/* the unprivileged process */
	int step, err;		/* a failed preparation step and its errno */
	__u64 cap_eff;
	int open_err;
	int info_err, global_err, reset_err;
	int own_proc_err, own_thread_err;
	int root_proc_err, root_thread_err, init_err;
	int list_err, list_proc_err;
	int config_err, config_set_err;
	bool tlb;		/* the TLB-flush probes are attached */
	int tlb_global_err, tlb_own_err, tlb_root_err;
	struct fl_snap own_proc, own_thread;
	struct faultlat_info info;
	__u32 list_nr, list_total, list_proc_nr, list_proc_total;
	struct faultlat_task_entry list[NR_LIST];
	struct faultlat_task_entry list_proc[NR_LIST];
	/* /proc/PID/status real and effective uid of each listed task */
	int list_uid[NR_LIST], list_euid[NR_LIST];
	int debugfs_err[NR_DEBUGFS];
	int debugfs_kaddr[NR_DEBUGFS];
};

static int err_of(int ret)
{
	return ret ? errno : 0;
}

/* -1 if the task is gone */
static void proc_uids(pid_t pid, int *uid, int *euid)
{
	char path[64], buf[4096], *p;
	ssize_t n;
	int fd;

	*uid = -1;
	*euid = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	p = strstr(buf, "\nUid:");
	if (!p || sscanf(p + 5, "%d %d", uid, euid) != 2) {
		*uid = -2;	/* unreadable: counts as a mismatch */
		*euid = -2;
	}
}

/* Does any aligned 64-bit word look like a kernel address? */
static bool has_kaddr(const void *p, size_t len)
{
	const __u64 *w = p;
	size_t i;

	for (i = 0; i < len / sizeof(*w); i++)
		if ((w[i] >> 48) == 0xffff && w[i] != ~0ULL)
			return true;
	return false;
}

/* -1: could not open it; else 1 if it holds "ffff", 0 if not */
static int debugfs_scan(const char *path, int *err)
{
	static char buf[1 << 16];
	ssize_t n;
	int fd, hit = 0;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	*err = 0;
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		if (strcasestr(buf, "ffff"))
			hit = 1;
	}
	close(fd);
	return hit;
}

/* The unprivileged process: look at everything, judge nothing. */
static noreturn void unprivileged(struct perm_res *r, int go)
{
	struct faultlat_tlb_global tg;
	struct faultlat_tlb_task tt;
	struct faultlat_config cfg;
	struct faultlat_global g;
	struct faultlat_task t;
	char c;
	int fd, i;

	/* wait until our parent (still uid 0 when we began) is reaped */
	if (read(go, &c, 1) != 1) {
		r->step = 10;
		r->err = errno;
		_exit(1);
	}
	r->pid = getpid();
	fl_cap_eff(&r->cap_eff);

	fd = fl_open();
	r->open_err = err_of(fd < 0);
	if (fd < 0)
		_exit(0);

	r->info_err = err_of(fl_info(fd, &r->info));
	r->global_err = err_of(fl_global(fd, &g));
	r->reset_err = err_of(fl_reset(fd));

	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	r->config_err = err_of(ioctl(fd, FAULTLAT_IOC_CONFIG, &cfg));
	cfg.flags = FAULTLAT_CONFIG_SET;
	r->config_set_err = err_of(ioctl(fd, FAULTLAT_IOC_CONFIG, &cfg));

	r->tlb = r->info.probes & FAULTLAT_PROBE_TLB_RANGE;
	memset(&tg, 0, sizeof(tg));
	tg.size = sizeof(tg);
	r->tlb_global_err = err_of(ioctl(fd, FAULTLAT_IOC_TLB_GLOBAL, &tg));
	memset(&tt, 0, sizeof(tt));
	tt.size = sizeof(tt);
	tt.flags = FAULTLAT_TASK_PROCESS;
	tt.id = getpid();
	r->tlb_own_err = err_of(ioctl(fd, FAULTLAT_IOC_TLB_TASK, &tt));
	tt.id = r->root_pid;
	r->tlb_root_err = err_of(ioctl(fd, FAULTLAT_IOC_TLB_TASK, &tt));

	fl_prefault_stack();
	r->own_proc_err = err_of(fl_snap_after(fd, RUSAGE_SELF, getpid(),
					       true, &r->own_proc));
	r->own_thread_err = err_of(fl_snap_after(fd, RUSAGE_THREAD,
						 fl_gettid(), false,
						 &r->own_thread));
	r->root_proc_err = err_of(fl_task(fd, r->root_pid, true, &t));
	r->root_thread_err = err_of(fl_task(fd, r->root_pid, false, &t));
	r->init_err = err_of(fl_task(fd, 1, true, &t));

	r->list_err = err_of(fl_list(fd, 0, r->list, NR_LIST, &r->list_nr,
				     &r->list_total));
	r->list_proc_err = err_of(fl_list(fd, FAULTLAT_TASK_PROCESS,
					  r->list_proc, NR_LIST,
					  &r->list_proc_nr,
					  &r->list_proc_total));
	for (i = 0; i < (int)r->list_nr && i < NR_LIST; i++)
		proc_uids(r->list[i].pid, &r->list_uid[i], &r->list_euid[i]);

	for (i = 0; i < NR_DEBUGFS; i++)
		r->debugfs_kaddr[i] = debugfs_scan(debugfs_files[i],
						   &r->debugfs_err[i]);
	close(fd);
	_exit(0);
}

static noreturn void drop_and_fork(struct perm_res *r, int go)
{
	pid_t pid;

	if (setgroups(0, NULL)) {
		r->step = 1;
		goto fail;
	}
	if (setgid(FL_NOBODY)) {
		r->step = 2;
		goto fail;
	}
	if (setuid(FL_NOBODY)) {
		r->step = 3;
		goto fail;
	}
	/*
	 * faultlat records the uid a task had when first seen; this process
	 * was seen as root, so the checks run in a child that never was.
	 */
	pid = fork();
	if (pid < 0) {
		r->step = 4;
		goto fail;
	}
	if (pid == 0)
		unprivileged(r, go);
	r->pid = pid;
	_exit(0);
fail:
	r->err = errno;
	_exit(1);
}

static bool only_errno(int err, int a, int b)
{
	return err == a || err == b;
}

TEST(unprivileged_access)
{
	struct perm_res *r;
	int go[2], status, i;
	bool own = false;
	pid_t a, b;
	int fd;

	fd = fl_open();
	if (fd < 0)
		SKIP(return, "%s: %s (is faultlat loaded?)", FAULTLAT_DEVICE,
		     strerror(errno));
	close(fd);
	if (geteuid() != 0)
		SKIP(return, "needs root to drop to uid %d", FL_NOBODY);

	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, r);
	r->root_pid = getpid();
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	ASSERT_EQ(0, pipe(go));

	a = fork();
	ASSERT_LE(0, a);
	if (a == 0) {
		close(go[1]);
		drop_and_fork(r, go[0]);
	}
	close(go[0]);
	ASSERT_EQ(a, waitpid(a, &status, 0));
	ASSERT_EQ(0, r->step)
		TH_LOG("dropping privileges, step %d: %s", r->step,
		       strerror(r->err));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	b = r->pid;
	/* the first child is reaped: its record is gone; let the second go */
	ASSERT_EQ(1, write(go[1], "g", 1));
	close(go[1]);
	ASSERT_EQ(b, waitpid(b, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("step %d: %s", r->step, strerror(r->err));
	ASSERT_EQ(b, r->pid);

	ASSERT_EQ(0, r->cap_eff) TH_LOG("uid %d kept capabilities", FL_NOBODY);
	if (r->open_err)
		SKIP(return, "uid %d cannot open %s: %s", FL_NOBODY,
		     FAULTLAT_DEVICE, strerror(r->open_err));

	/* Anyone who may open the device may ask for INFO. */
	ASSERT_EQ(0, r->info_err) TH_LOG("INFO: %s", strerror(r->info_err));
	ASSERT_FALSE(has_kaddr(&r->info, sizeof(r->info)));

	/* Global and reset need CAP_PERFMON or CAP_SYS_ADMIN. */
	ASSERT_EQ(EPERM, r->global_err)
		TH_LOG("GLOBAL: %s", strerror(r->global_err));
	ASSERT_EQ(EPERM, r->reset_err)
		TH_LOG("RESET: %s", strerror(r->reset_err));

	/* Settings: anyone reads them, only the privileged change them. */
	ASSERT_EQ(0, r->config_err)
		TH_LOG("CONFIG (read): %s", strerror(r->config_err));
	ASSERT_EQ(EPERM, r->config_set_err)
		TH_LOG("CONFIG (set): %s", strerror(r->config_set_err));

	/* TLB flushes: as GLOBAL and TASK. */
	if (r->tlb) {
		ASSERT_EQ(EPERM, r->tlb_global_err)
			TH_LOG("TLB_GLOBAL: %s", strerror(r->tlb_global_err));
		ASSERT_TRUE(only_errno(r->tlb_root_err, EACCES, EPERM))
			TH_LOG("TLB_TASK(root's %d): %s", r->root_pid,
			       strerror(r->tlb_root_err));
		/* its own: allowed (it has a record: it faulted) */
		ASSERT_EQ(0, r->tlb_own_err)
			TH_LOG("TLB_TASK(own): %s", strerror(r->tlb_own_err));
	}

	/* Its own process and thread: readable, and right. */
	ASSERT_EQ(0, r->own_proc_err)
		TH_LOG("TASK(PROCESS, own): %s", strerror(r->own_proc_err));
	ASSERT_EQ(0, r->own_thread_err)
		TH_LOG("TASK(own tid): %s", strerror(r->own_thread_err));
	ASSERT_EQ(FL_NOBODY, r->own_proc.t.uid);
	ASSERT_EQ(FL_NOBODY, r->own_thread.t.uid);
	ASSERT_EQ((__u32)b, r->own_proc.t.tgid);
	fl_check_abs(_metadata, "unprivileged process", &r->own_proc);
	fl_check_abs(_metadata, "unprivileged thread", &r->own_thread);
	ASSERT_LT(0, r->own_proc.t.stats.minor.count);
	ASSERT_FALSE(has_kaddr(&r->own_proc.t, sizeof(r->own_proc.t)));
	ASSERT_FALSE(has_kaddr(&r->own_thread.t, sizeof(r->own_thread.t)));

	/* Root's tasks: another user's. */
	ASSERT_TRUE(only_errno(r->root_proc_err, EACCES, EPERM))
		TH_LOG("TASK(PROCESS, root's %d): %s", r->root_pid,
		       strerror(r->root_proc_err));
	ASSERT_TRUE(only_errno(r->root_thread_err, EACCES, EPERM))
		TH_LOG("TASK(root's %d): %s", r->root_pid,
		       strerror(r->root_thread_err));
	/* init: another user's, or never faulted since the load */
	ASSERT_TRUE(r->init_err == EACCES || r->init_err == EPERM ||
		    r->init_err == ESRCH)
		TH_LOG("TASK(PROCESS, 1): %s", strerror(r->init_err));

	/* LIST: its own tasks only; all of uid 65534, and it is there. */
	ASSERT_EQ(0, r->list_err) TH_LOG("LIST: %s", strerror(r->list_err));
	ASSERT_EQ(r->list_total, r->list_nr);
	ASSERT_LE(1, r->list_nr);
	for (i = 0; i < (int)r->list_nr; i++) {
		ASSERT_EQ(FL_NOBODY, r->list[i].uid)
			TH_LOG("entry %d: pid %u", i, r->list[i].pid);
		if (r->list_uid[i] != -1) {
			ASSERT_EQ(FL_NOBODY, r->list_uid[i])
				TH_LOG("pid %u's real uid", r->list[i].pid);
			ASSERT_EQ(FL_NOBODY, r->list_euid[i])
				TH_LOG("pid %u's effective uid",
				       r->list[i].pid);
		}
		if (r->list[i].tgid == (__u32)b)
			own = true;
	}
	ASSERT_TRUE(own) TH_LOG("own process not in its LIST");
	ASSERT_FALSE(has_kaddr(r->list, r->list_nr * sizeof(r->list[0])));

	ASSERT_EQ(0, r->list_proc_err);
	ASSERT_EQ(r->list_proc_total, r->list_proc_nr);
	ASSERT_LE(1, r->list_proc_nr);
	for (i = 0; i < (int)r->list_proc_nr; i++) {
		ASSERT_EQ(FL_NOBODY, r->list_proc[i].uid);
		ASSERT_TRUE(r->list_proc[i].flags & FAULTLAT_TASK_PROCESS);
	}

	/* debugfs: root only; if readable at all, no kernel address. */
	for (i = 0; i < NR_DEBUGFS; i++) {
		if (r->debugfs_kaddr[i] < 0) {
			ASSERT_TRUE(only_errno(r->debugfs_err[i], EACCES,
					       EPERM) ||
				    r->debugfs_err[i] == ENOENT)
				TH_LOG("%s: %s", debugfs_files[i],
				       strerror(r->debugfs_err[i]));
			continue;
		}
		ASSERT_EQ(0, r->debugfs_kaddr[i])
			TH_LOG("%s shows \"ffff\" to uid %d",
			       debugfs_files[i], FL_NOBODY);
	}
	munmap(r, sizeof(*r));
}

/* Root, by contrast, sees every debugfs file and no address there either. */
TEST(debugfs_no_kernel_address)
{
	int i, err, hit;

	if (access("/sys/kernel/debug/faultlat", F_OK))
		SKIP(return, "no /sys/kernel/debug/faultlat (no debugfs or no faultlat)");
	for (i = 0; i < NR_DEBUGFS; i++) {
		hit = debugfs_scan(debugfs_files[i], &err);
		ASSERT_LE(0, hit)
			TH_LOG("%s: %s", debugfs_files[i], strerror(err));
		ASSERT_EQ(0, hit)
			TH_LOG("%s holds \"ffff\"", debugfs_files[i]);
	}
}

TEST_HARNESS_MAIN
