/* Replica assignment over the selected clusters (Karmada's assignment.go and
 * division_algorithm.go): Duplicated; static weights; dynamic weights and
 * Aggregated with Steady (keep what is placed, add or shrink) or Fresh modes.
 * Division itself is Webster's method. */
#include "core/affinity.h"
#include "core/sched_int.h"
#include "core/webster.h"
#include "lib/mem.h"

#include <string.h>

struct tc {
	const char *name;
	int64_t replicas;
};

static void out_push(struct tb_target_cluster **out, size_t *n, const char *name, int64_t r)
{
	*out = tb_realloc(*out, (*n + 1) * sizeof(**out));
	(*out)[*n].name = tb_strdup(name);
	(*out)[*n].replicas = r;
	(*n)++;
}

/* Stable sort by replicas, descending (TargetClustersList). */
static void sort_desc(struct tc *v, size_t n)
{
	struct tc t;
	size_t i, j;

	for (i = 1; i < n; i++) {
		t = v[i];
		for (j = i; j > 0 && t.replicas > v[j - 1].replicas; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

static int cmp_party(const void *a, const void *b)
{
	return strcmp(((const struct tb_party *)a)->name, ((const struct tb_party *)b)->name);
}

/* Divides seats over weighted parties; appends every party (zero seats
 * included, by name, as AllocateWebsterSeats returns them) to res. */
static void divide(struct tb__sched *st, const struct tc *w, size_t n, int64_t seats,
		   struct tc **res, size_t *nres)
{
	struct tb_party *p = tb_calloc(n ? n : 1, sizeof(*p));
	size_t i;

	for (i = 0; i < n; i++) {
		p[i].name = w[i].name;
		p[i].votes = w[i].replicas;
	}
	tb_webster(p, n, seats, st->names_desc);
	qsort(p, n, sizeof(*p), cmp_party);
	*res = tb_realloc(*res, (*nres + n + 1) * sizeof(**res));
	for (i = 0; i < n; i++) {
		(*res)[*nres].name = p[i].name;
		(*res)[*nres].replicas = p[i].seats;
		(*nres)++;
	}
	tb_free(p);
}

static int by_static_weight(struct tb__sched *st, const struct tb__cand *c, size_t n,
			    struct tb_target_cluster **out, size_t *nout)
{
	const struct tb_cluster_preferences *wp = st->pl->replica_scheduling->weight_preference;
	struct tc *w = tb_calloc(n ? n : 1, sizeof(*w)), *res = NULL;
	int64_t sum = 0, weight;
	size_t nw = 0, nres = 0, i, k;

	for (i = 0; i < n; i++) {
		weight = wp ? 0 : 1;	/* no preference: every cluster weighs 1 */
		for (k = 0; wp && k < wp->static_weight_list.n; k++) {
			const struct tb_static_weight *sw = &wp->static_weight_list.v[k];
			if (sw->weight > weight && tb_affinity_matches(c[i].c, &sw->target_cluster))
				weight = sw->weight;
		}
		if (weight > 0) {
			w[nw].name = c[i].name;
			w[nw++].replicas = weight;
			sum += weight;
		}
	}
	if (sum == 0) {
		for (i = 0; i < n; i++) {
			w[i].name = c[i].name;
			w[i].replicas = 1;
		}
		nw = n;
	}
	divide(st, w, nw, st->spec->replicas, &res, &nres);
	for (i = 0; i < nres; i++)
		out_push(out, nout, res[i].name, res[i].replicas);
	tb_free(w);
	tb_free(res);
	return 0;
}

static int by_dynamic(struct tb__sched *st, const struct tb__cand *c, size_t n, bool aggregated,
		      struct tb_target_cluster **out, size_t *nout)
{
	const struct tb_binding_spec *spec = st->spec;
	struct tc *sched = tb_calloc(spec->clusters.n + 1, sizeof(*sched));
	struct tc *avail = tb_calloc(n + spec->clusters.n + 1, sizeof(*avail));
	struct tc *res = NULL;
	size_t nsched = 0, navail = 0, nres = 0, i, k, pass;
	int64_t assigned = 0, target, total = 0;
	const char *mode;
	int rc = -1;

	/* buildScheduledClusters: what is placed on clusters still candidates. */
	for (i = 0; i < spec->clusters.n; i++) {
		for (k = 0; k < n; k++) {
			if (spec->clusters.v[i].name && !strcmp(spec->clusters.v[i].name, c[k].name)) {
				sched[nsched].name = c[k].name;
				sched[nsched++].replicas = spec->clusters.v[i].replicas;
				assigned += spec->clusters.v[i].replicas;
				break;
			}
		}
	}
	if (st->fresh) {
		mode = "failed to do fresh scale: ";
		target = spec->replicas;
		for (k = 0; k < n; k++) {
			avail[navail].name = c[k].name;
			avail[navail].replicas = c[k].allocatable;
			for (i = 0; i < nsched; i++)
				if (!strcmp(sched[i].name, c[k].name))
					avail[navail].replicas += sched[i].replicas;
			navail++;
		}
		nsched = 0;
	} else if (assigned > spec->replicas) {
		/* Scale down: shrink each cluster in proportion to what it has. */
		mode = "failed to scale down: ";
		target = spec->replicas;
		memcpy(avail, sched, nsched * sizeof(*avail));
		navail = nsched;
		nsched = 0;
	} else if (assigned < spec->replicas) {
		/* Scale up: place only the missing replicas, where they fit best. */
		mode = "failed to scale up: ";
		target = spec->replicas - assigned;
		for (k = 0; k < n; k++) {
			avail[navail].name = c[k].name;
			avail[navail++].replicas = c[k].allocatable;
		}
	} else {
		for (i = 0; i < nsched; i++)
			out_push(out, nout, sched[i].name, sched[i].replicas);
		rc = 0;
		goto done;
	}
	sort_desc(avail, navail);
	for (i = 0; i < navail; i++)
		total += avail[i].replicas;
	if (total < target) {
		tb_strbuf_addf(&st->err, "failed to assign replicas: %sClusters available replicas "
			       "%lld are not enough to schedule.", mode, (long long)total);
		goto done;
	}
	if (aggregated) {
		/* Clusters already running replicas first, then as few as fit. */
		struct tc *re = tb_calloc(navail + 1, sizeof(*re));
		size_t nre = 0;

		for (pass = 0; pass < 2; pass++) {
			for (i = 0; i < navail; i++) {
				bool running = false;
				for (k = 0; k < nsched; k++)
					if (sched[k].replicas > 0 && !strcmp(sched[k].name, avail[i].name))
						running = true;
				if (running == (pass == 0))
					re[nre++] = avail[i];
			}
		}
		memcpy(avail, re, navail * sizeof(*avail));
		tb_free(re);
		total = 0;
		for (i = 0; i < navail; i++) {
			total += avail[i].replicas;
			if (total >= target) {
				navail = i + 1;
				break;
			}
		}
	}
	divide(st, avail, navail, target, &res, &nres);
	/* MergeTargetClusters: add the kept placement onto the new division. */
	for (i = 0; i < nres; i++) {
		for (k = 0; k < nsched; k++) {
			if (sched[k].name && !strcmp(sched[k].name, res[i].name)) {
				res[i].replicas += sched[k].replicas;
				sched[k].name = NULL;
			}
		}
		out_push(out, nout, res[i].name, res[i].replicas);
	}
	for (k = 0; k < nsched; k++)
		if (sched[k].name)
			out_push(out, nout, sched[k].name, sched[k].replicas);
	rc = 0;
done:
	tb_free(sched);
	tb_free(avail);
	tb_free(res);
	return rc;
}

int tb__assign(struct tb__sched *st, const struct tb__cand *c, size_t n,
	       struct tb_target_cluster **out, size_t *nout)
{
	const struct tb_replica_scheduling *rs = st->pl->replica_scheduling;
	const char *type = tb_placement_scheduling_type(st->pl);
	const char *pref = rs && rs->division_preference ? rs->division_preference : "";
	size_t i;

	*out = NULL;
	*nout = 0;
	if (!strcmp(type, "Duplicated")) {
		for (i = 0; i < n; i++)
			out_push(out, nout, c[i].name, st->spec->replicas);
		return 0;
	}
	if (!strcmp(type, "Divided") && !strcmp(pref, "Aggregated"))
		return by_dynamic(st, c, n, true, out, nout);
	if (!strcmp(type, "Divided") && !strcmp(pref, "Weighted")) {
		if (rs->weight_preference && rs->weight_preference->dynamic_weight &&
		    *rs->weight_preference->dynamic_weight)
			return by_dynamic(st, c, n, false, out, nout);
		return by_static_weight(st, c, n, out, nout);
	}
	tb_strbuf_addf(&st->err, "failed to assign replicas: unsupported replica scheduling "
		       "strategy, replicaSchedulingType: %s, replicaDivisionPreference: %s, please "
		       "try another scheduling strategy", type, pref);
	return -1;
}
