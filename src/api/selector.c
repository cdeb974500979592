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

/* Copies the value of a term up to an unescaped ',' (or the end) into *ret,
 * unescaping; returns where the term ends. */
static int fieldsel_value(const char *p, const char **ret_end, char **ret, struct tb_err *err)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;

	for (; *p && *p != ','; p++) {
		if (*p == '\\') {
			p++;
			if (*p != '\\' && *p != ',' && *p != '=') {
				tb_strbuf_release(&sb);
				return tb_error(err, TB_EINVAL, "invalid escape sequence: \\%c",
						*p ? *p : ' ');
			}
		}
		tb_strbuf_addch(&sb, *p);
	}
	*ret_end = p;
	*ret = tb_strdup(sb.buf ? sb.buf : "");
	tb_strbuf_release(&sb);
	return 0;
}

static bool is_label(const char *const *fields, const char *label)
{
	for (size_t i = 0; fields && fields[i]; i++)
		if (!strcmp(fields[i], label))
			return true;
	return false;
}

int tb_fieldsel_parse_fields(const char *s, const char *const *fields, tb_fieldsel_get_fn get,
			     struct tb_fieldsel *fs, struct tb_err *err)
{
	const char *p = s, *op, *end = NULL;
	char label[128], *value = NULL;
	size_t n;
	bool neg;
	int rc;

	fs->get = get;
	while (*p) {
		if (*p == ',') {
			p++;
			continue;
		}
		/* The label runs to the first operator: "!=", "==" or "=". */
		for (op = p; *op && *op != ',' && *op != '=' && !(op[0] == '!' && op[1] == '=');
		     op++)
			;
		n = (size_t)(op - p);
		if (*op != '=' && *op != '!') {
			end = strchr(p, ',');
			n = end ? (size_t)(end - p) : strlen(p);
			return tb_error(err, TB_EINVAL, "invalid selector: '%s'; can't understand "
					"'%.*s'", s, (int)n, p);
		}
		if (n >= sizeof(label))
			return tb_error(err, TB_EINVAL, "field selector term too long");
		memcpy(label, p, n);
		label[n] = '\0';
		neg = *op == '!';
		op += neg || op[1] == '=' ? 2 : 1;
		if ((rc = fieldsel_value(op, &end, &value, err)))
			return rc;
		p = end;
		if (!strcmp(label, "metadata.name")) {
			tb_free(fs->name);
			fs->name = value;
			fs->name_neg = neg;
		} else if (!strcmp(label, "metadata.namespace")) {
			tb_free(fs->namespace_);
			fs->namespace_ = value;
			fs->namespace_neg = neg;
		} else if (is_label(fields, label) && get) {
			fs->terms.v = tb_realloc(fs->terms.v, (fs->terms.n + 1) *
						 sizeof(*fs->terms.v));
			fs->terms.v[fs->terms.n++] = (struct tb_fieldsel_term){
				tb_strdup(label), value, neg };
		} else {
			tb_free(value);
			return tb_error(err, TB_EINVAL, "field label not supported: %s", label);
		}
	}
	return 0;
}

int tb_fieldsel_parse(const char *s, struct tb_fieldsel *fs, struct tb_err *err)
{
	return tb_fieldsel_parse_fields(s, NULL, NULL, fs, err);
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

bool tb_fieldsel_matches_json(const struct tb_fieldsel *fs, const char *ns, const char *name,
			      const char *json, size_t len)
{
	const struct tb_fieldsel_term *t;
	const char *v;
	bool ok = true;
	json_t *j;

	if (!tb_fieldsel_matches(fs, ns, name))
		return false;
	if (!fs->terms.n)
		return true;
	j = json_loadb(json, len, 0, NULL);
	for (size_t i = 0; ok && i < fs->terms.n; i++) {
		t = &fs->terms.v[i];
		v = j ? fs->get(j, t->label) : NULL;
		ok = (strcmp(v ? v : "", t->value) == 0) != t->neg;
	}
	json_decref(j);
	return ok;
}

void tb_fieldsel_release(struct tb_fieldsel *fs)
{
	for (size_t i = 0; i < fs->terms.n; i++) {
		tb_free(fs->terms.v[i].label);
		tb_free(fs->terms.v[i].value);
	}
	tb_free(fs->terms.v);
	fs->terms.v = NULL;
	fs->terms.n = 0;
	tb_free(fs->name);
	tb_free(fs->namespace_);
	fs->name = fs->namespace_ = NULL;
}
