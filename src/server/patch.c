/* PATCH bodies (see patch.h): RFC 7386, RFC 6902 and strategic merge patch, the
 * latter ported from apimachinery's pkg/util/strategicpatch. Never touches its
 * inputs, never returns a half-patched document: all work is on a deep copy. */
#include "server/patch.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/mem.h"
#include "lib/strbuf.h"

/* ---- values ----------------------------------------------------------------- */

/* Go decodes every JSON number into a float64, so Kubernetes treats 80 and 80.0
 * as the same value and type; jansson keeps integers and reals apart. */
enum jkind { JK_NULL, JK_BOOL, JK_NUM, JK_STR, JK_OBJ, JK_ARR };

static enum jkind jkind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return JK_OBJ;
	case JSON_ARRAY:
		return JK_ARR;
	case JSON_STRING:
		return JK_STR;
	case JSON_INTEGER:
	case JSON_REAL:
		return JK_NUM;
	case JSON_TRUE:
	case JSON_FALSE:
		return JK_BOOL;
	default:
		return JK_NULL;
	}
}

/* Deep equality with numbers compared by value (RFC 6902 section 4.6; Go's
 * float64). NULL (absent) equals only NULL, like Go's nil == nil.
 * Returns 1 equal, 0 different, -1 nested deeper than TB_PATCH_MAX_DEPTH. */
static int jv_equal(const json_t *a, const json_t *b, int depth)
{
	const char *k;
	json_t *va;
	size_t i;
	int r;

	if (depth >= TB_PATCH_MAX_DEPTH)
		return -1;
	if (!a || !b)
		return a == b;
	if (jkind(a) != jkind(b))
		return 0;
	switch (jkind(a)) {
	case JK_NUM:
		if (json_is_integer(a) && json_is_integer(b))
			return json_integer_value(a) == json_integer_value(b);
		return json_number_value(a) == json_number_value(b);
	case JK_OBJ:
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_foreach((json_t *)a, k, va) {
			r = jv_equal(va, json_object_get(b, k), depth + 1);
			if (r != 1)
				return r;
		}
		return 1;
	case JK_ARR:
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (i = 0; i < json_array_size(a); i++) {
			r = jv_equal(json_array_get(a, i), json_array_get(b, i), depth + 1);
			if (r != 1)
				return r;
		}
		return 1;
	default:
		return json_equal(a, b);
	}
}

static bool jv_same(const json_t *a, const json_t *b)
{
	return jv_equal(a, b, 0) == 1;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* ---- content types ------------------------------------------------------------ */

int tb_patch_type_from_content_type(const char *ct)
{
	static const struct {
		const char *name;
		enum tb_patch_type type;
	} types[] = {
		{ "application/merge-patch+json", TB_PATCH_MERGE },
		{ "application/json-patch+json", TB_PATCH_JSON },
		{ "application/strategic-merge-patch+json", TB_PATCH_STRATEGIC },
	};
	size_t len, i;

	if (!ct)
		return -1;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	len = strcspn(ct, ";");
	while (len && (ct[len - 1] == ' ' || ct[len - 1] == '\t'))
		len--;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		/* Media types are case-insensitive (RFC 9110 section 8.3.1). */
		if (strlen(types[i].name) == len && !strncasecmp(ct, types[i].name, len))
			return (int)types[i].type;
	}
	return -1;
}

/* ---- JSON merge patch (RFC 7386) --------------------------------------------- */

/* RFC 7386 section 2, MergePatch(Target, Patch). *target is owned and may be
 * NULL (absent); objects merge, null deletes, anything else replaces. */
static int mp_merge(json_t **target, const json_t *patch, int depth, struct tb_err *err)
{
	const char *k;
	json_t *v, *child;
	int rc;

	if (!json_is_object(patch)) {
		json_decref(*target);
		*target = json_deep_copy(patch);
		return 0;
	}
	if (depth >= TB_PATCH_MAX_DEPTH)
		return tb_error(err, TB_EINVAL, "merge patch: nested deeper than %d levels",
				TB_PATCH_MAX_DEPTH);
	if (!json_is_object(*target)) {
		json_decref(*target);
		*target = json_object();
	}
	json_object_foreach((json_t *)patch, k, v) {
		if (json_is_null(v)) {
			json_object_del(*target, k);
			continue;
		}
		child = json_incref(json_object_get(*target, k));
		rc = mp_merge(&child, v, depth + 1, err);
		if (rc < 0) {
			json_decref(child);
			return rc;
		}
		json_object_set_new(*target, k, child);
	}
	return 0;
}

/* ---- JSON pointer (RFC 6901) and JSON patch (RFC 6902) ------------------------ */

struct jp {
	char **tok;
	size_t n, alloc;
};

static void jp_release(struct jp *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		tb_free(p->tok[i]);
	tb_free(p->tok);
	p->tok = NULL;
	p->n = p->alloc = 0;
}

/* "" is the whole document, otherwise '/'-separated tokens in which "~1" is '/'
 * and "~0" is '~' (so "~01" is the key "~1"); any other '~' is an error. */
static int jp_parse(const char *s, struct jp *p)
{
	const char *end;
	size_t len, i;
	char *t, *o;

	memset(p, 0, sizeof(*p));
	if (!*s)
		return 0;
	if (*s != '/')
		return -1;
	for (;;) {
		s++;
		end = strchr(s, '/');
		len = end ? (size_t)(end - s) : strlen(s);
		t = o = tb_malloc(len + 1);
		for (i = 0; i < len; i++) {
			if (s[i] != '~') {
				*o++ = s[i];
				continue;
			}
			if (i + 1 < len && (s[i + 1] == '0' || s[i + 1] == '1')) {
				*o++ = s[i + 1] == '0' ? '~' : '/';
				i++;
				continue;
			}
			tb_free(t);
			jp_release(p);
			return -1;
		}
		*o = '\0';
		TB_GROW(p->tok, p->alloc, p->n + 1);
		p->tok[p->n++] = t;
		if (!end)
			return 0;
		s = end;
	}
}

/* Array index token: decimal without leading zeros. "-" (one past the end) only
 * where the operation may append. Returns -1 if malformed, -2 if out of range. */
static int jp_index(const char *tok, size_t size, bool append, size_t *idx)
{
	size_t v = 0;
	const char *c;

	if (append && !strcmp(tok, "-")) {
		*idx = size;
		return 0;
	}
	if (!strcmp(tok, "-"))
		return -2;
	if (!*tok || (tok[0] == '0' && tok[1]))
		return -1;
	for (c = tok; *c; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		if (v > (SIZE_MAX - 9) / 10)
			return -2;
		v = v * 10 + (size_t)(*c - '0');
	}
	if (append ? v > size : v >= size)
		return -2;
	*idx = v;
	return 0;
}

/* The value at the first n tokens of p, or NULL. */
static json_t *jp_get(json_t *root, const struct jp *p, size_t n)
{
	json_t *cur = root;
	size_t i, idx;

	for (i = 0; i < n && cur; i++) {
		if (json_is_object(cur))
			cur = json_object_get(cur, p->tok[i]);
		else if (json_is_array(cur) &&
			 !jp_index(p->tok[i], json_array_size(cur), false, &idx))
			cur = json_array_get(cur, idx);
		else
			cur = NULL;
	}
	return cur;
}

/* One operation being applied, for error messages. */
struct jp_op {
	size_t i;
	const char *op;
	struct tb_err *err;
};

static int jp_fail(const struct jp_op *o, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int jp_fail(const struct jp_op *o, int code, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tb_error(o->err, code, "json patch operation %zu (%s): %s", o->i, o->op, msg);
}

static int jp_missing(const struct jp_op *o, const char *what, const char *path)
{
	return jp_fail(o, TB_EINVAL, "%s \"%s\" does not exist", what, path);
}

/* Adds value (stolen) at p: the parent must exist; "-" appends (RFC 6902 4.1). */
static int jp_add(json_t **root, const struct jp *p, const char *path, json_t *value,
		  const struct jp_op *o)
{
	json_t *parent;
	const char *last;
	size_t idx;
	int r;

	if (!p->n) {
		json_decref(*root);
		*root = value;
		return 0;
	}
	parent = jp_get(*root, p, p->n - 1);
	last = p->tok[p->n - 1];
	if (json_is_object(parent)) {
		json_object_set_new(parent, last, value);
		return 0;
	}
	if (json_is_array(parent)) {
		r = jp_index(last, json_array_size(parent), true, &idx);
		if (!r) {
			json_array_insert_new(parent, idx, value);
			return 0;
		}
		json_decref(value);
		return jp_fail(o, TB_EINVAL, "path \"%s\": array index \"%s\" is %s", path, last,
			       r == -1 ? "not a valid index" : "out of range");
	}
	json_decref(value);
	if (!parent)
		return jp_fail(o, TB_EINVAL, "parent of path \"%s\" does not exist", path);
	return jp_fail(o, TB_EINVAL, "parent of path \"%s\" is not an object or array", path);
}

/* Finds the existing member p names: its container and (for arrays) index. */
static int jp_locate(json_t *root, const struct jp *p, const char *what, const char *path,
		     const struct jp_op *o, json_t **parent, size_t *idx)
{
	const char *last = p->tok[p->n - 1];
	int r;

	*parent = jp_get(root, p, p->n - 1);
	if (json_is_object(*parent)) {
		if (!json_object_get(*parent, last))
			return jp_missing(o, what, path);
		return 0;
	}
	if (json_is_array(*parent)) {
		r = jp_index(last, json_array_size(*parent), false, idx);
		if (r == -1)
			return jp_fail(o, TB_EINVAL, "%s \"%s\": \"%s\" is not a valid array index",
				       what, path, last);
		if (r)
			return jp_missing(o, what, path);
		return 0;
	}
	return jp_missing(o, what, path);
}

/* Removes the value at p, handing it to *taken when asked (for move). */
static int jp_remove(json_t *root, const struct jp *p, const char *what, const char *path,
		     const struct jp_op *o, json_t **taken)
{
	json_t *parent;
	size_t idx = 0;
	int rc;

	if (!p->n)
		return jp_fail(o, TB_EINVAL, "cannot remove the whole document");
	rc = jp_locate(root, p, what, path, o, &parent, &idx);
	if (rc < 0)
		return rc;
	if (json_is_object(parent)) {
		if (taken)
			*taken = json_incref(json_object_get(parent, p->tok[p->n - 1]));
		json_object_del(parent, p->tok[p->n - 1]);
	} else {
		if (taken)
			*taken = json_incref(json_array_get(parent, idx));
		json_array_remove(parent, idx);
	}
	return 0;
}

static int jp_replace(json_t **root, const struct jp *p, const char *path, json_t *value,
		      const struct jp_op *o)
{
	json_t *parent;
	size_t idx = 0;
	int rc;

	if (!p->n) {
		json_decref(*root);
		*root = value;
		return 0;
	}
	rc = jp_locate(*root, p, "path", path, o, &parent, &idx);
	if (rc < 0) {
		json_decref(value);
		return rc;
	}
	if (json_is_object(parent))
		json_object_set_new(parent, p->tok[p->n - 1], value);
	else
		json_array_set_new(parent, idx, value);
	return 0;
}

/* A string member of an operation, or NULL with an error when absent or not a string. */
static const char *jp_member(const json_t *op, const char *name, const struct jp_op *o, int *rc)
{
	const json_t *v = json_object_get(op, name);

	if (!json_is_string(v)) {
		*rc = jp_fail(o, TB_EINVAL, v ? "\"%s\" must be a string" : "missing \"%s\"", name);
		return NULL;
	}
	return json_string_value(v);
}

static int jp_apply_one(json_t **doc, const json_t *op, struct jp_op *o)
{
	static const char *const ops[] = { "add", "remove", "replace", "move", "copy", "test" };
	const char *path, *from = NULL;
	const json_t *value = NULL;
	struct jp p, f;
	json_t *v = NULL;
	size_t i;
	int rc = 0;

	if (!json_is_object(op))
		return jp_fail(o, TB_EINVAL, "operation must be a JSON object");
	o->op = json_string_value(json_object_get(op, "op"));
	if (!o->op) {
		o->op = "?";
		return jp_fail(o, TB_EINVAL, "missing or non-string \"op\"");
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]) && strcmp(ops[i], o->op); i++)
		;
	if (i == sizeof(ops) / sizeof(ops[0]))
		return jp_fail(o, TB_EINVAL, "unknown operation \"%s\"", o->op);
	path = jp_member(op, "path", o, &rc);
	if (!path)
		return rc;
	if (!strcmp(o->op, "add") || !strcmp(o->op, "replace") || !strcmp(o->op, "test")) {
		/* Present but null is a valid value; only absence is an error. */
		value = json_object_get(op, "value");
		if (!value)
			return jp_fail(o, TB_EINVAL, "missing \"value\"");
	}
	if (!strcmp(o->op, "move") || !strcmp(o->op, "copy")) {
		from = jp_member(op, "from", o, &rc);
		if (!from)
			return rc;
	}
	if (jp_parse(path, &p))
		return jp_fail(o, TB_EINVAL, "path \"%s\" is not a valid JSON pointer", path);
	if (from && jp_parse(from, &f)) {
		jp_release(&p);
		return jp_fail(o, TB_EINVAL, "from \"%s\" is not a valid JSON pointer", from);
	}

	if (!strcmp(o->op, "add")) {
		rc = jp_add(doc, &p, path, json_deep_copy(value), o);
	} else if (!strcmp(o->op, "remove")) {
		rc = jp_remove(*doc, &p, "path", path, o, NULL);
	} else if (!strcmp(o->op, "replace")) {
		rc = jp_replace(doc, &p, path, json_deep_copy(value), o);
	} else if (!strcmp(o->op, "test")) {
		v = jp_get(*doc, &p, p.n);
		if (!v) {
			rc = jp_missing(o, "path", path);
		} else {
			int eq = jv_equal(v, value, 0);

			if (eq < 0)
				rc = jp_fail(o, TB_EINVAL, "value nested deeper than %d levels",
					     TB_PATCH_MAX_DEPTH);
			else if (!eq)
				rc = jp_fail(o, TB_ECONFLICT, "test failed: value at path \"%s\" "
					     "differs", path);
		}
		v = NULL;
	} else if (!strcmp(o->op, "copy")) {
		v = jp_get(*doc, &f, f.n);
		if (!v)
			rc = jp_missing(o, "from", from);
		else
			rc = jp_add(doc, &p, path, json_deep_copy(v), o);
		v = NULL;
	} else {
		size_t fl = strlen(from);

		/* RFC 6902 4.4: a location cannot be moved into one of its children. */
		if (!strncmp(path, from, fl) && path[fl] == '/') {
			rc = jp_fail(o, TB_EINVAL, "cannot move \"%s\" into its own child \"%s\"",
				     from, path);
		} else if (!strcmp(path, from)) {
			if (!jp_get(*doc, &f, f.n))
				rc = jp_missing(o, "from", from);
		} else if (!f.n) {
			rc = jp_fail(o, TB_EINVAL, "cannot move the whole document");
		} else {
			rc = jp_remove(*doc, &f, "from", from, o, &v);
			if (rc == 0)
				rc = jp_add(doc, &p, path, v, o);
		}
	}
	jp_release(&p);
	if (from)
		jp_release(&f);
	return rc;
}

static int jp_apply(json_t **doc, const json_t *patch, struct tb_err *err)
{
	struct jp_op o = { 0, "", err };
	size_t n;
	int rc;

	if (!json_is_array(patch))
		return tb_error(err, TB_EINVAL, "json patch: the patch must be a JSON array of "
				"operations");
	n = json_array_size(patch);
	if (n > TB_PATCH_MAX_JSON_OPS)
		return tb_error(err, TB_ETOOBIG, "json patch: the allowed maximum operations in a "
				"JSON patch is %d, got %zu", TB_PATCH_MAX_JSON_OPS, n);
	for (o.i = 0; o.i < n; o.i++) {
		o.op = "";
		rc = jp_apply_one(doc, json_array_get(patch, o.i), &o);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- strategic merge patch: the merge-key table -------------------------------- */

/* Field tags copied from k8s.io/api (core/v1, apps/v1, batch/v1) and
 * apimachinery's ObjectMeta: patchStrategy "merge" (optionally with
 * "retainKeys") and patchMergeKey. A list field absent from the table is
 * replaced, a map field merges: that is what Kubernetes does for untagged
 * fields, so only tagged fields and the fields leading to them are listed. */
enum { SM_MERGE = 1, SM_RETAIN = 2 };

struct sm_type;

struct sm_field {
	const char *name;
	unsigned strategy;
	const char *key;		/* merge key; NULL for lists of primitives */
	const struct sm_type *type;	/* the value's type (a list's element type) */
};

struct sm_type {
	const char *name;
	const struct sm_field *fields;	/* ends with a NULL name */
};

#define SM_END { NULL, 0, NULL, NULL }

static const struct sm_field sm_meta_f[] = {
	{ "ownerReferences", SM_MERGE, "uid", NULL },
	{ "finalizers", SM_MERGE, NULL, NULL },
	SM_END,
};
static const struct sm_type sm_meta = { "ObjectMeta", sm_meta_f };

/* Container and EphemeralContainerCommon carry the same tags. */
static const struct sm_field sm_container_f[] = {
	{ "ports", SM_MERGE, "containerPort", NULL },
	{ "env", SM_MERGE, "name", NULL },
	{ "volumeMounts", SM_MERGE, "mountPath", NULL },
	{ "volumeDevices", SM_MERGE, "devicePath", NULL },
	SM_END,
};
static const struct sm_type sm_container = { "Container", sm_container_f };

static const struct sm_field sm_podspec_f[] = {
	{ "volumes", SM_MERGE | SM_RETAIN, "name", NULL },
	{ "initContainers", SM_MERGE, "name", &sm_container },
	{ "containers", SM_MERGE, "name", &sm_container },
	{ "ephemeralContainers", SM_MERGE, "name", &sm_container },
	{ "imagePullSecrets", SM_MERGE, "name", NULL },
	{ "hostAliases", SM_MERGE, "ip", NULL },
	{ "topologySpreadConstraints", SM_MERGE, "topologyKey", NULL },
	{ "schedulingGates", SM_MERGE, "name", NULL },
	{ "resourceClaims", SM_MERGE | SM_RETAIN, "name", NULL },
	{ "evictionResponders", SM_MERGE, "name", NULL },
	SM_END,
};
static const struct sm_type sm_podspec = { "PodSpec", sm_podspec_f };

static const struct sm_field sm_template_f[] = {
	{ "metadata", 0, NULL, &sm_meta },
	{ "spec", 0, NULL, &sm_podspec },
	SM_END,
};
static const struct sm_type sm_template = { "PodTemplateSpec", sm_template_f };

/* Status lists of conditions, keyed by type in every kind served here. */
static const struct sm_field sm_conditions_f[] = {
	{ "conditions", SM_MERGE, "type", NULL },
	SM_END,
};
static const struct sm_type sm_status = { "Status", sm_conditions_f };

static const struct sm_field sm_deployspec_f[] = {
	{ "template", 0, NULL, &sm_template },
	{ "strategy", SM_RETAIN, NULL, NULL },
	SM_END,
};
static const struct sm_type sm_deployspec = { "DeploymentSpec", sm_deployspec_f };

static const struct sm_field sm_jobsched_f[] = {
	{ "resourceClaims", SM_MERGE, "name", NULL },
	SM_END,
};
static const struct sm_type sm_jobsched = { "JobSchedulingConfiguration", sm_jobsched_f };

static const struct sm_field sm_jobspec_f[] = {
	{ "template", 0, NULL, &sm_template },
	{ "scheduling", 0, NULL, &sm_jobsched },
	SM_END,
};
static const struct sm_type sm_jobspec = { "JobSpec", sm_jobspec_f };

static const struct sm_field sm_svcspec_f[] = {
	{ "ports", SM_MERGE, "port", NULL },
	SM_END,
};
static const struct sm_type sm_svcspec = { "ServiceSpec", sm_svcspec_f };

static const struct sm_field sm_deploy_f[] = {
	{ "metadata", 0, NULL, &sm_meta },
	{ "spec", 0, NULL, &sm_deployspec },
	{ "status", 0, NULL, &sm_status },
	SM_END,
};
static const struct sm_field sm_job_f[] = {
	{ "metadata", 0, NULL, &sm_meta },
	{ "spec", 0, NULL, &sm_jobspec },
	{ "status", 0, NULL, &sm_status },
	SM_END,
};
static const struct sm_field sm_svc_f[] = {
	{ "metadata", 0, NULL, &sm_meta },
	{ "spec", 0, NULL, &sm_svcspec },
	{ "status", 0, NULL, &sm_status },
	SM_END,
};
/* NamespaceSpec.finalizers is atomic (no patchStrategy): replaced. */
static const struct sm_field sm_ns_f[] = {
	{ "metadata", 0, NULL, &sm_meta },
	{ "status", 0, NULL, &sm_status },
	SM_END,
};
static const struct sm_field sm_metaonly_f[] = {
	{ "metadata", 0, NULL, &sm_meta },
	SM_END,
};

static const struct sm_type sm_kinds[] = {
	{ "Deployment", sm_deploy_f },
	{ "Job", sm_job_f },
	{ "Service", sm_svc_f },
	{ "Namespace", sm_ns_f },
	{ "ConfigMap", sm_metaonly_f },
	{ "Secret", sm_metaonly_f },
};

static const struct sm_type *sm_kind(const char *kind)
{
	size_t i;

	for (i = 0; kind && i < sizeof(sm_kinds) / sizeof(sm_kinds[0]); i++)
		if (!strcmp(sm_kinds[i].name, kind))
			return &sm_kinds[i];
	return NULL;
}

bool tb_patch_strategic_known(const char *kind)
{
	return sm_kind(kind) != NULL;
}

static const struct sm_field *sm_lookup(const struct sm_type *t, const char *name)
{
	const struct sm_field *f;

	for (f = t ? t->fields : NULL; f && f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

/* ---- strategic merge patch: the merge ------------------------------------------ */

#define SM_DIRECTIVE "$patch"
#define SM_RETAIN_KEYS "$retainKeys"
#define SM_DELETE_PREFIX "$deleteFromPrimitiveList/"
#define SM_ORDER_PREFIX "$setElementOrder/"

struct sm {
	struct tb_err *err;
	struct tb_path path;	/* where in the document, for messages */
};

static int sm_fail(struct sm *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int sm_fail(struct sm *c, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tb_error(c->err, TB_EINVAL, "strategic merge patch: %s: %s",
			c->path.len ? c->path.buf : "(top level)", msg);
}

static int sm_too_deep(struct sm *c)
{
	return sm_fail(c, "nested deeper than %d levels", TB_PATCH_MAX_DEPTH);
}

/* Borrowed references to list items. */
struct jvec {
	json_t **v;
	size_t n, alloc;
};

static void jvec_push(struct jvec *a, json_t *x)
{
	TB_GROW(a->v, a->alloc, a->n + 1);
	a->v[a->n++] = x;
}

static void jvec_of(const json_t *arr, struct jvec *a)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++)
		jvec_push(a, json_array_get(arr, i));
}

static void jvec_release(struct jvec *a)
{
	tb_free(a->v);
	memset(a, 0, sizeof(*a));
}

/* What list items are matched on: the merge key's value for maps, the item
 * itself for primitives (apimachinery's index()). */
static const json_t *sm_keyval(const json_t *item, const char *key)
{
	if (!key)
		return item;
	return json_is_object(item) ? json_object_get(item, key) : NULL;
}

static long sm_pos(const struct jvec *order, const json_t *item, const char *key)
{
	const json_t *kv = sm_keyval(item, key);
	size_t i;

	for (i = 0; i < order->n; i++)
		if (jv_same(sm_keyval(order->v[i], key), kv))
			return (long)i;
	return -1;
}

/* Element kind shared by two lists (sliceElementType): mixed kinds, nulls and
 * lists of lists cannot be merged. *kind is JK_NULL when both are empty. */
static int sm_elem_kind(struct sm *c, const json_t *a, const json_t *b, enum jkind *kind)
{
	const json_t *lists[2] = { a, b };
	enum jkind k;
	size_t l, i;
	bool first = true;

	*kind = JK_NULL;
	for (l = 0; l < 2; l++) {
		for (i = 0; i < json_array_size(lists[l]); i++) {
			k = jkind(json_array_get(lists[l], i));
			if (k == JK_ARR)
				return sm_fail(c, "lists of lists cannot be merged");
			if (k == JK_NULL)
				return sm_fail(c, "null list items cannot be merged");
			if (!first && k != *kind)
				return sm_fail(c, "list items are not all of the same type");
			*kind = k;
			first = false;
		}
	}
	return 0;
}

/* Every item must be a map carrying the merge key (validateMergeKeyInLists). */
static int sm_check_keyed(struct sm *c, const struct jvec *a, const char *key)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!json_object_get(a->v[i], key))
			return sm_fail(c, "list item does not contain declared merge key \"%s\"", key);
	return 0;
}

/* sort.SliceStable with apimachinery's comparator (normalizeSliceOrder): by
 * position in order, "less" whenever either side is missing from it. This is
 * Go's insertion sort, which it runs for short lists; for longer ones the
 * callers only sort items that all appear in order, where stable sorts agree. */
static void sm_sort(struct jvec *a, const struct jvec *order, const char *key)
{
	long *pos = tb_calloc(a->n + 1, sizeof(*pos)), tp;
	json_t *tv;
	size_t i, j;

	for (i = 0; i < a->n; i++)
		pos[i] = sm_pos(order, a->v[i], key);
	for (i = 1; i < a->n; i++) {
		for (j = i; j > 0; j--) {
			if (pos[j] >= 0 && pos[j - 1] >= 0 && pos[j] >= pos[j - 1])
				break;
			tp = pos[j], pos[j] = pos[j - 1], pos[j - 1] = tp;
			tv = a->v[j], a->v[j] = a->v[j - 1], a->v[j - 1] = tv;
		}
	}
	tb_free(pos);
}

/* normalizeElementOrder + mergeSortedSlice: patch items in patch order,
 * server-only items in server order, interleaved so that a server-only item
 * goes before a patch item it preceded in the live list. */
static json_t *sm_normalize(struct jvec *patch_items, struct jvec *server_only,
			    const struct jvec *patch_order, const struct jvec *server_order,
			    const char *key)
{
	json_t *out = json_array(), *next;
	size_t i = 0, j = 0;
	long li, ri;

	sm_sort(patch_items, patch_order, key);
	sm_sort(server_only, server_order, key);
	while (i < server_only->n || j < patch_items->n) {
		if (i >= server_only->n) {
			next = patch_items->v[j++];
		} else if (j >= patch_items->n) {
			next = server_only->v[i++];
		} else {
			li = sm_pos(server_order, server_only->v[i], key);
			ri = sm_pos(server_order, patch_items->v[j], key);
			if (li >= 0 && ri >= 0 && li < ri)
				next = server_only->v[i++];
			else
				next = patch_items->v[j++];
		}
		json_array_append(out, next);
	}
	return out;
}

/* Splits items by whether they appear in by (on the merge key, or by value). */
static void sm_partition(const json_t *items, const struct jvec *by, const char *key,
			 struct jvec *in, struct jvec *out)
{
	json_t *it;
	size_t i;

	for (i = 0; i < json_array_size(items); i++) {
		it = json_array_get(items, i);
		jvec_push(sm_pos(by, it, key) >= 0 ? in : out, it);
	}
}

/* Orders merged like apimachinery does: items named by order first in that
 * order, the rest where they were in server (the live list). */
static int sm_order(struct sm *c, const json_t *merged, const struct jvec *order,
		    const struct jvec *server, const char *key, json_t **out)
{
	struct jvec in = { 0 }, rest = { 0 }, all = { 0 };
	int rc = 0;

	if (key) {
		jvec_of(merged, &all);
		rc = sm_check_keyed(c, &all, key);
		if (!rc)
			rc = sm_check_keyed(c, order, key);
		if (!rc)
			rc = sm_check_keyed(c, server, key);
		jvec_release(&all);
		if (rc)
			return rc;
	}
	sm_partition(merged, order, key, &in, &rest);
	*out = sm_normalize(&in, &rest, order, server, key);
	jvec_release(&in);
	jvec_release(&rest);
	return 0;
}

static int sm_map(struct sm *c, json_t **orig, const json_t *patch, const struct sm_type *t,
		  int depth);
static int sm_fresh(struct sm *c, const json_t *v, const struct sm_type *t, int depth,
		    json_t **out);

/* "$patch" value as a string for messages. */
static const char *sm_directive(const json_t *d)
{
	return json_is_string(d) ? json_string_value(d) : "(not a string)";
}

/* A list of primitives with merge strategy: union without duplicates. */
static int sm_list_scalars(struct sm *c, const json_t *orig, const json_t *patch, json_t **out)
{
	struct jvec s = { 0 }, po = { 0 }, so = { 0 };
	json_t *copies = json_array(), *merged;
	long len, i, j;
	size_t k;
	int rc;

	jvec_of(orig, &s);
	for (k = 0; k < json_array_size(patch); k++) {
		json_t *cp = json_deep_copy(json_array_get(patch, k));

		json_array_append_new(copies, cp);	/* keeps cp alive until the end */
		jvec_push(&s, cp);
	}
	/* deduplicateScalars, whose swap-with-last order the sort below mostly undoes. */
	len = (long)s.n - 1;
	for (i = 0; i < len; i++) {
		for (j = i + 1; j <= len; j++) {
			if (jv_same(s.v[i], s.v[j])) {
				s.v[j] = s.v[len];
				s.n--;
				len--;
				j--;
			}
		}
	}
	merged = json_array();
	for (k = 0; k < s.n; k++)
		json_array_append(merged, s.v[k]);
	jvec_of(patch, &po);
	jvec_of(orig, &so);
	rc = sm_order(c, merged, &po, &so, NULL, out);
	json_decref(merged);
	json_decref(copies);
	jvec_release(&s);
	jvec_release(&po);
	jvec_release(&so);
	return rc;
}

static void sm_path_item(struct sm *c, const char *key, const json_t *kv)
{
	char buf[160];

	if (json_is_string(kv))
		snprintf(buf, sizeof(buf), "%s=%s", key, json_string_value(kv));
	else if (json_is_number(kv))
		snprintf(buf, sizeof(buf), "%s=%.15g", key, json_number_value(kv));
	else
		snprintf(buf, sizeof(buf), "%s=?", key);
	tb_path_key(&c->path, buf);
}

/* A list of maps with a merge key: "$patch" elements first (delete by key,
 * replace the whole list), then each element merges into the live element with
 * the same key or is appended (mergeSlice for maps). */
static int sm_list_maps(struct sm *c, json_t *orig, const json_t *patch,
			const struct sm_field *f, int depth, json_t **out)
{
	const char *key = f->key;
	struct jvec plist = { 0 }, sorder = { 0 };
	json_t *cur = json_copy(orig), *p, *d, *kv, *it, *server = NULL;
	bool replace = false;
	size_t i, j, mark = c->path.len;
	int rc = 0;

	for (i = 0; i < json_array_size(patch) && !rc; i++) {
		p = json_array_get(patch, i);
		d = json_object_get(p, SM_DIRECTIVE);
		tb_path_index(&c->path, i);
		if (!d && !json_object_get(p, key)) {
			rc = sm_fail(c, "list item does not contain declared merge key \"%s\"", key);
		} else if (!d) {
			jvec_push(&plist, p);
		} else if (json_is_string(d) && !strcmp(json_string_value(d), "delete")) {
			kv = json_object_get(p, key);
			if (!kv) {
				rc = sm_fail(c, "$patch: delete item does not contain declared merge "
					     "key \"%s\"", key);
				break;
			}
			for (j = json_array_size(cur); j-- > 0;)
				if (jv_same(sm_keyval(json_array_get(cur, j), key), kv))
					json_array_remove(cur, j);
		} else if (json_is_string(d) && !strcmp(json_string_value(d), "replace")) {
			replace = true;
		} else if (json_is_string(d) && !strcmp(json_string_value(d), "merge")) {
			rc = sm_fail(c, "$patch: merge cannot be specified in a list");
		} else {
			rc = sm_fail(c, "unknown $patch directive \"%s\"", sm_directive(d));
		}
		tb_path_pop(&c->path, mark);
	}
	if (!rc && replace) {
		/* "$patch: replace" in a list: the other patch items are the list. */
		json_decref(cur);
		cur = json_array();
		for (i = 0; i < plist.n && !rc; i++) {
			tb_path_index(&c->path, i);
			rc = sm_fresh(c, plist.v[i], f->type, depth + 1, &it);
			if (!rc && it)
				json_array_append_new(cur, it);
			tb_path_pop(&c->path, mark);
		}
		plist.n = 0;
	}
	/* Live order after deletions; holds its items while merges replace them. */
	server = json_copy(cur);
	for (i = 0; i < plist.n && !rc; i++) {
		p = plist.v[i];
		kv = json_object_get(p, key);
		sm_path_item(c, key, kv);
		for (j = 0; j < json_array_size(cur); j++)
			if (jv_same(json_object_get(json_array_get(cur, j), key), kv))
				break;
		if (j < json_array_size(cur)) {
			it = json_incref(json_array_get(cur, j));
			rc = sm_map(c, &it, p, f->type, depth + 1);
			json_array_set_new(cur, j, it);
		} else {
			rc = sm_fresh(c, p, f->type, depth + 1, &it);
			if (!rc && it)
				json_array_append_new(cur, it);
		}
		tb_path_pop(&c->path, mark);
	}
	if (!rc) {
		jvec_of(server, &sorder);
		rc = sm_order(c, cur, &plist, &sorder, key, out);
	}
	json_decref(cur);
	json_decref(server);
	jvec_release(&plist);
	jvec_release(&sorder);
	return rc;
}

/* Merges two lists of a field with patchStrategy "merge" (mergeSlice). */
static int sm_list(struct sm *c, json_t *orig, const json_t *patch, const struct sm_field *f,
		   int depth, json_t **out)
{
	enum jkind kind;
	int rc;

	*out = NULL;
	if (!json_array_size(orig) && !json_array_size(patch)) {
		*out = json_incref(orig);
		return 0;
	}
	rc = sm_elem_kind(c, orig, patch, &kind);
	if (rc)
		return rc;
	if (kind != JK_OBJ) {
		if (f->key)
			return sm_fail(c, "list items must be maps carrying the merge key \"%s\"",
				       f->key);
		return sm_list_scalars(c, orig, patch, out);
	}
	if (!f->key)
		return sm_fail(c, "cannot merge a list of maps without a merge key");
	return sm_list_maps(c, orig, patch, f, depth, out);
}

/* validatePatchWithSetOrderList: the patch list (deletions aside) must be a
 * subsequence of the $setElementOrder list. */
static int sm_check_order(struct sm *c, const json_t *pl, const json_t *order, const char *key)
{
	struct jvec nd = { 0 };
	const json_t *it, *o, *d;
	size_t pi = 0, si = 0, m = json_array_size(order), i;
	int rc = 0;

	if (!json_is_array(pl) || !json_array_size(pl) || !m)
		return 0;
	for (i = 0; i < json_array_size(pl); i++) {
		it = json_array_get(pl, i);
		if (key && !json_is_object(it)) {
			jvec_release(&nd);
			return sm_fail(c, "list items must be maps carrying the merge key \"%s\"", key);
		}
		d = key ? json_object_get(it, SM_DIRECTIVE) : NULL;
		if (!(json_is_string(d) && !strcmp(json_string_value(d), "delete")))
			jvec_push(&nd, (json_t *)it);
	}
	while (pi < nd.n && si < m) {
		it = nd.v[pi];
		o = json_array_get(order, si);
		if (json_is_object(it) && json_object_get(it, SM_DIRECTIVE)) {
			pi++;
			continue;
		}
		if (key && (!json_object_get(it, key) || !json_object_get(o, key))) {
			rc = sm_fail(c, "list item does not contain declared merge key \"%s\"", key);
			break;
		}
		if (jv_same(sm_keyval(it, key), sm_keyval(o, key)))
			pi++;
		si++;
	}
	if (!rc && pi < nd.n && si >= m)
		rc = sm_fail(c, "the order of the patch list does not match its $setElementOrder list");
	jvec_release(&nd);
	return rc;
}

/* $setElementOrder/<name>: merges the list (if patched) and then orders it:
 * $setElementOrder first, then the patch, then the live list (mergePatchIntoOriginal). */
static int sm_set_order(struct sm *c, json_t *orig, const json_t *patch, const char *dkey,
			const json_t *order, const struct sm_type *t, int depth)
{
	const char *name = dkey + strlen(SM_ORDER_PREFIX);
	const struct sm_field *f = sm_lookup(t, name);
	const char *key = f ? f->key : NULL;
	const struct sm_type *et = f ? f->type : NULL;
	json_t *ol = json_object_get(orig, name), *merged = NULL, *res = NULL;
	const json_t *pl = json_object_get(patch, name);
	struct jvec ov = { 0 }, sv = { 0 };
	size_t mark = tb_path_field(&c->path, name);
	enum jkind kind;
	int rc = 0;

	if (!json_is_array(order)) {
		rc = sm_fail(c, "%s must be a list", dkey);
		goto out;
	}
	if (json_is_null(ol))
		ol = NULL;
	if (ol && !json_is_array(ol)) {
		rc = sm_fail(c, "%s is given but the field is not a list", dkey);
		goto out;
	}
	if (pl && !json_is_array(pl)) {
		rc = sm_fail(c, "must be a list in the patch when %s is given", dkey);
		goto out;
	}
	rc = sm_check_order(c, pl, order, key);
	if (rc || (!ol && !pl))
		goto out;
	if (!pl)
		merged = json_incref(ol);
	else if (ol && f && (f->strategy & SM_MERGE))
		rc = sm_list(c, ol, pl, f, depth + 1, &merged);
	else
		rc = sm_fresh(c, pl, et, depth + 1, &merged);
	if (rc)
		goto out;
	rc = sm_elem_kind(c, ol, pl, &kind);
	if (rc)
		goto out;
	if (kind == JK_NULL) {
		/* No items anywhere: nothing to order (Kubernetes errors out here). */
		res = json_incref(merged);
	} else {
		if (kind == JK_OBJ && !key) {
			rc = sm_fail(c, "%s is given but the list has no merge key", dkey);
			goto out;
		}
		if (kind != JK_OBJ && key) {
			rc = sm_fail(c, "list items must be maps carrying the merge key \"%s\"", key);
			goto out;
		}
		jvec_of(order, &ov);
		jvec_of(ol, &sv);
		rc = sm_order(c, merged, &ov, &sv, key, &res);
		if (rc)
			goto out;
	}
	json_object_set_new(orig, name, res);
	res = NULL;
out:
	json_decref(merged);
	json_decref(res);
	jvec_release(&ov);
	jvec_release(&sv);
	tb_path_pop(&c->path, mark);
	return rc;
}

static bool sm_in_list(const json_t *list, const char *k)
{
	size_t i;

	for (i = 0; i < json_array_size(list); i++)
		if (json_is_string(json_array_get(list, i)) &&
		    !strcmp(json_string_value(json_array_get(list, i)), k))
			return true;
	return false;
}

/* $retainKeys: every field the patch sets must be listed, and fields of orig
 * (if any) that are not listed are cleared (applyRetainKeysDirective). */
static int sm_retain(struct sm *c, json_t *orig, const json_t *patch, const json_t *keys)
{
	const char *k;
	json_t *v;
	void *tmp;

	if (!json_is_array(keys))
		return sm_fail(c, "$retainKeys must be a list");
	json_object_foreach((json_t *)patch, k, v) {
		if (json_is_null(v) || !strcmp(k, SM_RETAIN_KEYS) || !strcmp(k, SM_DIRECTIVE) ||
		    has_prefix(k, SM_DELETE_PREFIX) || has_prefix(k, SM_ORDER_PREFIX))
			continue;
		if (!sm_in_list(keys, k))
			return sm_fail(c, "field \"%s\" is in the patch but not in $retainKeys", k);
	}
	if (orig) {
		json_object_foreach_safe(orig, tmp, k, v) {
			if (!sm_in_list(keys, k))
				json_object_del(orig, k);
		}
	}
	return 0;
}

/* A patch map taken as a new value: nulls dropped, directives checked and
 * consumed (Kubernetes' removeDirectives + discardNullValuesFromPatch). */
static int sm_fresh_map(struct sm *c, const json_t *v, const struct sm_type *t, int depth,
			json_t **out)
{
	const struct sm_field *f;
	const json_t *rk = json_object_get(v, SM_RETAIN_KEYS);
	const char *k;
	json_t *val, *m, *n;
	size_t mark = c->path.len;
	int rc = 0;

	*out = NULL;
	if (rk) {
		rc = sm_retain(c, NULL, v, rk);
		if (rc)
			return rc;
	}
	m = json_object();
	json_object_foreach((json_t *)v, k, val) {
		if (k[0] == '$') {
			if (!strcmp(k, SM_DIRECTIVE) || !strcmp(k, SM_RETAIN_KEYS))
				continue;
			if (has_prefix(k, SM_ORDER_PREFIX)) {
				/* Nothing live to interleave: the patch order is the order. */
				f = sm_lookup(t, k + strlen(SM_ORDER_PREFIX));
				if (!json_is_array(val))
					rc = sm_fail(c, "%s must be a list", k);
				else
					rc = sm_check_order(c, json_object_get(v, k +
						strlen(SM_ORDER_PREFIX)), val, f ? f->key : NULL);
			} else if (has_prefix(k, SM_DELETE_PREFIX)) {
				/* Nothing to delete from. */
				if (!json_is_array(val) && !json_is_null(val))
					rc = sm_fail(c, "%s must be a list", k);
			} else {
				rc = sm_fail(c, "unknown directive \"%s\"", k);
			}
			if (rc)
				break;
			continue;
		}
		if (json_is_null(val))
			continue;
		f = sm_lookup(t, k);
		tb_path_field(&c->path, k);
		rc = sm_fresh(c, val, f ? f->type : NULL, depth + 1, &n);
		tb_path_pop(&c->path, mark);
		if (rc)
			break;
		if (n)
			json_object_set_new(m, k, n);
	}
	if (rc) {
		json_decref(m);
		return rc;
	}
	*out = m;
	return 0;
}

/* A patch value with nothing live under it. *out is NULL when the value is
 * dropped: a map carrying "$patch: delete". */
static int sm_fresh(struct sm *c, const json_t *v, const struct sm_type *t, int depth,
		    json_t **out)
{
	const json_t *d, *it;
	json_t *arr, *n;
	size_t i, mark = c->path.len;
	int rc = 0;

	*out = NULL;
	if (depth >= TB_PATCH_MAX_DEPTH)
		return sm_too_deep(c);
	if (json_is_object(v)) {
		d = json_object_get(v, SM_DIRECTIVE);
		if (json_is_string(d) && !strcmp(json_string_value(d), "delete"))
			return 0;
		if (d && !(json_is_string(d) && !strcmp(json_string_value(d), "replace")))
			return sm_fail(c, "unknown $patch directive \"%s\" in a map",
				       sm_directive(d));
		return sm_fresh_map(c, v, t, depth, out);
	}
	if (!json_is_array(v)) {
		*out = json_deep_copy(v);
		return 0;
	}
	arr = json_array();
	for (i = 0; i < json_array_size(v) && !rc; i++) {
		it = json_array_get(v, i);
		tb_path_index(&c->path, i);
		d = json_is_object(it) ? json_object_get(it, SM_DIRECTIVE) : NULL;
		if (d) {
			/* List-level markers: with nothing live, delete and replace are no-ops. */
			if (!json_is_string(d) || (strcmp(json_string_value(d), "delete") &&
						   strcmp(json_string_value(d), "replace")))
				rc = sm_fail(c, "unknown $patch directive \"%s\" in a list",
					     sm_directive(d));
		} else {
			rc = sm_fresh(c, it, t, depth + 1, &n);
			if (!rc && n)
				json_array_append_new(arr, n);
		}
		tb_path_pop(&c->path, mark);
	}
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

/* $deleteFromPrimitiveList/<name>: removes those values from the live list. */
static int sm_delete_list(struct sm *c, json_t *orig, const char *name, const json_t *v)
{
	json_t *o = json_object_get(orig, name), *keep;
	size_t i, j, mark = tb_path_field(&c->path, name);
	enum jkind kind;
	int rc = 0;

	if (json_is_null(v)) {
		/* Kubernetes deletes the list itself on a null deletion list. */
		json_object_del(orig, name);
		goto out;
	}
	if (!json_is_array(v)) {
		rc = sm_fail(c, SM_DELETE_PREFIX "%s must be a list", name);
		goto out;
	}
	if (!json_is_array(o) || (!json_array_size(o) && !json_array_size(v)))
		goto out;
	rc = sm_elem_kind(c, o, v, &kind);
	if (rc)
		goto out;
	if (kind == JK_OBJ) {
		rc = sm_fail(c, SM_DELETE_PREFIX "%s applies only to lists of primitives", name);
		goto out;
	}
	keep = json_array();
	for (i = 0; i < json_array_size(o); i++) {
		for (j = 0; j < json_array_size(v); j++)
			if (jv_same(json_array_get(o, i), json_array_get(v, j)))
				break;
		if (j == json_array_size(v))
			json_array_append(keep, json_array_get(o, i));
	}
	json_object_set_new(orig, name, keep);
out:
	tb_path_pop(&c->path, mark);
	return rc;
}

/* One field of a patch map (the body of mergeMap's loop). */
static int sm_field(struct sm *c, json_t *orig, const char *k, const json_t *v,
		    const struct sm_type *t, int depth)
{
	const struct sm_field *f = sm_lookup(t, k);
	const struct sm_type *ft = f ? f->type : NULL;
	json_t *o = json_object_get(orig, k), *n = NULL;
	size_t mark = tb_path_field(&c->path, k);
	int rc = 0;

	if (json_is_null(v)) {
		json_object_del(orig, k);
	} else if (!o || jkind(o) != jkind(v) || (json_is_array(v) &&
						  !(f && (f->strategy & SM_MERGE)))) {
		/* New, of another type, or a list that is replaced, not merged. */
		rc = sm_fresh(c, v, ft, depth + 1, &n);
		if (!rc && n)
			json_object_set_new(orig, k, n);
		else if (!rc)
			json_object_del(orig, k);
	} else if (json_is_object(v)) {
		n = json_incref(o);
		rc = sm_map(c, &n, v, ft, depth + 1);
		json_object_set_new(orig, k, n);
	} else if (json_is_array(v)) {
		rc = sm_list(c, o, v, f, depth + 1, &n);
		if (!rc)
			json_object_set_new(orig, k, n);
	} else {
		json_object_set_new(orig, k, json_deep_copy(v));
	}
	tb_path_pop(&c->path, mark);
	return rc;
}

/* Is "$setElementOrder/<k>" in patch? Then that directive has merged k. */
static bool sm_ordered(const json_t *patch, const char *k)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	bool found;

	tb_strbuf_adds(&sb, SM_ORDER_PREFIX);
	tb_strbuf_adds(&sb, k);
	found = json_object_get(patch, sb.buf) != NULL;
	tb_strbuf_release(&sb);
	return found;
}

/* mergeMap: *orig (owned, a map) takes patch; *orig may be replaced. */
static int sm_map(struct sm *c, json_t **orig, const json_t *patch, const struct sm_type *t,
		  int depth)
{
	const json_t *d = json_object_get(patch, SM_DIRECTIVE);
	const json_t *rk = json_object_get(patch, SM_RETAIN_KEYS);
	const char *k;
	json_t *v, *n;
	int rc = 0;

	if (depth >= TB_PATCH_MAX_DEPTH)
		return sm_too_deep(c);
	if (d) {
		if (json_is_string(d) && !strcmp(json_string_value(d), "delete")) {
			/* Kubernetes leaves an empty map, not an absent field. */
			json_decref(*orig);
			*orig = json_object();
			return 0;
		}
		if (json_is_string(d) && !strcmp(json_string_value(d), "replace")) {
			rc = sm_fresh_map(c, patch, t, depth, &n);
			if (rc)
				return rc;
			json_decref(*orig);
			*orig = n;
			return 0;
		}
		return sm_fail(c, "unknown $patch directive \"%s\" in a map", sm_directive(d));
	}
	if (rk) {
		rc = sm_retain(c, *orig, patch, rk);
		if (rc)
			return rc;
	}
	json_object_foreach((json_t *)patch, k, v) {
		if (has_prefix(k, SM_ORDER_PREFIX)) {
			rc = sm_set_order(c, *orig, patch, k, v, t, depth);
			if (rc)
				return rc;
		}
	}
	json_object_foreach((json_t *)patch, k, v) {
		if (k[0] == '$') {
			if (!strcmp(k, SM_RETAIN_KEYS) || has_prefix(k, SM_ORDER_PREFIX))
				continue;
			if (!has_prefix(k, SM_DELETE_PREFIX))
				return sm_fail(c, "unknown directive \"%s\"", k);
			rc = sm_delete_list(c, *orig, k + strlen(SM_DELETE_PREFIX), v);
		} else if (!sm_ordered(patch, k)) {
			rc = sm_field(c, *orig, k, v, t, depth);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int sm_apply(json_t **doc, const json_t *patch, const char *kind, bool fallback,
		    struct tb_err *err)
{
	const struct sm_type *t = sm_kind(kind);
	struct sm c = { err, TB_PATH_INIT };

	/* Without a table, lists cannot be merged by key; with the fallback every
	 * map merges and every list is replaced, as in a JSON merge patch. */
	if (!t && !fallback)
		return tb_error(err, TB_EUNSUPP, "strategic merge patch is not supported for "
				"kind \"%s\"; use application/merge-patch+json or "
				"application/json-patch+json", kind ? kind : "");
	if (!json_is_object(*doc))
		return tb_error(err, TB_EINVAL, "strategic merge patch: the document is not a "
				"JSON object");
	if (!json_is_object(patch))
		return tb_error(err, TB_EINVAL, "strategic merge patch: the patch is not a "
				"JSON object");
	return sm_map(&c, doc, patch, t, 0);
}

/* ---- entry point -------------------------------------------------------------- */

int tb_patch_apply(enum tb_patch_type t, const json_t *doc, const json_t *patch,
		   const char *kind, bool allow_fallback, json_t **ret, struct tb_err *err)
{
	json_t *out;
	int rc;

	if (!ret)
		return tb_error(err, TB_EINVAL, "patch: nowhere to return the result");
	*ret = NULL;
	if (!doc || !patch)
		return tb_error(err, TB_EINVAL, "patch: no document or no patch");
	out = json_deep_copy(doc);
	switch (t) {
	case TB_PATCH_MERGE:
		rc = mp_merge(&out, patch, 0, err);
		break;
	case TB_PATCH_JSON:
		rc = jp_apply(&out, patch, err);
		break;
	case TB_PATCH_STRATEGIC:
		rc = sm_apply(&out, patch, kind, allow_fallback, err);
		break;
	default:
		rc = tb_error(err, TB_EINVAL, "patch: unknown patch type %d", (int)t);
		break;
	}
	if (rc < 0) {
		json_decref(out);
		return rc;
	}
	*ret = out;
	return 0;
}
