/* Growable string buffer; see strbuf.h. */
#include "lib/strbuf.h"
#include "lib/mem.h"

#include <stdio.h>
#include <string.h>

char tb_strbuf_empty[1];

void tb_strbuf_init(struct tb_strbuf *sb)
{
	sb->buf = tb_strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
}

void tb_strbuf_release(struct tb_strbuf *sb)
{
	if (sb->alloc)
		tb_free(sb->buf);
	tb_strbuf_init(sb);
}

char *tb_strbuf_detach(struct tb_strbuf *sb, size_t *ret_len)
{
	char *r;

	if (!sb->alloc)
		tb_strbuf_grow(sb, 0);
	r = sb->buf;
	if (ret_len)
		*ret_len = sb->len;
	tb_strbuf_init(sb);
	return r;
}

void tb_strbuf_reset(struct tb_strbuf *sb)
{
	tb_strbuf_setlen(sb, 0);
}

void tb_strbuf_setlen(struct tb_strbuf *sb, size_t len)
{
	if (!sb->alloc)
		return;
	sb->len = len;
	sb->buf[len] = '\0';
}

void tb_strbuf_grow(struct tb_strbuf *sb, size_t extra)
{
	int fresh = !sb->alloc;

	if (fresh)
		sb->buf = NULL;
	TB_GROW(sb->buf, sb->alloc, sb->len + extra + 1);
	if (fresh)
		sb->buf[0] = '\0';
}

void tb_strbuf_add(struct tb_strbuf *sb, const void *data, size_t len)
{
	tb_strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void tb_strbuf_adds(struct tb_strbuf *sb, const char *s)
{
	tb_strbuf_add(sb, s, strlen(s));
}

void tb_strbuf_addch(struct tb_strbuf *sb, char c)
{
	tb_strbuf_add(sb, &c, 1);
}

void tb_strbuf_addchars(struct tb_strbuf *sb, char c, size_t n)
{
	tb_strbuf_grow(sb, n);
	memset(sb->buf + sb->len, c, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void tb_strbuf_vaddf(struct tb_strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	tb_strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void tb_strbuf_addf(struct tb_strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tb_strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void tb_strbuf_addquoted(struct tb_strbuf *sb, const char *s)
{
	const unsigned char *p;

	tb_strbuf_addch(sb, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': tb_strbuf_adds(sb, "\\\""); break;
		case '\\': tb_strbuf_adds(sb, "\\\\"); break;
		case '\n': tb_strbuf_adds(sb, "\\n"); break;
		case '\r': tb_strbuf_adds(sb, "\\r"); break;
		case '\t': tb_strbuf_adds(sb, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				tb_strbuf_addf(sb, "\\x%02x", *p);
			else
				tb_strbuf_addch(sb, (char)*p);
		}
	}
	tb_strbuf_addch(sb, '"');
}
