/* The scheduler: which member clusters get a binding and how many replicas
 * each gets, with Karmada's semantics (filter plugins, cluster locality score,
 * spread constraints, Duplicated / static weight / dynamic weight / Aggregated
 * division, steady and fresh rescheduling, ordered clusterAffinities).
 * Pure: no I/O, no clock; a snapshot of the clusters is summarised once and
 * then any number of bindings are scheduled against it. */
#ifndef TB_SCHED_H
#define TB_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/binding.h"
#include "api/cluster.h"
#include "core/estimate.h"

struct tb_sched_snapshot {
	const struct tb_cluster *const *clusters;	/* borrowed */
	size_t n;
	struct tb_estimate_cluster *est;		/* one per cluster */
	uint32_t *rank;					/* position in name order */
	struct tb_resnames names;
};

void tb_sched_snapshot_init(struct tb_sched_snapshot *s, const struct tb_cluster *const *clusters,
			    size_t n);
void tb_sched_snapshot_release(struct tb_sched_snapshot *s);

/* Why a cluster got what it got, for `tugctl schedule -o wide` and events. */
struct tb_sched_verdict {
	const char *cluster;
	const char *filtered;	/* the filter reason, or NULL when feasible */
	char *detail;		/* formatted reason (e.g. the untolerated taint), or NULL */
	int64_t available;	/* estimated replicas that fit, -1 when not estimated */
	int64_t score;
	bool selected;		/* chosen by selection (spread constraints) */
	int64_t replicas;	/* assigned */
};

struct tb_sched_result {
	TB_VEC(struct tb_target_cluster) clusters;	/* by name; zero-replica targets dropped */
	char *affinity_name;	/* the clusterAffinities term used, or NULL */
	char *error;		/* why nothing was scheduled, Karmada's words; NULL on success */
	bool fit_error;		/* no cluster passed the filters */
	TB_VEC(struct tb_sched_verdict) verdicts;	/* with TB_SCHED_EXPLAIN: one per
							   cluster, snapshot order */
};

enum {
	TB_SCHED_EXPLAIN = 1 << 0,	/* fill result verdicts (costs time) */
};

/* Schedules one binding (spec.placement must be set). Returns 0 on success,
 * -TB_EINVAL when nothing fits (out->error says why). out must be zeroed;
 * release it with tb_sched_result_release. */
int tb_sched_schedule(const struct tb_sched_snapshot *s, const struct tb_binding_spec *spec,
		      const struct tb_binding_status *status, unsigned flags,
		      struct tb_sched_result *out);
void tb_sched_result_release(struct tb_sched_result *r);

#endif
