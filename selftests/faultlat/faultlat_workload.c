// SPDX-License-Identifier: GPL-2.0
/*
 * The workload client_test runs under `faultlat run`: write once to each
 * of PAGES anonymous pages, write its own getrusage() fault counts to
 * REPORT, exit with STATUS.  Nothing after the getrusage() call faults
 * (the buffers are pre-faulted, the exit path touches nothing new), so the
 * report holds the process's final counts.
 *
 *   faultlat_workload PAGES STATUS REPORT
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faultlat_util.h"

int main(int argc, char **argv)
{
	char buf[128];
	struct fl_ru ru;
	size_t pages;
	void *mem;
	int status, fd, n;

	if (argc != 4) {
		fprintf(stderr, "usage: %s PAGES STATUS REPORT\n", argv[0]);
		return 2;
	}
	pages = strtoul(argv[1], NULL, 0);
	status = atoi(argv[2]);
	fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(argv[3]);
		return 2;
	}
	mem = fl_map_anon(pages);
	if (!mem) {
		perror("mmap");
		return 2;
	}
	fl_prefault(buf, sizeof(buf));
	fl_prefault(&ru, sizeof(ru));
	fl_prefault_stack();
	/* snprintf() once before: whatever it sets up on first use */
	snprintf(buf, sizeof(buf), "minflt %llu majflt %llu\n", 0ULL, 0ULL);

	fl_touch_write(mem, pages);
	if (fl_getrusage(RUSAGE_SELF, &ru))
		_exit(2);
	n = snprintf(buf, sizeof(buf), "minflt %llu majflt %llu\n",
		     (unsigned long long)ru.minflt,
		     (unsigned long long)ru.majflt);
	if (write(fd, buf, n) != n)
		_exit(2);
	close(fd);
	_exit(status);
}
