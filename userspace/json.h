/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: JSON output through json-c.  The schema is documented
 * in Documentation/userspace/json.rst.
 */
#ifndef FAULTLAT_JSON_H
#define FAULTLAT_JSON_H

#include <stdio.h>
#include <json-c/json.h>
#include <linux/faultlat.h>

#include "causes.h"

/* {"count", "sum_ns", "min_ns", "max_ns", "pNN_ns"..., "buckets": [...]} */
struct json_object *fl_json_hist(const struct faultlat_hist *h);
/*
 * The histograms of @classes (FL_CLASS_*), breakdowns and error counts,
 * and @fallbacks (struct faultlat_task's or faultlat_global's).
 */
struct json_object *fl_json_stats(const struct faultlat_stats *s,
				  __u64 fallbacks, unsigned int classes);
/*
 * {"flush": {histogram}, "full", "ranged", "pages", "remote", "local_only",
 *  "ipis", "ipi_targets"}
 */
struct json_object *fl_json_tlb_stats(const struct faultlat_tlb_stats *s);
/*
 * {"in_use": "native_flush_tlb_multi" or null, "calls": {NAME: N, ...}}
 * with the attached IPI functions in "calls".
 */
struct json_object *fl_json_tlb_ipi(const struct faultlat_info *info);
/*
 * {"faults", "latency_ns", "by_cause": {NAME: {"faults", "ns", "share"}}}
 * of the first @told causes (fl_causes_told()) and the rest.
 */
struct json_object *fl_json_causes(const struct fl_causes *c,
				   unsigned int told);
struct json_object *fl_json_paths(const __u64 paths[FAULTLAT_NR_PATHS]);
struct json_object *fl_json_u64(__u64 v);
/*
 * Add "nmissed", "dropped" (@after's) and "nmissed_delta",
 * "dropped_delta" (since @before) to @o.
 */
void fl_json_add_losses(struct json_object *o,
			const struct faultlat_info *before,
			const struct faultlat_info *after);
/* A NUL-padded comm as a JSON string. */
struct json_object *fl_json_comm(const __u64 comm[2]);
/*
 * Print @obj and a newline to @f, pretty if fl_opts.pretty, and drop the
 * reference.  Returns 0, or -1 if writing failed.
 */
int fl_json_print(FILE *f, struct json_object *obj);

#endif /* FAULTLAT_JSON_H */
