/* Allocation wrappers. Out of memory aborts the process, as in Redis' zmalloc:
 * a control plane that cannot allocate cannot make a safe decision either, and
 * one abort path beats ten thousand unchecked NULLs. Never returns NULL. */
#ifndef TB_MEM_H
#define TB_MEM_H

#include <stddef.h>

void *tb_malloc(size_t n);
void *tb_calloc(size_t nmemb, size_t size);
void *tb_realloc(void *p, size_t n);
char *tb_strdup(const char *s);
char *tb_strndup(const char *s, size_t n);
void tb_free(void *p);

/* Grows *items (of *alloc elements of size elem) to hold at least need elements. */
void tb_grow(void **items, size_t *alloc, size_t need, size_t elem);

#define TB_GROW(arr, alloc, need) \
	tb_grow((void **)&(arr), &(alloc), (need), sizeof(*(arr)))

#endif
