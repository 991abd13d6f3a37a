/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: subcommands and options shared by all of them.
 */
#ifndef FAULTLAT_CMD_H
#define FAULTLAT_CMD_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#define FAULTLAT_CLIENT_VERSION	"1.0"

/* Exit codes; "run" exits with its command's status instead. */
#define FL_EXIT_OK	0
#define FL_EXIT_ERR	1
#define FL_EXIT_USAGE	2

struct fl_opts {
	bool json;
	bool pretty;
};

/* Set by -j/--json and --pretty, before the command or after it. */
extern struct fl_opts fl_opts;

/*
 * Each subcommand gets argv[0] = "faultlat NAME" and the arguments after
 * its name; it returns the process exit code.
 */
int cmd_hist(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_reset(int argc, char **argv);
int cmd_tasks(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_heatmap(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);

void cmd_hist_help(FILE *f);
void cmd_run_help(FILE *f);
void cmd_status_help(FILE *f);
void cmd_reset_help(FILE *f);
void cmd_tasks_help(FILE *f);
void cmd_trace_help(FILE *f);
void cmd_top_help(FILE *f);
void cmd_export_help(FILE *f);
void cmd_heatmap_help(FILE *f);
void cmd_record_help(FILE *f);
void cmd_report_help(FILE *f);

/* Print "Try 'faultlat NAME --help'." and return FL_EXIT_USAGE. */
int fl_usage_error(const char *name);

/* argv[optind], an operand after the options of @name: none is expected. */
int fl_extra_args(char **argv, const char *name);

/* The code of --pretty, long-only: -p is --pid wherever it is taken. */
#define FL_OPT_PRETTY	0x100

/* fl_getopt()'s return after --help or a usage error: exit with *rc. */
#define FL_OPT_EXIT	(-2)

/*
 * What fl_getopt() parses: a command's own options, and the shared ones
 * it handles itself: -h/--help, and, if @json, -j/--json and --pretty
 * (which set fl_opts).
 */
struct fl_optspec {
	const char *name;		/* "hist"; NULL at the global level */
	const char *shortopts;		/* getopt's ("+": to the 1st operand) */
	const struct option *longopts;	/* NULL-terminated, or NULL */
	void (*help)(FILE *f);
	bool json;
	bool operands;			/* else an operand is a usage error */
};

/*
 * fl_getopt() - getopt_long() over @spec's options and the shared ones.
 * Returns the next option of the command's own, -1 at the end of the
 * options, or FL_OPT_EXIT with *@rc the exit code (after --help, an
 * unknown option or, unless @spec->operands, an operand: the messages
 * are printed).
 */
int fl_getopt(int argc, char **argv, const struct fl_optspec *spec, int *rc);

/*
 * Parse a pid/tid: a decimal number in [1, 2^31 - 1].  Returns 0 or -1
 * (after printing an error naming @what).
 */
int fl_parse_id(const char *s, const char *what, unsigned int *id);

/*
 * fl_parse_count() - a decimal number from 1 to @max (a count, a size),
 * for the option @what of command @cmd.  Returns 0 and sets *@v, or -1
 * after printing why.
 */
int fl_parse_count(const char *cmd, const char *what, const char *s,
		   __u64 max, __u64 *v);

#endif /* FAULTLAT_CMD_H */
