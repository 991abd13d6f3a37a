// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of faultlat report's aggregation (report.c), folding, JSON
 * and flame graph (flame.c), and of the maps lookup of sym.c, on
 * recordings written here by hand.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../report.h"
#include "../sym.h"
#include "tap.h"

/* A fault event line as trace --stack -j writes it. */
static char *event(int tgid, const char *comm, unsigned long long ns,
		   const char *map, const char *ustack, const char *kstack)
{
	char *s;

	if (asprintf(&s,
		     "{\"type\":\"fault\",\"ts_ns\":1,\"cpu\":0,\"pid\":%d,\"tgid\":%d,\"comm\":\"%s\",\"outcome\":\"minor\",\"address\":4096,\"latency_ns\":%llu,\"mapping\":{\"name\":\"%s\",\"offset\":0,\"file\":%s},\"user_stack\":%s,\"kernel_stack\":%s}",
		     tgid, tgid, comm, ns, map, map[0] == '/' ? "true" : "false",
		     ustack, kstack) < 0)
		abort();
	return s;
}

#define FR(sym, dso, src, line) \
	"{\"addr\":1,\"sym\":" sym ",\"off\":0,\"dso\":" dso ",\"src\":" src \
	",\"line\":" line "}"
#define MAIN_A	FR("\"fault_in_main_a\"", "\"/bin/prog\"", "\"prog.c\"", "33")
#define MAIN	FR("\"main\"", "\"/bin/prog\"", "\"prog.c\"", "60")
#define LIB_B	FR("\"fault_in_lib_b\"", "\"/lib/libb.so\"", "\"b.c\"", "12")
#define KHMF	FR("\"handle_mm_fault\"", "null", "null", "null")
#define KEXC	FR("\"asm_exc_page_fault\"", "null", "null", "null")

static void add(struct fl_report *r, char *line)
{
	fl_report_add_line(r, line);
	free(line);
}

/* The recording of the tests below: prog's faults, and one of another. */
static void fill(struct fl_report *r)
{
	int i;

	for (i = 0; i < 3; i++)
		add(r, event(10, "prog", 100, "[anon]", "[" MAIN_A "," MAIN "]",
			     "[" KHMF "," KEXC "]"));
	for (i = 0; i < 2; i++)
		add(r, event(10, "prog", 1000, "/data/f", "[" LIB_B "," MAIN "]",
			     "[" KHMF "," KEXC "]"));
	/* no frame pointers: the faulting function alone */
	add(r, event(11, "other", 50, "[heap]",
		     "[" FR("\"f;g\"", "\"/bin/o\"", "null", "null") "]",
		     "[" KHMF "]"));
	/* a kernel thread: no user stack */
	add(r, event(12, "kworker", 7, "[unknown]", "null", "[" KHMF "]"));
	fl_report_add_line(r, "{\"type\":\"lost\",\"ts_ns\":5,\"cpu\":1,\"count\":4}");
	fl_report_add_line(r, "{\"type\":\"lost\",\"ts_ns\":6,\"cpu\":1,\"count\":null}");
	fl_report_add_line(r, "not json");
	fl_report_add_line(r, "{\"type\":\"summary\",\"events\":7,\"lost\":4}");
}

static const struct fl_agg_entry *find(const struct fl_agg *a, const char *sym)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!strcmp(a->e[i].sym, sym))
			return &a->e[i];
	return NULL;
}

static void test_aggregate(void)
{
	const struct fl_agg_entry *e;
	struct fl_report r;

	fl_report_init(&r);
	fill(&r);
	ok(r.faults == 7 && r.ns == 3 * 100 + 2 * 1000 + 50 + 7,
	   "faults and their time add up");
	ok(r.lost == 4 && r.lost_ring == 4 && r.bad == 1,
	   "lost events counted, the summary's count kept, bad lines counted");
	ok(r.one_frame == 1 && r.no_ustack == 1 && r.no_stacks == 0,
	   "one-frame stacks and faults without a user stack counted");
	fl_agg_sort(&r.sites);
	ok(r.sites.n == 4, "four call sites");
	ok(!strcmp(r.sites.e[0].sym, "fault_in_lib_b") &&
	   !strcmp(r.sites.e[1].sym, "fault_in_main_a"),
	   "sites sorted by time, not by count");
	e = find(&r.sites, "fault_in_main_a");
	ok(e && e->count == 3 && e->ns == 300 && !strcmp(e->dso, "/bin/prog") &&
	   !strcmp(e->src, "prog.c") && e->line == 33,
	   "fault_in_main_a: count, time, module, file:line");
	e = find(&r.sites, "fault_in_lib_b");
	ok(e && e->count == 2 && e->ns == 2000 && !strcmp(e->dso, "/lib/libb.so"),
	   "fault_in_lib_b: in the library");
	e = find(&r.sites, "[no user stack]");
	ok(e && e->count == 1 && e->ns == 7, "a kernel thread's fault: [no user stack]");
	e = find(&r.maps, "/data/f");
	ok(e && e->count == 2 && e->ns == 2000 && e->file, "mapping: the file");
	e = find(&r.maps, "[anon]");
	ok(e && e->count == 3 && !e->file, "mapping: [anon]");
	fl_report_free(&r);

	fl_report_init(&r);
	r.pid = 11;
	fill(&r);
	ok(r.faults == 1 && r.sites.n == 1 && r.ns == 50,
	   "-p: only that process's faults");
	fl_report_free(&r);
}

static void test_folded(void)
{
	struct fl_report r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	fl_report_init(&r);
	fill(&r);
	f = open_memstream(&buf, &len);
	fl_report_folded(f, &r);
	fclose(f);
	is_str(buf,
	       "prog;main;fault_in_lib_b;asm_exc_page_fault_[k];handle_mm_fault_[k] 2000\n"
	       "prog;main;fault_in_main_a;asm_exc_page_fault_[k];handle_mm_fault_[k] 300\n"
	       "other;f:g;handle_mm_fault_[k] 50\n"
	       "kworker;handle_mm_fault_[k] 7\n",
	       "folded: root first, kernel frames _[k], ';' in a name replaced, ns");
	free(buf);
	fl_report_free(&r);
}

static void test_json(void)
{
	struct json_object *o, *s, *v;
	struct fl_report r;

	fl_report_init(&r);
	fill(&r);
	o = fl_report_json(&r, "rec.jsonl");
	ok(json_object_object_get_ex(o, "faults", &v) &&
	   json_object_get_int64(v) == 7, "json: faults");
	ok(json_object_object_get_ex(o, "time_ns", &v) &&
	   json_object_get_int64(v) == 2357, "json: time_ns");
	ok(json_object_object_get_ex(o, "lost", &v) &&
	   json_object_get_int64(v) == 4, "json: lost");
	ok(json_object_object_get_ex(o, "sites", &s) &&
	   json_object_array_length(s) == 4, "json: four sites");
	s = json_object_array_get_idx(s, 0);
	ok(json_object_object_get_ex(s, "sym", &v) &&
	   !strcmp(json_object_get_string(v), "fault_in_lib_b") &&
	   json_object_object_get_ex(s, "share", &v) &&
	   json_object_get_double(v) > 0.848 &&
	   json_object_get_double(v) < 0.849,
	   "json: the first site, its share of the time");
	ok(json_object_object_get_ex(o, "mappings", &s) &&
	   json_object_array_length(s) == 4, "json: four mappings");
	json_object_put(o);
	fl_report_free(&r);
}

static void test_svg(void)
{
	struct fl_report r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	fl_report_init(&r);
	fill(&r);
	f = open_memstream(&buf, &len);
	fl_flame_svg(f, &r, "a <title> & more", 1200);
	fclose(f);
	has(buf, "<svg xmlns=\"http://www.w3.org/2000/svg\"", "svg: an SVG");
	has(buf, "a &lt;title&gt; &amp; more", "svg: the title, escaped");
	has(buf, "<title>all (2.36us, 7 faults, 100.00%)</title>",
	    "svg: the root holds every fault");
	has(buf, "<title>fault_in_lib_b (2.00us, 2 faults, 84.85%)</title>",
	    "svg: a frame's time, count and share");
	has(buf, "<title>main (2.30us, 5 faults, 97.58%)</title>",
	    "svg: a caller holds its callees' time");
	/*
	 * all, prog, main, 2 x (function, 2 kernel frames), other, f:g,
	 * its kernel frame, kworker, its kernel frame
	 */
	ok(count_lines(buf, "<rect x=") == 1 + 14,
	   "svg: the page and one box per frame of the tree");
	ok(strstr(buf, "</svg>"), "svg: closed");
	if (!access("/usr/bin/xmllint", X_OK)) {
		f = popen("xmllint --noout - 2>/dev/null", "w");
		fputs(buf, f);
		ok(pclose(f) == 0, "svg: xmllint accepts it");
	}
	free(buf);
	fl_report_free(&r);

	fl_report_init(&r);
	buf = NULL;
	f = open_memstream(&buf, &len);
	fl_flame_svg(f, &r, "empty", 600);
	fclose(f);
	has(buf, "No faults in the recording", "svg: an empty recording says so");
	free(buf);
	fl_report_free(&r);
}

/* --- time by cause --- */

/* A fault with its user frame @sym and its "causes" object (or none) */
static char *cz_event(const char *sym, const char *map,
		      unsigned long long ns, const char *causes)
{
	char *s;

	if (asprintf(&s,
		     "{\"type\":\"fault\",\"tgid\":20,\"comm\":\"w\",\"latency_ns\":%llu,\"mapping\":{\"name\":\"%s\",\"offset\":0,\"file\":false},\"user_stack\":[{\"addr\":1,\"sym\":\"%s\",\"off\":0,\"dso\":\"/bin/w\",\"src\":null,\"line\":null},%s],\"kernel_stack\":[%s]%s%s}",
		     ns, map, sym, MAIN, KHMF, causes ? ",\"causes\":" : "",
		     causes ? causes : "") < 0)
		abort();
	return s;
}

/* a fault's "causes" as trace -j writes them for a module before 0.8 */
#define CZ(r, c, m, i, u, rest) \
	"{\"reclaim_ns\":" #r ",\"compaction_ns\":" #c ",\"mmap_lock_ns\":" \
	#m ",\"io_ns\":" #i ",\"uffd_ns\":" #u ",\"rest_ns\":" #rest "}"
/* and for 0.8 and later: page_lock_ns, fallback_ns and zeroing_ns too */
#define CZ8(r, c, m, i, u, pl, fb, z, rest) \
	"{\"reclaim_ns\":" #r ",\"compaction_ns\":" #c ",\"mmap_lock_ns\":" \
	#m ",\"io_ns\":" #i ",\"uffd_ns\":" #u ",\"page_lock_ns\":" #pl \
	",\"fallback_ns\":" #fb ",\"zeroing_ns\":" #z ",\"rest_ns\":" #rest "}"

/*
 * w's faults: wait_uffd's three (uffd 900 and rest 100 each), read_io's
 * two (io 400, reclaim 50, rest 50), one of read_io without causes (an
 * older recording appended), one with causes that add up to more than
 * its latency (not understood: unknown).
 */
static void fill_causes(struct fl_report *r)
{
	int i;

	for (i = 0; i < 3; i++)
		add(r, cz_event("wait_uffd", "[anon]", 1000,
				CZ(0, 0, 0, 0, 900, 100)));
	for (i = 0; i < 2; i++)
		add(r, cz_event("read_io", "/data/f", 500,
				CZ(50, 0, 0, 400, 0, 50)));
	add(r, cz_event("read_io", "/data/f", 70, NULL));
	add(r, cz_event("read_io", "/data/f", 30, CZ(0, 0, 0, 31, 0, 0)));
}

static void test_fcauses(void)
{
	__u64 ns[FAULTLAT_NR_CAUSES_ALL] = { 0 }, back[FL_CZ_SLOTS];
	unsigned int i, named = 0;
	struct json_object *o;
	char buf[256];

	/* every cause has its key, its frame, its name in report's JSON */
	for (i = 0; i < FL_RPT_SLOTS; i++)
		named += (i >= FL_CZ_SLOTS || fl_cause_key(i)) &&
			 fl_rpt_leaf(i) && fl_rpt_slot_name(i);
	ok(named == FL_RPT_SLOTS && !strcmp(fl_cause_key(FAULTLAT_CAUSE_ZEROING),
					    "zeroing_ns") &&
	   !strcmp(fl_rpt_leaf(FAULTLAT_CAUSE_ZEROING), "[zeroing]"),
	   "cause keys and frames: every slot has its own");

	fl_fmt_fault_causes(buf, sizeof(buf), ns, 12345);
	is_str(buf, "-", "fault causes text: no cause had time");
	ns[FAULTLAT_CAUSE_IO] = 3400000;
	ns[FAULTLAT_CAUSE_RECLAIM] = 1200000;
	fl_fmt_fault_causes(buf, sizeof(buf), ns, 4612000);
	is_str(buf, "reclaim=1.20ms io=3.40ms rest=12.00us",
	       "fault causes text: the causes in the enum's order, then the rest");
	fl_fmt_fault_causes(buf, sizeof(buf), ns, 4600000);
	is_str(buf, "reclaim=1.20ms io=3.40ms",
	       "fault causes text: no rest when the causes are all of it");
	fl_fmt_fault_causes(buf, 12, ns, 4612000);
	ok(strlen(buf) == 11 && !strncmp(buf, "reclaim=1.2", 11),
	   "fault causes text: cut to the buffer");
	ok(fl_fault_rest(ns, 1000) == 0,
	   "rest: 0 when the causes exceed the latency");

	o = fl_json_fault_causes(ns, FAULTLAT_NR_CAUSES, 4612000);
	is_str(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	       "{\"reclaim_ns\":1200000,\"compaction_ns\":0,\"mmap_lock_ns\":0,\"io_ns\":3400000,\"uffd_ns\":0,\"rest_ns\":12000}",
	       "fault causes JSON, an event before 0.8: its five causes and the rest, in order");
	ok(fl_parse_fault_causes(o, 4612000, back) == FAULTLAT_NR_CAUSES &&
	   back[FAULTLAT_CAUSE_RECLAIM] == 1200000 &&
	   back[FAULTLAT_CAUSE_IO] == 3400000 && back[FL_CZ_REST] == 12000 &&
	   !back[FAULTLAT_CAUSE_UFFD] && !back[FAULTLAT_CAUSE_PAGE_LOCK] &&
	   !back[FAULTLAT_CAUSE_FALLBACK] && !back[FAULTLAT_CAUSE_ZEROING],
	   "fault causes JSON: read back, five causes told");
	ok(fl_parse_fault_causes(o, 4000000, back) == -1,
	   "fault causes JSON: causes above the latency refused");
	json_object_put(o);

	/* 0.8: the page lock, the fallback and the zeroing, after the five */
	ns[FAULTLAT_CAUSE_PAGE_LOCK] = 7000;
	ns[FAULTLAT_CAUSE_FALLBACK] = 5000;
	ns[FAULTLAT_CAUSE_ZEROING] = 9000;
	fl_fmt_fault_causes(buf, sizeof(buf), ns, 4621000);
	is_str(buf, "reclaim=1.20ms io=3.40ms page_lock=7.00us fallback=5.00us zeroing=9.00us",
	       "fault causes text: page_lock, fallback and zeroing after the five, no rest left");
	fl_fmt_fault_causes(buf, sizeof(buf), ns, 4639000);
	is_str(buf,
	       "reclaim=1.20ms io=3.40ms page_lock=7.00us fallback=5.00us zeroing=9.00us rest=18.00us",
	       "fault causes text: the eight, then the rest");
	ok(fl_fault_rest(ns, 4639000) == 18000,
	   "rest: the latency less all eight causes");
	o = fl_json_fault_causes(ns, FAULTLAT_NR_CAUSES_ALL, 4639000);
	is_str(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	       "{\"reclaim_ns\":1200000,\"compaction_ns\":0,\"mmap_lock_ns\":0,\"io_ns\":3400000,\"uffd_ns\":0,\"page_lock_ns\":7000,\"fallback_ns\":5000,\"zeroing_ns\":9000,\"rest_ns\":18000}",
	       "fault causes JSON, 0.8: the eight causes and the rest, in order");
	ok(fl_parse_fault_causes(o, 4639000, back) == FAULTLAT_NR_CAUSES_ALL &&
	   back[FAULTLAT_CAUSE_PAGE_LOCK] == 7000 &&
	   back[FAULTLAT_CAUSE_FALLBACK] == 5000 &&
	   back[FAULTLAT_CAUSE_ZEROING] == 9000 &&
	   back[FAULTLAT_CAUSE_IO] == 3400000 && back[FL_CZ_REST] == 18000,
	   "fault causes JSON, 0.8: read back, eight causes told");
	ok(fl_parse_fault_causes(o, 4620000, back) == -1,
	   "fault causes JSON, 0.8: the eight above the latency refused");
	json_object_put(o);
	o = json_tokener_parse("{\"fallback_ns\":4}");
	ok(fl_parse_fault_causes(o, 10, back) == FAULTLAT_NR_CAUSES_ALL &&
	   back[FAULTLAT_CAUSE_FALLBACK] == 4 && back[FL_CZ_REST] == 6,
	   "fault causes JSON: one of the later causes' keys tells them all");
	json_object_put(o);
	o = json_tokener_parse("{\"zeroing_ns\":3}");
	ok(fl_parse_fault_causes(o, 10, back) == FAULTLAT_NR_CAUSES_ALL &&
	   back[FAULTLAT_CAUSE_ZEROING] == 3 && !back[FAULTLAT_CAUSE_PAGE_LOCK] &&
	   back[FL_CZ_REST] == 7,
	   "fault causes JSON: zeroing_ns alone tells them all too");
	json_object_put(o);
	o = json_tokener_parse("{\"page_lock_ns\":2,\"zeroing_ns\":9}");
	ok(fl_parse_fault_causes(o, 10, back) == -1,
	   "fault causes JSON: page_lock_ns and zeroing_ns above the latency refused");
	json_object_put(o);
	o = json_tokener_parse("{\"page_lock_ns\":1.5}");
	ok(fl_parse_fault_causes(o, 10, back) == -1,
	   "fault causes JSON: a page_lock_ns that is no integer refused");
	json_object_put(o);

	o = json_tokener_parse("{\"uffd_ns\":7}");
	ok(fl_parse_fault_causes(o, 10, back) == FAULTLAT_NR_CAUSES &&
	   back[FAULTLAT_CAUSE_UFFD] == 7 &&
	   !back[FAULTLAT_CAUSE_IO] && back[FL_CZ_REST] == 3,
	   "fault causes JSON: a missing cause is 0, the rest is the latency less them");
	json_object_put(o);
	o = json_tokener_parse("{\"io_ns\":\"7\"}");
	ok(fl_parse_fault_causes(o, 10, back) == -1,
	   "fault causes JSON: a cause that is no number refused");
	json_object_put(o);
	o = json_tokener_parse("[1]");
	ok(fl_parse_fault_causes(o, 10, back) == -1 &&
	   fl_parse_fault_causes(NULL, 10, back) == -1,
	   "fault causes JSON: not an object refused");
	json_object_put(o);
}

static void test_report_causes(void)
{
	/* the first site's (wait_uffd) time by cause, as JSON */
	static const char *const site_cz[] = {
		"{\"reclaim_ns\":0,\"compaction_ns\":0,\"mmap_lock_ns\":0,\"io_ns\":0,\"uffd_ns\":2700,\"rest_ns\":300,\"unknown_ns\":0}",
	};
	const struct fl_agg_entry *e;
	struct json_object *o, *c, *v, *s;
	struct fl_report r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	fl_report_init(&r);
	fill_causes(&r);
	ok(r.faults == 7 && r.ns == 3000 + 1000 + 70 + 30 && r.bad_causes == 1,
	   "causes: the faults, their time, the unreadable causes counted");
	ok(fl_rpt_timed(&r.all) == 5 && r.all.cz[FAULTLAT_CAUSE_UFFD] == 2700 &&
	   r.all.cz[FAULTLAT_CAUSE_IO] == 800 &&
	   r.all.cz[FAULTLAT_CAUSE_RECLAIM] == 100 &&
	   r.all.cz[FL_CZ_REST] == 300 + 100 && r.all.cz[FL_RPT_UNKNOWN] == 100,
	   "causes: the recording's time by cause, the rest, the unknown");
	ok(r.all.cz_faults[FAULTLAT_CAUSE_UFFD] == 3 &&
	   r.all.cz_faults[FAULTLAT_CAUSE_IO] == 2 &&
	   r.all.cz_faults[FL_CZ_REST] == 5 &&
	   r.all.cz_faults[FL_RPT_UNKNOWN] == 2 &&
	   !r.all.cz_faults[FAULTLAT_CAUSE_COMPACTION],
	   "causes: the faults with time in each");
	e = find(&r.sites, "read_io");
	ok(e && e->count == 4 && e->ns == 1100 &&
	   e->cz[FAULTLAT_CAUSE_IO] == 800 && e->cz[FL_RPT_UNKNOWN] == 100 &&
	   e->cz[FL_CZ_REST] == 100 && e->cz[FAULTLAT_CAUSE_RECLAIM] == 100 &&
	   fl_rpt_timed(e) == 2, "causes: a call site's time by cause");
	e = find(&r.maps, "[anon]");
	ok(e && e->cz[FAULTLAT_CAUSE_UFFD] == 2700 && e->cz[FL_CZ_REST] == 300,
	   "causes: a mapping's time by cause");

	o = fl_report_json(&r, "cz.jsonl");
	ok(json_object_object_get_ex(o, "causes", &c) && c &&
	   json_object_object_get_ex(c, "faults", &v) &&
	   json_object_get_int64(v) == 5 &&
	   json_object_object_get_ex(c, "time_ns", &v) &&
	   json_object_get_int64(v) == 4000, "causes json: the faults timed, their time");
	ok(json_object_object_get_ex(c, "by_cause", &v) &&
	   json_object_object_get_ex(v, "uffd", &v) &&
	   json_object_object_get_ex(v, "time_ns", &s) &&
	   json_object_get_int64(s) == 2700 &&
	   json_object_object_get_ex(v, "faults", &s) &&
	   json_object_get_int64(s) == 3, "causes json: a cause's time and faults");
	ok(json_object_object_get_ex(c, "by_cause", &v) &&
	   json_object_object_get_ex(v, "rest", NULL) &&
	   !json_object_object_get_ex(v, "page_lock", NULL) &&
	   !json_object_object_get_ex(v, "fallback", NULL) &&
	   !json_object_object_get_ex(v, "zeroing", NULL),
	   "causes json, a recording before 0.8: no page_lock, fallback nor zeroing, unknown there");
	ok(json_object_object_get_ex(c, "unknown", &v) &&
	   json_object_object_get_ex(v, "faults", &s) &&
	   json_object_get_int64(s) == 2 &&
	   json_object_object_get_ex(v, "time_ns", &s) &&
	   json_object_get_int64(s) == 100, "causes json: the faults without");
	ok(json_object_object_get_ex(o, "sites", &s) &&
	   (s = json_object_array_get_idx(s, 0)) &&
	   json_object_object_get_ex(s, "causes", &v) &&
	   !strcmp(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
		   site_cz[0]), "causes json: the first site's (wait_uffd) time by cause");
	json_object_put(o);

	r.causes = true;
	f = open_memstream(&buf, &len);
	fl_report_folded(f, &r);
	fclose(f);
	is_str(buf,
	       "w;main;wait_uffd;handle_mm_fault_[k];[uffd] 2700\n"
	       "w;main;wait_uffd;handle_mm_fault_[k];[rest] 300\n"
	       "w;main;read_io;handle_mm_fault_[k];[reclaim] 100\n"
	       "w;main;read_io;handle_mm_fault_[k];[io] 800\n"
	       "w;main;read_io;handle_mm_fault_[k];[rest] 100\n"
	       "w;main;read_io;handle_mm_fault_[k];[unknown cause] 100\n",
	       "folded --causes: a last frame by cause, the stack's time split");
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	fl_flame_svg(f, &r, "t", 1200);
	fclose(f);
	has(buf, "<title>[uffd] (2.70us, 3 faults, 65.85%)</title>",
	    "svg --causes: a cause frame, its time and faults");
	has(buf, "<title>[unknown cause] (100ns, 2 faults, 2.44%)</title>",
	    "svg --causes: the faults without causes");
	has(buf, "<title>read_io (1.10us, 4 faults, 26.83%)</title>",
	    "svg --causes: the frame under them keeps its faults");
	has(buf, "fill=\"#20b2aa\"", "svg --causes: uffd's colour");
	free(buf);
	fl_report_free(&r);

	/* a recording from before: no causes anywhere */
	fl_report_init(&r);
	fill(&r);
	ok(!fl_rpt_timed(&r.all) && r.all.cz[FL_RPT_UNKNOWN] == r.ns &&
	   r.all.cz_faults[FL_RPT_UNKNOWN] == r.faults,
	   "old recording: all its time unknown");
	o = fl_report_json(&r, "old.jsonl");
	ok(json_object_object_get_ex(o, "causes", &c) && !c &&
	   json_object_object_get_ex(o, "sites", &s) &&
	   json_object_object_get_ex(json_object_array_get_idx(s, 0), "causes",
				     &v) && !v,
	   "old recording json: causes null, the sites' too");
	json_object_put(o);
	r.causes = true;
	buf = NULL;
	f = open_memstream(&buf, &len);
	fl_report_folded(f, &r);
	fclose(f);
	is_str(buf,
	       "prog;main;fault_in_lib_b;asm_exc_page_fault_[k];handle_mm_fault_[k];[unknown cause] 2000\n"
	       "prog;main;fault_in_main_a;asm_exc_page_fault_[k];handle_mm_fault_[k];[unknown cause] 300\n"
	       "other;f:g;handle_mm_fault_[k];[unknown cause] 50\n"
	       "kworker;handle_mm_fault_[k];[unknown cause] 7\n",
	       "old recording, folded --causes: every leaf [unknown cause]");
	free(buf);
	fl_report_free(&r);
}

/*
 * A recording of a module 0.8: wait_lock's two faults (page lock 600,
 * fallback 100, rest 300 each), touch_thp's one (zeroing 1200, rest
 * 300), read_io's two, one from before 0.8 (io 400, rest 100; appended),
 * one of 0.8 (mmap_lock 50, io 300, rest 150).
 */
static void test_report_causes_more(void)
{
	static const char *const site_cz[] = {
		"{\"reclaim_ns\":0,\"compaction_ns\":0,\"mmap_lock_ns\":0,\"io_ns\":0,\"uffd_ns\":0,\"page_lock_ns\":1200,\"fallback_ns\":200,\"zeroing_ns\":0,\"rest_ns\":600,\"unknown_ns\":0}",
		"{\"reclaim_ns\":0,\"compaction_ns\":0,\"mmap_lock_ns\":0,\"io_ns\":0,\"uffd_ns\":0,\"page_lock_ns\":0,\"fallback_ns\":0,\"zeroing_ns\":1200,\"rest_ns\":300,\"unknown_ns\":0}",
	};
	struct json_object *o, *c, *v, *s;
	const struct fl_agg_entry *e;
	struct fl_report r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int i;

	fl_report_init(&r);
	for (i = 0; i < 2; i++)
		add(&r, cz_event("wait_lock", "[anon]", 1000,
				 CZ8(0, 0, 0, 0, 0, 600, 100, 0, 300)));
	add(&r, cz_event("touch_thp", "[heap]", 1500,
			 CZ8(0, 0, 0, 0, 0, 0, 0, 1200, 300)));
	add(&r, cz_event("read_io", "/data/f", 500, CZ(0, 0, 0, 400, 0, 100)));
	add(&r, cz_event("read_io", "/data/f", 500,
			 CZ8(0, 0, 50, 300, 0, 0, 0, 0, 150)));
	ok(r.faults == 5 && !r.bad_causes && fl_rpt_timed(&r.all) == 5 &&
	   r.causes_told == FAULTLAT_NR_CAUSES_ALL,
	   "causes 0.8: every fault timed, eight causes told");
	ok(r.all.cz[FAULTLAT_CAUSE_PAGE_LOCK] == 1200 &&
	   r.all.cz[FAULTLAT_CAUSE_FALLBACK] == 200 &&
	   r.all.cz[FAULTLAT_CAUSE_ZEROING] == 1200 &&
	   r.all.cz[FAULTLAT_CAUSE_IO] == 700 &&
	   r.all.cz[FAULTLAT_CAUSE_MMAP_LOCK] == 50 &&
	   r.all.cz[FL_CZ_REST] == 600 + 300 + 100 + 150 &&
	   r.all.cz_faults[FAULTLAT_CAUSE_PAGE_LOCK] == 2 &&
	   r.all.cz_faults[FAULTLAT_CAUSE_FALLBACK] == 2 &&
	   r.all.cz_faults[FAULTLAT_CAUSE_ZEROING] == 1 &&
	   !r.all.cz[FL_RPT_UNKNOWN],
	   "causes 0.8: page_lock's, fallback's and zeroing's time and faults");
	e = find(&r.maps, "[anon]");
	ok(e && e->cz[FAULTLAT_CAUSE_PAGE_LOCK] == 1200 &&
	   e->cz[FAULTLAT_CAUSE_FALLBACK] == 200 && e->cz[FL_CZ_REST] == 600 &&
	   !e->cz[FAULTLAT_CAUSE_ZEROING],
	   "causes 0.8: a mapping's page_lock and fallback");
	e = find(&r.maps, "[heap]");
	ok(e && e->cz[FAULTLAT_CAUSE_ZEROING] == 1200 && e->cz[FL_CZ_REST] == 300,
	   "causes 0.8: a mapping's zeroing");

	o = fl_report_json(&r, "cz8.jsonl");
	ok(json_object_object_get_ex(o, "causes", &c) && c &&
	   json_object_object_get_ex(c, "by_cause", &v) &&
	   json_object_object_get_ex(v, "page_lock", &v) &&
	   json_object_object_get_ex(v, "time_ns", &s) &&
	   json_object_get_int64(s) == 1200 &&
	   json_object_object_get_ex(v, "faults", &s) &&
	   json_object_get_int64(s) == 2,
	   "causes 0.8 json: by_cause's page_lock");
	ok(json_object_object_get_ex(c, "by_cause", &v) &&
	   json_object_object_get_ex(v, "fallback", &v) &&
	   json_object_object_get_ex(v, "time_ns", &s) &&
	   json_object_get_int64(s) == 200,
	   "causes 0.8 json: by_cause's fallback");
	ok(json_object_object_get_ex(c, "by_cause", &v) &&
	   json_object_object_get_ex(v, "zeroing", &v) &&
	   json_object_object_get_ex(v, "time_ns", &s) &&
	   json_object_get_int64(s) == 1200 &&
	   json_object_object_get_ex(v, "faults", &s) &&
	   json_object_get_int64(s) == 1,
	   "causes 0.8 json: by_cause's zeroing");
	ok(json_object_object_get_ex(o, "sites", &s) &&
	   (s = json_object_array_get_idx(s, 0)) &&
	   json_object_object_get_ex(s, "causes", &v) &&
	   !strcmp(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
		   site_cz[0]),
	   "causes 0.8 json: a site's page_lock_ns and fallback_ns");
	ok(json_object_object_get_ex(o, "sites", &s) &&
	   (s = json_object_array_get_idx(s, 1)) &&
	   json_object_object_get_ex(s, "causes", &v) &&
	   !strcmp(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
		   site_cz[1]),
	   "causes 0.8 json: a site's zeroing_ns");
	json_object_put(o);

	r.causes = true;
	f = open_memstream(&buf, &len);
	fl_report_folded(f, &r);
	fclose(f);
	is_str(buf,
	       "w;main;wait_lock;handle_mm_fault_[k];[page_lock] 1200\n"
	       "w;main;wait_lock;handle_mm_fault_[k];[fallback] 200\n"
	       "w;main;wait_lock;handle_mm_fault_[k];[rest] 600\n"
	       "w;main;touch_thp;handle_mm_fault_[k];[zeroing] 1200\n"
	       "w;main;touch_thp;handle_mm_fault_[k];[rest] 300\n"
	       "w;main;read_io;handle_mm_fault_[k];[mmap_lock] 50\n"
	       "w;main;read_io;handle_mm_fault_[k];[io] 700\n"
	       "w;main;read_io;handle_mm_fault_[k];[rest] 250\n",
	       "folded --causes, 0.8: [page_lock], [fallback] and [zeroing] frames");
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	fl_flame_svg(f, &r, "t", 1200);
	fclose(f);
	has(buf, "<title>[page_lock] (1.20us, 2 faults, 26.67%)</title>",
	    "svg --causes, 0.8: a [page_lock] frame");
	has(buf, "<title>[fallback] (200ns, 2 faults, 4.44%)</title>",
	    "svg --causes, 0.8: a [fallback] frame");
	has(buf, "<title>[zeroing] (1.20us, 1 faults, 26.67%)</title>",
	    "svg --causes, 0.8: a [zeroing] frame");
	has(buf, "fill=\"#8fbc8f\"", "svg --causes: page_lock's colour");
	has(buf, "fill=\"#5f9ea0\"", "svg --causes: fallback's colour");
	has(buf, "fill=\"#6495ed\"", "svg --causes: zeroing's colour");
	free(buf);
	fl_report_free(&r);
}

static void test_maps(void)
{
	static const char maps[] =
		"1000-2000 rw-p 00000000 00:00 0\n"
		"3000-4000 r-xp 00002000 08:01 123                      /usr/lib/a b.so\n"
		"5000-6000 rw-p 00000000 00:00 0                          [heap]\n"
		"7000-8000 rw-s 00000000 00:05 9                          /dev/zero (deleted)\n"
		"9000-a000 rw-p 00000000 00:00 0";
	struct fl_mapping m;

	ok(fl_maps_find(maps, 0x1800, &m) && !strcmp(m.name, "[anon]") &&
	   !m.file, "maps: no path is [anon]");
	ok(fl_maps_find(maps, 0x3010, &m) && !strcmp(m.name, "/usr/lib/a b.so") &&
	   m.file && m.offset == 0x2010,
	   "maps: a file (with a space), the offset in it");
	ok(fl_maps_find(maps, 0x5fff, &m) && !strcmp(m.name, "[heap]"),
	   "maps: [heap]");
	ok(fl_maps_find(maps, 0x7000, &m) &&
	   !strcmp(m.name, "/dev/zero (deleted)"), "maps: a deleted file");
	ok(fl_maps_find(maps, 0x9000, &m) && !strcmp(m.name, "[anon]"),
	   "maps: the last line, without a newline");
	ok(!fl_maps_find(maps, 0x2000, &m) && !fl_maps_find(maps, 0xb000, &m),
	   "maps: an address in no mapping");
}

int main(void)
{
	printf("TAP version 13\n");
	test_aggregate();
	test_folded();
	test_json();
	test_svg();
	test_fcauses();
	test_report_causes();
	test_report_causes_more();
	test_maps();
	return tap_done();
}
