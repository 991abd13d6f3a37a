// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat trace: stream the module's trace events live, one line each.
 *
 * The events go to a private tracefs instance, "faultlat-trace-PID", that
 * nobody else uses: the top-level buffer and other instances are left
 * alone.  Its per-CPU ring buffers are read every 100 ms with
 * tracefs_iterate_raw_events(), each record is decoded by tevent.c (field
 * offsets from the event's format, never assumed), filtered once more
 * here and printed.  Filters by process, class and latency are also set
 * on the events in the kernel, so what we do not want is never recorded.
 *
 * --min-latency is this trace's own: a filter on its instance's events,
 * applied by the kernel as each event is written (an event below it is
 * discarded before it reaches the ring buffer).  Nothing global changes,
 * so traces with different thresholds can overlap, and one that dies
 * leaves nothing behind but, after SIGKILL, its instance.  On every other
 * way out, the instance is removed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <tracefs.h>

#include "cmd.h"
#include "dev.h"
#include "fcauses.h"
#include "hist.h"
#include "interval.h"
#include "json.h"
#include "sample.h"
#include "stack.h"
#include "sym.h"
#include "tevent.h"
#include "trace.h"
#include "util.h"

#define POLL_NS		(100 * 1000000ULL)	/* between reads */
#define CMD_POLL_NS	(20 * 1000000ULL)	/* ... with a command */
#define COMM_SLOTS	1024			/* comm cache, by pid */
#define COMM_TTL_NS	(250 * 1000000ULL)	/* then read /proc again */

void cmd_trace_help(FILE *f)
{
	fprintf(f,
		"Usage: faultlat trace [-p PID] [--min-latency T] [--major] [--tlb | --tlb-only]\n"
		"                      [--stack] [-d SECONDS] [-c COUNT] [-b KB] [-j]\n"
		"\n"
		"Print the module's trace events as they happen, one line each: for every\n"
		"page fault (faultlat:fault) the time, the thread's comm/tid, its outcome\n"
		"(minor, major or error), the page's address, the latency, the\n"
		"handle_mm_fault() calls it took (ATT), the kind, access and mode, and\n"
		"the kernel's vm_fault_t result bits; with --tlb, also every TLB flush a\n"
		"thread initiated (faultlat:tlb_flush): range start, latency, reason,\n"
		"pages, other CPUs targeted, range end.  At the end (Ctrl-C, -d, -c),\n"
		"a summary on stderr: the events printed and the events lost.\n"
		"\n"
		"With module parameter paths=1, a PATH column tells what the kernel did\n"
		"(zero, cow, cache, read, swapin, thp, hugetlb, shmem, uffd, other).\n"
		"With causes=1, a last column, CAUSES, tells where each fault's time\n"
		"went: the causes that had some (reclaim, compaction, mmap_lock, io,\n"
		"uffd, and with a module 0.8 or later page_lock, fallback and zeroing)\n"
		"and the rest, e.g. \"uffd=50.12ms rest=31.20us\", or \"-\" when no\n"
		"cause had any; -j gives every cause the module tells (\"causes\":\n"
		"{\"reclaim_ns\": ..., \"rest_ns\": ...}).  Faults are shown with causes\n"
		"while the parameter is on (/sys/module/faultlat/parameters/causes, read\n"
		"every 100 ms), or when a cause had time: with causes off the event's\n"
		"fields are zeroes, which are not \"no cause\".  The columns are those of\n"
		"the parameters on when the trace starts.\n"
		"\n"
		"Events lost because the ring buffer filled up before it was read are\n"
		"reported where it happened (a LOST line) and counted in the summary;\n"
		"a larger buffer (-b) or --min-latency helps.\n"
		"\n"
		"Options:\n"
		"  -p, --pid PID          only the threads of process PID (filtered in the\n"
		"                         kernel)\n"
		"      --min-latency T    only faults and flushes that took at least T\n"
		"                         (250ns, 500us, 1ms, 0.5s; a bare number is in ns),\n"
		"                         filtered in the kernel for this trace only: other\n"
		"                         traces and perf keep their own thresholds\n"
		"      --major            only major faults\n"
		"      --tlb              TLB flushes as well as faults\n"
		"      --tlb-only         TLB flushes only\n"
		"  -d, --duration SECONDS stop after SECONDS (units as --min-latency's,\n"
		"                         a bare number is in seconds)\n"
		"  -c, --count COUNT      stop after COUNT events\n"
		"  -b, --buffer-size KB   ring buffer per CPU, in KiB (the kernel's default\n"
		"                         if not given)\n"
		"      --stack            under each fault, the mapping of its address\n"
		"                         (file+offset, [heap], [stack], [anon], ...),\n"
		"                         its user stack and its kernel stack, symbolized\n"
		"                         (user stacks need frame pointers in the traced\n"
		"                         program, and have at most 8 frames); to keep\n"
		"                         them for faultlat report, use faultlat record\n"
		"  -j, --json             one JSON object per line (events, losses, then a\n"
		"                         summary) on stdout\n"
		"      --pretty           pretty JSON (implies --json)\n"
		"  -h, --help             print this help\n"
		"\n"
		"It needs the faultlat module and access to tracefs (root). Events come\n"
		"through a tracefs instance of its own, faultlat-trace-PID, removed on\n"
		"exit; one left behind by a faultlat killed with SIGKILL can be removed\n"
		"with rmdir /sys/kernel/tracing/instances/faultlat-trace-PID. Times are\n"
		"the wall clock (the instance's trace clock is CLOCK_MONOTONIC, \"ts_ns\"\n"
		"in JSON). tracefs is found (or mounted) where the system has it, or\n"
		"taken from $FAULTLAT_TRACEFS.\n"
		"\n"
		"EXAMPLES\n"
		"  sudo faultlat trace                       every fault, live\n"
		"  sudo faultlat trace -p $(pidof -s mysqld) --min-latency 100us\n"
		"  sudo faultlat trace --major -d 10         major faults for 10 s\n"
		"  sudo faultlat trace --stack -p 1234 --min-latency 1ms\n"
		"                                            slow faults, where they came from\n"
		"  echo 1 | sudo tee /sys/module/faultlat/parameters/causes\n"
		"  sudo faultlat trace --min-latency 1ms     slow faults, where their time went\n"
		"  sudo faultlat trace -j -c 1000 | jq -c 'select(.causes.io_ns > 0)'\n"
		"  sudo faultlat trace --tlb-only            TLB flushes\n"
		"  sudo faultlat trace -j -c 1000 | jq -s 'max_by(.latency_ns // 0)'\n");
}

struct comm_slot {
	__u32 pid;
	__u32 tgid;		/* 0: unknown */
	__u64 when;		/* CLOCK_MONOTONIC of the read */
	char comm[FL_COMM_LEN + 1];
};

/* A fault event waiting for the stacks that follow it on its CPU */
struct pending {
	bool used;
	__u64 ts;
	int cpu;
	struct fl_fault_event e;
	struct fl_fault_stacks st;
};

struct tracer {
	struct trace_opts o;
	int fd;				/* /dev/faultlat */
	struct tep_handle *tep;
	struct tracefs_instance *inst;
	struct fl_decoder dec;
	bool causes_on;			/* module parameter causes, as last read */
	bool causes_col;		/* ... on at the start: CAUSES column */
	bool paths_col;			/* paths on at the start: PATH column */
	bool mono;			/* trace clock is CLOCK_MONOTONIC */
	__u64 wall_off;			/* CLOCK_REALTIME - CLOCK_MONOTONIC */
	__u64 events, faults, flushes;
	__u64 skipped;			/* read, but filtered out here */
	__u64 bad;			/* records too short to decode */
	__u64 lost_marks;		/* LOST lines */
	__u64 lost_counted;		/* events they counted */
	bool lost_unknown;		/* a LOST line without a count */
	bool stop;			/* -c reached, or output failed */
	bool out_err;
	int out_errno;
	pid_t child;			/* record -- CMD */
	bool child_done;
	int tree_err;			/* 0, or -errno: FAULTLAT_TREE_OPEN */
	__u32 tree;			/* record -- CMD: its tree, or 0 */
	bool follow;			/* ... filtered by it: children too */
	bool follow_said;		/* why not, said once */
	__u64 execs, forks;		/* the tree's, seen through ptrace */
	__u64 cmdlines_at;		/* last tracefs_load_cmdlines() */
	struct fl_stack_decoder sdec;	/* --stack */
	struct fl_syms syms;
	struct pending *pend;		/* per CPU */
	int npend;
	__u64 orphans;			/* stacks with no fault before them */
	struct comm_slot comms[COMM_SLOTS];
};

/*
 * Print one JSON object and a newline, and drop it.  Unlike
 * fl_json_print(), no flush and no message: a reader that went away
 * (EPIPE) shows in drain()'s fflush().
 */
static FILE *out;	/* stdout, or record's file */
static const char *cmd_name = "trace";	/* for messages: or "record" */

static void emit(struct json_object *o)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	flags |= fl_opts.pretty ? JSON_C_TO_STRING_PRETTY |
				  JSON_C_TO_STRING_SPACED :
				  JSON_C_TO_STRING_PLAIN;
	fputs(json_object_to_json_string_ext(o, flags), out);
	fputc('\n', out);
	json_object_put(o);
}

/* First line of /proc/@pid/@file into @buf, or "" */
static void proc_read(__u32 pid, const char *file, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%u/%s", pid, file);
	f = fopen(path, "re");
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* The Tgid: line of /proc/@pid/status, or 0 */
static __u32 proc_tgid(__u32 pid)
{
	char path[64], line[128];
	unsigned int tgid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/status", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %u", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

/*
 * The comm and tgid of thread @pid: from /proc while it lives, cached
 * for a quarter of a second (an exec changes the comm); @tgid, if not 0,
 * is known already (faultlat:fault carries it).  For a thread gone
 * already, the comm is the kernel's saved one, else "<...>" as ftrace
 * shows it, and the tgid is the one a fault event told, else 0.
 */
static const struct comm_slot *task_of(struct tracer *t, __u32 pid,
				       __u32 tgid)
{
	struct comm_slot *s = &t->comms[pid % COMM_SLOTS];
	__u64 now = fl_clock_ns(CLOCK_MONOTONIC);
	const char *c;

	if (s->pid == pid && now - s->when < COMM_TTL_NS) {
		if (tgid)
			s->tgid = tgid;
		return s;
	}
	if (s->pid != pid)
		s->tgid = 0;
	s->pid = pid;
	s->when = now;
	if (tgid)
		s->tgid = tgid;
	proc_read(pid, "comm", s->comm, sizeof(s->comm));
	if (s->comm[0]) {
		if (!tgid)
			s->tgid = proc_tgid(pid) ?: s->tgid;
		return s;
	}
	/* gone already: the kernel may have its name */
	if (now - t->cmdlines_at > FL_NSEC_PER_SEC) {
		tracefs_load_cmdlines(NULL, t->tep);
		t->cmdlines_at = now;
	}
	c = tep_data_comm_from_pid(t->tep, pid);
	snprintf(s->comm, sizeof(s->comm), "%s", c ? c : "<...>");
	return s;
}

static const char * const outcome_names[] = {
	[FAULTLAT_EVENT_MINOR] = "minor",
	[FAULTLAT_EVENT_MAJOR] = "major",
	[FAULTLAT_EVENT_ERROR] = "error",
};

static const char * const reason_names[] = {
	[FAULTLAT_TLB_EVENT_RANGE] = "range",
	[FAULTLAT_TLB_EVENT_CEILING] = "ceiling",
	[FAULTLAT_TLB_EVENT_FULL] = "full",
};

/* @names[@v], or "?N" for a value we do not know, in @buf */
static const char *name_of(const char * const *names, unsigned int n,
			   unsigned int v, char *buf, size_t len)
{
	if (v < n && names[v])
		return names[v];
	snprintf(buf, len, "?%u", v);
	return buf;
}

/*
 * The bits of a vm_fault_t, enum vm_fault_reason of 6.1's
 * include/linux/mm_types.h (kernel-internal: other kernels may differ;
 * the number itself is always printed).
 */
static const struct {
	__u32 bit;
	const char *name;
} vm_fault_bits[] = {
	{ 0x000001, "OOM" },
	{ 0x000002, "SIGBUS" },
	{ 0x000004, "MAJOR" },
	{ 0x000008, "WRITE" },
	{ 0x000010, "HWPOISON" },
	{ 0x000020, "HWPOISON_LARGE" },
	{ 0x000040, "SIGSEGV" },
	{ 0x000100, "NOPAGE" },
	{ 0x000200, "LOCKED" },
	{ 0x000400, "RETRY" },
	{ 0x000800, "FALLBACK" },
	{ 0x001000, "DONE_COW" },
	{ 0x002000, "NEEDDSYNC" },
	{ 0x004000, "COMPLETED" },
};

/* "0x0", "0x204(MAJOR|LOCKED)", "0x80(?0x80)" */
static void fmt_result(__u32 r, char *buf, size_t len)
{
	__u32 rest = r;
	unsigned int i;
	int n;

	n = snprintf(buf, len, "0x%x", r);
	for (i = 0; i < ARRAY_SIZE(vm_fault_bits) && n < (int)len; i++) {
		if (!(r & vm_fault_bits[i].bit))
			continue;
		n += snprintf(buf + n, len - n, "%c%s", rest == r ? '(' : '|',
			      vm_fault_bits[i].name);
		rest &= ~vm_fault_bits[i].bit;
	}
	if (rest && n < (int)len)
		n += snprintf(buf + n, len - n, "%c?0x%x", rest == r ? '(' : '|',
			      rest);
	if (rest != r && n < (int)len)
		snprintf(buf + n, len - n, ")");
}

static struct json_object *result_flags_json(__u32 r)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vm_fault_bits); i++)
		if (r & vm_fault_bits[i].bit)
			json_object_array_add(a,
					      json_object_new_string(vm_fault_bits[i].name));
	return a;
}

/* "12:00:01.123456" (wall clock) or "1234.567890" (the trace clock's) */
static void fmt_time(const struct tracer *t, __u64 ts, char *buf, size_t len)
{
	struct tm tm;
	time_t sec;
	__u64 wall;

	if (!t->mono) {
		snprintf(buf, len, "%llu.%06llu", ts / FL_NSEC_PER_SEC,
			 ts % FL_NSEC_PER_SEC / 1000);
		return;
	}
	wall = ts + t->wall_off;
	sec = wall / FL_NSEC_PER_SEC;
	localtime_r(&sec, &tm);
	snprintf(buf, len, "%02d:%02d:%02d.%06llu", tm.tm_hour, tm.tm_min,
		 tm.tm_sec, wall % FL_NSEC_PER_SEC / 1000);
}

/* The result's column when the causes follow it: most results fit */
#define RESULT_W	19

static void print_header(const struct tracer *t)
{
	fprintf(out, "%-15s %-22s %-5s %-14s %9s %3s %-7s %-6s %-6s ", "TIME",
		"COMM/TID", "TYPE", "ADDRESS", "LATENCY", "ATT", "KIND",
		"ACCESS", "MODE");
	if (t->paths_col)
		fprintf(out, "%-7s ", "PATH");
	if (t->causes_col)
		fprintf(out, "%-*s %s\n", RESULT_W, "RESULT", "CAUSES");
	else
		fprintf(out, "%s\n", "RESULT");
}

/*
 * Whether @e's time by cause is shown: the event has the fields, and
 * module parameter causes was on when the ring buffers were last read, or
 * a cause has time (only a fault timed by cause has any).  With causes
 * off the fields are zeroes, which would read "no cause".
 */
static bool show_causes(const struct tracer *t, const struct fl_fault_event *e)
{
	unsigned int i;

	if (!e->causes_told)
		return false;
	if (t->causes_on)
		return true;
	for (i = 0; i < e->causes_told; i++)
		if (e->cause_ns[i])
			return true;
	return false;
}

static void print_fault(struct tracer *t, __u64 ts, int cpu,
			const struct fl_fault_event *e,
			const struct fl_fault_stacks *st)
{
	const struct comm_slot *task = task_of(t, e->pid, e->tgid);
	char when[32], who[48], lat[32], res[128], b1[8], b2[8], b3[8], b4[8];
	const char *outcome, *kind, *access, *mode;
	bool causes = show_causes(t, e);
	struct json_object *o;
	char cz[256];

	outcome = name_of(outcome_names, ARRAY_SIZE(outcome_names),
			  e->outcome, b1, sizeof(b1));
	kind = name_of(fl_kind_names, FAULTLAT_NR_KINDS, e->kind, b2,
		       sizeof(b2));
	access = name_of(fl_access_names, FAULTLAT_NR_ACCESS, e->access, b3,
			 sizeof(b3));
	mode = name_of(fl_mode_names, FAULTLAT_NR_MODES, e->mode, b4,
		       sizeof(b4));
	if (!fl_opts.json) {
		fmt_time(t, ts, when, sizeof(when));
		snprintf(who, sizeof(who), "%s/%u", task->comm, e->pid);
		fl_fmt_ns(lat, sizeof(lat), e->latency_ns);
		fmt_result(e->result, res, sizeof(res));
		fprintf(out, "%-15s %-22s %-5s 0x%012llx %9s %3u %-7s %-6s %-6s ",
			when, who, outcome, e->address, lat, e->attempts, kind,
			access, mode);
		if (t->paths_col)
			fprintf(out, "%-7s ", fl_path_name(e->path));
		if (causes) {
			fl_fmt_fault_causes(cz, sizeof(cz), e->cause_ns,
					    e->latency_ns);
			fprintf(out, "%-*s %s\n", RESULT_W, res, cz);
		} else {
			fprintf(out, "%s\n", res);
		}
		if (st)
			fl_stacks_print(out, &t->syms, st);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string("fault"));
	json_object_object_add(o, "ts_ns", fl_json_u64(ts));
	json_object_object_add(o, "cpu", json_object_new_int(cpu));
	json_object_object_add(o, "pid", json_object_new_int64(e->pid));
	json_object_object_add(o, "tgid", json_object_new_int64(e->tgid));
	json_object_object_add(o, "comm", json_object_new_string(task->comm));
	json_object_object_add(o, "outcome", json_object_new_string(outcome));
	json_object_object_add(o, "address", fl_json_u64(e->address));
	json_object_object_add(o, "latency_ns", fl_json_u64(e->latency_ns));
	json_object_object_add(o, "result", json_object_new_int64(e->result));
	json_object_object_add(o, "result_flags", result_flags_json(e->result));
	json_object_object_add(o, "attempts",
			       json_object_new_int64(e->attempts));
	json_object_object_add(o, "mode", json_object_new_string(mode));
	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "access", json_object_new_string(access));
	/* told by path (module parameter paths): the event's last field */
	if (e->path < FAULTLAT_NR_PATHS)
		json_object_object_add(o, "path",
				       json_object_new_string(fl_path_name(e->path)));
	/* its process's tree (0.7): 0 for none */
	if (t->dec.fault_tree)
		json_object_object_add(o, "tree", json_object_new_int64(e->tree));
	/* timed by cause (module parameter causes): see show_causes() */
	if (causes)
		json_object_object_add(o, "causes",
				       fl_json_fault_causes(e->cause_ns,
							    e->causes_told,
							    e->latency_ns));
	if (st)
		fl_stacks_json(o, &t->syms, st);
	emit(o);
}

static void print_tlb(struct tracer *t, const struct tep_record *rec,
		      const struct fl_tlb_event *e, const struct comm_slot *task)
{
	char when[32], who[48], lat[32], end[32], b1[8];
	const char *reason;
	struct json_object *o;

	reason = name_of(reason_names, ARRAY_SIZE(reason_names), e->reason,
			 b1, sizeof(b1));
	if (!fl_opts.json) {
		fmt_time(t, rec->ts, when, sizeof(when));
		snprintf(who, sizeof(who), "%s/%u", task->comm, e->pid);
		fl_fmt_ns(lat, sizeof(lat), e->latency_ns);
		if (e->end == ~0ULL)
			snprintf(end, sizeof(end), "all");
		else
			snprintf(end, sizeof(end), "0x%llx", e->end);
		fprintf(out,
			"%-15s %-22s %-5s 0x%012llx %9s     %s pages=%llu remote_cpus=%u end=%s\n",
			when, who, "tlb", e->start, lat, reason, e->pages,
			e->remote_cpus, end);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string("tlb_flush"));
	json_object_object_add(o, "ts_ns", fl_json_u64(rec->ts));
	json_object_object_add(o, "cpu", json_object_new_int(rec->cpu));
	json_object_object_add(o, "pid", json_object_new_int64(e->pid));
	json_object_object_add(o, "tgid", task->tgid ?
			       json_object_new_int64(task->tgid) : NULL);
	json_object_object_add(o, "comm", json_object_new_string(task->comm));
	json_object_object_add(o, "start", fl_json_u64(e->start));
	json_object_object_add(o, "end", fl_json_u64(e->end));
	json_object_object_add(o, "pages", fl_json_u64(e->pages));
	json_object_object_add(o, "latency_ns", fl_json_u64(e->latency_ns));
	json_object_object_add(o, "remote_cpus",
			       json_object_new_int64(e->remote_cpus));
	json_object_object_add(o, "reason", json_object_new_string(reason));
	emit(o);
}

/* tracefs_follow_missed_events(): events were lost before @rec */
static int on_missed(struct tep_event *ev, struct tep_record *rec, int cpu,
		     void *data)
{
	struct tracer *t = data;
	struct json_object *o;
	char when[32];

	(void)ev;
	t->lost_marks++;
	if (rec->missed_events > 0)
		t->lost_counted += rec->missed_events;
	else
		t->lost_unknown = true;
	if (fl_opts.json) {
		o = json_object_new_object();
		json_object_object_add(o, "type", json_object_new_string("lost"));
		json_object_object_add(o, "ts_ns", fl_json_u64(rec->ts));
		json_object_object_add(o, "cpu", json_object_new_int(cpu));
		json_object_object_add(o, "count", rec->missed_events > 0 ?
				       json_object_new_int64(rec->missed_events) :
				       NULL);
		emit(o);
		return 0;
	}
	fmt_time(t, rec->ts, when, sizeof(when));
	if (rec->missed_events > 0)
		fprintf(out, "%-15s LOST %lld events on CPU %d (the ring buffer was full)\n",
			when, rec->missed_events, cpu);
	else
		fprintf(out, "%-15s LOST events on CPU %d (the ring buffer was full)\n",
			when, cpu);
	return 0;
}

/* A fault we want: the kernel filtered already, this is belt and braces. */
static bool want_fault(const struct tracer *t, const struct fl_fault_event *e)
{
	if (!t->o.faults)
		return false;
	if (t->follow ? e->tree != t->tree : t->o.pid && e->tgid != t->o.pid)
		return false;
	if (t->o.major && e->outcome != FAULTLAT_EVENT_MAJOR)
		return false;
	return !t->o.min_set || e->latency_ns >= t->o.min_ns;
}

/* A fault counted and printed; false once -c is reached. */
static bool count_event(struct tracer *t)
{
	t->events++;
	if (t->o.count && t->events >= t->o.count) {
		t->stop = true;
		return false;
	}
	return true;
}

/* Print the fault waiting on @p's CPU, with its stacks. */
static bool flush_pending(struct tracer *t, struct pending *p)
{
	if (!p->used)
		return true;
	p->used = false;
	if (t->stop)
		return false;
	print_fault(t, p->ts, p->cpu, &p->e, &p->st);
	t->faults++;
	return count_event(t);
}

static bool flush_all_pending(struct tracer *t)
{
	int i;

	for (i = 0; i < t->npend; i++)
		if (!flush_pending(t, &t->pend[i]))
			return false;
	return true;
}

/*
 * --stack: the fault waits for the stack records that ftrace writes
 * after it on its CPU (by the same thread); the next other record there,
 * or the end of the trace, prints it.
 */
static int on_stack_record(struct tracer *t, struct tep_event *ev,
			   struct tep_record *rec, int cpu)
{
	struct pending *p = cpu >= 0 && cpu < t->npend ? &t->pend[cpu] : NULL;
	bool kernel = ev == t->sdec.kstack;
	struct fl_stack *s;

	if (!p || !p->used || tep_data_pid(t->tep, rec) != (int)p->e.pid ||
	    (kernel ? p->st.has_kstack : p->st.has_ustack)) {
		t->orphans++;
		return 0;
	}
	s = kernel ? &p->st.kstack : &p->st.ustack;
	if (fl_stack_decode(&t->sdec, ev, rec, s)) {
		t->bad++;
		return 0;
	}
	if (kernel)
		p->st.has_kstack = true;
	else
		p->st.has_ustack = true;
	/* the user stack comes last */
	if (!kernel && !flush_pending(t, p))
		return 1;
	return 0;
}

static int on_record(struct tep_event *ev, struct tep_record *rec, int cpu,
		     void *data)
{
	struct tracer *t = data;
	const struct comm_slot *task;
	struct fl_fault_event fe;
	struct fl_tlb_event te;
	struct pending *p;

	if (t->o.stack && ev && (ev == t->sdec.kstack || ev == t->sdec.ustack))
		return on_stack_record(t, ev, rec, cpu);
	if (t->o.stack && cpu >= 0 && cpu < t->npend &&
	    !flush_pending(t, &t->pend[cpu]))
		return 1;
	if (ev == t->dec.fault) {
		if (fl_decode_fault(&t->dec, rec, &fe)) {
			t->bad++;
			return 0;
		}
		if (!want_fault(t, &fe)) {
			t->skipped++;
			return 0;
		}
		if (t->o.stack && cpu >= 0 && cpu < t->npend) {
			/* its maps, while it may still live */
			fl_syms_see(&t->syms, fe.tgid);
			p = &t->pend[cpu];
			memset(p, 0, sizeof(*p));
			p->used = true;
			p->ts = rec->ts;
			p->cpu = cpu;
			p->e = fe;
			p->st.tgid = fe.tgid;
			p->st.address = fe.address;
			return 0;
		}
		print_fault(t, rec->ts, cpu, &fe, NULL);
		t->faults++;
	} else if (ev == t->dec.tlb) {
		if (fl_decode_tlb(&t->dec, rec, &te)) {
			t->bad++;
			return 0;
		}
		task = task_of(t, te.pid, 0);
		/*
		 * -p: a thread of a child that event-fork let in, or one
		 * whose process we cannot tell any more (gone, and never
		 * seen faulting): the event has no tgid
		 */
		if (!t->o.tlb || (t->o.min_set && te.latency_ns < t->o.min_ns) ||
		    (t->o.pid && task->tgid != t->o.pid)) {
			t->skipped++;
			return 0;
		}
		print_tlb(t, rec, &te, task);
		t->flushes++;
	} else {
		t->skipped++;
		return 0;
	}
	return count_event(t) ? 0 : 1;
}

/*
 * Events the ring buffers lost, from per_cpu/cpuN/stats: overwritten
 * unread (overrun) or refused (dropped events).  -1 if none could be read.
 */
static long long ring_lost(struct tracer *t)
{
	long ncpus = sysconf(_SC_NPROCESSORS_CONF);
	long long lost = -1;
	char path[64], *text, *p;
	long cpu;

	for (cpu = 0; cpu < ncpus; cpu++) {
		snprintf(path, sizeof(path), "per_cpu/cpu%ld/stats", cpu);
		text = tracefs_instance_file_read(t->inst, path, NULL);
		if (!text)
			continue;
		if (lost < 0)
			lost = 0;
		p = strstr(text, "\noverrun: ");
		if (!p && !strncmp(text, "overrun: ", 9))
			p = text - 1;
		if (p)
			lost += strtoull(p + 10, NULL, 10);
		p = strstr(text, "dropped events: ");
		if (p)
			lost += strtoull(p + 16, NULL, 10);
		free(text);
	}
	return lost;
}

/* A kernel filter for @ev, joined with && to *@filter; -1 on error. */
static int add_filter(struct tep_event *ev, char **filter, const char *field,
		      enum tracefs_compare cmp, unsigned long long v)
{
	char val[32];

	snprintf(val, sizeof(val), "%llu", v);
	if (*filter && tracefs_filter_string_append(ev, filter,
						    TRACEFS_FILTER_AND, NULL, 0,
						    NULL))
		return -1;
	return tracefs_filter_string_append(ev, filter, TRACEFS_FILTER_COMPARE,
					    field, cmp, val);
}

static int set_filter(struct tracer *t, struct tep_event *ev, bool fault)
{
	char *filter = NULL;
	int err = 0;

	if (fault && t->follow)
		err = add_filter(ev, &filter, "tree", TRACEFS_COMPARE_EQ,
				 t->tree);
	else if (fault && t->o.pid)
		err = add_filter(ev, &filter, "tgid", TRACEFS_COMPARE_EQ,
				 t->o.pid);
	if (!err && fault && t->o.major)
		err = add_filter(ev, &filter, "outcome", TRACEFS_COMPARE_EQ,
				 FAULTLAT_EVENT_MAJOR);
	if (!err && t->o.min_set && t->o.min_ns)
		err = add_filter(ev, &filter, "latency_ns", TRACEFS_COMPARE_GE,
				 t->o.min_ns);
	/* it answers what it wrote, as tracefs_event_file_write() does */
	if (!err && filter &&
	    tracefs_event_filter_apply(t->inst, ev, filter) < 0)
		err = -1;
	if (err)
		fprintf(stderr,
			"faultlat %s: cannot set the filter '%s' on %s:%s: %s\n", cmd_name,
			filter ? filter : "", ev->system, ev->name,
			strerror(errno));
	free(filter);
	return err ? -1 : 0;
}

/*
 * -p with --tlb: faultlat:tlb_flush has no tgid, so the instance traces
 * only the threads of PID (set_event_pid), and the ones they create
 * (event-fork).  Children processes come in too: on_record() drops them,
 * and the flushes of threads it cannot place (gone before it read their
 * event, and seen in no fault event).
 */
static int set_event_pids(struct tracer *t)
{
	char path[64], *list = NULL;
	size_t len = 0;
	struct dirent *d;
	FILE *f;
	DIR *dir;
	int err;

	snprintf(path, sizeof(path), "/proc/%u/task", t->o.pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	f = open_memstream(&list, &len);
	while ((d = readdir(dir)))
		if (d->d_name[0] >= '0' && d->d_name[0] <= '9')
			fprintf(f, "%s ", d->d_name);
	closedir(dir);
	fclose(f);
	err = tracefs_option_enable(t->inst, TRACEFS_OPTION_EVENT_FORK);
	if (!err && tracefs_instance_file_write(t->inst, "set_event_pid",
						list) < 0)
		err = -1;
	free(list);
	return err;
}

/*
 * A tep handle that knows the ring buffer's page header and our two
 * events, nothing else: tracefs_local_events_system() would also parse
 * /proc/kallsyms and every printk format, which we never need (and which
 * takes seconds on a slow machine).
 */
static struct tep_handle *load_formats(bool stack)
{
	static const char * const names[] = { FL_TEV_FAULT, FL_TEV_TLB };
	static const char * const stacks[] = { FL_TEV_KSTACK, FL_TEV_USTACK };
	struct tep_handle *tep = tep_alloc();
	unsigned int i;
	char *buf;
	int len;

	if (!tep)
		return NULL;
	buf = tracefs_instance_file_read(NULL, "events/header_page", &len);
	if (!buf || tep_parse_header_page(tep, buf, len, sizeof(long))) {
		free(buf);
		tep_free(tep);
		return NULL;
	}
	free(buf);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		/* an event the module lacks is simply not there */
		buf = tracefs_event_file_read(NULL, FL_TEV_SYSTEM, names[i],
					      "format", &len);
		if (buf && len > 0)
			tep_parse_event(tep, buf, len, FL_TEV_SYSTEM);
		free(buf);
	}
	for (i = 0; stack && i < ARRAY_SIZE(stacks); i++) {
		buf = tracefs_event_file_read(NULL, FL_TEV_FTRACE, stacks[i],
					      "format", &len);
		if (buf && len > 0)
			tep_parse_event(tep, buf, len, FL_TEV_FTRACE);
		free(buf);
	}
	tep_set_long_size(tep, tep_get_header_page_size(tep));
	tep_set_page_size(tep, getpagesize());
	tep_set_cpus(tep, sysconf(_SC_NPROCESSORS_CONF));
	return tep;
}

/*
 * Find tracefs (mounting it if need be) and read the formats of the
 * module's events.  Returns 0, or -1 after printing why.
 */
static int open_tracefs(struct tracer *t)
{
	const char *dir = getenv("FAULTLAT_TRACEFS");
	char err[256];

	if (dir && *dir) {
		if (tracefs_set_tracing_dir((char *)dir)) {
			fprintf(stderr,
				"faultlat %s: cannot use %s as tracefs: %s\n", cmd_name,
				dir, strerror(errno));
			return -1;
		}
	} else if (tracefs_tracing_dir_is_mounted(true, NULL) < 0 ||
		   !tracefs_tracing_dir()) {
		fprintf(stderr,
			"faultlat %s: tracefs is not mounted and could not be (mount -t tracefs nodev /sys/kernel/tracing)\n",
			cmd_name);
		return -1;
	}
	errno = 0;
	t->tep = load_formats(t->o.stack);
	if (!t->tep) {
		fprintf(stderr,
			"faultlat %s: cannot read the event formats in %s: %s%s\n", cmd_name,
			tracefs_tracing_dir(), strerror(errno ? errno : EIO),
			errno == EACCES || errno == EPERM ?
			" (tracing needs root)" : "");
		return -1;
	}
	if (fl_decoder_init(&t->dec, t->tep, err, sizeof(err))) {
		fprintf(stderr, "faultlat %s: %s: this client cannot read it\n", cmd_name,
			err);
		return -1;
	}
	if (t->o.stack && (fl_stack_decoder_init(&t->sdec, t->tep) ||
			   !t->sdec.kstack || !t->sdec.ustack)) {
		fprintf(stderr,
			"faultlat %s: no usable ftrace:kernel_stack and ftrace:user_stack formats in %s/events/ftrace: this kernel cannot give stacks\n",
			cmd_name,
			tracefs_tracing_dir());
		return -1;
	}
	if ((t->o.faults && !t->dec.fault) || (t->o.tlb && !t->dec.tlb)) {
		fprintf(stderr,
			"faultlat %s: no trace event %s:%s in %s/events: the faultlat module loaded has no trace events (load a newer one)\n",
			cmd_name,
			FL_TEV_SYSTEM, t->o.faults && !t->dec.fault ?
			FL_TEV_FAULT : FL_TEV_TLB, tracefs_tracing_dir());
		return -1;
	}
	return 0;
}

/*
 * --stack: ftrace writes a kernel stack and a user stack after each event
 * this instance keeps (its options, not the global ones).
 */
static int setup_stacks(struct tracer *t)
{
	t->npend = sysconf(_SC_NPROCESSORS_CONF);
	if (t->npend < 1)
		t->npend = 1;
	t->pend = calloc(t->npend, sizeof(*t->pend));
	if (!t->pend || fl_syms_init(&t->syms)) {
		fprintf(stderr, "faultlat %s: out of memory\n", cmd_name);
		return -1;
	}
	if (tracefs_option_enable(t->inst, TRACEFS_OPTION_STACKTRACE) ||
	    tracefs_option_enable(t->inst, TRACEFS_OPTION_USERSTACKTRACE)) {
		fprintf(stderr,
			"faultlat %s: cannot set the instance's stacktrace and userstacktrace options: %s\n",
			cmd_name,
			strerror(errno));
		return -1;
	}
	/* the kernel's symbols now, not in the middle of the first drain */
	if (t->o.pid)
		fl_syms_see(&t->syms, t->o.pid);
	return 0;
}

/*
 * record -- CMD: COMMAND's tree (opened on the child before it runs)
 * and the event's field "tree" make the filter; without either, the
 * recording is of COMMAND's own process, as before 0.7, and says why.
 */
static void choose_follow(struct tracer *t)
{
	const char *why = NULL;
	char buf[128];

	if (!t->o.cmd || !t->o.inherit)
		return;
	if (t->tree_err == -ENOTTY || t->tree_err == -EINVAL) {
		why = "the module cannot follow a process tree (no FAULTLAT_IOC_TREE)";
	} else if (t->tree_err == -EBUSY) {
		why = "it is in a tree followed already (inside faultlat run?)";
	} else if (t->tree_err) {
		snprintf(buf, sizeof(buf), "FAULTLAT_IOC_TREE: %s",
			 strerror(-t->tree_err));
		why = buf;
	} else if (!t->dec.fault_tree) {
		why = "the module's faultlat:fault has no field tree (a module before 0.7)";
	}
	if (!why) {
		t->follow = true;
		return;
	}
	fprintf(stderr,
		"faultlat %s: not following COMMAND's child processes: %s; recording its own process only\n",
		cmd_name, why);
	t->follow_said = true;
}

/* Our own instance, its buffers and filters.  Returns 0 or -1. */
static int setup_instance(struct tracer *t)
{
	char name[64];

	if (open_tracefs(t))
		return -1;
	snprintf(name, sizeof(name), "faultlat-trace-%d", (int)getpid());
	t->inst = tracefs_instance_create(name);
	if (!t->inst) {
		fprintf(stderr,
			"faultlat %s: cannot create the tracefs instance %s: %s\n", cmd_name,
			name, strerror(errno));
		return -1;
	}
	if (!tracefs_instance_is_new(t->inst)) {
		/* not ours: leave it be */
		fprintf(stderr,
			"faultlat %s: the tracefs instance %s exists already: remove it (rmdir %s/instances/%s)\n",
			cmd_name,
			name, tracefs_tracing_dir(), name);
		tracefs_instance_free(t->inst);
		t->inst = NULL;
		return -1;
	}
	tracefs_trace_off(t->inst);
	t->mono = tracefs_instance_file_write(t->inst, "trace_clock",
					      "mono") > 0;
	if (t->o.buffer_kb &&
	    tracefs_instance_set_buffer_size(t->inst, t->o.buffer_kb, -1)) {
		fprintf(stderr,
			"faultlat %s: cannot make the ring buffers %lu KiB: %s\n", cmd_name,
			t->o.buffer_kb, strerror(errno));
		return -1;
	}
	choose_follow(t);
	if (t->o.faults && set_filter(t, t->dec.fault, true))
		return -1;
	if (t->o.tlb && set_filter(t, t->dec.tlb, false))
		return -1;
	if (t->o.tlb && t->o.pid && set_event_pids(t)) {
		fprintf(stderr,
			"faultlat %s: cannot trace only the threads of process %u: %s\n", cmd_name,
			t->o.pid, strerror(errno));
		return -1;
	}
	if (t->o.stack && setup_stacks(t))
		return -1;
	if (tracefs_follow_missed_events(t->inst, on_missed, t)) {
		fprintf(stderr, "faultlat %s: tracefs_follow_missed_events: %s\n", cmd_name,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int enable_events(struct tracer *t)
{
	if ((t->o.faults && tracefs_event_file_write(t->inst, FL_TEV_SYSTEM,
						     FL_TEV_FAULT, "enable",
						     "1") < 0) ||
	    (t->o.tlb && tracefs_event_file_write(t->inst, FL_TEV_SYSTEM,
						  FL_TEV_TLB, "enable",
						  "1") < 0)) {
		fprintf(stderr, "faultlat %s: cannot enable the events: %s\n", cmd_name,
			strerror(errno));
		return -1;
	}
	t->wall_off = fl_clock_ns(CLOCK_REALTIME) - fl_clock_ns(CLOCK_MONOTONIC);
	if (tracefs_trace_on(t->inst)) {
		fprintf(stderr, "faultlat %s: cannot turn tracing on: %s\n", cmd_name,
			strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The module's min_latency_ns is a floor under every reader's threshold
 * (an administrator's, set with FAULTLAT_IOC_CONFIG): say so if it hides
 * events this trace asked for.  Only read, never changed.
 */
static void check_config(struct tracer *t)
{
	struct faultlat_config c;
	char buf[32];

	if (fl_dev_config(t->fd, &c))
		return;	/* an older module: it has no floor */
	if (c.min_latency_ns <= (t->o.min_set ? t->o.min_ns : 0))
		return;
	fl_fmt_ns(buf, sizeof(buf), c.min_latency_ns);
	fprintf(stderr,
		"faultlat %s: the module's min_latency_ns is %llu: faults and flushes faster than %s emit no event\n",
		cmd_name,
		c.min_latency_ns, buf);
}

static void teardown(struct tracer *t)
{
	if (t->inst) {
		tracefs_trace_off(t->inst);
		if (tracefs_instance_destroy(t->inst))
			fprintf(stderr,
				"faultlat %s: cannot remove the tracefs instance %s: %s\n",
				cmd_name,
				tracefs_instance_get_name(t->inst),
				strerror(errno));
		tracefs_instance_free(t->inst);
		t->inst = NULL;
	}
	if (t->tep)
		tep_free(t->tep);
	t->tep = NULL;
	if (t->pend)
		fl_syms_free(&t->syms);
	free(t->pend);
	t->pend = NULL;
	t->npend = 0;
}

/* Read what the ring buffers hold; false on an error. */
static bool drain(struct tracer *t)
{
	/* the faults read now were timed by cause if it is on now */
	t->causes_on = t->dec.fault_causes[0] &&
		       fl_module_param("causes") == 1;
	if (tracefs_iterate_raw_events(t->tep, t->inst, NULL, 0, on_record,
				       t) < 0) {
		fprintf(stderr, "faultlat %s: reading the ring buffers: %s\n", cmd_name,
			strerror(errno));
		return false;
	}
	if (!t->out_err && (fflush(out) || ferror(out))) {
		t->out_err = true;
		t->out_errno = errno;
	}
	if (t->out_err)
		t->stop = true;
	return true;
}

static void sleep_ns(__u64 ns)
{
	struct timespec ts = {
		.tv_sec = ns / FL_NSEC_PER_SEC,
		.tv_nsec = ns % FL_NSEC_PER_SEC,
	};

	nanosleep(&ts, NULL);	/* a signal cuts it short: fine */
}

static void print_summary(struct tracer *t, long long lost, __u64 elapsed)
{
	struct json_object *o;
	char el[32];

	if (fl_opts.json && !t->out_err) {
		o = json_object_new_object();
		json_object_object_add(o, "type",
				       json_object_new_string("summary"));
		json_object_object_add(o, "events", fl_json_u64(t->events));
		json_object_object_add(o, "faults", fl_json_u64(t->faults));
		json_object_object_add(o, "tlb_flushes",
				       fl_json_u64(t->flushes));
		json_object_object_add(o, "lost", lost < 0 ? NULL :
				       json_object_new_int64(lost));
		json_object_object_add(o, "lost_reported",
				       fl_json_u64(t->lost_counted));
		json_object_object_add(o, "filtered", fl_json_u64(t->skipped));
		json_object_object_add(o, "undecodable", fl_json_u64(t->bad));
		if (t->o.stack)
			json_object_object_add(o, "stacks_unmatched",
					       fl_json_u64(t->orphans));
		if (t->o.cmd)
			json_object_object_add(o, "children",
					       json_object_new_boolean(t->follow));
		if (t->o.stack) {
			unsigned int procs, unmapped;

			fl_syms_count(&t->syms, &procs, &unmapped);
			json_object_object_add(o, "processes",
					       json_object_new_int64(procs));
			json_object_object_add(o, "processes_unmapped",
					       json_object_new_int64(unmapped));
		}
		json_object_object_add(o, "elapsed_ns", fl_json_u64(elapsed));
		emit(o);
		fflush(out);
		return;
	}
	fl_fmt_ns(el, sizeof(el), elapsed);
	fprintf(stderr,
		"faultlat %s: %llu events (%llu faults, %llu TLB flushes) in %s, ",
		cmd_name, t->events, t->faults, t->flushes, el);
	if (lost < 0)
		fprintf(stderr, "lost unknown");
	else
		fprintf(stderr, "%lld lost", lost);
	if (t->bad)
		fprintf(stderr, ", %llu undecodable", t->bad);
	fputc('\n', stderr);
}

/* PID must be a live process (a tgid), not a thread of one. */
static int check_pid(unsigned int pid)
{
	__u32 tgid = proc_tgid(pid);

	if (!tgid) {
		fprintf(stderr, "faultlat %s: no process %u\n", cmd_name, pid);
		return -1;
	}
	if (tgid != pid) {
		fprintf(stderr,
			"faultlat %s: %u is a thread of process %u: use -p %u\n", cmd_name,
			pid, tgid, tgid);
		return -1;
	}
	return 0;
}

/* What is traced, on stderr. */
static void print_banner(const struct tracer *t)
{
	char buf[32];

	fprintf(stderr, "faultlat %s: tracing %s%s%s", cmd_name, t->o.faults ?
		(t->o.major ? "major faults" : "faults") : "",
		t->o.faults && t->o.tlb ? " and " : "",
		t->o.tlb ? "TLB flushes" : "");
	if (t->follow)
		fprintf(stderr, " of process %u and its children", t->o.pid);
	else if (t->o.pid)
		fprintf(stderr, " of process %u", t->o.pid);
	if (t->o.min_set) {
		fl_fmt_ns(buf, sizeof(buf), t->o.min_ns);
		fprintf(stderr, " of %s or more", buf);
	}
	fprintf(stderr, " (instance %s)... Ctrl-C to end.\n",
		tracefs_instance_get_name(t->inst));
}

/*
 * record -- CMD: the command is forked at once, to be traced by its pid,
 * and waits on a pipe until the trace is on.
 */
static int fork_cmd(struct tracer *t, int *go)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC)) {
		perror("faultlat record: pipe");
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("faultlat record: fork");
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (!pid) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(127);	/* the trace could not start */
		execvp(t->o.cmd[0], t->o.cmd);
		fprintf(stderr, "faultlat record: cannot run '%s': %s\n",
			t->o.cmd[0], strerror(errno));
		_exit(127);
	}
	close(p[0]);
	*go = p[1];
	t->child = pid;
	t->o.pid = pid;
	return 0;
}

/*
 * Let the command run, traced with ptrace for one thing only: its exit,
 * where it stops while its memory is still there, so that its maps are
 * read (for the stacks of its last faults) before they are gone.  When
 * it is followed with its children, they are traced too (attached at
 * fork, before they run), and each exec stops it: its maps change.
 */
static void release_cmd(struct tracer *t, int go)
{
	long opts = PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL;

	/*
	 * Its children inherit the options: not PTRACE_O_EXITKILL, which
	 * would kill what COMMAND leaves running when record exits
	 */
	if (t->follow)
		opts = PTRACE_O_TRACEEXIT | PTRACE_O_TRACEFORK |
		       PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
		       PTRACE_O_TRACEEXEC;
	if (t->o.stack && ptrace(PTRACE_SEIZE, t->child, 0, opts))
		fprintf(stderr,
			"faultlat record: cannot ptrace the command (%s): the stacks of the faults %s takes just before it exits may lack their symbols\n",
			strerror(errno),
			t->follow ? "each process of the tree" : "it");
	if (write(go, "g", 1) != 1)
		perror("faultlat record: starting the command");
	close(go);
}

/* The pending faults of process @tgid, printed now: its maps change. */
static void flush_pending_of(struct tracer *t, __u32 tgid)
{
	int i;

	for (i = 0; i < t->npend; i++)
		if (t->pend[i].used && t->pend[i].e.tgid == tgid &&
		    !flush_pending(t, &t->pend[i]))
			return;
}

/*
 * A traced task @tid stopped with status @st: what it stopped for is
 * done, and it goes on.  The ptrace-stops of a tree (PTRACE_SEIZE):
 *  - exit: its maps are read while it still has them (its last faults'
 *    stacks), as for COMMAND alone;
 *  - exec: the faults before it are printed with the old maps, then the
 *    new ones are read;
 *  - fork, vfork, clone: the parent; the child stops on its own;
 *  - PTRACE_EVENT_STOP with SIGTRAP: a new child's first stop, before it
 *    ran: its maps are its parent's, read now (its first faults may come
 *    before an exec);
 *  - PTRACE_EVENT_STOP with another signal: a group-stop, left stopped
 *    (PTRACE_LISTEN) as it would be untraced;
 *  - anything else: a signal for it, delivered.
 */
static void on_stop(struct tracer *t, pid_t tid, int st)
{
	int ev = st >> 16;
	__u32 tgid;

	switch (ev) {
	case PTRACE_EVENT_EXIT:
		if (tid == t->child)
			drain(t);
		tgid = tid == t->child ? (__u32)tid : proc_tgid(tid);
		if (tgid)
			fl_syms_refresh(&t->syms, tgid);
		break;
	case PTRACE_EVENT_EXEC:
		t->execs++;
		drain(t);
		tgid = proc_tgid(tid);
		if (tgid) {
			flush_pending_of(t, tgid);
			fl_syms_refresh(&t->syms, tgid);
		}
		break;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
		t->forks++;
		break;
	case PTRACE_EVENT_CLONE:
		break;
	case PTRACE_EVENT_STOP:
		if (WSTOPSIG(st) != SIGTRAP) {
			ptrace(PTRACE_LISTEN, tid, 0, 0);
			return;
		}
		if (tid != t->child && proc_tgid(tid) == (__u32)tid)
			fl_syms_refresh(&t->syms, tid);
		break;
	default:
		/* a signal for it: let it have it */
		ptrace(PTRACE_CONT, tid, 0, WSTOPSIG(st));
		return;
	}
	ptrace(PTRACE_CONT, tid, 0, 0);
}

/* Reap what the command did; true once it has ended. */
static bool check_cmd(struct tracer *t)
{
	pid_t r;
	int st;

	/* a tree's tasks are all ours to wait for (their tracer) */
	while ((r = waitpid(t->follow ? -1 : t->child, &st,
			    WNOHANG | __WALL)) > 0) {
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (r != t->child)
				continue;
			t->o.cmd_status = st;
			t->child_done = true;
			break;
		}
		if (WIFSTOPPED(st))
			on_stop(t, r, st);
	}
	return t->child_done;
}

/*
 * Ended early (a signal, -d, an error): COMMAND is asked to end (SIGTERM,
 * SIGKILL after a few seconds), and while it does, the tree's tasks that
 * stop for their tracer go on, lest COMMAND wait for a child that waits
 * for us.
 */
static void end_cmd(struct tracer *t)
{
	__u64 kill_at = fl_clock_ns(CLOCK_MONOTONIC) + 5 * FL_NSEC_PER_SEC;
	bool killed = false;
	pid_t r;
	int st;

	kill(t->child, SIGTERM);
	while (!t->child_done) {
		r = waitpid(t->follow ? -1 : t->child, &st, WNOHANG | __WALL);
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0 && (WIFEXITED(st) || WIFSIGNALED(st))) {
			if (r == t->child) {
				t->o.cmd_status = st;
				t->child_done = true;
			}
			continue;
		}
		if (r > 0 && WIFSTOPPED(st)) {
			ptrace(PTRACE_CONT, r, 0, (st >> 16) ? 0 :
			       WSTOPSIG(st));
			continue;
		}
		if (!killed && fl_clock_ns(CLOCK_MONOTONIC) >= kill_at) {
			kill(t->child, SIGKILL);
			killed = true;
		}
		if (r <= 0)
			sleep_ns(10 * 1000000ULL);
	}
}

/*
 * Between reads: with a command, a SIGCHLD (blocked) cuts the wait short:
 * a task of its stopped for us and waits.  A handled signal (SIGINT)
 * does too.
 */
static void wait_ns(struct tracer *t, __u64 ns)
{
	struct timespec ts = {
		.tv_sec = ns / FL_NSEC_PER_SEC,
		.tv_nsec = ns % FL_NSEC_PER_SEC,
	};
	sigset_t chld;

	if (!t->child) {
		sleep_ns(ns);
		return;
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigtimedwait(&chld, NULL, &ts);
}

/* The whole run, once the options are known; returns the exit code. */
static int run_trace(struct tracer *t)
{
	struct faultlat_info info;
	__u64 start, now, end = 0, poll = POLL_NS;
	sigset_t chld;
	long long lost;
	int rc = FL_EXIT_ERR, go = -1;

	out = t->o.out ? t->o.out : stdout;
	cmd_name = t->o.name ? t->o.name : "trace";
	if (!t->o.cmd && t->o.pid && check_pid(t->o.pid))
		return FL_EXIT_ERR;
	t->fd = fl_dev_open_checked(&info);
	if (t->fd < 0)
		return FL_EXIT_ERR;
	if (t->o.cmd) {
		if (fork_cmd(t, &go)) {
			close(t->fd);
			return FL_EXIT_ERR;
		}
		poll = CMD_POLL_NS;
		/* its children join its tree at fork; it waits on go */
		if (t->o.inherit)
			t->tree_err = fl_dev_tree_open(t->fd, t->child,
						       &t->tree);
		/* for wait_ns(): its tasks' stops wake us */
		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		sigprocmask(SIG_BLOCK, &chld, NULL);
	}
	if (t->o.tlb && !fl_tlb_measured(&info))
		fprintf(stderr,
			"faultlat %s: the module's TLB-flush probes are not attached (loaded with tlb=0?): no faultlat:tlb_flush event will come\n",
			cmd_name);

	/* from here on, a signal ends the trace cleanly */
	fl_stop_on_signals();
	signal(SIGPIPE, SIG_IGN);

	if (setup_instance(t) || enable_events(t))
		goto out;
	check_config(t);
	print_banner(t);
	if (go >= 0) {
		release_cmd(t, go);
		go = -1;
	}
	t->causes_on = t->dec.fault_causes[0] &&
		       fl_module_param("causes") == 1;
	t->causes_col = t->o.faults && t->causes_on;
	t->paths_col = t->o.faults && t->dec.fault_path &&
		       fl_module_param("paths") == 1;
	if (!fl_opts.json) {
		print_header(t);
		fflush(out);
	}

	start = fl_clock_ns(CLOCK_MONOTONIC);
	if (t->o.duration_ns)
		end = start + t->o.duration_ns;
	rc = FL_EXIT_OK;
	while (!fl_stop_signal() && !t->stop) {
		if (!drain(t)) {
			rc = FL_EXIT_ERR;
			break;
		}
		now = fl_clock_ns(CLOCK_MONOTONIC);
		if (t->stop || fl_stop_signal() || (end && now >= end) ||
		    (t->child && check_cmd(t)))
			break;
		wait_ns(t, end && end - now < poll ? end - now : poll);
	}
	/* stop recording, then print what is left */
	tracefs_trace_off(t->inst);
	if (!t->stop && rc == FL_EXIT_OK && !drain(t))
		rc = FL_EXIT_ERR;
	if (t->o.stack && rc == FL_EXIT_OK)
		flush_all_pending(t);
	lost = ring_lost(t);
	/* a reader that went away (| head) ends the trace, not an error */
	if (t->out_err && t->out_errno != EPIPE) {
		fprintf(stderr, "faultlat %s: writing output: %s\n", cmd_name,
			strerror(t->out_errno));
		rc = FL_EXIT_ERR;
	}
	print_summary(t, lost, fl_clock_ns(CLOCK_MONOTONIC) - start);
out:
	if (go >= 0)
		close(go);	/* the command never starts */
	if (t->child && !t->child_done)
		end_cmd(t);	/* ended by a signal or -d: so does the command */
	teardown(t);
	close(t->fd);
	return rc;
}

/*
 * Parse trace's options into @t.  Returns -1 to go on, or the exit code.
 */
static int parse_opts(int argc, char **argv, struct tracer *t)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "min-latency", required_argument, NULL, 'L' },
		{ "major", no_argument, NULL, 'M' },
		{ "tlb", no_argument, NULL, 'T' },
		{ "tlb-only", no_argument, NULL, 'O' },
		{ "duration", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'c' },
		{ "buffer-size", required_argument, NULL, 'b' },
		{ "stack", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct fl_optspec spec = {
		.name = "trace", .shortopts = "p:d:c:b:", .longopts = longopts,
		.help = cmd_trace_help, .json = true,
	};
	int opt, rc;
	__u64 v;

	while ((opt = fl_getopt(argc, argv, &spec, &rc)) != -1) {
		switch (opt) {
		case 'p':
			if (fl_parse_id(optarg, "PID", &t->o.pid))
				return fl_usage_error("trace");
			break;
		case 'L':
			if (fl_parse_duration(optarg, 1, &t->o.min_ns)) {
				fprintf(stderr,
					"faultlat %s: invalid latency '%s': expected a number and a unit (250ns, 500us, 1ms, 0.5s)\n",
					cmd_name,
					optarg);
				return fl_usage_error("trace");
			}
			t->o.min_set = true;
			break;
		case 'M':
			t->o.major = true;
			break;
		case 'T':
			t->o.tlb = true;
			break;
		case 'S':
			t->o.stack = true;
			break;
		case 'O':
			t->o.faults = false;
			break;
		case 'd':
			if (fl_parse_duration(optarg, FL_NSEC_PER_SEC,
					      &t->o.duration_ns) ||
			    !t->o.duration_ns) {
				fprintf(stderr,
					"faultlat %s: invalid duration '%s': expected seconds (3, 0.5) or a number and a unit (500ms)\n",
					cmd_name,
					optarg);
				return fl_usage_error("trace");
			}
			break;
		case 'c':
			if (fl_parse_count("trace", "count", optarg, ~0ULL,
					   &t->o.count))
				return fl_usage_error("trace");
			break;
		case 'b':
			if (fl_parse_count("trace", "buffer size", optarg,
					   1ULL << 30, &v))
				return fl_usage_error("trace");
			t->o.buffer_kb = v;
			break;
		default:	/* FL_OPT_EXIT */
			return rc;
		}
	}
	if (!t->o.faults) {	/* --tlb-only */
		if (t->o.major) {
			fprintf(stderr,
				"faultlat %s: --major is for faults, not --tlb-only\n", cmd_name);
			return fl_usage_error("trace");
		}
		t->o.tlb = true;
	}
	return -1;
}

int fl_trace_run(struct trace_opts *o)
{
	static struct tracer t;
	int rc;

	memset(&t, 0, sizeof(t));
	t.o = *o;
	rc = run_trace(&t);
	o->cmd_status = t.o.cmd_status;
	return rc;
}

int cmd_trace(int argc, char **argv)
{
	static struct tracer t;
	int rc;

	memset(&t, 0, sizeof(t));
	t.o.faults = true;
	rc = parse_opts(argc, argv, &t);
	if (rc >= 0)
		return rc;
	if (t.o.stack && !t.o.faults) {
		fprintf(stderr,
			"faultlat %s: --stack is for faults, not --tlb-only\n", cmd_name);
		return fl_usage_error("trace");
	}
	return fl_trace_run(&t.o);
}
