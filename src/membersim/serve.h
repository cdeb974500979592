/* tug-membersim's HTTP side on libevent: every simulated cluster under its own
 * path prefix, /clusters/<name>/..., served the way kube-apiserver serves
 * what Tugboat and kubectl use (health, version, discovery, OpenAPI, the
 * resources of state.h), bearer-token checks, the per-cluster faults of
 * fault.h, the admin API under /admin/, and the timer that drives the
 * simulated kubelets. One thread, the caller's event loop. */
#ifndef TB_MSIM_SERVE_H
#define TB_MSIM_SERVE_H

#include <event2/event.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h"
#include "membersim/state.h"

struct tb_msim_server;

struct tb_msim_server_opts {
	const char *address;		/* "127.0.0.1" */
	int port;			/* 0: pick a free port */
	const char *token;		/* bearer token required, or NULL */
	const char *kube_version;	/* served by /version, e.g. "v1.32.0" */
	int64_t (*now_ms)(void);	/* the wall clock (the shell's) */
	/* One more port per cluster, on address, for its Services' traffic
	 * (service.h): port service_port_base + the cluster's index, or free
	 * ports when the base is 0. */
	bool service_ports;
	int service_port_base;
};

/* Serves sim (which must outlive the server) on base. */
int tb_msim_server_new(struct tb_msim_server **ret, struct event_base *base,
		       struct tb_msim *sim, const struct tb_msim_server_opts *o,
		       struct tb_err *err);
int tb_msim_server_port(const struct tb_msim_server *s);
/* The port serving cluster c's Services, or 0 without service ports. */
int tb_msim_server_service_port(const struct tb_msim_server *s,
				const struct tb_msim_cluster *c);
/* Closes every connection, held requests included. Accepts NULL. */
void tb_msim_server_free(struct tb_msim_server *s);

/* Discovery and the Scale subresource (discovery.c), pure. */
#include <jansson.h>
#include <stdbool.h>

/* Aggregated discovery (apidiscovery.k8s.io/v2) for /api (core) or /apis. */
json_t *tb_msim_discovery_aggregated(bool core);
/* Legacy: /api APIVersions, /apis APIGroupList, /apis/<g> APIGroup,
 * /api/v1 and /apis/<g>/<v> APIResourceList; NULL for an unknown group. */
json_t *tb_msim_discovery_versions(void);
json_t *tb_msim_discovery_groups(void);
json_t *tb_msim_discovery_group(const char *group);
json_t *tb_msim_discovery_resources(const char *group, const char *version);
bool tb_msim_discovery_serves(const char *group, const char *version);
/* /version for a kube version such as "v1.32.0". */
json_t *tb_msim_discovery_version(const char *kube_version);
/* The OpenAPI v3 root listing only the group-versions a member serves. */
json_t *tb_msim_openapi_root(void);
/* autoscaling/v1 Scale of a Deployment. */
json_t *tb_msim_scale_of(const json_t *deploy);

#endif
