/* The simulator (sim.h). One fixed step of virtual time at a time: faults
 * start and end, probes are issued and answered as the faulty member would,
 * members start and stop replicas, the controllers run when due, and the
 * invariants are checked. Members are simple on purpose: an API that answers
 * (or not) and replicas that become ready after a delay where they fit. */
#include "sim/sim.h"
#include "api/taintpolicy.h"
#include "core/detect.h"
#include "core/evict.h"
#include "core/toleration.h"
#include "ctrl/world.h"
#include "lib/mem.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEVER INT64_MAX

struct member {
	const struct tb_sim_cluster *def;
	enum tb_fault_kind mode;	/* TB_FAULT_RECOVER = normal */
	int64_t since, latency, jitter, period;
	bool hard_fault;		/* ever down/hang/flap/error */
	int64_t next_probe, done_at, rtt;
	bool inflight;
	enum tb_probe result;
	bool was_ready;			/* seen Ready=True once */
	bool lost_probe;		/* a probe was lost in a partition since then */
	bool planned;			/* an operator tainted it NoExecute: moves expected */
	int64_t cpu, mem, pods;		/* in use */
	int64_t fault_at;		/* when the current hard fault began, or -1 */
	int64_t detected_at, evicted_at;
	int64_t not_ready_at;		/* its latest Ready=True -> False/Unknown, or -1 */
};

struct workload {
	size_t b, c;
	int64_t applied;		/* replicas the member was told to run */
	int64_t *ready_at;		/* per replica; NEVER while it cannot run */
	size_t n, alloc;
	int64_t cpu, mem;		/* per replica */
};

/* One failure of one member, from its start to its recovery (or the end). */
struct incident {
	size_t member;
	int64_t at, detected, evicted;	/* -1: did not happen */
};

struct eviction {
	size_t b;
	char *cluster;
	int64_t at;
};

struct sim {
	const struct tb_scenario *sc;
	const struct tb_sim_opts *o;
	struct tb_sim_report *rep;
	struct tb_world w;
	struct member *m;
	bool partition;
	int64_t partition_end, partition_at;
	uint64_t rng;
	struct workload *wl;
	size_t nwl, awl;
	struct eviction *ev;
	size_t nev, aev;
	int64_t *ready_total;		/* per binding, as last reported */
	int64_t *moveback_floor;	/* per binding: ready count a move back keeps, or -1 */
	struct tb_strbuf *out;
	json_t *events;
	int64_t now, next_monitor, next_evict;
	bool started;			/* every cluster answered once: workloads start */
	bool dirty;			/* taints or statuses changed: run eviction */
	size_t fault_i;
	struct tb_policy **policies;	/* borrowed from the scenario objects */
	size_t npolicies;
	struct incident *inc;
	size_t ninc, ainc;
};

/* ---- output ------------------------------------------------------------------ */

static void line(struct sim *s, int64_t t, const char *kind, const char *object,
		 const char *msg)
{
	s->rep->events++;
	if (s->o->json) {
		json_array_append_new(s->events, json_pack("{s:I,s:s,s:s,s:s}", "t_ms", (json_int_t)t,
							   "kind", kind, "object", object,
							   "message", msg));
		return;
	}
	if (s->o->quiet)
		return;
	tb_strbuf_addf(s->out, "%4" PRId64 ".%03" PRId64 "s  %-8s  %s: %s\n", t / 1000, t % 1000,
		       kind, object, msg);
}

static void violate(struct sim *s, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void violate(struct sim *s, const char *name, const char *fmt, ...)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	va_list ap;

	if (s->rep->violation)
		return;
	tb_strbuf_addf(&sb, "invariant \"%s\" broken at %" PRId64 ".%03" PRId64 "s: ", name,
		       s->now / 1000, s->now % 1000);
	va_start(ap, fmt);
	tb_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	s->rep->violation = tb_strbuf_detach(&sb, NULL);
	line(s, s->now, "VIOLATION", name, s->rep->violation);
}

static uint64_t rnd(struct sim *s)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return s->rng;
}

/* latency +- jitter, at least 1 ms */
static int64_t jittered(struct sim *s, int64_t latency, int64_t jitter)
{
	int64_t v = latency;

	if (jitter > 0)
		v += (int64_t)(rnd(s) % (uint64_t)(2 * jitter + 1)) - jitter;
	return v < 1 ? 1 : v;
}

/* ---- members ------------------------------------------------------------------- */

static bool flap_down(const struct member *m, int64_t now)
{
	return m->mode == TB_FAULT_FLAP && ((now - m->since) / m->period) % 2 == 0;
}

/* Can the control plane talk to the member's API right now? */
static bool reachable(const struct sim *s, const struct member *m, int64_t now)
{
	return !s->partition && m->mode != TB_FAULT_DOWN && m->mode != TB_FAULT_HANG &&
	       !flap_down(m, now);
}

/* Do the member's workloads run? */
static bool serving(const struct member *m)
{
	return m->mode != TB_FAULT_DOWN && m->mode != TB_FAULT_HANG;
}

static void issue_probe(struct sim *s, size_t i)
{
	struct member *m = &s->m[i];
	int64_t timeout = tb_health_probe_timeout(&s->w.clusters.v[i].health, &s->w.cfg), rtt;

	m->inflight = true;
	if (s->partition)
		m->lost_probe = true;
	if (s->partition || m->mode == TB_FAULT_HANG) {
		m->result = TB_PROBE_TIMEOUT;
		m->rtt = timeout;
	} else if (m->mode == TB_FAULT_DOWN || flap_down(m, s->now)) {
		m->result = TB_PROBE_UNREACHABLE;
		m->rtt = 1;
	} else {
		rtt = m->mode == TB_FAULT_SLOW ? jittered(s, m->latency, m->jitter) :
		      jittered(s, m->def->latency_ms, m->def->jitter_ms);
		if (rtt > timeout) {
			m->result = TB_PROBE_TIMEOUT;
			m->rtt = timeout;
		} else {
			m->result = m->mode == TB_FAULT_ERROR ? TB_PROBE_NOT_OK : TB_PROBE_OK;
			m->rtt = rtt;
		}
	}
	m->done_at = s->now + m->rtt;
	m->next_probe = s->now + s->w.cfg.probe_period_ms;
}

static void run_probes(struct sim *s)
{
	size_t i;

	for (i = 0; i < s->w.clusters.n; i++) {
		struct member *m = &s->m[i];

		if (m->inflight && m->done_at <= s->now) {
			m->inflight = false;
			tb_ctrl_probe_result(&s->w, i, m->result, m->rtt, s->now);
			if (m->next_probe < s->now)
				m->next_probe = s->now;
		}
		if (!m->inflight && m->next_probe <= s->now)
			issue_probe(s, i);
	}
}

/* ---- faults --------------------------------------------------------------------- */

/* An operator's taint (kubectl/karmadactl taint): a planned move, not a fault. */
static void operator_taint(struct sim *s, const struct tb_sim_fault *f)
{
	struct tb_cluster_spec *spec = &s->w.clusters.v[f->cluster].obj.spec;
	struct tb_taint *t;
	char msg[200];
	size_t i;

	for (i = 0; i < spec->taints.n; i++)
		if (!strcmp(spec->taints.v[i].key, f->key) && !strcmp(spec->taints.v[i].effect, f->effect))
			break;
	if (f->kind == TB_FAULT_TAINT && i == spec->taints.n) {
		spec->taints.v = tb_realloc(spec->taints.v, (spec->taints.n + 1) * sizeof(*t));
		t = &spec->taints.v[spec->taints.n++];
		memset(t, 0, sizeof(*t));
		t->key = tb_strdup(f->key);
		t->effect = tb_strdup(f->effect);
		t->time_added = s->now;
	} else if (f->kind == TB_FAULT_UNTAINT && i < spec->taints.n) {
		tb_schema_release(&tb_taint_schema, &spec->taints.v[i]);
		spec->taints.v[i] = spec->taints.v[--spec->taints.n];
	}
	if (!strcmp(f->effect, "NoExecute"))
		s->m[f->cluster].planned = f->kind == TB_FAULT_TAINT;
	snprintf(msg, sizeof(msg), "operator %s %s:%s", f->kind == TB_FAULT_TAINT ? "taints" :
		 "untaints", f->key, f->effect);
	line(s, s->now, "operator", s->m[f->cluster].def->name, msg);
	s->w.snapshot_stale = true;
	s->dirty = true;
}

static void close_incident(struct sim *s, size_t i)
{
	const struct member *m = &s->m[i];

	TB_GROW(s->inc, s->ainc, s->ninc + 1);
	s->inc[s->ninc].member = i;
	s->inc[s->ninc].at = m->fault_at;
	s->inc[s->ninc].detected = m->detected_at;
	s->inc[s->ninc++].evicted = m->evicted_at;
}

static void apply_faults(struct sim *s)
{
	char msg[200];

	if (s->partition && s->partition_end && s->now >= s->partition_end) {
		s->partition = false;
		line(s, s->now, "fault", "control-plane", "partition healed");
	}
	while (s->fault_i < s->sc->nfaults && s->sc->faults[s->fault_i].at_ms <= s->now) {
		const struct tb_sim_fault *f = &s->sc->faults[s->fault_i++];
		struct member *m;

		if (f->kind == TB_FAULT_PARTITION) {
			s->partition = true;
			s->partition_at = s->now;
			s->partition_end = f->duration_ms ? s->now + f->duration_ms : 0;
			snprintf(msg, sizeof(msg), "partition: the control plane reaches no cluster%s",
				 f->duration_ms ? " (healing after the duration)" : "");
			line(s, s->now, "fault", "control-plane", msg);
			continue;
		}
		m = &s->m[f->cluster];
		if (f->kind == TB_FAULT_TAINT || f->kind == TB_FAULT_UNTAINT) {
			operator_taint(s, f);
			continue;
		}
		m->mode = f->kind;
		m->since = s->now;
		m->latency = f->latency_ms;
		m->jitter = f->jitter_ms;
		m->period = f->period_ms;
		if (f->kind == TB_FAULT_RECOVER) {
			if (m->fault_at >= 0)
				close_incident(s, (size_t)f->cluster);
			m->fault_at = -1;
			snprintf(msg, sizeof(msg), "recovered");
		} else {
			if (f->kind != TB_FAULT_SLOW) {
				m->hard_fault = true;
				if (m->fault_at < 0) {
					m->fault_at = s->now;
					m->detected_at = m->evicted_at = -1;
				}
			}
			if (f->kind == TB_FAULT_SLOW)
				snprintf(msg, sizeof(msg), "slow: answers in %" PRId64 "ms +- %"
					 PRId64 "ms", m->latency, m->jitter);
			else if (f->kind == TB_FAULT_FLAP)
				snprintf(msg, sizeof(msg), "flap: API down and up every %" PRId64 "ms",
					 m->period);
			else
				snprintf(msg, sizeof(msg), "%s", tb_fault_name(f->kind));
		}
		line(s, s->now, "fault", m->def->name, msg);
	}
}

/* ---- workloads on members -------------------------------------------------------- */

static struct workload *workload(struct sim *s, size_t b, size_t c, bool create)
{
	const struct tb_replica_requirements *rr;
	const struct tb_quantity *q;
	struct workload *w;
	size_t i;

	for (i = 0; i < s->nwl; i++)
		if (s->wl[i].b == b && s->wl[i].c == c)
			return &s->wl[i];
	if (!create)
		return NULL;
	TB_GROW(s->wl, s->awl, s->nwl + 1);
	w = &s->wl[s->nwl++];
	memset(w, 0, sizeof(*w));
	w->b = b;
	w->c = c;
	rr = s->w.bindings.v[b].obj->spec.replica_requirements;
	if (rr) {
		if ((q = tb_reslist_get(&rr->resource_request, "cpu")))
			w->cpu = tb_quantity_milli(q);
		if ((q = tb_reslist_get(&rr->resource_request, "memory")))
			w->mem = tb_quantity_value(q);
	}
	return w;
}

/* Replicas the control plane wants on cluster c for binding b: its share in
 * spec.clusters plus what a graceful eviction keeps there. */
static int64_t desired(const struct sim *s, size_t b, size_t c)
{
	const struct tb_binding_spec *spec = &s->w.bindings.v[b].obj->spec;
	const char *name = s->w.clusters.v[c].obj.metadata.name;
	int64_t n = 0;
	size_t i;

	for (i = 0; i < spec->clusters.n; i++)
		if (!strcmp(spec->clusters.v[i].name, name))
			n += spec->replicas && strcmp(tb_placement_scheduling_type(spec->placement),
						      "Duplicated") ? spec->clusters.v[i].replicas :
			     spec->replicas;
	for (i = 0; i < spec->graceful_eviction_tasks.n; i++) {
		const struct tb_eviction_task *t = &spec->graceful_eviction_tasks.v[i];
		if (!strcmp(t->from_cluster, name) && !tb_purge_immediately(t->purge_mode))
			n += t->replicas.set ? t->replicas.v : spec->replicas;
	}
	return n;
}

/* Replicas spec.clusters alone wants on c (without evicting clusters). */
static int64_t desired_in_spec(const struct sim *s, size_t b, size_t c)
{
	const struct tb_binding_spec *spec = &s->w.bindings.v[b].obj->spec;
	const char *name = s->w.clusters.v[c].obj.metadata.name;
	size_t i;

	for (i = 0; i < spec->clusters.n; i++)
		if (!strcmp(spec->clusters.v[i].name, name))
			return strcmp(tb_placement_scheduling_type(spec->placement), "Duplicated") ?
			       spec->clusters.v[i].replicas : spec->replicas;
	return 0;
}

static bool fits(const struct member *m, const struct workload *w)
{
	return m->pods + 1 <= m->def->pods && m->cpu + w->cpu <= m->def->cpu_milli &&
	       m->mem + w->mem <= m->def->memory;
}

static void run_members(struct sim *s)
{
	size_t b, c, i;

	/* The control plane applies what it wants where it can reach. */
	for (b = 0; b < s->w.bindings.n; b++) {
		for (c = 0; c < s->w.clusters.n; c++) {
			struct member *m = &s->m[c];
			int64_t want = desired(s, b, c);
			struct workload *w = workload(s, b, c, want > 0);

			if (!w || !reachable(s, m, s->now))
				continue;
			w->applied = want;
			while ((int64_t)w->n > want) {	/* scale down: newest first */
				w->n--;
				if (w->ready_at[w->n] != NEVER || fits(m, w)) {
					m->pods--;
					m->cpu -= w->cpu;
					m->mem -= w->mem;
				}
			}
			while ((int64_t)w->n < want) {
				TB_GROW(w->ready_at, w->alloc, w->n + 1);
				w->ready_at[w->n++] = NEVER;	/* placed below */
			}
		}
	}
	/* Members run what they were told: replicas start where they fit. */
	for (i = 0; i < s->nwl; i++) {
		struct workload *w = &s->wl[i];
		struct member *m = &s->m[w->c];
		size_t k;

		for (k = 0; k < w->n; k++) {
			if (!serving(m)) {
				w->ready_at[k] = NEVER;
			} else if (w->ready_at[k] == NEVER && fits(m, w)) {
				w->ready_at[k] = s->now + m->def->ready_delay_ms;
				m->pods++;
				m->cpu += w->cpu;
				m->mem += w->mem;
			}
		}
	}
	/* Resources in use, recounted: a member that went down lost its pods. */
	for (c = 0; c < s->w.clusters.n; c++)
		s->m[c].pods = s->m[c].cpu = s->m[c].mem = 0;
	for (i = 0; i < s->nwl; i++) {
		struct workload *w = &s->wl[i];
		size_t k;
		for (k = 0; k < w->n; k++) {
			if (w->ready_at[k] == NEVER)
				continue;
			s->m[w->c].pods++;
			s->m[w->c].cpu += w->cpu;
			s->m[w->c].mem += w->mem;
		}
	}
}

static int64_t ready_on(const struct sim *s, const struct workload *w)
{
	int64_t n = 0;
	size_t k;

	if (!serving(&s->m[w->c]))
		return 0;
	for (k = 0; k < w->n; k++)
		n += w->ready_at[k] <= s->now;
	return n;
}

static void set_q(struct tb_reslist *l, const char *name, int64_t v, bool milli)
{
	struct tb_quantity q = milli ? tb_quantity_from_milli(v, TB_QF_DECIMAL_SI) :
				       tb_quantity_from_int(v, milli ? TB_QF_DECIMAL_SI :
							    TB_QF_BINARY_SI);
	tb_reslist_set(l, name, &q);
}

/* What members report to the control plane: cluster resource summaries and
 * each binding's per-cluster health (status aggregation). Unreachable
 * members report nothing: the control plane keeps its last view. */
/* A move back never takes ready replicas away: from the moment it starts
 * until the binding is settled again, its ready count stays at least what it
 * was (unless a member fails meanwhile, which is not the move back's doing). */
static void check_move_back(struct sim *s, size_t b, int64_t total, int64_t want)
{
	const struct tb_wbinding *wb = &s->w.bindings.v[b];
	int64_t *floor = &s->moveback_floor[b];
	char name[300];
	size_t c;

	if ((wb->fail && wb->fail->moving_back) && *floor < 0)
		*floor = s->ready_total[b] < want ? s->ready_total[b] : want;
	if (*floor < 0)
		return;
	/* A member that stops serving takes replicas away by itself: from then
	 * on a drop says nothing about the move back. */
	for (c = 0; c < s->w.clusters.n; c++)
		if (!serving(&s->m[c])) {
			*floor = -1;
			return;
		}
	if (total < *floor)
		violate(s, "move back keeps replicas ready", "%s: %" PRId64 " ready during a move "
			"back, down from %" PRId64, tb_world_binding_name(wb, name, sizeof(name)),
			total, *floor);
	if (!(wb->fail && wb->fail->moving_back) && !wb->need_schedule && total >= want)
		*floor = -1;
}

static void report_status(struct sim *s)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t b, c, i;
	char name[300];

	for (c = 0; c < s->w.clusters.n; c++) {
		struct tb_cluster *cl = &s->w.clusters.v[c].obj;
		struct member *m = &s->m[c];
		struct tb_resource_summary *rs = cl->status.resource_summary;
		const struct tb_quantity *q;

		if (!reachable(s, m, s->now))
			continue;
		if (!rs) {
			rs = cl->status.resource_summary = tb_calloc(1, sizeof(*rs));
			set_q(&rs->allocatable, "cpu", m->def->cpu_milli, true);
			set_q(&rs->allocatable, "memory", m->def->memory, false);
			set_q(&rs->allocatable, "pods", m->def->pods, false);
			s->w.snapshot_stale = true;
		}
		q = tb_reslist_get(&rs->allocated, "pods");
		if (!q || tb_quantity_value(q) != m->pods) {
			set_q(&rs->allocated, "cpu", m->cpu, true);
			set_q(&rs->allocated, "memory", m->mem, false);
			set_q(&rs->allocated, "pods", m->pods, false);
			s->w.snapshot_stale = true;
		}
	}
	for (b = 0; b < s->w.bindings.n; b++) {
		struct tb_wbinding *wb = &s->w.bindings.v[b];
		struct tb_binding_status *st = &wb->obj->status;
		int64_t total = 0, want = 0;

		tb_strbuf_reset(&sb);
		for (c = 0; c < s->w.clusters.n; c++) {
			struct workload *w = workload(s, b, c, false);
			const char *cn = s->w.clusters.v[c].obj.metadata.name;
			struct tb_aggregated_item *it = NULL;
			const char *health;
			int64_t r;

			if (!w)
				continue;
			r = ready_on(s, w);
			total += r;
			want += desired_in_spec(s, b, c);
			if (r)
				tb_strbuf_addf(&sb, " %s=%" PRId64, cn, r);
			if (!reachable(s, &s->m[c], s->now))
				continue;
			for (i = 0; i < st->aggregated_status.n; i++)
				if (!strcmp(st->aggregated_status.v[i].cluster_name, cn))
					it = &st->aggregated_status.v[i];
			if (!w->applied && !w->n) {
				if (it) {	/* nothing there any more: forget it */
					tb_free(it->cluster_name);
					tb_free(it->health);
					tb_free(it->applied_message);
					json_decref(it->status);
					*it = st->aggregated_status.v[--st->aggregated_status.n];
					s->dirty = true;
				}
				continue;
			}
			if (!it) {
				st->aggregated_status.v = tb_realloc(st->aggregated_status.v,
					(st->aggregated_status.n + 1) * sizeof(*it));
				it = &st->aggregated_status.v[st->aggregated_status.n++];
				memset(it, 0, sizeof(*it));
				it->cluster_name = tb_strdup(cn);
				it->applied = true;
			}
			health = r >= w->applied ? "Healthy" : "Unhealthy";
			if (!it->health || strcmp(it->health, health) ||
			    json_integer_value(json_object_get(it->status, "readyReplicas")) != r) {
				tb_free(it->health);
				it->health = tb_strdup(health);
				json_decref(it->status);
				it->status = json_pack("{s:I,s:I}", "replicas", (json_int_t)w->applied,
						       "readyReplicas", (json_int_t)r);
				s->dirty = true;
			}
		}
		check_move_back(s, b, total, want);
		if (total != s->ready_total[b]) {
			char msg[400];
			s->ready_total[b] = total;
			snprintf(msg, sizeof(msg), "%" PRId64 " ready of %" PRId64 " placed%s", total,
				 want, sb.len ? sb.buf : "");
			line(s, s->now, "ready", tb_world_binding_name(wb, name, sizeof(name)), msg);
		}
	}
	tb_strbuf_release(&sb);
}

/* ---- events from the controllers, and the invariants they reveal ----------------------- */

static struct member *member_named(struct sim *s, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < s->w.clusters.n; i++)
		if (strlen(s->m[i].def->name) == len && !strncmp(s->m[i].def->name, name, len))
			return &s->m[i];
	return NULL;
}

static void on_event(void *ctx, int64_t now, const char *kind, const char *object,
		     const char *message)
{
	struct sim *s = ctx;
	struct member *m;
	const char *p, *q;
	size_t i, b;

	line(s, now, kind, object, message);
	if (!strcmp(kind, TB_EV_TAINT) || !strcmp(kind, TB_EV_CLUSTER))
		s->dirty = true;
	if (!strcmp(kind, TB_EV_CLUSTER) && (m = member_named(s, object, strlen(object)))) {
		if (strstr(message, "Ready=True")) {
			m->was_ready = true;
			m->lost_probe = false;
			m->not_ready_at = -1;
		} else {
			if (m->not_ready_at < 0)
				m->not_ready_at = now;
			if (m->fault_at >= 0 && m->detected_at < 0)
				m->detected_at = now;
		}
	}
	/* A member that answers (within its declared latency) must not be
	 * tainted: that would be a false alarm. */
	if (!strcmp(kind, TB_EV_TAINT) && strchr(message, '+') &&
	    (m = member_named(s, object, strlen(object))) && m->was_ready && !m->hard_fault &&
	    !s->partition && !m->lost_probe)
		violate(s, "no false positive", "%s was tainted (%s) though it answers", object,
			message);
	if (!strcmp(kind, TB_EV_EVICT) && (p = strstr(message, "evicted from "))) {
		p += strlen("evicted from ");
		m = member_named(s, p, strcspn(p, " "));
		s->rep->evictions++;
		if (m && serving(m) && !m->planned)
			s->rep->false_evictions++;
		if (m && m->fault_at >= 0 && m->evicted_at < 0)
			m->evicted_at = now;
		/* The evidence for an eviction dates from its due time, or
		 * from the member's Ready=False if that came first (the
		 * taint manager counts answers from the others since then).
		 * Evidence dated once no answer sent before the partition
		 * could still arrive could only come from inside it. */
		if (s->partition && s->w.cfg.mass_outage_threshold > 0 &&
		    (q = strrchr(message, ','))) {
			int64_t evidence = now - strtoll(q + 2, NULL, 10);
			if (m && m->not_ready_at >= 0 && m->not_ready_at < evidence)
				evidence = m->not_ready_at;
			if (evidence >= s->partition_at + s->w.cfg.probe_timeout_ms)
				violate(s, "no eviction during a partition", "%s: %s", object,
					message);
		}
		if (m && m->was_ready && !m->hard_fault && !s->partition && !m->lost_probe &&
		    !m->planned)
			violate(s, "no false positive", "%s: %s though the cluster answers",
				object, message);
		for (b = 0; b < s->w.bindings.n; b++) {
			char name[300];
			if (strcmp(tb_world_binding_name(&s->w.bindings.v[b], name, sizeof(name)),
				   object))
				continue;
			TB_GROW(s->ev, s->aev, s->nev + 1);
			s->ev[s->nev].b = b;
			s->ev[s->nev].cluster = tb_strndup(p, strcspn(p, " "));
			s->ev[s->nev++].at = now;
		}
	}
	/* Graceful eviction: the old replicas go only once the new ones run, or
	 * after the grace period. Checked against what the members really run. */
	if (!strcmp(kind, TB_EV_PURGE)) {
		size_t len = strcspn(message, " ");
		for (i = 0; i < s->nev; i++) {
			struct eviction *e = &s->ev[i];
			const struct tb_wbinding *wb = &s->w.bindings.v[e->b];
			char name[300];
			int64_t ready = 0;
			size_t c;

			if (strlen(e->cluster) != len || strncmp(e->cluster, message, len) ||
			    strcmp(tb_world_binding_name(wb, name, sizeof(name)), object))
				continue;
			for (c = 0; c < s->w.clusters.n; c++) {
				struct workload *w = workload(s, e->b, c, false);
				const struct member *mm = &s->m[c];

				if (!w || !strcmp(mm->def->name, e->cluster))
					continue;
				/* A member that failed too recently for any probe to
				 * tell is counted as it was. */
				if (!serving(mm) && mm->fault_at >= 0 &&
				    now - mm->fault_at <= s->w.cfg.probe_period_ms +
							  s->w.cfg.probe_timeout_ms)
					ready += (int64_t)w->n;
				else
					ready += ready_on(s, w);
			}
			if (ready < wb->obj->spec.replicas &&
			    now - e->at < s->w.cfg.graceful_eviction_timeout_ms)
				violate(s, "graceful eviction", "%s released %s with %" PRId64 "/%"
					PRId64 " replicas ready elsewhere, before its grace period",
					object, e->cluster, ready, wb->obj->spec.replicas);
			tb_free(e->cluster);
			*e = s->ev[--s->nev];
			break;
		}
	}
}

static void check_placements(struct sim *s)
{
	size_t b, i;

	for (b = 0; b < s->w.bindings.n; b++) {
		const struct tb_wbinding *wb = &s->w.bindings.v[b];
		const struct tb_binding_spec *spec = &wb->obj->spec;
		int64_t sum = 0;
		bool divided = spec->placement &&
			       !strcmp(tb_placement_scheduling_type(spec->placement), "Divided");

		for (i = 0; i < spec->clusters.n; i++)
			sum += spec->clusters.v[i].replicas;
		/* A move back's surge asks for more, on purpose, until it rebalances. */
		if (divided && !wb->unschedulable && !wb->need_schedule && spec->replicas &&
		    spec->clusters.n && sum != spec->replicas && !(wb->fail && wb->fail->moving_back))
			violate(s, "assigned replicas == desired", "%s has %" PRId64 " of %" PRId64
				" replicas assigned", wb->obj->metadata.name, sum, spec->replicas);
	}
}

/* The scheduler never adds a cluster whose taints the placement does not
 * tolerate (clusters already there are the eviction controller's call). */
static void check_new_placements(struct sim *s, char ***before, size_t *nbefore)
{
	size_t b, i, k;

	for (b = 0; b < s->w.bindings.n; b++) {
		const struct tb_binding_spec *spec = &s->w.bindings.v[b].obj->spec;
		for (i = 0; i < spec->clusters.n; i++) {
			struct tb_wcluster *c;
			bool had = false;
			for (k = 0; k < nbefore[b] && !had; k++)
				had = !strcmp(before[b][k], spec->clusters.v[i].name);
			c = tb_world_cluster(&s->w, spec->clusters.v[i].name);
			if (!had && c && spec->placement &&
			    tb_taint_untolerated(c->obj.spec.taints.v, c->obj.spec.taints.n,
						 spec->placement->cluster_tolerations.v,
						 spec->placement->cluster_tolerations.n))
				violate(s, "tolerated placement", "%s placed on %s despite an "
					"untolerated taint", s->w.bindings.v[b].obj->metadata.name,
					c->obj.metadata.name);
		}
	}
}

/* ---- setup ------------------------------------------------------------------------ */

static void setup(struct sim *s)
{
	const struct tb_scenario *sc = s->sc;
	struct tb_binding *b;
	struct tb_err err;
	size_t i, k, j;

	tb_world_init(&s->w, &sc->cfg, 0);
	s->w.event = on_event;
	s->w.event_ctx = s;
	s->m = tb_calloc(sc->nclusters + 1, sizeof(*s->m));
	for (i = 0; i < sc->nclusters; i++) {
		struct tb_cluster c;

		tb_schema_copy(&tb_cluster_schema, &c, &sc->clusters[i].obj);
		tb_world_add_cluster(&s->w, &c, 0);
		s->m[i].def = &sc->clusters[i];
		s->m[i].mode = TB_FAULT_RECOVER;
		s->m[i].fault_at = s->m[i].detected_at = s->m[i].evicted_at = -1;
		s->m[i].not_ready_at = -1;
		/* Spread the first probes over a period, as independent probers would. */
		s->m[i].next_probe = (int64_t)(rnd(s) % (uint64_t)sc->cfg.probe_period_ms);
	}
	s->policies = tb_calloc(sc->nobjects + 1, sizeof(*s->policies));
	for (i = 0; i < sc->nobjects; i++) {
		if (sc->objects[i].kind && sc->objects[i].kind->schema == &tb_policy_schema)
			s->policies[s->npolicies++] = sc->objects[i].typed;
		/* ClusterTaintPolicies apply in file order (all created at once). */
		if (sc->objects[i].kind && sc->objects[i].kind->schema == &tb_taint_policy_schema) {
			s->w.taint_policies.v = tb_realloc(s->w.taint_policies.v,
				(s->w.taint_policies.n + 1) * sizeof(*s->w.taint_policies.v));
			s->w.taint_policies.v[s->w.taint_policies.n++] = sc->objects[i].typed;
		}
	}
	/* The detector: each template gets a binding from the first policy (in
	 * priority order, then file order) that selects it. */
	for (i = 0; i < sc->nobjects; i++) {
		const struct tb_object *o = &sc->objects[i];
		const struct tb_policy *best = NULL;

		if (o->typed || !o->json)
			continue;
		for (k = 0; k < s->npolicies; k++) {
			const struct tb_policy *p = s->policies[k];
			for (j = 0; j < p->spec.resource_selectors.n; j++) {
				if (!tb_detect_selects(&p->spec.resource_selectors.v[j], o->json))
					continue;
				if (!best || p->spec.priority.v > best->spec.priority.v)
					best = p;
				break;
			}
		}
		if (!best)
			continue;
		b = tb_schema_new(&tb_binding_schema);
		if (tb_detect_binding(o->json, best, !o->kind->namespaced, b, &err) == 0) {
			b->metadata.generation = 1;
			tb_world_add_binding(&s->w, b, o->kind->namespaced);
		} else {
			tb_schema_free(&tb_binding_schema, b);
		}
	}
	s->ready_total = tb_calloc(s->w.bindings.n + 1, sizeof(*s->ready_total));
	s->moveback_floor = tb_calloc(s->w.bindings.n + 1, sizeof(*s->moveback_floor));
	for (i = 0; i < s->w.bindings.n; i++)
		s->moveback_floor[i] = -1;
}

/* ---- summary ---------------------------------------------------------------------- */

static void summary(struct sim *s)
{
	struct tb_sim_report *rep = s->rep;
	struct tb_strbuf sb = TB_STRBUF_INIT;
	json_t *faults = json_array();
	size_t i;

	rep->worst_detection_ms = rep->worst_recovery_ms = -1;
	tb_strbuf_addf(&sb, "\nsummary (%s, seed %" PRIu64 ")\n", s->sc->name, s->o->seed);
	for (i = 0; i < s->w.clusters.n; i++)
		if (s->m[i].fault_at >= 0)
			close_incident(s, i);
	for (i = 0; i < s->ninc; i++) {
		const struct incident *in = &s->inc[i];

		tb_strbuf_addf(&sb, "  %s: failed at %" PRId64 ".%03" PRId64 "s",
			       s->m[in->member].def->name, in->at / 1000, in->at % 1000);
		if (in->detected >= 0) {
			tb_strbuf_addf(&sb, ", detected after %" PRId64 "ms", in->detected - in->at);
			if (in->detected - in->at > rep->worst_detection_ms)
				rep->worst_detection_ms = in->detected - in->at;
		} else {
			tb_strbuf_adds(&sb, ", not detected");
		}
		if (in->evicted >= 0)
			tb_strbuf_addf(&sb, ", first eviction after %" PRId64 "ms", in->evicted - in->at);
		tb_strbuf_addch(&sb, '\n');
		json_array_append_new(faults, json_pack("{s:s,s:I,s:I,s:I}", "cluster",
			s->m[in->member].def->name, "failed_ms", (json_int_t)in->at,
			"detection_ms", (json_int_t)(in->detected >= 0 ? in->detected - in->at : -1),
			"eviction_ms", (json_int_t)(in->evicted >= 0 ? in->evicted - in->at : -1)));
	}
	for (i = 0; i < s->w.bindings.n; i++) {
		char name[300];
		tb_strbuf_addf(&sb, "  %s: %" PRId64 "/%" PRId64 " ready at the end\n",
			       tb_world_binding_name(&s->w.bindings.v[i], name, sizeof(name)),
			       s->ready_total[i], s->w.bindings.v[i].obj->spec.replicas);
	}
	tb_strbuf_addf(&sb, "  evictions: %zu, unplanned ones from clusters whose workloads "
		       "still ran: %zu\n", rep->evictions, rep->false_evictions);
	tb_strbuf_addf(&sb, "  invariants: %s\n", rep->violation ? rep->violation : "all held");
	if (s->o->json) {
		json_t *root = json_pack("{s:s,s:I,s:O,s:{s:o,s:I,s:I},s:s?}", "scenario",
					 s->sc->name, "seed", (json_int_t)s->o->seed, "events", s->events,
					 "summary", "faults", faults, "evictions", (json_int_t)rep->evictions,
					 "false_evictions", (json_int_t)rep->false_evictions,
					 "violation", rep->violation);
		tb_codec_emit_json(root, s->out);
		json_decref(root);
	} else {
		json_decref(faults);
		tb_strbuf_add(s->out, sb.buf, sb.len);
	}
	tb_strbuf_release(&sb);
}

void tb_sim_run(const struct tb_scenario *sc, const struct tb_sim_opts *o, struct tb_strbuf *out,
		struct tb_sim_report *rep)
{
	struct sim s;
	char ***before;
	size_t *nbefore, b, i;
	int64_t d;

	memset(&s, 0, sizeof(s));
	memset(rep, 0, sizeof(*rep));
	s.sc = sc;
	s.o = o;
	s.rep = rep;
	s.out = out;
	s.rng = o->seed * 0x9E3779B97F4A7C15ULL + 1;
	s.events = json_array();
	setup(&s);
	before = tb_calloc(s.w.bindings.n + 1, sizeof(*before));
	nbefore = tb_calloc(s.w.bindings.n + 1, sizeof(*nbefore));
	for (s.now = 0; s.now <= sc->duration_ms && !rep->violation; s.now += sc->step_ms) {
		apply_faults(&s);
		run_probes(&s);
		if (s.now >= s.next_monitor) {
			tb_ctrl_monitor(&s.w, s.now);
			s.next_monitor = s.now + s.w.cfg.monitor_period_ms;
		}
		run_members(&s);
		report_status(&s);
		if (s.dirty || (s.next_evict && s.now >= s.next_evict)) {
			s.dirty = false;
			d = tb_ctrl_evict(&s.w, s.now);
			s.next_evict = d ? s.now + d : 0;
		}
		tb_ctrl_move_back(&s.w, s.now);
		for (b = 0; b < s.w.bindings.n; b++) {
			const struct tb_binding_spec *spec = &s.w.bindings.v[b].obj->spec;
			for (i = 0; i < nbefore[b]; i++)
				tb_free(before[b][i]);
			before[b] = tb_realloc(before[b], (spec->clusters.n + 1) * sizeof(char *));
			for (i = 0; i < spec->clusters.n; i++)
				before[b][i] = tb_strdup(spec->clusters.v[i].name);
			nbefore[b] = spec->clusters.n;
		}
		/* Clusters join before workloads arrive, as in a real fleet: the
		 * scheduler starts once every cluster has reported (or a probe
		 * cycle has passed). */
		if (!s.started) {
			bool all = true;
			for (i = 0; i < s.w.clusters.n; i++)
				all &= s.w.clusters.v[i].health.ready != TB_READY_NONE;
			s.started = all || s.now >= sc->cfg.probe_period_ms + sc->cfg.probe_timeout_ms;
		}
		if (s.started)
			tb_ctrl_schedule(&s.w, s.now);
		check_new_placements(&s, before, nbefore);
		check_placements(&s);
	}
	if (s.now > sc->duration_ms)
		s.now = sc->duration_ms;
	summary(&s);
	for (b = 0; b < s.w.bindings.n; b++) {
		for (i = 0; i < nbefore[b]; i++)
			tb_free(before[b][i]);
		tb_free(before[b]);
	}
	tb_free(before);
	tb_free(nbefore);
	for (i = 0; i < s.nwl; i++)
		tb_free(s.wl[i].ready_at);
	tb_free(s.wl);
	for (i = 0; i < s.nev; i++)
		tb_free(s.ev[i].cluster);
	tb_free(s.ev);
	tb_free(s.ready_total);
	tb_free(s.moveback_floor);
	tb_free(s.policies);
	tb_free(s.inc);
	tb_free(s.m);
	json_decref(s.events);
	tb_world_release(&s.w);
}

void tb_sim_report_release(struct tb_sim_report *rep)
{
	tb_free(rep->violation);
	memset(rep, 0, sizeof(*rep));
}
