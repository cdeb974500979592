/* Toleration matching (see toleration.h). Pure functions, no allocation. */
#include "core/toleration.h"

#include <string.h>

static const char *s(const char *v)
{
	return v ? v : "";
}

bool tb_toleration_tolerates(const struct tb_toleration *t, const struct tb_taint *taint)
{
	const char *op = s(t->operator_);

	if (*s(t->effect) && strcmp(s(t->effect), s(taint->effect)))
		return false;
	if (*s(t->key) && strcmp(s(t->key), s(taint->key)))
		return false;
	if (!strcmp(op, "Exists"))
		return true;
	if (!*op || !strcmp(op, "Equal"))
		return !strcmp(s(t->value), s(taint->value));
	return false;
}

const struct tb_taint *tb_taint_untolerated(const struct tb_taint *taints, size_t ntaints,
					    const struct tb_toleration *tols, size_t ntols)
{
	size_t i, k;
	const char *eff;
	bool ok;

	for (i = 0; i < ntaints; i++) {
		eff = s(taints[i].effect);
		if (strcmp(eff, "NoSchedule") && strcmp(eff, "NoExecute"))
			continue;
		ok = false;
		for (k = 0; k < ntols && !ok; k++)
			ok = tb_toleration_tolerates(&tols[k], &taints[i]);
		if (!ok)
			return &taints[i];
	}
	return NULL;
}

void tb_taint_string(const struct tb_taint *t, struct tb_strbuf *out)
{
	/* Taint.ToString(): a taint with neither value nor effect is its key. */
	if (!*s(t->value) && !*s(t->effect))
		tb_strbuf_adds(out, s(t->key));
	else if (*s(t->value))
		tb_strbuf_addf(out, "%s=%s:%s", s(t->key), t->value, s(t->effect));
	else
		tb_strbuf_addf(out, "%s:%s", s(t->key), s(t->effect));
}
