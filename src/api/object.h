/* Every kind Tugboat serves, in one registry table, and a generic object that
 * is either typed (Karmada kinds, decoded through their schema) or a resource
 * template kept as JSON. This is the one place that maps apiVersion+kind to
 * behaviour; the CLI and the API server go through it. */
#ifndef TB_OBJECT_H
#define TB_OBJECT_H

#include <jansson.h>
#include <stdbool.h>

#include "api/policy.h"
#include "api/schema.h"

struct tb_kind {
	const char *group;		/* "" for the core group */
	const char *version;
	const char *api_version;	/* group/version, or version for core */
	const char *kind;
	const char *plural;
	const char *singular;
	const char *short_names[3];
	bool namespaced;
	const struct tb_schema *schema;	/* NULL: a template kept as JSON */
	void (*default_fn)(void *typed, const struct tb_kind *k,
			   const struct tb_policy_defaults *d, int64_t now_ms);
	void (*validate_fn)(const void *typed, const struct tb_kind *k, struct tb_errs *e);
};

extern const struct tb_kind tb_kinds[];		/* ends with { .kind = NULL } */

const struct tb_kind *tb_kind_find(const char *api_version, const char *kind);
/* Whether the kind has a status subresource (as in Karmada's CRDs and kube):
 * then status is written only through it, and spec only through the object. */
bool tb_kind_has_status(const struct tb_kind *k);
/* Has a /scale subresource (autoscaling/v1 Scale): kubectl scale. */
bool tb_kind_has_scale(const struct tb_kind *k);
/* Whether objects of the kind are resource templates Karmada propagates
 * (kept as JSON, not an Event). */
bool tb_kind_is_template(const struct tb_kind *k);
bool tb_kind_is_event(const struct tb_kind *k);
/* The kind's resource as the store keys it: "plural" for the core group,
 * else "plural.group" (e.g. "deployments.apps"). */
const char *tb_kind_res(const struct tb_kind *k, char *buf, size_t n);

struct tb_object {
	const struct tb_kind *kind;
	void *typed;		/* schema-typed struct, or NULL for templates */
	json_t *json;		/* templates: the object; typed kinds: NULL */
};

#define TB_OBJECT_INIT { NULL, NULL, NULL }

/* Identifies the kind of j and decodes it strictly. Errors (unknown kind,
 * unknown fields, wrong types...) go to errs with field paths. When the kind
 * is known, o holds what could be decoded even on error (release it); when it
 * is not, o is left empty. j is not consumed. */
int tb_object_decode(const json_t *j, struct tb_object *o, struct tb_errs *errs);

/* The whole admission path: decode, default, validate. Reports every problem
 * at once, but no validation error under a field that already failed to
 * decode (it would only repeat it). Returns 0 when errs gained nothing. */
int tb_object_admit(const json_t *j, struct tb_object *o, const struct tb_policy_defaults *d,
		    int64_t now_ms, struct tb_errs *errs);
void tb_object_default(struct tb_object *o, const struct tb_policy_defaults *d, int64_t now_ms);
void tb_object_validate(const struct tb_object *o, struct tb_errs *errs);
json_t *tb_object_encode(const struct tb_object *o);
void tb_object_release(struct tb_object *o);

/* metadata.name (or generateName) and namespace, whatever the representation. */
const char *tb_object_name(const struct tb_object *o);
const char *tb_object_namespace(const struct tb_object *o);

#endif
