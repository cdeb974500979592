/* YAML manifests in and out, the way kubectl reads and prints them (yaml.h).
 * The input is hostile: every limit is enforced while libyaml streams events,
 * never afterwards. Never print, keep state between calls or share json nodes. */
#include "api/yaml.h"
#include "lib/mem.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define TB_YAML_TAG "tag:yaml.org,2002:"
#define TB_YAML_LONG_KEY 1000	/* libyaml looks only 1024 chars ahead for ':' */
#define TB_YAML_DIGIT(c) ((c) >= '0' && (c) <= '9')

enum tb_yaml_kind { TB_YAML_NULL, TB_YAML_BOOL, TB_YAML_INT, TB_YAML_REAL, TB_YAML_STR };

static const char *const tb_yaml_kind_name[] = { "null", "bool", "int", "float", "str" };

struct tb_yaml_scalar {
	enum tb_yaml_kind kind;
	int wide;		/* REAL written as an integer that int64 cannot hold */
	json_int_t i;		/* INT, and BOOL as 0/1 */
	double d;		/* REAL */
};

/* go-yaml v2's resolve table, YAML 1.1 booleans included: kubectl reads
 * `enabled: yes` as true (and `y:` as a key named "true"), so we must too. */
static const struct tb_yaml_words {
	enum tb_yaml_kind kind;
	double d;
	const char *words;	/* each surrounded by spaces */
} tb_yaml_words[] = {
	{ TB_YAML_NULL, 0, " ~ null Null NULL " },
	{ TB_YAML_BOOL, 1, " y Y yes Yes YES true True TRUE on On ON " },
	{ TB_YAML_BOOL, 0, " n N no No NO false False FALSE off Off OFF " },
	{ TB_YAML_REAL, NAN, " .nan .NaN .NAN " },
	{ TB_YAML_REAL, INFINITY, " .inf .Inf .INF +.inf +.Inf +.INF " },
	{ TB_YAML_REAL, -INFINITY, " -.inf -.Inf -.INF " },
};

/* ---- scalar resolution ---------------------------------------------------- */

/* go-yaml's yamlStyleFloat: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static int tb_yaml_is_float(const char *p, const char *end)
{
	size_t digits = 0;

	p += p < end && (*p == '+' || *p == '-');
	for (; p < end && TB_YAML_DIGIT(*p); p++)
		digits++;
	if (p < end && *p == '.')
		for (p++; p < end && TB_YAML_DIGIT(*p); p++)
			digits++;
	if (!digits)
		return 0;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		p += p < end && (*p == '+' || *p == '-');
		if (p == end || !TB_YAML_DIGIT(*p))
			return 0;
		while (p < end && TB_YAML_DIGIT(*p))
			p++;
	}
	return p == end;
}

/* strconv.ParseInt(s, 0, 64), falling back to ParseUint as go-yaml does; a
 * value only uint64 holds becomes a REAL, as it would reach kubectl's JSON. */
static int tb_yaml_int(const char *p, struct tb_yaml_scalar *v)
{
	static const char hex[] = "0123456789abcdefABCDEF";
	unsigned base = 10, dig;
	uint64_t u = 0;
	int neg = 0, sign = 0, over = 0;

	if (*p == '+' || *p == '-') {
		neg = *p++ == '-';
		sign = 1;
	}
	if (p[0] == '0' && p[1]) {
		base = strchr("xX", p[1]) ? 16 : strchr("bB", p[1]) ? 2 : 8;
		p += strchr("xXoObB", p[1]) ? 2 : 1;
	}
	if (!*p)
		return 0;
	for (; *p; p++) {
		const char *x = strchr(hex, *p);

		dig = x ? (unsigned)(x - hex) : 99;
		if (dig >= 16)
			dig -= 6;	/* A-F after a-f */
		if (dig >= base)
			return 0;
		if (u > (UINT64_MAX - dig) / base)
			over = 1;
		else
			u = u * base + dig;
	}
	if (over || (sign && u > (uint64_t)INT64_MAX + neg))
		return 0;
	v->kind = u > INT64_MAX && !neg ? TB_YAML_REAL : TB_YAML_INT;
	v->wide = v->kind == TB_YAML_REAL;
	v->d = (double)u;
	v->i = !neg ? (json_int_t)(u & INT64_MAX) : u > INT64_MAX ? INT64_MIN : -(json_int_t)u;
	return 1;
}

/* go-yaml v2 resolve() for an untagged plain scalar; s is NUL-free. */
static void tb_yaml_resolve(const char *s, size_t n, struct tb_yaml_scalar *v)
{
	char tmp[128], *plain;
	size_t i, k;

	memset(v, 0, sizeof(*v));
	v->kind = n ? TB_YAML_STR : TB_YAML_NULL;
	if (!n)
		return;
	if (n <= 5 && !strchr(s, ' ')) {
		snprintf(tmp, sizeof(tmp), " %s ", s);
		for (i = 0; i < sizeof(tb_yaml_words) / sizeof(tb_yaml_words[0]); i++) {
			if (strstr(tb_yaml_words[i].words, tmp)) {
				v->kind = tb_yaml_words[i].kind;
				v->d = tb_yaml_words[i].d;
				v->i = v->d != 0;
				return;
			}
		}
	}
	if (s[0] == '.') {
		if (tb_yaml_is_float(s, s + n)) {
			v->kind = TB_YAML_REAL;
			v->d = strtod(s, NULL);
		}
		return;
	}
	if (s[0] != '+' && s[0] != '-' && !TB_YAML_DIGIT(s[0]))
		return;
	/* v2 drops every underscore before trying a number: 1_000, 0x_FF */
	plain = n < sizeof(tmp) ? tmp : tb_malloc(n + 1);
	for (i = k = 0; i < n; i++)
		if (s[i] != '_')
			plain[k++] = s[i];
	plain[k] = '\0';
	if (!tb_yaml_int(plain, v) && tb_yaml_is_float(plain, plain + k)) {
		v->kind = TB_YAML_REAL;
		v->d = strtod(plain, NULL);
	}
	if (plain != tmp)
		tb_free(plain);
}

static json_t *tb_yaml_json(const struct tb_yaml_scalar *v, const char *s, size_t n)
{
	if (v->kind == TB_YAML_NULL)
		return json_null();
	if (v->kind == TB_YAML_BOOL)
		return json_boolean(v->i);
	if (v->kind == TB_YAML_INT)
		return json_integer(v->i);
	if (v->kind == TB_YAML_STR)
		return json_stringn(s, n);
	/* kubectl hops through JSON text, where 3.0 is written "3" and read
	 * back as an int64; without this `replicas: 3.0` would differ. */
	if (v->d == trunc(v->d) && v->d >= -0x1p63 && v->d < 0x1p63)
		return json_integer((json_int_t)v->d);
	return json_real(v->d);
}

/* strconv.FormatFloat(d, 'g', -1, bits): shortest digits that read back. */
static void tb_yaml_add_float(struct tb_strbuf *out, double d, int bits)
{
	char buf[48];
	int p, exp, max = bits == 32 ? 9 : 17;

	if (bits == 32 && fabs(d) > FLT_MAX)
		d = d < 0 ? -INFINITY : INFINITY;
	if (bits == 32 && isfinite(d))
		d = (float)d;
	if (isnan(d) || isinf(d)) {
		tb_strbuf_adds(out, isnan(d) ? ".nan" : d < 0 ? "-.inf" : ".inf");
		return;
	}
	for (p = 1;; p++) {
		snprintf(buf, sizeof(buf), "%.*e", p - 1, d);
		if (p == max || (bits == 32 ? strtof(buf, NULL) == (float)d
					    : strtod(buf, NULL) == d))
			break;
	}
	exp = (int)strtol(strchr(buf, 'e') + 1, NULL, 10);
	if (exp < -4 || exp >= 6)
		tb_strbuf_adds(out, buf);
	else
		tb_strbuf_addf(out, "%.*f", p - 1 - exp > 0 ? p - 1 - exp : 0, d);
}

/* ---- parser state ---------------------------------------------------------- */

struct tb_yaml_frame {
	json_t *node;		/* the object or array being filled */
	json_t *seen;		/* objects: key -> line written, 0 if merged in */
	char *key;		/* objects: key waiting for its value */
	yaml_mark_t key_mark;
	int map, have_key, merge;
	long anchor;		/* index into anchors, or -1 */
	size_t first;		/* nodes count when this frame opened */
	int height;
};

struct tb_yaml_anchor {
	json_t *node;		/* NULL while its node is still being parsed */
	size_t nodes;
	int height;		/* container levels, 0 for a scalar */
};

struct tb_yaml_ctx {
	const char *buf;
	size_t len;
	struct tb_err *err;
	struct tb_yaml_frame stack[TB_MAX_DEPTH];
	int depth;
	json_t *root;
	struct tb_yaml_anchor *anchors;
	size_t nanchors, aanchors;
	json_t *anchor_ix;	/* name -> index of its latest definition */
	size_t nodes;
	unsigned doc_line;
	size_t doc_start;	/* byte offset */
	size_t pos, pos_chars;	/* cursor mapping libyaml's characters to bytes */
	int utf16;
	struct tb_strbuf key;
};

static int tb_yaml_fail(struct tb_yaml_ctx *c, const yaml_mark_t *m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int tb_yaml_fail(struct tb_yaml_ctx *c, const yaml_mark_t *m, const char *fmt, ...)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	va_list ap;

	tb_strbuf_addf(&sb, "line %zu, column %zu: ", m->line + 1, m->column + 1);
	va_start(ap, fmt);
	tb_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	tb_error(c->err, TB_EINVAL, "%s", sb.buf);
	tb_strbuf_release(&sb);
	return -TB_EINVAL;
}

static int tb_yaml_too_many(struct tb_yaml_ctx *c, const yaml_mark_t *m)
{
	return tb_yaml_fail(c, m, "document too large after alias expansion (more than %d nodes)",
			    TB_MAX_NODES);
}

static int tb_yaml_too_deep(struct tb_yaml_ctx *c, const yaml_mark_t *m)
{
	return tb_yaml_fail(c, m, "nesting too deep (more than %d levels)", TB_MAX_DEPTH);
}

static int tb_yaml_complex_key(struct tb_yaml_ctx *c, const yaml_mark_t *m, int map)
{
	return tb_yaml_fail(c, m, "a %s cannot be used as a map key", map ? "mapping" : "sequence");
}

static struct tb_yaml_frame *tb_yaml_top(struct tb_yaml_ctx *c)
{
	return c->depth ? &c->stack[c->depth - 1] : NULL;
}

/* libyaml marks count characters; the size limit is in the caller's bytes.
 * Marks only move forward, so one cursor makes this linear overall. */
static size_t tb_yaml_offset(struct tb_yaml_ctx *c, size_t chars)
{
	if (c->utf16)
		return 2 + 2 * chars;
	while (c->pos_chars < chars && c->pos < c->len) {
		c->pos++;
		while (c->pos < c->len && ((unsigned char)c->buf[c->pos] & 0xC0) == 0x80)
			c->pos++;
		c->pos_chars++;
	}
	return c->pos;
}

static long tb_yaml_anchor_new(struct tb_yaml_ctx *c, const yaml_char_t *name,
			       json_t *node, int height)
{
	struct tb_yaml_anchor *a;

	TB_GROW(c->anchors, c->aanchors, c->nanchors + 1);
	a = &c->anchors[c->nanchors];
	a->node = node;
	a->nodes = 1;
	a->height = height;
	json_object_set_new(c->anchor_ix, (const char *)name,
			    json_integer((json_int_t)c->nanchors));
	return (long)c->nanchors++;
}

static void tb_yaml_drop_doc(struct tb_yaml_ctx *c)
{
	struct tb_yaml_frame *f;
	size_t i;

	while (c->depth) {
		f = &c->stack[--c->depth];
		json_decref(f->node);
		json_decref(f->seen);
		tb_free(f->key);
	}
	for (i = 0; i < c->nanchors; i++)
		json_decref(c->anchors[i].node);
	c->nanchors = 0;
	json_object_clear(c->anchor_ix);
	json_decref(c->root);
	c->root = NULL;
	c->nodes = 0;
}

/* ---- building the tree ------------------------------------------------------ */

/* Merged keys fill only what is unset, earlier maps first; keys written in
 * the mapping itself override them wherever they appear (go-yaml, YAML spec). */
static int tb_yaml_merge(struct tb_yaml_ctx *c, struct tb_yaml_frame *f, json_t *v)
{
	size_t i, n = json_is_array(v) ? json_array_size(v) : 1;
	const char *k;
	json_t *src, *val;

	for (i = 0; i < n; i++) {
		src = json_is_array(v) ? json_array_get(v, i) : v;
		if (!json_is_object(src))
			return tb_yaml_fail(c, &f->key_mark,
					    "map merge requires map or sequence of maps as the value");
	}
	for (i = 0; i < n; i++) {
		src = json_is_array(v) ? json_array_get(v, i) : v;
		json_object_foreach(src, k, val) {
			if (json_object_get(f->node, k))
				continue;
			/* v is dropped after this, so the value ends up owned once */
			json_object_set(f->node, k, val);
			json_object_set_new(f->seen, k, json_integer(0));
		}
	}
	return 0;
}

/* Takes v. height counts container levels inside v. */
static int tb_yaml_add(struct tb_yaml_ctx *c, json_t *v, int height, const yaml_mark_t *m)
{
	struct tb_yaml_frame *f = tb_yaml_top(c);
	int rc = 0;

	if (!f) {
		json_decref(c->root);
		c->root = v;
		return 0;
	}
	if (f->height < height + 1)
		f->height = height + 1;
	if (!f->map) {
		if (json_array_append_new(f->node, v))
			return tb_yaml_fail(c, m, "out of memory");
		return 0;
	}
	if (f->merge) {
		rc = tb_yaml_merge(c, f, v);
		json_decref(v);
	} else if (json_object_set_new(f->node, f->key, v) ||
		   json_object_set_new(f->seen, f->key,
				       json_integer((json_int_t)f->key_mark.line + 1))) {
		rc = tb_yaml_fail(c, &f->key_mark, "cannot store key");
	}
	tb_free(f->key);
	f->key = NULL;
	f->have_key = f->merge = 0;
	return rc;
}

/* sigs.k8s.io/yaml turns a decoded key back into a string: `0x10:` is "16",
 * `yes:` is "true", `1.50:` is "1.5" (as float32!), and null is refused. */
static int tb_yaml_set_key(struct tb_yaml_ctx *c, struct tb_yaml_frame *f,
			   const struct tb_yaml_scalar *v, const char *s, size_t n,
			   const yaml_mark_t *m)
{
	struct tb_strbuf q = TB_STRBUF_INIT;
	json_t *seen;
	int rc;

	tb_strbuf_reset(&c->key);
	if (v->kind == TB_YAML_NULL)
		return tb_yaml_fail(c, m, "null is not supported as a map key");
	if (v->kind == TB_YAML_BOOL)
		tb_strbuf_adds(&c->key, v->i ? "true" : "false");
	else if (v->kind == TB_YAML_INT)
		tb_strbuf_addf(&c->key, "%" JSON_INTEGER_FORMAT, v->i);
	else if (v->kind == TB_YAML_REAL)
		tb_yaml_add_float(&c->key, v->d, 32);
	else
		tb_strbuf_add(&c->key, s, n);
	seen = json_object_get(f->seen, c->key.buf);
	if (seen && json_integer_value(seen)) {
		tb_strbuf_addquoted(&q, c->key.buf);
		rc = tb_yaml_fail(c, m, "duplicate key %s (first at line %" JSON_INTEGER_FORMAT ")",
				  q.buf, json_integer_value(seen));
		tb_strbuf_release(&q);
		return rc;
	}
	f->key = tb_strdup(c->key.buf);
	f->key_mark = *m;
	f->have_key = 1;
	return 0;
}

/* Applies explicit tags as go-yaml does: !!str/!!binary keep the text,
 * !!int/!!float/!!bool/!!null must resolve to that, other tags are ignored. */
static int tb_yaml_classify(struct tb_yaml_ctx *c, const yaml_event_t *ev,
			    struct tb_yaml_scalar *v)
{
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;
	const char *want = NULL;
	size_t n = ev->data.scalar.length;

	memset(v, 0, sizeof(*v));
	v->kind = TB_YAML_STR;
	if (tag && !strncmp(tag, TB_YAML_TAG, strlen(TB_YAML_TAG)))
		want = tag + strlen(TB_YAML_TAG);
	if ((tag && !strcmp(tag, "!")) || (want && (!strcmp(want, "str") ||
	    !strcmp(want, "binary") || !strcmp(want, "timestamp"))))
		return 0;
	if (!want || (strcmp(want, "int") && strcmp(want, "float") &&
		      strcmp(want, "bool") && strcmp(want, "null"))) {
		if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
			tb_yaml_resolve(s, n, v);
		return 0;
	}
	tb_yaml_resolve(s, n, v);
	if (!strcmp(want, "float") && v->kind == TB_YAML_INT) {
		v->kind = TB_YAML_REAL;
		v->d = (double)v->i;
	}
	if (!strcmp(want, tb_yaml_kind_name[v->kind]) || (!strcmp(want, "int") && v->wide))
		return 0;
	return tb_yaml_fail(c, &ev->start_mark, "cannot decode !!%s `%s` as a !!%s",
			    tb_yaml_kind_name[v->kind], s, want);
}

static int tb_yaml_on_scalar(struct tb_yaml_ctx *c, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;
	const yaml_char_t *anchor = ev->data.scalar.anchor;
	const yaml_mark_t *m = &ev->start_mark;
	size_t n = ev->data.scalar.length;
	struct tb_yaml_frame *f = tb_yaml_top(c);
	struct tb_yaml_scalar v;
	json_t *j;
	int rc;

	if (++c->nodes > TB_MAX_NODES)
		return tb_yaml_too_many(c, m);
	/* C callers would silently see "a\0b" as "a": refuse it */
	if (memchr(s, '\0', n))
		return tb_yaml_fail(c, m, "NUL character in a string is not supported");
	rc = tb_yaml_classify(c, ev, &v);
	if (rc)
		return rc;
	if (f && f->map && !f->have_key) {
		if ((!tag && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		     n == 2 && !memcmp(s, "<<", 2)) ||
		    (tag && !strcmp(tag, TB_YAML_TAG "merge"))) {
			f->have_key = f->merge = 1;
			f->key_mark = *m;
			return 0;
		}
		rc = tb_yaml_set_key(c, f, &v, s, n, m);
		if (!rc && anchor)
			tb_yaml_anchor_new(c, anchor, json_string(f->key), 0);
		return rc;
	}
	if (v.kind == TB_YAML_REAL && !isfinite(v.d))
		return tb_yaml_fail(c, m, "cannot represent %s in JSON", s);
	j = tb_yaml_json(&v, s, n);
	if (!j)
		return tb_yaml_fail(c, m, "cannot store the value in JSON");
	if (anchor)
		tb_yaml_anchor_new(c, anchor, json_incref(j), 0);
	return tb_yaml_add(c, j, 0, m);
}

static int tb_yaml_on_open(struct tb_yaml_ctx *c, const yaml_event_t *ev, int map)
{
	const yaml_char_t *anchor = map ? ev->data.mapping_start.anchor
					: ev->data.sequence_start.anchor;
	const yaml_mark_t *m = &ev->start_mark;
	struct tb_yaml_frame *f = tb_yaml_top(c);

	if (f && f->map && !f->have_key)
		return tb_yaml_complex_key(c, m, map);
	if (c->depth >= TB_MAX_DEPTH)
		return tb_yaml_too_deep(c, m);
	if (++c->nodes > TB_MAX_NODES)
		return tb_yaml_too_many(c, m);
	f = &c->stack[c->depth++];
	memset(f, 0, sizeof(*f));
	f->map = map;
	f->node = map ? json_object() : json_array();
	f->seen = map ? json_object() : NULL;
	f->first = c->nodes - 1;
	f->height = 1;
	f->anchor = anchor ? tb_yaml_anchor_new(c, anchor, NULL, 0) : -1;
	if (!f->node || (map && !f->seen))
		return tb_yaml_fail(c, m, "out of memory");
	return 0;
}

static int tb_yaml_on_close(struct tb_yaml_ctx *c, const yaml_mark_t *m)
{
	struct tb_yaml_frame *f = &c->stack[--c->depth];
	struct tb_yaml_anchor *a;
	json_t *node = f->node;

	json_decref(f->seen);
	tb_free(f->key);
	if (f->anchor >= 0) {
		a = &c->anchors[f->anchor];
		a->node = json_incref(node);
		a->nodes = c->nodes - f->first;
		a->height = f->height;
	}
	return tb_yaml_add(c, node, f->height, m);
}

/* Every alias is a deep copy: callers mutate trees, and copies are what the
 * node limit counts, which is what stops the "billion laughs". */
static int tb_yaml_on_alias(struct tb_yaml_ctx *c, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	const yaml_mark_t *m = &ev->start_mark;
	json_t *ix = json_object_get(c->anchor_ix, name);
	struct tb_yaml_frame *f = tb_yaml_top(c);
	struct tb_yaml_anchor *a;
	struct tb_yaml_scalar v;
	json_t *copy;

	if (!ix)
		return tb_yaml_fail(c, m, "unknown anchor \"%s\" referenced", name);
	a = &c->anchors[json_integer_value(ix)];
	if (!a->node)
		return tb_yaml_fail(c, m, "anchor \"%s\" value contains itself", name);
	if (a->nodes > TB_MAX_NODES - c->nodes)
		return tb_yaml_too_many(c, m);
	c->nodes += a->nodes;
	if (f && f->map && !f->have_key) {
		if (json_is_object(a->node) || json_is_array(a->node))
			return tb_yaml_complex_key(c, m, json_is_object(a->node));
		memset(&v, 0, sizeof(v));
		v.kind = json_is_string(a->node) ? TB_YAML_STR : json_is_integer(a->node) ?
			 TB_YAML_INT : json_is_real(a->node) ? TB_YAML_REAL :
			 json_is_boolean(a->node) ? TB_YAML_BOOL : TB_YAML_NULL;
		v.i = json_is_integer(a->node) ? json_integer_value(a->node) : json_is_true(a->node);
		v.d = json_real_value(a->node);
		return tb_yaml_set_key(c, f, &v, json_string_value(a->node),
				       json_string_length(a->node), m);
	}
	if (c->depth + a->height > TB_MAX_DEPTH)
		return tb_yaml_too_deep(c, m);
	copy = json_deep_copy(a->node);
	if (!copy)
		return tb_yaml_fail(c, m, "out of memory");
	return tb_yaml_add(c, copy, a->height, m);
}

static int tb_yaml_on_event(struct tb_yaml_ctx *c, const yaml_event_t *ev,
			    tb_yaml_doc_fn fn, void *data)
{
	json_t *root;

	if (ev->type == YAML_DOCUMENT_START_EVENT) {
		c->doc_line = (unsigned)ev->start_mark.line + 1;
		c->doc_start = tb_yaml_offset(c, ev->start_mark.index);
	}
	if (ev->type != YAML_STREAM_START_EVENT && ev->type != YAML_STREAM_END_EVENT &&
	    ev->type != YAML_DOCUMENT_END_EVENT &&
	    tb_yaml_offset(c, ev->end_mark.index) - c->doc_start > TB_MAX_DOC_BYTES)
		return tb_error(c->err, TB_EINVAL,
				"document starting at line %u is too large: more than %u bytes",
				c->doc_line, TB_MAX_DOC_BYTES);
	switch (ev->type) {
	case YAML_DOCUMENT_END_EVENT:
		root = c->root;
		c->root = NULL;
		tb_yaml_drop_doc(c);
		if (!root || json_is_null(root)) {
			json_decref(root);
			return 0;
		}
		return fn(root, c->doc_line, data);
	case YAML_SCALAR_EVENT:
		return tb_yaml_on_scalar(c, ev);
	case YAML_SEQUENCE_START_EVENT:
		return tb_yaml_on_open(c, ev, 0);
	case YAML_MAPPING_START_EVENT:
		return tb_yaml_on_open(c, ev, 1);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return tb_yaml_on_close(c, &ev->start_mark);
	case YAML_ALIAS_EVENT:
		return tb_yaml_on_alias(c, ev);
	default:
		return 0;
	}
}

/* strtod and printf must not see a comma decimal point */
static locale_t tb_yaml_c_locale(locale_t *old)
{
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);

	*old = c ? uselocale(c) : (locale_t)0;
	return c;
}

static void tb_yaml_end_locale(locale_t c, locale_t old)
{
	if (c) {
		uselocale(old);
		freelocale(c);
	}
}

static int tb_yaml_parser_error(struct tb_yaml_ctx *c, const yaml_parser_t *p)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t i, line = 1, col = 1;
	const yaml_mark_t *pm = &p->problem_mark, *cm = &p->context_mark;

	if (p->error == YAML_READER_ERROR) {
		/* reader errors carry a byte offset, not a mark */
		for (i = 0; i < p->problem_offset && i < c->len; i++) {
			if (c->buf[i] == '\n')
				line++, col = 1;
			else if (((unsigned char)c->buf[i] & 0xC0) != 0x80)
				col++;
		}
		tb_strbuf_addf(&sb, "line %zu, column %zu: %s", line, col,
			       p->problem ? p->problem : "cannot read input");
		if (p->problem_value != -1)
			tb_strbuf_addf(&sb, " (#x%02X)", (unsigned)p->problem_value);
	} else if (p->problem) {
		tb_strbuf_addf(&sb, "line %zu, column %zu: %s", pm->line + 1,
			       pm->column + 1, p->problem);
		if (p->context && (cm->line != pm->line || cm->column != pm->column))
			tb_strbuf_addf(&sb, " %s that started at line %zu, column %zu",
				       p->context, cm->line + 1, cm->column + 1);
	} else {
		tb_strbuf_adds(&sb, p->error == YAML_MEMORY_ERROR ? "out of memory"
				    : "unknown problem parsing YAML content");
	}
	tb_error(c->err, TB_EINVAL, "%s", sb.buf);
	tb_strbuf_release(&sb);
	return -TB_EINVAL;
}

int tb_yaml_parse(const char *buf, size_t len, tb_yaml_doc_fn fn, void *data,
		  struct tb_err *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct tb_yaml_ctx *c;
	locale_t cloc, old;
	int rc = 0, done = 0;

	if (!buf)
		buf = "", len = 0;
	if (!yaml_parser_initialize(&parser))
		return tb_error(err, TB_EINVAL, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	c = tb_calloc(1, sizeof(*c));
	c->buf = buf;
	c->len = len;
	c->err = err;
	c->anchor_ix = json_object();
	tb_strbuf_init(&c->key);
	if (len >= 2 && ((buf[0] == '\xFE' && buf[1] == '\xFF') ||
			 (buf[0] == '\xFF' && buf[1] == '\xFE')))
		c->utf16 = 1;
	else if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		c->pos = 3;
	cloc = tb_yaml_c_locale(&old);
	while (!done && !rc) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = tb_yaml_parser_error(c, &parser);
			break;
		}
		rc = tb_yaml_on_event(c, &ev, fn, data);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	tb_yaml_end_locale(cloc, old);
	tb_yaml_drop_doc(c);
	json_decref(c->anchor_ix);
	tb_free(c->anchors);
	tb_strbuf_release(&c->key);
	tb_free(c);
	yaml_parser_delete(&parser);
	return rc;
}

/* ---- emitting ------------------------------------------------------------------ */

/* Length of a character YAML would not read back as itself outside double
 * quotes: C1 controls (U+0085 is a line break), U+2028/9, BOM, U+FFFE/F. */
static size_t tb_yaml_special(const unsigned char *p, size_t left)
{
	if (left >= 2 && p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
		return 2;
	if (left >= 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
		return 3;
	if (left >= 3 && p[0] == 0xEF && ((p[1] == 0xBB && p[2] == 0xBF) ||
					  (p[1] == 0xBF && p[2] >= 0xBE)))
		return 3;
	return 0;
}

/* Whether s holds only what reads back verbatim outside quotes (and \n). */
static int tb_yaml_printable(const char *s, size_t n, int newlines)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && !(c == '\n' && newlines)) || c == 0x7f ||
		    (c >= 0x80 && tb_yaml_special((const unsigned char *)s + i, n - i)))
			return 0;
	}
	return 1;
}

static void tb_yaml_quote(struct tb_strbuf *out, const char *s, size_t n)
{
	static const char esc[] = "\"\\\n\t\r";
	const unsigned char *p = (const unsigned char *)s;
	const char *e;
	size_t i, k, run = 0;
	unsigned c;

	tb_strbuf_addch(out, '"');
	for (i = 0; i < n; i++) {
		c = p[i];
		k = c >= 0x80 ? tb_yaml_special(p + i, n - i) : 0;
		if (c >= 0x20 && c != 0x7f && c != '"' && c != '\\' && !k)
			continue;
		tb_strbuf_add(out, s + run, i - run);
		e = c ? strchr(esc, (int)c) : NULL;
		if (e)
			tb_strbuf_addf(out, "\\%c", "\"\\ntr"[e - esc]);
		else if (k == 2)
			tb_strbuf_addf(out, "\\u%04X", ((c & 0x1f) << 6) | (p[i + 1] & 0x3f));
		else if (k == 3)
			tb_strbuf_addf(out, "\\u%04X", ((c & 0x0f) << 12) |
				       ((p[i + 1] & 0x3fu) << 6) | (p[i + 2] & 0x3f));
		else
			tb_strbuf_addf(out, "\\u%04X", c);
		i += k ? k - 1 : 0;
		run = i + 1;
	}
	tb_strbuf_add(out, s + run, n - run);
	tb_strbuf_addch(out, '"');
}

/* Plain only when it reads back as the same string, in any position. */
static int tb_yaml_plain_ok(const char *s, size_t n, int is_key)
{
	struct tb_yaml_scalar v;
	size_t i;

	if (!n || strchr(" \t", s[0]) || strchr(" \t:", s[n - 1]))
		return 0;
	if (strchr("-?:,[]{}#&*!|>'\"%@`", s[0]) &&
	    !(strchr("-?:", s[0]) && n > 1 && s[1] != ' ' && s[1] != '\t'))
		return 0;
	if ((n >= 3 && (!memcmp(s, "---", 3) || !memcmp(s, "...", 3))) ||
	    !tb_yaml_printable(s, n, 0))
		return 0;
	for (i = 0; i < n; i++) {
		if ((s[i] == ':' && (s[i + 1] == ' ' || s[i + 1] == '\t')) ||
		    (s[i] == '#' && (s[i - 1] == ' ' || s[i - 1] == '\t')))
			return 0;
	}
	tb_yaml_resolve(s, n, &v);
	if (v.kind != TB_YAML_STR || (is_key && n == 2 && !memcmp(s, "<<", 2)))
		return 0;
	/* go-yaml quotes timestamps and base-60 numbers so YAML 1.1 readers agree */
	i = s[0] == '-' || s[0] == '+';
	if (TB_YAML_DIGIT(s[i]) && memchr(s, ':', n))
		return 0;
	return !(n >= 5 && TB_YAML_DIGIT(s[0]) && TB_YAML_DIGIT(s[1]) &&
		 TB_YAML_DIGIT(s[2]) && TB_YAML_DIGIT(s[3]) && s[4] == '-');
}

static void tb_yaml_emit_str(const char *s, size_t n, int is_key, struct tb_strbuf *out)
{
	if (tb_yaml_plain_ok(s, n, is_key))
		tb_strbuf_add(out, s, n);
	else
		tb_yaml_quote(out, s, n);
}

/* A literal block keeps the text readable, but only holds plain printable
 * lines: no tabs or CRs, no trailing blanks, something besides newlines. */
static int tb_yaml_literal_ok(const char *s, size_t n)
{
	size_t i, body = n;

	while (body && s[body - 1] == '\n')
		body--;
	if (!body || !memchr(s, '\n', n) || s[body - 1] == ' ' ||
	    !tb_yaml_printable(s, n, 1))
		return 0;
	for (i = 1; i < body; i++)
		if (s[i] == '\n' && s[i - 1] == ' ')
			return 0;
	return 1;
}

/* ind is the content's column; the parent collection sits two to the left,
 * which is what the `2` indentation indicator is relative to. */
static void tb_yaml_literal(const char *s, size_t n, size_t ind, struct tb_strbuf *out)
{
	size_t i, eol, body = n;

	while (body && s[body - 1] == '\n')
		body--;
	tb_strbuf_addch(out, '|');
	for (i = 0; i < body && s[i] == '\n'; i++)
		;
	if (s[i] == ' ')
		tb_strbuf_addch(out, '2');
	tb_strbuf_adds(out, n - body == 0 ? "-\n" : n - body == 1 ? "\n" : "+\n");
	for (i = 0; i < body; i = eol + 1) {
		const char *nl = memchr(s + i, '\n', body - i);

		eol = nl ? (size_t)(nl - s) : body;
		if (eol > i) {
			tb_strbuf_addchars(out, ' ', ind);
			tb_strbuf_add(out, s + i, eol - i);
		}
		tb_strbuf_addch(out, '\n');
	}
	for (i = body + 1; i < n; i++)
		tb_strbuf_addch(out, '\n');
}

/* Writes a scalar (or {} / []) and its newline; ind is the parent's column. */
static void tb_yaml_emit_scalar(const json_t *j, size_t ind, struct tb_strbuf *out)
{
	const char *s = json_string_value(j);
	size_t n = json_string_length(j);

	if (s && tb_yaml_literal_ok(s, n)) {
		tb_yaml_literal(s, n, ind + 2, out);
		return;
	}
	if (s)
		tb_yaml_emit_str(s, n, 0, out);
	else if (json_is_integer(j))
		tb_strbuf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
	else if (json_is_real(j))
		tb_yaml_add_float(out, json_real_value(j), 64);
	else
		tb_strbuf_adds(out, json_is_object(j) ? "{}" : json_is_array(j) ? "[]" :
			       json_is_true(j) ? "true" : json_is_false(j) ? "false" : "null");
	tb_strbuf_addch(out, '\n');
}

static void tb_yaml_emit_block(const json_t *j, size_t ind, struct tb_strbuf *out);

static int tb_yaml_is_block(const json_t *j)
{
	return (json_is_object(j) && json_object_size(j)) ||
	       (json_is_array(j) && json_array_size(j));
}

/* The first key goes where the cursor is (after "- " in a sequence). */
static void tb_yaml_emit_map(const json_t *j, size_t ind, struct tb_strbuf *out)
{
	const char *k;
	json_t *v;
	size_t start;
	int first = 1;

	json_object_foreach((json_t *)j, k, v) {
		if (!first)
			tb_strbuf_addchars(out, ' ', ind);
		first = 0;
		start = out->len;
		tb_yaml_emit_str(k, strlen(k), 1, out);
		if (out->len - start > TB_YAML_LONG_KEY) {
			tb_strbuf_setlen(out, start);
			tb_strbuf_adds(out, "? ");
			tb_yaml_quote(out, k, strlen(k));
			tb_strbuf_addch(out, '\n');
			tb_strbuf_addchars(out, ' ', ind);
		}
		tb_strbuf_addch(out, ':');
		tb_strbuf_addch(out, tb_yaml_is_block(v) ? '\n' : ' ');
		if (!tb_yaml_is_block(v)) {
			tb_yaml_emit_scalar(v, ind, out);
		} else {
			/* kubectl style: a list under a key is not indented */
			tb_strbuf_addchars(out, ' ', json_is_array(v) ? ind : ind + 2);
			tb_yaml_emit_block(v, json_is_array(v) ? ind : ind + 2, out);
		}
	}
}

static void tb_yaml_emit_seq(const json_t *j, size_t ind, struct tb_strbuf *out)
{
	size_t i;
	json_t *v;

	json_array_foreach(j, i, v) {
		if (i)
			tb_strbuf_addchars(out, ' ', ind);
		tb_strbuf_adds(out, "- ");
		if (tb_yaml_is_block(v))
			tb_yaml_emit_block(v, ind + 2, out);
		else
			tb_yaml_emit_scalar(v, ind, out);
	}
}

/* A non-empty object or array; its first line goes where the cursor is. */
static void tb_yaml_emit_block(const json_t *j, size_t ind, struct tb_strbuf *out)
{
	if (json_is_object(j))
		tb_yaml_emit_map(j, ind, out);
	else
		tb_yaml_emit_seq(j, ind, out);
}

void tb_yaml_emit(const json_t *j, struct tb_strbuf *out)
{
	locale_t old, cloc = tb_yaml_c_locale(&old);

	if (!j)
		tb_strbuf_adds(out, "null\n");
	else if (tb_yaml_is_block(j))
		tb_yaml_emit_block(j, 0, out);
	else
		tb_yaml_emit_scalar(j, 0, out);
	tb_yaml_end_locale(cloc, old);
}
