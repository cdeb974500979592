/* tugd's controllers on the store (tugd.h): the world mirror, the reconcile
 * turn, and the helpers the detector and the Work producer share.
 *
 * Every store change is delivered to on_event, which only records what it
 * means (a binding or cluster in the world changed, a template is dirty) and
 * kicks a reconcile turn; the turn runs in the event loop after the current
 * request, does a bounded amount of work and kicks itself again if more is
 * left. So a burst of writes costs one turn, not one per write. */
#include "ctrl/tugd_int.h"

#include <event2/event.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/names.h"
#include "api/stamp.h"
#include "api/timefmt.h"
#include "lib/log.h"
#include "lib/mem.h"

/* ---- helpers ------------------------------------------------------------------------- */

void tb__tugd_binding_key(const char *ns, const char *name, char *buf, size_t n)
{
	if (ns && *ns)
		snprintf(buf, n, "%s/%s", ns, name);
	else
		snprintf(buf, n, "%s", name);
}

void tb__tugd_binding_split(const char *key, const char **res, char *ns, size_t nsn,
			    const char **name)
{
	const char *slash = strchr(key, '/');

	if (slash) {
		snprintf(ns, nsn, "%.*s", (int)(slash - key), key);
		*name = slash + 1;
		*res = RES_RB;
	} else {
		ns[0] = '\0';
		*name = key;
		*res = RES_CRB;
	}
}

int tb__tugd_put(struct tb_tugd *t, const struct tb_kind *k, const char *res, json_t *obj,
		 bool keep_status, uint64_t *ret_rv)
{
	const json_t *md = json_object_get(obj, "metadata");
	const char *ns = json_string_value(json_object_get(md, "namespace"));
	const char *name = json_string_value(json_object_get(md, "name"));
	const struct tb_store_obj *cur, *st;
	struct tb_err err = TB_ERR_INIT;
	json_t *curj = NULL;
	int rc = 0;

	ns = ns ? ns : "";
	cur = tb_store_get(t->store, res, ns, name);
	if (cur)
		curj = json_loadb(cur->json, cur->len, 0, NULL);
	tb_stamp_prepare(obj, curj, k, keep_status, t->now_ms());
	if (curj) {
		tb_stamp_generation(obj, curj, k);
		json_object_del(json_object_get(curj, "metadata"), "resourceVersion");
		if (json_equal(obj, curj)) {
			if (ret_rv)
				*ret_rv = cur->rv;
			goto out;
		}
	}
	rc = tb_store_put_doc(t->store, res, ns, name, obj, cur ? cur->rv : 0, !cur, cur != NULL,
			      &st, &err);
	if (rc)
		tb_warn("controller: cannot write %s %s/%s: %s", res, ns, name, err.msg);
	else if (ret_rv)
		*ret_rv = st->rv;
out:
	json_decref(curj);
	return rc;
}

int tb__tugd_delete(struct tb_tugd *t, const char *res, const char *ns, const char *name)
{
	struct tb_err err = TB_ERR_INIT;
	int rc;

	if (!tb_store_get(t->store, res, ns, name))
		return 0;
	rc = tb_store_delete(t->store, res, ns, name, 0, &err);
	if (rc)
		tb_warn("controller: cannot delete %s %s/%s: %s", res, ns, name, err.msg);
	return rc;
}

int tb__tugd_mark_deleted(struct tb_tugd *t, const char *res, const char *ns, const char *name)
{
	const struct tb_store_obj *o = tb_store_get(t->store, res, ns, name);
	struct tb_err err = TB_ERR_INIT;
	json_t *j, *md;
	int rc;

	if (!o)
		return 0;
	j = json_loadb(o->json, o->len, 0, NULL);
	md = json_object_get(j, "metadata");
	if (!json_array_size(json_object_get(md, "finalizers"))) {
		json_decref(j);
		return tb__tugd_delete(t, res, ns, name);
	}
	if (json_object_get(md, "deletionTimestamp")) {
		json_decref(j);
		return 0;
	}
	json_object_set_new(md, "deletionTimestamp", tb_stamp_time(t->now_ms()));
	json_object_del(md, "resourceVersion");
	rc = tb_store_put_doc(t->store, res, ns, name, j, o->rv, false, true, NULL, &err);
	if (rc)
		tb_warn("controller: cannot mark %s %s/%s deleted: %s", res, ns, name, err.msg);
	json_decref(j);
	return rc;
}

static void on_event(void *data, const struct tb_store_event *ev)
{
	struct tb_tugd *t = data;
	const char *res = ev->obj->res;

	/* Events are records, not work: no reconcile turn for them. */
	if (!strcmp(res, "events")) {
		tb__events_on_event(t, ev);
		return;
	}
	if (!strcmp(res, RES_CLUSTERS)) {
		/* Our own write of a cluster's status changes no member. */
		if (!t->writing)
			t->members_dirty = true;
		tb__mirror_on_cluster(t, ev);
	}
	else if (!strcmp(res, RES_RB) || !strcmp(res, RES_CRB))
		tb__mirror_on_binding(t, ev);
	else if (!strcmp(res, RES_WORKS)) {
		/* Parsed once for the three that read it. */
		json_t *work = ev->type == TB_EV_DELETED ? NULL :
			       json_loadb(ev->obj->json, ev->obj->len, 0, NULL);

		tb__works_on_event(t, ev, work);
		tb__exec_on_work(t, ev, work);
		tb__events_on_work(t, ev, work);
		json_decref(work);
	} else if (!strcmp(res, "secrets") && !strcmp(ev->obj->ns, "karmada-cluster"))
		tb__members_on_secret(t, ev);
	else if (!strcmp(res, RES_NAMESPACES) && !strncmp(ev->obj->name, TB_EXEC_NS_PREFIX,
							   strlen(TB_EXEC_NS_PREFIX)))
		t->exec_ns_checked = false;
	tb__detector_on_event(t, ev);
	tb__tugd_kick(t);
}

/* ---- execution namespaces ---------------------------------------------------------------- */

static int collect_name(void *data, const struct tb_store_obj *o)
{
	tb_strvec_push(&((struct tb_names *)data)->v, o->name);
	return 0;
}

void tb__tugd_names(struct tb_tugd *t, const char *res, const char *ns, struct tb_names *out)
{
	tb_store_list(t->store, res, ns, NULL, NULL, collect_name, out);
}

void tb__tugd_names_release(struct tb_names *n)
{
	for (size_t i = 0; i < n->v.n; i++)
		tb_free(n->v.v[i]);
	tb_free(n->v.v);
	n->v.v = NULL;
	n->v.n = 0;
}

/* Karmada's cluster controller: every cluster has its execution namespace
 * karmada-es-<cluster>, where its Works live; it goes with the cluster. */
static void sync_exec_namespaces(struct tb_tugd *t)
{
	const struct tb_kind *nsk = tb_kind_find("v1", "Namespace");
	struct tb_names all = TB_NAMES_INIT;
	char name[300];
	size_t i, k;

	for (i = 0; i < t->world.clusters.n; i++) {
		snprintf(name, sizeof(name), TB_EXEC_NS_PREFIX "%s",
			 t->world.clusters.v[i].obj.metadata.name);
		if (!tb_store_get(t->store, RES_NAMESPACES, "", name)) {
			json_t *ns = json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind",
					       "Namespace", "metadata", "name", name);

			tb__tugd_put(t, nsk, RES_NAMESPACES, ns, false, NULL);
			json_decref(ns);
		}
	}
	tb__tugd_names(t, RES_NAMESPACES, "", &all);
	for (i = 0; i < all.v.n; i++) {
		const char *ns = all.v.v[i];
		struct tb_names works = TB_NAMES_INIT;

		if (strncmp(ns, TB_EXEC_NS_PREFIX, strlen(TB_EXEC_NS_PREFIX)) ||
		    tb_world_cluster(&t->world, ns + strlen(TB_EXEC_NS_PREFIX)))
			continue;
		tb__tugd_names(t, RES_WORKS, ns, &works);
		for (k = 0; k < works.v.n; k++)
			tb__tugd_delete(t, RES_WORKS, ns, works.v.v[k]);
		tb__tugd_delete(t, RES_NAMESPACES, "", ns);
		tb_info("cluster %s is gone: its execution namespace and %zu Works deleted",
			ns + strlen(TB_EXEC_NS_PREFIX), works.v.n);
		tb__tugd_names_release(&works);
	}
	tb__tugd_names_release(&all);
	t->exec_ns_checked = true;
}

/* ---- the reconcile turn ----------------------------------------------------------------- */

static void reconcile(evutil_socket_t fd, short what, void *data)
{
	struct tb_tugd *t = data;
	size_t left = 0;

	(void)fd;
	(void)what;
	t->kicked = false;
	if (!t->exec_ns_checked)
		sync_exec_namespaces(t);
	if (t->members_dirty)
		tb__members_sync(t);
	tb__members_reap(t);
	left += tb__detector_run(t, TUGD_BATCH);
	tb_ctrl_schedule(&t->world, t->now_ms());
	left += t->world.n_need_schedule;
	tb__mirror_write_back(t);
	tb__failover_write_clusters(t);
	/* Decisions before their consequences: while bindings wait to be
	 * placed (a failover's evictions), Works and statuses get a small
	 * share (each Work sync is three store writes; at a larger share
	 * they took a quarter of a failover's rescheduling time). */
	left += tb__works_run(t, t->world.n_need_schedule ? TUGD_BATCH / 32 : TUGD_BATCH);
	left += tb__exec_run(t, t->world.n_need_schedule ? TUGD_BATCH / 32 : TUGD_BATCH);
	/* What the turn reported, written in one batch at its end. */
	tb__events_flush(t);
	tb_world_park(&t->world);
	if (left)
		tb__tugd_kick(t);
}

void tb__tugd_kick(struct tb_tugd *t)
{
	if (t->kicked)
		return;
	t->kicked = true;
	/* A zero timeout, not event_active(): libevent runs an event made
	 * active from its own callback again in the same pass, without
	 * polling, so a turn that kicks itself would run every turn back to
	 * back (seconds for thousands of bindings) while probe answers and
	 * watch writes wait. A timer becomes active only after a poll. */
	event_add(t->kick, &(struct timeval){ 0, 0 });
}

/* The namespaces every Kubernetes API has, and Karmada's own. */
static int ensure_namespaces(struct tb_tugd *t)
{
	static const char *const names[] = { "default", "kube-system", "karmada-system",
					     "karmada-cluster", NULL };
	const struct tb_kind *nsk = tb_kind_find("v1", "Namespace");
	int rc = 0;

	for (size_t i = 0; names[i] && !rc; i++) {
		json_t *ns;

		if (tb_store_get(t->store, RES_NAMESPACES, "", names[i]))
			continue;
		ns = json_pack("{s:s, s:s, s:{s:s}, s:{s:[s]}, s:{s:s}}", "apiVersion", "v1", "kind",
			       "Namespace", "metadata", "name", names[i], "spec", "finalizers",
			       "kubernetes", "status", "phase", "Active");
		rc = tb__tugd_put(t, nsk, RES_NAMESPACES, ns, false, NULL);
		json_decref(ns);
	}
	return rc;
}

static int load(void *data, const struct tb_store_obj *o)
{
	struct tb_store_event ev = { TB_EV_ADDED, o->rv, o, NULL };

	on_event(data, &ev);
	return 0;
}

static void on_sched_event(void *ctx, int64_t now_ms, const char *kind, const char *object,
			   const char *message)
{
	tb_info("%s %s: %s", kind, object, message);
	tb__events_emit(ctx, now_ms, kind, object, message);
}

int tb_tugd_new(struct tb_tugd **ret, struct event_base *base, struct tb_store *store,
		const struct tb_failover_config *cfg, int64_t (*now_ms)(void),
		struct tb_err *err)
{
	static const char *const res[] = { RES_CLUSTERS, RES_RB, RES_CRB, RES_WORKS, NULL };
	struct tb_tugd *t = tb_calloc(1, sizeof(*t));

	t->base = base;
	t->store = store;
	t->cfg = *cfg;
	t->now_ms = now_ms;
	tb_world_init(&t->world, cfg, now_ms());
	t->world.event = on_sched_event;
	t->world.event_ctx = t;
	t->world.sched_budget = TUGD_BATCH;
	tb__mirror_init(t);
	t->kick = event_new(base, -1, 0, reconcile, t);
	/* Requests first: reconcile turns run when no request is waiting. */
	event_priority_set(t->kick, TUGD_PRIO_RECONCILE);
	tb__events_init(t);
	if (ensure_namespaces(t)) {
		tb_tugd_free(t);
		return tb_error(err, TB_EIO, "cannot create the default namespaces");
	}
	if (tb__members_init(t, err)) {
		tb_tugd_free(t);
		return -TB_EIO;
	}
	tb__detector_init(t);
	tb__works_init(t);
	tb__exec_init(t);
	tb__failover_init(t);
	/* Level-triggered: at start everything is looked at once. */
	t->loading = true;
	for (size_t i = 0; res[i]; i++)
		tb_store_list(store, res[i], NULL, NULL, NULL, load, t);
	t->loading = false;
	t->sub = tb_store_subscribe(store, on_event, t);
	tb__tugd_kick(t);
	*ret = t;
	return 0;
}

void tb_tugd_free(struct tb_tugd *t)
{
	if (!t)
		return;
	if (t->sub)
		tb_store_unsubscribe(t->store, t->sub);
	if (t->kick)
		event_free(t->kick);
	tb__failover_release(t);
	tb__members_release(t);
	tb__exec_release(t);
	tb__detector_release(t);
	tb__works_release(t);
	tb_queue_release(&t->dirty_bindings);
	tb__mirror_release(t);
	tb__events_release(t);
	tb_free(t);
}
