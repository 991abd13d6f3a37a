/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: subcommands and options shared by all of them.
 */
#ifndef FAULTLAT_CMD_H
#define FAULTLAT_CMD_H

#include <stdbool.h>
#include <stdio.h>

#define FAULTLAT_CLIENT_VERSION	"1.0"

/* Exit codes; "run" exits with its command's status instead. */
#define FL_EXIT_OK	0
#define FL_EXIT_ERR	1
#define FL_EXIT_USAGE	2

struct fl_opts {
	bool json;
	bool pretty;
};

/* Set by the global options, then by each subcommand's own -j/--pretty. */
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

void cmd_hist_help(FILE *f);
void cmd_run_help(FILE *f);
void cmd_status_help(FILE *f);
void cmd_reset_help(FILE *f);
void cmd_tasks_help(FILE *f);
void cmd_trace_help(FILE *f);
void cmd_top_help(FILE *f);
void cmd_export_help(FILE *f);
void cmd_heatmap_help(FILE *f);

/* Print "Try 'faultlat NAME --help'." and return FL_EXIT_USAGE. */
int fl_usage_error(const char *name);
int fl_extra_args(char **argv, const char *name);

/*
 * Parse the options of a subcommand that has only -j/--json, --pretty and
 * -h/--help, and no arguments.  Returns -1 to go on, or the exit code
 * (after --help, or a usage error).
 */
int fl_parse_json_only(int argc, char **argv, const char *name,
		       void (*help)(FILE *f));

/*
 * Parse a pid/tid: a decimal number in [1, 2^31 - 1].  Returns 0 or -1
 * (after printing an error naming @what).
 */
int fl_parse_id(const char *s, const char *what, unsigned int *id);

#endif /* FAULTLAT_CMD_H */
