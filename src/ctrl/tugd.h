/* tugd's controllers on the store: the resource detector (templates matched
 * by propagation policies get ResourceBindings), the scheduler (bindings get
 * clusters) and the Work producer (one Work per scheduled cluster). They run
 * in the API server's event loop, woken by the store's change events and by
 * timers; they read and write objects through the store like any client, so
 * kubectl sees every step. */
#ifndef TB_TUGD_H
#define TB_TUGD_H

#include <event2/event.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "lib/err.h"
#include "store/store.h"

struct tb_tugd;

/* The event base tugd runs on has three priorities (event_base_priority_init
 * (base, 3)): requests run at the default (1), reconcile turns at 2. */
#define TUGD_PRIORITIES 3
#define TUGD_PRIO_RECONCILE 2

int tb_tugd_new(struct tb_tugd **ret, struct event_base *base, struct tb_store *store,
		const struct tb_failover_config *cfg, int64_t (*now_ms)(void),
		struct tb_err *err);
void tb_tugd_free(struct tb_tugd *t);

/* Events are kept ttl_ms after their last occurrence (0: no limit), and at
 * most max_events of them (0: no limit); the defaults are kube-apiserver's
 * hour and 10,000. */
void tb_tugd_event_limits(struct tb_tugd *t, int64_t ttl_ms, size_t max_events);

#endif
