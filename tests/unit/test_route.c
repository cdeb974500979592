/* Unit tests for src/server/route.c: kube-apiserver's URL grammar. */
#include "testutil.h"

#include "server/http.h"

static void expect_route(const char *path, const char *res, const char *ns, const char *name,
			 const char *sub)
{
	struct tb_route rt;

	if (tb_route_parse(path, &rt))
		fail_msg("%s: no route", path);
	assert_string_equal(rt.res, res);
	assert_string_equal(rt.ns, ns);
	assert_string_equal(rt.name, name);
	assert_string_equal(rt.sub, sub);
}

static void test_route_resources(void **state)
{
	(void)state;
	expect_route("/apis/cluster.karmada.io/v1alpha1/clusters", "clusters.cluster.karmada.io",
		     "", "", "");
	expect_route("/apis/cluster.karmada.io/v1alpha1/clusters/member1/status",
		     "clusters.cluster.karmada.io", "", "member1", "status");
	expect_route("/apis/policy.karmada.io/v1alpha1/propagationpolicies",
		     "propagationpolicies.policy.karmada.io", "", "", "");
	expect_route("/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies/pp",
		     "propagationpolicies.policy.karmada.io", "default", "pp", "");
	expect_route("/apis/apps/v1/namespaces/default/deployments/web/status",
		     "deployments.apps", "default", "web", "status");
	expect_route("/apis/apps/v1/namespaces/default/deployments/web/scale",
		     "deployments.apps", "default", "web", "scale");
	expect_route("/api/v1/namespaces/default/configmaps", "configmaps", "default", "", "");
	/* The Namespace resource itself, and its status. */
	expect_route("/api/v1/namespaces", "namespaces", "", "", "");
	expect_route("/api/v1/namespaces/default", "namespaces", "", "default", "");
	expect_route("/api/v1/namespaces/default/status", "namespaces", "", "default", "status");
	/* Events, stored like any namespaced kind. */
	expect_route("/api/v1/namespaces/default/events", "events", "default", "", "");
	expect_route("/api/v1/events", "events", "", "", "");
	expect_route("/api/v1/namespaces/default/events/member1.17f0a1b2c3d4e5f6", "events",
		     "default", "member1.17f0a1b2c3d4e5f6", "");
}

static void test_route_errors(void **state)
{
	struct tb_route rt;
	static const char *const missing[] = {
		"/apis/policy.karmada.io/v1alpha1/propagationpolicies/pp",	/* needs a namespace */
		"/apis/cluster.karmada.io/v1alpha1/namespaces/x/clusters",	/* cluster-scoped */
		"/apis/policy.karmada.io/v1alpha1/namespaces/d/propagationpolicies/pp/status",
		"/api/v1/namespaces/d/configmaps/c/status",	/* ConfigMaps have no status */
		"/api/v1/namespaces/d/events/e/status",		/* nor Events */
		"/apis/batch/v1/namespaces/d/jobs/j/scale",	/* only Deployments scale */
		"/apis/cluster.karmada.io/v1alpha1/clusters/member1/scale",
		"/apis/apps/v2/deployments", "/apis/nope.io/v1/things",
		"/apis/apps/v1/namespaces/d/deployments/a/status/x",
		NULL
	};
	static const char *const not_resources[] = {
		"/", "/api", "/apis", "/apis/apps", "/apis/apps/v1", "/api/v1", "/version",
		"/a/b/c/d/e/f/g/h/i/j/k", NULL
	};

	(void)state;
	for (size_t i = 0; missing[i]; i++)
		if (tb_route_parse(missing[i], &rt) != -TB_ENOENT)
			fail_msg("%s: want ENOENT", missing[i]);
	for (size_t i = 0; not_resources[i]; i++)
		if (tb_route_parse(not_resources[i], &rt) != -TB_EINVAL)
			fail_msg("%s: want EINVAL", not_resources[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_resources),
		cmocka_unit_test(test_route_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
