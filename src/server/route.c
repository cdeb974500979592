/* URL → resource: the path grammar of kube-apiserver.
 *
 *   /api/v1[/namespaces/NS]/RES[/NAME[/SUB]]
 *   /apis/GROUP/VERSION[/namespaces/NS]/RES[/NAME[/SUB]]
 *
 * SUB is status (tb_kind_has_status) or scale (tb_kind_has_scale).
 *
 * /api/v1/namespaces/NAME[/status] is the Namespace resource itself; a third
 * segment that is a resource of the group-version makes it a namespace
 * prefix instead. */
#include "server/http.h"

#include <event2/http.h>
#include <stdio.h>
#include <string.h>

#include "lib/mem.h"

#define MAX_SEGS 10

static const struct tb_kind *find_plural(const char *group, const char *version,
					 const char *plural)
{
	const struct tb_kind *k;

	for (k = tb_kinds; k->kind; k++)
		if (!strcmp(k->group, group) && !strcmp(k->version, version) &&
		    !strcmp(k->plural, plural))
			return k;
	return NULL;
}

static int copy_seg(char *dst, size_t n, const char *seg)
{
	if (strlen(seg) >= n)
		return -TB_ENOENT;
	snprintf(dst, n, "%s", seg);
	return 0;
}

int tb_route_parse(const char *path, struct tb_route *rt)
{
	char *segs[MAX_SEGS], *copy, *p, *tok, *save = NULL;
	const char *group, *version;
	size_t n = 0, i;
	int rc = -TB_EINVAL;

	memset(rt, 0, sizeof(*rt));
	copy = tb_strdup(path);
	for (p = copy; (tok = strtok_r(p, "/", &save)); p = NULL) {
		if (n == MAX_SEGS)
			goto out;
		segs[n++] = tok;
	}
	if (n >= 2 && !strcmp(segs[0], "api")) {
		group = "";
		version = segs[1];
		i = 2;
	} else if (n >= 3 && !strcmp(segs[0], "apis")) {
		group = segs[1];
		version = segs[2];
		i = 3;
	} else {
		goto out;
	}
	if (i == n)
		goto out;	/* discovery of a group-version */
	rc = -TB_ENOENT;
	if (!strcmp(segs[i], "namespaces") && n - i >= 3 &&
	    find_plural(group, version, segs[i + 2])) {
		if (copy_seg(rt->ns, sizeof(rt->ns), segs[i + 1]))
			goto out;
		i += 2;
	}
	rt->kind = find_plural(group, version, segs[i]);
	if (!rt->kind || n - i > 3)
		goto out;
	if (rt->ns[0] && !rt->kind->namespaced)
		goto out;
	if (n - i >= 2) {
		if (!rt->kind->namespaced || rt->ns[0]) {
			if (copy_seg(rt->name, sizeof(rt->name), segs[i + 1]))
				goto out;
		} else {
			goto out;	/* a namespaced object needs its namespace */
		}
	}
	if (n - i == 3) {
		if (!(!strcmp(segs[i + 2], "status") && tb_kind_has_status(rt->kind)) &&
		    !(!strcmp(segs[i + 2], "scale") && tb_kind_has_scale(rt->kind)))
			goto out;
		snprintf(rt->sub, sizeof(rt->sub), "%s", segs[i + 2]);
	}
	tb_kind_res(rt->kind, rt->res, sizeof(rt->res));
	rc = 0;
out:
	tb_free(copy);
	return rc;
}
