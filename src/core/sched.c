/* The scheduling pipeline (sched.h): filter, score, select, assign, for one
 * binding against a snapshot; and the retry over ordered clusterAffinities.
 * Messages follow Karmada's scheduler word for word where it has one. */
#include "core/sched.h"
#include "core/affinity.h"
#include "core/sched_int.h"
#include "core/toleration.h"
#include "core/webster.h"
#include "lib/mem.h"

#include <stdlib.h>
#include <string.h>

static const char R_AFFINITY[] = "cluster(s) did not match the placement cluster affinity constraint";
static const char R_EVICTION[] = "cluster(s) is in the process of eviction";
static const char R_TAINT[] = "cluster(s) had untolerated taint";
static const char R_API[] = "cluster(s) did not have the API resource";
static const char R_PROVIDER[] = "cluster(s) did not have provider property";
static const char R_REGION[] = "cluster(s) did not have region property";
static const char R_ZONES[] = "cluster(s) did not have zones property";

static int cmp_by_name(const void *a, const void *b, void *clusters)
{
	const struct tb_cluster *const *c = clusters;

	return strcmp(c[*(const uint32_t *)a]->metadata.name,
		      c[*(const uint32_t *)b]->metadata.name);
}

void tb_sched_snapshot_init(struct tb_sched_snapshot *s, const struct tb_cluster *const *clusters,
			    size_t n)
{
	uint32_t *order;
	size_t i;

	memset(s, 0, sizeof(*s));
	s->clusters = clusters;
	s->n = n;
	s->est = tb_calloc(n ? n : 1, sizeof(*s->est));
	s->rank = tb_calloc(n ? n : 1, sizeof(*s->rank));
	order = tb_calloc(n ? n : 1, sizeof(*order));
	for (i = 0; i < n; i++) {
		tb_estimate_cluster_init(&s->est[i], clusters[i], &s->names);
		order[i] = (uint32_t)i;
	}
	/* Name ranks turn every later tie-break into an integer compare. */
	qsort_r(order, n, sizeof(*order), cmp_by_name, (void *)clusters);
	for (i = 0; i < n; i++)
		s->rank[order[i]] = (uint32_t)i;
	tb_free(order);
}

void tb_sched_snapshot_release(struct tb_sched_snapshot *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		tb_estimate_cluster_release(&s->est[i]);
	tb_free(s->est);
	tb_free(s->rank);
	tb_resnames_release(&s->names);
	memset(s, 0, sizeof(*s));
}

void tb_sched_result_release(struct tb_sched_result *r)
{
	size_t i;

	for (i = 0; i < r->clusters.n; i++)
		tb_free(r->clusters.v[i].name);
	tb_free(r->clusters.v);
	for (i = 0; i < r->verdicts.n; i++)
		tb_free(r->verdicts.v[i].detail);
	tb_free(r->verdicts.v);
	tb_free(r->affinity_name);
	tb_free(r->error);
	memset(r, 0, sizeof(*r));
}

/* ---- helpers shared with spread.c and assign.c --------------------------------- */

int64_t tb__assigned_replicas(const struct tb_binding_spec *spec, const char *cluster)
{
	size_t i;

	for (i = 0; i < spec->clusters.n; i++)
		if (spec->clusters.v[i].name && !strcmp(spec->clusters.v[i].name, cluster))
			return spec->clusters.v[i].replicas;
	return 0;
}

static int cand_cmp(const struct tb__cand *a, const struct tb__cand *b)
{
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->available != b->available)
		return a->available > b->available ? -1 : 1;
	return a->rank < b->rank ? -1 : a->rank > b->rank;
}

static int cand_qcmp(const void *a, const void *b)
{
	return cand_cmp(a, b);
}

/* Names are unique, so the order is total and qsort's instability is moot. */
void tb__cands_sort(struct tb__cand *c, size_t n)
{
	qsort(c, n, sizeof(*c), cand_qcmp);
}

/* ---- filters ------------------------------------------------------------------- */

static bool target_contains(const struct tb_binding_spec *spec, const char *name)
{
	size_t i;

	for (i = 0; i < spec->clusters.n; i++)
		if (spec->clusters.v[i].name && !strcmp(spec->clusters.v[i].name, name))
			return true;
	return false;
}

static bool api_disabled(const struct tb_cluster *c, const struct tb_object_ref *res)
{
	const struct tb_condition *cond;
	size_t i, k;

	if (!res->api_version || !res->kind)
		return false;
	for (i = 0; i < c->status.api_enablements.n; i++) {
		const struct tb_api_enablement *ae = &c->status.api_enablements.v[i];
		if (!ae->group_version || strcmp(ae->group_version, res->api_version))
			continue;
		for (k = 0; k < ae->resources.n; k++)
			if (ae->resources.v[k].kind && !strcmp(ae->resources.v[k].kind, res->kind))
				return false;
	}
	/* Only a complete list proves absence; Karmada also rejects unknown. */
	cond = tb_condition_find(c->status.conditions.v, c->status.conditions.n,
				 "CompleteAPIEnablements");
	return cond && cond->status && !strcmp(cond->status, "True");
}

/* Runs the filters in a fixed order; returns the first failing reason (and,
 * for taints, the taint) or NULL when the cluster is feasible. */
static const char *filter(const struct tb__sched *st, const struct tb_cluster *c,
			  const struct tb_cluster_affinity *aff, const struct tb_taint **taint)
{
	const struct tb_binding_spec *spec = st->spec;
	const struct tb_placement *pl = st->pl;
	const char *name = c->metadata.name;
	size_t i;

	if (aff && !tb_affinity_matches(c, aff))
		return R_AFFINITY;
	for (i = 0; i < spec->graceful_eviction_tasks.n; i++)
		if (spec->graceful_eviction_tasks.v[i].from_cluster &&
		    !strcmp(spec->graceful_eviction_tasks.v[i].from_cluster, name))
			return R_EVICTION;
	/* Clusters already in use are never filtered by taints or APIs: moving
	 * away from them is the taint manager's decision, not the scheduler's. */
	if (!target_contains(spec, name)) {
		*taint = tb_taint_untolerated(c->spec.taints.v, c->spec.taints.n,
					      pl->cluster_tolerations.v, pl->cluster_tolerations.n);
		if (*taint)
			return R_TAINT;
		if (api_disabled(c, &spec->resource))
			return R_API;
	}
	for (i = 0; i < pl->spread_constraints.n; i++) {
		const char *f = pl->spread_constraints.v[i].spread_by_field;
		if (!f)
			continue;
		if (!strcmp(f, "provider") && (!c->spec.provider || !*c->spec.provider))
			return R_PROVIDER;
		if (!strcmp(f, "region") && (!c->spec.region || !*c->spec.region))
			return R_REGION;
		if (!strcmp(f, "zone") && !c->spec.zones.n)
			return R_ZONES;
	}
	return NULL;
}

/* Per-attempt working arrays, one allocation. */
struct scratch {
	struct tb__cand *cands;
	const char **reason;		/* filter reason, R_DELETING, or NULL */
	const struct tb_taint **taint;	/* the untolerated taint, for R_TAINT */
	int64_t *estimate;		/* -1 when not estimated */
	bool *selected;
};

static const char R_DELETING[] = "cluster is being deleted";

static char *reason_text(const struct scratch *x, size_t i)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;

	if (x->reason[i] != R_TAINT)
		return NULL;
	tb_strbuf_adds(&sb, R_TAINT);
	tb_strbuf_adds(&sb, " {");
	tb_taint_string(x->taint[i], &sb);
	tb_strbuf_addch(&sb, '}');
	return tb_strbuf_detach(&sb, NULL);
}

static int cmp_strbuf(const void *a, const void *b)
{
	return strcmp(((const struct tb_strbuf *)a)->buf, ((const struct tb_strbuf *)b)->buf);
}

/* framework.FitError.Error(): "0/N clusters are available: <n> <reason>, ..."
 * with the "<n> <reason>" strings sorted, as Go sorts them. Deleting clusters
 * count in N but give no reason. */
static void fit_error(struct tb__sched *st, const struct scratch *x)
{
	size_t n = st->snap->n, i, j, nitems = 0, count;
	char **text = tb_calloc(n ? n : 1, sizeof(*text));
	struct tb_strbuf *items = tb_calloc(n ? n : 1, sizeof(*items));
	bool *done = tb_calloc(n ? n : 1, sizeof(*done));

	tb_strbuf_addf(&st->err, "0/%zu clusters are available: ", n);
	for (i = 0; i < n; i++)
		text[i] = reason_text(x, i);
	for (i = 0; i < n; i++) {
		const char *ri = text[i] ? text[i] : x->reason[i];
		if (done[i] || !ri || x->reason[i] == R_DELETING)
			continue;
		count = 0;
		for (j = i; j < n; j++) {
			const char *rj = text[j] ? text[j] : x->reason[j];
			if (!done[j] && rj && !strcmp(ri, rj)) {
				done[j] = true;
				count++;
			}
		}
		tb_strbuf_init(&items[nitems]);
		tb_strbuf_addf(&items[nitems++], "%zu %s", count, ri);
	}
	qsort(items, nitems, sizeof(*items), cmp_strbuf);
	for (i = 0; i < nitems; i++) {
		tb_strbuf_adds(&st->err, i ? ", " : "");
		tb_strbuf_add(&st->err, items[i].buf, items[i].len);
		tb_strbuf_release(&items[i]);
	}
	tb_strbuf_adds(&st->err, nitems ? "." : "no cluster exists.");
	for (i = 0; i < n; i++)
		tb_free(text[i]);
	tb_free(text);
	tb_free(items);
	tb_free(done);
}

static int cmp_target(const void *a, const void *b)
{
	return strcmp(((const struct tb_target_cluster *)a)->name,
		      ((const struct tb_target_cluster *)b)->name);
}

static void explain(const struct tb__sched *st, const struct scratch *x,
		    struct tb_sched_result *r)
{
	const struct tb_sched_snapshot *s = st->snap;
	size_t i, k;

	r->verdicts.v = tb_calloc(s->n ? s->n : 1, sizeof(*r->verdicts.v));
	r->verdicts.n = s->n;
	for (i = 0; i < s->n; i++) {
		struct tb_sched_verdict *v = &r->verdicts.v[i];

		v->cluster = s->clusters[i]->metadata.name;
		v->filtered = x->reason[i];
		v->detail = reason_text(x, i);
		v->available = x->estimate[i];
		v->selected = x->selected[i];
		v->score = !x->reason[i] && st->spec->clusters.n &&
			   target_contains(st->spec, v->cluster) ? TB_SCHED_MAX_SCORE : 0;
		for (k = 0; k < r->clusters.n; k++)
			if (!strcmp(r->clusters.v[k].name, v->cluster))
				v->replicas = r->clusters.v[k].replicas;
	}
}

/* One scheduling attempt with one cluster affinity (or none). */
static int schedule_once(struct tb__sched *st, const struct tb_cluster_affinity *aff,
			 struct tb_sched_result *r)
{
	const struct tb_sched_snapshot *s = st->snap;
	const struct tb_binding_spec *spec = st->spec;
	size_t i, k, n = 0, nout = 0, m = s->n ? s->n : 1;
	struct tb__assigned *out = NULL;
	struct tb_estimate_req er;
	struct scratch x;
	char *block;
	long nsel;
	bool workload = spec->replicas > 0 || spec->replica_requirements;
	int rc = -1;

	block = tb_malloc(m * (sizeof(*x.cands) + sizeof(*x.reason) + sizeof(*x.taint) +
			       sizeof(*x.estimate) + sizeof(*x.selected)));
	x.cands = (void *)block;
	x.reason = (void *)(x.cands + m);
	x.taint = (void *)(x.reason + m);
	x.estimate = (void *)(x.taint + m);
	x.selected = (void *)(x.estimate + m);
	for (i = 0; i < s->n; i++) {
		const struct tb_cluster *c = s->clusters[i];

		x.estimate[i] = -1;
		x.selected[i] = false;
		x.taint[i] = NULL;
		x.reason[i] = c->metadata.deletion_timestamp ? R_DELETING :
			      filter(st, c, aff, &x.taint[i]);
		if (x.reason[i])
			continue;
		x.cands[n].idx = i;
		x.cands[n].rank = s->rank[i];
		x.cands[n].c = c;
		x.cands[n].name = c->metadata.name;
		/* ClusterLocality: prefer clusters the binding already uses. */
		x.cands[n].score = spec->clusters.n && target_contains(spec, c->metadata.name) ?
				   TB_SCHED_MAX_SCORE : 0;
		n++;
	}
	if (!n) {
		fit_error(st, &x);
		r->fit_error = true;
		goto out;
	}
	tb_estimate_req_init(&er, spec->replica_requirements, &s->names);
	for (k = 0; k < n; k++) {
		int64_t est = INT32_MAX;	/* non-workloads are not estimated */

		if (spec->replicas != 0) {
			est = tb_estimate_replicas(&s->est[x.cands[k].idx], &er);
			if (est > INT32_MAX)
				est = INT32_MAX;
			x.estimate[x.cands[k].idx] = est;
		}
		x.cands[k].allocatable = est;
		x.cands[k].available = est + tb__assigned_replicas(spec, x.cands[k].name);
	}
	tb_estimate_req_release(&er);
	tb__cands_sort(x.cands, n);
	nsel = tb__spread_select(st, x.cands, n);
	if (nsel < 0)
		goto out;
	for (k = 0; k < (size_t)nsel; k++)
		x.selected[x.cands[k].idx] = true;
	if (nsel == 0) {
		tb_strbuf_adds(&st->err, "failed to assign replicas: no clusters available to schedule");
		goto out;
	}
	out = tb_malloc(2 * (size_t)nsel * sizeof(*out));
	if (workload) {
		if (tb__assign(st, x.cands, (size_t)nsel, out, &nout) < 0)
			goto out;
	} else {
		for (k = 0; k < (size_t)nsel; k++) {
			out[nout].name = x.cands[k].name;
			out[nout++].replicas = 0;
		}
	}
	r->clusters.v = tb_calloc(nout ? nout : 1, sizeof(*r->clusters.v));
	for (k = 0; k < nout; k++) {
		if (workload && out[k].replicas <= 0)
			continue;	/* removeZeroReplicasCluster */
		r->clusters.v[r->clusters.n].name = tb_strdup(out[k].name);
		r->clusters.v[r->clusters.n++].replicas = out[k].replicas;
	}
	qsort(r->clusters.v, r->clusters.n, sizeof(*r->clusters.v), cmp_target);
	rc = 0;
out:
	if (st->flags & TB_SCHED_EXPLAIN)
		explain(st, &x, r);
	tb_free(out);
	tb_free(block);
	return rc;
}

static bool reschedule_required(const struct tb_binding_spec *spec,
				const struct tb_binding_status *status)
{
	return spec->reschedule_triggered_at && status && status->last_scheduled_time &&
	       spec->reschedule_triggered_at > status->last_scheduled_time;
}

int tb_sched_schedule(const struct tb_sched_snapshot *s, const struct tb_binding_spec *spec,
		      const struct tb_binding_status *status, unsigned flags,
		      struct tb_sched_result *out)
{
	struct tb__sched st = {
		.snap = s, .spec = spec, .status = status, .pl = spec->placement,
		.err = TB_STRBUF_INIT, .flags = flags,
	};
	struct tb_sched_result attempt, first;
	const struct tb_placement *pl = spec->placement;
	const char *observed = status ? status->scheduler_observing_affinity_name : NULL;
	size_t i, start = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!pl) {
		out->error = tb_strdup("the binding has no placement");
		return -TB_EINVAL;
	}
	st.fresh = reschedule_required(spec, status);
	st.names_desc = tb_webster_uid_descending(spec->resource.uid);
	if (pl->cluster_affinity || !pl->cluster_affinities.n) {
		rc = schedule_once(&st, pl->cluster_affinity, out);
		if (rc < 0)
			out->error = tb_strbuf_detach(&st.err, NULL);
		tb_strbuf_release(&st.err);
		return rc < 0 ? -TB_EINVAL : 0;
	}
	/* Ordered affinity terms: start from the term in use (unless a fresh
	 * reschedule was asked for) and fall back to the next until one fits. */
	for (i = 0; observed && !st.fresh && i < pl->cluster_affinities.n; i++)
		if (pl->cluster_affinities.v[i].affinity_name &&
		    !strcmp(pl->cluster_affinities.v[i].affinity_name, observed))
			start = i;
	memset(&first, 0, sizeof(first));
	for (i = start; i < pl->cluster_affinities.n; i++) {
		memset(&attempt, 0, sizeof(attempt));
		tb_strbuf_reset(&st.err);
		if (schedule_once(&st, &pl->cluster_affinities.v[i].affinity, &attempt) == 0) {
			tb_sched_result_release(&first);
			*out = attempt;
			out->affinity_name = tb_strdup(pl->cluster_affinities.v[i].affinity_name ?
						       pl->cluster_affinities.v[i].affinity_name : "");
			tb_strbuf_release(&st.err);
			return 0;
		}
		if (!first.error) {
			first = attempt;
			first.error = tb_strdup(st.err.buf);
		} else {
			tb_sched_result_release(&attempt);
		}
	}
	*out = first;
	tb_strbuf_release(&st.err);
	return -TB_EINVAL;
}
