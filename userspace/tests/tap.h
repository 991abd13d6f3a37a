/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Plain TAP for the client's unit tests: one "ok N - NAME" or "not ok N -
 * NAME" line a check, details of a failure as "#" lines, and tap_done()'s
 * plan and summary at the end.  Header-only; include it once.
 */
#ifndef FAULTLAT_TESTS_TAP_H
#define FAULTLAT_TESTS_TAP_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_tests, tap_failed;

static inline void ok(bool cond, const char *name)
{
	tap_tests++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_tests, name);
}

static inline void is_str(const char *got, const char *want, const char *name)
{
	bool same = !strcmp(got, want);

	ok(same, name);
	if (!same)
		printf("#   got '%s', want '%s'\n", got, want);
}

/* @text contains @s */
static inline void has(const char *text, const char *s, const char *name)
{
	bool found = strstr(text, s);

	ok(found, name);
	if (!found)
		printf("#   no '%s'\n", s);
}

/* The lines of @text that start with @prefix. */
static inline int count_lines(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p;
	int c = 0;

	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		c += !strncmp(p, prefix, n);
	return c;
}

/* The plan and the summary; the exit status. */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_tests);
	printf("# %d passed, %d failed\n", tap_tests - tap_failed, tap_failed);
	return tap_failed ? 1 : 0;
}

#endif /* FAULTLAT_TESTS_TAP_H */
