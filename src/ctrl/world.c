/* The controllers' world (world.h): ownership, lookups, events, snapshot. */
#include "ctrl/world.h"
#include "lib/mem.h"

#include <stdarg.h>
#include <stdio.h>
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

	tb_schema_release(&tb_binding_schema, &b->obj);
	tb_free(b->unschedulable);
	for (k = 0; k < b->pending.n; k++)
		tb_free(b->pending.v[k].cluster);
	tb_free(b->pending.v);
	for (k = 0; k < b->evicted_from.n; k++)
		tb_free(b->evicted_from.v[k].cluster);
	tb_free(b->evicted_from.v);
	tb_free(b->moving_back);
}

void tb_world_release(struct tb_world *w)
{
	size_t i;

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

size_t tb_world_add_binding(struct tb_world *w, struct tb_binding *b, bool namespaced,
			    const struct tb_policy *policy, const json_t *tmpl)
{
	struct tb_wbinding *wb;

	/* Geometric growth: hundreds of thousands of bindings arrive one by one. */
	TB_GROW(w->bindings.v, w->bindings_alloc, w->bindings.n + 1);
	wb = &w->bindings.v[w->bindings.n];
	memset(wb, 0, sizeof(*wb));
	wb->obj = *b;
	memset(b, 0, sizeof(*b));
	wb->namespaced = namespaced;
	wb->policy = policy;
	wb->tmpl = tmpl;
	tb_world_need_schedule(w, wb, true);
	wb->move_back_after_ms = tb_move_back_after(&wb->obj);
	return w->bindings.n++;
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

static void push_idx(size_t **v, size_t *n, size_t *alloc, size_t i)
{
	tb_grow((void **)v, alloc, *n + 1, sizeof(**v));
	(*v)[(*n)++] = i;
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

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
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
	binding_release(&w->bindings.v[i]);
	w->bindings.v[i] = w->bindings.v[--w->bindings.n];
	/* The last binding now lives at i: its flags must be found there. */
	moved = &w->bindings.v[i];
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
	if (b->obj.metadata.namespace_)
		snprintf(buf, n, "%s/%s", b->obj.metadata.namespace_, b->obj.metadata.name);
	else
		snprintf(buf, n, "%s", b->obj.metadata.name);
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
