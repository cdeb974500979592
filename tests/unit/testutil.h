/* Helpers shared by the unit tests: decode a manifest string through the
 * same path as tugctl validate and collect what it reports. */
#ifndef TB_TESTUTIL_H
#define TB_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "api/codec.h"
#include "api/object.h"
#include "lib/mem.h"

#define TEST_NOW_MS 1764156000000LL	/* 2025-11-26T11:20:00Z */

/* Decodes the single object in text, defaults (unless raw) and validates it.
 * Returns every error formatted, joined by "\n" ("" when valid); the object
 * is left in *o for inspection (release it). */
static inline char *tu_check(const char *text, struct tb_object *o, int raw,
			     const struct tb_policy_defaults *d)
{
	struct tb_policy_defaults dflt = TB_POLICY_DEFAULTS_INIT;
	struct tb_docs docs = TB_DOCS_INIT;
	struct tb_errs errs = TB_ERRS_INIT;
	struct tb_err err = TB_ERR_INIT;
	struct tb_strbuf sb = TB_STRBUF_INIT;

	memset(o, 0, sizeof(*o));
	if (tb_codec_decode(text, strlen(text), &docs, &err) < 0) {
		tb_strbuf_addf(&sb, "parse error: %s", err.msg);
		goto out;
	}
	assert_int_equal(docs.n, 1);
	if (raw) {
		if (tb_object_decode(docs.v[0].json, o, &errs) == 0)
			tb_object_validate(o, &errs);
	} else {
		tb_object_admit(docs.v[0].json, o, d ? d : &dflt, TEST_NOW_MS, &errs);
	}
	tb_errs_format(&errs, &sb, 0);
out:
	tb_errs_release(&errs);
	tb_docs_release(&docs);
	return tb_strbuf_detach(&sb, NULL);
}

/* Glob match where only '*' is special (any run of characters): error
 * messages are full of brackets that fnmatch would take as classes. */
static inline int tu_glob(const char *pat, const char *s)
{
	if (!*pat)
		return !*s;
	if (*pat == '*')
		return tu_glob(pat + 1, s) || (*s && tu_glob(pat, s + 1));
	return *s == *pat && tu_glob(pat + 1, s + 1);
}

/* Asserts that text yields exactly the errors want (one per line), where
 * '*' in want matches any run of characters. */
static inline void tu_expect_error(const char *text, const char *want)
{
	struct tb_object o;
	char *got = tu_check(text, &o, 0, NULL);

	if (!tu_glob(want, got))
		fail_msg("want error\n  %s\ngot\n  %s", want, got);
	tb_free(got);
	tb_object_release(&o);
}

static inline void tu_expect_ok(const char *text)
{
	struct tb_object o;
	char *got = tu_check(text, &o, 0, NULL);

	if (*got)
		fail_msg("want no error, got\n  %s", got);
	tb_free(got);
	tb_object_release(&o);
}

/* Reads a whole file (tests run from the source root). */
static inline char *tu_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = tb_malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

#endif
