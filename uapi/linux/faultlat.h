/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * faultlat: page-fault latency histograms, per task.
 *
 * Userspace ABI of /dev/faultlat.
 */
#ifndef _UAPI_LINUX_FAULTLAT_H
#define _UAPI_LINUX_FAULTLAT_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define FAULTLAT_DEVICE		"/dev/faultlat"
#define FAULTLAT_ABI_VERSION	1

/**
 * DOC: Histogram buckets
 *
 * All latency histograms share one log-linear layout, in nanoseconds:
 *
 * - bucket 0 holds [0, 64) ns;
 * - buckets 1 .. FAULTLAT_NR_BUCKETS - 2 split every power of two from 2^6
 *   (64 ns) to 2^34 ns (about 17.2 s) into 4 equal parts;
 * - the last bucket, FAULTLAT_NR_BUCKETS - 1, holds everything from 2^34 ns
 *   up (overflow).
 *
 * faultlat_bucket_lo() gives a bucket's inclusive lower bound and
 * faultlat_bucket_hi() its exclusive upper bound (~0 for the overflow
 * bucket).
 */
#define FAULTLAT_BUCKET_MIN_SHIFT	6
#define FAULTLAT_BUCKET_MAX_SHIFT	34
#define FAULTLAT_BUCKET_SUB_SHIFT	2
#define FAULTLAT_BUCKET_SUB		_BITUL(FAULTLAT_BUCKET_SUB_SHIFT)
#define FAULTLAT_NR_BUCKETS						\
	(2 + (FAULTLAT_BUCKET_MAX_SHIFT - FAULTLAT_BUCKET_MIN_SHIFT) *	\
	 FAULTLAT_BUCKET_SUB)

static inline __u64 faultlat_bucket_lo(unsigned int i)
{
	unsigned int octave, sub;

	if (i == 0)
		return 0;
	if (i >= FAULTLAT_NR_BUCKETS - 1)
		return 1ULL << FAULTLAT_BUCKET_MAX_SHIFT;
	octave = FAULTLAT_BUCKET_MIN_SHIFT + (i - 1) / FAULTLAT_BUCKET_SUB;
	sub = (i - 1) % FAULTLAT_BUCKET_SUB;
	return (1ULL << octave) +
	       (__u64)sub * (1ULL << (octave - FAULTLAT_BUCKET_SUB_SHIFT));
}

static inline __u64 faultlat_bucket_hi(unsigned int i)
{
	if (i >= FAULTLAT_NR_BUCKETS - 1)
		return ~0ULL;
	return faultlat_bucket_lo(i + 1);
}

/**
 * struct faultlat_hist - one latency histogram
 * @count: number of samples; always the sum of @buckets
 * @sum_ns: sum of all samples, in nanoseconds
 * @min_ns: smallest sample (0 when @count is 0)
 * @max_ns: largest sample
 * @buckets: sample counts, laid out as described in "Histogram buckets"
 */
struct faultlat_hist {
	__u64 count;
	__u64 sum_ns;
	__u64 min_ns;
	__u64 max_ns;
	__u64 buckets[FAULTLAT_NR_BUCKETS];
};

/* Index of the first dimension of the by_* arrays below. */
enum faultlat_class {
	FAULTLAT_MINOR = 0,
	FAULTLAT_MAJOR = 1,
	FAULTLAT_NR_CLASSES
};

enum faultlat_mode {
	FAULTLAT_MODE_USER = 0,		/* FAULT_FLAG_USER set */
	FAULTLAT_MODE_KERNEL = 1,	/* kernel-mode access, e.g. copy_to_user */
	FAULTLAT_NR_MODES
};

enum faultlat_kind {
	FAULTLAT_KIND_ANON = 0,
	FAULTLAT_KIND_FILE = 1,
	FAULTLAT_KIND_SHMEM = 2,
	FAULTLAT_KIND_HUGETLB = 3,
	FAULTLAT_NR_KINDS
};

enum faultlat_access {
	FAULTLAT_ACCESS_READ = 0,
	FAULTLAT_ACCESS_WRITE = 1,
	FAULTLAT_ACCESS_EXEC = 2,
	FAULTLAT_NR_ACCESS
};

/* The outcome field of the faultlat:fault trace event. */
enum faultlat_event_outcome {
	FAULTLAT_EVENT_MINOR = 0,
	FAULTLAT_EVENT_MAJOR = 1,
	FAULTLAT_EVENT_ERROR = 2,
};

/* The reason field of the faultlat:tlb_flush trace event. */
enum faultlat_tlb_event_reason {
	FAULTLAT_TLB_EVENT_RANGE = 0,	/* a range, flushed page by page */
	FAULTLAT_TLB_EVENT_CEILING = 1,	/* a range above the ceiling: whole mm */
	FAULTLAT_TLB_EVENT_FULL = 2,	/* the caller asked for the whole mm */
};

/**
 * struct faultlat_stats - fault statistics of a task, a process or the system
 * @minor: latency of completed minor faults
 * @major: latency of completed major faults
 * @errors: faults that ended with a VM_FAULT_ERROR result (OOM, SIGBUS,
 *	SIGSEGV, ...); counted neither as minor nor as major
 * @retries: handle_mm_fault() calls that returned VM_FAULT_RETRY; each one
 *	is part of a fault counted elsewhere (or in @abandoned)
 * @abandoned: faults given up after a VM_FAULT_RETRY, never completed (for
 *	example a signal was pending); see "Documentation/numbers.rst"
 * @calls: every handle_mm_fault() call (as /proc/vmstat's pgfault counts
 *	them before Linux 6.4; since, pgfault leaves out @retries)
 * @no_regs: completed faults raised without pt_regs (get_user_pages() and
 *	friends), [class]; included in @minor and @major
 * @by_mode: completed faults by [class][enum faultlat_mode]
 * @by_kind: completed faults by [class][enum faultlat_kind]
 * @by_access: completed faults by [class][enum faultlat_access]
 *
 * A fault is counted exactly as the kernel's mm_account_fault() counts it:
 * the calls of one fault that returned VM_FAULT_RETRY and the final call
 * are one fault, timed from the first call's entry to the final call's
 * return; it is major if the final call returned VM_FAULT_MAJOR or carried
 * FAULT_FLAG_TRIED.  A retry under mmap_lock carries FAULT_FLAG_TRIED; the
 * retry of a fallback from the per-VMA lock (Linux 6.4 and later, see
 * @fallbacks of struct faultlat_task) carries it only if the fallback
 * returned VM_FAULT_MAJOR.
 *
 * The fallbacks are not in this struct but beside it, at the end of the
 * structs that hold it (it is embedded in several: it never grows).
 */
struct faultlat_stats {
	struct faultlat_hist minor;
	struct faultlat_hist major;
	__u64 errors;
	__u64 retries;
	__u64 abandoned;
	__u64 calls;
	__u64 no_regs[FAULTLAT_NR_CLASSES];
	__u64 by_mode[FAULTLAT_NR_CLASSES][FAULTLAT_NR_MODES];
	__u64 by_kind[FAULTLAT_NR_CLASSES][FAULTLAT_NR_KINDS];
	__u64 by_access[FAULTLAT_NR_CLASSES][FAULTLAT_NR_ACCESS];
};

/**
 * enum faultlat_cause - where a fault's time went (module parameter causes)
 * @FAULTLAT_CAUSE_RECLAIM: direct reclaim, global or of a memory cgroup
 *	(the vmscan tracepoints' begin to end)
 * @FAULTLAT_CAUSE_COMPACTION: direct compaction (mm_compaction_begin to end)
 * @FAULTLAT_CAUSE_MMAP_LOCK: waiting for mmap_lock (mmap_lock_start_locking
 *	to mmap_lock_acquire_returned), as between a fallback from the per-VMA
 *	lock and its retry
 * @FAULTLAT_CAUSE_IO: off CPU, blocked in io_schedule() (in_iowait set)
 * @FAULTLAT_CAUSE_UFFD: off CPU, blocked otherwise, in a fault on a VMA
 *	registered with userfaultfd: waiting for its handler
 * @FAULTLAT_NR_CAUSES: number of causes in struct faultlat_causes (the
 *	first five); the others are in struct faultlat_causes_more
 * @FAULTLAT_CAUSE_PAGE_LOCK: waiting for the lock of a page that is up to
 *	date: held by another task for something else than reading it in
 *	(a wait for a page being read is @FAULTLAT_CAUSE_IO's) (since 0.8)
 * @FAULTLAT_CAUSE_FALLBACK: the work of a handle_mm_fault() call under
 *	the per-VMA lock that returned VM_FAULT_RETRY, done again under
 *	mmap_lock, and the time from its return to the retry, in no other
 *	cause (since 0.8; never before Linux 6.4)
 * @FAULTLAT_CAUSE_ZEROING: zeroing a huge page (THP or hugetlb) before it
 *	is mapped (since 0.8)
 * @FAULTLAT_NR_CAUSES_ALL: number of causes
 *
 * Each instant of a fault goes to one cause at most, or to the rest: the
 * first that holds then in the order reclaim, compaction, mmap_lock,
 * page_lock, io, uffd, zeroing, fallback (an I/O wait inside reclaim is
 * reclaim's, a sleep on a page's lock is not I/O).  "Documentation/numbers.rst"
 * tells more.
 */
enum faultlat_cause {
	FAULTLAT_CAUSE_RECLAIM = 0,
	FAULTLAT_CAUSE_COMPACTION = 1,
	FAULTLAT_CAUSE_MMAP_LOCK = 2,
	FAULTLAT_CAUSE_IO = 3,
	FAULTLAT_CAUSE_UFFD = 4,
	FAULTLAT_NR_CAUSES = 5,
	FAULTLAT_CAUSE_PAGE_LOCK = 5,
	FAULTLAT_CAUSE_FALLBACK = 6,
	FAULTLAT_CAUSE_ZEROING = 7,
	FAULTLAT_NR_CAUSES_ALL = 8
};

/**
 * struct faultlat_causes - time of completed faults by cause
 * @faults: completed faults timed by cause: those that began and ended
 *	while module parameter causes was on
 * @latency_ns: the sum of their latencies
 * @ns: of @latency_ns, nanoseconds by cause, [enum faultlat_cause]; the
 *	rest, @latency_ns minus their sum, went to no cause
 * @with: of @faults, those that spent time in each cause, [enum
 *	faultlat_cause]
 *
 * Faults that failed (VM_FAULT_ERROR) or were abandoned are not in it, as
 * they are not in the histograms.  (Since version 0.5; an older module
 * leaves it as the caller passed it: pass zeroes.)
 */
struct faultlat_causes {
	__u64 faults;
	__u64 latency_ns;
	__u64 ns[FAULTLAT_NR_CAUSES];
	__u64 with[FAULTLAT_NR_CAUSES];
};

/* slots of struct faultlat_causes_more: the causes from FAULTLAT_NR_CAUSES */
#define FAULTLAT_NR_CAUSES_MORE	4

/**
 * struct faultlat_causes_more - time of completed faults by the causes
 *	after the first FAULTLAT_NR_CAUSES (since version 0.8)
 * @ns: of struct faultlat_causes' @latency_ns, nanoseconds by cause,
 *	[cause - FAULTLAT_NR_CAUSES]; slots past FAULTLAT_NR_CAUSES_ALL are 0
 * @with: of struct faultlat_causes' @faults, those that spent time in each
 *	cause, [cause - FAULTLAT_NR_CAUSES]
 *
 * The rest of struct faultlat_causes is @latency_ns minus its @ns and
 * these.  Appended to every struct that has a struct faultlat_causes; an
 * older module leaves it as the caller passed it: pass zeroes.
 */
struct faultlat_causes_more {
	__u64 ns[FAULTLAT_NR_CAUSES_MORE];
	__u64 with[FAULTLAT_NR_CAUSES_MORE];
};

/**
 * enum faultlat_path - what the kernel did to resolve a fault (module
 *	parameter paths)
 * @FAULTLAT_PATH_ZERO: anonymous memory, zero-filled: a new page, or the
 *	shared zero page (or huge zero page) for a read
 * @FAULTLAT_PATH_COW: copy-on-write: a page copied into a new anonymous
 *	page, at a write to a shared (after fork) or file-backed private page
 * @FAULTLAT_PATH_CACHE: a file page found in the page cache (a minor fault
 *	on a file mapping, that neither read nor copied the page)
 * @FAULTLAT_PATH_READ: a file page read: a major fault on a file mapping
 *	(the page was not in the page cache, or was being read), as
 *	getrusage() counts it
 * @FAULTLAT_PATH_SWAPIN: an anonymous page brought back from swap (or from
 *	the swap cache)
 * @FAULTLAT_PATH_THP: a transparent huge page allocated and mapped by the
 *	fault (what /proc/vmstat's thp_fault_alloc counts)
 * @FAULTLAT_PATH_HUGETLB: a hugetlbfs mapping's fault (MAP_HUGETLB too)
 * @FAULTLAT_PATH_SHMEM: a shmem/tmpfs mapping's fault (MAP_SHARED |
 *	MAP_ANONYMOUS, memfd, SysV shared memory)
 * @FAULTLAT_PATH_UFFD: the fault was handed to a userfaultfd handler
 * @FAULTLAT_PATH_OTHER: none of these: a write that made a page writable
 *	in place (no copy), a wait for a page under migration, a fault that
 *	found the work done by another thread
 * @FAULTLAT_NR_PATHS: number of paths
 *
 * Each completed fault has one path, the first of this order that holds:
 * uffd, hugetlb, shmem, then other (a migration wait), swapin, thp, read,
 * cow, other (a write in place), then cache for a file mapping, zero for
 * anonymous memory.  "Documentation/numbers.rst" tells how each is told.
 */
enum faultlat_path {
	FAULTLAT_PATH_ZERO = 0,
	FAULTLAT_PATH_COW = 1,
	FAULTLAT_PATH_CACHE = 2,
	FAULTLAT_PATH_READ = 3,
	FAULTLAT_PATH_SWAPIN = 4,
	FAULTLAT_PATH_THP = 5,
	FAULTLAT_PATH_HUGETLB = 6,
	FAULTLAT_PATH_SHMEM = 7,
	FAULTLAT_PATH_UFFD = 8,
	FAULTLAT_PATH_OTHER = 9,
	FAULTLAT_NR_PATHS
};

/**
 * DOC: ioctl interface
 *
 * Every command takes a pointer to a struct whose first member, @size, is
 * the size of that struct as the caller knows it.  The command numbers are
 * _IO(), so they never change as the structs grow.  The kernel copies the
 * struct in with copy_struct_from_user(): a caller built against an older,
 * smaller struct keeps working; a caller with a larger struct gets E2BIG
 * unless the bytes the kernel does not know are all zero.  Output is copied
 * back up to the smaller of the two sizes.
 *
 * Errors common to every command:
 *
 * - ENOTTY: unknown command;
 * - EFAULT: the pointer (or a pointer inside the struct) is not valid;
 * - EINVAL: @size is smaller than the first version of the struct or not
 *   a multiple of 8 (every version's size is), or unknown @flags bits or a
 *   non-zero reserved field are set, or an argument is out of range;
 * - E2BIG: @size is larger than the kernel's struct and the extra bytes are
 *   not zero, or larger than a page;
 * - EPERM: the command needs CAP_PERFMON or CAP_SYS_ADMIN;
 * - EACCES: the task belongs to another user (its real, effective or saved
 *   uid differs from the caller's uid; for a task that is gone, its last
 *   real or effective uid) and the caller lacks CAP_PERFMON and
 *   CAP_SYS_ADMIN;
 * - ESRCH: no record of that task (it never faulted nor flushed a TLB
 *   since load, not tracked because the table was full, or reaped).
 *
 * FAULTLAT_IOC_TREE has errors of its own, listed with struct
 * faultlat_tree.
 *
 * A command fails as a whole, except FAULTLAT_IOC_LIST, which may have
 * written some entries when it fails with EFAULT.  FAULTLAT_IOC_RESET
 * copies nothing back.
 */
#define FAULTLAT_TYPE		0xFA

enum {
	FAULTLAT_CMD_BASE = 0x00,
	FAULTLAT_CMD_INFO = FAULTLAT_CMD_BASE,
	FAULTLAT_CMD_GLOBAL,
	FAULTLAT_CMD_TASK,
	FAULTLAT_CMD_LIST,
	FAULTLAT_CMD_RESET,
	FAULTLAT_CMD_TLB_GLOBAL,
	FAULTLAT_CMD_TLB_TASK,
	FAULTLAT_CMD_CONFIG,
	FAULTLAT_CMD_TREE,
	FAULTLAT_CMD_CGROUP,
	FAULTLAT_CMD_CGROUP_LIST,
	FAULTLAT_CMD_LAST,
};

/*
 * struct faultlat_info.probes: what is attached.  A function probe is a
 * direct-call trampoline when its bit is also in faultlat_info.direct, else
 * a kretprobe.
 */
#define FAULTLAT_PROBE_FAULT	_BITUL(0)	/* handle_mm_fault */
#define FAULTLAT_PROBE_EXIT	_BITUL(1)	/* sched_process_exit/free */
#define FAULTLAT_PROBE_TLB_RANGE _BITUL(2)	/* flush_tlb_mm_range */
#define FAULTLAT_PROBE_TLB_FUNC	_BITUL(3)	/* flush_tlb_func */
#define FAULTLAT_PROBE_TLB_TRACE _BITUL(4)	/* tlb:tlb_flush tracepoint */
/* the IPI function i (enum faultlat_tlb_ipi_fn) */
#define FAULTLAT_PROBE_TLB_IPI_FN(i) _BITUL(8 + (i))
#define FAULTLAT_PROBE_NR_BITS	16

/**
 * enum faultlat_probe_mode - module parameter probe_mode
 * @FAULTLAT_PROBE_MODE_AUTO: direct calls where possible, else kretprobes
 * @FAULTLAT_PROBE_MODE_DIRECT: direct calls only (loading fails otherwise)
 * @FAULTLAT_PROBE_MODE_KPROBE: kretprobes only
 */
enum faultlat_probe_mode {
	FAULTLAT_PROBE_MODE_AUTO = 0,
	FAULTLAT_PROBE_MODE_DIRECT = 1,
	FAULTLAT_PROBE_MODE_KPROBE = 2,
};

/**
 * DOC: Why a function is not traced by a direct call
 *
 * struct faultlat_info.direct_errno[bit], for each FAULTLAT_PROBE_* bit
 * number of a function probe: 0 when it is a direct call, else a positive
 * errno:
 *
 * ============  =======================================================
 * ECANCELED     not tried: probe_mode=kprobe (FAULTLAT_DIRECT_EFORCED)
 * EOPNOTSUPP    the kernel has no ftrace direct calls, or has IBT
 * EBUSY         another direct trampoline owns the function (a BPF
 *               fentry/fexit program such as bpftrace's kfunc probes,
 *               or a live patch)
 * ENOENT        the kernel has no such function
 * ENOEXEC       no fentry call at the function's first instruction
 * ENODEV        ftrace does not trace the function
 * E2BIG         more than six register arguments
 * other         what register_ftrace_direct() returned
 * ============  =======================================================
 */
#define FAULTLAT_DIRECT_EFORCED	125	/* ECANCELED */

/*
 * The functions that send TLB-flush IPIs and wait for them: flush_tlb_multi()
 * calls one of them through pv_ops.  Whichever exist are attached; only the
 * outermost call counts (kvm_flush_tlb_multi() calls the native one).
 */
enum faultlat_tlb_ipi_fn {
	FAULTLAT_TLB_IPI_NATIVE = 0,	/* native_flush_tlb_multi */
	FAULTLAT_TLB_IPI_KVM = 1,	/* kvm_flush_tlb_multi */
	FAULTLAT_TLB_IPI_HYPERV = 2,	/* hyperv_flush_tlb_multi */
	FAULTLAT_TLB_IPI_XEN = 3,	/* xen_flush_tlb_multi */
	FAULTLAT_TLB_NR_IPI_FNS
};

/**
 * struct faultlat_info - FAULTLAT_IOC_INFO: module version and state
 * @size: sizeof(struct faultlat_info)
 * @flags: must be 0
 * @abi_version: FAULTLAT_ABI_VERSION of the module
 * @nr_buckets: FAULTLAT_NR_BUCKETS of the module
 * @version_major: module version, major
 * @version_minor: module version, minor
 * @max_tasks: size of the task table (module parameter max_tasks)
 * @used_tasks: records in use (threads and processes)
 * @maxactive: kretprobe instances for handle_mm_fault
 * @probes: bit mask of attached probes, FAULTLAT_PROBE_*
 * @nmissed: faults the kretprobe missed (no free instance, or recursion);
 *	0 when handle_mm_fault() is a direct call, which misses none
 * @dropped: handle_mm_fault() calls not attributed to a task because the
 *	table was full; they still count in the global view
 * @reset_count: number of resets since load
 * @__reserved: must be 0
 * @tlb_ipi_hits: calls seen so far of each IPI function (index: enum
 *	faultlat_tlb_ipi_fn), telling which one this kernel uses; 0 for one
 *	not attached (FAULTLAT_PROBE_TLB_IPI_FN(i) not set in @probes)
 * @tlb_nmissed: hits the TLB kretprobes missed, all of them
 * @probe_mode: module parameter probe_mode, enum faultlat_probe_mode
 * @direct: the FAULTLAT_PROBE_* bits of @probes attached by a direct call
 * @direct_errno: by FAULTLAT_PROBE_* bit number, why that function probe
 *	is not a direct call (see "Why a function is not traced by a direct
 *	call"); 0 when it is, or for a bit that is no function probe
 * @max_cgroups: size of the cgroup table (module parameter max_cgroups);
 *	0 when the module counts no cgroup (module parameter cgroups=0)
 * @used_cgroups: cgroup records in use
 * @cgroup_dropped: faults no cgroup record counts: the cgroup table was
 *	full when they happened, or when the cgroup they were counted in was
 *	removed and its counts were to go to its parent's record
 *
 * Anyone who may open the device may call it.  (@probe_mode, @direct and
 * @direct_errno came with version 0.2, the cgroup fields with 0.4; an
 * older module leaves them as the caller passed them: pass zeroes and
 * check @version_minor.)
 */
struct faultlat_info {
	__u32 size;
	__u32 flags;
	__u32 abi_version;
	__u32 nr_buckets;
	__u32 version_major;
	__u32 version_minor;
	__u32 max_tasks;
	__u32 used_tasks;
	__u32 maxactive;
	__u32 probes;
	__u64 nmissed;
	__u64 dropped;
	__u32 reset_count;
	__u32 __reserved;
	__u64 tlb_ipi_hits[FAULTLAT_TLB_NR_IPI_FNS];
	__u64 tlb_nmissed;
	__u32 probe_mode;
	__u32 direct;
	__u32 direct_errno[FAULTLAT_PROBE_NR_BITS];
	__u32 max_cgroups;
	__u32 used_cgroups;
	__u64 cgroup_dropped;
};

#define FAULTLAT_IOC_INFO	_IO(FAULTLAT_TYPE, FAULTLAT_CMD_INFO)

/**
 * struct faultlat_global - FAULTLAT_IOC_GLOBAL: system-wide statistics
 * @size: sizeof(struct faultlat_global)
 * @flags: must be 0
 * @nmissed: as in struct faultlat_info
 * @dropped: as in struct faultlat_info
 * @stats: every fault on every CPU since load or the last reset
 * @fallbacks: of @stats.retries, the handle_mm_fault() calls made under the
 *	per-VMA lock (FAULT_FLAG_VMA_LOCK) that returned VM_FAULT_RETRY: the
 *	fault then falls back to mmap_lock.  Always 0 before Linux 6.4.
 *	(Since version 0.3; an older module leaves it as the caller passed
 *	it.)
 * @causes: the time of @stats's faults by cause, of those timed by cause
 * @paths: of @stats's completed faults, those told by path while module
 *	parameter paths was on, by [enum faultlat_path] (since version 0.6;
 *	an older module leaves it as the caller passed it: pass zeroes)
 * @causes_more: the same faults' time by the causes after the first
 *	five (struct faultlat_causes_more; since version 0.8)
 *
 * Needs CAP_PERFMON or CAP_SYS_ADMIN (EPERM otherwise).
 */
struct faultlat_global {
	__u32 size;
	__u32 flags;
	__u64 nmissed;
	__u64 dropped;
	struct faultlat_stats stats;
	__u64 fallbacks;
	struct faultlat_causes causes;
	__u64 paths[FAULTLAT_NR_PATHS];
	struct faultlat_causes_more causes_more;
};

#define FAULTLAT_IOC_GLOBAL	_IO(FAULTLAT_TYPE, FAULTLAT_CMD_GLOBAL)

/* struct faultlat_task.flags (in) and struct faultlat_task_entry.flags */
#define FAULTLAT_TASK_PROCESS	_BITUL(0)	/* @id is a tgid: whole process */
#define FAULTLAT_TASK_EXITED	_BITUL(1)	/* out: every thread has exited */

/**
 * struct faultlat_task - FAULTLAT_IOC_TASK: one thread's or one process's
 *	statistics
 * @size: sizeof(struct faultlat_task)
 * @flags: in: 0 for a thread (@id is a tid) or FAULTLAT_TASK_PROCESS for a
 *	process (@id is a tgid); out: also FAULTLAT_TASK_EXITED
 * @id: tid or tgid, as the caller's pid namespace numbers it (so are
 *	@pid and @tgid; and so is every pid of the other commands)
 * @__reserved: must be 0
 * @pid: out: the tid (thread) or tgid (process)
 * @tgid: out: the process
 * @uid: out: the task's real uid, as the caller's user namespace sees it:
 *	a live task's current one; for a process or thread that is gone, the
 *	last one seen (a process's record takes its threads' as they exit)
 * @nr_threads: out: live threads counted in @stats (process only; 1 for a
 *	live thread)
 * @comm: out: the task's comm, NUL-padded (16 bytes, as /proc/PID/comm)
 * @stats: out: for a thread, its own faults; for a process, the faults of
 *	its live threads plus those of its exited threads
 * @fallbacks: out: the fallbacks (see struct faultlat_global) of the same
 *	faults.  (Since version 0.3; an older module leaves it as the caller
 *	passed it.)
 * @causes: out: the time of the same faults by cause, of those timed by
 *	cause
 * @paths: out: of the same completed faults, those told by path while
 *	module parameter paths was on, by [enum faultlat_path] (since version
 *	0.6; an older module leaves it as the caller passed it)
 * @causes_more: out: the same faults' time by the causes after the first
 *	five (struct faultlat_causes_more; since version 0.8)
 *
 * A process's record lives until the process is reaped, so a parent can
 * read it after waitid(WEXITED | WNOWAIT).
 */
struct faultlat_task {
	__u32 size;
	__u32 flags;
	__u32 id;
	__u32 __reserved;
	__u32 pid;
	__u32 tgid;
	__u32 uid;
	__u32 nr_threads;
	__u64 comm[2];
	struct faultlat_stats stats;
	__u64 fallbacks;
	struct faultlat_causes causes;
	__u64 paths[FAULTLAT_NR_PATHS];
	struct faultlat_causes_more causes_more;
};

#define FAULTLAT_IOC_TASK	_IO(FAULTLAT_TYPE, FAULTLAT_CMD_TASK)

/**
 * struct faultlat_task_entry - one element of FAULTLAT_IOC_LIST's array
 * @pid: tid (thread) or tgid (process)
 * @tgid: the process
 * @uid: the task's real uid, as struct faultlat_task's
 * @flags: FAULTLAT_TASK_PROCESS for a process record (its exited threads
 *	plus its live ones), FAULTLAT_TASK_EXITED when no thread is live
 * @comm: NUL-padded comm
 * @minor: completed minor faults
 * @major: completed major faults
 * @errors: faults with a VM_FAULT_ERROR result
 * @total_ns: sum of the latencies of minor and major faults
 * @p50_ns: always 0: the module computes no percentile (a reader does,
 *	from the buckets of FAULTLAT_IOC_TASK; Documentation/uapi.rst)
 * @p99_ns: always 0, likewise
 * @max_ns: largest latency
 */
struct faultlat_task_entry {
	__u32 pid;
	__u32 tgid;
	__u32 uid;
	__u32 flags;
	__u64 comm[2];
	__u64 minor;
	__u64 major;
	__u64 errors;
	__u64 total_ns;
	__u64 p50_ns;
	__u64 p99_ns;
	__u64 max_ns;
};

/**
 * struct faultlat_list - FAULTLAT_IOC_LIST: list tracked threads and processes
 * @size: sizeof(struct faultlat_list)
 * @flags: 0 for threads and processes, or FAULTLAT_TASK_PROCESS for
 *	processes only
 * @entry_size: in: sizeof(struct faultlat_task_entry) as the caller knows
 *	it; must be at least the first version's size (EINVAL otherwise)
 * @capacity: in: number of entries @entries has room for
 * @nr: out: number of entries written
 * @total: out: number of records the caller may see; if larger than @nr,
 *	call again with a larger array
 * @entries: in: user pointer to an array of @capacity entries of
 *	@entry_size bytes each
 *
 * An unprivileged caller sees only its own tasks.
 */
struct faultlat_list {
	__u32 size;
	__u32 flags;
	__u32 entry_size;
	__u32 capacity;
	__u32 nr;
	__u32 total;
	__u64 entries;
};

#define FAULTLAT_IOC_LIST	_IO(FAULTLAT_TYPE, FAULTLAT_CMD_LIST)

/**
 * struct faultlat_reset - FAULTLAT_IOC_RESET: zero every statistic
 * @size: sizeof(struct faultlat_reset)
 * @flags: must be 0
 *
 * Needs CAP_PERFMON or CAP_SYS_ADMIN (EPERM otherwise).  Counters of
 * probes (nmissed) are the kernel's and are not reset.
 */
struct faultlat_reset {
	__u32 size;
	__u32 flags;
};

#define FAULTLAT_IOC_RESET	_IO(FAULTLAT_TYPE, FAULTLAT_CMD_RESET)

/**
 * struct faultlat_tlb_stats - TLB flushes a task (or the system) initiated
 * @flush: latency of flush_tlb_mm_range(), which includes waiting for the
 *	remote CPUs
 * @full: flushes of the whole address space (TLB_FLUSH_ALL, or a range
 *	above tlb_single_page_flush_ceiling)
 * @ranged: flushes of a range
 * @pages: pages of the ranged flushes, in units of their stride
 * @remote: flushes that called the IPI function, because other CPUs had the
 *	mm in their cpumask (it then skips those in lazy TLB mode unless page
 *	tables were freed, so fewer IPIs may be sent: the receivers'
 *	received_remote counts those delivered)
 * @local_only: flushes that did not call it
 * @ipis: calls of the IPI function, in and outside flush_tlb_mm_range()
 *	(reclaim's batched flushes call it directly)
 * @ipi_targets: other CPUs in the cpumasks of those calls, summed
 */
struct faultlat_tlb_stats {
	struct faultlat_hist flush;
	__u64 full;
	__u64 ranged;
	__u64 pages;
	__u64 remote;
	__u64 local_only;
	__u64 ipis;
	__u64 ipi_targets;
};

/**
 * enum faultlat_tlb_reason - the reasons of the tlb:tlb_flush tracepoint
 * @FAULTLAT_TLB_TASK_SWITCH: TLB_FLUSH_ON_TASK_SWITCH
 * @FAULTLAT_TLB_REMOTE_SHOOTDOWN: TLB_REMOTE_SHOOTDOWN
 * @FAULTLAT_TLB_LOCAL_SHOOTDOWN: TLB_LOCAL_SHOOTDOWN
 * @FAULTLAT_TLB_LOCAL_MM_SHOOTDOWN: TLB_LOCAL_MM_SHOOTDOWN
 * @FAULTLAT_TLB_REMOTE_SEND_IPI: TLB_REMOTE_SEND_IPI
 * @FAULTLAT_TLB_NR_REASONS: the length of struct faultlat_tlb_global's
 *	first arrays by reason (@reasons, @reason_full, @reason_pages): five,
 *	for good
 * @FAULTLAT_TLB_REMOTE_WRONG_CPU: TLB_REMOTE_WRONG_CPU (Linux 6.13): a
 *	flush IPI reached a CPU that no longer runs the mm; counted in
 *	struct faultlat_tlb_global's @reason only
 *
 * The values are the kernel's (enum tlb_flush_reason in
 * <linux/mm_types.h>), which has only ever added reasons at its end.
 */
enum faultlat_tlb_reason {
	FAULTLAT_TLB_TASK_SWITCH = 0,
	FAULTLAT_TLB_REMOTE_SHOOTDOWN = 1,
	FAULTLAT_TLB_LOCAL_SHOOTDOWN = 2,
	FAULTLAT_TLB_LOCAL_MM_SHOOTDOWN = 3,
	FAULTLAT_TLB_REMOTE_SEND_IPI = 4,
	FAULTLAT_TLB_NR_REASONS = 5,
	FAULTLAT_TLB_REMOTE_WRONG_CPU = 5,
};

/*
 * struct faultlat_tlb_global's @reason: one slot per reason number, those
 * this header names and those a later kernel may add (counted by number
 * until a header names them); @reason_other takes any number past them.
 */
#define FAULTLAT_TLB_REASON_SLOTS	16

/**
 * struct faultlat_tlb_reason_count - tlb:tlb_flush events of one reason
 * @count: events
 * @full: of those, events with pages == -1 (TLB_FLUSH_ALL)
 * @pages: pages of the others, summed
 */
struct faultlat_tlb_reason_count {
	__u64 count;
	__u64 full;
	__u64 pages;
};

/**
 * struct faultlat_tlb_cpu - one CPU's received flushes
 * @cpu: the CPU
 * @__reserved: 0
 * @received_remote: flush_tlb_func() runs for another CPU's request (IPIs:
 *	/proc/interrupts' "TLB shootdowns" counts exactly these)
 * @received_local: flush_tlb_func() runs for this CPU's own request
 * @received: latency of the remote ones
 */
struct faultlat_tlb_cpu {
	__u32 cpu;
	__u32 __reserved;
	__u64 received_remote;
	__u64 received_local;
	struct faultlat_hist received;
};

/**
 * struct faultlat_tlb_global - FAULTLAT_IOC_TLB_GLOBAL: system-wide TLB flushes
 * @size: sizeof(struct faultlat_tlb_global)
 * @flags: must be 0
 * @nmissed: misses of the TLB kretprobes
 * @stats: every initiated flush
 * @ipi: latency of the outermost IPI function calls
 * @received: latency of remote flush_tlb_func() runs, all CPUs
 * @received_remote: remote flush_tlb_func() runs, all CPUs
 * @received_local: local flush_tlb_func() runs, all CPUs
 * @reasons: tlb:tlb_flush events by enum faultlat_tlb_reason, since load
 *	(not reset)
 * @reason_full: of those, events with pages == -1 (TLB_FLUSH_ALL)
 * @reason_pages: pages of the others, summed
 * @cpu_size: in: sizeof(struct faultlat_tlb_cpu) as the caller knows it, or
 *	0 when @cpus is 0
 * @nr_cpus: in: entries @cpus has room for; out: the number of possible
 *	CPUs.  The entries written (one per possible CPU, in CPU order) are
 *	the smaller of the two: call again with more room if out > in.
 * @cpus: in: user pointer to an array of struct faultlat_tlb_cpu, or 0
 * @received_nmissed: runs of flush_tlb_func() the kretprobe missed: an IPI
 *	that arrives while the CPU runs another kprobe handler is not probed
 *	(the kprobes core counts it as missed).  Such runs are remote, so
 *	/proc/interrupts' "TLB shootdowns" == @received_remote + this.
 * @reason_slots: out: FAULTLAT_TLB_REASON_SLOTS; 0 from a module before
 *	0.3, which has none of the fields below (they stay as passed: pass
 *	zeroes)
 * @kernel_reasons: out: the reasons the running kernel's tracepoint has
 *	(5 before Linux 6.13, 6 from it); a reason from here on is counted
 *	all the same
 * @reason: out: tlb:tlb_flush events by reason number (enum
 *	faultlat_tlb_reason, and numbers it does not name yet), since load
 *	(not reset); the first FAULTLAT_TLB_NR_REASONS are also in @reasons,
 *	@reason_full and @reason_pages
 * @reason_other: out: events whose reason is FAULTLAT_TLB_REASON_SLOTS or
 *	more (or negative); the sum over @reason and this is every event
 *
 * Needs CAP_PERFMON or CAP_SYS_ADMIN (EPERM otherwise).
 */
struct faultlat_tlb_global {
	__u32 size;
	__u32 flags;
	__u64 nmissed;
	struct faultlat_tlb_stats stats;
	struct faultlat_hist ipi;
	struct faultlat_hist received;
	__u64 received_remote;
	__u64 received_local;
	__u64 reasons[FAULTLAT_TLB_NR_REASONS];
	__u64 reason_full[FAULTLAT_TLB_NR_REASONS];
	__u64 reason_pages[FAULTLAT_TLB_NR_REASONS];
	__u32 cpu_size;
	__u32 nr_cpus;
	__u64 cpus;
	__u64 received_nmissed;
	__u32 reason_slots;
	__u32 kernel_reasons;
	struct faultlat_tlb_reason_count reason[FAULTLAT_TLB_REASON_SLOTS];
	struct faultlat_tlb_reason_count reason_other;
};

#define FAULTLAT_IOC_TLB_GLOBAL	_IO(FAULTLAT_TYPE, FAULTLAT_CMD_TLB_GLOBAL)

/**
 * struct faultlat_tlb_task - FAULTLAT_IOC_TLB_TASK: TLB flushes of one
 *	thread or process
 * @size: sizeof(struct faultlat_tlb_task)
 * @flags: as struct faultlat_task's
 * @id: as struct faultlat_task's
 * @__reserved: must be 0
 * @pid: out: as struct faultlat_task's
 * @tgid: out: likewise
 * @uid: out: likewise
 * @nr_threads: out: likewise
 * @comm: out: likewise
 * @stats: out: the flushes it initiated
 *
 * Permissions and errors are those of FAULTLAT_IOC_TASK.
 */
struct faultlat_tlb_task {
	__u32 size;
	__u32 flags;
	__u32 id;
	__u32 __reserved;
	__u32 pid;
	__u32 tgid;
	__u32 uid;
	__u32 nr_threads;
	__u64 comm[2];
	struct faultlat_tlb_stats stats;
};

#define FAULTLAT_IOC_TLB_TASK	_IO(FAULTLAT_TYPE, FAULTLAT_CMD_TLB_TASK)

/* struct faultlat_config.flags */
#define FAULTLAT_CONFIG_SET	_BITUL(0)	/* change, not just read */

/**
 * struct faultlat_config - FAULTLAT_IOC_CONFIG: read or change settings
 * @size: sizeof(struct faultlat_config)
 * @flags: 0 to read the settings, FAULTLAT_CONFIG_SET to change them (needs
 *	CAP_PERFMON or CAP_SYS_ADMIN: EPERM otherwise)
 * @min_latency_ns: in (with FAULTLAT_CONFIG_SET) and out: faults and TLB
 *	flushes faster than this emit no faultlat:fault or faultlat:tlb_flush
 *	trace event ("show me only the slow ones"); 0, the default, emits
 *	them all.  The histograms count every one regardless.
 *
 * On return the struct holds the settings in force.
 */
struct faultlat_config {
	__u32 size;
	__u32 flags;
	__u64 min_latency_ns;
};

#define FAULTLAT_IOC_CONFIG	_IO(FAULTLAT_TYPE, FAULTLAT_CMD_CONFIG)

/* struct faultlat_tree.op */
#define FAULTLAT_TREE_OPEN	1	/* follow @pid and its descendants */
#define FAULTLAT_TREE_READ	2	/* read the tree */
#define FAULTLAT_TREE_CLOSE	3	/* stop following it, drop its records */

/**
 * struct faultlat_tree_entry - one process of a tree, FAULTLAT_TREE_READ
 * @pid: its tgid
 * @uid: its real uid, as struct faultlat_task's
 * @flags: FAULTLAT_TASK_PROCESS, and FAULTLAT_TASK_EXITED when no thread
 *	of it is live
 * @nr_threads: its live threads
 * @comm: NUL-padded comm (the last one seen)
 * @minor: completed minor faults
 * @major: completed major faults
 * @errors: faults with a VM_FAULT_ERROR result
 * @total_ns: sum of the latencies of its minor and major faults
 * @min_ns: smallest of those latencies (0 when there is none)
 * @max_ns: largest
 * @buckets: the minor and major faults' latencies together, in the
 *	layout of "Histogram buckets": a reader computes percentiles from
 *	them (the module computes none)
 */
struct faultlat_tree_entry {
	__u32 pid;
	__u32 uid;
	__u32 flags;
	__u32 nr_threads;
	__u64 comm[2];
	__u64 minor;
	__u64 major;
	__u64 errors;
	__u64 total_ns;
	__u64 min_ns;
	__u64 max_ns;
	__u64 buckets[FAULTLAT_NR_BUCKETS];
};

/**
 * struct faultlat_tree - FAULTLAT_IOC_TREE: follow a process and every
 *	process it starts, and their descendants, to their exit
 * @size: sizeof(struct faultlat_tree)
 * @flags: must be 0
 * @op: FAULTLAT_TREE_OPEN, FAULTLAT_TREE_READ or FAULTLAT_TREE_CLOSE
 * @pid: OPEN, in: the root, a live process (tgid, in the caller's pid
 *	namespace: the tree's entries are numbered in it too);
 *	else must be 0
 * @tree: OPEN, out: the tree's id; READ and CLOSE, in: the id OPEN gave
 * @members: READ, out: processes of the tree the caller may read, live or
 *	exited
 * @live: READ, out: of those, processes with a live thread
 * @dropped: READ, out: processes started in the tree that have no record
 *	(the task table was full when they were forked): in none of the
 *	numbers here
 * @hidden: READ, out: processes of the tree the caller may not read (they
 *	changed uid: setuid programs); in none of the numbers here
 * @entry_size: READ, in: sizeof(struct faultlat_tree_entry) as the caller
 *	knows it (at least the first version's), or 0 when @capacity is 0
 * @capacity: READ, in: entries @entries has room for
 * @nr: READ, out: entries written, the smaller of @capacity and @members
 * @entries: READ, in: user pointer to an array of @capacity entries of
 *	@entry_size bytes, or 0
 * @stats: READ, out: the faults of every process in @members, from the
 *	root's first fault, or its children's fork, to their exit
 * @fallbacks: READ, out: those faults' fallbacks (struct faultlat_global)
 * @tlb: READ, out: the TLB flushes those processes initiated
 * @causes: READ, out: the time of @stats' faults by cause, of those timed
 *	by cause (struct faultlat_task's)
 * @paths: READ, out: of @stats' completed faults, those told by path, by
 *	[enum faultlat_path] (struct faultlat_task's).  (@causes and @paths
 *	since version 0.7; an older module leaves them as the caller passed
 *	them: pass zeroes.)
 * @causes_more: READ, out: the same faults' time by the causes after
 *	the first five (struct faultlat_causes_more; since version 0.8)
 *
 * OPEN tags the root's record (created if the root has none yet) with a
 * new tree; from then on every process that a process of the tree forks
 * (fork, vfork, clone without CLONE_THREAD) gets a record of the same
 * tree at fork.  A record of the tree outlives its process's reap: it is
 * kept, out of the index (FAULTLAT_IOC_TASK no longer finds it), until
 * CLOSE, so that READ lists processes that are gone.  A tree belongs to
 * the open file that opened it: only calls on that file may READ or CLOSE
 * it, and closing the file closes its trees.  Its kept records take room
 * in the task table (max_tasks) until then.
 *
 * READ adds up the processes of the tree one after the other: while some
 * of them run, the sum is of moments a little apart.  Once every process
 * of the tree has exited and been reaped by a process of the tree (by
 * its parent, or by the caller for the root), @stats' minor and major
 * counts equal what getrusage(RUSAGE_CHILDREN) of the root's parent adds
 * when it reaps the root.
 *
 * Errors besides the common ones (EFAULT, EINVAL, E2BIG):
 *
 * - ESRCH: OPEN: @pid is no live process (or a thread, not a tgid);
 * - EACCES: OPEN: @pid belongs to another user (the rule of struct
 *   faultlat_task) and the caller lacks CAP_PERFMON and CAP_SYS_ADMIN;
 * - EBUSY: OPEN: @pid is in a tree already (a tree does not nest);
 * - ENOSPC: OPEN: every tree is in use (64 at a time), or the task table
 *   has no free record for the root;
 * - ENOENT: READ, CLOSE: no such tree open on this file.
 */
struct faultlat_tree {
	__u32 size;
	__u32 flags;
	__u32 op;
	__u32 pid;
	__u32 tree;
	__u32 members;
	__u32 live;
	__u32 dropped;
	__u32 hidden;
	__u32 entry_size;
	__u32 capacity;
	__u32 nr;
	__u64 entries;
	struct faultlat_stats stats;
	__u64 fallbacks;
	struct faultlat_tlb_stats tlb;
	struct faultlat_causes causes;
	__u64 paths[FAULTLAT_NR_PATHS];
	struct faultlat_causes_more causes_more;
};

#define FAULTLAT_IOC_TREE	_IO(FAULTLAT_TYPE, FAULTLAT_CMD_TREE)

/* struct faultlat_cgroup.flags */
#define FAULTLAT_CGROUP_OWN	_BITUL(0)	/* in: leave the descendants out */

/**
 * struct faultlat_cgroup - FAULTLAT_IOC_CGROUP: the faults of a cgroup (v2)
 *	and, unless told otherwise, of its descendants
 * @size: sizeof(struct faultlat_cgroup)
 * @flags: 0, or FAULTLAT_CGROUP_OWN for the faults of the cgroup's own
 *	tasks only
 * @fd: in: a file descriptor open on the cgroup's directory in the cgroup2
 *	file system (open(2) with O_RDONLY | O_DIRECTORY), as the caller's
 *	mount and cgroup namespace show it
 * @__reserved: must be 0
 * @id: out: the cgroup's id, the inode number of its directory (what
 *	name_to_handle_at() and BPF call the cgroup id)
 * @level: out: its depth, 0 for the root cgroup
 * @nr_records: out: cgroup records added up: the cgroup's and its
 *	descendants' that saw a fault (a removed cgroup's faults are in its
 *	parent's record)
 * @stats: out: the faults of the tasks in those cgroups, each counted in
 *	the cgroup its task was in when the fault ended, since load or the
 *	last reset
 * @fallbacks: out: those faults' fallbacks (struct faultlat_global)
 * @tlb: out: the TLB flushes those tasks initiated (struct
 *	faultlat_tlb_task's), each counted in the cgroup its task was in when
 *	the flush (or the IPI call) ended
 * @causes: out: the time of @stats' faults by cause, of those timed by
 *	cause (struct faultlat_task's)
 * @paths: out: of @stats' completed faults, those told by path, by [enum
 *	faultlat_path] (struct faultlat_task's).  (@causes and @paths since
 *	version 0.7; an older module leaves them as the caller passed them:
 *	pass zeroes.)
 * @causes_more: out: the same faults' time by the causes after the first
 *	five (struct faultlat_causes_more; since version 0.8)
 *
 * Anyone who owns the cgroup's directory (a delegated cgroup) may read
 * it; any other cgroup needs CAP_PERFMON or CAP_SYS_ADMIN.  Errors besides
 * the common ones (EFAULT, EINVAL, E2BIG):
 *
 * - EBADF: @fd is not open, or not on a cgroup2 directory;
 * - ENOENT: the cgroup was removed (its directory is still open);
 * - EACCES: the caller does not own the cgroup and lacks CAP_PERFMON and
 *   CAP_SYS_ADMIN;
 * - EOPNOTSUPP: the cgroup is deeper than FAULTLAT_CGROUP_MAX_LEVEL: its
 *   faults are counted in its ancestor at that level;
 * - ENODEV: the module counts no cgroup (loaded with cgroups=0).
 */
struct faultlat_cgroup {
	__u32 size;
	__u32 flags;
	__u32 fd;
	__u32 __reserved;
	__u64 id;
	__u32 level;
	__u32 nr_records;
	struct faultlat_stats stats;
	__u64 fallbacks;
	struct faultlat_tlb_stats tlb;
	struct faultlat_causes causes;
	__u64 paths[FAULTLAT_NR_PATHS];
	struct faultlat_causes_more causes_more;
};

#define FAULTLAT_IOC_CGROUP	_IO(FAULTLAT_TYPE, FAULTLAT_CMD_CGROUP)

/* cgroups deeper than this are counted in their ancestor at this depth */
#define FAULTLAT_CGROUP_MAX_LEVEL	15

/**
 * struct faultlat_cgroup_entry - one record of FAULTLAT_IOC_CGROUP_LIST
 * @id: the cgroup's id (struct faultlat_cgroup)
 * @parent_id: its parent's id; 0 for the root cgroup
 * @level: its depth, 0 for the root cgroup
 * @__reserved: 0
 * @minor: completed minor faults of its own tasks (and of its removed
 *	descendants'), not of its live descendants', which have records of
 *	their own
 * @major: completed major faults, likewise
 * @errors: faults with a VM_FAULT_ERROR result
 * @retries: handle_mm_fault() calls that returned VM_FAULT_RETRY
 * @total_ns: sum of the latencies of the minor and major faults
 * @min_ns: smallest of those latencies (0 when there is none)
 * @max_ns: largest
 * @buckets: the minor and major faults' latencies together, in the layout
 *	of "Histogram buckets"
 * @tlb_flushes: flush_tlb_mm_range() calls of its own tasks
 * @tlb_flush_ns: the sum of their latencies
 * @tlb_remote: of those, the flushes that sent IPIs
 * @tlb_ipis: IPI function calls of its tasks
 * @causes: the time of its completed faults by cause, of those timed by
 *	cause (struct faultlat_task's)
 * @paths: its completed faults told by path, by [enum faultlat_path].
 *	(@causes and @paths since version 0.7: an older module writes an
 *	entry without them, and zeroes the rest of the caller's)
 * @causes_more: the same faults' time by the causes after the first
 *	five (struct faultlat_causes_more; since version 0.8)
 */
struct faultlat_cgroup_entry {
	__u64 id;
	__u64 parent_id;
	__u32 level;
	__u32 __reserved;
	__u64 minor;
	__u64 major;
	__u64 errors;
	__u64 retries;
	__u64 total_ns;
	__u64 min_ns;
	__u64 max_ns;
	__u64 buckets[FAULTLAT_NR_BUCKETS];
	__u64 tlb_flushes;
	__u64 tlb_flush_ns;
	__u64 tlb_remote;
	__u64 tlb_ipis;
	struct faultlat_causes causes;
	__u64 paths[FAULTLAT_NR_PATHS];
	struct faultlat_causes_more causes_more;
};

/**
 * struct faultlat_cgroup_list - FAULTLAT_IOC_CGROUP_LIST: every cgroup
 *	record, each with its own faults (a reader adds up descendants)
 * @size: sizeof(struct faultlat_cgroup_list)
 * @flags: must be 0
 * @entry_size: in: sizeof(struct faultlat_cgroup_entry) as the caller
 *	knows it (at least the first version's), or 0 when @capacity is 0
 * @capacity: in: entries @entries has room for
 * @nr: out: entries written, the smaller of @capacity and @total
 * @total: out: records in use
 * @entries: in: user pointer to an array of @capacity entries of
 *	@entry_size bytes, or 0
 *
 * Needs CAP_PERFMON or CAP_SYS_ADMIN (EPERM otherwise): the ids name
 * every cgroup that saw a fault.  ENODEV: loaded with cgroups=0.
 */
struct faultlat_cgroup_list {
	__u32 size;
	__u32 flags;
	__u32 entry_size;
	__u32 capacity;
	__u32 nr;
	__u32 total;
	__u64 entries;
};

#define FAULTLAT_IOC_CGROUP_LIST	_IO(FAULTLAT_TYPE, FAULTLAT_CMD_CGROUP_LIST)

#endif /* _UAPI_LINUX_FAULTLAT_H */
