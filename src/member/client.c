/* The member client on libcurl's multi_socket interface: curl tells us which
 * sockets to watch and when its next timeout is, libevent watches them on
 * the caller's loop, and we hand readiness back with curl_multi_socket_action.
 * Requests to one member beyond max_in_flight wait in a queue of their own,
 * so a slow member holds at most that many sockets. Nothing here may block:
 * no DNS either (members are named by URL; curl resolves in a thread when
 * built with the threaded resolver, as Debian's is). */
#include "member/client.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/mem.h"
#include "lib/strbuf.h"

enum req_state { REQ_QUEUED, REQ_RUNNING, REQ_DONE, REQ_CALLING };

/* One member, keyed by server URL; exists while it has requests. */
struct tb__member_slot {
	char *server;
	unsigned in_flight;
	TAILQ_HEAD(, tb_member_req) queue;
	TAILQ_HEAD(, tb_member_req) running;
};

struct tb__member_sock {
	curl_socket_t fd;
	struct event *ev;
	TAILQ_ENTRY(tb__member_sock) link;
};

struct tb_member_req {
	struct tb_member_client *client;
	struct tb__member_slot *slot;	/* NULL once done */
	enum req_state state;
	CURL *easy;
	struct curl_slist *headers;
	struct tb_strbuf body;
	size_t max_body;
	bool too_big;
	uint64_t deadline_ms;		/* monotonic */
	long timeout_ms;
	struct event *deadline;		/* armed while queued */
	tb_member_cb cb;
	void *data;
	/* The outcome, set when done. */
	int rc;
	bool timed_out;
	long status;
	char error[CURL_ERROR_SIZE + 128];
	char curl_error[CURL_ERROR_SIZE];
	TAILQ_ENTRY(tb_member_req) link;	/* in slot->queue/running or client->done */
};

/* The loop owns time for the core; the client only needs elapsed time for
 * queued requests' deadlines, from the monotonic clock. */
static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void req_free(struct tb_member_req *req)
{
	struct tb_member_client *c = req->client;

	/* Every path here has taken the handle out of the multi handle. */
	if (req->easy && c && c->nspare < TB_MEMBER_SPARE) {
		curl_easy_reset(req->easy);
		c->spare[c->nspare++] = req->easy;
	} else if (req->easy) {
		curl_easy_cleanup(req->easy);
	}
	curl_slist_free_all(req->headers);
	tb_strbuf_release(&req->body);
	if (req->deadline)
		event_free(req->deadline);
	tb_free(req);
}

static void set_priority(const struct tb_member_client *c, struct event *ev)
{
	if (c->priority >= 0)
		event_priority_set(ev, c->priority);
}

/* ---- members ------------------------------------------------------------------ */

static struct tb__member_slot *slot_get(struct tb_member_client *c, const char *server)
{
	struct tb__member_slot *s = tb_hmap_get(&c->members, server);

	if (s)
		return s;
	s = tb_calloc(1, sizeof(*s));
	s->server = tb_strdup(server);
	TAILQ_INIT(&s->queue);
	TAILQ_INIT(&s->running);
	tb_hmap_put(&c->members, server, s);
	return s;
}

/* Forgets an idle member, so the map holds only members with requests. */
static void slot_put(struct tb_member_client *c, struct tb__member_slot *s)
{
	if (s->in_flight || !TAILQ_EMPTY(&s->queue))
		return;
	tb_hmap_del(&c->members, s->server);
	tb_free(s->server);
	tb_free(s);
}

/* ---- completion ------------------------------------------------------------------ */

/* Moves a request out of its member to the done list; callbacks run from
 * drain(), never from inside curl or from the caller's own call. */
static void to_done(struct tb_member_req *req)
{
	struct tb_member_client *c = req->client;

	req->state = REQ_DONE;
	req->slot = NULL;
	TAILQ_INSERT_TAIL(&c->done, req, link);
	event_active(c->kick, 0, 0);
}

static void drain(struct tb_member_client *c)
{
	struct tb_member_req *req;

	while ((req = TAILQ_FIRST(&c->done))) {
		struct tb_member_resp resp = {
			.rc = req->rc, .timed_out = req->timed_out, .status = req->status,
			.error = req->error, .body = req->body.buf, .len = req->body.len,
		};

		TAILQ_REMOVE(&c->done, req, link);
		req->state = REQ_CALLING;
		req->cb(&resp, req->data);
		c->pending--;
		req_free(req);
	}
}

static void pump(struct tb_member_client *c, struct tb__member_slot *s);

/* Leaves the member in place: callers put it back. */
static void queued_timeout(struct tb_member_req *req)
{
	struct tb__member_slot *s = req->slot;

	TAILQ_REMOVE(&s->queue, req, link);
	req->rc = -TB_EIO;
	req->timed_out = true;
	snprintf(req->error, sizeof(req->error), "timed out after %ld ms waiting for one of "
		 "the %u requests in flight to this member", req->timeout_ms,
		 req->client->max_in_flight);
	to_done(req);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct tb_member_req *req = arg;
	struct tb_member_client *c = req->client;
	struct tb__member_slot *s = req->slot;

	(void)fd;
	(void)what;
	queued_timeout(req);
	slot_put(c, s);
	drain(c);
}

/* Hands a queued request to curl with what is left of its timeout. Never
 * frees the member (pump puts it back). */
static void start(struct tb_member_client *c, struct tb_member_req *req)
{
	struct tb__member_slot *s = req->slot;
	uint64_t now = mono_ms();
	long left = now >= req->deadline_ms ? 0 : (long)(req->deadline_ms - now);
	CURLMcode mc;

	if (left <= 0) {
		queued_timeout(req);
		return;
	}
	TAILQ_REMOVE(&s->queue, req, link);
	event_del(req->deadline);
	curl_easy_setopt(req->easy, CURLOPT_TIMEOUT_MS, left);
	curl_easy_setopt(req->easy, CURLOPT_CONNECTTIMEOUT_MS,
			 c->connect_timeout_ms < left ? c->connect_timeout_ms : left);
	mc = curl_multi_add_handle(c->multi, req->easy);
	if (mc != CURLM_OK) {
		req->rc = -TB_EIO;
		snprintf(req->error, sizeof(req->error), "cannot start the request: %s",
			 curl_multi_strerror(mc));
		to_done(req);
		return;
	}
	req->state = REQ_RUNNING;
	s->in_flight++;
	TAILQ_INSERT_TAIL(&s->running, req, link);
}

/* Starts what the member's limit allows, then forgets it if idle. */
static void pump(struct tb_member_client *c, struct tb__member_slot *s)
{
	while (s->in_flight < c->max_in_flight && !TAILQ_EMPTY(&s->queue))
		start(c, TAILQ_FIRST(&s->queue));
	slot_put(c, s);
}

static void complete(struct tb_member_client *c, struct tb_member_req *req, CURLcode result)
{
	struct tb__member_slot *s = req->slot;

	curl_multi_remove_handle(c->multi, req->easy);
	s->in_flight--;
	TAILQ_REMOVE(&s->running, req, link);
	curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &req->status);
	if (result == CURLE_OK) {
		req->rc = 0;
	} else if (req->too_big || result == CURLE_FILESIZE_EXCEEDED) {
		req->rc = -TB_ETOOBIG;
		snprintf(req->error, sizeof(req->error), "response body larger than %zu bytes",
			 req->max_body);
	} else {
		req->rc = -TB_EIO;
		req->timed_out = result == CURLE_OPERATION_TIMEDOUT;
		snprintf(req->error, sizeof(req->error), "%s",
			 *req->curl_error ? req->curl_error : curl_easy_strerror(result));
		if (req->timed_out)
			req->status = 0;
	}
	to_done(req);
	pump(c, s);
}

static void check_done(struct tb_member_client *c)
{
	CURLMsg *msg;
	char *priv;
	int left;

	while ((msg = curl_multi_info_read(c->multi, &left))) {
		CURLcode result = msg->data.result;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
		complete(c, (struct tb_member_req *)(void *)priv, result);
	}
	drain(c);
}

/* ---- curl <-> libevent ------------------------------------------------------------ */

static void on_sock_event(evutil_socket_t fd, short what, void *arg)
{
	struct tb_member_client *c = arg;
	int flags = 0, running;

	if (what & EV_READ)
		flags |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(c->multi, fd, flags, &running);
	check_done(c);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct tb_member_client *c = arg;
	int running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(c);
}

static void on_kick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	drain(arg);
}

static int on_curl_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct tb_member_client *c = userp;
	struct tb__member_sock *sk = socketp;
	short kind;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (sk) {
			event_free(sk->ev);
			TAILQ_REMOVE(&c->socks, sk, link);
			tb_free(sk);
			curl_multi_assign(c->multi, fd, NULL);
		}
		return 0;
	}
	if (!sk) {
		sk = tb_calloc(1, sizeof(*sk));
		sk->fd = fd;
		TAILQ_INSERT_TAIL(&c->socks, sk, link);
		curl_multi_assign(c->multi, fd, sk);
	} else {
		event_free(sk->ev);
	}
	kind = EV_PERSIST | ((what & CURL_POLL_IN) ? EV_READ : 0) |
	       ((what & CURL_POLL_OUT) ? EV_WRITE : 0);
	sk->ev = event_new(c->base, fd, kind, on_sock_event, c);
	set_priority(c, sk->ev);
	event_add(sk->ev, NULL);
	return 0;
}

/* curl asks for one timer; it must not be acted on from inside this
 * callback (curl may be mid-operation), hence the event. */
static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct tb_member_client *c = userp;
	struct timeval tv;

	(void)multi;
	if (timeout_ms < 0) {
		evtimer_del(c->timer);
		return 0;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(c->timer, &tv);
	return 0;
}

/* ---- lifecycle ------------------------------------------------------------------ */

int tb_member_client_init(struct tb_member_client *c, struct event_base *base,
			  struct tb_err *err)
{
	memset(c, 0, sizeof(*c));
	c->max_body = TB_MEMBER_MAX_BODY;
	c->max_in_flight = TB_MEMBER_MAX_IN_FLIGHT;
	c->connect_timeout_ms = TB_MEMBER_CONNECT_TIMEOUT_MS;
	c->priority = -1;
	c->base = base;
	TAILQ_INIT(&c->done);
	TAILQ_INIT(&c->socks);
	/* libcurl counts its global inits; release undoes ours. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return tb_error(err, TB_EIO, "libcurl: global initialisation failed");
	c->multi = curl_multi_init();
	c->timer = evtimer_new(base, on_timer, c);
	c->kick = event_new(base, -1, 0, on_kick, c);
	if (!c->multi || !c->timer || !c->kick) {
		tb_member_client_release(c);
		return tb_error(err, TB_EIO, "libcurl: cannot create a multi handle");
	}
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	/* Keep a connection open to every member between probes: curl's
	 * default cache (four per handle in use) would close and reopen most
	 * of them every second with a thousand members. */
	curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)TB_MEMBER_MAX_CONNS);
	return 0;
}

void tb_member_client_release(struct tb_member_client *c)
{
	struct tb__member_slot *s;
	struct tb__member_sock *sk;
	struct tb_member_req *req;
	const char *key;
	void *v;
	size_t i;
	bool inited = c && (c->multi || c->timer || c->kick);

	if (!c || !c->base)
		return;
	for (i = 0; tb_hmap_next(&c->members, &i, &key, &v);) {
		s = v;
		while ((req = TAILQ_FIRST(&s->running))) {
			TAILQ_REMOVE(&s->running, req, link);
			curl_multi_remove_handle(c->multi, req->easy);
			req_free(req);
		}
		while ((req = TAILQ_FIRST(&s->queue))) {
			TAILQ_REMOVE(&s->queue, req, link);
			req_free(req);
		}
		tb_free(s->server);
		tb_free(s);
	}
	tb_hmap_release(&c->members);
	while ((req = TAILQ_FIRST(&c->done))) {
		TAILQ_REMOVE(&c->done, req, link);
		req_free(req);
	}
	while (c->nspare)
		curl_easy_cleanup(c->spare[--c->nspare]);
	if (c->multi)
		curl_multi_cleanup(c->multi);
	/* Sockets curl did not tell us to forget (its cache closed them). */
	while ((sk = TAILQ_FIRST(&c->socks))) {
		TAILQ_REMOVE(&c->socks, sk, link);
		event_free(sk->ev);
		tb_free(sk);
	}
	if (c->timer)
		event_free(c->timer);
	if (c->kick)
		event_free(c->kick);
	if (inited)
		curl_global_cleanup();
	memset(c, 0, sizeof(*c));
}

size_t tb_member_client_pending(const struct tb_member_client *c)
{
	return c->pending;
}

/* ---- requests -------------------------------------------------------------------- */

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct tb_member_req *req = userdata;
	size_t n = size * nmemb;

	if (req->body.len + n > req->max_body) {
		req->too_big = true;
		return 0;	/* any short count makes curl stop with a write error */
	}
	tb_strbuf_add(&req->body, ptr, n);
	return n;
}

static int set_pem(CURL *e, CURLoption blob_opt, CURLoption file_opt, const char *data,
		   size_t len, const char *file)
{
	struct curl_blob blob = { (void *)data, len, CURL_BLOB_COPY };

	if (data)
		return curl_easy_setopt(e, blob_opt, &blob) == CURLE_OK ? 0 : -TB_EUNSUPP;
	if (file)
		return curl_easy_setopt(e, file_opt, file) == CURLE_OK ? 0 : -TB_EUNSUPP;
	return 0;
}

static int set_tls(CURL *e, const struct tb_member_conn *conn, struct tb_err *err)
{
	if (conn->insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (conn->ca_data || conn->ca_file) {
		/* Trust the member's CA only, as kubectl does, not the system's too. */
		curl_easy_setopt(e, CURLOPT_CAINFO, NULL);
		curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
		if (set_pem(e, CURLOPT_CAINFO_BLOB, CURLOPT_CAINFO, conn->ca_data, conn->ca_len,
			    conn->ca_file))
			return tb_error(err, TB_EUNSUPP, "libcurl cannot load a CA bundle");
	}
	if (conn->cert_data || conn->cert_file) {
		curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
		if (set_pem(e, CURLOPT_SSLCERT_BLOB, CURLOPT_SSLCERT, conn->cert_data,
			    conn->cert_len, conn->cert_file) ||
		    set_pem(e, CURLOPT_SSLKEY_BLOB, CURLOPT_SSLKEY, conn->key_data, conn->key_len,
			    conn->key_file))
			return tb_error(err, TB_EUNSUPP, "libcurl cannot load a client certificate");
	}
	return 0;
}

static int build(struct tb_member_req *req, const struct tb_member_conn *conn,
		 const char *method, const char *path, const char *content_type,
		 const void *body, size_t len, struct tb_err *err)
{
	struct tb_strbuf url = TB_STRBUF_INIT, h = TB_STRBUF_INIT;
	size_t slen = strlen(conn->server);
	CURL *e = req->easy;
	int rc = 0;

	while (slen && conn->server[slen - 1] == '/')
		slen--;
	tb_strbuf_addf(&url, "%.*s%s", (int)slen, conn->server, path);
	curl_easy_setopt(e, CURLOPT_URL, url.buf);
	curl_easy_setopt(e, CURLOPT_PRIVATE, req);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, req->curl_error);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, req);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)req->max_body);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/* Members are reached directly: an http_proxy in tugd's environment
	 * must not reroute (or break) failover probes. */
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "tugboat/" TB_VERSION);
	if (!strcmp(method, "GET")) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	} else if (!strcmp(method, "HEAD")) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else {
		if (strcmp(method, "POST"))
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
		if (body || strcmp(method, "DELETE")) {
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
			curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, body ? body : "");
		}
	}
	req->headers = curl_slist_append(req->headers, "Accept: application/json, */*");
	/* curl would wait a second for a 100 Continue on larger bodies. */
	req->headers = curl_slist_append(req->headers, "Expect:");
	if (content_type) {
		tb_strbuf_addf(&h, "Content-Type: %s", content_type);
		req->headers = curl_slist_append(req->headers, h.buf);
	}
	if (conn->token) {
		tb_strbuf_reset(&h);
		tb_strbuf_addf(&h, "Authorization: Bearer %s", conn->token);
		req->headers = curl_slist_append(req->headers, h.buf);
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, req->headers);
	rc = set_tls(e, conn, err);
	tb_strbuf_release(&url);
	tb_strbuf_release(&h);
	return rc;
}

static int check_args(const struct tb_member_conn *conn, const char *method, const char *path,
		      const char *content_type, struct tb_err *err)
{
	static const char *const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD",
					       NULL };
	size_t i;

	for (i = 0; methods[i] && strcmp(methods[i], method); i++)
		;
	if (!methods[i])
		return tb_error(err, TB_EINVAL, "unsupported method \"%s\"", method);
	if (!conn->server || (strncmp(conn->server, "https://", 8) &&
			      strncmp(conn->server, "http://", 7)))
		return tb_error(err, TB_EINVAL, "server \"%s\": want an https:// or http:// URL",
				conn->server ? conn->server : "");
	if (path[0] != '/' || strpbrk(path, " \r\n"))
		return tb_error(err, TB_EINVAL, "path \"%s\": want /... without spaces", path);
	/* Header injection: these go into request headers verbatim. */
	if ((conn->token && strpbrk(conn->token, "\r\n")) ||
	    (content_type && strpbrk(content_type, "\r\n")))
		return tb_error(err, TB_EINVAL, "a token or content type must be one line");
	return 0;
}

int tb_member_request(struct tb_member_client *c, const struct tb_member_conn *conn,
		      const char *method, const char *path, const char *content_type,
		      const void *body, size_t len, long timeout_ms, tb_member_cb cb,
		      void *data, struct tb_member_req **ret_req, struct tb_err *err)
{
	struct tb_member_req *req;
	struct timeval tv;
	char *key;
	int rc;

	if ((rc = check_args(conn, method, path, content_type, err)))
		return rc;
	if (timeout_ms <= 0)
		timeout_ms = TB_MEMBER_TIMEOUT_MS;
	req = tb_calloc(1, sizeof(*req));
	req->client = c;
	req->cb = cb;
	req->data = data;
	req->max_body = c->max_body;
	req->timeout_ms = timeout_ms;
	req->deadline_ms = mono_ms() + (uint64_t)timeout_ms;
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	tb_strbuf_init(&req->body);
	req->easy = c->nspare ? c->spare[--c->nspare] : curl_easy_init();
	req->deadline = evtimer_new(c->base, on_deadline, req);
	if (!req->easy || !req->deadline) {
		req_free(req);
		return tb_error(err, TB_EIO, "libcurl: cannot create a handle");
	}
	/* The priority may have been chosen after init. */
	set_priority(c, req->deadline);
	set_priority(c, c->timer);
	set_priority(c, c->kick);
	if ((rc = build(req, conn, method, path, content_type, body, len, err))) {
		req_free(req);
		return rc;
	}
	/* One member whether or not its URL ends with a slash; one queue per
	 * lane of it. */
	key = tb_strdup(conn->server);
	for (size_t n = strlen(key); n && key[n - 1] == '/'; n--)
		key[n - 1] = '\0';
	if (conn->lane) {
		struct tb_strbuf lk = TB_STRBUF_INIT;

		tb_strbuf_addf(&lk, "%s\n%s", key, conn->lane);
		tb_free(key);
		key = tb_strbuf_detach(&lk, NULL);
	}
	req->slot = slot_get(c, key);
	tb_free(key);
	req->state = REQ_QUEUED;
	TAILQ_INSERT_TAIL(&req->slot->queue, req, link);
	c->pending++;
	/* The deadline counts while queued; start() disarms it. */
	evtimer_add(req->deadline, &tv);
	if (ret_req)
		*ret_req = req;
	pump(c, req->slot);
	return 0;
}

void tb_member_request_cancel(struct tb_member_req *req)
{
	struct tb_member_client *c;
	struct tb__member_slot *s;

	if (!req || req->state == REQ_CALLING)
		return;
	c = req->client;
	s = req->slot;
	switch (req->state) {
	case REQ_QUEUED:
		TAILQ_REMOVE(&s->queue, req, link);
		slot_put(c, s);
		break;
	case REQ_RUNNING:
		curl_multi_remove_handle(c->multi, req->easy);
		s->in_flight--;
		TAILQ_REMOVE(&s->running, req, link);
		pump(c, s);
		break;
	case REQ_DONE:
		TAILQ_REMOVE(&c->done, req, link);
		break;
	case REQ_CALLING:
		break;
	}
	c->pending--;
	req_free(req);
}
