/* Decoding manifest streams (YAML or JSON) into documents, with the same size
 * and depth limits whichever syntax the user chose. */
#include "api/codec.h"
#include "api/yaml.h"
#include "lib/mem.h"

#include <string.h>

static void docs_push(struct tb_docs *docs, json_t *j, unsigned line, long item)
{
	TB_GROW(docs->v, docs->alloc, docs->n + 1);
	docs->v[docs->n].json = j;
	docs->v[docs->n].line = line;
	docs->v[docs->n].item = item;
	docs->n++;
}

/* kubectl expands v1 List and typed lists (FooList with items) alike. */
static void push_expanded(struct tb_docs *docs, json_t *j, unsigned line)
{
	const json_t *kind = json_object_get(j, "kind");
	json_t *items = json_object_get(j, "items"), *it;
	size_t n, i;

	if (json_is_string(kind) && json_is_array(items) &&
	    (n = strlen(json_string_value(kind))) >= 4 &&
	    !strcmp(json_string_value(kind) + n - 4, "List")) {
		json_array_foreach(items, i, it)
			docs_push(docs, json_incref(it), line, (long)i);
		json_decref(j);
		return;
	}
	docs_push(docs, j, line, -1);
}

static int yaml_doc(json_t *doc, unsigned line, void *data)
{
	push_expanded(data, doc, line);
	return 0;
}

static size_t depth_of(const json_t *j, size_t limit)
{
	size_t d = 0, x, i;
	const char *k;
	json_t *v;

	if (limit == 0)
		return 1;
	if (json_is_object(j)) {
		json_object_foreach((json_t *)j, k, v)
			if ((x = depth_of(v, limit - 1)) > d)
				d = x;
		return d + 1;
	}
	if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if ((x = depth_of(v, limit - 1)) > d)
				d = x;
		return d + 1;
	}
	return 0;
}

/* Advances (*line, *at) to offset off, counting newlines once overall: a
 * stream of many documents must stay linear. */
static unsigned line_at(const char *buf, size_t off, unsigned *line, size_t *at)
{
	for (; *at < off; (*at)++)
		if (buf[*at] == '\n')
			(*line)++;
	return *line;
}

static int decode_json(const char *buf, size_t len, struct tb_docs *docs, struct tb_err *err)
{
	size_t off = 0, counted = 0;
	unsigned line, lines = 1;
	json_error_t je;
	json_t *j;

	for (;;) {
		while (off < len && strchr(" \t\r\n", buf[off]))
			off++;
		if (off == len)
			return 0;
		line = line_at(buf, off, &lines, &counted);
		j = json_loadb(buf + off, len - off,
			       JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &je);
		if (!j)
			return tb_error(err, TB_EINVAL, "line %d, column %d: %s%s",
					je.line + (int)line - 1, je.column,
					strstr(je.text, "unable to decode byte") ?
					"invalid UTF-8: " : "", je.text);
		if ((size_t)je.position > TB_MAX_DOC_BYTES) {
			json_decref(j);
			return tb_error(err, TB_ETOOBIG, "document starting at line %u is too "
					"large: more than %u bytes", line, TB_MAX_DOC_BYTES);
		}
		if (depth_of(j, TB_MAX_DEPTH + 1) > TB_MAX_DEPTH) {
			json_decref(j);
			return tb_error(err, TB_EINVAL, "document starting at line %u: nesting "
					"too deep (more than %d levels)", line, TB_MAX_DEPTH);
		}
		off += (size_t)je.position;
		if (!json_is_null(j))
			push_expanded(docs, j, line);
		else
			json_decref(j);
	}
}

int tb_codec_decode(const char *buf, size_t len, struct tb_docs *docs, struct tb_err *err)
{
	size_t i = 0;

	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
		buf += 3;
		len -= 3;
	}
	while (i < len && strchr(" \t\r\n", buf[i]))
		i++;
	if (i < len && (buf[i] == '{' || buf[i] == '['))
		return decode_json(buf, len, docs, err);
	return tb_yaml_parse(buf, len, yaml_doc, docs, err);
}

void tb_docs_release(struct tb_docs *docs)
{
	size_t i;

	for (i = 0; i < docs->n; i++)
		json_decref(docs->v[i].json);
	tb_free(docs->v);
	docs->v = NULL;
	docs->n = docs->alloc = 0;
}

static int dump_cb(const char *buf, size_t size, void *data)
{
	tb_strbuf_add(data, buf, size);
	return 0;
}

void tb_codec_emit_json(const json_t *j, struct tb_strbuf *out)
{
	json_dump_callback(j, dump_cb, out, JSON_INDENT(4) | JSON_ENCODE_ANY);
	tb_strbuf_addch(out, '\n');
}
