/* The metadata the API server sets, not the client: uid, creationTimestamp,
 * generation; shared by the API server's write path and the controllers that
 * write objects straight to the store, so both stamp objects alike. */
#ifndef TB_STAMP_H
#define TB_STAMP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "api/object.h"

/* Prepares obj (a full object) to replace cur (NULL: to be created).
 * Create: a new uid, creationTimestamp now, generation 1 for kinds that count
 * generations, no resourceVersion, deletion fields or managedFields, and no
 * status for kinds with a status subresource (it is written through it).
 * Update: uid, creationTimestamp, deletion fields, managedFields and
 * generation come from cur; so does status when keep_status (a write of the
 * object itself, not of its status). */
void tb_stamp_prepare(json_t *obj, const json_t *cur, const struct tb_kind *k, bool keep_status,
		      int64_t now_ms);
/* After admission and defaulting: generation + 1 when anything but metadata
 * and status differs from cur, so a change the defaults undo is no change. */
void tb_stamp_generation(json_t *obj, const json_t *cur, const struct tb_kind *k);
/* now as a metav1.Time (second precision on the wire). */
json_t *tb_stamp_time(int64_t now_ms);

#endif
