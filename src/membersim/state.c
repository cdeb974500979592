/* Objects of the simulated member clusters (state.h): kube-apiserver's write
 * path (create, update, patch, apply, delete) with its metadata rules and
 * errors, the workloads' simulated pods, and the timer queue that visits only
 * the workloads with a pending transition. No I/O, no clock. */
#include "membersim/state.h"
#include "membersim/state_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/names.h"
#include "api/quantity.h"
#include "api/template.h"
#include "api/timefmt.h"
#include "lib/mem.h"
#include "lib/rand.h"
#include "membersim/status.h"
#include "server/patch.h"

const struct tb_msim_resinfo tb_msim_resources[_TB_MSIM_RES_MAX] = {
	[TB_MSIM_NAMESPACES] = { "", "v1", "Namespace", "namespaces", "namespace", "ns",
				 false, TB_MSIM_STORED, true, false },
	[TB_MSIM_NODES] = { "", "v1", "Node", "nodes", "node", "no", false, TB_MSIM_DERIVED,
			    true, false },
	[TB_MSIM_PODS] = { "", "v1", "Pod", "pods", "pod", "po", true, TB_MSIM_DERIVED, true,
			   false },
	[TB_MSIM_EVENTS] = { "", "v1", "Event", "events", "event", "ev", true, TB_MSIM_EMPTY,
			     false, false },
	[TB_MSIM_SERVICES] = { "", "v1", "Service", "services", "service", "svc", true,
			       TB_MSIM_STORED, true, false },
	[TB_MSIM_CONFIGMAPS] = { "", "v1", "ConfigMap", "configmaps", "configmap", "cm", true,
				 TB_MSIM_STORED, false, false },
	[TB_MSIM_SECRETS] = { "", "v1", "Secret", "secrets", "secret", NULL, true,
			      TB_MSIM_STORED, false, false },
	[TB_MSIM_DEPLOYMENTS] = { "apps", "v1", "Deployment", "deployments", "deployment",
				  "deploy", true, TB_MSIM_STORED, true, true },
	[TB_MSIM_REPLICASETS] = { "apps", "v1", "ReplicaSet", "replicasets", "replicaset", "rs",
				  true, TB_MSIM_EMPTY, false, false },
	[TB_MSIM_JOBS] = { "batch", "v1", "Job", "jobs", "job", NULL, true, TB_MSIM_STORED, true,
			   false },
};

static const char *const initial_namespaces[] = {
	"default", "kube-system", "kube-public", "kube-node-lease", NULL
};

enum tb_msim_res tb_msim_res_find(const char *group, const char *version, const char *plural)
{
	int i;

	for (i = 0; i < _TB_MSIM_RES_MAX; i++) {
		const struct tb_msim_resinfo *r = &tb_msim_resources[i];

		if (!strcmp(r->group, group) && !strcmp(r->version, version) &&
		    !strcmp(r->plural, plural))
			return (enum tb_msim_res)i;
	}
	return TB_MSIM_RES_INVALID;
}

const char *tb_msim_res_display(enum tb_msim_res r, char *buf, size_t n)
{
	const struct tb_msim_resinfo *ri = &tb_msim_resources[r];

	snprintf(buf, n, "%s%s%s", ri->plural, ri->group[0] ? "." : "", ri->group);
	return buf;
}

int tb_msim_err_http(int rc, const char **ret_reason)
{
	switch (-rc) {
	case TB_ENOENT:
		*ret_reason = "NotFound";
		return 404;
	case TB_EEXIST:
		*ret_reason = "AlreadyExists";
		return 409;
	case TB_ECONFLICT:
		*ret_reason = "Conflict";
		return 409;
	case TB_EINVAL:
		*ret_reason = "Invalid";
		return 422;
	case TB_EUNSUPP:
		*ret_reason = "MethodNotAllowed";
		return 405;
	case TB_MSIM_EBADREQUEST:
		*ret_reason = "BadRequest";
		return 400;
	case TB_MSIM_EFORBIDDEN:
		*ret_reason = "Forbidden";
		return 403;
	case TB_ETOOBIG:
		*ret_reason = "RequestEntityTooLarge";
		return 413;
	default:
		*ret_reason = "InternalError";
		return 500;
	}
}

/* ---- small helpers (shared through state_int.h) ------------------------------ */

const char *tb__msim_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

json_t *tb__msim_meta(json_t *obj)
{
	json_t *md = json_object_get(obj, "metadata");

	if (!json_is_object(md)) {
		md = json_object();
		json_object_set_new(obj, "metadata", md);
	}
	return md;
}

void tb__msim_key(const struct tb_msim_resinfo *ri, const char *ns, const char *name,
		  char *buf, size_t n)
{
	if (ri->namespaced)
		snprintf(buf, n, "%s/%s", ns ? ns : "", name);
	else
		snprintf(buf, n, "%s", name);
}

static void set_rv(json_t *obj, uint64_t rv)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)rv);
	json_object_set_new(tb__msim_meta(obj), "resourceVersion", json_string(buf));
}

void tb__msim_time(json_t *o, const char *key, int64_t ms)
{
	char t[TB_TIME_BUFSZ];

	/* metav1.Time has whole seconds on the wire. */
	json_object_set_new(o, key, json_string(tb_time_format(ms - ms % 1000, t)));
}

static struct tb_kubelet kubelet_of(const struct tb_msim *m, struct tb_msim_cluster *c)
{
	struct tb_kubelet k = { c->nodes, m->opts.nodes, m->opts.ready_delay_ms,
				m->opts.job_duration_ms };

	return k;
}

/* ---- timer queue: a binary min-heap on wake_ms -------------------------------- */

static void heap_swap(struct tb_msim *m, size_t a, size_t b)
{
	struct tb_msim_obj *t = m->heap[a];

	m->heap[a] = m->heap[b];
	m->heap[b] = t;
	m->heap[a]->heap_idx = a;
	m->heap[b]->heap_idx = b;
}

static void heap_up(struct tb_msim *m, size_t i)
{
	while (i && m->heap[(i - 1) / 2]->wake_ms > m->heap[i]->wake_ms) {
		heap_swap(m, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(struct tb_msim *m, size_t i)
{
	size_t l, r, min;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		min = i;
		if (l < m->heap_n && m->heap[l]->wake_ms < m->heap[min]->wake_ms)
			min = l;
		if (r < m->heap_n && m->heap[r]->wake_ms < m->heap[min]->wake_ms)
			min = r;
		if (min == i)
			return;
		heap_swap(m, i, min);
		i = min;
	}
}

static void heap_remove(struct tb_msim *m, struct tb_msim_obj *o)
{
	size_t i = o->heap_idx;

	if (i == SIZE_MAX)
		return;
	o->heap_idx = SIZE_MAX;
	if (i != --m->heap_n) {
		m->heap[i] = m->heap[m->heap_n];
		m->heap[i]->heap_idx = i;
		heap_up(m, i);
		heap_down(m, m->heap[i]->heap_idx);
	}
}

/* Queues o for wake_ms (TB_KUBELET_NEVER: takes it out of the queue). */
static void heap_set(struct tb_msim *m, struct tb_msim_obj *o, int64_t wake_ms)
{
	heap_remove(m, o);
	o->wake_ms = wake_ms;
	if (wake_ms == TB_KUBELET_NEVER)
		return;
	TB_GROW(m->heap, m->heap_alloc, m->heap_n + 1);
	o->heap_idx = m->heap_n;
	m->heap[m->heap_n++] = o;
	heap_up(m, o->heap_idx);
}

int64_t tb_msim_next_wake(const struct tb_msim *m)
{
	return m->heap_n ? m->heap[0]->wake_ms : TB_KUBELET_NEVER;
}

/* ---- workloads -------------------------------------------------------------------- */

static bool is_workload(enum tb_msim_res r)
{
	return r == TB_MSIM_DEPLOYMENTS || r == TB_MSIM_JOBS;
}

static int64_t spec_int(const json_t *obj, const char *key, int64_t dflt)
{
	const json_t *v = json_object_get(json_object_get(obj, "spec"), key);

	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

/* Reads what the simulation needs from the object's spec: replicas (or a
 * Job's parallelism and completions) and the requests of one replica. */
static void wl_from_spec(struct tb_msim_obj *o)
{
	struct tb_reslist req = { NULL, 0 };
	const struct tb_quantity *q;

	o->wl.job = o->res == TB_MSIM_JOBS;
	if (o->wl.job) {
		o->wl.want = spec_int(o->json, "parallelism", 1);
		o->wl.completions = spec_int(o->json, "completions", o->wl.want);
	} else {
		o->wl.want = spec_int(o->json, "replicas", 1);
	}
	tb_template_requests(o->json, &req);
	q = tb_reslist_get(&req, "cpu");
	o->wl.cpu_m = q ? tb_quantity_milli(q) : 0;
	q = tb_reslist_get(&req, "memory");
	o->wl.mem = q ? tb_quantity_value(q) : 0;
	tb_reslist_release(&req);
}

/* Runs the simulation of one workload to now_ms and rewrites its status.
 * Returns true when the status changed (the caller gives it a new
 * resourceVersion unless it is one anyway). */
static bool wl_sync(struct tb_msim *m, struct tb_msim_obj *o, int64_t now_ms, bool *freed)
{
	struct tb_kubelet k = kubelet_of(m, o->c);
	struct tb_kubelet_counts cnt;
	const json_t *old = json_object_get(o->json, "status");
	json_t *st;
	bool changed;

	heap_set(m, o, tb_kubelet_sync(&k, &o->wl, now_ms, freed));
	tb_kubelet_count(&k, &o->wl, now_ms, &cnt);
	if (o->wl.job)
		st = tb_msim_job_status(o->json, &cnt, o->start_ms, o->wl.done_ms, old, now_ms);
	else
		st = tb_msim_deploy_status(o->json, &cnt, old, now_ms);
	changed = !old || !json_equal(old, st);
	if (changed)
		json_object_set(o->json, "status", st);
	json_decref(st);
	return changed;
}

/* Room was given back on c's nodes: workloads waiting for it try again. */
static void retry_pending(struct tb_msim *m, struct tb_msim_cluster *c, int64_t now_ms)
{
	static const enum tb_msim_res wls[] = { TB_MSIM_DEPLOYMENTS, TB_MSIM_JOBS };
	struct tb_msim_obj *o;
	const char *key;
	size_t i, w;

	for (w = 0; w < 2; w++) {
		for (i = 0; tb_hmap_next(&c->objs[wls[w]], &i, &key, (void **)&o);) {
			if (!tb_kubelet_has_pending(&o->wl))
				continue;
			if (wl_sync(m, o, now_ms, NULL))
				set_rv(o->json, ++c->rv);
		}
	}
}

int64_t tb_msim_run(struct tb_msim *m, int64_t now_ms)
{
	struct tb_msim_obj *o;
	bool freed;

	while (m->heap_n && m->heap[0]->wake_ms <= now_ms) {
		o = m->heap[0];
		freed = false;
		heap_remove(m, o);
		if (wl_sync(m, o, now_ms, &freed))
			set_rv(o->json, ++o->c->rv);
		if (freed)
			retry_pending(m, o->c, now_ms);
	}
	return tb_msim_next_wake(m);
}

/* ---- objects ------------------------------------------------------------------------ */

static void obj_free(struct tb_msim *m, struct tb_msim_obj *o)
{
	struct tb_kubelet k;

	if (!o)
		return;
	heap_remove(m, o);
	if (is_workload(o->res)) {
		k = kubelet_of(m, o->c);
		tb_kubelet_drain(&k, &o->wl);
	}
	tb_kubelet_wl_release(&o->wl);
	json_decref(o->json);
	tb_free(o);
}

struct tb_msim_obj *tb__msim_find(struct tb_msim_cluster *c, enum tb_msim_res r,
				  const char *ns, const char *name)
{
	char key[600];

	tb__msim_key(&tb_msim_resources[r], ns, name, key, sizeof(key));
	return tb_hmap_get(&c->objs[r], key);
}

static int not_found(enum tb_msim_res r, const char *name, struct tb_err *err)
{
	char res[64];

	return tb_error(err, TB_ENOENT, "%s \"%s\" not found",
			tb_msim_res_display(r, res, sizeof(res)), name);
}

static int invalid(enum tb_msim_res r, const char *name, const char *what, struct tb_err *err)
{
	const struct tb_msim_resinfo *ri = &tb_msim_resources[r];

	return tb_error(err, TB_EINVAL, "%s%s%s \"%s\" is invalid: %s", ri->kind,
			ri->group[0] ? "." : "", ri->group, name ? name : "", what);
}

/* What kube-apiserver checks of any object it is given: apiVersion and kind
 * (filled in when missing), the namespace, and the name on the URL. */
static int check_body(const struct tb_msim_ref *ref, json_t *obj, struct tb_err *err)
{
	const struct tb_msim_resinfo *ri = &tb_msim_resources[ref->res];
	const char *av = tb__msim_str(obj, "apiVersion"), *kind = tb__msim_str(obj, "kind");
	json_t *md = tb__msim_meta(obj);
	const char *ns = tb__msim_str(md, "namespace"), *name = tb__msim_str(md, "name");
	char want[64];

	snprintf(want, sizeof(want), "%s%s%s", ri->group, ri->group[0] ? "/" : "", ri->version);
	if (av && strcmp(av, want))
		return tb_error(err, TB_MSIM_EBADREQUEST, "the API version in the data (%s) does "
				"not match the expected API version (%s)", av, want);
	if (kind && strcmp(kind, ri->kind))
		return tb_error(err, TB_MSIM_EBADREQUEST, "the kind in the data (%s) does not "
				"match the expected kind (%s)", kind, ri->kind);
	json_object_set_new(obj, "apiVersion", json_string(want));
	json_object_set_new(obj, "kind", json_string(ri->kind));
	if (ri->namespaced) {
		if (ns && ns[0] && ref->ns && strcmp(ns, ref->ns))
			return tb_error(err, TB_MSIM_EBADREQUEST, "the namespace of the provided "
					"object does not match the namespace sent on the request");
		json_object_set_new(md, "namespace", json_string(ref->ns ? ref->ns : ""));
	} else {
		json_object_del(md, "namespace");
	}
	if (ref->name && ref->name[0] && name && strcmp(name, ref->name))
		return tb_error(err, TB_MSIM_EBADREQUEST, "the name of the object (%s) does not "
				"match the name on the URL (%s)", name, ref->name);
	return 0;
}

/* Validation: only what kube would refuse and a test might send. */
static int validate(const struct tb_msim_ref *ref, const json_t *obj, struct tb_err *err)
{
	const json_t *md = json_object_get(obj, "metadata");
	const char *name = tb__msim_str(md, "name");
	struct tb_errs e = TB_ERRS_INIT;
	struct tb_path p = TB_PATH_INIT;
	struct tb_strbuf sb = TB_STRBUF_INIT;
	const char *key = ref->res == TB_MSIM_JOBS ? "parallelism" : "replicas";
	const json_t *v;
	int rc = 0;

	tb_path_set(&p, "metadata.name");
	if (ref->res == TB_MSIM_NAMESPACES || ref->res == TB_MSIM_SERVICES)
		tb_check_dns1123_label(&e, &p, name);
	else
		tb_check_dns1123_subdomain(&e, &p, name);
	v = json_object_get(json_object_get(obj, "spec"), key);
	if (is_workload(ref->res) && v && (!json_is_integer(v) || json_integer_value(v) < 0)) {
		tb_path_set(&p, "spec");
		tb_path_field(&p, key);
		if (json_is_integer(v))
			tb_errs_invalid_int(&e, &p, json_integer_value(v),
					    "must be greater than or equal to 0");
		else
			tb_errs_invalid_raw(&e, &p, "null", "must be an integer");
	}
	if (e.n) {
		tb_errs_format(&e, &sb, 1);
		rc = invalid(ref->res, name, sb.buf, err);
	}
	tb_strbuf_release(&sb);
	tb_errs_release(&e);
	return rc;
}

/* What the API server fills in on create, beyond metadata. */
static void defaults(enum tb_msim_res r, json_t *obj)
{
	json_t *spec = json_object_get(obj, "spec"), *md = tb__msim_meta(obj), *labels;

	tb_template_default(obj);
	if (r == TB_MSIM_NAMESPACES) {
		labels = json_object_get(md, "labels");
		if (!json_is_object(labels)) {
			labels = json_object();
			json_object_set_new(md, "labels", labels);
		}
		json_object_set(labels, "kubernetes.io/metadata.name",
				json_object_get(md, "name"));
		json_object_set_new(obj, "spec", json_pack("{s:[s]}", "finalizers", "kubernetes"));
		json_object_set_new(obj, "status", json_pack("{s:s}", "phase", "Active"));
		return;
	}
	if (!is_workload(r))
		return;
	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(obj, "spec", spec);
	}
	if (r == TB_MSIM_DEPLOYMENTS) {
		if (!json_object_get(spec, "replicas"))
			json_object_set_new(spec, "replicas", json_integer(1));
		if (!json_object_get(spec, "strategy"))
			json_object_set_new(spec, "strategy", json_pack(
				"{s:s, s:{s:s, s:s}}", "type", "RollingUpdate", "rollingUpdate",
				"maxUnavailable", "25%", "maxSurge", "25%"));
		if (!json_object_get(spec, "revisionHistoryLimit"))
			json_object_set_new(spec, "revisionHistoryLimit", json_integer(10));
		if (!json_object_get(spec, "progressDeadlineSeconds"))
			json_object_set_new(spec, "progressDeadlineSeconds", json_integer(600));
	} else {
		if (!json_object_get(spec, "parallelism"))
			json_object_set_new(spec, "parallelism", json_integer(1));
		if (!json_object_get(spec, "completions"))
			json_object_set(spec, "completions", json_object_get(spec, "parallelism"));
		if (!json_object_get(spec, "backoffLimit"))
			json_object_set_new(spec, "backoffLimit", json_integer(6));
	}
}

/* Stores obj (taking the reference) as a new object of c. */
static struct tb_msim_obj *insert(struct tb_msim *m, struct tb_msim_cluster *c,
				  enum tb_msim_res r, json_t *obj, int64_t now_ms)
{
	struct tb_msim_obj *o = tb_calloc(1, sizeof(*o));
	const json_t *md = json_object_get(obj, "metadata");
	char key[600];

	o->json = obj;
	o->c = c;
	o->res = r;
	o->heap_idx = SIZE_MAX;
	o->start_ms = now_ms;
	tb__msim_key(&tb_msim_resources[r], tb__msim_str(md, "namespace"),
		     tb__msim_str(md, "name"), key, sizeof(key));
	tb_hmap_put(&c->objs[r], key, o);
	if (is_workload(r)) {
		wl_from_spec(o);
		wl_sync(m, o, now_ms, NULL);
	}
	set_rv(obj, ++c->rv);
	return o;
}

int tb_msim_create(struct tb_msim *m, struct tb_msim_cluster *c, const struct tb_msim_ref *ref,
		   const json_t *body, int64_t now_ms, json_t **ret, struct tb_err *err)
{
	const struct tb_msim_resinfo *ri = &tb_msim_resources[ref->res];
	struct tb_msim_ref r = *ref;
	json_t *obj = NULL, *md;
	const char *name, *gen;
	char uid[TB_UUID_BUFSZ], res[64], gname[300];
	unsigned char rnd[5];
	int rc, i;

	if (ri->store != TB_MSIM_STORED || (ref->sub && ref->sub[0]))
		return tb_error(err, TB_EUNSUPP, "the server does not allow this method on the "
				"requested resource");
	if (!json_is_object(body))
		return tb_error(err, TB_MSIM_EBADREQUEST, "the body of the request is not a "
				"JSON object");
	obj = json_deep_copy(body);
	r.name = NULL;
	if ((rc = check_body(&r, obj, err)))
		goto out;
	md = tb__msim_meta(obj);
	name = tb__msim_str(md, "name");
	gen = tb__msim_str(md, "generateName");
	if ((!name || !name[0]) && gen && gen[0]) {
		/* generateName: five random characters from kube's alphabet. */
		tb_rand_bytes(rnd, sizeof(rnd));
		snprintf(gname, sizeof(gname), "%s", gen);
		for (i = 0; i < 5; i++) {
			size_t len = strlen(gname);

			if (len + 1 < sizeof(gname)) {
				gname[len] = "bcdfghjklmnpqrstvwxz2456789"[rnd[i] % 27];
				gname[len + 1] = '\0';
			}
		}
		json_object_set_new(md, "name", json_string(gname));
		name = tb__msim_str(md, "name");
	}
	if (!name || !name[0]) {
		rc = invalid(ref->res, "", "metadata.name: Required value: name or generateName "
			     "is required", err);
		goto out;
	}
	if ((rc = validate(&r, obj, err)))
		goto out;
	if (ri->namespaced && !tb__msim_find(c, TB_MSIM_NAMESPACES, NULL, ref->ns)) {
		rc = not_found(TB_MSIM_NAMESPACES, ref->ns ? ref->ns : "", err);
		goto out;
	}
	if (tb__msim_find(c, ref->res, ref->ns, name)) {
		rc = tb_error(err, TB_EEXIST, "%s \"%s\" already exists",
			      tb_msim_res_display(ref->res, res, sizeof(res)), name);
		goto out;
	}
	/* Server-owned fields: whatever the client sent is replaced. */
	json_object_set_new(md, "uid", json_string(tb_rand_uuid(uid)));
	tb__msim_time(md, "creationTimestamp", now_ms);
	json_object_del(md, "deletionTimestamp");
	json_object_del(md, "deletionGracePeriodSeconds");
	json_object_del(md, "managedFields");
	json_object_del(md, "selfLink");
	if (is_workload(ref->res))
		json_object_set_new(md, "generation", json_integer(1));
	else
		json_object_del(md, "generation");
	if (ri->status)
		json_object_del(obj, "status");
	defaults(ref->res, obj);
	insert(m, c, ref->res, obj, now_ms);
	*ret = json_incref(obj);
	obj = NULL;
out:
	json_decref(obj);
	return rc;
}

/* The common end of PUT, PATCH and apply: obj (a new object the caller
 * still owns) replaces o's object or status. */
static int replace(struct tb_msim *m, struct tb_msim_obj *o, const struct tb_msim_ref *ref,
		   json_t *obj, int64_t now_ms, json_t **ret, struct tb_err *err)
{
	const struct tb_msim_resinfo *ri = &tb_msim_resources[o->res];
	json_t *old = o->json, *md, *omd = json_object_get(old, "metadata"), *next;
	const char *rv = NULL, *name;
	bool status_only = ref->sub && !strcmp(ref->sub, "status");
	bool freed = false;
	char res[64];
	int rc;

	if ((rc = check_body(ref, obj, err)))
		return rc;
	md = tb__msim_meta(obj);
	rv = tb__msim_str(md, "resourceVersion");
	name = tb__msim_str(omd, "name");
	if (rv && rv[0] && strcmp(rv, tb__msim_str(omd, "resourceVersion")))
		return tb_error(err, TB_ECONFLICT, "Operation cannot be fulfilled on %s \"%s\": "
				"the object has been modified; please apply your changes to the "
				"latest version and try again",
				tb_msim_res_display(o->res, res, sizeof(res)), name);
	if (status_only) {
		/* The status subresource changes nothing but status. */
		next = json_deep_copy(old);
		json_object_set(next, "status", json_object_get(obj, "status"));
	} else {
		json_object_set(md, "name", json_object_get(omd, "name"));
		if ((rc = validate(ref, obj, err)))
			return rc;
		next = json_deep_copy(obj);
		md = tb__msim_meta(next);
		json_object_set(md, "uid", json_object_get(omd, "uid"));
		json_object_set(md, "creationTimestamp", json_object_get(omd, "creationTimestamp"));
		json_object_del(md, "managedFields");
		if (ri->status) {
			if (json_object_get(old, "status"))
				json_object_set(next, "status", json_object_get(old, "status"));
			else
				json_object_del(next, "status");
		}
		if (is_workload(o->res)) {
			int64_t gen = json_integer_value(json_object_get(omd, "generation"));

			if (!json_equal(json_object_get(old, "spec"), json_object_get(next, "spec")))
				gen++;
			json_object_set_new(md, "generation", json_integer(gen));
		}
		if (o->res == TB_MSIM_NAMESPACES) {
			json_object_set(next, "spec", json_object_get(old, "spec"));
			defaults(o->res, next);
		}
	}
	json_object_set(tb__msim_meta(next), "resourceVersion",
			json_object_get(omd, "resourceVersion"));
	if (json_equal(next, old)) {
		/* A no-op write keeps the resourceVersion, as kube's does. */
		json_decref(next);
		*ret = json_incref(old);
		return 0;
	}
	o->json = next;
	json_decref(old);
	if (is_workload(o->res) && !status_only) {
		wl_from_spec(o);
		wl_sync(m, o, now_ms, &freed);
	}
	set_rv(o->json, ++o->c->rv);
	if (freed)
		retry_pending(m, o->c, now_ms);
	*ret = json_incref(o->json);
	return 0;
}

static struct tb_msim_obj *find_ref(struct tb_msim_cluster *c, const struct tb_msim_ref *ref,
				    struct tb_err *err)
{
	struct tb_msim_obj *o = NULL;

	if (tb_msim_resources[ref->res].store != TB_MSIM_STORED ||
	    (ref->sub && ref->sub[0] && strcmp(ref->sub, "status"))) {
		tb_error(err, TB_EUNSUPP, "the server does not allow this method on the "
			 "requested resource");
		return NULL;
	}
	if (ref->sub && ref->sub[0] && !tb_msim_resources[ref->res].status) {
		not_found(ref->res, ref->name, err);
		return NULL;
	}
	o = tb__msim_find(c, ref->res, ref->ns, ref->name);
	if (!o)
		not_found(ref->res, ref->name, err);
	return o;
}

int tb_msim_update(struct tb_msim *m, struct tb_msim_cluster *c, const struct tb_msim_ref *ref,
		   const json_t *body, int64_t now_ms, json_t **ret, struct tb_err *err)
{
	struct tb_msim_obj *o = find_ref(c, ref, err);
	json_t *obj;
	int rc;

	if (!o)
		return err ? err->code : -TB_ENOENT;
	if (!json_is_object(body))
		return tb_error(err, TB_MSIM_EBADREQUEST, "the body of the request is not a "
				"JSON object");
	obj = json_deep_copy(body);
	rc = replace(m, o, ref, obj, now_ms, ret, err);
	json_decref(obj);
	return rc;
}

int tb_msim_patch(struct tb_msim *m, struct tb_msim_cluster *c, const struct tb_msim_ref *ref,
		  enum tb_msim_patch type, const json_t *patch, int64_t now_ms, json_t **ret,
		  bool *ret_created, struct tb_err *err)
{
	static const enum tb_patch_type types[] = {
		[TB_MSIM_PATCH_MERGE] = TB_PATCH_MERGE, [TB_MSIM_PATCH_JSON] = TB_PATCH_JSON,
		[TB_MSIM_PATCH_STRATEGIC] = TB_PATCH_STRATEGIC,
		[TB_MSIM_PATCH_APPLY] = TB_PATCH_STRATEGIC,
	};
	struct tb_err perr = TB_ERR_INIT;
	struct tb_msim_obj *o;
	json_t *obj = NULL;
	int rc;

	*ret_created = false;
	if (type == TB_MSIM_PATCH_APPLY && tb_msim_resources[ref->res].store == TB_MSIM_STORED &&
	    (!ref->sub || !ref->sub[0]) && !tb__msim_find(c, ref->res, ref->ns, ref->name)) {
		/* Server-side apply of an object that does not exist creates it. */
		rc = tb_msim_create(m, c, ref, patch, now_ms, ret, err);
		*ret_created = rc == 0;
		return rc;
	}
	if (!(o = find_ref(c, ref, err)))
		return err ? err->code : -TB_ENOENT;
	/* Kinds without a strategic merge table fall back to merge semantics,
	 * the friendlier choice for a test server. */
	rc = tb_patch_apply(types[type], o->json, patch, tb_msim_resources[ref->res].kind, true,
			    &obj, &perr);
	if (rc == -TB_ECONFLICT)
		return tb_error(err, TB_ECONFLICT, "%s", perr.msg);
	if (rc)
		return tb_error(err, TB_MSIM_EBADREQUEST, "%s", perr.msg);
	rc = replace(m, o, ref, obj, now_ms, ret, err);
	json_decref(obj);
	return rc;
}

static void remove_obj(struct tb_msim *m, struct tb_msim_cluster *c, struct tb_msim_obj *o)
{
	const json_t *md = json_object_get(o->json, "metadata");
	char key[600];

	tb__msim_key(&tb_msim_resources[o->res], tb__msim_str(md, "namespace"),
		     tb__msim_str(md, "name"), key, sizeof(key));
	tb_hmap_del(&c->objs[o->res], key);
	obj_free(m, o);
}

/* Deletes every object in namespace ns. */
static void delete_contents(struct tb_msim *m, struct tb_msim_cluster *c, const char *ns)
{
	struct tb_msim_obj **doomed = NULL, *o;
	size_t n = 0, alloc = 0, i;
	const char *key;
	int r;

	for (r = 0; r < _TB_MSIM_RES_MAX; r++) {
		if (!tb_msim_resources[r].namespaced)
			continue;
		for (i = 0; tb_hmap_next(&c->objs[r], &i, &key, (void **)&o);) {
			if (strcmp(tb__msim_str(json_object_get(o->json, "metadata"), "namespace"),
				   ns))
				continue;
			TB_GROW(doomed, alloc, n + 1);
			doomed[n++] = o;
		}
	}
	for (i = 0; i < n; i++)
		remove_obj(m, c, doomed[i]);
	tb_free(doomed);
}

int tb_msim_delete(struct tb_msim *m, struct tb_msim_cluster *c, const struct tb_msim_ref *ref,
		   const char *pre_uid, const char *pre_rv, int64_t now_ms, json_t **ret,
		   struct tb_err *err)
{
	struct tb_msim_obj *o;
	const json_t *md;
	char res[64];
	bool workload;
	int i;

	if (ref->sub && ref->sub[0])
		return tb_error(err, TB_EUNSUPP, "the server does not allow this method on the "
				"requested resource");
	if (!(o = find_ref(c, ref, err)))
		return err ? err->code : -TB_ENOENT;
	md = json_object_get(o->json, "metadata");
	tb_msim_res_display(ref->res, res, sizeof(res));
	if ((pre_uid && strcmp(pre_uid, tb__msim_str(md, "uid"))) ||
	    (pre_rv && strcmp(pre_rv, tb__msim_str(md, "resourceVersion"))))
		return tb_error(err, TB_ECONFLICT, "Operation cannot be fulfilled on %s \"%s\": "
				"the precondition on %s did not hold", res, ref->name,
				pre_uid && strcmp(pre_uid, tb__msim_str(md, "uid")) ? "UID" :
				"ResourceVersion");
	if (ref->res == TB_MSIM_NAMESPACES) {
		for (i = 0; initial_namespaces[i]; i++)
			if (!strcmp(ref->name, initial_namespaces[i]) &&
			    strcmp(ref->name, "kube-node-lease"))
				return tb_error(err, TB_MSIM_EFORBIDDEN, "namespaces \"%s\" is "
						"forbidden: this namespace may not be deleted",
						ref->name);
		delete_contents(m, c, ref->name);
	}
	workload = is_workload(ref->res);
	*ret = json_incref(o->json);
	set_rv(*ret, ++c->rv);
	remove_obj(m, c, o);
	if (workload)
		retry_pending(m, c, now_ms);
	return 0;
}

/* ---- clusters -------------------------------------------------------------------- */

void tb_msim_init(struct tb_msim *m, const struct tb_msim_opts *o)
{
	memset(m, 0, sizeof(*m));
	m->opts = *o;
}

static void cluster_free(struct tb_msim *m, struct tb_msim_cluster *c)
{
	struct tb_msim_obj *o;
	const char *key;
	size_t i;
	int r;

	if (!c)
		return;
	for (r = 0; r < _TB_MSIM_RES_MAX; r++) {
		for (i = 0; tb_hmap_next(&c->objs[r], &i, &key, (void **)&o);)
			obj_free(m, o);
		tb_hmap_release(&c->objs[r]);
	}
	tb_free(c->nodes);
	tb_free(c->name);
	tb_free(c);
}

void tb_msim_release(struct tb_msim *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		cluster_free(m, m->clusters[i]);
	tb_free(m->clusters);
	tb_free(m->heap);
	tb_hmap_release(&m->by_name);
	memset(m, 0, sizeof(*m));
}

struct tb_msim_cluster *tb_msim_cluster(const struct tb_msim *m, const char *name)
{
	return tb_hmap_get(&m->by_name, name);
}

int tb_msim_add_cluster(struct tb_msim *m, const char *name, int64_t now_ms,
			struct tb_err *err)
{
	struct tb_msim_ref ref = { TB_MSIM_NAMESPACES, NULL, NULL, "" };
	struct tb_msim_cluster *c;
	json_t *ns, *out = NULL;
	size_t i;

	if (!tb_is_dns1123_label(name))
		return tb_error(err, TB_EINVAL, "cluster name \"%s\" is not a DNS-1123 label "
				"(lowercase letters, digits and '-', at most 63)", name);
	if (tb_msim_cluster(m, name))
		return tb_error(err, TB_EEXIST, "cluster \"%s\" is there twice", name);
	c = tb_calloc(1, sizeof(*c));
	c->name = tb_strdup(name);
	c->created_ms = now_ms;
	c->index = m->n;
	c->fault = (struct tb_fault)TB_FAULT_INIT;
	c->nodes = tb_calloc(m->opts.nodes ? m->opts.nodes : 1, sizeof(*c->nodes));
	for (i = 0; i < m->opts.nodes; i++) {
		c->nodes[i].cpu_m = m->opts.node_cpu_m;
		c->nodes[i].mem = m->opts.node_mem;
		c->nodes[i].pods = m->opts.node_pods;
	}
	c->nodes_rv = ++c->rv;
	TB_GROW(m->clusters, m->alloc, m->n + 1);
	m->clusters[m->n++] = c;
	tb_hmap_put(&m->by_name, name, c);
	for (i = 0; initial_namespaces[i]; i++) {
		ns = json_pack("{s:{s:s}}", "metadata", "name", initial_namespaces[i]);
		tb_msim_create(m, c, &ref, ns, now_ms, &out, NULL);
		json_decref(out);
		json_decref(ns);
	}
	return 0;
}
