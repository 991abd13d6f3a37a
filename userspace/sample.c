// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat client: clocks, stopping on a signal and sleeping, for every
 * command that runs until told to stop (see sample.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>

#include "interval.h"
#include "sample.h"
#include "util.h"

/* READ_ONCE/WRITE_ONCE only: shared with the signal handler */
static int stop_sig;

__u64 fl_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__u64)ts.tv_sec * FL_NSEC_PER_SEC + ts.tv_nsec;
}

static void on_stop(int sig)
{
	WRITE_ONCE(stop_sig, sig);
}

void fl_stop_on_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop }, old;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a hangup too, unless ignored (nohup): then it stays ignored */
	if (!sigaction(SIGHUP, NULL, &old) && old.sa_handler != SIG_IGN)
		sigaction(SIGHUP, &sa, NULL);
}

int fl_stop_signal(void)
{
	return READ_ONCE(stop_sig);
}

bool fl_sleep_until(__u64 deadline)
{
	struct timespec ts = {
		.tv_sec = deadline / FL_NSEC_PER_SEC,
		.tv_nsec = deadline % FL_NSEC_PER_SEC,
	};
	int err;

	do {
		if (fl_stop_signal())
			return false;
		err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				      NULL);
	} while (err == EINTR);
	return !fl_stop_signal();
}

int fl_parse_interval(const char *cmd, const char *arg, __u64 *ns)
{
	if (!fl_parse_duration(arg, FL_NSEC_PER_SEC, ns) &&
	    *ns >= FL_MIN_INTERVAL_NS)
		return 0;
	fprintf(stderr,
		"faultlat %s: invalid interval '%s': expected seconds (1, 0.5) or a number and a unit (250ms), 10ms or more\n",
		cmd, arg);
	return -1;
}
