/* Member clusters, as Karmada's cluster status controller sees them: for
 * every Push cluster with an apiEndpoint and a secretRef, a connection built
 * from the Secret (karmada-cluster/NAME: token, caBundle, tls.crt, tls.key),
 * a /readyz probe every probe period feeding the failover core, and every
 * status period the cluster's status (kubernetesVersion, nodeSummary,
 * resourceSummary) from /version, nodes and pods.
 *
 * Nothing here blocks: requests go through the member client on the loop,
 * each with a timeout, and a member that is down only ever delays itself. */
#include "ctrl/tugd_int.h"

#include <event2/event.h>
#include <stdio.h>
#include <string.h>

#include "api/names.h"
#include "api/quantity.h"
#include "lib/base64.h"
#include "lib/log.h"
#include "lib/hash.h"
#include "lib/mem.h"

#define RES_SECRETS "secrets"

static void member_free(struct tb_member *m)
{
	if (!m)
		return;
	tb__exec_member_release(m);
	tb_member_request_cancel(m->probe);
	for (size_t i = 0; i < TB_MEMBER_STATUS_REQS; i++)
		tb_member_request_cancel(m->status_req[i]);
	if (m->timer)
		event_free(m->timer);
	tb_free(m->name);
	tb_free(m->server);
	tb_free(m->token);
	tb_free(m->ca);
	tb_free(m->cert);
	tb_free(m->key);
	tb_free(m);
}

static struct tb_wcluster *cluster_of(struct tb_member *m, size_t *ret_i)
{
	struct tb_wcluster *c = tb_world_cluster(&m->t->world, m->name);

	if (c && ret_i)
		*ret_i = (size_t)(c - m->t->world.clusters.v);
	return c;
}

/* ---- credentials ------------------------------------------------------------------ */

/* data[key] of a Secret, base64-decoded; NULL when absent or not base64. */
static char *secret_data(const json_t *sec, const char *key, size_t *ret_len)
{
	const char *v = json_string_value(json_object_get(json_object_get(sec, "data"), key));
	struct tb_strbuf sb = TB_STRBUF_INIT;

	if (!v || tb_base64_decode(&sb, v, strlen(v), false) < 0 || !sb.len) {
		tb_strbuf_release(&sb);
		return NULL;
	}
	if (ret_len)
		*ret_len = sb.len;
	return tb_strbuf_detach(&sb, NULL);
}

/* (Re)builds m's connection from its cluster and Secret. */
static void load_conn(struct tb_member *m, const struct tb_cluster *c)
{
	const struct tb_secret_ref *ref = c->spec.secret_ref;
	const struct tb_store_obj *o = tb_store_get(m->t->store, RES_SECRETS,
						    ref->namespace_ ? ref->namespace_ : "",
						    ref->name ? ref->name : "");
	json_t *sec = o ? json_loadb(o->json, o->len, 0, NULL) : NULL;

	tb_free(m->server);
	tb_free(m->token);
	tb_free(m->ca);
	tb_free(m->cert);
	tb_free(m->key);
	m->server = tb_strdup(c->spec.api_endpoint);
	m->token = secret_data(sec, "token", NULL);
	m->ca = secret_data(sec, "caBundle", &m->conn.ca_len);
	m->cert = secret_data(sec, "tls.crt", &m->conn.cert_len);
	m->key = secret_data(sec, "tls.key", &m->conn.key_len);
	m->conn.server = m->server;
	m->conn.token = m->token;
	m->conn.ca_data = m->ca;
	m->conn.cert_data = m->cert;
	m->conn.key_data = m->key;
	m->conn.insecure = c->spec.insecure_skip_tls_verification;
	m->probe_conn = m->conn;
	m->probe_conn.lane = "probe";
	m->secret_rv = o ? o->rv : 0;
	m->has_secret = o != NULL;
	json_decref(sec);
}

/* ---- probes ----------------------------------------------------------------------- */

static void arm(struct tb_member *m, int64_t at_ms)
{
	int64_t now = m->t->now_ms(), d = at_ms > now ? at_ms - now : 0;
	struct timeval tv = { (time_t)(d / 1000), (suseconds_t)((d % 1000) * 1000) };

	evtimer_add(m->timer, &tv);
}

static void status_refresh(struct tb_member *m);

static void on_probe(const struct tb_member_resp *r, void *data)
{
	struct tb_member *m = data;
	struct tb_tugd *t = m->t;
	int64_t now = t->now_ms();
	enum tb_probe res = tb_probe_classify(!r->rc, r->status, r->timed_out);
	struct tb_wcluster *c;
	size_t i;

	m->probe = NULL;
	c = cluster_of(m, &i);
	if (!c)
		return;
	if (res != TB_PROBE_OK && res != m->last_probe)
		tb_info("member %s: probe %s: %s", m->name, res == TB_PROBE_NOT_OK ?
			"answered" : res == TB_PROBE_TIMEOUT ? "timed out" : "failed",
			r->rc ? r->error : r->body);
	m->last_probe = res;
	tb_ctrl_probe_result(&t->world, i, res, now - m->probe_sent_ms, now);
	if (res == TB_PROBE_OK && t->burst_need && ++t->burst_ok >= t->burst_need) {
		t->burst_need = 0;	/* a quorum of fresh answers: evict now */
		tb__failover_evict_soon(t);
	}
	if (c->changed)
		tb__failover_poke(t);
	if (res == TB_PROBE_OK) {
		if (now >= m->next_status_ms)
			status_refresh(m);
		tb__exec_member_ready(m);
	}
}

static void probe(struct tb_member *m)
{
	struct tb_tugd *t = m->t;
	struct tb_err err = TB_ERR_INIT;
	size_t i = 0;
	struct tb_wcluster *c = cluster_of(m, &i);
	int64_t now = t->now_ms();

	if (!c)
		return;
	arm(m, now + t->world.cfg.probe_period_ms);
	if (m->probe)
		return;		/* the last one has not finished: it will count */
	m->probe_sent_ms = now;
	if (tb_member_request(&t->mc, &m->probe_conn, "GET", "/readyz", NULL, NULL, 0,
			      (long)tb_health_probe_timeout(&c->health, &t->world.cfg), on_probe,
			      m, &m->probe, &err) < 0) {
		/* A URL or credential the client cannot use: the member is out
		 * of reach as far as we can tell. */
		if (m->last_probe != TB_PROBE_UNREACHABLE)
			tb_warn("member %s: cannot probe %s: %s", m->name, m->server, err.msg);
		m->last_probe = TB_PROBE_UNREACHABLE;
		tb_ctrl_probe_result(&t->world, i, TB_PROBE_UNREACHABLE, 0, now);
		if (c->changed)
			tb__failover_poke(t);
	}
}

static void on_timer(evutil_socket_t fd, short what, void *data)
{
	(void)fd;
	(void)what;
	probe(data);
}

/* ---- cluster status ----------------------------------------------------------------- */

/* Adds every quantity of a ResourceList (JSON) to l. */
static void reslist_add(struct tb_reslist *l, const json_t *rl)
{
	const char *name;
	json_t *v;

	json_object_foreach((json_t *)rl, name, v) {
		struct tb_quantity q, *cur = NULL;

		if (!json_is_string(v) || tb_quantity_parse(json_string_value(v), &q, NULL) < 0)
			continue;
		for (size_t i = 0; i < l->n; i++)
			if (!strcmp(l->v[i].name, name))
				cur = &l->v[i].q;
		if (cur)
			tb_quantity_add(cur, &q);
		else
			tb_reslist_set(l, name, &q);
	}
}

static bool reslist_equal(const struct tb_reslist *a, const struct tb_reslist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		size_t k;

		for (k = 0; k < b->n; k++)
			if (!strcmp(a->v[i].name, b->v[k].name))
				break;
		if (k == b->n || tb_quantity_cmp(&a->v[i].q, &b->v[k].q))
			return false;
	}
	return true;
}

static struct tb_resource_summary *summary_of(struct tb_cluster_status *st)
{
	if (!st->resource_summary)
		st->resource_summary = tb_calloc(1, sizeof(*st->resource_summary));
	return st->resource_summary;
}

static void set_reslist(struct tb_wcluster *c, struct tb_reslist *dst, struct tb_reslist *src)
{
	if (reslist_equal(dst, src)) {
		tb_reslist_release(src);
		return;
	}
	tb_reslist_release(dst);
	*dst = *src;
	c->changed = true;
}

static void on_version(struct tb_member *m, struct tb_wcluster *c, json_t *j)
{
	const char *v = json_string_value(json_object_get(j, "gitVersion"));

	if (v && (!c->obj.status.kubernetes_version ||
		  strcmp(v, c->obj.status.kubernetes_version))) {
		tb_free(c->obj.status.kubernetes_version);
		c->obj.status.kubernetes_version = tb_strdup(v);
		c->changed = true;
		tb_info("member %s: Kubernetes %s", m->name, v);
	}
}

static bool node_ready(const json_t *node)
{
	size_t i;
	json_t *cond;

	json_array_foreach(json_object_get(json_object_get(node, "status"), "conditions"), i, cond)
		if (!strcmp(json_string_value(json_object_get(cond, "type")) ?: "", "Ready"))
			return !strcmp(json_string_value(json_object_get(cond, "status")) ?: "",
				       "True");
	return false;
}

static void on_nodes(struct tb_wcluster *c, json_t *j)
{
	struct tb_cluster_status *st = &c->obj.status;
	struct tb_reslist alloc = { NULL, 0 };
	int64_t total = 0, ready = 0;
	size_t i;
	json_t *node;

	json_array_foreach(json_object_get(j, "items"), i, node) {
		total++;
		if (!node_ready(node))
			continue;
		ready++;
		reslist_add(&alloc, json_object_get(json_object_get(node, "status"), "allocatable"));
	}
	if (!st->node_summary)
		st->node_summary = tb_calloc(1, sizeof(*st->node_summary));
	if (st->node_summary->total_num != total || st->node_summary->ready_num != ready) {
		st->node_summary->total_num = total;
		st->node_summary->ready_num = ready;
		c->changed = true;
	}
	set_reslist(c, &summary_of(st)->allocatable, &alloc);
}

/* Karmada's allocated: the requests of the pods that hold resources (not
 * finished), and the pods themselves. */
static void on_pods(struct tb_wcluster *c, json_t *j)
{
	struct tb_reslist used = { NULL, 0 };
	struct tb_quantity one = tb_quantity_from_int(1, TB_QF_DECIMAL_SI);
	size_t i, k;
	json_t *pod, *ct;

	json_array_foreach(json_object_get(j, "items"), i, pod) {
		const char *phase = json_string_value(json_object_get(json_object_get(pod,
								"status"), "phase"));

		if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed")))
			continue;
		json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"),
				   k, ct)
			reslist_add(&used, json_object_get(json_object_get(ct, "resources"),
							   "requests"));
		reslist_add(&used, NULL);
		{
			struct tb_reslist p = { NULL, 0 };

			tb_reslist_set(&p, "pods", &one);
			for (k = 0; k < used.n && strcmp(used.v[k].name, "pods"); k++)
				;
			if (k < used.n)
				tb_quantity_add(&used.v[k].q, &one);
			else
				tb_reslist_set(&used, "pods", &one);
			tb_reslist_release(&p);
		}
	}
	set_reslist(c, &summary_of(&c->obj.status)->allocated, &used);
}

bool tb__member_unchanged(struct tb_member_fp *fp, const struct tb_member_resp *r, int64_t now)
{
	/* A list's own metadata (its resourceVersion) moves with any write in
	 * the cluster; its items are what matters. */
	const char *items = memmem(r->body, r->len, "\"items\"", 7);
	size_t off = items ? (size_t)(items - r->body) : 0;
	uint64_t h = tb_fnv64a(r->body + off, r->len - off) | 1;

	if (fp->hash == h && now - fp->at_ms < TB_MEMBER_REPARSE_MS)
		return true;
	fp->hash = h;
	fp->at_ms = now;
	return false;
}

static const char *const status_paths[TB_MEMBER_STATUS_REQS] = {
	"/version", "/api/v1/nodes", "/api/v1/pods"
};

static void on_status(const struct tb_member_resp *r, void *data)
{
	struct tb_member_slot *sc = data;
	struct tb_member *m = sc->m;
	struct tb_wcluster *c = cluster_of(m, NULL);
	json_t *j;

	m->status_req[sc->which] = NULL;
	/* Nodes and pods as they were: the summary stands (most rounds). */
	if (c && !r->rc && r->status == 200 && sc->which &&
	    tb__member_unchanged(&m->status_fp[sc->which], r, m->t->now_ms()))
		return;
	if (c && !r->rc && r->status == 200 && (j = json_loadb(r->body, r->len, 0, NULL))) {
		if (sc->which == 0)
			on_version(m, c, j);
		else if (sc->which == 1)
			on_nodes(c, j);
		else
			on_pods(c, j);
		json_decref(j);
		if (c->changed) {
			m->t->world.snapshot_stale = true;
			tb__tugd_kick(m->t);
		}
	}
}

static void status_refresh(struct tb_member *m)
{
	struct tb_tugd *t = m->t;
	int64_t period = t->world.cfg.probe_period_ms;

	/* Karmada collects it every cluster-status-update-frequency; probes
	 * may run much faster than the status needs to. */
	m->next_status_ms = t->now_ms() + (period > TB_MEMBER_STATUS_MS ? period :
					   TB_MEMBER_STATUS_MS);
	for (size_t i = 0; i < TB_MEMBER_STATUS_REQS; i++) {
		if (m->status_req[i])
			continue;
		m->status_slot[i].m = m;
		m->status_slot[i].which = i;
		tb_member_request(&t->mc, &m->conn, "GET", status_paths[i], NULL, NULL, 0,
				  (long)t->world.cfg.probe_timeout_ms * 4, on_status,
				  &m->status_slot[i], &m->status_req[i], NULL);
	}
}

/* ---- the set of members --------------------------------------------------------------- */

static void ensure_finalizer(struct tb_tugd *t, const char *name);

static bool probed(const struct tb_wcluster *c)
{
	return !c->external && c->obj.spec.api_endpoint && c->obj.spec.secret_ref;
}

void tb__members_sync(struct tb_tugd *t)
{
	struct tb_world *w = &t->world;
	const char *key;
	void *v;
	size_t i;

	t->members_dirty = false;
	/* First the finalizers: writing a Cluster replaces its typed copy. */
	{
		struct tb_names fin = TB_NAMES_INIT;

		for (i = 0; i < w->clusters.n; i++) {
			const struct tb_meta *md = &w->clusters.v[i].obj.metadata;

			if (probed(&w->clusters.v[i]) && !md->deletion_timestamp &&
			    !tb_strvec_has(&md->finalizers, TB_CLUSTER_FINALIZER))
				tb_strvec_push(&fin.v, md->name);
		}
		for (i = 0; i < fin.v.n; i++)
			ensure_finalizer(t, fin.v.v[i]);
		tb__tugd_names_release(&fin);
	}
	/* Members whose cluster went away or reports its own health. */
	for (i = 0; tb_hmap_next(&t->members, &i, &key, &v);) {
		struct tb_member *m = v;
		struct tb_wcluster *c = tb_world_cluster(w, m->name);

		if (!c || !probed(c)) {
			tb_hmap_del(&t->members, m->name);
			member_free(m);
			i = 0;	/* the table changed under the iteration */
		}
	}
	for (i = 0; i < w->clusters.n; i++) {
		struct tb_wcluster *c = &w->clusters.v[i];
		const struct tb_secret_ref *ref = c->obj.spec.secret_ref;
		const struct tb_store_obj *so;
		struct tb_member *m;

		if (!probed(c))
			continue;
		m = tb_hmap_get(&t->members, c->obj.metadata.name);
		so = tb_store_get(t->store, RES_SECRETS, ref->namespace_ ? ref->namespace_ : "",
				  ref->name ? ref->name : "");
		if (m && !strcmp(m->server, c->obj.spec.api_endpoint) &&
		    m->conn.insecure == c->obj.spec.insecure_skip_tls_verification &&
		    (so ? so->rv : 0) == m->secret_rv)
			continue;
		if (!m) {
			m = tb_calloc(1, sizeof(*m));
			m->t = t;
			m->name = tb_strdup(c->obj.metadata.name);
			m->timer = evtimer_new(t->base, on_timer, m);
			m->last_probe = TB_PROBE_OK;
			tb_hmap_put(&t->members, m->name, m);
			tb__exec_member_init(m);
			tb_info("member %s: probing %s every %lldms", m->name,
				c->obj.spec.api_endpoint, (long long)w->cfg.probe_period_ms);
		} else {
			/* New address or credentials: what is in flight used the old. */
			tb_member_request_cancel(m->probe);
			m->probe = NULL;
		}
		load_conn(m, &c->obj);
		if (!m->has_secret)
			tb_warn("member %s: secret %s/%s not found: probes go without "
				"credentials", m->name, ref->namespace_, ref->name);
		m->next_status_ms = 0;
		arm(m, 0);
	}
}

/* Karmada's cluster finalizer: a Cluster tugd executes on goes only once
 * the objects tugd put on the member are off it (unjoin). */
static void ensure_finalizer(struct tb_tugd *t, const char *name)
{
	const struct tb_store_obj *o = tb_store_get(t->store, RES_CLUSTERS, "", name);
	json_t *j, *md, *f, *v;
	size_t i;

	if (!o)
		return;
	j = json_loadb(o->json, o->len, 0, NULL);
	md = json_object_get(j, "metadata");
	f = json_object_get(md, "finalizers");
	json_array_foreach(f, i, v)
		if (!strcmp(json_string_value(v) ?: "", TB_CLUSTER_FINALIZER))
			goto out;
	if (json_object_get(md, "deletionTimestamp"))
		goto out;
	if (!json_is_array(f)) {
		f = json_array();
		json_object_set_new(md, "finalizers", f);
	}
	json_array_append_new(f, json_string(TB_CLUSTER_FINALIZER));
	json_object_del(md, "resourceVersion");
	tb__tugd_put(t, tb_kind_find("cluster.karmada.io/v1alpha1", "Cluster"), RES_CLUSTERS, j,
		     true, NULL);
out:
	json_decref(j);
}

static int count_work(void *data, const struct tb_store_obj *o)
{
	(void)o;
	(*(size_t *)data)++;
	return 0;
}

/* Clusters being deleted: their workloads are rescheduled (the scheduler no
 * longer sees them), their Works marked for deletion follow, and once
 * none is left the finalizer goes and the Cluster with it. A member that is
 * not answering while it is unjoined keeps its objects (as Karmada's
 * execution controller abandons them), or the unjoin could never end. */
void tb__members_reap(struct tb_tugd *t)
{
	struct tb_world *w = &t->world;
	char ns[300];

	for (size_t i = 0; i < w->clusters.n; i++) {
		struct tb_wcluster *c = &w->clusters.v[i];
		const char *name = c->obj.metadata.name;
		struct tb_member *m = tb_hmap_get(&t->members, name);
		size_t works = 0;

		if (!c->obj.metadata.deletion_timestamp)
			continue;
		if (!c->reaping) {
			c->reaping = true;
			tb_info("cluster %s is being deleted: its workloads move elsewhere and "
				"its objects are removed from it", name);
			for (size_t k = 0; k < w->bindings.n; k++)
				if (tb_wb_targets(&w->bindings.v[k], name))
					tb_world_need_schedule(w, &w->bindings.v[k], true);
		}
		snprintf(ns, sizeof(ns), TB_EXEC_NS_PREFIX "%s", name);
		if (!m || m->last_probe != TB_PROBE_OK) {
			struct tb_names all = TB_NAMES_INIT;

			tb__tugd_names(t, RES_WORKS, ns, &all);
			if (all.v.n)
				tb_warn("cluster %s is being deleted and is not answering: %zu "
					"Works abandoned, their objects stay on it", name, all.v.n);
			for (size_t k = 0; k < all.v.n; k++)
				tb__tugd_delete(t, RES_WORKS, ns, all.v.v[k]);
			tb__tugd_names_release(&all);
		}
		tb_store_list(t->store, RES_WORKS, ns, NULL, NULL, count_work, &works);
		if (!works) {
			tb_info("cluster %s: nothing of ours is left on it: deleted", name);
			tb__tugd_delete(t, RES_CLUSTERS, "", name);
			return;		/* the world changed under the loop */
		}
	}
}

void tb__members_probe_now(struct tb_tugd *t)
{
	const char *key;
	void *v;

	for (size_t i = 0; tb_hmap_next(&t->members, &i, &key, &v);) {
		struct tb_member *m = v;

		if (!m->probe) {
			evtimer_del(m->timer);
			arm(m, 0);
		}
	}
}

void tb__members_on_secret(struct tb_tugd *t, const struct tb_store_event *ev)
{
	(void)ev;
	t->members_dirty = true;
}

int tb__members_init(struct tb_tugd *t, struct tb_err *err)
{
	return tb_member_client_init(&t->mc, t->base, err);
}

void tb__members_release(struct tb_tugd *t)
{
	const char *key;
	void *v;

	for (size_t i = 0; tb_hmap_next(&t->members, &i, &key, &v);)
		member_free(v);
	tb_hmap_release(&t->members);
	tb_member_client_release(&t->mc);
}
