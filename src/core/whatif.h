/* The offline "what would the scheduler do": from manifest documents
 * (Clusters, one policy, one binding or one template) to the binding with its
 * new spec.clusters. Shared by `tugctl schedule` and the scheduler case tests
 * so both run exactly the same path. Pure. */
#ifndef TB_WHATIF_H
#define TB_WHATIF_H

#include "api/codec.h"
#include "api/object.h"
#include "core/sched.h"

struct tb_whatif {
	struct tb_object *objects;	/* every admitted document */
	size_t nobjects;
	const struct tb_cluster **clusters;
	size_t nclusters;
	struct tb_binding *binding;	/* the binding scheduled (owned) */
	struct tb_sched_snapshot snap;
	struct tb_sched_result result;
};

enum {
	TB_WHATIF_OK = 0,
	TB_WHATIF_UNSCHEDULABLE = 1,	/* result.error says why */
	TB_WHATIF_INVALID = 2,		/* errs or err say why */
};

/* Admits every document (defaults and validation as the server would; now_ms
 * stamps new NoExecute taints), assembles the binding and schedules it.
 * Returns one of TB_WHATIF_*. Release w in every case. */
int tb_whatif_run(const struct tb_docs *docs, int64_t now_ms, struct tb_whatif *w,
		  struct tb_errs *errs, struct tb_err *err);
void tb_whatif_release(struct tb_whatif *w);

/* The scheduled binding as JSON: the input binding with spec.clusters (and
 * status.schedulerObservingAffinityName) replaced by the result. */
json_t *tb_whatif_binding_json(const struct tb_whatif *w);

#endif
