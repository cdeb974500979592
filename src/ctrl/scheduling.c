/* The scheduler controller: runs the scheduler core for bindings that need
 * it and writes the result. Placement is sticky: when nothing fits, the
 * binding keeps what it has (Karmada would empty it) and the reason is
 * reported; only the eviction controller takes a cluster away. */
#include "ctrl/world.h"
#include "lib/mem.h"

#include <string.h>

static bool same_clusters(const struct tb_binding_spec *spec, const struct tb_sched_result *r)
{
	size_t i, k;

	if (spec->clusters.n != r->clusters.n)
		return false;
	for (i = 0; i < r->clusters.n; i++) {
		for (k = 0; k < spec->clusters.n; k++)
			if (!strcmp(spec->clusters.v[k].name, r->clusters.v[i].name) &&
			    spec->clusters.v[k].replicas == r->clusters.v[i].replicas)
				break;
		if (k == spec->clusters.n)
			return false;
	}
	return true;
}

static bool same_term(const struct tb_binding_status *st, const struct tb_sched_result *r)
{
	const char *a = st->scheduler_observing_affinity_name, *b = r->affinity_name;

	return a == b || (a && b && !strcmp(a, b));
}

static void take_result(struct tb_binding_spec *spec, struct tb_sched_result *r)
{
	size_t i;

	for (i = 0; i < spec->clusters.n; i++)
		tb_free(spec->clusters.v[i].name);
	tb_free(spec->clusters.v);
	spec->clusters.v = (void *)r->clusters.v;
	spec->clusters.n = r->clusters.n;
	r->clusters.v = NULL;
	r->clusters.n = 0;
}

static void schedule_one(struct tb_world *w, struct tb_wbinding *b,
			 const struct tb_sched_snapshot *snap, struct tb_strbuf *sb, int64_t now_ms)
{
	struct tb_sched_result r;
	struct tb_binding *obj;
	char name[300];
	size_t k;

	if (!b->need_schedule)
		return;
	tb_world_need_schedule(w, b, false);
	if (!b->placement || !(obj = tb_world_obj(w, b)))
		return;
	tb_world_binding_name(b, name, sizeof(name));
	if (tb_sched_schedule(snap, &obj->spec, &obj->status, 0, &r) < 0) {
		/* Karmada's Scheduled condition: NoClusterFit when nothing fits. */
		if (tb_condition_set(&obj->status.conditions, "Scheduled", "False",
				     "NoClusterFit", r.error, now_ms))
			tb_world_changed(w, b, true);
		if (!b->unschedulable || strcmp(b->unschedulable, r.error)) {
			tb_world_emit(w, now_ms, TB_EV_SCHEDULE, name, "unschedulable: %s", r.error);
			tb_free(b->unschedulable);
			b->unschedulable = tb_strdup(r.error);
		}
		tb_sched_result_release(&r);
		return;
	}
	tb_free(b->unschedulable);
	b->unschedulable = NULL;
	/* Nothing to record when the answer is what the binding already says
	 * for its current generation (a restart, a cluster update that moves
	 * nothing). */
	if (same_clusters(&obj->spec, &r) && same_term(&obj->status, &r) &&
	    obj->status.scheduler_observed_generation == obj->metadata.generation &&
	    !tb_condition_set(&obj->status.conditions, "Scheduled", "True", "Success",
			      "Binding has been scheduled successfully.", now_ms)) {
		tb_sched_result_release(&r);
		return;
	}
	if (!same_clusters(&obj->spec, &r)) {
		tb_strbuf_reset(sb);
		for (k = 0; k < r.clusters.n; k++)
			tb_strbuf_addf(sb, "%s%s=%lld", k ? " " : "", r.clusters.v[k].name,
				       (long long)r.clusters.v[k].replicas);
		take_result(&obj->spec, &r);
		obj->metadata.generation++;
		tb_world_emit(w, now_ms, TB_EV_SCHEDULE, name, "%s", sb->len ? sb->buf : "(none)");
	}
	/* The ordered clusterAffinities term in use: the next schedule starts
	 * from it (Karmada's getAffinityIndex), so a binding that fell back
	 * does not return to a term it left by itself. */
	if (!same_term(&obj->status, &r)) {
		tb_free(obj->status.scheduler_observing_affinity_name);
		obj->status.scheduler_observing_affinity_name = r.affinity_name;
		r.affinity_name = NULL;
	}
	obj->status.scheduler_observed_generation = obj->metadata.generation;
	obj->status.last_scheduled_time = now_ms;
	tb_condition_set(&obj->status.conditions, "Scheduled", "True", "Success",
			 "Binding has been scheduled successfully.", now_ms);
	tb_world_changed(w, b, true);
	tb_sched_result_release(&r);
}

int64_t tb_ctrl_schedule(struct tb_world *w, int64_t now_ms)
{
	const struct tb_sched_snapshot *snap;
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t i, j, n, *idx, done = 0;

	/* A change in the clusters may place what could not be placed, and
	 * Duplicated bindings follow the set of usable clusters. */
	if (w->snapshot_stale) {
		for (i = 0; i < w->bindings.n; i++) {
			struct tb_wbinding *b = &w->bindings.v[i];
			if (b->unschedulable ||
			    !strcmp(tb_placement_scheduling_type(b->placement), "Duplicated"))
				tb_world_need_schedule(w, b, true);
		}
	}
	if (!w->n_need_schedule)
		return 0;
	/* Only the flagged bindings, in index order: no scan of all of them. */
	snap = tb_world_snapshot(w);
	while (w->n_need_schedule && (n = tb_world_take_flagged(w, false, &idx)) > 0) {
		for (j = 0; j < n; j++) {
			/* Over budget: the rest waits for the next pass. */
			if (w->sched_budget && done == w->sched_budget) {
				tb_world_flag_again(w, false, idx[j]);
				continue;
			}
			schedule_one(w, &w->bindings.v[idx[j]], snap, &sb, now_ms);
			done++;
		}
		tb_free(idx);
		if (w->sched_budget && done == w->sched_budget)
			break;
	}
	tb_strbuf_release(&sb);
	return 0;
}
