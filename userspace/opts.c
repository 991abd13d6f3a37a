// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat client: option parsing shared by the global options and every
 * command (see cmd.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "util.h"

struct fl_opts fl_opts;

/* room for the longest table: a command's options plus the shared ones */
#define FL_MAX_LONGOPTS	24

/* The options that every command (and the global level) takes. */
static const struct option shared_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, FL_OPT_PRETTY },
};

/* The tables getopt_long() is given for the spec last built. */
static const struct fl_optspec *built;
static struct option longopts[FL_MAX_LONGOPTS];
static char shortopts[64];

/* Merge @spec's own options with the shared ones. */
static void build(const struct fl_optspec *spec)
{
	unsigned int n = 0, i, shared = spec->json ? 3 : 1;
	const struct option *o;
	int len;

	for (o = spec->longopts; o && o->name; o++) {
		if (n + shared >= FL_MAX_LONGOPTS)
			abort();	/* raise FL_MAX_LONGOPTS */
		longopts[n++] = *o;
	}
	for (i = 0; i < shared; i++)
		longopts[n++] = shared_longopts[i];
	memset(&longopts[n], 0, sizeof(longopts[n]));
	len = snprintf(shortopts, sizeof(shortopts), "%s%s",
		       spec->shortopts ? spec->shortopts : "",
		       spec->json ? "hj" : "h");
	if (len < 0 || (size_t)len >= sizeof(shortopts))
		abort();
	built = spec;
}

int fl_getopt(int argc, char **argv, const struct fl_optspec *spec, int *rc)
{
	int opt;

	if (built != spec)
		build(spec);
	for (;;) {
		opt = getopt_long(argc, argv, shortopts, longopts, NULL);
		switch (opt) {
		case 'j':
			fl_opts.json = true;
			break;
		case FL_OPT_PRETTY:
			fl_opts.json = true;
			fl_opts.pretty = true;
			break;
		case 'h':
			spec->help(stdout);
			*rc = FL_EXIT_OK;
			return FL_OPT_EXIT;
		case '?':
			*rc = fl_usage_error(spec->name);
			return FL_OPT_EXIT;
		case -1:
			if (!spec->operands && optind < argc) {
				*rc = fl_extra_args(argv, spec->name);
				return FL_OPT_EXIT;
			}
			return -1;
		default:
			return opt;
		}
	}
}

int fl_usage_error(const char *name)
{
	if (name)
		fprintf(stderr, "Try 'faultlat %s --help'.\n", name);
	else
		fprintf(stderr, "Try 'faultlat --help'.\n");
	return FL_EXIT_USAGE;
}

int fl_extra_args(char **argv, const char *name)
{
	fprintf(stderr, "faultlat%s%s: unexpected argument '%s'\n",
		name ? " " : "", name ? name : "", argv[optind]);
	return fl_usage_error(name);
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

int fl_parse_count(const char *cmd, const char *what, const char *s,
		   __u64 max, __u64 *v)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (*s >= '0' && *s <= '9' && !*end && !errno && n && n <= max) {
		*v = n;
		return 0;
	}
	if (max == ~0ULL)
		fprintf(stderr,
			"faultlat %s: invalid %s '%s': expected a positive number\n",
			cmd, what, s);
	else
		fprintf(stderr,
			"faultlat %s: invalid %s '%s': expected a number from 1 to %llu\n",
			cmd, what, s, (unsigned long long)max);
	return -1;
}
