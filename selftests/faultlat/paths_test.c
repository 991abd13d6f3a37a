// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat's counts by path (module parameter paths) against workloads
 * whose faults the kernel's own accounting, or the workload itself,
 * counts:
 *
 * - zero: N pages of a fresh anonymous mapping, written (or read, then
 *   written) one byte each: N zero-fill faults each time, as getrusage()
 *   counts them;
 * - cow: a child writes N private pages its parent wrote before the
 *   fork: N copy-on-write faults;
 * - shmem: N pages of a memfd, and of MAP_SHARED | MAP_ANONYMOUS,
 *   written: N shmem faults;
 * - hugetlb: N huge pages of MAP_HUGETLB, from a pool the test sets:
 *   N hugetlb faults;
 * - thp: one write per 2 MiB of a MADV_HUGEPAGE mapping: the THP
 *   allocations equal /proc/vmstat's thp_fault_alloc increase, and the
 *   others (fallbacks) are zero-fill;
 * - file: a file not in the page cache, read one page at a time without
 *   readahead: as many file reads as getrusage()'s major faults; read
 *   again, cached: as many page-cache hits as its minor faults; written
 *   through a private mapping: N copy-on-write faults;
 * - swapin: N anonymous pages paged out (MADV_PAGEOUT) to swap (a zram
 *   device the test sets up when there is no swap), then read: as many
 *   swap-ins as pages that /proc/self/pagemap said were in swap;
 * - uffd: N faults on a range registered with userfaultfd, each served by
 *   a handler thread: N userfaultfd faults, as many as it served;
 * - off: with paths=0, N zero-fill faults count nowhere by path.
 *
 * In every one, each completed fault of the thread has exactly one path:
 * the counts by path add up to getrusage()'s minor and major faults of
 * the interval.  A measured workload runs twice, the first time to fault
 * in the test's own code and data.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"

#define PARAM		"/sys/module/faultlat/parameters/paths"
#define DEBUGFS_PATHS	"/sys/kernel/debug/faultlat/paths"
#define EVENT_FORMAT	"/events/faultlat/fault/format"
#define NR_HUGE		"/proc/sys/vm/nr_hugepages"
#define THP_ENABLED	"/sys/kernel/mm/transparent_hugepage/enabled"

#define PAGES		256
#define HUGE_PAGES	4
#define THP_REGIONS	8
#define FILE_PAGES	256
#define SWAP_PAGES	64
#define UFFD_PAGES	8
#define HPAGE		(2UL << 20)

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC	0x0001U
#endif

static const char *const path_names[FAULTLAT_NR_PATHS] = {
	"zero", "cow", "cache", "read", "swapin", "thp", "hugetlb", "shmem",
	"uffd", "other",
};

static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* A measured interval of the calling thread. */
struct win {
	struct fl_snap a, b;
	__u64 d[FAULTLAT_NR_PATHS];	/* by path */
	__u64 sum;			/* of @d */
	__u64 faults;			/* faultlat's minor + major */
	__u64 ru;			/* getrusage()'s minflt + majflt */
	__u64 minflt, majflt;
};

static int win_begin(int fd, struct win *w)
{
	fl_prefault(w, sizeof(*w));
	fl_prefault_stack();
	return fl_snap_before(fd, RUSAGE_THREAD, fl_gettid(), false, &w->a);
}

static int win_end(int fd, struct win *w)
{
	unsigned int i;

	if (fl_snap_after(fd, RUSAGE_THREAD, fl_gettid(), false, &w->b))
		return -1;
	w->sum = 0;
	for (i = 0; i < FAULTLAT_NR_PATHS; i++) {
		w->d[i] = w->b.t.paths[i] - w->a.t.paths[i];
		w->sum += w->d[i];
	}
	w->faults = FL_D(&w->a, &w->b, minor.count) +
		    FL_D(&w->a, &w->b, major.count);
	w->minflt = w->b.ru.minflt - w->a.ru.minflt;
	w->majflt = w->b.ru.majflt - w->a.ru.majflt;
	w->ru = w->minflt + w->majflt;
	return 0;
}

static void win_show(const char *what, const struct win *w)
{
	char line[512];
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < FAULTLAT_NR_PATHS; i++)
		len += snprintf(line + len, sizeof(line) - len, " %s %llu",
				path_names[i], (unsigned long long)w->d[i]);
	FL_INFO("%s: minflt +%llu majflt +%llu, faultlat %llu, by path:%s\n",
		what, (unsigned long long)w->minflt,
		(unsigned long long)w->majflt,
		(unsigned long long)w->faults, line);
}

/* Every completed fault of the interval has one path, and only one. */
static void check_one_path_each(struct __test_metadata *_metadata,
				const struct win *w)
{
	ASSERT_EQ(w->ru, w->faults)
		TH_LOG("faultlat's faults against getrusage()");
	ASSERT_EQ(w->faults, w->sum) TH_LOG("faults told by path");
}

#define CHECK_ONE_PATH_EACH(w)	check_one_path_each(_metadata, w)

static int paths_set(const char *val)
{
	return write_str(PARAM, val);
}

FIXTURE(paths) {
	int fd;
	char old[16];
};

FIXTURE_SETUP(paths)
{
	self->old[0] = '\0';
	self->fd = fl_open();
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s (is faultlat loaded?)",
				      FAULTLAT_DEVICE, strerror(errno));
	ASSERT_EQ(0, fl_read_file(PARAM, self->old, sizeof(self->old)))
		TH_LOG("no module parameter paths");
	ASSERT_EQ(0, paths_set("1")) TH_LOG("paths=1: %s", strerror(errno));
}

FIXTURE_TEARDOWN(paths)
{
	if (self->old[0])
		paths_set(self->old[0] == 'Y' || self->old[0] == '1' ?
			  "1" : "0");
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * Every function that tells a path is attached on this kernel: ftrace
 * found it (available_filter_functions), where a missing one would leave
 * its path uncounted.
 */
TEST_F(paths, hooks)
{
	static const char *const hooks[] = {
		"handle_userfault", "migration_entry_wait", "do_swap_page",
		"do_wp_page", "add_new_anon_rmap",
	};
	char buf[4096], *line;
	unsigned int i;

	ASSERT_EQ(0, fl_read_file(DEBUGFS_PATHS, buf, sizeof(buf)))
		TH_LOG("%s: %s", DEBUGFS_PATHS, strerror(errno));
	FL_INFO("%s:\n%s", DEBUGFS_PATHS, buf);
	ASSERT_EQ(0, strncmp(buf, "paths on\n", 9));
	for (i = 0; i < ARRAY_SIZE(hooks); i++) {
		line = strstr(buf, hooks[i]);
		ASSERT_NE(NULL, line) TH_LOG("no hook %s", hooks[i]);
		line = strchr(line, ' ');
		ASSERT_NE(NULL, line);
		while (*line == ' ')
			line++;
		ASSERT_EQ(0, strncmp(line, "attached\n", 9))
			TH_LOG("hook %s: %.40s", hooks[i], line);
	}
}

/* The faultlat:fault event has the path as a field of its own. */
TEST_F(paths, event_field)
{
	static const char *const formats[] = {
		"/sys/kernel/tracing" EVENT_FORMAT,
		"/sys/kernel/debug/tracing" EVENT_FORMAT,
	};
	char buf[8192];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(formats); i++)
		if (!fl_read_file(formats[i], buf, sizeof(buf)))
			break;
	ASSERT_GT(ARRAY_SIZE(formats), i)
		TH_LOG("%s: %s", formats[0], strerror(errno));
	ASSERT_NE(NULL, strstr(buf, "field:u8 path;")) TH_LOG("%s", buf);
	ASSERT_NE(NULL, strstr(buf, "path=%s")) TH_LOG("%s", buf);
}

/* N pages of fresh anonymous memory, written, then others read. */
TEST_F(paths, zero)
{
	struct win w;
	char *p;
	int round;

	for (round = 0; round < 2; round++) {
		p = fl_map_anon(PAGES);
		ASSERT_NE(NULL, p);
		ASSERT_EQ(0, win_begin(self->fd, &w));
		fl_touch_write(p, PAGES);
		ASSERT_EQ(0, win_end(self->fd, &w));
		fl_unmap(p, PAGES);
	}
	win_show("write fresh anonymous pages", &w);
	CHECK_ONE_PATH_EACH(&w);
	ASSERT_EQ(PAGES, w.minflt);
	ASSERT_EQ(PAGES, w.d[FAULTLAT_PATH_ZERO]);

	/* a read maps the shared zero page: zero-fill too */
	for (round = 0; round < 2; round++) {
		p = fl_map_anon(PAGES);
		ASSERT_NE(NULL, p);
		ASSERT_EQ(0, win_begin(self->fd, &w));
		ASSERT_EQ(0, fl_touch_read(p, PAGES));
		ASSERT_EQ(0, win_end(self->fd, &w));
		fl_unmap(p, PAGES);
	}
	win_show("read fresh anonymous pages", &w);
	CHECK_ONE_PATH_EACH(&w);
	ASSERT_EQ(PAGES, w.minflt);
	ASSERT_EQ(PAGES, w.d[FAULTLAT_PATH_ZERO]);

	/* a write after the read: a new zeroed page, no copy */
	for (round = 0; round < 2; round++) {
		p = fl_map_anon(PAGES);
		ASSERT_NE(NULL, p);
		ASSERT_EQ(0, fl_touch_read(p, PAGES));
		ASSERT_EQ(0, win_begin(self->fd, &w));
		fl_touch_write(p, PAGES);
		ASSERT_EQ(0, win_end(self->fd, &w));
		fl_unmap(p, PAGES);
	}
	win_show("write them after the read", &w);
	CHECK_ONE_PATH_EACH(&w);
	ASSERT_EQ(PAGES, w.minflt);
	ASSERT_EQ(PAGES, w.d[FAULTLAT_PATH_ZERO]);
}

/* With paths=0 nothing is counted by path, and the faults still are. */
TEST_F(paths, off)
{
	struct win w;
	char *p;
	int round;

	ASSERT_EQ(0, paths_set("0"));
	for (round = 0; round < 2; round++) {
		p = fl_map_anon(PAGES);
		ASSERT_NE(NULL, p);
		ASSERT_EQ(0, win_begin(self->fd, &w));
		fl_touch_write(p, PAGES);
		ASSERT_EQ(0, win_end(self->fd, &w));
		fl_unmap(p, PAGES);
	}
	win_show("paths=0, write fresh anonymous pages", &w);
	ASSERT_EQ(PAGES, w.minflt);
	ASSERT_EQ(PAGES, w.faults);
	ASSERT_EQ(0, w.sum);
}

/* A child writes the pages its parent wrote before the fork. */
TEST_F(paths, cow)
{
	struct win *shared;
	char *p;
	pid_t pid;
	int status;

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, shared);
	fl_prefault(shared, sizeof(*shared));
	p = fl_map_anon(2 * PAGES);
	ASSERT_NE(NULL, p);
	fl_touch_write(p, 2 * PAGES);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct win w;
		int round;

		/*
		 * The child's first round faults in the test's code (fork
		 * copies no page table of a file mapping) and copies the
		 * stack, which the parent wrote too; the second is measured.
		 */
		for (round = 0; round < 2; round++) {
			if (win_begin(self->fd, &w))
				_exit(1);
			fl_touch_write(p + round * PAGES * fl_page_size(),
				       PAGES);
			if (win_end(self->fd, &w))
				_exit(1);
		}
		memcpy(shared, &w, sizeof(w));
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	win_show("a child writes its parent's pages", shared);
	CHECK_ONE_PATH_EACH(shared);
	ASSERT_EQ(PAGES, shared->minflt);
	ASSERT_EQ(PAGES, shared->d[FAULTLAT_PATH_COW]);
	fl_unmap(p, 2 * PAGES);
	munmap(shared, sizeof(*shared));
}

static void shmem_round(struct __test_metadata *_metadata, int fd,
			int memfd, struct win *w)
{
	size_t len = PAGES * fl_page_size();
	char *p;

	if (memfd >= 0)
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, memfd,
			 0);
	else
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, win_begin(fd, w));
	fl_touch_write(p, PAGES);
	ASSERT_EQ(0, win_end(fd, w));
	munmap(p, len);
}

/* memfd pages, then MAP_SHARED | MAP_ANONYMOUS pages, written */
TEST_F(paths, shmem)
{
	struct win w;
	int memfd, round;

	for (round = 0; round < 2; round++) {
		memfd = syscall(__NR_memfd_create, "faultlat-paths",
				MFD_CLOEXEC);
		ASSERT_LE(0, memfd);
		ASSERT_EQ(0, ftruncate(memfd, PAGES * fl_page_size()));
		shmem_round(_metadata, self->fd, memfd, &w);
		close(memfd);
	}
	win_show("write a memfd", &w);
	CHECK_ONE_PATH_EACH(&w);
	ASSERT_EQ(PAGES, w.minflt);
	ASSERT_EQ(PAGES, w.d[FAULTLAT_PATH_SHMEM]);

	shmem_round(_metadata, self->fd, -1, &w);
	win_show("write MAP_SHARED | MAP_ANONYMOUS", &w);
	CHECK_ONE_PATH_EACH(&w);
	ASSERT_EQ(PAGES, w.minflt);
	ASSERT_EQ(PAGES, w.d[FAULTLAT_PATH_SHMEM]);
}

/* MAP_HUGETLB pages from a pool of the test's making */
TEST_F(paths, hugetlb)
{
	char old[32], val[32];
	unsigned long have;
	size_t len = HUGE_PAGES * HPAGE, i;
	struct win w;
	char *p = MAP_FAILED;
	int round;

	if (fl_read_file(NR_HUGE, old, sizeof(old)))
		SKIP(return, "%s: %s", NR_HUGE, strerror(errno));
	have = strtoul(old, NULL, 10);
	snprintf(val, sizeof(val), "%lu", have + 2 * HUGE_PAGES);
	ASSERT_EQ(0, write_str(NR_HUGE, val));
	for (round = 0; round < 2; round++) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		if (p == MAP_FAILED)
			break;
		ASSERT_EQ(0, win_begin(self->fd, &w));
		for (i = 0; i < HUGE_PAGES; i++)
			p[i * HPAGE] = 1;
		ASSERT_EQ(0, win_end(self->fd, &w));
		munmap(p, len);
	}
	write_str(NR_HUGE, old);
	if (p == MAP_FAILED)
		SKIP(return, "MAP_HUGETLB: %s (a pool of %s huge pages)",
		     strerror(errno), val);
	win_show("write MAP_HUGETLB pages", &w);
	CHECK_ONE_PATH_EACH(&w);
	ASSERT_EQ(HUGE_PAGES, w.minflt);
	ASSERT_EQ(HUGE_PAGES, w.d[FAULTLAT_PATH_HUGETLB]);
}

/* one write per 2 MiB of a MADV_HUGEPAGE mapping */
TEST_F(paths, thp)
{
	size_t len = (THP_REGIONS + 1) * HPAGE, i;
	__u64 alloc0, alloc1;
	char vm[FL_VMSTAT_BUF], mode[128];
	struct win w;
	int vfd, round;
	char *map, *p;

	if (fl_read_file(THP_ENABLED, mode, sizeof(mode)))
		SKIP(return, "%s: %s", THP_ENABLED, strerror(errno));
	if (strstr(mode, "[never]"))
		SKIP(return, "transparent huge pages: %s", mode);
	vfd = fl_vmstat_open();
	ASSERT_LE(0, vfd);
	for (round = 0; round < 2; round++) {
		map = mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, map);
		p = (char *)(((unsigned long)map + HPAGE - 1) & ~(HPAGE - 1));
		ASSERT_EQ(0, madvise(p, THP_REGIONS * HPAGE, MADV_HUGEPAGE));
		ASSERT_EQ(0, fl_vmstat_read(vfd, vm, sizeof(vm)));
		ASSERT_EQ(0, fl_vmstat_get(vm, "thp_fault_alloc", &alloc0));
		ASSERT_EQ(0, win_begin(self->fd, &w));
		for (i = 0; i < THP_REGIONS; i++)
			p[i * HPAGE] = 1;
		ASSERT_EQ(0, win_end(self->fd, &w));
		ASSERT_EQ(0, fl_vmstat_read(vfd, vm, sizeof(vm)));
		ASSERT_EQ(0, fl_vmstat_get(vm, "thp_fault_alloc", &alloc1));
		munmap(map, len);
	}
	close(vfd);
	win_show("write MADV_HUGEPAGE memory, once per 2 MiB", &w);
	FL_INFO("thp_fault_alloc +%llu\n",
		(unsigned long long)(alloc1 - alloc0));
	CHECK_ONE_PATH_EACH(&w);
	ASSERT_EQ(THP_REGIONS, w.minflt);
	if (alloc1 == alloc0)
		SKIP(return, "no huge page allocated (memory fragmented?)");
	ASSERT_EQ(alloc1 - alloc0, w.d[FAULTLAT_PATH_THP]);
	/* each fallback maps one small page: zero-fill */
	ASSERT_EQ(THP_REGIONS - w.d[FAULTLAT_PATH_THP],
		  w.d[FAULTLAT_PATH_ZERO]);
}

/* A file on a RAM disk: read cold, read cached, written privately. */
TEST_F(paths, file)
{
	size_t len = FILE_PAGES * fl_page_size();
	unsigned long sum;
	struct fl_fs fs;
	struct win w;
	int round, ffd;
	char *p;

	if (fl_fs_setup(&fs, "ext4", FILE_PAGES)) {
		bool skip = fs.skip;

		fl_fs_teardown(&fs);
		if (skip)
			SKIP(return, "%s", fs.why);
		ASSERT_TRUE(false) TH_LOG("%s", fs.why);
	}
	for (round = 0; round < 2; round++) {
		ASSERT_EQ(0, fl_fs_drop_cache(&fs)) TH_LOG("%s", fs.why);
		ASSERT_EQ(0, win_begin(self->fd, &w));
		ASSERT_EQ(0, fl_read_file_pages(fs.file, FILE_PAGES, &sum));
		ASSERT_EQ(0, win_end(self->fd, &w));
	}
	win_show("read a file not in the page cache", &w);
	CHECK_ONE_PATH_EACH(&w);
	ASSERT_LT(0, w.majflt);
	ASSERT_EQ(w.majflt, w.d[FAULTLAT_PATH_READ]);
	ASSERT_EQ(w.minflt, w.d[FAULTLAT_PATH_CACHE]);

	/* cached now: page-cache hits, fewer than the pages (fault-around) */
	ASSERT_EQ(0, win_begin(self->fd, &w));
	ASSERT_EQ(0, fl_read_file_pages(fs.file, FILE_PAGES, &sum));
	ASSERT_EQ(0, win_end(self->fd, &w));
	win_show("read it again, cached", &w);
	CHECK_ONE_PATH_EACH(&w);
	ASSERT_EQ(0, w.majflt);
	ASSERT_LT(0, w.minflt);
	ASSERT_EQ(w.minflt, w.d[FAULTLAT_PATH_CACHE]);

	/* a write to a private mapping of a cached page copies it */
	ffd = open(fs.file, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ffd);
	for (round = 0; round < 2; round++) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, ffd,
			 0);
		ASSERT_NE(MAP_FAILED, p);
		ASSERT_EQ(0, win_begin(self->fd, &w));
		fl_touch_write(p, FILE_PAGES);
		ASSERT_EQ(0, win_end(self->fd, &w));
		munmap(p, len);
	}
	close(ffd);
	fl_fs_teardown(&fs);
	win_show("write a private mapping of it", &w);
	CHECK_ONE_PATH_EACH(&w);
	ASSERT_EQ(FILE_PAGES, w.minflt);
	ASSERT_EQ(FILE_PAGES, w.d[FAULTLAT_PATH_COW]);
}

/* Swap: the guest's, or a zram device of the test's. */
struct swap {
	bool ours;
	char why[160];
};

static int swap_setup(struct swap *s)
{
	char buf[4096];

	memset(s, 0, sizeof(*s));
	if (!fl_read_file("/proc/swaps", buf, sizeof(buf)) &&
	    strchr(buf, '\n') && strchr(buf, '\n')[1])
		return 0;
	if (fl_system("modprobe zram num_devices=1")) {
		snprintf(s->why, sizeof(s->why),
			 "no swap, and modprobe zram failed");
		return -1;
	}
	s->ours = true;
	if (write_str("/sys/block/zram0/disksize", "64M") ||
	    fl_system("mkswap /dev/zram0") ||
	    fl_system("swapon /dev/zram0")) {
		snprintf(s->why, sizeof(s->why),
			 "no swap, and a zram swap could not be set up");
		return -1;
	}
	return 0;
}

static void swap_teardown(struct swap *s)
{
	if (!s->ours)
		return;
	fl_system("swapoff /dev/zram0");
	write_str("/sys/block/zram0/reset", "1");
	fl_system("rmmod zram");
}

/* The pages of @p that /proc/self/pagemap says are in swap (bit 62). */
static size_t swapped_pages(const char *p, size_t pages)
{
	size_t i, n = 0, ps = fl_page_size();
	__u64 e;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	for (i = 0; i < pages; i++) {
		off_t off = (off_t)((unsigned long)(p + i * ps) / ps) * 8;

		if (pread(fd, &e, sizeof(e), off) == sizeof(e) &&
		    (e >> 62 & 1))
			n++;
	}
	close(fd);
	return n;
}

TEST_F(paths, swapin)
{
	struct swap s;
	struct win w;
	size_t swapped = 0;
	int round;
	char *p;

	if (swap_setup(&s)) {
		swap_teardown(&s);
		SKIP(return, "%s", s.why);
	}
	for (round = 0; round < 2; round++) {
		p = fl_map_anon(SWAP_PAGES);
		ASSERT_NE(NULL, p);
		fl_touch_write(p, SWAP_PAGES);
		if (madvise(p, SWAP_PAGES * fl_page_size(), MADV_PAGEOUT))
			break;
		swapped = swapped_pages(p, SWAP_PAGES);
		ASSERT_EQ(0, win_begin(self->fd, &w));
		fl_touch_read(p, SWAP_PAGES);
		ASSERT_EQ(0, win_end(self->fd, &w));
		fl_unmap(p, SWAP_PAGES);
	}
	swap_teardown(&s);
	if (round < 2)
		SKIP(return, "MADV_PAGEOUT: %s", strerror(errno));
	if (!swapped)
		SKIP(return, "MADV_PAGEOUT put no page in swap");
	FL_INFO("%zu of %d pages in swap\n", swapped, SWAP_PAGES);
	win_show("read pages paged out", &w);
	CHECK_ONE_PATH_EACH(&w);
	ASSERT_EQ(swapped, w.ru);
	ASSERT_EQ(swapped, w.d[FAULTLAT_PATH_SWAPIN]);
}

/* N faults on a userfaultfd range, each served by a handler thread. */
TEST_F(paths, uffd)
{
	struct fl_uffd_server u = { .pages = UFFD_PAGES, .ps = fl_page_size() };
	struct uffdio_api api;
	struct uffdio_register reg;
	struct win w;
	pthread_t th;
	char *area;
	int round;

	for (round = 0; round < 2; round++) {
		/* no feature asked for: UFFDIO_API wrote the supported ones */
		memset(&api, 0, sizeof(api));
		api.api = UFFD_API;
		u.uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
		if (u.uffd < 0)
			SKIP(return, "userfaultfd: %s", strerror(errno));
		ASSERT_EQ(0, ioctl(u.uffd, UFFDIO_API, &api));
		area = mmap(NULL, UFFD_PAGES * u.ps, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, area);
		reg.range.start = (unsigned long)area;
		reg.range.len = UFFD_PAGES * u.ps;
		reg.mode = UFFDIO_REGISTER_MODE_MISSING;
		ASSERT_EQ(0, ioctl(u.uffd, UFFDIO_REGISTER, &reg));
		ASSERT_EQ(0, pthread_create(&th, NULL, fl_uffd_serve, &u));
		ASSERT_EQ(0, win_begin(self->fd, &w));
		fl_touch_read(area, UFFD_PAGES);
		ASSERT_EQ(0, win_end(self->fd, &w));
		pthread_join(th, NULL);
		munmap(area, UFFD_PAGES * u.ps);
		close(u.uffd);
	}
	win_show("read a userfaultfd range", &w);
	CHECK_ONE_PATH_EACH(&w);
	ASSERT_EQ(UFFD_PAGES, u.served);
	ASSERT_EQ((__u64)u.served, w.d[FAULTLAT_PATH_UFFD]);
}

TEST_HARNESS_MAIN
