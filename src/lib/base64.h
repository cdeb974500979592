/* Base64 (RFC 4648): the standard alphabet with padding, or the URL-safe one
 * without (what Go's base64.RawURLEncoding makes, as in list continue tokens). */
#ifndef TB_BASE64_H
#define TB_BASE64_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/strbuf.h"

void tb_base64_encode(struct tb_strbuf *out, const void *data, size_t n, bool url);
/* Appends the decoded bytes; -TB_EINVAL on a character outside the alphabet
 * or bad padding (out may then hold a partial result). */
int tb_base64_decode(struct tb_strbuf *out, const char *s, size_t n, bool url);

#endif
