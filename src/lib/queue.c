/* Deduplicating FIFO of string keys (queue.h). */
#include "lib/queue.h"
#include "lib/mem.h"

#include <string.h>

void tb_queue_release(struct tb_queue *q)
{
	while (q->n)
		tb_free(tb_queue_pop(q));
	tb_free(q->ring);
	tb_hmap_release(&q->set);
	memset(q, 0, sizeof(*q));
}

bool tb_queue_add(struct tb_queue *q, const char *key)
{
	char **ring;
	size_t i;

	if (tb_hmap_has(&q->set, key))
		return false;
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;

		ring = tb_calloc(cap, sizeof(*ring));
		for (i = 0; i < q->n; i++)
			ring[i] = q->ring[(q->head + i) % q->cap];
		tb_free(q->ring);
		q->ring = ring;
		q->cap = cap;
		q->head = 0;
	}
	q->ring[(q->head + q->n++) % q->cap] = tb_strdup(key);
	tb_hmap_put(&q->set, key, NULL);
	return true;
}

char *tb_queue_pop(struct tb_queue *q)
{
	char *key;

	if (!q->n)
		return NULL;
	key = q->ring[q->head];
	q->head = (q->head + 1) % q->cap;
	q->n--;
	tb_hmap_del(&q->set, key);
	return key;
}
