/* Unit tests for src/lib: the hash map (against a mirror under random
 * churn), base64 (RFC 4648 test vectors) and label/field selector parsing. */
#include "testutil.h"

#include "api/names.h"
#include "api/selector.h"
#include "lib/base64.h"
#include "lib/hmap.h"

#include <stdlib.h>

static void test_hmap_churn(void **state)
{
	enum { KEYS = 3000, OPS = 200000 };
	static int mirror[KEYS];	/* 0 = absent, else value */
	struct tb_hmap m = TB_HMAP_INIT;
	const char *k;
	void *v;
	char key[32];
	size_t i, n = 0, seen = 0;
	unsigned seed = 7;

	(void)state;
	for (i = 0; i < OPS; i++) {
		int r = (int)(rand_r(&seed) % KEYS), op = (int)(rand_r(&seed) % 3);

		snprintf(key, sizeof(key), "ns-%d/binding-%d", r % 17, r);
		if (op < 2) {
			bool fresh = tb_hmap_put(&m, key, (void *)(intptr_t)(i + 1));
			assert_int_equal(fresh, mirror[r] == 0);
			n += fresh;
			mirror[r] = (int)(i + 1);
		} else {
			v = tb_hmap_del(&m, key);
			assert_int_equal((intptr_t)v, mirror[r]);
			n -= mirror[r] != 0;
			mirror[r] = 0;
		}
		assert_int_equal(m.n, n);
	}
	for (i = 0; i < KEYS; i++) {
		snprintf(key, sizeof(key), "ns-%d/binding-%zu", (int)(i % 17), i);
		assert_int_equal((intptr_t)tb_hmap_get(&m, key), mirror[i]);
		assert_int_equal(tb_hmap_has(&m, key), mirror[i] != 0);
	}
	for (i = 0; tb_hmap_next(&m, &i, &k, &v);)
		seen++;
	assert_int_equal(seen, n);
	tb_hmap_release(&m);
}

static void test_base64_vectors(void **state)
{
	/* RFC 4648 section 10. */
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const std[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
					   "Zm9vYmFy" };
	static const char *const url[] = { "", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE",
					   "Zm9vYmFy" };
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 7; i++) {
		tb_strbuf_reset(&sb);
		tb_base64_encode(&sb, in[i], strlen(in[i]), false);
		assert_string_equal(sb.buf ? sb.buf : "", std[i]);
		tb_strbuf_reset(&sb);
		tb_base64_encode(&sb, in[i], strlen(in[i]), true);
		assert_string_equal(sb.buf ? sb.buf : "", url[i]);
		tb_strbuf_reset(&sb);
		assert_int_equal(tb_base64_decode(&sb, std[i], strlen(std[i]), false), 0);
		assert_string_equal(sb.buf ? sb.buf : "", in[i]);
		tb_strbuf_reset(&sb);
		assert_int_equal(tb_base64_decode(&sb, url[i], strlen(url[i]), true), 0);
		assert_string_equal(sb.buf ? sb.buf : "", in[i]);
	}
	tb_strbuf_reset(&sb);
	assert_int_not_equal(tb_base64_decode(&sb, "Zm9v!", 5, false), 0);
	tb_strbuf_reset(&sb);
	assert_int_not_equal(tb_base64_decode(&sb, "Zh==", 4, false), 0);	/* stray bits */
	tb_strbuf_reset(&sb);
	assert_int_not_equal(tb_base64_decode(&sb, "Zg==Zg==", 8, false), 0);
	tb_strbuf_release(&sb);
}

static bool sel_matches(const char *sel, const char *labels_kv)
{
	struct tb_label_selector s;
	struct tb_strmap labels = { NULL, 0 };
	struct tb_err err = TB_ERR_INIT;
	char buf[256], *p, *save = NULL, *eq;
	bool ok;

	memset(&s, 0, sizeof(s));
	snprintf(buf, sizeof(buf), "%s", labels_kv);
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		eq = strchr(p, '=');
		*eq = '\0';
		tb_strmap_set(&labels, p, eq + 1);
	}
	assert_int_equal(tb_label_selector_parse(sel, &s, &err), 0);
	ok = tb_label_selector_matches(&s, &labels);
	tb_schema_release(&tb_label_selector_schema, &s);
	tb_strmap_release(&labels);
	return ok;
}

static void test_label_selector_parse(void **state)
{
	struct tb_label_selector s;
	struct tb_err err = TB_ERR_INIT;
	static const char *const bad[] = { "a in (", "a in ()", "a >1", "=b", "a b", "a,,",
					   "Bad Key=1", NULL };

	(void)state;
	/* The forms of labels.Parse (k8s.io/apimachinery/pkg/labels/selector_test.go). */
	assert_true(sel_matches("", "app=web"));
	assert_true(sel_matches("app=web", "app=web,tier=fe"));
	assert_true(sel_matches("app==web", "app=web"));
	assert_false(sel_matches("app!=web", "app=web"));
	assert_true(sel_matches("app!=web", "tier=fe"));
	assert_true(sel_matches("app in (db, web)", "app=web"));
	assert_false(sel_matches("app notin (db,web)", "app=web"));
	assert_true(sel_matches("app", "app=web"));
	assert_false(sel_matches("!app", "app=web"));
	assert_true(sel_matches("!app", "tier=x"));
	assert_true(sel_matches("app=web,tier in (fe)", "app=web,tier=fe"));
	assert_false(sel_matches("app=web,tier in (be)", "app=web,tier=fe"));
	assert_true(sel_matches(" app = web ", "app=web"));
	for (size_t i = 0; bad[i]; i++) {
		memset(&s, 0, sizeof(s));
		assert_int_not_equal(tb_label_selector_parse(bad[i], &s, &err), 0);
		tb_schema_release(&tb_label_selector_schema, &s);
	}
}

static void test_field_selector_parse(void **state)
{
	struct tb_fieldsel fs = TB_FIELDSEL_INIT;
	struct tb_err err = TB_ERR_INIT;

	(void)state;
	assert_int_equal(tb_fieldsel_parse("metadata.name=a,metadata.namespace!=kube-system",
					   &fs, &err), 0);
	assert_true(tb_fieldsel_matches(&fs, "default", "a"));
	assert_false(tb_fieldsel_matches(&fs, "kube-system", "a"));
	assert_false(tb_fieldsel_matches(&fs, "default", "b"));
	tb_fieldsel_release(&fs);
	assert_int_equal(tb_fieldsel_parse("metadata.name==a", &fs, &err), 0);
	assert_true(tb_fieldsel_matches(&fs, "", "a"));
	tb_fieldsel_release(&fs);
	assert_int_not_equal(tb_fieldsel_parse("spec.x=1", &fs, &err), 0);
	assert_non_null(strstr(err.msg, "field label not supported: spec.x"));
	tb_fieldsel_release(&fs);
	assert_int_not_equal(tb_fieldsel_parse("metadata.name", &fs, &err), 0);
	tb_fieldsel_release(&fs);
}

static void test_names(void **state)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;

	(void)state;
	/* "nginx-687f7fb96f" is the Work Karmada's docs show for the nginx
	 * Deployment in default (kubectl get work -n karmada-es-member1). */
	tb_names_work("Deployment", "nginx", "default", &sb);
	assert_string_equal(sb.buf, "nginx-687f7fb96f");
	tb_strbuf_reset(&sb);
	/* names_test.go TestGenerateWorkName's inputs. */
	tb_names_work("Pod", "pod", "", &sb);
	assert_string_equal(sb.buf, "pod-6c46fd8b9d");
	tb_strbuf_reset(&sb);
	tb_names_work("Pods", "work:pod", "default", &sb);
	assert_string_equal(sb.buf, "work.pod-85bc474696");
	tb_strbuf_reset(&sb);
	tb_names_binding("Deployment", "Web:App", &sb);
	assert_string_equal(sb.buf, "web.app-deployment");
	tb_strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmap_churn),
		cmocka_unit_test(test_base64_vectors),
		cmocka_unit_test(test_label_selector_parse),
		cmocka_unit_test(test_field_selector_parse),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
