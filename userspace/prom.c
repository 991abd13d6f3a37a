// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat client: Prometheus text exposition of the statistics.
 *
 * Every family has its HELP and TYPE lines, then its samples; no sample
 * has a timestamp (node_exporter's textfile collector refuses them, and
 * the scrape time is the right one).  Counters are the module's, since
 * load or the last reset: a reset shows as a counter reset, which
 * Prometheus' rate() and increase() handle.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "hist.h"
#include "interval.h"
#include "prom.h"
#include "util.h"

#define LABEL_MAX	(4 * FL_COMM_LEN + 64)

static int cmp_proc(const void *a, const void *b)
{
	const struct faultlat_task_entry *x = a, *y = b;
	__u64 fx = x->minor + x->major, fy = y->minor + y->major;

	if (x->total_ns != y->total_ns)
		return x->total_ns > y->total_ns ? -1 : 1;
	if (fx != fy)
		return fx > fy ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

int fl_prom_top(const struct faultlat_task_entry *e, unsigned int nr,
		unsigned int top, struct fl_prom_proc **rows,
		unsigned int *nr_rows)
{
	struct faultlat_task_entry *sorted = NULL;
	struct fl_prom_proc *r, *other;
	unsigned int i, n;

	n = top < nr ? top : nr;
	r = calloc(n + 1, sizeof(*r));
	if (nr)
		sorted = malloc((size_t)nr * sizeof(*sorted));
	if (!r || (nr && !sorted)) {
		free(r);
		free(sorted);
		return -ENOMEM;
	}
	if (nr) {
		memcpy(sorted, e, (size_t)nr * sizeof(*sorted));
		qsort(sorted, nr, sizeof(*sorted), cmp_proc);
	}
	other = &r[n];
	strcpy(other->comm, "other");
	for (i = 0; i < nr; i++) {
		struct fl_prom_proc *p = i < n ? &r[i] : other;

		if (i < n) {
			p->pid = sorted[i].pid;
			fl_comm(sorted[i].comm, p->comm);
		}
		p->minor += sorted[i].minor;
		p->major += sorted[i].major;
		p->errors += sorted[i].errors;
		p->fault_ns += sorted[i].total_ns;
	}
	free(sorted);
	*rows = r;
	*nr_rows = n + 1;
	return 0;
}

/* Time in faults, then faults, then the lower id. */
static int cmp_cgroup(const void *a, const void *b)
{
	const struct fl_prom_cgroup *x = a, *y = b;
	__u64 fx = x->minor + x->major, fy = y->minor + y->major;

	if (x->fault_ns != y->fault_ns)
		return x->fault_ns > y->fault_ns ? -1 : 1;
	if (fx != fy)
		return fx > fy ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* What fl_prom_label() makes of byte @c, its escapes' backslash aside. */
static unsigned char label_byte(unsigned char c)
{
	return (c < 0x20 && c != '\n') || c >= 0x7f ? '?' : c;
}

/* @a and @b make the same label value. */
static bool same_label(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (label_byte(*a) != label_byte(*b))
			return false;
	return !*a && !*b;
}

int fl_prom_top_cgroups(const struct faultlat_cgroup_entry *e, __u32 nr,
			const struct fl_cgroup_tree *t, unsigned int top,
			struct fl_prom_cgroup **rows, unsigned int *nr_rows)
{
	const struct fl_cgroup_node *node;
	struct fl_cgroup_sum *sums;
	struct fl_prom_cgroup *r;
	unsigned int n = 0, taken = 0, i, k;
	__u32 nr_sums, j;
	int err;

	err = fl_cgroup_sums(e, nr, t, &sums, &nr_sums);
	if (err)
		return err;
	r = calloc(nr_sums ? nr_sums : 1, sizeof(*r));
	if (!r) {
		free(sums);
		return -ENOMEM;
	}
	for (j = 0; j < nr_sums; j++) {
		node = fl_cgroup_lookup(t, sums[j].id);
		if (!node)
			continue;	/* removed since, or not below the mount */
		r[n++] = (struct fl_prom_cgroup){
			.path = node->path, .id = sums[j].id,
			.minor = sums[j].minor, .major = sums[j].major,
			.errors = sums[j].errors, .fault_ns = sums[j].all.sum_ns,
			.causes = sums[j].causes,
		};
		memcpy(r[n - 1].paths, sums[j].paths, sizeof(sums[j].paths));
	}
	free(sums);
	qsort(r, n, sizeof(*r), cmp_cgroup);
	for (i = 0; i < n && taken < top; i++) {
		for (k = 0; k < taken; k++)
			if (same_label(r[k].path, r[i].path))
				break;
		if (k == taken)
			r[taken++] = r[i];
	}
	*rows = r;
	*nr_rows = taken;
	return 0;
}

int fl_prom_seconds(char *buf, size_t len, __u64 ns)
{
	char frac[16];
	int i;

	if (ns == ~0ULL)
		return snprintf(buf, len, "+Inf");
	if (!(ns % FL_NSEC_PER_SEC))
		return snprintf(buf, len, "%llu", ns / FL_NSEC_PER_SEC);
	snprintf(frac, sizeof(frac), "%09llu", ns % FL_NSEC_PER_SEC);
	for (i = 8; i > 0 && frac[i] == '0'; i--)
		frac[i] = '\0';
	return snprintf(buf, len, "%llu.%s", ns / FL_NSEC_PER_SEC, frac);
}

void fl_prom_label(char *buf, size_t len, const char *s)
{
	size_t o = 0;

	if (!len)
		return;
	for (; *s && o + 3 < len; s++) {
		unsigned char c = *s;

		if (c == '\\' || c == '"') {
			buf[o++] = '\\';
			buf[o++] = c;
		} else if (c == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else if (c < 0x20 || c >= 0x7f) {
			buf[o++] = '?';
		} else {
			buf[o++] = c;
		}
	}
	buf[o] = '\0';
}

static void family(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* NAME{LABELS} V, or NAME V without labels */
static void sample(FILE *f, const char *name, const char *labels, __u64 v)
{
	if (labels && *labels)
		fprintf(f, "%s{%s} %llu\n", name, labels, v);
	else
		fprintf(f, "%s %llu\n", name, v);
}

/* A family of one sample, without labels. */
struct one {
	const char *name;
	const char *type;		/* "counter" or "gauge" */
	const char *help;
	__u64 v;
};

static void singles(FILE *f, const struct one *o, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		family(f, o[i].name, o[i].type, o[i].help);
		sample(f, o[i].name, NULL, o[i].v);
	}
}

/* A bucket's upper bound is a power of two: an octave's end. */
static bool octave_end(unsigned int i)
{
	__u64 hi = faultlat_bucket_hi(i);

	return !(hi & (hi - 1));
}

/*
 * The samples of one histogram: cumulative buckets up to each bound (the
 * module's buckets are [lo, hi), a le="hi" bucket counts the samples
 * below hi, which Prometheus reads as <= hi: the difference is one
 * nanosecond), +Inf, then _sum in seconds and _count.  @labels go before
 * "le".
 */
static void histogram(FILE *f, const char *name, const char *labels,
		      const struct faultlat_hist *h, bool octaves)
{
	const char *sep = labels && *labels ? "," : "";
	char le[32];
	__u64 cum = 0;
	unsigned int i;

	if (!labels)
		labels = "";
	for (i = 0; i + 1 < FAULTLAT_NR_BUCKETS; i++) {
		cum += h->buckets[i];
		if (octaves && !octave_end(i))
			continue;
		fl_prom_seconds(le, sizeof(le), faultlat_bucket_hi(i));
		fprintf(f, "%s_bucket{%s%sle=\"%s\"} %llu\n", name, labels, sep,
			le, cum);
	}
	cum += h->buckets[FAULTLAT_NR_BUCKETS - 1];
	fprintf(f, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep, cum);
	fl_prom_seconds(le, sizeof(le), h->sum_ns);
	if (*labels) {
		fprintf(f, "%s_sum{%s} %s\n", name, labels, le);
		fprintf(f, "%s_count{%s} %llu\n", name, labels, cum);
	} else {
		fprintf(f, "%s_sum %s\n", name, le);
		fprintf(f, "%s_count %llu\n", name, cum);
	}
}

static void write_faults(FILE *f, const struct fl_prom_snap *s, bool octaves)
{
	const struct faultlat_stats *st = &s->g.stats;
	const struct faultlat_hist *h[FAULTLAT_NR_CLASSES] = {
		[FAULTLAT_MINOR] = &st->minor,
		[FAULTLAT_MAJOR] = &st->major,
	};
	const struct one ones[] = {
		{ "faultlat_fault_retries_total", "counter",
		  "handle_mm_fault() calls that returned VM_FAULT_RETRY (each part of a fault counted elsewhere).",
		  st->retries },
		{ "faultlat_fault_abandoned_total", "counter",
		  "Faults given up after a VM_FAULT_RETRY, never completed.",
		  st->abandoned },
		{ "faultlat_fault_vma_lock_fallbacks_total", "counter",
		  "handle_mm_fault() calls under the per-VMA lock that returned VM_FAULT_RETRY: the fault fell back to mmap_lock (Linux 6.4+; included in faultlat_fault_retries_total).",
		  s->g.fallbacks },
		{ "faultlat_handle_mm_fault_calls_total", "counter",
		  "Every handle_mm_fault() call, as /proc/vmstat's pgfault counts them.",
		  st->calls },
	};
	char labels[64];
	int c, m;

	family(f, "faultlat_faults_total", "counter",
	       "Page faults completed, by type (minor, major; error: ended with VM_FAULT_ERROR, whose mode the module does not record) and mode (user, kernel).");
	for (c = 0; c < FAULTLAT_NR_CLASSES; c++) {
		for (m = 0; m < FAULTLAT_NR_MODES; m++) {
			snprintf(labels, sizeof(labels),
				 "type=\"%s\",mode=\"%s\"", fl_class_names[c],
				 fl_mode_names[m]);
			sample(f, "faultlat_faults_total", labels,
			       st->by_mode[c][m]);
		}
	}
	sample(f, "faultlat_faults_total", "type=\"error\",mode=\"unknown\"",
	       st->errors);

	family(f, "faultlat_fault_latency_seconds", "histogram",
	       "Latency of completed page faults, from the first handle_mm_fault() call to the last one's return, by type.");
	for (c = 0; c < FAULTLAT_NR_CLASSES; c++) {
		snprintf(labels, sizeof(labels), "type=\"%s\"",
			 fl_class_names[c]);
		histogram(f, "faultlat_fault_latency_seconds", labels, h[c],
			  octaves);
	}

	singles(f, ones, ARRAY_SIZE(ones));
}

/* The module has what version 0.@minor added (1.x has all of it). */
static bool module_has(const struct fl_prom_snap *s, unsigned int minor)
{
	return s->info.version_major > 0 || s->info.version_minor >= minor;
}

/*
 * The causes the module tells (fl_causes_told()): page_lock, fallback
 * and zeroing 0.8
 */
static unsigned int causes_told(const struct fl_prom_snap *s)
{
	return fl_causes_told(s->info.version_major, s->info.version_minor);
}

/*
 * NAME{LABELS,cause="C"} of each cause the module tells and the rest, in
 * seconds: the time of the faults timed by cause (module parameter
 * causes).
 */
static void cause_samples(FILE *f, const char *name, const char *labels,
			  const struct fl_causes *c, unsigned int told)
{
	char secs[32];
	unsigned int i;

	for (i = 0; i <= FAULTLAT_NR_CAUSES_ALL; i++) {
		if (i >= told && i < FAULTLAT_NR_CAUSES_ALL)
			continue;
		fl_prom_seconds(secs, sizeof(secs), i < FAULTLAT_NR_CAUSES_ALL ?
				c->ns[i] : fl_causes_rest(c));
		fprintf(f, "%s{%s%scause=\"%s\"} %s\n", name, labels,
			*labels ? "," : "", fl_cause_name(i), secs);
	}
}

/* NAME{LABELS,path="P"} of each path: completed faults told by path. */
static void path_samples(FILE *f, const char *name, const char *labels,
			 const __u64 paths[FAULTLAT_NR_PATHS])
{
	unsigned int i;

	for (i = 0; i < FAULTLAT_NR_PATHS; i++)
		fprintf(f, "%s{%s%spath=\"%s\"} %llu\n", name, labels,
			*labels ? "," : "", fl_path_name(i), paths[i]);
}

/*
 * The time by cause (module 0.5; page_lock, fallback and zeroing 0.8)
 * and the faults by path (0.6).
 */
static void write_causes_paths(FILE *f, const struct fl_prom_snap *s)
{
	struct fl_causes cz;

	if (module_has(s, 5)) {
		fl_causes_get(&cz, &s->g.causes, &s->g.causes_more);
		family(f, "faultlat_faults_timed_by_cause_total", "counter",
		       "Completed page faults timed by cause (while module parameter causes was on).");
		sample(f, "faultlat_faults_timed_by_cause_total", NULL,
		       s->g.causes.faults);
		family(f, "faultlat_fault_cause_seconds_total", "counter",
		       "Time of the faults timed by cause, by cause (reclaim, compaction, mmap_lock, io, uffd, and since module 0.8 page_lock, fallback, zeroing; rest: none of them); the causes add up to their latency.");
		cause_samples(f, "faultlat_fault_cause_seconds_total", "",
			      &cz, causes_told(s));
	}
	if (module_has(s, 6)) {
		family(f, "faultlat_faults_by_path_total", "counter",
		       "Completed page faults by path, what the kernel did to resolve them (while module parameter paths was on).");
		path_samples(f, "faultlat_faults_by_path_total", "",
			     s->g.paths);
	}
}

static void write_module(FILE *f, const struct fl_prom_snap *s)
{
	const struct one ones[] = {
		{ "faultlat_dropped_total", "counter",
		  "handle_mm_fault() calls not attributed to a task because the task table was full (still counted system-wide).",
		  s->g.dropped },
		{ "faultlat_resets_total", "counter",
		  "Resets of the statistics since the module was loaded.",
		  s->info.reset_count },
		{ "faultlat_tasks_used", "gauge",
		  "Records in use in the module's task table (threads and processes).",
		  s->info.used_tasks },
		{ "faultlat_tasks_max", "gauge",
		  "Size of the module's task table (module parameter max_tasks).",
		  s->info.max_tasks },
	};
	char labels[96];

	family(f, "faultlat_module_info", "gauge",
	       "The faultlat module's version and ABI, and the client's version; always 1.");
	snprintf(labels, sizeof(labels),
		 "version=\"%u.%u\",abi=\"%u\",client=\"%s\"",
		 s->info.version_major, s->info.version_minor,
		 s->info.abi_version, FAULTLAT_CLIENT_VERSION);
	sample(f, "faultlat_module_info", labels, 1);

	family(f, "faultlat_nmissed_total", "counter",
	       "Hits the module's kretprobes missed (no free instance, or recursion), by probe: fault (handle_mm_fault), tlb (the TLB-flush probes).");
	sample(f, "faultlat_nmissed_total", "probe=\"fault\"", s->g.nmissed);
	if (s->tlb)
		sample(f, "faultlat_nmissed_total", "probe=\"tlb\"",
		       s->tg.nmissed);
	singles(f, ones, ARRAY_SIZE(ones));
}

static void write_tlb(FILE *f, const struct fl_prom_snap *s, bool octaves)
{
	const struct faultlat_tlb_global *g = &s->tg;
	const struct one ones[] = {
		{ "faultlat_tlb_flush_pages_total", "counter",
		  "Pages of the ranged TLB flushes, in units of their stride.",
		  g->stats.pages },
		{ "faultlat_tlb_remote_flushes_total", "counter",
		  "Initiated TLB flushes that called the IPI function (other CPUs had the mm).",
		  g->stats.remote },
		{ "faultlat_tlb_ipis_total", "counter",
		  "Calls of the TLB-flush IPI function, in and outside flush_tlb_mm_range().",
		  g->stats.ipis },
		{ "faultlat_tlb_ipi_targets_total", "counter",
		  "Other CPUs in the cpumasks of the IPI function's calls, summed.",
		  g->stats.ipi_targets },
	};

	family(f, "faultlat_tlb_flushes_total", "counter",
	       "TLB flushes initiated (flush_tlb_mm_range()), by kind: full (whole address space) or ranged.");
	sample(f, "faultlat_tlb_flushes_total", "kind=\"full\"", g->stats.full);
	sample(f, "faultlat_tlb_flushes_total", "kind=\"ranged\"",
	       g->stats.ranged);
	singles(f, ones, ARRAY_SIZE(ones));
	family(f, "faultlat_tlb_received_total", "counter",
	       "flush_tlb_func() runs on all CPUs, by origin: remote (an IPI from another CPU) or local.");
	sample(f, "faultlat_tlb_received_total", "origin=\"remote\"",
	       g->received_remote);
	sample(f, "faultlat_tlb_received_total", "origin=\"local\"",
	       g->received_local);

	family(f, "faultlat_tlb_flush_latency_seconds", "histogram",
	       "Latency of initiated TLB flushes (flush_tlb_mm_range(), waiting for the remote CPUs included).");
	histogram(f, "faultlat_tlb_flush_latency_seconds", NULL, &g->stats.flush,
		  octaves);
	family(f, "faultlat_tlb_ipi_latency_seconds", "histogram",
	       "Latency of the outermost calls of the TLB-flush IPI function: send, then wait for the CPUs.");
	histogram(f, "faultlat_tlb_ipi_latency_seconds", NULL, &g->ipi, octaves);
	family(f, "faultlat_tlb_received_latency_seconds", "histogram",
	       "Latency of remote flush_tlb_func() runs, in the IPI, all CPUs.");
	histogram(f, "faultlat_tlb_received_latency_seconds", NULL, &g->received,
		  octaves);
}

/* pid="N",comm="NAME" of a process row; pid="",comm="other" for the fold */
static void proc_labels(char *buf, size_t len, const struct fl_prom_proc *p)
{
	char comm[LABEL_MAX];

	fl_prom_label(comm, sizeof(comm), p->pid ? p->comm : "other");
	if (p->pid)
		snprintf(buf, len, "pid=\"%u\",comm=\"%s\"", p->pid, comm);
	else
		snprintf(buf, len, "pid=\"\",comm=\"%s\"", comm);
}

static void write_procs(FILE *f, const struct fl_prom_snap *s)
{
	static const char * const types[] = { "minor", "major", "error" };
	char labels[LABEL_MAX + 32], secs[32];
	unsigned int i, t;

	family(f, "faultlat_process_faults", "gauge",
	       "Faults of a process since it started (or the last reset), for the top processes by time in faults; comm=\"other\" sums the rest and can fall.");
	for (i = 0; i < s->nr_procs; i++) {
		const struct fl_prom_proc *p = &s->procs[i];
		__u64 v[] = { p->minor, p->major, p->errors };

		proc_labels(labels, sizeof(labels), p);
		for (t = 0; t < ARRAY_SIZE(types); t++)
			fprintf(f, "faultlat_process_faults{%s,type=\"%s\"} %llu\n",
				labels, types[t], v[t]);
	}
	family(f, "faultlat_process_fault_seconds", "gauge",
	       "Time a process spent in minor and major faults since it started (or the last reset), for the same processes.");
	for (i = 0; i < s->nr_procs; i++) {
		proc_labels(labels, sizeof(labels), &s->procs[i]);
		fl_prom_seconds(secs, sizeof(secs), s->procs[i].fault_ns);
		fprintf(f, "faultlat_process_fault_seconds{%s} %s\n", labels,
			secs);
	}
}

/* cgroup="PATH" of each row, escaped: a malloc()ed array of them. */
static char **cgroup_labels(const struct fl_prom_snap *s)
{
	char **l = calloc(s->nr_cgroups ? s->nr_cgroups : 1, sizeof(*l));
	unsigned int i;
	size_t len;

	for (i = 0; l && i < s->nr_cgroups; i++) {
		/* every byte escaped at most into two */
		len = 2 * strlen(s->cgroups[i].path) + 16;
		l[i] = malloc(len);
		if (!l[i])
			goto fail;
		strcpy(l[i], "cgroup=\"");
		fl_prom_label(l[i] + 8, len - 9, s->cgroups[i].path);
		strcat(l[i], "\"");
	}
	return l;
fail:
	while (i--)
		free(l[i]);
	free(l);
	return NULL;
}

static int write_cgroups(FILE *f, const struct fl_prom_snap *s)
{
	static const char * const types[] = { "minor", "major", "error" };
	char **labels = cgroup_labels(s);
	unsigned int i, t;
	char secs[32];

	if (!labels)
		return -1;
	family(f, "faultlat_cgroup_faults_total", "counter",
	       "Page faults of the tasks of a cgroup (v2) and of its descendants, by type (minor, major, error), for the top cgroups by time in faults; a removed cgroup's stay counted in its ancestors.");
	for (i = 0; i < s->nr_cgroups; i++) {
		const struct fl_prom_cgroup *c = &s->cgroups[i];
		__u64 v[] = { c->minor, c->major, c->errors };

		for (t = 0; t < ARRAY_SIZE(types); t++)
			fprintf(f, "faultlat_cgroup_faults_total{%s,type=\"%s\"} %llu\n",
				labels[i], types[t], v[t]);
	}
	family(f, "faultlat_cgroup_fault_seconds_total", "counter",
	       "Time the tasks of a cgroup (v2) and of its descendants spent in minor and major faults, for the same cgroups.");
	for (i = 0; i < s->nr_cgroups; i++) {
		fl_prom_seconds(secs, sizeof(secs), s->cgroups[i].fault_ns);
		fprintf(f, "faultlat_cgroup_fault_seconds_total{%s} %s\n",
			labels[i], secs);
	}
	if (module_has(s, 7)) {
		family(f, "faultlat_cgroup_faults_timed_by_cause_total",
		       "counter",
		       "Completed page faults of the same cgroups timed by cause (while module parameter causes was on).");
		for (i = 0; i < s->nr_cgroups; i++)
			sample(f, "faultlat_cgroup_faults_timed_by_cause_total",
			       labels[i], s->cgroups[i].causes.faults);
		family(f, "faultlat_cgroup_fault_cause_seconds_total",
		       "counter",
		       "Time of those faults by cause, as faultlat_fault_cause_seconds_total, for the same cgroups.");
		for (i = 0; i < s->nr_cgroups; i++)
			cause_samples(f,
				      "faultlat_cgroup_fault_cause_seconds_total",
				      labels[i], &s->cgroups[i].causes,
				      causes_told(s));
		family(f, "faultlat_cgroup_faults_by_path_total", "counter",
		       "Completed page faults of the same cgroups by path, as faultlat_faults_by_path_total.");
		for (i = 0; i < s->nr_cgroups; i++)
			path_samples(f, "faultlat_cgroup_faults_by_path_total",
				     labels[i], s->cgroups[i].paths);
	}
	for (i = 0; i < s->nr_cgroups; i++)
		free(labels[i]);
	free(labels);
	return 0;
}

int fl_prom_write(FILE *f, const struct fl_prom_snap *s, bool octaves)
{
	int err = 0;

	write_faults(f, s, octaves);
	write_causes_paths(f, s);
	write_module(f, s);
	if (s->tlb)
		write_tlb(f, s, octaves);
	if (s->procs_on)
		write_procs(f, s);
	if (s->cgroups_on)
		err = write_cgroups(f, s);
	return err || ferror(f) ? -1 : 0;
}
