/* meta.k8s.io/v1 Tables for `kubectl get`: for each kind, the columns its
 * upstream server prints. Cluster follows karmada-aggregated-apiserver's
 * printer, the other Karmada kinds their CRDs' additionalPrinterColumns (as
 * kube-apiserver's CRD table convertor renders them: a missing value is a
 * null cell), and the resource templates kube-apiserver's printers. Like
 * kube-apiserver, every column is sent, wide (priority 1) ones included;
 * kubectl shows those with -o wide only. Cells are computed from the objects
 * as served; nothing here reads the store or the clock. */
#include "server/apidoc.h"
#include "api/timefmt.h"
#include "lib/mem.h"
#include "lib/strbuf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct col {
	const char *name, *type, *format;
	int priority;
	const char *doc;
};

struct printer {
	const char *kind;
	const struct col *cols;		/* NAME first unless own_name; ends with { NULL } */
	/* Appends the cells after NAME, one per column (all of them: own_name). */
	void (*row)(json_t *cells, const json_t *obj, int64_t now_ms);
	bool own_name;
};

/* ---- HumanDuration -------------------------------------------------------------------- */

/* "<a><ua>", then "<b><ub>" unless b is 0. */
static const char *units(char *buf, int64_t a, const char *ua, int64_t b, const char *ub)
{
	if (b)
		snprintf(buf, TB_HUMAN_DURATION_BUFSZ, "%" PRId64 "%s%" PRId64 "%s", a, ua, b, ub);
	else
		snprintf(buf, TB_HUMAN_DURATION_BUFSZ, "%" PRId64 "%s", a, ua);
	return buf;
}

/* k8s.io/apimachinery/pkg/util/duration.HumanDuration, rule for rule, on ms
 * (Go's integer conversions truncate toward zero, as C's division does). */
const char *tb_human_duration(int64_t ms, char *buf)
{
	int64_t seconds = ms / 1000, minutes = ms / 60000, hours = ms / 3600000;

	/* Up to 2s (excluded) in the future is clock skew: "now". */
	if (seconds < -1) {
		snprintf(buf, TB_HUMAN_DURATION_BUFSZ, "<invalid>");
		return buf;
	}
	if (seconds < 60 * 2)
		return units(buf, seconds < 0 ? 0 : seconds, "s", 0, NULL);
	if (minutes < 10)
		return units(buf, minutes, "m", seconds % 60, "s");
	if (minutes < 60 * 3)
		return units(buf, minutes, "m", 0, NULL);
	if (hours < 8)
		return units(buf, hours, "h", minutes % 60, "m");
	if (hours < 48)
		return units(buf, hours, "h", 0, NULL);
	if (hours < 24 * 8)
		return units(buf, hours / 24, "d", hours % 24, "h");
	if (hours < 24 * 365 * 2)
		return units(buf, hours / 24, "d", 0, NULL);
	if (hours < 24 * 365 * 8)
		return units(buf, hours / 24 / 365, "y", hours / 24 % 365, "d");
	return units(buf, hours / 24 / 365, "y", 0, NULL);
}

/* ---- reading objects ------------------------------------------------------------------ */

/* The value at a dotted path ("status.kubernetesVersion"), or NULL. */
static const json_t *jget(const json_t *o, const char *path)
{
	const char *dot;
	char key[64];
	size_t n;

	while (o && *path) {
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		o = json_object_get(o, key);
		path += n + (dot ? 1 : 0);
	}
	return o;
}

static const char *jstr(const json_t *o, const char *path)
{
	const json_t *v = jget(o, path);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t jint(const json_t *o, const char *path, int64_t dflt)
{
	const json_t *v = jget(o, path);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

static const char *str_or(const char *s, const char *dflt)
{
	return s && *s ? s : dflt;
}

/* The status of condition type in status.conditions, or NULL. */
static const char *condition(const json_t *obj, const char *type)
{
	const json_t *c;
	size_t i;

	json_array_foreach(jget(obj, "status.conditions"), i, c)
		if (!strcmp(str_or(jstr(c, "type"), ""), type))
			return jstr(c, "status");
	return NULL;
}

/* A value as the CRD table convertor prints a "string" column (JSONPath
 * text output: strings bare, other values as JSON); null when absent. */
static json_t *text_cell(const json_t *v)
{
	char *text;
	json_t *j;

	if (!v || json_is_null(v))
		return json_null();
	if (json_is_string(v))
		return json_string(json_string_value(v));
	text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	j = json_string(text ? text : "");
	free(text);	/* jansson's allocator */
	return j;
}

/* AGE: kube's printers say "<unknown>" without a creation time; a CRD
 * "date" column gives null, and "<invalid>" for a value it cannot parse. */
static json_t *age_cell(const json_t *obj, int64_t now_ms, bool crd)
{
	const char *ts = jstr(obj, "metadata.creationTimestamp");
	char buf[TB_HUMAN_DURATION_BUFSZ];
	int64_t ms;

	if (!ts || !*ts)
		return crd ? json_null() : json_string("<unknown>");
	if (tb_time_parse(ts, &ms, NULL) < 0)
		return json_string(crd ? "<invalid>" : "<unknown>");
	return json_string(tb_human_duration(now_ms - ms, buf));
}

static void push(json_t *cells, json_t *v)
{
	json_array_append_new(cells, v);
}

static void push_str(json_t *cells, const char *s)
{
	push(cells, json_string(s ? s : ""));
}

/* Joins the string field key of each element of array a ("," between). */
static void push_joined(json_t *cells, const json_t *a, const char *key, const char *empty)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	const json_t *e;
	size_t i;

	json_array_foreach(a, i, e) {
		if (i)
			tb_strbuf_addch(&sb, ',');
		tb_strbuf_adds(&sb, str_or(key ? jstr(e, key) : json_string_value(e), ""));
	}
	push_str(cells, sb.len || !empty ? sb.buf : empty);
	tb_strbuf_release(&sb);
}

/* ---- label selectors as kubectl prints them ------------------------------------------ */

struct req {
	const char *key;
	char *text;
};

static int req_cmp(const void *a, const void *b)
{
	return strcmp(((const struct req *)a)->key, ((const struct req *)b)->key);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "k in (a,b)": the values sorted, as labels.Requirement.String() does. */
static char *expr_text(const json_t *e)
{
	const char *op = str_or(jstr(e, "operator"), ""), *key = str_or(jstr(e, "key"), "");
	const json_t *vals = json_object_get(e, "values"), *v;
	struct tb_strbuf sb = TB_STRBUF_INIT;
	const char **sorted;
	size_t i, n = 0;

	if (!strcmp(op, "Exists") || !strcmp(op, "DoesNotExist")) {
		tb_strbuf_addf(&sb, "%s%s", op[0] == 'D' ? "!" : "", key);
		return tb_strbuf_detach(&sb, NULL);
	}
	sorted = tb_calloc(json_array_size(vals) + 1, sizeof(*sorted));
	json_array_foreach(vals, i, v)
		if (json_is_string(v))
			sorted[n++] = json_string_value(v);
	qsort(sorted, n, sizeof(*sorted), str_cmp);
	tb_strbuf_addf(&sb, "%s %s (", key, !strcmp(op, "NotIn") ? "notin" : "in");
	for (i = 0; i < n; i++)
		tb_strbuf_addf(&sb, "%s%s", i ? "," : "", sorted[i]);
	tb_strbuf_addch(&sb, ')');
	tb_free(sorted);
	return tb_strbuf_detach(&sb, NULL);
}

/* metav1.LabelSelectorAsSelector(sel).String(), or labels.FormatLabels(map)
 * for a plain map: requirements sorted by key, "" (or empty_text) if none. */
static void push_selector(json_t *cells, const json_t *sel, bool plain_map,
			  const char *empty_text)
{
	const json_t *labels = plain_map ? sel : json_object_get(sel, "matchLabels");
	const json_t *exprs = plain_map ? NULL : json_object_get(sel, "matchExpressions");
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t n = 0, i;
	struct req *v;
	const char *key;
	json_t *val;

	v = tb_calloc(json_object_size(labels) + json_array_size(exprs) + 1, sizeof(*v));
	json_object_foreach((json_t *)labels, key, val) {
		v[n].key = key;
		tb_strbuf_addf(&sb, "%s=%s", key, str_or(json_string_value(val), ""));
		v[n++].text = tb_strbuf_detach(&sb, NULL);
	}
	json_array_foreach(exprs, i, val) {
		v[n].key = str_or(jstr(val, "key"), "");
		v[n++].text = expr_text(val);
	}
	qsort(v, n, sizeof(*v), req_cmp);
	for (i = 0; i < n; i++) {
		tb_strbuf_addf(&sb, "%s%s", i ? "," : "", v[i].text);
		tb_free(v[i].text);
	}
	tb_free(v);
	push_str(cells, sb.len ? sb.buf : empty_text);
	tb_strbuf_release(&sb);
}

/* ---- Karmada kinds -------------------------------------------------------------------- */

#define NAME_DOC "The object's name, unique among its kind in its namespace (or in the " \
	"cluster for cluster-scoped kinds); set at creation and never changed."
#define AGE_DOC "How long ago the object was created (metadata.creationTimestamp, set by " \
	"the server)."
/* What kube-apiserver says of a CRD column without a description. */
#define CRD_DOC(path) "Custom resource definition column (in JSONPath format): " path
#define NAME_COL { "Name", "string", "name", 0, NAME_DOC }
#define AGE_COL { "Age", "string", "", 0, AGE_DOC }
#define CRD_AGE_COL(name) { name, "date", "", 0, CRD_DOC(".metadata.creationTimestamp") }
#define CONTAINER_COLS \
	{ "Containers", "string", "", 1, "The pod template's container names." }, \
	{ "Images", "string", "", 1, "The pod template's container images." }
#define END_COL { NULL, NULL, NULL, 0, NULL }

static const struct col cluster_cols[] = {
	NAME_COL,
	{ "Version", "string", "", 0, "The member's Kubernetes version, as last reported." },
	{ "Mode", "string", "", 0, "Push (the control plane applies Works to the member) or "
	  "Pull (an agent in the member fetches them)." },
	{ "Ready", "string", "", 0, "The member's Ready condition: True, False or Unknown." },
	AGE_COL,
	{ "Zones", "string", "", 1, "The availability zones the member spans." },
	{ "Region", "string", "", 1, "The region the member runs in." },
	{ "Provider", "string", "", 1, "The member's cloud or infrastructure provider." },
	{ "API-Endpoint", "string", "", 1, "Where the member's Kubernetes API is reached." },
	{ "Proxy-URL", "string", "", 1, "The proxy the control plane reaches the member through." },
	END_COL
};

static void cluster_row(json_t *c, const json_t *o, int64_t now_ms)
{
	push_str(c, jstr(o, "status.kubernetesVersion"));
	push_str(c, jstr(o, "spec.syncMode"));
	push_str(c, str_or(condition(o, "Ready"), "Unknown"));
	push(c, age_cell(o, now_ms, false));
	push_joined(c, jget(o, "spec.zones"), NULL, "<none>");
	push_str(c, str_or(jstr(o, "spec.region"), "<none>"));
	push_str(c, str_or(jstr(o, "spec.provider"), "<none>"));
	push_str(c, jstr(o, "spec.apiEndpoint"));
	push_str(c, str_or(jstr(o, "spec.proxyURL"), "<none>"));
}

static const struct col policy_cols[] = {
	NAME_COL,
	{ "CONFLICT-RESOLUTION", "string", "", 0, CRD_DOC(".spec.conflictResolution") },
	{ "PRIORITY", "string", "", 0, CRD_DOC(".spec.priority") },
	CRD_AGE_COL("AGE"),
	END_COL
};

static void policy_row(json_t *c, const json_t *o, int64_t now_ms)
{
	push(c, text_cell(jget(o, "spec.conflictResolution")));
	push(c, text_cell(jget(o, "spec.priority")));
	push(c, age_cell(o, now_ms, true));
}

static const struct col binding_cols[] = {
	NAME_COL,
	{ "SCHEDULED", "string", "", 0,
	  CRD_DOC(".status.conditions[?(@.type==\"Scheduled\")].status") },
	{ "FULLYAPPLIED", "string", "", 0,
	  CRD_DOC(".status.conditions[?(@.type==\"FullyApplied\")].status") },
	{ "CLUSTERS", "string", "", 0, "The member clusters chosen (spec.clusters), each with "
	  "its replicas when it has any. A Tugboat column." },
	CRD_AGE_COL("AGE"),
	END_COL
};

static json_t *condition_cell(const json_t *o, const char *type)
{
	const char *s = condition(o, type);

	return s ? json_string(s) : json_null();
}

static void binding_row(json_t *c, const json_t *o, int64_t now_ms)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	const json_t *t;
	int64_t r;
	size_t i;

	push(c, condition_cell(o, "Scheduled"));
	push(c, condition_cell(o, "FullyApplied"));
	json_array_foreach(jget(o, "spec.clusters"), i, t) {
		tb_strbuf_addf(&sb, "%s%s", i ? "," : "", str_or(jstr(t, "name"), ""));
		if ((r = jint(t, "replicas", 0)) > 0)
			tb_strbuf_addf(&sb, ":%" PRId64, r);
	}
	push_str(c, sb.len ? sb.buf : "<none>");
	tb_strbuf_release(&sb);
	push(c, age_cell(o, now_ms, true));
}

static const struct col work_cols[] = {
	NAME_COL,
	{ "WORKLOAD-KIND", "string", "", 0, CRD_DOC(".spec.workload.manifests[*].kind") },
	{ "APPLIED", "string", "", 0,
	  CRD_DOC(".status.conditions[?(@.type==\"Applied\")].status") },
	CRD_AGE_COL("AGE"),
	END_COL
};

static void work_row(json_t *c, const json_t *o, int64_t now_ms)
{
	const json_t *m, *kind = NULL;
	size_t i;

	/* JSONPath [*] yields every kind; the convertor prints the first. */
	json_array_foreach(jget(o, "spec.workload.manifests"), i, m)
		if ((kind = json_object_get(m, "kind")))
			break;
	push(c, text_cell(kind));
	push(c, condition_cell(o, "Applied"));
	push(c, age_cell(o, now_ms, true));
}

/* A CRD without printer columns: kube-apiserver adds Age. */
static const struct col crd_cols[] = { NAME_COL, CRD_AGE_COL("Age"), END_COL };

static void crd_row(json_t *c, const json_t *o, int64_t now_ms)
{
	push(c, age_cell(o, now_ms, true));
}

/* ---- resource templates (kube-apiserver's printers) ----------------------------------- */

static const struct col deployment_cols[] = {
	NAME_COL,
	{ "Ready", "string", "", 0, "Ready replicas out of those wanted." },
	{ "Up-to-date", "string", "", 0, "Replicas running the current pod template." },
	{ "Available", "string", "", 0, "Replicas ready for at least minReadySeconds." },
	AGE_COL,
	CONTAINER_COLS,
	{ "Selector", "string", "", 1, "The labels of the pods the Deployment manages." },
	END_COL
};

static void push_containers(json_t *c, const json_t *o)
{
	const json_t *cs = jget(o, "spec.template.spec.containers");

	push_joined(c, cs, "name", NULL);
	push_joined(c, cs, "image", NULL);
}

static void deployment_row(json_t *c, const json_t *o, int64_t now_ms)
{
	char buf[64];

	/* spec.replicas defaults to 1. */
	snprintf(buf, sizeof(buf), "%" PRId64 "/%" PRId64, jint(o, "status.readyReplicas", 0),
		 jint(o, "spec.replicas", 1));
	push_str(c, buf);
	push(c, json_integer(jint(o, "status.updatedReplicas", 0)));
	push(c, json_integer(jint(o, "status.availableReplicas", 0)));
	push(c, age_cell(o, now_ms, false));
	push_containers(c, o);
	push_selector(c, jget(o, "spec.selector"), false, "");
}

static const struct col job_cols[] = {
	NAME_COL,
	{ "Status", "string", "", 0, "Running, Complete or Failed." },
	{ "Completions", "string", "", 0, "Pods that succeeded out of those wanted." },
	{ "Duration", "string", "", 0, "How long the Job ran (or has been running)." },
	AGE_COL,
	CONTAINER_COLS,
	{ "Selector", "string", "", 1, "The labels of the pods the Job counts." },
	END_COL
};

static bool job_condition(const json_t *o, const char *type)
{
	const char *s = condition(o, type);

	return s && !strcmp(s, "True");
}

static const char *job_status(const json_t *o)
{
	if (job_condition(o, "Complete"))
		return "Complete";
	if (job_condition(o, "Failed"))
		return "Failed";
	if (jstr(o, "metadata.deletionTimestamp"))
		return "Terminating";
	if (job_condition(o, "Suspended"))
		return "Suspended";
	if (job_condition(o, "FailureTarget"))
		return "FailureTarget";
	return "Running";
}

static void job_row(json_t *c, const json_t *o, int64_t now_ms)
{
	int64_t succeeded = jint(o, "status.succeeded", 0), par = jint(o, "spec.parallelism", 0);
	const char *start = jstr(o, "status.startTime"), *end = jstr(o, "status.completionTime");
	char buf[64], dur[TB_HUMAN_DURATION_BUFSZ] = "";
	int64_t t0, t1 = now_ms;

	push_str(c, job_status(o));
	if (jget(o, "spec.completions"))
		snprintf(buf, sizeof(buf), "%" PRId64 "/%" PRId64, succeeded,
			 jint(o, "spec.completions", 0));
	else if (par > 1)
		snprintf(buf, sizeof(buf), "%" PRId64 "/1 of %" PRId64, succeeded, par);
	else
		snprintf(buf, sizeof(buf), "%" PRId64 "/1", succeeded);
	push_str(c, buf);
	if (start && tb_time_parse(start, &t0, NULL) == 0 &&
	    (!end || tb_time_parse(end, &t1, NULL) == 0))
		tb_human_duration(t1 - t0, dur);
	push_str(c, dur);
	push(c, age_cell(o, now_ms, false));
	push_containers(c, o);
	push_selector(c, jget(o, "spec.selector"), false, "<none>");
}

static const struct col service_cols[] = {
	NAME_COL,
	{ "Type", "string", "", 0, "How the Service is exposed (ClusterIP when not set)." },
	{ "Cluster-IP", "string", "", 0, "The Service's virtual IP inside the cluster." },
	{ "External-IP", "string", "", 0, "Addresses outside the cluster the Service answers "
	  "on." },
	{ "Port(s)", "string", "", 0, "The ports the Service exposes." },
	AGE_COL,
	{ "Selector", "string", "", 1, "The labels of the pods that receive the traffic." },
	END_COL
};

/* getServiceExternalIP (wide: the server prints load balancers unclipped). */
static void push_external_ip(json_t *c, const json_t *o, const char *type)
{
	const json_t *ext = jget(o, "spec.externalIPs"), *ing, *e;
	struct tb_strbuf sb = TB_STRBUF_INIT;
	const char *addrs[64], *a;
	size_t n = 0, i;

	if (!strcmp(type, "ExternalName")) {
		push_str(c, jstr(o, "spec.externalName"));
		return;
	}
	if (strcmp(type, "LoadBalancer")) {
		if (!strcmp(type, "ClusterIP") || !strcmp(type, "NodePort"))
			push_joined(c, ext, NULL, "<none>");
		else
			push_str(c, "<unknown>");
		return;
	}
	ing = jget(o, "status.loadBalancer.ingress");
	json_array_foreach(ing, i, e)
		if (n < 64 && (a = str_or(jstr(e, "ip"), jstr(e, "hostname"))))
			addrs[n++] = a;
	qsort(addrs, n, sizeof(*addrs), str_cmp);	/* a sorted set */
	for (i = 0; i < n; i++)
		if (!i || strcmp(addrs[i], addrs[i - 1]))
			tb_strbuf_addf(&sb, "%s%s", sb.len ? "," : "", addrs[i]);
	json_array_foreach(ext, i, e)
		tb_strbuf_addf(&sb, "%s%s", sb.len ? "," : "", str_or(json_string_value(e), ""));
	push_str(c, sb.len ? sb.buf : "<pending>");
	tb_strbuf_release(&sb);
}

static void service_row(json_t *c, const json_t *o, int64_t now_ms)
{
	const char *type = str_or(jstr(o, "spec.type"), "ClusterIP");
	const char *ip = json_string_value(json_array_get(jget(o, "spec.clusterIPs"), 0));
	struct tb_strbuf sb = TB_STRBUF_INIT;
	const json_t *p;
	int64_t node;
	size_t i;

	push_str(c, type);
	/* kube-apiserver fills clusterIPs from clusterIP; a template may carry either. */
	push_str(c, str_or(ip, str_or(jstr(o, "spec.clusterIP"), "<none>")));
	push_external_ip(c, o, type);
	json_array_foreach(jget(o, "spec.ports"), i, p) {
		tb_strbuf_addf(&sb, "%s%" PRId64, i ? "," : "", jint(p, "port", 0));
		if ((node = jint(p, "nodePort", 0)) > 0)
			tb_strbuf_addf(&sb, ":%" PRId64, node);
		tb_strbuf_addf(&sb, "/%s", str_or(jstr(p, "protocol"), "TCP"));
	}
	push_str(c, sb.len ? sb.buf : "<none>");
	tb_strbuf_release(&sb);
	push(c, age_cell(o, now_ms, false));
	push_selector(c, jget(o, "spec.selector"), true, "<none>");
}

static const struct col configmap_cols[] = {
	NAME_COL,
	{ "Data", "string", "", 0, "How many keys the ConfigMap holds." },
	AGE_COL,
	END_COL
};

static void configmap_row(json_t *c, const json_t *o, int64_t now_ms)
{
	push(c, json_integer((json_int_t)(json_object_size(jget(o, "data")) +
					  json_object_size(jget(o, "binaryData")))));
	push(c, age_cell(o, now_ms, false));
}

static const struct col secret_cols[] = {
	NAME_COL,
	{ "Type", "string", "", 0, "The kind of secret (Opaque when not set)." },
	{ "Data", "string", "", 0, "How many keys the Secret holds." },
	AGE_COL,
	END_COL
};

static void secret_row(json_t *c, const json_t *o, int64_t now_ms)
{
	const json_t *data = jget(o, "data"), *v;
	size_t n = json_object_size(data);
	const char *key;

	/* kube-apiserver merges stringData into data on write; count both once. */
	json_object_foreach((json_t *)jget(o, "stringData"), key, v)
		if (!json_object_get(data, key))
			n++;
	push_str(c, str_or(jstr(o, "type"), "Opaque"));
	push(c, json_integer((json_int_t)n));
	push(c, age_cell(o, now_ms, false));
}

static const struct col namespace_cols[] = {
	NAME_COL,
	{ "Status", "string", "", 0, "Active or Terminating." },
	AGE_COL,
	END_COL
};

static void namespace_row(json_t *c, const json_t *o, int64_t now_ms)
{
	/* kube-apiserver sets phase Active on create; Tugboat keeps templates as given. */
	push_str(c, str_or(jstr(o, "status.phase"), "Active"));
	push(c, age_cell(o, now_ms, false));
}

/* kube-apiserver's event printer: the object as kind/name, times since the
 * first and last occurrence (eventTime for new-style Events), wide columns
 * with the source, the count and the name last. */
static const struct col event_cols[] = {
	{ "Last Seen", "string", "", 0, "The time at which the most recent occurrence of this "
	  "event was recorded." },
	{ "Type", "string", "", 0, "Type of this event (Normal, Warning)." },
	{ "Reason", "string", "", 0, "A short, machine understandable string that gives the "
	  "reason for the transition into the object's current status." },
	{ "Object", "string", "", 0, "The object that this event is about." },
	{ "Subobject", "string", "", 1, "The part of the object this event is about." },
	{ "Source", "string", "", 1, "The component reporting this event." },
	{ "Message", "string", "", 0, "A human-readable description of the status of this "
	  "operation." },
	{ "First Seen", "string", "", 1, "The time at which the event was first recorded." },
	{ "Count", "string", "", 1, "The number of times this event has occurred." },
	{ "Name", "string", "name", 1, NAME_DOC },
	END_COL
};

/* translateTimestampSince: "<unknown>" for a missing time. */
static const char *since(const json_t *o, const char *path, int64_t now_ms, char *buf)
{
	const char *ts = jstr(o, path);
	int64_t ms;

	if (!ts || !*ts || tb_time_parse(ts, &ms, NULL) < 0)
		return NULL;
	return tb_human_duration(now_ms - ms, buf);
}

static void event_row(json_t *c, const json_t *o, int64_t now_ms)
{
	char first_buf[TB_HUMAN_DURATION_BUFSZ], last_buf[TB_HUMAN_DURATION_BUFSZ];
	const char *first = since(o, "firstTimestamp", now_ms, first_buf), *last;
	const char *kind = str_or(jstr(o, "involvedObject.kind"), "");
	const char *name = jstr(o, "involvedObject.name");
	const char *comp = str_or(jstr(o, "source.component"), jstr(o, "reportingComponent"));
	const char *inst = str_or(jstr(o, "source.host"), jstr(o, "reportingInstance"));
	struct tb_strbuf sb = TB_STRBUF_INIT;
	int64_t count = jint(o, "count", 0);
	size_t k;

	if (!first)
		first = since(o, "eventTime", now_ms, first_buf);
	first = str_or(first, "<unknown>");
	last = str_or(since(o, "lastTimestamp", now_ms, last_buf), first);
	if (jget(o, "series")) {
		last = str_or(since(o, "series.lastObservedTime", now_ms, last_buf), "<unknown>");
		count = jint(o, "series.count", 0);
	} else if (!count) {
		count = 1;	/* a singleton new-style Event has no count */
	}
	push_str(c, last);
	push_str(c, jstr(o, "type"));
	push_str(c, jstr(o, "reason"));
	for (k = 0; kind[k]; k++)
		tb_strbuf_addch(&sb, (char)(kind[k] >= 'A' && kind[k] <= 'Z' ? kind[k] + 32 : kind[k]));
	if (name && *name)
		tb_strbuf_addf(&sb, "/%s", name);
	push_str(c, sb.buf ? sb.buf : "");
	push_str(c, jstr(o, "involvedObject.fieldPath"));
	tb_strbuf_reset(&sb);
	tb_strbuf_adds(&sb, str_or(comp, ""));
	if (inst && *inst)
		tb_strbuf_addf(&sb, ", %s", inst);
	push_str(c, sb.buf ? sb.buf : "");
	/* strings.TrimSpace of the message. */
	tb_strbuf_reset(&sb);
	tb_strbuf_adds(&sb, str_or(jstr(o, "message"), ""));
	while (sb.len && strchr(" \t\n\r", sb.buf[sb.len - 1]))
		sb.buf[--sb.len] = '\0';
	k = 0;
	while (k < sb.len && strchr(" \t\n\r", sb.buf[k]))
		k++;
	push_str(c, sb.len ? sb.buf + k : "");
	push_str(c, first);
	push(c, json_integer((json_int_t)count));
	push_str(c, jstr(o, "metadata.name"));
	tb_strbuf_release(&sb);
}

static const struct printer printers[] = {
	{ "Cluster", cluster_cols, cluster_row, false },
	{ "PropagationPolicy", policy_cols, policy_row, false },
	{ "ClusterPropagationPolicy", policy_cols, policy_row, false },
	{ "ResourceBinding", binding_cols, binding_row, false },
	{ "ClusterResourceBinding", binding_cols, binding_row, false },
	{ "Work", work_cols, work_row, false },
	{ "Deployment", deployment_cols, deployment_row, false },
	{ "Job", job_cols, job_row, false },
	{ "Service", service_cols, service_row, false },
	{ "ConfigMap", configmap_cols, configmap_row, false },
	{ "Secret", secret_cols, secret_row, false },
	{ "Namespace", namespace_cols, namespace_row, false },
	{ "Event", event_cols, event_row, true },
	{ NULL, crd_cols, crd_row, false }	/* ClusterTaintPolicy, and any kind added later */
};

/* ---- the Table ---------------------------------------------------------------------- */

static const struct printer *printer_for(const struct tb_kind *k)
{
	const struct printer *p;

	for (p = printers; p->kind; p++)
		if (!strcmp(p->kind, k->kind))
			break;
	return p;
}

json_t *tb_table_for(const struct tb_kind *k, json_t *items, const char *rv, int64_t now_ms,
		     bool with_columns)
{
	const struct printer *p = printer_for(k);
	json_t *cols = json_array(), *rows = json_array(), *cells, *md, *item;
	const struct col *col;
	size_t i;

	for (col = p->cols; with_columns && col->name; col++)
		json_array_append_new(cols, json_pack("{s:s, s:s, s:s, s:s, s:i}",
			"name", col->name, "type", col->type, "format", col->format,
			"description", col->doc, "priority", col->priority));
	json_array_foreach(items, i, item) {
		cells = p->own_name ? json_array() :
			json_pack("[s]", str_or(jstr(item, "metadata.name"), ""));
		p->row(cells, item, now_ms);
		md = json_object_get(item, "metadata");
		md = json_is_object(md) ? json_deep_copy(md) : json_object();
		json_array_append_new(rows, json_pack("{s:o, s:{s:s, s:s, s:o}}", "cells", cells,
			"object", "kind", "PartialObjectMetadata", "apiVersion", "meta.k8s.io/v1",
			"metadata", md));
	}
	md = rv ? json_pack("{s:s}", "resourceVersion", rv) : json_object();
	return json_pack("{s:s, s:s, s:o, s:o, s:o}", "kind", "Table", "apiVersion",
			 "meta.k8s.io/v1", "metadata", md, "columnDefinitions", cols, "rows", rows);
}
