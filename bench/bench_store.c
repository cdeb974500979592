/* Object store benchmark: puts, updates, gets and list pages (limit 500) per
 * second, memory per object beyond its JSON text (RSS delta after loading N
 * objects, minus the stored text bytes, over N), and reopen (load) time, with
 * ResourceBinding-sized objects (~1.2 KB of JSON) in a temporary directory;
 * then deletes per second, and reopen time once everything is deleted.
 * Prints figures only. Usage: bench_store [N...] (default 10000 100000) */
#include "store/store.h"
#include "lib/mem.h"

#include <dirent.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RES "resourcebindings.work.karmada.io"
#define NNS 50
#define PAGE 500

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident set size in bytes, after giving freed heap back to the kernel so
 * that what was freed does not count. */
static double rss(void)
{
	long pages = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	malloc_trim(0);
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &res) != 2)
			res = 0;
		fclose(f);
	}
	return (double)res * (double)sysconf(_SC_PAGESIZE);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts lat[0..n) (seconds) and prints its percentiles in microseconds. */
static void print_lat(const char *what, double *lat, size_t n)
{
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("  %-9s p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max %.1f ms\n", what,
	       lat[n / 2] * 1e6, lat[n * 99 / 100] * 1e6, lat[n * 999 / 1000] * 1e6,
	       lat[n - 1] * 1e3);
}

static double wal_mib(const char *dir)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/tugboat.db-wal", dir);
	return stat(path, &st) < 0 ? 0 : (double)st.st_size / 1048576;
}

static void rm_dir(const char *dir)
{
	char path[512];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d) {
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
				snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
				unlink(path);
			}
		closedir(d);
	}
	rmdir(dir);
}

/* A ResourceBinding as Karmada's controllers write it: metadata with labels,
 * owner and finalizer, spec with placement and the scheduled clusters, status
 * with a condition. About 1.2 KB compact. */
static char *make_binding(size_t i, unsigned gen, size_t *len)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;

	tb_strbuf_addf(&sb,
		"{\"apiVersion\":\"work.karmada.io/v1alpha2\",\"kind\":\"ResourceBinding\","
		"\"metadata\":{\"name\":\"app-%zu-deployment\",\"namespace\":\"team-%zu\","
		"\"uid\":\"5f1c9e2a-%04zx-4b7e-9a51-%012zx\",\"generation\":%u,"
		"\"creationTimestamp\":\"2025-11-26T11:20:00Z\",\"labels\":{\"app\":\"app-%zu\","
		"\"propagationpolicy.karmada.io/permanent-id\":\"0d3c%08zx\",\"tier\":\"%s\"},"
		"\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
		"\"name\":\"app-%zu\",\"uid\":\"9a1b%08zx-0000-4000-8000-000000000000\","
		"\"controller\":true,\"blockOwnerDeletion\":true}],"
		"\"finalizers\":[\"karmada.io/binding-controller\"]},"
		"\"spec\":{\"resource\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
		"\"namespace\":\"team-%zu\",\"name\":\"app-%zu\",\"resourceVersion\":\"%zu\"},"
		"\"replicas\":6,\"replicaRequirements\":{\"resourceRequest\":{\"cpu\":\"500m\","
		"\"memory\":\"256Mi\"}},\"clusters\":[{\"name\":\"member1\",\"replicas\":2},"
		"{\"name\":\"member2\",\"replicas\":2},{\"name\":\"member3\",\"replicas\":2}],"
		"\"placement\":{\"clusterAffinity\":{\"clusterNames\":[\"member1\",\"member2\","
		"\"member3\"]},\"replicaScheduling\":{\"replicaSchedulingType\":\"Divided\","
		"\"replicaDivisionPreference\":\"Weighted\"}}},"
		"\"status\":{\"schedulerObservedGeneration\":%u,\"conditions\":[{\"type\":\"Scheduled\","
		"\"status\":\"True\",\"reason\":\"Success\",\"message\":\"Binding has been scheduled"
		" successfully.\",\"lastTransitionTime\":\"2025-11-26T11:20:01Z\"}]}}",
		i, i % NNS, i & 0xffff, i, gen, i, i, i % 3 ? "backend" : "frontend", i, i,
		i % NNS, i, i * 7 + 1, gen);
	return tb_strbuf_detach(&sb, len);
}

struct page {
	size_t n;
	char ns[64], name[64];
};

static int page_fn(void *data, const struct tb_store_obj *o)
{
	struct page *p = data;

	if (++p->n < PAGE)
		return 0;
	/* The continue token a list response would carry. */
	snprintf(p->ns, sizeof(p->ns), "%s", o->ns);
	snprintf(p->name, sizeof(p->name), "%s", o->name);
	return 1;
}

/* Pages through ns (NULL: everything); returns the pages read. */
static size_t paginate(const struct tb_store *s, const char *ns, size_t *objs)
{
	struct page p = { 0, "", "" };
	size_t pages = 0;

	*objs = 0;
	for (;;) {
		p.n = 0;
		tb_store_list(s, RES, ns, pages ? p.ns : NULL, pages ? p.name : NULL, page_fn, &p);
		pages++;
		*objs += p.n;
		if (p.n < PAGE)
			return pages;
	}
}

static void bench(size_t n)
{
	struct tb_store_opts opts = { TB_SYNC_NORMAL, 0 };
	struct tb_err err = TB_ERR_INIT;
	char dir[] = "/tmp/tb-bench-store-XXXXXX", name[64], ns[32];
	const struct tb_store_obj *o;
	struct tb_store *s;
	char **text, **names;
	size_t *lens, i, k, pages, objs, total = 0, gets;
	double t0, t, t1, r0, r1, *lat;
	unsigned seed = 1;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	text = tb_calloc(n, sizeof(*text));
	lat = tb_calloc(n, sizeof(*lat));
	names = tb_calloc(n, sizeof(*names));
	lens = tb_calloc(n, sizeof(*lens));
	for (i = 0; i < n; i++) {
		text[i] = make_binding(i, 1, &lens[i]);
		snprintf(name, sizeof(name), "app-%zu-deployment", i);
		names[i] = tb_strdup(name);
	}
	for (i = 0; i < n; i++)
		total += lens[i];
	printf("N = %zu objects, %.0f bytes of JSON each on average\n", n,
	       (double)total / (double)n);
	total = 0;

	if (tb_store_open(&s, dir, &opts, &err) < 0) {
		fprintf(stderr, "open: %s\n", err.msg);
		exit(1);
	}
	r0 = rss();
	t0 = now_s();
	for (i = 0; i < n; i++) {
		snprintf(ns, sizeof(ns), "team-%zu", i % NNS);
		if (tb_store_put(s, RES, ns, names[i], text[i], lens[i], 0, true, false, &o,
				 &err) < 0) {
			fprintf(stderr, "put: %s\n", err.msg);
			exit(1);
		}
		total += o->len;
	}
	t = now_s() - t0;
	r1 = rss();
	printf("  create:   %9.0f puts/s     (%.1f us each, synchronous=NORMAL)\n", n / t,
	       t / n * 1e6);
	printf("  memory:   %9.0f bytes/object beyond its %.0f bytes of text "
	       "(RSS +%.1f MiB, history included)\n", (r1 - r0 - (double)total) / n,
	       (double)total / n, (r1 - r0) / 1048576);

	for (i = 0; i < n; i++) {
		tb_free(text[i]);
		text[i] = make_binding(i, 2, &lens[i]);
	}
	t0 = t1 = now_s();
	for (i = 0; i < n; i++) {
		snprintf(ns, sizeof(ns), "team-%zu", i % NNS);
		if (tb_store_put(s, RES, ns, names[i], text[i], lens[i], 0, false, true, NULL,
				 &err) < 0) {
			fprintf(stderr, "update: %s\n", err.msg);
			exit(1);
		}
		t = now_s();
		lat[i] = t - t1;
		t1 = t;
	}
	t = now_s() - t0;
	/* The history holds the last 100,000 events: for N = 10,000 that is the
	 * superseded texts too, for N = 100,000 only the current ones. */
	printf("  update:   %9.0f puts/s     (RSS now +%.1f MiB, with %zu events in the"
	       " history)\n", n / t, (rss() - r0) / 1048576, 2 * n < 100000 ? 2 * n : 100000);
	print_lat("update:", lat, n);
	printf("  wal:      %9.1f MiB        (tugboat.db-wal after the updates)\n", wal_mib(dir));

	gets = 2000000;
	t0 = now_s();
	for (i = 0, k = 0; i < gets; i++) {
		size_t j = (size_t)rand_r(&seed) % n;

		snprintf(ns, sizeof(ns), "team-%zu", j % NNS);
		k += tb_store_get(s, RES, ns, names[j]) != NULL;
	}
	t = now_s() - t0;
	if (k != gets)
		fprintf(stderr, "get: %zu misses\n", gets - k);
	printf("  get:      %9.0f gets/s     (%.0f ns each, random keys)\n", gets / t,
	       t / gets * 1e9);

	t0 = now_s();
	for (k = pages = 0; now_s() - t0 < 1.0 || !k; k++)
		pages += paginate(s, NULL, &objs);
	t = now_s() - t0;
	printf("  list:     %9.0f pages/s    (limit %d, all namespaces, %zu objects"
	       " in %zu pages)\n", pages / t, PAGE, objs, pages / k);
	t0 = now_s();
	for (k = pages = 0; now_s() - t0 < 1.0 || !k; k++)
		pages += paginate(s, "team-7", &objs);
	t = now_s() - t0;
	printf("  list ns:  %9.0f pages/s    (limit %d, one namespace of %zu objects)\n",
	       pages / t, PAGE, objs);
	tb_store_close(s);

	r0 = rss();
	t0 = now_s();
	if (tb_store_open(&s, dir, &opts, &err) < 0) {
		fprintf(stderr, "reopen: %s\n", err.msg);
		exit(1);
	}
	t = now_s() - t0;
	r1 = rss();
	total = 0;
	for (i = 0; i < n; i++) {
		snprintf(ns, sizeof(ns), "team-%zu", i % NNS);
		total += tb_store_get(s, RES, ns, names[i])->len;
	}
	printf("  reopen:   %9.3f s          (%.0f objects/s; memory %.0f bytes/object beyond"
	       " the text, history rebuilt)\n", t, n / t, (r1 - r0 - (double)total) / n);
	tb_store_close(s);

	/* Power-loss safety costs an fsync per write: a short sample. */
	opts.sync = TB_SYNC_FULL;
	if (tb_store_open(&s, dir, &opts, &err) < 0) {
		fprintf(stderr, "reopen: %s\n", err.msg);
		exit(1);
	}
	k = n < 2000 ? n : 2000;
	t0 = t1 = now_s();
	for (i = 0; i < k; i++) {
		snprintf(ns, sizeof(ns), "team-%zu", i % NNS);
		tb_store_put(s, RES, ns, names[i], text[i], lens[i], 0, false, false, NULL, &err);
		t = now_s();
		lat[i] = t - t1;
		t1 = t;
	}
	t = now_s() - t0;
	printf("  update:   %9.0f puts/s     (synchronous=FULL, %zu puts)\n", k / t, k);
	print_lat("update:", lat, k);
	tb_store_close(s);

	/* Deleting everything, then reopening a store that is empty but for
	 * what watches may still need of those deletions. */
	opts.sync = TB_SYNC_NORMAL;
	if (tb_store_open(&s, dir, &opts, &err) < 0) {
		fprintf(stderr, "reopen: %s\n", err.msg);
		exit(1);
	}
	t0 = now_s();
	for (i = 0; i < n; i++) {
		snprintf(ns, sizeof(ns), "team-%zu", i % NNS);
		if (tb_store_delete(s, RES, ns, names[i], 0, &err) < 0) {
			fprintf(stderr, "delete: %s\n", err.msg);
			exit(1);
		}
	}
	t = now_s() - t0;
	printf("  delete:   %9.0f deletes/s  (%.1f us each, synchronous=NORMAL)\n", n / t,
	       t / n * 1e6);
	tb_store_close(s);
	r0 = rss();
	t0 = now_s();
	if (tb_store_open(&s, dir, &opts, &err) < 0) {
		fprintf(stderr, "reopen: %s\n", err.msg);
		exit(1);
	}
	t = now_s() - t0;
	/* The history holds the newest deletions, their texts within its bound. */
	printf("  reopen:   %9.3f s          (after deleting all: RSS +%.1f MiB for the"
	       " deletions in the history)\n", t, (rss() - r0) / 1048576);
	tb_store_close(s);

	for (i = 0; i < n; i++) {
		tb_free(text[i]);
		tb_free(names[i]);
	}
	tb_free(text);
	tb_free(lat);
	tb_free(names);
	tb_free(lens);
	rm_dir(dir);
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		bench(10000);
		bench(100000);
	}
	for (i = 1; i < argc; i++)
		bench((size_t)strtoul(argv[i], NULL, 10));
	return 0;
}
