/* tugctl join / unjoin: register a member cluster with tugd in Push mode, as
 * karmadactl does, from the member's kubeconfig. Join writes two objects in
 * the control plane, a Secret with the member's credentials and a Cluster
 * pointing at it; it creates nothing in the member. Unjoin deletes both. */
#include "api/cluster.h"
#include "api/duration.h"
#include "cmd/tugctl_client.h"
#include "lib/base64.h"
#include "lib/mem.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define CLUSTERS "/apis/cluster.karmada.io/v1alpha1/clusters"
#define SECRET_NS "karmada-cluster"	/* karmadactl's --cluster-namespace default */
#define SECRETS "/api/v1/namespaces/" SECRET_NS "/secrets"

struct join_opts {
	const char *name;
	const char *kubeconfig, *context;		/* the control plane */
	const char *cluster_kubeconfig, *cluster_context;	/* the member */
	const char *provider, *region, *zones;
};

static void join_usage(FILE *f)
{
	fprintf(f,
"Usage: tugctl join NAME --cluster-kubeconfig FILE [--cluster-context CONTEXT]\n"
"                   [--cluster-provider P] [--cluster-region R] [--cluster-zones Z1,Z2]\n"
"                   [--kubeconfig FILE] [--karmada-context CONTEXT]\n"
"\n"
"Registers a member cluster with Tugboat in Push mode, as karmadactl join does.\n"
"Reads the member's API server URL and credentials (a bearer token or a client\n"
"certificate, and the CA) from its kubeconfig, and creates in the control plane:\n"
"  - Secret " SECRET_NS "/NAME with keys token and caBundle (Karmada's), or\n"
"    tls.crt and tls.key for a client certificate;\n"
"  - Cluster NAME (cluster.karmada.io/v1alpha1) with spec.apiEndpoint, syncMode\n"
"    Push and spec.secretRef pointing at that Secret.\n"
"Nothing is installed or created in the member. NAME is a DNS-1123 label of at\n"
"most 48 characters and must not be joined already.\n"
"\n"
"Flags:\n"
"  --cluster-kubeconfig FILE  the member's kubeconfig (required)\n"
"  --cluster-context CONTEXT  its context to use (default: its current-context)\n"
"  --cluster-provider P       spec.provider\n"
"  --cluster-region R         spec.region\n"
"  --cluster-zones Z1,Z2      spec.zones\n"
"  --kubeconfig FILE          tugd's kubeconfig (default: $KUBECONFIG, then\n"
"                             " TB_CTL_DEFAULT_KUBECONFIG ")\n"
"  --karmada-context CONTEXT  its context to use\n");
}

static void unjoin_usage(FILE *f)
{
	fprintf(f,
"Usage: tugctl unjoin NAME [--wait D] [--kubeconfig FILE] [--karmada-context CONTEXT]\n"
"\n"
"Removes a member cluster from Tugboat, as karmadactl unjoin does: deletes the\n"
"Cluster NAME, waits until tugd has moved its workloads elsewhere and removed\n"
"from the member what Tugboat put there (a member that is not answering keeps\n"
"its objects), then deletes the Secret its spec.secretRef names in\n"
SECRET_NS ". Fails if no cluster NAME is joined, or if the cluster is still\n"
"there after --wait.\n"
"\n"
"Flags:\n"
"  --wait D                   how long to wait for the removal (default 60s)\n"
"  --kubeconfig FILE          tugd's kubeconfig (default: $KUBECONFIG, then\n"
"                             " TB_CTL_DEFAULT_KUBECONFIG ")\n"
"  --karmada-context CONTEXT  its context to use\n");
}

static bool check_name(const char *cmd, const char *name)
{
	struct tb_errs errs = TB_ERRS_INIT;
	struct tb_strbuf sb = TB_STRBUF_INIT;
	struct tb_path p = TB_PATH_INIT;
	bool ok;

	tb_path_field(&p, "name");
	tb_cluster_check_name(&errs, &p, name);
	ok = errs.n == 0;
	if (!ok) {
		tb_errs_format(&errs, &sb, 1);
		fprintf(stderr, "tugctl %s: %s\n", cmd, sb.buf);
	}
	tb_strbuf_release(&sb);
	tb_errs_release(&errs);
	return ok;
}

static void put_b64(json_t *data, const char *key, const char *bytes, size_t len)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;

	tb_base64_encode(&sb, bytes, len, false);
	json_object_set_new(data, key, json_string(sb.buf));
	tb_strbuf_release(&sb);
}

/* Karmada's keys: token and caBundle. A client certificate has no Karmada
 * key; tls.crt and tls.key are what Kubernetes' TLS Secrets call them. */
static json_t *secret_for(const char *name, const struct tb_kubeconfig *kc)
{
	json_t *data = json_object();

	if (kc->token)
		put_b64(data, "token", kc->token, strlen(kc->token));
	if (kc->ca.data)
		put_b64(data, "caBundle", kc->ca.data, kc->ca.len);
	if (kc->cert.data)
		put_b64(data, "tls.crt", kc->cert.data, kc->cert.len);
	if (kc->key.data)
		put_b64(data, "tls.key", kc->key.data, kc->key.len);
	return json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s}}, s:s, s:o}", "apiVersion", "v1",
			 "kind", "Secret", "metadata", "name", name, "namespace", SECRET_NS,
			 "labels", "cluster.karmada.io/name", name, "type", "Opaque", "data", data);
}

static json_t *cluster_for(const struct join_opts *o, const struct tb_kubeconfig *kc)
{
	json_t *spec = json_pack("{s:s, s:s, s:{s:s, s:s}}", "syncMode", "Push", "apiEndpoint",
				 kc->server, "secretRef", "namespace", SECRET_NS, "name", o->name);

	if (kc->insecure)
		json_object_set_new(spec, "insecureSkipTLSVerification", json_true());
	if (o->provider)
		json_object_set_new(spec, "provider", json_string(o->provider));
	if (o->region)
		json_object_set_new(spec, "region", json_string(o->region));
	if (o->zones) {
		json_t *zones = json_array();

		for (const char *p = o->zones; *p;) {
			size_t n = strcspn(p, ",");

			if (n)
				json_array_append_new(zones, json_stringn(p, n));
			p += n + (p[n] == ',');
		}
		json_object_set_new(spec, "zones", zones);
	}
	return json_pack("{s:s, s:s, s:{s:s}, s:o}", "apiVersion", "cluster.karmada.io/v1alpha1",
			 "kind", "Cluster", "metadata", "name", o->name, "spec", spec);
}

/* One request; prints the failure unless its status is one of ok (0-ended
 * list). Returns the status, or -1 after printing. */

static int do_join(struct tb_ctlclient *c, const struct join_opts *o,
		   const struct tb_kubeconfig *kc)
{
	static const long get_ok[] = { 200, 404, 0 }, create_ok[] = { 201, 200, 409, 0 };
	static const long put_ok[] = { 200, 201, 0 }, del_ok[] = { 200, 202, 404, 0 };
	static const long cluster_ok[] = { 201, 200, 0 };
	json_t *secret = secret_for(o->name, kc), *cluster = cluster_for(o, kc);
	char path[256];
	long st;
	int rc = 1;

	snprintf(path, sizeof(path), CLUSTERS "/%s", o->name);
	if ((st = tb_ctlclient_expect(c, "join", "GET", path, NULL, NULL, get_ok)) < 0)
		goto out;
	if (st == 200) {
		fprintf(stderr, "tugctl join: cluster(%s) is already joined; run 'tugctl unjoin %s' "
			"first to join it again\n", o->name, o->name);
		goto out;
	}
	/* tugd makes the namespace at start; it may have been deleted since. */
	if ((st = tb_ctlclient_expect(c, "join", "GET", "/api/v1/namespaces/" SECRET_NS, NULL, NULL,
		       get_ok)) < 0)
		goto out;
	if (st == 404) {
		json_t *ns = json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind",
				       "Namespace", "metadata", "name", SECRET_NS);

		st = tb_ctlclient_expect(c, "join", "POST", "/api/v1/namespaces", ns, NULL, create_ok);
		json_decref(ns);
		if (st < 0)
			goto out;
	}
	/* A Secret left by an interrupted join (no Cluster) is replaced. */
	if ((st = tb_ctlclient_expect(c, "join", "POST", SECRETS, secret, NULL, create_ok)) < 0)
		goto out;
	snprintf(path, sizeof(path), SECRETS "/%s", o->name);
	if (st == 409 && tb_ctlclient_expect(c, "join", "PUT", path, secret, NULL, put_ok) < 0)
		goto out;
	if (tb_ctlclient_expect(c, "join", "POST", CLUSTERS, cluster, NULL, cluster_ok) < 0) {
		/* Leave nothing half-joined behind. */
		tb_ctlclient_expect(c, "join", "DELETE", path, NULL, NULL, del_ok);
		goto out;
	}
	printf("cluster(%s) is joined successfully\n", o->name);
	rc = 0;
out:
	json_decref(secret);
	json_decref(cluster);
	return rc;
}

int tb_cmd_join(int argc, char **argv)
{
	enum { O_CK = 256, O_CC, O_KC, O_KX, O_PROV, O_REG, O_ZONES };
	static const struct option opts[] = {
		{ "cluster-kubeconfig", required_argument, NULL, O_CK },
		{ "cluster-context", required_argument, NULL, O_CC },
		{ "kubeconfig", required_argument, NULL, O_KC },
		{ "karmada-context", required_argument, NULL, O_KX },
		{ "cluster-provider", required_argument, NULL, O_PROV },
		{ "cluster-region", required_argument, NULL, O_REG },
		{ "cluster-zones", required_argument, NULL, O_ZONES },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct join_opts o = { 0 };
	struct tb_kubeconfig member = TB_KUBECONFIG_INIT;
	struct tb_ctlclient c;
	struct tb_err err = TB_ERR_INIT;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case O_CK: o.cluster_kubeconfig = optarg; break;
		case O_CC: o.cluster_context = optarg; break;
		case O_KC: o.kubeconfig = optarg; break;
		case O_KX: o.context = optarg; break;
		case O_PROV: o.provider = optarg; break;
		case O_REG: o.region = optarg; break;
		case O_ZONES: o.zones = optarg; break;
		case 'h': join_usage(stdout); return 0;
		default: join_usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "tugctl join: want exactly one cluster NAME\n");
		join_usage(stderr);
		return 2;
	}
	o.name = argv[optind];
	if (!o.cluster_kubeconfig) {
		fprintf(stderr, "tugctl join: --cluster-kubeconfig FILE is required\n");
		return 2;
	}
	if (!check_name("join", o.name))
		return 1;
	/* load's errors start with the file's name; inline's with the field. */
	if (tb_kubeconfig_load(&member, o.cluster_kubeconfig, o.cluster_context, &err)) {
		fprintf(stderr, "tugctl join: --cluster-kubeconfig: %s\n", err.msg);
		return 1;
	}
	if (tb_kubeconfig_inline(&member, &err)) {
		fprintf(stderr, "tugctl join: --cluster-kubeconfig: %s: %s\n",
			o.cluster_kubeconfig, err.msg);
		tb_kubeconfig_release(&member);
		return 1;
	}
	if (tb_ctlclient_open(&c, o.kubeconfig, o.context, &err)) {
		fprintf(stderr, "tugctl join: %s\n", err.msg);
		tb_kubeconfig_release(&member);
		return 1;
	}
	rc = do_join(&c, &o, &member);
	tb_ctlclient_close(&c);
	tb_kubeconfig_release(&member);
	return rc;
}

/* Polls until the Cluster is gone (tugd removes its finalizer once its
 * objects are off the member), for at most wait_ms. */
static bool wait_gone(struct tb_ctlclient *c, const char *path, int64_t wait_ms)
{
	static const long get_ok[] = { 200, 404, 0 };
	const struct timespec tick = { 0, 100 * 1000 * 1000 };

	for (int64_t waited = 0;; waited += 100) {
		long st = tb_ctlclient_expect(c, "unjoin", "GET", path, NULL, NULL, get_ok);

		if (st == 404)
			return true;
		if (st < 0 || waited >= wait_ms)
			return false;
		nanosleep(&tick, NULL);
	}
}

static int do_unjoin(struct tb_ctlclient *c, const char *name, int64_t wait_ms)
{
	static const long get_ok[] = { 200, 404, 0 }, del_ok[] = { 200, 202, 404, 0 };
	json_t *cluster = NULL, *ref;
	const char *ns, *sname;
	char path[256];
	long st;

	snprintf(path, sizeof(path), CLUSTERS "/%s", name);
	if ((st = tb_ctlclient_expect(c, "unjoin", "GET", path, NULL, &cluster, get_ok)) < 0)
		return 1;
	if (st == 404 || (st = tb_ctlclient_expect(c, "unjoin", "DELETE", path, NULL, NULL, del_ok)) == 404) {
		fprintf(stderr, "tugctl unjoin: cluster(%s) is not joined: no cluster \"%s\"\n",
			name, name);
		json_decref(cluster);
		return 1;
	}
	if (st < 0) {
		json_decref(cluster);
		return 1;
	}
	if (!wait_gone(c, path, wait_ms)) {
		fprintf(stderr, "tugctl unjoin: cluster(%s) is still being removed: tugd has not "
			"removed all its objects from the member yet (kubectl get works -n "
			"karmada-es-%s); its Secret is kept until then\n", name, name);
		json_decref(cluster);
		return 1;
	}
	/* Only Secrets in join's namespace: a hand-written Cluster may point at
	 * a Secret that something else owns. */
	ref = json_object_get(json_object_get(cluster, "spec"), "secretRef");
	ns = json_string_value(json_object_get(ref, "namespace"));
	sname = json_string_value(json_object_get(ref, "name"));
	if (ns && sname && !strcmp(ns, SECRET_NS) && *sname && !strchr(sname, '/')) {
		snprintf(path, sizeof(path), SECRETS "/%s", sname);
		if (tb_ctlclient_expect(c, "unjoin", "DELETE", path, NULL, NULL, del_ok) < 0) {
			json_decref(cluster);
			return 1;
		}
	}
	json_decref(cluster);
	printf("cluster(%s) is unjoined successfully\n", name);
	return 0;
}

int tb_cmd_unjoin(int argc, char **argv)
{
	enum { O_KC = 256, O_KX, O_WAIT };
	static const struct option opts[] = {
		{ "kubeconfig", required_argument, NULL, O_KC },
		{ "karmada-context", required_argument, NULL, O_KX },
		{ "wait", required_argument, NULL, O_WAIT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *kubeconfig = NULL, *context = NULL;
	struct tb_ctlclient c;
	struct tb_err err = TB_ERR_INIT;
	int64_t wait_ns = 60LL * 1000 * 1000 * 1000;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case O_KC: kubeconfig = optarg; break;
		case O_KX: context = optarg; break;
		case O_WAIT:
			if (tb_duration_parse(optarg, &wait_ns, &err) < 0 || wait_ns < 0) {
				fprintf(stderr, "tugctl unjoin: --wait: %s\n",
					err.msg[0] ? err.msg : "must not be negative");
				return 2;
			}
			break;
		case 'h': unjoin_usage(stdout); return 0;
		default: unjoin_usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "tugctl unjoin: want exactly one cluster NAME\n");
		unjoin_usage(stderr);
		return 2;
	}
	if (!check_name("unjoin", argv[optind]))
		return 1;
	if (tb_ctlclient_open(&c, kubeconfig, context, &err)) {
		fprintf(stderr, "tugctl unjoin: %s\n", err.msg);
		return 1;
	}
	rc = do_unjoin(&c, argv[optind], wait_ns / 1000000);
	tb_ctlclient_close(&c);
	return rc;
}
