// SPDX-License-Identifier: GPL-2.0
/*
 * The workload of guest_test.sh's stack checks (faultlat record and
 * report): faults in known functions, one in this program and one in a
 * shared library (stack_lib.c), each counted by getrusage() around its
 * call.  Built with frame pointers and -fno-inline (no function of either
 * is inlined: each is noinline), so that the user stacks the kernel walks
 * name them.
 *
 *   stack_workload FILE ANON_PAGES FILE_PAGES
 *
 * fault_in_main_a() writes one byte into each of ANON_PAGES fresh
 * anonymous pages; fault_in_lib_b() one into each of FILE_PAGES pages of
 * FILE, mapped shared (FILE is made, and left in the page cache: minor
 * faults, one per page, no fault-around for writes).  Prints, as JSON,
 * getrusage's minflt and majflt deltas around each call.
 *
 *   stack_workload FILE ANON_PAGES FILE_PAGES CHILDREN
 *
 * then forks CHILDREN processes, each of which execs this program again
 * as "stack_workload -c FILE ANON_PAGES FILE_PAGES": fault_in_child_c()
 * writes into ANON_PAGES fresh anonymous pages of its own,
 * fault_in_lib_b() into the FILE_PAGES pages of FILE (again: the child
 * maps it itself).  Each child prints a line of its own, then the parent
 * (after it reaped them all): the deltas, "pid", and "self", what
 * getrusage(RUSAGE_SELF) counted in the whole process (from its fork),
 * read once every page it has is locked (mlockall()), so that nothing
 * faults after it; the parent's line also has "children",
 * getrusage(RUSAGE_CHILDREN).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <stdbool.h>
#include <stdnoreturn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stack_lib.h"

void fault_in_main_a(char *p, long pages)
{
	long i;

	/*
	 * i in memory: gcc gives a leaf function that needs no stack no
	 * frame, -fno-omit-frame-pointer or not, and the kernel's stack
	 * walk would then skip its caller
	 */
	for (i = 0; i < pages; i++) {
		p[i * 4096] = 1;
		fl_keep(&i);
	}
}

/* the children's: the same as fault_in_main_a(), by another name */
void fault_in_child_c(char *p, long pages)
{
	long i;

	for (i = 0; i < pages; i++) {
		p[i * 4096] = 3;
		fl_keep(&i);
	}
}

/* the stack this program uses, faulted in before anything is measured */
static void touch_stack(void)
{
	char buf[64 * 1024];

	memset(buf, 0, sizeof(buf));
	fl_keep(buf);
}

static void delta(const char *name, const struct rusage *a,
		  const struct rusage *b, const char *sep)
{
	printf("\"%s\": {\"minflt\": %ld, \"majflt\": %ld}%s", name,
	       b->ru_minflt - a->ru_minflt, b->ru_majflt - a->ru_majflt, sep);
}

/*
 * The line of a process that forked children, or of one: its deltas, then
 * its whole count, read with every page locked, then written with write()
 * (nothing faults after getrusage()), and _exit().
 */
static noreturn void
report_locked(const char *fa, const struct rusage *a0,
	      const struct rusage *a1, const struct rusage *b0,
	      const struct rusage *b1, bool parent)
{
	struct rusage self, ch;
	char line[512];
	int n;

	if (mlockall(MCL_CURRENT)) {
		perror("mlockall");
		_exit(1);
	}
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &ch);
	n = snprintf(line, sizeof(line), "{\"%s\": {\"minflt\": %ld, \"majflt\": %ld}, ",
		     fa, a1->ru_minflt - a0->ru_minflt,
		     a1->ru_majflt - a0->ru_majflt);
	n += snprintf(line + n, sizeof(line) - n,
		      "\"fault_in_lib_b\": {\"minflt\": %ld, \"majflt\": %ld}, ",
		      b1->ru_minflt - b0->ru_minflt,
		      b1->ru_majflt - b0->ru_majflt);
	n += snprintf(line + n, sizeof(line) - n,
		      "\"pid\": %d, \"self\": {\"minflt\": %ld, \"majflt\": %ld}",
		      (int)getpid(), self.ru_minflt, self.ru_majflt);
	if (parent)
		n += snprintf(line + n, sizeof(line) - n,
			      ", \"children\": {\"minflt\": %ld, \"majflt\": %ld}",
			      ch.ru_minflt, ch.ru_majflt);
	n += snprintf(line + n, sizeof(line) - n, "}\n");
	if (write(1, line, n) != n)
		_exit(1);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct rusage r0, r1, r2, r3;
	long anon, filep, i, children = -1;
	char *a, *f, page[4096];
	bool child = false;
	int fd;

	if (argc == 5 && !strcmp(argv[1], "-c")) {
		child = true;
		argv++;
		argc--;
	} else if (argc == 5) {
		children = atol(argv[4]);
		argc--;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: %s [-c] FILE ANON_PAGES FILE_PAGES [CHILDREN]\n",
			argv[0]);
		return 2;
	}
	anon = atol(argv[2]);
	filep = atol(argv[3]);
	if (child) {
		fd = open(argv[1], O_RDWR);
		a = mmap(NULL, anon * 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		f = mmap(NULL, filep * 4096, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0);
		if (fd < 0 || a == MAP_FAILED || f == MAP_FAILED) {
			perror(argv[1]);
			return 1;
		}
		touch_stack();
		fault_in_child_c(a, 0);
		fault_in_lib_b(f, 0);
		getrusage(RUSAGE_SELF, &r0);
		fault_in_child_c(a, anon);
		getrusage(RUSAGE_SELF, &r1);
		getrusage(RUSAGE_SELF, &r2);
		fault_in_lib_b(f, filep);
		getrusage(RUSAGE_SELF, &r3);
		report_locked("fault_in_child_c", &r0, &r1, &r2, &r3, false);
	}
	fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	memset(page, 'x', sizeof(page));
	for (i = 0; i < filep; i++)
		if (write(fd, page, sizeof(page)) != sizeof(page)) {
			perror("write");
			return 1;
		}
	a = mmap(NULL, anon * 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	f = mmap(NULL, filep * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (a == MAP_FAILED || f == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	/* their code, the PLT and the stack, faulted in beforehand */
	touch_stack();
	fault_in_main_a(a, 0);
	fault_in_lib_b(f, 0);
	setvbuf(stdout, NULL, _IOFBF, 4096);
	if (children < 0)
		printf("{");

	getrusage(RUSAGE_SELF, &r0);
	fault_in_main_a(a, anon);
	getrusage(RUSAGE_SELF, &r1);
	getrusage(RUSAGE_SELF, &r2);
	fault_in_lib_b(f, filep);
	getrusage(RUSAGE_SELF, &r3);

	if (children >= 0) {
		char copt[] = "-c", *args[6];

		/* stack_workload -c FILE ANON_PAGES FILE_PAGES */
		args[0] = argv[0];
		args[1] = copt;
		memcpy(args + 2, argv + 1, 3 * sizeof(*args));
		args[5] = NULL;
		for (i = 0; i < children; i++) {
			pid_t pid = fork();

			if (pid < 0) {
				perror("fork");
				return 1;
			}
			if (!pid) {
				execv("/proc/self/exe", args);
				perror("exec");
				_exit(127);
			}
		}
		while (wait(NULL) > 0)
			;
		report_locked("fault_in_main_a", &r0, &r1, &r2, &r3, true);
	}

	delta("fault_in_main_a", &r0, &r1, ", ");
	delta("fault_in_lib_b", &r2, &r3, ", ");
	printf("\"pid\": %d}\n", (int)getpid());
	return 0;
}
