/* tug-membersim's HTTP server (serve.h): routing by cluster prefix, faults,
 * bearer tokens, the member API on top of state.h, the admin API, and the
 * kubelet timer. Replies are worded as kube-apiserver words them. Requests a
 * fault holds or delays are tracked so that a client going away, or the
 * server shutting down, frees them. */
#include "membersim/serve.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include "api/codec.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/rand.h"
#include "membersim/serve_int.h"
#include "membersim/state_int.h"
#include "server/apidoc.h"

/* kube-apiserver's limit on a request body. */
#define MAX_BODY (3 * 1024 * 1024)
#define JSON_CT "application/json"

/* A request a fault keeps from being answered now. */
struct held {
	struct tb_msim_server *s;
	struct evhttp_request *r;
	struct evhttp_connection *conn;
	struct tb_msim_cluster *c;
	struct event *timer;		/* slow: when to answer; NULL: hang */
	tb__msim_resume_fn resume;	/* answers it when the delay is over */
	struct held *prev, *next;
};

struct req {
	struct tb_msim_server *s;
	struct evhttp_request *r;
	enum evhttp_cmd_type method;
	const char *path;		/* inside the cluster: "/api/v1/..." */
	struct evkeyvalq query;
	struct tb_msim_cluster *c;
	int64_t now_ms;
};

static void rearm(struct tb_msim_server *s, int64_t now_ms);

/* ---- replies ------------------------------------------------------------------ */

static void reply_text(struct req *q, int code, const char *ct, const char *text, size_t len)
{
	struct evbuffer *b = evbuffer_new();
	struct evkeyvalq *h = evhttp_request_get_output_headers(q->r);

	evbuffer_add(b, text, len);
	evhttp_add_header(h, "Content-Type", ct);
	evhttp_add_header(h, "Cache-Control", "no-cache, private");
	evhttp_send_reply(q->r, code, NULL, b);
	evbuffer_free(b);
	tb_debug("tug-membersim: %s %s -> %d", q->c ? q->c->name : "-",
		 evhttp_request_get_uri(q->r), code);
}

static void reply_json_ct(struct req *q, int code, const char *ct, const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);

	reply_text(q, code, ct, s, strlen(s));
	free(s);
}

static void reply_json(struct req *q, int code, const json_t *j)
{
	reply_json_ct(q, code, JSON_CT, j);
}

/* A meta/v1 Status failure. ref (or NULL) names the object in details. */
static void reply_status(struct req *q, int code, const char *reason, const char *msg,
			 const struct tb_msim_ref *ref)
{
	json_t *st = json_pack("{s:s, s:s, s:{}, s:s, s:s, s:s}", "kind", "Status",
			       "apiVersion", "v1", "metadata", "status", "Failure",
			       "message", msg, "reason", reason);

	if (ref && ref->name && ref->name[0])
		json_object_set_new(st, "details", json_pack(
			"{s:s, s:s, s:s}", "name", ref->name, "group",
			tb_msim_resources[ref->res].group, "kind",
			tb_msim_resources[ref->res].plural));
	json_object_set_new(st, "code", json_integer(code));
	reply_json(q, code, st);
	json_decref(st);
}

static void reply_err(struct req *q, int rc, const struct tb_err *err,
		      const struct tb_msim_ref *ref)
{
	const char *reason;
	int code = tb_msim_err_http(rc, &reason);

	reply_status(q, code, reason, err->msg[0] ? err->msg : "error", ref);
}

static void reply_not_found(struct req *q)
{
	reply_status(q, 404, "NotFound", "the server could not find the requested resource",
		     NULL);
}

static void reply_doc(struct req *q, json_t *doc, const char *ct)
{
	if (!doc) {
		reply_not_found(q);
		return;
	}
	reply_json_ct(q, 200, ct, doc);
	json_decref(doc);
}

static const char *header(struct req *q, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(q->r), name);
}

/* The body as one JSON or YAML document, or NULL after replying 400/415. */
static json_t *read_body(struct req *q)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(q->r);
	const char *ct = header(q, "Content-Type");
	struct tb_docs docs = TB_DOCS_INIT;
	struct tb_err err = TB_ERR_INIT;
	size_t len = evbuffer_get_length(in);
	json_t *j = NULL;
	char *body, msg[700];

	if (ct && strstr(ct, "protobuf")) {
		reply_status(q, 415, "UnsupportedMediaType", "the body of the request was in an "
			     "unknown format - accepted media types include: application/json, "
			     "application/yaml", NULL);
		return NULL;
	}
	if (!len) {
		reply_status(q, 400, "BadRequest", "Object 'Kind' is missing in ''", NULL);
		return NULL;
	}
	body = tb_malloc(len + 1);
	evbuffer_copyout(in, body, len);
	body[len] = '\0';
	if (tb_codec_decode(body, len, &docs, &err)) {
		snprintf(msg, sizeof(msg), "the request body is not valid JSON or YAML: %s",
			 err.msg);
		reply_status(q, 400, "BadRequest", msg, NULL);
	} else if (docs.n != 1 || !json_is_object(docs.v[0].json)) {
		reply_status(q, 400, "BadRequest", "the request body must be one object", NULL);
	} else {
		j = json_incref(docs.v[0].json);
	}
	tb_docs_release(&docs);
	tb_free(body);
	return j;
}

/* ---- routing inside a cluster ---------------------------------------------------- */

#define MAX_SEGS 9

struct route {
	struct tb_msim_ref ref;
	char *copy;			/* owns the strings ref points into */
};

/* /api/v1[/namespaces/NS]/RES[/NAME[/SUB]] or /apis/G/V/...: 0, or
 * -TB_ENOENT when the path is no resource of this member. */
static int route_parse(const char *path, struct route *rt)
{
	char *segs[MAX_SEGS], *p, *tok, *save = NULL;
	const char *group, *version;
	size_t n = 0, i;

	memset(rt, 0, sizeof(*rt));
	rt->copy = tb_strdup(path);
	for (p = rt->copy; (tok = strtok_r(p, "/", &save)); p = NULL) {
		if (n == MAX_SEGS)
			return -TB_ENOENT;
		segs[n++] = tok;
	}
	if (n >= 3 && !strcmp(segs[0], "api")) {
		group = "";
		version = segs[1];
		i = 2;
	} else if (n >= 4 && !strcmp(segs[0], "apis")) {
		group = segs[1];
		version = segs[2];
		i = 3;
	} else {
		return -TB_ENOENT;
	}
	rt->ref.ns = "";
	rt->ref.sub = "";
	/* namespaces/NS/RES...: a namespace prefix, unless it is the namespace itself. */
	if (n - i >= 3 && !strcmp(segs[i], "namespaces") &&
	    tb_msim_res_find(group, version, segs[i + 2]) != TB_MSIM_RES_INVALID) {
		rt->ref.ns = segs[i + 1];
		i += 2;
	}
	rt->ref.res = tb_msim_res_find(group, version, segs[i]);
	if (rt->ref.res == TB_MSIM_RES_INVALID)
		return -TB_ENOENT;
	if (rt->ref.ns[0] && !tb_msim_resources[rt->ref.res].namespaced)
		return -TB_ENOENT;
	rt->ref.name = i + 1 < n ? segs[i + 1] : "";
	rt->ref.sub = i + 2 < n ? segs[i + 2] : "";
	if (i + 3 < n)
		return -TB_ENOENT;
	return 0;
}

static void route_release(struct route *rt)
{
	tb_free(rt->copy);
	rt->copy = NULL;
}

/* ---- resources -------------------------------------------------------------------- */

static int patch_type(const char *ct, enum tb_msim_patch *ret)
{
	static const struct { const char *ct; enum tb_msim_patch t; } types[] = {
		{ "application/merge-patch+json", TB_MSIM_PATCH_MERGE },
		{ "application/json-patch+json", TB_MSIM_PATCH_JSON },
		{ "application/strategic-merge-patch+json", TB_MSIM_PATCH_STRATEGIC },
		{ "application/apply-patch+yaml", TB_MSIM_PATCH_APPLY },
		{ "application/apply-patch+json", TB_MSIM_PATCH_APPLY },
	};
	size_t i;

	for (i = 0; ct && i < sizeof(types) / sizeof(types[0]); i++) {
		if (!strncmp(ct, types[i].ct, strlen(types[i].ct))) {
			*ret = types[i].t;
			return 0;
		}
	}
	return -1;
}

/* A JSON patch is an array, which read_body refuses: read it here. */
static json_t *read_patch(struct req *q, enum tb_msim_patch t)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(q->r);
	size_t len = evbuffer_get_length(in);
	json_error_t jerr;
	char msg[400];
	json_t *j;
	char *body;

	if (t == TB_MSIM_PATCH_APPLY)
		return read_body(q);	/* YAML is allowed there */
	body = tb_malloc(len + 1);
	evbuffer_copyout(in, body, len);
	body[len] = '\0';
	j = json_loadb(body, len, JSON_DECODE_ANY, &jerr);
	tb_free(body);
	if (!j || (t == TB_MSIM_PATCH_JSON ? !json_is_array(j) : !json_is_object(j))) {
		snprintf(msg, sizeof(msg), "the body of the request is not a valid %s patch%s%s",
			 t == TB_MSIM_PATCH_JSON ? "JSON" : "merge", j ? "" : ": ",
			 j ? "" : jerr.text);
		reply_status(q, 400, "BadRequest", msg, NULL);
		json_decref(j);
		return NULL;
	}
	return j;
}

/* PUT or PATCH of deployments/NAME/scale: the new spec.replicas goes to the
 * Deployment (with the Scale's resourceVersion as a precondition). */
static void handle_scale(struct req *q, const struct tb_msim_ref *ref)
{
	struct tb_msim_ref dref = *ref;
	struct tb_err err = TB_ERR_INIT;
	json_t *cur = NULL, *scale = NULL, *body = NULL, *next = NULL, *patch = NULL;
	json_t *out = NULL, *replicas, *rv;
	enum tb_msim_patch t;
	bool created;
	int rc;

	dref.sub = "";
	if ((rc = tb_msim_get(q->s->sim, q->c, &dref, q->now_ms, &cur, &err)))
		goto fail;
	scale = tb_msim_scale_of(cur);
	if (q->method == EVHTTP_REQ_GET) {
		reply_json(q, 200, scale);
		goto out;
	}
	if (q->method == EVHTTP_REQ_PUT) {
		if (!(body = read_body(q)))
			goto out;
		next = json_incref(body);
	} else if (q->method == EVHTTP_REQ_PATCH) {
		if (patch_type(header(q, "Content-Type"), &t)) {
			reply_status(q, 415, "UnsupportedMediaType", "the body of the request was "
				     "in an unknown format", NULL);
			goto out;
		}
		if (!(body = read_patch(q, t)))
			goto out;
		/* The Scale is small and has no merge keys: merge semantics fit. */
		if (t == TB_MSIM_PATCH_JSON) {
			reply_status(q, 415, "UnsupportedMediaType", "JSON patch is not "
				     "supported on the scale subresource", NULL);
			goto out;
		}
		next = json_deep_copy(scale);
		json_object_update_recursive(next, body);
	} else {
		reply_status(q, 405, "MethodNotAllowed", "the server does not allow this method "
			     "on the requested resource", ref);
		goto out;
	}
	replicas = json_object_get(json_object_get(next, "spec"), "replicas");
	if (!json_is_integer(replicas)) {
		reply_status(q, 422, "Invalid", "Scale.autoscaling \"\" is invalid: spec.replicas: "
			     "Required value", ref);
		goto out;
	}
	patch = json_pack("{s:{s:O}}", "spec", "replicas", replicas);
	rv = json_object_get(json_object_get(next, "metadata"), "resourceVersion");
	if (json_is_string(rv) && q->method == EVHTTP_REQ_PUT)
		json_object_set_new(patch, "metadata", json_pack("{s:O}", "resourceVersion", rv));
	if ((rc = tb_msim_patch(q->s->sim, q->c, &dref, TB_MSIM_PATCH_MERGE, patch, q->now_ms,
				&out, &created, &err)))
		goto fail;
	json_decref(scale);
	scale = tb_msim_scale_of(out);
	reply_json(q, 200, scale);
	goto out;
fail:
	reply_err(q, rc, &err, ref);
out:
	json_decref(cur);
	json_decref(scale);
	json_decref(body);
	json_decref(next);
	json_decref(patch);
	json_decref(out);
}

/* DeleteOptions' preconditions, if the body has any. */
static void delete_preconditions(struct req *q, json_t **ret_opts, const char **uid,
				 const char **rv)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(q->r);
	size_t len = evbuffer_get_length(in);
	const json_t *pre;
	json_t *j = NULL;
	char *body;

	*uid = *rv = NULL;
	if (len) {
		body = tb_malloc(len + 1);
		evbuffer_copyout(in, body, len);
		j = json_loadb(body, len, 0, NULL);
		tb_free(body);
	}
	pre = json_object_get(j, "preconditions");
	*uid = json_string_value(json_object_get(pre, "uid"));
	*rv = json_string_value(json_object_get(pre, "resourceVersion"));
	*ret_opts = j;
}

static void handle_resource(struct req *q, const struct tb_msim_ref *ref)
{
	const struct tb_msim_resinfo *ri = &tb_msim_resources[ref->res];
	struct tb_msim *sim = q->s->sim;
	struct tb_err err = TB_ERR_INIT;
	json_t *body = NULL, *out = NULL, *opts = NULL;
	const char *pre_uid, *pre_rv, *w;
	enum tb_msim_patch t;
	bool created = false, collection = !ref->name[0];
	int rc = 0, code = 200;

	if (!strcmp(ref->sub, "scale")) {
		if (!ri->scale)
			reply_not_found(q);
		else
			handle_scale(q, ref);
		return;
	}
	if (ri->store != TB_MSIM_STORED && q->method != EVHTTP_REQ_GET) {
		reply_status(q, 405, "MethodNotAllowed", "the server does not allow this method "
			     "on the requested resource", ref);
		return;
	}
	switch (q->method) {
	case EVHTTP_REQ_GET:
		w = evhttp_find_header(&q->query, "watch");
		if (w && (!strcmp(w, "true") || !strcmp(w, "1"))) {
			reply_status(q, 405, "MethodNotAllowed", "tug-membersim does not serve "
				     "watches; list again instead", ref);
			return;
		}
		if (collection)
			rc = tb_msim_list(sim, q->c, ref,
					  evhttp_find_header(&q->query, "labelSelector"),
					  evhttp_find_header(&q->query, "fieldSelector"),
					  q->now_ms, &out, &err);
		else
			rc = tb_msim_get(sim, q->c, ref, q->now_ms, &out, &err);
		break;
	case EVHTTP_REQ_POST:
		if (!collection) {
			reply_status(q, 405, "MethodNotAllowed", "the server does not allow this "
				     "method on the requested resource", ref);
			return;
		}
		if (!(body = read_body(q)))
			return;
		rc = tb_msim_create(sim, q->c, ref, body, q->now_ms, &out, &err);
		code = 201;
		break;
	case EVHTTP_REQ_PUT:
		if (collection)
			goto not_allowed;
		if (!(body = read_body(q)))
			return;
		rc = tb_msim_update(sim, q->c, ref, body, q->now_ms, &out, &err);
		break;
	case EVHTTP_REQ_PATCH:
		if (collection)
			goto not_allowed;
		if (patch_type(header(q, "Content-Type"), &t)) {
			reply_status(q, 415, "UnsupportedMediaType", "the body of the request was in "
				     "an unknown format - accepted media types include: "
				     "application/json-patch+json, application/merge-patch+json, "
				     "application/apply-patch+yaml, "
				     "application/strategic-merge-patch+json", ref);
			return;
		}
		if (!(body = read_patch(q, t)))
			return;
		rc = tb_msim_patch(sim, q->c, ref, t, body, q->now_ms, &out, &created, &err);
		if (created)
			code = 201;
		break;
	case EVHTTP_REQ_DELETE:
		if (collection)
			goto not_allowed;
		delete_preconditions(q, &opts, &pre_uid, &pre_rv);
		rc = tb_msim_delete(sim, q->c, ref, pre_uid, pre_rv, q->now_ms, &out, &err);
		break;
	default:
		goto not_allowed;
	}
	if (rc)
		reply_err(q, rc, &err, ref);
	else
		reply_json(q, code, out);
	json_decref(body);
	json_decref(out);
	json_decref(opts);
	return;
not_allowed:
	reply_status(q, 405, "MethodNotAllowed", "the server does not allow this method on the "
		     "requested resource", ref);
}

/* ---- non-resource paths ------------------------------------------------------------ */

static bool is_health(const char *p)
{
	return !strcmp(p, "/healthz") || !strcmp(p, "/readyz") || !strcmp(p, "/livez") ||
	       !strncmp(p, "/healthz/", 9) || !strncmp(p, "/readyz/", 8) ||
	       !strncmp(p, "/livez/", 7);
}

static bool handle_meta(struct req *q)
{
	const char *p = q->path, *accept = header(q, "Accept");
	char group[64], version[32];
	int len = 0;

	if (is_health(p)) {
		reply_text(q, 200, "text/plain; charset=utf-8", "ok", 2);
		return true;
	}
	if (!strcmp(p, "/version")) {
		reply_doc(q, tb_msim_discovery_version(q->s->opts.kube_version), JSON_CT);
		return true;
	}
	if (!strcmp(p, "/api") || !strcmp(p, "/apis")) {
		bool core = p[4] == '\0';

		if (accept && strstr(accept, "as=APIGroupDiscoveryList"))
			reply_doc(q, tb_msim_discovery_aggregated(core),
				  TB_APIDOC_AGGREGATED_CT);
		else
			reply_doc(q, core ? tb_msim_discovery_versions() :
				  tb_msim_discovery_groups(), JSON_CT);
		return true;
	}
	if (!strcmp(p, "/api/v1")) {
		reply_doc(q, tb_msim_discovery_resources("", "v1"), JSON_CT);
		return true;
	}
	if (sscanf(p, "/apis/%63[^/]/%31[^/]%n", group, version, &len) == 2 && !p[len]) {
		reply_doc(q, tb_msim_discovery_resources(group, version), JSON_CT);
		return true;
	}
	if (sscanf(p, "/apis/%63[^/]%n", group, &len) == 1 && !p[len]) {
		reply_doc(q, tb_msim_discovery_group(group), JSON_CT);
		return true;
	}
	if (!strcmp(p, "/openapi/v3")) {
		reply_doc(q, tb_msim_openapi_root(), JSON_CT);
		return true;
	}
	if (!strcmp(p, "/openapi/v3/api/v1")) {
		reply_doc(q, tb_apidoc_openapi_gv("", "v1", NULL), JSON_CT);
		return true;
	}
	if (sscanf(p, "/openapi/v3/apis/%63[^/]/%31[^/]%n", group, version, &len) == 2 &&
	    !p[len] && tb_msim_discovery_serves(group, version)) {
		reply_doc(q, tb_apidoc_openapi_gv(group, version, NULL), JSON_CT);
		return true;
	}
	return false;
}

static bool authorized(struct req *q)
{
	const char *want = q->s->opts.token, *got = header(q, "Authorization");

	if (!want || !want[0])
		return true;
	return got && !strncmp(got, "Bearer ", 7) && !strcmp(got + 7, want);
}

/* A request for cluster q->c that no fault stops. */
static void serve_member(struct req *q)
{
	struct route rt;

	if (!authorized(q)) {
		reply_status(q, 401, "Unauthorized", "Unauthorized", NULL);
		return;
	}
	if (q->method == EVHTTP_REQ_GET && handle_meta(q))
		return;
	if (route_parse(q->path, &rt))
		reply_not_found(q);
	else
		handle_resource(q, &rt.ref);
	route_release(&rt);
	rearm(q->s, q->now_ms);
}

/* ---- admin API ----------------------------------------------------------------------- */

static json_t *cluster_json(const struct tb_msim_server *s, const struct tb_msim_cluster *c)
{
	json_t *j = json_pack("{s:s, s:o}", "name", c->name, "fault",
			      tb_fault_to_json(&c->fault));
	char url[128];

	if (c->index < s->n_svc) {
		snprintf(url, sizeof(url), "http://%s:%d", s->opts.address,
			 s->svc[c->index].port);
		json_object_set_new(j, "serviceURL", json_string(url));
	}
	return j;
}

/* GET /admin/clusters; GET|POST|PUT /admin/clusters/<name|*>/fault. */
static void serve_admin(struct req *q)
{
	struct tb_msim *sim = q->s->sim;
	struct tb_err err = TB_ERR_INIT;
	struct tb_msim_cluster *c = NULL;
	struct tb_fault f;
	char name[256];
	json_t *body, *arr;
	size_t i;
	int len = 0;

	if (!strcmp(q->path, "/admin/clusters") && q->method == EVHTTP_REQ_GET) {
		arr = json_array();
		for (i = 0; i < sim->n; i++)
			json_array_append_new(arr, cluster_json(q->s, sim->clusters[i]));
		reply_doc(q, json_pack("{s:o}", "clusters", arr), JSON_CT);
		return;
	}
	if (sscanf(q->path, "/admin/clusters/%255[^/]/fault%n", name, &len) != 1 ||
	    q->path[len]) {
		reply_not_found(q);
		return;
	}
	if (strcmp(name, "*") && !(c = tb_msim_cluster(sim, name))) {
		reply_status(q, 404, "NotFound", "no such cluster", NULL);
		return;
	}
	if (q->method == EVHTTP_REQ_GET) {
		reply_doc(q, c ? tb_fault_to_json(&c->fault) : json_pack("{s:s}", "mode", "mixed"),
			  JSON_CT);
		return;
	}
	if (q->method != EVHTTP_REQ_POST && q->method != EVHTTP_REQ_PUT) {
		reply_status(q, 405, "MethodNotAllowed", "GET, POST or PUT", NULL);
		return;
	}
	if (!(body = read_body(q)))
		return;
	if (tb_fault_from_json(body, q->now_ms, &f, &err)) {
		reply_status(q, 400, "BadRequest", err.msg, NULL);
		json_decref(body);
		return;
	}
	json_decref(body);
	if (c) {
		c->fault = f;
	} else {
		for (i = 0; i < sim->n; i++)
			sim->clusters[i]->fault = f;
	}
	tb_info("tug-membersim: cluster %s: fault %s", name, tb_fault_mode_name(f.mode));
	reply_doc(q, tb_fault_to_json(&f), JSON_CT);
}

/* ---- faults: held and dropped requests -------------------------------------------- */

static void held_unlink(struct held *h)
{
	if (h->prev)
		h->prev->next = h->next;
	else
		h->s->held = h->next;
	if (h->next)
		h->next->prev = h->prev;
	if (h->timer)
		event_free(h->timer);
	tb_free(h);
}

/* The connection of a held request is going away. When the client hung up,
 * libevent has detached the request and left it to us; when the server is
 * being freed, the request is still attached and goes with the connection. */
static void on_held_close(struct evhttp_connection *conn, void *data)
{
	struct held *h = data;

	(void)conn;
	if (!evhttp_request_get_connection(h->r))
		evhttp_request_free(h->r);
	held_unlink(h);
}

/* A slow cluster's delay is over: answer as if the request came now. */
static void on_delay(evutil_socket_t fd, short what, void *data)
{
	struct held *h = data;
	struct tb_msim_server *s = h->s;
	struct evhttp_request *r = h->r;
	struct tb_msim_cluster *c = h->c;
	tb__msim_resume_fn resume = h->resume;

	(void)fd;
	(void)what;
	evhttp_connection_set_closecb(h->conn, NULL, NULL);
	held_unlink(h);
	resume(s, r, c);
}

void tb__msim_hold(struct tb_msim_server *s, struct evhttp_request *r, struct tb_msim_cluster *c,
		   int64_t delay_ms, tb__msim_resume_fn resume)
{
	struct held *h = tb_calloc(1, sizeof(*h));
	struct bufferevent *bev;
	bufferevent_data_cb rcb, wcb;
	bufferevent_event_cb ecb;
	void *arg;

	h->s = s;
	h->r = r;
	h->c = c;
	h->resume = resume;
	h->conn = evhttp_request_get_connection(r);
	h->next = s->held;
	if (s->held)
		s->held->prev = h;
	s->held = h;
	/* libevent stops reading while a request is being answered; read again
	 * (into the buffer, with no read callback) so that a client hanging up
	 * is noticed and its request freed. */
	bev = evhttp_connection_get_bufferevent(h->conn);
	bufferevent_getcb(bev, &rcb, &wcb, &ecb, &arg);
	bufferevent_setcb(bev, NULL, wcb, ecb, arg);
	bufferevent_enable(bev, EV_READ);
	evhttp_connection_set_closecb(h->conn, on_held_close, h);
	if (delay_ms >= 0) {
		struct timeval tv = { delay_ms / 1000, (delay_ms % 1000) * 1000 };

		h->timer = evtimer_new(s->base, on_delay, h);
		evtimer_add(h->timer, &tv);
	}
}

/* down: close at once without an answer, with a reset rather than a FIN,
 * like a cluster whose API server is gone. */
void tb__msim_drop(struct evhttp_request *r)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(r);
	struct bufferevent *bev = evhttp_connection_get_bufferevent(conn);
	struct linger lg = { 1, 0 };
	evutil_socket_t fd = bufferevent_getfd(bev);

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	/* Safe inside the request callback: libevent touches neither the
	 * connection nor the request after calling us (http.c notes that the
	 * request "may have been freed"), and the bufferevent is refcounted. */
	evhttp_connection_free(conn);
}

/* ---- dispatch ---------------------------------------------------------------------- */

static int64_t now_of(struct tb_msim_server *s)
{
	return s->opts.now_ms();
}

uint64_t tb__msim_rand(struct tb_msim_server *s)
{
	/* xorshift64*: jitter needs spread, not secrecy. */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 2685821657736338717ULL;
}

static void dispatch(struct tb_msim_server *s, struct evhttp_request *r,
		     struct tb_msim_cluster *c, bool faults);

static void resume_member(struct tb_msim_server *s, struct evhttp_request *r,
			  struct tb_msim_cluster *c)
{
	dispatch(s, r, c, false);
}

static void dispatch(struct tb_msim_server *s, struct evhttp_request *r,
		     struct tb_msim_cluster *c, bool faults)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(r);
	const char *raw = evhttp_uri_get_path(uri), *query = evhttp_uri_get_query(uri);
	char *path = evhttp_uridecode(raw ? raw : "/", 0, NULL), *sub, *name;
	struct req q;
	int64_t delay = 0;
	size_t n;
	char body[256];

	memset(&q, 0, sizeof(q));
	q.s = s;
	q.r = r;
	q.method = evhttp_request_get_command(r);
	q.now_ms = now_of(s);
	TAILQ_INIT(&q.query);
	/* No trailing slash: /apis/ and /apis mean the same. */
	for (n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
		path[n - 1] = '\0';
	q.path = path;
	if (query && evhttp_parse_query_str(query, &q.query) < 0) {
		reply_status(&q, 400, "BadRequest", "malformed query string", NULL);
		goto out;
	}
	if (!strncmp(path, "/admin/", 7)) {
		serve_admin(&q);
		goto out;
	}
	if (strncmp(path, "/clusters/", 10)) {
		reply_not_found(&q);
		goto out;
	}
	name = path + 10;
	sub = strchr(name, '/');
	if (sub)
		*sub = '\0';
	if (!c)
		c = tb_msim_cluster(s->sim, name);
	if (!c) {
		reply_not_found(&q);
		goto out;
	}
	q.c = c;
	if (sub)
		*sub = '/';
	q.path = sub ? sub : "/";
	if (faults) {
		switch (tb_fault_decide(&c->fault, is_health(q.path), q.now_ms, tb__msim_rand(s),
					&delay)) {
		case TB_FA_DROP:
			tb__msim_drop(r);
			goto out;
		case TB_FA_HOLD:
			tb__msim_hold(s, r, c, -1, resume_member);
			goto out;
		case TB_FA_DELAY:
			tb__msim_hold(s, r, c, delay, resume_member);
			goto out;
		case TB_FA_FAIL_HEALTH:
			n = (size_t)snprintf(body, sizeof(body), "[-]membersim failed: fault "
					     "injected\n%s check failed\n", q.path + 1);
			reply_text(&q, c->fault.status, "text/plain; charset=utf-8", body,
				   n < sizeof(body) ? n : sizeof(body) - 1);
			goto out;
		case TB_FA_ANSWER:
			break;
		}
	}
	serve_member(&q);
out:
	evhttp_clear_headers(&q.query);
	free(path);
}

static void on_request(struct evhttp_request *r, void *data)
{
	dispatch(data, r, NULL, true);
}

/* ---- the kubelet timer -------------------------------------------------------------- */

static void on_tick(evutil_socket_t fd, short what, void *data)
{
	struct tb_msim_server *s = data;
	int64_t now = now_of(s);

	(void)fd;
	(void)what;
	tb_msim_run(s->sim, now);
	rearm(s, now);
}

static void rearm(struct tb_msim_server *s, int64_t now_ms)
{
	int64_t next = tb_msim_next_wake(s->sim), d;
	struct timeval tv;

	evtimer_del(s->tick);
	if (next == TB_KUBELET_NEVER)
		return;
	d = next > now_ms ? next - now_ms : 0;
	tv.tv_sec = d / 1000;
	tv.tv_usec = (d % 1000) * 1000;
	evtimer_add(s->tick, &tv);
}

/* ---- lifecycle ----------------------------------------------------------------------- */

int tb_msim_server_new(struct tb_msim_server **ret, struct event_base *base,
		       struct tb_msim *sim, const struct tb_msim_server_opts *o,
		       struct tb_err *err)
{
	struct tb_msim_server *s = tb_calloc(1, sizeof(*s));
	int one = 1;

	s->base = base;
	s->sim = sim;
	s->opts = *o;
	tb_rand_bytes(&s->rng, sizeof(s->rng));
	s->rng |= 1;
	s->http = evhttp_new(base);
	if (!s->http) {
		tb_free(s);
		return tb_error(err, TB_EIO, "cannot create the HTTP server");
	}
	evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
				   EVHTTP_REQ_PATCH | EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD);
	evhttp_set_max_body_size(s->http, MAX_BODY);
	evhttp_set_gencb(s->http, on_request, s);
	s->sock = evhttp_bind_socket_with_handle(s->http, o->address, (ev_uint16_t)o->port);
	if (!s->sock) {
		evhttp_free(s->http);
		tb_free(s);
		return tb_error(err, TB_EIO, "cannot listen on %s:%d: %m", o->address, o->port);
	}
	/* Replies go out at once, not after a delayed ACK (see src/server/server.c). */
	setsockopt(evhttp_bound_socket_get_fd(s->sock), IPPROTO_TCP, TCP_NODELAY, &one,
		   sizeof(one));
	if (o->service_ports) {
		int rc = tb__msim_svcports_open(s, err);

		if (rc) {
			tb_msim_server_free(s);
			return rc;
		}
	}
	s->tick = evtimer_new(base, on_tick, s);
	rearm(s, now_of(s));
	*ret = s;
	return 0;
}

int tb_msim_server_port(const struct tb_msim_server *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(evhttp_bound_socket_get_fd(s->sock), (struct sockaddr *)&ss, &len))
		return -1;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

void tb_msim_server_free(struct tb_msim_server *s)
{
	if (!s)
		return;
	/* Freeing the server closes every connection; each held request's
	 * close callback unlinks it. */
	tb__msim_svcports_close(s);
	evhttp_free(s->http);
	while (s->held)
		held_unlink(s->held);
	if (s->tick)
		event_free(s->tick);
	tb_free(s);
}
