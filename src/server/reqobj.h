/* Internal to src/server: the object a write request carries, from body to
 * the JSON that is stored. Functions that take a tb_req reply with the error
 * themselves and return NULL/false, so handlers just stop. */
#ifndef TB_REQOBJ_H
#define TB_REQOBJ_H

#include "api/selector.h"
#include "server/http.h"

enum tb_reqobj_mode {
	TB_REQOBJ_CREATE,	/* POST, or server-side apply of a new object */
	TB_REQOBJ_UPDATE,	/* PUT or PATCH of the object: status kept from storage */
	TB_REQOBJ_STATUS,	/* PUT or PATCH of /status: only status taken */
};

/* The body as one JSON object (JSON or YAML), or NULL after a 400/415. */
json_t *tb_reqobj_read(struct tb_req *q);
/* The body as any JSON value (a patch), or NULL after a 400. */
json_t *tb_reqobj_read_json(struct tb_req *q);

/* Checks obj against the URL, sets the server's metadata from cur (or new
 * ones on create), admits it (decode, default, validate) and replaces obj's
 * content with the admitted encoding. False after replying 400/404/409/422. */
bool tb_reqobj_prepare(struct tb_req *q, json_t *obj, const struct tb_store_obj *cur,
		       enum tb_reqobj_mode mode);

const char *tb_reqobj_name(const json_t *obj);
const char *tb_reqobj_namespace(const json_t *obj);
/* Whether obj equals cur except for metadata.resourceVersion. */
bool tb_reqobj_same(const json_t *obj, const struct tb_store_obj *cur);
void tb_reqobj_set_rv(json_t *obj, uint64_t rv);
/* Marked for deletion and no finalizer left: the update completes the delete. */
bool tb_reqobj_finalized(const json_t *obj);

/* Deletes cur (and, for a Namespace, what is in it) and replies 200 with it. */
void tb_reqobj_delete(struct tb_req *q, const struct tb_store_obj *cur);
void tb_reqobj_handle_delete(struct tb_req *q);

/* List continuation tokens: base64url of {"ns":..,"name":..}. Decoding
 * returns -TB_EINVAL for a token this server did not make. */
char *tb_reqobj_continue_encode(const char *ns, const char *name);
int tb_reqobj_continue_decode(const char *tok, char ns[254], char name[254]);

/* Status details {name, group, kind} for q's resource. */
json_t *tb_req_details(struct tb_req *q, const char *name);
/* labelSelector and fieldSelector of q; false after replying 400. */
bool tb_req_selectors(struct tb_req *q, struct tb_label_selector *sel, bool *has_sel,
		      struct tb_fieldsel *fs);
void tb_reply_json_ct(struct tb_req *q, int code, const char *ct, const json_t *j);

#endif
