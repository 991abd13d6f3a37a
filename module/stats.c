// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: what one fault adds to a set of statistics.
 *
 * Two layouts hold the same statistics: struct fl_tstats (a task record,
 * 32-bit buckets, within 2 KiB) and struct faultlat_stats (the uapi one,
 * used for the per-CPU global totals and for every reader's snapshot).
 * The counters that are not histograms have the same names in both, so one
 * macro records a fault in either (FL_STATS_RECORD() in faultlat.h, inline
 * in the return hook) and one adds either to either (below).
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "faultlat.h"

#define FL_ADD_COUNTERS(to, from)					\
	do {								\
		typeof(to) d__ = (to);					\
		typeof(from) s__ = (from);				\
		unsigned int c__, j__;					\
									\
		d__->errors += s__->errors;				\
		d__->retries += s__->retries;				\
		d__->abandoned += s__->abandoned;			\
		d__->calls += s__->calls;				\
		for (c__ = 0; c__ < FAULTLAT_NR_CLASSES; c__++) {	\
			d__->no_regs[c__] += s__->no_regs[c__];		\
			for (j__ = 0; j__ < FAULTLAT_NR_MODES; j__++)	\
				d__->by_mode[c__][j__] +=		\
					s__->by_mode[c__][j__];		\
			for (j__ = 0; j__ < FAULTLAT_NR_KINDS; j__++)	\
				d__->by_kind[c__][j__] +=		\
					s__->by_kind[c__][j__];		\
			for (j__ = 0; j__ < FAULTLAT_NR_ACCESS; j__++)	\
				d__->by_access[c__][j__] +=		\
					s__->by_access[c__][j__];	\
		}							\
	} while (0)

void fl_tstats_init(struct fl_tstats *st)
{
	memset(st, 0, sizeof(*st));
	st->minor.min_ns = U64_MAX;
	st->major.min_ns = U64_MAX;
}

/* Fold one task record into another (a thread into its process). */
void fl_tstats_add(struct fl_tstats *dst, const struct fl_tstats *src)
{
	FL_HIST_ADD(&dst->minor, &src->minor);
	FL_HIST_ADD(&dst->major, &src->major);
	FL_ADD_COUNTERS(dst, src);
}

void fl_stats_init(struct faultlat_stats *st)
{
	memset(st, 0, sizeof(*st));
	fl_hist_init(&st->minor);
	fl_hist_init(&st->major);
}

void fl_stats_add_tstats(struct faultlat_stats *dst,
			 const struct fl_tstats *src)
{
	fl_hist_add_thist(&dst->minor, &src->minor);
	fl_hist_add_thist(&dst->major, &src->major);
	FL_ADD_COUNTERS(dst, src);
}

void fl_stats_add(struct faultlat_stats *dst, const struct faultlat_stats *src)
{
	fl_hist_add_hist(&dst->minor, &src->minor);
	fl_hist_add_hist(&dst->major, &src->major);
	FL_ADD_COUNTERS(dst, src);
}

/* Make a summed snapshot ready for readers: counts from the buckets. */
void fl_stats_finish(struct faultlat_stats *st)
{
	fl_hist_finish(&st->minor);
	fl_hist_finish(&st->major);
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

void fl_tlb_stats_finish(struct faultlat_tlb_stats *st)
{
	fl_hist_finish(&st->flush);
}
