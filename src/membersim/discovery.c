/* What kubectl reads before it touches a member's resources: /version,
 * discovery in both forms built from the member's resource table
 * (tb_msim_resources), the OpenAPI v3 root narrowed to the member's
 * group-versions (the documents themselves are tugd's, src/server/apidoc*.c,
 * whose resource templates are the same kinds), and the Scale subresource
 * view of a Deployment. Pure. */
#include "membersim/serve.h"
#include "membersim/state_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/apidoc.h"

static const char *const all_verbs[] = {
	"create", "delete", "get", "list", "patch", "update", NULL
};
static const char *const read_verbs[] = { "get", "list", NULL };
static const char *const sub_verbs[] = { "get", "patch", "update", NULL };

/* The group-versions served, core first. */
static const struct { const char *group, *version; } gvs[] = {
	{ "", "v1" }, { "apps", "v1" }, { "batch", "v1" },
};
#define N_GVS (sizeof(gvs) / sizeof(gvs[0]))

static json_t *strings(const char *const *v)
{
	json_t *a = json_array();

	for (; *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

static bool in_all(enum tb_msim_res r)
{
	return r == TB_MSIM_PODS || r == TB_MSIM_SERVICES || r == TB_MSIM_DEPLOYMENTS ||
	       r == TB_MSIM_REPLICASETS || r == TB_MSIM_JOBS;
}

static const char *const *verbs_of(const struct tb_msim_resinfo *ri)
{
	return ri->store == TB_MSIM_STORED ? all_verbs : read_verbs;
}

json_t *tb_msim_discovery_version(const char *kube_version)
{
	const char *v = kube_version && kube_version[0] == 'v' ? kube_version + 1 : "1.32.0";
	char major[8] = "1", minor[8] = "32";

	/* kubectl's dispatcher on this machine picks its binary from "minor". */
	if (sscanf(v, "%7[0-9].%7[0-9]", major, minor) < 2)
		snprintf(minor, sizeof(minor), "32");
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			 "major", major, "minor", minor, "gitVersion",
			 kube_version ? kube_version : "v1.32.0", "gitCommit", "",
			 "gitTreeState", "clean", "buildDate", "1970-01-01T00:00:00Z",
			 "goVersion", "none (tug-membersim)", "compiler", "gc",
			 "platform", "linux/amd64");
}

/* ---- aggregated ------------------------------------------------------------ */

static json_t *gvk(const char *group, const char *version, const char *kind)
{
	return json_pack("{s:s, s:s, s:s}", "group", group, "version", version, "kind", kind);
}

static json_t *agg_resource(const struct tb_msim_resinfo *ri, enum tb_msim_res r)
{
	json_t *res, *subs = json_array();

	res = json_pack("{s:s, s:o, s:s, s:s, s:o}", "resource", ri->plural,
			"responseKind", gvk(ri->group, ri->version, ri->kind),
			"scope", ri->namespaced ? "Namespaced" : "Cluster",
			"singularResource", ri->singular, "verbs", strings(verbs_of(ri)));
	if (ri->short_name)
		json_object_set_new(res, "shortNames", json_pack("[s]", ri->short_name));
	if (in_all(r))
		json_object_set_new(res, "categories", json_pack("[s]", "all"));
	if (ri->status && ri->store == TB_MSIM_STORED)
		json_array_append_new(subs, json_pack("{s:s, s:o, s:o}", "subresource", "status",
						      "responseKind", gvk(ri->group, ri->version,
									  ri->kind),
						      "verbs", strings(sub_verbs)));
	if (ri->scale)
		json_array_append_new(subs, json_pack("{s:s, s:o, s:o}", "subresource", "scale",
						      "responseKind", gvk("autoscaling", "v1",
									  "Scale"),
						      "verbs", strings(sub_verbs)));
	if (json_array_size(subs))
		json_object_set_new(res, "subresources", subs);
	else
		json_decref(subs);
	return res;
}

static json_t *agg_version(size_t gv)
{
	json_t *res = json_array();
	int r;

	for (r = 0; r < _TB_MSIM_RES_MAX; r++) {
		const struct tb_msim_resinfo *ri = &tb_msim_resources[r];

		if (!strcmp(ri->group, gvs[gv].group) && !strcmp(ri->version, gvs[gv].version))
			json_array_append_new(res, agg_resource(ri, (enum tb_msim_res)r));
	}
	return json_pack("{s:s, s:o, s:s}", "version", gvs[gv].version, "resources", res,
			 "freshness", "Current");
}

json_t *tb_msim_discovery_aggregated(bool core)
{
	json_t *items = json_array(), *md;
	size_t i;

	for (i = 0; i < N_GVS; i++) {
		if (!gvs[i].group[0] != core)
			continue;
		md = core ? json_object() : json_pack("{s:s}", "name", gvs[i].group);
		json_array_append_new(items, json_pack("{s:o, s:[o]}", "metadata", md,
						       "versions", agg_version(i)));
	}
	return json_pack("{s:s, s:s, s:{}, s:o}", "kind", "APIGroupDiscoveryList",
			 "apiVersion", "apidiscovery.k8s.io/v2", "metadata", "items", items);
}

/* ---- legacy ------------------------------------------------------------------- */

json_t *tb_msim_discovery_versions(void)
{
	return json_pack("{s:s, s:[s], s:[]}", "kind", "APIVersions", "versions", "v1",
			 "serverAddressByClientCIDRs");
}

static json_t *group_doc(size_t i)
{
	char gv[64];

	snprintf(gv, sizeof(gv), "%s/%s", gvs[i].group, gvs[i].version);
	return json_pack("{s:s, s:[{s:s, s:s}], s:{s:s, s:s}}", "name", gvs[i].group,
			 "versions", "groupVersion", gv, "version", gvs[i].version,
			 "preferredVersion", "groupVersion", gv, "version", gvs[i].version);
}

json_t *tb_msim_discovery_groups(void)
{
	json_t *groups = json_array();
	size_t i;

	for (i = 0; i < N_GVS; i++)
		if (gvs[i].group[0])
			json_array_append_new(groups, group_doc(i));
	return json_pack("{s:s, s:s, s:o}", "kind", "APIGroupList", "apiVersion", "v1",
			 "groups", groups);
}

json_t *tb_msim_discovery_group(const char *group)
{
	json_t *g;
	size_t i;

	for (i = 0; i < N_GVS; i++) {
		if (!gvs[i].group[0] || strcmp(gvs[i].group, group))
			continue;
		g = group_doc(i);
		json_object_set_new(g, "kind", json_string("APIGroup"));
		json_object_set_new(g, "apiVersion", json_string("v1"));
		return g;
	}
	return NULL;
}

static json_t *legacy_resource(const struct tb_msim_resinfo *ri, enum tb_msim_res r,
			       const char *sub)
{
	char name[64];
	json_t *res;

	snprintf(name, sizeof(name), "%s%s%s", ri->plural, sub ? "/" : "", sub ? sub : "");
	res = json_pack("{s:s, s:s, s:b, s:s, s:o}", "name", name, "singularName",
			sub ? "" : ri->singular, "namespaced", ri->namespaced,
			"kind", sub && !strcmp(sub, "scale") ? "Scale" : ri->kind,
			"verbs", strings(sub ? sub_verbs : verbs_of(ri)));
	if (sub && !strcmp(sub, "scale")) {
		json_object_set_new(res, "group", json_string("autoscaling"));
		json_object_set_new(res, "version", json_string("v1"));
	}
	if (!sub && ri->short_name)
		json_object_set_new(res, "shortNames", json_pack("[s]", ri->short_name));
	if (!sub && in_all(r))
		json_object_set_new(res, "categories", json_pack("[s]", "all"));
	return res;
}

json_t *tb_msim_discovery_resources(const char *group, const char *version)
{
	json_t *res = json_array();
	char gv[64];
	int r;

	for (r = 0; r < _TB_MSIM_RES_MAX; r++) {
		const struct tb_msim_resinfo *ri = &tb_msim_resources[r];

		if (strcmp(ri->group, group) || strcmp(ri->version, version))
			continue;
		json_array_append_new(res, legacy_resource(ri, (enum tb_msim_res)r, NULL));
		if (ri->status && ri->store == TB_MSIM_STORED)
			json_array_append_new(res, legacy_resource(ri, (enum tb_msim_res)r,
								   "status"));
		if (ri->scale)
			json_array_append_new(res, legacy_resource(ri, (enum tb_msim_res)r,
								   "scale"));
	}
	if (!json_array_size(res)) {
		json_decref(res);
		return NULL;
	}
	snprintf(gv, sizeof(gv), "%s%s%s", group, group[0] ? "/" : "", version);
	return json_pack("{s:s, s:s, s:s, s:o}", "kind", "APIResourceList", "apiVersion", "v1",
			 "groupVersion", gv, "resources", res);
}

bool tb_msim_discovery_serves(const char *group, const char *version)
{
	size_t i;

	for (i = 0; i < N_GVS; i++)
		if (!strcmp(gvs[i].group, group) && !strcmp(gvs[i].version, version))
			return true;
	return false;
}

/* ---- OpenAPI ---------------------------------------------------------------------- */

json_t *tb_msim_openapi_root(void)
{
	json_t *root = tb_apidoc_openapi_root(), *paths = json_object_get(root, "paths");
	json_t *keep = json_object();
	char key[64];
	size_t i;

	for (i = 0; i < N_GVS; i++) {
		if (gvs[i].group[0])
			snprintf(key, sizeof(key), "apis/%s/%s", gvs[i].group, gvs[i].version);
		else
			snprintf(key, sizeof(key), "api/%s", gvs[i].version);
		if (json_object_get(paths, key))
			json_object_set(keep, key, json_object_get(paths, key));
	}
	json_object_set_new(root, "paths", keep);
	return root;
}

/* ---- Scale ----------------------------------------------------------------------- */

json_t *tb_msim_scale_of(const json_t *deploy)
{
	const json_t *md = json_object_get(deploy, "metadata");
	const json_t *spec = json_object_get(deploy, "spec");
	const json_t *ml = json_object_get(json_object_get(spec, "selector"), "matchLabels");
	const json_t *st = json_object_get(deploy, "status"), *v;
	struct tb_strbuf sel = TB_STRBUF_INIT;
	const char *key;
	json_t *scale;

	json_object_foreach((json_t *)ml, key, v) {
		tb_strbuf_addf(&sel, "%s%s=%s", sel.len ? "," : "", key,
			       json_is_string(v) ? json_string_value(v) : "");
	}
	scale = json_pack("{s:s, s:s, s:{s:O, s:O, s:O, s:O, s:O}, s:{s:I}, s:{s:I, s:s}}",
			  "kind", "Scale", "apiVersion", "autoscaling/v1",
			  "metadata", "name", json_object_get(md, "name"),
			  "namespace", json_object_get(md, "namespace"),
			  "uid", json_object_get(md, "uid"),
			  "resourceVersion", json_object_get(md, "resourceVersion"),
			  "creationTimestamp", json_object_get(md, "creationTimestamp"),
			  "spec", "replicas",
			  (json_int_t)json_integer_value(json_object_get(spec, "replicas")),
			  "status", "replicas",
			  (json_int_t)json_integer_value(json_object_get(st, "replicas")),
			  "selector", sel.buf);
	tb_strbuf_release(&sel);
	return scale;
}
