/* ClusterTaintPolicy: schema (the CRD's) and validation (Karmada's webhook:
 * no duplicate key/effect pairs; plus valid keys and values). Tugboat allows
 * NoExecute taints without an extra switch: they are how failover is driven. */
#include "api/taintpolicy.h"
#include "api/names.h"
#include "lib/mem.h"

#include <string.h>

static const char *const operators[] = { "In", "NotIn", NULL };
static const char *const statuses[] = { "True", "False", "Unknown", NULL };
static const char *const effects[] = { "NoSchedule", "NoExecute", NULL };

static const struct tb_field condition_fields[] = {
	TB_F("conditionType", TB_FT_STRING, TB_FF_REQUIRED, struct tb_match_condition,
	     condition_type,
	     .doc = "Type of the cluster condition to test, e.g. Ready."),
	TB_F("operator", TB_FT_STRING, TB_FF_REQUIRED, struct tb_match_condition, operator_,
	     .enums = operators,
	     .doc = "In: the condition's status is one of statusValues. NotIn: it is none of them. "
		    "A cluster without the condition matches neither."),
	TB_F("statusValues", TB_FT_STRING, TB_FF_ARRAY | TB_FF_REQUIRED | TB_FF_KEEPZERO,
	     struct tb_match_condition, status_values, .enums = statuses,
	     .doc = "Condition statuses to compare with: True, False or Unknown."),
	TB_F_END
};

static const struct tb_schema condition_schema = {
	"MatchCondition", sizeof(struct tb_match_condition), condition_fields,
	"A test on one condition of a cluster's status."
};

static const struct tb_field taint_fields[] = {
	TB_F("key", TB_FT_STRING, TB_FF_REQUIRED, struct tb_policy_taint, key,
	     .doc = "Taint key, a qualified name."),
	TB_F("effect", TB_FT_STRING, TB_FF_REQUIRED, struct tb_policy_taint, effect,
	     .enums = effects,
	     .doc = "NoSchedule or NoExecute. Tugboat allows NoExecute without the switch "
		    "Karmada's webhook requires: it is how failover is driven."),
	TB_F("value", TB_FT_STRING, 0, struct tb_policy_taint, value,
	     .doc = "Taint value, optional; a label value."),
	TB_F_END
};

static const struct tb_schema taint_schema = {
	"Taint", sizeof(struct tb_policy_taint), taint_fields,
	"A taint the policy adds to or removes from matching clusters."
};

static const struct tb_field spec_fields[] = {
	TB_F("targetClusters", TB_FT_OBJECT, TB_FF_PTR, struct tb_taint_policy_spec,
	     target_clusters, .sub = &tb_cluster_affinity_schema,
	     .doc = "The clusters the policy manages; absent means all. A cluster that stops "
		    "matching keeps its taints."),
	TB_F("addOnConditions", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_taint_policy_spec,
	     add_on_conditions, .sub = &condition_schema,
	     .doc = "Conditions that must all hold for the taints to be added; empty never adds "
		    "them."),
	TB_F("removeOnConditions", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_taint_policy_spec,
	     remove_on_conditions, .sub = &condition_schema,
	     .doc = "Conditions that must all hold for the taints to be removed; empty never "
		    "removes them. Checked after addOnConditions."),
	TB_F("taints", TB_FT_OBJECT, TB_FF_ARRAY | TB_FF_REQUIRED | TB_FF_KEEPZERO,
	     struct tb_taint_policy_spec, taints, .sub = &taint_schema,
	     .doc = "The taints to add or remove: at least one, unique by key and effect."),
	TB_F_END
};

static const struct tb_schema spec_schema = {
	"ClusterTaintPolicySpec", sizeof(struct tb_taint_policy_spec), spec_fields,
	"Target clusters, the conditions on their status, and the taints added or removed when "
	"those hold."
};

static const struct tb_field policy_fields[] = {
	TB_F("apiVersion", TB_FT_STRING, 0, struct tb_taint_policy, api_version,
	     .doc = "Versioned schema of this object: policy.karmada.io/v1alpha1."),
	TB_F("kind", TB_FT_STRING, 0, struct tb_taint_policy, kind,
	     .doc = "ClusterTaintPolicy."),
	TB_F("metadata", TB_FT_OBJECT, TB_FF_KEEPZERO, struct tb_taint_policy, metadata,
	     .sub = &tb_meta_schema,
	     .doc = "Standard object metadata; the kind is cluster-scoped."),
	TB_F("spec", TB_FT_OBJECT, TB_FF_REQUIRED | TB_FF_KEEPZERO, struct tb_taint_policy, spec,
	     .sub = &spec_schema,
	     .doc = "Which clusters get which taints, and when. Deleting the policy removes no "
		    "taint."),
	TB_F_END
};

const struct tb_schema tb_taint_policy_schema = {
	"ClusterTaintPolicy", sizeof(struct tb_taint_policy), policy_fields,
	"Adds or removes cluster taints when the cluster's conditions match."
};

static void name_check(struct tb_errs *e, const struct tb_path *p, const char *name)
{
	tb_check_dns1123_subdomain(e, p, name);
}

void tb_taint_policy_validate(const struct tb_taint_policy *pol, struct tb_errs *e)
{
	const struct tb_taint_policy_spec *s = &pol->spec;
	struct tb_path p = TB_PATH_INIT;
	size_t i, j, mark;
	char buf[600];

	tb_path_field(&p, "metadata");
	tb_meta_validate(&pol->metadata, false, name_check, &p, e);
	tb_path_set(&p, "spec.taints");
	if (!s->taints.n && !e->n)
		tb_errs_required(e, &p, "at least one taint");
	for (i = 0; i < s->taints.n; i++) {
		const struct tb_policy_taint *t = &s->taints.v[i];
		mark = tb_path_index(&p, i);
		if (t->key && *t->key) {
			size_t m2 = tb_path_field(&p, "key");
			tb_check_qualified_name(e, &p, t->key);
			tb_path_pop(&p, m2);
		}
		if (t->value) {
			size_t m2 = tb_path_field(&p, "value");
			tb_check_label_value(e, &p, t->value);
			tb_path_pop(&p, m2);
		}
		for (j = i + 1; j < s->taints.n; j++) {
			if (t->key && t->effect && s->taints.v[j].key && s->taints.v[j].effect &&
			    !strcmp(t->key, s->taints.v[j].key) &&
			    !strcmp(t->effect, s->taints.v[j].effect)) {
				snprintf(buf, sizeof(buf), "\"Duplicate taint with the same key(%s) and "
					 "effect(%s) is not allowed\"", t->key, t->effect);
				tb_errs_duplicate(e, &p, buf, NULL);
				break;
			}
		}
		tb_path_pop(&p, mark);
	}
}
