/* The status a Deployment or Job shows, as the Deployment and Job controllers
 * of kube-controller-manager write it, computed from the simulated kubelets'
 * counts (kubelet.h). Pure: the caller passes the time, and the previous
 * status so that conditions keep their transition times. */
#ifndef TB_MSIM_STATUS_H
#define TB_MSIM_STATUS_H

#include <jansson.h>
#include <stdint.h>

#include "membersim/kubelet.h"

/* The name of the ReplicaSet (and prefix of the pods) of a Deployment's
 * current template: "<name>-<hash of spec.template>", like pod-template-hash. */
void tb_msim_rs_name(const json_t *deploy, char *buf, size_t n);

/* maxUnavailable of a Deployment with `replicas` replicas: 0 for Recreate,
 * else spec.strategy.rollingUpdate.maxUnavailable (a count or a percentage,
 * rounded down; 25% by default), at most replicas. */
int64_t tb_msim_max_unavailable(const json_t *deploy, int64_t replicas);

/* A new Deployment status: observedGeneration, replicas, updatedReplicas,
 * readyReplicas, availableReplicas, unavailableReplicas (zero counts omitted,
 * as the API omits them) and the Available and Progressing conditions. */
json_t *tb_msim_deploy_status(const json_t *deploy, const struct tb_kubelet_counts *c,
			      const json_t *old_status, int64_t now_ms);

/* A new Job status: startTime, active, ready, succeeded, completionTime and
 * the SuccessCriteriaMet and Complete conditions once done_ms has passed. */
json_t *tb_msim_job_status(const json_t *job, const struct tb_kubelet_counts *c,
			   int64_t start_ms, int64_t done_ms, const json_t *old_status,
			   int64_t now_ms);

#endif
