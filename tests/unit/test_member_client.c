/* The member client against an in-process libevent HTTP server on
 * 127.0.0.1 in the same event loop: answers, statuses, bodies, a hanging
 * member not blocking a healthy one, timeouts, refused connections,
 * cancellation, the body cap, the per-member limit, and (when the openssl
 * CLI is there) TLS with CA verification and client certificates. Tests
 * assert the order of events, never durations. */
#include "testutil.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "member/client.h"

#ifdef TB_TEST_TLS
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#endif

struct result {
	bool done;
	int order;
	int rc;
	bool timed_out;
	long status;
	char error[512];
	char *body;
	size_t len;
	int hangs_seen;		/* the server's /hang count when the callback ran */
};

struct fx {
	struct event_base *base;
	struct evhttp *http;
	int port;
	char url[64];
	struct tb_member_client client;
	int hangs;		/* /hang requests the server has seen */
	int seq;		/* callbacks so far */
	struct result *canceller_target_res;
	struct tb_member_req *cancel_from_cb;
};

static struct fx *g;	/* the callbacks' view of the running test */

/* ---- the server ------------------------------------------------------------- */

static void serve(struct evhttp_request *r, void *arg)
{
	struct fx *f = arg;
	const char *uri = evhttp_request_get_uri(r);
	struct evbuffer *out = evbuffer_new();

	if (!strcmp(uri, "/ok")) {
		evbuffer_add_printf(out, "hello");
		evhttp_send_reply(r, 200, "OK", out);
	} else if (!strcmp(uri, "/echo")) {
		struct evkeyvalq *h = evhttp_request_get_input_headers(r);
		struct evbuffer *in = evhttp_request_get_input_buffer(r);
		const char *ct = evhttp_find_header(h, "Content-Type");
		const char *auth = evhttp_find_header(h, "Authorization");
		evbuffer_add_printf(out, "%s|%s|%s|",
				    evhttp_request_get_command(r) == EVHTTP_REQ_POST ? "POST" :
				    evhttp_request_get_command(r) == EVHTTP_REQ_PUT ? "PUT" :
				    evhttp_request_get_command(r) == EVHTTP_REQ_GET ? "GET" : "other",
				    ct ? ct : "-", auth ? auth : "-");
		evbuffer_add_buffer(out, in);
		evhttp_send_reply(r, 201, "Created", out);
	} else if (!strcmp(uri, "/hang")) {
		f->hangs++;	/* never answered: evhttp frees it when curl hangs up */
	} else if (!strcmp(uri, "/big")) {
		for (int i = 0; i < 5000; i++)
			evbuffer_add(out, "x", 1);
		evhttp_send_reply(r, 200, "OK", out);
	} else if (!strcmp(uri, "/bigchunked")) {
		/* No Content-Length: the cap must hold while reading, too. */
		evhttp_send_reply_start(r, 200, "OK");
		for (int i = 0; i < 5; i++) {
			for (int j = 0; j < 1000; j++)
				evbuffer_add(out, "y", 1);
			evhttp_send_reply_chunk(r, out);
		}
		evhttp_send_reply_end(r);
	} else {
		evbuffer_add_printf(out, "no such page");
		evhttp_send_reply(r, 404, "Not Found", out);
	}
	evbuffer_free(out);
}

static int bound_port(struct evhttp_bound_socket *h)
{
	struct sockaddr_in sin;
	socklen_t n = sizeof(sin);

	assert_non_null(h);
	assert_int_equal(getsockname(evhttp_bound_socket_get_fd(h), (struct sockaddr *)&sin, &n),
			 0);
	return ntohs(sin.sin_port);
}

static int setup(void **state)
{
	struct fx *f = tb_calloc(1, sizeof(*f));

	f->base = event_base_new();
	f->http = evhttp_new(f->base);
	evhttp_set_gencb(f->http, serve, f);
	f->port = bound_port(evhttp_bind_socket_with_handle(f->http, "127.0.0.1", 0));
	snprintf(f->url, sizeof(f->url), "http://127.0.0.1:%d", f->port);
	assert_int_equal(tb_member_client_init(&f->client, f->base, NULL), 0);
	g = f;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tb_member_client_release(&f->client);
	evhttp_free(f->http);
	event_base_free(f->base);
	tb_free(f);
	g = NULL;
	return 0;
}

/* ---- helpers ------------------------------------------------------------------ */

static void on_resp(const struct tb_member_resp *resp, void *data)
{
	struct result *res = data;

	assert_false(res->done);
	res->done = true;
	res->order = ++g->seq;
	res->hangs_seen = g->hangs;
	res->rc = resp->rc;
	res->timed_out = resp->timed_out;
	res->status = resp->status;
	snprintf(res->error, sizeof(res->error), "%s", resp->error);
	assert_non_null(resp->body);
	assert_int_equal(resp->body[resp->len], '\0');
	res->body = tb_strndup(resp->body, resp->len);
	res->len = resp->len;
}

static void on_guard(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	*(bool *)arg = true;
}

/* Runs the loop until every result in res[0..n) is done. The guard only
 * turns a hang of the test into a failure; nothing asserts on time. */
static void run_until(struct fx *f, struct result **res, size_t n)
{
	struct timeval tv = { 60, 0 };
	bool expired = false, all;
	struct event *guard = evtimer_new(f->base, on_guard, &expired);

	evtimer_add(guard, &tv);
	do {
		all = true;
		for (size_t i = 0; i < n; i++)
			all = all && res[i]->done;
		if (!all)
			event_base_loop(f->base, EVLOOP_ONCE);
	} while (!all && !expired);
	event_free(guard);
	if (expired)
		fail_msg("requests did not finish");
}

/* Runs the loop until the server has seen n /hang requests. */
static void run_until_hangs(struct fx *f, int n)
{
	struct timeval tv = { 60, 0 };
	bool expired = false;
	struct event *guard = evtimer_new(f->base, on_guard, &expired);

	evtimer_add(guard, &tv);
	while (f->hangs < n && !expired)
		event_base_loop(f->base, EVLOOP_ONCE);
	event_free(guard);
	if (expired)
		fail_msg("the server did not see %d requests", n);
}

static void result_release(struct result *r)
{
	tb_free(r->body);
	r->body = NULL;
}

static void get(struct fx *f, const struct tb_member_conn *conn, const char *path, long timeout,
		struct result *res, struct tb_member_req **ret)
{
	assert_int_equal(tb_member_request(&f->client, conn, "GET", path, NULL, NULL, 0, timeout,
					   on_resp, res, ret, NULL), 0);
}

/* ---- tests --------------------------------------------------------------------- */

static void test_get_ok(void **state)
{
	struct fx *f = *state;
	struct tb_member_conn conn = { .server = f->url };
	struct result a = { 0 }, *all[] = { &a };

	get(f, &conn, "/ok", 5000, &a, NULL);
	assert_false(a.done);	/* never called from inside the request */
	run_until(f, all, 1);
	assert_int_equal(a.rc, 0);
	assert_int_equal(a.status, 200);
	assert_string_equal(a.body, "hello");
	assert_string_equal(a.error, "");
	assert_int_equal(tb_member_client_pending(&f->client), 0);
	result_release(&a);
}

static void test_post_body_and_token(void **state)
{
	struct fx *f = *state;
	struct tb_member_conn conn = { .server = f->url, .token = "s3cret" };
	struct result a = { 0 }, b = { 0 }, *all[] = { &a, &b };
	static const char body[] = "{\"kind\":\"Namespace\"}";
	char big[5000];

	f->client.priority = 0;	/* the base's only priority: events take it */
	assert_int_equal(tb_member_request(&f->client, &conn, "POST", "/echo", "application/json",
					   body, strlen(body), 5000, on_resp, &a, NULL, NULL), 0);
	/* Larger than curl's Expect: 100-continue threshold. */
	memset(big, 'z', sizeof(big));
	assert_int_equal(tb_member_request(&f->client, &conn, "PUT", "/echo", "text/plain",
					   big, sizeof(big), 5000, on_resp, &b, NULL, NULL), 0);
	run_until(f, all, 2);
	assert_int_equal(a.rc, 0);
	assert_int_equal(a.status, 201);
	assert_string_equal(a.body, "POST|application/json|Bearer s3cret|{\"kind\":\"Namespace\"}");
	assert_int_equal(b.rc, 0);
	assert_int_equal(b.len, strlen("PUT|text/plain|Bearer s3cret|") + sizeof(big));
	result_release(&a);
	result_release(&b);
}

static void test_404_passed_through(void **state)
{
	struct fx *f = *state;
	struct tb_member_conn conn = { .server = f->url };
	struct result a = { 0 }, *all[] = { &a };
	char url[80];

	/* A trailing slash on the server is not doubled. */
	snprintf(url, sizeof(url), "%s/", f->url);
	conn.server = url;
	get(f, &conn, "/nope", 5000, &a, NULL);
	run_until(f, all, 1);
	assert_int_equal(a.rc, 0);
	assert_int_equal(a.status, 404);
	assert_string_equal(a.body, "no such page");
	result_release(&a);
}

static void test_hang_does_not_block_others(void **state)
{
	struct fx *f = *state;
	struct tb_member_conn conn = { .server = f->url };
	struct result hang = { 0 }, ok = { 0 }, ok2 = { 0 }, *all[] = { &hang, &ok, &ok2 };

	get(f, &conn, "/hang", 400, &hang, NULL);
	get(f, &conn, "/ok", 30000, &ok, NULL);
	get(f, &conn, "/ok", 30000, &ok2, NULL);
	run_until(f, all, 3);
	assert_int_equal(ok.rc, 0);
	assert_int_equal(ok2.rc, 0);
	assert_true(ok.order < hang.order);
	assert_true(ok2.order < hang.order);
	assert_int_equal(hang.rc, -TB_EIO);
	assert_true(hang.timed_out);
	assert_int_equal(hang.status, 0);
	assert_non_null(strstr(hang.error, "timed out"));
	assert_int_equal(f->hangs, 1);
	result_release(&hang);
	result_release(&ok);
	result_release(&ok2);
}

static void test_refused(void **state)
{
	struct fx *f = *state;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t n = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct result a = { 0 }, *all[] = { &a };
	struct tb_member_conn conn;
	char url[64];

	/* A port that was free a moment ago and has no listener. */
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &n), 0);
	close(fd);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", ntohs(sin.sin_port));
	conn = (struct tb_member_conn){ .server = url };
	get(f, &conn, "/ok", 5000, &a, NULL);
	run_until(f, all, 1);
	assert_int_equal(a.rc, -TB_EIO);
	assert_false(a.timed_out);
	assert_int_equal(a.status, 0);
	assert_true(strstr(a.error, "refused") || strstr(a.error, "connect"));
	result_release(&a);
}

static void cancel_other(const struct tb_member_resp *resp, void *data)
{
	on_resp(resp, data);
	tb_member_request_cancel(g->cancel_from_cb);
}

static void test_cancel(void **state)
{
	struct fx *f = *state;
	struct tb_member_conn conn = { .server = f->url };
	struct result hang = { 0 }, queued = { 0 }, ok = { 0 }, first = { 0 }, second = { 0 };
	struct result *all[] = { &ok }, *all2[] = { &first };
	struct tb_member_req *rh, *rq, *r2;

	/* One in flight (hanging) and one queued behind it, both cancelled. */
	f->client.max_in_flight = 1;
	get(f, &conn, "/hang", 30000, &hang, &rh);
	get(f, &conn, "/ok", 30000, &queued, &rq);
	tb_member_request_cancel(rq);
	tb_member_request_cancel(rh);
	tb_member_request_cancel(NULL);
	/* The member's slot is free again: this one goes through. */
	get(f, &conn, "/ok", 30000, &ok, NULL);
	run_until(f, all, 1);
	assert_int_equal(ok.rc, 0);
	assert_false(hang.done);
	assert_false(queued.done);
	/* A callback cancels a request whose answer is already in. */
	f->client.max_in_flight = 4;
	assert_int_equal(tb_member_request(&f->client, &conn, "GET", "/ok", NULL, NULL, 0, 30000,
					   cancel_other, &first, NULL, NULL), 0);
	get(f, &conn, "/ok", 30000, &second, &r2);
	f->cancel_from_cb = r2;
	run_until(f, all2, 1);
	/* Give the loop a few turns: second's callback must never come. */
	for (int i = 0; i < 5; i++)
		event_base_loop(f->base, EVLOOP_NONBLOCK);
	assert_false(second.done);
	assert_int_equal(tb_member_client_pending(&f->client), 0);
	result_release(&ok);
	result_release(&first);
}

static void test_body_cap(void **state)
{
	struct fx *f = *state;
	struct tb_member_conn conn = { .server = f->url };
	struct result a = { 0 }, b = { 0 }, c = { 0 }, *all[] = { &a, &b, &c };

	f->client.max_body = 1000;
	get(f, &conn, "/big", 5000, &a, NULL);
	get(f, &conn, "/bigchunked", 5000, &b, NULL);
	get(f, &conn, "/ok", 5000, &c, NULL);
	run_until(f, all, 3);
	assert_int_equal(a.rc, -TB_ETOOBIG);
	assert_string_equal(a.error, "response body larger than 1000 bytes");
	assert_int_equal(b.rc, -TB_ETOOBIG);
	assert_true(b.len <= 1000);
	assert_int_equal(c.rc, 0);
	result_release(&a);
	result_release(&b);
	result_release(&c);
}

static void test_per_member_limit(void **state)
{
	struct fx *f = *state;
	struct tb_member_conn conn = { .server = f->url };
	struct result h[3] = { 0 }, other = { 0 }, late = { 0 };
	struct result *first2[] = { &h[0], &h[1] }, *rest[] = { &h[2], &other, &late };
	char url2[80];
	struct tb_member_conn conn2;

	/* Two slots for this member: the third waits; the same server under
	 * another URL prefix is another member, with slots of its own. */
	f->client.max_in_flight = 2;
	snprintf(url2, sizeof(url2), "%s/other-member", f->url);
	conn2 = (struct tb_member_conn){ .server = url2 };
	get(f, &conn, "/hang", 1000, &h[0], NULL);
	get(f, &conn, "/hang", 1000, &h[1], NULL);
	get(f, &conn, "/hang", 30000, &h[2], NULL);
	get(f, &conn2, "/ok", 30000, &other, NULL);
	run_until(f, first2, 2);
	assert_true(other.done);	/* not held behind the first member's queue */
	assert_true(other.order < h[0].order);
	assert_int_equal(other.status, 404);	/* /other-member/ok is not a page */
	/* When the first slot freed, the server had seen only two. */
	assert_int_equal(h[0].order < h[1].order ? h[0].hangs_seen : h[1].hangs_seen, 2);
	assert_true(h[0].timed_out && h[1].timed_out);
	run_until_hangs(f, 3);
	/* Once a slot is free, the queued one is sent; a request queued past
	 * its own timeout fails without being sent. */
	f->client.max_in_flight = 1;
	get(f, &conn, "/ok", 100, &late, NULL);
	rest[0] = &late;
	run_until(f, rest, 1);
	assert_true(late.timed_out);
	assert_non_null(strstr(late.error, "waiting for one of"));
	assert_false(h[2].done);
	assert_int_equal(f->hangs, 3);
	for (int i = 0; i < 3; i++)
		result_release(&h[i]);
	result_release(&other);
	result_release(&late);
}

static void test_bad_arguments(void **state)
{
	struct fx *f = *state;
	struct tb_member_conn conn = { .server = "ftp://x" }, ok = { .server = f->url };
	struct tb_member_conn inj = { .server = f->url, .token = "a\r\nX-Evil: 1" };
	struct tb_err err = TB_ERR_INIT;
	struct result a = { 0 };

	assert_int_equal(tb_member_request(&f->client, &conn, "GET", "/", NULL, NULL, 0, 0,
					   on_resp, &a, NULL, &err), -TB_EINVAL);
	assert_non_null(strstr(err.msg, "ftp://x"));
	assert_int_equal(tb_member_request(&f->client, &ok, "BREW", "/", NULL, NULL, 0, 0,
					   on_resp, &a, NULL, &err), -TB_EINVAL);
	assert_int_equal(tb_member_request(&f->client, &ok, "GET", "x", NULL, NULL, 0, 0,
					   on_resp, &a, NULL, &err), -TB_EINVAL);
	assert_int_equal(tb_member_request(&f->client, &inj, "GET", "/", NULL, NULL, 0, 0,
					   on_resp, &a, NULL, &err), -TB_EINVAL);
	assert_int_equal(tb_member_client_pending(&f->client), 0);
}

static void test_release_with_requests(void **state)
{
	struct fx *f = *state;
	struct tb_member_conn conn = { .server = f->url };
	struct result a = { 0 }, b = { 0 }, *all[] = { &b };

	/* Release cancels what is pending, in flight or queued, silently. */
	f->client.max_in_flight = 1;
	get(f, &conn, "/hang", 30000, &a, NULL);
	get(f, &conn, "/hang", 30000, &b, NULL);
	run_until_hangs(f, 1);
	tb_member_client_release(&f->client);
	assert_false(a.done || b.done);
	/* And a released client can be initialised again. */
	assert_int_equal(tb_member_client_init(&f->client, f->base, NULL), 0);
	get(f, &conn, "/ok", 5000, &b, NULL);
	run_until(f, all, 1);
	assert_int_equal(b.status, 200);
	result_release(&b);
}

/* ---- TLS ----------------------------------------------------------------------- */

#ifdef TB_TEST_TLS
struct tls {
	char dir[64];
	SSL_CTX *ctx;
	struct evhttp *https;
	char url[64];
	char *ca, *cert, *key;
	size_t ca_len, cert_len, key_len;
};

static struct bufferevent *tls_bev(struct event_base *base, void *arg)
{
	struct tls *t = arg;

	return bufferevent_openssl_socket_new(base, -1, SSL_new(t->ctx), BUFFEREVENT_SSL_ACCEPTING,
					      BEV_OPT_CLOSE_ON_FREE);
}

static bool make_certs(const char *dir)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd),
		 "(command -v openssl && cd %s && "
		 "K='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes' && "
		 "openssl req -x509 $K -keyout ca.key -out ca.crt -days 2 -subj /CN=test-ca && "
		 "echo subjectAltName=IP:127.0.0.1 >srv.ext && "
		 "echo extendedKeyUsage=clientAuth >cli.ext && "
		 "openssl req $K -keyout srv.key -out srv.csr -subj /CN=127.0.0.1 && "
		 "openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
		 "-out srv.crt -days 2 -extfile srv.ext && "
		 "openssl req $K -keyout cli.key -out cli.csr -subj /CN=admin && "
		 "openssl x509 -req -in cli.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
		 "-out cli.crt -days 2 -extfile cli.ext) >/dev/null 2>&1", dir);
	return system(cmd) == 0;
}

static char *slurp_in(const char *dir, const char *name, size_t *len)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return tu_slurp(path, len);
}

static void test_tls(void **state)
{
	struct fx *f = *state;
	struct tls t = { .dir = "/tmp/tb-tls-XXXXXX" };
	struct result r[6] = { 0 }, *all[6];
	char path[128], cafile[128], certfile[128], keyfile[128], cmd[160];
	struct tb_member_conn verified, no_ca, insecure, no_cert, files;

	assert_non_null(mkdtemp(t.dir));
	if (!make_certs(t.dir)) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", t.dir);
		assert_int_equal(system(cmd), 0);
		skip();	/* no openssl CLI: TLS is untested here */
	}
	t.ctx = SSL_CTX_new(TLS_server_method());
	snprintf(path, sizeof(path), "%s/srv.crt", t.dir);
	assert_int_equal(SSL_CTX_use_certificate_chain_file(t.ctx, path), 1);
	snprintf(path, sizeof(path), "%s/srv.key", t.dir);
	assert_int_equal(SSL_CTX_use_PrivateKey_file(t.ctx, path, SSL_FILETYPE_PEM), 1);
	snprintf(cafile, sizeof(cafile), "%s/ca.crt", t.dir);
	snprintf(certfile, sizeof(certfile), "%s/cli.crt", t.dir);
	snprintf(keyfile, sizeof(keyfile), "%s/cli.key", t.dir);
	/* Like a kube-apiserver that takes client certificates: required here. */
	assert_int_equal(SSL_CTX_load_verify_locations(t.ctx, cafile, NULL), 1);
	SSL_CTX_set_verify(t.ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	t.https = evhttp_new(f->base);
	evhttp_set_bevcb(t.https, tls_bev, &t);
	evhttp_set_gencb(t.https, serve, f);
	snprintf(t.url, sizeof(t.url), "https://127.0.0.1:%d",
		 bound_port(evhttp_bind_socket_with_handle(t.https, "127.0.0.1", 0)));
	t.ca = slurp_in(t.dir, "ca.crt", &t.ca_len);
	t.cert = slurp_in(t.dir, "cli.crt", &t.cert_len);
	t.key = slurp_in(t.dir, "cli.key", &t.key_len);

	verified = (struct tb_member_conn){ .server = t.url, .ca_data = t.ca, .ca_len = t.ca_len,
		.cert_data = t.cert, .cert_len = t.cert_len, .key_data = t.key,
		.key_len = t.key_len };
	no_ca = verified;
	no_ca.ca_data = NULL;
	insecure = no_ca;
	insecure.insecure = true;
	no_cert = verified;
	no_cert.cert_data = no_cert.key_data = NULL;
	files = (struct tb_member_conn){ .server = t.url, .ca_file = cafile,
		.cert_file = certfile, .key_file = keyfile };
	get(f, &verified, "/ok", 10000, &r[0], NULL);
	get(f, &no_ca, "/ok", 10000, &r[1], NULL);
	get(f, &insecure, "/ok", 10000, &r[2], NULL);
	get(f, &no_cert, "/ok", 10000, &r[3], NULL);
	get(f, &files, "/ok", 10000, &r[4], NULL);
	/* Verified again: may reuse the connection; must still work. */
	get(f, &verified, "/nope", 10000, &r[5], NULL);
	for (int i = 0; i < 6; i++)
		all[i] = &r[i];
	run_until(f, all, 6);
	assert_int_equal(r[0].rc, 0);
	assert_int_equal(r[0].status, 200);
	assert_string_equal(r[0].body, "hello");
	assert_int_equal(r[1].rc, -TB_EIO);	/* not signed by a system CA */
	assert_int_equal(r[1].status, 0);
	assert_non_null(strstr(r[1].error, "certificate"));
	assert_int_equal(r[2].rc, 0);
	assert_int_equal(r[3].rc, -TB_EIO);	/* the server wants a client certificate */
	if (!strstr(r[3].error, "certificate"))
		fail_msg("want a certificate error, got \"%s\"", r[3].error);
	assert_int_equal(r[4].rc, 0);
	assert_int_equal(r[4].status, 200);
	assert_int_equal(r[5].status, 404);
	for (int i = 0; i < 6; i++)
		result_release(&r[i]);
	tb_member_client_release(&f->client);	/* before the server goes */
	assert_int_equal(tb_member_client_init(&f->client, f->base, NULL), 0);
	evhttp_free(t.https);
	SSL_CTX_free(t.ctx);
	tb_free(t.ca);
	tb_free(t.cert);
	tb_free(t.key);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", t.dir);
	assert_int_equal(system(cmd), 0);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_post_body_and_token, setup, teardown),
		cmocka_unit_test_setup_teardown(test_404_passed_through, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hang_does_not_block_others, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_body_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_per_member_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_with_requests, setup, teardown),
#ifdef TB_TEST_TLS
		cmocka_unit_test_setup_teardown(test_tls, setup, teardown),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
