/* ResourceBinding and ClusterResourceBinding (work.karmada.io/v1alpha2): the
 * scheduling unit. A binding says which template, how many replicas, where they
 * go (spec.clusters) and which clusters are being evicted gracefully. */
#ifndef TB_BINDING_H
#define TB_BINDING_H

#include "api/policy.h"

struct tb_object_ref {
	char *api_version;
	char *kind;
	char *namespace_;
	char *name;
	char *uid;
	char *resource_version;
};

struct tb_node_claim {
	json_t *hard_node_affinity;	/* corev1.NodeSelector, kept as JSON */
	struct tb_strmap node_selector;
	TB_VEC(struct tb_toleration) tolerations;
};

struct tb_replica_requirements {
	struct tb_node_claim *node_claim;
	struct tb_reslist resource_request;
	char *namespace_;
	char *priority_class_name;
};

struct tb_target_cluster {
	char *name;
	int64_t replicas;
};

struct tb_eviction_task {
	char *from_cluster;
	char *purge_mode;
	struct tb_optint replicas;
	char *reason;
	char *message;
	char *producer;
	struct tb_optint grace_period_seconds;
	struct tb_optbool suppress_deletion;
	struct tb_strmap preserved_label_state;
	TB_VEC(char *) clusters_before_failover;
	int64_t creation_timestamp;	/* ms; 0 until the graceful eviction controller stamps it */
};

struct tb_binding_snapshot {
	char *namespace_;
	char *name;
	TB_VEC(struct tb_target_cluster) clusters;
};

struct tb_binding_priority {
	int64_t priority;
};

struct tb_binding_spec {
	struct tb_object_ref resource;
	bool propagate_deps;
	struct tb_replica_requirements *replica_requirements;
	int64_t replicas;
	TB_VEC(struct tb_target_cluster) clusters;
	struct tb_placement *placement;
	TB_VEC(struct tb_eviction_task) graceful_eviction_tasks;
	TB_VEC(struct tb_binding_snapshot) required_by;
	char *scheduler_name;
	struct tb_failover *failover;
	char *conflict_resolution;
	int64_t reschedule_triggered_at;	/* ms */
	struct tb_suspension *suspension;
	struct tb_optbool preserve_resources_on_deletion;
	struct tb_binding_priority *schedule_priority;
};

struct tb_aggregated_item {
	char *cluster_name;
	json_t *status;		/* the member object's status, as reported */
	bool applied;
	char *applied_message;
	char *health;		/* Healthy | Unhealthy | Unknown */
};

struct tb_binding_status {
	int64_t scheduler_observed_generation;
	char *scheduler_observing_affinity_name;
	int64_t last_scheduled_time;	/* ms */
	TB_VEC(struct tb_condition) conditions;
	TB_VEC(struct tb_aggregated_item) aggregated_status;
};

/* Both ResourceBinding and ClusterResourceBinding. */
struct tb_binding {
	char *api_version;
	char *kind;
	struct tb_meta metadata;
	struct tb_binding_spec spec;
	struct tb_binding_status status;
};

extern const struct tb_schema tb_binding_schema;
extern const struct tb_schema tb_eviction_task_schema;
extern const char *const tb_health_values[];	/* Healthy, Unhealthy, Unknown */

void tb_binding_default(struct tb_binding *b);

/* The replicas spec.clusters asks for, over every cluster. */
int64_t tb_binding_wanted(const struct tb_binding *b);
/* status.aggregatedStatus's item for cluster, or NULL. */
const struct tb_aggregated_item *tb_binding_status_of(const struct tb_binding *b,
						      const char *cluster);
/* The readyReplicas reported for cluster, 0 when none is. */
int64_t tb_binding_ready_on(const struct tb_binding *b, const char *cluster);
void tb_binding_validate(const struct tb_binding *b, bool namespaced, struct tb_errs *e);

#endif
