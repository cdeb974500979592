/* The failover settings table and its parser, printer and validator. */
#include "core/config.h"
#include "api/duration.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_DURATION, K_SECONDS, K_INT, K_FLOAT, K_BOOL, K_DETECTOR };

struct setting {
	const char *name;
	enum kind kind;
	size_t off;
	const char *help;
};

#define S(n, k, f, h) { n, k, offsetof(struct tb_failover_config, f), h }

static const struct setting settings[] = {
	S("cluster-status-update-frequency", K_DURATION, probe_period_ms,
	  "how often each member's /readyz is probed"),
	S("cluster-probe-timeout", K_DURATION, probe_timeout_ms,
	  "a probe not answered within this counts as unreachable"),
	S("cluster-monitor-period", K_DURATION, monitor_period_ms,
	  "how often cluster health is re-evaluated and taints updated"),
	S("cluster-monitor-grace-period", K_DURATION, monitor_grace_ms,
	  "no probe result for this long makes a cluster Unknown"),
	S("cluster-startup-grace-period", K_DURATION, startup_grace_ms,
	  "the same for a cluster never seen healthy since it joined"),
	S("cluster-success-threshold", K_DURATION, success_threshold_ms,
	  "threshold detector: a recovery must last this long to count"),
	S("cluster-failure-threshold", K_DURATION, failure_threshold_ms,
	  "threshold detector: a failure must last this long to count"),
	S("failover-eviction-timeout", K_DURATION, eviction_timeout_ms,
	  "unhealthy this long (and silent twice this long): add the NoExecute taint"),
	S("cluster-taint-eviction-retry-frequency", K_DURATION, eviction_retry_ms,
	  "how often failed or held evictions are retried"),
	S("graceful-eviction-timeout", K_DURATION, graceful_eviction_timeout_ms,
	  "an evicted cluster keeps its replicas at most this long"),
	S("default-not-ready-toleration-seconds", K_SECONDS, not_ready_toleration_s,
	  "toleration added to policies for cluster.karmada.io/not-ready (-1: none)"),
	S("default-unreachable-toleration-seconds", K_SECONDS, unreachable_toleration_s,
	  "toleration added to policies for cluster.karmada.io/unreachable (-1: none)"),
	S("failure-detector", K_DETECTOR, detector,
	  "threshold (Karmada's) or phi (adaptive phi-accrual)"),
	S("phi-threshold", K_FLOAT, phi_threshold,
	  "phi detector: suspicion level that marks a cluster not ready"),
	S("phi-min-stddev", K_DURATION, phi_min_stddev_ms,
	  "phi detector: floor on the probe interval deviation"),
	S("mass-outage-threshold", K_FLOAT, mass_outage_threshold,
	  "share of clusters unhealthy at once that stops evictions (0: off)"),
	S("mass-outage-min-clusters", K_INT, mass_outage_min_clusters,
	  "mass-outage protection applies from this many clusters"),
	S("resource-eviction-rate", K_FLOAT, eviction_rate,
	  "bindings evicted per second at most"),
	S("resource-eviction-burst", K_INT, eviction_burst,
	  "bindings that may be evicted at once before the rate applies"),
	S("capacity-aware-eviction", K_BOOL, capacity_aware_eviction,
	  "hold an eviction while the other clusters cannot take the replicas"),
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))
#define SEC 1000

void tb_config_init(struct tb_failover_config *c)
{
	memset(c, 0, sizeof(*c));
	c->probe_period_ms = 10 * SEC;
	c->probe_timeout_ms = 5 * SEC;
	c->monitor_period_ms = 60 * SEC;
	c->monitor_grace_ms = 40 * SEC;
	c->startup_grace_ms = 600 * SEC;
	c->success_threshold_ms = 30 * SEC;
	c->failure_threshold_ms = 30 * SEC;
	c->eviction_timeout_ms = 30 * SEC;
	c->eviction_retry_ms = 5 * SEC;
	c->graceful_eviction_timeout_ms = 600 * SEC;
	c->not_ready_toleration_s = 300;
	c->unreachable_toleration_s = 300;
	c->detector = TB_DETECT_THRESHOLD;
	c->phi_threshold = 8.0;
	c->phi_min_stddev_ms = 100;
	c->mass_outage_threshold = 0.55;
	c->mass_outage_min_clusters = 3;
	c->eviction_rate = 1000;
	c->eviction_burst = 1000;
	c->capacity_aware_eviction = true;
}

int tb_config_profile(struct tb_failover_config *c, const char *name, struct tb_err *err)
{
	if (!strcmp(name, "karmada")) {
		tb_config_init(c);
		return 0;
	}
	if (strcmp(name, "fast"))
		return tb_error(err, TB_EINVAL, "unknown profile \"%s\": use karmada or fast", name);
	/* Seconds, not minutes: probe twice a second, judge with the adaptive
	 * detector, evict a second after the NoSchedule taint, and leave to
	 * policies tolerating a dead cluster for ten seconds at most. */
	tb_config_init(c);
	c->probe_period_ms = 500;
	c->probe_timeout_ms = 1000;
	c->monitor_period_ms = 100;
	c->monitor_grace_ms = 4 * SEC;
	c->startup_grace_ms = 30 * SEC;
	c->success_threshold_ms = 2 * SEC;
	c->failure_threshold_ms = 1500;
	c->eviction_timeout_ms = 1 * SEC;
	c->eviction_retry_ms = 1 * SEC;
	c->graceful_eviction_timeout_ms = 120 * SEC;
	c->not_ready_toleration_s = 0;
	c->unreachable_toleration_s = 0;
	c->detector = TB_DETECT_PHI;
	return 0;
}

static const struct setting *find(const char *name)
{
	size_t i;

	for (i = 0; i < NSETTINGS; i++)
		if (!strcmp(settings[i].name, name))
			return &settings[i];
	return NULL;
}

bool tb_config_has(const char *name)
{
	return find(name) != NULL;
}

int tb_config_set(struct tb_failover_config *c, const char *name, const char *value,
		  struct tb_err *err)
{
	const struct setting *s = find(name);
	struct tb_err derr = TB_ERR_INIT;
	void *p;
	int64_t ns;
	char *end;
	double d;
	long long v;

	if (!s)
		return tb_error(err, TB_EINVAL, "unknown setting \"%s\"", name);
	p = (char *)c + s->off;
	switch (s->kind) {
	case K_DURATION:
		if (tb_duration_parse(value, &ns, &derr) < 0)
			return tb_error(err, TB_EINVAL, "--%s: %s", name, derr.msg);
		if (ns < 0)
			return tb_error(err, TB_EINVAL, "--%s: must not be negative", name);
		/* Round up to whole milliseconds: 1ns must not become 0. */
		*(int64_t *)p = ns / 1000000 + (ns % 1000000 != 0);
		return 0;
	case K_SECONDS:
	case K_INT:
		errno = 0;
		v = strtoll(value, &end, 10);
		if (!*value || *end || errno)
			return tb_error(err, TB_EINVAL, "--%s: invalid value \"%s\": expected an "
					"integer%s", name, value, s->kind == K_SECONDS ? " (seconds)" : "");
		*(int64_t *)p = v;
		return 0;
	case K_FLOAT:
		errno = 0;
		d = strtod(value, &end);
		if (!*value || *end || errno || !isfinite(d))
			return tb_error(err, TB_EINVAL, "--%s: invalid value \"%s\": expected a "
					"number", name, value);
		*(double *)p = d;
		return 0;
	case K_BOOL:
		if (strcmp(value, "true") && strcmp(value, "false"))
			return tb_error(err, TB_EINVAL, "--%s: invalid value \"%s\": expected true "
					"or false", name, value);
		*(bool *)p = !strcmp(value, "true");
		return 0;
	case K_DETECTOR:
		if (!strcmp(value, "threshold"))
			*(int64_t *)p = TB_DETECT_THRESHOLD;
		else if (!strcmp(value, "phi"))
			*(int64_t *)p = TB_DETECT_PHI;
		else
			return tb_error(err, TB_EINVAL, "--%s: invalid value \"%s\": expected "
					"threshold or phi", name, value);
		return 0;
	}
	return -TB_EINVAL;
}

static void add(struct tb_errs *e, const char *flag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(struct tb_errs *e, const char *flag, const char *fmt, ...)
{
	char buf[512], path[80];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "--%s", flag);
	tb_errs_add(e, TB_FE_INVALID, path, NULL, "%s", buf);
}

static void fmt_value(const struct tb_failover_config *c, const struct setting *s,
		      char *buf, size_t n)
{
	const void *p = (const char *)c + s->off;
	char d[TB_DURATION_BUFSZ];

	switch (s->kind) {
	case K_DURATION:
		snprintf(buf, n, "%s", tb_duration_format(*(const int64_t *)p * 1000000, d));
		break;
	case K_SECONDS:
	case K_INT:
		snprintf(buf, n, "%lld", (long long)*(const int64_t *)p);
		break;
	case K_FLOAT:
		snprintf(buf, n, "%g", *(const double *)p);
		break;
	case K_BOOL:
		snprintf(buf, n, "%s", *(const bool *)p ? "true" : "false");
		break;
	case K_DETECTOR:
		snprintf(buf, n, "%s", *(const int64_t *)p == TB_DETECT_PHI ? "phi" : "threshold");
		break;
	}
}

int tb_config_validate(const struct tb_failover_config *c, struct tb_errs *e)
{
	size_t before = e->n;

	if (c->probe_period_ms <= 0)
		add(e, "cluster-status-update-frequency", "must be positive");
	if (c->monitor_period_ms <= 0)
		add(e, "cluster-monitor-period", "must be positive");
	if (c->probe_timeout_ms <= 0)
		add(e, "cluster-probe-timeout", "must be positive");
	if (c->eviction_retry_ms <= 0)
		add(e, "cluster-taint-eviction-retry-frequency", "must be positive");
	/* Each of these would make a healthy cluster look dead between probes. */
	if (c->monitor_grace_ms <= c->probe_period_ms + c->probe_timeout_ms)
		add(e, "cluster-monitor-grace-period", "must be longer than "
		    "--cluster-status-update-frequency plus --cluster-probe-timeout (%lldms), "
		    "or every healthy cluster would go Unknown between two probes",
		    (long long)(c->probe_period_ms + c->probe_timeout_ms));
	if (c->startup_grace_ms < c->monitor_grace_ms)
		add(e, "cluster-startup-grace-period", "must not be shorter than "
		    "--cluster-monitor-grace-period: a joining cluster needs at least as long "
		    "as a known one");
	if (c->detector == TB_DETECT_THRESHOLD && c->failure_threshold_ms &&
	    c->failure_threshold_ms < c->probe_period_ms)
		add(e, "cluster-failure-threshold", "must not be shorter than "
		    "--cluster-status-update-frequency: one lost probe would mark the cluster "
		    "not ready");
	if (c->probe_timeout_ms > c->probe_period_ms * 4)
		add(e, "cluster-probe-timeout", "must not exceed four probe periods: a hung "
		    "member would hold that many probes at once");
	if (c->not_ready_toleration_s < -1)
		add(e, "default-not-ready-toleration-seconds", "must be -1 (none) or more");
	if (c->unreachable_toleration_s < -1)
		add(e, "default-unreachable-toleration-seconds", "must be -1 (none) or more");
	if (c->phi_threshold <= 0)
		add(e, "phi-threshold", "must be positive");
	if (c->phi_min_stddev_ms <= 0)
		add(e, "phi-min-stddev", "must be positive");
	if (c->mass_outage_threshold < 0 || c->mass_outage_threshold > 1)
		add(e, "mass-outage-threshold", "must be between 0 (off) and 1");
	if (c->mass_outage_min_clusters < 1)
		add(e, "mass-outage-min-clusters", "must be at least 1");
	if (c->eviction_rate <= 0)
		add(e, "resource-eviction-rate", "must be positive");
	if (c->eviction_burst < 1)
		add(e, "resource-eviction-burst", "must be at least 1");
	return e->n == before ? 0 : -TB_EINVAL;
}

void tb_config_help(const struct tb_failover_config *c, struct tb_strbuf *out)
{
	char v[64];
	size_t i;

	for (i = 0; i < NSETTINGS; i++) {
		fmt_value(c, &settings[i], v, sizeof(v));
		tb_strbuf_addf(out, "  --%s=%s\n        %s\n", settings[i].name, v, settings[i].help);
	}
}
