/* The simulated kubelets and workload controllers of one member cluster, as
 * pure functions of (state, now_ms): where a replica lands (first fit over the
 * nodes' allocatable cpu, memory and pod count), when it becomes ready, when a
 * Job's pods succeed, and the counts a Deployment's or Job's status is made
 * of. No JSON, no I/O and no clock here: the caller passes the time, so the
 * unit tests can walk a timeline step by step. */
#ifndef TB_KUBELET_H
#define TB_KUBELET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A workload never gets more pods than this; replicas beyond it are not
 * simulated (a member cluster with ten thousand replicas of one Deployment is
 * not what these tests need, and every pod costs memory). */
#define TB_KUBELET_MAX_PODS 10000

/* "Never": no visit needed until something else changes. */
#define TB_KUBELET_NEVER INT64_MAX

struct tb_kubelet_node {
	int64_t cpu_m, mem, pods;		/* allocatable: millicores, bytes, count */
	int64_t used_cpu_m, used_mem, used_pods;
};

struct tb_kubelet_pod {
	uint32_t id;		/* unique within its workload: names the pod */
	int32_t node;		/* index into the nodes; -1 while unschedulable */
	int64_t created_ms;
	int64_t sched_ms;	/* when it got its node (0 while pending) */
	int64_t cpu_m, mem;	/* its requests, fixed when it was created */
};

struct tb_kubelet_wl {
	bool job;
	int64_t want;		/* Deployment: spec.replicas; Job: spec.parallelism */
	int64_t completions;	/* Job: successes needed */
	int64_t cpu_m, mem;	/* requests of one replica, for pods created from now */
	struct tb_kubelet_pod *pods;
	size_t n, alloc;
	uint32_t next_id;
	int64_t succeeded;	/* Job: pods that succeeded */
	int64_t done_ms;	/* Job: when the last needed pod succeeded, 0 before */
};

#define TB_KUBELET_WL_INIT { false, 0, 0, 0, 0, NULL, 0, 0, 0, 0, 0 }

/* One cluster: its nodes and timings. The caller owns the nodes array. */
struct tb_kubelet {
	struct tb_kubelet_node *nodes;
	size_t n_nodes;
	int64_t ready_delay_ms;		/* pod scheduled -> ready */
	int64_t job_duration_ms;	/* Job pod scheduled -> succeeded */
};

struct tb_kubelet_counts {
	int64_t pods;		/* pods that exist (scheduled or not) */
	int64_t scheduled;	/* pods with a node */
	int64_t ready;		/* scheduled and past the ready delay */
	int64_t succeeded;	/* Job */
	bool complete;		/* Job: every completion reached */
};

/* Brings wl to its wanted number of pods and advances it to now_ms: surplus
 * pods go (unschedulable first, then not ready, then the newest ready ones,
 * as a ReplicaSet picks them), missing ones are created, unschedulable ones
 * are placed where they fit, a Job's pods succeed job_duration after they were
 * scheduled. *freed (if not NULL) becomes true when node room was given back,
 * so other workloads' unschedulable pods may fit now. Returns the time wl next
 * needs a visit, or TB_KUBELET_NEVER (only freed room can change it then). */
int64_t tb_kubelet_sync(const struct tb_kubelet *k, struct tb_kubelet_wl *wl, int64_t now_ms,
			bool *freed);

/* Removes every pod of wl, giving their room back (the workload is deleted). */
void tb_kubelet_drain(const struct tb_kubelet *k, struct tb_kubelet_wl *wl);
void tb_kubelet_wl_release(struct tb_kubelet_wl *wl);

bool tb_kubelet_pod_ready(const struct tb_kubelet *k, const struct tb_kubelet_pod *p,
			  int64_t now_ms);
void tb_kubelet_count(const struct tb_kubelet *k, const struct tb_kubelet_wl *wl,
		      int64_t now_ms, struct tb_kubelet_counts *ret);
/* True when some pod of wl waits for room. */
bool tb_kubelet_has_pending(const struct tb_kubelet_wl *wl);

#endif
