/* RFC 3339 timestamps <-> int64 milliseconds since the Unix epoch, as
 * metav1.Time carries them. Pure calendar arithmetic: must never consult the
 * locale, the TZ database or the clock (no mktime/localtime/time). */
#include "api/timefmt.h"

#include <stdint.h>
#include <stdbool.h>
#include <string.h>

#define TB_MS_PER_DAY	86400000LL
#define TB_RFC3339	"2006-01-02T15:04:05Z07:00"

void tb_time_quote(struct tb_strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	tb_strbuf_addch(sb, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < ' ' || c >= 0x80) {
			tb_strbuf_adds(sb, "\\x");
			tb_strbuf_addch(sb, hex[c >> 4]);
			tb_strbuf_addch(sb, hex[c & 0xf]);
			continue;
		}
		if (c == '"' || c == '\\')
			tb_strbuf_addch(sb, '\\');
		tb_strbuf_addch(sb, (char)c);
	}
	tb_strbuf_addch(sb, '"');
}

/* `parsing time "v" as "layout": cannot parse "rest" as "elem"`, or with
 * field set: `parsing time "v": field out of range`. */
static int tb_time_error(struct tb_err *err, const char *s, const char *rest, const char *elem,
			 const char *field)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	int rc;

	tb_strbuf_adds(&sb, "parsing time ");
	tb_time_quote(&sb, s, strlen(s));
	if (field) {
		tb_strbuf_addf(&sb, ": %s out of range", field);
	} else {
		tb_strbuf_adds(&sb, " as \"" TB_RFC3339 "\": cannot parse ");
		tb_time_quote(&sb, rest, strlen(rest));
		tb_strbuf_adds(&sb, " as ");
		tb_time_quote(&sb, elem, strlen(elem));
	}
	rc = tb_error(err, TB_EINVAL, "%s", sb.buf);
	tb_strbuf_release(&sb);
	return rc;
}

static uint64_t tb_time_pow10(int n)
{
	uint64_t v = 1;

	while (n-- > 0)
		v *= 10;
	return v;
}

static bool tb_time_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

/* Exactly n digits at s, or -1. Stops at NUL, so never reads past the end. */
static int tb_time_num(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!tb_time_isdigit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static bool tb_time_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int tb_time_days_in(int m, int64_t y)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && tb_time_leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil): exact for any int64 year range we can be given. */
static int64_t tb_time_days_from_civil(int64_t y, int m, int d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void tb_time_civil_from_days(int64_t z, int64_t *ret_y, int *ret_m, int *ret_d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*ret_d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*ret_m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*ret_y = (int64_t)yoe + era * 400 + (*ret_m <= 2);
}

/* One fixed-width field of the layout: where it sits, its width, its range,
 * and how Go names it in errors. */
struct tb_time_field {
	int off, width, min, max;
	const char *elem, *name;
};

static const struct tb_time_field tb_time_fields[] = {
	{ 0, 4, 0, 9999, "2006", "year" },
	{ 5, 2, 1, 12, "01", "month" },
	{ 8, 2, 1, 31, "02", "day" },
	{ 11, 2, 0, 23, "15", "hour" },
	{ 14, 2, 0, 59, "04", "minute" },
	{ 17, 2, 0, 59, "05", "second" },
};

/* Separators after each field (the 'T' also admits 't', per RFC 3339 5.6). */
static const char tb_time_seps[] = "--T::";

int tb_time_parse(const char *s, int64_t *ret_ms, struct tb_err *err)
{
	int v[6], i, ms = 0;
	const char *p;
	int64_t days, t, off = 0;

	if (!s)
		return tb_error(err, TB_EINVAL, "parsing time \"\": missing value");
	for (i = 0; i < 6; i++) {
		const struct tb_time_field *f = &tb_time_fields[i];
		const char *at = s + f->off;

		/* Never index past the NUL: fields before are all present. */
		v[i] = tb_time_num(at, f->width);
		if (v[i] < 0)
			return tb_time_error(err, s, at, f->elem, NULL);
		if (v[i] < f->min || v[i] > f->max)
			return tb_time_error(err, s, NULL, NULL, f->name);
		if (i < 5) {
			char c = at[f->width], want = tb_time_seps[i];

			if (c != want && !(want == 'T' && c == 't')) {
				const char sep[2] = { want, '\0' };

				return tb_time_error(err, s, at + f->width, sep, NULL);
			}
		}
	}
	if (v[2] > tb_time_days_in(v[1], v[0]))
		return tb_time_error(err, s, NULL, NULL, "day");
	p = s + 19;
	/* Fraction of any length; anything past milliseconds is truncated. */
	if (p[0] == '.' && tb_time_isdigit(p[1])) {
		for (i = 0, p++; tb_time_isdigit(*p); p++, i++)
			if (i < 3)
				ms = ms * 10 + (*p - '0');
		for (; i < 3; i++)
			ms *= 10;
	}
	if (!strcmp(p, "Z")) {
		off = 0;
	} else {
		int hh, mm;

		if (strlen(p) != 6 || (p[0] != '+' && p[0] != '-') || p[3] != ':' ||
		    (hh = tb_time_num(p + 1, 2)) < 0 || (mm = tb_time_num(p + 4, 2)) < 0)
			return tb_time_error(err, s, p, "Z07:00", NULL);
		if (hh > 23)
			return tb_time_error(err, s, NULL, NULL, "timezone hour");
		if (mm > 59)
			return tb_time_error(err, s, NULL, NULL, "timezone minute");
		off = ((int64_t)hh * 60 + mm) * 60000;
		if (p[0] == '-')
			off = -off;
	}
	days = tb_time_days_from_civil(v[0], v[1], v[2]);
	t = days * TB_MS_PER_DAY + ((int64_t)v[3] * 3600 + v[4] * 60 + v[5]) * 1000 + ms;
	/* Local time minus its offset is UTC. */
	*ret_ms = t - off;
	return 0;
}

/* Writes v as exactly width digits (v < 10^width). */
static size_t tb_time_put(char *p, uint64_t v, int width)
{
	int i;

	for (i = width; i-- > 0; v /= 10)
		p[i] = (char)('0' + v % 10);
	return (size_t)width;
}

const char *tb_time_format(int64_t ms, char *buf)
{
	int64_t days = ms / TB_MS_PER_DAY, rem = ms % TB_MS_PER_DAY, y;
	uint64_t ay;
	int mo, d, width;
	size_t n = 0;

	if (rem < 0) {
		rem += TB_MS_PER_DAY;
		days--;
	}
	tb_time_civil_from_days(days, &y, &mo, &d);
	/* Go's appendInt(year, 4): a sign, then at least four digits. */
	if (y < 0)
		buf[n++] = '-';
	ay = y < 0 ? 0 - (uint64_t)y : (uint64_t)y;
	for (width = 4; width < 20 && ay >= tb_time_pow10(width); width++)
		;
	n += tb_time_put(buf + n, ay, width);
	buf[n++] = '-';
	n += tb_time_put(buf + n, (uint64_t)mo, 2);
	buf[n++] = '-';
	n += tb_time_put(buf + n, (uint64_t)d, 2);
	buf[n++] = 'T';
	n += tb_time_put(buf + n, (uint64_t)(rem / 3600000), 2);
	buf[n++] = ':';
	n += tb_time_put(buf + n, (uint64_t)(rem / 60000 % 60), 2);
	buf[n++] = ':';
	n += tb_time_put(buf + n, (uint64_t)(rem / 1000 % 60), 2);
	if (rem % 1000) {
		buf[n++] = '.';
		n += tb_time_put(buf + n, (uint64_t)(rem % 1000), 3);
	}
	buf[n++] = 'Z';
	buf[n] = '\0';
	return buf;
}
