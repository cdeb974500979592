/* From request body to stored object: reading, checking it against the URL,
 * server-set metadata, admission, and deletes. */
#include "server/reqobj.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/codec.h"
#include "api/stamp.h"
#include "api/timefmt.h"
#include "lib/base64.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/rand.h"

json_t *tb_req_details(struct tb_req *q, const char *name)
{
	const struct tb_route *rt = &q->route;
	json_t *d = json_object();

	if (name && name[0])
		json_object_set_new(d, "name", json_string(name));
	if (rt->kind && rt->kind->group[0])
		json_object_set_new(d, "group", json_string(rt->kind->group));
	json_object_set_new(d, "kind", json_string(rt->kind ? rt->kind->plural : rt->res));
	return d;
}

static void bad_request(struct tb_req *q, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void bad_request(struct tb_req *q, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tb_reply_status(q, 400, "BadRequest", msg, NULL);
}

static json_t *read_docs(struct tb_req *q, bool need_object)
{
	const char *ct = evhttp_find_header(evhttp_request_get_input_headers(q->r),
					    "Content-Type");
	struct tb_docs docs = TB_DOCS_INIT;
	struct tb_err err = TB_ERR_INIT;
	json_t *j = NULL;
	size_t len;
	char *body;

	if (ct && strstr(ct, "protobuf")) {
		tb_reply_status(q, 415, "UnsupportedMediaType", "the body of the request was in "
				"an unknown format - accepted media types include: "
				"application/json, application/yaml (tugd speaks no protobuf: use "
				"`kubectl create ... --dry-run=client -o yaml | kubectl apply -f -`)",
				NULL);
		return NULL;
	}
	body = tb_req_body(q, &len);
	if (!body) {
		bad_request(q, "Object 'Kind' is missing in ''");
		return NULL;
	}
	if (tb_codec_decode(body, len, &docs, &err)) {
		bad_request(q, "the request body is not valid JSON or YAML: %s", err.msg);
	} else if (docs.n != 1) {
		bad_request(q, "the request body must hold one object, not %zu", docs.n);
	} else if (need_object && !json_is_object(docs.v[0].json)) {
		bad_request(q, "the request body must be a JSON object, not %s",
			    tb_json_type_name(docs.v[0].json));
	} else {
		j = json_incref(docs.v[0].json);
	}
	tb_docs_release(&docs);
	tb_free(body);
	return j;
}

json_t *tb_reqobj_read(struct tb_req *q)
{
	return read_docs(q, true);
}

json_t *tb_reqobj_read_json(struct tb_req *q)
{
	return read_docs(q, false);
}

static const char *meta_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(json_object_get(obj, "metadata"), key));
}

const char *tb_reqobj_name(const json_t *obj)
{
	const char *s = meta_str(obj, "name");

	return s ? s : "";
}

const char *tb_reqobj_namespace(const json_t *obj)
{
	const char *s = meta_str(obj, "namespace");

	return s ? s : "";
}

void tb_reqobj_set_rv(json_t *obj, uint64_t rv)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, rv);
	json_object_set_new(json_object_get(obj, "metadata"), "resourceVersion",
			    json_string(buf));
}

bool tb_reqobj_same(const json_t *obj, const struct tb_store_obj *cur)
{
	json_t *c = json_loadb(cur->json, cur->len, 0, NULL);
	bool same;

	json_object_del(json_object_get(c, "metadata"), "resourceVersion");
	same = json_equal(obj, c);
	json_decref(c);
	return same;
}

bool tb_reqobj_finalized(const json_t *obj)
{
	const json_t *f = json_object_get(json_object_get(obj, "metadata"), "finalizers");

	return meta_str(obj, "deletionTimestamp") && json_array_size(f) == 0;
}

/* ---- server-set metadata ----------------------------------------------------------- */

/* apiserver's generateName suffix: 5 characters without vowels or lookalikes. */
static void generate_name(const char *prefix, char *out, size_t n)
{
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
	unsigned char b[5];
	char suffix[6];

	tb_rand_bytes(b, sizeof(b));
	for (int i = 0; i < 5; i++)
		suffix[i] = alphabet[b[i] % (sizeof(alphabet) - 1)];
	suffix[5] = '\0';
	/* Keep the name within 63 characters, as apiserver does. */
	snprintf(out, n, "%.58s%s", prefix, suffix);
}

/* ---- checks against the URL ------------------------------------------------------------ */

static bool check_type(struct tb_req *q, const json_t *obj)
{
	const struct tb_kind *k = q->route.kind;
	const char *av = json_string_value(json_object_get(obj, "apiVersion"));
	const char *kind = json_string_value(json_object_get(obj, "kind"));

	if (!kind) {
		bad_request(q, "Object 'Kind' is missing in the request body");
		return false;
	}
	if (!av) {
		bad_request(q, "Object 'apiVersion' is missing in the request body");
		return false;
	}
	if (strcmp(av, k->api_version)) {
		bad_request(q, "the API version in the data (%s) does not match the expected API "
			    "version (%s)", av, k->api_version);
		return false;
	}
	if (strcmp(kind, k->kind)) {
		bad_request(q, "the kind in the data (%s) does not match the expected kind (%s) "
			    "of %s", kind, k->kind, q->path);
		return false;
	}
	return true;
}

static bool check_namespace(struct tb_req *q, json_t *md)
{
	const char *ns = json_string_value(json_object_get(md, "namespace"));
	const struct tb_route *rt = &q->route;

	if (!rt->kind->namespaced) {
		json_object_del(md, "namespace");	/* ignored on cluster-scoped kinds */
		return true;
	}
	if (!ns || !ns[0]) {
		json_object_set_new(md, "namespace", json_string(rt->ns));
		return true;
	}
	if (strcmp(ns, rt->ns)) {
		bad_request(q, "the namespace of the provided object does not match the "
			    "namespace sent on the request");
		return false;
	}
	return true;
}

static bool check_name(struct tb_req *q, json_t *md, enum tb_reqobj_mode mode)
{
	const char *name = json_string_value(json_object_get(md, "name"));
	const char *gen = json_string_value(json_object_get(md, "generateName"));
	const struct tb_route *rt = &q->route;
	char buf[254];

	if ((!name || !name[0]) && rt->name[0]) {
		json_object_set_new(md, "name", json_string(rt->name));
		return true;
	}
	if (name && name[0] && rt->name[0] && strcmp(name, rt->name)) {
		bad_request(q, "the name of the object (%s) does not match the name on the URL "
			    "(%s)", name, rt->name);
		return false;
	}
	if (mode == TB_REQOBJ_CREATE && (!name || !name[0]) && gen && gen[0]) {
		/* A few tries, as apiserver retries name collisions. */
		for (int i = 0; i < 8; i++) {
			generate_name(gen, buf, sizeof(buf));
			if (!tb_store_get(q->srv->store, rt->res, rt->ns, buf))
				break;
		}
		json_object_set_new(md, "name", json_string(buf));
	}
	return true;
}

static bool check_rv(struct tb_req *q, json_t *md, const struct tb_store_obj *cur)
{
	const char *rv = json_string_value(json_object_get(md, "resourceVersion"));
	char buf[24];

	if (!cur || !rv || !rv[0])
		return true;
	snprintf(buf, sizeof(buf), "%" PRIu64, cur->rv);
	if (!strcmp(rv, buf))
		return true;
	char res[160], msg[640];

	tb_route_resource_display(&q->route, res, sizeof(res));
	snprintf(msg, sizeof(msg), "Operation cannot be fulfilled on %s \"%s\": the object has "
		 "been modified; please apply your changes to the latest version and try again",
		 res, cur->name);
	tb_reply_status(q, 409, "Conflict", msg, tb_req_details(q, cur->name));
	return false;
}

static bool namespace_exists(struct tb_req *q, const char *ns)
{
	char msg[400];
	json_t *d;

	if (!q->route.kind->namespaced || tb_store_get(q->srv->store, "namespaces", "", ns))
		return true;
	snprintf(msg, sizeof(msg), "namespaces \"%s\" not found", ns);
	d = json_pack("{s:s, s:s}", "name", ns, "kind", "namespaces");
	tb_reply_status(q, 404, "NotFound", msg, d);
	return false;
}

/* ---- admission ------------------------------------------------------------------------------ */

static bool admit(struct tb_req *q, json_t *obj)
{
	const char *fv = tb_req_query(q, "fieldValidation");
	struct tb_policy_defaults d = q->srv->opts.defaults;
	struct tb_object o = TB_OBJECT_INIT;
	struct tb_errs errs = TB_ERRS_INIT;
	bool ignore_unknown = fv && !strcmp(fv, "Ignore");
	size_t i, n = 0;
	json_t *enc;

	d.namespace_ = NULL;	/* the URL's namespace was filled in already */
	tb_object_admit(obj, &o, &d, q->now_ms, &errs);
	/* fieldValidation=Ignore drops unknown fields; Strict (kubectl's default)
	 * and Warn reject them, with their paths. */
	for (i = 0; i < errs.n; i++)
		if (!(ignore_unknown && errs.v[i].type == TB_FE_UNKNOWN_FIELD))
			errs.v[n++] = errs.v[i];
		else
			tb_free(errs.v[i].field), tb_free(errs.v[i].value), tb_free(errs.v[i].detail);
	errs.n = n;
	if (errs.n || !o.kind) {
		tb_reply_invalid(q, q->route.kind->kind, tb_reqobj_name(obj), &errs);
		tb_errs_release(&errs);
		tb_object_release(&o);
		return false;
	}
	enc = tb_object_encode(&o);
	json_object_clear(obj);
	json_object_update(obj, enc);
	json_decref(enc);
	tb_object_release(&o);
	tb_errs_release(&errs);
	return true;
}

bool tb_reqobj_prepare(struct tb_req *q, json_t *obj, const struct tb_store_obj *cur,
		       enum tb_reqobj_mode mode)
{
	json_t *md, *curj = NULL, *status;
	bool ok = false;

	if (!check_type(q, obj))
		return false;
	md = json_object_get(obj, "metadata");
	if (!md) {
		md = json_object();
		json_object_set_new(obj, "metadata", md);
	} else if (!json_is_object(md)) {
		bad_request(q, "metadata must be an object, not %s", tb_json_type_name(md));
		return false;
	}
	if (!check_namespace(q, md) || !check_name(q, md, mode) || !check_rv(q, md, cur))
		return false;
	if (mode == TB_REQOBJ_CREATE && !namespace_exists(q, tb_reqobj_namespace(obj)))
		return false;
	if (cur)
		curj = json_loadb(cur->json, cur->len, 0, NULL);
	if (mode == TB_REQOBJ_STATUS) {
		/* Only status changes through /status: the rest is the stored object. */
		status = json_incref(json_object_get(obj, "status"));
		json_object_clear(obj);
		json_object_update(obj, curj);
		if (status)
			json_object_set_new(obj, "status", status);
		else
			json_object_del(obj, "status");
		md = json_object_get(obj, "metadata");
		json_object_del(md, "resourceVersion");
	} else {
		tb_stamp_prepare(obj, curj, q->route.kind, true, q->now_ms);
	}
	ok = admit(q, obj);
	if (ok && curj)
		tb_stamp_generation(obj, curj, q->route.kind);
	json_decref(curj);
	return ok;
}

/* ---- deletes -------------------------------------------------------------------------------- */

static void delete_namespace_contents(struct tb_req *q, const char *ns);

void tb_reqobj_delete(struct tb_req *q, const struct tb_store_obj *cur)
{
	struct tb_err err = TB_ERR_INIT;
	char *json = tb_strndup(cur->json, cur->len), *name = tb_strdup(cur->name);
	char *ns = tb_strdup(cur->ns);
	int rc = 0;

	if (!strcmp(q->route.res, "namespaces") && !(tb_req_query(q, "dryRun")))
		delete_namespace_contents(q, name);
	if (!tb_req_query(q, "dryRun"))
		rc = tb_store_delete(q->srv->store, q->route.res, ns, name, 0, &err);
	if (rc)
		tb_reply_status(q, 500, "InternalError", err.msg, NULL);
	else
		tb_reply_text(q, 200, "application/json", json, strlen(json));
	tb_free(json);
	tb_free(name);
	tb_free(ns);
}

struct victims {
	TB_VEC(char *) names;
};

static int collect(void *data, const struct tb_store_obj *o)
{
	struct victims *v = data;

	tb_strvec_push(&v->names, o->name);
	return 0;
}

/* The namespace controller's job, done at once: what is in a deleted namespace
 * goes with it (finalizers of those objects are not waited for). */
static void delete_namespace_contents(struct tb_req *q, const char *ns)
{
	const struct tb_kind *k;
	char res[128];
	size_t i;

	for (k = tb_kinds; k->kind; k++) {
		struct victims v = { { NULL, 0 } };

		if (!k->namespaced)
			continue;
		tb_kind_res(k, res, sizeof(res));
		tb_store_list(q->srv->store, res, ns, NULL, NULL, collect, &v);
		for (i = 0; i < v.names.n; i++) {
			tb_store_delete(q->srv->store, res, ns, v.names.v[i], 0, NULL);
			tb_free(v.names.v[i]);
		}
		tb_free(v.names.v);
		if (i)
			tb_info("namespace %s deleted: %zu %s deleted with it", ns, i, res);
	}
}

/* DeleteOptions.preconditions: {uid, resourceVersion}. */
static bool check_preconditions(struct tb_req *q, const struct tb_store_obj *cur)
{
	json_t *opts = NULL, *pre;
	const char *rv, *uid;
	char buf[24], msg[512];
	size_t len;
	char *body = tb_req_body(q, &len);
	bool ok = true;

	if (!body)
		return true;
	opts = json_loadb(body, len, 0, NULL);
	tb_free(body);
	pre = json_object_get(opts, "preconditions");
	rv = json_string_value(json_object_get(pre, "resourceVersion"));
	uid = json_string_value(json_object_get(pre, "uid"));
	snprintf(buf, sizeof(buf), "%" PRIu64, cur->rv);
	if (rv && strcmp(rv, buf)) {
		snprintf(msg, sizeof(msg), "Precondition failed: ResourceVersion in precondition: "
			 "%s, ResourceVersion in object meta: %s", rv, buf);
		ok = false;
	} else if (uid) {
		json_t *c = json_loadb(cur->json, cur->len, 0, NULL);
		const char *cu = meta_str(c, "uid");

		if (!cu || strcmp(uid, cu)) {
			snprintf(msg, sizeof(msg), "Precondition failed: UID in precondition: %s, "
				 "UID in object meta: %s", uid, cu ? cu : "");
			ok = false;
		}
		json_decref(c);
	}
	if (!ok)
		tb_reply_status(q, 409, "Conflict", msg, tb_req_details(q, cur->name));
	json_decref(opts);
	return ok;
}

void tb_reqobj_handle_delete(struct tb_req *q)
{
	const struct tb_store_obj *cur = tb_store_get(q->srv->store, q->route.res, q->route.ns,
						      q->route.name), *st;
	struct tb_err err = TB_ERR_INIT;
	json_t *obj, *md;
	int rc;

	if (!cur) {
		tb_reply_not_found(q);
		return;
	}
	if (!check_preconditions(q, cur))
		return;
	obj = json_loadb(cur->json, cur->len, 0, NULL);
	md = json_object_get(obj, "metadata");
	if (json_array_size(json_object_get(md, "finalizers")) == 0) {
		json_decref(obj);
		tb_reqobj_delete(q, cur);
		return;
	}
	/* Finalizers: mark it; whoever owns a finalizer removes it, and the
	 * update that removes the last one completes the delete. */
	if (!json_object_get(md, "deletionTimestamp") && !tb_req_query(q, "dryRun")) {
		json_object_set_new(md, "deletionTimestamp", tb_stamp_time(q->now_ms));
		json_object_set_new(md, "deletionGracePeriodSeconds", json_integer(0));
		json_object_del(md, "resourceVersion");
		rc = tb_store_put_doc(q->srv->store, q->route.res, cur->ns, cur->name, obj, cur->rv,
				      false, true, &st, &err);
		if (rc) {
			tb_reply_status(q, 500, "InternalError", err.msg, NULL);
			goto out;
		}
		cur = st;
	}
	tb_reply_text(q, 200, "application/json", cur->json, cur->len);
out:
	json_decref(obj);
}

/* ---- continue tokens -------------------------------------------------------------------------- */

char *tb_reqobj_continue_encode(const char *ns, const char *name)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	json_t *j = json_pack("{s:s, s:s}", "ns", ns, "name", name);
	char *s = json_dumps(j, JSON_COMPACT);

	tb_base64_encode(&sb, s, strlen(s), true);
	free(s);
	json_decref(j);
	return tb_strbuf_detach(&sb, NULL);
}

int tb_reqobj_continue_decode(const char *tok, char ns[254], char name[254])
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	const char *a, *b;
	json_t *j = NULL;
	int rc = -TB_EINVAL;

	if (tb_base64_decode(&sb, tok, strlen(tok), true) || !sb.len)
		goto out;
	j = json_loadb(sb.buf, sb.len, 0, NULL);
	a = json_string_value(json_object_get(j, "ns"));
	b = json_string_value(json_object_get(j, "name"));
	if (!a || !b || strlen(a) >= 254 || strlen(b) >= 254)
		goto out;
	snprintf(ns, 254, "%s", a);
	snprintf(name, 254, "%s", b);
	rc = 0;
out:
	json_decref(j);
	tb_strbuf_release(&sb);
	return rc;
}
