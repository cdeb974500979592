/* core/v1 Event, kept as JSON like the other templates: what the API server
 * checks before storing one (kube-apiserver's rules for v1 Events, and an
 * involvedObject, without which an Event explains nothing), and the fields a
 * field selector on events may name, as kube-apiserver selects them. Never
 * touches the store: callers hand it the object. */
#ifndef TB_EVENT_H
#define TB_EVENT_H

#include <jansson.h>
#include <stdbool.h>

#include "lib/err.h"

/* The field selector labels of events beyond metadata.name and
 * metadata.namespace (NULL-terminated). */
extern const char *const tb_event_field_labels[];

/* The value of selectable field label of Event ev: "" when absent, NULL when
 * label is not one of tb_event_field_labels (nor metadata.name/namespace).
 * "source" is source.component, or reportingComponent without one. */
const char *tb_event_field(const json_t *ev, const char *label);

/* Validates the Event-specific fields of ev (metadata is the template
 * validator's): involvedObject present and well-typed, its namespace agreeing
 * with the Event's, timestamps that parse, and for a new-style Event (with
 * eventTime) the reporting fields kube-apiserver requires. */
void tb_event_validate(const json_t *ev, struct tb_errs *e);

#endif
