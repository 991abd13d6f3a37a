/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: the Prometheus text exposition format (version 0.0.4)
 * of faultlat's statistics, for faultlat export.  Pure: it formats a
 * snapshot read elsewhere, and is unit-tested in tests/prom_test.c.  The
 * metrics are documented in Documentation/userspace/export.rst.
 */
#ifndef FAULTLAT_PROM_H
#define FAULTLAT_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/faultlat.h>

#include "causes.h"
#include "cgroup.h"
#include "dev.h"

/* One process of the per-process series, or the fold of the others. */
struct fl_prom_proc {
	__u32 pid;			/* 0: "other" */
	char comm[FL_COMM_LEN + 1];
	__u64 minor;
	__u64 major;
	__u64 errors;
	__u64 fault_ns;			/* time in minor and major faults */
};

/* One cgroup of the per-cgroup series: its faults and its descendants'. */
struct fl_prom_cgroup {
	const char *path;		/* below the cgroup2 mount: "/", "/a.slice" */
	__u64 id;
	__u64 minor;
	__u64 major;
	__u64 errors;
	__u64 fault_ns;			/* time in minor and major faults */
	struct fl_causes causes;	/* their time by cause */
	__u64 paths[FAULTLAT_NR_PATHS];	/* and by path */
};

/* Everything one exposition shows, read at once. */
struct fl_prom_snap {
	struct faultlat_info info;
	struct faultlat_global g;
	bool tlb;			/* @tg holds the TLB flushes */
	struct faultlat_tlb_global tg;
	bool procs_on;			/* per-process series (--top) */
	const struct fl_prom_proc *procs;	/* the top ones, then "other" */
	unsigned int nr_procs;
	bool cgroups_on;		/* per-cgroup series (--top-cgroups) */
	const struct fl_prom_cgroup *cgroups;	/* the top ones, in order */
	unsigned int nr_cgroups;
};

/*
 * fl_prom_top() - the per-process series of @nr process records: the @top
 * ones with the most time in faults (ties: more faults, then lower pid),
 * then one "other" row (pid 0) summing the rest, present even when there
 * is no rest, so that the set of series only changes when the top does.
 * *@rows is malloc()ed; returns 0, or -ENOMEM.
 */
int fl_prom_top(const struct faultlat_task_entry *e, unsigned int nr,
		unsigned int top, struct fl_prom_proc **rows,
		unsigned int *nr_rows);

/*
 * fl_prom_top_cgroups() - the per-cgroup series of the @nr records of
 * FAULTLAT_IOC_CGROUP_LIST @e: each cgroup's sums, its descendants'
 * records added (fl_cgroup_sums(), along @t's directories), for the @top
 * cgroups with the most time in faults (ties: more faults, then the lower
 * id).  Only the cgroups with a directory in @t take part: the others
 * were removed since (their records still count in their ancestors'), or
 * are not below the mount.  Of two cgroups whose paths make the same
 * label (fl_prom_label()), the lower ranked one is left out.  No "other"
 * row: the root cgroup's sums are everything's.  The rows' paths point
 * into @t.  *@rows is malloc()ed; returns 0, or -ENOMEM.
 */
int fl_prom_top_cgroups(const struct faultlat_cgroup_entry *e, __u32 nr,
			const struct fl_cgroup_tree *t, unsigned int top,
			struct fl_prom_cgroup **rows, unsigned int *nr_rows);

/*
 * fl_prom_seconds() - @ns as an exact decimal number of seconds, without
 * trailing zeros: "0.00000016", "1.5", "17" ("+Inf" for ~0).
 */
int fl_prom_seconds(char *buf, size_t len, __u64 ns);

/*
 * fl_prom_label() - @s as a label value, quotes excluded: backslash,
 * double quote and newline escaped, other control and non-ASCII bytes
 * (a comm is any bytes, a label value must be UTF-8) replaced by '?'.
 */
void fl_prom_label(char *buf, size_t len, const char *s);

/*
 * fl_prom_write() - the exposition of @s on @f.  With @octaves, the
 * histograms have one bucket per power of two (30) instead of every
 * bucket of the module (114).  Returns 0, or -1 if writing failed or
 * memory ran out.
 */
int fl_prom_write(FILE *f, const struct fl_prom_snap *s, bool octaves);

#endif /* FAULTLAT_PROM_H */
