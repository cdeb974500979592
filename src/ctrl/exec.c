/* Execution (Karmada's execution and work status controllers): every Work in
 * karmada-es-<cluster> is applied to that member with server-side apply, as
 * field manager "tugboat", its objects labelled karmada.io/managed=true and
 * annotated with the Work's name; a Work marked for deletion has its
 * objects deleted from the member, and only then goes from the store (its
 * finalizer). The member's view of each object (its status) comes back with
 * the apply and from a periodic list of the managed workloads, into the
 * Work's status and the binding's status.aggregatedStatus, which graceful
 * eviction reads.
 *
 * Safety: an object on a member is deleted only for a Work that was marked
 * for deletion, which works.c does once its binding no longer holds the
 * cluster (tb_evict_keeps). Never because a request failed, a list was
 * partial, or tugd restarted: the mark is in the store, so a restart or a
 * member that comes back picks up exactly the deletions still owed. Failed
 * requests are retried with back-off; a member that is not answering gets
 * nothing new until a probe finds it healthy again. */
#include "ctrl/tugd_int.h"

#include <event2/event.h>
#include <stdio.h>
#include <string.h>

#include "api/names.h"
#include "api/stamp.h"
#include "api/template.h"
#include "lib/log.h"
#include "lib/mem.h"

#define FIELD_MANAGER "tugboat"
#define ANN_WORK_NAME "work.karmada.io/name"
#define ANN_WORK_NS "work.karmada.io/namespace"
#define EXEC_MAX_INFLIGHT 8		/* per member, of applies and deletes */
#define EXEC_BACKOFF_MS 500
#define EXEC_BACKOFF_MAX_MS 30000
#define EXEC_TIMEOUT_MS 10000

/* What exec knows of one Work. */
struct tb_xwork {
	struct tb_tugd *t;
	char *key;			/* "ns/name" */
	char *cluster;
	int64_t gen_want;		/* the Work's generation */
	int64_t gen_done;		/* the generation last applied in full */
	bool deleting;			/* marked for deletion in the store */
	bool gone;			/* left the store while a request was out */
	bool busy;			/* in its request's callback (the store may
					 * report it deleted from under it) */
	struct tb_member_req *req;
	size_t step;			/* the manifest being applied or deleted */
	int64_t gen_started;
	unsigned attempts;
	int64_t next_ms;		/* back-off: not before */
	char *status;			/* the member object's status last recorded */
	json_t *seen;			/* listed with a new status, to record (t->records) */
	bool recorded_ok;		/* the last record said applied */
};

static void xwork_free(struct tb_xwork *x)
{
	if (!x)
		return;
	tb_member_request_cancel(x->req);
	json_decref(x->seen);
	tb_free(x->key);
	tb_free(x->cluster);
	tb_free(x->status);
	tb_free(x);
}

static struct tb_member *member_of(struct tb_tugd *t, const struct tb_xwork *x)
{
	return tb_hmap_get(&t->members, x->cluster);
}

static bool member_up(const struct tb_member *m)
{
	return m->last_probe == TB_PROBE_OK && m->probe_sent_ms;
}

/* ---- store side -------------------------------------------------------------------- */

static json_t *load_work(struct tb_tugd *t, const char *key)
{
	const char *slash = strchr(key, '/');
	char ns[300];
	const struct tb_store_obj *o;

	snprintf(ns, sizeof(ns), "%.*s", (int)(slash - key), key);
	o = tb_store_get(t->store, RES_WORKS, ns, slash + 1);
	return o ? json_loadb(o->json, o->len, 0, NULL) : NULL;
}

static json_t *cond(const char *type, bool ok, const char *reason, const char *msg,
		    const json_t *old, int64_t now)
{
	json_t *c = json_pack("{s:s, s:s, s:s, s:s}", "type", type, "status", ok ? "True" : "False",
			      "reason", reason, "message", msg);
	size_t i;
	json_t *o;

	/* The transition time moves only when the status does. */
	json_array_foreach(old, i, o)
		if (json_equal(json_object_get(o, "type"), json_object_get(c, "type")) &&
		    json_equal(json_object_get(o, "status"), json_object_get(c, "status")) &&
		    json_object_get(o, "lastTransitionTime")) {
			json_object_set(c, "lastTransitionTime",
					json_object_get(o, "lastTransitionTime"));
			return c;
		}
	json_object_set_new(c, "lastTransitionTime", tb_stamp_time(now));
	return c;
}

/* Karmada's FullyApplied condition: every target cluster has its Work
 * applied. */
static void fully_applied(struct tb_tugd *t, json_t *b, json_t *st, const json_t *agg)
{
	const json_t *targets = json_object_get(json_object_get(b, "spec"), "clusters");
	json_t *conds = json_object_get(st, "conditions"), *tc, *e, *c;
	bool all = json_array_size(targets) > 0;
	size_t i, k;

	json_array_foreach(targets, i, tc) {
		bool found = false;

		json_array_foreach(agg, k, e)
			if (json_equal(json_object_get(e, "clusterName"), json_object_get(tc, "name")))
				found = json_is_true(json_object_get(e, "applied"));
		all &= found;
	}
	c = cond("FullyApplied", all, all ? "FullyAppliedSuccess" : "FullyAppliedFailed",
		 all ? "All works have been successfully applied" :
		 "Failed to apply all works, see status.aggregatedStatus for details", conds,
		 t->now_ms());
	if (!json_is_array(conds)) {
		conds = json_array();
		json_object_set_new(st, "conditions", conds);
	}
	json_array_foreach(conds, i, e)
		if (json_equal(json_object_get(e, "type"), json_object_get(c, "type")))
			break;
	if (i < json_array_size(conds))
		json_array_set_new(conds, i, c);
	else
		json_array_append_new(conds, c);
}

/* Sets (item not NULL) or removes the binding's aggregatedStatus entry for
 * cluster, keeping the entries in cluster order as Karmada does. */
static void set_aggregated(struct tb_tugd *t, const json_t *work, const char *cluster,
			   json_t *item)
{
	const char *res, *ns, *name;
	const struct tb_store_obj *o;
	json_t *b, *st, *agg, *e;
	size_t i;

	if (!tb__work_binding(work, &res, &ns, &name) || !(o = tb_store_get(t->store, res, ns, name)))
		goto out;
	b = json_loadb(o->json, o->len, 0, NULL);
	st = json_object_get(b, "status");
	if (!json_is_object(st)) {
		st = json_object();
		json_object_set_new(b, "status", st);
	}
	agg = json_object_get(st, "aggregatedStatus");
	if (!json_is_array(agg)) {
		agg = json_array();
		json_object_set_new(st, "aggregatedStatus", agg);
	}
	json_array_foreach(agg, i, e) {
		int c = strcmp(json_string_value(json_object_get(e, "clusterName")) ?: "", cluster);

		if (!c) {
			if (item)
				json_array_set(agg, i, item);
			else
				json_array_remove(agg, i);
			break;
		}
		if (c > 0) {
			if (item)
				json_array_insert(agg, i, item);
			break;
		}
	}
	if (i == json_array_size(agg) && item)
		json_array_append(agg, item);
	if (!json_array_size(agg))
		json_object_del(st, "aggregatedStatus");
	fully_applied(t, b, st, agg);
	json_object_del(json_object_get(b, "metadata"), "resourceVersion");
	tb__tugd_put(t, tb_kind_find("work.karmada.io/v1alpha2", *res == 'r' ?
				     "ResourceBinding" : "ClusterResourceBinding"),
		     res, b, false, NULL);
	json_decref(b);
out:
	json_decref(item);
}

/* Records what the member said: the Work's Applied condition and, when obj
 * (the member's object) is given, its status as the manifest's status and
 * the binding's aggregated status for this cluster. */
static void record(struct tb_tugd *t, struct tb_xwork *x, bool applied, const char *msg,
		   const json_t *obj)
{
	json_t *w, *st, *ms, *mst = obj ? json_object_get(obj, "status") : NULL, *item;
	const char *health = "Unknown";
	char *s = NULL;
	int64_t now = t->now_ms();

	/* Most lists bring nothing new: compare before any parsing. */
	if (obj) {
		s = json_dumps(mst ? mst : json_null(),
			       JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		if (applied && x->recorded_ok && x->status && !strcmp(x->status, s)) {
			free(s);
			return;
		}
	} else if (applied && x->recorded_ok) {
		return;		/* applied again: the next list tells how it goes */
	}
	if (!(w = load_work(t, x->key))) {
		free(s);
		return;
	}
	x->recorded_ok = applied;
	st = json_object_get(w, "status");
	if (!json_is_object(st)) {
		st = json_object();
		json_object_set_new(w, "status", st);
	}
	json_object_set_new(st, "conditions",
			    json_pack("[o]", cond("Applied", applied, applied ? "AppliedSuccessful" :
						  "AppliedFailed", msg, json_object_get(st, "conditions"),
						  now)));
	if (obj) {
		const char *av = json_string_value(json_object_get(obj, "apiVersion")) ?: "";
		const char *sl = strchr(av, '/');
		const json_t *md = json_object_get(obj, "metadata");
		char group[256];

		snprintf(group, sizeof(group), "%.*s", sl ? (int)(sl - av) : 0, av);
		health = tb_health_name(tb_template_health(obj));
		ms = json_pack("[{s:{s:i, s:s, s:s, s:s, s:s, s:s}, s:s}]", "identifier",
			       "ordinal", 0, "group", group, "version", sl ? sl + 1 : av, "kind",
			       json_string_value(json_object_get(obj, "kind")) ?: "",
			       "namespace", json_string_value(json_object_get(md, "namespace")) ?: "",
			       "name", json_string_value(json_object_get(md, "name")) ?: "",
			       "health", health);
		if (mst)
			json_object_set(json_array_get(ms, 0), "status", mst);
		json_object_set_new(st, "manifestStatuses", ms);
		tb_free(x->status);
		x->status = tb_strdup(s);
		free(s);
	}
	json_object_del(json_object_get(w, "metadata"), "resourceVersion");
	tb__tugd_put(t, tb_kind_find("work.karmada.io/v1alpha1", "Work"), RES_WORKS, w, false,
		     NULL);
	item = json_pack("{s:s, s:b}", "clusterName", x->cluster, "applied", applied);
	if (!applied)
		json_object_set_new(item, "appliedMessage", json_string(msg));
	if (obj && json_object_get(obj, "status"))
		json_object_set(item, "status", json_object_get(obj, "status"));
	json_object_set_new(item, "health", json_string(obj ? health : applied ? "Unknown" :
							"Unhealthy"));
	set_aggregated(t, w, x->cluster, item);
	json_decref(w);
}

/* Would recording obj as x's member object change anything? */
static bool status_changed(const struct tb_xwork *x, const json_t *obj)
{
	const json_t *mst = json_object_get(obj, "status");
	char *s;
	bool changed;

	if (!x->recorded_ok || !x->status)
		return true;
	s = json_dumps(mst ? mst : json_null(), JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	changed = !s || strcmp(x->status, s);
	free(s);
	return changed;
}

/* Does obj's status describe its current spec (observedGeneration caught
 * up)? Objects without an observedGeneration: yes. */
static bool status_current(const json_t *obj)
{
	const json_t *og = json_object_get(json_object_get(obj, "status"), "observedGeneration");
	const json_t *g = json_object_get(json_object_get(obj, "metadata"), "generation");

	return obj && (!og || !g || json_integer_value(og) >= json_integer_value(g));
}

/* ---- requests ------------------------------------------------------------------------- */

/* The member path of manifest m (the object itself). */
static bool path_of(const json_t *m, char *buf, size_t n)
{
	const char *av = json_string_value(json_object_get(m, "apiVersion"));
	const char *kind = json_string_value(json_object_get(m, "kind"));
	const json_t *md = json_object_get(m, "metadata");
	const char *ns = json_string_value(json_object_get(md, "namespace"));
	const char *name = json_string_value(json_object_get(md, "name"));
	const struct tb_kind *k = av && kind ? tb_kind_find(av, kind) : NULL;
	int len;

	if (!k || !name || (k->namespaced && !ns))
		return false;
	if (k->namespaced)
		len = snprintf(buf, n, "/%s/%s/namespaces/%s/%s/%s", k->group[0] ? "apis" : "api",
			       av, ns, k->plural, name);
	else
		len = snprintf(buf, n, "/%s/%s/%s/%s", k->group[0] ? "apis" : "api", av,
			       k->plural, name);
	return len > 0 && (size_t)len < n - 64;	/* room for the query */
}

static void pump(struct tb_member *m);

static void backoff(struct tb_tugd *t, struct tb_xwork *x, const char *what, const char *msg)
{
	int64_t d = EXEC_BACKOFF_MS << (x->attempts < 6 ? x->attempts : 6);

	if (d > EXEC_BACKOFF_MAX_MS)
		d = EXEC_BACKOFF_MAX_MS;
	x->attempts++;
	x->next_ms = t->now_ms() + d;
	tb_warn("exec %s on %s: %s failed (%s); retrying in %lldms", x->key, x->cluster, what,
		msg, (long long)d);
}

static void start(struct tb_tugd *t, struct tb_member *m, struct tb_xwork *x);

static void finish(struct tb_tugd *t, struct tb_xwork *x)
{
	struct tb_member *m = member_of(t, x);

	x->busy = false;
	if (m && m->inflight)
		m->inflight--;
	if (x->gone) {
		tb_hmap_del(&t->xworks, x->key);
		xwork_free(x);
	} else if (m && (x->deleting || x->gen_done != x->gen_want)) {
		tb_queue_add(&m->todo, x->key);
	}
	if (m)
		pump(m);
}

static void on_namespace(const struct tb_member_resp *r, void *data)
{
	struct tb_xwork *x = data;
	struct tb_tugd *t = x->t;
	struct tb_member *m = member_of(t, x);

	x->req = NULL;
	x->busy = true;
	if (!r->rc && (r->status == 201 || r->status == 409) && m && !x->gone) {
		m->inflight--;
		x->busy = false;
		start(t, m, x);		/* the same step again, now that it has a namespace */
		return;
	}
	backoff(t, x, "creating the namespace", r->rc ? r->error : r->body);
	finish(t, x);
}

static void on_done(const struct tb_member_resp *r, void *data)
{
	struct tb_xwork *x = data;
	struct tb_tugd *t = x->t;
	struct tb_member *m = member_of(t, x);
	json_t *w, *body = NULL;
	bool ok;
	char what[64];

	x->req = NULL;
	x->busy = true;
	if (x->gone || !m) {
		finish(t, x);
		return;
	}
	ok = !r->rc && (r->status / 100 == 2 || (x->deleting && r->status == 404));
	snprintf(what, sizeof(what), "%s of manifest %zu", x->deleting ? "delete" : "apply",
		 x->step);
	if (!ok && !r->rc && r->status == 404 && !x->deleting &&
	    strstr(r->body, "namespaces") && (w = load_work(t, x->key))) {
		/* Karmada propagates namespaces on its own; the least we owe a
		 * member is the namespace its objects go into. */
		const json_t *md = json_object_get(json_array_get(json_object_get(
			json_object_get(json_object_get(w, "spec"), "workload"), "manifests"),
			x->step), "metadata");
		char *ns = json_dumps(json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind",
						"Namespace", "metadata", "name",
						json_string_value(json_object_get(md, "namespace")) ?: ""),
				      JSON_COMPACT);

		json_decref(w);
		if (tb_member_request(&t->mc, &m->conn, "POST", "/api/v1/namespaces",
				      "application/json", ns, strlen(ns), EXEC_TIMEOUT_MS,
				      on_namespace, x, &x->req, NULL) == 0) {
			free(ns);
			x->busy = false;
			return;
		}
		free(ns);
	}
	if (!ok) {
		char msg[300];

		snprintf(msg, sizeof(msg), "%s", r->rc ? r->error : r->body);
		backoff(t, x, what, msg);
		if (!x->deleting)
			record(t, x, false, msg, NULL);
		finish(t, x);
		return;
	}
	if (!x->deleting && r->len)
		body = json_loadb(r->body, r->len, 0, NULL);
	x->step++;
	x->attempts = 0;
	if ((w = load_work(t, x->key))) {
		size_t n = json_array_size(json_object_get(json_object_get(json_object_get(w,
							"spec"), "workload"), "manifests"));

		json_decref(w);
		if (x->step < n) {
			json_decref(body);
			m->inflight--;
			x->busy = false;
			start(t, m, x);
			return;
		}
	}
	if (x->deleting) {
		char ns[300];
		const char *slash = strchr(x->key, '/');

		snprintf(ns, sizeof(ns), "%.*s", (int)(slash - x->key), x->key);
		tb_info("exec %s: its objects are deleted from %s", x->key, x->cluster);
		if ((w = load_work(t, x->key))) {
			set_aggregated(t, w, x->cluster, NULL);
			json_decref(w);
		}
		x->deleting = false;
		tb__tugd_delete(t, RES_WORKS, ns, slash + 1);	/* the finalizer is done */
	} else {
		x->gen_done = x->gen_started;
		/* Until a list says otherwise; the next one comes soon. */
		m->unsettled = (1u << TB_MEMBER_LISTS) - 1;
		m->next_list_ms = 0;
		/* The object as the apply left it: its status is news only if
		 * it is about this generation (else the member has not acted
		 * on it yet, and the list that follows soon will say). */
		record(t, x, true, "Manifest has been successfully applied",
		       status_current(body) ? body : NULL);
	}
	json_decref(body);
	finish(t, x);
}

/* Starts the request for x's current step: apply or delete one manifest. */
static void start(struct tb_tugd *t, struct tb_member *m, struct tb_xwork *x)
{
	json_t *w = load_work(t, x->key), *man, *md, *ann;
	struct tb_err err = TB_ERR_INIT;
	char path[1200], *body = NULL;
	const char *slash = strchr(x->key, '/');
	int rc = -1;

	man = json_array_get(json_object_get(json_object_get(json_object_get(w, "spec"),
					     "workload"), "manifests"), x->step);
	if (!man) {
		/* Nothing (more) to do for this Work. */
		x->gen_done = x->gen_want;
		json_decref(w);
		if (x->deleting && w) {
			char ns[300];

			snprintf(ns, sizeof(ns), "%.*s", (int)(slash - x->key), x->key);
			tb__tugd_delete(t, RES_WORKS, ns, slash + 1);
		}
		return;
	}
	m->inflight++;
	if (!path_of(man, path, sizeof(path))) {
		backoff(t, x, "mapping the manifest", "kind not served by Tugboat");
		record(t, x, false, "the manifest's kind is not one Tugboat applies", NULL);
		json_decref(w);
		finish(t, x);
		return;
	}
	if (x->deleting) {
		snprintf(path + strlen(path), sizeof(path) - strlen(path),
			 "?propagationPolicy=Background");
		rc = tb_member_request(&t->mc, &m->conn, "DELETE", path, NULL, NULL, 0,
				       EXEC_TIMEOUT_MS, on_done, x, &x->req, &err);
	} else {
		man = json_deep_copy(man);
		md = json_object_get(man, "metadata");
		ann = json_object_get(md, "annotations");
		if (!json_is_object(ann)) {
			ann = json_object();
			json_object_set_new(md, "annotations", ann);
		}
		json_object_set_new(ann, ANN_WORK_NAME, json_string(slash + 1));
		json_object_set_new(ann, ANN_WORK_NS, json_stringn(x->key, (size_t)(slash - x->key)));
		body = json_dumps(man, JSON_COMPACT);
		json_decref(man);
		snprintf(path + strlen(path), sizeof(path) - strlen(path),
			 "?fieldManager=" FIELD_MANAGER "&force=true");
		x->gen_started = x->gen_want;
		rc = tb_member_request(&t->mc, &m->conn, "PATCH", path,
				       "application/apply-patch+yaml", body, strlen(body),
				       EXEC_TIMEOUT_MS, on_done, x, &x->req, &err);
		free(body);
	}
	json_decref(w);
	if (rc < 0) {
		backoff(t, x, "starting the request", err.msg);
		finish(t, x);
	}
}

static void arm_retry(struct tb_member *m, int64_t at)
{
	int64_t now = m->t->now_ms(), d = at > now ? at - now : 0;
	struct timeval tv = { (time_t)(d / 1000), (suseconds_t)((d % 1000) * 1000) };

	if (!evtimer_pending(m->exec_timer, NULL))
		evtimer_add(m->exec_timer, &tv);
}

/* Starts what m has to do, up to its share of requests in flight. */
static void pump(struct tb_member *m)
{
	struct tb_tugd *t = m->t;
	int64_t now = t->now_ms(), later = 0;
	struct tb_queue wait = TB_QUEUE_INIT;
	char *key;

	if (!member_up(m))
		return;		/* the next healthy probe calls us again */
	while (m->inflight < EXEC_MAX_INFLIGHT && (key = tb_queue_pop(&m->todo))) {
		struct tb_xwork *x = tb_hmap_get(&t->xworks, key);

		if (!x || x->req || (!x->deleting && x->gen_done == x->gen_want)) {
			tb_free(key);
			continue;
		}
		if (x->next_ms > now) {
			later = !later || x->next_ms < later ? x->next_ms : later;
			tb_queue_add(&wait, key);
			tb_free(key);
			continue;
		}
		tb_free(key);
		x->step = 0;
		start(t, m, x);
	}
	while ((key = tb_queue_pop(&wait))) {
		tb_queue_add(&m->todo, key);
		tb_free(key);
	}
	tb_queue_release(&wait);
	if (later)
		arm_retry(m, later);
}

static void on_retry(evutil_socket_t fd, short what, void *data)
{
	(void)fd;
	(void)what;
	pump(data);
}

/* ---- status collection ------------------------------------------------------------------ */

/* The managed workloads whose status matters, listed per member. */
static const struct {
	const char *path, *api_version, *kind;
} lists[TB_MEMBER_LISTS] = {
	{ "/apis/apps/v1/deployments", "apps/v1", "Deployment" },
	{ "/apis/batch/v1/jobs", "batch/v1", "Job" },
};

static void on_list(const struct tb_member_resp *r, void *data)
{
	struct tb_member_slot *slot = data;
	struct tb_member *m = slot->m;
	struct tb_tugd *t = m->t;
	size_t which = slot->which, i;
	json_t *j, *item;

	m->list_req[which] = NULL;
	if (r->rc || r->status != 200)
		return;		/* a failed list changes nothing */
	/* The same items as the last list, every one of them recorded then:
	 * nothing to do, and what that list said of them still holds (an
	 * apply since marked the list unsettled: it settles again). */
	if (tb__member_unchanged(&m->list_fp[which], r, t->now_ms())) {
		if (m->list_fp[which].unsettled)
			m->unsettled |= 1u << which;
		else
			m->unsettled &= ~(1u << which);
		return;
	}
	if (!(j = json_loadb(r->body, r->len, 0, NULL))) {
		m->list_fp[which].hash = 0;
		return;
	}
	m->unsettled &= ~(1u << which);
	json_array_foreach(json_object_get(j, "items"), i, item) {
		const json_t *ann = json_object_get(json_object_get(item, "metadata"),
						    "annotations");
		const char *wn = json_string_value(json_object_get(ann, ANN_WORK_NAME));
		const char *wns = json_string_value(json_object_get(ann, ANN_WORK_NS));
		struct tb_xwork *x;
		char key[600];

		if (!wn || !wns)
			continue;
		snprintf(key, sizeof(key), "%s/%s", wns, wn);
		x = tb_hmap_get(&t->xworks, key);
		/* An item not recorded now (its Work unknown yet, an apply in
		 * flight) must be looked at again: parse the next list. */
		if (!x || x->deleting || x->req || x->gen_done != x->gen_want)
			m->list_fp[which].hash = 0;
		if (x && !x->deleting && !x->req && x->gen_done == x->gen_want &&
		    !strcmp(x->cluster, m->name)) {
			/* List items come without their type. */
			json_object_set_new(item, "apiVersion", json_string(lists[which].api_version));
			json_object_set_new(item, "kind", json_string(lists[which].kind));
			if (tb_template_health(item) != TB_HEALTH_HEALTHY)
				m->unsettled |= 1u << which;
			/* Recorded by the reconcile turn, in bounded batches and
			 * after scheduling: a list of thousands must not hold the
			 * loop, nor a failover's placements wait behind it. */
			if (status_changed(x, item)) {
				json_decref(x->seen);
				x->seen = json_incref(item);
				tb_queue_add(&t->records, x->key);
				tb__tugd_kick(t);
			}
		}
	}
	m->list_fp[which].unsettled = m->unsettled & (1u << which);
	json_decref(j);
}

void tb__exec_member_ready(struct tb_member *m)
{
	struct tb_tugd *t = m->t;
	int64_t now = t->now_ms(), period = t->world.cfg.probe_period_ms * 2;
	char path[200];

	pump(m);
	/* Lists come often while something there is on its way (replicas
	 * starting, which graceful eviction waits for), else as seldom as the
	 * cluster status. */
	if (period < 1000)
		period = 1000;
	if (!m->unsettled)
		period = period > TB_MEMBER_STATUS_MS ? period : TB_MEMBER_STATUS_MS;
	if (now < m->next_list_ms)
		return;
	/* Placements first: while a failover's evictions wait for answers or
	 * its bindings wait to be placed and written, a round of lists
	 * (thousands of objects to parse, over all the members) would hold
	 * them up. It waits, one period at most. */
	if (tb_world_deciding(&t->world) &&
	    m->next_list_ms && now < m->next_list_ms + period)
		return;
	m->next_list_ms = now + period;
	for (size_t i = 0; i < TB_MEMBER_LISTS; i++) {
		if (m->list_req[i])
			continue;
		m->list_slot[i].m = m;
		m->list_slot[i].which = i;
		snprintf(path, sizeof(path), "%s?labelSelector=karmada.io%%2Fmanaged%%3Dtrue",
			 lists[i].path);
		tb_member_request(&t->mc, &m->conn, "GET", path, NULL, NULL, 0, EXEC_TIMEOUT_MS,
				  on_list, &m->list_slot[i], &m->list_req[i], NULL);
	}
}

size_t tb__exec_run(struct tb_tugd *t, size_t max)
{
	char *key;

	for (size_t n = 0; n < max && (key = tb_queue_pop(&t->records)); n++) {
		struct tb_xwork *x = tb_hmap_get(&t->xworks, key);

		tb_free(key);
		if (!x || !x->seen)
			continue;
		if (!x->deleting && !x->req && x->gen_done == x->gen_want)
			record(t, x, true, "Manifest has been successfully applied", x->seen);
		json_decref(x->seen);
		x->seen = NULL;
	}
	return tb_queue_len(&t->records);
}

/* ---- Work events ------------------------------------------------------------------------- */

void tb__exec_on_work(struct tb_tugd *t, const struct tb_store_event *ev, const json_t *work)
{
	const char *ns = ev->obj->ns;
	struct tb_xwork *x;
	struct tb_member *m;
	char key[600];
	const json_t *md;

	if (strncmp(ns, TB_EXEC_NS_PREFIX, strlen(TB_EXEC_NS_PREFIX)))
		return;
	snprintf(key, sizeof(key), "%s/%s", ns, ev->obj->name);
	x = tb_hmap_get(&t->xworks, key);
	if (ev->type == TB_EV_DELETED) {
		if (!x)
			return;
		if (x->req || x->busy) {
			x->gone = true;		/* freed when its request ends */
			return;
		}
		tb_hmap_del(&t->xworks, key);
		xwork_free(x);
		return;
	}
	if (!x) {
		x = tb_calloc(1, sizeof(*x));
		x->t = t;
		x->key = tb_strdup(key);
		x->cluster = tb_strdup(ns + strlen(TB_EXEC_NS_PREFIX));
		tb_hmap_put(&t->xworks, x->key, x);
	}
	md = json_object_get(work, "metadata");
	x->gen_want = json_integer_value(json_object_get(md, "generation"));
	if (json_object_get(md, "deletionTimestamp") && !x->deleting) {
		x->deleting = true;
		x->attempts = 0;
		x->next_ms = 0;
	}
	if ((x->deleting || x->gen_done != x->gen_want) && (m = member_of(t, x))) {
		tb_queue_add(&m->todo, key);
		pump(m);
	}
}

void tb__exec_member_init(struct tb_member *m)
{
	struct tb_tugd *t = m->t;
	const char *key;
	void *v;

	m->exec_timer = evtimer_new(t->base, on_retry, m);
	/* The Works that were waiting for it. */
	for (size_t i = 0; tb_hmap_next(&t->xworks, &i, &key, &v);) {
		struct tb_xwork *x = v;

		if (!strcmp(x->cluster, m->name) && (x->deleting || x->gen_done != x->gen_want))
			tb_queue_add(&m->todo, x->key);
	}
}

void tb__exec_member_release(struct tb_member *m)
{
	struct tb_tugd *t = m->t;
	const char *key;
	void *v;

	/* Requests to it end here: their Works wait for the next member. */
	for (size_t i = 0; tb_hmap_next(&t->xworks, &i, &key, &v);) {
		struct tb_xwork *x = v;

		if (!x->req || strcmp(x->cluster, m->name))
			continue;
		tb_member_request_cancel(x->req);
		x->req = NULL;
		if (x->gone) {
			tb_hmap_del(&t->xworks, x->key);
			xwork_free(x);
			i = 0;	/* the table changed under the iteration */
		}
	}
	for (size_t i = 0; i < TB_MEMBER_LISTS; i++)
		tb_member_request_cancel(m->list_req[i]);
	if (m->exec_timer)
		event_free(m->exec_timer);
	tb_queue_release(&m->todo);
}

void tb__exec_init(struct tb_tugd *t)
{
	(void)t;	/* the index fills from the Works tugd_new loads */
}

void tb__exec_release(struct tb_tugd *t)
{
	const char *key;
	void *v;

	for (size_t i = 0; tb_hmap_next(&t->xworks, &i, &key, &v);)
		xwork_free(v);
	tb_hmap_release(&t->xworks);
	tb_queue_release(&t->records);
}
