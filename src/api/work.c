/* Work: schema and validation. Manifests stay JSON; each must at least be an
 * object a member API server could accept (apiVersion, kind, metadata.name). */
#include "api/work.h"
#include "api/binding.h"
#include "api/names.h"

#include <string.h>

static const struct tb_field workload_fields[] = {
	TB_F("manifests", TB_FT_RAW, TB_FF_ARRAY | TB_FF_OBJONLY, struct tb_workload, manifests),
	TB_F_END
};

static const struct tb_schema workload_schema = {
	"WorkloadTemplate", sizeof(struct tb_workload), workload_fields, NULL
};

static const struct tb_field spec_fields[] = {
	TB_F("workload", TB_FT_OBJECT, TB_FF_PTR, struct tb_work_spec, workload,
	     .sub = &workload_schema),
	TB_F("suspendDispatching", TB_FT_OPTBOOL, 0, struct tb_work_spec, suspend_dispatching),
	TB_F("preserveResourcesOnDeletion", TB_FT_OPTBOOL, 0, struct tb_work_spec,
	     preserve_resources_on_deletion),
	TB_F_END
};

static const struct tb_schema spec_schema = {
	"WorkSpec", sizeof(struct tb_work_spec), spec_fields, NULL
};

static const struct tb_field identifier_fields[] = {
	TB_F("ordinal", TB_FT_INT, TB_FF_REQUIRED | TB_FF_KEEPZERO, struct tb_resource_identifier,
	     ordinal),
	TB_F("group", TB_FT_STRING, TB_FF_KEEPZERO, struct tb_resource_identifier, group),
	TB_F("version", TB_FT_STRING, TB_FF_REQUIRED, struct tb_resource_identifier, version),
	TB_F("kind", TB_FT_STRING, TB_FF_REQUIRED, struct tb_resource_identifier, kind),
	TB_F("resource", TB_FT_STRING, TB_FF_REQUIRED, struct tb_resource_identifier, resource),
	TB_F("namespace", TB_FT_STRING, 0, struct tb_resource_identifier, namespace_),
	TB_F("name", TB_FT_STRING, TB_FF_REQUIRED, struct tb_resource_identifier, name),
	TB_F_END
};

static const struct tb_schema identifier_schema = {
	"ResourceIdentifier", sizeof(struct tb_resource_identifier), identifier_fields, NULL
};

static const struct tb_field manifest_status_fields[] = {
	TB_F("identifier", TB_FT_OBJECT, TB_FF_REQUIRED | TB_FF_KEEPZERO,
	     struct tb_manifest_status, identifier, .sub = &identifier_schema),
	TB_F("status", TB_FT_RAW, TB_FF_OBJONLY, struct tb_manifest_status, status),
	TB_F("health", TB_FT_STRING, 0, struct tb_manifest_status, health,
	     .enums = tb_health_values),
	TB_F_END
};

static const struct tb_schema manifest_status_schema = {
	"ManifestStatus", sizeof(struct tb_manifest_status), manifest_status_fields, NULL
};

static const struct tb_field status_fields[] = {
	TB_F("conditions", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_work_status, conditions,
	     .sub = &tb_condition_schema),
	TB_F("manifestStatuses", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_work_status,
	     manifest_statuses, .sub = &manifest_status_schema),
	TB_F_END
};

static const struct tb_schema status_schema = {
	"WorkStatus", sizeof(struct tb_work_status), status_fields, NULL
};

static const struct tb_field work_fields[] = {
	TB_F("apiVersion", TB_FT_STRING, 0, struct tb_work, api_version),
	TB_F("kind", TB_FT_STRING, 0, struct tb_work, kind),
	TB_F("metadata", TB_FT_OBJECT, TB_FF_KEEPZERO, struct tb_work, metadata,
	     .sub = &tb_meta_schema),
	TB_F("spec", TB_FT_OBJECT, TB_FF_REQUIRED | TB_FF_KEEPZERO, struct tb_work, spec,
	     .sub = &spec_schema),
	TB_F("status", TB_FT_OBJECT, 0, struct tb_work, status, .sub = &status_schema),
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
