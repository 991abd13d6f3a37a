/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: decoding the module's trace events (faultlat:fault and
 * faultlat:tlb_flush) from raw ring-buffer records with libtraceevent.
 *
 * Field offsets and sizes are never assumed: they are looked up by name, once,
 * in the event's format as the kernel describes it (tracefs'
 * events/faultlat/NAME/format, parsed by libtraceevent), so a kernel that
 * lays the record out differently (PREEMPT_RT's extra common fields, another
 * architecture) is read right.  tests/tevent_test.c proves it with shifted
 * layouts.
 */
#ifndef FAULTLAT_TEVENT_H
#define FAULTLAT_TEVENT_H

#include <stddef.h>
#include <event-parse.h>
#include <linux/types.h>
#include <linux/faultlat.h>

#define FL_TEV_SYSTEM	"faultlat"
#define FL_TEV_FAULT	"fault"
#define FL_TEV_TLB	"tlb_flush"

/* One faultlat:fault event; see module/trace.h. */
struct fl_fault_event {
	__u32 pid;
	__u32 tgid;
	__u64 address;
	__u64 latency_ns;
	__u32 result;		/* vm_fault_t bits */
	__u32 attempts;
	__u8 outcome;		/* enum faultlat_event_outcome */
	__u8 mode;		/* enum faultlat_mode */
	__u8 kind;		/* enum faultlat_kind */
	__u8 access;		/* enum faultlat_access */
	__u8 path;		/* enum faultlat_path; FAULTLAT_NR_PATHS: not
				 * told (module parameter paths off), or a
				 * module before 0.6, whose event has none
				 */
	__u32 tree;		/* the process tree (FAULTLAT_IOC_TREE) of
				 * the faulting process, 0 for none, or a
				 * module before 0.7, whose event has none
				 * (struct fl_decoder.fault_tree is NULL)
				 */
	__u8 causes_told;	/* the causes the event has: 0 (before 0.5),
				 * FAULTLAT_NR_CAUSES (reclaim_ns to uffd_ns,
				 * before 0.8) or FAULTLAT_NR_CAUSES_ALL
				 * (page_lock_ns, fallback_ns and
				 * zeroing_ns too); the fields are zeroes
				 * when module parameter causes is off, so
				 * this does not say the fault was timed by
				 * cause
				 */
	__u64 cause_ns[FAULTLAT_NR_CAUSES_ALL];	/* [enum faultlat_cause];
						 * 0 past causes_told
						 */
};

/* One faultlat:tlb_flush event. */
struct fl_tlb_event {
	__u32 pid;
	__u64 start;
	__u64 end;
	__u64 pages;
	__u64 latency_ns;
	__u32 remote_cpus;
	__u8 reason;		/* enum faultlat_tlb_event_reason */
};

#define FL_FAULT_NR_FIELDS	10
#define FL_TLB_NR_FIELDS	7

struct fl_decoder {
	struct tep_event *fault;	/* NULL: not in the format data */
	struct tep_event *tlb;
	struct tep_format_field *fault_fields[FL_FAULT_NR_FIELDS];
	struct tep_format_field *fault_path;	/* NULL: before 0.6 */
	struct tep_format_field *fault_tree;	/* NULL: before 0.7 */
	/*
	 * reclaim_ns to uffd_ns, then page_lock_ns, fallback_ns and
	 * zeroing_ns, [enum faultlat_cause]: NULL before 0.5, the last three
	 * NULL before 0.8
	 */
	struct tep_format_field *fault_causes[FAULTLAT_NR_CAUSES_ALL];
	struct tep_format_field *tlb_fields[FL_TLB_NR_FIELDS];
};

/*
 * fl_decoder_init() - find the events in @tep and look their fields up.
 *
 * An event @tep does not know is left NULL (a module without it); the
 * caller checks the ones it needs.  Returns 0, or -1 with a message in
 * @err (@len bytes) if an event lacks a field we read, or has one of a
 * size we cannot read.
 */
int fl_decoder_init(struct fl_decoder *d, struct tep_handle *tep, char *err,
		    size_t len);

/*
 * fl_decode_fault() - read @rec, a faultlat:fault record, into @e.
 * fl_decode_tlb() - likewise for faultlat:tlb_flush.
 *
 * Return 0, or -1 if @rec is too short for the fields.
 */
int fl_decode_fault(const struct fl_decoder *d, const struct tep_record *rec,
		    struct fl_fault_event *e);
int fl_decode_tlb(const struct fl_decoder *d, const struct tep_record *rec,
		  struct fl_tlb_event *e);

#endif /* FAULTLAT_TEVENT_H */
