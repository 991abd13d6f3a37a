// SPDX-License-Identifier: GPL-2.0
/*
 * faultbench: the overhead benchmark's workloads (make bench).
 *
 *   faultbench touch PAGES [IDLE|fill]
 *	Map PAGES fresh anonymous 4 KiB pages (MADV_NOHUGEPAGE) and write
 *	one byte to each: one minor fault per page.  IDLE threads are
 *	started first, each faulting once on a page of its own (so that a
 *	per-task tracer holds a record for it) and then blocking; "fill"
 *	starts as many as faultlat's table has free records.
 *   faultbench pair PAGES
 *	Two processes, started together, each doing the same as touch; the
 *	window runs from the first start to the last end.
 *   faultbench file PATH
 *	Drop PATH from the page cache, map it with MADV_RANDOM (no
 *	readahead) and read one byte per page: one major fault per page.
 *   faultbench mprotect ITERS
 *	TLB flushes without page faults: one anonymous page, written once,
 *	then ITERS times mprotect() it read-only (a write permission taken
 *	away: one flush_tlb_mm_range() of one page) and read-write again
 *	(given back: no flush), then write it (no fault: 6.1 makes an
 *	exclusive anonymous page writable again at once).
 *   faultbench munmap ITERS
 *	ITERS times: map one anonymous page, write it (one minor fault) and
 *	unmap it (one flush_tlb_mm_range()).
 *   faultbench switch ITERS
 *	Two threads hand a byte back and forth over two pipes ITERS times:
 *	on one CPU, two voluntary task switches per iteration, no fault.
 *	What a sched_switch probe costs (faultlat's, in direct mode).
 *   faultbench churn THREADS WAVE
 *	Thread churn: THREADS short-lived threads, WAVE of them alive at
 *	once (started together, joined together), each writing one byte to
 *	each of CHURN_PAGES fresh pages of its own: every thread is a new
 *	record in faultlat's table, made at its first fault, folded at its
 *	exit.  pages= is CHURN_PAGES per thread; minflt and majflt are the
 *	process's (getrusage(RUSAGE_SELF): the threads' faults), at least
 *	one per page; ns= divided by threads= is the cost of a thread's life.
 *
 * Each prints one line of key=value pairs: pages (for mprotect, munmap
 * and switch: the iterations), ns (CLOCK_MONOTONIC around the loop
 * only), minflt and majflt (getrusage of the thread that ran the loop, the same window), and
 * for touch the records faultlat used and had (tasks_used, tasks_max; 0
 * when it is not loaded).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/types.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE		4096UL
#define SUMMARY		"/sys/kernel/debug/faultlat/summary"

struct result {
	unsigned long pages;
	__u64 start_ns;
	__u64 end_ns;
	long minflt;
	long majflt;
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "faultbench: ");
	vfprintf(stderr, fmt, ap);
	if (errno)
		fprintf(stderr, ": %s", strerror(errno));
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void thread_faults(long *minflt, long *majflt)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	*minflt = ru.ru_minflt;
	*majflt = ru.ru_majflt;
}

/*
 * The timed part: nothing but the writes (or reads) between the two clock
 * reads, and the clock and getrusage paths were taken once before, so that
 * the only faults in the window are the workload's.
 */
static void run_loop(char *p, unsigned long pages, bool write,
		     struct result *res)
{
	long min0, maj0, min1, maj1;
	unsigned long i;
	__u64 t0, t1;
	char sum = 0;

	thread_faults(&min0, &maj0);
	now_ns();
	thread_faults(&min0, &maj0);
	t0 = now_ns();
	if (write) {
		for (i = 0; i < pages; i++)
			p[i * PAGE] = 1;
	} else {
		for (i = 0; i < pages; i++)
			sum += p[i * PAGE];
		/* The reads must happen: their sum is used. */
		asm volatile("" : : "r" (sum));
	}
	t1 = now_ns();
	thread_faults(&min1, &maj1);
	res->pages = pages;
	res->start_ns = t0;
	res->end_ns = t1;
	res->minflt = min1 - min0;
	res->majflt = maj1 - maj0;
}

static void touch(unsigned long pages, struct result *res)
{
	size_t len = pages * PAGE;
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap %zu bytes", len);
	if (madvise(p, len, MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE)");
	run_loop(p, pages, true, res);
	munmap(p, len);
}

static void print_result(const char *what, const struct result *r)
{
	printf("%s pages=%lu ns=%llu minflt=%ld majflt=%ld", what, r->pages,
	       (unsigned long long)(r->end_ns - r->start_ns), r->minflt,
	       r->majflt);
}

/* faultlat's "tasks U/M used" line, or 0/0 when it is not loaded. */
static void tasks_used(unsigned int *used, unsigned int *max)
{
	char line[256];
	FILE *f;

	*used = 0;
	*max = 0;
	f = fopen(SUMMARY, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "tasks %u/%u", used, max) == 2)
			break;
	fclose(f);
}

/* Idle threads: fault once each on a page of their own, then block. */
static atomic_uint idle_ready;
static char *idle_pages;
static int idle_pipe[2];

static void *idle_thread(void *arg)
{
	unsigned long i = (unsigned long)arg;
	char c;

	idle_pages[i * PAGE] = 1;
	atomic_fetch_add(&idle_ready, 1);
	/* Blocks until the process exits: nobody writes the pipe. */
	while (read(idle_pipe[0], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static void start_idle(unsigned long n)
{
	pthread_attr_t attr;
	unsigned long i;
	pthread_t t;

	if (!n)
		return;
	idle_pages = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (idle_pages == MAP_FAILED)
		die("mmap idle pages");
	madvise(idle_pages, n * PAGE, MADV_NOHUGEPAGE);
	if (pipe(idle_pipe))
		die("pipe");
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < n; i++) {
		errno = pthread_create(&t, &attr, idle_thread, (void *)i);
		if (errno)
			die("thread %lu of %lu", i, n);
	}
	pthread_attr_destroy(&attr);
	while (atomic_load(&idle_ready) < n)
		usleep(1000);
}

static int cmd_touch(unsigned long pages, const char *idle)
{
	unsigned int used, max;
	unsigned long n = 0;
	struct result r;

	if (idle && !strcmp(idle, "fill")) {
		tasks_used(&used, &max);
		if (!max) {
			errno = 0;
			die("fill: faultlat is not loaded (no %s)", SUMMARY);
		}
		n = max - used;
	} else if (idle) {
		n = strtoul(idle, NULL, 0);
	}
	start_idle(n);
	touch(pages, &r);
	tasks_used(&used, &max);
	print_result("touch", &r);
	printf(" idle=%lu tasks_used=%u tasks_max=%u\n", n, used, max);
	return r.minflt < (long)pages;
}

static int cmd_pair(unsigned long pages)
{
	struct result *res;
	int go[2], i, status, bad = 0;
	pid_t pid[2];
	__u64 start, end;
	char c;

	res = mmap(NULL, 2 * sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED || pipe(go))
		die("pair setup");
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			die("fork");
		if (!pid[i]) {
			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(2);
			touch(pages, &res[i]);
			_exit(0);
		}
	}
	/* Let both children reach the read(), then start them together. */
	usleep(200000);
	close(go[1]);
	for (i = 0; i < 2; i++) {
		if (waitpid(pid[i], &status, 0) < 0)
			die("waitpid");
		bad |= !WIFEXITED(status) || WEXITSTATUS(status);
	}
	if (bad) {
		errno = 0;
		die("a child failed");
	}
	start = res[0].start_ns < res[1].start_ns ? res[0].start_ns :
						    res[1].start_ns;
	end = res[0].end_ns > res[1].end_ns ? res[0].end_ns : res[1].end_ns;
	printf("pair pages=%lu ns=%llu minflt=%ld majflt=%ld ns_a=%llu ns_b=%llu overlap_ns=%lld\n",
	       2 * pages, (unsigned long long)(end - start),
	       res[0].minflt + res[1].minflt, res[0].majflt + res[1].majflt,
	       (unsigned long long)(res[0].end_ns - res[0].start_ns),
	       (unsigned long long)(res[1].end_ns - res[1].start_ns),
	       (long long)((res[0].end_ns < res[1].end_ns ? res[0].end_ns :
			    res[1].end_ns) -
			   (res[0].start_ns > res[1].start_ns ?
			    res[0].start_ns : res[1].start_ns)));
	return res[0].minflt + res[1].minflt < (long)(2 * pages);
}

static int cmd_file(const char *path)
{
	struct result r;
	struct stat st;
	unsigned long pages;
	char *p;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		die("%s", path);
	pages = st.st_size / PAGE;
	if (!pages) {
		errno = 0;
		die("%s: empty", path);
	}
	/* Clean pages of an unmapped file: this evicts them all. */
	errno = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (errno)
		die("posix_fadvise(DONTNEED)");
	p = mmap(NULL, pages * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap %s", path);
	if (madvise(p, pages * PAGE, MADV_RANDOM))
		die("madvise(MADV_RANDOM)");
	run_loop(p, pages, false, &r);
	munmap(p, pages * PAGE);
	close(fd);
	print_result("file", &r);
	putchar('\n');
	/*
	 * A page DONTNEED could not evict (still in a per-CPU LRU batch, or
	 * under writeback) faults minor: the line says how many were major,
	 * and the report checks them; the run is no failure of the
	 * benchmark, which goes on.
	 */
	if (r.majflt < (long)pages)
		fprintf(stderr, "faultbench: file: %ld of %lu faults major\n",
			r.majflt, pages);
	return 0;
}

/* A loop's line: ITERS iterations from T0 to T1, the thread's faults */
static void print_loop(const char *what, unsigned long iters, __u64 t0,
		       __u64 t1, long minflt, long majflt)
{
	struct result r = {
		.pages = iters, .start_ns = t0, .end_ns = t1,
		.minflt = minflt, .majflt = majflt,
	};

	print_result(what, &r);
	putchar('\n');
}

/* A store the compiler must emit: the asm may read the page. */
static void write_page(char *p)
{
	p[0] = 1;
	asm volatile("" : : "r" (p) : "memory");
}

/* The TLB-flush loops: one flush_tlb_mm_range() per iteration. */
static int cmd_flush(const char *what, unsigned long iters)
{
	long min0, maj0, min1, maj1;
	bool prot = !strcmp(what, "mprotect");
	char *p = NULL;
	unsigned long i;
	__u64 t0, t1;

	if (prot) {
		p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		write_page(p);
	}
	thread_faults(&min0, &maj0);
	now_ns();
	thread_faults(&min0, &maj0);
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		if (prot) {
			if (mprotect(p, PAGE, PROT_READ) ||
			    mprotect(p, PAGE, PROT_READ | PROT_WRITE))
				die("mprotect");
			write_page(p);
			continue;
		}
		p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		write_page(p);
		if (munmap(p, PAGE))
			die("munmap");
	}
	t1 = now_ns();
	thread_faults(&min1, &maj1);
	if (prot)
		munmap(p, PAGE);
	print_loop(what, iters, t0, t1, min1 - min0, maj1 - maj0);
	return 0;
}

static int ping[2], pong[2];

static void *switch_peer(void *arg)
{
	unsigned long i, iters = *(unsigned long *)arg;
	char c;

	for (i = 0; i < iters; i++) {
		if (read(ping[0], &c, 1) != 1 || write(pong[1], &c, 1) != 1)
			die("switch peer: read/write");
	}
	return NULL;
}

/* The ping-pong: one round untimed, then ITERS timed. */
static int cmd_switch(unsigned long iters)
{
	unsigned long i, all = iters + 1;
	long min0, maj0, min1, maj1;
	pthread_t th;
	__u64 t0, t1;
	char c = 0;

	if (pipe(ping) || pipe(pong))
		die("pipe");
	if (pthread_create(&th, NULL, switch_peer, &all))
		die("pthread_create");
	if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
		die("switch: read/write");
	thread_faults(&min0, &maj0);
	now_ns();
	thread_faults(&min0, &maj0);
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			die("switch: read/write");
	}
	t1 = now_ns();
	thread_faults(&min1, &maj1);
	pthread_join(th, NULL);
	print_loop("switch", iters, t0, t1, min1 - min0, maj1 - maj0);
	return 0;
}

#define CHURN_PAGES	4

/* One churning thread: a byte to each of its pages of the wave's area. */
static void *churn_thread(void *arg)
{
	char *p = arg;
	unsigned long i;

	for (i = 0; i < CHURN_PAGES; i++)
		p[i * PAGE] = 1;
	return NULL;
}

static int cmd_churn(unsigned long threads, unsigned long wave)
{
	size_t len = wave * CHURN_PAGES * PAGE;
	struct rusage ru0, ru1;
	unsigned long done, i, n;
	pthread_attr_t attr;
	pthread_t *th;
	__u64 t0, t1;
	char *area;

	if (!threads || !wave)
		die("churn: THREADS and WAVE must not be 0");
	th = calloc(wave, sizeof(*th));
	area = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!th || area == MAP_FAILED)
		die("churn: memory");
	if (madvise(area, len, MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE)");
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	getrusage(RUSAGE_SELF, &ru0);
	t0 = now_ns();
	for (done = 0; done < threads; done += n) {
		n = threads - done < wave ? threads - done : wave;
		for (i = 0; i < n; i++) {
			errno = pthread_create(&th[i], &attr, churn_thread,
					       area + i * CHURN_PAGES * PAGE);
			if (errno)
				die("thread %lu of %lu", done + i, threads);
		}
		for (i = 0; i < n; i++)
			pthread_join(th[i], NULL);
		/* fresh pages for the next wave */
		if (madvise(area, len, MADV_DONTNEED))
			die("madvise(MADV_DONTNEED)");
	}
	t1 = now_ns();
	getrusage(RUSAGE_SELF, &ru1);
	pthread_attr_destroy(&attr);
	munmap(area, len);
	free(th);
	printf("churn pages=%lu ns=%llu minflt=%ld majflt=%ld threads=%lu wave=%lu\n",
	       threads * CHURN_PAGES, (unsigned long long)(t1 - t0),
	       ru1.ru_minflt - ru0.ru_minflt, ru1.ru_majflt - ru0.ru_majflt,
	       threads, wave);
	return ru1.ru_minflt - ru0.ru_minflt < (long)(threads * CHURN_PAGES);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "touch"))
		return cmd_touch(strtoul(argv[2], NULL, 0),
				 argc > 3 ? argv[3] : NULL);
	if (argc == 3 && !strcmp(argv[1], "pair"))
		return cmd_pair(strtoul(argv[2], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "file"))
		return cmd_file(argv[2]);
	if (argc == 3 && (!strcmp(argv[1], "mprotect") ||
			  !strcmp(argv[1], "munmap")))
		return cmd_flush(argv[1], strtoul(argv[2], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "switch"))
		return cmd_switch(strtoul(argv[2], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "churn"))
		return cmd_churn(strtoul(argv[2], NULL, 0),
				 strtoul(argv[3], NULL, 0));
	fprintf(stderr,
		"usage: faultbench touch PAGES [IDLE|fill] | pair PAGES | file PATH | mprotect ITERS | munmap ITERS | switch ITERS | churn THREADS WAVE\n");
	return 2;
}
