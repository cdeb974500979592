/* Service traffic of a simulated member cluster (service.h): which Service a
 * request names, and whether the cluster's Deployments give it a ready
 * endpoint at now_ms. No I/O, no clock. */
#include "membersim/service.h"

#include <stdio.h>
#include <string.h>

#include "api/names.h"
#include "membersim/kubelet.h"
#include "membersim/state_int.h"

/* Copies the n bytes at s into buf (size TB_MSIM_SVC_NAME_MAX) if they are a
 * DNS-1123 label, which both a namespace and a Service name must be. */
static bool take_label(const char *s, size_t n, char *buf)
{
	if (!n || n >= TB_MSIM_SVC_NAME_MAX)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return tb_is_dns1123_label(buf);
}

/* "web.default", "web.default.svc", "web.default.svc.cluster.local", with an
 * optional ":port". Anything else (an IP address, localhost, a public name)
 * is not a Service's name: the path decides then. */
static bool target_of_host(const char *host, struct tb_msim_svc_target *t)
{
	const char *dot1, *dot2, *end;
	size_t rest;

	end = strchr(host, ':');
	if (!end)
		end = host + strlen(host);
	dot1 = memchr(host, '.', (size_t)(end - host));
	if (!dot1)
		return false;
	dot2 = memchr(dot1 + 1, '.', (size_t)(end - dot1 - 1));
	if (!dot2)
		dot2 = end;
	rest = (size_t)(end - dot2);
	if (rest && !(rest == 4 && !strncmp(dot2, ".svc", 4)) &&
	    !(rest == 18 && !strncmp(dot2, ".svc.cluster.local", 18)))
		return false;
	return take_label(host, (size_t)(dot1 - host), t->name) &&
	       take_label(dot1 + 1, (size_t)(dot2 - dot1 - 1), t->ns);
}

/* "/NAMESPACE/SERVICE", then anything (the application's own path). */
static bool target_of_path(const char *path, struct tb_msim_svc_target *t)
{
	const char *ns, *name, *end;

	if (!path || path[0] != '/')
		return false;
	ns = path + 1;
	name = strchr(ns, '/');
	if (!name)
		return false;
	name++;
	end = strchr(name, '/');
	if (!end)
		end = name + strlen(name);
	return take_label(ns, (size_t)(name - 1 - ns), t->ns) &&
	       take_label(name, (size_t)(end - name), t->name);
}

int tb_msim_service_target(const char *path, const char *host,
			   struct tb_msim_svc_target *ret)
{
	struct tb_msim_svc_target t;

	if ((host && target_of_host(host, &t)) || target_of_path(path, &t)) {
		*ret = t;
		return 0;
	}
	return -TB_EINVAL;
}

/* Every key of sel is in labels with the same value; an empty selector
 * selects nothing (kube-proxy gives a selector-less Service no endpoints of
 * its own). */
static bool selects(const json_t *sel, const json_t *labels)
{
	const char *k;
	json_t *v;

	if (!json_is_object(sel) || !json_object_size(sel))
		return false;
	json_object_foreach((json_t *)sel, k, v) {
		const json_t *have = json_object_get(labels, k);

		if (!json_is_string(v) || !json_is_string(have) ||
		    strcmp(json_string_value(v), json_string_value(have)))
			return false;
	}
	return true;
}

void tb_msim_service_answer(const struct tb_msim *m, const struct tb_msim_cluster *c,
			    const struct tb_msim_svc_target *t, int64_t now_ms,
			    struct tb_msim_svc_answer *ret)
{
	struct tb_kubelet k = { c->nodes, m->opts.nodes, m->opts.ready_delay_ms,
				m->opts.job_duration_ms };
	const struct tb_msim_obj *svc, *o;
	struct tb_kubelet_counts cnt;
	const json_t *sel, *labels;
	char key[2 * TB_MSIM_SVC_NAME_MAX + 2];
	const char *okey;
	size_t i, nslen = strlen(t->ns);
	void *v;

	memset(ret, 0, sizeof(*ret));
	tb__msim_key(&tb_msim_resources[TB_MSIM_SERVICES], t->ns, t->name, key, sizeof(key));
	svc = tb_hmap_get(&c->objs[TB_MSIM_SERVICES], key);
	if (!svc) {
		ret->code = 404;
		snprintf(ret->body, sizeof(ret->body), "%s: no service %s/%s\n", c->name, t->ns,
			 t->name);
		return;
	}
	sel = json_object_get(json_object_get(svc->json, "spec"), "selector");
	for (i = 0; tb_hmap_next(&c->objs[TB_MSIM_DEPLOYMENTS], &i, &okey, &v);) {
		o = v;
		/* Keys are "ns/name": the Service's namespace only. */
		if (strncmp(okey, t->ns, nslen) || okey[nslen] != '/')
			continue;
		labels = json_object_get(json_object_get(json_object_get(json_object_get(
			o->json, "spec"), "template"), "metadata"), "labels");
		if (!selects(sel, labels))
			continue;
		tb_kubelet_count(&k, &o->wl, now_ms, &cnt);
		ret->selected++;
		ret->ready += cnt.ready;
	}
	if (ret->ready > 0) {
		ret->code = 200;
		snprintf(ret->body, sizeof(ret->body), "%s %s\n", c->name, t->name);
	} else {
		ret->code = 503;
		snprintf(ret->body, sizeof(ret->body), "%s %s: no ready endpoints (%lld "
			 "deployments selected)\n", c->name, t->name, (long long)ret->selected);
	}
}
