/* Shared Kubernetes API pieces used by every Karmada kind: ObjectMeta,
 * LabelSelector, NodeSelectorRequirement (Karmada's fieldSelector), Toleration,
 * Taint and Condition; their schemas, validation and label selector matching. */
#ifndef TB_META_H
#define TB_META_H

#include "api/schema.h"

struct tb_owner_ref {
	char *api_version;
	char *kind;
	char *name;
	char *uid;
	struct tb_optbool controller;
	struct tb_optbool block_owner_deletion;
};

struct tb_meta {
	char *name;
	char *generate_name;
	char *namespace_;
	char *self_link;
	char *uid;
	char *resource_version;
	int64_t generation;
	int64_t creation_timestamp;	/* ms */
	int64_t deletion_timestamp;	/* ms */
	struct tb_optint deletion_grace_period_seconds;
	struct tb_strmap labels;
	struct tb_strmap annotations;
	TB_VEC(struct tb_owner_ref) owner_references;
	TB_VEC(char *) finalizers;
	json_t *managed_fields;
};

struct tb_selector_req {
	char *key;
	char *operator_;
	TB_VEC(char *) values;
};

struct tb_label_selector {
	struct tb_strmap match_labels;
	TB_VEC(struct tb_selector_req) match_expressions;
};

/* corev1.Toleration */
struct tb_toleration {
	char *key;
	char *operator_;	/* "Exists" | "Equal" | NULL (= Equal) */
	char *value;
	char *effect;		/* "NoSchedule" | "PreferNoSchedule" | "NoExecute" | NULL (all) */
	struct tb_optint toleration_seconds;
};

/* corev1.Taint */
struct tb_taint {
	char *key;
	char *value;
	char *effect;
	int64_t time_added;	/* ms, 0 = unset */
};

/* metav1.Condition */
struct tb_condition {
	char *type;
	char *status;		/* "True" | "False" | "Unknown" */
	int64_t observed_generation;
	int64_t last_transition_time;	/* ms */
	char *reason;
	char *message;
};

extern const struct tb_schema tb_meta_schema;
extern const struct tb_schema tb_label_selector_schema;
extern const struct tb_schema tb_node_selector_req_schema;
extern const struct tb_schema tb_toleration_schema;
extern const struct tb_schema tb_taint_schema;
extern const struct tb_schema tb_condition_schema;

extern const char *const tb_taint_effects[];		/* NoSchedule, PreferNoSchedule, NoExecute */
extern const char *const tb_condition_statuses[];	/* True, False, Unknown */

/* How a kind's metadata.name is checked (cluster names differ). */
typedef void (*tb_name_check_fn)(struct tb_errs *e, const struct tb_path *p, const char *name);

/* ValidateObjectMeta for create: name (or generateName), namespace rules,
 * labels, annotations, finalizers. p is the path of metadata. */
void tb_meta_validate(const struct tb_meta *m, bool namespaced, tb_name_check_fn name_fn,
		      struct tb_path *p, struct tb_errs *e);
void tb_label_selector_validate(const struct tb_label_selector *s, struct tb_path *p,
				struct tb_errs *e);
void tb_labels_validate(const struct tb_strmap *labels, struct tb_path *p, struct tb_errs *e);
void tb_tolerations_validate(const struct tb_toleration *t, size_t n, struct tb_path *p,
			     struct tb_errs *e);
void tb_taints_validate(const struct tb_taint *t, size_t n, struct tb_path *p,
			struct tb_errs *e);

/* metav1.LabelSelectorAsSelector(s).Matches(labels). A NULL selector matches
 * nothing and an empty one everything, as in Kubernetes. */
bool tb_label_selector_matches(const struct tb_label_selector *s, const struct tb_strmap *labels);
/* The same over labels held elsewhere: get returns the value of key (*len
 * bytes, not necessarily NUL-terminated) or NULL. */
typedef const char *(*tb_label_get_fn)(const void *ctx, const char *key, size_t *len);
bool tb_label_selector_matches_fn(const struct tb_label_selector *s, tb_label_get_fn get,
				  const void *ctx);

const struct tb_condition *tb_condition_find(const struct tb_condition *c, size_t n,
					     const char *type);
/* meta.SetStatusCondition on a TB_VEC(struct tb_condition): adds or updates
 * the condition of that type; lastTransitionTime becomes now_ms only when
 * the status changes. Returns true when anything changed. */
bool tb_condition_set(void *vec, const char *type, const char *status, const char *reason,
		      const char *message, int64_t now_ms);

#endif
