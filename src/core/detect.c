/* Building a binding from a template and its policy (detect.h), as Karmada's
 * ResourceDetector.BuildResourceBinding does. */
#include "core/detect.h"
#include "api/names.h"
#include "api/template.h"
#include "lib/mem.h"

#include <ctype.h>
#include <string.h>

static const char *str_at(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? tb_strdup(s) : NULL;
}

/* GenerateNodeClaimByPodSpec: only when the pod constrains its nodes. */
static struct tb_node_claim *node_claim(const json_t *ps)
{
	const json_t *sel = json_object_get(ps, "nodeSelector");
	const json_t *tols = json_object_get(ps, "tolerations");
	const json_t *aff = json_object_get(json_object_get(json_object_get(ps, "affinity"),
						"nodeAffinity"), "requiredDuringSchedulingIgnoredDuringExecution");
	struct tb_node_claim *nc;
	struct tb_errs errs = TB_ERRS_INIT;
	struct tb_path p = TB_PATH_INIT;
	const char *k;
	json_t *v;
	size_t i;

	if (!json_object_size(sel) && !json_array_size(tols) && !json_is_object(aff))
		return NULL;
	nc = tb_calloc(1, sizeof(*nc));
	json_object_foreach((json_t *)sel, k, v)
		if (json_is_string(v))
			tb_strmap_set(&nc->node_selector, k, json_string_value(v));
	if (json_is_object(aff))
		nc->hard_node_affinity = json_deep_copy(aff);
	if (json_array_size(tols)) {
		nc->tolerations.v = tb_calloc(json_array_size(tols), sizeof(*nc->tolerations.v));
		json_array_foreach(tols, i, v) {
			if (tb_schema_decode(&tb_toleration_schema, v, &nc->tolerations.v[nc->tolerations.n],
					     &p, &errs, NULL) == 0)
				nc->tolerations.n++;
			else
				tb_schema_release(&tb_toleration_schema,
						  &nc->tolerations.v[nc->tolerations.n]);
		}
	}
	tb_errs_release(&errs);
	return nc;
}

bool tb_detect_selects(const struct tb_resource_selector *rs, const json_t *tmpl)
{
	const json_t *md = json_object_get(tmpl, "metadata");
	struct tb_strmap labels = { NULL, 0 };
	const char *k;
	json_t *v;
	bool ok;

	if (!rs->api_version || !str_at(tmpl, "apiVersion") ||
	    strcmp(rs->api_version, str_at(tmpl, "apiVersion")) || !rs->kind ||
	    !str_at(tmpl, "kind") || strcmp(rs->kind, str_at(tmpl, "kind")))
		return false;
	if (rs->namespace_ && *rs->namespace_ &&
	    (!str_at(md, "namespace") || strcmp(rs->namespace_, str_at(md, "namespace"))))
		return false;
	if (rs->name && *rs->name)
		return str_at(md, "name") && !strcmp(rs->name, str_at(md, "name"));
	if (!rs->label_selector)
		return true;
	json_object_foreach(json_object_get(md, "labels"), k, v)
		if (json_is_string(v))
			tb_strmap_set(&labels, k, json_string_value(v));
	ok = tb_label_selector_matches(rs->label_selector, &labels);
	tb_strmap_release(&labels);
	return ok;
}

int tb_detect_binding(const json_t *tmpl, const struct tb_policy *policy, bool cluster_scoped,
		      struct tb_binding *b, struct tb_err *err)
{
	const json_t *md = json_object_get(tmpl, "metadata");
	const char *name = str_at(md, "name"), *kind = str_at(tmpl, "kind");
	const struct tb_propagation_spec *ps = &policy->spec;
	struct tb_replica_requirements *rr;
	struct tb_strbuf sb = TB_STRBUF_INIT;
	const json_t *pod;

	if (!name || !kind || !str_at(tmpl, "apiVersion"))
		return tb_error(err, TB_EINVAL, "the template needs apiVersion, kind and metadata.name");
	tb_names_binding(kind, name, &sb);
	b->api_version = tb_strdup("work.karmada.io/v1alpha2");
	b->kind = tb_strdup(cluster_scoped ? "ClusterResourceBinding" : "ResourceBinding");
	b->metadata.name = tb_strbuf_detach(&sb, NULL);
	if (!cluster_scoped)
		b->metadata.namespace_ = dup_or_null(str_at(md, "namespace"));
	b->spec.resource.api_version = tb_strdup(str_at(tmpl, "apiVersion"));
	b->spec.resource.kind = tb_strdup(kind);
	b->spec.resource.namespace_ = dup_or_null(str_at(md, "namespace"));
	b->spec.resource.name = tb_strdup(name);
	b->spec.resource.uid = dup_or_null(str_at(md, "uid"));
	b->spec.resource.resource_version = dup_or_null(str_at(md, "resourceVersion"));
	/* Tugboat's own policy settings travel with the binding. */
	for (size_t i = 0; i < policy->metadata.annotations.n; i++) {
		const struct tb_kv *a = &policy->metadata.annotations.v[i];

		if (!strncmp(a->key, TB_ANN_FAILOVER_PREFIX, strlen(TB_ANN_FAILOVER_PREFIX)))
			tb_strmap_set(&b->metadata.annotations, a->key, a->value);
	}
	b->spec.propagate_deps = ps->propagate_deps;
	b->spec.scheduler_name = dup_or_null(ps->scheduler_name);
	b->spec.conflict_resolution = dup_or_null(ps->conflict_resolution);
	b->spec.preserve_resources_on_deletion = ps->preserve_resources_on_deletion;
	if (ps->placement) {
		b->spec.placement = tb_schema_new(&tb_placement_schema);
		tb_schema_copy(&tb_placement_schema, b->spec.placement, ps->placement);
	}
	if (ps->failover) {
		b->spec.failover = tb_schema_new(&tb_failover_schema);
		tb_schema_copy(&tb_failover_schema, b->spec.failover, ps->failover);
	}
	if (tb_template_is_workload(tmpl)) {
		b->spec.replicas = tb_template_replicas(tmpl);
		rr = tb_calloc(1, sizeof(*rr));
		tb_template_requests(tmpl, &rr->resource_request);
		pod = json_object_get(json_object_get(json_object_get(tmpl, "spec"), "template"),
				      "spec");
		rr->node_claim = node_claim(pod);
		if (!rr->resource_request.n && !rr->node_claim) {
			tb_free(rr);
			rr = NULL;
		}
		b->spec.replica_requirements = rr;
	}
	return 0;
}
