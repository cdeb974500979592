/* The blocking side of tugctl's talk with tugd: one request at a time, each
 * a turn of a private event loop until the member client calls back. */
#include "cmd/tugctl_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/mem.h"

/* kubectl merges every file of $KUBECONFIG; tugctl reads the first that
 * exists, which is the one that decides current-context in kubectl too. */
static char *find_kubeconfig(const char *flag, struct tb_err *err)
{
	const char *env = getenv("KUBECONFIG");

	if (flag)
		return tb_strdup(flag);
	if (env && *env) {
		const char *p = env;

		while (*p) {
			size_t n = strcspn(p, ":");
			char *one = tb_strndup(p, n);

			if (n && access(one, F_OK) == 0)
				return one;
			tb_free(one);
			p += n + (p[n] == ':');
		}
		tb_error(err, TB_ENOENT, "no file of KUBECONFIG=\"%s\" exists", env);
		return NULL;
	}
	if (access(TB_CTL_DEFAULT_KUBECONFIG, F_OK) == 0)
		return tb_strdup(TB_CTL_DEFAULT_KUBECONFIG);
	tb_error(err, TB_ENOENT, "no kubeconfig: pass --kubeconfig FILE, set KUBECONFIG, or run "
		 "in the directory where tugd keeps %s", TB_CTL_DEFAULT_KUBECONFIG);
	return NULL;
}

int tb_ctlclient_open(struct tb_ctlclient *c, const char *kubeconfig, const char *context,
		      struct tb_err *err)
{
	struct tb_kubeconfig *kc = &c->kc;
	int rc;

	memset(c, 0, sizeof(*c));
	c->path = find_kubeconfig(kubeconfig, err);
	if (!c->path)
		return -TB_ENOENT;
	if ((rc = tb_kubeconfig_load(kc, c->path, context, err)))
		goto out;
	c->base = event_base_new();
	if (!c->base) {
		rc = tb_error(err, TB_EIO, "cannot create an event loop");
		goto out;
	}
	if ((rc = tb_member_client_init(&c->client, c->base, err)))
		goto out;
	c->conn = (struct tb_member_conn){
		.server = kc->server, .token = kc->token, .insecure = kc->insecure,
		.ca_data = kc->ca.data, .ca_len = kc->ca.len, .ca_file = kc->ca.file,
		.cert_data = kc->cert.data, .cert_len = kc->cert.len, .cert_file = kc->cert.file,
		.key_data = kc->key.data, .key_len = kc->key.len, .key_file = kc->key.file,
	};
	if (kc->token_file && (rc = tb_kubeconfig_inline(kc, err)))
		goto out;
	c->conn.token = kc->token;
out:
	if (rc)
		tb_ctlclient_close(c);
	return rc;
}

void tb_ctlclient_close(struct tb_ctlclient *c)
{
	tb_member_client_release(&c->client);
	if (c->base)
		event_base_free(c->base);
	tb_kubeconfig_release(&c->kc);
	tb_free(c->path);
	memset(c, 0, sizeof(*c));
}

struct answer {
	bool done;
	int rc;
	long status;
	json_t *body;
	char error[512];
};

static void on_answer(const struct tb_member_resp *resp, void *data)
{
	struct answer *a = data;

	a->done = true;
	a->rc = resp->rc;
	a->status = resp->status;
	snprintf(a->error, sizeof(a->error), "%s", resp->error);
	if (!resp->rc && resp->len)
		a->body = json_loadb(resp->body, resp->len, 0, NULL);
}

int tb_ctlclient_call(struct tb_ctlclient *c, const char *method, const char *path,
		      const json_t *body, long *ret_status, json_t **ret_body,
		      struct tb_err *err)
{
	struct answer a = { 0 };
	char *text = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	int rc;

	rc = tb_member_request(&c->client, &c->conn, method, path,
			       text ? "application/json" : NULL, text, text ? strlen(text) : 0,
			       TB_CTL_TIMEOUT_MS, on_answer, &a, NULL, err);
	free(text);
	if (rc)
		return rc;
	while (!a.done)
		event_base_loop(c->base, EVLOOP_ONCE);
	if (a.rc) {
		json_decref(a.body);
		return tb_error(err, -a.rc, "cannot reach %s (kubeconfig %s): %s", c->kc.server,
				c->path, a.error);
	}
	*ret_status = a.status;
	*ret_body = a.body;
	return 0;
}

const char *tb_ctlclient_message(const json_t *body, long status, char *buf, size_t n)
{
	const char *m = json_string_value(json_object_get(body, "message"));

	if (m && *m)
		snprintf(buf, n, "%s", m);
	else
		snprintf(buf, n, "HTTP %ld", status);
	return buf;
}

long tb_ctlclient_expect(struct tb_ctlclient *c, const char *cmd, const char *method,
			 const char *path, const json_t *body, json_t **ret_body, const long *ok)
{
	struct tb_err err = TB_ERR_INIT;
	json_t *resp = NULL;
	long status;
	char msg[512];

	if (tb_ctlclient_call(c, method, path, body, &status, &resp, &err)) {
		fprintf(stderr, "tugctl %s: %s\n", cmd, err.msg);
		return -1;
	}
	for (; *ok; ok++)
		if (*ok == status)
			break;
	if (!*ok) {
		fprintf(stderr, "tugctl %s: %s %s: %s\n", cmd, method, path,
			tb_ctlclient_message(resp, status, msg, sizeof(msg)));
		json_decref(resp);
		return -1;
	}
	if (ret_body)
		*ret_body = resp;
	else
		json_decref(resp);
	return status;
}
