/* Cluster selection under spread constraints, as Karmada's spreadconstraint
 * package does it: by cluster (top clusters, swapping in larger ones until the
 * replicas fit) or by region (the best combination of regions found by a
 * depth-first search, then the best clusters in them). Zone and provider
 * constraints only filter (the cluster must have the property), as in Karmada.
 * Tugboat difference: maxGroups 0 means "no maximum". */
#include "core/sched_int.h"
#include "lib/mem.h"

#include <string.h>

#define WEIGHT_UNIT 1000
#define MAX_DFS_NODES 200000	/* bounds the region search on huge inputs */

static const struct tb_spread_constraint *find_sc(const struct tb_placement *pl, const char *field)
{
	const struct tb_spread_constraint *found = NULL;
	size_t i;

	/* Karmada keeps the last one per field (a map filled in order). */
	for (i = 0; i < pl->spread_constraints.n; i++)
		if (pl->spread_constraints.v[i].spread_by_field &&
		    !strcmp(pl->spread_constraints.v[i].spread_by_field, field))
			found = &pl->spread_constraints.v[i];
	return found;
}

static int64_t max_or(int64_t max, int64_t unlimited)
{
	return max > 0 ? max : unlimited;
}

/* shouldIgnoreSpreadConstraint: static weights pick their own clusters. */
static bool ignore_spread(const struct tb_placement *pl)
{
	const struct tb_replica_scheduling *rs = pl->replica_scheduling;

	return rs && rs->type && !strcmp(rs->type, "Divided") && rs->division_preference &&
	       !strcmp(rs->division_preference, "Weighted") &&
	       (!rs->weight_preference ||
		(rs->weight_preference->static_weight_list.n &&
		 (!rs->weight_preference->dynamic_weight || !*rs->weight_preference->dynamic_weight)));
}

static bool ignore_available(const struct tb_placement *pl)
{
	return !strcmp(tb_placement_scheduling_type(pl), "Duplicated");
}

static int64_t sum_available(const struct tb__cand *c, size_t n)
{
	int64_t s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += c[i].available;
	return s;
}

/* selectClustersByAvailableResource: keep the top `want`, and while their
 * replicas do not fit, swap the last kept ones for larger ones left out. */
static bool select_by_available(struct tb__cand *c, size_t n, size_t want, int64_t need)
{
	struct tb__cand t;
	long upd = (long)want - 1;
	size_t i, best;
	int64_t max;

	while (sum_available(c, want) < need && upd >= 0) {
		max = c[upd].available;
		best = n;
		for (i = want; i < n; i++) {
			if (c[i].available > max) {
				max = c[i].available;
				best = i;
			}
		}
		if (best != n) {
			t = c[upd];
			c[upd] = c[best];
			c[best] = t;
		}
		upd--;
	}
	return sum_available(c, want) >= need;
}

static long by_cluster(struct tb__sched *st, const struct tb_spread_constraint *sc,
		       struct tb__cand *c, size_t n, int64_t need)
{
	size_t want = (size_t)max_or(sc->max_groups, (int64_t)n);

	if ((int64_t)n < sc->min_groups) {
		tb_strbuf_adds(&st->err, "failed to select clusters: the number of feasible clusters "
			       "is less than spreadConstraint.MinGroups");
		return -1;
	}
	if (want > n)
		want = n;
	if (need >= 0 && !select_by_available(c, n, want, need)) {
		tb_strbuf_addf(&st->err, "failed to select clusters: no enough resource when "
			       "selecting %zu clusters", want);
		return -1;
	}
	return (long)want;
}

/* ---- regions ----------------------------------------------------------------------- */

struct region {
	const char *name;
	size_t *members;	/* indexes into the sorted candidates */
	size_t n;
	int64_t score;
};

struct group {
	const char *name;
	int64_t value;		/* clusters in the region */
	int64_t weight;		/* region score */
	size_t region;
};

struct path {
	size_t *g;		/* group indexes, sorted by weight desc, name asc */
	size_t n;
	int64_t weight, value;
	size_t id;
};

struct dfs {
	const struct group *groups;
	size_t ngroups;
	int64_t min, max, target;
	size_t *stack, depth;
	struct path *paths;
	size_t npaths, alloc, ids, nodes;
};

/* calcGroupScore / calcGroupScoreForDuplicate */
static int64_t group_score(const struct tb__sched *st, const struct tb__cand *c,
			   const size_t *members, size_t n, int64_t min_groups)
{
	const struct tb_spread_constraint *csc = find_sc(st->pl, "cluster");
	int64_t replicas = st->spec->replicas, target, cmin, sum = 0, score = 0, valid = 0;
	size_t i;

	if (!strcmp(tb_placement_scheduling_type(st->pl), "Duplicated")) {
		for (i = 0; i < n; i++) {
			if (c[members[i]].available >= replicas) {
				valid++;
				score += c[members[i]].score;
			}
		}
		return valid ? valid * WEIGHT_UNIT + score / valid : 0;
	}
	if (min_groups < 1)
		min_groups = 1;
	target = (replicas + min_groups - 1) / min_groups;
	cmin = csc ? csc->min_groups : 0;
	if (cmin < min_groups)
		cmin = min_groups;
	for (i = 0; i < n; i++) {
		sum += c[members[i]].available;
		score += c[members[i]].score;
		valid++;
		if (valid >= cmin && sum >= target)
			break;
	}
	if (sum < target)
		return sum * WEIGHT_UNIT + score / (int64_t)n;
	return target * WEIGHT_UNIT + score / valid;
}

static bool group_before_dfs(const struct group *a, const struct group *b)
{
	if (a->value != b->value)
		return a->value < b->value;
	if (a->weight != b->weight)
		return a->weight > b->weight;
	return strcmp(a->name, b->name) < 0;
}

static bool group_before_path(const struct group *a, const struct group *b)
{
	if (a->weight != b->weight)
		return a->weight > b->weight;
	return strcmp(a->name, b->name) < 0;
}

static void record_path(struct dfs *d)
{
	struct path *p;
	size_t i, j, t;

	TB_GROW(d->paths, d->alloc, d->npaths + 1);
	p = &d->paths[d->npaths++];
	p->n = d->depth;
	p->g = tb_malloc((d->depth ? d->depth : 1) * sizeof(*p->g));
	memcpy(p->g, d->stack, d->depth * sizeof(*p->g));
	p->weight = p->value = 0;
	p->id = ++d->ids;
	for (i = 0; i < p->n; i++) {
		p->weight += d->groups[p->g[i]].weight;
		p->value += d->groups[p->g[i]].value;
	}
	for (i = 1; i < p->n; i++) {
		t = p->g[i];
		for (j = i; j > 0 && group_before_path(&d->groups[t], &d->groups[p->g[j - 1]]); j--)
			p->g[j] = p->g[j - 1];
		p->g[j] = t;
	}
}

/* findFeasiblePaths: every combination (in DFS order) whose clusters reach
 * the target with between min and max groups. */
static void dfs(struct dfs *d, int64_t sum, size_t begin)
{
	size_t i;

	if (++d->nodes > MAX_DFS_NODES)
		return;
	if (sum >= d->target && (int64_t)d->depth >= d->min && (int64_t)d->depth <= d->max) {
		record_path(d);
		return;
	}
	if ((int64_t)d->depth >= d->max)
		return;
	for (i = begin; i < d->ngroups; i++) {
		d->stack[d->depth++] = i;
		dfs(d, sum + d->groups[i].value, i + 1);
		/* All groups are needed to reach the minimum: one path only. */
		if ((int64_t)d->ngroups == d->min)
			break;
		d->depth--;
	}
}

static bool sub_path(const struct dfs *d, const struct path *p, const struct path *sub)
{
	size_t i;

	if (sub->n >= p->n)
		return false;
	for (i = 0; i < sub->n; i++)
		if (strcmp(d->groups[p->g[i]].name, d->groups[sub->g[i]].name))
			return false;
	return true;
}

static bool path_before(const struct path *a, const struct path *b)
{
	if (a->weight != b->weight)
		return a->weight > b->weight;
	if (a->value != b->value)
		return a->value > b->value;
	return a->id < b->id;
}

/* prioritizePaths: best by weight, value, id; a sub-path of the best wins. */
static const struct path *best_path(const struct dfs *d)
{
	size_t *order = tb_malloc(d->npaths * sizeof(*order)), k, j, t;
	const struct path *best;

	for (k = 0; k < d->npaths; k++)
		order[k] = k;
	for (k = 1; k < d->npaths; k++) {
		t = order[k];
		for (j = k; j > 0 && path_before(&d->paths[t], &d->paths[order[j - 1]]); j--)
			order[j] = order[j - 1];
		order[j] = t;
	}
	best = &d->paths[order[0]];
	for (k = 1; k < d->npaths; k++)
		if (sub_path(d, best, &d->paths[order[k]]))
			best = &d->paths[order[k]];
	tb_free(order);
	return best;
}

static long by_region(struct tb__sched *st, const struct tb_spread_constraint *rsc,
		      struct tb__cand *c, size_t n)
{
	const struct tb_spread_constraint *csc = find_sc(st->pl, "cluster");
	struct region *regions = tb_calloc(n ? n : 1, sizeof(*regions));
	struct group *groups = NULL;
	struct tb__cand *sel = NULL, *rest = NULL;
	struct dfs d;
	const struct path *p;
	size_t nreg = 0, i, k, j, t, nsel = 0, nrest = 0, want;
	long ret = -1;

	memset(&d, 0, sizeof(d));
	for (i = 0; i < n; i++) {
		const char *rg = c[i].c->spec.region;
		if (!rg || !*rg)
			continue;
		for (k = 0; k < nreg && strcmp(regions[k].name, rg); k++)
			;
		if (k == nreg) {
			regions[nreg].name = rg;
			regions[nreg].members = tb_calloc(n, sizeof(size_t));
			nreg++;
		}
		regions[k].members[regions[k].n++] = i;
	}
	if ((int64_t)nreg < rsc->min_groups) {
		tb_strbuf_adds(&st->err, "failed to select clusters: the number of feasible region "
			       "is less than spreadConstraint.MinGroups");
		goto out;
	}
	groups = tb_calloc(nreg ? nreg : 1, sizeof(*groups));
	for (k = 0; k < nreg; k++) {
		regions[k].score = group_score(st, c, regions[k].members, regions[k].n,
					       rsc->min_groups);
		groups[k].name = regions[k].name;
		groups[k].value = (int64_t)regions[k].n;
		groups[k].weight = regions[k].score;
		groups[k].region = k;
	}
	for (i = 1; i < nreg; i++) {
		struct group g = groups[i];
		for (j = i; j > 0 && group_before_dfs(&g, &groups[j - 1]); j--)
			groups[j] = groups[j - 1];
		groups[j] = g;
	}
	d.groups = groups;
	d.ngroups = nreg;
	d.min = rsc->min_groups;
	d.max = max_or(rsc->max_groups, (int64_t)nreg);
	d.target = csc ? csc->min_groups : 0;
	d.stack = tb_calloc(nreg ? nreg : 1, sizeof(*d.stack));
	if (nreg)
		dfs(&d, 0, 0);
	if (!d.npaths) {
		tb_strbuf_adds(&st->err, "failed to select clusters: the number of clusters is less "
			       "than the cluster spreadConstraint.MinGroups");
		goto out;
	}
	p = best_path(&d);
	sel = tb_calloc(n, sizeof(*sel));
	rest = tb_calloc(n, sizeof(*rest));
	for (i = 0; i < p->n; i++) {
		const struct region *r = &regions[groups[p->g[i]].region];
		sel[nsel++] = c[r->members[0]];
		for (k = 1; k < r->n; k++)
			rest[nrest++] = c[r->members[k]];
	}
	want = (size_t)max_or(csc ? csc->max_groups : 0, (int64_t)(nsel + nrest));
	if (want > nsel + nrest)
		want = nsel + nrest;
	if (want > nsel) {
		tb__cands_sort(rest, nrest);
		for (t = 0; t < want - nsel && t < nrest; t++)
			sel[nsel + t] = rest[t];
		nsel += t;
	}
	memcpy(c, sel, nsel * sizeof(*c));
	ret = (long)nsel;
out:
	for (k = 0; k < nreg; k++)
		tb_free(regions[k].members);
	for (i = 0; i < d.npaths; i++)
		tb_free(d.paths[i].g);
	tb_free(d.paths);
	tb_free(d.stack);
	tb_free(regions);
	tb_free(groups);
	tb_free(sel);
	tb_free(rest);
	return ret;
}

long tb__spread_select(struct tb__sched *st, struct tb__cand *c, size_t n)
{
	const struct tb_placement *pl = st->pl;
	const struct tb_spread_constraint *rsc, *csc;
	int64_t need;

	if (!pl->spread_constraints.n || ignore_spread(pl))
		return (long)n;
	need = ignore_available(pl) ? -1 : st->spec->replicas;
	rsc = find_sc(pl, "region");
	csc = find_sc(pl, "cluster");
	if (rsc)
		return by_region(st, rsc, c, n);
	if (csc)
		return by_cluster(st, csc, c, n, need);
	tb_strbuf_adds(&st->err, "failed to select clusters: just support cluster and region "
		       "spread constraint");
	return -1;
}
