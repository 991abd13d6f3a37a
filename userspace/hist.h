/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: histogram math (units, trimming; percentile.h) and text
 * output.  The math is pure and unit-tested in tests/hist_test.c.
 */
#ifndef FAULTLAT_HIST_H
#define FAULTLAT_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/faultlat.h>

#include "causes.h"
#include "percentile.h"
#include "util.h"

/* Bit masks of enum faultlat_class, to select what to show. */
#define FL_CLASS_MINOR	BIT(FAULTLAT_MINOR)
#define FL_CLASS_MAJOR	BIT(FAULTLAT_MAJOR)
#define FL_CLASS_ALL	(FL_CLASS_MINOR | FL_CLASS_MAJOR)

/* A display unit: @div nanoseconds. */
struct fl_unit {
	const char *name;	/* "nsecs", "usecs", "msecs", "secs" */
	const char *abbr;	/* "ns", "us", "ms", "s" */
	__u64 div;
};

/* The percentiles every summary shows, in parts per 10000. */
struct fl_pct {
	unsigned int per10k;
	const char *name;	/* "p50" */
	const char *json;	/* "p50_ns" */
};

#define FL_NR_PCTS	4
extern const struct fl_pct fl_pcts[FL_NR_PCTS];

extern const char * const fl_class_names[FAULTLAT_NR_CLASSES];
extern const char * const fl_mode_names[FAULTLAT_NR_MODES];
extern const char * const fl_kind_names[FAULTLAT_NR_KINDS];
extern const char * const fl_access_names[FAULTLAT_NR_ACCESS];
/* "task_switch", ...: enum faultlat_tlb_reason */
#define FL_TLB_NAMED_REASONS	(FAULTLAT_TLB_REMOTE_WRONG_CPU + 1)
extern const char * const fl_tlb_reason_names[FL_TLB_NAMED_REASONS];
struct faultlat_tlb_reason_count
fl_tlb_reason_count(const struct faultlat_tlb_global *g, unsigned int i);
bool fl_tlb_reason_shown(const struct faultlat_tlb_global *g, unsigned int i);
const char *fl_tlb_reason_name(unsigned int i, char *buf, size_t len);
/* "native_flush_tlb_multi", ...: enum faultlat_tlb_ipi_fn */
extern const char * const fl_tlb_ipi_names[FAULTLAT_TLB_NR_IPI_FNS];

bool fl_hist_range(const struct faultlat_hist *h, unsigned int *first,
		   unsigned int *last);
const struct fl_unit *fl_table_unit(__u64 smallest);
const struct fl_unit *fl_hist_unit(const struct faultlat_hist *h);
int fl_fmt_bound(char *buf, size_t len, __u64 ns, const struct fl_unit *u);
int fl_fmt_ns(char *buf, size_t len, __u64 ns);
unsigned int fl_stars(__u64 val, __u64 max, unsigned int width);

/* The bcc-style table of @h; prints nothing if @h is empty. */
void fl_print_table(FILE *f, const struct faultlat_hist *h);
/* "count N  avg X  p50 X  p90 X  p99 X  p99.9 X  max X" */
void fl_print_summary(FILE *f, const struct faultlat_hist *h);
/*
 * The histograms of the classes in @classes (FL_CLASS_*), their
 * breakdowns, then the errors/retries/abandoned/calls/fallbacks line
 * (@fallbacks: struct faultlat_task's or faultlat_global's); "No faults
 * recorded" instead of the tables when they are all empty.
 */
void fl_print_stats(FILE *f, const struct faultlat_stats *s, __u64 fallbacks,
		    unsigned int classes);
/* "nmissed N  dropped N", always printed with the counts. */
void fl_print_counters(FILE *f, __u64 nmissed, __u64 dropped);

const char *fl_cause_name(unsigned int i);
__u64 fl_causes_rest(const struct fl_causes *c);
void fl_print_causes(FILE *f, const struct fl_causes *c);

const char *fl_path_name(unsigned int i);
__u64 fl_paths_sum(const __u64 paths[FAULTLAT_NR_PATHS]);
void fl_print_paths(FILE *f, const __u64 paths[FAULTLAT_NR_PATHS]);

/*
 * "TITLE:", the table and the summary of @h, or "TITLE: none" when it is
 * empty.
 */
void fl_print_hist_titled(FILE *f, const char *title,
			  const struct faultlat_hist *h);
/*
 * The initiator's flush histogram (or "TLB flushes: none"), then the
 * "full N  ranged N  pages N  remote N  local_only N  ipis N  ipi_targets N"
 * line.
 */
void fl_print_tlb_stats(FILE *f, const struct faultlat_tlb_stats *s);

/* The TLB-flush probes (flush_tlb_mm_range at least) are attached. */
bool fl_tlb_measured(const struct faultlat_info *info);
/*
 * The IPI function this kernel uses: of the attached ones, the one with
 * the most calls (the lowest index on a tie); -1 if none was called yet.
 */
int fl_tlb_ipi_in_use(const struct faultlat_info *info);
/*
 * "native_flush_tlb_multi (12002 calls)" and a newline, or why the IPI
 * function is not known yet.
 */
void fl_print_tlb_ipi(FILE *f, const struct faultlat_info *info);

#endif /* FAULTLAT_HIST_H */
