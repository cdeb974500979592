/* Tugboat's pure failover rules against the cases of Karmada's and Kubernetes'
 * own unit tests, restated in C; each row or block names its source file, test
 * and case. Karmada v1.13.10 (classic failover), Karmada HEAD (ClusterTaintPolicy),
 * k8s.io/api v0.31.3 (what Karmada v1.13.10 builds with). */
#include "testutil.h"

#include "api/binding.h"
#include "api/cluster.h"
#include "api/taintpolicy.h"
#include "core/config.h"
#include "core/evict.h"
#include "core/health.h"
#include "core/taint.h"
#include "core/taintmgr.h"
#include "core/toleration.h"
#include "lib/strbuf.h"

#include <stdlib.h>

#define S 1000LL
#define MIN (60 * S)
#define NOW TEST_NOW_MS
#define OLD (NOW - 3600 * S)	/* when the taints a case starts with were added */
#define KP "cluster.karmada.io/"
#define N(a) (sizeof(a) / sizeof((a)[0]))
#define OR_DASH(x) ((x) ? (x) : "-")
#define TOL(k, op, v, e) { .key = k, .operator_ = op, .value = v, .effect = e }
#define TNT(k, v, e) { .key = k, .value = v, .effect = e }

/* ---- builders and renderers ------------------------------------------------------------ */

/* Appends a zeroed element to any TB_VEC and returns it. */
static void *push(void *vec, size_t size)
{
	struct tb_vec_raw *v = vec;
	char *p;

	v->v = tb_realloc(v->v, (v->n + 1) * size);
	p = (char *)v->v + v->n++ * size;
	memset(p, 0, size);
	return p;
}

/* Copies the next sep-separated item of *p into buf; false at the end. */
static bool next_item(const char **p, char sep, char *buf, size_t n)
{
	const char seps[2] = { sep, '\0' };
	size_t len;

	if (!*p || !**p)
		return false;
	len = strcspn(*p, seps);
	assert_true(len < n);
	memcpy(buf, *p, len);
	buf[len] = '\0';
	*p += len + ((*p)[len] ? 1 : 0);
	return true;
}

static bool in_list(const char *list, const char *name)
{
	char item[64];

	while (next_item(&list, ',', item, sizeof(item)))
		if (!strcmp(item, name))
			return true;
	return false;
}

/* "key[=value]:Effect"; not-ready and unreachable get the cluster.karmada.io/ prefix. */
static void parse_taint(const char *item, char **key, char **value, char **effect)
{
	char buf[128], full[160], *colon, *eq;

	snprintf(buf, sizeof(buf), "%s", item);
	colon = strrchr(buf, ':');
	assert_non_null(colon);
	*colon = '\0';
	*effect = tb_strdup(colon + 1);
	eq = strchr(buf, '=');
	*value = NULL;
	if (eq) {
		*eq = '\0';
		*value = tb_strdup(eq + 1);
	}
	snprintf(full, sizeof(full), "%s%s",
		 !strcmp(buf, "not-ready") || !strcmp(buf, "unreachable") ? KP : "", buf);
	*key = tb_strdup(full);
}

static void add_taints(struct tb_cluster_spec *s, const char *list, int64_t at)
{
	char item[128];

	while (next_item(&list, ',', item, sizeof(item))) {
		struct tb_taint *t = push(&s->taints, sizeof(*t));
		parse_taint(item, &t->key, &t->value, &t->effect);
		t->time_added = at;
	}
}

/* Compares sb with want, releases sb (nothing leaks on failure), then asserts. */
static void expect_sb(struct tb_strbuf *sb, const char *want, const char *ctx)
{
	bool ok = !strcmp(sb->buf, want);

	if (!ok)
		print_message("%s:\n  want \"%s\"\n  got  \"%s\"\n", ctx, want, sb->buf);
	tb_strbuf_release(sb);
	assert_true(ok);
}

/* "key[=value]:Effect@when" per taint (of effect, unless NULL), prefix cut;
 * when is now, old or ?. */
static void expect_taints(const struct tb_cluster_spec *s, const char *effect, const char *want,
			  const char *ctx)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t i;

	for (i = 0; i < s->taints.n; i++) {
		const struct tb_taint *t = &s->taints.v[i];
		const char *k = t->key;

		if (effect && strcmp(t->effect, effect))
			continue;
		if (!strncmp(k, KP, strlen(KP)))
			k += strlen(KP);
		tb_strbuf_addf(&sb, "%s%s%s%s:%s@%s", sb.len ? "," : "", k,
			       t->value && *t->value ? "=" : "", t->value ? t->value : "", t->effect,
			       t->time_added == NOW ? "now" : t->time_added == OLD ? "old" : "?");
	}
	expect_sb(&sb, want, ctx);
}

/* A binding targeting "name[:replicas],...", scheduled (generation 2 seen). */
static struct tb_binding *new_binding(const char *targets)
{
	struct tb_binding *b = tb_schema_new(&tb_binding_schema);
	char item[64], *colon;

	b->metadata.generation = b->status.scheduler_observed_generation = 2;
	while (next_item(&targets, ',', item, sizeof(item))) {
		struct tb_target_cluster *tc = push(&b->spec.clusters, sizeof(*tc));
		if ((colon = strchr(item, ':'))) {
			*colon = '\0';
			tc->replicas = strtoll(colon + 1, NULL, 10);
		}
		tc->name = tb_strdup(item);
	}
	return b;
}

static struct tb_eviction_task *add_task(struct tb_binding *b, const char *from,
					 const char *purge, int64_t created)
{
	struct tb_eviction_task *t = push(&b->spec.graceful_eviction_tasks, sizeof(*t));

	t->from_cluster = tb_strdup(from);
	t->purge_mode = purge ? tb_strdup(purge) : NULL;
	t->creation_timestamp = created;
	return t;
}

static void add_status(struct tb_binding *b, const char *cluster, const char *health, int ready)
{
	struct tb_aggregated_item *it = push(&b->status.aggregated_status, sizeof(*it));

	it->cluster_name = tb_strdup(cluster);
	it->health = tb_strdup(health);
	if (ready > 0)
		it->status = json_pack("{s:I}", "readyReplicas", (json_int_t)ready);
}

/* "name:replicas,..." then "from/purge/replicas/reason/producer/message,...". */
static void expect_spec(const struct tb_binding *b, const char *targets, const char *tasks,
			const char *ctx)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t i;

	for (i = 0; i < b->spec.clusters.n; i++)
		tb_strbuf_addf(&sb, "%s%s:%lld", i ? "," : "", b->spec.clusters.v[i].name,
			       (long long)b->spec.clusters.v[i].replicas);
	expect_sb(&sb, targets, ctx);
	for (i = 0; i < b->spec.graceful_eviction_tasks.n; i++) {
		const struct tb_eviction_task *t = &b->spec.graceful_eviction_tasks.v[i];
		char reps[24] = "-";

		if (t->replicas.set)
			snprintf(reps, sizeof(reps), "%lld", (long long)t->replicas.v);
		tb_strbuf_addf(&sb, "%s%s/%s/%s/%s/%s/%s", i ? "," : "", t->from_cluster,
			       OR_DASH(t->purge_mode), reps, OR_DASH(t->reason), OR_DASH(t->producer),
			       OR_DASH(t->message));
	}
	expect_sb(&sb, tasks, ctx);
}

/* ---- Kubernetes: ToleratesTaint, ToString ------------------------------------------------ */

/* k8s.io/api v0.31.3 core/v1/toleration_test.go, TestTolerationToleratesTaint (all 6).
 * HEAD adds Gt/Lt behind a feature gate Karmada v1.13 lacks: skipped. */
static const struct {
	const char *name;
	struct tb_toleration tol;
	struct tb_taint taint;
	bool want;
} k8s_tolerates[] = {
	{ "same key and effect, Exists, taint has no value",
	  TOL("foo", "Exists", NULL, "NoSchedule"), TNT("foo", NULL, "NoSchedule"), true },
	{ "same key and effect, Exists, taint has some value",
	  TOL("foo", "Exists", NULL, "NoSchedule"), TNT("foo", "bar", "NoSchedule"), true },
	{ "same effect, toleration has empty key and Exists: match all taints",
	  TOL("", "Exists", NULL, "NoSchedule"), TNT("foo", "bar", "NoSchedule"), true },
	{ "same key, effect and value, Equal",
	  TOL("foo", "Equal", "bar", "NoSchedule"), TNT("foo", "bar", "NoSchedule"), true },
	{ "same key and effect, different values, Equal",
	  TOL("foo", "Equal", "value1", "NoSchedule"), TNT("foo", "value2", "NoSchedule"), false },
	{ "same key and value, different effects, Equal",
	  TOL("foo", "Equal", "bar", "NoSchedule"), TNT("foo", "bar", "NoExecute"), false },
};

static void test_karmada__k8s_tolerations(void **state)
{
	/* k8s.io/api v0.31.3 core/v1/taint_test.go, TestTaintToString, cases 1, 2
	 * and 4 (case 3 is test_karmada__taint_string_without_effect). */
	static const struct { struct tb_taint t; const char *want; } str[] = {
		{ TNT("foo", "bar", "NoSchedule"), "foo=bar:NoSchedule" },
		{ TNT("foo", NULL, "NoSchedule"), "foo:NoSchedule" },
		{ TNT("foo", "bar", NULL), "foo=bar:" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(k8s_tolerates); i++)
		if (tb_toleration_tolerates(&k8s_tolerates[i].tol, &k8s_tolerates[i].taint) !=
		    k8s_tolerates[i].want)
			fail_msg("TestTolerationToleratesTaint \"%s\"", k8s_tolerates[i].name);
	for (i = 0; i < N(str); i++) {
		struct tb_strbuf sb = TB_STRBUF_INIT;
		tb_taint_string(&str[i].t, &sb);
		expect_sb(&sb, str[i].want, "TestTaintToString");
	}
}

/* Taint.ToString() prints a taint with neither value nor effect as its bare
 * key (found by this port: Tugboat printed "foo:"). */
static void test_karmada__taint_string_without_effect(void **state)
{
	/* k8s.io/api v0.31.3 core/v1/taint_test.go, TestTaintToString, case 3. */
	struct tb_taint t = { .key = "foo" };
	struct tb_strbuf sb = TB_STRBUF_INIT;

	(void)state;
	tb_taint_string(&t, &sb);
	expect_sb(&sb, "foo", "TestTaintToString case 3");
}

/* ---- Karmada v1.13.10 pkg/util/helper/taint_test.go: the taint manager's arithmetic ------ */

static void test_karmada__matching_tolerations(void **state)
{
	/* TestGetMatchingTolerations (all 4): through tb_taint_untolerated with
	 * the Go test's NoSchedule taints, then through tb_taintmgr_decide with
	 * every effect made NoExecute. */
	struct tb_taint taints[] = { TNT("key1", "value1", "NoSchedule"),
				     TNT("key2", "value2", "NoSchedule") };
	struct tb_toleration ok[] = { TOL("key1", NULL, "value1", "NoSchedule"),
				      TOL("key2", NULL, "value2", "NoSchedule") };
	struct tb_toleration bad[] = { TOL("key1", NULL, "value_1", "NoSchedule"),
				       TOL("key2", NULL, "value_2", "NoSchedule") };
	int64_t at = 0;
	size_t i;

	(void)state;
	assert_null(tb_taint_untolerated(NULL, 0, ok, 1));			/* taints is nil */
	assert_ptr_equal(tb_taint_untolerated(taints, 1, NULL, 0), &taints[0]);	/* tolerations nil */
	assert_null(tb_taint_untolerated(taints, 2, ok, 2));			/* tolerated: true */
	assert_ptr_equal(tb_taint_untolerated(taints, 2, bad, 2), &taints[0]);	/* ... false */
	for (i = 0; i < 2; i++)
		taints[i].effect = ok[i].effect = bad[i].effect = "NoExecute";
	assert_int_equal(tb_taintmgr_decide(NULL, 0, ok, 1, NOW, &at), TB_EVICT_NEVER);
	assert_int_equal(tb_taintmgr_decide(taints, 1, NULL, 0, NOW, &at), TB_EVICT_NOW);
	assert_int_equal(tb_taintmgr_decide(taints, 2, ok, 2, NOW, &at), TB_EVICT_NEVER);
	assert_int_equal(tb_taintmgr_decide(taints, 2, bad, 2, NOW, &at), TB_EVICT_NOW);
}

#define NX(k, at) { .key = k, .value = "value", .effect = "NoExecute", .time_added = (at) }
#define TOLX(k, secs) { .key = k, .operator_ = "Exists", .effect = "NoExecute", \
			.toleration_seconds = { (secs) >= 0, (secs) } }

/* TestGetMinTolerationTime (all 7): its -1 (never), 0 (now) and d (now + d)
 * are tb_taintmgr_decide's NEVER, NOW and AT. */
static const struct {
	const char *name;
	struct tb_taint taints[2];
	size_t ntaints;
	struct tb_toleration tols[2];
	size_t ntols;
	enum tb_evict_decision want;
	int64_t want_at;
} min_toleration[] = {
	{ "no noExecuteTaints", { { 0 } }, 0, { TOLX("key", 60) }, 1, TB_EVICT_NEVER, 0 },
	{ "no usedTolerations", { NX("key", NOW) }, 1, { { 0 } }, 0, TB_EVICT_NOW, 0 },
	{ "with noExecuteTaints and usedTolerations", { NX("key", NOW) }, 1, { TOLX("key", 60) }, 1,
	  TB_EVICT_AT, NOW + 60 * S },
	{ "usedTolerantion.TolerationSeconds is nil", { NX("key", NOW) }, 1, { TOLX("key", -1) }, 1,
	  TB_EVICT_NEVER, 0 },
	{ "noExecuteTaints.TimeAdded is nil", { NX("key", 0) }, 1, { TOLX("key", 60) }, 1,
	  TB_EVICT_NEVER, 0 },
	{ "find the latest trigger time", { NX("key1", NOW), NX("key2", NOW) }, 2,
	  { TOLX("key1", 120), TOLX("key2", 60) }, 2, TB_EVICT_AT, NOW + 60 * S },
	{ "trigger time is up", { NX("key", NOW - 3600 * S) }, 1, { TOLX("key", 60) }, 1,
	  TB_EVICT_NOW, 0 },
};

static void test_karmada__min_toleration_time(void **state)
{
	/* TestHasNoExecuteTaints and TestGetNoExecuteTaints (same data, 2 cases
	 * each): only NoExecute taints count for the taint manager. */
	struct tb_taint has[] = { TNT(KP "unreachable", NULL, "NoExecute"),
				  TNT(KP "not-ready", NULL, "NoSchedule") };
	struct tb_taint hasnt[] = { TNT(KP "unreachable", NULL, "PreferNoSchedule"),
				    TNT(KP "not-ready", NULL, "NoSchedule") };
	/* TestTolerationExists (both), as tb_toleration_same (MatchToleration). */
	struct tb_toleration list[] = { TOL(KP "unreachable", "Equal", "foo", "NoExecute"),
					TOL(KP "not-ready", "Equal", "foo", "NoExecute") };
	struct tb_toleration absent = TOL(KP "not-ready", "Equal", "foo", "NoSchedule");
	struct tb_toleration present = TOL(KP "not-ready", "Equal", "foo", "NoExecute");
	int64_t at;
	size_t i;

	(void)state;
	for (i = 0; i < N(min_toleration); i++) {
		enum tb_evict_decision d;

		at = -1;
		d = tb_taintmgr_decide(min_toleration[i].taints, min_toleration[i].ntaints,
				       min_toleration[i].tols, min_toleration[i].ntols, NOW, &at);
		if (d != min_toleration[i].want || (d == TB_EVICT_AT && at != min_toleration[i].want_at))
			fail_msg("TestGetMinTolerationTime \"%s\": got %d at %lld",
				 min_toleration[i].name, (int)d, (long long)at);
	}
	assert_int_equal(tb_taintmgr_decide(has, 2, NULL, 0, NOW, &at), TB_EVICT_NOW);
	assert_int_equal(tb_taintmgr_decide(hasnt, 2, NULL, 0, NOW, &at), TB_EVICT_NEVER);
	assert_false(tb_toleration_same(&list[0], &absent) || tb_toleration_same(&list[1], &absent));
	present.toleration_seconds = (struct tb_optint){ true, 5 };	/* plays no part */
	assert_true(tb_toleration_same(&list[1], &present));
}

/* ---- Karmada v1.13.10 taint_manager_test.go: needEviction, then GracefulEvictCluster ----- */

static void test_karmada__taint_manager_sync(void **state)
{
	/* TestNoExecuteTaintManager_syncBindingEviction and _syncClusterBindingEviction
	 * (the same rule for RB and CRB): a not-ready NoExecute taint without
	 * timeAdded. The "rb/crb/cluster not exist" cases test the client: skipped. */
	struct tb_taint taint = { .key = TB_TAINT_NOT_READY, .effect = "NoExecute" };
	struct tb_toleration tols[] = { TOLX(TB_TAINT_NOT_READY, 30), TOLX(TB_TAINT_UNREACHABLE, 30) };
	struct tb_evict_opts o = { .purge_mode = "Graciously", .producer = TB_PRODUCER_TAINT_MANAGER,
				   .reason = TB_REASON_TAINT_UNTOLERATED };
	struct tb_binding *b = new_binding("test-cluster:1");
	int64_t at = 0;
	bool evicted;

	(void)state;
	/* "rb without tolerations" (only unreachable tolerated): evicted now,
	 * gracefully, into one task that keeps the cluster's replica. */
	assert_int_equal(tb_taintmgr_decide(&taint, 1, &tols[1], 1, NOW, &at), TB_EVICT_NOW);
	evicted = tb_evict_cluster(&b->spec, "test-cluster", &o);
	expect_spec(b, "", "test-cluster/Graciously/1/TaintUntolerated/TaintManager/-",
		    "syncBindingEviction: rb without tolerations");
	tb_schema_free(&tb_binding_schema, b);
	assert_true(evicted);
	/* "rb with tolerations": tolerated, and with no timeAdded for ever. */
	assert_int_equal(tb_taintmgr_decide(&taint, 1, tols, 2, NOW, &at), TB_EVICT_NEVER);
}

/* ---- Karmada v1.13.10 cluster controller: taints from the Ready condition ---------------- */

/* Taints before (added at OLD), the Ready state and how long it has held,
 * and the taints after tb_taint_sync (last_ok_ms = 0: Karmada's behaviour). */
static const struct {
	const char *src, *before;
	enum tb_ready ready;
	int64_t timeout_ms, for_ms;
	const char *effect;	/* compare only taints of this effect (NULL: all) */
	const char *want;
} sync_cases[] = {
#define DUE 30 * S, 31 * S, "NoExecute"	/* the eviction timeout has passed: NoExecute compared */
#define FRESH 30 * S, 0, NULL		/* just changed: every taint compared */
	/* helper/taint_test.go, TestSetCurrentClusterTaints (all 7): the NoExecute
	 * templates swap once the eviction timeout has passed. tb_taint_sync also
	 * keeps the NoSchedule pair (taintClusterByCondition): not compared here. */
	{ "from true to false", "", TB_READY_FALSE, DUE, "not-ready:NoExecute@now" },
	{ "from true to unknown", "", TB_READY_UNKNOWN, DUE, "unreachable:NoExecute@now" },
	{ "from false to unknown", "not-ready:NoExecute", TB_READY_UNKNOWN, DUE,
	  "unreachable:NoExecute@now" },
	{ "from false to true", "not-ready:NoExecute", TB_READY_TRUE, DUE, "" },
	{ "from unknown to true", "unreachable:NoExecute", TB_READY_TRUE, DUE, "" },
	{ "from unknown to false", "unreachable:NoExecute", TB_READY_FALSE, DUE,
	  "not-ready:NoExecute@now" },
	{ "clusterTaintsToAdd is nil and clusterTaintsToRemove is nil", "unreachable:NoExecute",
	  TB_READY_UNKNOWN, DUE, "unreachable:NoExecute@old" },
	/* cluster_controller_test.go, TestController_Reconcile, its 4 taint cases
	 * (NoSchedule at once). "cluster not found" and "remove cluster failed"
	 * test deletion plumbing: skipped. */
	{ "Reconcile: cluster without status", "", TB_READY_NONE, FRESH, "not-ready:NoSchedule@now" },
	{ "Reconcile: cluster with ready condition", "not-ready:NoSchedule", TB_READY_TRUE, FRESH, "" },
	{ "Reconcile: cluster with unknown condition", "not-ready:NoSchedule", TB_READY_UNKNOWN,
	  FRESH, "unreachable:NoSchedule@now" },
	{ "Reconcile: cluster with false condition", "unreachable:NoSchedule", TB_READY_FALSE,
	  FRESH, "not-ready:NoSchedule@now" },
	/* cluster_controller_test.go, TestController_monitorClusterHealth (both):
	 * the fake controller's FailoverEvictionTimeout is 0, so a cluster that
	 * never reported goes Unknown and gets NoExecute at once. Its want has only
	 * that taint (processTaintBaseEviction runs alone); Tugboat adds the
	 * NoSchedule one in the same call, so NoExecute alone is compared. */
	{ "monitorClusterHealth: cluster without status", "", TB_READY_UNKNOWN, 0, 1 * S,
	  "NoExecute", "unreachable:NoExecute@now" },
	{ "monitorClusterHealth: cluster with ready condition", "", TB_READY_TRUE, 0, 1 * S, NULL,
	  "" },
#undef DUE
#undef FRESH
};

static void test_karmada__cluster_taints(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N(sync_cases); i++) {
		struct tb_failover_config c;
		struct tb_cluster cl;

		tb_config_init(&c);
		c.eviction_timeout_ms = sync_cases[i].timeout_ms;
		memset(&cl, 0, sizeof(cl));
		add_taints(&cl.spec, sync_cases[i].before, OLD);
		tb_taint_sync(&cl.spec, sync_cases[i].ready, NOW - sync_cases[i].for_ms, 0, &c, true,
			      NOW);
		expect_taints(&cl.spec, sync_cases[i].effect, sync_cases[i].want, sync_cases[i].src);
		tb_schema_release(&tb_cluster_schema, &cl);
	}
}

/* ---- Karmada v1.13.10 gracefuleviction/evictiontask_test.go ------------------------------ */

/* One tb_evict_assess round. tasks: "from[:ago][:flag]", ago in minutes (none:
 * not stamped yet), flag s/k for suppressDeletion true/false, gN for
 * gracePeriodSeconds N. status: "cluster=Health[/readyReplicas]". kept:
 * tasks left ("@now": stamped this round); next_ms -1: not checked. */
static const struct {
	const char *src, *tasks, *targets, *status;
	bool scheduled;
	int64_t timeout_ms;
	const char *kept, *removed;
	int64_t next_ms;
	const char *distrust;	/* a cluster trusted() rejects; NULL: trusted = NULL */
} assess_cases[] = {
	/* Test_assessSingleTask (all 7). */
	{ "doesn't exceed the timeout, hasScheduled is false, task has no change", "member1:1",
	  "", "", false, 3 * MIN, "member1", "", 2 * MIN, NULL },
	{ "task exceeds the timeout, task will be nil", "member1:4", "", "", false, 3 * MIN, "",
	  "member1", 0, NULL },
	{ "hasScheduled is true, scheduled result is healthy, task will be nil", "member1:1",
	  "memberA", "memberA=Healthy", true, 3 * MIN, "", "member1", 0, NULL },
	{ "hasScheduled is true, scheduled result is unhealthy, task has no change", "member1:1",
	  "memberA", "memberA=Unhealthy", true, 3 * MIN, "member1", "", -1, NULL },
	{ "hasScheduled is true, scheduled result is unknown, task has no change", "member1:1",
	  "memberA", "memberA=Unknown", true, 3 * MIN, "member1", "", -1, NULL },
	/* suppressDeletion decides before the timeout: kept although past it
	 * (the Go case has no timeout), removed although within it. */
	{ "suppressDeletion is declared, value is true", "member1:1:s", "", "", false, 0,
	  "member1", "", 0, NULL },
	{ "suppressDeletion is declared, value is false", "member1:1:k", "", "", false, 3 * MIN,
	  "", "member1", 0, NULL },
	/* Test_assessEvictionTasks (all 8); its harness always passes hasScheduled: true. */
	{ "tasks without creation timestamp", "member1,member2", "", "", true, 3 * MIN,
	  "member1@now,member2@now", "", 3 * MIN, NULL },
	{ "all tasks do not exceed the timeout, but hasScheduled is false", "member1:1,member2:2",
	  "memberA", "", true, 3 * MIN, "member1,member2", "", 1 * MIN, NULL },
	{ "task that exceed the timeout should be removed", "member1:4,member2:1", "memberA", "",
	  true, 3 * MIN, "member2", "member1", 2 * MIN, NULL },
	{ "mixed tasks", "member1,member2:2,member3:4", "memberA,memberB", "", true, 3 * MIN,
	  "member1@now,member2", "member3", 1 * MIN, NULL },
	{ "someone binding scheduled result is missing", "member1:1,member2:2", "memberA,memberB",
	  "memberA=Healthy", true, 3 * MIN, "member1,member2", "", -1, NULL },
	{ "binding scheduled result is healthy, tasks need to be removed", "member1:1,member2:2",
	  "memberA,memberB", "memberA=Healthy,memberB=Healthy", true, 3 * MIN, "",
	  "member1,member2", 0, NULL },
	{ "someone binding scheduled result is unhealthy", "member1:1,member2:2",
	  "memberA,memberB", "memberA=Healthy,memberB=Unhealthy", true, 3 * MIN,
	  "member1,member2", "", -1, NULL },
	{ "someone binding scheduled result is unknown", "member1:1,member2:2", "memberA,memberB",
	  "memberA=Healthy,memberB=Unknown", true, 3 * MIN, "member1,member2", "", -1, NULL },
	/* Test_nextRetry (all 6), as the return value: 20 min timeout, not
	 * scheduled yet, so every task is kept. */
	{ "empty tasks", "", "", "", false, 20 * MIN, "", "", 0, NULL },
	{ "retry interval is less than timeout / 10", "member1:19,member2:10", "", "", false,
	  20 * MIN, "member1,member2", "", 1 * MIN, NULL },
	{ "retry interval is equal to timeout / 10", "member1:10,member2:5", "", "", false,
	  20 * MIN, "member1,member2", "", 10 * MIN, NULL },
	{ "suppression and graciously tasks co-exist", "member1:60:s,member2:5", "", "", false,
	  20 * MIN, "member1,member2", "", 15 * MIN, NULL },
	{ "only suppression tasks", "member1:60:s,member2:5:s", "", "", false, 20 * MIN,
	  "member1,member2", "", 0, NULL },
	{ "task with custom grace period - not expired", "member1:5:g600", "", "", false,
	  20 * MIN, "member1", "", 5 * MIN, NULL },
	/* Tugboat's documented differences (evict.h), no Karmada test. (1) Each
	 * task reads its own grace period: v1.13.10's assessEvictionTasks leaves
	 * member1's 60 s in opt.timeout, so member2 (2 of 3 min) would go too. */
	{ "Tugboat: per-task grace period", "member1:2:g60,member2:2", "", "", false, 3 * MIN,
	  "member2", "member1", 1 * MIN, NULL },
	/* (2) A Healthy report of fewer ready replicas than now wanted is stale:
	 * the task stays, where Karmada would end it. */
	{ "Tugboat: stale Healthy report", "member1:1", "memberA:3", "memberA=Healthy/1", true,
	  3 * MIN, "member1", "", 2 * MIN, NULL },
	/* (3) "binding scheduled result is healthy", but memberB is not answering
	 * now (trusted() says so): its Healthy report is not taken. */
	{ "Tugboat: report from an untrusted cluster", "member1:1", "memberA,memberB",
	  "memberA=Healthy,memberB=Healthy", true, 3 * MIN, "member1", "", 2 * MIN, "memberB" },
};

static bool trusted_but(void *ctx, const char *cluster)
{
	return strcmp(cluster, ctx) != 0;
}

static void test_karmada__assess_eviction_tasks(void **state)
{
	char item[64], part[32];
	size_t i, k;

	(void)state;
	for (i = 0; i < N(assess_cases); i++) {
		struct tb_binding *b = new_binding(assess_cases[i].targets);
		TB_VEC(char *) removed = { NULL, 0 };
		struct tb_strbuf kept = TB_STRBUF_INIT, gone = TB_STRBUF_INIT;
		const char *p = assess_cases[i].tasks;
		struct tb_evict_env env;
		int64_t next;

		if (!assess_cases[i].scheduled)
			b->status.scheduler_observed_generation = 1;
		while (next_item(&p, ',', item, sizeof(item))) {
			const char *q = item;
			struct tb_eviction_task *t;

			next_item(&q, ':', part, sizeof(part));
			t = add_task(b, part, NULL, 0);
			if (next_item(&q, ':', part, sizeof(part)))
				t->creation_timestamp = NOW - strtoll(part, NULL, 10) * MIN;
			if (!next_item(&q, ':', part, sizeof(part)))
				continue;
			if (part[0] == 'g')
				t->grace_period_seconds = (struct tb_optint){ true, atoi(part + 1) };
			else
				t->suppress_deletion = (struct tb_optbool){ true, part[0] == 's' };
		}
		p = assess_cases[i].status;
		while (next_item(&p, ',', item, sizeof(item))) {
			char *eq = strchr(item, '='), *slash = strchr(item, '/');

			*eq = '\0';
			if (slash)
				*slash = '\0';
			add_status(b, item, eq + 1, slash ? atoi(slash + 1) : 0);
		}
		env = (struct tb_evict_env){
			.timeout_ms = assess_cases[i].timeout_ms,
			.trusted = assess_cases[i].distrust ? trusted_but : NULL,
			.ctx = (void *)assess_cases[i].distrust,
		};
		next = tb_evict_assess(b, NOW, &env, &removed);
		for (k = 0; k < b->spec.graceful_eviction_tasks.n; k++) {
			const struct tb_eviction_task *t = &b->spec.graceful_eviction_tasks.v[k];
			tb_strbuf_addf(&kept, "%s%s%s", k ? "," : "", t->from_cluster,
				       t->creation_timestamp == NOW ? "@now" : "");
		}
		for (k = 0; k < removed.n; k++) {
			tb_strbuf_addf(&gone, "%s%s", k ? "," : "", removed.v[k]);
			tb_free(removed.v[k]);
		}
		tb_free(removed.v);
		tb_schema_free(&tb_binding_schema, b);
		expect_sb(&kept, assess_cases[i].kept, assess_cases[i].src);
		expect_sb(&gone, assess_cases[i].removed, assess_cases[i].src);
		if (assess_cases[i].next_ms >= 0 && next != assess_cases[i].next_ms)
			fail_msg("%s: next %lld, want %lld", assess_cases[i].src, (long long)next,
				 (long long)assess_cases[i].next_ms);
	}
}

/* ---- Karmada v1.13.10 apis/work/v1alpha2/binding_types_helper_test.go -------------------- */

/* TestResourceBindingSpec_GracefulEvictCluster (all 7). Options: producer
 * TaintManager, reason TaintUntolerated, message "graceful eviction". */
static const struct {
	const char *src, *targets;
	const char *existing, *existing_msg;	/* a task already there (msg: the Go v1 task) */
	const char *evict, *purge;
	bool want_ret;
	const char *want_targets, *want_tasks;
} gec_cases[] = {
	{ "cluster not exist should do nothing", "m1,m2,m3", NULL, NULL, "non-exist", NULL, false,
	  "m1:0,m2:0,m3:0", "" },
	{ "evict cluster from head", "m1:1,m2:2,m3:3", NULL, NULL, "m1", "Immediately", true,
	  "m2:2,m3:3", "m1/Immediately/1/TaintUntolerated/TaintManager/graceful eviction" },
	{ "remove cluster from middle", "m1:1,m2:2,m3:3", NULL, NULL, "m2", "Never", true,
	  "m1:1,m3:3", "m2/Never/2/TaintUntolerated/TaintManager/graceful eviction" },
	{ "remove cluster from tail", "m1:1,m2:2,m3:3", NULL, NULL, "m3", "Graciously", true,
	  "m1:1,m2:2", "m3/Graciously/3/TaintUntolerated/TaintManager/graceful eviction" },
	{ "eviction task should be appended to non-empty tasks", "m1:1,m2:2,m3:3",
	  "original-cluster", NULL, "m3", "Graciously", true, "m1:1,m2:2",
	  "original-cluster/-/-/-/-/-,m3/Graciously/3/TaintUntolerated/TaintManager/graceful eviction" },
	{ "remove cluster from empty list", "", NULL, NULL, "", NULL, false, "", "" },
	{ "same eviction task should not be appended multiple times", "m1:1,m2:2", "m1",
	  "graceful eviction v1", "m1", "Graciously", true, "m2:2",
	  "m1/-/1/TaintUntolerated/TaintManager/graceful eviction v1" },
};

static void test_karmada__graceful_evict_cluster(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N(gec_cases); i++) {
		struct tb_evict_opts o = { .purge_mode = gec_cases[i].purge,
					   .producer = TB_PRODUCER_TAINT_MANAGER,
					   .reason = TB_REASON_TAINT_UNTOLERATED,
					   .message = "graceful eviction" };
		struct tb_binding *b = new_binding(gec_cases[i].targets);
		bool ret;

		if (gec_cases[i].existing) {
			struct tb_eviction_task *t = add_task(b, gec_cases[i].existing, NULL, 0);
			if (gec_cases[i].existing_msg) {
				t->replicas = (struct tb_optint){ true, 1 };
				t->reason = tb_strdup(TB_REASON_TAINT_UNTOLERATED);
				t->producer = tb_strdup(TB_PRODUCER_TAINT_MANAGER);
				t->message = tb_strdup(gec_cases[i].existing_msg);
			}
		}
		ret = tb_evict_cluster(&b->spec, gec_cases[i].evict, &o);
		expect_spec(b, gec_cases[i].want_targets, gec_cases[i].want_tasks, gec_cases[i].src);
		tb_schema_free(&tb_binding_schema, b);
		if (ret != gec_cases[i].want_ret)
			fail_msg("%s: returned %d", gec_cases[i].src, ret);
	}
}

/* ---- Karmada v1.13.10 pkg/util/helper/binding_test.go ------------------------------------ */

/* TestObtainBindingSpecExistingClusters (all 4), as tb_evict_keeps over
 * member1..5. rb_only: in the set only through spec.requiredBy, checked by
 * test_karmada__existing_required_by. */
static const struct {
	const char *src, *targets;
	const char *required_by;	/* a cluster of one requiredBy snapshot */
	const char *tasks;	/* "name[:purgeMode],..." */
	const char *want, *rb_only;
} existing_cases[] = {
	{ "unique cluster name without GracefulEvictionTasks field", "member1:2,member2:3",
	  "member3", "", "member1,member2,member3", "member3" },
	{ "all spec fields do not contain duplicate cluster names", "member1:2,member2:3",
	  "member3", "member4", "member1,member2,member3,member4", "member3" },
	{ "duplicate cluster name", "member1:2,member2:3", "member3", "member3",
	  "member1,member2,member3", "" },
	{ "unique cluster names with GracefulEvictionTasks with PurgeMode Immediately",
	  "member1:2,member2:3", "", "member3:Immediately,member4:Graciously,member5:Never",
	  "member1,member2,member4,member5", "" },
};

static struct tb_binding *existing_binding(size_t i)
{
	struct tb_binding *b = new_binding(existing_cases[i].targets);
	const char *p = existing_cases[i].tasks;
	char item[64], *colon;

	if (*existing_cases[i].required_by) {
		struct tb_binding_snapshot *snap = push(&b->spec.required_by, sizeof(*snap));
		struct tb_target_cluster *tc = push(&snap->clusters, sizeof(*tc));

		snap->name = tb_strdup("dependent");
		tc->name = tb_strdup(existing_cases[i].required_by);
		tc->replicas = 2;
	}
	while (next_item(&p, ',', item, sizeof(item))) {
		if ((colon = strchr(item, ':')))
			*colon = '\0';
		add_task(b, item, colon ? colon + 1 : NULL, 0);
	}
	return b;
}

static void test_karmada__existing_clusters(void **state)
{
	static const char *const names[] = { "member1", "member2", "member3", "member4", "member5" };
	struct tb_binding *b;
	bool got[5];
	size_t i, k;

	(void)state;
	for (i = 0; i < N(existing_cases); i++) {
		b = existing_binding(i);
		for (k = 0; k < 5; k++)
			got[k] = tb_evict_keeps(&b->spec, names[k]);
		tb_schema_free(&tb_binding_schema, b);
		for (k = 0; k < 5; k++)
			if (!in_list(existing_cases[i].rb_only, names[k]) &&
			    got[k] != in_list(existing_cases[i].want, names[k]))
				fail_msg("%s: %s kept %d", existing_cases[i].src, names[k], got[k]);
	}
	/* binding_types_helper_test.go, TestResourceBindingSpec_ClusterInGracefulEvictionTasks
	 * (both): a cluster with a task (purge mode unset) is still held. */
	b = new_binding("");
	add_task(b, "member1", NULL, 0)->producer = tb_strdup(TB_PRODUCER_TAINT_MANAGER);
	add_task(b, "member2", NULL, 0)->producer = tb_strdup(TB_PRODUCER_TAINT_MANAGER);
	got[0] = tb_evict_keeps(&b->spec, "member1");
	got[1] = tb_evict_keeps(&b->spec, "member3");
	tb_schema_free(&tb_binding_schema, b);
	assert_true(got[0]);
	assert_false(got[1]);
}

/* ObtainBindingSpecExistingClusters also counts spec.requiredBy's clusters
 * (where the bindings depending on this one run), so that a dependency
 * (ConfigMap, Secret) is not removed from under its dependents (found by
 * this port: tb_evict_keeps ignored requiredBy). */
static void test_karmada__existing_required_by(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N(existing_cases); i++) {
		struct tb_binding *b;
		bool got;

		if (!*existing_cases[i].rb_only)
			continue;
		b = existing_binding(i);
		got = tb_evict_keeps(&b->spec, existing_cases[i].rb_only);
		tb_schema_free(&tb_binding_schema, b);
		if (!got)
			fail_msg("TestObtainBindingSpecExistingClusters \"%s\": %s (requiredBy) "
				 "not kept", existing_cases[i].src, existing_cases[i].rb_only);
	}
}

/* ---- Karmada v1.13.10 helper/policy_test.go and taint_test.go: webhook defaults ---------- */

/* A PropagationPolicy through the admission path (decode, tb_policy_default
 * with --default-not-ready-toleration-seconds=123 and unreachable 300,
 * validate), summarised as "errors tolerations|spread|division|grace". */
static void expect_defaulted(const char *spec_tail, const char *want, const char *ctx)
{
	static const struct tb_policy_defaults d = { 123, 300, "default" };
	struct tb_strbuf sb = TB_STRBUF_INIT;
	const struct tb_placement *pl;
	const struct tb_policy *p;
	struct tb_object o;
	char text[1024], *errs;
	size_t i;

	snprintf(text, sizeof(text), "apiVersion: policy.karmada.io/v1alpha1\n"
		 "kind: PropagationPolicy\nmetadata: {name: p, namespace: default}\nspec:\n"
		 "  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: d}]\n%s",
		 spec_tail);
	errs = tu_check(text, &o, 0, &d);
	tb_strbuf_adds(&sb, errs);
	tb_free(errs);
	p = o.typed;
	pl = p->spec.placement;
	for (i = 0; i < pl->cluster_tolerations.n; i++) {
		const struct tb_toleration *t = &pl->cluster_tolerations.v[i];
		tb_strbuf_addf(&sb, "%s%s/%s/%s/%s/", i ? "," : "", OR_DASH(t->key),
			       OR_DASH(t->operator_), OR_DASH(t->value), OR_DASH(t->effect));
		if (t->toleration_seconds.set)
			tb_strbuf_addf(&sb, "%lld", (long long)t->toleration_seconds.v);
	}
	tb_strbuf_adds(&sb, "|");
	for (i = 0; i < pl->spread_constraints.n; i++)
		tb_strbuf_addf(&sb, "%s%s/%lld", i ? "," : "",
			       OR_DASH(pl->spread_constraints.v[i].spread_by_field),
			       (long long)pl->spread_constraints.v[i].min_groups);
	tb_strbuf_addf(&sb, "|%s|", pl->replica_scheduling ?
		       OR_DASH(pl->replica_scheduling->division_preference) : "none");
	if (p->spec.failover && p->spec.failover->application &&
	    p->spec.failover->application->grace_period_seconds.set)
		tb_strbuf_addf(&sb, "%lld",
			       (long long)p->spec.failover->application->grace_period_seconds.v);
	tb_object_release(&o);
	expect_sb(&sb, want, ctx);
}

#define DEF_TOLS KP "not-ready/Exists/-/NoExecute/123," KP "unreachable/Exists/-/NoExecute/300"
#define APP_FAILOVER "  propagateDeps: true\n  failover: {application: {decisionConditions: {}, "

static const struct { const char *src, *spec, *want; } default_cases[] = {
	/* taint_test.go, TestAddTolerations: appended in order after the user's;
	 * with TestNewNotReadyToleration / TestNewUnreachableToleration. */
	{ "TestAddTolerations", "  placement: {clusterTolerations: [{key: key1, operator: Equal, "
	  "value: value1, effect: NoSchedule}, {key: key2, operator: Equal, value: value2, "
	  "effect: NoSchedule}]}\n", "key1/Equal/value1/NoSchedule/,key2/Equal/value2/NoSchedule/,"
	  DEF_TOLS "||none|" },
	/* AddTolerations skips what TolerationExists (MatchToleration) finds. */
	{ "AddTolerations: already there", "  placement: {clusterTolerations: [{key: " KP
	  "not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 30}]}\n",
	  KP "not-ready/Exists/-/NoExecute/30," KP "unreachable/Exists/-/NoExecute/300||none|" },
	/* policy_test.go, TestSetDefaultSpreadConstraints (both). */
	{ "set spreadByField", "  placement: {spreadConstraints: [{minGroups: 1}]}\n",
	  DEF_TOLS "|cluster/1|none|" },
	{ "set minGroups", "  placement: {spreadConstraints: [{spreadByField: cluster}]}\n",
	  DEF_TOLS "|cluster/1|none|" },
	/* policy_test.go, TestSetReplicaDivisionPreferenceWeighted (all 3). */
	{ "no replica scheduling strategy declared", "", DEF_TOLS "||none|" },
	{ "specified aggregated division preference", "  placement: {replicaScheduling: "
	  "{replicaSchedulingType: Divided, replicaDivisionPreference: Aggregated}}\n",
	  DEF_TOLS "||Aggregated|" },
	{ "unspecified replica division preference",
	  "  placement: {replicaScheduling: {replicaSchedulingType: Divided}}\n",
	  DEF_TOLS "||Weighted|" },
	/* policy_test.go, TestSetDefaultGracePeriodSeconds (all 3). */
	{ "purgeMode is not graciously", APP_FAILOVER "purgeMode: Never}}\n", DEF_TOLS "||none|" },
	{ "purgeMode is graciously and gracePeriodSeconds is set",
	  APP_FAILOVER "purgeMode: Graciously, gracePeriodSeconds: 200}}\n", DEF_TOLS "||none|200" },
	{ "purgeMode is graciously and gracePeriodSeconds is not set",
	  APP_FAILOVER "purgeMode: Graciously}}\n", DEF_TOLS "||none|600" },
};

static void test_karmada__policy_defaults(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N(default_cases); i++)
		expect_defaulted(default_cases[i].spec, default_cases[i].want, default_cases[i].src);
}

/* ---- Karmada HEAD pkg/controllers/taint/clustertaintpolicy_controller_test.go ------------ */

/* One policy (no targetClusters) applied to a cluster with conditions conds
 * ("Type=Status,...") and taints before (added at OLD). Match conditions are
 * "Type:Operator:Status|Status,...". */
static const struct {
	const char *src, *conds, *add_on, *remove_on, *taints, *before, *want;
} ctp_cases[] = {
#define ADD_ON_READY "Ready=True", "Ready:In:True", ""	/* the add conditions hold */
#define RM_ON_READY "Ready=True", "", "Ready:In:True"	/* the remove conditions hold */
	/* TestConditionMatches (all 7), seen through whether the taint is added. */
	{ "empty match conditions", "Ready=True", "", "", "t:NoSchedule", "", "" },
	{ "match: operator is In", ADD_ON_READY, "t:NoSchedule", "", "t:NoSchedule@now" },
	{ "don't match: operator is In", "Ready=False", "Ready:In:True", "", "t:NoSchedule", "", "" },
	{ "match: operator is NotIn", "Ready=False", "Ready:NotIn:True|Unknown", "", "t:NoSchedule",
	  "", "t:NoSchedule@now" },
	{ "don't match: operator is NotIn", "Ready=False", "Ready:NotIn:False", "", "t:NoSchedule",
	  "", "" },
	{ "match: multiple conditions", "Ready=Unknown,NetworkReady=False,StorageReady=True",
	  "Ready:In:False|Unknown,NetworkReady:NotIn:True", "", "t:NoSchedule", "",
	  "t:NoSchedule@now" },
	{ "don't match: multiple conditions", "Ready=True,NetworkReady=False,StorageReady=True",
	  "Ready:In:False|Unknown,NetworkReady:NotIn:True", "", "t:NoSchedule", "", "" },
	/* TestAddTaintsOnCluster (all 3). */
	{ "add new taint", ADD_ON_READY, "key1=value1:NoSchedule", "", "key1=value1:NoSchedule@now" },
	{ "add the existing taint, don't update TimeAdded", ADD_ON_READY, "key1=value1:NoSchedule",
	  "key1=value1:NoSchedule", "key1=value1:NoSchedule@old" },
	{ "add multi taints", ADD_ON_READY, "key1=value1:NoSchedule,key3=value3:NoExecute",
	  "key2=value2:PreferNoSchedule",
	  "key2=value2:PreferNoSchedule@old,key1=value1:NoSchedule@now,key3=value3:NoExecute@now" },
	/* TestRemoveTaintsOnCluster (all 3). */
	{ "remove a taint", RM_ON_READY, "key1:NoSchedule", "key1:NoSchedule", "" },
	{ "remove multiple matched taints", RM_ON_READY, "key1:NoSchedule,key2:NoExecute",
	  "key1:NoSchedule,key2:NoExecute", "" },
	{ "no matched taints", RM_ON_READY, "key2:NoExecute", "key1:NoSchedule",
	  "key1:NoSchedule@old" },
	/* k8s.io/api v0.31.3 core/v1/taint_test.go, TestMatchTaint (all 4), and
	 * Karmada helper/taint_test.go, TestTaintExists (both): a taint is there
	 * when key and effect match, whatever its value. */
	{ "MatchTaint: same key, value, effect", ADD_ON_READY, "foo=bar:NoSchedule",
	  "foo=bar:NoSchedule", "foo=bar:NoSchedule@old" },
	{ "MatchTaint: same key, effect, different value", ADD_ON_READY,
	  "foo=different-value:NoSchedule", "foo=bar:NoSchedule", "foo=bar:NoSchedule@old" },
	{ "MatchTaint: different key", ADD_ON_READY, "different-key=bar:NoSchedule",
	  "foo=bar:NoSchedule", "foo=bar:NoSchedule@old,different-key=bar:NoSchedule@now" },
	{ "MatchTaint: different effect", ADD_ON_READY, "foo=bar:NoSchedule",
	  "foo=bar:PreferNoSchedule", "foo=bar:PreferNoSchedule@old,foo=bar:NoSchedule@now" },
	{ "TaintExists: exist", ADD_ON_READY, "unreachable:NoExecute",
	  "unreachable:NoExecute,not-ready:NoExecute",
	  "unreachable:NoExecute@old,not-ready:NoExecute@old" },
	{ "TaintExists: not exist", ADD_ON_READY, "not-ready:NoSchedule",
	  "unreachable:NoExecute,not-ready:NoExecute",
	  "unreachable:NoExecute@old,not-ready:NoExecute@old,not-ready:NoSchedule@now" },
#undef ADD_ON_READY
#undef RM_ON_READY
};

static void add_match_conditions(void *vec, const char *list)
{
	char item[128], part[64];

	while (next_item(&list, ',', item, sizeof(item))) {
		struct tb_match_condition *m = push(vec, sizeof(*m));
		const char *p = item;

		assert_true(next_item(&p, ':', part, sizeof(part)));
		m->condition_type = tb_strdup(part);
		assert_true(next_item(&p, ':', part, sizeof(part)));
		m->operator_ = tb_strdup(part);
		while (next_item(&p, '|', part, sizeof(part)))
			tb_strvec_push(&m->status_values, part);
	}
}

static void test_karmada__cluster_taint_policy(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N(ctp_cases); i++) {
		struct tb_taint_policy *pol = tb_schema_new(&tb_taint_policy_schema);
		struct tb_cluster *cl = tb_schema_new(&tb_cluster_schema);
		const struct tb_taint_policy *pols[1] = { pol };
		const char *p = ctp_cases[i].taints;
		char item[128], *eq;

		add_match_conditions(&pol->spec.add_on_conditions, ctp_cases[i].add_on);
		add_match_conditions(&pol->spec.remove_on_conditions, ctp_cases[i].remove_on);
		while (next_item(&p, ',', item, sizeof(item))) {
			struct tb_policy_taint *t = push(&pol->spec.taints, sizeof(*t));
			parse_taint(item, &t->key, &t->value, &t->effect);
		}
		cl->metadata.name = tb_strdup("member");
		p = ctp_cases[i].conds;
		while (next_item(&p, ',', item, sizeof(item))) {
			struct tb_condition *c = push(&cl->status.conditions, sizeof(*c));
			eq = strchr(item, '=');
			*eq = '\0';
			c->type = tb_strdup(item);
			c->status = tb_strdup(eq + 1);
		}
		add_taints(&cl->spec, ctp_cases[i].before, OLD);
		tb_taint_policies_apply(pols, 1, cl, NOW);
		tb_schema_free(&tb_taint_policy_schema, pol);
		expect_taints(&cl->spec, NULL, ctp_cases[i].want, ctp_cases[i].src);
		tb_schema_free(&tb_cluster_schema, cl);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_karmada__k8s_tolerations),
		cmocka_unit_test(test_karmada__matching_tolerations),
		cmocka_unit_test(test_karmada__min_toleration_time),
		cmocka_unit_test(test_karmada__taint_manager_sync),
		cmocka_unit_test(test_karmada__cluster_taints),
		cmocka_unit_test(test_karmada__assess_eviction_tasks),
		cmocka_unit_test(test_karmada__graceful_evict_cluster),
		cmocka_unit_test(test_karmada__existing_clusters),
		cmocka_unit_test(test_karmada__policy_defaults),
		cmocka_unit_test(test_karmada__cluster_taint_policy),
		/* Karmada/Kubernetes-correct assertions Tugboat fails today. */
		cmocka_unit_test(test_karmada__taint_string_without_effect),
		cmocka_unit_test(test_karmada__existing_required_by),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
