/* A simulation scenario: `apiVersion: sim.tugboat.io/v1alpha1, kind: Scenario`
 * (duration, failover settings, simulated member clusters, a fault schedule)
 * followed by ordinary Karmada manifests (policies, Deployments...). Decoded
 * strictly, with field paths, like every other Tugboat input. Pure. */
#ifndef TB_SCENARIO_H
#define TB_SCENARIO_H

#include <jansson.h>

#include "api/cluster.h"
#include "api/codec.h"
#include "api/object.h"
#include "core/config.h"

enum tb_fault_kind {
	TB_FAULT_DOWN,		/* API and workloads gone; connections refused */
	TB_FAULT_HANG,		/* API accepts and never answers; workloads gone */
	TB_FAULT_SLOW,		/* API answers after latency +- jitter; workloads fine */
	TB_FAULT_FLAP,		/* API alternates up/down every period; workloads fine */
	TB_FAULT_ERROR,		/* /readyz answers 500; workloads fine */
	TB_FAULT_PARTITION,	/* the control plane reaches no cluster; workloads fine */
	TB_FAULT_RECOVER,	/* back to normal */
	TB_FAULT_TAINT,		/* an operator taints the cluster (maintenance) */
	TB_FAULT_UNTAINT,	/* and removes the taint */
};

struct tb_sim_fault {
	int64_t at_ms;
	int cluster;		/* index, -1 for partition */
	enum tb_fault_kind kind;
	int64_t latency_ms, jitter_ms, period_ms, duration_ms;	/* 0 when unset */
	char *key, *effect;	/* taint and untaint */
};

struct tb_sim_cluster {
	char *name;
	struct tb_cluster obj;	/* the Cluster object the member joins with */
	int64_t latency_ms, jitter_ms, ready_delay_ms;
	int64_t cpu_milli, memory, pods;	/* capacity */
};

struct tb_scenario {
	char *name;
	int64_t duration_ms, step_ms;
	struct tb_failover_config cfg;
	struct tb_sim_cluster *clusters;
	size_t nclusters;
	struct tb_sim_fault *faults;	/* sorted by time */
	size_t nfaults;
	struct tb_object *objects;	/* policies and templates, admitted */
	size_t nobjects;
};

/* Parses docs into sc. Errors (with field paths) go to errs or err. */
int tb_scenario_load(const struct tb_docs *docs, struct tb_scenario *sc, struct tb_errs *errs,
		     struct tb_err *err);
void tb_scenario_release(struct tb_scenario *sc);

const char *tb_fault_name(enum tb_fault_kind k);

#endif
