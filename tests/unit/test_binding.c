/* ResourceBinding, ClusterResourceBinding and Work: decoding, round trips
 * and the checks the CRD schemas make. */
#include "testutil.h"

#include "api/binding.h"
#include "api/work.h"

#define RB_HEAD \
	"apiVersion: work.karmada.io/v1alpha2\nkind: ResourceBinding\n" \
	"metadata:\n  name: nginx-deployment\n  namespace: default\n" \
	"spec:\n  resource:\n    apiVersion: apps/v1\n    kind: Deployment\n" \
	"    name: nginx\n    namespace: default\n"

static void test_binding__full_object(void **state)
{
	static const char text[] = RB_HEAD
		"  replicas: 6\n"
		"  replicaRequirements:\n    resourceRequest: {cpu: 500m, memory: 256Mi}\n"
		"    nodeClaim:\n      nodeSelector: {disk: ssd}\n"
		"      hardNodeAffinity: {nodeSelectorTerms: [{matchExpressions: []}]}\n"
		"  clusters:\n  - {name: member2, replicas: 3}\n  - {name: member3, replicas: 3}\n"
		"  gracefulEvictionTasks:\n"
		"  - fromCluster: member1\n    purgeMode: Graciously\n    replicas: 2\n"
		"    reason: TaintUntolerated\n    producer: TaintManager\n"
		"    creationTimestamp: \"2026-11-26T10:00:00Z\"\n"
		"  placement:\n    clusterAffinity: {clusterNames: [member1, member2, member3]}\n"
		"status:\n  schedulerObservedGeneration: 2\n"
		"  aggregatedStatus:\n  - clusterName: member2\n    applied: true\n"
		"    health: Healthy\n    status: {readyReplicas: 3, replicas: 3}\n";
	struct tb_binding *b;
	struct tb_object o;
	json_t *in, *out;
	char *got;

	(void)state;
	got = tu_check(text, &o, 1, NULL);
	assert_string_equal(got, "");
	tb_free(got);
	b = o.typed;
	assert_int_equal(b->spec.replicas, 6);
	assert_int_equal(b->spec.clusters.n, 2);
	assert_string_equal(b->spec.clusters.v[1].name, "member3");
	assert_int_equal(b->spec.graceful_eviction_tasks.n, 1);
	assert_true(b->spec.graceful_eviction_tasks.v[0].replicas.set);
	assert_int_equal(b->spec.graceful_eviction_tasks.v[0].creation_timestamp, 1795687200000LL);
	assert_int_equal(tb_quantity_milli(tb_reslist_get(&b->spec.replica_requirements->resource_request,
							  "cpu")), 500);
	assert_string_equal(b->status.aggregated_status.v[0].health, "Healthy");
	assert_int_equal(json_integer_value(json_object_get(b->status.aggregated_status.v[0].status,
							    "readyReplicas")), 3);
	/* The raw status and hardNodeAffinity survive the round trip. */
	{
		struct tb_docs docs = TB_DOCS_INIT;
		assert_int_equal(tb_codec_decode(text, strlen(text), &docs, NULL), 0);
		in = json_incref(docs.v[0].json);
		tb_docs_release(&docs);
	}
	out = tb_object_encode(&o);
	assert_true(json_equal(in, out));
	json_decref(in);
	json_decref(out);
	tb_object_release(&o);
}

static void test_binding__bad_inputs(void **state)
{
	(void)state;
	tu_expect_error(RB_HEAD "  clusters:\n  - {name: member1, replicas: 1}\n"
			"  - {name: member1, replicas: 2}\n",
			"spec.clusters[1].name: Duplicate value: \"member1\"");
	tu_expect_error(RB_HEAD "  replicas: -1\n",
			"spec.replicas: Invalid value: -1: must be greater than or equal to 0");
	tu_expect_error(RB_HEAD "  gracefulEvictionTasks:\n  - fromCluster: m1\n"
			"    reason: \"bad reason\"\n    producer: p\n",
			"spec.gracefulEvictionTasks[0].reason: Invalid value: \"bad reason\": must "
			"match the pattern '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$'");
	tu_expect_error(RB_HEAD "  gracefulEvictionTasks:\n  - fromCluster: m1\n"
			"    reason: R\n",
			"spec.gracefulEvictionTasks[0].producer: Required value");
	tu_expect_error(RB_HEAD "  gracefulEvictionTasks:\n  - fromCluster: m1\n"
			"    reason: R\n    producer: p\n    purgeMode: Later\n",
			"spec.gracefulEvictionTasks[0].purgeMode: Unsupported value: \"Later\": "
			"supported values: \"Immediately\", \"Graciously\", \"Never\", \"Directly\", "
			"\"Gracefully\"");
	tu_expect_error(RB_HEAD "  gracefulEvictionTasks:\n"
			"  - {fromCluster: m1, reason: R, producer: p}\n"
			"  - {fromCluster: m1, reason: R, producer: p}\n",
			"spec.gracefulEvictionTasks[1].fromCluster: Duplicate value: \"m1\": a "
			"cluster has at most one graceful eviction task");
	tu_expect_error(RB_HEAD "  replicaRequirements:\n    resourceRequest: {cpu: lots}\n",
			"spec.replicaRequirements.resourceRequest[cpu]: Invalid value: \"lots\": *");
	tu_expect_error("apiVersion: work.karmada.io/v1alpha2\nkind: ResourceBinding\n"
			"metadata:\n  name: x\nspec:\n  resource: {kind: Deployment}\n",
			"spec.resource.apiVersion: Required value\nspec.resource.name: Required value");
	tu_expect_error(RB_HEAD "status:\n  aggregatedStatus:\n  - clusterName: m1\n"
			"    health: Fine\n",
			"status.aggregatedStatus[0].health: Unsupported value: \"Fine\": supported "
			"values: \"Healthy\", \"Unhealthy\", \"Unknown\"");
	tu_expect_error("apiVersion: work.karmada.io/v1alpha1\nkind: ResourceBinding\n"
			"metadata:\n  name: x\n",
			"apiVersion: Unsupported value: \"work.karmada.io/v1alpha1\": supported "
			"values: \"work.karmada.io/v1alpha2\"");
	tu_expect_ok("apiVersion: work.karmada.io/v1alpha2\nkind: ClusterResourceBinding\n"
		     "metadata:\n  name: ns-team-a\nspec:\n  resource:\n    apiVersion: v1\n"
		     "    kind: Namespace\n    name: team-a\n  clusters: [{name: m1}]\n");
}

static void test_binding__work(void **state)
{
	static const char work[] =
		"apiVersion: work.karmada.io/v1alpha1\nkind: Work\nmetadata:\n"
		"  name: nginx-687f7fb96f\n  namespace: karmada-es-member1\nspec:\n"
		"  workload:\n    manifests:\n"
		"    - apiVersion: apps/v1\n      kind: Deployment\n"
		"      metadata: {name: nginx, namespace: default}\n      spec: {replicas: 2}\n"
		"status:\n  manifestStatuses:\n  - identifier: {ordinal: 0, group: apps, "
		"version: v1, kind: Deployment, resource: deployments, namespace: default, "
		"name: nginx}\n    health: Healthy\n    status: {readyReplicas: 2}\n";
	struct tb_object o;
	struct tb_work *w;
	char *got;

	(void)state;
	got = tu_check(work, &o, 0, NULL);
	assert_string_equal(got, "");
	tb_free(got);
	w = o.typed;
	assert_int_equal(w->spec.workload->manifests.n, 1);
	assert_string_equal(json_string_value(json_object_get(w->spec.workload->manifests.v[0],
							      "kind")), "Deployment");
	assert_string_equal(w->status.manifest_statuses.v[0].identifier.resource, "deployments");
	tb_object_release(&o);

	tu_expect_error("apiVersion: work.karmada.io/v1alpha1\nkind: Work\nmetadata:\n"
			"  name: w\n  namespace: karmada-es-m1\nspec:\n  workload:\n"
			"    manifests:\n    - apiVersion: v1\n      metadata: {name: x}\n",
			"spec.workload.manifests[0].kind: Required value");
	tu_expect_error("apiVersion: work.karmada.io/v1alpha1\nkind: Work\nmetadata:\n"
			"  name: w\nspec:\n  workload:\n    manifests: [a]\n",
			"spec.workload.manifests[0]: Invalid value: \"a\": must be of type object");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binding__full_object),
		cmocka_unit_test(test_binding__bad_inputs),
		cmocka_unit_test(test_binding__work),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
