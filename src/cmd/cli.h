/* Shared pieces of the command-line programs: the subcommand table entry,
 * reading whole files with a cap, and option parsing helpers. */
#ifndef TB_CLI_H
#define TB_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define TB_MAX_INPUT_BYTES (64u << 20)	/* one -f file or stdin */

struct tb_cli_cmd {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the subcommand */
	const char *summary;
};

/* Reads path ("-" for stdin) into a NUL-terminated heap buffer. */
int tb_cli_read_file(const char *path, char **ret_buf, size_t *ret_len, struct tb_err *err);

/* Parses a decimal int64 in full ("12", "-1"); false on any junk. */
int tb_cli_parse_int(const char *s, int64_t *ret);

/* Wall clock in ms since the epoch (the CLI is the imperative shell). */
int64_t tb_cli_now_ms(void);

/* --name=value or --name value at argv[i]: returns how many argv entries it
 * used (1 or 2), 0 if argv[i] is not that flag, -1 if it is but has no value. */
int tb_cli_flag_value(int argc, char **argv, int i, const char *name, const char **ret);

/* "ADDR:PORT" (port 0..65535, 0: pick one) into addr (n bytes) and *ret_port;
 * -1 when malformed. */
int tb_cli_parse_listen(const char *s, char *addr, size_t n, int *ret_port);

int tb_cmd_validate(int argc, char **argv);
int tb_cmd_schedule(int argc, char **argv);
int tb_cmd_sim(int argc, char **argv);

#endif
