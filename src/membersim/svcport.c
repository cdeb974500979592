/* Service ports of tug-membersim: one listening port per simulated cluster, so
 * that a load balancer sees each cluster as a backend of its own (one port
 * serves every cluster's API; a backend needs an address). A request names
 * the Service by path or Host (service.h); the cluster's fault applies first,
 * as to any request that is not a health check: down closes the connection,
 * hang holds it, slow delays it, flap alternates; error only fails the API's
 * health endpoints, so Services still answer. */
#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "membersim/serve_int.h"
#include "membersim/service.h"

static void answer(struct tb_msim_server *s, struct evhttp_request *r,
		   struct tb_msim_cluster *c, bool faults);

static void resume_service(struct tb_msim_server *s, struct evhttp_request *r,
			   struct tb_msim_cluster *c)
{
	answer(s, r, c, false);
}

static void reply(struct evhttp_request *r, int code, const char *cluster, const char *text)
{
	struct evbuffer *b = evbuffer_new();
	struct evkeyvalq *h = evhttp_request_get_output_headers(r);

	evbuffer_add(b, text, strlen(text));
	evhttp_add_header(h, "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(h, "Cache-Control", "no-cache, private");
	/* Which cluster answered, for clients that do not read the body. */
	evhttp_add_header(h, "X-Tugboat-Cluster", cluster);
	evhttp_send_reply(r, code, NULL, b);
	evbuffer_free(b);
}

static void answer(struct tb_msim_server *s, struct evhttp_request *r,
		   struct tb_msim_cluster *c, bool faults)
{
	const char *raw = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(r));
	const char *host = evhttp_find_header(evhttp_request_get_input_headers(r), "Host");
	int64_t now = s->opts.now_ms(), delay = 0;
	struct tb_msim_svc_target t;
	struct tb_msim_svc_answer a;
	char *path;

	if (faults) {
		switch (tb_fault_decide(&c->fault, false, now, tb__msim_rand(s), &delay)) {
		case TB_FA_DROP:
			tb__msim_drop(r);
			return;
		case TB_FA_HOLD:
			tb__msim_hold(s, r, c, -1, resume_service);
			return;
		case TB_FA_DELAY:
			tb__msim_hold(s, r, c, delay, resume_service);
			return;
		case TB_FA_FAIL_HEALTH:	/* health checks only: not one of these */
		case TB_FA_ANSWER:
			break;
		}
	}
	path = evhttp_uridecode(raw ? raw : "/", 0, NULL);
	if (tb_msim_service_target(path, host, &t)) {
		a.code = 404;
		snprintf(a.body, sizeof(a.body), "%s: want /NAMESPACE/SERVICE or Host: "
			 "SERVICE.NAMESPACE\n", c->name);
	} else {
		tb_msim_service_answer(s->sim, c, &t, now, &a);
	}
	reply(r, a.code, c->name, a.body);
	tb_debug("tug-membersim: %s service %s -> %d", c->name, path, a.code);
	free(path);
}

static void on_request(struct evhttp_request *r, void *data)
{
	struct tb__msim_svcport *p = data;

	answer(p->s, r, p->c, true);
}

static int bound_port(struct evhttp_bound_socket *sock)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(evhttp_bound_socket_get_fd(sock), (struct sockaddr *)&ss, &len))
		return -1;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

int tb__msim_svcports_open(struct tb_msim_server *s, struct tb_err *err)
{
	const struct tb_msim_server_opts *o = &s->opts;
	struct evhttp_bound_socket *sock;
	struct tb__msim_svcport *p;
	size_t i;
	int one = 1, want;

	s->svc = tb_calloc(s->sim->n ? s->sim->n : 1, sizeof(*s->svc));
	for (i = 0; i < s->sim->n; i++) {
		p = &s->svc[i];
		p->s = s;
		p->c = s->sim->clusters[i];
		p->http = evhttp_new(s->base);
		if (!p->http)
			return tb_error(err, TB_EIO, "cannot create the HTTP server of %s's "
					"services", p->c->name);
		s->n_svc = i + 1;
		evhttp_set_allowed_methods(p->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
					   EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
					   EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS);
		evhttp_set_max_body_size(p->http, 1 << 20);
		evhttp_set_gencb(p->http, on_request, p);
		want = o->service_port_base ? o->service_port_base + (int)i : 0;
		if (want > 65535)
			return tb_error(err, TB_EINVAL, "service port %d of %s is over 65535",
					want, p->c->name);
		sock = evhttp_bind_socket_with_handle(p->http, o->address, (ev_uint16_t)want);
		if (!sock)
			return tb_error(err, TB_EIO, "cannot listen on %s:%d for %s's services: %m",
					o->address, want, p->c->name);
		setsockopt(evhttp_bound_socket_get_fd(sock), IPPROTO_TCP, TCP_NODELAY, &one,
			   sizeof(one));
		p->port = bound_port(sock);
	}
	return 0;
}

void tb__msim_svcports_close(struct tb_msim_server *s)
{
	size_t i;

	/* Each held request's close callback unlinks it as its connection goes. */
	for (i = 0; i < s->n_svc; i++)
		if (s->svc[i].http)
			evhttp_free(s->svc[i].http);
	tb_free(s->svc);
	s->svc = NULL;
	s->n_svc = 0;
}

int tb_msim_server_service_port(const struct tb_msim_server *s,
				const struct tb_msim_cluster *c)
{
	return c->index < s->n_svc ? s->svc[c->index].port : 0;
}
