/* The object store: every API object as compact JSON text in memory, indexed
 * by (resource, namespace, name), written through to SQLite in WAL mode in the
 * data directory. One global resourceVersion counts every change; a ring of
 * recent change events lets watches resume from a resourceVersion (410 Gone
 * when it has been dropped). A write returns only once SQLite has committed
 * it, so an acknowledged write survives kill -9 of the process.
 *
 * The data directory holds tugboat.db (with its -wal and -shm files) and
 * tugboat.lock, which an open store holds locked: a second tb_store_open of
 * the directory, from any process, fails until the first is closed.
 *
 * Watches resume across a restart too: deletions are kept on disk as
 * tombstones, and opening rebuilds the history from them and from the objects
 * changed since (see tb_store_events_since).
 *
 * The store knows nothing of kinds beyond their resource name: validation,
 * defaulting and resourceVersion checks against the request are the API
 * server's. Single-threaded: the caller's event loop owns it. (A thread of
 * the store's own copies the WAL back into the database file, on a SQLite
 * connection of its own; callers never deal with it.) */
#ifndef TB_STORE_H
#define TB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "api/schema.h"
#include "lib/err.h"

struct tb_store;

/* A label of a stored object: offsets from its json of the key and value
 * (kl and vl bytes, not NUL-terminated), most often in the text itself. */
struct tb_store_label {
	uint32_t k, kl, v, vl;
};

/* A stored object. Everything is owned by the store and valid until the next
 * write to the same object (or tb_store_close). */
struct tb_store_obj {
	const char *res;	/* resource, e.g. "deployments.apps", "configmaps" */
	const char *ns;		/* "" for cluster-scoped objects */
	const char *name;
	uint64_t rv;		/* resourceVersion of the object's last change */
	const char *json;	/* compact JSON text, metadata.resourceVersion included */
	size_t len;
	const struct tb_store_label *labels;	/* metadata.labels, for selectors */
	size_t nlabels;
};

/* The value of o's label key (*len bytes, not NUL-terminated), or NULL. */
const char *tb_store_label(const struct tb_store_obj *o, const char *key, size_t *len);
struct tb_label_selector;
/* Does the label selector match o's labels? */
bool tb_store_selects(const struct tb_store_obj *o, const struct tb_label_selector *sel);

enum tb_store_ev_type { TB_EV_ADDED, TB_EV_MODIFIED, TB_EV_DELETED };

struct tb_store_event {
	enum tb_store_ev_type type;
	uint64_t rv;
	const struct tb_store_obj *obj;	/* for DELETED: the object as it was, at rv */
	/* For MODIFIED delivered live to subscribers: the version it replaced
	 * (so a watch can tell an object entering or leaving its selector).
	 * NULL otherwise, and in replays (tb_store_events_since). */
	const struct tb_store_obj *prev;
};

typedef void (*tb_store_event_fn)(void *data, const struct tb_store_event *ev);
/* Return non-zero to stop the iteration (that value is returned). */
typedef int (*tb_store_list_fn)(void *data, const struct tb_store_obj *obj);

enum tb_store_sync { TB_SYNC_NORMAL, TB_SYNC_FULL };

struct tb_store_opts {
	enum tb_store_sync sync;	/* NORMAL survives process crashes; FULL also power loss */
	size_t history;			/* events kept for watch resumption (default 100,000),
					 * and tombstones on disk (about as many) */
};

/* Opens (creating if needed) dir/tugboat.db, loads every object and rebuilds
 * the history of changes. A database of an older schema is upgraded in place;
 * one of a newer schema is refused (-TB_EUNSUPP). A directory that another
 * store has open is refused (-TB_EIO, "another tugd has DIR open"). */
int tb_store_open(struct tb_store **ret, const char *dir, const struct tb_store_opts *o,
		  struct tb_err *err);
void tb_store_close(struct tb_store *s);

/* The latest resourceVersion (0 for an empty store). */
uint64_t tb_store_rv(const struct tb_store *s);

const struct tb_store_obj *tb_store_get(const struct tb_store *s, const char *res,
					const char *ns, const char *name);

/* Objects of res in namespace ns (NULL: every namespace), in (namespace, name)
 * order, starting strictly after (after_ns, after_name) when after_name is
 * not NULL (pagination). Returns 0 or the callback's non-zero value. */
int tb_store_list(const struct tb_store *s, const char *res, const char *ns,
		  const char *after_ns, const char *after_name, tb_store_list_fn fn, void *data);
/* Objects of res; res NULL: objects of every resource. */
size_t tb_store_count(const struct tb_store *s, const char *res);

/* Creates or replaces an object. json is the full object as compact JSON
 * text without a resourceVersion (the store sets metadata.resourceVersion to
 * the new value). expected_rv: 0 = no check, else the current object must
 * have that rv (-TB_ECONFLICT otherwise). must_create: fail with -TB_EEXIST if
 * it exists; must_exist: fail with -TB_ENOENT if not. On success *ret (if not
 * NULL) points at the stored object. Durable on return. */
int tb_store_put(struct tb_store *s, const char *res, const char *ns, const char *name,
		 const char *json, size_t len, uint64_t expected_rv, bool must_create,
		 bool must_exist, const struct tb_store_obj **ret, struct tb_err *err);

/* The same for an object already parsed: root is the caller's, and gets
 * metadata.resourceVersion set to the new value. */
int tb_store_put_doc(struct tb_store *s, const char *res, const char *ns, const char *name,
		     json_t *root, uint64_t expected_rv, bool must_create, bool must_exist,
		     const struct tb_store_obj **ret, struct tb_err *err);

/* Deletes an object (expected_rv as above). The DELETED event carries the
 * object as it was, with the deletion's rv. */
int tb_store_delete(struct tb_store *s, const char *res, const char *ns, const char *name,
		    uint64_t expected_rv, struct tb_err *err);

/* Replays the events after rv of resource res (NULL: all resources) in rv
 * order. Returns -TB_EGONE when events after rv are no longer kept (rv too
 * old) or rv is newer than the store's.
 *
 * Since the store was opened there is one event per change. Before that, the
 * history rebuilt from disk is collapsed like an etcd compaction: one DELETED
 * per deletion (the text its live event carried), and for every object changed
 * after rv only its current version, as MODIFIED whether it was created or
 * modified since (clients treat MODIFIED of an object they never saw as an
 * upsert; ADDED of one they have would be wrong). rvs then skip the versions
 * collapsed away, and a watcher that replays them ends in the current state. */
int tb_store_events_since(const struct tb_store *s, const char *res, uint64_t rv,
			  tb_store_event_fn fn, void *data);

/* Calls fn for every change committed from now on (watchers, controllers).
 * Returns an id for tb_store_unsubscribe. */
int tb_store_subscribe(struct tb_store *s, tb_store_event_fn fn, void *data);
void tb_store_unsubscribe(struct tb_store *s, int id);

#endif
