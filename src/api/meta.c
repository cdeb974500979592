/* ObjectMeta and the small shared Kubernetes types: schemas, validation as
 * apimachinery and core/v1 validation do it, and label selector matching. */
#include "api/meta.h"
#include "api/names.h"
#include "lib/mem.h"

#include <string.h>

const char *const tb_taint_effects[] = { "NoSchedule", "PreferNoSchedule", "NoExecute", NULL };
const char *const tb_condition_statuses[] = { "True", "False", "Unknown", NULL };

/* ---- schemas ------------------------------------------------------------------------ */

static const struct tb_field owner_ref_fields[] = {
	TB_F("apiVersion", TB_FT_STRING, TB_FF_REQUIRED, struct tb_owner_ref, api_version,
	     .doc = "API version of the owner, e.g. apps/v1."),
	TB_F("kind", TB_FT_STRING, TB_FF_REQUIRED, struct tb_owner_ref, kind,
	     .doc = "Kind of the owner, e.g. Deployment."),
	TB_F("name", TB_FT_STRING, TB_FF_REQUIRED, struct tb_owner_ref, name,
	     .doc = "Name of the owner; it is in this object's namespace, or cluster-scoped."),
	TB_F("uid", TB_FT_STRING, TB_FF_REQUIRED, struct tb_owner_ref, uid,
	     .doc = "UID of the owner: the reference holds only for that object, not for a later "
		    "one of the same name."),
	TB_F("controller", TB_FT_OPTBOOL, 0, struct tb_owner_ref, controller,
	     .doc = "true when the owner is the controller managing this object; at most one owner "
		    "reference may say so."),
	TB_F("blockOwnerDeletion", TB_FT_OPTBOOL, 0, struct tb_owner_ref, block_owner_deletion,
	     .doc = "When true and the owner is deleted in the foreground, the owner stays until "
		    "this object is gone."),
	TB_F_END
};

static const struct tb_schema owner_ref_schema = {
	"OwnerReference", sizeof(struct tb_owner_ref), owner_ref_fields,
	"Identifies an object that owns this one: an owned object is meant to go when its owners "
	"do."
};

static const struct tb_field meta_fields[] = {
	TB_F("name", TB_FT_STRING, 0, struct tb_meta, name,
	     .doc = "Name of the object, unique among objects of its kind (in its namespace for "
		    "namespaced kinds). Required on create unless generateName is set; cannot be "
		    "changed."),
	TB_F("generateName", TB_FT_STRING, 0, struct tb_meta, generate_name,
	     .doc = "Prefix for a name made by the server, used when name is empty: the server "
		    "appends 5 random characters."),
	TB_F("namespace", TB_FT_STRING, 0, struct tb_meta, namespace_,
	     .doc = "Namespace of a namespaced object, a DNS-1123 label; when absent the request's "
		    "namespace is used. Not allowed on cluster-scoped kinds."),
	TB_F("selfLink", TB_FT_STRING, 0, struct tb_meta, self_link,
	     .doc = "Deprecated and unused: Tugboat never sets it (nor does Kubernetes since 1.20) "
		    "and drops what clients send."),
	TB_F("uid", TB_FT_STRING, 0, struct tb_meta, uid,
	     .doc = "Unique identifier the server gives the object on create; never reused, so it "
		    "tells apart objects that had the same name. Read-only."),
	TB_F("resourceVersion", TB_FT_STRING, 0, struct tb_meta, resource_version,
	     .doc = "Opaque version the server changes on every write of the object. An update "
		    "that carries it succeeds only while it is current (else 409 Conflict); "
		    "watches resume from it."),
	TB_F("generation", TB_FT_INT, 0, struct tb_meta, generation,
	     .doc = "Number of the desired state: 1 on create, increased by the server when "
		    "anything but metadata and status changes. Read-only."),
	TB_F("creationTimestamp", TB_FT_TIME, 0, struct tb_meta, creation_timestamp,
	     .doc = "When the server created the object (RFC 3339, UTC). Read-only."),
	TB_F("deletionTimestamp", TB_FT_TIME, 0, struct tb_meta, deletion_timestamp,
	     .doc = "Set by the server when a delete was requested while finalizers remain; the "
		    "object goes once the last finalizer is removed. Read-only."),
	TB_F("deletionGracePeriodSeconds", TB_FT_OPTINT, 0, struct tb_meta,
	     deletion_grace_period_seconds,
	     .doc = "Seconds allowed for graceful termination, set together with "
		    "deletionTimestamp. Read-only; Tugboat keeps it but never sets it."),
	TB_F("labels", TB_FT_STRMAP, 0, struct tb_meta, labels,
	     .doc = "Key/value pairs to organize and select objects (label selectors). Keys are "
		    "qualified names with an optional DNS prefix; values are at most 63 "
		    "characters."),
	TB_F("annotations", TB_FT_STRMAP, 0, struct tb_meta, annotations,
	     .doc = "Key/value pairs for tools and extensions; not used for selection. Keys are "
		    "qualified names; keys and values together are at most 256 KiB."),
	TB_F("ownerReferences", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_meta, owner_references,
	     .sub = &owner_ref_schema,
	     .doc = "Objects this one belongs to; at most one of them is marked as its controller. "
		    "Tugboat makes a resource template the owner of its binding."),
	TB_F("finalizers", TB_FT_STRING, TB_FF_ARRAY, struct tb_meta, finalizers,
	     .doc = "Cleanup steps that must finish before the object is removed: while the list "
		    "is not empty a delete only sets deletionTimestamp. Each entry is a qualified "
		    "name."),
	TB_F("managedFields", TB_FT_RAW, 0, struct tb_meta, managed_fields,
	     .doc = "Server-side apply's record of field ownership. Tugboat does not track "
		    "ownership: it never fills this and drops what clients send."),
	TB_F_END
};

const struct tb_schema tb_meta_schema = {
	"ObjectMeta", sizeof(struct tb_meta), meta_fields,
	"Standard object's metadata."
};

static const struct tb_field selector_req_fields[] = {
	TB_F("key", TB_FT_STRING, TB_FF_REQUIRED, struct tb_selector_req, key,
	     .doc = "The label key the requirement tests."),
	TB_F("operator", TB_FT_STRING, TB_FF_REQUIRED, struct tb_selector_req, operator_,
	     .doc = "How the label relates to values: In, NotIn, Exists or DoesNotExist. NotIn "
		    "also matches objects without the label."),
	TB_F("values", TB_FT_STRING, TB_FF_ARRAY, struct tb_selector_req, values,
	     .doc = "Label values to compare with: not empty for In and NotIn, empty for Exists "
		    "and DoesNotExist."),
	TB_F_END
};

static const struct tb_schema selector_req_schema = {
	"LabelSelectorRequirement", sizeof(struct tb_selector_req), selector_req_fields,
	"One label requirement: a key, an operator and the values to compare with."
};

static const struct tb_field label_selector_fields[] = {
	TB_F("matchLabels", TB_FT_STRMAP, 0, struct tb_label_selector, match_labels,
	     .doc = "Labels the object must carry with exactly these values; each pair is the same "
		    "as a matchExpressions entry with operator In and that one value."),
	TB_F("matchExpressions", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_label_selector,
	     match_expressions, .sub = &selector_req_schema,
	     .doc = "Label requirements; all of them must hold."),
	TB_F_END
};

const struct tb_schema tb_label_selector_schema = {
	"LabelSelector", sizeof(struct tb_label_selector), label_selector_fields,
	"A label query: all of matchLabels and matchExpressions must hold. An empty selector "
	"matches every object."
};

/* Same shape as a label selector requirement; used by Karmada's fieldSelector,
 * so its own table to describe the fields as a fieldSelector reads them. */
static const struct tb_field node_selector_req_fields[] = {
	TB_F("key", TB_FT_STRING, TB_FF_REQUIRED, struct tb_selector_req, key,
	     .doc = "The Cluster field to test: provider, region or zone (zone tests the cluster's "
		    "spec.zones)."),
	TB_F("operator", TB_FT_STRING, TB_FF_REQUIRED, struct tb_selector_req, operator_,
	     .doc = "In: the field's value is one of values (for zone, any of the cluster's zones "
		    "is). NotIn: it is none of them, which a cluster without the field also "
		    "satisfies."),
	TB_F("values", TB_FT_STRING, TB_FF_ARRAY, struct tb_selector_req, values,
	     .doc = "The values to compare with; not empty."),
	TB_F_END
};

const struct tb_schema tb_node_selector_req_schema = {
	"NodeSelectorRequirement", sizeof(struct tb_selector_req), node_selector_req_fields,
	"One requirement of a cluster fieldSelector: a Cluster field, an operator and values."
};

static const struct tb_field toleration_fields[] = {
	TB_F("key", TB_FT_STRING, 0, struct tb_toleration, key,
	     .doc = "Taint key to match. Empty matches every key, and then operator must be "
		    "Exists."),
	TB_F("operator", TB_FT_STRING, 0, struct tb_toleration, operator_,
	     .doc = "Equal (the default when empty): the taint's key and value must match. Exists: "
		    "any value of the key matches, and value must be empty."),
	TB_F("value", TB_FT_STRING, 0, struct tb_toleration, value,
	     .doc = "Taint value to match with operator Equal; must be empty with Exists."),
	TB_F("effect", TB_FT_STRING, 0, struct tb_toleration, effect,
	     .doc = "Taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty "
		    "matches every effect."),
	TB_F("tolerationSeconds", TB_FT_OPTINT, 0, struct tb_toleration, toleration_seconds,
	     .doc = "How long, in seconds, a matching NoExecute taint is tolerated before the "
		    "workload is evicted from the cluster, counted from the taint's timeAdded; "
		    "absent means forever, 0 or less means at once. Needs effect NoExecute."),
	TB_F_END
};

const struct tb_schema tb_toleration_schema = {
	"Toleration", sizeof(struct tb_toleration), toleration_fields,
	"Lets a workload be placed on, or stay on, a cluster (or a node, for pod tolerations) "
	"despite a matching taint."
};

static const struct tb_field taint_fields[] = {
	TB_F("key", TB_FT_STRING, TB_FF_REQUIRED, struct tb_taint, key,
	     .doc = "Taint key, a qualified name (e.g. cluster.karmada.io/not-ready); a cluster "
		    "has at most one taint per key and effect."),
	TB_F("value", TB_FT_STRING, 0, struct tb_taint, value,
	     .doc = "Taint value, matched by tolerations with operator Equal; a label value (at "
		    "most 63 characters)."),
	TB_F("effect", TB_FT_STRING, TB_FF_REQUIRED, struct tb_taint, effect,
	     .doc = "What the taint does to workloads that do not tolerate it: NoSchedule keeps "
		    "new placements off; NoExecute also evicts what runs there. Clusters take only "
		    "these two (PreferNoSchedule is for nodes)."),
	TB_F("timeAdded", TB_FT_TIME, 0, struct tb_taint, time_added,
	     .doc = "When a NoExecute taint was added; tolerationSeconds count from it. Defaulted "
		    "to the current time for NoExecute taints without one."),
	TB_F_END
};

const struct tb_schema tb_taint_schema = {
	"Taint", sizeof(struct tb_taint), taint_fields,
	"A taint on a cluster: workloads that do not tolerate it are kept off (NoSchedule) or also "
	"evicted (NoExecute)."
};

static const struct tb_field condition_fields[] = {
	TB_F("type", TB_FT_STRING, TB_FF_REQUIRED, struct tb_condition, type,
	     .doc = "Type of the condition in CamelCase, unique in the list (e.g. Ready, "
		    "Scheduled, Applied)."),
	TB_F("status", TB_FT_STRING, TB_FF_REQUIRED, struct tb_condition, status,
	     .enums = tb_condition_statuses,
	     .doc = "Whether the condition holds: True, False or Unknown."),
	TB_F("observedGeneration", TB_FT_INT, TB_FF_MIN, struct tb_condition,
	     observed_generation, .min = 0,
	     .doc = "The metadata.generation the condition was computed from; older than the "
		    "object's generation means it may be out of date."),
	TB_F("lastTransitionTime", TB_FT_TIME, TB_FF_REQUIRED, struct tb_condition,
	     last_transition_time,
	     .doc = "When status last changed from one value to another."),
	TB_F("reason", TB_FT_STRING, TB_FF_REQUIRED, struct tb_condition, reason,
	     .doc = "Machine-readable reason for the last transition, in CamelCase; not empty."),
	TB_F("message", TB_FT_STRING, TB_FF_KEEPZERO, struct tb_condition, message,
	     .doc = "Human-readable details about the transition; may be empty."),
	TB_F_END
};

const struct tb_schema tb_condition_schema = {
	"Condition", sizeof(struct tb_condition), condition_fields,
	"One aspect of an object's current state, with when and why it last changed."
};

/* ---- validation -------------------------------------------------------------------- */

#define ANNOTATIONS_MAX (256 * 1024)	/* TotalAnnotationSizeLimitB */

void tb_labels_validate(const struct tb_strmap *labels, struct tb_path *p, struct tb_errs *e)
{
	size_t i;

	for (i = 0; i < labels->n; i++) {
		tb_check_qualified_name(e, p, labels->v[i].key);
		tb_check_label_value(e, p, labels->v[i].value);
	}
}

static void annotations_validate(const struct tb_strmap *a, struct tb_path *p,
				 struct tb_errs *e)
{
	size_t i, total = 0, j, n;
	char lower[320];

	for (i = 0; i < a->n; i++) {
		/* Kubernetes checks annotation keys case-insensitively. */
		n = strlen(a->v[i].key);
		if (n >= sizeof(lower)) {
			tb_check_qualified_name(e, p, a->v[i].key);
		} else {
			for (j = 0; j <= n; j++) {
				char c = a->v[i].key[j];
				lower[j] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
			}
			if (!tb_is_qualified_name(lower))
				tb_check_qualified_name(e, p, a->v[i].key);
		}
		total += n + strlen(a->v[i].value);
	}
	if (total > ANNOTATIONS_MAX)
		tb_errs_too_long(e, p, ANNOTATIONS_MAX);
}

void tb_meta_validate(const struct tb_meta *m, bool namespaced, tb_name_check_fn name_fn,
		      struct tb_path *p, struct tb_errs *e)
{
	size_t mark, i;

	if (m->generate_name && *m->generate_name && (!m->name || !*m->name)) {
		/* generateName gets a 5-character suffix; check the shortest result. */
		mark = tb_path_field(p, "generateName");
		name_fn(e, p, m->generate_name[strlen(m->generate_name) - 1] == '-' ?
			"a" : m->generate_name);
		tb_path_pop(p, mark);
	} else if (!m->name || !*m->name) {
		mark = tb_path_field(p, "name");
		tb_errs_required(e, p, "name or generateName is required");
		tb_path_pop(p, mark);
	} else {
		mark = tb_path_field(p, "name");
		name_fn(e, p, m->name);
		tb_path_pop(p, mark);
	}
	mark = tb_path_field(p, "namespace");
	if (namespaced) {
		/* An absent namespace is filled in by the server (the request's). */
		if (m->namespace_ && *m->namespace_)
			tb_check_dns1123_label(e, p, m->namespace_);
	} else if (m->namespace_ && *m->namespace_) {
		tb_errs_forbidden(e, p, "not allowed on this type");
	}
	tb_path_pop(p, mark);
	if (m->generation < 0) {
		mark = tb_path_field(p, "generation");
		tb_errs_invalid_int(e, p, m->generation, "must be greater than or equal to 0");
		tb_path_pop(p, mark);
	}
	mark = tb_path_field(p, "labels");
	tb_labels_validate(&m->labels, p, e);
	tb_path_pop(p, mark);
	mark = tb_path_field(p, "annotations");
	annotations_validate(&m->annotations, p, e);
	tb_path_pop(p, mark);
	mark = tb_path_field(p, "finalizers");
	for (i = 0; i < m->finalizers.n; i++)
		tb_check_qualified_name(e, p, m->finalizers.v[i]);
	tb_path_pop(p, mark);
}

void tb_label_selector_validate(const struct tb_label_selector *s, struct tb_path *p,
				struct tb_errs *e)
{
	const struct tb_selector_req *r;
	size_t mark, m2, m3, i, j;

	mark = tb_path_field(p, "matchLabels");
	tb_labels_validate(&s->match_labels, p, e);
	tb_path_pop(p, mark);
	mark = tb_path_field(p, "matchExpressions");
	for (i = 0; i < s->match_expressions.n; i++) {
		r = &s->match_expressions.v[i];
		m2 = tb_path_index(p, i);
		if (r->operator_ && (!strcmp(r->operator_, "In") || !strcmp(r->operator_, "NotIn"))) {
			if (!r->values.n) {
				m3 = tb_path_field(p, "values");
				tb_errs_required(e, p, "must be specified when `operator` is "
						 "'In' or 'NotIn'");
				tb_path_pop(p, m3);
			}
		} else if (r->operator_ && (!strcmp(r->operator_, "Exists") ||
					    !strcmp(r->operator_, "DoesNotExist"))) {
			if (r->values.n) {
				m3 = tb_path_field(p, "values");
				tb_errs_forbidden(e, p, "may not be specified when `operator` "
						  "is 'Exists' or 'DoesNotExist'");
				tb_path_pop(p, m3);
			}
		} else if (r->operator_) {
			m3 = tb_path_field(p, "operator");
			tb_errs_invalid_str(e, p, r->operator_, "not a valid selector operator");
			tb_path_pop(p, m3);
		}
		if (r->key) {
			m3 = tb_path_field(p, "key");
			tb_check_qualified_name(e, p, r->key);
			tb_path_pop(p, m3);
		}
		for (j = 0; j < r->values.n; j++) {
			m3 = tb_path_field(p, "values");
			tb_path_index(p, j);
			tb_check_label_value(e, p, r->values.v[j]);
			tb_path_pop(p, m3);
		}
		tb_path_pop(p, m2);
	}
	tb_path_pop(p, mark);
}

static bool str_in(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

void tb_tolerations_validate(const struct tb_toleration *tols, size_t n, struct tb_path *p,
			     struct tb_errs *e)
{
	static const char *const ops[] = { "Equal", "Exists", NULL };
	const struct tb_toleration *t;
	const char *op, *key, *val;
	size_t i, m1, m2;

	for (i = 0; i < n; i++) {
		t = &tols[i];
		op = t->operator_ ? t->operator_ : "";
		key = t->key ? t->key : "";
		val = t->value ? t->value : "";
		m1 = tb_path_index(p, i);
		if (*key) {
			m2 = tb_path_field(p, "key");
			tb_check_qualified_name(e, p, key);
			tb_path_pop(p, m2);
		} else if (strcmp(op, "Exists")) {
			m2 = tb_path_field(p, "operator");
			tb_errs_invalid_str(e, p, op, "operator must be Exists when `key` is "
					    "empty, which means \"match all values and all keys\"");
			tb_path_pop(p, m2);
		}
		if (t->toleration_seconds.set && (!t->effect || strcmp(t->effect, "NoExecute"))) {
			m2 = tb_path_field(p, "effect");
			tb_errs_invalid_str(e, p, t->effect ? t->effect : "",
					    "effect must be 'NoExecute' when `tolerationSeconds` is set");
			tb_path_pop(p, m2);
		}
		m2 = tb_path_field(p, "operator");
		if (!*op || !strcmp(op, "Equal")) {
			if (!tb_is_label_value(val))
				tb_check_label_value(e, p, val);
		} else if (!strcmp(op, "Exists")) {
			if (*val)
				tb_errs_invalid_str(e, p, val, "value must be empty when "
						    "`operator` is 'Exists'");
		} else {
			tb_errs_not_supported(e, p, op, ops);
		}
		tb_path_pop(p, m2);
		if (t->effect && *t->effect && !str_in(t->effect, tb_taint_effects)) {
			m2 = tb_path_field(p, "effect");
			tb_errs_not_supported(e, p, t->effect, tb_taint_effects);
			tb_path_pop(p, m2);
		}
		tb_path_pop(p, m1);
	}
}

/* Karmada's lifted validateNodeTaints: clusters take NoSchedule and NoExecute. */
void tb_taints_validate(const struct tb_taint *taints, size_t n, struct tb_path *p,
			struct tb_errs *e)
{
	static const char *const effects[] = { "NoSchedule", "NoExecute", NULL };
	struct tb_strbuf sb = TB_STRBUF_INIT;
	const struct tb_taint *t;
	size_t i, j, m1, m2;
	bool dup;

	for (i = 0; i < n; i++) {
		t = &taints[i];
		m1 = tb_path_index(p, i);
		if (t->key) {
			m2 = tb_path_field(p, "key");
			tb_check_qualified_name(e, p, t->key);
			tb_path_pop(p, m2);
		}
		if (t->value) {
			m2 = tb_path_field(p, "value");
			tb_check_label_value(e, p, t->value);
			tb_path_pop(p, m2);
		}
		if (t->effect && *t->effect && !str_in(t->effect, effects)) {
			m2 = tb_path_field(p, "effect");
			tb_errs_not_supported(e, p, t->effect, effects);
			tb_path_pop(p, m2);
		}
		dup = false;
		for (j = 0; j < i && !dup; j++)
			dup = t->key && t->effect && taints[j].key && taints[j].effect &&
			      !strcmp(t->key, taints[j].key) &&
			      !strcmp(t->effect, taints[j].effect);
		if (dup) {
			tb_strbuf_reset(&sb);
			tb_strbuf_adds(&sb, "{\"key\":");
			tb_strbuf_addquoted(&sb, t->key);
			tb_strbuf_adds(&sb, ",\"effect\":");
			tb_strbuf_addquoted(&sb, t->effect);
			tb_strbuf_addch(&sb, '}');
			tb_errs_duplicate(e, p, sb.buf, "taints must be unique by key and effect pair");
		}
		tb_path_pop(p, m1);
	}
	tb_strbuf_release(&sb);
}

/* ---- matching ------------------------------------------------------------------------ */

static const char *strmap_get(const void *ctx, const char *key, size_t *len)
{
	const char *v = tb_strmap_get(ctx, key);

	if (v)
		*len = strlen(v);
	return v;
}

bool tb_label_selector_matches(const struct tb_label_selector *s, const struct tb_strmap *labels)
{
	return tb_label_selector_matches_fn(s, strmap_get, labels);
}

static bool same(const char *v, size_t len, const char *s)
{
	return strlen(s) == len && !memcmp(v, s, len);
}

static bool one_of(const char *v, size_t len, const struct tb_selector_req *r)
{
	for (size_t i = 0; i < r->values.n; i++)
		if (same(v, len, r->values.v[i]))
			return true;
	return false;
}

bool tb_label_selector_matches_fn(const struct tb_label_selector *s, tb_label_get_fn get,
				  const void *ctx)
{
	const struct tb_selector_req *r;
	const char *v;
	size_t i, len = 0;

	if (!s)
		return false;
	for (i = 0; i < s->match_labels.n; i++) {
		v = get(ctx, s->match_labels.v[i].key, &len);
		if (!v || !same(v, len, s->match_labels.v[i].value))
			return false;
	}
	for (i = 0; i < s->match_expressions.n; i++) {
		r = &s->match_expressions.v[i];
		if (!r->key || !r->operator_)
			return false;
		/* Requirements Kubernetes refuses to build match nothing. */
		if ((!strcmp(r->operator_, "In") || !strcmp(r->operator_, "NotIn")) ?
		    r->values.n == 0 : r->values.n != 0)
			return false;
		v = get(ctx, r->key, &len);
		if (!strcmp(r->operator_, "In")) {
			if (!v || !one_of(v, len, r))
				return false;
		} else if (!strcmp(r->operator_, "NotIn")) {
			if (v && one_of(v, len, r))
				return false;
		} else if (!strcmp(r->operator_, "Exists")) {
			if (!v)
				return false;
		} else if (!strcmp(r->operator_, "DoesNotExist")) {
			if (v)
				return false;
		} else {
			return false;	/* invalid selectors match nothing */
		}
	}
	return true;
}

const struct tb_condition *tb_condition_find(const struct tb_condition *c, size_t n,
					     const char *type)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i].type && !strcmp(c[i].type, type))
			return &c[i];
	return NULL;
}

static bool set_str(char **dst, const char *v)
{
	if (*dst && v && !strcmp(*dst, v))
		return false;
	tb_free(*dst);
	*dst = v ? tb_strdup(v) : NULL;
	return true;
}

bool tb_condition_set(void *vec, const char *type, const char *status, const char *reason,
		      const char *message, int64_t now_ms)
{
	struct { struct tb_condition *v; size_t n; } *c = vec;
	struct tb_condition *cond = NULL;
	bool changed = false;

	for (size_t i = 0; i < c->n && !cond; i++)
		if (c->v[i].type && !strcmp(c->v[i].type, type))
			cond = &c->v[i];
	if (!cond) {
		c->v = tb_realloc(c->v, (c->n + 1) * sizeof(*c->v));
		cond = &c->v[c->n++];
		memset(cond, 0, sizeof(*cond));
		cond->type = tb_strdup(type);
		changed = true;
	}
	if (set_str(&cond->status, status)) {
		cond->last_transition_time = now_ms;
		changed = true;
	}
	changed |= set_str(&cond->reason, reason);
	changed |= set_str(&cond->message, message);
	return changed;
}
