// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: percentiles of a struct faultlat_hist, from its buckets.  The
 * module exports counts and buckets only; this is the one implementation
 * of the math, linked by the client and by the selftests alike
 * (Documentation/numbers.rst, "Percentiles").
 */
#include "percentile.h"

/*
 * fl_percentile() - a percentile of a histogram, from its buckets
 * @h: the histogram
 * @per10k: the percentile in parts per 10000 (5000 = p50, 9990 = p99.9)
 *
 * The rule (nearest rank on buckets):
 *
 * 1. n is the number of samples, the sum of the buckets (equal to
 *    @h->count by the ABI; summing keeps the rule exact even if they
 *    disagree);
 * 2. the rank is ceil(n * per10k / 10000), at least 1: the rank-th
 *    smallest sample is the percentile;
 * 3. walking the buckets from the lowest, the first bucket where the
 *    cumulative count reaches the rank holds that sample; its value is
 *    reported as the bucket's upper bound, faultlat_bucket_hi();
 * 4. that bound is clamped to [@h->min_ns, @h->max_ns], since no sample
 *    lies outside them: this turns the overflow bucket's ~0 into the max,
 *    and keeps p99.9 of a small sample from exceeding the max.
 *
 * Returns 0 for an empty histogram.
 */
__u64 fl_percentile(const struct faultlat_hist *h, unsigned int per10k)
{
	__u64 n = 0, rank, cum = 0, v;
	unsigned int i;

	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++)
		n += h->buckets[i];
	if (!n)
		return 0;
	if (per10k > 10000)
		per10k = 10000;

	/* ceil(n * per10k / 10000) without overflowing n * per10k */
	rank = n / 10000 * per10k +
	       ((n % 10000) * per10k + 9999) / 10000;
	if (rank < 1)
		rank = 1;

	v = h->max_ns;
	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++) {
		cum += h->buckets[i];
		if (cum >= rank) {
			v = faultlat_bucket_hi(i);
			break;
		}
	}
	if (v > h->max_ns)
		v = h->max_ns;
	if (v < h->min_ns)
		v = h->min_ns;
	return v;
}
