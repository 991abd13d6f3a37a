// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of faultlat heatmap's model and picture (heatmap.c) and of
 * the SVG writer (svg.c): bucket lookup, columns from events and from
 * interval histograms, the colour scale, escaping, and where the cells
 * land in the SVG.  Plain TAP on stdout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../heatmap.h"
#include "../svg.h"
#include "tap.h"

static void test_bucket(void)
{
	unsigned int i;
	bool good = true;

	for (i = 1; i + 1 < FAULTLAT_NR_BUCKETS; i++) {
		if (fl_heat_bucket(faultlat_bucket_lo(i)) != i ||
		    fl_heat_bucket(faultlat_bucket_hi(i) - 1) != i) {
			printf("#   bucket %u: lo %u, hi-1 %u\n", i,
			       fl_heat_bucket(faultlat_bucket_lo(i)),
			       fl_heat_bucket(faultlat_bucket_hi(i) - 1));
			good = false;
		}
	}
	ok(good, "fl_heat_bucket inverts faultlat_bucket_lo/hi");
	ok(fl_heat_bucket(0) == 0 && fl_heat_bucket(63) == 0,
	   "below 64 ns: bucket 0");
	ok(fl_heat_bucket(1ULL << 34) == FAULTLAT_NR_BUCKETS - 1 &&
	   fl_heat_bucket(~0ULL) == FAULTLAT_NR_BUCKETS - 1,
	   "2^34 ns and up: the overflow bucket");
}

static void test_model(void)
{
	struct faultlat_hist *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	struct fl_heat h;

	fl_heat_init(&h, 1000);
	ok(!fl_heat_add_event(&h, 0, FAULTLAT_MINOR, 130) &&
	   !fl_heat_add_event(&h, 2500, FAULTLAT_MAJOR, 1100) &&
	   !fl_heat_add_event(&h, 999, FAULTLAT_MINOR, 140),
	   "events added");
	ok(h.nr_cols == 3, "an event at 2.5 intervals makes 3 columns");
	ok(h.cells[0][FAULTLAT_MINOR][5] == 2 && h.cells[1][FAULTLAT_MINOR][5] == 0 &&
	   h.cells[2][FAULTLAT_MAJOR][17] == 1, "events in their cells");
	ok(fl_heat_total(&h, FAULTLAT_MINOR) == 2 &&
	   fl_heat_total(&h, FAULTLAT_MAJOR) == 1, "totals");
	ok(fl_heat_add_event(&h, 0, 7, 1) == -EINVAL, "a bad class: EINVAL");
	ok(fl_heat_add_event(&h, 1000ULL * FL_HEAT_MAX_COLS, FAULTLAT_MINOR,
			     1) == -E2BIG && h.nr_cols == 3,
	   "past the last column: E2BIG, nothing added");
	a->buckets[9] = 4;
	b->buckets[57] = 1;
	ok(!fl_heat_add_col(&h, a, b) && h.nr_cols == 4 &&
	   h.cells[3][FAULTLAT_MINOR][9] == 4 &&
	   h.cells[3][FAULTLAT_MAJOR][57] == 1, "a column from histograms");
	fl_heat_free(&h);
	free(a);
	free(b);
}

static void test_colors(void)
{
	char c[FL_SVG_COLOR_LEN], prev[FL_SVG_COLOR_LEN] = "";
	unsigned int r, g, b, last = 3 * 256, i;
	bool darker = true, white = false;

	fl_svg_heat_color(0, c);
	ok(!strcmp(c, "#ffeda0"), "t = 0: light yellow");
	fl_svg_heat_color(1, c);
	ok(!strcmp(c, "#800026"), "t = 1: dark red");
	fl_svg_heat_color(-1, prev);
	fl_svg_heat_color(0, c);
	ok(!strcmp(c, prev), "t < 0 is 0");
	for (i = 0; i <= 100; i++) {
		fl_svg_heat_color(i / 100.0, c);
		if (sscanf(c, "#%2x%2x%2x", &r, &g, &b) != 3)
			darker = false;
		if (r + g + b > last)
			darker = false;
		if (r == 255 && g == 255 && b == 255)
			white = true;
		last = r + g + b;
	}
	ok(darker, "darker as the count grows");
	ok(!white, "never white (the background)");
}

static char *render(const struct fl_heat *h, const char *title)
{
	struct fl_heat_titles t = { title, "sub & title" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ok(!fl_heat_svg(f, h, &t), "fl_heat_svg succeeds");
	fclose(f);
	return buf;
}

static void test_svg(void)
{
	struct fl_heat h;
	char *out, want[256];
	unsigned int i;

	fl_heat_init(&h, 1000000000ULL);
	/* minor: 100 in bucket 30 at t=0, 1 in bucket 20 at t=1s */
	for (i = 0; i < 100; i++)
		fl_heat_add_event(&h, 0, FAULTLAT_MINOR, faultlat_bucket_lo(30));
	fl_heat_add_event(&h, 1000000000ULL, FAULTLAT_MINOR,
			  faultlat_bucket_lo(20));
	out = render(&h, "host <a&b> \"q\" \x01");
	ok(!strncmp(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44),
	   "an XML declaration, then <svg>");
	has(out, "<title>host &lt;a&amp;b&gt; &quot;q&quot; ?</title>",
	    "title escaped");
	has(out, ">sub &amp; title</text>", "subtitle escaped");
	/*
	 * rows 18 (two below 20) to 33 (16 rows at least), 2 columns of
	 * 40 px
	 */
	has(out, "<g id=\"panel-minor\" data-class=\"minor\" data-x=\"96\" data-y=\"78\"",
	    "minor panel: its corner");
	has(out, "data-width=\"80\" data-height=\"64\" data-cell-width=\"40\"",
	    "minor panel: its size");
	has(out, "data-first-bucket=\"18\" data-last-bucket=\"33\" data-columns=\"2\"",
	    "minor panel: its rows and columns");
	has(out, "data-max-count=\"100\" data-faults=\"101\">",
	    "minor panel: its counts");
	has(out, "data-class=\"major\"", "a major panel");
	has(out, ">major faults: none</text>", "an empty panel says so");
	/* bucket 30 is 3 rows below the top: y = 78 + 3 * 4 */
	has(out, "<rect x=\"96\" y=\"90\" width=\"40\" height=\"4\" fill=\"#800026\"/>",
	    "the fullest cell: top-left, dark red");
	/* bucket 20: y = 78 + (33 - 20) * 4 = 130, column 1: x = 136 */
	snprintf(want, sizeof(want),
		 "<rect x=\"136\" y=\"130\" width=\"40\" height=\"4\" fill=\"");
	has(out, want, "one fault: its own cell");
	has(out, ">latency (log scale)</text>", "a latency axis label");
	has(out, ">time since the start (one column per 1.00s)</text>",
	    "a time axis label with the interval");
	ok(!!strstr(out, "</svg>\n"), "closed");
	free(out);
	fl_heat_free(&h);

	fl_heat_init(&h, 1000);
	out = render(&h, "empty");
	has(out, ">minor faults: none</text>", "nothing at all: still a picture");
	free(out);
}

int main(void)
{
	printf("TAP version 13\n");
	test_bucket();
	test_model();
	test_colors();
	test_svg();
	return tap_done();
}
