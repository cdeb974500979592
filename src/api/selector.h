/* The query-string selectors of list and watch requests: labelSelector in
 * Kubernetes' text form (labels.Parse: `a=b,c!=d,e in (x,y),f notin (z),g,!h`)
 * turned into a LabelSelector, and fieldSelector (`metadata.name=x`), of which
 * kube-apiserver supports metadata.name and metadata.namespace for every kind. */
#ifndef TB_SELECTOR_H
#define TB_SELECTOR_H

#include <stdbool.h>

#include "api/meta.h"
#include "lib/err.h"

/* Parses s into sel (initialised by the caller to zero). An empty string
 * selects everything. Release sel with tb_schema_release(&tb_label_selector_schema). */
int tb_label_selector_parse(const char *s, struct tb_label_selector *sel, struct tb_err *err);

struct tb_fieldsel {
	/* One requirement per field; NULL = no constraint. */
	char *name, *namespace_;
	bool name_neg, namespace_neg;	/* != rather than = */
};

#define TB_FIELDSEL_INIT { NULL, NULL, false, false }

int tb_fieldsel_parse(const char *s, struct tb_fieldsel *fs, struct tb_err *err);
bool tb_fieldsel_matches(const struct tb_fieldsel *fs, const char *ns,
			       const char *name);
void tb_fieldsel_release(struct tb_fieldsel *fs);

#endif
