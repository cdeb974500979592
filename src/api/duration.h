/* Go durations (time.ParseDuration / Duration.String), as used by Kubernetes
 * and Karmada flags ("5s", "1m30s", "300ms", "1.5h") and metav1.Duration
 * fields. Held in nanoseconds as Go does; most of Tugboat works in ms. */
#ifndef TB_DURATION_H
#define TB_DURATION_H

#include <stdint.h>

#include "lib/err.h"

#define TB_DURATION_BUFSZ 40

/* Accepts exactly what time.ParseDuration accepts: an optional sign, then
 * one or more decimal numbers each with a unit (ns, us, µs, μs, ms, s, m, h);
 * "0" alone is allowed. Errors as Go words them: `time: invalid duration "x"`,
 * `time: missing unit in duration "1"`, `time: unknown unit "d" in duration "1d"`. */
int tb_duration_parse(const char *s, int64_t *ret_ns, struct tb_err *err);

/* Duration.String(): "1h2m3.5s", "1.5ms", "0s". buf of TB_DURATION_BUFSZ. */
const char *tb_duration_format(int64_t ns, char *buf);

#endif
