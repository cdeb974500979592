/* Server-set metadata (stamp.h). */
#include "api/stamp.h"
#include "api/timefmt.h"
#include "lib/rand.h"

#include <string.h>

json_t *tb_stamp_time(int64_t now_ms)
{
	char buf[TB_TIME_BUFSZ];

	/* metav1.Time has second precision on the wire. */
	return json_string(tb_time_format(now_ms - now_ms % 1000, buf));
}

/* Kinds whose objects count spec changes in metadata.generation. */
static bool has_generation(const struct tb_kind *k)
{
	return k->schema || !strcmp(k->kind, "Deployment") || !strcmp(k->kind, "Job");
}

static void copy_key(json_t *dst, const json_t *src, const char *key)
{
	json_t *v = json_object_get(src, key);

	if (v)
		json_object_set(dst, key, v);
	else
		json_object_del(dst, key);
}

/* Everything but metadata and status: what a generation counts. */
static bool same_spec(const json_t *a, const json_t *b)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)a, key, v)
		if (strcmp(key, "metadata") && strcmp(key, "status") &&
		    !json_equal(v, json_object_get(b, key)))
			return false;
	json_object_foreach((json_t *)b, key, v)
		if (strcmp(key, "metadata") && strcmp(key, "status") && !json_object_get(a, key))
			return false;
	return true;
}

void tb_stamp_prepare(json_t *obj, const json_t *curj, const struct tb_kind *k, bool keep_status,
		      int64_t now_ms)
{
	json_t *md = json_object_get(obj, "metadata");
	const json_t *cmd = json_object_get(curj, "metadata");
	char uid[TB_UUID_BUFSZ];

	json_object_del(md, "resourceVersion");
	json_object_del(md, "selfLink");
	if (!curj) {
		json_object_set_new(md, "uid", json_string(tb_rand_uuid(uid)));
		json_object_set_new(md, "creationTimestamp", tb_stamp_time(now_ms));
		if (has_generation(k))
			json_object_set_new(md, "generation", json_integer(1));
		else
			json_object_del(md, "generation");
		json_object_del(md, "deletionTimestamp");
		json_object_del(md, "deletionGracePeriodSeconds");
		json_object_del(md, "managedFields");
		if (tb_kind_has_status(k))
			json_object_del(obj, "status");
		return;
	}
	copy_key(md, cmd, "uid");
	copy_key(md, cmd, "creationTimestamp");
	copy_key(md, cmd, "deletionTimestamp");
	copy_key(md, cmd, "deletionGracePeriodSeconds");
	copy_key(md, cmd, "managedFields");
	copy_key(md, cmd, "generation");
	if (keep_status && tb_kind_has_status(k))
		copy_key(obj, curj, "status");
}

void tb_stamp_generation(json_t *obj, const json_t *curj, const struct tb_kind *k)
{
	json_t *md = json_object_get(obj, "metadata");
	int64_t gen = json_integer_value(json_object_get(json_object_get(curj, "metadata"),
							 "generation"));

	if (has_generation(k) && !same_spec(obj, curj))
		json_object_set_new(md, "generation", json_integer(gen + 1));
}

