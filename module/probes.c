// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: the fault site, handle_mm_fault().
 *
 * The entry hook takes the time and reads the fault's dimensions from the
 * vma and flags while the vma is certainly alive (after the call,
 * VM_FAULT_RETRY and VM_FAULT_COMPLETED mean the mmap lock was dropped).
 * The return hook classifies the call exactly as mm_account_fault() does
 * and records it in the task's record (or, for a task without one, in
 * this CPU's totals).  The return hook runs with preemption disabled,
 * attached directly or by a kretprobe (attach.c); the entry hook too but
 * for a direct call, where it needs not (it reads no per-CPU data).  They
 * neither sleep nor allocate.
 */
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/hugetlb.h>
#include <linux/shmem_fs.h>
#include <linux/moduleparam.h>

#include "cgroups.h"
#include "compat.h"
#include "direct.h"
#include "faultlat.h"
#include "trace.h"

unsigned int fl_maxactive = 512;
u64 fl_min_latency_ns;
module_param_named(maxactive, fl_maxactive, uint, 0444);
MODULE_PARM_DESC(maxactive,
		 "kretprobe instances for handle_mm_fault(), unused by a direct call: faults in flight at once, sleeping ones included (16-65536, default 512)");

/**
 * struct fl_call - per-instance data of one handle_mm_fault() call
 * @start: entry time
 * @address: the faulting address
 * @flags: the fault flags
 * @attempts: calls of the fault so far, this one included (at return)
 * @s: the dimensions, filled at entry
 */
struct fl_call {
	u64 start;
	unsigned long address;
	unsigned int flags;
	u32 attempts;
	struct fl_sample s;
};

/*
 * fl_dims() of a kind-0 fault by the flags that give its mode and access:
 * one load where the tests and branches that find them cost a dozen
 * instructions a fault (the kind is added in units of FAULTLAT_NR_ACCESS:
 * fl_dims() has it between the two).
 */
#define FL_DIMS_FLAGS	(FAULT_FLAG_USER | FAULT_FLAG_WRITE | \
			 FAULT_FLAG_INSTRUCTION)
static_assert(FL_DIMS_FLAGS < 1024);
static u8 fl_flag_dims[FL_DIMS_FLAGS + 1] __read_mostly;

void __init fl_probes_init(void)
{
	unsigned int f, mode, access;

	for (f = 0; f <= FL_DIMS_FLAGS; f++) {
		mode = (f & FAULT_FLAG_USER) ? FAULTLAT_MODE_USER :
					       FAULTLAT_MODE_KERNEL;
		if (f & FAULT_FLAG_INSTRUCTION)
			access = FAULTLAT_ACCESS_EXEC;
		else if (f & FAULT_FLAG_WRITE)
			access = FAULTLAT_ACCESS_WRITE;
		else
			access = FAULTLAT_ACCESS_READ;
		fl_flag_dims[f] = fl_dims(mode, 0, access);
	}
}

static nokprobe_inline u8 fl_kind(struct vm_area_struct *vma)
{
	struct file *file = vma->vm_file;

	/* hugetlb mappings, MAP_HUGETLB ones too, have a hugetlbfs file */
	if (!file)
		return FAULTLAT_KIND_ANON;
	if (is_vm_hugetlb_page(vma))
		return FAULTLAT_KIND_HUGETLB;
	if (file->f_mapping && shmem_mapping(file->f_mapping))
		return FAULTLAT_KIND_SHMEM;
	return FAULTLAT_KIND_FILE;
}

static nokprobe_inline bool fl_fault_continues(const struct fl_rec *r,
					       const struct fl_call *c);

/*
 * The fault hooks' one static branch for what module parameters causes
 * and paths turn on (each of which holds it enabled while it is on, and
 * has its own key besides): with both off, they cost the fault path one
 * branch at entry and one at return, whichever of them there are.
 */
DEFINE_STATIC_KEY_FALSE(fl_episodes_on);

/* paths.c: a call begins; the marks of a fault it continues go on */
static nokprobe_inline void fl_paths_begin(struct fl_rec *r, bool continues)
{
	if (r && !continues)
		r->path_marks = FL_PM_ACTIVE;
}

/*
 * paths.c: a call returns, in @r's write section.  A fault that ends (or
 * is given up) gets its path from its marks, its class (major as
 * mm_account_fault() says, which the final call's @class is) and its
 * vma's kind (the final call's, @dims), for the trace event; a completed
 * one is counted by it.  One whose start the hooks did not see (the paths
 * were turned on meanwhile) is not told.  The values it takes are those
 * the return hook keeps alive anyway (the trace event's): with paths and
 * causes off, it keeps nothing more alive across the body's call.
 */
static nokprobe_inline void fl_paths_leave(struct fl_rec *r, u8 class,
					   unsigned int dims, bool done,
					   bool pending)
{
	u16 m = r->path_marks;
	u8 path;

	if (pending)
		return;
	r->path_marks = 0;
	if (!(m & FL_PM_ACTIVE)) {
		r->path_last = FL_PATH_NONE;
		return;
	}
	path = fl_path_of(m | (class == FAULTLAT_MAJOR ? FL_PM_MAJOR : 0),
			  fl_dims_kind(dims));
	fl_assume(path < FAULTLAT_NR_PATHS);
	r->path_last = path;
	if (done)
		r->st.paths[path]++;
}

/* The entry hook's part of what fl_episodes_on covers. */
static nokprobe_inline void fl_episode_begin(struct fl_rec *r, u64 start,
					     bool continues,
					     struct vm_area_struct *vma,
					     unsigned int flags)
{
	if (static_branch_unlikely(&fl_causes_on))
		fl_causes_begin(r, start, continues, vma, flags);
	if (static_branch_unlikely(&fl_paths_on))
		fl_paths_begin(r, continues);
}

/* The return hook's, in @r's write section. */
static nokprobe_inline void fl_episode_leave(struct fl_rec *r, u64 now,
					     u64 lat_ns, u8 class,
					     unsigned int dims, bool done,
					     bool pending, bool fallback)
{
	if (static_branch_unlikely(&fl_causes_on))
		fl_causes_leave(r, now, lat_ns, done, pending, fallback);
	if (static_branch_unlikely(&fl_paths_on))
		fl_paths_leave(r, class, dims, done, pending);
}

/*
 * handle_mm_fault(vma, address, flags, regs): the entry hook's work,
 * inline in the direct entry half (fl_dcall_fault()) and in the
 * kretprobe's (fl_fault_enter()), neither of which may be probed.
 */
static nokprobe_inline bool fl_fault_begin(const struct fl_site *site,
					   void *data, const unsigned long *args,
					   struct fl_rec *r)
{
	struct fl_call *c = data;
	struct vm_area_struct *vma = (struct vm_area_struct *)args[0];
	unsigned int flags = args[2];

	c->flags = flags;
	c->address = args[1];
	c->s.dims = fl_flag_dims[flags & FL_DIMS_FLAGS] +
		    fl_kind(vma) * FAULTLAT_NR_ACCESS;
	c->s.no_regs = !args[3];
	c->attempts = 1;
	c->start = fl_now();
	/* time by cause (causes.c) and path (paths.c), off by default */
	if (static_branch_unlikely(&fl_episodes_on))
		fl_episode_begin(r, c->start,
				 r && r->retry_pending &&
				 fl_fault_continues(r, c), vma, flags);
	return true;
}

/* The site's entry hook, for the kretprobe's entry handler (attach.c). */
static bool fl_fault_enter(const struct fl_site *site, void *data,
			   const unsigned long *args, struct fl_rec *r)
{
	return fl_fault_begin(site, data, args, r);
}

NOKPROBE_SYMBOL(fl_fault_enter);

/*
 * The faultlat:fault event, out of line: with the event disabled, all the
 * return hook pays for it is the static branch.  The call's data comes as
 * the values the event needs: the direct hooks' copy then never has its
 * address taken, stays in registers (no stack protector, no zeroing of
 * the stack), and what the event does not need (the bucket) is never
 * stored for it.
 */
static noinline void fl_fault_trace(unsigned long address, u64 lat_ns,
				    u32 attempts, unsigned int class,
				    unsigned int dims, vm_fault_t ret,
				    const struct fl_rec *r)
{
	u64 cz[FL_NR_CAUSES];

	if ((ret & VM_FAULT_RETRY) || lat_ns < READ_ONCE(fl_min_latency_ns))
		return;
	fl_causes_of(static_branch_unlikely(&fl_causes_on) ? r : NULL,
		     lat_ns, cz);
	trace_fault(address < TASK_SIZE_MAX ? address & PAGE_MASK : 0,
		    lat_ns, (__force u32)ret, attempts,
		    ret & VM_FAULT_ERROR ? FAULTLAT_EVENT_ERROR :
		    class == FAULTLAT_MAJOR ? FAULTLAT_EVENT_MAJOR :
		    FAULTLAT_EVENT_MINOR,
		    fl_dims_mode(dims), fl_dims_kind(dims),
		    fl_dims_access(dims), cz,
		    static_branch_unlikely(&fl_paths_on) && r ?
		    r->path_last : FL_PATH_NONE, fl_task_tree(r));
}

NOKPROBE_SYMBOL(fl_fault_trace);

/*
 * Does call @c continue the fault @r's last call left pending (returned
 * VM_FAULT_RETRY, not given up)?  Every retry passes the same address.
 *  - After a fallback, a call under the per-VMA lock that returned
 *    VM_FAULT_RETRY (6.4+), x86's do_user_addr_fault() retries under
 *    mmap_lock: without FAULT_FLAG_VMA_LOCK, with pt_regs, and with
 *    FAULT_FLAG_TRIED only if the fallback returned VM_FAULT_MAJOR (6.7+;
 *    never on 6.4 to 6.6): the flag tells nothing.
 *  - After any other retry (do_user_addr_fault()'s mmap_lock loop,
 *    get_user_pages() with FOLL_TRIED, fixup_user_fault()), the next call
 *    carries FAULT_FLAG_TRIED.
 * Any other call means the thread gave the fault up (it went back to user
 * mode and faulted again, or returned an error): the pending fault is
 * abandoned.  On 6.1 FL_FAULT_FLAG_VMA_LOCK is 0: only the second rule.
 */
static nokprobe_inline bool fl_fault_continues(const struct fl_rec *r,
					       const struct fl_call *c)
{
	if (c->address != r->retry_address ||
	    (c->flags & FL_FAULT_FLAG_VMA_LOCK))
		return false;
	if (r->retry_vma)
		return !c->s.no_regs;
	return c->flags & FAULT_FLAG_TRIED;
}

/*
 * After a VM_FAULT_RETRY: will the caller give the fault up?  x86's
 * do_user_addr_fault() asks fault_signal_pending() right after the call,
 * about the same task: a fatal signal, or any signal for a fault from
 * user mode (FAULT_FLAG_USER is user_mode(regs)).  Nothing clears
 * TIF_SIGPENDING in between but the task itself, so the answer is the
 * kernel's, or the signal came later and the next call tells (a fault
 * without pt_regs is left to that too: get_user_pages() and
 * fixup_user_fault() have rules of their own).
 */
static nokprobe_inline bool fl_fault_given_up(const struct fl_call *c)
{
	if (c->s.no_regs)
		return false;
	return fatal_signal_pending(current) ||
	       ((c->flags & FAULT_FLAG_USER) && signal_pending(current));
}

/*
 * An eager thread's completed fault (cgroups.c) in its cgroup's share: its
 * time by cause and its path, as its record got them (fl_episode_leave()).
 * Only for the threads moved after they faulted: off the common path.
 */
static noinline void fl_cg_episode(struct fl_cg_cpu *cc,
				   const struct fl_rec *r, u64 lat_ns)
{
	u64 ns[FL_NR_CAUSES];
	bool timed = static_branch_unlikely(&fl_causes_on) && r->ep.done;
	unsigned int path = FL_PATH_NONE;

	if (timed)
		fl_causes_of(r, lat_ns, ns);
	if (static_branch_unlikely(&fl_paths_on))
		path = r->path_last;
	fl_cg_count_episode(cc, timed ? ns : NULL, lat_ns, path);
}

NOKPROBE_SYMBOL(fl_cg_episode);

/*
 * The return hook's work, but for the trace event; inline in the direct
 * exit hook, with everything it calls but the slow paths.  A reset between
 * the entry and return hooks is not checked for again: the call is then
 * recorded in the record's old generation, which readers take for zero (a
 * fault in flight across a reset, counted in neither).
 */
static nokprobe_inline void fl_fault_record(const struct fl_site *site,
					    void *data, unsigned long retval,
					    struct fl_rec *r)
{
	struct fl_call *c = data;
	vm_fault_t ret = (__force vm_fault_t)retval;
	u64 now = fl_now(), start = c->start;
	struct fl_cg_cpu *cc;
	struct fl_pcpu *pc;
	enum { DONE, RETRY, ERROR } outcome;
	unsigned int abandoned = 0;
	bool fallback;

	/* As mm_account_fault(): a retried fault that completes is major. */
	c->s.class = ((ret & VM_FAULT_MAJOR) || (c->flags & FAULT_FLAG_TRIED)) ?
		     FAULTLAT_MAJOR : FAULTLAT_MINOR;

	/* The common case first: a fault done in one call. */
	if (likely(r && !r->retry_pending &&
		   !(ret & (VM_FAULT_ERROR | VM_FAULT_RETRY)))) {
		/* its cgroup's record counts @r's faults (cgroups.c) ... */
		cc = fl_cg_share(r);
		write_seqcount_begin(&r->seq);
		c->s.lat_ns = fl_elapsed(start, now);
		c->s.bucket = fl_bucket(c->s.lat_ns);
		FL_STATS_RECORD(&r->st, &c->s);
		if (static_branch_unlikely(&fl_episodes_on))
			fl_episode_leave(r, now, c->s.lat_ns, c->s.class,
					 c->s.dims, true, false, false);
		write_seqcount_end(&r->seq);
		/* ... but an eager thread's */
		if (unlikely(cc)) {
			fl_cg_count(cc, c->s, false, false, false, 0);
			if (static_branch_unlikely(&fl_episodes_on))
				fl_cg_episode(cc, r, c->s.lat_ns);
		}
		return;
	}

	/*
	 * VM_FAULT_RETRY first, as the callers test it, and as 6.4+'s
	 * mm_account_fault() does (pgfault counts the errors but not the
	 * retries there).
	 */
	if (ret & VM_FAULT_RETRY)
		outcome = RETRY;
	else if (ret & VM_FAULT_ERROR)
		outcome = ERROR;
	else
		outcome = DONE;
	fallback = outcome == RETRY && (c->flags & FL_FAULT_FLAG_VMA_LOCK);

	cc = fl_cg_share(r);
	if (r) {
		write_seqcount_begin(&r->seq);
		if (r->retry_pending) {
			if (fl_fault_continues(r, c)) {
				start = r->retry_start;
				c->attempts += r->retry_calls;
			} else {
				abandoned++;
			}
			r->retry_pending = false;
		}
		if (outcome == RETRY) {
			if (fl_fault_given_up(c)) {
				abandoned++;
			} else {
				r->retry_pending = true;
				r->retry_vma = fallback;
				r->retry_address = c->address;
				r->retry_start = start;
				r->retry_calls = c->attempts;
			}
		}
		c->s.lat_ns = fl_elapsed(start, now);
		c->s.bucket = fl_bucket(c->s.lat_ns);
		if (outcome == DONE) {
			FL_STATS_RECORD(&r->st, &c->s);
		} else if (outcome == ERROR) {
			r->st.errors++;
		} else {
			r->st.retries++;
			r->st.fallbacks += fallback;
		}
		r->st.abandoned += abandoned;
		if (static_branch_unlikely(&fl_episodes_on))
			fl_episode_leave(r, now, c->s.lat_ns, c->s.class,
					 c->s.dims, outcome == DONE,
					 r->retry_pending, fallback);
		write_seqcount_end(&r->seq);
		if (cc) {
			fl_cg_count(cc, c->s, outcome == ERROR,
				    outcome == RETRY, fallback, abandoned);
			if (static_branch_unlikely(&fl_episodes_on) &&
			    outcome == DONE)
				fl_cg_episode(cc, r, c->s.lat_ns);
		}
		return;
	}

	/*
	 * No record (the table is full): this CPU's totals count the fault
	 * for the global view, which sums the records otherwise (tasks.c).
	 * raw_: one lockdep class would do for every CPU's, and none is
	 * needed.
	 */
	c->s.lat_ns = fl_elapsed(start, now);
	c->s.bucket = fl_bucket(c->s.lat_ns);
	pc = fl_pcpu_get();
	raw_write_seqcount_begin(&pc->seq);
	pc->dropped++;
	if (outcome == DONE) {
		FL_STATS_RECORD(&pc->st, &c->s);
	} else if (outcome == ERROR) {
		pc->st.errors++;
	} else {
		pc->st.retries++;
		pc->st.fallbacks += fallback;
	}
	raw_write_seqcount_end(&pc->seq);
	if (cc)
		fl_cg_count(cc, c->s, outcome == ERROR, outcome == RETRY,
			    fallback, 0);
}

static void fl_fault_leave(const struct fl_site *site, void *data,
			   unsigned long retval, struct fl_rec *r)
{
	struct fl_call *c = data;

	fl_fault_record(site, data, retval, r);
	if (trace_fault_enabled())
		fl_fault_trace(c->address, c->s.lat_ns, c->attempts,
			       c->s.class, c->s.dims,
			       (__force vm_fault_t)retval, r);
}

NOKPROBE_SYMBOL(fl_fault_leave);

static_assert(sizeof(struct fl_call) <= FL_SITE_DATA_WORDS * sizeof(u64));
typedef vm_fault_t (*fl_fault_proto)(struct vm_area_struct *, unsigned long,
				     unsigned int, struct pt_regs *);
static_assert(__same_type(&handle_mm_fault, fl_fault_proto));
static_assert(__same_type(&handle_mm_fault, fl_fault_fn *));

struct fl_site fl_site_fault = {
	.sym = "handle_mm_fault",
	.id = FL_SITE_FAULT,
	.bit = FAULTLAT_PROBE_FAULT,
	.nargs = 4,
	.task = true,
	.enter = fl_fault_enter,
	.leave = fl_fault_leave,
};

/**
 * fl_dcall_fault() - the C half of handle_mm_fault()'s trampoline
 * @vma: handle_mm_fault()'s arguments
 * @address: see @vma
 * @flags: see @vma
 * @regs: see @vma
 *
 * As FL_DHOOKS() would make it but for its prototype (handle_mm_fault()'s
 * own: four registers to keep across the hooks, not six) and the event:
 * with the event disabled, the exit half pays for it with the static
 * branch alone.
 *
 * Return: the body's return value.
 */
notrace vm_fault_t fl_dcall_fault(struct vm_area_struct *vma,
				  unsigned long address, unsigned int flags,
				  struct pt_regs *regs)
{
	const unsigned long args[4] = {
		(unsigned long)vma, address, flags, (unsigned long)regs
	};
	/* every member is written before it is read: no zeroing, please */
	struct fl_call c __uninitialized;
	struct fl_rec *r;
	unsigned int track;
	vm_fault_t ret;

	track = fl_dcall_enter(&fl_site_fault, fl_fault_begin, &c, args, &r,
			       true, true);
	ret = static_call(fl_body_fault)(vma, address, flags, regs);
	fl_dcall_exit(&fl_site_fault, fl_fault_record, &c,
		      (__force unsigned long)ret, r, track);
	if (trace_fault_enabled() && (track & FL_DC_TRACK))
		fl_fault_trace(c.address, c.s.lat_ns, c.attempts, c.s.class,
			       c.s.dims, ret, r);
	return ret;
}
