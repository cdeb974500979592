/* How many replicas of a workload fit in a cluster, as Karmada's general
 * estimator computes it from Cluster status.resourceSummary (allocatable -
 * allocated - allocating), capped by free pods, or from the cluster's
 * resource models when it reports allocatableModelings (Karmada v1.13's
 * model estimate). Pure.
 *
 * For speed a cluster is summarised once (tb_estimate_cluster_init) and a
 * workload's requests once (tb_estimate_req_init) against the same resource
 * name table; each estimate is then a few integer divisions. */
#ifndef TB_ESTIMATE_H
#define TB_ESTIMATE_H

#include <stdbool.h>
#include <stdint.h>

#include "api/binding.h"
#include "api/cluster.h"

/* Resource names seen in any cluster summary, interned to small indexes. */
struct tb_resnames {
	char **v;
	size_t n, alloc;
};

struct tb_avail {
	bool present;		/* allocatable has this resource */
	int64_t value;		/* available, rounded up to whole units */
	int64_t milli;		/* available in thousandths (used for cpu) */
};

struct tb_estimate_cluster {
	const struct tb_cluster *cluster;
	bool has_summary;
	bool use_models;	/* allocatableModelings reported */
	int64_t allowed_pods;	/* allocatable - allocated - allocating pods, >= 0 */
	struct tb_avail *avail;	/* indexed by resource name index */
	size_t navail;
};

struct tb_estimate_req {
	const struct tb_replica_requirements *req;	/* NULL: none */
	size_t n;
	struct {
		int idx;		/* resource name index, -1 if no cluster has it */
		const char *name;
		const struct tb_quantity *q;
		int64_t value, milli;
		bool cpu;
	} *v;
};

void tb_resnames_release(struct tb_resnames *names);

void tb_estimate_cluster_init(struct tb_estimate_cluster *ec, const struct tb_cluster *c,
			      struct tb_resnames *names);
void tb_estimate_cluster_release(struct tb_estimate_cluster *ec);

void tb_estimate_req_init(struct tb_estimate_req *er, const struct tb_replica_requirements *req,
			  const struct tb_resnames *names);
void tb_estimate_req_release(struct tb_estimate_req *er);

/* Max replicas that fit, >= 0. */
int64_t tb_estimate_replicas(const struct tb_estimate_cluster *ec, const struct tb_estimate_req *er);

#endif
