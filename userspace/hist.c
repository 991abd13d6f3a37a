// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat client: histogram math and text output.
 *
 * Tables follow the layout of bcc's print_log2_hist(): a header
 *
 *	     nsecs               : count     distribution
 *
 * then one row per bucket, "lo -> hi : count |****|", with a 40-character
 * bar scaled to the largest bucket, from the first to the last non-empty
 * bucket.  Our buckets are log-linear (4 per power of two), so there are
 * more rows than bcc's, and each table picks one unit (see
 * fl_table_unit()).
 */
#include <stdint.h>
#include <string.h>

#include "hist.h"
#include "util.h"

#define FL_BAR_WIDTH	40

static const struct fl_unit units[] = {
	{ "nsecs", "ns", 1ULL },
	{ "usecs", "us", 1000ULL },
	{ "msecs", "ms", 1000000ULL },
	{ "secs", "s", 1000000000ULL },
};

#define NR_UNITS	ARRAY_SIZE(units)

const struct fl_pct fl_pcts[FL_NR_PCTS] = {
	{ 5000, "p50", "p50_ns" },
	{ 9000, "p90", "p90_ns" },
	{ 9900, "p99", "p99_ns" },
	{ 9990, "p99.9", "p999_ns" },
};

const char * const fl_class_names[FAULTLAT_NR_CLASSES] = {
	[FAULTLAT_MINOR] = "minor",
	[FAULTLAT_MAJOR] = "major",
};

const char * const fl_mode_names[FAULTLAT_NR_MODES] = {
	[FAULTLAT_MODE_USER] = "user",
	[FAULTLAT_MODE_KERNEL] = "kernel",
};

const char * const fl_kind_names[FAULTLAT_NR_KINDS] = {
	[FAULTLAT_KIND_ANON] = "anon",
	[FAULTLAT_KIND_FILE] = "file",
	[FAULTLAT_KIND_SHMEM] = "shmem",
	[FAULTLAT_KIND_HUGETLB] = "hugetlb",
};

const char * const fl_access_names[FAULTLAT_NR_ACCESS] = {
	[FAULTLAT_ACCESS_READ] = "read",
	[FAULTLAT_ACCESS_WRITE] = "write",
	[FAULTLAT_ACCESS_EXEC] = "exec",
};

/* As debugfs's tlb file spells them (the kernel's TLB_* without TLB_). */
const char * const fl_tlb_reason_names[FL_TLB_NAMED_REASONS] = {
	[FAULTLAT_TLB_TASK_SWITCH] = "task_switch",
	[FAULTLAT_TLB_REMOTE_SHOOTDOWN] = "remote_shootdown",
	[FAULTLAT_TLB_LOCAL_SHOOTDOWN] = "local_shootdown",
	[FAULTLAT_TLB_LOCAL_MM_SHOOTDOWN] = "local_mm_shootdown",
	[FAULTLAT_TLB_REMOTE_SEND_IPI] = "remote_send_ipi",
	[FAULTLAT_TLB_REMOTE_WRONG_CPU] = "remote_wrong_cpu",
};

/*
 * The counts of reason @i (< FAULTLAT_TLB_REASON_SLOTS) in @g: from
 * reason[], or from ABI 1's arrays for a module before 0.3 (reason_slots
 * 0), which has the first FAULTLAT_TLB_NR_REASONS only.
 */
struct faultlat_tlb_reason_count
fl_tlb_reason_count(const struct faultlat_tlb_global *g, unsigned int i)
{
	struct faultlat_tlb_reason_count c = { 0 };

	if (g->reason_slots)
		return g->reason[i];
	if (i < FAULTLAT_TLB_NR_REASONS) {
		c.count = g->reasons[i];
		c.full = g->reason_full[i];
		c.pages = g->reason_pages[i];
	}
	return c;
}

/*
 * Show reason @i of @g?  Those the kernel has (every named one, for a
 * module before 0.3, which tells no kernel_reasons: its first five) and
 * any other that was counted.
 */
bool fl_tlb_reason_shown(const struct faultlat_tlb_global *g, unsigned int i)
{
	if (!g->reason_slots)
		return i < FAULTLAT_TLB_NR_REASONS;
	return i < g->kernel_reasons || g->reason[i].count;
}

/* "task_switch", ..., or "reason6" for a number the uapi does not name */
const char *fl_tlb_reason_name(unsigned int i, char *buf, size_t len)
{
	if (i < FL_TLB_NAMED_REASONS)
		return fl_tlb_reason_names[i];
	snprintf(buf, len, "reason%u", i);
	return buf;
}

const char * const fl_tlb_ipi_names[FAULTLAT_TLB_NR_IPI_FNS] = {
	[FAULTLAT_TLB_IPI_NATIVE] = "native_flush_tlb_multi",
	[FAULTLAT_TLB_IPI_KVM] = "kvm_flush_tlb_multi",
	[FAULTLAT_TLB_IPI_HYPERV] = "hyperv_flush_tlb_multi",
	[FAULTLAT_TLB_IPI_XEN] = "xen_flush_tlb_multi",
};

/*
 * fl_hist_range() - the first and last non-empty buckets: the rows a table
 * shows.  Returns false, leaving them alone, if every bucket is empty.
 */
bool fl_hist_range(const struct faultlat_hist *h, unsigned int *first,
		   unsigned int *last)
{
	int i, lo = -1, hi = -1;

	for (i = 0; i < (int)FAULTLAT_NR_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		if (lo < 0)
			lo = i;
		hi = i;
	}
	if (lo < 0)
		return false;
	*first = lo;
	*last = hi;
	return true;
}

/*
 * fl_table_unit() - the unit of a table whose smallest non-zero bound is
 * @smallest nanoseconds.
 *
 * Units step by 1000 (ns, us, ms, s): the table takes the largest unit in
 * which @smallest is at least 1, so every bound shown is >= 1 (or 0) and
 * no row degenerates into "0.000 -> 0.000".  Bounds in usecs and up are
 * printed with 3 decimals (fl_fmt_bound()), which is exact in usecs and
 * keeps neighbouring rows distinct in msecs and secs (a bucket there is at
 * least 2^18 ns wide).
 */
const struct fl_unit *fl_table_unit(__u64 smallest)
{
	int i;

	for (i = NR_UNITS - 1; i > 0; i--)
		if (smallest >= units[i].div)
			return &units[i];
	return &units[0];
}

/* The unit of @h's table: its smallest non-zero bound decides. */
const struct fl_unit *fl_hist_unit(const struct faultlat_hist *h)
{
	unsigned int first, last;
	__u64 lo;

	if (!fl_hist_range(h, &first, &last))
		return &units[0];
	lo = faultlat_bucket_lo(first);
	return fl_table_unit(lo ? lo : faultlat_bucket_hi(first));
}

/*
 * fl_fmt_bound() - a bucket bound in unit @u: "1536" in nsecs,
 * "1.536" in usecs (3 decimals, rounded half up), "inf" for ~0.
 */
int fl_fmt_bound(char *buf, size_t len, __u64 ns, const struct fl_unit *u)
{
	__u64 milli;

	if (ns == ~0ULL)
		return snprintf(buf, len, "inf");
	if (u->div == 1)
		return snprintf(buf, len, "%llu", ns);
	if (ns > UINT64_MAX / 1000)
		return snprintf(buf, len, "%.3f", (double)ns / u->div);
	milli = (ns * 1000 + u->div / 2) / u->div;
	return snprintf(buf, len, "%llu.%03llu", milli / 1000, milli % 1000);
}

/*
 * fl_fmt_ns() - a duration for summaries: "640ns" below 1 us, then
 * "1.28us", "12.58ms", "3.00s": the largest unit that keeps the number
 * below 1000 once rounded to 2 decimals.
 */
int fl_fmt_ns(char *buf, size_t len, __u64 ns)
{
	unsigned int i;

	if (ns < 1000)
		return snprintf(buf, len, "%lluns", ns);
	for (i = 1; i < NR_UNITS - 1; i++) {
		double v = (double)ns / units[i].div;

		if (v < 999.995)
			return snprintf(buf, len, "%.2f%s", v, units[i].abbr);
	}
	return snprintf(buf, len, "%.2f%s", (double)ns / units[i].div,
			units[i].abbr);
}

/* fl_stars() - bar length: floor(@width * @val / @max), as bcc does. */
unsigned int fl_stars(__u64 val, __u64 max, unsigned int width)
{
	if (!max || !val)
		return 0;
	if (val >= max)
		return width;
	if (val <= UINT64_MAX / width)
		return (unsigned int)(val * width / max);
	return (unsigned int)((long double)val * width / max);
}

static int num_width(__u64 v)
{
	int w = 1;

	while (v >= 10) {
		v /= 10;
		w++;
	}
	return w;
}

void fl_print_table(FILE *f, const struct faultlat_hist *h)
{
	char lo[32], hi[32];
	const struct fl_unit *u;
	unsigned int first, last, i;
	__u64 max = 0;
	int w = 10, cw = 8, n;

	if (!fl_hist_range(h, &first, &last))
		return;
	u = fl_hist_unit(h);
	for (i = first; i <= last; i++) {
		if (h->buckets[i] > max)
			max = h->buckets[i];
		n = fl_fmt_bound(lo, sizeof(lo), faultlat_bucket_lo(i), u);
		if (n > w)
			w = n;
		n = fl_fmt_bound(hi, sizeof(hi), faultlat_bucket_hi(i), u);
		if (n > w)
			w = n;
	}
	if (num_width(max) > cw)
		cw = num_width(max);

	fprintf(f, "%*s%-*s : %-*sdistribution\n", w - 5, "", w + 9, u->name,
		cw + 2, "count");
	for (i = first; i <= last; i++) {
		unsigned int stars = fl_stars(h->buckets[i], max, FL_BAR_WIDTH);
		char bar[FL_BAR_WIDTH + 1];

		memset(bar, '*', stars);
		bar[stars] = '\0';
		fl_fmt_bound(lo, sizeof(lo), faultlat_bucket_lo(i), u);
		fl_fmt_bound(hi, sizeof(hi), faultlat_bucket_hi(i), u);
		fprintf(f, "%*s -> %-*s : %-*llu |%-*s|\n", w, lo, w, hi, cw,
			h->buckets[i], FL_BAR_WIDTH, bar);
	}
}

void fl_print_summary(FILE *f, const struct faultlat_hist *h)
{
	char buf[32];
	unsigned int i;

	fprintf(f, "count %llu", h->count);
	fl_fmt_ns(buf, sizeof(buf), h->count ? h->sum_ns / h->count : 0);
	fprintf(f, "  avg %s", buf);
	for (i = 0; i < FL_NR_PCTS; i++) {
		fl_fmt_ns(buf, sizeof(buf), fl_percentile(h, fl_pcts[i].per10k));
		fprintf(f, "  %s %s", fl_pcts[i].name, buf);
	}
	fl_fmt_ns(buf, sizeof(buf), h->max_ns);
	fprintf(f, "  max %s\n", buf);
}

static void print_counts(FILE *f, const char *label, const __u64 *v,
			 const char * const *names, unsigned int n)
{
	unsigned int i;

	fprintf(f, "%s:", label);
	for (i = 0; i < n; i++)
		fprintf(f, " %s %llu", names[i], v[i]);
}

static void print_breakdown(FILE *f, const struct faultlat_stats *s, int c)
{
	print_counts(f, "mode", s->by_mode[c], fl_mode_names,
		     FAULTLAT_NR_MODES);
	fputs(" | ", f);
	print_counts(f, "kind", s->by_kind[c], fl_kind_names,
		     FAULTLAT_NR_KINDS);
	fputs(" | ", f);
	print_counts(f, "access", s->by_access[c], fl_access_names,
		     FAULTLAT_NR_ACCESS);
	fprintf(f, " | no_regs %llu\n", s->no_regs[c]);
}

void fl_print_stats(FILE *f, const struct faultlat_stats *s, __u64 fallbacks,
		    unsigned int classes)
{
	const struct faultlat_hist *h[FAULTLAT_NR_CLASSES] = {
		[FAULTLAT_MINOR] = &s->minor,
		[FAULTLAT_MAJOR] = &s->major,
	};
	bool any = false;
	int c;

	for (c = 0; c < FAULTLAT_NR_CLASSES; c++)
		if ((classes & BIT(c)) && h[c]->count)
			any = true;
	if (!any)
		fputs("No faults recorded\n", f);

	for (c = 0; any && c < FAULTLAT_NR_CLASSES; c++) {
		if (!(classes & BIT(c)))
			continue;
		if (!h[c]->count) {
			fprintf(f, "%s faults: none\n\n", fl_class_names[c]);
			continue;
		}
		fprintf(f, "%s faults:\n", fl_class_names[c]);
		fl_print_table(f, h[c]);
		fl_print_summary(f, h[c]);
		print_breakdown(f, s, c);
		fputc('\n', f);
	}
	fprintf(f,
		"errors %llu  retries %llu  abandoned %llu  calls %llu  fallbacks %llu\n",
		s->errors, s->retries, s->abandoned, s->calls, fallbacks);
}

static const char *const fl_cause_names[FAULTLAT_NR_CAUSES_ALL] = {
	[FAULTLAT_CAUSE_RECLAIM] = "reclaim",
	[FAULTLAT_CAUSE_COMPACTION] = "compaction",
	[FAULTLAT_CAUSE_MMAP_LOCK] = "mmap_lock",
	[FAULTLAT_CAUSE_IO] = "io",
	[FAULTLAT_CAUSE_UFFD] = "uffd",
	[FAULTLAT_CAUSE_PAGE_LOCK] = "page_lock",
	[FAULTLAT_CAUSE_FALLBACK] = "fallback",
	[FAULTLAT_CAUSE_ZEROING] = "zeroing",
};

/* A cause's name, "rest" for FAULTLAT_NR_CAUSES_ALL: the module's own names. */
const char *fl_cause_name(unsigned int i)
{
	return i < FAULTLAT_NR_CAUSES_ALL ? fl_cause_names[i] : "rest";
}

/* The rest: the latency of the faults timed by cause, less the causes. */
__u64 fl_causes_rest(const struct fl_causes *c)
{
	__u64 sum = 0;
	unsigned int i;

	for (i = 0; i < FAULTLAT_NR_CAUSES_ALL; i++)
		sum += c->ns[i];
	return sum < c->latency_ns ? c->latency_ns - sum : 0;
}

/*
 * The time by cause, as a table: cause, faults that had it, its total
 * time, its share of the faults' time; the causes no fault had left out
 * (those a module before 0.8 does not tell among them); nothing when no
 * fault was timed by cause (module parameter causes off, or an older
 * module).
 */
void fl_print_causes(FILE *f, const struct fl_causes *c)
{
	char tot[32];
	unsigned int i;

	if (!c->faults)
		return;
	fl_fmt_ns(tot, sizeof(tot), c->latency_ns);
	fprintf(f, "\ntime by cause, of %llu faults timed by cause (%s):\n",
		c->faults, tot);
	fprintf(f, "  %-11s %10s %12s %7s\n", "cause", "faults", "total",
		"share");
	for (i = 0; i <= FAULTLAT_NR_CAUSES_ALL; i++) {
		bool rest = i == FAULTLAT_NR_CAUSES_ALL;
		__u64 ns = rest ? fl_causes_rest(c) : c->ns[i];
		__u64 n = rest ? c->faults : c->with[i];

		if (!rest && !n)
			continue;
		fl_fmt_ns(tot, sizeof(tot), ns);
		fprintf(f, "  %-11s %10llu %12s %6.1f%%\n", fl_cause_name(i), n,
			tot, c->latency_ns ? 100.0 * ns / c->latency_ns : 0.0);
	}
}

static const char *const fl_path_names[FAULTLAT_NR_PATHS] = {
	[FAULTLAT_PATH_ZERO] = "zero",
	[FAULTLAT_PATH_COW] = "cow",
	[FAULTLAT_PATH_CACHE] = "cache",
	[FAULTLAT_PATH_READ] = "read",
	[FAULTLAT_PATH_SWAPIN] = "swapin",
	[FAULTLAT_PATH_THP] = "thp",
	[FAULTLAT_PATH_HUGETLB] = "hugetlb",
	[FAULTLAT_PATH_SHMEM] = "shmem",
	[FAULTLAT_PATH_UFFD] = "uffd",
	[FAULTLAT_PATH_OTHER] = "other",
};

/* A path's name, the module's own (enum faultlat_path); "-" for none. */
const char *fl_path_name(unsigned int i)
{
	return i < FAULTLAT_NR_PATHS ? fl_path_names[i] : "-";
}

/* The faults told by path: their sum. */
__u64 fl_paths_sum(const __u64 paths[FAULTLAT_NR_PATHS])
{
	__u64 sum = 0;
	unsigned int i;

	for (i = 0; i < FAULTLAT_NR_PATHS; i++)
		sum += paths[i];
	return sum;
}

/*
 * The completed faults by path, on one line: nothing when none was told
 * (module parameter paths off, or a module before 0.6).
 */
void fl_print_paths(FILE *f, const __u64 paths[FAULTLAT_NR_PATHS])
{
	__u64 n = fl_paths_sum(paths);

	if (!n)
		return;
	fputc('\n', f);
	print_counts(f, "path", paths, fl_path_names, FAULTLAT_NR_PATHS);
	fprintf(f, " (%llu faults told by path)\n", n);
}

void fl_print_counters(FILE *f, __u64 nmissed, __u64 dropped)
{
	fprintf(f, "nmissed %llu  dropped %llu\n", nmissed, dropped);
}

void fl_print_hist_titled(FILE *f, const char *title,
			  const struct faultlat_hist *h)
{
	if (!h->count) {
		fprintf(f, "%s: none\n", title);
		return;
	}
	fprintf(f, "%s:\n", title);
	fl_print_table(f, h);
	fl_print_summary(f, h);
}

void fl_print_tlb_stats(FILE *f, const struct faultlat_tlb_stats *s)
{
	if (s->flush.count)
		fl_print_hist_titled(f,
				     "TLB flushes (flush_tlb_mm_range, including the wait for remote CPUs)",
				     &s->flush);
	else
		fputs("TLB flushes: none\n", f);
	fprintf(f,
		"full %llu  ranged %llu  pages %llu  remote %llu  local_only %llu  ipis %llu  ipi_targets %llu\n",
		s->full, s->ranged, s->pages, s->remote, s->local_only,
		s->ipis, s->ipi_targets);
}

bool fl_tlb_measured(const struct faultlat_info *info)
{
	return info->probes & FAULTLAT_PROBE_TLB_RANGE;
}

int fl_tlb_ipi_in_use(const struct faultlat_info *info)
{
	int i, best = -1;

	for (i = 0; i < FAULTLAT_TLB_NR_IPI_FNS; i++) {
		if (!(info->probes & FAULTLAT_PROBE_TLB_IPI_FN(i)) ||
		    !info->tlb_ipi_hits[i])
			continue;
		if (best < 0 || info->tlb_ipi_hits[i] > info->tlb_ipi_hits[best])
			best = i;
	}
	return best;
}

void fl_print_tlb_ipi(FILE *f, const struct faultlat_info *info)
{
	int i, best = fl_tlb_ipi_in_use(info);
	bool any = false;

	if (best >= 0) {
		fprintf(f, "%s (%llu call%s)", fl_tlb_ipi_names[best],
			info->tlb_ipi_hits[best],
			info->tlb_ipi_hits[best] == 1 ? "" : "s");
		/* others called as well: unexpected, but say so */
		for (i = 0; i < FAULTLAT_TLB_NR_IPI_FNS; i++)
			if (i != best &&
			    (info->probes & FAULTLAT_PROBE_TLB_IPI_FN(i)) &&
			    info->tlb_ipi_hits[i])
				fprintf(f, ", also %s (%llu)", fl_tlb_ipi_names[i],
					info->tlb_ipi_hits[i]);
		fputc('\n', f);
		return;
	}
	for (i = 0; i < FAULTLAT_TLB_NR_IPI_FNS; i++) {
		if (!(info->probes & FAULTLAT_PROBE_TLB_IPI_FN(i)))
			continue;
		fprintf(f, "%s%s", any ? ", " : "none called yet (attached: ",
			fl_tlb_ipi_names[i]);
		any = true;
	}
	fputs(any ? ")\n" : "unknown (no IPI function probe attached)\n", f);
}
