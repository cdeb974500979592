/* Manifest streams in and out: multi-document YAML or a stream of JSON values
 * (sniffed like kubectl's YAMLOrJSONDecoder), `kind: List` expanded into its
 * items; JSON printed as kubectl prints it. Pure: buffers in, buffers out. */
#ifndef TB_CODEC_H
#define TB_CODEC_H

#include <jansson.h>
#include <stddef.h>

#include "lib/err.h"
#include "lib/strbuf.h"

struct tb_doc {
	json_t *json;		/* owned */
	unsigned line;		/* 1-based line where the document starts */
	long item;		/* index inside an expanded List, or -1 */
};

struct tb_docs {
	struct tb_doc *v;
	size_t n, alloc;
};

#define TB_DOCS_INIT { NULL, 0, 0 }

/* Appends every document of buf to docs. On a syntax error returns -TB_EINVAL
 * with "line L, column C: ..." in err; documents before the error are kept. */
int tb_codec_decode(const char *buf, size_t len, struct tb_docs *docs, struct tb_err *err);
void tb_docs_release(struct tb_docs *docs);

/* `kubectl -o json` layout: 4-space indent, keys in object order, newline. */
void tb_codec_emit_json(const json_t *j, struct tb_strbuf *out);

#endif
