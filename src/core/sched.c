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

#define R_AFFINITY "cluster(s) did not match the placement cluster affinity constraint"
#define R_EVICTION "cluster(s) is in the process of eviction"
#define R_TAINT "cluster(s) had untolerated taint"
#define R_API "cluster(s) did not have the API resource"
#define R_PROVIDER "cluster(s) did not have provider property"
#define R_REGION "cluster(s) did not have region property"
#define R_ZONES "cluster(s) did not have zones property"

void tb_sched_snapshot_init(struct tb_sched_snapshot *s, const struct tb_cluster *const *clusters,
			    size_t n)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->clusters = clusters;
	s->n = n;
	s->est = tb_calloc(n ? n : 1, sizeof(*s->est));
	for (i = 0; i < n; i++)
		tb_estimate_cluster_init(&s->est[i], clusters[i], &s->names);
}

void tb_sched_snapshot_release(struct tb_sched_snapshot *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		tb_estimate_cluster_release(&s->est[i]);
	tb_free(s->est);
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
	return strcmp(a->name, b->name);
}

/* Insertion sort: stable, and candidate lists are short. */
void tb__cands_sort(struct tb__cand *c, size_t n)
{
	struct tb__cand t;
	size_t i, j;

	for (i = 1; i < n; i++) {
		t = c[i];
		for (j = i; j > 0 && cand_cmp(&t, &c[j - 1]) < 0; j--)
			c[j] = c[j - 1];
		c[j] = t;
	}
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

/* Runs the filters in a fixed order; returns the first failing reason (and a
 * formatted detail for taints) or NULL when the cluster is feasible. */
static const char *filter(const struct tb__sched *st, const struct tb_cluster *c,
			  const struct tb_cluster_affinity *aff, char **detail)
{
	const struct tb_binding_spec *spec = st->spec;
	const struct tb_placement *pl = st->pl;
	const char *name = c->metadata.name;
	const struct tb_taint *taint;
	struct tb_strbuf sb = TB_STRBUF_INIT;
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
		taint = tb_taint_untolerated(c->spec.taints.v, c->spec.taints.n,
					     pl->cluster_tolerations.v, pl->cluster_tolerations.n);
		if (taint) {
			tb_strbuf_adds(&sb, R_TAINT " {");
			tb_taint_string(taint, &sb);
			tb_strbuf_addch(&sb, '}');
			*detail = tb_strbuf_detach(&sb, NULL);
			return R_TAINT;
		}
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

/* framework.FitError.Error(): "0/N clusters are available: <n> <reason>, ...". */
static void fit_error(struct tb__sched *st, const struct tb_sched_result *r)
{
	const char **reasons;
	size_t n = 0, i, j, count;

	tb_strbuf_addf(&st->err, "0/%zu clusters are available: ", st->snap->n);
	reasons = tb_calloc(r->verdicts.n ? r->verdicts.n : 1, sizeof(*reasons));
	for (i = 0; i < r->verdicts.n; i++)
		if (r->verdicts.v[i].filtered)
			reasons[n++] = r->verdicts.v[i].detail ? r->verdicts.v[i].detail :
				       r->verdicts.v[i].filtered;
	if (!n) {
		tb_strbuf_adds(&st->err, "no cluster exists.");
		tb_free(reasons);
		return;
	}
	/* "<count> <reason>" strings sorted: count first, as Go sorts them. */
	{
		struct tb_strbuf *items = tb_calloc(n, sizeof(*items));
		size_t nitems = 0;

		for (i = 0; i < n; i++) {
			if (!reasons[i])
				continue;
			count = 0;
			for (j = i; j < n; j++) {
				if (reasons[j] && !strcmp(reasons[j], reasons[i])) {
					count++;
					if (j != i)
						reasons[j] = NULL;
				}
			}
			tb_strbuf_init(&items[nitems]);
			tb_strbuf_addf(&items[nitems++], "%zu %s", count, reasons[i]);
		}
		for (i = 1; i < nitems; i++) {
			struct tb_strbuf t = items[i];
			for (j = i; j > 0 && strcmp(t.buf, items[j - 1].buf) < 0; j--)
				items[j] = items[j - 1];
			items[j] = t;
		}
		for (i = 0; i < nitems; i++) {
			tb_strbuf_adds(&st->err, i ? ", " : "");
			tb_strbuf_add(&st->err, items[i].buf, items[i].len);
			tb_strbuf_release(&items[i]);
		}
		tb_strbuf_addch(&st->err, '.');
		tb_free(items);
	}
	tb_free(reasons);
}

static int cmp_target(const void *a, const void *b)
{
	return strcmp(((const struct tb_target_cluster *)a)->name,
		      ((const struct tb_target_cluster *)b)->name);
}

/* One scheduling attempt with one cluster affinity (or none). */
static int schedule_once(struct tb__sched *st, const struct tb_cluster_affinity *aff,
			 struct tb_sched_result *r)
{
	const struct tb_sched_snapshot *s = st->snap;
	const struct tb_binding_spec *spec = st->spec;
	struct tb_estimate_req er;
	struct tb_target_cluster *out = NULL;
	struct tb__cand *cands;
	size_t i, k, n = 0, nout = 0;
	long nsel;
	bool workload = spec->replicas > 0 || spec->replica_requirements;
	int rc = -1;

	r->verdicts.v = tb_calloc(s->n ? s->n : 1, sizeof(*r->verdicts.v));
	r->verdicts.n = s->n;
	cands = tb_calloc(s->n ? s->n : 1, sizeof(*cands));
	for (i = 0; i < s->n; i++) {
		const struct tb_cluster *c = s->clusters[i];
		struct tb_sched_verdict *v = &r->verdicts.v[i];

		v->cluster = c->metadata.name;
		v->available = -1;
		if (c->metadata.deletion_timestamp) {
			v->filtered = "cluster is being deleted";
			continue;
		}
		v->filtered = filter(st, c, aff, &v->detail);
		if (v->filtered)
			continue;
		cands[n].idx = i;
		cands[n].c = c;
		cands[n].name = c->metadata.name;
		/* ClusterLocality: prefer clusters the binding already uses. */
		cands[n].score = spec->clusters.n && target_contains(spec, c->metadata.name) ?
				 TB_SCHED_MAX_SCORE : 0;
		v->score = cands[n].score;
		n++;
	}
	if (!n) {
		/* Deleting clusters are not counted as reasons, as in Karmada. */
		for (i = 0; i < r->verdicts.n; i++)
			if (s->clusters[i]->metadata.deletion_timestamp)
				r->verdicts.v[i].filtered = NULL;
		fit_error(st, r);
		for (i = 0; i < r->verdicts.n; i++)
			if (s->clusters[i]->metadata.deletion_timestamp)
				r->verdicts.v[i].filtered = "cluster is being deleted";
		r->fit_error = true;
		goto out;
	}
	tb_estimate_req_init(&er, spec->replica_requirements, &s->names);
	for (k = 0; k < n; k++) {
		int64_t est;

		if (spec->replicas == 0) {
			est = INT32_MAX;	/* non-workloads are not estimated */
		} else {
			est = tb_estimate_replicas(&s->est[cands[k].idx], &er);
			if (est > INT32_MAX)
				est = INT32_MAX;
			r->verdicts.v[cands[k].idx].available = est;
		}
		cands[k].allocatable = est;
		cands[k].available = est + tb__assigned_replicas(spec, cands[k].name);
	}
	tb_estimate_req_release(&er);
	tb__cands_sort(cands, n);
	nsel = tb__spread_select(st, cands, n);
	if (nsel < 0)
		goto out;
	for (k = 0; k < (size_t)nsel; k++)
		r->verdicts.v[cands[k].idx].selected = true;
	if (nsel == 0) {
		tb_strbuf_adds(&st->err, "failed to assign replicas: no clusters available to schedule");
		goto out;
	}
	if (workload) {
		if (tb__assign(st, cands, (size_t)nsel, &out, &nout) < 0)
			goto out;
	} else {
		out = tb_calloc((size_t)nsel, sizeof(*out));
		for (k = 0; k < (size_t)nsel; k++)
			out[nout++].name = tb_strdup(cands[k].name);
	}
	r->clusters.v = tb_calloc(nout ? nout : 1, sizeof(*r->clusters.v));
	for (k = 0; k < nout; k++) {
		if (workload && out[k].replicas <= 0) {
			tb_free(out[k].name);
			continue;
		}
		r->clusters.v[r->clusters.n++] = out[k];
	}
	qsort(r->clusters.v, r->clusters.n, sizeof(*r->clusters.v), cmp_target);
	for (k = 0; k < r->clusters.n; k++)
		for (i = 0; i < s->n; i++)
			if (!strcmp(s->clusters[i]->metadata.name, r->clusters.v[k].name))
				r->verdicts.v[i].replicas = r->clusters.v[k].replicas;
	rc = 0;
out:
	tb_free(out);
	tb_free(cands);
	return rc;
}

static bool reschedule_required(const struct tb_binding_spec *spec,
				const struct tb_binding_status *status)
{
	return spec->reschedule_triggered_at && status && status->last_scheduled_time &&
	       spec->reschedule_triggered_at > status->last_scheduled_time;
}

int tb_sched_schedule(const struct tb_sched_snapshot *s, const struct tb_binding_spec *spec,
		      const struct tb_binding_status *status, struct tb_sched_result *out)
{
	struct tb__sched st = {
		.snap = s, .spec = spec, .status = status, .pl = spec->placement,
		.err = TB_STRBUF_INIT,
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
