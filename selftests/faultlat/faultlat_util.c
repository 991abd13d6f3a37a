// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the faultlat selftests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "faultlat_util.h"

int fl_open(void)
{
	return open(FAULTLAT_DEVICE, O_RDONLY | O_CLOEXEC);
}

int fl_info(int fd, struct faultlat_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(fd, FAULTLAT_IOC_INFO, info);
}

int fl_global(int fd, struct faultlat_global *g)
{
	memset(g, 0, sizeof(*g));
	g->size = sizeof(*g);
	return ioctl(fd, FAULTLAT_IOC_GLOBAL, g);
}

int fl_task(int fd, pid_t id, bool process, struct faultlat_task *t)
{
	memset(t, 0, sizeof(*t));
	t->size = sizeof(*t);
	t->flags = process ? FAULTLAT_TASK_PROCESS : 0;
	t->id = id;
	return ioctl(fd, FAULTLAT_IOC_TASK, t);
}

int fl_list(int fd, __u32 flags, struct faultlat_task_entry *e, __u32 cap,
	    __u32 *nr, __u32 *total)
{
	struct faultlat_list l;
	int ret;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.flags = flags;
	l.entry_size = sizeof(*e);
	l.capacity = cap;
	l.entries = (__u64)(unsigned long)e;
	ret = ioctl(fd, FAULTLAT_IOC_LIST, &l);
	if (nr)
		*nr = l.nr;
	if (total)
		*total = l.total;
	return ret;
}

int fl_reset(int fd)
{
	struct faultlat_reset r = { .size = sizeof(r) };

	return ioctl(fd, FAULTLAT_IOC_RESET, &r);
}

pid_t fl_gettid(void)
{
	return syscall(SYS_gettid);
}

size_t fl_page_size(void)
{
	static size_t ps;

	if (!ps)
		ps = sysconf(_SC_PAGESIZE);
	return ps;
}

/* The compiler must assume that @p's memory is read and written here. */
static inline void fl_barrier(const void *p)
{
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

void fl_prefault(void *p, size_t len)
{
	memset(p, 0, len);
	fl_barrier(p);
}

/* Not inlined into its callers: it is in another translation unit. */
void fl_prefault_stack(void)
{
	char buf[256 * 1024];

	memset(buf, 0, sizeof(buf));
	fl_barrier(buf);
}

int fl_no_thp(void)
{
	return prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
}

void *fl_map_anon(size_t pages)
{
	size_t len = pages * fl_page_size();
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* One fault per page: no transparent huge page. */
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

void fl_unmap(void *p, size_t pages)
{
	if (p)
		munmap(p, pages * fl_page_size());
}

/* One access per page, each one done, in order: a barrier after each. */
void fl_touch_write(void *p, size_t pages)
{
	size_t i, ps = fl_page_size();
	char *c = p;

	for (i = 0; i < pages; i++) {
		c[i * ps] = (char)(i + 1);
		fl_barrier(c);
	}
}

unsigned long fl_touch_read(const void *p, size_t pages)
{
	size_t i, ps = fl_page_size();
	const char *c = p;
	unsigned long sum = 0;

	for (i = 0; i < pages; i++) {
		sum += (unsigned char)c[i * ps];
		fl_barrier(c);
	}
	return sum;
}

int fl_read_file_pages(const char *path, size_t pages, unsigned long *sum)
{
	size_t len = pages * fl_page_size();
	void *p;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return -1;
	}
	/* No readahead, so that every page is its own major fault. */
	if (madvise(p, len, MADV_RANDOM)) {
		munmap(p, len);
		close(fd);
		return -1;
	}
	*sum = fl_touch_read(p, pages);
	munmap(p, len);
	close(fd);
	return 0;
}

__u64 fl_hist_bucket_sum(const struct faultlat_hist *h)
{
	__u64 sum = 0;
	unsigned int i;

	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++)
		sum += h->buckets[i];
	return sum;
}

int fl_hist_first(const struct faultlat_hist *h)
{
	unsigned int i;

	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++)
		if (h->buckets[i])
			return i;
	return -1;
}

int fl_hist_last(const struct faultlat_hist *h)
{
	int i;

	for (i = FAULTLAT_NR_BUCKETS - 1; i >= 0; i--)
		if (h->buckets[i])
			return i;
	return -1;
}

int fl_getrusage(int who, struct fl_ru *ru)
{
	struct rusage r;

	if (getrusage(who, &r))
		return -1;
	ru->minflt = r.ru_minflt;
	ru->majflt = r.ru_majflt;
	return 0;
}

/*
 * Each is done twice, the first time to warm up: the first call of a libc
 * function may fault on its code (a fork()ed child maps its text again),
 * and such a fault between getrusage() and the ioctl would be counted on
 * one side only.
 */
int fl_snap_before(int fd, int who, pid_t id, bool process,
		   struct fl_snap *s)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (fl_getrusage(who, &s->ru))
			return -1;
		if (fl_task(fd, id, process, &s->t))
			return -1;
	}
	return 0;
}

int fl_snap_after(int fd, int who, pid_t id, bool process,
		  struct fl_snap *s)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (fl_task(fd, id, process, &s->t))
			return -1;
		if (fl_getrusage(who, &s->ru))
			return -1;
	}
	return 0;
}

int fl_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

int fl_mod_param_swap(const char *name, char *old, char val)
{
	char path[128], buf[8];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/module/faultlat/parameters/%s",
		 name);
	if (old) {
		if (fl_read_file(path, buf, sizeof(buf)))
			return -1;
		*old = buf[0] == 'Y' || buf[0] == '1' ? '1' : '0';
	}
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, &val, 1);
	close(fd);
	return n == 1 ? 0 : -1;
}

int fl_proc_stat_flt(pid_t pid, struct fl_ru *ru)
{
	char path[64], buf[1024], *p, *end;
	unsigned long long v[10];
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (fl_read_file(path, buf, sizeof(buf)))
		return -1;
	/* comm may hold spaces and parentheses: start after the last ')' */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		goto inval;
	p += 3;		/* field 3, the state */
	while (*p && *p != ' ')
		p++;
	/* fields 4 .. 13 */
	for (i = 0; i < 10; i++) {
		errno = 0;
		v[i] = strtoull(p, &end, 10);
		if (errno || end == p)
			goto inval;
		p = end;
	}
	ru->minflt = v[6];	/* field 10 */
	ru->majflt = v[8];	/* field 12 */
	return 0;
inval:
	errno = EINVAL;
	return -1;
}

int fl_kernel_version(void)
{
	struct utsname u;
	int major, minor;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 0;
	return major * 1000 + minor;
}

bool fl_pgfault_counts_retries(void)
{
	return fl_kernel_version() < 6004;
}

bool fl_vma_lock_faults(void)
{
	return fl_kernel_version() >= 6004;
}

int fl_vmstat_open(void)
{
	return open("/proc/vmstat", O_RDONLY | O_CLOEXEC);
}

int fl_vmstat_read(int fd, char *buf, size_t len)
{
	ssize_t n;

	n = pread(fd, buf, len - 1, 0);
	if (n < 0)
		return -1;
	if ((size_t)n == len - 1) {
		errno = EOVERFLOW;
		return -1;
	}
	buf[n] = '\0';
	return 0;
}

int fl_vmstat_get(const char *buf, const char *key, __u64 *val)
{
	size_t klen = strlen(key);
	const char *p = buf;
	char *end;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ' ') {
			errno = 0;
			*val = strtoull(p + klen + 1, &end, 10);
			if (errno || end == p + klen + 1)
				break;
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	errno = ENOENT;
	return -1;
}

int fl_cap_eff(__u64 *caps)
{
	char buf[4096], *p;

	if (fl_read_file("/proc/self/status", buf, sizeof(buf)))
		return -1;
	p = strstr(buf, "\nCapEff:");
	if (!p) {
		errno = ENOENT;
		return -1;
	}
	*caps = strtoull(p + strlen("\nCapEff:"), NULL, 16);
	return 0;
}

int fl_system(const char *cmd)
{
	char buf[512];
	int n, st;

	n = snprintf(buf, sizeof(buf), "%s >/dev/null 2>&1", cmd);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	fflush(NULL);
	st = system(buf);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int fs_mount(struct fl_fs *fs)
{
	if (mount(fs->dev, fs->mnt, fs->fstype, 0, NULL))
		return -1;
	fs->mounted = true;
	return 0;
}

static int fs_umount(struct fl_fs *fs)
{
	if (!fs->mounted)
		return 0;
	if (umount(fs->mnt))
		return -1;
	fs->mounted = false;
	return 0;
}

static int write_file(const char *path, size_t pages)
{
	size_t i, ps = fl_page_size();
	char *buf;
	int fd, ret = -1;

	buf = malloc(ps);
	if (!buf)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto out;
	for (i = 0; i < pages; i++) {
		memset(buf, (int)(i % 251) + 1, ps);
		if (write(fd, buf, ps) != (ssize_t)ps)
			goto out_close;
	}
	if (fsync(fd))
		goto out_close;
	ret = 0;
out_close:
	if (close(fd))
		ret = -1;
out:
	free(buf);
	return ret;
}

int fl_fs_setup(struct fl_fs *fs, const char *fstype, size_t pages)
{
	/* room for the file and the file system's own metadata and journal */
	unsigned long kib = pages * (fl_page_size() / 1024) * 2 + 16384;
	unsigned long long bytes = 0;
	const char *opts = "";
	char cmd[256];
	int i, fd;

	memset(fs, 0, sizeof(*fs));
	fs->pages = pages;
	snprintf(fs->fstype, sizeof(fs->fstype), "%s", fstype);
	snprintf(fs->dev, sizeof(fs->dev), "/dev/ram0");

	if (access("/sys/module/brd", F_OK)) {
		snprintf(cmd, sizeof(cmd), "modprobe brd rd_nr=1 rd_size=%lu",
			 kib);
		if (fl_system(cmd)) {
			snprintf(fs->why, sizeof(fs->why),
				 "modprobe brd failed (no brd module?)");
			fs->skip = true;
			return -1;
		}
		fs->loaded_brd = true;
	}
	for (i = 0; i < 200 && access(fs->dev, F_OK); i++)
		usleep(10000);
	fd = open(fs->dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &bytes)) {
		snprintf(fs->why, sizeof(fs->why), "%s: %s", fs->dev,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (bytes < (unsigned long long)kib * 1024 / 2) {
		snprintf(fs->why, sizeof(fs->why),
			 "%s has %llu bytes, %lu KiB needed (brd loaded already with a smaller rd_size?)",
			 fs->dev, bytes, kib / 2);
		fs->skip = true;
		return -1;
	}

	if (!strcmp(fstype, "ext4") || !strcmp(fstype, "ext3"))
		opts = "-E lazy_itable_init=0,lazy_journal_init=0";
	snprintf(cmd, sizeof(cmd), "mkfs.%s -q -F -b 4096 %s %s", fstype,
		 opts, fs->dev);
	if (fl_system(cmd)) {
		snprintf(fs->why, sizeof(fs->why), "mkfs.%s %s failed",
			 fstype, fs->dev);
		return -1;
	}
	/* mount(2) would ask for it too, but a missing modprobe is clearer */
	snprintf(cmd, sizeof(cmd), "modprobe fs-%s", fstype);
	fl_system(cmd);

	snprintf(fs->mnt, sizeof(fs->mnt), "/tmp/faultlat-fs.XXXXXX");
	if (!mkdtemp(fs->mnt)) {
		snprintf(fs->why, sizeof(fs->why), "mkdtemp: %s",
			 strerror(errno));
		fs->mnt[0] = '\0';
		return -1;
	}
	if (fs_mount(fs)) {
		snprintf(fs->why, sizeof(fs->why), "mount -t %s %s %s: %s",
			 fstype, fs->dev, fs->mnt, strerror(errno));
		fs->skip = errno == ENODEV;
		return -1;
	}
	snprintf(fs->file, sizeof(fs->file), "%s/data", fs->mnt);
	if (write_file(fs->file, pages)) {
		snprintf(fs->why, sizeof(fs->why), "writing %s: %s",
			 fs->file, strerror(errno));
		return -1;
	}
	return 0;
}

int fl_fs_drop_cache(struct fl_fs *fs)
{
	sync();
	if (fs_umount(fs)) {
		snprintf(fs->why, sizeof(fs->why), "umount %s: %s", fs->mnt,
			 strerror(errno));
		return -1;
	}
	if (fs_mount(fs)) {
		snprintf(fs->why, sizeof(fs->why), "mount %s: %s", fs->mnt,
			 strerror(errno));
		return -1;
	}
	return 0;
}

void fl_fs_teardown(struct fl_fs *fs)
{
	int i;

	if (fs->mounted) {
		for (i = 0; i < 50 && fs_umount(fs); i++)
			usleep(20000);
	}
	if (fs->mnt[0])
		rmdir(fs->mnt);
	if (fs->loaded_brd) {
		for (i = 0; i < 50 && fl_system("rmmod brd"); i++)
			usleep(20000);
		fs->loaded_brd = false;
	}
	fs->mnt[0] = '\0';
}

const char *fl_hist_torn(const struct faultlat_hist *h)
{
	int first = fl_hist_first(h), last = fl_hist_last(h);

	if (!h->count) {
		if (h->min_ns || h->sum_ns)
			return "min_ns or sum_ns of no sample";
		return NULL;
	}
	if (h->min_ns < faultlat_bucket_lo(first) ||
	    h->min_ns >= faultlat_bucket_hi(first))
		return "min_ns outside the first non-empty bucket";
	if (h->max_ns < faultlat_bucket_lo(last) ||
	    h->max_ns >= faultlat_bucket_hi(last))
		return "max_ns outside the last non-empty bucket";
	if (h->sum_ns / h->count < h->min_ns ||
	    h->sum_ns / h->count > h->max_ns)
		return "mean outside [min_ns, max_ns]";
	return NULL;
}

unsigned long fl_env_ul(const char *name, unsigned long def)
{
	const char *s = getenv(name);
	unsigned long v;
	char *end;

	if (!s || !*s)
		return def;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end)
		return def;
	return v;
}

/*
 * The last pid handed out in our pid namespace: ns_last_pid, or, on a
 * kernel without it (no CONFIG_CHECKPOINT_RESTORE), the pid of a child
 * made for the purpose.  -1 on error.
 */
long fl_last_pid(void)
{
	char buf[32];
	ssize_t n = -1;
	pid_t pid;
	int fd;

	fd = open("/proc/sys/kernel/ns_last_pid", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n > 0) {
		buf[n] = '\0';
		return strtol(buf, NULL, 10);
	}
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, NULL, 0) != pid)
		return -1;
	return pid;
}

bool fl_mod_loaded(void)
{
	return access("/sys/module/" FL_MODNAME, F_OK) == 0;
}

int fl_mod_open_ko(void)
{
	const char *ko = getenv("FAULTLAT_KO");

	if (!ko || !*ko) {
		errno = ENOENT;
		return -1;
	}
	return open(ko, O_RDONLY | O_CLOEXEC);
}

/* $FAULTLAT_MODPARAMS (e.g. probe_mode=kprobe) come first: @params win. */
int fl_mod_load(int kofd, const char *params)
{
	const char *extra = getenv("FAULTLAT_MODPARAMS");
	char buf[512];

	if (extra && *extra) {
		snprintf(buf, sizeof(buf), "%s %s", extra, params);
		params = buf;
	}
	return syscall(SYS_finit_module, kofd, params, 0);
}

int fl_mod_unload(void)
{
	int i, ret = -1;

	for (i = 0; i < 1000; i++) {
		ret = syscall(SYS_delete_module, FL_MODNAME, O_NONBLOCK);
		if (!ret || (errno != EAGAIN && errno != EBUSY))
			break;
		usleep(5000);
	}
	return ret;
}

int fl_drop_to(unsigned int uid)
{
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid))
		return -1;
	return 0;
}

void fl_kmsg(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, buf, n) != n)
		n = -1;
	close(fd);
}

int fl_run_capture(char *const argv[], const char *env, bool with_stdout,
		   unsigned int timeout_s, char *out, size_t len)
{
	int pfd[2], null, status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		null = open("/dev/null", O_RDWR);
		if (null < 0 || dup2(null, 0) < 0 ||
		    dup2(with_stdout ? pfd[1] : null, 1) < 0 ||
		    dup2(pfd[1], 2) < 0)
			_exit(126);
		if (env && putenv((char *)env))
			_exit(126);
		alarm(timeout_s);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	while (got < len - 1 &&
	       (n = read(pfd[0], out + got, len - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	close(pfd[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) :
				   128 + WTERMSIG(status);
}

int fl_meminfo(const char *key, __u64 *kib)
{
	char buf[8192], *p;
	size_t klen = strlen(key);

	if (fl_read_file("/proc/meminfo", buf, sizeof(buf)))
		return -1;
	p = buf;
	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ':') {
			*kib = strtoull(p + klen + 1, NULL, 10);
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	errno = ENOENT;
	return -1;
}

void *fl_uffd_serve(void *arg)
{
	struct fl_uffd_server *u = arg;
	char *page = aligned_alloc(u->ps, u->ps);
	struct uffd_msg msg;
	int i;

	u->served = 0;
	if (!page)
		return NULL;
	memset(page, 0x5a, u->ps);
	for (i = 0; i < u->pages; i++) {
		struct pollfd pfd = { .fd = u->uffd, .events = POLLIN };
		struct uffdio_copy cp;

		if (poll(&pfd, 1, 10000) != 1 ||
		    read(u->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
		    msg.event != UFFD_EVENT_PAGEFAULT)
			break;
		if (u->delay_us)
			usleep(u->delay_us);
		cp.dst = msg.arg.pagefault.address & ~(u->ps - 1);
		cp.src = (unsigned long)page;
		cp.len = u->ps;
		cp.mode = 0;
		cp.copy = 0;
		if (ioctl(u->uffd, UFFDIO_COPY, &cp))
			break;
		u->served++;
	}
	free(page);
	return NULL;
}
