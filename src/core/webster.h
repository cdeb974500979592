/* Apportionment by the Webster (Sainte-Laguë) method, as Karmada v1.16+
 * divides replicas: each next seat goes to the party with the highest
 * votes / (2 * seats + 1). Ties go to the party with fewer seats, then by name
 * (ascending, or descending when Karmada's UID-parity tie-breaker says so).
 * Priorities are compared exactly (integer cross-multiplication) where Karmada
 * compares float64 quotients; the two agree except on quotients closer than a
 * double can tell apart. Pure; allocates only a heap of party indexes. */
#ifndef TB_WEBSTER_H
#define TB_WEBSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tb_party {
	const char *name;
	uint32_t rank;		/* the name's position in name order: ties compare it */
	int64_t votes;		/* >= 0 */
	int64_t seats;		/* in: initial seats; out: final seats */
};

/* Hands out seats more seats among parties[0..n). */
void tb_webster(struct tb_party *parties, size_t n, int64_t seats, bool names_descending);

/* Karmada's tieBreakerByUID: true (descending names) when fnv32a(uid) is odd;
 * an empty or NULL uid gives ascending. */
bool tb_webster_uid_descending(const char *uid);

#endif
