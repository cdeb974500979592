/* Shared between the scheduler's files (sched.c, spread.c, assign.c); not a
 * public interface. */
#ifndef TB_SCHED_INT_H
#define TB_SCHED_INT_H

#include "core/sched.h"
#include "lib/strbuf.h"

#define TB_SCHED_MAX_SCORE 100

/* Karmada's ClusterDetailInfo. */
struct tb__cand {
	size_t idx;			/* index in the snapshot */
	uint32_t rank;			/* name order, for cheap tie-breaks */
	const struct tb_cluster *c;
	const char *name;
	int64_t score;
	int64_t available;		/* estimate + replicas already assigned there */
	int64_t allocatable;		/* the estimate alone */
};

struct tb__sched {
	const struct tb_sched_snapshot *snap;
	const struct tb_binding_spec *spec;
	const struct tb_binding_status *status;
	const struct tb_placement *pl;
	bool fresh;			/* RescheduleRequired: Fresh assignment mode */
	bool names_desc;		/* Webster tie-breaker from the resource UID */
	unsigned flags;			/* TB_SCHED_* */
	struct tb_strbuf err;		/* the error, if any */
};

/* sort by score desc, available desc, name asc (stable) */
void tb__cands_sort(struct tb__cand *c, size_t n);

/* Selection by spread constraints: reorders and truncates cands in place;
 * returns the number selected, or -1 with st->err set. */
long tb__spread_select(struct tb__sched *st, struct tb__cand *cands, size_t n);

/* One assigned cluster; the name is borrowed from the cluster. */
struct tb__assigned {
	const char *name;
	uint32_t rank;
	int64_t replicas;
};

/* Replica assignment over the selected candidates. Fills out (room for 2n
 * entries; unsorted, may hold zero-replica entries); returns 0, or -1 with
 * st->err set. */
int tb__assign(struct tb__sched *st, const struct tb__cand *cands, size_t n,
	       struct tb__assigned *out, size_t *nout);

int64_t tb__assigned_replicas(const struct tb_binding_spec *spec, const char *cluster);

#endif
