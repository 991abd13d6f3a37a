// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of faultlat export's exposition formatter (prom.c): seconds,
 * label escaping, the per-process top and fold, and the exposition's
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
	ok(!strstr(out, "faultlat_tlb_") && !strstr(out, "probe=\"tlb\""),
	   "no TLB families without TLB statistics");
	ok(!strstr(out, "faultlat_process_"), "no per-process series without --top");
	ok(count_lines(out, "faultlat_") == 247, "247 series without the TLB");
	ok(count_lines(out, "# TYPE ") == count_lines(out, "# HELP "),
	   "a HELP for every TYPE");
	free(out);

	out = expose(s, true);
	ok(count_lines(out, m) == 30, "octave: 29 finite bounds and +Inf");
	has(out, "\nfaultlat_fault_latency_seconds_bucket{type=\"minor\",le=\"0.000000256\"} 50\n",
	    "octave: 50 below 256 ns");
	ok(!strstr(out, "le=\"0.00000016\""), "octave: no bound inside an octave");
	ok(count_lines(out, "faultlat_") == 79, "79 series in octaves");
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
	ok(count_lines(out, "faultlat_") == 604 + 4 * 2,
	   "604 series with the TLB, 4 per process row");
	free(out);
	free(s);
}

int main(void)
{
	printf("TAP version 13\n");
	test_seconds();
	test_label();
	test_top();
	test_write();
	return tap_done();
}
