/* The controllers' world (world.h): ownership, lookups, events, snapshot. */
#include "ctrl/world.h"
#include "lib/hash.h"
#include "lib/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tb_world_init(struct tb_world *w, const struct tb_failover_config *cfg, int64_t now_ms)
{
	memset(w, 0, sizeof(*w));
	w->cfg = *cfg;
	tb_ratelimit_init(&w->evict_rate, cfg, now_ms);
	w->snapshot_stale = true;
}

static void binding_release(struct tb_wbinding *b)
{
	size_t k;

	if (b->obj)
		tb_schema_free(&tb_binding_schema, b->obj);
	tb_free(b->key);
	tb_free(b->targets);
	tb_free(b->unschedulable);
	if (!b->fail)
		return;
	for (k = 0; k < b->fail->pending.n; k++)
		tb_free(b->fail->pending.v[k].cluster);
	tb_free(b->fail->pending.v);
	for (k = 0; k < b->fail->evicted_from.n; k++)
		tb_free(b->fail->evicted_from.v[k].cluster);
	tb_free(b->fail->evicted_from.v);
	tb_free(b->fail->moving_back);
	for (k = 0; k < b->fail->unhealthy.n; k++)
		tb_free(b->fail->unhealthy.v[k].cluster);
	tb_free(b->fail->unhealthy.v);
	tb_free(b->fail);
}

void tb_world_release(struct tb_world *w)
{
	const char *key;
	size_t i;
	void *v;

	for (i = 0; i < w->clusters.n; i++)
		tb_schema_release(&tb_cluster_schema, &w->clusters.v[i].obj);
	tb_free(w->clusters.v);
	tb_hmap_release(&w->cindex);
	for (i = 0; i < w->bindings.n; i++)
		binding_release(&w->bindings.v[i]);
	tb_free(w->bindings.v);
	tb_free(w->need_idx.v);
	tb_free(w->changed_idx.v);
	tb_free(w->taint_policies.v);
	tb_free(w->loaded_idx.v);
	tb_free(w->bslots);
	for (i = 0; tb_hmap_next(&w->names, &i, &key, &v);)
		tb_free(v);
	tb_hmap_release(&w->names);
	tb_sched_snapshot_release(&w->snap);
	tb_free(w->snap_clusters);
	memset(w, 0, sizeof(*w));
}

size_t tb_world_add_cluster(struct tb_world *w, struct tb_cluster *c, int64_t now_ms)
{
	struct tb_wcluster *wc;

	TB_GROW(w->clusters.v, w->clusters_alloc, w->clusters.n + 1);
	wc = &w->clusters.v[w->clusters.n];
	memset(wc, 0, sizeof(*wc));
	wc->obj = *c;
	memset(c, 0, sizeof(*c));
	tb_health_init(&wc->health, now_ms);
	w->snapshot_stale = true;
	tb_hmap_put(&w->cindex, wc->obj.metadata.name, (void *)(uintptr_t)(w->clusters.n + 1));
	return w->clusters.n++;
}

static void push_idx(size_t **v, size_t *n, size_t *alloc, size_t i)
{
	tb_grow((void **)v, alloc, *n + 1, sizeof(**v));
	(*v)[(*n)++] = i;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* ---- the binding index ---------------------------------------------------------------------- */

/* FNV-1a, then a finalizer: keys that differ in their last digit must
 * still spread over the low bits that pick the slot. */
static size_t key_slot(const struct tb_world *w, const char *key)
{
	uint32_t h = tb_fnv32a(key);

	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h & w->bmask;
}

/* The slot holding key, or the empty one where it would go. */
static size_t bslot_find(const struct tb_world *w, const char *key)
{
	size_t i = key_slot(w, key);

	while (w->bslots[i] && strcmp(w->bindings.v[w->bslots[i] - 1].key, key))
		i = (i + 1) & w->bmask;
	return i;
}

static void bindex_grow(struct tb_world *w)
{
	size_t cap = w->bslots ? (w->bmask + 1) * 2 : 64;

	tb_free(w->bslots);
	w->bslots = tb_calloc(cap, sizeof(*w->bslots));
	w->bmask = cap - 1;
	for (size_t i = 0; i < w->bindings.n; i++)
		w->bslots[bslot_find(w, w->bindings.v[i].key)] = (uint32_t)(i + 1);
}

/* Binding i (its key set) enters the index. */
static void bindex_add(struct tb_world *w, size_t i)
{
	if (!w->bslots || 2 * (w->bindings.n + 1) > w->bmask + 1)
		bindex_grow(w);	/* includes bindings.n entries; i is the next */
	w->bslots[bslot_find(w, w->bindings.v[i].key)] = (uint32_t)(i + 1);
}

/* Removes key, shifting back what probed past it. */
static void bindex_del(struct tb_world *w, const char *key)
{
	size_t j = bslot_find(w, key), i = j, k;

	if (!w->bslots[j])
		return;
	w->bslots[j] = 0;
	for (;;) {
		i = (i + 1) & w->bmask;
		if (!w->bslots[i])
			return;
		k = key_slot(w, w->bindings.v[w->bslots[i] - 1].key);
		/* The entry at i may move to j unless its home k lies in (j, i]. */
		if (j <= i ? (k <= j || k > i) : (k <= j && k > i)) {
			w->bslots[j] = w->bslots[i];
			w->bslots[i] = 0;
			j = i;
		}
	}
}

struct tb_wbinding *tb_world_binding(struct tb_world *w, const char *key)
{
	size_t i;

	if (!w->bslots)
		return NULL;
	i = bslot_find(w, key);
	return w->bslots[i] ? &w->bindings.v[w->bslots[i] - 1] : NULL;
}

const char *tb_world_intern(struct tb_world *w, const char *s)
{
	char *v = tb_hmap_get(&w->names, s);

	if (!v) {
		v = tb_strdup(s);
		tb_hmap_put(&w->names, s, v);
	}
	return v;
}

static const char *health_on(const struct tb_binding *b, const char *cluster)
{
	const struct tb_aggregated_item *it = tb_binding_status_of(b, cluster);

	return it && it->health ? it->health : "";
}

/* Application failover's bookkeeping, from each version of the binding seen:
 * the target clusters that report the workload Unhealthy (Karmada's
 * application failover controller; Healthy or Unknown ends the count). The
 * evict pass stamps and acts on them (ctrl/eviction.c). */
static void app_health(struct tb_world *w, struct tb_wbinding *b)
{
	const struct tb_binding *o = b->obj;
	const struct tb_app_failover *af = o->spec.failover ? o->spec.failover->application : NULL;
	struct tb_wfail *f = b->fail;
	size_t i, k, kept = 0;

	if (!af && (!f || !f->unhealthy.n))
		return;
	/* Those no longer unhealthy, or no longer targeted, drop out. */
	for (i = 0; f && i < f->unhealthy.n; i++) {
		const char *cn = f->unhealthy.v[i].cluster;
		bool still = false;

		for (k = 0; af && k < o->spec.clusters.n; k++)
			if (!strcmp(o->spec.clusters.v[k].name, cn))
				still = !strcmp(health_on(o, cn), "Unhealthy");
		if (still)
			f->unhealthy.v[kept++] = f->unhealthy.v[i];
		else
			tb_free(f->unhealthy.v[i].cluster);
	}
	if (f)
		f->unhealthy.n = kept;
	for (k = 0; af && k < o->spec.clusters.n; k++) {
		const char *cn = o->spec.clusters.v[k].name;

		if (strcmp(health_on(o, cn), "Unhealthy"))
			continue;
		f = tb_world_fail(b);
		for (i = 0; i < f->unhealthy.n && strcmp(f->unhealthy.v[i].cluster, cn); i++)
			;
		if (i < f->unhealthy.n)
			continue;
		f->unhealthy.v = tb_realloc(f->unhealthy.v,
					    (f->unhealthy.n + 1) * sizeof(*f->unhealthy.v));
		f->unhealthy.v[f->unhealthy.n].cluster = tb_strdup(cn);
		f->unhealthy.v[f->unhealthy.n++].since_ms = 0;
		w->app_unhealthy = true;
	}
	if (f && af)
		f->app_toleration_ms = af->decision_conditions.toleration_seconds.set ?
				       af->decision_conditions.toleration_seconds.v * 1000 : 300000;
	tb_world_fail_done(b);
}

/* What the scans read, from the typed copy. */
static void summarize(struct tb_world *w, struct tb_wbinding *b)
{
	const struct tb_failover *f = b->obj->spec.failover;

	b->placement = b->obj->spec.placement;
	b->purge_mode = f && f->cluster && f->cluster->purge_mode ?
				tb_world_intern(w, f->cluster->purge_mode) : NULL;
	b->move_back_after_ms = tb_move_back_after(b->obj);
	app_health(w, b);
}

static void binding_key(struct tb_wbinding *b)
{
	const struct tb_meta *m = &b->obj->metadata;
	size_t n = (m->namespace_ ? strlen(m->namespace_) + 1 : 0) + strlen(m->name) + 1;

	b->key = tb_malloc(n);
	if (m->namespace_)
		snprintf(b->key, n, "%s/%s", m->namespace_, m->name);
	else
		snprintf(b->key, n, "%s", m->name);
}

static void loaded(struct tb_world *w, size_t i)
{
	if (w->load)
		push_idx(&w->loaded_idx.v, &w->loaded_idx.n, &w->loaded_alloc, i);
}

struct tb_wfail *tb_world_fail(struct tb_wbinding *b)
{
	if (!b->fail)
		b->fail = tb_calloc(1, sizeof(*b->fail));
	return b->fail;
}

void tb_world_fail_done(struct tb_wbinding *b)
{
	struct tb_wfail *f = b->fail;

	if (!f || f->pending.n || f->evicted_from.n || f->moving_back || f->unhealthy.n)
		return;
	tb_free(f->pending.v);
	tb_free(f->evicted_from.v);
	tb_free(f->unhealthy.v);
	tb_free(f);
	b->fail = NULL;
}

size_t tb_world_add_binding(struct tb_world *w, struct tb_binding *b, bool namespaced)
{
	struct tb_wbinding *wb;

	/* Geometric growth: hundreds of thousands of bindings arrive one by one. */
	TB_GROW(w->bindings.v, w->bindings_alloc, w->bindings.n + 1);
	wb = &w->bindings.v[w->bindings.n];
	memset(wb, 0, sizeof(*wb));
	wb->obj = b;
	binding_key(wb);
	bindex_add(w, w->bindings.n);
	summarize(w, wb);
	wb->namespaced = namespaced;
	tb_world_need_schedule(w, wb, true);
	loaded(w, w->bindings.n);
	return w->bindings.n++;
}

void tb_world_set_obj(struct tb_world *w, struct tb_wbinding *b, struct tb_binding *obj)
{
	if (b->obj)
		tb_schema_free(&tb_binding_schema, b->obj);
	else
		loaded(w, (size_t)(b - w->bindings.v));
	b->obj = obj;
	tb_free(b->targets);
	b->targets = NULL;
	b->ntargets = 0;
	summarize(w, b);
}

struct tb_binding *tb_world_obj(struct tb_world *w, struct tb_wbinding *b)
{
	struct tb_binding *obj;

	if (b->obj || !w->load)
		return b->obj;
	if (w->load(w->load_ctx, b, &obj))
		return NULL;
	tb_world_set_obj(w, b, obj);
	return obj;
}

/* A binding a controller is working on keeps its typed copy. (One with a
 * pending eviction is loaded only once the eviction is due, and then it is
 * looked at again on every pass until it is carried out.) */
static bool busy(const struct tb_wbinding *b)
{
	return b->need_schedule || b->changed || b->held || b->obj->spec.graceful_eviction_tasks.n ||
	       (b->fail && (b->fail->pending.n || b->fail->evicted_from.n ||
			    b->fail->moving_back));
}

static void park(struct tb_world *w, struct tb_wbinding *b)
{
	const struct tb_binding_spec *spec = &b->obj->spec;

	tb_world_fail_done(b);
	b->ntargets = (uint32_t)spec->clusters.n;
	b->targets = b->ntargets ? tb_malloc(b->ntargets * sizeof(*b->targets)) : NULL;
	for (size_t k = 0; k < b->ntargets; k++) {
		b->targets[k].cluster = tb_world_intern(w, spec->clusters.v[k].name);
		b->targets[k].replicas = spec->clusters.v[k].replicas;
	}
	b->obj->spec.placement = NULL;	/* not obj's: b->placement keeps it */
	tb_schema_free(&tb_binding_schema, b->obj);
	b->obj = NULL;
}

void tb_world_park_one(struct tb_world *w, struct tb_wbinding *b)
{
	if (w->load && b->obj && !busy(b))
		park(w, b);
}

void tb_world_park(struct tb_world *w)
{
	size_t *v = w->loaded_idx.v, n = w->loaded_idx.n, k = 0;

	if (!w->load || !n)
		return;
	qsort(v, n, sizeof(*v), cmp_size);
	for (size_t i = 0; i < n; i++) {
		struct tb_wbinding *b;

		if (v[i] >= w->bindings.n || (k && v[k - 1] == v[i]))
			continue;
		b = &w->bindings.v[v[i]];
		if (!b->obj)
			continue;
		if (busy(b))
			v[k++] = v[i];	/* parked by a later call */
		else
			park(w, b);
	}
	w->loaded_idx.n = k;
}

size_t tb_wb_ntargets(const struct tb_wbinding *b)
{
	return b->obj ? b->obj->spec.clusters.n : b->ntargets;
}

const char *tb_wb_target(const struct tb_wbinding *b, size_t i, int64_t *replicas)
{
	if (b->obj) {
		if (replicas)
			*replicas = b->obj->spec.clusters.v[i].replicas;
		return b->obj->spec.clusters.v[i].name;
	}
	if (replicas)
		*replicas = b->targets[i].replicas;
	return b->targets[i].cluster;
}

bool tb_wb_targets(const struct tb_wbinding *b, const char *cluster)
{
	for (size_t i = 0, n = tb_wb_ntargets(b); i < n; i++)
		if (!strcmp(tb_wb_target(b, i, NULL), cluster))
			return true;
	return false;
}

struct tb_wcluster *tb_world_cluster(struct tb_world *w, const char *name)
{
	size_t i = (size_t)(uintptr_t)tb_hmap_get(&w->cindex, name);

	return i ? &w->clusters.v[i - 1] : NULL;
}

void tb_world_remove_cluster(struct tb_world *w, size_t i)
{
	tb_hmap_del(&w->cindex, w->clusters.v[i].obj.metadata.name);
	tb_schema_release(&tb_cluster_schema, &w->clusters.v[i].obj);
	w->clusters.v[i] = w->clusters.v[--w->clusters.n];
	if (i < w->clusters.n)	/* the last one moved into the hole */
		tb_hmap_put(&w->cindex, w->clusters.v[i].obj.metadata.name,
			    (void *)(uintptr_t)(i + 1));
	w->snapshot_stale = true;
}

void tb_world_need_schedule(struct tb_world *w, struct tb_wbinding *b, bool on)
{
	if (b->need_schedule != on) {
		w->n_need_schedule += on ? 1 : (size_t)-1;
		if (on)
			push_idx(&w->need_idx.v, &w->need_idx.n, &w->need_alloc,
				 (size_t)(b - w->bindings.v));
	}
	b->need_schedule = on;
}

void tb_world_changed(struct tb_world *w, struct tb_wbinding *b, bool on)
{
	if (b->changed != on) {
		w->n_changed += on ? 1 : (size_t)-1;
		if (on)
			push_idx(&w->changed_idx.v, &w->changed_idx.n, &w->changed_alloc,
				 (size_t)(b - w->bindings.v));
	}
	b->changed = on;
}

void tb_world_flag_again(struct tb_world *w, bool changed, size_t i)
{
	if (changed)
		push_idx(&w->changed_idx.v, &w->changed_idx.n, &w->changed_alloc, i);
	else
		push_idx(&w->need_idx.v, &w->need_idx.n, &w->need_alloc, i);
}

size_t tb_world_take_flagged(struct tb_world *w, bool changed, size_t **ret)
{
	size_t *v = changed ? w->changed_idx.v : w->need_idx.v;
	size_t n = changed ? w->changed_idx.n : w->need_idx.n, i, k = 0;

	if (changed) {
		w->changed_idx.v = NULL;
		w->changed_idx.n = w->changed_alloc = 0;
	} else {
		w->need_idx.v = NULL;
		w->need_idx.n = w->need_alloc = 0;
	}
	qsort(v, n, sizeof(*v), cmp_size);
	for (i = 0; i < n; i++) {
		const struct tb_wbinding *b = &w->bindings.v[v[i]];

		if (v[i] < w->bindings.n && (k == 0 || v[k - 1] != v[i]) &&
		    (changed ? b->changed : b->need_schedule))
			v[k++] = v[i];
	}
	*ret = v;
	return k;
}

void tb_world_remove_binding(struct tb_world *w, size_t i)
{
	struct tb_wbinding *moved;

	tb_world_need_schedule(w, &w->bindings.v[i], false);
	tb_world_changed(w, &w->bindings.v[i], false);
	bindex_del(w, w->bindings.v[i].key);
	binding_release(&w->bindings.v[i]);
	w->bindings.v[i] = w->bindings.v[--w->bindings.n];
	/* The last binding now lives at i: its flags must be found there. */
	moved = &w->bindings.v[i];
	if (i < w->bindings.n)	/* (its old slot still names its old copy, same key) */
		w->bslots[bslot_find(w, moved->key)] = (uint32_t)(i + 1);
	if (i < w->bindings.n && moved->obj)
		loaded(w, i);
	if (i < w->bindings.n && moved->need_schedule)
		push_idx(&w->need_idx.v, &w->need_idx.n, &w->need_alloc, i);
	if (i < w->bindings.n && moved->changed)
		push_idx(&w->changed_idx.v, &w->changed_idx.n, &w->changed_alloc, i);
}

void tb_world_emit(struct tb_world *w, int64_t now_ms, const char *kind, const char *object,
		   const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!w->event)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	w->event(w->event_ctx, now_ms, kind, object, msg);
}

const char *tb_world_binding_name(const struct tb_wbinding *b, char *buf, size_t n)
{
	snprintf(buf, n, "%s", b->key);
	return buf;
}

const struct tb_sched_snapshot *tb_world_snapshot(struct tb_world *w)
{
	size_t i, n;

	if (!w->snapshot_stale)
		return &w->snap;
	tb_sched_snapshot_release(&w->snap);
	w->snap_clusters = tb_realloc(w->snap_clusters,
				      (w->clusters.n ? w->clusters.n : 1) * sizeof(*w->snap_clusters));
	/* A cluster being deleted (unjoined) takes nothing new and keeps
	 * nothing: to the scheduler it is gone already. */
	n = 0;
	for (i = 0; i < w->clusters.n; i++)
		if (!w->clusters.v[i].obj.metadata.deletion_timestamp)
			w->snap_clusters[n++] = &w->clusters.v[i].obj;
	tb_sched_snapshot_init(&w->snap, w->snap_clusters, n);
	w->snapshot_stale = false;
	return &w->snap;
}
