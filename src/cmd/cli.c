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

int tb_cli_flag_value(int argc, char **argv, int i, const char *name, const char **ret)
{
	size_t n = strlen(name);
	const char *a = argv[i];

	if (strncmp(a, "--", 2) || strncmp(a + 2, name, n))
		return 0;
	if (a[2 + n] == '=') {
		*ret = a + 3 + n;
		return 1;
	}
	if (a[2 + n] != '\0')
		return 0;
	if (i + 1 >= argc)
		return -1;
	*ret = argv[i + 1];
	return 2;
}

int tb_cli_parse_listen(const char *s, char *addr, size_t n, int *ret_port)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long port;

	if (!colon || (size_t)(colon - s) >= n || colon[1] == '\0')
		return -1;
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return -1;
	memcpy(addr, s, (size_t)(colon - s));
	addr[colon - s] = '\0';
	*ret_port = (int)port;
	return 0;
}
