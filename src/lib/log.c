/* Leveled logging to stderr. */
#include "lib/log.h"
#include "lib/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static enum tb_log_level tb_log_min = TB_LOG_INFO;
static const char *const tb_log_names[_TB_LOG_MAX] = { "debug", "info", "warn", "error" };

void tb_log_set_level(enum tb_log_level level)
{
	tb_log_min = level;
}

int tb_log_level_parse(const char *s, enum tb_log_level *ret)
{
	for (int i = 0; i < _TB_LOG_MAX; i++)
		if (!strcmp(s, tb_log_names[i])) {
			*ret = (enum tb_log_level)i;
			return 0;
		}
	return -TB_EINVAL;
}

void tb_log(enum tb_log_level level, const char *fmt, ...)
{
	char line[2048], ts[32];
	struct timeval tv;
	struct tm tm;
	va_list ap;
	int n;

	if (level < tb_log_min)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "%s.%03dZ %-5s ", ts, (int)(tv.tv_usec / 1000),
		     tb_log_names[level]);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* One write per line so lines from several processes do not interleave. */
	fprintf(stderr, "%s\n", line);
}
