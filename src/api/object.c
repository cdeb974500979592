/* The kind registry and generic object operations (decode, default, validate,
 * encode) dispatching to each kind's module. */
#include "api/object.h"
#include "api/binding.h"
#include "api/cluster.h"
#include "api/event.h"
#include "api/taintpolicy.h"
#include "api/template.h"
#include "api/work.h"
#include "lib/mem.h"

#include <stdio.h>
#include <string.h>

static void cluster_default(void *t, const struct tb_kind *k,
			    const struct tb_policy_defaults *d, int64_t now_ms)
{
	(void)k;
	(void)d;
	tb_cluster_default(t, now_ms);
}

static void cluster_validate(const void *t, const struct tb_kind *k, struct tb_errs *e)
{
	(void)k;
	tb_cluster_validate(t, e);
}

static void policy_default(void *t, const struct tb_kind *k,
			   const struct tb_policy_defaults *d, int64_t now_ms)
{
	(void)now_ms;
	tb_policy_default(t, k->namespaced, d);
}

static void policy_validate(const void *t, const struct tb_kind *k, struct tb_errs *e)
{
	tb_policy_validate(t, k->namespaced, e);
}

static void binding_default(void *t, const struct tb_kind *k,
			    const struct tb_policy_defaults *d, int64_t now_ms)
{
	struct tb_binding *b = t;

	(void)now_ms;
	if (k->namespaced && !b->metadata.namespace_ && d->namespace_)
		b->metadata.namespace_ = tb_strdup(d->namespace_);
	tb_binding_default(b);
}

static void binding_validate(const void *t, const struct tb_kind *k, struct tb_errs *e)
{
	tb_binding_validate(t, k->namespaced, e);
}

static void taint_policy_validate(const void *t, const struct tb_kind *k, struct tb_errs *e)
{
	(void)k;
	tb_taint_policy_validate(t, e);
}

static void work_validate(const void *t, const struct tb_kind *k, struct tb_errs *e)
{
	(void)k;
	tb_work_validate(t, e);
}

#define KARMADA(g, v, k, pl, sg, ns, sch, dfl, val, ...) \
	{ g, v, g "/" v, k, pl, sg, { __VA_ARGS__ }, ns, sch, dfl, val }
#define TEMPLATE(g, v, gv, k, pl, sg, ns, ...) \
	{ g, v, gv, k, pl, sg, { __VA_ARGS__ }, ns, NULL, NULL, NULL }

const struct tb_kind tb_kinds[] = {
	KARMADA("cluster.karmada.io", "v1alpha1", "Cluster", "clusters", "cluster", false,
		&tb_cluster_schema, cluster_default, cluster_validate, NULL),
	KARMADA("policy.karmada.io", "v1alpha1", "PropagationPolicy", "propagationpolicies",
		"propagationpolicy", true, &tb_policy_schema, policy_default, policy_validate,
		"pp"),
	KARMADA("policy.karmada.io", "v1alpha1", "ClusterPropagationPolicy",
		"clusterpropagationpolicies", "clusterpropagationpolicy", false,
		&tb_policy_schema, policy_default, policy_validate, "cpp"),
	KARMADA("policy.karmada.io", "v1alpha1", "ClusterTaintPolicy", "clustertaintpolicies",
		"clustertaintpolicy", false, &tb_taint_policy_schema, NULL, taint_policy_validate,
		NULL),
	KARMADA("work.karmada.io", "v1alpha2", "ResourceBinding", "resourcebindings",
		"resourcebinding", true, &tb_binding_schema, binding_default, binding_validate,
		"rb"),
	KARMADA("work.karmada.io", "v1alpha2", "ClusterResourceBinding",
		"clusterresourcebindings", "clusterresourcebinding", false, &tb_binding_schema,
		binding_default, binding_validate, "crb"),
	KARMADA("work.karmada.io", "v1alpha1", "Work", "works", "work", true,
		&tb_work_schema, NULL, work_validate, "wk"),
	TEMPLATE("apps", "v1", "apps/v1", "Deployment", "deployments", "deployment", true,
		 "deploy"),
	TEMPLATE("batch", "v1", "batch/v1", "Job", "jobs", "job", true, NULL),
	TEMPLATE("", "v1", "v1", "Service", "services", "service", true, "svc"),
	TEMPLATE("", "v1", "v1", "ConfigMap", "configmaps", "configmap", true, "cm"),
	TEMPLATE("", "v1", "v1", "Secret", "secrets", "secret", true, NULL),
	TEMPLATE("", "v1", "v1", "Namespace", "namespaces", "namespace", false, "ns"),
	/* What the controllers did and why (kubectl describe, get events). */
	TEMPLATE("", "v1", "v1", "Event", "events", "event", true, "ev"),
	{ .kind = NULL }
};

const struct tb_kind *tb_kind_find(const char *api_version, const char *kind)
{
	const struct tb_kind *k;

	for (k = tb_kinds; k->kind; k++)
		if (!strcmp(k->api_version, api_version) && !strcmp(k->kind, kind))
			return k;
	return NULL;
}

bool tb_kind_has_scale(const struct tb_kind *k)
{
	return !strcmp(k->group, "apps") && !strcmp(k->kind, "Deployment");
}

bool tb_kind_has_status(const struct tb_kind *k)
{
	static const char *const without[] = {
		"PropagationPolicy", "ClusterPropagationPolicy", "ClusterTaintPolicy",
		"ConfigMap", "Secret", "Event", NULL
	};

	for (size_t i = 0; without[i]; i++)
		if (!strcmp(k->kind, without[i]))
			return false;
	return true;
}

bool tb_kind_is_template(const struct tb_kind *k)
{
	/* An Event is a record about objects, never a workload to propagate. */
	return !k->schema && strcmp(k->kind, "Event");
}

bool tb_kind_is_event(const struct tb_kind *k)
{
	return k && !strcmp(k->api_version, "v1") && !strcmp(k->kind, "Event");
}

const char *tb_kind_res(const struct tb_kind *k, char *buf, size_t n)
{
	if (k->group[0])
		snprintf(buf, n, "%s.%s", k->plural, k->group);
	else
		snprintf(buf, n, "%s", k->plural);
	return buf;
}

static void unknown_kind(const char *api_version, const char *kind, struct tb_errs *errs)
{
	const char *versions[8];
	struct tb_strbuf sb = TB_STRBUF_INIT;
	struct tb_path p = TB_PATH_INIT;
	const struct tb_kind *k;
	size_t n = 0;

	for (k = tb_kinds; k->kind && n < 7; k++)
		if (!strcmp(k->kind, kind))
			versions[n++] = k->api_version;
	versions[n] = NULL;
	if (n) {
		tb_path_field(&p, "apiVersion");
		tb_errs_not_supported(errs, &p, api_version, versions);
		return;
	}
	tb_path_field(&p, "kind");
	tb_strbuf_addquoted(&sb, kind);
	tb_errs_add(errs, TB_FE_NOT_SUPPORTED, p.buf, sb.buf,
		    "no kind \"%s\" is served in version \"%s\" (Tugboat serves Karmada's "
		    "Cluster, PropagationPolicy, ClusterPropagationPolicy, ClusterTaintPolicy, ResourceBinding, "
		    "ClusterResourceBinding and Work, Deployment, Job, Service, ConfigMap, "
		    "Secret and Namespace templates, and Events)", kind, api_version);
	tb_strbuf_release(&sb);
}

int tb_object_decode(const json_t *j, struct tb_object *o, struct tb_errs *errs)
{
	struct tb_path p = TB_PATH_INIT;
	const json_t *av, *kd;
	const struct tb_kind *k;
	size_t before = errs->n;
	char *r;

	memset(o, 0, sizeof(*o));
	if (!json_is_object(j)) {
		r = tb_json_render(j);
		tb_errs_invalid_raw(errs, &p, r, "a Kubernetes object must be a mapping "
				    "with apiVersion, kind and metadata");
		tb_free(r);
		return -TB_EINVAL;
	}
	av = json_object_get(j, "apiVersion");
	kd = json_object_get(j, "kind");
	if (!json_is_string(av) || !*json_string_value(av)) {
		tb_path_set(&p, "apiVersion");
		tb_errs_required(errs, &p, "apiVersion not set");
	}
	if (!json_is_string(kd) || !*json_string_value(kd)) {
		tb_path_set(&p, "kind");
		tb_errs_required(errs, &p, "kind not set");
	}
	if (errs->n != before)
		return -TB_EINVAL;
	k = tb_kind_find(json_string_value(av), json_string_value(kd));
	if (!k) {
		unknown_kind(json_string_value(av), json_string_value(kd), errs);
		return -TB_EINVAL;
	}
	o->kind = k;
	if (!k->schema) {
		o->json = json_deep_copy(j);
		return 0;
	}
	tb_path_set(&p, "");
	o->typed = tb_schema_new(k->schema);
	return tb_schema_decode(k->schema, j, o->typed, &p, errs, NULL);
}

/* Is field (a path) the same as or below prefix? */
static bool path_under(const char *field, const char *prefix)
{
	size_t n = strlen(prefix);

	if (!n)
		return true;
	return !strncmp(field, prefix, n) &&
	       (field[n] == '\0' || field[n] == '.' || field[n] == '[');
}

int tb_object_admit(const json_t *j, struct tb_object *o, const struct tb_policy_defaults *d,
		    int64_t now_ms, struct tb_errs *errs)
{
	struct tb_errs later = TB_ERRS_INIT;
	size_t before = errs->n, ndecode, i, k;
	bool dup;

	tb_object_decode(j, o, errs);
	if (!o->kind)
		return -TB_EINVAL;
	ndecode = errs->n;
	tb_object_default(o, d, now_ms);
	tb_object_validate(o, &later);
	for (i = 0; i < later.n; i++) {
		dup = false;
		for (k = before; k < ndecode && !dup; k++)
			dup = path_under(later.v[i].field, errs->v[k].field);
		if (!dup)
			tb_errs_add(errs, later.v[i].type, later.v[i].field, later.v[i].value,
				    later.v[i].detail ? "%s" : NULL, later.v[i].detail);
	}
	tb_errs_release(&later);
	return errs->n == before ? 0 : -TB_EINVAL;
}

void tb_object_default(struct tb_object *o, const struct tb_policy_defaults *d, int64_t now_ms)
{
	json_t *md;

	if (o->typed && o->kind->default_fn) {
		o->kind->default_fn(o->typed, o->kind, d, now_ms);
	} else if (o->json) {
		tb_template_default(o->json);
		md = json_object_get(o->json, "metadata");
		if (o->kind->namespaced && d->namespace_ && json_is_object(md) &&
		    !json_is_string(json_object_get(md, "namespace")))
			json_object_set_new(md, "namespace", json_string(d->namespace_));
	}
}

void tb_object_validate(const struct tb_object *o, struct tb_errs *errs)
{
	if (o->typed && o->kind->validate_fn)
		o->kind->validate_fn(o->typed, o->kind, errs);
	else if (o->json)
		tb_template_validate(o->json, o->kind->namespaced, errs);
	if (o->json && tb_kind_is_event(o->kind))
		tb_event_validate(o->json, errs);
}

json_t *tb_object_encode(const struct tb_object *o)
{
	if (o->typed)
		return tb_schema_encode(o->kind->schema, o->typed);
	return o->json ? json_deep_copy(o->json) : json_null();
}

void tb_object_release(struct tb_object *o)
{
	if (o->typed)
		tb_schema_free(o->kind->schema, o->typed);
	json_decref(o->json);
	o->typed = NULL;
	o->json = NULL;
}

/* Every typed kind starts apiVersion, kind, metadata: the layout is shared. */
struct typed_head {
	char *api_version;
	char *kind;
	struct tb_meta metadata;
};

#define SAME_HEAD(T) \
	_Static_assert(offsetof(T, metadata) == offsetof(struct typed_head, metadata) && \
		       offsetof(T, kind) == offsetof(struct typed_head, kind), #T)
SAME_HEAD(struct tb_cluster);
SAME_HEAD(struct tb_policy);
SAME_HEAD(struct tb_binding);
SAME_HEAD(struct tb_work);
SAME_HEAD(struct tb_taint_policy);

static const char *meta_str(const struct tb_object *o, const char *key)
{
	const struct typed_head *h = o->typed;
	const json_t *v;

	if (h) {
		if (!strcmp(key, "namespace"))
			return h->metadata.namespace_;
		return h->metadata.name ? h->metadata.name : h->metadata.generate_name;
	}
	v = json_object_get(json_object_get(o->json, "metadata"), key);
	if (!json_is_string(v) && !strcmp(key, "name"))
		v = json_object_get(json_object_get(o->json, "metadata"), "generateName");
	return json_is_string(v) ? json_string_value(v) : NULL;
}

const char *tb_object_name(const struct tb_object *o)
{
	return meta_str(o, "name");
}

const char *tb_object_namespace(const struct tb_object *o)
{
	return meta_str(o, "namespace");
}
