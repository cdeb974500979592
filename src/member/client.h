/* The member client: asynchronous HTTP(S) requests to member clusters' API
 * servers on tugd's libevent loop (libcurl's multi_socket interface), so a
 * member that is down or hangs never blocks the loop or other members. It
 * never blocks, never sleeps, never logs, and never calls a callback from
 * inside tb_member_request: callbacks always run from the loop. */
#ifndef TB_MEMBER_CLIENT_H
#define TB_MEMBER_CLIENT_H

#include <curl/curl.h>
#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/queue.h>

#include "lib/err.h"
#include "lib/hmap.h"

#define TB_MEMBER_MAX_BODY (64u << 20)		/* response bytes, by default */
#define TB_MEMBER_MAX_IN_FLIGHT 4		/* per member, by default */
#define TB_MEMBER_TIMEOUT_MS 30000		/* when a request gives 0 */
#define TB_MEMBER_CONNECT_TIMEOUT_MS 10000	/* never more than the request's */
#define TB_MEMBER_SPARE 64			/* idle handles kept for reuse */
#define TB_MEMBER_MAX_CONNS 8192		/* idle connections kept open */

/* How to reach one member: its server URL and credentials, as a kubeconfig
 * gives them. Borrowed: every pointer need only stay valid for the duration
 * of each tb_member_request call (the request copies what it needs). PEM
 * items are given inline (data, len) or as a file; inline wins. */
struct tb_member_conn {
	const char *server;		/* "https://10.0.0.1:6443[/prefix]" */
	const char *token;		/* bearer token, or NULL */
	const char *ca_data;		/* CA bundle to trust instead of the system's */
	size_t ca_len;
	const char *ca_file;
	const char *cert_data;		/* client certificate */
	size_t cert_len;
	const char *cert_file;
	const char *key_data;		/* its private key */
	size_t key_len;
	const char *key_file;
	bool insecure;			/* do not verify the server's certificate */
	/* Requests in different lanes of one member are limited (and queued)
	 * apart: a health probe must never wait behind applies and lists,
	 * or a busy member would look dead. NULL: the default lane. */
	const char *lane;
};

/* What a request came to. rc is checked first: 0 means an HTTP answer
 * arrived (any status, 404 and 500 included) and body holds it. Otherwise
 * status may still be set (a body over the cap) and error says why. */
struct tb_member_resp {
	int rc;			/* 0; -TB_EIO transport error or timeout; -TB_ETOOBIG */
	bool timed_out;		/* the request's timeout ran out (rc is -TB_EIO) */
	long status;		/* HTTP status, 0 when none arrived */
	const char *error;	/* "" when rc is 0, else a message */
	const char *body;	/* NUL-terminated, "" when empty; valid during the callback */
	size_t len;
};

struct tb_member_req;

/* Called once per request unless it was cancelled. The request is freed
 * when the callback returns; the callback may start new requests and cancel
 * others, but must not release the client. */
typedef void (*tb_member_cb)(const struct tb_member_resp *resp, void *data);

/* One per event loop. Settings may be changed after init, before requests.
 * Members are told apart by conn->server: each gets at most max_in_flight
 * requests at once; the rest wait in order (their timeout still counts). */
struct tb_member_client {
	size_t max_body;		/* TB_MEMBER_MAX_BODY */
	unsigned max_in_flight;		/* TB_MEMBER_MAX_IN_FLIGHT */
	long connect_timeout_ms;	/* TB_MEMBER_CONNECT_TIMEOUT_MS */
	int priority;			/* libevent priority of its events; -1: the base's default */
	/* private */
	struct event_base *base;
	CURLM *multi;
	struct event *timer;		/* curl's single timeout */
	struct event *kick;		/* runs callbacks of requests done outside curl */
	size_t pending;
	struct tb_hmap members;		/* server URL -> struct tb__member_slot */
	TAILQ_HEAD(, tb_member_req) done;	/* finished, callbacks pending */
	TAILQ_HEAD(, tb__member_sock) socks;
	/* Handles of finished requests, reset for the next ones: a probe a
	 * second to each of a thousand members should not build a handle
	 * each time. */
	CURL *spare[TB_MEMBER_SPARE];
	size_t nspare;
};

int tb_member_client_init(struct tb_member_client *client, struct event_base *base,
			  struct tb_err *err);
/* Cancels every request (no callbacks) and closes every connection. Accepts
 * a client whose init failed or that was zeroed. */
void tb_member_client_release(struct tb_member_client *client);

/* Starts method (GET, POST, PUT, PATCH, DELETE, HEAD) on conn->server + path
 * ("/readyz", "/api/v1/namespaces?limit=1"). body (len bytes, may be NULL) is
 * copied; content_type may be NULL. timeout_ms bounds the whole request from
 * now, queueing included (0: TB_MEMBER_TIMEOUT_MS). cb gets the outcome,
 * always later, from the loop. *ret_req (if ret_req is not NULL) identifies
 * the request for tb_member_request_cancel until the callback has run.
 * Returns -TB_EINVAL (nothing started, no callback) on a bad URL, method or
 * credential. */
int tb_member_request(struct tb_member_client *client, const struct tb_member_conn *conn,
		      const char *method, const char *path, const char *content_type,
		      const void *body, size_t len, long timeout_ms, tb_member_cb cb,
		      void *data, struct tb_member_req **ret_req, struct tb_err *err);

/* Stops a request, queued or in flight; its callback will not be called.
 * NULL is ignored; so is a request cancelled from inside its own callback.
 * Invalid once the callback has returned. */
void tb_member_request_cancel(struct tb_member_req *req);

/* Requests queued or in flight (for tests and metrics). */
size_t tb_member_client_pending(const struct tb_member_client *client);

#endif
