/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat: where a fault's time went, by cause (causes.c).
 *
 * Off unless module parameter causes is on: then the static key
 * fl_causes_on lets the fault hooks call in here, and causes.c's probes
 * are attached to the kernel's tracepoints of each cause.  Off, nothing of
 * this runs and no probe is attached.
 */
#ifndef _FAULTLAT_CAUSES_H
#define _FAULTLAT_CAUSES_H

#include <linux/types.h>
#include <linux/jump_label.h>
#include <linux/faultlat.h>

/* every cause, those of struct faultlat_causes and faultlat_causes_more */
#define FL_NR_CAUSES	FAULTLAT_NR_CAUSES_ALL

/**
 * struct fl_causes - time of completed faults by cause, every cause in
 *	one array: struct faultlat_causes and faultlat_causes_more together
 * @faults: see struct faultlat_causes
 * @latency_ns: see struct faultlat_causes
 * @ns: see struct faultlat_causes, [enum faultlat_cause]
 * @with: see struct faultlat_causes, [enum faultlat_cause]
 */
struct fl_causes {
	u64 faults;
	u64 latency_ns;
	u64 ns[FL_NR_CAUSES];
	u64 with[FL_NR_CAUSES];
};

/**
 * struct fl_tcauses - a task record's time of completed faults by cause;
 *	struct fl_causes with 32-bit counts (within 2 KiB a record)
 * @latency_ns: see struct faultlat_causes
 * @ns: see struct faultlat_causes
 * @faults: see struct faultlat_causes
 * @with: see struct faultlat_causes
 */
struct fl_tcauses {
	u64 latency_ns;
	u64 ns[FL_NR_CAUSES];
	u32 faults;
	u32 with[FL_NR_CAUSES];
};

/*
 * Add one completed fault to @to (struct fl_tcauses or fl_causes): its
 * latency @lat and @by, its nanoseconds by cause ([enum
 * faultlat_cause]), or NULL when it had time in no cause.
 */
#define FL_CAUSES_ADD_FAULT(to, by, lat)				\
	do {								\
		typeof(to) df__ = (to);					\
		const u64 *nf__ = (by);					\
		unsigned int i__;					\
									\
		df__->faults++;						\
		df__->latency_ns += (lat);				\
		for (i__ = 0; nf__ && i__ < FL_NR_CAUSES; i__++) {	\
			df__->ns[i__] += nf__[i__];			\
			df__->with[i__] += !!nf__[i__];			\
		}							\
	} while (0)

/* Add the causes of @from to @to: struct fl_tcauses or fl_causes. */
#define FL_CAUSES_ADD(to, from)						\
	do {								\
		typeof(to) dc__ = (to);					\
		typeof(from) sc__ = (from);				\
		unsigned int i__;					\
									\
		dc__->faults += sc__->faults;				\
		dc__->latency_ns += sc__->latency_ns;			\
		for (i__ = 0; i__ < FL_NR_CAUSES; i__++) {		\
			dc__->ns[i__] += sc__->ns[i__];			\
			dc__->with[i__] += sc__->with[i__];		\
		}							\
	} while (0)

/*
 * Two more spans than causes: a call under the per-VMA lock that has not
 * returned yet (its time is the fallback's if it returns VM_FAULT_RETRY,
 * the rest's otherwise), and the rest, which is not kept.
 */
#define FL_CAUSE_ATTEMPT	FL_NR_CAUSES
#define FL_CAUSE_REST		(FL_NR_CAUSES + 1)

/*
 * An episode's time by cause is kept in units of 2^FL_CZ_SHIFT fl_now()
 * units (64 TSC cycles, or 64 ns): 32 bits then hold more than a minute,
 * and keep a task record within 2 KiB.
 */
#define FL_CZ_SHIFT	6

/**
 * struct fl_episode - the fault episode a thread is in, by cause
 * @since: start of the current span, in fl_now() units
 * @acc: time of each cause so far, in 2^FL_CZ_SHIFT fl_now() units (each
 *	span rounded down; saturated at U32_MAX)
 * @cause: the cause of the current span, FL_CAUSE_REST for none
 * @had: the causes (bits of enum faultlat_cause) @acc has time of
 * @reclaim: reclaim begun, not ended (nested)
 * @compaction: compaction begun, not ended
 * @lock: waiting for mmap_lock
 * @off: off CPU
 * @off_io: off CPU in io_schedule() (in_iowait), blocked
 * @off_blocked: off CPU blocked (not preempted)
 * @uffd: the fault's VMA is registered with userfaultfd
 * @page_lock: waiting for the lock of an up-to-date folio
 * @zeroing: zeroing a huge page
 * @vma_locked: in a call under the per-VMA lock
 * @fell_back: from a fallback's return to the next call
 * @active: in an episode, from its first call's entry to its final return
 * @done: the episode is over: fl_causes_of() may tell its time
 *
 * Written by the thread itself, preemption disabled, and by the CPU that
 * switches it in (sched_switch), when it does not run.
 */
struct fl_episode {
	u64 since;
	u32 acc[FL_CAUSE_ATTEMPT + 1];
	u8 cause;
	u8 had;
	u8 reclaim;
	u8 compaction;
	bool lock:1;
	bool off:1;
	bool off_io:1;
	bool off_blocked:1;
	bool uffd:1;
	bool page_lock:1;
	bool zeroing:1;
	bool vma_locked:1;
	bool fell_back:1;
	bool active:1;
	bool done:1;
};

DECLARE_STATIC_KEY_FALSE(fl_causes_on);

struct fl_rec;
struct vm_area_struct;

void fl_causes_begin(struct fl_rec *r, u64 start, bool continues,
		     struct vm_area_struct *vma, unsigned int flags);
void fl_causes_leave(struct fl_rec *r, u64 now, u64 lat_ns, bool done,
		     bool pending, bool fallback);
void fl_causes_of(const struct fl_rec *r, u64 lat_ns, u64 ns[FL_NR_CAUSES]);
void fl_causes_add_uapi(struct faultlat_causes *to,
			struct faultlat_causes_more *more,
			const struct fl_causes *from);
void fl_causes_reset_rec(struct fl_rec *r);
struct seq_file;
void fl_causes_layout_show(struct seq_file *m);
int fl_causes_init(void);
void fl_causes_exit(void);
bool fl_causes_enabled(void);
const char *fl_cause_name(unsigned int cause);

#endif /* _FAULTLAT_CAUSES_H */
