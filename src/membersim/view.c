/* The read side of the simulated clusters (state.h): get and list with label
 * and field selectors, and the objects derived from the simulation when they
 * are read (nodes with their capacity and Ready condition, pods with their
 * node, requests and readiness), so that a client can add up what each node
 * has allocated as it would on a real cluster. Never changes any state. */
#include "membersim/state.h"
#include "membersim/state_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/quantity.h"
#include "api/selector.h"
#include "lib/hash.h"
#include "lib/mem.h"
#include "membersim/status.h"

#define MAX_FIELD_REQS 8
#define POD_NAME_SPACE (27u * 27 * 27 * 27 * 27)

/* ---- derived objects ----------------------------------------------------------- */

/* A stable uid for an object that is computed, not stored: the same node or
 * pod must keep its uid from one read to the next. */
static void derived_uid(const char *a, const char *b, uint32_t i, char out[37])
{
	char seed[600];
	uint32_t h[4];
	int k;

	for (k = 0; k < 4; k++) {
		snprintf(seed, sizeof(seed), "%d/%s/%s/%u", k, a, b, i);
		h[k] = tb_fnv32a(seed);
	}
	snprintf(out, 37, "%08x-%04x-4%03x-a%03x-%04x%08x", h[0], h[1] >> 16, h[1] & 0xfff,
		 h[2] >> 20, h[2] & 0xffff, h[3]);
}

static void node_name(const struct tb_msim_cluster *c, size_t i, char *buf, size_t n)
{
	snprintf(buf, n, "%s-node-%zu", c->name, i + 1);
}

static json_t *quantities(int64_t cpu_m, int64_t mem, int64_t pods)
{
	struct tb_quantity q;
	char b1[TB_QUANTITY_BUFSZ], b2[TB_QUANTITY_BUFSZ], b3[TB_QUANTITY_BUFSZ];

	q = tb_quantity_from_milli(cpu_m, TB_QF_DECIMAL_SI);
	tb_quantity_format(&q, b1);
	q = tb_quantity_from_int(mem, TB_QF_BINARY_SI);
	tb_quantity_format(&q, b2);
	q = tb_quantity_from_int(pods, TB_QF_DECIMAL_SI);
	tb_quantity_format(&q, b3);
	return json_pack("{s:s, s:s, s:s}", "cpu", b1, "memory", b2, "pods", b3);
}

static json_t *node_json(const struct tb_msim *m, const struct tb_msim_cluster *c, size_t i)
{
	const struct tb_kubelet_node *n = &c->nodes[i];
	char name[300], uid[37], rv[24], ip[32];
	json_t *node, *md, *cond;

	node_name(c, i, name, sizeof(name));
	derived_uid(c->name, name, 0, uid);
	snprintf(rv, sizeof(rv), "%llu", (unsigned long long)c->nodes_rv);
	snprintf(ip, sizeof(ip), "10.%zu.%zu.%zu", (c->index / 250) % 250, c->index % 250, i + 2);
	md = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}}", "name", name, "uid", uid,
		       "resourceVersion", rv, "labels", "kubernetes.io/hostname", name,
		       "kubernetes.io/os", "linux", "kubernetes.io/arch", "amd64",
		       "tugboat.io/membersim", c->name);
	tb__msim_time(md, "creationTimestamp", c->created_ms);
	cond = json_pack("{s:s, s:s, s:s, s:s}", "type", "Ready", "status", "True", "reason",
			 "KubeletReady", "message", "kubelet is posting ready status");
	tb__msim_time(cond, "lastHeartbeatTime", c->created_ms);
	tb__msim_time(cond, "lastTransitionTime", c->created_ms);
	node = json_pack("{s:s, s:s, s:o, s:{s:s}, s:{s:o, s:o, s:[o], s:[{s:s, s:s}, {s:s, s:s}],"
			 " s:{s:s, s:s, s:s, s:s, s:s}}}",
			 "kind", "Node", "apiVersion", "v1", "metadata", md,
			 "spec", "podCIDR", "10.244.0.0/24",
			 "status", "capacity", quantities(n->cpu_m, n->mem, n->pods),
			 "allocatable", quantities(n->cpu_m, n->mem, n->pods),
			 "conditions", cond,
			 "addresses", "type", "InternalIP", "address", ip, "type", "Hostname",
			 "address", name,
			 "nodeInfo", "kubeletVersion", m->opts.kube_version ? m->opts.kube_version :
			 "v1.32.0", "operatingSystem", "linux", "architecture", "amd64",
			 "containerRuntimeVersion", "membersim://1.0", "osImage",
			 "tug-membersim");
	return node;
}

/* One pod of workload o, as kubelet and the scheduler would report it. */
static json_t *pod_json(const struct tb_msim *m, const struct tb_msim_obj *o,
			const struct tb_kubelet_pod *p, int64_t now_ms)
{
	const json_t *md = json_object_get(o->json, "metadata");
	const json_t *tmpl = json_object_get(json_object_get(o->json, "spec"), "template");
	const json_t *tlabels = json_object_get(json_object_get(tmpl, "metadata"), "labels");
	const json_t *tspec = json_object_get(tmpl, "spec");
	struct tb_kubelet k = { o->c->nodes, m->opts.nodes, m->opts.ready_delay_ms,
				m->opts.job_duration_ms };
	bool ready = tb_kubelet_pod_ready(&k, p, now_ms);
	char owner[300], name[320], uid[37], ouid[37], node[300], hash[16];
	json_t *pod, *pmd, *labels, *spec, *status, *conds, *c;
	const char *ns = tb__msim_str(md, "namespace");
	uint64_t id;
	int i;

	if (o->wl.job) {
		snprintf(owner, sizeof(owner), "%s", tb__msim_str(md, "name"));
		snprintf(ouid, sizeof(ouid), "%s", tb__msim_str(md, "uid"));
	} else {
		tb_msim_rs_name(o->json, owner, sizeof(owner));
		derived_uid(ns, owner, 0, ouid);
	}
	/* Five characters from kube's generateName alphabet. The id goes
	 * through a bijection of [0, 27^5) (a multiplier prime to 3, an offset
	 * from the owner) so that names look like kube's and never collide. */
	id = ((uint64_t)p->id * 1000003u + tb_fnv32a(owner)) % POD_NAME_SPACE;
	snprintf(name, sizeof(name), "%s-", owner);
	for (i = 0; i < 5; i++, id /= 27) {
		size_t len = strlen(name);

		if (len + 1 < sizeof(name)) {
			name[len] = "bcdfghjklmnpqrstvwxz2456789"[id % 27];
			name[len + 1] = '\0';
		}
	}
	derived_uid(ns, name, p->id, uid);
	labels = json_is_object(tlabels) ? json_deep_copy(tlabels) : json_object();
	if (o->wl.job) {
		json_object_set_new(labels, "job-name", json_string(owner));
		json_object_set_new(labels, "batch.kubernetes.io/job-name", json_string(owner));
	} else {
		snprintf(hash, sizeof(hash), "%s", owner + strlen(owner) - 8);
		json_object_set_new(labels, "pod-template-hash", json_string(hash));
	}
	pmd = json_pack("{s:s, s:s, s:s, s:O, s:o, s:[{s:s, s:s, s:s, s:s, s:b, s:b}]}",
			"name", name, "namespace", ns, "uid", uid,
			"resourceVersion", json_object_get(md, "resourceVersion"),
			"labels", labels, "ownerReferences",
			"apiVersion", o->wl.job ? "batch/v1" : "apps/v1",
			"kind", o->wl.job ? "Job" : "ReplicaSet", "name", owner, "uid", ouid,
			"controller", 1, "blockOwnerDeletion", 1);
	tb__msim_time(pmd, "creationTimestamp", p->created_ms);
	spec = json_pack("{s:s, s:s}", "schedulerName", "default-scheduler", "restartPolicy",
			 o->wl.job ? "Never" : "Always");
	/* The template's containers carry the requests a client adds up. */
	json_object_set(spec, "containers", json_object_get(tspec, "containers") ?
			json_object_get(tspec, "containers") : json_array());
	if (json_object_get(tspec, "initContainers"))
		json_object_set(spec, "initContainers", json_object_get(tspec, "initContainers"));
	if (json_object_get(tspec, "overhead"))
		json_object_set(spec, "overhead", json_object_get(tspec, "overhead"));
	conds = json_array();
	c = json_pack("{s:s, s:s}", "type", "PodScheduled", "status", p->node >= 0 ? "True" :
		      "False");
	if (p->node < 0) {
		json_object_set_new(c, "reason", json_string("Unschedulable"));
		json_object_set_new(c, "message", json_string("0/N nodes are available: "
							      "Insufficient resources."));
	}
	tb__msim_time(c, "lastTransitionTime", p->node >= 0 ? p->sched_ms : p->created_ms);
	json_array_append_new(conds, c);
	status = json_pack("{s:s, s:o}", "phase", p->node >= 0 ? "Running" : "Pending",
			   "conditions", conds);
	if (p->node >= 0) {
		node_name(o->c, (size_t)p->node, node, sizeof(node));
		json_object_set_new(spec, "nodeName", json_string(node));
		c = json_pack("{s:s, s:s}", "type", "Ready", "status", ready ? "True" : "False");
		tb__msim_time(c, "lastTransitionTime", ready ? p->sched_ms +
			      m->opts.ready_delay_ms : p->sched_ms);
		json_array_append_new(conds, c);
		tb__msim_time(status, "startTime", p->sched_ms);
		json_object_set_new(status, "qosClass", json_string("Burstable"));
	}
	pod = json_pack("{s:s, s:s, s:o, s:o, s:o}", "kind", "Pod", "apiVersion", "v1",
			"metadata", pmd, "spec", spec, "status", status);
	return pod;
}

/* ---- selectors ------------------------------------------------------------------- */

struct field_req {
	char key[64];
	char value[256];
	bool neg;
};

/* fieldSelector in its text form: "a=b,c!=d" (and "=="). kube allows a few
 * fields per kind; any dotted path into the object is accepted here. */
static int parse_fields(const char *s, struct field_req *reqs, size_t *n, struct tb_err *err)
{
	const char *p = s, *end, *op;
	size_t klen, vlen, oplen;

	*n = 0;
	while (s && *p) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		op = strstr(p, "!=");
		oplen = 2;
		if (!op || op > end) {
			op = strstr(p, "==");
			if (!op || op > end) {
				op = strchr(p, '=');
				oplen = 1;
			}
		}
		if (!op || op >= end || op == p || *n == MAX_FIELD_REQS)
			return tb_error(err, TB_MSIM_EBADREQUEST, "invalid field selector: "
					"\"%s\"", s);
		klen = (size_t)(op - p);
		vlen = (size_t)(end - op - oplen);
		if (klen >= sizeof(reqs->key) || vlen >= sizeof(reqs->value))
			return tb_error(err, TB_MSIM_EBADREQUEST, "invalid field selector: "
					"\"%s\"", s);
		memcpy(reqs[*n].key, p, klen);
		reqs[*n].key[klen] = '\0';
		memcpy(reqs[*n].value, op + oplen, vlen);
		reqs[*n].value[vlen] = '\0';
		reqs[*n].neg = op[0] == '!';
		(*n)++;
		p = *end ? end + 1 : end;
	}
	return 0;
}

static const char *field_value(const json_t *obj, const char *path)
{
	char part[64];
	const char *p = path, *dot;
	const json_t *v = obj;
	size_t len;

	while (v && *p) {
		dot = strchr(p, '.');
		len = dot ? (size_t)(dot - p) : strlen(p);
		if (len >= sizeof(part))
			return "";
		memcpy(part, p, len);
		part[len] = '\0';
		v = json_object_get(v, part);
		p = dot ? dot + 1 : p + len;
	}
	return json_is_string(v) ? json_string_value(v) : "";
}

struct filter {
	const char *ns;			/* NULL or "": every namespace */
	bool has_sel;
	struct tb_label_selector sel;
	struct field_req fields[MAX_FIELD_REQS];
	size_t n_fields;
};

static bool matches(const struct filter *f, const json_t *obj)
{
	const json_t *md = json_object_get(obj, "metadata"), *v;
	struct tb_strmap labels = { NULL, 0 };
	const char *key;
	bool ok = true;
	size_t i;

	if (f->ns && f->ns[0] && strcmp(f->ns, tb__msim_str(md, "namespace") ?
					tb__msim_str(md, "namespace") : ""))
		return false;
	for (i = 0; i < f->n_fields; i++)
		if (!strcmp(field_value(obj, f->fields[i].key), f->fields[i].value) ==
		    f->fields[i].neg)
			return false;
	if (!f->has_sel)
		return true;
	json_object_foreach((json_t *)json_object_get(md, "labels"), key, v)
		if (json_is_string(v))
			tb_strmap_set(&labels, key, json_string_value(v));
	ok = tb_label_selector_matches(&f->sel, &labels);
	tb_strmap_release(&labels);
	return ok;
}

/* ---- get and list -------------------------------------------------------------- */

static int cmp_items(const void *a, const void *b)
{
	const json_t *ma = json_object_get(*(json_t *const *)a, "metadata");
	const json_t *mb = json_object_get(*(json_t *const *)b, "metadata");
	const char *na = tb__msim_str(ma, "namespace"), *nb = tb__msim_str(mb, "namespace");
	int d = strcmp(na ? na : "", nb ? nb : "");

	return d ? d : strcmp(tb__msim_str(ma, "name"), tb__msim_str(mb, "name"));
}

/* Appends every object of r matching f to items (new references). */
static void collect(struct tb_msim *m, struct tb_msim_cluster *c, enum tb_msim_res r,
		    const struct filter *f, int64_t now_ms, json_t ***items, size_t *n,
		    size_t *alloc)
{
	static const enum tb_msim_res wls[] = { TB_MSIM_DEPLOYMENTS, TB_MSIM_JOBS };
	struct tb_msim_obj *o;
	const char *key, *ons;
	json_t *j;
	size_t i, w, p;

	switch (tb_msim_resources[r].store) {
	case TB_MSIM_STORED:
		for (i = 0; tb_hmap_next(&c->objs[r], &i, &key, (void **)&o);) {
			if (!matches(f, o->json))
				continue;
			TB_GROW(*items, *alloc, *n + 1);
			(*items)[(*n)++] = json_incref(o->json);
		}
		break;
	case TB_MSIM_DERIVED:
		if (r == TB_MSIM_NODES) {
			for (i = 0; i < m->opts.nodes; i++) {
				j = node_json(m, c, i);
				if (!matches(f, j)) {
					json_decref(j);
					continue;
				}
				TB_GROW(*items, *alloc, *n + 1);
				(*items)[(*n)++] = j;
			}
			break;
		}
		for (w = 0; w < 2; w++) {
			for (i = 0; tb_hmap_next(&c->objs[wls[w]], &i, &key, (void **)&o);) {
				ons = tb__msim_str(json_object_get(o->json, "metadata"),
						   "namespace");
				if (f->ns && f->ns[0] && strcmp(f->ns, ons))
					continue;
				for (p = 0; p < o->wl.n; p++) {
					j = pod_json(m, o, &o->wl.pods[p], now_ms);
					if (!matches(f, j)) {
						json_decref(j);
						continue;
					}
					TB_GROW(*items, *alloc, *n + 1);
					(*items)[(*n)++] = j;
				}
			}
		}
		break;
	case TB_MSIM_EMPTY:
		break;
	}
}

static int filter_init(struct filter *f, const char *ns, const char *label_sel,
		       const char *field_sel, struct tb_err *err)
{
	struct tb_err e = TB_ERR_INIT;

	memset(f, 0, sizeof(*f));
	f->ns = ns;
	f->has_sel = label_sel && label_sel[0];
	if (f->has_sel && tb_label_selector_parse(label_sel, &f->sel, &e))
		return tb_error(err, TB_MSIM_EBADREQUEST, "unable to parse requirement: %s",
				e.msg);
	return parse_fields(field_sel, f->fields, &f->n_fields, err);
}

static void filter_release(struct filter *f)
{
	tb_schema_release(&tb_label_selector_schema, &f->sel);
}

int tb_msim_list(struct tb_msim *m, struct tb_msim_cluster *c, const struct tb_msim_ref *ref,
		 const char *label_sel, const char *field_sel, int64_t now_ms, json_t **ret,
		 struct tb_err *err)
{
	const struct tb_msim_resinfo *ri = &tb_msim_resources[ref->res];
	struct filter f;
	json_t **items = NULL, *arr, *list;
	size_t n = 0, alloc = 0, i;
	char kind[64], av[64], rv[24];
	int rc;

	if ((rc = filter_init(&f, ri->namespaced ? ref->ns : NULL, label_sel, field_sel, err)))
		goto out;
	collect(m, c, ref->res, &f, now_ms, &items, &n, &alloc);
	if (n > 1)
		qsort(items, n, sizeof(*items), cmp_items);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, items[i]);
	snprintf(kind, sizeof(kind), "%sList", ri->kind);
	snprintf(av, sizeof(av), "%s%s%s", ri->group, ri->group[0] ? "/" : "", ri->version);
	snprintf(rv, sizeof(rv), "%llu", (unsigned long long)c->rv);
	list = json_pack("{s:s, s:s, s:{s:s}, s:o}", "kind", kind, "apiVersion", av,
			 "metadata", "resourceVersion", rv, "items", arr);
	*ret = list;
out:
	filter_release(&f);
	tb_free(items);
	return rc;
}

int tb_msim_get(struct tb_msim *m, struct tb_msim_cluster *c, const struct tb_msim_ref *ref,
		int64_t now_ms, json_t **ret, struct tb_err *err)
{
	const struct tb_msim_resinfo *ri = &tb_msim_resources[ref->res];
	struct tb_msim_obj *o;
	json_t *list = NULL, *item;
	char res[64];
	size_t i;
	int rc;

	if (ref->sub && ref->sub[0] && (strcmp(ref->sub, "status") || !ri->status))
		return tb_error(err, TB_ENOENT, "the server could not find the requested "
				"resource");
	if (ri->store == TB_MSIM_STORED) {
		o = tb__msim_find(c, ref->res, ref->ns, ref->name);
		if (!o)
			goto not_found;
		*ret = json_incref(o->json);
		return 0;
	}
	if (ri->store == TB_MSIM_DERIVED) {
		struct tb_msim_ref all = *ref;

		if ((rc = tb_msim_list(m, c, &all, NULL, NULL, now_ms, &list, err)))
			return rc;
		json_array_foreach(json_object_get(list, "items"), i, item) {
			if (!strcmp(tb__msim_str(json_object_get(item, "metadata"), "name"),
				    ref->name)) {
				*ret = json_incref(item);
				json_decref(list);
				return 0;
			}
		}
		json_decref(list);
	}
not_found:
	return tb_error(err, TB_ENOENT, "%s \"%s\" not found",
			tb_msim_res_display(ref->res, res, sizeof(res)), ref->name);
}
