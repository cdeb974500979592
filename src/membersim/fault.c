/* Fault modes and their per-request decisions (fault.h). Pure: never reads a
 * clock or draws its own random numbers. */
#include "membersim/fault.h"

#include <string.h>

#include "api/duration.h"

static const char *const mode_names[_TB_FAULT_MAX] = {
	[TB_FAULT_OK] = "ok", [TB_FAULT_DOWN] = "down", [TB_FAULT_HANG] = "hang",
	[TB_FAULT_SLOW] = "slow", [TB_FAULT_FLAP] = "flap", [TB_FAULT_ERROR] = "error",
};

const char *tb_fault_mode_name(enum tb_fault_mode m)
{
	return m >= 0 && m < _TB_FAULT_MAX ? mode_names[m] : "invalid";
}

enum tb_fault_mode tb_fault_mode_parse(const char *s)
{
	int i;

	for (i = 0; s && i < _TB_FAULT_MAX; i++)
		if (!strcmp(s, mode_names[i]))
			return (enum tb_fault_mode)i;
	return TB_FAULT_INVALID;
}

enum tb_fault_action tb_fault_decide(const struct tb_fault *f, bool health, int64_t now_ms,
				     uint64_t rnd, int64_t *ret_delay_ms)
{
	int64_t d, span;

	switch (f->mode) {
	case TB_FAULT_DOWN:
		return TB_FA_DROP;
	case TB_FAULT_HANG:
		return TB_FA_HOLD;
	case TB_FAULT_FLAP:
		/* Down first: a test that sets flap sees the change at once. */
		if (f->period_ms <= 0 || now_ms < f->since_ms)
			return TB_FA_DROP;
		return ((now_ms - f->since_ms) / f->period_ms) % 2 ? TB_FA_ANSWER : TB_FA_DROP;
	case TB_FAULT_SLOW:
		d = f->latency_ms;
		if (f->jitter_ms > 0) {
			span = 2 * f->jitter_ms + 1;
			d += (int64_t)(rnd % (uint64_t)span) - f->jitter_ms;
		}
		*ret_delay_ms = d < 0 ? 0 : d;
		return TB_FA_DELAY;
	case TB_FAULT_ERROR:
		return health ? TB_FA_FAIL_HEALTH : TB_FA_ANSWER;
	case TB_FAULT_OK:
	default:
		return TB_FA_ANSWER;
	}
}

/* A duration field: a Go duration string or integer milliseconds. */
static int duration_field(const json_t *j, const char *key, int64_t *ret_ms, struct tb_err *err)
{
	const json_t *v = json_object_get(j, key);
	struct tb_err derr = TB_ERR_INIT;
	int64_t ns;

	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return tb_error(err, TB_EINVAL, "%s: must not be negative", key);
		*ret_ms = json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return tb_error(err, TB_EINVAL, "%s: want a duration such as \"500ms\"", key);
	if (tb_duration_parse(json_string_value(v), &ns, &derr))
		return tb_error(err, TB_EINVAL, "%s: %s", key, derr.msg);
	if (ns < 0)
		return tb_error(err, TB_EINVAL, "%s: must not be negative", key);
	*ret_ms = ns / 1000000;
	return 0;
}

int tb_fault_from_json(const json_t *j, int64_t now_ms, struct tb_fault *f, struct tb_err *err)
{
	struct tb_fault nf = TB_FAULT_INIT;
	const json_t *mode = json_object_get(j, "mode"), *status = json_object_get(j, "status");
	const char *key;
	json_t *v;
	int rc;

	if (!json_is_object(j))
		return tb_error(err, TB_EINVAL, "want a JSON object such as {\"mode\":\"down\"}");
	json_object_foreach((json_t *)j, key, v) {
		if (strcmp(key, "mode") && strcmp(key, "latency") && strcmp(key, "jitter") &&
		    strcmp(key, "period") && strcmp(key, "status"))
			return tb_error(err, TB_EINVAL, "unknown field \"%s\"", key);
	}
	if (!json_is_string(mode))
		return tb_error(err, TB_EINVAL, "mode: want one of ok, down, hang, slow, flap, "
				"error");
	nf.mode = tb_fault_mode_parse(json_string_value(mode));
	if (nf.mode == TB_FAULT_INVALID)
		return tb_error(err, TB_EINVAL, "mode: unknown mode \"%s\" (want ok, down, hang, "
				"slow, flap or error)", json_string_value(mode));
	if ((rc = duration_field(j, "latency", &nf.latency_ms, err)) ||
	    (rc = duration_field(j, "jitter", &nf.jitter_ms, err)) ||
	    (rc = duration_field(j, "period", &nf.period_ms, err)))
		return rc;
	if (nf.period_ms <= 0)
		return tb_error(err, TB_EINVAL, "period: must be positive");
	if (status && !json_is_null(status)) {
		if (!json_is_integer(status) || json_integer_value(status) < 100 ||
		    json_integer_value(status) > 599)
			return tb_error(err, TB_EINVAL, "status: want an HTTP status code "
					"(100-599)");
		nf.status = (int)json_integer_value(status);
	}
	nf.since_ms = now_ms;
	*f = nf;
	return 0;
}

json_t *tb_fault_to_json(const struct tb_fault *f)
{
	char lat[TB_DURATION_BUFSZ], jit[TB_DURATION_BUFSZ], per[TB_DURATION_BUFSZ];

	return json_pack("{s:s, s:s, s:s, s:s, s:i}", "mode", tb_fault_mode_name(f->mode),
			 "latency", tb_duration_format(f->latency_ms * 1000000, lat),
			 "jitter", tb_duration_format(f->jitter_ms * 1000000, jit),
			 "period", tb_duration_format(f->period_ms * 1000000, per),
			 "status", f->status);
}
