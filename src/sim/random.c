/* Random scenarios for seed sweeps: a few clusters, one workload per replica
 * strategy, and a fault schedule drawn from every fault kind. Everything is a
 * function of the seed. */
#include "sim/sim.h"
#include "lib/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t next(uint64_t *r)
{
	*r ^= *r << 13;
	*r ^= *r >> 7;
	*r ^= *r << 17;
	return *r;
}

static int64_t pick(uint64_t *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(next(r) % (uint64_t)(hi - lo + 1));
}

static void add_doc(struct tb_docs *docs, const char *yaml)
{
	struct tb_err err;

	tb_codec_decode(yaml, strlen(yaml), docs, &err);
}

void tb_sim_random_scenario(uint64_t seed, struct tb_scenario *sc)
{
	static const char *const kinds[] = { "down", "hang", "slow", "flap", "error", "partition" };
	static const char *const strategies[] = {
		"replicaScheduling: {replicaSchedulingType: Duplicated}",
		"replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted}",
		"replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted,"
		" weightPreference: {dynamicWeight: AvailableReplicas}}",
		"replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Aggregated}",
	};
	struct tb_strbuf sb = TB_STRBUF_INIT;
	struct tb_docs docs = TB_DOCS_INIT;
	struct tb_errs errs = TB_ERRS_INIT;
	struct tb_err err;
	uint64_t r = seed * 0x2545F4914F6CDD1DULL + 7;
	int64_t n = pick(&r, 3, 6), i, nf, at;
	char buf[1024];

	tb_strbuf_addf(&sb, "apiVersion: sim.tugboat.io/v1alpha1\nkind: Scenario\n"
		       "metadata: {name: random-%llu}\nspec:\n  duration: 60s\n"
		       "  settings: {profile: fast}\n  clusters:\n", (unsigned long long)seed);
	for (i = 0; i < n; i++)
		tb_strbuf_addf(&sb, "  - {name: m%lld, capacity: {cpu: \"%lld\", pods: \"%lld\"}, "
			       "latency: %lldms, jitter: %lldms, readyDelay: %lldms}\n",
			       (long long)i + 1, (long long)pick(&r, 4, 16), (long long)pick(&r, 20, 110),
			       (long long)pick(&r, 5, 100), (long long)pick(&r, 0, 50),
			       (long long)pick(&r, 500, 4000));
	tb_strbuf_adds(&sb, "  faults:\n");
	nf = pick(&r, 1, 4);
	for (i = 0; i < nf; i++) {
		const char *k = kinds[pick(&r, 0, 5)];
		at = pick(&r, 5, 35);
		if (!strcmp(k, "partition")) {
			tb_strbuf_addf(&sb, "  - {at: %llds, kind: partition, duration: %llds}\n",
				       (long long)at, (long long)pick(&r, 2, 15));
			continue;
		}
		snprintf(buf, sizeof(buf), "m%lld", (long long)pick(&r, 1, n));
		if (!strcmp(k, "slow"))
			tb_strbuf_addf(&sb, "  - {at: %llds, cluster: %s, kind: slow, latency: %lldms, "
				       "jitter: %lldms}\n", (long long)at, buf,
				       (long long)pick(&r, 100, 1500), (long long)pick(&r, 0, 300));
		else if (!strcmp(k, "flap"))
			tb_strbuf_addf(&sb, "  - {at: %llds, cluster: %s, kind: flap, period: %lldms}\n",
				       (long long)at, buf, (long long)pick(&r, 300, 3000));
		else
			tb_strbuf_addf(&sb, "  - {at: %llds, cluster: %s, kind: %s}\n", (long long)at,
				       buf, k);
		if (pick(&r, 0, 1))
			tb_strbuf_addf(&sb, "  - {at: %llds, cluster: %s, kind: recover}\n",
				       (long long)(at + pick(&r, 3, 20)), buf);
	}
	for (i = 0; i < 4; i++) {
		tb_strbuf_addf(&sb, "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: "
			       "{name: app%lld, namespace: default}\nspec:\n  replicas: %lld\n"
			       "  template:\n    spec:\n      containers:\n      - name: c\n"
			       "        resources: {requests: {cpu: %lldm}}\n", (long long)i,
			       (long long)pick(&r, 1, 8), (long long)pick(&r, 100, 1000));
		/* Half the policies move back after recovery, after 2-15 s. */
		if (pick(&r, 0, 1))
			snprintf(buf, sizeof(buf), ", annotations: {failover.tugboat.io/move-back-after: "
				 "%llds}", (long long)pick(&r, 2, 15));
		else
			buf[0] = '\0';
		tb_strbuf_addf(&sb, "---\napiVersion: policy.karmada.io/v1alpha1\nkind: "
			       "PropagationPolicy\nmetadata: {name: app%lld, namespace: default%s}\n"
			       "spec:\n"
			       "  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: app%lld}]\n"
			       "  placement:\n    clusterTolerations:\n"
			       "    - {key: cluster.karmada.io/not-ready, operator: Exists, effect: NoExecute, "
			       "tolerationSeconds: %lld}\n"
			       "    - {key: cluster.karmada.io/unreachable, operator: Exists, effect: NoExecute, "
			       "tolerationSeconds: %lld}\n    %s\n",
			       (long long)i, buf, (long long)i, (long long)pick(&r, 0, 5),
			       (long long)pick(&r, 0, 5), strategies[i]);
	}
	add_doc(&docs, sb.buf);
	memset(sc, 0, sizeof(*sc));
	if (tb_scenario_load(&docs, sc, &errs, &err) < 0) {
		/* A generator bug, not a user error: make it loud. */
		struct tb_strbuf e = TB_STRBUF_INIT;
		tb_errs_format(&errs, &e, 0);
		fprintf(stderr, "random scenario %llu is invalid: %s %s\n%s\n",
			(unsigned long long)seed, e.buf, err.msg, sb.buf);
		abort();
	}
	tb_errs_release(&errs);
	tb_docs_release(&docs);
	tb_strbuf_release(&sb);
}
