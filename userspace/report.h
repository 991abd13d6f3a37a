/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: aggregating a recording (faultlat record, or trace
 * --stack -j) for faultlat report: fault time and counts by call site
 * (the innermost user frame), by mapping of the faulting address, and by
 * whole stack (folded, as flamegraph.pl takes them).
 */
#ifndef FAULTLAT_REPORT_H
#define FAULTLAT_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>
#include <linux/types.h>

#include "fcauses.h"

/*
 * The time of a fault, of an entry, by cause: the slots of fcauses.h (the
 * causes, the rest), then FL_RPT_UNKNOWN, the time of faults recorded
 * without causes (module parameter causes off, or an older faultlat).
 * The slots of a fault, or of an entry, add up to its time.
 */
#define FL_RPT_UNKNOWN	FL_CZ_SLOTS
#define FL_RPT_SLOTS	(FL_CZ_SLOTS + 1)

/* "reclaim" ... "zeroing", "rest", "unknown" */
const char *fl_rpt_slot_name(unsigned int i);

struct fl_agg_entry {
	char *key;		/* what it is aggregated by */
	/* call sites: the frame's parts; mappings: name in sym */
	char *sym, *dso, *src;
	int line;
	bool file;		/* mappings: a file */
	__u64 count;
	__u64 ns;		/* sum of latency_ns */
	__u64 cz[FL_RPT_SLOTS];	/* ns by cause, adding up to ns */
	__u64 cz_faults[FL_RPT_SLOTS];	/* faults with time in each */
};

struct fl_agg {
	struct fl_agg_entry *e;
	size_t n, cap;
	size_t *slots;		/* hash: index + 1, 0 empty */
	size_t nslots;
};

struct fl_report {
	__u32 pid;		/* only this process (tgid), 0: all */
	__u64 faults, ns;	/* the faults counted */
	__u64 no_ustack;	/* without a user stack (kernel threads) */
	__u64 one_frame;	/* user stacks of one frame */
	__u64 lines, bad;	/* lines read, lines not understood */
	__u64 no_stacks;	/* fault events recorded without --stack */
	__u64 lost;		/* events lost, from LOST records */
	long long lost_ring;	/* the summary's count, -1: none */
	long long unmapped;	/* the summary's processes_unmapped, -1: none */
	__u32 *tgids;		/* the processes of the faults counted */
	size_t ntgids, cap_tgids;
	__u64 bad_causes;	/* "causes" not understood: unknown */
	unsigned int causes_told;	/* the most causes a fault's "causes"
					 * had (fl_parse_fault_causes()): the
					 * keys of the JSON's, 0 for none
					 */
	bool causes;		/* folded and SVG: a leaf frame by cause */
	struct fl_agg_entry all;	/* every fault: count, ns, cz */
	struct fl_agg sites, maps, folded;
};

/* Faults of @e timed by cause (the others are FL_RPT_UNKNOWN's). */
__u64 fl_rpt_timed(const struct fl_agg_entry *e);

void fl_report_init(struct fl_report *r);
void fl_report_free(struct fl_report *r);

/* Take one line of a recording into @r; -1 if it is not JSON. */
int fl_report_add_line(struct fl_report *r, const char *line);

/* Take a whole recording; -1 on a read error. */
int fl_report_read(struct fl_report *r, FILE *in);

/* @a's entries, most time first (then most faults, then by key). */
void fl_agg_sort(struct fl_agg *a);

/*
 * Write @r's folded stacks, "frame;frame;... NS" a line, root first:
 * comm, user frames outermost first, kernel frames with "_[k]" appended
 * (flamegraph.pl's colouring), as sorted by fl_agg_sort().  With
 * @r->causes, each stack's time is split by cause, a line each, with a
 * last frame "[reclaim]" ... "[zeroing]", "[rest]" or "[unknown cause]".
 */
void fl_report_folded(FILE *f, struct fl_report *r);

/* The leaf frame of slot @i: "[io]", "[rest]", "[unknown cause]" */
const char *fl_rpt_leaf(unsigned int i);

/* The report as JSON (schema: Documentation/userspace/json.rst). */
struct json_object *fl_report_json(struct fl_report *r, const char *path);

/*
 * fl_flame_svg() - an SVG flame graph of @r's folded stacks, @width
 * pixels wide: one box per frame, as wide as the fault time under it
 * (with @r->causes, the cause frames of fl_report_folded() on top).
 */
void fl_flame_svg(FILE *f, struct fl_report *r, const char *title, int width);

#endif /* FAULTLAT_REPORT_H */
