/* tugd's controllers: bootstrap objects and the reconcile loop. */
#include "ctrl/tugd.h"

#include <stdio.h>
#include <string.h>

#include "api/timefmt.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/rand.h"

struct tb_tugd {
	struct event_base *base;
	struct tb_store *store;
	struct tb_failover_config cfg;
	int64_t (*now_ms)(void);
};

/* The namespaces every Kubernetes API has, and Karmada's own. */
static int ensure_namespaces(struct tb_tugd *t, struct tb_err *err)
{
	static const char *const names[] = { "default", "kube-system", "karmada-system", NULL };
	char json[512], ts[TB_TIME_BUFSZ], uid[TB_UUID_BUFSZ];
	int64_t now = t->now_ms();
	int n, rc;

	for (size_t i = 0; names[i]; i++) {
		if (tb_store_get(t->store, "namespaces", "", names[i]))
			continue;
		n = snprintf(json, sizeof(json),
			     "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":"
			     "{\"name\":\"%s\",\"uid\":\"%s\","
			     "\"creationTimestamp\":\"%s\"},\"spec\":{\"finalizers\":"
			     "[\"kubernetes\"]},\"status\":{\"phase\":\"Active\"}}", names[i],
			     tb_rand_uuid(uid),
			     tb_time_format(now - now % 1000, ts));
		rc = tb_store_put(t->store, "namespaces", "", names[i], json, (size_t)n, 0, true,
				  false, NULL, err);
		if (rc)
			return rc;
	}
	return 0;
}

int tb_tugd_new(struct tb_tugd **ret, struct event_base *base, struct tb_store *store,
		const struct tb_failover_config *cfg, int64_t (*now_ms)(void),
		struct tb_err *err)
{
	struct tb_tugd *t = tb_calloc(1, sizeof(*t));
	int rc;

	t->base = base;
	t->store = store;
	t->cfg = *cfg;
	t->now_ms = now_ms;
	rc = ensure_namespaces(t, err);
	if (rc) {
		tb_tugd_free(t);
		return rc;
	}
	*ret = t;
	return 0;
}

void tb_tugd_free(struct tb_tugd *t)
{
	if (!t)
		return;
	tb_free(t);
}
