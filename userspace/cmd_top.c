// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat top: the processes (or, with --cgroups, the cgroups) that spent
 * the most time in page faults in the last interval, refreshed every
 * interval.
 *
 * Every interval, FAULTLAT_IOC_LIST gives each process record's counts;
 * the processes whose counts moved are read with FAULTLAT_IOC_TASK, and
 * their interval is the difference of two reads of their statistics
 * (interval.c): counts, time, and the histogram the p99 and the max come
 * from.  The first read of every process is the baseline.
 *
 * With --cgroups, FAULTLAT_IOC_CGROUP_LIST gives every cgroup record's own
 * faults and histogram; each cgroup's are added to its ancestors' (along
 * parent_id, and the cgroup2 tree for parents without a record), and a
 * cgroup's interval is the difference of two such sums.  A sum is kept
 * whole when a cgroup is removed (its record's counts go to its parent's,
 * inside the same sums); a cgroup's id is mapped to its path by the inode
 * numbers of the directories of the cgroup2 mount, walked at every read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cmd.h"
#include "dev.h"
#include "hist.h"
#include "interval.h"
#include "json.h"
#include "sample.h"
#include "util.h"

void cmd_top_help(FILE *f)
{
	fprintf(f,
		"Usage: faultlat top [--cgroups] [-i SECONDS] [-n COUNT] [-j] [--pretty]\n"
		"\n"
		"Every SECONDS (1 by default), list the processes that faulted in the\n"
		"last interval, the ones that spent the most time in page faults first:\n"
		"PID, COMM, faults per second (minor and major), major faults per\n"
		"second, the time spent in faults (milliseconds per second: 1000 would be\n"
		"one CPU doing nothing else), and the p99 and the largest latency of the\n"
		"interval's faults. A line above the table gives the time, the interval\n"
		"and the totals, and the module's nmissed and dropped counters' growth.\n"
		"\n"
		"With --cgroups, list the cgroups (v2) instead, a cgroup's numbers\n"
		"counting its descendants' faults too: minor, major and failed (errors)\n"
		"faults per second, the time in faults, the p99 and the max, and the\n"
		"cgroup's path below the cgroup2 mount (its id if no directory of the\n"
		"mount has it any more: a removed cgroup whose record the module still\n"
		"keeps). A fault counts in the cgroup its task was in when it ended.\n"
		"It needs CAP_PERFMON or CAP_SYS_ADMIN ('faultlat hist -G CGROUP' reads\n"
		"one cgroup you own) and a module of version 0.4 or later.\n"
		"\n"
		"On a terminal the screen is redrawn, and the table cut to fit it;\n"
		"otherwise (a pipe, a file) each interval's table is printed after the\n"
		"previous one, whole.\n"
		"\n"
		"Options:\n"
		"  -i, --interval SECONDS  time between tables (0.5, 2, 250ms; from 10ms)\n"
		"  -n, --count COUNT       stop after COUNT tables (default: Ctrl-C)\n"
		"      --cgroups           one row per cgroup, its descendants included\n"
		"  -j, --json              one JSON object per interval, one per line\n"
		"      --pretty            pretty JSON (implies --json)\n"
		"  -h, --help              print this help\n"
		"\n"
		"The interval's p99 and max come from the histogram of its faults:\n"
		"the max is exact when it is the largest latency the process ever had,\n"
		"else the upper bound of its bucket. A process that started and was\n"
		"reaped within one interval is not shown. Without CAP_PERFMON or\n"
		"CAP_SYS_ADMIN only your own processes are listed.\n"
		"\n"
		"EXAMPLES\n"
		"  sudo faultlat top\n"
		"  sudo faultlat top -i 5 -n 12 > faults.log     a minute, in a file\n"
		"  sudo faultlat top -j -n 1 -i 2 | jq '.tasks[0]'\n"
		"  sudo faultlat top --cgroups -i 5               the cgroups, every 5 s\n"
		"  sudo faultlat top --cgroups -j -n 1 | jq -r '.cgroups[].path'\n");
}

/* A process as of its last FAULTLAT_IOC_TASK. */
struct proc {
	__u32 pid;
	bool have;			/* @stats was read */
	bool exited;
	char comm[FL_COMM_LEN + 1];
	__u64 seen;			/* minor + major + errors in @stats */
	struct faultlat_stats stats;
};

/* One row of the table: a process's interval. */
struct row {
	__u32 pid;
	bool exited;
	char comm[FL_COMM_LEN + 1];
	__u64 faults;			/* minor and major */
	__u64 major;
	__u64 errors;
	__u64 fault_ns;			/* time in them */
	__u64 p99_ns;
	__u64 max_ns;
};

/* One row of top --cgroups: a cgroup's interval, its descendants' in. */
struct cg_row {
	__u64 id;
	__u32 level;
	__u32 records;			/* added up: its own and descendants' */
	const char *path;		/* in top.tree; NULL: no directory */
	__u64 minor;
	__u64 major;
	__u64 errors;
	__u64 fault_ns;			/* time in the minor and major ones */
	__u64 p99_ns;
	__u64 max_ns;
	__u64 tlb_flushes;		/* TLB flushes its tasks initiated */
	__u64 tlb_flush_ns;
	__u64 tlb_remote;
	__u64 tlb_ipis;
};

/* Every record's own faults added up: the interval's totals. */
struct cg_totals {
	__u64 faults;			/* minor and major */
	__u64 errors;
	__u64 fault_ns;
};

struct top {
	int fd;
	__u64 interval_ns;
	__u64 count;			/* tables to print; 0: no limit */
	bool tty;
	bool cgroups;			/* --cgroups */
	struct proc *procs;		/* by pid */
	__u32 nr_procs;
	struct row *rows;
	__u32 nr_rows;			/* of rows, or of cg_rows */
	const char *cgroot;		/* --cgroups: the cgroup2 mount */
	struct fl_cgroup_tree tree;	/* its directories at the last read */
	struct fl_cgroup_sum *sums;	/* the cgroups' sums at the last read */
	__u32 nr_sums;
	struct cg_totals totals;	/* at the last read */
	struct cg_totals d_totals;	/* the interval's */
	struct cg_row *cg_rows;
	struct faultlat_info info;	/* at the last read */
	__u64 read_at;			/* CLOCK_MONOTONIC of the last LIST */
};

static int cmp_entry_pid(const void *a, const void *b)
{
	const struct faultlat_task_entry *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* By time in faults, then faults, then pid. */
static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->fault_ns != y->fault_ns)
		return x->fault_ns > y->fault_ns ? -1 : 1;
	if (x->faults != y->faults)
		return x->faults > y->faults ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static __u64 entry_count(const struct faultlat_task_entry *e)
{
	return e->minor + e->major + e->errors;
}

static __u64 stats_count(const struct faultlat_stats *s)
{
	return s->minor.count + s->major.count + s->errors;
}

/*
 * Read process @e's statistics into @p; with @prev (its last read), add
 * the interval's row.  A process gone meanwhile is left unread.
 */
static int read_proc(struct top *t, const struct faultlat_task_entry *e,
		     const struct proc *prev, struct proc *p)
{
	static struct faultlat_task task;
	static struct faultlat_stats d;
	struct faultlat_hist all;
	struct row *r;
	int err;

	err = fl_dev_task(t->fd, e->pid, true, &task);
	/* reaped since the list, or no longer ours (setuid): skip it */
	if (err == -ESRCH || err == -EACCES)
		return 0;
	if (err) {
		fl_dev_error(t->fd, FL_OP_PROCESS, e->pid, err);
		return -1;
	}
	p->have = true;
	p->exited = task.flags & FAULTLAT_TASK_EXITED;
	fl_comm(task.comm, p->comm);
	p->stats = task.stats;
	p->seen = stats_count(&task.stats);
	if (!prev)
		return 0;

	fl_stats_delta(&prev->stats, &task.stats, &d);
	if (!stats_count(&d))
		return 0;
	r = &t->rows[t->nr_rows++];
	memset(r, 0, sizeof(*r));
	r->pid = p->pid;
	r->exited = p->exited;
	memcpy(r->comm, p->comm, sizeof(r->comm));
	r->faults = d.minor.count + d.major.count;
	r->major = d.major.count;
	r->errors = d.errors;
	r->fault_ns = d.minor.sum_ns + d.major.sum_ns;
	fl_hist_merge(&d.minor, &d.major, &all);
	r->p99_ns = fl_percentile(&all, 9900);
	r->max_ns = all.max_ns;
	return 0;
}

/*
 * One interval: list the processes, read those whose counts moved, and
 * make the rows (none with @baseline, which reads every process once).
 */
static int sample(struct top *t, bool baseline)
{
	struct faultlat_task_entry *e = NULL;
	static const struct proc zero;
	const struct proc *old;
	struct proc *procs;
	__u32 nr = 0, i, j = 0;
	int err;

	err = fl_dev_list(t->fd, FAULTLAT_TASK_PROCESS, &e, &nr);
	if (err) {
		fl_dev_error(t->fd, FL_OP_LIST, 0, err);
		return -1;
	}
	t->read_at = fl_clock_ns(CLOCK_MONOTONIC);
	qsort(e, nr, sizeof(*e), cmp_entry_pid);
	procs = calloc(nr ? nr : 1, sizeof(*procs));
	free(t->rows);
	t->rows = calloc(nr ? nr : 1, sizeof(*t->rows));
	t->nr_rows = 0;
	if (!procs || !t->rows) {
		fprintf(stderr, "faultlat top: out of memory\n");
		free(procs);
		free(e);
		return -1;
	}
	for (i = 0; i < nr; i++) {
		struct proc *p = &procs[i];

		/* both sorted by pid: walk the old list alongside */
		while (j < t->nr_procs && t->procs[j].pid < e[i].pid)
			j++;
		old = j < t->nr_procs && t->procs[j].pid == e[i].pid &&
		      t->procs[j].have ? &t->procs[j] : NULL;
		/* fewer than we saw: another process with that pid */
		if (old && entry_count(&e[i]) < old->seen)
			old = NULL;
		if (old && entry_count(&e[i]) == old->seen) {
			*p = *old;	/* nothing new */
			p->exited = e[i].flags & FAULTLAT_TASK_EXITED;
			continue;
		}
		p->pid = e[i].pid;
		fl_comm(e[i].comm, p->comm);
		/* new since the last list: its every fault is in the interval */
		if (!old && !baseline)
			old = &zero;
		if (read_proc(t, &e[i], baseline ? NULL : old, p)) {
			free(procs);
			free(e);
			return -1;
		}
	}
	free(e);
	free(t->procs);
	t->procs = procs;
	t->nr_procs = nr;
	qsort(t->rows, t->nr_rows, sizeof(*t->rows), cmp_row);
	return 0;
}

/* "12:00:01" */
static void fmt_clock(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
}

/* Rows that fit the terminal, or all of them. */
static __u32 rows_shown(const struct top *t)
{
	struct winsize ws;
	__u32 fit;

	if (!t->tty || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || ws.ws_row < 4)
		return t->nr_rows;
	fit = ws.ws_row - 3U;	/* the lines above and "(N more)" */
	return fit < t->nr_rows ? fit : t->nr_rows;
}

static void print_text(const struct top *t, __u64 elapsed,
		       const struct faultlat_info *before)
{
	char when[16], el[32], p99[32], max[32];
	__u64 faults = 0, fault_ns = 0;
	__u32 i, shown = rows_shown(t);

	for (i = 0; i < t->nr_rows; i++) {
		faults += t->rows[i].faults;
		fault_ns += t->rows[i].fault_ns;
	}
	fmt_clock(when, sizeof(when));
	fl_fmt_ns(el, sizeof(el), elapsed);
	if (t->tty)
		fputs("\033[H\033[2J", stdout);
	printf("%s  interval %s: %u process%s faulted, %.0f faults/s, %.2f ms/s in faults",
	       when, el, t->nr_rows, t->nr_rows == 1 ? "" : "es",
	       fl_rate(faults, elapsed), fl_rate(fault_ns, elapsed) / 1e6);
	printf("; nmissed +%llu dropped +%llu\n",
	       fl_counter_delta(before->nmissed, t->info.nmissed),
	       fl_counter_delta(before->dropped, t->info.dropped));
	printf("%7s %-16s %10s %9s %9s %9s %9s\n", "PID", "COMM", "FAULTS/s",
	       "MAJOR/s", "FLT ms/s", "P99", "MAX");
	for (i = 0; i < shown; i++) {
		const struct row *r = &t->rows[i];

		fl_fmt_ns(p99, sizeof(p99), r->p99_ns);
		fl_fmt_ns(max, sizeof(max), r->max_ns);
		printf("%7u %-16s %10.1f %9.1f %9.2f %9s %9s\n", r->pid,
		       r->comm, fl_rate(r->faults, elapsed),
		       fl_rate(r->major, elapsed),
		       fl_rate(r->fault_ns, elapsed) / 1e6, p99, max);
	}
	if (shown < t->nr_rows)
		printf("(%u more)\n", t->nr_rows - shown);
	if (!t->tty)
		putchar('\n');
}

static int print_json(const struct top *t, __u64 elapsed,
		      const struct faultlat_info *before)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();
	__u32 i;

	json_object_object_add(o, "timestamp_ns",
			       fl_json_u64(fl_clock_ns(CLOCK_REALTIME)));
	json_object_object_add(o, "interval_ns", fl_json_u64(elapsed));
	json_object_object_add(o, "nmissed_delta",
			       fl_json_u64(fl_counter_delta(before->nmissed,
							    t->info.nmissed)));
	json_object_object_add(o, "dropped_delta",
			       fl_json_u64(fl_counter_delta(before->dropped,
							    t->info.dropped)));
	for (i = 0; i < t->nr_rows; i++) {
		const struct row *r = &t->rows[i];
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "pid", json_object_new_int64(r->pid));
		json_object_object_add(e, "comm",
				       json_object_new_string(r->comm));
		json_object_object_add(e, "exited",
				       json_object_new_boolean(r->exited));
		json_object_object_add(e, "faults", fl_json_u64(r->faults));
		json_object_object_add(e, "major", fl_json_u64(r->major));
		json_object_object_add(e, "errors", fl_json_u64(r->errors));
		json_object_object_add(e, "fault_ns", fl_json_u64(r->fault_ns));
		json_object_object_add(e, "faults_per_s",
				       json_object_new_double(fl_rate(r->faults,
								      elapsed)));
		json_object_object_add(e, "major_per_s",
				       json_object_new_double(fl_rate(r->major,
								      elapsed)));
		json_object_object_add(e, "fault_ms_per_s",
				       json_object_new_double(fl_rate(r->fault_ns,
								      elapsed) / 1e6));
		json_object_object_add(e, "p99_ns", fl_json_u64(r->p99_ns));
		json_object_object_add(e, "max_ns", fl_json_u64(r->max_ns));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "tasks", a);
	return fl_json_print(stdout, o);
}

/* --- top --cgroups ----------------------------------------------------- */

/* By time in faults, then faults, then path (unknown ones last), id. */
static int cmp_cg_row(const void *a, const void *b)
{
	const struct cg_row *x = a, *y = b;
	__u64 fx = x->minor + x->major, fy = y->minor + y->major;
	int c;

	if (x->fault_ns != y->fault_ns)
		return x->fault_ns > y->fault_ns ? -1 : 1;
	if (fx != fy)
		return fx > fy ? -1 : 1;
	if (x->path && y->path) {
		c = strcmp(x->path, y->path);
		if (c)
			return c;
	} else if (x->path != y->path) {
		return x->path ? -1 : 1;
	}
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * The interval of cgroup @c, whose sum was @p at the last read (NULL:
 * none, or the statistics were reset since), into @r.  Returns false when
 * it has nothing to show: no fault, or a sum that went down without a
 * reset (faults of a removed cgroup that no record took, cgroup_dropped):
 * its interval cannot be told.
 */
static bool cg_delta(const struct fl_cgroup_sum *p,
		     const struct fl_cgroup_sum *c, struct cg_row *r)
{
	static const struct fl_cgroup_sum zero;
	static struct faultlat_hist d;

	if (!p)
		p = &zero;
	if (c->minor < p->minor || c->major < p->major ||
	    c->errors < p->errors || c->tlb_flushes < p->tlb_flushes ||
	    c->tlb_flush_ns < p->tlb_flush_ns || c->tlb_remote < p->tlb_remote ||
	    c->tlb_ipis < p->tlb_ipis || !fl_hist_delta(&p->all, &c->all, &d))
		return false;
	memset(r, 0, sizeof(*r));
	r->id = c->id;
	r->level = c->level;
	r->records = c->records;
	r->minor = c->minor - p->minor;
	r->major = c->major - p->major;
	r->errors = c->errors - p->errors;
	r->fault_ns = d.sum_ns;
	r->p99_ns = fl_percentile(&d, 9900);
	r->max_ns = d.max_ns;
	r->tlb_flushes = c->tlb_flushes - p->tlb_flushes;
	r->tlb_flush_ns = c->tlb_flush_ns - p->tlb_flush_ns;
	r->tlb_remote = c->tlb_remote - p->tlb_remote;
	r->tlb_ipis = c->tlb_ipis - p->tlb_ipis;
	return r->minor || r->major || r->errors;
}

static struct cg_totals cg_totals(const struct faultlat_cgroup_entry *e,
				  __u32 nr)
{
	struct cg_totals s = { 0 };
	__u32 i;

	for (i = 0; i < nr; i++) {
		s.faults += e[i].minor + e[i].major;
		s.errors += e[i].errors;
		s.fault_ns += e[i].total_ns;
	}
	return s;
}

/*
 * One interval of top --cgroups: list the records, walk the cgroup2 tree,
 * add the records up and make the rows (none with @baseline).
 */
static int cg_sample(struct top *t, bool baseline)
{
	struct fl_cgroup_tree tree = { 0 };
	struct faultlat_cgroup_entry *e = NULL;
	struct fl_cgroup_sum *sums;
	struct faultlat_info info;
	struct cg_totals tot;
	__u32 nr = 0, nr_sums, i;
	bool reset;
	int err;

	err = fl_dev_cgroup_list(t->fd, &e, &nr);
	if (err) {
		fl_dev_error(t->fd, FL_OP_CGROUP_LIST, 0, err);
		return -1;
	}
	t->read_at = fl_clock_ns(CLOCK_MONOTONIC);
	/* a reset since the last read: everything counts from it */
	err = fl_dev_info(t->fd, &info);
	if (err) {
		fl_dev_error(t->fd, FL_OP_INFO, 0, err);
		free(e);
		return -1;
	}
	reset = info.reset_count != t->info.reset_count;
	/* a tree that cannot be read: its cgroups are shown by id */
	if (t->cgroot && fl_cgroup_walk(t->cgroot, &tree))
		memset(&tree, 0, sizeof(tree));
	err = fl_cgroup_sums(e, nr, &tree, &sums, &nr_sums);
	tot = cg_totals(e, nr);
	free(e);
	free(t->cg_rows);
	t->cg_rows = err ? NULL : calloc(nr_sums ? nr_sums : 1,
					 sizeof(*t->cg_rows));
	t->nr_rows = 0;
	if (err || !t->cg_rows) {
		fprintf(stderr, "faultlat top: out of memory\n");
		if (!err)
			free(sums);
		fl_cgroup_tree_free(&tree);
		return -1;
	}
	for (i = 0; !baseline && i < nr_sums; i++) {
		const struct fl_cgroup_sum *p = NULL;
		struct cg_row *r = &t->cg_rows[t->nr_rows];
		const struct fl_cgroup_node *n;

		if (!reset)
			p = fl_cgroup_sum_find(t->sums, t->nr_sums,
					       sums[i].id);
		if (!cg_delta(p, &sums[i], r))
			continue;
		n = fl_cgroup_lookup(&tree, r->id);
		r->path = n ? n->path : NULL;
		t->nr_rows++;
	}
	if (reset || tot.faults < t->totals.faults ||
	    tot.fault_ns < t->totals.fault_ns || tot.errors < t->totals.errors) {
		t->d_totals = tot;
	} else {
		t->d_totals.faults = tot.faults - t->totals.faults;
		t->d_totals.errors = tot.errors - t->totals.errors;
		t->d_totals.fault_ns = tot.fault_ns - t->totals.fault_ns;
	}
	t->totals = tot;
	free(t->sums);
	t->sums = sums;
	t->nr_sums = nr_sums;
	/* the rows point into the tree: keep it until the next read */
	fl_cgroup_tree_free(&t->tree);
	t->tree = tree;
	qsort(t->cg_rows, t->nr_rows, sizeof(*t->cg_rows), cmp_cg_row);
	return 0;
}

/* "/system.slice", or "(id 1234)" for a cgroup without a directory */
static const char *cg_name(const struct cg_row *r, char *buf, size_t len)
{
	if (r->path)
		return r->path;
	snprintf(buf, len, "(id %llu)", r->id);
	return buf;
}

static void cg_print_text(const struct top *t, __u64 elapsed,
			  const struct faultlat_info *before)
{
	char when[16], el[32], p99[32], max[32], id[48];
	__u32 i, shown = rows_shown(t);

	fmt_clock(when, sizeof(when));
	fl_fmt_ns(el, sizeof(el), elapsed);
	if (t->tty)
		fputs("\033[H\033[2J", stdout);
	printf("%s  interval %s: %u cgroup%s faulted, %.0f faults/s, %.2f ms/s in faults",
	       when, el, t->nr_rows, t->nr_rows == 1 ? "" : "s",
	       fl_rate(t->d_totals.faults, elapsed),
	       fl_rate(t->d_totals.fault_ns, elapsed) / 1e6);
	printf("; nmissed +%llu cgroup_dropped +%llu\n",
	       fl_counter_delta(before->nmissed, t->info.nmissed),
	       fl_counter_delta(before->cgroup_dropped, t->info.cgroup_dropped));
	printf("%9s %9s %9s %9s %9s %9s  %s\n", "MINOR/s", "MAJOR/s",
	       "ERRORS/s", "FLT ms/s", "P99", "MAX", "CGROUP");
	for (i = 0; i < shown; i++) {
		const struct cg_row *r = &t->cg_rows[i];

		fl_fmt_ns(p99, sizeof(p99), r->p99_ns);
		fl_fmt_ns(max, sizeof(max), r->max_ns);
		printf("%9.1f %9.1f %9.1f %9.2f %9s %9s  %s\n",
		       fl_rate(r->minor, elapsed), fl_rate(r->major, elapsed),
		       fl_rate(r->errors, elapsed),
		       fl_rate(r->fault_ns, elapsed) / 1e6, p99, max,
		       cg_name(r, id, sizeof(id)));
	}
	if (shown < t->nr_rows)
		printf("(%u more)\n", t->nr_rows - shown);
	if (!t->tty)
		putchar('\n');
}

static int cg_print_json(const struct top *t, __u64 elapsed,
			 const struct faultlat_info *before)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();
	__u32 i;

	json_object_object_add(o, "timestamp_ns",
			       fl_json_u64(fl_clock_ns(CLOCK_REALTIME)));
	json_object_object_add(o, "interval_ns", fl_json_u64(elapsed));
	json_object_object_add(o, "nmissed_delta",
			       fl_json_u64(fl_counter_delta(before->nmissed,
							    t->info.nmissed)));
	json_object_object_add(o, "cgroup_dropped_delta",
			       fl_json_u64(fl_counter_delta(before->cgroup_dropped,
							    t->info.cgroup_dropped)));
	json_object_object_add(o, "faults", fl_json_u64(t->d_totals.faults));
	json_object_object_add(o, "errors", fl_json_u64(t->d_totals.errors));
	json_object_object_add(o, "fault_ns",
			       fl_json_u64(t->d_totals.fault_ns));
	for (i = 0; i < t->nr_rows; i++) {
		const struct cg_row *r = &t->cg_rows[i];
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "path", r->path ?
				       json_object_new_string(r->path) : NULL);
		json_object_object_add(e, "id", fl_json_u64(r->id));
		json_object_object_add(e, "level",
				       json_object_new_int64(r->level));
		json_object_object_add(e, "records",
				       json_object_new_int64(r->records));
		json_object_object_add(e, "minor", fl_json_u64(r->minor));
		json_object_object_add(e, "major", fl_json_u64(r->major));
		json_object_object_add(e, "errors", fl_json_u64(r->errors));
		json_object_object_add(e, "fault_ns", fl_json_u64(r->fault_ns));
		json_object_object_add(e, "minor_per_s",
				       json_object_new_double(fl_rate(r->minor,
								      elapsed)));
		json_object_object_add(e, "major_per_s",
				       json_object_new_double(fl_rate(r->major,
								      elapsed)));
		json_object_object_add(e, "errors_per_s",
				       json_object_new_double(fl_rate(r->errors,
								      elapsed)));
		json_object_object_add(e, "fault_ms_per_s",
				       json_object_new_double(fl_rate(r->fault_ns,
								      elapsed) / 1e6));
		json_object_object_add(e, "p99_ns", fl_json_u64(r->p99_ns));
		json_object_object_add(e, "max_ns", fl_json_u64(r->max_ns));
		json_object_object_add(e, "tlb_flushes",
				       fl_json_u64(r->tlb_flushes));
		json_object_object_add(e, "tlb_flush_ns",
				       fl_json_u64(r->tlb_flush_ns));
		json_object_object_add(e, "tlb_remote", fl_json_u64(r->tlb_remote));
		json_object_object_add(e, "tlb_ipis", fl_json_u64(r->tlb_ipis));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "cgroups", a);
	return fl_json_print(stdout, o);
}

static int run_top(struct top *t)
{
	int (*print_j)(const struct top *t, __u64 elapsed,
		       const struct faultlat_info *before) =
		t->cgroups ? cg_print_json : print_json;
	void (*print_t)(const struct top *t, __u64 elapsed,
			const struct faultlat_info *before) =
		t->cgroups ? cg_print_text : print_text;
	struct faultlat_info before;
	__u64 n, prev_at, next;
	int rc = FL_EXIT_ERR;

	t->fd = fl_dev_open_checked(&t->info);
	if (t->fd < 0)
		return FL_EXIT_ERR;
	fl_stop_on_signals();
	t->tty = isatty(STDOUT_FILENO) && !fl_opts.json;
	if (t->cgroups) {
		t->cgroot = fl_cgroup_root();
		if (!t->cgroot)
			fprintf(stderr,
				"faultlat top: no cgroup2 file system is mounted: cgroups are shown by their id\n");
	}

	if (t->cgroups ? cg_sample(t, true) : sample(t, true))
		goto out;
	next = t->read_at;
	rc = FL_EXIT_OK;
	for (n = 0; !t->count || n < t->count; n++) {
		next += t->interval_ns;
		if (!fl_sleep_until(next))
			break;
		before = t->info;
		prev_at = t->read_at;
		if ((t->cgroups ? cg_sample(t, false) : sample(t, false)) ||
		    fl_dev_info(t->fd, &t->info)) {
			rc = FL_EXIT_ERR;
			break;
		}
		if (fl_opts.json) {
			if (print_j(t, t->read_at - prev_at, &before)) {
				rc = FL_EXIT_ERR;
				break;
			}
		} else {
			print_t(t, t->read_at - prev_at, &before);
			if (fflush(stdout)) {
				perror("faultlat top: writing output");
				rc = FL_EXIT_ERR;
				break;
			}
		}
	}
out:
	free(t->procs);
	free(t->rows);
	free(t->cg_rows);
	free(t->sums);
	fl_cgroup_tree_free(&t->tree);
	close(t->fd);
	return rc;
}

int cmd_top(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ "cgroups", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct fl_optspec spec = {
		.name = "top", .shortopts = "i:n:", .longopts = longopts,
		.help = cmd_top_help, .json = true,
	};
	static struct top t;
	int opt, rc;

	memset(&t, 0, sizeof(t));
	t.interval_ns = FL_NSEC_PER_SEC;
	while ((opt = fl_getopt(argc, argv, &spec, &rc)) != -1) {
		switch (opt) {
		case 'i':
			if (fl_parse_interval("top", optarg, &t.interval_ns))
				return fl_usage_error("top");
			break;
		case 'n':
			if (fl_parse_count("top", "count", optarg, ~0ULL,
					   &t.count))
				return fl_usage_error("top");
			break;
		case 'C':
			t.cgroups = true;
			break;
		default:	/* FL_OPT_EXIT */
			return rc;
		}
	}
	return run_top(&t);
}
