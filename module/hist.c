// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: histogram math.
 *
 * The bucket layout is the uapi header's: [0, 64 ns), then four buckets per
 * power of two up to 2^34 ns, then an overflow bucket.
 */
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/string.h>

#include "faultlat.h"

/**
 * fl_hist_percentile() - a percentile, from the buckets
 * @h: a finished histogram (count set)
 * @permille: which percentile, in tenths of a percent (500 = p50, 999 =
 *	p99.9)
 *
 * The rule the client follows too: the sample of rank
 * ceil(count * permille / 1000) lies in the first bucket whose cumulative
 * count reaches that rank; report that bucket's upper bound, clamped to
 * [min, max] of the histogram.
 *
 * Return: nanoseconds, 0 for an empty histogram.
 */
u64 fl_hist_percentile(const struct faultlat_hist *h, unsigned int permille)
{
	u64 rank, cum = 0;
	unsigned int i;

	if (!h->count)
		return 0;
	rank = div_u64(h->count * permille + 999, 1000);
	if (!rank)
		rank = 1;
	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++) {
		cum += h->buckets[i];
		if (cum >= rank)
			return clamp(faultlat_bucket_hi(i), h->min_ns, h->max_ns);
	}
	return h->max_ns;
}

void fl_hist_init(struct faultlat_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min_ns = U64_MAX;
}

void fl_thist_init(struct fl_thist *h)
{
	memset(h, 0, sizeof(*h));
	h->min_ns = U64_MAX;
}

void fl_hist_add_thist(struct faultlat_hist *dst, const struct fl_thist *src)
{
	FL_HIST_ADD(dst, src);
}

void fl_hist_add_hist(struct faultlat_hist *dst, const struct faultlat_hist *src)
{
	FL_HIST_ADD(dst, src);
}

/**
 * fl_hist_combine() - one finished histogram of two finished ones
 * @all: the result
 * @a: one (e.g. minor faults)
 * @b: the other (e.g. major faults)
 *
 * A finished empty histogram has min 0, so min is taken over the
 * non-empty ones only.
 */
void fl_hist_combine(struct faultlat_hist *all, const struct faultlat_hist *a,
		     const struct faultlat_hist *b)
{
	fl_hist_init(all);
	fl_hist_add_hist(all, a);
	fl_hist_add_hist(all, b);
	fl_hist_finish(all);
	if (all->count)
		all->min_ns = !a->count ? b->min_ns :
			      !b->count ? a->min_ns : min(a->min_ns, b->min_ns);
}

/**
 * fl_hist_finish() - make a summed histogram ready for readers
 * @h: the histogram
 *
 * Sets the count to the sum of the buckets (so a snapshot can never show
 * a count that disagrees with its buckets) and min to 0 when empty.
 */
void fl_hist_finish(struct faultlat_hist *h)
{
	unsigned int i;
	u64 n = 0;

	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++)
		n += h->buckets[i];
	h->count = n;
	if (!n) {
		h->min_ns = 0;
		h->max_ns = 0;
		h->sum_ns = 0;
	}
}
