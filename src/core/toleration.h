/* Taints and tolerations, matched exactly as Kubernetes matches them
 * (corev1.Toleration.ToleratesTaint): the rules the scheduler's taint filter
 * and the taint manager share. Pure. */
#ifndef TB_TOLERATION_H
#define TB_TOLERATION_H

#include <stdbool.h>
#include <stddef.h>

#include "api/meta.h"

/* Does t tolerate taint? Effect must match unless the toleration's is empty;
 * key must match unless the toleration's is empty (then only Exists is
 * valid, and it matches every taint); Exists ignores the value, Equal (or
 * empty) compares it. tolerationSeconds plays no part here. */
bool tb_toleration_tolerates(const struct tb_toleration *t, const struct tb_taint *taint);

/* The first taint (in order) with effect NoSchedule or NoExecute that no
 * toleration tolerates, or NULL (v1helper.FindMatchingUntoleratedTaint with
 * Karmada's filter). */
const struct tb_taint *tb_taint_untolerated(const struct tb_taint *taints, size_t ntaints,
					    const struct tb_toleration *tols, size_t ntols);

/* Taint.ToString(): "key=value:Effect", or "key:Effect" when value is empty. */
void tb_taint_string(const struct tb_taint *t, struct tb_strbuf *out);

#endif
