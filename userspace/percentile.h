/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat: percentiles of a histogram (percentile.c), shared by the
 * client and the selftests.  Depends on the uapi header only.
 */
#ifndef FAULTLAT_PERCENTILE_H
#define FAULTLAT_PERCENTILE_H

#include <linux/faultlat.h>

/*
 * fl_percentile() - the percentile @per10k (parts per 10000: 5000 = p50,
 * 9990 = p99.9) of @h: the upper bound of the bucket holding the sample
 * of that rank, clamped to [min_ns, max_ns]; 0 for an empty histogram.
 */
__u64 fl_percentile(const struct faultlat_hist *h, unsigned int per10k);

#endif /* FAULTLAT_PERCENTILE_H */
