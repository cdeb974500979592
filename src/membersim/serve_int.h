/* Internal to src/membersim/serve.c and svcport.c: the server's state and the
 * fault machinery (held, delayed and dropped requests) that the member API
 * port and the per-cluster service ports share. */
#ifndef TB_MSIM_SERVE_INT_H
#define TB_MSIM_SERVE_INT_H

#include <event2/http.h>

#include "membersim/serve.h"

struct held;

/* One cluster's service port (svcport.c). */
struct tb__msim_svcport {
	struct tb_msim_server *s;
	struct tb_msim_cluster *c;
	struct evhttp *http;
	int port;
};

struct tb_msim_server {
	struct event_base *base;
	struct evhttp *http;
	struct evhttp_bound_socket *sock;
	struct tb_msim *sim;
	struct tb_msim_server_opts opts;
	struct event *tick;		/* the kubelets' next transition */
	struct held *held;		/* requests a fault holds or delays */
	uint64_t rng;
	struct tb__msim_svcport *svc;	/* one per cluster (index), or NULL */
	size_t n_svc;
};

/* Answers a request a fault delayed, now that the delay is over. */
typedef void (*tb__msim_resume_fn)(struct tb_msim_server *s, struct evhttp_request *r,
				   struct tb_msim_cluster *c);

/* Keeps r unanswered: for delay_ms, after which resume answers it, or (delay_ms
 * < 0) until the client goes away or the server is freed. */
void tb__msim_hold(struct tb_msim_server *s, struct evhttp_request *r, struct tb_msim_cluster *c,
		   int64_t delay_ms, tb__msim_resume_fn resume);
/* Closes r's connection at once with a reset, without an answer. */
void tb__msim_drop(struct evhttp_request *r);
/* A uniform random number (slow's jitter). */
uint64_t tb__msim_rand(struct tb_msim_server *s);

/* Opens a service port for every cluster (s->opts.service_ports); closes them. */
int tb__msim_svcports_open(struct tb_msim_server *s, struct tb_err *err);
void tb__msim_svcports_close(struct tb_msim_server *s);

#endif
