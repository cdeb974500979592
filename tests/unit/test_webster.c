/* Webster apportionment: Karmada's documented example, ties, initial seats
 * and the UID-parity tie-breaker. */
#include "testutil.h"

#include "core/webster.h"

/* Webster: Karmada's documented examples and the tie rules. */
static void test_webster__basics(void **state)
{
	struct tb_party p[3] = {
		{ "a", 0, 3, 0 }, { "b", 1, 2, 0 }, { "c", 2, 1, 0 },
	};

	(void)state;
	/* 3:2:1 of 14 -> 7:5:2 (Karmada v1.16 release notes). */
	tb_webster(p, 3, 14, false);
	assert_int_equal(p[0].seats, 7);
	assert_int_equal(p[1].seats, 5);
	assert_int_equal(p[2].seats, 2);
	/* Equal votes, one seat: the first name wins, or the last when the
	 * tie-breaker runs descending. */
	{
		struct tb_party q[2] = { { "a", 0, 1, 0 }, { "b", 1, 1, 0 } };
		tb_webster(q, 2, 1, false);
		assert_int_equal(q[0].seats, 1);
		q[0].seats = 0;
		tb_webster(q, 2, 1, true);
		assert_int_equal(q[1].seats, 1);
		assert_int_equal(q[0].seats, 0);
	}
	/* Initial seats count: a party that already has seats waits. */
	{
		struct tb_party q[2] = { { "a", 0, 1, 2 }, { "b", 1, 1, 0 } };
		tb_webster(q, 2, 2, false);
		assert_int_equal(q[0].seats, 2);
		assert_int_equal(q[1].seats, 2);
	}
	assert_false(tb_webster_uid_descending(""));
	assert_false(tb_webster_uid_descending(NULL));
	/* fnv32a("a") = 0xe40c292c (even), fnv32a("b") = 0xe70c2de5 (odd). */
	assert_false(tb_webster_uid_descending("a"));
	assert_true(tb_webster_uid_descending("b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_webster__basics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
