/* Benchmark of the API layer: how many manifests per second Tugboat can parse
 * (YAML, JSON), admit (decode + default + validate) and encode. Prints figures
 * and ratios; asserts nothing about time. Run: make bench */
#include "api/codec.h"
#include "api/object.h"
#include "api/yaml.h"
#include "lib/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* n policies + n bindings, as a tugd with n workloads would hold. */
static void make_stream(struct tb_strbuf *yaml, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		tb_strbuf_addf(yaml,
			"---\napiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
			"metadata:\n  name: app-%zu\n  namespace: team-%zu\n  labels: {app: app-%zu}\n"
			"spec:\n  resourceSelectors:\n  - apiVersion: apps/v1\n    kind: Deployment\n"
			"    name: app-%zu\n  placement:\n    clusterAffinity:\n"
			"      clusterNames: [member1, member2, member3]\n"
			"    clusterTolerations:\n    - key: cluster.karmada.io/unreachable\n"
			"      operator: Exists\n      effect: NoExecute\n      tolerationSeconds: 10\n"
			"    replicaScheduling:\n      replicaSchedulingType: Divided\n"
			"      weightPreference:\n        staticWeightList:\n"
			"        - targetCluster: {clusterNames: [member1]}\n          weight: 2\n"
			"        - targetCluster: {clusterNames: [member2, member3]}\n          weight: 1\n",
			i, i % 50, i, i);
		tb_strbuf_addf(yaml,
			"---\napiVersion: work.karmada.io/v1alpha2\nkind: ResourceBinding\n"
			"metadata:\n  name: app-%zu-deployment\n  namespace: team-%zu\n"
			"spec:\n  resource: {apiVersion: apps/v1, kind: Deployment, name: app-%zu,"
			" namespace: team-%zu}\n  replicas: 6\n"
			"  replicaRequirements: {resourceRequest: {cpu: 500m, memory: 256Mi}}\n"
			"  clusters: [{name: member2, replicas: 3}, {name: member3, replicas: 3}]\n"
			"  gracefulEvictionTasks:\n  - {fromCluster: member1, purgeMode: Graciously,"
			" reason: TaintUntolerated, producer: TaintManager}\n",
			i, i % 50, i, i % 50);
	}
}

int main(int argc, char **argv)
{
	struct tb_policy_defaults d = TB_POLICY_DEFAULTS_INIT;
	struct tb_strbuf yaml = TB_STRBUF_INIT, json = TB_STRBUF_INIT, out = TB_STRBUF_INIT;
	struct tb_docs docs = TB_DOCS_INIT, jdocs = TB_DOCS_INIT;
	size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 10000, i, bad = 0;
	double t0, t_yaml, t_json, t_admit, t_enc_json, t_enc_yaml;
	json_t **enc;

	make_stream(&yaml, n);
	t0 = now_s();
	if (tb_codec_decode(yaml.buf, yaml.len, &docs, NULL) < 0)
		return 1;
	t_yaml = now_s() - t0;

	for (i = 0; i < docs.n; i++) {
		char *s = json_dumps(docs.v[i].json, JSON_COMPACT);
		tb_strbuf_adds(&json, s);
		tb_strbuf_addch(&json, '\n');
		free(s);
	}
	t0 = now_s();
	if (tb_codec_decode(json.buf, json.len, &jdocs, NULL) < 0)
		return 1;
	t_json = now_s() - t0;

	enc = tb_calloc(docs.n, sizeof(*enc));
	t0 = now_s();
	for (i = 0; i < docs.n; i++) {
		struct tb_errs errs = TB_ERRS_INIT;
		struct tb_object o = TB_OBJECT_INIT;

		if (tb_object_admit(docs.v[i].json, &o, &d, 0, &errs) < 0)
			bad++;
		enc[i] = tb_object_encode(&o);
		tb_object_release(&o);
		tb_errs_release(&errs);
	}
	t_admit = now_s() - t0;

	t0 = now_s();
	for (i = 0; i < docs.n; i++) {
		tb_strbuf_reset(&out);
		tb_codec_emit_json(enc[i], &out);
	}
	t_enc_json = now_s() - t0;
	t0 = now_s();
	for (i = 0; i < docs.n; i++) {
		tb_strbuf_reset(&out);
		tb_yaml_emit(enc[i], &out);
	}
	t_enc_yaml = now_s() - t0;

	printf("objects: %zu (%zu policies + %zu bindings), invalid: %zu\n", docs.n, n, n, bad);
	printf("yaml parse:   %8.0f objects/s  %6.1f MB/s  (%.1f MB)\n", docs.n / t_yaml,
	       yaml.len / t_yaml / 1e6, yaml.len / 1e6);
	printf("json parse:   %8.0f objects/s  %6.1f MB/s  (%.1f MB)\n", jdocs.n / t_json,
	       json.len / t_json / 1e6, json.len / 1e6);
	printf("admit:        %8.0f objects/s  (decode + default + validate)\n",
	       docs.n / t_admit);
	printf("encode json:  %8.0f objects/s\n", docs.n / t_enc_json);
	printf("encode yaml:  %8.0f objects/s\n", docs.n / t_enc_yaml);
	printf("ratio json/yaml parse speed: %.1fx\n", t_yaml / t_json);

	for (i = 0; i < docs.n; i++)
		json_decref(enc[i]);
	tb_free(enc);
	tb_docs_release(&docs);
	tb_docs_release(&jdocs);
	tb_strbuf_release(&yaml);
	tb_strbuf_release(&json);
	tb_strbuf_release(&out);
	return bad ? 1 : 0;
}
