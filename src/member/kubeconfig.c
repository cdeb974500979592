/* Kubeconfig parsing and writing. Reads the fields kubectl reads for a
 * token or client-certificate user and refuses, naming the field, what it
 * cannot honour (exec plugins, auth providers, proxies), rather than connect
 * some other way than the file says. */
#include "member/kubeconfig.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/codec.h"
#include "api/yaml.h"
#include "lib/base64.h"
#include "lib/mem.h"

void tb_kubeconfig_init(struct tb_kubeconfig *kc)
{
	memset(kc, 0, sizeof(*kc));
}

static void pem_release(struct tb_kubeconfig_pem *p)
{
	tb_free(p->file);
	tb_free(p->data);
}

void tb_kubeconfig_release(struct tb_kubeconfig *kc)
{
	if (!kc)
		return;
	tb_free(kc->context);
	tb_free(kc->cluster);
	tb_free(kc->user);
	tb_free(kc->namespace_);
	tb_free(kc->server);
	pem_release(&kc->ca);
	pem_release(&kc->cert);
	pem_release(&kc->key);
	tb_free(kc->token);
	tb_free(kc->token_file);
	tb_kubeconfig_init(kc);
}

/* ---- reading fields --------------------------------------------------------- */

/* obj[key] as a new string; absent or null leaves *ret NULL. An empty
 * string counts as absent, as Go's omitempty fields do. */
static int get_str(const json_t *obj, const char *path, const char *key, char **ret,
		   struct tb_err *err)
{
	json_t *v = json_object_get(obj, key);

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return tb_error(err, TB_EINVAL, "%s%s%s: must be a string", path,
				*path ? "." : "", key);
	if (json_string_length(v))
		*ret = tb_strndup(json_string_value(v), json_string_length(v));
	return 0;
}

static int get_bool(const json_t *obj, const char *path, const char *key, bool *ret,
		    struct tb_err *err)
{
	json_t *v = json_object_get(obj, key);

	*ret = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return tb_error(err, TB_EINVAL, "%s.%s: must be a boolean", path, key);
	*ret = json_is_true(v);
	return 0;
}

/* The entry of list (clusters, contexts, users) whose name is name: its
 * inner object (entry[inner], or NULL when absent, which the getters read
 * as {}) and its index. */
static int find_entry(const json_t *root, const char *list, const char *inner, const char *name,
		      const json_t **ret, size_t *ret_i, struct tb_err *err)
{
	json_t *arr = json_object_get(root, list), *e, *n, *in;
	size_t i;

	if (arr && !json_is_null(arr) && !json_is_array(arr))
		return tb_error(err, TB_EINVAL, "%s: must be a list", list);
	json_array_foreach(arr, i, e) {
		if (!json_is_object(e))
			return tb_error(err, TB_EINVAL, "%s[%zu]: must be an object", list, i);
		n = json_object_get(e, "name");
		if (!json_is_string(n))
			return tb_error(err, TB_EINVAL, "%s[%zu].name: %s", list, i,
					n ? "must be a string" : "Required value");
		if (strcmp(json_string_value(n), name))
			continue;
		in = json_object_get(e, inner);
		if (in && !json_is_null(in) && !json_is_object(in))
			return tb_error(err, TB_EINVAL, "%s[%zu].%s: must be an object", list, i,
					inner);
		*ret = json_is_object(in) ? in : NULL;	/* NULL reads as {} */
		*ret_i = i;
		return 0;
	}
	return -TB_ENOENT;
}

static char *resolve(const char *dir, char *path)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;

	if (!path || !dir || !*dir || path[0] == '/')
		return path;
	tb_strbuf_addf(&sb, "%s/%s", dir, path);
	tb_free(path);
	return tb_strbuf_detach(&sb, NULL);
}

/* A base64 -data field, decoded. Go's decoder skips newlines; so do we. */
static int get_data(const json_t *obj, const char *path, const char *key,
		    struct tb_kubeconfig_pem *pem, struct tb_err *err)
{
	struct tb_strbuf clean = TB_STRBUF_INIT, out = TB_STRBUF_INIT;
	char *s = NULL;
	int rc;

	rc = get_str(obj, path, key, &s, err);
	if (rc || !s)
		return rc;
	for (const char *c = s; *c; c++)
		if (*c != '\n' && *c != '\r')
			tb_strbuf_addch(&clean, *c);
	if (tb_base64_decode(&out, clean.buf, clean.len, false) < 0) {
		rc = tb_error(err, TB_EINVAL, "%s.%s: illegal base64 data", path, key);
		tb_strbuf_release(&out);
	} else {
		pem->len = out.len;
		pem->data = tb_strbuf_detach(&out, NULL);
	}
	tb_strbuf_release(&clean);
	tb_free(s);
	return rc;
}

/* A PEM item given as file or -data; kubectl refuses both at once. */
static int get_pem(const json_t *obj, const char *path, const char *key, const char *dir,
		   struct tb_kubeconfig_pem *pem, struct tb_err *err)
{
	char dkey[64];
	int rc;

	snprintf(dkey, sizeof(dkey), "%s-data", key);
	rc = get_str(obj, path, key, &pem->file, err);
	if (!rc)
		rc = get_data(obj, path, dkey, pem, err);
	if (rc)
		return rc;
	if (pem->file && pem->data)
		return tb_error(err, TB_EINVAL, "%s: %s and %s are both specified; give one",
				path, key, dkey);
	pem->file = resolve(dir, pem->file);
	return 0;
}

/* Ways of authenticating that kubectl supports and Tugboat does not (they
 * need a helper program, a cloud SDK or a proxy). */
static int refuse(const json_t *obj, const char *path, const char *const *keys,
		  const char *why, struct tb_err *err)
{
	for (size_t i = 0; keys[i]; i++) {
		json_t *v = json_object_get(obj, keys[i]);

		if (v && !json_is_null(v) && !(json_is_string(v) && !json_string_length(v)) &&
		    !(json_is_array(v) && !json_array_size(v)))
			return tb_error(err, TB_EUNSUPP, "%s.%s: not supported: %s", path, keys[i],
					why);
	}
	return 0;
}

static int parse_cluster(struct tb_kubeconfig *kc, const json_t *c, const char *dir,
			 struct tb_err *err)
{
	static const char *const unsupported[] = { "proxy-url", "tls-server-name", NULL };
	char path[64];
	int rc;

	snprintf(path, sizeof(path), "clusters[%zu].cluster", kc->cluster_index);
	if ((rc = refuse(c, path, unsupported, "Tugboat connects to the server directly and "
			 "checks its certificate against its own name", err)))
		return rc;
	if ((rc = get_str(c, path, "server", &kc->server, err)) ||
	    (rc = get_bool(c, path, "insecure-skip-tls-verify", &kc->insecure, err)) ||
	    (rc = get_pem(c, path, "certificate-authority", dir, &kc->ca, err)))
		return rc;
	if (!kc->server)
		return tb_error(err, TB_EINVAL, "%s.server: Required value", path);
	if (strncmp(kc->server, "https://", 8) && strncmp(kc->server, "http://", 7))
		return tb_error(err, TB_EINVAL, "%s.server: \"%s\": must be an https:// or "
				"http:// URL", path, kc->server);
	/* clientcmd's validation says the same. */
	if (kc->insecure && (kc->ca.file || kc->ca.data))
		return tb_error(err, TB_EINVAL, "%s: specifying a root certificates file with "
				"the insecure flag is not allowed", path);
	return 0;
}

static int parse_user(struct tb_kubeconfig *kc, const json_t *u, const char *dir,
		      struct tb_err *err)
{
	static const char *const unsupported[] = { "exec", "auth-provider", "username",
						   "password", "as", "as-uid", "as-groups",
						   "as-user-extra", NULL };
	char path[64];
	int rc;

	snprintf(path, sizeof(path), "users[%zu].user", kc->user_index);
	if ((rc = refuse(u, path, unsupported, "use a bearer token (token, tokenFile) or a "
			 "client certificate", err)))
		return rc;
	if ((rc = get_str(u, path, "token", &kc->token, err)) ||
	    (rc = get_str(u, path, "tokenFile", &kc->token_file, err)) ||
	    (rc = get_pem(u, path, "client-certificate", dir, &kc->cert, err)) ||
	    (rc = get_pem(u, path, "client-key", dir, &kc->key, err)))
		return rc;
	/* kubectl uses token when both are there; so do we. */
	if (kc->token) {
		tb_free(kc->token_file);
		kc->token_file = NULL;
		if (strpbrk(kc->token, "\r\n"))
			return tb_error(err, TB_EINVAL, "%s.token: must be one line", path);
	}
	kc->token_file = resolve(dir, kc->token_file);
	if ((kc->cert.file || kc->cert.data) != (kc->key.file || kc->key.data))
		return tb_error(err, TB_EINVAL, "%s: %s without %s", path,
				kc->key.file || kc->key.data ? "client-key" : "client-certificate",
				kc->key.file || kc->key.data ? "client-certificate" : "client-key");
	return 0;
}

static int parse_root(struct tb_kubeconfig *kc, const json_t *root, const char *context,
		      const char *dir, struct tb_err *err)
{
	const json_t *ctx, *c, *u;
	size_t ci;
	char *cur = NULL;
	int rc;

	if (!json_is_object(root))
		return tb_error(err, TB_EINVAL, "not a kubeconfig: expected an object");
	if (!context) {
		if ((rc = get_str(root, "", "current-context", &cur, err)))
			return rc;
		if (!cur)
			return tb_error(err, TB_EINVAL, "current-context is not set and no "
					"context was chosen");
		context = cur;
	}
	kc->context = tb_strdup(context);
	tb_free(cur);
	rc = find_entry(root, "contexts", "context", kc->context, &ctx, &ci, err);
	if (rc == -TB_ENOENT)
		return tb_error(err, TB_EINVAL, "context \"%s\" not found", kc->context);
	if (rc)
		return rc;
	{
		char path[64];

		snprintf(path, sizeof(path), "contexts[%zu].context", ci);
		if ((rc = get_str(ctx, path, "cluster", &kc->cluster, err)) ||
		    (rc = get_str(ctx, path, "user", &kc->user, err)) ||
		    (rc = get_str(ctx, path, "namespace", &kc->namespace_, err)))
			return rc;
		if (!kc->cluster)
			return tb_error(err, TB_EINVAL, "%s.cluster: Required value", path);
	}
	rc = find_entry(root, "clusters", "cluster", kc->cluster, &c, &kc->cluster_index, err);
	if (rc == -TB_ENOENT)
		return tb_error(err, TB_EINVAL, "context \"%s\": cluster \"%s\" not found",
				kc->context, kc->cluster);
	if (rc || (rc = parse_cluster(kc, c, dir, err)))
		return rc;
	if (!kc->user)
		return 0;
	rc = find_entry(root, "users", "user", kc->user, &u, &kc->user_index, err);
	if (rc == -TB_ENOENT)
		return tb_error(err, TB_EINVAL, "context \"%s\": user \"%s\" not found",
				kc->context, kc->user);
	if (rc)
		return rc;
	return parse_user(kc, u, dir, err);
}

int tb_kubeconfig_parse(struct tb_kubeconfig *kc, const char *buf, size_t len,
			const char *context, const char *dir, struct tb_err *err)
{
	struct tb_docs docs = TB_DOCS_INIT;
	int rc;

	tb_kubeconfig_init(kc);
	rc = tb_codec_decode(buf, len, &docs, err);
	if (rc)
		goto out;
	if (docs.n != 1) {
		rc = tb_error(err, TB_EINVAL, docs.n ? "want one document, found %zu" :
			      "empty: no kubeconfig document", docs.n);
		goto out;
	}
	rc = parse_root(kc, docs.v[0].json, context, dir, err);
out:
	if (rc)
		tb_kubeconfig_release(kc);
	tb_docs_release(&docs);
	return rc;
}

/* ---- files ----------------------------------------------------------------- */

static int read_file(const char *path, struct tb_strbuf *out, struct tb_err *err)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;
	int rc = 0;

	if (!f)
		return tb_error(err, TB_EIO, "cannot read \"%s\": %s", path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (out->len + n > TB_KUBECONFIG_MAX_BYTES) {
			rc = tb_error(err, TB_ETOOBIG, "\"%s\" is larger than %u bytes", path,
				      TB_KUBECONFIG_MAX_BYTES);
			break;
		}
		tb_strbuf_add(out, buf, n);
	}
	if (!rc && ferror(f))
		rc = tb_error(err, TB_EIO, "cannot read \"%s\": %s", path, strerror(errno));
	fclose(f);
	return rc;
}

int tb_kubeconfig_load(struct tb_kubeconfig *kc, const char *path, const char *context,
		       struct tb_err *err)
{
	struct tb_strbuf text = TB_STRBUF_INIT, dir = TB_STRBUF_INIT;
	struct tb_err e = TB_ERR_INIT;
	const char *slash = strrchr(path, '/');
	int rc;

	tb_kubeconfig_init(kc);
	rc = read_file(path, &text, &e);
	if (rc) {
		tb_error(err, -rc, "%s", e.msg);
		goto out;
	}
	if (slash)
		tb_strbuf_add(&dir, path, slash == path ? 1 : (size_t)(slash - path));
	rc = tb_kubeconfig_parse(kc, text.buf, text.len, context, slash ? dir.buf : NULL, &e);
	if (rc)
		tb_error(err, -rc, "%s: %s", path, e.msg);
out:
	tb_strbuf_release(&text);
	tb_strbuf_release(&dir);
	return rc;
}

static int inline_pem(struct tb_kubeconfig_pem *pem, const char *field, struct tb_err *err)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	struct tb_err e = TB_ERR_INIT;
	int rc;

	if (!pem->file)
		return 0;
	rc = read_file(pem->file, &sb, &e);
	if (rc) {
		tb_strbuf_release(&sb);
		return tb_error(err, -rc, "%s: %s", field, e.msg);
	}
	pem->len = sb.len;
	pem->data = tb_strbuf_detach(&sb, NULL);
	tb_free(pem->file);
	pem->file = NULL;
	return 0;
}

int tb_kubeconfig_inline(struct tb_kubeconfig *kc, struct tb_err *err)
{
	char cpath[64], upath[64], field[96];
	int rc;

	snprintf(cpath, sizeof(cpath), "clusters[%zu].cluster", kc->cluster_index);
	snprintf(upath, sizeof(upath), "users[%zu].user", kc->user_index);
	snprintf(field, sizeof(field), "%s.certificate-authority", cpath);
	if ((rc = inline_pem(&kc->ca, field, err)))
		return rc;
	snprintf(field, sizeof(field), "%s.client-certificate", upath);
	if ((rc = inline_pem(&kc->cert, field, err)))
		return rc;
	snprintf(field, sizeof(field), "%s.client-key", upath);
	if ((rc = inline_pem(&kc->key, field, err)))
		return rc;
	if (kc->token_file) {
		struct tb_kubeconfig_pem t = { kc->token_file, NULL, 0 };
		size_t n;

		snprintf(field, sizeof(field), "%s.tokenFile", upath);
		if ((rc = inline_pem(&t, field, err)))
			return rc;
		/* kubectl trims the file's surrounding whitespace. */
		n = t.len;
		while (n && strchr(" \t\r\n", t.data[n - 1]))
			t.data[--n] = '\0';
		kc->token = tb_strdup(t.data + strspn(t.data, " \t\r\n"));
		tb_free(t.data);
		kc->token_file = NULL;
		if (!*kc->token || strpbrk(kc->token, "\r\n"))
			return tb_error(err, TB_EINVAL, "%s: the file must hold one non-empty line",
					field);
	}
	return 0;
}

/* ---- writing ----------------------------------------------------------------- */

static void put_pem(json_t *obj, const char *key, const struct tb_kubeconfig_pem *pem)
{
	struct tb_strbuf b64 = TB_STRBUF_INIT;
	char dkey[64];

	if (pem->data) {
		snprintf(dkey, sizeof(dkey), "%s-data", key);
		tb_base64_encode(&b64, pem->data, pem->len, false);
		json_object_set_new(obj, dkey, json_string(b64.buf));
	} else if (pem->file) {
		json_object_set_new(obj, key, json_string(pem->file));
	}
	tb_strbuf_release(&b64);
}

void tb_kubeconfig_write(const struct tb_kubeconfig *kc, struct tb_strbuf *out)
{
	const char *cname = kc->cluster ? kc->cluster : "tugboat";
	const char *uname = kc->user ? kc->user : "tugboat";
	const char *xname = kc->context ? kc->context : "tugboat";
	json_t *root, *cluster = json_object(), *user = json_object(), *ctx;

	json_object_set_new(cluster, "server", json_string(kc->server ? kc->server : ""));
	if (kc->insecure)
		json_object_set_new(cluster, "insecure-skip-tls-verify", json_true());
	put_pem(cluster, "certificate-authority", &kc->ca);
	if (kc->token)
		json_object_set_new(user, "token", json_string(kc->token));
	else if (kc->token_file)
		json_object_set_new(user, "tokenFile", json_string(kc->token_file));
	put_pem(user, "client-certificate", &kc->cert);
	put_pem(user, "client-key", &kc->key);
	ctx = json_pack("{s:s, s:s}", "cluster", cname, "user", uname);
	if (kc->namespace_)
		json_object_set_new(ctx, "namespace", json_string(kc->namespace_));
	root = json_pack("{s:s, s:s, s:[{s:s, s:o}], s:[{s:s, s:o}], s:s, s:[{s:s, s:o}]}",
			 "apiVersion", "v1", "kind", "Config",
			 "clusters", "name", cname, "cluster", cluster,
			 "contexts", "name", xname, "context", ctx,
			 "current-context", xname,
			 "users", "name", uname, "user", user);
	tb_yaml_emit(root, out);
	json_decref(root);
}
