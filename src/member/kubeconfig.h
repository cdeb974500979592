/* Kubeconfig files (kubectl's clientcmd format, YAML or JSON): what one
 * context says about reaching an API server — its URL, the CA to trust, and
 * the credentials (bearer token or client certificate). Parsing is pure
 * (buffer in, struct out); only tb_kubeconfig_load and tb_kubeconfig_inline
 * read files. Never contacts the server. */
#ifndef TB_KUBECONFIG_H
#define TB_KUBECONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"
#include "lib/strbuf.h"

#define TB_KUBECONFIG_MAX_BYTES (4u << 20)	/* a kubeconfig, or a file it names */

/* A PEM item given either as a path or inline (the -data fields, decoded). */
struct tb_kubeconfig_pem {
	char *file;		/* resolved against the kubeconfig's directory; or NULL */
	char *data;		/* PEM bytes, NUL-terminated; or NULL */
	size_t len;
};

struct tb_kubeconfig {
	char *context;		/* name of the context used */
	char *cluster;		/* name of its cluster entry */
	char *user;		/* name of its user entry; NULL: anonymous */
	char *namespace_;	/* the context's namespace, or NULL */
	char *server;		/* https://host:port[/prefix], never NULL after parse */
	bool insecure;		/* insecure-skip-tls-verify */
	struct tb_kubeconfig_pem ca;	/* certificate-authority[-data] */
	struct tb_kubeconfig_pem cert;	/* client-certificate[-data] */
	struct tb_kubeconfig_pem key;	/* client-key[-data] */
	char *token;		/* token, or tokenFile's contents once inlined */
	char *token_file;	/* tokenFile when token is not given */
	/* Indexes of the entries used, so later errors can name the field. */
	size_t cluster_index, user_index;
};

#define TB_KUBECONFIG_INIT { 0 }

void tb_kubeconfig_init(struct tb_kubeconfig *kc);
void tb_kubeconfig_release(struct tb_kubeconfig *kc);

/* Parses buf (one YAML or JSON document) and fills kc from context, or from
 * current-context when context is NULL. Relative file paths are resolved
 * against dir (NULL: left as they are), as kubectl resolves them against the
 * kubeconfig's directory. Errors name the field:
 *   users[0].user.token: must be a string
 *   context "x" not found
 * kc is left empty on failure. */
int tb_kubeconfig_parse(struct tb_kubeconfig *kc, const char *buf, size_t len,
			const char *context, const char *dir, struct tb_err *err);

/* Reads path and parses it; errors start with the path. */
int tb_kubeconfig_load(struct tb_kubeconfig *kc, const char *path, const char *context,
		       struct tb_err *err);

/* Reads every file kc names (CA, client certificate and key, tokenFile)
 * into the inline fields and clears the paths, so the credentials can be
 * stored elsewhere (a Secret) or used without touching the disk again. */
int tb_kubeconfig_inline(struct tb_kubeconfig *kc, struct tb_err *err);

/* Appends a kubeconfig (YAML) with one cluster, context and user, named
 * after kc's names ("tugboat" when unset), set as current-context. Inline
 * PEM data is written as -data fields (base64), paths as paths. */
void tb_kubeconfig_write(const struct tb_kubeconfig *kc, struct tb_strbuf *out);

#endif
