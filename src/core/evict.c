/* Graceful eviction (evict.h). */
#include "core/evict.h"
#include "api/policy.h"
#include "lib/mem.h"

#include <string.h>

static char *dup_or_null(const char *s)
{
	return s ? tb_strdup(s) : NULL;
}

bool tb_purge_immediately(const char *mode)
{
	return mode && (!strcmp(mode, "Immediately") || !strcmp(mode, "Directly"));
}

bool tb_purge_graciously(const char *mode)
{
	return !mode || !*mode || !strcmp(mode, "Graciously") || !strcmp(mode, "Gracefully");
}

bool tb_evict_cluster(struct tb_binding_spec *spec, const char *cluster,
		      const struct tb_evict_opts *o)
{
	struct tb_eviction_task *t;
	int64_t replicas;
	char *name;
	size_t i;

	for (i = 0; i < spec->clusters.n; i++)
		if (spec->clusters.v[i].name && !strcmp(spec->clusters.v[i].name, cluster))
			break;
	if (i == spec->clusters.n)
		return false;
	/* The name moves to the task: cluster may point at it. */
	replicas = spec->clusters.v[i].replicas;
	name = spec->clusters.v[i].name;
	memmove(&spec->clusters.v[i], &spec->clusters.v[i + 1],
		(spec->clusters.n - i - 1) * sizeof(*spec->clusters.v));
	spec->clusters.n--;
	for (i = 0; i < spec->graceful_eviction_tasks.n; i++) {
		if (spec->graceful_eviction_tasks.v[i].from_cluster &&
		    !strcmp(spec->graceful_eviction_tasks.v[i].from_cluster, name)) {
			tb_free(name);
			return true;
		}
	}
	spec->graceful_eviction_tasks.v = tb_realloc(spec->graceful_eviction_tasks.v,
		(spec->graceful_eviction_tasks.n + 1) * sizeof(*spec->graceful_eviction_tasks.v));
	t = &spec->graceful_eviction_tasks.v[spec->graceful_eviction_tasks.n++];
	memset(t, 0, sizeof(*t));
	t->from_cluster = name;
	t->purge_mode = dup_or_null(o->purge_mode);
	t->reason = dup_or_null(o->reason);
	t->message = dup_or_null(o->message);
	t->producer = dup_or_null(o->producer);
	t->grace_period_seconds = o->grace_period_seconds;
	t->suppress_deletion = o->suppress_deletion;
	if (replicas > 0) {
		t->replicas.set = true;
		t->replicas.v = replicas;
	}
	return true;
}

static bool all_healthy(const struct tb_binding *b, bool (*trusted)(void *, const char *),
			void *ctx)
{
	for (size_t i = 0; i < b->spec.clusters.n; i++) {
		const struct tb_target_cluster *tc = &b->spec.clusters.v[i];
		const struct tb_aggregated_item *it = tb_binding_status_of(b, tc->name);
		const json_t *ready;

		if (trusted && !trusted(ctx, tc->name))
			return false;
		if (!it || !it->health || strcmp(it->health, "Healthy"))
			return false;
		/* Tugboat: a Healthy report about fewer replicas than are now
		 * wanted there is stale (the member has not seen the change). */
		ready = json_object_get(it->status, "readyReplicas");
		if (json_is_integer(ready) && json_integer_value(ready) < tc->replicas)
			return false;
	}
	return true;
}

const char *tb_evict_policy_id(const struct tb_binding *b)
{
	const char *id = tb_strmap_get(&b->metadata.labels, TB_LABEL_PP_ID);

	if (!id)
		id = tb_strmap_get(&b->metadata.labels, TB_LABEL_CPP_ID);
	return id ? id : "";
}

bool tb_evict_companion(const struct tb_binding *b)
{
	return b->spec.replicas <= 0 && *tb_evict_policy_id(b);
}

int64_t tb_evict_budget(const struct tb_binding *b, const struct tb_eviction_task *task)
{
	const char *v = tb_strmap_get(&b->metadata.annotations, TB_ANN_MIN_AVAILABLE);
	int64_t want = tb_binding_wanted(b), need;

	if (v)
		need = tb_min_available_parse(v, b->spec.replicas > 0 ? b->spec.replicas : want);
	else
		need = task->reason && !strcmp(task->reason, TB_REASON_DRAIN) ? want : 0;
	if (need < 0)
		need = 0;	/* invalid: refused at admission; never blocks */
	return need < want ? need : want;
}

int64_t tb_evict_ready_on_targets(const struct tb_binding *b,
				  bool (*trusted)(void *, const char *), void *ctx)
{
	int64_t n = 0;

	for (size_t i = 0; i < b->spec.clusters.n; i++)
		if (!trusted || trusted(ctx, b->spec.clusters.v[i].name))
			n += tb_binding_ready_on(b, b->spec.clusters.v[i].name);
	return n;
}

int64_t tb_evict_assess(struct tb_binding *b, int64_t now_ms, const struct tb_evict_env *env,
			void *removed)
{
	bool (*trusted)(void *, const char *) = env->trusted;
	void *ctx = env->ctx;
	int64_t timeout_ms = env->timeout_ms;
	struct tb_binding_spec *spec = &b->spec;
	bool scheduled = b->status.scheduler_observed_generation == b->metadata.generation;
	bool healthy = scheduled && all_healthy(b, trusted, ctx);
	int64_t next = INT64_MAX, deadline;
	size_t i, kept = 0;

	for (i = 0; i < spec->graceful_eviction_tasks.n; i++) {
		struct tb_eviction_task *t = &spec->graceful_eviction_tasks.v[i];
		int64_t timeout = t->grace_period_seconds.set ?
				  t->grace_period_seconds.v * 1000 : timeout_ms;
		bool done, held = false;

		if (!t->creation_timestamp) {
			/* Stamped now, assessed from the next round on. */
			t->creation_timestamp = now_ms;
			done = false;
		} else if (env->needed && env->needed(ctx, b, t->from_cluster)) {
			done = false;
			held = true;
		} else if (t->suppress_deletion.set) {
			done = !t->suppress_deletion.v;
		} else if (healthy) {
			done = true;
		} else {
			done = now_ms > t->creation_timestamp + timeout;
			/* Out of time, but its replicas are still needed. */
			held = done && tb_evict_ready_on_targets(b, trusted, ctx) < tb_evict_budget(b, t);
			done = done && !held;
		}
		if (held) {
			if (TB_EVICT_BUDGET_RETRY_MS < next)
				next = TB_EVICT_BUDGET_RETRY_MS;
			spec->graceful_eviction_tasks.v[kept++] = *t;
			continue;
		}
		if (done) {
			tb_strvec_push(removed, t->from_cluster);
			tb_schema_release(&tb_eviction_task_schema, t);
			continue;
		}
		if (!t->suppress_deletion.set) {
			deadline = t->creation_timestamp + timeout - now_ms;
			if (deadline < next)
				next = deadline;
		}
		spec->graceful_eviction_tasks.v[kept++] = *t;
	}
	spec->graceful_eviction_tasks.n = kept;
	if (next == INT64_MAX)
		return 0;
	return next > 0 ? next : 1;
}

bool tb_evict_keeps(const struct tb_binding_spec *spec, const char *cluster)
{
	size_t i;

	for (i = 0; i < spec->clusters.n; i++)
		if (spec->clusters.v[i].name && !strcmp(spec->clusters.v[i].name, cluster))
			return true;
	/* A dependency (ConfigMap, Secret) stays where a binding that needs it runs. */
	for (i = 0; i < spec->required_by.n; i++)
		for (size_t k = 0; k < spec->required_by.v[i].clusters.n; k++)
			if (spec->required_by.v[i].clusters.v[k].name &&
			    !strcmp(spec->required_by.v[i].clusters.v[k].name, cluster))
				return true;
	for (i = 0; i < spec->graceful_eviction_tasks.n; i++) {
		const struct tb_eviction_task *t = &spec->graceful_eviction_tasks.v[i];
		if (t->from_cluster && !strcmp(t->from_cluster, cluster) &&
		    !tb_purge_immediately(t->purge_mode))
			return true;
	}
	return false;
}
