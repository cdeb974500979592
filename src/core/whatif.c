/* Assembling a scheduling question from manifests and answering it (whatif.h). */
#include "core/whatif.h"
#include "api/template.h"
#include "core/detect.h"
#include "lib/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static bool kind_is(const struct tb_object *o, const char *kind)
{
	return o->kind && !strcmp(o->kind->kind, kind);
}

/* Sets err and returns TB_WHATIF_INVALID, for one-line error returns. */
static int invalid(struct tb_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int invalid(struct tb_err *err, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = -TB_EINVAL;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return TB_WHATIF_INVALID;
}

static const char *obj_desc(const struct tb_object *o, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", o->kind->kind, tb_object_name(o) ? tb_object_name(o) : "");
	return buf;
}

int tb_whatif_run(const struct tb_docs *docs, int64_t now_ms, struct tb_whatif *w,
		  struct tb_errs *errs, struct tb_err *err)
{
	struct tb_policy_defaults d = TB_POLICY_DEFAULTS_INIT;
	const struct tb_object *policy = NULL, *binding = NULL, *tmpl = NULL;
	char a[300], b[300];
	size_t i, k;
	bool cluster_scoped;

	memset(w, 0, sizeof(*w));
	w->objects = tb_calloc(docs->n ? docs->n : 1, sizeof(*w->objects));
	for (i = 0; i < docs->n; i++) {
		size_t before = errs->n;
		struct tb_object *o = &w->objects[w->nobjects++];

		if (tb_object_admit(docs->v[i].json, o, &d, now_ms, errs) < 0) {
			/* Name the object each error belongs to. */
			for (k = before; k < errs->n; k++) {
				struct tb_strbuf sb = TB_STRBUF_INIT;

				if (o->kind)
					tb_strbuf_addf(&sb, "%s/%s", o->kind->kind,
						       tb_object_name(o) ? tb_object_name(o) : "");
				else
					tb_strbuf_adds(&sb, "document");
				tb_strbuf_addf(&sb, " (line %u): %s", docs->v[i].line,
					       errs->v[k].field);
				tb_free(errs->v[k].field);
				errs->v[k].field = tb_strbuf_detach(&sb, NULL);
			}
		}
	}
	if (errs->n)
		return TB_WHATIF_INVALID;
	w->clusters = tb_calloc(w->nobjects ? w->nobjects : 1, sizeof(*w->clusters));
	for (i = 0; i < w->nobjects; i++) {
		const struct tb_object *o = &w->objects[i];
		const struct tb_object **slot = NULL;

		if (kind_is(o, "Cluster")) {
			w->clusters[w->nclusters++] = o->typed;
			continue;
		}
		if (!o->typed)
			continue;	/* templates: chosen below */
		if (kind_is(o, "PropagationPolicy") || kind_is(o, "ClusterPropagationPolicy"))
			slot = &policy;
		else if (kind_is(o, "ResourceBinding") || kind_is(o, "ClusterResourceBinding"))
			slot = &binding;
		else
			return invalid(err, "%s: a Work is not a scheduling input",
				       obj_desc(o, a, sizeof(a)));
		if (*slot)
			return invalid(err, "more than one %s: %s and %s",
				       slot == &policy ? "policy" : "binding",
				       obj_desc(*slot, a, sizeof(a)), obj_desc(o, b, sizeof(b)));
		*slot = o;
	}
	/* Without a binding, the template is the one the policy selects; among
	 * several (a Deployment with its Service...), the one workload. */
	if (!binding && policy) {
		const struct tb_policy *p = policy->typed;
		const struct tb_object *workload = NULL;
		size_t nsel = 0, nwork = 0;

		for (i = 0; i < w->nobjects; i++) {
			const struct tb_object *o = &w->objects[i];
			if (o->typed || !o->kind)
				continue;
			for (k = 0; k < p->spec.resource_selectors.n; k++)
				if (tb_detect_selects(&p->spec.resource_selectors.v[k], o->json))
					break;
			if (k == p->spec.resource_selectors.n)
				continue;
			nsel++;
			tmpl = o;
			if (tb_template_is_workload(o->json)) {
				nwork++;
				workload = o;
			}
		}
		if (nsel > 1 && nwork == 1)
			tmpl = workload;
		else if (nsel > 1)
			return invalid(err, "%s selects several resource templates: give one",
				       obj_desc(policy, a, sizeof(a)));
		if (!nsel) {
			for (i = 0; i < w->nobjects && !tmpl; i++)
				if (!w->objects[i].typed && w->objects[i].kind)
					return invalid(err, "%s does not select %s",
						       obj_desc(policy, a, sizeof(a)),
						       obj_desc(&w->objects[i], b, sizeof(b)));
		}
	} else if (!binding) {
		for (i = 0; i < w->nobjects && !tmpl; i++)
			if (!w->objects[i].typed && w->objects[i].kind)
				tmpl = &w->objects[i];
	}
	if (!binding && !tmpl)
		return invalid(err, "nothing to schedule: give a ResourceBinding or a "
			       "resource template (e.g. a Deployment)");
	w->binding = tb_schema_new(&tb_binding_schema);
	if (!binding) {
		const struct tb_policy *p;

		if (!policy)
			return invalid(err, "%s needs a PropagationPolicy or "
				       "ClusterPropagationPolicy to be scheduled",
				       obj_desc(tmpl, a, sizeof(a)));
		p = policy->typed;
		/* A namespaced template gets a ResourceBinding, even under a
		 * ClusterPropagationPolicy; cluster-scoped ones a ClusterResourceBinding. */
		cluster_scoped = !tmpl->kind->namespaced;
		if (tb_detect_binding(tmpl->json, p, cluster_scoped, w->binding, err) < 0)
			return TB_WHATIF_INVALID;
	} else {
		tb_schema_copy(&tb_binding_schema, w->binding, binding->typed);
		if (policy) {
			const struct tb_policy *p = policy->typed;
			tb_schema_free(&tb_placement_schema, w->binding->spec.placement);
			w->binding->spec.placement = tb_schema_new(&tb_placement_schema);
			tb_schema_copy(&tb_placement_schema, w->binding->spec.placement,
				       p->spec.placement);
		}
		if (!w->binding->spec.placement)
			return invalid(err, "%s has no spec.placement and no policy was "
					"given", obj_desc(binding, a, sizeof(a)));
	}
	tb_sched_snapshot_init(&w->snap, w->clusters, w->nclusters);
	if (tb_sched_schedule(&w->snap, &w->binding->spec, &w->binding->status,
			      TB_SCHED_EXPLAIN, &w->result) < 0)
		return TB_WHATIF_UNSCHEDULABLE;
	return TB_WHATIF_OK;
}

void tb_whatif_release(struct tb_whatif *w)
{
	size_t i;

	tb_sched_result_release(&w->result);
	tb_sched_snapshot_release(&w->snap);
	tb_schema_free(&tb_binding_schema, w->binding);
	for (i = 0; i < w->nobjects; i++)
		tb_object_release(&w->objects[i]);
	tb_free(w->objects);
	tb_free(w->clusters);
	memset(w, 0, sizeof(*w));
}

json_t *tb_whatif_binding_json(const struct tb_whatif *w)
{
	struct tb_binding copy;
	size_t i;
	json_t *j;

	tb_schema_copy(&tb_binding_schema, &copy, w->binding);
	for (i = 0; i < copy.spec.clusters.n; i++)
		tb_free(copy.spec.clusters.v[i].name);
	tb_free(copy.spec.clusters.v);
	copy.spec.clusters.n = w->result.clusters.n;
	copy.spec.clusters.v = tb_calloc(w->result.clusters.n + 1, sizeof(*copy.spec.clusters.v));
	for (i = 0; i < w->result.clusters.n; i++) {
		copy.spec.clusters.v[i].name = tb_strdup(w->result.clusters.v[i].name);
		copy.spec.clusters.v[i].replicas = w->result.clusters.v[i].replicas;
	}
	if (w->result.affinity_name) {
		tb_free(copy.status.scheduler_observing_affinity_name);
		copy.status.scheduler_observing_affinity_name = tb_strdup(w->result.affinity_name);
	}
	j = tb_schema_encode(&tb_binding_schema, &copy);
	tb_schema_release(&tb_binding_schema, &copy);
	return j;
}
