// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat client: the latency heatmap and its SVG picture (see
 * heatmap.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "heatmap.h"
#include "hist.h"
#include "svg.h"
#include "util.h"

/* Layout, in px. */
#define LEFT		96	/* left of the grids: the latency labels */
#define RIGHT		180	/* right of them: the colour legend */
#define TOP		78	/* above the first grid: title, subtitle */
#define PANEL_GAP	78	/* between the grids: time axis, panel title */
#define BOTTOM		46	/* below the last grid: time axis */
#define ROW_H		4	/* one bucket */
#define MAX_CELL_W	40
#define MIN_PLOT_W	480	/* the grids are at least this wide */
#define TICK_GAP	64	/* between time labels, at least */
#define MIN_ROWS	16
#define PAD_ROWS	2
#define LEGEND_STEPS	5

#define FRAME		"#999999"
#define INK		"#333333"

unsigned int fl_heat_bucket(__u64 ns)
{
	unsigned int octave = 63 - __builtin_clzll(ns | 1);
	__u64 sub;

	if (ns < (1ULL << FAULTLAT_BUCKET_MIN_SHIFT))
		return 0;
	if (octave >= FAULTLAT_BUCKET_MAX_SHIFT)
		return FAULTLAT_NR_BUCKETS - 1;
	sub = (ns - (1ULL << octave)) >>
	      (octave - FAULTLAT_BUCKET_SUB_SHIFT);
	return 1 + (octave - FAULTLAT_BUCKET_MIN_SHIFT) * FAULTLAT_BUCKET_SUB +
	       (unsigned int)sub;
}

void fl_heat_init(struct fl_heat *h, __u64 col_ns)
{
	memset(h, 0, sizeof(*h));
	h->col_ns = col_ns;
}

void fl_heat_free(struct fl_heat *h)
{
	free(h->cells);
	h->cells = NULL;
	h->nr_cols = 0;
	h->cap = 0;
}

/* Make room for @n columns, the new ones empty. */
static int grow(struct fl_heat *h, unsigned long long n)
{
	unsigned int cap;
	void *p;

	if (n > FL_HEAT_MAX_COLS)
		return -E2BIG;
	if (n > h->cap) {
		cap = h->cap ? h->cap : 64;
		while (cap < n)
			cap *= 2;
		if (cap > FL_HEAT_MAX_COLS)
			cap = FL_HEAT_MAX_COLS;
		p = realloc(h->cells, (size_t)cap * sizeof(*h->cells));
		if (!p)
			return -ENOMEM;
		h->cells = p;
		memset(h->cells + h->cap, 0,
		       (size_t)(cap - h->cap) * sizeof(*h->cells));
		h->cap = cap;
	}
	if (n > h->nr_cols)
		h->nr_cols = n;
	return 0;
}

int fl_heat_add_col(struct fl_heat *h, const struct faultlat_hist *minor,
		    const struct faultlat_hist *major)
{
	unsigned int col = h->nr_cols;
	int err = grow(h, (unsigned long long)col + 1);

	if (err)
		return err;
	memcpy(h->cells[col][FAULTLAT_MINOR], minor->buckets,
	       sizeof(minor->buckets));
	memcpy(h->cells[col][FAULTLAT_MAJOR], major->buckets,
	       sizeof(major->buckets));
	return 0;
}

int fl_heat_add_event(struct fl_heat *h, __u64 at_ns, unsigned int c,
		      __u64 ns)
{
	unsigned long long col = h->col_ns ? at_ns / h->col_ns : 0;
	int err;

	if (c >= FAULTLAT_NR_CLASSES)
		return -EINVAL;
	err = grow(h, col + 1);
	if (err)
		return err;
	h->cells[col][c][fl_heat_bucket(ns)]++;
	return 0;
}

__u64 fl_heat_total(const struct fl_heat *h, unsigned int c)
{
	unsigned int col, b;
	__u64 n = 0;

	for (col = 0; col < h->nr_cols; col++)
		for (b = 0; b < FAULTLAT_NR_BUCKETS; b++)
			n += h->cells[col][c][b];
	return n;
}

static __u64 panel_max(const struct fl_heat *h, unsigned int c)
{
	unsigned int col, b;
	__u64 max = 0;

	for (col = 0; col < h->nr_cols; col++)
		for (b = 0; b < FAULTLAT_NR_BUCKETS; b++)
			if (h->cells[col][c][b] > max)
				max = h->cells[col][c][b];
	return max;
}

/* The buckets both panels show: [*first, *last]. */
static void rows(const struct fl_heat *h, unsigned int *first,
		 unsigned int *last)
{
	int lo = -1, hi = -1, b;
	unsigned int col, c;

	for (col = 0; col < h->nr_cols; col++)
		for (c = 0; c < FAULTLAT_NR_CLASSES; c++)
			for (b = 0; b < (int)FAULTLAT_NR_BUCKETS; b++) {
				if (!h->cells[col][c][b])
					continue;
				if (lo < 0 || b < lo)
					lo = b;
				if (b > hi)
					hi = b;
			}
	if (lo < 0) {		/* nothing: 1 us to 1 ms */
		lo = fl_heat_bucket(1000);
		hi = fl_heat_bucket(1000000);
	}
	lo = lo > PAD_ROWS ? lo - PAD_ROWS : 0;
	hi += PAD_ROWS;
	if (hi - lo + 1 < MIN_ROWS)
		hi = lo + MIN_ROWS - 1;
	if (hi > (int)FAULTLAT_NR_BUCKETS - 1) {
		hi = FAULTLAT_NR_BUCKETS - 1;
		lo = hi - MIN_ROWS + 1;
	}
	*first = lo;
	*last = hi;
}

static void cell_color(__u64 n, __u64 max, char buf[FL_SVG_COLOR_LEN])
{
	fl_svg_heat_color(max > 1 ? log1p((double)n) / log1p((double)max) :
			  1.0, buf);
}

struct geom {
	int x, y, w, h;			/* the grid */
	int cw;				/* a column's width */
	unsigned int first, last;	/* its bottom and top rows' buckets */
};

static void y_axis(FILE *f, const struct geom *g)
{
	unsigned int b;
	char lat[32];
	int y;

	for (b = g->first; b <= g->last + 1 && b < FAULTLAT_NR_BUCKETS; b++) {
		__u64 lo = faultlat_bucket_lo(b);

		/* a label at each power of two: the bottom edge of its row */
		if (!b || (lo & (lo - 1)))
			continue;
		y = g->y + (int)(g->last + 1 - b) * ROW_H;
		fl_svg_line(f, g->x - 7, y, g->x - 2, y, INK);
		fl_fmt_ns(lat, sizeof(lat), lo);
		fl_svg_text(f, g->x - 9, y + 4, "end", 10, 0, "%s", lat);
	}
	fl_svg_text(f, 16, g->y + g->h / 2, "middle", 11, -90,
		    "latency (log scale)");
}

static void x_axis(FILE *f, const struct fl_heat *h, const struct geom *g)
{
	unsigned int step = (TICK_GAP + g->cw - 1) / g->cw, col;
	int x, y = g->y + g->h + 2;
	char when[32];

	for (col = 0; col <= h->nr_cols; col += step) {
		x = g->x + (int)col * g->cw;
		fl_svg_line(f, x, y, x, y + 5, INK);
		fl_fmt_ns(when, sizeof(when), (__u64)col * h->col_ns);
		fl_svg_text(f, x, y + 17, "middle", 10, 0, "%s",
			    col ? when : "0");
	}
	fl_fmt_ns(when, sizeof(when), h->col_ns);
	fl_svg_text(f, g->x + g->w / 2, y + 33, "middle", 11, 0,
		    "time since the start (one column per %s)", when);
}

static void legend(FILE *f, const struct geom *g, __u64 max)
{
	int x = g->x + g->w + 24, y = g->y + 14, i;
	char color[FL_SVG_COLOR_LEN];
	__u64 v, shown = 0;

	fl_svg_text(f, x, y, "start", 11, 0, "faults per cell");
	for (i = LEGEND_STEPS - 1; max && i >= 0; i--) {
		double t = (double)i / (LEGEND_STEPS - 1);

		v = i ? (__u64)llround(expm1(t * log1p((double)max))) : 1;
		if (v < 1)
			v = 1;
		if (v == shown)
			continue;
		shown = v;
		y += 18;
		cell_color(v, max, color);
		fl_svg_rect(f, x, y - 11, 16, 14, color, FRAME);
		fl_svg_text(f, x + 24, y, "start", 10, 0, "%llu", v);
	}
}

static void draw_panel(FILE *f, const struct fl_heat *h, unsigned int c,
		       const struct geom *g)
{
	__u64 max = panel_max(h, c), total = fl_heat_total(h, c);
	char attrs[512], color[FL_SVG_COLOR_LEN];
	unsigned int col, b;

	snprintf(attrs, sizeof(attrs),
		 "id=\"panel-%s\" data-class=\"%s\" data-x=\"%d\" data-y=\"%d\" data-width=\"%d\" data-height=\"%d\" data-cell-width=\"%d\" data-row-height=\"%d\" data-first-bucket=\"%u\" data-last-bucket=\"%u\" data-columns=\"%u\" data-max-count=\"%llu\" data-faults=\"%llu\"",
		 fl_class_names[c], fl_class_names[c], g->x, g->y, g->w, g->h,
		 g->cw, ROW_H, g->first, g->last, h->nr_cols, max, total);
	fl_svg_group(f, attrs);
	/* nothing in the grid but the cells: programs read it back */
	if (total)
		fl_svg_text(f, g->x, g->y - 10, "start", 13, 0,
			    "%s faults: %llu in total, at most %llu in a cell",
			    fl_class_names[c], total, max);
	else
		fl_svg_text(f, g->x, g->y - 10, "start", 13, 0,
			    "%s faults: none", fl_class_names[c]);
	/* the frame, just outside the grid: no pixel of the grid is its */
	fprintf(f,
		"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"%s\"/>\n",
		g->x - 1, g->y - 1, g->w + 2, g->h + 2, FRAME);
	for (col = 0; col < h->nr_cols; col++) {
		for (b = g->first; b <= g->last; b++) {
			__u64 n = h->cells[col][c][b];

			if (!n)
				continue;
			cell_color(n, max, color);
			fl_svg_rect(f, g->x + (int)col * g->cw,
				    g->y + (int)(g->last - b) * ROW_H, g->cw,
				    ROW_H, color, NULL);
		}
	}
	y_axis(f, g);
	x_axis(f, h, g);
	legend(f, g, max);
	fl_svg_group_end(f);
}

/* About how wide @s is at @size px, in px. */
static int text_width(const char *s, int size)
{
	size_t n = strlen(s);

	return n > 4000 ? 4000 * size : (int)(n * size * 3 / 5);
}

int fl_heat_svg(FILE *f, const struct fl_heat *h,
		const struct fl_heat_titles *t)
{
	struct geom g;
	unsigned int cols = h->nr_cols ? h->nr_cols : 1, c;
	int width, height;

	rows(h, &g.first, &g.last);
	g.cw = MIN_PLOT_W / cols;
	if (g.cw > MAX_CELL_W)
		g.cw = MAX_CELL_W;
	if (g.cw < 1)
		g.cw = 1;
	g.x = LEFT;
	g.w = (int)cols * g.cw;
	g.h = (int)(g.last - g.first + 1) * ROW_H;
	width = LEFT + (g.w > MIN_PLOT_W ? g.w : MIN_PLOT_W) + RIGHT;
	/* room for the titles: a sans-serif letter is ~0.6 em wide */
	if (width < LEFT + text_width(t->title, 15) + 16)
		width = LEFT + text_width(t->title, 15) + 16;
	if (width < LEFT + text_width(t->subtitle, 11) + 16)
		width = LEFT + text_width(t->subtitle, 11) + 16;
	height = TOP + FAULTLAT_NR_CLASSES * g.h +
		 (FAULTLAT_NR_CLASSES - 1) * PANEL_GAP + BOTTOM;

	fl_svg_begin(f, width, height, t->title);
	fl_svg_text(f, LEFT, 24, "start", 15, 0, "%s", t->title);
	fl_svg_text(f, LEFT, 44, "start", 11, 0, "%s", t->subtitle);
	for (c = 0; c < FAULTLAT_NR_CLASSES; c++) {
		g.y = TOP + (int)c * (g.h + PANEL_GAP);
		draw_panel(f, h, c, &g);
	}
	fl_svg_end(f);
	return ferror(f) ? -1 : 0;
}
