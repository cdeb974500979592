/* Unit tests for src/api/quantity.c. Most tables are ported from
 * k8s.io/apimachinery/pkg/api/resource/quantity_test.go so that parse and
 * print stay byte-compatible with Kubernetes; the rest pin down Tugboat's
 * documented limits (values past int64 mantissa * 10^18 are errors). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "api/quantity.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define ERR_FORMAT \
	"quantities must match the regular expression " \
	"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
#define ERR_SUFFIX "unable to parse quantity's suffix"
#define ERR_NUMERIC "unable to parse numeric part of quantity"
#define ERR_BIG "quantity too large: needs more than 19 significant digits or exceeds 9.2e36"

#define DSI TB_QF_DECIMAL_SI
#define BSI TB_QF_BINARY_SI
#define DEXP TB_QF_DECIMAL_EXP

static struct tb_quantity must_parse(const char *s)
{
	struct tb_quantity q = { 0, 0, DSI };
	struct tb_err err = TB_ERR_INIT;

	if (tb_quantity_parse(s, &q, &err))
		fail_msg("parse \"%s\": %s", s, err.msg);
	return q;
}

static void check_string(const char *in, const char *want)
{
	struct tb_quantity q = must_parse(in);
	char buf[TB_QUANTITY_BUFSZ];

	if (strcmp(tb_quantity_format(&q, buf), want))
		fail_msg("\"%s\": got \"%s\", want \"%s\"", in, buf, want);
}

/* ---- parse -> canonical string -------------------------------------------- */

struct parse_case {
	const char *in;
	const char *out;
	int format;		/* format remembered by the parser */
};

static const struct parse_case parse_cases[] = {
	/* TestQuantityParse: zeros keep their suffix family. */
	{ "0", "0", DSI }, { "0n", "0", DSI }, { "0u", "0", DSI }, { "0m", "0", DSI },
	{ "0Ki", "0", BSI }, { "0k", "0", DSI }, { "0Mi", "0", BSI }, { "0M", "0", DSI },
	{ "0Gi", "0", BSI }, { "0G", "0", DSI }, { "0Ti", "0", BSI }, { "0T", "0", DSI },
	{ "00", "0", DSI },
	/* Binary suffixes */
	{ "1", "1", DSI }, { "1Ki", "1Ki", BSI }, { "8Ki", "8Ki", BSI }, { "7Mi", "7Mi", BSI },
	{ "6Gi", "6Gi", BSI }, { "5Ti", "5Ti", BSI }, { "4Pi", "4Pi", BSI }, { "3Ei", "3Ei", BSI },
	{ "10Ti", "10Ti", BSI }, { "100Ti", "100Ti", BSI },
	/* Decimal suffixes */
	{ "5n", "5n", DSI }, { "4u", "4u", DSI }, { "3m", "3m", DSI }, { "9", "9", DSI },
	{ "8k", "8k", DSI }, { "50k", "50k", DSI }, { "7M", "7M", DSI }, { "6G", "6G", DSI },
	{ "5T", "5T", DSI }, { "40T", "40T", DSI }, { "300T", "300T", DSI }, { "2P", "2P", DSI },
	{ "1E", "1E", DSI }, { "12E", "12E", DSI },
	/* Decimal exponents */
	{ "1E-3", "1e-3", DEXP }, { "1e3", "1e3", DEXP }, { "1E6", "1e6", DEXP },
	{ "1e9", "1e9", DEXP }, { "1E12", "1e12", DEXP }, { "1e15", "1e15", DEXP },
	{ "1E18", "1e18", DEXP }, { "1e14", "100e12", DEXP }, { "1e13", "10e12", DEXP },
	{ "1000e0", "1e3", DEXP }, { "1E3", "1e3", DEXP }, { "1e+3", "1e3", DEXP },
	{ "1e03", "1e3", DEXP },
	/* Things that look like floating point */
	{ "100.035k", "100035", DSI }, { "0.001", "1m", DSI }, { "0.0005k", "500m", DSI },
	{ "0.005", "5m", DSI }, { "0.05", "50m", DSI }, { "0.5", "500m", DSI },
	{ "0.00050k", "500m", DSI }, { "0.00500", "5m", DSI }, { "0.05000", "50m", DSI },
	{ "0.50000", "500m", DSI }, { "0.5e0", "500e-3", DEXP }, { "0.5e-1", "50e-3", DEXP },
	{ "0.5e-2", "5e-3", DEXP }, { "10.035M", "10035k", DSI }, { "1.2e3", "1200", DEXP },
	{ "1.3E+6", "1300e3", DEXP }, { "1.40e9", "1400e6", DEXP }, { "1.53E12", "1530e9", DEXP },
	{ "1.6e15", "1600e12", DEXP }, { "1.7E18", "1700e15", DEXP }, { "9.01", "9010m", DSI },
	{ "8.1k", "8100", DSI }, { "7.123456M", "7123456", DSI },
	{ "6.987654321G", "6987654321", DSI }, { "5.444T", "5444G", DSI },
	{ "40.1T", "40100G", DSI }, { "300.2T", "300200G", DSI }, { "2.5P", "2500T", DSI },
	{ "1.01E", "1010P", DSI }, { "1.500k", "1500", DSI },
	/* Things that saturate or round up to the next nano */
	{ "3.001n", "4n", DSI }, { "1.1E-9", "2e-9", DEXP }, { "0.0000000001", "1n", DSI },
	{ "0.0000000005", "1n", DSI }, { "0.00000000050", "1n", DSI }, { "0.5e-9", "1e-9", DEXP },
	{ "0.9n", "1n", DSI }, { "0.00000012345", "124n", DSI }, { "0.00000012354", "124n", DSI },
	{ "0.9999999999", "1", DSI }, { "9.9999999999n", "10n", DSI },
	{ "99999999999999999999999999.9999999999", "100000000E", DSI },
	{ "1.8446744073709551617k", "1844674407371n", DSI },
	{ "1e-1000000", "1e-9", DEXP },
	/* Binary values are capped at 2^63-1, as Kubernetes does. */
	{ "9Ei", "9223372036854775807", BSI }, { "8Ei", "9223372036854775807", BSI },
	{ "9223372036854775807Ki", "9223372036854775807", BSI }, { "7Ei", "7Ei", BSI },
	/* Fractional binary */
	{ "100.035Ki", "102435840m", BSI }, { "0.5Mi", "512Ki", BSI },
	{ "0.05Gi", "53687091200m", BSI }, { "0.025Ti", "27487790694400m", BSI },
	{ "0.000000000001Ki", "2n", DSI }, { ".001Ki", "1024m", BSI },
	{ ".000001Ki", "1024u", DSI }, { ".000000001Ki", "1024n", DSI },
	{ "0.5Ki", "512", BSI }, { "1.1Ki", "1126400m", BSI }, { "0.1Ki", "102400m", BSI },
	{ "1.5Ki", "1536", BSI }, { "0.5Gi", "512Mi", BSI }, { "1.5Gi", "1536Mi", BSI },
	{ "0.1234567890123456789Ki", "126419751949n", BSI },
	{ "1.0000000000000000000000000000000001Ki", "1024000000001n", BSI },
	{ "3.00000000000000000000000000000Ki", "3Ki", BSI },
	{ "1023.9999999999999999Ki", "1Mi", BSI },
	{ "1048575.999999999999999999Ki", "1Gi", BSI },
	/* Things written by trolls */
	{ ".001", "1m", DSI }, { ".0001k", "100m", DSI }, { "1.", "1", DSI }, { "1.G", "1G", DSI },
	{ "05", "5", DSI }, { "+5", "5", DSI },
	{ "0000000000000000000000000000000000000000005", "5", DSI },
	/* TestQuantityParseEmit and TestQuantityString alternates */
	{ "1024Mi", "1Gi", BSI }, { "1000M", "1G", DSI }, { "307200Ki", "300Mi", BSI },
	{ "1025024Mi", "1001Gi", BSI }, { "1024Gi", "1Ti", BSI }, { "5000m", "5", DSI },
	{ "0.001T", "1G", DSI }, { "1000u", "1m", DSI }, { "1.08", "1080m", DSI },
	{ "1080000000n", "1080m", DSI }, { ".001e12", "1e9", DEXP }, { "0.001e0", "1e-3", DEXP },
	{ "1000e-12", "1e-9", DEXP }, { "1536Mi", "1536Mi", BSI }, { "100Mi", "100Mi", BSI },
	{ "1000m", "1", DSI }, { "1025", "1025", DSI },
	/* TestParseQuantity: the int64 edges that fit */
	{ "-999999999999999999", "-999999999999999999", DSI },
	{ "999999999999999999.0", "999999999999999999", DSI },
	{ "1.0E", "1E", DSI }, { "1000000000000000000.0", "1E", DSI },
	{ "-1000000000000000000", "-1E", DSI }, { "10E", "10E", DSI },
	{ "10000000000000000000", "10E", DSI }, { "10.0E", "10E", DSI },
	{ "10000000000000000000000m", "10E", DSI },
	{ "-9223372036854775808", "-9223372036854775808", DSI },
	{ "9223372036854775807000m", "9223372036854775807", DSI },
	{ "9223372036854775806", "9223372036854775806", DSI },
	{ "-9223372036854775807.0", "-9223372036854775807", DSI },
	/* Beyond int64, still exact: mantissa * 10^18 */
	{ "1e19", "10e18", DEXP }, { "1e21", "1e21", DEXP }, { "1000E", "1000E", DSI },
	{ "1e36", "1e36", DEXP }, { "9.2e36", "9200e33", DEXP },
};

static void test_quantity__parse_canonical(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct tb_quantity q = must_parse(c->in);

		check_string(c->in, c->out);
		if ((int)q.format != c->format)
			fail_msg("\"%s\": format %d, want %d", c->in, (int)q.format, c->format);
	}
}

/* The negative and explicitly positive spelling of every input. */
static void test_quantity__parse_signed(void **state)
{
	char in[128], want[128];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];

		if (c->in[0] == '-' || c->in[0] == '+')
			continue;
		snprintf(in, sizeof(in), "+%s", c->in);
		check_string(in, c->out);
		/* -(2^63-1) fits; only "-0" prints without its sign. */
		snprintf(in, sizeof(in), "-%s", c->in);
		snprintf(want, sizeof(want), "%s%s", strcmp(c->out, "0") ? "-" : "", c->out);
		check_string(in, want);
	}
}

/* Every canonical string reparses to itself and to the same value. */
static void test_quantity__roundtrip(void **state)
{
	char buf[TB_QUANTITY_BUFSZ];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		struct tb_quantity a = must_parse(parse_cases[i].in), b;

		tb_quantity_format(&a, buf);
		b = must_parse(buf);
		assert_int_equal(tb_quantity_cmp(&a, &b), 0);
		check_string(buf, buf);
	}
}

/* ---- errors ---------------------------------------------------------------- */

struct error_case {
	const char *in;
	const char *msg;
};

static const struct error_case error_cases[] = {
	/* TestQuantityParse invalid list */
	{ "", ERR_FORMAT }, { "1.1.M", ERR_FORMAT }, { "1+1.0M", ERR_FORMAT },
	{ "0.1mi", ERR_SUFFIX }, { "0.1am", ERR_FORMAT }, { "aoeu", ERR_FORMAT },
	{ ".5i", ERR_SUFFIX }, { "1i", ERR_SUFFIX }, { "-3.01i", ERR_SUFFIX },
	{ "-3.01e-", ERR_SUFFIX }, { " 1", ERR_FORMAT }, { "1 ", ERR_FORMAT },
	{ "Non-Numeric", ERR_FORMAT },
	/* More garbage */
	{ "1.2.3", ERR_FORMAT }, { "1Qi", ERR_FORMAT }, { "1e", ERR_SUFFIX }, { "1K", ERR_SUFFIX },
	{ "1e3.5", ERR_FORMAT }, { "1Ki3", ERR_SUFFIX }, { "1ee3", ERR_SUFFIX },
	{ "--1", ERR_SUFFIX }, { "+-1", ERR_SUFFIX }, { "1e3i", ERR_FORMAT }, { "1E+", ERR_SUFFIX },
	{ "0x10", ERR_FORMAT }, { "1,5", ERR_FORMAT }, { "\t1", ERR_FORMAT }, { "1\n", ERR_FORMAT },
	{ "1kk", ERR_SUFFIX }, { "1KiB", ERR_FORMAT }, { "Ki1", ERR_SUFFIX },
	{ "1e+-3", ERR_FORMAT }, { "1m3", ERR_SUFFIX }, { "1Mi1", ERR_SUFFIX }, { "e", ERR_SUFFIX },
	{ "i", ERR_SUFFIX }, { "\xc2\xb5", ERR_FORMAT }, { "1\xe2\x88\x9e", ERR_FORMAT },
	/* strconv.ParseInt range on the exponent */
	{ "1e99999999999999999999", ERR_SUFFIX }, { "1e-9223372036854775809", ERR_SUFFIX },
	/* Digitless numbers on Kubernetes' arbitrary-precision path */
	{ "Pi", ERR_NUMERIC }, { "Ei", ERR_NUMERIC }, { "+Ei", ERR_NUMERIC },
	{ "e-10", ERR_NUMERIC }, { ".e-12", ERR_NUMERIC },
	/* Tugboat's limit: no arbitrary precision */
	{ "1e1000000", ERR_BIG }, { "1e9223372036854775807", ERR_BIG }, { "1e37", ERR_BIG },
	{ "9.3e36", ERR_BIG }, { "1000000000000000000000000000000000000E", ERR_BIG },
	{ "9999999999999999999", ERR_BIG }, { "999999999999999999.1", ERR_BIG },
	{ "9223372036854775808", ERR_BIG }, { "-9223372036854775809", ERR_BIG },
	{ "1.0000000000000000001E", ERR_BIG }, { "10000000000000000001", ERR_BIG },
	{ "1234567890123.123456789Ki", ERR_BIG },
	{ "99999999999999999999", ERR_BIG }, { "18446744073709551617", ERR_BIG },
	{ "18446744073709551617m", ERR_BIG },
};

static void test_quantity__parse_errors(void **state)
{
	struct tb_quantity q = { 42, 0, DSI };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(error_cases); i++) {
		struct tb_err err = TB_ERR_INIT;
		int rc = tb_quantity_parse(error_cases[i].in, &q, &err);

		if (rc != -TB_EINVAL)
			fail_msg("\"%s\": rc %d, want -TB_EINVAL", error_cases[i].in, rc);
		assert_int_equal(err.code, -TB_EINVAL);
		assert_string_equal(err.msg, error_cases[i].msg);
		/* The output is left alone on error. */
		assert_int_equal(q.mant, 42);
	}
	assert_int_equal(tb_quantity_parse(NULL, &q, NULL), -TB_EINVAL);
	assert_int_equal(tb_quantity_parse("1x", &q, NULL), -TB_EINVAL);
}

/* 400-character inputs: huge, tiny, padded and merely long. */
static void test_quantity__long_inputs(void **state)
{
	char s[512];
	struct tb_err err = TB_ERR_INIT;
	struct tb_quantity q;

	(void)state;
	memset(s, '9', 400);
	s[400] = '\0';
	assert_int_equal(tb_quantity_parse(s, &q, &err), -TB_EINVAL);
	assert_string_equal(err.msg, ERR_BIG);

	s[0] = '1';
	memset(s + 1, '0', 399);
	assert_int_equal(tb_quantity_parse(s, &q, &err), -TB_EINVAL);
	memcpy(s + 400, "e-399", 6);
	check_string(s, "1");

	memcpy(s, "0.", 2);
	memset(s + 2, '0', 398);
	memcpy(s + 400, "1", 2);
	check_string(s, "1n");

	memset(s, '0', 400);
	memcpy(s + 400, "5Ki", 4);
	check_string(s, "5Ki");

	memcpy(s, "1.", 2);
	memset(s + 2, '0', 398);
	memcpy(s + 400, "1Ki", 4);
	check_string(s, "1024000000001n");

	memset(s, '7', 400);
	memcpy(s + 400, "Ei", 3);
	check_string(s, "9223372036854775807");
}

/* Kubernetes' scanner lets a number have no digits at all; its fast path then
 * reads it as zero. Tugboat matches that rather than being stricter. */
static void test_quantity__digitless_is_zero(void **state)
{
	static const struct {
		const char *in;
		int format;
	} cases[] = {
		{ "+", DSI }, { "-", DSI }, { ".", DSI }, { "-.", DSI }, { "k", DSI },
		{ "m", DSI }, { "Ki", BSI }, { "Ti", BSI }, { "e3", DEXP }, { "-e-9", DEXP },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tb_quantity q = must_parse(cases[i].in);

		assert_true(tb_quantity_is_zero(&q));
		assert_int_equal(q.format, cases[i].format);
		check_string(cases[i].in, "0");
	}
}

/* ---- printing hand-built quantities (TestQuantityString) ------------------ */

struct format_case {
	struct tb_quantity q;
	const char *out;
};

static const struct format_case format_cases[] = {
	{ { 1024 * 1024 * 1024, 0, BSI }, "1Gi" },
	{ { 300 * 1024 * 1024, 0, BSI }, "300Mi" },
	{ { 6 * 1024, 0, BSI }, "6Ki" },
	{ { 1001LL * 1024 * 1024 * 1024, 0, BSI }, "1001Gi" },
	{ { 1024LL * 1024 * 1024 * 1024, 0, BSI }, "1Ti" },
	{ { 5, 0, BSI }, "5" },
	{ { 500, -3, BSI }, "500m" },
	{ { 1, 9, DSI }, "1G" },
	{ { 1000, 6, DSI }, "1G" },
	{ { 1000000, 3, DSI }, "1G" },
	{ { 1000000000, 0, DSI }, "1G" },
	{ { 1, -3, DSI }, "1m" },
	{ { 80, -3, DSI }, "80m" },
	{ { 1080, -3, DSI }, "1080m" },
	{ { 108, -2, DSI }, "1080m" },
	{ { 10800, -4, DSI }, "1080m" },
	{ { 300, 6, DSI }, "300M" },
	{ { 1, 12, DSI }, "1T" },
	{ { 1234567, 6, DSI }, "1234567M" },
	{ { 1234567, -3, BSI }, "1234567m" },
	{ { 3, 3, DSI }, "3k" },
	{ { 1025, 0, BSI }, "1025" },
	{ { 0, 0, DSI }, "0" },
	{ { 0, 0, BSI }, "0" },
	{ { 1, 9, DEXP }, "1e9" },
	{ { 1, -3, DEXP }, "1e-3" },
	{ { 1, -9, DEXP }, "1e-9" },
	{ { 80, -3, DEXP }, "80e-3" },
	{ { 300, 6, DEXP }, "300e6" },
	{ { 1, 12, DEXP }, "1e12" },
	{ { 1, 3, DEXP }, "1e3" },
	{ { 3, 3, DEXP }, "3e3" },
	{ { 0, 0, DEXP }, "0" },
	{ { 1, -9, DSI }, "1n" },
	{ { 80, -9, DSI }, "80n" },
	{ { 1080, -9, DSI }, "1080n" },
	{ { 108, -8, DSI }, "1080n" },
	{ { 10800, -10, DSI }, "1080n" },
	{ { 1, -6, DSI }, "1u" },
	{ { 80, -6, DSI }, "80u" },
	{ { 1080, -6, DSI }, "1080u" },
	/* TestQuantityNeg */
	{ { -901, -2, DSI }, "-9010m" },
	/* Binary values a decimal scale can reach, past Ei and past int64 */
	{ { 1000, 18, BSI }, "953674316406250Mi" },
	{ { 1, 21, BSI }, "953674316406250Mi" },
	{ { INT64_MAX, 18, DSI }, "9223372036854775807E" },
	{ { INT64_MIN, 0, BSI }, "-8Ei" },
	/* Unknown formats print as exponents (Go's default) */
	{ { 1000000, 0, (enum tb_qformat)7 }, "1e6" },
	/* Outside n..E only the exponent form can say it */
	{ { 1, -12, DSI }, "1e-12" },
	{ { 1, 40, DSI }, "10e39" },
	{ { 1, 2147483647, DEXP }, "10e2147483646" },
	{ { -INT64_MAX, -2147483647 - 1, DEXP }, "-92233720368547758070e-2147483649" },
};

static void test_quantity__format_struct(void **state)
{
	char buf[TB_QUANTITY_BUFSZ], want[TB_QUANTITY_BUFSZ];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(format_cases); i++) {
		struct tb_quantity neg = format_cases[i].q;

		assert_string_equal(tb_quantity_format(&format_cases[i].q, buf),
				    format_cases[i].out);
		if (neg.mant <= 0)
			continue;
		neg.mant = -neg.mant;
		snprintf(want, sizeof(want), "-%s", format_cases[i].out);
		assert_string_equal(tb_quantity_format(&neg, buf), want);
	}
}

/* ---- Value() and MilliValue() --------------------------------------------- */

struct value_case {
	const char *in;
	int64_t value, milli;
};

static const struct value_case value_cases[] = {
	{ "0", 0, 0 },
	{ "1", 1, 1000 },
	{ "1.5", 2, 1500 },
	{ "-1.5", -2, -1500 },
	{ "100m", 1, 100 },
	{ "-100m", -1, -100 },
	{ "1n", 1, 1 },
	{ "-1n", -1, -1 },
	{ "1u", 1, 1 },
	{ "1001u", 1, 2 },
	{ "9.01", 10, 9010 },
	{ "-9.01", -10, -9010 },
	{ "1e-3", 1, 1 },
	{ "1Mi", 1048576, 1048576000 },
	{ "1.1Ki", 1127, 1126400 },
	{ "5Ti", 5497558138880LL, 5497558138880000LL },
	{ "9223372036854775", 9223372036854775LL, 9223372036854775000LL },
	{ "9223372036854776", 9223372036854776LL, INT64_MAX },
	{ "-9223372036854776", -9223372036854776LL, INT64_MIN },
	{ "9223372036854775807", INT64_MAX, INT64_MAX },
	{ "-9223372036854775808", INT64_MIN, INT64_MIN },
	{ "9Ei", INT64_MAX, INT64_MAX },
	{ "12E", INT64_MAX, INT64_MAX },
	{ "-12E", INT64_MIN, INT64_MIN },
	{ "1e36", INT64_MAX, INT64_MAX },
	{ "1E", 1000000000000000000LL, INT64_MAX },
};

static void test_quantity__value_milli(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(value_cases); i++) {
		struct tb_quantity q = must_parse(value_cases[i].in);

		if (tb_quantity_value(&q) != value_cases[i].value ||
		    tb_quantity_milli(&q) != value_cases[i].milli)
			fail_msg("\"%s\": value %lld milli %lld, want %lld %lld",
				 value_cases[i].in, (long long)tb_quantity_value(&q),
				 (long long)tb_quantity_milli(&q),
				 (long long)value_cases[i].value, (long long)value_cases[i].milli);
	}
}

/* TestScaledValue, restricted to the two scales exposed. */
static void test_quantity__value_scaled_structs(void **state)
{
	static const struct {
		struct tb_quantity q;
		int64_t value, milli;
	} cases[] = {
		{ { 1, -9, DSI }, 1, 1 },
		{ { 1, -6, DSI }, 1, 1 },
		{ { 1, -3, DSI }, 1, 1 },
		{ { 1, 0, DSI }, 1, 1000 },
		{ { 1, 2, DSI }, 100, 100000 },
		{ { 7, -40, DSI }, 1, 1 },
		{ { -7, -40, DSI }, -1, -1 },
		{ { 1, 2147483647, DSI }, INT64_MAX, INT64_MAX },
		{ { -1, 2147483647, DSI }, INT64_MIN, INT64_MIN },
		{ { INT64_MIN, -2147483647 - 1, DSI }, -1, -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(tb_quantity_value(&cases[i].q), cases[i].value);
		assert_int_equal(tb_quantity_milli(&cases[i].q), cases[i].milli);
	}
}

/* ---- comparison ------------------------------------------------------------ */

static void test_quantity__cmp_parsed(void **state)
{
	static const struct {
		const char *a, *b;
		int cmp;
	} cases[] = {
		{ "0", "0", 0 }, { "100m", "50m", 1 }, { "50m", "100m", -1 },
		{ "10000T", "100Gi", 1 }, { "1Ki", "1024", 0 }, { "1k", "1Ki", -1 },
		{ "1Gi", "1024Mi", 0 }, { "0.5", "500m", 0 }, { "1e3", "1k", 0 },
		{ "-1", "1n", -1 }, { "-1n", "-1u", 1 }, { "0", "-0", 0 }, { "0Ki", "0e3", 0 },
		{ "1n", "0", 1 }, { "12E", "9Ei", 1 }, { "-12E", "-9Ei", -1 },
		{ "1E", "1000000000000000001", -1 }, { "9223372036854775807", "9Ei", 0 },
		{ "1e36", "999999999999999999e18", 1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tb_quantity a = must_parse(cases[i].a), b = must_parse(cases[i].b);

		if (tb_quantity_cmp(&a, &b) != cases[i].cmp || tb_quantity_cmp(&b, &a) != -cases[i].cmp)
			fail_msg("cmp(%s, %s) = %d, want %d", cases[i].a, cases[i].b,
				 tb_quantity_cmp(&a, &b), cases[i].cmp);
	}
}

/* TestQuantityCmpInt64AndDec, including its unnormalised extremes. */
static void test_quantity__cmp_raw(void **state)
{
	static const struct {
		struct tb_quantity a, b;
		int cmp;
	} cases[] = {
		{ { 901, -2, DSI }, { 901, -2, DSI }, 0 },
		{ { 90, -1, DSI }, { 901, -2, DSI }, -1 },
		{ { 901, -2, DSI }, { 900, -2, DSI }, 1 },
		{ { 0, 0, DSI }, { 0, 0, DSI }, 0 },
		{ { 0, 1, DSI }, { 0, -1, DSI }, 0 },
		{ { 0, -1, DSI }, { 0, 1, DSI }, 0 },
		{ { 800, -3, DSI }, { 1, 0, DSI }, -1 },
		{ { 800, -3, DSI }, { 79, -2, DSI }, 1 },
		{ { INT64_MAX, 0, DSI }, { 1, -1, DSI }, 1 },
		{ { INT64_MAX, 1, DSI }, { 1, 0, DSI }, 1 },
		{ { INT64_MAX, 1, DSI }, { 1, 1, DSI }, 1 },
		{ { INT64_MAX, 1, DSI }, { 0, 1, DSI }, 1 },
		{ { INT64_MAX, -16, DSI }, { 1, 3, DSI }, -1 },
		{ { INT64_MIN, 0, DSI }, { 0, 0, DSI }, -1 },
		{ { INT64_MIN, -18, DSI }, { -1, 0, DSI }, -1 },
		{ { INT64_MIN, -19, DSI }, { -1, 0, DSI }, 1 },
		{ { 1000000000000000000LL, -17, DSI }, { 1, 1, DSI }, 0 },
		{ { 1000000000000000000LL, -17, DSI }, { -10, 0, DSI }, 1 },
		{ { -1000000000000000000LL, -17, DSI }, { -10, 0, DSI }, 0 },
		{ { 1000000000000000000LL, -17, DSI }, { 1, 0, DSI }, 1 },
		{ { 1000000000000000001LL, -17, DSI }, { 1, 1, DSI }, 1 },
		{ { 999999999999999999LL, -17, DSI }, { 1, 1, DSI }, -1 },
		/* Scales far apart must not overflow. */
		{ { 1, 2147483647, DSI }, { INT64_MAX, -2147483647 - 1, DSI }, 1 },
		{ { -1, 2147483647, DSI }, { INT64_MIN, 0, DSI }, -1 },
		{ { INT64_MIN, 19, DSI }, { INT64_MIN, 0, DSI }, -1 },
		{ { INT64_MAX, 19, DSI }, { INT64_MAX, 0, DSI }, 1 },
		{ { 1, 20, DSI }, { INT64_MAX, 0, DSI }, 1 },
		{ { -1, 0, DSI }, { -1, -20, DSI }, -1 },
		{ { INT64_MAX, 25, DSI }, { INT64_MIN, 0, DSI }, 1 },
		{ { INT64_MIN, -25, DSI }, { INT64_MAX, 0, DSI }, -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (tb_quantity_cmp(&cases[i].a, &cases[i].b) != cases[i].cmp ||
		    tb_quantity_cmp(&cases[i].b, &cases[i].a) != -cases[i].cmp)
			fail_msg("row %zu: cmp %d, want %d", i,
				 tb_quantity_cmp(&cases[i].a, &cases[i].b), cases[i].cmp);
	}
}

static void test_quantity__is_zero(void **state)
{
	struct tb_quantity z = { 0, 5, BSI }, nz = must_parse("1n");

	(void)state;
	assert_true(tb_quantity_is_zero(&z));
	assert_false(tb_quantity_is_zero(&nz));
	nz = must_parse("-0.0Ki");
	assert_true(tb_quantity_is_zero(&nz));
}

/* ---- constructors (TestNewSet, TestMilliNewSet) --------------------------- */

static void test_quantity__constructors(void **state)
{
	static const struct {
		int64_t v;
		int format;
		bool milli;
		const char *out;
	} cases[] = {
		{ 1, DSI, false, "1" },
		{ 1000, DSI, false, "1k" },
		{ 1234000, DSI, false, "1234k" },
		{ 1024, BSI, false, "1Ki" },
		{ 1000000, 7, false, "1e6" },
		{ 1024 * 1024, BSI, false, "1Mi" },
		{ 0, DSI, false, "0" },
		{ INT64_MIN, DSI, false, "-9223372036854775808" },
		{ INT64_MAX, BSI, false, "9223372036854775807" },
		{ 1, DSI, true, "1m" },
		{ 1000, DSI, true, "1" },
		{ 1234000, DSI, true, "1234" },
		{ 1024, BSI, true, "1024m" },
		{ 1000000, 7, true, "1e3" },
		{ 1024 * 1024, BSI, true, "1048576m" },
		{ 1024 * 1024 * 1000, BSI, true, "1Mi" },
		{ -1500, DSI, true, "-1500m" },
	};
	char buf[TB_QUANTITY_BUFSZ];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tb_quantity q = cases[i].milli ?
			tb_quantity_from_milli(cases[i].v, (enum tb_qformat)cases[i].format) :
			tb_quantity_from_int(cases[i].v, (enum tb_qformat)cases[i].format);

		assert_string_equal(tb_quantity_format(&q, buf), cases[i].out);
		if (cases[i].milli)
			assert_int_equal(tb_quantity_milli(&q), cases[i].v);
		else
			assert_int_equal(tb_quantity_value(&q), cases[i].v);
	}
}

/* ---- Add / Sub (TestAdd, TestSub) ----------------------------------------- */

struct arith_case {
	struct tb_quantity a, b;
	struct tb_quantity want;
	const char *out;
};

static const struct arith_case add_cases[] = {
	{ { 10, 0, DSI }, { 1, 1, DSI }, { 20, 0, DSI }, "20" },
	{ { 10, 0, DSI }, { 1, 0, BSI }, { 11, 0, DSI }, "11" },
	{ { 10, 0, BSI }, { 1, 0, DSI }, { 11, 0, BSI }, "11" },
	{ { 0, 0, DSI }, { 50, 0, DSI }, { 50, 0, DSI }, "50" },
	{ { 50, 0, DSI }, { 0, 0, DSI }, { 50, 0, DSI }, "50" },
	{ { 0, 0, DSI }, { 0, 0, DSI }, { 0, 0, DSI }, "0" },
	{ { 1, 0, BSI }, { 1023, 0, DSI }, { 1024, 0, BSI }, "1Ki" },
	{ { 1, -9, DSI }, { 1, 9, DSI }, { 1000000000000000001LL, -9, DSI },
	  "1000000000000000001n" },
	{ { 1, -9, DSI }, { 1, 18, DSI }, { 0, 0, DSI }, NULL },	/* 28 digits */
	{ { INT64_MAX, 18, DSI }, { 1, -2, DSI }, { 0, 0, DSI }, NULL },
	{ { -1, -7, DSI }, { INT64_MIN, 18, DSI }, { 0, 0, DSI }, NULL },
	{ { 1, 10, DSI }, { 1, -9, DSI }, { 0, 0, DSI }, NULL },	/* exactly 20 digits */
	{ { 5, -1, DSI }, { 5, -1, DSI }, { 1, 0, DSI }, "1" },
	{ { -5, -1, DSI }, { 5, -1, DSI }, { 0, 0, DSI }, "0" },
	/* The shifted operand overflows int64 but the sum does not. */
	{ { 922337203685477581LL, 1, DSI }, { -10, 0, DSI }, { 92233720368547758LL, 2, DSI },
	  "9223372036854775800" },
	{ { INT64_MAX, 0, DSI }, { INT64_MIN, 0, DSI }, { -1, 0, DSI }, "-1" },
	{ { INT64_MAX, 18, DSI }, { -INT64_MAX, 18, DSI }, { 0, 0, DSI }, "0" },
};

static const struct arith_case sub_cases[] = {
	{ { 10, 0, DSI }, { 1, 1, DSI }, { 0, 0, DSI }, "0" },
	{ { 10, 0, DSI }, { 1, 0, BSI }, { 9, 0, DSI }, "9" },
	{ { 10, 0, BSI }, { 1, 0, DSI }, { 9, 0, BSI }, "9" },
	{ { 0, 0, DSI }, { 50, 0, DSI }, { -50, 0, DSI }, "-50" },
	{ { 50, 0, DSI }, { 0, 0, DSI }, { 50, 0, DSI }, "50" },
	{ { 0, 0, DSI }, { 0, 0, DSI }, { 0, 0, DSI }, "0" },
	{ { 0, 0, DSI }, { INT64_MIN, 0, DSI }, { 0, 0, DSI }, NULL },	/* 2^63 */
	{ { -1, 0, DSI }, { INT64_MAX, 0, DSI }, { INT64_MIN, 0, DSI }, "-9223372036854775808" },
	{ { 2, -9, DSI }, { 1, -9, DSI }, { 1, -9, DSI }, "1n" },
	{ { 1024, 0, BSI }, { 1, 0, DSI }, { 1023, 0, BSI }, "1023" },
};

static void run_arith(const struct arith_case *cases, size_t n, bool sub)
{
	char buf[TB_QUANTITY_BUFSZ];
	size_t i;

	for (i = 0; i < n; i++) {
		struct tb_quantity a = cases[i].a, before = cases[i].a;
		int rc = sub ? tb_quantity_sub(&a, &cases[i].b) : tb_quantity_add(&a, &cases[i].b);

		if (!cases[i].out) {
			assert_int_equal(rc, -TB_ETOOBIG);
			assert_memory_equal(&a, &before, sizeof(a));
			continue;
		}
		if (rc || tb_quantity_cmp(&a, &cases[i].want) || a.format != cases[i].want.format)
			fail_msg("%s row %zu: rc %d, got %s (format %d)", sub ? "sub" : "add", i, rc,
				 tb_quantity_format(&a, buf), (int)a.format);
		assert_string_equal(tb_quantity_format(&a, buf), cases[i].out);
	}
}

static void test_quantity__add(void **state)
{
	(void)state;
	run_arith(add_cases, ARRAY_SIZE(add_cases), false);
}

static void test_quantity__sub(void **state)
{
	(void)state;
	run_arith(sub_cases, ARRAY_SIZE(sub_cases), true);
}

/* TestQuantityAddZeroPreservesSuffix / SubZeroPreservesSuffix */
static void test_quantity__zero_preserves_suffix(void **state)
{
	static const char *const values[] = { "100m", "1Gi", "1e3", "5Ki" };
	char buf[TB_QUANTITY_BUFSZ], want[TB_QUANTITY_BUFSZ];
	struct tb_quantity zero = must_parse("0");
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(values); i++) {
		struct tb_quantity v = must_parse(values[i]), a = v, b = zero;

		assert_int_equal(tb_quantity_add(&a, &zero), 0);
		assert_string_equal(tb_quantity_format(&a, buf), values[i]);
		assert_int_equal(tb_quantity_add(&b, &v), 0);
		assert_string_equal(tb_quantity_format(&b, buf), values[i]);
		a = v;
		assert_int_equal(tb_quantity_sub(&a, &zero), 0);
		assert_string_equal(tb_quantity_format(&a, buf), values[i]);
		b = zero;
		assert_int_equal(tb_quantity_sub(&b, &v), 0);
		snprintf(want, sizeof(want), "-%s", values[i]);
		assert_string_equal(tb_quantity_format(&b, buf), want);
	}
}

static void test_quantity__add_overflow(void **state)
{
	static const char *const pairs[][2] = {
		{ "9223372036854775807", "1" },
		{ "-9223372036854775808", "-1" },
		{ "1E", "1n" },			/* 28 significant digits */
		{ "9223372036854775807E", "1E" },
		{ "9e36", "9e36" },
		{ "1e36", "1n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		struct tb_quantity a = must_parse(pairs[i][0]), b = must_parse(pairs[i][1]);
		struct tb_quantity before = a;

		assert_int_equal(tb_quantity_add(&a, &b), -TB_ETOOBIG);
		assert_memory_equal(&a, &before, sizeof(a));
		b.mant = -b.mant;
		if (a.mant < 0)
			continue;
		assert_int_equal(tb_quantity_sub(&a, &b), -TB_ETOOBIG);
		assert_memory_equal(&a, &before, sizeof(a));
	}
}

/* TestAddSubRoundTrip / AcrossScales with a fixed-seed generator. */
static void test_quantity__add_sub_roundtrip(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	struct tb_quantity q = { 0, 0, DSI }, items[100];
	int k, i;

	(void)state;
	for (k = -9; k <= 10; k++) {
		for (i = 0; i < 100; i++) {
			int scale;

			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			/* Mixed scales when k == 10, otherwise all at scale k;
			 * the mix stays within 10^6 so the sum fits int64. */
			scale = k == 10 ? (int)(seed >> 60) % 7 - 3 : k;
			items[i] = (struct tb_quantity){ (int64_t)(seed >> 36), scale, DSI };
			assert_int_equal(tb_quantity_add(&q, &items[i]), 0);
		}
		assert_false(tb_quantity_is_zero(&q));
		for (i = 0; i < 100; i++)
			assert_int_equal(tb_quantity_sub(&q, &items[i]), 0);
		assert_true(tb_quantity_is_zero(&q));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantity__parse_canonical),
		cmocka_unit_test(test_quantity__parse_signed),
		cmocka_unit_test(test_quantity__roundtrip),
		cmocka_unit_test(test_quantity__parse_errors),
		cmocka_unit_test(test_quantity__long_inputs),
		cmocka_unit_test(test_quantity__digitless_is_zero),
		cmocka_unit_test(test_quantity__format_struct),
		cmocka_unit_test(test_quantity__value_milli),
		cmocka_unit_test(test_quantity__value_scaled_structs),
		cmocka_unit_test(test_quantity__cmp_parsed),
		cmocka_unit_test(test_quantity__cmp_raw),
		cmocka_unit_test(test_quantity__is_zero),
		cmocka_unit_test(test_quantity__constructors),
		cmocka_unit_test(test_quantity__add),
		cmocka_unit_test(test_quantity__sub),
		cmocka_unit_test(test_quantity__zero_preserves_suffix),
		cmocka_unit_test(test_quantity__add_overflow),
		cmocka_unit_test(test_quantity__add_sub_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
