/* Kernel randomness. */
#include "lib/rand.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

void tb_rand_bytes(void *buf, size_t n)
{
	/* Requests up to 256 bytes never fail or return short once the
	 * entropy pool is initialised, which it is long before tugd starts. */
	if (getrandom(buf, n, 0) != (ssize_t)n)
		abort();
}

const char *tb_rand_uuid(char out[TB_UUID_BUFSZ])
{
	unsigned char b[16];

	tb_rand_bytes(b, sizeof(b));
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	snprintf(out, TB_UUID_BUFSZ,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
		 b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
		 b[14], b[15]);
	return out;
}
