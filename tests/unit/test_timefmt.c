/* Unit tests for src/api/timefmt.c: RFC 3339 <-> epoch milliseconds, with
 * the calendar edge cases (leap years, offsets, pre-1970, truncation) and the
 * inputs metav1.Time must refuse. Expected instants were cross-checked
 * against an independent calendar implementation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/timefmt.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *in;
	int64_t ms;
	const char *out;	/* canonical re-rendering */
} parse_cases[] = {
	{ "1970-01-01T00:00:00Z", 0, "1970-01-01T00:00:00Z" },
	{ "2026-11-26T11:20:56Z", 1795692056000LL, "2026-11-26T11:20:56Z" },
	{ "2026-11-26T11:20:56.123Z", 1795692056123LL, "2026-11-26T11:20:56.123Z" },
	{ "2026-11-26t11:20:56Z", 1795692056000LL, "2026-11-26T11:20:56Z" },
	/* fractions of any length truncate to ms */
	{ "2026-11-26T11:20:56.1Z", 1795692056100LL, "2026-11-26T11:20:56.100Z" },
	{ "2026-11-26T11:20:56.12Z", 1795692056120LL, "2026-11-26T11:20:56.120Z" },
	{ "2026-11-26T11:20:56.1239Z", 1795692056123LL, "2026-11-26T11:20:56.123Z" },
	{ "2026-11-26T11:20:56.999999999Z", 1795692056999LL, "2026-11-26T11:20:56.999Z" },
	{ "2026-11-26T11:20:56.000Z", 1795692056000LL, "2026-11-26T11:20:56Z" },
	{ "2026-11-26T11:20:56.0009Z", 1795692056000LL, "2026-11-26T11:20:56Z" },
	{ "2026-11-26T11:20:56.12345678901234567890123456789Z", 1795692056123LL,
	  "2026-11-26T11:20:56.123Z" },
	/* offsets convert to UTC */
	{ "2026-11-26T13:20:56+02:00", 1795692056000LL, "2026-11-26T11:20:56Z" },
	{ "2026-11-26T11:20:56.123456789+02:00", 1795684856123LL, "2026-11-26T09:20:56.123Z" },
	{ "2026-11-26T06:50:56-04:30", 1795692056000LL, "2026-11-26T11:20:56Z" },
	{ "2026-11-26T11:20:56+00:00", 1795692056000LL, "2026-11-26T11:20:56Z" },
	{ "2026-11-26T11:20:56-00:00", 1795692056000LL, "2026-11-26T11:20:56Z" },
	{ "2026-12-31T23:30:00-01:00", 1798763400000LL, "2027-01-01T00:30:00Z" },
	{ "2026-01-01T00:30:00+01:00", 1767223800000LL, "2025-12-31T23:30:00Z" },
	{ "2000-01-01T00:00:00+23:59", 946598460000LL, "1999-12-31T00:01:00Z" },
	/* leap years */
	{ "2024-02-29T00:00:00Z", 1709164800000LL, "2024-02-29T00:00:00Z" },
	{ "2000-02-29T12:00:00Z", 951825600000LL, "2000-02-29T12:00:00Z" },
	{ "1900-02-28T00:00:00Z", -2203977600000LL, "1900-02-28T00:00:00Z" },
	{ "2023-12-31T23:59:59.999Z", 1704067199999LL, "2023-12-31T23:59:59.999Z" },
	/* before 1970: negative, with the fraction still after the second */
	{ "1969-12-31T23:59:59Z", -1000, "1969-12-31T23:59:59Z" },
	{ "1969-12-31T23:59:59.999Z", -1, "1969-12-31T23:59:59.999Z" },
	{ "1969-12-31T23:59:59.9999Z", -1, "1969-12-31T23:59:59.999Z" },
	{ "1969-12-31T23:59:59.001Z", -999, "1969-12-31T23:59:59.001Z" },
	{ "1960-06-15T08:30:00.5Z", -301246199500LL, "1960-06-15T08:30:00.500Z" },
	/* the year range's ends, including offsets that cross them */
	{ "0000-01-01T00:00:00Z", -62167219200000LL, "0000-01-01T00:00:00Z" },
	{ "0000-01-01T00:00:00+01:00", -62167222800000LL, "-0001-12-31T23:00:00Z" },
	{ "9999-12-31T23:59:59.999Z", 253402300799999LL, "9999-12-31T23:59:59.999Z" },
	{ "9999-12-31T23:59:59.999-23:59", 253402387139999LL, "10000-01-01T23:58:59.999Z" },
};

static void test_timefmt__parse(void **state)
{
	char buf[TB_TIME_BUFSZ];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		struct tb_err err = TB_ERR_INIT;
		int64_t ms = 42;

		if (tb_time_parse(parse_cases[i].in, &ms, &err) || ms != parse_cases[i].ms)
			fail_msg("\"%s\": %s, got %lld, want %lld", parse_cases[i].in, err.msg,
				 (long long)ms, (long long)parse_cases[i].ms);
		assert_string_equal(tb_time_format(ms, buf), parse_cases[i].out);
	}
}

static const struct {
	int64_t ms;
	const char *out;
} format_cases[] = {
	{ 0, "1970-01-01T00:00:00Z" },
	{ 1, "1970-01-01T00:00:00.001Z" },
	{ 999, "1970-01-01T00:00:00.999Z" },
	{ 1000, "1970-01-01T00:00:01Z" },
	{ -1, "1969-12-31T23:59:59.999Z" },
	{ -1000, "1969-12-31T23:59:59Z" },
	{ -1001, "1969-12-31T23:59:58.999Z" },
	{ -86400000, "1969-12-31T00:00:00Z" },
	{ 86399999, "1970-01-01T23:59:59.999Z" },
	{ 951782400000LL, "2000-02-29T00:00:00Z" },
	{ 951868800000LL, "2000-03-01T00:00:00Z" },
	{ 1795692056000LL, "2026-11-26T11:20:56Z" },
	{ 1795692056120LL, "2026-11-26T11:20:56.120Z" },
	{ 4102444800000LL, "2100-01-01T00:00:00Z" },
	{ -62135596800000LL, "0001-01-01T00:00:00Z" },
	{ -62198755200000LL, "-0001-01-01T00:00:00Z" },
	{ 253402300800000LL, "10000-01-01T00:00:00Z" },
	{ INT64_MAX, "292278994-08-17T07:12:55.807Z" },
	{ INT64_MIN, "-292275055-05-16T16:47:04.192Z" },
};

static void test_timefmt__format(void **state)
{
	char buf[TB_TIME_BUFSZ];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(format_cases); i++)
		assert_string_equal(tb_time_format(format_cases[i].ms, buf), format_cases[i].out);
}

#define LAYOUT " as \"2006-01-02T15:04:05Z07:00\": cannot parse "

static const struct {
	const char *in;
	const char *msg;
} error_cases[] = {
	{ "", "parsing time \"\"" LAYOUT "\"\" as \"2006\"" },
	{ "garbage", "parsing time \"garbage\"" LAYOUT "\"garbage\" as \"2006\"" },
	{ "2026", "parsing time \"2026\"" LAYOUT "\"\" as \"-\"" },
	{ "2026-11-26", "parsing time \"2026-11-26\"" LAYOUT "\"\" as \"T\"" },
	/* ranges */
	{ "2026-13-01T00:00:00Z", "parsing time \"2026-13-01T00:00:00Z\": month out of range" },
	{ "2026-00-01T00:00:00Z", "parsing time \"2026-00-01T00:00:00Z\": month out of range" },
	{ "2026-02-30T00:00:00Z", "parsing time \"2026-02-30T00:00:00Z\": day out of range" },
	{ "2023-02-29T00:00:00Z", "parsing time \"2023-02-29T00:00:00Z\": day out of range" },
	{ "1900-02-29T00:00:00Z", "parsing time \"1900-02-29T00:00:00Z\": day out of range" },
	{ "2026-04-31T00:00:00Z", "parsing time \"2026-04-31T00:00:00Z\": day out of range" },
	{ "2026-01-32T00:00:00Z", "parsing time \"2026-01-32T00:00:00Z\": day out of range" },
	{ "2026-01-00T00:00:00Z", "parsing time \"2026-01-00T00:00:00Z\": day out of range" },
	{ "2026-11-26T24:00:00Z", "parsing time \"2026-11-26T24:00:00Z\": hour out of range" },
	{ "2026-11-26T11:60:00Z", "parsing time \"2026-11-26T11:60:00Z\": minute out of range" },
	{ "2026-11-26T11:20:60Z", "parsing time \"2026-11-26T11:20:60Z\": second out of range" },
	{ "2000-01-01T00:00:00+24:00",
	  "parsing time \"2000-01-01T00:00:00+24:00\": timezone hour out of range" },
	{ "2000-01-01T00:00:00+00:60",
	  "parsing time \"2000-01-01T00:00:00+00:60\": timezone minute out of range" },
	/* missing pieces and wrong separators */
	{ "2026-11-26T11:20Z", "parsing time \"2026-11-26T11:20Z\"" LAYOUT "\"Z\" as \":\"" },
	{ "2026-11-26T11:20:56",
	  "parsing time \"2026-11-26T11:20:56\"" LAYOUT "\"\" as \"Z07:00\"" },
	{ "2026-11-26 11:20:56Z",
	  "parsing time \"2026-11-26 11:20:56Z\"" LAYOUT "\" 11:20:56Z\" as \"T\"" },
	{ "2026-11-26x11:20:56Z",
	  "parsing time \"2026-11-26x11:20:56Z\"" LAYOUT "\"x11:20:56Z\" as \"T\"" },
	{ "2026/11/26T11:20:56Z",
	  "parsing time \"2026/11/26T11:20:56Z\"" LAYOUT "\"/11/26T11:20:56Z\" as \"-\"" },
	{ "2026-11-26T11.20.56Z",
	  "parsing time \"2026-11-26T11.20.56Z\"" LAYOUT "\".20.56Z\" as \":\"" },
	{ "2026-11-26T11:20:56z",
	  "parsing time \"2026-11-26T11:20:56z\"" LAYOUT "\"z\" as \"Z07:00\"" },
	{ "2026-11-26T11:20:56Zjunk",
	  "parsing time \"2026-11-26T11:20:56Zjunk\"" LAYOUT "\"Zjunk\" as \"Z07:00\"" },
	{ "2026-11-26T11:20:56Z ",
	  "parsing time \"2026-11-26T11:20:56Z \"" LAYOUT "\"Z \" as \"Z07:00\"" },
	{ " 2026-11-26T11:20:56Z",
	  "parsing time \" 2026-11-26T11:20:56Z\"" LAYOUT "\" 2026-11-26T11:20:56Z\" as \"2006\"" },
	{ "2000-01-01T1:12:34Z",
	  "parsing time \"2000-01-01T1:12:34Z\"" LAYOUT "\"1:12:34Z\" as \"15\"" },
	{ "2000-1-01T00:00:00Z",
	  "parsing time \"2000-1-01T00:00:00Z\"" LAYOUT "\"1-01T00:00:00Z\" as \"01\"" },
	{ "02000-01-01T00:00:00Z",
	  "parsing time \"02000-01-01T00:00:00Z\"" LAYOUT "\"0-01-01T00:00:00Z\" as \"-\"" },
	{ "-2000-01-01T00:00:00Z",
	  "parsing time \"-2000-01-01T00:00:00Z\"" LAYOUT "\"-2000-01-01T00:00:00Z\" as \"2006\"" },
	/* fractions and offsets */
	{ "2000-01-01T00:00:00,000Z",
	  "parsing time \"2000-01-01T00:00:00,000Z\"" LAYOUT "\",000Z\" as \"Z07:00\"" },
	{ "2000-01-01T00:00:00.Z",
	  "parsing time \"2000-01-01T00:00:00.Z\"" LAYOUT "\".Z\" as \"Z07:00\"" },
	{ "2000-01-01T00:00:00.5",
	  "parsing time \"2000-01-01T00:00:00.5\"" LAYOUT "\"\" as \"Z07:00\"" },
	{ "2000-01-01T00:00:00+123:45",
	  "parsing time \"2000-01-01T00:00:00+123:45\"" LAYOUT "\"+123:45\" as \"Z07:00\"" },
	{ "2000-01-01T00:00:00+0100",
	  "parsing time \"2000-01-01T00:00:00+0100\"" LAYOUT "\"+0100\" as \"Z07:00\"" },
	{ "2000-01-01T00:00:00+01",
	  "parsing time \"2000-01-01T00:00:00+01\"" LAYOUT "\"+01\" as \"Z07:00\"" },
	{ "2000-01-01T00:00:00 01:00",
	  "parsing time \"2000-01-01T00:00:00 01:00\"" LAYOUT "\" 01:00\" as \"Z07:00\"" },
	{ "2000-01-01T00:00:00+0a:00",
	  "parsing time \"2000-01-01T00:00:00+0a:00\"" LAYOUT "\"+0a:00\" as \"Z07:00\"" },
	/* control and non-ASCII bytes are quoted as Go does */
	{ "2026-11-26T11:20:56\xc2\xb5",
	  "parsing time \"2026-11-26T11:20:56\\xc2\\xb5\"" LAYOUT "\"\\xc2\\xb5\" as \"Z07:00\"" },
	{ "2026-11-26\tT",
	  "parsing time \"2026-11-26\\x09T\"" LAYOUT "\"\\x09T\" as \"T\"" },
};

static void test_timefmt__parse_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(error_cases); i++) {
		struct tb_err err = TB_ERR_INIT;
		int64_t ms = 42;

		if (tb_time_parse(error_cases[i].in, &ms, &err) != -TB_EINVAL)
			fail_msg("\"%s\" parsed as %lld", error_cases[i].in, (long long)ms);
		assert_int_equal(err.code, -TB_EINVAL);
		assert_string_equal(err.msg, error_cases[i].msg);
		assert_int_equal(ms, 42);
	}
	assert_int_equal(tb_time_parse(NULL, &(int64_t){ 0 }, NULL), -TB_EINVAL);
	assert_int_equal(tb_time_parse("x", &(int64_t){ 0 }, NULL), -TB_EINVAL);
}

/* Every truncated prefix of a valid stamp fails cleanly (no over-read under
 * ASan), and so does a stamp followed by 400 bytes of digits. */
static void test_timefmt__prefixes_and_long_input(void **state)
{
	const char *full = "2026-11-26T11:20:56.123+02:00";
	char s[512];
	int64_t ms;
	size_t n;

	(void)state;
	for (n = 0; n < strlen(full); n++) {
		char *p = strndup(full, n);

		assert_non_null(p);
		/* "...56.123+02:00" minus its last bytes is never valid */
		assert_int_equal(tb_time_parse(p, &ms, NULL), -TB_EINVAL);
		free(p);
	}
	assert_int_equal(tb_time_parse(full, &ms, NULL), 0);

	memcpy(s, "2026-11-26T11:20:56.", 20);
	memset(s + 20, '7', 400);
	memcpy(s + 420, "Z", 2);
	assert_int_equal(tb_time_parse(s, &ms, NULL), 0);
	assert_int_equal(ms, 1795692056777LL);
	memcpy(s + 420, "ZZ", 3);
	assert_int_equal(tb_time_parse(s, &ms, NULL), -TB_EINVAL);
}

/* Day-by-day walk over four centuries, around 1970 and the Gregorian
 * exceptions: formatting then parsing must give the same instant, and the
 * calendar must advance by exactly one day each step. */
static void test_timefmt__roundtrip_days(void **state)
{
	char buf[TB_TIME_BUFSZ], prev[TB_TIME_BUFSZ] = "";
	int64_t day, ms, back;

	(void)state;
	for (day = -146097; day <= 146097; day++) {
		/* a time of day that varies, but stays within the day */
		ms = day * 86400000LL + ((day % 7) + 7) % 7 * 3600001LL;
		tb_time_format(ms, buf);
		if (tb_time_parse(buf, &back, NULL) || back != ms)
			fail_msg("%lld -> \"%s\" -> %lld", (long long)ms, buf, (long long)back);
		/* dates strictly increase; the text order matches for 4-digit years */
		if (prev[0] && buf[0] != '-' && prev[0] != '-' && strncmp(prev, buf, 10) >= 0)
			fail_msg("\"%s\" does not follow \"%s\"", buf, prev);
		memcpy(prev, buf, sizeof(prev));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timefmt__parse),
		cmocka_unit_test(test_timefmt__format),
		cmocka_unit_test(test_timefmt__parse_errors),
		cmocka_unit_test(test_timefmt__prefixes_and_long_input),
		cmocka_unit_test(test_timefmt__roundtrip_days),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
