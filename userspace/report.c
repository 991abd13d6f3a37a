// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat client: aggregating a recording (see report.h).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "report.h"

const char *fl_rpt_slot_name(unsigned int i)
{
	return i == FL_RPT_UNKNOWN ? "unknown" : fl_cause_name(i);
}

const char *fl_rpt_leaf(unsigned int i)
{
	static const char *const leaves[FL_RPT_SLOTS] = {
		[FAULTLAT_CAUSE_RECLAIM] = "[reclaim]",
		[FAULTLAT_CAUSE_COMPACTION] = "[compaction]",
		[FAULTLAT_CAUSE_MMAP_LOCK] = "[mmap_lock]",
		[FAULTLAT_CAUSE_IO] = "[io]",
		[FAULTLAT_CAUSE_UFFD] = "[uffd]",
		[FAULTLAT_CAUSE_PAGE_LOCK] = "[page_lock]",
		[FAULTLAT_CAUSE_FALLBACK] = "[fallback]",
		[FAULTLAT_CAUSE_ZEROING] = "[zeroing]",
		[FL_CZ_REST] = "[rest]",
		[FL_RPT_UNKNOWN] = "[unknown cause]",
	};

	return i < FL_RPT_SLOTS ? leaves[i] : NULL;
}

__u64 fl_rpt_timed(const struct fl_agg_entry *e)
{
	return e->count - e->cz_faults[FL_RPT_UNKNOWN];
}

void fl_report_init(struct fl_report *r)
{
	memset(r, 0, sizeof(*r));
	r->lost_ring = -1;
	r->unmapped = -1;
}

static void agg_free(struct fl_agg *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->e[i].key);
		free(a->e[i].sym);
		free(a->e[i].dso);
		free(a->e[i].src);
	}
	free(a->e);
	free(a->slots);
	memset(a, 0, sizeof(*a));
}

void fl_report_free(struct fl_report *r)
{
	agg_free(&r->sites);
	agg_free(&r->maps);
	agg_free(&r->folded);
	free(r->tgids);
	r->tgids = NULL;
	r->ntgids = 0;
	r->cap_tgids = 0;
}

static size_t hash(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static void agg_rehash(struct fl_agg *a)
{
	size_t i, j, n = a->nslots ? a->nslots * 2 : 256;
	size_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		abort();
	for (i = 0; i < a->n; i++) {
		for (j = hash(a->e[i].key) & (n - 1); slots[j];
		     j = (j + 1) & (n - 1))
			;
		slots[j] = i + 1;
	}
	free(a->slots);
	a->slots = slots;
	a->nslots = n;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* The entry of @key in @a, made (with the parts given) if new. */
static struct fl_agg_entry *agg_get(struct fl_agg *a, const char *key,
				    const char *sym, const char *dso,
				    const char *src, int line)
{
	struct fl_agg_entry *e;
	size_t j;

	if (!a->nslots || (a->n + 1) * 2 > a->nslots)
		agg_rehash(a);
	for (j = hash(key) & (a->nslots - 1); a->slots[j];
	     j = (j + 1) & (a->nslots - 1))
		if (!strcmp(a->e[a->slots[j] - 1].key, key))
			return &a->e[a->slots[j] - 1];
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->e = realloc(a->e, a->cap * sizeof(*a->e));
		if (!a->e)
			abort();
	}
	e = &a->e[a->n];
	memset(e, 0, sizeof(*e));
	e->key = strdup(key);
	e->sym = dup_or_null(sym);
	e->dso = dup_or_null(dso);
	e->src = dup_or_null(src);
	e->line = line;
	a->slots[j] = ++a->n;
	return e;
}

static int cmp_entry(const void *pa, const void *pb)
{
	const struct fl_agg_entry *a = pa, *b = pb;

	if (a->ns != b->ns)
		return a->ns > b->ns ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->key, b->key);
}

void fl_agg_sort(struct fl_agg *a)
{
	if (!a->n)
		return;
	qsort(a->e, a->n, sizeof(*a->e), cmp_entry);
	/* the slots point at the old places */
	free(a->slots);
	a->slots = NULL;
	a->nslots = 0;
	agg_rehash(a);
}

static const char *str_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static __u64 u64_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	return (__u64)json_object_get_uint64(v);
}

/* The last path component of @dso, or @dso */
static const char *base_of(const char *dso)
{
	const char *s = dso ? strrchr(dso, '/') : NULL;

	return s ? s + 1 : dso;
}

/* A frame's name in a folded stack: ';' and newlines would break it */
static void fold_frame(FILE *f, struct json_object *fr, bool kernel)
{
	const char *sym = str_of(fr, "sym"), *dso = str_of(fr, "dso");
	const char *s;

	if (sym) {
		for (s = sym; *s; s++)
			fputc(*s == ';' || *s == '\n' ? ':' : *s, f);
	} else if (dso && !kernel) {
		fprintf(f, "[%s]", base_of(dso));
	} else {
		fputs("[unknown]", f);
	}
	if (kernel)
		fputs("_[k]", f);
}

/*
 * A fault of @ns, its time by cause @slots, into @e; if not @timed, its
 * time is all the unknown slot's, and it is one of the slot's faults.
 */
static void add_to(struct fl_agg_entry *e, __u64 ns,
		   const __u64 slots[FL_RPT_SLOTS], bool timed)
{
	unsigned int i;

	e->count++;
	e->ns += ns;
	for (i = 0; i < FL_RPT_SLOTS; i++)
		e->cz[i] += slots[i];
	for (i = 0; i < FL_RPT_UNKNOWN; i++)
		e->cz_faults[i] += !!slots[i];
	e->cz_faults[FL_RPT_UNKNOWN] += !timed;
}

/*
 * The time by cause of fault @o, of @ns, into @slots: its "causes" (true),
 * or all of it unknown when it has none, or one we cannot read (false).
 */
static bool causes_of(struct fl_report *r, struct json_object *o, __u64 ns,
		      __u64 slots[FL_RPT_SLOTS])
{
	struct json_object *cz;
	int told;

	memset(slots, 0, FL_RPT_SLOTS * sizeof(*slots));
	if (json_object_object_get_ex(o, "causes", &cz) && cz) {
		told = fl_parse_fault_causes(cz, ns, slots);
		if (told >= 0) {
			if ((unsigned int)told > r->causes_told)
				r->causes_told = told;
			return true;
		}
		memset(slots, 0, FL_RPT_SLOTS * sizeof(*slots));
		r->bad_causes++;
	}
	slots[FL_RPT_UNKNOWN] = ns;
	return false;
}

/* @tgid among the processes of the recording (the last few looked at first) */
static void note_tgid(struct fl_report *r, __u32 tgid)
{
	size_t i;
	__u32 *n;

	for (i = r->ntgids; i > 0; i--)
		if (r->tgids[i - 1] == tgid)
			return;
	if (r->ntgids == r->cap_tgids) {
		n = realloc(r->tgids, (r->cap_tgids * 2 + 16) * sizeof(*n));
		if (!n)
			return;
		r->tgids = n;
		r->cap_tgids = r->cap_tgids * 2 + 16;
	}
	r->tgids[r->ntgids++] = tgid;
}

static void add_fault(struct fl_report *r, struct json_object *o)
{
	struct json_object *us = NULL, *ks = NULL, *map = NULL, *fr;
	__u64 slots[FL_RPT_SLOTS];
	const char *comm = str_of(o, "comm"), *mname = NULL;
	__u64 ns = u64_of(o, "latency_ns");
	struct fl_agg_entry *e;
	char *fold = NULL, line[16];
	size_t flen = 0, i, n;
	bool has_stacks, timed;
	FILE *f;

	if (r->pid && u64_of(o, "tgid") != r->pid)
		return;
	has_stacks = json_object_object_get_ex(o, "user_stack", &us) |
		     json_object_object_get_ex(o, "kernel_stack", &ks);
	json_object_object_get_ex(o, "mapping", &map);
	if (us && !json_object_is_type(us, json_type_array))
		us = NULL;
	if (ks && !json_object_is_type(ks, json_type_array))
		ks = NULL;
	note_tgid(r, u64_of(o, "tgid"));
	timed = causes_of(r, o, ns, slots);
	add_to(&r->all, ns, slots, timed);
	r->faults++;
	r->ns += ns;
	if (!has_stacks)
		r->no_stacks++;
	else if (!us || !json_object_array_length(us))
		r->no_ustack++;
	else if (json_object_array_length(us) == 1)
		r->one_frame++;

	/* by call site: the innermost user frame */
	if (us && json_object_array_length(us)) {
		const char *sym, *src;
		int ln;

		fr = json_object_array_get_idx(us, 0);
		sym = str_of(fr, "sym");
		src = str_of(fr, "src");
		ln = (int)u64_of(fr, "line");
		snprintf(line, sizeof(line), "%d", ln);
		f = open_memstream(&fold, &flen);
		fprintf(f, "%s\x01%s\x01%s\x01%s", sym ? sym : "[unknown]",
			str_of(fr, "dso") ?: "", src ?: "", line);
		fclose(f);
		e = agg_get(&r->sites, fold, sym ? sym : "[unknown]",
			    str_of(fr, "dso"), src, src ? ln : 0);
		free(fold);
		fold = NULL;
	} else {
		e = agg_get(&r->sites, has_stacks ? "[no user stack]" :
			    "[not recorded]", has_stacks ? "[no user stack]" :
			    "[not recorded]", NULL, NULL, 0);
	}
	add_to(e, ns, slots, timed);

	/* by mapping */
	if (map)
		mname = str_of(map, "name");
	e = agg_get(&r->maps, mname ?: "[not recorded]",
		    mname ?: "[not recorded]", NULL, NULL, 0);
	if (map && json_object_object_get_ex(map, "file", &fr))
		e->file = json_object_get_boolean(fr);
	add_to(e, ns, slots, timed);

	/* folded: comm, user frames from the outermost, then the kernel's */
	f = open_memstream(&fold, &flen);
	fputs(comm ?: "[unknown]", f);
	n = us ? json_object_array_length(us) : 0;
	for (i = n; i-- > 0;) {
		fputc(';', f);
		fold_frame(f, json_object_array_get_idx(us, i), false);
	}
	n = ks ? json_object_array_length(ks) : 0;
	for (i = n; i-- > 0;) {
		fputc(';', f);
		fold_frame(f, json_object_array_get_idx(ks, i), true);
	}
	fclose(f);
	e = agg_get(&r->folded, fold, NULL, NULL, NULL, 0);
	free(fold);
	add_to(e, ns, slots, timed);
}

int fl_report_add_line(struct fl_report *r, const char *line)
{
	struct json_object *o;
	const char *type;

	r->lines++;
	o = json_tokener_parse(line);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		r->bad++;
		return -1;
	}
	type = str_of(o, "type");
	if (type && !strcmp(type, "fault")) {
		add_fault(r, o);
	} else if (type && !strcmp(type, "lost")) {
		r->lost += u64_of(o, "count");
	} else if (type && !strcmp(type, "summary")) {
		struct json_object *v;

		if (json_object_object_get_ex(o, "lost", &v) && v)
			r->lost_ring = json_object_get_int64(v);
		if (json_object_object_get_ex(o, "processes_unmapped", &v) && v)
			r->unmapped = json_object_get_int64(v);
	}
	json_object_put(o);
	return 0;
}

int fl_report_read(struct fl_report *r, FILE *in)
{
	char *line = NULL;
	size_t len = 0;

	while (getline(&line, &len, in) > 0) {
		if (line[0] == '\n')
			continue;
		fl_report_add_line(r, line);
	}
	free(line);
	return ferror(in) ? -1 : 0;
}

void fl_report_folded(FILE *f, struct fl_report *r)
{
	unsigned int c;
	size_t i;

	fl_agg_sort(&r->folded);
	for (i = 0; i < r->folded.n; i++) {
		const struct fl_agg_entry *e = &r->folded.e[i];

		if (!r->causes) {
			fprintf(f, "%s %llu\n", e->key,
				(unsigned long long)e->ns);
			continue;
		}
		for (c = 0; c < FL_RPT_SLOTS; c++)
			if (e->cz[c])
				fprintf(f, "%s;%s %llu\n", e->key,
					fl_rpt_leaf(c),
					(unsigned long long)e->cz[c]);
	}
}

static struct json_object *share(__u64 ns, __u64 total)
{
	return json_object_new_double(total ? (double)ns / total : 0.0);
}

/*
 * Slot @i is in the JSON: the rest, the unknown, and the causes that the
 * recording's faults tell (those of a module before 0.8 lack the last
 * three, which are unknown there, not 0).
 */
static bool slot_told(const struct fl_report *r, unsigned int i)
{
	return i >= FAULTLAT_NR_CAUSES_ALL || i < r->causes_told;
}

/*
 * An entry's time by cause: {"reclaim_ns", ..., "rest_ns", "unknown_ns"};
 * null when no fault of the recording was timed by cause.
 */
static struct json_object *entry_causes(const struct fl_report *r,
					const struct fl_agg_entry *e)
{
	struct json_object *o;
	unsigned int i;
	char key[32];

	if (!fl_rpt_timed(&r->all))
		return NULL;
	o = json_object_new_object();
	for (i = 0; i < FL_RPT_SLOTS; i++) {
		if (!slot_told(r, i))
			continue;
		snprintf(key, sizeof(key), "%s_ns", fl_rpt_slot_name(i));
		json_object_object_add(o, key, json_object_new_uint64(e->cz[i]));
	}
	return o;
}

/*
 * The recording's time by cause: null when no fault was timed; else the
 * faults timed and their time, each cause's (and the rest's) faults, time
 * and share of the whole recording's time, and the faults not timed.
 */
static struct json_object *report_causes(const struct fl_report *r)
{
	const struct fl_agg_entry *a = &r->all;
	struct json_object *o, *by, *e;
	unsigned int i;

	if (!fl_rpt_timed(a))
		return NULL;
	o = json_object_new_object();
	by = json_object_new_object();
	json_object_object_add(o, "faults", json_object_new_uint64(fl_rpt_timed(a)));
	json_object_object_add(o, "time_ns",
			       json_object_new_uint64(a->ns - a->cz[FL_RPT_UNKNOWN]));
	for (i = 0; i < FL_RPT_SLOTS; i++) {
		if (!slot_told(r, i))
			continue;
		e = json_object_new_object();
		json_object_object_add(e, "faults",
				       json_object_new_uint64(a->cz_faults[i]));
		json_object_object_add(e, "time_ns",
				       json_object_new_uint64(a->cz[i]));
		json_object_object_add(e, "share", share(a->cz[i], a->ns));
		if (i == FL_RPT_UNKNOWN) {
			json_object_object_add(o, "by_cause", by);
			json_object_object_add(o, "unknown", e);
		} else {
			json_object_object_add(by, fl_rpt_slot_name(i), e);
		}
	}
	return o;
}

struct json_object *fl_report_json(struct fl_report *r, const char *path)
{
	struct json_object *o = json_object_new_object(), *a, *e;
	size_t i;

	fl_agg_sort(&r->sites);
	fl_agg_sort(&r->maps);
	json_object_object_add(o, "file", path ?
			       json_object_new_string(path) : NULL);
	json_object_object_add(o, "faults", json_object_new_uint64(r->faults));
	json_object_object_add(o, "time_ns", json_object_new_uint64(r->ns));
	json_object_object_add(o, "lost", json_object_new_uint64(r->lost));
	json_object_object_add(o, "lost_ring", r->lost_ring < 0 ? NULL :
			       json_object_new_int64(r->lost_ring));
	json_object_object_add(o, "processes",
			       json_object_new_uint64(r->ntgids));
	json_object_object_add(o, "processes_unmapped", r->unmapped < 0 ?
			       NULL : json_object_new_int64(r->unmapped));
	json_object_object_add(o, "one_frame_user_stacks",
			       json_object_new_uint64(r->one_frame));
	json_object_object_add(o, "no_user_stack", json_object_new_uint64(r->no_ustack));
	json_object_object_add(o, "no_stacks", json_object_new_uint64(r->no_stacks));
	json_object_object_add(o, "unreadable_lines", json_object_new_uint64(r->bad));
	json_object_object_add(o, "unreadable_causes",
			       json_object_new_uint64(r->bad_causes));
	json_object_object_add(o, "causes", report_causes(r));
	a = json_object_new_array();
	for (i = 0; i < r->sites.n; i++) {
		const struct fl_agg_entry *s = &r->sites.e[i];

		e = json_object_new_object();
		json_object_object_add(e, "sym", json_object_new_string(s->sym));
		json_object_object_add(e, "dso", s->dso ?
				       json_object_new_string(s->dso) : NULL);
		json_object_object_add(e, "src", s->src ?
				       json_object_new_string(s->src) : NULL);
		json_object_object_add(e, "line", s->line ?
				       json_object_new_int(s->line) : NULL);
		json_object_object_add(e, "faults", json_object_new_uint64(s->count));
		json_object_object_add(e, "time_ns", json_object_new_uint64(s->ns));
		json_object_object_add(e, "share", share(s->ns, r->ns));
		json_object_object_add(e, "causes", entry_causes(r, s));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "sites", a);
	a = json_object_new_array();
	for (i = 0; i < r->maps.n; i++) {
		const struct fl_agg_entry *m = &r->maps.e[i];

		e = json_object_new_object();
		json_object_object_add(e, "mapping",
				       json_object_new_string(m->sym));
		json_object_object_add(e, "file",
				       json_object_new_boolean(m->file));
		json_object_object_add(e, "faults", json_object_new_uint64(m->count));
		json_object_object_add(e, "time_ns", json_object_new_uint64(m->ns));
		json_object_object_add(e, "share", share(m->ns, r->ns));
		json_object_object_add(e, "causes", entry_causes(r, m));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "mappings", a);
	return o;
}
