/* The world mirror: every Cluster and binding of the store, typed, for the
 * scheduler and the failover controllers, and the write-back of what they
 * change.
 *
 * Memory matters here (hundreds of thousands of bindings). A binding's typed
 * copy exists only while a controller works on it: the world parks (frees)
 * the others and this file's loader decodes them again from the stored text
 * on demand. The copy holds only what the controllers read: no labels,
 * annotations, owner references or managed fields, only the readiness
 * fields of each member's reported status, and one shared placement for all
 * the bindings that carry the same one (a policy's). The write-back
 * therefore patches the fields the controllers own into the stored object
 * instead of replacing it: spec.clusters, spec.gracefulEvictionTasks and
 * the scheduling status. */
#include "ctrl/tugd_int.h"

#include <stdio.h>
#include <string.h>

#include "core/detect.h"
#include "lib/log.h"
#include "lib/mem.h"

/* A placement shared by the bindings that carry the same one. */
struct shared_placement {
	struct tb_placement *p;
	size_t refs;
	char *key;		/* its canonical JSON, the key in t->placements */
};

static int decode_json(const struct tb_schema *s, const struct tb_store_obj *o, json_t *j,
		       void *out)
{
	struct tb_decode_opts opts = { .allow_unknown = true };
	struct tb_errs errs = TB_ERRS_INIT;
	struct tb_path p = TB_PATH_INIT;
	int rc;

	memset(out, 0, s->size);
	rc = tb_schema_decode(s, j, out, &p, &errs, &opts);
	if (rc) {
		tb_warn("controller: %s %s/%s does not decode (%s%s): ignored", o->res, o->ns,
			o->name, errs.n ? errs.v[0].field : "", errs.n ? " ..." : "");
		tb_schema_release(s, out);
	}
	tb_errs_release(&errs);
	return rc;
}

/* A cluster we probe: its apiEndpoint and credentials are what we probe
 * with. One without (or a Pull cluster) reports its own health. */
static bool external(const struct tb_cluster *c)
{
	return !c->spec.api_endpoint || !c->spec.secret_ref ||
	       (c->spec.sync_mode && !strcmp(c->spec.sync_mode, "Pull"));
}

void tb__mirror_on_cluster(struct tb_tugd *t, const struct tb_store_event *ev)
{
	struct tb_world *w = &t->world;
	struct tb_wcluster *wc = tb_world_cluster(w, ev->obj->name);
	struct tb_cluster c;
	json_t *j;
	size_t i;
	int rc;

	t->exec_ns_checked = false;
	if (ev->type == TB_EV_DELETED) {
		if (!wc)
			return;
		tb_world_remove_cluster(w, (size_t)(wc - w->clusters.v));
		/* What ran there must go elsewhere. */
		for (i = 0; i < w->bindings.n; i++)
			if (tb_wb_targets(&w->bindings.v[i], ev->obj->name))
				tb_world_need_schedule(w, &w->bindings.v[i], true);
		return;
	}
	if (t->writing && wc)
		return;		/* our own write-back: the world has it */
	j = json_loadb(ev->obj->json, ev->obj->len, 0, NULL);
	rc = decode_json(&tb_cluster_schema, ev->obj, j, &c);
	json_decref(j);
	if (rc)
		return;
	if (!wc) {
		i = tb_world_add_cluster(w, &c, t->now_ms());
		wc = &w->clusters.v[i];
	} else {
		i = (size_t)(wc - w->clusters.v);
		/* The status of a cluster we probe is ours: a user's write of the
		 * object does not roll back what the probes found. */
		if (!external(&c) && !wc->external) {
			struct tb_cluster_status st = wc->obj.status;

			wc->obj.status = c.status;
			c.status = st;
		}
		tb_schema_release(&tb_cluster_schema, &wc->obj);
		wc->obj = c;
		w->snapshot_stale = true;
	}
	wc->external = external(&wc->obj);
	if (wc->external)
		tb_ctrl_cluster_reported(w, i, t->now_ms());
	tb__failover_poke(t);
}

/* ---- the lean copy ---------------------------------------------------------------------- */

/* What the controllers never read. */
static void strip(json_t *j)
{
	static const char *const meta_drop[] = {
		"ownerReferences", "managedFields", "finalizers",
		"creationTimestamp", "resourceVersion", NULL
	};
	/* Of a member's status, the readiness the eviction assessment reads. */
	static const char *const status_keep[] = {
		"replicas", "readyReplicas", "availableReplicas", "updatedReplicas",
		"observedGeneration", "ready", "active", "succeeded", "failed", NULL
	};
	json_t *md = json_object_get(j, "metadata"), *agg, *item, *st, *v;
	json_t *ann = json_object_get(md, "annotations");
	const char *key;
	void *tmp;
	size_t i, k;

	/* Keep Tugboat's failover settings (the move-back window, the
	 * disruption budget) and the policy's id (a workload's companions). */
	json_object_foreach_safe(ann, tmp, key, v)
		if (strncmp(key, TB_ANN_FAILOVER_PREFIX, strlen(TB_ANN_FAILOVER_PREFIX)))
			json_object_del(ann, key);
	json_object_foreach_safe(json_object_get(md, "labels"), tmp, key, v)
		if (strcmp(key, TB_LABEL_PP_ID) && strcmp(key, TB_LABEL_CPP_ID))
			json_object_del(json_object_get(md, "labels"), key);
	for (i = 0; meta_drop[i]; i++)
		json_object_del(md, meta_drop[i]);
	agg = json_object_get(json_object_get(j, "status"), "aggregatedStatus");
	json_array_foreach(agg, i, item) {
		st = json_object_get(item, "status");
		json_object_foreach_safe(st, tmp, key, v) {
			for (k = 0; status_keep[k] && strcmp(status_keep[k], key); k++)
				;
			if (!status_keep[k])
				json_object_del(st, key);
		}
	}
}

static struct shared_placement *placement_get(struct tb_tugd *t, const struct tb_store_obj *o,
					      const json_t *pj)
{
	struct shared_placement *sp;
	char *key = json_dumps(pj, JSON_COMPACT | JSON_SORT_KEYS);

	sp = tb_hmap_get(&t->placements, key);
	if (!sp) {
		sp = tb_calloc(1, sizeof(*sp));
		sp->p = tb_schema_new(&tb_placement_schema);
		if (decode_json(&tb_placement_schema, o, (json_t *)pj, sp->p)) {
			tb_free(sp->p);
			tb_free(sp);
			free(key);
			return NULL;
		}
		sp->key = tb_strdup(key);
		tb_hmap_put(&t->placements, key, sp);
	}
	sp->refs++;
	free(key);
	return sp;
}

static void placement_put(struct tb_tugd *t, struct tb_wbinding *wb)
{
	struct shared_placement *sp = wb->shared_placement;

	if (wb->obj)
		wb->obj->spec.placement = NULL;	/* not the binding's to free */
	wb->placement = NULL;
	wb->shared_placement = NULL;
	if (sp && !--sp->refs) {
		tb_hmap_del(&t->placements, sp->key);
		tb_schema_free(&tb_placement_schema, sp->p);
		tb_free(sp->key);
		tb_free(sp);
	}
}

/* The lean copy of a binding (allocated in *ret), without its placement. */
static int lean_decode(const struct tb_store_obj *o, json_t *j, struct tb_binding **ret)
{
	struct tb_binding *b = tb_malloc(sizeof(*b));

	strip(j);
	json_object_del(json_object_get(j, "spec"), "placement");
	if (decode_json(&tb_binding_schema, o, j, b)) {
		tb_free(b);
		return -TB_EINVAL;
	}
	*ret = b;
	return 0;
}

/* A new version of a binding: the lean copy, with the shared placement. */
static int decode_version(struct tb_tugd *t, const struct tb_store_obj *o, struct tb_binding **ret,
			  struct shared_placement **ret_sp)
{
	json_t *j = json_loadb(o->json, o->len, 0, NULL);
	json_t *pj = json_incref(json_object_get(json_object_get(j, "spec"), "placement"));
	int rc;

	*ret_sp = NULL;
	rc = lean_decode(o, j, ret);
	if (!rc && pj) {
		*ret_sp = placement_get(t, o, pj);
		if (!*ret_sp) {
			tb_schema_free(&tb_binding_schema, *ret);
			rc = -TB_EINVAL;
		} else {
			(*ret)->spec.placement = (*ret_sp)->p;
		}
	}
	json_decref(pj);
	json_decref(j);
	return rc;
}

/* The world's loader: a parked binding's copy, from the stored version
 * (which is the world's: only an unchanged binding is parked). */
static int load(void *ctx, const struct tb_wbinding *wb, struct tb_binding **ret)
{
	struct tb_tugd *t = ctx;
	const struct tb_store_obj *o;
	const char *res, *name;
	struct shared_placement *sp = wb->shared_placement;
	char ns[256];
	json_t *j;
	int rc;

	tb__tugd_binding_split(wb->key, &res, ns, sizeof(ns), &name);
	o = tb_store_get(t->store, res, ns, name);
	if (!o) {
		tb_warn("controller: binding %s is not in the store", wb->key);
		return -TB_ENOENT;
	}
	j = json_loadb(o->json, o->len, 0, NULL);
	rc = lean_decode(o, j, ret);
	json_decref(j);
	if (!rc)
		(*ret)->spec.placement = sp ? sp->p : NULL;
	return rc;
}

void tb__mirror_init(struct tb_tugd *t)
{
	t->world.load = load;
	t->world.load_ctx = t;
}

/* ---- binding events ------------------------------------------------------------------------ */

static void remove_binding(struct tb_tugd *t, struct tb_wbinding *wb)
{
	placement_put(t, wb);
	tb_world_remove_binding(&t->world, (size_t)(wb - t->world.bindings.v));
}

/* The fields the controllers own (what write_one writes), from *from into
 * *to, and to's into from (which is released next). */
static void keep_owned(struct tb_binding *to, struct tb_binding *from)
{
#define SWAP(f) do { __typeof__(to->f) tmp_ = to->f; to->f = from->f; from->f = tmp_; } while (0)
	SWAP(spec.clusters);
	SWAP(spec.graceful_eviction_tasks);
	SWAP(status.scheduler_observed_generation);
	SWAP(status.last_scheduled_time);
	SWAP(status.scheduler_observing_affinity_name);
#undef SWAP
	/* Of the conditions, the scheduler's; the others (FullyApplied) are
	 * whoever wrote them. */
	for (size_t k = 0; k < from->status.conditions.n; k++) {
		const struct tb_condition *c = &from->status.conditions.v[k];

		if (strcmp(c->type, "Scheduled"))
			continue;
		tb_condition_set(&to->status.conditions, c->type, c->status,
				 c->reason ? c->reason : "", c->message ? c->message : "",
				 c->last_transition_time);
		for (size_t j = 0; j < to->status.conditions.n; j++)
			if (!strcmp(to->status.conditions.v[j].type, c->type))
				to->status.conditions.v[j].last_transition_time =
					c->last_transition_time;
	}
}

void tb__mirror_on_binding(struct tb_tugd *t, const struct tb_store_event *ev)
{
	struct tb_world *w = &t->world;
	bool pending = false, again = false;
	struct tb_wbinding *wb;
	struct tb_binding *b;
	struct shared_placement *sp;
	char key[520];

	tb__tugd_binding_key(ev->obj->ns, ev->obj->name, key, sizeof(key));
	tb_queue_add(&t->dirty_bindings, key);
	wb = tb_world_binding(w, key);
	if (ev->type == TB_EV_DELETED) {
		if (wb)
			remove_binding(t, wb);
		return;
	}
	if (t->writing && wb) {
		wb->rv = ev->rv;	/* our own write-back */
		wb->held = true;	/* until its Works are synced */
		return;
	}
	if (decode_version(t, ev->obj, &b, &sp))
		return;
	if (!wb) {
		size_t i = tb_world_add_binding(w, b, ev->obj->ns[0] != '\0');

		wb = &w->bindings.v[i];	/* (the call may move the vector) */
	} else {
		/* Someone else wrote the binding (a status from a member) while
		 * the controllers' own change of it waits to be written: theirs
		 * stays, and both go out with the write-back. (A changed
		 * binding is never parked.) */
		pending = wb->changed;
		again = wb->need_schedule;
		if (pending && wb->obj)
			keep_owned(b, wb->obj);
		placement_put(t, wb);
		tb_world_set_obj(w, wb, b);
	}
	wb->shared_placement = sp;
	wb->rv = ev->rv;
	/* Kept until its Works are synced, but for the bindings loaded at
	 * start: all of them at once would be a typed copy of each. */
	wb->held = !t->loading;
	tb_world_changed(w, wb, pending);
	/* Karmada's rule: a binding is (re)scheduled when its generation moved
	 * past the one the scheduler last observed. */
	tb_world_need_schedule(w, wb, again || (b->spec.placement &&
					       b->status.scheduler_observed_generation !=
						       b->metadata.generation));
	/* A workload newly Unhealthy somewhere: application failover's clock
	 * starts at the next evict pass, now. */
	if (w->app_unhealthy) {
		w->app_unhealthy = false;
		tb__failover_evict_soon(t);
	}
	tb_world_park_one(w, wb);
}

/* ---- write-back ------------------------------------------------------------------------------- */

static void set_or_del(json_t *dst, const char *key, json_t *src)
{
	json_t *v = json_object_get(src, key);

	if (v)
		json_object_set(dst, key, v);
	else
		json_object_del(dst, key);
}

/* The controllers' fields of wb, patched into the stored object. */
static void write_one(struct tb_tugd *t, struct tb_wbinding *wb)
{
	const struct tb_kind *k = tb_kind_find("work.karmada.io/v1alpha2", wb->namespaced ?
					       "ResourceBinding" : "ClusterResourceBinding");
	const char *res = wb->namespaced ? RES_RB : RES_CRB;
	const struct tb_store_obj *o = tb_store_get(t->store, res,
						    wb->obj->metadata.namespace_ ?
						    wb->obj->metadata.namespace_ : "",
						    wb->obj->metadata.name);
	json_t *cur, *enc, *spec, *status;
	uint64_t rv = 0;

	if (!o)
		return;
	cur = json_loadb(o->json, o->len, 0, NULL);
	enc = tb_schema_encode(&tb_binding_schema, wb->obj);
	spec = json_object_get(cur, "spec");
	set_or_del(spec, "clusters", json_object_get(enc, "spec"));
	set_or_del(spec, "gracefulEvictionTasks", json_object_get(enc, "spec"));
	status = json_object_get(cur, "status");
	if (!json_is_object(status)) {
		status = json_object();
		json_object_set_new(cur, "status", status);
	}
	set_or_del(status, "schedulerObservedGeneration", json_object_get(enc, "status"));
	set_or_del(status, "lastScheduledTime", json_object_get(enc, "status"));
	set_or_del(status, "schedulerObservingAffinityName", json_object_get(enc, "status"));
	set_or_del(status, "conditions", json_object_get(enc, "status"));
	json_object_del(json_object_get(cur, "metadata"), "resourceVersion");
	t->writing = true;
	if (!tb__tugd_put(t, k, res, cur, false, &rv))
		wb->rv = rv;
	t->writing = false;
	json_decref(enc);
	json_decref(cur);
}

void tb__mirror_write_back(struct tb_tugd *t)
{
	struct tb_world *w = &t->world;
	size_t n, *idx, *later = NULL, nlater = 0, alater = 0;

	while (w->n_changed > nlater && (n = tb_world_take_flagged(w, true, &idx)) > 0) {
		for (size_t i = 0; i < n; i++) {
			struct tb_wbinding *wb = &w->bindings.v[idx[i]];

			if (!wb->changed)
				continue;
			/* Still to be placed by a later turn (the scheduler's
			 * budget): written once, placed, rather than now and
			 * again then. An eviction of thousands of bindings then
			 * costs one write each, spread over short turns, instead
			 * of one turn writing them all while probes wait. */
			if (wb->need_schedule) {
				TB_GROW(later, alater, nlater + 1);
				later[nlater++] = idx[i];
				continue;
			}
			tb_world_changed(w, wb, false);
			if (wb->obj)	/* a changed binding is never parked */
				write_one(t, wb);
		}
		tb_free(idx);
	}
	for (size_t i = 0; i < nlater; i++)
		tb_world_flag_again(w, true, later[i]);
	tb_free(later);
}

void tb__mirror_release(struct tb_tugd *t)
{
	for (size_t i = 0; i < t->world.bindings.n; i++)
		placement_put(t, &t->world.bindings.v[i]);
	tb_hmap_release(&t->placements);
	tb_world_release(&t->world);
}
