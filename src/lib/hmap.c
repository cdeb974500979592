/* String-keyed hash map with linear probing (hmap.h). */
#include "lib/hmap.h"
#include "lib/hash.h"
#include "lib/mem.h"

#include <string.h>

#define hash_str tb_fnv32a

void tb_hmap_release(struct tb_hmap *m)
{
	size_t i;

	if (m->slots)
		for (i = 0; i <= m->mask; i++)
			tb_free(m->slots[i].key);
	tb_free(m->slots);
	m->slots = NULL;
	m->mask = 0;
	m->n = 0;
}

static size_t find(const struct tb_hmap *m, const char *key, uint32_t h, bool *found)
{
	size_t i = h & m->mask;

	while (m->slots[i].key) {
		if (m->slots[i].hash == h && !strcmp(m->slots[i].key, key)) {
			*found = true;
			return i;
		}
		i = (i + 1) & m->mask;
	}
	*found = false;
	return i;
}

void *tb_hmap_get(const struct tb_hmap *m, const char *key)
{
	bool found;
	size_t i;

	if (!m->n)
		return NULL;
	i = find(m, key, hash_str(key), &found);
	return found ? m->slots[i].value : NULL;
}

bool tb_hmap_has(const struct tb_hmap *m, const char *key)
{
	bool found = false;

	if (m->n)
		find(m, key, hash_str(key), &found);
	return found;
}

static void grow(struct tb_hmap *m)
{
	struct tb_hmap_slot *old = m->slots;
	size_t cap = m->slots ? (m->mask + 1) * 2 : 16, oldcap = m->slots ? m->mask + 1 : 0;
	size_t i, j;

	m->slots = tb_calloc(cap, sizeof(*m->slots));
	m->mask = cap - 1;
	for (i = 0; i < oldcap; i++) {
		if (!old[i].key)
			continue;
		for (j = old[i].hash & m->mask; m->slots[j].key; j = (j + 1) & m->mask)
			;
		m->slots[j] = old[i];
	}
	tb_free(old);
}

bool tb_hmap_put(struct tb_hmap *m, const char *key, void *value)
{
	uint32_t h = hash_str(key);
	bool found;
	size_t i;

	/* Keep the load under 0.7 so probe runs stay short. */
	if (!m->slots || (m->n + 1) * 10 > (m->mask + 1) * 7)
		grow(m);
	i = find(m, key, h, &found);
	if (found) {
		m->slots[i].value = value;
		return false;
	}
	m->slots[i].key = tb_strdup(key);
	m->slots[i].value = value;
	m->slots[i].hash = h;
	m->n++;
	return true;
}

void *tb_hmap_del(struct tb_hmap *m, const char *key)
{
	size_t i, j, home;
	bool found;
	void *v;

	if (!m->n)
		return NULL;
	i = find(m, key, hash_str(key), &found);
	if (!found)
		return NULL;
	v = m->slots[i].value;
	tb_free(m->slots[i].key);
	m->slots[i].key = NULL;
	m->n--;
	/* Backward shift: move later entries of the run into the hole when
	 * their home slot does not lie (cyclically) between the hole and them. */
	for (j = (i + 1) & m->mask; m->slots[j].key; j = (j + 1) & m->mask) {
		home = m->slots[j].hash & m->mask;
		if (((j - home) & m->mask) >= ((j - i) & m->mask)) {
			m->slots[i] = m->slots[j];
			m->slots[j].key = NULL;
			i = j;
		}
	}
	return v;
}

bool tb_hmap_next(const struct tb_hmap *m, size_t *i, const char **key, void **value)
{
	if (!m->slots)
		return false;
	for (; *i <= m->mask; (*i)++) {
		if (m->slots[*i].key) {
			*key = m->slots[*i].key;
			if (value)
				*value = m->slots[*i].value;
			(*i)++;
			return true;
		}
	}
	return false;
}
