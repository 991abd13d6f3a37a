/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: a small SVG writer.  It writes SVG 1.1 text elements
 * (rectangles, lines, text, groups) with integer pixel coordinates; the
 * rendering is left to whatever displays the file.  Text is escaped for
 * XML, with bytes that are not printable ASCII replaced by '?', so any
 * comm or host name makes a well-formed document.
 */
#ifndef FAULTLAT_SVG_H
#define FAULTLAT_SVG_H

#include <stdio.h>

/* "#rrggbb" and its NUL */
#define FL_SVG_COLOR_LEN	8

/* The XML declaration, <svg> of @width x @height px, <title>, a white page. */
void fl_svg_begin(FILE *f, int width, int height, const char *title);
/* </svg> */
void fl_svg_end(FILE *f);

/* <g ATTRS>; @attrs is raw, the caller's own (may be NULL). */
void fl_svg_group(FILE *f, const char *attrs);
void fl_svg_group_end(FILE *f);

/* A filled rectangle; @stroke may be NULL for none. */
void fl_svg_rect(FILE *f, int x, int y, int w, int h, const char *fill,
		 const char *stroke);
void fl_svg_line(FILE *f, int x1, int y1, int x2, int y2, const char *stroke);

/*
 * Text at (@x, @y), the baseline; @anchor "start", "middle" or "end";
 * @rotate: degrees about (@x, @y), 0 for none.  The text is printf()'s
 * of @fmt, escaped.
 */
void fl_svg_text(FILE *f, int x, int y, const char *anchor, int size,
		 int rotate, const char *fmt, ...);

/* @s escaped for XML text or an attribute value. */
void fl_svg_escape(FILE *f, const char *s);

/*
 * The heatmap's colour of @t in [0, 1] (0: the faintest non-empty cell,
 * 1: the fullest): light yellow through orange to dark red, never white.
 */
void fl_svg_heat_color(double t, char buf[FL_SVG_COLOR_LEN]);

#endif /* FAULTLAT_SVG_H */
