/* The three PATCH body formats kube-apiserver accepts (JSON merge patch, JSON
 * patch, strategic merge patch) as pure functions over jansson trees. They never
 * do I/O and never modify their inputs: a failed patch leaves nothing behind. */
#ifndef TB_PATCH_H
#define TB_PATCH_H

#include <stdbool.h>

#include <jansson.h>

#include "lib/err.h"

enum tb_patch_type { TB_PATCH_MERGE, TB_PATCH_JSON, TB_PATCH_STRATEGIC };

/* Nesting bound for every recursive walk over a patch (and for `test`
 * comparisons): deeper input is refused with -TB_EINVAL. */
#define TB_PATCH_MAX_DEPTH 100

/* kube-apiserver's cap on the operations in one JSON patch; more gives -TB_ETOOBIG. */
#define TB_PATCH_MAX_JSON_OPS 10000

/* Parses a Content-Type value (parameters ignored) into a patch type; -1 if not a patch type. */
int tb_patch_type_from_content_type(const char *ct);

/* Applies patch to a deep copy of doc and returns it in *ret (new reference), or
 * returns a negative TB_E* code with err->msg saying what and where (e.g.
 * "json patch operation 2 (replace): path \"/spec/replicas\" does not exist";
 * operations are counted from 0, like their index in the patch array) and
 * *ret = NULL. A failed JSON patch `test` gives -TB_ECONFLICT.
 * kind (e.g. "Deployment", "Service") selects the strategic merge keys; for a kind
 * without a table, strategic merge falls back to merge-patch semantics only when
 * allow_fallback is true, else -TB_EUNSUPP (kube-apiserver answers 415 for CRDs). */
int tb_patch_apply(enum tb_patch_type t, const json_t *doc, const json_t *patch,
		   const char *kind, bool allow_fallback, json_t **ret, struct tb_err *err);

/* True when strategic merge patch has a merge-key table for kind. */
bool tb_patch_strategic_known(const char *kind);

#endif
