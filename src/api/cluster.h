/* Cluster (cluster.karmada.io/v1alpha1): a member cluster as Karmada describes
 * it. Schema, defaulting (Karmada's cluster strategy: NoExecute taints get a
 * timeAdded, zone migrates to zones) and validation (Karmada's ValidateCluster). */
#ifndef TB_CLUSTER_H
#define TB_CLUSTER_H

#include "api/meta.h"

struct tb_secret_ref {
	char *namespace_;
	char *name;
};

struct tb_model_range {
	char *name;
	struct tb_quantity min;
	struct tb_quantity max;
};

struct tb_resource_model {
	int64_t grade;
	TB_VEC(struct tb_model_range) ranges;
};

struct tb_cluster_spec {
	char *id;
	char *sync_mode;		/* Push | Pull */
	char *api_endpoint;
	struct tb_secret_ref *secret_ref;
	struct tb_secret_ref *impersonator_secret_ref;
	bool insecure_skip_tls_verification;
	char *proxy_url;
	struct tb_strmap proxy_header;
	char *provider;
	char *region;
	char *zone;
	TB_VEC(char *) zones;
	TB_VEC(struct tb_taint) taints;
	TB_VEC(struct tb_resource_model) resource_models;
};

struct tb_api_resource {
	char *name;
	char *kind;
};

struct tb_api_enablement {
	char *group_version;
	TB_VEC(struct tb_api_resource) resources;
};

struct tb_node_summary {
	int64_t total_num;
	int64_t ready_num;
};

struct tb_allocatable_modeling {
	int64_t grade;
	int64_t count;
};

struct tb_resource_summary {
	struct tb_reslist allocatable;
	struct tb_reslist allocating;
	struct tb_reslist allocated;
	TB_VEC(struct tb_allocatable_modeling) allocatable_modelings;
};

struct tb_cluster_status {
	char *kubernetes_version;
	TB_VEC(struct tb_api_enablement) api_enablements;
	TB_VEC(struct tb_condition) conditions;
	struct tb_node_summary *node_summary;
	struct tb_resource_summary *resource_summary;
	TB_VEC(char *) remedy_actions;
};

struct tb_cluster {
	char *api_version;
	char *kind;
	struct tb_meta metadata;
	struct tb_cluster_spec spec;
	struct tb_cluster_status status;
};

extern const struct tb_schema tb_cluster_schema;

/* now_ms stamps NoExecute taints that have no timeAdded. */
void tb_cluster_default(struct tb_cluster *c, int64_t now_ms);
void tb_cluster_validate(const struct tb_cluster *c, struct tb_errs *e);
/* Karmada's ValidateClusterName: a DNS-1123 label of at most 48 characters
 * (the execution namespace karmada-es-<name> must stay a valid label). */
void tb_cluster_check_name(struct tb_errs *e, const struct tb_path *p, const char *name);

#endif
