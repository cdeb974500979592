/* Graceful eviction of a cluster from a binding, as Karmada's
 * GracefulEvictCluster and graceful-eviction controller: the cluster leaves
 * spec.clusters and becomes a GracefulEvictionTask that keeps its replicas
 * until the replacements are healthy, a grace period runs out, or the user
 * says (suppressDeletion). Pure. */
#ifndef TB_EVICT_H
#define TB_EVICT_H

#include <stdbool.h>
#include <stdint.h>

#include "api/binding.h"

#define TB_PRODUCER_TAINT_MANAGER "TaintManager"
#define TB_PRODUCER_APP_FAILOVER "resource-binding-application-failover-controller"
#define TB_PRODUCER_CAPP_FAILOVER "cluster-resource-binding-application-failover-controller"
#define TB_REASON_TAINT_UNTOLERATED "TaintUntolerated"
#define TB_REASON_APPLICATION_FAILURE "ApplicationFailure"
/* tugctl drain: the NoExecute taint it puts on the cluster, and the reason
 * of the eviction tasks the taint manager then creates. */
#define TB_TAINT_DRAINING "failover.tugboat.io/draining"
#define TB_REASON_DRAIN "ClusterDrained"
/* How often a task held by the budget is assessed again, at most. */
#define TB_EVICT_BUDGET_RETRY_MS 1000

struct tb_evict_opts {
	const char *purge_mode;		/* Immediately | Graciously | Never (or new names) */
	const char *producer;
	const char *reason;
	const char *message;
	struct tb_optint grace_period_seconds;
	struct tb_optbool suppress_deletion;
};

/* Removes cluster from spec.clusters and adds its eviction task (unless one
 * exists). Returns false, changing nothing, when the cluster is not targeted. */
bool tb_evict_cluster(struct tb_binding_spec *spec, const char *cluster,
		      const struct tb_evict_opts *o);

/* Purge mode predicates over both generations of names. */
bool tb_purge_immediately(const char *mode);	/* Immediately | Directly */
bool tb_purge_graciously(const char *mode);	/* Graciously | Gracefully | unset */

/* The replicas of b that must be ready on the clusters it targets before
 * task's cluster may be emptied: TB_ANN_MIN_AVAILABLE's (api/policy.h); for a drain
 * without it, every replica wanted there (a drain never lowers what is
 * ready below what is wanted); otherwise 0 (Karmada's grace period alone).
 * Never more than is wanted. */
int64_t tb_evict_budget(const struct tb_binding *b, const struct tb_eviction_task *task);

/* The graceful eviction controller's assessment at now: new tasks get their
 * creationTimestamp; a task ends when suppressDeletion is false, when its
 * grace period (or timeout_ms) has passed, or when the binding is scheduled
 * (status.schedulerObservedGeneration == metadata.generation) and every target
 * cluster reports Healthy. Ended tasks' clusters are appended to removed (a
 * TB_VEC(char *)). Returns the delay until the next assessment is due (ms),
 * 0 when no task needs a timer. Tugboat reads each task's own grace period
 * (Karmada v1.13 let one task's period leak into the next), and does not
 * take a Healthy report whose status.readyReplicas is below what the binding
 * now wants on that cluster (a stale report from before the change), nor a
 * report from a cluster env->trusted says is not answering now; and keeps
 * a task while env->needed says the binding is needed on its cluster.
 * Tugboat: a task whose grace period ran out still waits while fewer
 * replicas are ready on the binding's (trusted) clusters than its budget
 * (tb_evict_budget); the replicas there are still serving. */
/* The id of the policy that placed b (its permanent-id label), "" if none. */
const char *tb_evict_policy_id(const struct tb_binding *b);

/* An object without replicas (a Service, a ConfigMap) placed by the same
 * policy as a workload is that workload's companion: it leaves a cluster
 * only once the workload has (env->needed below). Else a drain would remove
 * a Service from a cluster whose replicas still serve (its load balancer
 * would lose that cluster early), or a ConfigMap from under running ones. */
bool tb_evict_companion(const struct tb_binding *b);

/* Replicas ready on the clusters b targets (spec.clusters), as reported by
 * those trusted() accepts (NULL: all). */
int64_t tb_evict_ready_on_targets(const struct tb_binding *b,
				  bool (*trusted)(void *ctx, const char *cluster), void *ctx);

struct tb_evict_env {
	int64_t timeout_ms;	/* the graceful eviction timeout */
	/* Does this cluster's report count now? NULL: every report counts. */
	bool (*trusted)(void *ctx, const char *cluster);
	/* Is b still needed on cluster, whatever its own task says (a
	 * workload's Service while the workload runs there)? NULL: never. */
	bool (*needed)(void *ctx, const struct tb_binding *b, const char *cluster);
	void *ctx;
};

int64_t tb_evict_assess(struct tb_binding *b, int64_t now_ms, const struct tb_evict_env *env,
			void *removed);

/* Clusters that still hold the workload: spec.clusters, the clusters of the
 * bindings that require it (spec.requiredBy), and evicting clusters whose
 * purge mode keeps replicas (ObtainBindingSpecExistingClusters). */
bool tb_evict_keeps(const struct tb_binding_spec *spec, const char *cluster);

#endif
