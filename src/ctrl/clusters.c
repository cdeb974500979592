/* The cluster status and cluster monitor controllers: probe results become
 * the Ready condition (health.c decides), conditions become taints
 * (taint.c decides), and the share of unhealthy clusters engages or releases
 * mass-outage protection. */
#include "core/toleration.h"
#include "ctrl/world.h"
#include "lib/mem.h"

#include <string.h>

static void write_condition(struct tb_wcluster *c)
{
	struct tb_cluster_status *st = &c->obj.status;

	tb_condition_set(&st->conditions, "Ready", tb_ready_name(c->health.ready),
			 c->health.reason ? c->health.reason : "",
			 c->health.message ? c->health.message : "", c->health.transition_ms);
	/* The monitor's transition time, not the write's. */
	for (size_t i = 0; i < st->conditions.n; i++)
		if (!strcmp(st->conditions.v[i].type, "Ready"))
			st->conditions.v[i].last_transition_time = c->health.transition_ms;
}

/* The taints as "key:Effect" strings, to diff before and after a change. */
static void taint_strings(const struct tb_cluster_spec *s, void *vec)
{
	struct tb_strbuf one = TB_STRBUF_INIT;
	size_t i;

	for (i = 0; i < s->taints.n; i++) {
		tb_strbuf_reset(&one);
		tb_taint_string(&s->taints.v[i], &one);
		tb_strvec_push(vec, one.buf);
	}
	tb_strbuf_release(&one);
}

static void free_strings(void *vec)
{
	struct tb_vec_raw *v = vec;
	size_t i;

	for (i = 0; i < v->n; i++)
		tb_free(((char **)v->v)[i]);
	tb_free(v->v);
	v->v = NULL;
	v->n = 0;
}

static void sync_taints(struct tb_world *w, struct tb_wcluster *c, int64_t now)
{
	TB_VEC(char *) before = { NULL, 0 }, after = { NULL, 0 };
	struct tb_strbuf msg = TB_STRBUF_INIT;
	size_t i;

	int64_t since = c->health.transition_ms;

	/* After mass-outage protection releases, clusters still unhealthy get a
	 * fresh eviction timeout, plus the time a recovering cluster needs to be
	 * seen healthy again: most were only cut off with the control plane. */
	if (w->outage_released_ms && since < w->outage_released_ms + w->cfg.success_threshold_ms)
		since = w->outage_released_ms + w->cfg.success_threshold_ms;
	taint_strings(&c->obj.spec, &before);
	if (tb_taint_sync(&c->obj.spec, c->health.ready, since, c->health.last_ok_ms, &w->cfg,
			  !w->outage, now) |
	    tb_taint_policies_apply(w->taint_policies.v, w->taint_policies.n, &c->obj, now)) {
		taint_strings(&c->obj.spec, &after);
		for (i = 0; i < after.n; i++)
			if (!tb_strvec_has(&before, after.v[i]))
				tb_strbuf_addf(&msg, "%s+%s", msg.len ? " " : "", after.v[i]);
		for (i = 0; i < before.n; i++)
			if (!tb_strvec_has(&after, before.v[i]))
				tb_strbuf_addf(&msg, "%s-%s", msg.len ? " " : "", before.v[i]);
		tb_world_emit(w, now, TB_EV_TAINT, c->obj.metadata.name, "%s", msg.buf);
		w->snapshot_stale = true;
		w->taints_changed = true;
		c->changed = true;
	}
	free_strings(&before);
	free_strings(&after);
	tb_strbuf_release(&msg);
}

static void ready_changed(struct tb_world *w, struct tb_wcluster *c, int64_t now)
{
	write_condition(c);
	w->snapshot_stale = true;
	c->changed = true;
	tb_world_emit(w, now, TB_EV_CLUSTER, c->obj.metadata.name, "Ready=%s (%s)",
		      tb_ready_name(c->health.ready), c->health.reason);
}

void tb_ctrl_probe_result(struct tb_world *w, size_t i, enum tb_probe r, int64_t rtt_ms,
			  int64_t now_ms)
{
	struct tb_wcluster *c = &w->clusters.v[i];

	tb_health_probe(&c->health, &w->cfg, r, rtt_ms, now_ms);
	if (tb_health_eval(&c->health, &w->cfg, now_ms)) {
		ready_changed(w, c, now_ms);
		/* The taint controller reacts to condition changes at once. */
		sync_taints(w, c, now_ms);
	}
}

void tb_ctrl_cluster_reported(struct tb_world *w, size_t i, int64_t now_ms)
{
	struct tb_wcluster *c = &w->clusters.v[i];
	const struct tb_condition *cond = NULL;
	enum tb_ready r;

	for (size_t k = 0; k < c->obj.status.conditions.n; k++)
		if (!strcmp(c->obj.status.conditions.v[k].type, "Ready"))
			cond = &c->obj.status.conditions.v[k];
	r = tb_ready_parse(cond ? cond->status : NULL);
	if (r != c->health.ready) {
		/* What was reported before tugd started is not news. */
		bool seen = c->health.ready != TB_READY_NONE;

		c->health.ready = r;
		c->health.transition_ms = cond && cond->last_transition_time ?
					  cond->last_transition_time : now_ms;
		if (r == TB_READY_TRUE)
			c->health.last_ok_ms = now_ms;
		w->snapshot_stale = true;
		if (seen)
			tb_world_emit(w, now_ms, TB_EV_CLUSTER, c->obj.metadata.name,
				      "Ready=%s (reported)", tb_ready_name(r));
	}
	sync_taints(w, c, now_ms);
}

int64_t tb_ctrl_monitor(struct tb_world *w, int64_t now_ms)
{
	size_t i, unhealthy = 0;
	bool outage;

	for (i = 0; i < w->clusters.n; i++) {
		struct tb_wcluster *c = &w->clusters.v[i];
		if (c->external && c->health.ready == TB_READY_TRUE)
			c->health.last_ok_ms = now_ms;
		else if (!c->external && tb_health_eval(&c->health, &w->cfg, now_ms))
			ready_changed(w, c, now_ms);
		if (c->health.ready == TB_READY_FALSE || c->health.ready == TB_READY_UNKNOWN)
			unhealthy++;
	}
	outage = tb_outage_active(unhealthy, w->clusters.n, &w->cfg);
	if (outage != w->outage) {
		w->outage = outage;
		if (!outage)
			w->outage_released_ms = now_ms;
		tb_world_emit(w, now_ms, TB_EV_OUTAGE, "control-plane", outage ?
			      "mass-outage protection engaged: %zu of %zu clusters unhealthy at "
			      "once; no NoExecute taints or evictions until fewer are" :
			      "mass-outage protection released: %zu of %zu clusters unhealthy",
			      unhealthy, w->clusters.n);
	}
	for (i = 0; i < w->clusters.n; i++)
		sync_taints(w, &w->clusters.v[i], now_ms);
	return w->cfg.monitor_period_ms;
}
