/* Internal to src/membersim/state.c and view.c: helpers both need. */
#ifndef TB_MSIM_STATE_INT_H
#define TB_MSIM_STATE_INT_H

#include "membersim/state.h"

const char *tb__msim_str(const json_t *o, const char *key);
/* obj's metadata object, created when missing. */
json_t *tb__msim_meta(json_t *obj);
/* The key of an object in its cluster's map: "ns/name", or "name". */
void tb__msim_key(const struct tb_msim_resinfo *ri, const char *ns, const char *name,
		  char *buf, size_t n);
/* Sets o[key] to ms as an RFC 3339 time in whole seconds. */
void tb__msim_time(json_t *o, const char *key, int64_t ms);
struct tb_msim_obj *tb__msim_find(struct tb_msim_cluster *c, enum tb_msim_res r,
				  const char *ns, const char *name);

#endif
