/* OpenAPI v3 documents, one per group-version, generated from the schema
 * descriptors of src/api (the same tables that drive strict decoding), so
 * `kubectl explain` shows the fields Tugboat really accepts and `kubectl
 * apply` finds what it needs to hand validation to the server:
 * x-kubernetes-group-version-kind on operations and schemas, and the
 * fieldValidation query parameter on PATCH. Each Go struct becomes a named
 * schema referenced with $ref (wrapped in allOf when the field has its own
 * description, as kube-apiserver does), so documents stay small and every
 * reference resolves within its own document. */
#include "server/apidoc.h"
#include "api/meta.h"
#include "lib/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define META "io.k8s.apimachinery.pkg.apis.meta.v1."
#define CORE "io.k8s.api.core.v1."
#define REF "#/components/schemas/"
#define MAX_GVS 16
#define NAME_MAX_LEN 256
#define PREFIX_MAX_LEN 128

struct oa_type {
	const struct tb_schema *schema;
	char *name;
};

/* One document being built. */
struct oa {
	char prefix[PREFIX_MAX_LEN];	/* "io.karmada.policy.v1alpha1." */
	json_t *schemas;		/* components.schemas */
	struct oa_type *types;		/* struct schemas already named */
	size_t n, alloc;
};

static const char *const apiversion_doc =
	"The group and version of the object's schema, e.g. policy.karmada.io/v1alpha1.";
static const char *const kind_doc =
	"The object's type, e.g. PropagationPolicy; fixed by the URL it is sent to.";
static const char *const metadata_doc =
	"Name, namespace, labels, annotations and the fields the server sets (uid, "
	"resourceVersion, generation, creationTimestamp).";

/* ---- schema names -------------------------------------------------------------------- */

/* Types of k8s.io/apimachinery's meta/v1, known by name: two of them are
 * private to src/api/meta.c. No Karmada type in Tugboat uses these names. */
static const char *const meta_types[] = {
	"ObjectMeta", "OwnerReference", "LabelSelector", "LabelSelectorRequirement", "Condition",
	NULL
};

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* "io.karmada.policy.v1alpha1." for policy.karmada.io/v1alpha1 (the name
 * kube-apiserver gives CRD schemas), "io.k8s.api.apps.v1." for apps/v1 and
 * "io.k8s.api.core.v1." for the core group. */
static void gv_prefix(const struct tb_kind *k, char *buf, size_t n)
{
	const char *g = k->group, *end = g + strlen(g), *dot;
	size_t len = 0;

	if (!strchr(g, '.')) {
		snprintf(buf, n, "io.k8s.api.%s.%s.", *g ? g : "core", k->version);
		return;
	}
	buf[0] = '\0';
	while (end > g && len < n) {
		for (dot = end; dot > g && dot[-1] != '.'; dot--)
			;
		len += (size_t)snprintf(buf + len, n - len, "%.*s.", (int)(end - dot), dot);
		end = dot > g ? dot - 1 : g;
	}
	if (len < n)
		snprintf(buf + len, n - len, "%s.", k->version);
}

static json_t *ref(const char *name)
{
	char buf[NAME_MAX_LEN + sizeof(REF)];

	snprintf(buf, sizeof(buf), REF "%s", name);
	return json_pack("{s:s}", "$ref", buf);
}

static json_t *object_schema(struct oa *o, const struct tb_schema *s, bool top);

/* The component name of struct schema s, generating the component the first
 * time. Two different structs may share a Go name (Karmada has Taint and
 * Suspension in more than one package): later ones get a number. */
static const char *type_ref(struct oa *o, const struct tb_schema *s)
{
	char name[NAME_MAX_LEN];
	size_t i, len, dup = 1;

	for (i = 0; i < o->n; i++)
		if (o->types[i].schema == s)
			return o->types[i].name;
	if (s == &tb_toleration_schema || s == &tb_taint_schema ||
	    s == &tb_node_selector_req_schema)
		snprintf(name, sizeof(name), CORE "%s", s->name);
	else if (in_list(meta_types, s->name))
		snprintf(name, sizeof(name), META "%s", s->name);
	else
		snprintf(name, sizeof(name), "%s%s", o->prefix, s->name);
	len = strlen(name);
	while (json_object_get(o->schemas, name) && len + 8 < sizeof(name))
		snprintf(name + len, sizeof(name) - len, "%zu", ++dup);
	TB_GROW(o->types, o->alloc, o->n + 1);
	i = o->n++;
	o->types[i].schema = s;
	o->types[i].name = tb_strdup(name);
	/* Claim the name before descending: a type may refer to itself. */
	json_object_set_new(o->schemas, name, json_object());
	json_object_set_new(o->schemas, name, object_schema(o, s, false));
	return o->types[i].name;
}

/* ---- schemas from descriptors -------------------------------------------------------- */

static json_t *quantity(void)
{
	return json_pack("{s:[{s:s}, {s:s}], s:b}", "anyOf", "type", "integer", "type", "string",
			 "x-kubernetes-int-or-string", 1);
}

static json_t *string_map(void)
{
	return json_pack("{s:s, s:{s:s}}", "type", "object", "additionalProperties",
			 "type", "string");
}

static json_t *preserve(const char *type, const char *doc)
{
	json_t *j = json_pack("{s:b}", "x-kubernetes-preserve-unknown-fields", 1);

	if (type)
		json_object_set_new(j, "type", json_string(type));
	if (doc)
		json_object_set_new(j, "description", json_string(doc));
	return j;
}

/* The schema of one value of field f (an array element for arrays). */
static json_t *value_schema(struct oa *o, const struct tb_field *f)
{
	const char *const *e;
	json_t *j;

	switch (f->type) {
	case TB_FT_STRING:
		j = json_pack("{s:s}", "type", "string");
		if (f->enums) {
			json_object_set_new(j, "enum", json_array());
			for (e = f->enums; *e; e++)
				json_array_append_new(json_object_get(j, "enum"), json_string(*e));
		}
		return j;
	case TB_FT_BOOL:
	case TB_FT_OPTBOOL:
		return json_pack("{s:s}", "type", "boolean");
	case TB_FT_INT:
	case TB_FT_OPTINT:
		j = json_pack("{s:s, s:s}", "type", "integer",
			      "format", (f->flags & TB_FF_INT32) ? "int32" : "int64");
		if (f->flags & TB_FF_MIN)
			json_object_set_new(j, "minimum", json_integer(f->min));
		if (f->flags & TB_FF_MAX)
			json_object_set_new(j, "maximum", json_integer(f->max));
		return j;
	case TB_FT_TIME:
		return json_pack("{s:s, s:s}", "type", "string", "format", "date-time");
	case TB_FT_QUANTITY:
		return quantity();
	case TB_FT_OBJECT:
		return ref(type_ref(o, f->sub));
	case TB_FT_STRMAP:
		return string_map();
	case TB_FT_RESLIST:
		return json_pack("{s:s, s:o}", "type", "object", "additionalProperties",
				 quantity());
	case TB_FT_RAW:
		return preserve((f->flags & TB_FF_OBJONLY) ? "object" : NULL, NULL);
	}
	return json_object();
}

static json_t *field_schema(struct oa *o, const struct tb_field *f, bool top)
{
	json_t *v = value_schema(o, f), *j = v;
	const char *doc = f->doc;
	bool lent = false;

	if (!doc && top)
		doc = !strcmp(f->name, "apiVersion") ? apiversion_doc :
		      !strcmp(f->name, "kind") ? kind_doc :
		      !strcmp(f->name, "metadata") ? metadata_doc : NULL;
	/* explain lists a field with its own description: lend it its type's. */
	if (!doc && f->type == TB_FT_OBJECT && f->sub->doc) {
		doc = f->sub->doc;
		lent = true;
	}
	if (f->flags & TB_FF_ARRAY)
		j = json_pack("{s:s, s:o}", "type", "array", "items", v);
	else if (doc && !lent && json_object_get(v, "$ref"))
		j = json_pack("{s:[o]}", "allOf", v);	/* $ref wants no siblings */
	/* A lent description sits beside the $ref: explain then shows it in
	 * field lists and the type's own once, not twice. */
	if (doc)
		json_object_set_new(j, "description", json_string(doc));
	return j;
}

static void add_fields(struct oa *o, const struct tb_field *f, json_t *props, json_t *req,
		       bool top)
{
	for (; f->name; f++) {
		if (f->flags & TB_FF_INLINE) {	/* Go's embedded struct: fields sit here */
			add_fields(o, f->sub->fields, props, req, false);
			continue;
		}
		json_object_set_new(props, f->name, field_schema(o, f, top));
		if (f->flags & TB_FF_REQUIRED)
			json_array_append_new(req, json_string(f->name));
	}
}

static json_t *object_schema(struct oa *o, const struct tb_schema *s, bool top)
{
	json_t *j = json_pack("{s:s}", "type", "object"), *props = json_object();
	json_t *req = json_array();

	if (s->doc)
		json_object_set_new(j, "description", json_string(s->doc));
	add_fields(o, s->fields, props, req, top);
	json_object_set_new(j, "properties", props);
	if (json_array_size(req))
		json_object_set_new(j, "required", req);
	else
		json_decref(req);
	return j;
}

/* Resource templates are kept as given: only their top level is known. */
static json_t *template_schema(struct oa *o, const struct tb_kind *k)
{
	json_t *props;
	char doc[256];

	props = json_pack("{s:{s:s, s:s}, s:{s:s, s:s}, s:{s:[o], s:s}}",
			  "apiVersion", "type", "string", "description", apiversion_doc,
			  "kind", "type", "string", "description", kind_doc,
			  "metadata", "allOf", ref(type_ref(o, &tb_meta_schema)),
			  "description", metadata_doc);
	if (!strcmp(k->kind, "ConfigMap") || !strcmp(k->kind, "Secret")) {
		json_object_set_new(props, "data", string_map());
		json_object_set_new(props, "immutable", json_pack("{s:s}", "type", "boolean"));
		if (!strcmp(k->kind, "Secret")) {
			json_object_set_new(props, "stringData", string_map());
			json_object_set_new(props, "type", json_pack("{s:s}", "type", "string"));
		} else {
			json_object_set_new(props, "binaryData", string_map());
		}
	} else {
		json_object_set_new(props, "spec", preserve("object",
			"The desired state, kept as given and propagated to member clusters."));
	}
	if (tb_kind_has_status(k))
		json_object_set_new(props, "status", preserve("object",
			"The observed state, as reported from member clusters."));
	snprintf(doc, sizeof(doc), "A %s resource template: Tugboat stores it as given and "
		 "propagates it to member clusters as PropagationPolicies select it.", k->kind);
	return json_pack("{s:s, s:s, s:o}", "type", "object", "description", doc,
			 "properties", props);
}

static void add_kind_schemas(struct oa *o, const struct tb_kind *k, char *name, char *list)
{
	json_t *j;
	char doc[256];

	snprintf(name, NAME_MAX_LEN, "%s%s", o->prefix, k->kind);
	snprintf(list, NAME_MAX_LEN, "%s%sList", o->prefix, k->kind);
	j = k->schema ? object_schema(o, k->schema, true) : template_schema(o, k);
	json_object_set_new(j, "x-kubernetes-group-version-kind",
			    json_pack("[o]", tb__apidoc_gvk(k, NULL)));
	json_object_set_new(o->schemas, name, j);

	snprintf(doc, sizeof(doc), "%sList is a list of %s.", k->kind, k->kind);
	j = json_pack("{s:s, s:s, s:{s:{s:s, s:s}, s:{s:s, s:o}, s:{s:s, s:s}, s:{s:[o], s:s}},"
		      " s:[s]}",
		      "type", "object", "description", doc, "properties",
		      "apiVersion", "type", "string", "description", apiversion_doc,
		      "items", "type", "array", "items", ref(name),
		      "kind", "type", "string", "description", kind_doc,
		      "metadata", "allOf", ref(META "ListMeta"),
		      "description", "Standard list metadata.", "required", "items");
	snprintf(doc, sizeof(doc), "%sList", k->kind);
	json_object_set_new(j, "x-kubernetes-group-version-kind",
			    json_pack("[o]", tb__apidoc_gvk(k, doc)));
	json_object_set_new(o->schemas, list, j);
}

/* ---- paths ------------------------------------------------------------------------------ */

static const struct qparam {
	const char *name, *type, *doc;
} qparams[] = {
	{ "allowWatchBookmarks", "boolean", "Ask for BOOKMARK events in a watch (tugd sends "
	  "none)." },
	{ "continue", "string", "Resume a paged list: the metadata.continue of the previous "
	  "page." },
	{ "dryRun", "string", "All: check and answer as if written, but store nothing." },
	{ "fieldManager", "string", "Who makes the change (recorded by kube-apiserver; "
	  "accepted and ignored by tugd)." },
	{ "fieldSelector", "string", "Only objects whose metadata.name or metadata.namespace "
	  "match (=, ==, !=)." },
	{ "fieldValidation", "string", "Unknown fields in the body: Strict and Warn reject "
	  "them, Ignore drops them." },
	{ "force", "boolean", "Server-side apply: take over fields other managers own "
	  "(accepted; tugd does not track ownership)." },
	{ "gracePeriodSeconds", "integer", "Seconds before a deleted object goes (accepted; "
	  "deletion is immediate)." },
	{ "labelSelector", "string", "Only objects whose labels match, in kubectl's selector "
	  "syntax." },
	{ "limit", "integer", "At most this many objects per page; metadata.continue fetches "
	  "the next one." },
	{ "orphanDependents", "boolean", "Deprecated: use propagationPolicy." },
	{ "pretty", "string", "Accepted and ignored." },
	{ "propagationPolicy", "string", "What happens to dependents: Orphan, Background or "
	  "Foreground (accepted)." },
	{ "resourceVersion", "string", "For a watch, the version after which to send changes; "
	  "empty or 0 starts with the current objects." },
	{ "resourceVersionMatch", "string", "How resourceVersion applies to a list "
	  "(accepted)." },
	{ "sendInitialEvents", "boolean", "With watch: start with ADDED events for the current "
	  "objects." },
	{ "timeoutSeconds", "integer", "End a watch after this many seconds." },
	{ "watch", "boolean", "Stream changes (ADDED, MODIFIED, DELETED) instead of listing." },
	{ NULL, NULL, NULL }
};

static const char *const list_params[] = {
	"allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit",
	"resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch",
	NULL
};
static const char *const write_params[] = { "dryRun", "fieldManager", "fieldValidation", NULL };
static const char *const patch_params[] = {
	"dryRun", "fieldManager", "fieldValidation", "force", NULL
};
static const char *const delete_params[] = {
	"dryRun", "gracePeriodSeconds", "orphanDependents", "propagationPolicy", NULL
};
static const char *const deletecoll_params[] = {
	"continue", "dryRun", "fieldSelector", "gracePeriodSeconds", "labelSelector", "limit",
	"orphanDependents", "propagationPolicy", "resourceVersion", "resourceVersionMatch",
	"sendInitialEvents", "timeoutSeconds", NULL
};
static const char *const no_params[] = { NULL };

enum body { NO_BODY, OBJECT_BODY, PATCH_BODY };

/* An operation of one path. resp is the component its responses return. */
struct op {
	const char *method, *action, *doc;
	const char *const *params;
	enum body body;
	const char *resp;
};

static json_t *params_json(const char *const *names)
{
	const struct qparam *q;
	json_t *a = json_array();

	for (; *names; names++)
		for (q = qparams; q->name; q++)
			if (!strcmp(q->name, *names))
				json_array_append_new(a, json_pack(
					"{s:s, s:s, s:s, s:{s:s, s:b}}", "name", q->name,
					"in", "query", "description", q->doc,
					"schema", "type", q->type, "uniqueItems", 1));
	return a;
}

static json_t *content(const char *name, const char *const *types)
{
	json_t *c = json_object();

	for (; *types; types++)
		json_object_set_new(c, *types, json_pack("{s:o}", "schema", ref(name)));
	return c;
}

static json_t *op_json(const struct tb_kind *k, const struct op *op, const char *kind_ref)
{
	static const char *const json_types[] = { "application/json", "application/yaml", NULL };
	static const char *const any_types[] = { "*/*", NULL };
	/* No strategic merge patch: see apidoc.h. */
	static const char *const patch_types[] = {
		"application/apply-patch+yaml", "application/json-patch+json",
		"application/merge-patch+json", NULL
	};
	char doc[160];
	json_t *j, *resp;

	snprintf(doc, sizeof(doc), op->doc, k->kind);
	resp = json_pack("{s:{s:s, s:o}, s:{s:s}}",
			 "200", "description", "OK", "content", content(op->resp, json_types),
			 "401", "description", "Unauthorized");
	if (!strcmp(op->method, "post") || !strcmp(op->method, "put"))
		json_object_set_new(resp, "201", json_pack("{s:s, s:o}", "description",
			"Created", "content", content(op->resp, json_types)));
	j = json_pack("{s:s, s:o, s:o, s:s, s:o}", "description", doc,
		      "parameters", params_json(op->params), "responses", resp,
		      "x-kubernetes-action", op->action,
		      "x-kubernetes-group-version-kind", tb__apidoc_gvk(k, NULL));
	if (op->body != NO_BODY)
		json_object_set_new(j, "requestBody", json_pack("{s:o, s:b}", "content",
			op->body == PATCH_BODY ? content(META "Patch", patch_types) :
						 content(kind_ref, any_types), "required", 1));
	return j;
}

static void add_path(json_t *paths, const char *path, const struct tb_kind *k, bool ns,
		     bool name, const struct op *ops, const char *kind_ref)
{
	static const char *const pretty[] = { "pretty", NULL };
	json_t *item, *params = json_array(), *tail = params_json(pretty);
	char doc[160];

	if (name) {
		snprintf(doc, sizeof(doc), "name of the %s", k->kind);
		json_array_append_new(params, json_pack("{s:s, s:s, s:s, s:b, s:{s:s, s:b}}",
			"name", "name", "in", "path", "description", doc, "required", 1,
			"schema", "type", "string", "uniqueItems", 1));
	}
	if (ns)
		json_array_append_new(params, json_pack("{s:s, s:s, s:s, s:b, s:{s:s, s:b}}",
			"name", "namespace", "in", "path", "description",
			"object name and auth scope, such as for teams and projects", "required", 1,
			"schema", "type", "string", "uniqueItems", 1));
	json_array_extend(params, tail);
	json_decref(tail);
	item = json_pack("{s:o}", "parameters", params);
	for (; ops->method; ops++)
		json_object_set_new(item, ops->method, op_json(k, ops, kind_ref));
	json_object_set_new(paths, path, item);
}

static void add_kind_paths(json_t *paths, const struct tb_kind *k, const char *name,
			   const char *list)
{
	const char *st = META "Status";
	const struct op coll_ops[] = {
		{ "get", "list", "list or watch objects of kind %s", list_params, NO_BODY, list },
		{ "post", "post", "create a %s", write_params, OBJECT_BODY, name },
		{ "delete", "deletecollection", "delete collection of %s", deletecoll_params,
		  NO_BODY, st },
		{ NULL, NULL, NULL, NULL, NO_BODY, NULL }
	};
	const struct op all_ops[] = {
		{ "get", "list", "list or watch objects of kind %s", list_params, NO_BODY, list },
		{ NULL, NULL, NULL, NULL, NO_BODY, NULL }
	};
	const struct op item_ops[] = {
		{ "get", "get", "read the specified %s", no_params, NO_BODY, name },
		{ "put", "put", "replace the specified %s", write_params, OBJECT_BODY, name },
		{ "patch", "patch", "partially update the specified %s", patch_params, PATCH_BODY,
		  name },
		{ "delete", "delete", "delete a %s", delete_params, NO_BODY, st },
		{ NULL, NULL, NULL, NULL, NO_BODY, NULL }
	};
	const struct op status_ops[] = {
		{ "get", "get", "read status of the specified %s", no_params, NO_BODY, name },
		{ "put", "put", "replace status of the specified %s", write_params, OBJECT_BODY,
		  name },
		{ "patch", "patch", "partially update status of the specified %s", patch_params,
		  PATCH_BODY, name },
		{ NULL, NULL, NULL, NULL, NO_BODY, NULL }
	};
	char base[160], coll[320], item[340];

	if (k->group[0])
		snprintf(base, sizeof(base), "/apis/%s/%s", k->group, k->version);
	else
		snprintf(base, sizeof(base), "/api/%s", k->version);
	snprintf(coll, sizeof(coll), "%s/%s", base, k->plural);
	if (k->namespaced) {
		add_path(paths, coll, k, false, false, all_ops, name);
		snprintf(coll, sizeof(coll), "%s/namespaces/{namespace}/%s", base, k->plural);
	}
	add_path(paths, coll, k, k->namespaced, false, coll_ops, name);
	snprintf(item, sizeof(item), "%s/{name}", coll);
	add_path(paths, item, k, k->namespaced, true, item_ops, name);
	if (tb_kind_has_status(k)) {
		snprintf(item, sizeof(item), "%s/{name}/status", coll);
		add_path(paths, item, k, k->namespaced, true, status_ops, name);
	}
}

/* ---- documents ------------------------------------------------------------------------- */

/* Standard types the paths refer to, trimmed to what Tugboat serves. */
static void add_common_schemas(json_t *schemas)
{
	json_object_set_new(schemas, META "ListMeta", json_pack(
		"{s:s, s:s, s:{s:{s:s}, s:{s:s, s:s}, s:{s:s}, s:{s:s}}}",
		"type", "object", "description", "A list's metadata: its resourceVersion and, for "
		"a paged list, the continue token.", "properties",
		"continue", "type", "string",
		"remainingItemCount", "type", "integer", "format", "int64",
		"resourceVersion", "type", "string",
		"selfLink", "type", "string"));
	json_object_set_new(schemas, META "Status", json_pack(
		"{s:s, s:s, s:{s:{s:s}, s:{s:s, s:s}, s:o, s:{s:s}, s:{s:s}, s:{s:[o]}, s:{s:s},"
		" s:{s:s}}}",
		"type", "object", "description", "The outcome of a request that returns no object, "
		"such as an error: code, reason, message and details.", "properties",
		"apiVersion", "type", "string",
		"code", "type", "integer", "format", "int32",
		"details", preserve("object", NULL),
		"kind", "type", "string",
		"message", "type", "string",
		"metadata", "allOf", ref(META "ListMeta"),
		"reason", "type", "string",
		"status", "type", "string"));
	json_object_set_new(schemas, META "Patch", json_pack(
		"{s:s, s:s}", "type", "object", "description", "Patch is provided to give a "
		"concrete name and type to the Kubernetes PATCH request body."));
}

static int gv_index(const char *group, const char *version, const struct tb_kind **gvs,
		    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(gvs[i]->group, group) && !strcmp(gvs[i]->version, version))
			return (int)i;
	return -1;
}

static json_t *build_gv(const struct tb_kind *gv)
{
	struct oa o = { .n = 0 };
	char name[NAME_MAX_LEN], list[NAME_MAX_LEN];
	const struct tb_kind *k;
	json_t *paths = json_object(), *doc;
	size_t i;

	gv_prefix(gv, o.prefix, sizeof(o.prefix));
	o.schemas = json_object();
	add_common_schemas(o.schemas);
	for (k = tb_kinds; k->kind; k++) {
		if (strcmp(k->group, gv->group) || strcmp(k->version, gv->version))
			continue;
		add_kind_schemas(&o, k, name, list);
		add_kind_paths(paths, k, name, list);
	}
	for (i = 0; i < o.n; i++)
		tb_free(o.types[i].name);
	tb_free(o.types);
	doc = json_pack("{s:s, s:{s:s, s:s}, s:o, s:{s:o}}", "openapi", "3.0.0",
			"info", "title", "Tugboat", "version", "v1.32.0-tugboat." TB_VERSION,
			"paths", paths, "components", "schemas", o.schemas);
	return doc;
}

/* FNV-1a 64 of the compact, key-sorted text: stable across runs and builds. */
static void doc_hash(const json_t *doc, char out[17])
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	uint64_t h = 14695981039346656037ULL;
	const unsigned char *p;

	for (p = (const unsigned char *)text; p && *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	free(text);	/* jansson's allocator */
	snprintf(out, 17, "%016llX", (unsigned long long)h);
}

/* The documents are a function of the static kind tables: each hash is
 * computed once. */
static char gv_hashes[MAX_GVS][17];

json_t *tb_apidoc_openapi_gv(const char *group, const char *version, const char **hash_out)
{
	const struct tb_kind *gvs[MAX_GVS];
	size_t n = tb__apidoc_gvs(gvs, MAX_GVS);
	int i = gv_index(group ? group : "", version ? version : "", gvs, n);
	json_t *doc;

	if (i < 0)
		return NULL;
	doc = build_gv(gvs[i]);
	if (!gv_hashes[i][0])
		doc_hash(doc, gv_hashes[i]);
	if (hash_out)
		*hash_out = gv_hashes[i];
	return doc;
}

json_t *tb_apidoc_openapi_root(void)
{
	const struct tb_kind *gvs[MAX_GVS];
	size_t n = tb__apidoc_gvs(gvs, MAX_GVS), i;
	json_t *paths = json_object();
	char key[256], url[256 + 64];

	for (i = 0; i < n; i++) {
		if (!gv_hashes[i][0])
			json_decref(tb_apidoc_openapi_gv(gvs[i]->group, gvs[i]->version, NULL));
		if (gvs[i]->group[0])
			snprintf(key, sizeof(key), "apis/%s/%s", gvs[i]->group, gvs[i]->version);
		else
			snprintf(key, sizeof(key), "api/%s", gvs[i]->version);
		snprintf(url, sizeof(url), "/openapi/v3/%s?hash=%.16s", key, gv_hashes[i]);
		json_object_set_new(paths, key, json_pack("{s:s}", "serverRelativeURL", url));
	}
	return json_pack("{s:o}", "paths", paths);
}
