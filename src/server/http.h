/* Internal to src/server: the request context every handler receives, the
 * route a URL resolves to, and reply helpers (JSON bodies, meta/v1 Status
 * errors with kube-apiserver's codes and reasons). */
#ifndef TB_HTTP_H
#define TB_HTTP_H

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdbool.h>

#include "api/object.h"
#include "server/server.h"

struct tb_watch;

struct tb_server {
	struct event_base *base;
	struct evhttp *http;
	struct evhttp_bound_socket *sock;
	struct tb_store *store;
	struct tb_server_opts opts;
	struct tb_watch *watches;	/* open watch streams */
	int sub;			/* store subscription */
};

/* What a resource URL names. */
struct tb_route {
	const struct tb_kind *kind;
	char res[128];			/* store resource key, e.g. "deployments.apps" */
	char ns[254];			/* "" when none in the URL */
	char name[254];			/* "" for collections */
	char sub[32];			/* "status", "scale", or "" */
};

/* Resolves /api/v1/... and /apis/G/V/... resource paths. Returns 0, or
 * -TB_ENOENT when the path names no resource (or a subresource that does
 * not exist), -TB_EINVAL when it is not a resource path at all. */
int tb_route_parse(const char *path, struct tb_route *rt);


struct tb_req {
	struct tb_server *srv;
	struct evhttp_request *r;
	enum evhttp_cmd_type method;
	const char *path;
	struct evkeyvalq query;
	struct tb_route route;
	bool want_table;		/* Accept asks for meta.k8s.io/v1 Table */
	int64_t now_ms;			/* the wall clock when the request arrived */
};

const char *tb_req_query(struct tb_req *q, const char *key);
/* The request body (NUL-terminated copy, caller frees), or NULL if empty. */
char *tb_req_body(struct tb_req *q, size_t *len);

void tb_reply_json(struct tb_req *q, int code, const json_t *j);
void tb_reply_text(struct tb_req *q, int code, const char *content_type, const char *text,
		   size_t len);
/* A meta/v1 Status failure: reason as kube-apiserver (NotFound, AlreadyExists,
 * Conflict, Invalid, BadRequest, MethodNotAllowed, UnsupportedMediaType,
 * Expired, InternalError...). details may carry causes (field errors). */
void tb_reply_status(struct tb_req *q, int code, const char *reason, const char *message,
		     json_t *details);
/* 422 Invalid with one cause per field error, worded as kube-apiserver. */
void tb_reply_invalid(struct tb_req *q, const char *kind_name, const char *name,
		      const struct tb_errs *errs);
void tb_reply_not_found(struct tb_req *q);

/* The resource name kube-apiserver uses in messages: "deployments.apps". */
const char *tb_route_resource_display(const struct tb_route *rt, char *buf, size_t n);

/* Handlers. */
void tb_handle_resource(struct tb_req *q);

/* Watch streams (watch.c). */
void tb_watch_start(struct tb_req *q);
void tb_watch_on_event(void *data, const struct tb_store_event *ev);
/* Frees the watches once their connections are gone (server shutdown). */
void tb_watch_close_all(struct tb_server *s);

#endif
