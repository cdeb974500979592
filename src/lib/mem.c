/* Allocation wrappers that abort on exhaustion (see mem.h for why). */
#include "lib/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void tb_oom(size_t n)
{
	fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", n);
	abort();
}

void *tb_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		tb_oom(n);
	return p;
}

void *tb_calloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		tb_oom(nmemb * size);
	return p;
}

void *tb_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		tb_oom(n);
	return q;
}

char *tb_strdup(const char *s)
{
	return tb_strndup(s, strlen(s));
}

char *tb_strndup(const char *s, size_t n)
{
	char *p = tb_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void tb_free(void *p)
{
	free(p);
}

void tb_grow(void **items, size_t *alloc, size_t need, size_t elem)
{
	size_t n;

	if (need <= *alloc)
		return;
	n = *alloc ? *alloc : 4;
	while (n < need)
		n = n < 1024 ? n * 2 : n + n / 2;
	if (n > ((size_t)-1) / elem)
		tb_oom((size_t)-1);
	*items = tb_realloc(*items, n * elem);
	*alloc = n;
}
