/* RFC 3339 timestamps as metav1.Time carries them ("2026-11-26T11:20:56Z").
 * Tugboat keeps times as int64 milliseconds since the Unix epoch; 0 means
 * "unset". Output is UTC with a ".mmm" fraction only when milliseconds are
 * non-zero (Kubernetes clients accept fractional seconds). */
#ifndef TB_TIMEFMT_H
#define TB_TIMEFMT_H

#include <stdint.h>

#include <stddef.h>

#include "lib/err.h"
#include "lib/strbuf.h"

#define TB_TIME_BUFSZ 40

/* Accepts time.RFC3339 / RFC3339Nano input: a 'T' (or 't') separator,
 * seconds required, optional fraction (truncated to ms), 'Z' or +hh:mm. */
int tb_time_parse(const char *s, int64_t *ret_ms, struct tb_err *err);
const char *tb_time_format(int64_t ms, char *buf);

/* Go's time.quote, shared by time and duration errors so messages read like
 * Go's: '"' and '\\' escaped, control and non-ASCII bytes as \xNN. */
void tb_time_quote(struct tb_strbuf *sb, const char *s, size_t n);

#endif
