/* Randomness from the kernel (getrandom): object uids and generated names. */
#ifndef TB_RAND_H
#define TB_RAND_H

#include <stddef.h>

#define TB_UUID_BUFSZ 37

void tb_rand_bytes(void *buf, size_t n);
/* A random (version 4) UUID, as Kubernetes gives metadata.uid. */
const char *tb_rand_uuid(char out[TB_UUID_BUFSZ]);

#endif
