// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat record: the faults (above a threshold) of a command or a
 * process, with their stacks and mappings, into a file for faultlat
 * report, as perf record writes perf.data for perf report.
 *
 * It is faultlat trace --stack -j into the file (one JSON object a line:
 * the format is trace -j's, documented in Documentation/userspace/json.rst),
 * symbolized as it records: the maps of a process are read while it lives
 * (a command it runs, and each of its child processes, is held at its
 * exit and at its execs, through ptrace, until they are), so a recording
 * can be reported on after the process has gone, or on another machine.
 *
 * A command's child processes are recorded with it: the module follows
 * its process tree (FAULTLAT_IOC_TREE, opened before the command runs),
 * and the event's field tree selects the tree's faults in the kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cmd.h"
#include "interval.h"
#include "trace.h"

#define DEFAULT_OUT	"faultlat.jsonl"

void cmd_record_help(FILE *f)
{
	fprintf(f,
		"Usage: faultlat record [-o FILE] [--min-latency T] [--major] [-b KB]\n"
		"                       [-d SECONDS] [-i] -- COMMAND [ARGS...]\n"
		"       faultlat record [-o FILE] [--min-latency T] [--major] [-b KB]\n"
		"                       [-d SECONDS] -p PID\n"
		"\n"
		"Record the page faults of COMMAND and of the processes it starts (run\n"
		"until COMMAND exits), or of process PID (until Ctrl-C or -d), that take\n"
		"at least --min-latency, each with the\n"
		"mapping of its address (file and offset, [heap], [stack], [anon]...),\n"
		"its user stack and its kernel stack, symbolized (elfutils' libdwfl for\n"
		"user code, with the source line where debuginfo has it; /proc/kallsyms\n"
		"for the kernel), into FILE (default " DEFAULT_OUT "): one JSON object a\n"
		"line, as 'faultlat trace --stack -j' prints.  'faultlat report' reads\n"
		"it: where the fault time went, by call site and by mapping, and flame\n"
		"graphs.\n"
		"\n"
		"User stacks are walked through frame pointers, by the kernel, at most 8\n"
		"frames: build the program with -fno-omit-frame-pointer, or its stacks\n"
		"have one frame (the faulting instruction's function) and report says\n"
		"so.  Events the ring buffer lost are counted in the file and by report;\n"
		"a larger -b or a --min-latency helps.\n"
		"\n"
		"COMMAND's child processes, theirs and so on are recorded with it, as\n"
		"perf record does: the module follows COMMAND's process tree (every\n"
		"process forked in it joins it before it runs) and the kernel keeps\n"
		"the tree's faults only.  A module before 0.7 cannot: then, or with\n"
		"-i, only COMMAND's own process is recorded (record says why).  Each\n"
		"process of the tree is held, through ptrace, at its exit and at its\n"
		"execs, while its maps are read.  Processes still running when COMMAND\n"
		"exits are recorded until then.  -p PID records that process alone,\n"
		"not its children.\n"
		"\n"
		"Options:\n"
		"  -o, --output FILE      where to write (- for stdout)\n"
		"  -p, --pid PID          record process PID (its own, not its children)\n"
		"                         instead of a command\n"
		"  -i, --no-inherit       COMMAND's own process only, not its children\n"
		"      --min-latency T    only faults that took at least T (250ns, 500us,\n"
		"                         1ms; a bare number is in ns), filtered in the\n"
		"                         kernel, for this recording only\n"
		"      --major            only major faults\n"
		"  -d, --duration SECONDS stop after SECONDS (and end COMMAND)\n"
		"  -b, --buffer-size KB   ring buffer per CPU, in KiB\n"
		"  -h, --help             print this help\n"
		"\n"
		"It needs root (tracefs), the faultlat module, and, to run COMMAND,\n"
		"ptrace (it stops COMMAND at its exit for as long as it takes to read\n"
		"its maps).  Exit status: 0, 1 on an error; COMMAND's own is printed.\n"
		"\n"
		"EXAMPLES\n"
		"  sudo faultlat record -- ./mydb --bench      every fault of a run\n"
		"  sudo faultlat record -- make -j2           make and every compiler it runs\n"
		"  sudo faultlat record -i -- sh run.sh        the shell script's own faults\n"
		"  faultlat report -p 1234                    one process of a recording\n"
		"  sudo faultlat record --min-latency 100us -p $(pidof -s mysqld) -d 30\n"
		"  faultlat report                            by call site and mapping\n"
		"  faultlat report --svg faults.svg           a flame graph of fault time\n");
}

int cmd_record(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "pid", required_argument, NULL, 'p' },
		{ "min-latency", required_argument, NULL, 'L' },
		{ "major", no_argument, NULL, 'M' },
		{ "duration", required_argument, NULL, 'd' },
		{ "buffer-size", required_argument, NULL, 'b' },
		{ "no-inherit", no_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct fl_optspec spec = {
		.name = "record", .shortopts = "+o:p:d:b:i",
		.longopts = longopts, .help = cmd_record_help, .operands = true,
	};
	struct trace_opts o = {
		.faults = true, .stack = true, .name = "record", .inherit = true,
	};
	const char *path = DEFAULT_OUT;
	int opt, rc;
	__u64 v;

	while ((opt = fl_getopt(argc, argv, &spec, &rc)) != -1) {
		switch (opt) {
		case 'o':
			path = optarg;
			break;
		case 'p':
			if (fl_parse_id(optarg, "PID", &o.pid))
				return fl_usage_error("record");
			break;
		case 'L':
			if (fl_parse_duration(optarg, 1, &o.min_ns)) {
				fprintf(stderr,
					"faultlat record: invalid latency '%s': expected a number and a unit (250ns, 500us, 1ms, 0.5s)\n",
					optarg);
				return fl_usage_error("record");
			}
			o.min_set = true;
			break;
		case 'M':
			o.major = true;
			break;
		case 'i':
			o.inherit = false;
			break;
		case 'd':
			if (fl_parse_duration(optarg, 1000000000ULL,
					      &o.duration_ns) || !o.duration_ns) {
				fprintf(stderr,
					"faultlat record: invalid duration '%s': expected seconds (3, 0.5) or a number and a unit (500ms)\n",
					optarg);
				return fl_usage_error("record");
			}
			break;
		case 'b':
			if (fl_parse_count("record", "buffer size", optarg,
					   1ULL << 30, &v))
				return fl_usage_error("record");
			o.buffer_kb = v;
			break;
		default:	/* FL_OPT_EXIT */
			return rc;
		}
	}
	if (optind < argc)
		o.cmd = argv + optind;
	if (!o.cmd == !o.pid) {
		fprintf(stderr,
			"faultlat record: give a command to run (after --) or -p PID, not both\n");
		return fl_usage_error("record");
	}
	if (strcmp(path, "-")) {
		o.out = fopen(path, "we");
		if (!o.out) {
			fprintf(stderr, "faultlat record: cannot write %s: %s\n",
				path, strerror(errno));
			return FL_EXIT_ERR;
		}
	}
	fl_opts.json = true;
	fl_opts.pretty = false;
	rc = fl_trace_run(&o);
	if (o.out && fclose(o.out) && rc == FL_EXIT_OK) {
		fprintf(stderr, "faultlat record: writing %s: %s\n", path,
			strerror(errno));
		rc = FL_EXIT_ERR;
	}
	if (o.cmd && WIFEXITED(o.cmd_status))
		fprintf(stderr, "faultlat record: %s exited with status %d\n",
			o.cmd[0], WEXITSTATUS(o.cmd_status));
	else if (o.cmd && WIFSIGNALED(o.cmd_status))
		fprintf(stderr, "faultlat record: %s was killed by signal %d\n",
			o.cmd[0], WTERMSIG(o.cmd_status));
	if (rc == FL_EXIT_OK && strcmp(path, "-"))
		fprintf(stderr,
			"faultlat record: wrote %s: 'faultlat report -i %s' reads it\n",
			path, path);
	return rc;
}
