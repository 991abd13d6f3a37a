/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: one fault's time by cause, as the faultlat:fault event
 * carries it (fields reclaim_ns to uffd_ns, then page_lock_ns,
 * fallback_ns and zeroing_ns since 0.8; module parameter causes): its
 * text in trace's lines, its JSON in trace -j's objects, and the same
 * object read back from a recording by report.
 *
 * The event has the fields whenever the module is 0.5 or later, zeroes
 * when causes is off: a fault with no time in any cause looks the same
 * as one that was not timed.  trace tells them apart by the parameter
 * (fl_module_param()) and by the fields themselves (a nonzero one was
 * timed); see Documentation/userspace/json.rst.  An event of a module
 * before 0.8 has the first FAULTLAT_NR_CAUSES causes only: its JSON has
 * no keys for the others, which are unknown there (a wait for a page's
 * lock is in io_ns, a fallback's wasted attempt and the zeroing of a huge
 * page in rest_ns), not 0.
 */
#ifndef FAULTLAT_FCAUSES_H
#define FAULTLAT_FCAUSES_H

#include <stddef.h>
#include <json-c/json.h>
#include <linux/faultlat.h>

/* A fault's time: [enum faultlat_cause], then the rest */
#define FL_CZ_REST	FAULTLAT_NR_CAUSES_ALL
#define FL_CZ_SLOTS	(FAULTLAT_NR_CAUSES_ALL + 1)

/* "reclaim_ns" ... "zeroing_ns", "rest_ns" for FL_CZ_REST: trace -j's keys */
const char *fl_cause_key(unsigned int i);

/* The rest: @lat less the causes @ns; 0 if they add up to more. */
__u64 fl_fault_rest(const __u64 ns[FAULTLAT_NR_CAUSES_ALL], __u64 lat);

/*
 * "io=3.40ms rest=12.00us": the causes that had time, in the enum's
 * order, then the rest if any cause had time; "-" when none had (all the
 * latency is the rest).  Returns snprintf()'s count.
 */
int fl_fmt_fault_causes(char *buf, size_t len,
			const __u64 ns[FAULTLAT_NR_CAUSES_ALL], __u64 lat);

/*
 * {"reclaim_ns": N, ..., "rest_ns": N}: the first @told causes (those
 * the event has: FAULTLAT_NR_CAUSES before 0.8, FAULTLAT_NR_CAUSES_ALL
 * since), then the rest.
 */
struct json_object *fl_json_fault_causes(const __u64 ns[FAULTLAT_NR_CAUSES_ALL],
					 unsigned int told, __u64 lat);

/*
 * fl_parse_fault_causes() - trace -j's "causes" object @o of a fault of
 * latency @lat back into @ns, [FL_CZ_SLOTS]: the causes (a key missing
 * is 0) and the rest, @lat less them.  Returns the causes @o tells:
 * FAULTLAT_NR_CAUSES_ALL if it has a key of a cause after the first
 * FAULTLAT_NR_CAUSES (a recording of a module 0.8 or later), else
 * FAULTLAT_NR_CAUSES; or -1 if @o is not an object, or its causes add up
 * to more than @lat.
 */
int fl_parse_fault_causes(struct json_object *o, __u64 lat,
			  __u64 ns[FL_CZ_SLOTS]);

#endif /* FAULTLAT_FCAUSES_H */
