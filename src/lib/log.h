/* Leveled logging to stderr for the programs' shells (tugd, member servers).
 * Library code never logs (it returns errors); only main loops and request
 * handlers do. One line per message:
 *   2026-11-26T12:00:00.123Z info  tugd: listening on 127.0.0.1:7443
 */
#ifndef TB_LOG_H
#define TB_LOG_H

enum tb_log_level { TB_LOG_DEBUG, TB_LOG_INFO, TB_LOG_WARN, TB_LOG_ERROR, _TB_LOG_MAX };

/* Messages below level are dropped. Default: info. */
void tb_log_set_level(enum tb_log_level level);
/* Parses "debug", "info", "warn", "error"; returns -TB_EINVAL otherwise. */
int tb_log_level_parse(const char *s, enum tb_log_level *ret);
void tb_log(enum tb_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define tb_debug(...) tb_log(TB_LOG_DEBUG, __VA_ARGS__)
#define tb_info(...) tb_log(TB_LOG_INFO, __VA_ARGS__)
#define tb_warn(...) tb_log(TB_LOG_WARN, __VA_ARGS__)
#define tb_errorlog(...) tb_log(TB_LOG_ERROR, __VA_ARGS__)

#endif
