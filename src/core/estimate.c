/* The general replica estimator (estimate.h). Quantities are reduced to
 * integers once, the way Karmada reads them (Value(), MilliValue() for cpu). */
#include "core/estimate.h"
#include "lib/mem.h"

#include <string.h>

static int resname_find(const struct tb_resnames *names, const char *name)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		if (!strcmp(names->v[i], name))
			return (int)i;
	return -1;
}

static int resname_intern(struct tb_resnames *names, const char *name)
{
	int i = resname_find(names, name);

	if (i >= 0)
		return i;
	TB_GROW(names->v, names->alloc, names->n + 1);
	names->v[names->n] = tb_strdup(name);
	return (int)names->n++;
}

void tb_resnames_release(struct tb_resnames *names)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		tb_free(names->v[i]);
	tb_free(names->v);
	memset(names, 0, sizeof(*names));
}

static int64_t pods_value(const struct tb_reslist *l)
{
	const struct tb_quantity *q = tb_reslist_get(l, "pods");

	return q ? tb_quantity_value(q) : 0;
}

void tb_estimate_cluster_init(struct tb_estimate_cluster *ec, const struct tb_cluster *c,
			      struct tb_resnames *names)
{
	const struct tb_resource_summary *rs = c->status.resource_summary;
	const struct tb_quantity *q;
	struct tb_quantity a;
	size_t i;
	int idx;

	memset(ec, 0, sizeof(*ec));
	ec->cluster = c;
	if (!rs)
		return;
	ec->has_summary = true;
	ec->use_models = rs->allocatable_modelings.n > 0 && c->spec.resource_models.n > 0;
	ec->allowed_pods = pods_value(&rs->allocatable) - pods_value(&rs->allocated) -
			   pods_value(&rs->allocating);
	if (ec->allowed_pods < 0)
		ec->allowed_pods = 0;
	for (i = 0; i < rs->allocatable.n; i++) {
		idx = resname_intern(names, rs->allocatable.v[i].name);
		if ((size_t)idx >= ec->navail) {
			ec->avail = tb_realloc(ec->avail, (size_t)(idx + 1) * sizeof(*ec->avail));
			memset(ec->avail + ec->navail, 0,
			       (size_t)(idx + 1 - (int)ec->navail) * sizeof(*ec->avail));
			ec->navail = (size_t)idx + 1;
		}
		a = rs->allocatable.v[i].q;
		/* Overflow only with absurd summaries; the value then stays allocatable. */
		if ((q = tb_reslist_get(&rs->allocated, rs->allocatable.v[i].name)))
			tb_quantity_sub(&a, q);
		if ((q = tb_reslist_get(&rs->allocating, rs->allocatable.v[i].name)))
			tb_quantity_sub(&a, q);
		ec->avail[idx].present = true;
		ec->avail[idx].value = tb_quantity_value(&a);
		ec->avail[idx].milli = tb_quantity_milli(&a);
	}
}

void tb_estimate_cluster_release(struct tb_estimate_cluster *ec)
{
	tb_free(ec->avail);
	memset(ec, 0, sizeof(*ec));
}

void tb_estimate_req_init(struct tb_estimate_req *er, const struct tb_replica_requirements *req,
			  const struct tb_resnames *names)
{
	const struct tb_reslist *rl;
	size_t i;

	memset(er, 0, sizeof(*er));
	er->req = req;
	if (!req)
		return;
	rl = &req->resource_request;
	er->v = tb_calloc(rl->n ? rl->n : 1, sizeof(*er->v));
	for (i = 0; i < rl->n; i++) {
		/* Karmada skips resources whose request is not positive. */
		if (tb_quantity_value(&rl->v[i].q) <= 0)
			continue;
		er->v[er->n].idx = resname_find(names, rl->v[i].name);
		er->v[er->n].name = rl->v[i].name;
		er->v[er->n].q = &rl->v[i].q;
		er->v[er->n].value = tb_quantity_value(&rl->v[i].q);
		er->v[er->n].milli = tb_quantity_milli(&rl->v[i].q);
		er->v[er->n].cpu = !strcmp(rl->v[i].name, "cpu");
		er->n++;
	}
}

void tb_estimate_req_release(struct tb_estimate_req *er)
{
	tb_free(er->v);
	memset(er, 0, sizeof(*er));
}

/* ---- resource models (Karmada v1.13's getMaximumReplicasBasedOnResourceModels) ---- */

static const struct tb_quantity *model_min(const struct tb_resource_model *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->ranges.n; i++)
		if (!strcmp(m->ranges.v[i].name, name))
			return &m->ranges.v[i].min;
	return NULL;
}

static int64_t model_count(const struct tb_cluster *c, const struct tb_resource_model *m)
{
	const struct tb_resource_summary *rs = c->status.resource_summary;
	int64_t n = 0;
	size_t i;

	for (i = 0; i < rs->allocatable_modelings.n; i++)
		if (rs->allocatable_modelings.v[i].grade == m->grade)
			n += rs->allocatable_modelings.v[i].count;
	return n;
}

/* Returns -1 when the models cannot answer (a requested resource is not
 * modelled): the caller then uses the summary, as Karmada does. */
static int64_t models_estimate(const struct tb_cluster *c, const struct tb_estimate_req *er)
{
	const struct tb_resource_model *models = c->spec.resource_models.v;
	size_t nmodels = c->spec.resource_models.n;
	const struct tb_quantity *min;
	int64_t total = 0, per_node, r, avail;
	size_t first = 0, i, k, j;

	for (k = 0; k < er->n; k++) {
		if (!model_min(&models[0], er->v[k].name))
			return -1;
		/* The first grade whose minimum covers the request. */
		for (i = 0; i < nmodels; i++) {
			min = model_min(&models[i], er->v[k].name);
			if (min && tb_quantity_cmp(min, er->v[k].q) >= 0)
				break;
		}
		if (i == nmodels)
			return 0;
		if (i > first)
			first = i;
	}
	for (i = first; i < nmodels; i++) {
		int64_t count = model_count(c, &models[i]);
		if (!count)
			continue;
		per_node = INT64_MAX;
		for (j = 0; j < er->n; j++) {
			min = model_min(&models[i], er->v[j].name);
			if (!min)
				return -1;
			avail = er->v[j].cpu ? tb_quantity_milli(min) : tb_quantity_value(min);
			r = avail / (er->v[j].cpu ? er->v[j].milli : er->v[j].value);
			if (r < per_node)
				per_node = r;
		}
		/* A node of the first suitable grade takes at least one replica. */
		if (per_node == 0)
			per_node = 1;
		total += count * per_node;
	}
	return total;
}

int64_t tb_estimate_replicas(const struct tb_estimate_cluster *ec, const struct tb_estimate_req *er)
{
	int64_t max = ec->allowed_pods, r, avail, want;
	size_t k;

	if (!ec->has_summary || max <= 0)
		return 0;
	if (!er->req)
		return max;
	if (ec->use_models) {
		r = models_estimate(ec->cluster, er);
		if (r >= 0)
			return r < max ? r : max;
	}
	for (k = 0; k < er->n; k++) {
		if (er->v[k].idx < 0 || (size_t)er->v[k].idx >= ec->navail ||
		    !ec->avail[er->v[k].idx].present)
			return 0;
		avail = ec->avail[er->v[k].idx].value;
		if (avail <= 0)
			return 0;
		want = er->v[k].value;
		if (er->v[k].cpu) {
			avail = ec->avail[er->v[k].idx].milli;
			want = er->v[k].milli;
		}
		r = avail / want;
		if (r < max)
			max = r;
	}
	return max;
}
