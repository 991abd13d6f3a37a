// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat client: durations and histogram deltas.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "hist.h"
#include "interval.h"
#include "util.h"

static const struct {
	const char *name;
	__u64 ns;
} duration_units[] = {
	{ "ns", 1ULL },
	{ "us", 1000ULL },
	{ "ms", 1000000ULL },
	{ "s", FL_NSEC_PER_SEC },
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int fl_parse_duration(const char *s, __u64 unit_ns, __u64 *ns)
{
	__u64 whole = 0, frac = 0, scale = 1, v, f;
	unsigned int i, ndigits = 0;
	const char *p = s;

	if (!s || !is_digit(*p))
		return -EINVAL;
	for (; is_digit(*p); p++) {
		if (whole > (UINT64_MAX - (*p - '0')) / 10)
			return -ERANGE;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!is_digit(*p))
			return -EINVAL;
		for (; is_digit(*p); p++) {
			/* digits past the ninth must be zeros (whole ns) */
			if (ndigits == 9) {
				if (*p != '0')
					return -EINVAL;
				continue;
			}
			frac = frac * 10 + (*p - '0');
			scale *= 10;
			ndigits++;
		}
	}
	if (*p) {
		for (i = 0; i < ARRAY_SIZE(duration_units); i++)
			if (!strcmp(p, duration_units[i].name))
				break;
		if (i == ARRAY_SIZE(duration_units))
			return -EINVAL;
		unit_ns = duration_units[i].ns;
	}
	if (!unit_ns)
		return -EINVAL;

	/* frac < 10^9 and unit_ns <= 10^9 when it matters: no overflow */
	if (frac && unit_ns > UINT64_MAX / frac)
		return -ERANGE;
	f = frac * unit_ns;
	if (f % scale)
		return -EINVAL;	/* finer than a nanosecond */
	f /= scale;
	if (whole && unit_ns > UINT64_MAX / whole)
		return -ERANGE;
	v = whole * unit_ns;
	if (v > UINT64_MAX - f)
		return -ERANGE;
	*ns = v + f;
	return 0;
}

/* @a - @b of a counter, or *@back set if it went down */
static __u64 sub(__u64 a, __u64 b, bool *back)
{
	if (a < b) {
		*back = true;
		return 0;
	}
	return a - b;
}

static bool hist_delta(const struct faultlat_hist *prev,
		       const struct faultlat_hist *cur, struct faultlat_hist *d)
{
	unsigned int i, first, last;
	bool back = false;

	d->count = sub(cur->count, prev->count, &back);
	d->sum_ns = sub(cur->sum_ns, prev->sum_ns, &back);
	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++)
		d->buckets[i] = sub(cur->buckets[i], prev->buckets[i], &back);
	if (back)
		return false;

	if (!fl_hist_range(d, &first, &last)) {
		d->min_ns = 0;
		d->max_ns = 0;
		return true;
	}
	if (!prev->count || cur->min_ns < prev->min_ns) {
		d->min_ns = cur->min_ns;
	} else {
		d->min_ns = faultlat_bucket_lo(first);
		if (d->min_ns < cur->min_ns)
			d->min_ns = cur->min_ns;
	}
	if (!prev->count || cur->max_ns > prev->max_ns) {
		d->max_ns = cur->max_ns;
	} else {
		d->max_ns = faultlat_bucket_hi(last);
		if (d->max_ns > cur->max_ns)
			d->max_ns = cur->max_ns;
	}
	return true;
}

bool fl_hist_delta(const struct faultlat_hist *prev,
		   const struct faultlat_hist *cur, struct faultlat_hist *d)
{
	if (hist_delta(prev, cur, d))
		return true;
	*d = *cur;
	return false;
}

/* @n counters of @cur minus @prev into @d; *@back set if one went down */
static void sub_array(const __u64 *prev, const __u64 *cur, __u64 *d,
		      unsigned int n, bool *back)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		d[i] = sub(cur[i], prev[i], back);
}

bool fl_stats_delta(const struct faultlat_stats *prev,
		    const struct faultlat_stats *cur, struct faultlat_stats *d)
{
	bool back = false;

	if (!hist_delta(&prev->minor, &cur->minor, &d->minor) ||
	    !hist_delta(&prev->major, &cur->major, &d->major))
		back = true;
	d->errors = sub(cur->errors, prev->errors, &back);
	d->retries = sub(cur->retries, prev->retries, &back);
	d->abandoned = sub(cur->abandoned, prev->abandoned, &back);
	d->calls = sub(cur->calls, prev->calls, &back);
	sub_array(prev->no_regs, cur->no_regs, d->no_regs,
		  FAULTLAT_NR_CLASSES, &back);
	sub_array(&prev->by_mode[0][0], &cur->by_mode[0][0], &d->by_mode[0][0],
		  sizeof(cur->by_mode) / sizeof(__u64), &back);
	sub_array(&prev->by_kind[0][0], &cur->by_kind[0][0], &d->by_kind[0][0],
		  sizeof(cur->by_kind) / sizeof(__u64), &back);
	sub_array(&prev->by_access[0][0], &cur->by_access[0][0],
		  &d->by_access[0][0], sizeof(cur->by_access) / sizeof(__u64),
		  &back);
	if (back) {
		*d = *cur;
		return false;
	}
	return true;
}

bool fl_tlb_stats_delta(const struct faultlat_tlb_stats *prev,
			const struct faultlat_tlb_stats *cur,
			struct faultlat_tlb_stats *d)
{
	bool back = !hist_delta(&prev->flush, &cur->flush, &d->flush);

	d->full = sub(cur->full, prev->full, &back);
	d->ranged = sub(cur->ranged, prev->ranged, &back);
	d->pages = sub(cur->pages, prev->pages, &back);
	d->remote = sub(cur->remote, prev->remote, &back);
	d->local_only = sub(cur->local_only, prev->local_only, &back);
	d->ipis = sub(cur->ipis, prev->ipis, &back);
	d->ipi_targets = sub(cur->ipi_targets, prev->ipi_targets, &back);
	if (back) {
		*d = *cur;
		return false;
	}
	return true;
}

void fl_hist_merge(const struct faultlat_hist *a, const struct faultlat_hist *b,
		   struct faultlat_hist *out)
{
	__u64 min, max;
	unsigned int i;

	if (!a->count)
		min = b->min_ns;
	else if (!b->count)
		min = a->min_ns;
	else
		min = a->min_ns < b->min_ns ? a->min_ns : b->min_ns;
	max = a->max_ns > b->max_ns ? a->max_ns : b->max_ns;
	out->count = a->count + b->count;
	out->sum_ns = a->sum_ns + b->sum_ns;
	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++)
		out->buckets[i] = a->buckets[i] + b->buckets[i];
	out->min_ns = out->count ? min : 0;
	out->max_ns = out->count ? max : 0;
}

double fl_rate(__u64 n, __u64 elapsed_ns)
{
	if (!elapsed_ns)
		return 0;
	return (double)n * FL_NSEC_PER_SEC / elapsed_ns;
}

__u64 fl_counter_delta(__u64 before, __u64 after)
{
	return after >= before ? after - before : after;
}
