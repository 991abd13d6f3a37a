// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of interval.c: durations with units, and the histogram and
 * statistics deltas of the interval modes.  Plain TAP on stdout.
 *
 * Buckets (see tests/hist_test.c): 5 = [128, 160), 9 = [256, 320),
 * 13 = [512, 640), 17 = [1024, 1280), 21 = [2048, 2560).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../hist.h"
#include "../interval.h"

static int tests, failed;

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!cond)
		failed++;
	printf("%sok %d - ", cond ? "" : "not ", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void is_u64(__u64 got, __u64 want, const char *name)
{
	ok(got == want, "%s", name);
	if (got != want)
		printf("#   got %llu, want %llu\n", got, want);
}

static void duration_ok(const char *s, __u64 unit, __u64 want)
{
	__u64 ns = 12345;
	int err = fl_parse_duration(s, unit, &ns);

	ok(!err && ns == want, "duration '%s' (bare unit %llu ns) is %llu ns",
	   s, unit, want);
	if (err || ns != want)
		printf("#   err %d, got %llu\n", err, ns);
}

static void duration_bad(const char *s, int want)
{
	__u64 ns = 12345;
	int err = fl_parse_duration(s, 1, &ns);

	ok(err == want && ns == 12345, "duration '%s' is refused (%s)", s,
	   want == -ERANGE ? "ERANGE" : "EINVAL");
	if (err != want)
		printf("#   err %d\n", err);
}

static void test_counter_delta(void)
{
	ok(fl_counter_delta(5, 12) == 7, "counter delta: grew by 7");
	ok(fl_counter_delta(7, 7) == 0, "counter delta: unchanged");
	ok(fl_counter_delta(9, 3) == 3, "counter delta: reset in between: since the reset");
}

static void test_durations(void)
{
	duration_ok("250ns", 1, 250);
	duration_ok("500us", 1, 500000);
	duration_ok("1ms", 1, 1000000);
	duration_ok("2s", 1, 2000000000);
	duration_ok("1.5ms", 1, 1500000);
	duration_ok("0.25s", 1, 250000000);
	duration_ok("1.000000001s", 1, 1000000001);
	duration_ok("1.0000000010s", 1, 1000000001);
	duration_ok("0ns", 1, 0);
	duration_ok("750", 1, 750);
	duration_ok("3", FL_NSEC_PER_SEC, 3000000000ULL);
	duration_ok("0.5", FL_NSEC_PER_SEC, 500000000);
	duration_ok("2ms", FL_NSEC_PER_SEC, 2000000);
	duration_ok("18446744073709551615ns", 1, 18446744073709551615ULL);
	duration_ok("18446744073.709551615s", 1, 18446744073709551615ULL);

	duration_bad("", -EINVAL);
	duration_bad("ms", -EINVAL);
	duration_bad("-1ms", -EINVAL);
	duration_bad("+1ms", -EINVAL);
	duration_bad(" 1ms", -EINVAL);
	duration_bad("1 ms", -EINVAL);
	duration_bad("1ms ", -EINVAL);
	duration_bad("1.ms", -EINVAL);
	duration_bad(".5ms", -EINVAL);
	duration_bad("1m", -EINVAL);
	duration_bad("1min", -EINVAL);
	duration_bad("1MS", -EINVAL);
	duration_bad("1.5ns", -EINVAL);
	duration_bad("1.0005us", -EINVAL);
	duration_bad("0x10", -EINVAL);
	duration_bad("18446744073709551616ns", -ERANGE);
	duration_bad("18446744074s", -ERANGE);
	duration_bad("18446744073.709551616s", -ERANGE);
}

static struct faultlat_hist *hist(void)
{
	return calloc(1, sizeof(struct faultlat_hist));
}

static void add(struct faultlat_hist *h, unsigned int b, __u64 n, __u64 sum)
{
	h->buckets[b] += n;
	h->count += n;
	h->sum_ns += sum;
}

static void test_hist_delta(void)
{
	struct faultlat_hist *prev = hist(), *cur = hist(), *d = hist();
	unsigned int i;
	bool same = true;

	/* prev: 10 in [128,160), 5 in [512,640); min 130, max 600 */
	add(prev, 5, 10, 1400);
	add(prev, 13, 5, 2900);
	prev->min_ns = 130;
	prev->max_ns = 600;
	/* cur: + 4 in [256,320) and + 1 in [512,640); min, max unchanged */
	*cur = *prev;
	add(cur, 9, 4, 1100);
	add(cur, 13, 1, 550);

	ok(fl_hist_delta(prev, cur, d), "continuing histogram: true");
	is_u64(d->count, 5, "delta count");
	is_u64(d->sum_ns, 1650, "delta sum");
	is_u64(d->buckets[5], 0, "delta bucket [128,160): 0");
	is_u64(d->buckets[9], 4, "delta bucket [256,320): 4");
	is_u64(d->buckets[13], 1, "delta bucket [512,640): 1");
	is_u64(d->min_ns, 256, "min unchanged: lowest delta bucket's lower bound");
	is_u64(d->max_ns, 600,
	       "max unchanged: highest bucket's upper bound 640, clamped to max 600");
	is_u64(fl_percentile(d, 5000), 320, "delta p50: [256,320)'s bound");
	is_u64(fl_percentile(d, 9900), 600, "delta p99: clamped to the delta's max");

	/* a new max and a new min in the interval: exact */
	cur->max_ns = 2100;
	add(cur, 21, 1, 2100);
	cur->min_ns = 100;
	add(cur, 3, 1, 100);
	ok(fl_hist_delta(prev, cur, d), "new min and max: true");
	is_u64(d->min_ns, 100, "new min: exact");
	is_u64(d->max_ns, 2100, "new max: exact");
	is_u64(d->count, 7, "delta count 7");

	/* bounds from the bucket that holds the min and the max: clamped */
	memset(prev, 0, sizeof(*prev));
	memset(cur, 0, sizeof(*cur));
	add(prev, 5, 1, 150);
	prev->min_ns = 150;
	prev->max_ns = 150;
	*cur = *prev;
	add(cur, 5, 1, 155);
	ok(fl_hist_delta(prev, cur, d) && d->min_ns == 150 && d->max_ns == 150,
	   "delta within the bucket of min and max: both clamped to them");

	/* prev empty: the delta is cur, exact */
	memset(prev, 0, sizeof(*prev));
	ok(fl_hist_delta(prev, cur, d) && d->count == 2 && d->min_ns == 150 &&
	   d->max_ns == 150 && d->sum_ns == 305, "empty prev: delta is cur");

	/* nothing new */
	*prev = *cur;
	ok(fl_hist_delta(prev, cur, d) && d->count == 0 && d->min_ns == 0 &&
	   d->max_ns == 0 && d->sum_ns == 0 && fl_percentile(d, 9900) == 0,
	   "no new samples: empty delta, min and max 0");

	/* a reset between the reads: cur smaller */
	add(prev, 9, 3, 900);
	ok(!fl_hist_delta(prev, cur, d), "cur below prev (reset): false");
	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++)
		if (d->buckets[i] != cur->buckets[i])
			same = false;
	ok(same && d->count == cur->count && d->sum_ns == cur->sum_ns &&
	   d->min_ns == cur->min_ns && d->max_ns == cur->max_ns,
	   "after a reset the delta is cur");

	/* a bucket down while the count is up: not a continuation either */
	memset(prev, 0, sizeof(*prev));
	memset(cur, 0, sizeof(*cur));
	add(prev, 5, 2, 300);
	add(cur, 9, 5, 1500);
	ok(!fl_hist_delta(prev, cur, d) && d->count == 5,
	   "a bucket went down, the count up: false, delta is cur");
	free(prev);
	free(cur);
	free(d);
}

static void test_stats_delta(void)
{
	struct faultlat_stats *prev = calloc(1, sizeof(*prev));
	struct faultlat_stats *cur = calloc(1, sizeof(*cur));
	struct faultlat_stats *d = calloc(1, sizeof(*d));

	add(&prev->minor, 5, 10, 1500);
	prev->minor.min_ns = 140;
	prev->minor.max_ns = 150;
	prev->errors = 1;
	prev->calls = 11;
	prev->by_kind[FAULTLAT_MINOR][FAULTLAT_KIND_ANON] = 10;
	prev->by_access[FAULTLAT_MINOR][FAULTLAT_ACCESS_WRITE] = 10;
	*cur = *prev;
	add(&cur->minor, 5, 5, 700);
	add(&cur->major, 17, 2, 2200);
	cur->major.min_ns = 1050;
	cur->major.max_ns = 1150;
	cur->errors = 3;
	cur->calls = 20;
	cur->retries = 2;
	cur->by_kind[FAULTLAT_MINOR][FAULTLAT_KIND_ANON] = 15;
	cur->by_kind[FAULTLAT_MAJOR][FAULTLAT_KIND_FILE] = 2;
	cur->by_access[FAULTLAT_MINOR][FAULTLAT_ACCESS_WRITE] = 15;
	cur->by_mode[FAULTLAT_MAJOR][FAULTLAT_MODE_USER] = 2;
	cur->no_regs[FAULTLAT_MAJOR] = 1;

	ok(fl_stats_delta(prev, cur, d), "stats continue: true");
	ok(d->minor.count == 5 && d->minor.sum_ns == 700 &&
	   d->major.count == 2 && d->major.min_ns == 1050 &&
	   d->major.max_ns == 1150, "stats delta: minor and major histograms");
	ok(d->errors == 2 && d->calls == 9 && d->retries == 2 &&
	   d->abandoned == 0, "stats delta: counters");
	ok(d->by_kind[FAULTLAT_MINOR][FAULTLAT_KIND_ANON] == 5 &&
	   d->by_kind[FAULTLAT_MAJOR][FAULTLAT_KIND_FILE] == 2 &&
	   d->by_access[FAULTLAT_MINOR][FAULTLAT_ACCESS_WRITE] == 5 &&
	   d->by_mode[FAULTLAT_MAJOR][FAULTLAT_MODE_USER] == 2 &&
	   d->no_regs[FAULTLAT_MAJOR] == 1 && d->no_regs[FAULTLAT_MINOR] == 0,
	   "stats delta: breakdowns");

	cur->calls = 5;
	ok(!fl_stats_delta(prev, cur, d) && d->calls == 5 &&
	   d->minor.count == 15 && d->errors == 3,
	   "a counter went down (reset): false, delta is cur");
	free(prev);
	free(cur);
	free(d);
}

static void test_tlb_delta(void)
{
	struct faultlat_tlb_stats prev = { 0 }, cur, d;

	add(&prev.flush, 9, 3, 900);
	prev.flush.min_ns = 290;
	prev.flush.max_ns = 310;
	prev.full = 1;
	prev.ranged = 2;
	prev.pages = 8;
	prev.local_only = 3;
	cur = prev;
	add(&cur.flush, 25, 2, 9000);
	cur.flush.max_ns = 4600;
	cur.ranged = 4;
	cur.pages = 40;
	cur.remote = 2;
	cur.ipis = 2;
	cur.ipi_targets = 3;
	ok(fl_tlb_stats_delta(&prev, &cur, &d) && d.flush.count == 2 &&
	   d.flush.max_ns == 4600 && d.flush.min_ns == 4096 && d.full == 0 &&
	   d.ranged == 2 && d.pages == 32 && d.remote == 2 &&
	   d.local_only == 0 && d.ipis == 2 && d.ipi_targets == 3,
	   "TLB stats delta");
	prev.ipis = 5;
	ok(!fl_tlb_stats_delta(&prev, &cur, &d) && d.ipis == 2 &&
	   d.flush.count == 5, "TLB counter down: false, delta is cur");
}

static void test_merge(void)
{
	struct faultlat_hist *a = hist(), *b = hist(), *m = hist();

	add(a, 5, 10, 1500);
	a->min_ns = 130;
	a->max_ns = 150;
	fl_hist_merge(a, b, m);
	ok(m->count == 10 && m->min_ns == 130 && m->max_ns == 150 &&
	   m->sum_ns == 1500, "merge with an empty histogram: the other");
	fl_hist_merge(b, a, m);
	ok(m->count == 10 && m->min_ns == 130 && m->max_ns == 150,
	   "merge of an empty histogram with another: the other");
	add(b, 17, 2, 2100);
	b->min_ns = 1030;
	b->max_ns = 1070;
	fl_hist_merge(a, b, m);
	ok(m->count == 12 && m->min_ns == 130 && m->max_ns == 1070 &&
	   m->sum_ns == 3600 && m->buckets[5] == 10 && m->buckets[17] == 2,
	   "merge: counts, sums and buckets add; min and max of both");
	is_u64(fl_percentile(m, 9900), 1070, "merged p99");
	fl_hist_merge(a, b, a);
	ok(a->count == 12 && a->buckets[17] == 2, "merge into the first operand");
	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	fl_hist_merge(a, b, m);
	ok(m->count == 0 && m->min_ns == 0 && m->max_ns == 0,
	   "merge of two empty histograms: empty");
	free(a);
	free(b);
	free(m);
}

static void test_rate(void)
{
	ok(fl_rate(0, 0) == 0, "rate over no time: 0");
	ok(fl_rate(50, 500000000) == 100.0, "50 in 0.5 s: 100/s");
	ok(fl_rate(3, 3000000000ULL) == 1.0, "3 in 3 s: 1/s");
}

int main(void)
{
	printf("TAP version 13\n");
	test_durations();
	test_counter_delta();
	test_hist_delta();
	test_stats_delta();
	test_tlb_delta();
	test_merge();
	test_rate();
	printf("1..%d\n", tests);
	printf("# %d passed, %d failed\n", tests - failed, failed);
	return failed ? 1 : 0;
}
