/* The event recorder's decisions (recorder.h): correlation, names, the write
 * budget and retention. Pure: it only reads what it is told. */
#include "ctrl/recorder.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl/world.h"
#include "lib/mem.h"

/* Object names are at most 253 characters; so are Event names. */
#define NAME_MAX_LEN 253

void tb_recorder_init(struct tb_recorder *r, const struct tb_recorder_limits *lim,
		      void (*free_data)(void *), int64_t now_ms)
{
	memset(r, 0, sizeof(*r));
	r->lim = *lim;
	r->free_data = free_data;
	r->millitokens = (int64_t)lim->burst * 1000;
	r->tokens_ms = now_ms;
}

static void event_free(struct tb_recorder *r, struct tb_rec_event *e)
{
	if (r->free_data && e->data)
		r->free_data(e->data);
	tb_free(e->ns);
	tb_free(e->name);
	tb_free(e->key);
	tb_free(e);
}

void tb_recorder_release(struct tb_recorder *r)
{
	const char *k;
	void *v;
	size_t i = 0;

	while (tb_hmap_next(&r->by_name, &i, &k, &v))
		event_free(r, v);
	tb_hmap_release(&r->by_name);
	tb_hmap_release(&r->by_key);
	tb_queue_release(&r->dirty);
	memset(r, 0, sizeof(*r));
}

const char *tb_recorder_name(char *buf, size_t n, const char *object, uint64_t unix_ns)
{
	char hex[24];
	int hn = snprintf(hex, sizeof(hex), "%" PRIx64, unix_ns);
	size_t keep = strlen(object);

	if (keep + 1 + (size_t)hn > NAME_MAX_LEN)
		keep = NAME_MAX_LEN - 1 - (size_t)hn;
	snprintf(buf, n, "%.*s.%s", (int)keep, object, hex);
	return buf;
}

static const char *name_key(char *buf, size_t n, const char *ns, const char *name)
{
	snprintf(buf, n, "%s/%s", ns, name);
	return buf;
}

/* One write from the budget, refilled at the rate since the last look. */
static bool take_token(struct tb_recorder *r, int64_t now_ms)
{
	int64_t cap = (int64_t)r->lim.burst * 1000;

	if (now_ms > r->tokens_ms) {
		r->millitokens += (now_ms - r->tokens_ms) * (int64_t)r->lim.rate;
		if (r->millitokens > cap)
			r->millitokens = cap;
		r->tokens_ms = now_ms;
	}
	if (r->millitokens < 1000) {
		r->dropped++;
		return false;
	}
	r->millitokens -= 1000;
	return true;
}

static void mark_dirty(struct tb_recorder *r, struct tb_rec_event *e)
{
	char nk[512];

	e->dirty = true;
	tb_queue_add(&r->dirty, name_key(nk, sizeof(nk), e->ns, e->name));
}

struct tb_rec_event *tb_recorder_record(struct tb_recorder *r, const char *ns,
					const char *object, const char *key, int64_t now_ms,
					bool *ret_new)
{
	struct tb_rec_event *e = tb_hmap_get(&r->by_key, key);
	char name[NAME_MAX_LEN + 1], nk[512];
	uint64_t ns_now;

	*ret_new = false;
	if (e && now_ms - e->last_ms <= r->lim.window_ms) {
		if (!e->dirty && !take_token(r, now_ms))
			return NULL;
		e->count++;
		if (now_ms > e->last_ms)
			e->last_ms = now_ms;
		if (!e->dirty)
			mark_dirty(r, e);
		return e;
	}
	if (!take_token(r, now_ms))
		return NULL;
	/* client-go names an Event by its time in nanoseconds; two in the
	 * same millisecond get consecutive ones. */
	ns_now = (uint64_t)now_ms * 1000000u;
	if (ns_now <= r->last_name_ns)
		ns_now = r->last_name_ns + 1;
	r->last_name_ns = ns_now;
	tb_recorder_name(name, sizeof(name), object, ns_now);
	e = tb_calloc(1, sizeof(*e));
	e->ns = tb_strdup(ns);
	e->name = tb_strdup(name);
	e->key = tb_strdup(key);
	e->first_ms = e->last_ms = now_ms;
	e->count = 1;
	tb_hmap_put(&r->by_name, name_key(nk, sizeof(nk), ns, name), e);
	tb_hmap_put(&r->by_key, key, e);
	mark_dirty(r, e);
	*ret_new = true;
	return e;
}

struct tb_rec_event *tb_recorder_next_dirty(struct tb_recorder *r)
{
	struct tb_rec_event *e;
	char *k;

	/* Keys of Events forgotten meanwhile are skipped. */
	while ((k = tb_queue_pop(&r->dirty))) {
		e = tb_hmap_get(&r->by_name, k);
		tb_free(k);
		if (e && e->dirty) {
			e->dirty = false;
			return e;
		}
	}
	return NULL;
}

void tb_recorder_observe(struct tb_recorder *r, const char *ns, const char *name,
			 const char *key, int64_t first_ms, int64_t last_ms, int64_t count)
{
	struct tb_rec_event *e, *latest;
	char nk[512];

	name_key(nk, sizeof(nk), ns, name);
	e = tb_hmap_get(&r->by_name, nk);
	if (!e) {
		e = tb_calloc(1, sizeof(*e));
		e->ns = tb_strdup(ns);
		e->name = tb_strdup(name);
		tb_hmap_put(&r->by_name, nk, e);
	}
	e->stored = true;
	/* The store has second precision; what we know is finer. */
	if (!e->first_ms || first_ms / 1000 != e->first_ms / 1000)
		e->first_ms = first_ms;
	if (last_ms / 1000 != e->last_ms / 1000)
		e->last_ms = last_ms;
	if (!e->dirty)
		e->count = count;
	if (e->key && (!key || strcmp(e->key, key))) {
		if (tb_hmap_get(&r->by_key, e->key) == e)
			tb_hmap_del(&r->by_key, e->key);
		tb_free(e->key);
		e->key = NULL;
	}
	if (key && !e->key)
		e->key = tb_strdup(key);
	if (!e->key)
		return;
	latest = tb_hmap_get(&r->by_key, e->key);
	if (!latest || latest->last_ms <= e->last_ms)
		tb_hmap_put(&r->by_key, e->key, e);
}

void tb_recorder_forget(struct tb_recorder *r, const char *ns, const char *name)
{
	struct tb_rec_event *e;
	char nk[512];

	e = tb_hmap_del(&r->by_name, name_key(nk, sizeof(nk), ns, name));
	if (!e)
		return;
	if (e->key && tb_hmap_get(&r->by_key, e->key) == e)
		tb_hmap_del(&r->by_key, e->key);
	event_free(r, e);
}

struct cand {
	int64_t last_ms;
	const struct tb_rec_event *e;
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int c;

	if (x->last_ms != y->last_ms)
		return x->last_ms < y->last_ms ? -1 : 1;
	c = strcmp(x->e->ns, y->e->ns);
	return c ? c : strcmp(x->e->name, y->e->name);
}

size_t tb_recorder_expired(const struct tb_recorder *r, int64_t now_ms, size_t max,
			   char ***ret, int64_t *ret_next_ms)
{
	struct cand *c = tb_malloc((r->by_name.n ? r->by_name.n : 1) * sizeof(*c));
	size_t i = 0, n = 0, old = 0, excess = 0, need, take;
	const struct tb_rec_event *e;
	const char *k;
	void *v;
	char **out;

	/* Only stored Events: a pending one is written before it can go. */
	while (tb_hmap_next(&r->by_name, &i, &k, &v)) {
		e = v;
		if (e->stored)
			c[n++] = (struct cand){ e->last_ms, e };
	}
	qsort(c, n, sizeof(*c), cand_cmp);
	if (r->lim.ttl_ms > 0)
		while (old < n && c[old].last_ms + r->lim.ttl_ms <= now_ms)
			old++;
	if (r->lim.max_events && r->by_name.n > r->lim.max_events)
		excess = r->by_name.n - r->lim.max_events;
	need = old > excess ? old : excess;
	if (need > n)
		need = n;
	take = need < max ? need : max;
	out = tb_malloc((take ? take : 1) * sizeof(*out));
	for (i = 0; i < take; i++) {
		char nk[512];

		out[i] = tb_strdup(name_key(nk, sizeof(nk), c[i].e->ns, c[i].e->name));
	}
	if (need > take)
		*ret_next_ms = now_ms;
	else if (take < n && r->lim.ttl_ms > 0)
		*ret_next_ms = c[take].last_ms + r->lim.ttl_ms;
	else
		*ret_next_ms = 0;
	tb_free(c);
	*ret = out;
	return take;
}

/* ---- what a world event means ------------------------------------------------------- */

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Karmada's reasons where Karmada records the same step (pkg/events), and
 * Tugboat's, in the same style, for the steps Karmada does not record. The
 * world's messages are worded by the controllers; the few words that tell
 * steps of one kind apart are read here, and test_recorder pins them. */
static struct tb_rec_meaning meaning(const char *reason, const char *type, const char *action,
				     bool on_template)
{
	return (struct tb_rec_meaning){ reason, type, action, on_template };
}

struct tb_rec_meaning tb_recorder_meaning(const char *kind, const char *msg)
{
	if (!strcmp(kind, TB_EV_CLUSTER)) {
		if (starts(msg, "Ready=True"))
			return meaning("ClusterReady", "Normal", "MonitorCluster", false);
		if (starts(msg, "Ready=False"))
			return meaning("ClusterNotReady", "Warning", "MonitorCluster", false);
		return meaning("ClusterUnknown", "Warning", "MonitorCluster", false);
	}
	if (!strcmp(kind, TB_EV_TAINT))
		return meaning("TaintClusterSucceed", "Normal", "TaintCluster", false);
	if (!strcmp(kind, TB_EV_EVICT))
		return meaning("EvictWorkloadFromClusterSucceed", "Normal", "Evict", true);
	if (!strcmp(kind, TB_EV_HOLD))
		return meaning("EvictionHeld", "Warning", "Evict", false);
	if (!strcmp(kind, TB_EV_SCHEDULE)) {
		if (starts(msg, "unschedulable:"))
			return meaning("ScheduleBindingFailed", "Warning", "Schedule", true);
		return meaning("ScheduleBindingSucceed", "Normal", "Schedule", true);
	}
	if (!strcmp(kind, TB_EV_PURGE))
		return meaning("GracefulEvictionSucceed", "Normal", "Evict", false);
	if (!strcmp(kind, TB_EV_OUTAGE))
		return meaning("MassOutageProtection", strstr(msg, "engaged") ? "Warning" : "Normal",
			       "Protect", false);
	if (!strcmp(kind, TB_EV_MOVEBACK)) {
		if (strstr(msg, "abandoned"))
			return meaning("MoveBackAbandoned", "Warning", "MoveBack", false);
		if (strstr(msg, "rebalanced"))
			return meaning("MoveBackSucceed", "Normal", "MoveBack", false);
		if (strstr(msg, "staying"))
			return meaning("MoveBackSkipped", "Normal", "MoveBack", false);
		return meaning("MoveBackStarted", "Normal", "MoveBack", false);
	}
	return meaning("ControllerEvent", "Normal", "Reconcile", false);
}

/* The message of the Event: the world's, except for a placement, which is
 * worded as Karmada's scheduler words it ("Result: {member1:2, member2:1}"). */
void tb_recorder_message(const char *kind, const char *msg, const struct tb_rec_meaning *m,
			 struct tb_strbuf *out)
{
	const char *p;

	if (strcmp(kind, TB_EV_SCHEDULE) || strcmp(m->reason, "ScheduleBindingSucceed")) {
		tb_strbuf_adds(out, msg);
		return;
	}
	tb_strbuf_adds(out, "Binding has been scheduled successfully. Result: {");
	for (p = strcmp(msg, "(none)") ? msg : ""; *p; p++) {
		if (*p == '=')
			tb_strbuf_addch(out, ':');
		else if (*p == ' ')
			tb_strbuf_adds(out, ", ");
		else
			tb_strbuf_addch(out, *p);
	}
	tb_strbuf_addch(out, '}');
}
