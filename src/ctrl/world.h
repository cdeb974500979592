/* What the controllers work on: the clusters and bindings as the control
 * plane sees them, each with the controllers' own bookkeeping, plus the
 * failover settings and an event sink. The same structure backs the
 * simulator (tugctl sim) and tugd's in-memory index. Controllers read and
 * change it and report through events; they never touch a clock, a socket
 * or a file: time comes in as now_ms. */
#ifndef TB_WORLD_H
#define TB_WORLD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "api/binding.h"
#include "api/cluster.h"
#include "api/policy.h"
#include "core/config.h"
#include "core/health.h"
#include "core/sched.h"
#include "core/taint.h"
#include "lib/hmap.h"

struct tb_wcluster {
	struct tb_cluster obj;		/* owned */
	struct tb_health health;
	/* Its health is reported (its stored Ready condition, as a Pull
	 * cluster's agent writes it), not probed by us. */
	bool external;
	bool changed;			/* conditions or taints changed since written (tugd) */
	bool reaping;			/* being deleted: its workloads were sent away (tugd) */
};

/* An eviction the taint manager has decided on but not carried out yet. */
struct tb_wpending {
	char *cluster;
	int64_t at_ms;			/* due time (toleration end) */
	const char *held;		/* why it waits past its due time, or NULL */
};

/* A cluster a binding was evicted from, to move back to once it recovers. */
struct tb_wevicted {
	char *cluster;
	int64_t at_ms;
};

/* A cluster where a binding with application failover reports Unhealthy. */
struct tb_wunhealthy {
	char *cluster;
	int64_t since_ms;		/* 0: seen, not yet stamped by the evict pass */
	const char *held;		/* why its due eviction waits, or NULL */
};

/* A cluster a parked binding targets (spec.clusters). */
struct tb_wtarget {
	const char *cluster;		/* interned (tb_world_intern) */
	int64_t replicas;
};

struct tb_wbinding {
	/* The typed binding (owned), or NULL while parked. A world with a
	 * loader (tugd's, on the store) frees the typed copy of a binding no
	 * controller is working on (tb_world_park) and decodes it again when
	 * one needs it (tb_world_obj): a copy of every binding would cost far
	 * more than the stored text. The fields below stay either way, so a
	 * scan over every binding needs no copy. */
	struct tb_binding *obj;
	char *key;			/* "namespace/name", or "name" when cluster-scoped */
	const struct tb_placement *placement;	/* == obj->spec.placement (borrowed) */
	const char *purge_mode;		/* spec.failover.cluster.purgeMode, interned */
	struct tb_wtarget *targets;	/* spec.clusters while parked */
	uint32_t ntargets;
	bool namespaced;
	bool need_schedule;
	bool changed;			/* obj changed since it was last written (tugd) */
	bool held;			/* kept loaded for a use due soon (tugd: Works to sync) */
	uint64_t rv;			/* resourceVersion obj was read or written at (tugd) */
	void *shared_placement;		/* tugd: the shared entry placement is */
	char *unschedulable;		/* the last scheduling failure, or NULL */
	/* Moving back after recovery (TB_ANN_MOVE_BACK_AFTER; 0: off). */
	int64_t move_back_after_ms;
	struct tb_wfail *fail;		/* NULL until an eviction concerns it */
};

/* What the failover controllers keep of a binding they work on: a few of
 * hundreds of thousands, so apart (tb_world_fail). */
struct tb_wfail {
	TB_VEC(struct tb_wpending) pending;
	TB_VEC(struct tb_wevicted) evicted_from;
	char *moving_back;		/* a surge under way, for this cluster; or NULL */
	int64_t moving_since;
	/* Application failover (spec.failover.application): where the
	 * workload is unhealthy, and for how long it may stay so. */
	TB_VEC(struct tb_wunhealthy) unhealthy;
	int64_t app_toleration_ms;
};

/* Event kinds, also the first word of a timeline line. */
#define TB_EV_CLUSTER "cluster"
#define TB_EV_TAINT "taint"
#define TB_EV_EVICT "evict"
#define TB_EV_HOLD "hold"
#define TB_EV_SCHEDULE "schedule"
#define TB_EV_PURGE "purge"
#define TB_EV_OUTAGE "outage"
#define TB_EV_MOVEBACK "moveback"

typedef void (*tb_event_fn)(void *ctx, int64_t now_ms, const char *kind, const char *object,
			    const char *message);
/* Decodes the typed copy of a parked binding (from b->key); 0 or an error. */
typedef int (*tb_load_fn)(void *ctx, const struct tb_wbinding *b, struct tb_binding **ret);

struct tb_world {
	struct tb_failover_config cfg;
	TB_VEC(struct tb_wcluster) clusters;
	size_t clusters_alloc;
	struct tb_hmap cindex;		/* cluster name -> index + 1 (probes look up by name) */
	TB_VEC(struct tb_wbinding) bindings;
	size_t bindings_alloc;
	/* Bindings by key: open addressing over their index + 1 (0: empty),
	 * the keys being the bindings' own. 4 bytes a slot, where a string
	 * map would copy every key into 24-byte slots. */
	uint32_t *bslots;
	size_t bmask;
	TB_VEC(const struct tb_taint_policy *) taint_policies;	/* borrowed, by creation */
	bool outage;			/* mass-outage protection engaged */
	int64_t outage_released_ms;	/* when it last released, 0 if never */
	struct tb_ratelimit evict_rate;
	size_t n_need_schedule;		/* bindings with need_schedule set */
	size_t n_changed;		/* bindings with changed set */
	size_t sched_budget;		/* bindings scheduled per pass at most (0: all) */
	/* Their indices, so a pass visits them without scanning every binding.
	 * May hold stale or repeated entries: the flag is the truth. */
	TB_VEC(size_t) need_idx;
	size_t need_alloc;
	TB_VEC(size_t) changed_idx;
	size_t changed_alloc;
	bool snapshot_stale;		/* clusters changed since the snapshot */
	bool taints_changed;		/* some cluster's taints changed: evict pass due */
	bool quorum_wait;		/* an eviction waits for fresh answers from the others */
	bool app_unhealthy;		/* a binding newly reports Unhealthy: evict pass due */
	struct tb_sched_snapshot snap;
	const struct tb_cluster **snap_clusters;
	tb_event_fn event;
	void *event_ctx;
	/* Parking (NULL: every binding keeps its typed copy). The placement
	 * of a binding that may be parked is not its copy's to free: the
	 * loader's owner keeps it (tugd shares one per distinct placement). */
	tb_load_fn load;
	void *load_ctx;
	TB_VEC(size_t) loaded_idx;	/* bindings loaded since the last park (may repeat) */
	size_t loaded_alloc;
	struct tb_hmap names;		/* interned strings: string -> its copy */
};

void tb_world_init(struct tb_world *w, const struct tb_failover_config *cfg, int64_t now_ms);
void tb_world_release(struct tb_world *w);

/* Takes ownership of *c (the struct is moved). Returns its index. */
size_t tb_world_add_cluster(struct tb_world *w, struct tb_cluster *c, int64_t now_ms);
/* Takes ownership of b (allocated). */
size_t tb_world_add_binding(struct tb_world *w, struct tb_binding *b, bool namespaced);
/* b's failover state, created empty if it has none. */
/* A failover's decisions under way: bindings to place or to write, or
 * evictions waiting for the others' answers. What they would compete with
 * (status lists, housekeeping) waits. */
static inline bool tb_world_deciding(const struct tb_world *w)
{
	return w->n_need_schedule || w->n_changed || w->quorum_wait;
}

struct tb_wfail *tb_world_fail(struct tb_wbinding *b);
/* Frees b's failover state if nothing is left in it. */
void tb_world_fail_done(struct tb_wbinding *b);
/* Replaces b's typed copy with obj (owned): a new version from outside. */
void tb_world_set_obj(struct tb_world *w, struct tb_wbinding *b, struct tb_binding *obj);
/* b's typed copy, decoded by the loader when parked; NULL when that fails. */
struct tb_binding *tb_world_obj(struct tb_world *w, struct tb_wbinding *b);
/* Frees the typed copies no controller is working on: no schedule or
 * write-back due, no eviction due or under way, no move back, not held. */
void tb_world_park(struct tb_world *w);
/* The same for one binding (a new version just mirrored). */
void tb_world_park_one(struct tb_world *w, struct tb_wbinding *b);
/* A copy of s that lives as long as the world (cluster names, modes). */
const char *tb_world_intern(struct tb_world *w, const char *s);
/* The clusters b targets (spec.clusters), parked or not. */
size_t tb_wb_ntargets(const struct tb_wbinding *b);
const char *tb_wb_target(const struct tb_wbinding *b, size_t i, int64_t *replicas);
bool tb_wb_targets(const struct tb_wbinding *b, const char *cluster);

struct tb_wcluster *tb_world_cluster(struct tb_world *w, const char *name);
/* The binding of key ("namespace/name", or "name"), or NULL. */
struct tb_wbinding *tb_world_binding(struct tb_world *w, const char *key);
/* A binding's need_schedule and changed flags are set through these, so the
 * world counts them and a pass with nothing to do skips its scan. */
void tb_world_need_schedule(struct tb_world *w, struct tb_wbinding *b, bool on);
void tb_world_changed(struct tb_world *w, struct tb_wbinding *b, bool on);
/* Takes the indices of the bindings flagged need_schedule (changed: false)
 * or changed (true), in increasing order without repeats, into *ret (the
 * caller frees it); returns how many. */
size_t tb_world_take_flagged(struct tb_world *w, bool changed, size_t **ret);
/* Puts a taken index back (its binding is still flagged: for a later pass). */
void tb_world_flag_again(struct tb_world *w, bool changed, size_t i);

/* Removes by swapping the last entry into i (its index changes to i). */
void tb_world_remove_cluster(struct tb_world *w, size_t i);
void tb_world_remove_binding(struct tb_world *w, size_t i);

void tb_world_emit(struct tb_world *w, int64_t now_ms, const char *kind, const char *object,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* "namespace/name" of a binding (its key), in buf. */
const char *tb_world_binding_name(const struct tb_wbinding *b, char *buf, size_t n);

/* The scheduler's view of the clusters, rebuilt when they changed. */
const struct tb_sched_snapshot *tb_world_snapshot(struct tb_world *w);

/* ---- controllers: each returns the delay until it wants to run again (0 =
 * only when something changes) ---------------------------------------------- */

/* Cluster status: a finished probe of cluster i. */
void tb_ctrl_probe_result(struct tb_world *w, size_t i, enum tb_probe r, int64_t rtt_ms,
			  int64_t now_ms);
/* A reported (external) cluster's stored Ready condition changed. */
void tb_ctrl_cluster_reported(struct tb_world *w, size_t i, int64_t now_ms);
/* Cluster monitor: grace periods, NoExecute taints, mass-outage protection. */
int64_t tb_ctrl_monitor(struct tb_world *w, int64_t now_ms);
/* Eviction (the taint manager and graceful eviction in one owner). */
int64_t tb_ctrl_evict(struct tb_world *w, int64_t now_ms);
/* Scheduler: bindings that need it. */
int64_t tb_ctrl_schedule(struct tb_world *w, int64_t now_ms);
/* Moving back: replicas return to a cluster they were evicted from once it
 * has been healthy for the binding's window, started there before any is
 * taken away elsewhere. Runs after eviction, before scheduling. */
int64_t tb_ctrl_move_back(struct tb_world *w, int64_t now_ms);
/* The binding's TB_ANN_MOVE_BACK_AFTER in ms, 0 when absent or invalid. */
int64_t tb_move_back_after(const struct tb_binding *b);
/* Records that b was evicted from cluster (for moving back). */
void tb_world_evicted(struct tb_wbinding *b, const char *cluster, int64_t now_ms);

#endif
