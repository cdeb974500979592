/* Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource):
 * "500m", "2Gi", "1e3", "0.5", "+1.5Ki". Parsed and printed exactly as
 * Kubernetes does, including canonicalisation on output ("1024Mi" -> "1Gi",
 * "0.5" -> "500m") and rounding up below one nano unit. Pure; no allocation. */
#ifndef TB_QUANTITY_H
#define TB_QUANTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

enum tb_qformat {
	TB_QF_DECIMAL_SI = 0,	/* "", k, M, G, T, P, E, m, u, n */
	TB_QF_BINARY_SI,	/* Ki, Mi, Gi, Ti, Pi, Ei */
	TB_QF_DECIMAL_EXP,	/* e3, E-6 */
};

/* value = mant * 10^scale. Values that do not fit are rejected at parse time
 * (Kubernetes would fall back to arbitrary precision; no real resource needs
 * it, and a clear error beats silent rounding). */
struct tb_quantity {
	int64_t mant;
	int32_t scale;
	enum tb_qformat format;
};

#define TB_QUANTITY_BUFSZ 64

/* Parses s. On error returns -TB_EINVAL with err->msg as Kubernetes says:
 * "quantities must match the regular expression
 * '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'" (or "... too large"). */
int tb_quantity_parse(const char *s, struct tb_quantity *ret_q, struct tb_err *err);

/* Canonical string, as Quantity.String(); buf holds TB_QUANTITY_BUFSZ bytes. */
const char *tb_quantity_format(const struct tb_quantity *q, char *buf);

/* Integer value rounded up (Quantity.Value()), saturating at INT64 bounds. */
int64_t tb_quantity_value(const struct tb_quantity *q);
/* Value in thousandths rounded up (Quantity.MilliValue()), saturating. */
int64_t tb_quantity_milli(const struct tb_quantity *q);

int tb_quantity_cmp(const struct tb_quantity *a, const struct tb_quantity *b);
bool tb_quantity_is_zero(const struct tb_quantity *q);

/* Constructors (resource.NewQuantity / NewMilliQuantity). */
struct tb_quantity tb_quantity_from_int(int64_t v, enum tb_qformat f);
struct tb_quantity tb_quantity_from_milli(int64_t milli, enum tb_qformat f);

/* a += b and a -= b; return -TB_ETOOBIG on overflow (a unchanged). The result
 * keeps a's format, or takes b's when a is zero, as Quantity.Add/Sub do. */
int tb_quantity_add(struct tb_quantity *a, const struct tb_quantity *b);
int tb_quantity_sub(struct tb_quantity *a, const struct tb_quantity *b);

#endif
