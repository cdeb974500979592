/* PropagationPolicy and ClusterPropagationPolicy (policy.karmada.io/v1alpha1):
 * types, schema, defaulting (Karmada's CRD defaults and mutating webhook) and
 * validation (its validating webhook, plus Tugboat's checks for placements that
 * can never be satisfied). */
#ifndef TB_POLICY_H
#define TB_POLICY_H

#include "api/meta.h"

#define TB_TAINT_NOT_READY "cluster.karmada.io/not-ready"
#define TB_TAINT_UNREACHABLE "cluster.karmada.io/unreachable"
#define TB_TAINT_TERMINATING "cluster.karmada.io/terminating"

struct tb_resource_selector {
	char *api_version;
	char *kind;
	char *namespace_;
	char *name;
	struct tb_label_selector *label_selector;
};

struct tb_field_selector {
	TB_VEC(struct tb_selector_req) match_expressions;
};

struct tb_cluster_affinity {
	struct tb_label_selector *label_selector;
	struct tb_field_selector *field_selector;
	TB_VEC(char *) cluster_names;
	TB_VEC(char *) exclude;
};

struct tb_cluster_affinity_term {
	char *affinity_name;
	struct tb_cluster_affinity affinity;	/* inline in JSON */
};

struct tb_spread_constraint {
	char *spread_by_field;	/* cluster | region | zone | provider */
	char *spread_by_label;
	int64_t max_groups;
	int64_t min_groups;
};

struct tb_static_weight {
	struct tb_cluster_affinity target_cluster;
	int64_t weight;
};

struct tb_cluster_preferences {
	TB_VEC(struct tb_static_weight) static_weight_list;
	char *dynamic_weight;	/* "AvailableReplicas" */
};

struct tb_replica_scheduling {
	char *type;			/* replicaSchedulingType: Duplicated | Divided */
	char *division_preference;	/* Aggregated | Weighted */
	struct tb_cluster_preferences *weight_preference;
};

struct tb_placement {
	struct tb_cluster_affinity *cluster_affinity;
	TB_VEC(struct tb_cluster_affinity_term) cluster_affinities;
	TB_VEC(struct tb_toleration) cluster_tolerations;
	TB_VEC(struct tb_spread_constraint) spread_constraints;
	struct tb_replica_scheduling *replica_scheduling;
};

struct tb_preservation_rule {
	char *alias_label_name;
	char *json_path;
};

struct tb_state_preservation {
	TB_VEC(struct tb_preservation_rule) rules;
};

struct tb_decision_conditions {
	struct tb_optint toleration_seconds;
};

struct tb_app_failover {
	struct tb_decision_conditions decision_conditions;
	char *purge_mode;
	struct tb_optint grace_period_seconds;
	struct tb_state_preservation *state_preservation;
};

struct tb_cluster_failover {
	char *purge_mode;
	struct tb_state_preservation *state_preservation;
};

struct tb_failover {
	struct tb_app_failover *application;
	struct tb_cluster_failover *cluster;
};

struct tb_suspend_clusters {
	TB_VEC(char *) cluster_names;
};

struct tb_suspension {
	struct tb_optbool dispatching;
	struct tb_suspend_clusters *dispatching_on_clusters;
	struct tb_optbool scheduling;	/* bindings only */
};

struct tb_schedule_priority {
	char *priority_class_source;
	char *priority_class_name;
};

struct tb_propagation_spec {
	TB_VEC(struct tb_resource_selector) resource_selectors;
	bool association;
	bool propagate_deps;
	struct tb_placement *placement;
	struct tb_optint priority;
	char *preemption;
	TB_VEC(char *) dependent_overrides;
	char *scheduler_name;
	struct tb_failover *failover;
	char *conflict_resolution;
	char *activation_preference;
	struct tb_suspension *suspension;
	struct tb_optbool preserve_resources_on_deletion;
	struct tb_schedule_priority *schedule_priority;
};

/* Both PropagationPolicy and ClusterPropagationPolicy. */
struct tb_policy {
	char *api_version;
	char *kind;
	struct tb_meta metadata;
	struct tb_propagation_spec spec;
};

extern const struct tb_schema tb_policy_schema;
extern const struct tb_schema tb_placement_schema;
extern const struct tb_schema tb_cluster_affinity_schema;
extern const struct tb_schema tb_failover_schema;
extern const struct tb_schema tb_suspend_clusters_schema;
extern const char *const tb_purge_modes[];

/* What Karmada's webhook flags configure. A negative seconds value turns the
 * corresponding default toleration off (Tugboat's addition). */
struct tb_policy_defaults {
	int64_t not_ready_toleration_seconds;	/* --default-not-ready-toleration-seconds */
	int64_t unreachable_toleration_seconds;	/* --default-unreachable-toleration-seconds */
	const char *namespace_;			/* request namespace when metadata has none */
};

#define TB_POLICY_DEFAULTS_INIT { 300, 300, "default" }

/* Tugboat's policy annotation that asks for moving back after recovery: how
 * long (a Go duration) a recovered cluster must stay healthy before the
 * replicas evicted from it return. Absent: they stay where they went, as in
 * Karmada. */
#define TB_ANN_MOVE_BACK_AFTER "failover.tugboat.io/move-back-after"
/* The label Karmada puts on a binding: the id of the policy that placed it. */
#define TB_LABEL_PP_ID "propagationpolicy.karmada.io/permanent-id"
#define TB_LABEL_CPP_ID "clusterpropagationpolicy.karmada.io/permanent-id"

/* The cross-cluster disruption budget (Tugboat's; copied to the bindings):
 * replicas ("3") or a share of them ("50%") that must be ready on the
 * clusters a binding targets before an evicted cluster's replicas are
 * removed (core/evict.h). */
#define TB_ANN_MIN_AVAILABLE "failover.tugboat.io/min-available"

/* Parses a min-available value: a count ("3") or a percentage ("50%" of
 * replicas, rounded up). Returns the count, or -1 when v is neither. */
int64_t tb_min_available_parse(const char *v, int64_t replicas);

void tb_policy_default(struct tb_policy *p, bool namespaced, const struct tb_policy_defaults *d);
void tb_policy_validate(const struct tb_policy *p, bool namespaced, struct tb_errs *e);

/* Validation shared with bindings, which carry a copy of the placement. */
void tb_placement_validate(const struct tb_placement *pl, struct tb_path *p, struct tb_errs *e);
void tb_failover_validate(const struct tb_failover *f, struct tb_path *p, struct tb_errs *e);

/* Placement.ReplicaSchedulingType(): Duplicated when replicaScheduling is absent. */
const char *tb_placement_scheduling_type(const struct tb_placement *pl);

/* MatchToleration: equal key, operator, value and effect (seconds ignored). */
bool tb_toleration_same(const struct tb_toleration *a, const struct tb_toleration *b);

#endif
