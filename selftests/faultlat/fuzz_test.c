// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl fuzzing of /dev/faultlat: FAULTLAT_FUZZ_CALLS calls (default
 * 100,000: 70% as root, 30% as uid 65534) with random command numbers in
 * and around ours, random struct sizes (0 .. 64 KiB and around each
 * struct's), random fields, and pointers that are NULL, small, kernel,
 * non-canonical, unmapped, PROT_NONE, read-only or at the end of the
 * writable memory (the rest of the struct in a guard page).
 *
 * Every call must return success or an errno of the table in
 * <linux/faultlat.h> (ENOTTY EFAULT EINVAL E2BIG EPERM EACCES ESRCH, and
 * those a command documents for itself: its cmd_errnos), and some
 * exactly: ENOTTY for a command not ours, EFAULT for a struct pointer
 * that cannot be read, never EPERM or EACCES for root, never success for
 * the privileged commands as uid 65534.  The seed is printed; set
 * FAULTLAT_FUZZ_SEED to replay a run.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"

#define NR_CMDS		FAULTLAT_CMD_LAST
#define MAX_SIZE	(64 * 1024)
#define RW_PAGES	18		/* 64 KiB and a page of slack, writable */
#define MAP_PAGES	(RW_PAGES + 6)

/* The errnos of the ABI's table, and a slot for anything else. */
static const int documented[] = {
	0, ENOTTY, EFAULT, EINVAL, E2BIG, EPERM, EACCES, ESRCH,
	EBADF, ENOENT, EOPNOTSUPP, ENODEV, EBUSY, ENOSPC,
};

/* The errnos from EBADF on: only for the commands that document them. */
#define FIRST_OWN	8

static bool cmd_errno(int nr, int err)
{
	switch (nr) {
	case FAULTLAT_CMD_TREE:
		return err == ENOENT || err == EBUSY || err == ENOSPC;
	case FAULTLAT_CMD_CGROUP:
		return err == EBADF || err == ENOENT || err == EOPNOTSUPP ||
		       err == ENODEV;
	case FAULTLAT_CMD_CGROUP_LIST:
		return err == ENODEV;
	}
	return false;
}

#define NR_DOC		(ARRAY_SIZE(documented))
#define SLOT_OTHER	NR_DOC
#define NR_SLOTS	(NR_DOC + 1)
#define CMD_OTHER	NR_CMDS		/* histogram row of foreign commands */

static const char * const cmd_names[] = {
	"INFO", "GLOBAL", "TASK", "LIST", "RESET", "TLB_GLOBAL", "TLB_TASK",
	"CONFIG", "TREE", "CGROUP", "CGROUP_LIST", "(not ours)",
};

static_assert(ARRAY_SIZE(cmd_names) == NR_CMDS + 1,
	      "a command without a name here");

/* Results, in memory shared with the unprivileged child. */
struct fuzz_res {
	unsigned long calls;
	unsigned long hist[NR_CMDS + 1][NR_SLOTS];
	unsigned long violations;
	char first[256];		/* the first violation */
};

/* xorshift64*: small, and the same sequence everywhere for one seed */
static __u64 rng;

static __u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static __u64 below(__u64 n)
{
	return n ? rnd() % n : 0;
}

struct arena {
	char *base;		/* RW_PAGES writable, then a PROT_NONE page */
	char *end;		/* the end of the writable part */
	char *ro;		/* a read-only page */
	char *none;		/* a PROT_NONE page */
	char *unmapped;		/* an unmapped page */
};

static int arena_init(struct arena *a)
{
	size_t ps = fl_page_size();
	char *p;

	p = mmap(NULL, MAP_PAGES * ps, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	a->base = p;
	a->end = p + RW_PAGES * ps;
	a->none = a->end;
	a->ro = a->end + ps;
	a->unmapped = a->end + 3 * ps;
	if (mprotect(a->base, RW_PAGES * ps, PROT_READ | PROT_WRITE) ||
	    mprotect(a->ro, ps, PROT_READ | PROT_WRITE))
		return -1;
	/* the read-only page: a plausible struct, zeros after its size */
	memset(a->ro, 0, ps);
	*(__u32 *)a->ro = 64;
	if (mprotect(a->ro, ps, PROT_READ) || munmap(a->unmapped, ps))
		return -1;
	for (p = a->base; p < a->end; p += sizeof(__u64))
		*(__u64 *)p = rnd();
	return 0;
}

/* The kernel's struct sizes, and the first versions' (the minimum). */
static const size_t cmd_size[NR_CMDS] = {
	sizeof(struct faultlat_info), sizeof(struct faultlat_global),
	sizeof(struct faultlat_task), sizeof(struct faultlat_list),
	sizeof(struct faultlat_reset), sizeof(struct faultlat_tlb_global),
	sizeof(struct faultlat_tlb_task), sizeof(struct faultlat_config),
	sizeof(struct faultlat_tree), sizeof(struct faultlat_cgroup),
	sizeof(struct faultlat_cgroup_list),
};

/* A pointer that cannot be read at all. */
static __u64 bad_pointer(const struct arena *a)
{
	switch (below(6)) {
	case 0:
		return 0;
	case 1:
		return 1 + below(0xffff);
	case 2:		/* kernel text and the direct map */
		return (below(2) ? 0xffffffff81000000ULL : 0xffff888000000000ULL) +
		       below(1 << 24);
	case 3:		/* non-canonical */
		return 0x0000800000000000ULL + below(1ULL << 46);
	case 4:
		return (__u64)(unsigned long)a->unmapped + below(fl_page_size());
	default:
		return (__u64)(unsigned long)a->none + below(fl_page_size());
	}
}

/* A pointer inside the arena, writable or read-only: it can be read. */
static __u64 arena_pointer(const struct arena *a, size_t len)
{
	if (!below(8))
		return (__u64)(unsigned long)a->ro + below(fl_page_size() / 8) * 8;
	if (len > (size_t)(a->end - a->base))
		len = a->end - a->base;
	/* right against the guard page, or anywhere before it */
	if (below(2))
		return (__u64)(unsigned long)(a->end - len);
	return (__u64)(unsigned long)(a->base +
				      below(a->end - a->base - len + 1) / 8 * 8);
}

static __u32 fuzz_size(int nr)
{
	size_t base = nr < NR_CMDS ? cmd_size[nr] : 64;

	switch (below(8)) {
	case 0:
		return below(MAX_SIZE + 1);
	case 1:
		return rnd();
	case 2:
		return base + 8 * below(4);
	case 3:
		return base - 8 * below(4);
	case 4:
		return fl_page_size() + 8 * below(3);
	default:
		return base;
	}
}

static __u32 fuzz_u32(void)
{
	switch (below(8)) {
	case 0:
		return rnd();
	case 1:
		return 1U << below(32);
	case 2:
		return -1U - below(2);
	default:
		return 0;
	}
}

/* A task id: ours, our parent's (root's), init's, or anything. */
static __u32 fuzz_id(void)
{
	switch (below(6)) {
	case 0:
		return getpid();
	case 5:
		return getppid();
	case 1:
		return 1;
	case 2:
		return 0;
	case 3:
		return 4194304 + below(1000);
	default:
		return rnd();
	}
}

/* Fill the struct's fields at @p (writable, @len bytes) for command @nr. */
static void fuzz_fields(const struct arena *a, int nr, char *p, size_t len,
			__u32 size)
{
	char hdr[sizeof(struct faultlat_tlb_global)];
	struct faultlat_tlb_global *tg = (void *)hdr;
	struct faultlat_list *l = (void *)hdr;
	struct faultlat_task *t = (void *)hdr;
	size_t n = len < sizeof(hdr) ? len : sizeof(hdr);
	size_t i;

	for (i = 0; i < sizeof(hdr); i += 8)
		*(__u64 *)(hdr + i) = below(4) ? 0 : rnd();
	t->size = size;
	t->flags = below(2) ? 0 : fuzz_u32();
	switch (nr) {
	case FAULTLAT_CMD_TASK:
	case FAULTLAT_CMD_TLB_TASK:
		t->flags = below(2) ? FAULTLAT_TASK_PROCESS : t->flags;
		t->id = fuzz_id();
		t->__reserved = below(4) ? 0 : fuzz_u32();
		break;
	case FAULTLAT_CMD_LIST:
		l->flags = below(2) ? FAULTLAT_TASK_PROCESS : l->flags;
		l->entry_size = below(2) ? sizeof(struct faultlat_task_entry) +
					   8 * below(3) : fuzz_u32();
		l->capacity = below(2) ? below(64) : fuzz_u32();
		l->entries = below(2) ? arena_pointer(a, l->capacity * 96UL) :
			     bad_pointer(a);
		break;
	case FAULTLAT_CMD_TLB_GLOBAL:
		tg->cpu_size = below(2) ? sizeof(struct faultlat_tlb_cpu) +
					  8 * below(3) : fuzz_u32();
		tg->nr_cpus = below(2) ? below(8) : fuzz_u32();
		tg->cpus = below(3) ? arena_pointer(a, tg->nr_cpus * 1176UL) :
			   bad_pointer(a);
		break;
	case FAULTLAT_CMD_CONFIG:
		/* often a change: uid 65534 must get EPERM */
		t->flags = below(2) ? FAULTLAT_CONFIG_SET : t->flags;
		/* a setting to restore afterwards, but a valid one */
		((struct faultlat_config *)hdr)->min_latency_ns = below(1000);
		break;
	}
	memcpy(p, hdr, n);
	/* bytes past the kernel's struct: zeros (accepted) or not (E2BIG) */
	if (nr < NR_CMDS && size > cmd_size[nr] && size <= len &&
	    size <= fl_page_size() && below(2))
		memset(p + cmd_size[nr], 0, size - cmd_size[nr]);
}

static unsigned int fuzz_cmd(int *nr)
{
	unsigned int cmd;
	int type;

	switch (below(10)) {
	case 0:		/* beyond our commands */
		*nr = CMD_OTHER;
		return _IO(FAULTLAT_TYPE, NR_CMDS + below(256 - NR_CMDS));
	case 1:		/* ours, with a direction or a size */
		*nr = CMD_OTHER;
		return _IOC(1 + below(3), FAULTLAT_TYPE, below(16),
			    below(1 << 14));
	case 2:		/* the neighbouring types */
		*nr = CMD_OTHER;
		type = FAULTLAT_TYPE - 2 + below(4);
		if (type >= FAULTLAT_TYPE)
			type++;
		return _IO(type, below(16));
	case 3:		/* anything but the VFS's own (FIOCLEX, FIBMAP, ...) */
		*nr = CMD_OTHER;
		do {
			cmd = rnd();
			type = _IOC_TYPE(cmd);
		} while (type == 0 || type == 'T' || type == 'f' ||
			 type == 'X' || type == 0x94 || type == FAULTLAT_TYPE);
		return cmd;
	default:
		*nr = below(NR_CMDS);
		return _IO(FAULTLAT_TYPE, *nr);
	}
}

static int slot_of(int err)
{
	unsigned int i;

	for (i = 0; i < NR_DOC; i++)
		if (documented[i] == err)
			return i;
	return SLOT_OTHER;
}

static void violation(struct fuzz_res *r, unsigned long call,
		      unsigned int cmd, __u64 arg, __u32 size, int err,
		      const char *why)
{
	if (!r->violations++)
		snprintf(r->first, sizeof(r->first),
			 "call %lu: cmd %#x arg %#llx size %u: %s (%s)", call,
			 cmd, (unsigned long long)arg, size,
			 err ? strerror(err) : "success", why);
}

static bool privileged_only(int nr, __u64 arg_flags)
{
	return nr == FAULTLAT_CMD_GLOBAL || nr == FAULTLAT_CMD_RESET ||
	       nr == FAULTLAT_CMD_TLB_GLOBAL ||
	       nr == FAULTLAT_CMD_CGROUP_LIST ||
	       (nr == FAULTLAT_CMD_CONFIG && (arg_flags & FAULTLAT_CONFIG_SET));
}

/* @calls fuzzed ioctls on @fd; @root: the caller has every capability. */
static void fuzz(int fd, unsigned long calls, bool root, struct fuzz_res *r)
{
	struct arena a;
	unsigned long i;

	if (arena_init(&a)) {
		violation(r, 0, 0, 0, 0, errno, "cannot map the arena");
		return;
	}
	for (i = 0; i < calls; i++) {
		int nr, ret, err;
		unsigned int cmd = fuzz_cmd(&nr);
		bool readable = below(5) != 0;
		__u32 size = fuzz_size(nr), flags = 0;
		size_t len = size > MAX_SIZE ? MAX_SIZE : size;
		__u64 arg;
		char *p;

		if (len < 8)
			len = 8;
		if (readable) {
			arg = arena_pointer(&a, len);
			p = (char *)(unsigned long)arg;
			if (p < a.ro || p >= a.ro + fl_page_size()) {
				len = a.end - p;
				fuzz_fields(&a, nr, p, len, size);
				flags = len >= 8 ? ((__u32 *)p)[1] : 0;
			} else {
				size = *(__u32 *)p;
				flags = p + 8 <= a.ro + fl_page_size() ?
					((__u32 *)p)[1] : 0;
			}
		} else {
			arg = bad_pointer(&a);
		}

		ret = ioctl(fd, cmd, (unsigned long)arg);
		err = ret ? errno : 0;
		if (ret && ret != -1)
			violation(r, i, cmd, arg, size, 0, "returned neither 0 nor -1");
		r->hist[nr][slot_of(err)]++;
		r->calls++;

		if (slot_of(err) == SLOT_OTHER ||
		    (slot_of(err) >= FIRST_OWN && !cmd_errno(nr, err)))
			violation(r, i, cmd, arg, size, err, "undocumented errno");
		else if (nr == CMD_OTHER && err != ENOTTY)
			violation(r, i, cmd, arg, size, err, "not ours: ENOTTY expected");
		else if (nr != CMD_OTHER && !readable && err != EFAULT)
			violation(r, i, cmd, arg, size, err, "unreadable struct: EFAULT expected");
		else if (root && (err == EPERM || err == EACCES))
			violation(r, i, cmd, arg, size, err, "refused to root");
		else if (!root && !err && privileged_only(nr, flags))
			violation(r, i, cmd, arg, size, err, "allowed to uid 65534");
	}
}

static __u64 seed_of_run(void)
{
	__u64 seed = fl_env_ul("FAULTLAT_FUZZ_SEED", 0);
	struct timespec ts;

	if (!seed) {
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = ((__u64)ts.tv_sec << 20) ^ ts.tv_nsec ^ getpid();
	}
	return seed ? seed : 1;
}

static void print_hist(const struct fuzz_res *r)
{
	static const char * const names[NR_SLOTS] = {
		"ok", "ENOTTY", "EFAULT", "EINVAL", "E2BIG", "EPERM",
		"EACCES", "ESRCH", "EBADF", "ENOENT", "EOPNOTSUPP", "ENODEV",
		"EBUSY", "ENOSPC", "other",
	};
	char line[256];
	int c, s, n;

	n = snprintf(line, sizeof(line), "%-11s", "");
	for (s = 0; s < (int)NR_SLOTS; s++)
		n += snprintf(line + n, sizeof(line) - n, " %7s", names[s]);
	FL_INFO("%s\n", line);
	for (c = 0; c <= NR_CMDS; c++) {
		n = snprintf(line, sizeof(line), "%-11s", cmd_names[c]);
		for (s = 0; s < (int)NR_SLOTS; s++)
			n += snprintf(line + n, sizeof(line) - n, " %7lu",
				      r->hist[c][s]);
		FL_INFO("%s\n", line);
	}
}

FIXTURE(fuzz) {
	int fd;
	struct faultlat_config cfg;	/* the settings before, restored */
	struct fuzz_res *res;
};

FIXTURE_SETUP(fuzz)
{
	self->res = MAP_FAILED;
	self->fd = fl_open();
	if (self->fd < 0)
		SKIP(longjmp(_metadata->env, 1), "%s: %s (is faultlat loaded?)",
		     FAULTLAT_DEVICE, strerror(errno));
	memset(&self->cfg, 0, sizeof(self->cfg));
	self->cfg.size = sizeof(self->cfg);
	ASSERT_EQ(0, ioctl(self->fd, FAULTLAT_IOC_CONFIG, &self->cfg));
	self->res = mmap(NULL, 2 * sizeof(*self->res), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->res);
}

FIXTURE_TEARDOWN(fuzz)
{
	if (self->fd < 0)
		return;
	self->cfg.flags = FAULTLAT_CONFIG_SET;
	if (ioctl(self->fd, FAULTLAT_IOC_CONFIG, &self->cfg))
		TH_LOG("restoring the settings: %s", strerror(errno));
	close(self->fd);
	if (self->res != MAP_FAILED)
		munmap(self->res, 2 * sizeof(*self->res));
}

TEST_F_TIMEOUT(fuzz, ioctls, 900)
{
	unsigned long calls = fl_env_ul("FAULTLAT_FUZZ_CALLS", 100000);
	unsigned long unpriv = calls * 3 / 10;
	struct fuzz_res *r = self->res, *u = self->res + 1;
	__u64 seed = seed_of_run();
	struct faultlat_info info;
	struct timespec t0, t1;
	int status, fd;
	pid_t pid;

	FL_INFO("seed %llu (FAULTLAT_FUZZ_SEED=%llu replays it), %lu calls\n",
		(unsigned long long)seed, (unsigned long long)seed, calls);
	clock_gettime(CLOCK_MONOTONIC, &t0);

	/* uid 65534 first, from its own stream of the same seed */
	if (geteuid() == 0 && unpriv) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			rng = seed ^ 0x9E3779B97F4A7C15ULL;
			if (fl_drop_to(FL_NOBODY))
				_exit(2);
			fd = fl_open();
			if (fd < 0)
				_exit(3);
			fuzz(fd, unpriv, false, u);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("unprivileged fuzzer: status %#x", status);
	} else {
		unpriv = 0;
	}
	rng = seed;
	fuzz(self->fd, calls - unpriv, geteuid() == 0, r);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	FL_INFO("root: %lu calls; errno by command:\n", r->calls);
	print_hist(r);
	if (unpriv) {
		FL_INFO("uid %d: %lu calls; errno by command:\n", FL_NOBODY,
			u->calls);
		print_hist(u);
	}
	FL_INFO("%lu calls in %.1f s\n", r->calls + u->calls,
		t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	ASSERT_EQ(0, r->violations) TH_LOG("root, first: %s", r->first);
	ASSERT_EQ(0, u->violations) TH_LOG("uid %d, first: %s", FL_NOBODY,
					   u->first);
	ASSERT_EQ(calls, r->calls + u->calls);

	/* the module still answers, and sanely */
	ASSERT_EQ(0, fl_info(self->fd, &info));
	ASSERT_EQ(FAULTLAT_ABI_VERSION, info.abi_version);
	ASSERT_EQ(FAULTLAT_NR_BUCKETS, info.nr_buckets);
}

TEST_HARNESS_MAIN
