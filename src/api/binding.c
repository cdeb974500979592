/* ResourceBinding / ClusterResourceBinding: schema (Karmada v1.13's CRD, plus
 * the fields current Karmada added that Tugboat accepts), defaults, validation. */
#include "api/binding.h"
#include "api/names.h"
#include "lib/mem.h"

#include <string.h>

const char *const tb_health_values[] = { "Healthy", "Unhealthy", "Unknown", NULL };
static const char *const conflict_resolutions[] = { "Abort", "Overwrite", NULL };

static const struct tb_field object_ref_fields[] = {
	TB_F("apiVersion", TB_FT_STRING, TB_FF_REQUIRED, struct tb_object_ref, api_version,
	     .doc = "API version of the template."),
	TB_F("kind", TB_FT_STRING, TB_FF_REQUIRED, struct tb_object_ref, kind,
	     .doc = "Kind of the template."),
	TB_F("namespace", TB_FT_STRING, 0, struct tb_object_ref, namespace_,
	     .doc = "Namespace of the template; empty for a cluster-scoped template."),
	TB_F("name", TB_FT_STRING, TB_FF_REQUIRED, struct tb_object_ref, name,
	     .doc = "Name of the template."),
	TB_F("uid", TB_FT_STRING, 0, struct tb_object_ref, uid,
	     .doc = "UID of the template."),
	TB_F("resourceVersion", TB_FT_STRING, 0, struct tb_object_ref, resource_version,
	     .doc = "resourceVersion of the template the binding reflects."),
	TB_F_END
};

static const struct tb_schema object_ref_schema = {
	"ObjectReference", sizeof(struct tb_object_ref), object_ref_fields,
	"A reference to an object in the control plane by apiVersion, kind, namespace and name."
};

static const struct tb_field node_claim_fields[] = {
	TB_F("hardNodeAffinity", TB_FT_RAW, TB_FF_OBJONLY, struct tb_node_claim,
	     hard_node_affinity,
	     .doc = "The pods' required node affinity "
		    "(requiredDuringSchedulingIgnoredDuringExecution), a core/v1 NodeSelector."),
	TB_F("nodeSelector", TB_FT_STRMAP, 0, struct tb_node_claim, node_selector,
	     .doc = "The pods' nodeSelector: node labels a node must have."),
	TB_F("tolerations", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_node_claim, tolerations,
	     .sub = &tb_toleration_schema,
	     .doc = "The pods' tolerations of node taints."),
	TB_F_END
};

static const struct tb_schema node_claim_schema = {
	"NodeClaim", sizeof(struct tb_node_claim), node_claim_fields,
	"Where on a cluster's nodes the pods may run: node affinity, node selector and tolerations."
};

static const struct tb_field requirements_fields[] = {
	TB_F("nodeClaim", TB_FT_OBJECT, TB_FF_PTR, struct tb_replica_requirements, node_claim,
	     .sub = &node_claim_schema,
	     .doc = "Node constraints of the pods, from the template's pod spec."),
	TB_F("resourceRequest", TB_FT_RESLIST, 0, struct tb_replica_requirements,
	     resource_request,
	     .doc = "Resources one replica requests (containers, init containers and overhead); "
		    "each cluster's free amount divided by these estimates how many replicas fit."),
	TB_F("namespace", TB_FT_STRING, 0, struct tb_replica_requirements, namespace_,
	     .doc = "Namespace of the workload."),
	TB_F("priorityClassName", TB_FT_STRING, 0, struct tb_replica_requirements,
	     priority_class_name,
	     .doc = "priorityClassName of the workload's pods."),
	TB_F_END
};

static const struct tb_schema requirements_schema = {
	"ReplicaRequirements", sizeof(struct tb_replica_requirements), requirements_fields,
	"What one replica needs; used to estimate how many fit in a cluster."
};

static const struct tb_field target_fields[] = {
	TB_F("name", TB_FT_STRING, TB_FF_REQUIRED, struct tb_target_cluster, name,
	     .doc = "Name of the member cluster."),
	TB_F("replicas", TB_FT_INT, TB_FF_INT32, struct tb_target_cluster, replicas,
	     .doc = "Replicas placed in this cluster: all of them when Duplicated, a share when "
		    "Divided; 0 for resources without replicas."),
	TB_F_END
};

static const struct tb_schema target_schema = {
	"TargetCluster", sizeof(struct tb_target_cluster), target_fields,
	"A member cluster chosen for the resource, with its replicas."
};

static const struct tb_field task_fields[] = {
	TB_F("fromCluster", TB_FT_STRING, TB_FF_REQUIRED, struct tb_eviction_task, from_cluster,
	     .doc = "The member cluster being left."),
	TB_F("purgeMode", TB_FT_STRING, 0, struct tb_eviction_task, purge_mode,
	     .enums = tb_purge_modes,
	     .doc = "How the old copy goes: Graciously/Gracefully once the new replicas are "
		    "healthy or the grace period ends; Immediately/Directly at once; Never only by "
		    "hand."),
	TB_F("replicas", TB_FT_OPTINT, TB_FF_INT32, struct tb_eviction_task, replicas,
	     .doc = "Number of replicas being evicted; absent for resources without replicas."),
	TB_F("reason", TB_FT_STRING, TB_FF_REQUIRED, struct tb_eviction_task, reason,
	     .doc = "Why, as a CamelCase identifier (e.g. TaintUntolerated): 1 to 32 characters, "
		    "letters, digits, _ , :."),
	TB_F("message", TB_FT_STRING, 0, struct tb_eviction_task, message,
	     .doc = "Human-readable details, at most 1024 characters."),
	TB_F("producer", TB_FT_STRING, TB_FF_REQUIRED, struct tb_eviction_task, producer,
	     .doc = "The controller that created the task, e.g. TaintManager."),
	TB_F("gracePeriodSeconds", TB_FT_OPTINT, TB_FF_INT32, struct tb_eviction_task,
	     grace_period_seconds,
	     .doc = "Longest wait, in seconds, for the replacements to become healthy before the "
		    "old copy is deleted anyway; absent uses tugd's --graceful-eviction-timeout "
		    "(10 minutes). Cannot be used with suppressDeletion."),
	TB_F("suppressDeletion", TB_FT_OPTBOOL, 0, struct tb_eviction_task, suppress_deletion,
	     .doc = "true keeps the old copy until someone sets it to false, which deletes it; "
		    "cannot be used with gracePeriodSeconds."),
	TB_F("preservedLabelState", TB_FT_STRMAP, 0, struct tb_eviction_task,
	     preserved_label_state,
	     .doc = "State captured on the old cluster (statePreservation), injected as labels "
		    "into the resource on the new one."),
	TB_F("clustersBeforeFailover", TB_FT_STRING, TB_FF_ARRAY, struct tb_eviction_task,
	     clusters_before_failover,
	     .doc = "The clusters the application ran on before failing over."),
	TB_F("creationTimestamp", TB_FT_TIME, 0, struct tb_eviction_task, creation_timestamp,
	     .doc = "When the task was created; the grace period counts from it. Set by the "
		    "control plane when absent; clients should not set it."),
	TB_F_END
};

const struct tb_schema tb_eviction_task_schema = {
	"GracefulEvictionTask", sizeof(struct tb_eviction_task), task_fields,
	"One cluster a binding is leaving: the old copy stays there until the replacements are "
	"healthy, the grace period ends, or suppressDeletion is lifted."
};

static const struct tb_field snapshot_fields[] = {
	TB_F("namespace", TB_FT_STRING, 0, struct tb_binding_snapshot, namespace_,
	     .doc = "Namespace of the dependent ResourceBinding; empty for a "
		    "ClusterResourceBinding."),
	TB_F("name", TB_FT_STRING, TB_FF_REQUIRED, struct tb_binding_snapshot, name,
	     .doc = "Name of the dependent binding."),
	TB_F("clusters", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_binding_snapshot, clusters,
	     .sub = &target_schema,
	     .doc = "Where the dependent binding is placed; this resource is kept on those "
		    "clusters too."),
	TB_F_END
};

static const struct tb_schema snapshot_schema = {
	"BindingSnapshot", sizeof(struct tb_binding_snapshot), snapshot_fields,
	"A binding that depends on this resource, and where it is placed."
};

static const struct tb_field priority_fields[] = {
	TB_F("priority", TB_FT_INT, TB_FF_INT32, struct tb_binding_priority, priority,
	     .doc = "Scheduling priority: higher values are scheduled first; default 0."),
	TB_F_END
};

static const struct tb_schema priority_schema = {
	"SchedulePriority", sizeof(struct tb_binding_priority), priority_fields,
	"The scheduling priority of a binding, resolved from its policy's schedulePriority."
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
	TB_F("scheduling", TB_FT_OPTBOOL, 0, struct tb_suspension, scheduling,
	     .doc = "true makes the scheduler leave the binding alone until it is false or absent; "
		    "meant to be set when the binding is created (e.g. by an admission webhook)."),
	TB_F_END
};

static const struct tb_schema suspension_schema = {
	"Suspension", sizeof(struct tb_suspension), suspension_fields,
	"Which part of propagation is suspended: scheduling, or dispatching to all or some "
	"clusters."
};

static const struct tb_field spec_fields[] = {
	TB_F("resource", TB_FT_OBJECT, TB_FF_REQUIRED | TB_FF_KEEPZERO, struct tb_binding_spec,
	     resource, .sub = &object_ref_schema,
	     .doc = "The resource template this binding propagates."),
	TB_F("propagateDeps", TB_FT_BOOL, 0, struct tb_binding_spec, propagate_deps,
	     .doc = "Also propagate the template's dependencies; from the policy."),
	TB_F("replicaRequirements", TB_FT_OBJECT, TB_FF_PTR, struct tb_binding_spec,
	     replica_requirements, .sub = &requirements_schema,
	     .doc = "What one replica needs, taken from the template's pod template; absent when "
		    "the template has none."),
	TB_F("replicas", TB_FT_INT, TB_FF_INT32, struct tb_binding_spec, replicas,
	     .doc = "Desired replicas of the template (a Deployment's spec.replicas, a Job's "
		    "spec.parallelism); 0 for resources without replicas."),
	TB_F("clusters", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_binding_spec, clusters,
	     .sub = &target_schema,
	     .doc = "The scheduling result: target clusters and the replicas of each."),
	TB_F("placement", TB_FT_OBJECT, TB_FF_PTR, struct tb_binding_spec, placement,
	     .sub = &tb_placement_schema,
	     .doc = "Where to place the resource, copied from the policy."),
	TB_F("gracefulEvictionTasks", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_binding_spec,
	     graceful_eviction_tasks, .sub = &tb_eviction_task_schema,
	     .doc = "Clusters being left: an eviction drops the cluster from clusters and records "
		    "a task here."),
	TB_F("requiredBy", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_binding_spec, required_by,
	     .sub = &snapshot_schema,
	     .doc = "Bindings that depend on this resource; it also stays on their clusters."),
	TB_F("schedulerName", TB_FT_STRING, 0, struct tb_binding_spec, scheduler_name,
	     .doc = "The scheduler that places this binding; from the policy."),
	TB_F("failover", TB_FT_OBJECT, TB_FF_PTR, struct tb_binding_spec, failover,
	     .sub = &tb_failover_schema,
	     .doc = "Failover behaviors, copied from the policy."),
	TB_F("conflictResolution", TB_FT_STRING, 0, struct tb_binding_spec, conflict_resolution,
	     .enums = conflict_resolutions,
	     .doc = "When the resource already exists in a member cluster: Abort (the default) or "
		    "Overwrite; from the policy."),
	TB_F("rescheduleTriggeredAt", TB_FT_TIME, 0, struct tb_binding_spec,
	     reschedule_triggered_at,
	     .doc = "Set to ask for a fresh reschedule: once later than status.lastScheduledTime, "
		    "the scheduler recomputes the placement without regard to the current one."),
	TB_F("suspension", TB_FT_OBJECT, TB_FF_PTR, struct tb_binding_spec, suspension,
	     .sub = &suspension_schema,
	     .doc = "Pauses scheduling or dispatching of this binding; absent suspends nothing. "
		    "Dispatching is copied from the policy. "
		    "Stored, but not acted on by Tugboat yet."),
	TB_F("preserveResourcesOnDeletion", TB_FT_OPTBOOL, 0, struct tb_binding_spec,
	     preserve_resources_on_deletion,
	     .doc = "Keep the propagated resources in the member clusters when the binding is "
		    "deleted; from the policy."),
	TB_F("schedulePriority", TB_FT_OBJECT, TB_FF_PTR, struct tb_binding_spec,
	     schedule_priority, .sub = &priority_schema,
	     .doc = "Priority of the binding in the scheduling queue. "
		    "Stored, but not acted on by Tugboat yet."),
	TB_F_END
};

static const struct tb_schema spec_schema = {
	"ResourceBindingSpec", sizeof(struct tb_binding_spec), spec_fields,
	"The desired state of a binding: clusters is written by the scheduler, most of the rest "
	"copied from the template and its policy."
};

static const struct tb_field aggregated_fields[] = {
	TB_F("clusterName", TB_FT_STRING, TB_FF_REQUIRED, struct tb_aggregated_item, cluster_name,
	     .doc = "The member cluster this entry is about."),
	TB_F("status", TB_FT_RAW, TB_FF_OBJONLY, struct tb_aggregated_item, status,
	     .doc = "The resource's status as reported by that cluster, kept as given."),
	TB_F("applied", TB_FT_BOOL, 0, struct tb_aggregated_item, applied,
	     .doc = "Whether the resource was applied to that cluster successfully."),
	TB_F("appliedMessage", TB_FT_STRING, 0, struct tb_aggregated_item, applied_message,
	     .doc = "Details about the apply, usually the error when it failed."),
	TB_F("health", TB_FT_STRING, 0, struct tb_aggregated_item, health,
	     .enums = tb_health_values,
	     .doc = "Health of the resource in that cluster: Healthy, Unhealthy or Unknown."),
	TB_F_END
};

static const struct tb_schema aggregated_schema = {
	"AggregatedStatusItem", sizeof(struct tb_aggregated_item), aggregated_fields,
	"The state of the resource in one member cluster."
};

static const struct tb_field status_fields[] = {
	TB_F("schedulerObservedGeneration", TB_FT_INT, 0, struct tb_binding_status,
	     scheduler_observed_generation,
	     .doc = "The metadata.generation the scheduler last handled; lower than the generation "
		    "means scheduling is pending."),
	TB_F("schedulerObservingAffinityName", TB_FT_STRING, 0, struct tb_binding_status,
	     scheduler_observing_affinity_name,
	     .doc = "The clusterAffinities term the current placement is based on."),
	TB_F("lastScheduledTime", TB_FT_TIME, 0, struct tb_binding_status, last_scheduled_time,
	     .doc = "When the scheduler last scheduled the binding successfully."),
	TB_F("conditions", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_binding_status, conditions,
	     .sub = &tb_condition_schema,
	     .doc = "Conditions: Scheduled (False with reason NoClusterFit when no cluster fits) "
		    "and FullyApplied (applied to every target cluster)."),
	TB_F("aggregatedStatus", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_binding_status,
	     aggregated_status, .sub = &aggregated_schema,
	     .doc = "The resource's status in each target cluster."),
	TB_F_END
};

static const struct tb_schema status_schema = {
	"ResourceBindingStatus", sizeof(struct tb_binding_status), status_fields,
	"The observed state of a binding, written by the scheduler and the status controllers."
};

static const struct tb_field binding_fields[] = {
	TB_F("apiVersion", TB_FT_STRING, 0, struct tb_binding, api_version,
	     .doc = "Versioned schema of this object: work.karmada.io/v1alpha2."),
	TB_F("kind", TB_FT_STRING, 0, struct tb_binding, kind,
	     .doc = "ResourceBinding or ClusterResourceBinding."),
	TB_F("metadata", TB_FT_OBJECT, TB_FF_KEEPZERO, struct tb_binding, metadata,
	     .sub = &tb_meta_schema,
	     .doc = "Standard object metadata. A binding made by Tugboat is named <template "
		    "name>-<kind> and owned by its template."),
	TB_F("spec", TB_FT_OBJECT, TB_FF_REQUIRED | TB_FF_KEEPZERO, struct tb_binding, spec,
	     .sub = &spec_schema,
	     .doc = "The template, what it needs, and where it is placed."),
	TB_F("status", TB_FT_OBJECT, 0, struct tb_binding, status, .sub = &status_schema,
	     .doc = "The scheduling result and the resource's state in each cluster."),
	TB_F_END
};

const struct tb_schema tb_binding_schema = {
	"ResourceBinding", sizeof(struct tb_binding), binding_fields,
	"Binds a resource template to the member clusters chosen for it."
};

/* ---- defaults and validation -------------------------------------------------------- */

int64_t tb_binding_wanted(const struct tb_binding *b)
{
	int64_t n = 0;

	for (size_t i = 0; i < b->spec.clusters.n; i++)
		n += b->spec.clusters.v[i].replicas;
	return n;
}

const struct tb_aggregated_item *tb_binding_status_of(const struct tb_binding *b,
						      const char *cluster)
{
	for (size_t k = 0; k < b->status.aggregated_status.n; k++) {
		const struct tb_aggregated_item *it = &b->status.aggregated_status.v[k];

		if (it->cluster_name && !strcmp(it->cluster_name, cluster))
			return it;
	}
	return NULL;
}

int64_t tb_binding_ready_on(const struct tb_binding *b, const char *cluster)
{
	const struct tb_aggregated_item *it = tb_binding_status_of(b, cluster);
	const json_t *r = it ? json_object_get(it->status, "readyReplicas") : NULL;

	return json_is_integer(r) ? json_integer_value(r) : 0;
}

void tb_binding_default(struct tb_binding *b)
{
	/* CRD defaults of v1.13's ResourceBinding schema. */
	if (!b->spec.conflict_resolution)
		b->spec.conflict_resolution = tb_strdup("Abort");
	if (b->spec.failover && b->spec.failover->application) {
		struct tb_app_failover *af = b->spec.failover->application;
		if (!af->decision_conditions.toleration_seconds.set) {
			af->decision_conditions.toleration_seconds.set = true;
			af->decision_conditions.toleration_seconds.v = 300;
		}
		if (!af->purge_mode)
			af->purge_mode = tb_strdup("Graciously");
	}
}

/* The CRD pattern for reasons: ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$ */
static bool valid_reason(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return false;
	for (i = 1; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (c >= '0' && c <= '9') || c == '_';
		if (!ok && (i == n - 1 || (c != ',' && c != ':')))
			return false;
	}
	return true;
}

static void binding_name_check(struct tb_errs *e, const struct tb_path *p, const char *name)
{
	tb_check_dns1123_subdomain(e, p, name);
}

void tb_binding_validate(const struct tb_binding *b, bool namespaced, struct tb_errs *e)
{
	const struct tb_binding_spec *s = &b->spec;
	struct tb_strbuf sb = TB_STRBUF_INIT;
	struct tb_path p = TB_PATH_INIT;
	size_t i, j, mark, m2;

	tb_path_field(&p, "metadata");
	tb_meta_validate(&b->metadata, namespaced, binding_name_check, &p, e);
	tb_path_set(&p, "spec");
	if (s->replicas < 0) {
		mark = tb_path_field(&p, "replicas");
		tb_errs_invalid_int(e, &p, s->replicas, "must be greater than or equal to 0");
		tb_path_pop(&p, mark);
	}
	mark = tb_path_field(&p, "clusters");
	for (i = 0; i < s->clusters.n; i++) {
		const struct tb_target_cluster *t = &s->clusters.v[i];
		m2 = tb_path_index(&p, i);
		if (t->replicas < 0) {
			tb_path_field(&p, "replicas");
			tb_errs_invalid_int(e, &p, t->replicas, "must be greater than or equal to 0");
		}
		tb_path_pop(&p, m2);
		for (j = 0; j < i && t->name; j++) {
			if (s->clusters.v[j].name && !strcmp(s->clusters.v[j].name, t->name)) {
				m2 = tb_path_index(&p, i);
				tb_path_field(&p, "name");
				tb_strbuf_reset(&sb);
				tb_strbuf_addquoted(&sb, t->name);
				tb_errs_duplicate(e, &p, sb.buf, NULL);
				tb_path_pop(&p, m2);
				break;
			}
		}
	}
	tb_path_pop(&p, mark);
	if (s->placement) {
		mark = tb_path_field(&p, "placement");
		tb_placement_validate(s->placement, &p, e);
		tb_path_pop(&p, mark);
	}
	mark = tb_path_field(&p, "gracefulEvictionTasks");
	for (i = 0; i < s->graceful_eviction_tasks.n; i++) {
		const struct tb_eviction_task *t = &s->graceful_eviction_tasks.v[i];
		m2 = tb_path_index(&p, i);
		if (t->reason && *t->reason) {
			size_t m3 = tb_path_field(&p, "reason");
			if (strlen(t->reason) > 32)
				tb_errs_too_long(e, &p, 32);
			else if (!valid_reason(t->reason))
				tb_errs_invalid_str(e, &p, t->reason, "must match the pattern "
						    "'^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$'");
			tb_path_pop(&p, m3);
		}
		if (t->message && strlen(t->message) > 1024) {
			size_t m3 = tb_path_field(&p, "message");
			tb_errs_too_long(e, &p, 1024);
			tb_path_pop(&p, m3);
		}
		for (j = 0; j < i && t->from_cluster; j++) {
			const char *o = s->graceful_eviction_tasks.v[j].from_cluster;
			if (o && !strcmp(o, t->from_cluster)) {
				size_t m3 = tb_path_field(&p, "fromCluster");
				tb_strbuf_reset(&sb);
				tb_strbuf_addquoted(&sb, t->from_cluster);
				tb_errs_duplicate(e, &p, sb.buf, "a cluster has at most one "
						  "graceful eviction task");
				tb_path_pop(&p, m3);
				break;
			}
		}
		tb_path_pop(&p, m2);
	}
	tb_path_pop(&p, mark);
	mark = tb_path_field(&p, "failover");
	tb_failover_validate(s->failover, &p, e);
	tb_path_pop(&p, mark);
	tb_strbuf_release(&sb);
}
