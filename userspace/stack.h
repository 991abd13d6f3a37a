/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: the stacks of trace --stack and record.
 *
 * With the tracefs instance's options "stacktrace" and "userstacktrace",
 * ftrace writes, right after each faultlat:fault event it keeps, an
 * ftrace:kernel_stack and (for a task with a user context) an
 * ftrace:user_stack record, on the same CPU's ring buffer.  These are
 * decoded here (fields looked up by name in their formats), the tracing
 * frames at the top of the kernel stack dropped, and the stacks written,
 * symbolized by sym.c, as text or JSON.
 *
 * The user stack is the kernel's frame-pointer walk (at most 8 entries,
 * FTRACE_STACK_ENTRIES): a program built without frame pointers gives
 * its faulting instruction alone.
 */
#ifndef FAULTLAT_STACK_H
#define FAULTLAT_STACK_H

#include <stdbool.h>
#include <stdio.h>
#include <event-parse.h>
#include <json-c/json.h>
#include <linux/types.h>

#include "sym.h"

#define FL_TEV_FTRACE		"ftrace"
#define FL_TEV_KSTACK		"kernel_stack"
#define FL_TEV_USTACK		"user_stack"
#define FL_STACK_MAX		128

struct fl_stack {
	unsigned int n;
	__u64 ip[FL_STACK_MAX];	/* [0] innermost */
};

struct fl_stack_decoder {
	struct tep_event *kstack;	/* NULL: not in the format data */
	struct tep_event *ustack;
	struct tep_format_field *ksize, *kcaller, *ucaller;
};

/* Look the events' fields up in @tep.  Returns 0, or -1 if one lacks them. */
int fl_stack_decoder_init(struct fl_stack_decoder *d, struct tep_handle *tep);

/*
 * fl_stack_decode() - the addresses of @rec, a record of @ev (the kernel
 * or the user stack event) into @s.  Returns 0, or -1 if @rec is short.
 */
int fl_stack_decode(const struct fl_stack_decoder *d, struct tep_event *ev,
		    const struct tep_record *rec, struct fl_stack *s);

/*
 * fl_kstack_skip() - how many frames at the top of kernel stack @s are
 * the tracing's own (the trace event, faultlat's handler and trampoline,
 * kretprobe machinery), to be left out.
 */
unsigned int fl_kstack_skip(struct fl_syms *syms, const struct fl_stack *s);

/* What one fault's stacks are: either may be absent (n == 0). */
struct fl_fault_stacks {
	__u32 tgid;
	__u64 address;
	bool has_kstack, has_ustack;
	struct fl_stack kstack, ustack;
};

/* The mapping and the stacks, a line each, indented, after the event's. */
void fl_stacks_print(FILE *f, struct fl_syms *syms,
		     const struct fl_fault_stacks *st);

/*
 * Add "mapping" ({"name", "offset", "file"}), "user_stack" and
 * "kernel_stack" (arrays of {"addr", "sym", "off", "dso", "src",
 * "line"}, innermost first; null when not captured) to @o.
 */
void fl_stacks_json(struct json_object *o, struct fl_syms *syms,
		    const struct fl_fault_stacks *st);

#endif /* FAULTLAT_STACK_H */
