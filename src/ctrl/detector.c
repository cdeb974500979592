/* The resource detector: a resource template selected by a PropagationPolicy
 * (or ClusterPropagationPolicy) gets a ResourceBinding (or
 * ClusterResourceBinding) named "<name>-<kind>", owned by the template, with
 * the policy's placement; a change of either updates it, and a deleted
 * template takes its binding with it.
 *
 * Which policy: Karmada's precedence. A PropagationPolicy in the template's
 * namespace beats any ClusterPropagationPolicy; among policies of one kind the
 * higher spec.priority wins, then the more explicit selector (by name, then by
 * label selector, then "all of a kind"), then the policy name in alphabetical
 * order. When no policy selects a template any more, its binding is left as
 * it is (Karmada keeps the propagated resources too). */
#include "ctrl/tugd_int.h"

#include <stdio.h>
#include <string.h>

#include "api/names.h"
#include "core/detect.h"
#include "lib/log.h"
#include "lib/mem.h"

struct tb_dpolicy {
	char *ns;		/* "" for a ClusterPropagationPolicy */
	char *name;
	struct tb_policy p;
};

/* Karmada's implicit priorities (util.ImplicitPriority). */
enum { MATCH_NONE, MATCH_ALL, MATCH_LABELS, MATCH_NAME };

static const char *const rb_owned_spec[] = {
	"resource", "propagateDeps", "replicaRequirements", "replicas", "placement",
	"schedulerName", "failover", "conflictResolution", "preserveResourcesOnDeletion",
	"suspension", "schedulePriority", NULL
};

/* ---- policies ------------------------------------------------------------------------- */

static size_t find_policy(struct tb_tugd *t, const char *ns, const char *name)
{
	for (size_t i = 0; i < t->npolicies; i++)
		if (!strcmp(t->policies[i]->ns, ns) && !strcmp(t->policies[i]->name, name))
			return i;
	return SIZE_MAX;
}

static void policy_free(struct tb_dpolicy *d)
{
	if (!d)
		return;
	tb_schema_release(&tb_policy_schema, &d->p);
	tb_free(d->ns);
	tb_free(d->name);
	tb_free(d);
}

static void queue_template(struct tb_tugd *t, const char *res, const char *ns, const char *name)
{
	char key[800];

	snprintf(key, sizeof(key), "%s|%s|%s", res, ns, name);
	tb_queue_add(&t->dirty_templates, key);
}

static int queue_listed(void *data, const struct tb_store_obj *o)
{
	queue_template(data, o->res, o->ns, o->name);
	return 0;
}

/* Every template a policy's selectors may select is looked at again. */
static void queue_selected(struct tb_tugd *t, const struct tb_dpolicy *d)
{
	const struct tb_propagation_spec *ps = &d->p.spec;
	const struct tb_kind *k;
	char res[128];

	for (size_t i = 0; i < ps->resource_selectors.n; i++) {
		const struct tb_resource_selector *rs = &ps->resource_selectors.v[i];
		const char *ns = d->ns[0] ? d->ns : rs->namespace_;

		k = rs->api_version && rs->kind ? tb_kind_find(rs->api_version, rs->kind) : NULL;
		if (!k || !tb_kind_is_template(k))
			continue;	/* only resource templates are propagated */
		tb_kind_res(k, res, sizeof(res));
		if (!k->namespaced)
			ns = "";
		if (rs->name && *rs->name && (ns || !k->namespaced))
			queue_template(t, res, ns ? ns : "", rs->name);
		else
			tb_store_list(t->store, res, ns && *ns ? ns : NULL, NULL, NULL, queue_listed,
				      t);
	}
}

static void on_policy(struct tb_tugd *t, const struct tb_store_event *ev)
{
	struct tb_decode_opts opts = { .allow_unknown = true };
	struct tb_errs errs = TB_ERRS_INIT;
	struct tb_path p = TB_PATH_INIT;
	size_t i = find_policy(t, ev->obj->ns, ev->obj->name);
	struct tb_dpolicy *d = NULL;
	json_t *j;

	if (i != SIZE_MAX) {
		queue_selected(t, t->policies[i]);
		policy_free(t->policies[i]);
		t->policies[i] = t->policies[--t->npolicies];
	}
	if (ev->type == TB_EV_DELETED)
		return;
	d = tb_calloc(1, sizeof(*d));
	j = json_loadb(ev->obj->json, ev->obj->len, 0, NULL);
	if (tb_schema_decode(&tb_policy_schema, j, &d->p, &p, &errs, &opts)) {
		tb_warn("detector: policy %s/%s does not decode: ignored", ev->obj->ns,
			ev->obj->name);
		json_decref(j);
		tb_errs_release(&errs);
		policy_free(d);
		return;
	}
	json_decref(j);
	d->ns = tb_strdup(ev->obj->ns);
	d->name = tb_strdup(ev->obj->name);
	t->policies = tb_realloc(t->policies, (t->npolicies + 1) * sizeof(*t->policies));
	t->policies[t->npolicies++] = d;
	queue_selected(t, d);
}

static int load_policy(void *data, const struct tb_store_obj *o)
{
	struct tb_store_event ev = { TB_EV_ADDED, o->rv, o, NULL };

	on_policy(data, &ev);
	return 0;
}

/* ---- choosing the policy ----------------------------------------------------------------- */

static int match_level(const struct tb_dpolicy *d, const json_t *tmpl)
{
	int best = MATCH_NONE, m;

	if (d->p.metadata.deletion_timestamp)
		return MATCH_NONE;
	for (size_t i = 0; i < d->p.spec.resource_selectors.n; i++) {
		const struct tb_resource_selector *rs = &d->p.spec.resource_selectors.v[i];

		if (!tb_detect_selects(rs, tmpl))
			continue;
		m = rs->name && *rs->name ? MATCH_NAME : rs->label_selector ? MATCH_LABELS : MATCH_ALL;
		if (m > best)
			best = m;
	}
	return best;
}

static const struct tb_dpolicy *choose(struct tb_tugd *t, const json_t *tmpl, const char *ns)
{
	const struct tb_dpolicy *best = NULL;
	int best_level = MATCH_NONE, level;

	/* Pass 0: PropagationPolicies of the namespace; pass 1: cluster-wide ones. */
	for (int pass = 0; pass < 2 && !best; pass++) {
		for (size_t i = 0; i < t->npolicies; i++) {
			const struct tb_dpolicy *d = t->policies[i];

			if (pass == 0 ? !ns[0] || strcmp(d->ns, ns) : d->ns[0] != '\0')
				continue;
			level = match_level(d, tmpl);
			if (level == MATCH_NONE)
				continue;
			if (!best || d->p.spec.priority.v > best->p.spec.priority.v ||
			    (d->p.spec.priority.v == best->p.spec.priority.v &&
			     (level > best_level ||
			      (level == best_level && strcmp(d->name, best->name) < 0)))) {
				best = d;
				best_level = level;
			}
		}
	}
	return best;
}

/* ---- the binding ------------------------------------------------------------------------ */

static json_t *desired_binding(const json_t *tmpl, const struct tb_dpolicy *d, bool cluster,
			       struct tb_err *err)
{
	const json_t *tmd = json_object_get(tmpl, "metadata");
	struct tb_binding b;
	json_t *j, *md, *labels, *ann;

	memset(&b, 0, sizeof(b));
	if (tb_detect_binding(tmpl, &d->p, cluster, &b, err)) {
		tb_schema_release(&tb_binding_schema, &b);
		return NULL;
	}
	j = tb_schema_encode(&tb_binding_schema, &b);
	tb_schema_release(&tb_binding_schema, &b);
	md = json_object_get(j, "metadata");
	labels = json_object();
	ann = json_object_get(md, "annotations");	/* the policy's failover.tugboat.io/ ones */
	ann = json_is_object(ann) ? json_incref(ann) : json_object();
	/* Karmada marks the policy on the binding: a permanent id label (our
	 * policies' uid) and the policy's name and namespace as annotations. */
	if (d->p.metadata.uid)
		json_object_set_new(labels, d->ns[0] ? TB_LABEL_PP_ID : TB_LABEL_CPP_ID,
				    json_string(d->p.metadata.uid));
	if (d->ns[0]) {
		json_object_set_new(ann, "propagationpolicy.karmada.io/namespace",
				    json_string(d->ns));
		json_object_set_new(ann, "propagationpolicy.karmada.io/name", json_string(d->name));
	} else {
		json_object_set_new(ann, "clusterpropagationpolicy.karmada.io/name",
				    json_string(d->name));
	}
	json_object_set_new(md, "labels", labels);
	json_object_set_new(md, "annotations", ann);
	json_object_set_new(md, "ownerReferences",
			    json_pack("[{s:O, s:O, s:O, s:s, s:b, s:b}]",
				      "apiVersion", json_object_get(tmpl, "apiVersion"),
				      "kind", json_object_get(tmpl, "kind"),
				      "name", json_object_get(tmd, "name"),
				      "uid", json_string_value(json_object_get(tmd, "uid")) ?
					     json_string_value(json_object_get(tmd, "uid")) : "",
				      "controller", 1, "blockOwnerDeletion", 1));
	return j;
}

/* The detector's part of an existing binding replaced by the desired one;
 * spec.clusters, eviction tasks, requiredBy and status stay. */
static void merge_into(json_t *cur, const json_t *want)
{
	json_t *cspec = json_object_get(cur, "spec"), *wspec = json_object_get(want, "spec");
	json_t *cmd = json_object_get(cur, "metadata"), *wmd = json_object_get(want, "metadata");
	const char *key;
	json_t *v, *dst;

	if (!json_is_object(cspec)) {
		cspec = json_object();
		json_object_set_new(cur, "spec", cspec);
	}
	for (size_t i = 0; rb_owned_spec[i]; i++) {
		v = json_object_get(wspec, rb_owned_spec[i]);
		if (v)
			json_object_set(cspec, rb_owned_spec[i], v);
		else
			json_object_del(cspec, rb_owned_spec[i]);
	}
	for (const char *const *f = (const char *const[]){ "labels", "annotations", NULL }; *f;
	     f++) {
		dst = json_object_get(cmd, *f);
		if (!json_is_object(dst)) {
			dst = json_object();
			json_object_set_new(cmd, *f, dst);
		}
		json_object_foreach(json_object_get(wmd, *f), key, v)
			json_object_set(dst, key, v);
	}
	json_object_set(cmd, "ownerReferences", json_object_get(wmd, "ownerReferences"));
}

static void detect_one(struct tb_tugd *t, const char *key)
{
	char res[128], ns[254], name[254];
	const struct tb_store_obj *o, *bo;
	const struct tb_kind *k = NULL, *bk;
	const struct tb_dpolicy *d;
	struct tb_strbuf bname = TB_STRBUF_INIT;
	struct tb_err err = TB_ERR_INIT;
	json_t *tmpl = NULL, *want = NULL, *cur = NULL;
	const char *bres, *kind;

	if (sscanf(key, "%127[^|]|%253[^|]|%253s", res, ns, name) != 3 &&
	    (ns[0] = '\0', sscanf(key, "%127[^|]||%253s", res, name) != 2))
		return;
	for (const struct tb_kind *kk = tb_kinds; kk->kind && !k; kk++) {
		char r[128];

		if (tb_kind_is_template(kk) && !strcmp(tb_kind_res(kk, r, sizeof(r)), res))
			k = kk;
	}
	if (!k)
		return;
	bres = k->namespaced ? RES_RB : RES_CRB;
	bk = tb_kind_find("work.karmada.io/v1alpha2",
			  k->namespaced ? "ResourceBinding" : "ClusterResourceBinding");
	tb_names_binding(k->kind, name, &bname);
	o = tb_store_get(t->store, res, ns, name);
	if (!o) {
		/* The template is gone: its binding goes too (owner reference). */
		tb__tugd_delete(t, bres, ns, bname.buf);
		goto out;
	}
	tmpl = json_loadb(o->json, o->len, 0, NULL);
	kind = json_string_value(json_object_get(tmpl, "kind"));
	if (!kind || json_object_get(json_object_get(tmpl, "metadata"), "deletionTimestamp"))
		goto out;
	d = choose(t, tmpl, ns);
	if (!d)
		goto out;
	want = desired_binding(tmpl, d, !k->namespaced, &err);
	if (!want) {
		tb_warn("detector: %s %s/%s: %s", res, ns, name, err.msg);
		goto out;
	}
	bo = tb_store_get(t->store, bres, ns, bname.buf);
	if (bo) {
		cur = json_loadb(bo->json, bo->len, 0, NULL);
		json_object_del(json_object_get(cur, "metadata"), "resourceVersion");
		merge_into(cur, want);
		tb__tugd_put(t, bk, bres, cur, false, NULL);
	} else {
		tb__tugd_put(t, bk, bres, want, false, NULL);
	}
out:
	json_decref(tmpl);
	json_decref(want);
	json_decref(cur);
	tb_strbuf_release(&bname);
}

/* ---- the controller's interface ---------------------------------------------------------------- */

static bool is_template_res(const char *res)
{
	char r[128];

	for (const struct tb_kind *k = tb_kinds; k->kind; k++)
		if (tb_kind_is_template(k) && !strcmp(tb_kind_res(k, r, sizeof(r)), res))
			return true;
	return false;
}

void tb__detector_on_event(struct tb_tugd *t, const struct tb_store_event *ev)
{
	const char *res = ev->obj->res;

	if (!strcmp(res, RES_PP) || !strcmp(res, RES_CPP))
		on_policy(t, ev);
	else if (is_template_res(res) && strcmp(res, RES_NAMESPACES))
		queue_template(t, res, ev->obj->ns, ev->obj->name);
}

void tb__detector_init(struct tb_tugd *t)
{
	char r[128];

	tb_store_list(t->store, RES_PP, NULL, NULL, NULL, load_policy, t);
	tb_store_list(t->store, RES_CPP, NULL, NULL, NULL, load_policy, t);
	/* Level-triggered: every template is looked at once at start. */
	for (const struct tb_kind *k = tb_kinds; k->kind; k++)
		if (tb_kind_is_template(k) && strcmp(k->kind, "Namespace"))
			tb_store_list(t->store, tb_kind_res(k, r, sizeof(r)), NULL, NULL,
				      NULL, queue_listed, t);
}

void tb__detector_release(struct tb_tugd *t)
{
	for (size_t i = 0; i < t->npolicies; i++)
		policy_free(t->policies[i]);
	tb_free(t->policies);
	tb_queue_release(&t->dirty_templates);
}

size_t tb__detector_run(struct tb_tugd *t, size_t max)
{
	char *key;

	for (size_t n = 0; n < max && (key = tb_queue_pop(&t->dirty_templates)); n++) {
		detect_one(t, key);
		tb_free(key);
	}
	return tb_queue_len(&t->dirty_templates);
}
