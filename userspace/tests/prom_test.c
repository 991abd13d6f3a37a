// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of faultlat export's exposition formatter (prom.c): seconds,
 * label escaping, the per-process top and fold, the per-cgroup top (sums
 * along the tree, ranking, removed cgroups, labels), and the exposition's
 * families, histograms and series counts.  Plain TAP on stdout.
 *
 * Bucket bounds as in hist_test.c: bucket 5 = [128, 160), 9 = [256, 320),
 * 113 = [2^34, inf).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../prom.h"
#include "../util.h"
#include "tap.h"

static void test_seconds(void)
{
	char buf[32];

	fl_prom_seconds(buf, sizeof(buf), 0);
	is_str(buf, "0", "0 ns is 0 s");
	fl_prom_seconds(buf, sizeof(buf), 64);
	is_str(buf, "0.000000064", "64 ns");
	fl_prom_seconds(buf, sizeof(buf), 160);
	is_str(buf, "0.00000016", "160 ns: no trailing zero");
	fl_prom_seconds(buf, sizeof(buf), 1500000000ULL);
	is_str(buf, "1.5", "1.5 s");
	fl_prom_seconds(buf, sizeof(buf), 17179869184ULL);
	is_str(buf, "17.179869184", "2^34 ns");
	fl_prom_seconds(buf, sizeof(buf), 3000000000ULL);
	is_str(buf, "3", "whole seconds");
	fl_prom_seconds(buf, sizeof(buf), ~0ULL);
	is_str(buf, "+Inf", "~0 is +Inf");
}

static void test_label(void)
{
	char buf[64], small[6];

	fl_prom_label(buf, sizeof(buf), "a\"b\\c\nd");
	is_str(buf, "a\\\"b\\\\c\\nd", "quote, backslash, newline escaped");
	fl_prom_label(buf, sizeof(buf), "x\x01y\xc3\xa9z\x7f");
	is_str(buf, "x?y??z?", "control and non-ASCII bytes become '?'");
	fl_prom_label(small, sizeof(small), "\"\"\"\"\"\"");
	ok(strlen(small) < sizeof(small) && !strcmp(small, "\\\"\\\""),
	   "a small buffer: cut at a whole escape, NUL-terminated");
}

static struct faultlat_task_entry entry(__u32 pid, const char *comm,
					__u64 minor, __u64 major, __u64 ns)
{
	struct faultlat_task_entry e;

	memset(&e, 0, sizeof(e));
	e.pid = pid;
	e.tgid = pid;
	memcpy(e.comm, comm, strlen(comm));
	e.minor = minor;
	e.major = major;
	e.errors = 1;
	e.total_ns = ns;
	return e;
}

static void test_top(void)
{
	struct faultlat_task_entry e[5];
	struct fl_prom_proc *r = NULL;
	unsigned int n = 0;

	e[0] = entry(10, "a", 5, 0, 100);
	e[1] = entry(20, "b", 1, 1, 900);
	e[2] = entry(30, "c", 7, 0, 500);
	e[3] = entry(40, "d", 9, 0, 500);	/* more faults than c */
	e[4] = entry(5, "e", 9, 0, 500);	/* same as d, lower pid */

	ok(!fl_prom_top(e, 5, 2, &r, &n) && n == 3, "top 2 of 5: 3 rows");
	ok(r[0].pid == 20 && !strcmp(r[0].comm, "b") && r[0].fault_ns == 900,
	   "first: most time in faults");
	ok(r[1].pid == 5 && !strcmp(r[1].comm, "e"),
	   "tie on time: more faults, then the lower pid");
	ok(r[2].pid == 0 && !strcmp(r[2].comm, "other") &&
	   r[2].minor == 9 + 7 + 5 && r[2].major == 0 && r[2].errors == 3 &&
	   r[2].fault_ns == 500 + 500 + 100, "other: the sum of the rest");
	free(r);

	ok(!fl_prom_top(e, 5, 10, &r, &n) && n == 6 && r[5].pid == 0 &&
	   !r[5].minor && !r[5].fault_ns && !strcmp(r[5].comm, "other"),
	   "top 10 of 5: all, and an empty other");
	free(r);

	ok(!fl_prom_top(NULL, 0, 3, &r, &n) && n == 1 && r[0].pid == 0,
	   "no process: other alone");
	free(r);
}

static struct faultlat_cgroup_entry cg_entry(__u64 id, __u64 parent,
					     __u32 level, __u64 minor,
					     __u64 major, __u64 errors, __u64 ns)
{
	struct faultlat_cgroup_entry e;

	memset(&e, 0, sizeof(e));
	e.id = id;
	e.parent_id = parent;
	e.level = level;
	e.minor = minor;
	e.major = major;
	e.errors = errors;
	e.total_ns = ns;
	/* every fault timed by cause, 40 ns of I/O a minor fault; zero-fill */
	e.causes.faults = minor + major;
	e.causes.latency_ns = ns;
	e.causes.ns[FAULTLAT_CAUSE_IO] = 40 * minor;
	e.causes.with[FAULTLAT_CAUSE_IO] = minor;
	/* and (0.8) 10 ns of page lock, 300 ns of zeroing a major fault */
	e.causes_more.ns[FAULTLAT_CAUSE_PAGE_LOCK - FAULTLAT_NR_CAUSES] =
		10 * minor;
	e.causes_more.with[FAULTLAT_CAUSE_PAGE_LOCK - FAULTLAT_NR_CAUSES] =
		minor;
	e.causes_more.ns[FAULTLAT_CAUSE_ZEROING - FAULTLAT_NR_CAUSES] =
		300 * major;
	e.causes_more.with[FAULTLAT_CAUSE_ZEROING - FAULTLAT_NR_CAUSES] =
		major;
	e.paths[FAULTLAT_PATH_ZERO] = minor;
	return e;
}

/*
 * The cgroup2 tree by id: /a has no record of its own, 99 (a child of /a)
 * was removed; "/e\xc3\xa9" and "/e??" make the same label.
 */
static struct fl_cgroup_node cg_nodes[] = {
	{ .id = 1, .path = "/" },
	{ .id = 2, .parent_id = 1, .depth = 1, .path = "/a" },
	{ .id = 3, .parent_id = 2, .depth = 2, .path = "/a/b" },
	{ .id = 4, .parent_id = 1, .depth = 1, .path = "/c" },
	{ .id = 5, .parent_id = 1, .depth = 1, .path = "/d\"q\\" },
	{ .id = 6, .parent_id = 1, .depth = 1, .path = "/e\xc3\xa9" },
	{ .id = 7, .parent_id = 1, .depth = 1, .path = "/e??" },
};

static const struct fl_cgroup_tree cg_tree = {
	.nodes = cg_nodes, .nr = ARRAY_SIZE(cg_nodes),
};

static void cg_records(struct faultlat_cgroup_entry e[8])
{
	e[0] = cg_entry(1, 0, 0, 10, 0, 0, 1000);
	e[1] = cg_entry(3, 2, 2, 100, 1, 2, 50000);
	e[2] = cg_entry(99, 2, 2, 5, 0, 0, 7000);
	e[3] = cg_entry(4, 1, 1, 20, 0, 0, 9000);
	e[4] = cg_entry(5, 1, 1, 30, 0, 0, 9000);	/* more faults than /c */
	e[5] = cg_entry(6, 1, 1, 20, 0, 0, 9000);	/* as /c, higher id */
	e[6] = cg_entry(7, 1, 1, 1, 0, 0, 8000);	/* the label of 6's */
	e[7] = cg_entry(8, 1, 1, 1, 0, 0, 100);	/* no directory */
}

static void test_top_cgroups(void)
{
	struct faultlat_cgroup_entry e[8];
	struct fl_prom_cgroup *r = NULL;
	unsigned int n = 0, i;
	bool found = false;

	cg_records(e);
	ok(!fl_prom_top_cgroups(e, 8, &cg_tree, 10, &r, &n) && n == 6,
	   "top 10 of 8 records: 6 rows (a duplicate label, no directory)");
	ok(n > 0 && r[0].id == 1 && !strcmp(r[0].path, "/") &&
	   r[0].minor == 10 + 100 + 5 + 20 + 30 + 20 + 1 + 1 &&
	   r[0].major == 1 && r[0].errors == 2 &&
	   r[0].fault_ns == 1000 + 50000 + 7000 + 3 * 9000 + 8000 + 100,
	   "first: the root, every record added up");
	ok(n > 1 && r[1].id == 2 && !strcmp(r[1].path, "/a") &&
	   r[1].minor == 105 && r[1].major == 1 && r[1].errors == 2 &&
	   r[1].fault_ns == 57000,
	   "a cgroup without a record: its child's and its removed child's");
	ok(n > 2 && r[2].id == 3 && r[2].minor == 100 && r[2].fault_ns == 50000,
	   "then its child, its own record");
	ok(n > 5 && r[3].id == 5 && r[4].id == 4 && r[5].id == 6,
	   "tie on time: more faults, then the lower id");
	for (i = 0; i < n; i++)
		found |= r[i].id == 99 || r[i].id == 8 || r[i].id == 7;
	ok(!found,
	   "no row without a directory, nor for the lower of two same labels");
	free(r);

	ok(!fl_prom_top_cgroups(e, 8, &cg_tree, 2, &r, &n) && n == 2 &&
	   r[0].id == 1 && r[1].id == 2, "top 2: the first two, no other row");
	free(r);

	ok(!fl_prom_top_cgroups(e, 8, NULL, 5, &r, &n) && n == 0,
	   "no tree: no path, no row");
	free(r);

	ok(!fl_prom_top_cgroups(NULL, 0, &cg_tree, 5, &r, &n) && n == 0,
	   "no record: no row");
	free(r);
}

/* The first line of @text starting with @prefix; NULL if none. */
static const char *line_of(const char *text, const char *prefix)
{
	const char *p = strstr(text, prefix);

	while (p && p != text && p[-1] != '\n')
		p = strstr(p + 1, prefix);
	return p;
}

/* Minor: 50 in [128,160), 40 in [256,320), 1 in [2^34, inf). */
static void fill(struct fl_prom_snap *s)
{
	struct faultlat_hist *h = &s->g.stats.minor;

	memset(s, 0, sizeof(*s));
	s->info.version_major = 1;
	s->info.abi_version = 1;
	s->info.reset_count = 2;
	s->info.used_tasks = 7;
	s->info.max_tasks = 4096;
	h->buckets[5] = 50;
	h->buckets[9] = 40;
	h->buckets[FAULTLAT_NR_BUCKETS - 1] = 1;
	h->count = 91;
	h->sum_ns = 17179869184ULL + 18000;
	s->g.stats.by_mode[FAULTLAT_MINOR][FAULTLAT_MODE_USER] = 80;
	s->g.stats.by_mode[FAULTLAT_MINOR][FAULTLAT_MODE_KERNEL] = 11;
	s->g.stats.errors = 3;
	s->g.stats.retries = 9;
	s->g.fallbacks = 7;
	s->g.nmissed = 4;
	s->g.dropped = 5;
	s->g.causes.faults = 6;
	s->g.causes.latency_ns = 13000;
	s->g.causes.ns[FAULTLAT_CAUSE_RECLAIM] = 2000;
	s->g.causes.ns[FAULTLAT_CAUSE_IO] = 3000;
	s->g.causes_more.ns[FAULTLAT_CAUSE_PAGE_LOCK - FAULTLAT_NR_CAUSES] =
		1000;
	s->g.causes_more.ns[FAULTLAT_CAUSE_FALLBACK - FAULTLAT_NR_CAUSES] =
		500;
	s->g.causes_more.ns[FAULTLAT_CAUSE_ZEROING - FAULTLAT_NR_CAUSES] =
		2000;
	s->g.paths[FAULTLAT_PATH_COW] = 12;
}

/*
 * @s as a module 0.7 answers: version 0.7, and causes_more as the caller
 * passed it (zeroes), its page-lock wait being in io there, the zeroing
 * and the fallback in the rest.
 */
static void as_07(struct fl_prom_snap *s)
{
	s->info.version_major = 0;
	s->info.version_minor = 7;
	memset(&s->g.causes_more, 0, sizeof(s->g.causes_more));
	s->g.causes.ns[FAULTLAT_CAUSE_IO] += 1000;
}

static char *expose(const struct fl_prom_snap *s, bool octaves)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int err = fl_prom_write(f, s, octaves);

	fclose(f);
	ok(!err, "fl_prom_write succeeds");
	return buf;
}

static void test_write(void)
{
	struct fl_prom_snap *s = calloc(1, sizeof(*s));
	struct fl_prom_proc procs[2] = {
		{ .pid = 42, .comm = "we\"ird", .minor = 3, .fault_ns = 1500 },
		{ .pid = 0, .comm = "other", .major = 1 },
	};
	const char *m = "faultlat_fault_latency_seconds_bucket{type=\"minor\",";
	char *out;

	fill(s);
	out = expose(s, false);
	has(out, "# HELP faultlat_faults_total ", "HELP of faults_total");
	has(out, "# TYPE faultlat_faults_total counter\n", "TYPE of faults_total");
	has(out, "\nfaultlat_faults_total{type=\"minor\",mode=\"user\"} 80\n",
	    "minor user faults");
	has(out, "\nfaultlat_faults_total{type=\"minor\",mode=\"kernel\"} 11\n",
	    "minor kernel faults");
	has(out, "\nfaultlat_faults_total{type=\"error\",mode=\"unknown\"} 3\n",
	    "errors, mode unknown");
	has(out, "# TYPE faultlat_fault_latency_seconds histogram\n",
	    "TYPE histogram");
	has(out, "\nfaultlat_fault_latency_seconds_bucket{type=\"minor\",le=\"0.000000128\"} 0\n",
	    "below the first sample: 0");
	has(out, "\nfaultlat_fault_latency_seconds_bucket{type=\"minor\",le=\"0.00000016\"} 50\n",
	    "le of bucket 5's upper bound: 50");
	has(out, "\nfaultlat_fault_latency_seconds_bucket{type=\"minor\",le=\"0.00000032\"} 90\n",
	    "cumulative: 90 at 320 ns");
	has(out, "\nfaultlat_fault_latency_seconds_bucket{type=\"minor\",le=\"17.179869184\"} 90\n",
	    "the last finite bound: 2^34 ns, without the overflow");
	has(out, "\nfaultlat_fault_latency_seconds_bucket{type=\"minor\",le=\"+Inf\"} 91\n",
	    "+Inf: every sample");
	has(out, "\nfaultlat_fault_latency_seconds_sum{type=\"minor\"} 17.179887184\n",
	    "_sum in seconds, exact");
	has(out, "\nfaultlat_fault_latency_seconds_count{type=\"minor\"} 91\n",
	    "_count");
	ok(count_lines(out, m) == FAULTLAT_NR_BUCKETS,
	   "fine: one le per bucket (113 finite and +Inf)");
	has(out, "\nfaultlat_nmissed_total{probe=\"fault\"} 4\n", "nmissed");
	has(out, "\nfaultlat_dropped_total 5\n", "dropped");
	has(out, "\nfaultlat_resets_total 2\n", "resets");
	has(out, "\nfaultlat_fault_retries_total 9\n", "retries");
	has(out, "\nfaultlat_fault_vma_lock_fallbacks_total 7\n",
	    "fallbacks, beside the statistics");
	has(out, "\nfaultlat_faults_timed_by_cause_total 6\n",
	    "faults timed by cause");
	has(out, "\nfaultlat_fault_cause_seconds_total{cause=\"reclaim\"} 0.000002\n",
	    "a cause's time, in seconds");
	has(out, "\nfaultlat_fault_cause_seconds_total{cause=\"page_lock\"} 0.000001\n",
	    "0.8: page_lock's time");
	has(out, "\nfaultlat_fault_cause_seconds_total{cause=\"fallback\"} 0.0000005\n",
	    "0.8: fallback's time");
	has(out, "\nfaultlat_fault_cause_seconds_total{cause=\"zeroing\"} 0.000002\n",
	    "0.8: zeroing's time");
	has(out, "\nfaultlat_fault_cause_seconds_total{cause=\"rest\"} 0.0000045\n",
	    "the rest: the latency less the eight causes");
	ok(count_lines(out, "faultlat_fault_cause_seconds_total{") == 9,
	   "0.8: eight causes and the rest");
	has(out, "\nfaultlat_faults_by_path_total{path=\"cow\"} 12\n",
	    "faults by path");
	ok(!strstr(out, "faultlat_tlb_") && !strstr(out, "probe=\"tlb\""),
	   "no TLB families without TLB statistics");
	ok(!strstr(out, "faultlat_process_"), "no per-process series without --top");
	ok(count_lines(out, "faultlat_") == 267, "267 series without the TLB");
	ok(count_lines(out, "# TYPE ") == count_lines(out, "# HELP "),
	   "a HELP for every TYPE");
	free(out);

	/* a module before 0.8: no page_lock, fallback nor zeroing, unknown there */
	as_07(s);
	out = expose(s, false);
	ok(!strstr(out, "cause=\"page_lock\"") && !strstr(out, "cause=\"fallback\"") &&
	   !strstr(out, "cause=\"zeroing\""),
	   "0.7: no page_lock, fallback nor zeroing series");
	has(out, "\nfaultlat_fault_cause_seconds_total{cause=\"io\"} 0.000004\n",
	    "0.7: its io, the page-lock wait in it");
	has(out, "\nfaultlat_fault_cause_seconds_total{cause=\"rest\"} 0.000007\n",
	    "0.7: the rest, the latency less the five causes");
	ok(count_lines(out, "faultlat_") == 264, "0.7: 264 series without the TLB");
	free(out);
	fill(s);

	out = expose(s, true);
	ok(count_lines(out, m) == 30, "octave: 29 finite bounds and +Inf");
	has(out, "\nfaultlat_fault_latency_seconds_bucket{type=\"minor\",le=\"0.000000256\"} 50\n",
	    "octave: 50 below 256 ns");
	ok(!strstr(out, "le=\"0.00000016\""), "octave: no bound inside an octave");
	ok(count_lines(out, "faultlat_") == 99, "99 series in octaves");
	free(out);

	s->tlb = true;
	s->tg.nmissed = 6;
	s->tg.stats.full = 1;
	s->tg.received_remote = 8;
	s->procs_on = true;
	s->procs = procs;
	s->nr_procs = 2;
	out = expose(s, false);
	has(out, "\nfaultlat_nmissed_total{probe=\"tlb\"} 6\n", "TLB nmissed");
	has(out, "\nfaultlat_tlb_flushes_total{kind=\"full\"} 1\n", "TLB flushes");
	has(out, "\nfaultlat_tlb_received_total{origin=\"remote\"} 8\n",
	    "TLB received");
	has(out, "\nfaultlat_tlb_flush_latency_seconds_bucket{le=\"+Inf\"} 0\n",
	    "a histogram without labels");
	has(out, "\nfaultlat_tlb_flush_latency_seconds_sum 0\n",
	    "its _sum without braces");
	has(out, "\nfaultlat_process_faults{pid=\"42\",comm=\"we\\\"ird\",type=\"minor\"} 3\n",
	    "a process, its comm escaped");
	has(out, "\nfaultlat_process_faults{pid=\"\",comm=\"other\",type=\"major\"} 1\n",
	    "other");
	has(out, "\nfaultlat_process_fault_seconds{pid=\"42\",comm=\"we\\\"ird\"} 0.0000015\n",
	    "time in faults, seconds");
	ok(count_lines(out, "faultlat_") == 624 + 4 * 2,
	   "624 series with the TLB, 4 per process row");
	ok(!strstr(out, "faultlat_cgroup_"),
	   "no per-cgroup series without --top-cgroups");
	free(out);
	free(s);
}

#define CG_CAUSE	"faultlat_cgroup_fault_cause_seconds_total"

static void test_write_cgroups(void)
{
	struct fl_prom_snap *s = calloc(1, sizeof(*s));
	char want[160];
	struct faultlat_cgroup_entry e[8];
	struct fl_prom_cgroup *r = NULL;
	const char *a, *b;
	unsigned int i;
	char *out;

	fill(s);
	s->cgroups_on = true;
	out = expose(s, false);
	has(out, "# TYPE faultlat_cgroup_faults_total counter\n",
	    "no cgroup: the families still");
	ok(count_lines(out, "faultlat_cgroup_") == 0, "no cgroup: no series");
	free(out);

	cg_records(e);
	fl_prom_top_cgroups(e, 8, &cg_tree, 10, &r, &s->nr_cgroups);
	s->cgroups = r;
	out = expose(s, false);
	has(out, "# HELP faultlat_cgroup_faults_total ", "HELP of cgroup faults");
	has(out, "# TYPE faultlat_cgroup_faults_total counter\n",
	    "cgroup faults: a counter");
	has(out, "# TYPE faultlat_cgroup_fault_seconds_total counter\n",
	    "cgroup fault time: a counter");
	has(out, "\nfaultlat_cgroup_faults_total{cgroup=\"/\",type=\"minor\"} 187\n",
	    "the root's minor faults, everyone's");
	has(out, "\nfaultlat_cgroup_faults_total{cgroup=\"/a\",type=\"major\"} 1\n",
	    "a cgroup's major faults, its descendants'");
	has(out, "\nfaultlat_cgroup_faults_total{cgroup=\"/a\",type=\"error\"} 2\n",
	    "errors");
	has(out, "\nfaultlat_cgroup_fault_seconds_total{cgroup=\"/a\"} 0.000057\n",
	    "time in faults, seconds");
	has(out, "\nfaultlat_cgroup_faults_total{cgroup=\"/d\\\"q\\\\\",type=\"minor\"} 30\n",
	    "a path's quote and backslash escaped");
	has(out, "\nfaultlat_cgroup_fault_seconds_total{cgroup=\"/e??\"} 0.000009\n",
	    "non-ASCII bytes become '?': the higher ranked of the two");
	ok(count_lines(out, "faultlat_cgroup_fault_seconds_total{cgroup=\"/e??\"}") == 1,
	   "one series of that label");
	has(out, "\nfaultlat_cgroup_faults_timed_by_cause_total{cgroup=\"/a\"} 106\n",
	    "a cgroup's faults timed by cause, its descendants'");
	snprintf(want, sizeof(want), "\n%s{cgroup=\"/a\",cause=\"io\"} %s\n",
		 CG_CAUSE, "0.0000042");
	has(out, want, "a cgroup's time by cause");
	snprintf(want, sizeof(want), "\n%s{cgroup=\"/a\",cause=\"page_lock\"} %s\n",
		 CG_CAUSE, "0.00000105");
	has(out, want, "0.8: a cgroup's page_lock");
	snprintf(want, sizeof(want), "\n%s{cgroup=\"/a\",cause=\"fallback\"} %s\n",
		 CG_CAUSE, "0");
	has(out, want, "0.8: a cgroup's fallback, 0");
	snprintf(want, sizeof(want), "\n%s{cgroup=\"/a\",cause=\"zeroing\"} %s\n",
		 CG_CAUSE, "0.0000003");
	has(out, want, "0.8: a cgroup's zeroing");
	snprintf(want, sizeof(want), "\n%s{cgroup=\"/a\",cause=\"rest\"} %s\n",
		 CG_CAUSE, "0.00005145");
	has(out, want, "a cgroup's rest");
	has(out, "\nfaultlat_cgroup_faults_by_path_total{cgroup=\"/\",path=\"zero\"} 187\n",
	    "the root's faults by path, everyone's");
	ok(count_lines(out, "faultlat_cgroup_") == 24 * 6, "24 series a cgroup");
	a = line_of(out, "faultlat_cgroup_faults_total{cgroup=\"/d");
	b = line_of(out, "faultlat_cgroup_faults_total{cgroup=\"/c\"");
	ok(a && b && a < b && line_of(out, "faultlat_cgroup_faults_total{") ==
	   line_of(out, "faultlat_cgroup_faults_total{cgroup=\"/\""),
	   "the rows in their order: the root first");
	ok(count_lines(out, "faultlat_") == 267 + 24 * 6,
	   "267 series without the TLB, and 24 per cgroup");
	free(out);
	free(r);

	/* a module 0.7: its records' causes_more zeroes */
	for (i = 0; i < 8; i++)
		memset(&e[i].causes_more, 0, sizeof(e[i].causes_more));
	fl_prom_top_cgroups(e, 8, &cg_tree, 10, &r, &s->nr_cgroups);
	s->cgroups = r;
	as_07(s);
	out = expose(s, false);
	snprintf(want, sizeof(want), "\n%s{cgroup=\"/a\",cause=\"rest\"} %s\n",
		 CG_CAUSE, "0.0000528");
	has(out, want, "0.7: a cgroup's rest, the latency less the five");
	ok(!strstr(out, "cause=\"page_lock\"") && !strstr(out, "cause=\"fallback\"") &&
	   !strstr(out, "cause=\"zeroing\""),
	   "0.7: no cgroup's page_lock, fallback nor zeroing");
	ok(count_lines(out, "faultlat_cgroup_") == 21 * 6, "0.7: 21 series a cgroup");
	free(out);
	free(r);
	free(s);
}

int main(void)
{
	printf("TAP version 13\n");
	test_seconds();
	test_label();
	test_top();
	test_top_cgroups();
	test_write();
	test_write_cgroups();
	return tap_done();
}
