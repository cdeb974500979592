/* The documents tugd serves so that a real kubectl (1.32) can find its way:
 * /version, discovery (aggregated apidiscovery.k8s.io/v2 and the legacy
 * APIGroupList/APIResourceList form), OpenAPI v3 generated from the schema
 * descriptors, and meta.k8s.io/v1 Tables for `kubectl get`. All of it is
 * derived from the kind registry (tb_kinds[] in src/api/object.c): a new kind
 * shows up everywhere without touching this module.
 *
 * Pure functions: no I/O, no clock (callers pass now_ms). Every function
 * returns a new reference the caller owns (json_decref it). See
 * /work/shared/notes/kubectl-and-etcd.md for what kubectl requests. */
#ifndef TB_APIDOC_H
#define TB_APIDOC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/object.h"

/* Content-Type that makes kubectl read /api and /apis as aggregated
 * discovery; with plain application/json it parses them as the legacy lists. */
#define TB_APIDOC_AGGREGATED_CT \
	"application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

/* Content-Type of a Table response. */
#define TB_APIDOC_TABLE_CT "application/json;as=Table;v=v1;g=meta.k8s.io"

/* /version. minor is "32": the kubectl on PATH may be a dispatcher that runs
 * the kubectl binary matching the server's minor version. gitVersion is
 * "v1.32.0-tugboat.<TB_VERSION>", a valid semantic version. */
json_t *tb_apidoc_version(void);

/* Aggregated discovery (APIGroupDiscoveryList) for /api (core: the "" group,
 * v1) or /apis (every named group, in tb_kinds order; within a group the
 * first version listed is the preferred one). */
json_t *tb_apidoc_aggregated(bool core);

/* Legacy discovery: /api -> APIVersions; /apis -> APIGroupList; /apis/{g} ->
 * APIGroup (NULL if no such group); /api/v1 or /apis/{g}/{v} ->
 * APIResourceList with "plural/status" entries (NULL if unknown; group ""
 * is the core group). Status subresources are those of tb_kind_has_status(). */
json_t *tb_apidoc_api_versions(void);
json_t *tb_apidoc_group_list(void);
json_t *tb_apidoc_group(const char *group);
json_t *tb_apidoc_resource_list(const char *group, const char *version);

/* OpenAPI v3. The root lists every group-version:
 * {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=H"},
 *           "apis/<g>/<v>":{...}}}
 * where H is a stable hash of that document (kubectl caches by URL).
 *
 * tb_apidoc_openapi_gv() returns the document for one group-version (group
 * "" = core), or NULL if none is served. Its PATCH operations declare the
 * fieldValidation parameter, which makes kubectl leave validation to the
 * server (it then sends fieldValidation=Strict); they do not list
 * application/strategic-merge-patch+json, so kubectl computes merge patches
 * for Karmada kinds and strategic merge patches from its own structs for
 * built-in kinds. Schemas are named "io.karmada.<reversed group>.<version>.
 * <Type>" for Karmada types, "io.k8s.api.<group|core>.<version>.<Kind>" for
 * resource templates and io.k8s.apimachinery.pkg.apis.meta.v1.* /
 * io.k8s.api.core.v1.* for the shared Kubernetes types; every $ref resolves
 * within the document. If hash_out is not NULL it receives the document's
 * hash (static storage, valid for the life of the process). */
json_t *tb_apidoc_openapi_root(void);
json_t *tb_apidoc_openapi_gv(const char *group, const char *version, const char **hash_out);

/* ---- Tables (table.c) ----------------------------------------------------------- */

/* A meta.k8s.io/v1 Table of items (a JSON array of objects as served) for
 * `kubectl get`, with the columns kube-apiserver / Karmada print for the
 * kind: every column including the wide (priority 1) ones, which kubectl
 * hides unless -o wide. rv is the list's resourceVersion (NULL: none);
 * now_ms is the wall clock for AGE. columnDefinitions is [] unless
 * with_columns (a list, or the first event of a watch). Each row's object is
 * the item as PartialObjectMetadata, what kube-apiserver sends for the
 * default includeObject=Metadata. items is not modified. */
json_t *tb_table_for(const struct tb_kind *k, json_t *items, const char *rv, int64_t now_ms,
		     bool with_columns);

#define TB_HUMAN_DURATION_BUFSZ 32

/* k8s.io/apimachinery/pkg/util/duration.HumanDuration of a duration in ms
 * ("45s", "2m5s", "3h", "4d5h", "2y30d"; "0s" for up to 1.999s in the
 * future, "<invalid>" beyond). buf has TB_HUMAN_DURATION_BUFSZ bytes. */
const char *tb_human_duration(int64_t ms, char *buf);

/* ---- internal to src/server/apidoc*.c -------------------------------------------- */

/* The distinct group-versions in tb_kinds order, each as its first kind. */
size_t tb__apidoc_gvs(const struct tb_kind **first, size_t cap);
/* {"group","version","kind"} of k, or of another kind name of its GV. */
json_t *tb__apidoc_gvk(const struct tb_kind *k, const char *kind);

#endif
