/* Cluster: decoding of a full Cluster (spec and status), Karmada's defaults
 * and validation. */
#include "testutil.h"

#include "api/cluster.h"

#define CLUSTER_HEAD \
	"apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: member1\n"

static void test_cluster__full_object(void **state)
{
	static const char text[] = CLUSTER_HEAD
		"spec:\n"
		"  syncMode: Push\n"
		"  apiEndpoint: https://10.0.0.1:6443\n"
		"  secretRef: {namespace: karmada-cluster, name: member1}\n"
		"  insecureSkipTLSVerification: true\n"
		"  provider: aws\n  region: us-east-1\n  zones: [us-east-1a, us-east-1b]\n"
		"  taints:\n  - key: cluster.karmada.io/not-ready\n    effect: NoSchedule\n"
		"  resourceModels:\n"
		"  - grade: 0\n    ranges:\n    - {name: cpu, min: 0, max: 1}\n"
		"  - grade: 1\n    ranges:\n    - {name: cpu, min: 1, max: \"9223372036854775807\"}\n"
		"status:\n"
		"  kubernetesVersion: v1.32.0\n"
		"  apiEnablements:\n  - groupVersion: apps/v1\n    resources:\n"
		"    - {name: deployments, kind: Deployment}\n"
		"  conditions:\n  - type: Ready\n    status: \"True\"\n    reason: ClusterReady\n"
		"    message: cluster is healthy and ready to accept workloads\n"
		"    lastTransitionTime: \"2026-11-26T10:00:00Z\"\n"
		"  nodeSummary: {totalNum: 3, readyNum: 3}\n"
		"  resourceSummary:\n"
		"    allocatable: {cpu: \"12\", memory: 48Gi, pods: \"330\"}\n"
		"    allocated: {cpu: 2500m, memory: 4096Mi}\n"
		"    allocatableModelings: [{grade: 0, count: 2}, {grade: 1, count: 0}]\n";
	const struct tb_condition *ready;
	const struct tb_quantity *q;
	struct tb_cluster *c;
	struct tb_object o;
	char buf[TB_QUANTITY_BUFSZ];
	char *got;
	json_t *out;

	(void)state;
	got = tu_check(text, &o, 0, NULL);
	assert_string_equal(got, "");
	tb_free(got);
	c = o.typed;
	assert_string_equal(c->spec.sync_mode, "Push");
	assert_true(c->spec.insecure_skip_tls_verification);
	assert_int_equal(c->spec.zones.n, 2);
	assert_int_equal(c->spec.taints.n, 1);
	assert_int_equal(c->spec.taints.v[0].time_added, 0);	/* NoSchedule: not stamped */
	ready = tb_condition_find(c->status.conditions.v, c->status.conditions.n, "Ready");
	assert_non_null(ready);
	assert_string_equal(ready->status, "True");
	assert_int_equal(ready->last_transition_time, 1795687200000LL);
	q = tb_reslist_get(&c->status.resource_summary->allocatable, "memory");
	assert_non_null(q);
	assert_int_equal(tb_quantity_value(q), 48LL << 30);
	q = tb_reslist_get(&c->status.resource_summary->allocated, "cpu");
	assert_int_equal(tb_quantity_milli(q), 2500);
	/* Quantities are printed back in canonical form, as Kubernetes does. */
	q = tb_reslist_get(&c->status.resource_summary->allocated, "memory");
	assert_string_equal(tb_quantity_format(q, buf), "4Gi");
	out = tb_object_encode(&o);
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(
		json_object_get(out, "status"), "resourceSummary"), "allocated"), "memory")), "4Gi");
	json_decref(out);
	tb_object_release(&o);
}

static void test_cluster__defaults(void **state)
{
	struct tb_cluster *c;
	struct tb_object o;
	char *got;

	(void)state;
	got = tu_check(CLUSTER_HEAD "spec:\n  syncMode: Pull\n  zone: z1\n  taints:\n"
		       "  - {key: maintenance, effect: NoExecute}\n"
		       "  - {key: stamped, effect: NoExecute, timeAdded: \"2026-01-01T00:00:00Z\"}\n",
		       &o, 0, NULL);
	assert_string_equal(got, "");
	tb_free(got);
	c = o.typed;
	/* NoExecute taints get timeAdded = now when they have none. */
	assert_int_equal(c->spec.taints.v[0].time_added, TEST_NOW_MS);
	assert_int_equal(c->spec.taints.v[1].time_added, 1767225600000LL);
	/* zone migrates to zones. */
	assert_null(c->spec.zone);
	assert_int_equal(c->spec.zones.n, 1);
	assert_string_equal(c->spec.zones.v[0], "z1");
	tb_object_release(&o);
}

static void test_cluster__bad_inputs(void **state)
{
	(void)state;
	tu_expect_error(CLUSTER_HEAD "spec: {}\n",
			"spec.syncMode: Required value\n"
			"spec.syncMode: Unsupported value: \"\": supported values: \"Pull\", \"Push\"");
	tu_expect_error(CLUSTER_HEAD "spec:\n  syncMode: push\n",
			"spec.syncMode: Unsupported value: \"push\": supported values: "
			"\"Pull\", \"Push\"");
	tu_expect_error("apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\n"
			"metadata:\n  name: a-very-long-cluster-name-that-goes-past-forty-eight\n"
			"spec:\n  syncMode: Push\n",
			"metadata.name: Invalid value: \"a-very-long-cluster-name-that-goes-past-"
			"forty-eight\": must be no more than 48 characters");
	tu_expect_error("apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\n"
			"metadata:\n  name: member.1\nspec:\n  syncMode: Push\n",
			"metadata.name: Invalid value: \"member.1\": must not contain dots");
	tu_expect_error(CLUSTER_HEAD "spec:\n  syncMode: Push\n  apiEndpoint: 10.0.0.1:6443\n",
			"spec.apiEndpoint: Invalid value: \"10.0.0.1:6443\": host must be "
			"provided; desired format: hostname, hostname:port, IP or IP:port");
	tu_expect_error(CLUSTER_HEAD "spec:\n  syncMode: Push\n"
			"  apiEndpoint: https://h:6443/?x=1\n",
			"spec.apiEndpoint: Invalid value: \"x=1\": query parameters are not "
			"permitted in the URL");
	tu_expect_error(CLUSTER_HEAD "spec:\n  syncMode: Push\n  secretRef: {name: s}\n",
			"spec.secretRef.namespace: Required value");
	tu_expect_error(CLUSTER_HEAD "spec:\n  syncMode: Push\n  proxyURL: ftp://p\n",
			"spec.proxyURL: Invalid value: \"ftp://p\": unsupported scheme \"ftp\", "
			"must be http, https, or socks5");
	tu_expect_error(CLUSTER_HEAD "spec:\n  syncMode: Push\n  taints:\n"
			"  - {key: a, effect: NoSchedule}\n  - {key: a, effect: NoSchedule}\n",
			"spec.taints[1]: Duplicate value: {\"key\":\"a\",\"effect\":\"NoSchedule\"}: "
			"taints must be unique by key and effect pair");
	tu_expect_error(CLUSTER_HEAD "spec:\n  syncMode: Push\n  taints:\n"
			"  - {key: a, effect: PreferNoSchedule}\n",
			"spec.taints[0].effect: Unsupported value: \"PreferNoSchedule\": "
			"supported values: \"NoSchedule\", \"NoExecute\"");
	tu_expect_error(CLUSTER_HEAD "spec:\n  syncMode: Push\n  taints:\n  - {effect: NoSchedule}\n",
			"spec.taints[0].key: Required value");
	tu_expect_error(CLUSTER_HEAD "spec:\n  syncMode: Push\n  region: \"eu west\"\n",
			"spec.region: Invalid value: \"eu west\": a valid label must be an "
			"empty string or consist of*");
	tu_expect_error(CLUSTER_HEAD "spec:\n  syncMode: Push\nstatus:\n  resourceSummary:\n"
			"    allocatable: {cpu: 2x}\n",
			"status.resourceSummary.allocatable[cpu]: Invalid value: \"2x\": quantities "
			"must match the regular expression*");
	tu_expect_error(CLUSTER_HEAD "spec:\n  syncMode: Push\nstatus:\n  conditions:\n"
			"  - type: Ready\n    status: Maybe\n    reason: X\n"
			"    lastTransitionTime: \"2026-11-26T10:00:00Z\"\n",
			"status.conditions[0].status: Unsupported value: \"Maybe\": supported "
			"values: \"True\", \"False\", \"Unknown\"");
	tu_expect_error(CLUSTER_HEAD "spec:\n  syncMode: Push\nstatus:\n  conditions:\n"
			"  - type: Ready\n    status: \"True\"\n    reason: X\n"
			"    lastTransitionTime: yesterday\n",
			"status.conditions[0].lastTransitionTime: Invalid value: \"yesterday\": *");
	tu_expect_error(CLUSTER_HEAD "spec:\n  syncMode: Push\n  resourceModels:\n"
			"  - grade: 0\n    ranges: [{name: cpu, min: 1, max: 2}]\n",
			"spec.resourceModels: Invalid value: *The min value of each resource in "
			"the first model should be 0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cluster__full_object),
		cmocka_unit_test(test_cluster__defaults),
		cmocka_unit_test(test_cluster__bad_inputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
