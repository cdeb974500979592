/* tugctl schedule: what the scheduler would do, offline. Reads Clusters, a
 * policy and a binding (or a template) and prints the binding with its new
 * spec.clusters. Exit 0 scheduled, 1 nothing fits (reason on stderr), 2 bad
 * input (errors with field paths). */
#include "api/codec.h"
#include "api/yaml.h"
#include "cmd/cli.h"
#include "core/whatif.h"
#include "lib/mem.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

enum out_format { OUT_YAML, OUT_JSON, OUT_WIDE };

static void usage(FILE *f)
{
	fprintf(f,
"Usage: tugctl schedule -f FILE [-f ...] [-o yaml|json|wide]\n"
"\n"
"Shows what Tugboat's scheduler (Karmada's semantics) would do. FILE holds\n"
"Cluster objects, one PropagationPolicy or ClusterPropagationPolicy, and either\n"
"one ResourceBinding (the current state: spec.clusters, gracefulEvictionTasks...)\n"
"or one resource template such as a Deployment (a fresh binding is derived from\n"
"it as Karmada's detector would). A policy's placement replaces the binding's.\n"
"\n"
"Prints the binding with the new spec.clusters (sorted by name) and exits 0;\n"
"exits 1 with the reason on stderr when nothing fits; exits 2 on bad input.\n"
"\n"
"Flags:\n"
"  -f, --filename PATH   manifest file, or - for stdin; repeatable\n"
"  -o, --output FORMAT   yaml (default), json, or wide: a table of every cluster,\n"
"                        its replicas, estimated available replicas and why it was\n"
"                        chosen or filtered\n");
}

static void print_wide(const struct tb_whatif *w)
{
	const struct tb_sched_result *r = &w->result;
	size_t i, width = 7;
	char avail[32];

	for (i = 0; i < r->verdicts.n; i++)
		if (strlen(r->verdicts.v[i].cluster) > width)
			width = strlen(r->verdicts.v[i].cluster);
	printf("%-*s  %-8s  %-9s  %-5s  %s\n", (int)width, "CLUSTER", "REPLICAS", "AVAILABLE",
	       "SCORE", "WHY");
	for (i = 0; i < r->verdicts.n; i++) {
		const struct tb_sched_verdict *v = &r->verdicts.v[i];
		const char *why;

		if (v->available < 0)
			snprintf(avail, sizeof(avail), "-");
		else
			snprintf(avail, sizeof(avail), "%lld", (long long)v->available);
		if (v->filtered)
			why = v->detail ? v->detail : v->filtered;
		else if (!v->selected)
			why = "feasible, not selected (spread constraints)";
		else if (v->replicas > 0 || !w->binding->spec.replicas)
			why = "selected";
		else
			why = "selected, no replicas assigned";
		printf("%-*s  %-8lld  %-9s  %-5lld  %s%s\n", (int)width, v->cluster,
		       (long long)v->replicas, avail, (long long)(v->filtered ? 0 : v->score),
		       v->filtered ? "filtered: " : "", why);
	}
	if (r->affinity_name)
		printf("\nclusterAffinities term used: %s\n", r->affinity_name);
}

int tb_cmd_schedule(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "filename", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct tb_docs docs = TB_DOCS_INIT;
	struct tb_errs errs = TB_ERRS_INIT;
	struct tb_err err = TB_ERR_INIT;
	struct tb_strbuf sb = TB_STRBUF_INIT;
	enum out_format out = OUT_YAML;
	struct tb_whatif w;
	const char **files = NULL;
	size_t nfiles = 0, alloc = 0, i, len;
	char *buf;
	json_t *j;
	int opt, rc = 2;

	memset(&w, 0, sizeof(w));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			TB_GROW(files, alloc, nfiles + 1);
			files[nfiles++] = optarg;
			break;
		case 'o':
			if (!strcmp(optarg, "yaml")) {
				out = OUT_YAML;
			} else if (!strcmp(optarg, "json")) {
				out = OUT_JSON;
			} else if (!strcmp(optarg, "wide")) {
				out = OUT_WIDE;
			} else {
				fprintf(stderr, "tugctl schedule: unsupported output format \"%s\": "
					"use yaml, json or wide\n", optarg);
				goto out;
			}
			break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto out;
		default:
			usage(stderr);
			goto out;
		}
	}
	if (optind < argc || !nfiles) {
		fprintf(stderr, optind < argc ? "tugctl schedule: unexpected argument \"%s\"\n" :
			"tugctl schedule: no input: give -f FILE%s\n", optind < argc ? argv[optind] : "");
		usage(stderr);
		goto out;
	}
	for (i = 0; i < nfiles; i++) {
		if (tb_cli_read_file(files[i], &buf, &len, &err) < 0) {
			fprintf(stderr, "tugctl schedule: %s: %s\n", files[i], err.msg);
			goto out;
		}
		if (tb_codec_decode(buf, len, &docs, &err) < 0) {
			fprintf(stderr, "tugctl schedule: %s: %s\n", files[i], err.msg);
			tb_free(buf);
			goto out;
		}
		tb_free(buf);
	}
	rc = tb_whatif_run(&docs, tb_cli_now_ms(), &w, &errs, &err);
	if (rc == TB_WHATIF_INVALID) {
		if (errs.n) {
			for (i = 0; i < errs.n; i++) {
				tb_strbuf_reset(&sb);
				tb_ferr_format(&errs.v[i], &sb);
				fprintf(stderr, "tugctl schedule: %s\n", sb.buf);
			}
		} else {
			fprintf(stderr, "tugctl schedule: %s\n", err.msg);
		}
		goto out;
	}
	if (out == OUT_WIDE) {
		print_wide(&w);
	} else if (rc == TB_WHATIF_OK) {
		j = tb_whatif_binding_json(&w);
		if (out == OUT_JSON)
			tb_codec_emit_json(j, &sb);
		else
			tb_yaml_emit(j, &sb);
		fwrite(sb.buf, 1, sb.len, stdout);
		json_decref(j);
	}
	if (rc == TB_WHATIF_UNSCHEDULABLE)
		fprintf(stderr, "tugctl schedule: %s\n", w.result.error);
out:
	tb_whatif_release(&w);
	tb_docs_release(&docs);
	tb_errs_release(&errs);
	tb_strbuf_release(&sb);
	tb_free(files);
	return rc;
}
