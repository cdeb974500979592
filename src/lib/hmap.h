/* A hash map from NUL-terminated string keys (copied) to pointers, with open
 * addressing and backward-shift deletion, so lookups stay fast under churn.
 * For the controllers' indexes (binding by namespace/name, dirty sets). */
#ifndef TB_HMAP_H
#define TB_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tb_hmap_slot {
	char *key;		/* NULL: empty */
	void *value;
	uint32_t hash;
};

struct tb_hmap {
	struct tb_hmap_slot *slots;
	size_t mask;		/* capacity - 1; capacity is a power of two or 0 */
	size_t n;
};

#define TB_HMAP_INIT { NULL, 0, 0 }

void tb_hmap_release(struct tb_hmap *m);
/* The value for key, or NULL. */
void *tb_hmap_get(const struct tb_hmap *m, const char *key);
bool tb_hmap_has(const struct tb_hmap *m, const char *key);
/* Sets key to value; returns true when the key is new. */
bool tb_hmap_put(struct tb_hmap *m, const char *key, void *value);
/* Removes key; returns its value (NULL if absent). */
void *tb_hmap_del(struct tb_hmap *m, const char *key);

/* Iteration: for (i = 0; tb_hmap_next(m, &i, &k, &v);) — no changes meanwhile. */
bool tb_hmap_next(const struct tb_hmap *m, size_t *i, const char **key, void **value);

#endif
