// SPDX-License-Identifier: GPL-2.0
/*
 * faultlat export ($FAULTLAT_CLIENT) with the real Prometheus stack, all
 * on loopback and bounded in time: the client writes a textfile,
 * Debian's prometheus-node-exporter serves it, Debian's prometheus
 * scrapes that every second, and the test asks Prometheus' HTTP API.
 *
 * The rule for "the same instant": the client reads the module once per
 * exposition, and the file holds that one snapshot until it is replaced.
 * `faultlat hist -j` read just before and just after the export brackets
 * it: before <= exported <= after, the difference being the faults of
 * the export itself and of whatever else ran meanwhile (the test logs
 * it).  What Prometheus stores is then the file's number exactly: the
 * faults of node_exporter, Prometheus and curl come after the snapshot
 * and are not in it.  The median Prometheus computes from the buckets
 * (histogram_quantile(0.5, ...)) must fall in the bucket holding the
 * client's p50 (either bracketing read's).  With -i, the value
 * Prometheus has lies between the first snapshot and a read after the
 * query.
 *
 * Also: promtool check metrics accepts the output, and a reader of the
 * textfile never sees half of it while it is replaced every 50 ms.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <json-c/json.h>

#include "kselftest_harness.h"
#include "faultlat_check.h"
#include "faultlat_spawn.h"

#define OUT_MAX		(2 << 20)
#define WORK_PAGES	"20000"
#define PROM_WAIT_MS	180000		/* Prometheus under TCG: slow */

#define MINOR_SUM	"sum(faultlat_faults_total{type=\"minor\"})"
#define MINOR_COUNT	"faultlat_fault_latency_seconds_count{type=\"minor\"}"
#define MINOR_MEDIAN	"histogram_quantile(0.5, sum by (le) " \
			"(faultlat_fault_latency_seconds_bucket{type=\"minor\"}))"

/* The fixture's data, for the helpers. */
struct stack {
	const char *client;
	char workload[PATH_MAX];
	char dir[64];
	char textdir[128];
	char prom[160];			/* the textfile */
	int node_port, prom_port;
	pid_t node, prometheus;
	char *out;
};

FIXTURE(stack) {
	struct stack st;
};

/* A free TCP port on 127.0.0.1 (bound, then let go), or 0. */
static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

FIXTURE_SETUP(stack)
{
	struct stack *st = &self->st;
	static const char * const tools[] = {
		"prometheus", "promtool", "prometheus-node-exporter", "curl",
	};
	unsigned int i;
	int fd;

	st->client = getenv("FAULTLAT_CLIENT");
	if (!st->client || !*st->client)
		SKIP(longjmp(_metadata->env, 1),
		     "FAULTLAT_CLIENT (the faultlat client) is not set");
	for (i = 0; i < ARRAY_SIZE(tools); i++)
		if (!fl_have(tools[i]))
			SKIP(longjmp(_metadata->env, 1),
			     "%s missing (tools/vm/deps.sh installs prometheus, prometheus-node-exporter and curl)",
			     tools[i]);
	fd = fl_open();
	if (fd < 0)
		SKIP(longjmp(_metadata->env, 1), "%s: %s (is faultlat loaded?)",
		     FAULTLAT_DEVICE, strerror(errno));
	close(fd);
	ASSERT_EQ(0, fl_self_dir(st->workload));
	strcat(st->workload, "/faultlat_workload");
	strcpy(st->dir, "/tmp/faultlat-export.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(st->dir));
	snprintf(st->textdir, sizeof(st->textdir), "%s/textfile",
		 st->dir);
	ASSERT_EQ(0, mkdir(st->textdir, 0755));
	snprintf(st->prom, sizeof(st->prom), "%s/faultlat.prom",
		 st->textdir);
	st->out = calloc(1, OUT_MAX);
	ASSERT_NE(NULL, st->out);
}

FIXTURE_TEARDOWN(stack)
{
	struct stack *st = &self->st;
	char cmd[128];

	if (st->prometheus > 0)
		fl_stop(st->prometheus);
	if (st->node > 0)
		fl_stop(st->node);
	if (st->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", st->dir);
		fl_sh(cmd, NULL, 0, 30000);
	}
	free(st->out);
}

/* The client with the NULL-terminated arguments, stdout in st->out. */
static int client(struct stack *st, ...)
{
	va_list ap;
	int rc;

	va_start(ap, st);
	rc = fl_runv(st->out, OUT_MAX, NULL, 120000, st->client, ap);
	va_end(ap);
	return rc;
}

#define CLIENT(st, ...)	client(st, __VA_ARGS__, NULL)

/* What hist -j says of the minor faults. */
struct hist_read {
	__u64 count;
	__u64 p50_ns;
	__u64 p50_lo, p50_hi;	/* the bucket of the p50 sample */
};

static __u64 jget(struct json_object *o, const char *key)
{
	struct json_object *m;

	if (!o || !json_object_object_get_ex(o, key, &m))
		return 0;
	return json_object_get_uint64(m);
}

/*
 * `faultlat hist -j --minor` into @r; the p50 bucket by the client's rule
 * (userspace/hist.c: the rank ceil(n / 2), the first bucket where the
 * cumulative count reaches it).
 */
static int hist_minor(struct stack *st, struct hist_read *r)
{
	struct json_object *o, *stats, *h, *bs;
	__u64 n, rank, cum = 0;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (CLIENT(st, "hist", "-j", "--minor"))
		return -1;
	o = json_tokener_parse(st->out);
	if (!o || !json_object_object_get_ex(o, "stats", &stats) ||
	    !json_object_object_get_ex(stats, "minor", &h) ||
	    !json_object_object_get_ex(h, "buckets", &bs)) {
		json_object_put(o);
		return -1;
	}
	n = jget(h, "count");
	r->count = n;
	r->p50_ns = jget(h, "p50_ns");
	rank = (n + 1) / 2;
	for (i = 0; i < json_object_array_length(bs); i++) {
		struct json_object *b = json_object_array_get_idx(bs, i);

		cum += jget(b, "count");
		if (cum >= rank) {
			r->p50_lo = jget(b, "lo_ns");
			r->p50_hi = jget(b, "hi_ns");
			break;
		}
	}
	json_object_put(o);
	return 0;
}

/*
 * The lines of @text that start with @prefix: their number, and in *@sum
 * (if not NULL) the sum of their samples (what follows the first space).
 */
static int lines(const char *text, const char *prefix, double *sum)
{
	size_t n = strlen(prefix);
	const char *p, *sp;
	int c = 0;

	if (sum)
		*sum = 0;
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, prefix, n))
			continue;
		c++;
		sp = strchr(p, ' ');
		if (sum && sp)
			*sum += strtod(sp + 1, NULL);
	}
	return c;
}

static int slurp(const char *path, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	close(fd);
	return 0;
}

/*
 * An instant query to Prometheus: 0 and *@v for a one-sample answer, 1 for
 * an empty one, -1 on an error.
 */
static int ask(struct stack *st, const char *expr, double *v)
{
	char url[64], q[512], *body = st->out;
	struct json_object *o, *d, *res, *val;
	int ret = -1;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/v1/%s",
		 st->prom_port, "query");
	snprintf(q, sizeof(q), "%s=%s", "query", expr);
	if (fl_runl(body, OUT_MAX, NULL, 30000, "curl", "-sf", "--max-time",
		    "10", "-G", "--data-urlencode", q, url, NULL))
		return -1;
	o = json_tokener_parse(body);
	if (o && json_object_object_get_ex(o, "data", &d) &&
	    json_object_object_get_ex(d, "result", &res) &&
	    json_object_is_type(res, json_type_array)) {
		ret = 1;
		if (json_object_array_length(res) == 1 &&
		    json_object_object_get_ex(json_object_array_get_idx(res, 0),
					      "value", &val) &&
		    json_object_array_length(val) == 2) {
			*v = strtod(json_object_get_string(json_object_array_get_idx(val, 1)),
				    NULL);
			ret = 0;
		}
	}
	json_object_put(o);
	return ret;
}

/* Query until an answer satisfies @min < v (or any answer: @min NAN). */
static int ask_wait(struct stack *st, const char *expr, double min,
		    double *v, long long timeout_ms)
{
	long long end = fl_ms() + timeout_ms;

	do {
		if (!ask(st, expr, v) && (isnan(min) || *v > min))
			return 0;
		usleep(500000);
	} while (fl_ms() < end);
	return -1;
}

static void start_node_exporter(struct __test_metadata *_metadata,
				struct stack *st)
{
	char listen[64], textdir[192], log[128], url[64];
	long long end;

	st->node_port = free_port();
	ASSERT_LT(0, st->node_port);
	snprintf(listen, sizeof(listen), "--web.listen-address=127.0.0.1:%d",
		 st->node_port);
	snprintf(textdir, sizeof(textdir),
		 "--collector.textfile.directory=%s", st->textdir);
	snprintf(log, sizeof(log), "%s/node_exporter.log", st->dir);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/metrics",
		 st->node_port);
	st->node = fl_spawnl(log, log, "prometheus-node-exporter", listen,
			     "--collector.disable-defaults",
			     "--collector.textfile", textdir, NULL);
	ASSERT_LT(0, st->node);
	for (end = fl_ms() + 60000; fl_ms() < end; usleep(300000))
		if (!fl_runl(st->out, OUT_MAX, NULL, 20000, "curl", "-sf",
			     "--max-time", "10", url, NULL) &&
		    strstr(st->out, "faultlat_faults_total"))
			return;
	ASSERT_TRUE(false) TH_LOG("node_exporter does not serve the textfile (%s)",
				  log);
}

static void start_prometheus(struct __test_metadata *_metadata,
			     struct stack *st)
{
	char cfg[128], cfgarg[160], tsdb[160], listen[64], log[128];
	FILE *f;

	st->prom_port = free_port();
	ASSERT_LT(0, st->prom_port);
	snprintf(cfg, sizeof(cfg), "%s/prometheus.yml", st->dir);
	f = fopen(cfg, "w");
	ASSERT_NE(NULL, f);
	fprintf(f,
		"global:\n"
		"  scrape_interval: 1s\n"
		"  evaluation_interval: 1s\n"
		"scrape_configs:\n"
		"  - job_name: node\n"
		"    static_configs:\n"
		"      - targets: ['127.0.0.1:%d']\n", st->node_port);
	ASSERT_EQ(0, fclose(f));
	snprintf(cfgarg, sizeof(cfgarg), "--config.file=%s", cfg);
	snprintf(tsdb, sizeof(tsdb), "--storage.tsdb.path=%s/tsdb", st->dir);
	snprintf(listen, sizeof(listen), "--web.listen-address=127.0.0.1:%d",
		 st->prom_port);
	snprintf(log, sizeof(log), "%s/prometheus.log", st->dir);
	st->prometheus = fl_spawnl(log, log, "prometheus", cfgarg, tsdb, listen,
				   "--log.level=warn", NULL);
	ASSERT_LT(0, st->prometheus);
}

TEST_F_TIMEOUT(stack, promtool_accepts, 180)
{
	struct stack *st = &self->st;
	char cmd[512];

	ASSERT_EQ(0, CLIENT(st, "export", "-o", st->prom));
	snprintf(cmd, sizeof(cmd), "promtool check metrics < '%s' 2>&1",
		 st->prom);
	ASSERT_EQ(0, fl_sh(cmd, st->out, OUT_MAX, 60000))
		TH_LOG("promtool: %s", st->out);
	ASSERT_EQ(0, slurp(st->prom, st->out, OUT_MAX));
	FL_INFO("export: %d series, %d families\n",
		lines(st->out, "faultlat_", NULL),
		lines(st->out, "# TYPE ", NULL));
	ASSERT_LE(246, lines(st->out, "faultlat_", NULL));

	ASSERT_EQ(0, CLIENT(st, "export", "-o", st->prom, "--top", "5",
			    "--buckets", "octave"));
	ASSERT_EQ(0, fl_sh(cmd, st->out, OUT_MAX, 60000))
		TH_LOG("promtool, --top 5 --buckets octave: %s", st->out);
	ASSERT_EQ(0, slurp(st->prom, st->out, OUT_MAX));
	/* 5 processes at most, and other: 4 series each */
	ASSERT_LE(8, lines(st->out, "faultlat_process_", NULL));
	ASSERT_GE(24, lines(st->out, "faultlat_process_", NULL));
	ASSERT_EQ(3, lines(st->out, "faultlat_process_faults{pid=\"\"", NULL));
	ASSERT_EQ(1, lines(st->out, "faultlat_process_fault_seconds{pid=\"\"",
			   NULL));
}

TEST_F_TIMEOUT(stack, textfile_atomic, 180)
{
	struct stack *st = &self->st;
	int families, reads = 0, torn = 0, strays = 0, rc;
	struct dirent *de;
	pid_t pid;
	DIR *d;

	ASSERT_EQ(0, CLIENT(st, "export", "-o", st->prom));
	ASSERT_EQ(0, slurp(st->prom, st->out, OUT_MAX));
	families = lines(st->out, "# TYPE ", NULL);
	pid = fl_spawnl(NULL, NULL, st->client, "export", "-o", st->prom,
			"-i", "50ms", "-c", "100", NULL);
	ASSERT_LT(0, pid);
	while (waitpid(pid, &rc, WNOHANG) == 0) {
		if (slurp(st->prom, st->out, OUT_MAX))
			continue;
		reads++;
		if (lines(st->out, "# TYPE ", NULL) != families ||
		    st->out[strlen(st->out) - 1] != '\n')
			torn++;
	}
	ASSERT_EQ(0, fl_status(rc));
	FL_INFO("%d reads while export -i 50ms -c 100 replaced the file: %d torn\n",
		reads, torn);
	ASSERT_LT(10, reads);
	ASSERT_EQ(0, torn);
	d = opendir(st->textdir);
	ASSERT_NE(NULL, d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' || (de->d_name[1] && strcmp(de->d_name, "..")))
			strays += !!strcmp(de->d_name, "faultlat.prom");
	closedir(d);
	ASSERT_EQ(0, strays) TH_LOG("files left in %s", st->textdir);
}

TEST_F_TIMEOUT(stack, prometheus_scrape, 600)
{
	struct stack *st = &self->st;
	struct hist_read before, after, now;
	double file_minor, v, q, count, err;
	char cmd[2 * PATH_MAX];
	long long t;
	pid_t exp;
	int rc;

	/* minor faults of a known workload, so that there are plenty */
	snprintf(cmd, sizeof(cmd), "%s %s 0 %s/report", st->workload,
		 WORK_PAGES, st->dir);
	ASSERT_EQ(0, fl_sh(cmd, NULL, 0, 120000));

	ASSERT_EQ(0, hist_minor(st, &before));
	ASSERT_EQ(0, CLIENT(st, "export", "-o", st->prom));
	ASSERT_EQ(0, hist_minor(st, &after));
	ASSERT_EQ(0, slurp(st->prom, st->out, OUT_MAX));
	lines(st->out, "faultlat_faults_total{type=\"minor\",", &file_minor);
	lines(st->out, MINOR_COUNT, &count);
	/* the difference: the export's own faults and the system's */
	FL_INFO("hist -j before %llu, export %.0f, hist -j after %llu (+%llu)\n",
		before.count, file_minor, after.count,
		after.count - before.count);
	ASSERT_LE((double)before.count, file_minor);
	ASSERT_GE((double)after.count, file_minor);
	ASSERT_EQ(file_minor, count);

	t = fl_ms();
	start_node_exporter(_metadata, st);
	start_prometheus(_metadata, st);
	ASSERT_EQ(0, ask_wait(st, MINOR_SUM, NAN, &v, PROM_WAIT_MS))
		TH_LOG("Prometheus has no faultlat_faults_total after %d s (%s/prometheus.log)",
		       PROM_WAIT_MS / 1000, st->dir);
	FL_INFO("first answer from Prometheus after %lld ms: %.0f minor faults\n",
		fl_ms() - t, v);
	/* the snapshot, exactly: the scrapers' faults came after it */
	ASSERT_EQ(file_minor, v);
	/*
	 * The other series of the same scrape: asked until Prometheus has
	 * them all (a busy host's Prometheus answered the first query
	 * before it had the buckets)
	 */
	ASSERT_EQ(0, ask_wait(st, MINOR_COUNT, NAN, &count, PROM_WAIT_MS));
	ASSERT_EQ(file_minor, count);
	ASSERT_EQ(0, ask_wait(st, "sum(node_textfile_scrape_error)", NAN, &err,
			      PROM_WAIT_MS));
	ASSERT_EQ(0, err);

	ASSERT_EQ(0, ask_wait(st, MINOR_MEDIAN, NAN, &q, PROM_WAIT_MS));
	FL_INFO("histogram_quantile(0.5) %.0f ns\n", q * 1e9);
	FL_INFO("client p50 %llu ns in [%llu, %llu) before, %llu ns in [%llu, %llu) after\n",
		before.p50_ns, before.p50_lo, before.p50_hi, after.p50_ns,
		after.p50_lo, after.p50_hi);
	ASSERT_LE(before.p50_lo, before.p50_ns);
	ASSERT_GE(before.p50_hi, before.p50_ns);
	/* (lo, hi] of one of them, to a rounding of the decimal seconds */
	ASSERT_TRUE((q * 1e9 > before.p50_lo - 0.5 &&
		     q * 1e9 < before.p50_hi + 0.5) ||
		    (q * 1e9 > after.p50_lo - 0.5 &&
		     q * 1e9 < after.p50_hi + 0.5));

	/* -i: fresh snapshots reach Prometheus */
	exp = fl_spawnl(NULL, NULL, st->client, "export", "-o", st->prom,
			"-i", "1", NULL);
	ASSERT_LT(0, exp);
	ASSERT_EQ(0, fl_sh(cmd, NULL, 0, 120000));
	ASSERT_EQ(0, ask_wait(st, MINOR_SUM, file_minor, &v, 60000));
	ASSERT_EQ(0, hist_minor(st, &now));
	FL_INFO("export -i 1: Prometheus %.0f, between %.0f and hist -j %llu\n",
		v, file_minor, now.count);
	ASSERT_GE((double)now.count, v);
	rc = fl_stop(exp);
	ASSERT_EQ(0, rc) TH_LOG("export -i ends with 0 on SIGTERM");
	ASSERT_EQ(0, access(st->prom, R_OK));
}

TEST_HARNESS_MAIN
