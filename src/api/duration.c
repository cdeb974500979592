/* Go durations: time.ParseDuration and Duration.String, byte for byte, so
 * flags and metav1.Duration fields read and print as Kubernetes does. Pure:
 * never read a clock, never accept what Go rejects, never wrap on overflow. */
#include "api/duration.h"
#include "api/timefmt.h"

#include <stdbool.h>
#include <string.h>

#define TB_NS_PER_US	1000ULL
#define TB_NS_PER_MS	1000000ULL
#define TB_NS_PER_S	1000000000ULL
#define TB_D_BIG	((uint64_t)1 << 63)

/* unit == NULL: `time: invalid duration "s"`; unit_len == 0: missing unit. */
static int tb_duration_error(struct tb_err *err, const char *orig, const char *unit,
			     size_t unit_len)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	int rc;

	if (!unit) {
		tb_strbuf_adds(&sb, "time: invalid duration ");
	} else if (!unit_len) {
		tb_strbuf_adds(&sb, "time: missing unit in duration ");
	} else {
		tb_strbuf_adds(&sb, "time: unknown unit ");
		tb_time_quote(&sb, unit, unit_len);
		tb_strbuf_adds(&sb, " in duration ");
	}
	tb_time_quote(&sb, orig, strlen(orig));
	rc = tb_error(err, TB_EINVAL, "%s", sb.buf);
	tb_strbuf_release(&sb);
	return rc;
}

static bool tb_duration_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

struct tb_dunit {
	const char *name;
	uint64_t ns;
};

static const struct tb_dunit tb_dunits[] = {
	{ "ns", 1 },
	{ "us", TB_NS_PER_US },
	{ "\xc2\xb5s", TB_NS_PER_US },	/* U+00B5 micro sign */
	{ "\xce\xbcs", TB_NS_PER_US },	/* U+03BC Greek small mu */
	{ "ms", TB_NS_PER_MS },
	{ "s", TB_NS_PER_S },
	{ "m", 60 * TB_NS_PER_S },
	{ "h", 3600 * TB_NS_PER_S },
};

int tb_duration_parse(const char *s, int64_t *ret_ns, struct tb_err *err)
{
	const char *orig = s, *p;
	uint64_t d = 0;
	bool neg = false;

	if (!s)
		return tb_error(err, TB_EINVAL, "time: invalid duration \"\"");
	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	if (!strcmp(s, "0")) {
		*ret_ns = 0;
		return 0;
	}
	if (!*s)
		return tb_duration_error(err, orig, NULL, 0);
	while (*s) {
		uint64_t v = 0, f = 0, unit = 0;
		double scale = 1;
		bool pre, post = false, overflow = false;
		size_t i, ulen;

		if (!(*s == '.' || tb_duration_isdigit(*s)))
			return tb_duration_error(err, orig, NULL, 0);
		/* Integer part; Go's leadingInt allows up to 1<<63. */
		for (p = s; tb_duration_isdigit(*s); s++) {
			if (v > TB_D_BIG / 10)
				return tb_duration_error(err, orig, NULL, 0);
			v = v * 10 + (uint64_t)(*s - '0');
			if (v > TB_D_BIG)
				return tb_duration_error(err, orig, NULL, 0);
		}
		pre = s != p;
		if (*s == '.') {
			/* Fraction digits past int64 precision are dropped, as in
			 * Go's leadingFraction, not rejected. */
			for (p = ++s; tb_duration_isdigit(*s); s++) {
				uint64_t y;

				if (overflow)
					continue;
				if (f > (TB_D_BIG - 1) / 10) {
					overflow = true;
					continue;
				}
				y = f * 10 + (uint64_t)(*s - '0');
				if (y > TB_D_BIG) {
					overflow = true;
					continue;
				}
				f = y;
				scale *= 10;
			}
			post = s != p;
		}
		if (!pre && !post)
			return tb_duration_error(err, orig, NULL, 0);
		for (ulen = 0; s[ulen] && s[ulen] != '.' && !tb_duration_isdigit(s[ulen]); ulen++)
			;
		if (!ulen)
			return tb_duration_error(err, orig, "", 0);
		for (i = 0; i < sizeof(tb_dunits) / sizeof(tb_dunits[0]); i++) {
			if (strlen(tb_dunits[i].name) == ulen && !memcmp(tb_dunits[i].name, s, ulen)) {
				unit = tb_dunits[i].ns;
				break;
			}
		}
		if (!unit)
			return tb_duration_error(err, orig, s, ulen);
		s += ulen;
		if (v > TB_D_BIG / unit)
			return tb_duration_error(err, orig, NULL, 0);
		v *= unit;
		if (f > 0) {
			/* Go computes this in float64 (exact to the nanosecond for
			 * fractions of an hour); mirror the very same operations so
			 * results agree to the last bit. */
			v += (uint64_t)((double)f * ((double)unit / scale));
			if (v > TB_D_BIG)
				return tb_duration_error(err, orig, NULL, 0);
		}
		d += v;
		if (d > TB_D_BIG)
			return tb_duration_error(err, orig, NULL, 0);
	}
	if (neg) {
		*ret_ns = d == TB_D_BIG ? INT64_MIN : -(int64_t)d;
		return 0;
	}
	if (d > TB_D_BIG - 1)
		return tb_duration_error(err, orig, NULL, 0);
	*ret_ns = (int64_t)d;
	return 0;
}

/* Writes the non-zero digits of v % 10^prec as ".ddd" ending at buf[w];
 * returns the new start and v / 10^prec in *v (Go's fmtFrac). */
static size_t tb_duration_frac(char *buf, size_t w, uint64_t *v, int prec)
{
	bool print = false;
	int i;

	for (i = 0; i < prec; i++) {
		unsigned digit = (unsigned)(*v % 10);

		print = print || digit;
		if (print)
			buf[--w] = (char)('0' + digit);
		*v /= 10;
	}
	if (print)
		buf[--w] = '.';
	return w;
}

static size_t tb_duration_int(char *buf, size_t w, uint64_t v)
{
	do {
		buf[--w] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return w;
}

const char *tb_duration_format(int64_t ns, char *buf)
{
	/* Longest output is "-2562047h47m16.854775808s": 25 bytes. */
	char tmp[TB_DURATION_BUFSZ];
	size_t w = sizeof(tmp);
	uint64_t u = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;

	tmp[--w] = '\0';
	if (u < TB_NS_PER_S) {
		int prec = 0;

		tmp[--w] = 's';
		if (!u) {
			tmp[--w] = '0';
			memcpy(buf, tmp + w, sizeof(tmp) - w);
			return buf;
		} else if (u < TB_NS_PER_US) {
			tmp[--w] = 'n';
		} else if (u < TB_NS_PER_MS) {
			prec = 3;
			tmp[--w] = '\xb5';	/* U+00B5, as Go prints it */
			tmp[--w] = '\xc2';
		} else {
			prec = 6;
			tmp[--w] = 'm';
		}
		w = tb_duration_frac(tmp, w, &u, prec);
		w = tb_duration_int(tmp, w, u);
	} else {
		tmp[--w] = 's';
		w = tb_duration_frac(tmp, w, &u, 9);
		w = tb_duration_int(tmp, w, u % 60);
		u /= 60;
		if (u) {
			tmp[--w] = 'm';
			w = tb_duration_int(tmp, w, u % 60);
			u /= 60;
			/* Hours are the largest unit: days vary in length. */
			if (u) {
				tmp[--w] = 'h';
				w = tb_duration_int(tmp, w, u);
			}
		}
	}
	if (ns < 0)
		tmp[--w] = '-';
	memcpy(buf, tmp + w, sizeof(tmp) - w);
	return buf;
}
