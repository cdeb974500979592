/* YAML <-> JSON, the way kubectl reads manifests (sigs.k8s.io/yaml over
 * go-yaml v2) and prints them (`kubectl get -o yaml`). Parsing builds jansson
 * trees with every limit enforced while parsing (depth, size, alias expansion),
 * so a hostile document costs bounded memory and time. Pure: no I/O. */
#ifndef TB_YAML_H
#define TB_YAML_H

#include <jansson.h>
#include <stddef.h>

#include "lib/err.h"
#include "lib/strbuf.h"

#define TB_MAX_DEPTH 100		/* nesting of maps and lists */
#define TB_MAX_DOC_BYTES (3u << 20)	/* one object, as kube-apiserver's 3 MiB */
#define TB_MAX_NODES 1000000		/* nodes per document after alias expansion */

/* Called once per document, in order, with a new reference the callee owns.
 * line is the 1-based line where the document starts. Return 0 to go on,
 * non-zero to stop (that value is returned by tb_yaml_parse). */
typedef int (*tb_yaml_doc_fn)(json_t *doc, unsigned line, void *data);

/* Parses a multi-document YAML stream. Empty documents (nothing, or only
 * comments, or `---` alone) are skipped; an explicit `null` document too.
 * Errors name the line and column: "line 3, column 5: found character that
 * cannot start any token" / "duplicate key \"name\" (first at line 2)". */
int tb_yaml_parse(const char *buf, size_t len, tb_yaml_doc_fn fn, void *data,
		  struct tb_err *err);

/* Appends j as block-style YAML, kubectl's layout (sequences under a key are
 * not indented, two-space indent, strings quoted only when needed). */
void tb_yaml_emit(const json_t *j, struct tb_strbuf *out);

#endif
