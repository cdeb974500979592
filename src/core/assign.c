/* Replica assignment over the selected clusters (Karmada's assignment.go and
 * division_algorithm.go): Duplicated; static weights; dynamic weights and
 * Aggregated with Steady (keep what is placed, add or shrink) or Fresh modes.
 * Division itself is Webster's method. No allocation beyond one work array:
 * this runs for every binding of a failed cluster. */
#include "core/affinity.h"
#include "core/sched_int.h"
#include "core/webster.h"
#include "lib/mem.h"

#include <string.h>

/* Stable sort by replicas, descending (Karmada's TargetClustersList). */
static void sort_desc(struct tb__assigned *v, size_t n)
{
	struct tb__assigned t;
	size_t i, j;

	for (i = 1; i < n; i++) {
		t = v[i];
		for (j = i; j > 0 && t.replicas > v[j - 1].replicas; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

/* Divides seats over weighted entries w[0..n) (weights in .replicas),
 * writing every party (zero seats included) to out. */
static void divide(const struct tb__sched *st, const struct tb__assigned *w, size_t n,
		   int64_t seats, struct tb_party *parties, struct tb__assigned *out, size_t *nout)
{
	size_t i;

	for (i = 0; i < n; i++) {
		parties[i].name = w[i].name;
		parties[i].rank = w[i].rank;
		parties[i].votes = w[i].replicas;
		parties[i].seats = 0;
	}
	tb_webster(parties, n, seats, st->names_desc);
	for (i = 0; i < n; i++) {
		out[*nout].name = parties[i].name;
		out[*nout].rank = parties[i].rank;
		out[(*nout)++].replicas = parties[i].seats;
	}
}

static void by_static_weight(const struct tb__sched *st, const struct tb__cand *c, size_t n,
			     struct tb__assigned *w, struct tb_party *parties,
			     struct tb__assigned *out, size_t *nout)
{
	const struct tb_cluster_preferences *wp = st->pl->replica_scheduling->weight_preference;
	int64_t sum = 0, weight;
	size_t nw = 0, i, k;

	for (i = 0; i < n; i++) {
		weight = wp ? 0 : 1;	/* no preference: every cluster weighs 1 */
		for (k = 0; wp && k < wp->static_weight_list.n; k++) {
			const struct tb_static_weight *sw = &wp->static_weight_list.v[k];
			if (sw->weight > weight && tb_affinity_matches(c[i].c, &sw->target_cluster))
				weight = sw->weight;
		}
		if (weight > 0) {
			w[nw].name = c[i].name;
			w[nw].rank = c[i].rank;
			w[nw++].replicas = weight;
			sum += weight;
		}
	}
	if (sum == 0) {
		for (i = 0; i < n; i++) {
			w[i].name = c[i].name;
			w[i].rank = c[i].rank;
			w[i].replicas = 1;
		}
		nw = n;
	}
	divide(st, w, nw, st->spec->replicas, parties, out, nout);
}

static int by_dynamic(struct tb__sched *st, const struct tb__cand *c, size_t n, bool aggregated,
		      struct tb__assigned *sched, struct tb__assigned *avail,
		      struct tb_party *parties, struct tb__assigned *out, size_t *nout)
{
	const struct tb_binding_spec *spec = st->spec;
	size_t nsched = 0, navail = 0, i, k, nfront;
	int64_t assigned = 0, target, total = 0;
	const char *mode;

	/* buildScheduledClusters: what is placed on clusters still candidates. */
	for (i = 0; i < spec->clusters.n; i++) {
		for (k = 0; k < n; k++) {
			if (spec->clusters.v[i].name && !strcmp(spec->clusters.v[i].name, c[k].name)) {
				sched[nsched].name = c[k].name;
				sched[nsched].rank = c[k].rank;
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
			avail[navail].rank = c[k].rank;
			avail[navail].replicas = c[k].allocatable;
			for (i = 0; i < nsched; i++)
				if (sched[i].rank == c[k].rank)
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
			avail[navail].rank = c[k].rank;
			avail[navail++].replicas = c[k].allocatable;
		}
	} else {
		memcpy(out, sched, nsched * sizeof(*out));
		*nout = nsched;
		return 0;
	}
	sort_desc(avail, navail);
	for (i = 0; i < navail; i++)
		total += avail[i].replicas;
	if (total < target) {
		tb_strbuf_addf(&st->err, "failed to assign replicas: %sClusters available replicas "
			       "%lld are not enough to schedule.", mode, (long long)total);
		return -1;
	}
	if (aggregated) {
		/* Clusters already running replicas first (keeping their order),
		 * then as few clusters as hold the target. */
		nfront = 0;
		for (i = 0; i < navail; i++) {
			for (k = 0; k < nsched; k++) {
				if (sched[k].replicas > 0 && sched[k].rank == avail[i].rank) {
					struct tb__assigned t = avail[i];
					memmove(&avail[nfront + 1], &avail[nfront],
						(i - nfront) * sizeof(*avail));
					avail[nfront++] = t;
					break;
				}
			}
		}
		total = 0;
		for (i = 0; i < navail; i++) {
			total += avail[i].replicas;
			if (total >= target) {
				navail = i + 1;
				break;
			}
		}
	}
	divide(st, avail, navail, target, parties, out, nout);
	/* MergeTargetClusters: add the kept placement onto the new division. */
	for (k = 0; k < nsched; k++) {
		for (i = 0; i < *nout; i++) {
			if (out[i].rank == sched[k].rank) {
				out[i].replicas += sched[k].replicas;
				break;
			}
		}
		if (i == *nout)
			out[(*nout)++] = sched[k];
	}
	return 0;
}

int tb__assign(struct tb__sched *st, const struct tb__cand *c, size_t n,
	       struct tb__assigned *out, size_t *nout)
{
	const struct tb_replica_scheduling *rs = st->pl->replica_scheduling;
	const char *type = tb_placement_scheduling_type(st->pl);
	const char *pref = rs && rs->division_preference ? rs->division_preference : "";
	struct tb__assigned *work;
	struct tb_party *parties;
	size_t i;
	int rc = 0;

	*nout = 0;
	if (!strcmp(type, "Duplicated")) {
		for (i = 0; i < n; i++) {
			out[i].name = c[i].name;
			out[i].rank = c[i].rank;
			out[i].replicas = st->spec->replicas;
		}
		*nout = n;
		return 0;
	}
	if (strcmp(type, "Divided") || (strcmp(pref, "Aggregated") && strcmp(pref, "Weighted"))) {
		tb_strbuf_addf(&st->err, "failed to assign replicas: unsupported replica scheduling "
			       "strategy, replicaSchedulingType: %s, replicaDivisionPreference: %s, "
			       "please try another scheduling strategy", type, pref);
		return -1;
	}
	/* One block: scheduled, available (room for both lists) and parties. */
	work = tb_malloc((n ? n : 1) * (3 * sizeof(*work) + sizeof(*parties)));
	parties = (struct tb_party *)(work + 3 * (n ? n : 1));
	if (!strcmp(pref, "Aggregated"))
		rc = by_dynamic(st, c, n, true, work, work + n, parties, out, nout);
	else if (rs->weight_preference && rs->weight_preference->dynamic_weight &&
		 *rs->weight_preference->dynamic_weight)
		rc = by_dynamic(st, c, n, false, work, work + n, parties, out, nout);
	else
		by_static_weight(st, c, n, work, parties, out, nout);
	tb_free(work);
	return rc;
}
