/* Cluster health: probe results in, the Ready condition out (status, Karmada's
 * reason and message, transition time). Two detectors:
 *   threshold  Karmada's: a new status counts once it has held for the
 *              success/failure threshold (flap suppression).
 *   phi        adaptive phi-accrual (Hayashibara et al.): suspicion grows with
 *              the time since the last healthy answer, measured against the
 *              observed spread of answer intervals; a slow or jittery member
 *              earns a wider margin, a member that stops answering is
 *              suspected within a few probe periods.
 * Either way a cluster with no probe result for the monitor grace period
 * (startup grace if never healthy) becomes Unknown. The probe timeout adapts
 * too: it backs off after a timeout and follows the observed round trips,
 * and with the phi detector a timeout is not held against a member while the
 * timeout is still growing, so a member that turned slow is not mistaken for
 * a hung one (a hung one is caught once the timeout reaches its cap).
 * Pure: now is an argument. */
#ifndef TB_HEALTH_H
#define TB_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"

enum tb_ready {
	TB_READY_NONE = 0,	/* no Ready condition yet */
	TB_READY_TRUE,
	TB_READY_FALSE,
	TB_READY_UNKNOWN,
};

enum tb_probe {
	TB_PROBE_OK,		/* /readyz answered 200 */
	TB_PROBE_NOT_OK,	/* reachable, but /readyz did not answer 200 */
	TB_PROBE_UNREACHABLE,	/* refused or reset: the member said no */
	TB_PROBE_TIMEOUT,	/* no answer within the probe timeout */
};

#define TB_HEALTH_WINDOW 64

struct tb_health {
	int64_t joined_ms;
	/* the latest probe */
	bool probed;
	enum tb_probe last;
	int64_t last_probe_ms;
	int64_t last_ok_ms;		/* 0: never */
	/* threshold detector: the observed status and since when it holds */
	enum tb_ready observed;
	int64_t observed_since_ms;
	/* phi detector: intervals between healthy answers (ring buffer) */
	int64_t interval[TB_HEALTH_WINDOW];
	unsigned nint, head;
	/* adaptive probe timeout: smoothed round trip and its deviation */
	int64_t srtt_ms, rttvar_ms, timeout_ms;
	bool backing_off;		/* the last probe timed out and the timeout grew */
	/* the Ready condition */
	enum tb_ready ready;
	const char *reason;
	const char *message;
	int64_t transition_ms;
};

void tb_health_init(struct tb_health *h, int64_t joined_ms);

/* Records one finished probe: its result, round trip (or time waited), at now. */
void tb_health_probe(struct tb_health *h, const struct tb_failover_config *c,
		     enum tb_probe r, int64_t rtt_ms, int64_t now_ms);

/* Re-evaluates the Ready condition at now. Returns true when it changed. */
bool tb_health_eval(struct tb_health *h, const struct tb_failover_config *c, int64_t now_ms);

/* The phi detector's suspicion at now (0 when never healthy). */
double tb_health_phi(const struct tb_health *h, const struct tb_failover_config *c,
		     int64_t now_ms);

/* How long the next probe may wait for an answer. */
int64_t tb_health_probe_timeout(const struct tb_health *h, const struct tb_failover_config *c);

const char *tb_ready_name(enum tb_ready r);	/* "True", "False", "Unknown", "" */
/* A Ready condition's status as reported ("True", "False", anything else:
 * Unknown; NULL: no condition). */
enum tb_ready tb_ready_parse(const char *status);

/* What a probe came to: answered (with an HTTP status) or not, and if not,
 * whether its time ran out. 200 is healthy; another answer means the member
 * is up but not ready; no answer in time is a timeout; a refused or reset
 * connection says the member is unreachable. */
enum tb_probe tb_probe_classify(bool answered, long status, bool timed_out);

#endif
