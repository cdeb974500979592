/* Service traffic of a simulated member cluster: what a request to one of its
 * Services gets, as a client behind a load balancer would see it. A Service
 * answers while some Deployment it selects (its spec.selector against the pod
 * template's labels, in the Service's namespace) has a ready replica, and
 * fails with 503 otherwise, as a Service with no ready endpoints does.
 *
 * Pure: no I/O and no clock. Faults are not decided here: the HTTP layer
 * applies tb_fault_decide() first, as for any request that is not a health
 * check (serve.c, svcport.c). */
#ifndef TB_MSIM_SERVICE_H
#define TB_MSIM_SERVICE_H

#include <stdint.h>

#include "membersim/state.h"

/* A DNS-1123 label has at most 63 characters. */
#define TB_MSIM_SVC_NAME_MAX 64
#define TB_MSIM_SVC_BODY_MAX 256

struct tb_msim_svc_target {
	char ns[TB_MSIM_SVC_NAME_MAX];
	char name[TB_MSIM_SVC_NAME_MAX];
};

/* Which Service a request names. A Host header (port ignored) of the form
 * SERVICE.NAMESPACE, SERVICE.NAMESPACE.svc or SERVICE.NAMESPACE.svc.cluster.local
 * names it, as cluster DNS would; otherwise the path /NAMESPACE/SERVICE[/...]
 * does (an address such as 127.0.0.1 is no Service name). host may be NULL.
 * -TB_EINVAL when neither names one (*ret is then left alone). */
int tb_msim_service_target(const char *path, const char *host,
			   struct tb_msim_svc_target *ret);

struct tb_msim_svc_answer {
	int code;		/* 200; 404 no such Service; 503 no ready replica */
	int64_t ready;		/* ready replicas of the Deployments it selects */
	int64_t selected;	/* how many Deployments it selects */
	char body[TB_MSIM_SVC_BODY_MAX];	/* 200: "CLUSTER SERVICE\n" */
};

/* What cluster c answers, at now_ms, to a request for the Service t. A
 * replica counts as ready from --ready-delay after it got a node, exactly
 * when the Deployment's status says so. A Service without a selector has no
 * endpoints here (the simulator keeps no Endpoints objects): 503. */
void tb_msim_service_answer(const struct tb_msim *m, const struct tb_msim_cluster *c,
			    const struct tb_msim_svc_target *t, int64_t now_ms,
			    struct tb_msim_svc_answer *ret);

#endif
