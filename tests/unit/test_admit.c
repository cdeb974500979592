/* The admission path (decode, default, validate) against hostile input: every
 * node of every example object replaced by values of every other type must
 * give errors, never a crash, a leak or an undefined-behaviour report (this
 * test matters most in the sanitizer build). Also the codec's limits. */
#include "testutil.h"

#include "api/yaml.h"

static size_t admitted, rejected;

static void admit_one(const json_t *doc)
{
	struct tb_policy_defaults d = TB_POLICY_DEFAULTS_INIT;
	struct tb_errs errs = TB_ERRS_INIT;
	struct tb_object o = TB_OBJECT_INIT;
	struct tb_strbuf sb = TB_STRBUF_INIT;
	json_t *out;

	if (tb_object_admit(doc, &o, &d, TEST_NOW_MS, &errs) == 0) {
		/* A valid object must encode, and its encoding must be valid too. */
		out = tb_object_encode(&o);
		tb_yaml_emit(out, &sb);
		json_decref(out);
		admitted++;
	} else {
		tb_errs_format(&errs, &sb, 0);
		assert_true(sb.len > 0);
		rejected++;
	}
	tb_strbuf_release(&sb);
	tb_errs_release(&errs);
	tb_object_release(&o);
}

static json_t *replacements(void)
{
	return json_pack("[s,s,i,i,f,b,n,[],{},[s],{s:s},s]", "", "x", (json_int_t)-1,
			 (json_int_t)4000000000LL, 1.5, 1, "a", "k", "v", "Divided");
}

/* Walks doc; at each node, tries every replacement in place, and (for object
 * members) the member missing. Keys are listed first: deleting and re-adding
 * a member moves it to the end, which a live iteration would meet again. */
static void mutate(json_t *root, json_t *node, const json_t *alts)
{
	json_t *child, *saved, *alt, *keys;
	const char *key;
	size_t i, k;

	if (json_is_object(node)) {
		keys = json_array();
		json_object_foreach(node, key, child)
			json_array_append_new(keys, json_string(key));
		for (i = 0; i < json_array_size(keys); i++) {
			key = json_string_value(json_array_get(keys, i));
			saved = json_incref(json_object_get(node, key));
			json_array_foreach(alts, k, alt) {
				json_object_set(node, key, alt);
				admit_one(root);
			}
			json_object_del(node, key);
			admit_one(root);
			json_object_set_new(node, key, saved);
			mutate(root, saved, alts);
		}
		json_decref(keys);
	} else if (json_is_array(node)) {
		for (i = 0; i < json_array_size(node); i++) {
			saved = json_incref(json_array_get(node, i));
			json_array_foreach(alts, k, alt) {
				json_array_set(node, i, alt);
				admit_one(root);
			}
			json_array_set_new(node, i, saved);
			mutate(root, saved, alts);
		}
	}
}

static void test_admit__every_node_every_type(void **state)
{
	static const char *const files[] = {
		"examples/batch-weighted.yaml", "examples/online-aggregated.yaml",
		"examples/tolerations.yaml", "examples/clusters.yaml",
		"tests/data/binding.yaml",
	};
	json_t *alts = replacements();
	size_t i, k, len;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct tb_docs docs = TB_DOCS_INIT;
		char *buf = tu_slurp(files[i], &len);

		assert_int_equal(tb_codec_decode(buf, len, &docs, NULL), 0);
		for (k = 0; k < docs.n; k++)
			mutate(docs.v[k].json, docs.v[k].json, alts);
		tb_docs_release(&docs);
		tb_free(buf);
	}
	json_decref(alts);
	/* Both outcomes happened many times: the mutations were not all no-ops. */
	assert_true(admitted > 100);
	assert_true(rejected > 1000);
	print_message("mutations admitted %zu, rejected %zu\n", admitted, rejected);
}

static void expect_codec_error(const char *buf, size_t len, const char *want)
{
	struct tb_docs docs = TB_DOCS_INIT;
	struct tb_err err = TB_ERR_INIT;

	assert_true(tb_codec_decode(buf, len, &docs, &err) < 0);
	if (!tu_glob(want, err.msg))
		fail_msg("want %s\ngot  %s", want, err.msg);
	tb_docs_release(&docs);
}

static void test_admit__json_limits(void **state)
{
	size_t n = 200, i, len;
	char *buf;

	(void)state;
	/* Too deep for Tugboat, though not for jansson. */
	buf = tb_malloc(2 * n + 1);
	for (i = 0; i < n; i++) {
		buf[i] = '[';
		buf[2 * n - 1 - i] = ']';
	}
	buf[2 * n] = '\0';
	expect_codec_error(buf, 2 * n, "document starting at line 1: nesting too deep*");
	tb_free(buf);

	/* A 10 MiB JSON document. */
	len = 10u << 20;
	buf = tb_malloc(len + 1);
	memcpy(buf, "{\"a\":\"", 6);
	memset(buf + 6, 'x', len - 8);
	memcpy(buf + len - 2, "\"}", 2);
	buf[len] = '\0';
	expect_codec_error(buf, len, "document starting at line 1 is too large*");
	tb_free(buf);

	expect_codec_error("{\"a\": 99999999999999999999}", 27, "line 1, column *too big*");
	expect_codec_error("{\"a\": \"\xff\"}", 10, "line 1, column *UTF-8*");
	expect_codec_error("{\"a\": 1, \"a\": 2}", 16, "line 1, column *duplicate*");
	expect_codec_error("{\"a\": \"\\u0000\"}", 15, "line 1, column *");
	expect_codec_error("{\"apiVersion\": \"v1\",\n \"kind\": ", 30, "line 2, column *");
	expect_codec_error("{\"a\": 1}\n{\"b\": ", 15, "line 2, column *");
}

static void test_admit__streams(void **state)
{
	static const char json_stream[] =
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n"
		"\n{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n"
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\"}},"
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}]}\n";
	static const char yaml_list[] =
		"\xEF\xBB\xBF# a typed list, as kubectl get -o yaml prints several objects\n"
		"apiVersion: v1\nkind: ConfigMapList\nitems:\n"
		"- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n"
		"- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n";
	struct tb_docs docs = TB_DOCS_INIT;

	(void)state;
	assert_int_equal(tb_codec_decode(json_stream, strlen(json_stream), &docs, NULL), 0);
	assert_int_equal(docs.n, 3);
	assert_int_equal(docs.v[0].line, 1);
	assert_int_equal(docs.v[0].item, -1);
	assert_int_equal(docs.v[1].line, 3);
	assert_int_equal(docs.v[2].item, 1);
	tb_docs_release(&docs);
	assert_int_equal(tb_codec_decode(yaml_list, strlen(yaml_list), &docs, NULL), 0);
	assert_int_equal(docs.n, 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(docs.v[1].json,
		"metadata"), "name")), "b");
	tb_docs_release(&docs);
}

/* All errors at once: a decode error does not hide validation errors
 * elsewhere, and is not repeated by validation of the same field. */
static void test_admit__all_errors_once(void **state)
{
	(void)state;
	tu_expect_error("apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
			"metadata:\n  name: 5\nspec:\n  resourceSelectors:\n"
			"  - apiVersion: apps/v1\n    kind: Deployment\n  placement:\n"
			"    clusterAfinity: {}\n    clusterTolerations:\n    - key: a\n"
			"      operator: Exists\n      effect: NoSchedule\n"
			"      tolerationSeconds: 30\n",
			"metadata.name: Invalid value: 5: must be of type string\n"
			"spec.placement.clusterAfinity: Unknown field: did you mean \"clusterAffinity\"?\n"
			"spec.placement.clusterTolerations[0].effect: Invalid value: \"NoSchedule\": "
			"effect must be 'NoExecute' when `tolerationSeconds` is set");
	tu_expect_error("apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata:\n"
			"  name: m1\nspec:\n  syncMode: Push\n  zones: [a, 7, \"b c\"]\n",
			"spec.zones[1]: Invalid value: 7: must be of type string\n"
			"spec.zones[2]: Invalid value: \"b c\": a valid label must be*");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_admit__every_node_every_type),
		cmocka_unit_test(test_admit__json_limits),
		cmocka_unit_test(test_admit__streams),
		cmocka_unit_test(test_admit__all_errors_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
