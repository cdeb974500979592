/* Unit tests for tug-membersim's pure parts: the simulated kubelets
 * (placement, readiness, scale down order, Job completion), the Deployment
 * and Job status they produce, the fault decisions, and the object store's
 * kube-apiserver rules (resourceVersion, generation, conflicts, errors), and
 * the Services' traffic (which Service a request names, when it answers),
 * walked along a timeline of now_ms values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "membersim/fault.h"
#include "membersim/kubelet.h"
#include "membersim/service.h"
#include "membersim/state.h"
#include "membersim/status.h"

#define T0 1764156000000LL	/* 2025-11-26T11:20:00Z */
#define GI (1LL << 30)

/* ---- kubelet ---------------------------------------------------------------- */

static void nodes_init(struct tb_kubelet_node *n, size_t count, int64_t cpu_m, int64_t mem,
		       int64_t pods)
{
	size_t i;

	memset(n, 0, count * sizeof(*n));
	for (i = 0; i < count; i++) {
		n[i].cpu_m = cpu_m;
		n[i].mem = mem;
		n[i].pods = pods;
	}
}

static void test_kubelet__first_fit_and_ready_after_delay(void **state)
{
	struct tb_kubelet_node nodes[2];
	struct tb_kubelet k = { nodes, 2, 1000, 5000 };
	struct tb_kubelet_wl wl = TB_KUBELET_WL_INIT;
	struct tb_kubelet_counts c;
	int64_t next;

	(void)state;
	nodes_init(nodes, 2, 4000, 8 * GI, 110);
	wl.want = 3;
	wl.cpu_m = 2000;
	wl.mem = GI;
	next = tb_kubelet_sync(&k, &wl, T0, NULL);
	assert_int_equal(next, T0 + 1000);
	assert_int_equal(wl.n, 3);
	/* First fit: two on the first node, which is then full, one on the second. */
	assert_int_equal(wl.pods[0].node, 0);
	assert_int_equal(wl.pods[1].node, 0);
	assert_int_equal(wl.pods[2].node, 1);
	assert_int_equal(nodes[0].used_cpu_m, 4000);
	tb_kubelet_count(&k, &wl, T0 + 999, &c);
	assert_int_equal(c.ready, 0);
	tb_kubelet_count(&k, &wl, T0 + 1000, &c);
	assert_int_equal(c.ready, 3);
	assert_int_equal(tb_kubelet_sync(&k, &wl, T0 + 1000, NULL), TB_KUBELET_NEVER);
	tb_kubelet_drain(&k, &wl);
	assert_int_equal(nodes[0].used_cpu_m, 0);
	assert_int_equal(nodes[1].used_pods, 0);
	tb_kubelet_wl_release(&wl);
}

static void test_kubelet__too_big_stays_pending_until_room(void **state)
{
	struct tb_kubelet_node nodes[1];
	struct tb_kubelet k = { nodes, 1, 1000, 5000 };
	struct tb_kubelet_wl a = TB_KUBELET_WL_INIT, b = TB_KUBELET_WL_INIT;
	struct tb_kubelet_counts c;
	bool freed = false;

	(void)state;
	nodes_init(nodes, 1, 4000, 64 * GI, 110);
	a.want = 3;
	a.cpu_m = 1000;
	tb_kubelet_sync(&k, &a, T0, NULL);
	b.want = 2;
	b.cpu_m = 1000;
	tb_kubelet_sync(&k, &b, T0, NULL);
	assert_true(tb_kubelet_has_pending(&b));
	tb_kubelet_count(&k, &b, T0 + 5000, &c);
	assert_int_equal(c.pods, 2);
	assert_int_equal(c.scheduled, 1);
	assert_int_equal(c.ready, 1);
	/* a scales down: room comes back, and b's pending pod fits then. */
	a.want = 1;
	tb_kubelet_sync(&k, &a, T0 + 6000, &freed);
	assert_true(freed);
	assert_int_equal(tb_kubelet_sync(&k, &b, T0 + 6000, NULL), T0 + 7000);
	assert_false(tb_kubelet_has_pending(&b));
	tb_kubelet_count(&k, &b, T0 + 7000, &c);
	assert_int_equal(c.ready, 2);
	tb_kubelet_wl_release(&a);
	tb_kubelet_wl_release(&b);
}

static void test_kubelet__scale_down_order(void **state)
{
	struct tb_kubelet_node nodes[1];
	struct tb_kubelet k = { nodes, 1, 1000, 5000 };
	struct tb_kubelet_wl wl = TB_KUBELET_WL_INIT;
	struct tb_kubelet_counts c;

	(void)state;
	nodes_init(nodes, 1, 3000, 64 * GI, 110);
	wl.want = 2;
	wl.cpu_m = 1000;
	tb_kubelet_sync(&k, &wl, T0, NULL);		/* ids 0, 1: ready at T0+1000 */
	wl.want = 4;
	tb_kubelet_sync(&k, &wl, T0 + 2000, NULL);	/* id 2 placed, id 3 pending */
	tb_kubelet_count(&k, &wl, T0 + 2500, &c);
	assert_int_equal(c.scheduled, 3);
	assert_int_equal(c.ready, 2);
	/* Down to 3: the unschedulable pod goes first. */
	wl.want = 3;
	tb_kubelet_sync(&k, &wl, T0 + 2500, NULL);
	assert_false(tb_kubelet_has_pending(&wl));
	/* Down to 2: then the one not ready yet, keeping the two ready ones. */
	wl.want = 2;
	tb_kubelet_sync(&k, &wl, T0 + 2500, NULL);
	tb_kubelet_count(&k, &wl, T0 + 2500, &c);
	assert_int_equal(c.pods, 2);
	assert_int_equal(c.ready, 2);
	/* Down to 1: the newest ready one goes. */
	wl.want = 1;
	tb_kubelet_sync(&k, &wl, T0 + 2500, NULL);
	assert_int_equal(wl.n, 1);
	assert_int_equal(wl.pods[0].id, 0);
	assert_int_equal(nodes[0].used_cpu_m, 1000);
	tb_kubelet_wl_release(&wl);
}

static void test_kubelet__job_completes(void **state)
{
	struct tb_kubelet_node nodes[1];
	struct tb_kubelet k = { nodes, 1, 1000, 5000 };
	struct tb_kubelet_wl wl = TB_KUBELET_WL_INIT;
	struct tb_kubelet_counts c;

	(void)state;
	nodes_init(nodes, 1, 8000, 64 * GI, 110);
	wl.job = true;
	wl.want = 2;		/* parallelism */
	wl.completions = 3;
	assert_int_equal(tb_kubelet_sync(&k, &wl, T0, NULL), T0 + 1000);
	assert_int_equal(wl.n, 2);
	assert_int_equal(tb_kubelet_sync(&k, &wl, T0 + 1000, NULL), T0 + 5000);
	/* A late visit: the two pods succeeded at T0+5000, one more starts now. */
	tb_kubelet_sync(&k, &wl, T0 + 5500, NULL);
	assert_int_equal(wl.succeeded, 2);
	assert_int_equal(wl.n, 1);
	tb_kubelet_count(&k, &wl, T0 + 5500, &c);
	assert_false(c.complete);
	assert_int_equal(tb_kubelet_sync(&k, &wl, T0 + 10500, NULL), TB_KUBELET_NEVER);
	assert_int_equal(wl.succeeded, 3);
	assert_int_equal(wl.done_ms, T0 + 10500);
	assert_int_equal(wl.n, 0);
	assert_int_equal(nodes[0].used_pods, 0);
	tb_kubelet_count(&k, &wl, T0 + 10500, &c);
	assert_true(c.complete);
	tb_kubelet_wl_release(&wl);
}

/* ---- status ------------------------------------------------------------------- */

static json_t *deployment(int replicas, const char *max_unavailable)
{
	json_t *d = json_pack("{s:s, s:s, s:{s:s, s:s, s:i}, s:{s:i, s:{s:{s:{s:s}}}}}",
			      "apiVersion", "apps/v1", "kind", "Deployment", "metadata",
			      "name", "web", "namespace", "default", "generation", 2,
			      "spec", "replicas", replicas, "template", "metadata", "labels",
			      "app", "web");

	if (max_unavailable)
		json_object_set_new(json_object_get(d, "spec"), "strategy", json_pack(
			"{s:s, s:{s:s}}", "type", "RollingUpdate", "rollingUpdate",
			"maxUnavailable", max_unavailable));
	return d;
}

static const json_t *cond(const json_t *st, const char *type)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(st, "conditions"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "type")), type))
			return c;
	return NULL;
}

static const char *cond_field(const json_t *st, const char *type, const char *field)
{
	return json_string_value(json_object_get(cond(st, type), field));
}

static void test_status__deployment_counts_and_conditions(void **state)
{
	json_t *d = deployment(4, NULL), *st, *st2;
	struct tb_kubelet_counts c = { 4, 4, 2, 0, false };

	(void)state;
	assert_int_equal(tb_msim_max_unavailable(d, 4), 1);
	st = tb_msim_deploy_status(d, &c, NULL, T0);
	assert_int_equal(json_integer_value(json_object_get(st, "observedGeneration")), 2);
	assert_int_equal(json_integer_value(json_object_get(st, "replicas")), 4);
	assert_int_equal(json_integer_value(json_object_get(st, "readyReplicas")), 2);
	assert_int_equal(json_integer_value(json_object_get(st, "availableReplicas")), 2);
	assert_int_equal(json_integer_value(json_object_get(st, "unavailableReplicas")), 2);
	/* 2 ready < 4 - 1 allowed unavailable. */
	assert_string_equal(cond_field(st, "Available", "status"), "False");
	assert_string_equal(cond_field(st, "Progressing", "reason"), "ReplicaSetUpdated");
	c.ready = 3;
	st2 = tb_msim_deploy_status(d, &c, st, T0 + 5000);
	assert_string_equal(cond_field(st2, "Available", "status"), "True");
	assert_string_equal(cond_field(st2, "Available", "lastTransitionTime"),
			    "2025-11-26T11:20:05Z");
	/* Progressing stayed True: its transition time stays. */
	assert_string_equal(cond_field(st2, "Progressing", "lastTransitionTime"),
			    "2025-11-26T11:20:00Z");
	json_decref(st);
	c.ready = 4;
	st = tb_msim_deploy_status(d, &c, st2, T0 + 6000);
	assert_string_equal(cond_field(st, "Progressing", "reason"), "NewReplicaSetAvailable");
	assert_null(json_object_get(st, "unavailableReplicas"));
	json_decref(st);
	json_decref(st2);
	json_decref(d);
	d = deployment(10, "50%");
	assert_int_equal(tb_msim_max_unavailable(d, 10), 5);
	json_decref(d);
}

/* ---- faults --------------------------------------------------------------------- */

static void test_fault__decisions(void **state)
{
	struct tb_fault f = TB_FAULT_INIT;
	int64_t d = -1;
	uint64_t r;

	(void)state;
	assert_int_equal(tb_fault_decide(&f, true, T0, 0, &d), TB_FA_ANSWER);
	f.mode = TB_FAULT_DOWN;
	assert_int_equal(tb_fault_decide(&f, false, T0, 0, &d), TB_FA_DROP);
	f.mode = TB_FAULT_HANG;
	assert_int_equal(tb_fault_decide(&f, true, T0, 0, &d), TB_FA_HOLD);
	f.mode = TB_FAULT_ERROR;
	assert_int_equal(tb_fault_decide(&f, true, T0, 0, &d), TB_FA_FAIL_HEALTH);
	assert_int_equal(tb_fault_decide(&f, false, T0, 0, &d), TB_FA_ANSWER);
	f.mode = TB_FAULT_FLAP;
	f.since_ms = T0;
	f.period_ms = 1000;
	assert_int_equal(tb_fault_decide(&f, true, T0 + 10, 0, &d), TB_FA_DROP);
	assert_int_equal(tb_fault_decide(&f, true, T0 + 1500, 0, &d), TB_FA_ANSWER);
	assert_int_equal(tb_fault_decide(&f, true, T0 + 2000, 0, &d), TB_FA_DROP);
	f.mode = TB_FAULT_SLOW;
	f.latency_ms = 200;
	f.jitter_ms = 50;
	for (r = 0; r < 1000; r += 7) {
		assert_int_equal(tb_fault_decide(&f, false, T0, r, &d), TB_FA_DELAY);
		assert_true(d >= 150 && d <= 250);
	}
}

static void test_fault__from_json(void **state)
{
	struct tb_err err = TB_ERR_INIT;
	struct tb_fault f = TB_FAULT_INIT;
	json_t *j;

	(void)state;
	j = json_pack("{s:s, s:s, s:s}", "mode", "slow", "latency", "1.5s", "jitter", "200ms");
	assert_int_equal(tb_fault_from_json(j, T0, &f, &err), 0);
	assert_int_equal(f.mode, TB_FAULT_SLOW);
	assert_int_equal(f.latency_ms, 1500);
	assert_int_equal(f.jitter_ms, 200);
	assert_int_equal(f.since_ms, T0);
	json_decref(j);
	j = json_pack("{s:s, s:i}", "mode", "error", "status", 503);
	assert_int_equal(tb_fault_from_json(j, T0, &f, &err), 0);
	assert_int_equal(f.status, 503);
	assert_int_equal(f.latency_ms, TB_FAULT_DEFAULT_LATENCY_MS);
	json_decref(j);
	j = json_pack("{s:s}", "mode", "sideways");
	assert_int_equal(tb_fault_from_json(j, T0, &f, &err), -TB_EINVAL);
	assert_non_null(strstr(err.msg, "unknown mode \"sideways\""));
	assert_int_equal(f.status, 503);	/* untouched on error */
	json_decref(j);
	j = json_pack("{s:s, s:s}", "mode", "flap", "period", "1d");
	assert_int_equal(tb_fault_from_json(j, T0, &f, &err), -TB_EINVAL);
	assert_non_null(strstr(err.msg, "period: time: unknown unit"));
	json_decref(j);
}

/* ---- state ------------------------------------------------------------------------ */

static const struct tb_msim_opts sim_opts = {
	.nodes = 2, .node_cpu_m = 4000, .node_mem = 16 * GI, .node_pods = 110,
	.ready_delay_ms = 1000, .job_duration_ms = 3000, .kube_version = "v1.32.0",
};

static json_t *deploy_body(const char *name, int replicas, const char *cpu)
{
	return json_pack("{s:s, s:s, s:{s:s, s:{s:s}}, s:{s:i, s:{s:{s:s}}, s:{s:{s:{s:s}},"
			 " s:{s:[{s:s, s:s, s:{s:{s:s}}}]}}}}",
			 "apiVersion", "apps/v1", "kind", "Deployment",
			 "metadata", "name", name, "labels", "app", name,
			 "spec", "replicas", replicas, "selector", "matchLabels", "app", name,
			 "template", "metadata", "labels", "app", name,
			 "spec", "containers", "name", "c", "image", "nginx", "resources",
			 "requests", "cpu", cpu);
}

static const char *rv_of(const json_t *o)
{
	return json_string_value(json_object_get(json_object_get(o, "metadata"), "resourceVersion"));
}

static int64_t status_int(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(o, "status"), key));
}

static void test_state__crud_like_kube(void **state)
{
	struct tb_msim sim;
	struct tb_msim_cluster *c;
	struct tb_msim_ref dref = { TB_MSIM_DEPLOYMENTS, "default", "web", "" };
	struct tb_msim_ref coll = { TB_MSIM_DEPLOYMENTS, "default", "", "" };
	struct tb_err err = TB_ERR_INIT;
	json_t *body = deploy_body("web", 2, "1"), *out = NULL, *out2 = NULL, *stale;
	char rv1[24];
	bool created;

	(void)state;
	tb_msim_init(&sim, &sim_opts);
	assert_int_equal(tb_msim_add_cluster(&sim, "member1", T0, &err), 0);
	assert_int_equal(tb_msim_add_cluster(&sim, "member1", T0, &err), -TB_EEXIST);
	c = tb_msim_cluster(&sim, "member1");
	assert_non_null(c);

	assert_int_equal(tb_msim_create(&sim, c, &coll, body, T0, &out, &err), 0);
	assert_non_null(json_object_get(json_object_get(out, "metadata"), "uid"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "metadata"),
							    "generation")), 1);
	snprintf(rv1, sizeof(rv1), "%s", rv_of(out));
	assert_int_equal(status_int(out, "replicas"), 2);
	assert_int_equal(status_int(out, "readyReplicas"), 0);
	assert_int_equal(tb_msim_create(&sim, c, &coll, body, T0, &out2, &err), -TB_EEXIST);
	assert_string_equal(err.msg, "deployments.apps \"web\" already exists");
	/* Only the workload with a pending transition is queued. */
	assert_int_equal(sim.heap_n, 1);
	assert_int_equal(tb_msim_next_wake(&sim), T0 + 1000);

	/* The kubelets make the replicas ready; the status write is a new rv. */
	assert_int_equal(tb_msim_run(&sim, T0 + 1000), TB_KUBELET_NEVER);
	assert_int_equal(sim.heap_n, 0);
	json_decref(out);
	assert_int_equal(tb_msim_get(&sim, c, &dref, T0 + 1000, &out, &err), 0);
	assert_int_equal(status_int(out, "readyReplicas"), 2);
	assert_string_not_equal(rv_of(out), rv1);

	/* A stale resourceVersion is a conflict; the current one goes through
	 * and a spec change bumps the generation. */
	stale = json_deep_copy(body);
	json_object_set_new(json_object_get(stale, "metadata"), "resourceVersion",
			    json_string(rv1));
	assert_int_equal(tb_msim_update(&sim, c, &dref, stale, T0 + 1100, &out2, &err),
			 -TB_ECONFLICT);
	assert_non_null(strstr(err.msg, "the object has been modified"));
	json_object_set_new(json_object_get(stale, "metadata"), "resourceVersion",
			    json_string(rv_of(out)));
	json_object_set_new(json_object_get(stale, "spec"), "replicas", json_integer(3));
	assert_int_equal(tb_msim_update(&sim, c, &dref, stale, T0 + 1100, &out2, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out2, "metadata"),
							    "generation")), 2);
	assert_int_equal(status_int(out2, "replicas"), 3);
	assert_int_equal(status_int(out2, "readyReplicas"), 2);
	assert_int_equal(status_int(out2, "observedGeneration"), 2);
	json_decref(stale);
	json_decref(out);

	/* A no-op merge patch keeps the resourceVersion. */
	out = json_pack("{s:{s:i}}", "spec", "replicas", 3);
	assert_int_equal(tb_msim_patch(&sim, c, &dref, TB_MSIM_PATCH_MERGE, out, T0 + 1200,
				       &stale, &created, &err), 0);
	assert_string_equal(rv_of(stale), rv_of(out2));
	assert_false(created);
	json_decref(stale);
	json_decref(out);
	json_decref(out2);

	/* Server-side apply creates what does not exist. */
	json_decref(body);
	body = deploy_body("api", 1, "500m");
	dref.name = "api";
	assert_int_equal(tb_msim_patch(&sim, c, &dref, TB_MSIM_PATCH_APPLY, body, T0 + 1300,
				       &out, &created, &err), 0);
	assert_true(created);
	json_decref(out);

	/* List with a label selector. */
	assert_int_equal(tb_msim_list(&sim, c, &coll, "app=api", NULL, T0 + 1300, &out, &err),
			 0);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	assert_string_equal(json_string_value(json_object_get(out, "kind")), "DeploymentList");
	assert_non_null(rv_of(out));
	json_decref(out);

	/* Delete, then get is NotFound. */
	assert_int_equal(tb_msim_delete(&sim, c, &dref, NULL, NULL, T0 + 1400, &out, &err), 0);
	json_decref(out);
	assert_int_equal(tb_msim_get(&sim, c, &dref, T0 + 1400, &out, &err), -TB_ENOENT);
	assert_string_equal(err.msg, "deployments.apps \"api\" not found");

	/* A missing namespace is NotFound, as kube-apiserver says it. */
	coll.ns = "nope";
	assert_int_equal(tb_msim_create(&sim, c, &coll, body, T0, &out, &err), -TB_ENOENT);
	assert_string_equal(err.msg, "namespaces \"nope\" not found");
	json_decref(body);
	tb_msim_release(&sim);
}

static void test_state__pods_and_capacity(void **state)
{
	struct tb_msim sim;
	struct tb_msim_cluster *c;
	struct tb_msim_ref coll = { TB_MSIM_DEPLOYMENTS, "default", "", "" };
	struct tb_msim_ref pods = { TB_MSIM_PODS, "", "", "" };
	struct tb_msim_ref big = { TB_MSIM_DEPLOYMENTS, "default", "big", "" };
	struct tb_err err = TB_ERR_INIT;
	json_t *body = deploy_body("big", 5, "3"), *out = NULL, *sel = NULL;

	(void)state;
	tb_msim_init(&sim, &sim_opts);
	assert_int_equal(tb_msim_add_cluster(&sim, "m", T0, &err), 0);
	c = tb_msim_cluster(&sim, "m");
	/* Two nodes of 4 cpu: only two replicas of 3 cpu fit. */
	assert_int_equal(tb_msim_create(&sim, c, &coll, body, T0, &out, &err), 0);
	json_decref(out);
	tb_msim_run(&sim, T0 + 5000);
	assert_int_equal(tb_msim_get(&sim, c, &big, T0 + 5000, &out, &err), 0);
	assert_int_equal(status_int(out, "replicas"), 5);
	assert_int_equal(status_int(out, "readyReplicas"), 2);
	assert_int_equal(status_int(out, "unavailableReplicas"), 3);
	assert_string_equal(cond_field(json_object_get(out, "status"), "Available", "status"),
			    "False");
	json_decref(out);
	assert_int_equal(tb_msim_list(&sim, c, &pods, "app=big", "spec.nodeName=m-node-1",
				      T0 + 5000, &out, &err), 0);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	json_decref(out);
	assert_int_equal(tb_msim_list(&sim, c, &pods, NULL, "status.phase=Pending", T0 + 5000,
				      &out, &err), 0);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 3);
	json_decref(out);
	/* Scaling down to 2 removes the unschedulable ones at once. */
	sel = json_pack("{s:{s:i}}", "spec", "replicas", 2);
	{
		bool created;

		assert_int_equal(tb_msim_patch(&sim, c, &big, TB_MSIM_PATCH_MERGE, sel, T0 + 6000,
					       &out, &created, &err), 0);
	}
	assert_int_equal(status_int(out, "replicas"), 2);
	assert_int_equal(status_int(out, "readyReplicas"), 2);
	assert_string_equal(cond_field(json_object_get(out, "status"), "Progressing", "reason"),
			    "NewReplicaSetAvailable");
	json_decref(out);
	json_decref(sel);
	json_decref(body);
	tb_msim_release(&sim);
}

/* ---- services ---------------------------------------------------------------------- */

static void test_service__target_by_path_or_host(void **state)
{
	struct tb_msim_svc_target t = { "", "" };

	(void)state;
	assert_int_equal(tb_msim_service_target("/default/web", NULL, &t), 0);
	assert_string_equal(t.ns, "default");
	assert_string_equal(t.name, "web");
	/* The rest of the path is the application's. */
	assert_int_equal(tb_msim_service_target("/shop/cart/api/v1/items", "127.0.0.1:8080", &t),
			 0);
	assert_string_equal(t.ns, "shop");
	assert_string_equal(t.name, "cart");
	/* A Service name in Host wins over the path, in every form cluster DNS has. */
	assert_int_equal(tb_msim_service_target("/", "web.prod", &t), 0);
	assert_string_equal(t.ns, "prod");
	assert_string_equal(t.name, "web");
	assert_int_equal(tb_msim_service_target("/x", "api.team-a.svc:80", &t), 0);
	assert_string_equal(t.ns, "team-a");
	assert_string_equal(t.name, "api");
	assert_int_equal(tb_msim_service_target("/x", "db.data.svc.cluster.local", &t), 0);
	assert_string_equal(t.ns, "data");
	assert_string_equal(t.name, "db");
	/* An address or a public name is not a Service: the path decides. */
	assert_int_equal(tb_msim_service_target("/default/web", "localhost:80", &t), 0);
	assert_string_equal(t.name, "web");
	assert_int_equal(tb_msim_service_target("/default/web", "www.example.com", &t), 0);
	assert_string_equal(t.ns, "default");
	/* Neither names one: left alone. */
	assert_int_equal(tb_msim_service_target("/", NULL, &t), -TB_EINVAL);
	assert_int_equal(tb_msim_service_target("/default", "127.0.0.1", &t), -TB_EINVAL);
	assert_int_equal(tb_msim_service_target("/default/", NULL, &t), -TB_EINVAL);
	assert_int_equal(tb_msim_service_target("/Default/web", NULL, &t), -TB_EINVAL);
	assert_int_equal(tb_msim_service_target("//web", NULL, &t), -TB_EINVAL);
	assert_int_equal(tb_msim_service_target(NULL, "a..svc", &t), -TB_EINVAL);
	assert_string_equal(t.ns, "default");
	assert_string_equal(t.name, "web");
}

static json_t *service_body(const char *name, const char *app)
{
	json_t *svc = json_pack("{s:s, s:s, s:{s:s}, s:{s:[{s:i}]}}", "apiVersion", "v1",
				"kind", "Service", "metadata", "name", name, "spec", "ports",
				"port", 80);

	if (app)
		json_object_set_new(json_object_get(svc, "spec"), "selector",
				    json_pack("{s:s}", "app", app));
	return svc;
}

static void create(struct tb_msim *sim, struct tb_msim_cluster *c, enum tb_msim_res r,
		   const char *ns, json_t *body, int64_t now_ms)
{
	struct tb_msim_ref coll = { r, ns, "", "" };
	struct tb_err err = TB_ERR_INIT;
	json_t *out = NULL;

	assert_int_equal(tb_msim_create(sim, c, &coll, body, now_ms, &out, &err), 0);
	json_decref(out);
	json_decref(body);
}

static void test_service__answers_while_a_replica_is_ready(void **state)
{
	struct tb_msim sim;
	struct tb_msim_cluster *c;
	struct tb_msim_svc_target web = { "default", "web" }, bare = { "default", "bare" };
	struct tb_msim_svc_target other = { "kube-system", "web" };
	struct tb_msim_ref dref = { TB_MSIM_DEPLOYMENTS, "default", "web", "" };
	struct tb_msim_svc_answer a;
	struct tb_err err = TB_ERR_INIT;
	json_t *out = NULL, *scale;
	bool created;

	(void)state;
	tb_msim_init(&sim, &sim_opts);
	assert_int_equal(tb_msim_add_cluster(&sim, "member2", T0, &err), 0);
	c = tb_msim_cluster(&sim, "member2");

	/* No such Service: 404. */
	tb_msim_service_answer(&sim, c, &web, T0, &a);
	assert_int_equal(a.code, 404);
	assert_string_equal(a.body, "member2: no service default/web\n");

	/* A Service with nothing behind it: 503. */
	create(&sim, c, TB_MSIM_SERVICES, "default", service_body("web", "web"), T0);
	create(&sim, c, TB_MSIM_SERVICES, "default", service_body("bare", NULL), T0);
	tb_msim_service_answer(&sim, c, &web, T0, &a);
	assert_int_equal(a.code, 503);
	assert_int_equal(a.selected, 0);

	/* Deployments that do not match: another app, another namespace. */
	create(&sim, c, TB_MSIM_DEPLOYMENTS, "default", deploy_body("api", 1, "100m"), T0);
	create(&sim, c, TB_MSIM_SERVICES, "kube-system", service_body("web", "web"), T0);
	create(&sim, c, TB_MSIM_DEPLOYMENTS, "kube-system", deploy_body("web", 1, "100m"), T0);
	tb_msim_run(&sim, T0 + 5000);
	tb_msim_service_answer(&sim, c, &web, T0 + 5000, &a);
	assert_int_equal(a.code, 503);
	assert_int_equal(a.selected, 0);
	tb_msim_service_answer(&sim, c, &other, T0 + 5000, &a);
	assert_int_equal(a.code, 200);
	assert_int_equal(a.ready, 1);

	/* The matching Deployment answers from the ready delay on, not before,
	 * whether or not the timer has rewritten its status yet. */
	create(&sim, c, TB_MSIM_DEPLOYMENTS, "default", deploy_body("web", 2, "100m"), T0 + 6000);
	tb_msim_service_answer(&sim, c, &web, T0 + 6999, &a);
	assert_int_equal(a.code, 503);
	assert_int_equal(a.selected, 1);
	assert_int_equal(a.ready, 0);
	tb_msim_service_answer(&sim, c, &web, T0 + 7000, &a);
	assert_int_equal(a.code, 200);
	assert_int_equal(a.ready, 2);
	assert_string_equal(a.body, "member2 web\n");

	/* A selector-less Service has no endpoints of its own here. */
	tb_msim_service_answer(&sim, c, &bare, T0 + 7000, &a);
	assert_int_equal(a.code, 503);

	/* Scaled to zero: 503 at once; scaled up again: after the delay. */
	scale = json_pack("{s:{s:i}}", "spec", "replicas", 0);
	assert_int_equal(tb_msim_patch(&sim, c, &dref, TB_MSIM_PATCH_MERGE, scale, T0 + 8000,
				       &out, &created, &err), 0);
	json_decref(out);
	json_decref(scale);
	tb_msim_service_answer(&sim, c, &web, T0 + 8000, &a);
	assert_int_equal(a.code, 503);
	scale = json_pack("{s:{s:i}}", "spec", "replicas", 1);
	assert_int_equal(tb_msim_patch(&sim, c, &dref, TB_MSIM_PATCH_MERGE, scale, T0 + 9000,
				       &out, &created, &err), 0);
	json_decref(out);
	json_decref(scale);
	tb_msim_service_answer(&sim, c, &web, T0 + 9500, &a);
	assert_int_equal(a.code, 503);
	tb_msim_service_answer(&sim, c, &web, T0 + 10000, &a);
	assert_int_equal(a.code, 200);
	assert_int_equal(a.ready, 1);
	tb_msim_release(&sim);
}

/* Service traffic takes the cluster's fault as any request that is not a
 * health check does: down drops it, error does not touch it. */
static void test_service__faults(void **state)
{
	struct tb_fault f = TB_FAULT_INIT;
	int64_t delay = 0;

	(void)state;
	f.mode = TB_FAULT_DOWN;
	assert_int_equal(tb_fault_decide(&f, false, T0, 1, &delay), TB_FA_DROP);
	f.mode = TB_FAULT_HANG;
	assert_int_equal(tb_fault_decide(&f, false, T0, 1, &delay), TB_FA_HOLD);
	f.mode = TB_FAULT_ERROR;
	assert_int_equal(tb_fault_decide(&f, false, T0, 1, &delay), TB_FA_ANSWER);
	f.mode = TB_FAULT_SLOW;
	f.latency_ms = 200;
	assert_int_equal(tb_fault_decide(&f, false, T0, 1, &delay), TB_FA_DELAY);
	assert_int_equal(delay, 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kubelet__first_fit_and_ready_after_delay),
		cmocka_unit_test(test_kubelet__too_big_stays_pending_until_room),
		cmocka_unit_test(test_kubelet__scale_down_order),
		cmocka_unit_test(test_kubelet__job_completes),
		cmocka_unit_test(test_status__deployment_counts_and_conditions),
		cmocka_unit_test(test_fault__decisions),
		cmocka_unit_test(test_fault__from_json),
		cmocka_unit_test(test_state__crud_like_kube),
		cmocka_unit_test(test_state__pods_and_capacity),
		cmocka_unit_test(test_service__target_by_path_or_host),
		cmocka_unit_test(test_service__answers_while_a_replica_is_ready),
		cmocka_unit_test(test_service__faults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
