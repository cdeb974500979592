/* ClusterTaintPolicy (policy.karmada.io/v1alpha1, current Karmada): taints
 * added to or removed from clusters whose status conditions match, so users
 * of current Karmada can bring the YAML that drives their failover. */
#ifndef TB_TAINTPOLICY_H
#define TB_TAINTPOLICY_H

#include "api/meta.h"
#include "api/policy.h"

struct tb_match_condition {
	char *condition_type;
	char *operator_;		/* In | NotIn */
	TB_VEC(char *) status_values;	/* True | False | Unknown */
};

struct tb_policy_taint {
	char *key;
	char *effect;			/* NoSchedule | NoExecute */
	char *value;
};

struct tb_taint_policy_spec {
	struct tb_cluster_affinity *target_clusters;
	TB_VEC(struct tb_match_condition) add_on_conditions;
	TB_VEC(struct tb_match_condition) remove_on_conditions;
	TB_VEC(struct tb_policy_taint) taints;
};

struct tb_taint_policy {
	char *api_version;
	char *kind;
	struct tb_meta metadata;
	struct tb_taint_policy_spec spec;
};

extern const struct tb_schema tb_taint_policy_schema;

void tb_taint_policy_validate(const struct tb_taint_policy *p, struct tb_errs *e);

#endif
