// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat reset: zero every statistic of the module.
 */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cmd.h"
#include "dev.h"
#include "json.h"

void cmd_reset_help(FILE *f)
{
	fprintf(f,
		"Usage: faultlat reset [-j] [--pretty]\n"
		"\n"
		"Zero every statistic of the module, system-wide and per task, TLB\n"
		"flushes included; nmissed, the kretprobes' own counter, is not\n"
		"reset, nor are the tlb:tlb_flush event counts and the IPI\n"
		"functions' calls, which count since load. Needs CAP_PERFMON or\n"
		"CAP_SYS_ADMIN.\n"
		"\n"
		"Options:\n"
		"  -j, --json    print {\"reset_count\": N} on success\n"
		"      --pretty  print pretty JSON (implies --json)\n"
		"  -h, --help    print this help\n"
		"\n"
		"EXAMPLES\n"
		"  sudo faultlat reset && sleep 10 && sudo faultlat hist\n"
		"  sudo faultlat reset && sleep 10 && sudo faultlat hist --tlb\n");
}

int cmd_reset(int argc, char **argv)
{
	static const struct fl_optspec spec = {
		.name = "reset", .help = cmd_reset_help, .json = true,
	};
	struct faultlat_info info;
	struct json_object *o;
	int ret, fd, err;

	if (fl_getopt(argc, argv, &spec, &ret) != -1)
		return ret;

	fd = fl_dev_open();
	if (fd < 0)
		return FL_EXIT_ERR;
	err = fl_dev_reset(fd);
	if (err) {
		fl_dev_error(fd, FL_OP_RESET, 0, err);
		close(fd);
		return FL_EXIT_ERR;
	}
	err = fl_dev_info(fd, &info);
	close(fd);
	if (!fl_opts.json)
		return FL_EXIT_OK;	/* silent on success, like rm(1) */
	o = json_object_new_object();
	json_object_object_add(o, "reset_count", err ? NULL :
			       json_object_new_int64(info.reset_count));
	return fl_json_print(stdout, o) ? FL_EXIT_ERR : FL_EXIT_OK;
}
