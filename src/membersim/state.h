/* The objects of every simulated member cluster, kept the way kube-apiserver
 * keeps them: one resourceVersion counter per cluster, uid,
 * creationTimestamp, generation bumped on spec changes, optimistic
 * concurrency, create / get / list / update / patch / server-side apply /
 * delete with kube's errors. Deployments and Jobs carry simulated pods
 * (kubelet.h); their status is rewritten when the pods change, from a timer
 * queue that holds only the workloads with a pending transition. Nodes and
 * pods are derived from the simulation when read, not stored.
 *
 * No I/O and no clock: every call takes now_ms. The HTTP layer (serve.c) maps
 * the errors to meta/v1 Status replies. */
#ifndef TB_MSIM_STATE_H
#define TB_MSIM_STATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/hmap.h"
#include "membersim/fault.h"
#include "membersim/kubelet.h"

enum tb_msim_res {
	TB_MSIM_NAMESPACES,
	TB_MSIM_NODES,
	TB_MSIM_PODS,
	TB_MSIM_EVENTS,
	TB_MSIM_SERVICES,
	TB_MSIM_CONFIGMAPS,
	TB_MSIM_SECRETS,
	TB_MSIM_DEPLOYMENTS,
	TB_MSIM_REPLICASETS,
	TB_MSIM_JOBS,
	_TB_MSIM_RES_MAX,
	TB_MSIM_RES_INVALID = -1
};

enum tb_msim_store {
	TB_MSIM_STORED,		/* objects clients create */
	TB_MSIM_DERIVED,	/* read-only views of the simulation (nodes, pods) */
	TB_MSIM_EMPTY,		/* always an empty list (events, replicasets) */
};

struct tb_msim_resinfo {
	const char *group;		/* "" for the core group */
	const char *version;
	const char *kind;
	const char *plural;
	const char *singular;
	const char *short_name;		/* or NULL */
	bool namespaced;
	enum tb_msim_store store;
	bool status;			/* has a status subresource */
	bool scale;			/* has a scale subresource */
};

extern const struct tb_msim_resinfo tb_msim_resources[_TB_MSIM_RES_MAX];

enum tb_msim_res tb_msim_res_find(const char *group, const char *version, const char *plural);
/* "deployments.apps", "configmaps": how kube names a resource in messages. */
const char *tb_msim_res_display(enum tb_msim_res r, char *buf, size_t n);

/* Errors beyond the shared TB_E* set (kube-apiserver answers some requests
 * with codes those have no word for). */
enum {
	TB_MSIM_EBADREQUEST = 100,	/* 400 BadRequest */
	TB_MSIM_EFORBIDDEN,		/* 403 Forbidden */
};

/* The HTTP code and Status reason for an error returned here. */
int tb_msim_err_http(int rc, const char **ret_reason);

struct tb_msim_opts {
	size_t nodes;				/* per cluster */
	int64_t node_cpu_m, node_mem, node_pods;	/* per node */
	int64_t ready_delay_ms, job_duration_ms;
	const char *kube_version;		/* "v1.32.0": nodes' kubeletVersion */
};

struct tb_msim_cluster;

/* One object of a cluster. */
struct tb_msim_obj {
	json_t *json;			/* as served */
	struct tb_msim_cluster *c;
	enum tb_msim_res res;
	struct tb_kubelet_wl wl;	/* Deployments and Jobs */
	int64_t start_ms;		/* Jobs: when they started */
	int64_t wake_ms;		/* next visit of the simulation */
	size_t heap_idx;		/* in the timer queue, or SIZE_MAX */
};

struct tb_msim_cluster {
	char *name;
	uint64_t rv;			/* last resourceVersion given out */
	uint64_t nodes_rv;		/* resourceVersion of the nodes */
	int64_t created_ms;
	struct tb_hmap objs[_TB_MSIM_RES_MAX];	/* "ns/name" (or "name") -> obj */
	struct tb_kubelet_node *nodes;
	struct tb_fault fault;
	size_t index;			/* in tb_msim.clusters */
};

struct tb_msim {
	struct tb_msim_opts opts;
	struct tb_hmap by_name;		/* name -> cluster */
	struct tb_msim_cluster **clusters;
	size_t n, alloc;
	struct tb_msim_obj **heap;	/* min-heap on wake_ms */
	size_t heap_n, heap_alloc;
};

#define TB_MSIM_INIT { { 0, 0, 0, 0, 0, 0, NULL }, TB_HMAP_INIT, NULL, 0, 0, NULL, 0, 0 }

void tb_msim_init(struct tb_msim *m, const struct tb_msim_opts *o);
void tb_msim_release(struct tb_msim *m);

/* Adds a cluster with its nodes and the namespaces default, kube-system,
 * kube-public and kube-node-lease. -TB_EEXIST if the name is taken,
 * -TB_EINVAL if it is not a DNS-1123 label. */
int tb_msim_add_cluster(struct tb_msim *m, const char *name, int64_t now_ms,
			struct tb_err *err);
struct tb_msim_cluster *tb_msim_cluster(const struct tb_msim *m, const char *name);

/* What a request names. ns is NULL or "" for cluster-scoped resources and
 * for lists across namespaces; sub is "", "status" or "scale". */
struct tb_msim_ref {
	enum tb_msim_res res;
	const char *ns;
	const char *name;
	const char *sub;
};

/* All return 0 and a new reference in *ret, or a negative error code with
 * a message worded as kube-apiserver words it in err. */
int tb_msim_get(struct tb_msim *m, struct tb_msim_cluster *c, const struct tb_msim_ref *ref,
		int64_t now_ms, json_t **ret, struct tb_err *err);
/* A List (kind "<Kind>List", metadata.resourceVersion) of the objects of
 * ref->res in ref->ns (all namespaces if empty), filtered by a label selector
 * and a field selector in their text forms (either may be NULL). */
int tb_msim_list(struct tb_msim *m, struct tb_msim_cluster *c, const struct tb_msim_ref *ref,
		 const char *label_sel, const char *field_sel, int64_t now_ms, json_t **ret,
		 struct tb_err *err);
int tb_msim_create(struct tb_msim *m, struct tb_msim_cluster *c, const struct tb_msim_ref *ref,
		   const json_t *body, int64_t now_ms, json_t **ret, struct tb_err *err);
/* PUT of the object (sub "") or of its status (sub "status"). A
 * metadata.resourceVersion in body that is not the current one is a
 * -TB_ECONFLICT; without one the update is unconditional. */
int tb_msim_update(struct tb_msim *m, struct tb_msim_cluster *c, const struct tb_msim_ref *ref,
		   const json_t *body, int64_t now_ms, json_t **ret, struct tb_err *err);

enum tb_msim_patch {
	TB_MSIM_PATCH_MERGE,		/* application/merge-patch+json */
	TB_MSIM_PATCH_JSON,		/* application/json-patch+json */
	TB_MSIM_PATCH_STRATEGIC,	/* application/strategic-merge-patch+json */
	TB_MSIM_PATCH_APPLY,		/* application/apply-patch+yaml: create or merge */
};

/* *ret_created is set when a server-side apply created the object. */
int tb_msim_patch(struct tb_msim *m, struct tb_msim_cluster *c, const struct tb_msim_ref *ref,
		  enum tb_msim_patch type, const json_t *patch, int64_t now_ms, json_t **ret,
		  bool *ret_created, struct tb_err *err);
/* Deletes at once (no finalizers, no graceful termination). pre_uid and
 * pre_rv are DeleteOptions preconditions (NULL: none). Deleting a namespace
 * deletes what is in it. */
int tb_msim_delete(struct tb_msim *m, struct tb_msim_cluster *c, const struct tb_msim_ref *ref,
		   const char *pre_uid, const char *pre_rv, int64_t now_ms, json_t **ret,
		   struct tb_err *err);

/* Visits the workloads whose next transition is due by now_ms and rewrites
 * their status. Returns when the next one is due, or TB_KUBELET_NEVER. */
int64_t tb_msim_run(struct tb_msim *m, int64_t now_ms);
int64_t tb_msim_next_wake(const struct tb_msim *m);

#endif
