/* Scenario decoding (scenario.h): a schema for the Scenario kind, then the
 * durations and quantities turned into numbers. */
#include "sim/scenario.h"
#include "api/duration.h"
#include "lib/mem.h"

#include <stdlib.h>
#include <string.h>

struct sc_cluster {
	char *name;
	char *provider, *region;
	TB_VEC(char *) zones;
	struct tb_strmap labels;
	struct tb_reslist capacity;
	char *latency, *jitter, *ready_delay;
};

struct sc_fault {
	char *at;
	char *cluster;
	char *kind;
	char *latency, *jitter, *period, *duration;
	char *key, *effect;
};

struct sc_spec {
	char *duration, *step;
	json_t *settings;
	TB_VEC(struct sc_cluster) clusters;
	TB_VEC(struct sc_fault) faults;
};

struct sc_doc {
	char *api_version, *kind;
	struct tb_meta metadata;
	struct sc_spec spec;
};

static const char *const fault_kinds[] = {
	"down", "hang", "slow", "flap", "error", "partition", "recover", "taint", "untaint", NULL
};

const char *tb_fault_name(enum tb_fault_kind k)
{
	return fault_kinds[k];
}

static const char *const taint_effects[] = { "NoSchedule", "NoExecute", NULL };

static const struct tb_field cluster_fields[] = {
	TB_F("name", TB_FT_STRING, TB_FF_REQUIRED, struct sc_cluster, name),
	TB_F("provider", TB_FT_STRING, 0, struct sc_cluster, provider),
	TB_F("region", TB_FT_STRING, 0, struct sc_cluster, region),
	TB_F("zones", TB_FT_STRING, TB_FF_ARRAY, struct sc_cluster, zones),
	TB_F("labels", TB_FT_STRMAP, 0, struct sc_cluster, labels),
	TB_F("capacity", TB_FT_RESLIST, 0, struct sc_cluster, capacity),
	TB_F("latency", TB_FT_STRING, 0, struct sc_cluster, latency),
	TB_F("jitter", TB_FT_STRING, 0, struct sc_cluster, jitter),
	TB_F("readyDelay", TB_FT_STRING, 0, struct sc_cluster, ready_delay),
	TB_F_END
};

static const struct tb_schema cluster_schema = {
	"SimCluster", sizeof(struct sc_cluster), cluster_fields, "A simulated member cluster."
};

static const struct tb_field fault_fields[] = {
	TB_F("at", TB_FT_STRING, TB_FF_REQUIRED, struct sc_fault, at),
	TB_F("cluster", TB_FT_STRING, 0, struct sc_fault, cluster),
	TB_F("kind", TB_FT_STRING, TB_FF_REQUIRED, struct sc_fault, kind, .enums = fault_kinds),
	TB_F("latency", TB_FT_STRING, 0, struct sc_fault, latency),
	TB_F("jitter", TB_FT_STRING, 0, struct sc_fault, jitter),
	TB_F("period", TB_FT_STRING, 0, struct sc_fault, period),
	TB_F("duration", TB_FT_STRING, 0, struct sc_fault, duration),
	TB_F("key", TB_FT_STRING, 0, struct sc_fault, key),
	TB_F("effect", TB_FT_STRING, 0, struct sc_fault, effect, .enums = taint_effects),
	TB_F_END
};

static const struct tb_schema fault_schema = {
	"SimFault", sizeof(struct sc_fault), fault_fields, "A fault injected at a time."
};

static const struct tb_field spec_fields[] = {
	TB_F("duration", TB_FT_STRING, TB_FF_REQUIRED, struct sc_spec, duration),
	TB_F("step", TB_FT_STRING, 0, struct sc_spec, step),
	TB_F("settings", TB_FT_RAW, TB_FF_OBJONLY, struct sc_spec, settings),
	TB_F("clusters", TB_FT_OBJECT, TB_FF_ARRAY | TB_FF_REQUIRED, struct sc_spec, clusters,
	     .sub = &cluster_schema),
	TB_F("faults", TB_FT_OBJECT, TB_FF_ARRAY, struct sc_spec, faults, .sub = &fault_schema),
	TB_F_END
};

static const struct tb_schema spec_schema = {
	"ScenarioSpec", sizeof(struct sc_spec), spec_fields, NULL
};

static const struct tb_field doc_fields[] = {
	TB_F("apiVersion", TB_FT_STRING, 0, struct sc_doc, api_version),
	TB_F("kind", TB_FT_STRING, 0, struct sc_doc, kind),
	TB_F("metadata", TB_FT_OBJECT, 0, struct sc_doc, metadata, .sub = &tb_meta_schema),
	TB_F("spec", TB_FT_OBJECT, TB_FF_REQUIRED, struct sc_doc, spec, .sub = &spec_schema),
	TB_F_END
};

static const struct tb_schema doc_schema = {
	"Scenario", sizeof(struct sc_doc), doc_fields, NULL
};

/* A duration field: "" or NULL leaves *out as is. */
static void dur(const char *s, int64_t *out, struct tb_path *p, const char *field,
		struct tb_errs *errs)
{
	struct tb_err err = TB_ERR_INIT;
	int64_t ns;
	size_t mark;

	if (!s || !*s)
		return;
	mark = tb_path_field(p, field);
	if (tb_duration_parse(s, &ns, &err) < 0 || ns < 0)
		tb_errs_invalid_str(errs, p, s, "%s", err.code ? err.msg : "must not be negative");
	else
		*out = ns / 1000000;
	tb_path_pop(p, mark);
}

static bool is_scenario(const json_t *j)
{
	const json_t *k = json_object_get(j, "kind");

	return json_is_string(k) && !strcmp(json_string_value(k), "Scenario");
}

static int cmp_fault(const void *a, const void *b)
{
	const struct tb_sim_fault *x = a, *y = b;

	return x->at_ms < y->at_ms ? -1 : x->at_ms > y->at_ms;
}

static int load_settings(const json_t *settings, struct tb_failover_config *cfg,
			 struct tb_errs *errs)
{
	struct tb_path p = TB_PATH_INIT;
	struct tb_err err = TB_ERR_INIT;
	const json_t *prof = json_object_get(settings, "profile");
	const char *k;
	json_t *v;
	char buf[64];

	tb_path_set(&p, "spec.settings");
	tb_config_init(cfg);
	if (prof && (!json_is_string(prof) ||
		     tb_config_profile(cfg, json_string_value(prof), &err) < 0)) {
		tb_path_field(&p, "profile");
		tb_errs_invalid_raw(errs, &p, NULL, "%s", err.code ? err.msg : "must be a string");
		tb_path_set(&p, "spec.settings");
	}
	json_object_foreach((json_t *)settings, k, v) {
		size_t mark = tb_path_field(&p, k);

		if (!strcmp(k, "profile")) {
			tb_path_pop(&p, mark);
			continue;
		}
		if (json_is_string(v))
			snprintf(buf, sizeof(buf), "%s", json_string_value(v));
		else if (json_is_integer(v))
			snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		else if (json_is_real(v))
			snprintf(buf, sizeof(buf), "%.17g", json_real_value(v));
		else if (json_is_boolean(v))
			snprintf(buf, sizeof(buf), "%s", json_is_true(v) ? "true" : "false");
		else
			buf[0] = '\0';
		if (tb_config_set(cfg, k, buf, &err) < 0)
			tb_errs_invalid_raw(errs, &p, NULL, "%s", err.msg);
		tb_path_pop(&p, mark);
	}
	return tb_config_validate(cfg, errs);
}

int tb_scenario_load(const struct tb_docs *docs, struct tb_scenario *sc, struct tb_errs *errs,
		     struct tb_err *err)
{
	struct tb_policy_defaults d = TB_POLICY_DEFAULTS_INIT;
	struct tb_path p = TB_PATH_INIT;
	struct sc_doc doc;
	const json_t *sj = NULL;
	size_t i, k, before = errs->n;

	memset(sc, 0, sizeof(*sc));
	memset(&doc, 0, sizeof(doc));
	for (i = 0; i < docs->n; i++) {
		if (!is_scenario(docs->v[i].json))
			continue;
		if (sj)
			return tb_error(err, TB_EINVAL, "more than one Scenario document (line %u)",
					docs->v[i].line);
		sj = docs->v[i].json;
	}
	if (!sj)
		return tb_error(err, TB_EINVAL, "no Scenario document: the first document should "
				"be `apiVersion: sim.tugboat.io/v1alpha1, kind: Scenario`");
	if (!json_is_string(json_object_get(sj, "apiVersion")) ||
	    strcmp(json_string_value(json_object_get(sj, "apiVersion")), "sim.tugboat.io/v1alpha1"))
		return tb_error(err, TB_EINVAL, "the Scenario's apiVersion must be "
				"sim.tugboat.io/v1alpha1");
	/* Go on after decoding errors: every other problem is worth reporting
	 * too, and everything below copes with missing fields. */
	tb_schema_decode(&doc_schema, sj, &doc, &p, errs, NULL);
	sc->name = tb_strdup(doc.metadata.name ? doc.metadata.name : "scenario");
	sc->step_ms = 10;
	tb_path_set(&p, "spec");
	dur(doc.spec.duration, &sc->duration_ms, &p, "duration", errs);
	dur(doc.spec.step, &sc->step_ms, &p, "step", errs);
	if (sc->step_ms <= 0 || sc->step_ms > 1000) {
		tb_path_set(&p, "spec.step");
		tb_errs_invalid_str(errs, &p, doc.spec.step ? doc.spec.step : "",
				    "must be between 1ms and 1s");
	}
	load_settings(doc.spec.settings, &sc->cfg, errs);
	sc->clusters = tb_calloc(doc.spec.clusters.n + 1, sizeof(*sc->clusters));
	for (i = 0; i < doc.spec.clusters.n; i++) {
		struct sc_cluster *in = &doc.spec.clusters.v[i];
		struct tb_sim_cluster *c = &sc->clusters[sc->nclusters++];
		const struct tb_quantity *q;

		tb_path_set(&p, "spec.clusters");
		tb_path_index(&p, i);
		c->name = tb_strdup(in->name ? in->name : "");
		c->latency_ms = 20;
		c->jitter_ms = 5;
		c->ready_delay_ms = 2000;
		dur(in->latency, &c->latency_ms, &p, "latency", errs);
		dur(in->jitter, &c->jitter_ms, &p, "jitter", errs);
		dur(in->ready_delay, &c->ready_delay_ms, &p, "readyDelay", errs);
		c->cpu_milli = (q = tb_reslist_get(&in->capacity, "cpu")) ? tb_quantity_milli(q) : 16000;
		c->memory = (q = tb_reslist_get(&in->capacity, "memory")) ? tb_quantity_value(q) :
			    64LL << 30;
		c->pods = (q = tb_reslist_get(&in->capacity, "pods")) ? tb_quantity_value(q) : 110;
		for (k = 0; k < i; k++)
			if (!strcmp(sc->clusters[k].name, c->name)) {
				size_t m = tb_path_field(&p, "name");
				tb_errs_duplicate(errs, &p, c->name, NULL);
				tb_path_pop(&p, m);
			}
		/* The Cluster object, as `tugctl join` would create it. */
		c->obj.api_version = tb_strdup("cluster.karmada.io/v1alpha1");
		c->obj.kind = tb_strdup("Cluster");
		c->obj.metadata.name = tb_strdup(c->name);
		for (k = 0; k < in->labels.n; k++)
			tb_strmap_set(&c->obj.metadata.labels, in->labels.v[k].key,
				      in->labels.v[k].value);
		c->obj.spec.sync_mode = tb_strdup("Push");
		c->obj.spec.provider = in->provider ? tb_strdup(in->provider) : NULL;
		c->obj.spec.region = in->region ? tb_strdup(in->region) : NULL;
		for (k = 0; k < in->zones.n; k++)
			tb_strvec_push(&c->obj.spec.zones, in->zones.v[k]);
	}
	sc->faults = tb_calloc(doc.spec.faults.n + 1, sizeof(*sc->faults));
	for (i = 0; i < doc.spec.faults.n; i++) {
		struct sc_fault *in = &doc.spec.faults.v[i];
		struct tb_sim_fault *f = &sc->faults[sc->nfaults++];

		tb_path_set(&p, "spec.faults");
		tb_path_index(&p, i);
		for (k = 0; fault_kinds[k] && in->kind; k++)
			if (!strcmp(fault_kinds[k], in->kind))
				f->kind = (enum tb_fault_kind)k;
		dur(in->at, &f->at_ms, &p, "at", errs);
		dur(in->latency, &f->latency_ms, &p, "latency", errs);
		dur(in->jitter, &f->jitter_ms, &p, "jitter", errs);
		dur(in->period, &f->period_ms, &p, "period", errs);
		dur(in->duration, &f->duration_ms, &p, "duration", errs);
		f->cluster = -1;
		if (f->kind == TB_FAULT_PARTITION) {
			if (in->cluster) {
				size_t m = tb_path_field(&p, "cluster");
				tb_errs_forbidden(errs, &p, "a partition cuts the control plane from "
						  "every cluster");
				tb_path_pop(&p, m);
			}
		} else {
			for (k = 0; in->cluster && k < sc->nclusters; k++)
				if (!strcmp(sc->clusters[k].name, in->cluster))
					f->cluster = (int)k;
			if (f->cluster < 0) {
				size_t m = tb_path_field(&p, "cluster");
				if (in->cluster)
					tb_errs_invalid_str(errs, &p, in->cluster, "no such cluster "
							    "in spec.clusters");
				else
					tb_errs_required(errs, &p, NULL);
				tb_path_pop(&p, m);
			}
		}
		if (f->kind == TB_FAULT_TAINT || f->kind == TB_FAULT_UNTAINT) {
			f->key = tb_strdup(in->key ? in->key : "");
			f->effect = tb_strdup(in->effect ? in->effect : "");
			if (!in->key || !*in->key || !in->effect) {
				size_t m = tb_path_field(&p, in->key && *in->key ? "effect" : "key");
				tb_errs_required(errs, &p, "a taint needs its key and effect");
				tb_path_pop(&p, m);
			}
		}
		if (f->kind == TB_FAULT_FLAP && f->period_ms <= 0) {
			size_t m = tb_path_field(&p, "period");
			tb_errs_required(errs, &p, "a flap needs its period");
			tb_path_pop(&p, m);
		}
	}
	qsort(sc->faults, sc->nfaults, sizeof(*sc->faults), cmp_fault);
	/* Every other document is a Karmada object, admitted as tugd would,
	 * with the default tolerations the settings give. */
	d.not_ready_toleration_seconds = sc->cfg.not_ready_toleration_s;
	d.unreachable_toleration_seconds = sc->cfg.unreachable_toleration_s;
	sc->objects = tb_calloc(docs->n + 1, sizeof(*sc->objects));
	for (i = 0; i < docs->n; i++) {
		struct tb_object *o;
		size_t b0 = errs->n;

		if (is_scenario(docs->v[i].json))
			continue;
		o = &sc->objects[sc->nobjects++];
		tb_object_admit(docs->v[i].json, o, &d, 0, errs);
		for (k = b0; k < errs->n; k++) {
			struct tb_strbuf sb = TB_STRBUF_INIT;
			tb_strbuf_addf(&sb, "line %u: %s", docs->v[i].line, errs->v[k].field);
			tb_free(errs->v[k].field);
			errs->v[k].field = tb_strbuf_detach(&sb, NULL);
		}
	}
	tb_schema_release(&doc_schema, &doc);
	return errs->n == before ? 0 : -TB_EINVAL;
}

void tb_scenario_release(struct tb_scenario *sc)
{
	size_t i;

	for (i = 0; i < sc->nclusters; i++) {
		tb_free(sc->clusters[i].name);
		tb_schema_release(&tb_cluster_schema, &sc->clusters[i].obj);
	}
	tb_free(sc->clusters);
	for (i = 0; i < sc->nfaults; i++) {
		tb_free(sc->faults[i].key);
		tb_free(sc->faults[i].effect);
	}
	tb_free(sc->faults);
	for (i = 0; i < sc->nobjects; i++)
		tb_object_release(&sc->objects[i]);
	tb_free(sc->objects);
	tb_free(sc->name);
	memset(sc, 0, sizeof(*sc));
}
