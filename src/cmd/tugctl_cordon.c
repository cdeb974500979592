/* tugctl cordon / uncordon NAME: mark a member cluster unschedulable, or
 * schedulable again, as karmadactl does: the taint
 * cluster.karmada.io/unschedulable:NoSchedule on the Cluster. What runs
 * there stays; nothing new is placed there (the scheduler's taint filter).
 * The Cluster is read, changed and written back with its resourceVersion,
 * so a concurrent change (tugd's own taints) is retried, not overwritten.
 * uncordon also removes tugctl drain's NoExecute taint (tugctl_drain.c). */
#include "cmd/tugctl_client.h"
#include "core/evict.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define CLUSTERS "/apis/cluster.karmada.io/v1alpha1/clusters"
#define TAINT_KEY TB_CTL_TAINT_UNSCHEDULABLE
#define ATTEMPTS 5

static void usage(FILE *f, const char *cmd)
{
	fprintf(f,
"Usage: tugctl %s NAME [--kubeconfig FILE] [--karmada-context CONTEXT]\n"
"\n"
"%s, as karmadactl %s does: %s the taint\n"
TAINT_KEY ":NoSchedule %s the Cluster NAME. Workloads already there\n"
"keep running; %s\n"
"\n"
"Flags:\n"
"  --kubeconfig FILE          tugd's kubeconfig (default: $KUBECONFIG, then\n"
"                             " TB_CTL_DEFAULT_KUBECONFIG ")\n"
"  --karmada-context CONTEXT  its context to use\n",
		cmd, !strcmp(cmd, "cordon") ? "Marks a member cluster unschedulable" :
		"Marks a member cluster schedulable again", cmd,
		!strcmp(cmd, "cordon") ? "adds" : "removes", !strcmp(cmd, "cordon") ? "to" : "from",
		!strcmp(cmd, "cordon") ? "nothing new is scheduled there." :
		"the scheduler may place workloads there again. It also\nends a drain "
		"(removes tugctl drain's " TB_TAINT_DRAINING ":NoExecute taint).");
}

static const struct tb_ctl_taint cordon_taint = { TAINT_KEY, "NoSchedule" };
static const struct tb_ctl_taint drain_taint = { TB_TAINT_DRAINING, "NoExecute" };

static bool same(const json_t *t, const struct tb_ctl_taint *want)
{
	return !strcmp(json_string_value(json_object_get(t, "key")) ?: "", want->key) &&
	       !strcmp(json_string_value(json_object_get(t, "effect")) ?: "", want->effect);
}

/* One read-change-write; 1: done, 0: conflict (try again), -1: failed. */
static int attempt(struct tb_ctlclient *c, const char *cmd, const char *name,
		   const struct tb_ctl_taint *want, size_t n, bool add, bool *ret_changed)
{
	static const long get_ok[] = { 200, 0 }, put_ok[] = { 200, 409, 0 };
	json_t *cl = NULL, *spec, *taints, *t;
	char path[300];
	size_t i, k;
	long st;
	int rc = -1;

	snprintf(path, sizeof(path), CLUSTERS "/%s", name);
	if (tb_ctlclient_expect(c, cmd, "GET", path, NULL, &cl, get_ok) < 0 || !cl)
		goto out;
	spec = json_object_get(cl, "spec");
	taints = json_object_get(spec, "taints");
	if (!json_is_array(taints)) {
		taints = json_array();
		json_object_set_new(spec, "taints", taints);
	}
	*ret_changed = false;
	for (k = 0; k < n; k++) {
		json_array_foreach(taints, i, t)
			if (same(t, &want[k]))
				break;
		if (add && i == json_array_size(taints))
			json_array_append_new(taints, json_pack("{s:s, s:s}", "key", want[k].key,
								 "effect", want[k].effect));
		else if (!add && i < json_array_size(taints))
			json_array_remove(taints, i);
		else
			continue;
		*ret_changed = true;
	}
	if (!*ret_changed) {
		rc = 1;
		goto out;
	}
	json_object_del(cl, "status");
	if ((st = tb_ctlclient_expect(c, cmd, "PUT", path, cl, NULL, put_ok)) < 0)
		goto out;
	rc = st == 409 ? 0 : 1;
out:
	json_decref(cl);
	return rc;
}

int tb_ctl_cluster_taints(struct tb_ctlclient *c, const char *cmd, const char *name,
			  const struct tb_ctl_taint *taints, size_t n, bool add, bool *changed)
{
	int rc = 0;

	for (int i = 0; i < ATTEMPTS && !(rc = attempt(c, cmd, name, taints, n, add, changed)); i++)
		;
	if (rc == 0)
		fprintf(stderr, "tugctl %s: cluster %s kept changing; try again\n", cmd, name);
	return rc > 0 ? 0 : -1;
}

static int run(int argc, char **argv, const char *cmd, bool cordon)
{
	enum { O_KC = 256, O_KX };
	static const struct option opts[] = {
		{ "kubeconfig", required_argument, NULL, O_KC },
		{ "karmada-context", required_argument, NULL, O_KX },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *kubeconfig = NULL, *context = NULL;
	struct tb_err err = TB_ERR_INIT;
	struct tb_ctlclient c;
	bool changed = false;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case O_KC: kubeconfig = optarg; break;
		case O_KX: context = optarg; break;
		case 'h': usage(stdout, cmd); return 0;
		default: usage(stderr, cmd); return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "tugctl %s: want exactly one cluster NAME\n", cmd);
		usage(stderr, cmd);
		return 2;
	}
	if (tb_ctlclient_open(&c, kubeconfig, context, &err)) {
		fprintf(stderr, "tugctl %s: %s\n", cmd, err.msg);
		return 1;
	}
	/* uncordon also ends a drain: the cluster is usable again. */
	if (cordon)
		rc = tb_ctl_cluster_taints(&c, cmd, argv[optind], &cordon_taint, 1, true, &changed);
	else
		rc = tb_ctl_cluster_taints(&c, cmd, argv[optind],
					   (const struct tb_ctl_taint[]){ cordon_taint, drain_taint },
					   2, false, &changed);
	tb_ctlclient_close(&c);
	if (rc < 0)
		return 1;
	printf("cluster/%s %s%s\n", argv[optind], changed ? "" : "already ",
	       cordon ? "cordoned" : "uncordoned");
	return 0;
}

int tb_cmd_cordon(int argc, char **argv)
{
	return run(argc, argv, "cordon", true);
}

int tb_cmd_uncordon(int argc, char **argv)
{
	return run(argc, argv, "uncordon", false);
}
