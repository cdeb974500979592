/* Unit tests for src/api/yaml.c: go-yaml v2 scalar resolution, streams,
 * Kubernetes/Karmada manifests, anchors and merges, hostile input, and the
 * emitter (exact kubectl-style text and emit -> parse round trips). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/yaml.h"
#include "lib/mem.h"
#include "lib/strbuf.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct docs {
	json_t *all;		/* every document, in order */
	unsigned lines[64];
	size_t n;
	size_t stop_after;	/* return 42 from the callback after this many */
};

static int collect(json_t *doc, unsigned line, void *data)
{
	struct docs *d = data;

	if (d->n < ARRAY_SIZE(d->lines))
		d->lines[d->n] = line;
	d->n++;
	json_array_append_new(d->all, doc);
	return d->stop_after && d->n >= d->stop_after ? 42 : 0;
}

static int parse_all(const char *in, size_t len, struct docs *d, struct tb_err *err)
{
	memset(d, 0, sizeof(*d));
	d->all = json_array();
	return tb_yaml_parse(in, len, collect, d, err);
}

static json_t *load_json(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &jerr);

	if (!j)
		fail_msg("bad expected JSON %s: %s", text, jerr.text);
	return j;
}

static char *dump(const json_t *j)
{
	return json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
}

/* Emits doc, parses the text back and requires the same tree. */
static void assert_round_trip(const json_t *doc)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	struct tb_err err = TB_ERR_INIT;
	struct docs d;
	int rc;

	tb_yaml_emit(doc, &sb);
	rc = parse_all(sb.buf, sb.len, &d, &err);
	if (json_is_null(doc)) {
		assert_int_equal(d.n, 0);
	} else if (rc || d.n != 1 || !json_equal(doc, json_array_get(d.all, 0))) {
		char *want = dump(doc);

		fail_msg("round trip failed (rc %d: %s) for %s as:\n%s", rc, err.msg,
			 want, sb.buf);
	}
	json_decref(d.all);
	tb_strbuf_release(&sb);
}

/* Parses a one-document input (which must succeed) and round-trips it. */
static json_t *parse_one(const char *in)
{
	struct tb_err err = TB_ERR_INIT;
	struct docs d;
	json_t *doc;
	int rc = parse_all(in, strlen(in), &d, &err);

	if (rc || d.n != 1)
		fail_msg("parsing %s: rc %d, %zu docs, %s", in, rc, d.n, err.msg);
	doc = json_incref(json_array_get(d.all, 0));
	json_decref(d.all);
	assert_round_trip(doc);
	return doc;
}

static void assert_parses_to(const char *in, const char *want_json)
{
	json_t *got = parse_one(in), *want = load_json(want_json);

	if (!json_equal(got, want)) {
		char *g = dump(got);

		fail_msg("%s\n  parsed to %s\n  expected %s", in, g, want_json);
	}
	json_decref(got);
	json_decref(want);
}

static void expect_error(const char *in, size_t len, const char *want)
{
	struct tb_err err = TB_ERR_INIT;
	struct docs d;
	int rc = parse_all(in, len, &d, &err);

	if (rc != -TB_EINVAL || !strstr(err.msg, want))
		fail_msg("input \"%.60s\": rc %d, message \"%s\", wanted \"%s\"", in, rc,
			 err.msg, want);
	assert_int_equal(err.code, -TB_EINVAL);
	json_decref(d.all);
}

/* ---- parsing ------------------------------------------------------------------- */

static const struct scalar_case {
	const char *yaml;	/* the value in "v: <yaml>" */
	const char *json;
} scalar_cases[] = {
	/* null */
	{ "~", "null" }, { "null", "null" }, { "Null", "null" }, { "NULL", "null" },
	{ "", "null" }, { "nULL", "\"nULL\"" },
	/* YAML 1.1 booleans, as go-yaml v2 (and so kubectl) reads them */
	{ "y", "true" }, { "Y", "true" }, { "yes", "true" }, { "Yes", "true" },
	{ "YES", "true" }, { "true", "true" }, { "True", "true" }, { "TRUE", "true" },
	{ "on", "true" }, { "On", "true" }, { "ON", "true" },
	{ "n", "false" }, { "N", "false" }, { "no", "false" }, { "No", "false" },
	{ "NO", "false" }, { "false", "false" }, { "False", "false" },
	{ "FALSE", "false" }, { "off", "false" }, { "Off", "false" }, { "OFF", "false" },
	{ "tRue", "\"tRue\"" }, { "yES", "\"yES\"" }, { "oFF", "\"oFF\"" },
	/* integers */
	{ "0", "0" }, { "-0", "0" }, { "+12", "12" }, { "-12", "-12" }, { "42", "42" },
	{ "0x1F", "31" }, { "0X1f", "31" }, { "-0x10", "-16" }, { "0o17", "15" },
	{ "0755", "493" }, { "0b101", "5" }, { "-0b101", "-5" }, { "1_000", "1000" },
	{ "0x_1F", "31" }, { "1__0", "10" },
	{ "9223372036854775807", "9223372036854775807" },
	{ "-9223372036854775808", "-9223372036854775808" },
	/* beyond int64: a float64 in Go, a real here */
	{ "9223372036854775808", "9223372036854775808.0" },
	{ "18446744073709551615", "1.8446744073709552e19" },
	{ "0xFFFFFFFFFFFFFFFF", "1.8446744073709552e19" },
	{ "99999999999999999999", "1e20" },
	{ "-99999999999999999999", "-1e20" },
	{ "0xFFFFFFFFFFFFFFFFFF", "\"0xFFFFFFFFFFFFFFFFFF\"" },
	/* not octal, so a float in go-yaml, and an integral float is an int */
	{ "08", "8" }, { "09.5", "9.5" },
	/* floats */
	{ "1.5", "1.5" }, { ".5", "0.5" }, { "-.5", "-0.5" }, { "+1.5", "1.5" },
	{ "-1.5E-3", "-0.0015" }, { "6.02e23", "6.02e23" }, { "1.e2", "100" },
	{ "1e3", "1000" }, { "1.0", "1" }, { "1e-400", "0" }, { "3.14_15", "3.1415" },
	{ "1e21", "1e21" },
	/* strings */
	{ "abc", "\"abc\"" }, { "1.2.3", "\"1.2.3\"" }, { "0x", "\"0x\"" },
	{ "0xZZ", "\"0xZZ\"" }, { "-x", "\"-x\"" }, { ".", "\".\"" }, { "1e", "\"1e\"" },
	{ "e3", "\"e3\"" }, { "2001-12-14", "\"2001-12-14\"" },
	{ "2001-12-14T21:59:43.10Z", "\"2001-12-14T21:59:43.10Z\"" },
	{ "12:30", "\"12:30\"" }, { "<<", "\"<<\"" }, { "+", "\"+\"" },
	{ ".5.", "\".5.\"" }, { "0b102", "\"0b102\"" }, { "yes please", "\"yes please\"" },
	{ "_1", "\"_1\"" }, { "nan", "\"nan\"" }, { "inf", "\"inf\"" },
	{ ".inf_", "\".inf_\"" }, { "Infinity", "\"Infinity\"" }, { "500m", "\"500m\"" },
	{ "nginx:1.25", "\"nginx:1.25\"" }, { "é", "\"é\"" },
	/* quoted and block scalars are always strings */
	{ "\"1\"", "\"1\"" }, { "'true'", "\"true\"" }, { "\"null\"", "\"null\"" },
	{ "''", "\"\"" }, { "\"\"", "\"\"" }, { "'~'", "\"~\"" },
	{ "\"0x1F\"", "\"0x1F\"" }, { "\"a\\tb\\u00e9\"", "\"a\\tb\\u00e9\"" },
	{ "|\n  12\n", "\"12\\n\"" }, { ">-\n  a\n  b\n", "\"a b\"" },
	{ "|-\n  yes\n", "\"yes\"" },
	/* explicit tags */
	{ "!!str 12", "\"12\"" }, { "!!str true", "\"true\"" }, { "!!str", "\"\"" },
	{ "!!int \"12\"", "12" }, { "!!int 0x10", "16" }, { "!!float 1", "1" },
	{ "!!float 1.5", "1.5" }, { "!!bool \"yes\"", "true" }, { "!!null ''", "null" },
	{ "!!binary aGVsbG8=", "\"aGVsbG8=\"" }, { "!!timestamp 2001-12-14", "\"2001-12-14\"" },
	{ "!foo 12", "12" }, { "!foo '12'", "\"12\"" }, { "! 12", "\"12\"" },
	{ "!<tag:example.com,2000:x> true", "true" },
};

static void test_yaml__scalars(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(scalar_cases); i++) {
		const struct scalar_case *c = &scalar_cases[i];
		struct tb_strbuf in = TB_STRBUF_INIT, want = TB_STRBUF_INIT;

		tb_strbuf_addf(&in, "v: %s", c->yaml);
		tb_strbuf_addf(&want, "{\"v\": %s}", c->json);
		assert_parses_to(in.buf, want.buf);
		tb_strbuf_release(&in);
		tb_strbuf_release(&want);
	}
}

static void test_yaml__scalar_types(void **state)
{
	json_t *doc = parse_one("i: 1\nr: 1.5\nbig: 99999999999999999999\nf: 1.0\n");

	(void)state;
	assert_true(json_is_integer(json_object_get(doc, "i")));
	assert_true(json_is_real(json_object_get(doc, "r")));
	assert_true(json_is_real(json_object_get(doc, "big")));
	/* kubectl's JSON text says 1, which it reads back as an int64 */
	assert_true(json_is_integer(json_object_get(doc, "f")));
	json_decref(doc);
}

static const struct bad_case {
	const char *yaml;
	size_t len;		/* 0: strlen */
	const char *want;	/* substring of the error message */
} scalar_errors[] = {
	{ "v: .inf", 0, "line 1, column 4: cannot represent .inf in JSON" },
	{ "v: -.Inf", 0, "line 1, column 4: cannot represent -.Inf in JSON" },
	{ "v: +.INF", 0, "cannot represent +.INF in JSON" },
	{ "a: 1\nv: .nan", 0, "line 2, column 4: cannot represent .nan in JSON" },
	{ "- .NaN", 0, "line 1, column 3: cannot represent .NaN" },
	{ "v: 1e400", 0, "line 1, column 4: cannot represent 1e400 in JSON" },
	{ "v: -1e400", 0, "cannot represent -1e400 in JSON" },
	{ "v: !!float .inf", 0, "cannot represent .inf" },
	{ "v: !!int abc", 0, "line 1, column 4: cannot decode !!str `abc` as a !!int" },
	{ "v: !!int 1.5", 0, "cannot decode !!float `1.5` as a !!int" },
	{ "v: !!bool 1", 0, "cannot decode !!int `1` as a !!bool" },
	{ "v: !!null 0", 0, "cannot decode !!int `0` as a !!null" },
	{ "v: !!float abc", 0, "cannot decode !!str `abc` as a !!float" },
};

static void test_yaml__scalar_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(scalar_errors); i++)
		expect_error(scalar_errors[i].yaml, strlen(scalar_errors[i].yaml),
			     scalar_errors[i].want);
}

static const struct scalar_case key_cases[] = {
	{ "1: a", "{\"1\": \"a\"}" },
	{ "true: a", "{\"true\": \"a\"}" },
	/* sigs.k8s.io/yaml prints the decoded key, not its spelling */
	{ "yes: a\nOff: b", "{\"true\": \"a\", \"false\": \"b\"}" },
	{ "0x10: a", "{\"16\": \"a\"}" },
	{ "1.50: a", "{\"1.5\": \"a\"}" },
	{ "3.14159265358979: a", "{\"3.1415927\": \"a\"}" },
	{ "-1: a", "{\"-1\": \"a\"}" },
	{ "'~': a", "{\"~\": \"a\"}" },
	{ "'yes': a", "{\"yes\": \"a\"}" },
	{ "'<<': 1", "{\"<<\": 1}" },
	{ "\"a b\": 1", "{\"a b\": 1}" },
	{ "? x\n: z\n", "{\"x\": \"z\"}" },
	{ "x: 1\ny: 2\nn: 3", "{\"x\": 1, \"true\": 2, \"false\": 3}" },
	{ "? |\n  multi\n  line\n: v\n", "{\"multi\\nline\\n\": \"v\"}" },
	{ "{a: 1, b: [x, {c: d}]}", "{\"a\": 1, \"b\": [\"x\", {\"c\": \"d\"}]}" },
	{ "a:\nb: ~\nc: []\nd: {}", "{\"a\": null, \"b\": null, \"c\": [], \"d\": {}}" },
};

static void test_yaml__keys(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(key_cases); i++)
		assert_parses_to(key_cases[i].yaml, key_cases[i].json);
}

static const struct stream_case {
	const char *yaml;
	size_t len;
	const char *docs;	/* JSON array of the documents */
	unsigned lines[4];
} stream_cases[] = {
	{ "a: 1\n---\nb: 2\n", 0, "[{\"a\": 1}, {\"b\": 2}]", { 1, 2 } },
	{ "", 0, "[]", { 0 } },
	{ "# only a comment\n", 0, "[]", { 0 } },
	{ "---\n", 0, "[]", { 0 } },
	{ "---\n...\n", 0, "[]", { 0 } },
	{ "---\n---\n# c\n---\na: 1\n...\n---\nnull\n---\n~\n--- {b: 2}\n", 0,
	  "[{\"a\": 1}, {\"b\": 2}]", { 4, 11 } },
	{ "# leading comment\n\napiVersion: v1\n", 0, "[{\"apiVersion\": \"v1\"}]", { 3 } },
	{ "--- hello\n--- [1, 2]\n", 0, "[\"hello\", [1, 2]]", { 1, 2 } },
	{ "a: 1\n...\n# trailing\n", 0, "[{\"a\": 1}]", { 1 } },
	{ "a: 1\r\n---\r\nb: 2\r\n", 0, "[{\"a\": 1}, {\"b\": 2}]", { 1, 2 } },
	{ "\xEF\xBB\xBF" "a: 1\n", 0, "[{\"a\": 1}]", { 1 } },
	{ "--- \"\"\n--- ''\n", 0, "[\"\", \"\"]", { 1, 2 } },
	{ "%YAML 1.1\n---\na: 1\n", 0, "[{\"a\": 1}]", { 1 } },
	{ "a: 1\n---\n\n\n---\n\nb: 2", 0, "[{\"a\": 1}, {\"b\": 2}]", { 1, 5 } },
};

static void test_yaml__streams(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(stream_cases); i++) {
		const struct stream_case *c = &stream_cases[i];
		struct tb_err err = TB_ERR_INIT;
		struct docs d;
		json_t *want = load_json(c->docs);
		int rc = parse_all(c->yaml, strlen(c->yaml), &d, &err);

		if (rc || !json_equal(d.all, want)) {
			char *got = dump(d.all);

			fail_msg("stream %zu: rc %d (%s), got %s want %s", i, rc, err.msg,
				 got, c->docs);
		}
		for (k = 0; k < d.n; k++) {
			if (d.lines[k] != c->lines[k])
				fail_msg("stream %zu doc %zu: line %u, want %u", i, k,
					 d.lines[k], c->lines[k]);
			assert_round_trip(json_array_get(d.all, k));
		}
		json_decref(want);
		json_decref(d.all);
	}
}

static void test_yaml__callback_stops(void **state)
{
	const char *in = "a: 1\n---\nb: 2\n---\nc: 3\n";
	struct tb_err err = TB_ERR_INIT;
	struct docs d;
	int rc;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.all = json_array();
	d.stop_after = 2;
	rc = tb_yaml_parse(in, strlen(in), collect, &d, &err);
	assert_int_equal(rc, 42);
	assert_int_equal(d.n, 2);
	assert_int_equal(err.code, 0);
	json_decref(d.all);
}

static const char deployment_yaml[] =
	"# A Deployment as users write them.\n"
	"apiVersion: apps/v1\n"
	"kind: Deployment\n"
	"metadata:\n"
	"  name: nginx\n"
	"  namespace: default\n"
	"  labels:\n"
	"    app: nginx\n"
	"    tier: \"frontend\"\n"
	"  annotations:\n"
	"    deployment.kubernetes.io/revision: \"3\"\n"
	"    description: >\n"
	"      Serves the static\n"
	"      site.\n"
	"spec:\n"
	"  replicas: 3\n"
	"  selector:\n"
	"    matchLabels:\n"
	"      app: nginx\n"
	"  strategy:\n"
	"    type: RollingUpdate\n"
	"    rollingUpdate:\n"
	"      maxSurge: 25%\n"
	"      maxUnavailable: 0\n"
	"  template:\n"
	"    metadata:\n"
	"      labels:\n"
	"        app: nginx\n"
	"    spec:\n"
	"      containers:\n"
	"      - name: nginx\n"
	"        image: nginx:1.25.3\n"
	"        args: [\"--port\", \"8080\", --verbose]\n"
	"        ports:\n"
	"        - containerPort: 80\n"
	"          protocol: TCP\n"
	"        env:\n"
	"        - name: ENABLED\n"
	"          value: \"true\"\n"
	"        - name: EMPTY\n"
	"          value: \"\"\n"
	"        resources:\n"
	"          limits: {cpu: 500m, memory: 128Mi}\n"
	"          requests:\n"
	"            cpu: 0.5\n"
	"        readinessProbe:\n"
	"          httpGet: {path: /healthz, port: 8080}\n"
	"          initialDelaySeconds: 5\n"
	"        command:\n"
	"          - /bin/sh\n"
	"          - -c\n"
	"          - |\n"
	"            echo start\n"
	"            exec nginx -g 'daemon off;'\n"
	"      nodeSelector:\n"
	"        kubernetes.io/os: linux\n"
	"      tolerations: []   # none\n"
	"      hostNetwork: false\n";

static const char deployment_json[] =
	"{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\","
	" \"metadata\": {\"name\": \"nginx\", \"namespace\": \"default\","
	"  \"labels\": {\"app\": \"nginx\", \"tier\": \"frontend\"},"
	"  \"annotations\": {\"deployment.kubernetes.io/revision\": \"3\","
	"   \"description\": \"Serves the static site.\\n\"}},"
	" \"spec\": {\"replicas\": 3, \"selector\": {\"matchLabels\": {\"app\": \"nginx\"}},"
	"  \"strategy\": {\"type\": \"RollingUpdate\","
	"   \"rollingUpdate\": {\"maxSurge\": \"25%\", \"maxUnavailable\": 0}},"
	"  \"template\": {\"metadata\": {\"labels\": {\"app\": \"nginx\"}},"
	"   \"spec\": {\"containers\": [{\"name\": \"nginx\", \"image\": \"nginx:1.25.3\","
	"     \"args\": [\"--port\", \"8080\", \"--verbose\"],"
	"     \"ports\": [{\"containerPort\": 80, \"protocol\": \"TCP\"}],"
	"     \"env\": [{\"name\": \"ENABLED\", \"value\": \"true\"},"
	"              {\"name\": \"EMPTY\", \"value\": \"\"}],"
	"     \"resources\": {\"limits\": {\"cpu\": \"500m\", \"memory\": \"128Mi\"},"
	"                   \"requests\": {\"cpu\": 0.5}},"
	"     \"readinessProbe\": {\"httpGet\": {\"path\": \"/healthz\", \"port\": 8080},"
	"                        \"initialDelaySeconds\": 5},"
	"     \"command\": [\"/bin/sh\", \"-c\","
	"                 \"echo start\\nexec nginx -g 'daemon off;'\\n\"]}],"
	"    \"nodeSelector\": {\"kubernetes.io/os\": \"linux\"},"
	"    \"tolerations\": [], \"hostNetwork\": false}}}}";

static const char policy_yaml[] =
	"apiVersion: policy.karmada.io/v1alpha1\n"
	"kind: PropagationPolicy\n"
	"metadata:\n"
	"  name: nginx-propagation\n"
	"spec:\n"
	"  resourceSelectors:\n"
	"    - apiVersion: apps/v1\n"
	"      kind: Deployment\n"
	"      name: nginx\n"
	"  placement:\n"
	"    clusterAffinity:\n"
	"      clusterNames:\n"
	"        - member1\n"
	"        - member2\n"
	"    replicaScheduling:\n"
	"      replicaDivisionPreference: Weighted\n"
	"      replicaSchedulingType: Divided\n"
	"      weightPreference:\n"
	"        staticWeightList:\n"
	"          - targetCluster:\n"
	"              clusterNames: [member1]\n"
	"            weight: 1\n"
	"          - targetCluster:\n"
	"              clusterNames: [member2]\n"
	"            weight: 2\n"
	"    clusterTolerations:\n"
	"    - key: cluster.karmada.io/not-ready\n"
	"      operator: Exists\n"
	"      effect: NoExecute\n"
	"      tolerationSeconds: 300\n"
	"  priority: 0\n"
	"  preemption: Never\n"
	"  conflictResolution: Abort\n"
	"  failover:\n"
	"    application:\n"
	"      decisionConditions:\n"
	"        tolerationSeconds: 120\n"
	"      purgeMode: Graciously\n";

static const char policy_json[] =
	"{\"apiVersion\": \"policy.karmada.io/v1alpha1\", \"kind\": \"PropagationPolicy\","
	" \"metadata\": {\"name\": \"nginx-propagation\"},"
	" \"spec\": {\"resourceSelectors\": [{\"apiVersion\": \"apps/v1\","
	"   \"kind\": \"Deployment\", \"name\": \"nginx\"}],"
	"  \"placement\": {\"clusterAffinity\": {\"clusterNames\": [\"member1\", \"member2\"]},"
	"   \"replicaScheduling\": {\"replicaDivisionPreference\": \"Weighted\","
	"    \"replicaSchedulingType\": \"Divided\","
	"    \"weightPreference\": {\"staticWeightList\": ["
	"     {\"targetCluster\": {\"clusterNames\": [\"member1\"]}, \"weight\": 1},"
	"     {\"targetCluster\": {\"clusterNames\": [\"member2\"]}, \"weight\": 2}]}},"
	"   \"clusterTolerations\": [{\"key\": \"cluster.karmada.io/not-ready\","
	"    \"operator\": \"Exists\", \"effect\": \"NoExecute\", \"tolerationSeconds\": 300}]},"
	"  \"priority\": 0, \"preemption\": \"Never\", \"conflictResolution\": \"Abort\","
	"  \"failover\": {\"application\": {\"decisionConditions\": {\"tolerationSeconds\": 120},"
	"   \"purgeMode\": \"Graciously\"}}}}";

static void test_yaml__deployment(void **state)
{
	(void)state;
	assert_parses_to(deployment_yaml, deployment_json);
}

static void test_yaml__propagation_policy(void **state)
{
	(void)state;
	assert_parses_to(policy_yaml, policy_json);
}

static void test_yaml__manifest_stream(void **state)
{
	struct tb_strbuf in = TB_STRBUF_INIT;
	struct tb_err err = TB_ERR_INIT;
	struct docs d;
	json_t *dep = load_json(deployment_json), *pol = load_json(policy_json);
	const char *p;
	unsigned line = 0;

	(void)state;
	tb_strbuf_addf(&in, "---\n%s---\n# policy\n%s", deployment_yaml, policy_yaml);
	assert_int_equal(parse_all(in.buf, in.len, &d, &err), 0);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.lines[0], 1);
	/* the second document starts at its `---` */
	for (p = deployment_yaml; (p = strchr(p, '\n')); p++)
		line++;
	assert_int_equal(d.lines[1], line + 2);
	assert_true(json_equal(json_array_get(d.all, 0), dep));
	assert_true(json_equal(json_array_get(d.all, 1), pol));
	json_decref(d.all);
	json_decref(dep);
	json_decref(pol);
	tb_strbuf_release(&in);
}

static const struct scalar_case anchor_cases[] = {
	{ "a: &x {k: v}\nb: *x", "{\"a\": {\"k\": \"v\"}, \"b\": {\"k\": \"v\"}}" },
	{ "a: &s hello\nb: *s\n", "{\"a\": \"hello\", \"b\": \"hello\"}" },
	{ "a: &x 1\nb: &x 2\nc: *x\n", "{\"a\": 1, \"b\": 2, \"c\": 2}" },
	{ "a: &k key\n*k : v\n", "{\"a\": \"key\", \"key\": \"v\"}" },
	{ "a: &n 7\n*n : v\n", "{\"a\": 7, \"7\": \"v\"}" },
	{ "- &x [1, 2]\n- *x\n- [*x, *x]\n", "[[1, 2], [1, 2], [[1, 2], [1, 2]]]" },
	{ "base: &b {x: 1, w: 2}\nd:\n  <<: *b\n  w: 3\n",
	  "{\"base\": {\"x\": 1, \"w\": 2}, \"d\": {\"x\": 1, \"w\": 3}}" },
	{ "base: &b {x: 1, w: 2}\nd:\n  w: 3\n  <<: *b\n",
	  "{\"base\": {\"x\": 1, \"w\": 2}, \"d\": {\"w\": 3, \"x\": 1}}" },
	{ "a: &a {x: 1}\nb: &b {x: 2, w: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n",
	  "{\"a\": {\"x\": 1}, \"b\": {\"x\": 2, \"w\": 2}, \"c\": {\"x\": 1, \"w\": 2, \"z\": 3}}" },
	{ "c:\n  <<: {x: 1, w: 1}\n  w: 2\n", "{\"c\": {\"x\": 1, \"w\": 2}}" },
	{ "c: {<<: &m {x: 1}, w: 2}\nd: *m\n", "{\"c\": {\"x\": 1, \"w\": 2}, \"d\": {\"x\": 1}}" },
	{ "c:\n  !!merge <<: {x: 1}\n", "{\"c\": {\"x\": 1}}" },
	{ "defaults: &d\n  image: nginx\n  resources: {cpu: 1}\n"
	  "containers:\n- <<: *d\n  name: a\n- <<: *d\n  name: b\n  image: busybox\n",
	  "{\"defaults\": {\"image\": \"nginx\", \"resources\": {\"cpu\": 1}},"
	  " \"containers\": [{\"image\": \"nginx\", \"resources\": {\"cpu\": 1}, \"name\": \"a\"},"
	  "  {\"image\": \"busybox\", \"resources\": {\"cpu\": 1}, \"name\": \"b\"}]}" },
	{ "a: &e []\nb: *e\nc: &o {}\nd: *o\n", "{\"a\": [], \"b\": [], \"c\": {}, \"d\": {}}" },
};

static void test_yaml__anchors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(anchor_cases); i++)
		assert_parses_to(anchor_cases[i].yaml, anchor_cases[i].json);
}

/* Callers mutate trees: an alias (or a merged value) must never be a second
 * reference to a node that is somewhere else too. */
static void test_yaml__alias_is_deep_copy(void **state)
{
	json_t *doc = parse_one("a: &x {k: [1]}\nb: *x\nc: {<<: *x}\nd: {<<: &m {q: [2]}}\n");
	json_t *a = json_object_get(doc, "a"), *b = json_object_get(doc, "b");
	json_t *ck = json_object_get(json_object_get(doc, "c"), "k");
	json_t *dq = json_object_get(json_object_get(doc, "d"), "q");

	(void)state;
	assert_ptr_not_equal(a, b);
	assert_int_equal(a->refcount, 1);
	assert_int_equal(b->refcount, 1);
	assert_int_equal(json_object_get(a, "k")->refcount, 1);
	assert_int_equal(ck->refcount, 1);
	assert_int_equal(dq->refcount, 1);
	json_array_append_new(json_object_get(b, "k"), json_integer(2));
	assert_int_equal(json_array_size(json_object_get(a, "k")), 1);
	assert_int_equal(json_array_size(ck), 1);
	json_decref(doc);
}

static const struct bad_case bad_cases[] = {
	/* truncated input */
	{ "apiVersion: v1\nmetadata:\n  name: x\n  labels", 0,
	  "line 5, column 1: could not find expected ':' while scanning a simple key"
	  " that started at line 4, column 3" },
	{ "{a: [1, 2", 0, "did not find expected ',' or ']' while parsing a flow sequence"
	  " that started at line 1, column 5" },
	{ "a: [1, 2\nb: 3\n", 0, "while parsing a flow sequence that started at line 1, column 4" },
	{ "a: \"abc", 0, "line 1, column 8: found unexpected end of stream while scanning a"
	  " quoted scalar that started at line 1, column 4" },
	{ "a: 'abc\nb: 1\n", 0, "found unexpected end of stream while scanning a quoted scalar" },
	{ "a: {b: 1", 0, "did not find expected ',' or '}'" },
	{ "]", 0, "line 1, column 1: did not find expected node content" },
	/* structure */
	{ "a:\n\tb: 1\n", 0, "line 2, column 1: found character that cannot start any token" },
	{ "a:\n  b: 1\n c: 2", 0, "line 3, column 2: did not find expected key while parsing"
	  " a block mapping that started at line 1, column 1" },
	{ "a: b: c", 0, "line 1, column 5: mapping values are not allowed in this context" },
	{ "- a\nb: 1", 0, "line 2, column 1: did not find expected '-' indicator" },
	{ "--- b: 2", 0, "mapping values are not allowed" },
	{ "key: &", 0, "did not find expected alphabetic or numeric character" },
	{ "%YAML 2.0\n---\na: 1", 0, "line 1, column 1: found incompatible YAML document" },
	/* keys */
	{ "metadata:\n  name: a\n  labels: {}\n  name: b\n", 0,
	  "line 4, column 3: duplicate key \"name\" (first at line 2)" },
	{ "1: a\n'1': b\n", 0, "line 2, column 1: duplicate key \"1\" (first at line 1)" },
	{ "{a: 1, a: 2}", 0, "line 1, column 8: duplicate key \"a\"" },
	{ "c:\n  <<: {x: 1}\n  x: 2\n  x: 3\n", 0, "line 4, column 3: duplicate key \"x\" (first at line 3)" },
	{ "? [a]\n: 1", 0, "line 1, column 3: a sequence cannot be used as a map key" },
	{ "{[a]: 1}", 0, "a sequence cannot be used as a map key" },
	{ "? {a: 1}\n: 2", 0, "a mapping cannot be used as a map key" },
	{ "a: &m {x: 1}\n*m : 2", 0, "line 2, column 1: a mapping cannot be used as a map key" },
	{ "~: a", 0, "line 1, column 1: null is not supported as a map key" },
	{ "a: 1\nNULL: b", 0, "line 2, column 1: null is not supported as a map key" },
	/* anchors */
	{ "a: *nope", 0, "line 1, column 4: unknown anchor \"nope\" referenced" },
	{ "a: &x 1\n---\nb: *x", 0, "line 3, column 4: unknown anchor \"x\" referenced" },
	{ "a: &x [*x]", 0, "line 1, column 8: anchor \"x\" value contains itself" },
	{ "<<: 1", 0, "line 1, column 1: map merge requires map or sequence of maps" },
	{ "a: {<<: [{x: 1}, 2]}", 0, "map merge requires map or sequence of maps" },
	/* encoding */
	{ "a: \xff\n", 0, "line 1, column 4: invalid leading UTF-8 octet" },
	{ "a: ok\nb: \xc3", 0, "line 2, column 4: incomplete UTF-8 octet sequence" },
	{ "a: \xc0\xaf", 0, "invalid length of a UTF-8 sequence" },
	{ "a: \xed\xa0\x80", 0, "line 1, column 4: invalid Unicode character" },
	{ "a: b\0c\n", 7, "line 1, column 5: control characters are not allowed" },
	{ "\0", 1, "line 1, column 1: control characters are not allowed" },
	{ "a: \"x\\0y\"", 0, "line 1, column 4: NUL character in a string is not supported" },
	{ "\"\\u0000\": 1", 0, "NUL character in a string is not supported" },
	{ "a: \"\\ud800\"", 0, "found invalid Unicode character escape code" },
	/* numbers */
	{ "spec:\n  replicas: 1e400\n", 0, "line 2, column 13: cannot represent 1e400 in JSON" },
};

static void test_yaml__bad_inputs(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];

		expect_error(c->yaml, c->len ? c->len : strlen(c->yaml), c->want);
	}
}

static char *repeat(const char *s, size_t n, const char *tail)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		tb_strbuf_adds(&sb, s);
	tb_strbuf_adds(&sb, tail);
	return tb_strbuf_detach(&sb, NULL);
}

static void test_yaml__deep_nesting(void **state)
{
	char *s;

	(void)state;
	s = repeat("[", 10000, "");
	expect_error(s, strlen(s), "line 1, column 101: nesting too deep (more than 100 levels)");
	tb_free(s);
	s = repeat("{a: ", 10000, "");
	expect_error(s, strlen(s), "nesting too deep (more than 100 levels)");
	tb_free(s);
	s = repeat("- ", 10000, "x\n");
	expect_error(s, strlen(s), "line 1, column 201: nesting too deep");
	tb_free(s);
}

static void test_yaml__deep_block_mapping(void **state)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 300; i++) {
		tb_strbuf_addchars(&sb, ' ', i);
		tb_strbuf_adds(&sb, "a:\n");
	}
	expect_error(sb.buf, sb.len, "line 101, column 101: nesting too deep");
	tb_strbuf_release(&sb);
}

static void test_yaml__depth_limit_is_exact(void **state)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	char *s;
	json_t *doc, *j;
	size_t depth = 0;

	(void)state;
	s = repeat("[", TB_MAX_DEPTH, "");
	tb_strbuf_adds(&sb, s);
	tb_free(s);
	tb_strbuf_addchars(&sb, ']', TB_MAX_DEPTH);
	doc = parse_one(sb.buf);
	for (j = doc; json_is_array(j); j = json_array_get(j, 0))
		depth++;
	assert_int_equal(depth, TB_MAX_DEPTH);
	json_decref(doc);

	tb_strbuf_reset(&sb);
	s = repeat("[", TB_MAX_DEPTH + 1, "");
	tb_strbuf_adds(&sb, s);
	tb_free(s);
	tb_strbuf_addchars(&sb, ']', TB_MAX_DEPTH + 1);
	expect_error(sb.buf, sb.len, "column 101: nesting too deep");

	/* an alias to a deep anchor cannot smuggle depth past the limit */
	tb_strbuf_reset(&sb);
	s = repeat("[", 60, "");
	tb_strbuf_addf(&sb, "a: &deep %s", s);
	tb_free(s);
	tb_strbuf_addchars(&sb, ']', 60);
	s = repeat("[", 50, "*deep");
	tb_strbuf_addf(&sb, "\nb: %s", s);
	tb_free(s);
	tb_strbuf_addchars(&sb, ']', 50);
	expect_error(sb.buf, sb.len, "line 2, column 54: nesting too deep");
	tb_strbuf_release(&sb);
}

static char *big_document(size_t bytes, const char *head)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t i;

	tb_strbuf_adds(&sb, head);
	for (i = 0; sb.len < bytes; i++)
		tb_strbuf_addf(&sb, "key%07zu: some value that is long enough\n", i);
	return tb_strbuf_detach(&sb, NULL);
}

static void test_yaml__huge_document(void **state)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	char *s;

	(void)state;
	s = big_document(10u << 20, "");
	expect_error(s, strlen(s), "document starting at line 1 is too large: more than 3145728 bytes");
	tb_free(s);
	s = big_document(10u << 20, "a: 1\n---\n");
	expect_error(s, strlen(s), "document starting at line 2 is too large");
	tb_free(s);
	/* one 10 MiB scalar */
	tb_strbuf_adds(&sb, "a: ");
	tb_strbuf_addchars(&sb, 'x', 10u << 20);
	expect_error(sb.buf, sb.len, "document starting at line 1 is too large");
	tb_strbuf_release(&sb);
}

/* The limit is per document: a big stream of small documents is fine. */
static void test_yaml__big_stream_of_small_documents(void **state)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	struct tb_err err = TB_ERR_INIT;
	struct docs d;
	size_t n = 0;

	(void)state;
	while (sb.len < (4u << 20)) {
		tb_strbuf_addf(&sb, "---\n%s", deployment_yaml);
		n++;
	}
	assert_int_equal(parse_all(sb.buf, sb.len, &d, &err), 0);
	assert_int_equal(d.n, n);
	json_decref(d.all);
	tb_strbuf_release(&sb);
}

static void test_yaml__billion_laughs(void **state)
{
	static const char lol[] =
		"a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
		"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
		"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
		"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
		"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
		"h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
		"i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
	static const char merges[] =
		"a: &a {k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8}\n"
		"b: &b {x1: *a, x2: *a, x3: *a, x4: *a, x5: *a, x6: *a, x7: *a, x8: *a}\n"
		"c: &c {y1: *b, y2: *b, y3: *b, y4: *b, y5: *b, y6: *b, y7: *b, y8: *b}\n"
		"d: &d {z1: *c, z2: *c, z3: *c, z4: *c, z5: *c, z6: *c, z7: *c, z8: *c}\n"
		"e: &e {<<: [*d, *d, *d, *d, *d, *d, *d, *d]}\n"
		"f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
	json_t *doc;

	(void)state;
	expect_error(lol, strlen(lol),
		     "document too large after alias expansion (more than 1000000 nodes)");
	expect_error(merges, strlen(merges), "document too large after alias expansion");
	/* a few levels are legitimate and fine */
	doc = parse_one("a: &a [1, 2, 3]\nb: &b [*a, *a, *a]\nc: [*b, *b]\n");
	assert_int_equal(json_array_size(json_object_get(doc, "c")), 2);
	json_decref(doc);
}

static void test_yaml__too_many_nodes(void **state)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	char *s = repeat("0,", 1100000, "0]");

	(void)state;
	tb_strbuf_addf(&sb, "[%s", s);
	assert_true(sb.len < TB_MAX_DOC_BYTES);
	expect_error(sb.buf, sb.len, "more than 1000000 nodes");
	tb_free(s);
	tb_strbuf_release(&sb);
}

/* Every prefix and many one-byte corruptions of real manifests: either a
 * tree that round-trips, or an error that names a line. Never a crash. */
static void check_hostile(const char *in, size_t len)
{
	struct tb_err err = TB_ERR_INIT;
	struct docs d;
	size_t k;
	int rc = parse_all(in, len, &d, &err);

	if (rc) {
		assert_int_equal(rc, -TB_EINVAL);
		assert_true(!strncmp(err.msg, "line ", 5));
	} else {
		for (k = 0; k < d.n; k++)
			assert_round_trip(json_array_get(d.all, k));
	}
	json_decref(d.all);
}

static void test_yaml__corrupted_manifests(void **state)
{
	static const char junk[] = "\t:-[]{}&*!|>\"'#%@`?,\n \0\xff\xc3<";
	const char *srcs[] = { deployment_yaml, policy_yaml, anchor_cases[12].yaml };
	size_t s, i, j, len;
	char *buf;

	(void)state;
	for (s = 0; s < ARRAY_SIZE(srcs); s++) {
		len = strlen(srcs[s]);
		buf = tb_malloc(len);
		for (i = 0; i <= len; i++)
			check_hostile(srcs[s], i);
		for (i = 0; i < len; i += 7) {
			for (j = 0; j < sizeof(junk) - 1; j++) {
				memcpy(buf, srcs[s], len);
				buf[i] = junk[j];
				check_hostile(buf, len);
			}
		}
		tb_free(buf);
	}
}

/* ---- emitting ---------------------------------------------------------------- */

static char *emit(const json_t *j)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;

	tb_yaml_emit(j, &sb);
	return tb_strbuf_detach(&sb, NULL);
}

static void assert_emits(const char *json, const char *want)
{
	json_t *j = load_json(json);
	char *got = emit(j);

	if (strcmp(got, want))
		fail_msg("emitting %s:\n--- got\n%s--- want\n%s", json, got, want);
	assert_round_trip(j);
	tb_free(got);
	json_decref(j);
}

static void test_yaml__emit_manifest(void **state)
{
	(void)state;
	assert_emits(
		"{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\","
		" \"metadata\": {\"name\": \"cfg\", \"labels\": {\"app\": \"web\"}},"
		" \"data\": {\"a\": \"yes\", \"b\": \"1\", \"script\": \"#!/bin/sh\\necho hi\\n\","
		"  \"empty\": \"\", \"list\": [], \"obj\": {}},"
		" \"items\": [{\"name\": \"x\", \"value\": 1}, \"plain\", [\"n1\", \"n2\"], {}, null,"
		"  [[1]], {\"deep\": {\"er\": [true]}}]}",
		"apiVersion: v1\n"
		"kind: ConfigMap\n"
		"metadata:\n"
		"  name: cfg\n"
		"  labels:\n"
		"    app: web\n"
		"data:\n"
		"  a: \"yes\"\n"
		"  b: \"1\"\n"
		"  script: |\n"
		"    #!/bin/sh\n"
		"    echo hi\n"
		"  empty: \"\"\n"
		"  list: []\n"
		"  obj: {}\n"
		"items:\n"
		"- name: x\n"
		"  value: 1\n"
		"- plain\n"
		"- - n1\n"
		"  - n2\n"
		"- {}\n"
		"- null\n"
		"- - - 1\n"
		"- deep:\n"
		"    er:\n"
		"    - true\n");
}

static void test_yaml__emit_roots(void **state)
{
	(void)state;
	assert_emits("\"hello\"", "hello\n");
	assert_emits("\"true\"", "\"true\"\n");
	assert_emits("[1, \"a\"]", "- 1\n- a\n");
	assert_emits("{}", "{}\n");
	assert_emits("[]", "[]\n");
	assert_emits("\"a\\nb\"", "|-\n  a\n  b\n");
	assert_emits("\" a\\nb\"", "|2-\n   a\n  b\n");
	assert_emits("null", "null\n");
	assert_emits("[\"  a\\nb\", [\"c\\nd\\n\"]]", "- |2-\n    a\n  b\n- - |\n    c\n    d\n");
}

static void test_yaml__emit_numbers(void **state)
{
	(void)state;
	assert_emits("{\"i\": 42, \"n\": -7, \"r\": 1.5, \"big\": 1e21, \"small\": 1e-7,"
		     " \"third\": 0.30000000000000004, \"neg\": -0.0015, \"t\": true,"
		     " \"f\": false, \"z\": null, \"min\": -9223372036854775808,"
		     " \"e\": 12345.678, \"m\": 1.2345678e-5}",
		     "i: 42\n\"n\": -7\nr: 1.5\nbig: 1e+21\nsmall: 1e-07\n"
		     "third: 0.30000000000000004\nneg: -0.0015\nt: true\nf: false\n"
		     "z: null\nmin: -9223372036854775808\ne: 12345.678\nm: 1.2345678e-05\n");
}

static const struct emit_case {
	const char *s;		/* the string */
	const char *out;	/* how it is written as a value */
} quote_cases[] = {
	{ "", "\"\"" }, { "yes", "\"yes\"" }, { "y", "\"y\"" }, { "Off", "\"Off\"" },
	{ "1", "\"1\"" }, { "1.5", "\"1.5\"" }, { "null", "\"null\"" }, { "0x1F", "\"0x1F\"" },
	{ "~", "\"~\"" }, { "1e3", "\"1e3\"" }, { "1_000", "\"1_000\"" }, { ".inf", "\".inf\"" },
	{ "-.5", "\"-.5\"" }, { "0o17", "\"0o17\"" },
	{ " a", "\" a\"" }, { "a ", "\"a \"" }, { "true ", "\"true \"" },
	{ "- a", "\"- a\"" }, { "-", "\"-\"" }, { "-a", "-a" }, { "--foo", "--foo" },
	{ "a: b", "\"a: b\"" }, { "a:b", "a:b" }, { "a:", "\"a:\"" },
	{ "a #b", "\"a #b\"" }, { "a#b", "a#b" }, { "#x", "\"#x\"" },
	{ "@x", "\"@x\"" }, { "`x", "\"`x\"" }, { "%x", "\"%x\"" }, { "!x", "\"!x\"" },
	{ "&x", "\"&x\"" }, { "*x", "\"*x\"" }, { "|x", "\"|x\"" }, { ">x", "\">x\"" },
	{ "'x", "\"'x\"" }, { "\"x", "\"\\\"x\"" }, { "[a", "\"[a\"" }, { "]a", "\"]a\"" },
	{ "{a", "\"{a\"" }, { "}a", "\"}a\"" }, { ",a", "\",a\"" }, { "?", "\"?\"" },
	{ "? x", "\"? x\"" }, { "?x", "?x" }, { ":x", ":x" },
	{ "a\tb", "\"a\\tb\"" }, { "a\rb", "\"a\\rb\"" }, { "\x01", "\"\\u0001\"" },
	{ "\x7f", "\"\\u007F\"" }, { "\xc2\x85", "\"\\u0085\"" },
	{ "\xe2\x80\xa8", "\"\\u2028\"" }, { "\xef\xbb\xbf" "a", "\"\\uFEFFa\"" },
	{ "é", "é" }, { "日本", "日本" }, { "a\\b", "a\\b" }, { "back\"slash", "back\"slash" },
	{ "it's", "it's" }, { "a, b", "a, b" }, { "a [b]", "a [b]" }, { "1 2", "1 2" },
	{ "2023-01-01T00:00:00Z", "\"2023-01-01T00:00:00Z\"" },
	{ "2023-01-01", "\"2023-01-01\"" }, { "12:30", "\"12:30\"" },
	{ "hello world", "hello world" }, { "--- x", "\"--- x\"" }, { "... x", "\"... x\"" },
	{ "http://x:80/p?q=1#frag", "http://x:80/p?q=1#frag" }, { "500m", "500m" },
	{ "nginx:1.25", "nginx:1.25" }, { "0.0.0.0/0", "0.0.0.0/0" }, { ".", "." },
	{ "<<", "<<" }, { "=", "=" }, { "a\\nb", "a\\nb" },
	{ "0xFFFFFFFFFFFFFFFFFF", "0xFFFFFFFFFFFFFFFFFF" },
};

static void test_yaml__emit_quoting(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(quote_cases); i++) {
		const struct emit_case *c = &quote_cases[i];
		json_t *j = json_object(), *k = json_object();
		struct tb_strbuf want = TB_STRBUF_INIT;
		char *got;

		json_object_set_new(j, "k", json_string(c->s));
		tb_strbuf_addf(&want, "k: %s\n", c->out);
		got = emit(j);
		if (strcmp(got, want.buf))
			fail_msg("string \"%s\": got %s want %s", c->s, got, want.buf);
		assert_round_trip(j);
		/* and the same text as a key */
		json_object_set_new(k, c->s, json_integer(1));
		assert_round_trip(k);
		tb_free(got);
		tb_strbuf_release(&want);
		json_decref(j);
		json_decref(k);
	}
}

static void test_yaml__emit_keys(void **state)
{
	(void)state;
	assert_emits("{\"<<\": 1, \"1\": 2, \"a b\": 3, \"k:\": 4, \"yes\": 5, \"\": 6}",
		     "\"<<\": 1\n\"1\": 2\na b: 3\n\"k:\": 4\n\"yes\": 5\n\"\": 6\n");
}

static const struct emit_case multiline_cases[] = {
	{ "a\nb", "k: |-\n  a\n  b\n" },
	{ "a\nb\n", "k: |\n  a\n  b\n" },
	{ "a\n\n", "k: |+\n  a\n\n" },
	{ "a\n\n\n", "k: |+\n  a\n\n\n" },
	{ " a\nb", "k: |2-\n   a\n  b\n" },
	{ "\n a\n", "k: |2\n\n   a\n" },
	{ "\nfoo", "k: |-\n\n  foo\n" },
	{ "a\n\nb\n", "k: |\n  a\n\n  b\n" },
	{ "a\n  indented\nb", "k: |-\n  a\n    indented\n  b\n" },
	{ "#!/bin/sh\necho hi\n", "k: |\n  #!/bin/sh\n  echo hi\n" },
	{ "key: value\n- item\n--- doc\n", "k: |\n  key: value\n  - item\n  --- doc\n" },
	{ "a \nb", "k: \"a \\nb\"\n" },
	{ "a\nb ", "k: \"a\\nb \"\n" },
	{ "a\tb\nc", "k: \"a\\tb\\nc\"\n" },
	{ "a\r\nb", "k: \"a\\r\\nb\"\n" },
	{ "\n", "k: \"\\n\"\n" },
	{ "\n\n", "k: \"\\n\\n\"\n" },
	{ "a\n\xc2\x85", "k: \"a\\n\\u0085\"\n" },
};

static void test_yaml__emit_multiline(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(multiline_cases); i++) {
		const struct emit_case *c = &multiline_cases[i];
		json_t *j = json_object();
		char *got;

		json_object_set_new(j, "k", json_string(c->s));
		got = emit(j);
		if (strcmp(got, c->out))
			fail_msg("multiline case %zu:\n--- got\n%s--- want\n%s", i, got, c->out);
		assert_round_trip(j);
		tb_free(got);
		json_decref(j);
	}
	/* indentation indicators are relative to the parent, at any depth */
	assert_emits("{\"a\": {\"b\": [\"x\\ny\", {\"c\": \" z\\nw\"}, [\" p\\nq\"]]}}",
		     "a:\n"
		     "  b:\n"
		     "  - |-\n"
		     "    x\n"
		     "    y\n"
		     "  - c: |2-\n"
		     "       z\n"
		     "      w\n"
		     "  - - |2-\n"
		     "       p\n"
		     "      q\n");
}

static void test_yaml__emit_long_keys(void **state)
{
	struct tb_strbuf key = TB_STRBUF_INIT;
	json_t *j = json_object();
	char *got;

	(void)state;
	tb_strbuf_addchars(&key, 'k', 1500);
	json_object_set_new(j, key.buf, json_string("v"));
	json_object_set_new(j, "list", json_pack("[i, {s: [s]}]", 1, key.buf, "x"));
	tb_strbuf_reset(&key);
	tb_strbuf_addchars(&key, '\x01', 300);	/* short, but 1800 bytes escaped */
	json_object_set_new(j, key.buf, json_pack("{s: i}", "n", 2));
	got = emit(j);
	assert_non_null(strstr(got, "? \"kkkk"));
	assert_non_null(strstr(got, "? \"\\u0001"));
	assert_round_trip(j);
	tb_free(got);
	tb_strbuf_release(&key);
	json_decref(j);
}

/* Random strings built from YAML's troublemakers must survive emit -> parse
 * as values, keys, sequence items and nested values. */
static void test_yaml__emit_round_trip_random(void **state)
{
	static const char *const atoms[] = {
		"a", "b", " ", "\n", "\t", ":", "#", "-", "?", "'", "\"", "\\", "0", "1",
		".", "e", "x", "y", "é", "\xc2\x85", "\xe2\x80\xa8", "{", "[", "]", "}",
		",", "&", "*", "!", "|", ">", "%", "@", "`", "~", "<", "_", "+", " #",
		": ", "---", "\r", "\x01", "null", "true", "0x", "日",
	};
	uint32_t seed = 12345;
	size_t i, k, n;

	(void)state;
	for (i = 0; i < 4000; i++) {
		struct tb_strbuf s = TB_STRBUF_INIT;
		json_t *j;

		seed = seed * 1103515245u + 12345u;
		n = (seed >> 16) % 9;
		for (k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			tb_strbuf_adds(&s, atoms[(seed >> 16) % ARRAY_SIZE(atoms)]);
		}
		j = json_pack("{s: s, s: [s, {s: s}], s: {s: s}}", "v", s.buf, "l", s.buf,
			      "in", s.buf, "m", s.buf, "x");
		assert_non_null(j);
		assert_round_trip(j);
		json_decref(j);
		j = json_string(s.buf);
		assert_round_trip(j);
		json_decref(j);
		tb_strbuf_release(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml__scalars),
		cmocka_unit_test(test_yaml__scalar_types),
		cmocka_unit_test(test_yaml__scalar_errors),
		cmocka_unit_test(test_yaml__keys),
		cmocka_unit_test(test_yaml__streams),
		cmocka_unit_test(test_yaml__callback_stops),
		cmocka_unit_test(test_yaml__deployment),
		cmocka_unit_test(test_yaml__propagation_policy),
		cmocka_unit_test(test_yaml__manifest_stream),
		cmocka_unit_test(test_yaml__anchors),
		cmocka_unit_test(test_yaml__alias_is_deep_copy),
		cmocka_unit_test(test_yaml__bad_inputs),
		cmocka_unit_test(test_yaml__deep_nesting),
		cmocka_unit_test(test_yaml__deep_block_mapping),
		cmocka_unit_test(test_yaml__depth_limit_is_exact),
		cmocka_unit_test(test_yaml__huge_document),
		cmocka_unit_test(test_yaml__big_stream_of_small_documents),
		cmocka_unit_test(test_yaml__billion_laughs),
		cmocka_unit_test(test_yaml__too_many_nodes),
		cmocka_unit_test(test_yaml__corrupted_manifests),
		cmocka_unit_test(test_yaml__emit_manifest),
		cmocka_unit_test(test_yaml__emit_roots),
		cmocka_unit_test(test_yaml__emit_numbers),
		cmocka_unit_test(test_yaml__emit_quoting),
		cmocka_unit_test(test_yaml__emit_keys),
		cmocka_unit_test(test_yaml__emit_multiline),
		cmocka_unit_test(test_yaml__emit_long_keys),
		cmocka_unit_test(test_yaml__emit_round_trip_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
