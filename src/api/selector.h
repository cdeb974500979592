/* The query-string selectors of list and watch requests: labelSelector in
 * Kubernetes' text form (labels.Parse: `a=b,c!=d,e in (x,y),f notin (z),g,!h`)
 * turned into a LabelSelector, and fieldSelector (`metadata.name=x`), of which
 * kube-apiserver supports metadata.name and metadata.namespace for every kind,
 * and more fields for some (events: involvedObject.name, reason...). */
#ifndef TB_SELECTOR_H
#define TB_SELECTOR_H

#include <jansson.h>
#include <stdbool.h>

#include "api/meta.h"
#include "lib/err.h"

/* Parses s into sel (initialised by the caller to zero). An empty string
 * selects everything. Release sel with tb_schema_release(&tb_label_selector_schema). */
int tb_label_selector_parse(const char *s, struct tb_label_selector *sel, struct tb_err *err);

/* Reads a kind's selectable field from an object: "" when absent. */
typedef const char *(*tb_fieldsel_get_fn)(const json_t *obj, const char *label);

/* A requirement on a field other than the name and namespace. */
struct tb_fieldsel_term {
	char *label, *value;
	bool neg;
};

struct tb_fieldsel {
	/* One requirement per field; NULL = no constraint. */
	char *name, *namespace_;
	bool name_neg, namespace_neg;	/* != rather than = */
	/* The kind's other fields, all required (AND), read through get. */
	TB_VEC(struct tb_fieldsel_term) terms;
	tb_fieldsel_get_fn get;
};

#define TB_FIELDSEL_INIT { NULL, NULL, false, false, { NULL, 0 }, NULL }

/* Parses `label=value,label!=value,label==value` (values may escape '\',
 * ',' and '=' with a backslash, as fields.EscapeValue does). Only
 * metadata.name and metadata.namespace are known ... */
int tb_fieldsel_parse(const char *s, struct tb_fieldsel *fs, struct tb_err *err);
/* ... and also the labels of fields (NULL-terminated), read with get. */
int tb_fieldsel_parse_fields(const char *s, const char *const *fields, tb_fieldsel_get_fn get,
			     struct tb_fieldsel *fs, struct tb_err *err);
/* Whether the object named ns/name matches; valid only when the selector has
 * no terms of other fields (tb_fieldsel_matches_json reads those). */
bool tb_fieldsel_matches(const struct tb_fieldsel *fs, const char *ns,
			       const char *name);
/* Whether the object ns/name, json (len bytes of JSON text) matches: the
 * text is parsed only when a term needs it. */
bool tb_fieldsel_matches_json(const struct tb_fieldsel *fs, const char *ns, const char *name,
			      const char *json, size_t len);
void tb_fieldsel_release(struct tb_fieldsel *fs);

#endif
