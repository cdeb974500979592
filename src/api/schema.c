/* The descriptor engine: strict decode, encode, release and copy of API
 * structs from their field tables (schema.h). It knows nothing of any kind;
 * semantic checks (Karmada's webhooks) live with each kind. */
#include "api/schema.h"
#include "api/timefmt.h"
#include "lib/mem.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#define FIELD_PTR(obj, f) ((void *)((char *)(obj) + (f)->off))
#define FIELD_CPTR(obj, f) ((const void *)((const char *)(obj) + (f)->off))

/* ---- small containers ------------------------------------------------------------ */

const char *tb_strmap_get(const struct tb_strmap *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].key, key))
			return m->v[i].value;
	return NULL;
}

void tb_strmap_set(struct tb_strmap *m, const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (!strcmp(m->v[i].key, key)) {
			tb_free(m->v[i].value);
			m->v[i].value = tb_strdup(value);
			return;
		}
	}
	m->v = tb_realloc(m->v, (m->n + 1) * sizeof(*m->v));
	m->v[m->n].key = tb_strdup(key);
	m->v[m->n].value = tb_strdup(value);
	m->n++;
}

bool tb_strmap_del(struct tb_strmap *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (!strcmp(m->v[i].key, key)) {
			tb_free(m->v[i].key);
			tb_free(m->v[i].value);
			memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof(*m->v));
			m->n--;
			return true;
		}
	}
	return false;
}

void tb_strmap_release(struct tb_strmap *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		tb_free(m->v[i].key);
		tb_free(m->v[i].value);
	}
	tb_free(m->v);
	m->v = NULL;
	m->n = 0;
}

const struct tb_quantity *tb_reslist_get(const struct tb_reslist *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i].q;
	return NULL;
}

void tb_reslist_set(struct tb_reslist *l, const char *name, const struct tb_quantity *q)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (!strcmp(l->v[i].name, name)) {
			l->v[i].q = *q;
			return;
		}
	}
	l->v = tb_realloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n].name = tb_strdup(name);
	l->v[l->n].q = *q;
	l->n++;
}

void tb_reslist_release(struct tb_reslist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		tb_free(l->v[i].name);
	tb_free(l->v);
	l->v = NULL;
	l->n = 0;
}

void tb_strvec_push(void *vec, const char *s)
{
	struct tb_vec_raw *v = vec;
	char **items = v->v;

	items = tb_realloc(items, (v->n + 1) * sizeof(char *));
	items[v->n++] = tb_strdup(s);
	v->v = items;
}

bool tb_strvec_has(const void *vec, const char *s)
{
	const struct tb_vec_raw *v = vec;
	char *const *items = v->v;
	size_t i;

	for (i = 0; i < v->n; i++)
		if (!strcmp(items[i], s))
			return true;
	return false;
}

/* ---- rendering values in messages -------------------------------------------------- */

const char *tb_json_type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "integer";
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	default: return "null";
	}
}

char *tb_json_render(const json_t *j)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	char *s;

	if (json_is_string(j)) {
		tb_strbuf_addquoted(&sb, json_string_value(j));
	} else {
		s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
		tb_strbuf_adds(&sb, s ? s : "?");
		free(s);
	}
	if (sb.len > 200) {
		tb_strbuf_setlen(&sb, 197);
		tb_strbuf_adds(&sb, "...");
	}
	return tb_strbuf_detach(&sb, NULL);
}

static void type_error(struct tb_errs *errs, const struct tb_path *p,
		       const json_t *j, const char *want)
{
	char *v = tb_json_render(j);

	tb_errs_invalid_raw(errs, p, v, "must be of type %s", want);
	tb_free(v);
}

/* ---- unknown-field suggestions --------------------------------------------------- */

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64], prev, tmp;

	if (lb >= 64 || la >= 64)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = (a[i - 1] == b[j - 1]) ? prev : 1 + (prev < row[j - 1] ?
					(prev < row[j] ? prev : row[j]) :
					(row[j - 1] < row[j] ? row[j - 1] : row[j]));
			prev = tmp;
		}
	}
	return row[lb];
}

static void suggest(const struct tb_schema *s, const char *key,
		    const char **best, size_t *best_d)
{
	const struct tb_field *f;
	size_t d;

	for (f = s->fields; f->name; f++) {
		if (f->flags & TB_FF_INLINE) {
			suggest(f->sub, key, best, best_d);
			continue;
		}
		d = strcasecmp(f->name, key) ? edit_distance(f->name, key) : 0;
		if (d < *best_d) {
			*best_d = d;
			*best = f->name;
		}
	}
}

static const struct tb_field *find_field(const struct tb_schema *s, const char *key,
					 size_t *ret_off)
{
	const struct tb_field *f, *g;
	size_t off;

	for (f = s->fields; f->name; f++) {
		if (f->flags & TB_FF_INLINE) {
			g = find_field(f->sub, key, &off);
			if (g) {
				*ret_off = f->off + off;
				return g;
			}
		} else if (!strcmp(f->name, key)) {
			*ret_off = 0;
			return f;
		}
	}
	return NULL;
}

/* ---- decode ------------------------------------------------------------------------ */

static int decode_object(const struct tb_schema *s, const json_t *j, void *out,
			 struct tb_path *p, struct tb_errs *errs,
			 const struct tb_decode_opts *opts);

static void decode_int(const struct tb_field *f, const json_t *j, int64_t *out,
		       bool *set, struct tb_path *p, struct tb_errs *errs)
{
	int64_t v;

	if (!json_is_integer(j)) {
		type_error(errs, p, j, "integer");
		return;
	}
	v = json_integer_value(j);
	if ((f->flags & TB_FF_INT32) && (v < INT32_MIN || v > INT32_MAX)) {
		tb_errs_invalid_int(errs, p, v, "must fit in a 32-bit signed integer");
		return;
	}
	if ((f->flags & TB_FF_MIN) && v < f->min) {
		tb_errs_invalid_int(errs, p, v, "must be greater than or equal to %" PRId64,
				    f->min);
		return;
	}
	if ((f->flags & TB_FF_MAX) && v > f->max) {
		tb_errs_invalid_int(errs, p, v, "must be less than or equal to %" PRId64,
				    f->max);
		return;
	}
	*out = v;
	if (set)
		*set = true;
}

int tb_json_quantity(const json_t *j, struct tb_quantity *q, struct tb_err *err)
{
	char buf[64];

	if (json_is_string(j))
		return tb_quantity_parse(json_string_value(j), q, err);
	if (json_is_integer(j)) {
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(j));
		return tb_quantity_parse(buf, q, err);
	}
	if (json_is_real(j) && isfinite(json_real_value(j))) {
		snprintf(buf, sizeof(buf), "%.17g", json_real_value(j));
		return tb_quantity_parse(buf, q, err);
	}
	return tb_error(err, TB_EINVAL, "must be of type string or number (a quantity such "
			"as \"500m\" or \"2Gi\")");
}

static void decode_quantity(const json_t *j, struct tb_quantity *q,
			    struct tb_path *p, struct tb_errs *errs)
{
	struct tb_err err = TB_ERR_INIT;
	char *v;

	if (tb_json_quantity(j, q, &err) < 0) {
		v = tb_json_render(j);
		tb_errs_invalid_raw(errs, p, v, "%s", err.msg);
		tb_free(v);
	}
}

static void decode_scalar(const struct tb_field *f, const json_t *j, void *dst,
			  struct tb_path *p, struct tb_errs *errs,
			  const struct tb_decode_opts *opts)
{
	struct tb_err err = TB_ERR_INIT;
	const char *str;
	size_t i, mark;
	const char *k;
	json_t *v;

	switch (f->type) {
	case TB_FT_STRING:
		if (!json_is_string(j)) {
			type_error(errs, p, j, "string");
			return;
		}
		str = json_string_value(j);
		if (f->enums) {
			for (i = 0; f->enums[i]; i++)
				if (!strcmp(f->enums[i], str))
					break;
			if (!f->enums[i]) {
				tb_errs_not_supported(errs, p, str, f->enums);
				return;
			}
		}
		*(char **)dst = tb_strdup(str);
		break;
	case TB_FT_BOOL:
	case TB_FT_OPTBOOL:
		if (!json_is_boolean(j)) {
			type_error(errs, p, j, "boolean");
			return;
		}
		if (f->type == TB_FT_BOOL) {
			*(bool *)dst = json_is_true(j);
		} else {
			((struct tb_optbool *)dst)->set = true;
			((struct tb_optbool *)dst)->v = json_is_true(j);
		}
		break;
	case TB_FT_INT:
		decode_int(f, j, dst, NULL, p, errs);
		break;
	case TB_FT_OPTINT:
		decode_int(f, j, &((struct tb_optint *)dst)->v,
			   &((struct tb_optint *)dst)->set, p, errs);
		break;
	case TB_FT_TIME:
		if (!json_is_string(j)) {
			type_error(errs, p, j, "string (an RFC 3339 time)");
			return;
		}
		if (tb_time_parse(json_string_value(j), dst, &err) < 0)
			tb_errs_invalid_str(errs, p, json_string_value(j), "%s", err.msg);
		break;
	case TB_FT_QUANTITY:
		decode_quantity(j, dst, p, errs);
		break;
	case TB_FT_OBJECT:
		if (f->flags & TB_FF_PTR) {
			void *sub = tb_schema_new(f->sub);
			*(void **)dst = sub;
			decode_object(f->sub, j, sub, p, errs, opts);
		} else {
			decode_object(f->sub, j, dst, p, errs, opts);
		}
		break;
	case TB_FT_STRMAP: {
		struct tb_strmap *m = dst;

		if (!json_is_object(j)) {
			type_error(errs, p, j, "object (a map of strings)");
			return;
		}
		json_object_foreach((json_t *)j, k, v) {
			if (json_is_null(v))
				continue;
			if (!json_is_string(v)) {
				mark = tb_path_key(p, k);
				type_error(errs, p, v, "string");
				tb_path_pop(p, mark);
				continue;
			}
			tb_strmap_set(m, k, json_string_value(v));
		}
		break;
	}
	case TB_FT_RESLIST: {
		struct tb_reslist *l = dst;
		struct tb_quantity q;

		if (!json_is_object(j)) {
			type_error(errs, p, j, "object (resource name to quantity)");
			return;
		}
		json_object_foreach((json_t *)j, k, v) {
			if (json_is_null(v))
				continue;
			mark = tb_path_key(p, k);
			memset(&q, 0, sizeof(q));
			i = errs->n;
			decode_quantity(v, &q, p, errs);
			if (errs->n == i)
				tb_reslist_set(l, k, &q);
			tb_path_pop(p, mark);
		}
		break;
	}
	case TB_FT_RAW:
		if ((f->flags & TB_FF_OBJONLY) && !json_is_object(j)) {
			type_error(errs, p, j, "object");
			return;
		}
		*(json_t **)dst = json_deep_copy(j);
		break;
	}
}

static size_t elem_size(const struct tb_field *f)
{
	switch (f->type) {
	case TB_FT_STRING: return sizeof(char *);
	case TB_FT_BOOL: return sizeof(bool);
	case TB_FT_OPTBOOL: return sizeof(struct tb_optbool);
	case TB_FT_INT:
	case TB_FT_TIME: return sizeof(int64_t);
	case TB_FT_OPTINT: return sizeof(struct tb_optint);
	case TB_FT_QUANTITY: return sizeof(struct tb_quantity);
	case TB_FT_OBJECT: return (f->flags & TB_FF_PTR) ? sizeof(void *) : f->sub->size;
	case TB_FT_STRMAP: return sizeof(struct tb_strmap);
	case TB_FT_RESLIST: return sizeof(struct tb_reslist);
	case TB_FT_RAW: return sizeof(json_t *);
	}
	return 0;
}

static void decode_field(const struct tb_field *f, const json_t *j, void *dst,
			 struct tb_path *p, struct tb_errs *errs,
			 const struct tb_decode_opts *opts)
{
	struct tb_vec_raw *vec = dst;
	size_t es, i, mark;
	json_t *item;

	if (!(f->flags & TB_FF_ARRAY)) {
		decode_scalar(f, j, dst, p, errs, opts);
		return;
	}
	if (!json_is_array(j)) {
		type_error(errs, p, j, "array");
		return;
	}
	es = elem_size(f);
	vec->n = 0;
	vec->v = tb_calloc(json_array_size(j) ? json_array_size(j) : 1, es);
	json_array_foreach(j, i, item) {
		mark = tb_path_index(p, i);
		if (json_is_null(item) && f->type != TB_FT_RAW) {
			type_error(errs, p, item, f->type == TB_FT_OBJECT ? "object" :
				   f->type == TB_FT_STRING ? "string" : "a value");
		} else {
			decode_scalar(f, item, (char *)vec->v + vec->n * es, p, errs, opts);
		}
		/* A string element that failed to decode becomes "", never NULL:
		 * the error is reported, and later passes need not check holes. */
		if (f->type == TB_FT_STRING && !((char **)vec->v)[vec->n])
			((char **)vec->v)[vec->n] = tb_strdup("");
		/* Keep every element, decoded or not, so indexes stay aligned
		 * with the input and release() sees zeroed holes. */
		vec->n++;
		tb_path_pop(p, mark);
	}
}

/* Required means present and not null; for a string, also not empty: an
 * empty apiVersion or fromCluster is as useless as a missing one. */
static void check_required(const struct tb_schema *s, const json_t *j,
			   struct tb_path *p, struct tb_errs *errs)
{
	const struct tb_field *f;
	size_t mark;
	json_t *v;

	for (f = s->fields; f->name; f++) {
		if (f->flags & TB_FF_INLINE) {
			check_required(f->sub, j, p, errs);
			continue;
		}
		if (!(f->flags & TB_FF_REQUIRED))
			continue;
		v = json_object_get(j, f->name);
		if (!v || json_is_null(v) ||
		    (f->type == TB_FT_STRING && !(f->flags & TB_FF_ARRAY) &&
		     json_is_string(v) && !*json_string_value(v))) {
			mark = tb_path_field(p, f->name);
			tb_errs_required(errs, p, NULL);
			tb_path_pop(p, mark);
		}
	}
}

static int decode_object(const struct tb_schema *s, const json_t *j, void *out,
			 struct tb_path *p, struct tb_errs *errs,
			 const struct tb_decode_opts *opts)
{
	size_t before = errs->n, mark, off, d;
	const struct tb_field *f;
	const char *key, *best;
	json_t *v;

	if (!json_is_object(j)) {
		type_error(errs, p, j, "object");
		return -TB_EINVAL;
	}
	json_object_foreach((json_t *)j, key, v) {
		f = find_field(s, key, &off);
		mark = tb_path_field(p, key);
		if (!f) {
			if (!opts || !opts->allow_unknown) {
				best = NULL;
				d = 3;
				suggest(s, key, &best, &d);
				tb_errs_unknown_field(errs, p, best);
			}
		} else if (!json_is_null(v)) {
			decode_field(f, v, (char *)out + off + f->off, p, errs, opts);
		}
		tb_path_pop(p, mark);
	}
	check_required(s, j, p, errs);
	return errs->n == before ? 0 : -TB_EINVAL;
}

int tb_schema_decode(const struct tb_schema *s, const json_t *j, void *out,
		     struct tb_path *p, struct tb_errs *errs,
		     const struct tb_decode_opts *opts)
{
	return decode_object(s, j, out, p, errs, opts);
}

/* ---- encode ------------------------------------------------------------------------ */

static bool field_present(const struct tb_field *f, const void *obj)
{
	const void *v = FIELD_CPTR(obj, f);

	if (f->flags & TB_FF_ARRAY)
		return ((const struct tb_vec_raw *)v)->n > 0;
	switch (f->type) {
	case TB_FT_STRING: return *(char *const *)v != NULL;
	case TB_FT_BOOL: return *(const bool *)v;
	case TB_FT_OPTBOOL: return ((const struct tb_optbool *)v)->set;
	case TB_FT_INT:
	case TB_FT_TIME: return *(const int64_t *)v != 0;
	case TB_FT_OPTINT: return ((const struct tb_optint *)v)->set;
	case TB_FT_QUANTITY: return true;
	case TB_FT_OBJECT:
		return (f->flags & TB_FF_PTR) ? *(void *const *)v != NULL : true;
	case TB_FT_STRMAP: return ((const struct tb_strmap *)v)->n > 0;
	case TB_FT_RESLIST: return ((const struct tb_reslist *)v)->n > 0;
	case TB_FT_RAW: return *(json_t *const *)v != NULL;
	}
	return false;
}

static void encode_into(const struct tb_schema *s, const void *obj, json_t *out);

static json_t *encode_scalar(const struct tb_field *f, const void *v)
{
	char buf[TB_TIME_BUFSZ > TB_QUANTITY_BUFSZ ? TB_TIME_BUFSZ : TB_QUANTITY_BUFSZ];
	json_t *o;
	size_t i;

	switch (f->type) {
	case TB_FT_STRING: {
		const char *s = *(char *const *)v;
		return json_string(s ? s : "");
	}
	case TB_FT_BOOL: return json_boolean(*(const bool *)v);
	case TB_FT_OPTBOOL: return json_boolean(((const struct tb_optbool *)v)->v);
	case TB_FT_INT: return json_integer(*(const int64_t *)v);
	case TB_FT_OPTINT: return json_integer(((const struct tb_optint *)v)->v);
	case TB_FT_TIME: return json_string(tb_time_format(*(const int64_t *)v, buf));
	case TB_FT_QUANTITY: return json_string(tb_quantity_format(v, buf));
	case TB_FT_OBJECT:
		if (f->flags & TB_FF_PTR)
			v = *(void *const *)v;
		o = json_object();
		if (v)
			encode_into(f->sub, v, o);
		return o;
	case TB_FT_STRMAP: {
		const struct tb_strmap *m = v;
		o = json_object();
		for (i = 0; i < m->n; i++)
			json_object_set_new(o, m->v[i].key, json_string(m->v[i].value));
		return o;
	}
	case TB_FT_RESLIST: {
		const struct tb_reslist *l = v;
		o = json_object();
		for (i = 0; i < l->n; i++)
			json_object_set_new(o, l->v[i].name,
					    json_string(tb_quantity_format(&l->v[i].q, buf)));
		return o;
	}
	case TB_FT_RAW: {
		json_t *r = *(json_t *const *)v;
		return r ? json_deep_copy(r) : json_null();
	}
	}
	return json_null();
}

static void encode_into(const struct tb_schema *s, const void *obj, json_t *out)
{
	const struct tb_field *f;
	const struct tb_vec_raw *vec;
	json_t *arr, *val;
	size_t i, es;

	for (f = s->fields; f->name; f++) {
		const void *v = FIELD_CPTR(obj, f);

		if (f->flags & TB_FF_INLINE) {
			encode_into(f->sub, v, out);
			continue;
		}
		if (!field_present(f, obj) && !(f->flags & TB_FF_KEEPZERO))
			continue;
		if (f->flags & TB_FF_ARRAY) {
			vec = v;
			es = elem_size(f);
			arr = json_array();
			for (i = 0; i < vec->n; i++)
				json_array_append_new(arr, encode_scalar(f,
						(const char *)vec->v + i * es));
			json_object_set_new(out, f->name, arr);
			continue;
		}
		val = encode_scalar(f, v);
		/* Embedded (non-pointer) structs are omitted when empty, as an
		 * absent Go struct would be if it had omitempty semantics. */
		if (f->type == TB_FT_OBJECT && !(f->flags & (TB_FF_PTR | TB_FF_KEEPZERO)) &&
		    json_object_size(val) == 0) {
			json_decref(val);
			continue;
		}
		json_object_set_new(out, f->name, val);
	}
}

json_t *tb_schema_encode(const struct tb_schema *s, const void *obj)
{
	json_t *o = json_object();

	encode_into(s, obj, o);
	return o;
}

/* ---- lifecycle ---------------------------------------------------------------------- */

void *tb_schema_new(const struct tb_schema *s)
{
	return tb_calloc(1, s->size);
}

static void release_scalar(const struct tb_field *f, void *v)
{
	switch (f->type) {
	case TB_FT_STRING:
		tb_free(*(char **)v);
		*(char **)v = NULL;
		break;
	case TB_FT_OBJECT:
		if (f->flags & TB_FF_PTR) {
			if (*(void **)v)
				tb_schema_free(f->sub, *(void **)v);
			*(void **)v = NULL;
		} else {
			tb_schema_release(f->sub, v);
		}
		break;
	case TB_FT_STRMAP:
		tb_strmap_release(v);
		break;
	case TB_FT_RESLIST:
		tb_reslist_release(v);
		break;
	case TB_FT_RAW:
		json_decref(*(json_t **)v);
		*(json_t **)v = NULL;
		break;
	default:
		break;
	}
}

void tb_schema_release(const struct tb_schema *s, void *obj)
{
	const struct tb_field *f;
	struct tb_vec_raw *vec;
	size_t i, es;

	if (!obj)
		return;
	for (f = s->fields; f->name; f++) {
		void *v = FIELD_PTR(obj, f);

		if (f->flags & TB_FF_ARRAY) {
			vec = v;
			es = elem_size(f);
			for (i = 0; i < vec->n; i++)
				release_scalar(f, (char *)vec->v + i * es);
			tb_free(vec->v);
			vec->v = NULL;
			vec->n = 0;
		} else {
			release_scalar(f, v);
		}
	}
}

void tb_schema_free(const struct tb_schema *s, void *obj)
{
	if (!obj)
		return;
	tb_schema_release(s, obj);
	tb_free(obj);
}

static void copy_scalar(const struct tb_field *f, void *dst, const void *src)
{
	size_t i;

	switch (f->type) {
	case TB_FT_STRING: {
		const char *s = *(char *const *)src;
		*(char **)dst = s ? tb_strdup(s) : NULL;
		break;
	}
	case TB_FT_OBJECT:
		if (f->flags & TB_FF_PTR) {
			const void *s = *(void *const *)src;
			void *d = NULL;
			if (s) {
				d = tb_schema_new(f->sub);
				tb_schema_copy(f->sub, d, s);
			}
			*(void **)dst = d;
		} else {
			tb_schema_copy(f->sub, dst, src);
		}
		break;
	case TB_FT_STRMAP: {
		const struct tb_strmap *s = src;
		struct tb_strmap *d = dst;
		memset(d, 0, sizeof(*d));
		for (i = 0; i < s->n; i++)
			tb_strmap_set(d, s->v[i].key, s->v[i].value);
		break;
	}
	case TB_FT_RESLIST: {
		const struct tb_reslist *s = src;
		struct tb_reslist *d = dst;
		memset(d, 0, sizeof(*d));
		for (i = 0; i < s->n; i++)
			tb_reslist_set(d, s->v[i].name, &s->v[i].q);
		break;
	}
	case TB_FT_RAW: {
		json_t *r = *(json_t *const *)src;
		*(json_t **)dst = r ? json_deep_copy(r) : NULL;
		break;
	}
	default:
		memcpy(dst, src, elem_size(f));
	}
}

void tb_schema_copy(const struct tb_schema *s, void *dst, const void *src)
{
	const struct tb_field *f;
	const struct tb_vec_raw *sv;
	struct tb_vec_raw *dv;
	size_t i, es;

	memcpy(dst, src, s->size);
	for (f = s->fields; f->name; f++) {
		if (f->flags & TB_FF_ARRAY) {
			sv = FIELD_CPTR(src, f);
			dv = FIELD_PTR(dst, f);
			es = elem_size(f);
			dv->v = tb_calloc(sv->n ? sv->n : 1, es);
			for (i = 0; i < sv->n; i++)
				copy_scalar(f, (char *)dv->v + i * es,
					    (const char *)sv->v + i * es);
		} else {
			copy_scalar(f, FIELD_PTR(dst, f), FIELD_CPTR(src, f));
		}
	}
}
