/* Cluster: schema, defaults and validation as Karmada's cluster API does them.
 * Pure: the caller passes the time used for taint stamps. */
#include "api/cluster.h"
#include "api/names.h"
#include "lib/mem.h"

#include <stdio.h>
#include <string.h>

static const char *const sync_modes[] = { "Pull", "Push", NULL };

static const struct tb_field secret_ref_fields[] = {
	TB_F("namespace", TB_FT_STRING, TB_FF_KEEPZERO, struct tb_secret_ref, namespace_,
	     .doc = "Namespace of the Secret; required."),
	TB_F("name", TB_FT_STRING, TB_FF_KEEPZERO, struct tb_secret_ref, name,
	     .doc = "Name of the Secret; required."),
	TB_F_END
};

static const struct tb_schema secret_ref_schema = {
	"LocalSecretReference", sizeof(struct tb_secret_ref), secret_ref_fields,
	"A Secret in the control plane, by namespace and name."
};

static const struct tb_field model_range_fields[] = {
	TB_F("name", TB_FT_STRING, TB_FF_REQUIRED, struct tb_model_range, name,
	     .doc = "Resource the range is about: cpu, memory, storage or ephemeral-storage."),
	TB_F("min", TB_FT_QUANTITY, TB_FF_REQUIRED, struct tb_model_range, min,
	     .doc = "Lower bound, inclusive; 0 in the first grade."),
	TB_F("max", TB_FT_QUANTITY, TB_FF_REQUIRED, struct tb_model_range, max,
	     .doc = "Upper bound, exclusive: above min and equal to the next grade's min. In the "
		    "last grade it must be 9223372036854775807 (no bound)."),
	TB_F_END
};

static const struct tb_schema model_range_schema = {
	"ResourceModelRange", sizeof(struct tb_model_range), model_range_fields,
	"The interval [min, max) of one resource for a grade of node sizes."
};

static const struct tb_field model_fields[] = {
	TB_F("grade", TB_FT_INT, TB_FF_KEEPZERO | TB_FF_MIN, struct tb_resource_model, grade,
	     .min = 0,
	     .doc = "Index of the grade, at least 0 and unique among the models."),
	TB_F("ranges", TB_FT_OBJECT, TB_FF_ARRAY | TB_FF_REQUIRED | TB_FF_KEEPZERO,
	     struct tb_resource_model, ranges, .sub = &model_range_schema,
	     .doc = "One range per resource; every grade lists the same resources in the same "
		    "order."),
	TB_F_END
};

static const struct tb_schema model_schema = {
	"ResourceModel", sizeof(struct tb_resource_model), model_fields,
	"One grade of node sizes: a node belongs to it when its allocatable resources fall in all "
	"the ranges."
};

static const struct tb_field spec_fields[] = {
	TB_F("id", TB_FT_STRING, 0, struct tb_cluster_spec, id,
	     .doc = "Unique identifier of the member cluster, usually collected when it joins (the "
		    "UID of its kube-system namespace); not metadata.uid."),
	TB_F("syncMode", TB_FT_STRING, TB_FF_KEEPZERO, struct tb_cluster_spec, sync_mode,
	     .doc = "Push: the control plane applies resources to the cluster. Pull: an agent in "
		    "the cluster fetches and applies them. Required."),
	TB_F("apiEndpoint", TB_FT_STRING, 0, struct tb_cluster_spec, api_endpoint,
	     .doc = "URL of the cluster's API server, e.g. https://10.0.0.1:6443: scheme and host, "
		    "no user info, query or fragment."),
	TB_F("secretRef", TB_FT_OBJECT, TB_FF_PTR, struct tb_cluster_spec, secret_ref,
	     .sub = &secret_ref_schema,
	     .doc = "Secret in the control plane with the credentials to reach the cluster (keys "
		    "token and caBundle)."),
	TB_F("impersonatorSecretRef", TB_FT_OBJECT, TB_FF_PTR, struct tb_cluster_spec,
	     impersonator_secret_ref, .sub = &secret_ref_schema,
	     .doc = "Secret with the token used to impersonate users on the cluster (key token)."),
	TB_F("insecureSkipTLSVerification", TB_FT_BOOL, 0, struct tb_cluster_spec,
	     insecure_skip_tls_verification,
	     .doc = "Do not verify the certificate of the cluster's API server, making the "
		    "connection insecure; default false."),
	TB_F("proxyURL", TB_FT_STRING, 0, struct tb_cluster_spec, proxy_url,
	     .doc = "Proxy through which the cluster is reached: an http, https or socks5 URL."),
	TB_F("proxyHeader", TB_FT_STRMAP, 0, struct tb_cluster_spec, proxy_header,
	     .doc = "HTTP headers to send to the proxy; several values of one header are "
		    "comma-separated."),
	TB_F("provider", TB_FT_STRING, 0, struct tb_cluster_spec, provider,
	     .doc = "Cloud provider of the cluster, a label value; fieldSelector and "
		    "spreadConstraints can use it."),
	TB_F("region", TB_FT_STRING, 0, struct tb_cluster_spec, region,
	     .doc = "Region of the cluster, a label value; fieldSelector and spreadConstraints can "
		    "use it."),
	TB_F("zone", TB_FT_STRING, 0, struct tb_cluster_spec, zone,
	     .doc = "Deprecated: use zones. Given alone it is moved into zones; cannot be used "
		    "together with zones."),
	TB_F("zones", TB_FT_STRING, TB_FF_ARRAY, struct tb_cluster_spec, zones,
	     .doc = "Failure zones the cluster spans, label values; fieldSelector and "
		    "spreadConstraints can use them."),
	TB_F("taints", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_cluster_spec, taints,
	     .sub = &tb_taint_schema,
	     .doc = "Taints of the cluster. The control plane adds cluster.karmada.io/not-ready or "
		    "cluster.karmada.io/unreachable to failing clusters; ClusterTaintPolicies add "
		    "their own."),
	TB_F("resourceModels", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_cluster_spec,
	     resource_models, .sub = &model_schema,
	     .doc = "Grades of node sizes; with status allocatableModelings the scheduler "
		    "estimates from them how many replicas fit. The intervals must be contiguous "
		    "from 0."),
	TB_F_END
};

static const struct tb_schema spec_schema = {
	"ClusterSpec", sizeof(struct tb_cluster_spec), spec_fields,
	"How to reach a member cluster and what it offers."
};

static const struct tb_field api_resource_fields[] = {
	TB_F("name", TB_FT_STRING, TB_FF_REQUIRED, struct tb_api_resource, name,
	     .doc = "Plural name of the resource, e.g. deployments."),
	TB_F("kind", TB_FT_STRING, TB_FF_REQUIRED, struct tb_api_resource, kind,
	     .doc = "Kind of the resource, e.g. Deployment."),
	TB_F_END
};

static const struct tb_schema api_resource_schema = {
	"APIResource", sizeof(struct tb_api_resource), api_resource_fields,
	"A resource a member cluster serves."
};

static const struct tb_field api_enablement_fields[] = {
	TB_F("groupVersion", TB_FT_STRING, TB_FF_REQUIRED, struct tb_api_enablement,
	     group_version,
	     .doc = "API group and version, e.g. apps/v1 (v1 for the core group)."),
	TB_F("resources", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_api_enablement, resources,
	     .sub = &api_resource_schema,
	     .doc = "The resources served in that group and version."),
	TB_F_END
};

static const struct tb_schema api_enablement_schema = {
	"APIEnablement", sizeof(struct tb_api_enablement), api_enablement_fields,
	"The resources a member cluster serves in one group-version."
};

static const struct tb_field node_summary_fields[] = {
	TB_F("totalNum", TB_FT_INT, TB_FF_INT32, struct tb_node_summary, total_num,
	     .doc = "Number of nodes in the cluster."),
	TB_F("readyNum", TB_FT_INT, TB_FF_INT32, struct tb_node_summary, ready_num,
	     .doc = "Number of nodes that are Ready."),
	TB_F_END
};

static const struct tb_schema node_summary_schema = {
	"NodeSummary", sizeof(struct tb_node_summary), node_summary_fields,
	"A summary of the nodes of a member cluster."
};

static const struct tb_field modeling_fields[] = {
	TB_F("grade", TB_FT_INT, TB_FF_KEEPZERO | TB_FF_MIN, struct tb_allocatable_modeling,
	     grade, .min = 0,
	     .doc = "The grade of spec.resourceModels counted."),
	TB_F("count", TB_FT_INT, TB_FF_KEEPZERO, struct tb_allocatable_modeling, count,
	     .doc = "Number of nodes whose allocatable resources fall in that grade."),
	TB_F_END
};

static const struct tb_schema modeling_schema = {
	"AllocatableModeling", sizeof(struct tb_allocatable_modeling), modeling_fields,
	"How many nodes of a member cluster fall in one resource model grade."
};

static const struct tb_field resource_summary_fields[] = {
	TB_F("allocatable", TB_FT_RESLIST, 0, struct tb_resource_summary, allocatable,
	     .doc = "Resources of all nodes available to pods, summed."),
	TB_F("allocating", TB_FT_RESLIST, 0, struct tb_resource_summary, allocating,
	     .doc = "Resources requested by pods still waiting to be scheduled."),
	TB_F("allocated", TB_FT_RESLIST, 0, struct tb_resource_summary, allocated,
	     .doc = "Resources requested by pods already scheduled to nodes. The free amount is "
		    "allocatable - allocated - allocating."),
	TB_F("allocatableModelings", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_resource_summary,
	     allocatable_modelings, .sub = &modeling_schema,
	     .doc = "Node counts per grade of spec.resourceModels; with them the replica estimate "
		    "uses the models instead of the totals."),
	TB_F_END
};

static const struct tb_schema resource_summary_schema = {
	"ResourceSummary", sizeof(struct tb_resource_summary), resource_summary_fields,
	"Allocatable, allocated and allocating resources summed over a member cluster's nodes."
};

static const struct tb_field status_fields[] = {
	TB_F("kubernetesVersion", TB_FT_STRING, 0, struct tb_cluster_status, kubernetes_version,
	     .doc = "Kubernetes version of the member cluster."),
	TB_F("apiEnablements", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_cluster_status,
	     api_enablements, .sub = &api_enablement_schema,
	     .doc = "The APIs the cluster serves. Tugboat keeps a template off the cluster only "
		    "when CompleteAPIEnablements is True and the template's kind is missing."),
	TB_F("conditions", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_cluster_status, conditions,
	     .sub = &tb_condition_schema,
	     .doc = "Conditions: Ready (the cluster is healthy and takes workloads) and "
		    "CompleteAPIEnablements (apiEnablements is complete)."),
	TB_F("nodeSummary", TB_FT_OBJECT, TB_FF_PTR, struct tb_cluster_status, node_summary,
	     .sub = &node_summary_schema,
	     .doc = "How many nodes the cluster has, and how many are Ready."),
	TB_F("resourceSummary", TB_FT_OBJECT, TB_FF_PTR, struct tb_cluster_status,
	     resource_summary, .sub = &resource_summary_schema,
	     .doc = "Resource totals used to estimate how many replicas fit; a cluster without "
		    "them is estimated to fit none."),
	TB_F("remedyActions", TB_FT_STRING, TB_FF_ARRAY, struct tb_cluster_status,
	     remedy_actions,
	     .doc = "Remedy actions to perform on the cluster, from Karmada's Remedy policies "
		    "(e.g. TrafficControl)."),
	TB_F_END
};

static const struct tb_schema status_schema = {
	"ClusterStatus", sizeof(struct tb_cluster_status), status_fields,
	"The observed state of a member cluster."
};

static const struct tb_field cluster_fields[] = {
	TB_F("apiVersion", TB_FT_STRING, 0, struct tb_cluster, api_version,
	     .doc = "Versioned schema of this object: cluster.karmada.io/v1alpha1."),
	TB_F("kind", TB_FT_STRING, 0, struct tb_cluster, kind,
	     .doc = "Cluster."),
	TB_F("metadata", TB_FT_OBJECT, TB_FF_KEEPZERO, struct tb_cluster, metadata,
	     .sub = &tb_meta_schema,
	     .doc = "Standard object metadata. The name, a DNS-1123 label of at most 48 "
		    "characters, is how placements refer to the cluster."),
	TB_F("spec", TB_FT_OBJECT, TB_FF_KEEPZERO, struct tb_cluster, spec, .sub = &spec_schema,
	     .doc = "Connection settings, location, taints and resource models of the member "
		    "cluster."),
	TB_F("status", TB_FT_OBJECT, 0, struct tb_cluster, status, .sub = &status_schema,
	     .doc = "Written by the control plane from what it observes of the cluster: health, "
		    "APIs, nodes and resources."),
	TB_F_END
};

const struct tb_schema tb_cluster_schema = {
	"Cluster", sizeof(struct tb_cluster), cluster_fields,
	"A member cluster joined to the control plane."
};

/* ---- defaults ---------------------------------------------------------------------- */

void tb_cluster_default(struct tb_cluster *c, int64_t now_ms)
{
	struct tb_cluster_spec *s = &c->spec;
	size_t i;

	for (i = 0; i < s->taints.n; i++)
		if (s->taints.v[i].effect && !strcmp(s->taints.v[i].effect, "NoExecute") &&
		    !s->taints.v[i].time_added)
			s->taints.v[i].time_added = now_ms;
	if (s->zone && *s->zone && !s->zones.n) {
		tb_strvec_push(&s->zones, s->zone);
		tb_free(s->zone);
		s->zone = NULL;
	}
}

/* ---- validation ------------------------------------------------------------------- */

void tb_cluster_check_name(struct tb_errs *e, const struct tb_path *p, const char *name)
{
	if (!*name)
		tb_errs_invalid_str(e, p, name, "must be not empty");
	else if (strlen(name) > 48)
		tb_errs_invalid_str(e, p, name, "must be no more than 48 characters");
	else
		tb_check_dns1123_label(e, p, name);
}

/* url.Parse-level checks on apiEndpoint, as Karmada's ValidateClusterAPIEndpoint. */
static void validate_endpoint(const char *u, struct tb_path *p, struct tb_errs *e)
{
	static const char form[] = "; desired format: hostname, hostname:port, IP or IP:port";
	const char *host, *end, *at;

	host = strstr(u, "://");
	if (!host) {
		tb_errs_invalid_str(e, p, u, "host must be provided%s", form);
		return;
	}
	host += 3;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (at) {
		tb_errs_invalid_raw(e, p, "\"<redacted>\"", "user information is not "
				    "permitted in the URL");
		host = at + 1;
	}
	if (end == host)
		tb_errs_invalid_str(e, p, "", "host must be provided%s", form);
	if (strchr(u, '#'))
		tb_errs_invalid_str(e, p, strchr(u, '#') + 1, "fragments are not permitted "
				    "in the URL");
	if (strchr(u, '?'))
		tb_errs_invalid_str(e, p, strchr(u, '?') + 1, "query parameters are not "
				    "permitted in the URL");
}

static void validate_proxy(const char *u, struct tb_path *p, struct tb_errs *e)
{
	const char *colon = strstr(u, "://");
	char scheme[16] = "";
	size_t n = colon ? (size_t)(colon - u) : 0;

	if (n && n < sizeof(scheme))
		memcpy(scheme, u, n), scheme[n] = '\0';
	if (strcmp(scheme, "http") && strcmp(scheme, "https") && strcmp(scheme, "socks5"))
		tb_errs_invalid_str(e, p, u, "unsupported scheme \"%s\", must be http, "
				    "https, or socks5", scheme);
}

static void validate_models(const struct tb_cluster_spec *s, struct tb_path *p,
			    struct tb_errs *e)
{
	const struct tb_resource_model *m, *prev;
	const char *msg = NULL;
	size_t i, j;
	json_t *arr;
	char *v;

	for (i = 0; i < s->resource_models.n && !msg; i++) {
		m = &s->resource_models.v[i];
		prev = i ? &s->resource_models.v[i - 1] : NULL;
		if (prev && m->grade == prev->grade)
			msg = "The grade of each models should not be the same";
		else if (prev && prev->ranges.n != m->ranges.n)
			msg = "The number of resource types should be the same";
		for (j = 0; j < m->ranges.n && !msg; j++) {
			const struct tb_model_range *r = &m->ranges.v[j];
			if (tb_quantity_cmp(&r->max, &r->min) <= 0)
				msg = "The max value of each resource must be greater than the "
				      "min value";
			else if (!prev && !tb_quantity_is_zero(&r->min))
				msg = "The min value of each resource in the first model should be 0";
			else if (prev && strcmp(prev->ranges.v[j].name, r->name))
				msg = "The resource types of each models should be the same";
			else if (prev && tb_quantity_cmp(&prev->ranges.v[j].max, &r->min))
				msg = "Model intervals for resources must be contiguous and "
				      "non-overlapping";
			else if (i == s->resource_models.n - 1 &&
				 tb_quantity_value(&r->max) != INT64_MAX)
				msg = "The max value of each resource in the last model should "
				      "be MaxInt64";
		}
	}
	if (!msg)
		return;
	arr = json_array();
	for (i = 0; i < s->resource_models.n; i++)
		json_array_append_new(arr, tb_schema_encode(&model_schema, &s->resource_models.v[i]));
	v = tb_json_render(arr);
	tb_errs_invalid_raw(e, p, v, "%s", msg);
	tb_free(v);
	json_decref(arr);
}

void tb_cluster_validate(const struct tb_cluster *c, struct tb_errs *e)
{
	const struct tb_cluster_spec *s = &c->spec;
	struct tb_path p = TB_PATH_INIT;
	size_t mark, m2, i;

	tb_path_field(&p, "metadata");
	tb_meta_validate(&c->metadata, false, tb_cluster_check_name, &p, e);
	tb_path_set(&p, "spec");

	mark = tb_path_field(&p, "syncMode");
	if (!s->sync_mode || !*s->sync_mode)
		tb_errs_required(e, &p, NULL);
	if (!s->sync_mode || (strcmp(s->sync_mode, "Pull") && strcmp(s->sync_mode, "Push")))
		tb_errs_not_supported(e, &p, s->sync_mode ? s->sync_mode : "", sync_modes);
	tb_path_pop(&p, mark);
	if (s->api_endpoint && *s->api_endpoint) {
		mark = tb_path_field(&p, "apiEndpoint");
		validate_endpoint(s->api_endpoint, &p, e);
		tb_path_pop(&p, mark);
	}
	for (i = 0; i < 2; i++) {
		const struct tb_secret_ref *r = i ? s->impersonator_secret_ref : s->secret_ref;
		if (!r)
			continue;
		mark = tb_path_field(&p, i ? "impersonatorSecretRef" : "secretRef");
		if (!r->namespace_ || !*r->namespace_) {
			m2 = tb_path_field(&p, "namespace");
			tb_errs_required(e, &p, NULL);
			tb_path_pop(&p, m2);
		}
		if (!r->name || !*r->name) {
			m2 = tb_path_field(&p, "name");
			tb_errs_required(e, &p, NULL);
			tb_path_pop(&p, m2);
		}
		tb_path_pop(&p, mark);
	}
	if (s->proxy_url && *s->proxy_url) {
		mark = tb_path_field(&p, "proxyURL");
		validate_proxy(s->proxy_url, &p, e);
		tb_path_pop(&p, mark);
	}
	if (s->provider) {
		mark = tb_path_field(&p, "provider");
		tb_check_label_value(e, &p, s->provider);
		tb_path_pop(&p, mark);
	}
	if (s->region) {
		mark = tb_path_field(&p, "region");
		tb_check_label_value(e, &p, s->region);
		tb_path_pop(&p, mark);
	}
	if (s->zone && *s->zone && s->zones.n) {
		mark = tb_path_field(&p, "zones");
		tb_errs_invalid_raw(e, &p, NULL, "zone and zones cannot co-exist");
		tb_path_pop(&p, mark);
	}
	mark = tb_path_field(&p, "zones");
	for (i = 0; i < s->zones.n; i++) {
		m2 = tb_path_index(&p, i);
		tb_check_label_value(e, &p, s->zones.v[i]);
		tb_path_pop(&p, m2);
	}
	tb_path_pop(&p, mark);
	mark = tb_path_field(&p, "taints");
	tb_taints_validate(s->taints.v, s->taints.n, &p, e);
	tb_path_pop(&p, mark);
	if (s->resource_models.n) {
		mark = tb_path_field(&p, "resourceModels");
		validate_models(s, &p, e);
		tb_path_pop(&p, mark);
	}
}
