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

struct fl_opts fl_opts;

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
	  "           of a process or of a thread" },
	{ "run", cmd_run, cmd_run_help,
	  "run a command, then print its fault and TLB-flush latency (like\n"
	  "           time(1))" },
	{ "status", cmd_status, cmd_status_help,
	  "module version, probes, IPI function, task table and counters" },
	{ "reset", cmd_reset, cmd_reset_help,
	  "zero every statistic" },
	{ "tasks", cmd_tasks, cmd_tasks_help,
	  "list the tracked threads and processes" },
	{ "trace", cmd_trace, cmd_trace_help,
	  "print faults (and TLB flushes) live, one line each, from the\n"
	  "           module's trace events" },
	{ "top", cmd_top, cmd_top_help,
	  "the processes that spend the most time in page faults, refreshed" },
	{ "export", cmd_export, cmd_export_help,
	  "the statistics in Prometheus' text format, for node_exporter's\n"
	  "           textfile collector" },
	{ "heatmap", cmd_heatmap, cmd_heatmap_help,
	  "fault latency over time as an SVG heatmap (live, or a trace -j\n"
	  "           recording)" },
	{ "help", cmd_help, NULL,
	  "help on faultlat or on a command" },
};

#define NR_CMDS	ARRAY_SIZE(cmds)

int fl_usage_error(const char *name)
{
	if (name)
		fprintf(stderr, "Try 'faultlat %s --help'.\n", name);
	else
		fprintf(stderr, "Try 'faultlat --help'.\n");
	return FL_EXIT_USAGE;
}

/* argv[optind], an operand after the options of command @name: none is expected. */
int fl_extra_args(char **argv, const char *name)
{
	fprintf(stderr, "faultlat %s: unexpected argument '%s'\n", name,
		argv[optind]);
	return fl_usage_error(name);
}

int fl_parse_json_only(int argc, char **argv, const char *name,
		       void (*help)(FILE *f))
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			fl_opts.json = true;
			break;
		case 'P':
			fl_opts.json = true;
			fl_opts.pretty = true;
			break;
		case 'h':
			help(stdout);
			return FL_EXIT_OK;
		default:
			return fl_usage_error(name);
		}
	}
	if (optind < argc)
		return fl_extra_args(argv, name);
	return -1;
}

int fl_parse_id(const char *s, const char *what, unsigned int *id)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v < 1 || v > 0x7fffffff) {
		fprintf(stderr,
			"faultlat: invalid %s '%s': expected a number from 1 to 2147483647\n",
			what, s);
		return -1;
	}
	*id = v;
	return 0;
}

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
		"  -p, --pretty   print pretty JSON (implies --json)\n"
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
		"  sudo faultlat export -o /var/lib/prometheus/node-exporter/faultlat.prom\n"
		"                                  for node_exporter's textfile collector\n"
		"  sudo faultlat heatmap -d 60 -o faults.svg\n"
		"                                  a minute of fault latency as a picture\n"
		"  faultlat -p status              module state as pretty JSON\n"
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
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct fl_cmd *c;
	char name[64];
	int opt, idx;

	/* "+": stop at the command, whose options are its own */
	while ((opt = getopt_long(argc, argv, "+jph", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			fl_opts.json = true;
			break;
		case 'p':
			fl_opts.json = true;
			fl_opts.pretty = true;
			break;
		case 'h':
			main_help(stdout);
			return FL_EXIT_OK;
		case 'V':
			printf("faultlat %s (ABI %u, %u buckets)\n",
			       FAULTLAT_CLIENT_VERSION, FAULTLAT_ABI_VERSION,
			       (unsigned int)FAULTLAT_NR_BUCKETS);
			return FL_EXIT_OK;
		default:
			return fl_usage_error(NULL);
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
