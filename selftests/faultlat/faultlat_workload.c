// SPDX-License-Identifier: GPL-2.0
/*
 * Workloads that the selftests run as a process of their own.
 *
 *   faultlat_workload PAGES STATUS REPORT
 *
 * client_test's and tree_test's, under `faultlat run`: write once to
 * each of PAGES anonymous pages, write its own getrusage() fault counts
 * and its pid to REPORT ("minflt N majflt N pid N"), exit with STATUS.
 * Nothing after the getrusage() call faults (the buffers are pre-faulted,
 * the code is mapped by mlockall(MCL_CURRENT), which needs root or
 * RLIMIT_MEMLOCK, the exit path touches nothing new), so the report holds
 * the process's final counts.
 *
 *   faultlat_workload tlb LOOPERS SPINNERS ROUNDS REPORT
 *
 * tlb_test's TLB flushes: LOOPERS threads each run ROUNDS rounds (0: until
 * killed) of mmap, one write per page, mprotect(PROT_READ),
 * madvise(MADV_DONTNEED) of the first half and munmap, on 8 pages and on 64
 * (more than tlb_single_page_flush_ceiling) in turn.  Every munmap finds
 * pages still mapped, so it flushes.  SPINNERS more threads only spin, with
 * the mm loaded and not lazy on their CPUs, until the loopers are done:
 * every flush then sends an IPI.  With more than one thread, thread i is
 * pinned to CPU i (modulo the CPUs online); a single thread stays where
 * its parent put it.  Writes "munmaps N" (all loopers) to REPORT, or
 * nothing if REPORT is "-"; exits 0, or 2 on an error.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "faultlat_util.h"

#define TLB_SMALL	8
#define TLB_LARGE	64
#define TLB_MAX_THREADS	64

static int fault_workload(int argc, char **argv)
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
	if (fl_no_thp()) {
		perror("PR_SET_THP_DISABLE");
		return 2;
	}
	fl_prefault(buf, sizeof(buf));
	fl_prefault(&ru, sizeof(ru));
	fl_prefault_stack();
	/* snprintf() once before: whatever it sets up on first use */
	snprintf(buf, sizeof(buf), "minflt %llu majflt %llu pid %d\n", 0ULL,
		 0ULL, 0);
	/*
	 * Map every page mapped so far, libc's code included: the first
	 * call of write(), close() or _exit() would fault on its code.
	 */
	if (mlockall(MCL_CURRENT)) {
		perror("mlockall");
		return 2;
	}
	mem = fl_map_anon(pages);
	if (!mem) {
		perror("mmap");
		return 2;
	}

	fl_touch_write(mem, pages);
	if (fl_getrusage(RUSAGE_SELF, &ru))
		_exit(2);
	n = snprintf(buf, sizeof(buf), "minflt %llu majflt %llu pid %d\n",
		     (unsigned long long)ru.minflt,
		     (unsigned long long)ru.majflt, (int)getpid());
	if (write(fd, buf, n) != n)
		_exit(2);
	close(fd);
	_exit(status);
}

/**
 * struct tlb_thread - one thread of the TLB workload
 * @th: the thread
 * @cpu: its CPU, or -1 to stay where it is
 * @loop: a looper (else a spinner)
 * @munmaps: munmap calls that unmapped present pages
 * @err: 0, or the step that failed
 */
struct tlb_thread {
	pthread_t th;
	int cpu;
	bool loop;
	unsigned long munmaps;
	int err;
};

static unsigned long tlb_rounds;
static pthread_barrier_t tlb_start;
static int tlb_loopers_left;

static int tlb_round(size_t pages)
{
	size_t len = pages * fl_page_size();
	char *p = fl_map_anon(pages);

	if (!p)
		return -1;
	fl_touch_write(p, pages);
	if (mprotect(p, len, PROT_READ))
		return -1;
	if (madvise(p, len / 2, MADV_DONTNEED))
		return -1;
	/* the second half is still mapped */
	return munmap(p, len);
}

static void *tlb_thread_fn(void *arg)
{
	struct tlb_thread *t = arg;
	char mine[64];
	unsigned long i = 0;

	if (t->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(t->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			t->err = 1;
			/* the others still wait for us at the barrier */
		}
	}
	pthread_barrier_wait(&tlb_start);
	if (t->err)
		goto out;
	if (!t->loop) {
		/* user mode only: this CPU keeps the mm loaded, not lazy */
		while (__atomic_load_n(&tlb_loopers_left, __ATOMIC_RELAXED)) {
			mine[i++ % sizeof(mine)]++;
			__asm__ __volatile__("" : : "r"(mine) : "memory");
		}
		return NULL;
	}
	for (; !tlb_rounds || i < tlb_rounds; i++) {
		if (tlb_round(i & 1 ? TLB_LARGE : TLB_SMALL)) {
			t->err = 2;
			break;
		}
		t->munmaps++;
	}
out:
	if (t->loop)
		__atomic_sub_fetch(&tlb_loopers_left, 1, __ATOMIC_RELAXED);
	return NULL;
}

static int tlb_workload(int argc, char **argv)
{
	static struct tlb_thread t[TLB_MAX_THREADS];
	int loopers, spinners, n, i, ncpus, fd, len;
	unsigned long munmaps = 0;
	char buf[64];

	if (argc != 6) {
		fprintf(stderr,
			"usage: %s tlb LOOPERS SPINNERS ROUNDS REPORT\n",
			argv[0]);
		return 2;
	}
	loopers = atoi(argv[2]);
	spinners = atoi(argv[3]);
	tlb_rounds = strtoul(argv[4], NULL, 0);
	n = loopers + spinners;
	if (loopers < 1 || spinners < 0 || n > TLB_MAX_THREADS) {
		fprintf(stderr, "%s: 1 to %d threads, one looper at least\n",
			argv[0], TLB_MAX_THREADS);
		return 2;
	}
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpus < 1)
		ncpus = 1;
	/* no khugepaged collapse in our mappings */
	if (fl_no_thp()) {
		perror("PR_SET_THP_DISABLE");
		return 2;
	}
	tlb_loopers_left = loopers;
	if (pthread_barrier_init(&tlb_start, NULL, n))
		return 2;
	for (i = 0; i < n; i++) {
		t[i].cpu = n > 1 ? i % ncpus : -1;
		t[i].loop = i < loopers;
	}
	/* thread 0 is this one */
	for (i = 1; i < n; i++)
		if (pthread_create(&t[i].th, NULL, tlb_thread_fn, &t[i])) {
			perror("pthread_create");
			_exit(2);
		}
	tlb_thread_fn(&t[0]);
	for (i = 1; i < n; i++)
		pthread_join(t[i].th, NULL);
	for (i = 0; i < n; i++) {
		if (t[i].err) {
			fprintf(stderr, "%s: thread %d failed at step %d\n",
				argv[0], i, t[i].err);
			return 2;
		}
		munmaps += t[i].munmaps;
	}
	if (!strcmp(argv[5], "-"))
		return 0;
	fd = open(argv[5], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(argv[5]);
		return 2;
	}
	len = snprintf(buf, sizeof(buf), "munmaps %lu\n", munmaps);
	if (write(fd, buf, len) != len) {
		perror(argv[5]);
		return 2;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "tlb"))
		return tlb_workload(argc, argv);
	return fault_workload(argc, argv);
}
