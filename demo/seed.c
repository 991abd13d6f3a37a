// SPDX-License-Identifier: GPL-2.0
/*
 * The experiments of the seed article (overcommit-and-page-faults.txt),
 * each phase shown as getrusage() counts it and as faultlat measures it.
 *
 *   seed touch [PAGES]   posix_memalign() PAGES pages, then write each once
 *   seed mlock [PAGES]   the same after mlockall(MCL_CURRENT | MCL_FUTURE)
 *   seed thp [PAGES]     one mapping touched with 4 KiB pages
 *                        (MADV_NOHUGEPAGE), then with MADV_HUGEPAGE
 *   seed file PATH       mmap() PATH and read it page by page
 *                        (MADV_RANDOM: no readahead); evict it first
 *
 * Every phase runs in a thread of its own and reads that thread's faultlat
 * record (FAULTLAT_IOC_TASK) and getrusage(RUSAGE_THREAD) around it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../userspace/dev.h"
#include "../userspace/hist.h"

#define DEFAULT_PAGES	1048576UL
#define HPAGE		(2UL << 20)

static int fd;
static long page_size;
static struct rusage ru0;
static struct timespec t0;
static struct faultlat_task before, after;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* This thread's record, or zeros if it has none yet. */
static void snapshot(struct faultlat_task *t)
{
	int err = fl_dev_task(fd, gettid(), false, t);

	if (err == -ESRCH)
		memset(&t->stats, 0, sizeof(t->stats));
	else if (err) {
		fl_dev_error(fd, FL_OP_THREAD, gettid(), err);
		exit(1);
	}
}

static void phase_begin(void)
{
	snapshot(&before);
	getrusage(RUSAGE_THREAD, &ru0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
}

static void phase_end(const char *name)
{
	struct faultlat_stats *st = &after.stats;
	struct timespec t1;
	struct rusage ru1;
	long long us;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_THREAD, &ru1);
	snapshot(&after);
	us = (t1.tv_sec - t0.tv_sec) * 1000000LL +
	     (t1.tv_nsec - t0.tv_nsec) / 1000;
	printf("\n== %s: %lld us\n", name, us);
	printf("   getrusage: minflt %ld majflt %ld\n",
	       ru1.ru_minflt - ru0.ru_minflt, ru1.ru_majflt - ru0.ru_majflt);
	printf("   faultlat:  minor  %llu major %llu (of which raised without regs, e.g. by mlock's populate: %llu)\n",
	       (unsigned long long)(st->minor.count - before.stats.minor.count),
	       (unsigned long long)(st->major.count - before.stats.major.count),
	       (unsigned long long)(st->no_regs[FAULTLAT_MINOR] +
				    st->no_regs[FAULTLAT_MAJOR] -
				    before.stats.no_regs[FAULTLAT_MINOR] -
				    before.stats.no_regs[FAULTLAT_MAJOR]));
	if (before.stats.calls)
		printf("   (the histograms include this thread's %llu faults before the phase)\n",
		       (unsigned long long)before.stats.calls);
	fl_print_stats(stdout, st, FL_CLASS_ALL);
	fflush(stdout);
}

/**
 * struct phase - one measured phase, run in a thread of its own
 * @name: what it does
 * @fn: does it
 * @arg: for @fn
 *
 * A fresh thread has a fresh faultlat record, so its histograms are the
 * phase's own.  Its stack is allocated and touched beforehand, so that the
 * thread takes no fault of its own before the phase starts.
 */
struct phase {
	const char *name;
	void (*fn)(void *arg);
	void *arg;
};

static void *phase_thread(void *p)
{
	struct phase *ph = p;

	phase_begin();
	ph->fn(ph->arg);
	phase_end(ph->name);
	return NULL;
}

static void run_phase(const char *name, void (*fn)(void *arg), void *arg)
{
	struct phase ph = { .name = name, .fn = fn, .arg = arg };
	size_t size = 1UL << 20;
	pthread_attr_t attr;
	pthread_t t;
	void *stack;

	stack = mmap(NULL, size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stack == MAP_FAILED)
		die("mmap");
	memset(stack, 0, size);
	pthread_attr_init(&attr);
	pthread_attr_setstack(&attr, stack, size);
	if (pthread_create(&t, &attr, phase_thread, &ph))
		die("pthread_create");
	pthread_join(t, NULL);
	munmap(stack, size);
}

/**
 * struct work - what a phase works on
 * @pages: number of pages
 * @pg: the pages of the posix_memalign() experiments
 * @mem: a mapping
 * @len: its length
 */
struct work {
	unsigned long pages;
	unsigned char **pg;
	unsigned char *mem;
	size_t len;
};

static void alloc_untouched(void *arg)
{
	struct work *w = arg;
	unsigned long i;

	for (i = 0; i < w->pages; i++)
		if (posix_memalign((void **)&w->pg[i], page_size, page_size))
			die("posix_memalign");
}

static void touch_pages(void *arg)
{
	struct work *w = arg;
	unsigned long i;

	for (i = 0; i < w->pages; i++)
		w->pg[i][page_size / 2] = 0xff;
}

static void touch_mapping(void *arg)
{
	struct work *w = arg;
	size_t off;

	for (off = 0; off < w->len; off += page_size)
		w->mem[off] = 0xff;
}

static void read_mapping(void *arg)
{
	volatile unsigned char sink;
	struct work *w = arg;
	size_t off;

	for (off = 0; off < w->len; off += page_size)
		sink = w->mem[off];
	(void)sink;
}

static void exp_touch(unsigned long pages, bool lock)
{
	struct work w = { .pages = pages };

	printf("Using %lu pages of %ld bytes%s\n", pages, page_size,
	       lock ? ", mlockall(MCL_CURRENT | MCL_FUTURE)" : "");
	if (lock && mlockall(MCL_CURRENT | MCL_FUTURE))
		die("mlockall");
	w.pg = calloc(pages, sizeof(*w.pg));
	if (!w.pg)
		die("calloc");
	memset(w.pg, 0, pages * sizeof(*w.pg));
	run_phase("allocate (posix_memalign)", alloc_untouched, &w);
	run_phase("touch one byte per page", touch_pages, &w);
}

static void exp_thp(unsigned long pages)
{
	struct work w = { .len = pages * page_size };
	unsigned char *raw;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		raw = mmap(NULL, w.len + HPAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (raw == MAP_FAILED)
			die("mmap");
		w.mem = (unsigned char *)(((unsigned long)raw + HPAGE - 1) &
					  ~(HPAGE - 1));
		if (madvise(w.mem, w.len, pass ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
			die("madvise");
		run_phase(pass ? "touch with MADV_HUGEPAGE (2 MiB pages)" :
				 "touch with MADV_NOHUGEPAGE (4 KiB pages)",
			  touch_mapping, &w);
		munmap(raw, w.len + HPAGE);
	}
}

static void exp_file(const char *path)
{
	struct work w = {};
	struct stat st;
	int f;

	f = open(path, O_RDONLY);
	if (f < 0 || fstat(f, &st))
		die(path);
	w.len = st.st_size;
	w.mem = mmap(NULL, w.len, PROT_READ, MAP_SHARED, f, 0);
	if (w.mem == MAP_FAILED)
		die("mmap");
	if (madvise(w.mem, w.len, MADV_RANDOM))
		die("madvise");
	printf("Reading %s, %zu pages, not in the page cache\n", path,
	       w.len / page_size);
	run_phase("read one byte per page of a file-backed mapping",
		  read_mapping, &w);
	munmap(w.mem, w.len);
	close(f);
}

int main(int argc, char **argv)
{
	unsigned long pages = DEFAULT_PAGES;
	const char *what = argc > 1 ? argv[1] : "";

	if (argc < 2 || !strcmp(what, "-h") || !strcmp(what, "--help")) {
		fprintf(stderr, "usage: seed touch|mlock|thp [PAGES] | seed file PATH\n");
		return argc < 2 ? 2 : 0;
	}
	if (argc > 2 && strcmp(what, "file"))
		pages = strtoul(argv[2], NULL, 0);
	page_size = sysconf(_SC_PAGESIZE);
	fd = fl_dev_open();
	if (fd < 0)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));

	if (!strcmp(what, "touch"))
		exp_touch(pages, false);
	else if (!strcmp(what, "mlock"))
		exp_touch(pages, true);
	else if (!strcmp(what, "thp"))
		exp_thp(pages);
	else if (!strcmp(what, "file") && argc > 2)
		exp_file(argv[2]);
	else {
		fprintf(stderr, "seed: unknown experiment '%s'\n", what);
		return 2;
	}
	return 0;
}
