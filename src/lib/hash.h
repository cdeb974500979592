/* FNV-1a, 32 bits: what Go's hash/fnv New32a computes, so names and
 * tie-breaks that Karmada derives from it come out the same. */
#ifndef TB_HASH_H
#define TB_HASH_H

#include <stdint.h>

static inline uint32_t tb_fnv32a(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

#endif
