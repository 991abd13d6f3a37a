/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: a latency heatmap, time by latency bucket, and its SVG
 * picture, for faultlat heatmap.  Pure (no device, no clock): filled from
 * interval histograms or from trace events, unit-tested in
 * tests/heatmap_test.c.
 *
 * The picture has one panel per fault class (minor, then major), each a
 * grid of cells: a column per interval, left to right, and a row per
 * bucket of the module's histograms, the slowest at the top.  A cell's
 * colour tells its count, on a log scale up to the panel's fullest cell;
 * an empty cell is left white, and nothing else is drawn inside the grid
 * (its frame lies just outside).  Both panels show the same buckets: from
 * two below the fastest fault to two above the slowest, 16 at least.
 *
 * Each panel's <g> carries its geometry for programs that read the
 * picture back (the tests do): data-class, data-x and data-y (top-left
 * corner of the grid, px), data-width, data-height, data-cell-width,
 * data-row-height, data-first-bucket and data-last-bucket (the bottom and
 * top rows), data-columns, data-max-count and data-faults.
 */
#ifndef FAULTLAT_HEATMAP_H
#define FAULTLAT_HEATMAP_H

#include <stdio.h>
#include <linux/faultlat.h>

/* At most this many intervals (columns): ~2 KiB each. */
#define FL_HEAT_MAX_COLS	20000

struct fl_heat {
	__u64 col_ns;			/* the interval of a column */
	unsigned int nr_cols;
	unsigned int cap;
	__u64 (*cells)[FAULTLAT_NR_CLASSES][FAULTLAT_NR_BUCKETS];
};

/* The texts above the panels. */
struct fl_heat_titles {
	const char *title;		/* "faultlat heatmap: ..." */
	const char *subtitle;		/* the time span, the interval */
};

/* The bucket holding a latency of @ns: the inverse of faultlat_bucket_lo(). */
unsigned int fl_heat_bucket(__u64 ns);

void fl_heat_init(struct fl_heat *h, __u64 col_ns);
void fl_heat_free(struct fl_heat *h);

/*
 * fl_heat_add_col() - append a column: the buckets of an interval's minor
 * and major faults.  Returns 0, -ENOMEM, or -E2BIG past FL_HEAT_MAX_COLS.
 */
int fl_heat_add_col(struct fl_heat *h, const struct faultlat_hist *minor,
		    const struct faultlat_hist *major);

/*
 * fl_heat_add_event() - one fault of class @c (enum faultlat_class) and
 * latency @ns, @at_ns after the start: into column @at_ns / col_ns (the
 * columns up to it are added, empty).  Errors as fl_heat_add_col().
 */
int fl_heat_add_event(struct fl_heat *h, __u64 at_ns, unsigned int c,
		      __u64 ns);

/* Faults of class @c in all columns. */
__u64 fl_heat_total(const struct fl_heat *h, unsigned int c);

/* The SVG picture of @h on @f.  Returns 0, or -1 if writing failed. */
int fl_heat_svg(FILE *f, const struct fl_heat *h,
		const struct fl_heat_titles *t);

#endif /* FAULTLAT_HEATMAP_H */
