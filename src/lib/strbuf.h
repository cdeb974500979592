/* A growable, always NUL-terminated byte buffer (git's strbuf, trimmed).
 * The buffer owns its memory; tb_strbuf_detach() hands it to the caller. */
#ifndef TB_STRBUF_H
#define TB_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct tb_strbuf {
	char *buf;	/* never NULL after init; "" when empty */
	size_t len;
	size_t alloc;
};

extern char tb_strbuf_empty[];
#define TB_STRBUF_INIT { tb_strbuf_empty, 0, 0 }

void tb_strbuf_init(struct tb_strbuf *sb);
void tb_strbuf_release(struct tb_strbuf *sb);
char *tb_strbuf_detach(struct tb_strbuf *sb, size_t *ret_len);
void tb_strbuf_reset(struct tb_strbuf *sb);
void tb_strbuf_setlen(struct tb_strbuf *sb, size_t len);
void tb_strbuf_grow(struct tb_strbuf *sb, size_t extra);

void tb_strbuf_add(struct tb_strbuf *sb, const void *data, size_t len);
void tb_strbuf_adds(struct tb_strbuf *sb, const char *s);
void tb_strbuf_addch(struct tb_strbuf *sb, char c);
void tb_strbuf_addchars(struct tb_strbuf *sb, char c, size_t n);
void tb_strbuf_addf(struct tb_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tb_strbuf_vaddf(struct tb_strbuf *sb, const char *fmt, va_list ap);
/* Appends s as a JSON/Go-style double-quoted string (strconv.Quote-like). */
void tb_strbuf_addquoted(struct tb_strbuf *sb, const char *s);

#endif
