/* Watch streams: `?watch=true` answers with a chunked stream of
 * {"type":"ADDED|MODIFIED|DELETED","object":...} lines, as kube-apiserver.
 * resourceVersion "" or "0" starts with ADDED for every current object;
 * a number N replays the store's events after N and goes on live; when the
 * store no longer keeps events that old the stream carries one ERROR event
 * (Status 410 Expired) and ends, and the client re-lists. With a Table
 * Accept header each object is a one-row Table, as kubectl get -w wants. */
#include "server/http.h"
#include "server/apidoc.h"
#include "server/reqobj.h"

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/selector.h"
#include "lib/log.h"
#include "lib/mem.h"

/* A client that falls this far behind is cut off; it will re-list, which is
 * cheaper than buffering without bound. */
#define WATCH_MAX_BACKLOG (64u << 20)

struct tb_watch {
	struct tb_watch *next;
	struct tb_server *srv;
	struct evhttp_request *r;
	struct evhttp_connection *conn;
	const struct tb_kind *kind;
	char res[128];
	char ns[254];
	struct tb_label_selector sel;
	bool has_sel;
	struct tb_fieldsel fs;
	bool table, sent_columns;
	struct event *timer;
	struct tb_strbuf line;
};

static const char *const ev_names[] = { "ADDED", "MODIFIED", "DELETED" };

static void watch_unlink(struct tb_watch *w)
{
	struct tb_watch **pp;

	for (pp = &w->srv->watches; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
}

static void watch_free(struct tb_watch *w)
{
	watch_unlink(w);
	if (w->timer)
		event_free(w->timer);
	tb_schema_release(&tb_label_selector_schema, &w->sel);
	tb_fieldsel_release(&w->fs);
	tb_strbuf_release(&w->line);
	tb_free(w);
}

/* The connection is going away. When the client hung up, libevent has
 * detached our unfinished request from it and left it to us: ending the
 * reply frees it. When the server is being freed, the request is still
 * attached and goes with the connection. */
static void on_conn_close(struct evhttp_connection *conn, void *data)
{
	struct tb_watch *w = data;

	(void)conn;
	if (!evhttp_request_get_connection(w->r))
		evhttp_send_reply_end(w->r);
	watch_free(w);
}

/* We end the stream (timeout, too far behind, too old, shutdown). */
static void watch_end(struct tb_watch *w)
{
	evhttp_connection_set_closecb(w->conn, NULL, NULL);
	evhttp_send_reply_end(w->r);
	watch_free(w);
}

static void send_line(struct tb_watch *w)
{
	struct evbuffer *b = evbuffer_new();

	tb_strbuf_addch(&w->line, '\n');
	evbuffer_add(b, w->line.buf, w->line.len);
	evhttp_send_reply_chunk(w->r, b);
	evbuffer_free(b);
	tb_strbuf_reset(&w->line);
}

static bool watch_matches(const struct tb_watch *w, const struct tb_store_obj *o)
{
	if (strcmp(o->res, w->res) || (w->ns[0] && strcmp(o->ns, w->ns)))
		return false;
	if (!tb_fieldsel_matches_json(&w->fs, o->ns, o->name, o->json, o->len))
		return false;
	return !w->has_sel || tb_store_selects(o, &w->sel);
}

/* Sends one event; false when the watch was ended (too far behind). */
static bool watch_send(struct tb_watch *w, enum tb_store_ev_type type,
		       const struct tb_store_obj *o)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(w->conn);

	if (bev && evbuffer_get_length(bufferevent_get_output(bev)) > WATCH_MAX_BACKLOG) {
		tb_warn("watch of %s: client too far behind, closing the stream", w->res);
		watch_end(w);
		return false;
	}
	tb_strbuf_addf(&w->line, "{\"type\":\"%s\",\"object\":", ev_names[type]);
	if (w->table) {
		json_t *items = json_array(), *t;
		char *s;

		json_array_append_new(items, json_loadb(o->json, o->len, 0, NULL));
		t = tb_table_for(w->kind, items, NULL, w->srv->opts.now_ms(), !w->sent_columns);
		w->sent_columns = true;
		s = json_dumps(t, JSON_COMPACT | JSON_PRESERVE_ORDER);
		tb_strbuf_adds(&w->line, s);
		free(s);
		json_decref(t);
		json_decref(items);
	} else {
		tb_strbuf_add(&w->line, o->json, o->len);
	}
	tb_strbuf_addch(&w->line, '}');
	send_line(w);
	return true;
}

void tb_watch_on_event(void *data, const struct tb_store_event *ev)
{
	struct tb_server *s = data;
	struct tb_watch *w, *next;
	bool now, before;

	for (w = s->watches; w; w = next) {
		next = w->next;
		now = watch_matches(w, ev->obj);
		before = ev->type == TB_EV_MODIFIED && ev->prev ? watch_matches(w, ev->prev) : now;
		/* As kube-apiserver: an object that enters a selected set is ADDED
		 * for the watcher, one that leaves it is DELETED (as it was). */
		if (now && !before)
			watch_send(w, TB_EV_ADDED, ev->obj);
		else if (!now && before)
			watch_send(w, TB_EV_DELETED, ev->prev);
		else if (now)
			watch_send(w, ev->type, ev->obj);
	}
}

struct replay {
	struct tb_watch *w;
	bool ended;
};

static int replay_obj(void *data, const struct tb_store_obj *o)
{
	struct replay *rp = data;

	if (!watch_matches(rp->w, o))
		return 0;
	if (!watch_send(rp->w, TB_EV_ADDED, o)) {
		rp->ended = true;
		return 1;
	}
	return 0;
}

static void replay_event(void *data, const struct tb_store_event *ev)
{
	struct replay *rp = data;

	if (!rp->ended && watch_matches(rp->w, ev->obj) && !watch_send(rp->w, ev->type, ev->obj))
		rp->ended = true;
}

static void on_timeout(evutil_socket_t fd, short what, void *data)
{
	(void)fd;
	(void)what;
	watch_end(data);
}

static void send_expired(struct tb_watch *w, const char *rv)
{
	tb_strbuf_addf(&w->line, "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\","
		       "\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
		       "\"message\":\"too old resource version: %s (%" PRIu64 ")\","
		       "\"reason\":\"Expired\",\"code\":410}}", rv, tb_store_rv(w->srv->store));
	send_line(w);
}

void tb_watch_start(struct tb_req *q)
{
	const char *rv = tb_req_query(q, "resourceVersion");
	const char *ts = tb_req_query(q, "timeoutSeconds");
	struct tb_watch *w = tb_calloc(1, sizeof(*w));
	struct replay rp = { w, false };
	struct evkeyvalq *h;
	uint64_t since = 0;
	char *end;
	int rc;

	w->srv = q->srv;
	w->r = q->r;
	w->conn = evhttp_request_get_connection(q->r);
	w->kind = q->route.kind;
	w->fs = (struct tb_fieldsel)TB_FIELDSEL_INIT;
	tb_strbuf_init(&w->line);
	snprintf(w->res, sizeof(w->res), "%s", q->route.res);
	snprintf(w->ns, sizeof(w->ns), "%s", q->route.ns);
	if (!tb_req_selectors(q, &w->sel, &w->has_sel, &w->fs))
		goto fail;
	if (q->route.name[0]) {	/* the old /NAME?watch=true form */
		tb_free(w->fs.name);
		w->fs.name = tb_strdup(q->route.name);
		w->fs.name_neg = false;
	}
	if (rv && rv[0] && strcmp(rv, "0")) {
		since = strtoull(rv, &end, 10);
		if (*end) {
			tb_reply_status(q, 400, "BadRequest", "resourceVersion must be an integer",
					NULL);
			goto fail;
		}
	}
	w->table = q->want_table;
	h = evhttp_request_get_output_headers(q->r);
	evhttp_add_header(h, "Content-Type", w->table ? "application/json;as=Table;v=v1;"
			  "g=meta.k8s.io" : "application/json");
	evhttp_add_header(h, "Cache-Control", "no-cache, private");
	evhttp_send_reply_start(q->r, 200, "OK");
	w->next = q->srv->watches;
	q->srv->watches = w;
	evhttp_connection_set_closecb(w->conn, on_conn_close, w);
	if (!since) {
		tb_store_list(q->srv->store, w->res, w->ns[0] ? w->ns : NULL, NULL, NULL,
			      replay_obj, &rp);
	} else {
		rc = tb_store_events_since(q->srv->store, w->res, since, replay_event, &rp);
		if (rc == -TB_EGONE) {
			send_expired(w, rv);
			watch_end(w);
			return;
		}
	}
	if (rp.ended)
		return;
	if (ts && ts[0]) {
		struct timeval tv = { strtol(ts, NULL, 10), 0 };

		w->timer = evtimer_new(q->srv->base, on_timeout, w);
		evtimer_add(w->timer, &tv);
	}
	return;
fail:
	watch_free(w);
}

void tb_watch_close_all(struct tb_server *s)
{
	while (s->watches)
		watch_free(s->watches);
}
