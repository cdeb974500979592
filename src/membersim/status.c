/* Deployment and Job status as their controllers keep it (status.h). Pure:
 * no clock, no I/O; times come from the caller. */
#include "membersim/status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/timefmt.h"
#include "lib/hash.h"

static int64_t int_at(const json_t *o, const char *key, int64_t dflt)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

void tb_msim_rs_name(const json_t *deploy, char *buf, size_t n)
{
	const json_t *md = json_object_get(deploy, "metadata");
	const json_t *tmpl = json_object_get(json_object_get(deploy, "spec"), "template");
	const char *name = json_string_value(json_object_get(md, "name"));
	char *text = tmpl ? json_dumps(tmpl, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	/* Sorted keys: the same template always hashes the same, whatever the
	 * order its fields arrived in. */
	snprintf(buf, n, "%s-%08x", name ? name : "", text ? tb_fnv32a(text) : 0u);
	free(text);
}

int64_t tb_msim_max_unavailable(const json_t *deploy, int64_t replicas)
{
	const json_t *st = json_object_get(json_object_get(deploy, "spec"), "strategy");
	const json_t *mu = json_object_get(json_object_get(st, "rollingUpdate"), "maxUnavailable");
	const char *type = json_string_value(json_object_get(st, "type"));
	int64_t v = replicas / 4;	/* 25%, rounded down */
	char *end;
	long pct;

	if (type && !strcmp(type, "Recreate"))
		return 0;
	if (json_is_integer(mu)) {
		v = json_integer_value(mu);
	} else if (json_is_string(mu)) {
		pct = strtol(json_string_value(mu), &end, 10);
		if (end != json_string_value(mu) && *end == '%' && pct >= 0)
			v = replicas * pct / 100;
	}
	if (v < 0)
		v = 0;
	return v > replicas ? replicas : v;
}

/* Sets a Deployment-style condition (with lastUpdateTime) in conds: the
 * transition time moves only when the status does, the update time when
 * anything does, as the Deployment controller's SetDeploymentCondition. */
static void set_cond(json_t *conds, const json_t *old_conds, const char *type, bool status,
		     const char *reason, const char *message, int64_t now_ms, bool update_time)
{
	const char *st = status ? "True" : "False";
	const json_t *old = NULL, *c;
	char now[TB_TIME_BUFSZ];
	json_t *cond;
	size_t i;

	json_array_foreach(old_conds, i, c) {
		if (json_is_string(json_object_get(c, "type")) &&
		    !strcmp(json_string_value(json_object_get(c, "type")), type))
			old = c;
	}
	tb_time_format(now_ms - now_ms % 1000, now);
	cond = json_pack("{s:s, s:s}", "type", type, "status", st);
	if (update_time)
		json_object_set_new(cond, "lastUpdateTime", json_string(now));
	json_object_set_new(cond, "lastTransitionTime", json_string(now));
	json_object_set_new(cond, "reason", json_string(reason));
	json_object_set_new(cond, "message", json_string(message));
	if (old && json_equal(json_object_get(old, "status"), json_object_get(cond, "status"))) {
		json_object_set(cond, "lastTransitionTime",
				json_object_get(old, "lastTransitionTime"));
		if (update_time && json_equal(json_object_get(old, "reason"),
					      json_object_get(cond, "reason")) &&
		    json_equal(json_object_get(old, "message"), json_object_get(cond, "message")))
			json_object_set(cond, "lastUpdateTime",
					json_object_get(old, "lastUpdateTime"));
	}
	json_array_append_new(conds, cond);
}

static void set_count(json_t *st, const char *key, int64_t v)
{
	if (v > 0)
		json_object_set_new(st, key, json_integer(v));
}

json_t *tb_msim_deploy_status(const json_t *deploy, const struct tb_kubelet_counts *c,
			      const json_t *old_status, int64_t now_ms)
{
	const json_t *md = json_object_get(deploy, "metadata");
	const json_t *old_conds = json_object_get(old_status, "conditions");
	int64_t want = int_at(json_object_get(deploy, "spec"), "replicas", 1);
	int64_t unavailable = c->pods - c->ready, max_unav;
	json_t *st = json_object(), *conds = json_array();
	char rs[300], msg[400];
	bool done;

	if (want < 0)
		want = 0;
	json_object_set_new(st, "observedGeneration", json_integer(int_at(md, "generation", 1)));
	set_count(st, "replicas", c->pods);
	set_count(st, "updatedReplicas", c->pods);
	set_count(st, "readyReplicas", c->ready);
	set_count(st, "availableReplicas", c->ready);
	set_count(st, "unavailableReplicas", unavailable);

	max_unav = tb_msim_max_unavailable(deploy, want);
	if (c->ready >= want - max_unav)
		set_cond(conds, old_conds, "Available", true, "MinimumReplicasAvailable",
			 "Deployment has minimum availability.", now_ms, true);
	else
		set_cond(conds, old_conds, "Available", false, "MinimumReplicasUnavailable",
			 "Deployment does not have minimum availability.", now_ms, true);
	tb_msim_rs_name(deploy, rs, sizeof(rs));
	done = c->pods == want && c->ready == want;
	snprintf(msg, sizeof(msg), done ? "ReplicaSet \"%s\" has successfully progressed." :
		 "ReplicaSet \"%s\" is progressing.", rs);
	set_cond(conds, old_conds, "Progressing", true,
		 done ? "NewReplicaSetAvailable" : "ReplicaSetUpdated", msg, now_ms, true);
	json_object_set_new(st, "conditions", conds);
	return st;
}

json_t *tb_msim_job_status(const json_t *job, const struct tb_kubelet_counts *c,
			   int64_t start_ms, int64_t done_ms, const json_t *old_status,
			   int64_t now_ms)
{
	const json_t *old_conds = json_object_get(old_status, "conditions");
	json_t *st = json_object(), *conds;
	char t[TB_TIME_BUFSZ];

	(void)job;
	tb_time_format(start_ms - start_ms % 1000, t);
	json_object_set_new(st, "startTime", json_string(t));
	set_count(st, "active", c->pods);
	json_object_set_new(st, "ready", json_integer(c->ready));
	set_count(st, "succeeded", c->succeeded);
	json_object_set_new(st, "terminating", json_integer(0));
	json_object_set_new(st, "uncountedTerminatedPods", json_object());
	if (c->complete) {
		conds = json_array();
		set_cond(conds, old_conds, "SuccessCriteriaMet", true, "CompletionsReached",
			 "Reached expected number of succeeded pods", done_ms, false);
		set_cond(conds, old_conds, "Complete", true, "CompletionsReached",
			 "Reached expected number of succeeded pods", done_ms, false);
		json_object_set_new(st, "conditions", conds);
		tb_time_format(done_ms - done_ms % 1000, t);
		json_object_set_new(st, "completionTime", json_string(t));
	}
	(void)now_ms;
	return st;
}
