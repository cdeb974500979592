/* The HTTP side of tugd's API: evhttp plumbing, dispatch by path, and the
 * reply helpers every handler uses (JSON bodies and meta/v1 Status errors
 * worded as kube-apiserver words them, so kubectl prints the same lines). */
#include "server/http.h"
#include "server/apidoc.h"
#include "server/reqobj.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <sys/queue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "lib/mem.h"

/* kube-apiserver's limit on a request body (3 MiB), plus room for headers. */
#define TB_MAX_BODY (3 * 1024 * 1024)

const char *tb_req_query(struct tb_req *q, const char *key)
{
	return evhttp_find_header(&q->query, key);
}

char *tb_req_body(struct tb_req *q, size_t *len)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(q->r);
	size_t n = evbuffer_get_length(in);
	char *buf;

	*len = n;
	if (!n)
		return NULL;
	buf = tb_malloc(n + 1);
	evbuffer_copyout(in, buf, n);
	buf[n] = '\0';
	return buf;
}

static void reply_buf(struct tb_req *q, int code, const char *content_type,
		      struct evbuffer *body)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(q->r);

	evhttp_add_header(h, "Content-Type", content_type);
	evhttp_add_header(h, "Cache-Control", "no-cache, private");
	evhttp_send_reply(q->r, code, NULL, body);
	tb_debug("%s %s -> %d", evhttp_request_get_command(q->r) == EVHTTP_REQ_GET ? "GET" :
		 "REQ", q->path, code);
}

void tb_reply_text(struct tb_req *q, int code, const char *content_type, const char *text,
		   size_t len)
{
	struct evbuffer *b = evbuffer_new();

	evbuffer_add(b, text, len);
	reply_buf(q, code, content_type, b);
	evbuffer_free(b);
}

void tb_reply_json_ct(struct tb_req *q, int code, const char *ct, const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);

	tb_reply_text(q, code, ct, s, strlen(s));
	free(s);
}

void tb_reply_json(struct tb_req *q, int code, const json_t *j)
{
	tb_reply_json_ct(q, code, "application/json", j);
}

const char *tb_route_resource_display(const struct tb_route *rt, char *buf, size_t n)
{
	if (!rt->kind)
		snprintf(buf, n, "%s", rt->res);
	else
		tb_kind_res(rt->kind, buf, n);
	return buf;
}

void tb_reply_status(struct tb_req *q, int code, const char *reason, const char *message,
		     json_t *details)
{
	json_t *st = json_pack("{s:s, s:s, s:{}, s:s, s:s, s:s}", "kind", "Status",
			       "apiVersion", "v1", "metadata", "status", "Failure",
			       "message", message, "reason", reason);

	if (details)
		json_object_set_new(st, "details", details);
	json_object_set_new(st, "code", json_integer(code));
	tb_reply_json(q, code, st);
	json_decref(st);
}

void tb_reply_not_found(struct tb_req *q)
{
	char res[160], msg[512];

	tb_route_resource_display(&q->route, res, sizeof(res));
	snprintf(msg, sizeof(msg), "%s \"%s\" not found", res, q->route.name);
	tb_reply_status(q, 404, "NotFound", msg, tb_req_details(q, q->route.name));
}

void tb_reply_invalid(struct tb_req *q, const char *kind_name, const char *name,
		      const struct tb_errs *errs)
{
	static const char *const reasons[_TB_FE_MAX] = {
		[TB_FE_REQUIRED] = "FieldValueRequired",
		[TB_FE_INVALID] = "FieldValueInvalid",
		[TB_FE_NOT_SUPPORTED] = "FieldValueNotSupported",
		[TB_FE_DUPLICATE] = "FieldValueDuplicate",
		[TB_FE_FORBIDDEN] = "FieldValueForbidden",
		[TB_FE_TOO_LONG] = "FieldValueTooLong",
		[TB_FE_TOO_MANY] = "FieldValueTooMany",
		[TB_FE_UNKNOWN_FIELD] = "FieldValueInvalid",
	};
	struct tb_strbuf msg = TB_STRBUF_INIT, one = TB_STRBUF_INIT;
	const struct tb_kind *k = q->route.kind;
	json_t *details = tb_req_details(q, name), *causes = json_array();
	size_t i;

	/* kube: `Kind.group "name" is invalid: [a, b]` (brackets only for several). */
	tb_strbuf_addf(&msg, "%s%s%s \"%s\" is invalid: ", kind_name, k->group[0] ? "." : "",
		       k->group, name ? name : "");
	if (errs->n > 1)
		tb_strbuf_addch(&msg, '[');
	for (i = 0; i < errs->n; i++) {
		const struct tb_ferr *fe = &errs->v[i];
		const char *colon;

		tb_strbuf_reset(&one);
		tb_ferr_format(fe, &one);
		if (i)
			tb_strbuf_adds(&msg, ", ");
		tb_strbuf_adds(&msg, one.buf);
		/* A cause's message is the error without its "field: " prefix. */
		colon = fe->field && fe->field[0] ? strstr(one.buf, ": ") : NULL;
		json_array_append_new(causes, json_pack("{s:s, s:s, s:s}", "reason",
							 reasons[fe->type], "message",
							 colon ? colon + 2 : one.buf, "field",
							 fe->field ? fe->field : ""));
	}
	if (errs->n > 1)
		tb_strbuf_addch(&msg, ']');
	json_object_set_new(details, "kind", json_string(kind_name));
	json_object_set_new(details, "causes", causes);
	tb_reply_status(q, 422, "Invalid", msg.buf, details);
	tb_strbuf_release(&msg);
	tb_strbuf_release(&one);
}

/* ---- non-resource paths ------------------------------------------------------ */

static bool wants_aggregated(struct tb_req *q)
{
	const char *accept = evhttp_find_header(evhttp_request_get_input_headers(q->r),
						"Accept");

	return accept && strstr(accept, "as=APIGroupDiscoveryList");
}

static void reply_doc(struct tb_req *q, json_t *doc, const char *ct)
{
	if (!doc) {
		tb_reply_status(q, 404, "NotFound", "the server could not find the requested "
				"resource", NULL);
		return;
	}
	tb_reply_json_ct(q, 200, ct, doc);
	json_decref(doc);
}

/* Discovery, OpenAPI, version and health. Returns false when path is none
 * of them. */
static bool handle_meta(struct tb_req *q)
{
	const char *p = q->path;
	char group[128], version[64];

	if (!strcmp(p, "/healthz") || !strcmp(p, "/readyz") || !strcmp(p, "/livez") ||
	    !strncmp(p, "/healthz/", 9) || !strncmp(p, "/readyz/", 8) ||
	    !strncmp(p, "/livez/", 7)) {
		tb_reply_text(q, 200, "text/plain; charset=utf-8", "ok", 2);
		return true;
	}
	if (!strcmp(p, "/version")) {
		reply_doc(q, tb_apidoc_version(), "application/json");
		return true;
	}
	if (!strcmp(p, "/api") || !strcmp(p, "/apis")) {
		bool core = p[4] == '\0';

		if (wants_aggregated(q))
			reply_doc(q, tb_apidoc_aggregated(core), TB_APIDOC_AGGREGATED_CT);
		else
			reply_doc(q, core ? tb_apidoc_api_versions() : tb_apidoc_group_list(),
				  "application/json");
		return true;
	}
	if (!strcmp(p, "/api/v1")) {
		reply_doc(q, tb_apidoc_resource_list("", "v1"), "application/json");
		return true;
	}
	if (sscanf(p, "/apis/%127[^/]/%63[^/]", group, version) == 2 &&
	    strlen(p) == 7 + strlen(group) + strlen(version)) {
		reply_doc(q, tb_apidoc_resource_list(group, version), "application/json");
		return true;
	}
	if (sscanf(p, "/apis/%127[^/]", group) == 1 && strlen(p) == 6 + strlen(group)) {
		reply_doc(q, tb_apidoc_group(group), "application/json");
		return true;
	}
	if (!strcmp(p, "/openapi/v3")) {
		reply_doc(q, tb_apidoc_openapi_root(), "application/json");
		return true;
	}
	if (!strcmp(p, "/openapi/v3/api/v1")) {
		reply_doc(q, tb_apidoc_openapi_gv("", "v1", NULL), "application/json");
		return true;
	}
	if (sscanf(p, "/openapi/v3/apis/%127[^/]/%63[^/]", group, version) == 2) {
		reply_doc(q, tb_apidoc_openapi_gv(group, version, NULL), "application/json");
		return true;
	}
	return false;
}

/* ---- dispatch ------------------------------------------------------------------ */

static void on_request(struct evhttp_request *r, void *data)
{
	struct tb_server *s = data;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(r);
	const char *raw = evhttp_uri_get_path(uri), *query = evhttp_uri_get_query(uri);
	const char *accept;
	struct tb_req q;
	char *path;

	memset(&q, 0, sizeof(q));
	q.srv = s;
	q.r = r;
	q.method = evhttp_request_get_command(r);
	q.now_ms = s->opts.now_ms();
	TAILQ_INIT(&q.query);
	path = evhttp_uridecode(raw ? raw : "/", 0, NULL);
	/* No trailing slash: /apis/ and /apis mean the same. */
	for (size_t n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
		path[n - 1] = '\0';
	q.path = path;
	if (query && evhttp_parse_query_str(query, &q.query) < 0) {
		tb_reply_status(&q, 400, "BadRequest", "malformed query string", NULL);
		goto out;
	}
	accept = evhttp_find_header(evhttp_request_get_input_headers(r), "Accept");
	q.want_table = accept && strstr(accept, "as=Table");
	if (q.method == EVHTTP_REQ_GET && handle_meta(&q))
		goto out;
	switch (tb_route_parse(path, &q.route)) {
	case 0:
		tb_handle_resource(&q);
		break;
	case -TB_ENOENT:
		tb_reply_status(&q, 404, "NotFound", "the server could not find the requested "
				"resource", NULL);
		break;
	default:
		tb_reply_status(&q, 404, "NotFound", "the server could not find the requested "
				"resource", NULL);
		break;
	}
out:
	evhttp_clear_headers(&q.query);
	free(path);
}

int tb_server_new(struct tb_server **ret, struct event_base *base, struct tb_store *store,
		  const struct tb_server_opts *o, struct tb_err *err)
{
	struct tb_server *s = tb_calloc(1, sizeof(*s));
	int one = 1;

	s->base = base;
	s->store = store;
	s->opts = *o;
	s->http = evhttp_new(base);
	if (!s->http) {
		tb_free(s);
		return tb_error(err, TB_EIO, "cannot create the HTTP server");
	}
	evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
				   EVHTTP_REQ_PATCH | EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD);
	evhttp_set_max_body_size(s->http, TB_MAX_BODY);
	evhttp_set_gencb(s->http, on_request, s);
	s->sock = evhttp_bind_socket_with_handle(s->http, o->address, (ev_uint16_t)o->port);
	if (!s->sock) {
		evhttp_free(s->http);
		tb_free(s);
		return tb_error(err, TB_EIO, "cannot listen on %s:%d: %m", o->address, o->port);
	}
	/* Replies go out at once: without this, Nagle's algorithm and the
	 * client's delayed ACK hold a multi-packet reply on a kept-alive
	 * connection for 40 ms. Accepted sockets inherit it on Linux. */
	setsockopt(evhttp_bound_socket_get_fd(s->sock), IPPROTO_TCP, TCP_NODELAY, &one,
		   sizeof(one));
	s->sub = tb_store_subscribe(store, tb_watch_on_event, s);
	*ret = s;
	return 0;
}

int tb_server_port(const struct tb_server *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	evutil_socket_t fd = evhttp_bound_socket_get_fd(s->sock);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -1;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

void tb_server_free(struct tb_server *s)
{
	if (!s)
		return;
	tb_store_unsubscribe(s->store, s->sub);
	/* Freeing the server closes every connection, and each watch's close
	 * callback frees it; what is left had no live connection. */
	evhttp_free(s->http);
	tb_watch_close_all(s);
	tb_free(s);
}
