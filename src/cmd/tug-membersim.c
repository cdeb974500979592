/* tug-membersim: simulated member clusters for tests and demos. One process,
 * one event loop, any number of clusters, each under its own URL prefix
 * (src/membersim). This file is the shell: flags, kubeconfig files, signals,
 * and the `fault` client that talks to a running simulator's admin API.
 *
 *   tug-membersim [--listen ADDR:PORT] [--clusters N] [flags...]
 *   tug-membersim fault --server URL --cluster NAME [--mode MODE ...]
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "api/duration.h"
#include "api/quantity.h"
#include "cmd/cli.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/strbuf.h"
#include "membersim/serve.h"
#include "membersim/state.h"

#define DEFAULT_LISTEN "127.0.0.1:0"
#define DEFAULT_KUBE_VERSION "v1.32.0"
/* A bound on --clusters: each cluster costs a few kilobytes before it holds
 * anything; this keeps a typo from eating the machine. */
#define MAX_CLUSTERS 100000
/* --service-ports opens a port per cluster: a bound on file descriptors. */
#define MAX_SERVICE_CLUSTERS 1000

struct opts {
	char address[64];
	int port;
	long clusters;
	long first;
	const char *prefix;
	const char *names;		/* "a,b,c", or NULL */
	const char *token;
	const char *kubeconfig_dir;
	const char *kube_version;
	bool service_ports;
	long service_port_base;
	struct tb_msim_opts sim;
};

static int64_t wall_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void usage(FILE *f)
{
	fputs(
"Usage: tug-membersim [flags]             serve simulated member clusters\n"
"       tug-membersim fault --server URL --cluster NAME [--mode MODE] [fault flags]\n"
"\n"
"Serves N simulated Kubernetes clusters on one port, cluster NAME under\n"
"http://ADDR:PORT/clusters/NAME, each answering what Tugboat and kubectl use of\n"
"a kube-apiserver (health, version, discovery, OpenAPI, nodes, namespaces,\n"
"pods, Deployments, Services, ConfigMaps, Secrets, Jobs). Simulated kubelets\n"
"make a Deployment's replicas ready --ready-delay after they fit on a node and\n"
"complete Jobs after --job-duration. Faults are injected per cluster at run\n"
"time through the admin API (POST /admin/clusters/NAME/fault) or the fault\n"
"subcommand. Prints \"tug-membersim: serving N clusters on http://ADDR:PORT\"\n"
"on stderr once listening. See docs/membersim.md.\n"
"\n"
"Flags:\n"
"  --listen ADDR:PORT     address (default " DEFAULT_LISTEN "; port 0 picks a free one)\n"
"  --clusters N           number of clusters (default 1)\n"
"  --name-prefix P        cluster names P1..PN (default member)\n"
"  --first I              number of the first cluster (default 1): --clusters 1\n"
"                         --first 3 serves member3 alone\n"
"  --names A,B,C          explicit cluster names (instead of the three above)\n"
"  --nodes K              nodes per cluster (default 3)\n"
"  --node-cpu Q           allocatable cpu per node, a quantity (default 8)\n"
"  --node-memory Q        allocatable memory per node (default 32Gi)\n"
"  --node-pods N          allocatable pods per node (default 110)\n"
"  --ready-delay D        a replica is ready D after it got a node (default 1s)\n"
"  --job-duration D       a Job's pod succeeds D after it got a node (default 5s)\n"
"  --token T              require \"Authorization: Bearer T\" (the admin API is exempt)\n"
"  --kubeconfig-dir DIR   write DIR/NAME.kubeconfig for every cluster\n"
"  --kube-version V       version reported by /version and the nodes (default\n"
"                         " DEFAULT_KUBE_VERSION ")\n"
"  --service-ports        one more port per cluster for its Services' traffic\n"
"                         (GET /NAMESPACE/SERVICE: 200 \"CLUSTER SERVICE\" while a\n"
"                         selected Deployment has a ready replica there, else 503);\n"
"                         prints \"tug-membersim: cluster NAME serves services on\n"
"                         http://ADDR:PORT\" per cluster\n"
"  --service-port-base P  service ports P, P+1, ... in cluster order (default: free\n"
"                         ports); implies --service-ports\n"
"  --log-level LEVEL      debug, info (default), warn, error\n"
"  -h, --help             this text\n"
"\n"
"Fault flags (tug-membersim fault; without --mode it prints the current fault):\n"
"  --server URL           the simulator, e.g. http://127.0.0.1:PORT\n"
"  --cluster NAME         the cluster (\"*\": every cluster)\n"
"  --mode MODE            ok, down, hang, slow, flap or error\n"
"  --latency D            slow: added delay (default 1s)\n"
"  --jitter D             slow: the delay varies uniformly by +-D (default 0s)\n"
"  --period D             flap: down for D, then ok for D, and so on (default 2s)\n"
"  --status CODE          error: the status /readyz, /healthz, /livez answer (default 500)\n",
	      f);
}

static int parse_listen(const char *s, struct opts *o)
{
	return tb_cli_parse_listen(s, o->address, sizeof(o->address), &o->port);
}

static int parse_count(const char *flag, const char *v, long min, long max, long *ret)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max) {
		fprintf(stderr, "tug-membersim: --%s: want a whole number from %ld to %ld, got "
			"\"%s\"\n", flag, min, max, v);
		return -1;
	}
	*ret = n;
	return 0;
}

static int parse_ms(const char *flag, const char *v, int64_t *ret)
{
	struct tb_err err = TB_ERR_INIT;
	int64_t ns;

	if (tb_duration_parse(v, &ns, &err) || ns < 0) {
		fprintf(stderr, "tug-membersim: --%s: %s\n", flag,
			err.msg[0] ? err.msg : "must not be negative");
		return -1;
	}
	*ret = ns / 1000000;
	return 0;
}

static int parse_quantity(const char *flag, const char *v, bool milli, int64_t *ret)
{
	struct tb_err err = TB_ERR_INIT;
	struct tb_quantity q;

	if (tb_quantity_parse(v, &q, &err) || tb_quantity_milli(&q) <= 0) {
		fprintf(stderr, "tug-membersim: --%s: %s\n", flag,
			err.msg[0] ? err.msg : "must be positive");
		return -1;
	}
	*ret = milli ? tb_quantity_milli(&q) : tb_quantity_value(&q);
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	const char *v;
	long n;
	int i, used;

	for (i = 1; i < argc; i += used) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		}
		used = 0;
		if (!strcmp(a, "--service-ports")) {
			o->service_ports = true;
			used = 1;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "service-port-base", &v)) > 0) {
			if (parse_count("service-port-base", v, 1, 65535, &o->service_port_base))
				return -1;
			o->service_ports = true;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "listen", &v)) > 0) {
			if (parse_listen(v, o)) {
				fprintf(stderr, "tug-membersim: --listen: want ADDR:PORT, got "
					"\"%s\"\n", v);
				return -1;
			}
		} else if ((used = tb_cli_flag_value(argc, argv, i, "clusters", &v)) > 0) {
			if (parse_count("clusters", v, 1, MAX_CLUSTERS, &o->clusters))
				return -1;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "first", &v)) > 0) {
			if (parse_count("first", v, 0, 1000000000, &o->first))
				return -1;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "name-prefix", &v)) > 0) {
			o->prefix = v;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "names", &v)) > 0) {
			o->names = v;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "nodes", &v)) > 0) {
			if (parse_count("nodes", v, 0, 5000, &n))
				return -1;
			o->sim.nodes = (size_t)n;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "node-cpu", &v)) > 0) {
			if (parse_quantity("node-cpu", v, true, &o->sim.node_cpu_m))
				return -1;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "node-memory", &v)) > 0) {
			if (parse_quantity("node-memory", v, false, &o->sim.node_mem))
				return -1;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "node-pods", &v)) > 0) {
			if (parse_count("node-pods", v, 1, 1000000, &n))
				return -1;
			o->sim.node_pods = n;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "ready-delay", &v)) > 0) {
			if (parse_ms("ready-delay", v, &o->sim.ready_delay_ms))
				return -1;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "job-duration", &v)) > 0) {
			if (parse_ms("job-duration", v, &o->sim.job_duration_ms))
				return -1;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "token", &v)) > 0) {
			o->token = v;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "kubeconfig-dir", &v)) > 0) {
			o->kubeconfig_dir = v;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "kube-version", &v)) > 0) {
			o->kube_version = v;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "log-level", &v)) > 0) {
			enum tb_log_level l;

			if (tb_log_level_parse(v, &l)) {
				fprintf(stderr, "tug-membersim: --log-level: want debug, info, warn "
					"or error, got \"%s\"\n", v);
				return -1;
			}
			tb_log_set_level(l);
		} else if (used == 0) {
			fprintf(stderr, "tug-membersim: unknown argument \"%s\" (see "
				"tug-membersim --help)\n", a);
			return -1;
		}
		if (used < 0) {
			fprintf(stderr, "tug-membersim: %s needs a value\n", a);
			return -1;
		}
	}
	return 0;
}

/* ---- clusters and kubeconfigs ------------------------------------------------------ */

static int add_clusters(struct tb_msim *sim, const struct opts *o, int64_t now_ms)
{
	struct tb_err err = TB_ERR_INIT;
	char name[128], *copy, *tok, *p, *save = NULL;
	int rc = 0;
	long i;

	if (o->names) {
		copy = tb_strdup(o->names);
		for (p = copy; !rc && (tok = strtok_r(p, ",", &save)); p = NULL)
			rc = tb_msim_add_cluster(sim, tok, now_ms, &err);
		tb_free(copy);
	} else {
		for (i = 0; !rc && i < o->clusters; i++) {
			snprintf(name, sizeof(name), "%s%ld", o->prefix, o->first + i);
			rc = tb_msim_add_cluster(sim, name, now_ms, &err);
		}
	}
	if (!rc && !sim->n)
		rc = tb_error(&err, TB_EINVAL, "no cluster to serve");
	if (!rc && o->service_ports && sim->n > MAX_SERVICE_CLUSTERS)
		rc = tb_error(&err, TB_EINVAL, "--service-ports: at most %d clusters (one port "
			      "each), not %zu", MAX_SERVICE_CLUSTERS, sim->n);
	if (rc)
		fprintf(stderr, "tug-membersim: %s\n", err.msg);
	return rc;
}

static int write_file(const char *path, const char *text)
{
	struct tb_strbuf tmp = TB_STRBUF_INIT;
	FILE *f;
	int rc = -1;

	/* Written aside and renamed: a reader never sees half a file. */
	tb_strbuf_addf(&tmp, "%s.tmp", path);
	f = fopen(tmp.buf, "w");
	if (f && fputs(text, f) >= 0 && fclose(f) == 0)
		rc = rename(tmp.buf, path);
	else if (f)
		fclose(f);
	tb_strbuf_release(&tmp);
	return rc;
}

static int write_kubeconfigs(const struct tb_msim *sim, const struct opts *o, int port)
{
	struct tb_strbuf text = TB_STRBUF_INIT, path = TB_STRBUF_INIT;
	const char *name;
	size_t i;
	int rc = 0;

	if (mkdir(o->kubeconfig_dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "tug-membersim: cannot create %s: %s\n", o->kubeconfig_dir,
			strerror(errno));
		return -1;
	}
	for (i = 0; !rc && i < sim->n; i++) {
		name = sim->clusters[i]->name;
		tb_strbuf_reset(&text);
		tb_strbuf_reset(&path);
		tb_strbuf_addf(&text,
			       "apiVersion: v1\n"
			       "kind: Config\n"
			       "clusters:\n"
			       "- name: %s\n"
			       "  cluster:\n"
			       "    server: http://%s:%d/clusters/%s\n"
			       "contexts:\n"
			       "- name: %s\n"
			       "  context:\n"
			       "    cluster: %s\n"
			       "    user: %s\n"
			       "    namespace: default\n"
			       "current-context: %s\n"
			       "users:\n"
			       "- name: %s\n"
			       "  user:\n"
			       "    token: %s\n",
			       name, o->address, port, name, name, name, name, name, name,
			       o->token ? o->token : "membersim");
		tb_strbuf_addf(&path, "%s/%s.kubeconfig", o->kubeconfig_dir, name);
		rc = write_file(path.buf, text.buf);
		if (rc)
			fprintf(stderr, "tug-membersim: cannot write %s: %s\n", path.buf,
				strerror(errno));
	}
	tb_strbuf_release(&text);
	tb_strbuf_release(&path);
	return rc;
}

/* ---- the fault client --------------------------------------------------------------- */

struct reply {
	int code;
	struct tb_strbuf body;
	struct event_base *base;
};

static void on_reply(struct evhttp_request *r, void *data)
{
	struct reply *rep = data;
	struct evbuffer *in;
	size_t n;

	/* The kept-alive connection would hold the loop open: stop it here. */
	event_base_loopbreak(rep->base);
	if (!r)
		return;		/* connection failed: code stays 0 */
	rep->code = evhttp_request_get_response_code(r);
	in = evhttp_request_get_input_buffer(r);
	n = evbuffer_get_length(in);
	tb_strbuf_grow(&rep->body, n);
	evbuffer_copyout(in, rep->body.buf, n);
	tb_strbuf_setlen(&rep->body, n);
}

static int cmd_fault(int argc, char **argv)
{
	const char *server = NULL, *cluster = NULL, *mode = NULL, *v;
	const char *keys[] = { "latency", "jitter", "period" };
	struct reply rep = { 0, TB_STRBUF_INIT, NULL };
	struct tb_strbuf path = TB_STRBUF_INIT;
	struct event_base *base = NULL;
	struct evhttp_connection *conn = NULL;
	struct evhttp_request *req;
	struct evhttp_uri *uri = NULL;
	json_t *body = json_object();
	char *text = NULL, *ename = NULL;
	const char *host;
	int i, used, port, rc = 2;
	size_t k;

	for (i = 2; i < argc; i += used) {
		used = 0;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			rc = 0;
			goto out;
		}
		if ((used = tb_cli_flag_value(argc, argv, i, "server", &v)) > 0) {
			server = v;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "cluster", &v)) > 0) {
			cluster = v;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "mode", &v)) > 0) {
			mode = v;
			json_object_set_new(body, "mode", json_string(v));
		} else if ((used = tb_cli_flag_value(argc, argv, i, "status", &v)) > 0) {
			long code;

			if (parse_count("status", v, 100, 599, &code))
				goto out;
			json_object_set_new(body, "status", json_integer(code));
		} else {
			for (k = 0; k < 3 && used == 0; k++)
				if ((used = tb_cli_flag_value(argc, argv, i, keys[k], &v)) > 0)
					json_object_set_new(body, keys[k], json_string(v));
		}
		if (used <= 0) {
			fprintf(stderr, "tug-membersim fault: %s argument \"%s\" (see "
				"tug-membersim --help)\n", used < 0 ? "no value for" : "unknown",
				argv[i]);
			goto out;
		}
	}
	if (!server || !cluster) {
		fprintf(stderr, "tug-membersim fault: --server and --cluster are required\n");
		goto out;
	}
	uri = evhttp_uri_parse(server);
	host = uri ? evhttp_uri_get_host(uri) : NULL;
	if (!host) {
		fprintf(stderr, "tug-membersim fault: --server: want http://HOST:PORT, got "
			"\"%s\"\n", server);
		goto out;
	}
	port = evhttp_uri_get_port(uri) > 0 ? evhttp_uri_get_port(uri) : 80;
	ename = evhttp_uriencode(cluster, -1, 0);
	tb_strbuf_addf(&path, "/admin/clusters/%s/fault", ename);
	rc = 1;
	base = event_base_new();
	rep.base = base;
	conn = evhttp_connection_base_new(base, NULL, host, (ev_uint16_t)port);
	evhttp_connection_set_timeout(conn, 30);
	req = evhttp_request_new(on_reply, &rep);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host", host);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
	if (mode) {
		text = json_dumps(body, JSON_COMPACT);
		evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
				  "application/json");
		evbuffer_add(evhttp_request_get_output_buffer(req), text, strlen(text));
	}
	if (evhttp_make_request(conn, req, mode ? EVHTTP_REQ_POST : EVHTTP_REQ_GET, path.buf)) {
		fprintf(stderr, "tug-membersim fault: cannot send the request\n");
		goto out;
	}
	event_base_dispatch(base);
	if (!rep.code) {
		fprintf(stderr, "tug-membersim fault: no answer from %s\n", server);
	} else if (rep.code != 200) {
		fprintf(stderr, "tug-membersim fault: %d: %s\n", rep.code, rep.body.buf);
	} else {
		printf("%s\n", rep.body.buf);
		rc = 0;
	}
out:
	if (conn)
		evhttp_connection_free(conn);
	if (base)
		event_base_free(base);
	if (uri)
		evhttp_uri_free(uri);
	free(ename);
	free(text);
	json_decref(body);
	tb_strbuf_release(&path);
	tb_strbuf_release(&rep.body);
	return rc;
}

/* ---- main ----------------------------------------------------------------------------- */

static void on_signal(evutil_socket_t sig, short what, void *data)
{
	(void)what;
	tb_info("tug-membersim: %s, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	event_base_loopbreak(data);
}

int main(int argc, char **argv)
{
	struct opts o = {
		.clusters = 1, .first = 1, .prefix = "member", .kube_version = DEFAULT_KUBE_VERSION,
		.sim = { .nodes = 3, .node_cpu_m = 8000, .node_mem = 32LL << 30, .node_pods = 110,
			 .ready_delay_ms = 1000, .job_duration_ms = 5000 },
	};
	struct tb_msim_server_opts so = { .now_ms = wall_ms };
	struct tb_msim sim = TB_MSIM_INIT;
	struct tb_msim_server *srv = NULL;
	struct tb_err err = TB_ERR_INIT;
	struct event_base *base = NULL;
	struct event *sigterm = NULL, *sigint = NULL;
	int rc = 1, port;
	size_t i;

	parse_listen(DEFAULT_LISTEN, &o);
	if (argc > 1 && !strcmp(argv[1], "fault"))
		return cmd_fault(argc, argv);
	if (parse_args(argc, argv, &o))
		return 2;
	signal(SIGPIPE, SIG_IGN);
	o.sim.kube_version = o.kube_version;
	tb_msim_init(&sim, &o.sim);
	if (add_clusters(&sim, &o, wall_ms())) {
		rc = 2;
		goto out;
	}
	base = event_base_new();
	so.address = o.address;
	so.port = o.port;
	so.token = o.token;
	so.kube_version = o.kube_version;
	so.service_ports = o.service_ports;
	so.service_port_base = (int)o.service_port_base;
	if (tb_msim_server_new(&srv, base, &sim, &so, &err)) {
		tb_errorlog("tug-membersim: %s", err.msg);
		goto out;
	}
	port = tb_msim_server_port(srv);
	if (o.kubeconfig_dir && write_kubeconfigs(&sim, &o, port))
		goto out;
	/* Before the "serving" line: a script that waits for it finds these. */
	for (i = 0; o.service_ports && i < sim.n; i++)
		tb_info("tug-membersim: cluster %s serves services on http://%s:%d",
			sim.clusters[i]->name, o.address,
			tb_msim_server_service_port(srv, sim.clusters[i]));
	tb_info("tug-membersim: serving %zu clusters on http://%s:%d", sim.n, o.address, port);
	sigterm = evsignal_new(base, SIGTERM, on_signal, base);
	sigint = evsignal_new(base, SIGINT, on_signal, base);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	event_base_dispatch(base);
	rc = 0;
out:
	if (sigterm)
		event_free(sigterm);
	if (sigint)
		event_free(sigint);
	tb_msim_server_free(srv);
	tb_msim_release(&sim);
	if (base)
		event_base_free(base);
	if (!rc)
		tb_info("tug-membersim: stopped");
	return rc;
}
