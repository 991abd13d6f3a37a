// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the trace event decoder (tevent.c): no field offset is
 * hard-coded.  Each test writes an event format as tracefs would show it
 * (events/faultlat/NAME/format), with the fields at offsets of its own
 * choosing, has libtraceevent parse it (tep_parse_format()), builds a raw
 * record by hand with the values at those offsets, and checks that the
 * decoder reads them back.  The layouts:
 *
 * - "6.1": the one Debian's 6.1 kernel shows (copied from the guest);
 * - "rt": a PREEMPT_RT kernel's, whose struct trace_entry has an extra
 *   common field (common_preempt_lazy_count) after common_pid, which
 *   moves every event field by 4 or 8 bytes;
 * - "reversed": the fields in the opposite order at unaligned offsets;
 * - "6.1" again with big-endian trace data (a trace from another machine).
 *
 * Plain TAP on stdout.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tevent.h"
#include "../util.h"

static int tests, failed;

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!cond)
		failed++;
	printf("%sok %d - ", cond ? "" : "not ", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void is_u64(unsigned long long got, unsigned long long want,
		   const char *layout, const char *what)
{
	ok(got == want, "%s: %s", layout, what);
	if (got != want)
		printf("#   got %#llx, want %#llx\n", got, want);
}

/* A field of a format: C type, name, offset, size, signed. */
struct field {
	const char *type;
	const char *name;
	int offset;
	int size;
	int is_signed;
};

static const struct field common_61[] = {
	{ "unsigned short", "common_type", 0, 2, 0 },
	{ "unsigned char", "common_flags", 2, 1, 0 },
	{ "unsigned char", "common_preempt_count", 3, 1, 0 },
	{ "int", "common_pid", 4, 4, 1 },
	{ NULL, NULL, 0, 0, 0 },
};

static const struct field common_rt[] = {
	{ "unsigned short", "common_type", 0, 2, 0 },
	{ "unsigned char", "common_flags", 2, 1, 0 },
	{ "unsigned char", "common_preempt_count", 3, 1, 0 },
	{ "int", "common_pid", 4, 4, 1 },
	{ "unsigned char", "common_preempt_lazy_count", 8, 1, 0 },
	{ NULL, NULL, 0, 0, 0 },
};

/* the print fmt lines of the formats, in pieces */
static const char * const fault_print[] = {
	"print fmt: \"pid=%u tgid=%u address=0x%lx latency_ns=%llu outcome=%s mode=%s ",
	"kind=%s access=%s result=0x%x attempts=%u\", ",
	"REC->pid, REC->tgid, REC->address, REC->latency_ns, ",
	"__print_symbolic(REC->outcome, { 0, \"minor\" }, { 1, \"major\" }, ",
	"{ 2, \"error\" }), ",
	"__print_symbolic(REC->mode, { 0, \"user\" }, { 1, \"kernel\" }), ",
	"__print_symbolic(REC->kind, { 0, \"anon\" }, { 1, \"file\" }, ",
	"{ 2, \"shmem\" }, { 3, \"hugetlb\" }), ",
	"__print_symbolic(REC->access, { 0, \"read\" }, { 1, \"write\" }, ",
	"{ 2, \"exec\" }), REC->result, REC->attempts\n",
	NULL,
};

static const char * const tlb_print[] = {
	"print fmt: \"pid=%u start=0x%lx end=0x%lx pages=%llu latency_ns=%llu ",
	"remote_cpus=%u reason=%s\", ",
	"REC->pid, REC->start, REC->end, REC->pages, REC->latency_ns, REC->remote_cpus, ",
	"__print_symbolic(REC->reason, { 0, \"range\" }, { 1, \"ceiling\" }, ",
	"{ 2, \"full\" })\n",
	NULL,
};

/* faultlat:fault as 6.1 lays it out: after 8 bytes of common fields */
static const struct field fault_61[] = {
	{ "u32", "pid", 8, 4, 0 },
	{ "u32", "tgid", 12, 4, 0 },
	{ "unsigned long", "address", 16, 8, 0 },
	{ "u64", "latency_ns", 24, 8, 0 },
	{ "u32", "result", 32, 4, 0 },
	{ "u32", "attempts", 36, 4, 0 },
	{ "u8", "outcome", 40, 1, 0 },
	{ "u8", "mode", 41, 1, 0 },
	{ "u8", "kind", 42, 1, 0 },
	{ "u8", "access", 43, 1, 0 },
	{ NULL, NULL, 0, 0, 0 },
};

/* after 9 bytes of common fields, padded to 12: every field moves */
static const struct field fault_rt[] = {
	{ "u32", "pid", 12, 4, 0 },
	{ "u32", "tgid", 16, 4, 0 },
	{ "unsigned long", "address", 24, 8, 0 },
	{ "u64", "latency_ns", 32, 8, 0 },
	{ "u32", "result", 40, 4, 0 },
	{ "u32", "attempts", 44, 4, 0 },
	{ "u8", "outcome", 48, 1, 0 },
	{ "u8", "mode", 49, 1, 0 },
	{ "u8", "kind", 50, 1, 0 },
	{ "u8", "access", 51, 1, 0 },
	{ NULL, NULL, 0, 0, 0 },
};

static const struct field fault_reversed[] = {
	{ "u8", "access", 9, 1, 0 },
	{ "u8", "kind", 10, 1, 0 },
	{ "u8", "mode", 11, 1, 0 },
	{ "u8", "outcome", 12, 1, 0 },
	{ "u32", "attempts", 13, 4, 0 },
	{ "u32", "result", 17, 4, 0 },
	{ "u64", "latency_ns", 21, 8, 0 },
	{ "unsigned long", "address", 29, 8, 0 },
	{ "u32", "tgid", 37, 4, 0 },
	{ "u32", "pid", 41, 4, 0 },
	{ NULL, NULL, 0, 0, 0 },
};

static const struct field tlb_61[] = {
	{ "u32", "pid", 8, 4, 0 },
	{ "unsigned long", "start", 16, 8, 0 },
	{ "unsigned long", "end", 24, 8, 0 },
	{ "u64", "pages", 32, 8, 0 },
	{ "u64", "latency_ns", 40, 8, 0 },
	{ "u32", "remote_cpus", 48, 4, 0 },
	{ "u8", "reason", 52, 1, 0 },
	{ NULL, NULL, 0, 0, 0 },
};

static const struct field tlb_rt[] = {
	{ "u32", "pid", 12, 4, 0 },
	{ "unsigned long", "start", 16, 8, 0 },
	{ "unsigned long", "end", 24, 8, 0 },
	{ "u64", "pages", 32, 8, 0 },
	{ "u64", "latency_ns", 40, 8, 0 },
	{ "u32", "remote_cpus", 48, 4, 0 },
	{ "u8", "reason", 52, 1, 0 },
	{ NULL, NULL, 0, 0, 0 },
};

static const struct field tlb_reversed[] = {
	{ "u8", "reason", 9, 1, 0 },
	{ "u32", "remote_cpus", 10, 4, 0 },
	{ "u64", "latency_ns", 14, 8, 0 },
	{ "u64", "pages", 22, 8, 0 },
	{ "unsigned long", "end", 30, 8, 0 },
	{ "unsigned long", "start", 38, 8, 0 },
	{ "u32", "pid", 46, 4, 0 },
	{ NULL, NULL, 0, 0, 0 },
};

/* The text of a format file. */
static char *format(const char *name, int id, const struct field *common,
		    const struct field *fields, const char * const *print)
{
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	const struct field *p;

	fprintf(f, "name: %s\nID: %d\nformat:\n", name, id);
	for (p = common; p->name; p++)
		fprintf(f, "\tfield:%s %s;\toffset:%d;\tsize:%d;\tsigned:%d;\n",
			p->type, p->name, p->offset, p->size, p->is_signed);
	fputc('\n', f);
	for (p = fields; p->name; p++)
		fprintf(f, "\tfield:%s %s;\toffset:%d;\tsize:%d;\tsigned:%d;\n",
			p->type, p->name, p->offset, p->size, p->is_signed);
	fputc('\n', f);
	for (; *print; print++)
		fputs(*print, f);
	fclose(f);
	return buf;
}

/* Write @v, @size bytes, at @off of @rec in the trace's byte order. */
static void put(unsigned char *rec, int off, int size, unsigned long long v,
		bool big)
{
	int i;

	for (i = 0; i < size; i++) {
		int shift = big ? 8 * (size - 1 - i) : 8 * i;

		rec[off + i] = (v >> shift) & 0xff;
	}
}

static int end_of(const struct field *fields)
{
	int end = 0;

	for (; fields->name; fields++)
		if (fields->offset + fields->size > end)
			end = fields->offset + fields->size;
	return end;
}

/* A record of event @id with @n (name, value) pairs placed as @fields says. */
static int build(unsigned char *rec, int id, const struct field *fields,
		 const char * const *names, const unsigned long long *vals,
		 int n, bool big)
{
	const struct field *p;
	int i, len = (end_of(fields) + 3) & ~3;

	memset(rec, 0xa5, 128);	/* garbage everywhere else */
	put(rec, 0, 2, id, big);
	put(rec, 2, 1, 0, big);
	put(rec, 3, 1, 1, big);
	put(rec, 4, 4, 4242, big);
	for (i = 0; i < n; i++)
		for (p = fields; p->name; p++)
			if (!strcmp(p->name, names[i]))
				put(rec, p->offset, p->size, vals[i], big);
	return len;
}

static struct tep_handle *new_tep(bool big)
{
	struct tep_handle *tep = tep_alloc();

	tep_set_long_size(tep, 8);
	tep_set_page_size(tep, 4096);
	tep_set_file_bigendian(tep, big ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, __BYTE_ORDER == __BIG_ENDIAN ?
				TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	return tep;
}

static bool parse(struct tep_handle *tep, const char *name, int id,
		  const struct field *common, const struct field *fields,
		  const char * const *print)
{
	struct tep_event *ev = NULL;
	char *text = format(name, id, common, fields, print);
	enum tep_errno err;

	err = tep_parse_format(tep, &ev, text, strlen(text), FL_TEV_SYSTEM);
	free(text);
	return err == 0 && ev;
}

static const char * const fault_names[FL_FAULT_NR_FIELDS] = {
	"pid", "tgid", "address", "latency_ns", "result", "attempts",
	"outcome", "mode", "kind", "access",
};

/* distinct bytes in every field, so a misread shows */
static const unsigned long long fault_vals[FL_FAULT_NR_FIELDS] = {
	0x12345678, 0x0badcafe, 0x00007f1234567000ULL, 0x0102030405060708ULL,
	0x00000604, 3, 1, 0, 1, 2,
};

static const char * const tlb_names[FL_TLB_NR_FIELDS] = {
	"pid", "start", "end", "pages", "latency_ns", "remote_cpus", "reason",
};

static const unsigned long long tlb_vals[FL_TLB_NR_FIELDS] = {
	0x11223344, 0x00007f0000001000ULL, 0xffffffffffffffffULL, 0x1234,
	0x0000000a0b0c0d0eULL, 0x55667788, 2,
};

static void test_layout(const char *layout, const struct field *common,
			const struct field *ff, const struct field *tf,
			bool big)
{
	struct tep_handle *tep = new_tep(big);
	unsigned char buf[128];
	struct tep_record rec = { .data = buf };
	struct fl_fault_event fe;
	struct fl_tlb_event te;
	struct fl_decoder d;
	char err[256] = "";
	int r;

	ok(parse(tep, FL_TEV_FAULT, 1360, common, ff, fault_print) &&
	   parse(tep, FL_TEV_TLB, 1359, common, tf, tlb_print),
	   "%s: libtraceevent parses both formats", layout);
	r = fl_decoder_init(&d, tep, err, sizeof(err));
	ok(!r && d.fault && d.tlb, "%s: the decoder finds both events and their fields",
	   layout);
	if (r)
		printf("#   %s\n", err);
	if (!d.fault || !d.tlb) {
		tep_free(tep);
		return;
	}

	rec.size = build(buf, 1360, ff, fault_names, fault_vals,
			 FL_FAULT_NR_FIELDS, big);
	ok(tep_data_type(tep, &rec) == 1360 &&
	   tep_find_event(tep, tep_data_type(tep, &rec)) == d.fault,
	   "%s: the record's common_type is faultlat:fault", layout);
	ok(!fl_decode_fault(&d, &rec, &fe), "%s: fault record decodes", layout);
	is_u64(fe.pid, fault_vals[0], layout, "fault pid");
	is_u64(fe.tgid, fault_vals[1], layout, "fault tgid");
	is_u64(fe.address, fault_vals[2], layout, "fault address");
	is_u64(fe.latency_ns, fault_vals[3], layout, "fault latency_ns");
	is_u64(fe.result, fault_vals[4], layout, "fault result");
	is_u64(fe.attempts, fault_vals[5], layout, "fault attempts");
	is_u64(fe.outcome, fault_vals[6], layout, "fault outcome");
	is_u64(fe.mode, fault_vals[7], layout, "fault mode");
	is_u64(fe.kind, fault_vals[8], layout, "fault kind");
	is_u64(fe.access, fault_vals[9], layout, "fault access");
	is_u64(fe.path, FAULTLAT_NR_PATHS, layout,
	       "fault path: none in a format without the field (before 0.6)");

	rec.size = end_of(ff) - 1;
	ok(fl_decode_fault(&d, &rec, &fe) == -1,
	   "%s: a fault record one byte short is refused", layout);

	rec.size = build(buf, 1359, tf, tlb_names, tlb_vals, FL_TLB_NR_FIELDS,
			 big);
	ok(tep_find_event(tep, tep_data_type(tep, &rec)) == d.tlb,
	   "%s: the record's common_type is faultlat:tlb_flush", layout);
	ok(!fl_decode_tlb(&d, &rec, &te), "%s: tlb_flush record decodes",
	   layout);
	is_u64(te.pid, tlb_vals[0], layout, "tlb pid");
	is_u64(te.start, tlb_vals[1], layout, "tlb start");
	is_u64(te.end, tlb_vals[2], layout, "tlb end");
	is_u64(te.pages, tlb_vals[3], layout, "tlb pages");
	is_u64(te.latency_ns, tlb_vals[4], layout, "tlb latency_ns");
	is_u64(te.remote_cpus, tlb_vals[5], layout, "tlb remote_cpus");
	is_u64(te.reason, tlb_vals[6], layout, "tlb reason");
	tep_free(tep);
}

/* 0.6's last field, the path: read when the format has it */
static void test_path(void)
{
	static const struct field fault_06[] = {
		{ "u32", "pid", 8, 4, 0 },
		{ "u32", "tgid", 12, 4, 0 },
		{ "unsigned long", "address", 16, 8, 0 },
		{ "u64", "latency_ns", 24, 8, 0 },
		{ "u32", "result", 32, 4, 0 },
		{ "u32", "attempts", 36, 4, 0 },
		{ "u8", "outcome", 40, 1, 0 },
		{ "u8", "mode", 41, 1, 0 },
		{ "u8", "kind", 42, 1, 0 },
		{ "u8", "access", 43, 1, 0 },
		{ "u64", "uffd_ns", 48, 8, 0 },
		{ "u8", "path", 56, 1, 0 },
		{ NULL, NULL, 0, 0, 0 },
	};
	struct tep_handle *tep = new_tep(false);
	unsigned char buf[128];
	struct tep_record rec = { .data = buf };
	struct fl_fault_event fe;
	struct fl_decoder d;
	char err[256] = "";

	ok(parse(tep, FL_TEV_FAULT, 1360, common_61, fault_06, fault_print),
	   "0.6: libtraceevent parses the format with the path");
	ok(!fl_decoder_init(&d, tep, err, sizeof(err)) && d.fault_path,
	   "0.6: the decoder finds the path field");
	rec.size = build(buf, 1360, fault_06, fault_names, fault_vals,
			 FL_FAULT_NR_FIELDS, false);
	put(buf, 56, 1, FAULTLAT_PATH_THP, false);
	ok(!fl_decode_fault(&d, &rec, &fe), "0.6: fault record decodes");
	is_u64(fe.path, FAULTLAT_PATH_THP, "0.6", "fault path");
	is_u64(fe.access, fault_vals[9], "0.6", "fault access, before it");
	rec.size = 56;
	ok(fl_decode_fault(&d, &rec, &fe) == -1,
	   "0.6: a record that ends before the path is refused");
	tep_free(tep);
}

/*
 * 0.5's time by cause, reclaim_ns to uffd_ns, then 0.6's path: the
 * module's TP_STRUCT__entry as x86-64 lays it out
 */
static const struct field fault_cz[] = {
	{ "u32", "pid", 8, 4, 0 },
	{ "u32", "tgid", 12, 4, 0 },
	{ "unsigned long", "address", 16, 8, 0 },
	{ "u64", "latency_ns", 24, 8, 0 },
	{ "u32", "result", 32, 4, 0 },
	{ "u32", "attempts", 36, 4, 0 },
	{ "u8", "outcome", 40, 1, 0 },
	{ "u8", "mode", 41, 1, 0 },
	{ "u8", "kind", 42, 1, 0 },
	{ "u8", "access", 43, 1, 0 },
	{ "u64", "reclaim_ns", 48, 8, 0 },
	{ "u64", "compaction_ns", 56, 8, 0 },
	{ "u64", "mmap_lock_ns", 64, 8, 0 },
	{ "u64", "io_ns", 72, 8, 0 },
	{ "u64", "uffd_ns", 80, 8, 0 },
	{ "u8", "path", 88, 1, 0 },
	{ NULL, NULL, 0, 0, 0 },
};

/*
 * 0.8's time by cause: the five of 0.5, then, after 0.7's tree, the three
 * more, page_lock_ns, fallback_ns and zeroing_ns, as x86-64 lays them out
 */
static const struct field fault_08[] = {
	{ "u32", "pid", 8, 4, 0 },
	{ "u32", "tgid", 12, 4, 0 },
	{ "unsigned long", "address", 16, 8, 0 },
	{ "u64", "latency_ns", 24, 8, 0 },
	{ "u32", "result", 32, 4, 0 },
	{ "u32", "attempts", 36, 4, 0 },
	{ "u8", "outcome", 40, 1, 0 },
	{ "u8", "mode", 41, 1, 0 },
	{ "u8", "kind", 42, 1, 0 },
	{ "u8", "access", 43, 1, 0 },
	{ "u64", "reclaim_ns", 48, 8, 0 },
	{ "u64", "compaction_ns", 56, 8, 0 },
	{ "u64", "mmap_lock_ns", 64, 8, 0 },
	{ "u64", "io_ns", 72, 8, 0 },
	{ "u64", "uffd_ns", 80, 8, 0 },
	{ "u8", "path", 88, 1, 0 },
	{ "u32", "tree", 92, 4, 0 },
	{ "u64", "page_lock_ns", 96, 8, 0 },
	{ "u64", "fallback_ns", 104, 8, 0 },
	{ "u64", "zeroing_ns", 112, 8, 0 },
	{ NULL, NULL, 0, 0, 0 },
};

/* the time by cause: read when the format has it, at its own offsets */
/*
 * A faultlat:fault format of the first @n of @fields (all of them for
 * SIZE_MAX; 6.1's common fields, fault_print): the decoder refuses it,
 * naming @field, the first it lacks.
 */
static void refused_without(const struct field *fields, size_t n,
			    const char *field, const char *what)
{
	struct tep_handle *tep = new_tep(false);
	struct field f[32];
	struct fl_decoder d;
	char err[256] = "", want[128];
	size_t i;

	for (i = 0; i < n && fields[i].name && i < ARRAY_SIZE(f) - 1; i++)
		f[i] = fields[i];
	memset(&f[i], 0, sizeof(f[i]));
	snprintf(want, sizeof(want), "faultlat:fault has no field '%s'",
		 field);
	parse(tep, FL_TEV_FAULT, 1360, common_61, f, fault_print);
	ok(fl_decoder_init(&d, tep, err, sizeof(err)) == -1 &&
	   !strcmp(err, want), "%s", what);
	if (strcmp(err, want))
		printf("#   err: %s\n", err);
	tep_free(tep);
}

static void test_causes(void)
{
	static const char * const cz_names[FAULTLAT_NR_CAUSES_ALL] = {
		"reclaim_ns", "compaction_ns", "mmap_lock_ns", "io_ns",
		"uffd_ns", "page_lock_ns", "fallback_ns", "zeroing_ns",
	};
	static const unsigned long long cz_vals[FAULTLAT_NR_CAUSES_ALL] = {
		0x1111, 0x222222, 0x33333333, 0x4444444444ULL,
		0x0555555555555555ULL, 0x66666666666ULL, 0x777777,
		0x888888888888ULL,
	};
	/* the causes in another order, after the path, unaligned */
	static const struct field fault_cz_moved[] = {
		{ "u32", "pid", 8, 4, 0 },
		{ "u32", "tgid", 12, 4, 0 },
		{ "unsigned long", "address", 16, 8, 0 },
		{ "u64", "latency_ns", 24, 8, 0 },
		{ "u32", "result", 32, 4, 0 },
		{ "u32", "attempts", 36, 4, 0 },
		{ "u8", "outcome", 40, 1, 0 },
		{ "u8", "mode", 41, 1, 0 },
		{ "u8", "kind", 42, 1, 0 },
		{ "u8", "access", 43, 1, 0 },
		{ "u8", "path", 44, 1, 0 },
		{ "u64", "uffd_ns", 45, 8, 0 },
		{ "u64", "io_ns", 53, 8, 0 },
		{ "u64", "mmap_lock_ns", 61, 8, 0 },
		{ "u64", "compaction_ns", 69, 8, 0 },
		{ "u64", "reclaim_ns", 77, 8, 0 },
		{ NULL, NULL, 0, 0, 0 },
	};
	/* all eight in another order, before the path, unaligned */
	static const struct field fault_08_moved[] = {
		{ "u32", "pid", 8, 4, 0 },
		{ "u32", "tgid", 12, 4, 0 },
		{ "unsigned long", "address", 16, 8, 0 },
		{ "u64", "latency_ns", 24, 8, 0 },
		{ "u32", "result", 32, 4, 0 },
		{ "u32", "attempts", 36, 4, 0 },
		{ "u8", "outcome", 40, 1, 0 },
		{ "u8", "mode", 41, 1, 0 },
		{ "u8", "kind", 42, 1, 0 },
		{ "u8", "access", 43, 1, 0 },
		{ "u64", "fallback_ns", 44, 8, 0 },
		{ "u64", "reclaim_ns", 52, 8, 0 },
		{ "u64", "page_lock_ns", 60, 8, 0 },
		{ "u64", "compaction_ns", 68, 8, 0 },
		{ "u64", "mmap_lock_ns", 76, 8, 0 },
		{ "u64", "io_ns", 84, 8, 0 },
		{ "u64", "zeroing_ns", 92, 8, 0 },
		{ "u64", "uffd_ns", 100, 8, 0 },
		{ "u8", "path", 108, 1, 0 },
		{ "u32", "tree", 109, 4, 0 },
		{ NULL, NULL, 0, 0, 0 },
	};
	/* io_ns missing: a format we do not know */
	static const struct field fault_cz_partial[] = {
		{ "u32", "pid", 8, 4, 0 },
		{ "u32", "tgid", 12, 4, 0 },
		{ "unsigned long", "address", 16, 8, 0 },
		{ "u64", "latency_ns", 24, 8, 0 },
		{ "u32", "result", 32, 4, 0 },
		{ "u32", "attempts", 36, 4, 0 },
		{ "u8", "outcome", 40, 1, 0 },
		{ "u8", "mode", 41, 1, 0 },
		{ "u8", "kind", 42, 1, 0 },
		{ "u8", "access", 43, 1, 0 },
		{ "u64", "reclaim_ns", 48, 8, 0 },
		{ "u64", "compaction_ns", 56, 8, 0 },
		{ "u64", "mmap_lock_ns", 64, 8, 0 },
		{ "u64", "uffd_ns", 80, 8, 0 },
		{ NULL, NULL, 0, 0, 0 },
	};
	const struct {
		const char *name;
		const struct field *f;
		unsigned int told;	/* the causes the format has */
	} layouts[] = {
		{ "0.6 causes", fault_cz, FAULTLAT_NR_CAUSES },
		{ "causes moved", fault_cz_moved, FAULTLAT_NR_CAUSES },
		{ "0.8 causes", fault_08, FAULTLAT_NR_CAUSES_ALL },
		{ "0.8 causes moved", fault_08_moved, FAULTLAT_NR_CAUSES_ALL },
	};
	struct tep_handle *tep;
	unsigned char buf[128];
	struct tep_record rec = { .data = buf };
	struct fl_fault_event fe;
	const struct field *p;
	struct fl_decoder d;
	char err[256] = "";
	unsigned int l, i;

	for (l = 0; l < ARRAY_SIZE(layouts); l++) {
		const char *name = layouts[l].name;
		unsigned int told = layouts[l].told;

		tep = new_tep(false);
		ok(parse(tep, FL_TEV_FAULT, 1360, common_61, layouts[l].f,
			 fault_print), "%s: libtraceevent parses the format",
		   name);
		ok(!fl_decoder_init(&d, tep, err, sizeof(err)) &&
		   d.fault_causes[told - 1] && d.fault_path &&
		   (told == FAULTLAT_NR_CAUSES_ALL ||
		    !d.fault_causes[FAULTLAT_NR_CAUSES]),
		   "%s: the decoder finds the %u causes and the path", name,
		   told);
		rec.size = build(buf, 1360, layouts[l].f, fault_names,
				 fault_vals, FL_FAULT_NR_FIELDS, false);
		for (i = 0; i < told; i++)
			for (p = layouts[l].f; p->name; p++)
				if (!strcmp(p->name, cz_names[i]))
					put(buf, p->offset, 8, cz_vals[i], false);
		for (p = layouts[l].f; p->name; p++)
			if (!strcmp(p->name, "path"))
				put(buf, p->offset, 1, FAULTLAT_PATH_UFFD, false);
		ok(!fl_decode_fault(&d, &rec, &fe) && fe.causes_told == told,
		   "%s: fault record decodes, with %u causes", name, told);
		for (i = 0; i < FAULTLAT_NR_CAUSES_ALL; i++)
			is_u64(fe.cause_ns[i], i < told ? cz_vals[i] : 0, name,
			       cz_names[i]);
		is_u64(fe.latency_ns, fault_vals[3], name, "latency_ns");
		is_u64(fe.access, fault_vals[9], name, "access");
		is_u64(fe.path, FAULTLAT_PATH_UFFD, name, "path");
		rec.size = end_of(layouts[l].f) - 1;
		ok(fl_decode_fault(&d, &rec, &fe) == -1,
		   "%s: a record one byte short is refused", name);
		tep_free(tep);
	}

	/* before 0.5: no causes, causes_told 0, nothing read */
	tep = new_tep(false);
	parse(tep, FL_TEV_FAULT, 1360, common_61, fault_61, fault_print);
	ok(!fl_decoder_init(&d, tep, err, sizeof(err)) && !d.fault_causes[0],
	   "before 0.5: no cause fields found");
	rec.size = build(buf, 1360, fault_61, fault_names, fault_vals,
			 FL_FAULT_NR_FIELDS, false);
	ok(!fl_decode_fault(&d, &rec, &fe) && !fe.causes_told &&
	   !fe.cause_ns[0] && !fe.cause_ns[FAULTLAT_CAUSE_UFFD] &&
	   !fe.cause_ns[FAULTLAT_CAUSE_FALLBACK] &&
	   !fe.cause_ns[FAULTLAT_CAUSE_ZEROING],
	   "before 0.5: the fault decodes, without causes, all zero");
	tep_free(tep);

	refused_without(fault_cz_partial, SIZE_MAX, "io_ns",
			"some cause fields but not all: init fails, naming the field");

	/* 0.8's fields up to page_lock_ns, then up to fallback_ns */
	refused_without(fault_08, 18, "fallback_ns",
			"page_lock_ns without fallback_ns: init fails, naming the field");

	refused_without(fault_08, 19, "zeroing_ns",
			"page_lock_ns and fallback_ns without zeroing_ns: init fails, naming the field");
}

/*
 * 0.7's last field, the tree: x86-64's layout of the module's
 * TP_STRUCT__entry (after the path, aligned to 4), and the same record
 * shifted by PREEMPT_RT's common field; a format before 0.7 has none
 */
static void test_tree(void)
{
	static const struct field fault_07[] = {
		{ "u32", "pid", 8, 4, 0 },
		{ "u32", "tgid", 12, 4, 0 },
		{ "unsigned long", "address", 16, 8, 0 },
		{ "u64", "latency_ns", 24, 8, 0 },
		{ "u32", "result", 32, 4, 0 },
		{ "u32", "attempts", 36, 4, 0 },
		{ "u8", "outcome", 40, 1, 0 },
		{ "u8", "mode", 41, 1, 0 },
		{ "u8", "kind", 42, 1, 0 },
		{ "u8", "access", 43, 1, 0 },
		{ "u64", "reclaim_ns", 48, 8, 0 },
		{ "u64", "compaction_ns", 56, 8, 0 },
		{ "u64", "mmap_lock_ns", 64, 8, 0 },
		{ "u64", "io_ns", 72, 8, 0 },
		{ "u64", "uffd_ns", 80, 8, 0 },
		{ "u8", "path", 88, 1, 0 },
		{ "u32", "tree", 92, 4, 0 },
		{ NULL, NULL, 0, 0, 0 },
	};
	static const struct field fault_07_rt[] = {
		{ "u32", "pid", 12, 4, 0 },
		{ "u32", "tgid", 16, 4, 0 },
		{ "unsigned long", "address", 24, 8, 0 },
		{ "u64", "latency_ns", 32, 8, 0 },
		{ "u32", "result", 40, 4, 0 },
		{ "u32", "attempts", 44, 4, 0 },
		{ "u8", "outcome", 48, 1, 0 },
		{ "u8", "mode", 49, 1, 0 },
		{ "u8", "kind", 50, 1, 0 },
		{ "u8", "access", 51, 1, 0 },
		{ "u64", "reclaim_ns", 56, 8, 0 },
		{ "u64", "compaction_ns", 64, 8, 0 },
		{ "u64", "mmap_lock_ns", 72, 8, 0 },
		{ "u64", "io_ns", 80, 8, 0 },
		{ "u64", "uffd_ns", 88, 8, 0 },
		{ "u8", "path", 96, 1, 0 },
		{ "u32", "tree", 100, 4, 0 },
		{ NULL, NULL, 0, 0, 0 },
	};
	const struct {
		const char *name;
		const struct field *common, *f;
		int tree_at, path_at;
	} layouts[] = {
		{ "0.7", common_61, fault_07, 92, 88 },
		{ "0.7 rt", common_rt, fault_07_rt, 100, 96 },
	};
	struct tep_handle *tep;
	unsigned char buf[128];
	struct tep_record rec = { .data = buf };
	struct fl_fault_event fe;
	struct fl_decoder d;
	char err[256] = "";
	unsigned int l;

	for (l = 0; l < 2; l++) {
		const char *name = layouts[l].name;

		tep = new_tep(false);
		ok(parse(tep, FL_TEV_FAULT, 1360, layouts[l].common,
			 layouts[l].f, fault_print),
		   "%s: libtraceevent parses the format with the tree", name);
		ok(!fl_decoder_init(&d, tep, err, sizeof(err)) &&
		   d.fault_tree && d.fault_path,
		   "%s: the decoder finds the tree field", name);
		rec.size = build(buf, 1360, layouts[l].f, fault_names,
				 fault_vals, FL_FAULT_NR_FIELDS, false);
		put(buf, layouts[l].path_at, 1, FAULTLAT_PATH_COW, false);
		put(buf, layouts[l].tree_at, 4, 0x87654321, false);
		ok(!fl_decode_fault(&d, &rec, &fe),
		   "%s: fault record decodes", name);
		is_u64(fe.tree, 0x87654321, name, "fault tree");
		is_u64(fe.path, FAULTLAT_PATH_COW, name, "fault path, before it");
		is_u64(fe.tgid, fault_vals[1], name, "fault tgid");
		rec.size = layouts[l].tree_at + 3;
		ok(fl_decode_fault(&d, &rec, &fe) == -1,
		   "%s: a record that ends inside the tree is refused", name);
		tep_free(tep);
	}

	/* before 0.7: no tree field, the fault decodes with tree 0 */
	tep = new_tep(false);
	parse(tep, FL_TEV_FAULT, 1360, common_61, fault_cz, fault_print);
	ok(!fl_decoder_init(&d, tep, err, sizeof(err)) && !d.fault_tree,
	   "0.6: no tree field found");
	rec.size = build(buf, 1360, fault_cz, fault_names, fault_vals,
			 FL_FAULT_NR_FIELDS, false);
	memset(&fe, 0xff, sizeof(fe));
	ok(!fl_decode_fault(&d, &rec, &fe) && !fe.tree,
	   "0.6: the fault decodes, tree 0");
	tep_free(tep);
}

static void test_errors(void)
{
	static const struct field no_tgid[] = {
		{ "u32", "pid", 8, 4, 0 },
		{ "unsigned long", "address", 16, 8, 0 },
		{ "u64", "latency_ns", 24, 8, 0 },
		{ "u32", "result", 32, 4, 0 },
		{ "u32", "attempts", 36, 4, 0 },
		{ "u8", "outcome", 40, 1, 0 },
		{ "u8", "mode", 41, 1, 0 },
		{ "u8", "kind", 42, 1, 0 },
		{ "u8", "access", 43, 1, 0 },
		{ NULL, NULL, 0, 0, 0 },
	};
	static const struct field odd_size[] = {
		{ "u32", "pid", 8, 4, 0 },
		{ "u32", "tgid", 12, 4, 0 },
		{ "unsigned long", "address", 16, 8, 0 },
		{ "u64", "latency_ns", 24, 8, 0 },
		{ "u8", "result[3]", 32, 3, 0 },
		{ "u32", "attempts", 36, 4, 0 },
		{ "u8", "outcome", 40, 1, 0 },
		{ "u8", "mode", 41, 1, 0 },
		{ "u8", "kind", 42, 1, 0 },
		{ "u8", "access", 43, 1, 0 },
		{ NULL, NULL, 0, 0, 0 },
	};
	static const char * const print[] = {
		"print fmt: \"pid=%u\", REC->pid\n", NULL
	};
	struct tep_handle *tep;
	struct fl_decoder d;
	char err[256] = "";

	tep = new_tep(false);
	ok(fl_decoder_init(&d, tep, err, sizeof(err)) == 0 && !d.fault &&
	   !d.tlb, "no faultlat events: init succeeds, both NULL");
	tep_free(tep);

	tep = new_tep(false);
	parse(tep, FL_TEV_FAULT, 1360, common_61, no_tgid, print);
	ok(fl_decoder_init(&d, tep, err, sizeof(err)) == -1 &&
	   !strcmp(err, "faultlat:fault has no field 'tgid'"),
	   "a format without tgid: init fails, naming the field");
	if (strcmp(err, "faultlat:fault has no field 'tgid'"))
		printf("#   err: %s\n", err);
	tep_free(tep);

	tep = new_tep(false);
	parse(tep, FL_TEV_FAULT, 1360, common_61, odd_size, print);
	ok(fl_decoder_init(&d, tep, err, sizeof(err)) == -1 &&
	   strstr(err, "field 'result' is not a number we can read"),
	   "a field that is an array: init fails");
	printf("#   %s\n", err);
	tep_free(tep);

	tep = new_tep(false);
	parse(tep, FL_TEV_TLB, 1359, common_61, tlb_61, tlb_print);
	ok(fl_decoder_init(&d, tep, err, sizeof(err)) == 0 && !d.fault &&
	   d.tlb, "only tlb_flush: fault NULL, tlb found");
	tep_free(tep);
}

int main(void)
{
	printf("TAP version 13\n");
	test_layout("6.1", common_61, fault_61, tlb_61, false);
	test_layout("rt", common_rt, fault_rt, tlb_rt, false);
	test_layout("reversed", common_61, fault_reversed, tlb_reversed, false);
	test_layout("6.1 big-endian", common_61, fault_61, tlb_61, true);
	test_path();
	test_causes();
	test_tree();
	test_errors();
	printf("1..%d\n", tests);
	printf("# %d passed, %d failed\n", tests - failed, failed);
	return failed ? 1 : 0;
}
