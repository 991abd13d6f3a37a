// SPDX-License-Identifier: GPL-2.0
/*
 * Unload and load faultlat again and again while another process faults
 * as fast as it can; afterwards the counts start cleanly.  Needs
 * FAULTLAT_KO, the module file; leaves the module loaded.
 *
 *   FAULTLAT_RELOAD_CYCLES    cycles per variant (default 20)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"

#define CYCLES		20	/* FAULTLAT_RELOAD_CYCLES */
#define CHURN_PAGES	64
#define FRESH_PAGES	2000

/* The fault-heavy workload: map, touch, unmap, forever. */
static noreturn void churn(void)
{
	for (;;) {
		void *p = fl_map_anon(CHURN_PAGES);

		if (!p)
			_exit(1);
		fl_touch_write(p, CHURN_PAGES);
		fl_unmap(p, CHURN_PAGES);
	}
}

FIXTURE(reload) {
	int kofd;
	pid_t churn;
};

/*
 * The module parameters of the loads, and where the workload runs: on the
 * loader's CPU (faults interleaved with the load and unload steps by
 * preemption) or on another one (faults in parallel with them).
 */
FIXTURE_VARIANT(reload) {
	const char *params;
	bool other_cpu;
};

/* the fault probe alone first: if the full module breaks, we know which */
FIXTURE_VARIANT_ADD(reload, same_cpu_no_tlb) {
	.params = "tlb=0",
	.other_cpu = false,
};

FIXTURE_VARIANT_ADD(reload, same_cpu_defaults) {
	.params = "",
	.other_cpu = false,
};

FIXTURE_VARIANT_ADD(reload, other_cpu_no_tlb) {
	.params = "tlb=0",
	.other_cpu = true,
};

FIXTURE_VARIANT_ADD(reload, other_cpu_defaults) {
	.params = "",
	.other_cpu = true,
};

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

FIXTURE_SETUP(reload)
{
	const char *ko = getenv("FAULTLAT_KO");

	self->kofd = -1;
	self->churn = -1;
	if (!ko || !*ko)
		SKIP(longjmp(_metadata->env, 1),
		     "FAULTLAT_KO (the module file) is not set");
	self->kofd = open(ko, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->kofd) TH_LOG("%s: %s", ko, strerror(errno));
}

FIXTURE_TEARDOWN(reload)
{
	if (self->churn > 0) {
		kill(self->churn, SIGKILL);
		waitpid(self->churn, NULL, 0);
	}
	/* whatever happened, leave the module loaded for what follows */
	if (self->kofd >= 0 && !fl_mod_loaded() && fl_mod_load(self->kofd, ""))
		TH_LOG("reloading %s after the test failed: %s", FL_MODNAME,
		       strerror(errno));
	if (self->kofd >= 0)
		close(self->kofd);
}

/* What a process forked after the last load measured of itself. */
struct fresh_res {
	int err, step;
	struct fl_snap p0, p1, t0, t1;
};

static noreturn void fresh_child(struct fresh_res *out)
{
	struct fresh_res r;
	pid_t pid = getpid(), tid = fl_gettid();
	void *mem;
	int fd;

	fl_prefault(out, sizeof(*out));
	fl_prefault(&r, sizeof(r));
	fl_prefault_stack();
	fd = fl_open();
	mem = fl_map_anon(FRESH_PAGES);
	r.step = 1;
	if (fd < 0 || !mem)
		goto fail;
	r.step = 2;
	if (fl_snap_before(fd, RUSAGE_SELF, pid, true, &r.p0) ||
	    fl_snap_before(fd, RUSAGE_THREAD, tid, false, &r.t0))
		goto fail;
	fl_touch_write(mem, FRESH_PAGES);
	r.step = 3;
	if (fl_snap_after(fd, RUSAGE_THREAD, tid, false, &r.t1) ||
	    fl_snap_after(fd, RUSAGE_SELF, pid, true, &r.p1))
		goto fail;
	r.err = 0;
	r.step = 0;
	memcpy(out, &r, sizeof(r));
	_exit(0);
fail:
	out->err = errno;
	out->step = r.step;
	_exit(1);
}

/*
 * 420 s: with direct calls an unload waits for two RCU-tasks grace
 * periods, which take seconds on PREEMPT_RT under TCG while another vCPU
 * faults without pause (a cycle there: 10 s and more).
 */
TEST_F_TIMEOUT(reload, cycles_under_load, 420)
{
	unsigned long i, cycles = fl_env_ul("FAULTLAT_RELOAD_CYCLES", CYCLES);
	struct faultlat_info info;
	struct fresh_res *res;
	int status, fd;
	pid_t pid;

	if (variant->other_cpu && sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "one CPU only");
	/*
	 * In the rig (Debian's 6.1 under QEMU's multi-threaded TCG), arming
	 * or disarming a kretprobe on handle_mm_fault while another CPU
	 * faults in a loop sooner or later oopses: a NULL instruction fetch
	 * under exc_page_fault, arch_rethook_trampoline on the stack.  A
	 * module holding nothing but an empty kretprobe does it too; with
	 * QEMU's -icount (one CPU at a time) it does not.  Opt in.
	 */
	if (variant->other_cpu && !getenv("FAULTLAT_RELOAD_PARALLEL"))
		SKIP(return,
		     "set FAULTLAT_RELOAD_PARALLEL=1: kretprobe (un)registration under parallel faults oopses 6.1 under TCG");

	if (fl_mod_loaded())
		ASSERT_EQ(0, fl_mod_unload())
			TH_LOG("first unload: %s", strerror(errno));
	ASSERT_EQ(0, fl_mod_load(self->kofd, variant->params))
		TH_LOG("first load (%s): %s", variant->params, strerror(errno));

	ASSERT_EQ(0, pin(0)) TH_LOG("sched_setaffinity: %s", strerror(errno));
	ASSERT_EQ(0, fl_no_thp());
	self->churn = fork();
	ASSERT_LE(0, self->churn);
	if (self->churn == 0) {
		if (variant->other_cpu && pin(1))
			_exit(1);
		churn();
	}

	ASSERT_LT(0, cycles) TH_LOG("FAULTLAT_RELOAD_CYCLES=0");
	for (i = 1; i <= cycles; i++) {
		ASSERT_EQ(0, fl_mod_unload())
			TH_LOG("cycle %lu: delete_module: %s", i,
			       strerror(errno));
		ASSERT_FALSE(fl_mod_loaded()) TH_LOG("cycle %lu", i);
		ASSERT_NE(0, access(FAULTLAT_DEVICE, F_OK))
			TH_LOG("cycle %lu: %s left after unload", i,
			       FAULTLAT_DEVICE);
		usleep(10000);
		ASSERT_EQ(0, fl_mod_load(self->kofd, variant->params))
			TH_LOG("cycle %lu: finit_module(\"%s\"): %s", i,
			       variant->params, strerror(errno));
		ASSERT_TRUE(fl_mod_loaded());
		ASSERT_EQ(0, access(FAULTLAT_DEVICE, F_OK))
			TH_LOG("cycle %lu: no %s after load", i,
			       FAULTLAT_DEVICE);
		/* the workload faulted all along */
		ASSERT_EQ(0, waitpid(self->churn, &status, WNOHANG))
			TH_LOG("cycle %lu: the workload died", i);
		usleep(10000);
	}
	kill(self->churn, SIGKILL);
	ASSERT_EQ(self->churn, waitpid(self->churn, &status, 0));
	self->churn = -1;

	/* Loaded as it was before the test, with the default parameters. */
	if (*variant->params) {
		ASSERT_EQ(0, fl_mod_unload()) TH_LOG("%s", strerror(errno));
		ASSERT_EQ(0, fl_mod_load(self->kofd, "")) TH_LOG("%s", strerror(errno));
	}

	/* The last load's state: fresh, counting exactly. */
	fd = fl_open();
	ASSERT_LE(0, fd) TH_LOG("%s: %s", FAULTLAT_DEVICE, strerror(errno));
	ASSERT_EQ(0, fl_info(fd, &info));
	ASSERT_EQ(0, info.reset_count);
	ASSERT_TRUE(info.probes & FAULTLAT_PROBE_FAULT);
	close(fd);

	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, res);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		fresh_child(res);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, res->err)
		TH_LOG("child failed at step %d: %s", res->step,
		       strerror(res->err));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	fl_check_delta(_metadata, "thread", &res->t0, &res->t1);
	fl_check_delta(_metadata, "process", &res->p0, &res->p1);
	fl_check_abs(_metadata, "thread", &res->t1);
	fl_check_abs(_metadata, "process", &res->p1);
	ASSERT_LE(FRESH_PAGES, FL_D(&res->t0, &res->t1, minor.count));
	fl_check_lat(_metadata, "minor", &res->t1.t.stats.minor);
	munmap(res, sizeof(*res));
}

TEST_HARNESS_MAIN
