// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the client's histogram math: percentiles, units, bound
 * formatting, trimming, bars and the table layout.  Plain TAP on stdout.
 *
 * Every expected value below was worked out by hand from the bucket
 * layout of uapi/linux/faultlat.h: bucket 0 is [0, 64); bucket i >= 1
 * starts at 2^o + s * 2^(o-2) with o = 6 + (i-1)/4 and s = (i-1)%4; so
 * bucket 1 = [64, 80), 2 = [80, 96), 3 = [96, 112), 5 = [128, 160),
 * 9 = [256, 320), 13 = [512, 640), 17 = [1024, 1280), 57 = [2^20, ...),
 * and the last, 113, = [2^34, inf).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../hist.h"

/* a bar of 0 stars: 40 spaces */
#define NO_BAR	"                                        "

static int tests, failed;

static void ok(int cond, const char *name)
{
	tests++;
	if (!cond)
		failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tests, name);
}

static void is_u64(__u64 got, __u64 want, const char *name)
{
	ok(got == want, name);
	if (got != want)
		printf("#   got %llu, want %llu\n", got, want);
}

static void is_str(const char *got, const char *want, const char *name)
{
	int same = !strcmp(got, want);

	ok(same, name);
	if (!same)
		printf("#   got:\n%s\n#   want:\n%s\n", got, want);
}

static struct faultlat_hist *new_hist(void)
{
	return calloc(1, sizeof(struct faultlat_hist));
}

static void add(struct faultlat_hist *h, unsigned int b, __u64 n)
{
	h->buckets[b] += n;
	h->count += n;
}

/* 100 samples: 50 in [128,160), 40 in [256,320), 9 in [512,640), 1 in [1024,1280) */
static struct faultlat_hist *hist_a(void)
{
	struct faultlat_hist *h = new_hist();

	add(h, 5, 50);
	add(h, 9, 40);
	add(h, 13, 9);
	add(h, 17, 1);
	h->min_ns = 130;
	h->max_ns = 1100;
	h->sum_ns = 25000;
	return h;
}

static void test_layout(void)
{
	is_u64(FAULTLAT_NR_BUCKETS, 114, "114 buckets: 1 + 28 octaves * 4 + 1");
	is_u64(faultlat_bucket_lo(0), 0, "bucket 0 starts at 0");
	is_u64(faultlat_bucket_hi(0), 64, "bucket 0 ends at 64");
	is_u64(faultlat_bucket_lo(2), 80, "bucket 2 starts at 80");
	is_u64(faultlat_bucket_lo(5), 128, "bucket 5 starts at 128");
	is_u64(faultlat_bucket_hi(17), 1280, "bucket 17 ends at 1280");
	is_u64(faultlat_bucket_lo(57), 1048576, "bucket 57 starts at 2^20");
	is_u64(faultlat_bucket_lo(113), 17179869184ULL,
	       "overflow bucket starts at 2^34");
	is_u64(faultlat_bucket_hi(113), ~0ULL, "overflow bucket has no end");
}

static void test_percentiles(void)
{
	struct faultlat_hist *h = hist_a();

	/* ranks: ceil(100 * p) */
	is_u64(fl_percentile(h, 5000), 160, "A p50: rank 50 in bucket 5");
	is_u64(fl_percentile(h, 9000), 320, "A p90: rank 90 in bucket 9");
	is_u64(fl_percentile(h, 9900), 640, "A p99: rank 99 in bucket 13");
	is_u64(fl_percentile(h, 9990), 1100,
	       "A p99.9: rank 100 in bucket 17, 1280 clamped to max 1100");
	is_u64(fl_percentile(h, 10000), 1100, "A p100 is the max");
	is_u64(fl_percentile(h, 1), 160, "A p0.01: rank at least 1");
	is_u64(fl_percentile(h, 5001), 320, "A p50.01: rank 51 in bucket 9");
	free(h);

	h = new_hist();
	is_u64(fl_percentile(h, 5000), 0, "empty histogram: 0");
	add(h, 1, 1);
	h->min_ns = 70;
	h->max_ns = 70;
	is_u64(fl_percentile(h, 5000), 70,
	       "one sample of 70: 80 clamped to max 70");
	free(h);

	/* 64, 80..95, 96..111: one sample each, min 64, max 111 */
	h = new_hist();
	add(h, 1, 1);
	add(h, 2, 1);
	add(h, 3, 1);
	h->min_ns = 64;
	h->max_ns = 111;
	is_u64(fl_percentile(h, 5000), 96, "n=3 p50: rank ceil(1.5)=2");
	is_u64(fl_percentile(h, 3333), 80, "n=3 p33.33: rank ceil(0.9999)=1");
	is_u64(fl_percentile(h, 9000), 111,
	       "n=3 p90: rank ceil(2.7)=3, 112 clamped to 111");
	free(h);

	/* the overflow bucket's ~0 upper bound becomes the max */
	h = new_hist();
	add(h, 3, 1);
	add(h, FAULTLAT_NR_BUCKETS - 1, 2);
	h->min_ns = 100;
	h->max_ns = 30000000000ULL;
	is_u64(fl_percentile(h, 5000), 30000000000ULL,
	       "overflow: p50 rank 2 is the max");
	is_u64(fl_percentile(h, 1000), 112, "overflow: p10 rank 1 in bucket 3");
	free(h);

	/* the bound below min is clamped up */
	h = new_hist();
	add(h, 5, 4);
	h->min_ns = 150;
	h->max_ns = 159;
	is_u64(fl_percentile(h, 5000), 159, "4 samples 150..159: p50 is 159");
	h->min_ns = 200;	/* inconsistent on purpose: lower clamp */
	h->max_ns = 300;
	is_u64(fl_percentile(h, 5000), 200, "bound 160 below min 200 is 200");
	free(h);

	/* 2^63 samples: the rank must not overflow */
	h = new_hist();
	add(h, 9, 1ULL << 62);
	add(h, 13, 1ULL << 62);
	h->min_ns = 256;
	h->max_ns = 600;
	is_u64(fl_percentile(h, 5000), 320, "n=2^63 p50: rank 2^62 in bucket 9");
	is_u64(fl_percentile(h, 5001), 600,
	       "n=2^63 p50.01: bucket 13, 640 clamped to 600");
	free(h);

	/* the rank comes from the buckets, not from a stale count */
	h = hist_a();
	h->count = 1000;
	is_u64(fl_percentile(h, 9000), 320, "count ignored, buckets summed");
	free(h);
}

static void test_range(void)
{
	struct faultlat_hist *h = new_hist();
	unsigned int first = 7, last = 7;

	ok(!fl_hist_range(h, &first, &last), "empty: no rows");
	ok(first == 7 && last == 7, "empty: first/last untouched");
	add(h, 0, 3);
	ok(fl_hist_range(h, &first, &last) && first == 0 && last == 0,
	   "bucket 0 only: rows 0..0");
	free(h);

	h = hist_a();
	ok(fl_hist_range(h, &first, &last) && first == 5 && last == 17,
	   "A: rows 5..17");
	free(h);

	h = new_hist();
	add(h, 113, 1);
	ok(fl_hist_range(h, &first, &last) && first == 113 && last == 113,
	   "overflow only: rows 113..113");
	free(h);
}

static void test_units(void)
{
	struct faultlat_hist *h;
	char buf[64];

	is_str(fl_table_unit(0)->name, "nsecs", "unit of 0: nsecs");
	is_str(fl_table_unit(64)->name, "nsecs", "unit of 64: nsecs");
	is_str(fl_table_unit(999)->name, "nsecs", "unit of 999: nsecs");
	is_str(fl_table_unit(1000)->name, "usecs", "unit of 1000: usecs");
	is_str(fl_table_unit(1024)->name, "usecs", "unit of 1024: usecs");
	is_str(fl_table_unit(999999)->name, "usecs", "unit of 999999: usecs");
	is_str(fl_table_unit(1000000)->name, "msecs", "unit of 10^6: msecs");
	is_str(fl_table_unit(17179869184ULL)->name, "secs",
	       "unit of 2^34: secs");

	h = new_hist();
	add(h, 0, 1);
	is_str(fl_hist_unit(h)->name, "nsecs",
	       "bucket 0 first: its upper bound 64 decides, nsecs");
	free(h);
	h = new_hist();
	add(h, 17, 1);
	add(h, 57, 1);
	is_str(fl_hist_unit(h)->name, "usecs", "first row at 1024: usecs");
	free(h);
	h = new_hist();
	add(h, 57, 1);
	is_str(fl_hist_unit(h)->name, "msecs", "first row at 2^20: msecs");
	free(h);

	fl_fmt_bound(buf, sizeof(buf), 1536, fl_table_unit(1));
	is_str(buf, "1536", "1536 in nsecs");
	fl_fmt_bound(buf, sizeof(buf), 17179869184ULL, fl_table_unit(1));
	is_str(buf, "17179869184", "2^34 in nsecs");
	fl_fmt_bound(buf, sizeof(buf), 1280, fl_table_unit(1000));
	is_str(buf, "1.280", "1280 in usecs");
	fl_fmt_bound(buf, sizeof(buf), 0, fl_table_unit(1000));
	is_str(buf, "0.000", "0 in usecs");
	fl_fmt_bound(buf, sizeof(buf), 1048576, fl_table_unit(1000000));
	is_str(buf, "1.049", "2^20 in msecs: 1.048576 rounds to 1.049");
	fl_fmt_bound(buf, sizeof(buf), 1310720, fl_table_unit(1000000));
	is_str(buf, "1.311", "1310720 in msecs: 1.31072 rounds to 1.311");
	fl_fmt_bound(buf, sizeof(buf), 17179869184ULL,
		     fl_table_unit(1000000000));
	is_str(buf, "17.180", "2^34 in secs: 17.179869 rounds to 17.180");
	fl_fmt_bound(buf, sizeof(buf), ~0ULL, fl_table_unit(1000));
	is_str(buf, "inf", "overflow bound: inf");

	fl_fmt_ns(buf, sizeof(buf), 0);
	is_str(buf, "0ns", "0 ns");
	fl_fmt_ns(buf, sizeof(buf), 999);
	is_str(buf, "999ns", "999 ns");
	fl_fmt_ns(buf, sizeof(buf), 1000);
	is_str(buf, "1.00us", "1000 ns is 1.00us");
	fl_fmt_ns(buf, sizeof(buf), 1280);
	is_str(buf, "1.28us", "1280 ns");
	fl_fmt_ns(buf, sizeof(buf), 999994);
	is_str(buf, "999.99us", "999994 ns stays in us");
	fl_fmt_ns(buf, sizeof(buf), 999996);
	is_str(buf, "1.00ms", "999996 ns would round to 1000.00us: 1.00ms");
	fl_fmt_ns(buf, sizeof(buf), 12582912);
	is_str(buf, "12.58ms", "12582912 ns");
	fl_fmt_ns(buf, sizeof(buf), 1500000000);
	is_str(buf, "1.50s", "1.5e9 ns");
	fl_fmt_ns(buf, sizeof(buf), 5000000000000ULL);
	is_str(buf, "5000.00s", "seconds do not scale further");
}

static void test_stars(void)
{
	is_u64(fl_stars(50, 50, 40), 40, "max bucket: full bar");
	is_u64(fl_stars(40, 50, 40), 32, "40/50: 32 stars");
	is_u64(fl_stars(9, 50, 40), 7, "9/50: 7.2 -> 7");
	is_u64(fl_stars(3, 7, 40), 17, "3/7: 17.14 -> 17");
	is_u64(fl_stars(1, 50, 40), 0, "1/50: 0.8 -> 0, as bcc");
	is_u64(fl_stars(0, 50, 40), 0, "empty bucket: no star");
	is_u64(fl_stars(5, 0, 40), 0, "max 0: no star");
	is_u64(fl_stars(1ULL << 62, 1ULL << 63, 40), 20,
	       "2^62/2^63 without overflow: 20");
}

static char *capture_table(const struct faultlat_hist *h, int summary)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (summary)
		fl_print_summary(f, h);
	else
		fl_print_table(f, h);
	fclose(f);
	return buf;
}

static void test_table(void)
{
	struct faultlat_hist *h = hist_a();
	const char *wide_header, *wide_last;
	char *out, *head;

	out = capture_table(h, 0);
	is_str(out,
	       "     nsecs               : count     distribution\n"
	       "       128 -> 160        : 50       |****************************************|\n"
	       "       160 -> 192        : 0        |                                        |\n"
	       "       192 -> 224        : 0        |                                        |\n"
	       "       224 -> 256        : 0        |                                        |\n"
	       "       256 -> 320        : 40       |********************************        |\n"
	       "       320 -> 384        : 0        |                                        |\n"
	       "       384 -> 448        : 0        |                                        |\n"
	       "       448 -> 512        : 0        |                                        |\n"
	       "       512 -> 640        : 9        |*******                                 |\n"
	       "       640 -> 768        : 0        |                                        |\n"
	       "       768 -> 896        : 0        |                                        |\n"
	       "       896 -> 1024       : 0        |                                        |\n"
	       "      1024 -> 1280       : 1        |                                        |\n",
	       "table A: bcc layout, nsecs, trimmed to rows 5..17");
	free(out);

	out = capture_table(h, 1);
	is_str(out,
	       "count 100  avg 250ns  p50 160ns  p90 320ns  p99 640ns  p99.9 1.10us  max 1.10us\n",
	       "summary A");
	free(out);
	free(h);

	h = new_hist();
	add(h, 17, 3);
	out = capture_table(h, 0);
	is_str(out,
	       "     usecs               : count     distribution\n"
	       "     1.024 -> 1.280      : 3        |****************************************|\n",
	       "table in usecs");
	free(out);
	free(h);

	/* wide numbers widen the columns, as bcc does past 32 bits */
	wide_header = "      nsecs                : count         distribution\n";
	wide_last = "17179869184 -> inf         : 1            |" NO_BAR "|\n";
	h = new_hist();
	add(h, 0, 123456789012ULL);
	add(h, 113, 1);
	out = capture_table(h, 0);
	head = strndup(out, strlen(wide_header));
	is_str(head, wide_header,
	       "wide table: header widened for 11-digit bounds, 12-digit counts");
	free(head);
	is_str(out + strlen(out) - strlen(wide_last), wide_last,
	       "wide table: the overflow row ends it");
	free(out);
	free(h);

	h = new_hist();
	out = capture_table(h, 0);
	is_str(out, "", "empty histogram: no table");
	free(out);
	free(h);
}

static char *capture(void (*fn)(FILE *f, const void *arg), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, arg);
	fclose(f);
	return buf;
}

static void tlb_stats_fn(FILE *f, const void *arg)
{
	fl_print_tlb_stats(f, arg);
}

static void tlb_ipi_fn(FILE *f, const void *arg)
{
	fl_print_tlb_ipi(f, arg);
}

#define IPI_BIT(i)	FAULTLAT_PROBE_TLB_IPI_FN(FAULTLAT_TLB_IPI_##i)

static void test_tlb_ipi(void)
{
	struct faultlat_info info = { .size = sizeof(info) };
	char *out;

	ok(fl_tlb_ipi_in_use(&info) == -1, "IPI function: none attached");
	out = capture(tlb_ipi_fn, &info);
	is_str(out, "unknown (no IPI function probe attached)\n",
	       "IPI function: none attached, text");
	free(out);

	/* hits of a function not attached do not count */
	info.tlb_ipi_hits[FAULTLAT_TLB_IPI_XEN] = 99;
	info.probes = IPI_BIT(NATIVE) | IPI_BIT(KVM);
	ok(fl_tlb_ipi_in_use(&info) == -1,
	   "IPI function: attached, none called, unattached hits ignored");
	out = capture(tlb_ipi_fn, &info);
	is_str(out,
	       "none called yet (attached: native_flush_tlb_multi, kvm_flush_tlb_multi)\n",
	       "IPI function: none called yet, text");
	free(out);

	info.tlb_ipi_hits[FAULTLAT_TLB_IPI_NATIVE] = 1;
	ok(fl_tlb_ipi_in_use(&info) == FAULTLAT_TLB_IPI_NATIVE,
	   "IPI function: the one called");
	out = capture(tlb_ipi_fn, &info);
	is_str(out, "native_flush_tlb_multi (1 call)\n",
	       "IPI function: 1 call, singular");
	free(out);

	info.tlb_ipi_hits[FAULTLAT_TLB_IPI_KVM] = 12002;
	ok(fl_tlb_ipi_in_use(&info) == FAULTLAT_TLB_IPI_KVM,
	   "IPI function: the one with the most calls");
	out = capture(tlb_ipi_fn, &info);
	is_str(out,
	       "kvm_flush_tlb_multi (12002 calls), also native_flush_tlb_multi (1)\n",
	       "IPI function: the other one called is named too");
	free(out);

	info.tlb_ipi_hits[FAULTLAT_TLB_IPI_NATIVE] = 12002;
	ok(fl_tlb_ipi_in_use(&info) == FAULTLAT_TLB_IPI_NATIVE,
	   "IPI function: a tie goes to the lowest index");

	ok(!fl_tlb_measured(&info), "no flush_tlb_mm_range probe: not measured");
	info.probes |= FAULTLAT_PROBE_TLB_RANGE;
	ok(fl_tlb_measured(&info), "flush_tlb_mm_range probe: measured");

	is_str(fl_tlb_reason_names[FAULTLAT_TLB_REMOTE_SHOOTDOWN],
	       "remote_shootdown", "reason names follow the enum");
	is_str(fl_tlb_reason_names[FAULTLAT_TLB_NR_REASONS - 1],
	       "remote_send_ipi", "last reason name");
	is_str(fl_tlb_ipi_names[FAULTLAT_TLB_NR_IPI_FNS - 1],
	       "xen_flush_tlb_multi", "last IPI function name");
}

static void test_tlb_stats(void)
{
	struct faultlat_tlb_stats *s = calloc(1, sizeof(*s));
	char *out;

	out = capture(tlb_stats_fn, s);
	is_str(out,
	       "TLB flushes: none\n"
	       "full 0  ranged 0  pages 0  remote 0  local_only 0  ipis 0  ipi_targets 0\n",
	       "TLB stats, empty: 'none' and the counts");
	free(out);

	/* reclaim's batched flushes call the IPI function directly */
	s->ipis = 3;
	s->ipi_targets = 6;
	out = capture(tlb_stats_fn, s);
	is_str(out,
	       "TLB flushes: none\n"
	       "full 0  ranged 0  pages 0  remote 0  local_only 0  ipis 3  ipi_targets 6\n",
	       "TLB stats: IPIs without flush_tlb_mm_range() are still shown");
	free(out);

	add(&s->flush, 17, 2);
	add(&s->flush, 18, 1);
	s->flush.min_ns = 1100;
	s->flush.max_ns = 1400;
	s->flush.sum_ns = 3600;
	s->full = 1;
	s->ranged = 2;
	s->pages = 5;
	s->remote = 2;
	s->local_only = 1;
	out = capture(tlb_stats_fn, s);
	is_str(out,
	       "TLB flushes (flush_tlb_mm_range, including the wait for remote CPUs):\n"
	       "     usecs               : count     distribution\n"
	       "     1.024 -> 1.280      : 2        |****************************************|\n"
	       "     1.280 -> 1.536      : 1        |********************                    |\n"
	       "count 3  avg 1.20us  p50 1.28us  p90 1.40us  p99 1.40us  p99.9 1.40us  max 1.40us\n"
	       "full 1  ranged 2  pages 5  remote 2  local_only 1  ipis 3  ipi_targets 6\n",
	       "TLB stats: title, table, summary, counts");
	free(out);
	free(s);
}

static void paths_fn(FILE *f, const void *arg)
{
	fl_print_paths(f, arg);
}

static void test_paths(void)
{
	__u64 paths[FAULTLAT_NR_PATHS] = { 0 };
	char *out;

	out = capture(paths_fn, paths);
	is_str(out, "", "paths: nothing when no fault was told by path");
	free(out);
	paths[FAULTLAT_PATH_ZERO] = 256;
	paths[FAULTLAT_PATH_COW] = 3;
	paths[FAULTLAT_PATH_OTHER] = 1;
	out = capture(paths_fn, paths);
	is_str(out,
	       "\npath: zero 256 cow 3 cache 0 read 0 swapin 0 thp 0 hugetlb 0 shmem 0 uffd 0 other 1 (260 faults told by path)\n",
	       "paths: every path in the enum's order, and their sum");
	free(out);
	is_str(fl_path_name(FAULTLAT_NR_PATHS - 1), "other", "last path name");
	is_str(fl_path_name(FAULTLAT_NR_PATHS), "-", "no path");
}

static void causes_fn(FILE *f, const void *arg)
{
	fl_print_causes(f, arg);
}

/* the time by cause: the module's two structs in one, its table */
static void test_causes(void)
{
	struct faultlat_causes a = {
		.faults = 10, .latency_ns = 10000,
		.ns[FAULTLAT_CAUSE_IO] = 4000, .with[FAULTLAT_CAUSE_IO] = 2,
		.ns[FAULTLAT_CAUSE_MMAP_LOCK] = 1000,
		.with[FAULTLAT_CAUSE_MMAP_LOCK] = 1,
	};
	struct faultlat_causes_more m = {
		.ns = { [FAULTLAT_CAUSE_PAGE_LOCK - FAULTLAT_NR_CAUSES] = 2000,
			[FAULTLAT_CAUSE_FALLBACK - FAULTLAT_NR_CAUSES] = 500,
			[FAULTLAT_CAUSE_ZEROING - FAULTLAT_NR_CAUSES] = 1500 },
		.with = { [FAULTLAT_CAUSE_PAGE_LOCK - FAULTLAT_NR_CAUSES] = 3,
			  [FAULTLAT_CAUSE_FALLBACK - FAULTLAT_NR_CAUSES] = 1,
			  [FAULTLAT_CAUSE_ZEROING - FAULTLAT_NR_CAUSES] = 1 },
	};
	struct fl_causes c;
	unsigned int i, named = 0;
	char *out;

	/* a cause the tables lack would be a NULL name (printf()'s crash) */
	for (i = 0; i < FAULTLAT_NR_CAUSES_ALL; i++)
		named += fl_cause_name(i) && strcmp(fl_cause_name(i), "rest");
	ok(named == FAULTLAT_NR_CAUSES_ALL, "cause names: every cause has one");
	ok(fl_causes_told(0, 7) == FAULTLAT_NR_CAUSES &&
	   fl_causes_told(0, 8) == FAULTLAT_NR_CAUSES_ALL &&
	   fl_causes_told(1, 0) == FAULTLAT_NR_CAUSES_ALL,
	   "causes told: the first five before 0.8, all eight since");
	is_str(fl_cause_name(FAULTLAT_CAUSE_PAGE_LOCK), "page_lock",
	       "cause name: page_lock");
	is_str(fl_cause_name(FAULTLAT_CAUSE_FALLBACK), "fallback",
	       "cause name: fallback");
	is_str(fl_cause_name(FAULTLAT_CAUSE_ZEROING), "zeroing",
	       "cause name: zeroing");
	is_str(fl_cause_name(FAULTLAT_NR_CAUSES_ALL), "rest",
	       "cause name: the rest after them");
	fl_causes_get(&c, &a, &m);
	ok(c.faults == 10 && c.latency_ns == 10000 &&
	   c.ns[FAULTLAT_CAUSE_IO] == 4000 &&
	   c.ns[FAULTLAT_CAUSE_PAGE_LOCK] == 2000 &&
	   c.with[FAULTLAT_CAUSE_PAGE_LOCK] == 3 &&
	   c.ns[FAULTLAT_CAUSE_FALLBACK] == 500 &&
	   c.with[FAULTLAT_CAUSE_FALLBACK] == 1 &&
	   c.ns[FAULTLAT_CAUSE_ZEROING] == 1500 &&
	   c.with[FAULTLAT_CAUSE_ZEROING] == 1,
	   "causes: causes and causes_more in one, by enum faultlat_cause");
	ok(fl_causes_rest(&c) == 1000, "causes: the rest, less all eight");
	fl_causes_add(&c, &a, &m);
	ok(c.faults == 20 && c.ns[FAULTLAT_CAUSE_PAGE_LOCK] == 4000 &&
	   c.with[FAULTLAT_CAUSE_FALLBACK] == 2 &&
	   c.ns[FAULTLAT_CAUSE_ZEROING] == 3000 &&
	   c.with[FAULTLAT_CAUSE_ZEROING] == 2 && fl_causes_rest(&c) == 2000,
	   "causes: added up");
	fl_causes_get(&c, &a, &m);
	out = capture(causes_fn, &c);
	is_str(out,
	       "\ntime by cause, of 10 faults timed by cause (10.00us):\n"
	       "  cause           faults        total   share\n"
	       "  mmap_lock            1       1.00us   10.0%\n"
	       "  io                   2       4.00us   40.0%\n"
	       "  page_lock            3       2.00us   20.0%\n"
	       "  fallback             1        500ns    5.0%\n"
	       "  zeroing              1       1.50us   15.0%\n"
	       "  rest                10       1.00us   10.0%\n",
	       "causes: a row for each cause that had time, page_lock, fallback and zeroing after uffd, then the rest");
	free(out);

	/* a module before 0.8: causes_more left zero, no row of theirs */
	memset(&m, 0, sizeof(m));
	fl_causes_get(&c, &a, &m);
	out = capture(causes_fn, &c);
	is_str(out,
	       "\ntime by cause, of 10 faults timed by cause (10.00us):\n"
	       "  cause           faults        total   share\n"
	       "  mmap_lock            1       1.00us   10.0%\n"
	       "  io                   2       4.00us   40.0%\n"
	       "  rest                10       5.00us   50.0%\n",
	       "causes, a module before 0.8: the five, the rest");
	free(out);
	memset(&c, 0, sizeof(c));
	out = capture(causes_fn, &c);
	is_str(out, "", "causes: nothing when no fault was timed by cause");
	free(out);
}

int main(void)
{
	printf("TAP version 13\n");
	test_layout();
	test_percentiles();
	test_range();
	test_units();
	test_stars();
	test_table();
	test_tlb_ipi();
	test_tlb_stats();
	test_paths();
	test_causes();
	printf("1..%d\n", tests);
	printf("# %d passed, %d failed\n", tests - failed, failed);
	return failed ? 1 : 0;
}
