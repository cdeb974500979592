/* Failover settings: one table defines every setting's flag name (Karmada's,
 * where Karmada has one), unit, default and help; parsing, printing and
 * validation all read that table. Two profiles: "karmada" (the defaults the
 * mission's source quotes, minutes to fail over) and "fast" (seconds).
 * Pure: no I/O. */
#ifndef TB_CONFIG_H
#define TB_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/strbuf.h"

enum tb_detector {
	TB_DETECT_THRESHOLD,	/* Karmada: a state must persist for the threshold */
	TB_DETECT_PHI,		/* phi-accrual on probe arrival times */
};

struct tb_failover_config {
	int64_t probe_period_ms;		/* --cluster-status-update-frequency */
	int64_t probe_timeout_ms;		/* --cluster-probe-timeout */
	int64_t monitor_period_ms;		/* --cluster-monitor-period */
	int64_t monitor_grace_ms;		/* --cluster-monitor-grace-period */
	int64_t startup_grace_ms;		/* --cluster-startup-grace-period */
	int64_t success_threshold_ms;		/* --cluster-success-threshold */
	int64_t failure_threshold_ms;		/* --cluster-failure-threshold */
	int64_t eviction_timeout_ms;		/* --failover-eviction-timeout */
	int64_t eviction_retry_ms;		/* --cluster-taint-eviction-retry-frequency */
	int64_t graceful_eviction_timeout_ms;	/* --graceful-eviction-timeout */
	int64_t not_ready_toleration_s;		/* --default-not-ready-toleration-seconds */
	int64_t unreachable_toleration_s;	/* --default-unreachable-toleration-seconds */
	int64_t detector;			/* --failure-detector (enum tb_detector) */
	double phi_threshold;			/* --phi-threshold */
	int64_t phi_min_stddev_ms;		/* --phi-min-stddev */
	double mass_outage_threshold;		/* --mass-outage-threshold (0 disables) */
	int64_t mass_outage_min_clusters;	/* --mass-outage-min-clusters */
	double eviction_rate;			/* --resource-eviction-rate, bindings/s */
	int64_t eviction_burst;			/* --resource-eviction-burst */
	bool capacity_aware_eviction;		/* --capacity-aware-eviction */
};

/* The defaults the mission's source quotes for Karmada (failover in minutes). */
void tb_config_init(struct tb_failover_config *c);

/* Applies a named profile: "karmada" (the defaults) or "fast". */
int tb_config_profile(struct tb_failover_config *c, const char *name, struct tb_err *err);

/* Sets one setting by its flag name (without "--"): durations as Go
 * durations ("500ms", "1m"), seconds as integers, rates as decimals, booleans
 * as true/false, the detector as threshold|phi. */
int tb_config_set(struct tb_failover_config *c, const char *name, const char *value,
		  struct tb_err *err);

/* Rejects combinations that cannot work, each with the flags involved. */
int tb_config_validate(const struct tb_failover_config *c, struct tb_errs *errs);

/* Every setting as "--name=value  help", for --help and docs. */
void tb_config_help(const struct tb_failover_config *c, struct tb_strbuf *out);

/* Is name one of the settings (for option parsers)? */
bool tb_config_has(const char *name);

#endif
