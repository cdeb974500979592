/* Helpers for command-line programs: bounded file reads, number parsing, the
 * wall clock. Only programs in src/cmd use these. */
#include "cmd/cli.h"
#include "lib/mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int tb_cli_read_file(const char *path, char **ret_buf, size_t *ret_len, struct tb_err *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t len = 0, alloc = 0, n;
	char *buf = NULL;
	int rc = 0;

	if (!f)
		return tb_error(err, TB_EIO, "cannot open: %s", strerror(errno));
	for (;;) {
		TB_GROW(buf, alloc, len + 65536 + 1);
		n = fread(buf + len, 1, alloc - len - 1, f);
		len += n;
		if (len > TB_MAX_INPUT_BYTES) {
			rc = tb_error(err, TB_ETOOBIG, "input is larger than %u bytes",
				      TB_MAX_INPUT_BYTES);
			break;
		}
		if (n == 0) {
			if (ferror(f))
				rc = tb_error(err, TB_EIO, "read error: %s", strerror(errno));
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	if (rc < 0) {
		tb_free(buf);
		return rc;
	}
	buf[len] = '\0';
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

int tb_cli_parse_int(const char *s, int64_t *ret)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (!*s || *end || errno)
		return -TB_EINVAL;
	*ret = v;
	return 0;
}

int64_t tb_cli_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
