/* Error codes, field paths and Kubernetes-style field error lists. */
#include "lib/err.h"
#include "lib/mem.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const tb_errstr[_TB_E_MAX] = {
	[TB_OK] = "success",
	[TB_EINVAL] = "invalid input",
	[TB_ENOENT] = "not found",
	[TB_EEXIST] = "already exists",
	[TB_ETOOBIG] = "too large",
	[TB_EIO] = "input/output error",
	[TB_ECONFLICT] = "conflict",
	[TB_EUNSUPP] = "not supported",
	[TB_EGONE] = "gone",
};

const char *tb_strerror(int rc)
{
	if (rc < 0)
		rc = -rc;
	if (rc >= _TB_E_MAX)
		return "unknown error";
	return tb_errstr[rc];
}

int tb_error(struct tb_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = -code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}

/* ---- paths ---------------------------------------------------------------- */

static size_t tb_path_append(struct tb_path *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static size_t tb_path_append(struct tb_path *p, const char *fmt, ...)
{
	size_t mark = p->len;
	size_t room = sizeof(p->buf) - p->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p->buf + p->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		/* Truncated: keep a visible marker rather than a silent cut. */
		memcpy(p->buf + sizeof(p->buf) - 4, "...", 4);
		p->len = sizeof(p->buf) - 1;
	} else {
		p->len += (size_t)n;
	}
	return mark;
}

size_t tb_path_field(struct tb_path *p, const char *name)
{
	return tb_path_append(p, "%s%s", p->len ? "." : "", name);
}

size_t tb_path_index(struct tb_path *p, size_t i)
{
	return tb_path_append(p, "[%zu]", i);
}

size_t tb_path_key(struct tb_path *p, const char *key)
{
	return tb_path_append(p, "[%s]", key);
}

void tb_path_pop(struct tb_path *p, size_t mark)
{
	if (mark <= p->len) {
		p->len = mark;
		p->buf[mark] = '\0';
	}
}

void tb_path_set(struct tb_path *p, const char *s)
{
	p->len = 0;
	p->buf[0] = '\0';
	if (*s)
		tb_path_append(p, "%s", s);
}

/* ---- field errors ----------------------------------------------------------- */

static const char *const tb_fe_name[_TB_FE_MAX] = {
	[TB_FE_REQUIRED] = "Required value",
	[TB_FE_INVALID] = "Invalid value",
	[TB_FE_NOT_SUPPORTED] = "Unsupported value",
	[TB_FE_DUPLICATE] = "Duplicate value",
	[TB_FE_FORBIDDEN] = "Forbidden",
	[TB_FE_TOO_LONG] = "Too long",
	[TB_FE_TOO_MANY] = "Too many",
	[TB_FE_UNKNOWN_FIELD] = "Unknown field",
};

void tb_errs_release(struct tb_errs *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		tb_free(e->v[i].field);
		tb_free(e->v[i].value);
		tb_free(e->v[i].detail);
	}
	tb_free(e->v);
	e->v = NULL;
	e->n = e->alloc = 0;
}

static void tb_errs_vpush(struct tb_errs *e, enum tb_ferr_type type,
			  const char *field, char *value, const char *fmt,
			  va_list ap)
{
	struct tb_ferr *fe;
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t max = e->max ? e->max : 100;

	if (e->n >= max) {
		tb_free(value);
		return;
	}
	TB_GROW(e->v, e->alloc, e->n + 1);
	fe = &e->v[e->n++];
	fe->type = type;
	fe->field = tb_strdup(field ? field : "");
	fe->value = value;
	fe->detail = NULL;
	if (fmt) {
		tb_strbuf_vaddf(&sb, fmt, ap);
		if (sb.len)
			fe->detail = tb_strbuf_detach(&sb, NULL);
		tb_strbuf_release(&sb);
	}
}

static char *tb_quote(const char *s)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;

	tb_strbuf_addquoted(&sb, s);
	return tb_strbuf_detach(&sb, NULL);
}

void tb_errs_add(struct tb_errs *e, enum tb_ferr_type type, const char *field,
		 const char *value_raw, const char *detail_fmt, ...)
{
	va_list ap;

	va_start(ap, detail_fmt);
	tb_errs_vpush(e, type, field, value_raw ? tb_strdup(value_raw) : NULL,
		      detail_fmt, ap);
	va_end(ap);
}

void tb_errs_required(struct tb_errs *e, const struct tb_path *p, const char *detail)
{
	tb_errs_add(e, TB_FE_REQUIRED, p->buf, NULL, detail ? "%s" : NULL, detail);
}

void tb_errs_invalid_str(struct tb_errs *e, const struct tb_path *p,
			 const char *value, const char *detail_fmt, ...)
{
	va_list ap;

	va_start(ap, detail_fmt);
	tb_errs_vpush(e, TB_FE_INVALID, p->buf, tb_quote(value), detail_fmt, ap);
	va_end(ap);
}

void tb_errs_invalid_int(struct tb_errs *e, const struct tb_path *p,
			 int64_t value, const char *detail_fmt, ...)
{
	va_list ap;
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, value);
	va_start(ap, detail_fmt);
	tb_errs_vpush(e, TB_FE_INVALID, p->buf, tb_strdup(buf), detail_fmt, ap);
	va_end(ap);
}

void tb_errs_invalid_raw(struct tb_errs *e, const struct tb_path *p,
			 const char *value_raw, const char *detail_fmt, ...)
{
	va_list ap;

	va_start(ap, detail_fmt);
	tb_errs_vpush(e, TB_FE_INVALID, p->buf,
		      value_raw ? tb_strdup(value_raw) : NULL, detail_fmt, ap);
	va_end(ap);
}

void tb_errs_not_supported(struct tb_errs *e, const struct tb_path *p,
			   const char *value, const char *const *valid)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t i;

	for (i = 0; valid && valid[i]; i++) {
		tb_strbuf_adds(&sb, i ? ", " : "supported values: ");
		tb_strbuf_addquoted(&sb, valid[i]);
	}
	tb_errs_add(e, TB_FE_NOT_SUPPORTED, p->buf, NULL, sb.len ? "%s" : NULL, sb.buf);
	e->v[e->n - 1].value = tb_quote(value);
	tb_strbuf_release(&sb);
}

void tb_errs_duplicate(struct tb_errs *e, const struct tb_path *p,
		       const char *value_raw, const char *detail)
{
	tb_errs_add(e, TB_FE_DUPLICATE, p->buf, value_raw, detail ? "%s" : NULL, detail);
}

void tb_errs_forbidden(struct tb_errs *e, const struct tb_path *p,
		       const char *detail_fmt, ...)
{
	va_list ap;

	va_start(ap, detail_fmt);
	tb_errs_vpush(e, TB_FE_FORBIDDEN, p->buf, NULL, detail_fmt, ap);
	va_end(ap);
}

void tb_errs_too_long(struct tb_errs *e, const struct tb_path *p, size_t max)
{
	tb_errs_add(e, TB_FE_TOO_LONG, p->buf, NULL, "may not be more than %zu %s",
		    max, max == 1 ? "byte" : "bytes");
}

void tb_errs_too_many(struct tb_errs *e, const struct tb_path *p, size_t n, size_t max)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%zu", n);
	tb_errs_add(e, TB_FE_TOO_MANY, p->buf, buf, "must have at most %zu %s", max,
		    max == 1 ? "item" : "items");
}

void tb_errs_unknown_field(struct tb_errs *e, const struct tb_path *p,
			   const char *suggestion)
{
	if (suggestion)
		tb_errs_add(e, TB_FE_UNKNOWN_FIELD, p->buf, NULL,
			    "did you mean \"%s\"?", suggestion);
	else
		tb_errs_add(e, TB_FE_UNKNOWN_FIELD, p->buf, NULL, NULL);
}

void tb_ferr_format(const struct tb_ferr *fe, struct tb_strbuf *out)
{
	if (fe->field[0])
		tb_strbuf_addf(out, "%s: ", fe->field);
	tb_strbuf_adds(out, tb_fe_name[fe->type]);
	if (fe->value)
		tb_strbuf_addf(out, ": %s", fe->value);
	if (fe->detail)
		tb_strbuf_addf(out, ": %s", fe->detail);
}

void tb_errs_format(const struct tb_errs *e, struct tb_strbuf *out, int oneline)
{
	size_t i;

	if (oneline && e->n > 1)
		tb_strbuf_addch(out, '[');
	for (i = 0; i < e->n; i++) {
		if (i)
			tb_strbuf_adds(out, oneline ? ", " : "\n");
		tb_ferr_format(&e->v[i], out);
	}
	if (oneline && e->n > 1)
		tb_strbuf_addch(out, ']');
}
