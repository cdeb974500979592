/* tb-loadgen: a steady, open-loop HTTP load for measuring an outage through a
 * load balancer. Request i is sent at start + i/rate whatever happened to the
 * earlier ones (a closed loop would slow down exactly when the service does,
 * and hide the outage), and each answer is classified: a success (2xx, its
 * backend read from the first word of the body, "member2 web"), or a failure
 * by kind (refused, timeout, closed without an answer, 5xx, other). At the
 * end it prints the counts and the longest gap without a successful answer,
 * as text or (--json) as one JSON object.
 *
 *   tb-loadgen --url URL --rate R --duration D [--timeout T] [--interval D] [--json]
 *
 * One thread: libcurl's multi interface driven by curl_multi_poll(), timed
 * by the monotonic clock. A benchmark tool, never a pass/fail on speed. */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/duration.h"
#include "cmd/cli.h"
#include "lib/mem.h"

#define MAX_BACKENDS 64		/* distinct backend names kept; the rest are "other" */
#define BACKEND_MAX 64		/* bytes of a backend's name */
#define MAX_RATE 100000.0
#define MAX_IN_FLIGHT 20000	/* beyond it a due request is skipped (and counted) */

enum lg_kind { LG_OK, LG_REFUSED, LG_TIMEOUT, LG_CLOSED, LG_5XX, LG_OTHER, _LG_KIND_MAX };

static const char *const lg_kind_names[_LG_KIND_MAX] = {
	"ok", "refused", "timeout", "closed", "http5xx", "other"
};

struct lg_backend {
	char name[BACKEND_MAX];
	uint64_t count, shown;	/* shown: count at the last --interval line */
};

/* Everything measured; times in µs since the start of the run. */
struct lg_stats {
	uint64_t sent, skipped, in_flight;
	uint64_t kinds[_LG_KIND_MAX], kinds_shown[_LG_KIND_MAX];
	struct lg_backend backends[MAX_BACKENDS];
	size_t n_backends;
	uint64_t other_backends;
	int64_t last_ok_us;		/* the run's start before the first success */
	int64_t max_gap_us, max_gap_from_us;
	int64_t max_latency_us;
};

struct lg_req {
	int64_t sent_us;
	char body[BACKEND_MAX];
	size_t len;
};

struct lg_opts {
	const char *url;
	double rate;
	int64_t duration_us, timeout_us, interval_us;
	bool json;
};

static volatile sig_atomic_t lg_stop;

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- measuring (pure: times are arguments) ---------------------------------------- */

/* A success at t_us: the time since the previous one (or the start) is a gap. */
static void lg_note_ok(struct lg_stats *s, int64_t t_us)
{
	if (t_us - s->last_ok_us > s->max_gap_us) {
		s->max_gap_us = t_us - s->last_ok_us;
		s->max_gap_from_us = s->last_ok_us;
	}
	if (t_us > s->last_ok_us)
		s->last_ok_us = t_us;
}

static void lg_note_backend(struct lg_stats *s, const char *body, size_t len)
{
	char name[BACKEND_MAX];
	size_t n = 0, i;

	while (n < len && n < sizeof(name) - 1 && body[n] > ' ')
		n++;
	memcpy(name, body, n);
	name[n] = '\0';
	for (i = 0; i < s->n_backends; i++) {
		if (!strcmp(s->backends[i].name, name)) {
			s->backends[i].count++;
			return;
		}
	}
	if (s->n_backends == MAX_BACKENDS) {
		s->other_backends++;
		return;
	}
	snprintf(s->backends[s->n_backends].name, BACKEND_MAX, "%s", name);
	s->backends[s->n_backends++].count = 1;
}

static enum lg_kind lg_classify(CURLcode rc, long status)
{
	switch (rc) {
	case CURLE_OK:
		if (status >= 200 && status < 300)
			return LG_OK;
		return status >= 500 && status < 600 ? LG_5XX : LG_OTHER;
	case CURLE_COULDNT_CONNECT:
		return LG_REFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return LG_TIMEOUT;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
		return LG_CLOSED;
	default:
		return LG_OTHER;
	}
}

static uint64_t lg_failed(const struct lg_stats *s)
{
	uint64_t n = 0;
	int k;

	for (k = LG_OK + 1; k < _LG_KIND_MAX; k++)
		n += s->kinds[k];
	return n;
}

/* ---- requests ----------------------------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t n, void *data)
{
	struct lg_req *r = data;
	size_t len = size * n, room = sizeof(r->body) - 1 - r->len;

	/* Only the first word matters: keep the start, swallow the rest. */
	if (room) {
		memcpy(r->body + r->len, p, len < room ? len : room);
		r->len += len < room ? len : room;
	}
	return len;
}

static int lg_start(CURLM *multi, const struct lg_opts *o, struct lg_stats *s, int64_t now_us)
{
	struct lg_req *r = tb_calloc(1, sizeof(*r));
	CURL *e = curl_easy_init();

	if (!e) {
		tb_free(r);
		return -1;
	}
	r->sent_us = now_us;
	curl_easy_setopt(e, CURLOPT_URL, o->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(o->timeout_us / 1000));
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(o->timeout_us / 1000));
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/* The load goes where it is told, not through an environment's proxy. */
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "tb-loadgen/" TB_VERSION);
	if (curl_multi_add_handle(multi, e) != CURLM_OK) {
		curl_easy_cleanup(e);
		tb_free(r);
		return -1;
	}
	s->sent++;
	s->in_flight++;
	return 0;
}

static void lg_finish(CURLM *multi, CURL *e, CURLcode rc, struct lg_stats *s, int64_t now_us)
{
	struct lg_req *r;
	enum lg_kind k;
	long status = 0;
	char *priv = NULL;

	curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv);
	r = (struct lg_req *)priv;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	k = lg_classify(rc, status);
	s->kinds[k]++;
	if (k == LG_OK) {
		lg_note_ok(s, now_us);
		lg_note_backend(s, r->body, r->len);
	}
	if (now_us - r->sent_us > s->max_latency_us)
		s->max_latency_us = now_us - r->sent_us;
	s->in_flight--;
	curl_multi_remove_handle(multi, e);
	curl_easy_cleanup(e);
	tb_free(r);
}

/* ---- output ------------------------------------------------------------------------- */

static void lg_progress(struct lg_stats *s, int64_t t_us)
{
	uint64_t fail = 0;
	size_t i;
	int k;

	for (k = LG_OK + 1; k < _LG_KIND_MAX; k++)
		fail += s->kinds[k] - s->kinds_shown[k];
	fprintf(stderr, "tb-loadgen: %7.3f s  ok %llu  failed %llu ", (double)t_us / 1e6,
		(unsigned long long)(s->kinds[LG_OK] - s->kinds_shown[LG_OK]),
		(unsigned long long)fail);
	for (i = 0; i < s->n_backends; i++) {
		fprintf(stderr, " %s %llu", s->backends[i].name,
			(unsigned long long)(s->backends[i].count - s->backends[i].shown));
		s->backends[i].shown = s->backends[i].count;
	}
	fputc('\n', stderr);
	memcpy(s->kinds_shown, s->kinds, sizeof(s->kinds));
}

static void lg_report(const struct lg_opts *o, const struct lg_stats *s)
{
	json_t *j, *fails, *bk;
	size_t i;
	int k;

	if (!o->json) {
		printf("url %s  rate %g/s  duration %.3f s  timeout %lld ms\n", o->url, o->rate,
		       (double)o->duration_us / 1e6, (long long)(o->timeout_us / 1000));
		printf("sent %llu  ok %llu  failed %llu (", (unsigned long long)s->sent,
		       (unsigned long long)s->kinds[LG_OK], (unsigned long long)lg_failed(s));
		for (k = LG_OK + 1; k < _LG_KIND_MAX; k++)
			printf("%s%s %llu", k > LG_OK + 1 ? ", " : "", lg_kind_names[k],
			       (unsigned long long)s->kinds[k]);
		printf(")  skipped %llu\n", (unsigned long long)s->skipped);
		printf("backends");
		for (i = 0; i < s->n_backends; i++)
			printf(" %s %llu", s->backends[i].name,
			       (unsigned long long)s->backends[i].count);
		if (s->other_backends)
			printf(" (others) %llu", (unsigned long long)s->other_backends);
		printf("%s\n", s->n_backends ? "" : " none");
		printf("longest gap without success %lld ms (from %.3f s)  max latency %lld ms\n",
		       (long long)(s->max_gap_us / 1000), (double)s->max_gap_from_us / 1e6,
		       (long long)(s->max_latency_us / 1000));
		return;
	}
	fails = json_object();
	for (k = LG_OK + 1; k < _LG_KIND_MAX; k++)
		json_object_set_new(fails, lg_kind_names[k], json_integer((json_int_t)s->kinds[k]));
	bk = json_object();
	for (i = 0; i < s->n_backends; i++)
		json_object_set_new(bk, s->backends[i].name,
				    json_integer((json_int_t)s->backends[i].count));
	j = json_pack("{s:s, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:I, s:I, s:I, s:I}",
		      "url", o->url, "rate", o->rate,
		      "duration_ms", (json_int_t)(o->duration_us / 1000),
		      "timeout_ms", (json_int_t)(o->timeout_us / 1000),
		      "sent", (json_int_t)s->sent, "ok", (json_int_t)s->kinds[LG_OK],
		      "failed", (json_int_t)lg_failed(s), "skipped", (json_int_t)s->skipped,
		      "failures", fails, "backends", bk,
		      "other_backends", (json_int_t)s->other_backends,
		      "max_gap_ms", (json_int_t)(s->max_gap_us / 1000),
		      "max_gap_from_ms", (json_int_t)(s->max_gap_from_us / 1000),
		      "max_latency_ms", (json_int_t)(s->max_latency_us / 1000));
	json_dumpf(j, stdout, JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(j);
}

/* ---- the run ------------------------------------------------------------------------ */

static int lg_run(const struct lg_opts *o, struct lg_stats *s)
{
	CURLM *multi = curl_multi_init();
	int64_t start = mono_us(), now, due, next_show = o->interval_us, wait_us;
	int64_t end = o->duration_us;
	uint64_t i = 0;
	bool sending = true;
	CURLMsg *msg;
	int running, left;

	if (!multi)
		return -1;
	s->last_ok_us = 0;
	while (sending || s->in_flight) {
		now = mono_us() - start;
		/* Open loop: every request that is due goes now, late or not. */
		while (sending) {
			due = (int64_t)((double)i * 1e6 / o->rate);
			if (due >= o->duration_us || lg_stop) {
				if (lg_stop && now < end)
					end = now;
				sending = false;
				break;
			}
			if (due > now)
				break;
			if (s->in_flight >= MAX_IN_FLIGHT || lg_start(multi, o, s, now))
				s->skipped++;
			i++;
		}
		curl_multi_perform(multi, &running);
		while ((msg = curl_multi_info_read(multi, &left)))
			if (msg->msg == CURLMSG_DONE)
				lg_finish(multi, msg->easy_handle, msg->data.result, s,
					  mono_us() - start);
		now = mono_us() - start;
		if (o->interval_us && now >= next_show) {
			lg_progress(s, now);
			next_show += o->interval_us;
		}
		if (!sending && !s->in_flight)
			break;
		wait_us = 100000;
		if (sending) {
			due = (int64_t)((double)i * 1e6 / o->rate);
			wait_us = due - now < wait_us ? due - now : wait_us;
		}
		if (o->interval_us && next_show - now < wait_us)
			wait_us = next_show - now;
		if (wait_us > 0)
			curl_multi_poll(multi, NULL, 0, (int)((wait_us + 999) / 1000), NULL);
	}
	if (o->interval_us)
		lg_progress(s, mono_us() - start);
	/* The run ends when sending does: a success that never came counts to here. */
	if (end > s->last_ok_us)
		lg_note_ok(s, end);
	curl_multi_cleanup(multi);
	return 0;
}

static void usage(FILE *f)
{
	fputs(
"Usage: tb-loadgen --url URL --rate R --duration D [--timeout T] [--interval D] [--json]\n"
"\n"
"Sends GET URL R times a second for D (open loop: on schedule, whatever the\n"
"earlier requests are doing) and prints what came back: requests sent,\n"
"successes (2xx), failures by kind (refused, timeout, closed without an answer,\n"
"5xx, other), the backends that answered (the first word of a success's body,\n"
"as tug-membersim's services write it: \"member2 web\"), and the longest gap\n"
"without a successful answer, from the start of the run to the end of sending.\n"
"\n"
"  --url URL        what to request (http://127.0.0.1:PORT/NAMESPACE/SERVICE)\n"
"  --rate R         requests per second (may be fractional)\n"
"  --duration D     how long to send, a Go duration (10s, 1m, 500ms)\n"
"  --timeout T      per request, connection included (default 1s)\n"
"  --interval D     also print the counts of every interval D on stderr\n"
"  --json           the final report as one JSON object on stdout\n"
"\n"
"Exit status: 0 when the run completed (whatever the failures), 1 when it\n"
"could not run, 2 on a bad flag.\n", f);
}

static int parse_us(const char *flag, const char *v, int64_t *ret)
{
	struct tb_err err = TB_ERR_INIT;
	int64_t ns;

	if (tb_duration_parse(v, &ns, &err) || ns <= 0) {
		fprintf(stderr, "tb-loadgen: --%s: %s\n", flag,
			err.msg[0] ? err.msg : "must be positive");
		return -1;
	}
	*ret = ns / 1000;
	return 0;
}

static int parse_args(int argc, char **argv, struct lg_opts *o)
{
	const char *v;
	char *end;
	int i, used;

	for (i = 1; i < argc; i += used) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			exit(0);
		}
		used = 0;
		if (!strcmp(argv[i], "--json")) {
			o->json = true;
			used = 1;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "url", &v)) > 0) {
			o->url = v;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "rate", &v)) > 0) {
			errno = 0;
			o->rate = strtod(v, &end);
			if (errno || end == v || *end || !(o->rate > 0) || o->rate > MAX_RATE) {
				fprintf(stderr, "tb-loadgen: --rate: want a number of requests a "
					"second above 0 and at most %g, got \"%s\"\n", MAX_RATE, v);
				return -1;
			}
		} else if ((used = tb_cli_flag_value(argc, argv, i, "duration", &v)) > 0) {
			if (parse_us("duration", v, &o->duration_us))
				return -1;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "timeout", &v)) > 0) {
			if (parse_us("timeout", v, &o->timeout_us))
				return -1;
		} else if ((used = tb_cli_flag_value(argc, argv, i, "interval", &v)) > 0) {
			if (parse_us("interval", v, &o->interval_us))
				return -1;
		}
		if (used <= 0) {
			fprintf(stderr, "tb-loadgen: %s \"%s\" (see tb-loadgen --help)\n",
				used < 0 ? "no value for" : "unknown argument", argv[i]);
			return -1;
		}
	}
	if (!o->url || !o->rate || !o->duration_us) {
		fprintf(stderr, "tb-loadgen: --url, --rate and --duration are required\n");
		return -1;
	}
	if (strncmp(o->url, "http://", 7) && strncmp(o->url, "https://", 8)) {
		fprintf(stderr, "tb-loadgen: --url: want http:// or https://, got \"%s\"\n", o->url);
		return -1;
	}
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	lg_stop = 1;
}

int main(int argc, char **argv)
{
	struct lg_opts o = { .timeout_us = 1000000 };
	struct lg_stats *s;
	int rc;

	if (parse_args(argc, argv, &o))
		return 2;
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		fprintf(stderr, "tb-loadgen: libcurl: global initialisation failed\n");
		return 1;
	}
	/* Ctrl-C stops sending; the report still covers what was sent. */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	s = tb_calloc(1, sizeof(*s));
	rc = lg_run(&o, s);
	if (rc)
		fprintf(stderr, "tb-loadgen: libcurl: cannot create a multi handle\n");
	else
		lg_report(&o, s);
	tb_free(s);
	curl_global_cleanup();
	return rc ? 1 : 0;
}
