// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat client: decoding faultlat:fault and faultlat:tlb_flush records.
 *
 * fl_decoder_init() resolves each event's field names to libtraceevent's
 * field descriptors once; the decoders read every field through
 * tep_read_number_field(), which applies the field's offset, size and the
 * trace data's byte order.
 */
#include <stdio.h>
#include <string.h>

#include "tevent.h"
#include "util.h"

/* The fields we read, in the order of the values fl_decode_*() fill in. */
enum {
	F_PID, F_TGID, F_ADDRESS, F_LATENCY, F_RESULT, F_ATTEMPTS, F_OUTCOME,
	F_MODE, F_KIND, F_ACCESS
};

static const char * const fault_names[FL_FAULT_NR_FIELDS] = {
	[F_PID] = "pid",
	[F_TGID] = "tgid",
	[F_ADDRESS] = "address",
	[F_LATENCY] = "latency_ns",
	[F_RESULT] = "result",
	[F_ATTEMPTS] = "attempts",
	[F_OUTCOME] = "outcome",
	[F_MODE] = "mode",
	[F_KIND] = "kind",
	[F_ACCESS] = "access",
};

static const char * const fault_path_name[] = { "path" };
static const char * const fault_tree_name[] = { "tree" };

/* the time by cause (0.5; the causes after the first five 0.8) */
static const char * const fault_cause_names[FAULTLAT_NR_CAUSES_ALL] = {
	[FAULTLAT_CAUSE_RECLAIM] = "reclaim_ns",
	[FAULTLAT_CAUSE_COMPACTION] = "compaction_ns",
	[FAULTLAT_CAUSE_MMAP_LOCK] = "mmap_lock_ns",
	[FAULTLAT_CAUSE_IO] = "io_ns",
	[FAULTLAT_CAUSE_UFFD] = "uffd_ns",
	[FAULTLAT_CAUSE_PAGE_LOCK] = "page_lock_ns",
	[FAULTLAT_CAUSE_FALLBACK] = "fallback_ns",
	[FAULTLAT_CAUSE_ZEROING] = "zeroing_ns",
};

enum {
	T_PID, T_START, T_END, T_PAGES, T_LATENCY, T_REMOTE, T_REASON
};

static const char * const tlb_names[FL_TLB_NR_FIELDS] = {
	[T_PID] = "pid",
	[T_START] = "start",
	[T_END] = "end",
	[T_PAGES] = "pages",
	[T_LATENCY] = "latency_ns",
	[T_REMOTE] = "remote_cpus",
	[T_REASON] = "reason",
};

/* Look up the @n fields of @ev named @names into @fields. */
static int find_fields(struct tep_event *ev, const char * const *names,
		       unsigned int n, struct tep_format_field **fields,
		       char *err, size_t len)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct tep_format_field *f = tep_find_field(ev, names[i]);

		if (!f) {
			snprintf(err, len, "%s:%s has no field '%s'",
				 ev->system, ev->name, names[i]);
			return -1;
		}
		/* tep_read_number_field() reads scalars of 1, 2, 4, 8 bytes */
		if ((f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_STRING |
				 TEP_FIELD_IS_DYNAMIC)) ||
		    (f->size != 1 && f->size != 2 && f->size != 4 &&
		     f->size != 8) || f->offset < 0) {
			snprintf(err, len,
				 "%s:%s field '%s' is not a number we can read (%d bytes at offset %d)",
				 ev->system, ev->name, names[i], f->size,
				 f->offset);
			return -1;
		}
		fields[i] = f;
	}
	return 0;
}

int fl_decoder_init(struct fl_decoder *d, struct tep_handle *tep, char *err,
		    size_t len)
{
	memset(d, 0, sizeof(*d));
	d->fault = tep_find_event_by_name(tep, FL_TEV_SYSTEM, FL_TEV_FAULT);
	d->tlb = tep_find_event_by_name(tep, FL_TEV_SYSTEM, FL_TEV_TLB);
	if (d->fault && find_fields(d->fault, fault_names,
				    FL_FAULT_NR_FIELDS, d->fault_fields, err,
				    len))
		return -1;
	/* the path (0.6): optional, a module before has none */
	if (d->fault && tep_find_field(d->fault, "path") &&
	    find_fields(d->fault, fault_path_name, 1, &d->fault_path, err,
			len))
		return -1;
	/* the tree (0.7): optional, a module before has none */
	if (d->fault && tep_find_field(d->fault, "tree") &&
	    find_fields(d->fault, fault_tree_name, 1, &d->fault_tree, err,
			len))
		return -1;
	/* the causes (0.5): all or none, a module before has none */
	if (d->fault && tep_find_field(d->fault, fault_cause_names[0]) &&
	    find_fields(d->fault, fault_cause_names, FAULTLAT_NR_CAUSES,
			d->fault_causes, err, len))
		return -1;
	/*
	 * and the causes after them (0.8): all or none, likewise; no
	 * released module has page_lock_ns and fallback_ns without
	 * zeroing_ns
	 */
	if (d->fault_causes[0] &&
	    tep_find_field(d->fault, fault_cause_names[FAULTLAT_NR_CAUSES]) &&
	    find_fields(d->fault, fault_cause_names + FAULTLAT_NR_CAUSES,
			FAULTLAT_NR_CAUSES_ALL - FAULTLAT_NR_CAUSES,
			d->fault_causes + FAULTLAT_NR_CAUSES, err, len))
		return -1;
	if (d->tlb && find_fields(d->tlb, tlb_names, FL_TLB_NR_FIELDS,
				  d->tlb_fields, err, len))
		return -1;
	return 0;
}

/* Read the @n fields of @rec into @v; -1 if @rec is too short for one. */
static int read_fields(struct tep_format_field * const *fields,
		       unsigned int n, const struct tep_record *rec,
		       unsigned long long *v)
{
	unsigned int i;

	if (!rec->data || rec->size < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct tep_format_field *f = fields[i];

		if ((unsigned int)f->offset + f->size > (unsigned int)rec->size)
			return -1;
		if (tep_read_number_field(f, rec->data, &v[i]))
			return -1;
	}
	return 0;
}

int fl_decode_fault(const struct fl_decoder *d, const struct tep_record *rec,
		    struct fl_fault_event *e)
{
	unsigned long long v[FL_FAULT_NR_FIELDS], cz[FAULTLAT_NR_CAUSES_ALL];
	unsigned int i, told;

	memset(e, 0, sizeof(*e));
	if (!d->fault ||
	    read_fields(d->fault_fields, FL_FAULT_NR_FIELDS, rec, v))
		return -1;
	e->pid = v[F_PID];
	e->tgid = v[F_TGID];
	e->address = v[F_ADDRESS];
	e->latency_ns = v[F_LATENCY];
	e->result = v[F_RESULT];
	e->attempts = v[F_ATTEMPTS];
	e->outcome = v[F_OUTCOME];
	e->mode = v[F_MODE];
	e->kind = v[F_KIND];
	e->access = v[F_ACCESS];
	e->path = FAULTLAT_NR_PATHS;
	if (d->fault_causes[0]) {
		told = d->fault_causes[FAULTLAT_NR_CAUSES] ?
		       FAULTLAT_NR_CAUSES_ALL : FAULTLAT_NR_CAUSES;
		if (read_fields(d->fault_causes, told, rec, cz))
			return -1;
		for (i = 0; i < told; i++)
			e->cause_ns[i] = cz[i];
		e->causes_told = told;
	}
	if (d->fault_path) {
		if (read_fields(&d->fault_path, 1, rec, v))
			return -1;
		e->path = v[0];
	}
	if (d->fault_tree) {
		if (read_fields(&d->fault_tree, 1, rec, v))
			return -1;
		e->tree = v[0];
	}
	return 0;
}

int fl_decode_tlb(const struct fl_decoder *d, const struct tep_record *rec,
		  struct fl_tlb_event *e)
{
	unsigned long long v[FL_TLB_NR_FIELDS];

	memset(e, 0, sizeof(*e));
	if (!d->tlb || read_fields(d->tlb_fields, FL_TLB_NR_FIELDS, rec, v))
		return -1;
	e->pid = v[T_PID];
	e->start = v[T_START];
	e->end = v[T_END];
	e->pages = v[T_PAGES];
	e->latency_ns = v[T_LATENCY];
	e->remote_cpus = v[T_REMOTE];
	e->reason = v[T_REASON];
	return 0;
}
