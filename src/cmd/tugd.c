/* tugd: the control plane. One process, one event loop: the Kubernetes-style
 * API (src/server) on the durable store (src/store), and the controllers
 * (src/ctrl/tugd_*.c) driven by the store's change events and timers.
 *
 *   tugd [--data DIR] [--listen ADDR:PORT] [failover flags...]
 *   tugd kubeconfig [--data DIR]
 */
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "api/duration.h"
#include "api/policy.h"
#include "cmd/cli.h"
#include "core/config.h"
#include "ctrl/tugd.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "server/server.h"
#include "store/store.h"

#define DEFAULT_DATA "./tugboat-data"
#define DEFAULT_LISTEN "127.0.0.1:7443"

struct opts {
	const char *data;
	char address[64];
	int port;
	enum tb_store_sync sync;
	size_t history;
	int64_t event_ttl_ms;
	size_t max_events;
	struct tb_failover_config cfg;
};

static int64_t wall_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void usage(FILE *f, const struct tb_failover_config *cfg)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;

	fprintf(f,
"Usage: tugd [flags]              run the control plane\n"
"       tugd kubeconfig [--data DIR]  print the kubeconfig for kubectl\n"
"       tugd version\n"
"\n"
"Serves Karmada's API (clusters, propagation policies, bindings, works) and\n"
"resource templates (Deployments, Services, ConfigMaps, Secrets, Jobs,\n"
"Namespaces) to kubectl, stores every object in DIR/tugboat.db (SQLite, WAL),\n"
"and runs Karmada's controllers on them: the resource detector, the scheduler,\n"
"the Work producer, and for every member cluster joined with `tugctl join`\n"
"(a Push Cluster with a secretRef) probes, cluster status, execution of its\n"
"Works (server-side apply) and status collection, and the failover\n"
"controllers (taints, eviction, graceful eviction, rescheduling) set by the\n"
"settings below. Clusters in Pull mode, or without credentials, report their\n"
"own Ready condition through the status subresource.\n"
"Writes DIR/kubeconfig; use it with kubectl --kubeconfig DIR/kubeconfig.\n"
"\n"
"Flags:\n"
"  --data DIR            data directory (default " DEFAULT_DATA ")\n"
"  --listen ADDR:PORT    API address (default " DEFAULT_LISTEN "; port 0 picks one)\n"
"  --sync normal|full    normal: a write survives a crash of tugd (default);\n"
"                        full: also a power loss (fsync per write, slower)\n"
"  --watch-history N     changes kept for watches to resume from (default 10000)\n"
"  --event-ttl D         Events are deleted this long after they last occurred\n"
"                        (default 1h, as kube-apiserver's --event-ttl; 0: never)\n"
"  --max-events N        at most N Events are kept, the oldest deleted first\n"
"                        (default 10000; 0: no cap)\n"
"  --log-level LEVEL     debug, info (default), warn, error\n"
"  --profile NAME        failover profile: karmada (Karmada's defaults) or fast\n"
"\n"
"Failover settings (Karmada's flag names where Karmada has one):\n");
	tb_config_help(cfg, &sb);
	fputs(sb.buf ? sb.buf : "", f);
	tb_strbuf_release(&sb);
}

static int parse_listen(const char *s, struct opts *o)
{
	return tb_cli_parse_listen(s, o->address, sizeof(o->address), &o->port);
}

static int parse_args(int argc, char **argv, int first, struct opts *o)
{
	struct tb_err err = TB_ERR_INIT;
	const char *v;
	char name[64];
	int i, used;

	for (i = first; i < argc; i += used) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout, &o->cfg);
			exit(0);
		}
		if ((used = tb_cli_flag_value(argc, argv, i, "data", &v)) > 0) {
			o->data = v;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "listen", &v)) > 0) {
			if (parse_listen(v, o)) {
				fprintf(stderr, "tugd: --listen: want ADDR:PORT, got \"%s\"\n", v);
				return -1;
			}
		} else if ((used = tb_cli_flag_value(argc, argv, i, "sync", &v)) > 0) {
			if (strcmp(v, "normal") && strcmp(v, "full")) {
				fprintf(stderr, "tugd: --sync: want normal or full, got \"%s\"\n", v);
				return -1;
			}
			o->sync = strcmp(v, "full") ? TB_SYNC_NORMAL : TB_SYNC_FULL;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "watch-history", &v)) > 0) {
			o->history = strtoul(v, NULL, 10);
			if (o->history < 1) {
				fprintf(stderr, "tugd: --watch-history: want a positive count\n");
				return -1;
			}
		} else if ((used = tb_cli_flag_value(argc, argv, i, "event-ttl", &v)) > 0) {
			int64_t ns;

			if (tb_duration_parse(v, &ns, &err) || ns < 0) {
				fprintf(stderr, "tugd: --event-ttl: %s\n", err.msg[0] ? err.msg :
					"want a duration that is not negative");
				return -1;
			}
			o->event_ttl_ms = ns / 1000000;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "max-events", &v)) > 0) {
			char *end;
			long long n = strtoll(v, &end, 10);

			if (!*v || *end || n < 0) {
				fprintf(stderr, "tugd: --max-events: want a count, got \"%s\"\n", v);
				return -1;
			}
			o->max_events = (size_t)n;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "log-level", &v)) > 0) {
			enum tb_log_level l;

			if (tb_log_level_parse(v, &l)) {
				fprintf(stderr, "tugd: --log-level: want debug, info, warn or error, "
					"got \"%s\"\n", v);
				return -1;
			}
			tb_log_set_level(l);
		} else if ((used = tb_cli_flag_value(argc, argv, i, "profile", &v)) > 0) {
			if (tb_config_profile(&o->cfg, v, &err)) {
				fprintf(stderr, "tugd: --profile: %s\n", err.msg);
				return -1;
			}
		} else {
			const char *eq;
			size_t n;

			if (strncmp(a, "--", 2)) {
				fprintf(stderr, "tugd: unexpected argument \"%s\" (see tugd --help)\n",
					a);
				return -1;
			}
			eq = strchr(a, '=');
			n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			snprintf(name, sizeof(name), "%.*s", (int)n, a + 2);
			if (!tb_config_has(name)) {
				fprintf(stderr, "tugd: unknown flag \"--%s\" (see tugd --help)\n", name);
				return -1;
			}
			used = tb_cli_flag_value(argc, argv, i, name, &v);
			if (used < 0 || tb_config_set(&o->cfg, name, v, &err)) {
				fprintf(stderr, "tugd: --%s: %s\n", name,
					used < 0 ? "needs a value" : err.msg);
				return -1;
			}
		}
		if (used < 0) {
			fprintf(stderr, "tugd: %s needs a value\n", a);
			return -1;
		}
	}
	return 0;
}

static void kubeconfig_text(struct tb_strbuf *out, const char *address, int port)
{
	tb_strbuf_addf(out,
		       "apiVersion: v1\n"
		       "kind: Config\n"
		       "clusters:\n"
		       "- name: tugboat\n"
		       "  cluster:\n"
		       "    server: http://%s:%d\n"
		       "contexts:\n"
		       "- name: tugboat\n"
		       "  context:\n"
		       "    cluster: tugboat\n"
		       "    user: tugboat\n"
		       "    namespace: default\n"
		       "current-context: tugboat\n"
		       "users:\n"
		       "- name: tugboat\n"
		       "  user: {}\n", address, port);
}

static int write_kubeconfig(const char *dir, const char *address, int port)
{
	struct tb_strbuf text = TB_STRBUF_INIT, path = TB_STRBUF_INIT, tmp = TB_STRBUF_INIT;
	FILE *f;
	int rc = -1;

	kubeconfig_text(&text, address, port);
	tb_strbuf_addf(&path, "%s/kubeconfig", dir);
	tb_strbuf_addf(&tmp, "%s/kubeconfig.tmp", dir);
	f = fopen(tmp.buf, "w");
	if (f && fputs(text.buf, f) >= 0 && fclose(f) == 0)
		rc = rename(tmp.buf, path.buf);
	else if (f)
		fclose(f);
	tb_strbuf_release(&text);
	tb_strbuf_release(&path);
	tb_strbuf_release(&tmp);
	return rc;
}

static int cmd_kubeconfig(int argc, char **argv)
{
	struct tb_strbuf path = TB_STRBUF_INIT;
	const char *dir = DEFAULT_DATA, *v;
	char buf[4096];
	size_t n;
	FILE *f;
	int i, used;

	for (i = 2; i < argc; i += used) {
		used = tb_cli_flag_value(argc, argv, i, "data", &v);
		if (used <= 0) {
			fprintf(stderr, "Usage: tugd kubeconfig [--data DIR]\n");
			return 2;
		}
		dir = v;
	}
	tb_strbuf_addf(&path, "%s/kubeconfig", dir);
	f = fopen(path.buf, "r");
	if (!f) {
		fprintf(stderr, "tugd: cannot read %s: %s (has tugd run with --data %s?)\n",
			path.buf, strerror(errno), dir);
		tb_strbuf_release(&path);
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	tb_strbuf_release(&path);
	return 0;
}

static void on_signal(evutil_socket_t sig, short what, void *data)
{
	(void)what;
	tb_info("tugd: %s, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	event_base_loopbreak(data);
}

int main(int argc, char **argv)
{
	struct opts o = { .data = DEFAULT_DATA, .sync = TB_SYNC_NORMAL, .history = 10000,
			  .event_ttl_ms = 3600 * 1000, .max_events = 10000 };
	struct tb_server_opts so = { .defaults = TB_POLICY_DEFAULTS_INIT, .now_ms = wall_ms };
	struct tb_store_opts sto;
	struct tb_err err = TB_ERR_INIT;
	struct tb_errs errs = TB_ERRS_INIT;
	struct tb_strbuf sb = TB_STRBUF_INIT;
	struct event_base *base = NULL;
	struct event *sigterm = NULL, *sigint = NULL;
	struct tb_store *store = NULL;
	struct tb_server *srv = NULL;
	struct tb_tugd *ctl = NULL;
	int rc = 1;

	tb_config_init(&o.cfg);
	parse_listen(DEFAULT_LISTEN, &o);
	if (argc > 1 && !strcmp(argv[1], "kubeconfig"))
		return cmd_kubeconfig(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "version")) {
		printf("tugd version %s\n", TB_VERSION);
		return 0;
	}
	if (parse_args(argc, argv, 1, &o))
		return 2;
	if (tb_config_validate(&o.cfg, &errs)) {
		tb_errs_format(&errs, &sb, 0);
		fprintf(stderr, "tugd: invalid failover settings:\n%s\n", sb.buf);
		tb_strbuf_release(&sb);
		tb_errs_release(&errs);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (mkdir(o.data, 0700) && errno != EEXIST) {
		tb_errorlog("tugd: cannot create %s: %s", o.data, strerror(errno));
		return 1;
	}
	sto.sync = o.sync;
	sto.history = o.history;
	if (tb_store_open(&store, o.data, &sto, &err)) {
		tb_errorlog("tugd: %s", err.msg);
		return 1;
	}
	tb_info("tugd %s: store %s/tugboat.db at resourceVersion %llu", TB_VERSION, o.data,
		(unsigned long long)tb_store_rv(store));
	base = event_base_new();
	event_base_priority_init(base, TUGD_PRIORITIES);
	so.address = o.address;
	so.port = o.port;
	so.defaults.not_ready_toleration_seconds = o.cfg.not_ready_toleration_s;
	so.defaults.unreachable_toleration_seconds = o.cfg.unreachable_toleration_s;
	so.defaults.namespace_ = NULL;
	if (tb_tugd_new(&ctl, base, store, &o.cfg, wall_ms, &err)) {
		tb_errorlog("tugd: %s", err.msg);
		goto out;
	}
	tb_tugd_event_limits(ctl, o.event_ttl_ms, o.max_events);
	if (tb_server_new(&srv, base, store, &so, &err)) {
		tb_errorlog("tugd: %s", err.msg);
		goto out;
	}
	if (write_kubeconfig(o.data, o.address, tb_server_port(srv)))
		tb_warn("tugd: cannot write %s/kubeconfig: %s", o.data, strerror(errno));
	tb_info("tugd: serving the API on http://%s:%d (kubeconfig: %s/kubeconfig)", o.address,
		tb_server_port(srv), o.data);
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
	tb_server_free(srv);
	tb_tugd_free(ctl);
	tb_store_close(store);
	if (base)
		event_base_free(base);
	if (!rc)
		tb_info("tugd: stopped");
	return rc;
}
