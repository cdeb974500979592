/* Work (work.karmada.io/v1alpha1): the manifests to apply to one member
 * cluster, living in that cluster's execution namespace karmada-es-<cluster>. */
#ifndef TB_WORK_H
#define TB_WORK_H

#include "api/meta.h"

struct tb_workload {
	TB_VEC(json_t *) manifests;
};

struct tb_work_spec {
	struct tb_workload *workload;
	struct tb_optbool suspend_dispatching;
	struct tb_optbool preserve_resources_on_deletion;
};

struct tb_resource_identifier {
	int64_t ordinal;
	char *group;
	char *version;
	char *kind;
	char *resource;
	char *namespace_;
	char *name;
};

struct tb_manifest_status {
	struct tb_resource_identifier identifier;
	json_t *status;
	char *health;
};

struct tb_work_status {
	TB_VEC(struct tb_condition) conditions;
	TB_VEC(struct tb_manifest_status) manifest_statuses;
};

struct tb_work {
	char *api_version;
	char *kind;
	struct tb_meta metadata;
	struct tb_work_spec spec;
	struct tb_work_status status;
};

#define TB_EXECUTION_NS_PREFIX "karmada-es-"

extern const struct tb_schema tb_work_schema;

void tb_work_validate(const struct tb_work *w, struct tb_errs *e);

#endif
