// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat hist: latency histograms, system-wide or of one process or
 * thread.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "dev.h"
#include "hist.h"
#include "interval.h"
#include "json.h"
#include "util.h"

void cmd_hist_help(FILE *f)
{
	fprintf(f,
		"Usage: faultlat hist [-p PID | -t TID | -a] [--minor|--major] [-j] [--pretty]\n"
		"       faultlat hist --tlb [-p PID | -t TID | -a] [-j] [--pretty]\n"
		"       faultlat hist -i SECONDS [OPTIONS] [COUNT]\n"
		"\n"
		"Print the page-fault latency histograms (minor faults, then major\n"
		"faults) recorded since the module was loaded or last reset, with\n"
		"count, average, p50, p90, p99, p99.9 and max, the faults by mode,\n"
		"kind and access, and the module's nmissed and dropped counters.\n"
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
		"Anyone may read their own processes; other users' need CAP_PERFMON.\n"
		"\n"
		"EXAMPLES\n"
		"  sudo faultlat hist               system-wide, minor and major\n"
		"  faultlat hist -p $(pidof -s firefox) --major\n"
		"  faultlat hist -t 4321 -j         one thread, as JSON\n"
		"  sudo faultlat hist --tlb         TLB flushes, IPIs and receivers, system-wide\n"
		"  faultlat hist --tlb -p 1234      TLB flushes process 1234 initiated\n"
		"  sudo faultlat hist -i 1 10       the last second's faults, 10 times\n"
		"  faultlat hist -i 5 -p 1234 --major -j\n");
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

/* The TLB-flush view of hist --tlb, read at once. */
struct tlb_result {
	char view;			/* 'a', 'p' or 't' */
	struct faultlat_info info;	/* after the reads */
	struct faultlat_tlb_task task;	/* -p, -t */
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

/* hist --tlb, once the device is open and speaks our ABI. */
static int hist_tlb(int fd, const struct faultlat_info *info, char view,
		    unsigned int id)
{
	static struct tlb_result r;
	enum fl_op op;
	int err;

	r.view = view;
	if (view == 'a') {
		err = fl_dev_tlb_global(fd, &r.g, &r.cpus, &r.nr_cpus);
		if (err) {
			fl_dev_error(fd, FL_OP_TLB_GLOBAL, 0, err);
			return FL_EXIT_ERR;
		}
		r.nmissed_known = true;
	} else {
		op = view == 'p' ? FL_OP_TLB_PROCESS : FL_OP_TLB_THREAD;
		err = fl_dev_tlb_task(fd, id, view == 'p', &r.task);
		if (err) {
			fl_dev_error(fd, op, id, err);
			return FL_EXIT_ERR;
		}
		/* nmissed is only in the privileged command: try it */
		r.nmissed_known = !fl_dev_tlb_global(fd, &r.g, NULL, NULL);
	}
	/* the IPI functions' calls after the flushes, so they cover them */
	if (fl_dev_info(fd, &r.info))
		r.info = *info;
	if (!fl_tlb_measured(&r.info))
		fprintf(stderr,
			"faultlat: the module's TLB-flush probes are not attached (loaded with tlb=0?): no flush is measured\n");

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

/* --- hist -i: interval mode --- */

/* the signal that ends it, or 0; READ_ONCE/WRITE_ONCE only */
static int stop_signal;

static void on_signal(int sig)
{
	WRITE_ONCE(stop_signal, sig);
}

static __u64 clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__u64)ts.tv_sec * FL_NSEC_PER_SEC + ts.tv_nsec;
}

/* One read of what hist -i shows. */
struct reading {
	__u64 at;			/* CLOCK_MONOTONIC */
	struct faultlat_info info;	/* after the statistics */
	struct faultlat_global g;	/* -a: faults */
	struct faultlat_task t;		/* -p, -t: faults */
	struct faultlat_tlb_global tg;	/* -a --tlb; else nmissed only */
	bool tlb_nmissed_known;
	struct faultlat_tlb_task tt;	/* -p, -t --tlb */
};

struct interval {
	int fd;
	char view;			/* 'a', 'p' or 't' */
	unsigned int id;
	unsigned int classes;
	bool tlb;
	__u64 interval_ns;
	__u64 count;			/* 0: until a signal */
};

/*
 * Read @r; on error print why (except for ESRCH, which the caller
 * explains) and return the error.
 */
static int take_reading(const struct interval *iv, struct reading *r)
{
	int err;

	if (iv->tlb && iv->view == 'a') {
		err = fl_dev_tlb_global(iv->fd, &r->tg, NULL, NULL);
		r->tlb_nmissed_known = !err;
		if (err)
			fl_dev_error(iv->fd, FL_OP_TLB_GLOBAL, 0, err);
	} else if (iv->tlb) {
		err = fl_dev_tlb_task(iv->fd, iv->id, iv->view == 'p', &r->tt);
		if (err && err != -ESRCH)
			fl_dev_error(iv->fd, iv->view == 'p' ?
				     FL_OP_TLB_PROCESS : FL_OP_TLB_THREAD,
				     iv->id, err);
		if (!err)
			r->tlb_nmissed_known =
				!fl_dev_tlb_global(iv->fd, &r->tg, NULL, NULL);
	} else if (iv->view == 'a') {
		err = fl_dev_global(iv->fd, &r->g);
		if (err)
			fl_dev_error(iv->fd, FL_OP_GLOBAL, 0, err);
	} else {
		err = fl_dev_task(iv->fd, iv->id, iv->view == 'p', &r->t);
		if (err && err != -ESRCH)
			fl_dev_error(iv->fd, iv->view == 'p' ? FL_OP_PROCESS :
				     FL_OP_THREAD, iv->id, err);
	}
	r->at = clock_ns(CLOCK_MONOTONIC);
	if (!err) {
		err = fl_dev_info(iv->fd, &r->info);
		if (err)
			fl_dev_error(iv->fd, FL_OP_INFO, 0, err);
	}
	return err;
}

static __u64 grew(__u64 before, __u64 after)
{
	/* a reset restarts "dropped" from 0 */
	return after >= before ? after - before : after;
}

static int print_interval(const struct interval *iv,
			  const struct reading *prev,
			  const struct reading *cur)
{
	static struct faultlat_stats d;
	static struct faultlat_tlb_stats td;
	__u64 elapsed = cur->at - prev->at;
	bool reset = cur->info.reset_count != prev->info.reset_count;
	const struct faultlat_stats *ps, *cs;
	__u64 pfb, cfb, fb = 0;
	struct task_ident ident;
	struct json_object *o;
	char when[16], el[32];
	struct tm tm;
	time_t now;

	if (iv->tlb) {
		const struct faultlat_tlb_stats *pt, *ct;

		pt = iv->view == 'a' ? &prev->tg.stats : &prev->tt.stats;
		ct = iv->view == 'a' ? &cur->tg.stats : &cur->tt.stats;
		if (reset)
			td = *ct;
		else if (!fl_tlb_stats_delta(pt, ct, &td))
			reset = true;
		ident = tlb_task_ident(&cur->tt);
	} else {
		ps = iv->view == 'a' ? &prev->g.stats : &prev->t.stats;
		cs = iv->view == 'a' ? &cur->g.stats : &cur->t.stats;
		pfb = iv->view == 'a' ? prev->g.fallbacks : prev->t.fallbacks;
		cfb = iv->view == 'a' ? cur->g.fallbacks : cur->t.fallbacks;
		/* anything that went back means a reset: all since then */
		if (!reset && (!fl_stats_delta(ps, cs, &d) || cfb < pfb))
			reset = true;
		if (reset)
			d = *cs;
		fb = reset ? cfb : cfb - pfb;
		ident = task_ident(&cur->t);
	}

	if (fl_opts.json) {
		if (iv->view == 'a') {
			o = json_object_new_object();
			json_object_object_add(o, "view",
					       json_object_new_string("global"));
		} else {
			o = task_json(&ident, iv->view == 'p');
		}
		json_object_object_add(o, "timestamp_ns",
				       fl_json_u64(clock_ns(CLOCK_REALTIME)));
		json_object_object_add(o, "interval_ns", fl_json_u64(elapsed));
		json_object_object_add(o, "reset",
				       json_object_new_boolean(reset));
		if (iv->tlb) {
			json_object_object_add(o, "nmissed_delta",
					       cur->tlb_nmissed_known &&
					       prev->tlb_nmissed_known ?
					       fl_json_u64(grew(prev->tg.nmissed,
								cur->tg.nmissed)) :
					       NULL);
			json_object_object_add(o, "tlb", fl_json_tlb_stats(&td));
		} else {
			json_object_object_add(o, "nmissed",
					       fl_json_u64(cur->info.nmissed));
			json_object_object_add(o, "dropped",
					       fl_json_u64(cur->info.dropped));
			json_object_object_add(o, "nmissed_delta",
					       fl_json_u64(grew(prev->info.nmissed,
								cur->info.nmissed)));
			json_object_object_add(o, "dropped_delta",
					       fl_json_u64(grew(prev->info.dropped,
								cur->info.dropped)));
			json_object_object_add(o, "stats",
					       fl_json_stats(&d, fb,
							     iv->classes));
		}
		return fl_json_print(stdout, o);
	}

	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fl_fmt_ns(el, sizeof(el), elapsed);
	printf("%s  interval %s%s, ", when, el,
	       reset ? " (the statistics were reset: since then)" : "");
	if (iv->view == 'a')
		printf("all tasks, system-wide:\n");
	else
		print_task_header(stdout, &ident, iv->view == 'p');
	fputc('\n', stdout);
	if (iv->tlb) {
		fl_print_tlb_stats(stdout, &td);
		if (cur->tlb_nmissed_known && prev->tlb_nmissed_known)
			printf("nmissed +%llu\n",
			       grew(prev->tg.nmissed, cur->tg.nmissed));
	} else {
		fl_print_stats(stdout, &d, fb, iv->classes);
		printf("nmissed +%llu  dropped +%llu\n",
		       grew(prev->info.nmissed, cur->info.nmissed),
		       grew(prev->info.dropped, cur->info.dropped));
	}
	fputc('\n', stdout);
	if (fflush(stdout)) {
		perror("faultlat: writing output");
		return -1;
	}
	return 0;
}

static int hist_interval(struct interval *iv)
{
	static struct reading r[2];
	struct sigaction sa = { .sa_handler = on_signal };
	struct reading *prev = &r[0], *cur = &r[1], *tmp;
	struct timespec ts;
	__u64 n, next;
	int err;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	err = take_reading(iv, prev);
	if (err == -ESRCH)	/* unknown to begin with: say so */
		fl_dev_error(iv->fd, iv->tlb ?
			     (iv->view == 'p' ? FL_OP_TLB_PROCESS :
			      FL_OP_TLB_THREAD) :
			     (iv->view == 'p' ? FL_OP_PROCESS : FL_OP_THREAD),
			     iv->id, err);
	if (err)
		return FL_EXIT_ERR;
	if (iv->tlb && !fl_tlb_measured(&prev->info))
		fprintf(stderr,
			"faultlat: the module's TLB-flush probes are not attached (loaded with tlb=0?): no flush is measured\n");
	next = prev->at;
	for (n = 0; !iv->count || n < iv->count; n++) {
		next += iv->interval_ns;
		ts.tv_sec = next / FL_NSEC_PER_SEC;
		ts.tv_nsec = next % FL_NSEC_PER_SEC;
		while (!READ_ONCE(stop_signal) &&
		       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				       NULL) == EINTR)
			;
		if (READ_ONCE(stop_signal))
			break;
		err = take_reading(iv, cur);
		if (err == -ESRCH) {
			/* the task is gone: that ends it */
			fprintf(stderr, "faultlat: %s %u is gone\n",
				iv->view == 'p' ? "process" : "thread", iv->id);
			return FL_EXIT_OK;
		}
		if (err)
			return FL_EXIT_ERR;
		if (print_interval(iv, prev, cur))
			return FL_EXIT_ERR;
		tmp = prev;
		prev = cur;
		cur = tmp;
	}
	return FL_EXIT_OK;
}

int cmd_hist(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "tid", required_argument, NULL, 't' },
		{ "all", no_argument, NULL, 'a' },
		{ "minor", no_argument, NULL, 'm' },
		{ "major", no_argument, NULL, 'M' },
		{ "tlb", no_argument, NULL, 'T' },
		{ "interval", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct faultlat_global g;
	struct faultlat_task t;
	struct faultlat_info info;
	struct task_ident ident;
	const struct faultlat_stats *s;
	__u64 fallbacks;
	struct json_object *o;
	unsigned int classes = 0, id = 0;
	__u64 nmissed, dropped;
	int opt, fd, err, views = 0;
	struct interval iv = { 0 };
	bool tlb = false;
	char view = 'a', *end;

	while ((opt = getopt_long(argc, argv, "p:t:ai:jh", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'p':
		case 't':
			if (fl_parse_id(optarg, opt == 'p' ? "PID" : "TID", &id))
				return fl_usage_error("hist");
			view = opt;
			views++;
			break;
		case 'a':
			view = opt;
			views++;
			break;
		case 'm':
			classes |= FL_CLASS_MINOR;
			break;
		case 'M':
			classes |= FL_CLASS_MAJOR;
			break;
		case 'T':
			tlb = true;
			break;
		case 'i':
			if (fl_parse_duration(optarg, FL_NSEC_PER_SEC,
					      &iv.interval_ns) ||
			    iv.interval_ns < 10000000) {
				fprintf(stderr,
					"faultlat hist: invalid interval '%s': expected seconds (1, 0.5) or a number and a unit (250ms), 10ms or more\n",
					optarg);
				return fl_usage_error("hist");
			}
			break;
		case 'j':
			fl_opts.json = true;
			break;
		case 'P':
			fl_opts.json = true;
			fl_opts.pretty = true;
			break;
		case 'h':
			cmd_hist_help(stdout);
			return FL_EXIT_OK;
		default:
			return fl_usage_error("hist");
		}
	}
	/* -i SECONDS [COUNT] */
	if (iv.interval_ns && optind < argc) {
		errno = 0;
		iv.count = strtoull(argv[optind], &end, 10);
		if (*argv[optind] < '0' || *argv[optind] > '9' || *end ||
		    errno || !iv.count) {
			fprintf(stderr,
				"faultlat hist: invalid count '%s': expected a positive number\n",
				argv[optind]);
			return fl_usage_error("hist");
		}
		optind++;
	}
	if (optind < argc)
		return fl_extra_args(argv, "hist");
	if (views > 1) {
		fprintf(stderr, "faultlat hist: -p, -t and -a exclude each other\n");
		return fl_usage_error("hist");
	}
	if (tlb && classes) {
		fprintf(stderr, "faultlat hist: --minor and --major are for faults, not --tlb\n");
		return fl_usage_error("hist");
	}
	if (!classes)
		classes = FL_CLASS_ALL;

	fd = fl_dev_open();
	if (fd < 0)
		return FL_EXIT_ERR;
	err = fl_dev_info(fd, &info);
	if (err) {
		fl_dev_error(fd, FL_OP_INFO, 0, err);
		goto fail;
	}
	if (fl_dev_check_abi(&info))
		goto fail;
	if (iv.interval_ns) {
		iv.fd = fd;
		iv.view = view;
		iv.id = id;
		iv.classes = classes;
		iv.tlb = tlb;
		err = hist_interval(&iv);
		close(fd);
		return err;
	}
	if (tlb) {
		err = hist_tlb(fd, &info, view, id);
		close(fd);
		return err;
	}

	if (view == 'a') {
		err = fl_dev_global(fd, &g);
		if (err) {
			fl_dev_error(fd, FL_OP_GLOBAL, 0, err);
			goto fail;
		}
		s = &g.stats;
		fallbacks = g.fallbacks;
		nmissed = g.nmissed;
		dropped = g.dropped;
	} else {
		err = fl_dev_task(fd, id, view == 'p', &t);
		if (err) {
			fl_dev_error(fd, view == 'p' ? FL_OP_PROCESS :
				     FL_OP_THREAD, id, err);
			goto fail;
		}
		s = &t.stats;
		fallbacks = t.fallbacks;
		/* the counters after the task, so they cover it */
		err = fl_dev_info(fd, &info);
		if (err) {
			fl_dev_error(fd, FL_OP_INFO, 0, err);
			goto fail;
		}
		nmissed = info.nmissed;
		dropped = info.dropped;
	}
	close(fd);

	if (fl_opts.json) {
		if (view == 'a') {
			o = json_object_new_object();
			json_object_object_add(o, "view",
					       json_object_new_string("global"));
		} else {
			ident = task_ident(&t);
			o = task_json(&ident, view == 'p');
		}
		json_object_object_add(o, "nmissed", fl_json_u64(nmissed));
		json_object_object_add(o, "dropped", fl_json_u64(dropped));
		json_object_object_add(o, "stats",
				       fl_json_stats(s, fallbacks, classes));
		return fl_json_print(stdout, o) ? FL_EXIT_ERR : FL_EXIT_OK;
	}

	if (view == 'a') {
		printf("all tasks, system-wide:\n");
	} else {
		ident = task_ident(&t);
		print_task_header(stdout, &ident, view == 'p');
	}
	fputc('\n', stdout);
	fl_print_stats(stdout, s, fallbacks, classes);
	fl_print_counters(stdout, nmissed, dropped);
	if (fflush(stdout)) {
		perror("faultlat: writing output");
		return FL_EXIT_ERR;
	}
	return FL_EXIT_OK;

fail:
	close(fd);
	return FL_EXIT_ERR;
}
