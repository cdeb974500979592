/* The deterministic failover simulator behind `tugctl sim`: the real
 * controllers (src/ctrl) run against simulated members on a virtual clock,
 * faults are injected on schedule, invariants are checked after every step,
 * and the run prints a timeline and a summary. The same scenario and seed
 * always give byte-identical output. */
#ifndef TB_SIM_H
#define TB_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/strbuf.h"
#include "sim/scenario.h"

struct tb_sim_opts {
	uint64_t seed;
	bool json;		/* JSON output instead of text */
	bool quiet;		/* summary and violations only */
};

struct tb_sim_report {
	char *violation;	/* the first invariant broken (with its time), or NULL */
	size_t evictions, false_evictions, events;
	int64_t worst_detection_ms, worst_recovery_ms;	/* -1 when not applicable */
};

/* Runs sc (not modified) and appends the timeline and summary to out. */
void tb_sim_run(const struct tb_scenario *sc, const struct tb_sim_opts *o, struct tb_strbuf *out,
		struct tb_sim_report *rep);
void tb_sim_report_release(struct tb_sim_report *rep);

/* A random but valid scenario for seed: 3-6 clusters, one workload per
 * replica strategy, and a random fault schedule. For sweeps. */
void tb_sim_random_scenario(uint64_t seed, struct tb_scenario *sc);

#endif
