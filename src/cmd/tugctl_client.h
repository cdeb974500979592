/* tugctl's client for tugd's API: finds a kubeconfig (--kubeconfig, then
 * $KUBECONFIG, then tugd's ./tugboat-data/kubeconfig), and makes blocking
 * JSON requests by running the member client on a private event loop, so
 * tugctl and tugd share one HTTP(S) and credential path. Also declares the
 * subcommands that talk to tugd. */
#ifndef TB_TUGCTL_CLIENT_H
#define TB_TUGCTL_CLIENT_H

#include <event2/event.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"
#include "member/client.h"
#include "member/kubeconfig.h"

#define TB_CTL_DEFAULT_KUBECONFIG "./tugboat-data/kubeconfig"
#define TB_CTL_TIMEOUT_MS 30000

struct tb_ctlclient {
	struct event_base *base;
	struct tb_member_client client;
	struct tb_kubeconfig kc;
	struct tb_member_conn conn;
	char *path;		/* the kubeconfig used */
};

/* kubeconfig (NULL: $KUBECONFIG's first existing file, else the default)
 * and context (NULL: its current-context). */
int tb_ctlclient_open(struct tb_ctlclient *c, const char *kubeconfig, const char *context,
		      struct tb_err *err);
void tb_ctlclient_close(struct tb_ctlclient *c);

/* Sends body (NULL: none) as JSON and waits for the answer. Returns 0 when
 * an HTTP answer came (any status), with *ret_status and the parsed JSON
 * body in *ret_body (NULL when not JSON; the caller decrefs); -TB_EIO when
 * tugd could not be reached, with the reason. */
int tb_ctlclient_call(struct tb_ctlclient *c, const char *method, const char *path,
		      const json_t *body, long *ret_status, json_t **ret_body,
		      struct tb_err *err);

/* The message of a meta/v1 Status body, else "HTTP <status>". */
const char *tb_ctlclient_message(const json_t *body, long status, char *buf, size_t n);

/* tb_ctlclient_call for commands: a failure, or a status not in ok (a
 * 0-terminated list), is printed as "tugctl CMD: ..." and gives -1; else the
 * status, and the body in *ret_body if wanted. */
long tb_ctlclient_expect(struct tb_ctlclient *c, const char *cmd, const char *method,
			 const char *path, const json_t *body, json_t **ret_body, const long *ok);

/* Cluster taints, by (key, effect), added or removed together in one
 * read-change-write of the Cluster (retried on a conflict). *changed says
 * whether any was missing (add) or present (remove). 0, or -1 printed. */
#define TB_CTL_TAINT_UNSCHEDULABLE "cluster.karmada.io/unschedulable"
struct tb_ctl_taint {
	const char *key, *effect;
};
int tb_ctl_cluster_taints(struct tb_ctlclient *c, const char *cmd, const char *name,
			  const struct tb_ctl_taint *taints, size_t n, bool add, bool *changed);

int tb_cmd_join(int argc, char **argv);
int tb_cmd_cordon(int argc, char **argv);
int tb_cmd_uncordon(int argc, char **argv);
int tb_cmd_drain(int argc, char **argv);
int tb_cmd_unjoin(int argc, char **argv);

#endif
