/* The controllers' world as tugd keeps it: the binding index (by key, through
 * removals that move the last binding into the hole) and parking, where a
 * binding's typed copy is freed while nobody works on it and decoded again
 * on demand, the scans reading its summary meanwhile. */
#include "testutil.h"

#include "ctrl/world.h"
#include "ctrl/tugd_int.h"

#define NB 300

/* The "store" the loader decodes from: binding i's JSON, by its key. */
struct fake {
	unsigned loads;
	int fail;		/* the loader's answer when non-zero */
};

static char *binding_json(unsigned i)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;

	tb_strbuf_addf(&sb,
		"{\"apiVersion\":\"work.karmada.io/v1alpha2\",\"kind\":\"ResourceBinding\","
		"\"metadata\":{\"name\":\"app-%u-deployment\",\"namespace\":\"ns%u\","
		"\"annotations\":{\"failover.tugboat.io/move-back-after\":\"%us\"}},"
		"\"spec\":{\"resource\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
		"\"name\":\"app-%u\",\"namespace\":\"ns%u\"},\"replicas\":%u,"
		"\"failover\":{\"cluster\":{\"purgeMode\":\"Immediately\"}},"
		"\"clusters\":[{\"name\":\"member%u\",\"replicas\":%u},"
		"{\"name\":\"member%u\",\"replicas\":1}]}}",
		i, i % 7, i + 1, i, i % 7, i + 2, i % 3, i + 1, i % 3 + 3);
	return sb.buf;
}

static struct tb_binding *decode(const char *text)
{
	struct tb_decode_opts opts = { .allow_unknown = false };
	struct tb_errs errs = TB_ERRS_INIT;
	struct tb_path p = TB_PATH_INIT;
	struct tb_binding *b = tb_schema_new(&tb_binding_schema);
	json_t *j = json_loads(text, 0, NULL);

	assert_non_null(j);
	assert_int_equal(tb_schema_decode(&tb_binding_schema, j, b, &p, &errs, &opts), 0);
	json_decref(j);
	return b;
}

static unsigned index_of(const char *key)
{
	unsigned i;

	assert_int_equal(sscanf(strchr(key, '/') + 1, "app-%u-deployment", &i), 1);
	return i;
}

static int load(void *ctx, const struct tb_wbinding *b, struct tb_binding **ret)
{
	struct fake *f = ctx;
	char *text;

	if (f->fail)
		return f->fail;
	f->loads++;
	text = binding_json(index_of(b->key));
	*ret = decode(text);
	tb_free(text);
	return 0;
}

static void add_all(struct tb_world *w)
{
	for (unsigned i = 0; i < NB; i++) {
		char *text = binding_json(i);

		assert_int_equal(tb_world_add_binding(w, decode(text), true), i);
		tb_free(text);
	}
}

static void test_world__index(void **state)
{
	struct tb_failover_config cfg;
	struct tb_world w;
	char key[64];
	unsigned i;

	(void)state;
	tb_config_init(&cfg);
	tb_world_init(&w, &cfg, TEST_NOW_MS);
	add_all(&w);
	for (i = 0; i < NB; i++) {
		snprintf(key, sizeof(key), "ns%u/app-%u-deployment", i % 7, i);
		assert_ptr_equal(tb_world_binding(&w, key), &w.bindings.v[i]);
	}
	assert_null(tb_world_binding(&w, "ns0/app-1-deployment"));
	assert_null(tb_world_binding(&w, "app-0-deployment"));
	/* Removing every third one, from the front: the last moves into each
	 * hole, and every survivor is still found where it now is. */
	for (i = 0; i < NB; i += 3) {
		snprintf(key, sizeof(key), "ns%u/app-%u-deployment", i % 7, i);
		tb_world_remove_binding(&w, (size_t)(tb_world_binding(&w, key) - w.bindings.v));
		assert_null(tb_world_binding(&w, key));
	}
	assert_int_equal(w.bindings.n, NB - NB / 3);
	for (i = 0; i < NB; i++) {
		struct tb_wbinding *b;

		snprintf(key, sizeof(key), "ns%u/app-%u-deployment", i % 7, i);
		b = tb_world_binding(&w, key);
		if (i % 3 == 0) {
			assert_null(b);
			continue;
		}
		assert_non_null(b);
		assert_string_equal(b->key, key);
		assert_string_equal(b->obj->metadata.name, key + strlen("nsN/"));
	}
	tb_world_release(&w);
}

static void test_world__park(void **state)
{
	struct tb_failover_config cfg;
	struct fake f = { 0, 0 };
	struct tb_binding *obj;
	struct tb_world w;
	struct tb_wbinding *b;
	int64_t r;
	char name[64];

	(void)state;
	tb_config_init(&cfg);
	tb_world_init(&w, &cfg, TEST_NOW_MS);
	w.load = load;
	w.load_ctx = &f;
	add_all(&w);
	/* New bindings wait to be scheduled: nothing is parked. */
	tb_world_park(&w);
	for (unsigned i = 0; i < NB; i++)
		assert_non_null(w.bindings.v[i].obj);
	for (unsigned i = 0; i < NB; i++)
		tb_world_need_schedule(&w, &w.bindings.v[i], false);
	tb_world_changed(&w, &w.bindings.v[5], true);
	w.bindings.v[6].held = true;
	tb_world_park(&w);
	assert_non_null(w.bindings.v[5].obj);
	assert_non_null(w.bindings.v[6].obj);
	assert_int_equal(f.loads, 0);

	/* Parked: the summary answers, no load. */
	b = &w.bindings.v[7];
	assert_null(b->obj);
	assert_int_equal(tb_wb_ntargets(b), 2);
	assert_string_equal(tb_wb_target(b, 0, &r), "member1");
	assert_int_equal(r, 8);
	assert_string_equal(tb_wb_target(b, 1, &r), "member4");
	assert_int_equal(r, 1);
	assert_true(tb_wb_targets(b, "member4"));
	assert_false(tb_wb_targets(b, "member2"));
	assert_string_equal(b->purge_mode, "Immediately");
	assert_int_equal(b->move_back_after_ms, 8000);
	assert_string_equal(tb_world_binding_name(b, name, sizeof(name)), "ns0/app-7-deployment");
	/* Interned: one copy per distinct name. */
	assert_ptr_equal(tb_wb_target(&w.bindings.v[10], 0, NULL), tb_wb_target(b, 0, NULL));
	assert_int_equal(f.loads, 0);

	/* Loaded on demand, the same binding. */
	obj = tb_world_obj(&w, b);
	assert_non_null(obj);
	assert_int_equal(f.loads, 1);
	assert_ptr_equal(obj, tb_world_obj(&w, b));
	assert_int_equal(f.loads, 1);
	assert_string_equal(obj->metadata.name, "app-7-deployment");
	assert_int_equal(obj->spec.clusters.n, 2);
	assert_string_equal(tb_wb_target(b, 1, NULL), "member4");

	/* A change made to the copy is in the summary once parked again. */
	obj->spec.clusters.v[0].replicas = 42;
	tb_world_park(&w);
	assert_null(b->obj);
	assert_string_equal(tb_wb_target(b, 0, &r), "member1");
	assert_int_equal(r, 42);

	/* Busy bindings stay; the rest are parked. */
	assert_non_null(w.bindings.v[5].obj);
	tb_world_changed(&w, &w.bindings.v[5], false);
	w.bindings.v[6].held = false;
	tb_world_park(&w);
	for (unsigned i = 0; i < NB; i++)
		assert_null(w.bindings.v[i].obj);

	/* A failed load leaves it parked, and says so. */
	f.fail = -TB_ENOENT;
	assert_null(tb_world_obj(&w, b));
	assert_null(b->obj);
	assert_int_equal(tb_wb_ntargets(b), 2);
	f.fail = 0;

	/* Removing a loaded binding that is not the last: the one moved into
	 * its place keeps its copy and is parked later like any other. */
	assert_non_null(tb_world_obj(&w, &w.bindings.v[NB - 1]));
	assert_non_null(tb_world_obj(&w, &w.bindings.v[3]));
	tb_world_remove_binding(&w, 3);
	assert_non_null(w.bindings.v[3].obj);
	assert_string_equal(w.bindings.v[3].obj->metadata.name, "app-299-deployment");
	tb_world_park(&w);
	assert_null(w.bindings.v[3].obj);
	tb_world_release(&w);
}

/* A member's list is parsed again only when its items changed (or after a
 * while, or when asked): the list's own resourceVersion does not count. */
static void test_world__list_fingerprint(void **state)
{
	static const char a[] = "{\"kind\":\"DeploymentList\",\"metadata\":{\"resourceVersion\":\"7\"},"
				"\"items\":[{\"metadata\":{\"name\":\"web\"},\"status\":{\"readyReplicas\":1}}]}";
	static const char b[] = "{\"kind\":\"DeploymentList\",\"metadata\":{\"resourceVersion\":\"9\"},"
				"\"items\":[{\"metadata\":{\"name\":\"web\"},\"status\":{\"readyReplicas\":1}}]}";
	static const char c[] = "{\"kind\":\"DeploymentList\",\"metadata\":{\"resourceVersion\":\"9\"},"
				"\"items\":[{\"metadata\":{\"name\":\"web\"},\"status\":{\"readyReplicas\":2}}]}";
	struct tb_member_resp ra = { .body = a, .len = sizeof(a) - 1 };
	struct tb_member_resp rb = { .body = b, .len = sizeof(b) - 1 };
	struct tb_member_resp rc = { .body = c, .len = sizeof(c) - 1 };
	struct tb_member_fp fp = { 0, 0, false };

	(void)state;
	assert_false(tb__member_unchanged(&fp, &ra, 1000));	/* first: parse */
	assert_true(tb__member_unchanged(&fp, &ra, 2000));
	assert_true(tb__member_unchanged(&fp, &rb, 3000));	/* only the list's rv moved */
	assert_false(tb__member_unchanged(&fp, &rc, 4000));	/* an item changed */
	assert_true(tb__member_unchanged(&fp, &rc, 5000));
	fp.hash = 0;						/* asked to parse again */
	assert_false(tb__member_unchanged(&fp, &rc, 6000));
	assert_true(tb__member_unchanged(&fp, &rc, 6000 + TB_MEMBER_REPARSE_MS - 1));
	assert_false(tb__member_unchanged(&fp, &rc, 6000 + TB_MEMBER_REPARSE_MS));	/* stale */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_world__index),
		cmocka_unit_test(test_world__park),
		cmocka_unit_test(test_world__list_fingerprint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
