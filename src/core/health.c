/* Cluster health detectors (health.h). */
#include "core/health.h"

#include <math.h>
#include <string.h>

#define MSG_READY "cluster is healthy and ready to accept workloads"
#define MSG_NOT_READY "cluster is reachable but health endpoint responded without ok"
#define MSG_NOT_REACHABLE "cluster is not reachable"
#define MSG_UNKNOWN "Cluster status controller stopped posting cluster status."
#define MSG_NEVER "Cluster status controller never posted cluster status."

const char *tb_ready_name(enum tb_ready r)
{
	switch (r) {
	case TB_READY_TRUE: return "True";
	case TB_READY_FALSE: return "False";
	case TB_READY_UNKNOWN: return "Unknown";
	default: return "";
	}
}

enum tb_ready tb_ready_parse(const char *status)
{
	if (!status)
		return TB_READY_NONE;
	return !strcmp(status, "True") ? TB_READY_TRUE :
	       !strcmp(status, "False") ? TB_READY_FALSE : TB_READY_UNKNOWN;
}

enum tb_probe tb_probe_classify(bool answered, long status, bool timed_out)
{
	if (answered)
		return status == 200 ? TB_PROBE_OK : TB_PROBE_NOT_OK;
	return timed_out ? TB_PROBE_TIMEOUT : TB_PROBE_UNREACHABLE;
}

void tb_health_init(struct tb_health *h, int64_t joined_ms)
{
	*h = (struct tb_health){ .joined_ms = joined_ms };
}

int64_t tb_health_probe_timeout(const struct tb_health *h, const struct tb_failover_config *c)
{
	int64_t t = h->timeout_ms ? h->timeout_ms : c->probe_timeout_ms;
	int64_t cap = c->monitor_grace_ms / 2;

	if (t < c->probe_timeout_ms)
		t = c->probe_timeout_ms;
	return t < cap ? t : (cap > c->probe_timeout_ms ? cap : c->probe_timeout_ms);
}

void tb_health_probe(struct tb_health *h, const struct tb_failover_config *c,
		     enum tb_probe r, int64_t rtt_ms, int64_t now_ms)
{
	int64_t err;

	if (r == TB_PROBE_OK) {
		/* Learn only the spacing of consecutive answers: a gap with
		 * failures in it (an outage, a partition) is not jitter, and
		 * learning it would blunt detection afterwards. */
		if (h->last_ok_ms && h->probed && h->last == TB_PROBE_OK) {
			h->interval[h->head] = now_ms - h->last_ok_ms;
			h->head = (h->head + 1) % TB_HEALTH_WINDOW;
			if (h->nint < TB_HEALTH_WINDOW)
				h->nint++;
		}
		h->last_ok_ms = now_ms;
	}
	h->backing_off = false;
	if (r != TB_PROBE_TIMEOUT) {
		/* An answer: follow its round trip as TCP does (RFC 6298). */
		if (!h->srtt_ms) {
			h->srtt_ms = rtt_ms;
			h->rttvar_ms = rtt_ms / 2;
		} else {
			err = rtt_ms - h->srtt_ms;
			h->rttvar_ms += ((err < 0 ? -err : err) - h->rttvar_ms) / 4;
			h->srtt_ms += err / 8;
		}
		h->timeout_ms = h->srtt_ms + 4 * h->rttvar_ms;
	} else {
		/* Timed out: wait twice as long next time (bounded by the getter),
		 * and remember whether that is still a longer wait. */
		int64_t before = tb_health_probe_timeout(h, c);
		h->timeout_ms = 2 * before;
		h->backing_off = tb_health_probe_timeout(h, c) > before;
	}
	h->probed = true;
	h->last = r;
	h->last_probe_ms = now_ms;
}

double tb_health_phi(const struct tb_health *h, const struct tb_failover_config *c,
		     int64_t now_ms)
{
	double mean, var = 0, sd, x, p;
	unsigned i;

	if (!h->last_ok_ms)
		return 0;
	if (!h->nint) {
		/* No history yet: assume the configured cadence. */
		mean = (double)c->probe_period_ms;
	} else {
		mean = 0;
		for (i = 0; i < h->nint; i++)
			mean += (double)h->interval[i];
		mean /= h->nint;
		for (i = 0; i < h->nint; i++)
			var += ((double)h->interval[i] - mean) * ((double)h->interval[i] - mean);
		var /= h->nint;
	}
	sd = sqrt(var);
	if (sd < (double)c->phi_min_stddev_ms)
		sd = (double)c->phi_min_stddev_ms;
	x = ((double)(now_ms - h->last_ok_ms) - mean) / sd;
	p = 0.5 * erfc(x / sqrt(2.0));	/* P(an interval this long or longer) */
	if (p <= 0)
		return 1e9;
	return -log10(p);
}

static void set_ready(struct tb_health *h, enum tb_ready r, const char *reason,
		      const char *message, int64_t now_ms, bool *changed)
{
	if (h->ready != r) {
		h->transition_ms = now_ms;
		*changed = true;
	}
	if (h->ready != r || h->reason != reason)
		*changed = true;
	h->ready = r;
	h->reason = reason;
	h->message = message;
}

bool tb_health_eval(struct tb_health *h, const struct tb_failover_config *c, int64_t now_ms)
{
	enum tb_ready obs;
	const char *reason, *msg;
	bool changed = false, to_true, from_true;
	int64_t held, need;

	/* Silence: no probe result for the grace period. */
	if (!h->probed) {
		if (now_ms - h->joined_ms > c->startup_grace_ms)
			set_ready(h, TB_READY_UNKNOWN, "ClusterStatusNeverUpdated", MSG_NEVER,
				  now_ms, &changed);
		return changed;
	}
	if (now_ms - h->last_probe_ms > c->monitor_grace_ms) {
		set_ready(h, TB_READY_UNKNOWN, "ClusterStatusUnknown", MSG_UNKNOWN, now_ms,
			  &changed);
		return changed;
	}
	switch (h->last) {
	case TB_PROBE_OK:
		obs = TB_READY_TRUE;
		reason = "ClusterReady";
		msg = MSG_READY;
		break;
	case TB_PROBE_NOT_OK:
		obs = TB_READY_FALSE;
		reason = "ClusterNotReady";
		msg = MSG_NOT_READY;
		break;
	default:	/* unreachable or timed out */
		obs = TB_READY_FALSE;
		reason = "ClusterNotReachable";
		msg = MSG_NOT_REACHABLE;
		break;
	}
	if (obs != h->observed) {
		h->observed = obs;
		h->observed_since_ms = h->last_probe_ms;
	}
	/* The first observation is taken as it is (Karmada does the same). */
	if (h->ready == TB_READY_NONE) {
		set_ready(h, obs, reason, msg, now_ms, &changed);
		return changed;
	}
	to_true = obs == TB_READY_TRUE && h->ready != TB_READY_TRUE;
	from_true = obs != TB_READY_TRUE && h->ready == TB_READY_TRUE;
	if (!to_true && !from_true) {
		/* False <-> Unknown and reason changes are not delayed. */
		set_ready(h, obs, reason, msg, now_ms, &changed);
		return changed;
	}
	held = now_ms - h->observed_since_ms;
	if (to_true) {
		need = c->success_threshold_ms;
	} else if (c->detector == TB_DETECT_PHI && h->last_ok_ms) {
		/* Suspect only when this long a silence is improbable for this
		 * member, and not while a timed-out probe may just have been
		 * too impatient (the next one waits longer). */
		if (h->backing_off || tb_health_phi(h, c, now_ms) < c->phi_threshold)
			return false;
		need = 0;
	} else {
		need = c->failure_threshold_ms;
	}
	if (held >= need)
		set_ready(h, obs, reason, msg, now_ms, &changed);
	return changed;
}
