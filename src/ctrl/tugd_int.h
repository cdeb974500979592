/* Internal to tugd's controllers (tugd.c, detector.c, works.c): the shared
 * state and the helpers they use to read and write the store. */
#ifndef TB_TUGD_INT_H
#define TB_TUGD_INT_H

#include <jansson.h>

#include "api/object.h"
#include "ctrl/tugd.h"
#include "ctrl/world.h"
#include "lib/hmap.h"
#include "lib/queue.h"
#include "member/client.h"

/* Store keys of the kinds the controllers handle. */
#define RES_CLUSTERS "clusters.cluster.karmada.io"
#define RES_PP "propagationpolicies.policy.karmada.io"
#define RES_CPP "clusterpropagationpolicies.policy.karmada.io"
#define RES_RB "resourcebindings.work.karmada.io"
#define RES_CRB "clusterresourcebindings.work.karmada.io"
#define RES_WORKS "works.work.karmada.io"
#define RES_NAMESPACES "namespaces"

/* Bounded work per reconcile turn, so the API stays responsive while
 * thousands of objects are reconciled: a turn runs at a lower priority than
 * requests, and the rest waits for the next turn. */
#define TUGD_BATCH 64

/* A member cluster tugd talks to (members.c), with its execution state
 * (exec.c). */
#define TB_MEMBER_STATUS_REQS 3		/* /version, nodes, pods */
#define TB_MEMBER_STATUS_MS 10000	/* cluster status refresh, at least (Karmada's 10 s) */
#define TB_MEMBER_LISTS 2		/* Deployments and Jobs, for their status */
/* A list whose items are byte for byte the last parsed ones is not parsed
 * again, for at most this long. */
#define TB_MEMBER_REPARSE_MS 60000

/* The fingerprint of the items of the last list parsed, and when. */
struct tb_member_fp {
	uint64_t hash;			/* 0: parse the next one */
	int64_t at_ms;
	bool unsettled;			/* what that parse concluded (exec.c's lists) */
};

struct tb_tugd;
struct tb_member;
/* What a periodic request's callback needs: its member and which it is. */
struct tb_member_slot {
	struct tb_member *m;
	size_t which;
};

struct tb_member {
	struct tb_tugd *t;
	char *name;
	char *server, *token, *ca, *cert, *key;	/* the connection's, owned */
	struct tb_member_conn conn;
	struct tb_member_conn probe_conn;	/* the same, in a lane of its own */
	uint64_t secret_rv;
	bool has_secret;
	struct event *timer;		/* the next probe */
	struct tb_member_req *probe;
	int64_t probe_sent_ms;
	enum tb_probe last_probe;
	int64_t next_status_ms;
	struct tb_member_req *status_req[TB_MEMBER_STATUS_REQS];
	struct tb_member_slot status_slot[TB_MEMBER_STATUS_REQS];
	struct tb_member_fp status_fp[TB_MEMBER_STATUS_REQS];
	/* exec.c */
	struct tb_queue todo;		/* Work keys ("ns/name") to apply or delete */
	size_t inflight;
	struct event *exec_timer;	/* retries after back-off */
	struct tb_member_req *list_req[TB_MEMBER_LISTS];	/* status collection */
	struct tb_member_slot list_slot[TB_MEMBER_LISTS];
	struct tb_member_fp list_fp[TB_MEMBER_LISTS];
	int64_t next_list_ms;
	unsigned unsettled;		/* lists whose objects may still change (bit per list) */
};

struct tb_dpolicy;	/* detector.c */

struct tb_tugd {
	struct event_base *base;
	struct tb_store *store;
	struct tb_failover_config cfg;
	int64_t (*now_ms)(void);
	int sub;
	struct event *kick;		/* runs tb__tugd_reconcile on the next turn */
	bool kicked;

	/* The world the scheduler and failover controllers work on: every
	 * cluster and binding, typed, mirrored from the store. */
	struct tb_world world;
	struct tb_hmap placements;	/* placement JSON -> one shared typed copy */
	bool writing;			/* the store event is our own write-back */
	bool loading;			/* the store events are the objects at start */

	/* Resource detector. */
	struct tb_dpolicy **policies;
	size_t npolicies;
	struct tb_queue dirty_templates;	/* "res|ns|name" */

	/* Failover turn (failover.c). */
	struct event *ftimer;
	int64_t next_monitor, next_evict, next_move_back;
	bool evict_now;			/* run the eviction pass on the next turn */
	size_t burst_ok, burst_need;	/* answers to a probe burst, and how many make a quorum */
	int64_t burst_at;

	/* Member clusters (members.c) and execution (exec.c). */
	struct tb_member_client mc;
	struct tb_hmap members;		/* cluster name -> struct tb_member * */
	bool members_dirty;
	struct tb_hmap xworks;		/* Work key "ns/name" -> struct tb_xwork * */
	struct tb_queue records;	/* Work keys with a listed status to record */

	/* Works. */
	struct tb_queue dirty_bindings;	/* binding keys whose Works to sync */
	struct tb_hmap works;		/* binding key -> struct tb_workset * */
	bool exec_ns_checked;

	/* Events (events.c). */
	struct tb_events *events;
};

/* A binding's key: "ns/name" for a ResourceBinding, "name" for a
 * ClusterResourceBinding (names cannot contain '/'). */
void tb__tugd_binding_key(const char *ns, const char *name, char *buf, size_t n);
/* Splits a binding key into its store resource, namespace and name. */
void tb__tugd_binding_split(const char *key, const char **res, char *ns, size_t nsn,
			    const char **name);

void tb__tugd_kick(struct tb_tugd *t);

/* Writes obj (a full object of kind k) to the store as a controller: server
 * metadata stamped (create, or update of the stored object), status written
 * too unless keep_status, nothing written when nothing changed. Returns 0
 * (*ret_rv: the object's resourceVersion) or the store's error (logged). */
int tb__tugd_put(struct tb_tugd *t, const struct tb_kind *k, const char *res, json_t *obj,
		 bool keep_status, uint64_t *ret_rv);
int tb__tugd_delete(struct tb_tugd *t, const char *res, const char *ns, const char *name);
/* The names of the objects of res in ns. */
struct tb_names {
	TB_VEC(char *) v;
};
#define TB_NAMES_INIT { { NULL, 0 } }
void tb__tugd_names(struct tb_tugd *t, const char *res, const char *ns, struct tb_names *out);
void tb__tugd_names_release(struct tb_names *n);

/* Deletes as the API does: an object with finalizers is only marked (its
 * deletionTimestamp set), and goes once its finalizers' owners are done. */
int tb__tugd_mark_deleted(struct tb_tugd *t, const char *res, const char *ns, const char *name);

/* Karmada's annotations on a Work naming its binding. */
#define TB_ANN_RB_NAME "resourcebinding.karmada.io/name"
#define TB_ANN_RB_NS "resourcebinding.karmada.io/namespace"
#define TB_ANN_CRB_NAME "clusterresourcebinding.karmada.io/name"
/* The binding a Work belongs to (from those annotations): its store
 * resource, namespace ("" for a ClusterResourceBinding) and name. */
bool tb__work_binding(const json_t *work, const char **res, const char **ns, const char **name);

/* Karmada's finalizer on Works: the execution controller's objects on the
 * member go before the Work does. */
#define TB_EXEC_FINALIZER "karmada.io/execution-controller"
/* And on the Clusters tugd executes on: their objects go before they do. */
#define TB_CLUSTER_FINALIZER "karmada.io/cluster-controller"

/* mirror.c: the world kept in step with the store, and written back. */
void tb__mirror_init(struct tb_tugd *t);	/* sets the world's loader */
void tb__mirror_on_cluster(struct tb_tugd *t, const struct tb_store_event *ev);
void tb__mirror_on_binding(struct tb_tugd *t, const struct tb_store_event *ev);
void tb__mirror_write_back(struct tb_tugd *t);
void tb__mirror_release(struct tb_tugd *t);

/* detector.c */
void tb__detector_init(struct tb_tugd *t);
void tb__detector_release(struct tb_tugd *t);
void tb__detector_on_event(struct tb_tugd *t, const struct tb_store_event *ev);
/* Processes up to max dirty templates; returns how many remain. */
size_t tb__detector_run(struct tb_tugd *t, size_t max);

/* failover.c */
void tb__failover_init(struct tb_tugd *t);
void tb__failover_release(struct tb_tugd *t);
/* Runs the failover turn as soon as the loop is free (a probe result or a
 * cluster changed). */
void tb__failover_poke(struct tb_tugd *t);
/* An evict pass now (application failover has news). */
void tb__failover_evict_soon(struct tb_tugd *t);
void tb__failover_write_clusters(struct tb_tugd *t);

/* members.c */
int tb__members_init(struct tb_tugd *t, struct tb_err *err);
void tb__members_release(struct tb_tugd *t);
/* Starts, updates or stops members after clusters or Secrets changed. */
void tb__members_sync(struct tb_tugd *t);
/* Clusters being deleted (unjoin): workloads away, objects off, then gone. */
void tb__members_reap(struct tb_tugd *t);
/* Probes every member now (a quorum of fresh answers is awaited). */
void tb__members_probe_now(struct tb_tugd *t);
/* Are the items of this list answer those of the last one parsed (body
 * from its "items" on, byte for byte, within TB_MEMBER_REPARSE_MS)? If
 * not, fp now describes it (set fp->hash to 0 to parse the next anyway). */
bool tb__member_unchanged(struct tb_member_fp *fp, const struct tb_member_resp *r, int64_t now);
void tb__members_on_secret(struct tb_tugd *t, const struct tb_store_event *ev);

/* exec.c: Works applied to their members, removed when deleted, and the
 * members' object status collected into the Works and bindings. */
void tb__exec_init(struct tb_tugd *t);
void tb__exec_release(struct tb_tugd *t);
/* Both get the Work as parsed once (NULL for a deletion). */
void tb__exec_on_work(struct tb_tugd *t, const struct tb_store_event *ev, const json_t *work);
void tb__exec_member_init(struct tb_member *m);
void tb__exec_member_release(struct tb_member *m);
/* Records up to max listed statuses; returns how many wait. */
size_t tb__exec_run(struct tb_tugd *t, size_t max);
/* A probe found m healthy: pending work may go, status may be collected. */
void tb__exec_member_ready(struct tb_member *m);

/* events.c: what the controllers report, as v1 Events on the objects. */
void tb__events_init(struct tb_tugd *t);
void tb__events_release(struct tb_tugd *t);
/* A world event (tb_world_emit): recorded now, written by the next flush. */
void tb__events_emit(struct tb_tugd *t, int64_t now_ms, const char *kind, const char *object,
		     const char *message);
/* Writes what was recorded, a bounded number per call (the reconcile turn). */
void tb__events_flush(struct tb_tugd *t);
void tb__events_on_event(struct tb_tugd *t, const struct tb_store_event *ev);
/* A Work changed: its Applied condition, as SyncSucceed / SyncFailed Events. */
void tb__events_on_work(struct tb_tugd *t, const struct tb_store_event *ev, const json_t *work);

/* works.c */
void tb__works_init(struct tb_tugd *t);
void tb__works_release(struct tb_tugd *t);
void tb__works_on_event(struct tb_tugd *t, const struct tb_store_event *ev, const json_t *work);
size_t tb__works_run(struct tb_tugd *t, size_t max);

#endif
