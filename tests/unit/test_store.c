/* The object store: round trips, order and pagination, preconditions,
 * resourceVersions in the text, labels, events and their history, reopen,
 * durability across SIGKILL of a writer (before and after the WAL has been
 * checkpointed and rewound), the data directory's lock, a WAL bounded under a
 * write burst, and bad inputs. Every test works in its own temporary
 * directory, removed afterwards. */
#include "testutil.h"

#include "store/store.h"

#include <dirent.h>
#include <inttypes.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct tstate {
	char dir[64];
};

static int setup(void **state)
{
	struct tstate *t = tb_calloc(1, sizeof(*t));

	snprintf(t->dir, sizeof(t->dir), "/tmp/tb-store-XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	*state = t;
	return 0;
}

/* Removes dir and what is in it (files, and the directories tests make). */
static void rm_dir(const char *dir)
{
	char path[512];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d) {
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if (unlink(path) < 0)
				rm_dir(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

static int teardown(void **state)
{
	struct tstate *t = *state;

	rm_dir(t->dir);
	tb_free(t);
	return 0;
}

static struct tb_store *open_store(const char *dir, size_t history)
{
	struct tb_store_opts o = { TB_SYNC_NORMAL, history };
	struct tb_err err = TB_ERR_INIT;
	struct tb_store *s;

	if (tb_store_open(&s, dir, &o, &err) < 0)
		fail_msg("open %s: %s", dir, err.msg);
	return s;
}

static const struct tb_store_obj *put(struct tb_store *s, const char *res, const char *ns,
				      const char *name, const char *json)
{
	struct tb_err err = TB_ERR_INIT;
	const struct tb_store_obj *o = NULL;

	if (tb_store_put(s, res, ns, name, json, strlen(json), 0, false, false, &o, &err) < 0)
		fail_msg("put %s %s/%s: %s", res, ns, name, err.msg);
	return o;
}

static int put_rc(struct tb_store *s, const char *name, const char *json, uint64_t expected,
		  bool must_create, bool must_exist)
{
	struct tb_err err = TB_ERR_INIT;
	int rc = tb_store_put(s, "configmaps", "default", name, json, strlen(json), expected,
			      must_create, must_exist, NULL, &err);

	if (rc < 0) {
		assert_int_equal(err.code, rc);
		assert_true(err.msg[0] != '\0');
	}
	return rc;
}

/* metadata.resourceVersion of a stored text. */
static uint64_t text_rv(const char *json)
{
	json_t *j = json_loads(json, 0, NULL);
	const char *s;
	uint64_t rv;

	assert_non_null(j);
	s = json_string_value(json_object_get(json_object_get(j, "metadata"), "resourceVersion"));
	assert_non_null(s);
	rv = strtoull(s, NULL, 10);
	json_decref(j);
	return rv;
}

/* ---- lists --------------------------------------------------------------------- */

struct collect {
	char keys[64][64];
	size_t n, limit;
};

static int collect_fn(void *data, const struct tb_store_obj *o)
{
	struct collect *c = data;

	assert_true(c->n < 64);
	snprintf(c->keys[c->n++], sizeof(c->keys[0]), "%s/%s", o->ns, o->name);
	return c->limit && c->n == c->limit ? 7 : 0;
}

static void expect_list(const struct tb_store *s, const char *res, const char *ns,
			const char *after_ns, const char *after_name, const char *want)
{
	struct collect c = { .n = 0 };
	struct tb_strbuf got = TB_STRBUF_INIT;
	size_t i;

	assert_int_equal(tb_store_list(s, res, ns, after_ns, after_name, collect_fn, &c), 0);
	for (i = 0; i < c.n; i++)
		tb_strbuf_addf(&got, "%s%s", i ? " " : "", c.keys[i]);
	if (strcmp(got.buf, want))
		fail_msg("list %s ns=%s after=%s/%s\n want %s\n got  %s", res, ns ? ns : "*",
			 after_ns ? after_ns : "-", after_name ? after_name : "-", want, got.buf);
	tb_strbuf_release(&got);
}

static void count_fn(void *data, const struct tb_store_event *ev)
{
	(void)ev;
	(*(int *)data)++;
}

/* ---- tests ------------------------------------------------------------------------- */

/* Put, get, replace, delete; texts compacted and stamped. */
static void test_store__roundtrip(void **state)
{
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 0);
	const struct tb_store_obj *o, *g;
	struct tb_err err = TB_ERR_INIT;

	assert_int_equal(tb_store_rv(s), 0);
	assert_int_equal(tb_store_count(s, "configmaps"), 0);
	assert_null(tb_store_get(s, "configmaps", "default", "a"));

	o = put(s, "configmaps", "default", "a",
		"{ \"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n"
		"  \"metadata\": {\"name\": \"a\", \"namespace\": \"default\"},\n"
		"  \"data\": {\"k\": \"v\", \"e\": \"\\u00e9\"} }");
	assert_string_equal(o->json,
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\","
		"\"namespace\":\"default\",\"resourceVersion\":\"1\"},\"data\":{\"k\":\"v\","
		"\"e\":\"\xc3\xa9\"}}");
	assert_int_equal(o->len, strlen(o->json));
	assert_int_equal(o->rv, 1);
	assert_string_equal(o->res, "configmaps");
	assert_string_equal(o->ns, "default");
	assert_string_equal(o->name, "a");
	g = tb_store_get(s, "configmaps", "default", "a");
	assert_ptr_equal(g, o);
	assert_int_equal(tb_store_count(s, "configmaps"), 1);
	assert_int_equal(tb_store_rv(s), 1);
	assert_null(tb_store_get(s, "secrets", "default", "a"));
	assert_null(tb_store_get(s, "configmaps", "other", "a"));
	assert_null(tb_store_get(s, "configmaps", "default", "b"));

	/* Replace. */
	o = put(s, "configmaps", "default", "a", "{\"metadata\":{\"name\":\"a\"},\"data\":{}}");
	assert_int_equal(o->rv, 2);
	assert_string_equal(o->json, "{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"2\"},"
			    "\"data\":{}}");
	assert_int_equal(tb_store_count(s, "configmaps"), 1);

	/* Cluster-scoped. */
	o = put(s, "clusters.cluster.karmada.io", "", "member1", "{\"kind\":\"Cluster\"}");
	assert_string_equal(o->ns, "");
	assert_ptr_equal(tb_store_get(s, "clusters.cluster.karmada.io", "", "member1"), o);
	assert_int_equal(tb_store_count(s, "clusters.cluster.karmada.io"), 1);

	assert_int_equal(tb_store_delete(s, "configmaps", "default", "a", 0, &err), 0);
	assert_null(tb_store_get(s, "configmaps", "default", "a"));
	assert_int_equal(tb_store_count(s, "configmaps"), 0);
	assert_int_equal(tb_store_rv(s), 4);
	assert_int_equal(tb_store_delete(s, "configmaps", "default", "a", 0, &err), -TB_ENOENT);
	assert_int_equal(tb_store_delete(s, "nothing", "default", "a", 0, &err), -TB_ENOENT);
	assert_int_equal(tb_store_rv(s), 4);
	/* Re-create after delete. */
	o = put(s, "configmaps", "default", "a", "{}");
	assert_string_equal(o->json, "{\"metadata\":{\"resourceVersion\":\"5\"}}");
	tb_store_close(s);
}

/* metadata.resourceVersion: inserted, replaced in place, monotonic. */
static void test_store__resource_version(void **state)
{
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 0);
	const struct tb_store_obj *o;
	uint64_t last = 0;
	char name[16];
	int i;

	o = put(s, "a", "", "x", "{\"z\":1,\"a\":[1,2,{\"b\":null}],\"m\":true}");
	assert_string_equal(o->json, "{\"z\":1,\"a\":[1,2,{\"b\":null}],\"m\":true,"
			    "\"metadata\":{\"resourceVersion\":\"1\"}}");
	/* A client-sent resourceVersion is overwritten where it stands. */
	o = put(s, "a", "", "y", "{\"metadata\":{\"resourceVersion\":\"999\",\"name\":\"y\"},"
		"\"spec\":{\"n\":-5,\"f\":1.5,\"s\":\"a\\\"b\\n\"}}");
	assert_string_equal(o->json, "{\"metadata\":{\"resourceVersion\":\"2\",\"name\":\"y\"},"
			    "\"spec\":{\"n\":-5,\"f\":1.5,\"s\":\"a\\\"b\\n\"}}");
	/* One counter across resources and namespaces, text and field agree. */
	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "n%d", i % 7);
		o = put(s, i % 2 ? "a" : "b", i % 3 ? "ns1" : "", name, "{\"metadata\":{}}");
		assert_true(o->rv > last);
		assert_int_equal(o->rv, last ? last + 1 : 3);
		assert_int_equal(text_rv(o->json), o->rv);
		last = o->rv;
	}
	assert_int_equal(tb_store_rv(s), last);
	tb_store_close(s);
}

/* (namespace, name) order, namespace filter and after-keys, across namespaces. */
static void test_store__list_order(void **state)
{
	static const char *const keys[][2] = {
		{ "b", "2" }, { "a-b", "1" }, { "", "z" }, { "a", "3" }, { "b", "1" },
		{ "a", "1" }, { "", "a" }, { "a", "10" }, { "c", "x" }, { "a", "2" },
	};
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 0);
	struct collect c = { .n = 0 };
	const char *all = "/a /z a/1 a/10 a/2 a/3 a-b/1 b/1 b/2 c/x";
	char after_ns[64], after_name[64], *slash;
	struct tb_strbuf pages = TB_STRBUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		put(s, "pods", keys[i][0], keys[i][1], "{}");
	put(s, "other", "a", "0", "{}");
	expect_list(s, "pods", NULL, NULL, NULL, all);
	expect_list(s, "nothing", NULL, NULL, NULL, "");
	expect_list(s, "pods", "a", NULL, NULL, "a/1 a/10 a/2 a/3");
	expect_list(s, "pods", "", NULL, NULL, "/a /z");
	expect_list(s, "pods", "zz", NULL, NULL, "");
	expect_list(s, "other", NULL, NULL, NULL, "a/0");
	/* After-keys: existing, missing, across namespaces, before and past the
	 * listed namespace, after_ns NULL meaning the listed one. */
	expect_list(s, "pods", NULL, "a", "10", "a/2 a/3 a-b/1 b/1 b/2 c/x");
	expect_list(s, "pods", NULL, "a", "25", "a/3 a-b/1 b/1 b/2 c/x");
	expect_list(s, "pods", NULL, "a", "3", "a-b/1 b/1 b/2 c/x");
	expect_list(s, "pods", NULL, "", "z", "a/1 a/10 a/2 a/3 a-b/1 b/1 b/2 c/x");
	expect_list(s, "pods", NULL, "c", "x", "");
	expect_list(s, "pods", NULL, NULL, "b", "/z a/1 a/10 a/2 a/3 a-b/1 b/1 b/2 c/x");
	expect_list(s, "pods", "a", NULL, "10", "a/2 a/3");
	expect_list(s, "pods", "a", "a", "3", "");
	expect_list(s, "pods", "b", "a", "3", "b/1 b/2");
	expect_list(s, "pods", "a", "b", "1", "");

	/* Pages of 3, each starting after the last key of the previous one. */
	c.limit = 3;
	assert_int_equal(tb_store_list(s, "pods", NULL, NULL, NULL, collect_fn, &c), 7);
	for (;;) {
		for (i = 0; i < c.n; i++)
			tb_strbuf_addf(&pages, "%s%s", pages.len ? " " : "", c.keys[i]);
		if (c.n < c.limit)
			break;
		snprintf(after_ns, sizeof(after_ns), "%s", c.keys[c.n - 1]);
		slash = strchr(after_ns, '/');
		*slash = '\0';
		snprintf(after_name, sizeof(after_name), "%s", slash + 1);
		c.n = 0;
		tb_store_list(s, "pods", NULL, after_ns, after_name, collect_fn, &c);
	}
	assert_string_equal(pages.buf, all);
	tb_strbuf_release(&pages);
	tb_store_close(s);
}

/* Random puts and deletes against a mirror: exercises chunk splits, merges,
 * hash growth and backward-shift deletion. */
static int cmp_str(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;

	return strcmp(*x, *y);
}

struct walk {
	const char **want;
	size_t n, i;
};

static int walk_fn(void *data, const struct tb_store_obj *o)
{
	struct walk *w = data;
	char key[64];

	snprintf(key, sizeof(key), "%s/%s", o->ns, o->name);
	assert_true(w->i < w->n);
	assert_string_equal(key, w->want[w->i]);
	w->i++;
	return 0;
}

/* Counts events, checking they come in rv order without gaps. */
static void seq_fn(void *data, const struct tb_store_event *ev)
{
	size_t *n = data;
	static uint64_t prev;

	if (*n)
		assert_int_equal(ev->rv, prev + 1);
	prev = ev->rv;
	(*n)++;
}

static void test_store__index_churn(void **state)
{
	enum { NKEYS = 3000, OPS = 16000 };
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 0);
	static char keys[NKEYS][32];
	static bool present[NKEYS];
	const char *want[NKEYS];
	struct tb_err err = TB_ERR_INIT;
	unsigned seed = 12345;
	size_t i, k, n;
	char ns[8];
	bool del;

	memset(present, 0, sizeof(present));
	for (k = 0; k < NKEYS; k++)
		snprintf(keys[k], sizeof(keys[k]), "ns%zu/obj-%zu", k % 5, (k * 7919) % NKEYS);
	for (i = 0; i < OPS; i++) {
		k = (size_t)rand_r(&seed) % NKEYS;
		/* Phases of mostly deletes thin every chunk, so neighbours merge. */
		del = (i / 4000) % 2 ? rand_r(&seed) % 16 != 0 : rand_r(&seed) % 4 == 0;

		snprintf(ns, sizeof(ns), "ns%zu", k % 5);
		if (del) {
			assert_int_equal(tb_store_delete(s, "x", ns, strchr(keys[k], '/') + 1, 0,
							 &err), present[k] ? 0 : -TB_ENOENT);
			present[k] = false;
		} else {
			put(s, "x", ns, strchr(keys[k], '/') + 1, "{}");
			present[k] = true;
		}
		if (i % 1000 == 999) {
			struct walk w = { want, 0, 0 };

			for (k = n = 0; k < NKEYS; k++)
				if (present[k])
					want[n++] = keys[k];
			qsort(want, n, sizeof(*want), cmp_str);
			w.n = n;
			assert_int_equal(tb_store_count(s, "x"), n);
			tb_store_list(s, "x", NULL, NULL, NULL, walk_fn, &w);
			assert_int_equal(w.i, n);
			for (k = 0; k < NKEYS; k++) {
				snprintf(ns, sizeof(ns), "ns%zu", k % 5);
				assert_int_equal(tb_store_get(s, "x", ns, strchr(keys[k], '/') + 1) != NULL,
						 present[k]);
			}
		}
	}
	/* Chunks of 256 filled in key order, then thinned: the second first,
	 * so that the first merges into its next, then the first again. */
	{
		static char ykeys[1024][16];
		const char *ywant[1024];
		struct walk yw = { ywant, 0, 0 };

		for (k = 0; k < 1024; k++) {
			snprintf(ykeys[k], sizeof(ykeys[k]), "/k%04zu", k);
			put(s, "y", "", ykeys[k] + 1, "{}");
		}
		for (k = 256; k < 456; k++)
			assert_int_equal(tb_store_delete(s, "y", "", ykeys[k] + 1, 0, &err), 0);
		for (k = 0; k < 200; k++)
			assert_int_equal(tb_store_delete(s, "y", "", ykeys[k] + 1, 0, &err), 0);
		for (k = 600; k < 800; k++)
			assert_int_equal(tb_store_delete(s, "y", "", ykeys[k] + 1, 0, &err), 0);
		for (k = 0; k < 1024; k++)
			if ((k >= 200 && k < 256) || (k >= 456 && k < 600) || k >= 800)
				ywant[yw.n++] = ykeys[k];
		tb_store_list(s, "y", NULL, NULL, NULL, walk_fn, &yw);
		assert_int_equal(yw.i, yw.n);
		for (k = 0; k < 1024; k++)
			assert_int_equal(tb_store_get(s, "y", "", ykeys[k] + 1) != NULL,
					 (k >= 200 && k < 256) || (k >= 456 && k < 600) || k >= 800);
	}
	/* The history ring grew past its first size with every event in place. */
	n = 0;
	assert_int_equal(tb_store_events_since(s, NULL, tb_store_rv(s) - 5000, seq_fn, &n), 0);
	assert_int_equal(n, 5000);
	tb_store_close(s);
}

/* expected_rv, must_create, must_exist: errors, and nothing changes. */
static void test_store__preconditions(void **state)
{
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 0);
	struct tb_err err = TB_ERR_INIT;
	int ev = 0;

	assert_int_equal(put_rc(s, "a", "{}", 0, false, true), -TB_ENOENT);
	assert_int_equal(put_rc(s, "a", "{}", 5, false, false), -TB_ECONFLICT);
	assert_int_equal(tb_store_rv(s), 0);
	assert_int_equal(put_rc(s, "a", "{\"v\":1}", 0, true, false), 0);
	assert_int_equal(put_rc(s, "a", "{\"v\":2}", 0, true, false), -TB_EEXIST);
	assert_int_equal(put_rc(s, "a", "{\"v\":2}", 2, false, false), -TB_ECONFLICT);
	assert_int_equal(put_rc(s, "a", "{\"v\":2}", 2, false, true), -TB_ECONFLICT);
	assert_int_equal(tb_store_rv(s), 1);
	assert_int_equal(tb_store_get(s, "configmaps", "default", "a")->rv, 1);
	assert_non_null(strstr(tb_store_get(s, "configmaps", "default", "a")->json, "\"v\":1"));
	assert_int_equal(put_rc(s, "a", "{\"v\":2}", 1, false, true), 0);
	assert_int_equal(put_rc(s, "a", "{\"v\":3}", 2, false, false), 0);
	assert_int_equal(put_rc(s, "a", "{\"v\":4}", 0, false, true), 0);
	assert_int_equal(tb_store_rv(s), 4);
	assert_int_equal(tb_store_delete(s, "configmaps", "default", "a", 3, &err),
			 -TB_ECONFLICT);
	assert_int_equal(err.code, -TB_ECONFLICT);
	assert_non_null(strstr(err.msg, "modified"));
	assert_int_equal(tb_store_delete(s, "configmaps", "default", "b", 0, &err), -TB_ENOENT);
	assert_int_equal(tb_store_delete(s, "configmaps", "default", "a", 4, &err), 0);
	assert_int_equal(tb_store_rv(s), 5);
	/* Failures emitted nothing: the history holds exactly the 5 changes. */
	assert_int_equal(tb_store_events_since(s, NULL, 0, count_fn, &ev), 0);
	assert_int_equal(ev, 5);
	tb_store_close(s);
}

/* o's label key as a string (a static buffer), or NULL. */
static const char *label(const struct tb_store_obj *o, const char *key)
{
	static char buf[256];
	const char *v;
	size_t n;

	if (!(v = tb_store_label(o, key, &n)))
		return NULL;
	assert_true(n < sizeof(buf));
	memcpy(buf, v, n);
	buf[n] = '\0';
	return buf;
}

/* metadata.labels found once, as spans of the stored text (copies when their
 * JSON form has an escape). */
static void test_store__labels(void **state)
{
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 0);
	const struct tb_store_obj *o;

	o = put(s, "deployments.apps", "default", "web",
		"{\"metadata\":{\"name\":\"web\",\"labels\":{\"app\":\"web\",\"tier\":\"front\","
		"\"n\":5,\"empty\":\"\",\"\xc3\xa9t\xc3\xa9\":\"\\u00e9\"}},\"spec\":{\"labels\":"
		"{\"not\":\"these\"}}}");
	assert_int_equal(o->nlabels, 4);	/* the number is no label */
	assert_string_equal(label(o, "app"), "web");
	assert_string_equal(label(o, "tier"), "front");
	assert_string_equal(label(o, "empty"), "");
	assert_string_equal(label(o, "\xc3\xa9t\xc3\xa9"), "\xc3\xa9");
	assert_null(label(o, "n"));
	assert_null(label(o, "not"));
	assert_null(label(o, "ap"));
	assert_true(o->labels[0].k < o->len);	/* a span of the text */

	o = put(s, "deployments.apps", "default", "web", "{\"metadata\":{\"labels\":{\"app\":\"v2\"}}}");
	assert_int_equal(o->nlabels, 1);
	assert_string_equal(label(o, "app"), "v2");
	o = put(s, "deployments.apps", "default", "none", "{\"metadata\":{\"name\":\"none\"}}");
	assert_int_equal(o->nlabels, 0);
	o = put(s, "deployments.apps", "default", "null", "{\"metadata\":{\"labels\":null}}");
	assert_int_equal(o->nlabels, 0);
	o = put(s, "deployments.apps", "default", "bare", "{}");
	assert_int_equal(o->nlabels, 0);
	/* Escaped in the text: copied after it, unescaped. Values before the
	 * labels of every JSON type are skipped on the way to them. */
	o = put(s, "deployments.apps", "default", "esc",
		"{\"metadata\":{\"name\":\"esc\",\"x\":[1,{\"a\":\"}\"}],\"t\":true,"
		"\"labels\":{\"q\":\"a\\\"b\",\"k\\\\\":\"v\",\"plain\":\"p\"}}}");
	assert_int_equal(o->nlabels, 3);
	assert_string_equal(label(o, "q"), "a\"b");
	assert_string_equal(label(o, "k\\"), "v");
	assert_string_equal(label(o, "plain"), "p");
	assert_true(o->labels[0].v > o->len);
	tb_store_close(s);

	/* And the same after a reopen, from the stored rows. */
	s = open_store(t->dir, 0);
	o = tb_store_get(s, "deployments.apps", "default", "esc");
	assert_int_equal(o->nlabels, 3);
	assert_string_equal(label(o, "q"), "a\"b");
	assert_string_equal(label(o, "plain"), "p");
	o = tb_store_get(s, "deployments.apps", "default", "web");
	assert_int_equal(o->nlabels, 1);
	assert_string_equal(label(o, "app"), "v2");
	assert_true(o->labels[0].v < o->len);
	tb_store_close(s);
}

/* ---- events ------------------------------------------------------------------------ */

struct rec_ev {
	enum tb_store_ev_type type;
	uint64_t rv;
	char key[96];
	char *json;
};

struct recorder {
	struct rec_ev v[64];
	size_t n;
	struct tb_store *s;	/* for callbacks that write */
	int id;
};

static void rec_fn(void *data, const struct tb_store_event *ev)
{
	struct recorder *r = data;
	struct rec_ev *e = &r->v[r->n++];

	assert_true(r->n <= 64);
	e->type = ev->type;
	e->rv = ev->rv;
	/* An event's object and text say the event's rv. */
	assert_int_equal(ev->obj->rv, ev->rv);
	assert_int_equal(text_rv(ev->obj->json), ev->rv);
	assert_int_equal(strlen(ev->obj->json), ev->obj->len);
	snprintf(e->key, sizeof(e->key), "%s %s/%s", ev->obj->res, ev->obj->ns, ev->obj->name);
	e->json = tb_strdup(ev->obj->json);
}

static void rec_reset(struct recorder *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		tb_free(r->v[i].json);
	r->n = 0;
}

static void expect_ev(const struct recorder *r, size_t i, enum tb_store_ev_type type,
		      uint64_t rv, const char *key, const char *needle)
{
	assert_true(i < r->n);
	assert_int_equal(r->v[i].type, type);
	assert_int_equal(r->v[i].rv, rv);
	assert_string_equal(r->v[i].key, key);
	if (needle && !strstr(r->v[i].json, needle))
		fail_msg("event %zu: want %s in %s", i, needle, r->v[i].json);
}

/* Subscribers see each committed change, with its own text. */
static void test_store__events(void **state)
{
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 0);
	struct recorder a = { .n = 0 }, b = { .n = 0 };
	struct tb_err err = TB_ERR_INIT;
	int ida, idb;

	ida = tb_store_subscribe(s, rec_fn, &a);
	idb = tb_store_subscribe(s, rec_fn, &b);
	assert_true(ida > 0 && idb > 0 && ida != idb);
	put(s, "configmaps", "ns", "a", "{\"data\":{\"v\":\"1\"}}");
	put(s, "configmaps", "ns", "a", "{\"data\":{\"v\":\"2\"}}");
	put(s, "secrets", "ns", "a", "{\"data\":{\"v\":\"s\"}}");
	assert_int_equal(tb_store_delete(s, "configmaps", "ns", "a", 0, &err), 0);
	/* Failed writes are no events. */
	assert_int_equal(put_rc(s, "zz", "[", 0, false, false), -TB_EINVAL);
	assert_int_equal(tb_store_delete(s, "configmaps", "ns", "a", 0, &err), -TB_ENOENT);
	assert_int_equal(a.n, 4);
	expect_ev(&a, 0, TB_EV_ADDED, 1, "configmaps ns/a", "\"v\":\"1\"");
	expect_ev(&a, 1, TB_EV_MODIFIED, 2, "configmaps ns/a", "\"v\":\"2\"");
	expect_ev(&a, 2, TB_EV_ADDED, 3, "secrets ns/a", "\"v\":\"s\"");
	/* DELETED carries the last text, stamped with the deletion's rv. */
	expect_ev(&a, 3, TB_EV_DELETED, 4, "configmaps ns/a", "\"v\":\"2\"");
	assert_string_equal(a.v[3].json, "{\"data\":{\"v\":\"2\"},\"metadata\":"
			    "{\"resourceVersion\":\"4\"}}");
	assert_int_equal(b.n, 4);
	assert_string_equal(b.v[1].json, a.v[1].json);

	tb_store_unsubscribe(s, ida);
	tb_store_unsubscribe(s, ida);	/* twice: harmless */
	tb_store_unsubscribe(s, 12345);
	put(s, "configmaps", "ns", "b", "{}");
	assert_int_equal(a.n, 4);
	assert_int_equal(b.n, 5);
	expect_ev(&b, 4, TB_EV_ADDED, 5, "configmaps ns/b", NULL);
	tb_store_unsubscribe(s, idb);
	put(s, "configmaps", "ns", "c", "{}");
	assert_int_equal(b.n, 5);
	rec_reset(&a);
	rec_reset(&b);
	tb_store_close(s);
}

/* Replay from the history: order, resource filter, texts kept, 410 Gone. */
static void test_store__events_since(void **state)
{
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 0);
	struct recorder r = { .n = 0 };
	struct tb_err err = TB_ERR_INIT;

	assert_int_equal(tb_store_events_since(s, NULL, 0, rec_fn, &r), 0);
	assert_int_equal(tb_store_events_since(s, NULL, 1, rec_fn, &r), -TB_EGONE);
	assert_int_equal(r.n, 0);
	put(s, "configmaps", "ns", "a", "{\"data\":{\"v\":\"1\"}}");
	put(s, "pods", "ns", "p", "{}");
	put(s, "configmaps", "ns", "a", "{\"data\":{\"v\":\"2\"}}");
	assert_int_equal(tb_store_delete(s, "configmaps", "ns", "a", 0, &err), 0);
	put(s, "configmaps", "", "c", "{}");

	assert_int_equal(tb_store_events_since(s, NULL, 0, rec_fn, &r), 0);
	assert_int_equal(r.n, 5);
	/* The first event kept its own text though the object changed since. */
	expect_ev(&r, 0, TB_EV_ADDED, 1, "configmaps ns/a", "\"v\":\"1\"");
	expect_ev(&r, 1, TB_EV_ADDED, 2, "pods ns/p", NULL);
	expect_ev(&r, 2, TB_EV_MODIFIED, 3, "configmaps ns/a", "\"v\":\"2\"");
	expect_ev(&r, 3, TB_EV_DELETED, 4, "configmaps ns/a", "\"v\":\"2\"");
	expect_ev(&r, 4, TB_EV_ADDED, 5, "configmaps /c", NULL);
	rec_reset(&r);

	assert_int_equal(tb_store_events_since(s, "configmaps", 1, rec_fn, &r), 0);
	assert_int_equal(r.n, 3);
	expect_ev(&r, 0, TB_EV_MODIFIED, 3, "configmaps ns/a", NULL);
	expect_ev(&r, 2, TB_EV_ADDED, 5, "configmaps /c", NULL);
	rec_reset(&r);
	assert_int_equal(tb_store_events_since(s, "pods", 0, rec_fn, &r), 0);
	assert_int_equal(r.n, 1);
	rec_reset(&r);
	assert_int_equal(tb_store_events_since(s, "unknown", 0, rec_fn, &r), 0);
	assert_int_equal(tb_store_events_since(s, NULL, 5, rec_fn, &r), 0);
	assert_int_equal(r.n, 0);
	/* A future rv is from a history this store never had. */
	assert_int_equal(tb_store_events_since(s, NULL, 6, rec_fn, &r), -TB_EGONE);
	tb_store_close(s);
}

/* opts->history bounds the events kept; older starts are Gone. */
static void test_store__history_bound(void **state)
{
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 3);
	struct recorder r = { .n = 0 };
	char name[16];
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "o%d", i % 2);
		put(s, "configmaps", "ns", name, "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}");
	}
	assert_int_equal(tb_store_events_since(s, NULL, 0, rec_fn, &r), -TB_EGONE);
	assert_int_equal(tb_store_events_since(s, NULL, 1, rec_fn, &r), -TB_EGONE);
	assert_int_equal(r.n, 0);
	assert_int_equal(tb_store_events_since(s, NULL, 2, rec_fn, &r), 0);
	assert_int_equal(r.n, 3);
	expect_ev(&r, 0, TB_EV_MODIFIED, 3, "configmaps ns/o0", NULL);
	expect_ev(&r, 2, TB_EV_MODIFIED, 5, "configmaps ns/o0", NULL);
	rec_reset(&r);
	/* Many more changes, the ring still holds exactly three. */
	for (i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "o%d", i % 50);
		put(s, "configmaps", "ns", name, "{}");
	}
	assert_int_equal(tb_store_events_since(s, NULL, 2001, rec_fn, &r), -TB_EGONE);
	assert_int_equal(tb_store_events_since(s, NULL, 2002, rec_fn, &r), 0);
	assert_int_equal(r.n, 3);
	expect_ev(&r, 2, TB_EV_MODIFIED, 2005, "configmaps ns/o49", NULL);
	rec_reset(&r);
	tb_store_close(s);
}

/* Superseded texts count toward the history: with opts->history = 16, at most
 * 16 x 16 KiB of them, whatever the count. */
static void test_store__history_bytes(void **state)
{
	enum { BIG = 100000 };
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 16);
	struct recorder r = { .n = 0 };
	struct tb_err err = TB_ERR_INIT;
	char *big = tb_malloc(BIG + 32);
	int i = 0, n;

	n = snprintf(big, 32, "{\"data\":\"");
	memset(big + n, 'x', BIG - (size_t)n - 2);
	memcpy(big + BIG - 2, "\"}", 3);
	for (i = 0; i < 10; i++)
		put(s, "configmaps", "ns", "big", big);
	/* Two superseded copies fit in 256 KiB, plus the current one. */
	assert_int_equal(tb_store_events_since(s, NULL, 6, rec_fn, &r), -TB_EGONE);
	assert_int_equal(tb_store_events_since(s, NULL, 7, rec_fn, &r), 0);
	assert_int_equal(r.n, 3);
	rec_reset(&r);
	/* Deleted texts count too, and the last version once deleted: only it
	 * and the DELETED event still fit. */
	assert_int_equal(tb_store_delete(s, "configmaps", "ns", "big", 0, &err), 0);
	assert_int_equal(tb_store_events_since(s, NULL, 8, rec_fn, &r), -TB_EGONE);
	assert_int_equal(tb_store_events_since(s, NULL, 9, rec_fn, &r), 0);
	assert_int_equal(r.n, 2);
	expect_ev(&r, 0, TB_EV_MODIFIED, 10, "configmaps ns/big", "xxxx");
	expect_ev(&r, 1, TB_EV_DELETED, 11, "configmaps ns/big", "xxxx");
	rec_reset(&r);
	/* Small objects: the count bound bites first. */
	for (i = 0; i < 40; i++)
		put(s, "configmaps", "ns", "small", "{}");
	assert_int_equal(tb_store_events_since(s, NULL, 50 - 16, count_fn, &n), -TB_EGONE);
	assert_int_equal(tb_store_events_since(s, NULL, 51 - 16, count_fn, &n), 0);
	tb_free(big);
	tb_store_close(s);
}

/* A subscriber that writes: every subscriber still sees rv order; one that
 * unsubscribes or subscribes from a callback takes effect cleanly. */
static void writer_fn(void *data, const struct tb_store_event *ev)
{
	struct recorder *r = data;

	rec_fn(r, ev);
	if (!strcmp(ev->obj->name, "trigger"))
		put(r->s, "configmaps", "ns", "echo", "{}");
	if (!strcmp(ev->obj->name, "echo")) {
		tb_store_unsubscribe(r->s, r->id);
		put(r->s, "configmaps", "ns", "after-echo", "{}");
	}
}

static void test_store__subscriber_writes(void **state)
{
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 0);
	struct recorder w = { .n = 0 }, b = { .n = 0 };

	w.s = s;
	w.id = tb_store_subscribe(s, writer_fn, &w);
	tb_store_subscribe(s, rec_fn, &b);
	put(s, "configmaps", "ns", "trigger", "{}");
	assert_int_equal(tb_store_rv(s), 3);
	/* The writer saw trigger and echo, then unsubscribed. */
	assert_int_equal(w.n, 2);
	expect_ev(&w, 0, TB_EV_ADDED, 1, "configmaps ns/trigger", NULL);
	expect_ev(&w, 1, TB_EV_ADDED, 2, "configmaps ns/echo", NULL);
	assert_int_equal(b.n, 3);
	expect_ev(&b, 0, TB_EV_ADDED, 1, "configmaps ns/trigger", NULL);
	expect_ev(&b, 1, TB_EV_ADDED, 2, "configmaps ns/echo", NULL);
	expect_ev(&b, 2, TB_EV_ADDED, 3, "configmaps ns/after-echo", NULL);
	put(s, "configmaps", "ns", "more", "{}");
	assert_int_equal(w.n, 2);
	assert_int_equal(b.n, 4);
	rec_reset(&w);
	rec_reset(&b);
	tb_store_close(s);
}

/* A list callback that writes: the walk goes on past the object it was at. */
struct lw {
	struct tb_store *s;
	struct collect c;
};

static int list_writer_fn(void *data, const struct tb_store_obj *o)
{
	struct lw *l = data;
	struct tb_err err = TB_ERR_INIT;
	char name[32];

	collect_fn(&l->c, o);
	snprintf(name, sizeof(name), "%s", o->name);
	/* Replacing or deleting the object frees its text once the walk lets go. */
	if (!strcmp(name, "n3"))
		put(l->s, "pods", "ns", "n35", "{}");
	if (!strcmp(name, "n5"))
		put(l->s, "pods", "ns", "n5", "{\"again\":1}");
	assert_int_equal(tb_store_delete(l->s, "pods", "ns", name, 0, &err), 0);
	return 0;
}

static void test_store__list_writes(void **state)
{
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 2);
	struct lw l = { s, { .n = 0 } };
	char name[8];
	int i;

	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		put(s, "pods", "ns", name, "{}");
	}
	assert_int_equal(tb_store_list(s, "pods", NULL, NULL, NULL, list_writer_fn, &l), 0);
	assert_int_equal(l.c.n, 9);
	assert_string_equal(l.c.keys[3], "ns/n3");
	assert_string_equal(l.c.keys[4], "ns/n35");
	assert_string_equal(l.c.keys[8], "ns/n7");
	assert_int_equal(tb_store_count(s, "pods"), 0);
	tb_store_close(s);
}

/* ---- persistence ------------------------------------------------------------------- */

/* Close and open again: every object, text, label and the rv, exactly. */
static void test_store__reopen(void **state)
{
	enum { N = 500 };
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 0);
	struct tb_err err = TB_ERR_INIT;
	struct recorder r = { .n = 0 };
	const struct tb_store_obj *o, *g;
	static char *texts[N];
	static uint64_t rvs[N];
	char name[32], json[256];
	uint64_t rv;
	size_t i, j;

	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "obj-%zu", (i * 37) % N);
		snprintf(json, sizeof(json), "{\"metadata\":{\"name\":\"%s\",\"labels\":"
			 "{\"i\":\"%zu\",\"mod\":\"%zu\"}},\"spec\":{\"n\":%zu}}", name, i, i % 3, i);
		put(s, i % 2 ? "configmaps" : "secrets.v1", i % 4 < 2 ? "ns-a" : "", name, json);
	}
	/* Updates, deletes, and a final delete so the rv is above every row's. */
	for (i = 0; i < N; i += 7) {
		snprintf(name, sizeof(name), "obj-%zu", (i * 37) % N);
		put(s, i % 2 ? "configmaps" : "secrets.v1", i % 4 < 2 ? "ns-a" : "", name,
		    "{\"updated\":true,\"metadata\":{\"labels\":{\"u\":\"1\"}}}");
	}
	for (i = 3; i < N; i += 11) {
		snprintf(name, sizeof(name), "obj-%zu", (i * 37) % N);
		assert_int_equal(tb_store_delete(s, i % 2 ? "configmaps" : "secrets.v1",
						 i % 4 < 2 ? "ns-a" : "", name, 0, &err), 0);
	}
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "obj-%zu", (i * 37) % N);
		o = tb_store_get(s, i % 2 ? "configmaps" : "secrets.v1", i % 4 < 2 ? "ns-a" : "",
				 name);
		texts[i] = o ? tb_strdup(o->json) : NULL;
		rvs[i] = o ? o->rv : 0;
	}
	rv = tb_store_rv(s);
	tb_store_close(s);

	s = open_store(t->dir, 0);
	assert_int_equal(tb_store_rv(s), rv);
	/* The index is rebuilt in order. */
	{
		static char keys[N][48];
		const char *want[N];
		struct walk w = { want, 0, 0 };

		for (i = 0; i < N; i++) {
			if (!texts[i] || i % 2)
				continue;
			snprintf(keys[w.n], sizeof(keys[0]), "%s/obj-%zu", i % 4 < 2 ? "ns-a" : "",
				 (i * 37) % N);
			want[w.n] = keys[w.n];
			w.n++;
		}
		qsort(want, w.n, sizeof(*want), cmp_str);
		tb_store_list(s, "secrets.v1", NULL, NULL, NULL, walk_fn, &w);
		assert_int_equal(w.i, w.n);
		assert_int_equal(tb_store_count(s, "secrets.v1"), w.n);
	}
	for (i = 0, j = 0; i < N; i++) {
		snprintf(name, sizeof(name), "obj-%zu", (i * 37) % N);
		g = tb_store_get(s, i % 2 ? "configmaps" : "secrets.v1", i % 4 < 2 ? "ns-a" : "",
				 name);
		if (!texts[i]) {
			assert_null(g);
			continue;
		}
		j++;
		assert_non_null(g);
		assert_string_equal(g->json, texts[i]);
		assert_int_equal(g->len, strlen(texts[i]));
		assert_int_equal(g->rv, rvs[i]);
		assert_int_equal(text_rv(g->json), rvs[i]);
		if (strstr(texts[i], "updated")) {
			assert_int_equal(g->nlabels, 1);
			assert_string_equal(label(g, "u"), "1");
		} else {
			snprintf(json, sizeof(json), "%zu", i);
			assert_int_equal(g->nlabels, 2);
			assert_string_equal(label(g, "i"), json);
		}
		tb_free(texts[i]);
	}
	assert_int_equal(tb_store_count(s, "configmaps") + tb_store_count(s, "secrets.v1"), j);
	assert_int_equal(tb_store_count(s, NULL), j);
	/* The history is rebuilt: the last change, a deletion, replays. */
	assert_int_equal(tb_store_events_since(s, NULL, rv, rec_fn, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(tb_store_events_since(s, NULL, rv - 1, rec_fn, &r), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.v[0].type, TB_EV_DELETED);
	rec_reset(&r);
	o = put(s, "configmaps", "ns-a", "new", "{}");
	assert_int_equal(o->rv, rv + 1);
	assert_int_equal(tb_store_events_since(s, NULL, rv, rec_fn, &r), 0);
	assert_int_equal(r.n, 1);
	rec_reset(&r);
	tb_store_close(s);
	/* An empty store reopens empty, its rv kept. */
	s = open_store(t->dir, 0);
	assert_int_equal(tb_store_rv(s), rv + 1);
	tb_store_close(s);
}

static void labels_fn(void *data, const struct tb_store_event *ev)
{
	if (strcmp(ev->obj->name, "b"))
		return;
	assert_int_equal(ev->obj->nlabels, 1);
	assert_string_equal(label(ev->obj, "app"), "b");
	(*(int *)data)++;
}

/* A watch resumes across a restart: the deletions and the latest version of
 * every object changed after its rv, in rv order, nothing older. */
static void test_store__restart_resume(void **state)
{
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 0);
	struct recorder live = { .n = 0 }, r = { .n = 0 };
	struct tb_err err = TB_ERR_INIT;
	uint64_t before, end;
	int n = 0;

	put(s, "configmaps", "ns", "a", "{\"data\":{\"v\":\"1\"}}");
	put(s, "configmaps", "ns", "b", "{\"metadata\":{\"labels\":{\"app\":\"b\"}},"
	    "\"data\":{\"v\":\"b\"}}");
	put(s, "configmaps", "ns", "c", "{}");
	put(s, "pods", "ns", "p", "{}");
	before = tb_store_rv(s);
	tb_store_subscribe(s, rec_fn, &live);
	assert_int_equal(tb_store_delete(s, "configmaps", "ns", "b", 0, &err), 0);
	put(s, "configmaps", "ns", "a", "{\"data\":{\"v\":\"2\"}}");
	put(s, "configmaps", "ns", "a", "{\"data\":{\"v\":\"3\"}}");
	/* Born and gone after the watcher's rv, and born after it. */
	put(s, "configmaps", "ns", "d", "{}");
	assert_int_equal(tb_store_delete(s, "configmaps", "ns", "d", 0, &err), 0);
	put(s, "configmaps", "", "e", "{}");
	end = tb_store_rv(s);
	assert_int_equal(live.n, 6);
	tb_store_close(s);

	s = open_store(t->dir, 0);
	assert_int_equal(tb_store_rv(s), end);
	assert_int_equal(tb_store_count(s, NULL), 4);
	assert_int_equal(tb_store_events_since(s, NULL, before, rec_fn, &r), 0);
	assert_int_equal(r.n, 4);
	/* The DELETED events carry what they carried before the restart. */
	expect_ev(&r, 0, TB_EV_DELETED, before + 1, "configmaps ns/b", "\"v\":\"b\"");
	assert_string_equal(r.v[0].json, live.v[0].json);
	/* a changed twice: its latest version only, as MODIFIED. */
	expect_ev(&r, 1, TB_EV_MODIFIED, before + 3, "configmaps ns/a", "\"v\":\"3\"");
	assert_string_equal(r.v[1].json, live.v[2].json);
	expect_ev(&r, 2, TB_EV_DELETED, before + 5, "configmaps ns/d", NULL);
	assert_string_equal(r.v[2].json, live.v[4].json);
	expect_ev(&r, 3, TB_EV_MODIFIED, end, "configmaps /e", NULL);
	rec_reset(&r);
	rec_reset(&live);
	/* A tombstone keeps the labels, for selectors. */
	assert_int_equal(tb_store_events_since(s, NULL, before, labels_fn, &n), 0);
	assert_int_equal(n, 1);
	/* From the middle, per resource, and the edges. */
	assert_int_equal(tb_store_events_since(s, NULL, before + 3, rec_fn, &r), 0);
	assert_int_equal(r.n, 2);
	expect_ev(&r, 0, TB_EV_DELETED, before + 5, "configmaps ns/d", NULL);
	rec_reset(&r);
	assert_int_equal(tb_store_events_since(s, "pods", before, rec_fn, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(tb_store_events_since(s, NULL, end, rec_fn, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(tb_store_events_since(s, NULL, end + 1, rec_fn, &r), -TB_EGONE);
	/* The store was created here, so the whole collapsed history is there:
	 * older objects too, at their own rvs. */
	assert_int_equal(tb_store_events_since(s, NULL, 0, rec_fn, &r), 0);
	assert_int_equal(r.n, 6);
	expect_ev(&r, 0, TB_EV_MODIFIED, 3, "configmaps ns/c", NULL);
	expect_ev(&r, 1, TB_EV_MODIFIED, 4, "pods ns/p", NULL);
	rec_reset(&r);
	/* New changes follow the rebuilt history. */
	put(s, "configmaps", "ns", "f", "{}");
	assert_int_equal(tb_store_events_since(s, NULL, before, rec_fn, &r), 0);
	assert_int_equal(r.n, 5);
	expect_ev(&r, 4, TB_EV_ADDED, end + 1, "configmaps ns/f", NULL);
	rec_reset(&r);
	tb_store_close(s);

	/* A smaller history keeps the newest events, and the rest is Gone. */
	s = open_store(t->dir, 2);
	assert_int_equal(tb_store_events_since(s, NULL, before, rec_fn, &r), -TB_EGONE);
	assert_int_equal(tb_store_events_since(s, NULL, before + 4, rec_fn, &r), -TB_EGONE);
	assert_int_equal(tb_store_events_since(s, NULL, before + 5, rec_fn, &r), 0);
	assert_int_equal(r.n, 2);
	expect_ev(&r, 0, TB_EV_MODIFIED, end, "configmaps /e", NULL);
	expect_ev(&r, 1, TB_EV_MODIFIED, end + 1, "configmaps ns/f", NULL);
	rec_reset(&r);
	tb_store_close(s);
}

static int tombstones_on_disk(const char *dir, int64_t *floor)
{
	char path[128];
	sqlite3_stmt *st;
	sqlite3 *db;
	int n;

	snprintf(path, sizeof(path), "%s/tugboat.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*), (SELECT value FROM meta WHERE"
					    " key = 'hist_floor') FROM tombstones", -1, &st,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int(st, 0);
	*floor = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* Tombstones are pruned with the history, and the floor persisted: an rv
 * older than it is Gone after a restart. */
static void test_store__restart_prune(void **state)
{
	enum { BIG = 100000 };
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 5);
	struct recorder r = { .n = 0 };
	struct tb_err err = TB_ERR_INIT;
	char name[16], *big, dir2[128];
	int64_t floor;
	int i, n;

	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "o%d", i);
		put(s, "configmaps", "ns", name, "{}");
	}
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "o%d", i);
		assert_int_equal(tb_store_delete(s, "configmaps", "ns", name, 0, &err), 0);
	}
	/* Events 76..80 in memory; on disk, what was after the floor when the
	 * last deletion committed. */
	assert_int_equal(tb_store_events_since(s, NULL, 74, rec_fn, &r), -TB_EGONE);
	assert_int_equal(tb_store_events_since(s, NULL, 75, rec_fn, &r), 0);
	assert_int_equal(r.n, 5);
	rec_reset(&r);
	tb_store_close(s);
	n = tombstones_on_disk(t->dir, &floor);
	assert_true(n >= 5 && n <= 10);
	assert_true(floor >= 70 && floor <= 75);
	assert_int_equal(floor, 80 - n);

	s = open_store(t->dir, 5);
	assert_int_equal(tb_store_rv(s), 80);
	assert_int_equal(tb_store_count(s, NULL), 0);
	assert_int_equal(tb_store_events_since(s, NULL, 10, rec_fn, &r), -TB_EGONE);
	assert_int_equal(tb_store_events_since(s, NULL, 74, rec_fn, &r), -TB_EGONE);
	assert_int_equal(tb_store_events_since(s, NULL, 75, rec_fn, &r), 0);
	assert_int_equal(r.n, 5);
	expect_ev(&r, 0, TB_EV_DELETED, 76, "configmaps ns/o35", NULL);
	expect_ev(&r, 4, TB_EV_DELETED, 80, "configmaps ns/o39", NULL);
	rec_reset(&r);
	/* A deletion now prunes what the reopened history left out. */
	put(s, "configmaps", "ns", "x", "{}");
	assert_int_equal(tb_store_delete(s, "configmaps", "ns", "x", 0, &err), 0);
	tb_store_close(s);
	assert_true(tombstones_on_disk(t->dir, &floor) <= 6);
	assert_true(floor >= 76);

	/* Tombstone texts count toward the history's bytes after a restart
	 * too: with history 16, two of 100 KB fit in 256 KiB, not ten. */
	snprintf(dir2, sizeof(dir2), "%s/big", t->dir);
	s = open_store(dir2, 16);
	big = tb_malloc(BIG + 32);
	n = snprintf(big, 32, "{\"data\":\"");
	memset(big + n, 'x', BIG - (size_t)n - 2);
	memcpy(big + BIG - 2, "\"}", 3);
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "big%d", i);
		put(s, "configmaps", "ns", name, big);
	}
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "big%d", i);
		assert_int_equal(tb_store_delete(s, "configmaps", "ns", name, 0, &err), 0);
	}
	tb_free(big);
	tb_store_close(s);
	s = open_store(dir2, 16);
	assert_int_equal(tb_store_events_since(s, NULL, 17, rec_fn, &r), -TB_EGONE);
	assert_int_equal(tb_store_events_since(s, NULL, 18, rec_fn, &r), 0);
	assert_int_equal(r.n, 2);
	expect_ev(&r, 1, TB_EV_DELETED, 20, "configmaps ns/big9", "xxxx");
	rec_reset(&r);
	tb_store_close(s);
}

/* A store written by schema 1 kept no tombstones: its history starts at the
 * rv it had, and deletions from then on are kept. */
static void test_store__schema1(void **state)
{
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 0);
	struct recorder r = { .n = 0 };
	struct tb_err err = TB_ERR_INIT;
	char path[128];
	sqlite3 *db;

	put(s, "configmaps", "ns", "a", "{}");
	put(s, "configmaps", "ns", "b", "{}");
	assert_int_equal(tb_store_delete(s, "configmaps", "ns", "a", 0, &err), 0);
	tb_store_close(s);
	snprintf(path, sizeof(path), "%s/tugboat.db", t->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE tombstones; DELETE FROM meta WHERE"
				      " key = 'hist_floor'; PRAGMA user_version=1", NULL, NULL,
				      NULL), SQLITE_OK);
	sqlite3_close(db);

	s = open_store(t->dir, 0);
	assert_int_equal(tb_store_rv(s), 3);
	assert_int_equal(tb_store_events_since(s, NULL, 2, rec_fn, &r), -TB_EGONE);
	assert_int_equal(tb_store_events_since(s, NULL, 3, rec_fn, &r), 0);
	assert_int_equal(tb_store_delete(s, "configmaps", "ns", "b", 0, &err), 0);
	tb_store_close(s);
	s = open_store(t->dir, 0);
	assert_int_equal(tb_store_events_since(s, NULL, 2, rec_fn, &r), -TB_EGONE);
	assert_int_equal(tb_store_events_since(s, NULL, 3, rec_fn, &r), 0);
	assert_int_equal(r.n, 1);
	expect_ev(&r, 0, TB_EV_DELETED, 4, "configmaps ns/b", NULL);
	rec_reset(&r);
	tb_store_close(s);
}

/* A child writes as fast as it can and reports each acknowledged change: it
 * creates objects and deletes every third one; it is killed mid-burst. Every
 * acknowledged change must be there after reopening, and the history rebuilt
 * from disk must hold every deletion. */
enum { CRASH_MAXREC = 200000 };

struct crash_rec {
	uint64_t idx, rv, del;
};

static void crash_child(const char *dir, int fd)
{
	struct tb_store *s;
	const struct tb_store_obj *o;
	char name[32], json[512];
	struct crash_rec rec;
	uint64_t i;
	int n;

	if (tb_store_open(&s, dir, NULL, NULL) < 0)
		_exit(2);
	for (i = 0;; i++) {
		snprintf(name, sizeof(name), "obj-%06" PRIu64, i);
		n = snprintf(json, sizeof(json), "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
			     "\"metadata\":{\"name\":\"%s\",\"namespace\":\"default\"},"
			     "\"data\":{\"i\":\"%" PRIu64 "\",\"pad\":\"%0200d\"}}", name, i, 0);
		if (tb_store_put(s, "configmaps", "default", name, json, (size_t)n, 0, true, false,
				 &o, NULL) < 0)
			_exit(3);
		rec = (struct crash_rec){ i, o->rv, 0 };
		if (write(fd, &rec, sizeof(rec)) != (ssize_t)sizeof(rec))
			_exit(4);
		if (i % 3 != 2)
			continue;
		snprintf(name, sizeof(name), "obj-%06" PRIu64, i - 1);
		if (tb_store_delete(s, "configmaps", "default", name, 0, NULL) < 0)
			_exit(5);
		rec = (struct crash_rec){ i - 1, tb_store_rv(s), 1 };
		if (write(fd, &rec, sizeof(rec)) != (ssize_t)sizeof(rec))
			_exit(4);
	}
}

/* What the store must hold: per object index, the rv it has (0: none) and
 * the rv of its deletion (0: none). */
struct crash_model {
	uint64_t *rv, *del;
	size_t nobj, ndel, nlive, nev;
};

static size_t crash_idx(const struct tb_store_obj *o)
{
	size_t i = (size_t)strtoull(o->name + 4, NULL, 10);

	assert_true(!strncmp(o->name, "obj-", 4) && i < CRASH_MAXREC);
	return i;
}

static void crash_ev_fn(void *data, const struct tb_store_event *ev)
{
	struct crash_model *m = data;
	size_t i = crash_idx(ev->obj);

	assert_int_equal(text_rv(ev->obj->json), ev->rv);
	if (ev->type == TB_EV_DELETED) {
		assert_int_equal(m->del[i], ev->rv);
	} else {
		assert_int_equal(ev->type, TB_EV_MODIFIED);
		assert_int_equal(m->rv[i], ev->rv);
	}
	m->nev++;
}

/* The one change that may have committed without being reported. */
static void crash_last_fn(void *data, const struct tb_store_event *ev)
{
	struct crash_model *m = data;
	size_t i = crash_idx(ev->obj);

	if (ev->type == TB_EV_DELETED) {
		assert_true(m->rv[i] != 0 && i % 3 == 1);
		m->rv[i] = 0;
		m->del[i] = ev->rv;
	} else {
		assert_true(i == m->nobj);
		m->rv[i] = ev->rv;
		m->nobj++;
	}
	m->nev++;
}

/* Kills the writer after kill_after reported changes and checks the store. */
static void crash_run(struct tstate *t, size_t kill_after)
{
	struct crash_model m = { tb_calloc(CRASH_MAXREC, sizeof(uint64_t)),
				 tb_calloc(CRASH_MAXREC, sizeof(uint64_t)), 0, 0, 0, 0 };
	struct crash_rec rec;
	const struct tb_store_obj *o;
	sqlite3_stmt *st;
	struct tb_store *s;
	size_t n = 0, i, got;
	uint64_t last = 0;
	int64_t floor;
	sqlite3 *db;
	char name[32], path[128];
	int fds[2], status;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		crash_child(t->dir, fds[1]);
	}
	close(fds[1]);
	for (;;) {
		got = 0;
		while (got < sizeof(rec)) {
			ssize_t r = read(fds[0], (char *)&rec + got, sizeof(rec) - got);

			if (r <= 0)
				break;
			got += (size_t)r;
		}
		if (got < sizeof(rec))
			break;
		assert_true(rec.idx < CRASH_MAXREC - 1 && rec.rv == last + 1);
		if (rec.del) {
			assert_true(m.rv[rec.idx] != 0);
			m.rv[rec.idx] = 0;
			m.del[rec.idx] = rec.rv;
		} else {
			assert_int_equal(rec.idx, m.nobj);
			m.rv[rec.idx] = rec.rv;
			m.nobj++;
		}
		last = rec.rv;
		if (++n == kill_after)
			kill(pid, SIGKILL);
	}
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_true(n >= kill_after);

	s = open_store(t->dir, 0);
	/* At most the one change that committed but was not yet reported. */
	assert_true(tb_store_rv(s) >= last && tb_store_rv(s) <= last + 1);
	assert_int_equal(tb_store_events_since(s, NULL, last, crash_last_fn, &m), 0);
	assert_int_equal(m.nev, tb_store_rv(s) - last);
	for (i = 0; i < m.nobj; i++) {
		snprintf(name, sizeof(name), "obj-%06zu", i);
		o = tb_store_get(s, "configmaps", "default", name);
		if (m.rv[i] && !o)
			fail_msg("acknowledged write %s (rv %" PRIu64 ") lost", name, m.rv[i]);
		if (!m.rv[i] && o)
			fail_msg("acknowledged deletion of %s (rv %" PRIu64 ") lost", name,
				 m.del[i]);
		if (o) {
			assert_int_equal(o->rv, m.rv[i]);
			assert_int_equal(text_rv(o->json), m.rv[i]);
			m.nlive++;
		}
		m.ndel += m.del[i] != 0;
	}
	assert_true(m.ndel >= kill_after / 4);
	assert_int_equal(tb_store_count(s, NULL), m.nlive);
	/* The rebuilt history: every live object at its rv, every deletion. */
	m.nev = 0;
	assert_int_equal(tb_store_events_since(s, NULL, 0, crash_ev_fn, &m), 0);
	assert_int_equal(m.nev, m.nlive + m.ndel);
	tb_store_close(s);
	tb_free(m.rv);
	tb_free(m.del);
	assert_int_equal(tombstones_on_disk(t->dir, &floor), m.ndel);
	assert_int_equal(floor, 0);

	/* The file itself is sound and its rv is the store's. */
	snprintf(path, sizeof(path), "%s/tugboat.db", t->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'rv'", -1,
					    &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_true((uint64_t)sqlite3_column_int64(st, 0) >= last);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_store__crash_durability(void **state)
{
	crash_run(*state, 3000);
}

/* Long enough (over 200,000 WAL frames) that the checkpointer has copied the
 * WAL back and had it rewound a dozen times when the writer is killed. */
static void test_store__crash_durability_long(void **state)
{
	crash_run(*state, 60000);
}

/* ---- the WAL and the checkpointer --------------------------------------------------- */

static off_t wal_size(const char *dir)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/tugboat.db-wal", dir);
	return stat(path, &st) < 0 ? 0 : st.st_size;
}

/* A burst of 20,000 writes (190 MB of WAL, were it never rewound) keeps
 * the WAL under its bound (64 MiB and what a round takes to rewind it); once
 * the store is quiet for a second the WAL is all in the database file and
 * truncated. Everything is there after reopening. */
static void test_store__wal_bounded(void **state)
{
	enum { N = 20000, NAMES = 5000 };
	const off_t burst_max = (off_t)96 << 20, quiet_max = (off_t)4 << 20;
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 1000);
	char name[32], json[1024];
	off_t max = 0, size;
	int i, n, waited;

	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "cm-%05d", i % NAMES);
		n = snprintf(json, sizeof(json), "{\"data\":{\"i\":\"%d\",\"pad\":\"%0700d\"}}",
			     i, i);
		assert_true(n > 0 && (size_t)n < sizeof(json));
		put(s, "configmaps", "ns", name, json);
		if (i % 500 == 0 && (size = wal_size(t->dir)) > max)
			max = size;
	}
	if (max > burst_max)
		fail_msg("the WAL grew to %lld bytes during the burst", (long long)max);
	for (waited = 0; (size = wal_size(t->dir)) > quiet_max && waited < 10000; waited += 50)
		usleep(50000);
	if (size > quiet_max)
		fail_msg("the WAL is %lld bytes %d ms after the burst", (long long)size, waited);
	tb_store_close(s);
	assert_int_equal(wal_size(t->dir), 0);

	s = open_store(t->dir, 1000);
	assert_int_equal(tb_store_rv(s), N);
	assert_int_equal(tb_store_count(s, "configmaps"), NAMES);
	assert_non_null(strstr(tb_store_get(s, "configmaps", "ns", "cm-04999")->json,
			       "\"i\":\"19999\""));
	tb_store_close(s);
}

/* One store per data directory: a second open, from this process or another,
 * fails with a clear message while the first is open (which goes on
 * working), and succeeds once it is closed. */
static void test_store__dir_lock(void **state)
{
	struct tstate *t = *state;
	struct tb_err err = TB_ERR_INIT;
	struct tb_store *s, *s2 = NULL;
	char want[128];
	int status;
	pid_t pid;

	snprintf(want, sizeof(want), "another tugd has %s open", t->dir);
	s = open_store(t->dir, 0);
	put(s, "configmaps", "ns", "a", "{}");
	assert_int_equal(tb_store_open(&s2, t->dir, NULL, &err), -TB_EIO);
	assert_null(s2);
	assert_int_equal(err.code, -TB_EIO);
	if (!strstr(err.msg, want))
		fail_msg("second open: \"%s\", want \"%s\"", err.msg, want);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct tb_err cerr = TB_ERR_INIT;

		_exit(tb_store_open(&s2, t->dir, NULL, &cerr) == -TB_EIO &&
		      strstr(cerr.msg, want) ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The first store is undisturbed. */
	put(s, "configmaps", "ns", "b", "{}");
	assert_int_equal(tb_store_rv(s), 2);
	tb_store_close(s);

	s2 = open_store(t->dir, 0);
	assert_int_equal(tb_store_rv(s2), 2);
	put(s2, "configmaps", "ns", "c", "{}");
	tb_store_close(s2);
}

/* ---- bad input ---------------------------------------------------------------------- */

static void test_store__bad_inputs(void **state)
{
	static const char *const bad[] = {
		"", "{", "[1,2]", "[]", "\"str\"", "42", "null", "{} {}", "{\"a\":}",
		"{\"metadata\":\"x\"}", "{\"metadata\":[]}", "{\"a\":\"\\u0000\"}",
		"{\"a\":\"\xff\"}",
	};
	struct tstate *t = *state;
	struct tb_store *s = open_store(t->dir, 0);
	struct tb_err err = TB_ERR_INIT;
	size_t big = 4u << 20, i;
	char *text;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = '\0';
		if (tb_store_put(s, "configmaps", "ns", "a", bad[i], strlen(bad[i]), 0, false,
				 false, NULL, &err) != -TB_EINVAL)
			fail_msg("accepted bad input %s", bad[i]);
		assert_true(err.msg[0] != '\0');
	}
	/* A NUL inside the given length. */
	assert_int_equal(tb_store_put(s, "configmaps", "ns", "a", "{}\0{}", 5, 0, false, false,
				      NULL, &err), -TB_EINVAL);
	/* Empty keys. */
	assert_int_equal(tb_store_put(s, "configmaps", "ns", "", "{}", 2, 0, false, false, NULL,
				      &err), -TB_EINVAL);
	assert_int_equal(tb_store_put(s, "", "ns", "a", "{}", 2, 0, false, false, NULL, &err),
			 -TB_EINVAL);
	/* 4 MiB is over the 3 MiB limit; just under it is fine. */
	text = tb_malloc(big + 1);
	memcpy(text, "{\"a\":\"", 6);
	memset(text + 6, 'x', big - 8);
	memcpy(text + big - 2, "\"}", 3);
	assert_int_equal(tb_store_put(s, "configmaps", "ns", "a", text, big, 0, false, false,
				      NULL, &err), -TB_ETOOBIG);
	assert_int_equal(err.code, -TB_ETOOBIG);
	assert_int_equal(tb_store_rv(s), 0);
	assert_int_equal(tb_store_count(s, "configmaps"), 0);
	big = (3u << 20) - 64;
	memcpy(text + big - 2, "\"}", 3);
	assert_int_equal(tb_store_put(s, "configmaps", "ns", "a", text, big, 0, false, false,
				      NULL, &err), 0);
	/* Plus ,"metadata":{"resourceVersion":"1"} */
	assert_int_equal(tb_store_get(s, "configmaps", "ns", "a")->len, big + 35);
	tb_free(text);
	tb_store_close(s);
}

/* Opening: a file in the way, and a second opener while the first holds it. */
static void test_store__open_errors(void **state)
{
	struct tstate *t = *state;
	struct tb_err err = TB_ERR_INIT;
	struct tb_store *s, *s2;
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/file", t->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(tb_store_open(&s, path, NULL, &err), -TB_EIO);
	assert_null(s);
	snprintf(path, sizeof(path), "%s/no/such/dir", t->dir);
	assert_int_equal(tb_store_open(&s, path, NULL, &err), -TB_EIO);
	/* The data directory is created when missing. */
	snprintf(path, sizeof(path), "%s/data", t->dir);
	assert_int_equal(tb_store_open(&s, path, NULL, &err), 0);
	put(s, "configmaps", "ns", "a", "{}");
	assert_int_equal(tb_store_open(&s2, path, NULL, &err), -TB_EIO);
	assert_non_null(strstr(err.msg, "another tugd has"));
	tb_store_close(s);
	{
		struct tb_store_opts o = { TB_SYNC_FULL, 10 };

		assert_int_equal(tb_store_open(&s2, path, &o, &err), 0);
		assert_int_equal(tb_store_rv(s2), 1);
		put(s2, "configmaps", "ns", "b", "{}");
		tb_store_close(s2);
	}
	tb_store_close(NULL);
}

#define T(name) cmocka_unit_test_setup_teardown(test_store__##name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(roundtrip),
		T(resource_version),
		T(list_order),
		T(index_churn),
		T(preconditions),
		T(labels),
		T(events),
		T(events_since),
		T(history_bound),
		T(history_bytes),
		T(subscriber_writes),
		T(list_writes),
		T(reopen),
		T(restart_resume),
		T(restart_prune),
		T(schema1),
		T(crash_durability),
		T(crash_durability_long),
		T(wal_bounded),
		T(dir_lock),
		T(bad_inputs),
		T(open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
