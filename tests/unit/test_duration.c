/* Unit tests for src/api/duration.c. The tables are ported from Go's
 * src/time/time_test.go (parseDurationTests, parseDurationErrorTests,
 * durationTests) so Tugboat reads and prints durations exactly as Go does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "api/duration.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define NS	1LL
#define US	(1000 * NS)
#define MS	(1000 * US)
#define SEC	(1000 * MS)
#define MIN	(60 * SEC)
#define HOUR	(60 * MIN)

static const struct {
	const char *in;
	int64_t want;
} parse_cases[] = {
	/* simple */
	{ "0", 0 }, { "5s", 5 * SEC }, { "30s", 30 * SEC }, { "1478s", 1478 * SEC },
	/* sign */
	{ "-5s", -5 * SEC }, { "+5s", 5 * SEC }, { "-0", 0 }, { "+0", 0 },
	/* decimal */
	{ "5.0s", 5 * SEC }, { "5.6s", 5 * SEC + 600 * MS }, { "5.s", 5 * SEC },
	{ ".5s", 500 * MS }, { "1.0s", 1 * SEC }, { "1.00s", 1 * SEC },
	{ "1.004s", 1 * SEC + 4 * MS }, { "1.0040s", 1 * SEC + 4 * MS },
	{ "100.00100s", 100 * SEC + 1 * MS }, { "1.5h", HOUR + 30 * MIN },
	/* different units */
	{ "10ns", 10 * NS }, { "11us", 11 * US }, { "12\xc2\xb5s", 12 * US },	/* U+00B5 */
	{ "12\xce\xbcs", 12 * US },	/* U+03BC */
	{ "13ms", 13 * MS }, { "14s", 14 * SEC }, { "15m", 15 * MIN }, { "16h", 16 * HOUR },
	/* composite durations */
	{ "3h30m", 3 * HOUR + 30 * MIN }, { "10.5s4m", 4 * MIN + 10 * SEC + 500 * MS },
	{ "-2m3.4s", -(2 * MIN + 3 * SEC + 400 * MS) },
	{ "1h2m3s4ms5us6ns", HOUR + 2 * MIN + 3 * SEC + 4 * MS + 5 * US + 6 * NS },
	{ "39h9m14.425s", 39 * HOUR + 9 * MIN + 14 * SEC + 425 * MS },
	{ "1m30s", 90 * SEC }, { "300ms", 300 * MS }, { "1h1h", 2 * HOUR },
	/* large value */
	{ "52763797000ns", 52763797000 * NS },
	/* more than 9 digits after the decimal point (golang.org/issue/6617) */
	{ "0.3333333333333333333h", 20 * MIN },
	/* 1<<53+1 cannot be stored precisely in a float64 */
	{ "9007199254740993ns", (1LL << 53) + 1 },
	/* the int64 extremes */
	{ "9223372036854775807ns", INT64_MAX }, { "9223372036854775.807us", INT64_MAX },
	{ "9223372036s854ms775us807ns", INT64_MAX },
	{ "-9223372036854775808ns", INT64_MIN }, { "-9223372036854775.808us", INT64_MIN },
	{ "-9223372036s854ms775us808ns", INT64_MIN },
	{ "-2562047h47m16.854775808s", INT64_MIN },
	{ "2562047h47m16.854775807s", INT64_MAX },
	/* huge string (issue 15011) and leadingFraction's first overflow check */
	{ "0.100000000000000000000h", 6 * MIN },
	{ "0.830103483285477580700h", 49 * MIN + 48 * SEC + 372539827 * NS },
	/* fraction digits past int64 precision are dropped, not rejected */
	{ "1.00000000000000000000000000000000000000001s", SEC },
	{ "0000000000000000000000000000000000000000001s", SEC },
};

static void test_duration__parse(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		struct tb_err err = TB_ERR_INIT;
		int64_t ns = -42;
		int rc = tb_duration_parse(parse_cases[i].in, &ns, &err);

		if (rc || ns != parse_cases[i].want)
			fail_msg("\"%s\": rc %d (%s), got %lld, want %lld", parse_cases[i].in, rc,
				 err.msg, (long long)ns, (long long)parse_cases[i].want);
	}
}

static const struct {
	const char *in;
	const char *msg;
} error_cases[] = {
	/* invalid */
	{ "", "time: invalid duration \"\"" },
	{ "3", "time: missing unit in duration \"3\"" },
	{ "-", "time: invalid duration \"-\"" },
	{ "+", "time: invalid duration \"+\"" },
	{ "s", "time: invalid duration \"s\"" },
	{ ".", "time: invalid duration \".\"" },
	{ "-.", "time: invalid duration \"-.\"" },
	{ ".s", "time: invalid duration \".s\"" },
	{ "+.s", "time: invalid duration \"+.s\"" },
	{ "1d", "time: unknown unit \"d\" in duration \"1d\"" },
	{ "1", "time: missing unit in duration \"1\"" },
	{ "00", "time: missing unit in duration \"00\"" },
	{ "1.5.5s", "time: missing unit in duration \"1.5.5s\"" },
	{ "1hour", "time: unknown unit \"hour\" in duration \"1hour\"" },
	{ "1H", "time: unknown unit \"H\" in duration \"1H\"" },
	{ "1h-1m", "time: unknown unit \"h-\" in duration \"1h-1m\"" },
	{ "--1s", "time: invalid duration \"--1s\"" },
	{ "1s ", "time: unknown unit \"s \" in duration \"1s \"" },
	{ " 1s", "time: invalid duration \" 1s\"" },
	{ "1 s", "time: unknown unit \" s\" in duration \"1 s\"" },
	{ "\x85\x85", "time: invalid duration \"\\x85\\x85\"" },
	{ "\xff" "ff", "time: invalid duration \"\\xffff\"" },
	{ "hello \xff" "ff world", "time: invalid duration \"hello \\xffff world\"" },
	{ "\xef\xbf\xbd", "time: invalid duration \"\\xef\\xbf\\xbd\"" },
	{ "1\xef\xbf\xbd", "time: unknown unit \"\\xef\\xbf\\xbd\" in duration \"1\\xef\\xbf\\xbd\"" },
	{ "1\"s\\", "time: unknown unit \"\\\"s\\\\\" in duration \"1\\\"s\\\\\"" },
	{ "1\t", "time: unknown unit \"\\x09\" in duration \"1\\x09\"" },
	/* overflow */
	{ "9223372036854775810ns", "time: invalid duration \"9223372036854775810ns\"" },
	{ "9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\"" },
	{ "-9223372036854775809ns", "time: invalid duration \"-9223372036854775809ns\"" },
	{ "9223372036854776us", "time: invalid duration \"9223372036854776us\"" },
	{ "3000000h", "time: invalid duration \"3000000h\"" },
	{ "9223372036854775.808us", "time: invalid duration \"9223372036854775.808us\"" },
	{ "9223372036854ms775us808ns", "time: invalid duration \"9223372036854ms775us808ns\"" },
	{ "99999999999999999999999ns", "time: invalid duration \"99999999999999999999999ns\"" },
	{ "2562047h47m16.854775808s", "time: invalid duration \"2562047h47m16.854775808s\"" },
};

static void test_duration__parse_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(error_cases); i++) {
		struct tb_err err = TB_ERR_INIT;
		int64_t ns = 42;

		if (tb_duration_parse(error_cases[i].in, &ns, &err) != -TB_EINVAL)
			fail_msg("\"%s\" parsed as %lld", error_cases[i].in, (long long)ns);
		assert_int_equal(err.code, -TB_EINVAL);
		assert_string_equal(err.msg, error_cases[i].msg);
		assert_int_equal(ns, 42);
	}
	assert_int_equal(tb_duration_parse(NULL, &(int64_t){ 0 }, NULL), -TB_EINVAL);
	assert_int_equal(tb_duration_parse("1d", &(int64_t){ 0 }, NULL), -TB_EINVAL);
}

/* Garbage of every length parses or fails cleanly; a 400-digit number fails. */
static void test_duration__long_inputs(void **state)
{
	char s[512];
	struct tb_err err = TB_ERR_INIT;
	int64_t ns;

	(void)state;
	memset(s, '9', 400);
	memcpy(s + 400, "ns", 3);
	assert_int_equal(tb_duration_parse(s, &ns, &err), -TB_EINVAL);
	assert_int_equal(strncmp(err.msg, "time: invalid duration \"9999", 28), 0);

	memcpy(s, "0.", 2);
	memset(s + 2, '0', 397);
	memcpy(s + 399, "1h", 3);
	assert_int_equal(tb_duration_parse(s, &ns, &err), 0);
	assert_int_equal(ns, 0);

	memset(s, '0', 400);
	memcpy(s + 400, "7m", 3);
	assert_int_equal(tb_duration_parse(s, &ns, &err), 0);
	assert_int_equal(ns, 7 * MIN);
}

static const struct {
	const char *str;
	int64_t d;
} format_cases[] = {
	{ "0s", 0 },
	{ "1ns", 1 * NS },
	{ "1.1\xc2\xb5s", 1100 * NS },
	{ "1.5\xc2\xb5s", 1500 * NS },
	{ "2.2ms", 2200 * US },
	{ "1.5ms", 1500 * US },
	{ "3.3s", 3300 * MS },
	{ "4m5s", 4 * MIN + 5 * SEC },
	{ "4m5.001s", 4 * MIN + 5001 * MS },
	{ "5h6m7.001s", 5 * HOUR + 6 * MIN + 7001 * MS },
	{ "8m0.000000001s", 8 * MIN + 1 * NS },
	{ "1m30s", 90 * SEC },
	{ "1h0m0s", HOUR },
	{ "2h45m0s", 2 * HOUR + 45 * MIN },
	{ "999ns", 999 },
	{ "1\xc2\xb5s", 1000 },
	{ "999.999\xc2\xb5s", 999999 },
	{ "1ms", 1000000 },
	{ "999.999999ms", 999999999 },
	{ "1s", SEC },
	{ "59.999999999s", MIN - 1 },
	{ "2562047h47m16.854775807s", INT64_MAX },
	{ "-2562047h47m16.854775808s", INT64_MIN },
};

static void test_duration__format(void **state)
{
	char buf[TB_DURATION_BUFSZ], want[TB_DURATION_BUFSZ];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(format_cases); i++) {
		int64_t d = format_cases[i].d;

		assert_string_equal(tb_duration_format(d, buf), format_cases[i].str);
		if (d <= 0)
			continue;
		snprintf(want, sizeof(want), "-%s", format_cases[i].str);
		assert_string_equal(tb_duration_format(-d, buf), want);
	}
}

/* TestParseDurationRoundTrip: String() output always parses back exactly. */
static void test_duration__roundtrip(void **state)
{
	uint64_t seed = 88172645463325252ULL;
	char buf[TB_DURATION_BUFSZ];
	int64_t back;
	int i;

	(void)state;
	for (i = 0; i < 2000; i++) {
		int64_t d;

		/* xorshift64, with magnitudes spread over all unit ranges */
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		d = (int64_t)(seed >> (i % 63));
		if ((i & 1) && d != INT64_MIN)
			d = -d;
		if (i == 0)
			d = INT64_MAX;
		if (i == 1)
			d = INT64_MIN;
		tb_duration_format(d, buf);
		assert_int_equal(tb_duration_parse(buf, &back, NULL), 0);
		if (back != d)
			fail_msg("%lld -> \"%s\" -> %lld", (long long)d, buf, (long long)back);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration__parse),
		cmocka_unit_test(test_duration__parse_errors),
		cmocka_unit_test(test_duration__long_inputs),
		cmocka_unit_test(test_duration__format),
		cmocka_unit_test(test_duration__roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
