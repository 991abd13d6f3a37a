// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat tasks: the threads and processes the module tracks.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd.h"
#include "dev.h"
#include "hist.h"
#include "json.h"

void cmd_tasks_help(FILE *f)
{
	fprintf(f,
		"Usage: faultlat tasks [--process] [-j] [--pretty]\n"
		"\n"
		"List the threads and processes the module has records of, sorted by\n"
		"process then thread: PID (tid, or tgid for a process record), TGID,\n"
		"TYPE (proc for a whole process, thread; '*' once no thread of it is\n"
		"alive), COMM, minor and major fault counts, and the average and max\n"
		"latency of both together ('faultlat hist -p PID' or '-t TID' shows a\n"
		"task's histograms and percentiles).\n"
		"Without CAP_PERFMON or CAP_SYS_ADMIN only your own tasks are listed.\n"
		"\n"
		"Options:\n"
		"      --process  only process records\n"
		"  -j, --json     print JSON\n"
		"      --pretty   print pretty JSON (implies --json)\n"
		"  -h, --help     print this help\n"
		"\n"
		"EXAMPLES\n"
		"  sudo faultlat tasks --process\n"
		"  faultlat tasks -j | jq '.tasks | max_by(.max_ns)'\n");
}

static int cmp_entry(const void *a, const void *b)
{
	const struct faultlat_task_entry *x = a, *y = b;
	bool xp = x->flags & FAULTLAT_TASK_PROCESS;
	bool yp = y->flags & FAULTLAT_TASK_PROCESS;

	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	if (xp != yp)
		return xp ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return 0;
}

static int print_json(const struct faultlat_task_entry *e, __u32 nr,
		      const struct faultlat_info *info)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();
	__u32 i;

	for (i = 0; i < nr; i++) {
		struct json_object *t = json_object_new_object();
		bool proc = e[i].flags & FAULTLAT_TASK_PROCESS;

		json_object_object_add(t, "pid",
				       json_object_new_int64(e[i].pid));
		json_object_object_add(t, "tgid",
				       json_object_new_int64(e[i].tgid));
		json_object_object_add(t, "type", json_object_new_string(proc ?
							"process" : "thread"));
		json_object_object_add(t, "exited",
				       json_object_new_boolean(e[i].flags &
							       FAULTLAT_TASK_EXITED));
		json_object_object_add(t, "comm", fl_json_comm(e[i].comm));
		json_object_object_add(t, "uid",
				       json_object_new_int64(e[i].uid));
		json_object_object_add(t, "minor", fl_json_u64(e[i].minor));
		json_object_object_add(t, "major", fl_json_u64(e[i].major));
		json_object_object_add(t, "errors", fl_json_u64(e[i].errors));
		json_object_object_add(t, "total_ns",
				       fl_json_u64(e[i].total_ns));
		json_object_object_add(t, "max_ns", fl_json_u64(e[i].max_ns));
		json_object_array_add(a, t);
	}
	json_object_object_add(o, "nmissed", fl_json_u64(info->nmissed));
	json_object_object_add(o, "dropped", fl_json_u64(info->dropped));
	json_object_object_add(o, "tasks", a);
	return fl_json_print(stdout, o);
}

static void print_text(const struct faultlat_task_entry *e, __u32 nr,
		       const struct faultlat_info *info)
{
	char comm[FL_COMM_LEN + 1], avg[32], max[32], type[8];
	__u64 n;
	__u32 i;

	printf("%7s %7s %-7s %-16s %10s %8s %9s %9s\n", "PID", "TGID",
	       "TYPE", "COMM", "MINOR", "MAJOR", "AVG", "MAX");
	for (i = 0; i < nr; i++) {
		fl_comm(e[i].comm, comm);
		n = e[i].minor + e[i].major;
		fl_fmt_ns(avg, sizeof(avg), n ? e[i].total_ns / n : 0);
		fl_fmt_ns(max, sizeof(max), e[i].max_ns);
		snprintf(type, sizeof(type), "%s%s",
			 e[i].flags & FAULTLAT_TASK_PROCESS ? "proc" : "thread",
			 e[i].flags & FAULTLAT_TASK_EXITED ? "*" : "");
		printf("%7u %7u %-7s %-16s %10llu %8llu %9s %9s\n",
		       e[i].pid, e[i].tgid, type, comm, e[i].minor, e[i].major,
		       avg, max);
	}
	if (!nr)
		printf("No tasks recorded\n");
	fl_print_counters(stdout, info->nmissed, info->dropped);
}

int cmd_tasks(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "process", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct fl_optspec spec = {
		.name = "tasks", .longopts = longopts, .help = cmd_tasks_help,
		.json = true,
	};
	struct faultlat_task_entry *e = NULL;
	struct faultlat_info info, after;
	__u32 flags = 0, nr = 0;
	int opt, fd, err, rc;

	while ((opt = fl_getopt(argc, argv, &spec, &rc)) != -1) {
		if (opt != 'p')		/* FL_OPT_EXIT */
			return rc;
		flags |= FAULTLAT_TASK_PROCESS;
	}

	fd = fl_dev_open_checked(&info);
	if (fd < 0)
		return FL_EXIT_ERR;
	err = fl_dev_list(fd, flags, &e, &nr);
	if (err) {
		fl_dev_error(fd, FL_OP_LIST, 0, err);
		goto fail;
	}
	/* the counters after the list, so they cover it */
	if (fl_dev_info(fd, &after) == 0)
		info = after;
	close(fd);

	qsort(e, nr, sizeof(*e), cmp_entry);
	err = 0;
	if (fl_opts.json)
		err = print_json(e, nr, &info);
	else
		print_text(e, nr, &info);
	free(e);
	if (err || fflush(stdout))
		return FL_EXIT_ERR;
	return FL_EXIT_OK;

fail:
	close(fd);
	return FL_EXIT_ERR;
}
