/* Faults a simulated member cluster can be told to show, and what each means
 * for one request: answer it, drop the connection, hold it forever, answer it
 * late, or fail the health endpoints. Pure: the caller passes the time and a
 * random number, so the decisions can be tested without a network. */
#ifndef TB_MSIM_FAULT_H
#define TB_MSIM_FAULT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h"

enum tb_fault_mode {
	TB_FAULT_OK = 0,	/* healthy */
	TB_FAULT_DOWN,		/* connections closed without an answer */
	TB_FAULT_HANG,		/* requests accepted, never answered */
	TB_FAULT_SLOW,		/* every answer late by latency +- jitter */
	TB_FAULT_FLAP,		/* down and ok in turn, each for one period */
	TB_FAULT_ERROR,		/* /readyz, /healthz, /livez answer status */
	_TB_FAULT_MAX,
	TB_FAULT_INVALID = -1
};

struct tb_fault {
	enum tb_fault_mode mode;
	int64_t latency_ms;	/* slow */
	int64_t jitter_ms;	/* slow: the delay is uniform in latency +- jitter */
	int64_t period_ms;	/* flap: down for one period, then ok for one */
	int status;		/* error: the health endpoints' HTTP status */
	int64_t since_ms;	/* when the mode was set: flap counts periods from it */
};

#define TB_FAULT_DEFAULT_LATENCY_MS 1000
#define TB_FAULT_DEFAULT_PERIOD_MS 2000
#define TB_FAULT_DEFAULT_STATUS 500

#define TB_FAULT_INIT { TB_FAULT_OK, TB_FAULT_DEFAULT_LATENCY_MS, 0, \
			TB_FAULT_DEFAULT_PERIOD_MS, TB_FAULT_DEFAULT_STATUS, 0 }

enum tb_fault_action {
	TB_FA_ANSWER,		/* serve it now */
	TB_FA_DROP,		/* close the connection, no answer */
	TB_FA_HOLD,		/* keep it until the client goes away */
	TB_FA_DELAY,		/* serve it after *ret_delay_ms */
	TB_FA_FAIL_HEALTH,	/* answer f->status (a health endpoint under error) */
};

const char *tb_fault_mode_name(enum tb_fault_mode m);
enum tb_fault_mode tb_fault_mode_parse(const char *s);

/* What to do with a request that arrives at now_ms. health is true for
 * /readyz, /healthz and /livez (and their sub-paths). rnd is a uniform random
 * number; only slow's jitter uses it. */
enum tb_fault_action tb_fault_decide(const struct tb_fault *f, bool health, int64_t now_ms,
				     uint64_t rnd, int64_t *ret_delay_ms);

/* Reads {"mode":"slow","latency":"2s","jitter":"500ms","period":"1s",
 * "status":503} (durations as Go writes them, or integer milliseconds).
 * Unset fields take their defaults; since_ms becomes now_ms. f is left
 * alone on error. */
int tb_fault_from_json(const json_t *j, int64_t now_ms, struct tb_fault *f, struct tb_err *err);
json_t *tb_fault_to_json(const struct tb_fault *f);

#endif
