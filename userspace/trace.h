/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: the tracing engine of faultlat trace, shared with
 * faultlat record (which is trace --stack -j into a file, optionally of a
 * command it runs).
 */
#ifndef FAULTLAT_TRACE_H
#define FAULTLAT_TRACE_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

struct trace_opts {
	unsigned int pid;	/* 0: every process */
	bool min_set;
	__u64 min_ns;
	bool major;
	bool faults;		/* faultlat:fault */
	bool tlb;		/* faultlat:tlb_flush */
	bool stack;		/* and their stacks, and their mappings */
	__u64 duration_ns;	/* 0: until a signal */
	__u64 count;		/* 0: no limit */
	unsigned long buffer_kb;	/* 0: the kernel's default */
	FILE *out;		/* NULL: stdout */
	const char *name;	/* the command, for messages: "trace" */
	char **cmd;		/* record: the command to run and trace */
	bool inherit;		/* ... and its child processes (a tree) */
	int cmd_status;		/* its wait status, once it ended */
};

/* Trace as @o says; returns the exit code. */
int fl_trace_run(struct trace_opts *o);

#endif /* FAULTLAT_TRACE_H */
