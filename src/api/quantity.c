/* Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity):
 * parse, canonical print, compare, add. Pure fixed-point arithmetic on an
 * int64 mantissa and a decimal scale: never allocate, never use floating
 * point, and never hand back a value that is not exactly what was asked for. */
#include "api/quantity.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/*
 * Domain. Every quantity produced here is mant * 10^scale with
 * -9 <= scale <= 18 and mant stripped of trailing zeros unless scale is 18.
 * The lower bound is Kubernetes' nano rounding; the upper bound is the largest
 * SI suffix (E): Go prints nonsense for DecimalSI values past it ("1000E"
 * comes out as "1"), so capping there keeps every value printable and bounds
 * magnitudes to 9.2e36, which fits unsigned __int128 for exact arithmetic.
 */
#define TB_Q_MIN_SCALE	(-9)
#define TB_Q_MAX_SCALE	18
/* Exponents past this cannot matter: no input string is that long. */
#define TB_Q_EXP_CLAMP	((int64_t)1 << 40)

#define TB_Q_ERR_FORMAT \
	"quantities must match the regular expression " \
	"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
#define TB_Q_ERR_NUMERIC "unable to parse numeric part of quantity"
#define TB_Q_ERR_SUFFIX "unable to parse quantity's suffix"
#define TB_Q_ERR_BIG \
	"quantity too large: needs more than 19 significant digits or exceeds 9.2e36"

__extension__ typedef unsigned __int128 tb_u128;
__extension__ typedef __int128 tb_i128;

static const uint64_t tb_pow10[20] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
	10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
	100000000000ULL, 1000000000000ULL, 10000000000000ULL,
	100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL,
	10000000000000000000ULL,
};

#define TB_Q_NANO 1000000000ULL

static bool tb_quantity_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

/* The largest magnitude an int64 mantissa of the given sign can carry. */
static uint64_t tb_quantity_limit(bool neg)
{
	return neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
}

static int64_t tb_quantity_signed(uint64_t mag, bool neg)
{
	if (!neg)
		return (int64_t)mag;
	if (mag == (uint64_t)INT64_MAX + 1)
		return INT64_MIN;
	return -(int64_t)mag;
}

static uint64_t tb_quantity_mag(int64_t v)
{
	return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

/* ---- scanning ------------------------------------------------------------- */

/* The pieces of "[+-]<num>.<den><suffix>"; num has its leading zeros removed. */
struct tb_qscan {
	bool neg;
	bool digits;		/* any digit at all in the number part */
	const char *num;
	size_t nnum;
	const char *den;
	size_t nden;
	const char *suf;
	size_t nsuf;
};

/* Mirrors apimachinery's parseQuantityString, including its leniency: "+",
 * "." and "Ki" have no digits yet scan fine (and parse as zero). */
static int tb_quantity_scan(const char *s, struct tb_qscan *sc)
{
	size_t pos = 0;

	memset(sc, 0, sizeof(*sc));
	sc->num = sc->den = sc->suf = "";
	if (s[0] == '-' || s[0] == '+') {
		sc->neg = s[0] == '-';
		pos++;
	}
	while (s[pos] == '0') {
		sc->digits = true;
		pos++;
	}
	if (!s[pos])
		return 0;
	sc->num = s + pos;
	while (tb_quantity_isdigit(s[pos]))
		pos++;
	sc->nnum = (size_t)(s + pos - sc->num);
	if (s[pos] == '.') {
		pos++;
		sc->den = s + pos;
		while (tb_quantity_isdigit(s[pos]))
			pos++;
		sc->nden = (size_t)(s + pos - sc->den);
	}
	if (sc->nnum || sc->nden)
		sc->digits = true;
	sc->suf = s + pos;
	while (s[pos] && strchr("eEinumkKMGTP", s[pos]))
		pos++;
	if (s[pos] == '-' || s[pos] == '+')
		pos++;
	while (tb_quantity_isdigit(s[pos]))
		pos++;
	if (s[pos])
		return -1;
	sc->nsuf = (size_t)(s + pos - sc->suf);
	return 0;
}

/* strconv.ParseInt(s, 10, 64): optional sign, at least one digit, no overflow. */
static int tb_quantity_parse_exp(const char *s, size_t n, int64_t *ret)
{
	bool neg = false;
	uint64_t v = 0, lim;
	size_t i = 0;

	if (n && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		i++;
	}
	if (i == n)
		return -1;
	lim = tb_quantity_limit(neg);
	for (; i < n; i++) {
		if (!tb_quantity_isdigit(s[i]))
			return -1;
		if (v > (lim - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*ret = tb_quantity_signed(v, neg);
	return 0;
}

struct tb_qsuffix {
	const char *name;
	int base;
	int exp;
	enum tb_qformat format;
};

static const struct tb_qsuffix tb_qsuffixes[] = {
	{ "", 10, 0, TB_QF_DECIMAL_SI },
	{ "n", 10, -9, TB_QF_DECIMAL_SI },
	{ "u", 10, -6, TB_QF_DECIMAL_SI },
	{ "m", 10, -3, TB_QF_DECIMAL_SI },
	{ "k", 10, 3, TB_QF_DECIMAL_SI },
	{ "M", 10, 6, TB_QF_DECIMAL_SI },
	{ "G", 10, 9, TB_QF_DECIMAL_SI },
	{ "T", 10, 12, TB_QF_DECIMAL_SI },
	{ "P", 10, 15, TB_QF_DECIMAL_SI },
	{ "E", 10, 18, TB_QF_DECIMAL_SI },
	{ "Ki", 2, 10, TB_QF_BINARY_SI },
	{ "Mi", 2, 20, TB_QF_BINARY_SI },
	{ "Gi", 2, 30, TB_QF_BINARY_SI },
	{ "Ti", 2, 40, TB_QF_BINARY_SI },
	{ "Pi", 2, 50, TB_QF_BINARY_SI },
	{ "Ei", 2, 60, TB_QF_BINARY_SI },
};

static int tb_quantity_suffix(const char *s, size_t n, int *ret_base, int64_t *ret_exp,
			      enum tb_qformat *ret_format)
{
	size_t i;

	for (i = 0; i < sizeof(tb_qsuffixes) / sizeof(tb_qsuffixes[0]); i++) {
		const struct tb_qsuffix *sx = &tb_qsuffixes[i];

		if (strlen(sx->name) == n && !memcmp(sx->name, s, n)) {
			*ret_base = sx->base;
			*ret_exp = sx->exp;
			*ret_format = sx->format;
			return 0;
		}
	}
	if (n > 1 && (s[0] == 'e' || s[0] == 'E')) {
		if (tb_quantity_parse_exp(s + 1, n - 1, ret_exp))
			return -1;
		*ret_base = 10;
		*ret_format = TB_QF_DECIMAL_EXP;
		return 0;
	}
	return -1;
}

/* ---- exact value of the digits ------------------------------------------- */

static char tb_qscan_digit(const struct tb_qscan *sc, size_t i)
{
	return (char)((i < sc->nnum ? sc->num[i] : sc->den[i - sc->nnum]) - '0');
}

/* Stores mag * 10^scale (scale >= -9), pulling scale down to the cap. */
static int tb_quantity_finish(uint64_t mag, int64_t scale, bool neg, enum tb_qformat f,
			      struct tb_quantity *q)
{
	uint64_t lim = tb_quantity_limit(neg);

	while (mag && mag % 10 == 0 && scale < TB_Q_MAX_SCALE) {
		mag /= 10;
		scale++;
	}
	if (!mag)
		scale = 0;
	for (; scale > TB_Q_MAX_SCALE; scale--) {
		if (mag > lim / 10)
			return -1;
		mag *= 10;
	}
	if (mag > lim)
		return -1;
	q->mant = tb_quantity_signed(mag, neg);
	q->scale = (int32_t)scale;
	q->format = f;
	return 0;
}

/*
 * value = digits * 10^(exp - nden), rounded away from zero to a multiple of
 * 10^-9 as Kubernetes does ("if you want some resources, you should get some").
 */
static int tb_quantity_decimal(const struct tb_qscan *sc, int64_t exp, enum tb_qformat f,
			       struct tb_quantity *q)
{
	size_t n = sc->nnum + sc->nden, first, last, i;
	int64_t top, low;
	unsigned char w[48];
	size_t nw = 0;
	uint64_t mag = 0;

	for (first = 0; first < n && !tb_qscan_digit(sc, first); first++)
		;
	if (first == n)
		return tb_quantity_finish(0, 0, false, f, q);
	for (last = n - 1; !tb_qscan_digit(sc, last); last--)
		;
	if (exp > TB_Q_EXP_CLAMP)
		exp = TB_Q_EXP_CLAMP;
	if (exp < -TB_Q_EXP_CLAMP)
		exp = -TB_Q_EXP_CLAMP;
	/* Decimal position of a digit: 0 for units, -1 for tenths... */
	top = (int64_t)sc->nnum - 1 - (int64_t)first + exp;
	low = (int64_t)sc->nnum - 1 - (int64_t)last + exp;
	if (top > 36)
		return -1;
	if (top < TB_Q_MIN_SCALE)
		return tb_quantity_finish(1, TB_Q_MIN_SCALE, sc->neg, f, q);
	if (low >= TB_Q_MIN_SCALE) {
		if (last - first + 1 > 19)
			return -1;
		for (i = first; i <= last; i++)
			mag = mag * 10 + (uint64_t)tb_qscan_digit(sc, i);
		return tb_quantity_finish(mag, low, sc->neg, f, q);
	}
	/* Digits below the nano place are non-zero: keep the window down to the
	 * nano place (at most 46 digits), add one unit there, propagate the
	 * carry. The carry can turn 0.9999999999 into 1, so do it on digits. */
	w[nw++] = 0;
	for (i = first; nw <= (size_t)(top - TB_Q_MIN_SCALE) + 1; i++)
		w[nw++] = (unsigned char)tb_qscan_digit(sc, i);
	for (i = nw; i-- > 0;) {
		if (++w[i] < 10)
			break;
		w[i] = 0;
	}
	low = TB_Q_MIN_SCALE;
	while (nw && !w[nw - 1]) {
		nw--;
		low++;
	}
	for (i = 0; i < nw && !w[i]; i++)
		;
	if (nw - i > 19)
		return -1;
	for (; i < nw; i++)
		mag = mag * 10 + w[i];
	return tb_quantity_finish(mag, low, sc->neg, f, q);
}

/*
 * floor(F * 2^e) and whether a fraction remains, for F = 0.<digits> (no
 * trailing zeros). Only the first e digits matter for the integer part: F * 2^e
 * crosses an integer j only where F crosses j / 2^e, which has at most e
 * decimals, so truncating F to e digits cannot move it across. And with more
 * than e digits (last one non-zero) F * 2^e can never be an integer.
 */
static uint64_t tb_quantity_frac_pow2(const char *digits, size_t k, unsigned e, bool *ret_frac)
{
	unsigned char d[64];
	size_t t = k < e ? k : e, i;
	uint64_t j = 0;
	unsigned n;

	for (i = 0; i < t; i++)
		d[i] = (unsigned char)(digits[i] - '0');
	for (n = 0; n < e; n++) {
		unsigned carry = 0;

		for (i = t; i-- > 0;) {
			unsigned v = d[i] * 2u + carry;

			d[i] = (unsigned char)(v % 10);
			carry = v / 10;
		}
		j = j * 2 + carry;
	}
	*ret_frac = k > e;
	for (i = 0; i < t; i++)
		if (d[i])
			*ret_frac = true;
	return j;
}

/*
 * value = <num>.<den> * 2^e, rounded away from zero to nanos, magnitude capped
 * at INT64_MAX (as Kubernetes does for BinarySI), and switched to DecimalSI
 * when it is a non-zero fraction below one.
 */
static int tb_quantity_binary(const struct tb_qscan *sc, unsigned e, struct tb_quantity *q)
{
	const tb_u128 cap = (tb_u128)INT64_MAX * TB_Q_NANO;
	uint64_t ip = 0, frac9 = 0, j;
	tb_u128 nanos;
	size_t i, k;
	bool rest;

	if (sc->nnum > 19)
		goto capped;
	for (i = 0; i < sc->nnum; i++)
		ip = ip * 10 + (uint64_t)(sc->num[i] - '0');
	if (((tb_u128)ip << e) > (tb_u128)INT64_MAX)
		goto capped;
	for (i = 0; i < 9; i++)
		frac9 = frac9 * 10 + (i < sc->nden ? (uint64_t)(sc->den[i] - '0') : 0);
	nanos = ((tb_u128)ip * TB_Q_NANO + frac9) << e;
	for (k = sc->nden > 9 ? sc->nden - 9 : 0; k && sc->den[9 + k - 1] == '0'; k--)
		;
	j = tb_quantity_frac_pow2(sc->den + 9 * (sc->nden > 9), k, e, &rest);
	nanos += j + (rest ? 1 : 0);
	if (nanos > cap)
		goto capped;
	if (!nanos)
		return tb_quantity_finish(0, 0, false, TB_QF_BINARY_SI, q);
	{
		enum tb_qformat f = nanos < TB_Q_NANO ? TB_QF_DECIMAL_SI : TB_QF_BINARY_SI;
		int64_t scale = TB_Q_MIN_SCALE;

		while (nanos % 10 == 0) {
			nanos /= 10;
			scale++;
		}
		if (nanos > (tb_u128)UINT64_MAX)
			return -1;
		return tb_quantity_finish((uint64_t)nanos, scale, sc->neg, f, q);
	}
capped:
	return tb_quantity_finish((uint64_t)INT64_MAX, 0, sc->neg, TB_QF_BINARY_SI, q);
}

int tb_quantity_parse(const char *s, struct tb_quantity *ret_q, struct tb_err *err)
{
	struct tb_qscan sc;
	struct tb_quantity q;
	enum tb_qformat f;
	int64_t exp;
	int base, rc;

	if (!s || !*s || tb_quantity_scan(s, &sc))
		return tb_error(err, TB_EINVAL, "%s", TB_Q_ERR_FORMAT);
	if (tb_quantity_suffix(sc.suf, sc.nsuf, &base, &exp, &f))
		return tb_error(err, TB_EINVAL, "%s", TB_Q_ERR_SUFFIX);
	if (!sc.digits) {
		/* Kubernetes' int64 fast path reads a digitless number as 0; its
		 * arbitrary-precision path (tiny exponents, Pi and Ei) rejects it. */
		if ((base == 10 && exp < TB_Q_MIN_SCALE) || (base == 2 && exp >= 50))
			return tb_error(err, TB_EINVAL, "%s", TB_Q_ERR_NUMERIC);
		rc = tb_quantity_finish(0, 0, false, f, &q);
	} else if (base == 2) {
		rc = tb_quantity_binary(&sc, (unsigned)exp, &q);
	} else {
		rc = tb_quantity_decimal(&sc, exp, f, &q);
	}
	if (rc)
		return tb_error(err, TB_EINVAL, "%s", TB_Q_ERR_BIG);
	*ret_q = q;
	return 0;
}

/* ---- printing ------------------------------------------------------------- */

static size_t tb_quantity_put_u128(char *p, tb_u128 v)
{
	char tmp[40];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + (unsigned)(v % 10));
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

static const char *const tb_qsi[] = { "n", "u", "m", "", "k", "M", "G", "T", "P", "E" };
static const char *const tb_qbin[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };

const char *tb_quantity_format(const struct tb_quantity *q, char *buf)
{
	enum tb_qformat f = q->format;
	uint64_t mag;
	int64_t exp;
	tb_u128 amount;
	const char *suffix = "";
	char expbuf[24] = "";
	size_t n = 0;
	int r;

	if (!q->mant) {
		memcpy(buf, "0", 2);
		return buf;
	}
	if (f != TB_QF_DECIMAL_SI && f != TB_QF_BINARY_SI && f != TB_QF_DECIMAL_EXP)
		f = TB_QF_DECIMAL_EXP;	/* Go's fallback for unknown formats */
	mag = tb_quantity_mag(q->mant);
	exp = q->scale;
	while (mag % 10 == 0) {
		mag /= 10;
		exp++;
	}
	if (q->mant < 0)
		buf[n++] = '-';

	if (f == TB_QF_BINARY_SI) {
		/* Binary only for whole numbers of at least 1024; anything else
		 * would round, so Kubernetes falls back to DecimalSI. */
		tb_u128 v = mag;
		int64_t e;

		for (e = 0; e < exp && v <= (tb_u128)-1 / 10; e++)
			v *= 10;
		if (exp >= 0 && e == exp && v >= 1024) {
			int i = 0;

			/* Stop at Ei: Go has no suffix past it and would print
			 * a bare, wrong number. */
			while (i < 6 && v % 1024 == 0) {
				v /= 1024;
				i++;
			}
			n += tb_quantity_put_u128(buf + n, v);
			memcpy(buf + n, tb_qbin[i], strlen(tb_qbin[i]) + 1);
			return buf;
		}
		f = TB_QF_DECIMAL_SI;
	}

	/* Pull the exponent down to a multiple of three. */
	r = (int)(((exp % 3) + 3) % 3);
	amount = (tb_u128)mag * tb_pow10[r];
	exp -= r;
	if (f == TB_QF_DECIMAL_SI) {
		if (exp > TB_Q_MAX_SCALE && exp - TB_Q_MAX_SCALE <= 18 &&
		    amount <= ((tb_u128)UINT64_MAX * 1000) / tb_pow10[exp - TB_Q_MAX_SCALE]) {
			amount *= tb_pow10[exp - TB_Q_MAX_SCALE];
			exp = TB_Q_MAX_SCALE;
		}
		/* Outside n..E (only reachable by hand-built structs) an SI
		 * suffix cannot say it; the exponent form still can. */
		if (exp >= TB_Q_MIN_SCALE && exp <= TB_Q_MAX_SCALE)
			suffix = tb_qsi[(exp - TB_Q_MIN_SCALE) / 3];
		else
			f = TB_QF_DECIMAL_EXP;
	}
	if (f == TB_QF_DECIMAL_EXP && exp != 0) {
		snprintf(expbuf, sizeof(expbuf), "e%" PRId64, exp);
		suffix = expbuf;
	}
	n += tb_quantity_put_u128(buf + n, amount);
	memcpy(buf + n, suffix, strlen(suffix) + 1);
	return buf;
}

/* ---- values and comparison ------------------------------------------------ */

/* ceil(|q| / 10^to) with q's sign, saturating at the int64 bounds. */
static int64_t tb_quantity_scaled(const struct tb_quantity *q, int32_t to)
{
	bool neg = q->mant < 0;
	uint64_t mag = tb_quantity_mag(q->mant), lim = tb_quantity_limit(neg);
	int64_t k = (int64_t)q->scale - to, i;

	if (!mag)
		return 0;
	if (k >= 0) {
		for (i = 0; i < k; i++) {
			if (mag > lim / 10)
				return neg ? INT64_MIN : INT64_MAX;
			mag *= 10;
		}
	} else if (-k > 19) {
		mag = 1;
	} else {
		uint64_t p = tb_pow10[-k];

		mag = mag / p + (mag % p ? 1 : 0);
	}
	return tb_quantity_signed(mag, neg);
}

int64_t tb_quantity_value(const struct tb_quantity *q)
{
	return tb_quantity_scaled(q, 0);
}

int64_t tb_quantity_milli(const struct tb_quantity *q)
{
	return tb_quantity_scaled(q, -3);
}

static int tb_quantity_sign(int64_t v)
{
	return (v > 0) - (v < 0);
}

int tb_quantity_cmp(const struct tb_quantity *a, const struct tb_quantity *b)
{
	int sa = tb_quantity_sign(a->mant), sb = tb_quantity_sign(b->mant);
	int64_t diff;
	tb_i128 x, y;

	if (sa != sb || !sa)
		return (sa > sb) - (sa < sb);
	diff = (int64_t)a->scale - b->scale;
	/* Scaling the larger-scale side by more than 10^19 takes it past any
	 * int64 mantissa, so its sign alone decides. */
	if (diff > 19)
		return sa;
	if (diff < -19)
		return -sa;
	x = a->mant;
	y = b->mant;
	if (diff > 0)
		x *= tb_pow10[diff];
	else if (diff < 0)
		y *= tb_pow10[-diff];
	return (x > y) - (x < y);
}

bool tb_quantity_is_zero(const struct tb_quantity *q)
{
	return q->mant == 0;
}

/* Brings a (possibly hand-built) quantity to the canonical mantissa/scale. */
static int tb_quantity_norm(struct tb_quantity *q)
{
	bool neg = q->mant < 0;
	uint64_t mag = tb_quantity_mag(q->mant);

	if (!mag) {
		q->scale = 0;
		return 0;
	}
	while (mag % 10 == 0 && q->scale < TB_Q_MAX_SCALE) {
		mag /= 10;
		q->scale++;
	}
	for (; q->scale > TB_Q_MAX_SCALE; q->scale--) {
		if (mag > tb_quantity_limit(neg) / 10)
			return -1;
		mag *= 10;
	}
	q->mant = tb_quantity_signed(mag, neg);
	return 0;
}

struct tb_quantity tb_quantity_from_int(int64_t v, enum tb_qformat f)
{
	struct tb_quantity q = { v, 0, f };

	tb_quantity_norm(&q);	/* cannot fail from scale 0 */
	return q;
}

struct tb_quantity tb_quantity_from_milli(int64_t milli, enum tb_qformat f)
{
	struct tb_quantity q = { milli, -3, f };

	tb_quantity_norm(&q);
	return q;
}

static int tb_quantity_addsub(struct tb_quantity *a, const struct tb_quantity *b, bool sub)
{
	struct tb_quantity x = *a, y = *b;
	/* Quantity.Add/Sub: a zero receiver takes the other side's format. */
	enum tb_qformat f = a->mant ? a->format : b->format;
	tb_i128 r, yv;
	int64_t scale, diff;
	bool neg;
	tb_u128 mag;

	if (tb_quantity_norm(&x) || tb_quantity_norm(&y))
		return -TB_ETOOBIG;
	if (!y.mant) {
		a->format = f;
		return 0;
	}
	yv = sub ? -(tb_i128)y.mant : (tb_i128)y.mant;
	if (!x.mant) {
		r = yv;
		scale = y.scale;
	} else {
		diff = (int64_t)x.scale - y.scale;
		/* Both are normalised, so the smaller-scale operand ends in a
		 * non-zero digit that the sum keeps: a gap of more than 19
		 * places means the sum needs more than 19 digits. */
		if (diff > 19 || diff < -19)
			return -TB_ETOOBIG;
		if (diff >= 0) {
			r = (tb_i128)x.mant * (tb_i128)tb_pow10[diff] + yv;
			scale = y.scale;
		} else {
			r = (tb_i128)x.mant + yv * (tb_i128)tb_pow10[-diff];
			scale = x.scale;
		}
	}
	if (!r) {
		a->mant = 0;
		a->scale = 0;
		a->format = f;
		return 0;
	}
	neg = r < 0;
	mag = neg ? (tb_u128)0 - (tb_u128)r : (tb_u128)r;
	while (mag % 10 == 0 && scale < TB_Q_MAX_SCALE) {
		mag /= 10;
		scale++;
	}
	if (mag > tb_quantity_limit(neg))
		return -TB_ETOOBIG;
	a->mant = tb_quantity_signed((uint64_t)mag, neg);
	a->scale = (int32_t)scale;
	a->format = f;
	return 0;
}

int tb_quantity_add(struct tb_quantity *a, const struct tb_quantity *b)
{
	return tb_quantity_addsub(a, b, false);
}

int tb_quantity_sub(struct tb_quantity *a, const struct tb_quantity *b)
{
	return tb_quantity_addsub(a, b, true);
}
