/* API benchmark: a load generator for tugd's HTTP API on libevent (evhttp
 * client connections, keep-alive). It starts tugd in a temporary directory
 * (or uses a running one), preloads N ResourceBindings of about 1 KB through
 * the API as fast as it can, then measures single-object GET, PUT (update)
 * and LIST pages (limit=500) open-loop at a fixed rate, with each latency
 * taken from the request's intended send time so that a stall is charged to
 * every request it delays (no coordinated omission), and GET and PUT
 * closed-loop flat out. It reports tugd's VmRSS before and after the preload,
 * memory per object beyond its JSON, and the size of DIR/tugboat.db*.
 * Prints figures and ratios against the targets; never fails on time.
 *
 *   bench_api [--tugd PATH | --url http://HOST:PORT [--pid PID] [--data DIR]]
 *             [--objects N] [--rate R] [--list-rate R] [--duration S]
 *             [--conns C] [--max-conns C] [--max-duration S]
 */
#include "lib/mem.h"
#include "lib/strbuf.h"
#include "bench_util.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define COLL "/apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings"
#define PAGE 500
#define TARGET_P99_MS 10.0
#define TARGET_BYTES 1024.0
#define REQ_TIMEOUT_S 60
#define HEAD "  op          req/s      p50      p90      p99      max   errors\n"
#define SERVING "serving the API on http://127.0.0.1:"	/* tugd's log line */

enum op { OP_CREATE, OP_GET, OP_PUT, OP_LIST, _OP_MAX };
static const char *const op_name[_OP_MAX] = { "create", "get", "update", "list" };

/* OPEN: at a fixed rate; CLOSED: one request in flight per connection until
 * the end time; PRELOAD: closed until every object is created; WALK: one
 * LIST page after another, collecting the continue tokens. */
enum mode { MODE_OPEN, MODE_CLOSED, MODE_PRELOAD, MODE_WALK };

struct stats {
	uint32_t *lat_us;	/* successful requests only */
	size_t n, alloc;
	size_t status[600];	/* by HTTP status; [0]: connection error */
	uint64_t t_first, t_last;	/* phase start, last completion (ns) */
};

struct conn {
	struct evhttp_connection *ev;
	unsigned inflight;
};

struct bench {
	struct event_base *base;
	struct event *tick, *sigint;
	struct conn *conns;
	size_t nconns;
	char host[256];
	int port;
	char prefix[32];	/* object names: PREFIX<i>-deployment */
	size_t n, next_obj;
	struct obj {
		uint64_t rv;	/* resourceVersion, as last seen */
		unsigned gen;	/* updates sent (each changes spec.replicas) */
		bool busy;	/* a PUT is in flight: skip it (no 409 from ourselves) */
	} *objs;
	char **pages;		/* continue tokens, URI-encoded; pages[0] = "" */
	size_t npages, pages_alloc;
	uint64_t json_bytes;	/* stored JSON of the created objects */
	uint64_t rng;
	/* The running phase. */
	enum op op;
	enum mode mode;
	size_t use_conns;
	uint64_t start_ns, end_ns, next_ns, period_ns;
	bool issuing, interrupted;
	unsigned outstanding;
	struct stats st;
};

struct req {
	struct bench *b;
	struct conn *c;
	enum op op;
	size_t obj;
	uint64_t t0_ns;		/* intended send time (open loop) or send time */
};

static uint64_t rnd(struct bench *b)
{
	b->rng ^= b->rng << 13;
	b->rng ^= b->rng >> 7;
	b->rng ^= b->rng << 17;
	return b->rng;
}

/* A ResourceBinding as the detector writes it: labels, owner, the resource,
 * replica requirements, the policy's placement (static weights over three
 * clusters, the default tolerations) and the scheduled clusters. tugd's
 * scheduler places it again after every update that changes its replicas,
 * as it would in production. rv 0: no resourceVersion. */
static void make_binding(struct tb_strbuf *sb, const char *p, size_t i, uint64_t rv,
			 unsigned replicas)
{
	char rvs[48] = "";

	if (rv)
		snprintf(rvs, sizeof(rvs), ",\"resourceVersion\":\"%llu\"", (unsigned long long)rv);
	tb_strbuf_addf(sb,
		"{\"apiVersion\":\"work.karmada.io/v1alpha2\",\"kind\":\"ResourceBinding\","
		"\"metadata\":{\"name\":\"%s%zu-deployment\",\"namespace\":\"default\","
		"\"labels\":{\"app\":\"%s%zu\",\"app.kubernetes.io/part-of\":\"shop\","
		"\"propagationpolicy.karmada.io/name\":\"shop-policy\","
		"\"propagationpolicy.karmada.io/namespace\":\"default\","
		"\"propagationpolicy.karmada.io/permanent-id\":\"7b6c3e3a-3f2e-4b8e-9d8e-1f2a3b4c5d6e\","
		"\"resourcebinding.karmada.io/permanent-id\":\"0d3c9e2a-%04zx-4b7e-9a51-%012zx\"},"
		"\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
		"\"name\":\"%s%zu\",\"uid\":\"9a1b2c3d-0000-4000-8000-%012zx\","
		"\"controller\":true,\"blockOwnerDeletion\":true}]%s},"
		"\"spec\":{\"resource\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
		"\"namespace\":\"default\",\"name\":\"%s%zu\","
		"\"uid\":\"9a1b2c3d-0000-4000-8000-%012zx\",\"resourceVersion\":\"%zu\"},"
		"\"replicas\":%u,\"replicaRequirements\":{\"resourceRequest\":{\"cpu\":\"500m\","
		"\"memory\":\"256Mi\"}},"
		"\"placement\":{\"clusterAffinity\":{\"clusterNames\":[\"member1\",\"member2\","
		"\"member3\"]},\"clusterTolerations\":[{\"key\":\"cluster.karmada.io/not-ready\","
		"\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300},"
		"{\"key\":\"cluster.karmada.io/unreachable\",\"operator\":\"Exists\","
		"\"effect\":\"NoExecute\",\"tolerationSeconds\":300}],"
		"\"replicaScheduling\":{\"replicaSchedulingType\":\"Divided\","
		"\"replicaDivisionPreference\":\"Weighted\",\"weightPreference\":"
		"{\"staticWeightList\":[{\"targetCluster\":{\"clusterNames\":[\"member1\"]},"
		"\"weight\":2},{\"targetCluster\":{\"clusterNames\":[\"member2\"]},\"weight\":1},"
		"{\"targetCluster\":{\"clusterNames\":[\"member3\"]},\"weight\":1}]}}},"
		"\"clusters\":[{\"name\":\"member1\",\"replicas\":2},"
		"{\"name\":\"member2\",\"replicas\":2},{\"name\":\"member3\",\"replicas\":2}]}}",
		p, i, p, i, i & 0xffff, i, p, i, i, rvs, p, i, i, i * 7 + 1, replicas);
}

/* The string value of the first "key":"..." in the first 2 KB of the body
 * (metadata comes first in tugd's replies, so this is metadata's field). */
/* One blocking HTTP/1.0 POST (setup only); returns the status code or -1. */
static int post_sync(const char *host, int port, const char *path, const char *body)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	char buf[512];
	int fd, code = -1;
	ssize_t n;
	FILE *f;

	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
	    (fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) || !(f = fdopen(fd, "r+"))) {
		close(fd);
		return -1;
	}
	fprintf(f, "POST %s HTTP/1.0\r\nHost: %s\r\nContent-Type: application/json\r\n"
		"Content-Length: %zu\r\n\r\n%s", path, host, strlen(body), body);
	fflush(f);
	if ((n = (ssize_t)fread(buf, 1, sizeof(buf) - 1, f)) > 0) {
		buf[n] = '\0';
		sscanf(buf, "HTTP/%*s %d", &code);
	}
	fclose(f);
	return code;
}

/* The three member clusters the bindings' placement names. */
static bool create_clusters(const struct bench *b)
{
	char body[512];
	int code;

	for (int i = 1; i <= 3; i++) {
		snprintf(body, sizeof(body), "{\"apiVersion\":\"cluster.karmada.io/v1alpha1\","
			 "\"kind\":\"Cluster\",\"metadata\":{\"name\":\"member%d\"},"
			 "\"spec\":{\"syncMode\":\"Push\",\"apiEndpoint\":"
			 "\"https://10.0.0.%d:6443\"}}", i, 10 + i);
		code = post_sync(b->host, b->port, "/apis/cluster.karmada.io/v1alpha1/clusters",
				 body);
		if (code != 201 && code != 409) {
			fprintf(stderr, "bench_api: creating cluster member%d: HTTP %d\n", i, code);
			return false;
		}
	}
	return true;
}

static bool body_field(struct evbuffer *in, const char *key, char *out, size_t outsz)
{
	size_t len = evbuffer_get_length(in), klen = strlen(key), vlen;
	const char *p, *v, *e;

	len = len < 2048 ? len : 2048;
	if (!len || !(p = (const char *)evbuffer_pullup(in, (ssize_t)len)))
		return false;
	if ((e = memmem(p, len, "\"items\":", 8)))
		len = (size_t)(e - p);
	if (!(v = memmem(p, len, key, klen)))
		return false;
	v += klen;
	if (!(e = memchr(v, '"', len - (size_t)(v - p))) || (vlen = (size_t)(e - v)) >= outsz)
		return false;
	memcpy(out, v, vlen);
	out[vlen] = '\0';
	return true;
}

static void stats_reset(struct stats *st, uint64_t t0)
{
	tb_free(st->lat_us);
	memset(st, 0, sizeof(*st));
	st->t_first = st->t_last = t0;
}

static void on_done(struct evhttp_request *q, void *arg);

/* Sends one request of op on c; t0 is its intended send time. */
static void issue(struct bench *b, struct conn *c, enum op op, uint64_t t0)
{
	struct req *r = tb_calloc(1, sizeof(*r));
	struct evhttp_request *q = evhttp_request_new(on_done, r);
	struct tb_strbuf uri = TB_STRBUF_INIT, body = TB_STRBUF_INIT;
	enum evhttp_cmd_type method = EVHTTP_REQ_GET;
	size_t tries;

	*r = (struct req){ b, c, op, 0, t0 };
	switch (op) {
	case OP_CREATE:
		r->obj = b->next_obj++;
		make_binding(&body, b->prefix, r->obj, 0, 6);
		tb_strbuf_adds(&uri, COLL);
		method = EVHTTP_REQ_POST;
		break;
	case OP_GET:
	case OP_PUT:
		r->obj = rnd(b) % b->n;
		for (tries = 0; op == OP_PUT && b->objs[r->obj].busy && tries < 64; tries++)
			r->obj = rnd(b) % b->n;
		tb_strbuf_addf(&uri, COLL "/%s%zu-deployment", b->prefix, r->obj);
		if (op == OP_GET)
			break;
		b->objs[r->obj].busy = true;
		/* Unconditional (no resourceVersion): the scheduler writes the
		 * binding after each update, so a remembered one would be stale. */
		make_binding(&body, b->prefix, r->obj, 0, 7 + b->objs[r->obj].gen++ % 8);
		method = EVHTTP_REQ_PUT;
		break;
	default:
		r->obj = b->mode == MODE_WALK ? b->npages - 1 : rnd(b) % b->npages;
		tb_strbuf_addf(&uri, COLL "?limit=%d%s%s", PAGE, r->obj ? "&continue=" : "",
			       b->pages[r->obj]);
		break;
	}
	evhttp_add_header(evhttp_request_get_output_headers(q), "Host", b->host);
	if (body.len) {
		evhttp_add_header(evhttp_request_get_output_headers(q), "Content-Type",
				  "application/json");
		evbuffer_add(evhttp_request_get_output_buffer(q), body.buf, body.len);
	}
	c->inflight++;
	b->outstanding++;
	/* On failure the request was not queued and on_done will not run. */
	if (evhttp_make_request(c->ev, q, method, uri.buf)) {
		c->inflight--;
		b->outstanding--;
		b->st.status[0]++;
		if (op == OP_PUT)
			b->objs[r->obj].busy = false;
		tb_free(r);
	}
	tb_strbuf_release(&uri);
	tb_strbuf_release(&body);
}

static void maybe_finish(struct bench *b)
{
	if (!b->issuing && !b->outstanding)
		event_base_loopexit(b->base, NULL);
}

static void on_done(struct evhttp_request *q, void *arg)
{
	struct req *r = arg;
	struct bench *b = r->b;
	struct stats *st = &b->st;
	uint64_t now = now_ns();
	int code = q ? evhttp_request_get_response_code(q) : 0;
	struct evbuffer *in = q ? evhttp_request_get_input_buffer(q) : NULL;
	char val[1024];

	code = code > 0 && code < 600 ? code : 0;
	st->status[code]++;
	st->t_last = now;
	if (code >= 200 && code < 300) {
		TB_GROW(st->lat_us, st->alloc, st->n + 1);
		st->lat_us[st->n++] = (uint32_t)((now - r->t0_ns) / 1000);
		if (r->op == OP_CREATE)
			b->json_bytes += evbuffer_get_length(in);
		if (r->op != OP_LIST && body_field(in, "\"resourceVersion\":\"", val, sizeof(val)))
			b->objs[r->obj].rv = strtoull(val, NULL, 10);
		if (b->mode == MODE_WALK && body_field(in, "\"continue\":\"", val, sizeof(val))) {
			char *enc = evhttp_encode_uri(val);

			TB_GROW(b->pages, b->pages_alloc, b->npages + 1);
			b->pages[b->npages++] = tb_strdup(enc);
			free(enc);
		} else if (b->mode == MODE_WALK) {
			b->issuing = false;
		}
	} else if (b->mode == MODE_WALK || b->mode == MODE_PRELOAD) {
		b->issuing = false;	/* a failed preload or walk stops there */
	}
	if (r->op == OP_PUT)
		b->objs[r->obj].busy = false;
	r->c->inflight--;
	b->outstanding--;
	if (b->mode == MODE_CLOSED && now >= b->end_ns)
		b->issuing = false;
	if (b->mode == MODE_PRELOAD && b->next_obj == b->n)
		b->issuing = false;
	if (b->issuing && b->mode != MODE_OPEN)
		issue(b, r->c, r->op, now);
	tb_free(r);
	maybe_finish(b);
}

/* Open loop: sends every request whose intended time has come on the least
 * busy connection, then sleeps until the next one is due. */
static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct bench *b = arg;
	uint64_t now = now_ns(), wait;
	struct timeval tv;
	size_t i, best;

	(void)fd;
	(void)what;
	while (b->next_ns <= now && b->next_ns < b->end_ns) {
		for (best = 0, i = 1; i < b->use_conns; i++)
			if (b->conns[i].inflight < b->conns[best].inflight)
				best = i;
		issue(b, &b->conns[best], b->op, b->next_ns);
		b->next_ns += b->period_ns;
	}
	if (b->next_ns >= b->end_ns) {
		b->issuing = false;
		maybe_finish(b);
		return;
	}
	wait = b->next_ns - now;
	tv.tv_sec = (time_t)(wait / 1000000000u);
	tv.tv_usec = (suseconds_t)(wait % 1000000000u / 1000);
	evtimer_add(b->tick, &tv);
}

static void on_sigint(evutil_socket_t fd, short what, void *arg)
{
	struct bench *b = arg;

	(void)fd;
	(void)what;
	b->interrupted = true;
	event_base_loopbreak(b->base);
}

/* Runs one phase to completion; false if interrupted or tugd stopped
 * answering (then the figures would be about connection errors). */
static bool run(struct bench *b, enum op op, enum mode mode, double rate, double secs,
		size_t conns)
{
	struct timeval zero = { 0, 0 };
	size_t i;

	b->op = op;
	b->mode = mode;
	b->use_conns = conns < b->nconns ? conns : b->nconns;
	b->start_ns = b->next_ns = now_ns();
	b->end_ns = b->start_ns + (uint64_t)(secs * 1e9);
	b->period_ns = rate > 0 ? (uint64_t)(1e9 / rate) : 0;
	b->issuing = true;
	stats_reset(&b->st, b->start_ns);
	if (mode == MODE_OPEN)
		evtimer_add(b->tick, &zero);
	else
		for (i = 0; i < b->use_conns && b->issuing; i++) {
			issue(b, &b->conns[i], op, b->start_ns);
			if (mode == MODE_PRELOAD && b->next_obj == b->n)
				b->issuing = false;
		}
	maybe_finish(b);
	event_base_dispatch(b->base);
	if (b->st.status[0] && !b->interrupted)
		fprintf(stderr, "bench_api: %s: %zu requests got no response; stopping\n",
			op_name[op], b->st.status[0]);
	return !b->interrupted && !b->st.status[0];
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile in ms; the array must be sorted. */
static double pct(const struct stats *st, double p)
{
	size_t k = (size_t)(p * (double)st->n + 0.999999);

	if (!st->n)
		return 0;
	return st->lat_us[k ? k - 1 : 0] / 1000.0;
}

static double rate_of(const struct stats *st)
{
	double t = (double)(st->t_last - st->t_first) / 1e9;

	return t > 0 ? (double)st->n / t : 0;
}

static void print_errors(const struct stats *st)
{
	size_t i, errs = 0;

	for (i = 0; i < 600; i++) {
		if ((i >= 200 && i < 300) || !st->status[i])
			continue;
		if (i)
			printf("%s%zu x%zu", errs++ ? ", " : "", i, st->status[i]);
		else
			printf("%sconnection x%zu", errs++ ? ", " : "", st->status[i]);
	}
	printf("%s\n", errs ? "" : "none");
}

/* Prints one row of the latency table; returns p99. */
static double report_row(struct bench *b, const char *what)
{
	struct stats *st = &b->st;

	qsort(st->lat_us, st->n, sizeof(*st->lat_us), cmp_u32);
	printf("  %-7s %9.0f %8.2f %8.2f %8.2f %8.2f   ", what, rate_of(st), pct(st, .5),
	       pct(st, .9), pct(st, .99), st->n ? st->lat_us[st->n - 1] / 1000.0 : 0.0);
	print_errors(st);
	return pct(st, .99);
}

/* VmRSS of pid in bytes, 0 if unknown. */
static double vmrss(pid_t pid)
{
	char path[64], line[256];
	double kb = 0;
	FILE *f;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtod(line + 6, NULL);
	fclose(f);
	return kb * 1024;
}

static double file_size(const char *dir, const char *name)
{
	char path[4096];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &sb) ? 0 : (double)sb.st_size;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Starts tugd on a free port with its data in dir/data and its log in
 * dir/tugd.log; returns its pid (0 on failure) and sets *ret_port. */
static pid_t start_tugd(const char *exe, const char *dir, int *ret_port)
{
	char data[4096], logp[4096], buf[8192];
	const char *s;
	pid_t pid;
	FILE *f;
	int i, fd, st;

	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(logp, sizeof(logp), "%s/tugd.log", dir);
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		setpgid(0, 0);	/* ^C reaches bench_api, which stops tugd in order */
		fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execl(exe, exe, "--data", data, "--listen", "127.0.0.1:0", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 1000; i++) {	/* up to 10 s */
		usleep(10000);
		buf[0] = '\0';
		if ((f = fopen(logp, "r"))) {
			buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
			fclose(f);
		}
		if ((s = strstr(buf, SERVING))) {
			*ret_port = (int)strtol(s + strlen(SERVING), NULL, 10);
			return pid;
		}
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
	}
	fprintf(stderr, "bench_api: tugd did not start; its log:\n%s\n", buf);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return 0;
}

struct opts {
	const char *exe, *url, *data;
	double pid, n, rate, list_rate, secs, conns, max_conns, max_secs;
};

/* After a failure: how tugd ended, if it did (then it is reaped: returns
 * true), and the end of its log. */
static bool post_mortem(pid_t pid, const char *dir)
{
	char path[4096], buf[2048];
	bool reaped;
	size_t n = 0;
	FILE *f;
	int i, st;

	/* Its sockets close just before it can be reaped: give it a moment. */
	for (i = 0; i < 50 && !(reaped = waitpid(pid, &st, WNOHANG) == pid); i++)
		usleep(10000);
	if (reaped)
		fprintf(stderr, "bench_api: tugd %s %d\n",
			WIFSIGNALED(st) ? "was killed by signal" : "exited with status",
			WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	snprintf(path, sizeof(path), "%s/tugd.log", dir);
	if ((f = fopen(path, "r"))) {
		if (fseek(f, -(long)sizeof(buf) + 1, SEEK_END))
			rewind(f);
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	fprintf(stderr, "bench_api: the end of tugd's log:\n%s", buf);
	return reaped;
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: bench_api [--tugd PATH | --url http://HOST:PORT [--pid PID] [--data DIR]]\n"
		"                 [--objects N] [--rate R] [--list-rate R] [--duration S]\n"
		"                 [--conns C] [--max-conns C] [--max-duration S]\n"
		"Defaults: --tugd build/tugd --objects 10000 --rate 1000 --list-rate 100\n"
		"          --duration 10 --conns 16 --max-conns 8 --max-duration 5\n");
	exit(2);
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	const struct bench_flag flags[] = {
		{ "--tugd", &o->exe, NULL }, { "--url", &o->url, NULL },
		{ "--data", &o->data, NULL }, { "--pid", NULL, &o->pid },
		{ "--objects", NULL, &o->n }, { "--rate", NULL, &o->rate },
		{ "--list-rate", NULL, &o->list_rate }, { "--duration", NULL, &o->secs },
		{ "--conns", NULL, &o->conns }, { "--max-conns", NULL, &o->max_conns },
		{ "--max-duration", NULL, &o->max_secs },
	};

	if (bench_parse_flags(argc, argv, flags, sizeof(flags) / sizeof(flags[0]), usage) != argc)
		usage();	/* no "--" here */
}

int main(int argc, char **argv)
{
	struct opts o = { .exe = "build/tugd", .n = 10000, .rate = 1000, .list_rate = 100,
			  .secs = 10, .conns = 16, .max_conns = 8, .max_secs = 5 };
	struct bench b = { .rng = 0x9e3779b97f4a7c15u };
	double rss0, rss1, json_avg, per_obj, disk, load[1], p99[_OP_MAX] = { 0 };
	char tmp[] = "/tmp/bench_api.XXXXXX", datadir[4096];
	size_t conns, max_conns, i;
	struct event_config *cfg;
	bool own = false, ok = false;
	pid_t pid;
	uint64_t t;
	int st;

	parse_args(argc, argv, &o);
	b.n = (size_t)o.n;
	pid = (pid_t)o.pid;
	conns = (size_t)o.conns;
	max_conns = (size_t)o.max_conns;
	if (!b.n || !conns || !max_conns)
		usage();
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (o.url) {
		struct evhttp_uri *u = evhttp_uri_parse(o.url);

		if (!u || !evhttp_uri_get_host(u) || evhttp_uri_get_port(u) <= 0) {
			fprintf(stderr, "bench_api: --url: want http://HOST:PORT, got \"%s\"\n", o.url);
			return 2;
		}
		snprintf(b.host, sizeof(b.host), "%s", evhttp_uri_get_host(u));
		b.port = evhttp_uri_get_port(u);
		evhttp_uri_free(u);
		/* Names of this run's own, next to whatever the server holds. */
		snprintf(b.prefix, sizeof(b.prefix), "bench-%d-", (int)getpid());
	} else {
		if (!mkdtemp(tmp)) {
			perror("bench_api: mkdtemp");
			return 1;
		}
		own = true;
		snprintf(b.host, sizeof(b.host), "127.0.0.1");
		snprintf(b.prefix, sizeof(b.prefix), "app-");
		snprintf(datadir, sizeof(datadir), "%s/data", tmp);
		o.data = datadir;
		if (!(pid = start_tugd(o.exe, tmp, &b.port)))
			goto out;
		usleep(200000);	/* let it settle before the first RSS reading */
	}
	printf("tugd: %s, pid %d, http://%s:%d, data %s\n", own ? o.exe : "running", (int)pid,
	       b.host, b.port, o.data ? o.data : "(unknown)");
	if (getloadavg(load, 1) == 1)	/* the client shares the machine with tugd */
		printf("machine: %ld CPUs, load average %.2f before the run\n",
		       sysconf(_SC_NPROCESSORS_ONLN), load[0]);

	cfg = event_config_new();
	event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
	b.base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	b.tick = evtimer_new(b.base, on_tick, &b);
	b.sigint = evsignal_new(b.base, SIGINT, on_sigint, &b);
	evsignal_add(b.sigint, NULL);
	b.nconns = conns > max_conns ? conns : max_conns;
	b.conns = tb_calloc(b.nconns, sizeof(*b.conns));
	for (i = 0; i < b.nconns; i++) {
		b.conns[i].ev = evhttp_connection_base_new(b.base, NULL, b.host,
							   (ev_uint16_t)b.port);
		evhttp_connection_set_timeout(b.conns[i].ev, REQ_TIMEOUT_S);
	}
	b.objs = tb_calloc(b.n, sizeof(*b.objs));
	TB_GROW(b.pages, b.pages_alloc, 1);
	b.pages[b.npages++] = tb_strdup("");

	/* 1. Preload, memory and disk. */
	if (!create_clusters(&b))
		goto out;
	rss0 = vmrss(pid);
	if (!run(&b, OP_CREATE, MODE_PRELOAD, 0, 0, max_conns))
		goto out;
	rss1 = vmrss(pid);
	json_avg = b.st.n ? (double)b.json_bytes / (double)b.st.n : 0;
	per_obj = (rss1 - rss0) / (double)b.n - json_avg;
	printf("\npreload: %zu ResourceBindings over %zu connections, %.0f bytes of JSON each"
	       " as stored\n", b.n, b.use_conns, json_avg);
	qsort(b.st.lat_us, b.st.n, sizeof(*b.st.lat_us), cmp_u32);
	printf("  create:  %.0f creates/s (%.1f s; p50 %.2f ms, p99 %.2f ms); errors: ",
	       rate_of(&b.st), (double)(b.st.t_last - b.st.t_first) / 1e9, pct(&b.st, .5),
	       pct(&b.st, .99));
	print_errors(&b.st);
	if (b.st.n != b.n) {
		fprintf(stderr, "bench_api: only %zu of %zu objects created\n", b.st.n, b.n);
		goto out;
	}
	if (pid > 0)
		printf("  memory:  VmRSS %.1f MiB before, %.1f MiB after: %.0f bytes/object, "
		       "%.0f beyond its JSON\n", rss0 / 1048576, rss1 / 1048576,
		       per_obj + json_avg, per_obj);
	if (o.data) {
		double db = file_size(o.data, "tugboat.db"), wal = file_size(o.data, "tugboat.db-wal");
		double shm = file_size(o.data, "tugboat.db-shm");

		disk = db + wal + shm;
		printf("  disk:    %.1f MiB in tugboat.db* (db %.1f, wal %.1f, shm %.1f MiB):"
		       " %.0f bytes/object\n", disk / 1048576, db / 1048576, wal / 1048576,
		       shm / 1048576, disk / (double)b.n);
	}
	/* The continue token of every page, for random LIST pages later. */
	t = now_ns();
	if (!run(&b, OP_LIST, MODE_WALK, 0, 0, 1))
		goto out;
	printf("  list:    all %zu pages of %d, one after another, in %.2f s\n", b.npages, PAGE,
	       (double)(now_ns() - t) / 1e9);

	/* 2. Open loop at a fixed rate. */
	printf("\nopen loop: %.0f req/s intended (list %.0f) for %.0f s over %zu connections;"
	       " latency in ms\nfrom the intended send time, successful requests only\n" HEAD,
	       o.rate, o.list_rate, o.secs, conns);
	for (i = OP_GET; i < _OP_MAX; i++) {
		if (!run(&b, (enum op)i, MODE_OPEN, i == OP_LIST ? o.list_rate : o.rate, o.secs,
			 conns))
			goto out;
		p99[i] = report_row(&b, op_name[i]);
	}

	/* 3. Closed loop, flat out. */
	printf("\nclosed loop: %zu connections flat out for %.0f s, one request in flight on"
	       " each;\nlatency in ms from the send time\n" HEAD, max_conns, o.max_secs);
	for (i = OP_GET; i < _OP_MAX; i++) {
		if (!run(&b, (enum op)i, MODE_CLOSED, 0, o.max_secs, max_conns))
			goto out;
		report_row(&b, op_name[i]);
	}
	if (pid > 0)
		printf("  memory:  VmRSS %.1f MiB at the end\n", vmrss(pid) / 1048576);

	/* 4. Against the issue's targets. */
	printf("\ntargets (stated for 100,000 bindings; this run: %zu):\n", b.n);
	for (i = OP_GET; i <= OP_PUT; i++)
		printf("  %-7s p99 at %.0f req/s: %.2f ms of < %.0f ms = %.2fx  %s\n", op_name[i],
		       o.rate, p99[i], TARGET_P99_MS, p99[i] / TARGET_P99_MS,
		       p99[i] < TARGET_P99_MS ? "met" : "NOT MET");
	if (pid > 0)
		printf("  memory  beyond JSON: %.0f bytes of <= %.0f = %.2fx  %s\n", per_obj,
		       TARGET_BYTES, per_obj / TARGET_BYTES,
		       per_obj <= TARGET_BYTES ? "met" : "NOT MET");
	ok = true;
out:
	if (b.interrupted)
		fprintf(stderr, "bench_api: interrupted\n");
	for (i = 0; i < b.nconns; i++)
		evhttp_connection_free(b.conns[i].ev);
	if (b.tick)
		event_free(b.tick);
	if (b.sigint)
		event_free(b.sigint);
	if (b.base)
		event_base_free(b.base);
	if (own && pid > 0 && (ok || b.interrupted || !post_mortem(pid, tmp))) {
		kill(pid, SIGTERM);
		waitpid(pid, &st, 0);
	}
	if (own)
		nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	for (i = 0; i < b.npages; i++)
		tb_free(b.pages[i]);
	tb_free(b.pages);
	tb_free(b.conns);
	tb_free(b.objs);
	tb_free(b.st.lat_us);
	return ok ? 0 : 1;
}
