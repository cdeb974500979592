/* tugctl sim: run a failover scenario on a virtual clock and print what
 * happened. Exit 0 when every invariant held, 1 when one broke (named, with
 * its time), 2 on bad input. */
#include "api/codec.h"
#include "cmd/cli.h"
#include "lib/mem.h"
#include "sim/sim.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
"Usage: tugctl sim -f SCENARIO [--seed N] [-o text|json] [-q]\n"
"       tugctl sim -f SCENARIO --sweep N     (seeds 1..N)\n"
"       tugctl sim --random --sweep N        (N random scenarios)\n"
"       tugctl sim --random --seed N         (the timeline of random scenario N)\n"
"\n"
"Runs Tugboat's failover controllers against simulated member clusters on a\n"
"virtual clock. SCENARIO is a `kind: Scenario` document (sim.tugboat.io/v1alpha1:\n"
"duration, failover settings, clusters, faults) followed by Karmada manifests.\n"
"Prints the timeline (time, what happened, why) and a summary; checks the\n"
"invariants after every step. The same scenario and seed give the same bytes.\n"
"\n"
"Flags:\n"
"  -f, --filename PATH   scenario file, or - for stdin\n"
"      --seed N          seed for latencies, jitter and probe phases (default 1)\n"
"  -o, --output FORMAT   text (default) or json\n"
"  -q, --quiet           only the summary\n"
"      --sweep N         run seeds 1..N; print one line per seed; each seed is run\n"
"                        twice to check the output is identical\n"
"      --random          with --sweep: a random scenario per seed; with --seed N:\n"
"                        random scenario N alone, with its timeline\n");
}

static int sweep(const struct tb_scenario *fixed, uint64_t n)
{
	struct tb_sim_opts o = { .quiet = true };
	struct tb_strbuf a = TB_STRBUF_INIT, b = TB_STRBUF_INIT;
	struct tb_sim_report ra, rb;
	struct tb_scenario rs;
	uint64_t seed;
	size_t failed = 0, evictions = 0, false_ev = 0;
	int64_t worst_det = -1;

	for (seed = 1; seed <= n; seed++) {
		const struct tb_scenario *sc = fixed;

		if (!fixed) {
			tb_sim_random_scenario(seed, &rs);
			sc = &rs;
		}
		o.seed = seed;
		tb_strbuf_reset(&a);
		tb_strbuf_reset(&b);
		tb_sim_run(sc, &o, &a, &ra);
		tb_sim_run(sc, &o, &b, &rb);
		if (strcmp(a.buf, b.buf)) {
			printf("seed %llu: FAIL: two runs gave different output\n",
			       (unsigned long long)seed);
			failed++;
		} else if (ra.violation) {
			printf("seed %llu: FAIL: %s\n", (unsigned long long)seed, ra.violation);
			failed++;
		}
		evictions += ra.evictions;
		false_ev += ra.false_evictions;
		if (ra.worst_detection_ms > worst_det)
			worst_det = ra.worst_detection_ms;
		tb_sim_report_release(&ra);
		tb_sim_report_release(&rb);
		if (!fixed)
			tb_scenario_release(&rs);
	}
	printf("%llu seeds, %zu failed; %zu evictions (%zu from clusters still serving); "
	       "slowest detection %lld ms\n", (unsigned long long)n, failed, evictions, false_ev,
	       (long long)worst_det);
	tb_strbuf_release(&a);
	tb_strbuf_release(&b);
	return failed ? 1 : 0;
}

int tb_cmd_sim(int argc, char **argv)
{
	enum { OPT_SEED = 256, OPT_SWEEP, OPT_RANDOM };
	static const struct option opts[] = {
		{ "filename", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "sweep", required_argument, NULL, OPT_SWEEP },
		{ "random", no_argument, NULL, OPT_RANDOM },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct tb_sim_opts o = { .seed = 1 };
	struct tb_docs docs = TB_DOCS_INIT;
	struct tb_errs errs = TB_ERRS_INIT;
	struct tb_err err = TB_ERR_INIT;
	struct tb_strbuf sb = TB_STRBUF_INIT;
	struct tb_sim_report rep;
	struct tb_scenario sc = { 0 };
	const char *file = NULL;
	int64_t v, nsweep = 0;
	bool random = false;
	size_t len, i;
	char *buf = NULL;
	int opt, rc = 2;

	memset(&sc, 0, sizeof(sc));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:o:qh", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			file = optarg;
			break;
		case 'o':
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				fprintf(stderr, "tugctl sim: unsupported output format \"%s\": use "
					"text or json\n", optarg);
				return 2;
			}
			o.json = !strcmp(optarg, "json");
			break;
		case 'q':
			o.quiet = true;
			break;
		case OPT_SEED:
		case OPT_SWEEP:
			if (tb_cli_parse_int(optarg, &v) < 0 || v < (opt == OPT_SEED ? 0 : 1)) {
				fprintf(stderr, "tugctl sim: --%s: invalid value \"%s\"\n",
					opt == OPT_SEED ? "seed" : "sweep", optarg);
				return 2;
			}
			if (opt == OPT_SEED)
				o.seed = (uint64_t)v;
			else
				nsweep = v;
			break;
		case OPT_RANDOM:
			random = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || (!file && !random) || (random && file)) {
		fprintf(stderr, "tugctl sim: give -f SCENARIO, or --random with --sweep N or "
			"--seed N\n");
		usage(stderr);
		return 2;
	}
	if (random && nsweep)
		return sweep(NULL, (uint64_t)nsweep);
	if (random) {
		/* One random scenario, with its timeline: what a sweep failure was. */
		tb_sim_random_scenario(o.seed, &sc);
		tb_sim_run(&sc, &o, &sb, &rep);
		fwrite(sb.buf, 1, sb.len, stdout);
		rc = rep.violation ? 1 : 0;
		tb_sim_report_release(&rep);
		goto out;
	}
	if (tb_cli_read_file(file, &buf, &len, &err) < 0) {
		fprintf(stderr, "tugctl sim: %s: %s\n", file, err.msg);
		return 2;
	}
	if (tb_codec_decode(buf, len, &docs, &err) < 0) {
		fprintf(stderr, "tugctl sim: %s: %s\n", file, err.msg);
		goto out;
	}
	if (tb_scenario_load(&docs, &sc, &errs, &err) < 0) {
		if (!errs.n)
			fprintf(stderr, "tugctl sim: %s: %s\n", file, err.msg);
		for (i = 0; i < errs.n; i++) {
			tb_strbuf_reset(&sb);
			tb_ferr_format(&errs.v[i], &sb);
			fprintf(stderr, "tugctl sim: %s: %s\n", file, sb.buf);
		}
		goto out;
	}
	if (nsweep) {
		rc = sweep(&sc, (uint64_t)nsweep);
		goto out;
	}
	tb_strbuf_reset(&sb);
	tb_sim_run(&sc, &o, &sb, &rep);
	fwrite(sb.buf, 1, sb.len, stdout);
	rc = rep.violation ? 1 : 0;
	tb_sim_report_release(&rep);
out:
	tb_scenario_release(&sc);
	tb_docs_release(&docs);
	tb_errs_release(&errs);
	tb_strbuf_release(&sb);
	tb_free(buf);
	return rc;
}
