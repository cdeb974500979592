/* Resource templates: what the control plane reads from Deployments, Jobs and
 * Services (replicas, per-replica requests, health) and what it checks. */
#include "testutil.h"

#include "api/template.h"

static json_t *load(const char *text)
{
	struct tb_docs docs = TB_DOCS_INIT;
	json_t *j;

	assert_int_equal(tb_codec_decode(text, strlen(text), &docs, NULL), 0);
	assert_int_equal(docs.n, 1);
	j = json_incref(docs.v[0].json);
	tb_docs_release(&docs);
	return j;
}

#define DEPLOY(spec) \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n" \
	"  namespace: default\n  generation: 2\nspec:\n" spec

static void test_template__replicas(void **state)
{
	json_t *j;

	(void)state;
	j = load(DEPLOY("  replicas: 5\n"));
	assert_true(tb_template_is_workload(j));
	assert_int_equal(tb_template_replicas(j), 5);
	json_decref(j);
	j = load(DEPLOY("  selector: {}\n"));
	assert_int_equal(tb_template_replicas(j), 1);	/* Kubernetes' default */
	json_decref(j);
	j = load("apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  parallelism: 4\n");
	assert_int_equal(tb_template_replicas(j), 4);
	json_decref(j);
	j = load("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n");
	assert_false(tb_template_is_workload(j));
	assert_int_equal(tb_template_replicas(j), 0);
	json_decref(j);
}

static void test_template__requests(void **state)
{
	struct tb_reslist r = { NULL, 0 };
	json_t *j;

	(void)state;
	/* Containers add up; an init container counts only if larger; a limit
	 * stands in for a missing request; pod overhead is added. */
	j = load(DEPLOY("  template:\n    spec:\n      containers:\n"
			"      - name: a\n        resources: {requests: {cpu: 250m, memory: 64Mi}}\n"
			"      - name: b\n        resources: {limits: {cpu: 500m, memory: 128Mi}}\n"
			"      initContainers:\n"
			"      - name: i\n        resources: {requests: {cpu: \"1\", memory: 32Mi}}\n"
			"      overhead: {cpu: 10m}\n"));
	tb_template_requests(j, &r);
	assert_int_equal(tb_quantity_milli(tb_reslist_get(&r, "cpu")), 1010);
	assert_int_equal(tb_quantity_value(tb_reslist_get(&r, "memory")), 192LL << 20);
	tb_reslist_release(&r);
	json_decref(j);
	j = load(DEPLOY("  replicas: 1\n"));
	tb_template_requests(j, &r);
	assert_int_equal(r.n, 0);
	json_decref(j);
}

static void test_template__health(void **state)
{
	json_t *j;

	(void)state;
	j = load(DEPLOY("  replicas: 3\nstatus:\n  observedGeneration: 2\n  updatedReplicas: 3\n"
			"  availableReplicas: 3\n  readyReplicas: 3\n"));
	assert_int_equal(tb_template_health(j), TB_HEALTH_HEALTHY);
	assert_int_equal(tb_template_ready_replicas(j), 3);
	json_decref(j);
	j = load(DEPLOY("  replicas: 3\nstatus:\n  observedGeneration: 2\n  updatedReplicas: 3\n"
			"  availableReplicas: 1\n  readyReplicas: 1\n"));
	assert_int_equal(tb_template_health(j), TB_HEALTH_UNHEALTHY);
	json_decref(j);
	/* Status of an older generation says nothing about the current spec. */
	j = load(DEPLOY("  replicas: 3\nstatus:\n  observedGeneration: 1\n  updatedReplicas: 3\n"
			"  availableReplicas: 3\n"));
	assert_int_equal(tb_template_health(j), TB_HEALTH_UNHEALTHY);
	json_decref(j);
	j = load("apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nstatus:\n  conditions:\n"
		 "  - {type: Failed, status: \"True\"}\n");
	assert_int_equal(tb_template_health(j), TB_HEALTH_UNHEALTHY);
	json_decref(j);
	j = load("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: LoadBalancer}\n");
	assert_int_equal(tb_template_health(j), TB_HEALTH_UNHEALTHY);
	json_decref(j);
	j = load("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: ClusterIP}\n");
	assert_int_equal(tb_template_health(j), TB_HEALTH_HEALTHY);
	assert_string_equal(tb_health_name(tb_template_health(j)), "Healthy");
	json_decref(j);
}

static void test_template__validation(void **state)
{
	(void)state;
	tu_expect_ok(DEPLOY("  replicas: 2\n  template:\n    spec:\n      containers:\n"
			    "      - name: a\n        resources: {requests: {cpu: 1.5, memory: 1e3}}\n"));
	tu_expect_error(DEPLOY("  template:\n    spec:\n      containers:\n"
			       "      - name: a\n        resources:\n          requests: {cpu: 2x}\n"),
			"spec.template.spec.containers[0].resources.requests.cpu: Invalid value: "
			"\"2x\": quantities must match the regular expression "
			"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
	tu_expect_error(DEPLOY("  replicas: three\n"),
			"spec.replicas: Invalid value: \"three\": must be of type integer");
	tu_expect_error(DEPLOY("  replicas: -2\n"),
			"spec.replicas: Invalid value: -2: must be greater than or equal to 0");
	tu_expect_error("apiVersion: v1\nkind: Service\nmetadata:\n  name: web.svc\n",
			"metadata.name: Invalid value: \"web.svc\": must not contain dots");
	tu_expect_error("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespce: x\n",
			"metadata.namespce: Unknown field: did you mean \"namespace\"?");
	tu_expect_error("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n"
			"  namespace: default\n",
			"metadata.namespace: Forbidden: not allowed on this type");
	tu_expect_error("apiVersion: apps/v1\nkind: Deployment\nspec: {}\n",
			"metadata.name: Required value: name or generateName is required");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template__replicas),
		cmocka_unit_test(test_template__requests),
		cmocka_unit_test(test_template__health),
		cmocka_unit_test(test_template__validation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
