/* Webster apportionment with a binary heap (webster.h). */
#include "core/webster.h"
#include "lib/hash.h"
#include "lib/mem.h"

#include <string.h>

/* Does party a get the next seat before party b? */
static bool before(const struct tb_party *a, const struct tb_party *b, bool desc)
{
	__int128 pa = (__int128)a->votes * (2 * b->seats + 1);
	__int128 pb = (__int128)b->votes * (2 * a->seats + 1);

	if (pa != pb)
		return pa > pb;
	if (a->seats != b->seats)
		return a->seats < b->seats;
	return desc ? a->rank > b->rank : a->rank < b->rank;
}

static void sift_down(size_t *h, size_t n, size_t i, const struct tb_party *p, bool desc)
{
	size_t l, r, best, t;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		best = i;
		if (l < n && before(&p[h[l]], &p[h[best]], desc))
			best = l;
		if (r < n && before(&p[h[r]], &p[h[best]], desc))
			best = r;
		if (best == i)
			return;
		t = h[i];
		h[i] = h[best];
		h[best] = t;
		i = best;
	}
}

void tb_webster(struct tb_party *parties, size_t n, int64_t seats, bool names_descending)
{
	size_t small[64], *h, i;

	if (!n || seats <= 0)
		return;
	h = n <= 64 ? small : tb_malloc(n * sizeof(*h));
	for (i = 0; i < n; i++)
		h[i] = i;
	for (i = n / 2; i-- > 0;)
		sift_down(h, n, i, parties, names_descending);
	/* The top party takes a seat; its priority only drops, so sift it down. */
	while (seats-- > 0) {
		parties[h[0]].seats++;
		sift_down(h, n, 0, parties, names_descending);
	}
	if (h != small)
		tb_free(h);
}

bool tb_webster_uid_descending(const char *uid)
{
	if (!uid || !*uid)
		return false;
	return tb_fnv32a(uid) & 1;
}
