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
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
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

int main(int argc, char **argv)
{
	struct rusage r0, r1, r2, r3;
	long anon, filep, i;
	char *a, *f, page[4096];
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: %s FILE ANON_PAGES FILE_PAGES\n", argv[0]);
		return 2;
	}
	anon = atol(argv[2]);
	filep = atol(argv[3]);
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
	printf("{");

	getrusage(RUSAGE_SELF, &r0);
	fault_in_main_a(a, anon);
	getrusage(RUSAGE_SELF, &r1);
	getrusage(RUSAGE_SELF, &r2);
	fault_in_lib_b(f, filep);
	getrusage(RUSAGE_SELF, &r3);

	delta("fault_in_main_a", &r0, &r1, ", ");
	delta("fault_in_lib_b", &r2, &r3, ", ");
	printf("\"pid\": %d}\n", (int)getpid());
	return 0;
}
