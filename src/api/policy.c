/* PropagationPolicy / ClusterPropagationPolicy: schema, defaults, validation.
 * Defaults and checks follow Karmada v1.13's CRD schema and webhooks; what
 * Tugboat adds is marked as such. Pure: no clock, no I/O. */
#include "api/policy.h"
#include "api/duration.h"
#include "api/names.h"
#include "lib/mem.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
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
	TB_F("apiVersion", TB_FT_STRING, TB_FF_REQUIRED, struct tb_resource_selector, api_version,
	     .doc = "API version of the resources to select, e.g. apps/v1."),
	TB_F("kind", TB_FT_STRING, TB_FF_REQUIRED, struct tb_resource_selector, kind,
	     .doc = "Kind of the resources to select, e.g. Deployment."),
	TB_F("namespace", TB_FT_STRING, 0, struct tb_resource_selector, namespace_,
	     .doc = "Namespace of the resources. A PropagationPolicy fills in its own namespace "
		    "and Tugboat rejects any other; in a ClusterPropagationPolicy empty means "
		    "every namespace."),
	TB_F("name", TB_FT_STRING, 0, struct tb_resource_selector, name,
	     .doc = "Name of the resource; empty selects every resource of the kind (that "
		    "labelSelector matches). Required when preemption is Always."),
	TB_F("labelSelector", TB_FT_OBJECT, TB_FF_PTR, struct tb_resource_selector,
	     label_selector, .sub = &tb_label_selector_schema,
	     .doc = "Selects resources by their labels; ignored when name is set. Absent, with no "
		    "name, selects every resource of the kind."),
	TB_F_END
};

static const struct tb_schema resource_selector_schema = {
	"ResourceSelector", sizeof(struct tb_resource_selector), resource_selector_fields,
	"Selects resources (templates) to propagate."
};

static const struct tb_field field_selector_fields[] = {
	TB_F("matchExpressions", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_field_selector,
	     match_expressions, .sub = &tb_node_selector_req_schema,
	     .doc = "Requirements on the cluster's provider, region and zones; all of them must "
		    "hold."),
	TB_F_END
};

static const struct tb_schema field_selector_schema = {
	"FieldSelector", sizeof(struct tb_field_selector), field_selector_fields,
	"A filter on Cluster fields rather than labels."
};

static const struct tb_field cluster_affinity_fields[] = {
	TB_F("labelSelector", TB_FT_OBJECT, TB_FF_PTR, struct tb_cluster_affinity,
	     label_selector, .sub = &tb_label_selector_schema,
	     .doc = "Only clusters whose labels match are candidates."),
	TB_F("fieldSelector", TB_FT_OBJECT, TB_FF_PTR, struct tb_cluster_affinity,
	     field_selector, .sub = &field_selector_schema,
	     .doc = "Only clusters whose provider, region or zones match are candidates. Keys "
		    "provider, region, zone; operators In, NotIn."),
	TB_F("clusterNames", TB_FT_STRING, TB_FF_ARRAY, struct tb_cluster_affinity, cluster_names,
	     .doc = "Only the clusters named here are candidates; empty allows any cluster. "
		    "Tugboat rejects names no cluster can have, duplicates, and a list that "
		    "exclude covers entirely."),
	TB_F("exclude", TB_FT_STRING, TB_FF_ARRAY, struct tb_cluster_affinity, exclude,
	     .doc = "Clusters that are never candidates, whatever the other fields say."),
	TB_F_END
};

const struct tb_schema tb_cluster_affinity_schema = {
	"ClusterAffinity", sizeof(struct tb_cluster_affinity), cluster_affinity_fields,
	"Cluster filters: a cluster must pass all that are given."
};

static const struct tb_field affinity_term_fields[] = {
	TB_F("affinityName", TB_FT_STRING, TB_FF_REQUIRED, struct tb_cluster_affinity_term,
	     affinity_name,
	     .doc = "Name of this group of clusters, unique in the placement, 1 to 32 characters; "
		    "status.schedulerObservingAffinityName reports the term in use."),
	TB_F("", TB_FT_OBJECT, TB_FF_INLINE, struct tb_cluster_affinity_term, affinity,
	     .sub = &tb_cluster_affinity_schema,
	     .doc = "The term's cluster affinity, whose fields sit at this level."),
	TB_F_END
};

static const struct tb_schema affinity_term_schema = {
	"ClusterAffinityTerm", sizeof(struct tb_cluster_affinity_term), affinity_term_fields,
	"A named cluster affinity; terms are tried in order."
};

static const struct tb_field spread_fields_tbl[] = {
	TB_F("spreadByField", TB_FT_STRING, 0, struct tb_spread_constraint, spread_by_field,
	     .enums = spread_fields,
	     .doc = "Cluster field that groups clusters: cluster (each cluster a group), region, "
		    "zone or provider; cluster when spreadByLabel is empty too. Each field at most "
		    "once, and a field spread needs a cluster spread as well."),
	TB_F("spreadByLabel", TB_FT_STRING, 0, struct tb_spread_constraint, spread_by_label,
	     .doc = "Label key whose values group clusters; cannot be used with spreadByField. "
		    "Accepted, but the scheduler (like Karmada's) does not spread by labels."),
	TB_F("maxGroups", TB_FT_INT, 0, struct tb_spread_constraint, max_groups,
	     .doc = "At most this many groups are selected; not below minGroups. Tugboat: 0 or "
		    "absent means no maximum (Karmada then selects no cluster)."),
	TB_F("minGroups", TB_FT_INT, 0, struct tb_spread_constraint, min_groups,
	     .doc = "At least this many groups must be selected, or scheduling fails; 0 or absent "
		    "means 1. Tugboat rejects a cluster spread asking for more clusters than "
		    "clusterAffinity.clusterNames lists."),
	TB_F_END
};

static const struct tb_schema spread_schema = {
	"SpreadConstraint", sizeof(struct tb_spread_constraint), spread_fields_tbl,
	"How to spread over groups of clusters."
};

static const struct tb_field static_weight_fields[] = {
	TB_F("targetCluster", TB_FT_OBJECT, TB_FF_REQUIRED | TB_FF_KEEPZERO,
	     struct tb_static_weight, target_cluster, .sub = &tb_cluster_affinity_schema,
	     .doc = "The clusters this weight applies to."),
	TB_F("weight", TB_FT_INT, TB_FF_REQUIRED | TB_FF_MIN | TB_FF_KEEPZERO,
	     struct tb_static_weight, weight, .min = 1,
	     .doc = "Relative weight, at least 1. A cluster matched by several entries takes the "
		    "largest; one matched by none gets no replicas, unless no cluster matches any "
		    "entry (then all weigh the same)."),
	TB_F_END
};

static const struct tb_schema static_weight_schema = {
	"StaticClusterWeight", sizeof(struct tb_static_weight), static_weight_fields,
	"A weight for the clusters matched by targetCluster."
};

static const struct tb_field preferences_fields[] = {
	TB_F("staticWeightList", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_cluster_preferences,
	     static_weight_list, .sub = &static_weight_schema,
	     .doc = "Fixed weights for groups of clusters; replicas are divided in proportion to "
		    "them (Webster's method)."),
	TB_F("dynamicWeight", TB_FT_STRING, 0, struct tb_cluster_preferences, dynamic_weight,
	     .enums = dynamic_weights,
	     .doc = "Weigh each cluster by a measured factor instead; AvailableReplicas uses how "
		    "many more replicas the cluster can take. When set, staticWeightList is "
		    "ignored."),
	TB_F_END
};

static const struct tb_schema preferences_schema = {
	"ClusterPreferences", sizeof(struct tb_cluster_preferences), preferences_fields,
	"Static weights for groups of clusters, or a factor to derive weights from."
};

static const struct tb_field replica_sched_fields[] = {
	TB_F("replicaSchedulingType", TB_FT_STRING, 0, struct tb_replica_scheduling, type,
	     .enums = sched_types,
	     .doc = "Duplicated: every selected cluster runs all spec.replicas. Divided (the "
		    "default when replicaScheduling is given): the replicas are split among the "
		    "selected clusters per replicaDivisionPreference."),
	TB_F("replicaDivisionPreference", TB_FT_STRING, 0, struct tb_replica_scheduling,
	     division_preference, .enums = division_prefs,
	     .doc = "How Divided splits replicas: Aggregated puts them in as few clusters as their "
		    "free capacity allows; Weighted (the default) splits them by "
		    "weightPreference."),
	TB_F("weightPreference", TB_FT_OBJECT, TB_FF_PTR, struct tb_replica_scheduling,
	     weight_preference, .sub = &preferences_schema,
	     .doc = "Cluster weights for Weighted division; absent weighs every selected cluster "
		    "the same."),
	TB_F_END
};

static const struct tb_schema replica_sched_schema = {
	"ReplicaSchedulingStrategy", sizeof(struct tb_replica_scheduling),
	replica_sched_fields,
	"Replica assignment: Duplicated, or Divided by weights (Weighted) or into as few clusters "
	"as fit (Aggregated)."
};

static const struct tb_field placement_fields[] = {
	TB_F("clusterAffinity", TB_FT_OBJECT, TB_FF_PTR, struct tb_placement, cluster_affinity,
	     .sub = &tb_cluster_affinity_schema,
	     .doc = "The clusters that may be chosen; with neither this nor clusterAffinities any "
		    "cluster may be. Cannot be used with clusterAffinities."),
	TB_F("clusterAffinities", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_placement,
	     cluster_affinities, .sub = &affinity_term_schema,
	     .doc = "Groups of clusters tried in order: the first group in which the workload can "
		    "be scheduled is used, and scheduling fails if none can. Cannot be used with "
		    "clusterAffinity."),
	TB_F("clusterTolerations", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_placement,
	     cluster_tolerations, .sub = &tb_toleration_schema,
	     .doc = "Cluster taints the workload tolerates. A policy without its own gets "
		    "NoExecute tolerations of cluster.karmada.io/not-ready and "
		    "cluster.karmada.io/unreachable for 300 s (tugd "
		    "--default-*-toleration-seconds)."),
	TB_F("spreadConstraints", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_placement,
	     spread_constraints, .sub = &spread_schema,
	     .doc = "How many groups of clusters (by cluster, region, zone or provider) the "
		    "selection must span."),
	TB_F("replicaScheduling", TB_FT_OBJECT, TB_FF_PTR, struct tb_placement,
	     replica_scheduling, .sub = &replica_sched_schema,
	     .doc = "How replicas are assigned to the selected clusters; absent means Duplicated "
		    "(each cluster runs them all)."),
	TB_F_END
};

const struct tb_schema tb_placement_schema = {
	"Placement", sizeof(struct tb_placement), placement_fields,
	"Cluster selection (affinity, tolerations, spread) and replica assignment rules."
};

static const struct tb_field rule_fields[] = {
	TB_F("aliasLabelName", TB_FT_STRING, TB_FF_REQUIRED, struct tb_preservation_rule,
	     alias_label_name,
	     .doc = "Label key under which the preserved value is injected into the resource on "
		    "the new cluster."),
	TB_F("jsonPath", TB_FT_STRING, TB_FF_REQUIRED, struct tb_preservation_rule, json_path,
	     .doc = "JSONPath of the value to preserve, evaluated from the resource's status: "
		    "{.availableReplicas}, not {.status.availableReplicas}."),
	TB_F_END
};

static const struct tb_schema rule_schema = {
	"StatePreservationRule", sizeof(struct tb_preservation_rule), rule_fields,
	"One value to carry to the new cluster on failover: where to read it and the label that "
	"carries it."
};

static const struct tb_field preservation_fields[] = {
	TB_F("rules", TB_FT_OBJECT, TB_FF_ARRAY | TB_FF_REQUIRED, struct tb_state_preservation,
	     rules, .sub = &rule_schema,
	     .doc = "The values to preserve, each carried as one label."),
	TB_F_END
};

static const struct tb_schema preservation_schema = {
	"StatePreservation", sizeof(struct tb_state_preservation), preservation_fields,
	"Rules that each carry one value of the old resource's status to the new cluster as a "
	"label."
};

static const struct tb_field decision_fields[] = {
	TB_F("tolerationSeconds", TB_FT_OPTINT, TB_FF_INT32, struct tb_decision_conditions,
	     toleration_seconds,
	     .doc = "How long, in seconds, the application must stay unhealthy on a cluster before "
		    "it is moved away; defaults to 300, 0 moves it at once. Not negative."),
	TB_F_END
};

static const struct tb_schema decision_schema = {
	"DecisionConditions", sizeof(struct tb_decision_conditions), decision_fields,
	"Conditions that must all hold before an application fails over."
};

static const struct tb_field app_failover_fields[] = {
	TB_F("decisionConditions", TB_FT_OBJECT, TB_FF_REQUIRED | TB_FF_KEEPZERO,
	     struct tb_app_failover, decision_conditions, .sub = &decision_schema,
	     .doc = "When the application is considered failed on a cluster."),
	TB_F("purgeMode", TB_FT_STRING, 0, struct tb_app_failover, purge_mode,
	     .enums = tb_purge_modes,
	     .doc = "What happens to the application on the cluster it leaves: Graciously (the "
		    "default) keeps it until the new replicas are healthy or gracePeriodSeconds "
		    "ends; Immediately deletes it at once; Never leaves it for the user to remove. "
		    "Tugboat also accepts current Karmada's names Gracefully and Directly."),
	TB_F("gracePeriodSeconds", TB_FT_OPTINT, TB_FF_INT32, struct tb_app_failover,
	     grace_period_seconds,
	     .doc = "With Graciously/Gracefully: the longest wait, in seconds, for the new "
		    "replicas to become healthy before the old ones are deleted anyway. Defaults "
		    "to 600; must be positive; not allowed with other modes."),
	TB_F("statePreservation", TB_FT_OBJECT, TB_FF_PTR, struct tb_app_failover,
	     state_preservation, .sub = &preservation_schema,
	     .doc = "State to extract from the resource on the old cluster and inject into the new "
		    "one (Karmada's alpha StatefulFailoverInjection); absent preserves nothing. "
		    "Stored, but not acted on by Tugboat yet."),
	TB_F_END
};

static const struct tb_schema app_failover_schema = {
	"ApplicationFailoverBehavior", sizeof(struct tb_app_failover), app_failover_fields,
	"Application failover: when it triggers, what happens to the old copy, and what state "
	"moves along."
};

static const struct tb_field cluster_failover_fields[] = {
	TB_F("purgeMode", TB_FT_STRING, 0, struct tb_cluster_failover, purge_mode,
	     .enums = cluster_purge_modes,
	     .doc = "What happens to workloads evicted from a failed (NoExecute-tainted) cluster: "
		    "Gracefully (the default) keeps them until the replacements are healthy or the "
		    "graceful eviction timeout ends; Directly deletes them at once. Graciously and "
		    "Immediately are accepted as synonyms."),
	TB_F("statePreservation", TB_FT_OBJECT, TB_FF_PTR, struct tb_cluster_failover,
	     state_preservation, .sub = &preservation_schema,
	     .doc = "State to extract from the resource on the old cluster and inject into the new "
		    "one (Karmada's alpha StatefulFailoverInjection); absent preserves nothing. "
		    "Stored, but not acted on by Tugboat yet."),
	TB_F_END
};

static const struct tb_schema cluster_failover_schema = {
	"ClusterFailoverBehavior", sizeof(struct tb_cluster_failover), cluster_failover_fields,
	"Cluster failover: how evicted workloads are purged and what state moves along."
};

static const struct tb_field failover_fields[] = {
	TB_F("application", TB_FT_OBJECT, TB_FF_PTR, struct tb_failover, application,
	     .sub = &app_failover_schema,
	     .doc = "Move the application when it is unhealthy on a cluster; absent disables "
		    "application failover. Needs propagateDeps: true so dependencies move with "
		    "it. Stored, but not acted on by Tugboat yet."),
	TB_F("cluster", TB_FT_OBJECT, TB_FF_PTR, struct tb_failover, cluster,
	     .sub = &cluster_failover_schema,
	     .doc = "How workloads leave a failed cluster; absent means Gracefully. A field of "
		    "current Karmada (not v1.13) that Tugboat accepts."),
	TB_F_END
};

const struct tb_schema tb_failover_schema = {
	"FailoverBehavior", sizeof(struct tb_failover), failover_fields,
	"Failover behaviors: for application failures and for cluster failures."
};

static const struct tb_field suspend_clusters_fields[] = {
	TB_F("clusterNames", TB_FT_STRING, TB_FF_ARRAY, struct tb_suspend_clusters, cluster_names,
	     .doc = "Names of the member clusters."),
	TB_F_END
};

const struct tb_schema tb_suspend_clusters_schema = {
	"SuspendClusters", sizeof(struct tb_suspend_clusters), suspend_clusters_fields,
	"Member clusters that propagation is suspended to."
};

static const struct tb_field suspension_fields[] = {
	TB_F("dispatching", TB_FT_OPTBOOL, 0, struct tb_suspension, dispatching,
	     .doc = "true stops dispatching to every member cluster: the Works are no longer "
		    "updated. Absent means not suspended; cannot be true together with "
		    "dispatchingOnClusters."),
	TB_F("dispatchingOnClusters", TB_FT_OBJECT, TB_FF_PTR, struct tb_suspension,
	     dispatching_on_clusters, .sub = &tb_suspend_clusters_schema,
	     .doc = "Stops dispatching to the listed member clusters only; cannot be used together "
		    "with dispatching: true."),
	TB_F_END
};

static const struct tb_schema suspension_schema = {
	"Suspension", sizeof(struct tb_suspension), suspension_fields,
	"Which part of propagation is suspended."
};

static const struct tb_field schedule_priority_fields[] = {
	TB_F("priorityClassSource", TB_FT_STRING, TB_FF_REQUIRED, struct tb_schedule_priority,
	     priority_class_source, .enums = priority_sources,
	     .doc = "Where the priority class is looked up: KubePriorityClass, a "
		    "scheduling.k8s.io/v1 PriorityClass in the control plane."),
	TB_F("priorityClassName", TB_FT_STRING, TB_FF_REQUIRED, struct tb_schedule_priority,
	     priority_class_name,
	     .doc = "Name of the PriorityClass whose value becomes the scheduling priority of the "
		    "selected workloads."),
	TB_F_END
};

static const struct tb_schema schedule_priority_schema = {
	"SchedulePriority", sizeof(struct tb_schedule_priority), schedule_priority_fields,
	"Where the scheduling priority of the selected workloads comes from."
};

static const struct tb_field spec_fields[] = {
	TB_F("resourceSelectors", TB_FT_OBJECT, TB_FF_ARRAY | TB_FF_REQUIRED | TB_FF_KEEPZERO,
	     struct tb_propagation_spec, resource_selectors, .sub = &resource_selector_schema,
	     .doc = "The resource templates the policy applies to: those matching any selector. "
		    "Required, with at least one selector."),
	TB_F("association", TB_FT_BOOL, 0, struct tb_propagation_spec, association,
	     .doc = "Deprecated: use propagateDeps."),
	TB_F("propagateDeps", TB_FT_BOOL, 0, struct tb_propagation_spec, propagate_deps,
	     .doc = "Also propagate what the selected workloads refer to (ConfigMaps, Secrets...), "
		    "and move it with them on failover. Set automatically when a ServiceImport is "
		    "selected."),
	TB_F("placement", TB_FT_OBJECT, TB_FF_PTR, struct tb_propagation_spec, placement,
	     .sub = &tb_placement_schema,
	     .doc = "Which clusters get the selected resources, and how many replicas each."),
	TB_F("priority", TB_FT_OPTINT, TB_FF_INT32, struct tb_propagation_spec, priority,
	     .doc = "Precedence among policies matching the same template, higher wins; default 0. "
		    "Ties go to the more specific selector (name, then label selector, then kind), "
		    "then to the alphabetically first policy."),
	TB_F("preemption", TB_FT_STRING, 0, struct tb_propagation_spec, preemption,
	     .enums = preemptions,
	     .doc = "Always: the policy takes over templates already claimed by a lower-priority "
		    "policy (needs named resource selectors). Never (the default): a claimed "
		    "template is left alone. Stored, but not acted on by Tugboat yet."),
	TB_F("dependentOverrides", TB_FT_STRING, TB_FF_ARRAY, struct tb_propagation_spec,
	     dependent_overrides,
	     .doc = "Names of OverridePolicies that must exist before this policy takes effect. "
		    "Stored, but not acted on by Tugboat yet."),
	TB_F("schedulerName", TB_FT_STRING, 0, struct tb_propagation_spec, scheduler_name,
	     .doc = "The scheduler that places the selected resources; defaults to "
		    "default-scheduler."),
	TB_F("failover", TB_FT_OBJECT, TB_FF_PTR, struct tb_propagation_spec, failover,
	     .sub = &tb_failover_schema,
	     .doc = "How workloads move away from a failed application or cluster; absent means no "
		    "application failover, and evictions from failed clusters purge Gracefully."),
	TB_F("conflictResolution", TB_FT_STRING, 0, struct tb_propagation_spec,
	     conflict_resolution, .enums = conflict_resolutions,
	     .doc = "When a propagated resource already exists in a member cluster: Abort (the "
		    "default) stops propagating it there; Overwrite takes it over."),
	TB_F("activationPreference", TB_FT_STRING, 0, struct tb_propagation_spec,
	     activation_preference, .enums = activation_prefs,
	     .doc = "When policy changes reach the templates: empty means at once; Lazy waits "
		    "until each template itself changes. Stored, but not acted on by Tugboat yet."),
	TB_F("suspension", TB_FT_OBJECT, TB_FF_PTR, struct tb_propagation_spec, suspension,
	     .sub = &suspension_schema,
	     .doc = "Pauses dispatching, to every member cluster or to some; absent suspends "
		    "nothing. Stored, but not acted on by Tugboat yet."),
	TB_F("preserveResourcesOnDeletion", TB_FT_OPTBOOL, 0, struct tb_propagation_spec,
	     preserve_resources_on_deletion,
	     .doc = "Keep the propagated resources in the member clusters when the template is "
		    "deleted; default false. Deleting the policy never removes them."),
	TB_F("schedulePriority", TB_FT_OBJECT, TB_FF_PTR, struct tb_propagation_spec,
	     schedule_priority, .sub = &schedule_priority_schema,
	     .doc = "Scheduling priority of the selected workloads, from a PriorityClass (alpha in "
		    "Karmada). Stored, but not acted on by Tugboat yet."),
	TB_F_END
};

static const struct tb_schema spec_schema = {
	"PropagationSpec", sizeof(struct tb_propagation_spec), spec_fields,
	"The desired behavior of a PropagationPolicy or ClusterPropagationPolicy: selectors, "
	"placement, precedence, failover and propagation options."
};

static const struct tb_field policy_fields[] = {
	TB_F("apiVersion", TB_FT_STRING, 0, struct tb_policy, api_version,
	     .doc = "Versioned schema of this object: policy.karmada.io/v1alpha1."),
	TB_F("kind", TB_FT_STRING, 0, struct tb_policy, kind,
	     .doc = "PropagationPolicy or ClusterPropagationPolicy."),
	TB_F("metadata", TB_FT_OBJECT, TB_FF_KEEPZERO, struct tb_policy, metadata,
	     .sub = &tb_meta_schema,
	     .doc = "Standard object metadata. A PropagationPolicy is namespaced and selects "
		    "templates of its namespace only; a ClusterPropagationPolicy is "
		    "cluster-scoped."),
	TB_F("spec", TB_FT_OBJECT, TB_FF_REQUIRED | TB_FF_KEEPZERO, struct tb_policy, spec,
	     .sub = &spec_schema,
	     .doc = "What the policy selects and where it places it."),
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

static void move_back_validate(const struct tb_meta *m, struct tb_path *p, struct tb_errs *e)
{
	const char *v = tb_strmap_get(&m->annotations, TB_ANN_MOVE_BACK_AFTER);
	struct tb_err err = TB_ERR_INIT;
	size_t mark;
	int64_t ns;

	if (!v)
		return;
	mark = tb_path_field(p, "annotations");
	tb_path_key(p, TB_ANN_MOVE_BACK_AFTER);
	if (tb_duration_parse(v, &ns, &err))
		tb_errs_invalid_str(e, p, v, "%s", err.msg);
	else if (ns <= 0)
		tb_errs_invalid_str(e, p, v, "must be a positive duration, such as 5m");
	tb_path_pop(p, mark);
}

int64_t tb_min_available_parse(const char *v, int64_t replicas)
{
	char *end;
	long long n;

	if (!v || *v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || n < 0)
		return -1;
	if (!*end)
		return n;
	if (strcmp(end, "%") || n > 100)
		return -1;
	return (n * (replicas > 0 ? replicas : 0) + 99) / 100;
}

static void budget_validate(const struct tb_meta *m, struct tb_path *p, struct tb_errs *e)
{
	const char *v = tb_strmap_get(&m->annotations, TB_ANN_MIN_AVAILABLE);
	size_t mark;

	if (!v || tb_min_available_parse(v, 1) >= 0)
		return;
	mark = tb_path_field(p, "annotations");
	tb_path_key(p, TB_ANN_MIN_AVAILABLE);
	tb_errs_invalid_str(e, p, v, "must be a number of replicas (such as 2) or a "
			    "percentage (such as 50%%)");
	tb_path_pop(p, mark);
}

void tb_policy_validate(const struct tb_policy *pol, bool namespaced, struct tb_errs *e)
{
	const struct tb_propagation_spec *s = &pol->spec;
	struct tb_path p = TB_PATH_INIT;
	size_t i, mark;

	tb_path_field(&p, "metadata");
	tb_meta_validate(&pol->metadata, namespaced, policy_name_check, &p, e);
	move_back_validate(&pol->metadata, &p, e);
	budget_validate(&pol->metadata, &p, e);
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
	/* The CRD's minItems: 1, worded as kube-apiserver's schema validation. */
	if (!s->resource_selectors.n)
		tb_errs_invalid_int(e, &p, 0, "spec.resourceSelectors in body should have at "
				    "least 1 items");
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
