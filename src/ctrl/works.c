/* The Work producer (Karmada's binding controller): for every cluster a
 * binding targets, one Work in the cluster's execution namespace
 * karmada-es-<cluster>, named as Karmada names it, holding the resource
 * template as the member should get it: server metadata and status removed,
 * and for a Divided placement spec.replicas set to that cluster's share.
 * A Work goes when its cluster no longer holds the workload: not in
 * spec.clusters, not kept by a graceful eviction task, not required by a
 * dependent (tb_evict_keeps). */
#include "ctrl/tugd_int.h"

#include <stdio.h>
#include <string.h>

#include "api/names.h"
#include "api/template.h"
#include "core/evict.h"
#include "lib/log.h"
#include "lib/mem.h"

#define LABEL_MANAGED "karmada.io/managed"

/* The Works of one binding: one name, in the execution namespaces of these
 * clusters. */
struct tb_workset {
	char *name;
	TB_VEC(char *) clusters;
};

static void workset_free(struct tb_workset *ws)
{
	if (!ws)
		return;
	for (size_t i = 0; i < ws->clusters.n; i++)
		tb_free(ws->clusters.v[i]);
	tb_free(ws->clusters.v);
	tb_free(ws->name);
	tb_free(ws);
}

static void workset_drop(struct tb_tugd *t, const char *key, const char *cluster)
{
	struct tb_workset *ws = tb_hmap_get(&t->works, key);

	for (size_t i = 0; ws && i < ws->clusters.n; i++)
		if (!strcmp(ws->clusters.v[i], cluster)) {
			tb_free(ws->clusters.v[i]);
			ws->clusters.v[i] = ws->clusters.v[--ws->clusters.n];
			break;
		}
	if (ws && !ws->clusters.n)
		workset_free(tb_hmap_del(&t->works, key));
}

bool tb__work_binding(const json_t *work, const char **res, const char **ns, const char **name)
{
	const json_t *ann = json_object_get(json_object_get(work, "metadata"), "annotations");

	*name = json_string_value(json_object_get(ann, TB_ANN_RB_NAME));
	*ns = json_string_value(json_object_get(ann, TB_ANN_RB_NS));
	*res = RES_RB;
	if (!*name) {
		*name = json_string_value(json_object_get(ann, TB_ANN_CRB_NAME));
		*ns = "";
		*res = RES_CRB;
	}
	return *name && *ns;
}

/* The key of a Work's binding, from the Work or (deleted) its stored text. */
static bool work_binding_key(const struct tb_store_obj *o, const json_t *work, char *key,
			     size_t n)
{
	json_t *j = work ? NULL : json_loadb(o->json, o->len, 0, NULL);
	const char *res, *ns, *name;
	bool ok = tb__work_binding(work ? work : j, &res, &ns, &name);

	if (ok)
		tb__tugd_binding_key(ns, name, key, n);
	json_decref(j);
	return ok;
}

void tb__works_on_event(struct tb_tugd *t, const struct tb_store_event *ev, const json_t *work)
{
	const char *cluster = ev->obj->ns + strlen(TB_EXEC_NS_PREFIX);
	struct tb_workset *ws;
	char key[520];

	if (strncmp(ev->obj->ns, TB_EXEC_NS_PREFIX, strlen(TB_EXEC_NS_PREFIX)) ||
	    !work_binding_key(ev->obj, work, key, sizeof(key)))
		return;
	if (ev->type == TB_EV_DELETED) {
		workset_drop(t, key, cluster);
		/* A cluster it was removed from may hold the workload again. */
		tb_queue_add(&t->dirty_bindings, key);
		return;
	}
	if (json_object_get(json_object_get(work, "metadata"), "deletionTimestamp")) {
		workset_drop(t, key, cluster);
		return;
	}
	ws = tb_hmap_get(&t->works, key);
	if (!ws) {
		ws = tb_calloc(1, sizeof(*ws));
		ws->name = tb_strdup(ev->obj->name);
		tb_hmap_put(&t->works, key, ws);
	}
	if (!tb_strvec_has(&ws->clusters, cluster))
		tb_strvec_push(&ws->clusters, cluster);
}

/* The template as a member cluster should get it. */
static json_t *manifest_of(const json_t *tmpl)
{
	static const char *const drop[] = {
		"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
		"ownerReferences", "finalizers", "deletionTimestamp",
		"deletionGracePeriodSeconds", "selfLink", "generateName", NULL
	};
	json_t *m = json_deep_copy(tmpl), *md = json_object_get(m, "metadata"), *labels;

	json_object_del(m, "status");
	for (size_t i = 0; drop[i]; i++)
		json_object_del(md, drop[i]);
	json_object_del(json_object_get(md, "annotations"),
			"kubectl.kubernetes.io/last-applied-configuration");
	labels = json_object_get(md, "labels");
	if (!json_is_object(labels)) {
		labels = json_object();
		json_object_set_new(md, "labels", labels);
	}
	json_object_set_new(labels, LABEL_MANAGED, json_string("true"));
	return m;
}

static json_t *work_for(const struct tb_wbinding *wb, const json_t *manifest,
			const char *cluster, const char *wname, bool finalize)
{
	const struct tb_binding *b = wb->obj;
	char ns[300];
	json_t *w, *ann;

	snprintf(ns, sizeof(ns), TB_EXEC_NS_PREFIX "%s", cluster);
	ann = json_object();
	if (wb->namespaced) {
		json_object_set_new(ann, TB_ANN_RB_NAME, json_string(b->metadata.name));
		json_object_set_new(ann, TB_ANN_RB_NS, json_string(b->metadata.namespace_));
	} else {
		json_object_set_new(ann, TB_ANN_CRB_NAME, json_string(b->metadata.name));
	}
	w = json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s}, s:o}, s:{s:{s:[o]}}}",
		      "apiVersion", "work.karmada.io/v1alpha1", "kind", "Work",
		      "metadata", "name", wname, "namespace", ns,
		      "labels", LABEL_MANAGED, "true", "annotations", ann,
		      "spec", "workload", "manifests", manifest);	/* stolen */
	/* The finalizer of a cluster tugd executes on: the Work stays until
	 * its objects are off the member. (A cluster that reports its own
	 * health runs its own agent, which Works are not held for.) */
	if (finalize)
		json_object_set_new(json_object_get(w, "metadata"), "finalizers",
				    json_pack("[s]", TB_EXEC_FINALIZER));
	if (b->metadata.uid)
		json_object_set_new(json_object_get(json_object_get(w, "metadata"), "labels"),
				    wb->namespaced ? "resourcebinding.karmada.io/permanent-id"
						   : "clusterresourcebinding.karmada.io/permanent-id",
				    json_string(b->metadata.uid));
	return w;
}

/* Deletes the Work of binding key on cluster (its DELETED event updates the
 * index; when the store had none, the index entry is dropped here). */
static int remove_work(struct tb_tugd *t, const char *key, const char *cluster,
		       const char *why)
{
	struct tb_workset *ws = tb_hmap_get(&t->works, key);
	char ns[300], *name, *cl;
	int rc;

	if (!ws)
		return 0;
	name = tb_strdup(ws->name);
	cl = tb_strdup(cluster);
	snprintf(ns, sizeof(ns), TB_EXEC_NS_PREFIX "%s", cl);
	rc = tb__tugd_mark_deleted(t, RES_WORKS, ns, name);
	if (!rc) {
		tb_info("work %s/%s deleted: %s", ns, name, why);
		workset_drop(t, key, cl);	/* no-op when the event did it */
	}
	tb_free(name);
	tb_free(cl);
	return rc;
}

static void sync_one(struct tb_tugd *t, const char *key)
{
	const struct tb_kind *wk = tb_kind_find("work.karmada.io/v1alpha1", "Work");
	struct tb_wbinding *wb = tb_world_binding(&t->world, key);
	struct tb_strbuf wname = TB_STRBUF_INIT;
	const struct tb_binding *b;
	const struct tb_kind *tk;
	const struct tb_store_obj *to;
	struct tb_workset *ws;
	json_t *tmpl = NULL, *base = NULL;
	char res[128];
	bool divided;

	if (!wb) {
		/* The binding is gone: so are its Works. */
		while ((ws = tb_hmap_get(&t->works, key)) && ws->clusters.n)
			if (remove_work(t, key, ws->clusters.v[ws->clusters.n - 1],
					"its binding is gone"))
				break;
		return;
	}
	wb->held = false;	/* (parked at the end of the turn) */
	if (!(b = tb_world_obj(&t->world, wb)))
		return;
	tk = b->spec.resource.api_version && b->spec.resource.kind ?
		     tb_kind_find(b->spec.resource.api_version, b->spec.resource.kind) : NULL;
	if (!tk || tk->schema || !b->spec.resource.name)
		return;
	to = tb_store_get(t->store, tb_kind_res(tk, res, sizeof(res)),
			  b->spec.resource.namespace_ ? b->spec.resource.namespace_ : "",
			  b->spec.resource.name);
	if (!to)
		return;	/* the detector deletes the binding, and the Works follow */
	tmpl = json_loadb(to->json, to->len, 0, NULL);
	base = manifest_of(tmpl);
	tb_names_work(tk->kind, b->spec.resource.name, b->spec.resource.namespace_, &wname);
	divided = b->spec.placement &&
		  !strcmp(tb_placement_scheduling_type(b->spec.placement), "Divided") &&
		  tb_template_is_workload(tmpl) && json_object_get(json_object_get(tmpl, "spec"),
								     "replicas");
	for (size_t c = 0; c < b->spec.clusters.n; c++) {
		const struct tb_target_cluster *tc = &b->spec.clusters.v[c];
		const struct tb_wcluster *wc = tb_world_cluster(&t->world, tc->name);
		json_t *m, *w;

		if (!wc)
			continue;	/* no such cluster (yet): no execution namespace */
		m = json_deep_copy(base);
		if (divided)
			json_object_set_new(json_object_get(m, "spec"), "replicas",
					    json_integer(tc->replicas));
		w = work_for(wb, m, tc->name, wname.buf, !wc->external);
		tb__tugd_put(t, wk, RES_WORKS, w, true, NULL);
		json_decref(w);
	}
	/* Works of clusters that no longer hold the workload. */
	for (size_t c = 0; (ws = tb_hmap_get(&t->works, key)) && c < ws->clusters.n;) {
		if (tb_evict_keeps(&b->spec, ws->clusters.v[c]) ||
		    remove_work(t, key, ws->clusters.v[c], "the cluster no longer holds it"))
			c++;
	}
	json_decref(tmpl);
	json_decref(base);
	tb_strbuf_release(&wname);
}

void tb__works_init(struct tb_tugd *t)
{
	(void)t;	/* the index fills from the Works tugd_new loads */
}

void tb__works_release(struct tb_tugd *t)
{
	const char *key;
	void *v;

	for (size_t i = 0; tb_hmap_next(&t->works, &i, &key, &v);)
		workset_free(v);
	tb_hmap_release(&t->works);
}

size_t tb__works_run(struct tb_tugd *t, size_t max)
{
	char *key;

	for (size_t n = 0; n < max && (key = tb_queue_pop(&t->dirty_bindings)); n++) {
		sync_one(t, key);
		tb_free(key);
	}
	return tb_queue_len(&t->dirty_bindings);
}
