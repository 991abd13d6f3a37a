// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: /sys/kernel/debug/faultlat/, read-only (so it works under
 * lockdown, which refuses writable debugfs files).
 *
 *   summary     probes, counts, nmissed, dropped, table use
 *   tasks       one line per tracked thread and process
 *   histograms  the global minor and major histograms, and the breakdowns
 *               (counts and buckets: percentiles are the readers' to compute)
 *   tlb         TLB flushes: initiators, IPI waits, receivers per CPU, and
 *               tlb:tlb_flush events by reason
 *   layout      the kernel's private layouts tlb.c assumes, for
 *               selftests/faultlat/layout_test.c to check against BTF
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "faultlat.h"

static struct dentry *fl_dir;

/* One line per attached function: how, and why not directly. */
static void fl_debugfs_sites(struct seq_file *m)
{
	unsigned int i;

	for (i = 0; i < FL_NR_SITES; i++) {
		const struct fl_site *s = fl_sites[i];

		if (s->how == FL_ATTACH_OFF && s->id != FL_SITE_FAULT)
			continue;
		seq_printf(m, "probe        %s: %s", s->sym,
			   s->how == FL_ATTACH_DIRECT ? "direct" :
			   s->how == FL_ATTACH_KPROBE ? "kretprobe" : "off");
		if (s->how == FL_ATTACH_KPROBE)
			seq_printf(m, " (not direct: %pe, %s)",
				   ERR_PTR(-(long)s->direct_err),
				   fl_direct_why(s->direct_err));
		seq_putc(m, '\n');
	}
}

static int summary_show(struct seq_file *m, void *unused)
{
	struct faultlat_stats *st;
	u64 fallbacks, dropped;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	fl_global_read(st, &fallbacks, NULL, NULL, &dropped);
	seq_printf(m, "version      %u.%u (abi %u)\n", FL_VERSION_MAJOR,
		   FL_VERSION_MINOR, FAULTLAT_ABI_VERSION);
	seq_printf(m, "clock        %s\n", fl_clock_name());
	seq_printf(m, "probe_mode   %s\n", fl_probe_mode == FL_MODE_AUTO ? "auto" :
		   fl_probe_mode == FL_MODE_DIRECT ? "direct" : "kprobe");
	fl_debugfs_sites(m);
	seq_puts(m, "probes       sched_process_exit/free:on\n");
	seq_printf(m, "maxactive    %u\n", fl_maxactive);
	seq_printf(m, "nmissed      %llu\n", fl_attach_nmissed(false));
	seq_printf(m, "dropped      %llu\n", dropped);
	seq_printf(m, "tasks        %u/%u used (%zu KiB, %zu bytes per record)\n",
		   fl_tasks_used(), fl_max_tasks, fl_tasks_bytes() >> 10,
		   sizeof(struct fl_rec));
	seq_printf(m, "resets       %u\n", READ_ONCE(fl_reset_count));
	seq_printf(m, "min_latency  %llu ns (trace events)\n",
		   READ_ONCE(fl_min_latency_ns));
	seq_printf(m, "causes       %s\n", fl_causes_enabled() ? "on" : "off");
	seq_printf(m, "paths        %s\n", fl_paths_enabled() ? "on" : "off");
	seq_printf(m, "calls        %llu\n", st->calls);
	seq_printf(m, "minor        %llu\n", st->minor.count);
	seq_printf(m, "major        %llu\n", st->major.count);
	seq_printf(m, "errors       %llu\n", st->errors);
	seq_printf(m, "retries      %llu\n", st->retries);
	seq_printf(m, "abandoned    %llu\n", st->abandoned);
	seq_printf(m, "fallbacks    %llu\n", fallbacks);
	kfree(st);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(summary);

static int fl_tasks_line(const struct fl_view *v, void *priv)
{
	struct seq_file *m = priv;

	seq_printf(m, "%-7u %-7u %-7s %-16s %10llu %8llu %10llu\n",
		   v->pid, v->tgid,
		   v->process ? (v->exited ? "exited" : "process") : "thread",
		   v->comm, v->st.minor.count, v->st.major.count,
		   max(v->st.minor.max_ns, v->st.major.max_ns));
	return 0;
}

static int tasks_show(struct seq_file *m, void *unused)
{
	struct fl_view *v;
	int err;

	v = kmalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	seq_printf(m, "%-7s %-7s %-7s %-16s %10s %8s %10s\n",
		   "pid", "tgid", "kind", "comm", "minor", "major", "max_ns");
	err = fl_view_each(false, true, v, fl_tasks_line, m);
	kfree(v);
	return err;
}
DEFINE_SHOW_ATTRIBUTE(tasks);

/* One line of time by cause: faults, latency, then ns and faults by cause. */
static void fl_seq_causes(struct seq_file *m, const struct fl_causes *cz)
{
	unsigned int i;
	u64 sum = 0;

	seq_printf(m, " %8llu %14llu", cz->faults, cz->latency_ns);
	for (i = 0; i < FL_NR_CAUSES; i++) {
		seq_printf(m, " %14llu %8llu", cz->ns[i], cz->with[i]);
		sum += cz->ns[i];
	}
	seq_printf(m, " %14llu\n", cz->latency_ns - sum);
}

static int fl_causes_line(const struct fl_view *v, void *priv)
{
	struct seq_file *m = priv;

	if (!v->cz.faults)
		return 0;
	seq_printf(m, "%-7u %-7u %-16s", v->pid, v->tgid, v->comm);
	fl_seq_causes(m, &v->cz);
	return 0;
}

static int causes_show(struct seq_file *m, void *unused)
{
	struct fl_causes *cz;
	struct faultlat_stats *st;
	struct fl_view *v;
	u64 fallbacks, dropped;
	unsigned int i;
	int err = -ENOMEM;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	cz = kmalloc(sizeof(*cz), GFP_KERNEL);
	v = kmalloc(sizeof(*v), GFP_KERNEL);
	if (!st || !cz || !v)
		goto out;
	fl_global_read(st, &fallbacks, cz, NULL, &dropped);
	seq_printf(m, "causes %s\n", fl_causes_enabled() ? "on" : "off");
	seq_printf(m, "%-7s %-7s %-16s %8s %14s", "pid", "tgid", "comm",
		   "faults", "latency_ns");
	for (i = 0; i < FL_NR_CAUSES; i++)
		seq_printf(m, " %11s_ns %8s", fl_cause_name(i),
			   fl_cause_name(i));
	seq_printf(m, " %14s\n", "rest_ns");
	seq_printf(m, "%-7s %-7s %-16s", "-", "-", "(all)");
	fl_seq_causes(m, cz);
	/* processes: their exited threads' faults too */
	err = fl_view_each(true, true, v, fl_causes_line, m);
out:
	kfree(v);
	kfree(cz);
	kfree(st);
	return err;
}
DEFINE_SHOW_ATTRIBUTE(causes);

/* One line of counts by path. */
static void fl_seq_paths(struct seq_file *m, const u64 *paths)
{
	unsigned int i;

	for (i = 0; i < FAULTLAT_NR_PATHS; i++)
		seq_printf(m, " %10llu", paths[i]);
	seq_puts(m, "\n");
}

static int fl_paths_line(const struct fl_view *v, void *priv)
{
	struct seq_file *m = priv;
	unsigned int i;

	for (i = 0; i < FAULTLAT_NR_PATHS && !v->paths[i]; i++)
		;
	if (i == FAULTLAT_NR_PATHS)
		return 0;
	seq_printf(m, "%-7u %-7u %-16s", v->pid, v->tgid, v->comm);
	fl_seq_paths(m, v->paths);
	return 0;
}

static int paths_show(struct seq_file *m, void *unused)
{
	struct faultlat_stats *st;
	struct fl_view *v;
	u64 fallbacks, dropped, paths[FAULTLAT_NR_PATHS];
	unsigned int i;
	int err = -ENOMEM;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	v = kmalloc(sizeof(*v), GFP_KERNEL);
	if (!st || !v)
		goto out;
	fl_global_read(st, &fallbacks, NULL, paths, &dropped);
	seq_printf(m, "paths %s\n", fl_paths_enabled() ? "on" : "off");
	fl_paths_hooks_show(m);
	seq_printf(m, "%-7s %-7s %-16s", "pid", "tgid", "comm");
	for (i = 0; i < FAULTLAT_NR_PATHS; i++)
		seq_printf(m, " %10s", fl_path_name(i));
	seq_puts(m, "\n");
	seq_printf(m, "%-7s %-7s %-16s", "-", "-", "(all)");
	fl_seq_paths(m, paths);
	/* processes: their exited threads' faults too */
	err = fl_view_each(true, true, v, fl_paths_line, m);
out:
	kfree(v);
	kfree(st);
	return err;
}
DEFINE_SHOW_ATTRIBUTE(paths);

static void fl_seq_hist(struct seq_file *m, const char *name,
			const struct faultlat_hist *h)
{
	unsigned int i, first = 0, last = 0;
	u64 peak = 0;

	seq_printf(m, "%s: count %llu sum_ns %llu min_ns %llu max_ns %llu\n",
		   name, h->count, h->sum_ns, h->min_ns, h->max_ns);
	if (!h->count)
		return;
	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		if (!peak)
			first = i;
		last = i;
		peak = max(peak, h->buckets[i]);
	}
	seq_printf(m, "%24s : %-10s %s\n", "nsecs", "count", "distribution");
	for (i = first; i <= last; i++) {
		unsigned int stars = div64_u64(h->buckets[i] * 40, peak);

		seq_printf(m, "%11llu -> %-11llu: %-10llu |%-40.*s|\n",
			   faultlat_bucket_lo(i), faultlat_bucket_hi(i) - 1,
			   h->buckets[i], stars,
			   "****************************************");
	}
}

static int histograms_show(struct seq_file *m, void *unused)
{
	static const char * const kinds[] = { "anon", "file", "shmem", "hugetlb" };
	static const char * const access[] = { "read", "write", "exec" };
	static const char * const class[] = { "minor", "major" };
	struct faultlat_stats *st;
	unsigned int c, j;
	u64 fallbacks, dropped;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	fl_global_read(st, &fallbacks, NULL, NULL, &dropped);
	fl_seq_hist(m, "minor", &st->minor);
	seq_puts(m, "\n");
	fl_seq_hist(m, "major", &st->major);
	seq_puts(m, "\n");
	for (c = 0; c < FAULTLAT_NR_CLASSES; c++) {
		seq_printf(m, "%s: user %llu kernel %llu no_regs %llu |",
			   class[c], st->by_mode[c][FAULTLAT_MODE_USER],
			   st->by_mode[c][FAULTLAT_MODE_KERNEL], st->no_regs[c]);
		for (j = 0; j < FAULTLAT_NR_KINDS; j++)
			seq_printf(m, " %s %llu", kinds[j], st->by_kind[c][j]);
		seq_puts(m, " |");
		for (j = 0; j < FAULTLAT_NR_ACCESS; j++)
			seq_printf(m, " %s %llu", access[j], st->by_access[c][j]);
		seq_puts(m, "\n");
	}
	seq_printf(m, "errors %llu retries %llu abandoned %llu calls %llu nmissed %llu dropped %llu fallbacks %llu\n",
		   st->errors, st->retries, st->abandoned, st->calls,
		   fl_attach_nmissed(false), dropped, fallbacks);
	kfree(st);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(histograms);

static int tlb_show(struct seq_file *m, void *unused)
{
	static const char * const reasons[] = {
		"task_switch", "remote_shootdown", "local_shootdown",
		"local_mm_shootdown", "remote_send_ipi", "remote_wrong_cpu",
	};
	struct faultlat_tlb_global *g;
	struct faultlat_tlb_cpu *c;
	u64 hits[FAULTLAT_TLB_NR_IPI_FNS];
	u32 probes = fl_attach_mask(true, false);

	if (fl_tracepoint_attached("tlb_flush"))
		probes |= FAULTLAT_PROBE_TLB_TRACE;
	unsigned int i;
	int cpu;

	g = kmalloc(sizeof(*g), GFP_KERNEL);
	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!g || !c) {
		kfree(g);
		kfree(c);
		return -ENOMEM;
	}
	fl_tlb_global_read(g);
	fl_tlb_ipi_hits(hits);
	seq_printf(m, "probes: flush_tlb_mm_range:%s flush_tlb_func:%s tlb:tlb_flush:%s nmissed %llu\n",
		   probes & FAULTLAT_PROBE_TLB_RANGE ? "on" : "off",
		   probes & FAULTLAT_PROBE_TLB_FUNC ? "on" : "off",
		   probes & FAULTLAT_PROBE_TLB_TRACE ? "on" : "off", g->nmissed);
	seq_puts(m, "ipi functions:");
	for (i = 0; i < FAULTLAT_TLB_NR_IPI_FNS; i++)
		if (probes & FAULTLAT_PROBE_TLB_IPI_FN(i))
			seq_printf(m, " %s (%llu calls)", fl_tlb_ipi_name(i),
				   hits[i]);
	seq_puts(m, "\n\n");
	seq_printf(m, "initiated: full %llu ranged %llu pages %llu remote %llu local_only %llu ipis %llu ipi_targets %llu\n",
		   g->stats.full, g->stats.ranged, g->stats.pages,
		   g->stats.remote, g->stats.local_only, g->stats.ipis,
		   g->stats.ipi_targets);
	fl_seq_hist(m, "flush_tlb_mm_range", &g->stats.flush);
	seq_puts(m, "\n");
	fl_seq_hist(m, "ipi_wait", &g->ipi);
	seq_puts(m, "\n");
	seq_printf(m, "received: remote %llu local %llu\n", g->received_remote,
		   g->received_local);
	fl_seq_hist(m, "flush_tlb_func_remote", &g->received);
	seq_puts(m, "\n");
	for_each_possible_cpu(cpu) {
		fl_tlb_cpu_read(cpu, c);
		seq_printf(m, "cpu%d: received remote %llu local %llu max_ns %llu\n",
			   cpu, c->received_remote, c->received_local,
			   c->received.max_ns);
	}
	seq_puts(m, "\ntlb:tlb_flush events since load (count, full, pages):\n");
	for (i = 0; i < FAULTLAT_TLB_REASON_SLOTS; i++) {
		const struct faultlat_tlb_reason_count *rc = &g->reason[i];

		/* the kernel's reasons, and any other number seen */
		if (i >= g->kernel_reasons && !rc->count)
			continue;
		if (i < ARRAY_SIZE(reasons))
			seq_printf(m, "%-20s", reasons[i]);
		else
			seq_printf(m, "reason%-14u", i);
		seq_printf(m, " %llu %llu %llu\n", rc->count, rc->full,
			   rc->pages);
	}
	seq_printf(m, "%-20s %llu %llu %llu\n", "other", g->reason_other.count,
		   g->reason_other.full, g->reason_other.pages);
	kfree(g);
	kfree(c);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tlb);

static int layout_show(struct seq_file *m, void *unused)
{
	fl_tlb_layout_show(m);
	fl_paths_layout_show(m);
	fl_causes_layout_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(layout);

/**
 * fl_debugfs_init() - create /sys/kernel/debug/faultlat/
 *
 * A convenience only: the device carries everything.  As the kernel asks
 * of debugfs users, no return value is checked; without debugfs
 * (CONFIG_DEBUG_FS off, debugfs=off, lockdown) the calls fail and the
 * module works the same.
 */
void fl_debugfs_init(void)
{
	fl_dir = debugfs_create_dir("faultlat", NULL);
	if (IS_ERR(fl_dir))
		pr_info("faultlat: no debugfs directory (%pe): the device has it all\n",
			fl_dir);
	debugfs_create_file("summary", 0444, fl_dir, NULL, &summary_fops);
	debugfs_create_file("tasks", 0444, fl_dir, NULL, &tasks_fops);
	debugfs_create_file("histograms", 0444, fl_dir, NULL, &histograms_fops);
	debugfs_create_file("tlb", 0444, fl_dir, NULL, &tlb_fops);
	debugfs_create_file("causes", 0444, fl_dir, NULL, &causes_fops);
	debugfs_create_file("paths", 0444, fl_dir, NULL, &paths_fops);
	debugfs_create_file("layout", 0444, fl_dir, NULL, &layout_fops);
}

void fl_debugfs_exit(void)
{
	debugfs_remove(fl_dir);
	fl_dir = NULL;
}
