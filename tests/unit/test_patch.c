/* PATCH bodies: RFC 7386/6902 appendix examples, RFC 6901 pointers, atomicity,
 * and strategic merge cases after apimachinery's strategicpatch tests and what
 * kubectl apply sends, on Deployment/Service/Job/Namespace/ConfigMap documents. */
#include "testutil.h"

#include <jansson.h>

#include "server/patch.h"

/* ---- helpers ------------------------------------------------------------------ */

/* Parses test JSON written with single quotes (turned into double quotes) so
 * that the cases stay readable; raw keeps the text as is. */
static json_t *parse(const char *s, bool raw)
{
	json_error_t je;
	char *buf = tb_strdup(s), *c;
	json_t *v;

	if (!raw)
		for (c = buf; *c; c++)
			if (*c == '\'')
				*c = '"';
	v = json_loads(buf, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
	if (!v)
		fail_msg("bad test JSON (%s) at %d:\n%s", je.text, je.position, buf);
	tb_free(buf);
	return v;
}

static json_t *J(const char *s)
{
	return parse(s, false);
}

static char *dump(const json_t *v)
{
	return v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS)
		 : strdup("(null)");
}

/* Applies and returns the result; fails the test on an error or if the
 * inputs were modified. */
static json_t *apply_ok(enum tb_patch_type t, const char *kind, bool fallback,
			const json_t *doc, const json_t *patch)
{
	json_t *dsnap = json_deep_copy(doc), *psnap = json_deep_copy(patch), *got = NULL;
	struct tb_err err = TB_ERR_INIT;
	int rc;

	rc = tb_patch_apply(t, doc, patch, kind, fallback, &got, &err);
	if (rc)
		fail_msg("patch failed (%d): %s\npatch: %s", rc, err.msg, dump(patch));
	assert_non_null(got);
	assert_true(json_equal(doc, dsnap));
	assert_true(json_equal(patch, psnap));
	json_decref(dsnap);
	json_decref(psnap);
	return got;
}

static void expect_result(enum tb_patch_type t, const char *doc, const char *patch,
			  const char *want)
{
	json_t *d = J(doc), *p = J(patch), *w = J(want), *got;

	got = apply_ok(t, "Deployment", false, d, p);
	if (!json_equal(got, w))
		fail_msg("patch %s\non %s\nwant %s\ngot  %s", patch, doc, dump(w), dump(got));
	json_decref(got);
	json_decref(d);
	json_decref(p);
	json_decref(w);
}

/* Applies and expects the error code and a message matching glob ('*' only);
 * the document must come back untouched and *ret NULL. */
static void expect_fail_kind(enum tb_patch_type t, const char *kind, bool fallback,
			     const char *doc, const char *patch, int code, const char *glob)
{
	json_t *d = J(doc), *p = J(patch), *snap = json_deep_copy(d), *got = (json_t *)1;
	struct tb_err err = TB_ERR_INIT;
	int rc;

	rc = tb_patch_apply(t, d, p, kind, fallback, &got, &err);
	if (rc != -code)
		fail_msg("want error %d, got %d (%s)\npatch: %s\nresult: %s", -code, rc, err.msg,
			 patch, rc ? "" : dump(got));
	assert_null(got);
	assert_true(json_equal(d, snap));
	if (!tu_glob(glob, err.msg))
		fail_msg("want message\n  %s\ngot\n  %s", glob, err.msg);
	json_decref(d);
	json_decref(p);
	json_decref(snap);
}

static void expect_fail(enum tb_patch_type t, const char *doc, const char *patch, int code,
			const char *glob)
{
	expect_fail_kind(t, "Deployment", false, doc, patch, code, glob);
}

/* The parent of the last element of a '/'-separated path of keys and array
 * indices (no escapes); *last gets that element's name. */
static json_t *at(json_t *v, const char *path, char **last)
{
	const char *tok = path + 1, *end;
	char *name;

	for (;;) {
		end = strchr(tok, '/');
		name = tb_strndup(tok, end ? (size_t)(end - tok) : strlen(tok));
		if (!end) {
			*last = name;
			return v;
		}
		v = json_is_array(v) ? json_array_get(v, strtoul(name, NULL, 10))
				     : json_object_get(v, name);
		tb_free(name);
		assert_non_null(v);
		tok = end + 1;
	}
}

/* Strategic merge of patch into doc for kind; the result must equal doc with
 * each (path, value) pair set, value NULL meaning "field removed". */
static void smp_ok(const char *kind, const char *doc, const char *patch, ...)
{
	json_t *d = J(doc), *p = J(patch), *want = json_deep_copy(d), *got, *parent;
	const char *path, *val;
	char *last;
	va_list ap;

	va_start(ap, patch);
	while ((path = va_arg(ap, const char *))) {
		val = va_arg(ap, const char *);
		parent = at(want, path, &last);
		assert_non_null(last);
		if (json_is_array(parent) && strtoul(last, NULL, 10) == json_array_size(parent))
			json_array_append_new(parent, J(val));
		else if (json_is_array(parent))
			json_array_set_new(parent, strtoul(last, NULL, 10), J(val));
		else if (val)
			json_object_set_new(parent, last, J(val));
		else
			json_object_del(parent, last);
		tb_free(last);
	}
	va_end(ap);
	got = apply_ok(TB_PATCH_STRATEGIC, kind, false, d, p);
	if (!json_equal(got, want))
		fail_msg("patch %s\nwant %s\ngot  %s", dump(p), dump(want), dump(got));
	json_decref(got);
	json_decref(want);
	json_decref(d);
	json_decref(p);
}

/* ---- content types ---------------------------------------------------------- */

static void test_patch__content_type(void **state)
{
	(void)state;
	assert_int_equal(tb_patch_type_from_content_type("application/merge-patch+json"),
			 TB_PATCH_MERGE);
	assert_int_equal(tb_patch_type_from_content_type("application/json-patch+json"),
			 TB_PATCH_JSON);
	assert_int_equal(tb_patch_type_from_content_type("application/strategic-merge-patch+json"),
			 TB_PATCH_STRATEGIC);
	assert_int_equal(tb_patch_type_from_content_type(
				 " Application/Strategic-Merge-Patch+JSON ; charset=utf-8"),
			 TB_PATCH_STRATEGIC);
	assert_int_equal(tb_patch_type_from_content_type("application/json-patch+json;"),
			 TB_PATCH_JSON);
	assert_int_equal(tb_patch_type_from_content_type("application/json"), -1);
	assert_int_equal(tb_patch_type_from_content_type("application/apply-patch+yaml"), -1);
	assert_int_equal(tb_patch_type_from_content_type("application/merge-patch+jsonx"), -1);
	assert_int_equal(tb_patch_type_from_content_type(""), -1);
	assert_int_equal(tb_patch_type_from_content_type(NULL), -1);
}

/* ---- JSON merge patch ----------------------------------------------------------- */

static void test_patch__merge_rfc7386_appendix(void **state)
{
	static const char *const cases[][3] = {
		{ "{'a':'b'}", "{'a':'c'}", "{'a':'c'}" },
		{ "{'a':'b'}", "{'b':'c'}", "{'a':'b','b':'c'}" },
		{ "{'a':'b'}", "{'a':null}", "{}" },
		{ "{'a':'b','b':'c'}", "{'a':null}", "{'b':'c'}" },
		{ "{'a':['b']}", "{'a':'c'}", "{'a':'c'}" },
		{ "{'a':'c'}", "{'a':['b']}", "{'a':['b']}" },
		{ "{'a':{'b':'c'}}", "{'a':{'b':'d','c':null}}", "{'a':{'b':'d'}}" },
		{ "{'a':[{'b':'c'}]}", "{'a':[1]}", "{'a':[1]}" },
		{ "['a','b']", "['c','d']", "['c','d']" },
		{ "{'a':'b'}", "['c']", "['c']" },
		{ "{'a':'foo'}", "null", "null" },
		{ "{'a':'foo'}", "'bar'", "'bar'" },
		{ "{'e':null}", "{'a':1}", "{'e':null,'a':1}" },
		{ "[1,2]", "{'a':'b','c':null}", "{'a':'b'}" },
		{ "{}", "{'a':{'bb':{'ccc':null}}}", "{'a':{'bb':{}}}" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_result(TB_PATCH_MERGE, cases[i][0], cases[i][1], cases[i][2]);
}

static void test_patch__merge_rfc7386_example(void **state)
{
	(void)state;
	/* RFC 7386 section 3. */
	expect_result(TB_PATCH_MERGE,
		      "{'title':'Goodbye!','author':{'givenName':'John','familyName':'Doe'},"
		      "'tags':['example','sample'],'content':'This will be unchanged'}",
		      "{'title':'Hello!','phoneNumber':'+01-123-456-7890',"
		      "'author':{'familyName':null},'tags':['example']}",
		      "{'title':'Hello!','author':{'givenName':'John'},'tags':['example'],"
		      "'content':'This will be unchanged','phoneNumber':'+01-123-456-7890'}");
	/* Lists are replaced, even of containers: merge patch knows no merge keys. */
	expect_result(TB_PATCH_MERGE,
		      "{'spec':{'containers':[{'name':'a','image':'x'},{'name':'b'}]}}",
		      "{'spec':{'containers':[{'name':'b','image':'y'}]}}",
		      "{'spec':{'containers':[{'name':'b','image':'y'}]}}");
}

static json_t *nested(int levels)
{
	json_t *v = json_string("deep");
	json_t *o;

	while (levels-- > 0) {
		o = json_object();
		json_object_set_new(o, "a", v);
		v = o;
	}
	return v;
}

static void test_patch__depth_bound(void **state)
{
	json_t *doc = J("{}"), *ok = nested(50), *deep = nested(150), *got = NULL;
	struct tb_err err = TB_ERR_INIT;
	enum tb_patch_type t;

	(void)state;
	for (t = TB_PATCH_MERGE; t <= TB_PATCH_STRATEGIC; t += 2) {
		got = apply_ok(t, "ConfigMap", false, doc, ok);
		assert_true(json_equal(got, ok));
		json_decref(got);
		got = NULL;
		assert_int_equal(tb_patch_apply(t, doc, deep, "ConfigMap", false, &got, &err),
				 -TB_EINVAL);
		assert_null(got);
		assert_non_null(strstr(err.msg, "deeper than 100 levels"));
	}
	json_decref(doc);
	json_decref(ok);
	json_decref(deep);
}

/* ---- JSON patch ------------------------------------------------------------------ */

static void test_patch__json_rfc6902_appendix(void **state)
{
	(void)state;
	/* A.1 Adding an Object Member */
	expect_result(TB_PATCH_JSON, "{'foo':'bar'}",
		      "[{'op':'add','path':'/baz','value':'qux'}]",
		      "{'baz':'qux','foo':'bar'}");
	/* A.2 Adding an Array Element */
	expect_result(TB_PATCH_JSON, "{'foo':['bar','baz']}",
		      "[{'op':'add','path':'/foo/1','value':'qux'}]",
		      "{'foo':['bar','qux','baz']}");
	/* A.3 Removing an Object Member */
	expect_result(TB_PATCH_JSON, "{'baz':'qux','foo':'bar'}",
		      "[{'op':'remove','path':'/baz'}]", "{'foo':'bar'}");
	/* A.4 Removing an Array Element */
	expect_result(TB_PATCH_JSON, "{'foo':['bar','qux','baz']}",
		      "[{'op':'remove','path':'/foo/1'}]", "{'foo':['bar','baz']}");
	/* A.5 Replacing a Value */
	expect_result(TB_PATCH_JSON, "{'baz':'qux','foo':'bar'}",
		      "[{'op':'replace','path':'/baz','value':'boo'}]",
		      "{'baz':'boo','foo':'bar'}");
	/* A.6 Moving a Value */
	expect_result(TB_PATCH_JSON,
		      "{'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}}",
		      "[{'op':'move','from':'/foo/waldo','path':'/qux/thud'}]",
		      "{'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}");
	/* A.7 Moving an Array Element */
	expect_result(TB_PATCH_JSON, "{'foo':['all','grass','cows','eat']}",
		      "[{'op':'move','from':'/foo/1','path':'/foo/3'}]",
		      "{'foo':['all','cows','eat','grass']}");
	/* A.8 Testing a Value: Success */
	expect_result(TB_PATCH_JSON, "{'baz':'qux','foo':['a',2,'c']}",
		      "[{'op':'test','path':'/baz','value':'qux'},"
		      "{'op':'test','path':'/foo/1','value':2}]",
		      "{'baz':'qux','foo':['a',2,'c']}");
	/* A.9 Testing a Value: Error */
	expect_fail(TB_PATCH_JSON, "{'baz':'qux'}",
		    "[{'op':'test','path':'/baz','value':'bar'}]", TB_ECONFLICT,
		    "json patch operation 0 (test): test failed: value at path \"/baz\" differs");
	/* A.10 Adding a Nested Member Object */
	expect_result(TB_PATCH_JSON, "{'foo':'bar'}",
		      "[{'op':'add','path':'/child','value':{'grandchild':{}}}]",
		      "{'foo':'bar','child':{'grandchild':{}}}");
	/* A.11 Ignoring Unrecognized Elements */
	expect_result(TB_PATCH_JSON, "{'foo':'bar'}",
		      "[{'op':'add','path':'/baz','value':'qux','xyz':123}]",
		      "{'foo':'bar','baz':'qux'}");
	/* A.12 Adding to a Nonexistent Target */
	expect_fail(TB_PATCH_JSON, "{'foo':'bar'}",
		    "[{'op':'add','path':'/baz/bat','value':'qux'}]", TB_EINVAL,
		    "json patch operation 0 (add): parent of path \"/baz/bat\" does not exist");
	/* A.14 ~ Escape Ordering */
	expect_result(TB_PATCH_JSON, "{'/':9,'~1':10}",
		      "[{'op':'test','path':'/~01','value':10}]", "{'/':9,'~1':10}");
	/* A.15 Comparing Strings and Numbers */
	expect_fail(TB_PATCH_JSON, "{'/':9,'~1':10}",
		    "[{'op':'test','path':'/~01','value':'10'}]", TB_ECONFLICT,
		    "*test failed*");
	/* A.16 Adding an Array Value */
	expect_result(TB_PATCH_JSON, "{'foo':['bar']}",
		      "[{'op':'add','path':'/foo/-','value':['abc','def']}]",
		      "{'foo':['bar',['abc','def']]}");
}

/* A.13: an operation with "op" twice. The request decoder must refuse it
 * (JSON_REJECT_DUPLICATES); decoded leniently the last "op" wins and the
 * operation is a remove, never an add. */
static void test_patch__json_rfc6902_a13_duplicate_op(void **state)
{
	const char *text = "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"op\":\"remove\"}]";
	json_error_t je;
	json_t *doc = J("{'foo':'bar'}"), *p, *got = NULL;
	struct tb_err err = TB_ERR_INIT;

	(void)state;
	assert_null(json_loads(text, JSON_REJECT_DUPLICATES, &je));
	p = json_loads(text, 0, &je);
	assert_non_null(p);
	assert_int_equal(tb_patch_apply(TB_PATCH_JSON, doc, p, NULL, false, &got, &err),
			 -TB_EINVAL);
	assert_null(got);
	assert_string_equal(err.msg,
			    "json patch operation 0 (remove): path \"/baz\" does not exist");
	json_decref(p);
	json_decref(doc);
}

/* RFC 6901 section 5: every example pointer, checked through "test". */
static void test_patch__json_pointer_rfc6901(void **state)
{
	static const char *const doc =
		"{\"foo\":[\"bar\",\"baz\"],\"\":0,\"a/b\":1,\"c%d\":2,\"e^f\":3,\"g|h\":4,"
		"\"i\\\\j\":5,\"k\\\"l\":6,\" \":7,\"m~n\":8}";
	static const char *const cases[][2] = {
		{ "", NULL },
		{ "/foo", "[\"bar\",\"baz\"]" },
		{ "/foo/0", "\"bar\"" },
		{ "/", "0" },
		{ "/a~1b", "1" },
		{ "/c%d", "2" },
		{ "/e^f", "3" },
		{ "/g|h", "4" },
		{ "/i\\\\j", "5" },
		{ "/k\\\"l", "6" },
		{ "/ ", "7" },
		{ "/m~0n", "8" },
	};
	json_t *d = parse(doc, true), *p, *op, *got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[64];

		p = json_array();
		op = json_object();
		json_object_set_new(op, "op", json_string("test"));
		snprintf(buf, sizeof(buf), "\"%s\"", cases[i][0]);
		json_object_set_new(op, "path", parse(buf, true));
		json_object_set_new(op, "value", cases[i][1] ? parse(cases[i][1], true)
							     : json_deep_copy(d));
		json_array_append_new(p, op);
		got = apply_ok(TB_PATCH_JSON, NULL, false, d, p);
		assert_true(json_equal(got, d));
		json_decref(got);
		json_decref(p);
	}
	json_decref(d);

	/* Escapes also work for writing; "~" must be followed by 0 or 1. */
	expect_result(TB_PATCH_JSON, "{}",
		      "[{'op':'add','path':'/a~1b~0c','value':1},"
		      "{'op':'copy','from':'/a~1b~0c','path':'/~0~1'}]",
		      "{'a/b~c':1,'~/':1}");
	expect_fail(TB_PATCH_JSON, "{'a':1}", "[{'op':'remove','path':'/a~2'}]", TB_EINVAL,
		    "json patch operation 0 (remove): path \"/a~2\" is not a valid JSON pointer");
	expect_fail(TB_PATCH_JSON, "{'a':1}", "[{'op':'remove','path':'/a~'}]", TB_EINVAL,
		    "*is not a valid JSON pointer");
	expect_fail(TB_PATCH_JSON, "{'a':1}", "[{'op':'remove','path':'a'}]", TB_EINVAL,
		    "*is not a valid JSON pointer");
	/* Kubernetes objects in practice: annotation keys with '/'. */
	expect_result(TB_PATCH_JSON, "{'metadata':{'annotations':{'example.com/x':'1'}}}",
		      "[{'op':'replace','path':'/metadata/annotations/example.com~1x','value':'2'}]",
		      "{'metadata':{'annotations':{'example.com/x':'2'}}}");
}

static void test_patch__json_array_indices(void **state)
{
	(void)state;
	expect_result(TB_PATCH_JSON, "{'a':[1,2]}",
		      "[{'op':'add','path':'/a/2','value':3},{'op':'add','path':'/a/0','value':0}]",
		      "{'a':[0,1,2,3]}");
	expect_fail(TB_PATCH_JSON, "{'a':[1,2]}", "[{'op':'add','path':'/a/3','value':3}]",
		    TB_EINVAL, "*path \"/a/3\": array index \"3\" is out of range");
	expect_fail(TB_PATCH_JSON, "{'a':[1,2]}", "[{'op':'add','path':'/a/01','value':3}]",
		    TB_EINVAL, "*array index \"01\" is not a valid index");
	expect_fail(TB_PATCH_JSON, "{'a':[1,2]}", "[{'op':'add','path':'/a/-1','value':3}]",
		    TB_EINVAL, "*array index \"-1\" is not a valid index");
	expect_fail(TB_PATCH_JSON, "{'a':[1,2]}", "[{'op':'remove','path':'/a/-'}]",
		    TB_EINVAL, "json patch operation 0 (remove): path \"/a/-\" does not exist");
	expect_fail(TB_PATCH_JSON, "{'a':[1,2]}", "[{'op':'replace','path':'/a/2','value':0}]",
		    TB_EINVAL, "json patch operation 0 (replace): path \"/a/2\" does not exist");
	expect_fail(TB_PATCH_JSON, "{'a':[1,2]}", "[{'op':'test','path':'/a/x','value':0}]",
		    TB_EINVAL, "json patch operation 0 (test): path \"/a/x\" does not exist");
	expect_fail(TB_PATCH_JSON, "{'a':[1,2]}", "[{'op':'remove','path':'/a/1x'}]",
		    TB_EINVAL, "*\"1x\" is not a valid array index");
	expect_fail(TB_PATCH_JSON, "{'a':'s'}", "[{'op':'add','path':'/a/b','value':0}]",
		    TB_EINVAL, "*parent of path \"/a/b\" is not an object or array");
	/* Object members named like indices are just names. */
	expect_result(TB_PATCH_JSON, "{'a':{'0':1}}", "[{'op':'replace','path':'/a/0','value':2}]",
		      "{'a':{'0':2}}");
}

static void test_patch__json_ops(void **state)
{
	(void)state;
	/* The whole document: add and replace set it, test compares it. */
	expect_result(TB_PATCH_JSON, "{'a':1}", "[{'op':'replace','path':'','value':{'b':2}}]",
		      "{'b':2}");
	expect_result(TB_PATCH_JSON, "{'a':1}",
		      "[{'op':'test','path':'','value':{'a':1}},{'op':'add','path':'','value':[1]}]",
		      "[1]");
	/* null is a value. */
	expect_result(TB_PATCH_JSON, "{'a':1}", "[{'op':'replace','path':'/a','value':null}]",
		      "{'a':null}");
	expect_result(TB_PATCH_JSON, "{'a':null}", "[{'op':'test','path':'/a','value':null}]",
		      "{'a':null}");
	/* add replaces an existing member. */
	expect_result(TB_PATCH_JSON, "{'a':1}", "[{'op':'add','path':'/a','value':2}]",
		      "{'a':2}");
	/* Numbers compare by value; objects regardless of member order. */
	expect_result(TB_PATCH_JSON, "{'a':1,'o':{'x':1,'y':[1.5,2]}}",
		      "[{'op':'test','path':'/a','value':1.0},"
		      "{'op':'test','path':'/o','value':{'y':[1.5,2.0],'x':1}}]",
		      "{'a':1,'o':{'x':1,'y':[1.5,2]}}");
	expect_fail(TB_PATCH_JSON, "{'o':{'x':1}}",
		    "[{'op':'test','path':'/o','value':{'x':1,'y':2}}]", TB_ECONFLICT, "*test failed*");
	expect_fail(TB_PATCH_JSON, "{'a':[1,2]}", "[{'op':'test','path':'/a','value':[2,1]}]",
		    TB_ECONFLICT, "*test failed*");
	expect_fail(TB_PATCH_JSON, "{'a':true}", "[{'op':'test','path':'/a','value':false}]",
		    TB_ECONFLICT, "*test failed*");
	/* copy is deep: changing the copy leaves the source alone. */
	expect_result(TB_PATCH_JSON, "{'a':{'b':[1]}}",
		      "[{'op':'copy','from':'/a','path':'/c'},"
		      "{'op':'add','path':'/c/b/-','value':2}]",
		      "{'a':{'b':[1]},'c':{'b':[1,2]}}");
	/* move onto itself changes nothing but its source must exist. */
	expect_result(TB_PATCH_JSON, "{'a':1}", "[{'op':'move','from':'/a','path':'/a'}]",
		      "{'a':1}");
	expect_fail(TB_PATCH_JSON, "{'a':1}", "[{'op':'move','from':'/b','path':'/b'}]",
		    TB_EINVAL, "json patch operation 0 (move): from \"/b\" does not exist");
	expect_fail(TB_PATCH_JSON, "{'a':{'b':1}}", "[{'op':'move','from':'/a','path':'/a/b/c'}]",
		    TB_EINVAL, "*cannot move \"/a\" into its own child \"/a/b/c\"");
	/* A sibling that merely shares a prefix is not a child. */
	expect_result(TB_PATCH_JSON, "{'a':1}", "[{'op':'move','from':'/a','path':'/ab'}]",
		      "{'ab':1}");
	expect_result(TB_PATCH_JSON, "{'a':{'b':1}}", "[{'op':'move','from':'/a','path':''}]",
		      "{'b':1}");
	expect_fail(TB_PATCH_JSON, "{'a':1}", "[{'op':'copy','from':'/x','path':'/b'}]",
		    TB_EINVAL, "json patch operation 0 (copy): from \"/x\" does not exist");
	expect_fail(TB_PATCH_JSON, "{'a':1}", "[{'op':'remove','path':''}]", TB_EINVAL,
		    "*cannot remove the whole document");
	expect_fail(TB_PATCH_JSON, "{'a':1}", "[{'op':'remove','path':'/b'}]", TB_EINVAL,
		    "json patch operation 0 (remove): path \"/b\" does not exist");
}

static void test_patch__json_bad_operations(void **state)
{
	(void)state;
	expect_fail(TB_PATCH_JSON, "{}", "{'op':'add','path':'/a','value':1}", TB_EINVAL,
		    "json patch: the patch must be a JSON array of operations");
	expect_fail(TB_PATCH_JSON, "{}", "[1]", TB_EINVAL,
		    "json patch operation 0 (): operation must be a JSON object");
	expect_fail(TB_PATCH_JSON, "{}", "[{'path':'/a','value':1}]", TB_EINVAL,
		    "json patch operation 0 (?): missing or non-string \"op\"");
	expect_fail(TB_PATCH_JSON, "{}", "[{'op':'merge','path':'/a','value':1}]", TB_EINVAL,
		    "json patch operation 0 (merge): unknown operation \"merge\"");
	expect_fail(TB_PATCH_JSON, "{}", "[{'op':'add','value':1}]", TB_EINVAL,
		    "json patch operation 0 (add): missing \"path\"");
	expect_fail(TB_PATCH_JSON, "{}", "[{'op':'add','path':1,'value':1}]", TB_EINVAL,
		    "json patch operation 0 (add): \"path\" must be a string");
	expect_fail(TB_PATCH_JSON, "{}", "[{'op':'add','path':'/a'}]", TB_EINVAL,
		    "json patch operation 0 (add): missing \"value\"");
	expect_fail(TB_PATCH_JSON, "{}", "[{'op':'test','path':'/a'}]", TB_EINVAL,
		    "*missing \"value\"");
	expect_fail(TB_PATCH_JSON, "{'a':1}", "[{'op':'move','path':'/b'}]", TB_EINVAL,
		    "json patch operation 0 (move): missing \"from\"");
	expect_fail(TB_PATCH_JSON, "{'a':1}", "[{'op':'copy','from':'x','path':'/b'}]",
		    TB_EINVAL, "json patch operation 0 (copy): from \"x\" is not a valid JSON pointer");
	/* The message names the operation by its index in the patch. */
	expect_fail(TB_PATCH_JSON, "{'spec':{}}",
		    "[{'op':'test','path':'/spec','value':{}},"
		    "{'op':'add','path':'/spec/paused','value':true},"
		    "{'op':'replace','path':'/spec/replicas','value':3}]", TB_EINVAL,
		    "json patch operation 2 (replace): path \"/spec/replicas\" does not exist");
}

static void test_patch__json_atomic(void **state)
{
	json_t *doc = J("{'spec':{'replicas':1,'paused':false},'items':[1,2,3]}");
	json_t *snap = json_deep_copy(doc), *p, *got = NULL;
	struct tb_err err = TB_ERR_INIT;

	(void)state;
	/* Four operations succeed on the working copy, the fifth fails. */
	p = J("[{'op':'replace','path':'/spec/replicas','value':5},"
	      "{'op':'remove','path':'/spec/paused'},"
	      "{'op':'add','path':'/items/0','value':0},"
	      "{'op':'move','from':'/items','path':'/moved'},"
	      "{'op':'test','path':'/spec/replicas','value':1}]");
	assert_int_equal(tb_patch_apply(TB_PATCH_JSON, doc, p, NULL, false, &got, &err),
			 -TB_ECONFLICT);
	assert_null(got);
	assert_int_equal(err.code, -TB_ECONFLICT);
	assert_true(json_equal(doc, snap));
	json_decref(p);
	/* The same without the failing test applies all four. */
	p = J("[{'op':'replace','path':'/spec/replicas','value':5},"
	      "{'op':'remove','path':'/spec/paused'},"
	      "{'op':'add','path':'/items/0','value':0},"
	      "{'op':'move','from':'/items','path':'/moved'}]");
	got = apply_ok(TB_PATCH_JSON, NULL, false, doc, p);
	json_decref(p);
	p = J("{'spec':{'replicas':5},'moved':[0,1,2,3]}");
	assert_true(json_equal(got, p));
	/* The result shares nothing with the input. */
	json_object_set_new(json_object_get(got, "spec"), "replicas", json_integer(9));
	assert_true(json_equal(doc, snap));
	json_decref(got);
	json_decref(p);
	json_decref(doc);
	json_decref(snap);
}

static void test_patch__json_too_many_ops(void **state)
{
	json_t *doc = J("{}"), *p = json_array(), *got = NULL;
	struct tb_err err = TB_ERR_INIT;
	int i;

	(void)state;
	for (i = 0; i < TB_PATCH_MAX_JSON_OPS; i++)
		json_array_append_new(p, J("{'op':'add','path':'/a','value':1}"));
	got = apply_ok(TB_PATCH_JSON, NULL, false, doc, p);
	json_decref(got);
	got = NULL;
	json_array_append_new(p, J("{'op':'add','path':'/a','value':1}"));
	assert_int_equal(tb_patch_apply(TB_PATCH_JSON, doc, p, NULL, false, &got, &err),
			 -TB_ETOOBIG);
	assert_null(got);
	assert_string_equal(err.msg, "json patch: the allowed maximum operations in a JSON "
			    "patch is 10000, got 10001");
	json_decref(p);
	json_decref(doc);
}

static void test_patch__bad_arguments(void **state)
{
	json_t *doc = J("{}"), *got = NULL;
	struct tb_err err = TB_ERR_INIT;

	(void)state;
	assert_int_equal(tb_patch_apply(TB_PATCH_MERGE, doc, NULL, NULL, false, &got, &err),
			 -TB_EINVAL);
	assert_int_equal(tb_patch_apply(TB_PATCH_MERGE, doc, doc, NULL, false, NULL, &err),
			 -TB_EINVAL);
	assert_int_equal(tb_patch_apply((enum tb_patch_type)7, doc, doc, NULL, false, &got, &err),
			 -TB_EINVAL);
	assert_null(got);
	json_decref(doc);
}

/* ---- strategic merge patch --------------------------------------------------------- */

#define DEPLOY \
	"{'apiVersion':'apps/v1','kind':'Deployment'," \
	"'metadata':{'name':'web','namespace':'default','labels':{'app':'web'}," \
	"  'finalizers':['a','b','c']}," \
	"'spec':{'replicas':2,'selector':{'matchLabels':{'app':'web'}}," \
	" 'strategy':{'type':'RollingUpdate'," \
	"   'rollingUpdate':{'maxSurge':'25%','maxUnavailable':'25%'}}," \
	" 'template':{'metadata':{'labels':{'app':'web'}},'spec':{" \
	"  'containers':[" \
	"   {'name':'nginx','image':'nginx:1.24','args':['-g','daemon off;']," \
	"    'ports':[{'containerPort':80,'protocol':'TCP'},{'containerPort':443,'protocol':'TCP'}]," \
	"    'env':[{'name':'A','value':'1'},{'name':'B','value':'2'},{'name':'C','value':'3'}]," \
	"    'volumeMounts':[{'name':'data','mountPath':'/data'}]}," \
	"   {'name':'sidecar','image':'busybox:1.36'}]," \
	"  'volumes':[{'name':'data','emptyDir':{}}]," \
	"  'tolerations':[{'key':'a','operator':'Exists'}]}}}}"

#define CONTAINERS "/spec/template/spec/containers"
#define NGINX CONTAINERS "/0"

#define SERVICE \
	"{'apiVersion':'v1','kind':'Service','metadata':{'name':'web'}," \
	"'spec':{'selector':{'app':'web'},'type':'ClusterIP'," \
	" 'ports':[{'name':'http','port':80,'targetPort':8080,'protocol':'TCP'}," \
	"          {'name':'https','port':443,'targetPort':8443,'protocol':'TCP'}]}}"

static void test_patch__smp_maps(void **state)
{
	(void)state;
	/* Maps merge, null deletes, scalars replace. */
	smp_ok("Deployment", DEPLOY,
	       "{'metadata':{'labels':{'tier':'fe','app':null}},'spec':{'replicas':3}}",
	       "/metadata/labels", "{'tier':'fe'}", "/spec/replicas", "3", NULL);
	/* Deleting an absent field and an empty patch change nothing. */
	smp_ok("Deployment", DEPLOY, "{'spec':{'paused':null},'status':{}}",
	       "/status", "{}", NULL);
	smp_ok("Deployment", DEPLOY, "{}", NULL);
	/* Nulls inside a new map are dropped, as in a merge patch. */
	smp_ok("Deployment", DEPLOY,
	       "{'metadata':{'annotations':{'a':'1','b':null}}}",
	       "/metadata/annotations", "{'a':'1'}", NULL);
	/* A change of type replaces. */
	smp_ok("Deployment", DEPLOY, "{'spec':{'selector':'x'}}", "/spec/selector", "'x'", NULL);
}

/* kubectl apply changing one container's image: the three-way patch it sends. */
static void test_patch__smp_apply_image_change(void **state)
{
	(void)state;
	smp_ok("Deployment", DEPLOY,
	       "{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{}'}},"
	       " 'spec':{'template':{'spec':{"
	       "  '$setElementOrder/containers':[{'name':'nginx'},{'name':'sidecar'}],"
	       "  'containers':[{'image':'nginx:1.25','name':'nginx'}]}}}}",
	       "/metadata/annotations",
	       "{'kubectl.kubernetes.io/last-applied-configuration':'{}'}",
	       NGINX "/image", "'nginx:1.25'", NULL);
	/* kubectl patch (no $setElementOrder) does the same. */
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'spec':{'containers':[{'name':'sidecar','image':'busybox:1.37'}]}}}}",
	       CONTAINERS "/1/image", "'busybox:1.37'", NULL);
}

static void test_patch__smp_apply_add_container(void **state)
{
	(void)state;
	/* Added between the two: $setElementOrder places it. */
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'spec':{"
	       "  '$setElementOrder/containers':[{'name':'nginx'},{'name':'logger'},{'name':'sidecar'}],"
	       "  'containers':[{'image':'fluent-bit:3','name':'logger'}]}}}}",
	       CONTAINERS,
	       "[{'name':'nginx','image':'nginx:1.24','args':['-g','daemon off;'],"
	       "  'ports':[{'containerPort':80,'protocol':'TCP'},{'containerPort':443,'protocol':'TCP'}],"
	       "  'env':[{'name':'A','value':'1'},{'name':'B','value':'2'},{'name':'C','value':'3'}],"
	       "  'volumeMounts':[{'name':'data','mountPath':'/data'}]},"
	       " {'name':'logger','image':'fluent-bit:3'},"
	       " {'name':'sidecar','image':'busybox:1.36'}]",
	       NULL);
	/* Without $setElementOrder (kubectl patch) Kubernetes puts items the live
	 * list does not have ahead of it (mergeSortedSlice), as the kubectl patch
	 * task page shows for patch-demo-ctr-2. */
	smp_ok("Deployment",
	       "{'spec':{'template':{'spec':{'containers':[{'name':'nginx','image':'nginx'},"
	       "{'name':'sidecar','image':'busybox'}]}}}}",
	       "{'spec':{'template':{'spec':{'containers':[{'name':'logger','image':'fluent-bit:3'}]}}}}",
	       CONTAINERS,
	       "[{'name':'logger','image':'fluent-bit:3'},{'name':'nginx','image':'nginx'},"
	       " {'name':'sidecar','image':'busybox'}]",
	       NULL);
}

static json_t *containers_of(json_t *d)
{
	return json_object_get(json_object_get(json_object_get(json_object_get(
		d, "spec"), "template"), "spec"), "containers");
}

static void test_patch__smp_apply_remove_container(void **state)
{
	json_t *d = J(DEPLOY), *p, *got;

	(void)state;
	p = J("{'spec':{'template':{'spec':{"
	      "  '$setElementOrder/containers':[{'name':'nginx'}],"
	      "  'containers':[{'$patch':'delete','name':'sidecar'}]}}}}");
	got = apply_ok(TB_PATCH_STRATEGIC, "Deployment", false, d, p);
	assert_int_equal(json_array_size(containers_of(got)), 1);
	assert_true(json_equal(json_array_get(containers_of(got), 0),
			       json_array_get(containers_of(d), 0)));
	json_decref(got);
	json_decref(p);
	/* Deleting a container that is not there is not an error. */
	p = J("{'spec':{'template':{'spec':{'containers':[{'$patch':'delete','name':'gone'}]}}}}");
	got = apply_ok(TB_PATCH_STRATEGIC, "Deployment", false, d, p);
	assert_true(json_equal(got, d));
	json_decref(got);
	json_decref(p);
	json_decref(d);
}

static void test_patch__smp_apply_delete_env(void **state)
{
	(void)state;
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'spec':{"
	       "  '$setElementOrder/containers':[{'name':'nginx'},{'name':'sidecar'}],"
	       "  'containers':[{'$setElementOrder/env':[{'name':'A'},{'name':'C'}],"
	       "                 'env':[{'$patch':'delete','name':'B'}],'name':'nginx'}]}}}}",
	       NGINX "/env", "[{'name':'A','value':'1'},{'name':'C','value':'3'}]", NULL);
	/* Changing a value and deleting another in one go, with a new one. */
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'spec':{'containers':[{'name':'nginx',"
	       "  '$setElementOrder/env':[{'name':'D'},{'name':'A'},{'name':'C'}],"
	       "  'env':[{'name':'D','value':'4'},{'name':'C','value':'x'},"
	       "         {'$patch':'delete','name':'B'}]}]}}}}",
	       NGINX "/env",
	       "[{'name':'D','value':'4'},{'name':'A','value':'1'},{'name':'C','value':'x'}]",
	       NULL);
	/* A field of an element deleted with null. */
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'spec':{'containers':[{'name':'nginx',"
	       "  'env':[{'name':'B','value':null,"
	       "         'valueFrom':{'fieldRef':{'fieldPath':'spec.nodeName'}}}]}]}}}}",
	       NGINX "/env/1", "{'name':'B','valueFrom':{'fieldRef':{'fieldPath':'spec.nodeName'}}}",
	       NULL);
}

static void test_patch__smp_apply_edit_ports(void **state)
{
	(void)state;
	/* Container ports merge on containerPort: 80 becomes 8080, 443 stays. */
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'spec':{'containers':[{'name':'nginx',"
	       "  '$setElementOrder/ports':[{'containerPort':8080},{'containerPort':443}],"
	       "  'ports':[{'containerPort':8080,'name':'http'},"
	       "           {'$patch':'delete','containerPort':80}]}]}}}}",
	       NGINX "/ports",
	       "[{'containerPort':8080,'name':'http'},{'containerPort':443,'protocol':'TCP'}]",
	       NULL);
	/* Service ports merge on port: retarget http, drop https, add metrics. */
	smp_ok("Service", SERVICE,
	       "{'spec':{'$setElementOrder/ports':[{'port':80},{'port':9090}],"
	       " 'ports':[{'port':80,'targetPort':9000},{'name':'metrics','port':9090},"
	       "          {'$patch':'delete','port':443}]}}",
	       "/spec/ports",
	       "[{'name':'http','port':80,'targetPort':9000,'protocol':'TCP'},"
	       " {'name':'metrics','port':9090}]",
	       NULL);
	/* Merge keys compare as numbers (Go's float64): 443.0 is port 443. */
	smp_ok("Service", SERVICE, "{'spec':{'ports':[{'port':443.0,'name':'tls'}]}}",
	       "/spec/ports/1", "{'name':'tls','port':443.0,'targetPort':8443,'protocol':'TCP'}",
	       NULL);
	/* A Service port keyed like a container port lacks the merge key. */
	expect_fail_kind(TB_PATCH_STRATEGIC, "Service", false, SERVICE,
			 "{'spec':{'ports':[{'containerPort':80}]}}", TB_EINVAL,
			 "strategic merge patch: spec.ports[0]: list item does not contain "
			 "declared merge key \"port\"");
}

/* apimachinery "preserve the order from the patch in a merging list" 1 and 2. */
static void test_patch__smp_order_without_directive(void **state)
{
	const char *doc =
		"{'spec':{'template':{'spec':{'containers':["
		"{'name':'c1'},{'name':'c2','image':'b'},{'name':'c3'}]}}}}";

	(void)state;
	smp_ok("Deployment", doc,
	       "{'spec':{'template':{'spec':{'containers':["
	       "{'name':'c3','image':'c'},{'name':'c1','image':'a'},{'name':'c2','workingDir':'/x'}]}}}}",
	       CONTAINERS,
	       "[{'name':'c3','image':'c'},{'name':'c1','image':'a'},"
	       " {'name':'c2','image':'b','workingDir':'/x'}]", NULL);
	smp_ok("Deployment", doc,
	       "{'spec':{'template':{'spec':{'containers':["
	       "{'name':'c3','image':'c'},{'name':'c1','image':'a'}]}}}}",
	       CONTAINERS,
	       "[{'name':'c2','image':'b'},{'name':'c3','image':'c'},{'name':'c1','image':'a'}]",
	       NULL);
}

/* apimachinery "set elements order in a list with server-only items" 1-3,
 * and the duplicate-key demonstration (env allows duplicate names). */
static void test_patch__smp_set_element_order(void **state)
{
	(void)state;
	smp_ok("Deployment",
	       "{'spec':{'template':{'spec':{'containers':[{'name':'c1','image':'a'},"
	       "{'name':'c3','image':'3'},{'name':'c4','image':'4'},{'name':'c2','image':'2'},"
	       "{'name':'c9'}]}}}}",
	       "{'spec':{'template':{'spec':{'$setElementOrder/containers':"
	       "[{'name':'c4'},{'name':'c2'},{'name':'c3'},{'name':'c1'}]}}}}",
	       CONTAINERS,
	       "[{'name':'c4','image':'4'},{'name':'c2','image':'2'},{'name':'c3','image':'3'},"
	       " {'name':'c1','image':'a'},{'name':'c9'}]", NULL);
	smp_ok("Deployment",
	       "{'spec':{'template':{'spec':{'containers':[{'name':'c1','image':'a'},"
	       "{'name':'c2','image':'2'},{'name':'c9'},{'name':'c3','image':'3'},"
	       "{'name':'c4','image':'4'}]}}}}",
	       "{'spec':{'template':{'spec':{'$setElementOrder/containers':"
	       "[{'name':'c2'},{'name':'c1'},{'name':'c4'},{'name':'c3'}]}}}}",
	       CONTAINERS,
	       "[{'name':'c2','image':'2'},{'name':'c1','image':'a'},{'name':'c9'},"
	       " {'name':'c4','image':'4'},{'name':'c3','image':'3'}]", NULL);
	smp_ok("Deployment",
	       "{'spec':{'template':{'spec':{'containers':[{'name':'c1','image':'a'},"
	       "{'name':'c2','image':'2'},{'name':'c7'},{'name':'c9'},{'name':'c8'},"
	       "{'name':'c3','image':'3'},{'name':'c4','image':'4'}]}}}}",
	       "{'spec':{'template':{'spec':{'$setElementOrder/containers':"
	       "[{'name':'c2'},{'name':'c1'},{'name':'c4'},{'name':'c3'}]}}}}",
	       CONTAINERS,
	       "[{'name':'c2','image':'2'},{'name':'c1','image':'a'},{'name':'c7'},"
	       " {'name':'c9'},{'name':'c8'},{'name':'c4','image':'4'},{'name':'c3','image':'3'}]",
	       NULL);
	smp_ok("Deployment",
	       "{'spec':{'template':{'spec':{'containers':[{'name':'app','env':["
	       "{'name':'E1'},{'name':'E2','value':'dup1'},{'name':'E3'},"
	       "{'name':'E2','value':'dup2'},{'name':'E4'}]}]}}}}",
	       "{'spec':{'template':{'spec':{'containers':[{'name':'app',"
	       "'$setElementOrder/env':[{'name':'E2'},{'name':'E1'},{'name':'E4'},"
	       "{'name':'E3'},{'name':'E2'}]}]}}}}",
	       CONTAINERS "/0/env",
	       "[{'name':'E2','value':'dup1'},{'name':'E2','value':'dup2'},{'name':'E1'},"
	       " {'name':'E4'},{'name':'E3'}]", NULL);
	/* An ordering entry the list lacks is ignored. */
	smp_ok("Deployment",
	       "{'spec':{'template':{'spec':{'containers':[{'name':'c1'},{'name':'c3'}]}}}}",
	       "{'spec':{'template':{'spec':{'$setElementOrder/containers':"
	       "[{'name':'c3'},{'name':'c2'},{'name':'c1'}],"
	       "'containers':[{'name':'c3','image':'3'},{'name':'c1','image':'1'}]}}}}",
	       CONTAINERS, "[{'name':'c3','image':'3'},{'name':'c1','image':'1'}]", NULL);
	/* Delete and reorder in one list, reorder in another. */
	smp_ok("Deployment",
	       "{'spec':{'template':{'spec':{"
	       "'initContainers':[{'name':'a','image':'a'},{'name':'b','image':'b'}],"
	       "'containers':[{'name':'c','image':'c'},{'name':'d','image':'d'}]}}}}",
	       "{'spec':{'template':{'spec':{"
	       "'$setElementOrder/initContainers':[{'name':'b'}],"
	       "'$setElementOrder/containers':[{'name':'d'},{'name':'c'}],"
	       "'initContainers':[{'$patch':'delete','name':'a'}]}}}}",
	       "/spec/template/spec/initContainers", "[{'name':'b','image':'b'}]",
	       CONTAINERS, "[{'name':'d','image':'d'},{'name':'c','image':'c'}]", NULL);
	/* For a list that did not exist yet. */
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'spec':{'$setElementOrder/imagePullSecrets':"
	       "[{'name':'r1'},{'name':'r2'}],'imagePullSecrets':[{'name':'r1'},{'name':'r2'}]}}}}",
	       "/spec/template/spec/imagePullSecrets", "[{'name':'r1'},{'name':'r2'}]", NULL);
	/* The patch list must follow the order list. */
	expect_fail(TB_PATCH_STRATEGIC,
		    "{'spec':{'template':{'spec':{'containers':[{'name':'c1'},{'name':'c3'},{'name':'c2'}]}}}}",
		    "{'spec':{'template':{'spec':{'$setElementOrder/containers':"
		    "[{'name':'c1'},{'name':'c2'},{'name':'c3'}],"
		    "'containers':[{'name':'c3','image':'3'},{'name':'c1','image':'1'}]}}}}",
		    TB_EINVAL, "strategic merge patch: spec.template.spec.containers: the order of "
		    "the patch list does not match its $setElementOrder list");
	/* Ordering a list without merge key means nothing: refused. */
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY,
		    "{'spec':{'template':{'spec':{'$setElementOrder/tolerations':[{'key':'a'}]}}}}",
		    TB_EINVAL, "*tolerations: $setElementOrder/tolerations is given but the list "
		    "has no merge key");
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY,
		    "{'spec':{'template':{'spec':{'$setElementOrder/containers':{'name':'x'}}}}}",
		    TB_EINVAL, "*$setElementOrder/containers must be a list");
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY,
		    "{'spec':{'template':{'spec':{'$setElementOrder/containers':['nginx']}}}}",
		    TB_EINVAL, "*does not contain declared merge key \"name\"");
}

/* apimachinery's "... in a list and preserve order" three-way cases, applied
 * to a container's env (merge key name): live list, patch, result. */
static void test_patch__smp_preserve_order_cases(void **state)
{
	static const char *const live12 =
		"[{'name':'E1','other':'a'},{'name':'E2','value':'2','other':'b'}]";
	static const char *const live123 =
		"[{'name':'E1','other':'a'},{'name':'E2','value':'2','other':'b'},"
		"{'name':'E3','value':'3'}]";
	static const char *const cases[][3] = {
		/* merge lists of maps / add an item */
		{ live12,
		  "'$setElementOrder/env':[{'name':'E4'},{'name':'E1'},{'name':'E2'},{'name':'E3'}],"
		  "'env':[{'name':'E4','value':'4'},{'name':'E3','value':'3'}]",
		  "[{'name':'E4','value':'4'},{'name':'E1','other':'a'},"
		  "{'name':'E2','value':'2','other':'b'},{'name':'E3','value':'3'}]" },
		/* add multiple items */
		{ live12,
		  "'$setElementOrder/env':[{'name':'E1'},{'name':'E4'},{'name':'E2'},{'name':'E3'}],"
		  "'env':[{'name':'E4','value':'4'},{'name':'E3','value':'3'}]",
		  "[{'name':'E1','other':'a'},{'name':'E4','value':'4'},"
		  "{'name':'E2','value':'2','other':'b'},{'name':'E3','value':'3'}]" },
		/* delete an item */
		{ live123,
		  "'$setElementOrder/env':[{'name':'E2'},{'name':'E1'}],"
		  "'env':[{'name':'E3','$patch':'delete'}]",
		  "[{'name':'E2','value':'2','other':'b'},{'name':'E1','other':'a'}]" },
		/* change an item */
		{ live123,
		  "'$setElementOrder/env':[{'name':'E2'},{'name':'E3'},{'name':'E1'}],"
		  "'env':[{'name':'E3','value':'x'}]",
		  "[{'name':'E2','value':'2','other':'b'},{'name':'E3','value':'x'},"
		  "{'name':'E1','other':'a'}]" },
		/* add and delete an item */
		{ live123,
		  "'$setElementOrder/env':[{'name':'E4'},{'name':'E2'},{'name':'E1'}],"
		  "'env':[{'name':'E4','value':'4'},{'name':'E3','$patch':'delete'}]",
		  "[{'name':'E4','value':'4'},{'name':'E2','value':'2','other':'b'},"
		  "{'name':'E1','other':'a'}]" },
	};
	struct tb_strbuf doc = TB_STRBUF_INIT, patch = TB_STRBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tb_strbuf_reset(&doc);
		tb_strbuf_reset(&patch);
		tb_strbuf_addf(&doc, "{'spec':{'template':{'spec':{'containers':[{'name':'app',"
			       "'env':%s}]}}}}", cases[i][0]);
		tb_strbuf_addf(&patch, "{'spec':{'template':{'spec':{'containers':[{'name':'app',"
			       "%s}]}}}}", cases[i][1]);
		smp_ok("Deployment", doc.buf, patch.buf, CONTAINERS "/0/env", cases[i][2], NULL);
	}
	tb_strbuf_release(&doc);
	tb_strbuf_release(&patch);
}

/* metadata.finalizers: a list of primitives with patchStrategy merge. */
static void test_patch__smp_primitive_lists(void **state)
{
	(void)state;
	/* apimachinery "unique scalars when merging lists". */
	smp_ok("Deployment", "{'metadata':{'finalizers':['a','b']}}",
	       "{'metadata':{'finalizers':['b','c']}}",
	       "/metadata/finalizers", "['a','b','c']", NULL);
	/* A new value goes ahead of the live values that followed the patched
	 * ones (mergeSortedSlice: an unknown item is never "greater"). */
	smp_ok("Deployment", DEPLOY, "{'metadata':{'finalizers':['b','d']}}",
	       "/metadata/finalizers", "['a','b','d','c']", NULL);
	/* "preserve the order from the patch in a merging int list" 1 and 2. */
	smp_ok("Deployment", DEPLOY, "{'metadata':{'finalizers':['c','a','b']}}",
	       "/metadata/finalizers", "['c','a','b']", NULL);
	smp_ok("Deployment", DEPLOY, "{'metadata':{'finalizers':['c','a']}}",
	       "/metadata/finalizers", "['b','c','a']", NULL);
	/* kubectl apply: delete b, add d, order c a d. */
	smp_ok("Deployment", DEPLOY,
	       "{'metadata':{'$deleteFromPrimitiveList/finalizers':['b'],"
	       "'$setElementOrder/finalizers':['c','a','d'],'finalizers':['d']}}",
	       "/metadata/finalizers", "['c','a','d']", NULL);
	/* $deleteFromPrimitiveList: present, absent item, absent list, null list. */
	smp_ok("Deployment", DEPLOY, "{'metadata':{'$deleteFromPrimitiveList/finalizers':['b']}}",
	       "/metadata/finalizers", "['a','c']", NULL);
	smp_ok("Deployment", DEPLOY, "{'metadata':{'$deleteFromPrimitiveList/finalizers':['z']}}",
	       NULL);
	smp_ok("Deployment", DEPLOY, "{'spec':{'$deleteFromPrimitiveList/nothing':['z']}}", NULL);
	smp_ok("Deployment", "{'metadata':{'finalizers':null}}",
	       "{'metadata':{'$deleteFromPrimitiveList/finalizers':['z']}}", NULL);
	/* It also works on a list that is otherwise replaced (container args). */
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'spec':{'containers':[{'name':'nginx',"
	       "'$deleteFromPrimitiveList/args':['-g']}]}}}}",
	       NGINX "/args", "['daemon off;']", NULL);
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY,
		    "{'spec':{'template':{'spec':{'$deleteFromPrimitiveList/containers':[{'name':'nginx'}]}}}}",
		    TB_EINVAL, "*$deleteFromPrimitiveList/containers applies only to lists of "
		    "primitives");
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY,
		    "{'metadata':{'$deleteFromPrimitiveList/finalizers':'b'}}",
		    TB_EINVAL, "*$deleteFromPrimitiveList/finalizers must be a list");
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY, "{'metadata':{'finalizers':[1]}}",
		    TB_EINVAL, "strategic merge patch: metadata.finalizers: list items are not "
		    "all of the same type");
}

static void test_patch__smp_replaced_lists(void **state)
{
	(void)state;
	/* No patchStrategy: tolerations, args, envFrom and Namespace spec.finalizers
	 * are replaced whole. */
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'spec':{'tolerations':[{'key':'b','operator':'Exists'}]}}}}",
	       "/spec/template/spec/tolerations", "[{'key':'b','operator':'Exists'}]", NULL);
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'spec':{'containers':[{'name':'nginx','args':['-v'],"
	       "'envFrom':[{'configMapRef':{'name':'cm'}}]}]}}}}",
	       NGINX "/args", "['-v']", NGINX "/envFrom", "[{'configMapRef':{'name':'cm'}}]",
	       NULL);
	smp_ok("Namespace",
	       "{'kind':'Namespace','metadata':{'name':'ns','finalizers':['x']},"
	       "'spec':{'finalizers':['kubernetes','other']}}",
	       "{'metadata':{'finalizers':['y']},'spec':{'finalizers':['kubernetes']}}",
	       "/metadata/finalizers", "['y','x']", "/spec/finalizers", "['kubernetes']", NULL);
	/* "$patch: delete" items in a replaced list are dropped with it. */
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'spec':{'tolerations':[{'$patch':'delete','key':'a'}]}}}}",
	       "/spec/template/spec/tolerations", "[]", NULL);
}

static void test_patch__smp_nested_merge_lists(void **state)
{
	(void)state;
	/* volumeMounts (by mountPath) inside containers (by name). */
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'spec':{'containers':[{'name':'nginx','volumeMounts':["
	       "{'mountPath':'/data','readOnly':true},{'mountPath':'/cache','name':'cache'}]}]}}}}",
	       NGINX "/volumeMounts",
	       "[{'name':'data','mountPath':'/data','readOnly':true},"
	       " {'mountPath':'/cache','name':'cache'}]",
	       NULL);
	/* initContainers, imagePullSecrets, hostAliases, topologySpreadConstraints. */
	smp_ok("Deployment",
	       "{'spec':{'template':{'spec':{'imagePullSecrets':[{'name':'r1'}],"
	       "'hostAliases':[{'ip':'10.0.0.1','hostnames':['a']}],"
	       "'topologySpreadConstraints':[{'topologyKey':'zone','maxSkew':1}]}}}}",
	       "{'spec':{'template':{'spec':{'imagePullSecrets':[{'name':'r2'}],"
	       "'hostAliases':[{'ip':'10.0.0.1','hostnames':['b']}],"
	       "'topologySpreadConstraints':[{'topologyKey':'zone','maxSkew':2}],"
	       "'initContainers':[{'name':'init','image':'busybox'}]}}}}",
	       "/spec/template/spec/imagePullSecrets", "[{'name':'r2'},{'name':'r1'}]",
	       "/spec/template/spec/hostAliases", "[{'ip':'10.0.0.1','hostnames':['b']}]",
	       "/spec/template/spec/topologySpreadConstraints", "[{'topologyKey':'zone','maxSkew':2}]",
	       "/spec/template/spec/initContainers", "[{'name':'init','image':'busybox'}]", NULL);
	/* ownerReferences merge by uid. */
	smp_ok("Deployment",
	       "{'metadata':{'ownerReferences':[{'uid':'u1','kind':'A','name':'a'}]}}",
	       "{'metadata':{'ownerReferences':[{'uid':'u1','controller':true},"
	       "{'uid':'u2','kind':'B','name':'b'}]}}",
	       "/metadata/ownerReferences",
	       "[{'uid':'u1','kind':'A','name':'a','controller':true},{'uid':'u2','kind':'B','name':'b'}]",
	       NULL);
	/* A new container's directives are consumed, not stored. */
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'spec':{"
	       "'$setElementOrder/containers':[{'name':'nginx'},{'name':'sidecar'},{'name':'new'}],"
	       "'containers':[{'name':'new','image':'x','$setElementOrder/env':[{'name':'A'}],"
	       "'env':[{'name':'A','value':'1'},{'$patch':'delete','name':'Z'}],'args':null}]}}}}",
	       CONTAINERS "/2", "{'name':'new','image':'x','env':[{'name':'A','value':'1'}]}", NULL);
}

static void test_patch__smp_retain_keys(void **state)
{
	(void)state;
	/* kubectl apply switching a Deployment to Recreate. */
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'strategy':{'$retainKeys':['type'],'rollingUpdate':null,'type':'Recreate'}}}",
	       "/spec/strategy", "{'type':'Recreate'}", NULL);
	/* Clears a defaulted field the patch does not mention. */
	smp_ok("Deployment", DEPLOY, "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}",
	       "/spec/strategy", "{'type':'Recreate'}", NULL);
	/* Without the directive, a retainKeys map merges as usual. */
	smp_ok("Deployment", DEPLOY, "{'spec':{'strategy':{'rollingUpdate':{'maxSurge':1}}}}",
	       "/spec/strategy/rollingUpdate/maxSurge", "1", NULL);
	smp_ok("Deployment", DEPLOY, "{'spec':{'strategy':{}}}", NULL);
	/* volumes (merge,retainKeys): emptyDir becomes a configMap volume. */
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'spec':{'$setElementOrder/volumes':[{'name':'data'}],"
	       "'volumes':[{'$retainKeys':['configMap','name'],'configMap':{'name':'cm'},"
	       "'name':'data'}]}}}}",
	       "/spec/template/spec/volumes", "[{'name':'data','configMap':{'name':'cm'}}]", NULL);
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY,
		    "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate','rollingUpdate':{}}}}",
		    TB_EINVAL, "strategic merge patch: spec.strategy: field \"rollingUpdate\" is in "
		    "the patch but not in $retainKeys");
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY, "{'spec':{'strategy':{'$retainKeys':'type'}}}",
		    TB_EINVAL, "*$retainKeys must be a list");
}

static void test_patch__smp_patch_directive(void **state)
{
	(void)state;
	/* "$patch: replace" on a map: the patch map is the new value. */
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'metadata':{'$patch':'replace','labels':{'v':'2'}}}}}",
	       "/spec/template/metadata", "{'labels':{'v':'2'}}", NULL);
	smp_ok("ConfigMap", "{'kind':'ConfigMap','data':{'a':'1'}}",
	       "{'$patch':'replace','kind':'ConfigMap','data':{'b':'2'}}",
	       "/data", "{'b':'2'}", NULL);
	/* "$patch: delete" on a map leaves it empty, as Kubernetes does... */
	smp_ok("Deployment", DEPLOY, "{'spec':{'strategy':{'$patch':'delete'}}}",
	       "/spec/strategy", "{}", NULL);
	/* ...and does not create a map that was not there. */
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'spec':{'securityContext':{'$patch':'delete'}}}}}", NULL);
	/* "$patch: replace" in a list: the other items are the list. */
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'spec':{'containers':[{'$patch':'replace'},"
	       "{'name':'only','image':'x'}]}}}}",
	       CONTAINERS, "[{'name':'only','image':'x'}]", NULL);
	smp_ok("Deployment", DEPLOY,
	       "{'spec':{'template':{'spec':{'containers':[{'name':'nginx',"
	       "'env':[{'$patch':'replace'}]}]}}}}",
	       NGINX "/env", "[]", NULL);
	/* Deleting removes every item with the key (apimachinery's duplicate case). */
	smp_ok("Deployment",
	       "{'spec':{'template':{'spec':{'containers':[{'name':'x','env':[{'name':'A'},"
	       "{'name':'A'},{'name':'B','value':'a'},{'name':'C'},{'name':'C'}]}]}}}}",
	       "{'spec':{'template':{'spec':{'containers':[{'name':'x','env':["
	       "{'name':'A','$patch':'delete'},{'name':'C','$patch':'delete'}]}]}}}}",
	       CONTAINERS "/0/env", "[{'name':'B','value':'a'}]", NULL);
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY,
		    "{'spec':{'template':{'spec':{'containers':[{'$patch':'merge'}]}}}}",
		    TB_EINVAL, "strategic merge patch: spec.template.spec.containers[0]: "
		    "$patch: merge cannot be specified in a list");
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY,
		    "{'spec':{'template':{'spec':{'containers':[{'name':'nginx','$patch':'remove'}]}}}}",
		    TB_EINVAL, "*unknown $patch directive \"remove\"");
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY,
		    "{'spec':{'template':{'spec':{'containers':[{'$patch':'delete','image':'x'}]}}}}",
		    TB_EINVAL, "*$patch: delete item does not contain declared merge key \"name\"");
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY, "{'spec':{'$patch':'merge'}}", TB_EINVAL,
		    "strategic merge patch: spec: unknown $patch directive \"merge\" in a map");
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY, "{'spec':{'$patch':true}}", TB_EINVAL,
		    "*unknown $patch directive \"(not a string)\" in a map");
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY, "{'metadata':{'$unknown':1}}", TB_EINVAL,
		    "strategic merge patch: metadata: unknown directive \"$unknown\"");
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY, "{'metadata':{'labels':{'$x':'1'}}}", TB_EINVAL,
		    "*unknown directive \"$x\"");
}

static void test_patch__smp_errors(void **state)
{
	(void)state;
	/* apimachinery "missing merge key should error out". */
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY,
		    "{'spec':{'template':{'spec':{'containers':[{'image':'x'}]}}}}", TB_EINVAL,
		    "strategic merge patch: spec.template.spec.containers[0]: list item does not "
		    "contain declared merge key \"name\"");
	/* The error names the element by its key. */
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY,
		    "{'spec':{'template':{'spec':{'containers':[{'name':'nginx','ports':[{'name':'x'}]}]}}}}",
		    TB_EINVAL, "strategic merge patch: spec.template.spec.containers[name=nginx].ports[0]: "
		    "list item does not contain declared merge key \"containerPort\"");
	/* Live items without the key cannot be ordered either. */
	expect_fail(TB_PATCH_STRATEGIC,
		    "{'spec':{'template':{'spec':{'containers':[{'image':'nameless'}]}}}}",
		    "{'spec':{'template':{'spec':{'containers':[{'name':'a'}]}}}}", TB_EINVAL,
		    "*does not contain declared merge key \"name\"");
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY,
		    "{'spec':{'template':{'spec':{'containers':['nginx']}}}}", TB_EINVAL,
		    "*list items are not all of the same type");
	expect_fail(TB_PATCH_STRATEGIC, "{'metadata':{'finalizers':[]}}",
		    "{'metadata':{'finalizers':[['a']]}}", TB_EINVAL,
		    "*lists of lists cannot be merged");
	expect_fail(TB_PATCH_STRATEGIC, "{'metadata':{'finalizers':['a']}}",
		    "{'metadata':{'finalizers':[null]}}", TB_EINVAL,
		    "*null list items cannot be merged");
	expect_fail(TB_PATCH_STRATEGIC, DEPLOY, "[]", TB_EINVAL,
		    "strategic merge patch: the patch is not a JSON object");
	expect_fail(TB_PATCH_STRATEGIC, "[]", "{}", TB_EINVAL,
		    "strategic merge patch: the document is not a JSON object");
}

static void test_patch__smp_atomic(void **state)
{
	json_t *d = J(DEPLOY), *snap = json_deep_copy(d), *p, *got = NULL;
	struct tb_err err = TB_ERR_INIT;

	(void)state;
	/* Many fields merge before the bad one: nothing of it may show. */
	p = J("{'metadata':{'labels':{'x':'y'}},'spec':{'replicas':9,'template':{'spec':{"
	      "'containers':[{'name':'nginx','image':'changed'},{'image':'no-name'}]}}}}");
	assert_int_equal(tb_patch_apply(TB_PATCH_STRATEGIC, d, p, "Deployment", false, &got, &err),
			 -TB_EINVAL);
	assert_null(got);
	assert_true(json_equal(d, snap));
	json_decref(p);
	/* A good patch's result shares nothing with the input. */
	p = J("{'spec':{'replicas':3}}");
	got = apply_ok(TB_PATCH_STRATEGIC, "Deployment", false, d, p);
	json_object_set_new(json_array_get(containers_of(got), 0), "image", json_string("mut"));
	assert_true(json_equal(d, snap));
	json_decref(got);
	json_decref(p);
	json_decref(d);
	json_decref(snap);
}

static void test_patch__smp_kinds(void **state)
{
	const char *cr = "{'kind':'Widget','spec':{'items':[{'name':'a','v':1}],'m':{'x':1}}}";
	const char *cr_patch = "{'spec':{'items':[{'name':'b'}],'m':{'y':2}}}";
	json_t *d, *p, *got, *want;

	(void)state;
	assert_true(tb_patch_strategic_known("Deployment"));
	assert_true(tb_patch_strategic_known("Secret"));
	assert_false(tb_patch_strategic_known("Widget"));
	assert_false(tb_patch_strategic_known(NULL));
	/* Kinds without a table: 415 unless the caller allows the fallback. */
	expect_fail_kind(TB_PATCH_STRATEGIC, "Widget", false, cr, cr_patch, TB_EUNSUPP,
			 "strategic merge patch is not supported for kind \"Widget\"; use "
			 "application/merge-patch+json or application/json-patch+json");
	expect_fail_kind(TB_PATCH_STRATEGIC, NULL, false, cr, cr_patch, TB_EUNSUPP, "*kind \"\"*");
	d = J(cr);
	p = J(cr_patch);
	got = apply_ok(TB_PATCH_STRATEGIC, "Widget", true, d, p);
	want = J("{'kind':'Widget','spec':{'items':[{'name':'b'}],'m':{'x':1,'y':2}}}");
	assert_true(json_equal(got, want));
	json_decref(got);
	json_decref(want);
	json_decref(p);
	json_decref(d);
	/* Job: the pod template merges as in a Deployment; conditions by type. */
	smp_ok("Job",
	       "{'kind':'Job','spec':{'template':{'spec':{'containers':[{'name':'c','image':'a'}],"
	       "'restartPolicy':'Never'}}},"
	       "'status':{'conditions':[{'type':'Complete','status':'False'}]}}",
	       "{'spec':{'template':{'spec':{'containers':[{'name':'c','image':'b'}]}}},"
	       "'status':{'conditions':[{'type':'Complete','status':'True'},"
	       "{'type':'Failed','status':'False'}]}}",
	       "/spec/template/spec/containers", "[{'name':'c','image':'b'}]",
	       "/status/conditions",
	       "[{'type':'Complete','status':'True'},{'type':'Failed','status':'False'}]", NULL);
	/* ConfigMap and Secret: data maps merge, null deletes a key. */
	smp_ok("ConfigMap", "{'kind':'ConfigMap','data':{'a':'1','b':'2'}}",
	       "{'data':{'a':null,'c':'3'}}", "/data", "{'b':'2','c':'3'}", NULL);
	smp_ok("Secret", "{'kind':'Secret','type':'Opaque','data':{'k':'dg=='}}",
	       "{'stringData':{'x':'y'},'metadata':{'finalizers':['f']}}",
	       "/stringData", "{'x':'y'}", "/metadata", "{'finalizers':['f']}", NULL);
	/* Service status conditions by type; a ports edit as above. */
	smp_ok("Service", SERVICE, "{'status':{'conditions':[{'type':'Ready','status':'True'}]}}",
	       "/status", "{'conditions':[{'type':'Ready','status':'True'}]}", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patch__content_type),
		cmocka_unit_test(test_patch__merge_rfc7386_appendix),
		cmocka_unit_test(test_patch__merge_rfc7386_example),
		cmocka_unit_test(test_patch__depth_bound),
		cmocka_unit_test(test_patch__json_rfc6902_appendix),
		cmocka_unit_test(test_patch__json_rfc6902_a13_duplicate_op),
		cmocka_unit_test(test_patch__json_pointer_rfc6901),
		cmocka_unit_test(test_patch__json_array_indices),
		cmocka_unit_test(test_patch__json_ops),
		cmocka_unit_test(test_patch__json_bad_operations),
		cmocka_unit_test(test_patch__json_atomic),
		cmocka_unit_test(test_patch__json_too_many_ops),
		cmocka_unit_test(test_patch__bad_arguments),
		cmocka_unit_test(test_patch__smp_maps),
		cmocka_unit_test(test_patch__smp_apply_image_change),
		cmocka_unit_test(test_patch__smp_apply_add_container),
		cmocka_unit_test(test_patch__smp_apply_remove_container),
		cmocka_unit_test(test_patch__smp_apply_delete_env),
		cmocka_unit_test(test_patch__smp_apply_edit_ports),
		cmocka_unit_test(test_patch__smp_order_without_directive),
		cmocka_unit_test(test_patch__smp_set_element_order),
		cmocka_unit_test(test_patch__smp_preserve_order_cases),
		cmocka_unit_test(test_patch__smp_primitive_lists),
		cmocka_unit_test(test_patch__smp_replaced_lists),
		cmocka_unit_test(test_patch__smp_nested_merge_lists),
		cmocka_unit_test(test_patch__smp_retain_keys),
		cmocka_unit_test(test_patch__smp_patch_directive),
		cmocka_unit_test(test_patch__smp_errors),
		cmocka_unit_test(test_patch__smp_atomic),
		cmocka_unit_test(test_patch__smp_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
