/* Declarative descriptions of API types. One table per Go struct of Karmada's
 * API drives strict decoding (unknown fields, wrong types, enum values, int
 * ranges, required fields: every error with its field path), encoding back to
 * JSON in Karmada's field order, freeing, and (later) OpenAPI for kubectl.
 * The C structs stay plain so the core reads them directly. */
#ifndef TB_SCHEMA_H
#define TB_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/quantity.h"
#include "lib/err.h"

/* ---- value holders used inside API structs ---------------------------------- */

/* A Go pointer to an integer: absent differs from zero (tolerationSeconds: nil = forever). */
struct tb_optint {
	bool set;
	int64_t v;
};

/* A Go pointer to a bool. */
struct tb_optbool {
	bool set;
	bool v;
};

/* A typed array: TB_VEC(char *) names; -> names.v[i], names.n. */
#define TB_VEC(T) struct { T *v; size_t n; }
struct tb_vec_raw {
	void *v;
	size_t n;
};

struct tb_kv {
	char *key;
	char *value;
};

/* map[string]string in insertion order (labels, annotations, matchLabels). */
struct tb_strmap {
	struct tb_kv *v;
	size_t n;
};

struct tb_resentry {
	char *name;
	struct tb_quantity q;
};

/* corev1.ResourceList: resource name -> quantity. */
struct tb_reslist {
	struct tb_resentry *v;
	size_t n;
};

const char *tb_strmap_get(const struct tb_strmap *m, const char *key);
void tb_strmap_set(struct tb_strmap *m, const char *key, const char *value);
bool tb_strmap_del(struct tb_strmap *m, const char *key);
void tb_strmap_release(struct tb_strmap *m);

const struct tb_quantity *tb_reslist_get(const struct tb_reslist *l, const char *name);
void tb_reslist_set(struct tb_reslist *l, const char *name, const struct tb_quantity *q);
void tb_reslist_release(struct tb_reslist *l);

/* Appends a copy of s to a TB_VEC(char *). */
void tb_strvec_push(void *vec, const char *s);
bool tb_strvec_has(const void *vec, const char *s);

/* ---- descriptors ------------------------------------------------------------- */

enum tb_ftype {
	TB_FT_STRING,	/* char *, NULL when absent */
	TB_FT_BOOL,	/* bool, false when absent */
	TB_FT_OPTBOOL,	/* struct tb_optbool */
	TB_FT_INT,	/* int64_t, 0 when absent */
	TB_FT_OPTINT,	/* struct tb_optint */
	TB_FT_TIME,	/* int64_t ms since epoch, 0 when absent */
	TB_FT_QUANTITY,	/* struct tb_quantity (always present where used) */
	TB_FT_OBJECT,	/* embedded struct, or pointer with TB_FF_PTR */
	TB_FT_STRMAP,	/* struct tb_strmap */
	TB_FT_RESLIST,	/* struct tb_reslist */
	TB_FT_RAW,	/* json_t *: kept as JSON (embedded manifests, status) */
};

enum {
	TB_FF_ARRAY = 1 << 0,	 /* a TB_VEC of the type */
	TB_FF_PTR = 1 << 1,	 /* TB_FT_OBJECT held by pointer; NULL = absent */
	TB_FF_REQUIRED = 1 << 2, /* must be present (and non-empty for strings) */
	TB_FF_KEEPZERO = 1 << 3, /* encode even when zero/false/empty */
	TB_FF_INT32 = 1 << 4,	 /* must fit int32 */
	TB_FF_MIN = 1 << 5,	 /* enforce .min */
	TB_FF_MAX = 1 << 6,	 /* enforce .max */
	TB_FF_INLINE = 1 << 7,	 /* embedded struct whose fields sit at this level */
	TB_FF_OBJONLY = 1 << 8,	 /* TB_FT_RAW that must be a JSON object */
};

struct tb_schema;

struct tb_field {
	const char *name;		/* JSON name */
	enum tb_ftype type;
	unsigned flags;
	size_t off;			/* offsetof() in the parent struct */
	const struct tb_schema *sub;	/* TB_FT_OBJECT */
	const char *const *enums;	/* allowed strings, NULL-terminated */
	int64_t min, max;
	const char *doc;		/* one line, for explain/OpenAPI */
};

struct tb_schema {
	const char *name;		/* Go type name, e.g. "Placement" */
	size_t size;
	const struct tb_field *fields;	/* ends with a { NULL } entry */
	const char *doc;
};

#define TB_F(json, ft, fl, T, m, ...) \
	{ .name = (json), .type = (ft), .flags = (fl), .off = offsetof(T, m), __VA_ARGS__ }
#define TB_F_END { .name = NULL }

/* ---- operations -------------------------------------------------------------- */

struct tb_decode_opts {
	bool allow_unknown;	/* ignore unknown fields instead of erroring */
};

/* Decodes j into out (size schema->size, zeroed by the caller or by
 * tb_schema_new). Every problem goes to errs with its path (p is the path of
 * j; use TB_PATH_INIT for a top-level object). Returns 0 if no error was added,
 * -TB_EINVAL otherwise; out then holds what could be decoded and must still be
 * released with tb_schema_release. */
int tb_schema_decode(const struct tb_schema *s, const json_t *j, void *out,
		     struct tb_path *p, struct tb_errs *errs,
		     const struct tb_decode_opts *opts);

/* Encodes obj as a new JSON object, fields in schema order. */
json_t *tb_schema_encode(const struct tb_schema *s, const void *obj);

void *tb_schema_new(const struct tb_schema *s);
void tb_schema_release(const struct tb_schema *s, void *obj);
void tb_schema_free(const struct tb_schema *s, void *obj);	/* release + free */
/* Deep copy of src into dst (dst uninitialised). */
void tb_schema_copy(const struct tb_schema *s, void *dst, const void *src);

/* A quantity from JSON: a string ("500m"), or a number as Kubernetes accepts. */
int tb_json_quantity(const json_t *j, struct tb_quantity *q, struct tb_err *err);

/* Renders a JSON value for an error message: strings quoted, others compact
 * JSON, long values cut with "...". Caller frees. */
char *tb_json_render(const json_t *j);
const char *tb_json_type_name(const json_t *j);

#endif
