/* Unit tests for src/server/apidoc*.c and table.c: what kubectl reads from
 * /version, discovery, OpenAPI v3 and Tables. The HumanDuration cases are
 * those of k8s.io/apimachinery/pkg/util/duration's tests plus every branch
 * boundary of the function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/timefmt.h"
#include "server/apidoc.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define SEC 1000LL
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

/* ---- helpers --------------------------------------------------------------------- */

/* Test JSON is written with ' for " to stay readable. */
static json_t *parse(const char *text)
{
	char *s = strdup(text), *p;
	json_error_t e;
	json_t *j;

	for (p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	j = json_loads(s, 0, &e);
	if (!j)
		fail_msg("bad test JSON: %s at %d: %s", e.text, e.position, s);
	free(s);
	return j;
}

static const char *str_at(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The element of array a whose string field key equals value. */
static json_t *find_by(const json_t *a, const char *key, const char *value)
{
	json_t *e;
	size_t i;

	json_array_foreach(a, i, e)
		if (str_at(e, key) && !strcmp(str_at(e, key), value))
			return e;
	return NULL;
}

static bool has_string(const json_t *a, const char *s)
{
	const json_t *e;
	size_t i;

	json_array_foreach(a, i, e)
		if (json_is_string(e) && !strcmp(json_string_value(e), s))
			return true;
	return false;
}

static const json_t *schemas_of(const json_t *doc)
{
	return json_object_get(json_object_get(doc, "components"), "schemas");
}

/* Follows $ref and single-element allOf wrappers to the schema with content. */
static const json_t *resolve(const json_t *doc, const json_t *s)
{
	const json_t *r, *all;
	int hops;

	for (hops = 0; s && hops < 16; hops++) {
		r = json_object_get(s, "$ref");
		all = json_object_get(s, "allOf");
		if (json_is_string(r)) {
			assert_true(!strncmp(json_string_value(r), "#/components/schemas/", 21));
			s = json_object_get(schemas_of(doc), json_string_value(r) + 21);
		} else if (json_array_size(all) == 1 && !json_object_get(s, "properties")) {
			s = json_array_get(all, 0);
		} else {
			return s;
		}
	}
	return s;
}

static const json_t *prop(const json_t *doc, const json_t *s, const char *name)
{
	const json_t *p = json_object_get(json_object_get(resolve(doc, s), "properties"), name);

	if (!p)
		fail_msg("no property %s", name);
	return resolve(doc, p);
}

/* Every "$ref" anywhere in j names a schema of doc. Returns how many. */
static size_t check_refs(const json_t *doc, const json_t *j)
{
	const char *key;
	json_t *v;
	size_t n = 0, i;

	if (json_is_object(j)) {
		json_object_foreach((json_t *)j, key, v) {
			if (!strcmp(key, "$ref") && json_is_string(v)) {
				const char *r = json_string_value(v);

				if (strncmp(r, "#/components/schemas/", 21) ||
				    !json_object_get(schemas_of(doc), r + 21))
					fail_msg("dangling $ref %s", r);
				n++;
			} else {
				n += check_refs(doc, v);
			}
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			n += check_refs(doc, v);
	}
	return n;
}

/* ---- /version and discovery ------------------------------------------------------ */

static void test_apidoc__version(void **state)
{
	json_t *v = tb_apidoc_version();

	(void)state;
	assert_string_equal(str_at(v, "major"), "1");
	assert_string_equal(str_at(v, "minor"), "32");
	assert_string_equal(str_at(v, "gitVersion"), "v1.32.0-tugboat." TB_VERSION);
	assert_non_null(str_at(v, "buildDate"));
	assert_non_null(str_at(v, "goVersion"));
	assert_non_null(str_at(v, "compiler"));
	assert_true(!strncmp(str_at(v, "platform"), "linux/", 6));
	json_decref(v);
}

static void test_apidoc__aggregated(void **state)
{
	json_t *apis = tb_apidoc_aggregated(false), *core = tb_apidoc_aggregated(true);
	json_t *items = json_object_get(apis, "items"), *g, *vers, *res, *r;
	size_t i;

	(void)state;
	assert_string_equal(str_at(apis, "kind"), "APIGroupDiscoveryList");
	assert_string_equal(str_at(apis, "apiVersion"), "apidiscovery.k8s.io/v2");
	/* Groups in registry order, no core group under /apis. */
	assert_int_equal(json_array_size(items), 5);
	json_array_foreach(items, i, g)
		assert_non_null(str_at(json_object_get(g, "metadata"), "name"));
	g = json_array_get(items, 0);
	assert_string_equal(str_at(json_object_get(g, "metadata"), "name"), "cluster.karmada.io");
	vers = json_object_get(g, "versions");
	assert_string_equal(str_at(json_array_get(vers, 0), "version"), "v1alpha1");
	assert_string_equal(str_at(json_array_get(vers, 0), "freshness"), "Current");
	r = find_by(json_object_get(json_array_get(vers, 0), "resources"), "resource", "clusters");
	assert_non_null(r);
	assert_string_equal(str_at(r, "scope"), "Cluster");
	assert_string_equal(str_at(r, "singularResource"), "cluster");
	assert_string_equal(str_at(json_object_get(r, "responseKind"), "kind"), "Cluster");
	assert_true(has_string(json_object_get(r, "verbs"), "watch"));
	assert_int_equal(json_array_size(json_object_get(r, "verbs")), 8);
	assert_null(json_object_get(r, "shortNames"));
	assert_string_equal(str_at(json_array_get(json_object_get(r, "subresources"), 0),
				   "subresource"), "status");

	g = json_array_get(items, 1);
	assert_string_equal(str_at(json_object_get(g, "metadata"), "name"), "policy.karmada.io");
	res = json_object_get(json_array_get(json_object_get(g, "versions"), 0), "resources");
	r = find_by(res, "resource", "propagationpolicies");
	assert_string_equal(str_at(r, "scope"), "Namespaced");
	assert_true(has_string(json_object_get(r, "shortNames"), "pp"));
	assert_true(has_string(json_object_get(r, "categories"), "karmada-io"));
	assert_null(json_object_get(r, "subresources"));
	r = find_by(res, "resource", "clustertaintpolicies");
	assert_string_equal(str_at(r, "scope"), "Cluster");
	assert_null(json_object_get(r, "subresources"));

	/* work.karmada.io: v1alpha2 (bindings) first, the preferred version. */
	g = json_array_get(items, 2);
	vers = json_object_get(g, "versions");
	assert_int_equal(json_array_size(vers), 2);
	assert_string_equal(str_at(json_array_get(vers, 0), "version"), "v1alpha2");
	assert_string_equal(str_at(json_array_get(vers, 1), "version"), "v1alpha1");
	r = find_by(json_object_get(json_array_get(vers, 1), "resources"), "resource", "works");
	assert_true(has_string(json_object_get(r, "shortNames"), "wk"));
	assert_non_null(json_object_get(r, "subresources"));

	/* /api: the core group, unnamed, v1. */
	items = json_object_get(core, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_null(str_at(json_object_get(json_array_get(items, 0), "metadata"), "name"));
	res = json_object_get(json_array_get(json_object_get(json_array_get(items, 0),
							     "versions"), 0), "resources");
	r = find_by(res, "resource", "namespaces");
	assert_string_equal(str_at(r, "scope"), "Cluster");
	assert_string_equal(str_at(json_object_get(r, "responseKind"), "group"), "");
	assert_non_null(json_object_get(r, "subresources"));
	r = find_by(res, "resource", "services");
	assert_true(has_string(json_object_get(r, "categories"), "all"));
	assert_null(json_object_get(find_by(res, "resource", "configmaps"), "subresources"));
	assert_null(json_object_get(find_by(res, "resource", "secrets"), "subresources"));
	json_decref(apis);
	json_decref(core);
}

static void test_apidoc__legacy(void **state)
{
	json_t *j, *r;

	(void)state;
	j = tb_apidoc_api_versions();
	assert_string_equal(str_at(j, "kind"), "APIVersions");
	assert_true(has_string(json_object_get(j, "versions"), "v1"));
	json_decref(j);

	j = tb_apidoc_group_list();
	assert_string_equal(str_at(j, "kind"), "APIGroupList");
	assert_int_equal(json_array_size(json_object_get(j, "groups")), 5);
	r = find_by(json_object_get(j, "groups"), "name", "work.karmada.io");
	assert_string_equal(str_at(json_object_get(r, "preferredVersion"), "groupVersion"),
			    "work.karmada.io/v1alpha2");
	assert_int_equal(json_array_size(json_object_get(r, "versions")), 2);
	json_decref(j);

	j = tb_apidoc_group("apps");
	assert_string_equal(str_at(j, "kind"), "APIGroup");
	assert_string_equal(str_at(json_object_get(j, "preferredVersion"), "version"), "v1");
	json_decref(j);
	assert_null(tb_apidoc_group("nope.io"));
	assert_null(tb_apidoc_group(""));

	j = tb_apidoc_resource_list("cluster.karmada.io", "v1alpha1");
	assert_string_equal(str_at(j, "kind"), "APIResourceList");
	assert_string_equal(str_at(j, "groupVersion"), "cluster.karmada.io/v1alpha1");
	r = find_by(json_object_get(j, "resources"), "name", "clusters");
	assert_false(json_is_true(json_object_get(r, "namespaced")));
	assert_string_equal(str_at(r, "singularName"), "cluster");
	r = find_by(json_object_get(j, "resources"), "name", "clusters/status");
	assert_non_null(r);
	assert_int_equal(json_array_size(json_object_get(r, "verbs")), 3);
	json_decref(j);

	j = tb_apidoc_resource_list("", "v1");
	assert_string_equal(str_at(j, "groupVersion"), "v1");
	r = find_by(json_object_get(j, "resources"), "name", "services");
	assert_true(json_is_true(json_object_get(r, "namespaced")));
	assert_true(has_string(json_object_get(r, "shortNames"), "svc"));
	assert_null(find_by(json_object_get(j, "resources"), "name", "configmaps/status"));
	json_decref(j);
	assert_null(tb_apidoc_resource_list("policy.karmada.io", "v1"));
	assert_null(tb_apidoc_resource_list("", "v2"));
}

/* ---- OpenAPI --------------------------------------------------------------------- */

static void test_apidoc__openapi_root(void **state)
{
	json_t *root = tb_apidoc_openapi_root(), *again = tb_apidoc_openapi_root(), *doc;
	const json_t *paths = json_object_get(root, "paths");
	const char *url, *hash = NULL;
	char want[256];

	(void)state;
	assert_int_equal(json_object_size(paths), 7);
	assert_true(json_equal(root, again));
	url = str_at(json_object_get(paths, "apis/policy.karmada.io/v1alpha1"),
		     "serverRelativeURL");
	assert_non_null(url);
	doc = tb_apidoc_openapi_gv("policy.karmada.io", "v1alpha1", &hash);
	assert_non_null(doc);
	assert_int_equal(strlen(hash), 16);
	snprintf(want, sizeof(want), "/openapi/v3/apis/policy.karmada.io/v1alpha1?hash=%s", hash);
	assert_string_equal(url, want);
	assert_non_null(json_object_get(paths, "api/v1"));
	assert_non_null(json_object_get(paths, "apis/work.karmada.io/v1alpha2"));
	assert_null(tb_apidoc_openapi_gv("policy.karmada.io", "v9", &hash));
	assert_null(tb_apidoc_openapi_gv("", "v2", NULL));
	json_decref(doc);
	json_decref(root);
	json_decref(again);
}

#define PP_ITEM "/apis/policy.karmada.io/v1alpha1/namespaces/{namespace}/propagationpolicies/{name}"

static void test_apidoc__openapi_policy(void **state)
{
	json_t *doc = tb_apidoc_openapi_gv("policy.karmada.io", "v1alpha1", NULL);
	const json_t *pp, *spec, *placement, *rs, *gvk, *patch, *p, *paths;
	size_t i;
	bool found = false;

	(void)state;
	assert_string_equal(str_at(doc, "openapi"), "3.0.0");
	pp = json_object_get(schemas_of(doc), "io.karmada.policy.v1alpha1.PropagationPolicy");
	assert_non_null(pp);
	gvk = json_array_get(json_object_get(pp, "x-kubernetes-group-version-kind"), 0);
	assert_string_equal(str_at(gvk, "group"), "policy.karmada.io");
	assert_string_equal(str_at(gvk, "version"), "v1alpha1");
	assert_string_equal(str_at(gvk, "kind"), "PropagationPolicy");
	assert_true(has_string(json_object_get(pp, "required"), "spec"));
	assert_non_null(str_at(json_object_get(json_object_get(pp, "properties"), "apiVersion"),
			       "description"));
	assert_string_equal(str_at(prop(doc, prop(doc, pp, "metadata"), "name"), "type"),
			    "string");

	spec = prop(doc, pp, "spec");
	assert_true(has_string(json_object_get(spec, "required"), "resourceSelectors"));
	placement = prop(doc, spec, "placement");
	assert_non_null(prop(doc, placement, "clusterAffinity"));
	assert_non_null(json_object_get(prop(doc, placement, "clusterAffinity"), "properties"));
	assert_string_equal(str_at(prop(doc, prop(doc, placement, "clusterAffinity"),
					"clusterNames"), "type"), "array");
	assert_true(has_string(json_object_get(prop(doc, prop(doc, placement,
					"replicaScheduling"), "replicaSchedulingType"), "enum"),
			       "Divided"));
	/* Embedded ClusterAffinity: its fields sit in ClusterAffinityTerm. */
	rs = resolve(doc, json_object_get(prop(doc, placement, "clusterAffinities"), "items"));
	assert_non_null(json_object_get(json_object_get(rs, "properties"), "affinityName"));
	assert_non_null(json_object_get(json_object_get(rs, "properties"), "clusterNames"));
	/* Tolerations are core/v1's. */
	rs = json_object_get(json_object_get(json_object_get(resolve(doc, placement),
		"properties"), "clusterTolerations"), "items");
	assert_string_equal(str_at(rs, "$ref"),
			    "#/components/schemas/io.k8s.api.core.v1.Toleration");
	rs = prop(doc, spec, "priority");
	assert_string_equal(str_at(rs, "format"), "int32");
	/* The same spec type serves ClusterPropagationPolicy; lists are there too. */
	assert_non_null(json_object_get(schemas_of(doc),
					"io.karmada.policy.v1alpha1.ClusterPropagationPolicy"));
	assert_non_null(json_object_get(schemas_of(doc),
					"io.karmada.policy.v1alpha1.PropagationPolicyList"));

	/* What kubectl's field validation probe looks for. */
	paths = json_object_get(doc, "paths");
	patch = json_object_get(json_object_get(paths, PP_ITEM), "patch");
	assert_non_null(patch);
	assert_string_equal(str_at(patch, "x-kubernetes-action"), "patch");
	assert_string_equal(str_at(json_object_get(patch, "x-kubernetes-group-version-kind"),
				   "kind"), "PropagationPolicy");
	json_array_foreach(json_object_get(patch, "parameters"), i, p)
		if (!strcmp(str_at(p, "name"), "fieldValidation") &&
		    !strcmp(str_at(p, "in"), "query"))
			found = true;
	assert_true(found);
	assert_null(json_object_get(json_object_get(json_object_get(patch, "requestBody"),
				    "content"), "application/strategic-merge-patch+json"));
	assert_non_null(json_object_get(json_object_get(json_object_get(patch, "requestBody"),
				    "content"), "application/merge-patch+json"));
	/* explain finds the kind from the cluster-wide list path. */
	assert_non_null(json_object_get(json_object_get(paths,
		"/apis/policy.karmada.io/v1alpha1/propagationpolicies"), "get"));
	/* No status subresource for policies. */
	assert_null(json_object_get(paths, PP_ITEM "/status"));
	json_decref(doc);
}

static void test_apidoc__openapi_every_gv(void **state)
{
	const struct tb_kind *k;
	const json_t *s, *gvk, *paths;
	json_t *doc;
	char name[256], path[256];

	(void)state;
	for (k = tb_kinds; k->kind; k++) {
		doc = tb_apidoc_openapi_gv(k->group, k->version, NULL);
		assert_non_null(doc);
		assert_true(check_refs(doc, doc) > 0);
		if (strchr(k->group, '.'))
			snprintf(name, sizeof(name), "io.karmada.%.*s.%s.%s",
				 (int)strcspn(k->group, "."), k->group, k->version, k->kind);
		else
			snprintf(name, sizeof(name), "io.k8s.api.%s.%s.%s",
				 k->group[0] ? k->group : "core", k->version, k->kind);
		s = json_object_get(schemas_of(doc), name);
		if (!s)
			fail_msg("no schema %s", name);
		gvk = json_array_get(json_object_get(s, "x-kubernetes-group-version-kind"), 0);
		assert_string_equal(str_at(gvk, "kind"), k->kind);
		assert_string_equal(str_at(gvk, "group"), k->group);
		assert_non_null(json_object_get(json_object_get(s, "properties"), "metadata"));
		paths = json_object_get(doc, "paths");
		snprintf(path, sizeof(path), "%s%s/%s%s%s/{name}", k->group[0] ? "/apis/" : "/api",
			 k->group, k->version, k->namespaced ? "/namespaces/{namespace}/" : "/",
			 k->plural);
		if (!json_object_get(paths, path))
			fail_msg("no path %s", path);
		snprintf(path + strlen(path), sizeof(path) - strlen(path), "/status");
		assert_int_equal(json_object_get(paths, path) != NULL, tb_kind_has_status(k));
		json_decref(doc);
	}
}

static void test_apidoc__openapi_templates(void **state)
{
	json_t *doc = tb_apidoc_openapi_gv("apps", "v1", NULL);
	const json_t *d, *cm;

	(void)state;
	d = json_object_get(schemas_of(doc), "io.k8s.api.apps.v1.Deployment");
	assert_true(json_is_true(json_object_get(prop(doc, d, "spec"),
						 "x-kubernetes-preserve-unknown-fields")));
	assert_non_null(json_object_get(prop(doc, d, "metadata"), "properties"));
	assert_non_null(json_object_get(json_object_get(doc, "paths"),
		"/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status"));
	json_decref(doc);

	doc = tb_apidoc_openapi_gv("", "v1", NULL);
	cm = json_object_get(schemas_of(doc), "io.k8s.api.core.v1.ConfigMap");
	assert_non_null(json_object_get(json_object_get(cm, "properties"), "data"));
	assert_null(json_object_get(json_object_get(cm, "properties"), "spec"));
	assert_non_null(json_object_get(json_object_get(doc, "paths"),
					"/api/v1/namespaces/{name}"));
	assert_non_null(json_object_get(json_object_get(doc, "paths"),
					"/api/v1/namespaces/{namespace}/services"));
	json_decref(doc);
}

/* ---- Tables ---------------------------------------------------------------------- */

static void test_table__human_duration(void **state)
{
	static const struct {
		int64_t ms;
		const char *want;
	} cases[] = {
		/* apimachinery's TestHumanDuration */
		{ SEC, "1s" }, { 70 * SEC, "70s" }, { 190 * SEC, "3m10s" }, { 70 * MIN, "70m" },
		{ 47 * HOUR, "47h" }, { 49 * HOUR, "2d1h" }, { (8 * 24 + 2) * HOUR, "8d" },
		{ 367 * DAY, "367d" }, { (365 * 2 * 24 + 25) * HOUR, "2y1d" },
		{ (365 * 8 * 24 + 2) * HOUR, "8y" },
		/* clock skew: up to 2s (excluded) in the future is now */
		{ -2 * SEC, "<invalid>" }, { -2 * SEC + 1, "0s" }, { -SEC, "0s" }, { -1, "0s" },
		{ 0, "0s" }, { 999, "0s" },
		/* every branch boundary */
		{ 2 * MIN - 1, "119s" }, { 2 * MIN, "2m" }, { 2 * MIN + SEC, "2m1s" },
		{ 10 * MIN - 1, "9m59s" }, { 10 * MIN, "10m" }, { 3 * HOUR - 1, "179m" },
		{ 3 * HOUR, "3h" }, { 3 * HOUR + MIN, "3h1m" }, { 8 * HOUR - 1, "7h59m" },
		{ 8 * HOUR, "8h" }, { 48 * HOUR - 1, "47h" }, { 48 * HOUR, "2d" },
		{ 8 * DAY - 1, "7d23h" }, { 8 * DAY, "8d" }, { 730 * DAY - 1, "729d" },
		{ 730 * DAY, "2y" }, { 731 * DAY, "2y1d" }, { 8 * 365 * DAY - 1, "7y364d" },
		{ 8 * 365 * DAY, "8y" }, { 9 * 365 * DAY + 200 * DAY, "9y" },
	};
	char buf[TB_HUMAN_DURATION_BUFSZ];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (strcmp(tb_human_duration(cases[i].ms, buf), cases[i].want))
			fail_msg("HumanDuration(%lldms) = %s, want %s", (long long)cases[i].ms, buf,
				 cases[i].want);
}

static const struct tb_kind *kind(const char *name)
{
	const struct tb_kind *k;

	for (k = tb_kinds; k->kind; k++)
		if (!strcmp(k->kind, name))
			return k;
	fail_msg("no kind %s", name);
	return NULL;
}

/* Renders the row cells of the single item in text, created 5m7s before now. */
static json_t *row_of(const char *kind_name, const char *text, json_t **table_out)
{
	json_t *items, *t, *cells;
	int64_t created;

	assert_int_equal(tb_time_parse("2025-11-26T11:14:53Z", &created, NULL), 0);
	items = json_pack("[o]", parse(text));
	t = tb_table_for(kind(kind_name), items, "42", created + 5 * MIN + 7 * SEC, true);
	json_decref(items);
	cells = json_incref(json_object_get(json_array_get(json_object_get(t, "rows"), 0),
					    "cells"));
	if (table_out)
		*table_out = t;
	else
		json_decref(t);
	return cells;
}

static void expect_cells(json_t *cells, const char *want)
{
	json_t *w = parse(want);

	if (!json_equal(cells, w)) {
		char *got = json_dumps(cells, JSON_COMPACT);

		fail_msg("cells %s, want %s", got, want);
	}
	json_decref(w);
	json_decref(cells);
}

#define CREATED "'creationTimestamp':'2025-11-26T11:14:53Z'"

static void test_table__cluster(void **state)
{
	json_t *t, *cells, *cols, *row, *empty;

	(void)state;
	cells = row_of("Cluster", "{'apiVersion':'cluster.karmada.io/v1alpha1',"
		       "'kind':'Cluster','metadata':{'name':'member1',"
		       "'resourceVersion':'40'," CREATED "},'spec':{'syncMode':'Push',"
		       "'apiEndpoint':'https://10.0.0.1:6443','region':'eu',"
		       "'zones':['a','b']},'status':{'kubernetesVersion':'v1.31.2',"
		       "'conditions':[{'type':'Ready','status':'True'}]}}", &t);
	expect_cells(cells, "['member1','v1.31.2','Push','True','5m7s','a,b','eu',"
		     "'<none>','https://10.0.0.1:6443','<none>']");
	assert_string_equal(str_at(json_object_get(t, "metadata"), "resourceVersion"), "42");
	assert_string_equal(str_at(t, "kind"), "Table");
	assert_string_equal(str_at(t, "apiVersion"), "meta.k8s.io/v1");
	cols = json_object_get(t, "columnDefinitions");
	assert_int_equal(json_array_size(cols), 10);
	assert_string_equal(str_at(json_array_get(cols, 0), "name"), "Name");
	assert_string_equal(str_at(json_array_get(cols, 0), "format"), "name");
	assert_string_equal(str_at(json_array_get(cols, 3), "name"), "Ready");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(cols, 4),
							    "priority")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(cols, 8),
							    "priority")), 1);
	row = json_object_get(json_array_get(json_object_get(t, "rows"), 0), "object");
	assert_string_equal(str_at(row, "kind"), "PartialObjectMetadata");
	assert_string_equal(str_at(row, "apiVersion"), "meta.k8s.io/v1");
	assert_string_equal(str_at(json_object_get(row, "metadata"), "name"), "member1");
	assert_string_equal(str_at(json_object_get(row, "metadata"), "resourceVersion"), "40");
	assert_null(json_object_get(row, "spec"));
	json_decref(t);

	/* No Ready condition yet; a watch event after the first: no columns. */
	cells = row_of("Cluster", "{'metadata':{'name':'m2'},'spec':{'syncMode':'Pull'}}", NULL);
	expect_cells(cells, "['m2','','Pull','Unknown','<unknown>','<none>','<none>',"
		     "'<none>','','<none>']");
	empty = json_array();
	t = tb_table_for(kind("Cluster"), empty, NULL, 0, false);
	assert_int_equal(json_array_size(json_object_get(t, "columnDefinitions")), 0);
	assert_int_equal(json_array_size(json_object_get(t, "rows")), 0);
	assert_int_equal(json_object_size(json_object_get(t, "metadata")), 0);
	json_decref(t);
	json_decref(empty);
}

static void test_table__karmada_kinds(void **state)
{
	json_t *t, *cols;

	(void)state;
	expect_cells(row_of("PropagationPolicy", "{'metadata':{'name':'pp'," CREATED "},"
			    "'spec':{'conflictResolution':'Abort','priority':5}}", &t),
		     "['pp','Abort','5','5m7s']");
	cols = json_object_get(t, "columnDefinitions");
	assert_string_equal(str_at(json_array_get(cols, 1), "name"), "CONFLICT-RESOLUTION");
	assert_string_equal(str_at(json_array_get(cols, 3), "type"), "date");
	json_decref(t);
	expect_cells(row_of("ClusterPropagationPolicy", "{'metadata':{'name':'c'}}", NULL),
		     "['c',null,null,null]");

	expect_cells(row_of("ResourceBinding", "{'metadata':{'name':'web-deployment',"
			    CREATED "},'spec':{'clusters':[{'name':'member1','replicas':2},"
			    "{'name':'member2'}]},'status':{'conditions':[{'type':"
			    "'Scheduled','status':'True'}]}}", NULL),
		     "['web-deployment','True',null,'member1:2,member2','5m7s']");
	expect_cells(row_of("ClusterResourceBinding", "{'metadata':{'name':'x'}}", NULL),
		     "['x',null,null,'<none>',null]");
	expect_cells(row_of("Work", "{'metadata':{'name':'w'," CREATED "},'spec':{"
			    "'workload':{'manifests':[{'apiVersion':'apps/v1','kind':"
			    "'Deployment'},{'kind':'Service'}]}},'status':{'conditions':"
			    "[{'type':'Applied','status':'False'}]}}", NULL),
		     "['w','Deployment','False','5m7s']");
	expect_cells(row_of("ClusterTaintPolicy", "{'metadata':{'name':'t'," CREATED "}}",
			    &t), "['t','5m7s']");
	assert_string_equal(str_at(json_array_get(json_object_get(t, "columnDefinitions"), 1),
				   "name"), "Age");
	json_decref(t);
}

static void test_table__templates(void **state)
{
	(void)state;
	expect_cells(row_of("Deployment", "{'metadata':{'name':'web'," CREATED "},"
			    "'spec':{'replicas':3,'selector':{'matchLabels':{'tier':'fe',"
			    "'app':'web'},'matchExpressions':[{'key':'env','operator':"
			    "'In','values':['prod','dev']},{'key':'canary','operator':"
			    "'DoesNotExist'}]},'template':{'spec':{'containers':[{'name':"
			    "'nginx','image':'nginx:1.27'},{'name':'log','image':'busybox'"
			    "}]}}},'status':{'readyReplicas':1,'updatedReplicas':2}}", NULL),
		     "['web','1/3',2,0,'5m7s','nginx,log','nginx:1.27,busybox',"
		     "'app=web,!canary,env in (dev,prod),tier=fe']");
	expect_cells(row_of("Deployment", "{'metadata':{'name':'d'}}", NULL),
		     "['d','0/1',0,0,'<unknown>','','','']");
	expect_cells(row_of("Job", "{'metadata':{'name':'pi'," CREATED "},'spec':{"
			    "'completions':3},'status':{'succeeded':3,'startTime':"
			    "'2025-11-26T11:15:00Z','completionTime':'2025-11-26T11:16:05Z',"
			    "'conditions':[{'type':'Complete','status':'True'}]}}", NULL),
		     "['pi','Complete','3/3','65s','5m7s','','','<none>']");
	expect_cells(row_of("Job", "{'metadata':{'name':'j'},'spec':{'parallelism':4},"
			    "'status':{'startTime':'2025-11-26T11:19:00Z'}}", NULL),
		     "['j','Running','0/1 of 4','60s','<unknown>','','','<none>']");
	expect_cells(row_of("Service", "{'metadata':{'name':'web'," CREATED "},'spec':{"
			    "'type':'NodePort','clusterIP':'10.96.0.10','ports':[{'port':80},"
			    "{'port':443,'nodePort':30443,'protocol':'TCP'}],'selector':"
			    "{'app':'web'}}}", NULL),
		     "['web','NodePort','10.96.0.10','<none>','80/TCP,443:30443/TCP',"
		     "'5m7s','app=web']");
	expect_cells(row_of("Service", "{'metadata':{'name':'lb'},'spec':{'type':"
			    "'LoadBalancer','clusterIPs':['10.0.0.7']},'status':{"
			    "'loadBalancer':{'ingress':[{'ip':'2.2.2.2'},{'hostname':"
			    "'a.example'}]}}}", NULL),
		     "['lb','LoadBalancer','10.0.0.7','2.2.2.2,a.example','<none>',"
		     "'<unknown>','<none>']");
	expect_cells(row_of("ConfigMap", "{'metadata':{'name':'cm'," CREATED "},'data':"
			    "{'a':'1','b':'2'},'binaryData':{'c':'AA=='}}", NULL),
		     "['cm',3,'5m7s']");
	expect_cells(row_of("Secret", "{'metadata':{'name':'s'},'data':{'a':'MQ=='},"
			    "'stringData':{'a':'x','b':'y'}}", NULL),
		     "['s','Opaque',2,'<unknown>']");
	expect_cells(row_of("Namespace", "{'metadata':{'name':'prod'," CREATED "}}", NULL),
		     "['prod','Active','5m7s']");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apidoc__version),
		cmocka_unit_test(test_apidoc__aggregated),
		cmocka_unit_test(test_apidoc__legacy),
		cmocka_unit_test(test_apidoc__openapi_root),
		cmocka_unit_test(test_apidoc__openapi_policy),
		cmocka_unit_test(test_apidoc__openapi_every_gv),
		cmocka_unit_test(test_apidoc__openapi_templates),
		cmocka_unit_test(test_table__human_duration),
		cmocka_unit_test(test_table__cluster),
		cmocka_unit_test(test_table__karmada_kinds),
		cmocka_unit_test(test_table__templates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
