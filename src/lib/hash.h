/* FNV-1a, 32 bits: what Go's hash/fnv New32a computes, so names and
 * tie-breaks that Karmada derives from it come out the same. */
#ifndef TB_HASH_H
#define TB_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t tb_fnv32a(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* FNV-1a, 64 bits, over n bytes: a fingerprint of a body, to tell "the
 * same as last time" without parsing it. */
static inline uint64_t tb_fnv64a(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 14695981039346656037ull;

	while (n--)
		h = (h ^ *s++) * 1099511628211ull;
	return h;
}

#endif
