// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat client: JSON output through json-c.
 */
#include "cmd.h"
#include "dev.h"
#include "hist.h"
#include "interval.h"
#include "util.h"
#include "json.h"

struct json_object *fl_json_u64(__u64 v)
{
	return json_object_new_uint64(v);
}

void fl_json_add_losses(struct json_object *o,
			const struct faultlat_info *before,
			const struct faultlat_info *after)
{
	json_object_object_add(o, "nmissed", fl_json_u64(after->nmissed));
	json_object_object_add(o, "dropped", fl_json_u64(after->dropped));
	json_object_object_add(o, "nmissed_delta",
			       fl_json_u64(fl_counter_delta(before->nmissed,
							    after->nmissed)));
	json_object_object_add(o, "dropped_delta",
			       fl_json_u64(fl_counter_delta(before->dropped,
							    after->dropped)));
}

struct json_object *fl_json_comm(const __u64 comm[2])
{
	char buf[FL_COMM_LEN + 1];

	fl_comm(comm, buf);
	return json_object_new_string(buf);
}

struct json_object *fl_json_hist(const struct faultlat_hist *h)
{
	struct json_object *o = json_object_new_object();
	struct json_object *b = json_object_new_array();
	unsigned int i, first, last;

	json_object_object_add(o, "count", fl_json_u64(h->count));
	json_object_object_add(o, "sum_ns", fl_json_u64(h->sum_ns));
	json_object_object_add(o, "min_ns", fl_json_u64(h->min_ns));
	json_object_object_add(o, "max_ns", fl_json_u64(h->max_ns));
	for (i = 0; i < FL_NR_PCTS; i++)
		json_object_object_add(o, fl_pcts[i].json,
				       fl_json_u64(fl_percentile(h, fl_pcts[i].per10k)));

	if (fl_hist_range(h, &first, &last)) {
		for (i = first; i <= last; i++) {
			struct json_object *e;
			__u64 hi = faultlat_bucket_hi(i);

			if (!h->buckets[i])
				continue;
			e = json_object_new_object();
			json_object_object_add(e, "lo_ns",
					       fl_json_u64(faultlat_bucket_lo(i)));
			/* the overflow bucket has no upper bound: null */
			json_object_object_add(e, "hi_ns", hi == ~0ULL ? NULL :
					       fl_json_u64(hi));
			json_object_object_add(e, "count",
					       fl_json_u64(h->buckets[i]));
			json_object_array_add(b, e);
		}
	}
	json_object_object_add(o, "buckets", b);
	return o;
}

static struct json_object *counts(const __u64 *v, const char * const *names,
				  unsigned int n)
{
	struct json_object *o = json_object_new_object();
	unsigned int i;

	for (i = 0; i < n; i++)
		json_object_object_add(o, names[i], fl_json_u64(v[i]));
	return o;
}

struct json_object *fl_json_stats(const struct faultlat_stats *s,
				  __u64 fallbacks, unsigned int classes)
{
	struct json_object *o = json_object_new_object();
	struct json_object *nr = json_object_new_object();
	struct json_object *mode = json_object_new_object();
	struct json_object *kind = json_object_new_object();
	struct json_object *acc = json_object_new_object();
	int c;

	for (c = 0; c < FAULTLAT_NR_CLASSES; c++) {
		const char *name = fl_class_names[c];

		if (!(classes & BIT(c)))
			continue;
		json_object_object_add(o, name,
				       fl_json_hist(c == FAULTLAT_MINOR ?
						    &s->minor : &s->major));
		json_object_object_add(nr, name, fl_json_u64(s->no_regs[c]));
		json_object_object_add(mode, name,
				       counts(s->by_mode[c], fl_mode_names,
					      FAULTLAT_NR_MODES));
		json_object_object_add(kind, name,
				       counts(s->by_kind[c], fl_kind_names,
					      FAULTLAT_NR_KINDS));
		json_object_object_add(acc, name,
				       counts(s->by_access[c], fl_access_names,
					      FAULTLAT_NR_ACCESS));
	}
	json_object_object_add(o, "errors", fl_json_u64(s->errors));
	json_object_object_add(o, "retries", fl_json_u64(s->retries));
	json_object_object_add(o, "abandoned", fl_json_u64(s->abandoned));
	json_object_object_add(o, "calls", fl_json_u64(s->calls));
	json_object_object_add(o, "fallbacks", fl_json_u64(fallbacks));
	json_object_object_add(o, "no_regs", nr);
	json_object_object_add(o, "by_mode", mode);
	json_object_object_add(o, "by_kind", kind);
	json_object_object_add(o, "by_access", acc);
	return o;
}

struct json_object *fl_json_tlb_stats(const struct faultlat_tlb_stats *s)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "flush", fl_json_hist(&s->flush));
	json_object_object_add(o, "full", fl_json_u64(s->full));
	json_object_object_add(o, "ranged", fl_json_u64(s->ranged));
	json_object_object_add(o, "pages", fl_json_u64(s->pages));
	json_object_object_add(o, "remote", fl_json_u64(s->remote));
	json_object_object_add(o, "local_only", fl_json_u64(s->local_only));
	json_object_object_add(o, "ipis", fl_json_u64(s->ipis));
	json_object_object_add(o, "ipi_targets", fl_json_u64(s->ipi_targets));
	return o;
}

/*
 * The time by cause: faults and latency_ns timed by cause, and for each
 * of the first @told causes (those the module tells, fl_causes_told())
 * and the rest, its faults, ns and share of latency_ns (0 to 1).
 */
struct json_object *fl_json_causes(const struct fl_causes *c,
				   unsigned int told)
{
	struct json_object *o = json_object_new_object();
	struct json_object *by = json_object_new_object();
	unsigned int i;

	json_object_object_add(o, "faults", fl_json_u64(c->faults));
	json_object_object_add(o, "latency_ns", fl_json_u64(c->latency_ns));
	for (i = 0; i <= FAULTLAT_NR_CAUSES_ALL; i++) {
		bool rest = i == FAULTLAT_NR_CAUSES_ALL;
		__u64 ns = rest ? fl_causes_rest(c) : c->ns[i];
		__u64 n = rest ? c->faults : c->with[i];
		double share = c->latency_ns ? (double)ns / c->latency_ns : 0;
		struct json_object *e;

		if (!rest && i >= told)
			continue;	/* not told: unknown, not 0 */
		e = json_object_new_object();
		json_object_object_add(e, "faults", fl_json_u64(n));
		json_object_object_add(e, "ns", fl_json_u64(ns));
		json_object_object_add(e, "share",
				       json_object_new_double(share));
		json_object_object_add(by, fl_cause_name(i), e);
	}
	json_object_object_add(o, "by_cause", by);
	return o;
}

/* The completed faults by path: "faults" told by path, and each path's. */
struct json_object *fl_json_paths(const __u64 paths[FAULTLAT_NR_PATHS])
{
	struct json_object *o = json_object_new_object();
	struct json_object *by = json_object_new_object();
	unsigned int i;

	json_object_object_add(o, "faults", fl_json_u64(fl_paths_sum(paths)));
	for (i = 0; i < FAULTLAT_NR_PATHS; i++)
		json_object_object_add(by, fl_path_name(i),
				       fl_json_u64(paths[i]));
	json_object_object_add(o, "by_path", by);
	return o;
}

struct json_object *fl_json_tlb_ipi(const struct faultlat_info *info)
{
	struct json_object *o = json_object_new_object();
	struct json_object *calls = json_object_new_object();
	int i, best = fl_tlb_ipi_in_use(info);

	json_object_object_add(o, "in_use", best < 0 ? NULL :
			       json_object_new_string(fl_tlb_ipi_names[best]));
	for (i = 0; i < FAULTLAT_TLB_NR_IPI_FNS; i++)
		if (info->probes & FAULTLAT_PROBE_TLB_IPI_FN(i))
			json_object_object_add(calls, fl_tlb_ipi_names[i],
					       fl_json_u64(info->tlb_ipi_hits[i]));
	json_object_object_add(o, "calls", calls);
	return o;
}

int fl_json_print(FILE *f, struct json_object *obj)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;
	int ret;

	flags |= fl_opts.pretty ? JSON_C_TO_STRING_PRETTY |
				  JSON_C_TO_STRING_SPACED :
				  JSON_C_TO_STRING_PLAIN;
	ret = fprintf(f, "%s\n", json_object_to_json_string_ext(obj, flags));
	json_object_put(obj);
	if (ret < 0 || fflush(f)) {
		perror("faultlat: writing JSON");
		return -1;
	}
	return 0;
}
