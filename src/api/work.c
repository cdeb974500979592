/* Work: schema and validation. Manifests stay JSON; each must at least be an
 * object a member API server could accept (apiVersion, kind, metadata.name). */
#include "api/work.h"
#include "api/binding.h"
#include "api/names.h"

#include <string.h>

static const struct tb_field workload_fields[] = {
	TB_F("manifests", TB_FT_RAW, TB_FF_ARRAY | TB_FF_OBJONLY, struct tb_workload, manifests,
	     .doc = "Complete objects to apply to the member cluster; each needs apiVersion, kind "
		    "and metadata.name."),
	TB_F_END
};

static const struct tb_schema workload_schema = {
	"WorkloadTemplate", sizeof(struct tb_workload), workload_fields,
	"A list of manifests, each a complete object."
};

static const struct tb_field spec_fields[] = {
	TB_F("workload", TB_FT_OBJECT, TB_FF_PTR, struct tb_work_spec, workload,
	     .sub = &workload_schema,
	     .doc = "The manifests to apply to the member cluster."),
	TB_F("suspendDispatching", TB_FT_OPTBOOL, 0, struct tb_work_spec, suspend_dispatching,
	     .doc = "true stops applying this Work to its cluster; status is still collected. "
		    "Absent means not suspended."),
	TB_F("preserveResourcesOnDeletion", TB_FT_OPTBOOL, 0, struct tb_work_spec,
	     preserve_resources_on_deletion,
	     .doc = "Keep the applied resources in the member cluster when the Work is deleted; "
		    "default false."),
	TB_F_END
};

static const struct tb_schema spec_schema = {
	"WorkSpec", sizeof(struct tb_work_spec), spec_fields,
	"The desired state of a Work: its manifests and dispatch options."
};

static const struct tb_field identifier_fields[] = {
	TB_F("ordinal", TB_FT_INT, TB_FF_REQUIRED | TB_FF_KEEPZERO, struct tb_resource_identifier,
	     ordinal,
	     .doc = "Index of the manifest in spec.workload.manifests, so a status can be matched "
		    "even to a manifest that could not be parsed."),
	TB_F("group", TB_FT_STRING, TB_FF_KEEPZERO, struct tb_resource_identifier, group,
	     .doc = "API group of the resource; empty for the core group."),
	TB_F("version", TB_FT_STRING, TB_FF_REQUIRED, struct tb_resource_identifier, version,
	     .doc = "API version of the resource, e.g. v1."),
	TB_F("kind", TB_FT_STRING, TB_FF_REQUIRED, struct tb_resource_identifier, kind,
	     .doc = "Kind of the resource."),
	TB_F("resource", TB_FT_STRING, TB_FF_REQUIRED, struct tb_resource_identifier, resource,
	     .doc = "Plural resource name, e.g. deployments."),
	TB_F("namespace", TB_FT_STRING, 0, struct tb_resource_identifier, namespace_,
	     .doc = "Namespace of the resource; empty for a cluster-scoped resource."),
	TB_F("name", TB_FT_STRING, TB_FF_REQUIRED, struct tb_resource_identifier, name,
	     .doc = "Name of the resource."),
	TB_F_END
};

static const struct tb_schema identifier_schema = {
	"ResourceIdentifier", sizeof(struct tb_resource_identifier), identifier_fields,
	"The index of a manifest, and the group, version, kind, namespace and name of its resource."
};

static const struct tb_field manifest_status_fields[] = {
	TB_F("identifier", TB_FT_OBJECT, TB_FF_REQUIRED | TB_FF_KEEPZERO,
	     struct tb_manifest_status, identifier, .sub = &identifier_schema,
	     .doc = "Which manifest and resource this status is about."),
	TB_F("status", TB_FT_RAW, TB_FF_OBJONLY, struct tb_manifest_status, status,
	     .doc = "The resource's status in the member cluster, kept as given."),
	TB_F("health", TB_FT_STRING, 0, struct tb_manifest_status, health,
	     .enums = tb_health_values,
	     .doc = "Health of the resource: Healthy, Unhealthy or Unknown."),
	TB_F_END
};

static const struct tb_schema manifest_status_schema = {
	"ManifestStatus", sizeof(struct tb_manifest_status), manifest_status_fields,
	"The state of one manifest's resource in the member cluster."
};

static const struct tb_field status_fields[] = {
	TB_F("conditions", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_work_status, conditions,
	     .sub = &tb_condition_schema,
	     .doc = "Conditions: Applied, Progressing, Available, Degraded and Dispatching."),
	TB_F("manifestStatuses", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_work_status,
	     manifest_statuses, .sub = &manifest_status_schema,
	     .doc = "Status of the resource of each manifest in the member cluster."),
	TB_F_END
};

static const struct tb_schema status_schema = {
	"WorkStatus", sizeof(struct tb_work_status), status_fields,
	"The observed state of a Work."
};

static const struct tb_field work_fields[] = {
	TB_F("apiVersion", TB_FT_STRING, 0, struct tb_work, api_version,
	     .doc = "Versioned schema of this object: work.karmada.io/v1alpha1."),
	TB_F("kind", TB_FT_STRING, 0, struct tb_work, kind,
	     .doc = "Work."),
	TB_F("metadata", TB_FT_OBJECT, TB_FF_KEEPZERO, struct tb_work, metadata,
	     .sub = &tb_meta_schema,
	     .doc = "Standard object metadata. Works live in their cluster's execution namespace, "
		    "karmada-es-<cluster>."),
	TB_F("spec", TB_FT_OBJECT, TB_FF_REQUIRED | TB_FF_KEEPZERO, struct tb_work, spec,
	     .sub = &spec_schema,
	     .doc = "The manifests to apply to the member cluster."),
	TB_F("status", TB_FT_OBJECT, 0, struct tb_work, status, .sub = &status_schema,
	     .doc = "The state of the applied manifests in the member cluster."),
	TB_F_END
};

const struct tb_schema tb_work_schema = {
	"Work", sizeof(struct tb_work), work_fields,
	"The manifests to apply to one member cluster."
};

static void work_name_check(struct tb_errs *e, const struct tb_path *p, const char *name)
{
	tb_check_dns1123_subdomain(e, p, name);
}

void tb_work_validate(const struct tb_work *w, struct tb_errs *e)
{
	struct tb_path p = TB_PATH_INIT;
	size_t i, mark;
	json_t *m, *md, *name;

	tb_path_field(&p, "metadata");
	tb_meta_validate(&w->metadata, true, work_name_check, &p, e);
	tb_path_set(&p, "spec.workload.manifests");
	for (i = 0; w->spec.workload && i < w->spec.workload->manifests.n; i++) {
		m = w->spec.workload->manifests.v[i];
		if (!m)
			continue;
		mark = tb_path_index(&p, i);
		if (!json_is_string(json_object_get(m, "apiVersion"))) {
			size_t m2 = tb_path_field(&p, "apiVersion");
			tb_errs_required(e, &p, NULL);
			tb_path_pop(&p, m2);
		}
		if (!json_is_string(json_object_get(m, "kind"))) {
			size_t m2 = tb_path_field(&p, "kind");
			tb_errs_required(e, &p, NULL);
			tb_path_pop(&p, m2);
		}
		md = json_object_get(m, "metadata");
		name = md ? json_object_get(md, "name") : NULL;
		if (!json_is_string(name) || !*json_string_value(name)) {
			size_t m2 = tb_path_field(&p, "metadata");
			tb_path_field(&p, "name");
			tb_errs_required(e, &p, NULL);
			tb_path_pop(&p, m2);
		}
		tb_path_pop(&p, mark);
	}
}
