/* Label and field selector parsing (the text forms of list/watch queries). */
#include "api/selector.h"
#include "lib/mem.h"
#include "lib/strbuf.h"

#include <ctype.h>
#include <string.h>

/* A tiny lexer over the selector text. */
struct lex {
	const char *s;
	size_t i;
};

static void lex_space(struct lex *l)
{
	while (l->s[l->i] == ' ' || l->s[l->i] == '\t')
		l->i++;
}

static bool lex_is_word(char c)
{
	return c && !strchr(" \t,=!()<>", c);
}

/* A key or value: [A-Za-z0-9._/-]... (validated later by the selector's own
 * validation, as in labels.Parse). Returns NULL for an empty word. */
static char *lex_word(struct lex *l)
{
	size_t b;

	lex_space(l);
	b = l->i;
	while (lex_is_word(l->s[l->i]))
		l->i++;
	return l->i > b ? tb_strndup(l->s + b, l->i - b) : NULL;
}

static bool lex_keyword(struct lex *l, const char *kw)
{
	size_t n = strlen(kw);

	lex_space(l);
	if (strncmp(l->s + l->i, kw, n) || lex_is_word(l->s[l->i + n]))
		return false;
	l->i += n;
	return true;
}

static struct tb_selector_req *add_req(struct tb_label_selector *sel, char *key, const char *op)
{
	struct tb_selector_req *r;

	sel->match_expressions.v = tb_realloc(sel->match_expressions.v,
					      (sel->match_expressions.n + 1) * sizeof(*r));
	r = &sel->match_expressions.v[sel->match_expressions.n++];
	memset(r, 0, sizeof(*r));
	r->key = key;
	r->operator_ = tb_strdup(op);
	return r;
}

/* ( v1, v2, ... ) */
static int parse_set(struct lex *l, struct tb_selector_req *r, struct tb_err *err)
{
	char *v;

	lex_space(l);
	if (l->s[l->i] != '(')
		return tb_error(err, TB_EINVAL, "found '%s', expected: '(' after '%s %s'",
				l->s + l->i, r->key, r->operator_);
	l->i++;
	for (;;) {
		v = lex_word(l);
		if (v) {
			tb_strvec_push(&r->values, v);
			tb_free(v);
		}
		lex_space(l);
		if (l->s[l->i] == ')') {
			l->i++;
			break;
		}
		if (l->s[l->i] != ',')
			return tb_error(err, TB_EINVAL, "found '%s', expected: ',' or ')' in "
					"the values of '%s'", l->s + l->i, r->key);
		l->i++;
	}
	if (!r->values.n)
		return tb_error(err, TB_EINVAL, "for '%s' operator, values set can't be empty",
				r->operator_);
	return 0;
}

static int parse_req(struct lex *l, struct tb_label_selector *sel, struct tb_err *err)
{
	struct tb_selector_req *r;
	bool neg = false;
	char *key, *v;
	const char *op;

	lex_space(l);
	if (l->s[l->i] == '!') {
		neg = true;
		l->i++;
	}
	key = lex_word(l);
	if (!key)
		return tb_error(err, TB_EINVAL, "found '%s', expected: identifier",
				l->s[l->i] ? l->s + l->i : "end of string");
	lex_space(l);
	if (neg || !l->s[l->i] || l->s[l->i] == ',') {
		add_req(sel, key, neg ? "DoesNotExist" : "Exists");
		return 0;
	}
	if (lex_keyword(l, "in"))
		return parse_set(l, add_req(sel, key, "In"), err);
	if (lex_keyword(l, "notin"))
		return parse_set(l, add_req(sel, key, "NotIn"), err);
	if (!strncmp(l->s + l->i, "==", 2)) {
		l->i += 2;
		op = "In";
	} else if (!strncmp(l->s + l->i, "!=", 2)) {
		l->i += 2;
		op = "NotIn";
	} else if (l->s[l->i] == '=') {
		l->i++;
		op = "In";
	} else {
		tb_free(key);
		return tb_error(err, TB_EINVAL, "found '%s', expected: in, notin, =, ==, !=, "
				"',' or end of string (Gt and Lt are not supported)", l->s + l->i);
	}
	r = add_req(sel, key, op);
	v = lex_word(l);
	/* "a=" selects an empty value, as in Kubernetes. */
	tb_strvec_push(&r->values, v ? v : "");
	tb_free(v);
	return 0;
}

int tb_label_selector_parse(const char *s, struct tb_label_selector *sel, struct tb_err *err)
{
	struct tb_errs errs = TB_ERRS_INIT;
	struct tb_path p = TB_PATH_INIT;
	struct tb_strbuf sb = TB_STRBUF_INIT;
	struct lex l = { s, 0 };
	int rc;

	lex_space(&l);
	while (l.s[l.i]) {
		rc = parse_req(&l, sel, err);
		if (rc)
			return rc;
		lex_space(&l);
		if (l.s[l.i] == ',') {
			l.i++;
			continue;
		}
		if (l.s[l.i])
			return tb_error(err, TB_EINVAL, "found '%s', expected: ',' or end of string",
					l.s + l.i);
	}
	tb_path_field(&p, "labelSelector");
	tb_label_selector_validate(sel, &p, &errs);
	if (errs.n) {
		tb_errs_format(&errs, &sb, 1);
		rc = tb_error(err, TB_EINVAL, "%s", sb.buf);
		tb_strbuf_release(&sb);
		tb_errs_release(&errs);
		return rc;
	}
	return 0;
}

int tb_fieldsel_parse(const char *s, struct tb_fieldsel *fs, struct tb_err *err)
{
	const char *p = s, *end, *op;
	char term[512], *eq;
	size_t n;
	bool neg;

	while (*p) {
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n >= sizeof(term))
			return tb_error(err, TB_EINVAL, "field selector term too long");
		memcpy(term, p, n);
		term[n] = '\0';
		p += n + (end ? 1 : 0);
		if (!n)
			continue;
		op = strstr(term, "!=");
		neg = op != NULL;
		if (!op)
			op = strchr(term, '=');
		if (!op)
			return tb_error(err, TB_EINVAL, "invalid selector: '%s'; can't understand "
					"'%s'", s, term);
		eq = (char *)op;
		*eq = '\0';
		op += neg ? 2 : (op[1] == '=' ? 2 : 1);
		if (!strcmp(term, "metadata.name")) {
			tb_free(fs->name);
			fs->name = tb_strdup(op);
			fs->name_neg = neg;
		} else if (!strcmp(term, "metadata.namespace")) {
			tb_free(fs->namespace_);
			fs->namespace_ = tb_strdup(op);
			fs->namespace_neg = neg;
		} else {
			return tb_error(err, TB_EINVAL, "field label not supported: %s", term);
		}
	}
	return 0;
}

bool tb_fieldsel_matches(const struct tb_fieldsel *fs, const char *ns,
			       const char *name)
{
	if (fs->name && (strcmp(fs->name, name) == 0) == fs->name_neg)
		return false;
	if (fs->namespace_ && (strcmp(fs->namespace_, ns) == 0) == fs->namespace_neg)
		return false;
	return true;
}

void tb_fieldsel_release(struct tb_fieldsel *fs)
{
	tb_free(fs->name);
	tb_free(fs->namespace_);
	fs->name = fs->namespace_ = NULL;
}
