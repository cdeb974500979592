/* Cluster affinity matching (affinity.h). A selector Kubernetes would refuse
 * to build (In without values, Gt with a non-integer...) matches nothing. */
#include "core/affinity.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool in_vec(const char *v, char *const *vals, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v, vals[i]))
			return true;
	return false;
}

static bool parse_i64(const char *s, long long *ret)
{
	char *end;

	errno = 0;
	*ret = strtoll(s, &end, 10);
	return *s && !*end && !errno;
}

/* One NodeSelectorRequirement against a field that may be absent (NULL). */
static bool field_matches(const struct tb_selector_req *r, const char *value)
{
	const char *op = r->operator_ ? r->operator_ : "";
	long long a, b;

	if (!strcmp(op, "In"))
		return r->values.n && value && in_vec(value, r->values.v, r->values.n);
	if (!strcmp(op, "NotIn"))
		return r->values.n && !(value && in_vec(value, r->values.v, r->values.n));
	if (!strcmp(op, "Exists"))
		return !r->values.n && value;
	if (!strcmp(op, "DoesNotExist"))
		return !r->values.n && !value;
	if (!strcmp(op, "Gt") || !strcmp(op, "Lt")) {
		if (r->values.n != 1 || !parse_i64(r->values.v[0], &b) || !value ||
		    !parse_i64(value, &a))
			return false;
		return !strcmp(op, "Gt") ? a > b : a < b;
	}
	return false;
}

/* Karmada's matchZones: a cluster has a set of zones. */
static bool zones_match(const struct tb_selector_req *r, const struct tb_cluster *c)
{
	const char *op = r->operator_ ? r->operator_ : "";
	size_t i;

	if (!strcmp(op, "In")) {
		for (i = 0; i < c->spec.zones.n; i++)
			if (in_vec(c->spec.zones.v[i], r->values.v, r->values.n))
				return true;
		return false;
	}
	if (!strcmp(op, "NotIn")) {
		for (i = 0; i < c->spec.zones.n; i++)
			if (in_vec(c->spec.zones.v[i], r->values.v, r->values.n))
				return false;
		return true;
	}
	if (!strcmp(op, "Exists"))
		return c->spec.zones.n > 0;
	if (!strcmp(op, "DoesNotExist"))
		return c->spec.zones.n == 0;
	return false;
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

bool tb_affinity_matches(const struct tb_cluster *c, const struct tb_cluster_affinity *a)
{
	const char *name = c->metadata.name ? c->metadata.name : "";
	const struct tb_selector_req *r;
	size_t i;

	if (in_vec(name, a->exclude.v, a->exclude.n))
		return false;
	if (a->label_selector && !tb_label_selector_matches(a->label_selector, &c->metadata.labels))
		return false;
	if (a->field_selector) {
		for (i = 0; i < a->field_selector->match_expressions.n; i++) {
			r = &a->field_selector->match_expressions.v[i];
			if (!r->key)
				return false;
			if (!strcmp(r->key, "zone")) {
				if (!zones_match(r, c))
					return false;
			} else if (!strcmp(r->key, "provider")) {
				if (!field_matches(r, nonempty(c->spec.provider)))
					return false;
			} else if (!strcmp(r->key, "region")) {
				if (!field_matches(r, nonempty(c->spec.region)))
					return false;
			} else if (!field_matches(r, NULL)) {
				/* Other keys: the cluster has no such field. */
				return false;
			}
		}
	}
	return !a->cluster_names.n || in_vec(name, a->cluster_names.v, a->cluster_names.n);
}
