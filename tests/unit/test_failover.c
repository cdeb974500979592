/* The failover core's rules, one by one: settings, health detectors, cluster
 * taints, the taint manager's decision, graceful eviction and its assessment,
 * mass-outage protection and the eviction rate limit. */
#include "testutil.h"

#include "core/config.h"
#include "core/evict.h"
#include "core/health.h"
#include "core/taint.h"
#include "core/taintmgr.h"
#include "api/taintpolicy.h"

#include <math.h>

#define S 1000

/* ---- settings ------------------------------------------------------------------ */

static void test_failover__config(void **state)
{
	struct tb_failover_config c;
	struct tb_errs e = TB_ERRS_INIT;
	struct tb_err err = TB_ERR_INIT;
	struct tb_strbuf sb = TB_STRBUF_INIT;

	(void)state;
	tb_config_init(&c);
	assert_int_equal(c.monitor_period_ms, 60 * S);
	assert_int_equal(c.monitor_grace_ms, 40 * S);
	assert_int_equal(c.startup_grace_ms, 600 * S);
	assert_int_equal(c.eviction_timeout_ms, 30 * S);
	assert_int_equal(c.eviction_retry_ms, 5 * S);
	assert_int_equal(tb_config_validate(&c, &e), 0);
	assert_int_equal(tb_config_profile(&c, "fast", &err), 0);
	assert_int_equal(c.detector, TB_DETECT_PHI);
	assert_int_equal(tb_config_validate(&c, &e), 0);
	assert_true(tb_config_profile(&c, "slow", &err) < 0);
	assert_string_equal(err.msg, "unknown profile \"slow\": use karmada or fast");

	assert_int_equal(tb_config_set(&c, "cluster-monitor-grace-period", "1m30s", &err), 0);
	assert_int_equal(c.monitor_grace_ms, 90 * S);
	assert_int_equal(tb_config_set(&c, "failover-eviction-timeout", "250ms", &err), 0);
	assert_int_equal(c.eviction_timeout_ms, 250);
	assert_int_equal(tb_config_set(&c, "default-not-ready-toleration-seconds", "-1", &err), 0);
	assert_int_equal(c.not_ready_toleration_s, -1);
	assert_int_equal(tb_config_set(&c, "failure-detector", "threshold", &err), 0);
	assert_int_equal(c.detector, TB_DETECT_THRESHOLD);
	assert_int_equal(tb_config_set(&c, "capacity-aware-eviction", "false", &err), 0);
	assert_false(c.capacity_aware_eviction);
	assert_true(tb_config_set(&c, "cluster-monitor-period", "5", &err) < 0);
	assert_non_null(strstr(err.msg, "missing unit"));
	assert_true(tb_config_set(&c, "no-such-flag", "1", &err) < 0);
	assert_true(tb_config_set(&c, "resource-eviction-rate", "fast", &err) < 0);
	assert_true(tb_config_set(&c, "failure-detector", "magic", &err) < 0);

	/* A grace period within one probe cycle would flap every cluster. */
	tb_config_init(&c);
	tb_config_set(&c, "cluster-monitor-grace-period", "12s", &err);
	assert_true(tb_config_validate(&c, &e) < 0);
	tb_errs_format(&e, &sb, 0);
	assert_non_null(strstr(sb.buf, "--cluster-monitor-grace-period: Invalid value: must be "
				"longer than --cluster-status-update-frequency"));
	tb_errs_release(&e);
	tb_strbuf_reset(&sb);
	tb_config_init(&c);
	tb_config_set(&c, "cluster-failure-threshold", "1s", &err);
	tb_config_set(&c, "mass-outage-threshold", "1.5", &err);
	assert_true(tb_config_validate(&c, &e) < 0);
	assert_int_equal(e.n, 2);
	tb_errs_release(&e);
	tb_config_help(&c, &sb);
	assert_non_null(strstr(sb.buf, "--cluster-monitor-period=1m0s"));
	assert_non_null(strstr(sb.buf, "--failure-detector=threshold"));
	tb_strbuf_release(&sb);
}

/* ---- health --------------------------------------------------------------------- */

static void probe(struct tb_health *h, const struct tb_failover_config *c, enum tb_probe r,
		  int64_t at)
{
	tb_health_probe(h, c, r, 20, at);
	tb_health_eval(h, c, at);
}

static void test_failover__threshold_detector(void **state)
{
	struct tb_failover_config c;
	struct tb_health h;
	int64_t t;

	(void)state;
	tb_config_init(&c);	/* 10s probes, 30s thresholds, 40s grace */
	tb_health_init(&h, 0);
	assert_false(tb_health_eval(&h, &c, 1000));
	assert_int_equal(h.ready, TB_READY_NONE);
	probe(&h, &c, TB_PROBE_OK, 1000);	/* first observation taken as is */
	assert_int_equal(h.ready, TB_READY_TRUE);
	assert_string_equal(h.reason, "ClusterReady");
	/* Failures must persist 30 s from the first failed probe. */
	for (t = 11 * S; t <= 41 * S; t += 10 * S) {
		probe(&h, &c, TB_PROBE_UNREACHABLE, t);
		if (t - 11 * S < 30 * S)
			assert_int_equal(h.ready, TB_READY_TRUE);
	}
	assert_int_equal(h.ready, TB_READY_FALSE);
	assert_string_equal(h.reason, "ClusterNotReachable");
	assert_string_equal(h.message, "cluster is not reachable");
	assert_int_equal(h.transition_ms, 41 * S);
	/* A blip shorter than the success threshold does not recover it. */
	probe(&h, &c, TB_PROBE_OK, 51 * S);
	probe(&h, &c, TB_PROBE_NOT_OK, 61 * S);
	assert_int_equal(h.ready, TB_READY_FALSE);
	assert_string_equal(h.reason, "ClusterNotReady");	/* reasons change at once */
	probe(&h, &c, TB_PROBE_OK, 71 * S);
	probe(&h, &c, TB_PROBE_OK, 91 * S);
	assert_int_equal(h.ready, TB_READY_FALSE);
	probe(&h, &c, TB_PROBE_OK, 101 * S);
	assert_int_equal(h.ready, TB_READY_TRUE);
	/* Silence longer than the grace period: Unknown. */
	assert_false(tb_health_eval(&h, &c, 141 * S));
	assert_true(tb_health_eval(&h, &c, 141 * S + 1));
	assert_int_equal(h.ready, TB_READY_UNKNOWN);
	assert_string_equal(h.reason, "ClusterStatusUnknown");

	/* Never probed: Unknown after the startup grace. */
	tb_health_init(&h, 0);
	assert_false(tb_health_eval(&h, &c, 600 * S));
	assert_true(tb_health_eval(&h, &c, 600 * S + 1));
	assert_string_equal(h.reason, "ClusterStatusNeverUpdated");
}

/* Probes every period with round trips jittered by up to jitter_ms (an
 * LCG keeps it reproducible); returns when the detector flags the member, or
 * -1 if it never does before until_ms. Answers stop at dead_at_ms. */
static int64_t run_phi(const struct tb_failover_config *c, int64_t jitter_ms, int64_t dead_at_ms,
		       int64_t until_ms, uint64_t seed)
{
	struct tb_health h;
	int64_t t, rtt;

	tb_health_init(&h, 0);
	for (t = 0; t < until_ms; t += c->probe_period_ms) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		rtt = 10 + (int64_t)((seed >> 33) % (uint64_t)(jitter_ms + 1));
		if (t < dead_at_ms) {
			tb_health_probe(&h, c, TB_PROBE_OK, rtt, t + rtt);
		} else {
			tb_health_probe(&h, c, TB_PROBE_UNREACHABLE, 1, t + 1);
		}
		/* The monitor looks more often than probes land. */
		for (int64_t m = t; m < t + c->probe_period_ms; m += c->monitor_period_ms) {
			tb_health_eval(&h, c, m);
			if (h.ready == TB_READY_FALSE)
				return m;
		}
	}
	return -1;
}

static void test_failover__phi_detector(void **state)
{
	struct tb_failover_config c;
	struct tb_err err;
	int64_t at;
	uint64_t seed;

	(void)state;
	tb_config_profile(&c, "fast", &err);	/* 500 ms probes, phi 8 */
	/* A steady member that dies is flagged within a few probe periods. */
	at = run_phi(&c, 5, 30 * S, 60 * S, 1);
	assert_true(at > 30 * S);
	assert_true(at - 30 * S <= 4 * c.probe_period_ms);
	print_message("phi: steady member detected %lld ms after it died\n",
		      (long long)(at - 30 * S));
	/* Members that answer late and irregularly (up to 800 ms over a 500 ms
	 * period) are never flagged while they answer. */
	for (seed = 1; seed <= 20; seed++)
		assert_int_equal(run_phi(&c, 800, 120 * S, 120 * S, seed), -1);
	/* ... and still flagged within seconds once they stop. */
	at = run_phi(&c, 800, 60 * S, 120 * S, 7);
	assert_true(at > 60 * S && at - 60 * S < 10 * S);
	/* The threshold detector with the same cadence would need the threshold. */
	c.detector = TB_DETECT_THRESHOLD;
	at = run_phi(&c, 5, 30 * S, 60 * S, 1);
	assert_true(at - 30 * S >= c.failure_threshold_ms);
}

static void test_failover__adaptive_timeout(void **state)
{
	struct tb_failover_config c;
	struct tb_health h;
	struct tb_err err;
	int i;

	(void)state;
	tb_config_profile(&c, "fast", &err);	/* 1 s base timeout, 4 s grace */
	tb_health_init(&h, 0);
	assert_int_equal(tb_health_probe_timeout(&h, &c), 1000);
	/* A member slowed to 1.5 s answers: the first probe times out, the next
	 * waits twice as long, and then the timeout follows the round trips. */
	tb_health_probe(&h, &c, TB_PROBE_TIMEOUT, 1000, 1000);
	assert_int_equal(tb_health_probe_timeout(&h, &c), 2000);
	assert_true(h.backing_off);
	for (i = 0; i < 10; i++)
		tb_health_probe(&h, &c, TB_PROBE_OK, 1500, 3000 + i * 2000);
	assert_true(tb_health_probe_timeout(&h, &c) >= 1500);
	assert_true(tb_health_probe_timeout(&h, &c) <= 2000);
	/* Repeated timeouts back off, but never past half the grace period. */
	for (i = 0; i < 10; i++)
		tb_health_probe(&h, &c, TB_PROBE_TIMEOUT, tb_health_probe_timeout(&h, &c), 30000);
	assert_int_equal(tb_health_probe_timeout(&h, &c), 2000);
	assert_false(h.backing_off);	/* at the cap: timeouts now count */
}

/* ---- cluster taints ---------------------------------------------------------------- */

static const char *taints_str(const struct tb_cluster_spec *s, char *buf, size_t n)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < s->taints.n && off < n; i++)
		off += (size_t)snprintf(buf + off, n - off, "%s%s:%s", i ? "," : "",
					s->taints.v[i].key + strlen("cluster.karmada.io/"),
					s->taints.v[i].effect);
	return buf;
}

static void test_failover__cluster_taints(void **state)
{
	struct tb_failover_config c;
	struct tb_cluster cl;
	char buf[200];

	(void)state;
	tb_config_init(&c);	/* eviction timeout 30 s */
	memset(&cl, 0, sizeof(cl));
	assert_true(tb_taint_sync(&cl.spec, TB_READY_NONE, 0, 0, &c, true, 0));
	assert_string_equal(taints_str(&cl.spec, buf, sizeof(buf)), "not-ready:NoSchedule");
	assert_true(tb_taint_sync(&cl.spec, TB_READY_TRUE, 0, 0, &c, true, 1000));
	assert_int_equal(cl.spec.taints.n, 0);
	/* Not ready at 100 s: NoSchedule now, NoExecute after 30 s. */
	assert_true(tb_taint_sync(&cl.spec, TB_READY_FALSE, 100 * S, 0, &c, true, 100 * S));
	assert_string_equal(taints_str(&cl.spec, buf, sizeof(buf)), "not-ready:NoSchedule");
	assert_int_equal(cl.spec.taints.v[0].time_added, 100 * S);
	assert_int_equal(tb_taint_next_ms(&cl.spec, TB_READY_FALSE, 100 * S, 0, &c, 110 * S), 20 * S + 1);
	assert_false(tb_taint_sync(&cl.spec, TB_READY_FALSE, 100 * S, 0, &c, true, 130 * S));
	/* Mass outage: the NoExecute taint is held back. */
	assert_false(tb_taint_sync(&cl.spec, TB_READY_FALSE, 100 * S, 0, &c, false, 131 * S));
	assert_true(tb_taint_sync(&cl.spec, TB_READY_FALSE, 100 * S, 0, &c, true, 131 * S));
	assert_string_equal(taints_str(&cl.spec, buf, sizeof(buf)),
			    "not-ready:NoSchedule,not-ready:NoExecute");
	assert_int_equal(cl.spec.taints.v[0].time_added, 100 * S);	/* kept */
	assert_int_equal(cl.spec.taints.v[1].time_added, 131 * S);
	assert_int_equal(tb_taint_next_ms(&cl.spec, TB_READY_FALSE, 100 * S, 0, &c, 140 * S), 0);
	/* Unknown swaps the keys. */
	assert_true(tb_taint_sync(&cl.spec, TB_READY_UNKNOWN, 150 * S, 0, &c, true, 150 * S));
	assert_string_equal(taints_str(&cl.spec, buf, sizeof(buf)),
			    "not-ready:NoExecute,unreachable:NoSchedule");
	assert_true(tb_taint_sync(&cl.spec, TB_READY_UNKNOWN, 150 * S, 0, &c, true, 181 * S));
	assert_string_equal(taints_str(&cl.spec, buf, sizeof(buf)),
			    "unreachable:NoSchedule,unreachable:NoExecute");
	/* Recovery removes them all, but leaves a user's own taint. */
	cl.spec.taints.v = tb_realloc(cl.spec.taints.v, 3 * sizeof(*cl.spec.taints.v));
	memset(&cl.spec.taints.v[2], 0, sizeof(cl.spec.taints.v[2]));
	cl.spec.taints.v[2].key = tb_strdup("cluster.karmada.io/maintenance");
	cl.spec.taints.v[2].effect = tb_strdup("NoSchedule");
	cl.spec.taints.n = 3;
	assert_true(tb_taint_sync(&cl.spec, TB_READY_TRUE, 200 * S, 0, &c, true, 200 * S));
	assert_string_equal(taints_str(&cl.spec, buf, sizeof(buf)), "maintenance:NoSchedule");
	/* A cluster that still answers now and then (last answer at 290 s) is
	 * not tainted NoExecute until it has been silent twice the timeout. */
	assert_true(tb_taint_sync(&cl.spec, TB_READY_FALSE, 280 * S, 290 * S, &c, true, 311 * S));
	assert_string_equal(taints_str(&cl.spec, buf, sizeof(buf)),
			    "maintenance:NoSchedule,not-ready:NoSchedule");
	assert_false(tb_taint_sync(&cl.spec, TB_READY_FALSE, 280 * S, 290 * S, &c, true, 350 * S));
	assert_int_equal(tb_taint_next_ms(&cl.spec, TB_READY_FALSE, 280 * S, 290 * S, &c, 350 * S),
			 350 * S + 1 - 350 * S);
	assert_true(tb_taint_sync(&cl.spec, TB_READY_FALSE, 280 * S, 290 * S, &c, true, 351 * S));
	tb_schema_release(&tb_cluster_schema, &cl);
}

/* ---- ClusterTaintPolicy ------------------------------------------------------------ */

static void test_failover__cluster_taint_policy(void **state)
{
	static const char text[] =
		"apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterTaintPolicy\n"
		"metadata: {name: p}\nspec:\n  targetClusters: {clusterNames: [m1]}\n"
		"  addOnConditions: [{conditionType: Ready, operator: NotIn, statusValues: [\"True\"]}]\n"
		"  removeOnConditions: [{conditionType: Ready, operator: In, statusValues: [\"True\"]}]\n"
		"  taints: [{key: a, effect: NoExecute, value: v}, {key: b, effect: NoSchedule}]\n";
	const struct tb_taint_policy *pols[1];
	struct tb_cluster cl;
	struct tb_object o;
	char *got;

	(void)state;
	got = tu_check(text, &o, 0, NULL);
	assert_string_equal(got, "");
	tb_free(got);
	pols[0] = o.typed;
	memset(&cl, 0, sizeof(cl));
	cl.metadata.name = tb_strdup("m1");
	/* No Ready condition at all: neither list matches. */
	assert_false(tb_taint_policies_apply(pols, 1, &cl, 5 * S));
	cl.status.conditions.v = tb_calloc(1, sizeof(struct tb_condition));
	cl.status.conditions.n = 1;
	cl.status.conditions.v[0].type = tb_strdup("Ready");
	cl.status.conditions.v[0].status = tb_strdup("False");
	assert_true(tb_taint_policies_apply(pols, 1, &cl, 5 * S));
	assert_int_equal(cl.spec.taints.n, 2);
	assert_string_equal(cl.spec.taints.v[0].value, "v");
	assert_int_equal(cl.spec.taints.v[0].time_added, 5 * S);
	assert_false(tb_taint_policies_apply(pols, 1, &cl, 6 * S));	/* already there */
	tb_free(cl.status.conditions.v[0].status);
	cl.status.conditions.v[0].status = tb_strdup("True");
	assert_true(tb_taint_policies_apply(pols, 1, &cl, 7 * S));
	assert_int_equal(cl.spec.taints.n, 0);
	/* Other clusters are not targeted. */
	tb_free(cl.metadata.name);
	cl.metadata.name = tb_strdup("m2");
	tb_free(cl.status.conditions.v[0].status);
	cl.status.conditions.v[0].status = tb_strdup("Unknown");
	assert_false(tb_taint_policies_apply(pols, 1, &cl, 8 * S));
	tb_schema_release(&tb_cluster_schema, &cl);
	tb_object_release(&o);

	tu_expect_error("apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterTaintPolicy\n"
			"metadata: {name: p}\nspec:\n  taints: [{key: a, effect: NoExecute}, "
			"{key: a, effect: NoExecute}]\n",
			"spec.taints[0]: Duplicate value: \"Duplicate taint with the same key(a) and "
			"effect(NoExecute) is not allowed\"");
	tu_expect_error("apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterTaintPolicy\n"
			"metadata: {name: p}\nspec:\n  addOnConditions: [{conditionType: Ready, "
			"operator: Exists, statusValues: [Maybe]}]\n  taints: [{key: a, effect: Evict}]\n",
			"spec.addOnConditions[0].operator: Unsupported value: \"Exists\": supported "
			"values: \"In\", \"NotIn\"\n"
			"spec.addOnConditions[0].statusValues[0]: Unsupported value: \"Maybe\": "
			"supported values: \"True\", \"False\", \"Unknown\"\n"
			"spec.taints[0].effect: Unsupported value: \"Evict\": supported values: "
			"\"NoSchedule\", \"NoExecute\"");
}

/* ---- taint manager ----------------------------------------------------------------- */

static void test_failover__taint_manager(void **state)
{
	struct tb_taint taints[] = {
		{ .key = TB_TAINT_NOT_READY, .effect = "NoSchedule", .time_added = 10 * S },
		{ .key = TB_TAINT_NOT_READY, .effect = "NoExecute", .time_added = 100 * S },
		{ .key = TB_TAINT_UNREACHABLE, .effect = "NoExecute", .time_added = 200 * S },
	};
	struct tb_toleration tols[] = {
		{ .key = TB_TAINT_NOT_READY, .operator_ = "Exists", .effect = "NoExecute",
		  .toleration_seconds = { true, 300 } },
		{ .key = TB_TAINT_UNREACHABLE, .operator_ = "Exists", .effect = "NoExecute",
		  .toleration_seconds = { true, 60 } },
		{ .operator_ = "Exists" },	/* tolerates everything, forever */
	};
	int64_t at = 0;

	(void)state;
	/* No NoExecute taint: nothing to do. */
	assert_int_equal(tb_taintmgr_decide(taints, 1, NULL, 0, 0, &at), TB_EVICT_NEVER);
	/* An untolerated NoExecute taint: evict now. */
	assert_int_equal(tb_taintmgr_decide(taints, 2, NULL, 0, 0, &at), TB_EVICT_NOW);
	assert_int_equal(tb_taintmgr_decide(taints, 3, tols, 1, 0, &at), TB_EVICT_NOW);
	/* Tolerated for 300 s from the taint's timeAdded. */
	assert_int_equal(tb_taintmgr_decide(taints, 2, tols, 1, 150 * S, &at), TB_EVICT_AT);
	assert_int_equal(at, 400 * S);
	assert_int_equal(tb_taintmgr_decide(taints, 2, tols, 1, 400 * S, &at), TB_EVICT_NOW);
	/* Two taints: the earliest trigger wins (200 + 60 < 100 + 300). */
	assert_int_equal(tb_taintmgr_decide(taints, 3, tols, 2, 210 * S, &at), TB_EVICT_AT);
	assert_int_equal(at, 260 * S);
	/* The first matching toleration is the one used: order matters. */
	{
		struct tb_toleration forever_first[] = { tols[2], tols[0] };
		assert_int_equal(tb_taintmgr_decide(taints, 3, forever_first, 2, 999 * S, &at),
				 TB_EVICT_NEVER);
	}
	/* tolerationSeconds 0 (Tugboat's fast profile): evict at once. */
	{
		struct tb_toleration zero = { .key = TB_TAINT_NOT_READY, .operator_ = "Exists",
					      .effect = "NoExecute", .toleration_seconds = { true, 0 } };
		assert_int_equal(tb_taintmgr_decide(taints, 2, &zero, 1, 100 * S, &at),
				 TB_EVICT_NOW);
	}
}

/* ---- graceful eviction -------------------------------------------------------------- */

static struct tb_binding *binding(void)
{
	static const char text[] =
		"apiVersion: work.karmada.io/v1alpha2\nkind: ResourceBinding\n"
		"metadata: {name: b, namespace: default, generation: 3}\n"
		"spec:\n  resource: {apiVersion: apps/v1, kind: Deployment, name: d}\n"
		"  replicas: 6\n"
		"  clusters: [{name: m1, replicas: 2}, {name: m2, replicas: 4}]\n"
		"status:\n  schedulerObservedGeneration: 3\n";
	struct tb_object o;
	struct tb_binding *b;
	char *got = tu_check(text, &o, 1, NULL);

	assert_string_equal(got, "");
	tb_free(got);
	b = o.typed;
	return b;
}

static void set_health(struct tb_binding *b, const char *cluster, const char *health)
{
	struct tb_aggregated_item *it;

	b->status.aggregated_status.v = tb_realloc(b->status.aggregated_status.v,
		(b->status.aggregated_status.n + 1) * sizeof(*it));
	it = &b->status.aggregated_status.v[b->status.aggregated_status.n++];
	memset(it, 0, sizeof(*it));
	it->cluster_name = tb_strdup(cluster);
	it->health = tb_strdup(health);
}

static void test_failover__graceful_eviction(void **state)
{
	struct tb_evict_opts o = {
		.purge_mode = "Graciously", .producer = TB_PRODUCER_TAINT_MANAGER,
		.reason = TB_REASON_TAINT_UNTOLERATED,
	};
	TB_VEC(char *) removed = { NULL, 0 };
	struct tb_evict_env env = { .timeout_ms = 600 * S };
	struct tb_binding *b = binding();
	const struct tb_eviction_task *t;
	int64_t next;

	(void)state;
	assert_false(tb_evict_cluster(&b->spec, "m9", &o));
	assert_true(tb_evict_cluster(&b->spec, "m1", &o));
	assert_int_equal(b->spec.clusters.n, 1);
	assert_string_equal(b->spec.clusters.v[0].name, "m2");
	t = &b->spec.graceful_eviction_tasks.v[0];
	assert_string_equal(t->from_cluster, "m1");
	assert_string_equal(t->producer, "TaintManager");
	assert_string_equal(t->reason, "TaintUntolerated");
	assert_true(t->replicas.set);
	assert_int_equal(t->replicas.v, 2);
	assert_true(tb_evict_keeps(&b->spec, "m1"));
	assert_false(tb_evict_keeps(&b->spec, "m3"));

	/* First assessment stamps the task; it is not assessed until the next. */
	next = tb_evict_assess(b, 1000 * S, &env, &removed);
	assert_int_equal(b->spec.graceful_eviction_tasks.v[0].creation_timestamp, 1000 * S);
	assert_int_equal(next, 600 * S);
	assert_int_equal(removed.n, 0);
	/* Replacements not healthy yet: kept, next check at the timeout. */
	set_health(b, "m2", "Unhealthy");
	next = tb_evict_assess(b, 1100 * S, &env, &removed);
	assert_int_equal(b->spec.graceful_eviction_tasks.n, 1);
	assert_int_equal(next, 500 * S);
	/* Healthy, but the scheduler has not seen the latest generation: kept. */
	tb_free(b->status.aggregated_status.v[0].health);
	b->status.aggregated_status.v[0].health = tb_strdup("Healthy");
	b->metadata.generation = 4;
	tb_evict_assess(b, 1101 * S, &env, &removed);
	assert_int_equal(b->spec.graceful_eviction_tasks.n, 1);
	/* Scheduled and healthy: the task ends and m1 may be cleaned up. */
	b->status.scheduler_observed_generation = 4;
	next = tb_evict_assess(b, 1102 * S, &env, &removed);
	assert_int_equal(b->spec.graceful_eviction_tasks.n, 0);
	assert_int_equal(next, 0);
	assert_int_equal(removed.n, 1);
	assert_string_equal(removed.v[0], "m1");
	assert_false(tb_evict_keeps(&b->spec, "m1"));

	/* Grace period, per task; suppressDeletion overrides both ways. */
	o.grace_period_seconds = (struct tb_optint){ true, 30 };
	assert_true(tb_evict_cluster(&b->spec, "m2", &o));
	o.grace_period_seconds.set = false;
	o.suppress_deletion = (struct tb_optbool){ true, true };
	/* m3 is evicted too; m5 takes over but is not healthy yet. (With no
	 * target left at all, Karmada counts "every target healthy" as true.) */
	b->spec.clusters.v = tb_realloc(b->spec.clusters.v, 2 * sizeof(*b->spec.clusters.v));
	b->spec.clusters.v[0].name = tb_strdup("m3");
	b->spec.clusters.v[0].replicas = 6;
	b->spec.clusters.v[1].name = tb_strdup("m5");
	b->spec.clusters.v[1].replicas = 6;
	b->spec.clusters.n = 2;
	set_health(b, "m5", "Unhealthy");
	assert_true(tb_evict_cluster(&b->spec, "m3", &o));
	tb_evict_assess(b, 2000 * S, &env, &removed);
	next = tb_evict_assess(b, 2010 * S, &env, &removed);
	assert_int_equal(next, 20 * S);
	tb_evict_assess(b, 2031 * S, &env, &removed);
	assert_int_equal(b->spec.graceful_eviction_tasks.n, 1);	/* m3 stays: suppressed */
	assert_string_equal(removed.v[removed.n - 1], "m2");
	b->spec.graceful_eviction_tasks.v[0].suppress_deletion.v = false;
	tb_evict_assess(b, 2032 * S, &env, &removed);
	assert_int_equal(b->spec.graceful_eviction_tasks.n, 0);

	/* Immediately: the old cluster is not kept. */
	o.purge_mode = "Immediately";
	o.suppress_deletion.set = false;
	tb_free(b->spec.clusters.v[0].name);
	b->spec.clusters.v[0].name = tb_strdup("m4");
	assert_true(tb_evict_cluster(&b->spec, "m4", &o));
	assert_false(tb_evict_keeps(&b->spec, "m4"));
	for (size_t i = 0; i < removed.n; i++)
		tb_free(removed.v[i]);
	tb_free(removed.v);
	tb_schema_free(&tb_binding_schema, b);
}

/* The cross-cluster disruption budget: a task out of time still waits while
 * too few replicas are ready on the clusters the binding now targets. */
static void set_ready(struct tb_binding *b, const char *cluster, const char *health, int ready)
{
	set_health(b, cluster, health);
	b->status.aggregated_status.v[b->status.aggregated_status.n - 1].status =
		json_pack("{s:i}", "readyReplicas", ready);
}

static bool needed_on_m1(void *ctx, const struct tb_binding *b, const char *cluster)
{
	(void)b;
	return *(bool *)ctx && !strcmp(cluster, "m1");
}

/* One assessment; the binding is needed on m1 while *needed_m1. */
static bool needed_m1;

static size_t assess_left(struct tb_binding *b, int64_t now, int64_t *next)
{
	struct tb_evict_env env = { .timeout_ms = 600 * S, .needed = needed_on_m1,
				    .ctx = &needed_m1 };
	TB_VEC(char *) removed = { NULL, 0 };

	*next = tb_evict_assess(b, now, &env, &removed);
	for (size_t i = 0; i < removed.n; i++)
		tb_free(removed.v[i]);
	tb_free(removed.v);
	return b->spec.graceful_eviction_tasks.n;
}

static void test_failover__disruption_budget(void **state)
{
	struct tb_evict_opts drain = { .purge_mode = "Graciously", .producer = TB_PRODUCER_TAINT_MANAGER,
				       .reason = TB_REASON_DRAIN };
	struct tb_evict_opts fail = drain;
	struct tb_binding *b;
	int64_t next;

	(void)state;
	assert_int_equal(tb_min_available_parse("3", 6), 3);
	assert_int_equal(tb_min_available_parse("0", 6), 0);
	assert_int_equal(tb_min_available_parse("50%", 5), 3);	/* rounded up */
	assert_int_equal(tb_min_available_parse("100%", 6), 6);
	assert_int_equal(tb_min_available_parse("0%", 6), 0);
	assert_int_equal(tb_min_available_parse("101%", 6), -1);
	assert_int_equal(tb_min_available_parse("-1", 6), -1);
	assert_int_equal(tb_min_available_parse("3x", 6), -1);
	assert_int_equal(tb_min_available_parse("", 6), -1);
	assert_int_equal(tb_min_available_parse("%", 6), -1);
	assert_int_equal(tb_min_available_parse("99999999999999999999", 6), -1);

	/* m1 (2 replicas) drained; m2 now wants all 6 and has 4 ready. */
	b = binding();
	assert_true(tb_evict_cluster(&b->spec, "m1", &drain));
	b->spec.clusters.v[0].replicas = 6;
	set_ready(b, "m2", "Unhealthy", 4);
	assert_int_equal(tb_evict_budget(b, &b->spec.graceful_eviction_tasks.v[0]), 6);
	assert_int_equal(assess_left(b, 1000 * S, &next), 1);		/* stamped */
	assert_int_equal(assess_left(b, 1601 * S, &next), 1);		/* out of time: held */
	assert_int_equal(next, TB_EVICT_BUDGET_RETRY_MS);
	/* A budget of 4 (the policy's annotation) is met by the 4 ready. */
	tb_strmap_set(&b->metadata.annotations, TB_ANN_MIN_AVAILABLE, "4");
	assert_int_equal(tb_evict_budget(b, &b->spec.graceful_eviction_tasks.v[0]), 4);
	assert_int_equal(assess_left(b, 1602 * S, &next), 0);
	tb_schema_free(&tb_binding_schema, b);

	/* The same for a failure's eviction: with no annotation, Karmada's
	 * grace period alone; with one, the budget holds it too. */
	fail.reason = TB_REASON_TAINT_UNTOLERATED;
	b = binding();
	assert_true(tb_evict_cluster(&b->spec, "m1", &fail));
	set_ready(b, "m2", "Unhealthy", 1);
	assert_int_equal(tb_evict_budget(b, &b->spec.graceful_eviction_tasks.v[0]), 0);
	tb_strmap_set(&b->metadata.annotations, TB_ANN_MIN_AVAILABLE, "50%");
	assert_int_equal(tb_evict_budget(b, &b->spec.graceful_eviction_tasks.v[0]), 3);
	assert_int_equal(assess_left(b, 1000 * S, &next), 1);
	assert_int_equal(assess_left(b, 1601 * S, &next), 1);
	/* More than the binding wants is never asked for. */
	tb_strmap_set(&b->metadata.annotations, TB_ANN_MIN_AVAILABLE, "100");
	assert_int_equal(tb_evict_budget(b, &b->spec.graceful_eviction_tasks.v[0]), 4);
	tb_strmap_set(&b->metadata.annotations, TB_ANN_MIN_AVAILABLE, "1");
	assert_int_equal(assess_left(b, 1602 * S, &next), 0);
	tb_schema_free(&tb_binding_schema, b);

	/* Healthy targets end a task whatever the budget; but not while the
	 * binding is needed there (a companion of a workload still there). */
	b = binding();
	assert_true(tb_evict_cluster(&b->spec, "m1", &drain));
	set_ready(b, "m2", "Healthy", 4);
	needed_m1 = true;
	assert_int_equal(assess_left(b, 1000 * S, &next), 1);
	assert_int_equal(assess_left(b, 1001 * S, &next), 1);
	assert_int_equal(assess_left(b, 1700 * S, &next), 1);	/* nor past its time */
	assert_int_equal(next, TB_EVICT_BUDGET_RETRY_MS);
	needed_m1 = false;
	assert_int_equal(assess_left(b, 1701 * S, &next), 0);
	tb_schema_free(&tb_binding_schema, b);
}

/* ---- outage and rate ----------------------------------------------------------------- */

static void test_failover__outage_and_rate(void **state)
{
	struct tb_failover_config c;
	struct tb_ratelimit rl;
	int i, taken = 0;

	(void)state;
	tb_config_init(&c);	/* 55 %, at least 3 clusters */
	assert_false(tb_outage_active(2, 2, &c));	/* too few clusters to judge */
	assert_false(tb_outage_active(1, 3, &c));
	assert_true(tb_outage_active(2, 3, &c));
	assert_false(tb_outage_active(55, 100, &c));
	assert_true(tb_outage_active(56, 100, &c));
	/* An eviction needs more than 45 % of the others answering afresh. */
	assert_int_equal(tb_quorum_needed(100, &c), 46);
	assert_int_equal(tb_probe_classify(true, 200, false), TB_PROBE_OK);
	assert_int_equal(tb_probe_classify(true, 500, false), TB_PROBE_NOT_OK);
	assert_int_equal(tb_probe_classify(false, 0, true), TB_PROBE_TIMEOUT);
	assert_int_equal(tb_probe_classify(false, 0, false), TB_PROBE_UNREACHABLE);
	assert_int_equal(tb_ready_parse("True"), TB_READY_TRUE);
	assert_int_equal(tb_ready_parse("False"), TB_READY_FALSE);
	assert_int_equal(tb_ready_parse("Maybe"), TB_READY_UNKNOWN);
	assert_int_equal(tb_ready_parse(NULL), TB_READY_NONE);
	assert_int_equal(tb_quorum_needed(2, &c), 1);
	assert_int_equal(tb_quorum_needed(0, &c), 0);
	c.mass_outage_threshold = 0;
	assert_false(tb_outage_active(100, 100, &c));
	assert_int_equal(tb_quorum_needed(100, &c), 0);

	c.eviction_rate = 10;
	c.eviction_burst = 5;
	tb_ratelimit_init(&rl, &c, 0);
	for (i = 0; i < 10; i++)
		taken += tb_ratelimit_take(&rl, &c, 0);
	assert_int_equal(taken, 5);
	assert_int_equal(tb_ratelimit_wait_ms(&rl, &c, 0), 100);
	assert_false(tb_ratelimit_take(&rl, &c, 99));
	assert_true(tb_ratelimit_take(&rl, &c, 100));
	/* One second refills ten, capped at the burst. */
	taken = 0;
	for (i = 0; i < 10; i++)
		taken += tb_ratelimit_take(&rl, &c, 5000);
	assert_int_equal(taken, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failover__config),
		cmocka_unit_test(test_failover__threshold_detector),
		cmocka_unit_test(test_failover__phi_detector),
		cmocka_unit_test(test_failover__adaptive_timeout),
		cmocka_unit_test(test_failover__cluster_taints),
		cmocka_unit_test(test_failover__cluster_taint_policy),
		cmocka_unit_test(test_failover__taint_manager),
		cmocka_unit_test(test_failover__graceful_eviction),
		cmocka_unit_test(test_failover__disruption_budget),
		cmocka_unit_test(test_failover__outage_and_rate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
