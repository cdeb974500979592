/* The resource detector's pure part: the ResourceBinding Karmada would create
 * for a resource template matched by a policy (name "<name>-<kind>", the
 * template reference, replicas and per-replica requirements read by the
 * default interpreter, the policy's placement and failover). */
#ifndef TB_DETECT_H
#define TB_DETECT_H

#include <jansson.h>

#include "api/binding.h"
#include "api/policy.h"

/* Annotations of a policy under this prefix (Tugboat's failover settings,
 * e.g. failover.tugboat.io/move-back-after) are copied to its bindings. */
#define TB_ANN_FAILOVER_PREFIX "failover.tugboat.io/"

/* Karmada's ResourceMatches: apiVersion and kind equal, namespace equal when
 * set, then the name when set, else the label selector (none = all). */
bool tb_detect_selects(const struct tb_resource_selector *rs, const json_t *tmpl);

/* Fills b (zeroed by the caller) from template and policy. Returns 0, or
 * -TB_EINVAL with err when the template lacks what a binding needs. */
int tb_detect_binding(const json_t *tmpl, const struct tb_policy *policy, bool cluster_scoped,
		      struct tb_binding *b, struct tb_err *err);

#endif
