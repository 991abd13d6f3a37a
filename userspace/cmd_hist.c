// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat hist: latency histograms, system-wide or of one process, thread
 * or cgroup.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

void cmd_hist_help(FILE *f)
{
	fprintf(f,
		"Usage: faultlat hist [-p PID | -t TID | -a] [--minor|--major] [-j] [--pretty]\n"
		"       faultlat hist -G CGROUP [--own] [--minor|--major] [-j] [--pretty]\n"
		"       faultlat hist --tlb [-p PID | -t TID | -a | -G CGROUP [--own]] [-j]\n"
		"       faultlat hist -i SECONDS [OPTIONS] [COUNT]\n"
		"\n"
		"Print the page-fault latency histograms (minor faults, then major\n"
		"faults) recorded since the module was loaded or last reset, with\n"
		"count, average, p50, p90, p99, p99.9 and max, the faults by mode,\n"
		"kind and access, and the module's nmissed and dropped counters.\n"
		"\n"
		"With -G, those of the tasks of a cgroup (v2) and of its descendants,\n"
		"or, with --own, of its own tasks only: each fault counted in the cgroup\n"
		"its task was in when it ended, since the module was loaded or reset (a\n"
		"task that moves takes none of its past faults along; a cgroup that is\n"
		"removed leaves its faults to its parent). CGROUP is a directory of the\n"
		"cgroup2 file system (/sys/fs/cgroup/system.slice/ssh.service), its path\n"
		"below the mount (system.slice/ssh.service, or /system.slice/ssh.service\n"
		"as /proc/PID/cgroup shows it; / is the root), or the name of one\n"
		"cgroup of the tree, such as a systemd unit (ssh.service, user.slice;\n"
		"ssh for ssh.service). The cgroup2 mount is found in\n"
		"/proc/self/mountinfo, or taken from $FAULTLAT_CGROUPFS. The module\n"
		"counts 15 levels below the root: a deeper cgroup's faults are in its\n"
		"ancestor at level 15. With --tlb, the TLB flushes of the cgroup's\n"
		"tasks, each counted in the cgroup its task was in when it ended.\n"
		"\n"
		"With --tlb, print the TLB flushes instead: the latency of\n"
		"flush_tlb_mm_range() as the initiating thread sees it (waiting for the\n"
		"remote CPUs included), and the flushes by kind: full (whole address\n"
		"space) or ranged, pages of the ranged ones, remote (the IPI function\n"
		"was called) or local_only, the IPI function's calls (ipis) and the\n"
		"other CPUs they targeted (ipi_targets). System-wide (-a), also the\n"
		"IPI wait and the receivers' flush_tlb_func() runs for other CPUs\n"
		"(received remote: /proc/interrupts' \"TLB shootdowns\"), per CPU, the\n"
		"tlb:tlb_flush events by reason since load, and the IPI function the\n"
		"kernel uses. nmissed counts the TLB probes' misses (it needs\n"
		"CAP_PERFMON or CAP_SYS_ADMIN).\n"
		"\n"
		"With -i, print the histograms of the last SECONDS instead, every\n"
		"SECONDS, COUNT times or until Ctrl-C (as bcc's tools do): each one is\n"
		"the difference between two reads, headed by the time and the interval.\n"
		"An interval's min and max are exact when they are the smallest or the\n"
		"largest ever seen, else the bounds of their buckets; after a reset,\n"
		"an interval shows what came since the reset. -i with --tlb shows the\n"
		"initiators' flushes only (not the per-CPU, IPI and receiver tables).\n"
		"\n"
		"Options:\n"
		"  -p, --pid PID   the whole process PID: its live threads plus its\n"
		"                  exited ones\n"
		"  -t, --tid TID   one thread\n"
		"  -a, --all       every fault (or flush) on every CPU (the default;\n"
		"                  needs CAP_PERFMON or CAP_SYS_ADMIN)\n"
		"  -G, --cgroup CGROUP\n"
		"                  the tasks of cgroup CGROUP and of its descendants\n"
		"      --own       with -G, the cgroup's own tasks only\n"
		"      --minor     only minor faults\n"
		"      --major     only major faults\n"
		"      --tlb       TLB flushes instead of faults\n"
		"  -i, --interval SECONDS\n"
		"                  interval mode: every SECONDS (1, 0.5, 250ms; from\n"
		"                  10ms), the histograms of that interval\n"
		"  -j, --json      print JSON (with -i, one object per interval)\n"
		"      --pretty    print pretty JSON (implies --json)\n"
		"  -h, --help      print this help\n"
		"\n"
		"Rows are \"lo -> hi\": a fault of lo or more and less than hi. Percentiles\n"
		"are the upper bound of the bucket holding them, clamped to [min, max].\n"
		"Anyone may read their own processes, and the cgroups whose directory\n"
		"they own (delegated to them); other users' need CAP_PERFMON.\n"
		"\n"
		"EXAMPLES\n"
		"  sudo faultlat hist               system-wide, minor and major\n"
		"  faultlat hist -p $(pidof -s firefox) --major\n"
		"  faultlat hist -t 4321 -j         one thread, as JSON\n"
		"  sudo faultlat hist --tlb         TLB flushes, IPIs and receivers, system-wide\n"
		"  faultlat hist --tlb -p 1234      TLB flushes process 1234 initiated\n"
		"  sudo faultlat hist -i 1 10       the last second's faults, 10 times\n"
		"  faultlat hist -i 5 -p 1234 --major -j\n"
		"  sudo faultlat hist -G ssh.service           a systemd unit's cgroup\n"
		"  sudo faultlat hist -G system.slice --own    its own tasks, not its units'\n"
		"  sudo faultlat hist -G user.slice --tlb      the TLB flushes of a slice\n"
		"  faultlat hist -G /sys/fs/cgroup/user.slice/user-$(id -u).slice/user@$(id -u).service -j\n"
		"  sudo faultlat hist -i 1 -G $(sed -n 's/^0:://p' /proc/1234/cgroup)\n"
		"                                   process 1234's cgroup, every second\n");
}

/* What FAULTLAT_IOC_TASK and FAULTLAT_IOC_TLB_TASK both say of a task. */
struct task_ident {
	__u32 pid;
	__u32 tgid;
	__u32 uid;
	__u32 nr_threads;
	__u32 flags;
	const __u64 *comm;
};

static struct task_ident task_ident(const struct faultlat_task *t)
{
	return (struct task_ident){ .pid = t->pid, .tgid = t->tgid,
				    .uid = t->uid, .nr_threads = t->nr_threads,
				    .flags = t->flags, .comm = t->comm };
}

static struct task_ident tlb_task_ident(const struct faultlat_tlb_task *t)
{
	return (struct task_ident){ .pid = t->pid, .tgid = t->tgid,
				    .uid = t->uid, .nr_threads = t->nr_threads,
				    .flags = t->flags, .comm = t->comm };
}

static void print_task_header(FILE *f, const struct task_ident *t,
			      bool process)
{
	char comm[FL_COMM_LEN + 1];
	bool exited = t->flags & FAULTLAT_TASK_EXITED;

	fl_comm(t->comm, comm);
	if (process)
		fprintf(f, "process %u (%s), uid %u: %u live thread%s%s\n",
			t->pid, comm, t->uid, t->nr_threads,
			t->nr_threads == 1 ? "" : "s",
			exited ? ", exited" : "");
	else
		fprintf(f, "thread %u (%s) of process %u, uid %u%s\n",
			t->pid, comm, t->tgid, t->uid,
			exited ? ", exited" : "");
}

static struct json_object *task_json(const struct task_ident *t,
				     bool process)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "view", json_object_new_string(process ?
							"process" : "thread"));
	json_object_object_add(o, "pid", json_object_new_int64(t->pid));
	json_object_object_add(o, "tgid", json_object_new_int64(t->tgid));
	json_object_object_add(o, "comm", fl_json_comm(t->comm));
	json_object_object_add(o, "uid", json_object_new_int64(t->uid));
	json_object_object_add(o, "nr_threads",
			       json_object_new_int64(t->nr_threads));
	json_object_object_add(o, "exited",
			       json_object_new_boolean(t->flags &
						       FAULTLAT_TASK_EXITED));
	return o;
}

/* What hist was asked for: the options, once parsed. */
struct hist_req {
	int fd;
	char view;			/* 'a', 'p', 't' or 'c' (-G) */
	unsigned int id;		/* -p, -t */
	const char *cgroup;		/* -G, as given */
	struct fl_cgroup_dir cg;	/* -G, found */
	int cgfd;			/* -G: open on cg.dir */
	__u32 cgflags;			/* -G: FAULTLAT_CGROUP_OWN with --own */
	unsigned int classes;
	bool tlb;
	__u64 interval_ns;		/* -i; 0: once */
	__u64 count;			/* -i's COUNT; 0: until a signal */
	unsigned int causes_told;	/* the module's, fl_causes_told() */
};

/* The view of -G: the cgroup, as found and as the module answered. */
static struct json_object *cgroup_json(const struct hist_req *q,
				       const struct faultlat_cgroup *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "view", json_object_new_string("cgroup"));
	json_object_object_add(o, "path",
			       json_object_new_string(fl_cgroup_dir_name(&q->cg)));
	json_object_object_add(o, "dir", json_object_new_string(q->cg.dir));
	json_object_object_add(o, "id", fl_json_u64(c->id));
	json_object_object_add(o, "level", json_object_new_int64(c->level));
	json_object_object_add(o, "own",
			       json_object_new_boolean(q->cgflags &
						       FAULTLAT_CGROUP_OWN));
	json_object_object_add(o, "records",
			       json_object_new_int64(c->nr_records));
	return o;
}

/* The heading of -G's text: the cgroup, as found and as the module answered. */
static void print_cgroup_header(FILE *f, const struct hist_req *q,
				const struct faultlat_cgroup *c)
{
	fprintf(f, "cgroup %s (id %llu, level %u)%s: %u record%s\n",
		fl_cgroup_dir_name(&q->cg), c->id, c->level,
		q->cgflags & FAULTLAT_CGROUP_OWN ?
		", its own tasks only" : " and its descendants",
		c->nr_records, c->nr_records == 1 ? "" : "s");
}

/* The TLB-flush view of hist --tlb, read at once. */
struct tlb_result {
	const struct hist_req *q;
	char view;			/* 'a', 'p', 't' or 'c' */
	struct faultlat_info info;	/* after the reads */
	struct faultlat_tlb_task task;	/* -p, -t */
	struct faultlat_cgroup c;	/* -G */
	struct faultlat_tlb_global g;	/* -a; else for nmissed only */
	bool nmissed_known;		/* g.nmissed is valid */
	struct faultlat_tlb_cpu *cpus;	/* -a */
	__u32 nr_cpus;
};

static void print_cpus(FILE *f, const struct faultlat_tlb_cpu *c, __u32 nr)
{
	char p50[32], max[32];
	__u32 i;

	fprintf(f, "received flushes per CPU (P50 and MAX of the remote ones):\n");
	fprintf(f, "%6s %12s %12s %10s %10s\n", "CPU", "REMOTE", "LOCAL",
		"P50", "MAX");
	for (i = 0; i < nr; i++) {
		if (c[i].received.count) {
			fl_fmt_ns(p50, sizeof(p50),
				  fl_percentile(&c[i].received, 5000));
			fl_fmt_ns(max, sizeof(max), c[i].received.max_ns);
		} else {
			snprintf(p50, sizeof(p50), "-");
			snprintf(max, sizeof(max), "-");
		}
		fprintf(f, "%6u %12llu %12llu %10s %10s\n", c[i].cpu,
			c[i].received_remote, c[i].received_local, p50, max);
	}
}

static void print_reasons(FILE *f, const struct faultlat_tlb_global *g,
			  __u32 probes)
{
	struct faultlat_tlb_reason_count c;
	char buf[32];
	unsigned int i;

	if (!(probes & FAULTLAT_PROBE_TLB_TRACE)) {
		fprintf(f, "tlb:tlb_flush events: the tracepoint is not attached\n");
		return;
	}
	fprintf(f, "tlb:tlb_flush events since load (never reset):\n");
	fprintf(f, "%-20s %12s %12s %12s\n", "REASON", "COUNT", "FULL",
		"PAGES");
	for (i = 0; i < FAULTLAT_TLB_REASON_SLOTS; i++) {
		if (!fl_tlb_reason_shown(g, i))
			continue;
		c = fl_tlb_reason_count(g, i);
		fprintf(f, "%-20s %12llu %12llu %12llu\n",
			fl_tlb_reason_name(i, buf, sizeof(buf)), c.count,
			c.full, c.pages);
	}
	/* reasons past the slots: a module before 0.3 has no such row */
	if (g->reason_slots)
		fprintf(f, "%-20s %12llu %12llu %12llu\n", "other",
			g->reason_other.count, g->reason_other.full,
			g->reason_other.pages);
}

static void print_tlb_nmissed(FILE *f, const struct tlb_result *r)
{
	if (r->nmissed_known)
		fprintf(f, "nmissed %llu\n", r->g.nmissed);
	else
		fprintf(f,
			"nmissed unknown (the TLB probes' count needs CAP_PERFMON or CAP_SYS_ADMIN)\n");
}

static void print_tlb_text(FILE *f, const struct tlb_result *r)
{
	const struct faultlat_tlb_global *g = &r->g;

	if (r->view == 'c') {
		print_cgroup_header(f, r->q, &r->c);
		fputc('\n', f);
		fl_print_tlb_stats(f, &r->c.tlb);
		print_tlb_nmissed(f, r);
		return;
	}
	if (r->view != 'a') {
		struct task_ident ident = tlb_task_ident(&r->task);

		print_task_header(f, &ident, r->view == 'p');
		fputc('\n', f);
		fl_print_tlb_stats(f, &r->task.stats);
		print_tlb_nmissed(f, r);
		return;
	}
	fprintf(f, "all tasks, system-wide:\n\n");
	fl_print_tlb_stats(f, &g->stats);
	fputc('\n', f);
	fl_print_hist_titled(f,
			     "IPI wait (outermost calls of the IPI function: send, then wait for the CPUs)",
			     &g->ipi);
	fputc('\n', f);
	fl_print_hist_titled(f,
			     "received remote flushes (flush_tlb_func() run for another CPU, in its IPI)",
			     &g->received);
	fprintf(f, "received: remote %llu  local %llu\n\n", g->received_remote,
		g->received_local);
	print_cpus(f, r->cpus, r->nr_cpus);
	fputc('\n', f);
	print_reasons(f, g, r->info.probes);
	fputc('\n', f);
	fputs("ipi function: ", f);
	fl_print_tlb_ipi(f, &r->info);
	print_tlb_nmissed(f, r);
}

static struct json_object *cpus_json(const struct faultlat_tlb_cpu *c,
				     __u32 nr)
{
	struct json_object *a = json_object_new_array();
	__u32 i;

	for (i = 0; i < nr; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "cpu", json_object_new_int64(c[i].cpu));
		json_object_object_add(o, "received_remote",
				       fl_json_u64(c[i].received_remote));
		json_object_object_add(o, "received_local",
				       fl_json_u64(c[i].received_local));
		json_object_object_add(o, "received",
				       fl_json_hist(&c[i].received));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *reasons_json(const struct faultlat_tlb_global *g,
					__u32 probes)
{
	struct faultlat_tlb_reason_count c;
	struct json_object *o;
	unsigned int i;
	char buf[32];

	if (!(probes & FAULTLAT_PROBE_TLB_TRACE))
		return NULL;
	o = json_object_new_object();
	for (i = 0; i <= FAULTLAT_TLB_REASON_SLOTS; i++) {
		struct json_object *e;

		if (i == FAULTLAT_TLB_REASON_SLOTS) {
			if (!g->reason_slots)
				break;	/* a module before 0.3 */
			c = g->reason_other;
		} else if (fl_tlb_reason_shown(g, i)) {
			c = fl_tlb_reason_count(g, i);
		} else {
			continue;
		}
		e = json_object_new_object();
		json_object_object_add(e, "count", fl_json_u64(c.count));
		json_object_object_add(e, "full", fl_json_u64(c.full));
		json_object_object_add(e, "pages", fl_json_u64(c.pages));
		json_object_object_add(o, i == FAULTLAT_TLB_REASON_SLOTS ?
				       "other" : fl_tlb_reason_name(i, buf, sizeof(buf)),
				       e);
	}
	return o;
}

static int print_tlb_json(FILE *f, const struct tlb_result *r)
{
	const struct faultlat_tlb_global *g = &r->g;
	struct json_object *o;

	if (r->view == 'c') {
		o = cgroup_json(r->q, &r->c);
		json_object_object_add(o, "nmissed", r->nmissed_known ?
				       fl_json_u64(g->nmissed) : NULL);
		json_object_object_add(o, "tlb", fl_json_tlb_stats(&r->c.tlb));
		return fl_json_print(f, o);
	}
	if (r->view != 'a') {
		struct task_ident ident = tlb_task_ident(&r->task);

		o = task_json(&ident, r->view == 'p');
		json_object_object_add(o, "nmissed", r->nmissed_known ?
				       fl_json_u64(g->nmissed) : NULL);
		json_object_object_add(o, "tlb",
				       fl_json_tlb_stats(&r->task.stats));
		return fl_json_print(f, o);
	}
	o = json_object_new_object();
	json_object_object_add(o, "view", json_object_new_string("global"));
	json_object_object_add(o, "nmissed", fl_json_u64(g->nmissed));
	json_object_object_add(o, "tlb", fl_json_tlb_stats(&g->stats));
	json_object_object_add(o, "ipi", fl_json_hist(&g->ipi));
	json_object_object_add(o, "received", fl_json_hist(&g->received));
	json_object_object_add(o, "received_remote",
			       fl_json_u64(g->received_remote));
	json_object_object_add(o, "received_local",
			       fl_json_u64(g->received_local));
	json_object_object_add(o, "cpus", cpus_json(r->cpus, r->nr_cpus));
	json_object_object_add(o, "reasons", reasons_json(g, r->info.probes));
	json_object_object_add(o, "ipi_function", fl_json_tlb_ipi(&r->info));
	return fl_json_print(f, o);
}

/* The fl_dev_error() operation of @q's per-task read. */
static enum fl_op task_op(const struct hist_req *q)
{
	if (q->tlb)
		return q->view == 'p' ? FL_OP_TLB_PROCESS : FL_OP_TLB_THREAD;
	return q->view == 'p' ? FL_OP_PROCESS : FL_OP_THREAD;
}

static void warn_tlb_unmeasured(const struct faultlat_info *info)
{
	if (!fl_tlb_measured(info))
		fprintf(stderr,
			"faultlat: the module's TLB-flush probes are not attached (loaded with tlb=0?): no flush is measured\n");
}

/* hist --tlb, once the device is open and speaks our ABI. */
static int hist_tlb(const struct hist_req *q, const struct faultlat_info *info)
{
	static struct tlb_result r;
	int err;

	r.q = q;
	r.view = q->view;
	if (q->view == 'a') {
		err = fl_dev_tlb_global(q->fd, &r.g, &r.cpus, &r.nr_cpus);
		if (err) {
			fl_dev_error(q->fd, FL_OP_TLB_GLOBAL, 0, err);
			return FL_EXIT_ERR;
		}
		r.nmissed_known = true;
	} else if (q->view == 'c') {
		err = fl_dev_cgroup(q->fd, q->cgfd, q->cgflags, &r.c);
		if (err) {
			fl_dev_cgroup_error(q->fd, &q->cg, q->cgfd, err);
			return FL_EXIT_ERR;
		}
		r.nmissed_known = !fl_dev_tlb_global(q->fd, &r.g, NULL, NULL);
	} else {
		err = fl_dev_tlb_task(q->fd, q->id, q->view == 'p', &r.task);
		if (err) {
			fl_dev_error(q->fd, task_op(q), q->id, err);
			return FL_EXIT_ERR;
		}
		/* nmissed is only in the privileged command: try it */
		r.nmissed_known = !fl_dev_tlb_global(q->fd, &r.g, NULL, NULL);
	}
	/* the IPI functions' calls after the flushes, so they cover them */
	if (fl_dev_info(q->fd, &r.info))
		r.info = *info;
	warn_tlb_unmeasured(&r.info);

	if (fl_opts.json) {
		err = print_tlb_json(stdout, &r);
	} else {
		print_tlb_text(stdout, &r);
		err = fflush(stdout);
		if (err)
			perror("faultlat: writing output");
	}
	free(r.cpus);
	r.cpus = NULL;
	return err ? FL_EXIT_ERR : FL_EXIT_OK;
}

/* The fault view of hist, read at once. */
struct fault_result {
	struct faultlat_global g;	/* -a */
	struct faultlat_task t;		/* -p, -t */
	struct faultlat_cgroup c;	/* -G */
	const struct faultlat_stats *s;	/* in g, t or c */
	struct fl_causes cz;		/* g's, t's or c's */
	const __u64 *paths;		/* in g, t or c */
	__u64 fallbacks;
	__u64 nmissed, dropped;
	__u64 cgroup_dropped;
};

static int read_faults(const struct hist_req *q, struct fault_result *r)
{
	struct faultlat_info info;
	int err;

	if (q->view == 'a') {
		err = fl_dev_global(q->fd, &r->g);
		if (err) {
			fl_dev_error(q->fd, FL_OP_GLOBAL, 0, err);
			return err;
		}
		r->s = &r->g.stats;
		fl_causes_get(&r->cz, &r->g.causes, &r->g.causes_more);
		r->paths = r->g.paths;
		r->fallbacks = r->g.fallbacks;
		r->nmissed = r->g.nmissed;
		r->dropped = r->g.dropped;
		return 0;
	}
	if (q->view == 'c') {
		err = fl_dev_cgroup(q->fd, q->cgfd, q->cgflags, &r->c);
		if (err) {
			fl_dev_cgroup_error(q->fd, &q->cg, q->cgfd, err);
			return err;
		}
		r->s = &r->c.stats;
		fl_causes_get(&r->cz, &r->c.causes, &r->c.causes_more);
		r->paths = r->c.paths;
		r->fallbacks = r->c.fallbacks;
	} else {
		err = fl_dev_task(q->fd, q->id, q->view == 'p', &r->t);
		if (err) {
			fl_dev_error(q->fd, task_op(q), q->id, err);
			return err;
		}
		r->s = &r->t.stats;
		fl_causes_get(&r->cz, &r->t.causes, &r->t.causes_more);
		r->paths = r->t.paths;
		r->fallbacks = r->t.fallbacks;
	}
	/* the counters after the statistics, so they cover them */
	err = fl_dev_info(q->fd, &info);
	if (err) {
		fl_dev_error(q->fd, FL_OP_INFO, 0, err);
		return err;
	}
	r->nmissed = info.nmissed;
	r->dropped = info.dropped;
	r->cgroup_dropped = info.cgroup_dropped;
	return 0;
}

/*
 * The object hist -j starts from: the view, and the identity of the task
 * (@t) or the cgroup (@c).
 */
static struct json_object *view_json(const struct hist_req *q,
				     const struct task_ident *t,
				     const struct faultlat_cgroup *c)
{
	struct json_object *o;

	if (q->view == 'c')
		return cgroup_json(q, c);
	if (q->view != 'a')
		return task_json(t, q->view == 'p');
	o = json_object_new_object();
	json_object_object_add(o, "view", json_object_new_string("global"));
	return o;
}

/* The heading of hist's text: the view, and the task's or cgroup's identity. */
static void print_view(const struct hist_req *q, const struct task_ident *t,
		       const struct faultlat_cgroup *c)
{
	if (q->view == 'a')
		printf("all tasks, system-wide:\n");
	else if (q->view == 'c')
		print_cgroup_header(stdout, q, c);
	else
		print_task_header(stdout, t, q->view == 'p');
}

/* hist without --tlb and -i, once the device is open. */
static int hist_faults(const struct hist_req *q)
{
	static struct fault_result r;
	struct task_ident ident;
	struct json_object *o;

	if (read_faults(q, &r))
		return FL_EXIT_ERR;
	ident = task_ident(&r.t);
	if (fl_opts.json) {
		o = view_json(q, &ident, &r.c);
		json_object_object_add(o, "nmissed", fl_json_u64(r.nmissed));
		json_object_object_add(o, "dropped", fl_json_u64(r.dropped));
		if (q->view == 'c')
			json_object_object_add(o, "cgroup_dropped",
					       fl_json_u64(r.cgroup_dropped));
		json_object_object_add(o, "stats", fl_json_stats(r.s,
								 r.fallbacks,
								 q->classes));
		if (r.cz.faults)
			json_object_object_add(o, "causes",
					       fl_json_causes(&r.cz,
							      q->causes_told));
		if (r.paths && fl_paths_sum(r.paths))
			json_object_object_add(o, "paths",
					       fl_json_paths(r.paths));
		return fl_json_print(stdout, o) ? FL_EXIT_ERR : FL_EXIT_OK;
	}
	print_view(q, &ident, &r.c);
	fputc('\n', stdout);
	fl_print_stats(stdout, r.s, r.fallbacks, q->classes);
	if (r.paths)
		fl_print_paths(stdout, r.paths);
	fl_print_causes(stdout, &r.cz);
	if (q->view == 'c')
		printf("nmissed %llu  dropped %llu  cgroup_dropped %llu\n",
		       r.nmissed, r.dropped, r.cgroup_dropped);
	else
		fl_print_counters(stdout, r.nmissed, r.dropped);
	if (fflush(stdout)) {
		perror("faultlat: writing output");
		return FL_EXIT_ERR;
	}
	return FL_EXIT_OK;
}

/* --- hist -i: interval mode --- */

/* One read of what hist -i shows. */
struct reading {
	__u64 at;			/* CLOCK_MONOTONIC */
	struct faultlat_info info;	/* after the statistics */
	struct faultlat_global g;	/* -a: faults */
	struct faultlat_task t;		/* -p, -t: faults */
	struct faultlat_cgroup c;	/* -G */
	struct faultlat_tlb_global tg;	/* -a --tlb; else nmissed only */
	bool tlb_nmissed_known;
	struct faultlat_tlb_task tt;	/* -p, -t --tlb */
};

/* The fault statistics of @r, and their fallbacks in *@fallbacks. */
static const struct faultlat_stats *
reading_stats(const struct hist_req *q, const struct reading *r,
	      __u64 *fallbacks)
{
	switch (q->view) {
	case 'a':
		*fallbacks = r->g.fallbacks;
		return &r->g.stats;
	case 'c':
		*fallbacks = r->c.fallbacks;
		return &r->c.stats;
	default:
		*fallbacks = r->t.fallbacks;
		return &r->t.stats;
	}
}

/*
 * Read @r; on error print why (except for a task's ESRCH, which the
 * caller explains) and return the error.
 */
static int take_reading(const struct hist_req *q, struct reading *r)
{
	int err;

	if (q->tlb && q->view == 'a') {
		err = fl_dev_tlb_global(q->fd, &r->tg, NULL, NULL);
		r->tlb_nmissed_known = !err;
		if (err)
			fl_dev_error(q->fd, FL_OP_TLB_GLOBAL, 0, err);
	} else if (q->view == 'c') {
		err = fl_dev_cgroup(q->fd, q->cgfd, q->cgflags, &r->c);
		/* removed (the module cannot get it): the caller says so */
		if (err == -EBADF && fl_cgroup_gone(&q->cg, q->cgfd))
			err = -ENOENT;
		else if (err)
			fl_dev_cgroup_error(q->fd, &q->cg, q->cgfd, err);
		if (!err && q->tlb)
			r->tlb_nmissed_known =
				!fl_dev_tlb_global(q->fd, &r->tg, NULL, NULL);
	} else if (q->tlb) {
		err = fl_dev_tlb_task(q->fd, q->id, q->view == 'p', &r->tt);
		if (!err)
			r->tlb_nmissed_known =
				!fl_dev_tlb_global(q->fd, &r->tg, NULL, NULL);
		else if (err != -ESRCH)
			fl_dev_error(q->fd, task_op(q), q->id, err);
	} else if (q->view == 'a') {
		err = fl_dev_global(q->fd, &r->g);
		if (err)
			fl_dev_error(q->fd, FL_OP_GLOBAL, 0, err);
	} else {
		err = fl_dev_task(q->fd, q->id, q->view == 'p', &r->t);
		if (err && err != -ESRCH)
			fl_dev_error(q->fd, task_op(q), q->id, err);
	}
	r->at = fl_clock_ns(CLOCK_MONOTONIC);
	if (!err) {
		err = fl_dev_info(q->fd, &r->info);
		if (err)
			fl_dev_error(q->fd, FL_OP_INFO, 0, err);
	}
	return err;
}

/* What one interval of hist -i shows: the difference of two readings. */
struct interval {
	const struct reading *prev, *cur;
	bool reset;			/* the statistics were reset between */
	struct faultlat_stats d;	/* faults */
	__u64 fallbacks;
	struct faultlat_tlb_stats td;	/* --tlb */
	struct task_ident ident;
};

static void interval_delta(const struct hist_req *q, struct interval *v)
{
	const struct reading *prev = v->prev, *cur = v->cur;
	const struct faultlat_stats *ps, *cs;
	const struct faultlat_tlb_stats *pt, *ct;
	__u64 pfb, cfb;

	v->reset = cur->info.reset_count != prev->info.reset_count;
	if (q->tlb) {
		pt = q->view == 'a' ? &prev->tg.stats :
		     q->view == 'c' ? &prev->c.tlb : &prev->tt.stats;
		ct = q->view == 'a' ? &cur->tg.stats :
		     q->view == 'c' ? &cur->c.tlb : &cur->tt.stats;
		if (v->reset)
			v->td = *ct;
		else if (!fl_tlb_stats_delta(pt, ct, &v->td))
			v->reset = true;
		v->ident = tlb_task_ident(&cur->tt);
		return;
	}
	ps = reading_stats(q, prev, &pfb);
	cs = reading_stats(q, cur, &cfb);
	/* anything that went back means a reset: all since then */
	if (!v->reset && (!fl_stats_delta(ps, cs, &v->d) || cfb < pfb))
		v->reset = true;
	if (v->reset)
		v->d = *cs;
	v->fallbacks = v->reset ? cfb : cfb - pfb;
	v->ident = task_ident(&cur->t);
}

static int print_interval_json(const struct hist_req *q,
			       const struct interval *v)
{
	const struct reading *prev = v->prev, *cur = v->cur;
	struct json_object *o = view_json(q, &v->ident, &cur->c);

	json_object_object_add(o, "timestamp_ns",
			       fl_json_u64(fl_clock_ns(CLOCK_REALTIME)));
	json_object_object_add(o, "interval_ns",
			       fl_json_u64(cur->at - prev->at));
	json_object_object_add(o, "reset", json_object_new_boolean(v->reset));
	if (q->tlb) {
		json_object_object_add(o, "nmissed_delta",
				       cur->tlb_nmissed_known &&
				       prev->tlb_nmissed_known ?
				       fl_json_u64(fl_counter_delta(prev->tg.nmissed,
								    cur->tg.nmissed)) :
				       NULL);
		json_object_object_add(o, "tlb", fl_json_tlb_stats(&v->td));
		return fl_json_print(stdout, o);
	}
	fl_json_add_losses(o, &prev->info, &cur->info);
	if (q->view == 'c') {
		json_object_object_add(o, "cgroup_dropped",
				       fl_json_u64(cur->info.cgroup_dropped));
		json_object_object_add(o, "cgroup_dropped_delta",
				       fl_json_u64(fl_counter_delta(prev->info.cgroup_dropped,
								    cur->info.cgroup_dropped)));
	}
	json_object_object_add(o, "stats",
			       fl_json_stats(&v->d, v->fallbacks, q->classes));
	return fl_json_print(stdout, o);
}

static int print_interval_text(const struct hist_req *q,
			       const struct interval *v)
{
	const struct reading *prev = v->prev, *cur = v->cur;
	char when[16], el[32];
	struct tm tm;
	time_t now;

	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fl_fmt_ns(el, sizeof(el), cur->at - prev->at);
	printf("%s  interval %s%s, ", when, el,
	       v->reset ? " (the statistics were reset: since then)" : "");
	print_view(q, &v->ident, &cur->c);
	fputc('\n', stdout);
	if (q->tlb) {
		fl_print_tlb_stats(stdout, &v->td);
		if (cur->tlb_nmissed_known && prev->tlb_nmissed_known)
			printf("nmissed +%llu\n",
			       fl_counter_delta(prev->tg.nmissed, cur->tg.nmissed));
	} else {
		fl_print_stats(stdout, &v->d, v->fallbacks, q->classes);
		printf("nmissed +%llu  dropped +%llu",
		       fl_counter_delta(prev->info.nmissed, cur->info.nmissed),
		       fl_counter_delta(prev->info.dropped, cur->info.dropped));
		if (q->view == 'c')
			printf("  cgroup_dropped +%llu",
			       fl_counter_delta(prev->info.cgroup_dropped,
						cur->info.cgroup_dropped));
		putchar('\n');
	}
	fputc('\n', stdout);
	if (fflush(stdout)) {
		perror("faultlat: writing output");
		return -1;
	}
	return 0;
}

static int print_interval(const struct hist_req *q,
			  const struct reading *prev,
			  const struct reading *cur)
{
	static struct interval v;

	v.prev = prev;
	v.cur = cur;
	interval_delta(q, &v);
	return fl_opts.json ? print_interval_json(q, &v) :
			      print_interval_text(q, &v);
}

static int hist_interval(const struct hist_req *q)
{
	static struct reading r[2];
	struct reading *prev = &r[0], *cur = &r[1], *tmp;
	__u64 n, next;
	int err;

	fl_stop_on_signals();
	err = take_reading(q, prev);
	/* a task unknown, or a cgroup removed, to begin with: say so */
	if (err == -ESRCH && (q->view == 'p' || q->view == 't'))
		fl_dev_error(q->fd, task_op(q), q->id, err);
	if (err == -ENOENT && q->view == 'c')
		fprintf(stderr, "faultlat: cgroup %s was removed\n",
			fl_cgroup_dir_name(&q->cg));
	if (err)
		return FL_EXIT_ERR;
	if (q->tlb)
		warn_tlb_unmeasured(&prev->info);
	next = prev->at;
	for (n = 0; !q->count || n < q->count; n++) {
		next += q->interval_ns;
		if (!fl_sleep_until(next))
			break;
		err = take_reading(q, cur);
		if (err == -ESRCH && (q->view == 'p' || q->view == 't')) {
			/* the task is gone: that ends it */
			fprintf(stderr, "faultlat: %s %u is gone\n",
				q->view == 'p' ? "process" : "thread", q->id);
			return FL_EXIT_OK;
		}
		if (err == -ENOENT && q->view == 'c') {
			/* the cgroup was removed: that ends it */
			fprintf(stderr, "faultlat: cgroup %s is gone\n",
				fl_cgroup_dir_name(&q->cg));
			return FL_EXIT_OK;
		}
		if (err)
			return FL_EXIT_ERR;
		if (print_interval(q, prev, cur))
			return FL_EXIT_ERR;
		tmp = prev;
		prev = cur;
		cur = tmp;
	}
	return FL_EXIT_OK;
}

/*
 * Parse hist's options and operands into @q.  Returns -1 to go on, or
 * the exit code.
 */
static int parse_opts(int argc, char **argv, struct hist_req *q)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "tid", required_argument, NULL, 't' },
		{ "all", no_argument, NULL, 'a' },
		{ "minor", no_argument, NULL, 'm' },
		{ "major", no_argument, NULL, 'M' },
		{ "tlb", no_argument, NULL, 'T' },
		{ "interval", required_argument, NULL, 'i' },
		{ "cgroup", required_argument, NULL, 'G' },
		{ "own", no_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct fl_optspec spec = {
		.name = "hist", .shortopts = "p:t:ai:G:", .longopts = longopts,
		.help = cmd_hist_help, .json = true, .operands = true,
	};
	int opt, rc, views = 0;

	q->view = 'a';
	while ((opt = fl_getopt(argc, argv, &spec, &rc)) != -1) {
		switch (opt) {
		case 'p':
		case 't':
			if (fl_parse_id(optarg, opt == 'p' ? "PID" : "TID",
					&q->id))
				return fl_usage_error("hist");
			q->view = opt;
			views++;
			break;
		case 'a':
			q->view = opt;
			views++;
			break;
		case 'G':
			q->cgroup = optarg;
			q->view = 'c';
			views++;
			break;
		case 'O':
			q->cgflags |= FAULTLAT_CGROUP_OWN;
			break;
		case 'm':
			q->classes |= FL_CLASS_MINOR;
			break;
		case 'M':
			q->classes |= FL_CLASS_MAJOR;
			break;
		case 'T':
			q->tlb = true;
			break;
		case 'i':
			if (fl_parse_interval("hist", optarg, &q->interval_ns))
				return fl_usage_error("hist");
			break;
		default:	/* FL_OPT_EXIT */
			return rc;
		}
	}
	/* -i SECONDS [COUNT] */
	if (q->interval_ns && optind < argc) {
		if (fl_parse_count("hist", "count", argv[optind], ~0ULL,
				   &q->count))
			return fl_usage_error("hist");
		optind++;
	}
	if (optind < argc)
		return fl_extra_args(argv, "hist");
	if (views > 1) {
		fprintf(stderr, "faultlat hist: -p, -t, -a and -G exclude each other\n");
		return fl_usage_error("hist");
	}
	if (q->cgflags && q->view != 'c') {
		fprintf(stderr, "faultlat hist: --own is for -G/--cgroup\n");
		return fl_usage_error("hist");
	}
	if (q->tlb && q->classes) {
		fprintf(stderr, "faultlat hist: --minor and --major are for faults, not --tlb\n");
		return fl_usage_error("hist");
	}
	if (!q->classes)
		q->classes = FL_CLASS_ALL;
	return -1;
}

/* -G: find the cgroup's directory and open it.  Returns 0 or -1. */
static int open_cgroup(struct hist_req *q)
{
	if (fl_cgroup_find("faultlat hist", q->cgroup, &q->cg))
		return -1;
	q->cgfd = open(q->cg.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (q->cgfd < 0) {
		fprintf(stderr, "faultlat hist: cannot open cgroup %s: %s\n",
			q->cg.dir, strerror(errno));
		fl_cgroup_dir_free(&q->cg);
		return -1;
	}
	return 0;
}

int cmd_hist(int argc, char **argv)
{
	struct faultlat_info info;
	struct hist_req q = { 0 };
	int rc;

	rc = parse_opts(argc, argv, &q);
	if (rc >= 0)
		return rc;
	q.cgfd = -1;
	if (q.view == 'c' && open_cgroup(&q))
		return FL_EXIT_ERR;
	q.fd = fl_dev_open_checked(&info);
	if (q.fd < 0) {
		rc = FL_EXIT_ERR;
		goto out;
	}
	q.causes_told = fl_causes_told(info.version_major, info.version_minor);
	if (q.interval_ns)
		rc = hist_interval(&q);
	else if (q.tlb)
		rc = hist_tlb(&q, &info);
	else
		rc = hist_faults(&q);
	close(q.fd);
out:
	if (q.cgfd >= 0)
		close(q.cgfd);
	fl_cgroup_dir_free(&q.cg);
	return rc;
}
