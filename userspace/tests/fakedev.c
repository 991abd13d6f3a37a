// SPDX-License-Identifier: GPL-2.0
/*
 * A fake /dev/faultlat for the client's tests on a host without the module:
 * an LD_PRELOAD library that answers the faultlat ioctls (type 0xFA) on any
 * fd with canned data, and passes every other ioctl to libc.
 *
 *   FAULTLAT_DEVICE=/dev/null LD_PRELOAD=tests/fakedev.so \
 *   FAKE_FAULTLAT=task_err=ESRCH,nmissed=3 ./faultlat hist -p 1
 *
 * FAKE_FAULTLAT holds comma-separated settings:
 *   abi=N, buckets=N      what FAULTLAT_IOC_INFO reports (1, 114)
 *   nmissed=N, dropped=N  counters (0)
 *   tlb_nmissed=N         the TLB probes' nmissed (0)
 *   notlb=1               no TLB probe attached (a module loaded with tlb=0)
 *   notrace=1             the tlb:tlb_flush tracepoint not attached
 *   kprobe=1              probe_mode=kprobe: every function probe is a
 *                         kretprobe (default: probe_mode=auto, all direct)
 *   busy=1                probe_mode=auto, but handle_mm_fault is a
 *                         kretprobe: another direct trampoline has it
 *   ipi_native=N, ipi_kvm=N
 *                         calls of the IPI functions (12002, 0); both are
 *                         attached (the Hyper-V and Xen ones are not)
 *   cpus=N                possible CPUs for FAULTLAT_IOC_TLB_GLOBAL (2);
 *                         CPUs 0 and 1 received flushes, the others none
 *   old_nr_cpus=1         its @nr_cpus answers the entries written, as
 *                         modules did before it answered the possible CPUs
 *   empty=1               every histogram empty
 *   grow=1                statistics grow with every read, as on a busy
 *                         system: the Nth FAULTLAT_IOC_GLOBAL answers N
 *                         times the canned statistics, and so do the Nth
 *                         FAULTLAT_IOC_TASK, FAULTLAT_IOC_TLB_GLOBAL and
 *                         FAULTLAT_IOC_TLB_TASK; FAULTLAT_IOC_LIST answers
 *                         the processes of grow_procs[] below, whose
 *                         FAULTLAT_IOC_TASK answers what the last LIST said
 *   min=N                 min_latency_ns of FAULTLAT_IOC_CONFIG (0); a
 *                         FAULTLAT_CONFIG_SET changes it for the process
 *   nocgroup=1            a module 0.3: no cgroup commands (ENOTTY), the
 *                         cgroup fields of FAULTLAT_IOC_INFO left alone
 *   version=M.N           the module's version FAULTLAT_IOC_INFO reports
 *                         (1.0; 0.3 with nocgroup=1); before 0.8 the
 *                         commands leave causes_more as passed
 *   causes=1              faults timed by cause (module parameter causes):
 *                         FAULTLAT_IOC_GLOBAL, _TASK and _CGROUP answer
 *                         the canned time by cause of fill_causes(),
 *                         FAULTLAT_IOC_CGROUP_LIST 1 us of I/O a major
 *                         fault, and (0.8) 50 ns of page lock a minor one
 *                         and 200 ns of zeroing a major one
 *   cgroups_off=1         loaded with cgroups=0: max_cgroups 0, the cgroup
 *                         commands fail with ENODEV
 *   cgroup_dropped=N      FAULTLAT_IOC_INFO's cgroup_dropped (0)
 *   info_err=E, global_err=E, task_err=E, list_err=E, reset_err=E,
 *   tlb_global_err=E, tlb_task_err=E, config_err=E, config_set_err=E,
 *   cgroup_err=E, cgroup_list_err=E
 *                         fail that command with errno E (EPERM, EACCES,
 *                         ESRCH, ENOTTY, EINVAL, E2BIG, EBADF, EOPNOTSUPP
 *                         or a number)
 * FAKE_FAULTLAT_CGROUPS holds the cgroup records, space-separated, each
 * "ID:PARENT_ID:LEVEL:MINOR:MAJOR:ERRORS": FAULTLAT_IOC_CGROUP_LIST answers
 * them (each minor fault took 150 ns, each major one 1.2 ms; a tenth of
 * the minor faults' count is TLB flushes of 2 us, a twentieth remote
 * flushes with an IPI each; with grow=1 the Nth list answers N times the counts).
 * FAULTLAT_IOC_CGROUP answers the inode number of the directory its fd is
 * open on as the id (EBADF for a file that is no directory, or a removed
 * one), the level and the number of records of its subtree from
 * FAKE_FAULTLAT_CGROUPS, and the canned statistics and TLB flushes.
 * FAKE_FAULTLAT_LOG names a file to which each call appends a line, e.g.
 * "TASK id=42 flags=1 state=Z": state is the task's state in /proc/ID/stat
 * at the time of the call ('-' if there is none).
 *
 * Like the module, FAULTLAT_IOC_TASK and FAULTLAT_IOC_TLB_TASK answer ESRCH
 * for a pid that has no /proc entry (a reaped process), and check @size and
 * the reserved fields; FAULTLAT_IOC_TLB_GLOBAL checks @cpu_size and fills
 * at most @nr_cpus entries.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <linux/faultlat.h>

#include "../util.h"

#define FL_COMM_LEN	16

static const char *setting(const char *key)
{
	static char val[64];
	const char *env = getenv("FAKE_FAULTLAT");
	size_t klen = strlen(key);
	const char *p;

	for (p = env; p && *p; ) {
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			size_t n = strcspn(p + klen + 1, ",");

			if (n >= sizeof(val))
				n = sizeof(val) - 1;
			memcpy(val, p + klen + 1, n);
			val[n] = '\0';
			return val;
		}
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return NULL;
}

static unsigned long long num(const char *key, unsigned long long def)
{
	const char *v = setting(key);

	return v ? strtoull(v, NULL, 0) : def;
}

static int err_of(const char *key)
{
	static const struct {
		const char *name;
		int err;
	} names[] = {
		{ "EPERM", EPERM }, { "EACCES", EACCES }, { "ESRCH", ESRCH },
		{ "ENOTTY", ENOTTY }, { "EINVAL", EINVAL }, { "E2BIG", E2BIG },
		{ "EFAULT", EFAULT }, { "ENOENT", ENOENT }, { "EBADF", EBADF },
		{ "EOPNOTSUPP", EOPNOTSUPP },
	};
	const char *v = setting(key);
	unsigned int i;

	if (!v)
		return 0;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(v, names[i].name))
			return -names[i].err;
	return -atoi(v);
}

static char proc_state(__u32 id)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/stat", id);
	f = fopen(path, "re");
	if (!f)
		return '-';
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p)
		return '-';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

static void fake_log(const char *fmt, ...)
{
	const char *path = getenv("FAKE_FAULTLAT_LOG");
	va_list ap;
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "ae");
	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

static void add(struct faultlat_hist *h, unsigned int b, __u64 n)
{
	h->buckets[b] += n;
	h->count += n;
}

/*
 * Minor: 50 in [128,160), 40 in [256,320), 9 in [512,640), 1 in
 * [1024,1280), min 130, max 1100, sum 25000.  Major: 3 in [1024,1280)
 * and 1 in [2^20, 1310720), min 1100, max 1200000.
 */
static void fill_stats(struct faultlat_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (num("empty", 0))
		return;
	add(&s->minor, 5, 50);
	add(&s->minor, 9, 40);
	add(&s->minor, 13, 9);
	add(&s->minor, 17, 1);
	s->minor.min_ns = 130;
	s->minor.max_ns = 1100;
	s->minor.sum_ns = 25000;
	add(&s->major, 17, 3);
	add(&s->major, 57, 1);
	s->major.min_ns = 1100;
	s->major.max_ns = 1200000;
	s->major.sum_ns = 1203600;
	s->errors = 2;
	s->retries = 1;
	s->abandoned = 0;
	s->calls = 107;
	s->no_regs[FAULTLAT_MINOR] = 5;
	s->by_mode[FAULTLAT_MINOR][FAULTLAT_MODE_USER] = 90;
	s->by_mode[FAULTLAT_MINOR][FAULTLAT_MODE_KERNEL] = 10;
	s->by_mode[FAULTLAT_MAJOR][FAULTLAT_MODE_USER] = 4;
	s->by_kind[FAULTLAT_MINOR][FAULTLAT_KIND_ANON] = 60;
	s->by_kind[FAULTLAT_MINOR][FAULTLAT_KIND_FILE] = 40;
	s->by_kind[FAULTLAT_MAJOR][FAULTLAT_KIND_FILE] = 4;
	s->by_access[FAULTLAT_MINOR][FAULTLAT_ACCESS_READ] = 30;
	s->by_access[FAULTLAT_MINOR][FAULTLAT_ACCESS_WRITE] = 60;
	s->by_access[FAULTLAT_MINOR][FAULTLAT_ACCESS_EXEC] = 10;
	s->by_access[FAULTLAT_MAJOR][FAULTLAT_ACCESS_EXEC] = 4;
}

/*
 * Flushes: 30 in [256,320), 8 in [4096,5120), 2 in [8192,10240), min 260,
 * max 9000, sum 64000; 4 full, 36 ranged of 100 pages, 10 remote, 30
 * local only, 12 IPI function calls to 12 CPUs.
 */
static void fill_tlb_stats(struct faultlat_tlb_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (num("empty", 0) || num("notlb", 0))
		return;
	add(&s->flush, 9, 30);
	add(&s->flush, 25, 8);
	add(&s->flush, 29, 2);
	s->flush.min_ns = 260;
	s->flush.max_ns = 9000;
	s->flush.sum_ns = 64000;
	s->full = 4;
	s->ranged = 36;
	s->pages = 100;
	s->remote = 10;
	s->local_only = 30;
	s->ipis = 12;
	s->ipi_targets = 12;
}

static void scale_hist(struct faultlat_hist *h, __u64 n)
{
	unsigned int i;

	h->count *= n;
	h->sum_ns *= n;
	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++)
		h->buckets[i] *= n;
	if (!h->count) {
		h->min_ns = 0;
		h->max_ns = 0;
	}
}

static void scale(__u64 *v, size_t bytes, __u64 n)
{
	size_t i;

	for (i = 0; i < bytes / sizeof(*v); i++)
		v[i] *= n;
}

/* The canned statistics times @n. */
static void scale_stats(struct faultlat_stats *s, __u64 n)
{
	scale_hist(&s->minor, n);
	scale_hist(&s->major, n);
	s->errors *= n;
	s->retries *= n;
	s->abandoned *= n;
	s->calls *= n;
	scale(s->no_regs, sizeof(s->no_regs), n);
	scale(&s->by_mode[0][0], sizeof(s->by_mode), n);
	scale(&s->by_kind[0][0], sizeof(s->by_kind), n);
	scale(&s->by_access[0][0], sizeof(s->by_access), n);
}

static void scale_tlb_stats(struct faultlat_tlb_stats *s, __u64 n)
{
	scale_hist(&s->flush, n);
	s->full *= n;
	s->ranged *= n;
	s->pages *= n;
	s->remote *= n;
	s->local_only *= n;
	s->ipis *= n;
	s->ipi_targets *= n;
}

/*
 * grow=1: the processes FAULTLAT_IOC_LIST answers.  At the Nth LIST, the
 * statistics of one are the canned ones times @mult * N (only the minor
 * faults if @minor_only), or times 1 whatever N if @idle.
 */
static const struct grow_proc {
	__u32 pid;
	const char *comm;
	unsigned int mult;
	bool minor_only;
	bool idle;
} grow_procs[] = {
	{ 100, "init", 3, true, false },	/* many fast faults */
	{ 300, "slow", 1, false, false },	/* fewer, some major */
	{ 400, "idle", 1, false, true },	/* none after the first */
};

static unsigned int list_gen;	/* LIST calls so far */

static const struct grow_proc *grow_proc(__u32 pid)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(grow_procs); i++)
		if (grow_procs[i].pid == pid)
			return &grow_procs[i];
	return NULL;
}

static void grow_stats(const struct grow_proc *p, unsigned int gen,
		       struct faultlat_stats *s)
{
	fill_stats(s);
	if (p->minor_only) {
		memset(&s->major, 0, sizeof(s->major));
		s->errors = 0;
		memset(s->no_regs, 0, sizeof(s->no_regs));
		memset(s->by_mode[FAULTLAT_MAJOR], 0, sizeof(s->by_mode[0]));
		memset(s->by_kind[FAULTLAT_MAJOR], 0, sizeof(s->by_kind[0]));
		memset(s->by_access[FAULTLAT_MAJOR], 0,
		       sizeof(s->by_access[0]));
	}
	scale_stats(s, p->idle ? 1 : (__u64)gen * p->mult);
}

/* FAKE_FAULTLAT_CGROUPS, parsed */
struct fake_cgroup {
	__u64 id, parent_id;
	__u32 level;
	__u64 minor, major, errors;
};

#define MAX_FAKE_CGROUPS	64

static unsigned int fake_cgroups(struct fake_cgroup *c)
{
	const char *p = getenv("FAKE_FAULTLAT_CGROUPS");
	unsigned int n = 0;
	int used;

	while (p && *p && n < MAX_FAKE_CGROUPS) {
		struct fake_cgroup *f = &c[n];

		if (sscanf(p, " %llu:%llu:%u:%llu:%llu:%llu%n", &f->id,
			   &f->parent_id, &f->level, &f->minor, &f->major,
			   &f->errors, &used) != 6)
			break;
		n++;
		p += used;
	}
	return n;
}

/* version=M.N, else 1.0 (0.3 with nocgroup=1) */
static void version(unsigned int *major, unsigned int *minor)
{
	const char *v = setting("version");

	*major = num("nocgroup", 0) ? 0 : 1;
	*minor = num("nocgroup", 0) ? 3 : 0;
	if (v && sscanf(v, "%u.%u", major, minor) != 2) {
		*major = 1;
		*minor = 0;
	}
}

/* The module has what version 0.@minor added */
static bool since(unsigned int minor)
{
	unsigned int ma, mi;

	version(&ma, &mi);
	return ma > 0 || mi >= minor;
}

/*
 * causes=1: of fill_stats()' 104 faults, all timed by cause: 1 ms of I/O
 * in 3, 2 us of mmap_lock in 4, and (0.8; an older module leaves @m as
 * passed) 150 us of page lock in 2, 3 us of fallback in 5 and 40 us of
 * zeroing in 1; the rest 33.6 us (226.6 us before 0.8).
 */
static void fill_causes(struct faultlat_causes *c,
			struct faultlat_causes_more *m)
{
	if (!num("causes", 0) || num("empty", 0))
		return;
	memset(c, 0, sizeof(*c));
	c->faults = 104;
	c->latency_ns = 25000 + 1203600;
	c->ns[FAULTLAT_CAUSE_IO] = 1000000;
	c->with[FAULTLAT_CAUSE_IO] = 3;
	c->ns[FAULTLAT_CAUSE_MMAP_LOCK] = 2000;
	c->with[FAULTLAT_CAUSE_MMAP_LOCK] = 4;
	if (!since(8))
		return;
	memset(m, 0, sizeof(*m));
	m->ns[FAULTLAT_CAUSE_PAGE_LOCK - FAULTLAT_NR_CAUSES] = 150000;
	m->with[FAULTLAT_CAUSE_PAGE_LOCK - FAULTLAT_NR_CAUSES] = 2;
	m->ns[FAULTLAT_CAUSE_FALLBACK - FAULTLAT_NR_CAUSES] = 3000;
	m->with[FAULTLAT_CAUSE_FALLBACK - FAULTLAT_NR_CAUSES] = 5;
	m->ns[FAULTLAT_CAUSE_ZEROING - FAULTLAT_NR_CAUSES] = 40000;
	m->with[FAULTLAT_CAUSE_ZEROING - FAULTLAT_NR_CAUSES] = 1;
}

static int do_info(struct faultlat_info *i)
{
	struct fake_cgroup cg[MAX_FAKE_CGROUPS];
	unsigned int major, minor;

	if (i->size != sizeof(*i) || i->flags || i->__reserved)
		return -EINVAL;
	i->abi_version = num("abi", FAULTLAT_ABI_VERSION);
	i->nr_buckets = num("buckets", FAULTLAT_NR_BUCKETS);
	version(&major, &minor);
	i->version_major = major;
	i->version_minor = minor;
	if (!num("nocgroup", 0)) {
		i->max_cgroups = num("cgroups_off", 0) ? 0 : 1024;
		i->used_cgroups = num("cgroups_off", 0) ? 0 : fake_cgroups(cg);
		i->cgroup_dropped = num("cgroup_dropped", 0);
	}
	i->max_tasks = 4096;
	i->used_tasks = 3;
	i->maxactive = 64;
	i->probes = FAULTLAT_PROBE_FAULT | FAULTLAT_PROBE_EXIT;
	if (!num("notlb", 0)) {
		i->probes |= FAULTLAT_PROBE_TLB_RANGE | FAULTLAT_PROBE_TLB_FUNC |
			     FAULTLAT_PROBE_TLB_IPI_FN(FAULTLAT_TLB_IPI_NATIVE) |
			     FAULTLAT_PROBE_TLB_IPI_FN(FAULTLAT_TLB_IPI_KVM);
		if (!num("notrace", 0))
			i->probes |= FAULTLAT_PROBE_TLB_TRACE;
		i->tlb_ipi_hits[FAULTLAT_TLB_IPI_NATIVE] = num("ipi_native",
							       12002);
		i->tlb_ipi_hits[FAULTLAT_TLB_IPI_KVM] = num("ipi_kvm", 0);
	}
	i->nmissed = num("nmissed", 0);
	i->dropped = num("dropped", 0);
	i->reset_count = 0;
	i->probe_mode = FAULTLAT_PROBE_MODE_AUTO;
	i->direct = i->probes & ~(FAULTLAT_PROBE_EXIT | FAULTLAT_PROBE_TLB_TRACE);
	memset(i->direct_errno, 0, sizeof(i->direct_errno));
	if (num("kprobe", 0)) {
		unsigned int b;

		i->probe_mode = FAULTLAT_PROBE_MODE_KPROBE;
		for (b = 0; b < FAULTLAT_PROBE_NR_BITS; b++)
			if (i->direct & (1U << b))
				i->direct_errno[b] = FAULTLAT_DIRECT_EFORCED;
		i->direct = 0;
	} else if (num("busy", 0)) {
		i->direct &= ~FAULTLAT_PROBE_FAULT;
		i->direct_errno[0] = EBUSY;
	}
	return 0;
}

static int do_global(struct faultlat_global *g)
{
	static unsigned int gen;

	if (g->size != sizeof(*g) || g->flags)
		return -EINVAL;
	g->nmissed = num("nmissed", 0);
	g->dropped = num("dropped", 0);
	fill_stats(&g->stats);
	fill_causes(&g->causes, &g->causes_more);
	g->fallbacks = 1;	/* of the one retry */
	if (num("grow", 0)) {
		scale_stats(&g->stats, ++gen);
		g->fallbacks *= gen;
	}
	fake_log("GLOBAL\n");
	return 0;
}

/*
 * The part FAULTLAT_IOC_TASK and FAULTLAT_IOC_TLB_TASK share: check the
 * input, log the call, fill the identity.
 */
static int fill_task(const char *name, __u32 size, size_t want, __u32 *flags,
		     __u32 id, __u32 reserved, __u32 *pid, __u32 *tgid,
		     __u32 *uid, __u32 *nr_threads, __u64 comm[2])
{
	char state, path[64], *c = (char *)comm;
	FILE *f;

	if (size != want || (*flags & ~FAULTLAT_TASK_PROCESS) || reserved ||
	    !id)
		return -EINVAL;
	state = proc_state(id);
	fake_log("%s id=%u flags=%u state=%c\n", name, id, *flags, state);
	if (state == '-')
		return -ESRCH;
	*pid = id;
	*tgid = id;
	*uid = 1000;
	*nr_threads = state == 'Z' ? 0 : 1;
	if (state == 'Z')
		*flags |= FAULTLAT_TASK_EXITED;
	memset(c, 0, FL_COMM_LEN);
	snprintf(path, sizeof(path), "/proc/%u/comm", id);
	f = fopen(path, "re");
	if (f) {
		if (fgets(c, FL_COMM_LEN, f))
			c[strcspn(c, "\n")] = 0;
		fclose(f);
	}
	return 0;
}

/* grow=1: FAULTLAT_IOC_TASK of a process of grow_procs[] */
static int grow_task(const struct grow_proc *p, struct faultlat_task *t)
{
	if (t->size != sizeof(*t) || t->flags != FAULTLAT_TASK_PROCESS ||
	    t->__reserved)
		return -EINVAL;
	fake_log("TASK id=%u flags=%u gen=%u\n", t->id, t->flags, list_gen);
	t->pid = t->id;
	t->tgid = t->id;
	t->uid = 0;
	t->nr_threads = 1;
	memset(t->comm, 0, sizeof(t->comm));
	memcpy(t->comm, p->comm, strlen(p->comm));
	grow_stats(p, list_gen, &t->stats);
	return 0;
}

static int do_task(struct faultlat_task *t)
{
	static unsigned int gen;
	const struct grow_proc *p = grow_proc(t->id);
	int err;

	if (num("grow", 0) && p && list_gen)
		return grow_task(p, t);
	err = fill_task("TASK", t->size, sizeof(*t), &t->flags, t->id,
			t->__reserved, &t->pid, &t->tgid, &t->uid,
			&t->nr_threads, t->comm);
	if (!err) {
		fill_stats(&t->stats);
		fill_causes(&t->causes, &t->causes_more);
		t->fallbacks = 1;
	}
	if (!err && num("grow", 0)) {
		scale_stats(&t->stats, ++gen);
		t->fallbacks *= gen;
	}
	return err;
}

static int do_tlb_task(struct faultlat_tlb_task *t)
{
	static unsigned int gen;
	int err = fill_task("TLB_TASK", t->size, sizeof(*t), &t->flags, t->id,
			    t->__reserved, &t->pid, &t->tgid, &t->uid,
			    &t->nr_threads, t->comm);

	if (!err)
		fill_tlb_stats(&t->stats);
	if (!err && num("grow", 0))
		scale_tlb_stats(&t->stats, ++gen);
	return err;
}

static void set_hist(struct faultlat_hist *h, unsigned int b, __u64 n,
		     __u64 min, __u64 max, __u64 sum)
{
	add(h, b, n);
	h->min_ns = min;
	h->max_ns = max;
	h->sum_ns = sum;
}

/*
 * IPI wait: 10 in [4096,5120), 2 in [8192,10240).  Received: 12 remote
 * in [1024,1280) (CPU 0: 5, CPU 1: 7), 30 local (20, 10).
 */
static int do_tlb_global(struct faultlat_tlb_global *g)
{
	static const __u64 reasons[FAULTLAT_TLB_NR_REASONS][3] = {
		[FAULTLAT_TLB_TASK_SWITCH] = { 500, 20, 0 },
		[FAULTLAT_TLB_REMOTE_SHOOTDOWN] = { 11, 1, 30 },
		[FAULTLAT_TLB_LOCAL_SHOOTDOWN] = { 0, 0, 0 },
		[FAULTLAT_TLB_LOCAL_MM_SHOOTDOWN] = { 30, 2, 80 },
		[FAULTLAT_TLB_REMOTE_SEND_IPI] = { 12, 2, 30 },
	};
	static unsigned int tlb_gen;
	bool on = !num("empty", 0) && !num("notlb", 0);
	__u32 i, n = 0, possible = num("cpus", 2);
	char *ubuf = (char *)(uintptr_t)g->cpus;

	if (g->size != sizeof(*g) || g->flags)
		return -EINVAL;
	if (g->cpus && g->cpu_size < sizeof(struct faultlat_tlb_cpu))
		return -EINVAL;
	if (g->cpu_size % 8)
		return -EINVAL;
	fake_log("TLB_GLOBAL cpu_size=%u nr_cpus=%u\n", g->cpu_size,
		 g->cpus ? g->nr_cpus : 0);
	for (i = 0; g->cpus && i < possible && n < g->nr_cpus; i++, n++) {
		struct faultlat_tlb_cpu c = { .cpu = i };

		if (on && i == 0) {
			c.received_remote = 5;
			c.received_local = 20;
			set_hist(&c.received, 17, 5, 1030, 1200, 5500);
		} else if (on && i == 1) {
			c.received_remote = 7;
			c.received_local = 10;
			set_hist(&c.received, 17, 7, 1100, 1250, 7700);
		}
		memcpy(ubuf + (size_t)n * g->cpu_size, &c, sizeof(c));
	}
	/* as the module: the entries written are the smaller of the two */
	g->nr_cpus = num("old_nr_cpus", 0) ? n : possible;
	g->nmissed = num("tlb_nmissed", 0);
	fill_tlb_stats(&g->stats);
	if (num("grow", 0))
		scale_tlb_stats(&g->stats, ++tlb_gen);
	memset(&g->ipi, 0, sizeof(g->ipi));
	memset(&g->received, 0, sizeof(g->received));
	memset(g->reasons, 0, sizeof(g->reasons));
	memset(g->reason_full, 0, sizeof(g->reason_full));
	memset(g->reason_pages, 0, sizeof(g->reason_pages));
	g->received_remote = 0;
	g->received_local = 0;
	if (!on)
		return 0;
	set_hist(&g->ipi, 25, 10, 4200, 9000, 60000);
	add(&g->ipi, 29, 2);
	set_hist(&g->received, 17, 12, 1030, 1250, 13200);
	g->received_remote = 12;
	g->received_local = 30;
	if (num("notrace", 0))
		return 0;
	for (i = 0; i < FAULTLAT_TLB_NR_REASONS; i++) {
		g->reasons[i] = reasons[i][0];
		g->reason_full[i] = reasons[i][1];
		g->reason_pages[i] = reasons[i][2];
	}
	return 0;
}

/* grow=1: the processes of grow_procs[], one more generation each time */
static int grow_list(struct faultlat_list *l)
{
	struct faultlat_stats s;
	unsigned int i, n = 0;

	list_gen++;
	fake_log("LIST capacity=%u gen=%u\n", l->capacity, list_gen);
	for (i = 0; i < ARRAY_SIZE(grow_procs); i++, n++) {
		const struct grow_proc *p = &grow_procs[i];
		struct faultlat_task_entry e = {
			.pid = p->pid, .tgid = p->pid,
			.flags = FAULTLAT_TASK_PROCESS,
		};

		if (n >= l->capacity)
			continue;
		grow_stats(p, list_gen, &s);
		memcpy(e.comm, p->comm, strlen(p->comm));
		e.minor = s.minor.count;
		e.major = s.major.count;
		e.errors = s.errors;
		e.total_ns = s.minor.sum_ns + s.major.sum_ns;
		e.max_ns = s.major.max_ns > s.minor.max_ns ? s.major.max_ns :
			   s.minor.max_ns;
		memcpy((char *)(uintptr_t)l->entries +
		       (size_t)n * l->entry_size, &e, sizeof(e));
	}
	l->total = n;
	l->nr = n < l->capacity ? n : l->capacity;
	return 0;
}

static int do_config(struct faultlat_config *c)
{
	static bool known;
	static __u64 min;
	int err;

	if (c->size != sizeof(*c) || (c->flags & ~FAULTLAT_CONFIG_SET))
		return -EINVAL;
	if (!known) {
		min = num("min", 0);
		known = true;
	}
	fake_log("CONFIG flags=%u min_latency_ns=%llu\n", c->flags,
		 c->min_latency_ns);
	if (c->flags & FAULTLAT_CONFIG_SET) {
		err = err_of("config_set_err");
		if (err)
			return err;
		min = c->min_latency_ns;
	}
	c->min_latency_ns = min;
	return 0;
}

static int do_list(struct faultlat_list *l)
{
	static const struct faultlat_task_entry e[] = {
		{ .pid = 200, .tgid = 200, .uid = 1000, .comm = { 0x6873 },
		  .minor = 7, .major = 0, .total_ns = 2000, .max_ns = 400 },
		{ .pid = 100, .tgid = 100, .uid = 0,
		  .flags = FAULTLAT_TASK_PROCESS, .comm = { 0x74696e69 },
		  .minor = 1234, .major = 5, .total_ns = 999999,
		  .max_ns = 1500000 },
		{ .pid = 101, .tgid = 100, .uid = 0, .comm = { 0x74696e69 },
		  .minor = 34, .major = 1, .total_ns = 9999, .max_ns = 3000 },
		{ .pid = 300, .tgid = 300, .uid = 1000,
		  .flags = FAULTLAT_TASK_PROCESS | FAULTLAT_TASK_EXITED,
		  .comm = { 0x65757274 }, .minor = 40, .major = 0,
		  .total_ns = 8000, .max_ns = 310 },
	};
	unsigned int i, n = 0;

	if (l->size != sizeof(*l) || l->entry_size < sizeof(e[0]) ||
	    (l->flags & ~FAULTLAT_TASK_PROCESS))
		return -EINVAL;
	if (num("grow", 0))
		return grow_list(l);
	fake_log("LIST capacity=%u\n", l->capacity);
	for (i = 0; i < ARRAY_SIZE(e); i++) {
		if ((l->flags & FAULTLAT_TASK_PROCESS) &&
		    !(e[i].flags & FAULTLAT_TASK_PROCESS))
			continue;
		if (n < l->capacity)
			memcpy((char *)(uintptr_t)l->entries +
			       (size_t)n * l->entry_size, &e[i], sizeof(e[i]));
		n++;
	}
	l->total = n;
	l->nr = n < l->capacity ? n : l->capacity;
	return 0;
}

/* @id is @top or below it, as FAKE_FAULTLAT_CGROUPS' parents say */
static bool cgroup_below(const struct fake_cgroup *c, unsigned int n,
			 __u64 id, __u64 top)
{
	unsigned int i, up;

	for (up = 0; up <= n; up++) {
		if (id == top)
			return true;
		for (i = 0; i < n && c[i].id != id; i++)
			;
		if (i == n)
			return false;
		id = c[i].parent_id;
	}
	return false;
}

static int do_cgroup(struct faultlat_cgroup *c)
{
	struct fake_cgroup cg[MAX_FAKE_CGROUPS];
	unsigned int n = fake_cgroups(cg), i;
	static unsigned int gen;
	struct stat st;

	if (c->size != sizeof(*c) || (c->flags & ~FAULTLAT_CGROUP_OWN) ||
	    c->__reserved)
		return -EINVAL;
	/* a removed directory too, as cgroup_get_from_fd() refuses it */
	if (fstat(c->fd, &st) || !S_ISDIR(st.st_mode) || !st.st_nlink)
		return -EBADF;
	c->id = st.st_ino;
	fake_log("CGROUP id=%llu flags=%u\n", c->id, c->flags);
	c->level = 0;
	c->nr_records = 0;
	for (i = 0; i < n; i++) {
		if (cg[i].id == c->id)
			c->level = cg[i].level;
		if ((c->flags & FAULTLAT_CGROUP_OWN) ? cg[i].id == c->id :
		    cgroup_below(cg, n, cg[i].id, c->id))
			c->nr_records++;
	}
	fill_stats(&c->stats);
	fill_tlb_stats(&c->tlb);
	fill_causes(&c->causes, &c->causes_more);
	c->fallbacks = 1;
	if (num("grow", 0)) {
		scale_stats(&c->stats, ++gen);
		scale_tlb_stats(&c->tlb, gen);
		c->fallbacks *= gen;
	}
	return 0;
}

static int do_cgroup_list(struct faultlat_cgroup_list *l)
{
	struct fake_cgroup cg[MAX_FAKE_CGROUPS];
	unsigned int n = fake_cgroups(cg), i;
	static unsigned int gen;
	__u64 mult;

	if (l->size != sizeof(*l) || l->flags ||
	    (l->capacity && l->entry_size < sizeof(struct faultlat_cgroup_entry)))
		return -EINVAL;
	mult = num("grow", 0) ? ++gen : 1;
	fake_log("CGROUP_LIST capacity=%u\n", l->capacity);
	for (i = 0; i < n && i < l->capacity; i++) {
		struct faultlat_cgroup_entry e = {
			.id = cg[i].id, .parent_id = cg[i].parent_id,
			.level = cg[i].level, .minor = cg[i].minor * mult,
			.major = cg[i].major * mult,
			.errors = cg[i].errors * mult,
		};

		e.buckets[5] = e.minor;		/* [128, 160) */
		e.buckets[57] = e.major;	/* [2^20, 1310720) */
		e.total_ns = e.minor * 150 + e.major * 1200000;
		e.min_ns = e.minor ? 150 : e.major ? 1200000 : 0;
		e.max_ns = e.major ? 1200000 : e.minor ? 150 : 0;
		e.tlb_flushes = cg[i].minor / 10 * mult;
		e.tlb_flush_ns = e.tlb_flushes * 2000;
		e.tlb_remote = cg[i].minor / 20 * mult;
		e.tlb_ipis = e.tlb_remote;
		if (num("causes", 0)) {
			e.causes.faults = e.minor + e.major;
			e.causes.latency_ns = e.total_ns;
			e.causes.ns[FAULTLAT_CAUSE_IO] = e.major * 1000;
			e.causes.with[FAULTLAT_CAUSE_IO] = e.major;
		}
		if (num("causes", 0) && since(8)) {
			e.causes_more.ns[FAULTLAT_CAUSE_PAGE_LOCK -
					 FAULTLAT_NR_CAUSES] = e.minor * 50;
			e.causes_more.with[FAULTLAT_CAUSE_PAGE_LOCK -
					   FAULTLAT_NR_CAUSES] = e.minor;
			e.causes_more.ns[FAULTLAT_CAUSE_ZEROING -
					 FAULTLAT_NR_CAUSES] = e.major * 200;
			e.causes_more.with[FAULTLAT_CAUSE_ZEROING -
					   FAULTLAT_NR_CAUSES] = e.major;
		}
		memcpy((char *)(uintptr_t)l->entries +
		       (size_t)i * l->entry_size, &e, sizeof(e));
	}
	l->total = n;
	l->nr = i;
	return 0;
}

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	void *arg;
	va_list ap;
	int err;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);

	if (_IOC_TYPE(req) != FAULTLAT_TYPE) {
		if (!real)
			real = dlsym(RTLD_NEXT, "ioctl");
		return real(fd, req, arg);
	}
	switch (req) {
	case FAULTLAT_IOC_INFO:
		err = err_of("info_err") ?: do_info(arg);
		break;
	case FAULTLAT_IOC_GLOBAL:
		err = err_of("global_err") ?: do_global(arg);
		break;
	case FAULTLAT_IOC_TASK:
		err = err_of("task_err") ?: do_task(arg);
		break;
	case FAULTLAT_IOC_LIST:
		err = err_of("list_err") ?: do_list(arg);
		break;
	case FAULTLAT_IOC_RESET:
		fake_log("RESET\n");
		err = err_of("reset_err");
		break;
	case FAULTLAT_IOC_TLB_GLOBAL:
		err = err_of("tlb_global_err") ?: do_tlb_global(arg);
		break;
	case FAULTLAT_IOC_TLB_TASK:
		err = err_of("tlb_task_err") ?: do_tlb_task(arg);
		break;
	case FAULTLAT_IOC_CONFIG:
		err = err_of("config_err") ?: do_config(arg);
		break;
	case FAULTLAT_IOC_CGROUP:
		err = num("nocgroup", 0) ? -ENOTTY :
		      num("cgroups_off", 0) ? -ENODEV :
		      err_of("cgroup_err") ?: do_cgroup(arg);
		break;
	case FAULTLAT_IOC_CGROUP_LIST:
		err = num("nocgroup", 0) ? -ENOTTY :
		      num("cgroups_off", 0) ? -ENODEV :
		      err_of("cgroup_list_err") ?: do_cgroup_list(arg);
		break;
	default:
		err = -ENOTTY;
		break;
	}
	if (err) {
		errno = -err;
		return -1;
	}
	return 0;
}
