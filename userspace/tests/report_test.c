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
	test_maps();
	return tap_done();
}
