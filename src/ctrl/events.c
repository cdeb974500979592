/* tugd's event recorder: every step the controllers report (tb_world_emit)
 * becomes a core/v1 Event on the object it is about, so `kubectl describe
 * cluster member1` and `kubectl get events` tell the failover's story.
 *
 * What to record is decided by the pure recorder (recorder.c): a repeat is
 * counted into the Event it repeats, a storm is cut at a write budget (and
 * the drops logged), old and excess Events are deleted. This file turns
 * world events into Events (reason, type, involved object), writes them
 * through the store like any controller write, once per reconcile turn and
 * a bounded number at a time, and deletes what retention says. It must never
 * stall the controllers: nothing here waits, and nothing is written at the
 * moment of the emit. */
#include "ctrl/tugd_int.h"

#include <event2/event.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api/names.h"
#include "api/stamp.h"
#include "api/timefmt.h"
#include "ctrl/recorder.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/strbuf.h"

#define RES_EVENTS "events"
#define COMPONENT "tugboat-controller-manager"
/* Writes and deletes per turn: the rest waits for the next turn. */
#define FLUSH_MAX 128
#define DELETE_MAX 256
/* Retention looks again at most this often while over the cap. */
#define RETENTION_MIN_MS 1000
/* Drops are reported at most this often. */
#define DROP_LOG_MS 1000

struct tb_events {
	struct tb_recorder rec;
	struct event *timer;		/* retention */
	int64_t retention_at;		/* when the timer fires; 0: not armed */
	int64_t dropped_since_ms;
	char instance[128];		/* reportingInstance */
};

/* ---- the involved object ------------------------------------------------------------ */

struct involved {
	const char *api_version, *kind, *ns, *name, *uid;
	uint64_t rv;
	const char *event_ns;	/* where its Events live */
};

/* A uid the world does not have yet is read from the stored object. */
static const char *stored_uid(const struct tb_store_obj *o, char *buf, size_t n)
{
	json_t *j;
	const char *u;

	buf[0] = '\0';
	if (!o)
		return buf;
	j = json_loadb(o->json, o->len, 0, NULL);
	u = json_string_value(json_object_get(json_object_get(j, "metadata"), "uid"));
	snprintf(buf, n, "%s", u ? u : "");
	json_decref(j);
	return buf;
}

static bool cluster_involved(struct tb_tugd *t, const char *name, struct involved *io,
			     char *uidbuf, size_t n)
{
	const struct tb_wcluster *c = tb_world_cluster(&t->world, name);
	const struct tb_store_obj *o = tb_store_get(t->store, RES_CLUSTERS, "", name);

	if (!o)
		return false;
	/* Kubernetes keeps the Events of cluster-scoped objects in "default". */
	*io = (struct involved){ "cluster.karmada.io/v1alpha1", "Cluster", "", name, NULL,
				 o->rv, "default" };
	io->uid = c && c->obj.metadata.uid ? c->obj.metadata.uid : stored_uid(o, uidbuf, n);
	return true;
}

/* The binding of key ("ns/name", or "name" for a ClusterResourceBinding);
 * *ret_b is its world entry when there is one. */
static bool binding_involved(struct tb_tugd *t, const char *key, struct involved *io,
			     struct tb_wbinding **ret_b, char *uidbuf, size_t n)
{
	struct tb_wbinding *b = NULL;
	const struct tb_store_obj *o;
	const char *res, *name;
	char ns[254];

	tb__tugd_binding_split(key, &res, ns, sizeof(ns), &name);
	o = tb_store_get(t->store, res, ns, name);
	if (!o)
		return false;
	b = tb_world_binding(&t->world, key);
	*io = (struct involved){ "work.karmada.io/v1alpha2",
				 ns[0] ? "ResourceBinding" : "ClusterResourceBinding", o->ns,
				 o->name, NULL, o->rv, ns[0] ? o->ns : "default" };
	io->uid = b && b->obj && b->obj->metadata.uid ? b->obj->metadata.uid :
							stored_uid(o, uidbuf, n);
	*ret_b = b;
	return true;
}

/* ---- recording -------------------------------------------------------------------- */

static void key_of(struct tb_strbuf *sb, const char *event_ns, const char *kind,
		   const char *name, const char *uid, const char *type, const char *reason,
		   const char *message)
{
	/* client-go's correlation key, less what is the same for all of ours. */
	tb_strbuf_addf(sb, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", event_ns, kind, name, uid,
		       type, reason, message);
}

/* eventTime: a MicroTime, "2026-11-26T12:00:00.123000Z". */
static json_t *micro_time(int64_t ms)
{
	char buf[TB_TIME_BUFSZ], out[TB_TIME_BUFSZ + 16];
	size_t n;

	tb_time_format(ms - ms % 1000, buf);
	n = strlen(buf);
	if (n && buf[n - 1] == 'Z')
		buf[n - 1] = '\0';
	snprintf(out, sizeof(out), "%s.%06dZ", buf, (int)(ms % 1000) * 1000);
	return json_string(out);
}

static void record(struct tb_tugd *t, const struct involved *io, const struct tb_rec_meaning *m,
		   const char *message, int64_t now_ms)
{
	struct tb_events *ev = t->events;
	struct tb_strbuf key = TB_STRBUF_INIT;
	struct tb_rec_event *e;
	json_t *obj, *ref;
	bool fresh;

	key_of(&key, io->event_ns, io->kind, io->name, io->uid, m->type, m->reason, message);
	e = tb_recorder_record(&ev->rec, io->event_ns, io->name, key.buf, now_ms, &fresh);
	tb_strbuf_release(&key);
	if (!e)
		return;
	tb__tugd_kick(t);	/* written at the end of the turn */
	if (!fresh)
		return;		/* counted into an Event: its count is written */
	ref = json_pack("{s:s, s:s, s:s}", "apiVersion", io->api_version, "kind", io->kind,
			"name", io->name);
	if (io->ns && *io->ns)
		json_object_set_new(ref, "namespace", json_string(io->ns));
	if (io->uid && *io->uid)
		json_object_set_new(ref, "uid", json_string(io->uid));
	if (io->rv) {
		char rv[24];

		snprintf(rv, sizeof(rv), "%" PRIu64, io->rv);
		json_object_set_new(ref, "resourceVersion", json_string(rv));
	}
	obj = json_pack("{s:s, s:s, s:{s:s, s:s}, s:o, s:s, s:s, s:{s:s}, s:o, s:s, s:s, s:s}",
			"apiVersion", "v1", "kind", "Event", "metadata", "name", e->name,
			"namespace", e->ns, "involvedObject", ref, "reason", m->reason,
			"message", message, "source", "component", COMPONENT,
			"eventTime", micro_time(now_ms), "type", m->type, "action", m->action,
			"reportingComponent", COMPONENT);
	json_object_set_new(obj, "reportingInstance", json_string(ev->instance));
	e->data = obj;
}

static void on_template_too(struct tb_tugd *t, struct tb_wbinding *b,
			    const struct tb_rec_meaning *m, const char *message, int64_t now_ms)
{
	const struct tb_binding *obj = tb_world_obj(&t->world, b);
	const struct tb_object_ref *r;
	const struct tb_kind *k;
	const struct tb_store_obj *o;
	struct involved io;
	char res[128];

	if (!obj)
		return;
	r = &obj->spec.resource;
	if (!r->api_version || !r->kind || !r->name)
		return;
	k = tb_kind_find(r->api_version, r->kind);
	if (!k)
		return;
	o = tb_store_get(t->store, tb_kind_res(k, res, sizeof(res)),
			 k->namespaced && r->namespace_ ? r->namespace_ : "", r->name);
	if (!o)
		return;
	io = (struct involved){ r->api_version, r->kind, o->ns, o->name, r->uid, o->rv,
				o->ns[0] ? o->ns : "default" };
	record(t, &io, m, message, now_ms);
}

void tb__events_emit(struct tb_tugd *t, int64_t now_ms, const char *kind, const char *object,
		     const char *message)
{
	struct tb_rec_meaning m = tb_recorder_meaning(kind, message);
	struct tb_strbuf msg = TB_STRBUF_INIT;
	struct tb_wbinding *b;
	struct involved io;
	char uid[128];

	if (!t->events)
		return;
	tb_recorder_message(kind, message, &m, &msg);
	if (!strcmp(kind, TB_EV_OUTAGE)) {
		/* About the control plane, and why no cluster is evicted: on every
		 * cluster, where describe shows it. */
		for (size_t i = 0; i < t->world.clusters.n; i++)
			if (cluster_involved(t, t->world.clusters.v[i].obj.metadata.name, &io, uid,
					     sizeof(uid)))
				record(t, &io, &m, msg.buf, now_ms);
	} else if (!strcmp(kind, TB_EV_CLUSTER) || !strcmp(kind, TB_EV_TAINT)) {
		if (cluster_involved(t, object, &io, uid, sizeof(uid)))
			record(t, &io, &m, msg.buf, now_ms);
	} else if (binding_involved(t, object, &io, &b, uid, sizeof(uid))) {
		record(t, &io, &m, msg.buf, now_ms);
		if (b && m.on_template)
			on_template_too(t, b, &m, msg.buf, now_ms);
	}
	tb_strbuf_release(&msg);
}

/* ---- Works applied on members ------------------------------------------------------- */

static const json_t *applied_cond(const json_t *w)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(w, "status"), "conditions"), i, c)
		if (json_is_string(json_object_get(c, "type")) &&
		    !strcmp(json_string_value(json_object_get(c, "type")), "Applied"))
			return c;
	return NULL;
}

static const char *str_of(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* The execution controller's outcome, read from the Work's Applied
 * condition as it changes: Karmada's SyncSucceed / SyncFailed, on the Work
 * and on its binding. Only live changes count: a restart reports nothing. */
void tb__events_on_work(struct tb_tugd *t, const struct tb_store_event *sev, const json_t *j)
{
	static const struct tb_rec_meaning ok_m = { "SyncSucceed", "Normal", "Apply", false };
	static const struct tb_rec_meaning fail_m = { "SyncFailed", "Warning", "Apply", false };
	struct tb_strbuf msg = TB_STRBUF_INIT;
	const json_t *cn, *cp, *md, *mf;
	struct tb_wbinding *b;
	struct involved io;
	json_t *p = NULL;
	const char *cluster, *res, *bns, *bname;
	char uid[128], key[520];
	bool ok;

	if (!t->events || sev->type != TB_EV_MODIFIED || !sev->prev)
		return;
	p = json_loadb(sev->prev->json, sev->prev->len, 0, NULL);
	cn = applied_cond(j);
	cp = applied_cond(p);
	if (!cn || (cp && !strcmp(str_of(cn, "status"), str_of(cp, "status")) &&
		    (!strcmp(str_of(cn, "status"), "True") ||
		     !strcmp(str_of(cn, "message"), str_of(cp, "message")))))
		goto out;
	ok = !strcmp(str_of(cn, "status"), "True");
	md = json_object_get(j, "metadata");
	cluster = sev->obj->ns;
	if (!strncmp(cluster, TB_EXEC_NS_PREFIX, strlen(TB_EXEC_NS_PREFIX)))
		cluster += strlen(TB_EXEC_NS_PREFIX);
	mf = json_object_get(json_array_get(json_object_get(json_object_get(json_object_get(j,
		"spec"), "workload"), "manifests"), 0), "metadata");
	/* Karmada's execution controller's words. */
	tb_strbuf_addf(&msg, "%s resource(%s%s%s) to cluster %s%s%s", ok ? "Successfully applied" :
		       "Failed to apply", str_of(mf, "namespace"), *str_of(mf, "namespace") ?
		       "/" : "", str_of(mf, "name"), cluster, ok ? "" : ": ",
		       ok ? "" : str_of(cn, "message"));
	snprintf(uid, sizeof(uid), "%s", str_of(md, "uid"));
	io = (struct involved){ "work.karmada.io/v1alpha1", "Work", sev->obj->ns, sev->obj->name,
				uid, sev->obj->rv, sev->obj->ns };
	record(t, &io, ok ? &ok_m : &fail_m, msg.buf, t->now_ms());
	if (tb__work_binding(j, &res, &bns, &bname)) {
		tb__tugd_binding_key(bns, bname, key, sizeof(key));
		if (binding_involved(t, key, &io, &b, uid, sizeof(uid)))
			record(t, &io, ok ? &ok_m : &fail_m, msg.buf, t->now_ms());
	}
out:
	tb_strbuf_release(&msg);
	json_decref(p);
}

/* ---- writing -------------------------------------------------------------------------- */

static void report_drops(struct tb_events *ev, int64_t now_ms)
{
	if (!ev->rec.dropped || now_ms - ev->dropped_since_ms < DROP_LOG_MS)
		return;
	tb_warn("events: %zu not recorded in the last %lld ms: more than %u a second (an event "
		"storm; the controllers' log has every step)", ev->rec.dropped,
		(long long)(now_ms - ev->dropped_since_ms), ev->rec.lim.rate);
	ev->rec.dropped = 0;
	ev->dropped_since_ms = now_ms;
}

static int write_event(struct tb_tugd *t, struct tb_rec_event *e)
{
	const struct tb_kind *k = tb_kind_find("v1", "Event");
	const struct tb_store_obj *o;
	json_t *obj;
	int rc;

	if (e->data) {
		obj = json_incref(e->data);
	} else {
		/* A repeat of a stored Event: its count and last time change. */
		o = tb_store_get(t->store, RES_EVENTS, e->ns, e->name);
		if (!o)
			return 0;	/* deleted meanwhile: the next repeat makes a new one */
		obj = json_loadb(o->json, o->len, 0, NULL);
		if (!obj)
			return 0;
		json_object_del(json_object_get(obj, "metadata"), "resourceVersion");
	}
	json_object_set_new(obj, "firstTimestamp", tb_stamp_time(e->first_ms));
	json_object_set_new(obj, "lastTimestamp", tb_stamp_time(e->last_ms));
	json_object_set_new(obj, "count", json_integer((json_int_t)e->count));
	rc = tb__tugd_put(t, k, RES_EVENTS, obj, false, NULL);
	json_decref(obj);
	if (!rc && e->data) {
		json_decref(e->data);
		e->data = NULL;
	}
	return rc;
}

void tb__events_flush(struct tb_tugd *t)
{
	struct tb_events *ev = t->events;
	struct tb_rec_event *e;
	size_t n = 0;

	if (!ev)
		return;
	report_drops(ev, t->now_ms());
	while (n < FLUSH_MAX && (e = tb_recorder_next_dirty(&ev->rec))) {
		/* A failed write is logged by the put; the Event is not retried. */
		write_event(t, e);
		n++;
	}
	if (tb_queue_len(&ev->rec.dirty))
		tb__tugd_kick(t);
}

/* ---- what the store holds, and retention ----------------------------------------------- */

static int64_t time_at(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	int64_t ms;

	return s && !tb_time_parse(s, &ms, NULL) ? ms : 0;
}

static void arm(struct tb_tugd *t, int64_t at_ms, int64_t now_ms)
{
	struct tb_events *ev = t->events;
	struct timeval tv;
	int64_t d;

	if (!at_ms || (ev->retention_at && ev->retention_at <= at_ms))
		return;
	ev->retention_at = at_ms;
	d = at_ms > now_ms ? at_ms - now_ms : 0;
	tv.tv_sec = d / 1000;
	tv.tv_usec = (d % 1000) * 1000;
	evtimer_add(ev->timer, &tv);
}

static void observe(struct tb_tugd *t, const struct tb_store_obj *so)
{
	struct tb_events *ev = t->events;
	struct tb_strbuf key = TB_STRBUF_INIT;
	json_t *j = json_loadb(so->json, so->len, 0, NULL);
	const json_t *io = json_object_get(j, "involvedObject");
	const char *comp = json_string_value(json_object_get(json_object_get(j, "source"),
							     "component"));
	int64_t first = time_at(j, "eventTime"), last = time_at(j, "lastTimestamp"), now;
	json_int_t count = json_integer_value(json_object_get(j, "count"));

	if (!first)
		first = time_at(j, "firstTimestamp");
	if (!first)
		first = time_at(json_object_get(j, "metadata"), "creationTimestamp");
	if (last < first)
		last = first;
	/* Only our own Events are counted into; anyone's are kept for the TTL. */
	if (comp && !strcmp(comp, COMPONENT))
		key_of(&key, so->ns, str_of(io, "kind"), str_of(io, "name"), str_of(io, "uid"),
		       str_of(j, "type"), str_of(j, "reason"), str_of(j, "message"));
	tb_recorder_observe(&ev->rec, so->ns, so->name, key.len ? key.buf : NULL, first, last,
			    count > 0 ? count : 1);
	tb_strbuf_release(&key);
	json_decref(j);
	now = t->now_ms();
	if (tb_recorder_size(&ev->rec) > ev->rec.lim.max_events && ev->rec.lim.max_events)
		arm(t, now + RETENTION_MIN_MS, now);
	else if (ev->rec.lim.ttl_ms > 0)
		arm(t, last + ev->rec.lim.ttl_ms, now);
}

void tb__events_on_event(struct tb_tugd *t, const struct tb_store_event *sev)
{
	if (!t->events)
		return;
	if (sev->type == TB_EV_DELETED)
		tb_recorder_forget(&t->events->rec, sev->obj->ns, sev->obj->name);
	else
		observe(t, sev->obj);
}

static void on_retention(evutil_socket_t fd, short what, void *data)
{
	struct tb_tugd *t = data;
	struct tb_events *ev = t->events;
	int64_t now = t->now_ms(), next;
	char **names, *slash;
	size_t n, i;

	(void)fd;
	(void)what;
	ev->retention_at = 0;
	/* Housekeeping waits while a failover's bindings are being placed and
	 * written: a few more Events for a moment cost nothing. */
	if (tb_world_deciding(&t->world)) {
		arm(t, now + RETENTION_MIN_MS, now);
		return;
	}
	n = tb_recorder_expired(&ev->rec, now, DELETE_MAX, &names, &next);
	for (i = 0; i < n; i++) {
		/* "ns/name": Events are namespaced, and names hold no '/'. */
		slash = strchr(names[i], '/');
		if (slash) {
			*slash = '\0';
			tb__tugd_delete(t, RES_EVENTS, names[i], slash + 1);
		}
		tb_free(names[i]);
	}
	tb_free(names);
	if (n)
		tb_debug("events: %zu deleted (older than the TTL or over the cap)", n);
	/* While over the cap, look again after a while: deleting one at a time
	 * as each new Event arrives would double the writes. */
	if (next && next <= now && n < DELETE_MAX)
		next = now + RETENTION_MIN_MS;
	arm(t, next, now);
}

static int load(void *data, const struct tb_store_obj *o)
{
	observe(data, o);
	return 0;
}

static void free_json(void *p)
{
	json_decref(p);
}

void tb__events_init(struct tb_tugd *t)
{
	struct tb_recorder_limits lim = TB_RECORDER_LIMITS_INIT;
	struct tb_events *ev = tb_calloc(1, sizeof(*ev));
	char host[64] = "";

	tb_recorder_init(&ev->rec, &lim, free_json, t->now_ms());
	ev->dropped_since_ms = t->now_ms();
	gethostname(host, sizeof(host) - 1);
	snprintf(ev->instance, sizeof(ev->instance), "tugd-%s", host[0] ? host : "localhost");
	ev->timer = evtimer_new(t->base, on_retention, t);
	event_priority_set(ev->timer, TUGD_PRIO_RECONCILE);
	t->events = ev;
	tb_store_list(t->store, RES_EVENTS, NULL, NULL, NULL, load, t);
}

void tb_tugd_event_limits(struct tb_tugd *t, int64_t ttl_ms, size_t max_events)
{
	struct tb_events *ev = t->events;
	int64_t now = t->now_ms();

	ev->rec.lim.ttl_ms = ttl_ms;
	ev->rec.lim.max_events = max_events;
	/* What the new limits let go, goes now (in batches). */
	if (ev->retention_at)
		evtimer_del(ev->timer);
	ev->retention_at = 0;
	arm(t, now, now);
}

void tb__events_release(struct tb_tugd *t)
{
	struct tb_events *ev = t->events;

	if (!ev)
		return;
	if (ev->timer)
		event_free(ev->timer);
	tb_recorder_release(&ev->rec);
	tb_free(ev);
	t->events = NULL;
}
