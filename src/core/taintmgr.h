/* The taint manager's decision for one binding on one tainted cluster, as
 * Karmada's NoExecuteTaintManager.needEviction: every NoExecute taint must be
 * tolerated (first matching toleration, in order); the binding is then evicted
 * when the earliest toleration runs out (taint timeAdded + tolerationSeconds),
 * or never when no used toleration has seconds. Pure. */
#ifndef TB_TAINTMGR_H
#define TB_TAINTMGR_H

#include <stddef.h>
#include <stdint.h>

#include "api/meta.h"

enum tb_evict_decision {
	TB_EVICT_NEVER,		/* tolerated forever (or no NoExecute taint) */
	TB_EVICT_NOW,
	TB_EVICT_AT,		/* at *ret_at_ms */
};

enum tb_evict_decision tb_taintmgr_decide(const struct tb_taint *taints, size_t ntaints,
					  const struct tb_toleration *tols, size_t ntols,
					  int64_t now_ms, int64_t *ret_at_ms);

#endif
