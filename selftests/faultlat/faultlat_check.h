/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Assertion helpers for the faultlat selftests.  Include once per test
 * program, after kselftest_harness.h.
 */
#ifndef FAULTLAT_CHECK_H
#define FAULTLAT_CHECK_H

#include "faultlat_util.h"

/*
 * An informational line in the TAP output.  The harness's test child ends
 * with _exit(): flush now, or the line is lost in stdout's buffer.
 */
#define FL_INFO(fmt, ...) do {				\
	ksft_print_msg(fmt, ##__VA_ARGS__);		\
	fflush(stdout);					\
} while (0)

/* The faultlat counter at @off in struct faultlat_stats, from @a to @b. */
static inline __u64 fl_delta(const struct fl_snap *a, const struct fl_snap *b,
			     size_t off)
{
	__u64 va, vb;

	memcpy(&va, (const char *)&a->t.stats + off, sizeof(va));
	memcpy(&vb, (const char *)&b->t.stats + off, sizeof(vb));
	return vb - va;
}

#define FL_D(a, b, field) \
	fl_delta(a, b, offsetof(struct faultlat_stats, field))

/* The fallbacks, beside the statistics, from @a to @b. */
static inline __u64 fl_delta_fallbacks(const struct fl_snap *a,
				       const struct fl_snap *b)
{
	return b->t.fallbacks - a->t.fallbacks;
}

/*
 * A histogram must be consistent with itself: the buckets add up to the
 * count, the smallest and largest samples lie in the first and last
 * non-empty buckets, the mean lies between them.
 */
static inline void fl_check_hist(struct __test_metadata *_metadata,
				 const char *what,
				 const struct faultlat_hist *h)
{
	const char *why = fl_hist_torn(h);

	ASSERT_TRUE(!why)
		TH_LOG("%s: %s (count %llu, min_ns %llu, max_ns %llu, buckets %d..%d)",
		       what, why, (unsigned long long)h->count,
		       (unsigned long long)h->min_ns,
		       (unsigned long long)h->max_ns, fl_hist_first(h),
		       fl_hist_last(h));
}

/* 0 < min <= p50 <= p99 <= max, the percentiles taken from the buckets. */
static inline void fl_check_pct(struct __test_metadata *_metadata,
				const char *what,
				const struct faultlat_hist *h)
{
	__u64 p50 = fl_percentile(h, 5000), p99 = fl_percentile(h, 9900);

	fl_check_hist(_metadata, what, h);
	ASSERT_LT(0, h->min_ns) TH_LOG("%s: min_ns", what);
	ASSERT_LE(h->min_ns, p50) TH_LOG("%s: min vs p50", what);
	ASSERT_LE(p50, p99) TH_LOG("%s: p50 vs p99", what);
	ASSERT_LE(p99, h->max_ns) TH_LOG("%s: p99 vs max", what);
}

/*
 * Between snapshots @a and @b, faultlat counted exactly the minor and
 * major faults the kernel counted, and every handle_mm_fault() call of
 * the task is one of: a completed minor or major fault, an error, a retry.
 */
static inline void fl_check_delta(struct __test_metadata *_metadata,
				  const char *what,
				  const struct fl_snap *a,
				  const struct fl_snap *b)
{
	__u64 ru_min = b->ru.minflt - a->ru.minflt;
	__u64 ru_maj = b->ru.majflt - a->ru.majflt;

	ASSERT_EQ(ru_min, FL_D(a, b, minor.count))
		TH_LOG("%s: minor faults, getrusage vs faultlat", what);
	ASSERT_EQ(ru_maj, FL_D(a, b, major.count))
		TH_LOG("%s: major faults, getrusage vs faultlat", what);
	ASSERT_EQ(FL_D(a, b, calls),
		  FL_D(a, b, minor.count) + FL_D(a, b, major.count) +
		  FL_D(a, b, errors) + FL_D(a, b, retries))
		TH_LOG("%s: calls vs minor+major+errors+retries (%llu+%llu+%llu+%llu)",
		       what, (unsigned long long)FL_D(a, b, minor.count),
		       (unsigned long long)FL_D(a, b, major.count),
		       (unsigned long long)FL_D(a, b, errors),
		       (unsigned long long)FL_D(a, b, retries));
}

/* The same, for absolute values: a task that began after the load. */
static inline void fl_check_abs(struct __test_metadata *_metadata,
				const char *what, const struct fl_snap *s)
{
	ASSERT_EQ(s->ru.minflt, s->t.stats.minor.count)
		TH_LOG("%s: minor faults since the task began, getrusage vs faultlat",
		       what);
	ASSERT_EQ(s->ru.majflt, s->t.stats.major.count)
		TH_LOG("%s: major faults since the task began, getrusage vs faultlat",
		       what);
}

#endif /* FAULTLAT_CHECK_H */
