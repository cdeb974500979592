/* Moving back after recovery (off unless a policy asks for it with the
 * failover.tugboat.io/move-back-after annotation, like Karmada, which never
 * moves replicas back by itself).
 *
 * When a binding was evicted from a cluster, and that cluster has since been
 * Ready and untainted for the policy's window, the replicas a fresh schedule
 * would give it are started there first (a surge: the binding briefly asks
 * for more than its replicas), and only once they are ready — reported by a
 * cluster that answers — is the binding rescheduled afresh, which takes the
 * surplus away from the others. So the ready count never drops below what
 * is wanted because of a move back. If the cluster fails again during the
 * surge, the surge is dropped and the binding stays where it was. */
#include "api/duration.h"
#include "ctrl/world.h"
#include "lib/mem.h"

#include <stdio.h>
#include <string.h>

int64_t tb_move_back_after(const struct tb_binding *b)
{
	const char *v = tb_strmap_get(&b->metadata.annotations, TB_ANN_MOVE_BACK_AFTER);
	int64_t ns;

	if (!v || tb_duration_parse(v, &ns, NULL) || ns <= 0)
		return 0;
	return ns / 1000000;
}

void tb_world_evicted(struct tb_wbinding *b, const char *cluster, int64_t now_ms)
{
	struct tb_wfail *f;
	size_t i;

	if (!b->move_back_after_ms)
		return;
	f = tb_world_fail(b);
	for (i = 0; i < f->evicted_from.n; i++)
		if (!strcmp(f->evicted_from.v[i].cluster, cluster)) {
			f->evicted_from.v[i].at_ms = now_ms;
			return;
		}
	f->evicted_from.v = tb_realloc(f->evicted_from.v,
				       (f->evicted_from.n + 1) * sizeof(*f->evicted_from.v));
	f->evicted_from.v[f->evicted_from.n].cluster = tb_strdup(cluster);
	f->evicted_from.v[f->evicted_from.n++].at_ms = now_ms;
}

static void forget(struct tb_wfail *f, size_t i)
{
	tb_free(f->evicted_from.v[i].cluster);
	f->evicted_from.v[i] = f->evicted_from.v[--f->evicted_from.n];
}

/* Ready, answering and without taints: since when, or -1. */
static int64_t healthy_since(const struct tb_wcluster *c)
{
	if (!c || c->health.ready != TB_READY_TRUE || c->health.last != TB_PROBE_OK ||
	    c->obj.spec.taints.n)
		return -1;
	return c->health.transition_ms;
}

static bool target_of_result(const struct tb_sched_result *r, const char *cluster)
{
	for (size_t i = 0; i < r->clusters.n; i++)
		if (!strcmp(r->clusters.v[i].name, cluster) && r->clusters.v[i].replicas >= 0)
			return true;
	return false;
}

static int64_t target_of(const struct tb_binding_spec *spec, const char *cluster, bool *found)
{
	for (size_t i = 0; i < spec->clusters.n; i++)
		if (!strcmp(spec->clusters.v[i].name, cluster)) {
			*found = true;
			return spec->clusters.v[i].replicas;
		}
	*found = false;
	return 0;
}

/* What a fresh schedule would do now (Karmada's rescheduleTriggeredAt), in
 * r (release it). False when nothing could be scheduled. */
static bool fresh_schedule(struct tb_world *w, const struct tb_wbinding *b, int64_t now_ms,
			   struct tb_sched_result *r)
{
	struct tb_binding copy;
	bool ok;

	tb_schema_copy(&tb_binding_schema, &copy, b->obj);
	copy.spec.reschedule_triggered_at = now_ms;
	copy.status.last_scheduled_time = now_ms - 1;
	ok = tb_sched_schedule(tb_world_snapshot(w), &copy.spec, &copy.status, 0, r) == 0;
	tb_schema_release(&tb_binding_schema, &copy);
	return ok;
}

/* Replicas ready on cluster, as a cluster that answers reports them. */
static int64_t ready_on(struct tb_world *w, const struct tb_binding *b, const char *cluster)
{
	const struct tb_wcluster *c = tb_world_cluster(w, cluster);

	if (!c || c->health.last != TB_PROBE_OK)
		return 0;
	return tb_binding_ready_on(b, cluster);
}

static void set_target(struct tb_binding_spec *spec, const char *cluster, int64_t replicas)
{
	size_t n = spec->clusters.n;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(spec->clusters.v[i].name, cluster)) {
			spec->clusters.v[i].replicas = replicas;
			return;
		}
	spec->clusters.v = tb_realloc(spec->clusters.v, (n + 1) * sizeof(*spec->clusters.v));
	memset(&spec->clusters.v[n], 0, sizeof(*spec->clusters.v));
	spec->clusters.v[n].name = tb_strdup(cluster);
	spec->clusters.v[n].replicas = replicas;
	spec->clusters.n++;
}

/* The controllers' own edit of spec.clusters: no reschedule for it. */
static void clusters_edited(struct tb_world *w, struct tb_wbinding *b, int64_t now_ms)
{
	b->obj->metadata.generation++;
	b->obj->status.scheduler_observed_generation = b->obj->metadata.generation;
	b->obj->status.last_scheduled_time = now_ms;
	tb_world_changed(w, b, true);
}

/* Raises every cluster to what the fresh schedule r gives it (a surge: none
 * is lowered); adds what was raised to sb. */
static bool raise_to(struct tb_binding_spec *spec, const struct tb_sched_result *r,
		     struct tb_strbuf *sb)
{
	bool found, raised = false;
	int64_t cur;

	for (size_t i = 0; i < r->clusters.n; i++) {
		cur = target_of(spec, r->clusters.v[i].name, &found);
		if (found && cur >= r->clusters.v[i].replicas)
			continue;
		set_target(spec, r->clusters.v[i].name, r->clusters.v[i].replicas);
		tb_strbuf_addf(sb, "%s%s=%lld", raised ? " " : "", r->clusters.v[i].name,
			       (long long)r->clusters.v[i].replicas);
		raised = true;
	}
	return raised;
}

/* A surge under way: raise again if the fresh answer grew, and once every
 * cluster has the replicas the fresh answer gives it ready (or the graceful
 * eviction timeout passed), take the surplus away. Returns when to look again. */
static int64_t surge(struct tb_world *w, struct tb_wbinding *b, const char *name,
		     int64_t now_ms)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	struct tb_sched_result r;
	int64_t next = w->cfg.probe_period_ms, short_of = 0;
	bool timeout = now_ms - b->fail->moving_since >= w->cfg.graceful_eviction_timeout_ms;

	if (!fresh_schedule(w, b, now_ms, &r)) {
		tb_world_emit(w, now_ms, TB_EV_MOVEBACK, name, "move back to %s abandoned: %s",
			      b->fail->moving_back, r.error ? r.error : "nothing can be scheduled");
		goto done;
	}
	if (raise_to(&b->obj->spec, &r, &sb)) {
		tb_world_emit(w, now_ms, TB_EV_MOVEBACK, name, "starting more before taking any "
			      "away: %s", sb.buf);
		clusters_edited(w, b, now_ms);
		goto out;
	}
	for (size_t i = 0; i < r.clusters.n; i++) {
		int64_t ready = ready_on(w, b->obj, r.clusters.v[i].name);

		if (ready < r.clusters.v[i].replicas)
			short_of += r.clusters.v[i].replicas - ready;
	}
	if (short_of && !timeout)
		goto out;
	/* Rebalance: the fresh answer, now that its replicas run. */
	for (size_t i = 0; i < r.clusters.n; i++)
		tb_strbuf_addf(&sb, "%s%s=%lld", i ? " " : "", r.clusters.v[i].name,
			       (long long)r.clusters.v[i].replicas);
	for (size_t i = 0; i < b->obj->spec.clusters.n; i++)
		tb_free(b->obj->spec.clusters.v[i].name);
	b->obj->spec.clusters.n = 0;
	for (size_t i = 0; i < r.clusters.n; i++)
		set_target(&b->obj->spec, r.clusters.v[i].name, r.clusters.v[i].replicas);
	clusters_edited(w, b, now_ms);
	tb_world_emit(w, now_ms, TB_EV_MOVEBACK, name, "%s: rebalanced to %s",
		      short_of ? "graceful eviction timeout" : "every replica ready", sb.buf);
done:
	tb_free(b->fail->moving_back);
	b->fail->moving_back = NULL;
	next = 0;
out:
	tb_sched_result_release(&r);
	tb_strbuf_release(&sb);
	return next;
}

int64_t tb_ctrl_move_back(struct tb_world *w, int64_t now_ms)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	struct tb_sched_result r;
	int64_t next = 0, since, due, d;
	char name[300], dur[40];
	bool found;

	for (size_t i = 0; i < w->bindings.n; i++) {
		struct tb_wbinding *b = &w->bindings.v[i];

		if (!b->move_back_after_ms || !b->fail ||
		    (!b->fail->moving_back && !b->fail->evicted_from.n))
			continue;
		if (!tb_world_obj(w, b))	/* never parked while moving back */
			continue;
		tb_world_binding_name(b, name, sizeof(name));
		if (b->fail->moving_back) {
			d = surge(w, b, name, now_ms);
			if (d && (!next || d < next))
				next = d;
			continue;
		}
		for (size_t k = 0; k < b->fail->evicted_from.n;) {
			const char *cn = b->fail->evicted_from.v[k].cluster;
			const struct tb_wcluster *c = tb_world_cluster(w, cn);

			target_of(&b->obj->spec, cn, &found);
			if (!c || found) {	/* gone, or back already */
				forget(b->fail, k);
				continue;
			}
			since = healthy_since(c);
			due = (since > b->fail->evicted_from.v[k].at_ms ? since :
			       b->fail->evicted_from.v[k].at_ms) + b->move_back_after_ms;
			if (since < 0 || now_ms < due) {
				d = since < 0 ? w->cfg.probe_period_ms : due - now_ms;
				if (!next || d < next)
					next = d;
				k++;
				continue;
			}
			if (!fresh_schedule(w, b, now_ms, &r) || !target_of_result(&r, cn)) {
				tb_world_emit(w, now_ms, TB_EV_MOVEBACK, name, "%s is healthy again, "
					      "but a fresh schedule would not place replicas there: "
					      "staying", cn);
				tb_sched_result_release(&r);
				forget(b->fail, k);
				continue;
			}
			/* Start everything the fresh answer adds, taking nothing away yet. */
			tb_strbuf_reset(&sb);
			raise_to(&b->obj->spec, &r, &sb);
			tb_sched_result_release(&r);
			b->fail->moving_back = tb_strdup(cn);
			b->fail->moving_since = now_ms;
			tb_world_emit(w, now_ms, TB_EV_MOVEBACK, name, "%s healthy for %s: starting "
				      "%s before taking any replica elsewhere", cn,
				      tb_duration_format((now_ms - since) * 1000000, dur),
				      sb.len ? sb.buf : "nothing new");
			clusters_edited(w, b, now_ms);
			forget(b->fail, k);
			if (!next || w->cfg.probe_period_ms < next)
				next = w->cfg.probe_period_ms;
			break;	/* one move back at a time */
		}
	}
	tb_strbuf_release(&sb);
	return next;
}
