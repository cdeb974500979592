/* A work queue of string keys without duplicates (client-go's workqueue
 * without the rate limiting): a key added while queued is queued once; keys
 * come out in the order they were first added. */
#ifndef TB_QUEUE_H
#define TB_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/hmap.h"

struct tb_queue {
	struct tb_hmap set;
	char **ring;
	size_t head, n, cap;
};

#define TB_QUEUE_INIT { TB_HMAP_INIT, NULL, 0, 0, 0 }

void tb_queue_release(struct tb_queue *q);
/* Returns true when key was not queued yet. */
bool tb_queue_add(struct tb_queue *q, const char *key);
/* The oldest key (caller frees), or NULL when empty. */
char *tb_queue_pop(struct tb_queue *q);
static inline size_t tb_queue_len(const struct tb_queue *q) { return q->n; }

#endif
