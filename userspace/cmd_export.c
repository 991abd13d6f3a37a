// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat export: the statistics in the Prometheus text exposition
 * format (prom.c), on stdout or written atomically into a file for
 * node_exporter's textfile collector, once or every interval.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "cmd.h"
#include "dev.h"
#include "hist.h"
#include "interval.h"
#include "prom.h"
#include "sample.h"
#include "util.h"

#define TOP_MAX		1000

void cmd_export_help(FILE *f)
{
	fprintf(f,
		"Usage: faultlat export [--format prometheus] [-o FILE] [-i SECONDS [-c COUNT]]\n"
		"                       [--top N] [--top-cgroups N] [--buckets fine|octave]\n"
		"\n"
		"Write the system-wide statistics in the Prometheus text exposition\n"
		"format: faults by type and mode, the fault latency histograms (in\n"
		"seconds, one bucket per bucket of the module), the TLB flushes and\n"
		"their histograms, nmissed and dropped. The metrics are described in\n"
		"Documentation/userspace/export.rst. It needs CAP_PERFMON or\n"
		"CAP_SYS_ADMIN (the system-wide view).\n"
		"\n"
		"With -o, the file is replaced atomically: written to a temporary file\n"
		"in the same directory (a name starting with '.' and without the\n"
		".prom suffix), then renamed over FILE, so node_exporter's textfile\n"
		"collector never reads half of it. With -i, it is written every\n"
		"SECONDS until Ctrl-C, SIGTERM or COUNT times.\n"
		"\n"
		"Options:\n"
		"      --format FMT       the output format: prometheus (the only one)\n"
		"  -o, --output FILE      replace FILE atomically instead of writing on\n"
		"                         stdout (for the textfile collector, FILE must\n"
		"                         end in .prom)\n"
		"  -i, --interval SECONDS write every SECONDS (15, 0.5, 250ms; from 10ms)\n"
		"  -c, --count COUNT      with -i, stop after COUNT writes\n"
		"      --top N            also per-process series: the N processes that\n"
		"                         spent the most time in faults since they started\n"
		"                         (1 to %u), the others summed as comm=\"other\";\n"
		"                         4 series per process, 4 for \"other\"\n"
		"      --top-cgroups N    also per-cgroup series: the N cgroups (v2) that\n"
		"                         spent the most time in faults, each with its\n"
		"                         descendants (1 to %u), named by their path\n"
		"                         below the cgroup2 mount; 24 series per cgroup\n"
		"      --buckets fine     one le bucket per bucket of the module, 114 a\n"
		"                         histogram (the default)\n"
		"      --buckets octave   one le bucket per power of two, 30 a histogram,\n"
		"                         for large fleets\n"
		"  -h, --help             print this help\n"
		"\n"
		"Series (a module 0.8 or later): 267 (fine) or 99 (octave) without the\n"
		"TLB flushes, 624 or 204 with them, 4 * (N + 1) more with --top N,\n"
		"24 * N more with --top-cgroups N.\n"
		"A cgroup's counts include its descendants': summing the cgroup series\n"
		"counts a nested cgroup's faults again in each of its ancestors.\n"
		"\n"
		"EXAMPLES\n"
		"  sudo faultlat export | less\n"
		"  sudo faultlat export -o /var/lib/prometheus/node-exporter/faultlat.prom\n"
		"  sudo faultlat export -i 15 --top 10 \\\n"
		"       -o /var/lib/prometheus/node-exporter/faultlat.prom\n"
		"  sudo faultlat export --top-cgroups 20 | grep '^faultlat_cgroup_'\n"
		"  sudo faultlat export | promtool check metrics\n"
		"  (contrib/systemd/ has a service and a timer that keep the file fresh)\n",
		TOP_MAX, TOP_MAX);
}

struct export {
	const char *out;		/* NULL: stdout */
	__u64 interval_ns;		/* 0: once */
	__u64 count;			/* 0: no limit */
	unsigned int top;		/* 0: no per-process series */
	unsigned int top_cgroups;	/* 0: no per-cgroup series */
	const char *cgroot;		/* with top_cgroups: the cgroup2 mount */
	bool octaves;
	int fd;
	bool tlb_tried;			/* TLB_GLOBAL answered ENOTTY once */
	bool no_tlb;
};

/*
 * The per-cgroup rows: the records, then the cgroup2 tree for their paths
 * (@tree, which the rows point into).
 */
static int snapshot_cgroups(struct export *x, struct fl_prom_snap *s,
			    struct fl_prom_cgroup **rows,
			    struct fl_cgroup_tree *tree)
{
	struct faultlat_cgroup_entry *e = NULL;
	__u32 nr = 0;
	int err;

	err = fl_dev_cgroup_list(x->fd, &e, &nr);
	if (err) {
		fl_dev_error(x->fd, FL_OP_CGROUP_LIST, 0, err);
		return -1;
	}
	err = fl_cgroup_walk(x->cgroot, tree);
	if (err) {
		free(e);
		fprintf(stderr,
			"faultlat export: reading the cgroup2 tree at %s: %s\n",
			x->cgroot, strerror(-err));
		return -1;
	}
	err = fl_prom_top_cgroups(e, nr, tree, x->top_cgroups, rows,
				  &s->nr_cgroups);
	free(e);
	if (err) {
		fprintf(stderr, "faultlat export: out of memory\n");
		return -1;
	}
	s->cgroups = *rows;
	s->cgroups_on = true;
	return 0;
}

/*
 * Read everything at once into @s; @rows is the per-process table,
 * @cgrows the per-cgroup one, whose paths point into @tree.
 */
static int snapshot(struct export *x, struct fl_prom_snap *s,
		    struct fl_prom_proc **rows, struct fl_prom_cgroup **cgrows,
		    struct fl_cgroup_tree *tree)
{
	struct faultlat_task_entry *e = NULL;
	__u32 nr = 0;
	int err;

	memset(s, 0, sizeof(*s));
	err = fl_dev_global(x->fd, &s->g);
	if (err) {
		fl_dev_error(x->fd, FL_OP_GLOBAL, 0, err);
		return -1;
	}
	err = fl_dev_info(x->fd, &s->info);
	if (err) {
		fl_dev_error(x->fd, FL_OP_INFO, 0, err);
		return -1;
	}
	if (fl_tlb_measured(&s->info) && !x->no_tlb) {
		err = fl_dev_tlb_global(x->fd, &s->tg, NULL, NULL);
		if (err == -ENOTTY) {
			x->no_tlb = true;	/* a module from before TLB */
		} else if (err) {
			fl_dev_error(x->fd, FL_OP_TLB_GLOBAL, 0, err);
			return -1;
		}
		s->tlb = !err;
	}
	if (x->top) {
		err = fl_dev_list(x->fd, FAULTLAT_TASK_PROCESS, &e, &nr);
		if (err) {
			fl_dev_error(x->fd, FL_OP_LIST, 0, err);
			return -1;
		}
		err = fl_prom_top(e, nr, x->top, rows, &s->nr_procs);
		free(e);
		if (err) {
			fprintf(stderr, "faultlat export: out of memory\n");
			return -1;
		}
		s->procs = *rows;
		s->procs_on = true;
	}
	if (x->top_cgroups && snapshot_cgroups(x, s, cgrows, tree))
		return -1;
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * Replace @path by @len bytes of @buf: a temporary file ".NAME.XXXXXX" in
 * the same directory (same file system: rename() is atomic), mode 0644
 * so that node_exporter may read it, then rename() over @path.
 */
static int write_atomic(const char *path, const char *buf, size_t len)
{
	char copy1[PATH_MAX], copy2[PATH_MAX], tmp[PATH_MAX + 16];
	const char *what = "creating a temporary file for";
	int fd;

	if (strlen(path) >= sizeof(copy1)) {
		fprintf(stderr, "faultlat export: %s: name too long\n", path);
		return -1;
	}
	strcpy(copy1, path);
	strcpy(copy2, path);
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dirname(copy1),
		 basename(copy2));
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		goto fail;
	what = "writing";
	if (write_all(fd, buf, len) || fchmod(fd, 0644) || fsync(fd)) {
		close(fd);
		goto fail_unlink;
	}
	if (close(fd))
		goto fail_unlink;
	what = "renaming the temporary file over";
	if (rename(tmp, path))
		goto fail_unlink;
	return 0;

fail_unlink:
	fd = errno;
	unlink(tmp);
	errno = fd;
fail:
	fprintf(stderr, "faultlat export: %s %s: %s\n", what, path,
		strerror(errno));
	return -1;
}

/* One exposition: read, format, write. */
static int export_once(struct export *x)
{
	struct fl_cgroup_tree tree = { 0 };
	struct fl_prom_cgroup *cgrows = NULL;
	struct fl_prom_proc *rows = NULL;
	struct fl_prom_snap s;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int err = -1;

	if (snapshot(x, &s, &rows, &cgrows, &tree))
		goto out;
	m = open_memstream(&buf, &len);
	if (!m) {
		perror("faultlat export");
		goto out;
	}
	err = fl_prom_write(m, &s, x->octaves);
	if (fclose(m) || err) {
		fprintf(stderr, "faultlat export: out of memory\n");
		err = -1;
		goto out;
	}
	if (x->out) {
		err = write_atomic(x->out, buf, len);
	} else {
		err = fwrite(buf, 1, len, stdout) != len || fflush(stdout);
		if (err)
			perror("faultlat export: writing output");
	}
out:
	free(buf);
	free(rows);
	free(cgrows);
	fl_cgroup_tree_free(&tree);
	return err ? -1 : 0;
}

static int run_export(struct export *x)
{
	struct faultlat_info info;
	__u64 n, next;
	int rc = FL_EXIT_ERR;

	x->fd = fl_dev_open_checked(&info);
	if (x->fd < 0)
		return FL_EXIT_ERR;
	if (x->top_cgroups && !fl_dev_has_cgroups(&info)) {
		/* before 0.4: no cgroup commands; name its version */
		fl_dev_error(x->fd, FL_OP_CGROUP_LIST, 0, -ENOTTY);
		goto out;
	}
	if (x->top_cgroups) {
		x->cgroot = fl_cgroup_root();
		if (!x->cgroot) {
			fprintf(stderr,
				"faultlat export: no cgroup2 file system is mounted: --top-cgroups names the cgroups by their path in it\n");
			goto out;
		}
	}
	if (!x->interval_ns) {
		rc = export_once(x) ? FL_EXIT_ERR : FL_EXIT_OK;
		goto out;
	}
	fl_stop_on_signals();
	next = fl_clock_ns(CLOCK_MONOTONIC);
	for (n = 0; !x->count || n < x->count; n++) {
		if (n) {
			next += x->interval_ns;
			if (!fl_sleep_until(next))
				break;
		}
		if (export_once(x))
			goto out;
	}
	rc = FL_EXIT_OK;
out:
	close(x->fd);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "top", required_argument, NULL, 'T' },
		{ "top-cgroups", required_argument, NULL, 'C' },
		{ "buckets", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct fl_optspec spec = {
		.name = "export", .shortopts = "o:i:c:", .longopts = longopts,
		.help = cmd_export_help,
	};
	struct export x = { 0 };
	__u64 v;
	int opt, rc;

	while ((opt = fl_getopt(argc, argv, &spec, &rc)) != -1) {
		switch (opt) {
		case 'F':
			if (strcmp(optarg, "prometheus")) {
				fprintf(stderr,
					"faultlat export: unknown format '%s': the only one is prometheus\n",
					optarg);
				return fl_usage_error("export");
			}
			break;
		case 'o':
			if (!*optarg) {
				fprintf(stderr, "faultlat export: empty file name\n");
				return fl_usage_error("export");
			}
			x.out = optarg;
			break;
		case 'i':
			if (fl_parse_interval("export", optarg, &x.interval_ns))
				return fl_usage_error("export");
			break;
		case 'c':
			if (fl_parse_count("export", "count", optarg, ~0ULL,
					   &v))
				return fl_usage_error("export");
			x.count = v;
			break;
		case 'T':
			if (fl_parse_count("export", "--top", optarg, TOP_MAX,
					   &v))
				return fl_usage_error("export");
			x.top = v;
			break;
		case 'C':
			if (fl_parse_count("export", "--top-cgroups", optarg,
					   TOP_MAX, &v))
				return fl_usage_error("export");
			x.top_cgroups = v;
			break;
		case 'B':
			if (!strcmp(optarg, "octave")) {
				x.octaves = true;
			} else if (!strcmp(optarg, "fine")) {
				x.octaves = false;
			} else {
				fprintf(stderr,
					"faultlat export: invalid --buckets '%s': expected fine or octave\n",
					optarg);
				return fl_usage_error("export");
			}
			break;
		default:	/* FL_OPT_EXIT */
			return rc;
		}
	}
	if (x.count && !x.interval_ns) {
		fprintf(stderr, "faultlat export: -c needs -i\n");
		return fl_usage_error("export");
	}
	return run_export(&x);
}
