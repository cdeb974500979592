/* PropagationPolicy / ClusterPropagationPolicy: strict decoding, Karmada's
 * defaulting and validation, with the exact messages users will see. */
#include "testutil.h"

#include "api/policy.h"

#define PP_HEAD \
	"apiVersion: policy.karmada.io/v1alpha1\n" \
	"kind: PropagationPolicy\n" \
	"metadata:\n" \
	"  name: nginx\n" \
	"  namespace: default\n" \
	"spec:\n" \
	"  resourceSelectors:\n" \
	"  - apiVersion: apps/v1\n" \
	"    kind: Deployment\n" \
	"    name: nginx\n"
/* A policy whose spec.placement is the given (4-space indented) block. */
#define PP(placement) PP_HEAD "  placement:\n" placement

struct bad_case {
	const char *name;
	const char *text;
	const char *want;	/* every error, one per line; '*' matches anything */
};

static const struct bad_case bad_cases[] = {
	{ "move-back window that is not a duration",
	  "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
	  "metadata:\n  name: x\n  namespace: default\n"
	  "  annotations: {failover.tugboat.io/move-back-after: soon}\n"
	  "spec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]\n",
	  "metadata.annotations[failover.tugboat.io/move-back-after]: Invalid value: \"soon\": "
	  "time: invalid duration \"soon\"" },
	{ "move-back window that is not positive",
	  "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
	  "metadata:\n  name: x\n  namespace: default\n"
	  "  annotations: {failover.tugboat.io/move-back-after: 0s}\n"
	  "spec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]\n",
	  "metadata.annotations[failover.tugboat.io/move-back-after]: Invalid value: \"0s\": "
	  "must be a positive duration, such as 5m" },
	{ "disruption budget that is neither a count nor a percentage",
	  "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
	  "metadata:\n  name: x\n  namespace: default\n"
	  "  annotations: {failover.tugboat.io/min-available: 120%}\n"
	  "spec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]\n",
	  "metadata.annotations[failover.tugboat.io/min-available]: Invalid value: \"120%\": "
	  "must be a number of replicas (such as 2) or a percentage (such as 50%)" },
	{ "no resource selector (the CRD's minItems: 1)",
	  "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
	  "metadata: {name: x, namespace: default}\nspec:\n  resourceSelectors: []\n",
	  "spec.resourceSelectors: Invalid value: 0: spec.resourceSelectors in body should "
	  "have at least 1 items" },
	{ "unsupported scheduling type",
	  PP("    replicaScheduling:\n      replicaSchedulingType: Divide\n"),
	  "spec.placement.replicaScheduling.replicaSchedulingType: Unsupported value: "
	  "\"Divide\": supported values: \"Duplicated\", \"Divided\"" },
	{ "unsupported division preference",
	  PP("    replicaScheduling:\n      replicaSchedulingType: Divided\n"
	     "      replicaDivisionPreference: Weight\n"),
	  "spec.placement.replicaScheduling.replicaDivisionPreference: Unsupported value: "
	  "\"Weight\": supported values: \"Aggregated\", \"Weighted\"" },
	{ "misspelled field with suggestion",
	  PP("    clusterAfinity:\n      clusterNames: [member1]\n"),
	  "spec.placement.clusterAfinity: Unknown field: did you mean \"clusterAffinity\"?" },
	{ "wrong case field",
	  PP("    ClusterAffinity:\n      clusterNames: [member1]\n"),
	  "spec.placement.ClusterAffinity: Unknown field: did you mean \"clusterAffinity\"?" },
	{ "unknown field without a near name",
	  PP("    somethingElse: 1\n"),
	  "spec.placement.somethingElse: Unknown field" },
	{ "priority of the wrong type",
	  PP_HEAD "  priority: high\n",
	  "spec.priority: Invalid value: \"high\": must be of type integer" },
	{ "priority out of int32",
	  PP_HEAD "  priority: 3000000000\n",
	  "spec.priority: Invalid value: 3000000000: must fit in a 32-bit signed integer" },
	{ "clusterNames not a list",
	  PP("    clusterAffinity:\n      clusterNames: member1\n"),
	  "spec.placement.clusterAffinity.clusterNames: Invalid value: \"member1\": "
	  "must be of type array" },
	{ "static weight below 1",
	  PP("    replicaScheduling:\n      replicaSchedulingType: Divided\n"
	     "      weightPreference:\n        staticWeightList:\n"
	     "        - targetCluster:\n            clusterNames: [member1]\n"
	     "          weight: 0\n"),
	  "spec.placement.replicaScheduling.weightPreference.staticWeightList[0].weight: "
	  "Invalid value: 0: must be greater than or equal to 1" },
	{ "static weight without target",
	  PP("    replicaScheduling:\n      replicaSchedulingType: Divided\n"
	     "      weightPreference:\n        staticWeightList:\n        - weight: 1\n"),
	  "spec.placement.replicaScheduling.weightPreference.staticWeightList[0]."
	  "targetCluster: Required value" },
	{ "bad label selector operator",
	  PP("    clusterAffinity:\n      labelSelector:\n        matchExpressions:\n"
	     "        - key: env\n          operator: in\n          values: [prod]\n"),
	  "spec.placement.clusterAffinity.labelSelector.matchExpressions[0].operator: "
	  "Invalid value: \"in\": not a valid selector operator" },
	{ "In without values",
	  PP("    clusterAffinity:\n      labelSelector:\n        matchExpressions:\n"
	     "        - key: env\n          operator: In\n"),
	  "spec.placement.clusterAffinity.labelSelector.matchExpressions[0].values: "
	  "Required value: must be specified when `operator` is 'In' or 'NotIn'" },
	{ "bad label key",
	  PP("    clusterAffinity:\n      labelSelector:\n        matchLabels:\n"
	     "          \"-env\": prod\n"),
	  "spec.placement.clusterAffinity.labelSelector.matchLabels: Invalid value: "
	  "\"-env\": name part must consist of alphanumeric characters*" },
	{ "field selector with an unsupported key",
	  PP("    clusterAffinity:\n      fieldSelector:\n        matchExpressions:\n"
	     "        - key: name\n          operator: In\n          values: [a]\n"),
	  "spec.placement.clusterAffinity.fieldSelector: Invalid value: "
	  "{\"matchExpressions\":[{\"key\":\"name\",\"operator\":\"In\",\"values\":[\"a\"]}]}: "
	  "unsupported key \"name\", must be provider, region, or zone" },
	{ "field selector with an unsupported operator",
	  PP("    clusterAffinity:\n      fieldSelector:\n        matchExpressions:\n"
	     "        - key: region\n          operator: Exists\n"),
	  "spec.placement.clusterAffinity.fieldSelector: Invalid value: *" },
	{ "affinity and affinities together",
	  PP("    clusterAffinity:\n      clusterNames: [member1]\n"
	     "    clusterAffinities:\n    - affinityName: a\n      clusterNames: [member2]\n"),
	  "spec.placement: Invalid value: *clusterAffinities cannot co-exist with clusterAffinity" },
	{ "duplicate affinity names",
	  PP("    clusterAffinities:\n    - affinityName: a\n      clusterNames: [member1]\n"
	     "    - affinityName: a\n      clusterNames: [member2]\n"),
	  "spec.placement.clusterAffinities: Invalid value: each affinity term in a policy "
	  "must have a unique name" },
	{ "every listed cluster excluded",
	  PP("    clusterAffinity:\n      clusterNames: [member1, member2]\n"
	     "      exclude: [member2, member1]\n"),
	  "spec.placement.clusterAffinity.clusterNames: Forbidden: every cluster listed is "
	  "also in exclude, so no cluster can ever be selected" },
	{ "cluster name that can never exist",
	  PP("    clusterAffinity:\n      clusterNames: [Member_1]\n"),
	  "spec.placement.clusterAffinity.clusterNames[0]: Invalid value: \"Member_1\": "
	  "a lowercase RFC 1123 label must consist of*" },
	{ "duplicate cluster name",
	  PP("    clusterAffinity:\n      clusterNames: [member1, member1]\n"),
	  "spec.placement.clusterAffinity.clusterNames[1]: Duplicate value: \"member1\"" },
	{ "maxGroups below minGroups",
	  PP("    spreadConstraints:\n    - spreadByField: cluster\n      maxGroups: 1\n"
	     "      minGroups: 2\n"),
	  "spec.placement.spreadConstraints[0]: Invalid value: {\"spreadByField\":\"cluster\","
	  "\"maxGroups\":1,\"minGroups\":2}: maxGroups lower than minGroups is not allowed" },
	{ "spread by field and label",
	  PP("    spreadConstraints:\n    - spreadByField: cluster\n      spreadByLabel: x\n"),
	  "spec.placement.spreadConstraints[0]: Invalid value: *spreadByLabel should not "
	  "co-exist with spreadByField" },
	{ "region spread without cluster spread",
	  PP("    spreadConstraints:\n    - spreadByField: region\n"),
	  "spec.placement.spreadConstraints: Invalid value: *the cluster spread constraint "
	  "must be enabled in one of the constraints in case of SpreadByField is enabled" },
	{ "more groups than listed clusters",
	  PP("    clusterAffinity:\n      clusterNames: [member1, member2]\n"
	     "    spreadConstraints:\n    - spreadByField: cluster\n      minGroups: 3\n"),
	  "spec.placement.spreadConstraints[0]: Invalid value: *minGroups is larger than the "
	  "number of clusters clusterAffinity.clusterNames allows*" },
	{ "unsupported spread field",
	  PP("    spreadConstraints:\n    - spreadByField: node\n"),
	  "spec.placement.spreadConstraints[0].spreadByField: Unsupported value: \"node\": "
	  "supported values: \"cluster\", \"region\", \"zone\", \"provider\"" },
	{ "toleration Exists with a value",
	  PP("    clusterTolerations:\n    - key: cluster.karmada.io/not-ready\n"
	     "      operator: Exists\n      value: x\n      effect: NoExecute\n"),
	  "spec.placement.clusterTolerations[0].operator: Invalid value: \"x\": value must "
	  "be empty when `operator` is 'Exists'" },
	{ "tolerationSeconds on NoSchedule",
	  PP("    clusterTolerations:\n    - key: a\n      operator: Exists\n"
	     "      effect: NoSchedule\n      tolerationSeconds: 5\n"),
	  "spec.placement.clusterTolerations[0].effect: Invalid value: \"NoSchedule\": "
	  "effect must be 'NoExecute' when `tolerationSeconds` is set" },
	{ "toleration with an unknown operator",
	  PP("    clusterTolerations:\n    - key: a\n      operator: exists\n"),
	  "spec.placement.clusterTolerations[0].operator: Unsupported value: \"exists\": "
	  "supported values: \"Equal\", \"Exists\"" },
	{ "toleration with an unknown effect",
	  PP("    clusterTolerations:\n    - key: a\n      operator: Exists\n"
	     "      effect: NoExec\n"),
	  "spec.placement.clusterTolerations[0].effect: Unsupported value: \"NoExec\": "
	  "supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"" },
	{ "empty toleration key needs Exists",
	  PP("    clusterTolerations:\n    - operator: Equal\n      value: x\n"),
	  "spec.placement.clusterTolerations[0].operator: Invalid value: \"Equal\": operator "
	  "must be Exists when `key` is empty, which means \"match all values and all keys\"" },
	{ "tolerationSeconds as a string",
	  PP("    clusterTolerations:\n    - key: a\n      operator: Exists\n"
	     "      effect: NoExecute\n      tolerationSeconds: \"30\"\n"),
	  "spec.placement.clusterTolerations[0].tolerationSeconds: Invalid value: \"30\": "
	  "must be of type integer" },
	{ "missing resource selectors",
	  "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
	  "metadata:\n  name: nginx\nspec:\n  placement: {}\n",
	  "spec.resourceSelectors: Required value" },
	{ "missing spec",
	  "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
	  "metadata:\n  name: nginx\n",
	  "spec: Required value" },
	{ "selector without kind",
	  "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
	  "metadata:\n  name: nginx\nspec:\n  resourceSelectors:\n  - apiVersion: apps/v1\n",
	  "spec.resourceSelectors[0].kind: Required value" },
	{ "selector in another namespace",
	  "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
	  "metadata:\n  name: nginx\n  namespace: default\nspec:\n  resourceSelectors:\n"
	  "  - apiVersion: apps/v1\n    kind: Deployment\n    namespace: other\n",
	  "spec.resourceSelectors[0].namespace: Invalid value: \"other\": a PropagationPolicy "
	  "only selects resources in its own namespace*" },
	{ "application failover without propagateDeps",
	  PP_HEAD "  failover:\n    application:\n      decisionConditions:\n"
	  "        tolerationSeconds: 30\n",
	  "spec.propagateDeps: Invalid value: false: application failover is set, "
	  "propagateDeps must be true" },
	{ "grace period with purge mode Never",
	  PP_HEAD "  propagateDeps: true\n  failover:\n    application:\n"
	  "      decisionConditions: {}\n      purgeMode: Never\n      gracePeriodSeconds: 30\n",
	  "spec.failover.application.gracePeriodSeconds: Invalid value: 30: only takes effect "
	  "when purgeMode is graciously" },
	{ "negative application toleration",
	  PP_HEAD "  propagateDeps: true\n  failover:\n    application:\n"
	  "      decisionConditions:\n        tolerationSeconds: -1\n",
	  "spec.failover.application.decisionConditions.tolerationSeconds: Invalid value: -1: "
	  "must be greater than or equal to 0" },
	{ "application failover without decision conditions",
	  PP_HEAD "  propagateDeps: true\n  failover:\n    application:\n"
	  "      purgeMode: Never\n",
	  "spec.failover.application.decisionConditions: Required value" },
	{ "preemption Always needs names",
	  "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
	  "metadata:\n  name: nginx\nspec:\n  preemption: Always\n  resourceSelectors:\n"
	  "  - apiVersion: apps/v1\n    kind: Deployment\n",
	  "spec.resourceSelectors[0].name: Invalid value: \"\": name cannot be empty if "
	  "preemption is Always*" },
	{ "invalid policy name",
	  "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
	  "metadata:\n  name: Nginx_PP\nspec:\n  resourceSelectors:\n"
	  "  - apiVersion: apps/v1\n    kind: Deployment\n",
	  "metadata.name: Invalid value: \"Nginx_PP\": a lowercase RFC 1123 subdomain*" },
	{ "missing name",
	  "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
	  "metadata: {}\nspec:\n  resourceSelectors:\n"
	  "  - apiVersion: apps/v1\n    kind: Deployment\n",
	  "metadata.name: Required value: name or generateName is required" },
	{ "namespace on a cluster-scoped policy",
	  "apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterPropagationPolicy\n"
	  "metadata:\n  name: all\n  namespace: default\nspec:\n  resourceSelectors:\n"
	  "  - apiVersion: apps/v1\n    kind: Deployment\n",
	  "metadata.namespace: Forbidden: not allowed on this type" },
	{ "unknown metadata field",
	  "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
	  "metadata:\n  name: a\n  label:\n    x: y\nspec:\n  resourceSelectors:\n"
	  "  - apiVersion: apps/v1\n    kind: Deployment\n",
	  "metadata.label: Unknown field: did you mean \"labels\"?" },
	{ "label value of the wrong type",
	  "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
	  "metadata:\n  name: a\n  labels:\n    enabled: true\nspec:\n  resourceSelectors:\n"
	  "  - apiVersion: apps/v1\n    kind: Deployment\n",
	  "metadata.labels[enabled]: Invalid value: true: must be of type string" },
	{ "wrong version",
	  "apiVersion: policy.karmada.io/v1beta1\nkind: PropagationPolicy\n"
	  "metadata:\n  name: a\n",
	  "apiVersion: Unsupported value: \"policy.karmada.io/v1beta1\": supported values: "
	  "\"policy.karmada.io/v1alpha1\"" },
	{ "unknown kind",
	  "apiVersion: policy.karmada.io/v1alpha1\nkind: OverridePolicy\nmetadata:\n  name: a\n",
	  "kind: Unsupported value: \"OverridePolicy\": no kind \"OverridePolicy\" is served*" },
	{ "no apiVersion",
	  "kind: PropagationPolicy\nmetadata:\n  name: a\n",
	  "apiVersion: Required value: apiVersion not set" },
	{ "not a mapping",
	  "- a\n- b\n",
	  "Invalid value: [\"a\",\"b\"]: a Kubernetes object must be a mapping*" },
};

static void test_policy__bad_inputs(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct tb_object o;
		const char *want = bad_cases[i].want;
		char *got = tu_check(bad_cases[i].text, &o, 0, NULL);

		if (!tu_glob(want, got))
			fail_msg("case \"%s\":\nwant %s\ngot  %s", bad_cases[i].name, want, got);
		tb_free(got);
		tb_object_release(&o);
	}
}

static struct tb_policy *decode_policy(const char *text, struct tb_object *o,
				       const struct tb_policy_defaults *d)
{
	char *got = tu_check(text, o, 0, d);

	if (*got)
		fail_msg("unexpected errors:\n%s", got);
	tb_free(got);
	return o->typed;
}

static void test_policy__divided_defaults_to_weighted(void **state)
{
	struct tb_object o;
	struct tb_policy *p;

	(void)state;
	p = decode_policy(PP("    replicaScheduling:\n      replicaSchedulingType: Divided\n"),
			  &o, NULL);
	assert_string_equal(p->spec.placement->replica_scheduling->division_preference,
			    "Weighted");
	tb_object_release(&o);

	/* An empty replicaScheduling takes the CRD default Divided, then Weighted. */
	p = decode_policy(PP("    replicaScheduling: {}\n"), &o, NULL);
	assert_string_equal(p->spec.placement->replica_scheduling->type, "Divided");
	assert_string_equal(p->spec.placement->replica_scheduling->division_preference,
			    "Weighted");
	tb_object_release(&o);

	/* Aggregated stays; Duplicated gets no preference. */
	p = decode_policy(PP("    replicaScheduling:\n      replicaSchedulingType: Divided\n"
			     "      replicaDivisionPreference: Aggregated\n"), &o, NULL);
	assert_string_equal(p->spec.placement->replica_scheduling->division_preference,
			    "Aggregated");
	tb_object_release(&o);
	p = decode_policy(PP("    replicaScheduling:\n      replicaSchedulingType: Duplicated\n"),
			  &o, NULL);
	assert_null(p->spec.placement->replica_scheduling->division_preference);
	tb_object_release(&o);

	/* No replicaScheduling at all means Duplicated (Placement.ReplicaSchedulingType). */
	p = decode_policy(PP_HEAD, &o, NULL);
	assert_string_equal(tb_placement_scheduling_type(p->spec.placement), "Duplicated");
	assert_null(p->spec.placement->replica_scheduling);
	tb_object_release(&o);
}

static const struct tb_toleration *find_tol(const struct tb_policy *p, const char *key)
{
	size_t i;

	for (i = 0; i < p->spec.placement->cluster_tolerations.n; i++)
		if (!strcmp(p->spec.placement->cluster_tolerations.v[i].key, key))
			return &p->spec.placement->cluster_tolerations.v[i];
	return NULL;
}

static void test_policy__default_tolerations(void **state)
{
	struct tb_policy_defaults d = TB_POLICY_DEFAULTS_INIT;
	const struct tb_toleration *t;
	struct tb_object o;
	struct tb_policy *p;

	(void)state;
	p = decode_policy(PP_HEAD, &o, NULL);
	assert_int_equal(p->spec.placement->cluster_tolerations.n, 2);
	t = &p->spec.placement->cluster_tolerations.v[0];
	assert_string_equal(t->key, TB_TAINT_NOT_READY);
	assert_string_equal(t->operator_, "Exists");
	assert_string_equal(t->effect, "NoExecute");
	assert_true(t->toleration_seconds.set);
	assert_int_equal(t->toleration_seconds.v, 300);
	t = &p->spec.placement->cluster_tolerations.v[1];
	assert_string_equal(t->key, TB_TAINT_UNREACHABLE);
	assert_int_equal(t->toleration_seconds.v, 300);
	tb_object_release(&o);

	/* A matching user toleration (same key/operator/effect) is kept as is,
	 * whatever its seconds; the other default is still added. */
	p = decode_policy(PP("    clusterTolerations:\n    - key: cluster.karmada.io/unreachable\n"
			     "      operator: Exists\n      effect: NoExecute\n"
			     "      tolerationSeconds: 10\n"), &o, NULL);
	assert_int_equal(p->spec.placement->cluster_tolerations.n, 2);
	t = find_tol(p, TB_TAINT_UNREACHABLE);
	assert_int_equal(t->toleration_seconds.v, 10);
	assert_ptr_equal(t, &p->spec.placement->cluster_tolerations.v[0]);
	assert_int_equal(find_tol(p, TB_TAINT_NOT_READY)->toleration_seconds.v, 300);
	tb_object_release(&o);

	/* Not the same toleration (no effect) -> the default is added beside it. */
	p = decode_policy(PP("    clusterTolerations:\n    - key: cluster.karmada.io/not-ready\n"
			     "      operator: Exists\n"), &o, NULL);
	assert_int_equal(p->spec.placement->cluster_tolerations.n, 3);
	tb_object_release(&o);

	/* Configurable: other seconds, or none at all. */
	d.not_ready_toleration_seconds = 20;
	d.unreachable_toleration_seconds = -1;
	p = decode_policy(PP_HEAD, &o, &d);
	assert_int_equal(p->spec.placement->cluster_tolerations.n, 1);
	assert_int_equal(find_tol(p, TB_TAINT_NOT_READY)->toleration_seconds.v, 20);
	assert_null(find_tol(p, TB_TAINT_UNREACHABLE));
	tb_object_release(&o);
}

static void test_policy__crd_and_webhook_defaults(void **state)
{
	struct tb_policy_defaults d = TB_POLICY_DEFAULTS_INIT;
	struct tb_object o;
	struct tb_policy *p;

	(void)state;
	p = decode_policy("apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
			  "metadata:\n  name: web\nspec:\n  propagateDeps: true\n"
			  "  resourceSelectors:\n  - apiVersion: apps/v1\n    kind: Deployment\n"
			  "  placement:\n    spreadConstraints:\n    - maxGroups: 2\n"
			  "  failover:\n    application:\n      decisionConditions: {}\n", &o, &d);
	assert_string_equal(p->metadata.namespace_, "default");
	assert_string_equal(p->spec.resource_selectors.v[0].namespace_, "default");
	assert_string_equal(p->spec.conflict_resolution, "Abort");
	assert_string_equal(p->spec.preemption, "Never");
	assert_string_equal(p->spec.scheduler_name, "default-scheduler");
	assert_true(p->spec.priority.set);
	assert_int_equal(p->spec.priority.v, 0);
	assert_string_equal(p->spec.placement->spread_constraints.v[0].spread_by_field, "cluster");
	assert_int_equal(p->spec.placement->spread_constraints.v[0].min_groups, 1);
	assert_int_equal(p->spec.failover->application->decision_conditions.toleration_seconds.v,
			 300);
	assert_string_equal(p->spec.failover->application->purge_mode, "Graciously");
	assert_int_equal(p->spec.failover->application->grace_period_seconds.v, 600);
	tb_object_release(&o);

	/* -n sets the namespace of policies that have none. */
	d.namespace_ = "team-a";
	p = decode_policy(PP_HEAD, &o, &d);
	assert_string_equal(p->metadata.namespace_, "default");	/* it had one */
	tb_object_release(&o);
	p = decode_policy("apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
			  "metadata:\n  name: x\nspec:\n  resourceSelectors:\n"
			  "  - apiVersion: apps/v1\n    kind: Deployment\n", &o, &d);
	assert_string_equal(p->metadata.namespace_, "team-a");
	assert_string_equal(p->spec.resource_selectors.v[0].namespace_, "team-a");
	tb_object_release(&o);

	/* Cluster-scoped policies get no namespace anywhere. */
	p = decode_policy("apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterPropagationPolicy\n"
			  "metadata:\n  name: x\nspec:\n  resourceSelectors:\n"
			  "  - apiVersion: apps/v1\n    kind: Deployment\n", &o, &d);
	assert_null(p->metadata.namespace_);
	assert_null(p->spec.resource_selectors.v[0].namespace_);
	tb_object_release(&o);
}

/* encode(decode(x)) == x for a policy using every part of the schema, and
 * defaulting is idempotent. */
static void test_policy__round_trip(void **state)
{
	static const char text[] =
		"{\"apiVersion\":\"policy.karmada.io/v1alpha1\",\"kind\":\"ClusterPropagationPolicy\","
		"\"metadata\":{\"name\":\"all\",\"labels\":{\"a\":\"b\"},\"annotations\":{\"x/y\":\"z\"},"
		"\"creationTimestamp\":\"2026-01-02T03:04:05Z\",\"finalizers\":[\"karmada.io/x\"]},"
		"\"spec\":{\"resourceSelectors\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
		"\"namespace\":\"ns\",\"labelSelector\":{\"matchLabels\":{\"app\":\"a\"},"
		"\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"NotIn\",\"values\":[\"db\"]}]}}],"
		"\"association\":true,\"propagateDeps\":true,"
		"\"placement\":{\"clusterAffinities\":[{\"affinityName\":\"primary\",\"clusterNames\":[\"m1\"]},"
		"{\"affinityName\":\"backup\",\"fieldSelector\":{\"matchExpressions\":[{\"key\":\"region\","
		"\"operator\":\"In\",\"values\":[\"eu\"]}]},\"exclude\":[\"m3\"]}],"
		"\"clusterTolerations\":[{\"key\":\"k\",\"operator\":\"Equal\",\"value\":\"v\","
		"\"effect\":\"NoExecute\",\"tolerationSeconds\":0}],"
		"\"spreadConstraints\":[{\"spreadByField\":\"cluster\",\"maxGroups\":3,\"minGroups\":1}],"
		"\"replicaScheduling\":{\"replicaSchedulingType\":\"Divided\","
		"\"replicaDivisionPreference\":\"Weighted\",\"weightPreference\":{\"staticWeightList\":"
		"[{\"targetCluster\":{\"clusterNames\":[\"m1\"]},\"weight\":2}],"
		"\"dynamicWeight\":\"AvailableReplicas\"}}},"
		"\"priority\":5,\"preemption\":\"Never\",\"dependentOverrides\":[\"op\"],"
		"\"schedulerName\":\"default-scheduler\",\"failover\":{\"application\":{"
		"\"decisionConditions\":{\"tolerationSeconds\":60},\"purgeMode\":\"Graciously\","
		"\"gracePeriodSeconds\":120,\"statePreservation\":{\"rules\":[{\"aliasLabelName\":"
		"\"l\",\"jsonPath\":\"{.x}\"}]}},\"cluster\":{\"purgeMode\":\"Gracefully\"}},"
		"\"conflictResolution\":\"Overwrite\",\"activationPreference\":\"Lazy\","
		"\"suspension\":{\"dispatching\":false,\"dispatchingOnClusters\":{\"clusterNames\":[\"m2\"]}},"
		"\"preserveResourcesOnDeletion\":false,\"schedulePriority\":{\"priorityClassSource\":"
		"\"KubePriorityClass\",\"priorityClassName\":\"high\"}}}";
	struct tb_policy_defaults d = TB_POLICY_DEFAULTS_INIT;
	json_t *in, *out, *again;
	struct tb_object o;
	char *got;

	(void)state;
	in = json_loads(text, 0, NULL);
	assert_non_null(in);
	got = tu_check(text, &o, 1, NULL);
	assert_string_equal(got, "");
	tb_free(got);
	out = tb_object_encode(&o);
	if (!json_equal(in, out)) {
		char *s = json_dumps(out, JSON_COMPACT);
		fail_msg("round trip differs:\n%s", s);
	}
	/* Defaulting twice gives what defaulting once gave. */
	tb_object_default(&o, &d, TEST_NOW_MS);
	json_decref(out);
	out = tb_object_encode(&o);
	tb_object_default(&o, &d, TEST_NOW_MS);
	again = tb_object_encode(&o);
	assert_true(json_equal(out, again));
	json_decref(in);
	json_decref(out);
	json_decref(again);
	tb_object_release(&o);
}

static void test_policy__examples_are_valid(void **state)
{
	static const char *const files[] = {
		"examples/batch-weighted.yaml", "examples/online-aggregated.yaml",
		"examples/tolerations.yaml", "examples/clusters.yaml",
	};
	struct tb_policy_defaults d = TB_POLICY_DEFAULTS_INIT;
	size_t i, k, total = 0;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct tb_docs docs = TB_DOCS_INIT;
		struct tb_err err = TB_ERR_INIT;
		size_t n;
		char *buf = tu_slurp(files[i], &n);

		if (tb_codec_decode(buf, n, &docs, &err) < 0)
			fail_msg("%s: %s", files[i], err.msg);
		for (k = 0; k < docs.n; k++) {
			struct tb_errs errs = TB_ERRS_INIT;
			struct tb_object o = TB_OBJECT_INIT;
			struct tb_strbuf sb = TB_STRBUF_INIT;

			tb_object_admit(docs.v[k].json, &o, &d, TEST_NOW_MS, &errs);
			tb_errs_format(&errs, &sb, 0);
			if (errs.n)
				fail_msg("%s doc %zu: %s", files[i], k, sb.buf);
			tb_strbuf_release(&sb);
			tb_errs_release(&errs);
			tb_object_release(&o);
			total++;
		}
		tb_docs_release(&docs);
		tb_free(buf);
	}
	assert_true(total >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy__bad_inputs),
		cmocka_unit_test(test_policy__divided_defaults_to_weighted),
		cmocka_unit_test(test_policy__default_tolerations),
		cmocka_unit_test(test_policy__crd_and_webhook_defaults),
		cmocka_unit_test(test_policy__round_trip),
		cmocka_unit_test(test_policy__examples_are_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
