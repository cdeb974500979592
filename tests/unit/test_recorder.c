/* The event recorder's decisions: names as client-go makes them, repeats
 * counted within the window, the write budget under a storm, what the store
 * reports back, retention by TTL and by cap, the reasons and messages of
 * world events; and the API side of Events: validation and field selectors. */
#include "testutil.h"

#include "api/event.h"
#include "api/selector.h"
#include "ctrl/recorder.h"
#include "ctrl/world.h"

#include <stdlib.h>

#define S 1000

static struct tb_recorder_limits limits(void)
{
	struct tb_recorder_limits lim = TB_RECORDER_LIMITS_INIT;

	return lim;
}

static void test_recorder__names(void **state)
{
	char buf[300], big[300];

	(void)state;
	/* client-go: fmt.Sprintf("%v.%x", ref.Name, t.UnixNano()). */
	assert_string_equal(tb_recorder_name(buf, sizeof(buf), "member1",
					     1764156000123000000ULL),
			    "member1.187b8a8903b494c0");
	memset(big, 'a', 250);
	big[250] = '\0';
	tb_recorder_name(buf, sizeof(buf), big, 1764156000123000000ULL);
	assert_int_equal(strlen(buf), 253);
	assert_string_equal(buf + 236, ".187b8a8903b494c0");
}

static void test_recorder__correlate(void **state)
{
	struct tb_recorder_limits lim = limits();
	struct tb_recorder r;
	struct tb_rec_event *e, *e2;
	bool fresh;
	char first[300];

	(void)state;
	tb_recorder_init(&r, &lim, NULL, TEST_NOW_MS);
	e = tb_recorder_record(&r, "default", "member1", "k1", TEST_NOW_MS, &fresh);
	assert_non_null(e);
	assert_true(fresh);
	assert_int_equal(e->count, 1);
	snprintf(first, sizeof(first), "%s", e->name);
	assert_string_equal(first, "member1.187b8a88fc5fc000");
	/* Twice before the write: one write, counted twice. */
	e2 = tb_recorder_record(&r, "default", "member1", "k1", TEST_NOW_MS + 5, &fresh);
	assert_ptr_equal(e2, e);
	assert_false(fresh);
	assert_int_equal(e->count, 2);
	assert_ptr_equal(tb_recorder_next_dirty(&r), e);
	assert_null(tb_recorder_next_dirty(&r));
	/* The store reports the write (second precision): our count stays. */
	tb_recorder_observe(&r, "default", first, "k1", TEST_NOW_MS, TEST_NOW_MS, 2);
	assert_true(e->stored);
	assert_int_equal(e->last_ms, TEST_NOW_MS + 5);
	/* Again within the window: counted into it, queued again. */
	e2 = tb_recorder_record(&r, "default", "member1", "k1", TEST_NOW_MS + 60 * S, &fresh);
	assert_ptr_equal(e2, e);
	assert_int_equal(e->count, 3);
	assert_int_equal(e->last_ms, TEST_NOW_MS + 60 * S);
	assert_ptr_equal(tb_recorder_next_dirty(&r), e);
	/* Another message (key) is another Event; so is one after the window. */
	e2 = tb_recorder_record(&r, "default", "member1", "k2", TEST_NOW_MS + 61 * S, &fresh);
	assert_true(fresh);
	assert_ptr_not_equal(e2, e);
	e2 = tb_recorder_record(&r, "default", "member1", "k1",
				TEST_NOW_MS + 60 * S + TB_RECORDER_WINDOW_MS + 1, &fresh);
	assert_true(fresh);
	assert_ptr_not_equal(e2, e);
	assert_int_equal(e2->count, 1);
	assert_int_equal(tb_recorder_size(&r), 3);
	/* Deleted by someone: a repeat makes a new Event. */
	tb_recorder_forget(&r, "default", e2->name);
	assert_int_equal(tb_recorder_size(&r), 2);
	e2 = tb_recorder_record(&r, "default", "member1", "k1",
				TEST_NOW_MS + 61 * S + TB_RECORDER_WINDOW_MS, &fresh);
	assert_true(fresh);
	tb_recorder_release(&r);
}

static void test_recorder__same_millisecond(void **state)
{
	struct tb_recorder_limits lim = limits();
	struct tb_recorder r;
	struct tb_rec_event *a, *b;
	bool fresh;

	(void)state;
	tb_recorder_init(&r, &lim, NULL, TEST_NOW_MS);
	a = tb_recorder_record(&r, "default", "x", "k1", TEST_NOW_MS, &fresh);
	b = tb_recorder_record(&r, "default", "x", "k2", TEST_NOW_MS, &fresh);
	assert_string_equal(a->name, "x.187b8a88fc5fc000");
	assert_string_equal(b->name, "x.187b8a88fc5fc001");
	tb_recorder_release(&r);
}

static void test_recorder__budget(void **state)
{
	struct tb_recorder_limits lim = limits();
	struct tb_recorder r;
	struct tb_rec_event *e;
	char key[32];
	bool fresh;
	int i, made = 0;

	(void)state;
	lim.rate = 10;
	lim.burst = 20;
	tb_recorder_init(&r, &lim, NULL, TEST_NOW_MS);
	for (i = 0; i < 50; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		made += tb_recorder_record(&r, "default", "x", key, TEST_NOW_MS, &fresh) != NULL;
	}
	assert_int_equal(made, 20);
	assert_int_equal(r.dropped, 30);
	/* A repeat of an Event still queued costs nothing. */
	e = tb_recorder_record(&r, "default", "x", "k0", TEST_NOW_MS, &fresh);
	assert_non_null(e);
	assert_int_equal(e->count, 2);
	/* Once written, a repeat is a write again: the budget refills at the rate. */
	while (tb_recorder_next_dirty(&r))
		;
	assert_null(tb_recorder_record(&r, "default", "x", "k0", TEST_NOW_MS + 50, &fresh));
	assert_non_null(tb_recorder_record(&r, "default", "x", "k0", TEST_NOW_MS + 100, &fresh));
	assert_int_equal(e->count, 3);
	made = 0;
	for (i = 0; i < 50; i++) {
		snprintf(key, sizeof(key), "n%d", i);
		made += tb_recorder_record(&r, "default", "x", key, TEST_NOW_MS + 1100, &fresh) !=
			NULL;
	}
	assert_int_equal(made, 10);
	tb_recorder_release(&r);
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tb_free(v[i]);
	tb_free(v);
}

static void test_recorder__retention(void **state)
{
	struct tb_recorder_limits lim = limits();
	struct tb_recorder r;
	int64_t next;
	char **names, name[32];
	size_t n;
	int i;

	(void)state;
	lim.ttl_ms = 3600 * S;
	lim.max_events = 5;
	tb_recorder_init(&r, &lim, NULL, TEST_NOW_MS);
	n = tb_recorder_expired(&r, TEST_NOW_MS, 10, &names, &next);
	assert_int_equal(n, 0);
	assert_int_equal(next, 0);
	free_names(names, n);
	/* Loaded from the store: someone's Events (no key) are kept too. */
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "e%d", i);
		tb_recorder_observe(&r, i % 2 ? "ns1" : "default", name, NULL,
				    TEST_NOW_MS + i * S, TEST_NOW_MS + i * S, 1);
	}
	n = tb_recorder_expired(&r, TEST_NOW_MS + 10 * S, 10, &names, &next);
	assert_int_equal(n, 0);
	assert_int_equal(next, TEST_NOW_MS + 3600 * S);
	free_names(names, n);
	/* The TTL runs from the last occurrence: e0 and e1 are due. */
	n = tb_recorder_expired(&r, TEST_NOW_MS + 3601 * S, 10, &names, &next);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "default/e0");
	assert_string_equal(names[1], "ns1/e1");
	assert_int_equal(next, TEST_NOW_MS + 3602 * S);
	free_names(names, n);
	/* Over the cap: the oldest go, in batches of at most max. */
	for (i = 4; i < 9; i++) {
		snprintf(name, sizeof(name), "e%d", i);
		tb_recorder_observe(&r, "default", name, NULL, TEST_NOW_MS + i * S,
				    TEST_NOW_MS + i * S, 1);
	}
	assert_int_equal(tb_recorder_size(&r), 9);
	n = tb_recorder_expired(&r, TEST_NOW_MS + 20 * S, 3, &names, &next);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "default/e0");
	assert_string_equal(names[2], "default/e2");
	assert_int_equal(next, TEST_NOW_MS + 20 * S);	/* more are due now */
	for (i = 0; i < 3; i++) {
		char *slash = strchr(names[i], '/');

		*slash = '\0';
		tb_recorder_forget(&r, names[i], slash + 1);
	}
	free_names(names, n);
	n = tb_recorder_expired(&r, TEST_NOW_MS + 20 * S, 3, &names, &next);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "ns1/e3");
	assert_int_equal(next, TEST_NOW_MS + 4 * S + 3600 * S);
	free_names(names, n);
	/* A pending create is not deleted before it is written. */
	lim.max_events = 1;
	r.lim = lim;
	tb_recorder_forget(&r, "ns1", "e3");
	{
		bool fresh;

		tb_recorder_record(&r, "default", "x", "k", TEST_NOW_MS + 30 * S, &fresh);
	}
	n = tb_recorder_expired(&r, TEST_NOW_MS + 30 * S, 100, &names, &next);
	assert_int_equal(n, 5);		/* e4..e8, not the pending one */
	free_names(names, n);
	tb_recorder_release(&r);
}

static void test_recorder__observe_key(void **state)
{
	struct tb_recorder_limits lim = limits();
	struct tb_recorder r;
	struct tb_rec_event *e;
	bool fresh;

	(void)state;
	tb_recorder_init(&r, &lim, NULL, TEST_NOW_MS);
	/* After a restart, the stored Event is the one a repeat counts into. */
	tb_recorder_observe(&r, "default", "member1.1", "k", TEST_NOW_MS - 60 * S,
			    TEST_NOW_MS - 30 * S, 4);
	tb_recorder_observe(&r, "default", "member1.0", "k", TEST_NOW_MS - 90 * S,
			    TEST_NOW_MS - 80 * S, 1);
	e = tb_recorder_record(&r, "default", "member1", "k", TEST_NOW_MS, &fresh);
	assert_false(fresh);
	assert_string_equal(e->name, "member1.1");
	assert_int_equal(e->count, 5);
	assert_int_equal(e->first_ms, TEST_NOW_MS - 60 * S);
	tb_recorder_release(&r);
}

static void expect_meaning(const char *kind, const char *msg, const char *reason,
			   const char *type)
{
	struct tb_rec_meaning m = tb_recorder_meaning(kind, msg);

	assert_string_equal(m.reason, reason);
	assert_string_equal(m.type, type);
}

static void test_recorder__meaning(void **state)
{
	struct tb_rec_meaning m;
	struct tb_strbuf sb = TB_STRBUF_INIT;

	(void)state;
	/* The words the controllers use (clusters.c, scheduling.c, ...). */
	expect_meaning(TB_EV_CLUSTER, "Ready=True (reported)", "ClusterReady", "Normal");
	expect_meaning(TB_EV_CLUSTER, "Ready=False (probe failed)", "ClusterNotReady", "Warning");
	expect_meaning(TB_EV_CLUSTER, "Ready=Unknown (no answer)", "ClusterUnknown", "Warning");
	expect_meaning(TB_EV_TAINT, "+cluster.karmada.io/not-ready:NoSchedule",
		       "TaintClusterSucceed", "Normal");
	expect_meaning(TB_EV_EVICT, "evicted from member1 (...)",
		       "EvictWorkloadFromClusterSucceed", "Normal");
	expect_meaning(TB_EV_HOLD, "eviction from member1 held: x", "EvictionHeld", "Warning");
	expect_meaning(TB_EV_SCHEDULE, "unschedulable: 0/3 clusters are available",
		       "ScheduleBindingFailed", "Warning");
	expect_meaning(TB_EV_SCHEDULE, "member1=2 member2=1", "ScheduleBindingSucceed", "Normal");
	expect_meaning(TB_EV_PURGE, "member1 released: its replicas may be removed",
		       "GracefulEvictionSucceed", "Normal");
	expect_meaning(TB_EV_OUTAGE, "mass-outage protection engaged: 3 of 3",
		       "MassOutageProtection", "Warning");
	expect_meaning(TB_EV_OUTAGE, "mass-outage protection released: 0 of 3",
		       "MassOutageProtection", "Normal");
	expect_meaning(TB_EV_MOVEBACK, "move back to member1 abandoned: x", "MoveBackAbandoned",
		       "Warning");
	expect_meaning(TB_EV_MOVEBACK, "every replica ready: rebalanced to member1=2",
		       "MoveBackSucceed", "Normal");
	expect_meaning(TB_EV_MOVEBACK, "member1 is healthy again, but ...: staying",
		       "MoveBackSkipped", "Normal");
	expect_meaning(TB_EV_MOVEBACK, "member1 healthy for 5m0s: starting member1=2",
		       "MoveBackStarted", "Normal");
	/* Karmada's scheduler's words for a placement. */
	m = tb_recorder_meaning(TB_EV_SCHEDULE, "member1=2 member2=1");
	assert_true(m.on_template);
	tb_recorder_message(TB_EV_SCHEDULE, "member1=2 member2=1", &m, &sb);
	assert_string_equal(sb.buf, "Binding has been scheduled successfully. Result: "
			    "{member1:2, member2:1}");
	tb_strbuf_reset(&sb);
	tb_recorder_message(TB_EV_SCHEDULE, "(none)", &m, &sb);
	assert_string_equal(sb.buf, "Binding has been scheduled successfully. Result: {}");
	tb_strbuf_reset(&sb);
	m = tb_recorder_meaning(TB_EV_TAINT, "-x:NoSchedule");
	tb_recorder_message(TB_EV_TAINT, "-x:NoSchedule", &m, &sb);
	assert_string_equal(sb.buf, "-x:NoSchedule");
	tb_strbuf_release(&sb);
}

/* ---- the API side ------------------------------------------------------------------ */

static void test_event__validate(void **state)
{
	struct tb_object o;
	char *r;

	(void)state;
	r = tu_check("apiVersion: v1\nkind: Event\nmetadata: {name: e1, namespace: default}\n"
		     "involvedObject: {kind: Cluster, name: member1}\nreason: X\n", &o, 0, NULL);
	assert_string_equal(r, "");
	tb_free(r);
	tb_object_release(&o);
	r = tu_check("apiVersion: v1\nkind: Event\nmetadata: {name: e1, namespace: default}\n"
		     "reason: X\n", &o, 0, NULL);
	assert_string_equal(r, "involvedObject: Required value");
	tb_free(r);
	tb_object_release(&o);
	r = tu_check("apiVersion: v1\nkind: Event\nmetadata: {name: e1, namespace: ns1}\n"
		     "involvedObject: {kind: ConfigMap, name: c, namespace: ns2}\ncount: x\n",
		     &o, 0, NULL);
	assert_string_equal(r, "count: Invalid value: \"x\": must be of type integer\n"
			    "involvedObject.namespace: Invalid value: \"ns2\": does not match "
			    "event.namespace");
	tb_free(r);
	tb_object_release(&o);
	/* A cluster-scoped object's Events live in default. */
	r = tu_check("apiVersion: v1\nkind: Event\nmetadata: {name: e1, namespace: ns1}\n"
		     "involvedObject: {kind: Cluster, name: m}\n", &o, 0, NULL);
	assert_string_equal(r, "involvedObject.namespace: Invalid value: \"\": does not match "
			    "event.namespace");
	tb_free(r);
	tb_object_release(&o);
	/* New-style: who reported it and what they did. */
	r = tu_check("apiVersion: v1\nkind: Event\nmetadata: {name: e1, namespace: default}\n"
		     "involvedObject: {kind: Cluster, name: m}\n"
		     "eventTime: \"2025-11-26T11:20:00.000000Z\"\ntype: Bad\n", &o, 0, NULL);
	assert_string_equal(r, "reportingComponent: Required value\n"
			    "reportingInstance: Required value\naction: Required value\n"
			    "reason: Required value\n"
			    "type: Unsupported value: \"Bad\": supported values: \"Normal\", "
			    "\"Warning\"");
	tb_free(r);
	tb_object_release(&o);
}

static bool sel(const char *s, const char *ev_json)
{
	struct tb_fieldsel fs = TB_FIELDSEL_INIT;
	struct tb_err err = TB_ERR_INIT;
	bool ok;

	assert_int_equal(tb_fieldsel_parse_fields(s, tb_event_field_labels, tb_event_field, &fs,
						  &err), 0);
	ok = tb_fieldsel_matches_json(&fs, "default", "e1", ev_json, strlen(ev_json));
	tb_fieldsel_release(&fs);
	return ok;
}

static void test_event__field_selectors(void **state)
{
	static const char *ev = "{\"metadata\":{\"name\":\"e1\",\"namespace\":\"default\"},"
		"\"involvedObject\":{\"kind\":\"Cluster\",\"name\":\"member1\",\"uid\":\"u1\","
		"\"apiVersion\":\"cluster.karmada.io/v1alpha1\"},\"reason\":\"ClusterNotReady\","
		"\"type\":\"Warning\",\"reportingComponent\":\"tugboat-controller-manager\"}";
	struct tb_fieldsel fs = TB_FIELDSEL_INIT;
	struct tb_err err = TB_ERR_INIT;

	(void)state;
	/* What kubectl describe sends for a cluster-scoped object. */
	assert_true(sel("involvedObject.kind=Cluster,involvedObject.name=member1,"
			"involvedObject.namespace=,involvedObject.uid=u1", ev));
	assert_false(sel("involvedObject.kind=Cluster,involvedObject.uid=u2", ev));
	assert_true(sel("reason=ClusterNotReady,type!=Normal", ev));
	assert_true(sel("source=tugboat-controller-manager", ev));	/* reportingComponent */
	assert_true(sel("reportingComponent==tugboat-controller-manager,metadata.name=e1", ev));
	assert_false(sel("involvedObject.fieldPath=x", ev));
	assert_true(sel("involvedObject.apiVersion=cluster.karmada.io/v1alpha1", ev));
	assert_false(sel("involvedObject.name=a\\,b", ev));
	assert_int_equal(tb_fieldsel_parse_fields("spec.x=1", tb_event_field_labels,
						  tb_event_field, &fs, &err), -TB_EINVAL);
	assert_string_equal(err.msg, "field label not supported: spec.x");
	tb_fieldsel_release(&fs);
	assert_int_equal(tb_fieldsel_parse_fields("reason=a\\qb", tb_event_field_labels,
						  tb_event_field, &fs, &err), -TB_EINVAL);
	tb_fieldsel_release(&fs);
	/* Other kinds know only the name and namespace. */
	assert_int_equal(tb_fieldsel_parse("reason=x", &fs, &err), -TB_EINVAL);
	tb_fieldsel_release(&fs);
	assert_int_equal(tb_fieldsel_parse("metadata.name=a\\,b", &fs, &err), 0);
	assert_string_equal(fs.name, "a,b");
	tb_fieldsel_release(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorder__names),
		cmocka_unit_test(test_recorder__correlate),
		cmocka_unit_test(test_recorder__same_millisecond),
		cmocka_unit_test(test_recorder__budget),
		cmocka_unit_test(test_recorder__retention),
		cmocka_unit_test(test_recorder__observe_key),
		cmocka_unit_test(test_recorder__meaning),
		cmocka_unit_test(test_event__validate),
		cmocka_unit_test(test_event__field_selectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
