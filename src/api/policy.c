/* PropagationPolicy / ClusterPropagationPolicy: schema, defaults, validation.
 * Defaults and checks follow Karmada v1.13's CRD schema and webhooks; what
 * Tugboat adds is marked as such. Pure: no clock, no I/O. */
#include "api/policy.h"
#include "api/names.h"
#include "lib/mem.h"

#include <inttypes.h>
#include <string.h>

static const char *const sched_types[] = { "Duplicated", "Divided", NULL };
static const char *const division_prefs[] = { "Aggregated", "Weighted", NULL };
static const char *const dynamic_weights[] = { "AvailableReplicas", NULL };
static const char *const spread_fields[] = { "cluster", "region", "zone", "provider", NULL };
static const char *const preemptions[] = { "Always", "Never", NULL };
static const char *const conflict_resolutions[] = { "Abort", "Overwrite", NULL };
static const char *const activation_prefs[] = { "Lazy", NULL };
/* v1.13 names first, then the names current Karmada uses for the same modes. */
const char *const tb_purge_modes[] = {
	"Immediately", "Graciously", "Never", "Directly", "Gracefully", NULL
};
static const char *const cluster_purge_modes[] = {
	"Directly", "Gracefully", "Immediately", "Graciously", NULL
};
static const char *const priority_sources[] = { "KubePriorityClass", NULL };

/* ---- schema -------------------------------------------------------------------------- */

static const struct tb_field resource_selector_fields[] = {
	TB_F("apiVersion", TB_FT_STRING, TB_FF_REQUIRED, struct tb_resource_selector, api_version),
	TB_F("kind", TB_FT_STRING, TB_FF_REQUIRED, struct tb_resource_selector, kind),
	TB_F("namespace", TB_FT_STRING, 0, struct tb_resource_selector, namespace_),
	TB_F("name", TB_FT_STRING, 0, struct tb_resource_selector, name),
	TB_F("labelSelector", TB_FT_OBJECT, TB_FF_PTR, struct tb_resource_selector,
	     label_selector, .sub = &tb_label_selector_schema),
	TB_F_END
};

static const struct tb_schema resource_selector_schema = {
	"ResourceSelector", sizeof(struct tb_resource_selector), resource_selector_fields,
	"Selects resources (templates) to propagate."
};

static const struct tb_field field_selector_fields[] = {
	TB_F("matchExpressions", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_field_selector,
	     match_expressions, .sub = &tb_node_selector_req_schema),
	TB_F_END
};

static const struct tb_schema field_selector_schema = {
	"FieldSelector", sizeof(struct tb_field_selector), field_selector_fields,
	"Selects clusters by provider, region or zone."
};

static const struct tb_field cluster_affinity_fields[] = {
	TB_F("labelSelector", TB_FT_OBJECT, TB_FF_PTR, struct tb_cluster_affinity,
	     label_selector, .sub = &tb_label_selector_schema),
	TB_F("fieldSelector", TB_FT_OBJECT, TB_FF_PTR, struct tb_cluster_affinity,
	     field_selector, .sub = &field_selector_schema),
	TB_F("clusterNames", TB_FT_STRING, TB_FF_ARRAY, struct tb_cluster_affinity, cluster_names),
	TB_F("exclude", TB_FT_STRING, TB_FF_ARRAY, struct tb_cluster_affinity, exclude),
	TB_F_END
};

const struct tb_schema tb_cluster_affinity_schema = {
	"ClusterAffinity", sizeof(struct tb_cluster_affinity), cluster_affinity_fields,
	"Which clusters may be chosen."
};

static const struct tb_field affinity_term_fields[] = {
	TB_F("affinityName", TB_FT_STRING, TB_FF_REQUIRED, struct tb_cluster_affinity_term,
	     affinity_name),
	TB_F("", TB_FT_OBJECT, TB_FF_INLINE, struct tb_cluster_affinity_term, affinity,
	     .sub = &tb_cluster_affinity_schema),
	TB_F_END
};

static const struct tb_schema affinity_term_schema = {
	"ClusterAffinityTerm", sizeof(struct tb_cluster_affinity_term), affinity_term_fields,
	"A named cluster affinity; terms are tried in order."
};

static const struct tb_field spread_fields_tbl[] = {
	TB_F("spreadByField", TB_FT_STRING, 0, struct tb_spread_constraint, spread_by_field,
	     .enums = spread_fields),
	TB_F("spreadByLabel", TB_FT_STRING, 0, struct tb_spread_constraint, spread_by_label),
	TB_F("maxGroups", TB_FT_INT, 0, struct tb_spread_constraint, max_groups),
	TB_F("minGroups", TB_FT_INT, 0, struct tb_spread_constraint, min_groups),
	TB_F_END
};

static const struct tb_schema spread_schema = {
	"SpreadConstraint", sizeof(struct tb_spread_constraint), spread_fields_tbl,
	"How to spread over groups of clusters."
};

static const struct tb_field static_weight_fields[] = {
	TB_F("targetCluster", TB_FT_OBJECT, TB_FF_REQUIRED | TB_FF_KEEPZERO,
	     struct tb_static_weight, target_cluster, .sub = &tb_cluster_affinity_schema),
	TB_F("weight", TB_FT_INT, TB_FF_REQUIRED | TB_FF_MIN | TB_FF_KEEPZERO,
	     struct tb_static_weight, weight, .min = 1),
	TB_F_END
};

static const struct tb_schema static_weight_schema = {
	"StaticClusterWeight", sizeof(struct tb_static_weight), static_weight_fields,
	"A weight for the clusters matched by targetCluster."
};

static const struct tb_field preferences_fields[] = {
	TB_F("staticWeightList", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_cluster_preferences,
	     static_weight_list, .sub = &static_weight_schema),
	TB_F("dynamicWeight", TB_FT_STRING, 0, struct tb_cluster_preferences, dynamic_weight,
	     .enums = dynamic_weights),
	TB_F_END
};

static const struct tb_schema preferences_schema = {
	"ClusterPreferences", sizeof(struct tb_cluster_preferences), preferences_fields, NULL
};

static const struct tb_field replica_sched_fields[] = {
	TB_F("replicaSchedulingType", TB_FT_STRING, 0, struct tb_replica_scheduling, type,
	     .enums = sched_types),
	TB_F("replicaDivisionPreference", TB_FT_STRING, 0, struct tb_replica_scheduling,
	     division_preference, .enums = division_prefs),
	TB_F("weightPreference", TB_FT_OBJECT, TB_FF_PTR, struct tb_replica_scheduling,
	     weight_preference, .sub = &preferences_schema),
	TB_F_END
};

static const struct tb_schema replica_sched_schema = {
	"ReplicaSchedulingStrategy", sizeof(struct tb_replica_scheduling),
	replica_sched_fields, "How replicas are assigned to the chosen clusters."
};

static const struct tb_field placement_fields[] = {
	TB_F("clusterAffinity", TB_FT_OBJECT, TB_FF_PTR, struct tb_placement, cluster_affinity,
	     .sub = &tb_cluster_affinity_schema),
	TB_F("clusterAffinities", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_placement,
	     cluster_affinities, .sub = &affinity_term_schema),
	TB_F("clusterTolerations", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_placement,
	     cluster_tolerations, .sub = &tb_toleration_schema),
	TB_F("spreadConstraints", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_placement,
	     spread_constraints, .sub = &spread_schema),
	TB_F("replicaScheduling", TB_FT_OBJECT, TB_FF_PTR, struct tb_placement,
	     replica_scheduling, .sub = &replica_sched_schema),
	TB_F_END
};

const struct tb_schema tb_placement_schema = {
	"Placement", sizeof(struct tb_placement), placement_fields,
	"Where and how the selected resources are placed."
};

static const struct tb_field rule_fields[] = {
	TB_F("aliasLabelName", TB_FT_STRING, TB_FF_REQUIRED, struct tb_preservation_rule,
	     alias_label_name),
	TB_F("jsonPath", TB_FT_STRING, TB_FF_REQUIRED, struct tb_preservation_rule, json_path),
	TB_F_END
};

static const struct tb_schema rule_schema = {
	"StatePreservationRule", sizeof(struct tb_preservation_rule), rule_fields, NULL
};

static const struct tb_field preservation_fields[] = {
	TB_F("rules", TB_FT_OBJECT, TB_FF_ARRAY | TB_FF_REQUIRED, struct tb_state_preservation,
	     rules, .sub = &rule_schema),
	TB_F_END
};

static const struct tb_schema preservation_schema = {
	"StatePreservation", sizeof(struct tb_state_preservation), preservation_fields, NULL
};

static const struct tb_field decision_fields[] = {
	TB_F("tolerationSeconds", TB_FT_OPTINT, TB_FF_INT32, struct tb_decision_conditions,
	     toleration_seconds),
	TB_F_END
};

static const struct tb_schema decision_schema = {
	"DecisionConditions", sizeof(struct tb_decision_conditions), decision_fields, NULL
};

static const struct tb_field app_failover_fields[] = {
	TB_F("decisionConditions", TB_FT_OBJECT, TB_FF_REQUIRED | TB_FF_KEEPZERO,
	     struct tb_app_failover, decision_conditions, .sub = &decision_schema),
	TB_F("purgeMode", TB_FT_STRING, 0, struct tb_app_failover, purge_mode,
	     .enums = tb_purge_modes),
	TB_F("gracePeriodSeconds", TB_FT_OPTINT, TB_FF_INT32, struct tb_app_failover,
	     grace_period_seconds),
	TB_F("statePreservation", TB_FT_OBJECT, TB_FF_PTR, struct tb_app_failover,
	     state_preservation, .sub = &preservation_schema),
	TB_F_END
};

static const struct tb_schema app_failover_schema = {
	"ApplicationFailoverBehavior", sizeof(struct tb_app_failover), app_failover_fields,
	"Moves the application away from a cluster where it stays unhealthy."
};

static const struct tb_field cluster_failover_fields[] = {
	TB_F("purgeMode", TB_FT_STRING, 0, struct tb_cluster_failover, purge_mode,
	     .enums = cluster_purge_modes),
	TB_F("statePreservation", TB_FT_OBJECT, TB_FF_PTR, struct tb_cluster_failover,
	     state_preservation, .sub = &preservation_schema),
	TB_F_END
};

static const struct tb_schema cluster_failover_schema = {
	"ClusterFailoverBehavior", sizeof(struct tb_cluster_failover), cluster_failover_fields,
	"How workloads leave a failed cluster."
};

static const struct tb_field failover_fields[] = {
	TB_F("application", TB_FT_OBJECT, TB_FF_PTR, struct tb_failover, application,
	     .sub = &app_failover_schema),
	TB_F("cluster", TB_FT_OBJECT, TB_FF_PTR, struct tb_failover, cluster,
	     .sub = &cluster_failover_schema),
	TB_F_END
};

const struct tb_schema tb_failover_schema = {
	"FailoverBehavior", sizeof(struct tb_failover), failover_fields, NULL
};

static const struct tb_field suspend_clusters_fields[] = {
	TB_F("clusterNames", TB_FT_STRING, TB_FF_ARRAY, struct tb_suspend_clusters, cluster_names),
	TB_F_END
};

const struct tb_schema tb_suspend_clusters_schema = {
	"SuspendClusters", sizeof(struct tb_suspend_clusters), suspend_clusters_fields, NULL
};

static const struct tb_field suspension_fields[] = {
	TB_F("dispatching", TB_FT_OPTBOOL, 0, struct tb_suspension, dispatching),
	TB_F("dispatchingOnClusters", TB_FT_OBJECT, TB_FF_PTR, struct tb_suspension,
	     dispatching_on_clusters, .sub = &tb_suspend_clusters_schema),
	TB_F_END
};

static const struct tb_schema suspension_schema = {
	"Suspension", sizeof(struct tb_suspension), suspension_fields, NULL
};

static const struct tb_field schedule_priority_fields[] = {
	TB_F("priorityClassSource", TB_FT_STRING, TB_FF_REQUIRED, struct tb_schedule_priority,
	     priority_class_source, .enums = priority_sources),
	TB_F("priorityClassName", TB_FT_STRING, TB_FF_REQUIRED, struct tb_schedule_priority,
	     priority_class_name),
	TB_F_END
};

static const struct tb_schema schedule_priority_schema = {
	"SchedulePriority", sizeof(struct tb_schedule_priority), schedule_priority_fields, NULL
};

static const struct tb_field spec_fields[] = {
	TB_F("resourceSelectors", TB_FT_OBJECT, TB_FF_ARRAY | TB_FF_REQUIRED | TB_FF_KEEPZERO,
	     struct tb_propagation_spec, resource_selectors, .sub = &resource_selector_schema),
	TB_F("association", TB_FT_BOOL, 0, struct tb_propagation_spec, association),
	TB_F("propagateDeps", TB_FT_BOOL, 0, struct tb_propagation_spec, propagate_deps),
	TB_F("placement", TB_FT_OBJECT, TB_FF_PTR, struct tb_propagation_spec, placement,
	     .sub = &tb_placement_schema),
	TB_F("priority", TB_FT_OPTINT, TB_FF_INT32, struct tb_propagation_spec, priority),
	TB_F("preemption", TB_FT_STRING, 0, struct tb_propagation_spec, preemption,
	     .enums = preemptions),
	TB_F("dependentOverrides", TB_FT_STRING, TB_FF_ARRAY, struct tb_propagation_spec,
	     dependent_overrides),
	TB_F("schedulerName", TB_FT_STRING, 0, struct tb_propagation_spec, scheduler_name),
	TB_F("failover", TB_FT_OBJECT, TB_FF_PTR, struct tb_propagation_spec, failover,
	     .sub = &tb_failover_schema),
	TB_F("conflictResolution", TB_FT_STRING, 0, struct tb_propagation_spec,
	     conflict_resolution, .enums = conflict_resolutions),
	TB_F("activationPreference", TB_FT_STRING, 0, struct tb_propagation_spec,
	     activation_preference, .enums = activation_prefs),
	TB_F("suspension", TB_FT_OBJECT, TB_FF_PTR, struct tb_propagation_spec, suspension,
	     .sub = &suspension_schema),
	TB_F("preserveResourcesOnDeletion", TB_FT_OPTBOOL, 0, struct tb_propagation_spec,
	     preserve_resources_on_deletion),
	TB_F("schedulePriority", TB_FT_OBJECT, TB_FF_PTR, struct tb_propagation_spec,
	     schedule_priority, .sub = &schedule_priority_schema),
	TB_F_END
};

static const struct tb_schema spec_schema = {
	"PropagationSpec", sizeof(struct tb_propagation_spec), spec_fields,
	"What to propagate and where."
};

static const struct tb_field policy_fields[] = {
	TB_F("apiVersion", TB_FT_STRING, 0, struct tb_policy, api_version),
	TB_F("kind", TB_FT_STRING, 0, struct tb_policy, kind),
	TB_F("metadata", TB_FT_OBJECT, TB_FF_KEEPZERO, struct tb_policy, metadata,
	     .sub = &tb_meta_schema),
	TB_F("spec", TB_FT_OBJECT, TB_FF_REQUIRED | TB_FF_KEEPZERO, struct tb_policy, spec,
	     .sub = &spec_schema),
	TB_F_END
};

const struct tb_schema tb_policy_schema = {
	"PropagationPolicy", sizeof(struct tb_policy), policy_fields,
	"Propagates resource templates to member clusters."
};

/* ---- defaulting ------------------------------------------------------------------------ */

bool tb_toleration_same(const struct tb_toleration *a, const struct tb_toleration *b)
{
#define SAME(x) (!strcmp(a->x ? a->x : "", b->x ? b->x : ""))
	return SAME(key) && SAME(operator_) && SAME(value) && SAME(effect);
#undef SAME
}

static void add_toleration(struct tb_placement *pl, const char *key, int64_t seconds)
{
	struct tb_toleration t = {
		.key = (char *)key, .operator_ = "Exists", .effect = "NoExecute",
	};
	struct tb_toleration *n;
	size_t i;

	if (seconds < 0)
		return;
	for (i = 0; i < pl->cluster_tolerations.n; i++)
		if (tb_toleration_same(&pl->cluster_tolerations.v[i], &t))
			return;
	pl->cluster_tolerations.v = tb_realloc(pl->cluster_tolerations.v,
			(pl->cluster_tolerations.n + 1) * sizeof(t));
	n = &pl->cluster_tolerations.v[pl->cluster_tolerations.n++];
	memset(n, 0, sizeof(*n));
	n->key = tb_strdup(key);
	n->operator_ = tb_strdup("Exists");
	n->effect = tb_strdup("NoExecute");
	n->toleration_seconds.set = true;
	n->toleration_seconds.v = seconds;
}

static void set_default_str(char **dst, const char *v)
{
	if (!*dst)
		*dst = tb_strdup(v);
}

const char *tb_placement_scheduling_type(const struct tb_placement *pl)
{
	if (!pl || !pl->replica_scheduling || !pl->replica_scheduling->type)
		return "Duplicated";
	return pl->replica_scheduling->type;
}

void tb_policy_default(struct tb_policy *p, bool namespaced, const struct tb_policy_defaults *d)
{
	struct tb_propagation_spec *s = &p->spec;
	struct tb_placement *pl;
	struct tb_app_failover *af;
	size_t i;

	if (namespaced && !p->metadata.namespace_ && d->namespace_)
		p->metadata.namespace_ = tb_strdup(d->namespace_);

	/* CRD schema defaults, applied by the API server before webhooks. */
	set_default_str(&s->conflict_resolution, "Abort");
	set_default_str(&s->preemption, "Never");
	set_default_str(&s->scheduler_name, "default-scheduler");
	if (!s->priority.set) {
		s->priority.set = true;
		s->priority.v = 0;
	}
	if (s->placement && s->placement->replica_scheduling)
		set_default_str(&s->placement->replica_scheduling->type, "Divided");
	if (s->failover && s->failover->application) {
		af = s->failover->application;
		if (!af->decision_conditions.toleration_seconds.set) {
			af->decision_conditions.toleration_seconds.set = true;
			af->decision_conditions.toleration_seconds.v = 300;
		}
		set_default_str(&af->purge_mode, "Graciously");
	}
	if (s->failover && s->failover->cluster)
		set_default_str(&s->failover->cluster->purge_mode, "Gracefully");

	/* Karmada's mutating webhook. */
	if (namespaced) {
		for (i = 0; i < s->resource_selectors.n; i++) {
			struct tb_resource_selector *rs = &s->resource_selectors.v[i];
			if ((!rs->namespace_ || !*rs->namespace_) && p->metadata.namespace_) {
				tb_free(rs->namespace_);
				rs->namespace_ = tb_strdup(p->metadata.namespace_);
			}
		}
	}
	/* The Go webhook always serialises placement, so it always exists after. */
	if (!s->placement)
		s->placement = tb_schema_new(&tb_placement_schema);
	pl = s->placement;
	for (i = 0; i < pl->spread_constraints.n; i++) {
		struct tb_spread_constraint *c = &pl->spread_constraints.v[i];
		if ((!c->spread_by_label || !*c->spread_by_label) &&
		    (!c->spread_by_field || !*c->spread_by_field)) {
			tb_free(c->spread_by_field);
			c->spread_by_field = tb_strdup("cluster");
		}
		if (c->min_groups == 0)
			c->min_groups = 1;
	}
	add_toleration(pl, TB_TAINT_NOT_READY, d->not_ready_toleration_seconds);
	add_toleration(pl, TB_TAINT_UNREACHABLE, d->unreachable_toleration_seconds);
	for (i = 0; i < s->resource_selectors.n; i++) {
		const struct tb_resource_selector *rs = &s->resource_selectors.v[i];
		if (rs->kind && !strcmp(rs->kind, "ServiceImport") && rs->api_version &&
		    !strcmp(rs->api_version, "multicluster.x-k8s.io/v1alpha1"))
			s->propagate_deps = true;
	}
	if (!strcmp(tb_placement_scheduling_type(pl), "Divided") &&
	    (!pl->replica_scheduling->division_preference ||
	     !*pl->replica_scheduling->division_preference)) {
		tb_free(pl->replica_scheduling->division_preference);
		pl->replica_scheduling->division_preference = tb_strdup("Weighted");
	}
	if (s->failover && s->failover->application) {
		af = s->failover->application;
		if (af->purge_mode && (!strcmp(af->purge_mode, "Graciously") ||
				       !strcmp(af->purge_mode, "Gracefully")) &&
		    !af->grace_period_seconds.set) {
			af->grace_period_seconds.set = true;
			af->grace_period_seconds.v = 600;
		}
	}
	/* The permanent-id label and the finalizer are added by the server on
	 * create: they need a random UUID and only make sense for stored objects. */
}

/* ---- validation ------------------------------------------------------------------------ */

static void invalid_obj(struct tb_errs *e, struct tb_path *p, const struct tb_schema *s,
			const void *obj, const char *detail)
{
	json_t *j = tb_schema_encode(s, obj);
	char *v = tb_json_render(j);

	tb_errs_invalid_raw(e, p, v, "%s", detail);
	tb_free(v);
	json_decref(j);
}

static void check_cluster_name(struct tb_errs *e, const struct tb_path *p, const char *name)
{
	if (strlen(name) > 48)
		tb_errs_invalid_str(e, p, name, "must be no more than 48 characters");
	else
		tb_check_dns1123_label(e, p, name);
}

static bool str_in_vec(const char *s, char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, v[i]))
			return true;
	return false;
}

/* Karmada: ValidatePolicyFieldSelector (keys provider/region/zone, In/NotIn).
 * Tugboat adds: label selector syntax, cluster names that can never match a
 * cluster, duplicate names, and an affinity that excludes all it names. */
static void validate_affinity(const struct tb_cluster_affinity *a, struct tb_path *p,
			      struct tb_errs *e)
{
	const struct tb_selector_req *r;
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t mark, m2, i, excluded = 0;
	json_t *j;
	char *v;

	if (a->field_selector) {
		for (i = 0; i < a->field_selector->match_expressions.n; i++) {
			r = &a->field_selector->match_expressions.v[i];
			tb_strbuf_reset(&sb);
			if (r->key && strcmp(r->key, "provider") && strcmp(r->key, "region") &&
			    strcmp(r->key, "zone"))
				tb_strbuf_addf(&sb, "unsupported key \"%s\", must be provider, "
					       "region, or zone", r->key);
			else if (r->operator_ && strcmp(r->operator_, "In") &&
				 strcmp(r->operator_, "NotIn"))
				tb_strbuf_addf(&sb, "unsupported operator \"%s\", must be In "
					       "or NotIn", r->operator_);
			if (sb.len) {
				mark = tb_path_field(p, "fieldSelector");
				j = tb_schema_encode(&field_selector_schema, a->field_selector);
				v = tb_json_render(j);
				tb_errs_invalid_raw(e, p, v, "%s", sb.buf);
				tb_free(v);
				json_decref(j);
				tb_path_pop(p, mark);
				break;
			}
		}
	}
	if (a->label_selector) {
		mark = tb_path_field(p, "labelSelector");
		tb_label_selector_validate(a->label_selector, p, e);
		tb_path_pop(p, mark);
	}
	mark = tb_path_field(p, "clusterNames");
	for (i = 0; i < a->cluster_names.n; i++) {
		m2 = tb_path_index(p, i);
		check_cluster_name(e, p, a->cluster_names.v[i]);
		if (str_in_vec(a->cluster_names.v[i], a->cluster_names.v, i)) {
			tb_strbuf_reset(&sb);
			tb_strbuf_addquoted(&sb, a->cluster_names.v[i]);
			tb_errs_duplicate(e, p, sb.buf, NULL);
		}
		if (str_in_vec(a->cluster_names.v[i], a->exclude.v, a->exclude.n))
			excluded++;
		tb_path_pop(p, m2);
	}
	if (a->cluster_names.n && excluded == a->cluster_names.n)
		tb_errs_forbidden(e, p, "every cluster listed is also in exclude, so no "
				  "cluster can ever be selected");
	tb_path_pop(p, mark);
	tb_strbuf_release(&sb);
}

static void validate_spread(const struct tb_placement *pl, struct tb_path *p, struct tb_errs *e)
{
	const struct tb_spread_constraint *c;
	bool seen[4] = { false }, marked[4] = { false }, any_field = false;
	size_t mark, i, k;
	json_t *arr;
	char *v;

	mark = tb_path_field(p, "spreadConstraints");
	for (i = 0; i < pl->spread_constraints.n; i++) {
		size_t m2 = tb_path_index(p, i);
		c = &pl->spread_constraints.v[i];
		if (c->spread_by_field && *c->spread_by_field && c->spread_by_label &&
		    *c->spread_by_label)
			invalid_obj(e, p, &spread_schema, c,
				    "spreadByLabel should not co-exist with spreadByField");
		if (c->min_groups < 0)
			invalid_obj(e, p, &spread_schema, c, "minGroups lower than 0 is not allowed");
		if (c->max_groups < 0)
			invalid_obj(e, p, &spread_schema, c, "maxGroups lower than 0 is not allowed");
		if (c->max_groups > 0 && c->max_groups < c->min_groups)
			invalid_obj(e, p, &spread_schema, c,
				    "maxGroups lower than minGroups is not allowed");
		/* Tugboat: more groups than the affinity can ever provide. */
		if (c->spread_by_field && !strcmp(c->spread_by_field, "cluster") &&
		    pl->cluster_affinity && pl->cluster_affinity->cluster_names.n &&
		    (size_t)c->min_groups > pl->cluster_affinity->cluster_names.n)
			invalid_obj(e, p, &spread_schema, c,
				    "minGroups is larger than the number of clusters "
				    "clusterAffinity.clusterNames allows, so the policy "
				    "can never be scheduled");
		tb_path_pop(p, m2);
		if (c->spread_by_field && *c->spread_by_field) {
			any_field = true;
			for (k = 0; spread_fields[k]; k++) {
				if (strcmp(spread_fields[k], c->spread_by_field))
					continue;
				if (seen[k] && !marked[k]) {
					char msg[96];
					arr = json_array();
					for (size_t x = 0; x < pl->spread_constraints.n; x++)
						json_array_append_new(arr, tb_schema_encode(&spread_schema,
							&pl->spread_constraints.v[x]));
					v = tb_json_render(arr);
					snprintf(msg, sizeof(msg), "multiple %s spread constraints "
						 "are not allowed", spread_fields[k]);
					tb_errs_invalid_raw(e, p, v, "%s", msg);
					tb_free(v);
					json_decref(arr);
					marked[k] = true;
				}
				seen[k] = true;
			}
		}
	}
	if (any_field && !seen[0]) {
		arr = json_array();
		for (i = 0; i < pl->spread_constraints.n; i++)
			json_array_append_new(arr, tb_schema_encode(&spread_schema,
						&pl->spread_constraints.v[i]));
		v = tb_json_render(arr);
		tb_errs_invalid_raw(e, p, v, "the cluster spread constraint must be enabled "
				    "in one of the constraints in case of SpreadByField is enabled");
		tb_free(v);
		json_decref(arr);
	}
	tb_path_pop(p, mark);
}

void tb_placement_validate(const struct tb_placement *pl, struct tb_path *p, struct tb_errs *e)
{
	size_t mark, m2, i, j;

	if (pl->cluster_affinity && pl->cluster_affinities.n)
		invalid_obj(e, p, &tb_placement_schema, pl,
			    "clusterAffinities cannot co-exist with clusterAffinity");
	if (pl->cluster_affinity) {
		mark = tb_path_field(p, "clusterAffinity");
		validate_affinity(pl->cluster_affinity, p, e);
		tb_path_pop(p, mark);
	}
	mark = tb_path_field(p, "clusterAffinities");
	for (i = 0; i < pl->cluster_affinities.n; i++) {
		const struct tb_cluster_affinity_term *t = &pl->cluster_affinities.v[i];
		m2 = tb_path_index(p, i);
		if (t->affinity_name && *t->affinity_name) {
			if (strlen(t->affinity_name) > 32)
				tb_errs_too_long(e, p, 32);
			tb_check_qualified_name(e, p, t->affinity_name);
		}
		validate_affinity(&t->affinity, p, e);
		tb_path_pop(p, m2);
		for (j = 0; j < i; j++) {
			if (t->affinity_name && pl->cluster_affinities.v[j].affinity_name &&
			    !strcmp(t->affinity_name, pl->cluster_affinities.v[j].affinity_name)) {
				tb_errs_invalid_raw(e, p, NULL, "each affinity term in a policy "
						    "must have a unique name");
				break;
			}
		}
	}
	tb_path_pop(p, mark);
	mark = tb_path_field(p, "clusterTolerations");
	tb_tolerations_validate(pl->cluster_tolerations.v, pl->cluster_tolerations.n, p, e);
	tb_path_pop(p, mark);
	validate_spread(pl, p, e);
	if (pl->replica_scheduling && pl->replica_scheduling->weight_preference) {
		const struct tb_cluster_preferences *wp = pl->replica_scheduling->weight_preference;
		mark = tb_path_field(p, "replicaScheduling");
		tb_path_field(p, "weightPreference");
		tb_path_field(p, "staticWeightList");
		for (i = 0; i < wp->static_weight_list.n; i++) {
			m2 = tb_path_index(p, i);
			tb_path_field(p, "targetCluster");
			validate_affinity(&wp->static_weight_list.v[i].target_cluster, p, e);
			tb_path_pop(p, m2);
		}
		tb_path_pop(p, mark);
	}
}

void tb_failover_validate(const struct tb_failover *f, struct tb_path *p, struct tb_errs *e)
{
	const struct tb_app_failover *a;
	bool gracious;
	size_t mark;

	if (!f || !f->application)
		return;
	a = f->application;
	mark = tb_path_field(p, "application");
	if (a->decision_conditions.toleration_seconds.set &&
	    a->decision_conditions.toleration_seconds.v < 0) {
		size_t m2 = tb_path_field(p, "decisionConditions");
		tb_path_field(p, "tolerationSeconds");
		tb_errs_invalid_int(e, p, a->decision_conditions.toleration_seconds.v,
				    "must be greater than or equal to 0");
		tb_path_pop(p, m2);
	}
	gracious = a->purge_mode && (!strcmp(a->purge_mode, "Graciously") ||
				     !strcmp(a->purge_mode, "Gracefully"));
	tb_path_field(p, "gracePeriodSeconds");
	if (!gracious && a->grace_period_seconds.set)
		tb_errs_invalid_int(e, p, a->grace_period_seconds.v,
				    "only takes effect when purgeMode is graciously");
	if (gracious && !a->grace_period_seconds.set)
		tb_errs_invalid_raw(e, p, "null", "should not be empty when purgeMode is graciously");
	if (a->grace_period_seconds.set && a->grace_period_seconds.v <= 0)
		tb_errs_invalid_int(e, p, a->grace_period_seconds.v, "must be greater than 0");
	tb_path_pop(p, mark);
}

static void policy_name_check(struct tb_errs *e, const struct tb_path *p, const char *name)
{
	tb_check_dns1123_subdomain(e, p, name);
}

void tb_policy_validate(const struct tb_policy *pol, bool namespaced, struct tb_errs *e)
{
	const struct tb_propagation_spec *s = &pol->spec;
	struct tb_path p = TB_PATH_INIT;
	size_t i, mark;

	tb_path_field(&p, "metadata");
	tb_meta_validate(&pol->metadata, namespaced, policy_name_check, &p, e);
	tb_path_set(&p, "spec");
	if (s->placement) {
		mark = tb_path_field(&p, "placement");
		tb_placement_validate(s->placement, &p, e);
		tb_path_pop(&p, mark);
	}
	if (s->failover && s->failover->application && !s->propagate_deps) {
		mark = tb_path_field(&p, "propagateDeps");
		tb_errs_invalid_raw(e, &p, "false",
				    "application failover is set, propagateDeps must be true");
		tb_path_pop(&p, mark);
	}
	mark = tb_path_field(&p, "failover");
	tb_failover_validate(s->failover, &p, e);
	tb_path_pop(&p, mark);
	mark = tb_path_field(&p, "resourceSelectors");
	for (i = 0; i < s->resource_selectors.n; i++) {
		const struct tb_resource_selector *rs = &s->resource_selectors.v[i];
		size_t m2 = tb_path_index(&p, i);
		if (s->preemption && !strcmp(s->preemption, "Always") &&
		    (!rs->name || !*rs->name)) {
			tb_path_field(&p, "name");
			tb_errs_invalid_str(e, &p, "", "name cannot be empty if preemption is "
					    "Always, the empty name may cause unexpected resources "
					    "preemption");
		} else if (rs->label_selector) {
			tb_path_field(&p, "labelSelector");
			tb_label_selector_validate(rs->label_selector, &p, e);
		}
		tb_path_pop(&p, m2);
		/* Tugboat: a PropagationPolicy only ever selects templates in its
		 * own namespace, so any other namespace here can never match. */
		if (namespaced && rs->namespace_ && *rs->namespace_ &&
		    pol->metadata.namespace_ && strcmp(rs->namespace_, pol->metadata.namespace_)) {
			m2 = tb_path_index(&p, i);
			tb_path_field(&p, "namespace");
			tb_errs_invalid_str(e, &p, rs->namespace_, "a PropagationPolicy only "
					    "selects resources in its own namespace \"%s\"; use a "
					    "ClusterPropagationPolicy to select other namespaces",
					    pol->metadata.namespace_);
			tb_path_pop(&p, m2);
		}
	}
	tb_path_pop(&p, mark);
	if (s->suspension && s->suspension->dispatching.set && s->suspension->dispatching.v &&
	    s->suspension->dispatching_on_clusters &&
	    s->suspension->dispatching_on_clusters->cluster_names.n) {
		mark = tb_path_field(&p, "suspension");
		tb_errs_invalid_raw(e, &p, NULL, "suspension dispatching cannot co-exist with "
				    "dispatchingOnClusters.clusterNames");
		tb_path_pop(&p, mark);
	}
}
