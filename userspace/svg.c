// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat client: a small SVG writer (see svg.h).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>

#include "svg.h"
#include "util.h"

#define FONT	"font-family=\"sans-serif\""

void fl_svg_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			fputc(c < 0x20 || c >= 0x7f ? '?' : c, f);
			break;
		}
	}
}

void fl_svg_begin(FILE *f, int width, int height, const char *title)
{
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
		width, height, width, height);
	fputs("<title>", f);
	fl_svg_escape(f, title);
	fputs("</title>\n", f);
	fl_svg_rect(f, 0, 0, width, height, "#ffffff", NULL);
}

void fl_svg_end(FILE *f)
{
	fputs("</svg>\n", f);
}

void fl_svg_group(FILE *f, const char *attrs)
{
	if (attrs && *attrs)
		fprintf(f, "<g %s>\n", attrs);
	else
		fputs("<g>\n", f);
}

void fl_svg_group_end(FILE *f)
{
	fputs("</g>\n", f);
}

void fl_svg_rect(FILE *f, int x, int y, int w, int h, const char *fill,
		 const char *stroke)
{
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"",
		x, y, w, h, fill);
	if (stroke)
		fprintf(f, " stroke=\"%s\"", stroke);
	fputs("/>\n", f);
}

void fl_svg_line(FILE *f, int x1, int y1, int x2, int y2, const char *stroke)
{
	fprintf(f,
		"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>\n",
		x1, y1, x2, y2, stroke);
}

void fl_svg_text(FILE *f, int x, int y, const char *anchor, int size,
		 int rotate, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	fprintf(f, "<text x=\"%d\" y=\"%d\" " FONT " font-size=\"%d\" text-anchor=\"%s\"",
		x, y, size, anchor);
	if (rotate)
		fprintf(f, " transform=\"rotate(%d %d %d)\"", rotate, x, y);
	fputc('>', f);
	fl_svg_escape(f, s);
	fputs("</text>\n", f);
	free(s);
}

/* Light yellow, orange, red, dark red: ColorBrewer's YlOrRd, roughly. */
static const unsigned char stops[][3] = {
	{ 255, 237, 160 },
	{ 254, 178, 76 },
	{ 240, 59, 32 },
	{ 128, 0, 38 },
};

void fl_svg_heat_color(double t, char buf[FL_SVG_COLOR_LEN])
{
	unsigned int i, n = ARRAY_SIZE(stops) - 1;
	unsigned char rgb[3];
	double pos, frac;
	int k;

	if (!(t >= 0))		/* NaN too */
		t = 0;
	if (t > 1)
		t = 1;
	pos = t * n;
	i = (unsigned int)pos;
	if (i >= n)
		i = n - 1;
	frac = pos - i;
	for (k = 0; k < 3; k++)
		rgb[k] = (unsigned char)(stops[i][k] +
					 (stops[i + 1][k] - stops[i][k]) * frac +
					 0.5);
	snprintf(buf, FL_SVG_COLOR_LEN, "#%02x%02x%02x", rgb[0], rgb[1],
		 rgb[2]);
}
