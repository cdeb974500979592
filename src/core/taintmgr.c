/* needEviction + GetMatchingTolerations + GetMinTolerationTime (taintmgr.h). */
#include "core/taintmgr.h"
#include "core/toleration.h"

#include <string.h>

enum tb_evict_decision tb_taintmgr_decide(const struct tb_taint *taints, size_t ntaints,
					  const struct tb_toleration *tols, size_t ntols,
					  int64_t now_ms, int64_t *ret_at_ms)
{
	const struct tb_toleration *used[64];
	size_t nused = 0, nnoexec = 0, i, k;
	int64_t at = INT64_MAX, t;
	bool any = false;

	for (i = 0; i < ntaints; i++) {
		if (!taints[i].effect || strcmp(taints[i].effect, "NoExecute"))
			continue;
		nnoexec++;
		for (k = 0; k < ntols; k++)
			if (tb_toleration_tolerates(&tols[k], &taints[i]))
				break;
		if (k == ntols)
			return TB_EVICT_NOW;	/* an untolerated NoExecute taint */
		if (nused < sizeof(used) / sizeof(used[0]))
			used[nused++] = &tols[k];
	}
	if (!nnoexec)
		return TB_EVICT_NEVER;
	/* The earliest trigger over (used toleration with seconds) x (taint it
	 * tolerates, with timeAdded). */
	for (k = 0; k < nused; k++) {
		if (!used[k]->toleration_seconds.set)
			continue;
		for (i = 0; i < ntaints; i++) {
			if (!taints[i].effect || strcmp(taints[i].effect, "NoExecute") ||
			    !taints[i].time_added || !tb_toleration_tolerates(used[k], &taints[i]))
				continue;
			t = taints[i].time_added + used[k]->toleration_seconds.v * 1000;
			if (t < at)
				at = t;
			any = true;
		}
	}
	if (!any)
		return TB_EVICT_NEVER;
	if (at <= now_ms)
		return TB_EVICT_NOW;
	*ret_at_ms = at;
	return TB_EVICT_AT;
}
