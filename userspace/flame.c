// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat client: an SVG flame graph of fault time (see report.h), drawn
 * as flamegraph.pl draws its input: the root ("all") at the bottom, each
 * frame above its caller, as wide as the fault time spent under it; the
 * order of siblings is alphabetical, their colour a hash of their name
 * (warm for user code, orange-brown for the kernel's "_[k]" frames); the
 * cause frames of report --causes ("[io]", "[rest]"...) have colours of
 * their own, cold ones, that no code frame has.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "report.h"
#include "svg.h"

#define FRAME_H		16
#define FONT_SIZE	11
#define CHAR_W		6.5	/* sans-serif at FONT_SIZE, about */
#define MARGIN		10
#define TOP		36	/* title */
#define BOTTOM		24	/* a line of help */

struct node {
	char *name;
	__u64 ns, count;
	struct node **kids;
	size_t nkids, cap;
};

static struct node *node_new(const char *name, size_t len)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n)
		abort();
	n->name = strndup(name, len);
	if (!n->name)
		abort();
	return n;
}

static struct node *child(struct node *p, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < p->nkids; i++)
		if (strlen(p->kids[i]->name) == len &&
		    !strncmp(p->kids[i]->name, name, len))
			return p->kids[i];
	if (p->nkids == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 4;
		p->kids = realloc(p->kids, p->cap * sizeof(*p->kids));
		if (!p->kids)
			abort();
	}
	p->kids[p->nkids] = node_new(name, len);
	return p->kids[p->nkids++];
}

static void node_free(struct node *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n);
}

static int cmp_node(const void *a, const void *b)
{
	return strcmp((*(struct node * const *)a)->name,
		      (*(struct node * const *)b)->name);
}

static int depth_of(struct node *n)
{
	int d = 0, k;
	size_t i;

	qsort(n->kids, n->nkids, sizeof(*n->kids), cmp_node);
	for (i = 0; i < n->nkids; i++) {
		k = depth_of(n->kids[i]);
		if (k > d)
			d = k;
	}
	return d + 1;
}

/* A cause frame's colour, [FL_RPT_SLOTS] as fl_rpt_leaf() names them */
static const char *const cause_colors[FL_RPT_SLOTS] = {
	[FAULTLAT_CAUSE_RECLAIM] = "#6a5acd",
	[FAULTLAT_CAUSE_COMPACTION] = "#9370db",
	[FAULTLAT_CAUSE_MMAP_LOCK] = "#3cb371",
	[FAULTLAT_CAUSE_IO] = "#4682b4",
	[FAULTLAT_CAUSE_UFFD] = "#20b2aa",
	[FAULTLAT_CAUSE_PAGE_LOCK] = "#8fbc8f",
	[FAULTLAT_CAUSE_FALLBACK] = "#5f9ea0",
	[FAULTLAT_CAUSE_ZEROING] = "#6495ed",
	[FL_CZ_REST] = "#b0b0b0",
	[FL_RPT_UNKNOWN] = "#dcdcdc",
};

static void color_of(const char *name, char buf[FL_SVG_COLOR_LEN])
{
	size_t len = strlen(name);
	unsigned int h = 2166136261u, r, g, b, i;
	const char *s;

	for (i = 0; name[0] == '[' && i < FL_RPT_SLOTS; i++) {
		if (!strcmp(name, fl_rpt_leaf(i))) {
			snprintf(buf, FL_SVG_COLOR_LEN, "%s", cause_colors[i]);
			return;
		}
	}

	for (s = name; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	if (len > 4 && !strcmp(name + len - 4, "_[k]")) {
		r = 200 + h % 40;
		g = 120 + (h >> 8) % 50;
		b = 40 + (h >> 16) % 30;
	} else {
		r = 205 + h % 50;
		g = (h >> 8) % 230;
		b = (h >> 16) % 55;
	}
	snprintf(buf, FL_SVG_COLOR_LEN, "#%02x%02x%02x", r, g, b);
}

struct canvas {
	FILE *f;
	double px_per_ns;
	int height;
	__u64 total;
};

static void draw(struct canvas *c, struct node *n, double x, int depth)
{
	double w = n->ns * c->px_per_ns, cx = x;
	int y = c->height - BOTTOM - (depth + 1) * FRAME_H;
	char col[FL_SVG_COLOR_LEN], t[32];
	size_t i, fit;

	if (w < 0.5)
		return;
	fl_fmt_ns(t, sizeof(t), n->ns);
	fl_svg_group(c->f, "class=\"frame\"");
	fputs("<title>", c->f);
	fl_svg_escape(c->f, n->name);
	fprintf(c->f, " (%s, %llu faults, %.2f%%)</title>\n", t,
		(unsigned long long)n->count,
		c->total ? 100.0 * n->ns / c->total : 0.0);
	color_of(n->name, col);
	fprintf(c->f,
		"<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" rx=\"2\" ry=\"2\"/>\n",
		x, y, w, FRAME_H - 1, col);
	fit = (size_t)((w - 6) / CHAR_W);
	if (fit >= 3) {
		char *label = strdup(n->name);

		if (!label)
			abort();
		if (strlen(label) > fit) {
			label[fit - 2] = '.';
			label[fit - 1] = '.';
			label[fit] = '\0';
		}
		fl_svg_text(c->f, (int)(x + 3), y + FRAME_H - 4, "start",
			    FONT_SIZE, 0, "%s", label);
		free(label);
	}
	fl_svg_group_end(c->f);
	for (i = 0; i < n->nkids; i++) {
		draw(c, n->kids[i], cx, depth + 1);
		cx += n->kids[i]->ns * c->px_per_ns;
	}
}

void fl_flame_svg(FILE *f, struct fl_report *r, const char *title, int width)
{
	struct node *root = node_new("all", 3), *n, *n2;
	struct canvas c = { .f = f };
	const char *s, *semi, *leaf;
	unsigned int cz;
	char t[32];
	size_t i;
	int depth;

	for (i = 0; i < r->folded.n; i++) {
		const struct fl_agg_entry *e = &r->folded.e[i];

		n = root;
		n->ns += e->ns;
		n->count += e->count;
		for (s = e->key; *s; s = semi + (*semi == ';')) {
			semi = strchrnul(s, ';');
			n = child(n, s, semi - s);
			n->ns += e->ns;
			n->count += e->count;
		}
		/* the stack's time by cause, on top: as wide as its own */
		for (cz = 0; r->causes && cz < FL_RPT_SLOTS; cz++) {
			if (!e->cz[cz])
				continue;
			leaf = fl_rpt_leaf(cz);
			n2 = child(n, leaf, strlen(leaf));
			n2->ns += e->cz[cz];
			n2->count += e->cz_faults[cz];
		}
	}
	depth = depth_of(root);
	c.height = TOP + depth * FRAME_H + BOTTOM;
	c.total = root->ns;
	c.px_per_ns = root->ns ? (double)(width - 2 * MARGIN) / root->ns : 0;
	fl_svg_begin(f, width, c.height, title);
	fl_svg_text(f, width / 2, 22, "middle", 15, 0, "%s", title);
	fl_fmt_ns(t, sizeof(t), root->ns);
	fl_svg_text(f, MARGIN, c.height - 8, "start", FONT_SIZE, 0,
		    "%llu faults, %s in faults; width: fault time; hover a frame for its time",
		    (unsigned long long)root->count, t);
	if (!root->ns)
		fl_svg_text(f, width / 2, TOP + FRAME_H, "middle", 13, 0,
			    "No faults in the recording");
	else
		draw(&c, root, MARGIN, 0);
	fl_svg_end(f);
	node_free(root);
}
