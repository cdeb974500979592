/* Kubeconfig parsing: contexts, tokens and certificates inline or in files,
 * paths resolved against the file's directory, errors that name the field,
 * and the writer read back by the parser. */
#include "testutil.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/base64.h"
#include "member/kubeconfig.h"

/* "-----BEGIN CERTIFICATE-----\nca\n" in base64. */
#define CA_PEM "-----BEGIN CERTIFICATE-----\nca\n"
#define CA_B64 "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmNhCg=="

static const char two_contexts[] =
	"apiVersion: v1\n"
	"kind: Config\n"
	"current-context: kind-member1\n"
	"clusters:\n"
	"- name: kind-member1\n"
	"  cluster:\n"
	"    server: https://127.0.0.1:6443\n"
	"    certificate-authority-data: " CA_B64 "\n"
	"- name: other\n"
	"  cluster:\n"
	"    server: http://10.0.0.2:8080/prefix\n"
	"    insecure-skip-tls-verify: true\n"
	"contexts:\n"
	"- name: kind-member1\n"
	"  context: {cluster: kind-member1, user: admin, namespace: apps}\n"
	"- name: ctx2\n"
	"  context: {cluster: other, user: certuser}\n"
	"users:\n"
	"- name: admin\n"
	"  user:\n"
	"    token: abc.def\n"
	"- name: certuser\n"
	"  user:\n"
	"    client-certificate: certs/cli.crt\n"
	"    client-key: /abs/cli.key\n"
	"    tokenFile: tok\n";

static void test_current_context(void **state)
{
	struct tb_kubeconfig kc;

	(void)state;
	assert_int_equal(tb_kubeconfig_parse(&kc, two_contexts, strlen(two_contexts), NULL, NULL,
					     NULL), 0);
	assert_string_equal(kc.context, "kind-member1");
	assert_string_equal(kc.cluster, "kind-member1");
	assert_string_equal(kc.user, "admin");
	assert_string_equal(kc.namespace_, "apps");
	assert_string_equal(kc.server, "https://127.0.0.1:6443");
	assert_false(kc.insecure);
	assert_null(kc.ca.file);
	assert_int_equal(kc.ca.len, strlen(CA_PEM));
	assert_string_equal(kc.ca.data, CA_PEM);
	assert_string_equal(kc.token, "abc.def");
	assert_null(kc.cert.file);
	assert_null(kc.cert.data);
	tb_kubeconfig_release(&kc);
	tb_kubeconfig_release(&kc);	/* released twice: harmless */
}

static void test_chosen_context_and_paths(void **state)
{
	struct tb_kubeconfig kc;

	(void)state;
	assert_int_equal(tb_kubeconfig_parse(&kc, two_contexts, strlen(two_contexts), "ctx2",
					     "/etc/kube", NULL), 0);
	assert_string_equal(kc.server, "http://10.0.0.2:8080/prefix");
	assert_true(kc.insecure);
	assert_null(kc.namespace_);
	assert_string_equal(kc.cert.file, "/etc/kube/certs/cli.crt");
	assert_string_equal(kc.key.file, "/abs/cli.key");
	assert_string_equal(kc.token_file, "/etc/kube/tok");
	assert_null(kc.token);
	assert_int_equal(kc.cluster_index, 1);
	assert_int_equal(kc.user_index, 1);
	tb_kubeconfig_release(&kc);
}

static void test_json(void **state)
{
	static const char json[] =
		"{\"apiVersion\":\"v1\",\"kind\":\"Config\",\"current-context\":\"c\","
		"\"clusters\":[{\"name\":\"k\",\"cluster\":{\"server\":\"http://127.0.0.1:1\"}}],"
		"\"contexts\":[{\"name\":\"c\",\"context\":{\"cluster\":\"k\",\"user\":\"u\"}}],"
		"\"users\":[{\"name\":\"u\",\"user\":{}}]}";
	struct tb_kubeconfig kc;

	(void)state;
	assert_int_equal(tb_kubeconfig_parse(&kc, json, strlen(json), NULL, NULL, NULL), 0);
	assert_string_equal(kc.server, "http://127.0.0.1:1");
	assert_null(kc.token);
	tb_kubeconfig_release(&kc);
}

/* Replaces the first occurrence of from in two_contexts with to. */
static char *edit(const char *from, const char *to)
{
	const char *at = strstr(two_contexts, from);
	struct tb_strbuf sb = TB_STRBUF_INIT;

	assert_non_null(at);
	tb_strbuf_add(&sb, two_contexts, (size_t)(at - two_contexts));
	tb_strbuf_adds(&sb, to);
	tb_strbuf_adds(&sb, at + strlen(from));
	return tb_strbuf_detach(&sb, NULL);
}

static void expect_err(const char *text, const char *context, const char *want)
{
	struct tb_kubeconfig kc;
	struct tb_err err = TB_ERR_INIT;

	assert_true(tb_kubeconfig_parse(&kc, text, strlen(text), context, NULL, &err) < 0);
	if (!tu_glob(want, err.msg))
		fail_msg("want error\n  %s\ngot\n  %s", want, err.msg);
	assert_null(kc.server);	/* left empty */
}

static void expect_edit_err(const char *from, const char *to, const char *context,
			    const char *want)
{
	char *text = edit(from, to);

	expect_err(text, context, want);
	tb_free(text);
}

static void test_errors(void **state)
{
	(void)state;
	expect_err(two_contexts, "nope", "context \"nope\" not found");
	expect_edit_err("current-context: kind-member1\n", "", NULL,
			"current-context is not set and no context was chosen");
	expect_edit_err("token: abc.def", "token: 12", NULL,
			"users[0].user.token: must be a string");
	expect_edit_err("token: abc.def", "token: [a]", "kind-member1",
			"users[0].user.token: must be a string");
	expect_edit_err("    server: https://127.0.0.1:6443\n", "", NULL,
			"clusters[0].cluster.server: Required value");
	expect_edit_err("https://127.0.0.1:6443", "127.0.0.1:6443", NULL,
			"clusters[0].cluster.server: \"127.0.0.1:6443\": must be an https:// "
			"or http:// URL");
	expect_edit_err(CA_B64, "not!base64", NULL,
			"clusters[0].cluster.certificate-authority-data: illegal base64 data");
	expect_edit_err("insecure-skip-tls-verify: true", "insecure-skip-tls-verify: yes!",
			"ctx2", "clusters[1].cluster.insecure-skip-tls-verify: must be a boolean");
	expect_edit_err("{cluster: kind-member1,", "{cluster: gone,", NULL,
			"context \"kind-member1\": cluster \"gone\" not found");
	expect_edit_err("user: admin,", "user: ghost,", NULL,
			"context \"kind-member1\": user \"ghost\" not found");
	expect_edit_err("    client-key: /abs/cli.key\n", "", "ctx2",
			"users[1].user: client-certificate without client-key");
	expect_edit_err("    token: abc.def\n", "    exec: {command: aws}\n", NULL,
			"users[0].user.exec: not supported: *");
	expect_edit_err("    insecure-skip-tls-verify: true\n",
			"    proxy-url: http://proxy:3128\n", "ctx2",
			"clusters[1].cluster.proxy-url: not supported: *");
	expect_edit_err("    certificate-authority-data:", "    certificate-authority: x\n"
			"    certificate-authority-data:", NULL,
			"clusters[0].cluster: certificate-authority and certificate-authority-data "
			"are both specified; give one");
	expect_edit_err("    server: http://10.0.0.2:8080/prefix\n",
			"    server: http://10.0.0.2:8080/prefix\n    certificate-authority: ca\n",
			"ctx2", "clusters[1].cluster: specifying a root certificates file with the "
			"insecure flag is not allowed");
	expect_edit_err("- name: admin\n", "- nom: admin\n", NULL,
			"users[0].name: Required value");
	expect_err("", NULL, "empty: no kubeconfig document");
	expect_err("[1, 2]", NULL, "not a kubeconfig: expected an object");
	expect_err("a: b\n---\nc: d\n", NULL, "want one document, found 2");
	expect_err("clusters: [\n", NULL, "line *");
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_load_and_inline(void **state)
{
	char dir[] = "/tmp/tb-kc-XXXXXX", path[128], sub[128], cmd[160];
	struct tb_kubeconfig kc;
	struct tb_err err = TB_ERR_INIT;
	static const char text[] =
		"current-context: c\n"
		"clusters: [{name: k, cluster: {server: 'https://h:1', certificate-authority: ca.crt}}]\n"
		"contexts: [{name: c, context: {cluster: k, user: u}}]\n"
		"users: [{name: u, user: {tokenFile: sub/token, client-certificate: sub/c.crt,\n"
		"  client-key-data: a2V5}}]\n";

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, sizeof(path), "%s/ca.crt", dir);
	write_file(path, "CA PEM\n");
	snprintf(path, sizeof(path), "%s/sub/token", dir);
	write_file(path, "  tok-123\n\n");
	snprintf(path, sizeof(path), "%s/sub/c.crt", dir);
	write_file(path, "CERT PEM\n");
	snprintf(path, sizeof(path), "%s/config", dir);
	write_file(path, text);
	assert_int_equal(tb_kubeconfig_load(&kc, path, NULL, &err), 0);
	assert_non_null(strstr(kc.ca.file, "/ca.crt"));
	assert_int_equal(tb_kubeconfig_inline(&kc, &err), 0);
	assert_null(kc.ca.file);
	assert_string_equal(kc.ca.data, "CA PEM\n");
	assert_string_equal(kc.cert.data, "CERT PEM\n");
	assert_string_equal(kc.key.data, "key");
	assert_string_equal(kc.token, "tok-123");
	assert_null(kc.token_file);
	tb_kubeconfig_release(&kc);

	/* A missing file names the field that points at it. */
	snprintf(path, sizeof(path), "%s/sub/c.crt", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/config", dir);
	assert_int_equal(tb_kubeconfig_load(&kc, path, NULL, &err), 0);
	assert_true(tb_kubeconfig_inline(&kc, &err) < 0);
	if (!tu_glob("users[0].user.client-certificate: cannot read \"*/sub/c.crt\": No such "
		     "file or directory", err.msg))
		fail_msg("got %s", err.msg);
	tb_kubeconfig_release(&kc);

	/* Errors from a file start with its path. */
	assert_true(tb_kubeconfig_load(&kc, path, "zzz", &err) < 0);
	if (!tu_glob("/tmp/tb-kc-*/config: context \"zzz\" not found", err.msg))
		fail_msg("got %s", err.msg);
	assert_true(tb_kubeconfig_load(&kc, "/nonexistent/kc", NULL, &err) < 0);
	assert_string_equal(err.msg, "cannot read \"/nonexistent/kc\": No such file or directory");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_write_reads_back(void **state)
{
	struct tb_kubeconfig kc = TB_KUBECONFIG_INIT, back;
	struct tb_strbuf out = TB_STRBUF_INIT;
	static const char key[] = "-----BEGIN EC PRIVATE KEY-----\n\x01\x02\n";

	(void)state;
	kc.server = tb_strdup("https://10.0.0.1:6443");
	kc.ca.data = tb_strdup(CA_PEM);
	kc.ca.len = strlen(CA_PEM);
	kc.key.data = tb_strndup(key, sizeof(key) - 1);
	kc.key.len = sizeof(key) - 1;
	kc.cert.file = tb_strdup("/x/c.crt");
	kc.namespace_ = tb_strdup("default");
	tb_kubeconfig_write(&kc, &out);
	assert_non_null(strstr(out.buf, "current-context: tugboat\n"));
	assert_non_null(strstr(out.buf, "certificate-authority-data: " CA_B64 "\n"));
	assert_int_equal(tb_kubeconfig_parse(&back, out.buf, out.len, NULL, NULL, NULL), 0);
	assert_string_equal(back.server, kc.server);
	assert_string_equal(back.ca.data, CA_PEM);
	assert_int_equal(back.key.len, kc.key.len);
	assert_memory_equal(back.key.data, key, kc.key.len);
	assert_string_equal(back.cert.file, "/x/c.crt");
	assert_string_equal(back.namespace_, "default");
	assert_string_equal(back.context, "tugboat");
	tb_kubeconfig_release(&back);
	tb_strbuf_release(&out);

	/* What tugd writes: an anonymous user over plain http. */
	tb_kubeconfig_release(&kc);
	kc.server = tb_strdup("http://127.0.0.1:7443");
	kc.insecure = false;
	tb_kubeconfig_write(&kc, &out);
	assert_non_null(strstr(out.buf, "  user: {}\n"));
	assert_int_equal(tb_kubeconfig_parse(&back, out.buf, out.len, NULL, NULL, NULL), 0);
	assert_null(back.token);
	tb_kubeconfig_release(&back);
	tb_kubeconfig_release(&kc);
	tb_strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_current_context),
		cmocka_unit_test(test_chosen_context_and_paths),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_load_and_inline),
		cmocka_unit_test(test_write_reads_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
