// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat heatmap: fault latency over time as an SVG picture (heatmap.c),
 * from interval histograms read live (the difference of two reads, as
 * hist -i) or from a recording of faultlat trace -j (--from).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "cmd.h"
#include "dev.h"
#include "heatmap.h"
#include "hist.h"
#include "interval.h"
#include "sample.h"
#include "util.h"

void cmd_heatmap_help(FILE *f)
{
	fprintf(f,
		"Usage: faultlat heatmap [-p PID] [-i SECONDS] [-d DURATION] -o FILE.svg\n"
		"       faultlat heatmap --from TRACE.jsonl [-p PID] [-i SECONDS] [-d DURATION]\n"
		"                        -o FILE.svg\n"
		"\n"
		"Draw fault latency over time as an SVG heatmap: time from left to right,\n"
		"one column per interval; latency from bottom to top, one row per bucket\n"
		"of the module's histograms (log scale, 4 per power of two); the colour\n"
		"of a cell tells how many faults of that latency the interval had (log\n"
		"scale, from light yellow to dark red; white: none). Minor and major\n"
		"faults have a panel each. The title names the host, the kernel and\n"
		"the target.\n"
		"\n"
		"Live, it reads the histograms every SECONDS (as 'hist -i' does) until\n"
		"DURATION has passed, Ctrl-C or SIGTERM, or the process is gone, then\n"
		"writes FILE. With --from, it reads the fault events of a 'faultlat\n"
		"trace -j' recording instead (other lines are skipped, and counted),\n"
		"the first event starting the first interval.\n"
		"\n"
		"Options:\n"
		"  -p, --pid PID          process PID (live: its record; --from: its\n"
		"                         events); default: all tasks, system-wide (live,\n"
		"                         this needs CAP_PERFMON or CAP_SYS_ADMIN)\n"
		"  -i, --interval SECONDS one column per SECONDS (1 by default; 0.5,\n"
		"                         250ms; from 10ms)\n"
		"  -d, --duration DURATION\n"
		"                         stop after DURATION (10, 90s, 1.5s; a bare\n"
		"                         number is in seconds); --from: the events of\n"
		"                         the first DURATION only\n"
		"      --from FILE        replay FILE, 'faultlat trace -j' output ('-':\n"
		"                         stdin)\n"
		"  -o, --output FILE      the SVG file to write (required)\n"
		"  -h, --help             print this help\n"
		"\n"
		"At most %u intervals. Faults that ended in an error have no latency\n"
		"histogram and are not drawn.\n"
		"\n"
		"EXAMPLES\n"
		"  sudo faultlat heatmap -d 60 -o faults.svg           a minute, system-wide\n"
		"  faultlat heatmap -p $(pidof -s mysqld) -i 0.5 -d 30 -o mysqld.svg\n"
		"  sudo faultlat trace -j -d 10 > t.jsonl; faultlat heatmap --from t.jsonl -o t.svg\n"
		"  rsvg-convert -o faults.png faults.svg               the picture as a PNG\n",
		FL_HEAT_MAX_COLS);
}

struct heatmap {
	unsigned int pid;		/* 0: system-wide (live), all (--from) */
	__u64 interval_ns;
	__u64 duration_ns;		/* 0: no limit */
	const char *from;
	const char *out;
	struct fl_heat heat;
	char target[128];
	char span[256];
};

/* "12:00:00" of the wall clock, @ago_ns ago */
static void fmt_wall(char *buf, size_t len, __u64 ago_ns)
{
	time_t t = (time_t)((fl_clock_ns(CLOCK_REALTIME) - ago_ns) /
			    FL_NSEC_PER_SEC);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S %Z", &tm);
}

static int write_svg(struct heatmap *m)
{
	char title[512], sub[512], iv[32];
	struct fl_heat_titles t = { title, sub };
	struct utsname u;
	FILE *f;
	int err;

	if (uname(&u)) {
		strcpy(u.nodename, "?");
		strcpy(u.release, "?");
	}
	snprintf(title, sizeof(title),
		 "faultlat heatmap: %s on %s, Linux %s", m->target,
		 u.nodename, u.release);
	fl_fmt_ns(iv, sizeof(iv), m->heat.col_ns);
	snprintf(sub, sizeof(sub), "%s; %u interval%s of %s", m->span,
		 m->heat.nr_cols, m->heat.nr_cols == 1 ? "" : "s", iv);
	f = fopen(m->out, "we");
	if (!f) {
		fprintf(stderr, "faultlat heatmap: cannot create %s: %s\n",
			m->out, strerror(errno));
		return -1;
	}
	err = fl_heat_svg(f, &m->heat, &t);
	if (fclose(f) || err) {
		fprintf(stderr, "faultlat heatmap: writing %s failed\n",
			m->out);
		return -1;
	}
	return 0;
}

/* --- live --- */

struct reading {
	struct faultlat_stats s;
	__u32 reset_count;
	char comm[FL_COMM_LEN + 1];
};

/* 0, -ESRCH (the process is gone), or -1 after a message */
static int take_reading(int fd, const struct heatmap *m, struct reading *r)
{
	static struct faultlat_global g;
	static struct faultlat_task t;
	struct faultlat_info info;
	int err;

	if (m->pid) {
		err = fl_dev_task(fd, m->pid, true, &t);
		if (err == -ESRCH)
			return err;
		if (err) {
			fl_dev_error(fd, FL_OP_PROCESS, m->pid, err);
			return -1;
		}
		r->s = t.stats;
		fl_comm(t.comm, r->comm);
	} else {
		err = fl_dev_global(fd, &g);
		if (err) {
			fl_dev_error(fd, FL_OP_GLOBAL, 0, err);
			return -1;
		}
		r->s = g.stats;
	}
	err = fl_dev_info(fd, &info);
	if (err) {
		fl_dev_error(fd, FL_OP_INFO, 0, err);
		return -1;
	}
	r->reset_count = info.reset_count;
	return 0;
}

static int add_interval(struct heatmap *m, const struct reading *prev,
			const struct reading *cur)
{
	static struct faultlat_stats d;
	int err;

	if (cur->reset_count != prev->reset_count)
		d = cur->s;	/* reset meanwhile: what came since */
	else
		fl_stats_delta(&prev->s, &cur->s, &d);
	err = fl_heat_add_col(&m->heat, &d.minor, &d.major);
	if (err == -E2BIG)
		fprintf(stderr,
			"faultlat heatmap: %u intervals reached: stopping there\n",
			FL_HEAT_MAX_COLS);
	else if (err)
		fprintf(stderr, "faultlat heatmap: out of memory\n");
	return err;
}

static int run_live(struct heatmap *m)
{
	static struct reading r[2];
	struct reading *prev = &r[0], *cur = &r[1], *tmp;
	struct faultlat_info info;
	__u64 start, next;
	char when[64];
	int fd, err, rc = FL_EXIT_ERR;

	fd = fl_dev_open_checked(&info);
	if (fd < 0)
		return FL_EXIT_ERR;
	fl_stop_on_signals();
	err = take_reading(fd, m, prev);
	if (err == -ESRCH)
		fl_dev_error(fd, FL_OP_PROCESS, m->pid, err);
	if (err)
		goto out;
	if (m->pid)
		snprintf(m->target, sizeof(m->target), "process %u (%s)",
			 m->pid, prev->comm);
	else
		snprintf(m->target, sizeof(m->target), "all tasks");
	start = fl_clock_ns(CLOCK_MONOTONIC);
	for (next = start + m->interval_ns;
	     !m->duration_ns || next - start <= m->duration_ns;
	     next += m->interval_ns) {
		if (!fl_sleep_until(next))
			break;
		err = take_reading(fd, m, cur);
		if (err == -ESRCH) {
			fprintf(stderr, "faultlat heatmap: process %u is gone\n",
				m->pid);
			break;
		}
		if (err)
			goto out;
		err = add_interval(m, prev, cur);
		if (err == -E2BIG)
			break;
		if (err)
			goto out;
		tmp = prev;
		prev = cur;
		cur = tmp;
	}
	if (!m->heat.nr_cols) {
		fprintf(stderr,
			"faultlat heatmap: stopped before the first interval ended: nothing to draw\n");
		goto out;
	}
	fmt_wall(when, sizeof(when), fl_clock_ns(CLOCK_MONOTONIC) - start);
	snprintf(m->span, sizeof(m->span), "from %s", when);
	rc = write_svg(m) ? FL_EXIT_ERR : FL_EXIT_OK;
out:
	close(fd);
	return rc;
}

/* --- replay --- */

struct event {
	__u64 ts;
	__u64 latency;
	unsigned int class;
};

/* A u64 member of @o into *@v; false if missing or not an integer. */
static bool get_u64(struct json_object *o, const char *key, __u64 *v)
{
	struct json_object *m;

	if (!json_object_object_get_ex(o, key, &m) ||
	    !json_object_is_type(m, json_type_int))
		return false;
	errno = 0;
	*v = json_object_get_uint64(m);
	return !errno && json_object_get_int64(m) >= 0;
}

/*
 * One line: 1 and @e for a fault event we draw, 0 for one we do not (an
 * error, another process, a TLB flush, a summary), -1 for a line that is
 * not a faultlat trace -j object.
 */
static int parse_line(const char *line, unsigned int pid, struct event *e)
{
	struct json_object *o = json_tokener_parse(line), *m;
	const char *type, *outcome;
	__u64 tgid;
	int ret = -1;

	if (!o || !json_object_is_type(o, json_type_object))
		goto out;
	if (!json_object_object_get_ex(o, "type", &m) ||
	    !json_object_is_type(m, json_type_string))
		goto out;
	type = json_object_get_string(m);
	if (strcmp(type, "fault")) {
		ret = 0;
		goto out;
	}
	if (!json_object_object_get_ex(o, "outcome", &m) ||
	    !json_object_is_type(m, json_type_string) ||
	    !get_u64(o, "ts_ns", &e->ts) ||
	    !get_u64(o, "latency_ns", &e->latency) ||
	    !get_u64(o, "tgid", &tgid))
		goto out;
	outcome = json_object_get_string(m);
	ret = 0;
	if (pid && tgid != pid)
		goto out;
	if (!strcmp(outcome, "minor"))
		e->class = FAULTLAT_MINOR;
	else if (!strcmp(outcome, "major"))
		e->class = FAULTLAT_MAJOR;
	else
		goto out;
	ret = 1;
out:
	json_object_put(o);
	return ret;
}

static int read_events(struct heatmap *m, FILE *in, struct event **ev,
		       size_t *nr)
{
	size_t cap = 0, len = 0;
	unsigned long long lineno = 0, bad = 0, first_bad = 0;
	struct event e, *p;
	char *line = NULL;
	int r;

	*ev = NULL;
	*nr = 0;
	while (getline(&line, &len, in) > 0) {
		lineno++;
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		r = parse_line(line, m->pid, &e);
		if (r < 0 && !bad++)
			first_bad = lineno;
		if (r <= 0)
			continue;
		if (*nr == cap) {
			cap = cap ? 2 * cap : 4096;
			p = realloc(*ev, cap * sizeof(**ev));
			if (!p) {
				fprintf(stderr, "faultlat heatmap: out of memory\n");
				free(line);
				return -1;
			}
			*ev = p;
		}
		(*ev)[(*nr)++] = e;
	}
	free(line);
	if (ferror(in)) {
		fprintf(stderr, "faultlat heatmap: reading %s: %s\n", m->from,
			strerror(errno));
		return -1;
	}
	if (bad)
		fprintf(stderr,
			"faultlat heatmap: %s: skipped %llu line%s that %s not faultlat trace -j output (the first: line %llu)\n",
			m->from, bad, bad == 1 ? "" : "s",
			bad == 1 ? "is" : "are", first_bad);
	return 0;
}

static int run_replay(struct heatmap *m)
{
	FILE *in = stdin;
	struct event *ev = NULL;
	const char *name;
	size_t nr = 0, i;
	__u64 t0 = ~0ULL, span;
	char len[32];
	int err, rc = FL_EXIT_ERR;

	if (strcmp(m->from, "-")) {
		in = fopen(m->from, "re");
		if (!in) {
			fprintf(stderr, "faultlat heatmap: cannot open %s: %s\n",
				m->from, strerror(errno));
			return FL_EXIT_ERR;
		}
	}
	err = read_events(m, in, &ev, &nr);
	if (in != stdin)
		fclose(in);
	if (err)
		goto out;
	if (!nr) {
		fprintf(stderr,
			"faultlat heatmap: %s holds no minor or major fault event%s\n",
			m->from, m->pid ? " of that process" : "");
		goto out;
	}
	/* per-CPU buffers: the events need not come in time order */
	for (i = 0; i < nr; i++)
		if (ev[i].ts < t0)
			t0 = ev[i].ts;
	for (i = 0; i < nr; i++) {
		if (m->duration_ns && ev[i].ts - t0 >= m->duration_ns)
			continue;
		err = fl_heat_add_event(&m->heat, ev[i].ts - t0, ev[i].class,
					ev[i].latency);
		if (err == -E2BIG) {
			fprintf(stderr,
				"faultlat heatmap: %s spans more than %u intervals: use a longer -i or a -d\n",
				m->from, FL_HEAT_MAX_COLS);
			goto out;
		}
		if (err) {
			fprintf(stderr, "faultlat heatmap: out of memory\n");
			goto out;
		}
	}
	name = strrchr(m->from, '/') ? strrchr(m->from, '/') + 1 : m->from;
	if (m->pid)
		snprintf(m->target, sizeof(m->target),
			 "process %u in a replay of %s", m->pid, name);
	else
		snprintf(m->target, sizeof(m->target), "replay of %s", name);
	span = (__u64)m->heat.nr_cols * m->heat.col_ns;
	fl_fmt_ns(len, sizeof(len), span);
	snprintf(m->span, sizeof(m->span),
		 "%zu fault events over %s of trace time; host and kernel: where it was drawn",
		 nr, len);
	rc = write_svg(m) ? FL_EXIT_ERR : FL_EXIT_OK;
out:
	free(ev);
	return rc;
}

int cmd_heatmap(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "interval", required_argument, NULL, 'i' },
		{ "duration", required_argument, NULL, 'd' },
		{ "from", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct fl_optspec spec = {
		.name = "heatmap", .shortopts = "p:i:d:o:", .longopts = longopts,
		.help = cmd_heatmap_help,
	};
	static struct heatmap m;
	int opt, rc;

	memset(&m, 0, sizeof(m));
	m.interval_ns = FL_NSEC_PER_SEC;
	while ((opt = fl_getopt(argc, argv, &spec, &rc)) != -1) {
		switch (opt) {
		case 'p':
			if (fl_parse_id(optarg, "PID", &m.pid))
				return fl_usage_error("heatmap");
			break;
		case 'i':
			if (fl_parse_interval("heatmap", optarg, &m.interval_ns))
				return fl_usage_error("heatmap");
			break;
		case 'd':
			if (fl_parse_duration(optarg, FL_NSEC_PER_SEC,
					      &m.duration_ns) || !m.duration_ns) {
				fprintf(stderr,
					"faultlat heatmap: invalid duration '%s': expected seconds (10, 1.5) or a number and a unit (500ms)\n",
					optarg);
				return fl_usage_error("heatmap");
			}
			break;
		case 'F':
			m.from = optarg;
			break;
		case 'o':
			m.out = optarg;
			break;
		default:	/* FL_OPT_EXIT */
			return rc;
		}
	}
	if (!m.out || !*m.out) {
		fprintf(stderr, "faultlat heatmap: -o FILE.svg is required\n");
		return fl_usage_error("heatmap");
	}
	if (!m.from && m.duration_ns && m.duration_ns < m.interval_ns) {
		fprintf(stderr,
			"faultlat heatmap: the duration is shorter than the interval: no interval would end\n");
		return fl_usage_error("heatmap");
	}
	fl_heat_init(&m.heat, m.interval_ns);
	rc = m.from ? run_replay(&m) : run_live(&m);
	fl_heat_free(&m.heat);
	return rc;
}
