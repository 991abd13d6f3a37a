// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat status: the module's version, probes, task table and counters.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "dev.h"
#include "hist.h"
#include "json.h"
#include "util.h"

void cmd_status_help(FILE *f)
{
	fprintf(f,
		"Usage: faultlat status [-j] [--pretty]\n"
		"\n"
		"Print the module's version and ABI, the probes it has attached (for\n"
		"faults, then for TLB flushes) and how: a direct call (ftrace direct\n"
		"trampoline, the fast path) or a kretprobe, and why not direct (module\n"
		"parameter probe_mode), the IPI function this kernel sends TLB\n"
		"shootdowns with (the attached one that was called), the size and use\n"
		"of its task table, its kretprobe maxactive, the faults it missed\n"
		"(nmissed) or could not attribute to a task (dropped), the size and use\n"
		"of its cgroup table and the faults no cgroup record counts because it\n"
		"was full (module 0.4 and later), the number of resets, the\n"
		"min_latency_ns below which no trace event is emitted (see 'faultlat\n"
		"trace'), and, for CAP_PERFMON or CAP_SYS_ADMIN, the system-wide minor\n"
		"and major fault counts and TLB-flush counts.\n"
		"\n"
		"Options:\n"
		"  -j, --json    print JSON\n"
		"      --pretty  print pretty JSON (implies --json)\n"
		"  -h, --help    print this help\n"
		"\n"
		"EXAMPLES\n"
		"  faultlat status\n"
		"  faultlat status -j | jq .nmissed\n"
		"  faultlat status -j | jq .not_direct\n"
		"  faultlat status -j | jq -r .tlb_ipi.in_use\n");
}

static const struct {
	__u32 bit;
	const char *name;
	const char *desc;
	bool tlb;		/* shown on the "tlb probes" line */
} probes[] = {
	{ FAULTLAT_PROBE_FAULT, "fault", "handle_mm_fault", false },
	{ FAULTLAT_PROBE_EXIT, "exit", "sched_process_exit/free tracepoints",
	  false },
	{ FAULTLAT_PROBE_TLB_RANGE, "tlb_range", "flush_tlb_mm_range",
	  true },
	{ FAULTLAT_PROBE_TLB_FUNC, "tlb_func", "flush_tlb_func", true },
	{ FAULTLAT_PROBE_TLB_TRACE, "tlb_trace", "tlb:tlb_flush tracepoint",
	  true },
	{ FAULTLAT_PROBE_TLB_IPI_FN(FAULTLAT_TLB_IPI_NATIVE), "tlb_ipi_native",
	  "native_flush_tlb_multi", true },
	{ FAULTLAT_PROBE_TLB_IPI_FN(FAULTLAT_TLB_IPI_KVM), "tlb_ipi_kvm",
	  "kvm_flush_tlb_multi", true },
	{ FAULTLAT_PROBE_TLB_IPI_FN(FAULTLAT_TLB_IPI_HYPERV), "tlb_ipi_hyperv",
	  "hyperv_flush_tlb_multi", true },
	{ FAULTLAT_PROBE_TLB_IPI_FN(FAULTLAT_TLB_IPI_XEN), "tlb_ipi_xen",
	  "xen_flush_tlb_multi", true },
};

#define NR_PROBES	ARRAY_SIZE(probes)

/* A function probe: attached by a direct call or a kretprobe. */
static bool is_function(__u32 bit)
{
	return bit != FAULTLAT_PROBE_EXIT && bit != FAULTLAT_PROBE_TLB_TRACE;
}

/* A module from before probe modes (0.1) has kretprobes only. */
static bool has_modes(const struct faultlat_info *info)
{
	return info->version_major > 0 || info->version_minor >= 2;
}

static const char *probe_mode_name(const struct faultlat_info *info)
{
	if (!has_modes(info))
		return "kprobe";
	switch (info->probe_mode) {
	case FAULTLAT_PROBE_MODE_AUTO:
		return "auto";
	case FAULTLAT_PROBE_MODE_DIRECT:
		return "direct";
	case FAULTLAT_PROBE_MODE_KPROBE:
		return "kprobe";
	}
	return "unknown";
}

/* Why a function probe is not a direct call (uapi: direct_errno). */
static const char *direct_reason(__u32 err)
{
	switch (err) {
	case FAULTLAT_DIRECT_EFORCED:
		return "probe_mode=kprobe";
	case EOPNOTSUPP:
		return "the kernel has no ftrace direct calls, or has IBT";
	case EBUSY:
		return "another direct trampoline is attached (BPF fentry/fexit: bpftrace kfunc?)";
	case ENOENT:
		return "no such function in this kernel";
	case ENOEXEC:
		return "no fentry call at the function's first instruction";
	case ENODEV:
		return "ftrace does not trace this function";
	case E2BIG:
		return "more than six register arguments";
	}
	return strerror(err);
}

/* How probe @bit is attached: "direct" or "kretprobe (not direct: ...)". */
static void print_how(FILE *f, const struct faultlat_info *info, __u32 bit)
{
	unsigned int n = __builtin_ctz(bit);
	__u32 err = n < FAULTLAT_PROBE_NR_BITS ? info->direct_errno[n] : 0;

	if (!is_function(bit))
		return;
	if (has_modes(info) && (info->direct & bit))
		fputs(" (direct)", f);
	else if (has_modes(info) && err)
		fprintf(f, " (kretprobe, not direct: %s)", direct_reason(err));
	else
		fputs(" (kretprobe)", f);
}

/*
 * The attached probes of @mask for faults (@tlb false; with any bit we
 * do not know) or for TLB flushes; @none if there is none.
 */
static void print_probes(FILE *f, const struct faultlat_info *info, bool tlb,
			 const char *none)
{
	__u32 mask = info->probes, known = 0;
	unsigned int i;
	bool first = true;

	for (i = 0; i < NR_PROBES; i++) {
		known |= probes[i].bit;
		if (!(mask & probes[i].bit) || probes[i].tlb != tlb)
			continue;
		fprintf(f, "%s%s", first ? "" : ", ", probes[i].desc);
		print_how(f, info, probes[i].bit);
		first = false;
	}
	if (!tlb && (mask & ~known)) {
		fprintf(f, "%sunknown 0x%x", first ? "" : ", ", mask & ~known);
		first = false;
	}
	if (first)
		fputs(none, f);
	fputc('\n', f);
}

/* Any TLB probe attached. */
static bool tlb_probes(__u32 mask)
{
	unsigned int i;

	for (i = 0; i < NR_PROBES; i++)
		if (probes[i].tlb && (mask & probes[i].bit))
			return true;
	return false;
}

/* {"fault": {"errno": 16, "reason": "..."}, ...}: probes not direct */
static struct json_object *not_direct_json(const struct faultlat_info *info)
{
	struct json_object *o = json_object_new_object();
	unsigned int i;

	for (i = 0; i < NR_PROBES; i++) {
		__u32 bit = probes[i].bit, err;
		struct json_object *r;

		if (!(info->probes & bit) || !is_function(bit) ||
		    (has_modes(info) && (info->direct & bit)))
			continue;
		err = has_modes(info) ? info->direct_errno[__builtin_ctz(bit)] : 0;
		r = json_object_new_object();
		json_object_object_add(r, "errno", json_object_new_int64(err));
		json_object_object_add(r, "reason", json_object_new_string(err ?
				       direct_reason(err) :
				       "module without direct calls"));
		json_object_object_add(o, probes[i].name, r);
	}
	return o;
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

/* What status shows; gerr, terr, cerr: 0 or -errno of each read. */
struct status {
	struct faultlat_info info;
	struct faultlat_global g;
	struct faultlat_tlb_global tg;
	struct faultlat_config config;
	int gerr;
	int terr;
	int cerr;
};

static struct json_object *tlb_global_json(const struct status *st)
{
	const struct faultlat_tlb_global *g = &st->tg;
	struct json_object *o;

	if (st->terr)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "flushes", fl_json_u64(g->stats.flush.count));
	json_object_object_add(o, "remote", fl_json_u64(g->stats.remote));
	json_object_object_add(o, "local_only",
			       fl_json_u64(g->stats.local_only));
	json_object_object_add(o, "ipis", fl_json_u64(g->stats.ipis));
	json_object_object_add(o, "received_remote",
			       fl_json_u64(g->received_remote));
	json_object_object_add(o, "received_local",
			       fl_json_u64(g->received_local));
	json_object_object_add(o, "nmissed", fl_json_u64(g->nmissed));
	return o;
}

static int print_json(const struct status *st)
{
	const struct faultlat_info *info = &st->info;
	const struct faultlat_global *g = &st->g;
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
	json_object_object_add(o, "probe_mode",
			       json_object_new_string(probe_mode_name(info)));
	json_object_object_add(o, "direct", probes_json(has_modes(info) ?
							info->direct : 0));
	json_object_object_add(o, "not_direct", not_direct_json(info));
	json_object_object_add(o, "tlb_ipi", fl_json_tlb_ipi(info));
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
	json_object_object_add(o, "max_cgroups", fl_dev_has_cgroups(info) ?
			       json_object_new_int64(info->max_cgroups) : NULL);
	json_object_object_add(o, "used_cgroups", fl_dev_has_cgroups(info) ?
			       json_object_new_int64(info->used_cgroups) : NULL);
	json_object_object_add(o, "cgroup_dropped", fl_dev_has_cgroups(info) ?
			       fl_json_u64(info->cgroup_dropped) : NULL);
	json_object_object_add(o, "min_latency_ns", st->cerr ? NULL :
			       fl_json_u64(st->config.min_latency_ns));
	if (!st->gerr) {
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
	json_object_object_add(o, "tlb", tlb_global_json(st));
	return fl_json_print(stdout, o);
}

static void print_text(const struct status *st)
{
	const struct faultlat_info *info = &st->info;
	const struct faultlat_global *g = &st->g;
	const struct faultlat_tlb_global *tg = &st->tg;

	printf("module:     faultlat %u.%u, ABI %u, %u buckets (client %s, ABI %u, %u buckets)\n",
	       info->version_major, info->version_minor, info->abi_version,
	       info->nr_buckets, FAULTLAT_CLIENT_VERSION, FAULTLAT_ABI_VERSION,
	       (unsigned int)FAULTLAT_NR_BUCKETS);
	printf("device:     %s\n", fl_dev_path());
	printf("probe mode: %s\n", probe_mode_name(info));
	printf("probes:     ");
	print_probes(stdout, info, false,
		     "none: faults are not being measured");
	printf("tlb probes: ");
	print_probes(stdout, info, true,
		     "none: TLB flushes are not being measured");
	if (tlb_probes(info->probes)) {
		printf("tlb ipi:    ");
		fl_print_tlb_ipi(stdout, info);
	}
	printf("tasks:      %u of %u records in use\n", info->used_tasks,
	       info->max_tasks);
	printf("maxactive:  %u\n", info->maxactive);
	printf("nmissed:    %llu\n", info->nmissed);
	printf("dropped:    %llu\n", info->dropped);
	if (fl_dev_has_cgroups(info) && !info->max_cgroups)
		printf("cgroups:    not counted (module parameter cgroups=0)\n");
	else if (fl_dev_has_cgroups(info))
		printf("cgroups:    %u/%u records, %llu dropped fault%s\n",
		       info->used_cgroups, info->max_cgroups,
		       info->cgroup_dropped,
		       info->cgroup_dropped == 1 ? "" : "s");
	printf("resets:     %u\n", info->reset_count);
	if (!st->cerr && !st->config.min_latency_ns) {
		printf("events:     faultlat:fault, faultlat:tlb_flush for every fault and flush");
		printf(" (min_latency_ns 0)\n");
	} else if (!st->cerr) {
		char buf[32];

		fl_fmt_ns(buf, sizeof(buf), st->config.min_latency_ns);
		printf("events:     faultlat:fault, faultlat:tlb_flush for faults and flushes");
		printf(" of %s or more (min_latency_ns %llu)\n", buf,
		       st->config.min_latency_ns);
	}
	if (!st->gerr)
		printf("faults:     minor %llu, major %llu, errors %llu, calls %llu\n",
		       g->stats.minor.count, g->stats.major.count,
		       g->stats.errors, g->stats.calls);
	else if (st->gerr == -EPERM)
		printf("faults:     (system-wide counts need CAP_PERFMON or CAP_SYS_ADMIN)\n");
	if (!st->terr && tlb_probes(info->probes)) {
		printf("tlb:        flushes %llu (remote %llu, local_only %llu), ipis %llu",
		       tg->stats.flush.count, tg->stats.remote,
		       tg->stats.local_only, tg->stats.ipis);
		printf(", received remote %llu, local %llu, nmissed %llu\n",
		       tg->received_remote, tg->received_local, tg->nmissed);
	} else if (st->terr == -EPERM) {
		printf("tlb:        (system-wide counts need CAP_PERFMON or CAP_SYS_ADMIN)\n");
	}
}

int cmd_status(int argc, char **argv)
{
	static const struct fl_optspec spec = {
		.name = "status", .help = cmd_status_help, .json = true,
	};
	static struct status st;
	int ret, fd, err, abi;

	if (fl_getopt(argc, argv, &spec, &ret) != -1)
		return ret;

	fd = fl_dev_open();
	if (fd < 0)
		return FL_EXIT_ERR;
	err = fl_dev_info(fd, &st.info);
	if (err) {
		fl_dev_error(fd, FL_OP_INFO, 0, err);
		close(fd);
		return FL_EXIT_ERR;
	}
	/* with another ABI the global structs may not be ours: skip them */
	abi = fl_dev_check_abi(&st.info);
	st.gerr = abi ? -ENOTTY : fl_dev_global(fd, &st.g);
	if (st.gerr && st.gerr != -EPERM && !abi)
		fl_dev_error(fd, FL_OP_GLOBAL, 0, st.gerr);
	/* ENOTTY: a module from before the TLB commands */
	st.terr = abi ? -ENOTTY : fl_dev_tlb_global(fd, &st.tg, NULL, NULL);
	if (st.terr && st.terr != -EPERM && st.terr != -ENOTTY)
		fl_dev_error(fd, FL_OP_TLB_GLOBAL, 0, st.terr);
	/* ENOTTY: a module from before the trace events */
	st.cerr = abi ? -ENOTTY : fl_dev_config(fd, &st.config);
	if (st.cerr && st.cerr != -ENOTTY)
		fl_dev_error(fd, FL_OP_CONFIG, 0, st.cerr);
	close(fd);

	if (fl_opts.json)
		err = print_json(&st);
	else
		print_text(&st);
	if (err || fflush(stdout))
		return FL_EXIT_ERR;
	if (abi || (st.gerr && st.gerr != -EPERM) ||
	    (st.terr && st.terr != -EPERM && st.terr != -ENOTTY) ||
	    (st.cerr && st.cerr != -ENOTTY))
		return FL_EXIT_ERR;
	return FL_EXIT_OK;
}
