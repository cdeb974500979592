/* Object requests: get, list, create, update, patch, delete and the status
 * subresource, with kube-apiserver's semantics where a kubectl user sees them:
 * server-set metadata (uid, creationTimestamp, generation), resourceVersion
 * preconditions (409 Conflict), status written only through /status, no-op
 * updates that change nothing, finalizers that turn a delete into a
 * deletionTimestamp, and meta/v1 Status errors. Every write goes through the
 * same admission as `tugctl validate` (decode strictly, default, validate). */
#include "server/http.h"
#include "server/apidoc.h"
#include "server/patch.h"
#include "server/reqobj.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/codec.h"
#include "api/event.h"
#include "api/selector.h"
#include "lib/log.h"
#include "lib/mem.h"

#define TABLE_CT "application/json;as=Table;v=v1;g=meta.k8s.io"

/* ---- small helpers ------------------------------------------------------------- */

static bool is_scale(const struct tb_req *q)
{
	return !strcmp(q->route.sub, "scale");
}

/* A Deployment's /scale: the autoscaling/v1 Scale kube-apiserver shows. */
static json_t *scale_of(const json_t *obj, uint64_t rv)
{
	const json_t *md = json_object_get(obj, "metadata"), *spec = json_object_get(obj, "spec");
	const json_t *ml = json_object_get(json_object_get(spec, "selector"), "matchLabels");
	const json_t *r = json_object_get(spec, "replicas"), *v;
	struct tb_strbuf sel = TB_STRBUF_INIT;
	const char *key;
	char rvs[32];
	json_t *scale;

	json_object_foreach((json_t *)ml, key, v)
		tb_strbuf_addf(&sel, "%s%s=%s", sel.len ? "," : "", key,
			       json_string_value(v) ? json_string_value(v) : "");
	snprintf(rvs, sizeof(rvs), "%llu", (unsigned long long)rv);
	scale = json_pack("{s:s, s:s, s:{s:O?, s:O?, s:O?, s:s, s:O?}, s:{s:I}, s:{s:I, s:s}}",
			  "kind", "Scale", "apiVersion", "autoscaling/v1",
			  "metadata", "name", json_object_get(md, "name"),
			  "namespace", json_object_get(md, "namespace"),
			  "uid", json_object_get(md, "uid"), "resourceVersion", rvs,
			  "creationTimestamp", json_object_get(md, "creationTimestamp"),
			  "spec", "replicas", (json_int_t)(json_is_integer(r) ?
							  json_integer_value(r) : 1),
			  "status", "replicas", (json_int_t)json_integer_value(json_object_get(
				  json_object_get(obj, "status"), "replicas")),
			  "selector", sel.buf ? sel.buf : "");
	tb_strbuf_release(&sel);
	return scale;
}

static void reply_stored(struct tb_req *q, int code, const struct tb_store_obj *o)
{
	json_t *items, *table;

	if (is_scale(q)) {
		json_t *obj = json_loadb(o->json, o->len, 0, NULL), *scale = scale_of(obj, o->rv);

		tb_reply_json(q, code, scale);
		json_decref(scale);
		json_decref(obj);
		return;
	}
	if (!q->want_table) {
		tb_reply_text(q, code, "application/json", o->json, o->len);
		return;
	}
	items = json_array();
	json_array_append_new(items, json_loadb(o->json, o->len, 0, NULL));
	table = tb_table_for(q->route.kind, items, NULL, q->now_ms, true);
	tb_reply_json_ct(q, code, TABLE_CT, table);
	json_decref(items);
	json_decref(table);
}

static void reply_conflict(struct tb_req *q, const char *name)
{
	char res[160], msg[640];

	tb_route_resource_display(&q->route, res, sizeof(res));
	snprintf(msg, sizeof(msg), "Operation cannot be fulfilled on %s \"%s\": the object has "
		 "been modified; please apply your changes to the latest version and try again",
		 res, name);
	tb_reply_status(q, 409, "Conflict", msg, tb_req_details(q, name));
}

static void reply_exists(struct tb_req *q, const char *name)
{
	char res[160], msg[640];

	tb_route_resource_display(&q->route, res, sizeof(res));
	snprintf(msg, sizeof(msg), "%s \"%s\" already exists", res, name);
	tb_reply_status(q, 409, "AlreadyExists", msg, tb_req_details(q, name));
}

static void reply_store_error(struct tb_req *q, int rc, const char *name,
			      const struct tb_err *err)
{
	if (rc == -TB_ECONFLICT)
		reply_conflict(q, name);
	else if (rc == -TB_EEXIST)
		reply_exists(q, name);
	else if (rc == -TB_ENOENT)
		tb_reply_not_found(q);
	else
		tb_reply_status(q, 500, "InternalError", err->msg[0] ? err->msg : tb_strerror(rc),
				NULL);
}

static bool dry_run(struct tb_req *q)
{
	const char *d = tb_req_query(q, "dryRun");

	return d && !strcmp(d, "All");
}

/* Writes obj (server metadata already set) unless it is a dry run; replies. */
static void store_and_reply(struct tb_req *q, json_t *obj, const struct tb_store_obj *cur,
			    bool create)
{
	struct tb_err err = TB_ERR_INIT;
	const struct tb_store_obj *st;
	const char *name = tb_reqobj_name(obj);
	int rc;

	if (cur && tb_reqobj_same(obj, cur)) {
		reply_stored(q, 200, cur);	/* a no-op update changes nothing, not even the rv */
		return;
	}
	if (dry_run(q)) {
		json_t *scale = is_scale(q) ? scale_of(obj, cur ? cur->rv : 0) : NULL;

		if (cur)
			tb_reqobj_set_rv(obj, cur->rv);
		tb_reply_json(q, create ? 201 : 200, scale ? scale : obj);
		json_decref(scale);
		return;
	}
	rc = tb_store_put_doc(q->srv->store, q->route.res, tb_reqobj_namespace(obj), name, obj,
			      cur ? cur->rv : 0, create, !create, &st, &err);
	if (rc) {
		reply_store_error(q, rc, name, &err);
		return;
	}
	reply_stored(q, create ? 201 : 200, st);
}

/* ---- get and list ---------------------------------------------------------------- */

static void handle_get(struct tb_req *q)
{
	const struct tb_store_obj *o = tb_store_get(q->srv->store, q->route.res, q->route.ns,
						    q->route.name);

	if (!o) {
		tb_reply_not_found(q);
		return;
	}
	reply_stored(q, 200, o);
}

struct list_ctx {
	struct tb_label_selector sel;
	struct tb_fieldsel fs;
	bool has_sel;
	size_t limit, n;
	struct tb_strbuf out;
	const struct tb_store_obj *last;
	bool more;
};

static int list_one(void *data, const struct tb_store_obj *o)
{
	struct list_ctx *c = data;

	if (!tb_fieldsel_matches_json(&c->fs, o->ns, o->name, o->json, o->len))
		return 0;
	if (c->has_sel && !tb_store_selects(o, &c->sel))
		return 0;
	if (c->limit && c->n == c->limit) {
		c->more = true;
		return 1;
	}
	if (c->n++)
		tb_strbuf_addch(&c->out, ',');
	tb_strbuf_add(&c->out, o->json, o->len);
	c->last = o;
	return 0;
}

/* Parses labelSelector and fieldSelector; replies 400 and returns false if bad. */
bool tb_req_selectors(struct tb_req *q, struct tb_label_selector *sel, bool *has_sel,
		      struct tb_fieldsel *fs)
{
	const char *ls = tb_req_query(q, "labelSelector");
	const char *fsel = tb_req_query(q, "fieldSelector");
	struct tb_err err = TB_ERR_INIT;
	char msg[700];

	*has_sel = ls && ls[0];
	if (*has_sel && tb_label_selector_parse(ls, sel, &err)) {
		snprintf(msg, sizeof(msg), "unable to parse requirement: %s", err.msg);
		tb_reply_status(q, 400, "BadRequest", msg, NULL);
		return false;
	}
	/* Events are selected by more fields than their name and namespace. */
	if (fsel && (tb_kind_is_event(q->route.kind) ?
		     tb_fieldsel_parse_fields(fsel, tb_event_field_labels, tb_event_field, fs,
					      &err) :
		     tb_fieldsel_parse(fsel, fs, &err))) {
		tb_reply_status(q, 400, "BadRequest", err.msg, NULL);
		return false;
	}
	return true;
}

static void handle_list(struct tb_req *q)
{
	struct list_ctx c = { .fs = TB_FIELDSEL_INIT, .out = TB_STRBUF_INIT };
	const char *lim = tb_req_query(q, "limit"), *cont = tb_req_query(q, "continue");
	const struct tb_kind *k = q->route.kind;
	char after_ns[254] = "", after_name[254] = "", *tok = NULL;
	uint64_t rv = tb_store_rv(q->srv->store);
	struct tb_strbuf body = TB_STRBUF_INIT;

	if (!tb_req_selectors(q, &c.sel, &c.has_sel, &c.fs))
		goto out;
	if (lim && lim[0]) {
		char *end;
		long long v = strtoll(lim, &end, 10);

		if (*end || v < 0) {
			tb_reply_status(q, 400, "BadRequest", "limit must be a non-negative integer",
					NULL);
			goto out;
		}
		c.limit = (size_t)v;
	}
	if (cont && cont[0] && tb_reqobj_continue_decode(cont, after_ns, after_name)) {
		tb_reply_status(q, 400, "BadRequest", "continue key is not valid", NULL);
		goto out;
	}
	tb_store_list(q->srv->store, q->route.res, q->route.ns[0] ? q->route.ns : NULL,
		      after_ns, after_name[0] ? after_name : NULL, list_one, &c);
	if (c.more && c.last)
		tok = tb_reqobj_continue_encode(c.last->ns, c.last->name);
	if (q->want_table) {
		json_t *items, *table;
		char rvs[24];

		tb_strbuf_addf(&body, "[%s]", c.out.len ? c.out.buf : "");
		items = json_loadb(body.buf, body.len, 0, NULL);
		snprintf(rvs, sizeof(rvs), "%" PRIu64, rv);
		table = tb_table_for(k, items, rvs, q->now_ms, true);
		if (tok)
			json_object_set_new(json_object_get(table, "metadata"), "continue",
					    json_string(tok));
		tb_reply_json_ct(q, 200, TABLE_CT, table);
		json_decref(items);
		json_decref(table);
		goto out;
	}
	tb_strbuf_addf(&body, "{\"kind\":\"%sList\",\"apiVersion\":\"%s\",\"metadata\":"
		       "{\"resourceVersion\":\"%" PRIu64 "\"", k->kind, k->api_version, rv);
	if (tok)
		tb_strbuf_addf(&body, ",\"continue\":\"%s\"", tok);
	tb_strbuf_adds(&body, "},\"items\":[");
	tb_strbuf_add(&body, c.out.buf ? c.out.buf : "", c.out.len);
	tb_strbuf_adds(&body, "]}");
	tb_reply_text(q, 200, "application/json", body.buf, body.len);
out:
	tb_free(tok);
	tb_strbuf_release(&body);
	tb_strbuf_release(&c.out);
	tb_schema_release(&tb_label_selector_schema, &c.sel);
	tb_fieldsel_release(&c.fs);
}

/* ---- writes ------------------------------------------------------------------------ */

static void handle_create(struct tb_req *q)
{
	json_t *obj = tb_reqobj_read(q);

	if (!obj)
		return;
	if (!tb_reqobj_prepare(q, obj, NULL, TB_REQOBJ_CREATE))
		goto out;
	store_and_reply(q, obj, NULL, true);
out:
	json_decref(obj);
}

/* obj replaces cur (of the object, or of its status for /status); the update
 * that removes the last finalizer of a deleted object completes the delete. */
static void update_and_reply(struct tb_req *q, json_t *obj, const struct tb_store_obj *cur)
{
	if (!tb_reqobj_prepare(q, obj, cur, !strcmp(q->route.sub, "status") ? TB_REQOBJ_STATUS
									: TB_REQOBJ_UPDATE))
		return;
	if (tb_reqobj_finalized(obj))
		tb_reqobj_delete(q, cur);
	else
		store_and_reply(q, obj, cur, false);
}

static void handle_update(struct tb_req *q)
{
	const struct tb_store_obj *cur;
	json_t *obj = tb_reqobj_read(q);

	if (!obj)
		return;
	cur = tb_store_get(q->srv->store, q->route.res, q->route.ns, q->route.name);
	if (!cur) {
		tb_reply_not_found(q);
		goto out;
	}
	update_and_reply(q, obj, cur);
out:
	json_decref(obj);
}

/* Server-side apply, well enough for `kubectl apply --server-side`: the
 * applied configuration creates the object or is merged into it (strategic
 * merge for built-in kinds, merge patch for Karmada's). Field ownership is
 * not tracked: there are no managedFields and no apply conflicts, and a field
 * dropped from the configuration stays until it is removed explicitly. */
static void handle_apply(struct tb_req *q)
{
	const struct tb_store_obj *cur;
	struct tb_err err = TB_ERR_INIT;
	json_t *cfg = tb_reqobj_read(q), *doc = NULL, *obj = NULL;

	if (!cfg)
		return;
	cur = tb_store_get(q->srv->store, q->route.res, q->route.ns, q->route.name);
	if (!cur) {
		if (q->route.sub[0])
			tb_reply_not_found(q);
		else if (tb_reqobj_prepare(q, cfg, NULL, TB_REQOBJ_CREATE))
			store_and_reply(q, cfg, NULL, true);
		goto out;
	}
	doc = json_loadb(cur->json, cur->len, 0, NULL);
	if (tb_patch_apply(TB_PATCH_STRATEGIC, doc, cfg, q->route.kind->kind, true, &obj,
			   &err)) {
		tb_reply_status(q, 400, "BadRequest", err.msg, NULL);
		goto out;
	}
	update_and_reply(q, obj, cur);
out:
	json_decref(cfg);
	json_decref(doc);
	json_decref(obj);
}

/* 415 for a patch whose Content-Type is no patch type (apply: server-side
 * apply is offered too). */
static void reply_unknown_patch(struct tb_req *q, bool apply)
{
	char msg[300];

	snprintf(msg, sizeof(msg), "the body of the request was in an unknown format - "
		 "accepted media types include: application/json-patch+json, "
		 "application/merge-patch+json%s%s", apply ? ", application/apply-patch+yaml" : "",
		 q->route.kind->schema ? "" : ", application/strategic-merge-patch+json");
	tb_reply_status(q, 415, "UnsupportedMediaType", msg, NULL);
}

static void handle_patch(struct tb_req *q)
{
	const char *ct = evhttp_find_header(evhttp_request_get_input_headers(q->r),
					    "Content-Type");
	const struct tb_store_obj *cur;
	struct tb_err err = TB_ERR_INIT;
	json_t *patch = NULL, *doc = NULL, *obj = NULL;
	int type, rc;

	if (ct && !strncmp(ct, "application/apply-patch+yaml", 28)) {
		handle_apply(q);	/* server-side apply */
		return;
	}
	type = ct ? tb_patch_type_from_content_type(ct) : -1;
	if (type < 0) {
		reply_unknown_patch(q, true);
		return;
	}
	cur = tb_store_get(q->srv->store, q->route.res, q->route.ns, q->route.name);
	if (!cur) {
		tb_reply_not_found(q);
		return;
	}
	patch = tb_reqobj_read_json(q);
	if (!patch)
		return;
	doc = json_loadb(cur->json, cur->len, 0, NULL);
	/* kubectl sends strategic merge patches even for CRDs (kubectl patch without
	 * --type); kube-apiserver answers 415, which helps nobody. For Karmada kinds,
	 * whose lists are atomic anyway, it means a merge patch. */
	rc = tb_patch_apply((enum tb_patch_type)type, doc, patch, q->route.kind->kind, true,
			    &obj, &err);
	if (rc == -TB_ECONFLICT) {
		tb_reply_status(q, 422, "Invalid", err.msg, NULL);
		goto out;
	}
	if (rc) {
		tb_reply_status(q, rc == -TB_ETOOBIG ? 413 : 400, "BadRequest", err.msg, NULL);
		goto out;
	}
	update_and_reply(q, obj, cur);
out:
	json_decref(patch);
	json_decref(doc);
	json_decref(obj);
}

/* PUT or PATCH of a Deployment's /scale: the Scale as it would be after the
 * request, of which only spec.replicas (and a resourceVersion to check) goes
 * into the Deployment; the answer is the new Scale. */
static void handle_scale_write(struct tb_req *q, bool patch)
{
	const char *ct = evhttp_find_header(evhttp_request_get_input_headers(q->r),
					    "Content-Type");
	const struct tb_store_obj *cur;
	struct tb_err err = TB_ERR_INIT;
	json_t *doc = NULL, *scale = NULL, *body = NULL, *want = NULL, *r, *rv;
	int type = TB_PATCH_MERGE;
	char msg[800];

	if (patch && (!ct || (type = tb_patch_type_from_content_type(ct)) < 0)) {
		reply_unknown_patch(q, false);
		return;
	}
	cur = tb_store_get(q->srv->store, q->route.res, q->route.ns, q->route.name);
	if (!cur) {
		tb_reply_not_found(q);
		return;
	}
	if (!(body = tb_reqobj_read_json(q)))
		return;
	doc = json_loadb(cur->json, cur->len, 0, NULL);
	scale = scale_of(doc, cur->rv);
	if (!patch) {
		want = json_incref(body);
	} else if (tb_patch_apply(type == TB_PATCH_STRATEGIC ? TB_PATCH_MERGE :
				  (enum tb_patch_type)type, scale, body, "Scale", true, &want,
				  &err)) {
		tb_reply_status(q, 422, "Invalid", err.msg, NULL);
		goto out;
	}
	r = json_object_get(json_object_get(want, "spec"), "replicas");
	if (!json_is_integer(r) || json_integer_value(r) < 0) {
		char *v = r ? json_dumps(r, JSON_ENCODE_ANY) : NULL;

		snprintf(msg, sizeof(msg), "Scale.autoscaling \"%s\" is invalid: spec.replicas: "
			 "Invalid value: %s: must be greater than or equal to 0", q->route.name,
			 v ? v : "null");
		free(v);
		tb_reply_status(q, 422, "Invalid", msg, tb_req_details(q, q->route.name));
		goto out;
	}
	json_object_set(json_object_get(doc, "spec"), "replicas", r);
	/* A resourceVersion in the Scale is a precondition on the Deployment. */
	rv = json_object_get(json_object_get(want, "metadata"), "resourceVersion");
	if (json_is_string(rv) && json_string_length(rv))
		json_object_set(json_object_get(doc, "metadata"), "resourceVersion", rv);
	else
		json_object_del(json_object_get(doc, "metadata"), "resourceVersion");
	update_and_reply(q, doc, cur);
out:
	json_decref(body);
	json_decref(doc);
	json_decref(scale);
	json_decref(want);
}

static bool is_watch(struct tb_req *q)
{
	const char *w = tb_req_query(q, "watch");

	return w && (!strcmp(w, "true") || !strcmp(w, "1"));
}

void tb_handle_resource(struct tb_req *q)
{
	const struct tb_route *rt = &q->route;
	bool item = rt->name[0] != '\0';

	if (is_scale(q)) {
		if (q->method == EVHTTP_REQ_GET || q->method == EVHTTP_REQ_HEAD) {
			handle_get(q);
			return;
		}
		if (q->method == EVHTTP_REQ_PUT || q->method == EVHTTP_REQ_PATCH) {
			handle_scale_write(q, q->method == EVHTTP_REQ_PATCH);
			return;
		}
		tb_reply_status(q, 405, "MethodNotAllowed", "the server does not allow this "
				"method on the requested resource", NULL);
		return;
	}
	switch (q->method) {
	case EVHTTP_REQ_GET:
	case EVHTTP_REQ_HEAD:
		if (is_watch(q))
			tb_watch_start(q);
		else if (item)
			handle_get(q);
		else
			handle_list(q);
		return;
	case EVHTTP_REQ_POST:
		if (!item && !rt->sub[0]) {
			handle_create(q);
			return;
		}
		break;
	case EVHTTP_REQ_PUT:
		if (item) {
			handle_update(q);
			return;
		}
		break;
	case EVHTTP_REQ_PATCH:
		if (item) {
			handle_patch(q);
			return;
		}
		break;
	case EVHTTP_REQ_DELETE:
		if (item && !rt->sub[0]) {
			tb_reqobj_handle_delete(q);
			return;
		}
		break;
	default:
		break;
	}
	tb_reply_status(q, 405, "MethodNotAllowed", "the server does not allow this method on "
			"the requested resource", NULL);
}
