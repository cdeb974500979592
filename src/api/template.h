/* Resource templates (apps/v1 Deployment, batch/v1 Job, v1 Service, ConfigMap,
 * Secret, Namespace) stay JSON, as a Karmada template is an unstructured object.
 * This module reads what the control plane needs from them, the way Karmada's
 * default resource interpreter does: replicas, per-replica requests, health. */
#ifndef TB_TEMPLATE_H
#define TB_TEMPLATE_H

#include <jansson.h>
#include <stdbool.h>

#include "api/schema.h"

enum tb_wl_health {
	TB_HEALTH_UNKNOWN = 0,
	TB_HEALTH_HEALTHY,
	TB_HEALTH_UNHEALTHY,
};

const char *tb_health_name(enum tb_wl_health h);

/* What kube-apiserver does to a template before storing it: a Secret's
 * stringData is folded into data, base64-encoded (stringData wins on a
 * shared key), and dropped. */
void tb_template_default(json_t *obj);

/* True for kinds with replicas (Deployment, Job). */
bool tb_template_is_workload(const json_t *obj);

/* Deployment spec.replicas (Kubernetes defaults it to 1); Job spec.parallelism
 * (default 1). Returns 0 for other kinds. */
int64_t tb_template_replicas(const json_t *obj);

/* Resources one replica requests, as Karmada's GenerateReplicaRequirements:
 * per resource, max(sum over containers, max over init containers) plus pod
 * overhead; a container's limit stands in for a missing request. Fills out
 * (which the caller releases). Quantities that do not parse are skipped:
 * validation reports them. */
void tb_template_requests(const json_t *obj, struct tb_reslist *out);

/* Karmada's default InterpretHealth for the kind, from the object's status. */
enum tb_wl_health tb_template_health(const json_t *obj);

/* Ready replicas as reported in status (readyReplicas, or Job's ready/active). */
int64_t tb_template_ready_replicas(const json_t *obj);

/* Checks what Tugboat reads, with field paths: metadata (strictly), replicas,
 * container resource quantities. */
void tb_template_validate(const json_t *obj, bool namespaced, struct tb_errs *e);

#endif
