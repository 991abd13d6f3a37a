// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: what one fault adds to a set of statistics.
 *
 * Three layouts hold the same statistics: struct fl_tstats (a task record,
 * 32-bit counts, within 2 KiB), struct fl_gstats (a CPU's share of the
 * global totals, 64-bit) and struct faultlat_stats (the uapi one, every
 * reader's snapshot).  The first two differ only in the width of their
 * counts: one macro records a fault in either (FL_STATS_RECORD() in
 * faultlat.h, inline in the return hook).  They count a fault's mode, kind
 * and access together (fl_dims()); the uapi layout has one array per
 * dimension, which readers get by adding up the combinations.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "faultlat.h"

/* The counters but the histograms, from @from to @to. */
#define FL_ADD_COUNTERS(to, from)					\
	do {								\
		typeof(to) d__ = (to);					\
		typeof(from) s__ = (from);				\
		unsigned int c__;					\
									\
		d__->errors += s__->errors;				\
		d__->retries += s__->retries;				\
		d__->abandoned += s__->abandoned;			\
		for (c__ = 0; c__ < FAULTLAT_NR_CLASSES; c__++)		\
			d__->no_regs[c__] += s__->no_regs[c__];		\
	} while (0)

/* fl_dims() combinations of @from added up by dimension into uapi @to */
#define FL_ADD_DIMS_UAPI(to, from)					\
	do {								\
		struct faultlat_stats *d__ = (to);			\
		typeof(from) s__ = (from);				\
		unsigned int c__, j__;					\
									\
		for (c__ = 0; c__ < FAULTLAT_NR_CLASSES; c__++)		\
			for (j__ = 0; j__ < FL_NR_DIMS; j__++) {	\
				u64 n__ = s__->by_dims[c__][j__];	\
									\
				d__->by_mode[c__][fl_dims_mode(j__)] += n__; \
				d__->by_kind[c__][fl_dims_kind(j__)] += n__; \
				d__->by_access[c__][fl_dims_access(j__)] += \
					n__;				\
			}						\
	} while (0)

void fl_tstats_init(struct fl_tstats *st)
{
	memset(st, 0, sizeof(*st));
	st->minor.min_ns = U64_MAX;
	st->major.min_ns = U64_MAX;
}

/* All of @from's statistics added to @to: struct fl_tstats or fl_gstats */
#define FL_STATS_ADD(to, from)						\
	do {								\
		typeof(to) dd__ = (to);					\
		typeof(from) ss__ = (from);				\
		unsigned int cc__, jj__;				\
									\
		FL_HIST_ADD(&dd__->minor, &ss__->minor);		\
		FL_HIST_ADD(&dd__->major, &ss__->major);		\
		FL_ADD_COUNTERS(dd__, ss__);				\
		dd__->fallbacks += ss__->fallbacks;			\
		FL_CAUSES_ADD(&dd__->cz, &ss__->cz);			\
		FL_PATHS_ADD(dd__->paths, ss__->paths);			\
		for (cc__ = 0; cc__ < FAULTLAT_NR_CLASSES; cc__++)	\
			for (jj__ = 0; jj__ < FL_NR_DIMS; jj__++)	\
				dd__->by_dims[cc__][jj__] +=		\
					ss__->by_dims[cc__][jj__];	\
	} while (0)

/* Fold one task record into another (a thread into its process). */
void fl_tstats_add(struct fl_tstats *dst, const struct fl_tstats *src)
{
	FL_STATS_ADD(dst, src);
}

/* Keep a record's statistics in a wider set (records gone, tasks.c). */
void fl_gstats_add_tstats(struct fl_gstats *dst, const struct fl_tstats *src)
{
	FL_STATS_ADD(dst, src);
}

/* Fold one wide set into another (a removed cgroup's, cgroups.c). */
void fl_gstats_add(struct fl_gstats *dst, const struct fl_gstats *src)
{
	FL_STATS_ADD(dst, src);
}

#define FL_STATS_INIT(stats)						\
	do {								\
		typeof(stats) st__ = (stats);				\
									\
		memset(st__, 0, sizeof(*st__));				\
		fl_hist_init(&st__->minor);				\
		fl_hist_init(&st__->major);				\
	} while (0)

void fl_gstats_init(struct fl_gstats *st)
{
	FL_STATS_INIT(st);
}

void fl_stats_init(struct faultlat_stats *st)
{
	FL_STATS_INIT(st);
}

void fl_stats_add_tstats(struct faultlat_stats *dst,
			 const struct fl_tstats *src)
{
	fl_hist_add_thist(&dst->minor, &src->minor);
	fl_hist_add_thist(&dst->major, &src->major);
	FL_ADD_COUNTERS(dst, src);
	FL_ADD_DIMS_UAPI(dst, src);
}

void fl_stats_add_gstats(struct faultlat_stats *dst,
			 const struct fl_gstats *src)
{
	fl_hist_add_hist(&dst->minor, &src->minor);
	fl_hist_add_hist(&dst->major, &src->major);
	FL_ADD_COUNTERS(dst, src);
	FL_ADD_DIMS_UAPI(dst, src);
}

/* Make a summed snapshot ready for readers: counts from the buckets. */
void fl_stats_finish(struct faultlat_stats *st)
{
	fl_hist_finish(&st->minor);
	fl_hist_finish(&st->major);
	/* every call completed, failed or returned VM_FAULT_RETRY */
	st->calls = st->minor.count + st->major.count + st->errors +
		    st->retries;
}

/*
 * Add finished statistics @src (a reader's snapshot) to @dst, to be
 * finished again: an empty histogram's zeroed min adds nothing.
 */
void fl_stats_add_finished(struct faultlat_stats *dst,
			   const struct faultlat_stats *src)
{
	unsigned int c, i;

	if (src->minor.count)
		fl_hist_add_hist(&dst->minor, &src->minor);
	if (src->major.count)
		fl_hist_add_hist(&dst->major, &src->major);
	FL_ADD_COUNTERS(dst, src);
	for (c = 0; c < FAULTLAT_NR_CLASSES; c++) {
		for (i = 0; i < FAULTLAT_NR_MODES; i++)
			dst->by_mode[c][i] += src->by_mode[c][i];
		for (i = 0; i < FAULTLAT_NR_KINDS; i++)
			dst->by_kind[c][i] += src->by_kind[c][i];
		for (i = 0; i < FAULTLAT_NR_ACCESS; i++)
			dst->by_access[c][i] += src->by_access[c][i];
	}
}

void fl_ttlb_init(struct fl_ttlb *t)
{
	memset(t, 0, sizeof(*t));
	fl_thist_init(&t->flush);
}

#define FL_TLB_ADD_COUNTERS(to, from)					\
	do {								\
		typeof(to) d__ = (to);					\
		typeof(from) s__ = (from);				\
									\
		d__->full += s__->full;					\
		d__->ranged += s__->ranged;				\
		d__->pages += s__->pages;				\
		d__->remote += s__->remote;				\
		d__->local_only += s__->local_only;			\
		d__->ipis += s__->ipis;					\
		d__->ipi_targets += s__->ipi_targets;			\
	} while (0)

/* Fold a thread's TLB flushes into its process's. */
void fl_ttlb_add(struct fl_ttlb *dst, const struct fl_ttlb *src)
{
	FL_HIST_ADD(&dst->flush, &src->flush);
	FL_TLB_ADD_COUNTERS(dst, src);
}

void fl_tlb_stats_init(struct faultlat_tlb_stats *st)
{
	memset(st, 0, sizeof(*st));
	fl_hist_init(&st->flush);
}

void fl_tlb_stats_add_ttlb(struct faultlat_tlb_stats *dst,
			   const struct fl_ttlb *src)
{
	fl_hist_add_thist(&dst->flush, &src->flush);
	FL_TLB_ADD_COUNTERS(dst, src);
}

void fl_tlb_stats_add(struct faultlat_tlb_stats *dst,
		      const struct faultlat_tlb_stats *src)
{
	fl_hist_add_hist(&dst->flush, &src->flush);
	FL_TLB_ADD_COUNTERS(dst, src);
}

/* fl_stats_add_finished()'s for TLB flushes */
void fl_tlb_stats_add_finished(struct faultlat_tlb_stats *dst,
			       const struct faultlat_tlb_stats *src)
{
	if (src->flush.count)
		fl_hist_add_hist(&dst->flush, &src->flush);
	FL_TLB_ADD_COUNTERS(dst, src);
}

void fl_tlb_stats_finish(struct faultlat_tlb_stats *st)
{
	fl_hist_finish(&st->flush);
}
