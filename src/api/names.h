/* Kubernetes identifier rules (apimachinery util/validation): DNS-1123 labels
 * and subdomains, qualified names (label keys), label values. Each check adds
 * field errors worded exactly as Kubernetes words them. */
#ifndef TB_NAMES_H
#define TB_NAMES_H

#include <stdbool.h>

#include "lib/err.h"
#include "lib/strbuf.h"

bool tb_is_dns1123_label(const char *s);
bool tb_is_dns1123_subdomain(const char *s);
bool tb_is_qualified_name(const char *s);
bool tb_is_label_value(const char *s);

/* Each adds one Invalid error per violated rule, with the value. */
void tb_check_dns1123_label(struct tb_errs *e, const struct tb_path *p, const char *s);
void tb_check_dns1123_subdomain(struct tb_errs *e, const struct tb_path *p, const char *s);
void tb_check_qualified_name(struct tb_errs *e, const struct tb_path *p, const char *s);
void tb_check_label_value(struct tb_errs *e, const struct tb_path *p, const char *s);

/* Karmada's names.GenerateBindingName: lower(name + "-" + kind), ':' as '.'. */
void tb_names_binding(const char *kind, const char *name, struct tb_strbuf *out);
/* names.GenerateWorkName: the name, lowered with ':' as '.', then "-" and the
 * FNV-1a hash of "[namespace-]name-kind" spelled in SafeEncodeString's
 * alphabet, so Works get the names Karmada gives them. */
void tb_names_work(const char *kind, const char *name, const char *ns, struct tb_strbuf *out);
/* names.GenerateExecutionSpaceName: "karmada-es-" + cluster. */
#define TB_EXEC_NS_PREFIX "karmada-es-"

#endif
