// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: histogram sums.  Percentiles and other summaries are the
 * readers' to compute from the buckets (Documentation/uapi.rst).
 *
 * The bucket layout is the uapi header's: [0, 64 ns), then four buckets per
 * power of two up to 2^34 ns, then an overflow bucket.
 */
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/string.h>

#include "faultlat.h"

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
