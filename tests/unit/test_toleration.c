/* Toleration matching: the table of Kubernetes' ToleratesTaint semantics,
 * the untolerated-taint search, and Taint.ToString(). */
#include "testutil.h"

#include "core/toleration.h"

struct tol_case {
	const char *key, *op, *value, *effect;		/* toleration */
	const char *tkey, *tvalue, *teffect;		/* taint */
	bool want;
};

static const struct tol_case cases[] = {
	/* Exists with a key: any value, effect must match when set. */
	{ "a", "Exists", NULL, "NoExecute", "a", NULL, "NoExecute", true },
	{ "a", "Exists", NULL, "NoExecute", "a", "x", "NoExecute", true },
	{ "a", "Exists", NULL, "NoExecute", "a", NULL, "NoSchedule", false },
	{ "a", "Exists", NULL, NULL, "a", NULL, "NoSchedule", true },
	{ "a", "Exists", NULL, NULL, "b", NULL, "NoSchedule", false },
	/* Empty key with Exists tolerates everything (of the effect). */
	{ NULL, "Exists", NULL, NULL, "anything", "v", "NoExecute", true },
	{ NULL, "Exists", NULL, "NoSchedule", "anything", "v", "NoExecute", false },
	/* Equal (or no operator): values must be equal. */
	{ "a", "Equal", "v", "NoSchedule", "a", "v", "NoSchedule", true },
	{ "a", "Equal", "v", "NoSchedule", "a", "w", "NoSchedule", false },
	{ "a", NULL, "v", NULL, "a", "v", "NoExecute", true },
	{ "a", NULL, NULL, NULL, "a", NULL, "NoExecute", true },
	{ "a", NULL, NULL, NULL, "a", "v", "NoExecute", false },
	/* Unknown operators tolerate nothing. */
	{ "a", "exists", NULL, NULL, "a", NULL, "NoExecute", false },
};

static void test_toleration__table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tol_case *c = &cases[i];
		struct tb_toleration t = {
			.key = (char *)c->key, .operator_ = (char *)c->op,
			.value = (char *)c->value, .effect = (char *)c->effect,
		};
		struct tb_taint taint = {
			.key = (char *)c->tkey, .value = (char *)c->tvalue,
			.effect = (char *)c->teffect,
		};
		if (tb_toleration_tolerates(&t, &taint) != c->want)
			fail_msg("case %zu: want %d", i, c->want);
	}
}

static void test_toleration__untolerated(void **state)
{
	struct tb_taint taints[] = {
		{ .key = "soft", .effect = "PreferNoSchedule" },
		{ .key = "cluster.karmada.io/not-ready", .effect = "NoSchedule" },
		{ .key = "cluster.karmada.io/not-ready", .effect = "NoExecute" },
	};
	struct tb_toleration tols[] = {
		{ .key = "cluster.karmada.io/not-ready", .operator_ = "Exists",
		  .effect = "NoExecute" },
	};
	struct tb_strbuf sb = TB_STRBUF_INIT;
	const struct tb_taint *t;

	(void)state;
	/* PreferNoSchedule is ignored; the NoSchedule taint is the first untolerated. */
	t = tb_taint_untolerated(taints, 3, tols, 1);
	assert_ptr_equal(t, &taints[1]);
	tb_taint_string(t, &sb);
	assert_string_equal(sb.buf, "cluster.karmada.io/not-ready:NoSchedule");
	assert_null(tb_taint_untolerated(&taints[2], 1, tols, 1));
	assert_null(tb_taint_untolerated(taints, 1, NULL, 0));
	taints[1].value = "x";
	tb_strbuf_reset(&sb);
	tb_taint_string(&taints[1], &sb);
	assert_string_equal(sb.buf, "cluster.karmada.io/not-ready=x:NoSchedule");
	tb_strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toleration__table),
		cmocka_unit_test(test_toleration__untolerated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
