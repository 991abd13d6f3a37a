// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat heatmap ($FAULTLAT_CLIENT) against the module, the picture read
 * back: a workload runs while `faultlat heatmap -p PID` records it; the SVG
 * must be well-formed XML (xmllint), render (rsvg-convert), and the PNG
 * must show ink in exactly the rows of the latency buckets in which the
 * workload's faults fell (its record read before and after the workload,
 * the same numbers the heatmap's intervals add up to), and nowhere else
 * in the grid.  A minor-only workload (faultlat_workload) and one with
 * major faults (a file on a RAM disk, read through mmap) give pictures
 * the test tells apart: ink in the major panel, in a slower band.
 *
 * The PNG is decoded here (zlib, 8-bit RGB or RGBA, not interlaced: what
 * rsvg-convert writes); the grid's geometry is read from the data-*
 * attributes of the SVG's panels (userspace/heatmap.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <zlib.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"
#include "faultlat_spawn.h"

#define MINOR_PAGES	"30000"		/* faultlat_workload's */
#define ANON_PAGES	6000		/* the major workload's minor faults */
#define FILE_PAGES	2048		/* and its major ones: 8 MiB a round */
#define ROUNDS		3
#define PAUSE_US	300000
#define INTERVAL	"0.25"
/*
 * A bound: the test stops the heatmap once the workload is done.  The
 * workloads take 1-3 s under TCG, up to 16 s on the debug kernel (6.12's
 * major faults cost it about twice 6.1's) on a busy host.
 */
#define DURATION	"60"
#define SVG_MAX		(4 << 20)

struct panel {
	int x, y, w, h, cw, rh;
	unsigned int first, last, cols;
	unsigned long long faults;
};

struct png {
	unsigned int w, h;
	unsigned char *rgb;		/* 3 bytes a pixel */
};

/* One picture and what it should show. */
struct picture {
	struct faultlat_stats d;	/* the workload's faults */
	struct panel pn[FAULTLAT_NR_CLASSES];
	int svg_w, svg_h;
	struct png png;
};

static unsigned int be32(const unsigned char *p)
{
	return (unsigned int)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static int paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	if (pa <= pb && pa <= pc)
		return a;
	return pb <= pc ? b : c;
}

/* Undo the PNG row filters of @raw into @out (@bpp bytes a pixel). */
static int unfilter(const unsigned char *raw, unsigned char *out,
		    unsigned int w, unsigned int h, unsigned int bpp)
{
	size_t stride = (size_t)w * bpp, x;
	unsigned int y;

	for (y = 0; y < h; y++) {
		const unsigned char *in = raw + y * (stride + 1) + 1;
		unsigned char *row = out + y * stride;
		const unsigned char *up = y ? row - stride : NULL;

		for (x = 0; x < stride; x++) {
			int a = x >= bpp ? row[x - bpp] : 0;
			int b = up ? up[x] : 0;
			int c = up && x >= bpp ? up[x - bpp] : 0;
			int v;

			switch (in[-1]) {
			case 0:
				v = in[x];
				break;
			case 1:
				v = in[x] + a;
				break;
			case 2:
				v = in[x] + b;
				break;
			case 3:
				v = in[x] + (a + b) / 2;
				break;
			case 4:
				v = in[x] + paeth(a, b, c);
				break;
			default:
				return -1;
			}
			row[x] = v & 0xff;
		}
	}
	return 0;
}

/* Decode @path into @p; 0, or -1 with a reason in @why. */
static int png_read(const char *path, struct png *p, char *why, size_t len)
{
	unsigned char *file = NULL, *idat = NULL, *raw = NULL, *px = NULL;
	size_t size = 0, nidat = 0, off = 8, cap;
	unsigned int bpp = 0, i;
	unsigned long raw_len;	/* zlib's uLongf */
	struct stat st;
	int fd, ret = -1;

	memset(p, 0, sizeof(*p));
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || st.st_size < 8) {
		snprintf(why, len, "%s: cannot read", path);
		goto out;
	}
	file = malloc(st.st_size);
	idat = malloc(st.st_size);
	while (file && size < (size_t)st.st_size) {
		ssize_t n = read(fd, file + size, st.st_size - size);

		if (n <= 0)
			break;
		size += n;
	}
	if (!file || !idat || size != (size_t)st.st_size ||
	    memcmp(file, "\x89PNG\r\n\x1a\n", 8)) {
		snprintf(why, len, "%s: not a PNG file", path);
		goto out;
	}
	while (off + 12 <= size) {
		unsigned int clen = be32(file + off);
		const unsigned char *type = file + off + 4, *data = type + 4;

		if (clen > size - off - 12)
			break;
		if (!memcmp(type, "IHDR", 4) && clen >= 13) {
			p->w = be32(data);
			p->h = be32(data + 4);
			if (data[8] == 8 && data[9] == 2 && !data[12])
				bpp = 3;
			if (data[8] == 8 && data[9] == 6 && !data[12])
				bpp = 4;
		} else if (!memcmp(type, "IDAT", 4)) {
			memcpy(idat + nidat, data, clen);
			nidat += clen;
		} else if (!memcmp(type, "IEND", 4)) {
			break;
		}
		off += 12 + clen;
	}
	if (!bpp || !p->w || !p->h || p->w > 20000 || p->h > 20000) {
		snprintf(why, len, "%s: not an 8-bit RGB(A) non-interlaced PNG",
			 path);
		goto out;
	}
	cap = (size_t)p->h * ((size_t)p->w * bpp + 1);
	raw = malloc(cap);
	px = malloc((size_t)p->w * p->h * bpp);
	p->rgb = malloc((size_t)p->w * p->h * 3);
	raw_len = cap;
	if (!raw || !px || !p->rgb ||
	    uncompress(raw, &raw_len, idat, nidat) != Z_OK || raw_len != cap ||
	    unfilter(raw, px, p->w, p->h, bpp)) {
		snprintf(why, len, "%s: bad image data", path);
		goto out;
	}
	for (i = 0; i < p->w * p->h; i++) {
		/* transparent counts as the white page */
		bool clear = bpp == 4 && !px[i * 4 + 3];

		p->rgb[i * 3] = clear ? 255 : px[i * bpp];
		p->rgb[i * 3 + 1] = clear ? 255 : px[i * bpp + 1];
		p->rgb[i * 3 + 2] = clear ? 255 : px[i * bpp + 2];
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	free(file);
	free(idat);
	free(raw);
	free(px);
	if (ret) {
		free(p->rgb);
		p->rgb = NULL;
	}
	return ret;
}

/* Pixels of [x, x + w) x [y, y + h) that are not the white page. */
static unsigned long ink(const struct png *p, int x, int y, int w, int h)
{
	unsigned long n = 0;
	int i, j;

	for (j = y; j < y + h; j++) {
		for (i = x; i < x + w; i++) {
			const unsigned char *c;

			if (i < 0 || j < 0 || i >= (int)p->w || j >= (int)p->h)
				continue;
			c = p->rgb + ((size_t)j * p->w + i) * 3;
			if (c[0] != 255 || c[1] != 255 || c[2] != 255)
				n++;
		}
	}
	return n;
}

/* An integer attribute @key="N" of the element starting at @el. */
static int attr(const char *el, const char *key, long long *v)
{
	const char *end = strchr(el, '>'), *p;
	char pat[64];

	snprintf(pat, sizeof(pat), " %s=\"", key);
	p = strstr(el, pat);
	if (!p || !end || p > end)
		return -1;
	*v = strtoll(p + strlen(pat), NULL, 10);
	return 0;
}

static int parse_svg(const char *svg, struct picture *pic)
{
	static const char * const ids[] = { "panel-minor", "panel-major" };
	const char *el;
	long long v[11];
	unsigned int c;

	el = strstr(svg, "<svg ");
	if (!el || attr(el, "width", &v[0]) || attr(el, "height", &v[1]))
		return -1;
	pic->svg_w = v[0];
	pic->svg_h = v[1];
	for (c = 0; c < FAULTLAT_NR_CLASSES; c++) {
		char id[32];

		snprintf(id, sizeof(id), "<g id=\"%s\"", ids[c]);
		el = strstr(svg, id);
		if (!el || attr(el, "data-x", &v[0]) ||
		    attr(el, "data-y", &v[1]) || attr(el, "data-width", &v[2]) ||
		    attr(el, "data-height", &v[3]) ||
		    attr(el, "data-cell-width", &v[4]) ||
		    attr(el, "data-row-height", &v[5]) ||
		    attr(el, "data-first-bucket", &v[6]) ||
		    attr(el, "data-last-bucket", &v[7]) ||
		    attr(el, "data-columns", &v[8]) ||
		    attr(el, "data-faults", &v[9]))
			return -1;
		pic->pn[c] = (struct panel){
			.x = v[0], .y = v[1], .w = v[2], .h = v[3],
			.cw = v[4], .rh = v[5], .first = v[6], .last = v[7],
			.cols = v[8], .faults = v[9],
		};
	}
	return 0;
}

/* Ink in the row of bucket @b of panel @pn. */
static unsigned long row_ink(const struct png *p, const struct panel *pn,
			     unsigned int b)
{
	return ink(p, pn->x, pn->y + (int)(pn->last - b) * pn->rh, pn->w,
		   pn->rh);
}

/*
 * What the picture shows: major faults, i.e. ink in the major panel, at
 * least a tenth of the minor panel's.  A stray major fault or two (the
 * loader's, on a file page the guest's page cache let go) in a minor-only
 * workload inks a cell or two; major faults by the thousand ink about as
 * much as the minor faults do.
 */
static bool shows_majors(const struct picture *pic)
{
	const struct panel *mi = &pic->pn[FAULTLAT_MINOR];
	const struct panel *ma = &pic->pn[FAULTLAT_MAJOR];
	unsigned long minor_ink = ink(&pic->png, mi->x, mi->y, mi->w, mi->h);
	unsigned long major_ink = ink(&pic->png, ma->x, ma->y, ma->w, ma->h);

	return major_ink && major_ink * 10 >= minor_ink;
}

/* The bucket holding the @permille-th of @h's samples. */
static unsigned int band(const struct faultlat_hist *h, unsigned int permille)
{
	__u64 n = fl_hist_bucket_sum(h), cum = 0;
	__u64 rank = (n * permille + 999) / 1000;
	unsigned int b;

	for (b = 0; b < FAULTLAT_NR_BUCKETS; b++) {
		cum += h->buckets[b];
		if (cum >= rank && cum)
			return b;
	}
	return 0;
}

/* @d = @b - @a: counts and buckets */
static void hist_delta(const struct faultlat_hist *a,
		       const struct faultlat_hist *b, struct faultlat_hist *d)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	d->count = b->count - a->count;
	for (i = 0; i < FAULTLAT_NR_BUCKETS; i++)
		d->buckets[i] = b->buckets[i] - a->buckets[i];
}

static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '-';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '-';
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* The fixture's data, for the helpers. */
struct hm {
	const char *client;
	char client_exe[PATH_MAX];	/* its /proc/PID/exe */
	char workload[PATH_MAX];
	char dir[64];
	int fd;
	struct fl_fs fs;
	bool fs_up;
};

FIXTURE(heatmap) {
	struct hm hm;
};

FIXTURE_SETUP(heatmap)
{
	struct hm *hm = &self->hm;
	char path[PATH_MAX + 32];

	hm->fd = -1;
	hm->client = getenv("FAULTLAT_CLIENT");
	if (!hm->client || !*hm->client)
		SKIP(longjmp(_metadata->env, 1),
		     "FAULTLAT_CLIENT (the faultlat client) is not set");
	ASSERT_NE(NULL, realpath(hm->client, hm->client_exe));
	if (!fl_have("rsvg-convert") || !fl_have("xmllint"))
		SKIP(longjmp(_metadata->env, 1),
		     "rsvg-convert or xmllint missing (tools/vm/deps.sh installs librsvg2-bin and libxml2-utils)");
	hm->fd = fl_open();
	if (hm->fd < 0)
		SKIP(longjmp(_metadata->env, 1), "%s: %s (is faultlat loaded?)",
		     FAULTLAT_DEVICE, strerror(errno));
	ASSERT_EQ(0, fl_self_dir(hm->workload));
	strcat(hm->workload, "/faultlat_workload");
	ASSERT_EQ(0, access(hm->workload, X_OK));
	strcpy(hm->dir, "/tmp/faultlat-heatmap.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(hm->dir));
	/* once, so that its pages are cached: no major fault of its own */
	snprintf(path, sizeof(path), "%s 16 0 %s/warm >/dev/null 2>&1",
		 hm->workload, hm->dir);
	ASSERT_EQ(0, fl_sh(path, NULL, 0, 60000));
}

FIXTURE_TEARDOWN(heatmap)
{
	struct hm *hm = &self->hm;
	char cmd[128];

	if (hm->fs_up)
		fl_fs_teardown(&hm->fs);
	if (hm->fd >= 0)
		close(hm->fd);
	if (hm->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", hm->dir);
		fl_sh(cmd, NULL, 0, 30000);
	}
}

/*
 * The major workload, in the forked child: ROUNDS rounds of minor faults
 * (a share of ANON_PAGES anonymous pages), a pause, major faults (every
 * page of the file, read through mmap(), then dropped from the page cache
 * for the next round), a pause.
 */
static void major_workload(const char *file)
{
	size_t share = ANON_PAGES / ROUNDS;
	unsigned long sum;
	unsigned int r;
	char *p = fl_map_anon(ANON_PAGES);
	int fd;

	if (!p)
		_exit(5);
	for (r = 0; r < ROUNDS; r++) {
		fl_touch_write(p + r * share * fl_page_size(), share);
		usleep(PAUSE_US);
		if (fl_read_file_pages(file, FILE_PAGES, &sum))
			_exit(6);
		fd = open(file, O_RDONLY);
		if (fd < 0 || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
			_exit(7);
		close(fd);
		usleep(PAUSE_US);
	}
	_exit(0);
}

/*
 * @pid runs the client (it exec'd: the fork before it holds the test's
 * own descriptors, the device's among them) and has the device open.
 */
static bool client_has_device(const struct hm *hm, pid_t pid)
{
	char link[64], exe[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	return !strcmp(exe, hm->client_exe) && fl_has_open(pid, FAULTLAT_DEVICE);
}

/* Into the test's log: @path's text (its first 4 KiB). */
static void log_file(struct __test_metadata *_metadata, const char *path)
{
	static char buf[4096];

	if (fl_read_file(path, buf, sizeof(buf)))
		TH_LOG("%s: %s", path, strerror(errno));
	else
		TH_LOG("%s:\n%s", path, buf);
}

/* The trace instance of faultlat trace @pid is there. */
static bool trace_instance_up(pid_t pid)
{
	static const char * const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[128];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(roots); i++) {
		snprintf(path, sizeof(path), "%s/instances/faultlat-trace-%d",
			 roots[i], pid);
		if (!access(path, F_OK))
			return true;
	}
	return false;
}

/*
 * Record a workload (@major: with major faults) with faultlat heatmap
 * (@replay: with faultlat trace -j, then draw it with heatmap --from),
 * render it, and check the picture's rows against the workload's record;
 * @name names the files.
 */
static void draw(struct __test_metadata *_metadata,
		 struct hm *hm, bool major, bool replay, const char *name,
		 struct picture *pic)
{
	char jsonl[PATH_MAX], cmd[PATH_MAX + 64];
	static struct faultlat_task t0, t1;
	char svg[PATH_MAX], png[PATH_MAX], err[PATH_MAX], report[PATH_MAX];
	char pid_s[16], why[PATH_MAX + 128], *text = NULL;
	unsigned int c, b;
	long long start;
	int go[2], rc, fd;
	pid_t pid, hpid;
	siginfo_t si;
	ssize_t n;

	snprintf(svg, sizeof(svg), "%s/%s.svg", hm->dir, name);
	snprintf(png, sizeof(png), "%s/%s.png", hm->dir, name);
	snprintf(err, sizeof(err), "%s/%s.err", hm->dir, name);
	snprintf(report, sizeof(report), "%s/%s.report", hm->dir, name);
	snprintf(jsonl, sizeof(jsonl), "%s/%s.jsonl", hm->dir, name);
	if (major)
		ASSERT_EQ(0, fl_fs_drop_cache(&hm->fs)) TH_LOG("%s", hm->fs.why);

	ASSERT_EQ(0, pipe(go));
	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char ch;

		close(go[1]);
		if (read(go[0], &ch, 1) != 1)
			_exit(3);
		if (major)
			major_workload(hm->fs.file);
		execl(hm->workload, "faultlat_workload", MINOR_PAGES, "0",
		      report, (char *)NULL);
		_exit(4);
	}
	close(go[0]);
	/* blocked on the pipe: its record holds still until we write */
	for (start = fl_ms(); proc_state(pid) != 'S' && fl_ms() - start < 10000;)
		usleep(10000);
	snprintf(pid_s, sizeof(pid_s), "%d", pid);
	if (replay) {
		hpid = fl_spawnl(jsonl, err, hm->client, "trace", "-j", "-p",
				 pid_s, NULL);
		ASSERT_LT(0, hpid);
		for (start = fl_ms(); !trace_instance_up(hpid) && fl_ms() - start < 30000;)
			usleep(10000);
		ASSERT_TRUE(trace_instance_up(hpid)) TH_LOG("faultlat trace set up no instance");
	} else {
		hpid = fl_spawnl(NULL, err, hm->client, "heatmap", "-p", pid_s,
				 "-i", INTERVAL, "-d", DURATION, "-o", svg, NULL);
		ASSERT_LT(0, hpid);
		/* the heatmap's first read follows the open at once */
		for (start = fl_ms(); !client_has_device(hm, hpid) &&
		     proc_state(hpid) != 'Z' && fl_ms() - start < 30000;)
			usleep(10000);
		ASSERT_TRUE(client_has_device(hm, hpid)) {
			TH_LOG("faultlat heatmap did not open %s (state %c)",
			       FAULTLAT_DEVICE, proc_state(hpid));
			log_file(_metadata, err);
			log_file(_metadata, "/sys/kernel/debug/faultlat/summary");
		}
	}
	/*
	 * Asleep: the heatmap between two reads (it read the baseline), the
	 * trace between two polls (its events are on); and a second more.
	 */
	for (start = fl_ms(); proc_state(hpid) != 'S' && fl_ms() - start < 30000;)
		usleep(10000);
	usleep(1000000);
	ASSERT_EQ(0, fl_task(hm->fd, pid, true, &t0));
	start = fl_ms();
	ASSERT_EQ(1, write(go[1], "x", 1));
	close(go[1]);
	ASSERT_EQ(0, waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	ASSERT_EQ(CLD_EXITED, si.si_code);
	ASSERT_EQ(0, si.si_status) TH_LOG("the workload failed");
	FL_INFO("%s workload: %lld ms\n", name, fl_ms() - start);
	ASSERT_EQ(0, fl_task(hm->fd, pid, true, &t1));
	ASSERT_EQ(0, waitpid(hpid, &rc, WNOHANG))
		TH_LOG("the workload outlasted faultlat %s", replay ? "trace" :
		       "heatmap -d " DURATION);
	/*
	 * The workload's record holds still (not reaped): a second more and
	 * both have read all of it (trace every 100 ms, heatmap every
	 * INTERVAL); SIGTERM ends them, the heatmap writing its picture,
	 * rather than waiting out DURATION.
	 */
	usleep(1000000);
	rc = fl_stop(hpid);
	waitpid(pid, NULL, 0);
	ASSERT_EQ(0, rc)
		log_file(_metadata, err);
	if (replay) {
		snprintf(cmd, sizeof(cmd),
			 "tail -n 1 '%s' | grep -q '\"lost\":0,'", jsonl);
		ASSERT_EQ(0, fl_sh(cmd, NULL, 0, 10000))
			TH_LOG("faultlat trace lost events: no exact picture");
		ASSERT_EQ(0, fl_runl(NULL, 0, err, 120000, hm->client, "heatmap",
				     "--from", jsonl, "-p", pid_s, "-i", INTERVAL,
				     "-o", svg, NULL));
	}
	hist_delta(&t0.stats.minor, &t1.stats.minor, &pic->d.minor);
	hist_delta(&t0.stats.major, &t1.stats.major, &pic->d.major);

	ASSERT_EQ(0, fl_runl(NULL, 0, err, 60000, "xmllint", "--noout", svg,
			     NULL))
		TH_LOG("xmllint rejects %s", svg);
	ASSERT_EQ(0, fl_runl(NULL, 0, err, 60000, "rsvg-convert", "-o", png,
			     svg, NULL))
		TH_LOG("rsvg-convert cannot render %s", svg);
	text = calloc(1, SVG_MAX);
	ASSERT_NE(NULL, text);
	fd = open(svg, O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, text, SVG_MAX - 1);
	close(fd);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, parse_svg(text, pic)) TH_LOG("no panel geometry in %s", svg);
	free(text);
	ASSERT_EQ(0, png_read(png, &pic->png, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(pic->svg_w, pic->png.w);
	ASSERT_EQ(pic->svg_h, pic->png.h);

	for (c = 0; c < FAULTLAT_NR_CLASSES; c++) {
		const struct faultlat_hist *h = c ? &pic->d.major : &pic->d.minor;
		const struct panel *pn = &pic->pn[c];

		/* the heatmap's intervals add up to the workload's faults */
		ASSERT_EQ(h->count, pn->faults) TH_LOG("%s panel %u", name, c);
		ASSERT_GE(pn->cols, 2);
		for (b = 0; b < FAULTLAT_NR_BUCKETS; b++) {
			if (b < pn->first || b > pn->last) {
				ASSERT_EQ(0, h->buckets[b])
					TH_LOG("%s: bucket %u outside the grid", name, b);
				continue;
			}
			/* ink in the rows of its buckets, and only there */
			ASSERT_EQ(!!h->buckets[b], !!row_ink(&pic->png, pn, b))
				TH_LOG("%s, %s, bucket %u [%llu, %llu) ns: %llu faults, %lu inked",
				       name, c ? "major" : "minor", b,
				       faultlat_bucket_lo(b), faultlat_bucket_hi(b),
				       h->buckets[b], row_ink(&pic->png, pn, b));
		}
		if (h->count)
			FL_INFO("%s: %s faults %llu, p10-p90: buckets %u-%u (%llu - %llu ns)\n",
				name, c ? "major" : "minor", h->count,
				band(h, 100), band(h, 900),
				faultlat_bucket_lo(band(h, 100)),
				faultlat_bucket_hi(band(h, 900)));
	}
}

/*
 * $FAULTLAT_HEATMAP_KEEP, a directory: copy the pictures and the trace
 * recording there, and draw the recording once more, 50 ms a column, as
 * demo.svg and demo.png (the README's picture, see
 * Documentation/userspace/heatmap.rst).
 */
static void keep(struct hm *hm)
{
	const char *dir = getenv("FAULTLAT_HEATMAP_KEEP");
	char cmd[3 * PATH_MAX], from[PATH_MAX + 16], svg[PATH_MAX + 16];
	char png[PATH_MAX + 16];
	int err;

	if (!dir || !*dir)
		return;
	snprintf(cmd, sizeof(cmd),
		 "for f in %s/*.svg %s/*.png %s/*.jsonl; do [ ! -e \"$f\" ] || cp \"$f\" '%s'/ || exit; done",
		 hm->dir, hm->dir, hm->dir, dir);
	err = fl_sh(cmd, NULL, 0, 60000);
	snprintf(from, sizeof(from), "%s/replay.jsonl", hm->dir);
	snprintf(svg, sizeof(svg), "%s/demo.svg", dir);
	snprintf(png, sizeof(png), "%s/demo.png", dir);
	if (!access(from, R_OK))
		err |= fl_runl(NULL, 0, NULL, 60000, hm->client, "heatmap",
			       "--from", from, "-i", "50ms", "-o", svg, NULL) ||
		       fl_runl(NULL, 0, NULL, 60000, "rsvg-convert", "-o", png,
			       svg, NULL);
	if (err)
		FL_INFO("could not copy or draw all the pictures in %s\n", dir);
}

TEST_F_TIMEOUT(heatmap, minor_vs_major, 400)
{
	struct hm *hm = &self->hm;
	static struct picture minor, major;
	unsigned int minor_b, major_b;

	if (fl_fs_setup(&hm->fs, "ext2", FILE_PAGES)) {
		if (hm->fs.skip)
			SKIP(return, "%s", hm->fs.why);
		ASSERT_TRUE(false) TH_LOG("%s", hm->fs.why);
	}
	hm->fs_up = true;

	draw(_metadata, hm, false, false, "minor", &minor);
	ASSERT_LT(10000, minor.d.minor.count);
	/* anonymous memory: no major fault, but maybe the loader's own */
	ASSERT_GE(2, minor.d.major.count)
		TH_LOG("the minor-only workload had major faults");
	if (minor.d.major.count)
		FL_INFO("the minor-only workload had %llu major fault(s)\n",
			minor.d.major.count);
	draw(_metadata, hm, true, false, "major", &major);
	ASSERT_LE(FILE_PAGES, major.d.major.count);
	ASSERT_GE(ROUNDS * FILE_PAGES, major.d.major.count);

	/* told apart by the pictures alone */
	ASSERT_FALSE(shows_majors(&minor));
	ASSERT_TRUE(shows_majors(&major));
	ASSERT_LT(0, ink(&minor.png, minor.pn[0].x, minor.pn[0].y,
			 minor.pn[0].w, minor.pn[0].h));
	/* and the major faults are the slower band */
	minor_b = band(&major.d.minor, 500);
	major_b = band(&major.d.major, 500);
	ASSERT_LT(minor_b, major_b)
		TH_LOG("median buckets: minor %u, major %u", minor_b, major_b);
	free(minor.png.rgb);
	free(major.png.rgb);
	keep(hm);
}

/*
 * The same with faultlat trace -j recording the workload with major
 * faults and heatmap --from drawing it: the events are the record's
 * faults, one by one (trace_test), so the picture's rows are the same.
 */
TEST_F_TIMEOUT(heatmap, replay_of_trace, 400)
{
	static struct picture replay;
	struct hm *hm = &self->hm;

	if (fl_fs_setup(&hm->fs, "ext2", FILE_PAGES)) {
		if (hm->fs.skip)
			SKIP(return, "%s", hm->fs.why);
		ASSERT_TRUE(false) TH_LOG("%s", hm->fs.why);
	}
	hm->fs_up = true;
	draw(_metadata, hm, true, true, "replay", &replay);
	ASSERT_LE(FILE_PAGES, replay.d.major.count);
	ASSERT_TRUE(shows_majors(&replay));
	free(replay.png.rgb);
	keep(hm);
}

TEST_HARNESS_MAIN
