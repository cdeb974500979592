/* tugd's failover turn: the cluster monitor every monitor period, the
 * eviction controller (taint manager and graceful eviction) when taints
 * changed, when its own timer is due, or every monitor period while a
 * cluster carries a NoExecute taint, then moving back. The reconcile turn
 * that follows schedules and writes the bindings back; the clusters'
 * conditions and taints the controllers changed are written back here.
 *
 * The turn runs on a timer at the earliest time any controller asked for,
 * and at once when a probe result or a cluster change arrives. */
#include "ctrl/tugd_int.h"

#include <event2/event.h>
#include <string.h>

#include "core/taint.h"
#include "lib/log.h"
#include "lib/mem.h"

static bool any_noexecute(const struct tb_world *w)
{
	for (size_t i = 0; i < w->clusters.n; i++) {
		const struct tb_cluster_spec *s = &w->clusters.v[i].obj.spec;

		for (size_t k = 0; k < s->taints.n; k++)
			if (s->taints.v[k].effect && !strcmp(s->taints.v[k].effect, "NoExecute"))
				return true;
	}
	return false;
}

static int64_t earliest(int64_t a, int64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

static void arm(struct tb_tugd *t, int64_t at_ms, int64_t now)
{
	struct timeval tv;
	int64_t d = at_ms > now ? at_ms - now : 0;

	tv.tv_sec = d / 1000;
	tv.tv_usec = (d % 1000) * 1000;
	evtimer_add(t->ftimer, &tv);
}

/* The controllers' fields of cluster c, patched into the stored object:
 * the taints always, the status when we probe the cluster (a reported
 * cluster's status belongs to whoever reports it). */
static void write_cluster(struct tb_tugd *t, struct tb_wcluster *c)
{
	const struct tb_kind *k = tb_kind_find("cluster.karmada.io/v1alpha1", "Cluster");
	const struct tb_store_obj *o = tb_store_get(t->store, RES_CLUSTERS, "",
						    c->obj.metadata.name);
	json_t *cur, *enc, *spec, *v;

	if (!o)
		return;
	cur = json_loadb(o->json, o->len, 0, NULL);
	enc = tb_schema_encode(&tb_cluster_schema, &c->obj);
	spec = json_object_get(cur, "spec");
	v = json_object_get(json_object_get(enc, "spec"), "taints");
	if (v && json_array_size(v))
		json_object_set(spec, "taints", v);
	else
		json_object_del(spec, "taints");
	if (!c->external && (v = json_object_get(enc, "status")))
		json_object_set(cur, "status", v);
	json_object_del(json_object_get(cur, "metadata"), "resourceVersion");
	t->writing = true;
	tb__tugd_put(t, k, RES_CLUSTERS, cur, false, NULL);
	t->writing = false;
	json_decref(enc);
	json_decref(cur);
}

void tb__failover_write_clusters(struct tb_tugd *t)
{
	for (size_t i = 0; i < t->world.clusters.n; i++) {
		struct tb_wcluster *c = &t->world.clusters.v[i];

		if (c->changed) {
			c->changed = false;
			write_cluster(t, c);
		}
	}
}

static void run(struct tb_tugd *t)
{
	struct tb_world *w = &t->world;
	int64_t now = t->now_ms(), d, next;

	if (now >= t->next_monitor) {
		tb_ctrl_monitor(w, now);
		t->next_monitor = now + w->cfg.monitor_period_ms;
		if (any_noexecute(w))
			w->taints_changed = true;
	}
	if (w->taints_changed || t->evict_now || (t->next_evict && now >= t->next_evict)) {
		w->taints_changed = false;
		t->evict_now = false;
		w->quorum_wait = false;
		d = tb_ctrl_evict(w, now);
		t->next_evict = d ? now + d : 0;
		/* Evictions wait for fresh answers from the other clusters (is
		 * the silence the member's, or ours?): ask for them now rather
		 * than at the next probe, and evict as soon as enough are in. */
		if (w->quorum_wait && (!t->burst_need ||
				       now - t->burst_at > w->cfg.probe_period_ms)) {
			t->burst_at = now;
			t->burst_ok = 0;
			t->burst_need = tb_quorum_needed(w->clusters.n ? w->clusters.n - 1 : 0, &w->cfg);
			tb__members_probe_now(t);
		}
	}
	d = tb_ctrl_move_back(w, now);
	t->next_move_back = d ? now + d : 0;
	tb__failover_write_clusters(t);
	next = earliest(earliest(t->next_monitor, t->next_evict), t->next_move_back);
	arm(t, next, now);
	tb__tugd_kick(t);
}

static void on_timer(evutil_socket_t fd, short what, void *data)
{
	(void)fd;
	(void)what;
	run(data);
}

void tb__failover_evict_soon(struct tb_tugd *t)
{
	t->evict_now = true;
	tb__failover_poke(t);
}

void tb__failover_poke(struct tb_tugd *t)
{
	struct timeval zero = { 0, 0 };

	evtimer_add(t->ftimer, &zero);
}

void tb__failover_init(struct tb_tugd *t)
{
	t->ftimer = evtimer_new(t->base, on_timer, t);
	event_priority_set(t->ftimer, TUGD_PRIO_RECONCILE);
	t->next_monitor = t->now_ms() + t->world.cfg.monitor_period_ms;
	tb__failover_poke(t);
}

void tb__failover_release(struct tb_tugd *t)
{
	if (t->ftimer)
		event_free(t->ftimer);
	t->ftimer = NULL;
}
