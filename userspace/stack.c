// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat client: decoding, trimming and writing stacks (see stack.h).
 */
#define _GNU_SOURCE
#include <string.h>

#include "json.h"
#include "stack.h"
#include "util.h"

int fl_stack_decoder_init(struct fl_stack_decoder *d, struct tep_handle *tep)
{
	memset(d, 0, sizeof(*d));
	d->kstack = tep_find_event_by_name(tep, FL_TEV_FTRACE, FL_TEV_KSTACK);
	d->ustack = tep_find_event_by_name(tep, FL_TEV_FTRACE, FL_TEV_USTACK);
	if (d->kstack) {
		d->ksize = tep_find_field(d->kstack, "size");
		d->kcaller = tep_find_field(d->kstack, "caller");
		if (!d->ksize || !d->kcaller)
			return -1;
	}
	if (d->ustack) {
		d->ucaller = tep_find_field(d->ustack, "caller");
		if (!d->ucaller)
			return -1;
	}
	return 0;
}

int fl_stack_decode(const struct fl_stack_decoder *d, struct tep_event *ev,
		    const struct tep_record *rec, struct fl_stack *s)
{
	const struct tep_format_field *caller;
	unsigned long long size = ~0ULL;
	const unsigned char *data = rec->data;
	unsigned int i, n, word;

	s->n = 0;
	if (ev == d->kstack) {
		caller = d->kcaller;
		if (tep_read_number_field(d->ksize, rec->data, &size))
			return -1;
	} else if (ev == d->ustack) {
		caller = d->ucaller;
	} else {
		return -1;
	}
	word = caller->elementsize > 0 ? caller->elementsize : 8;
	if (word != 4 && word != 8)
		return -1;
	if (caller->offset < 0 || caller->offset > rec->size)
		return -1;
	/*
	 * The kernel stack holds "size" entries, however many its format's
	 * caller[8] says; the user stack is caller[8], ended by a 0.
	 */
	n = (rec->size - caller->offset) / word;
	if (size < n)
		n = size;
	for (i = 0; i < n && s->n < FL_STACK_MAX; i++) {
		__u64 ip = tep_read_number(ev->tep,
					   data + caller->offset + i * word,
					   word);

		if (!ip || ip == ~0ULL || (word == 4 && ip == 0xffffffffULL))
			break;
		s->ip[s->n++] = ip;
	}
	return 0;
}

static bool tracing_frame(const char *name)
{
	static const char * const prefixes[] = {
		"trace_event_raw_event_", "perf_trace_", "fl_", "faultlat_",
		"__kretprobe", "kretprobe", "__rethook", "rethook",
		"arch_rethook", "pre_handler_kretprobe", "ftrace_",
		"__ftrace_", "trace_", "__traceiter_", "__trace_",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

unsigned int fl_kstack_skip(struct fl_syms *syms, const struct fl_stack *s)
{
	struct fl_frame f;
	unsigned int i;

	/*
	 * The frames above handle_mm_fault(), whose return the module
	 * traces: its own, the tracepoint's (6.1 shows __traceiter_fault,
	 * 6.12 trace_event_raw_event_fault) and the probe machinery's
	 */
	for (i = 0; i < s->n; i++) {
		fl_syms_kernel(syms, s->ip[i], &f);
		if (f.sym && !strcmp(f.sym, "handle_mm_fault"))
			return i;
	}
	for (i = 0; i < s->n; i++) {
		fl_syms_kernel(syms, s->ip[i], &f);
		if (!f.sym || !tracing_frame(f.sym))
			break;
	}
	return i < s->n ? i : 0;
}

static void frame_print(FILE *f, const struct fl_frame *fr, bool kernel)
{
	fprintf(f, "        %016llx ", (unsigned long long)fr->addr);
	if (fr->sym)
		fprintf(f, "%s+0x%llx", fr->sym, (unsigned long long)fr->off);
	else
		fputs("[unknown]", f);
	if (kernel)
		fputs(" ([kernel])", f);
	else if (fr->dso)
		fprintf(f, " (%s)", fr->dso);
	if (fr->src)
		fprintf(f, " %s:%d", fr->src, fr->line);
	fputc('\n', f);
}

void fl_stacks_print(FILE *f, struct fl_syms *syms,
		     const struct fl_fault_stacks *st)
{
	struct fl_mapping m;
	struct fl_frame fr;
	unsigned int i;

	fl_syms_mapping(syms, st->tgid, st->address, &m);
	if (m.file)
		fprintf(f, "    mapping: %s+0x%llx\n", m.name,
			(unsigned long long)m.offset);
	else
		fprintf(f, "    mapping: %s\n", m.name);
	if (st->has_ustack) {
		fprintf(f, "    user stack:%s\n", st->ustack.n == 1 ?
			" (one frame: no frame pointers?)" : "");
		for (i = 0; i < st->ustack.n; i++) {
			fl_syms_user(syms, st->tgid, st->ustack.ip[i], i > 0,
				     &fr);
			frame_print(f, &fr, false);
		}
	}
	if (st->has_kstack) {
		fprintf(f, "    kernel stack:\n");
		for (i = fl_kstack_skip(syms, &st->kstack); i < st->kstack.n;
		     i++) {
			fl_syms_kernel(syms, st->kstack.ip[i], &fr);
			frame_print(f, &fr, true);
		}
	}
}

static struct json_object *frame_json(const struct fl_frame *fr)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "addr", fl_json_u64(fr->addr));
	json_object_object_add(o, "sym", fr->sym ?
			       json_object_new_string(fr->sym) : NULL);
	json_object_object_add(o, "off", fl_json_u64(fr->off));
	json_object_object_add(o, "dso", fr->dso ?
			       json_object_new_string(fr->dso) : NULL);
	json_object_object_add(o, "src", fr->src ?
			       json_object_new_string(fr->src) : NULL);
	json_object_object_add(o, "line", fr->line ?
			       json_object_new_int(fr->line) : NULL);
	return o;
}

void fl_stacks_json(struct json_object *o, struct fl_syms *syms,
		    const struct fl_fault_stacks *st)
{
	struct json_object *m, *a;
	struct fl_mapping map;
	struct fl_frame fr;
	unsigned int i;

	fl_syms_mapping(syms, st->tgid, st->address, &map);
	m = json_object_new_object();
	json_object_object_add(m, "name", json_object_new_string(map.name));
	json_object_object_add(m, "offset", fl_json_u64(map.offset));
	json_object_object_add(m, "file", json_object_new_boolean(map.file));
	json_object_object_add(o, "mapping", m);
	a = NULL;
	if (st->has_ustack) {
		a = json_object_new_array();
		for (i = 0; i < st->ustack.n; i++) {
			fl_syms_user(syms, st->tgid, st->ustack.ip[i], i > 0,
				     &fr);
			json_object_array_add(a, frame_json(&fr));
		}
	}
	json_object_object_add(o, "user_stack", a);
	a = NULL;
	if (st->has_kstack) {
		a = json_object_new_array();
		for (i = fl_kstack_skip(syms, &st->kstack); i < st->kstack.n;
		     i++) {
			fl_syms_kernel(syms, st->kstack.ip[i], &fr);
			json_object_array_add(a, frame_json(&fr));
		}
	}
	json_object_object_add(o, "kernel_stack", a);
}
