// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat: page-fault latency histograms per task, from /dev/faultlat.
 *
 * The global options are parsed here, then the subcommand (cmd_*.c) is
 * run; it may be given as any unambiguous prefix of its name.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/faultlat.h>

#include "cmd.h"
#include "util.h"

struct fl_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	void (*help)(FILE *f);
	const char *summary;
};

static int cmd_help(int argc, char **argv);
static void main_help(FILE *f);

static const struct fl_cmd cmds[] = {
	{ "hist", cmd_hist, cmd_hist_help,
	  "fault (or, with --tlb, TLB-flush) latency histograms: system-wide,\n"
	  "           of a process, of a thread or of a cgroup" },
	{ "run", cmd_run, cmd_run_help,
	  "run a command, then print its fault and TLB-flush latency (like\n"
	  "           time(1))" },
	{ "status", cmd_status, cmd_status_help,
	  "module version, probes, IPI function, task and cgroup tables,\n"
	  "           counters" },
	{ "reset", cmd_reset, cmd_reset_help,
	  "zero every statistic" },
	{ "tasks", cmd_tasks, cmd_tasks_help,
	  "list the tracked threads and processes" },
	{ "trace", cmd_trace, cmd_trace_help,
	  "print faults (and TLB flushes) live, one line each, from the\n"
	  "           module's trace events" },
	{ "top", cmd_top, cmd_top_help,
	  "the processes that spend the most time in page faults, refreshed;\n"
	  "           with --cgroups, the cgroups" },
	{ "export", cmd_export, cmd_export_help,
	  "the statistics in Prometheus' text format, for node_exporter's\n"
	  "           textfile collector" },
	{ "heatmap", cmd_heatmap, cmd_heatmap_help,
	  "fault latency over time as an SVG heatmap (live, or a trace -j\n"
	  "           recording)" },
	{ "record", cmd_record, cmd_record_help,
	  "record slow faults with their stacks and mappings into a file\n"
	  "           (trace --stack -j), for report" },
	{ "report", cmd_report, cmd_report_help,
	  "where a recording's fault time went: by call site, by mapping,\n"
	  "           flame graphs (folded stacks, SVG)" },
	{ "help", cmd_help, NULL,
	  "help on faultlat or on a command" },
};

#define NR_CMDS	ARRAY_SIZE(cmds)

/*
 * The command named @name: an exact match, else the only command @name is
 * a prefix of.  Prints why and returns NULL otherwise.
 */
static const struct fl_cmd *find_cmd(const char *name)
{
	const struct fl_cmd *found = NULL;
	size_t len = strlen(name);
	unsigned int i, n = 0;

	for (i = 0; i < NR_CMDS; i++)
		if (!strcmp(name, cmds[i].name))
			return &cmds[i];
	for (i = 0; len && i < NR_CMDS; i++) {
		if (!strncmp(name, cmds[i].name, len)) {
			found = &cmds[i];
			n++;
		}
	}
	if (n == 1)
		return found;
	if (!n) {
		fprintf(stderr, "faultlat: unknown command '%s'\n", name);
		return NULL;
	}
	fprintf(stderr, "faultlat: ambiguous command '%s': could be", name);
	for (i = 0; i < NR_CMDS; i++)
		if (!strncmp(name, cmds[i].name, len))
			fprintf(stderr, " %s", cmds[i].name);
	fputc('\n', stderr);
	return NULL;
}

static void main_help(FILE *f)
{
	unsigned int i;

	fprintf(f,
		"Usage: faultlat [OPTIONS] COMMAND [ARGS...]\n"
		"\n"
		"Page-fault and TLB-flush latency histograms per task, read from the\n"
		"faultlat kernel module through %s.\n"
		"\n"
		"Commands (any unambiguous prefix will do):\n", FAULTLAT_DEVICE);
	for (i = 0; i < NR_CMDS; i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -j, --json     print JSON (schema: Documentation/userspace/json.rst)\n"
		"      --pretty   print pretty JSON (implies --json)\n"
		"  -h, --help     print this help\n"
		"      --version  print the client's version and ABI\n"
		"\n"
		"Environment:\n"
		"  FAULTLAT_DEVICE  the device to use instead of %s\n"
		"\n"
		"Exit status: 0 on success, 1 on a runtime error, 2 on a usage error;\n"
		"'run' exits with its command's status (128+N if killed by signal N).\n"
		"\n"
		"EXAMPLES\n"
		"  faultlat run -- make -j2        fault latency of a build, like time(1)\n"
		"  faultlat hist                   system-wide histograms (needs CAP_PERFMON)\n"
		"  faultlat hist -p 1234 --major   major faults of process 1234\n"
		"  faultlat hist --tlb             TLB flushes, IPIs and shootdowns per CPU\n"
		"                                  (needs CAP_PERFMON)\n"
		"  sudo faultlat hist -G ssh.service\n"
		"                                  the faults of a systemd unit's cgroup\n"
		"  sudo faultlat top --cgroups     the cgroups that spend the most time in faults\n"
		"  sudo faultlat export -o /var/lib/prometheus/node-exporter/faultlat.prom\n"
		"                                  for node_exporter's textfile collector\n"
		"  sudo faultlat heatmap -d 60 -o faults.svg\n"
		"                                  a minute of fault latency as a picture\n"
		"  faultlat --pretty status        module state as pretty JSON\n"
		"  faultlat help hist              help on 'hist'\n",
		FAULTLAT_DEVICE);
}

static int cmd_help(int argc, char **argv)
{
	const struct fl_cmd *c;

	if (argc < 2) {
		main_help(stdout);
		return FL_EXIT_OK;
	}
	if (argc > 2) {
		fprintf(stderr, "faultlat: help takes at most one command\n");
		return fl_usage_error("help");
	}
	c = find_cmd(argv[1]);
	if (!c)
		return fl_usage_error(NULL);
	if (c->help)
		c->help(stdout);
	else
		main_help(stdout);
	return FL_EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	/* "+": stop at the command, whose options are its own */
	static const struct fl_optspec spec = {
		.shortopts = "+p", .longopts = longopts, .help = main_help,
		.json = true, .operands = true,
	};
	const struct fl_cmd *c;
	char name[64];
	int opt, idx, rc;

	while ((opt = fl_getopt(argc, argv, &spec, &rc)) != -1) {
		switch (opt) {
		case 'V':
			printf("faultlat %s (ABI %u, %u buckets)\n",
			       FAULTLAT_CLIENT_VERSION, FAULTLAT_ABI_VERSION,
			       (unsigned int)FAULTLAT_NR_BUCKETS);
			return FL_EXIT_OK;
		case 'p':
			/* -p is the commands' --pid: point there */
			fprintf(stderr,
				"faultlat: -p is no global option: it is --pid, after the command (faultlat hist -p PID); pretty JSON is --pretty\n");
			return fl_usage_error(NULL);
		default:	/* FL_OPT_EXIT */
			return rc;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "faultlat: no command given\n");
		main_help(stderr);
		return FL_EXIT_USAGE;
	}
	idx = optind;
	c = find_cmd(argv[idx]);
	if (!c)
		return fl_usage_error(NULL);

	/* getopt's messages then read "faultlat hist: invalid option" */
	snprintf(name, sizeof(name), "faultlat %s", c->name);
	argv[idx] = name;
	optind = 0;	/* 0, not 1: getopt re-initialises for the new argv */
	return c->run(argc - idx, argv + idx);
}
