/* Typed reads from unstructured resource templates, and the one change the
 * API server makes to them (tb_template_default). Never trusts the JSON:
 * every field is type-checked before use. */
#include "api/template.h"
#include "api/meta.h"
#include "api/names.h"
#include "lib/base64.h"
#include "lib/mem.h"
#include "lib/strbuf.h"

#include <string.h>

static const char *str_at(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool kind_is(const json_t *obj, const char *api_version, const char *kind)
{
	const char *a = str_at(obj, "apiVersion"), *k = str_at(obj, "kind");

	return a && k && !strcmp(a, api_version) && !strcmp(k, kind);
}

const char *tb_health_name(enum tb_wl_health h)
{
	switch (h) {
	case TB_HEALTH_HEALTHY: return "Healthy";
	case TB_HEALTH_UNHEALTHY: return "Unhealthy";
	default: return "Unknown";
	}
}

bool tb_template_is_workload(const json_t *obj)
{
	return kind_is(obj, "apps/v1", "Deployment") || kind_is(obj, "batch/v1", "Job");
}

static int64_t int_at(const json_t *o, const char *key, int64_t dflt)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

int64_t tb_template_replicas(const json_t *obj)
{
	const json_t *spec = json_object_get(obj, "spec");

	if (kind_is(obj, "apps/v1", "Deployment"))
		return int_at(spec, "replicas", 1);
	if (kind_is(obj, "batch/v1", "Job"))
		return int_at(spec, "parallelism", 1);
	return 0;
}

static const json_t *pod_spec(const json_t *obj)
{
	const json_t *spec = json_object_get(obj, "spec");
	const json_t *tmpl = json_object_get(spec, "template");

	return json_object_get(tmpl, "spec");
}

/* A container's effective requests: requests, else limits. */
static void container_requests(const json_t *c, struct tb_reslist *out)
{
	const json_t *res = json_object_get(c, "resources");
	const json_t *req = json_object_get(res, "requests");
	const json_t *lim = json_object_get(res, "limits");
	struct tb_quantity q;
	const char *name;
	json_t *v;

	json_object_foreach((json_t *)lim, name, v)
		if (!tb_json_quantity(v, &q, NULL))
			tb_reslist_set(out, name, &q);
	json_object_foreach((json_t *)req, name, v)
		if (!tb_json_quantity(v, &q, NULL))
			tb_reslist_set(out, name, &q);
}

void tb_template_requests(const json_t *obj, struct tb_reslist *out)
{
	const json_t *ps = pod_spec(obj), *c;
	struct tb_reslist one = { NULL, 0 };
	const struct tb_quantity *cur;
	struct tb_quantity q, sum;
	const char *name;
	size_t i, k;
	json_t *v;

	if (!ps)
		return;
	json_array_foreach(json_object_get(ps, "containers"), i, c) {
		container_requests(c, &one);
		for (k = 0; k < one.n; k++) {
			cur = tb_reslist_get(out, one.v[k].name);
			sum = cur ? *cur : tb_quantity_from_int(0, one.v[k].q.format);
			if (!tb_quantity_add(&sum, &one.v[k].q))
				tb_reslist_set(out, one.v[k].name, &sum);
		}
		tb_reslist_release(&one);
	}
	json_array_foreach(json_object_get(ps, "initContainers"), i, c) {
		container_requests(c, &one);
		for (k = 0; k < one.n; k++) {
			cur = tb_reslist_get(out, one.v[k].name);
			if (!cur || tb_quantity_cmp(cur, &one.v[k].q) < 0)
				tb_reslist_set(out, one.v[k].name, &one.v[k].q);
		}
		tb_reslist_release(&one);
	}
	json_object_foreach(json_object_get(ps, "overhead"), name, v) {
		if (tb_json_quantity(v, &q, NULL) < 0)
			continue;
		cur = tb_reslist_get(out, name);
		sum = cur ? *cur : tb_quantity_from_int(0, q.format);
		if (!tb_quantity_add(&sum, &q))
			tb_reslist_set(out, name, &sum);
	}
}

static const json_t *condition(const json_t *status, const char *type)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(status, "conditions"), i, c)
		if (str_at(c, "type") && !strcmp(str_at(c, "type"), type))
			return c;
	return NULL;
}

enum tb_wl_health tb_template_health(const json_t *obj)
{
	const json_t *status = json_object_get(obj, "status");
	const json_t *meta = json_object_get(obj, "metadata");
	const json_t *c;
	int64_t want, updated, available;

	if (kind_is(obj, "apps/v1", "Deployment")) {
		if (!status)
			return TB_HEALTH_UNHEALTHY;
		want = tb_template_replicas(obj);
		updated = int_at(status, "updatedReplicas", 0);
		available = int_at(status, "availableReplicas", 0);
		if (int_at(status, "observedGeneration", 0) == int_at(meta, "generation", 0) &&
		    updated == want && available == updated)
			return TB_HEALTH_HEALTHY;
		return TB_HEALTH_UNHEALTHY;
	}
	if (kind_is(obj, "batch/v1", "Job")) {
		c = condition(status, "Failed");
		if (c && str_at(c, "status") && !strcmp(str_at(c, "status"), "True"))
			return TB_HEALTH_UNHEALTHY;
		return TB_HEALTH_HEALTHY;
	}
	if (kind_is(obj, "v1", "Service")) {
		const json_t *spec = json_object_get(obj, "spec");
		const char *type = str_at(spec, "type");
		const json_t *lb = json_object_get(status, "loadBalancer");
		if (type && !strcmp(type, "LoadBalancer"))
			return json_array_size(json_object_get(lb, "ingress")) ?
			       TB_HEALTH_HEALTHY : TB_HEALTH_UNHEALTHY;
		return TB_HEALTH_HEALTHY;
	}
	return TB_HEALTH_HEALTHY;
}

int64_t tb_template_ready_replicas(const json_t *obj)
{
	const json_t *status = json_object_get(obj, "status");

	if (kind_is(obj, "batch/v1", "Job"))
		return int_at(status, "ready", int_at(status, "active", 0));
	return int_at(status, "readyReplicas", 0);
}

/* ---- validation --------------------------------------------------------------------- */

static void check_quantities(const json_t *list, struct tb_path *p, struct tb_errs *e)
{
	struct tb_err err = TB_ERR_INIT;
	struct tb_quantity q;
	const char *name;
	size_t mark;
	json_t *v;
	char *r;

	if (!list)
		return;
	if (!json_is_object(list)) {
		r = tb_json_render(list);
		tb_errs_invalid_raw(e, p, r, "must be of type object");
		tb_free(r);
		return;
	}
	json_object_foreach((json_t *)list, name, v) {
		mark = tb_path_field(p, name);
		if (tb_json_quantity(v, &q, &err) < 0) {
			r = tb_json_render(v);
			tb_errs_invalid_raw(e, p, r, "%s", err.msg);
			tb_free(r);
		}
		tb_path_pop(p, mark);
	}
}

static void check_containers(const json_t *ps, const char *field, struct tb_path *p,
			     struct tb_errs *e)
{
	const json_t *list = json_object_get(ps, field), *c, *res;
	size_t i, mark, m2;

	if (!list)
		return;
	mark = tb_path_field(p, field);
	if (!json_is_array(list)) {
		tb_errs_invalid_raw(e, p, NULL, "must be of type array");
		tb_path_pop(p, mark);
		return;
	}
	json_array_foreach(list, i, c) {
		m2 = tb_path_index(p, i);
		res = json_object_get(c, "resources");
		tb_path_field(p, "resources");
		tb_path_field(p, "requests");
		check_quantities(json_object_get(res, "requests"), p, e);
		tb_path_pop(p, m2);
		tb_path_index(p, i);
		tb_path_field(p, "resources");
		tb_path_field(p, "limits");
		check_quantities(json_object_get(res, "limits"), p, e);
		tb_path_pop(p, m2);
	}
	tb_path_pop(p, mark);
}

static void subdomain_name(struct tb_errs *e, const struct tb_path *p, const char *name)
{
	tb_check_dns1123_subdomain(e, p, name);
}

static void label_name(struct tb_errs *e, const struct tb_path *p, const char *name)
{
	tb_check_dns1123_label(e, p, name);
}

void tb_template_validate(const json_t *obj, bool namespaced, struct tb_errs *e)
{
	struct tb_path p = TB_PATH_INIT;
	const json_t *md = json_object_get(obj, "metadata"), *spec, *v, *ps;
	struct tb_meta meta;
	bool label_names;

	memset(&meta, 0, sizeof(meta));
	tb_path_field(&p, "metadata");
	if (!md) {
		tb_path_field(&p, "name");
		tb_errs_required(e, &p, "name or generateName is required");
	} else if (tb_schema_decode(&tb_meta_schema, md, &meta, &p, e, NULL) == 0) {
		/* Namespaces and Services need DNS labels, as Kubernetes requires. */
		label_names = kind_is(obj, "v1", "Namespace") || kind_is(obj, "v1", "Service");
		tb_meta_validate(&meta, namespaced, label_names ? label_name : subdomain_name,
				 &p, e);
	}
	tb_schema_release(&tb_meta_schema, &meta);
	tb_path_set(&p, "spec");
	spec = json_object_get(obj, "spec");
	if (tb_template_is_workload(obj) && spec) {
		const char *rf = kind_is(obj, "batch/v1", "Job") ? "parallelism" : "replicas";
		v = json_object_get(spec, rf);
		tb_path_field(&p, rf);
		if (v && !json_is_integer(v)) {
			char *r = tb_json_render(v);
			tb_errs_invalid_raw(e, &p, r, "must be of type integer");
			tb_free(r);
		} else if (v && (json_integer_value(v) < 0 || json_integer_value(v) > INT32_MAX)) {
			tb_errs_invalid_int(e, &p, json_integer_value(v),
					    "must be greater than or equal to 0");
		}
		tb_path_set(&p, "spec.template.spec");
		ps = pod_spec(obj);
		check_containers(ps, "containers", &p, e);
		check_containers(ps, "initContainers", &p, e);
		tb_path_field(&p, "overhead");
		check_quantities(json_object_get(ps, "overhead"), &p, e);
	}
}

void tb_template_default(json_t *obj)
{
	struct tb_strbuf b64 = TB_STRBUF_INIT;
	json_t *sd = json_object_get(obj, "stringData"), *data, *v;
	const char *kind = json_string_value(json_object_get(obj, "kind")), *key;
	void *tmp;

	if (!kind || strcmp(kind, "Secret") || !json_is_object(sd))
		return;
	data = json_object_get(obj, "data");
	if (!json_is_object(data)) {
		data = json_object();
		json_object_set_new(obj, "data", data);
	}
	json_object_foreach_safe(sd, tmp, key, v) {
		if (!json_is_string(v))
			continue;	/* validation names it */
		tb_strbuf_reset(&b64);
		tb_base64_encode(&b64, json_string_value(v), json_string_length(v), false);
		json_object_set_new(data, key, json_string(b64.buf ? b64.buf : ""));
		json_object_del(sd, key);
	}
	if (!json_object_size(sd))
		json_object_del(obj, "stringData");
	tb_strbuf_release(&b64);
}
