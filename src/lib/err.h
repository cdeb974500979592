/* Errors. One idiom everywhere: functions return 0 or a negative TB_E* code and
 * may fill a caller-owned struct tb_err with a message. Validation collects
 * Kubernetes-style field errors (path, type, bad value, detail) in a
 * struct tb_errs and formats them exactly as apimachinery's field.Error does,
 * so users see what kubectl would show them. Library code never prints. */
#ifndef TB_ERR_H
#define TB_ERR_H

#include <stddef.h>
#include <stdint.h>

#include "lib/strbuf.h"

enum {
	TB_OK = 0,
	TB_EINVAL = 1,	/* bad input: parse or validation error */
	TB_ENOENT,	/* not found */
	TB_EEXIST,	/* already exists */
	TB_ETOOBIG,	/* over a size or count cap */
	TB_EIO,		/* read/write failure */
	TB_ECONFLICT,	/* optimistic concurrency conflict */
	TB_EUNSUPP,	/* not supported (yet) */
	TB_EGONE,	/* asked for history that is no longer kept */
	_TB_E_MAX
};

const char *tb_strerror(int rc);	/* rc may be negative */

struct tb_err {
	int code;		/* negative TB_E* code, 0 when unset */
	char msg[512];
};

#define TB_ERR_INIT { 0, "" }

/* Sets err (if not NULL) and returns -code, so callers can write
 * `return tb_error(err, TB_EINVAL, "bad '%s'", x);`. */
int tb_error(struct tb_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- field paths --------------------------------------------------------- */

/* A field path built like a stack while walking an object:
 * `spec.placement.clusterTolerations[0].key`. Push returns a mark to pop to. */
struct tb_path {
	char buf[512];
	size_t len;
};

#define TB_PATH_INIT { "", 0 }

size_t tb_path_field(struct tb_path *p, const char *name);
size_t tb_path_index(struct tb_path *p, size_t i);
size_t tb_path_key(struct tb_path *p, const char *key);	/* map key: [key] */
void tb_path_pop(struct tb_path *p, size_t mark);
void tb_path_set(struct tb_path *p, const char *s);

/* ---- field errors (apimachinery field.ErrorList) -------------------------- */

enum tb_ferr_type {
	TB_FE_REQUIRED,		/* Required value */
	TB_FE_INVALID,		/* Invalid value */
	TB_FE_NOT_SUPPORTED,	/* Unsupported value */
	TB_FE_DUPLICATE,	/* Duplicate value */
	TB_FE_FORBIDDEN,	/* Forbidden */
	TB_FE_TOO_LONG,		/* Too long */
	TB_FE_TOO_MANY,		/* Too many */
	TB_FE_UNKNOWN_FIELD,	/* strict decoding: unknown field */
	_TB_FE_MAX
};

struct tb_ferr {
	enum tb_ferr_type type;
	char *field;	/* path, e.g. "spec.placement" */
	char *value;	/* bad value rendered as Go's %q / %v / JSON, or NULL */
	char *detail;	/* may be NULL */
};

struct tb_errs {
	struct tb_ferr *v;
	size_t n, alloc;
	size_t max;	/* stop collecting after this many (0 = 100) */
};

#define TB_ERRS_INIT { NULL, 0, 0, 0 }

void tb_errs_release(struct tb_errs *e);

/* The bad value: a string (quoted on output), an integer, or a preformatted
 * rendering such as a JSON document (emitted verbatim). */
void tb_errs_add(struct tb_errs *e, enum tb_ferr_type type, const char *field,
		 const char *value_raw, const char *detail_fmt, ...)
	__attribute__((format(printf, 5, 6)));
void tb_errs_required(struct tb_errs *e, const struct tb_path *p, const char *detail);
void tb_errs_invalid_str(struct tb_errs *e, const struct tb_path *p,
			 const char *value, const char *detail_fmt, ...)
	__attribute__((format(printf, 4, 5)));
void tb_errs_invalid_int(struct tb_errs *e, const struct tb_path *p,
			 int64_t value, const char *detail_fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* value_raw is emitted as is (e.g. JSON text or "true"). */
void tb_errs_invalid_raw(struct tb_errs *e, const struct tb_path *p,
			 const char *value_raw, const char *detail_fmt, ...)
	__attribute__((format(printf, 4, 5)));
void tb_errs_not_supported(struct tb_errs *e, const struct tb_path *p,
			   const char *value, const char *const *valid);
void tb_errs_duplicate(struct tb_errs *e, const struct tb_path *p,
		       const char *value_raw, const char *detail);
void tb_errs_forbidden(struct tb_errs *e, const struct tb_path *p,
		       const char *detail_fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tb_errs_too_long(struct tb_errs *e, const struct tb_path *p, size_t max);
void tb_errs_too_many(struct tb_errs *e, const struct tb_path *p, size_t n, size_t max);
void tb_errs_unknown_field(struct tb_errs *e, const struct tb_path *p,
			   const char *suggestion);

/* Formats one error as `field: Type: value: detail` (field.Error.Error()). */
void tb_ferr_format(const struct tb_ferr *fe, struct tb_strbuf *out);
/* All errors, joined by "\n" (or "; " when oneline, like ToAggregate()). */
void tb_errs_format(const struct tb_errs *e, struct tb_strbuf *out, int oneline);

#endif
