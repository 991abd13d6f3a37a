/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultlat client: what the commands that go on until told to stop share
 * (hist -i, top, trace, export -i, heatmap; run's clock): clocks, a stop
 * flag set by SIGINT, SIGTERM and SIGHUP, sleeping to an absolute
 * deadline, and the -i option's parsing.
 */
#ifndef FAULTLAT_SAMPLE_H
#define FAULTLAT_SAMPLE_H

#include <stdbool.h>
#include <time.h>
#include <linux/types.h>

/* The shortest interval the sampling commands accept: 10 ms. */
#define FL_MIN_INTERVAL_NS	10000000ULL

/* @id's time in nanoseconds. */
__u64 fl_clock_ns(clockid_t id);

/*
 * From now on SIGINT, SIGTERM and SIGHUP (unless it is ignored, as under
 * nohup) set the stop flag instead of killing us.
 */
void fl_stop_on_signals(void);

/* The signal that set the stop flag, or 0. */
int fl_stop_signal(void);

/*
 * Sleep until @deadline (CLOCK_MONOTONIC, ns) unless the stop flag is or
 * gets set.  Returns false if it is set.
 */
bool fl_sleep_until(__u64 deadline);

/*
 * Parse @arg, the SECONDS of "faultlat @cmd -i": a duration of 10 ms or
 * more (fl_parse_duration(), a bare number in seconds).  Returns 0, or -1
 * after printing why on stderr.
 */
int fl_parse_interval(const char *cmd, const char *arg, __u64 *ns);

#endif /* FAULTLAT_SAMPLE_H */
