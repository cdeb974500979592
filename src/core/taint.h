/* Cluster taints from cluster health, as Karmada's cluster controller sets
 * them: NoSchedule at once when a cluster is not ready (not-ready) or unknown
 * (unreachable), NoExecute once that has lasted the failover eviction timeout,
 * both removed on recovery; existing taints keep their order and timeAdded.
 * Mass-outage protection (when on) stops NoExecute taints being added.
 * Also the protection's trigger and the eviction rate limiter. Pure. */
#ifndef TB_TAINT_H
#define TB_TAINT_H

#include <stdbool.h>
#include <stdint.h>

#include "api/cluster.h"
#include "core/config.h"
#include "core/health.h"

/* Brings taints (a cluster's spec.taints) in line with its Ready status.
 * The NoExecute taint comes once the cluster has been unhealthy for the
 * eviction timeout and silent (no healthy answer since last_ok_ms) for twice
 * that: for a dead cluster the second is already true, for a flapping one
 * that keeps answering now and then it never is (it stays NoSchedule).
 * allow_noexecute false holds back new NoExecute taints. Returns true when
 * the taints changed. */
bool tb_taint_sync(struct tb_cluster_spec *spec, enum tb_ready ready, int64_t transition_ms,
		   int64_t last_ok_ms, const struct tb_failover_config *c, bool allow_noexecute,
		   int64_t now_ms);

/* When the next taint change can happen on its own (a NoExecute taint coming
 * due), or 0 if none is pending. */
int64_t tb_taint_next_ms(const struct tb_cluster_spec *spec, enum tb_ready ready,
			 int64_t transition_ms, int64_t last_ok_ms,
			 const struct tb_failover_config *c, int64_t now_ms);

/* ClusterTaintPolicies (current Karmada) applied to one cluster, in the
 * order given (the caller sorts by creation time): when all addOnConditions
 * match the cluster's conditions the policy's taints are added (timeAdded
 * now), when all removeOnConditions match they are removed; empty condition
 * lists never match. Returns true when the taints changed. */
struct tb_taint_policy;
bool tb_taint_policies_apply(const struct tb_taint_policy *const *policies, size_t n,
			     struct tb_cluster *c, int64_t now_ms);

/* Mass-outage protection: more than the threshold share of at least
 * min-clusters clusters unhealthy at once (Kubernetes' zone disruption idea:
 * when that many look dead, the control plane's own view is the likely fault). */
bool tb_outage_active(size_t unhealthy, size_t total, const struct tb_failover_config *c);

/* How many of the others clusters must have answered since an eviction
 * became due for it to go ahead: more than the share mass-outage protection
 * treats as healthy (so a control plane cut off from its fleet evicts
 * nothing). 0 when the protection is off or there are no others. */
size_t tb_quorum_needed(size_t others, const struct tb_failover_config *c);

/* A token bucket for evictions, refilled by the time passed. */
struct tb_ratelimit {
	double tokens;
	int64_t last_ms;
};

void tb_ratelimit_init(struct tb_ratelimit *rl, const struct tb_failover_config *c,
		       int64_t now_ms);
/* Takes one token if there is one. */
bool tb_ratelimit_take(struct tb_ratelimit *rl, const struct tb_failover_config *c,
		       int64_t now_ms);
/* Milliseconds until a token will be there (0 now). */
int64_t tb_ratelimit_wait_ms(const struct tb_ratelimit *rl, const struct tb_failover_config *c,
			     int64_t now_ms);

#endif
