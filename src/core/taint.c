/* Cluster taints, mass-outage trigger and eviction rate limit (taint.h). */
#include "core/taint.h"
#include "api/policy.h"
#include "api/taintpolicy.h"
#include "core/affinity.h"
#include "lib/mem.h"

#include <math.h>
#include <string.h>

static bool has(const struct tb_cluster_spec *s, const char *key, const char *effect)
{
	size_t i;

	for (i = 0; i < s->taints.n; i++)
		if (s->taints.v[i].key && s->taints.v[i].effect &&
		    !strcmp(s->taints.v[i].key, key) && !strcmp(s->taints.v[i].effect, effect))
			return true;
	return false;
}

static bool add(struct tb_cluster_spec *s, const char *key, const char *effect, int64_t now_ms)
{
	struct tb_taint *t;

	if (has(s, key, effect))
		return false;
	s->taints.v = tb_realloc(s->taints.v, (s->taints.n + 1) * sizeof(*s->taints.v));
	t = &s->taints.v[s->taints.n++];
	memset(t, 0, sizeof(*t));
	t->key = tb_strdup(key);
	t->effect = tb_strdup(effect);
	t->time_added = now_ms;
	return true;
}

static bool del(struct tb_cluster_spec *s, const char *key, const char *effect)
{
	size_t i;

	for (i = 0; i < s->taints.n; i++) {
		if (s->taints.v[i].key && s->taints.v[i].effect &&
		    !strcmp(s->taints.v[i].key, key) && !strcmp(s->taints.v[i].effect, effect)) {
			tb_schema_release(&tb_taint_schema, &s->taints.v[i]);
			memmove(&s->taints.v[i], &s->taints.v[i + 1],
				(s->taints.n - i - 1) * sizeof(*s->taints.v));
			s->taints.n--;
			return true;
		}
	}
	return false;
}

static int64_t due_at(int64_t transition_ms, int64_t last_ok_ms, const struct tb_failover_config *c)
{
	int64_t a = transition_ms + c->eviction_timeout_ms;
	int64_t b = last_ok_ms + 2 * c->eviction_timeout_ms;

	return a > b ? a : b;
}

bool tb_taint_sync(struct tb_cluster_spec *s, enum tb_ready ready, int64_t transition_ms,
		   int64_t last_ok_ms, const struct tb_failover_config *c, bool allow_noexecute,
		   int64_t now_ms)
{
	bool changed = false, due = now_ms > due_at(transition_ms, last_ok_ms, c);

	switch (ready) {
	case TB_READY_TRUE:
		changed |= del(s, TB_TAINT_NOT_READY, "NoSchedule");
		changed |= del(s, TB_TAINT_UNREACHABLE, "NoSchedule");
		changed |= del(s, TB_TAINT_NOT_READY, "NoExecute");
		changed |= del(s, TB_TAINT_UNREACHABLE, "NoExecute");
		break;
	case TB_READY_NONE:
		/* A cluster that never reported takes no new workloads. */
		changed |= add(s, TB_TAINT_NOT_READY, "NoSchedule", now_ms);
		break;
	case TB_READY_FALSE:
		changed |= add(s, TB_TAINT_NOT_READY, "NoSchedule", now_ms);
		changed |= del(s, TB_TAINT_UNREACHABLE, "NoSchedule");
		if (due && allow_noexecute) {
			changed |= add(s, TB_TAINT_NOT_READY, "NoExecute", now_ms);
			changed |= del(s, TB_TAINT_UNREACHABLE, "NoExecute");
		}
		break;
	case TB_READY_UNKNOWN:
		changed |= add(s, TB_TAINT_UNREACHABLE, "NoSchedule", now_ms);
		changed |= del(s, TB_TAINT_NOT_READY, "NoSchedule");
		if (due && allow_noexecute) {
			changed |= add(s, TB_TAINT_UNREACHABLE, "NoExecute", now_ms);
			changed |= del(s, TB_TAINT_NOT_READY, "NoExecute");
		}
		break;
	}
	return changed;
}

int64_t tb_taint_next_ms(const struct tb_cluster_spec *s, enum tb_ready ready,
			 int64_t transition_ms, int64_t last_ok_ms,
			 const struct tb_failover_config *c, int64_t now_ms)
{
	const char *key = ready == TB_READY_FALSE ? TB_TAINT_NOT_READY : TB_TAINT_UNREACHABLE;
	int64_t at = due_at(transition_ms, last_ok_ms, c) + 1;

	if (ready != TB_READY_FALSE && ready != TB_READY_UNKNOWN)
		return 0;
	if (has(s, key, "NoExecute"))
		return 0;
	return at > now_ms ? at - now_ms : 1;
}

/* Karmada's conditionMatches: every match condition holds for the cluster's
 * condition of that type; a condition type the cluster does not have fails
 * either operator. */
static bool conditions_match(const struct tb_cluster *c, const struct tb_match_condition *m,
			     size_t n)
{
	const struct tb_condition *cond;
	size_t i;
	bool in;

	if (!n)
		return false;
	for (i = 0; i < n; i++) {
		cond = tb_condition_find(c->status.conditions.v, c->status.conditions.n,
					 m[i].condition_type);
		if (!cond || !cond->status)
			return false;
		in = tb_strvec_has(&m[i].status_values, cond->status);
		if (!strcmp(m[i].operator_, "In") ? !in : in)
			return false;
	}
	return true;
}

bool tb_taint_policies_apply(const struct tb_taint_policy *const *policies, size_t n,
			     struct tb_cluster *c, int64_t now_ms)
{
	bool changed = false;
	size_t i, k;

	for (i = 0; i < n; i++) {
		const struct tb_taint_policy_spec *s = &policies[i]->spec;

		if (s->target_clusters && !tb_affinity_matches(c, s->target_clusters))
			continue;
		if (conditions_match(c, s->add_on_conditions.v, s->add_on_conditions.n)) {
			for (k = 0; k < s->taints.n; k++) {
				if (has(&c->spec, s->taints.v[k].key, s->taints.v[k].effect))
					continue;
				add(&c->spec, s->taints.v[k].key, s->taints.v[k].effect, now_ms);
				if (s->taints.v[k].value)
					c->spec.taints.v[c->spec.taints.n - 1].value =
						tb_strdup(s->taints.v[k].value);
				changed = true;
			}
		}
		if (conditions_match(c, s->remove_on_conditions.v, s->remove_on_conditions.n))
			for (k = 0; k < s->taints.n; k++)
				changed |= del(&c->spec, s->taints.v[k].key, s->taints.v[k].effect);
	}
	return changed;
}

bool tb_outage_active(size_t unhealthy, size_t total, const struct tb_failover_config *c)
{
	if (c->mass_outage_threshold <= 0 || total < (size_t)c->mass_outage_min_clusters)
		return false;
	return (double)unhealthy > c->mass_outage_threshold * (double)total;
}

size_t tb_quorum_needed(size_t others, const struct tb_failover_config *c)
{
	if (c->mass_outage_threshold <= 0 || !others)
		return 0;
	/* fresh > (1 - threshold) * others, in whole clusters; the epsilon
	 * keeps 0.45 * 100 at 45, not 44.999... */
	return (size_t)((1.0 - c->mass_outage_threshold) * (double)others + 1e-9) + 1;
}

void tb_ratelimit_init(struct tb_ratelimit *rl, const struct tb_failover_config *c,
		       int64_t now_ms)
{
	rl->tokens = (double)c->eviction_burst;
	rl->last_ms = now_ms;
}

static void refill(struct tb_ratelimit *rl, const struct tb_failover_config *c, int64_t now_ms)
{
	if (now_ms > rl->last_ms) {
		rl->tokens += (double)(now_ms - rl->last_ms) * c->eviction_rate / 1000.0;
		if (rl->tokens > (double)c->eviction_burst)
			rl->tokens = (double)c->eviction_burst;
		rl->last_ms = now_ms;
	}
}

bool tb_ratelimit_take(struct tb_ratelimit *rl, const struct tb_failover_config *c,
		       int64_t now_ms)
{
	refill(rl, c, now_ms);
	if (rl->tokens < 1.0)
		return false;
	rl->tokens -= 1.0;
	return true;
}

int64_t tb_ratelimit_wait_ms(const struct tb_ratelimit *rl, const struct tb_failover_config *c,
			     int64_t now_ms)
{
	double tokens = rl->tokens;

	if (now_ms > rl->last_ms)
		tokens += (double)(now_ms - rl->last_ms) * c->eviction_rate / 1000.0;
	if (tokens >= 1.0)
		return 0;
	return (int64_t)ceil((1.0 - tokens) * 1000.0 / c->eviction_rate);
}
