/* The bookkeeping of tugd's event recorder, as client-go's event correlator
 * and kube-apiserver's --event-ttl do it: which Events are stored, which one
 * a repeat of the same event is counted into (instead of a new Event), the
 * names client-go gives Events, a budget of writes per second so an event
 * storm cannot stall the controllers, and which Events retention deletes.
 *
 * Pure: no store, no clock, no I/O. Time comes in as now_ms; the caller
 * (events.c) writes and deletes what this decides and reports back what the
 * store holds (tb_recorder_observe / tb_recorder_forget). */
#ifndef TB_RECORDER_H
#define TB_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/hmap.h"
#include "lib/queue.h"
#include "lib/strbuf.h"

/* kube-apiserver keeps Events an hour (--event-ttl). */
#define TB_RECORDER_TTL_MS (3600 * 1000)
#define TB_RECORDER_MAX_EVENTS 10000
/* client-go's correlator counts a repeat into the Event it already made
 * (its aggregation window is ten minutes). */
#define TB_RECORDER_WINDOW_MS (10 * 60 * 1000)
/* Writes per second on average, and at once: a failover of a few hundred
 * bindings is recorded whole, a storm is cut at a rate SQLite takes easily. */
#define TB_RECORDER_RATE 100
#define TB_RECORDER_BURST 1000

struct tb_recorder_limits {
	int64_t ttl_ms;		/* an Event not seen again for this long is deleted */
	size_t max_events;	/* at most this many are kept: the oldest go first */
	int64_t window_ms;	/* a repeat within this long is counted, not new */
	uint32_t rate, burst;	/* writes: per second, and at once */
};

#define TB_RECORDER_LIMITS_INIT { TB_RECORDER_TTL_MS, TB_RECORDER_MAX_EVENTS, \
				  TB_RECORDER_WINDOW_MS, TB_RECORDER_RATE, TB_RECORDER_BURST }

/* One Event, stored or about to be. */
struct tb_rec_event {
	char *ns, *name;
	char *key;		/* correlation key; NULL: an Event we never count into */
	int64_t first_ms, last_ms;
	int64_t count;
	bool stored;		/* false while its create is pending */
	bool dirty;		/* to be written */
	void *data;		/* the writer's; freed with the recorder's free_data */
};

struct tb_recorder {
	struct tb_recorder_limits lim;
	struct tb_hmap by_name;		/* "ns/name" -> struct tb_rec_event * */
	struct tb_hmap by_key;		/* key -> the latest Event with it */
	struct tb_queue dirty;		/* "ns/name" of Events to write, in order */
	int64_t millitokens;		/* write budget, in thousandths of a write */
	int64_t tokens_ms;
	uint64_t last_name_ns;		/* names stay unique within a nanosecond */
	size_t dropped;			/* occurrences not recorded (over budget) */
	void (*free_data)(void *);
};

void tb_recorder_init(struct tb_recorder *r, const struct tb_recorder_limits *lim,
		      void (*free_data)(void *), int64_t now_ms);
void tb_recorder_release(struct tb_recorder *r);

/* client-go's Event name: "<object>.<nanoseconds since the epoch in hex>"
 * (16 digits today), the object part shortened to keep the name within 253
 * characters. */
const char *tb_recorder_name(char *buf, size_t n, const char *object, uint64_t unix_ns);

/* An occurrence, at now_ms, of the event with correlation key key about
 * object (a name) whose Events live in namespace ns. A repeat within the
 * window counts into the latest Event with that key; otherwise a new Event
 * is made (*ret_new true: the caller attaches what to write in ->data).
 * Either way the Event is queued to be written. Returns NULL when the write
 * budget is spent: the occurrence is dropped and counted in ->dropped. A
 * repeat of an Event already queued costs nothing. */
struct tb_rec_event *tb_recorder_record(struct tb_recorder *r, const char *ns,
					const char *object, const char *key, int64_t now_ms,
					bool *ret_new);

/* The next Event to write (dirty flag cleared), or NULL. */
struct tb_rec_event *tb_recorder_next_dirty(struct tb_recorder *r);

/* The store holds Event ns/name (loaded at start, or written by anyone):
 * key NULL for Events we do not count into. */
void tb_recorder_observe(struct tb_recorder *r, const char *ns, const char *name,
			 const char *key, int64_t first_ms, int64_t last_ms, int64_t count);
/* Event ns/name is gone from the store. */
void tb_recorder_forget(struct tb_recorder *r, const char *ns, const char *name);

static inline size_t tb_recorder_size(const struct tb_recorder *r) { return r->by_name.n; }

/* Retention: up to max stored Events to delete, as "ns/name" strings into
 * ret (the caller frees each and the array), oldest last occurrence first:
 * those not seen for the TTL, and the oldest beyond max_events. Returns how
 * many; *ret_next_ms is when to look again (now_ms when more are due, 0
 * when no Event is stored). */
size_t tb_recorder_expired(const struct tb_recorder *r, int64_t now_ms, size_t max,
			   char ***ret, int64_t *ret_next_ms);

/* What a world event (tb_world_emit's kind and message) is as an Event. */
struct tb_rec_meaning {
	const char *reason, *type, *action;
	bool on_template;	/* Karmada records it on the resource template too */
};

struct tb_rec_meaning tb_recorder_meaning(const char *kind, const char *message);
/* The Event's message for it, appended to out. */
void tb_recorder_message(const char *kind, const char *message,
			 const struct tb_rec_meaning *m, struct tb_strbuf *out);

#endif
