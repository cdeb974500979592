/* Runs every scheduling case in tests/sched/ (see its README) through the
 * same path as `tugctl schedule` and compares with the expectation in the
 * case's header comments. Reports every failing case, then fails. */
#include "testutil.h"

#include "core/whatif.h"

#include <dirent.h>
#include <stdlib.h>

#define CASES_DIR "tests/sched"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Finds "# <key>: value" in the header; returns a copy of value or NULL. */
static char *header(const char *text, const char *key)
{
	const char *p = text, *eol;
	size_t klen = strlen(key);

	while (*p == '#') {
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		if (!strncmp(p + 1, " ", 1) && !strncmp(p + 2, key, klen) && p[2 + klen] == ':') {
			const char *v = p + 3 + klen;
			while (*v == ' ')
				v++;
			return tb_strndup(v, (size_t)(eol - v));
		}
		p = *eol ? eol + 1 : eol;
	}
	return NULL;
}

/* "NAME=N NAME=N" of the result, sorted by name. */
static char *render(const struct tb_sched_result *r)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t i;

	for (i = 0; i < r->clusters.n; i++)
		tb_strbuf_addf(&sb, "%s%s=%lld", i ? " " : "", r->clusters.v[i].name,
			       (long long)r->clusters.v[i].replicas);
	return tb_strbuf_detach(&sb, NULL);
}

/* Returns NULL when the case passes, else a message (caller frees). */
static char *run_case(const char *path)
{
	struct tb_docs docs = TB_DOCS_INIT;
	struct tb_errs errs = TB_ERRS_INIT;
	struct tb_err err = TB_ERR_INIT;
	struct tb_strbuf msg = TB_STRBUF_INIT, got = TB_STRBUF_INIT;
	struct tb_whatif w;
	char *text, *expect, *expect_err, *expect_inv, *res;
	size_t len;
	int rc;

	text = tu_slurp(path, &len);
	expect = header(text, "expect");
	expect_err = header(text, "expect-error");
	expect_inv = header(text, "expect-invalid");
	if (!!expect + !!expect_err + !!expect_inv != 1) {
		tb_strbuf_adds(&msg, "needs exactly one expect, expect-error or expect-invalid line");
		goto out;
	}
	if (tb_codec_decode(text, len, &docs, &err) < 0) {
		rc = TB_WHATIF_INVALID;
		tb_strbuf_adds(&got, err.msg);
		memset(&w, 0, sizeof(w));
	} else {
		rc = tb_whatif_run(&docs, TEST_NOW_MS, &w, &errs, &err);
		if (rc == TB_WHATIF_INVALID) {
			tb_errs_format(&errs, &got, 1);
			if (!errs.n)
				tb_strbuf_adds(&got, err.msg);
		} else if (rc == TB_WHATIF_UNSCHEDULABLE) {
			tb_strbuf_adds(&got, w.result.error);
		} else {
			res = render(&w.result);
			tb_strbuf_adds(&got, res);
			tb_free(res);
		}
	}
	if (expect && (rc != TB_WHATIF_OK || strcmp(got.buf, expect)))
		tb_strbuf_addf(&msg, "expected clusters \"%s\", got %s \"%s\"", expect,
			       rc == TB_WHATIF_OK ? "clusters" : rc == TB_WHATIF_INVALID ?
			       "invalid input:" : "unschedulable:", got.buf);
	if (expect_err && (rc != TB_WHATIF_UNSCHEDULABLE || !strstr(got.buf, expect_err)))
		tb_strbuf_addf(&msg, "expected unschedulable \"%s\", got %s \"%s\"", expect_err,
			       rc == TB_WHATIF_OK ? "clusters" : rc == TB_WHATIF_INVALID ?
			       "invalid input:" : "unschedulable:", got.buf);
	if (expect_inv && (rc != TB_WHATIF_INVALID || !strstr(got.buf, expect_inv)))
		tb_strbuf_addf(&msg, "expected invalid input \"%s\", got %s \"%s\"", expect_inv,
			       rc == TB_WHATIF_OK ? "clusters" : "unschedulable:", got.buf);
	tb_whatif_release(&w);
out:
	tb_free(expect);
	tb_free(expect_err);
	tb_free(expect_inv);
	tb_free(text);
	tb_docs_release(&docs);
	tb_errs_release(&errs);
	tb_strbuf_release(&got);
	if (!msg.len) {
		tb_strbuf_release(&msg);
		return NULL;
	}
	return tb_strbuf_detach(&msg, NULL);
}

static void test_sched__cases(void **state)
{
	char **names = NULL, *path, *fail;
	size_t n = 0, alloc = 0, i, failed = 0;
	struct dirent *de;
	DIR *d;

	(void)state;
	d = opendir(CASES_DIR);
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l > 5 && !strcmp(de->d_name + l - 5, ".yaml")) {
			TB_GROW(names, alloc, n + 1);
			names[n++] = tb_strdup(de->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		path = tb_malloc(strlen(CASES_DIR) + strlen(names[i]) + 2);
		snprintf(path, strlen(CASES_DIR) + strlen(names[i]) + 2, "%s/%s", CASES_DIR, names[i]);
		fail = run_case(path);
		if (fail) {
			print_error("FAIL %s: %s\n", path, fail);
			failed++;
			tb_free(fail);
		}
		tb_free(path);
		tb_free(names[i]);
	}
	tb_free(names);
	print_message("%zu scheduling cases, %zu failed\n", n, failed);
	assert_true(n > 0);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sched__cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
