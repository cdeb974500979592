/* What the benchmarks share: a monotonic clock and "--flag value" parsing. */
#ifndef TB_BENCH_UTIL_H
#define TB_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A flag taking a string (s) or a positive number (d). */
struct bench_flag {
	const char *name;
	const char **s;
	double *d;
};

/* Parses "--flag value" pairs from argv[1]; calls usage() (which exits) on
 * an unknown flag, a missing value or a number that is not positive. "--"
 * ends the flags: returns the index after it, or argc when there is none. */
static inline int bench_parse_flags(int argc, char **argv, const struct bench_flag *flags,
				    size_t nflags, void (*usage)(void))
{
	size_t k;
	char *end;
	int i;

	for (i = 1; i < argc; i += 2) {
		if (!strcmp(argv[i], "--"))
			return i + 1;
		for (k = 0; k < nflags && strcmp(argv[i], flags[k].name); k++)
			;
		if (k == nflags || i + 1 == argc)
			usage();
		if (flags[k].s)
			*flags[k].s = argv[i + 1];
		else if ((*flags[k].d = strtod(argv[i + 1], &end)) <= 0 || *end)
			usage();
	}
	return argc;
}

#endif
