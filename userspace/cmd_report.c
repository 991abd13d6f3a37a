// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat report: where a recording's fault time went (faultlat record,
 * or trace --stack -j), as perf report shows where samples went: by call
 * site, by mapping of the faulting address, and as flame graphs (folded
 * stacks for flamegraph.pl, or an SVG of its own).  Faults are weighted by
 * their latency, not counted alone: the time is what a fault cost.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "hist.h"
#include "json.h"
#include "report.h"

#define DEFAULT_IN	"faultlat.jsonl"
#define SVG_WIDTH	1200

void cmd_report_help(FILE *f)
{
	fprintf(f,
		"Usage: faultlat report [-i FILE] [-p PID] [-n ROWS] [--causes]\n"
		"                       [--folded FILE] [--svg FILE] [--title TEXT] [-j]\n"
		"\n"
		"Where the fault time of a recording went (faultlat record's, or\n"
		"'faultlat trace --stack -j' saved to a file; default " DEFAULT_IN "):\n"
		"\n"
		"  - by call site: the innermost frame of the user stack (the function\n"
		"    that faulted, or the system call that faulted in the kernel), with\n"
		"    its module and, where debuginfo has it, its source file and line;\n"
		"  - by mapping of the faulting address: the file (its faults at any\n"
		"    offset), [heap], [stack], [anon], [vdso]...;\n"
		"\n"
		"each row with the time spent in its faults (the sum of their\n"
		"latencies), its share of the total, and the count.  --folded and --svg\n"
		"write whole stacks: the process's comm, the user frames from the\n"
		"outermost, then the kernel's (\"_[k]\"), weighted by fault time in ns.\n"
		"\n"
		"Where the time went: recorded with module parameter causes=1, each\n"
		"fault has its time by cause (reclaim, compaction, mmap_lock, io, uffd,\n"
		"with a module 0.8 or later page_lock, fallback and zeroing, and the\n"
		"rest, its latency less them), and the report begins with the\n"
		"recording's time by cause.  --causes splits each call site's and\n"
		"mapping's time by cause, a line under its row, and gives the flame\n"
		"graphs a last frame, the cause: [reclaim], [compaction], [mmap_lock],\n"
		"[io], [uffd], [page_lock], [fallback], [zeroing], [rest], or [unknown\n"
		"cause] for faults recorded without (causes=0, or an older faultlat):\n"
		"which code waited on what.\n"
		"\n"
		"A program built without frame pointers has user stacks of one frame:\n"
		"the call site is right, the callers are missing (report says how many).\n"
		"Events lost while recording are said, with their count.\n"
		"\n"
		"Options:\n"
		"  -i, --input FILE       the recording (- for stdin)\n"
		"  -p, --pid PID          only the faults of process PID\n"
		"  -n, --rows ROWS        at most ROWS rows in each table (default: all)\n"
		"      --causes           each row's time by cause, and the cause as the\n"
		"                         flame graphs' last frame\n"
		"      --folded FILE      folded stacks, flamegraph.pl's input (- for stdout)\n"
		"      --svg FILE         an SVG flame graph of fault time\n"
		"      --title TEXT       the flame graph's title\n"
		"  -j, --json             the tables as JSON\n"
		"      --pretty           pretty JSON (implies --json)\n"
		"  -h, --help             print this help\n"
		"\n"
		"EXAMPLES\n"
		"  sudo faultlat record -- ./a.out && faultlat report\n"
		"  faultlat report -i db.jsonl -n 10\n"
		"  faultlat report --folded - | flamegraph.pl --countname ns > faults.svg\n"
		"  faultlat report --svg faults.svg --title 'mysqld: fault time'\n"
		"  echo 1 | sudo tee /sys/module/faultlat/parameters/causes\n"
		"  sudo faultlat record --min-latency 1ms -- ./a.out\n"
		"  faultlat report --causes                  which code waited on what\n"
		"  faultlat report --causes --svg causes.svg the cause on top of each stack\n"
		"  faultlat report --causes --folded - | grep ';\\[io\\] '\n");
}

/* The column under SYMBOL and MAPPING */
#define SUB_INDENT	30

/*
 * With --causes, under a row: its time by cause, the most first, with
 * its share of the row's ("uffd 39.10ms (97.5%), rest 1.00ms (2.5%)").
 */
static void print_sub_causes(const struct fl_report *r,
			     const struct fl_agg_entry *e)
{
	unsigned int order[FL_RPT_SLOTS], i, j, k;
	char t[32];

	if (!r->causes || !e->ns)
		return;
	for (i = 0; i < FL_RPT_SLOTS; i++)
		order[i] = i;
	for (i = 1; i < FL_RPT_SLOTS; i++)	/* most time first, stable */
		for (j = i; j > 0 && e->cz[order[j]] > e->cz[order[j - 1]]; j--) {
			k = order[j];
			order[j] = order[j - 1];
			order[j - 1] = k;
		}
	printf("%*s", SUB_INDENT, "");
	for (i = 0; i < FL_RPT_SLOTS && e->cz[order[i]]; i++) {
		fl_fmt_ns(t, sizeof(t), e->cz[order[i]]);
		printf("%s%s %s (%.1f%%)", i ? ", " : "",
		       fl_rpt_slot_name(order[i]), t,
		       100.0 * e->cz[order[i]] / e->ns);
	}
	putchar('\n');
}

/* "NAME" with "  (dso)  src:line" */
static void print_sites(struct fl_report *r, size_t rows)
{
	char t[32];
	size_t i;

	fl_agg_sort(&r->sites);
	printf("\nBy call site (innermost user frame), by fault time:\n");
	printf("%7s %10s %9s  %-32s %-24s %s\n", "TIME%", "TIME", "FAULTS",
	       "SYMBOL", "DSO", "SOURCE");
	for (i = 0; i < r->sites.n && i < rows; i++) {
		const struct fl_agg_entry *e = &r->sites.e[i];
		const char *dso = e->dso ? strrchr(e->dso, '/') : NULL;

		fl_fmt_ns(t, sizeof(t), e->ns);
		printf("%6.2f%% %10s %9llu  %-32s %-24s ",
		       r->ns ? 100.0 * e->ns / r->ns : 0.0, t,
		       (unsigned long long)e->count, e->sym,
		       dso ? dso + 1 : e->dso ? e->dso : "");
		if (e->src)
			printf("%s:%d", e->src, e->line);
		putchar('\n');
		print_sub_causes(r, e);
	}
	if (i < r->sites.n)
		printf("(%zu more)\n", r->sites.n - i);
}

static void print_maps(struct fl_report *r, size_t rows)
{
	char t[32];
	size_t i;

	fl_agg_sort(&r->maps);
	printf("\nBy mapping of the faulting address, by fault time:\n");
	printf("%7s %10s %9s  %s\n", "TIME%", "TIME", "FAULTS", "MAPPING");
	for (i = 0; i < r->maps.n && i < rows; i++) {
		const struct fl_agg_entry *e = &r->maps.e[i];

		fl_fmt_ns(t, sizeof(t), e->ns);
		printf("%6.2f%% %10s %9llu  %s\n",
		       r->ns ? 100.0 * e->ns / r->ns : 0.0, t,
		       (unsigned long long)e->count, e->sym);
		print_sub_causes(r, e);
	}
	if (i < r->maps.n)
		printf("(%zu more)\n", r->maps.n - i);
}

/*
 * The recording's time by cause, the most first: each cause that had
 * some, the rest, and the time of the faults recorded without causes;
 * nothing when no fault has its causes.
 */
static void print_causes(const struct fl_report *r)
{
	const struct fl_agg_entry *a = &r->all;
	unsigned int order[FL_RPT_SLOTS], i, j, k;
	char t[32];

	if (!fl_rpt_timed(a))
		return;
	for (i = 0; i < FL_RPT_SLOTS; i++)
		order[i] = i;
	for (i = 1; i < FL_RPT_SLOTS; i++)
		for (j = i; j > 0 && a->cz[order[j]] > a->cz[order[j - 1]]; j--) {
			k = order[j];
			order[j] = order[j - 1];
			order[j - 1] = k;
		}
	printf("\nBy cause, by fault time (%llu of %llu faults timed by cause):\n",
	       (unsigned long long)fl_rpt_timed(a),
	       (unsigned long long)a->count);
	printf("%7s %10s %9s  %s\n", "TIME%", "TIME", "FAULTS", "CAUSE");
	for (i = 0; i < FL_RPT_SLOTS; i++) {
		k = order[i];
		if (!a->cz_faults[k] && k != FL_CZ_REST)
			continue;
		fl_fmt_ns(t, sizeof(t), a->cz[k]);
		printf("%6.2f%% %10s %9llu  %s%s\n",
		       a->ns ? 100.0 * a->cz[k] / a->ns : 0.0, t,
		       (unsigned long long)a->cz_faults[k],
		       fl_rpt_slot_name(k), k == FL_RPT_UNKNOWN ?
		       " (recorded without causes)" : "");
	}
}

static void print_text(struct fl_report *r, const char *path, size_t rows)
{
	char t[32];

	fl_fmt_ns(t, sizeof(t), r->ns);
	printf("%s: %llu faults, %s in faults", path,
	       (unsigned long long)r->faults, t);
	if (r->ntgids > 1)
		printf(", %zu processes (-p PID: one of them)", r->ntgids);
	printf("\n");
	if (r->unmapped > 0)
		printf("%lld processes whose maps could not be read (gone first): %s\n",
		       r->unmapped, "their addresses are [unknown]");
	if (r->lost || r->lost_ring > 0)
		printf("lost: %llu events (%lld by the ring buffers' count): ",
		       (unsigned long long)r->lost, r->lost_ring);
	if (r->lost || r->lost_ring > 0)
		printf("the report misses them; record with a larger -b or a --min-latency\n");
	if (r->one_frame)
		printf("%llu user stacks of one frame: no frame pointers? %s\n",
		       (unsigned long long)r->one_frame,
		       "(build with -fno-omit-frame-pointer for their callers)");
	if (r->no_ustack)
		printf("%llu faults without a user stack (kernel threads)\n",
		       (unsigned long long)r->no_ustack);
	if (r->no_stacks)
		printf("%llu faults recorded without stacks (trace -j without --stack?)\n",
		       (unsigned long long)r->no_stacks);
	if (r->bad)
		printf("%llu lines that are not JSON were skipped\n",
		       (unsigned long long)r->bad);
	if (r->bad_causes)
		printf("%llu faults whose causes could not be read: their time is unknown's\n",
		       (unsigned long long)r->bad_causes);
	if (r->faults && !fl_rpt_timed(&r->all) && r->causes)
		printf("time by cause: unknown, %s\n",
		       "no fault was recorded with it (record with module parameter causes=1)");
	if (!r->faults) {
		printf("No faults in the recording.\n");
		return;
	}
	print_causes(r);
	print_sites(r, rows);
	print_maps(r, rows);
}

/* Write @r with @fn into @path ("-": stdout); 0 or -1 after saying why */
static int write_out(const char *path, struct fl_report *r,
		     const char *title, bool svg)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "we") : stdout;

	if (!f) {
		fprintf(stderr, "faultlat report: cannot write %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	if (svg)
		fl_flame_svg(f, r, title, SVG_WIDTH);
	else
		fl_report_folded(f, r);
	if (f == stdout ? fflush(f) : fclose(f)) {
		fprintf(stderr, "faultlat report: writing %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "pid", required_argument, NULL, 'p' },
		{ "rows", required_argument, NULL, 'n' },
		{ "folded", required_argument, NULL, 'F' },
		{ "svg", required_argument, NULL, 'S' },
		{ "title", required_argument, NULL, 'T' },
		{ "causes", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct fl_optspec spec = {
		.name = "report", .shortopts = "i:p:n:", .longopts = longopts,
		.help = cmd_report_help, .json = true,
	};
	const char *path = DEFAULT_IN, *folded = NULL, *svg = NULL;
	const char *title = NULL;
	size_t rows = (size_t)-1;
	struct fl_report r;
	char tbuf[512];
	int opt, rc;
	FILE *in;
	__u64 v;

	fl_report_init(&r);
	while ((opt = fl_getopt(argc, argv, &spec, &rc)) != -1) {
		switch (opt) {
		case 'i':
			path = optarg;
			break;
		case 'p':
			if (fl_parse_id(optarg, "PID", &r.pid))
				return fl_usage_error("report");
			break;
		case 'n':
			if (fl_parse_count("report", "rows", optarg, 1 << 30,
					   &v))
				return fl_usage_error("report");
			rows = v;
			break;
		case 'F':
			folded = optarg;
			break;
		case 'S':
			svg = optarg;
			break;
		case 'T':
			title = optarg;
			break;
		case 'C':
			r.causes = true;
			break;
		default:	/* FL_OPT_EXIT */
			return rc;
		}
	}
	if (folded && svg && !strcmp(folded, "-") && !strcmp(svg, "-")) {
		fprintf(stderr, "faultlat report: --folded and --svg cannot both go to stdout\n");
		return fl_usage_error("report");
	}
	in = strcmp(path, "-") ? fopen(path, "re") : stdin;
	if (!in) {
		fprintf(stderr, "faultlat report: cannot read %s: %s%s\n", path,
			strerror(errno), errno == ENOENT && !strcmp(path, DEFAULT_IN) ?
			" (make one with faultlat record)" : "");
		return FL_EXIT_ERR;
	}
	rc = fl_report_read(&r, in);
	if (in != stdin)
		fclose(in);
	if (rc) {
		fprintf(stderr, "faultlat report: reading %s failed\n", path);
		fl_report_free(&r);
		return FL_EXIT_ERR;
	}
	if (r.lines && r.bad == r.lines) {
		fprintf(stderr,
			"faultlat report: %s is not a recording (no line of it is JSON)\n",
			path);
		fl_report_free(&r);
		return FL_EXIT_ERR;
	}
	if (!title) {
		snprintf(tbuf, sizeof(tbuf), "Fault time%s: %s",
			 r.causes ? " by cause" : "", path);
		title = tbuf;
	}
	if (r.causes && (folded || svg) && r.faults &&
	    !fl_rpt_timed(&r.all))
		fprintf(stderr,
			"faultlat report: no fault of %s was recorded with its time by cause: every cause frame is [unknown cause] (record with module parameter causes=1)\n",
			path);
	rc = FL_EXIT_OK;
	if (folded && write_out(folded, &r, title, false))
		rc = FL_EXIT_ERR;
	if (svg && write_out(svg, &r, title, true))
		rc = FL_EXIT_ERR;
	/* the tables, unless the graphs went to stdout */
	if ((folded && !strcmp(folded, "-")) || (svg && !strcmp(svg, "-"))) {
		fl_report_free(&r);
		return rc;
	}
	if (fl_opts.json) {
		if (fl_json_print(stdout, fl_report_json(&r, path)))
			rc = FL_EXIT_ERR;
	} else {
		print_text(&r, path, rows);
		if (fflush(stdout))
			rc = FL_EXIT_ERR;
	}
	fl_report_free(&r);
	return rc;
}
