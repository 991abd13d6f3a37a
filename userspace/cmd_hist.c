// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat hist: latency histograms, system-wide or of one process or
 * thread.
 */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cmd.h"
#include "dev.h"
#include "hist.h"
#include "json.h"

void cmd_hist_help(FILE *f)
{
	fprintf(f,
		"Usage: faultlat hist [-p PID | -t TID | -a] [--minor|--major] [-j] [--pretty]\n"
		"\n"
		"Print the page-fault latency histograms (minor faults, then major\n"
		"faults) recorded since the module was loaded or last reset, with\n"
		"count, average, p50, p90, p99, p99.9 and max, the faults by mode,\n"
		"kind and access, and the module's nmissed and dropped counters.\n"
		"\n"
		"Options:\n"
		"  -p, --pid PID   the whole process PID: its live threads plus its\n"
		"                  exited ones\n"
		"  -t, --tid TID   one thread\n"
		"  -a, --all       every fault on every CPU (the default; needs\n"
		"                  CAP_PERFMON or CAP_SYS_ADMIN)\n"
		"      --minor     only minor faults\n"
		"      --major     only major faults\n"
		"  -j, --json      print JSON\n"
		"      --pretty    print pretty JSON (implies --json)\n"
		"  -h, --help      print this help\n"
		"\n"
		"Rows are \"lo -> hi\": a fault of lo or more and less than hi. Percentiles\n"
		"are the upper bound of the bucket holding them, clamped to [min, max].\n"
		"Anyone may read their own processes; other users' need CAP_PERFMON.\n"
		"\n"
		"EXAMPLES\n"
		"  sudo faultlat hist               system-wide, minor and major\n"
		"  faultlat hist -p $(pidof -s firefox) --major\n"
		"  faultlat hist -t 4321 -j         one thread, as JSON\n");
}

static void print_task_header(FILE *f, const struct faultlat_task *t,
			      bool process)
{
	char comm[FL_COMM_LEN + 1];
	bool exited = t->flags & FAULTLAT_TASK_EXITED;

	fl_comm(t->comm, comm);
	if (process)
		fprintf(f, "process %u (%s), uid %u: %u live thread%s%s\n",
			t->pid, comm, t->uid, t->nr_threads,
			t->nr_threads == 1 ? "" : "s",
			exited ? ", exited" : "");
	else
		fprintf(f, "thread %u (%s) of process %u, uid %u%s\n",
			t->pid, comm, t->tgid, t->uid,
			exited ? ", exited" : "");
}

static struct json_object *task_json(const struct faultlat_task *t,
				     bool process)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "view", json_object_new_string(process ?
							"process" : "thread"));
	json_object_object_add(o, "pid", json_object_new_int64(t->pid));
	json_object_object_add(o, "tgid", json_object_new_int64(t->tgid));
	json_object_object_add(o, "comm", fl_json_comm(t->comm));
	json_object_object_add(o, "uid", json_object_new_int64(t->uid));
	json_object_object_add(o, "nr_threads",
			       json_object_new_int64(t->nr_threads));
	json_object_object_add(o, "exited",
			       json_object_new_boolean(t->flags &
						       FAULTLAT_TASK_EXITED));
	return o;
}

int cmd_hist(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "tid", required_argument, NULL, 't' },
		{ "all", no_argument, NULL, 'a' },
		{ "minor", no_argument, NULL, 'm' },
		{ "major", no_argument, NULL, 'M' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct faultlat_global g;
	struct faultlat_task t;
	struct faultlat_info info;
	const struct faultlat_stats *s;
	struct json_object *o;
	unsigned int classes = 0, id = 0;
	__u64 nmissed, dropped;
	int opt, fd, err, views = 0;
	char view = 'a';

	while ((opt = getopt_long(argc, argv, "p:t:ajh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p':
		case 't':
			if (fl_parse_id(optarg, opt == 'p' ? "PID" : "TID", &id))
				return fl_usage_error("hist");
			view = opt;
			views++;
			break;
		case 'a':
			view = opt;
			views++;
			break;
		case 'm':
			classes |= FL_CLASS_MINOR;
			break;
		case 'M':
			classes |= FL_CLASS_MAJOR;
			break;
		case 'j':
			fl_opts.json = true;
			break;
		case 'P':
			fl_opts.json = true;
			fl_opts.pretty = true;
			break;
		case 'h':
			cmd_hist_help(stdout);
			return FL_EXIT_OK;
		default:
			return fl_usage_error("hist");
		}
	}
	if (optind < argc) {
		fprintf(stderr, "faultlat hist: unexpected argument '%s'\n",
			argv[optind]);
		return fl_usage_error("hist");
	}
	if (views > 1) {
		fprintf(stderr, "faultlat hist: -p, -t and -a exclude each other\n");
		return fl_usage_error("hist");
	}
	if (!classes)
		classes = FL_CLASS_ALL;

	fd = fl_dev_open();
	if (fd < 0)
		return FL_EXIT_ERR;
	err = fl_dev_info(fd, &info);
	if (err) {
		fl_dev_error(fd, FL_OP_INFO, 0, err);
		goto fail;
	}
	if (fl_dev_check_abi(&info))
		goto fail;

	if (view == 'a') {
		err = fl_dev_global(fd, &g);
		if (err) {
			fl_dev_error(fd, FL_OP_GLOBAL, 0, err);
			goto fail;
		}
		s = &g.stats;
		nmissed = g.nmissed;
		dropped = g.dropped;
	} else {
		err = fl_dev_task(fd, id, view == 'p', &t);
		if (err) {
			fl_dev_error(fd, view == 'p' ? FL_OP_PROCESS :
				     FL_OP_THREAD, id, err);
			goto fail;
		}
		s = &t.stats;
		/* the counters after the task, so they cover it */
		err = fl_dev_info(fd, &info);
		if (err) {
			fl_dev_error(fd, FL_OP_INFO, 0, err);
			goto fail;
		}
		nmissed = info.nmissed;
		dropped = info.dropped;
	}
	close(fd);

	if (fl_opts.json) {
		if (view == 'a') {
			o = json_object_new_object();
			json_object_object_add(o, "view",
					       json_object_new_string("global"));
		} else {
			o = task_json(&t, view == 'p');
		}
		json_object_object_add(o, "nmissed", fl_json_u64(nmissed));
		json_object_object_add(o, "dropped", fl_json_u64(dropped));
		json_object_object_add(o, "stats", fl_json_stats(s, classes));
		return fl_json_print(stdout, o) ? FL_EXIT_ERR : FL_EXIT_OK;
	}

	if (view == 'a')
		printf("all tasks, system-wide:\n");
	else
		print_task_header(stdout, &t, view == 'p');
	fputc('\n', stdout);
	fl_print_stats(stdout, s, classes);
	fl_print_counters(stdout, nmissed, dropped);
	if (fflush(stdout)) {
		perror("faultlat: writing output");
		return FL_EXIT_ERR;
	}
	return FL_EXIT_OK;

fail:
	close(fd);
	return FL_EXIT_ERR;
}
