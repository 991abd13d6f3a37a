// SPDX-License-Identifier: GPL-2.0
/*
 * Unprivileged access to /dev/faultlat: a process of uid 65534 without
 * CAP_PERFMON or CAP_SYS_ADMIN reads its own statistics and nothing else,
 * and sees no kernel address; uids 65534 and 65533 side by side do not see
 * each other, through the ioctls or the client.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <stdatomic.h>
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
	/*
	 * The process that dropped from root: TASK of itself, thread and
	 * process, once it is uid 65534
	 */
	int dropped_thread_err, dropped_proc_err;
	__u32 dropped_thread_uid, dropped_proc_uid;
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
	struct faultlat_task t;
	pid_t pid;
	int fd;

	/* a fault as root: its records are made with uid 0 */
	fl_prefault_stack();
	if (fl_drop_to(FL_NOBODY)) {
		r->step = 1;
		goto fail;
	}
	/* the uid shown is its real uid now, as in /proc/PID/status */
	r->dropped_thread_err = EBADF;
	r->dropped_proc_err = EBADF;
	fd = fl_open();
	if (fd >= 0) {
		r->dropped_thread_err = err_of(fl_task(fd, fl_gettid(), false,
						       &t));
		r->dropped_thread_uid = t.uid;
		r->dropped_proc_err = err_of(fl_task(fd, getpid(), true, &t));
		r->dropped_proc_uid = t.uid;
		close(fd);
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

	/*
	 * A process that was root when faultlat first saw it, then dropped
	 * to 65534, is shown as 65534 (and readable: it is its own).
	 */
	ASSERT_EQ(0, r->dropped_thread_err)
		TH_LOG("TASK(own tid, after setuid): %s",
		       strerror(r->dropped_thread_err));
	ASSERT_EQ(0, r->dropped_proc_err)
		TH_LOG("TASK(PROCESS, own, after setuid): %s",
		       strerror(r->dropped_proc_err));
	ASSERT_EQ(FL_NOBODY, r->dropped_thread_uid);
	ASSERT_EQ(FL_NOBODY, r->dropped_proc_uid);

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

/* --- two ordinary users, side by side --- */

#define CLIENT_OUT	(64 * 1024)

/* One user's view, in shared memory. */
struct user_view {
	unsigned int uid;
	pid_t pid;			/* its process (never root) */
	int step, err;
	int own_err, own_thread_err, own_tlb_err;
	int other_err, other_thread_err, other_tlb_err;
	int global_err, tlb_global_err, reset_err, config_set_err;
	int list_err;
	__u32 list_nr, list_foreign;	/* entries of another uid */
	bool list_has_other;		/* the other user's process listed */
	int client_status[4];		/* status, tasks, hist -p own, other */
	int client_kaddr;		/* "ffff" in the client's output */
	bool kaddr;			/* a kernel address in an ioctl's output */
};

struct two_users {
	atomic_int ready, done, release;
	struct user_view u[2];
};

static void user_client(struct user_view *v, pid_t other)
{
	const char *client = getenv("FAULTLAT_CLIENT");
	char own[16], oth[16];
	char *cmds[4][3] = {
		{ "status" }, { "tasks" }, { "hist", "-p", own },
		{ "hist", "-p", oth },
	};
	char *out;
	int i;

	for (i = 0; i < 4; i++)
		v->client_status[i] = -2;	/* not run */
	out = malloc(CLIENT_OUT);
	if (!client || !*client || !out)
		goto out;
	snprintf(own, sizeof(own), "%d", getpid());
	snprintf(oth, sizeof(oth), "%d", other);
	for (i = 0; i < 4; i++) {
		char *argv[5] = { (char *)client };

		memcpy(argv + 1, cmds[i], 3 * sizeof(*argv));
		v->client_status[i] = fl_run_capture(argv, NULL, true, 20, out,
						     CLIENT_OUT);
		if (strcasestr(out, "ffff"))
			v->client_kaddr = i + 1;
	}
out:
	free(out);
}

/* The unprivileged process of user @me: look at itself and the other. */
static noreturn void user_proc(struct two_users *tu, int me, int go)
{
	struct user_view *v = &tu->u[me];
	struct faultlat_task_entry *list;
	struct faultlat_tlb_global tg;
	struct faultlat_tlb_task tt;
	struct faultlat_config cfg;
	struct faultlat_global g;
	struct faultlat_task t;
	pid_t other;
	char c;
	int fd, i;

	if (read(go, &c, 1) != 1) {
		v->step = 10;
		_exit(1);
	}
	v->pid = getpid();
	list = calloc(NR_LIST, sizeof(*list));
	fd = fl_open();
	if (fd < 0 || !list) {
		v->step = 11;
		v->err = errno;
		_exit(1);
	}
	/* fault, so that both have records, then wait for the other */
	fl_prefault_stack();
	atomic_fetch_add(&tu->ready, 1);
	for (i = 0; i < 3000 && atomic_load(&tu->ready) < 2; i++)
		usleep(10000);
	other = tu->u[!me].pid;

	v->own_err = err_of(fl_task(fd, getpid(), true, &t));
	v->kaddr |= !v->own_err && has_kaddr(&t, sizeof(t));
	v->own_thread_err = err_of(fl_task(fd, fl_gettid(), false, &t));
	v->other_err = err_of(fl_task(fd, other, true, &t));
	v->other_thread_err = err_of(fl_task(fd, other, false, &t));
	memset(&tt, 0, sizeof(tt));
	tt.size = sizeof(tt);
	tt.flags = FAULTLAT_TASK_PROCESS;
	tt.id = getpid();
	v->own_tlb_err = err_of(ioctl(fd, FAULTLAT_IOC_TLB_TASK, &tt));
	tt.id = other;
	v->other_tlb_err = err_of(ioctl(fd, FAULTLAT_IOC_TLB_TASK, &tt));
	v->global_err = err_of(fl_global(fd, &g));
	memset(&tg, 0, sizeof(tg));
	tg.size = sizeof(tg);
	v->tlb_global_err = err_of(ioctl(fd, FAULTLAT_IOC_TLB_GLOBAL, &tg));
	v->reset_err = err_of(fl_reset(fd));
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.flags = FAULTLAT_CONFIG_SET;
	cfg.min_latency_ns = 12345;
	v->config_set_err = err_of(ioctl(fd, FAULTLAT_IOC_CONFIG, &cfg));
	v->list_err = err_of(fl_list(fd, 0, list, NR_LIST, &v->list_nr, NULL));
	for (i = 0; !v->list_err && i < (int)v->list_nr && i < NR_LIST; i++) {
		if (list[i].uid != v->uid)
			v->list_foreign++;
		if (list[i].tgid == (__u32)other)
			v->list_has_other = true;
	}
	v->kaddr |= has_kaddr(list, v->list_nr * sizeof(*list));
	close(fd);
	user_client(v, other);

	/* stay alive (and so readable) until the other is done too */
	atomic_fetch_add(&tu->done, 1);
	for (i = 0; i < 3000 && !atomic_load(&tu->release); i++)
		usleep(10000);
	_exit(0);
}

/* Drop to @uid in a child that forks the process that was never root. */
static pid_t spawn_user(struct two_users *tu, int me, int go)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	if (fl_drop_to(tu->u[me].uid)) {
		tu->u[me].step = 1;
		tu->u[me].err = errno;
		_exit(1);
	}
	pid = fork();
	if (pid == 0)
		user_proc(tu, me, go);
	_exit(pid < 0);
}

/*
 * Issue 8, permissions 6: uid 65534 and uid 65533 at once.  Each reads
 * its own process, thread and TLB record; the other's are EACCES; the
 * global views, reset and changing the settings are EPERM; LIST holds
 * only its own uid's tasks; the client (status, tasks, hist of itself and
 * of the other) shows no kernel address, and refuses the other's hist.
 */
TEST(two_users)
{
	struct two_users *tu;
	int go[2][2], me, status, i;
	pid_t a;

	if (geteuid() != 0)
		SKIP(return, "needs root to drop to uids %d and %d", FL_NOBODY,
		     FL_NOBODY2);
	tu = mmap(NULL, sizeof(*tu), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, tu);
	tu->u[0].uid = FL_NOBODY;
	tu->u[1].uid = FL_NOBODY2;
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	for (me = 0; me < 2; me++) {
		ASSERT_EQ(0, pipe(go[me]));
		a = spawn_user(tu, me, go[me][0]);
		ASSERT_LE(0, a);
		close(go[me][0]);
		/* the dropping child is reaped: its record (seen as root) goes */
		ASSERT_EQ(a, waitpid(a, &status, 0));
		ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("uid %u: step %d: %s", tu->u[me].uid,
			       tu->u[me].step, strerror(tu->u[me].err));
	}
	for (me = 0; me < 2; me++) {
		ASSERT_EQ(1, write(go[me][1], "g", 1));
		close(go[me][1]);
	}
	for (i = 0; i < 6000 && atomic_load(&tu->done) < 2; i++)
		usleep(10000);
	atomic_store(&tu->release, 1);
	for (me = 0; me < 2; me++) {
		ASSERT_LT(0, waitpid(-1, &status, 0));
		ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}

	for (me = 0; me < 2; me++) {
		struct user_view *v = &tu->u[me];

		FL_INFO("uid %u: errnos: own %d/%d/%d, other's %d/%d/%d\n",
			v->uid, v->own_err, v->own_thread_err, v->own_tlb_err,
			v->other_err, v->other_thread_err, v->other_tlb_err);
		FL_INFO("uid %u: errnos: global %d/%d, reset %d, set %d\n",
			v->uid, v->global_err, v->tlb_global_err, v->reset_err,
			v->config_set_err);
		FL_INFO("uid %u: list %u entries (%u foreign), client %d %d %d %d\n",
			v->uid, v->list_nr, v->list_foreign,
			v->client_status[0], v->client_status[1],
			v->client_status[2], v->client_status[3]);
		ASSERT_EQ(0, v->step) TH_LOG("uid %u: step %d: %s", v->uid,
					     v->step, strerror(v->err));
		ASSERT_EQ(0, v->own_err);
		ASSERT_EQ(0, v->own_thread_err);
		ASSERT_EQ(EACCES, v->other_err);
		ASSERT_EQ(EACCES, v->other_thread_err);
		ASSERT_EQ(EPERM, v->global_err);
		ASSERT_EQ(EPERM, v->reset_err);
		ASSERT_EQ(EPERM, v->config_set_err);
		ASSERT_EQ(EPERM, v->tlb_global_err);
		if (v->own_tlb_err != ESRCH) {	/* no TLB probes: no record */
			ASSERT_EQ(0, v->own_tlb_err);
			ASSERT_EQ(EACCES, v->other_tlb_err);
		}
		ASSERT_EQ(0, v->list_err);
		ASSERT_LE(1, v->list_nr);
		ASSERT_EQ(0, v->list_foreign);
		ASSERT_FALSE(v->list_has_other);
		ASSERT_FALSE(v->kaddr);
		if (v->client_status[0] != -2) {
			ASSERT_EQ(0, v->client_status[0]) TH_LOG("status");
			ASSERT_EQ(0, v->client_status[1]) TH_LOG("tasks");
			ASSERT_EQ(0, v->client_status[2]) TH_LOG("hist -p own");
			ASSERT_EQ(1, v->client_status[3]) TH_LOG("hist -p other");
			ASSERT_EQ(0, v->client_kaddr)
				TH_LOG("\"ffff\" in the output of client command %d",
				       v->client_kaddr);
		}
	}
	munmap(tu, sizeof(*tu));
}

TEST_HARNESS_MAIN
