/* Cluster: schema, defaults and validation as Karmada's cluster API does them.
 * Pure: the caller passes the time used for taint stamps. */
#include "api/cluster.h"
#include "api/names.h"
#include "lib/mem.h"

#include <stdio.h>
#include <string.h>

static const char *const sync_modes[] = { "Pull", "Push", NULL };

static const struct tb_field secret_ref_fields[] = {
	TB_F("namespace", TB_FT_STRING, TB_FF_KEEPZERO, struct tb_secret_ref, namespace_),
	TB_F("name", TB_FT_STRING, TB_FF_KEEPZERO, struct tb_secret_ref, name),
	TB_F_END
};

static const struct tb_schema secret_ref_schema = {
	"LocalSecretReference", sizeof(struct tb_secret_ref), secret_ref_fields, NULL
};

static const struct tb_field model_range_fields[] = {
	TB_F("name", TB_FT_STRING, TB_FF_REQUIRED, struct tb_model_range, name),
	TB_F("min", TB_FT_QUANTITY, TB_FF_REQUIRED, struct tb_model_range, min),
	TB_F("max", TB_FT_QUANTITY, TB_FF_REQUIRED, struct tb_model_range, max),
	TB_F_END
};

static const struct tb_schema model_range_schema = {
	"ResourceModelRange", sizeof(struct tb_model_range), model_range_fields, NULL
};

static const struct tb_field model_fields[] = {
	TB_F("grade", TB_FT_INT, TB_FF_KEEPZERO | TB_FF_MIN, struct tb_resource_model, grade,
	     .min = 0),
	TB_F("ranges", TB_FT_OBJECT, TB_FF_ARRAY | TB_FF_REQUIRED | TB_FF_KEEPZERO,
	     struct tb_resource_model, ranges, .sub = &model_range_schema),
	TB_F_END
};

static const struct tb_schema model_schema = {
	"ResourceModel", sizeof(struct tb_resource_model), model_fields, NULL
};

static const struct tb_field spec_fields[] = {
	TB_F("id", TB_FT_STRING, 0, struct tb_cluster_spec, id),
	TB_F("syncMode", TB_FT_STRING, TB_FF_KEEPZERO, struct tb_cluster_spec, sync_mode),
	TB_F("apiEndpoint", TB_FT_STRING, 0, struct tb_cluster_spec, api_endpoint),
	TB_F("secretRef", TB_FT_OBJECT, TB_FF_PTR, struct tb_cluster_spec, secret_ref,
	     .sub = &secret_ref_schema),
	TB_F("impersonatorSecretRef", TB_FT_OBJECT, TB_FF_PTR, struct tb_cluster_spec,
	     impersonator_secret_ref, .sub = &secret_ref_schema),
	TB_F("insecureSkipTLSVerification", TB_FT_BOOL, 0, struct tb_cluster_spec,
	     insecure_skip_tls_verification),
	TB_F("proxyURL", TB_FT_STRING, 0, struct tb_cluster_spec, proxy_url),
	TB_F("proxyHeader", TB_FT_STRMAP, 0, struct tb_cluster_spec, proxy_header),
	TB_F("provider", TB_FT_STRING, 0, struct tb_cluster_spec, provider),
	TB_F("region", TB_FT_STRING, 0, struct tb_cluster_spec, region),
	TB_F("zone", TB_FT_STRING, 0, struct tb_cluster_spec, zone),
	TB_F("zones", TB_FT_STRING, TB_FF_ARRAY, struct tb_cluster_spec, zones),
	TB_F("taints", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_cluster_spec, taints,
	     .sub = &tb_taint_schema),
	TB_F("resourceModels", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_cluster_spec,
	     resource_models, .sub = &model_schema),
	TB_F_END
};

static const struct tb_schema spec_schema = {
	"ClusterSpec", sizeof(struct tb_cluster_spec), spec_fields, NULL
};

static const struct tb_field api_resource_fields[] = {
	TB_F("name", TB_FT_STRING, TB_FF_REQUIRED, struct tb_api_resource, name),
	TB_F("kind", TB_FT_STRING, TB_FF_REQUIRED, struct tb_api_resource, kind),
	TB_F_END
};

static const struct tb_schema api_resource_schema = {
	"APIResource", sizeof(struct tb_api_resource), api_resource_fields, NULL
};

static const struct tb_field api_enablement_fields[] = {
	TB_F("groupVersion", TB_FT_STRING, TB_FF_REQUIRED, struct tb_api_enablement,
	     group_version),
	TB_F("resources", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_api_enablement, resources,
	     .sub = &api_resource_schema),
	TB_F_END
};

static const struct tb_schema api_enablement_schema = {
	"APIEnablement", sizeof(struct tb_api_enablement), api_enablement_fields, NULL
};

static const struct tb_field node_summary_fields[] = {
	TB_F("totalNum", TB_FT_INT, TB_FF_INT32, struct tb_node_summary, total_num),
	TB_F("readyNum", TB_FT_INT, TB_FF_INT32, struct tb_node_summary, ready_num),
	TB_F_END
};

static const struct tb_schema node_summary_schema = {
	"NodeSummary", sizeof(struct tb_node_summary), node_summary_fields, NULL
};

static const struct tb_field modeling_fields[] = {
	TB_F("grade", TB_FT_INT, TB_FF_KEEPZERO | TB_FF_MIN, struct tb_allocatable_modeling,
	     grade, .min = 0),
	TB_F("count", TB_FT_INT, TB_FF_KEEPZERO, struct tb_allocatable_modeling, count),
	TB_F_END
};

static const struct tb_schema modeling_schema = {
	"AllocatableModeling", sizeof(struct tb_allocatable_modeling), modeling_fields, NULL
};

static const struct tb_field resource_summary_fields[] = {
	TB_F("allocatable", TB_FT_RESLIST, 0, struct tb_resource_summary, allocatable),
	TB_F("allocating", TB_FT_RESLIST, 0, struct tb_resource_summary, allocating),
	TB_F("allocated", TB_FT_RESLIST, 0, struct tb_resource_summary, allocated),
	TB_F("allocatableModelings", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_resource_summary,
	     allocatable_modelings, .sub = &modeling_schema),
	TB_F_END
};

static const struct tb_schema resource_summary_schema = {
	"ResourceSummary", sizeof(struct tb_resource_summary), resource_summary_fields, NULL
};

static const struct tb_field status_fields[] = {
	TB_F("kubernetesVersion", TB_FT_STRING, 0, struct tb_cluster_status, kubernetes_version),
	TB_F("apiEnablements", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_cluster_status,
	     api_enablements, .sub = &api_enablement_schema),
	TB_F("conditions", TB_FT_OBJECT, TB_FF_ARRAY, struct tb_cluster_status, conditions,
	     .sub = &tb_condition_schema),
	TB_F("nodeSummary", TB_FT_OBJECT, TB_FF_PTR, struct tb_cluster_status, node_summary,
	     .sub = &node_summary_schema),
	TB_F("resourceSummary", TB_FT_OBJECT, TB_FF_PTR, struct tb_cluster_status,
	     resource_summary, .sub = &resource_summary_schema),
	TB_F("remedyActions", TB_FT_STRING, TB_FF_ARRAY, struct tb_cluster_status,
	     remedy_actions),
	TB_F_END
};

static const struct tb_schema status_schema = {
	"ClusterStatus", sizeof(struct tb_cluster_status), status_fields, NULL
};

static const struct tb_field cluster_fields[] = {
	TB_F("apiVersion", TB_FT_STRING, 0, struct tb_cluster, api_version),
	TB_F("kind", TB_FT_STRING, 0, struct tb_cluster, kind),
	TB_F("metadata", TB_FT_OBJECT, TB_FF_KEEPZERO, struct tb_cluster, metadata,
	     .sub = &tb_meta_schema),
	TB_F("spec", TB_FT_OBJECT, TB_FF_KEEPZERO, struct tb_cluster, spec, .sub = &spec_schema),
	TB_F("status", TB_FT_OBJECT, 0, struct tb_cluster, status, .sub = &status_schema),
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
