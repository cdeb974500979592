/* Property tests of the scheduler on thousands of random inputs (fixed seeds,
 * so a failure reproduces): totals match when capacity allows, no excluded,
 * unmatched, evicting or newly tainted cluster is ever chosen, results do not
 * depend on the order clusters are listed in, and a steady scale-down never
 * moves replicas between the clusters that keep them. */
#include "testutil.h"

#include "core/sched.h"

#define ROUNDS 3000
#define MAXC 12

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)(rng % n) : 0;
}

static char *sfmt(const char *f, unsigned a)
{
	char buf[32];

	snprintf(buf, sizeof(buf), f, a);
	return tb_strdup(buf);
}

static void set_q(struct tb_reslist *l, const char *name, long v, const char *unit)
{
	struct tb_quantity q;
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld%s", v, unit);
	assert_int_equal(tb_quantity_parse(buf, &q, NULL), 0);
	tb_reslist_set(l, name, &q);
}

struct world {
	struct tb_cluster c[MAXC];
	const struct tb_cluster *cp[MAXC];
	size_t n;
	struct tb_binding b;
};

static void make_world(struct world *w, int strategy)
{
	static const char *const strategies[][2] = {
		{ "Duplicated", NULL }, { "Divided", "Weighted" }, { "Divided", "Weighted" },
		{ "Divided", "Aggregated" },
	};
	struct tb_placement *pl;
	struct tb_replica_scheduling *rs;
	size_t i, k;

	memset(w, 0, sizeof(*w));
	w->n = 1 + rnd(MAXC);
	for (i = 0; i < w->n; i++) {
		struct tb_cluster *c = &w->c[i];
		c->metadata.name = sfmt("m%02u", (unsigned)i);
		tb_strmap_set(&c->metadata.labels, "env", rnd(2) ? "prod" : "dev");
		if (rnd(3) == 0) {
			c->spec.taints.v = tb_calloc(1, sizeof(struct tb_taint));
			c->spec.taints.n = 1;
			c->spec.taints.v[0].key = sfmt("t%u", rnd(2));
			c->spec.taints.v[0].effect = tb_strdup(rnd(2) ? "NoSchedule" : "NoExecute");
		}
		if (rnd(8)) {
			c->status.resource_summary = tb_calloc(1, sizeof(*c->status.resource_summary));
			set_q(&c->status.resource_summary->allocatable, "cpu", 1 + rnd(8), "");
			set_q(&c->status.resource_summary->allocatable, "pods", rnd(20), "");
			set_q(&c->status.resource_summary->allocated, "cpu", rnd(1000), "m");
		}
		w->cp[i] = c;
	}
	w->b.spec.replicas = rnd(25);
	w->b.spec.resource.uid = sfmt("uid-%u", rnd(1000));
	if (rnd(2)) {
		w->b.spec.replica_requirements = tb_calloc(1, sizeof(struct tb_replica_requirements));
		set_q(&w->b.spec.replica_requirements->resource_request, "cpu", 100 + rnd(900), "m");
	}
	pl = w->b.spec.placement = tb_calloc(1, sizeof(*pl));
	if (rnd(2)) {
		pl->cluster_affinity = tb_calloc(1, sizeof(*pl->cluster_affinity));
		for (i = 0; i < w->n; i++) {
			if (rnd(3) == 0)
				tb_strvec_push(&pl->cluster_affinity->exclude, w->c[i].metadata.name);
			if (rnd(2))
				tb_strvec_push(&pl->cluster_affinity->cluster_names, w->c[i].metadata.name);
		}
		if (rnd(2)) {
			pl->cluster_affinity->label_selector = tb_calloc(1, sizeof(struct tb_label_selector));
			tb_strmap_set(&pl->cluster_affinity->label_selector->match_labels, "env", "prod");
		}
	}
	if (rnd(2)) {
		pl->cluster_tolerations.v = tb_calloc(1, sizeof(struct tb_toleration));
		pl->cluster_tolerations.n = 1;
		pl->cluster_tolerations.v[0].key = sfmt("t%u", rnd(2));
		pl->cluster_tolerations.v[0].operator_ = tb_strdup("Exists");
	}
	rs = pl->replica_scheduling = tb_calloc(1, sizeof(*rs));
	rs->type = tb_strdup(strategies[strategy][0]);
	if (strategies[strategy][1])
		rs->division_preference = tb_strdup(strategies[strategy][1]);
	if (strategy == 2) {
		rs->weight_preference = tb_calloc(1, sizeof(*rs->weight_preference));
		rs->weight_preference->dynamic_weight = tb_strdup("AvailableReplicas");
	}
	/* A previous placement on some clusters, and maybe an eviction. */
	for (i = 0; i < w->n; i++) {
		if (rnd(3))
			continue;
		k = w->b.spec.clusters.n++;
		w->b.spec.clusters.v = tb_realloc(w->b.spec.clusters.v,
						  w->b.spec.clusters.n * sizeof(struct tb_target_cluster));
		w->b.spec.clusters.v[k].name = tb_strdup(w->c[i].metadata.name);
		w->b.spec.clusters.v[k].replicas = rnd(10);
	}
	if (rnd(4) == 0) {
		w->b.spec.graceful_eviction_tasks.v = tb_calloc(1, sizeof(struct tb_eviction_task));
		w->b.spec.graceful_eviction_tasks.n = 1;
		w->b.spec.graceful_eviction_tasks.v[0].from_cluster =
			tb_strdup(w->c[rnd((uint32_t)w->n)].metadata.name);
	}
}

static void free_world(struct world *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		tb_schema_release(&tb_cluster_schema, &w->c[i]);
	tb_schema_release(&tb_binding_schema, &w->b);
}

static const struct tb_cluster *find(const struct world *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (!strcmp(w->c[i].metadata.name, name))
			return &w->c[i];
	return NULL;
}

static bool was_targeted(const struct world *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->b.spec.clusters.n; i++)
		if (!strcmp(w->b.spec.clusters.v[i].name, name))
			return true;
	return false;
}

static char *render(const struct tb_sched_result *r, int rc)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t i;

	tb_strbuf_addf(&sb, "rc=%d ", rc);
	for (i = 0; i < r->clusters.n; i++)
		tb_strbuf_addf(&sb, "%s=%lld ", r->clusters.v[i].name,
			       (long long)r->clusters.v[i].replicas);
	if (r->error)
		tb_strbuf_adds(&sb, r->error);
	return tb_strbuf_detach(&sb, NULL);
}

static void check_world(struct world *w, int strategy, unsigned round)
{
	struct tb_sched_snapshot snap, snap2;
	struct tb_sched_result r, r2;
	const struct tb_cluster *rev[MAXC];
	struct tb_cluster_affinity *aff = w->b.spec.placement->cluster_affinity;
	int64_t sum = 0;
	char *a, *b;
	size_t i, k;
	int rc, rc2;

	tb_sched_snapshot_init(&snap, w->cp, w->n);
	rc = tb_sched_schedule(&snap, &w->b.spec, &w->b.status, 0, &r);
	for (i = 0; i < r.clusters.n; i++) {
		const struct tb_cluster *c = find(w, r.clusters.v[i].name);
		assert_non_null(c);
		sum += r.clusters.v[i].replicas;
		/* Never an excluded, unmatched or evicting cluster (checked here
		 * directly, not with the scheduler's own matcher). */
		if (aff && (tb_strvec_has(&aff->exclude, c->metadata.name) ||
			    (aff->cluster_names.n &&
			     !tb_strvec_has(&aff->cluster_names, c->metadata.name)) ||
			    (aff->label_selector &&
			     strcmp(tb_strmap_get(&c->metadata.labels, "env"), "prod"))))
			fail_msg("round %u: chose %s, which the affinity rejects", round,
				 c->metadata.name);
		for (k = 0; k < w->b.spec.graceful_eviction_tasks.n; k++)
			assert_string_not_equal(w->b.spec.graceful_eviction_tasks.v[k].from_cluster,
						c->metadata.name);
		/* A new cluster must tolerate its taint: the worlds only make
		 * "Exists" tolerations without effect, matching by key. */
		if (!was_targeted(w, c->metadata.name) && c->spec.taints.n &&
		    !(w->b.spec.placement->cluster_tolerations.n &&
		      !strcmp(w->b.spec.placement->cluster_tolerations.v[0].key,
			      c->spec.taints.v[0].key)))
			fail_msg("round %u: chose %s despite an untolerated taint", round,
				 c->metadata.name);
		if (strategy == 0)
			assert_int_equal(r.clusters.v[i].replicas, w->b.spec.replicas);
	}
	/* Divided: all replicas placed whenever anything is placed. */
	if (rc == 0 && strategy != 0 && w->b.spec.replicas > 0)
		assert_int_equal(sum, w->b.spec.replicas);
	/* Static weights ignore capacity: they fail only when nothing is feasible. */
	if (strategy == 1 && rc != 0)
		assert_true(r.fit_error);
	/* Same answer from the same input, and with clusters listed backwards. */
	for (i = 0; i < w->n; i++)
		rev[i] = w->cp[w->n - 1 - i];
	tb_sched_snapshot_init(&snap2, rev, w->n);
	rc2 = tb_sched_schedule(&snap2, &w->b.spec, &w->b.status, 0, &r2);
	a = render(&r, rc);
	b = render(&r2, rc2);
	if (strcmp(a, b))
		fail_msg("round %u: order changed the result:\n%s\n%s", round, a, b);
	tb_free(a);
	tb_free(b);
	tb_sched_result_release(&r2);
	tb_sched_snapshot_release(&snap2);
	tb_sched_result_release(&r);
	tb_sched_snapshot_release(&snap);
}

static void test_sched__random_worlds(void **state)
{
	struct world w;
	unsigned round;

	(void)state;
	rng = 0x9e3779b97f4a7c15ULL;
	for (round = 0; round < ROUNDS; round++) {
		int strategy = (int)rnd(4);
		make_world(&w, strategy);
		check_world(&w, strategy, round);
		free_world(&w);
	}
}

/* Steady scale-down with dynamic weights or Aggregated: each cluster keeps at
 * most what it had and no cluster is added. */
static void test_sched__steady_scale_down(void **state)
{
	struct tb_sched_snapshot snap;
	struct tb_sched_result r;
	struct world w;
	unsigned round, tried = 0;
	int64_t had;
	size_t i, k;

	(void)state;
	rng = 0x243f6a8885a308d3ULL;
	for (round = 0; round < ROUNDS; round++) {
		int strategy = 2 + (int)rnd(2);
		int64_t total = 0;

		make_world(&w, strategy);
		/* Clean world: no affinity, taints or evictions; previous
		 * placement everywhere, then ask for fewer replicas. */
		tb_schema_free(&tb_cluster_affinity_schema, w.b.spec.placement->cluster_affinity);
		w.b.spec.placement->cluster_affinity = NULL;
		for (i = 0; i < w.b.spec.clusters.n; i++)
			total += w.b.spec.clusters.v[i].replicas;
		for (i = 0; i < w.n; i++) {
			for (k = 0; k < w.c[i].spec.taints.n; k++)
				tb_schema_release(&tb_taint_schema, &w.c[i].spec.taints.v[k]);
			w.c[i].spec.taints.n = 0;
		}
		for (k = 0; k < w.b.spec.graceful_eviction_tasks.n; k++)
			tb_free(w.b.spec.graceful_eviction_tasks.v[k].from_cluster),
			w.b.spec.graceful_eviction_tasks.v[k].from_cluster = tb_strdup("none");
		if (total < 2) {
			free_world(&w);
			continue;
		}
		w.b.spec.replicas = 1 + rnd((uint32_t)total - 1);
		tb_sched_snapshot_init(&snap, w.cp, w.n);
		assert_int_equal(tb_sched_schedule(&snap, &w.b.spec, &w.b.status, 0, &r), 0);
		for (i = 0; i < r.clusters.n; i++) {
			had = -1;
			for (k = 0; k < w.b.spec.clusters.n; k++)
				if (!strcmp(w.b.spec.clusters.v[k].name, r.clusters.v[i].name))
					had = w.b.spec.clusters.v[k].replicas;
			if (had < 0 || r.clusters.v[i].replicas > had)
				fail_msg("round %u: scale-down to %lld gave %s %lld (had %lld)", round,
					 (long long)w.b.spec.replicas, r.clusters.v[i].name,
					 (long long)r.clusters.v[i].replicas, (long long)had);
		}
		tried++;
		tb_sched_result_release(&r);
		tb_sched_snapshot_release(&snap);
		free_world(&w);
	}
	assert_true(tried > ROUNDS / 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sched__random_worlds),
		cmocka_unit_test(test_sched__steady_scale_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
