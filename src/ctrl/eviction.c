/* The eviction controller: Karmada's taint manager, application failover
 * and graceful eviction controllers as one owner of a binding's eviction
 * state, so they never race on the same fields. For each (binding, tainted
 * cluster) an eviction is pending (toleration running), held (mass outage,
 * no room elsewhere, rate limit), replacing (a graceful eviction task keeps
 * the old replicas), and done once the replacements are healthy or the grace
 * period ends, and, with a disruption budget (a drain, or the policy's
 * min-available), enough replicas are ready elsewhere. A workload that stays
 * Unhealthy on a cluster past its policy's toleration is evicted the same
 * way (application failover). */
#include "core/evict.h"
#include "core/taint.h"
#include "core/taintmgr.h"
#include "ctrl/world.h"
#include "lib/hmap.h"
#include "lib/mem.h"

#include <stdio.h>
#include <string.h>

static struct tb_wpending *pending(struct tb_wbinding *b, const char *cluster)
{
	struct tb_wfail *f = tb_world_fail(b);
	size_t i;

	for (i = 0; i < f->pending.n; i++)
		if (!strcmp(f->pending.v[i].cluster, cluster))
			return &f->pending.v[i];
	f->pending.v = tb_realloc(f->pending.v, (f->pending.n + 1) * sizeof(*f->pending.v));
	memset(&f->pending.v[f->pending.n], 0, sizeof(*f->pending.v));
	f->pending.v[f->pending.n].cluster = tb_strdup(cluster);
	return &f->pending.v[f->pending.n++];
}

static void drop_pending(struct tb_wbinding *b, const char *cluster)
{
	struct tb_wfail *f = b->fail;

	for (size_t i = 0; f && i < f->pending.n; i++) {
		if (!strcmp(f->pending.v[i].cluster, cluster)) {
			tb_free(f->pending.v[i].cluster);
			f->pending.v[i] = f->pending.v[--f->pending.n];
			tb_world_fail_done(b);
			return;
		}
	}
}

static const char *purge_mode(const struct tb_wbinding *b)
{
	return b->purge_mode ? b->purge_mode : "Graciously";
}

/* Is the cluster being drained (tugctl drain's NoExecute taint)? */
static bool draining(const struct tb_wcluster *c)
{
	for (size_t i = 0; i < c->obj.spec.taints.n; i++) {
		const struct tb_taint *t = &c->obj.spec.taints.v[i];

		if (t->key && !strcmp(t->key, TB_TAINT_DRAINING) && t->effect &&
		    !strcmp(t->effect, "NoExecute"))
			return true;
	}
	return false;
}

/* Would the scheduler find a place for the replicas if cluster were evicted? */
static bool has_room(struct tb_world *w, const struct tb_binding *b, const char *cluster,
		     char **why)
{
	struct tb_evict_opts o = { .purge_mode = "Graciously", .producer = TB_PRODUCER_TAINT_MANAGER,
				   .reason = TB_REASON_TAINT_UNTOLERATED };
	struct tb_sched_result r;
	struct tb_binding copy;
	bool ok;

	tb_schema_copy(&tb_binding_schema, &copy, b);
	tb_evict_cluster(&copy.spec, cluster, &o);
	ok = tb_sched_schedule(tb_world_snapshot(w), &copy.spec, &copy.status, 0, &r) == 0;
	if (!ok && why)
		*why = tb_strdup(r.error ? r.error : "no cluster can take the replicas");
	tb_sched_result_release(&r);
	tb_schema_release(&tb_binding_schema, &copy);
	return ok;
}

/* An eviction from cluster waits, for reason: said once per reason (*held
 * keeps the last one said). */
static void hold(struct tb_world *w, struct tb_wbinding *b, const char *cluster,
		 const char **held, const char *reason, const char *detail, int64_t now)
{
	char name[300];

	if (*held != reason)
		tb_world_emit(w, now, TB_EV_HOLD, tb_world_binding_name(b, name, sizeof(name)),
			      "eviction from %s held: %s%s%s", cluster, reason,
			      detail ? ": " : "", detail ? detail : "");
	*held = reason;
}

/* Carries out a decided eviction: the cluster leaves spec.clusters (its
 * task keeps the replicas as o says) and the binding is placed again. */
static void evict(struct tb_world *w, struct tb_wbinding *b, struct tb_binding *obj,
		  const char *cluster, const struct tb_evict_opts *o)
{
	tb_evict_cluster(&obj->spec, cluster, o);	/* cluster may be freed */
	obj->metadata.generation++;
	tb_world_need_schedule(w, b, true);
	tb_world_changed(w, b, true);
}

static const char HELD_OUTAGE[] = "mass-outage protection is engaged";
static const char HELD_QUORUM[] = "waiting for fresh answers from the other clusters";
static const char HELD_ROOM[] = "the other clusters cannot take the replicas";
static const char HELD_RATE[] = "eviction rate limit";

static int64_t min_delay(int64_t a, int64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

/* Has the control plane heard from enough of the other clusters since it
 * judged this one dead? If it has not, the silence may be its own (a
 * partition starting) and evicting now could strip a healthy fleet before
 * mass-outage protection engages. Answers after the Ready=False transition
 * suffice: the detector had already found the member silent for long enough
 * while the network demonstrably worked. So the toleration and the
 * NoExecute delay count towards the evidence, and only an eviction due at
 * the moment of detection waits (tugd then probes the others at once). A
 * cluster tainted while Ready (an operator's taint) needs answers after the
 * eviction became due. */
static bool quorum(const struct tb_world *w, const struct tb_wcluster *victim, int64_t due)
{
	const char *cluster = victim->obj.metadata.name;
	int64_t since = due;
	size_t i, others = 0, fresh = 0;

	if (!victim->external && victim->health.ready != TB_READY_TRUE &&
	    victim->health.transition_ms && victim->health.transition_ms < since)
		since = victim->health.transition_ms;
	for (i = 0; i < w->clusters.n; i++) {
		if (!strcmp(w->clusters.v[i].obj.metadata.name, cluster))
			continue;
		others++;
		fresh += w->clusters.v[i].health.last_ok_ms > since;
	}
	return fresh >= tb_quorum_needed(others, &w->cfg);
}

/* The taint manager's part for one binding. Its typed copy is needed only
 * to act: most passes find nothing to do and leave a parked binding parked. */
static int64_t taint_evictions(struct tb_world *w, struct tb_wbinding *b, int64_t now)
{
	const struct tb_placement *pl = b->placement;
	struct tb_evict_opts o = { .producer = TB_PRODUCER_TAINT_MANAGER,
				   .reason = TB_REASON_TAINT_UNTOLERATED };
	int64_t next = 0, at = 0, replicas;
	struct tb_binding *obj;
	struct tb_wpending *p;
	struct tb_wcluster *c;
	char name[300], *why;
	size_t i = 0;
	bool drain;

	while (i < tb_wb_ntargets(b)) {
		const char *cn = tb_wb_target(b, i, &replicas);
		enum tb_evict_decision d;

		c = tb_world_cluster(w, cn);
		if (!c || !pl) {
			i++;
			continue;
		}
		d = tb_taintmgr_decide(c->obj.spec.taints.v, c->obj.spec.taints.n,
				       pl->cluster_tolerations.v, pl->cluster_tolerations.n, now, &at);
		if (d == TB_EVICT_NEVER) {
			drop_pending(b, cn);
			i++;
			continue;
		}
		p = pending(b, cn);
		if (d == TB_EVICT_AT) {
			p->at_ms = at;
			next = min_delay(next, at - now);
			i++;
			continue;
		}
		if (!p->at_ms)
			p->at_ms = now;
		/* A drain is planned: the replicas there go only once enough
		 * are ready elsewhere (tb_evict_budget), whatever the policy's
		 * purge mode for a failure. */
		drain = draining(c);
		o.purge_mode = drain ? "Graciously" : purge_mode(b);
		o.reason = drain ? TB_REASON_DRAIN : TB_REASON_TAINT_UNTOLERATED;
		why = NULL;
		if (w->outage) {
			hold(w, b, p->cluster, &p->held, HELD_OUTAGE, NULL, now);
			next = min_delay(next, w->cfg.eviction_retry_ms);
			i++;
			continue;
		}
		if (!quorum(w, c, p->at_ms)) {
			hold(w, b, p->cluster, &p->held, HELD_QUORUM, NULL, now);
			w->quorum_wait = true;	/* tugd probes the others at once */
			next = min_delay(next, w->cfg.probe_period_ms);
			i++;
			continue;
		}
		if (!(obj = tb_world_obj(w, b))) {
			i++;
			continue;
		}
		if (w->cfg.capacity_aware_eviction && !tb_purge_immediately(o.purge_mode) &&
		    !has_room(w, obj, cn, &why)) {
			hold(w, b, p->cluster, &p->held, HELD_ROOM, why, now);
			tb_free(why);
			next = min_delay(next, w->cfg.eviction_retry_ms);
			i++;
			continue;
		}
		if (!tb_ratelimit_take(&w->evict_rate, &w->cfg, now)) {
			hold(w, b, p->cluster, &p->held, HELD_RATE, NULL, now);
			next = min_delay(next, tb_ratelimit_wait_ms(&w->evict_rate, &w->cfg, now));
			i++;
			continue;
		}
		tb_world_emit(w, now, TB_EV_EVICT, tb_world_binding_name(b, name, sizeof(name)),
			      "evicted from %s (%s, %s, %lld replicas, %lld ms after the toleration "
			      "ended)", cn, o.reason, o.purge_mode,
			      (long long)replicas, (long long)(now - p->at_ms));
		drop_pending(b, cn);
		tb_world_evicted(b, cn, now);
		evict(w, b, obj, cn, &o);	/* removes clusters.v[i] */
	}
	return next;
}

/* Karmada's application failover for one binding: a target cluster where
 * the workload has reported Unhealthy for tolerationSeconds is evicted with
 * the policy's purgeMode and gracePeriodSeconds (Never: kept until the user
 * lifts suppressDeletion), and the binding is rescheduled elsewhere (the
 * scheduler skips clusters with an eviction task). Tugboat's safety rules
 * apply too: not during a mass outage (the reports are stale), and not when
 * no other cluster could take the replicas. */
static int64_t app_evictions(struct tb_world *w, struct tb_wbinding *b, int64_t now)
{
	struct tb_wfail *f = b->fail;	/* has unhealthy clusters */
	struct tb_evict_opts o = { .reason = TB_REASON_APPLICATION_FAILURE };
	const struct tb_app_failover *af;
	struct tb_binding *obj;
	int64_t next = 0, due;
	char name[300], *why;
	bool any = false;
	size_t i;

	for (i = 0; i < f->unhealthy.n; i++) {
		if (!f->unhealthy.v[i].since_ms)
			f->unhealthy.v[i].since_ms = now;
		due = f->unhealthy.v[i].since_ms + f->app_toleration_ms;
		any |= now >= due;
		if (now < due)
			next = min_delay(next, due - now);
	}
	/* Loading the binding brings its bookkeeping up to date (and may end
	 * it): look again once it is loaded. */
	if (!any || !(obj = tb_world_obj(w, b)) || !obj->spec.failover ||
	    !(af = obj->spec.failover->application))
		return next;
	i = 0;
	while ((f = b->fail) && i < f->unhealthy.n) {
		struct tb_wunhealthy *u = &f->unhealthy.v[i];
		const char *held = NULL;

		if (!u->since_ms)
			u->since_ms = now;
		due = u->since_ms + f->app_toleration_ms;
		if (now < due) {
			next = min_delay(next, due - now);
			i++;
			continue;
		}
		why = NULL;
		if (w->outage)
			held = HELD_OUTAGE;
		else if (w->cfg.capacity_aware_eviction && !has_room(w, obj, u->cluster, &why))
			held = HELD_ROOM;
		if (held) {
			hold(w, b, u->cluster, &u->held, held, why, now);
			tb_free(why);
			next = min_delay(next, w->cfg.eviction_retry_ms);
			i++;
			continue;
		}
		o.producer = b->namespaced ? TB_PRODUCER_APP_FAILOVER : TB_PRODUCER_CAPP_FAILOVER;
		o.purge_mode = af->purge_mode;
		o.grace_period_seconds = tb_purge_graciously(af->purge_mode) ?
					 af->grace_period_seconds : (struct tb_optint){ false, 0 };
		o.suppress_deletion = (struct tb_optbool){ false, false };
		if (af->purge_mode && !strcmp(af->purge_mode, "Never"))
			o.suppress_deletion = (struct tb_optbool){ true, true };
		tb_world_emit(w, now, TB_EV_EVICT, tb_world_binding_name(b, name, sizeof(name)),
			      "evicted from %s (%s, %s, unhealthy for %lld ms, %lld ms after the "
			      "toleration ended)", u->cluster, TB_REASON_APPLICATION_FAILURE,
			      af->purge_mode ? af->purge_mode : "Graciously",
			      (long long)(now - u->since_ms), (long long)(now - due));
		evict(w, b, obj, u->cluster, &o);
		tb_free(u->cluster);
		f->unhealthy.v[i] = f->unhealthy.v[--f->unhealthy.n];
	}
	return next;
}

/* A cluster's reports count only while it is Ready and its last probe was
 * answered: a status from a cluster that just went dark is stale. */
static bool trusted(void *ctx, const char *cluster)
{
	struct tb_wcluster *c = tb_world_cluster(ctx, cluster);

	return c && c->health.ready == TB_READY_TRUE && c->health.last == TB_PROBE_OK;
}

/* (policy, cluster) pairs a workload still holds through an eviction task. */
static void kept_by_workloads(struct tb_hmap *set, const struct tb_binding *b)
{
	char key[600];

	if (tb_evict_companion(b) || !*tb_evict_policy_id(b))
		return;
	for (size_t i = 0; i < b->spec.graceful_eviction_tasks.n; i++) {
		snprintf(key, sizeof(key), "%s\n%s", tb_evict_policy_id(b),
			 b->spec.graceful_eviction_tasks.v[i].from_cluster);
		tb_hmap_put(set, key, NULL);
	}
}

struct assess_ctx {
	struct tb_world *w;
	struct tb_hmap kept;
	TB_VEC(char *) removed;		/* tb_evict_assess's output, reused */
};

static bool needed(void *ctx, const struct tb_binding *b, const char *cluster)
{
	struct assess_ctx *a = ctx;
	char key[600];

	if (!tb_evict_companion(b))
		return false;
	snprintf(key, sizeof(key), "%s\n%s", tb_evict_policy_id(b), cluster);
	return tb_hmap_has(&a->kept, key);
}

static bool trusted_ctx(void *ctx, const char *cluster)
{
	return trusted(((struct assess_ctx *)ctx)->w, cluster);
}

static int64_t assess(struct tb_world *w, struct tb_wbinding *b, struct assess_ctx *a,
		      int64_t now_ms)
{
	struct tb_evict_env env = { w->cfg.graceful_eviction_timeout_ms, trusted_ctx, needed, a };
	char name[300];
	int64_t d = tb_evict_assess(b->obj, now_ms, &env, &a->removed);

	if (a->removed.n)
		tb_world_changed(w, b, true);
	for (size_t k = 0; k < a->removed.n; k++) {
		tb_world_emit(w, now_ms, TB_EV_PURGE, tb_world_binding_name(b, name, sizeof(name)),
			      "%s released: its replicas may be removed", a->removed.v[k]);
		tb_free(a->removed.v[k]);
	}
	a->removed.n = 0;
	return d;
}

/* Workloads first, then their companions, in one pass: a Service leaves a
 * cluster in the same pass as its workload's replicas. */
int64_t tb_ctrl_evict(struct tb_world *w, int64_t now_ms)
{
	struct assess_ctx a = { w, TB_HMAP_INIT, { NULL, 0 } };
	size_t i, *later = NULL, nlater = 0, alater = 0;
	int64_t next = 0;

	for (i = 0; i < w->bindings.n; i++) {
		struct tb_wbinding *b = &w->bindings.v[i];

		next = min_delay(next, taint_evictions(w, b, now_ms));
		if (b->fail && b->fail->unhealthy.n)
			next = min_delay(next, app_evictions(w, b, now_ms));
		if (!b->obj || !b->obj->spec.graceful_eviction_tasks.n)
			continue;	/* a parked binding has no task */
		if (tb_evict_companion(b->obj)) {
			TB_GROW(later, alater, nlater + 1);
			later[nlater++] = i;
			continue;
		}
		next = min_delay(next, assess(w, b, &a, now_ms));
		kept_by_workloads(&a.kept, b->obj);
	}
	for (i = 0; i < nlater; i++)
		next = min_delay(next, assess(w, &w->bindings.v[later[i]], &a, now_ms));
	tb_hmap_release(&a.kept);
	tb_free(later);
	tb_free(a.removed.v);
	return next;
}
