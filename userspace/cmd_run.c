// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat run: run a command and print its page-fault latency, as
 * time(1) prints its times.
 *
 * By default it follows the command's whole process tree: the child
 * waits on a pipe until the module was asked to follow it
 * (FAULTLAT_TREE_OPEN), and every process it starts joins the tree at
 * fork.  The module keeps a process's record until the process is
 * reaped (a tree's, until the tree is closed), so the parent waits with
 * waitid(WEXITED | WNOWAIT), which leaves the child a zombie, reads the
 * tree and the process views (faults, then TLB flushes), and only then
 * reaps it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "dev.h"
#include "hist.h"
#include "interval.h"
#include "json.h"
#include "percentile.h"
#include "sample.h"
#include "util.h"

void cmd_run_help(FILE *f)
{
	fprintf(f,
		"Usage: faultlat run [-i] [-n N] [-j] [--pretty] [-o FILE] [--] COMMAND [ARGS...]\n"
		"\n"
		"Run COMMAND, wait for it, then print the latency histograms of the\n"
		"page faults of its process and of every process it starts, and\n"
		"theirs, from fork to exit (as time(1) and perf stat count children),\n"
		"next to the kernel's own counts from getrusage(RUSAGE_CHILDREN); the\n"
		"processes that spent the most time in faults (PID, COMM, minor and\n"
		"major faults, total fault time, p99); then the TLB flushes those\n"
		"processes initiated (the flush_tlb_mm_range() latency histogram if\n"
		"there were any, and the flushes by kind, as 'faultlat hist --tlb'\n"
		"shows them), and the module's nmissed and dropped counters with their\n"
		"change during the run (and the TLB probes' nmissed, for CAP_PERFMON\n"
		"or CAP_SYS_ADMIN). Text goes to stderr, as time(1) does, JSON to\n"
		"stdout (where COMMAND's own output goes too: use -o to keep them\n"
		"apart).\n"
		"\n"
		"Options:\n"
		"  -i, --no-inherit   COMMAND's own process only, not the processes it\n"
		"                     starts (perf stat's option of the same name)\n"
		"  -n, --top N        list the N processes with the most fault time\n"
		"                     (default 10; 0: none)\n"
		"  -o, --output FILE  write the report (text or JSON) to FILE\n"
		"  -j, --json         print JSON\n"
		"      --pretty       print pretty JSON (implies --json)\n"
		"  -h, --help         print this help\n"
		"\n"
		"faultlat exits with COMMAND's exit status, 128+N if a signal N killed\n"
		"it, or as a shell does when it cannot run it: 127 if it is not found,\n"
		"126 otherwise. SIGINT and SIGTERM sent to faultlat are passed on to\n"
		"COMMAND (a ^C from the terminal reaches both already).\n"
		"\n"
		"The minor and major counts equal getrusage's when every process\n"
		"COMMAND started was reaped by its parent (or by one of the tree)\n"
		"before COMMAND exited; not so for a process still running, one\n"
		"reaped by init after its parent died, or when the module's task\n"
		"table was full (the report says so). The few faults between fork()\n"
		"and exec() are in both. With --no-inherit, the view counts\n"
		"COMMAND's own process only (the processes it starts are in\n"
		"getrusage's counts, not in it).\n"
		"\n"
		"EXAMPLES\n"
		"  faultlat run -- ls -l /\n"
		"  faultlat run -o lat.txt -- make -j2\n"
		"  faultlat run -n 3 -- sh -c 'sort big.txt | uniq -c > counts.txt'\n"
		"  faultlat run --no-inherit -- make -j2\n"
		"  faultlat run -j -- python3 -c 'bytearray(1 << 30)' | jq .stats.minor.p99_ns\n"
		"  faultlat run -j -o lat.json -- ./server; jq .tlb.flush.p99_ns lat.json\n");
}

/* the child to forward signals to, or 0; READ_ONCE/WRITE_ONCE only */
static pid_t child_pid;

static void forward_signal(int sig, siginfo_t *si, void *ctx)
{
	pid_t pid;

	(void)ctx;
	/*
	 * The terminal sends ^C to the whole foreground process group
	 * (si_code SI_KERNEL): the child has it already.  Pass on the
	 * signals sent to us alone, by kill(2).
	 */
	if (si && si->si_code == SI_KERNEL)
		return;
	pid = READ_ONCE(child_pid);
	if (pid > 0)
		kill(pid, sig);
}

/* "ls -l /", cut short if long */
static void join_args(char *buf, size_t len, char **args)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; args[i] && n + 1 < len; i++)
		n += snprintf(buf + n, len - n, "%s%s", i ? " " : "", args[i]);
	if (n >= len && len > 4)
		strcpy(buf + len - 4, "...");
}

struct run_result {
	pid_t pid;
	int exit_status;	/* what we exit with */
	int signal;		/* the signal that killed it, or 0 */
	bool dumped;
	__u64 elapsed_ns;
	int task_err;		/* 0, or -errno from FAULTLAT_IOC_TASK */
	struct faultlat_task task;
	int tlb_err;		/* 0, or -errno from FAULTLAT_IOC_TLB_TASK */
	struct faultlat_tlb_task tlb;
	struct faultlat_info before, after;
	/* the TLB probes' nmissed, known to CAP_PERFMON only */
	bool tlb_nmissed_known;
	__u64 tlb_nmissed_before, tlb_nmissed_after;
	struct rusage ru;
	/* the tree: followed unless --no-inherit */
	bool follow;
	int tree_err;		/* 0, or -errno from FAULTLAT_IOC_TREE */
	__u32 tree_id;
	struct faultlat_tree tree;
	struct faultlat_tree_entry *procs;	/* sorted by fault time */
	__u32 nr_procs;
	unsigned int top;	/* lines to print */
};

/* The tree's sums are shown: followed and read. */
static bool tree_shown(const struct run_result *r)
{
	return r->follow && !r->tree_err;
}

/*
 * The time by cause and the counts by path shown: the tree's (module 0.7
 * and later; an older one leaves them zero), or the process's.
 */
static struct fl_causes run_causes(const struct run_result *r)
{
	struct fl_causes c;

	if (tree_shown(r))
		fl_causes_get(&c, &r->tree.causes, &r->tree.causes_more);
	else
		fl_causes_get(&c, &r->task.causes, &r->task.causes_more);
	return c;
}

static const __u64 *run_paths(const struct run_result *r)
{
	return tree_shown(r) ? r->tree.paths : r->task.paths;
}

static int cmp_fault_time(const void *a, const void *b)
{
	const struct faultlat_tree_entry *x = a, *y = b;

	if (x->total_ns != y->total_ns)
		return x->total_ns < y->total_ns ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* p99 of one process's faults, minor and major together */
static __u64 proc_p99(const struct faultlat_tree_entry *e)
{
	static struct faultlat_hist h;

	memset(&h, 0, sizeof(h));
	h.count = e->minor + e->major;
	h.sum_ns = e->total_ns;
	h.min_ns = e->min_ns;
	h.max_ns = e->max_ns;
	memcpy(h.buckets, e->buckets, sizeof(h.buckets));
	return fl_percentile(&h, 9900);
}

static void print_tree(FILE *f, const struct run_result *r)
{
	const struct faultlat_tree *t = &r->tree;
	unsigned int i, n = r->top < r->nr_procs ? r->top : r->nr_procs;
	char total[32], p99[32], comm[FL_COMM_LEN + 1];

	fprintf(f,
		"processes: %u followed, %u still running, %u dropped (task table full), %u hidden (another user's)\n",
		t->members, t->live, t->dropped, t->hidden);
	if (!n)
		return;
	fprintf(f, "top %u by fault time:\n", n);
	fprintf(f, "%8s %-16s %10s %8s %12s %10s\n", "PID", "COMM", "MINOR",
		"MAJOR", "TOTAL", "P99");
	for (i = 0; i < n; i++) {
		const struct faultlat_tree_entry *e = &r->procs[i];

		fl_comm(e->comm, comm);
		fl_fmt_ns(total, sizeof(total), e->total_ns);
		fl_fmt_ns(p99, sizeof(p99), proc_p99(e));
		fprintf(f, "%8u %-16s %10llu %8llu %12s %10s\n", e->pid, comm,
			e->minor, e->major, total, p99);
	}
}

static struct json_object *json_tree(const struct run_result *r)
{
	const struct faultlat_tree *t = &r->tree;
	struct json_object *o = json_object_new_object();
	struct json_object *top = json_object_new_array();
	unsigned int i, n = r->top < r->nr_procs ? r->top : r->nr_procs;

	json_object_object_add(o, "followed", json_object_new_int64(t->members));
	json_object_object_add(o, "live", json_object_new_int64(t->live));
	json_object_object_add(o, "dropped", json_object_new_int64(t->dropped));
	json_object_object_add(o, "hidden", json_object_new_int64(t->hidden));
	for (i = 0; i < n; i++) {
		const struct faultlat_tree_entry *e = &r->procs[i];
		struct json_object *p = json_object_new_object();
		bool exited = e->flags & FAULTLAT_TASK_EXITED;

		json_object_object_add(p, "pid", json_object_new_int64(e->pid));
		json_object_object_add(p, "comm", fl_json_comm(e->comm));
		json_object_object_add(p, "exited",
				       json_object_new_boolean(exited));
		json_object_object_add(p, "minor", fl_json_u64(e->minor));
		json_object_object_add(p, "major", fl_json_u64(e->major));
		json_object_object_add(p, "total_ns", fl_json_u64(e->total_ns));
		json_object_object_add(p, "p99_ns", fl_json_u64(proc_p99(e)));
		json_object_object_add(p, "max_ns", fl_json_u64(e->max_ns));
		json_object_array_add(top, p);
	}
	json_object_object_add(o, "top", top);
	return o;
}

/* The TLB view is shown: measured, and read. */
static bool tlb_shown(const struct run_result *r)
{
	return !r->tlb_err && fl_tlb_measured(&r->after);
}

/* The TLB flushes shown: the tree's, or the process's. */
static const struct faultlat_tlb_stats *tlb_stats(const struct run_result *r)
{
	return tree_shown(r) ? &r->tree.tlb : &r->tlb.stats;
}

static void print_tlb(FILE *f, const struct run_result *r)
{
	if (r->tlb_err == -ENOTTY)
		fprintf(f,
			"TLB flushes: not measured (the module does not know FAULTLAT_IOC_TLB_TASK)\n");
	else if (!fl_tlb_measured(&r->after))
		fprintf(f,
			"TLB flushes: not measured (the module's TLB probes are not attached)\n");
	else if (r->tlb_err == -ESRCH)
		fprintf(f, "TLB flushes: no record of PID %d\n", r->pid);
	else if (r->tlb_err)
		fprintf(f, "TLB flushes: reading PID %d failed: %s\n", r->pid,
			strerror(-r->tlb_err));
	else
		fl_print_tlb_stats(f, tlb_stats(r));
}

/* Why the processes COMMAND started are not in the report. */
static void print_not_followed(FILE *f, const struct run_result *r)
{
	if (!r->follow || !r->tree_err)
		return;
	if (r->tree_err == -ENOTTY)
		fprintf(f,
			"processes: not followed, the module cannot (no FAULTLAT_IOC_TREE): COMMAND's own process only\n");
	else if (r->tree_err == -EBUSY)
		fprintf(f,
			"processes: not followed, another 'faultlat run' follows COMMAND already: COMMAND's own process only\n");
	else
		fprintf(f,
			"processes: not followed (%s): COMMAND's own process only\n",
			strerror(-r->tree_err));
}

static void print_text(FILE *f, char **args, const struct run_result *r)
{
	char cmd[256], el[32];
	const struct faultlat_stats *s = tree_shown(r) ? &r->tree.stats :
				       &r->task.stats;
	__u64 fallbacks = tree_shown(r) ? r->tree.fallbacks : r->task.fallbacks;
	struct fl_causes cz = run_causes(r);

	join_args(cmd, sizeof(cmd), args);
	fl_fmt_ns(el, sizeof(el), r->elapsed_ns);
	if (r->signal)
		fprintf(f,
			"faultlat: '%s' (pid %d) killed by signal %d (%s)%s after %s\n",
			cmd, r->pid, r->signal, strsignal(r->signal),
			r->dumped ? ", core dumped," : "", el);
	else
		fprintf(f,
			"faultlat: '%s' (pid %d) exited with status %d after %s\n",
			cmd, r->pid, r->exit_status, el);
	fputc('\n', f);

	if (tree_shown(r) || !r->task_err) {
		fl_print_stats(f, s, fallbacks, FL_CLASS_ALL);
		fl_print_paths(f, run_paths(r));
		fl_print_causes(f, &cz);
		fprintf(f,
			"\ngetrusage: minflt %ld majflt %ld (faultlat: minor %llu major %llu)\n",
			r->ru.ru_minflt, r->ru.ru_majflt, s->minor.count,
			s->major.count);
		if (tree_shown(r))
			print_tree(f, r);
		else
			print_not_followed(f, r);
	} else {
		if (r->task_err == -ESRCH)
			fprintf(f,
				"No faults recorded for PID %d (not tracked, or never faulted since load/reset)\n",
				r->pid);
		else
			fprintf(f,
				"No faults recorded: reading PID %d failed: %s\n",
				r->pid, strerror(-r->task_err));
		fprintf(f, "getrusage: minflt %ld majflt %ld\n",
			r->ru.ru_minflt, r->ru.ru_majflt);
		print_not_followed(f, r);
	}
	fputc('\n', f);
	print_tlb(f, r);
	fprintf(f,
		"nmissed %llu (+%llu during the run)  dropped %llu (+%llu during the run)",
		r->after.nmissed, fl_counter_delta(r->before.nmissed, r->after.nmissed),
		r->after.dropped, fl_counter_delta(r->before.dropped, r->after.dropped));
	if (r->tlb_nmissed_known)
		fprintf(f, "  tlb nmissed %llu (+%llu during the run)",
			r->tlb_nmissed_after,
			fl_counter_delta(r->tlb_nmissed_before, r->tlb_nmissed_after));
	fputc('\n', f);
}

static int print_json(FILE *f, char **args, const struct run_result *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *cmd = json_object_new_array();
	struct json_object *ru = json_object_new_object();
	struct fl_causes cz = run_causes(r);
	unsigned int told = fl_causes_told(r->after.version_major,
					   r->after.version_minor);
	int i;

	for (i = 0; args[i]; i++)
		json_object_array_add(cmd, json_object_new_string(args[i]));
	json_object_object_add(o, "command", cmd);
	json_object_object_add(o, "pid", json_object_new_int64(r->pid));
	json_object_object_add(o, "exit_status",
			       json_object_new_int(r->exit_status));
	json_object_object_add(o, "signal", r->signal ?
			       json_object_new_int(r->signal) : NULL);
	json_object_object_add(o, "elapsed_ns", fl_json_u64(r->elapsed_ns));
	json_object_object_add(o, "tracked",
			       json_object_new_boolean(!r->task_err ||
						       tree_shown(r)));
	json_object_object_add(o, "children",
			       json_object_new_boolean(tree_shown(r)));
	json_object_object_add(o, "comm", r->task_err ? NULL :
			       fl_json_comm(r->task.comm));
	json_object_object_add(ru, "minflt",
			       json_object_new_int64(r->ru.ru_minflt));
	json_object_object_add(ru, "majflt",
			       json_object_new_int64(r->ru.ru_majflt));
	json_object_object_add(o, "getrusage", ru);
	fl_json_add_losses(o, &r->before, &r->after);
	if (tree_shown(r))
		json_object_object_add(o, "stats",
				       fl_json_stats(&r->tree.stats,
						     r->tree.fallbacks,
						     FL_CLASS_ALL));
	else
		json_object_object_add(o, "stats", r->task_err ? NULL :
				       fl_json_stats(&r->task.stats,
						     r->task.fallbacks,
						     FL_CLASS_ALL));
	if ((tree_shown(r) || !r->task_err) && cz.faults)
		json_object_object_add(o, "causes",
				       fl_json_causes(&cz, told));
	if ((tree_shown(r) || !r->task_err) && fl_paths_sum(run_paths(r)))
		json_object_object_add(o, "paths",
				       fl_json_paths(run_paths(r)));
	json_object_object_add(o, "processes",
			       tree_shown(r) ? json_tree(r) : NULL);
	json_object_object_add(o, "tlb", !tlb_shown(r) ? NULL :
			       fl_json_tlb_stats(tlb_stats(r)));
	json_object_object_add(o, "tlb_nmissed", !r->tlb_nmissed_known ? NULL :
			       fl_json_u64(r->tlb_nmissed_after));
	json_object_object_add(o, "tlb_nmissed_delta",
			       !r->tlb_nmissed_known ? NULL :
			       fl_json_u64(fl_counter_delta(r->tlb_nmissed_before,
							    r->tlb_nmissed_after)));
	return fl_json_print(f, o);
}

/*
 * Ask the module to follow the child's tree; the child waits for it.
 * Without it (an older module, nested runs, no room), the report says
 * why and shows the child's own process only.
 */
static void follow_child(int fd, struct run_result *r)
{
	r->tree_err = fl_dev_tree_open(fd, r->pid, &r->tree_id);
}

/*
 * Fork and exec @args, the child's tree followed first (r->follow); wait
 * for the child to exit without reaping it.  Returns 0 with r->pid a
 * zombie, or the exit code for an exec failure (the child reaped), or -1
 * on a fork/pipe failure.
 */
static int spawn_and_wait(int fd, char **args, struct run_result *r)
{
	struct sigaction sa = { .sa_sigaction = forward_signal,
				.sa_flags = SA_SIGINFO | SA_RESTART };
	sigset_t block, old;
	siginfo_t si;
	int pfd[2], gfd[2], child_errno = 0;
	ssize_t n;
	pid_t pid;
	char c;

	if (pipe2(pfd, O_CLOEXEC)) {
		perror("faultlat: pipe");
		return -1;
	}
	/* the child waits for EOF on gfd[0]: its tree is followed then */
	if (pipe2(gfd, O_CLOEXEC)) {
		perror("faultlat: pipe");
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* no forwarding until child_pid is set */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);

	r->elapsed_ns = fl_clock_ns(CLOCK_MONOTONIC);
	pid = fork();
	if (pid < 0) {
		perror("faultlat: fork");
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(pfd[0]);
		close(pfd[1]);
		close(gfd[0]);
		close(gfd[1]);
		return -1;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(pfd[0]);
		close(gfd[1]);
		while (read(gfd[0], &c, 1) < 0 && errno == EINTR)
			;
		close(gfd[0]);
		execvp(args[0], args);
		child_errno = errno;
		if (write(pfd[1], &child_errno, sizeof(child_errno)) < 0)
			_exit(127);
		_exit(child_errno == ENOENT || child_errno == ENOTDIR ?
		      127 : 126);
	}
	WRITE_ONCE(child_pid, pid);
	r->pid = pid;
	close(gfd[0]);
	if (r->follow)
		follow_child(fd, r);
	close(gfd[1]);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(pfd[1]);

	/* EOF when exec succeeds (close-on-exec), else the child's errno */
	do {
		n = read(pfd[0], &child_errno, sizeof(child_errno));
	} while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n == sizeof(child_errno)) {
		fprintf(stderr, "faultlat: cannot run '%s': %s\n", args[0],
			strerror(child_errno));
		WRITE_ONCE(child_pid, 0);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return child_errno == ENOENT || child_errno == ENOTDIR ?
		       127 : 126;
	}

	memset(&si, 0, sizeof(si));
	while (waitid(P_PID, pid, &si, WEXITED | WNOWAIT) < 0) {
		if (errno != EINTR) {
			perror("faultlat: waitid");
			WRITE_ONCE(child_pid, 0);
			return -1;
		}
	}
	r->elapsed_ns = fl_clock_ns(CLOCK_MONOTONIC) - r->elapsed_ns;
	/* a zombie from now on: stop forwarding before it is reaped */
	WRITE_ONCE(child_pid, 0);

	if (si.si_code == CLD_EXITED) {
		r->exit_status = si.si_status;
	} else {
		r->signal = si.si_status;
		r->dumped = si.si_code == CLD_DUMPED;
		r->exit_status = 128 + si.si_status;
	}
	return 0;
}

/*
 * Open the device before anything runs, check it, and read what the
 * report compares with: the TLB probes' nmissed (privileged, and absent
 * from old modules).  Returns the fd, or -1 after printing why.
 */
static int open_before(struct run_result *r)
{
	static struct faultlat_tlb_global tg;
	int fd;

	fd = fl_dev_open_checked(&r->before);
	if (fd < 0)
		return -1;
	if (!fl_dev_tlb_global(fd, &tg, NULL, NULL)) {
		r->tlb_nmissed_known = true;
		r->tlb_nmissed_before = tg.nmissed;
	}
	return fd;
}

/* Read both views of the zombie r->pid, one right after the other. */
static void read_after(int fd, struct run_result *r)
{
	static struct faultlat_tlb_global tg;

	if (r->follow && !r->tree_err) {
		r->tree_err = fl_dev_tree_read(fd, r->tree_id, &r->tree,
					       &r->procs, &r->nr_procs);
		if (!r->tree_err)
			qsort(r->procs, r->nr_procs, sizeof(*r->procs),
			      cmp_fault_time);
		fl_dev_tree_close(fd, r->tree_id);
	}
	r->task_err = fl_dev_task(fd, r->pid, true, &r->task);
	r->tlb_err = fl_dev_tlb_task(fd, r->pid, true, &r->tlb);
	if (r->task_err && r->task_err != -ESRCH)
		fl_dev_error(fd, FL_OP_PROCESS, r->pid, r->task_err);
	if (r->tlb_err && r->tlb_err != -ESRCH && r->tlb_err != -ENOTTY &&
	    r->tlb_err != r->task_err)
		fl_dev_error(fd, FL_OP_TLB_PROCESS, r->pid, r->tlb_err);
	if (fl_dev_info(fd, &r->after))
		r->after = r->before;
	if (r->tlb_nmissed_known && !fl_dev_tlb_global(fd, &tg, NULL, NULL))
		r->tlb_nmissed_after = tg.nmissed;
	else
		r->tlb_nmissed_known = false;
}

/* Print the report to @output (NULL: stdout with -j, else stderr). */
static void print_report(const char *output, FILE *out, char **args,
			 const struct run_result *r)
{
	int err = 0;

	if (fl_opts.json)
		err = print_json(out, args, r);
	else
		print_text(out, args, r);
	if ((output && fclose(out)) || (!output && fflush(out)))
		err = -1;
	if (err)
		fprintf(stderr, "faultlat: writing the report failed\n");
}

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "no-inherit", no_argument, NULL, 'i' },
		{ "top", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	/* "+": the first non-option is COMMAND; its options are its own */
	static const struct fl_optspec spec = {
		.name = "run", .shortopts = "+o:in:", .longopts = longopts,
		.help = cmd_run_help, .json = true, .operands = true,
	};
	static struct run_result r;
	const char *output = NULL;
	FILE *out;
	char **args;
	int opt, fd, rc;

	r.follow = true;
	r.top = 10;
	while ((opt = fl_getopt(argc, argv, &spec, &rc)) != -1) {
		switch (opt) {
		case 'o':
			output = optarg;
			break;
		case 'i':
			r.follow = false;
			break;
		case 'n':
			if (!strcmp(optarg, "0")) {
				r.top = 0;
			} else {
				__u64 v;

				if (fl_parse_count("run", "--top", optarg,
						   100000, &v))
					return fl_usage_error("run");
				r.top = v;
			}
			break;
		default:		/* FL_OPT_EXIT */
			return rc;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "faultlat run: no command given\n");
		return fl_usage_error("run");
	}
	args = &argv[optind];

	/* fail before running anything if faultlat cannot work */
	fd = open_before(&r);
	if (fd < 0)
		return FL_EXIT_ERR;
	out = fl_opts.json ? stdout : stderr;
	if (output) {
		out = fopen(output, "we");
		if (!out) {
			fprintf(stderr, "faultlat: cannot open %s: %s\n",
				output, strerror(errno));
			close(fd);
			return FL_EXIT_ERR;
		}
	}
	fflush(stdout);
	fflush(stderr);

	rc = spawn_and_wait(fd, args, &r);
	if (rc) {
		close(fd);
		if (output)
			fclose(out);
		return rc < 0 ? FL_EXIT_ERR : rc;
	}
	read_after(fd, &r);
	close(fd);

	while (waitpid(r.pid, NULL, 0) < 0 && errno == EINTR)
		;
	getrusage(RUSAGE_CHILDREN, &r.ru);
	print_report(output, out, args, &r);
	free(r.procs);
	return r.exit_status;
}
