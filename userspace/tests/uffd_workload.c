// SPDX-License-Identifier: GPL-2.0
/*
 * The workload of guest_test.sh's checks of the time by cause (module
 * parameter causes): faults whose cause is known, a userfaultfd handler's
 * time.  Built with frame pointers, so that report names the function.
 *
 *   uffd_workload PAGES DELAY_MS
 *
 * Maps PAGES anonymous pages, registers them with a userfaultfd
 * (UFFDIO_REGISTER_MODE_MISSING) served by a thread of the selftests'
 * fl_uffd_serve(), which sleeps DELAY_MS before it fills each page, and
 * reads one byte of each page in wait_uffd(): each read is one fault,
 * blocked on the handler for at least DELAY_MS.  Prints, as JSON, its
 * pid, the area, when it was mapped (CLOCK_MONOTONIC: faults at its
 * addresses before then were another mapping's, such as the dynamic
 * loader's ld.so.cache, which it unmaps and mmap() may reuse), the delay
 * and what each read took.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "faultlat_util.h"

#define MAX_PAGES	64

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Read a byte of each page, timing each read; the sum, kept (an atomic
 * load: the compiler keeps each read).  Not inlined (-fno-inline).
 */
int wait_uffd(const char *p, long pages, size_t ps, __u64 *took)
{
	int sum = 0;
	long i;
	__u64 t;

	for (i = 0; i < pages; i++) {
		t = now_ns();
		sum += __atomic_load_n(p + i * ps, __ATOMIC_RELAXED);
		took[i] = now_ns() - t;
	}
	return sum;
}

int main(int argc, char **argv)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct fl_uffd_server u = { .ps = getpagesize() };
	__u64 took[MAX_PAGES], mapped;
	struct uffdio_register reg;
	pthread_t th;
	char *area;
	long i;
	int sum;

	if (argc != 3 || atoi(argv[1]) < 1 || atoi(argv[1]) > MAX_PAGES) {
		fprintf(stderr, "usage: %s PAGES(1-%d) DELAY_MS\n", argv[0],
			MAX_PAGES);
		return 2;
	}
	u.pages = atoi(argv[1]);
	u.delay_us = atoi(argv[2]) * 1000U;
	u.uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (u.uffd < 0 || ioctl(u.uffd, UFFDIO_API, &api)) {
		perror("userfaultfd");
		return 1;
	}
	area = mmap(NULL, u.pages * u.ps, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	mapped = now_ns();
	reg.range.start = (unsigned long)area;
	reg.range.len = u.pages * u.ps;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(u.uffd, UFFDIO_REGISTER, &reg) ||
	    pthread_create(&th, NULL, fl_uffd_serve, &u)) {
		perror("UFFDIO_REGISTER");
		return 1;
	}
	sum = wait_uffd(area, u.pages, u.ps, took);
	pthread_join(th, NULL);
	printf("{\"pid\": %d, \"start\": %lu, \"pages\": %d, ", getpid(),
	       (unsigned long)area, u.pages);
	printf("\"mapped_ns\": %llu, ", (unsigned long long)mapped);
	printf("\"page_size\": %zu, \"delay_ns\": %llu, \"served\": %d, ",
	       u.ps, u.delay_us * 1000ULL, u.served);
	printf("\"sum\": %d, \"took_ns\": [", sum);
	for (i = 0; i < u.pages; i++)
		printf("%s%llu", i ? ", " : "", (unsigned long long)took[i]);
	printf("]}\n");
	return u.served == u.pages ? 0 : 1;
}
