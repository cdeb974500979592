/* The object store (store.h): compact JSON text in memory, a hash and an ordered
 * index per resource, write-through to SQLite in WAL mode, a bounded event history.
 * It must never acknowledge a change before SQLite has committed it, nor let
 * memory and disk disagree after a failed commit.
 *
 * The history survives a restart the way etcd's does a compaction: deletions
 * are kept on disk as tombstones (written in the deleting transaction), so a
 * reopened store rebuilds its history from the live objects changed after a
 * persisted floor and those tombstones. Versions that an object went through
 * before its current one are not kept on disk: after a reopen they collapse
 * into its current version, which is all a resumed watcher needs to end up
 * with the right state.
 *
 * Checkpoints (copying the WAL back into the database file) are not the event
 * loop's: SQLite would run one inside the commit of whichever write takes the
 * WAL past 1000 frames, two fdatasyncs of several milliseconds each on the
 * loop. A thread of the store's own runs them instead, on a connection of its
 * own (see "checkpoints" below); the API stays single-threaded. A lock file in
 * the data directory keeps a second process off it. */
#include "store/store.h"
#include "api/meta.h"
#include "api/yaml.h"
#include "lib/mem.h"
#include "lib/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Memory: an object costs one allocation (an 88-byte header, 16 bytes per label,
 * then namespace, name and text), a hash slot (8 bytes, load at most 0.7) and
 * an index slot (8 bytes, chunks a quarter full at worst): about 250 bytes
 * beyond the text for a ResourceBinding with six labels. Labels are spans of
 * the text: only one whose JSON form has an escape is copied after it.
 * Versions are immutable and shared by the index and the history, so an event
 * carries the exact text of its change without a copy while that text is current.
 * The history is bounded twice, whichever bites first: opts->history events
 * (16 bytes of ring each), and the bytes of versions that only the history
 * still holds (superseded and deleted objects, header included): at most
 * 16 KiB per event of opts->history and at most 256 MiB in all. So with the
 * defaults the history costs at most 1.6 MB of ring plus 256 MiB of text.
 * After a reopen the same bounds hold: live objects in the rebuilt history
 * cost only their ring slot, tombstones their text. */
#define TB_STORE_HIST_DEFAULT 100000
/* Superseded and deleted texts kept for watch resumption: 100,000 events of
 * 2.5 KiB objects, far more than a watcher that reconnects needs. A smaller
 * opts->history asks for less memory, so the bytes shrink with it. */
#define TB_STORE_HIST_BYTES ((size_t)256 << 20)
#define TB_STORE_HIST_EVENT_BYTES ((size_t)16 << 10)
/* Objects per index chunk: big enough that the chunk directory stays small
 * (400 chunks for 100,000 objects), small enough that a memmove is cheap. */
#define TB_STORE_CHUNK 256
/* 2: tombstones and the history floor. */
#define TB_STORE_SCHEMA 2
/* Tombstones that left the in-memory history are pruned from disk in batches
 * of about this many deletions (fewer for a small history), so that a delete
 * seldom dirties the oldest pages of the tombstones table. The table holds at
 * most opts->history tombstones plus one batch. */
#define TB_STORE_PRUNE_EVERY 256
/* Checkpoints. The thread checkpoints (PASSIVE: it never waits for the loop's
 * commits, nor they for it) once this many frames were committed since its
 * last one, SQLite's own automatic threshold (4 MiB of 4 KiB pages)... */
#define TB_STORE_CKPT_FRAMES 1000
/* ...and after a second without commits, so that a quiet store's WAL is all
 * in the database file. */
#define TB_STORE_CKPT_IDLE_MS 1000
/* A commit rewinds the WAL to its start only if the WAL was all copied back
 * when it began, which a steady stream of writes never leaves time for (a
 * checkpoint takes milliseconds of fdatasync). Past this many frames (64 MiB,
 * as journal_size_limit) the thread takes the write lock to finish the copy
 * (RESTART): a commit then waits for it to copy and sync what was committed
 * during its PASSIVE checkpoint (1 to 2 ms measured), and the next one
 * rewinds the WAL, syncing its header (1.5 ms). A larger bound makes that
 * rarer and the WAL file larger. */
#define TB_STORE_WAL_MAX_FRAMES 16384
/* A quiet store truncates a WAL file larger than this (a burst grew it), with
 * synchronous=NORMAL. Not with FULL: a commit syncs the WAL, and while the
 * file grows that sync also commits its new size, which made commits 60%
 * slower (p50 160 to 250 us) until it reached its size again. */
#define TB_STORE_WAL_IDLE_BYTES ((off_t)4 << 20)
/* Lock waits, in steps of TB_STORE_BUSY_STEP_US: the loop's connection waits
 * out a RESTART checkpoint (milliseconds; the bound is a safety net), the
 * thread's waits for the loop's commit in progress before giving up. */
#define TB_STORE_BUSY_STEP_US 100
#define TB_STORE_BUSY_MAIN_MS 10000
#define TB_STORE_BUSY_CKPT_MS 100

/* One immutable version of an object, in a single allocation: this header,
 * the label pairs, then namespace, name, JSON text and label strings.
 * Reference counted: the live index holds one reference, the history one, and
 * iterators hold one across a callback that may write. */
struct tb_store_ver {
	struct tb_store_obj pub;	/* pub.labels point into this allocation */
	size_t size;			/* of the allocation, for the history bound */
	uint32_t hash;			/* of (ns, name): probes compare it first */
	uint32_t refs;
	bool live;			/* the current version in the index */
	bool in_hist;			/* carried by an event of the history */
};

/* A run of the ordered index, sorted by (ns, name). */
struct tb_store_chunk {
	size_t n;
	struct tb_store_ver *v[TB_STORE_CHUNK];
};

/* Everything of one resource. Never freed before tb_store_close, so its name
 * can serve as the res of every object and iterators may keep a pointer. */
struct tb_store_res {
	char *name;
	size_t count;
	struct tb_store_ver **slots;	/* open addressing, linear probing */
	size_t mask;			/* slots - 1 (a power of two minus one) */
	/* The ordered index: a two-level B+ tree, chunks ordered by their last
	 * key. Seeks are two binary searches; inserts move at most one chunk. */
	struct tb_store_chunk **chunks;
	size_t nchunks, achunks;
};

struct tb_store_hev {
	struct tb_store_ver *ver;	/* ver->pub.rv is the event's rv */
	enum tb_store_ev_type type;
};

/* A change waiting to be delivered, with the version it replaced. */
struct tb_store_pev {
	struct tb_store_ver *ver, *prev;
	enum tb_store_ev_type type;
};

struct tb_store_sub {
	tb_store_event_fn fn;		/* NULL once unsubscribed during delivery */
	void *data;
	int id;
	uint64_t since;			/* rv at subscription: later events only */
};

/* A label pair on its way into a version (from JSON, a row or a version). */
struct tb_store_lbl {
	const char *k, *v;
	size_t kl, vl;
};

/* The checkpointer thread and what it shares with the loop's thread. The
 * thread alone uses db and wal once it runs; the rest under mu. */
struct tb_store_ckpt {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	bool sync_init;			/* mu and wake initialised */
	bool running;			/* thread started (loop thread's) */
	bool truncate;			/* when quiet (set before the thread starts) */
	unsigned frames;		/* WAL frames at the last commit (loop thread's) */
	sqlite3 *db;			/* the thread's own connection */
	char *wal;			/* path of the -wal file */
	/* Under mu. */
	bool stop;
	unsigned pending;		/* frames committed since the last checkpoint began */
	uint64_t commits;		/* commits since open: idleness shows in it */
};

struct tb_store {
	sqlite3 *db;
	int lock_fd;			/* dir/tugboat.lock, flock()ed: -1 if not */
	struct tb_store_ckpt ck;
	sqlite3_stmt *st_begin, *st_commit, *st_rollback, *st_upsert, *st_delete, *st_rv;
	sqlite3_stmt *st_tomb, *st_prune, *st_floor;
	uint64_t rv;
	uint64_t gen;			/* bumped by every change: iterators re-seek */
	struct tb_store_res **res;
	size_t nres, ares;

	/* History ring, oldest at hist_head, in rv order. Every change after
	 * hist_floor is in it: one event per change since the store was opened,
	 * and before that, the collapsed history rebuilt from disk (one event per
	 * object changed and per tombstone, so rvs may skip). */
	struct tb_store_hev *hist;
	size_t hist_cap, hist_head, hist_n, hist_max;
	size_t hist_bytes;		/* sizes of versions only the history holds */
	size_t hist_max_bytes;		/* bound on hist_bytes */
	uint64_t hist_floor;		/* events after it are all in the ring */
	/* On disk: every tombstone after disk_floor (meta 'hist_floor'), which
	 * trails hist_floor by up to a batch of deletions. */
	uint64_t disk_floor;
	size_t prune_every, prune_wait;	/* deletions per prune, and left until one */

	/* Notifications raised while subscribers run (a subscriber that writes)
	 * queue here, so that every subscriber sees events in rv order. */
	struct tb_store_pev *pend;
	size_t npend, apend;
	bool notifying;
	struct tb_store_sub *subs;
	size_t nsubs, asubs;
	int next_id;
	bool subs_dirty;

	struct tb_strbuf text;		/* serialized object being written */
	struct tb_strbuf blob;		/* its labels for the labels column */
	struct tb_store_lbl *lbl;
	size_t nlbl, albl;
};

/* ---- versions --------------------------------------------------------------- */

/* FNV-1a with a murmur3 finalizer: names that differ in their last digit must
 * still spread over the low bits that pick the slot. */
static uint32_t key_hash(const char *ns, const char *name)
{
	uint32_t h = 2166136261u;
	const unsigned char *p;

	for (p = (const unsigned char *)ns; *p; p++)
		h = (h ^ *p) * 16777619u;
	h = (h ^ 0xff) * 16777619u;	/* separator: ("ab","c") != ("a","bc") */
	for (p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static int key_cmp(const char *ns1, const char *name1, const char *ns2, const char *name2)
{
	int c = strcmp(ns1, ns2);

	return c ? c : strcmp(name1, name2);
}

static char *put_str(char **p, const char *s, size_t n)
{
	char *r = *p;

	memcpy(r, s, n);
	r[n] = '\0';
	*p += n + 1;
	return r;
}

static bool within(const char *p, const char *base, size_t len)
{
	return (uintptr_t)p >= (uintptr_t)base && (uintptr_t)p <= (uintptr_t)base + len;
}

/* The offset in text (the version's copy of json) of the string s (n bytes):
 * its own offset when it lies in json, else a copy made at *p. */
static uint32_t span(char **p, const char *text, const char *s, size_t n, const char *json,
		     size_t len)
{
	uint32_t off;

	if (within(s, json, len) && within(s + n, json, len))
		return (uint32_t)(s - json);
	memcpy(*p, s, n);
	off = (uint32_t)(*p - text);
	*p += n;
	return off;
}

/* A new version holding one reference (the caller's). A label pointing into
 * json becomes a span of the copy; any other is copied after the text. */
static struct tb_store_ver *ver_new(const struct tb_store_res *r, const char *ns,
				    const char *name, uint64_t rv, const char *json, size_t len,
				    const struct tb_store_lbl *lbl, size_t nlbl)
{
	size_t nsl = strlen(ns), namel = strlen(name), size, i;
	struct tb_store_label *l;
	struct tb_store_ver *v;
	char *p, *text;

	size = sizeof(*v) + nlbl * sizeof(*l) + nsl + namel + len + 3;
	for (i = 0; i < nlbl; i++) {
		if (!within(lbl[i].k, json, len) || !within(lbl[i].k + lbl[i].kl, json, len))
			size += lbl[i].kl;
		if (!within(lbl[i].v, json, len) || !within(lbl[i].v + lbl[i].vl, json, len))
			size += lbl[i].vl;
	}
	v = tb_malloc(size);
	memset(v, 0, sizeof(*v));
	v->size = size;
	v->refs = 1;
	v->hash = key_hash(ns, name);
	l = (struct tb_store_label *)(v + 1);
	p = (char *)(l + nlbl);
	v->pub.res = r->name;
	v->pub.ns = put_str(&p, ns, nsl);
	v->pub.name = put_str(&p, name, namel);
	v->pub.rv = rv;
	v->pub.json = text = put_str(&p, json, len);
	v->pub.len = len;
	v->pub.labels = l;
	v->pub.nlabels = nlbl;
	for (i = 0; i < nlbl; i++) {
		l[i].k = span(&p, text, lbl[i].k, lbl[i].kl, json, len);
		l[i].v = span(&p, text, lbl[i].v, lbl[i].vl, json, len);
		l[i].kl = (uint32_t)lbl[i].kl;
		l[i].vl = (uint32_t)lbl[i].vl;
	}
	return v;
}

const char *tb_store_label(const struct tb_store_obj *o, const char *key, size_t *len)
{
	size_t kl = strlen(key);

	for (size_t i = 0; i < o->nlabels; i++) {
		const struct tb_store_label *l = &o->labels[i];

		if (l->kl == kl && !memcmp(o->json + l->k, key, kl)) {
			*len = l->vl;
			return o->json + l->v;
		}
	}
	return NULL;
}

static const char *label_get(const void *o, const char *key, size_t *len)
{
	return tb_store_label(o, key, len);
}

bool tb_store_selects(const struct tb_store_obj *o, const struct tb_label_selector *sel)
{
	return tb_label_selector_matches_fn(sel, label_get, o);
}

static void ver_unref(struct tb_store_ver *v)
{
	if (--v->refs == 0)
		tb_free(v);
}

/* ---- per-resource hash ------------------------------------------------------- */

/* The slot holding (ns, name), or the empty slot where it would go. */
static size_t hash_probe(const struct tb_store_res *r, uint32_t h, const char *ns,
			 const char *name)
{
	size_t i = h & r->mask;
	const struct tb_store_ver *v;

	for (;; i = (i + 1) & r->mask) {
		v = r->slots[i];
		if (!v || (v->hash == h && !strcmp(v->pub.name, name) && !strcmp(v->pub.ns, ns)))
			return i;
	}
}

static void hash_place(struct tb_store_ver **slots, size_t mask, struct tb_store_ver *v)
{
	size_t i = v->hash & mask;

	while (slots[i])
		i = (i + 1) & mask;
	slots[i] = v;
}

/* Keeps the load under 0.7 so that probes stay short. */
static void hash_insert(struct tb_store_res *r, struct tb_store_ver *v)
{
	if ((r->count + 1) * 10 > (r->mask + 1) * 7) {
		size_t n = (r->mask + 1) * 2, i;
		struct tb_store_ver **slots = tb_calloc(n, sizeof(*slots));

		for (i = 0; i <= r->mask; i++)
			if (r->slots[i])
				hash_place(slots, n - 1, r->slots[i]);
		tb_free(r->slots);
		r->slots = slots;
		r->mask = n - 1;
	}
	hash_place(r->slots, r->mask, v);
}

/* Backward-shift deletion: no tombstones, so probes never lengthen with churn. */
static void hash_remove(struct tb_store_res *r, size_t i)
{
	size_t j = i, home;
	struct tb_store_ver *v;

	r->slots[i] = NULL;
	for (;;) {
		j = (j + 1) & r->mask;
		v = r->slots[j];
		if (!v)
			return;
		home = v->hash & r->mask;
		/* v may move to the hole at i unless its home lies in (i, j]. */
		if (i <= j ? (home > i && home <= j) : (home > i || home <= j))
			continue;
		r->slots[i] = v;
		r->slots[j] = NULL;
		i = j;
	}
}

/* ---- per-resource ordered index ---------------------------------------------- */

/* Does v come after (ns, name) (strict) or at or after it? */
static bool idx_past(const struct tb_store_ver *v, const char *ns, const char *name, bool strict)
{
	int c = key_cmp(v->pub.ns, v->pub.name, ns, name);

	return c > 0 || (!strict && c == 0);
}

/* The first position past (ns, name); *ci == nchunks when there is none. */
static void idx_seek(const struct tb_store_res *r, const char *ns, const char *name,
		     bool strict, size_t *ci, size_t *i)
{
	size_t lo = 0, hi = r->nchunks, mid;
	const struct tb_store_chunk *c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = r->chunks[mid];
		if (idx_past(c->v[c->n - 1], ns, name, strict))
			hi = mid;
		else
			lo = mid + 1;
	}
	*ci = lo;
	*i = 0;
	if (lo == r->nchunks)
		return;
	c = r->chunks[lo];
	lo = 0;
	hi = c->n - 1;	/* the last one is past: the chunk was chosen for it */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (idx_past(c->v[mid], ns, name, strict))
			hi = mid;
		else
			lo = mid + 1;
	}
	*i = lo;
}

static void idx_add_chunk(struct tb_store_res *r, size_t at, struct tb_store_chunk *c)
{
	TB_GROW(r->chunks, r->achunks, r->nchunks + 1);
	memmove(r->chunks + at + 1, r->chunks + at, (r->nchunks - at) * sizeof(*r->chunks));
	r->chunks[at] = c;
	r->nchunks++;
}

static void idx_del_chunk(struct tb_store_res *r, size_t at)
{
	tb_free(r->chunks[at]);
	r->nchunks--;
	memmove(r->chunks + at, r->chunks + at + 1, (r->nchunks - at) * sizeof(*r->chunks));
}

static struct tb_store_chunk *chunk_new(void)
{
	struct tb_store_chunk *c = tb_malloc(sizeof(*c));

	c->n = 0;
	return c;
}

static void idx_insert(struct tb_store_res *r, struct tb_store_ver *v)
{
	struct tb_store_chunk *c, *d;
	size_t ci, i, half = TB_STORE_CHUNK / 2;

	idx_seek(r, v->pub.ns, v->pub.name, false, &ci, &i);
	if (ci == r->nchunks) {
		/* After every key: append, and start a new chunk rather than split
		 * a full last one, so that loads in key order fill chunks. */
		if (!r->nchunks || r->chunks[ci - 1]->n == TB_STORE_CHUNK)
			idx_add_chunk(r, ci, chunk_new());
		else
			ci--;
		c = r->chunks[ci];
		c->v[c->n++] = v;
		return;
	}
	c = r->chunks[ci];
	if (c->n == TB_STORE_CHUNK) {
		d = chunk_new();
		d->n = c->n - half;
		memcpy(d->v, c->v + half, d->n * sizeof(*c->v));
		c->n = half;
		idx_add_chunk(r, ci + 1, d);
		if (i > half) {
			i -= half;
			c = d;
		}
	}
	memmove(c->v + i + 1, c->v + i, (c->n - i) * sizeof(*c->v));
	c->v[i] = v;
	c->n++;
}

static void idx_find(const struct tb_store_res *r, const struct tb_store_ver *v, size_t *ci,
		     size_t *i)
{
	idx_seek(r, v->pub.ns, v->pub.name, false, ci, i);
}

static void idx_replace(struct tb_store_res *r, const struct tb_store_ver *old,
			struct tb_store_ver *v)
{
	size_t ci, i;

	idx_find(r, old, &ci, &i);
	r->chunks[ci]->v[i] = v;
}

/* Removes, merging neighbours that fell under half a chunk together, so that
 * chunks stay at least a quarter full on average whatever the churn. */
static void idx_remove(struct tb_store_res *r, const struct tb_store_ver *v)
{
	struct tb_store_chunk *c, *o;
	size_t ci, i;

	idx_find(r, v, &ci, &i);
	c = r->chunks[ci];
	c->n--;
	memmove(c->v + i, c->v + i + 1, (c->n - i) * sizeof(*c->v));
	if (!c->n) {
		idx_del_chunk(r, ci);
		return;
	}
	if (ci + 1 < r->nchunks && c->n + r->chunks[ci + 1]->n <= TB_STORE_CHUNK / 2) {
		o = r->chunks[ci + 1];
	} else if (ci > 0 && r->chunks[ci - 1]->n + c->n <= TB_STORE_CHUNK / 2) {
		o = c;
		c = r->chunks[--ci];
	} else {
		return;
	}
	memcpy(c->v + c->n, o->v, o->n * sizeof(*o->v));
	c->n += o->n;
	idx_del_chunk(r, ci + 1);
}

/* ---- resources ----------------------------------------------------------------- */

/* A linear scan: a control plane has tens of resources, not thousands. */
static struct tb_store_res *res_find(const struct tb_store *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nres; i++)
		if (!strcmp(s->res[i]->name, name))
			return s->res[i];
	return NULL;
}

static struct tb_store_res *res_get(struct tb_store *s, const char *name)
{
	struct tb_store_res *r = res_find(s, name);

	if (r)
		return r;
	r = tb_calloc(1, sizeof(*r));
	r->name = tb_strdup(name);
	r->mask = 15;
	r->slots = tb_calloc(r->mask + 1, sizeof(*r->slots));
	TB_GROW(s->res, s->ares, s->nres + 1);
	s->res[s->nres++] = r;
	return r;
}

static struct tb_store_ver *res_lookup(const struct tb_store_res *r, const char *ns,
				       const char *name, size_t *slot)
{
	size_t i = hash_probe(r, key_hash(ns, name), ns, name);

	if (slot)
		*slot = i;
	return r->slots[i];
}

static void res_free(struct tb_store_res *r)
{
	size_t ci, i;

	for (ci = 0; ci < r->nchunks; ci++) {
		for (i = 0; i < r->chunks[ci]->n; i++) {
			r->chunks[ci]->v[i]->live = false;
			ver_unref(r->chunks[ci]->v[i]);
		}
		tb_free(r->chunks[ci]);
	}
	tb_free(r->chunks);
	tb_free(r->slots);
	tb_free(r->name);
	tb_free(r);
}

/* ---- history and notification ------------------------------------------------- */

static const struct tb_store_hev *hist_at(const struct tb_store *s, size_t i)
{
	return &s->hist[(s->hist_head + i) % s->hist_cap];
}

/* The position of the first event after rv (hist_n when there is none). */
static size_t hist_seek(const struct tb_store *s, uint64_t rv)
{
	size_t lo = 0, hi = s->hist_n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (hist_at(s, mid)->ver->pub.rv > rv)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The history then no longer holds every change after the dropped one's rv. */
static void hist_drop_oldest(struct tb_store *s)
{
	struct tb_store_ver *v = s->hist[s->hist_head].ver;

	s->hist_floor = v->pub.rv;
	s->hist_head = (s->hist_head + 1) % s->hist_cap;
	s->hist_n--;
	v->in_hist = false;
	if (!v->live)
		s->hist_bytes -= v->size;
	ver_unref(v);
}

static void hist_add(struct tb_store *s, enum tb_store_ev_type type, struct tb_store_ver *v)
{
	struct tb_store_hev *h;
	size_t cap, i;

	if (s->hist_n == s->hist_cap && s->hist_cap < s->hist_max) {
		/* Grow by doubling up to the bound: an idle store keeps no ring. */
		cap = s->hist_cap ? s->hist_cap * 2 : 1024;
		if (cap > s->hist_max)
			cap = s->hist_max;
		h = tb_malloc(cap * sizeof(*h));
		for (i = 0; i < s->hist_n; i++)
			h[i] = s->hist[(s->hist_head + i) % s->hist_cap];
		tb_free(s->hist);
		s->hist = h;
		s->hist_cap = cap;
		s->hist_head = 0;
	}
	if (s->hist_n == s->hist_max)
		hist_drop_oldest(s);
	s->hist[(s->hist_head + s->hist_n) % s->hist_cap] = (struct tb_store_hev){ v, type };
	s->hist_n++;
	v->refs++;
	v->in_hist = true;
	if (!v->live)
		s->hist_bytes += v->size;
	while (s->hist_bytes > s->hist_max_bytes && s->hist_n > 1)
		hist_drop_oldest(s);
}

static void subs_compact(struct tb_store *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nsubs; i++)
		if (s->subs[i].fn)
			s->subs[n++] = s->subs[i];
	s->nsubs = n;
	s->subs_dirty = false;
}

/* Records a committed change and tells the subscribers. A subscriber may write
 * to the store: its change is queued and delivered after the current one. */
static void emit(struct tb_store *s, enum tb_store_ev_type type, struct tb_store_ver *v,
		 struct tb_store_ver *prev)
{
	struct tb_store_event ev;
	struct tb_store_pev e;
	tb_store_event_fn fn;
	size_t k, i;

	hist_add(s, type, v);
	if (!s->nsubs)
		return;
	TB_GROW(s->pend, s->apend, s->npend + 1);
	s->pend[s->npend++] = (struct tb_store_pev){ v, prev, type };
	v->refs++;
	if (prev)
		prev->refs++;
	if (s->notifying)
		return;
	s->notifying = true;
	for (k = 0; k < s->npend; k++) {
		e = s->pend[k];
		ev.type = e.type;
		ev.rv = e.ver->pub.rv;
		ev.obj = &e.ver->pub;
		ev.prev = e.prev ? &e.prev->pub : NULL;
		/* subs and pend may be reallocated by a callback: index afresh. */
		for (i = 0; i < s->nsubs; i++) {
			fn = s->subs[i].fn;
			if (fn && s->subs[i].since < ev.rv)
				fn(s->subs[i].data, &ev);
		}
		ver_unref(e.ver);
		if (e.prev)
			ver_unref(e.prev);
	}
	s->npend = 0;
	s->notifying = false;
	if (s->subs_dirty)
		subs_compact(s);
}

int tb_store_subscribe(struct tb_store *s, tb_store_event_fn fn, void *data)
{
	TB_GROW(s->subs, s->asubs, s->nsubs + 1);
	s->subs[s->nsubs++] = (struct tb_store_sub){ fn, data, ++s->next_id, s->rv };
	return s->next_id;
}

void tb_store_unsubscribe(struct tb_store *s, int id)
{
	size_t i;

	for (i = 0; i < s->nsubs; i++) {
		if (s->subs[i].id == id && s->subs[i].fn) {
			/* During delivery the array is being walked: mark only. */
			s->subs[i].fn = NULL;
			s->subs_dirty = true;
			break;
		}
	}
	if (s->subs_dirty && !s->notifying)
		subs_compact(s);
}

int tb_store_events_since(const struct tb_store *s, const char *res, uint64_t rv,
			  tb_store_event_fn fn, void *data)
{
	const struct tb_store_res *r = NULL;
	const struct tb_store_hev *e;
	struct tb_store_event ev = { .prev = NULL };
	struct tb_store_ver *v;
	uint64_t gen = s->gen;
	size_t i;

	/* An rv from the future was handed out by a history this store no longer
	 * has (the tail lost to a power cut under TB_SYNC_NORMAL): the watcher's
	 * cache is as stale as if it were too old, and must relist. */
	if (rv > s->rv || rv < s->hist_floor)
		return -TB_EGONE;
	if (res && !(r = res_find(s, res)))
		return 0;
	i = hist_seek(s, rv);
	while (i < s->hist_n) {
		e = hist_at(s, i++);
		v = e->ver;
		rv = v->pub.rv;
		if (r && v->pub.res != r->name)
			continue;
		ev.type = e->type;
		ev.rv = rv;
		ev.obj = &v->pub;
		v->refs++;
		fn(data, &ev);
		ver_unref(v);
		/* The callback wrote: its events are replayed too, but the ring
		 * has moved and may even have dropped events not yet replayed. */
		if (s->gen != gen) {
			if (rv < s->hist_floor)
				return -TB_EGONE;
			gen = s->gen;
			i = hist_seek(s, rv);
		}
	}
	return 0;
}

/* ---- JSON ------------------------------------------------------------------------ */

static int dump_cb(const char *buf, size_t size, void *data)
{
	tb_strbuf_add(data, buf, size);
	return 0;
}

static void lbl_push(struct tb_store *s, const char *k, size_t kl, const char *v, size_t vl)
{
	TB_GROW(s->lbl, s->albl, s->nlbl + 1);
	s->lbl[s->nlbl++] = (struct tb_store_lbl){ k, v, kl, vl };
}

/* Sets metadata.resourceVersion to rv (creating metadata if absent) and
 * serializes root into s->text, key order preserved. */
static int doc_stamp(struct tb_store *s, json_t *root, uint64_t rv, struct tb_err *err)
{
	json_t *meta = json_object_get(root, "metadata");
	char buf[24];

	if (!meta) {
		meta = json_object();
		json_object_set_new(root, "metadata", meta);
	} else if (!json_is_object(meta)) {
		return tb_error(err, TB_EINVAL, "metadata must be an object, not %s",
				tb_json_type_name(meta));
	}
	snprintf(buf, sizeof(buf), "%" PRIu64, rv);
	json_object_set_new(meta, "resourceVersion", json_string(buf));
	tb_strbuf_reset(&s->text);
	/* Cannot fail: the parser already rejected what the encoder would. */
	json_dump_callback(root, dump_cb, &s->text, JSON_COMPACT | JSON_PRESERVE_ORDER);
	return 0;
}

/* metadata.labels into s->lbl (pointing into root). Values that are not
 * strings are not labels a selector could match: skipped, not refused, as
 * validation is the API server's. */
static void doc_labels(struct tb_store *s, const json_t *root)
{
	json_t *l = json_object_get(json_object_get(root, "metadata"), "labels"), *v;
	const char *k;

	s->nlbl = 0;
	if (!json_is_object(l))
		return;
	json_object_foreach(l, k, v)
		if (json_is_string(v))
			lbl_push(s, k, strlen(k), json_string_value(v), json_string_length(v));
}

/* ---- labels found in the text, without a parse ----------------------------------- */

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* Past the string at p ('"'); *esc tells whether it holds an escape. */
static const char *skip_string(const char *p, const char *e, bool *esc)
{
	*esc = false;
	for (p++; p < e; p++) {
		if (*p == '\\') {
			*esc = true;
			p++;
		} else if (*p == '"') {
			return p + 1;
		}
	}
	return NULL;
}

/* Past the value at p, or NULL when the text ends first. */
static const char *skip_value(const char *p, const char *e)
{
	size_t depth = 0;
	bool esc;

	while (p < e) {
		if (*p == '"') {
			if (!(p = skip_string(p, e, &esc)))
				return NULL;
			if (!depth)
				return p;
			continue;
		}
		if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			if (!depth)
				return p;	/* a scalar ended with its container */
			if (!--depth)
				return p + 1;
		} else if (!depth && *p == ',') {
			return p;
		}
		p++;
	}
	return depth ? NULL : p;
}

/* The value of member name of the object at p ('{'), or NULL. */
static const char *member(const char *p, const char *e, const char *name)
{
	size_t nl = strlen(name);
	const char *k;
	bool esc, hit;

	p = skip_ws(p + 1, e);
	while (p < e && *p == '"') {
		k = p + 1;
		if (!(p = skip_string(p, e, &esc)))
			return NULL;
		hit = !esc && (size_t)(p - 1 - k) == nl && !memcmp(k, name, nl);
		p = skip_ws(p, e);
		if (p >= e || *p != ':')
			return NULL;
		p = skip_ws(p + 1, e);
		if (hit)
			return p;
		if (!(p = skip_value(p, e)))
			return NULL;
		p = skip_ws(p, e);
		if (p < e && *p == ',')
			p = skip_ws(p + 1, e);
	}
	return NULL;
}

/* metadata.labels of the JSON text into s->lbl, as spans of it. False when
 * a label's key or value has an escape (its text is not the string), or
 * the text is not what was expected: the caller takes copies instead. */
static bool text_labels(struct tb_store *s, const char *text, size_t len)
{
	const char *e = text + len, *p = skip_ws(text, e), *k, *v;
	size_t kl;
	bool esc;

	s->nlbl = 0;
	if (p >= e || *p != '{')
		return false;
	if (!(p = member(p, e, "metadata")) || *p != '{' || !(p = member(p, e, "labels")) ||
	    *p != '{')
		return true;	/* none */
	p = skip_ws(p + 1, e);
	while (p < e && *p == '"') {
		k = p + 1;
		if (!(p = skip_string(p, e, &esc)) || esc)
			return false;
		kl = (size_t)(p - 1 - k);
		p = skip_ws(p, e);
		if (p >= e || *p != ':')
			return false;
		p = skip_ws(p + 1, e);
		if (p < e && *p == '"') {
			v = p + 1;
			if (!(p = skip_string(p, e, &esc)) || esc)
				return false;
			lbl_push(s, k, kl, v, (size_t)(p - 1 - v));
		} else if (!(p = skip_value(p, e))) {
			return false;
		}
		p = skip_ws(p, e);
		if (p < e && *p == ',')
			p = skip_ws(p + 1, e);
	}
	return p < e && *p == '}';
}

/* The labels column: "key\0value\0" pairs, so that a load needs no JSON parse. */
static void labels_blob(struct tb_store *s, const struct tb_store_obj *o)
{
	tb_strbuf_reset(&s->blob);
	for (size_t i = 0; i < o->nlabels; i++) {
		tb_strbuf_add(&s->blob, o->json + o->labels[i].k, o->labels[i].kl);
		tb_strbuf_addch(&s->blob, '\0');
		tb_strbuf_add(&s->blob, o->json + o->labels[i].v, o->labels[i].vl);
		tb_strbuf_addch(&s->blob, '\0');
	}
}

static int blob_labels(struct tb_store *s, const char *b, size_t n)
{
	const char *end = b + n, *k, *v;

	s->nlbl = 0;
	while (b < end) {
		k = b;
		if (!(v = memchr(k, '\0', (size_t)(end - k))) || ++v >= end)
			return -1;
		if (!(b = memchr(v, '\0', (size_t)(end - v))))
			return -1;
		lbl_push(s, k, (size_t)(v - 1 - k), v, (size_t)(b - v));
		b++;
	}
	return 0;
}

/* ---- SQLite ------------------------------------------------------------------------ */

static int db_fail(struct tb_store *s, const char *what, struct tb_err *err)
{
	int rc = tb_error(err, TB_EIO, "store: %s: %s", what, sqlite3_errmsg(s->db));

	if (!sqlite3_get_autocommit(s->db)) {
		sqlite3_step(s->st_rollback);
		sqlite3_reset(s->st_rollback);
	}
	return rc;
}

static int db_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Binds res, ns, name, rv, json and labels of v to ?at and on, in that order:
 * the columns of an object row, and of a tombstone after its rv. */
static void db_bind_ver(struct tb_store *s, sqlite3_stmt *st, int at,
			const struct tb_store_ver *v, bool text)
{
	sqlite3_bind_text(st, at, v->pub.res, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, at + 1, v->pub.ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, at + 2, v->pub.name, -1, SQLITE_STATIC);
	if (!text)
		return;
	sqlite3_bind_int64(st, at + 3, (sqlite3_int64)v->pub.rv);
	sqlite3_bind_text(st, at + 4, v->pub.json, (int)v->pub.len, SQLITE_STATIC);
	labels_blob(s, &v->pub);
	if (s->blob.len)
		sqlite3_bind_blob(st, at + 5, s->blob.buf, (int)s->blob.len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, at + 5);
}

/* One transaction: the object row (v upserted; or deleted when del, with the
 * deletion's version v as its tombstone) and the global rv. A deletion may
 * also prune the tombstones that the history has dropped (*pruned then says
 * so). Durable on return, as far as the synchronous mode promises. */
static int db_write(struct tb_store *s, const struct tb_store_ver *v, bool del, bool *pruned,
		    struct tb_err *err)
{
	*pruned = false;
	if (db_step(s->st_begin) < 0)
		return db_fail(s, "begin", err);
	if (!del) {
		db_bind_ver(s, s->st_upsert, 1, v, true);
		if (db_step(s->st_upsert) < 0)
			return db_fail(s, "write", err);
	} else {
		db_bind_ver(s, s->st_delete, 1, v, false);
		if (db_step(s->st_delete) < 0)
			return db_fail(s, "delete", err);
		db_bind_ver(s, s->st_tomb, 1, v, true);
		if (db_step(s->st_tomb) < 0)
			return db_fail(s, "write tombstone", err);
		if (!s->prune_wait && s->hist_floor > s->disk_floor) {
			sqlite3_bind_int64(s->st_prune, 1, (sqlite3_int64)s->hist_floor);
			sqlite3_bind_int64(s->st_floor, 1, (sqlite3_int64)s->hist_floor);
			if (db_step(s->st_prune) < 0 || db_step(s->st_floor) < 0)
				return db_fail(s, "prune tombstones", err);
			*pruned = true;
		}
	}
	sqlite3_bind_int64(s->st_rv, 1, (sqlite3_int64)v->pub.rv);
	if (db_step(s->st_rv) < 0)
		return db_fail(s, "write rv", err);
	if (db_step(s->st_commit) < 0)
		return db_fail(s, "commit", err);
	return 0;
}

static int db_exec(struct tb_store *s, const char *sql, struct tb_err *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return tb_error(err, TB_EIO, "store: %s: %s", sql, sqlite3_errmsg(s->db));
	return 0;
}

/* The first column of the first row of sql, as an integer (text in *txt). */
static int db_query(struct tb_store *s, const char *sql, sqlite3_int64 *val, char *txt,
		    size_t ntxt, struct tb_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return tb_error(err, TB_EIO, "store: %s: %s", sql, sqlite3_errmsg(s->db));
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = tb_error(err, TB_EIO, "store: %s: %s", sql,
			      rc == SQLITE_DONE ? "no row" : sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return rc;
	}
	if (val)
		*val = sqlite3_column_int64(st, 0);
	if (txt)
		snprintf(txt, ntxt, "%s", sqlite3_column_text(st, 0) ?
			 (const char *)sqlite3_column_text(st, 0) : "");
	sqlite3_finalize(st);
	return 0;
}

static int db_prepare(struct tb_store *s, sqlite3_stmt **st, const char *sql, struct tb_err *err)
{
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		return tb_error(err, TB_EIO, "store: %s: %s", sql, sqlite3_errmsg(s->db));
	return 0;
}

/* A lock wait: sleeps a step and says whether to try again. data holds the
 * number of steps to wait at most. */
static int db_busy(void *data, int count)
{
	struct timespec ts = { 0, TB_STORE_BUSY_STEP_US * 1000 };

	if (count >= (int)(intptr_t)data)
		return 0;
	nanosleep(&ts, NULL);
	return 1;
}

static int db_setup(struct tb_store *s, enum tb_store_sync sync, struct tb_err *err)
{
	sqlite3_int64 ver;
	char mode[16];
	int rc;

	/* Normal locking (the checkpointer has a connection of its own), so the
	 * WAL index lives in the -shm file; the lock file keeps other processes
	 * out. A commit waits out a RESTART checkpoint (see ckpt_round). */
	sqlite3_busy_handler(s->db, db_busy,
			     (void *)(intptr_t)(TB_STORE_BUSY_MAIN_MS * 1000 / TB_STORE_BUSY_STEP_US));
	if ((rc = db_query(s, "PRAGMA journal_mode=WAL", NULL, mode, sizeof(mode), err)) < 0)
		return rc;
	if (strcmp(mode, "wal"))
		return tb_error(err, TB_EIO, "store: cannot use WAL mode (got %s)", mode);
	if ((rc = db_exec(s, sync == TB_SYNC_FULL ? "PRAGMA synchronous=FULL" :
			  "PRAGMA synchronous=NORMAL", err)) < 0 ||
	    (rc = db_exec(s, "PRAGMA journal_size_limit=67108864", err)) < 0)
		return rc;
	if ((rc = db_query(s, "PRAGMA user_version", &ver, NULL, 0, err)) < 0)
		return rc;
	if (ver > TB_STORE_SCHEMA)
		return tb_error(err, TB_EUNSUPP, "store: database schema %lld is newer than %d",
				(long long)ver, TB_STORE_SCHEMA);
	if ((rc = db_exec(s,
		"BEGIN;"
		"CREATE TABLE IF NOT EXISTS objects(res TEXT NOT NULL, ns TEXT NOT NULL,"
		" name TEXT NOT NULL, rv INTEGER NOT NULL, json TEXT NOT NULL, labels BLOB,"
		" PRIMARY KEY(res, ns, name));"
		"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
		"INSERT OR IGNORE INTO meta(key, value) VALUES('rv', 0);"
		/* Deleted objects as their DELETED events carry them, by the
		 * deletion's rv: the history rebuilt on open needs them. */
		"CREATE TABLE IF NOT EXISTS tombstones(rv INTEGER PRIMARY KEY, res TEXT NOT NULL,"
		" ns TEXT NOT NULL, name TEXT NOT NULL, json TEXT NOT NULL, labels BLOB);"
		/* Every deletion after the floor has its tombstone. A new store
		 * starts complete (rv 0); one written by schema 1 kept no
		 * tombstones, so its history starts at its current rv. */
		"INSERT OR IGNORE INTO meta(key, value)"
		" SELECT 'hist_floor', value FROM meta WHERE key = 'rv';"
		"PRAGMA user_version=2;"
		"COMMIT", err)) < 0)
		return rc;
	if ((rc = db_prepare(s, &s->st_begin, "BEGIN IMMEDIATE", err)) < 0 ||
	    (rc = db_prepare(s, &s->st_commit, "COMMIT", err)) < 0 ||
	    (rc = db_prepare(s, &s->st_rollback, "ROLLBACK", err)) < 0 ||
	    (rc = db_prepare(s, &s->st_upsert,
			     "INSERT INTO objects(res, ns, name, rv, json, labels)"
			     " VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(res, ns, name)"
			     " DO UPDATE SET rv = excluded.rv, json = excluded.json,"
			     " labels = excluded.labels", err)) < 0 ||
	    (rc = db_prepare(s, &s->st_delete,
			     "DELETE FROM objects WHERE res = ?1 AND ns = ?2 AND name = ?3",
			     err)) < 0 ||
	    (rc = db_prepare(s, &s->st_rv, "UPDATE meta SET value = ?1 WHERE key = 'rv'",
			     err)) < 0 ||
	    (rc = db_prepare(s, &s->st_tomb,
			     "INSERT INTO tombstones(res, ns, name, rv, json, labels)"
			     " VALUES(?1, ?2, ?3, ?4, ?5, ?6)", err)) < 0 ||
	    (rc = db_prepare(s, &s->st_prune, "DELETE FROM tombstones WHERE rv <= ?1",
			     err)) < 0 ||
	    (rc = db_prepare(s, &s->st_floor,
			     "UPDATE meta SET value = ?1 WHERE key = 'hist_floor'", err)) < 0)
		return rc;
	return 0;
}

/* Loads every row. In key order, so the index fills its chunks by appending. */
static int db_load(struct tb_store *s, struct tb_err *err)
{
	const char *sql = "SELECT res, ns, name, rv, json, labels FROM objects"
			  " ORDER BY res, ns, name";
	struct tb_store_res *r = NULL;
	struct tb_store_ver *v;
	const char *res, *ns, *name, *json, *blob;
	sqlite3_int64 rv, meta_rv, floor;
	sqlite3_stmt *st;
	size_t slot;
	int rc;

	if ((rc = db_query(s, "SELECT value FROM meta WHERE key = 'rv'", &meta_rv, NULL, 0,
			   err)) < 0 ||
	    (rc = db_query(s, "SELECT value FROM meta WHERE key = 'hist_floor'", &floor, NULL,
			   0, err)) < 0)
		return rc;
	s->rv = meta_rv > 0 ? (uint64_t)meta_rv : 0;
	s->disk_floor = s->hist_floor = floor > 0 ? (uint64_t)floor : 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return tb_error(err, TB_EIO, "store: load: %s", sqlite3_errmsg(s->db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		res = (const char *)sqlite3_column_text(st, 0);
		ns = (const char *)sqlite3_column_text(st, 1);
		name = (const char *)sqlite3_column_text(st, 2);
		rv = sqlite3_column_int64(st, 3);
		json = (const char *)sqlite3_column_text(st, 4);
		blob = sqlite3_column_blob(st, 5);
		if (!res || !ns || !name || !json || rv <= 0 ||
		    (!text_labels(s, json, (size_t)sqlite3_column_bytes(st, 4)) &&
		     blob_labels(s, blob, blob ? (size_t)sqlite3_column_bytes(st, 5) : 0) < 0)) {
			sqlite3_finalize(st);
			return tb_error(err, TB_EIO, "store: load: corrupt row %s %s/%s",
					res ? res : "?", ns ? ns : "?", name ? name : "?");
		}
		if (!r || strcmp(r->name, res))
			r = res_get(s, res);
		if (res_lookup(r, ns, name, &slot)) {
			sqlite3_finalize(st);
			return tb_error(err, TB_EIO, "store: load: duplicate row %s %s/%s",
					res, ns, name);
		}
		v = ver_new(r, ns, name, (uint64_t)rv, json, (size_t)sqlite3_column_bytes(st, 4),
			    s->lbl, s->nlbl);
		v->live = true;
		hash_insert(r, v);
		idx_insert(r, v);
		r->count++;
		if ((uint64_t)rv > s->rv)
			s->rv = (uint64_t)rv;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return tb_error(err, TB_EIO, "store: load: %s", sqlite3_errmsg(s->db));
	return 0;
}

/* The version a tombstone row (rv, res, ns, name, json, labels) stands for,
 * holding one reference; NULL when the row is corrupt. */
static struct tb_store_ver *db_tombstone(struct tb_store *s, sqlite3_stmt *st)
{
	sqlite3_int64 rv = sqlite3_column_int64(st, 0);
	const char *res = (const char *)sqlite3_column_text(st, 1);
	const char *ns = (const char *)sqlite3_column_text(st, 2);
	const char *name = (const char *)sqlite3_column_text(st, 3);
	const char *json = (const char *)sqlite3_column_text(st, 4);
	const char *blob = sqlite3_column_blob(st, 5);

	if (!res || !*res || !ns || !name || !*name || !json || rv <= 0 ||
	    (!text_labels(s, json, (size_t)sqlite3_column_bytes(st, 4)) &&
	     blob_labels(s, blob, blob ? (size_t)sqlite3_column_bytes(st, 5) : 0) < 0))
		return NULL;
	if ((uint64_t)rv > s->rv)
		s->rv = (uint64_t)rv;
	return ver_new(res_get(s, res), ns, name, (uint64_t)rv, json,
		       (size_t)sqlite3_column_bytes(st, 4), s->lbl, s->nlbl);
}

static int cmp_ver_rv(const void *a, const void *b)
{
	const struct tb_store_ver *const *x = a, *const *y = b;

	return (*x)->pub.rv < (*y)->pub.rv ? -1 : (*x)->pub.rv > (*y)->pub.rv;
}

/* Rebuilds the history after the floor: the current version of every object
 * changed since, as MODIFIED (it may have been created since or not: clients
 * treat MODIFIED of an object they have not seen as an upsert, while ADDED of
 * one they have would be wrong), and a DELETED per tombstone, merged in rv
 * order. Newest first, so that the bounds on the history (events, and bytes of
 * tombstone texts) keep the latest and raise the floor past what they drop;
 * tombstones older than that are never read. */
static int hist_load(struct tb_store *s, struct tb_err *err)
{
	const char *sql = "SELECT rv, res, ns, name, json, labels FROM tombstones"
			  " WHERE rv > ?1 ORDER BY rv DESC";
	size_t nlive = 0, nev = 0, aev = 0, bytes = 0, i, ri, ci;
	struct tb_store_ver **live, *v;
	struct tb_store_hev *ev = NULL;
	const struct tb_store_chunk *c;
	sqlite3_stmt *st = NULL;
	int rc = 0, step;

	live = tb_malloc((tb_store_count(s, NULL) + 1) * sizeof(*live));
	for (ri = 0; ri < s->nres; ri++) {
		for (ci = 0; ci < s->res[ri]->nchunks; ci++) {
			c = s->res[ri]->chunks[ci];
			for (i = 0; i < c->n; i++)
				if (c->v[i]->pub.rv > s->hist_floor)
					live[nlive++] = c->v[i];
		}
	}
	if (nlive > 1)
		qsort(live, nlive, sizeof(*live), cmp_ver_rv);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = tb_error(err, TB_EIO, "store: load tombstones: %s", sqlite3_errmsg(s->db));
		goto out;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)s->hist_floor);
	step = sqlite3_step(st);
	for (;;) {
		if (step == SQLITE_ROW && (!nlive || (uint64_t)sqlite3_column_int64(st, 0) >
					   live[nlive - 1]->pub.rv)) {
			if (nev == s->hist_max) {
				s->hist_floor = (uint64_t)sqlite3_column_int64(st, 0);
				break;
			}
			if (!(v = db_tombstone(s, st))) {
				rc = tb_error(err, TB_EIO, "store: load: corrupt tombstone %lld",
					      (long long)sqlite3_column_int64(st, 0));
				goto out;
			}
			if (nev && bytes + v->size > s->hist_max_bytes) {
				s->hist_floor = v->pub.rv;
				ver_unref(v);
				break;
			}
			bytes += v->size;
			TB_GROW(ev, aev, nev + 1);
			ev[nev++] = (struct tb_store_hev){ v, TB_EV_DELETED };
			step = sqlite3_step(st);
		} else if (nlive) {
			v = live[--nlive];
			if (nev == s->hist_max) {
				s->hist_floor = v->pub.rv;
				break;
			}
			TB_GROW(ev, aev, nev + 1);
			ev[nev++] = (struct tb_store_hev){ v, TB_EV_MODIFIED };
		} else {
			break;
		}
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = tb_error(err, TB_EIO, "store: load tombstones: %s", sqlite3_errmsg(s->db));
out:
	/* The history takes its own references; the tombstones' first ones
	 * were ours. On failure the store is closed: nothing to undo. */
	for (i = nev; i-- > 0;) {
		if (!rc)
			hist_add(s, ev[i].type, ev[i].ver);
		if (ev[i].type == TB_EV_DELETED)
			ver_unref(ev[i].ver);
	}
	sqlite3_finalize(st);
	tb_free(ev);
	tb_free(live);
	return rc;
}

/* ---- checkpoints ---------------------------------------------------------------- */

/* The loop's connection has automatic checkpoints off; this WAL hook (run
 * after every commit, on the loop's thread) counts the frames committed and
 * wakes the checkpointer when enough are waiting. nframes is the WAL's size:
 * smaller than before when this commit rewound the WAL. */
static int ckpt_hook(void *data, sqlite3 *db, const char *name, int nframes)
{
	struct tb_store_ckpt *ck = data;
	unsigned n = nframes > 0 ? (unsigned)nframes : 0;
	unsigned added = n >= ck->frames ? n - ck->frames : n;

	(void)db;
	(void)name;
	ck->frames = n;
	pthread_mutex_lock(&ck->mu);
	ck->commits++;
	ck->pending += added;
	if (ck->pending >= TB_STORE_CKPT_FRAMES)
		pthread_cond_signal(&ck->wake);
	pthread_mutex_unlock(&ck->mu);
	return SQLITE_OK;
}

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? 0 : st.st_size;
}

/* One round, on the thread: a PASSIVE checkpoint copies what was committed
 * (the loop's commits go on meanwhile: they need no lock it holds). When the
 * writes outran it and the WAL is past its bound, a RESTART finishes the copy
 * under the write lock, so that the next commit rewinds the WAL; a quiet
 * store (idle) may also give back the space a burst took (TRUNCATE). Both
 * wait only briefly for a commit in progress (BUSY: tried again next round). */
static int ckpt_round(struct tb_store_ckpt *ck, bool idle)
{
	int rc, nlog = 0, nckpt = 0, mode = -1;
	sqlite3_file *f = NULL;

	rc = sqlite3_wal_checkpoint_v2(ck->db, "main", SQLITE_CHECKPOINT_PASSIVE, &nlog, &nckpt);
	if (rc != SQLITE_OK)
		return rc;
	if (nlog >= TB_STORE_WAL_MAX_FRAMES)
		mode = SQLITE_CHECKPOINT_RESTART;
	else if (idle && ck->truncate && file_size(ck->wal) > TB_STORE_WAL_IDLE_BYTES)
		mode = SQLITE_CHECKPOINT_TRUNCATE;
	if (mode < 0)
		return SQLITE_OK;
	/* A checkpoint syncs the database only when it copies the WAL to its
	 * end, which under a stream of writes only the RESTART does: it would
	 * sync all that the PASSIVE ones wrote (tens of MB, 20 to 40 ms) with
	 * the loop's commits waiting. Synced now, without the lock, it has only
	 * its own few pages left to sync. */
	if (sqlite3_file_control(ck->db, "main", SQLITE_FCNTL_FILE_POINTER, &f) == SQLITE_OK &&
	    f && f->pMethods && (rc = f->pMethods->xSync(f, SQLITE_SYNC_NORMAL)) != SQLITE_OK)
		return rc;
	rc = sqlite3_wal_checkpoint_v2(ck->db, "main", mode, NULL, NULL);
	return rc == SQLITE_BUSY ? SQLITE_OK : rc;
}

/* Waits, under mu, until frames are due, the store is closing, or it is
 * quiet (*idle: a whole TB_STORE_CKPT_IDLE_MS without commits, and commits
 * since the last quiet round). */
static void ckpt_wait(struct tb_store_ckpt *ck, uint64_t *quiet_at, bool *idle)
{
	struct timespec until;
	uint64_t seen;

	*idle = false;
	while (!ck->stop && ck->pending < TB_STORE_CKPT_FRAMES) {
		seen = ck->commits;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += TB_STORE_CKPT_IDLE_MS / 1000;
		until.tv_nsec += (long)(TB_STORE_CKPT_IDLE_MS % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		while (!ck->stop && ck->pending < TB_STORE_CKPT_FRAMES &&
		       pthread_cond_timedwait(&ck->wake, &ck->mu, &until) != ETIMEDOUT)
			;
		if (!ck->stop && ck->pending < TB_STORE_CKPT_FRAMES && ck->commits == seen &&
		    seen != *quiet_at) {
			*quiet_at = seen;
			*idle = true;
			return;
		}
	}
}

/* A round that failed (an I/O error) is tried again when frames are next
 * due: the WAL holds every commit meanwhile, and a failing disk fails the
 * loop's commits too, which report it. */
static void *ckpt_main(void *data)
{
	struct tb_store_ckpt *ck = data;
	uint64_t quiet_at = 0;
	bool idle;

	pthread_mutex_lock(&ck->mu);
	for (;;) {
		ckpt_wait(ck, &quiet_at, &idle);
		if (ck->stop)
			break;
		ck->pending = 0;
		pthread_mutex_unlock(&ck->mu);
		ckpt_round(ck, idle);
		pthread_mutex_lock(&ck->mu);
	}
	pthread_mutex_unlock(&ck->mu);
	return NULL;
}

/* Opens the thread's connection and starts it. Without a thread-safe SQLite,
 * SQLite's automatic checkpoints stay on. */
static int ckpt_start(struct tb_store *s, const char *path, enum tb_store_sync sync,
		      struct tb_err *err)
{
	struct tb_store_ckpt *ck = &s->ck;
	sigset_t all, old;
	int rc;

	if (!sqlite3_threadsafe())
		return 0;
	if (sqlite3_open_v2(path, &ck->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK)
		return tb_error(err, TB_EIO, "store: cannot open %s for checkpoints: %s", path,
				ck->db ? sqlite3_errmsg(ck->db) : "out of memory");
	/* A checkpoint syncs the WAL before it copies frames into the database
	 * and the database after, in NORMAL and FULL alike: the same mode as the
	 * loop's connection. Reading the schema version opens the WAL, which a
	 * checkpoint on a connection that never read would not. */
	if (sqlite3_exec(ck->db, sync == TB_SYNC_FULL ? "PRAGMA synchronous=FULL" :
			 "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(ck->db, "PRAGMA schema_version", NULL, NULL, NULL) != SQLITE_OK)
		return tb_error(err, TB_EIO, "store: checkpoint connection: %s",
				sqlite3_errmsg(ck->db));
	sqlite3_busy_handler(ck->db, db_busy,
			     (void *)(intptr_t)(TB_STORE_BUSY_CKPT_MS * 1000 / TB_STORE_BUSY_STEP_US));
	ck->wal = tb_malloc(strlen(path) + 5);
	snprintf(ck->wal, strlen(path) + 5, "%s-wal", path);
	ck->truncate = sync != TB_SYNC_FULL;
	if ((rc = db_exec(s, "PRAGMA wal_autocheckpoint=0", err)) < 0)
		return rc;
	sqlite3_wal_hook(s->db, ckpt_hook, ck);
	/* Signals are the loop's: the thread blocks them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&ck->thread, NULL, ckpt_main, ck);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		sqlite3_wal_hook(s->db, NULL, NULL);
		return tb_error(err, TB_EIO, "store: cannot start the checkpointer: %s",
				strerror(rc));
	}
	pthread_setname_np(ck->thread, "tb-checkpoint");
	ck->running = true;
	/* A WAL left over from before (a crash) is copied back soon. */
	pthread_mutex_lock(&ck->mu);
	ck->pending = TB_STORE_CKPT_FRAMES;
	pthread_cond_signal(&ck->wake);
	pthread_mutex_unlock(&ck->mu);
	return 0;
}

/* Stops the thread (after the round in progress) and closes its connection. */
static void ckpt_stop(struct tb_store *s)
{
	struct tb_store_ckpt *ck = &s->ck;

	if (ck->running) {
		pthread_mutex_lock(&ck->mu);
		ck->stop = true;
		pthread_cond_signal(&ck->wake);
		pthread_mutex_unlock(&ck->mu);
		pthread_join(ck->thread, NULL);
		ck->running = false;
		sqlite3_wal_hook(s->db, NULL, NULL);
	}
	sqlite3_close(ck->db);
	ck->db = NULL;
	tb_free(ck->wal);
	ck->wal = NULL;
}

static int ckpt_init(struct tb_store_ckpt *ck)
{
	pthread_condattr_t attr;
	int rc;

	if ((rc = pthread_condattr_init(&attr)))
		return rc;
	if (!(rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)) &&
	    !(rc = pthread_mutex_init(&ck->mu, NULL))) {
		if ((rc = pthread_cond_init(&ck->wake, &attr)))
			pthread_mutex_destroy(&ck->mu);
		else
			ck->sync_init = true;
	}
	pthread_condattr_destroy(&attr);
	return rc;
}

/* The data directory's lock: held while the store is open, so that a second
 * tugd cannot fork the history (the memory image is the truth). flock, not
 * SQLite's locks, which the checkpointer's connection must share. */
static int dir_lock(struct tb_store *s, const char *dir, struct tb_err *err)
{
	struct tb_strbuf path = TB_STRBUF_INIT;
	int rc = 0, e;

	tb_strbuf_addf(&path, "%s/tugboat.lock", dir);
	s->lock_fd = open(path.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (s->lock_fd < 0) {
		rc = tb_error(err, TB_EIO, "store: cannot open %s: %s", path.buf, strerror(errno));
	} else if (flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		e = errno;
		close(s->lock_fd);
		s->lock_fd = -1;
		if (e == EWOULDBLOCK)
			rc = tb_error(err, TB_EIO, "store: another tugd has %s open", dir);
		else
			rc = tb_error(err, TB_EIO, "store: cannot lock %s: %s", path.buf,
				      strerror(e));
	}
	tb_strbuf_release(&path);
	return rc;
}

/* ---- public API ---------------------------------------------------------------------- */

int tb_store_open(struct tb_store **ret, const char *dir, const struct tb_store_opts *o,
		  struct tb_err *err)
{
	struct tb_store_opts dflt = { TB_SYNC_NORMAL, 0 };
	struct tb_strbuf path = TB_STRBUF_INIT;
	struct tb_store *s;
	int rc;

	*ret = NULL;
	if (!o)
		o = &dflt;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return tb_error(err, TB_EIO, "store: cannot create %s: %s", dir, strerror(errno));
	s = tb_calloc(1, sizeof(*s));
	s->lock_fd = -1;
	tb_strbuf_init(&s->text);
	tb_strbuf_init(&s->blob);
	s->hist_max = o->history ? o->history : TB_STORE_HIST_DEFAULT;
	s->hist_max_bytes = TB_STORE_HIST_BYTES;
	if (s->hist_max < TB_STORE_HIST_BYTES / TB_STORE_HIST_EVENT_BYTES)
		s->hist_max_bytes = s->hist_max * TB_STORE_HIST_EVENT_BYTES;
	if ((rc = ckpt_init(&s->ck))) {
		rc = tb_error(err, TB_EIO, "store: cannot set up the checkpointer: %s",
			      strerror(rc));
		goto fail;
	}
	if ((rc = dir_lock(s, dir, err)) < 0)
		goto fail;
	tb_strbuf_addf(&path, "%s/tugboat.db", dir);
	if (sqlite3_open_v2(path.buf, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = tb_error(err, TB_EIO, "store: cannot open %s: %s", path.buf,
			      s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	s->prune_every = s->hist_max / 8 < TB_STORE_PRUNE_EVERY ? s->hist_max / 8 + 1 :
			 TB_STORE_PRUNE_EVERY;
	if ((rc = db_setup(s, o->sync, err)) < 0 || (rc = db_load(s, err)) < 0 ||
	    (rc = hist_load(s, err)) < 0 || (rc = ckpt_start(s, path.buf, o->sync, err)) < 0)
		goto fail;
	tb_strbuf_release(&path);
	*ret = s;
	return 0;
fail:
	tb_strbuf_release(&path);
	tb_store_close(s);
	return rc;
}

void tb_store_close(struct tb_store *s)
{
	size_t i;

	if (!s)
		return;
	ckpt_stop(s);
	while (s->hist_n)
		hist_drop_oldest(s);
	tb_free(s->hist);
	for (i = 0; i < s->nres; i++)
		res_free(s->res[i]);
	tb_free(s->res);
	for (i = 0; i < s->npend; i++)
		ver_unref(s->pend[i].ver);
	tb_free(s->pend);
	tb_free(s->subs);
	tb_free(s->lbl);
	tb_strbuf_release(&s->text);
	tb_strbuf_release(&s->blob);
	sqlite3_finalize(s->st_begin);
	sqlite3_finalize(s->st_commit);
	sqlite3_finalize(s->st_rollback);
	sqlite3_finalize(s->st_upsert);
	sqlite3_finalize(s->st_delete);
	sqlite3_finalize(s->st_rv);
	sqlite3_finalize(s->st_tomb);
	sqlite3_finalize(s->st_prune);
	sqlite3_finalize(s->st_floor);
	/* The last connection: copies the WAL back and removes it. */
	sqlite3_close(s->db);
	if (s->ck.sync_init) {
		pthread_cond_destroy(&s->ck.wake);
		pthread_mutex_destroy(&s->ck.mu);
	}
	/* Only now may another process open the directory. */
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	tb_free(s);
}

uint64_t tb_store_rv(const struct tb_store *s)
{
	return s->rv;
}

const struct tb_store_obj *tb_store_get(const struct tb_store *s, const char *res,
					const char *ns, const char *name)
{
	const struct tb_store_res *r = res_find(s, res);
	const struct tb_store_ver *v = r ? res_lookup(r, ns, name, NULL) : NULL;

	return v ? &v->pub : NULL;
}

size_t tb_store_count(const struct tb_store *s, const char *res)
{
	const struct tb_store_res *r;
	size_t i, n = 0;

	if (!res) {
		for (i = 0; i < s->nres; i++)
			n += s->res[i]->count;
		return n;
	}
	r = res_find(s, res);
	return r ? r->count : 0;
}

/* after_ns NULL means the listed namespace (or "" for every namespace). A
 * callback may write to the store: the walk then re-seeks past the object it
 * was given, which it holds a reference on meanwhile. */
int tb_store_list(const struct tb_store *s, const char *res, const char *ns,
		  const char *after_ns, const char *after_name, tb_store_list_fn fn, void *data)
{
	const struct tb_store_res *r = res_find(s, res);
	struct tb_store_ver *v;
	size_t ci, i;
	uint64_t gen;
	int rc = 0;

	if (!r)
		return 0;
	if (!after_ns)
		after_ns = ns ? ns : "";
	if (after_name && !(ns && strcmp(after_ns, ns) < 0))
		idx_seek(r, after_ns, after_name, true, &ci, &i);
	else if (ns)
		idx_seek(r, ns, "", false, &ci, &i);
	else
		ci = i = 0;
	while (ci < r->nchunks) {
		if (i >= r->chunks[ci]->n) {
			ci++;
			i = 0;
			continue;
		}
		v = r->chunks[ci]->v[i];
		if (ns && strcmp(v->pub.ns, ns))
			break;
		gen = s->gen;
		v->refs++;
		rc = fn(data, &v->pub);
		if (!rc && s->gen != gen)
			idx_seek(r, v->pub.ns, v->pub.name, true, &ci, &i);
		else
			i++;
		ver_unref(v);
		if (rc)
			break;
	}
	return rc;
}

static int check_key(const char *res, const char *ns, const char *name, struct tb_err *err)
{
	if (!res || !*res || !ns || !name || !*name)
		return tb_error(err, TB_EINVAL, "store: resource and name must not be empty");
	return 0;
}

int tb_store_put(struct tb_store *s, const char *res, const char *ns, const char *name,
		 const char *json, size_t len, uint64_t expected_rv, bool must_create,
		 bool must_exist, const struct tb_store_obj **ret, struct tb_err *err)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	if ((rc = check_key(res, ns, name, err)) < 0)
		return rc;
	if (len > TB_MAX_DOC_BYTES)
		return tb_error(err, TB_ETOOBIG, "%s %s%s%s: object is %zu bytes, over the limit"
				" of %u", res, ns, *ns ? "/" : "", name, len, TB_MAX_DOC_BYTES);
	if (!json || !(root = json_loadb(json, len, 0, &jerr)))
		return tb_error(err, TB_EINVAL, "%s %s%s%s: invalid JSON at line %d column %d: %s",
				res, ns, *ns ? "/" : "", name, json ? jerr.line : 0,
				json ? jerr.column : 0, json ? jerr.text : "no text");
	rc = tb_store_put_doc(s, res, ns, name, root, expected_rv, must_create, must_exist, ret,
			      err);
	json_decref(root);
	return rc;
}

int tb_store_put_doc(struct tb_store *s, const char *res, const char *ns, const char *name,
		     json_t *root, uint64_t expected_rv, bool must_create, bool must_exist,
		     const struct tb_store_obj **ret, struct tb_err *err)
{
	uint64_t rv = s->rv + 1;
	struct tb_store_ver *old, *v;
	struct tb_store_res *r;
	size_t slot;
	bool pruned;
	int rc;

	if ((rc = check_key(res, ns, name, err)) < 0)
		return rc;
	if (!json_is_object(root))
		return tb_error(err, TB_EINVAL, "%s %s%s%s: object must be a JSON object, not %s",
				res, ns, *ns ? "/" : "", name, tb_json_type_name(root));
	r = res_get(s, res);
	old = res_lookup(r, ns, name, &slot);
	if (old && must_create)
		rc = tb_error(err, TB_EEXIST, "%s \"%s%s%s\" already exists", res, ns,
			      *ns ? "/" : "", name);
	else if (!old && must_exist)
		rc = tb_error(err, TB_ENOENT, "%s \"%s%s%s\" not found", res, ns,
			      *ns ? "/" : "", name);
	else if (expected_rv && (!old || old->pub.rv != expected_rv))
		rc = tb_error(err, TB_ECONFLICT, "Operation cannot be fulfilled on %s \"%s%s%s\":"
			      " the object has been modified (resourceVersion %" PRIu64
			      ", expected %" PRIu64 ")", res, ns, *ns ? "/" : "", name,
			      old ? old->pub.rv : 0, expected_rv);
	else if ((rc = doc_stamp(s, root, rv, err)) == 0 && s->text.len > TB_MAX_DOC_BYTES)
		rc = tb_error(err, TB_ETOOBIG, "%s %s%s%s: object is %zu bytes, over the limit"
			      " of %u", res, ns, *ns ? "/" : "", name, s->text.len,
			      TB_MAX_DOC_BYTES);
	if (rc < 0)
		return rc;
	if (!text_labels(s, s->text.buf, s->text.len))
		doc_labels(s, root);
	v = ver_new(r, ns, name, rv, s->text.buf, s->text.len, s->lbl, s->nlbl);
	if ((rc = db_write(s, v, false, &pruned, err)) < 0) {
		ver_unref(v);
		return rc;
	}
	v->live = true;
	if (old) {
		r->slots[slot] = v;
		idx_replace(r, old, v);
		old->live = false;
		if (old->in_hist)
			s->hist_bytes += old->size;
		/* The index's reference goes; emit takes its own for the event. */
		old->refs++;
		ver_unref(old);
	} else {
		hash_insert(r, v);
		idx_insert(r, v);
		r->count++;
	}
	s->rv = rv;
	s->gen++;
	if (ret)
		*ret = &v->pub;
	emit(s, old ? TB_EV_MODIFIED : TB_EV_ADDED, v, old);
	if (old)
		ver_unref(old);
	return 0;
}

int tb_store_delete(struct tb_store *s, const char *res, const char *ns, const char *name,
		    uint64_t expected_rv, struct tb_err *err)
{
	uint64_t rv = s->rv + 1;
	struct tb_store_ver *old, *v;
	struct tb_store_res *r;
	json_error_t jerr;
	json_t *root;
	size_t slot, i;
	bool pruned;
	int rc;

	if ((rc = check_key(res, ns, name, err)) < 0)
		return rc;
	r = res_find(s, res);
	if (!r || !(old = res_lookup(r, ns, name, &slot)))
		return tb_error(err, TB_ENOENT, "%s \"%s%s%s\" not found", res, ns,
				*ns ? "/" : "", name);
	if (expected_rv && old->pub.rv != expected_rv)
		return tb_error(err, TB_ECONFLICT, "Operation cannot be fulfilled on %s \"%s%s%s\":"
				" the object has been modified (resourceVersion %" PRIu64
				", expected %" PRIu64 ")", res, ns, *ns ? "/" : "", name,
				old->pub.rv, expected_rv);
	/* The DELETED event's text: the last one, stamped with the deletion's rv. */
	if (!(root = json_loadb(old->pub.json, old->pub.len, 0, &jerr)))
		return tb_error(err, TB_EIO, "store: stored text of %s %s/%s is corrupt: %s",
				res, ns, name, jerr.text);
	rc = doc_stamp(s, root, rv, err);
	json_decref(root);
	if (rc < 0)
		return rc;
	if (!text_labels(s, s->text.buf, s->text.len)) {
		s->nlbl = 0;
		for (i = 0; i < old->pub.nlabels; i++) {
			const struct tb_store_label *l = &old->pub.labels[i];

			lbl_push(s, old->pub.json + l->k, l->kl, old->pub.json + l->v, l->vl);
		}
	}
	v = ver_new(r, ns, name, rv, s->text.buf, s->text.len, s->lbl, s->nlbl);
	if ((rc = db_write(s, v, true, &pruned, err)) < 0) {
		ver_unref(v);
		return rc;
	}
	if (pruned) {
		s->disk_floor = s->hist_floor;
		s->prune_wait = s->prune_every;
	} else if (s->prune_wait) {
		s->prune_wait--;
	}
	hash_remove(r, slot);
	idx_remove(r, old);
	r->count--;
	old->live = false;
	if (old->in_hist)
		s->hist_bytes += old->size;
	ver_unref(old);
	s->rv = rv;
	s->gen++;
	emit(s, TB_EV_DELETED, v, NULL);
	ver_unref(v);
	return 0;
}
