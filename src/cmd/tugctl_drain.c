/* tugctl drain NAME: empty a member cluster for maintenance, with no loss of
 * service. None of Karmada, OCM or KubeFed has one; this is Tugboat's.
 *
 * 1. Plan: every binding with replicas on NAME is scheduled, offline, as the
 *    taint manager and the scheduler will see it once NAME is drained (the
 *    scheduler of core/sched.c on the clusters as tugd stores them). One that
 *    would have nowhere to go makes the drain refuse, changing nothing; one
 *    whose policy tolerates the drain taint stays (an opt-out, as a
 *    DaemonSet's tolerations are in `kubectl drain`).
 * 2. Taint: cluster.karmada.io/unschedulable:NoSchedule (cordon) and
 *    failover.tugboat.io/draining:NoExecute, in one write.
 * 3. tugd's taint manager evicts, always graciously for a drain: the
 *    replicas on NAME stay until the new ones are ready elsewhere, and past
 *    the grace period while fewer are ready elsewhere than the workload's
 *    disruption budget (failover.tugboat.io/min-available; by default every
 *    replica wanted). tugctl follows the bindings, printing progress, until
 *    nothing is left on NAME or --timeout passes.
 *
 * The cluster stays cordoned and tainted afterwards; `tugctl uncordon NAME`
 * ends the drain. */
#include "cmd/tugctl_client.h"
#include "cmd/cli.h"
#include "api/binding.h"
#include "api/cluster.h"
#include "api/duration.h"
#include "core/evict.h"
#include "core/sched.h"
#include "core/taintmgr.h"
#include "lib/mem.h"
#include "lib/strbuf.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CLUSTERS "/apis/cluster.karmada.io/v1alpha1/clusters"
#define RBS "/apis/work.karmada.io/v1alpha2/resourcebindings"
#define CRBS "/apis/work.karmada.io/v1alpha2/clusterresourcebindings"
#define POLL_MS 500
#define SHOW_MAX 20		/* workloads named in a refusal or a timeout */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: tugctl drain NAME [--timeout D] [--dry-run] [--kubeconfig FILE]\n"
"                    [--karmada-context CONTEXT]\n"
"\n"
"Moves every workload off the member cluster NAME, for maintenance, without\n"
"loss of service: cordons it (" TB_CTL_TAINT_UNSCHEDULABLE ":NoSchedule) and\n"
"taints it " TB_TAINT_DRAINING ":NoExecute; tugd then evicts each workload\n"
"gracefully: its replicas on NAME are removed only once its new ones are ready\n"
"elsewhere, and never while fewer are ready elsewhere than its disruption\n"
"budget (the policy's failover.tugboat.io/min-available annotation, a count or\n"
"a percentage; by default every replica). Waits, printing progress, until\n"
"NAME is empty or the timeout passes.\n"
"\n"
"First, every workload on NAME is scheduled as it would be once NAME is\n"
"drained: if one would have nowhere to go, the drain is refused and nothing\n"
"is changed. A workload whose policy tolerates the drain taint stays.\n"
"The cluster stays cordoned afterwards: `tugctl uncordon NAME` ends the drain.\n"
"\n"
"Flags:\n"
"  --timeout D                how long to wait (a duration such as 5m; 0, the\n"
"                             default, waits until it is done). On timeout the\n"
"                             drain goes on in tugd; tugctl exits 1\n"
"  --dry-run                  only print where each workload would go\n"
"  --kubeconfig FILE          tugd's kubeconfig (default: $KUBECONFIG, then\n"
"                             " TB_CTL_DEFAULT_KUBECONFIG ")\n"
"  --karmada-context CONTEXT  its context to use\n");
}

/* ---- what tugd stores, decoded ---------------------------------------------------- */

struct state {
	struct tb_cluster *clusters;
	size_t nclusters;
	struct tb_binding *bindings;
	size_t nbindings;
};

static void state_release(struct state *s)
{
	for (size_t i = 0; i < s->nclusters; i++)
		tb_schema_release(&tb_cluster_schema, &s->clusters[i]);
	for (size_t i = 0; i < s->nbindings; i++)
		tb_schema_release(&tb_binding_schema, &s->bindings[i]);
	tb_free(s->clusters);
	tb_free(s->bindings);
	memset(s, 0, sizeof(*s));
}

/* Decodes a list's items (or the one object that was asked for) into *v,
 * appended; undecodable items are skipped (tugd validated them; a newer
 * field is not a reason to fail). */
static void decode_items(const struct tb_schema *sch, json_t *list, void **v, size_t *n)
{
	struct tb_decode_opts opts = { .allow_unknown = true };
	json_t *items = json_object_get(list, "items"), *one = NULL, *it;
	size_t i;

	if (!items)
		items = one = json_pack("[O]", list);

	*v = tb_realloc(*v, (*n + json_array_size(items) + 1) * sch->size);
	json_array_foreach(items, i, it) {
		struct tb_errs errs = TB_ERRS_INIT;
		struct tb_path p = TB_PATH_INIT;
		void *out = (char *)*v + *n * sch->size;

		memset(out, 0, sch->size);
		if (tb_schema_decode(sch, it, out, &p, &errs, &opts))
			tb_schema_release(sch, out);
		else
			(*n)++;
		tb_errs_release(&errs);
	}
	json_decref(one);
}

static int fetch(struct tb_ctlclient *c, const char *path, const struct tb_schema *sch,
		 void **v, size_t *n)
{
	static const long ok[] = { 200, 0 };
	json_t *list = NULL;

	if (tb_ctlclient_expect(c, "drain", "GET", path, NULL, &list, ok) < 0)
		return -1;
	decode_items(sch, list, v, n);
	json_decref(list);
	return 0;
}

/* Every binding, and every cluster (cluster NULL) or that one alone. */
static int load(struct tb_ctlclient *c, struct state *s, const char *cluster)
{
	char path[300];

	snprintf(path, sizeof(path), CLUSTERS "%s%s", cluster ? "/" : "", cluster ? cluster : "");
	if (fetch(c, path, &tb_cluster_schema, (void **)&s->clusters, &s->nclusters) ||
	    fetch(c, RBS, &tb_binding_schema, (void **)&s->bindings, &s->nbindings) ||
	    fetch(c, CRBS, &tb_binding_schema, (void **)&s->bindings, &s->nbindings))
		return -1;
	return 0;
}

static const char *bname(const struct tb_binding *b, char *buf, size_t n)
{
	if (b->metadata.namespace_)
		snprintf(buf, n, "%s/%s", b->metadata.namespace_, b->metadata.name);
	else
		snprintf(buf, n, "%s", b->metadata.name);
	return buf;
}

/* "default/web-deployment (2 replicas)": the binding, and its replicas on
 * the drained cluster when it has replicas (not a ConfigMap's 0). */
static const char *what(const struct tb_binding *b, int64_t n, char *buf, size_t len)
{
	char name[500];

	bname(b, name, sizeof(name));
	if (b->spec.replicas > 0)
		snprintf(buf, len, "%s (%lld replica%s)", name, (long long)n, n == 1 ? "" : "s");
	else
		snprintf(buf, len, "%s", name);
	return buf;
}

static int64_t replicas_on(const struct tb_binding *b, const char *cluster, bool *on)
{
	for (size_t i = 0; i < b->spec.clusters.n; i++)
		if (b->spec.clusters.v[i].name && !strcmp(b->spec.clusters.v[i].name, cluster)) {
			*on = true;
			return b->spec.clusters.v[i].replicas;
		}
	*on = false;
	return 0;
}

static const struct tb_eviction_task *task_from(const struct tb_binding *b, const char *cluster)
{
	for (size_t i = 0; i < b->spec.graceful_eviction_tasks.n; i++)
		if (b->spec.graceful_eviction_tasks.v[i].from_cluster &&
		    !strcmp(b->spec.graceful_eviction_tasks.v[i].from_cluster, cluster))
			return &b->spec.graceful_eviction_tasks.v[i];
	return NULL;
}

/* Does the binding's policy tolerate the drained cluster's NoExecute taints
 * for good (it will never be evicted)? */
static bool stays(const struct tb_binding *b, const struct tb_cluster *drained, int64_t now)
{
	const struct tb_placement *pl = b->spec.placement;
	int64_t at;

	return pl && tb_taintmgr_decide(drained->spec.taints.v, drained->spec.taints.n,
					 pl->cluster_tolerations.v, pl->cluster_tolerations.n,
					 now, &at) == TB_EVICT_NEVER;
}

/* ---- 1. the plan ---------------------------------------------------------------- */

static void add_taint(struct tb_cluster *c, const char *key, const char *effect, int64_t now)
{
	struct tb_taint *t;

	for (size_t i = 0; i < c->spec.taints.n; i++)
		if (!strcmp(c->spec.taints.v[i].key, key) &&
		    !strcmp(c->spec.taints.v[i].effect, effect))
			return;
	c->spec.taints.v = tb_realloc(c->spec.taints.v,
				      (c->spec.taints.n + 1) * sizeof(*c->spec.taints.v));
	t = &c->spec.taints.v[c->spec.taints.n++];
	memset(t, 0, sizeof(*t));
	t->key = tb_strdup(key);
	t->effect = tb_strdup(effect);
	t->time_added = now;
}

/* Prints where each workload on the cluster would go; returns how many
 * would have nowhere to go, or -1 when the cluster does not exist. */
static int plan(struct state *s, const char *name, int64_t now)
{
	struct tb_evict_opts o = { .purge_mode = "Graciously", .producer = TB_PRODUCER_TAINT_MANAGER,
				   .reason = TB_REASON_DRAIN };
	const struct tb_cluster **ptrs = tb_calloc(s->nclusters + 1, sizeof(*ptrs));
	struct tb_sched_snapshot snap;
	struct tb_cluster *drained = NULL;
	size_t moving = 0, staying = 0, stuck = 0;
	char buf[600];

	for (size_t i = 0; i < s->nclusters; i++) {
		ptrs[i] = &s->clusters[i];
		if (!strcmp(s->clusters[i].metadata.name, name))
			drained = &s->clusters[i];
	}
	if (!drained) {
		tb_free(ptrs);
		return -1;
	}
	add_taint(drained, TB_CTL_TAINT_UNSCHEDULABLE, "NoSchedule", now);
	add_taint(drained, TB_TAINT_DRAINING, "NoExecute", now);
	tb_sched_snapshot_init(&snap, ptrs, s->nclusters);
	for (size_t i = 0; i < s->nbindings; i++) {
		const struct tb_binding *b = &s->bindings[i];
		struct tb_sched_result r = { 0 };
		struct tb_binding copy;
		struct tb_strbuf sb = TB_STRBUF_INIT;
		bool on;
		int64_t n = replicas_on(b, name, &on);

		if (!on)
			continue;
		if (stays(b, drained, now)) {
			printf("  %s stays: its policy tolerates the drain taint\n",
			       what(b, n, buf, sizeof(buf)));
			staying++;
			continue;
		}
		if (!b->spec.placement) {
			printf("  %s: nowhere to go: it has no placement\n",
			       what(b, n, buf, sizeof(buf)));
			stuck++;
			continue;
		}
		tb_schema_copy(&tb_binding_schema, &copy, b);
		tb_evict_cluster(&copy.spec, name, &o);
		if (tb_sched_schedule(&snap, &copy.spec, &copy.status, 0, &r) < 0) {
			printf("  %s: nowhere to go: %s\n", what(b, n, buf, sizeof(buf)),
			       r.error ? r.error : "no cluster fits");
			stuck++;
		} else {
			/* Objects without replicas (a ConfigMap, a Service) go where
			 * they go; a workload's replicas are shown per cluster. */
			for (size_t k = 0; k < r.clusters.n; k++) {
				bool was;
				int64_t before = replicas_on(b, r.clusters.v[k].name, &was);

				tb_strbuf_addf(&sb, "%s%s", k ? ", " : "", r.clusters.v[k].name);
				if (b->spec.replicas <= 0)
					continue;
				tb_strbuf_addf(&sb, "=%lld", (long long)r.clusters.v[k].replicas);
				if (r.clusters.v[k].replicas != before)
					tb_strbuf_addf(&sb, " (%+lld)",
						       (long long)(r.clusters.v[k].replicas - before));
			}
			printf("  %s -> %s\n", what(b, n, buf, sizeof(buf)), sb.buf ? sb.buf : "");
			moving++;
		}
		tb_strbuf_release(&sb);
		tb_sched_result_release(&r);
		tb_schema_release(&tb_binding_schema, &copy);
	}
	tb_sched_snapshot_release(&snap);
	tb_free(ptrs);
	printf("%zu workload%s to move, %zu staying, %zu with nowhere to go\n", moving,
	       moving == 1 ? "" : "s", staying, stuck);
	return (int)stuck;
}

/* ---- 3. following the drain -------------------------------------------------------- */

struct progress {
	size_t placed;		/* still placed on the cluster (eviction to come) */
	size_t waiting;		/* evicted, replicas kept until enough are ready elsewhere */
	size_t staying;		/* tolerate the drain */
	int64_t ready, wanted;	/* over the waiting ones: ready elsewhere / wanted there */
};

/* One look at the bindings; detail (may be NULL) gets a line per workload left. */
static void survey(const struct state *s, const struct tb_cluster *drained, int64_t now,
		   struct progress *p, struct tb_strbuf *detail)
{
	char buf[600];
	size_t shown = 0;

	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < s->nbindings; i++) {
		const struct tb_binding *b = &s->bindings[i];
		const struct tb_eviction_task *t = task_from(b, drained->metadata.name);
		bool on;
		int64_t n = replicas_on(b, drained->metadata.name, &on), w, r;

		if (on && stays(b, drained, now)) {
			p->staying++;
			continue;
		}
		if (!on && !t)
			continue;
		if (on) {
			p->placed++;
			if (detail && shown++ < SHOW_MAX)
				tb_strbuf_addf(detail, "  %s: still placed there\n",
					       what(b, n, buf, sizeof(buf)));
			continue;
		}
		p->waiting++;
		r = tb_evict_ready_on_targets(b, NULL, NULL);
		w = tb_binding_wanted(b);
		p->ready += r;
		p->wanted += w;
		if (detail && shown++ < SHOW_MAX)
			tb_strbuf_addf(detail, "  %s: its replicas there wait for new ones: %lld of %lld "
				       "ready elsewhere (disruption budget %lld)\n",
				       bname(b, buf, sizeof(buf)), (long long)r, (long long)w,
				       (long long)tb_evict_budget(b, t));
	}
	if (detail && shown > SHOW_MAX)
		tb_strbuf_addf(detail, "  ... and %zu more\n", shown - SHOW_MAX);
}

static int follow(struct tb_ctlclient *c, const char *name, int64_t timeout_ms)
{
	int64_t start = tb_cli_now_ms(), now;
	char last[300] = "", line[300];
	struct progress p;
	int rc = -1;

	for (;;) {
		struct state s = { 0 };
		struct tb_cluster *drained = NULL;
		struct tb_strbuf detail = TB_STRBUF_INIT;
		bool late;

		if (load(c, &s, name) < 0 || !s.nclusters) {
			state_release(&s);
			return -1;
		}
		drained = &s.clusters[0];
		now = tb_cli_now_ms();
		late = timeout_ms > 0 && now - start >= timeout_ms;
		survey(&s, drained, now, &p, late ? &detail : NULL);
		state_release(&s);
		snprintf(line, sizeof(line), "%zu to evict, %zu waiting for their new replicas "
			 "(%lld of %lld ready elsewhere)", p.placed, p.waiting, (long long)p.ready,
			 (long long)p.wanted);
		if (strcmp(line, last)) {
			printf("  +%5.1fs  %s\n", (double)(now - start) / 1000, line);
			fflush(stdout);
			snprintf(last, sizeof(last), "%s", line);
		}
		if (!p.placed && !p.waiting) {
			printf("cluster/%s drained in %.1f s%s; it stays cordoned (tugctl uncordon %s "
			       "to use it again)\n", name, (double)(now - start) / 1000,
			       p.staying ? " (the workloads that tolerate the drain stay)" : "", name);
			rc = 0;
		} else if (late) {
			fprintf(stderr, "tugctl drain: timed out after %.1f s; left on %s:\n%s"
				"The drain goes on in tugd; tugctl uncordon %s stops it.\n",
				(double)(now - start) / 1000, name, detail.buf ? detail.buf : "", name);
		}
		tb_strbuf_release(&detail);
		if (!p.placed && !p.waiting)
			return rc;
		if (late)
			return -1;
		usleep(POLL_MS * 1000);
	}
}

int tb_cmd_drain(int argc, char **argv)
{
	enum { O_KC = 256, O_KX, O_TIMEOUT, O_DRY };
	static const struct option opts[] = {
		{ "kubeconfig", required_argument, NULL, O_KC },
		{ "karmada-context", required_argument, NULL, O_KX },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *kubeconfig = NULL, *context = NULL, *name;
	static const struct tb_ctl_taint taints[] = {
		{ TB_CTL_TAINT_UNSCHEDULABLE, "NoSchedule" },
		{ TB_TAINT_DRAINING, "NoExecute" },
	};
	struct tb_err err = TB_ERR_INIT;
	struct tb_ctlclient c;
	struct state s = { 0 };
	int64_t timeout_ns = 0;
	bool dry = false, changed;
	int opt, rc = 1, stuck;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case O_KC: kubeconfig = optarg; break;
		case O_KX: context = optarg; break;
		case O_DRY: dry = true; break;
		case O_TIMEOUT:
			if (tb_duration_parse(optarg, &timeout_ns, &err) || timeout_ns < 0) {
				fprintf(stderr, "tugctl drain: --timeout: %s\n",
					err.msg[0] ? err.msg : "must not be negative");
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "tugctl drain: want exactly one cluster NAME\n");
		usage(stderr);
		return 2;
	}
	name = argv[optind];
	if (tb_ctlclient_open(&c, kubeconfig, context, &err)) {
		fprintf(stderr, "tugctl drain: %s\n", err.msg);
		return 1;
	}
	if (load(&c, &s, NULL) < 0)
		goto out;
	printf("draining cluster/%s: where its workloads go\n", name);
	stuck = plan(&s, name, tb_cli_now_ms());
	if (stuck < 0) {
		fprintf(stderr, "tugctl drain: cluster %s not found\n", name);
		goto out;
	}
	if (stuck > 0) {
		fprintf(stderr, "tugctl drain: refused: %d workload%s would have nowhere to go "
			"(above); nothing was changed\n", stuck, stuck == 1 ? "" : "s");
		goto out;
	}
	if (dry) {
		printf("dry run: nothing was changed\n");
		rc = 0;
		goto out;
	}
	if (tb_ctl_cluster_taints(&c, "drain", name, taints, 2, true, &changed) < 0)
		goto out;
	printf("cluster/%s cordoned and tainted %s:NoExecute; following the drain\n", name,
	       TB_TAINT_DRAINING);
	fflush(stdout);
	rc = follow(&c, name, timeout_ns / 1000000) < 0 ? 1 : 0;
out:
	state_release(&s);
	tb_ctlclient_close(&c);
	return rc;
}
