// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat status: the module's version, probes, task table and counters.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cmd.h"
#include "dev.h"
#include "json.h"
#include "util.h"

void cmd_status_help(FILE *f)
{
	fprintf(f,
		"Usage: faultlat status [-j] [--pretty]\n"
		"\n"
		"Print the module's version and ABI, the probes it has attached, the\n"
		"size and use of its task table, its kretprobe maxactive, the faults\n"
		"it missed (nmissed) or could not attribute to a task (dropped), the\n"
		"number of resets, and, for CAP_PERFMON or CAP_SYS_ADMIN, the\n"
		"system-wide minor and major fault counts.\n"
		"\n"
		"Options:\n"
		"  -j, --json    print JSON\n"
		"      --pretty  print pretty JSON (implies --json)\n"
		"  -h, --help    print this help\n"
		"\n"
		"EXAMPLES\n"
		"  faultlat status\n"
		"  faultlat status -j | jq .nmissed\n");
}

static const struct {
	__u32 bit;
	const char *name;
	const char *desc;
} probes[] = {
	{ FAULTLAT_PROBE_FAULT, "fault", "handle_mm_fault kretprobe" },
	{ FAULTLAT_PROBE_EXIT, "exit", "sched_process_exit/free tracepoints" },
#ifdef FAULTLAT_PROBE_TLB_RANGE
	{ FAULTLAT_PROBE_TLB_RANGE, "tlb_range", "flush_tlb_mm_range kretprobe" },
	{ FAULTLAT_PROBE_TLB_FUNC, "tlb_func", "flush_tlb_func kretprobe" },
	{ FAULTLAT_PROBE_TLB_TRACE, "tlb_trace", "tlb:tlb_flush tracepoint" },
	{ FAULTLAT_PROBE_TLB_IPI_FN(FAULTLAT_TLB_IPI_NATIVE), "tlb_ipi_native",
	  "native_flush_tlb_multi kretprobe" },
	{ FAULTLAT_PROBE_TLB_IPI_FN(FAULTLAT_TLB_IPI_KVM), "tlb_ipi_kvm",
	  "kvm_flush_tlb_multi kretprobe" },
	{ FAULTLAT_PROBE_TLB_IPI_FN(FAULTLAT_TLB_IPI_HYPERV), "tlb_ipi_hyperv",
	  "hyperv_flush_tlb_multi kretprobe" },
	{ FAULTLAT_PROBE_TLB_IPI_FN(FAULTLAT_TLB_IPI_XEN), "tlb_ipi_xen",
	  "xen_flush_tlb_multi kretprobe" },
#endif
};

#define NR_PROBES	ARRAY_SIZE(probes)

static void print_probes(FILE *f, __u32 mask)
{
	__u32 known = 0;
	unsigned int i;
	bool first = true;

	for (i = 0; i < NR_PROBES; i++) {
		known |= probes[i].bit;
		if (!(mask & probes[i].bit))
			continue;
		fprintf(f, "%s%s", first ? "" : ", ", probes[i].desc);
		first = false;
	}
	if (mask & ~known) {
		fprintf(f, "%sunknown 0x%x", first ? "" : ", ", mask & ~known);
		first = false;
	}
	if (first)
		fputs("none: faults are not being measured", f);
	fputc('\n', f);
}

static struct json_object *probes_json(__u32 mask)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < NR_PROBES; i++)
		if (mask & probes[i].bit)
			json_object_array_add(a, json_object_new_string(probes[i].name));
	return a;
}

static int print_json(const struct faultlat_info *info,
		      const struct faultlat_global *g, int gerr)
{
	struct json_object *o = json_object_new_object();
	struct json_object *go = NULL;
	char v[32];

	snprintf(v, sizeof(v), "%u.%u", info->version_major,
		 info->version_minor);
	json_object_object_add(o, "version", json_object_new_string(v));
	json_object_object_add(o, "version_major",
			       json_object_new_int64(info->version_major));
	json_object_object_add(o, "version_minor",
			       json_object_new_int64(info->version_minor));
	json_object_object_add(o, "abi_version",
			       json_object_new_int64(info->abi_version));
	json_object_object_add(o, "nr_buckets",
			       json_object_new_int64(info->nr_buckets));
	json_object_object_add(o, "client_version",
			       json_object_new_string(FAULTLAT_CLIENT_VERSION));
	json_object_object_add(o, "client_abi_version",
			       json_object_new_int64(FAULTLAT_ABI_VERSION));
	json_object_object_add(o, "probes", probes_json(info->probes));
	json_object_object_add(o, "probes_mask",
			       json_object_new_int64(info->probes));
	json_object_object_add(o, "max_tasks",
			       json_object_new_int64(info->max_tasks));
	json_object_object_add(o, "used_tasks",
			       json_object_new_int64(info->used_tasks));
	json_object_object_add(o, "maxactive",
			       json_object_new_int64(info->maxactive));
	json_object_object_add(o, "nmissed", fl_json_u64(info->nmissed));
	json_object_object_add(o, "dropped", fl_json_u64(info->dropped));
	json_object_object_add(o, "reset_count",
			       json_object_new_int64(info->reset_count));
	if (!gerr) {
		go = json_object_new_object();
		json_object_object_add(go, "minor",
				       fl_json_u64(g->stats.minor.count));
		json_object_object_add(go, "major",
				       fl_json_u64(g->stats.major.count));
		json_object_object_add(go, "errors",
				       fl_json_u64(g->stats.errors));
		json_object_object_add(go, "calls",
				       fl_json_u64(g->stats.calls));
	}
	json_object_object_add(o, "global", go);
	return fl_json_print(stdout, o);
}

static void print_text(const struct faultlat_info *info,
		       const struct faultlat_global *g, int gerr)
{
	printf("module:     faultlat %u.%u, ABI %u, %u buckets (client %s, ABI %u, %u buckets)\n",
	       info->version_major, info->version_minor, info->abi_version,
	       info->nr_buckets, FAULTLAT_CLIENT_VERSION, FAULTLAT_ABI_VERSION,
	       (unsigned int)FAULTLAT_NR_BUCKETS);
	printf("device:     %s\n", fl_dev_path());
	printf("probes:     ");
	print_probes(stdout, info->probes);
	printf("tasks:      %u of %u records in use\n", info->used_tasks,
	       info->max_tasks);
	printf("maxactive:  %u\n", info->maxactive);
	printf("nmissed:    %llu\n", info->nmissed);
	printf("dropped:    %llu\n", info->dropped);
	printf("resets:     %u\n", info->reset_count);
	if (!gerr)
		printf("faults:     minor %llu, major %llu, errors %llu, calls %llu\n",
		       g->stats.minor.count, g->stats.major.count,
		       g->stats.errors, g->stats.calls);
	else if (gerr == -EPERM)
		printf("faults:     (system-wide counts need CAP_PERFMON or CAP_SYS_ADMIN)\n");
}

int cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct faultlat_global g;
	struct faultlat_info info;
	int opt, fd, err, gerr, abi;

	while ((opt = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			fl_opts.json = true;
			break;
		case 'P':
			fl_opts.json = true;
			fl_opts.pretty = true;
			break;
		case 'h':
			cmd_status_help(stdout);
			return FL_EXIT_OK;
		default:
			return fl_usage_error("status");
		}
	}
	if (optind < argc) {
		fprintf(stderr, "faultlat status: unexpected argument '%s'\n",
			argv[optind]);
		return fl_usage_error("status");
	}

	fd = fl_dev_open();
	if (fd < 0)
		return FL_EXIT_ERR;
	err = fl_dev_info(fd, &info);
	if (err) {
		fl_dev_error(fd, FL_OP_INFO, 0, err);
		close(fd);
		return FL_EXIT_ERR;
	}
	/* with another ABI the global struct may not be ours: skip it */
	abi = fl_dev_check_abi(&info);
	gerr = abi ? -ENOTTY : fl_dev_global(fd, &g);
	if (gerr && gerr != -EPERM && !abi)
		fl_dev_error(fd, FL_OP_GLOBAL, 0, gerr);
	close(fd);

	if (fl_opts.json)
		err = print_json(&info, &g, gerr);
	else
		print_text(&info, &g, gerr);
	if (err || fflush(stdout))
		return FL_EXIT_ERR;
	return abi || (gerr && gerr != -EPERM) ? FL_EXIT_ERR : FL_EXIT_OK;
}
