/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: what the interval modes (hist -i, top) and trace share:
 * durations with units, and the samples between two reads of a histogram
 * (deltas).  Pure, and unit-tested in tests/interval_test.c.
 */
#ifndef FAULTLAT_INTERVAL_H
#define FAULTLAT_INTERVAL_H

#include <stdbool.h>
#include <linux/faultlat.h>

#define FL_NSEC_PER_SEC	1000000000ULL

/*
 * fl_parse_duration() - a duration: a decimal number with an optional
 * fraction and an optional unit, "ns", "us", "ms" or "s" ("250ns", "1.5ms",
 * "2s"); a number without a unit is in units of @unit_ns ("3" is 3 s with
 * @unit_ns FL_NSEC_PER_SEC).
 *
 * Returns 0 and sets *@ns, or -EINVAL (not a duration, an unknown unit, or
 * not a whole number of nanoseconds) or -ERANGE (above 2^64 - 1 ns).
 */
int fl_parse_duration(const char *s, __u64 unit_ns, __u64 *ns);

/*
 * fl_hist_delta() - the samples @cur holds that @prev did not: @d = @cur -
 * @prev, for two reads of the same histogram, @prev first.
 *
 * count, sum and buckets are exact differences.  min_ns and max_ns are
 * the interval's own when @cur's changed (a new minimum or maximum was
 * seen in the interval) or @prev was empty; otherwise they are bounds
 * from the buckets: the lower bound of the lowest non-empty bucket of @d
 * (at least @cur's min), the upper bound of the highest (at most @cur's
 * max).  An empty @d has both 0.
 *
 * Returns false if @cur does not continue @prev (its count or a bucket is
 * smaller: the statistics were reset in between, or the record is another
 * task's): @d is then @cur itself, everything since the reset.
 */
bool fl_hist_delta(const struct faultlat_hist *prev,
		   const struct faultlat_hist *cur, struct faultlat_hist *d);

/*
 * fl_stats_delta() - the same for every histogram and counter of a
 * struct faultlat_stats.  Returns false, with @d = @cur, if any of them
 * went down.
 */
bool fl_stats_delta(const struct faultlat_stats *prev,
		    const struct faultlat_stats *cur, struct faultlat_stats *d);

/* fl_tlb_stats_delta() - likewise for a struct faultlat_tlb_stats. */
bool fl_tlb_stats_delta(const struct faultlat_tlb_stats *prev,
			const struct faultlat_tlb_stats *cur,
			struct faultlat_tlb_stats *d);

/*
 * fl_hist_merge() - one histogram of the samples of @a and @b (minor and
 * major faults together, say).  @out may be @a or @b.
 */
void fl_hist_merge(const struct faultlat_hist *a, const struct faultlat_hist *b,
		   struct faultlat_hist *out);

/*
 * fl_counter_delta() - how much a counter (nmissed, dropped) grew from
 * @before to @after; @after itself if it went down (a reset restarts
 * "dropped" from 0).
 */
__u64 fl_counter_delta(__u64 before, __u64 after);

/* fl_rate() - @n events in @elapsed_ns, per second (0 if no time passed). */
double fl_rate(__u64 n, __u64 elapsed_ns);

#endif /* FAULTLAT_INTERVAL_H */
