/* /version and API discovery, both forms, built from the kind registry.
 * Aggregated discovery (one request for all of /apis) is what kubectl 1.32
 * uses; the legacy lists are its fallback and what older clients read. */
#include "server/apidoc.h"

#include <stdio.h>
#include <string.h>

static const char *const all_verbs[] = {
	"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch", NULL
};
static const char *const status_verbs[] = { "get", "patch", "update", NULL };

/* ---- shared with apidoc_openapi.c -------------------------------------------------- */

size_t tb__apidoc_gvs(const struct tb_kind **first, size_t cap)
{
	const struct tb_kind *k;
	size_t n = 0, i;

	for (k = tb_kinds; k->kind; k++) {
		for (i = 0; i < n; i++)
			if (!strcmp(first[i]->group, k->group) &&
			    !strcmp(first[i]->version, k->version))
				break;
		if (i == n && n < cap)
			first[n++] = k;
	}
	return n;
}

json_t *tb__apidoc_gvk(const struct tb_kind *k, const char *kind)
{
	return json_pack("{s:s, s:s, s:s}", "group", k->group, "version", k->version,
			 "kind", kind ? kind : k->kind);
}

/* ---- helpers ---------------------------------------------------------------------- */

static json_t *strings(const char *const *v, size_t max)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < max && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* The categories Karmada's CRDs and kube-apiserver declare ("all" is what
 * `kubectl get all` lists). */
static const char *category(const struct tb_kind *k)
{
	size_t n = strlen(k->group);

	if (!strcmp(k->kind, "Deployment") || !strcmp(k->kind, "Job") ||
	    !strcmp(k->kind, "Service"))
		return "all";
	if (n > 10 && !strcmp(k->group + n - 10, "karmada.io") &&
	    strcmp(k->kind, "Cluster") && strcmp(k->kind, "ClusterTaintPolicy"))
		return "karmada-io";
	return NULL;
}

static bool same_gv(const struct tb_kind *k, const char *group, const char *version)
{
	return !strcmp(k->group, group) && !strcmp(k->version, version);
}

/* ---- /version ---------------------------------------------------------------------- */

#if defined(__clang__)
#define TB_COMPILER "clang"
#elif defined(__GNUC__)
#define TB_COMPILER "gcc"
#else
#define TB_COMPILER "cc"
#endif

#if defined(__x86_64__)
#define TB_ARCH "amd64"
#elif defined(__aarch64__)
#define TB_ARCH "arm64"
#else
#define TB_ARCH "unknown"
#endif

json_t *tb_apidoc_version(void)
{
	/* buildDate is kube's value for "not stamped": builds stay reproducible. */
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			 "major", "1", "minor", "32",
			 "gitVersion", "v1.32.0-tugboat." TB_VERSION,
			 "gitCommit", "", "gitTreeState", "clean",
			 "buildDate", "1970-01-01T00:00:00Z",
			 "goVersion", "none (C17, " TB_COMPILER ")",
			 "compiler", TB_COMPILER, "platform", "linux/" TB_ARCH);
}

/* ---- aggregated discovery ---------------------------------------------------------- */

static json_t *agg_resource(const struct tb_kind *k)
{
	const char *cat = category(k);
	json_t *r;

	r = json_pack("{s:s, s:o, s:s, s:s, s:o}", "resource", k->plural,
		      "responseKind", tb__apidoc_gvk(k, NULL),
		      "scope", k->namespaced ? "Namespaced" : "Cluster",
		      "singularResource", k->singular, "verbs", strings(all_verbs, 16));
	if (k->short_names[0])
		json_object_set_new(r, "shortNames", strings(k->short_names, 3));
	if (cat)
		json_object_set_new(r, "categories", json_pack("[s]", cat));
	if (tb_kind_has_status(k) || tb_kind_has_scale(k)) {
		json_t *subs = json_array();

		if (tb_kind_has_status(k))
			json_array_append_new(subs, json_pack(
				"{s:s, s:o, s:o}", "subresource", "status",
				"responseKind", tb__apidoc_gvk(k, NULL),
				"verbs", strings(status_verbs, 16)));
		if (tb_kind_has_scale(k))
			json_array_append_new(subs, json_pack(
				"{s:s, s:{s:s, s:s, s:s}, s:o}", "subresource", "scale",
				"responseKind", "group", "autoscaling", "version", "v1",
				"kind", "Scale", "verbs", strings(status_verbs, 16)));
		json_object_set_new(r, "subresources", subs);
	}
	return r;
}

static json_t *agg_version(const struct tb_kind *gv)
{
	json_t *res = json_array();
	const struct tb_kind *k;

	for (k = tb_kinds; k->kind; k++)
		if (same_gv(k, gv->group, gv->version))
			json_array_append_new(res, agg_resource(k));
	return json_pack("{s:s, s:o, s:s}", "version", gv->version, "resources", res,
			 "freshness", "Current");
}

static json_t *find_group(json_t *items, const char *group)
{
	json_t *item, *name;
	size_t i;

	json_array_foreach(items, i, item) {
		name = json_object_get(json_object_get(item, "metadata"), "name");
		if (!strcmp(json_is_string(name) ? json_string_value(name) : "", group))
			return item;
	}
	return NULL;
}

json_t *tb_apidoc_aggregated(bool core)
{
	const struct tb_kind *gvs[16];
	json_t *items = json_array(), *item, *md;
	size_t n = tb__apidoc_gvs(gvs, 16), i;
	bool is_core;

	for (i = 0; i < n; i++) {
		is_core = !gvs[i]->group[0];
		if (is_core != core)
			continue;
		item = find_group(items, gvs[i]->group);
		if (!item) {
			/* kube omits the empty name of the core group. */
			md = core ? json_object() : json_pack("{s:s}", "name", gvs[i]->group);
			item = json_pack("{s:o, s:[]}", "metadata", md, "versions");
			json_array_append_new(items, item);
		}
		json_array_append_new(json_object_get(item, "versions"), agg_version(gvs[i]));
	}
	return json_pack("{s:s, s:s, s:{}, s:o}", "kind", "APIGroupDiscoveryList",
			 "apiVersion", "apidiscovery.k8s.io/v2", "metadata", "items", items);
}

/* ---- legacy discovery -------------------------------------------------------------- */

json_t *tb_apidoc_api_versions(void)
{
	return json_pack("{s:s, s:[s], s:[]}", "kind", "APIVersions", "versions", "v1",
			 "serverAddressByClientCIDRs");
}

static json_t *group_doc(const char *group)
{
	const struct tb_kind *gvs[16];
	json_t *versions = json_array(), *v;
	size_t n = tb__apidoc_gvs(gvs, 16), i;
	char gv[256];

	for (i = 0; i < n; i++) {
		if (strcmp(gvs[i]->group, group))
			continue;
		snprintf(gv, sizeof(gv), "%s/%s", group, gvs[i]->version);
		json_array_append_new(versions, json_pack("{s:s, s:s}", "groupVersion", gv,
							  "version", gvs[i]->version));
	}
	if (!json_array_size(versions)) {
		json_decref(versions);
		return NULL;
	}
	v = json_deep_copy(json_array_get(versions, 0));
	return json_pack("{s:s, s:o, s:o}", "name", group, "versions", versions,
			 "preferredVersion", v);
}

json_t *tb_apidoc_group_list(void)
{
	const struct tb_kind *gvs[16];
	json_t *groups = json_array();
	size_t n = tb__apidoc_gvs(gvs, 16), i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (!strcmp(gvs[j]->group, gvs[i]->group))
				break;
		if (j == i && gvs[i]->group[0])
			json_array_append_new(groups, group_doc(gvs[i]->group));
	}
	return json_pack("{s:s, s:s, s:o}", "kind", "APIGroupList", "apiVersion", "v1",
			 "groups", groups);
}

json_t *tb_apidoc_group(const char *group)
{
	json_t *g = group && group[0] ? group_doc(group) : NULL;

	if (!g)
		return NULL;
	json_object_set_new(g, "kind", json_string("APIGroup"));
	json_object_set_new(g, "apiVersion", json_string("v1"));
	return g;
}

static json_t *legacy_resource(const struct tb_kind *k, bool status)
{
	const char *cat = category(k);
	char name[128];
	json_t *r;

	snprintf(name, sizeof(name), "%s%s", k->plural, status ? "/status" : "");
	r = json_pack("{s:s, s:s, s:b, s:s, s:o}", "name", name,
		      "singularName", status ? "" : k->singular, "namespaced", k->namespaced,
		      "kind", k->kind, "verbs", strings(status ? status_verbs : all_verbs, 16));
	if (!status && k->short_names[0])
		json_object_set_new(r, "shortNames", strings(k->short_names, 3));
	if (!status && cat)
		json_object_set_new(r, "categories", json_pack("[s]", cat));
	return r;
}

/* deployments/scale: an autoscaling/v1 Scale (kubectl scale). */
static json_t *scale_resource(const struct tb_kind *k)
{
	char name[128];

	snprintf(name, sizeof(name), "%s/scale", k->plural);
	return json_pack("{s:s, s:s, s:b, s:s, s:s, s:s, s:o}", "name", name,
			 "singularName", "", "namespaced", k->namespaced, "group", "autoscaling",
			 "version", "v1", "kind", "Scale", "verbs", strings(status_verbs, 16));
}

json_t *tb_apidoc_resource_list(const char *group, const char *version)
{
	json_t *res = json_array();
	const struct tb_kind *k;
	char gv[256];

	for (k = tb_kinds; k->kind; k++) {
		if (!same_gv(k, group, version))
			continue;
		json_array_append_new(res, legacy_resource(k, false));
		if (tb_kind_has_status(k))
			json_array_append_new(res, legacy_resource(k, true));
		if (tb_kind_has_scale(k))
			json_array_append_new(res, scale_resource(k));
	}
	if (!json_array_size(res)) {
		json_decref(res);
		return NULL;
	}
	snprintf(gv, sizeof(gv), "%s%s%s", group, group[0] ? "/" : "", version);
	return json_pack("{s:s, s:s, s:s, s:o}", "kind", "APIResourceList", "apiVersion", "v1",
			 "groupVersion", gv, "resources", res);
}
