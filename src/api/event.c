/* core/v1 Event checks and selectable fields (event.h). Never trusts the
 * JSON: every field is type-checked before use. */
#include "api/event.h"
#include "api/schema.h"
#include "api/timefmt.h"
#include "lib/mem.h"

#include <string.h>

const char *const tb_event_field_labels[] = {
	"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
	"involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
	"involvedObject.fieldPath", "reason", "reportingComponent", "source", "type", NULL
};

static const char *str_at(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

const char *tb_event_field(const json_t *ev, const char *label)
{
	const json_t *md = json_object_get(ev, "metadata");
	const char *src;
	size_t i;

	if (!strcmp(label, "metadata.name"))
		return or_empty(str_at(md, "name"));
	if (!strcmp(label, "metadata.namespace"))
		return or_empty(str_at(md, "namespace"));
	if (!strncmp(label, "involvedObject.", 15)) {
		for (i = 0; tb_event_field_labels[i]; i++)
			if (!strcmp(tb_event_field_labels[i], label))
				return or_empty(str_at(json_object_get(ev, "involvedObject"),
						       label + 15));
		return NULL;
	}
	if (!strcmp(label, "source")) {
		/* As kube-apiserver: the old field, else the new one. */
		src = str_at(json_object_get(ev, "source"), "component");
		return src && *src ? src : or_empty(str_at(ev, "reportingComponent"));
	}
	if (!strcmp(label, "reason") || !strcmp(label, "reportingComponent") ||
	    !strcmp(label, "type"))
		return or_empty(str_at(ev, label));
	return NULL;
}

/* A string field, when present, must be one (null counts as absent). */
static const char *check_str(const json_t *o, const char *key, struct tb_path *p,
			     struct tb_errs *e)
{
	const json_t *v = json_object_get(o, key);
	size_t mark;
	char *r;

	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	mark = tb_path_field(p, key);
	r = tb_json_render(v);
	tb_errs_invalid_raw(e, p, r, "must be of type string");
	tb_free(r);
	tb_path_pop(p, mark);
	return NULL;
}

static void check_time(const json_t *o, const char *key, struct tb_path *p, struct tb_errs *e)
{
	struct tb_err err = TB_ERR_INIT;
	const char *s = check_str(o, key, p, e);
	size_t mark;
	int64_t ms;

	if (!s || tb_time_parse(s, &ms, &err) == 0)
		return;
	mark = tb_path_field(p, key);
	tb_errs_invalid_str(e, p, s, "%s", err.msg);
	tb_path_pop(p, mark);
}

static void required(struct tb_errs *e, const char *field)
{
	struct tb_path p = TB_PATH_INIT;

	tb_path_set(&p, field);
	tb_errs_required(e, &p, NULL);
}

void tb_event_validate(const json_t *ev, struct tb_errs *e)
{
	static const char *const io_fields[] = {
		"kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath",
		NULL
	};
	static const char *const str_fields[] = {
		"reason", "message", "type", "action", "reportingComponent", "reportingInstance",
		NULL
	};
	static const char *const types[] = { "Normal", "Warning", NULL };
	const json_t *io = json_object_get(ev, "involvedObject"), *v;
	const char *ns = str_at(json_object_get(ev, "metadata"), "namespace"), *ions, *s;
	struct tb_path p = TB_PATH_INIT;
	bool new_style;
	char *r;

	ns = or_empty(ns);
	if (!io || json_is_null(io)) {
		required(e, "involvedObject");
		return;
	}
	tb_path_set(&p, "involvedObject");
	if (!json_is_object(io)) {
		r = tb_json_render(io);
		tb_errs_invalid_raw(e, &p, r, "must be of type object");
		tb_free(r);
		return;
	}
	for (size_t i = 0; io_fields[i]; i++)
		check_str(io, io_fields[i], &p, e);
	ions = or_empty(str_at(io, "namespace"));
	tb_path_set(&p, "");
	for (size_t i = 0; str_fields[i]; i++)
		check_str(ev, str_fields[i], &p, e);
	check_time(ev, "firstTimestamp", &p, e);
	check_time(ev, "lastTimestamp", &p, e);
	check_time(ev, "eventTime", &p, e);
	v = json_object_get(ev, "count");
	if (v && !json_is_null(v) && !json_is_integer(v)) {
		tb_path_set(&p, "count");
		r = tb_json_render(v);
		tb_errs_invalid_raw(e, &p, r, "must be of type integer");
		tb_free(r);
	}
	v = json_object_get(ev, "source");
	if (v && !json_is_null(v) && !json_is_object(v)) {
		tb_path_set(&p, "source");
		r = tb_json_render(v);
		tb_errs_invalid_raw(e, &p, r, "must be of type object");
		tb_free(r);
	}
	/* kube-apiserver's rule: an Event lives in its object's namespace; one
	 * about a cluster-scoped object lives in "default" (or, new-style, in
	 * kube-system). */
	new_style = str_at(ev, "eventTime") != NULL;
	tb_path_set(&p, "involvedObject.namespace");
	if ((*ions && strcmp(ions, ns)) ||
	    (!*ions && *ns && strcmp(ns, "default") &&
	     !(new_style && !strcmp(ns, "kube-system"))))
		tb_errs_invalid_str(e, &p, ions, "does not match event.namespace");
	if (!new_style)
		return;
	/* A new-style Event says who reported it and what they did. */
	if (!*or_empty(str_at(ev, "reportingComponent")))
		required(e, "reportingComponent");
	if (!*or_empty(str_at(ev, "reportingInstance")))
		required(e, "reportingInstance");
	if (!*or_empty(str_at(ev, "action")))
		required(e, "action");
	if (!*or_empty(str_at(ev, "reason")))
		required(e, "reason");
	s = str_at(ev, "type");
	if (s && *s && strcmp(s, "Normal") && strcmp(s, "Warning")) {
		tb_path_set(&p, "type");
		tb_errs_not_supported(e, &p, s, types);
	}
}
